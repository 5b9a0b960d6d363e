"""Every --output-format: fields, positions, relative paths and escaping."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from layerlint.diagnostics import Diagnostic
from layerlint.report.color import Palette, should_color
from layerlint.report.formats import FORMATS, RuleDescriptor, render
from layerlint.report.formats.ci import escape_github_data, escape_github_property
from layerlint.runner.progress import Progress

RULES = [
    RuleDescriptor("LL201", "dense-on-unflattened-input", "Dense applied to a rank-3 tensor",
                   "Dense acts on the last axis only; flatten first.", "https://example.invalid/ll201"),
    RuleDescriptor("LL301", "huge-layer", "A layer with too many parameters"),
]


def diag(path: str, line: int = 3, col: int = 10, end_line: int = 3, end_col: int = 26, code: str = "LL201",
         message: str = "Dense(300) applied to (None, 32, 100)", severity: str = "error",
         fix: str | None = "add Flatten() before Dense(300)", cell: int | None = None) -> Diagnostic:
    names = {"LL201": "dense-on-unflattened-input", "LL301": "huge-layer", "LL001": "syntax-error"}
    return Diagnostic(code, names[code], message, severity, path, line, col, end_line, end_col, fix, cell)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "model.py").write_text(
        "import keras\nm = keras.Sequential()\nm.add(keras.layers.Dense(300))\n", encoding="utf-8")
    return tmp_path


def test_concise_is_one_line_per_finding_with_one_based_columns(project: Path) -> None:
    d = diag("src/model.py")
    nb = diag("nb.ipynb", line=2, col=4, end_line=2, end_col=9, cell=3)
    out = render([nb, d], "concise", project)
    # sorted by path, the notebook line carries its cell
    assert out == ("nb.ipynb:cell 3:2:5: LL201 Dense(300) applied to (None, 32, 100)\n"
                   "src/model.py:3:11: LL201 Dense(300) applied to (None, 32, 100)\n")


def test_concise_with_color_keeps_the_text(project: Path) -> None:
    out = render([diag("src/model.py")], "concise", project, color=True)
    assert "\x1b[" in out
    assert re.sub(r"\x1b\[[0-9;]*m", "", out) == render([diag("src/model.py")], "concise", project)


def test_full_shows_source_caret_and_fix(project: Path) -> None:
    path = str(project / "src" / "model.py")
    out = render([diag(path, line=3, col=6, end_col=29)], "full", project)
    lines = out.splitlines()
    assert lines[0].endswith(":3:7: LL201 Dense(300) applied to (None, 32, 100)")
    assert lines[2] == "3 | m.add(keras.layers.Dense(300))"
    assert lines[3] == "  |       " + "^" * len("keras.layers.Dense(300)")
    assert lines[4] == "  = fix: add Flatten() before Dense(300)"


def test_full_uses_given_sources_and_notebook_cells(project: Path) -> None:
    nb = json.dumps({"cells": [{"cell_type": "markdown", "source": "x"},
                               {"cell_type": "code", "source": ["a = 1\n", "layer = Dense(4)\n"]}]})
    out = render([diag("n.ipynb", line=2, col=8, end_line=2, end_col=16, cell=2, fix=None)], "full", project,
                 sources={"n.ipynb": nb})
    assert "2 | layer = Dense(4)" in out
    assert "  |         ^^^^^^^^" in out
    assert "fix" not in out


def test_json_fields(project: Path) -> None:
    out = json.loads(render([diag("src/model.py"), diag("n.ipynb", 2, 0, 2, 4, cell=4, fix=None)], "json", project))
    assert [o["filename"] for o in out] == ["n.ipynb", "src/model.py"]
    first, second = out[1], out[0]
    assert first == {
        "code": "LL201", "name": "dense-on-unflattened-input", "message": "Dense(300) applied to (None, 32, 100)",
        "severity": "error", "filename": "src/model.py", "cell": None,
        "location": {"row": 3, "column": 11}, "end_location": {"row": 3, "column": 27},
        "fix": "add Flatten() before Dense(300)",
        "url": "https://github.com/layerlint/layerlint/blob/main/README.md#ll201",
    }
    assert second["cell"] == 4 and second["location"] == {"row": 2, "column": 1} and second["fix"] is None


def test_json_lines_one_object_each(project: Path) -> None:
    out = render([diag("a.py"), diag("b.py", code="LL301", severity="warning")], "json-lines", project)
    lines = out.splitlines()
    assert len(lines) == 2
    assert [json.loads(x)["code"] for x in lines] == ["LL201", "LL301"]
    assert render([], "json-lines", project) == ""
    assert json.loads(render([], "json", project)) == []


def test_github_workflow_commands(project: Path) -> None:
    out = render([diag("src/model.py"), diag("src/model.py", 9, 0, 10, 4, code="LL301", severity="warning"),
                  diag("src/x.py", severity="info")], "github", project).splitlines()
    assert out[0] == ("::error title=layerlint (LL201),file=src/model.py,line=3,col=11,endLine=3,endColumn=27"
                      "::Dense(300) applied to (None, 32, 100)")
    assert out[1].startswith("::warning title=layerlint (LL301),file=src/model.py,line=9,col=1,endLine=10,endColumn=5::")
    assert out[2].startswith("::notice ")


def test_github_escaping() -> None:
    assert escape_github_data("50% off\r\nnext: a,b") == "50%25 off%0D%0Anext: a,b"
    assert escape_github_property("a:b,c%d\n") == "a%3Ab%2Cc%25d%0A"
    d = diag("dir,with:odd%name.py", message="ratio 100%\nsecond line, with: colon")
    line = render([d], "github", Path("/nonexistent"))
    assert "file=dir%2Cwith%3Aodd%25name.py," in line
    assert line.rstrip("\n").endswith("::ratio 100%25%0Asecond line, with: colon")
    assert line.count("\n") == 1


def test_gitlab_code_quality(project: Path) -> None:
    same = diag(str(project / "src" / "model.py"))
    out = json.loads(render([same, same, diag(str(project / "src" / "model.py"), line=8, code="LL301",
                                              severity="warning")], "gitlab", project))
    assert len(out) == 3
    first = out[0]
    assert first["description"] == "LL201 Dense(300) applied to (None, 32, 100)"
    assert first["check_name"] == "LL201"
    assert first["severity"] == "major"
    assert first["location"] == {"path": "src/model.py", "lines": {"begin": 3, "end": 3}}
    assert out[2]["severity"] == "minor"
    fingerprints = [o["fingerprint"] for o in out]
    assert len(set(fingerprints)) == 3  # identical findings still get distinct fingerprints
    # stable: the same input gives the same fingerprints
    again = json.loads(render([same, same], "gitlab", project))
    assert [o["fingerprint"] for o in again] == fingerprints[:2]


def test_sarif_document(project: Path) -> None:
    diags = [diag(str(project / "src" / "model.py")), diag("src/dir with space/m.py", code="LL301",
                                                           severity="info", fix=None),
             diag("src/broken.py", 1, 0, 1, 0, code="LL001", message="syntax error: x", fix=None)]
    doc = json.loads(render(diags, "sarif", project, RULES, version="9.9"))
    assert doc["version"] == "2.1.0"
    assert doc["$schema"].endswith("sarif-2.1.0.json")
    driver = doc["runs"][0]["tool"]["driver"]
    assert driver["name"] == "layerlint" and driver["version"] == "9.9"
    assert driver["informationUri"].startswith("https://")
    rules = {r["id"]: r for r in driver["rules"]}
    assert set(rules) == {"LL001", "LL201", "LL301"}  # undescribed codes still resolve
    assert rules["LL201"]["shortDescription"]["text"] == "Dense applied to a rank-3 tensor"
    assert rules["LL201"]["fullDescription"]["text"].startswith("Dense acts on the last axis")
    assert rules["LL201"]["help"]["text"]
    assert rules["LL301"]["fullDescription"]["text"] == "A layer with too many parameters"
    results = doc["runs"][0]["results"]
    by_rule = {r["ruleId"]: r for r in results}
    r201 = by_rule["LL201"]
    assert r201["level"] == "error"
    assert r201["message"]["text"].startswith("Dense(300) applied to (None, 32, 100)")
    loc = r201["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "src/model.py"
    assert loc["region"] == {"startLine": 3, "startColumn": 11, "endLine": 3, "endColumn": 27}
    assert by_rule["LL301"]["level"] == "note"
    assert by_rule["LL301"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/dir%20with%20space/m.py"
    for r in results:
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]


def test_every_format_renders_nothing_sensibly(project: Path) -> None:
    for fmt in FORMATS:
        out = render([], fmt, project, RULES)
        assert isinstance(out, str)
    with pytest.raises(ValueError, match="unknown output format"):
        render([], "xml", project)


def test_rule_descriptors_may_be_tuples(project: Path) -> None:
    doc = json.loads(render([], "sarif", project, [("LL201", "n", "s", "d")]))
    assert doc["runs"][0]["tool"]["driver"]["rules"][0]["fullDescription"]["text"] == "d"


class FakeStream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize("mode, env, tty, expected", [
    ("always", {"NO_COLOR": "1"}, False, True),
    ("never", {"FORCE_COLOR": "1"}, True, False),
    ("auto", {}, True, True),
    ("auto", {}, False, False),
    ("auto", {"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),  # NO_COLOR beats FORCE_COLOR
    ("auto", {"FORCE_COLOR": "1"}, False, True),  # FORCE_COLOR beats TTY detection
    ("auto", {"NO_COLOR": ""}, True, True),  # empty NO_COLOR does not count
    ("auto", {"FORCE_COLOR": "0"}, False, False),
    ("auto", {"TERM": "dumb"}, True, False),
])
def test_color_precedence(mode: str, env: dict, tty: bool, expected: bool) -> None:
    assert should_color(mode, FakeStream(tty), env) is expected


def test_palette_off_is_plain() -> None:
    assert Palette(False).code("LL201") == "LL201"
    assert Palette(True).code("LL201").startswith("\x1b[")


# --- editor snippets in README.md must parse our concise lines ---------------

EDITORS_DOC = Path(__file__).resolve().parent.parent / "README.md"


def _code_blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", EDITORS_DOC.read_text(encoding="utf-8"), re.DOTALL)


def vscode_regex() -> str:
    (block,) = [b for b in _code_blocks("json") if "problemMatcher" in b]
    return json.loads(block)["tasks"][0]["problemMatcher"]["pattern"]["regexp"]


def errorformat_regex(efm: str) -> str:
    """Vim's %f/%l/%c/%m as a Python regex (the parts our snippets use)."""
    parts = {"%f": "(?P<file>.+?)", "%l": r"(?P<line>\d+)", "%c": r"(?P<col>\d+)", "%m": "(?P<msg>.*)"}
    return "^" + re.sub(r"%[flcm]|[^%]+", lambda m: parts.get(m.group(0), re.escape(m.group(0))), efm) + "$"


def emacs_regex() -> str:
    (block,) = _code_blocks("elisp")
    lisp_string = re.search(r'search-forward-regexp\s+"((?:[^"\\]|\\.)*)"', block).group(1)
    emacs = lisp_string.replace("\\\\", "\\")
    return emacs.replace("\\(", "(").replace("\\)", ")")


def sample_lines(project: Path) -> list[str]:
    diags = [diag("src/model.py"), diag("C:/work/m.py", line=12, col=0),
             diag("nb.ipynb", line=2, col=4, end_line=2, end_col=9, cell=3),
             diag("dir with space/m.py", message="odd: message, with 100% (None, 3)")]
    return render(diags, "concise", project).splitlines()


def test_vscode_problem_matcher_parses_concise_output(project: Path) -> None:
    regex = re.compile(vscode_regex())
    assert regex.pattern == r"^(.+?):(?:cell \d+:)?(\d+):(\d+): (LL\d+) (.*)$"
    parsed = [regex.match(line).groups() for line in sample_lines(project)]
    assert ("C:/work/m.py", "12", "1", "LL201", "Dense(300) applied to (None, 32, 100)") in parsed
    assert ("nb.ipynb", "2", "5", "LL201", "Dense(300) applied to (None, 32, 100)") in parsed
    assert ("dir with space/m.py", "3", "11", "LL201", "odd: message, with 100% (None, 3)") in parsed
    assert ("src/model.py", "3", "11", "LL201", "Dense(300) applied to (None, 32, 100)") in parsed


def test_vim_errorformat_and_emacs_regex_parse_concise_output(project: Path) -> None:
    efms = set(re.findall(r"%f:%l:%c:(?:\\)? %m", EDITORS_DOC.read_text(encoding="utf-8")))
    assert efms == {"%f:%l:%c: %m", "%f:%l:%c:\\ %m"}  # nvim/efm, and Vim's escaped space
    efm = re.compile(errorformat_regex("%f:%l:%c: %m"))
    m = efm.match("src/model.py:3:11: LL201 Dense(300) applied to (None, 32, 100)")
    assert m and (m["file"], m["line"], m["col"]) == ("src/model.py", "3", "11")
    assert m["msg"].startswith("LL201 ")
    emacs = re.compile(emacs_regex())
    for line in sample_lines(project):
        if "cell " in line:
            continue
        m = emacs.match(line)
        assert m and m.group(3).startswith("LL201 ")


class TtyBuffer(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_progress_bar_only_for_long_runs_on_a_terminal() -> None:
    for total, tty, shown in [(100, True, True), (100, False, False), (5, True, False)]:
        stream = TtyBuffer(tty)
        with Progress(total, stream, min_interval=0) as bar:
            for i in range(total):
                bar.advance(f"f{i}.py")
        text = stream.getvalue()
        assert bool(text) is shown
        if shown:
            assert f"{total}/{total} f{total - 1}.py" in text
            assert text.endswith("\r\x1b[K")  # the line is cleared, leaving stderr clean
