"""``python -m layerlint`` in a folder whose files are named like standard-library modules.

``python -m`` puts the working directory first on ``sys.path``; without removing
it, the user's ``ast.py`` would be imported in place of Python's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "seeds" / "seed000_dense_before_flatten.py"
SHADOWS = ("random", "types", "ast", "tokenize")


def test_user_modules_named_like_the_standard_library_do_not_shadow_it(tmp_path: Path) -> None:
    for name in SHADOWS:
        # Each would fail loudly if imported in place of the real module.
        (tmp_path / f"{name}.py").write_text(f"raise SystemExit('the user {name}.py was imported')\n", encoding="utf-8")
    (tmp_path / "model.py").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    check = subprocess.run([sys.executable, "-m", "layerlint", "check", "--no-cache", "."], cwd=tmp_path,
                           capture_output=True, text=True, timeout=120)
    assert "was imported" not in check.stdout + check.stderr
    assert check.returncode == 1, check.stderr
    assert "model.py:11:12: LL201 " in check.stdout
    # the user's files are still checked like any other file
    assert all(f"{name}.py:" not in check.stderr for name in SHADOWS)
    summary = subprocess.run([sys.executable, "-m", "layerlint", "summary", "model.py"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=120)
    assert summary.returncode == 0, summary.stderr
    assert "Total params: 1,050,761" in summary.stdout


def test_only_the_working_directory_entry_goes(monkeypatch, tmp_path: Path) -> None:
    """Other sys.path entries (PYTHONPATH, site-packages) stay."""
    from layerlint.__main__ import _drop_working_directory

    monkeypatch.chdir(tmp_path)
    for first in ("", str(tmp_path)):
        monkeypatch.setattr(sys, "path", [first, "/elsewhere", str(tmp_path / "lib")])
        _drop_working_directory()
        assert sys.path == ["/elsewhere", str(tmp_path / "lib")]
    monkeypatch.setattr(sys, "path", ["/elsewhere", ""])
    _drop_working_directory()
    assert sys.path == ["/elsewhere", ""]  # put there on purpose, not by python -m
