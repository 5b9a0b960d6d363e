"""Jupyter notebooks as one Python program, with findings mapped back to cells.

The code cells are joined in order (a model built across cells is one model).
Lines that are IPython syntax rather than Python (``%magic``, ``!shell``,
``x = !cmd``, ``obj?``, and the bodies of non-Python cell magics such as
``%%bash``) become ``pass`` at the same indentation, so the joined text parses
and keeps one line per notebook line.  ``line_map`` maps each joined line back
to (cell number, line in cell); cell numbers count every cell from 1, markdown
included, as a reader counts them in Jupyter.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from layerlint.diagnostics import Diagnostic
from layerlint.sources.span import Span

# Cell magics whose body is still Python: only their first line is IPython syntax.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "autoreload"})

_LINE_MAGIC = re.compile(r"^\s*(%|!)")
_ASSIGNED_MAGIC = re.compile(r"^\s*[\w.,\s\[\]()]+?\s*=\s*(%|!)")
_HELP = re.compile(r"^\s*(\?\??[\w.]+|[\w.]+\?\??)\s*$")


class NotebookError(Exception):
    """The file is not a notebook we can read; reported as LL003."""


@dataclass
class NotebookSource:
    text: str  # the joined Python program
    line_map: list[tuple[int, int]]  # joined line (index = line - 1) -> (cell number, line in cell)
    cells: dict[int, list[str]]  # cell number -> its source lines, for showing context
    # (code, message, Span in joined lines) for cells Python cannot parse; those cells are left out
    problems: list[tuple] = dataclasses.field(default_factory=list)

    def locate(self, line: int) -> tuple[int, int]:
        """(cell number, line in cell) for a 1-based line of the joined text."""
        if not self.line_map:
            return (1, line)
        index = min(max(line, 1), len(self.line_map)) - 1
        return self.line_map[index]

    def line_ref(self, line: int) -> str:
        """How a message names a line of the joined program: ``cell 5, line 3``."""
        cell, in_cell = self.locate(line)
        return f"cell {cell}, line {in_cell}"

    def remap(self, diagnostic: Diagnostic) -> Diagnostic:
        cell, line = self.locate(diagnostic.line)
        end_cell, end_line = self.locate(diagnostic.end_line)
        end_col = diagnostic.end_col
        if end_cell != cell:  # a span may not run past its cell in the output
            end_line = len(self.cells.get(cell, [])) or line
            end_col = len(self.cells.get(cell, [""])[end_line - 1]) if self.cells.get(cell) else diagnostic.col
        return dataclasses.replace(diagnostic, line=line, end_line=end_line, end_col=end_col, cell=cell)

    def remap_all(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        return [self.remap(d) for d in diagnostics]


def plain_line_ref(line: int) -> str:
    """How a message names a line of a plain file; a notebook's is NotebookSource.line_ref."""
    return f"line {line}"


def line_namer(notebook: NotebookSource | None) -> Callable[[int], str]:
    return plain_line_ref if notebook is None else notebook.line_ref


def json_place(notebook: NotebookSource | None, line: int) -> dict:
    """``{"line": 9}``, or ``{"cell": 5, "line": 3}`` for a line of a notebook's joined program."""
    if notebook is None:
        return {"line": line}
    cell, in_cell = notebook.locate(line)
    return {"cell": cell, "line": in_cell}


def _cell_source(cell: dict, number: int) -> str:
    source = cell.get("source")
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(s, str) for s in source):
        return "".join(source)
    raise NotebookError(f"cell {number}: `source` must be a string or a list of strings")


def _is_ipython_line(line: str) -> bool:
    return bool(_LINE_MAGIC.match(line) or _ASSIGNED_MAGIC.match(line) or _HELP.match(line))


def _neutralise(lines: list[str]) -> list[str]:
    """Replace IPython-only lines (and their backslash continuations) with ``pass``."""
    out: list[str] = []
    first = lines[0].strip() if lines else ""
    if first.startswith("%%"):
        magic = first[2:].split()[0] if first[2:].split() else ""
        if magic not in PYTHON_CELL_MAGICS:
            return ["" for _ in lines]  # the whole cell is another language
        out.append("")
        lines = lines[1:]
    continuing = False
    for line in lines:
        if continuing or _is_ipython_line(line):
            indent = line[: len(line) - len(line.lstrip())] if not continuing else ""
            out.append(indent + "pass" if not continuing else "")
            continuing = line.rstrip().endswith("\\")
        else:
            out.append(line)
    return out


def parse_notebook(raw: str) -> NotebookSource:
    """Build the joined program from notebook JSON text; raises NotebookError."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as e:
        raise NotebookError(f"not a valid notebook: invalid JSON at line {e.lineno} column {e.colno}: {e.msg}") from None
    except (ValueError, RecursionError) as e:  # a 5,000-digit number; arrays nested 100,000 deep
        raise NotebookError(f"not a valid notebook: {e}") from None
    if not isinstance(data, dict):
        raise NotebookError("not a valid notebook: the top level must be a JSON object")
    if "cells" not in data:
        if "worksheets" in data:
            raise NotebookError("nbformat 3 notebooks are not supported; convert with `jupyter nbconvert --to notebook`")
        raise NotebookError("not a valid notebook: missing the `cells` list")
    cells = data["cells"]
    if not isinstance(cells, list):
        raise NotebookError("not a valid notebook: `cells` must be a list")
    language = (data.get("metadata") or {}).get("language_info", {}) if isinstance(data.get("metadata"), dict) else {}
    if isinstance(language, dict) and language.get("name") not in (None, "python"):
        raise NotebookError(f"notebook language is {language.get('name')!r}, not Python")

    joined: list[str] = []
    problems: list[tuple] = []
    line_map: list[tuple[int, int]] = []
    sources: dict[int, list[str]] = {}
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or "cell_type" not in cell:
            raise NotebookError(f"not a valid notebook: cell {number} has no `cell_type`")
        if cell["cell_type"] != "code":
            continue
        lines = _cell_source(cell, number).splitlines()
        sources[number] = lines
        python = _neutralise(lines)
        problem = _cell_syntax_problem(python, len(joined))
        if problem is not None:
            python = ["" for _ in python]
            if problem is not _SKIPPED:
                problems.append(problem)
        for i, line in enumerate(python, start=1):
            joined.append(line)
            line_map.append((number, i))
    text = "\n".join(joined) + ("\n" if joined else "")
    return NotebookSource(text, line_map, sources, problems)


_SKIPPED = ("", "", None)  # a cell left out without a finding


def _cell_syntax_problem(lines: list[str], offset: int) -> tuple | None:
    """Jupyter runs each cell on its own, so a cell Python cannot parse fails alone while
    the others run: report it (LL001, in joined lines) and leave it out of the program.
    A cell using IPython's top-level ``await`` is left out without a finding."""
    from layerlint.sources.preflight import syntax_problem

    try:
        with warnings.catch_warnings():  # the user's invalid escapes are theirs to hear about, not ours to print
            warnings.simplefilter("ignore")
            ast.parse("\n".join(lines) + "\n")
    except SyntaxError as e:
        if "await" in (e.msg or "") or "async" in (e.msg or ""):
            return _SKIPPED
        p = syntax_problem(e)
        s = p.span
        return (p.code, p.message, Span(s.line + offset, s.col, s.end_line + offset, s.end_col))
    except (RecursionError, MemoryError, ValueError):
        return None  # the joined program's preflight reports these
    return None


def is_notebook(path: str) -> bool:
    return path.endswith(".ipynb")
