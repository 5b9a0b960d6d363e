"""A notebook fixture: seed 000's model spread over five cells, with magics and
markdown in between, is one model and its finding points at the right cell."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NB = "fixtures/notebooks/seed000_across_cells.ipynb"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "layerlint", *args], capture_output=True, text=True, cwd=ROOT)


def test_check_points_at_cell_and_line() -> None:
    r = run("check", "--no-cache", NB)
    # Hand-checked: cell 5 (markdown cells count), line 3, `Dense(` starts after `model1.add(` (11 chars).
    assert r.stdout == (ROOT / "fixtures/notebooks/seed000_across_cells.expected").read_text()
    assert r.returncode == 1


def test_summary_sees_one_model_across_cells() -> None:
    r = run("summary", NB)
    assert r.stdout.count('Model: "sequential"') == 1
    assert "Total params: 130,061 (508.05 KB)" in r.stdout


# Hand-checked against the notebook's cells: `model1 = Sequential()` is line 2 of cell 3 (after a
# `!pip` line); the two first Conv1D follow it; cell 5 holds Conv1D(100), MaxPooling1D and Dense(300);
# cell 6 starts with `%%time`, then Flatten and Dense(1).
CELL_LINES = [(3, 3), (3, 4), (5, 1), (5, 2), (5, 3), (6, 2), (6, 3)]


def test_summary_places_layers_by_cell_and_line() -> None:
    out = run("summary", NB).stdout.splitlines()
    assert out[0] == f'Model: "sequential" (sequential) at {NB}:cell 3:2'
    assert out[2].split()[-1] == "Cell:Line"
    places = [m.groups() for line in out[1:] if (m := re.search(r" (\d+):(\d+)$", line))]
    assert [(int(c), int(n)) for c, n in places] == CELL_LINES


def test_summary_json_carries_the_cell() -> None:
    import json

    doc = json.loads(run("summary", "--format", "json", NB).stdout)
    (model,) = doc["models"]
    assert (model["cell"], model["line"]) == (3, 2)
    assert [(layer["cell"], layer["line"]) for layer in model["layers"]] == CELL_LINES


def test_a_plain_file_has_no_cell_key() -> None:
    import json

    doc = json.loads(run("summary", "--format", "json", "fixtures/seeds/seed000_dense_before_flatten.py").stdout)
    assert all("cell" not in m and "cell" not in layer for m in doc["models"] for layer in m["layers"])
