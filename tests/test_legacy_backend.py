"""LL504: Keras 2 backend functions that Keras 3's keras.backend does not have.

Which names each Keras has is generated from the packages (fixtures/regen_keras_backend_names.py) and held
to them here; each Keras 3 spelling the rule writes is run in Keras 3 and compared with tf-keras' value of
the Keras 2 call it replaces (tests/legacy_backend_cases.py), and built on Keras 3's symbolic tensors."""

from __future__ import annotations

import os
import re
import textwrap
import warnings

import numpy as np
import pytest
from layerlint.analyze import analyze_text
from layerlint.engine.legacy_backend import NO_EQUIVALENT, SPELLINGS, keras3_has, spelling, tf_keras_has
from layerlint.runner.check import CheckSettings, check_analysis

from tests.legacy_backend_cases import CASES

WRITE = re.compile(r"in Keras 3 write `(.*)`$")


def _package(name: str):
    return __import__(name) if os.environ.get("CI") else pytest.importorskip(name)


def _findings(source: str, version: int = 3) -> list:
    fa = analyze_text(textwrap.dedent(source), "k.py", keras_version=version)
    return check_analysis(fa, CheckSettings(select=["LL504"]))


def test_the_names_are_the_installed_packages() -> None:
    _package("keras")
    _package("tf_keras")
    from fixtures import regen_keras_backend_names as regen

    assert regen.TABLE.read_text(encoding="utf-8") == regen.render()


@pytest.mark.parametrize("name", sorted(SPELLINGS) + sorted(NO_EQUIVALENT))
def test_keras3_has_no_such_name(name: str) -> None:
    keras = _package("keras")
    assert not keras3_has(name)
    with pytest.raises(AttributeError):
        getattr(keras.backend, name)
    if name in SPELLINGS:
        assert tf_keras_has(name)
        assert hasattr(_package("tf_keras").backend, name)


@pytest.mark.parametrize("name", sorted(SPELLINGS))
def test_the_signature_is_tf_keras(name: str) -> None:
    """The parameters the user's arguments are bound to are tf-keras' own, in order, with its defaults."""
    import inspect

    theirs = list(inspect.signature(getattr(_package("tf_keras").backend, name)).parameters.values())
    ours = SPELLINGS[name].params()
    assert [p.name for p in theirs[:len(ours)]] == [n for n, _ in ours]
    for p, (_, default) in zip(theirs, ours):
        if default is not None and p.default is not None and "keras" not in default:
            assert p.default == eval(default), p.name  # our own table's literal
        assert (default is None) == (p.default is inspect.Parameter.empty) or p.default is None, p.name


def test_every_spelling_has_a_case() -> None:
    covered = {re.match(r"K\.(\w+)", expr).group(1) for expr, _inputs, _how in CASES}
    assert set(SPELLINGS) - covered == set()


def _data(spec: tuple, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if spec[0] == "int":
        return rng.integers(0, spec[2], size=spec[1]).astype("int32")
    return (0.1 + 0.9 * rng.random(spec[1])).astype("float32")


def _inputs(inputs: dict, make_tensor, make_variable) -> dict:
    out = {}
    for i, (name, spec) in enumerate(inputs.items()):
        data = _data(spec, i)
        out[name] = make_variable(data) if spec[0] == "variable" else make_tensor(data)
    return out


def _spelled(expr: str) -> str:
    (finding,) = _findings(f"from keras import backend as K\ny = {expr}\n")
    assert finding.line == 2
    m = WRITE.search(finding.message)
    assert m, finding.message
    return m.group(1)


def _value(v) -> object:
    if isinstance(v, tuple) or type(v).__name__ == "TensorShape":
        return tuple(v)
    if isinstance(v, (int, str)):
        return v
    return np.asarray(v)


@pytest.mark.parametrize(("expr", "inputs", "how"), CASES, ids=[c[0] for c in CASES])
def test_the_spelling_does_in_keras3_what_the_call_did_in_keras2(expr: str, inputs: dict, how: str) -> None:
    keras, tf_keras = _package("keras"), _package("tf_keras")
    import tensorflow as tf

    modern = _spelled(expr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        old_ns = _inputs(inputs, tf.constant, tf_keras.backend.variable)
        old = eval(expr, {"K": tf_keras.backend, **old_ns})  # our own case expression
        new_ns = _inputs(inputs, keras.ops.convert_to_tensor, keras.Variable)
        new = eval(modern, {"keras": keras, **new_ns})  # the spelling our message writes
    if how.startswith("variable"):
        var = how.split()[1]
        old, new = old_ns[var], new_ns[var]
    old, new = _value(old), _value(new)
    if isinstance(new, tuple) and isinstance(old, np.ndarray):  # K.shape's tensor, keras.ops.shape's tuple
        old = tuple(old.tolist())
    if how == "int64 as int32":
        assert old.dtype == "int64" and new.dtype == "int32"
        old = old.astype("int32")
    if how == "shape":
        assert old.shape == new.shape
    elif isinstance(old, np.ndarray):
        assert old.shape == new.shape and old.dtype == new.dtype, (modern, old.dtype, new.dtype)
        np.testing.assert_allclose(new, old, rtol=1e-5, atol=1e-6)
    else:
        assert new == old, modern


# Tensor functions only: a variable made from a symbolic tensor means nothing.
SYMBOLIC = [c for c in CASES if c[2] != "shape" and c[1] and not c[0].startswith(("K.variable", "K.eval", "K.get_value",
                                                                                     "K.set_value"))]


@pytest.mark.parametrize(("expr", "inputs", "how"), SYMBOLIC, ids=[c[0] for c in SYMBOLIC])
def test_the_spelling_builds_on_keras3_tensors(expr: str, inputs: dict, how: str) -> None:
    keras = _package("keras")
    modern = _spelled(expr)
    symbols = {n: keras.KerasTensor(s[1], dtype="int32" if s[0] == "int" else "float32") for n, s in inputs.items()}
    data = {n: keras.ops.convert_to_tensor(_data(s, i)) for i, (n, s) in enumerate(inputs.items())}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        built = eval(modern, {"keras": keras, **symbols})
        value = eval(modern, {"keras": keras, **data})
    if isinstance(built, keras.KerasTensor):
        assert tuple(built.shape) == tuple(value.shape)
    else:
        assert _value(built) == _value(value)


def test_import_and_references_without_a_call() -> None:
    (imp, ref) = _findings("""
        from keras.backend import int_shape, epsilon
        from keras import backend
        f = backend.sum
        y = epsilon()
        """)
    assert (imp.line, ref.line) == (2, 4)
    assert "`from keras.backend import int_shape`" in imp.message and "(ImportError)" in imp.message
    assert imp.message.endswith("write `x.shape`")
    assert ref.message.endswith("write `keras.ops.sum(x)`")


def test_other_origins_and_keras2_mode_are_silent() -> None:
    source = """
        import tensorflow as tf
        import tf_keras
        from tensorflow.keras import backend as K
        from tensorflow import keras
        import keras as k3
        x = tf.keras.Input((4,))
        a = K.int_shape(x)
        b = tf.keras.backend.sum(x)
        c = keras.backend.concatenate([x, x])
        d = tf_keras.backend.int_shape(x)
        e = k3.backend.image_data_format(), k3.backend.epsilon(), k3.backend.floatx()
        """
    assert _findings(source) == []
    assert _findings("from keras import backend as K\ny = K.int_shape(x)\n", version=2) == []


def test_a_backend_bound_under_an_undecided_condition_is_not_reported() -> None:
    # Which backend K is depends on the condition; a line in one branch is still that branch's.
    (imp,) = _findings("""
        from mypkg import TF
        if TF:
            from tensorflow.keras import backend as K
        else:
            from keras import backend as K
            from keras.backend import int_shape
        y = K.int_shape(x)
        """)
    assert imp.line == 7


def test_names_without_a_spelling() -> None:
    (a, b, c, d) = _findings("""
        import keras
        p = keras.backend.learning_phase()
        s = keras.backend.get_session()
        z = keras.backend.batch_dot(x, y, axes=1)
        w = keras.backend.image_dim_ordering()
        """)
    assert a.message.endswith("pass `training=` to the layer or model call")
    assert b.message.endswith("Keras 3 has no sessions")
    assert c.message.endswith("look for it in `keras.ops`")
    assert d.message.endswith("has no `image_dim_ordering` (AttributeError), nor has tf-keras 2's")



def test_a_call_whose_arguments_do_not_bind_gets_the_parameter_names() -> None:
    assert spelling("concatenate", ("a",), {"bogus": "1"}) == "keras.ops.concatenate(tensors, axis=-1)"
    assert spelling("sum", ("a",), {}) == "keras.ops.sum(a)"
    assert spelling("nothing", (), {}) is None
    assert spelling("int_shape", ("a + b",), {}) == "(a + b).shape"
    assert spelling("hard_sigmoid", ("x",), {}) == "keras.ops.clip(0.2 * x + 0.5, 0.0, 1.0)"


# With keras-version = 3 the call is followed as its Keras 3 spelling builds it: the rows must be the rows
# Keras 3 makes for the code with the spelling in its place (or unknown, never other numbers).
MODEL_CASES = [c for c in SYMBOLIC if set(c[1]) == {"x"} and c[1]["x"][0] == "tensor"]


@pytest.mark.parametrize(("expr", "inputs", "how"), MODEL_CASES, ids=[c[0] for c in MODEL_CASES])
def test_keras3_mode_follows_the_spelling(expr: str, inputs: dict, how: str) -> None:
    keras = _package("keras")
    shape = inputs["x"][1][1:]
    head = f"import keras\nfrom keras import backend as K\nx = keras.Input({shape!r})\n"
    (sm,) = analyze_text(f"{head}y = {expr}\nmodel = keras.Model(x, y)\n", "k.py", keras_version=3).models
    keras.backend.clear_session()
    ns: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exec(f"{head}y = {_spelled(expr)}\nmodel = keras.Model(x, y)\n", ns)  # our own case, spelled
        except Exception:  # Keras 3 builds no model of it (a shape tuple, not a tensor)
            assert not sm.complete or len(sm.layers) == 1
            return
    theirs = [(op.name, tuple(op.output.shape)) for op in ns["model"].operations]
    ours = [(r.name, tuple(r.output)) for r in sm.layers if isinstance(r.output, tuple)]
    if sm.complete:
        assert ours == theirs
    else:
        assert [r for r in ours if r not in theirs] == []


# Keras 3 calls a loss or metric given to compile() when fit() or evaluate() first traces the training step
# (AttributeError there: checked by running such a script in Keras 3), so its backend names are reported.
def test_an_uncalled_loss_or_metric_given_to_compile_is_read() -> None:
    found = _findings("""
        import keras
        from keras import backend as K

        def dice_loss(y_true, y_pred):
            inter = K.sum(y_true * y_pred)
            return 1 - 2 * inter / (K.sum(y_true) + K.sum(y_pred) + K.epsilon())

        def iou(y_true, y_pred):
            return K.mean(K.round(y_pred) * y_true)

        def unused(t):
            return K.max(t)

        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss=dice_loss, metrics=["accuracy", iou])
        """)
    assert [(f.line, f.message.split(":")[0]) for f in found] == [
        (6, "`K.sum(y_true * y_pred)`"), (7, "`K.sum(y_true)`"), (7, "`K.sum(y_pred)`"),
        (10, "`K.mean(K.round(y_pred) * y_true)`"), (10, "`K.round(y_pred)`")]
    assert found[0].message.endswith("write `keras.ops.sum(y_true * y_pred)`")


def test_a_loss_with_keras3_names_and_keras2_mode_are_silent() -> None:
    source = """
        import keras
        from keras import backend as K
        from keras import ops

        def loss(y_true, y_pred):
            return ops.mean(ops.square(y_true - y_pred)) + K.epsilon()

        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss=loss)
        """
    assert _findings(source) == []
    assert _findings(source.replace("ops.mean", "K.mean"), version=2) == []


def test_a_helper_modules_backend_names_are_reported_via_the_importing_line(tmp_path, monkeypatch) -> None:
    from layerlint.extract.modules import clear_registry
    from layerlint.runner.config import SettingsResolver
    from layerlint.runner.pipeline import check_paths

    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (tmp_path / "losses.py").write_text(textwrap.dedent("""
        from keras import backend as K
        from keras.backend import int_shape

        def dice(y_true, y_pred):
            return 1 - 2 * K.sum(y_true * y_pred) / (K.sum(y_true + y_pred) + 1.0)
        """).lstrip())
    (tmp_path / "train.py").write_text(textwrap.dedent("""
        import keras
        from losses import dice

        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss=dice)
        """).lstrip())
    monkeypatch.chdir(tmp_path)
    clear_registry()
    run = check_paths(["train.py"], SettingsResolver(), show_progress=False)
    found = [(d.line, d.message) for d in run.diagnostics if d.code == "LL504"]
    assert [line for line, _ in found] == [2, 5, 5]
    assert found[0][1].endswith("(ImportError); in Keras 3 write `x.shape` (in losses.py:2, via train.py:2)")
    assert found[1][1].endswith("(in losses.py:5, via train.py:5)")


# The other ways a loss reaches Keras 3 without the file calling it: a keras.losses.Loss subclass (its call()),
# a functools.partial of a function, the custom objects of load_model (which the loaded model's fit() and
# evaluate() call), and compile() on a model layerlint cannot build (here, loaded from a file).  test_keras3_raises_for_each_way runs each in Keras 3.
LOSS_WAYS = """
    import functools
    import keras
    from keras import backend as K

    class DiceLoss(keras.losses.Loss):
        def __init__(self, smooth=1.0, **kwargs):
            super().__init__(**kwargs)
            self.smooth = smooth

        def call(self, y_true, y_pred):
            return 1 - (2 * K.sum(y_true * y_pred) + self.smooth) / (keras.ops.sum(y_true + y_pred) + self.smooth)

    class FocalLoss(DiceLoss):
        def call(self, y_true, y_pred):
            return K.mean(keras.ops.square(y_true - y_pred))

    def weighted_mse(y_true, y_pred, weight):
        return K.mean(weight * keras.ops.square(y_true - y_pred))

    def dice(y_true, y_pred):
        return 1 - 2 * K.sum(y_true * y_pred) / (keras.ops.sum(y_true + y_pred) + 1)

    def iou_loss(y_true, y_pred):
        return 1 - K.mean(y_true * y_pred)

    def make():
        return keras.Sequential([keras.Input((8,)), keras.layers.Dense(1, activation="sigmoid")])

    a = make()
    a.compile(optimizer="adam", loss=DiceLoss(), metrics=[FocalLoss()])
    b = make()
    b.compile(optimizer="adam", loss=functools.partial(weighted_mse, weight=2.0))
    c = keras.models.load_model(PATH, custom_objects={"dice": dice})
    d = keras.models.load_model(PATH, compile=False)
    d.compile(optimizer="adam", loss=iou_loss)
    """


def test_loss_subclasses_partials_and_custom_objects_are_read() -> None:
    found = _findings(LOSS_WAYS.replace("PATH", "'m.keras'"))
    assert [(f.line, f.message.split(":")[0]) for f in found] == [
        (12, "`K.sum(y_true * y_pred)`"), (16, "`K.mean(keras.ops.square(y_true - y_pred))`"),
        (19, "`K.mean(weight * keras.ops.square(y_true - y_pred))`"), (22, "`K.sum(y_true * y_pred)`"),
        (25, "`K.mean(y_true * y_pred)`")]


def test_a_loss_class_that_is_not_a_keras_loss_is_not_traced() -> None:
    # Keras calls a plain object's __call__, not its call(): nothing here runs the K.sum
    assert _findings("""
        import keras
        from keras import backend as K

        class Plain:
            def call(self, y_true, y_pred):
                return K.sum(y_true)

            def __call__(self, y_true, y_pred):
                return keras.ops.mean(y_pred)

        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss=Plain())
        """) == []


def test_keras3_raises_for_each_way(tmp_path) -> None:
    keras = _package("keras")
    saved = tmp_path / "m.keras"
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1, activation="sigmoid")])

    def dice(y_true, y_pred):
        return keras.ops.mean(y_pred)

    model.compile(optimizer="adam", loss=dice)
    model.save(saved)  # a model whose saved loss load_model looks up by its name: LOSS_WAYS' `dice`
    source = textwrap.dedent(LOSS_WAYS).replace("PATH", repr(str(saved)))
    namespace: dict = {}
    exec(compile(source, "ways.py", "exec"), namespace)  # our own test source
    x, y = np.zeros((4, 8), "float32"), np.ones((4, 1), "float32")
    for name in ("a", "b", "c", "d"):
        with warnings.catch_warnings(), pytest.raises(AttributeError, match="keras.backend' has no attribute"):
            warnings.simplefilter("ignore")
            namespace[name].evaluate(x, y, verbose=0)
