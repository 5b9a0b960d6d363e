"""``layerlint check``: settings, files, rules, then one formatter to one destination."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from layerlint.cli.confirm_options import add_confirm_arguments, prepare_confirm
from layerlint.cli.options import (
    add_check_arguments,
    log,
    make_resolver,
    output_format,
    rule_descriptors,
    use_color,
    write_output,
)
from layerlint.report.formats import render
from layerlint.runner.cache import CACHE_DIR_ENV, CACHE_DIR_NAME, Cache, default_cache_dir
from layerlint.runner.check import EXIT_ERROR, count_line, exit_status, statistics
from layerlint.runner.config import ConfigError
from layerlint.runner.files import STDIN, PathError
from layerlint.runner.parallel import default_jobs


def _jobs(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number of processes, got {text!r}")
    return n


def add_check_command(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    c = sub.add_parser(
        "check", help="report mistakes in model code (shape errors, misplaced layers, sizes, losses)",
        description="Report mistakes in Keras model code without running it. Directories are searched for "
                    "*.py and *.ipynb files; settings come from the nearest pyproject.toml with [tool.layerlint].",
        epilog="examples:\n"
               "  layerlint check src/ notebooks/\n"
               "  layerlint check --select LL2,LL4 --ignore LL204 model.py\n"
               "  layerlint check --output-format github .          # annotations in GitHub Actions\n"
               "  layerlint check --output-format sarif -o results.sarif .\n"
               "  layerlint check --stdin-filename src/model.py - < src/model.py   # editors\n"
               "exit status: 0 no findings, 1 findings, 2 usage, configuration or internal error",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .); - reads stdin")
    add_check_arguments(c)
    add_confirm_arguments(c)
    c.add_argument("--statistics", action="store_true", help="print counts per rule instead of the findings")
    c.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    c.add_argument("--verbose", action="store_true", help="show tracebacks of internal errors")
    c.add_argument("-j", "--jobs", type=_jobs, default=None, metavar="N",
                   help="analyse files in N processes (default: the number of CPUs)")
    c.add_argument("--no-cache", action="store_true",
                   help=f"do not read or write the results cache ({CACHE_DIR_NAME}/, or ${CACHE_DIR_ENV})")
    c.set_defaults(func=check_command)
    return c


def check_command(args: argparse.Namespace) -> int:
    from layerlint.rules.base import LOAD_ERRORS
    from layerlint.runner.pipeline import check_paths

    paths = args.paths or ["."]
    if args.stdin_filename and not args.paths:
        paths = [STDIN]
    if not prepare_confirm(args):
        return EXIT_ERROR
    try:
        resolver = make_resolver(args)
        base = resolver.for_path(Path(args.stdin_filename) if args.stdin_filename else Path.cwd())
        fmt = output_format(args, base)
        quiet = args.quiet or args.silent
        run = check_paths(paths, resolver, stdin_filename=args.stdin_filename, force_exclude=bool(args.force_exclude),
                          verbose=args.verbose, show_progress=not quiet,
                          confirm=args.assume_values if args.confirm else None,
                          jobs=args.jobs or default_jobs(), cache=Cache(None if args.no_cache else default_cache_dir()))
    except (ConfigError, PathError) as e:
        print(f"layerlint: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    for problem in LOAD_ERRORS:
        log(f"layerlint: warning: {problem}", args)
    diagnostics = run.diagnostics
    if args.statistics:
        text = "".join(line + "\n" for line in statistics(diagnostics))
    else:
        color = use_color(args, fmt, sys.stdout)
        text = render(diagnostics, fmt, Path.cwd(), rule_descriptors(), color=color, sources=run.sources)
    write_output(text, args)
    if fmt in ("concise", "full") or args.output_file:
        log(count_line(diagnostics), args)
    return exit_status(diagnostics, args.exit_zero)
