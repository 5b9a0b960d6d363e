"""NumPy arrays made from numbers between layers (np.eye, np.arange, np.random.choice,
integer-array indexing): the shapes we give them are NumPy's own, checked here by
running NumPy on the same arguments; where NumPy raises we give no shape."""

from __future__ import annotations

import textwrap

import pytest
from layerlint.analyze import analyze_text
from layerlint.engine.symbolic import Expr
from layerlint.extract.numpy_shapes import arange_shape, choice_shape, eye_shape, take_rows_shape

np = pytest.importorskip("numpy")


def _numpy_shape(make) -> tuple | None:
    try:
        return tuple(make().shape)
    except (ValueError, ZeroDivisionError):
        return None


@pytest.mark.parametrize("n, m", [(4, None), (3, 5), (0, None), (1, 0)])
def test_eye_shapes_are_numpys(n, m) -> None:
    assert eye_shape(n, m) == _numpy_shape(lambda: np.eye(n, m))


@pytest.mark.parametrize("args", [[5], [2, 9], [2, 9, 3], [9, 2], [9, 2, -2], [0], [-3], [1, 10, 4], [3, 3, 1], [1, 2, 0]])
def test_arange_shapes_are_numpys(args) -> None:
    assert arange_shape(args) == _numpy_shape(lambda: np.arange(*args))


@pytest.mark.parametrize("pool, size, replace", [(12, 6, False), (12, 12, False), (12, 13, False), (5, 9, True),
                                                 (10, (2, 3), False), (10, (4, 3), False), (7, 0, False)])
def test_choice_shapes_are_numpys(pool, size, replace) -> None:
    assert choice_shape(pool, size, replace) == _numpy_shape(lambda: np.random.choice(pool, size, replace=replace))


@pytest.mark.parametrize("shape, index", [((12, 12), (6,)), ((5, 3, 2), (2, 2)), ((4,), (3,))])
def test_integer_array_indexing_is_numpys(shape, index) -> None:
    a = np.zeros(shape)
    idx = np.zeros(index, dtype="int64")
    assert take_rows_shape(shape, index) == a[idx].shape


def test_symbolic_sizes_stay_symbolic_or_unknown() -> None:
    n = Expr.symbol("n")
    assert eye_shape(n, None) == (n, n)
    assert choice_shape(n, 3, False) is None  # NumPy would refuse 3 of fewer than 3: not known


def _model(src: str):
    fa = analyze_text(textwrap.dedent(src).lstrip("\n"), "t.py")
    return fa, fa.models[-1]


def test_shape_dim_keras_leaves_none_is_tested_as_none() -> None:
    # Input(shape=()) has shape (None,): Keras' `x.shape[-1] is None` is True, so it expands
    _, sm = _model("""
        import keras
        from keras import layers

        inp = keras.Input(shape=(), name="age")
        x = inp
        if inp.shape[-1] is None:
            x = keras.ops.expand_dims(x, -1)
        model = keras.Model(inp, layers.Dense(2)(x))
    """)
    assert [r.cls for r in sm.layers] == ["InputLayer", "ExpandDims", "Dense"]
    assert sm.layers[-1].output == (None, 2) and sm.total_params == 4


def test_an_object_given_to_an_op_is_named_by_the_users_text() -> None:
    fa, sm = _model("""
        import keras
        from keras import layers, ops

        inp = keras.Input((4,))
        model = keras.Model(inp, ops.matmul(inp, keras.initializers.Ones()))
    """)
    (op,) = [r for r in sm.layers if r.cls == "Matmul"]
    assert "keras.initializers.Ones()" in op.reason and "<" not in op.reason


def test_math_functions_of_numbers_are_pythons() -> None:
    import math

    _, sm = _model("""
        import math
        import keras
        from keras import layers

        width = int(math.log(256, 2)) + int(math.exp(1.0)) + int(math.log10(1000)) + int(math.log(1.0))
        inp = keras.Input((4,))
        model = keras.Model(inp, layers.Dense(width)(inp))
    """)
    assert sm.layers[-1].output == (None, int(math.log(256, 2)) + 2 + 3 + 0)


@pytest.mark.parametrize("value", [1, 2, 4, 16, 128, 1000, 1024, 3, 100, 10**6, 0.5, 2**40])
def test_numpy_logs_of_numbers_are_numpys(value) -> None:
    # stylegan: `start_res_log2 = int(np.log2(start_res))` sizes the resolutions it loops over
    np = pytest.importorskip("numpy")
    _, sm = _model(f"""
        import numpy as np
        import keras
        from keras import layers

        inp = keras.Input((4,))
        model = keras.Model(inp, layers.Dense(int(np.log2({value!r})) + int(np.log10({value!r})) + 64)(inp))
    """)
    assert sm.layers[-1].output == (None, int(np.log2(value)) + int(np.log10(value)) + 64)


@pytest.mark.parametrize("value", [0, -4])
def test_numpy_logs_numpy_gives_no_number_for_stay_symbolic(value) -> None:
    # numpy warns and gives -inf or nan there, which int() refuses: no number is claimed
    _, sm = _model(f"""
        import numpy as np
        import keras
        from keras import layers

        inp = keras.Input((4,))
        model = keras.Model(inp, layers.Dense(int(np.log2({value})))(inp))
    """)
    units = sm.layers[-1].output[-1]
    assert isinstance(units, Expr) and str(units) == f"int(np.log2({value}))"
