"""``--confirm``: rebuilding extracted models in the installed Keras and comparing.

These need TensorFlow; they are skipped without it except on CI, where a
missing Keras fails the run.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import textwrap

import pytest
from layerlint.analyze import analyze_text
from layerlint.cli.main import main
from layerlint.confirm.compare import confirm_file, confirm_models, parse_assume
from layerlint.engine.layers.base import Weight
from layerlint.runner.pipeline import analyze_path

from fixtures.regen import ROOT, fixture_files

# Fixtures where layerlint and the installed Keras are known to differ (none at present).
KNOWN_DISAGREEMENTS: set[str] = set()


def _models(source: str):
    return analyze_text(textwrap.dedent(source), "model.py").models


def _rel(path) -> str:
    return path.relative_to(ROOT).as_posix()


# -- --assume ------------------------------------------------------------------------


def test_parse_assume_values() -> None:
    assert parse_assume(["nClasses=10", "input_shape=(256, 256, 3)", "dims=[4, 5]"]) == {
        "nClasses": 10, "input_shape": (256, 256, 3), "dims": (4, 5)}
    assert parse_assume(None) == {}


@pytest.mark.parametrize("item", ["nClasses", "=3", "n=relu", "n=True", "n=(1,"])
def test_parse_assume_rejects(item: str) -> None:
    with pytest.raises(ValueError):
        parse_assume([item])


# -- every fixture ---------------------------------------------------------------------


def test_every_fixture_agrees_with_keras(keras, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    verdicts: dict[str, int] = {}
    problems = []
    for path in fixture_files():
        fa = analyze_path(_rel(path))
        for result in confirm_models(fa.models):
            verdicts[result.status] = verdicts.get(result.status, 0) + 1
            if result.status == "disagrees" and path.name not in KNOWN_DISAGREEMENTS:
                problems.append(f"{path.name}:{result.shaped.model.span.line}: {result.render()}")
            if result.status == "not-confirmed":
                problems.append(f"{path.name}:{result.shaped.model.span.line}: {result.render()}")
    assert not problems, "\n".join(problems)
    assert verdicts.get("confirmed", 0) >= 60, verdicts


def test_a_layer_keras_refuses_is_reported_there(keras) -> None:
    """Pretend layerlint accepted a Conv1D whose kernel is longer than its input."""
    (sm,) = _models("""
        import keras
        model = keras.Sequential([keras.Input((5, 3)), keras.layers.Conv1D(4, 7), keras.layers.Flatten()])
    """)
    row = sm.layers[0]
    row.status, row.error, row.output = "ok", None, (None, 1, 4)
    for call in sm.calls:
        call.error = None
    (result,) = confirm_models([sm])
    assert result.status == "disagrees"
    diff = result.differences[0]
    assert (diff.what, diff.layer, diff.span.line) == ("rejected", "conv1d", 3)
    assert diff.ours == "(None, 1, 4)" and "ValueError" in diff.keras


def test_a_wrong_engine_number_is_caught(keras) -> None:
    """Tamper with layerlint's result: the rebuild must notice, with both values."""
    (sm,) = _models("""
        import keras
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4), keras.layers.Dense(2)])
    """)
    sm.layers[1].weights = [Weight("kernel", (4, 3)), Weight("bias", (3,))]
    sm.layers[0].output = (None, 5)
    (result,) = confirm_models([sm])
    assert result.status == "disagrees"
    found = {(d.layer, d.what): (d.ours, d.keras) for d in result.differences}
    assert found[("dense", "output shape")] == ("(None, 5)", "(None, 4)")
    assert found[("dense_1", "weights")] == ("(4, 3), (3,)", "(4, 2), (2,)")
    assert found[("dense_1", "params")][1] == "10 (0 non-trainable)"


def test_both_rejecting_the_same_layer_is_agreement(keras) -> None:
    (sm,) = _models("""
        import keras
        model = keras.Sequential([keras.Input((5, 3)), keras.layers.Conv1D(4, 7), keras.layers.Flatten()])
    """)
    assert sm.layers[0].status == "error"
    (result,) = confirm_models([sm])
    assert result.status == "confirmed", result.render()


def test_functional_graph_with_shared_layer_and_layer_args(keras) -> None:
    (sm,) = _models("""
        import keras
        from keras import layers
        a = keras.Input((6, 4))
        b = keras.Input((9, 4))
        shared = layers.Bidirectional(layers.LSTM(3, return_sequences=True), merge_mode="sum")
        x = layers.Concatenate(axis=1)([shared(a), shared(b)])
        y = layers.RNN([layers.GRUCell(2), layers.LSTMCell(5)])(x)
        model = keras.Model([a, b], layers.Dense(1, activation=keras.activations.sigmoid)(y))
    """)
    (result,) = confirm_models([sm])
    assert result.status == "confirmed", result.render()
    assert result.layers_compared == len(sm.layers)


def test_symbols_need_assume(keras) -> None:
    fa = analyze_path(_rel(ROOT / "fixtures/seeds/seed003_dense_after_flatten.py"))
    symbolic = fa.models[0]
    (plain,) = confirm_models([symbolic])
    assert plain.status == "not-confirmable"
    assert "`nClasses`" in plain.reason and "--assume" in plain.reason
    (bound,) = confirm_models([symbolic], parse_assume(["nClasses=10", "input_shape=(64, 48, 3)"]))
    assert bound.status == "confirmed", bound.render()
    assert bound.shaped.layers[-1].output == (None, 10)
    assert bound.shaped.layers[0].output == (None, 64, 48, 32)


def test_opaque_layers_are_not_confirmable(keras) -> None:
    (sm,) = _models("""
        import keras
        import featlib
        model = keras.Sequential([keras.Input((4,)), keras.layers.Lambda(featlib.f), keras.layers.Dense(1)])
    """)
    (result,) = confirm_models([sm])
    assert result.status == "not-confirmable"
    assert "`lambda` (Lambda) at line 4 is not analysed" in result.reason


def test_a_followed_lambda_is_not_rebuilt(keras) -> None:
    # Its function is the file's code, which --confirm never runs.
    (sm,) = _models("""
        import keras
        model = keras.Sequential([keras.Input((4,)), keras.layers.Lambda(lambda t: t * 2), keras.layers.Dense(1)])
    """)
    (result,) = confirm_models([sm])
    assert (result.status, result.reason) == (
        "not-confirmable", "`lambda` (Lambda) at line 3 runs a function of the file: it is not rebuilt")


def test_a_notebook_is_confirmed_with_lines_named_by_cell(keras, tmp_path) -> None:
    # Cell 2 (after a markdown cell) line 2 holds the Lambda; JSON places the model by cell too.
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# n"]},
             {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
              "source": ["import keras, featlib\n", "model = keras.Sequential([keras.Input((4,)), keras.layers.Lambda(featlib.f)])"]}]
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    fa = analyze_path(str(path))
    (result,) = confirm_file(fa)
    assert result.status == "not-confirmable"
    assert "`lambda` (Lambda) at cell 2, line 2 is not analysed" in result.reason
    assert result.to_json(fa.notebook)["status"] == "not-confirmable"


def test_a_model_made_from_a_loaded_one_is_not_confirmable(keras) -> None:
    # keras-io's lstm_seq2seq rebuilds its encoder from load_model(); the rebuild had no inputs
    # and Keras' refusal was reported as a disagreement.
    (sm,) = _models("""
        import keras
        model = keras.models.load_model("s2s_model.keras")
        encoder_model = keras.Model(model.input[0], model.layers[2].output)
    """)
    (result,) = confirm_models([sm])
    assert result.status == "not-confirmable"
    assert "`load_model` (keras.models.load_model) at line 3 is not analysed" in result.reason


def test_a_model_with_a_traced_custom_layer_is_not_confirmable(keras) -> None:
    # The rebuild never runs the user's code, and a custom layer is user code.
    (sm,) = _models("""
        import keras
        from keras import layers
        class Twice(layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.dense = layers.Dense(4)
            def call(self, x):
                return self.dense(x) * 2
        model = keras.Sequential([keras.Input((3,)), Twice()])
    """)
    assert [(r.cls, r.output, r.params) for r in sm.layers] == [("Twice", (None, 4), 16)]
    (result,) = confirm_models([sm])
    assert result.status == "not-confirmable" and "is a custom layer: its code is not rebuilt" in result.reason


def test_oversized_models_are_confirmed_without_allocating(keras) -> None:
    """seed003's huge_head (a 14,930,092,800-weight kernel) and seed002's build_real
    (1,801,800,000 weights in one kernel) would need 60 GB and 7 GB as float32."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    results = []
    for name, line in (("seed003_dense_after_flatten.py", 60), ("seed002_reshaped_features.py", 34)):
        fa = analyze_path(_rel(ROOT / "fixtures/seeds" / name))
        (sm,) = [m for m in fa.models if m.model.span.line == line]
        results += confirm_models([sm])
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert [r.status for r in results] == ["confirmed", "confirmed"], [r.render() for r in results]
    assert not any(r.allocated for r in results)
    assert results[0].shaped.total_params == 14_930_858_788
    assert grown_mb < 1024, f"peak memory grew by {grown_mb:.0f} MB"


def test_small_limit_takes_the_no_allocation_path(keras) -> None:
    (sm,) = _models("""
        import keras
        model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Conv2D(8, 3), keras.layers.BatchNormalization()])
    """)
    (result,) = confirm_models([sm], max_layer_weights=100)
    assert result.status == "confirmed" and not result.allocated
    (again,) = confirm_models([sm])  # Keras' pending-variable list was left clean
    assert again.status == "confirmed" and again.allocated


# -- command line ------------------------------------------------------------------------


def test_summary_confirm_marks_each_model(keras, capsys: pytest.CaptureFixture) -> None:
    path = _rel(ROOT / "fixtures/seeds/seed003_dense_after_flatten.py")
    code = main(["summary", "--confirm", "--assume", "nClasses=4", "--assume", "input_shape=(32, 32, 3)",
                 str(ROOT / path)])
    out = capsys.readouterr().out
    assert code == 0
    assert out.count("confirmed by Keras 3.") == 3
    assert "without allocating weights" in out


@pytest.fixture
def wrong_dense(monkeypatch: pytest.MonkeyPatch):
    """Make layerlint's Dense rule give one unit too many, so Keras disagrees."""
    from layerlint.engine.layers import lookup

    spec = lookup("Dense")
    right = spec.compute

    def wrong(cfg, inputs):
        built = right(cfg, inputs)
        return type(built)(built.output[:-1] + (built.output[-1] + 1,), built.weights, built.notes, built.facts)

    monkeypatch.setattr(spec, "compute", wrong)


MLP = "fixtures/seeds/seed000_dense_before_flatten.py"


def test_summary_confirm_json(keras, wrong_dense, capsys: pytest.CaptureFixture) -> None:
    code = main(["summary", "--confirm", "--format", "json", str(ROOT / MLP)])
    doc = json.loads(capsys.readouterr().out)
    confirm = doc["models"][0]["confirm"]
    assert code == 1
    assert confirm["status"] == "disagrees"
    first = confirm["differences"][0]
    assert (first["layer"], first["what"]) == ("dense", "output shape")
    assert (first["layerlint"], first["keras"]) == ("(None, 32, 301)", "(None, 32, 300)")


def test_check_confirm_reports_ll950(keras, wrong_dense, capsys: pytest.CaptureFixture) -> None:
    code = main(["check", "--confirm", "--select", "LL950", str(ROOT / MLP)])
    out = capsys.readouterr().out
    assert code == 1
    assert "LL950 Keras 3." in out and "`dense` output shape" in out


def test_check_without_confirm_has_no_ll950(capsys: pytest.CaptureFixture) -> None:
    main(["check", "--select", "LL950", str(ROOT / MLP)])
    assert "LL950" not in capsys.readouterr().out


def test_without_tensorflow_a_clear_message_and_exit_2(tmp_path) -> None:
    """A blocked import stands in for an environment without TensorFlow."""
    script = textwrap.dedent(f"""
        import sys
        class NoTensorFlow:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("keras", "tensorflow"):
                    raise ImportError("No module named " + repr(name))
        sys.meta_path.insert(0, NoTensorFlow())
        from layerlint.cli.main import main
        sys.exit(main(["summary", "--confirm", {str(ROOT / "fixtures/seeds/seed000_dense_before_flatten.py")!r}]))
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert '--confirm needs TensorFlow: pip install "layerlint[tf]"' in proc.stderr
    assert "Traceback" not in proc.stderr


def test_assume_names_that_match_no_symbol_are_named(keras, capsys) -> None:
    from layerlint.confirm import compare

    compare.SYMBOLS_SEEN.clear()
    seed = str(ROOT / "fixtures/seeds/seed003_dense_after_flatten.py")
    code = main(["summary", "--confirm", "--assume", "nClasses=10", "--assume", "nClases=3",
                 "--assume", "input_shape=(64, 48, 3)", seed])
    err = capsys.readouterr().err
    assert code == 0
    assert "layerlint: warning: --assume nClases matched no symbol in the models analysed" in err
    assert "--assume nClasses" not in err and "--assume input_shape" not in err  # used (input_shape[0] etc.)


def test_assume_without_confirm_is_a_warning(tmp_path, capsys) -> None:
    (tmp_path / "m.py").write_text("x = 1\n", encoding="utf-8")
    for cmd in ("summary", "check"):
        main([cmd, "--assume", "nClasses=10", str(tmp_path / "m.py")])
        assert "layerlint: warning: --assume has no effect without --confirm" in capsys.readouterr().err


def test_a_numpy_integer_size_is_rebuilt_as_one(keras) -> None:
    """python_for_microscopists' GAN (125_126_GAN_training_mnist.py): Dense(np.prod(img_shape)) is refused by
    Keras 3; the rebuild passed 784 as a Python int, which Keras took, and reported a disagreement."""
    (result,) = confirm_models(_models("""
import numpy as np
from keras import Input, Sequential, layers
img_shape = (28, 28, 1)
model = Sequential([Input((100,)), layers.Dense(256), layers.Dense(np.prod(img_shape), activation="tanh"),
                    layers.Reshape(img_shape)])
"""))
    assert result.status == "confirmed", (result.status, result.reason, [d.message for d in result.differences])


def test_a_sequential_of_a_backbones_own_layers(keras) -> None:
    """python_for_microscopists' colorizer (092-autoencoder_colorize_transfer_learning_VGG16_V0.1.py) adds
    VGG16's layers to a Sequential one by one; the rebuild made each from its row's (empty) arguments and
    reported `Conv2D.__init__() missing 2 required positional arguments` as a disagreement."""
    (result,) = confirm_models(_models("""
import keras
from keras import Sequential
vgg = keras.applications.VGG16(include_top=False, weights=None, input_shape=(32, 32, 3))
model = Sequential()
for i, layer in enumerate(vgg.layers):
    if i < 19:
        model.add(layer)
"""))
    assert result.status == "confirmed", (result.status, result.reason, [d.message for d in result.differences])
    assert result.layers_compared == 18


def test_a_backbones_layers_on_an_unknown_input_say_so_in_words() -> None:
    # without the backbone's InputLayer the Sequential has no input: its shape is shown, never a repr
    (sm,) = _models("""
import keras
from keras import Sequential
vgg = keras.applications.VGG16(include_top=False, weights=None, input_shape=(32, 32, 3))
model = Sequential()
for i, layer in enumerate(vgg.layers):
    if i > 0:
        model.add(layer)
""")
    assert sm.layers[0].reason == ("input shape (None, input_shape[0], input_shape[1], input_shape[2]) is "
                                   "symbolic: the applications table needs numbers")
