"""Lambda layers without output_shape, followed through their function as Keras 3 calls it.

Shapes that agree with real Keras are in fixtures/models/lambda_functions_followed.py
(with its .keras.json); here: a function from another module of the project, and what
keeps a Lambda from being followed, each left unknown with its reason.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from layerlint.analyze import analyze_text
from layerlint.extract.modules import clear_registry
from layerlint.runner.pipeline import analyze_path


def rows(src: str) -> list[tuple]:
    fa = analyze_text(textwrap.dedent(src).lstrip("\n"), "m.py", follow_imports=False)
    (sm,) = fa.models
    return [(r.name, r.status, r.output, r.reason) for r in sm.layers]


@pytest.fixture(autouse=True)
def fresh_registry():
    clear_registry()
    yield
    clear_registry()


def test_a_function_of_another_module_with_arguments(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": "[project]\nname = 'demo'\n",
        "blocks/__init__.py": "",
        "blocks/common.py": """
            from keras import layers

            def expand_dims(x, channels_axis):
                if channels_axis == 3:
                    return x[:, None, None, :]
                return x[:, :, None, None]

            def se(x):
                s = layers.GlobalAveragePooling2D()(x)
                s = layers.Lambda(expand_dims, arguments={'channels_axis': 3})(s)
                s = layers.Conv2D(x.shape[-1], 1, activation='sigmoid')(s)
                return layers.Multiply()([x, s])
            """,
        "train.py": """
            import keras
            from blocks.common import se
            inp = keras.Input((8, 8, 6))
            model = keras.Model(inp, se(inp))
            """,
    }
    for name, text in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    fa = analyze_path(str(tmp_path / "train.py"))
    (sm,) = fa.models
    assert [(r.cls, r.output) for r in sm.layers] == [
        ("InputLayer", (None, 8, 8, 6)), ("GlobalAveragePooling2D", (None, 6)), ("Lambda", (None, 1, 1, 6)),
        ("Conv2D", (None, 1, 1, 6)), ("Multiply", (None, 8, 8, 6))]
    assert sm.total_params == 6 * 6 + 6  # Conv2D 1x1, 6 -> 6, with bias; the Lambda has no weights


def test_what_is_not_followed_is_unknown_with_its_reason() -> None:
    got = rows("""
        import keras
        from keras import layers
        from featlib import features

        def masked(x, mask=None):
            return x

        def refuse(x):
            raise ValueError("no")

        inp = keras.Input((10, 6))
        other = keras.Input((10, 6))
        a = layers.Lambda(lambda t: t + other)(inp)
        b = layers.Lambda(lambda t: layers.Dense(3)(t))(inp)
        c = layers.Lambda(features)(inp)
        d = layers.Lambda(lambda t: features(t))(inp)
        e = layers.Lambda(masked)(inp)
        f = layers.Lambda(refuse)(inp)
        model = keras.Model([inp, other], [a, b, c, d, e, f])
        """)
    reasons = {name: (status, reason) for name, status, _, reason in got if name.startswith("lambda")}
    assert reasons == {
        "lambda": ("opaque", "Lambda: its function reads a tensor other than its inputs"),
        "lambda_1": ("opaque", "Lambda: its function calls the layer `Dense`, which Keras does not track"),
        "lambda_2": ("opaque", "Lambda layers run arbitrary code: `features` is not a function layerlint can "
                               "follow, and no output_shape= declares the output shape"),
        "lambda_3": ("opaque", "Lambda: in its function, `features` is not a Keras layer we can follow"),
        "lambda_4": ("opaque", "Lambda: what Keras passes its function cannot be followed"),
        "lambda_5": ("opaque", "Lambda: what its function returns cannot be followed"),
    }


def test_a_shared_lambda_called_on_another_shape_is_unknown() -> None:
    got = rows("""
        import keras
        from keras import layers
        first = layers.Lambda(lambda t: t[:, 0])
        inp = keras.Input((10, 6))
        a = first(inp)
        b = first(layers.Dense(4)(inp))
        model = keras.Model(inp, [a, b])
        """)
    (lam,) = [r for r in got if r[0] == "lambda"]
    assert lam[1:] == ("unknown", (None, 6), "the function of this Lambda was followed on (None, 10, 6); "
                                             "a call on (None, 10, 4) is not")
