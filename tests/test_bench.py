"""The benchmark runs from its README command and prints its table (no timings are asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.bench.bench import _slope


@pytest.mark.parametrize("exponent", [0.5, 1.0, 1.1, 2.0])
def test_growth_exponent_is_the_log_log_slope(exponent: float) -> None:
    sizes = [100, 200, 400]
    assert _slope(sizes, [3.0 * s**exponent for s in sizes]) == pytest.approx(exponent)


def test_quick_run_prints_and_writes_the_table(tmp_path: Path) -> None:
    out = tmp_path / "bench.md"
    proc = subprocess.run([sys.executable, "-m", "tests.bench", "--quick", "--only", "E", "-o", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    rows = [line for line in proc.stdout.splitlines() if line.startswith("| E |")]
    assert len(rows) == 1 and "import libcst" in rows[0] and rows[0].rstrip().endswith(("yes |", "**no** |"))
    written = out.read_text()
    assert written.startswith("# Benchmark") and rows[0] in written and "Machine:" in written


def test_real_code_row_times_analysis_against_parsing(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "m.py").write_text("import keras\nm = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])\n")
    (real / "plain.py").write_text("x = 1\n")
    proc = subprocess.run([sys.executable, "-m", "tests.bench", "--quick", "--only", "R", "--real", str(real)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    rows = [line for line in proc.stdout.splitlines() if line.startswith("| R |")]
    assert len(rows) == 1 and "real: 2 files" in rows[0] and "<= 2x" in rows[0]
