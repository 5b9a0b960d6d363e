"""The command-line conventions ``summary`` and ``check`` share, tested on both.

Same discovery and configuration (excludes, --config, --force-exclude), standard
input with --stdin-filename, -o, --color, -q/-s, exit status 2 for usage and
configuration errors, help text for every option, the subcommand's own usage and
a did-you-mean on a wrong flag, and paths printed as given without ``./``."""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

import pytest
from layerlint.cli.main import build_parser, main

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "seeds" / "seed000_dense_before_flatten.py"
SEED_TEXT = SEED.read_text(encoding="utf-8")
COMMANDS = ("summary", "check")
# What each command prints for the seed, and its exit status when it does.
MARK = {"summary": 'Model: "sequential" (sequential) at ', "check": ": LL201 "}
FOUND = {"summary": 0, "check": 1}
JSON_KEY = {"summary": lambda doc: [m["path"] for m in doc["models"]],
            "check": lambda doc: [f["filename"] for f in doc]}


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for var in ("NO_COLOR", "FORCE_COLOR", "LAYERLINT_OUTPUT_FORMAT"):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "x.py").write_text(SEED_TEXT, encoding="utf-8")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as e:  # argparse's usage errors
        code = e.code if isinstance(e.code, int) else 2
    out, err = capsys.readouterr()
    return code, out, err


def stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))


@pytest.mark.parametrize("cmd", COMMANDS)
def test_paths_print_as_given_without_dot_slash(cmd: str, project: Path, capsys) -> None:
    for given in (".", "./models", "models/../models"):
        code, out, _ = run(capsys, cmd, given)
        assert code == FOUND[cmd]
        assert f"models/x.py{':' if cmd == 'check' else ':6'}" in out, out
        assert "./models" not in out and "../" not in out
    _, out, _ = run(capsys, cmd, str(project / "models" / "x.py"))
    assert str(project / "models" / "x.py") in out  # an absolute path stays as given


@pytest.mark.parametrize("cmd", COMMANDS)
def test_configured_excludes_apply_to_walks_and_with_force_exclude_to_named_files(cmd: str, project: Path,
                                                                                 capsys) -> None:
    (project / "gen").mkdir()
    (project / "gen" / "built.py").write_text(SEED_TEXT, encoding="utf-8")
    (project / "pyproject.toml").write_text('[tool.layerlint]\nextend-exclude = ["gen"]\n', encoding="utf-8")
    _, out, _ = run(capsys, cmd, ".")
    assert "models/x.py" in out and "gen/" not in out
    # pre-commit names every staged file; the configured exclude still wins with --force-exclude
    code, out, err = run(capsys, cmd, "--force-exclude", "gen/built.py")
    assert code == 0 and MARK[cmd] not in out, err
    (project / "pyproject.toml").write_text('[tool.layerlint]\nextend-exclude = ["gen"]\nforce-exclude = true\n',
                                            encoding="utf-8")
    code, out, _ = run(capsys, cmd, "gen/built.py")
    assert code == 0 and MARK[cmd] not in out


@pytest.mark.parametrize("cmd", COMMANDS)
def test_config_flag_names_the_settings_file(cmd: str, project: Path, capsys) -> None:
    (project / "elsewhere").mkdir()
    (project / "elsewhere" / "lint.toml").write_text('extend-exclude = ["models"]\n', encoding="utf-8")
    code, out, _ = run(capsys, cmd, "--config", "elsewhere/lint.toml", ".")
    assert code == 0 and MARK[cmd] not in out
    code, _, err = run(capsys, cmd, "--config", "missing.toml", ".")
    assert code == 2 and "missing.toml" in err and "not found" in err


@pytest.mark.parametrize("cmd", COMMANDS)
def test_bad_configuration_is_exit_2_naming_file_and_key(cmd: str, project: Path, capsys) -> None:
    (project / "pyproject.toml").write_text("[tool.layerlint]\nextend-exclud = ['x']\n", encoding="utf-8")
    code, out, err = run(capsys, cmd, ".")
    assert code == 2 and out == ""
    assert "pyproject.toml" in err and "`extend-exclud`" in err and "did you mean `extend-exclude`" in err


@pytest.mark.parametrize("cmd", COMMANDS)
def test_missing_path_is_exit_2(cmd: str, project: Path, capsys) -> None:
    code, out, err = run(capsys, cmd, "nope.py")
    assert code == 2 and out == "" and "nope.py: no such file or directory" in err


@pytest.mark.parametrize("cmd", COMMANDS)
def test_stdin_is_reported_under_stdin_filename(cmd: str, project: Path, capsys, monkeypatch) -> None:
    stdin(monkeypatch, SEED_TEXT)
    code, out, _ = run(capsys, cmd, "--stdin-filename", "models/unsaved.py", "-")
    assert code == FOUND[cmd] and "models/unsaved.py:" in out and MARK[cmd] in out
    stdin(monkeypatch, SEED_TEXT)  # the path may be left out: --stdin-filename implies -
    code, out, _ = run(capsys, cmd, "--stdin-filename", "models/unsaved.py")
    assert code == FOUND[cmd] and "models/unsaved.py:" in out
    stdin(monkeypatch, SEED_TEXT)
    code, out, _ = run(capsys, cmd, "--stdin-filename", "./models/unsaved.py", "-")
    assert "models/unsaved.py:" in out and "./models" not in out
    stdin(monkeypatch, SEED_TEXT)
    code, out, _ = run(capsys, cmd, "-")
    assert code == FOUND[cmd] and "-:" in out and "file not found" not in out


@pytest.mark.parametrize("cmd", COMMANDS)
def test_stdin_filename_that_is_excluded_is_skipped_with_force_exclude(cmd: str, project: Path, capsys,
                                                                       monkeypatch) -> None:
    stdin(monkeypatch, SEED_TEXT)
    code, out, _ = run(capsys, cmd, "--force-exclude", "--stdin-filename", "build/x.py", "-")
    assert code == 0 and MARK[cmd] not in out


@pytest.mark.parametrize("cmd", COMMANDS)
def test_output_file_and_json(cmd: str, project: Path, capsys) -> None:
    code, out, _ = run(capsys, cmd, "--output-format", "json", "-o", "reports/out.json", ".")
    assert code == FOUND[cmd] and out == ""
    doc = json.loads((project / "reports" / "out.json").read_text(encoding="utf-8"))
    assert JSON_KEY[cmd](doc)[0] == "models/x.py"
    # --format is the older spelling, kept for both
    code, out, _ = run(capsys, cmd, "--format", "json", ".")
    assert JSON_KEY[cmd](json.loads(out))[0] == "models/x.py"


@pytest.mark.parametrize("cmd", COMMANDS)
def test_output_to_a_directory_is_a_usage_error(cmd: str, project: Path, capsys) -> None:
    (project / "reports").mkdir()
    for target in ("reports", "reports/", "."):
        code, out, err = run(capsys, cmd, "-o", target, ".")
        assert code == 2 and out == ""
        assert err.startswith(f"usage: layerlint {cmd} ") and "is a directory" in err
        assert "internal error" not in err


@pytest.mark.parametrize("cmd", COMMANDS)
def test_color_modes(cmd: str, project: Path, capsys, monkeypatch) -> None:
    _, out, _ = run(capsys, cmd, "--color", "always", ".")
    assert "\x1b[" in out
    _, out, _ = run(capsys, cmd, ".")  # captured stdout is not a terminal
    assert "\x1b[" not in out
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, out, _ = run(capsys, cmd, ".")
    assert "\x1b[" in out
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = run(capsys, cmd, ".")
    assert "\x1b[" not in out
    monkeypatch.delenv("NO_COLOR")
    run(capsys, cmd, "--color", "always", "-o", "out.txt", ".")
    assert "\x1b[" not in (project / "out.txt").read_text(encoding="utf-8")  # files never
    _, out, _ = run(capsys, cmd, "--output-format", "json", "--color", "always", ".")
    assert "\x1b[" not in out


@pytest.mark.parametrize("cmd", COMMANDS)
def test_quiet_and_silent(cmd: str, project: Path, capsys) -> None:
    (project / "a_bad.py").write_text("import keras\nm = keras.Sequential([\n", encoding="utf-8")
    (project / "empty").mkdir()
    (project / "empty" / "plain.py").write_text("x = 1\n", encoding="utf-8")
    _, _, err = run(capsys, cmd, "empty")
    assert err  # a count or "No Keras models found."
    code, out, err = run(capsys, cmd, "-q", "empty")
    assert code == 0 and err == ""
    code, out, err = run(capsys, cmd, "-q", "models")
    assert code == FOUND[cmd] and MARK[cmd] in out and err == ""
    code, out, err = run(capsys, cmd, "-s", ".")
    assert out == "" and err == "" and code in (1, 2)  # the exit status tells
    code, _, err = run(capsys, cmd, "-q", "-s", ".")
    assert code == 2 and "not allowed with" in err


@pytest.mark.parametrize("cmd", COMMANDS)
def test_unknown_flag_shows_the_subcommands_usage_and_a_suggestion(cmd: str, project: Path, capsys) -> None:
    code, out, err = run(capsys, cmd, "--outputformat", "json", ".")
    assert code == 2 and out == ""
    assert err.startswith(f"usage: layerlint {cmd} ")
    assert "unrecognized arguments: --outputformat" in err and "did you mean --output-format?" in err
    code, _, err = run(capsys, cmd, "--colour=never", ".")
    assert code == 2 and "did you mean --color?" in err
    code, _, err = run(capsys, cmd, "--output-format", "jsn", ".")
    assert code == 2 and err.startswith(f"usage: layerlint {cmd} ") and "did you mean 'json'?" in err


def test_check_fix_shows_checks_usage(project: Path, capsys) -> None:
    code, out, err = run(capsys, "check", "--fix", ".")
    assert code == 2 and out == ""
    assert err.startswith("usage: layerlint check ") and "unrecognized arguments: --fix" in err
    assert "--add-noqa" in err  # what it can do instead


def test_an_option_of_the_other_subcommand_is_named_as_such(project: Path, capsys) -> None:
    code, _, err = run(capsys, "summary", "--statistics", ".")
    assert code == 2 and err.startswith("usage: layerlint summary ")
    assert "--statistics is an option of `layerlint check`" in err


def test_mistyped_subcommand_gets_a_suggestion(capsys) -> None:
    code, out, err = run(capsys, "chek", ".")
    assert code == 2 and out == ""
    assert err.startswith("usage: layerlint ") and "invalid choice: 'chek'" in err and "did you mean 'check'?" in err
    code, _, err = run(capsys, "sumary", "x.py")
    assert "did you mean 'summary'?" in err


def _subparser(name: str) -> argparse.ArgumentParser:
    return build_parser().subcommands[name]


@pytest.mark.parametrize("cmd", (*COMMANDS, "config", "clean", "rule"))
def test_every_option_has_help(cmd: str) -> None:
    parser = _subparser(cmd)
    missing = [a.dest for a in parser._actions if not a.help]
    assert not missing, f"{cmd}: options without help: {missing}"
    assert parser.description


@pytest.mark.parametrize("cmd", COMMANDS)
def test_help_has_examples_and_the_exit_status(cmd: str, capsys) -> None:
    code, out, _ = run(capsys, cmd, "--help")
    assert code == 0
    for part in ("examples:", "exit status: 0", "--stdin-filename", "--output-format", "--config", "-o FILE",
                 "--color", "--quiet", "--silent", "--force-exclude"):
        assert part in out, part


def test_summary_exit_status_as_documented(project: Path, capsys) -> None:
    assert run(capsys, "summary", ".")[0] == 0
    (project / "plain.py").write_text("x = 1\n", encoding="utf-8")
    assert run(capsys, "summary", "plain.py")[0] == 0  # no model is not a failure
    (project / "bad.py").write_text("import keras\nm = keras.Sequential([\n", encoding="utf-8")
    code, out, err = run(capsys, "summary", ".")
    assert code == 2 and "bad.py:2:22: LL001 syntax error" in err and "models/x.py:6" in out


def test_statistics_honours_json(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "check", "--statistics", "--output-format", "json", ".")
    assert code == 1
    assert json.loads(out) == [{"code": "LL201", "name": "dense-on-unflattened-input", "count": 1}]
    _, out, _ = run(capsys, "check", "--statistics", "--output-format", "json-lines", ".")
    assert [json.loads(line)["code"] for line in out.splitlines()] == ["LL201"]
    _, out, _ = run(capsys, "check", "--statistics", ".")
    assert out.splitlines() == ["    1  LL201  dense-on-unflattened-input"]


def test_unwritable_output_file_is_an_error_not_a_crash(project: Path, capsys) -> None:
    (project / "blocker").write_text("a file where a folder should be", encoding="utf-8")
    for cmd in COMMANDS:
        code, _, err = run(capsys, cmd, "-o", "blocker/out.txt", ".")
        assert code == 2 and "layerlint: error: cannot write blocker/out.txt" in err
        assert "internal error" not in err
