"""Cheap checks that run before the expensive parse, so no file can hang or crash it.

libcst's native parser holds the GIL and cannot be interrupted; its cost grows
with the square of the nesting depth (measured: about 7 microseconds per unit of
the sum of all AST node depths, worst case), and very deep nesting overflows
its stack (a segfault, not an exception).  Python's own parser is an order of
magnitude faster and fails cleanly, so it goes first: it is the judge of syntax
errors (with Python's messages and positions), and its tree gives the size of
the work before libcst sees the file.  ``ast.parse`` only builds a tree; it
never runs the code.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from layerlint.sources.span import Span

MAX_ANALYSED_BYTES = 1024 * 1024  # larger files are reported (LL004), not parsed
MAX_NESTING = 1000  # AST levels; deeper files are reported, not parsed
MAX_PARSE_WORK = 1_500_000  # sum of AST node depths: a few seconds of libcst at worst

_LINE_BREAK = re.compile(r"\r\n?|\n")  # Python's line ends, which ast line numbers count


@dataclass
class Problem:
    code: str
    message: str
    span: Span

    def as_tuple(self) -> tuple[str, str, Span]:
        return (self.code, self.message, self.span)


def preflight(text: str) -> tuple[Problem | None, ast.Module | None]:
    """The first reason not to parse ``text`` with libcst (or None when it is safe to),
    and Python's tree of it when it parsed; the positions index reuses that tree."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_ANALYSED_BYTES:
        return Problem("LL004", f"file is {_size(size)}, over the analysis budget of {_size(MAX_ANALYSED_BYTES)} "
                                "per file; not analysed", Span(1, 0, 1, 0)), None
    try:
        tree = ast.parse(text)
    except SyntaxError as e:
        return syntax_problem(e), None
    except (RecursionError, MemoryError):
        return Problem("LL004", "expressions nested too deeply for Python's parser; not analysed", Span(1, 0, 1, 0)), None
    except ValueError as e:  # e.g. NUL characters that reached here through stdin
        return Problem("LL003", f"not Python source: {e}", Span(1, 0, 1, 0)), None
    return _work_problem(tree, text), tree


def syntax_problem(e: SyntaxError) -> Problem:
    """LL001 at Python's position (1-based line, 0-based column) with Python's message."""
    line = e.lineno or 1
    col = max((e.offset or 1) - 1, 0)
    end_line = e.end_lineno or line
    end_col = max((e.end_offset or 1) - 1, col) if end_line == line else max((e.end_offset or 1) - 1, 0)
    message = e.msg or "invalid syntax"
    if isinstance(e, IndentationError) and "indent" not in message:
        message = f"indentation error: {message}"
    return Problem("LL001", f"syntax error: {message}", Span(line, col, end_line, end_col))


def _work_problem(tree: ast.AST, text: str) -> Problem | None:
    work, deepest = _work(tree)
    if deepest <= MAX_NESTING and work <= MAX_PARSE_WORK:
        return None
    return _placed_work_problem(tree, text)


def _work(tree: ast.AST) -> tuple[int, int]:
    """(sum of all node depths, deepest depth), level by level: no tuple per node, as the
    walk that also says where the deepest node is needs (it runs only for a file over budget)."""
    level, depth, work = [tree], 0, 0
    node_type = ast.AST
    while level:
        work += depth * len(level)
        below: list[ast.AST] = []
        push = below.append
        for node in level:
            for name in node._fields:
                value = getattr(node, name, None)
                if isinstance(value, node_type):
                    push(value)
                elif isinstance(value, list):
                    for item in value:
                        if isinstance(item, node_type):
                            push(item)
        level = below
        depth += 1
    return work, depth - 1


def _placed_work_problem(tree: ast.AST, text: str) -> Problem | None:
    deepest, deepest_at, work = 0, tree, 0
    # (node, depth, nearest node with a position): contexts like ast.Load have none
    stack: list[tuple[ast.AST, int, ast.AST]] = [(tree, 0, tree)]
    pop, push, node_type = stack.pop, stack.append, ast.AST
    while stack:  # iterative: the tree may be deeper than Python's recursion limit
        node, depth, placed = pop()
        placed = node if hasattr(node, "lineno") else placed
        work += depth
        if depth > deepest:
            deepest, deepest_at = depth, placed
        depth += 1
        # ast.iter_child_nodes, inlined: this walk visits every node of every file
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, node_type):
                push((value, depth, placed))
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, node_type):
                        push((item, depth, placed))
    if deepest > MAX_NESTING:
        at = _span(deepest_at, text)
        return Problem("LL004", f"code nested {deepest} levels deep, over the analysis budget of {MAX_NESTING} "
                                "levels; not analysed", at)
    if work > MAX_PARSE_WORK:
        return Problem("LL004", f"file too large or too deeply nested to analyse within budget (parse work "
                                f"{work:,} over {MAX_PARSE_WORK:,}); not analysed", Span(1, 0, 1, 0))
    return None


def _span(node: ast.AST, text: str) -> Span:
    """Where ``node`` starts; ast columns count UTF-8 bytes, ours count characters."""
    line = getattr(node, "lineno", 1)
    lines = _LINE_BREAK.split(text)
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    col = len(source_line.encode("utf-8", "surrogatepass")[: getattr(node, "col_offset", 0)].decode("utf-8", "ignore"))
    return Span(line, col, line, col)


def _size(n: int) -> str:
    return f"{n / 1048576:.1f} MiB" if n >= 1048576 else f"{n / 1024:.0f} KiB"
