"""``check --add-noqa``: suppressions written for the current findings, the rest of the file untouched."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from layerlint.cli.main import main
from layerlint.diagnostics import Diagnostic
from layerlint.runner.add_noqa import add_noqa_to_source, merged_comment

BUGGY = '''\
# -*- coding: latin-1 -*-
from keras import Input, Sequential, layers

model = Sequential([
    Input((32, 100)),
    layers.Dense(300, activation="relu"),  # wide layer \xe9
    layers.Flatten(),
    layers.Dense(1, activation="softmax"),  # noqa: E501
])
other = Sequential([Input((32, 100)), layers.Dense(300), layers.Flatten(),
                    layers.Dense(1)])
'''


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("comment", "codes", "expected"), [
    (None, {"LL201"}, "# noqa: LL201"),
    ("# noqa: LL301", {"LL404"}, "# noqa: LL301, LL404"),
    ("# noqa:LL3", {"LL301", "LL404"}, "# noqa:LL3, LL404"),  # LL301 is already covered by LL3
    ("# noqa", {"LL201"}, "# noqa"),
    ("# why this layer is wide", {"LL201", "LL101"}, "# why this layer is wide  # noqa: LL101, LL201"),
])
def test_merged_comment(comment, codes, expected) -> None:
    assert merged_comment(comment, codes)[0] == expected


def test_writes_suppressions_and_keeps_everything_else(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "m.py"
    path.write_bytes(BUGGY.encode("latin-1"))
    code, out, _ = run(capsys, "check", "m.py")
    assert code == 1 and [line.split()[1] for line in out.splitlines()] == ["LL201", "LL404", "LL201"]
    code, out, err = run(capsys, "check", "--add-noqa", "m.py")
    assert code == 0 and out == "" and "Added 3 noqa directives to 1 file." in err
    after = path.read_bytes()
    assert after.decode("latin-1").splitlines() == [
        "# -*- coding: latin-1 -*-",
        "from keras import Input, Sequential, layers",
        "",
        "model = Sequential([",
        "    Input((32, 100)),",
        '    layers.Dense(300, activation="relu"),  # wide layer \xe9  # noqa: LL201',
        "    layers.Flatten(),",
        '    layers.Dense(1, activation="softmax"),  # noqa: E501, LL404',
        "])",
        "other = Sequential([Input((32, 100)), layers.Dense(300), layers.Flatten(),  # noqa: LL201",
        "                    layers.Dense(1)])",
    ]
    assert run(capsys, "check", "m.py")[0] == 0  # the findings are suppressed now
    run(capsys, "check", "--add-noqa", "m.py")
    assert path.read_bytes() == after  # nothing more to add


def test_a_finding_on_a_line_inside_a_string_goes_to_its_last_line() -> None:
    source = b'x = f(a, """\ntext\n""", b)\n'
    d = Diagnostic("LL201", "n", "m", "warning", "m.py", 2, 0, 3, 3)
    new, added, homeless = add_noqa_to_source(source, [d])
    assert new == b'x = f(a, """\ntext\n""", b)  # noqa: LL201\n' and (added, homeless) == (1, 0)


def test_notebooks_and_stdin_are_left_alone(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    text = BUGGY.split("\n", 1)[1]
    nb = {"cells": [{"cell_type": "code", "source": text.splitlines(keepends=True)}], "metadata": {}}
    (tmp_path / "n.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    before = (tmp_path / "n.ipynb").read_bytes()
    code, _, err = run(capsys, "check", "--add-noqa", "n.ipynb")
    assert code == 0 and (tmp_path / "n.ipynb").read_bytes() == before
    assert "n.ipynb: notebooks are not rewritten" in err and "Added 0 noqa directives" in err
    (tmp_path / "m.py").write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    code, _, err = run(capsys, "check", "--add-noqa", "--stdin-filename", "m.py", "-")
    assert (tmp_path / "m.py").read_text(encoding="utf-8") == "x = 1\n"
    assert "m.py: standard input cannot be rewritten" in err
