"""Settings: ``[tool.layerlint]`` in pyproject.toml, found per file, overridden by flags.

The nearest ``pyproject.toml`` that has a ``[tool.layerlint]`` table, walking up
from the file, configures it; ``--config PATH`` replaces that search; command-line
values replace the file's (``extend-*`` values add to them).  Every problem is a
``ConfigError`` naming the file, the key and what was expected, so the CLI can
exit 2 with a message the user can act on.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from layerlint.runner.files import DEFAULT_EXCLUDES, WalkPolicy
from layerlint.sources.paths import real_path

TABLE = "tool.layerlint"
CLI_SOURCE = "command line"
OUTPUT_FORMATS = ("concise", "full", "json", "json-lines", "github", "gitlab", "sarif")

_SELECTOR = re.compile(r"^(ALL|[A-Z]{1,4}[0-9]{0,4})$")
_BYTE_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
               "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
_BYTES = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*$")


class ConfigError(Exception):
    """A configuration value that cannot be used; ``str()`` is the whole message."""

    def __init__(self, source: str, key: str | None, expected: str) -> None:
        self.source = source
        self.key = key
        self.expected = expected
        table = f"[{TABLE}] " if source != CLI_SOURCE else ""
        where = f"{source}: {table}`{key}`" if key else source
        super().__init__(f"{where}: {expected}")


# --- value parsers: each takes the raw value and returns it normalised or raises ValueError(expected) ---

def _parse_bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise ValueError("expected true or false")
    return v


def _parse_count(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
        raise ValueError("expected a positive integer (underscores allowed, e.g. 10_000_000)")
    return v


def parse_bytes(v: Any) -> int:
    """``16GiB``, ``"512 MB"``, ``1.5GB`` or a plain integer number of bytes."""
    expected = 'expected a size such as "16GiB", "512MB" or a positive integer number of bytes'
    if isinstance(v, bool):
        raise ValueError(expected)
    if isinstance(v, int):
        if v <= 0:
            raise ValueError(expected)
        return v
    if not isinstance(v, str):
        raise ValueError(expected)
    m = _BYTES.match(v)
    if not m or m.group(2).lower() not in _BYTE_UNITS:
        raise ValueError(expected)
    n = int(float(m.group(1)) * _BYTE_UNITS[m.group(2).lower()])
    if n <= 0:
        raise ValueError(expected)
    return n


def _parse_str_list(v: Any, what: str = "strings") -> tuple[str, ...]:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise ValueError(f"expected a list of {what}")
    return tuple(v)


def _parse_selectors(v: Any) -> tuple[str, ...]:
    codes = _parse_str_list(v, 'rule codes or prefixes, e.g. ["LL2", "LL301"]')
    known = _known_codes()
    for c in codes:
        if not _SELECTOR.match(c.upper()):
            raise ValueError(f'`{c}` is not a rule code or prefix; expected "ALL" or a code prefix such as LL2 or LL201')
        if known and c.upper() != "ALL" and not any(k.startswith(c.upper()) for k in known):
            raise ValueError(f"`{c}` matches no rule (`layerlint rule --all` lists them)")
    return tuple(c.upper() for c in codes)


def _known_codes() -> list[str]:
    try:
        from layerlint.rules.base import all_rules

        return [r.code for r in all_rules()]
    except ImportError:  # the rules package is optional while it is being built
        return []


def _parse_per_file_ignores(v: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(v, dict):
        raise ValueError('expected a table of glob = [codes], e.g. {"tests/*" = ["LL3"]}')
    out = []
    for glob, codes in v.items():
        try:
            out.append((glob, _parse_selectors(codes)))
        except ValueError as e:
            raise ValueError(f"for `{glob}`: {e}") from None
    return tuple(out)


def _parse_keras_backend(v: Any) -> str:
    if v not in ("tensorflow", "jax", "torch", "numpy", "openvino"):
        raise ValueError('expected one of "tensorflow", "jax", "torch", "numpy", "openvino"')
    return v


def _parse_data_format(v: Any) -> str:
    if v not in ("channels_last", "channels_first"):
        raise ValueError('expected "channels_last" or "channels_first"')
    return v


def parse_keras_version(v: Any) -> int:
    # The command line hands the value over as text.
    if v in ("2", "3"):
        v = int(v)
    if isinstance(v, bool) or v not in (2, 3):
        raise ValueError("expected 2 (tf-keras 2.x) or 3 (Keras 3)")
    return v


def _parse_output_format(v: Any) -> str:
    if v not in OUTPUT_FORMATS:
        raise ValueError("expected one of " + ", ".join(OUTPUT_FORMATS))
    return v


@dataclass(frozen=True)
class Threshold:
    key: str
    default: Any
    parse: Callable[[Any], Any]
    help: str


# Thresholds the core knows; rules add theirs through ``Rule.options`` (their
# defaults decide how values are checked).  Rules read them with
# ``settings.threshold(key)``.
CORE_THRESHOLDS: dict[str, Threshold] = {t.key: t for t in (
    Threshold("max-layer-params", 10_000_000, _parse_count, "a single layer with more parameters is reported"),
    Threshold("memory-budget", 16 * 2**30, parse_bytes, "training memory estimate above this is reported (bytes or e.g. \"16GiB\")"),
)}


def _parser_like(default: Any) -> Callable[[Any], Any]:
    """A checker for a rule option, judged from its default value's type."""
    if isinstance(default, bool):
        return _parse_bool
    if isinstance(default, int):
        return _parse_count
    if isinstance(default, float):
        def parse_number(v: Any) -> float:
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
                raise ValueError("expected a non-negative number")
            return float(v)
        return parse_number
    if isinstance(default, str):
        def parse_str(v: Any) -> str:
            if not isinstance(v, str):
                raise ValueError("expected a string")
            return v
        return parse_str
    if isinstance(default, (list, tuple)):
        return _parse_str_list
    return lambda v: v


def rule_thresholds() -> dict[str, Threshold]:
    """Core thresholds plus every registered rule's options."""
    table = dict(CORE_THRESHOLDS)
    try:
        from layerlint.rules.base import all_rules

        rules = all_rules()
    except ImportError:  # the rules package is optional while it is being built
        return table
    for rule in rules:
        for key, default in getattr(rule, "options", {}).items():
            if key not in table:
                table[key] = Threshold(key, default, _parser_like(default), f"option of {rule.code}")
    return table


THRESHOLDS: dict[str, Threshold] = dict(CORE_THRESHOLDS)


def _refresh_thresholds() -> None:
    THRESHOLDS.update(rule_thresholds())


def _default_thresholds() -> dict[str, Any]:
    _refresh_thresholds()
    return {k: t.default for k, t in THRESHOLDS.items()}


class _DefaultThresholds(Mapping):
    """Every threshold's default, computed when first read: the rules' options are found by
    importing the rules, which ``summary`` and file discovery never need."""

    def __init__(self) -> None:
        self._values: dict[str, Any] | None = None

    def _load(self) -> dict[str, Any]:
        if self._values is None:
            self._values = _default_thresholds()
        return self._values

    def __getitem__(self, key: str) -> Any:
        return self._load()[key]

    def __iter__(self):
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def __repr__(self) -> str:  # part of the cache key: the values, not the laziness
        return repr(self._load())

    def __reduce__(self):  # worker processes get the plain values
        return (dict, (self._load(),))


def _field_key(name: str) -> str:
    return name.replace("_", "-")


@dataclass(frozen=True)
class Settings:
    """The effective configuration for one file (or one directory of files)."""

    select: tuple[str, ...] | None = None  # None: the rules that are on by default
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    extend_ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = tuple(sorted(DEFAULT_EXCLUDES))
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    force_exclude: bool = False
    # Source roots the project's absolute imports are searched in, relative to ``root`` (as ruff's).
    src: tuple[str, ...] = (".", "src")
    follow_imports: bool = True
    # What keras.backend.backend() and image_data_format() answer (Keras' defaults unless a keras.json differs)
    keras_backend: str = "tensorflow"
    image_data_format: str = "channels_last"
    # The Keras the code is written for: 3 (keras 3) or 2 (tf-keras 2.x, whose names, defaults and spellings differ)
    keras_version: int = 3
    output_format: str = "concise"
    thresholds: Mapping[str, Any] = field(default_factory=_DefaultThresholds)
    # Where the settings came from; relative globs are resolved against ``root``.
    config_file: Path | None = None
    root: Path = field(default_factory=Path.cwd)

    def threshold(self, key: str) -> Any:
        return self.thresholds[key]

    def check_settings(self, verbose: bool = False):  # -> layerlint.runner.check.CheckSettings
        """What the rule runner takes; selection semantics live in check.py."""
        from layerlint.runner.check import CheckSettings

        return CheckSettings(select=list(self.select) if self.select is not None else None,
                             ignore=list(self.ignore + self.extend_ignore),
                             extend_select=list(self.extend_select),
                             options=dict(self.thresholds), verbose=verbose)

    def is_ignored_for(self, code: str, path: str | Path) -> bool:
        """Whether ``per-file-ignores`` switches ``code`` off for ``path``."""
        return code.upper() in self.ignored_for(path)

    def ignored_for(self, path: str | Path) -> _CodeSet:
        """The codes that ``per-file-ignores`` switches off for ``path``."""
        rel = _relative_posix(Path(path), self.root)
        name = Path(path).name
        selectors = [c for glob, codes in self.per_file_ignores
                     if fnmatch.fnmatchcase(rel, glob) or fnmatch.fnmatchcase(name, glob) for c in codes]
        return _CodeSet(tuple(selectors))

    def walk_policy(self) -> WalkPolicy:
        return WalkPolicy(excludes=self.exclude + self.extend_exclude, root=self.root,
                          respect_gitignore=self.respect_gitignore)

    def as_table(self) -> dict[str, Any]:
        """The settings under their configuration keys, for ``layerlint config``."""
        table: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            if f.name in ("thresholds", "config_file", "root"):
                continue
            value = getattr(self, f.name)
            if f.name == "per_file_ignores":
                value = {glob: list(codes) for glob, codes in value}
            elif isinstance(value, tuple):
                value = list(value)
            elif value is None:
                value = "default"
            table[_field_key(f.name)] = value
        table.update(self.thresholds)
        return table


class _CodeSet:
    """Membership by selector prefix: ``"LL201" in _CodeSet(("LL2",))``."""

    def __init__(self, selectors: tuple[str, ...]) -> None:
        self.selectors = selectors

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and _longest_match(code.upper(), self.selectors) >= 0


def _longest_match(code: str, selectors: tuple[str, ...]) -> int:
    best = -1
    for s in selectors:
        if s == "ALL":
            best = max(best, 0)
        elif code.startswith(s):
            best = max(best, len(s))
    return best


def _relative_posix(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, RuntimeError, OSError):  # RuntimeError: a symlink loop
        return path.as_posix()


_FIELD_PARSERS: dict[str, Callable[[Any], Any]] = {
    "select": _parse_selectors,
    "ignore": _parse_selectors,
    "extend-select": _parse_selectors,
    "extend-ignore": _parse_selectors,
    "per-file-ignores": _parse_per_file_ignores,
    "exclude": _parse_str_list,
    "extend-exclude": _parse_str_list,
    "respect-gitignore": _parse_bool,
    "force-exclude": _parse_bool,
    "output-format": _parse_output_format,
    "src": _parse_str_list,
    "follow-imports": _parse_bool,
    "keras-backend": _parse_keras_backend,
    "image-data-format": _parse_data_format,
    "keras-version": parse_keras_version,
}
_ADDITIVE = ("extend-select", "extend-ignore", "extend-exclude")


def known_keys() -> tuple[str, ...]:
    return tuple(_FIELD_PARSERS) + tuple(THRESHOLDS)


def parse_table(table: Mapping[str, Any], source: str) -> dict[str, Any]:
    """Validate raw key/values (file table or command-line overrides) into parsed values."""
    if any(key not in _FIELD_PARSERS for key in table):
        _refresh_thresholds()  # rule options are thresholds too; finding them imports the rules
    known = known_keys()
    parsed: dict[str, Any] = {}
    for key, raw in table.items():
        parse = _FIELD_PARSERS.get(key) or (THRESHOLDS[key].parse if key in THRESHOLDS else None)
        if parse is None:
            import difflib

            close = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean `{close[0]}`?" if close else f"; known keys: {', '.join(known)}"
            raise ConfigError(source, key, f"unknown key{hint}")
        try:
            parsed[key] = parse(raw)
        except ValueError as e:
            raise ConfigError(source, key, f"{e}, got {_show(raw)}") from None
    return parsed


def _show(raw: Any) -> str:
    kind = "boolean" if isinstance(raw, bool) else type(raw).__name__
    text = repr(raw)
    return f"{kind} {text if len(text) <= 60 else text[:57] + '...'}"


def settings_from(parsed: Mapping[str, Any], base: Settings | None = None, **meta: Any) -> Settings:
    """Apply parsed values on top of ``base`` (defaults when None)."""
    base = base or Settings()
    changes: dict[str, Any] = dict(meta)
    thresholds: dict[str, Any] = {}
    for key, value in parsed.items():
        if key in THRESHOLDS:
            thresholds[key] = value
            continue
        name = key.replace("-", "_")
        if key in _ADDITIVE:
            value = getattr(base, name) + value
        changes[name] = value
    if thresholds:
        changes["thresholds"] = {**base.thresholds, **thresholds}
    return dataclasses.replace(base, **changes)


def read_config_file(path: Path, require_table: bool = True) -> dict[str, Any] | None:
    """The raw ``[tool.layerlint]`` table of a pyproject.toml (or layerlint.toml), or None."""
    # Imported here: most runs on a save meet no configuration file, and start-up time counts.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), None, "configuration file not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(str(path), None, f"cannot read configuration file: {e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(str(path), None, f"invalid TOML: {e}") from None
    if path.name != "pyproject.toml" and "tool" not in data:
        return data  # a dedicated file holds the table at the top level
    table = data.get("tool", {}).get("layerlint") if isinstance(data.get("tool"), dict) else None
    if table is None:
        if require_table:
            raise ConfigError(str(path), None, f"no [{TABLE}] table in this file")
        return None
    if not isinstance(table, dict):
        raise ConfigError(str(path), None, f"[{TABLE}] must be a table")
    return table


def find_config_file(start: Path) -> Path | None:
    """Nearest pyproject.toml with a [tool.layerlint] table at or above ``start``."""
    directory = start if start.is_dir() else start.parent
    directory = real_path(directory)
    for d in (directory, *directory.parents):
        candidate = d / "pyproject.toml"
        if candidate.is_file():
            try:
                text = candidate.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            # A cheap look before parsing: most pyproject files are not ours.
            if "layerlint" in text and read_config_file(candidate, require_table=False) is not None:
                return candidate
    return None


def load_settings(path_or_dir: str | Path, config_override: str | Path | None = None,
                  cli_overrides: Mapping[str, Any] | None = None) -> Settings:
    """The effective settings for a file or directory; raises ConfigError."""
    return SettingsResolver(config_override, cli_overrides).for_path(Path(path_or_dir))


class SettingsResolver:
    """Settings per file, with one parse per configuration file and directory."""

    def __init__(self, config_override: str | Path | None = None,
                 cli_overrides: Mapping[str, Any] | None = None) -> None:
        self.override = Path(config_override) if config_override else None
        self.cli = parse_table(dict(cli_overrides or {}), CLI_SOURCE)
        self._by_file: dict[Path | None, Settings] = {}
        self._by_dir: dict[Path, Settings] = {}

    def for_path(self, path: Path) -> Settings:
        if self.override is not None:
            return self._for_config(self.override.resolve())
        directory = path if path.is_dir() else path.parent
        key = real_path(directory)
        if key not in self._by_dir:
            self._by_dir[key] = self._for_config(find_config_file(key))
        return self._by_dir[key]

    def _for_config(self, config_file: Path | None) -> Settings:
        if config_file not in self._by_file:
            settings = Settings()
            if config_file is not None:
                table = read_config_file(config_file)
                settings = settings_from(parse_table(table, str(config_file)),
                                         config_file=config_file, root=config_file.parent)
            self._by_file[config_file] = settings_from(self.cli, settings)
        return self._by_file[config_file]
