"""When to colour output, and the few styles we use.

Precedence for ``--color auto``: ``NO_COLOR`` (any non-empty value) turns colour
off, else ``FORCE_COLOR`` (non-empty, not ``0``) turns it on, else colour only
when the stream is a terminal that is not ``TERM=dumb``.  ``always`` and
``never`` beat the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TextIO

COLOR_MODES = ("auto", "always", "never")

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_SEVERITY = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "info": "\x1b[1;36m"}


def should_color(mode: str, stream: TextIO, env: Mapping[str, str] | None = None) -> bool:
    if mode == "always":
        return True
    if mode == "never":
        return False
    if mode != "auto":
        raise ValueError(f"unknown color mode {mode!r}; expected one of {', '.join(COLOR_MODES)}")
    env = os.environ if env is None else env
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR") and env.get("FORCE_COLOR") != "0":
        return True
    if env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


class Palette:
    """ANSI styling that collapses to plain text when disabled."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def _wrap(self, style: str, text: str) -> str:
        return f"{style}{text}{_RESET}" if self.enabled else text

    def path(self, text: str) -> str:
        return self._wrap(_BOLD, text)

    def code(self, text: str, severity: str = "error") -> str:
        return self._wrap(_SEVERITY.get(severity, _BOLD), text)

    def caret(self, text: str, severity: str = "error") -> str:
        return self._wrap(_SEVERITY.get(severity, _BOLD), text)
