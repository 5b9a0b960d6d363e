"""``layerlint check``: settings, files, rules, then one formatter to one destination."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from layerlint.cli.confirm_options import add_confirm_arguments, prepare_confirm, warn_unmatched_assumptions
from layerlint.cli.options import (
    add_config_arguments,
    add_output_arguments,
    add_paths_argument,
    error,
    input_paths,
    log,
    make_resolver,
    output_format,
    rule_descriptors,
    use_color,
    write_output,
)
from layerlint.runner.cache import CACHE_DIR_ENV, CACHE_DIR_NAME
from layerlint.runner.config import OUTPUT_FORMATS, ConfigError
from layerlint.runner.files import PathError

EXIT_STATUS = "exit status: 0 no findings, 1 findings, 2 usage, configuration or internal error"


def _jobs(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number of processes, got {text!r}")
    return n


def add_cache_dir_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cache-dir", metavar="DIR",
                   help=f"where the results cache lives (default: ${CACHE_DIR_ENV}, else {CACHE_DIR_NAME}/ in the "
                        "project root: the folder of the nearest pyproject.toml, else the working directory)")


def add_check_command(sub: argparse._SubParsersAction, add: Any) -> argparse.ArgumentParser:
    c = add(
        sub, "check", help="report mistakes in model code (shape errors, misplaced layers, sizes, losses)",
        description="Report mistakes in Keras model code without running it. Directories are searched for\n"
                    "*.py and *.ipynb files; settings come from the nearest pyproject.toml with [tool.layerlint].",
        epilog="examples:\n"
               "  layerlint check src/ notebooks/\n"
               "  layerlint check --select LL2,LL4 --ignore LL204 model.py\n"
               "  layerlint check --output-format github .          # annotations in GitHub Actions\n"
               "  layerlint check --output-format sarif -o results.sarif .\n"
               "  layerlint check --stdin-filename src/model.py - < src/model.py   # editors\n"
               "  layerlint check --add-noqa .                      # suppress what is reported now\n"
               f"{EXIT_STATUS}",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    add_paths_argument(c)
    add_config_arguments(c)
    add_output_arguments(c, OUTPUT_FORMATS,
                         "how to print findings (default: concise; also $LAYERLINT_OUTPUT_FORMAT or "
                         "`output-format` in the configuration)")
    add_confirm_arguments(c)
    c.add_argument("--statistics", action="store_true",
                   help="print counts per rule instead of the findings (a JSON list with --output-format json)")
    c.add_argument("--add-noqa", action="store_true",
                   help="add `# noqa: CODE` comments for every current finding, keeping the files' formatting")
    c.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    c.add_argument("--show-coverage", action="store_true",
                   help="list each model checked only in part, with the first cause and its line")
    c.add_argument("-j", "--jobs", type=_jobs, default=None, metavar="N",
                   help="analyse files in N processes (default: the number of CPUs)")
    c.add_argument("--no-cache", action="store_true", help="do not read or write the results cache")
    add_cache_dir_argument(c)
    c.set_defaults(func=check_command)
    return c


def _statistics_text(diagnostics: list, fmt: str) -> str:
    from layerlint.runner.check import statistics, statistics_rows

    if fmt == "json":
        rows = [{"code": code, "name": name, "count": n} for n, code, name in statistics_rows(diagnostics)]
        return json.dumps(rows, indent=2) + "\n"
    if fmt == "json-lines":
        return "".join(json.dumps({"code": code, "name": name, "count": n}) + "\n"
                       for n, code, name in statistics_rows(diagnostics))
    return "".join(line + "\n" for line in statistics(diagnostics))


def check_command(args: argparse.Namespace) -> int:
    # here, not at the top: `summary`, `rule` and `config` need none of them
    from layerlint.report.coverage import coverage_lines, coverage_sentence, training_sentence
    from layerlint.report.formats import render
    from layerlint.rules.base import LOAD_ERRORS
    from layerlint.runner.cache import Cache, cache_dir
    from layerlint.runner.check import EXIT_ERROR, count_line, exit_status
    from layerlint.runner.parallel import default_jobs
    from layerlint.runner.pipeline import check_paths

    if not prepare_confirm(args):
        return EXIT_ERROR
    try:
        resolver = make_resolver(args)
        base = resolver.for_path(Path(args.stdin_filename) if args.stdin_filename else Path.cwd())
        fmt = output_format(args, base)
        quiet = args.quiet or args.silent
        cache = Cache(None if args.no_cache else cache_dir(args.cache_dir, args.config))
        run = check_paths(input_paths(args), resolver, stdin_filename=args.stdin_filename,
                          force_exclude=bool(args.force_exclude), verbose=args.verbose, show_progress=not quiet,
                          confirm=args.assume_values if args.confirm else None,
                          jobs=args.jobs or default_jobs(), cache=cache)
    except (ConfigError, PathError) as e:
        return error(str(e))
    for problem in LOAD_ERRORS:
        log(f"layerlint: warning: {problem}", args)
    warn_unmatched_assumptions(args)
    diagnostics = run.diagnostics
    if args.add_noqa:
        from layerlint.runner.add_noqa import add_noqa

        try:
            report = add_noqa(diagnostics, not_on_disk=run.sources)
        except OSError as e:
            return error(f"cannot write: {e}")
        for line in report.lines():
            log(line, args)
        return EXIT_ERROR if any(d.code == "LL002" for d in diagnostics) else 0
    if args.statistics:
        text = _statistics_text(diagnostics, fmt)
    else:
        color = use_color(args, fmt, sys.stdout)
        text = render(diagnostics, fmt, Path.cwd(), rule_descriptors(), color=color, sources=run.sources)
    try:
        write_output(text, args)
    except OSError as e:
        return error(f"cannot write {args.output_file}: {e.strerror or e}")
    if args.show_coverage:
        for line in coverage_lines(run.coverage):
            log(line, args)
    if fmt in ("concise", "full") or args.output_file or args.show_coverage:
        trainings = training_sentence(run.coverage)
        log(f"{count_line(diagnostics).rstrip('.')}; {coverage_sentence(run.coverage, args.show_coverage)}"
            f"{'; ' + trainings if trainings else ''}.", args)
    return exit_status(diagnostics, args.exit_zero)
