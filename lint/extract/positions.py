"""Source spans of libcst nodes, computed only for the statements that need them.

libcst's PositionProvider regenerates the code of the whole module to learn
where every node is, which costs several times the parse.  The interpreter
asks for the spans of a few nodes (layer constructor calls, model calls, notes),
almost always inside a statement it is executing.  So:

* Python's ``ast`` (a fast C parser) is run on the same text and its statements
  are paired with libcst's by walking both statement lists side by side; that
  gives each statement's first line, its indentation and its extent.
* Calls, which is what most spans are asked for, are paired inside one
  statement: libcst's calls in source order against ast's calls sorted by
  position (a call starts no later and ends no earlier than the calls inside
  it), each pair checked by callee name and argument count.  ast's extents of a
  call (without enclosing parentheses) are libcst's syntactic ones; only its
  columns need turning from UTF-8 bytes into characters.
* Any other node is found by regenerating just the executing statement with
  libcst's own position-tracking codegen state, started at the statement's first
  line; a compound statement (``if``, ``for``, ``def``, ...) is regenerated
  without its indented bodies, which are statements of their own.

Every span is therefore exactly PositionProvider's.  Whenever the two parses do
not line up (``ast`` rejects the text, counts differ, a regenerated statement
does not start where ``ast`` says), or a node lies outside the statements on the
stack, the module falls back to PositionProvider once for the whole file.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from typing import Any

import libcst as cst
from layerlint.engine.model import Span
from layerlint.extract.runtime import is_node
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider
from libcst.metadata.position_provider import PositionProvidingCodegenState

_NEWLINE = re.compile(r"\r\n?|\n")
_NOWHERE = Span(1, 0, 1, 0)

# libcst compound statement -> the ast classes it may become
_COMPOUND_AST: dict[type, tuple[type, ...]] = {
    cst.FunctionDef: (ast.FunctionDef, ast.AsyncFunctionDef),
    cst.ClassDef: (ast.ClassDef,),
    cst.If: (ast.If,),
    cst.For: (ast.For, ast.AsyncFor),
    cst.While: (ast.While,),
    cst.With: (ast.With, ast.AsyncWith),
    cst.Try: (ast.Try,),
    cst.Match: (ast.Match,),
}
if hasattr(ast, "TryStar"):
    _COMPOUND_AST[cst.TryStar] = (ast.TryStar,)


class _Mismatch(Exception):
    """The ast and libcst parses of the text do not line up."""


class _Ranges:
    """Stands in for a metadata provider: the codegen state records into ``_computed``."""

    def __init__(self) -> None:
        self._computed: dict[cst.CSTNode, CodeRange] = {}


class _Located:
    __slots__ = ("trees", "indent", "done", "calls_done", "is_elif")

    def __init__(self, trees: list[ast.stmt], indent: tuple[str, ...], is_elif: bool = False) -> None:
        self.trees = trees  # the ast statement(s): a line may hold several
        self.indent = indent  # the indent tokens of the enclosing blocks
        self.done = False  # regenerated
        self.calls_done = False  # calls paired with ast's
        self.is_elif = is_elif

    @property
    def tree(self) -> ast.stmt:
        return self.trees[0]


class Positions:
    """``span(node)`` for nodes of one module, as libcst's PositionProvider would give."""

    def __init__(self, module: cst.Module, text: str | None = None, tree: ast.Module | None = None) -> None:
        self.module = module
        self._text = text
        self.text = text  # the module's source, when the caller gave it
        self._tree = tree if text is not None else None  # Python's parse of ``text``, when the caller has one
        self.stack: list[cst.CSTNode] = []  # statements being executed, innermost last
        self._ranges = _Ranges()
        self._located: dict[cst.CSTNode, _Located] | None = None
        self._lines: list[str] = []
        self.full_pass = False  # True once the whole-module fallback ran

    def span(self, node: cst.CSTNode) -> Span:
        r = self._ranges._computed.get(node)
        if r is None:
            r = self._find(node)
            if r is None:
                return _NOWHERE
        return Span(r.start.line, r.start.column, r.end.line, r.end.column)

    def lazy_span(self, node: cst.CSTNode) -> Span:
        """``span(node)``, worked out only when one of its numbers is read: most layers and calls
        of a file are never reported by line, and locating a statement's nodes is most of a span's
        cost.  The statements being executed now are kept with it, so it is found as ``span`` would."""
        r = self._ranges._computed.get(node)
        if r is not None:
            return Span(r.start.line, r.start.column, r.end.line, r.end.column)
        if self.full_pass:  # every node of the module has its range already
            return _NOWHERE
        return LazySpan(self, node, tuple(self.stack))

    def statement_lines(self, stmt: cst.CSTNode) -> tuple[str, str] | None:
        """The source lines of a statement as Python's parse places it (from its first decorator
        to its last line), and those with the blank and comment lines just above and below them;
        None when the two parses do not line up.  libcst's code of the statement on its own
        (``Module(body=[stmt]).code``) holds the first, less indentation, and lies within the
        second: the comments it owns are the ones right above it and at the end of its block."""
        if self.full_pass:
            return None
        try:
            self._index()
        except Exception:  # as _find() does: the parses do not line up, so spans come from libcst's pass
            self._whole_module()
            return None
        assert self._located is not None
        loc = self._located.get(stmt)
        if loc is None or len(loc.trees) != 1 or loc.tree.end_lineno is None:
            return None
        tree, lines = loc.tree, self._lines
        first = min([tree.lineno, *(d.lineno for d in getattr(tree, "decorator_list", ()))]) - 1
        last = tree.end_lineno
        above, below = first, last
        while above > 0 and _blank_or_comment(lines[above - 1]):
            above -= 1
        while below < len(lines) and _blank_or_comment(lines[below]):
            below += 1
        return "\n".join(lines[first:last]), "\n".join(lines[above:below])

    # -- lookup ------------------------------------------------------------
    def _find(self, node: cst.CSTNode) -> CodeRange | None:
        computed = self._ranges._computed
        if not self.full_pass:
            try:
                self._index()
                assert self._located is not None
                if node in self._located:
                    if not isinstance(node, cst.SimpleStatementLine):
                        return self._compound_range(node)
                    self._generate(node)
                    return computed.get(node)
                if isinstance(node, cst.Call):
                    for stmt in reversed(self.stack):
                        self._pair_calls(stmt)
                        if node in computed:
                            return computed[node]
                for stmt in reversed(self.stack):
                    self._generate(stmt)
                    if node in computed:
                        return computed[node]
            except Exception:  # _Mismatch, or a construct this module does not know: the slow way is exact
                pass
            self._whole_module()
        return computed.get(node)

    def _whole_module(self) -> None:
        if self.full_pass:
            return
        self.full_pass = True
        ranges = MetadataWrapper(self.module, unsafe_skip_copy=True).resolve(PositionProvider)
        self._ranges._computed.update(ranges)

    # -- pairing libcst statements with ast statements --------------------
    def _index(self) -> None:
        if self._located is not None:
            return
        text = self._text if self._text is not None else self.module.code
        tree = self._tree
        if tree is None:
            try:
                tree = ast.parse(text)
            except Exception as e:  # SyntaxError, or a grammar newer than this Python's ast
                raise _Mismatch from e
        self._lines = _NEWLINE.split(text)
        self._located = {}
        self._pair(self.module.body, tree.body, ())

    def _pair(self, stmts: Any, trees: list[ast.stmt], indent: tuple[str, ...]) -> None:
        assert self._located is not None
        i = 0
        for stmt in stmts:
            if isinstance(stmt, cst.SimpleStatementLine):
                n = len(stmt.body)
                if n == 0 or i + n > len(trees):
                    raise _Mismatch
                self._located[stmt] = _Located(trees[i : i + n], indent)
                i += n
                continue
            kinds = _COMPOUND_AST.get(type(stmt))
            if kinds is None or i >= len(trees) or not isinstance(trees[i], kinds):
                raise _Mismatch
            self._compound(stmt, trees[i], indent)
            i += 1
        if i != len(trees):
            raise _Mismatch

    def _compound(self, stmt: Any, tree: Any, indent: tuple[str, ...], is_elif: bool = False) -> None:
        assert self._located is not None
        self._located[stmt] = _Located([tree], indent, is_elif)
        if not isinstance(stmt, cst.Match):
            self._block(stmt.body, tree.body, indent)
        if isinstance(stmt, (cst.Try, getattr(cst, "TryStar", cst.Try))):
            if len(stmt.handlers) != len(tree.handlers):
                raise _Mismatch
            for h, th in zip(stmt.handlers, tree.handlers):
                self._block(h.body, th.body, indent)
            if stmt.finalbody is not None:
                self._block(stmt.finalbody.body, tree.finalbody, indent)
        elif isinstance(stmt, cst.Match):
            if len(stmt.cases) != len(tree.cases):
                raise _Mismatch
            for c, tc in zip(stmt.cases, tree.cases):
                self._block(c.body, tc.body, indent)
        orelse = getattr(stmt, "orelse", None)
        if isinstance(orelse, cst.If):  # elif: an If of its own in both trees
            if len(tree.orelse) != 1 or not isinstance(tree.orelse[0], ast.If):
                raise _Mismatch
            self._compound(orelse, tree.orelse[0], indent, is_elif=True)
        elif orelse is not None:
            self._block(orelse.body, tree.orelse, indent)

    def _block(self, block: Any, trees: list[ast.stmt], indent: tuple[str, ...]) -> None:
        if isinstance(block, cst.IndentedBlock):
            own = self.module.default_indent if block.indent is None else block.indent
            self._pair(block.body, trees, (*indent, own))
        elif len(block.body) != len(trees):  # a one-line suite: generated with its header
            raise _Mismatch

    # -- pairing calls inside one statement ----------------------------------
    def _pair_calls(self, stmt: cst.CSTNode) -> None:
        """Give every call of ``stmt`` (outside its indented bodies) its ast extent.
        A statement whose calls do not pair up is left to ``_generate``."""
        assert self._located is not None
        loc = self._located.get(stmt)
        if loc is None or loc.calls_done or loc.done:
            return
        loc.calls_done = True
        ours: list[cst.Call] = []
        _cst_calls(stmt, ours)
        theirs: list[ast.Call] = []
        for tree in loc.trees:
            if _ast_calls(tree, theirs):
                return  # a call inside an f-string: ast's positions there are not reliable
        if len(ours) != len(theirs):
            return
        theirs.sort(key=lambda c: (c.lineno, c.col_offset, -(c.end_lineno or 0), -(c.end_col_offset or 0)))
        if not all(_same_call(a, b) for a, b in zip(ours, theirs)):
            return
        computed = self._ranges._computed
        for a, b in zip(ours, theirs):
            if a not in computed:
                end_line = b.end_lineno or b.lineno
                computed[a] = CodeRange((b.lineno, self._column(b.lineno, b.col_offset)),
                                        (end_line, self._column(end_line, b.end_col_offset or 0)))

    # -- regenerating single statements ------------------------------------
    def _generate(self, stmt: cst.CSTNode) -> None:
        assert self._located is not None
        loc = self._located.get(stmt)
        if loc is None or loc.done:
            return
        loc.done = True
        line, col = self._start(loc.tree)
        if isinstance(stmt, cst.SimpleStatementLine):
            self._codegen(stmt, line - len(stmt.leading_lines), loc.indent)
            got = self._ranges._computed.get(stmt)
        else:
            header = _header_only(stmt)
            if header is None:
                return
            self._codegen(header, line, loc.indent, is_elif=loc.is_elif)
            got = self._ranges._computed.pop(header, None)
            for elif_ in _elifs(stmt):
                self._generate(elif_)
        if got is None or (got.start.line, got.start.column) != (line, col):
            raise _Mismatch

    def _codegen(self, node: cst.CSTNode, line: int, indent: tuple[str, ...], is_elif: bool = False) -> None:
        state = PositionProvidingCodegenState(
            default_indent=self.module.default_indent,
            default_newline=self.module.default_newline,
            provider=self._ranges,  # type: ignore[arg-type]
        )
        state.line = line
        state.indent_tokens = list(indent)
        if is_elif:
            node._codegen(state, is_elif=True)  # type: ignore[call-arg]
        else:
            node._codegen(state)

    def _compound_range(self, stmt: cst.CSTNode) -> CodeRange:
        assert self._located is not None
        tree = self._located[stmt].tree
        line, col = self._start(tree)
        end_line = tree.end_lineno if tree.end_lineno is not None else line
        end_col = self._column(end_line, tree.end_col_offset or 0)
        r = CodeRange((line, col), (end_line, end_col))
        self._ranges._computed[stmt] = r
        return r

    def _start(self, tree: ast.stmt) -> tuple[int, int]:
        return tree.lineno, self._column(tree.lineno, tree.col_offset)

    def _column(self, line: int, byte_col: int) -> int:
        """ast counts UTF-8 bytes; libcst counts characters."""
        if not 0 < line <= len(self._lines):
            raise _Mismatch
        text = self._lines[line - 1]
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="replace"))


class LazySpan(Span):
    """A Span whose numbers are computed from its node at the first read (see Positions.lazy_span);
    equal to, hashed and pickled as the plain Span it stands for."""

    def __init__(self, positions: Positions, node: cst.CSTNode, stack: tuple) -> None:
        object.__setattr__(self, "_where", (positions, node, stack))

    def __getattr__(self, name: str) -> Any:
        if name not in ("line", "col", "end_line", "end_col"):
            raise AttributeError(name)
        positions, node, stack = self.__dict__["_where"]
        saved = positions.stack
        positions.stack = list(stack)
        try:
            sp = positions.span(node)
        finally:
            positions.stack = saved
        for field in ("line", "col", "end_line", "end_col"):
            object.__setattr__(self, field, getattr(sp, field))
        return self.__dict__[name]

    def _fields(self) -> tuple:
        return (self.line, self.col, self.end_line, self.end_col, self.path, self.via)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Span):
            return self._fields() == (other.line, other.col, other.end_line, other.end_col, other.path, other.via)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return repr(self.__reduce__()[0](*self.__reduce__()[1]))

    def __reduce__(self) -> tuple:
        return (Span, self._fields())


def _header_only(stmt: Any) -> cst.CSTNode | None:
    """A copy of a compound statement without its indented bodies, decorators and
    leading lines, so it regenerates from the line of its keyword.  The copy shares
    every child node with the original, so their ranges land on the original's nodes."""
    if isinstance(stmt, cst.Match):
        return None  # cases are statements of their own; the subject is rarely asked about
    changes: dict[str, Any] = {"leading_lines": ()}
    if isinstance(stmt.body, cst.IndentedBlock):
        changes["body"] = cst.IndentedBlock(body=())
    if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
        changes["decorators"] = ()
        changes["lines_after_decorators"] = ()
    elif isinstance(stmt, (cst.If, cst.For, cst.While)):
        changes["orelse"] = None
    elif not isinstance(stmt, cst.With):
        return None  # try/match headers hold nothing the interpreter asks about
    return stmt.with_changes(**changes)


def _elifs(stmt: cst.CSTNode) -> list[cst.If]:
    out = []
    while isinstance(stmt, cst.If) and isinstance(stmt.orelse, cst.If):
        stmt = stmt.orelse
        out.append(stmt)
    return out



# Fields that only hold whitespace or punctuation: nothing to find a call in.
_NOT_CODE = re.compile(
    r"(lpar|rpar|whitespace_.*|comma|semicolon|equal|colon|dot|leading_lines|lines_after_decorators|header|"
    r"footer|trailing_whitespace|leading_whitespace|lbracket|rbracket|lbrace|rbrace|operator|asynchronous|"
    r"first_colon|second_colon|posonly_ind|star|trailing_comma|relative)")
# Bodies are statements of their own.
_BODIES = {"body", "orelse", "handlers", "finalbody", "cases"}
# Node types whose dataclass fields are not in source order (libcst visits them in this order).
_SOURCE_ORDER: dict[type, tuple[str, ...]] = {
    cst.Arg: ("keyword", "value"),
    cst.ClassDef: ("decorators", "name", "type_parameters", "bases", "keywords", "body"),
    cst.FunctionDef: ("decorators", "name", "type_parameters", "params", "returns", "body"),
    cst.IfExp: ("body", "test", "orelse"),
    cst.Parameters: ("posonly_params", "params", "star_arg", "kwonly_params", "star_kwarg"),
    cst.ExceptHandler: ("type", "name", "body"),
    cst.MatchCase: ("pattern", "guard", "body"),
}
_FIELDS: dict[type, tuple[str, ...]] = {}


def _code_fields(cls: type) -> tuple[str, ...]:
    fields = _FIELDS.get(cls)
    if fields is None:
        names = _SOURCE_ORDER.get(cls) or tuple(f.name for f in dataclasses.fields(cls))
        fields = _FIELDS[cls] = tuple(n for n in names if not _NOT_CODE.fullmatch(n))
    return fields


def _blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _cst_calls(node: cst.CSTNode, out: list[cst.Call], top: bool = True) -> None:
    """libcst calls under ``node`` in source order, not entering a top compound statement's bodies."""
    kind = type(node)
    if kind is cst.Call:
        out.append(node)
    compound = top and kind is not cst.SimpleStatementLine
    for name in _code_fields(kind):
        if compound and name in _BODIES:
            continue
        value = getattr(node, name)
        if is_node(value):
            _cst_calls(value, out, False)
        elif isinstance(value, (tuple, list)):
            for item in value:
                if is_node(item):
                    _cst_calls(item, out, False)


def _ast_calls(stmt: ast.stmt, out: list[ast.Call]) -> bool:
    """Collect ast calls like ``_cst_calls``, in any order (they are sorted by position);
    True if one is inside an f-string.  A walk with a stack: a call per node was most of its cost."""
    stack = [getattr(stmt, name, None) for name in stmt._fields if name not in _BODIES]
    pop, push, node_type = stack.pop, stack.append, ast.AST
    while stack:
        value = pop()
        for item in value if isinstance(value, list) else (value,):
            if not isinstance(item, node_type):
                continue
            if isinstance(item, ast.JoinedStr):
                if any(isinstance(n, ast.Call) for n in ast.walk(item)):
                    return True
                continue
            if isinstance(item, ast.Call):
                out.append(item)
            for name in item._fields:
                push(getattr(item, name, None))
    return False


def _same_call(ours: cst.Call, theirs: ast.Call) -> bool:
    if len(ours.args) != len(theirs.args) + len(theirs.keywords):
        return False
    f, g = ours.func, theirs.func
    if isinstance(f, cst.Name):
        return isinstance(g, ast.Name) and g.id == f.value
    if isinstance(f, cst.Attribute):
        return isinstance(g, ast.Attribute) and g.attr == f.attr.value
    if isinstance(f, cst.Call):
        return isinstance(g, ast.Call)
    if isinstance(f, cst.Subscript):
        return isinstance(g, ast.Subscript)
    return not isinstance(g, (ast.Name, ast.Attribute, ast.Call, ast.Subscript))
