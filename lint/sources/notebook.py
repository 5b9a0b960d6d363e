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
import tokenize
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from layerlint.diagnostics import Diagnostic
from layerlint.sources.ipython_magics import IPYTHON_LINE_MAGICS
from layerlint.sources.span import Span

# Cell magics whose body is still Python: only their first line is IPython syntax.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "autoreload"})

_LINE_MAGIC = re.compile(r"^\s*(%|!)")
_ASSIGNED_MAGIC = re.compile(r"^\s*[\w.,\s\[\]()]+?\s*=\s*(%|!)")
_HELP = re.compile(r"^\s*(\?\??[\w.]+|[\w.]+\?\??)\s*$")
# A one-line cell starting with a line magic's name runs that magic without its `%` (IPython's
# automagic), unless the name is assigned there (`ls = 3`, `cat, dog = ...`) or an attribute is read.
_AUTOMAGIC = re.compile(r"^\s*([A-Za-z_]\w*)(?![\w.])(?!\s*(=|,))")
# In a message: the user's code (in backticks) and a line already named by its cell, both kept as
# they are, or a line of the joined program (`line 68`), which a notebook's reader cannot find.
_LINE_MENTION = re.compile(r"`[^`\n]*`|\bcell \d+, line \d+\b|\bline (\d+)\b")


class NotebookError(Exception):
    """The file is not a notebook we can read; reported as LL003."""


@dataclass
class NotebookSource:
    text: str  # the joined Python program
    line_map: list[tuple[int, int]]  # joined line (index = line - 1) -> (cell number, line in cell)
    cells: dict[int, list[str]]  # cell number -> its source lines, for showing context
    # (code, message, Span in joined lines) for cells Python cannot parse; those cells are left out
    problems: list[tuple] = dataclasses.field(default_factory=list)
    # joined line (index = line - 1) -> the characters IPython removed from the start of that cell
    # line (a cell indented as a whole runs dedented), to give columns in the cell's own text
    col_shift: list[int] = dataclasses.field(default_factory=list)

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

    def retell(self, text: str) -> str:
        """``text`` with each line of the joined program it names (``at line 68``, as the engine
        words its reasons) named by cell instead (``at cell 18, line 6``)."""
        if "line " not in text:
            return text
        lines = len(self.line_map)

        def one(m: re.Match) -> str:
            n = m.group(1)
            return self.line_ref(int(n)) if n is not None and 0 < int(n) <= lines else m.group(0)

        return _LINE_MENTION.sub(one, text)

    def shift(self, line: int) -> int:
        """Characters IPython's dedent removed from the start of this joined line."""
        return self.col_shift[line - 1] if 0 < line <= len(self.col_shift) else 0

    def remap(self, diagnostic: Diagnostic) -> Diagnostic:
        cell, line = self.locate(diagnostic.line)
        end_cell, end_line = self.locate(diagnostic.end_line)
        col = diagnostic.col + self.shift(diagnostic.line)
        end_col = diagnostic.end_col + self.shift(diagnostic.end_line)
        if end_cell != cell:  # a span may not run past its cell in the output
            end_line = len(self.cells.get(cell, [])) or line
            end_col = len(self.cells.get(cell, [""])[end_line - 1]) if self.cells.get(cell) else col
        told = diagnostic.code not in PYTHONS_OWN
        return dataclasses.replace(diagnostic, line=line, col=col, end_line=end_line, end_col=end_col, cell=cell,
                                   message=self.retell(diagnostic.message) if told else diagnostic.message,
                                   fix=None if diagnostic.fix is None or not told else self.retell(diagnostic.fix))

    def remap_all(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        return [self.remap(d) for d in diagnostics]


def plain_line_ref(line: int) -> str:
    """How a message names a line of a plain file; a notebook's is NotebookSource.line_ref."""
    return f"line {line}"


def line_namer(notebook: NotebookSource | None) -> Callable[[int], str]:
    return plain_line_ref if notebook is None else notebook.line_ref


# Findings in Python's own words, where a line is one of the cell Python parsed ("expected an indented
# block after 'if' statement on line 3", "(detected at line 5)"): never retold.
PYTHONS_OWN = frozenset({"LL001"})


def line_teller(notebook: NotebookSource | None, code: str | None = None) -> Callable[[str], str]:
    """How a message's mentions of lines reach its reader: as written in a plain file, by cell in a
    notebook (``code``: the finding's, whose message may be in Python's own words)."""
    return _as_written if notebook is None or code in PYTHONS_OWN else notebook.retell


def _as_written(text: str) -> str:
    return text


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


def dedent_cell(lines: list[str]) -> tuple[list[str], list[int]]:
    """The cell as IPython runs it when all of its code is indented: the indentation its
    lines share removed (blank lines emptied), and how many characters left each line."""
    margins = [line[: len(line) - len(line.lstrip(" \t"))] for line in lines if line.strip()]
    common = margins[0] if margins else ""
    for margin in margins[1:]:
        while not margin.startswith(common):
            common = common[:-1]
    if not common:
        return lines, [0] * len(lines)
    n = len(common)
    return [line[n:] if line.strip() else "" for line in lines], [n if line.strip() else 0 for line in lines]


def dedent_by_first_line(lines: list[str]) -> tuple[list[str], list[int]]:
    """The cell as IPython before 9.1 ran it (ipython/ipython#14822 made it dedent_cell's rule): leading
    blank lines skipped, the first line's indentation removed from every line that starts with it (the
    others left as they are), and how many characters left each line."""
    first = next((line for line in lines if line.strip()), "")
    margin = first[: len(first) - len(first.lstrip(" \t"))]
    if not margin:
        return lines, [0] * len(lines)
    n = len(margin)
    cut = [line.startswith(margin) for line in lines]
    return [line[n:] if c else line for line, c in zip(lines, cut)], [n if c else 0 for c in cut]


def _statement_starts(lines: list[str]) -> set[int]:
    """Indexes of the lines that begin a statement, as IPython finds its escaped commands
    (``%``, ``!``, ``?``): not a line inside brackets, a string or after a backslash."""
    starts: set[int] = set()
    depth, fresh = 0, True
    feed = iter([line + "\n" for line in lines]).__next__
    try:
        for tok in tokenize.generate_tokens(feed):
            if fresh and tok.type not in (tokenize.INDENT, tokenize.DEDENT, tokenize.NL, tokenize.NEWLINE,
                                          tokenize.COMMENT, tokenize.ENDMARKER):
                starts.add(tok.start[0] - 1)
                fresh = False
            if tok.type == tokenize.NEWLINE or (tok.type == tokenize.NL and depth <= 0):
                fresh = True
            elif tok.type == tokenize.OP and tok.string in "([{":
                depth += 1
            elif tok.type == tokenize.OP and tok.string in ")]}" and depth > 0:
                depth -= 1
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # an unterminated string or bracket: the lines after it are inside it
    return starts


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
    if _one_line_magic(lines):
        return [*out, *("" if not line.strip() else line[: len(line) - len(line.lstrip())] + "pass" for line in lines)]
    starts = _statement_starts(lines)
    continuing = False
    for i, line in enumerate(lines):
        if continuing or (i in starts and _is_ipython_line(line)):
            indent = line[: len(line) - len(line.lstrip())] if not continuing else ""
            out.append(indent + "pass" if not continuing else "")
            continuing = line.rstrip().endswith("\\")
        else:
            out.append(line)
    return out


def _one_line_magic(lines: list[str]) -> bool:
    """A cell of one line that IPython runs as a line magic written without its ``%``
    (``pip install x``, ``ls ./data``, ``cd ..``): only a one-line cell is read so."""
    body = lines[next((i for i, line in enumerate(lines) if line.strip()), len(lines)):]  # IPython drops leading blank lines
    if len(body) != 1:
        return False
    m = _AUTOMAGIC.match(body[0])
    return m is not None and m.group(1) in IPYTHON_LINE_MAGICS


def parse_notebook(raw: str) -> NotebookSource:
    """Build the joined program from notebook JSON text; raises NotebookError."""
    if not raw.strip():
        # (a notebook saved by nobody, or a copy that lost its content) Jupyter refuses to open it too
        raise NotebookError("not a valid notebook: the file is empty")
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
    col_shift: list[int] = []
    sources: dict[int, list[str]] = {}
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or "cell_type" not in cell:
            raise NotebookError(f"not a valid notebook: cell {number} has no `cell_type`")
        if cell["cell_type"] != "code":
            continue
        lines = _cell_source(cell, number).splitlines()
        sources[number] = lines
        dedented, shifts = dedent_cell(lines)
        python = _neutralise(dedented)
        problem = _cell_syntax_problem(python, len(joined))
        if problem is not None and problem is not _SKIPPED:
            older, older_shifts = dedent_by_first_line(lines)
            older_python = _neutralise(older) if older != dedented else None
            if older_python is not None and _cell_syntax_problem(older_python, len(joined)) is None:
                # it ran where it was written: analysed as that IPython ran it, the error kept for today's
                python, shifts = older_python, older_shifts
                code, message, span = problem
                # Python's column on the cell as written; the cell's lines are shifted back by the cut made here
                k = span.line - len(joined) - 1
                cut = older_shifts[k] if 0 <= k < len(older_shifts) else 0
                span = Span(span.line, max(span.col - cut, 0), span.end_line, max(span.end_col - cut, 0))
                problem = (code, f"{message} in IPython 9.1 and later, which remove only the indentation all lines "
                                 "share; IPython before 9.1 removed the first line's indentation and ran this cell, "
                                 "as it is analysed here", span)
                problems.append(problem)
                problem = None
        if problem is not None:
            python = ["" for _ in python]
            if problem is not _SKIPPED:
                problems.append(problem)
        for i, line in enumerate(python, start=1):
            joined.append(line)
            line_map.append((number, i))
        col_shift.extend(shifts)
    text = "\n".join(joined) + ("\n" if joined else "")
    return NotebookSource(text, line_map, sources, problems, col_shift)


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
