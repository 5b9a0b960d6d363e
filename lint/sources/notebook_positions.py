"""Where the lines of a notebook's cells sit in the raw ``.ipynb`` file.

CI systems place annotations on lines of the file in the repository, which for a
notebook is JSON: each line of a cell is a string in the cell's ``source`` list,
normally on a line of its own.  This reads the JSON with positions kept (the
standard parser drops them) and maps a position in a cell (cell number counted
from 1, markdown included; 1-based line; 0-based column) to the position of the
same character in the raw file, escapes such as ``\\"`` and ``\\u00e9`` included.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class _Unreadable(Exception):
    pass


@dataclass
class _Piece:
    start: int  # raw offset of the opening quote
    text: str  # the decoded string


class RawNotebook:
    """Positions of a notebook's cell sources in its raw text; ``locate`` maps one."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self._newlines = [i for i, ch in enumerate(raw) if ch == "\n"]
        try:
            self.cells = _cell_sources(raw)
        except (_Unreadable, ValueError, IndexError, RecursionError):
            self.cells = {}

    def locate(self, cell: int, line: int, col: int) -> tuple[int, int] | None:
        """(1-based line, 0-based column) in the raw file, or None when the cell or line is not there."""
        pieces = self.cells.get(cell)
        if not pieces:
            return None
        text = "".join(p.text for p in pieces)
        starts, offset = [], 0
        for part in text.splitlines(keepends=True) or [""]:
            starts.append(offset)
            offset += len(part)
        if not 1 <= line <= len(starts):
            return None
        target = min(starts[line - 1] + max(col, 0), max(len(text) - 1, 0))
        for piece in pieces:
            if target < len(piece.text) or piece is pieces[-1]:
                return self._line_col(_raw_offset(self.raw, piece.start, min(target, len(piece.text))))
            target -= len(piece.text)
        return None

    def _line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_left(self._newlines, offset)
        line_start = self._newlines[line - 1] + 1 if line else 0
        return line + 1, offset - line_start


def _raw_offset(raw: str, quote: int, index: int) -> int:
    """Raw offset of the decoded character ``index`` of the JSON string opening at ``quote``."""
    i = quote + 1
    for _ in range(index):
        if raw[i] != "\\":
            i += 1
        elif raw[i + 1] != "u":
            i += 2
        elif 0xD800 <= int(raw[i + 2:i + 6], 16) < 0xDC00 and raw[i + 6:i + 8] == "\\u":
            i += 12  # a surrogate pair decodes to one character
        else:
            i += 6
    return i


def _skip(raw: str, i: int) -> int:
    return _SPACE.match(raw, i).end()  # type: ignore[union-attr]


def _expect(raw: str, i: int, ch: str) -> int:
    if raw[i:i + 1] != ch:
        raise _Unreadable(f"expected {ch!r} at offset {i}")
    return i + 1


def _skip_value(raw: str, i: int) -> int:
    return _DECODER.raw_decode(raw, i)[1]


def _object(raw: str, i: int, member: Callable[[str, int], int]) -> int:
    """Read an object from just after its ``{``; ``member(key, offset)`` reads each value and returns its end."""
    i = _skip(raw, i)
    if raw[i] == "}":
        return i + 1
    while True:
        key, i = json.decoder.scanstring(raw, _expect(raw, i, '"'))
        i = _skip(raw, _expect(raw, _skip(raw, i), ":"))
        i = _skip(raw, member(key, i))
        if raw[i] == "}":
            return i + 1
        i = _skip(raw, _expect(raw, i, ","))


def _array(raw: str, i: int, item: Callable[[int, int], int]) -> int:
    """Read an array from just after its ``[``; ``item(index, offset)`` reads each item and returns its end."""
    i = _skip(raw, i)
    if raw[i] == "]":
        return i + 1
    n = 0
    while True:
        i = _skip(raw, item(n, i))
        n += 1
        if raw[i] == "]":
            return i + 1
        i = _skip(raw, _expect(raw, i, ","))


def _string(raw: str, i: int, pieces: list[_Piece]) -> int:
    text, end = json.decoder.scanstring(raw, _expect(raw, i, '"'))
    pieces.append(_Piece(i, text))
    return end


def _cell_sources(raw: str) -> dict[int, list[_Piece]]:
    """cell number (from 1) -> the strings of its ``source``, from the top-level ``cells`` list."""
    found: dict[int, list[_Piece]] = {}

    def cell(index: int, i: int) -> int:
        if raw[i] != "{":
            return _skip_value(raw, i)
        pieces = found.setdefault(index + 1, [])

        def member(key: str, j: int) -> int:
            if key != "source":
                return _skip_value(raw, j)
            if raw[j] == "[":
                return _array(raw, j + 1, lambda _, k: _string(raw, k, pieces))
            return _string(raw, j, pieces)

        return _object(raw, i + 1, member)

    def top(key: str, i: int) -> int:
        if key == "cells" and raw[i] == "[":
            return _array(raw, i + 1, cell)
        return _skip_value(raw, i)

    _object(raw, _expect(raw, _skip(raw, 0), "{"), top)
    return found
