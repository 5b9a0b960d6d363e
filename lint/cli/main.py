"""Command line: ``layerlint summary``, ``layerlint check`` and ``layerlint rule``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING

from layerlint import __version__
from layerlint.cli.check_command import add_check_command
from layerlint.cli.confirm_options import add_confirm_arguments, prepare_confirm
from layerlint.cli.options import add_config_command
from layerlint.runner.files import PathError, discover

if TYPE_CHECKING:
    pass

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _summary(args: argparse.Namespace) -> int:
    from layerlint.report.summary import problem_location, render_file, summary_document
    from layerlint.runner.pipeline import analyze_path

    try:
        files = discover(args.paths)
    except PathError as e:
        print(f"layerlint: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    if not prepare_confirm(args):
        return EXIT_ERROR
    results = [analyze_path(f, args.verbose) for f in files]
    disagreements = False
    if args.confirm:
        from layerlint.confirm.compare import confirm_file

        for fa in results:
            disagreements |= any(r.status == "disagrees" for r in confirm_file(fa, args.assume_values))
    if args.format == "json":
        print(json.dumps(summary_document(results), indent=1))
    else:
        chunks = []
        for fa in results:
            for code, msg, span in fa.problems:
                print(f"{problem_location(fa, span.line, span.col)}: {code} {msg}", file=sys.stderr)
            text = render_file(fa, args.explain)
            if text:
                chunks.append(text)
        if chunks:
            print("\n\n".join(chunks))
        elif not args.quiet:
            print("No Keras models found.", file=sys.stderr)
    if any(fa.problems for fa in results):
        return EXIT_ERROR
    return EXIT_FINDINGS if disagreements else EXIT_OK


def _rule(args: argparse.Namespace) -> int:
    from layerlint.rules import get_rule
    from layerlint.rules.base import render_docs
    from layerlint.runner.check import rule_listing

    if args.all:
        print(rule_listing(markdown=args.markdown))
        return EXIT_OK
    if not args.code:
        print("layerlint: error: give a rule code (e.g. LL201) or --all", file=sys.stderr)
        return EXIT_ERROR
    rule = get_rule(args.code)
    if rule is None:
        print(f"layerlint: error: unknown rule {args.code!r} (see `layerlint rule --all`)", file=sys.stderr)
        return EXIT_ERROR
    print(render_docs(rule, markdown=args.markdown), end="")
    return EXIT_OK


def _clean(args: argparse.Namespace) -> int:
    from layerlint.runner.cache import clear, default_cache_dir

    directory = default_cache_dir()
    try:
        removed = clear(directory)
    except OSError as e:
        print(f"layerlint: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    print(f"removed {directory}" if removed else f"no cache at {directory}", file=sys.stderr)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="layerlint",
        description="Static analysis for Keras model code: shapes, parameter counts and mistakes, without running TensorFlow.",
        epilog="examples:\n  layerlint check src/ notebooks/\n  layerlint check --output-format github .\n"
               "  layerlint summary --explain model.py\n  layerlint summary --format json model.py\n"
               "  layerlint config src/model.py\n  layerlint rule LL201",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"layerlint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    s = sub.add_parser("summary", help="print each model's layers, output shapes and parameter counts")
    s.add_argument("paths", nargs="+", metavar="PATH")
    s.add_argument("--explain", action="store_true", help="show the arithmetic behind every shape and count")
    s.add_argument("--format", choices=["text", "json"], default="text")
    s.add_argument("-q", "--quiet", action="store_true")
    s.add_argument("--verbose", action="store_true", help="show tracebacks of internal errors")
    add_confirm_arguments(s)
    s.set_defaults(func=_summary)

    add_check_command(sub)
    add_config_command(sub)

    k = sub.add_parser("clean", help="delete the results cache (.layerlint_cache/ in the current directory)")
    k.set_defaults(func=_clean)

    r = sub.add_parser("rule", help="show a rule's documentation, or list all rules")
    r.add_argument("code", nargs="?", metavar="CODE")
    r.add_argument("--all", action="store_true", help="list every rule")
    r.add_argument("--markdown", action="store_true", help="Markdown output (for the README's Rules section)")
    r.set_defaults(func=_rule)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_ERROR
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as e:  # never show a user a bare traceback
        print(f"layerlint: internal error: {type(e).__name__}: {e} (run with --verbose and please report it)", file=sys.stderr)
        if getattr(args, "verbose", False):
            import traceback

            traceback.print_exc()
        return EXIT_ERROR


def entry() -> None:
    """The console script and ``python -m layerlint``: main(), then exit without Python's
    teardown.  Freeing every module and object at exit costs a one-file run 15-20 ms, a
    tenth of it, on every save; by then everything we wrote is closed, so flushing the
    standard streams is all that is left to do."""
    try:
        code = main()
    except SystemExit as e:  # argparse: usage errors, --help, --version
        if isinstance(e.code, int) or e.code is None:
            code = e.code or 0
        else:
            print(e.code, file=sys.stderr)
            code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            pass
    os._exit(code)
