"""A layer, input or model given ``name=`` a value layerlint cannot compute takes the user's name in Keras,
and no automatic name: the row shows the user's expression (engine/unknown_names.py), and the layers of
its class made later are numbered as Keras numbers them (Keras 3 and tf-keras), never one too high."""

from __future__ import annotations

import json

import pytest
from layerlint.analyze import analyze_text
from layerlint.engine.symbolic import Expr
from layerlint.report.summary import model_json

from tests.live_rows import run_live

PROGRAM = '''
import os
import keras
from keras import layers

NAME = str(os.environ.get("LL_NAME", "u_given"))


def to_rgb(res):
    return keras.Sequential([keras.Input((res, res, 8)), layers.Conv2D(3, 1)], name=f"u_rgb_{res}x{res}")


class Block(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.inner = layers.Dense(4, name=NAME + "_inner")
        self.after = layers.Dense(4)

    def call(self, x):
        return self.after(self.inner(x))


inp = keras.Input((4, 4, 8), name=NAME + "_in")
spare = keras.Input((4, 4, 8))
rgb = to_rgb(int(os.environ.get("LL_RES", "4")))
x = rgb(inp)
x = layers.Flatten()(x)
x = layers.Dense(4, name=NAME)(x)
x = Block(name="u_" + NAME)(x)
x = Block()(x)
x = layers.Dense(4)(x)
x = keras.Sequential([layers.Dense(4)])(x)
m = keras.Model([inp, spare], [x, spare], name=NAME + "_model")
later = keras.Model(inp, x)
'''

# The names Keras gives where layerlint cannot compute them (the environment variables unset), and
# what layerlint shows for each: the user's expression; an f-string as its text, unfilled fields in braces
SHOWN = {
    "u_given_in": '{NAME + "_in"}',
    "u_rgb_4x4": "u_rgb_{res}x{res}",
    "u_given": '{str(os.environ.get("LL_NAME", "u_given"))}',
    "u_u_given": '{"u_" + NAME}',
    "u_given_model": '{NAME + "_model"}',
}


def _live(tf_keras: bool, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.delenv("LL_NAME", raising=False)
    monkeypatch.delenv("LL_RES", raising=False)
    ns = run_live(PROGRAM, tf_keras, "__unknown_explicit_name__")
    return {v: [ns[v].name, *(layer.name for layer in ns[v].layers)] for v in ("m", "later", "rgb")}


def _ours(keras_version: int) -> dict:
    source = PROGRAM if keras_version == 3 else PROGRAM.replace(
        "import keras\nfrom keras import layers", "import tf_keras as keras\nfrom tf_keras import layers")
    fa = analyze_text(source, "prog.py", keras_version=keras_version)
    out = {sm.model.variable: [sm.name, *(row.name for row in sm.layers)] for sm in fa.models}
    out["rgb"] = next([sm.name, *(r.name for r in sm.layers)] for sm in fa.models if sm.model.span.line == 10)
    return out


@pytest.mark.parametrize("keras_version", [3, 2])
def test_unknown_names_take_no_automatic_name(keras, monkeypatch: pytest.MonkeyPatch, keras_version: int) -> None:
    live = _live(keras_version == 2, monkeypatch)
    ours = _ours(keras_version)
    for v, names in live.items():
        # Keras 3 Sequential.layers leaves out its InputLayer; layerlint's rows hold only its Conv2D too
        assert ours[v] == [SHOWN.get(n, n) for n in names], v


def test_keras_numbers_later_layers_one_lower_than_an_automatic_name_would() -> None:
    names = _ours(3)["m"]
    # before: input_layer, sequential, dense, block, block_1, dense_5, sequential_1, input_layer_1
    assert names[1:] == ['{NAME + "_in"}', "u_rgb_{res}x{res}", "flatten", SHOWN["u_given"], SHOWN["u_u_given"],
                         "block", "dense_2", "sequential", "input_layer"]
    assert _ours(3)["later"][0] == "functional_2"


def test_summary_json_shows_the_expression_not_an_internal_value() -> None:
    fa = analyze_text(PROGRAM, "prog.py")
    text = json.dumps([model_json(sm, "prog.py") for sm in fa.models])
    assert "Expr(" not in text and "AutoName" not in text
    assert '"name": "{NAME + \\"_model\\"}"' in text


def test_a_name_compared_with_a_string_is_not_decided() -> None:
    # `d.name != "u_given"` was read as an automatic `dense...` name, never "u_given": the Dense under it was
    # taken as made; Keras does not make it (the name is "u_given")
    source = '''
import os
import keras
from keras import layers

d = layers.Dense(4, name=str(os.environ.get("LL_NAME", "u_given")))
inp = keras.Input((3,))
x = d(inp)
if d.name != "u_given":
    x = layers.Dense(2)(x)
m = keras.Model(inp, x)
'''
    rows = analyze_text(source, "prog.py").models[0].layers
    assert [(r.name, r.status) for r in rows][2] == ("dense", "opaque")
    assert "cannot be decided" in (rows[2].reason or "")


def test_a_model_name_with_a_slash_in_its_expression_is_not_refused() -> None:
    # Keras 3 refuses a `/` in a name it is given; the expression's own `/` says nothing about the name
    source = '''
import keras
from keras import layers

def build(a, b):
    inp = keras.Input((3,))
    return keras.Model(inp, layers.Dense(2, name=a / b)(inp), name=a / b)
'''
    sm = analyze_text(source, "prog.py").models[0]
    assert [(r.name, r.status) for r in sm.layers] == [("input_layer", "ok"), ("{a / b}", "ok")]
    assert sm.name == "{a / b}"


@pytest.mark.parametrize(("text", "shown"), [
    ('f"to_rgb_{res}x{res}"', "to_rgb_{res}x{res}"),
    ("f\"seq_{os.environ['X']}\"", "seq_{os.environ['X']}"),
    ('f"a{x}" + f"b"', '{f"a{x}" + f"b"}'),  # two f-strings: not one's text
    ('name', "{name}"),
    ('f"cut{x}...', '{f"cut{x}...}'),  # cut at 80 characters
])
def test_shown_text(text: str, shown: str) -> None:
    from layerlint.engine.unknown_names import unknown_name_text

    assert unknown_name_text(Expr.symbol(text)) == shown


def test_given_name() -> None:
    from layerlint.engine.unknown_names import given_name

    assert given_name("d") == "d" and given_name(None) is None and given_name(3) is None
    assert given_name(Expr.symbol("n")) == "{n}"


def test_get_layer_past_a_layer_whose_name_is_unknown_is_unknown() -> None:
    # Keras' get_layer returns the first layer of that name: the Dense before "target" may be it
    source = '''
import os
import keras
from keras import layers

inp = keras.Input((3,))
x = layers.Dense(4, name=os.environ.get("LL_NAME", "u_given"))(inp)
x = layers.Dense(2, name="target")(x)
m = keras.Model(inp, x)
sub = keras.Model(m.input, m.get_layer("target").output)
'''
    sub = next(sm for sm in analyze_text(source, "prog.py").models if sm.model.variable == "sub")
    assert [(r.name, r.status) for r in sub.layers] == [("input_layer", "ok"), ("get_layer", "opaque")]


UNSURE = '''
import keras
from keras import layers

def build(cfg):
    inp = keras.Input((3,), name=cfg.get("input"))
    x = layers.Dense(4, name=cfg.get("dense"))(inp)
    x = layers.Dense(4, name=f"d_{cfg.get('dense')}")(x)
    x = layers.Dense(4)(x)
    return keras.Model(inp, x, name=cfg.get("model"))

m = build(CFG)
i = keras.Input((2,))
later = keras.Model(i, layers.Dense(1)(i))
'''


@pytest.mark.parametrize("keras_version", [3, 2])
def test_a_name_that_may_be_none_leaves_later_names_unknown(keras, keras_version: int) -> None:
    # `cfg.get("dense")` may be None, when Keras takes the next automatic name: live, the names after it differ
    # by what cfg holds; an f-string is a string whatever it formats, and takes none either way
    tf_keras = keras_version == 2
    given = run_live(UNSURE.replace("CFG", '{"input": "i", "dense": "x", "model": "mm"}'), tf_keras, "__unsure__")
    none = run_live(UNSURE.replace("CFG", "{}"), tf_keras, "__unsure__")
    names = [[ns[v].name, *(layer.name for layer in ns[v].layers)] for ns in (given, none) for v in ("m", "later")]
    assert names[0][4] != names[2][4] and names[1] != names[3]  # the later Dense, the later model and its rows
    source = UNSURE.replace("CFG", "json.load(open('cfg.json'))").replace("import keras\n", "import json\nimport keras\n")
    if tf_keras:
        source = source.replace("import keras\nfrom keras import layers", "import tf_keras as keras\nfrom tf_keras import layers")
    fa = analyze_text(source, "prog.py", keras_version=keras_version)
    ours = {sm.model.variable: [sm.name, *(r.name for r in sm.layers)] for sm in fa.models}
    assert ours["m"] == ['{cfg.get("model")}', '{cfg.get("input")}', '{cfg.get("dense")}', "d_{cfg.get('dense')}",
                         "dense_?"]
    auto = "model" if tf_keras else "functional"
    assert ours["later"] == [f"{auto}_?", "input_?" if tf_keras else "input_layer_?", "dense_?"]


@pytest.mark.parametrize(("text", "unsure"), [
    ('os.environ["X"]', False), ('f"a{x}"', False), ('prefix + "_conv"', False), ('"u_" + NAME', False),
    ("str(x)", False), ('"{}".format(x)', False), ('"_".join(xs)', False),
    ('cfg.get("n")', True), ("name", True), ("a / b", True), ('x["k"]', True),
])
def test_which_unknown_names_may_be_none(text: str, unsure: bool) -> None:
    from layerlint.engine.unknown_names import UnsureName, given_name

    assert isinstance(given_name(Expr.symbol(text)), UnsureName) is unsure
