"""Fuzz: programs mixing hostile constructs with model code (tests/hostile_programs.py).

No output of ``summary`` or ``check`` may show the canary environment variable, the
canary file's content or a repr of this process's objects; no file may end in an
internal error (LL002); no process may pass 300 MB.  A small run by default; set
LAYERLINT_HOSTILE_FUZZ=5000 for the full one.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

from tests.hostile_programs import program

COUNT = int(os.environ.get("LAYERLINT_HOSTILE_FUZZ", "40"))
SEED = int(os.environ.get("LAYERLINT_HOSTILE_SEED", "16"))
CANARY_ENV = "canary-env-3b7f01"
CANARY_FILE = "canary-file-91d2c8"
LEAKS = (CANARY_ENV, CANARY_FILE, "<function", "<module", "<class", "<built-in", "object at 0x", "Traceback")
PEAK_MB = 300
MEASURE = """
import resource, subprocess, sys
r = subprocess.run([sys.executable, "-m", "layerlint", *sys.argv[1:]], capture_output=True, text=True)
sys.stdout.write(r.stdout + r.stderr)
print("PEAK", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""


def test_hostile_programs(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    src = tmp_path / "programs"
    src.mkdir()
    for i in range(COUNT):
        (src / f"p{i:05d}.py").write_text(program(rng))
    (tmp_path / "canary_secret.txt").write_text(CANARY_FILE + "\n")
    env = {**os.environ, "LAYERLINT_CANARY": CANARY_ENV, "NO_COLOR": "1", "HOME": str(tmp_path)}
    outputs = []
    peak_mb = 0.0
    for args in (["summary", "--explain"], ["summary", "--format", "json"],
                 ["check", "--no-cache", "--extend-select", "LL9", "--output-format", "concise"]):
        # A fresh parent per run, so the peak is that of layerlint's processes, not of earlier tests' children.
        r = subprocess.run([sys.executable, "-c", MEASURE, *args, "programs"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=3600)
        body, _, peak = r.stdout.rpartition("PEAK ")
        peak_mb = max(peak_mb, float(peak))
        outputs.append(body + r.stderr)
    text = "\n".join(outputs)
    leaks = {word: text.count(word) for word in LEAKS if word in text}
    internal = [line for line in text.splitlines() if " LL002 " in line]
    print(f"{COUNT} programs, seed {SEED}: peak {peak_mb:.0f} MB, leaks {leaks}, LL002 {len(internal)}, "
          f"LL004 {text.count(' LL004 ')}")
    assert leaks == {}, [line for line in text.splitlines() if any(w in line for w in leaks)][:5]
    assert internal == []
    assert peak_mb < PEAK_MB
    assert text.count("Model:") >= COUNT  # every program was analysed, not skipped
