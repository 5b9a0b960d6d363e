"""A notebook fixture: seed 000's model spread over five cells, with magics and
markdown in between, is one model and its finding points at the right cell."""

from __future__ import annotations

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
    assert r.stdout.count('Model: "model1"') == 1
    assert "Total params: 130,061 (508.05 KB)" in r.stdout
