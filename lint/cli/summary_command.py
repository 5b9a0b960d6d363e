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
    from layerlint.report.summary import problem_line, render_file, summary_document
    from layerlint.runner.pipeline import summarize_paths

    if not prepare_confirm(args):
        return EXIT_ERROR
    try:
        resolver = make_resolver(args)
        results = summarize_paths(input_paths(args), resolver, stdin_filename=args.stdin_filename,
                                  force_exclude=bool(args.force_exclude), verbose=args.verbose)
    except (ConfigError, PathError) as e:
        return error(str(e))
    disagreements = False
    if args.confirm:
        from layerlint.confirm.compare import confirm_file

        for fa in results:
            disagreements |= any(r.status == "disagrees" for r in confirm_file(fa, args.assume_values))
    warn_unmatched_assumptions(args)
    fmt = args.output_format or "text"
    if fmt == "json":
        text = json.dumps(summary_document(results), indent=1) + "\n"
    else:
        color = use_color(args, fmt, sys.stdout)
        chunks = [chunk for fa in results if (chunk := render_file(fa, args.explain, color=color))]
        text = "\n\n".join(chunks) + "\n" if chunks else ""
        if not args.silent:
            err_color = should_color(args.color, sys.stderr)
            for fa in results:
                for code, msg, span in fa.problems:
                    print(problem_line(fa, code, msg, span, color=err_color), file=sys.stderr)
        if not chunks:
            log("No Keras models found.", args)
    try:
        write_output(text, args)
    except OSError as e:
        return error(f"cannot write {args.output_file}: {e.strerror or e}")
    if any(fa.problems for fa in results):
        return EXIT_ERROR
    return EXIT_DISAGREES if disagreements else EXIT_OK
