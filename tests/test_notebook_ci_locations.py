"""Notebook findings in the formats CI systems read (github, gitlab, sarif) land on the line of
the raw .ipynb that holds the source line, with the cell and line in the message; SARIF output
is valid against the SARIF 2.1.0 schema (vendored in tests/data/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from layerlint.cli.main import main
from layerlint.sources.notebook_positions import RawNotebook

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "seeds" / "seed000_dense_before_flatten.py"
SEED_LINES = SEED.read_text(encoding="utf-8").splitlines(keepends=True)
SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"


def notebook(ensure_ascii: bool = True) -> str:
    """The seed split over two code cells after a markdown cell, written as Jupyter writes it."""
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# A model \u00e9\n", "with \"quotes\""]},
             {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
              "source": ["%load_ext autoreload\n", *SEED_LINES[:8]]},
             {"cell_type": "code", "execution_count": 1, "metadata": {"tags": ["x"]},
              "outputs": [{"name": "stdout", "output_type": "stream", "text": ["layers.Dense(300)\n"]}],
              "source": SEED_LINES[8:]}]
    doc = {"cells": cells, "metadata": {"language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(doc, indent=1, ensure_ascii=ensure_ascii) + "\n"


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LAYERLINT_OUTPUT_FORMAT", raising=False)
    (tmp_path / "nb.ipynb").write_text(notebook(), encoding="utf-8")
    return tmp_path


def run(capsys, *argv: str) -> str:
    main(list(argv))
    return capsys.readouterr().out


def raw_line(project: Path, line: int) -> str:
    return (project / "nb.ipynb").read_text(encoding="utf-8").splitlines()[line - 1]


# The seed's LL201 is at its line 11, column 12: the 3rd line of cell 3.
DENSE = 'Dense(300, activation=\\"relu\\")'


def test_github_points_at_the_raw_line_with_the_cell_in_the_message(project: Path, capsys) -> None:
    out = run(capsys, "check", "--select", "LL201", "--output-format", "github", "nb.ipynb")
    props, message = out.strip().split("::", 2)[1:]
    fields = dict(kv.split("=", 1) for kv in props.split(" ", 1)[1].split(","))
    line, col, end_col = int(fields["line"]), int(fields["col"]), int(fields["endColumn"])
    assert raw_line(project, line)[col - 1:end_col - 1] == DENSE
    assert int(fields["endLine"]) == line
    assert message.startswith("cell 3, line 3: Dense(300) on (None, 32, 100)")


def test_gitlab_lines_are_lines_of_the_raw_file(project: Path, capsys) -> None:
    (issue,) = json.loads(run(capsys, "check", "--select", "LL201", "--output-format", "gitlab", "nb.ipynb"))
    begin = issue["location"]["lines"]["begin"]
    assert DENSE in raw_line(project, begin) and issue["location"]["lines"]["end"] == begin
    assert issue["description"].startswith("cell 3, line 3: LL201 ")


def test_sarif_region_is_in_the_raw_file_and_the_cell_is_kept(project: Path, capsys) -> None:
    doc = json.loads(run(capsys, "check", "--select", "LL201", "--output-format", "sarif", "nb.ipynb"))
    (result,) = doc["runs"][0]["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    text = raw_line(project, region["startLine"])
    assert text[region["startColumn"] - 1:region["endColumn"] - 1] == DENSE
    assert result["message"]["text"].startswith("cell 3, line 3: ")
    assert result["properties"] == {"cell": 3, "cellLine": 3, "cellColumn": 12}


def test_text_formats_keep_counting_in_the_cell(project: Path, capsys) -> None:
    assert run(capsys, "check", "--select", "LL201", "nb.ipynb").startswith("nb.ipynb:cell 3:3:12: LL201 ")


def test_stdin_notebook_is_placed_from_the_text_read(project: Path, capsys, monkeypatch) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(notebook(ensure_ascii=False).encode())))
    out = run(capsys, "check", "--select", "LL201", "--output-format", "github", "--stdin-filename", "new.ipynb", "-")
    fields = dict(kv.split("=", 1) for kv in out.split("::", 2)[1].split(" ", 1)[1].split(","))
    line = notebook(ensure_ascii=False).splitlines()[int(fields["line"]) - 1]
    assert line[int(fields["col"]) - 1:].startswith(DENSE)


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_positions_through_escapes(ensure_ascii: bool) -> None:
    source = ["x = \"\u00e9\\\"\" + '\U0001f600'  # \u00e9\n", "y = Dense(3)\n", "z\tw"]
    raw = json.dumps({"cells": [{"cell_type": "markdown", "source": "m"},
                                {"cell_type": "code", "source": source}]}, indent=1, ensure_ascii=ensure_ascii)
    nb = RawNotebook(raw)
    lines = raw.splitlines()
    for cell_line, col, expected in [(1, 0, "x = "), (1, 17, "# "), (2, 4, "Dense(3)"), (3, 2, 'w"')]:
        line, raw_col = nb.locate(2, cell_line, col)
        assert lines[line - 1][raw_col:].startswith(expected), (cell_line, col)
    assert nb.locate(2, 9, 0) is None and nb.locate(5, 1, 0) is None


def test_source_as_one_string_and_unreadable_json() -> None:
    raw = '{"cells": [{"cell_type": "code", "source": "a = 1\\nb = Dense(2)\\n"}]}'
    assert RawNotebook(raw).locate(1, 2, 4) == (1, raw.index("Dense"))
    assert RawNotebook('{"cells": [').locate(1, 1, 0) is None


jsonschema = pytest.importorskip("jsonschema") if not __import__("os").environ.get("CI") else __import__("jsonschema")


@pytest.mark.parametrize("paths", [["nb.ipynb"], ["model.py", "broken.py", "nb.ipynb"], ["empty.py"]])
def test_sarif_is_valid_against_the_schema(project: Path, capsys, paths: list[str]) -> None:
    (project / "model.py").write_text("".join(SEED_LINES), encoding="utf-8")
    (project / "broken.py").write_text("import keras\nm = keras.Sequential([\n", encoding="utf-8")
    (project / "empty.py").write_text("x = 1\n", encoding="utf-8")
    doc = json.loads(run(capsys, "check", "--extend-select", "LL9", "--output-format", "sarif", *paths))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    assert (len(doc["runs"][0]["results"]) > 0) == (paths != ["empty.py"])


def test_the_schema_catches_a_broken_document() -> None:
    """The validation above can fail: a region without a start line number is refused."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "layerlint"}},
                                         "results": [{"message": {"text": "x"}, "level": "fatal"}]}]}
    assert list(jsonschema.Draft4Validator(schema).iter_errors(bad))
