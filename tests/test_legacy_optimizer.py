"""LL503: Keras 2 optimizer keywords.  What Keras 3 and tf-keras 2 do with each (the table in
lint/engine/legacy.py) is held to both packages, and the spelling the message offers is built in Keras 3."""

from __future__ import annotations

import os
import re
import textwrap
import warnings

import pytest
from layerlint.analyze import analyze_text
from layerlint.engine.legacy import KERAS2_OPTIMIZERS, OPTIMIZER_KEYWORDS
from layerlint.runner.check import CheckSettings, check_analysis

CASES = [("Adam", {"lr": 0.01}), ("SGD", {"lr": 0.1, "momentum": 0.9}), ("RMSprop", {"lr": 0.002}),
         ("Adagrad", {"lr": 0.05}), ("Adadelta", {"lr": 0.5}), ("Adamax", {"lr": 0.004}), ("Nadam", {"lr": 0.004}),
         ("SGD", {"learning_rate": 0.1, "decay": 1e-6}), ("Adam", {"learning_rate": 0.01, "decay": 0.001}),
         ("Nadam", {"learning_rate": 0.002, "schedule_decay": 0.004})]


def _package(name: str):
    return __import__(name) if os.environ.get("CI") else pytest.importorskip(name)


def _verdict(package, cls: str, kwargs: dict, key: str) -> str:
    """What the package does with ``key``: rejects (raises) or ignores (the optimizer does not use it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            opt = getattr(package.optimizers, cls)(**kwargs)
        except (TypeError, ValueError):
            return "rejects"
    given = kwargs.get("lr", kwargs.get("learning_rate"))
    if key == "lr":
        return "ignores" if abs(float(opt.learning_rate.numpy()) - given) > 1e-6 else "takes"
    config = opt.get_config()
    return "takes" if config.get(key) else "ignores"


@pytest.mark.parametrize(("cls", "kwargs"), CASES, ids=[f"{c}{k}" for c, k in CASES])
def test_the_table_is_what_each_keras_does(cls: str, kwargs: dict) -> None:
    key = next(k for k in kwargs if k in OPTIMIZER_KEYWORDS)
    keras3, tf_keras2 = OPTIMIZER_KEYWORDS[key]
    assert _verdict(_package("keras"), cls, kwargs, key) == keras3
    assert _verdict(_package("tf_keras"), cls, kwargs, key) == tf_keras2


def _findings(cls: str, kwargs: dict, version: int) -> list:
    args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    source = textwrap.dedent(f"""
        import keras
        from keras import layers
        model = keras.Sequential([keras.Input((8,)), layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.{cls}({args}), loss="mse")
        """)
    return check_analysis(analyze_text(source, "opt.py", keras_version=version), CheckSettings(select=["LL503"]))


@pytest.mark.parametrize(("cls", "kwargs"), CASES, ids=[f"{c}{k}" for c, k in CASES])
def test_each_keyword_is_reported_in_both_modes_with_a_spelling_keras3_takes(cls: str, kwargs: dict) -> None:
    keras = _package("keras")
    (k3,) = _findings(cls, kwargs, 3)
    (k2,) = _findings(cls, kwargs, 2)
    assert k3.line == k2.line == 5
    key = next(k for k in kwargs if k in OPTIMIZER_KEYWORDS)
    assert f"Keras 3 {OPTIMIZER_KEYWORDS[key][0]} it" in k3.message
    assert f"tf-keras 2 {OPTIMIZER_KEYWORDS[key][1]} it" in k2.message
    fix = re.search(r"; (write `(.*)`|remove `(\w+)=`)", k3.message)
    rest = {k: v for k, v in kwargs.items() if k not in OPTIMIZER_KEYWORDS and k != "learning_rate"}
    if fix.group(3):  # a keyword to drop
        getattr(keras.optimizers, cls)(**rest)
        return
    written = fix.group(2).split(" (")[0]
    spelled = eval(f"dict({written})", {"keras": keras})  # the keyword our message writes
    opt = getattr(keras.optimizers, cls)(**spelled, **rest)
    if key == "lr":
        assert abs(float(opt.learning_rate.numpy()) - kwargs["lr"]) < 1e-6
    else:  # Keras 2's decay: lr / (1 + decay * iterations)
        start, decay = kwargs["learning_rate"], kwargs["decay"]
        assert abs(float(spelled["learning_rate"](100)) - start / (1 + decay * 100)) < 1e-7


@pytest.mark.parametrize("cls", sorted(KERAS2_OPTIMIZERS))
def test_default_learning_rates(cls: str) -> None:
    for name in ("keras", "tf_keras"):
        opt = getattr(_package(name).optimizers, cls)()
        assert abs(float(opt.learning_rate.numpy()) - KERAS2_OPTIMIZERS[cls]) < 1e-9, name


def test_decay_zero_legacy_optimizers_and_an_ignored_default_are_silent() -> None:
    assert _findings("SGD", {"learning_rate": 0.1, "decay": 0.0}, 3) == []
    assert _findings("Adam", {"lr": 0.001}, 2) == []  # tf-keras ignores it and uses 0.001 all the same
    assert len(_findings("Adam", {"lr": 0.001}, 3)) == 1  # Keras 3 rejects it
    source = textwrap.dedent("""
        import tf_keras as keras
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.legacy.Adam(lr=0.01, decay=1e-6), loss="mse")
        """)
    assert check_analysis(analyze_text(source, "opt.py", keras_version=2), CheckSettings(select=["LL503"])) == []
