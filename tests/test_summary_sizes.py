"""The sizes in the summary's totals ("Total params: 15 (64.00 B)") against Keras' own
weight_memory_size: most weights are float32, but Normalization's adapt() count is int64."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from layerlint.report.summary import render_summary
from layerlint.runner.pipeline import analyze_path

MODELS = {
    "adapted_normalization": """
import keras
from keras import layers
model = keras.Sequential([keras.Input((3,)), layers.Normalization(), layers.Dense(2)])
""",
    "normalization_with_given_statistics": """
import keras
from keras import layers
model = keras.Sequential([keras.Input((3,)), layers.Normalization(mean=[1, 2, 3], variance=[1, 1, 1]), layers.Dense(2)])
""",
    "normalization_over_two_axes_in_a_frozen_block": """
import keras
from keras import layers
inp = keras.Input((4, 5))
x = layers.Normalization(axis=(1, 2))(inp)
x = layers.BatchNormalization()(x)
block = keras.Model(inp, x)
block.trainable = False
model = keras.Model(block.input, layers.Dense(3)(layers.Flatten()(block.output)))
""",
    "efficientnet_backbone_with_head": """
import keras
from keras import layers
base = keras.applications.EfficientNetB0(include_top=False, weights=None, input_shape=(64, 64, 3))
base.trainable = False
model = keras.Sequential([keras.Input((64, 64, 3)), base, layers.GlobalAveragePooling2D(), layers.Dense(5)])
""",
}
SIZE = re.compile(r"^(Total|Trainable|Non-trainable) params: [\d,]+ \(([\d.]+ [KMGT]?B)\)$", re.M)


def _ours(tmp_path: Path, name: str) -> dict[str, str]:
    path = tmp_path / f"{name}.py"
    path.write_text(MODELS[name])
    fa = analyze_path(str(path))
    sm = next(m for m in fa.models if m.model.variable == "model")
    return dict(SIZE.findall(render_summary(sm, str(path))))


def _keras(name: str) -> dict[str, str]:
    try:
        import keras
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("needs TensorFlow")
    from keras.src.utils.summary_utils import readable_memory_size, weight_memory_size

    keras.backend.clear_session()
    ns: dict = {}
    exec(compile(MODELS[name], name, "exec"), ns)  # our own test source, never a linted file
    model = ns["model"]
    return {"Total": readable_memory_size(weight_memory_size(model.weights)),
            "Trainable": readable_memory_size(weight_memory_size(model.trainable_weights)),
            "Non-trainable": readable_memory_size(weight_memory_size(model.non_trainable_weights))}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_sizes_are_keras_sizes(name: str, tmp_path: Path) -> None:
    assert _ours(tmp_path, name) == _keras(name)


def test_adapted_normalization_counts_eight_bytes_for_its_count(tmp_path: Path) -> None:
    # 15 parameters: 3 means, 3 variances, the int64 count, 6 + 2 of the Dense: 14 * 4 + 8 bytes.
    assert _ours(tmp_path, "adapted_normalization") == {"Total": "64.00 B", "Trainable": "32.00 B",
                                                        "Non-trainable": "32.00 B"}
