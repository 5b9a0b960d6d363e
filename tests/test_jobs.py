"""``--jobs N`` analyses files in worker processes and prints exactly what ``--jobs 1`` prints."""

from __future__ import annotations

from pathlib import Path

import pytest
from layerlint.cli.main import main
from layerlint.runner import parallel

from tests.bench.corpus import corpus, write_corpus

ROOT = Path(__file__).resolve().parent.parent


def _output(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["concise", "json"])
def test_jobs_output_is_identical_to_one_job(fmt: str, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    args = ["check", "--no-cache", "--output-format", fmt, "--extend-select", "LL900", "fixtures"]
    one = _output(capsys, *args, "--jobs", "1")
    many = _output(capsys, *args, "--jobs", "3")
    assert one == many
    assert one[1].count("fixtures/") > 20  # the fixtures do have findings


def test_jobs_really_uses_worker_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With enough files the pool runs (and its results arrive in file order)."""
    write_corpus(tmp_path, corpus(12, seed=5, big_file_lines=0, deep_layers=0))
    used: list[int] = []
    real = parallel._analyse_in_pool

    def spy(tasks, todo, results, jobs, verbose, advance):
        used.append(len(todo))
        return real(tasks, todo, results, jobs, verbose, advance)

    monkeypatch.setattr(parallel, "_analyse_in_pool", spy)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "-q", "--no-cache", "--jobs", "2", "--exit-zero", "."]) == 0
    assert used == [12]


def test_cache_and_jobs_together_match_uncached(capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    args = ["check", "--output-format", "concise", "fixtures/rules", "fixtures/seeds"]
    reference = _output(capsys, *args, "--no-cache", "--jobs", "1")
    cold = _output(capsys, *args, "--jobs", "2")
    warm = _output(capsys, *args, "--jobs", "2")
    assert reference == cold == warm


def test_jobs_must_be_positive(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit):
        main(["check", "--jobs", "0", "."])
    assert "positive" in capsys.readouterr().err
