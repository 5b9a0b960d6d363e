"""Command-line pieces every subcommand shares: options, settings, output.

``summary`` and ``check`` take the same paths, discovery and configuration
options, standard input, destination, colour and noise levels; this module
declares them once and turns parsed arguments into a SettingsResolver, the
output format, the colour decision and the destination.  It also implements
``layerlint config``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from layerlint.diagnostics import DOCS_URL
from layerlint.report.color import COLOR_MODES, should_color
from layerlint.runner.config import OUTPUT_FORMATS, ConfigError, Settings, SettingsResolver
from layerlint.runner.files import STDIN, WalkPolicy

if TYPE_CHECKING:  # the formats package is imported by `check` when it prints
    from layerlint.report.formats import RuleDescriptor

OUTPUT_FORMAT_ENV = "LAYERLINT_OUTPUT_FORMAT"
TEXT_FORMATS = ("concise", "full", "text")  # the formats for people, which may be coloured


def _codes(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]


def _output_file(text: str) -> str:
    """``-o`` must name a file: a directory is a usage error, not a crash after the whole run."""
    if not text or text.endswith(("/", os.sep)) or Path(text).is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is a directory; give a file name, e.g. {Path(text) / 'report.txt'}")
    return text


def add_paths_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files or directories to analyse (default: .); - reads standard input")
    p.add_argument("--stdin-filename", metavar="PATH",
                   help="read the source from standard input and report it as PATH, whose configuration "
                        "applies (for editors); implies - when no path is given")


def add_discovery_arguments(p: argparse.ArgumentParser) -> None:
    """Which files a run reads: the configuration file and the exclude rules."""
    p.add_argument("--config", metavar="PATH",
                   help="use this pyproject.toml (or a toml file holding the table) instead of searching")
    p.add_argument("--exclude", action="append", type=_codes, metavar="PATTERNS",
                   help="replace the exclude patterns (comma-separated globs)")
    p.add_argument("--extend-exclude", action="append", type=_codes, metavar="PATTERNS",
                   help="add exclude patterns (comma-separated globs)")
    p.add_argument("--no-respect-gitignore", dest="respect_gitignore", action="store_false", default=None,
                   help="also analyse files that .gitignore ignores")
    p.add_argument("--force-exclude", action="store_true", default=None,
                   help="apply excludes to files named on the command line too (for pre-commit)")


def add_selection_arguments(p: argparse.ArgumentParser) -> None:
    """Which rules run."""
    p.add_argument("--select", action="append", type=_codes, metavar="CODES",
                   help="comma-separated rule codes or prefixes to enable")
    p.add_argument("--ignore", action="append", type=_codes, metavar="CODES",
                   help="comma-separated rule codes or prefixes to disable")
    p.add_argument("--extend-select", action="append", type=_codes, metavar="CODES",
                   help="enable these in addition to `select`")
    p.add_argument("--extend-ignore", action="append", type=_codes, metavar="CODES",
                   help="disable these in addition to `ignore`")


def add_keras_arguments(p: argparse.ArgumentParser) -> None:
    """How the code is read: which Keras it is written for."""
    p.add_argument("--keras-version", choices=("2", "3"), default=None,
                   help="the Keras the code is written for: 3 (default) or 2 (tf-keras 2.x: its spellings, "
                        "defaults and summary names)")


def add_config_arguments(p: argparse.ArgumentParser) -> None:
    """Every configuration key that has a flag (``check`` and ``config``)."""
    add_discovery_arguments(p)
    add_selection_arguments(p)
    add_keras_arguments(p)


def add_output_arguments(p: argparse.ArgumentParser, formats: tuple[str, ...], format_help: str) -> None:
    """Format, destination, colour and noise: the same flags for every subcommand that prints results."""
    p.add_argument("--output-format", "--format", dest="output_format", choices=formats, default=None,
                   metavar="{" + ",".join(formats) + "}", help=format_help)
    p.add_argument("-o", "--output-file", metavar="FILE", type=_output_file,
                   help="write the results to FILE (created with its folders) instead of stdout")
    p.add_argument("--color", choices=COLOR_MODES, default="auto",
                   help="colour the output: auto (default; NO_COLOR and FORCE_COLOR respected), always, never")
    noise = p.add_mutually_exclusive_group()
    noise.add_argument("-q", "--quiet", action="store_true", help="print results only, no counts, notes or progress")
    noise.add_argument("-s", "--silent", action="store_true", help="print nothing; the exit status tells")
    p.add_argument("--verbose", action="store_true", help="show tracebacks of internal errors")


def input_paths(args: argparse.Namespace) -> list[str]:
    """The paths to read: ``.`` by default, ``-`` when only --stdin-filename is given."""
    if args.paths:
        return list(args.paths)
    return [STDIN] if getattr(args, "stdin_filename", None) else ["."]


def cli_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """Configuration keys set on the command line (only those actually given)."""
    keys = {"select": "select", "ignore": "ignore", "extend_select": "extend-select",
            "extend_ignore": "extend-ignore", "exclude": "exclude", "extend_exclude": "extend-exclude",
            "respect_gitignore": "respect-gitignore", "force_exclude": "force-exclude",
            "keras_version": "keras-version"}
    out: dict[str, Any] = {}
    for attr, key in keys.items():
        value = getattr(args, attr, None)
        if isinstance(value, list) and value and isinstance(value[0], list):
            value = [x for group in value for x in group]  # repeated flags add up
        if value is not None:
            out[key] = value
    return out


def make_resolver(args: argparse.Namespace) -> SettingsResolver:
    """Raises ConfigError for bad command-line values or a bad --config file."""
    resolver = SettingsResolver(getattr(args, "config", None), cli_overrides(args))
    if resolver.override is not None:
        resolver.for_path(Path.cwd())  # report a broken --config before any file is read
    return resolver


def policy_for(resolver: SettingsResolver):  # -> Callable[[Path], WalkPolicy]
    def policy(directory: Path) -> WalkPolicy:
        return resolver.for_path(directory).walk_policy()

    return policy


def output_format(args: argparse.Namespace, settings: Settings) -> str:
    """``check``'s format: the flag, then $LAYERLINT_OUTPUT_FORMAT, then the configuration."""
    if getattr(args, "output_format", None):
        return args.output_format
    env = os.environ.get(OUTPUT_FORMAT_ENV)
    if env:
        if env not in OUTPUT_FORMATS:
            raise ConfigError(f"${OUTPUT_FORMAT_ENV}", None,
                              f"unknown output format {env!r}; expected one of {', '.join(OUTPUT_FORMATS)}")
        return env
    return settings.output_format


def use_color(args: argparse.Namespace, fmt: str, stream: TextIO) -> bool:
    if fmt not in TEXT_FORMATS or getattr(args, "output_file", None):
        return False  # machine formats and files never get escape codes
    return should_color(getattr(args, "color", "auto"), stream)


def write_output(text: str, args: argparse.Namespace) -> None:
    """Results go to -o FILE or stdout, nowhere else; raises OSError when FILE cannot be written."""
    if getattr(args, "silent", False):
        return
    target = getattr(args, "output_file", None)
    if target:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_text(text, encoding="utf-8")
    elif text:
        sys.stdout.write(text)
        sys.stdout.flush()


def log(message: str, args: argparse.Namespace) -> None:
    """Progress, counts and warnings: stderr, and only when not -q/-s."""
    if not (getattr(args, "quiet", False) or getattr(args, "silent", False)):
        print(message, file=sys.stderr)


def error(message: str) -> int:
    """A usage, configuration or I/O error: said on stderr, exit status 2."""
    print(f"layerlint: error: {message}", file=sys.stderr)
    return 2


def rule_descriptors() -> list[RuleDescriptor]:
    """Every registered rule as the formatters describe it (SARIF lists them all)."""
    from layerlint.report.formats import RuleDescriptor

    try:
        from layerlint.rules.base import all_rules
    except ImportError:
        return []
    out = []
    for r in all_rules():
        docs = " ".join(x.strip() for x in (getattr(r, "what", ""), getattr(r, "why", "")) if x)
        out.append(RuleDescriptor(r.code, r.name, r.summary, docs, DOCS_URL.format(code=r.code.lower())))
    return out


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return f"{v:_}" if v >= 10_000 else str(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml_value(x)}" for k, x in v.items()) + " }" if v else "{}"
    return json.dumps(v)


def render_settings(settings: Settings, path: Path, as_json: bool = False) -> str:
    table = settings.as_table()
    source = str(settings.config_file) if settings.config_file else None
    if as_json:
        return json.dumps({"path": str(path), "config_file": source, "settings": table}, indent=2) + "\n"
    lines = [f"# effective settings for {path}",
             f"# from {source}" if source else "# no [tool.layerlint] found: defaults",
             "[tool.layerlint]"]
    for key, value in table.items():
        if key == "select" and value == "default":
            lines.append("# select: the rules that are on by default")
            continue
        lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def config_command(args: argparse.Namespace) -> int:
    """``layerlint config [PATH]``: the settings that apply to PATH, and where they came from."""
    try:
        resolver = make_resolver(args)
        paths: Iterable[str] = args.paths or ["."]
        chunks = [render_settings(resolver.for_path(Path(p)), Path(p), args.json) for p in paths]
    except ConfigError as e:
        return error(str(e))
    sys.stdout.write("\n".join(chunks))
    return 0


def add_config_command(sub: argparse._SubParsersAction, add: Any) -> None:
    c = add(sub, "config", help="show the effective settings for a path and the file they come from",
            description="Show the settings that apply to PATH (default: the current directory): "
                        "the nearest pyproject.toml with [tool.layerlint], then command-line flags.")
    c.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
    c.add_argument("--json", action="store_true", help="print a JSON document instead of TOML")
    add_config_arguments(c)
    c.set_defaults(func=config_command)
