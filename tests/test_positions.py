"""Lazy spans (lint/extract/positions.py) equal libcst's whole-module PositionProvider."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import libcst as cst
import pytest
from layerlint.extract.positions import Positions
from layerlint.sources.inputs import load_input
from libcst.metadata import MetadataWrapper, PositionProvider

from tests.bench.corpus import corpus, deep_model_file
from tests.nonempty import nonempty

ROOT = Path(__file__).resolve().parent.parent
# The bad-input fixtures and the syntax-error rule's fixture are not meant to parse; every other must.
FIXTURES = nonempty(sorted(p for p in (ROOT / "fixtures").rglob("*.py") if "bad_inputs" not in p.parts and p.name != "LL001.py"), "fixtures")
_STATEMENTS = (cst.SimpleStatementLine, cst.BaseCompoundStatement)
_ASKED = (cst.BaseExpression, cst.BaseStatement, cst.BaseSmallStatement)

TRICKY = {
    "unicode": 'naïve = "é"; x = Dense(3, name="ü")(x)\ny = f(g("日本"), h(1))\n',
    "tabs": "def f(x):\n\tif x:\n\t\treturn Dense(1)(x)\n\telif g(x):\n\t\treturn h(x)\n",
    "decorators": "@a(1)\n@b.c(d(2))\ndef f(x=g(3), *, y=h(4)) -> k(5):\n    return m(x)\n",
    "elif chain": "if a(1):\n    pass\nelif b(2):\n    c(3)\nelif d(4): e(5)\nelse:\n    f(6)\n",
    "continuations": "x = Dense(\n    3,\n    activation=act(\n        'relu'),\n)(inp)\ny = a \\\n    + b(1)\n",
    "nested and chained": "z = f(1)(2)(g(3)).h(i(4))[j(5)](k(6))\n(l(7))(m(8))\n",
    "fstrings": 'print(f"{Dense(3)} {g(x)!r:>{w(2)}}")\nq = Dense(4)\n',
    "comments and blank lines": "\n\n# lead\n\nx = f(1)  # tail\n\n\n    # odd indent comment\ny = g(2)\n",
    "compound headers": "for i in r(3):\n    pass\nelse:\n    q(1)\nwhile w(2):\n    break\nwith o(1) as a, p(2):\n    pass\n"
                        "try:\n    t(1)\nexcept E(2) as e:\n    u(3)\nfinally:\n    v(4)\n"
                        "class C(B(1), metaclass=M(2)):\n    x = y(3)\n",
    "lambdas and comprehensions": "f = lambda x=d(1): g(x)\nl = [h(i) for i in r(j(2)) if k(i)]\nd = {a(1): b(2) for _ in c(3)}\n"
                                  "v = p(1) if q(2) else s(3)\n",
    "async": "async def f():\n    async with a(1):\n        async for x in b(2):\n            await c(3)\n",
    "semicolons": "a(1); b(2);\nc(3) ;d(4)\n",
    "match": "match p(1):\n    case [x] if g(x):\n        h(2)\n    case _:\n        pass\n",
    "no trailing newline": "x = f(1)\ny = g(2)",
    "crlf": "x = f(1)\r\nif y:\r\n    z = g(2)\r\n",
}


class _Collect(cst.CSTVisitor):
    """Every node with the statements enclosing it, innermost last (the interpreter's stack)."""

    def __init__(self) -> None:
        self.stack: list[cst.CSTNode] = []
        self.found: list[tuple[cst.CSTNode, tuple]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.found.append((node, tuple(self.stack)))
        if isinstance(node, _STATEMENTS):
            self.stack.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if isinstance(original_node, _STATEMENTS):
            self.stack.pop()


def compare(text: str) -> tuple[int, int]:
    """(nodes compared, calls that needed the whole-module fallback); asserts every span."""
    module = cst.parse_module(text)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    visitor = _Collect()
    module.visit(visitor)
    positions = Positions(module, text)
    compared = call_fallbacks = 0
    for node, stack in visitor.found:
        if isinstance(node, cst.Module) or not isinstance(node, _ASKED) or node not in expected:
            continue
        positions.stack = list(stack)
        span = positions.span(node)
        r = expected[node]
        assert (span.line, span.col, span.end_line, span.end_col) == (r.start.line, r.start.column, r.end.line,
                                                                      r.end.column), (type(node).__name__, text[:80])
        compared += 1
        if positions.full_pass:
            call_fallbacks += isinstance(node, cst.Call) and isinstance(stack[-1], cst.SimpleStatementLine)
            positions = Positions(module, text)
    return compared, call_fallbacks


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_sources(name: str) -> None:
    compared, _ = compare(TRICKY[name])
    assert compared > 3


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_fixtures(path: Path) -> None:
    inp = load_input(str(path))  # decoded as the analyser gets it (coding cookie, BOM)
    assert inp.problem is None
    compared, call_fallbacks = compare(inp.text)
    assert call_fallbacks == 0


def test_generated_model_files() -> None:
    files = [f for f in corpus(40, seed=11, big_file_lines=0, deep_layers=0) if f.models]
    files.append(deep_model_file(60))
    for f in files:
        compared, call_fallbacks = compare(f.text)
        assert compared > 50 and call_fallbacks == 0


def test_spans_when_ast_cannot_parse_fall_back_to_the_whole_module() -> None:
    # Python 3.11's ast rejects PEP 695 type parameters; libcst reads them.
    text = "def f[T](x: T) -> T:\n    return g(x)\ny = h(1)\n"
    module = cst.parse_module(text)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    call = module.body[1].body[0].value
    positions = Positions(module, text)
    positions.stack = [module.body[1]]
    span = positions.span(call)
    r = expected[call]
    assert (span.line, span.col, span.end_line, span.end_col) == (r.start.line, r.start.column, r.end.line, r.end.column)


def test_random_statement_orders_keep_exact_spans() -> None:
    """Shuffled mixes of the tricky statements: positions depend only on the statement itself."""
    rng = random.Random(3)
    pieces = [t if t.endswith("\n") else t + "\n" for k, t in TRICKY.items() if k not in ("crlf", "tabs")]
    for _ in range(5):
        rng.shuffle(pieces)
        compare("".join(pieces))


def test_lazy_spans_read_later_are_the_spans_of_their_moment() -> None:
    """A lazy span keeps the statements being executed when it was asked for: read after the
    interpreter moved on (or never), it is exactly the span, and equal to it as a value."""
    import pickle

    from layerlint.extract.positions import LazySpan
    from layerlint.sources.span import Span

    text = "".join(t if t.endswith("\n") else t + "\n" for k, t in TRICKY.items() if k not in ("crlf", "tabs"))
    module = cst.parse_module(text)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    visitor = _Collect()
    module.visit(visitor)
    positions = Positions(module, text)
    asked = []
    for node, stack in visitor.found:
        if isinstance(node, _ASKED) and node in expected and not isinstance(node, cst.Module):
            positions.stack = list(stack)
            asked.append((node, positions.lazy_span(node)))
    positions.stack = []
    assert sum(isinstance(sp, LazySpan) for _, sp in asked) > 50
    for node, sp in asked[::-1]:  # read in another order than asked
        r = expected[node]
        plain = Span(r.start.line, r.start.column, r.end.line, r.end.column)
        assert sp == plain and plain == sp and hash(sp) == hash(plain) and repr(sp) == repr(plain)
        assert type(pickle.loads(pickle.dumps(sp))) is Span and pickle.loads(pickle.dumps(sp)) == plain


def _function_defs(module: cst.Module) -> list[cst.FunctionDef]:
    found: list[cst.FunctionDef] = []

    class Defs(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            found.append(node)

    module.visit(Defs())
    return found


def _bare(text: str) -> str:
    return "".join(text.split())


def test_statement_lines_bound_a_definitions_own_code() -> None:
    """What statement_lines() gives a definition holds libcst's code of it (less whitespace) and
    lies within the second text it gives: the interpreter decides from them what that code mentions."""
    texts = [p.read_text(encoding="utf-8") for p in FIXTURES] + list(TRICKY.values()) + [
        "x = 1\n# about f\n\n@deco(1)\n# between\ndef f(a):\n    return Model(a)\n    # end of f\n\n# next\ny = 2\n",
        "class C:\n    # m\n    def m(self):  # trailing\n        pass\n        # in m\n    # after m\n    def n(self): return 1\n",
    ]
    checked = 0
    for text in texts:
        module = cst.parse_module(text)
        positions = Positions(module, text)
        for fn in _function_defs(module):
            lines = positions.statement_lines(fn)
            assert lines is not None
            own, around = (_bare(t) for t in lines)
            code = _bare(cst.Module(body=[fn]).code)
            assert own in code and code in around, (fn.name.value, own, code, around)
            checked += 1
    assert checked > 100


def test_a_raise_caught_after_its_statements_unwound_is_placed_without_the_whole_module() -> None:
    """A ``raise`` that ends the file (or a builder) is reported once the statements around it
    have left the stack: it is placed by the statements it was raised in, as exactly as before,
    and the module's positions are not regenerated whole for it."""
    from layerlint.extract.interp import Interpreter

    text = ("import sys\n\ndef build(kind):\n    if kind != 'mlp':\n        raise ValueError(kind)\n    return 1\n\n"
            "m = build('cnn')\n\nif __name__ == '__main__':\n    raise SystemExit(main())\n")
    module = cst.parse_module(text)
    interp = Interpreter(module, "f.py", text, ast.parse(text))
    result = interp.run()
    said = {n.message: (n.span.line, n.span.col) for n in result.notes}
    assert said["`raise ValueError(kind)` at line 5 is reached: `build()` does not return, so what it builds "
                "is not followed"] == (8, 4)
    assert said["`raise SystemExit(main())` at line 11 is reached: the rest of the file is not analysed"] == (11, 4)
    assert not interp.positions.full_pass
