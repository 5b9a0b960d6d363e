"""LL005 unused-noqa: `# noqa` codes that name no rule or suppress nothing (ruff's RUF100)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from layerlint.cli.main import main

MODEL = textwrap.dedent("""\
    from keras import Input, Sequential, layers

    model = Sequential([
        Input((32, 100)),
        layers.Dense(300, activation="relu"),{a}
        layers.Flatten(),
        layers.Dense(8),{b}
    ])
""")


def findings(tmp_path: Path, capsys, text: str, *flags: str) -> list[str]:
    path = tmp_path / "m.py"
    path.write_text(text, encoding="utf-8")
    main(["check", "--output-format", "json", *flags, str(path)])
    return [f"{f['location']['row']}:{f['location']['column']} {f['code']} {f['message']}"
            for f in json.loads(capsys.readouterr().out)]


@pytest.mark.parametrize(("a", "b", "expected"), [
    # used: nothing to report
    ("  # noqa: LL201", "", []),
    ("  # noqa: LL2", "", []),
    ("  # noqa", "  # noqa", []),  # bare noqa is not judged
    # a code that names no rule
    ("  # noqa: LL201", "  # noqa: LL999", ["7:23 LL005 `noqa` names LL999, which matches no rule"]),
    ("  # noqa: LL201, LL299", "", ["5:44 LL005 `noqa` names LL299, which matches no rule"]),
    # a rule that ran and found nothing there
    ("  # noqa: LL201", "  # noqa: LL201",
     ["7:23 LL005 `noqa` code LL201 suppresses nothing: no LL201 finding on this line"]),
    ("  # noqa: LL201, LL301", "",
     ["5:44 LL005 `noqa` code LL301 suppresses nothing: no LL301 finding on this line"]),
    # other tools' codes are theirs to judge
    ("  # noqa: LL201, E501", "  # noqa: F401", []),
    # LL005 can itself be suppressed
    ("  # noqa: LL201", "  # noqa: LL999, LL005", []),
])
def test_line_directives(tmp_path: Path, capsys, a: str, b: str, expected: list[str]) -> None:
    assert findings(tmp_path, capsys, MODEL.format(a=a, b=b)) == expected


def test_rules_that_did_not_run_are_not_judged(tmp_path: Path, capsys) -> None:
    text = MODEL.format(a="  # noqa: LL201", b="  # noqa: LL301")
    assert findings(tmp_path, capsys, text, "--select", "LL0") == []  # LL201 and LL301 did not run
    assert findings(tmp_path, capsys, text, "--ignore", "LL301") == []
    assert len(findings(tmp_path, capsys, text)) == 1  # LL301 ran and found nothing on line 7
    assert findings(tmp_path, capsys, text, "--ignore", "LL005") == []


def test_file_directives(tmp_path: Path, capsys) -> None:
    text = "# layerlint: noqa: LL404, LL998\n" + MODEL.format(a="  # noqa: LL201", b="")
    assert findings(tmp_path, capsys, text) == [
        "1:1 LL005 `noqa` code LL404 suppresses nothing: no LL404 finding in this file",
        "1:1 LL005 `noqa` names LL998, which matches no rule",
    ]


def test_notebook_directives_point_at_the_cell(tmp_path: Path, capsys) -> None:
    lines = MODEL.format(a="  # noqa: LL201", b="  # noqa: LL999").splitlines(keepends=True)
    nb = {"cells": [{"cell_type": "code", "source": lines[:2]}, {"cell_type": "code", "source": lines[2:]}],
          "metadata": {}}
    (tmp_path / "n.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    main(["check", str(tmp_path / "n.ipynb")])
    assert f"{tmp_path / 'n.ipynb'}:cell 2:5:23: LL005 `noqa` names LL999" in capsys.readouterr().out
