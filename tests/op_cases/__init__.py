"""Per-op expectation rows: (expression, input shapes), one module per op family.

The expression reads tensors ``x0``, ``x1``, ... made by ``keras.Input`` with
the given batch shapes; ``python tests/op_truth.py`` runs the program of each
row (see ``program``) in real Keras and stores the operations Keras records
(name, class, output shape) or its error in ``truth/FAMILY.json``.  A
TensorFlow expression is run twice: on Keras tensors in a functional model
(Keras 3 refuses them) and inside a custom layer's call(), where the tensors
are TensorFlow's and the op shapes the layer's output.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path

TRUTH_DIR = Path(__file__).with_name("truth")
HEADER = "import keras\nimport numpy as np\nimport tensorflow as tf\nfrom keras import layers, ops\n"


def case_id(case: tuple, where: str) -> str:
    expr, shapes = case[:2]
    return f"{where}: {expr} on {shapes!r}"


def variants(case: tuple) -> list[str]:
    """Where a row is run: in a functional model, and for TensorFlow code also in a custom layer."""
    return ["model", "layer"] if "tf." in case[0] else ["model"]


def program(case: tuple, where: str) -> str:
    expr, shapes = case[:2]
    names = [f"x{i}" for i in range(len(shapes))]
    lines = [HEADER]
    lines += [f"{n} = keras.Input(batch_shape={tuple(s)!r})" for n, s in zip(names, shapes)]
    inputs = names[0] if len(names) == 1 else "[" + ", ".join(names) + "]"
    if where == "model":
        lines.append(f"y = {expr}")
    else:
        unpack = f"        {', '.join(names)}{',' if len(names) == 1 else ''} = inputs" if len(names) > 1 else "        x0 = inputs"
        lines += ["class Probe(keras.layers.Layer):", "    def call(self, inputs):", unpack, f"        return {expr}",
                  "", f"y = Probe()({inputs})"]
    lines.append(f"model = keras.Model({inputs}, y)")
    return "\n".join(lines) + "\n"


def families() -> list[str]:
    return sorted(i.name for i in pkgutil.iter_modules([str(Path(__file__).parent)]))


def family_cases(family: str) -> list[tuple]:
    return list(getattr(importlib.import_module(f"{__name__}.{family}"), "CASES", []))


def all_rows() -> list[tuple[str, tuple, str]]:
    """(family, case, where) for every row."""
    return [(f, c, w) for f in families() for c in family_cases(f) for w in variants(c)]


def load_truth() -> dict:
    truth: dict = {}
    for path in sorted(TRUTH_DIR.glob("*.json")):
        truth.update(json.loads(path.read_text()))
    return truth
