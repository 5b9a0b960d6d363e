"""The interpreter's renderer of expressions (lint/extract/render.py) gives exactly the text
libcst's ``Module.code_for_node`` gives, on every expression of the fixtures, the benchmark's
generated corpus and hand-written layouts (comments and line breaks inside brackets, CRLF,
starred elements, two-word operators, slices)."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from layerlint.extract.render import node_code

from tests.bench.corpus import corpus
from tests.nonempty import nonempty

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = nonempty(sorted(p for p in (ROOT / "fixtures").rglob("*.py") if "bad_inputs" not in p.parts and p.name != "LL001.py"), "fixtures")

LAYOUTS = {
    "calls": "y = layers.Dense(64, activation='relu', name=f'd{i}')(x, training = False, *a, **kw)\n",
    "comments in brackets": "m = f(  # why\n    a,\n\n    # between\n    b ,  # after\n)\nz = [\n  1,  # one\n  2\n]\n",
    "continuations": "y = a + \\\n    b * (c\n- d)\n",
    "crlf": "y = f(\r\n    a,\r\n    b)\r\nz = (\r\n  1 +\r\n  2)\r\n",
    "cr": "y = f(\r    a)\r",
    "subscripts": "a = x[:, 0]; b = x[..., None]; c = x[1:2:3]; d = x[::2]; e = x[ 1 : ]; f = x[*i, j]; g = d['k']\n",
    "tuples and lists": "a = 1,; b = (1,); c = (1, 2,); d = [*xs, 1]; e = (*xs,); f = []; g = (); h = [ 1 , 2 ]\n",
    "operators": "a = -x ** 2 // y % z @ w; b = not a; c = a is not b; d = a not in b; e = 1 < x <= 2 == y != z\n",
    "parentheses": "a = ((x)); b = ( x . y ) ( z ); c = (-(1)) + ( 2 )\n",
    "numbers and strings": "a = 0x1F + 1_000 + 1.5e-3 + 2j; b = 'a' r'\\d' \"q\"; bb = b'x'; c = '''t\nu'''\n",
    "other expressions": "a = lambda q: q; b = {k: v for k, v in d}; c = x if y else z; d = f'{x!r:>3}'; e = {1, 2}\n",
    "comprehensions": "a = [x for x in y if x if z for w in x]; b = (i for i in r); c = { k : v for k , v in d . items ( ) }\n"
                      "d = {i for i in r}; e = [ x  for x in y ]; f = sum(i for i in r)\n"
                      "async def g():\n    return [x async for x in y], {k: v async  for k, v in z}\n",
    "strings and f-strings": "a = f'{x}{y!r}{z:>{w}}{q=}' f\"t\" 'u'; b = f'{ x + 1 }'; c = ('a'\n     'b'); d = rf'\\d{x}'\n",
    "dicts, sets, lambdas, conditionals": "a = {'k': 1, **d, 'j' : 2,}; b = { 1 , 2 , *s }; c = lambda: 0; d = lambda x, *a, y=1, **k: x\n"
                                          "e = lambda *, k: k; f = a or b and not c; g = x if y else ...; h = {}; i = lambda x, /, y: y\n"
                                          "j = (lambda  q : q); k = {\n    'a': 1,  # one\n}\n",
}


class _Everything(cst.CSTVisitor):
    def __init__(self) -> None:
        self.nodes: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.BaseExpression, cst.BaseSlice, cst.BaseParenthesizableWhitespace)):
            self.nodes.append(node)
        return True


def _differences(module: cst.Module) -> list[tuple[str, str, str]]:
    v = _Everything()
    module.visit(v)
    texts = [(type(n).__name__, node_code(module, n), module.code_for_node(n)) for n in v.nodes]
    return [t for t in texts if t[1] != t[2]]


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_layouts(name: str) -> None:
    module = cst.parse_module(LAYOUTS[name])
    v = _Everything()
    module.visit(v)
    assert len(v.nodes) > 5
    assert _differences(module) == []


def test_fixtures() -> None:
    for path in FIXTURES:
        assert _differences(cst.parse_module(path.read_text(encoding="utf-8"))) == [], path


def test_generated_corpus() -> None:
    for f in corpus(10, seed=3, big_file_lines=0, deep_layers=0):
        assert _differences(cst.parse_module(f.text)) == [], f.name
