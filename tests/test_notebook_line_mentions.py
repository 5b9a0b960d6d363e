"""A notebook's reader finds lines by cell: every line a message names is named so.

The engine words its reasons on the joined program (``\\`Dense\\` at line 9 has an
unknown output``); in a notebook that number is nowhere to be seen, so the output
names the cell (``at cell 3, line 4``).  The user's code in backticks is left as
written, and a line of another module is named by its file.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from layerlint.extract.modules import clear_registry
from layerlint.runner.pipeline import analyze_path
from layerlint.sources.notebook import parse_notebook

from tests.test_notebook import notebook

HUB_IN_A_BUILDER = notebook(
    ("markdown", "# A model on a hub layer"),
    ("code", "import keras\nfrom keras import layers\nimport tensorflow_hub as hub\n"),
    ("code", "def build(units):\n"
             "    inp = keras.Input((224, 224, 3))\n"
             "    x = hub.KerasLayer('https://tfhub.dev/x/feature_vector/5')(inp)\n"
             "    x = layers.Dense(units, activation='relu')(x)\n"
             "    return keras.Model(inp, layers.Dense(3)(x))\n"),
    ("markdown", "Build it."),
    ("code", "model = build(16)\n"),
)

# What stops the analysis is made in cell 3, by a helper; the model in cell 5.
HUB_MADE_BY_A_HELPER = notebook(
    ("code", "import keras\nfrom keras import layers\nimport tensorflow_hub as hub\n"),
    ("markdown", "The encoder."),
    ("code", "def encode(x):\n    return hub.KerasLayer('https://tfhub.dev/x/feature_vector/5')(x)\n"),
    ("markdown", "The classifier."),
    ("code", "inp = keras.Input((224, 224, 3))\nmodel = keras.Model(inp, layers.Dense(1)(encode(inp)))\n"),
)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "layerlint", *args], capture_output=True, text=True, cwd=cwd)


def test_summary_reasons_and_context_name_cells(tmp_path: Path) -> None:
    (tmp_path / "hub.ipynb").write_text(HUB_IN_A_BUILDER, encoding="utf-8")
    out = run("summary", "hub.ipynb", cwd=tmp_path).stdout
    # the hub layer is cell 3, line 3; the first Dense cell 3, line 4; build(16) is cell 5, line 1
    assert "[build() called at cell 5, line 1]" in out
    assert "input unknown: `hub.KerasLayer` at cell 3, line 3 has an unknown output" in out
    assert "input unknown: `Dense` at cell 3, line 4 has an unknown output" in out
    assert " at line " not in out and " called at line" not in out

    doc = json.loads(run("summary", "--format", "json", "hub.ipynb", cwd=tmp_path).stdout)
    model = doc["models"][0]
    assert model["context"] == "build() called at cell 5, line 1"
    dense = model["layers"][2]
    assert (dense["cell"], dense["line"]) == (3, 4)
    assert dense["reason"] == "input unknown: `hub.KerasLayer` at cell 3, line 3 has an unknown output"


def test_coverage_names_the_cell_of_the_cause(tmp_path: Path) -> None:
    (tmp_path / "clf.ipynb").write_text(HUB_MADE_BY_A_HELPER, encoding="utf-8")
    err = run("check", "--show-coverage", "clf.ipynb", cwd=tmp_path).stderr
    # the model is at cell 5, line 2; the hub layer at cell 3, line 2 (before: "first cause at line 2",
    # which the reader looks for in the model's cell)
    assert ("clf.ipynb:cell 5:2: model `functional` checked only in part; first cause at cell 3, line 2: "
            "`keras_layer` (hub.KerasLayer) is not analysed") in err, err


def test_a_plain_file_keeps_its_line_numbers(tmp_path: Path) -> None:
    code = "\n".join(parse_notebook(HUB_IN_A_BUILDER).text.splitlines())
    (tmp_path / "hub.py").write_text(code + "\n", encoding="utf-8")
    lines = code.splitlines()
    hub_line = next(i for i, t in enumerate(lines, 1) if "hub.KerasLayer(" in t)
    call_line = next(i for i, t in enumerate(lines, 1) if t.startswith("model = build"))
    out = run("summary", "hub.py", cwd=tmp_path).stdout
    assert f"[build() called at line {call_line}]" in out
    assert f"`hub.KerasLayer` at line {hub_line} has an unknown output" in out


def test_retell_leaves_code_and_cell_lines_alone() -> None:
    nb = parse_notebook(HUB_IN_A_BUILDER)
    hub_line = next(i for i, t in enumerate(nb.text.splitlines(), 1) if "hub.KerasLayer(" in t)
    text = (f"`x[line {hub_line}]` at line {hub_line}; already at cell 5, line 1; "
            f"past the end: line {len(nb.line_map) + 1}; outline {hub_line}")
    assert nb.retell(text) == (f"`x[line {hub_line}]` at cell 3, line 3; already at cell 5, line 1; "
                               f"past the end: line {len(nb.line_map) + 1}; outline {hub_line}")


def test_a_broken_module_is_named_with_its_own_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "blocks.py").write_text("import keras\n\ndef block(x:\n    return x\n", encoding="utf-8")
    (tmp_path / "train.ipynb").write_text(notebook(
        ("code", "import keras\nimport blocks\n"),
        ("code", "model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])\n"),
    ), encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # files are named relative to the working directory
    clear_registry()
    fa = analyze_path("train.ipynb")
    said = [n.message for n in fa.notes if "cannot be analysed" in n.message]
    # the syntax error is at line 3 of blocks.py, not at a line of the notebook
    assert len(said) == 1 and said[0].startswith("module `blocks` (blocks.py) cannot be analysed: syntax error"), said
    assert said[0].endswith(" at blocks.py:3"), said


def test_a_layer_of_another_module_is_named_with_its_file(tmp_path: Path) -> None:
    (tmp_path / "blocks.py").write_text(textwrap.dedent("""\
        import keras
        import tensorflow_hub as hub


        def encoder(x):
            return hub.KerasLayer("https://tfhub.dev/x/feature_vector/5")(x)
    """), encoding="utf-8")
    (tmp_path / "main.py").write_text(textwrap.dedent("""\
        import keras
        from blocks import encoder

        inp = keras.Input((224, 224, 3))
        x = encoder(inp)
        model = keras.Model(inp, keras.layers.Dense(2)(x))
    """), encoding="utf-8")
    out = run("summary", "main.py", cwd=tmp_path).stdout
    # before, "at line 6": main.py's line 6 is the Model(...) call, not the hub layer
    assert "input unknown: `hub.KerasLayer` at blocks.py:6 has an unknown output" in out, out


def test_pythons_own_words_are_kept(tmp_path: Path) -> None:
    """A cell Python cannot parse is reported in Python's words, whose lines are the cell's own
    ("(detected at line 3)" is line 3 of cell 3): never retold as a line of the joined program."""
    (tmp_path / "bad.ipynb").write_text(notebook(
        ("code", "import keras\nx = 1\ny = 2\nz = 3\n"),
        ("code", "model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])\n"),
        ("code", "a = 1\ns = '''never closed\nmore\n"),
    ), encoding="utf-8")
    out = run("check", "bad.ipynb", cwd=tmp_path).stdout
    assert "LL001 syntax error: unterminated triple-quoted string literal (detected at line 3)" in out, out
    doc = json.loads(run("summary", "--format", "json", "bad.ipynb", cwd=tmp_path).stdout)
    assert doc["problems"][0]["message"].endswith("(detected at line 3)")
