"""`layerlint check` / `layerlint config` end to end: formats, destinations, stdin, config.

The conventions `summary` shares (noise levels, colour, excludes, -o, stdin) are tested on both
commands in test_cli_conventions.py."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest
from layerlint.cli.main import main

from tests.test_formats import vscode_regex

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "seeds" / "seed000_dense_before_flatten.py"
SEED_TEXT = SEED.read_text(encoding="utf-8")


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for var in ("NO_COLOR", "FORCE_COLOR", "LAYERLINT_OUTPUT_FORMAT"):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "model.py").write_text(SEED_TEXT, encoding="utf-8")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_concise_default_to_stdout_summary_to_stderr(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "src")
    assert code == 1
    assert out.startswith("src/model.py:11:12: LL201 Dense(300) on (None, 32, 100)")
    assert "Found" not in out and "Found" in err
    # the documented VS Code problem matcher parses every real line
    regex = re.compile(vscode_regex())
    for line in out.splitlines():
        m = regex.match(line)
        assert m and m.group(1) == "src/model.py" and m.group(4).startswith("LL")


def test_output_file_and_json(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--output-format", "json", "-o", "reports/out.json", "src")
    assert code == 1 and out == ""
    findings = json.loads((project / "reports" / "out.json").read_text(encoding="utf-8"))
    ll201 = [f for f in findings if f["code"] == "LL201"]
    assert ll201[0]["location"] == {"row": 11, "column": 12}
    assert ll201[0]["filename"] == "src/model.py"


def test_env_selects_the_format_and_the_flag_beats_it(project: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAYERLINT_OUTPUT_FORMAT", "json-lines")
    _, out, _ = run(capsys, "check", "src")
    assert all(json.loads(line)["code"].startswith("LL") for line in out.splitlines())
    _, out, _ = run(capsys, "check", "--output-format", "github", "src")
    assert out.startswith("::warning title=layerlint (LL201),file=src/model.py,line=11,col=12,")
    monkeypatch.setenv("LAYERLINT_OUTPUT_FORMAT", "xml")
    code, _, err = run(capsys, "check", "src")
    assert code == 2 and "LAYERLINT_OUTPUT_FORMAT" in err


def test_sarif_lists_every_rule(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "check", "--output-format", "sarif", "src")
    doc = json.loads(out)
    ids = {r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    assert {"LL001", "LL201", "LL301"} <= ids
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]}
    assert uris == {"src/model.py"}


def test_config_file_thresholds_and_per_file_ignores_apply(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.layerlint]\nmax-layer-params = 40_000\n[tool.layerlint.per-file-ignores]\n"src/*" = ["LL201"]\n',
        encoding="utf-8")
    _, out, _ = run(capsys, "check", "src")
    codes = [line.split()[1] for line in out.splitlines()]
    assert "LL201" not in codes
    # Conv1D(80, 10) on 60 channels: 10*60*80 + 80 = 48,080 > 40,000; Conv1D(100, 5) on 80: 40,100
    assert codes.count("LL301") >= 3
    code, out, _ = run(capsys, "check", "--select", "LL2", "src")
    assert code == 0 and out == ""


def test_bad_config_exits_2_naming_file_and_key(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text("[tool.layerlint]\nmax-layer-params = 'big'\n", encoding="utf-8")
    code, out, err = run(capsys, "check", "src")
    assert code == 2 and out == ""
    assert "pyproject.toml" in err and "`max-layer-params`" in err and "positive integer" in err


def test_stdin_with_stdin_filename_uses_that_path_and_its_config(project: Path, capsys: pytest.CaptureFixture[str],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "pkg").mkdir()
    (project / "pkg" / "pyproject.toml").write_text('[tool.layerlint]\nselect = ["LL201"]\n', encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SEED_TEXT.encode())))
    code, out, _ = run(capsys, "check", "--stdin-filename", "pkg/unsaved.py", "-")
    assert code == 1
    assert out.splitlines() == ["pkg/unsaved.py:11:12: LL201 " + out.splitlines()[0].split(" LL201 ", 1)[1]]


def test_notebook_findings_point_at_cells(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = SEED_TEXT.splitlines(keepends=True)
    cells = [{"cell_type": "markdown", "source": ["intro"]},
             {"cell_type": "code", "source": ["%load_ext autoreload\n", *lines[:8]]},
             {"cell_type": "code", "source": lines[8:]}]
    (project / "nb.ipynb").write_text(json.dumps({"cells": cells, "metadata": {}}), encoding="utf-8")
    _, out, _ = run(capsys, "check", "--select", "LL201", "nb.ipynb")
    # the seed's line 11 is the 3rd line of the third cell (cells 2 holds lines 1-8)
    assert out.startswith("nb.ipynb:cell 3:3:12: LL201 ")
    _, out, _ = run(capsys, "check", "--select", "LL201", "--output-format", "json", "nb.ipynb")
    finding = json.loads(out)[0]
    assert finding["cell"] == 3 and finding["location"] == {"row": 3, "column": 12}


def test_broken_notebook_is_a_finding_and_the_run_goes_on(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "src" / "broken.ipynb").write_text('{"cells": ', encoding="utf-8")
    code, out, _ = run(capsys, "check", "src")
    assert code == 1
    assert "src/broken.ipynb:1:1: LL003 not a valid notebook: invalid JSON" in out
    assert "src/model.py:11:12: LL201" in out


def test_config_command_shows_effective_settings(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text('[tool.layerlint]\nmemory-budget = "2GiB"\n', encoding="utf-8")
    code, out, _ = run(capsys, "config", "src/model.py", "--ignore", "LL3")
    assert code == 0
    assert f"# from {(project / 'pyproject.toml').resolve()}" in out
    assert "memory-budget = 2_147_483_648" in out
    assert 'ignore = ["LL3"]' in out
    code, out, _ = run(capsys, "config", "--json", "src")
    assert json.loads(out)["settings"]["memory-budget"] == 2**31


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("layerlint ")
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    text = capsys.readouterr().out
    assert "examples:" in text and "--stdin-filename" in text and "--output-format" in text
