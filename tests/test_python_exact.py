"""Python followed exactly or not at all: every builtin and construct the interpreter folds
gives Python's own value (checked by running the same snippet in Python), and one it does
not model in full gives an unknown value, never a value computed without an argument."""

from __future__ import annotations

import libcst as cst
import pytest
from layerlint.analyze import analyze_text
from layerlint.engine.symbolic import Expr
from layerlint.extract.interp import Interpreter


def interp_value(src: str, name: str = "out"):
    interp = Interpreter(cst.parse_module(src), "t.py")
    interp.run()
    return interp.globals.vars[name]


EXACT = [
    "out = list(enumerate([10, 20], start=1))",
    "out = list(enumerate([10, 20], 5))",
    "out = {k: v * 2 for k, v in [('a', 1), ('b', 2)]}",
    "out = [x for x in range(6) if x % 2]",
    "out = sorted([3, 1, 2], reverse=True)",
    "out = max([], default=7)",
    "out = dict([('a', 1)], b=2)",
    "out = dict({'a': 1})",
    "xs = [1, 2, 3]\nxs.reverse()\nout = xs",
    "xs = [3, 1, 2]\nxs.sort()\nout = xs",
    "xs = [1, 2, 3]\nxs.remove(2)\nout = xs",
    "xs = [1, 2, 3]\ndel xs[0]\nout = xs",
    "d = {'a': 1, 'b': 2}\ndel d['a']\nout = d",
    "d = {'a': 1}\nv = d.pop('a')\nout = (v, d)",
    "d = {}\nd.setdefault('k', 3)\nout = d",
    "d = {'a': 1}\nd.update(b=2)\nout = d",
    "first, *rest = [1, 2, 3, 4]\nout = (first, rest)",
    "*init, last = (1, 2, 3)\nout = (init, last)",
    "a, *mid, b = [1, 2]\nout = (a, mid, b)",
    "name = 'x'\nout = f'{name!r}'",
    "def outer():\n    n = 1\n    def inner():\n        nonlocal n\n        n = 5\n    inner()\n    return n\nout = outer()",
    "out = int(3.9)",
    "out = list(zip([1, 2], [3, 4]))",
    "out = (type([3]) is int, type(3) is int, type(True) is int, type(2.0) == float, type('a') is not str)",
    "def f(depth=[3, 4, 6, 3]):\n    return type(depth) is int and (depth - 2) % 9 != 0\nout = f()",
    # true division of an int by a float (PSPNet's feature map: ceil(473 / 8.0))
    "from math import ceil\nout = (473 / 8.0, 3 / 2.5, tuple(int(ceil(d / 8.0)) for d in (473, 713)))",
    # numpy's round of a plain number (PSPNet's pool sizes: int(np.round(float(h) / pool_factor)))
    "import numpy as np\nout = (np.round(2.5), np.round(3.5), np.around(-0.5), np.round(7), int(np.round(float(18) / 6)))",
]


@pytest.mark.parametrize("src", EXACT)
def test_value_is_pythons(src):
    env: dict = {}
    exec(src, env)  # the test's own snippet: Python's answer
    assert interp_value(src) == env["out"]


UNKNOWN = [
    "out = sorted([3, 1, 2], key=lambda v: -v)",
    "out = max([1, 2], key=lambda v: -v)",
    "out = list(enumerate(xs_unknown, start=1))",
    "out = [x for x in range(4) if unknown(x)]",
    "out = {k: 1 for k in unknown_keys}",
    "xs = [1, 2]\nxs.extend(unknown_list)\nout = xs",
    "xs = [1, 2]\nxs.insert(unknown_i, 0)\nout = xs",
    "xs = [1, 2]\ndel xs[unknown_i]\nout = xs",
    "d = {'a': 1}\nd.update(unknown_d)\nout = d",
    "out = {**unknown_d, 'a': 1}",
    "out = dict(unknown_pairs)",
    "import math\nout = math.prod([2, 3], start=2)",
    "def f(a, b=2):\n    return b\nout = f(*unknown_args)",
    "def f(a, b=2):\n    return b\nout = f(1, **unknown_kw)",
]


@pytest.mark.parametrize("src", UNKNOWN)
def test_value_is_unknown(src):
    assert isinstance(interp_value(src), Expr)


def summary_rows(src: str) -> list[tuple]:
    fa = analyze_text(src, "t.py")
    return [[(r.name, r.output) for r in m.layers] for m in fa.models]


def test_dict_comprehension_outputs_are_kept():
    rows = summary_rows("""from keras import Input, Model, layers
inp = Input((8,))
outs = {name: layers.Dense(n, name=name)(inp) for name, n in [("a", 2), ("b", 3)]}
m = Model(inp, outs)
""")
    assert rows == [[("input_layer", (None, 8)), ("a", (None, 2)), ("b", (None, 3))]]


def test_helper_called_in_a_loop_keeps_every_layer():
    rows = summary_rows("""from keras import Input, Model, layers
def block(x, units, name):
    x = layers.Dense(units, name=name + "_a")(x)
    return layers.Dense(units, name=name + "_b")(x)
inp = Input((8,))
x = inp
for i, u in enumerate([16, 32], start=1):
    x = block(x, u, f"b{i}")
m = Model(inp, x)
""")
    assert [n for n, _ in rows[0]] == ["input_layer", "b1_a", "b1_b", "b2_a", "b2_b"]
    assert rows[0][-1][1] == (None, 32)


def test_layer_with_unknown_keyword_arguments_is_opaque():
    fa = analyze_text("""from keras import Input, Model, layers
inp = Input((32, 32, 3))
x = layers.Conv2D(8, 3, **conv_args)(inp)
m = Model(inp, x)
""", "t.py")
    row = fa.models[0].layers[-1]
    assert row.status != "ok" and "**conv_args" in (row.reason or "")


def test_builder_called_with_unknown_kwargs_takes_no_defaults():
    rows = summary_rows("""from keras import Sequential, Input, layers
def build(units=4, classes=3):
    return Sequential([Input((5,)), layers.Dense(units), layers.Dense(classes)])
model = build(units=8, **config)
""")
    assert rows[0][0][1] == (None, 8)
    assert isinstance(rows[0][1][1][1], Expr)  # classes may come from config


@pytest.mark.parametrize("literal", ["1.5", "0.1", "1.", ".5", "00.5", "1e5", "1E-7", "2.5e+3", "1_000.25", "1e1_0",
                                     "3.141_592_653_589_793", "1e400", "4.9e-324", "0.30000000000000004",
                                     "123456789012345678901234567890.5"])
def test_float_literals_are_pythons(literal):
    import ast

    value = interp_value(f"out = {literal}")
    assert type(value) is float and value == ast.literal_eval(literal)
