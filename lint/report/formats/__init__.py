"""Rendering diagnostics for people, CI systems and editors.

``render(diagnostics, fmt, root, rules_meta)`` returns the whole output as text.
Columns are 0-based in ``Diagnostic`` and 1-based in every format here.  Paths
are shown as given in text formats and made relative to ``root`` where a CI
system wants repository paths (gitlab, sarif).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from layerlint.diagnostics import Diagnostic
from layerlint.report.formats.common import RuleDescriptor

# format -> (module, function): a run imports only the formatter it prints with
FORMATS: dict[str, tuple[str, str]] = {
    "concise": ("text", "render_concise"),
    "full": ("text", "render_full"),
    "json": ("machine", "render_json"),
    "json-lines": ("machine", "render_json_lines"),
    "github": ("ci", "render_github"),
    "gitlab": ("ci", "render_gitlab"),
    "sarif": ("ci", "render_sarif"),
}

__all__ = ["FORMATS", "RuleDescriptor", "formatter", "render"]


def formatter(fmt: str) -> Callable[..., str]:
    module, function = FORMATS[fmt]
    return getattr(importlib.import_module(f"{__name__}.{module}"), function)


def render(diagnostics: Iterable[Diagnostic], fmt: str, root: Path | None = None,
           rules_meta: Iterable[RuleDescriptor | tuple] = (), *, color: bool = False,
           sources: Mapping[str, str] | None = None, version: str | None = None) -> str:
    """The output of ``--output-format fmt``.

    ``rules_meta`` describes every rule (SARIF lists them all); ``sources`` maps a
    path to its text when the file should not be re-read (standard input).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown output format {fmt!r}; expected one of {', '.join(FORMATS)}")
    diags = sorted(diagnostics, key=Diagnostic.sort_key)
    rules = [RuleDescriptor.coerce(r) for r in rules_meta]
    return formatter(fmt)(diags, root=(root or Path.cwd()), rules=rules, color=color, sources=sources or {},
                        version=version)
