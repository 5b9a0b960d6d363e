"""What a run imports: nothing it does not need (TensorFlow, other formatters, the
rules for `summary`, the TOML parser when there is no configuration file).  Start-up
is most of a one-file run, so a stray import is a slowdown on every save."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

MODEL = "from tensorflow import keras\nmodel = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])\n"


# The CLI run in a fresh interpreter, which then lists every module it holds
# (-X importtime misses modules loaded through importlib, as formatters are).
PROBE = """
import json, sys
from layerlint.cli.main import main
try:
    main(sys.argv[2:])
finally:
    with open(sys.argv[1], "w") as f:
        json.dump(sorted(sys.modules), f)
"""


def imported(args: list[str], cwd: Path) -> set[str]:
    out = cwd / "modules.json"
    proc = subprocess.run([sys.executable, "-c", PROBE, str(out), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)
    assert out.exists(), proc.stderr[-2000:]
    return set(json.loads(out.read_text()))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "model.py").write_text(MODEL, encoding="utf-8")
    return tmp_path


NEVER = {"tensorflow", "keras", "layerlint.confirm.compare", "layerlint.confirm.rebuild"}


def test_check_imports_only_its_formatter(project: Path) -> None:
    mods = imported(["check", "--no-cache", "model.py"], project)
    assert "layerlint.analyze" in mods and "layerlint.report.formats.text" in mods  # the probe sees real imports
    assert not mods & (NEVER | {"layerlint.report.formats.ci", "layerlint.report.formats.machine", "tomllib", "tomli",
                                "layerlint.report.summary"})


def test_json_output_imports_the_json_formatter_only(project: Path) -> None:
    mods = imported(["check", "--no-cache", "--output-format", "json", "model.py"], project)
    assert "layerlint.report.formats.machine" in mods
    assert not mods & (NEVER | {"layerlint.report.formats.text", "layerlint.report.formats.ci"})


def test_summary_imports_no_rules_or_formatters(project: Path) -> None:
    mods = imported(["summary", "model.py"], project)
    assert "layerlint.report.summary" in mods
    assert not mods & (NEVER | {"layerlint.rules._builtin", "layerlint.rules.structure", "layerlint.report.formats.text"})


def test_summary_imports_none_of_checks_machinery(project: Path) -> None:
    """Nor what only `check` (its cache, workers, coverage lines, formatters) or a table never read needs."""
    mods = imported(["summary", "model.py"], project)
    assert "layerlint.runner.cache" in mods  # the command line names the cache directory in check's help
    assert not mods & {"layerlint.runner.check", "layerlint.runner.parallel", "layerlint.runner.progress",
                       "layerlint.report.coverage", "layerlint.report.formats",
                       "importlib.resources", "tempfile", "hashlib"}


def test_a_configuration_file_brings_the_toml_parser(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.layerlint]\nignore = ['LL201']\n", encoding="utf-8")
    mods = imported(["check", "--no-cache", "model.py"], project)
    assert {"tomllib", "tomli"} & mods


def test_summary_with_excludes_configured_imports_no_rules(project: Path) -> None:
    """summary reads the same configuration as check, but only file selection matters to it."""
    (project / "pyproject.toml").write_text("[tool.layerlint]\nextend-exclude = ['gen']\n", encoding="utf-8")
    mods = imported(["summary", "model.py"], project)
    assert "layerlint.report.summary" in mods and {"tomllib", "tomli"} & mods
    assert not mods & (NEVER | {"layerlint.rules._builtin", "layerlint.rules.structure", "difflib"})


def test_check_loads_no_suggestion_machinery(project: Path) -> None:
    assert "difflib" not in imported(["check", "--no-cache", "model.py"], project)
