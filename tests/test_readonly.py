"""layerlint only reads the user's tree: the results cache is the one thing it writes, and --no-cache writes nothing.

Running as root ignores permission bits, so besides a chmod'ed tree (which
only binds for other users) every test compares a snapshot of the whole tree,
contents and modification times, before and after.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ["fixtures/bad_inputs/model_lf.py", "fixtures/bad_inputs/syntax_error.py",
           "fixtures/bad_inputs/notebook_invalid_json.ipynb", "fixtures/rules/LL101.py", "fixtures/rules/LL201.py"]


def snapshot(tree: Path) -> dict[str, tuple]:
    """Every path below ``tree`` with its kind, content hash and modification time."""
    out: dict[str, tuple] = {}
    for p in sorted(tree.rglob("*")):
        st = p.lstat()
        digest = hashlib.sha256(p.read_bytes()).hexdigest() if stat.S_ISREG(st.st_mode) else ""
        out[p.relative_to(tree).as_posix()] = (stat.S_IFMT(st.st_mode), digest, st.st_mtime_ns)
    return out


def _set_writable(tree: Path, writable: bool) -> None:
    for p in [tree, *tree.rglob("*")]:
        if p.is_symlink():
            continue
        mode = p.stat().st_mode
        if p.is_dir():
            p.chmod(mode | 0o700 if writable else mode & ~0o222)
        else:
            p.chmod(mode | 0o600 if writable else mode & ~0o222)


@pytest.fixture()
def tree(tmp_path: Path) -> Iterator[Path]:
    """A small project: models, a broken file, a notebook, a sub-package, read-only."""
    project = tmp_path / "project"
    (project / "pkg").mkdir(parents=True)
    for i, rel in enumerate(SAMPLES):
        shutil.copy2(ROOT / rel, (project if i % 2 else project / "pkg") / Path(rel).name)
    (project / "pyproject.toml").write_text("[tool.layerlint]\nextend-select = ['LL9']\n")
    _set_writable(project, False)
    try:
        yield project
    finally:
        _set_writable(project, True)


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "LAYERLINT_CACHE_DIR"}
    environ.update(NO_COLOR="1", PYTHONDONTWRITEBYTECODE="1", **env)
    return subprocess.run([sys.executable, "-m", "layerlint", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=environ)


@pytest.mark.parametrize("args", [
    ["check", "--no-cache", "."],
    ["check", "--no-cache", "--output-format", "sarif", "."],
    ["check", "--no-cache", "--statistics", "."],
    ["summary", "--explain", "."],
    ["summary", "--format", "json", "."],
    ["config", "pkg/model_lf.py"],
])
def test_commands_write_nothing(tree: Path, args: list[str]) -> None:
    before = snapshot(tree)
    r = run(args, tree)
    assert "Traceback" not in r.stderr
    assert r.returncode in (0, 1, 2) and r.stdout
    assert snapshot(tree) == before


def test_the_cache_is_the_only_thing_written(tree: Path) -> None:
    _set_writable(tree, True)  # a writable tree: the cache may be made
    before = snapshot(tree)
    first = run(["check", "."], tree)
    second = run(["check", "."], tree)
    assert first.stdout == second.stdout and first.returncode == second.returncode == 1
    after = snapshot(tree)
    new = {k for k in after if k not in before}
    assert new and all(k.startswith(".layerlint_cache") for k in new)
    assert {k: v for k, v in after.items() if k in before} == before


def test_an_unwritable_cache_location_does_not_stop_the_run(tree: Path) -> None:
    # A cache directory below a regular file cannot be created even by root.
    blocked = tree / "pkg" / "model_lf.py" / "cache"
    before = snapshot(tree)
    reference = run(["check", "--no-cache", "."], tree)
    r = run(["check", "."], tree, LAYERLINT_CACHE_DIR=str(blocked))
    assert "Traceback" not in r.stderr
    assert (r.stdout, r.returncode) == (reference.stdout, reference.returncode)
    assert snapshot(tree) == before


def test_a_read_only_tree_with_the_default_cache(tree: Path) -> None:
    before = snapshot(tree)
    reference = run(["check", "--no-cache", "."], tree)
    r = run(["check", "."], tree)
    assert "Traceback" not in r.stderr
    assert (r.stdout, r.returncode) == (reference.stdout, reference.returncode)
    if os.geteuid() != 0:  # the permission bits bind: nothing could be written
        assert snapshot(tree) == before
    else:  # root may write; still only the cache
        assert all(k.startswith(".layerlint_cache") for k in snapshot(tree).keys() - before.keys())
