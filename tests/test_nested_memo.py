"""Probes keep the models nested in others as they shaped them (engine/shapes.py NestedMemo): a
model or layer changed since must be shaped again, and a kept run must be what shaping gives now.
Numbers checked against Keras 3.15 (model.summary(), get_weights())."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from layerlint.analyze import analyze_text
from layerlint.engine.shapes import NestedMemo

FIXTURES = sorted((Path(__file__).parent.parent / "fixtures" / "models").glob("*.py"))


def rows(src: str) -> list:
    fa = analyze_text(textwrap.dedent(src), "t.py")
    return [(r.name, r.output, r.params) for r in fa.models[-1].layers]


@pytest.fixture
def verified(monkeypatch: pytest.MonkeyPatch) -> type[NestedMemo]:
    monkeypatch.setattr(NestedMemo, "verify", True)
    monkeypatch.setattr(NestedMemo, "stale", [])
    monkeypatch.setattr(NestedMemo, "checked", 0)
    return NestedMemo


def test_every_kept_run_of_the_fixtures_is_what_shaping_gives_then(verified: type[NestedMemo]) -> None:
    for path in FIXTURES:
        analyze_text(path.read_text(encoding="utf-8"), str(path))
    assert verified.stale == []
    assert verified.checked > 0  # some fixtures call a nested model again on the same shapes


def test_a_sequential_changed_after_a_probe_is_shaped_again(verified: type[NestedMemo]) -> None:
    # the first probe keeps the block on (None, 3); add() must not leave that run in use
    assert rows("""
        import keras
        from keras import layers
        block = keras.Sequential([keras.Input((3,)), layers.Dense(4)])
        x = keras.Input((3,))
        n = block(x).shape[-1]
        block.add(layers.Dense(2))
        y = block(x)
        z = layers.Dense(y.shape[-1] * 5 + n)(y)
        model = keras.Model(x, z)
    """) == [("input_layer_1", (None, 3), 0), ("sequential", (None, 2), 26), ("dense_2", (None, 14), 42)]
    assert verified.stale == []


def test_a_custom_layer_followed_again_inside_a_model_is_shaped_again(verified: type[NestedMemo]) -> None:
    # block(x) reaches Double on (None, 3), not the (None, None) it was followed on: its call() is
    # followed again there, and the model's run kept before that must give way
    assert rows("""
        import keras
        from keras import layers
        class Double(layers.Layer):
            def call(self, x):
                return keras.ops.concatenate([x, x], axis=-1)
        inp = keras.Input((None,))
        block = keras.Model(inp, Double()(inp))
        x = keras.Input((3,))
        y = block(x)
        y2 = block(x)
        z = layers.Dense(y2.shape[-1] * 2)(y)
        model = keras.Model(x, z)
    """) == [("input_layer_1", (None, 3), 0), ("functional", (None, 6), 0), ("dense", (None, 12), 84)]
    assert verified.stale == [] and verified.checked > 0


def test_a_layer_reached_twice_on_the_same_new_shapes_is_followed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from layerlint.extract.custom_layers import CustomLayers

    followed: list[tuple] = []
    retrace = CustomLayers.retrace

    def counted(self, ld, shapes):  # type: ignore[no-untyped-def]
        followed.append((ld.cls, shapes))
        return retrace(self, ld, shapes)

    monkeypatch.setattr(CustomLayers, "retrace", counted)
    assert rows("""
        import keras
        from keras import layers
        class Double(layers.Layer):
            def call(self, x):
                return keras.ops.concatenate([x, x], axis=-1)
        inp = keras.Input((None,))
        d = Double()
        block = keras.Model(inp, layers.Add()([d(inp), d(inp)]))
        x = keras.Input((3,))
        model = keras.Model(x, block(x))
    """) == [("input_layer_1", (None, 3), 0), ("functional", (None, 6), 0)]
    assert followed == [("Double", ((None, 3),))]


DEEP = """
import keras
from keras import layers
blocks = [keras.Sequential([keras.Input((4,)), layers.Dense(2)])]
for _ in range(8):
    blocks.append(keras.Sequential([keras.Input((4,)), blocks[-1]]))
x = keras.Input((4,))
near = blocks[1](x).shape[-1]
far = blocks[8](x).shape[-1]
model = keras.Model(x, layers.Dense(3 * far + near)(x))
"""


def test_a_kept_run_is_not_used_where_it_would_reach_the_nesting_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # blocks[1] (a block holding a block) is kept from the first probe, one model deep; eight deep in
    # the second, its inner block is past MAX_NESTING, so the run kept then does not hold there: the
    # far probe is what shaping gives without the memo (verify shapes every hit again and uses that).
    kept = rows(DEEP)
    monkeypatch.setattr(NestedMemo, "verify", True)
    monkeypatch.setattr(NestedMemo, "stale", [])
    assert rows(DEEP) == kept
    assert NestedMemo.stale == []


def test_a_custom_layer_followed_on_other_shapes_is_shaped_once_per_depth(verified: type[NestedMemo]) -> None:
    # Double was followed on (None, None); block(x) reaches it on (None, 3), where its call() is followed
    # again: every run of block shapes that trace, and the second and later use the run kept in the memo
    # (verify shapes it again and compares).  Keras 3.15: functional (None, 6), dense (None, 12), 84 params.
    assert rows("""
        import keras
        from keras import layers
        class Double(layers.Layer):
            def call(self, x):
                return keras.ops.concatenate([x, x], axis=-1)
        inp = keras.Input((None,))
        block = keras.Model(inp, Double()(inp))
        x = keras.Input((3,))
        y = block(x)
        n = block(x).shape[-1]
        z = layers.Dense(y.shape[-1] + n)(y)
        model = keras.Model(x, z)
    """) == [("input_layer_1", (None, 3), 0), ("functional", (None, 6), 0), ("dense", (None, 12), 84)]
    assert verified.stale == [] and verified.checked > 0
