"""sources/paths.real_path answers as Path.resolve does, whatever symbolic links lie on the way."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from layerlint.sources.paths import real_path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "real" / "sub").mkdir(parents=True)
    (tmp_path / "real" / "sub" / "model.py").write_text("")
    (tmp_path / "real" / "other.py").write_text("")
    (tmp_path / "dirlink").symlink_to(tmp_path / "real" / "sub")
    (tmp_path / "real" / "filelink.py").symlink_to(tmp_path / "real" / "sub" / "model.py")
    (tmp_path / "real" / "relative.py").symlink_to(Path("sub") / "model.py")
    (tmp_path / "loop_a").symlink_to(tmp_path / "loop_b")
    (tmp_path / "loop_b").symlink_to(tmp_path / "loop_a")
    return tmp_path


CASES = ["real/sub/model.py", "dirlink/model.py", "real/filelink.py", "real/relative.py", "dirlink/../other.py",
         "real/./sub//model.py", "real/sub/", "real/missing.py", "dirlink/missing/deeper.py", "dirlink", "", "."]


@pytest.mark.parametrize("case", CASES)
def test_same_as_resolve(tree: Path, case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert real_path(tree / case) == (tree / case).resolve()
    monkeypatch.chdir(tree)  # relative paths are read against the working directory, which may change
    assert real_path(case) == Path(case).resolve()
    assert real_path(Path(case)) == Path(case).resolve()


def test_a_link_made_later_is_seen(tree: Path) -> None:
    """Only directories are remembered; a file turned into a link is followed the next time."""
    target = tree / "real" / "sub" / "later.py"
    target.write_text("")
    assert real_path(target) == target
    target.unlink()
    os.symlink(tree / "real" / "other.py", target)
    assert real_path(target) == target.resolve() == tree / "real" / "other.py"


@pytest.mark.parametrize("case", ["loop_a", "loop_a/model.py"])
def test_symlink_loops_raise_as_resolve_does(tree: Path, case: str) -> None:
    with pytest.raises(RuntimeError):
        (tree / case).resolve()
    for _ in range(2):  # a failure is not remembered
        with pytest.raises(RuntimeError):
            real_path(tree / case)
