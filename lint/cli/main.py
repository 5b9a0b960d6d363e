"""Command line: ``layerlint summary``, ``check``, ``config``, ``clean`` and ``rule``."""

from __future__ import annotations

import argparse
import os
import sys

from layerlint import __version__
from layerlint.cli.check_command import add_cache_dir_argument, add_check_command
from layerlint.cli.options import add_config_command, error
from layerlint.cli.parser import Parser
from layerlint.cli.summary_command import add_summary_command

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _rule(args: argparse.Namespace) -> int:
    from layerlint.rules import get_rule
    from layerlint.rules.base import render_docs
    from layerlint.runner.check import rule_listing

    if args.all:
        print(rule_listing(markdown=args.markdown))
        return EXIT_OK
    if not args.code:
        return error("give a rule code (e.g. LL201) or --all")
    rule = get_rule(args.code)
    if rule is None:
        return error(f"unknown rule {args.code!r} (see `layerlint rule --all`)")
    print(render_docs(rule, markdown=args.markdown), end="")
    return EXIT_OK


def _clean(args: argparse.Namespace) -> int:
    from layerlint.runner.cache import cache_dir, clear

    directory = cache_dir(args.cache_dir)
    try:
        removed = clear(directory)
    except OSError as e:
        return error(str(e))
    print(f"removed {directory}" if removed else f"no cache at {directory}", file=sys.stderr)
    return EXIT_OK


def build_parser() -> Parser:
    parser = Parser(
        prog="layerlint",
        description="Static analysis for Keras model code: shapes, parameter counts and mistakes, without running TensorFlow.",
        epilog="examples:\n  layerlint check src/ notebooks/\n  layerlint check --output-format github .\n"
               "  layerlint summary --explain model.py\n  layerlint summary --output-format json model.py\n"
               "  layerlint config src/model.py\n  layerlint rule LL201\n"
               "`layerlint COMMAND --help` describes each command and its exit status.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"layerlint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    add = parser.add_subcommand
    add_summary_command(sub, add)
    add_check_command(sub, add)
    add_config_command(sub, add)

    k = add(sub, "clean", help="delete the results cache",
            description="Delete the results cache that `check` keeps (only a folder layerlint made).")
    add_cache_dir_argument(k)
    k.set_defaults(func=_clean)

    r = add(sub, "rule", help="show a rule's documentation, or list all rules",
            description="Show a rule's documentation (what it reports, why, and examples), or list every rule.")
    r.add_argument("code", nargs="?", metavar="CODE", help="a rule code, e.g. LL201")
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
