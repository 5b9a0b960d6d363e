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


def test_a_checked_file_with_applications_leaves_no_cycles(tmp_path: Path) -> None:
    path = tmp_path / "apps.py"
    path.write_text(APPLICATIONS, encoding="utf-8")
    _check(path)  # imports and tables, outside the count
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        _check(path)
        left = gc.collect()
    finally:
        if was_enabled:
            gc.enable()
    assert left == 0
