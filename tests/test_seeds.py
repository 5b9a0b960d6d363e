"""The numbers our users quoted (shared/seeds), reproduced by the static engine.

Each expected value below is Keras' own output as printed in the seed threads
(or hand-computed from the formula for the models nobody can build).
"""

from __future__ import annotations

from pathlib import Path

from layerlint.engine.symbolic import Expr
from layerlint.runner.pipeline import analyze_path

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"


def models(name: str) -> list:
    fa = analyze_path(str(SEEDS / name))
    assert not fa.problems
    return sorted(fa.models, key=lambda m: m.model.span.line)


def params(m) -> list:
    return [r.params for r in m.layers]


def shapes(m) -> list:
    return [r.output for r in m.layers]


def test_seed000_dense_before_and_after_flatten() -> None:
    before, after = models("seed000_dense_before_flatten.py")
    assert params(before) == [1980, 48080, 40100, 0, 30300, 0, 9601]
    assert before.total_params == 130_061
    assert shapes(before)[4] == (None, 32, 300)
    assert shapes(before)[5] == (None, 9600)
    assert after.total_params == 1_050_761
    assert params(after)[5] == 960_300


def test_seed001_conv_lengths_and_pooling_strides() -> None:
    (m,) = models("seed001_conv1d_pooling.py")
    assert shapes(m) == [(None, 21, 7), (None, 6, 10), (None, 2, 10)]
    assert params(m) == [287, 1130, 0]
    notes = " ".join(m.layers[2].notes)
    assert "strides default to pool_size" in notes and "= 2" in notes


def test_seed002_reshaped_features() -> None:
    plain, flat, unflat, real = models("seed002_reshaped_features.py")
    assert plain.total_params == 150_801
    assert flat.total_params == 9_031_101
    assert unflat.total_params == 121_101
    assert shapes(unflat)[-1] == (None, 100, 1)
    assert shapes(real)[0] == (None, 20020, 300) and params(real)[0] == 600
    assert shapes(real)[1] == (None, 6_006_000)
    assert params(real)[2] == 1_801_800_300  # 300 * (6,006,000 + 1)


def test_seed003_small_and_huge_heads() -> None:
    ms = models("seed003_dense_after_flatten.py")
    symbolic, small, huge = ms
    assert small.total_params == 420_388
    assert [r.output for r in small.layers if r.cls == "Flatten"] == [(None, 86400)]
    dense = next(r for r in huge.layers if r.cls == "Dense")
    assert dense.params == 14_930_092_800  # 86,400 * 172,800 + 172,800
    assert dense.weights[0].shape == (86400, 172800)
    # createModel(): input_shape and nClasses are free names, so results are symbols.
    last = symbolic.layers[-1]
    assert last.output == (None, Expr.symbol("nClasses"))
    assert str(last.params) == "513*nClasses"
    assert isinstance(symbolic.total_params, Expr)


def test_seed004_weight_shapes() -> None:
    (m,) = models("seed004_mnist_weights.py")
    assert m.total_params == 1_199_882
    weights = [w.shape for r in m.layers for w in r.weights]
    assert weights == [(3, 3, 1, 32), (32,), (3, 3, 32, 64), (64,), (9216, 128), (128,), (128, 10), (10,)]


def test_seed003_symbolic_model_agrees_with_keras_once_bound(keras) -> None:
    """Substituting values into the symbolic createModel() gives what Keras builds."""
    import runpy

    (symbolic, *_rest) = models("seed003_dense_after_flatten.py")
    ns = runpy.run_path(str(SEEDS / "seed003_dense_after_flatten.py"), run_name="__fixture__")
    fn = ns["createModel"]
    for h, w, c, n in [(64, 64, 3, 10), (100, 75, 1, 2)]:
        fn.__globals__.update(input_shape=(h, w, c), nClasses=n)
        km = fn()
        values = {"input_shape[0]": h, "input_shape[1]": w, "input_shape[2]": c, "nClasses": n}
        for row, layer in zip(symbolic.layers, km.layers):
            ours = tuple(d.subs(values) if isinstance(d, Expr) else d for d in row.output)
            assert ours == tuple(layer.output.shape), row.name
            p = row.params
            assert (p.subs(values) if isinstance(p, Expr) else p) == layer.count_params(), row.name
