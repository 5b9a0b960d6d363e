"""File discovery: suffixes, default and configured excludes, .gitignore, --force-exclude."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from layerlint.runner.config import SettingsResolver
from layerlint.runner.files import PathError, WalkPolicy, discover
from layerlint.runner.gitignore import GitIgnore, parse_line


def touch(root: Path, *names: str) -> None:
    for n in names:
        p = root / n
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("", encoding="utf-8")


def rel(found: list[str], root: Path) -> list[str]:
    return sorted(Path(f).relative_to(root).as_posix() for f in found)


def test_walk_finds_python_and_notebooks_and_skips_default_excludes(tmp_path: Path) -> None:
    touch(tmp_path, "a.py", "b.ipynb", "c.txt", "pkg/d.py", "venv/lib/e.py", ".venv/f.py", "build/g.py",
          "node_modules/h.py", "pkg/__pycache__/i.py", "x.egg-info/j.py", "site-packages/k.py")
    assert rel(discover([str(tmp_path)]), tmp_path) == ["a.py", "b.ipynb", "pkg/d.py"]


def test_explicit_files_are_kept_unless_force_exclude(tmp_path: Path) -> None:
    touch(tmp_path, "build/gen.py", "ok.py")
    files = [str(tmp_path / "build" / "gen.py"), str(tmp_path / "ok.py")]
    policy = WalkPolicy(root=tmp_path)
    assert discover(files, policy_for=lambda _: policy) == files
    assert discover(files, policy_for=lambda _: policy, force_exclude=True) == [str(tmp_path / "ok.py")]


def test_explicit_directory_is_walked_even_if_excluded_by_name(tmp_path: Path) -> None:
    touch(tmp_path, "build/gen.py")
    policy = WalkPolicy(root=tmp_path)
    assert rel(discover([str(tmp_path / "build")], policy_for=lambda _: policy), tmp_path) == ["build/gen.py"]
    assert discover([str(tmp_path / "build")], policy_for=lambda _: policy, force_exclude=True) == []


def test_missing_path_is_an_error_and_stdin_passes_through(tmp_path: Path) -> None:
    with pytest.raises(PathError, match="no such file"):
        discover([str(tmp_path / "nope.py")])
    assert discover(["-"]) == ["-"]


def test_duplicates_are_removed_in_order(tmp_path: Path) -> None:
    touch(tmp_path, "a.py")
    f = str(tmp_path / "a.py")
    assert os.path.join(str(tmp_path), "a.py") == f
    assert discover([f, str(tmp_path), f]) == [f]


def test_configured_excludes_from_pyproject(tmp_path: Path) -> None:
    touch(tmp_path, "src/m.py", "src/generated/g.py", "src/x_pb2.py", "other/generated/keep.py")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.layerlint]\nextend-exclude = ["src/generated", "*_pb2.py"]\n', encoding="utf-8")
    resolver = SettingsResolver()
    found = discover([str(tmp_path)], policy_for=lambda d: resolver.for_path(d).walk_policy())
    assert rel(found, tmp_path) == ["other/generated/keep.py", "src/m.py"]
    # the anchored pattern also applies to a file named explicitly under --force-exclude
    g = str(tmp_path / "src" / "generated" / "g.py")
    assert discover([g], policy_for=lambda d: resolver.for_path(d).walk_policy(), force_exclude=True) == []


def make_repo(root: Path, gitignore: str) -> None:
    (root / ".git").mkdir()
    (root / ".gitignore").write_text(gitignore, encoding="utf-8")


def test_gitignore_respected_by_default_and_can_be_turned_off(tmp_path: Path) -> None:
    make_repo(tmp_path, "scratch/\n*_old.py\n!keep_old.py\n")
    touch(tmp_path, "m.py", "scratch/s.py", "a_old.py", "keep_old.py", "sub/b_old.py")
    assert rel(discover([str(tmp_path)]), tmp_path) == ["keep_old.py", "m.py"]
    everything = rel(discover([str(tmp_path)], respect_gitignore=False), tmp_path)
    assert everything == ["a_old.py", "keep_old.py", "m.py", "scratch/s.py", "sub/b_old.py"]


def test_gitignore_outside_a_repository_is_not_used(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.py\n", encoding="utf-8")
    touch(tmp_path, "m.py")
    assert rel(discover([str(tmp_path)]), tmp_path) == ["m.py"]


def test_nested_gitignore_and_info_exclude(tmp_path: Path) -> None:
    make_repo(tmp_path, "")
    (tmp_path / ".git" / "info").mkdir()
    (tmp_path / ".git" / "info" / "exclude").write_text("private.py\n", encoding="utf-8")
    touch(tmp_path, "pkg/a.py", "pkg/tmp.py", "tmp.py", "private.py")
    (tmp_path / "pkg" / ".gitignore").write_text("/tmp.py\n", encoding="utf-8")
    assert rel(discover([str(tmp_path)]), tmp_path) == ["pkg/a.py", "tmp.py"]


# Each row: pattern, path relative to the .gitignore, is the path a directory, ignored?
GITIGNORE_CASES = [
    ("*.py", "a.py", False, True),
    ("*.py", "deep/er/a.py", False, True),
    ("/top.py", "top.py", False, True),
    ("/top.py", "sub/top.py", False, False),
    ("docs/*.py", "docs/a.py", False, True),
    ("docs/*.py", "docs/x/a.py", False, False),
    ("docs/*.py", "src/docs/a.py", False, False),  # inner slash anchors
    ("build/", "build", True, True),
    ("build/", "build", False, False),  # a file called build is not the directory
    ("**/gen", "a/b/gen", True, True),
    ("**/gen", "gen", True, True),
    ("a/**/z.py", "a/z.py", False, True),
    ("a/**/z.py", "a/b/c/z.py", False, True),
    ("out/**", "out/x/y.py", False, True),
    ("file?.py", "file1.py", False, True),
    ("file?.py", "file10.py", False, False),
    ("model[0-9].py", "model3.py", False, True),
    ("model[!0-9].py", "model3.py", False, False),
    ("model[!0-9].py", "modelx.py", False, True),
    ("\\#hash.py", "#hash.py", False, True),
    ("# comment", "# comment", False, False),
    ("trailing.py   ", "trailing.py", False, True),
]


@pytest.mark.parametrize("pattern, path, is_dir, ignored", GITIGNORE_CASES)
def test_gitignore_patterns(tmp_path: Path, pattern: str, path: str, is_dir: bool, ignored: bool) -> None:
    make_repo(tmp_path, pattern + "\n")
    assert GitIgnore().is_ignored(tmp_path / path, is_dir) is ignored


def test_cannot_reinclude_below_an_ignored_directory(tmp_path: Path) -> None:
    make_repo(tmp_path, "data/\n!data/keep.py\n")
    assert GitIgnore().is_ignored(tmp_path / "data" / "keep.py", False)


def test_blank_and_comment_lines_are_not_rules(tmp_path: Path) -> None:
    assert parse_line("", tmp_path) is None
    assert parse_line("   ", tmp_path) is None
    assert parse_line("# x", tmp_path) is None
    rule = parse_line("!keep.py", tmp_path)
    assert rule is not None and rule.negated
