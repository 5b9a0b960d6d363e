"""``Sequential(xs)`` where what ``xs`` holds cannot be followed: one opaque row, never an empty model.

Hands-On Machine Learning (2nd edition, chapter 11) rebuilds a loaded model for MC dropout:
``Sequential([MCAlphaDropout(l.rate) if isinstance(l, AlphaDropout) else l for l in model.layers])``
with ``model = keras.models.load_model(path)``.  Its layers are only known once the file is
loaded; before, layerlint showed a model of 0 layers and 0 params, complete to the eye, and a
note naming the list ``a value``.
"""

from __future__ import annotations

import textwrap

from layerlint.analyze import analyze_text
from layerlint.report.summary import render_file

LOADED = textwrap.dedent("""\
    import keras

    model = keras.models.load_model("my_model.keras")
    mc_model = keras.Sequential([
        keras.layers.Dropout(layer.rate) if isinstance(layer, keras.layers.AlphaDropout) else layer
        for layer in model.layers
    ])
    copy = keras.Sequential(model.layers)
    head = keras.Sequential(layers=model.layers[:-1])
    head.add(keras.layers.Dense(3))
""")


def test_layers_that_cannot_be_followed_are_one_opaque_row() -> None:
    fa = analyze_text(LOADED, "mc.py")
    by_line = {sm.model.span.line: sm for sm in fa.models}
    assert sorted(by_line) == [4, 8, 9]
    for line, text in [(4, "[ keras.layers.Dropout(layer.rate) if isinstance(layer, k..."),
                       (8, "model.layers"), (9, "model.layers[:-1]")]:
        sm = by_line[line]
        first = sm.layers[0]
        assert first.status == "opaque"
        assert first.reason == f"layers `{text}` cannot be followed"
        assert not sm.complete
        assert first.span.line == line
    assert [r.name for r in by_line[4].layers] == ["layers"]
    assert [r.name for r in by_line[8].layers] == ["layers_1"]
    # what add() gives after the unknown layers follows them; its input, and so its weights, are unknown
    head = by_line[9]
    assert [(r.cls, r.status) for r in head.layers] == [("model.layers[:-1]", "opaque"), ("Dense", "unknown")]


def test_the_summary_says_why_and_names_the_users_expression() -> None:
    fa = analyze_text(LOADED, "mc.py")
    text = render_file(fa)
    assert "a value" not in text
    assert "not analysed: layers `model.layers` cannot be followed" in text
    # nothing in these models could be counted: no total of 0 (8d248d1)
    assert text.count("Totals unknown: the layers that could be analysed hold no weights.") == 3
    assert text.count("Total params: ?") == 3


def test_a_written_out_list_is_followed_as_before() -> None:
    fa = analyze_text("import keras\nm = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])\n", "m.py")
    (sm,) = fa.models
    assert [(r.cls, r.status) for r in sm.layers] == [("Dense", "ok")]
    assert sm.total_params == 10 and sm.complete  # 4*2 + 2
