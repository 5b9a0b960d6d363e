"""A one-line progress bar on stderr, shown only for long runs on a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO

MIN_FILES = 50  # below this a run is quick enough that a bar is only flicker
_WIDTH = 30


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool | None = None,
                 min_interval: float = 0.1) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty()) and total >= MIN_FILES
        self.enabled = enabled
        self.done = 0
        self._last = 0.0
        self._min_interval = min_interval

    def advance(self, label: str = "") -> None:
        self.done += 1
        now = time.monotonic()
        if self.enabled and (now - self._last >= self._min_interval or self.done == self.total):
            self._last = now
            filled = _WIDTH * self.done // max(self.total, 1)
            tail = label[-40:]
            self.stream.write(f"\r[{'#' * filled}{'.' * (_WIDTH - filled)}] {self.done}/{self.total} {tail}\x1b[K")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
