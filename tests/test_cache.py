"""The results cache: hits, misses on content or settings changes, corrupt entries, clean."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from layerlint.cli.main import main
from layerlint.runner import parallel
from layerlint.runner.cache import Cache, clear
from layerlint.runner.config import SettingsResolver
from layerlint.runner.pipeline import check_paths

BUGGY = ("from keras import Input, Sequential, layers\n"
         "model = Sequential([Input((32, 100)), layers.Dense(300), layers.Flatten(), layers.Dense(1)])\n")
FIXED = ("from keras import Input, Sequential, layers\n"
         "model = Sequential([Input((32, 100)), layers.Flatten(), layers.Dense(1)])\n")


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Paths actually analysed (cache misses), in this process."""
    seen: list[str] = []
    real = parallel.check_task

    def spy(task, verbose=False, confirm=None):
        seen.append(task.path)
        return real(task, verbose, confirm)

    monkeypatch.setattr(parallel, "check_task", spy)
    return seen


def run(path: Path, cache_dir: Path, overrides: dict | None = None):
    cache = Cache(cache_dir)
    result = check_paths([str(path)], SettingsResolver(None, overrides or {}), jobs=1, cache=cache, show_progress=False)
    return result.diagnostics, cache


def entries(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.rglob("*.json"))


def test_second_run_is_a_hit_with_identical_diagnostics(tmp_path: Path, counted: list[str]) -> None:
    src = tmp_path / "m.py"
    src.write_text(BUGGY)
    first, c1 = run(src, tmp_path / "cache")
    second, c2 = run(src, tmp_path / "cache")
    assert [d.code for d in first] == ["LL201"]
    assert second == first and [d.extra for d in second] == [d.extra for d in first]
    assert (c1.misses, c1.hits, c2.misses, c2.hits) == (1, 0, 0, 1)
    assert counted == [str(src)]


def test_changed_content_is_a_miss(tmp_path: Path, counted: list[str]) -> None:
    src = tmp_path / "m.py"
    src.write_text(BUGGY)
    run(src, tmp_path / "cache")
    src.write_text(FIXED)
    after, cache = run(src, tmp_path / "cache")
    assert after == [] and cache.misses == 1
    assert len(counted) == 2


def test_changed_settings_are_a_miss(tmp_path: Path, counted: list[str]) -> None:
    src = tmp_path / "m.py"
    src.write_text(BUGGY)
    run(src, tmp_path / "cache")
    ignored, cache = run(src, tmp_path / "cache", {"ignore": ["LL201"]})
    assert ignored == [] and cache.misses == 1
    again, cache = run(src, tmp_path / "cache")
    assert [d.code for d in again] == ["LL201"] and cache.hits == 1
    assert len(counted) == 2


@pytest.mark.parametrize("damage", [
    lambda p: p.write_text("{not json"),
    lambda p: p.write_text(""),
    lambda p: p.write_bytes(b"\xff\xfe\x00garbage"),
    lambda p: p.write_text(json.dumps({"format": 1, "key": "someone else's", "diagnostics": []})),
    lambda p: p.write_text(p.read_text().replace('"line":', '"line_number":')),
    lambda p: p.write_text(p.read_text().replace('"line":2', '"line":"2"')),
])
def test_corrupt_entry_is_ignored_and_rewritten(tmp_path: Path, counted: list[str], damage) -> None:
    src = tmp_path / "m.py"
    src.write_text(BUGGY)
    good, _ = run(src, tmp_path / "cache")
    [entry] = entries(tmp_path / "cache")
    damage(entry)
    again, cache = run(src, tmp_path / "cache")
    assert again == good and cache.misses == 1 and cache.hits == 0
    assert len(counted) == 2
    third, cache = run(src, tmp_path / "cache")  # the rewritten entry is good again
    assert third == good and cache.hits == 1


def test_cache_directory_is_tagged_and_ignored_by_git(tmp_path: Path) -> None:
    src = tmp_path / "m.py"
    src.write_text(BUGGY)
    run(src, tmp_path / "cache")
    assert (tmp_path / "cache" / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (tmp_path / "cache" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_cli_no_cache_writes_nothing_and_clean_removes_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LAYERLINT_CACHE_DIR")
    (tmp_path / "m.py").write_text(BUGGY)
    assert main(["check", "-q", "--no-cache", "m.py"]) == 1
    assert not (tmp_path / ".layerlint_cache").exists()
    uncached = capsys.readouterr().out
    assert main(["check", "-q", "m.py"]) == 1
    assert entries(tmp_path / ".layerlint_cache")
    assert capsys.readouterr().out == uncached
    assert main(["check", "-q", "m.py"]) == 1  # answered from the cache
    assert capsys.readouterr().out == uncached and "LL201" in uncached
    assert main(["clean"]) == 0
    assert not (tmp_path / ".layerlint_cache").exists()


def test_clean_refuses_a_directory_that_is_not_our_cache(tmp_path: Path) -> None:
    other = tmp_path / "precious"
    other.mkdir()
    (other / "data.txt").write_text("keep me")
    with pytest.raises(OSError):
        clear(other)
    assert (other / "data.txt").exists()


def test_disabled_cache_reads_and_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "m.py"
    src.write_text(BUGGY)
    cache = Cache(None)
    check_paths([str(src)], SettingsResolver(None, {}), jobs=1, cache=cache, show_progress=False)
    assert (cache.hits, cache.misses) == (0, 0)


# -- where the cache lives ----------------------------------------------------------------------


@pytest.fixture
def no_cache_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LAYERLINT_CACHE_DIR", raising=False)


def test_one_cache_per_project_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_cache_env: None) -> None:
    project = tmp_path / "project"
    (project / "src" / "deep").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (project / "src" / "deep" / "m.py").write_text(BUGGY)
    for cwd in (project, project / "src", project / "src" / "deep"):
        monkeypatch.chdir(cwd)
        assert main(["check", "-q", "."]) == 1
    assert (project / ".layerlint_cache" / "CACHEDIR.TAG").is_file()
    assert not (project / "src" / ".layerlint_cache").exists()
    assert not (project / "src" / "deep" / ".layerlint_cache").exists()
    monkeypatch.chdir(project / "src")
    assert main(["clean"]) == 0  # clean finds the same folder
    assert not (project / ".layerlint_cache").exists()


def test_without_pyproject_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 no_cache_env: None) -> None:
    from layerlint.runner.cache import project_root

    if project_root(tmp_path) != tmp_path.resolve():
        pytest.skip("a pyproject.toml above the temporary folder")
    (tmp_path / "m.py").write_text(BUGGY)
    monkeypatch.chdir(tmp_path)
    main(["check", "-q", "m.py"])
    assert (tmp_path / ".layerlint_cache").is_dir()


def test_cache_dir_flag_beats_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "m.py").write_text(BUGGY)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LAYERLINT_CACHE_DIR", str(tmp_path / "from-env"))
    main(["check", "-q", "m.py"])
    assert (tmp_path / "from-env" / "CACHEDIR.TAG").is_file()
    main(["check", "-q", "--cache-dir", "from-flag", "m.py"])
    assert (tmp_path / "from-flag" / "CACHEDIR.TAG").is_file()
    assert main(["clean", "--cache-dir", "from-flag"]) == 0
    assert not (tmp_path / "from-flag").exists() and (tmp_path / "from-env").exists()
    assert main(["clean"]) == 0 and not (tmp_path / "from-env").exists()
    capsys.readouterr()
