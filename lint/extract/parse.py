"""libcst parse of a whole module, a long one a top-level statement at a time.

libcst's ``parse_module`` costs more per line as a module grows (about 2.2x
per doubling at 10,000 lines), while parsing the same text as one small module
per top-level statement grows linearly.  Each piece has a fixed cost, though:
on the keras-io examples (up to 43 KB) the pieces took about 10% longer than
one parse per file, and on generated model files they only win from about
60 KB on, so ordinary files are parsed whole.
Python's ``ast`` tree, which preflight has already built, says where each
top-level statement starts, so the text is cut there, each piece parsed, and
the pieces joined into one ``Module`` whose code is exactly the original text.

Joining is only sound when every piece means the same by an implicit indent
or newline (a node with ``indent=None`` uses the module's default, which
libcst takes from the first indented block and the first line break it sees).
A file whose pieces disagree, or anything unexpected, is parsed whole.

Nodes the parser makes are not validated (see ``_parser_output``): a fifth of
the parse went to checks that cannot fail on the parser's own output.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import libcst as cst

try:  # libcst's base node class (see _parser_output); without it (a libcst that moved it) parses validate as before
    from libcst._nodes.base import CSTNode as _CSTNode

    if "__post_init__" not in _CSTNode.__dict__:
        _CSTNode = None
except ImportError:  # pragma: no cover
    _CSTNode = None

# Below this many characters one parse of the whole text is faster.
CHUNKED_FROM_CHARS = 64 * 1024

_LINE_END = re.compile(r"\r\n?|\n")


def parse_module(text: str, tree: ast.Module | None = None) -> cst.Module:
    """``libcst.parse_module(text)``, cut at the top-level statements of ``tree``
    (Python's parse of ``text``) when the text is long; raises what it raises."""
    with _parser_output():
        if tree is not None and len(text) >= CHUNKED_FROM_CHARS and len(tree.body) > 1:
            try:
                module = parse_in_pieces(text, tree)
            except Exception:  # a piece libcst rejects: the whole parse gives the error at its true position
                module = None
            if module is not None:
                return module
        return cst.parse_module(text)


@contextmanager
def _parser_output() -> Iterator[None]:
    """Skip libcst's per-node validation while its parser builds a tree.

    Every node libcst makes runs ``_validate`` (from ``CSTNode.__post_init__``), which
    checks what a hand-built node could get wrong: a missing space before a keyword,
    parentheses that do not pair.  The native parser only makes nodes its grammar
    allows, so on its output the checks cannot fail (libcst's own comment there says
    as much); they took about a fifth of parsing the keras-io examples.  Nodes built
    by hand meanwhile (the join in ``parse_in_pieces``) are made by our code from
    parsed parts.  Not thread-safe: another thread building nodes while a parse runs
    would skip validation too, which layerlint never does (its jobs are processes).
    """
    if _CSTNode is None:
        yield
        return
    validate = _CSTNode.__dict__["__post_init__"]
    _CSTNode.__post_init__ = _trusted
    try:
        yield
    finally:
        _CSTNode.__post_init__ = validate


def _trusted(self: object) -> None:
    return None


def parse_in_pieces(text: str, tree: ast.Module) -> cst.Module | None:
    """One Module from per-statement parses, or None when the pieces cannot be joined faithfully."""
    starts = _statement_offsets(text, tree)
    if starts is None:
        return None
    bounds = [*starts, len(text)]
    pieces = [cst.parse_module(text[a:b]) for a, b in zip(bounds, bounds[1:])]
    newline = pieces[0].default_newline
    indent: str | None = None
    for piece in pieces:
        if not piece.body or piece.default_newline != newline:
            return None
        if any(_has_indented_block(s) for s in piece.body):
            if indent is None:
                indent = piece.default_indent
            elif piece.default_indent != indent:
                return None
    body: list[cst.BaseStatement] = []
    owed: Sequence[cst.EmptyLine] = ()  # blank and comment lines that ended the previous piece
    for k, piece in enumerate(pieces):
        first = piece.body[0]
        if k and (owed or piece.header):
            first = first.with_changes(leading_lines=[*owed, *piece.header, *first.leading_lines])
        body.append(first)
        body.extend(piece.body[1:])
        owed = piece.footer
    last = pieces[-1]
    return cst.Module(body=body, header=pieces[0].header, footer=last.footer, encoding=pieces[0].encoding,
                      default_indent=indent or pieces[0].default_indent, default_newline=newline,
                      has_trailing_newline=last.has_trailing_newline)


def _statement_offsets(text: str, tree: ast.Module) -> list[int] | None:
    """Character offsets where the pieces start: the first at 0 (comments and blank
    lines above the first statement belong to it), then each top-level statement's
    first line (its first decorator's, for a decorated definition)."""
    line_starts = [0]
    line_starts.extend(m.end() for m in _LINE_END.finditer(text))
    first_lines = sorted({min([s.lineno, *(d.lineno for d in getattr(s, "decorator_list", ()))]) for s in tree.body})
    if not first_lines or first_lines[-1] > len(line_starts):
        return None
    return [0, *(line_starts[n - 1] for n in first_lines[1:])]


def _has_indented_block(stmt: cst.BaseStatement) -> bool:
    """Whether libcst met an indent in this top-level statement: a block of its own
    at the first level is the only place the first indent of a statement can be."""
    if isinstance(stmt, cst.SimpleStatementLine):
        return False
    if isinstance(stmt, cst.Match):
        return True  # its cases are always on indented lines
    suites = [getattr(stmt, "body", None)]
    orelse = getattr(stmt, "orelse", None)
    if isinstance(orelse, cst.If):  # elif: a block of the same level
        return isinstance(stmt.body, cst.IndentedBlock) or _has_indented_block(orelse)
    if orelse is not None:
        suites.append(orelse.body)
    suites.extend(h.body for h in getattr(stmt, "handlers", ()))
    final = getattr(stmt, "finalbody", None)
    if final is not None:
        suites.append(final.body)
    return any(isinstance(s, cst.IndentedBlock) for s in suites)
