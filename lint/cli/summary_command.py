"""``layerlint summary``: each model's layers, output shapes and parameter counts.

It reads files exactly as ``check`` does (discovery, configuration, excludes,
standard input) and prints through the same destination, colour and noise flags.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from layerlint.cli.confirm_options import add_confirm_arguments, prepare_confirm, warn_unmatched_assumptions
from layerlint.cli.options import (
    add_discovery_arguments,
    add_keras_arguments,
    add_output_arguments,
    add_paths_argument,
    error,
    input_paths,
    log,
    make_resolver,
    use_color,
    write_output,
)
from layerlint.report.color import should_color
from layerlint.runner.config import ConfigError
from layerlint.runner.files import PathError

SUMMARY_FORMATS = ("text", "json")
EXIT_OK, EXIT_DISAGREES, EXIT_ERROR = 0, 1, 2
EXIT_STATUS = ("exit status: 0 summaries printed (also when no model was found), 1 --confirm found a layer Keras\n"
               "builds differently, 2 usage or configuration error, or a file that could not be analysed\n"
               "(syntax error, unreadable, over budget, internal error; reported on stderr)")


def add_summary_command(sub: argparse._SubParsersAction, add: Any) -> argparse.ArgumentParser:
    s = add(
        sub, "summary", help="print each model's layers, output shapes and parameter counts",
        description="Print a table per Keras model, like model.summary(), without running the code: each\n"
                    "layer's output shape, parameter count and source line. Files are found and configured\n"
                    "as for `check`: directories are searched for *.py and *.ipynb files, and settings come\n"
                    "from the nearest pyproject.toml with [tool.layerlint].",
        epilog="examples:\n"
               "  layerlint summary model.py\n"
               "  layerlint summary --explain src/                   # the arithmetic behind each row\n"
               "  layerlint summary --output-format json -o models.json .\n"
               "  layerlint summary --stdin-filename src/model.py - < src/model.py\n"
               "  layerlint summary --confirm --assume nClasses=10 model.py   # compare with the installed Keras\n"
               f"{EXIT_STATUS}",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    add_paths_argument(s)
    s.add_argument("--explain", action="store_true", help="show the arithmetic behind every shape and count")
    add_discovery_arguments(s)
    add_keras_arguments(s)
    add_output_arguments(s, SUMMARY_FORMATS, "text tables (default) or one JSON document")
    add_confirm_arguments(s)
    s.set_defaults(func=summary_command)
    return s


def summary_command(args: argparse.Namespace) -> int:
    from layerlint.report.summary import file_json, join_documents, problem_line, render_file
    from layerlint.runner.pipeline import summarize_paths

    if not prepare_confirm(args):
        return EXIT_ERROR
    fmt = args.output_format or "text"
    color = fmt != "json" and use_color(args, fmt, sys.stdout)
    err_color = fmt != "json" and not args.silent and should_color(args.color, sys.stderr)

    def each(fa: Any) -> tuple[Any, list[str], bool, bool]:
        """What the output needs of one file: its share of the JSON document or its text tables, its
        problem lines (stderr, text only), whether it has problems and whether --confirm disagreed."""
        disagrees = any(r.status == "disagrees" for r in getattr(fa, "confirmations", None) or [])
        if fmt == "json":
            return file_json(fa), [], bool(fa.problems), disagrees
        problems = [problem_line(fa, code, msg, span, color=err_color) for code, msg, span in fa.problems]
        return render_file(fa, args.explain, color=color), problems, bool(fa.problems), disagrees

    try:
        resolver = make_resolver(args)
        results = summarize_paths(input_paths(args), resolver, each, stdin_filename=args.stdin_filename,
                                  force_exclude=bool(args.force_exclude), verbose=args.verbose,
                                  confirm=args.assume_values if args.confirm else None)
    except (ConfigError, PathError) as e:
        return error(str(e))
    warn_unmatched_assumptions(args)
    if fmt == "json":
        text = json.dumps(join_documents([part for part, _, _, _ in results]), indent=1) + "\n"
    else:
        chunks = [chunk for chunk, _, _, _ in results if chunk]
        text = "\n\n".join(chunks) + "\n" if chunks else ""
        if not args.silent:
            for _, problems, _, _ in results:
                for line in problems:
                    print(line, file=sys.stderr)
        if not chunks:
            log("No Keras models found.", args)
    try:
        write_output(text, args)
    except OSError as e:
        return error(f"cannot write {args.output_file}: {e.strerror or e}")
    if any(has_problems for _, _, has_problems, _ in results):
        return EXIT_ERROR
    return EXIT_DISAGREES if any(disagrees for *_, disagrees in results) else EXIT_OK
