"""Notebooks: code cells joined in order, IPython syntax neutralised, lines mapped back."""

from __future__ import annotations

import json
import os
from pathlib import Path

import libcst as cst
import pytest
from layerlint.analyze import analyze_text
from layerlint.diagnostics import Diagnostic
from layerlint.sources.notebook import NotebookError, parse_notebook


def notebook(*cells: tuple[str, str], as_list: bool = True) -> str:
    def source(text: str) -> list[str] | str:
        return text.splitlines(keepends=True) if as_list else text

    return json.dumps({
        "cells": [{"cell_type": kind, "metadata": {}, "source": source(text),
                   **({"outputs": [], "execution_count": None} if kind == "code" else {})}
                  for kind, text in cells],
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    })


MODEL_ACROSS_CELLS = notebook(
    ("markdown", "# A model built over three cells"),
    ("code", "%matplotlib inline\nimport keras\nfrom keras import layers\n!pip install keras"),
    ("code", "model = keras.Sequential()\nmodel.add(keras.Input((64, 1)))\nmodel.add(layers.Conv1D(8, 3))"),
    ("markdown", "More layers:"),
    ("code", "%%time\nmodel.add(layers.Flatten())\nmodel.add(layers.Dense(2))"),
)


def test_cells_join_in_order_with_ipython_lines_neutralised() -> None:
    nb = parse_notebook(MODEL_ACROSS_CELLS)
    lines = nb.text.splitlines()
    assert lines[0] == "pass" and lines[3] == "pass"  # %matplotlib and !pip
    assert lines[1] == "import keras"
    assert lines[7] == ""  # the %%time line
    assert lines[8] == "model.add(layers.Flatten())"
    cst.parse_module(nb.text)  # the joined text is valid Python
    assert nb.line_map[0] == (2, 1)
    assert nb.line_map[4] == (3, 1)
    assert nb.line_map[8] == (5, 2)
    assert len(nb.line_map) == len(lines)


def test_a_model_built_across_cells_is_one_model() -> None:
    nb = parse_notebook(MODEL_ACROSS_CELLS)
    fa = analyze_text(nb.text, "m.ipynb")
    assert not fa.problems
    assert len(fa.models) == 1
    model = fa.models[0]
    # Conv1D(8, 3) on (64, 1): 3*1*8 + 8 = 32; Dense(2) on 62*8=496: 496*2 + 2 = 994
    assert model.total_params == 32 + 994
    dense = model.layers[-1]
    cell, line = nb.locate(dense.span.line)
    assert (cell, line) == (5, 3)


@pytest.mark.parametrize("line", [
    "%timeit f()", "!ls -la", "files = !ls", "x = %env HOME", "model.summary?", "?keras.layers.Dense",
    "    %debug",
])
def test_ipython_lines_become_pass_keeping_indentation(line: str) -> None:
    nb = parse_notebook(notebook(("code", f"for i in range(2):\n    y = i\n{line}")))
    out = nb.text.splitlines()[2]
    assert out.strip() == "pass"
    assert out[: len(out) - len(out.lstrip())] == line[: len(line) - len(line.lstrip())]


def test_shell_continuation_lines_and_foreign_cell_magics_are_blanked() -> None:
    nb = parse_notebook(notebook(("code", "!pip install \\\n    keras\nx = 1"), ("code", "%%bash\necho hi\nls")))
    assert nb.text.splitlines() == ["pass", "", "x = 1", "", "", ""]
    cst.parse_module(nb.text)


def test_python_that_looks_similar_is_kept() -> None:
    src = "a = 5 % 3\nb = a != 2\nc = {'k': '!x'}\nd = f'{a}?'"
    nb = parse_notebook(notebook(("code", src)))
    assert nb.text.splitlines() == src.splitlines()


def test_string_sources_and_empty_notebooks() -> None:
    nb = parse_notebook(notebook(("code", "x = 1\ny = 2"), as_list=False))
    assert nb.text == "x = 1\ny = 2\n"
    empty = parse_notebook(notebook(("markdown", "only prose")))
    assert empty.text == "" and empty.line_map == []


def test_remap_points_at_the_cell_and_clamps_spans_to_it() -> None:
    nb = parse_notebook(notebook(("markdown", "m"), ("code", "a = 1\nbb = 2"), ("code", "c = 3")))
    d = Diagnostic("LL201", "x", "msg", "error", "n.ipynb", 2, 0, 2, 6)
    r = nb.remap(d)
    assert (r.cell, r.line, r.col, r.end_line, r.end_col) == (2, 2, 0, 2, 6)
    across = nb.remap(Diagnostic("LL201", "x", "msg", "error", "n.ipynb", 1, 0, 3, 5))
    assert (across.cell, across.line, across.end_line, across.end_col) == (2, 1, 2, 6)


@pytest.mark.parametrize("raw, words", [
    ("{not json", "invalid JSON at line 1"),
    ("", "the file is empty"),  # 49 of d2l-tensorflow-colab's notebooks in our copy: was "invalid JSON at line 1 column 1"
    ("\n  \n", "the file is empty"),
    ("[]", "top level must be a JSON object"),
    ('{"nbformat": 4}', "missing the `cells` list"),
    ('{"worksheets": []}', "nbformat 3"),
    ('{"cells": {}}', "`cells` must be a list"),
    ('{"cells": [{"source": "x"}]}', "cell 1 has no `cell_type`"),
    ('{"cells": [{"cell_type": "code", "source": 5}]}', "cell 1: `source` must be"),
    ('{"cells": [], "metadata": {"language_info": {"name": "R"}}}', "not Python"),
])
def test_broken_notebooks_raise_clear_errors(raw: str, words: str) -> None:
    with pytest.raises(NotebookError, match=words.replace("(", r"\(").replace("[", r"\[")):
        parse_notebook(raw)


def test_messages_name_other_lines_by_cell(tmp_path) -> None:
    # The head is line 3 of cell 3 (the markdown cell counts); compile() is in cell 4.
    path = tmp_path / "t.ipynb"
    path.write_text(notebook(
        ("markdown", "# t"),
        ("code", "from tensorflow import keras\nfrom tensorflow.keras import layers"),
        ("code", "model = keras.Sequential([\n    keras.Input((4,)),\n    layers.Dense(10),\n])"),
        ("code", "model.compile(loss='categorical_crossentropy', optimizer='adam')"),
    ), encoding="utf-8")
    from layerlint.runner.cache import Cache
    from layerlint.runner.config import SettingsResolver
    from layerlint.runner.pipeline import check_paths

    run = check_paths([str(path)], SettingsResolver(None, {}), cache=Cache(None), show_progress=False)
    (d,) = [d for d in run.diagnostics if d.code == "LL401"]
    assert (d.cell, d.line) == (4, 1)
    assert "the output layer `dense` (cell 3, line 3, 10 units, linear)" in d.message


def test_a_cell_python_cannot_parse_fails_alone(tmp_path) -> None:
    # Jupyter runs cells one by one: the broken cell 3 is reported and the model in cell 2 still analysed.
    path = tmp_path / "t.ipynb"
    path.write_text(notebook(
        ("markdown", "# t"),
        ("code", "import keras\nmodel = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])"),
        ("code", "def plot(x):\n    a = 1\n      b = 2\n"),
        ("code", "async def f():\n    pass\nawait f()"),
    ), encoding="utf-8")
    from layerlint.runner.pipeline import analyze_path

    fa = analyze_path(str(path))
    assert [sm.name for sm in fa.models] == ["sequential"]
    ((code, message, span),) = fa.problems
    assert (code, fa.notebook.locate(span.line), span.col + 1) == ("LL001", (3, 3), 6)  # Python: line 3, offset 6
    assert message == "syntax error: unexpected indent"


def test_a_cell_with_an_invalid_escape_is_not_a_syntax_error(tmp_path) -> None:
    # Python warns about '\d' (SyntaxWarning from 3.12): the user's warning, neither printed by us
    # nor, under -W error, turned into a false LL001 for the cell.
    import warnings

    path = tmp_path / "t.ipynb"
    path.write_text(notebook(("code", "import keras\npattern = '\\d+'\nmodel = keras.Sequential([keras.Input((4,))])")),
                    encoding="utf-8")
    from layerlint.runner.pipeline import analyze_path

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fa = analyze_path(str(path))
    assert fa.problems == [] and [sm.name for sm in fa.models] == ["sequential"]


# Cells as tutorials write them, each run through IPython's own transformation in the test below.
IPYTHON_CELLS = (
    " for x in windows.take(30):\n   print(x, end=' ')",  # indented as a whole (tensorflow/docs guide/data)
    "\n  def f(x):\n    return x\n\n  y = f(2)",
    "print('a: %d, b: %f'\n      %(epoch, loss))",  # a `%` that continues a call (docs multi_worker_with_ctl)
    "s = '''\n!important\n%d'''",
    "x = (1,\n     2)\n!ls",
    "ls ./data/train/",  # one line: IPython's automagic (docs wav2vec2_saved_model_finetuning)
    "pip install gdown --no-use-pep517",
    "\nls -la",
    "ls ./data/train/\nx = 1",  # two lines: no automagic, so a syntax error in Jupyter too
    "ls = 3", "ls == 3", "ls.x", "cat, dog = 1, 2", "time.sleep(1)", "time x = 1", "cd ..",
    "env", "wget http://example.com/a.zip", "tensorboard --logdir logs",
    "def f():\n    !ls\n    return 1",
    "files = !ls\nn = len(files)",
    "model.summary?",
)


def _ipython_shell():
    """IPython's shell; the test is skipped without IPython, except under CI, which installs it."""
    try:
        from IPython.core.interactiveshell import InteractiveShell
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("IPython not installed")
    return InteractiveShell.instance()


def _ipython_view(text: str) -> list[str]:
    return ["<magic>" if "get_ipython()" in line else line.rstrip() for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("cell", IPYTHON_CELLS)
def test_cells_read_as_ipython_reads_them(cell: str) -> None:
    theirs = _ipython_shell().transform_cell(cell)
    nb = parse_notebook(notebook(("code", cell)))
    try:
        compile(theirs, "cell", "exec")
    except SyntaxError:  # Jupyter stops on this cell: so do we, with LL001 on it
        assert [p[0] for p in nb.problems] == ["LL001"]
        return
    assert not nb.problems
    ours = ["<magic>" if line.strip() == "pass" else line.rstrip() for line in nb.text.splitlines() if line.strip()]
    assert ours == _ipython_view(theirs)


def test_the_magic_table_is_the_installed_ipythons() -> None:
    pytest.importorskip("IPython")
    from layerlint.sources import ipython_magics

    from fixtures.regen_ipython_magics import render

    assert Path(ipython_magics.__file__).read_text(encoding="utf-8") == render()


def test_a_finding_in_a_dedented_cell_points_at_the_cells_own_column() -> None:
    nb = parse_notebook(notebook(("code", "  import keras\n  x = keras.layers.Dense(4)")))
    assert nb.text.splitlines() == ["import keras", "x = keras.layers.Dense(4)"]
    r = nb.remap(Diagnostic("LL201", "x", "msg", "error", "n.ipynb", 2, 4, 2, 25))
    assert (r.cell, r.line, r.col, r.end_col) == (1, 2, 6, 27)


# rasbt/python-machine-learning-book-3rd-edition ch15_part1, cell 48: the author's IPython (before 9.1) removed
# the first line's indentation from the lines starting with it and ran the cell (the notebook's saved summary
# counts the Flatten: 3,274,634 params); IPython 9.1 and later remove only what every line shares, so the
# cell fails there (ipython/ipython#14822).
FIRST_LINE_INDENTED = notebook(
    ("code", "import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input((7, 7, 64))])"),
    ("code", "    model.add(layers.Flatten())\n    \nmodel.compute_output_shape(input_shape=(16, 7, 7, 64))"),
    ("code", "model.add(layers.Dense(10))"),
)


def test_a_cell_only_older_ipython_ran_is_analysed_as_it_ran_with_todays_error_said() -> None:
    theirs = _ipython_shell().transform_cell("".join(json.loads(FIRST_LINE_INDENTED)["cells"][1]["source"]))
    with pytest.raises(SyntaxError):  # the installed IPython refuses it, as 9.1 and later do
        compile(theirs, "cell", "exec")
    nb = parse_notebook(FIRST_LINE_INDENTED)
    assert [(p[0], p[2].line) for p in nb.problems] == [("LL001", 4)]
    assert "IPython before 9.1 removed the first line's indentation and ran this cell" in nb.problems[0][1]
    assert nb.text.splitlines()[3:6] == ["model.add(layers.Flatten())", "",
                                         "model.compute_output_shape(input_shape=(16, 7, 7, 64))"]
    fa = analyze_text(nb.text, "n.ipynb")
    rows = [(r.cls, r.output, r.params) for r in fa.models[0].layers]
    assert rows == [("Flatten", (None, 3136), 0), ("Dense", (None, 10), 31370)]  # 3136*10 + 10


def test_a_cell_neither_ipython_runs_is_left_out_with_pythons_words() -> None:
    nb = parse_notebook(notebook(("code", "x = 1\n    y = 2")))
    assert [p[0] for p in nb.problems] == ["LL001"]
    assert "IPython" not in nb.problems[0][1]
    assert nb.text.strip() == ""
