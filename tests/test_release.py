"""What ``check`` leaves behind a file: its models and parse tree are freed by reference counting
as soon as the file is done, not left in reference cycles for the cyclic collector to scan."""

from __future__ import annotations

import gc
from pathlib import Path

from layerlint.runner.cache import Cache
from layerlint.runner.config import SettingsResolver
from layerlint.runner.pipeline import check_paths

# One application called as a layer, one built on a tensor of the file: an application's model and
# its Application name each other, which kept the file's whole parse tree in a cycle.
APPLICATIONS = """import keras
base = keras.applications.MobileNetV2(input_shape=(96, 96, 3), include_top=False, weights=None)
x = keras.Input((96, 96, 3))
model = keras.Model(x, keras.layers.GlobalAveragePooling2D()(base(x)))
inp = keras.Input((64, 64, 3))
backbone = keras.applications.ResNet50(include_top=False, weights=None, input_tensor=inp)
features = keras.Model(inp, backbone.output)
"""


def _check(path: Path) -> None:
    check_paths([str(path)], SettingsResolver(None, {}), jobs=1, cache=Cache(None), show_progress=False)


def _cycles_left(tmp_path: Path, name: str, source: str) -> int:
    """Objects the cyclic collector finds after a second check of ``source`` (the first one
    imports modules and loads tables, outside the count)."""
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    _check(path)
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        _check(path)
        return gc.collect()
    finally:
        if was_enabled:
            gc.enable()


def test_a_checked_file_with_applications_leaves_no_cycles(tmp_path: Path) -> None:
    assert _cycles_left(tmp_path, "apps.py", APPLICATIONS) == 0


# A custom layer holding layers (its weights are gathered from them) and a block model called on
# the same shapes twice: the engine keeps the nested runs it shaped (NestedMemo), whose engines
# name the memo back.
NESTED = """import keras
class Block(keras.layers.Layer):
    def __init__(self, units):
        super().__init__()
        self.dense = keras.layers.Dense(units)
        self.norm = keras.layers.LayerNormalization()
    def call(self, x):
        return self.norm(x + self.dense(x))
inner = keras.Sequential([keras.Input((16,)), keras.layers.Dense(16)])
x = keras.Input((16,))
y = Block(16)(x)
y = inner(y)
y = inner(y)
print(y.shape)
z = Block(16)(y)
model = keras.Model(x, keras.layers.Dense(2)(z))
"""


def test_a_checked_file_with_nested_models_leaves_no_cycles(tmp_path: Path) -> None:
    assert _cycles_left(tmp_path, "nested.py", NESTED) == 0
