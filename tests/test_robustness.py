"""Bad input never crashes or hangs a run: each gets one clear finding and the other files are still checked.

fixtures/bad_inputs/ holds the inputs that can live in git (expected.txt is
``layerlint check`` over that directory, reviewed by hand: see its README);
inputs that cannot (unreadable files, broken symlinks and loops, FIFOs, a
5 MB file) are made in tmp_path.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from layerlint import analyze as analyze_mod
from layerlint.analyze import analyze_text
from layerlint.cli.main import main
from layerlint.engine.symbolic import TOO_LARGE, Expr
from layerlint.extract import interp
from layerlint.runner.pipeline import analyze_path
from layerlint.sources.preflight import MAX_ANALYSED_BYTES, MAX_NESTING
from layerlint.sources.source import MAX_BYTES

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "fixtures" / "bad_inputs"
MODEL = (BAD / "model_lf.py").read_text()


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "layerlint", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "NO_COLOR": "1"})


def out_lines(r: subprocess.CompletedProcess) -> list[str]:
    return [line.removeprefix("./") for line in r.stdout.splitlines()]


def problems(path: Path) -> list[tuple[str, int, int]]:
    """(code, line, 1-based column) of the analysis problems of one file."""
    return [(code, span.line, span.col + 1) for code, _, span in analyze_path(str(path)).problems]


# -- the fixture directory, as the CLI reports it ----------------------------------------


def test_check_over_bad_inputs_matches_expected_output() -> None:
    # hostile/ has its own tests (test_hostile.py): what matters there is what never appears
    r = run_cli("check", "--no-cache", "--extend-exclude", "hostile", "fixtures/bad_inputs")
    assert r.stdout == (BAD / "expected.txt").read_text()
    assert r.returncode == 1
    assert "Traceback" not in r.stderr


def test_summary_over_bad_inputs_reports_every_problem_and_the_models() -> None:
    r = run_cli("summary", "fixtures/bad_inputs")
    assert r.returncode == 2  # files with problems
    assert "Traceback" not in r.stderr
    for line in (BAD / "expected.txt").read_text().splitlines():
        code = line.split(": ", 1)[1].split()[0]
        if code.startswith("LL00"):
            assert line in r.stderr
    # the readable models are still summarised, the 2,000-layer one to its last row
    assert 'Model: "sequential" (sequential) at fixtures/bad_inputs/model_crlf.py:4' in r.stdout
    assert "reshape (Reshape)" in r.stdout and "dense_2000 (Dense)" in r.stdout


EXPECTED_PROBLEMS = {
    "syntax_error.py": [("LL001", 4, 25)],  # the `(` of Sequential( that is never closed
    "indentation_error.py": [("LL001", 4, 1)],
    "python2_print.py": [("LL001", 2, 1)],
    "deep_parens.py": [("LL001", 2, 205)],  # Python's own limit: 200 nested parentheses
    "huge_int_literal.py": [("LL001", 2, 1)],  # Python refuses int literals over 4,300 digits
    "deep_unary.py": [("LL004", 2, 1005)],
    "deep_sum.py": [("LL004", 2, 9)],
    "not_utf8.py": [("LL003", 2, 1)],
    "unknown_encoding.py": [("LL003", 1, 1)],
    "nul_bytes.py": [("LL003", 1, 1)],
    "binary_named_py.py": [("LL003", 1, 1)],
    "binary_without_nul.py": [("LL003", 1, 1)],
    "notebook_invalid_json.ipynb": [("LL003", 1, 1)],
    "notebook_missing_cells.ipynb": [("LL003", 1, 1)],
    "notebook_cell_without_type.ipynb": [("LL003", 1, 1)],
    "notebook_bad_source.ipynb": [("LL003", 1, 1)],
    "notebook_top_level_list.ipynb": [("LL003", 1, 1)],
    "empty.py": [],
    "whitespace_only.py": [],
    "value_explosion.py": [("LL004", 7, 13)],  # the first value over the size budget, left unknown
    "two_thousand_layers.py": [],
}


@pytest.mark.parametrize("name", sorted(EXPECTED_PROBLEMS))
def test_each_bad_input_gets_its_one_finding(name: str) -> None:
    assert problems(BAD / name) == EXPECTED_PROBLEMS[name]


def test_every_bad_input_fixture_is_covered() -> None:
    names = {p.name for p in BAD.iterdir() if p.suffix in (".py", ".ipynb")}
    assert names - set(EXPECTED_PROBLEMS) == {p for p in names if p.startswith("model_")}


def test_messages_say_what_is_wrong() -> None:
    def message(name: str) -> str:
        return analyze_path(str(BAD / name)).problems[0][1]

    assert message("syntax_error.py") == "syntax error: '(' was never closed"
    assert message("deep_parens.py") == "syntax error: too many nested parentheses"
    assert f"over the analysis budget of {MAX_NESTING} levels" in message("deep_unary.py")
    assert message("nul_bytes.py") == "file contains NUL bytes: not Python source"
    assert message("not_utf8.py") == "file is not valid utf-8: byte 0xe9 at offset 18"
    assert "missing the `cells` list" in message("notebook_missing_cells.ipynb")


# -- encodings and line endings keep positions right -----------------------------------------


def _positions(name: str) -> list[tuple[str, int, int, int, int]]:
    r = run_cli("check", "--no-cache", "--output-format", "json", f"fixtures/bad_inputs/{name}")
    import json

    return [(d["code"], d["location"]["row"], d["location"]["column"], d["end_location"]["row"],
             d["end_location"]["column"]) for d in json.loads(r.stdout)]


def test_line_endings_and_bom_do_not_move_findings() -> None:
    lf = _positions("model_lf.py")
    assert lf and lf[0][:3] == ("LL101", 4, 48)
    for name in ("model_crlf.py", "model_cr_only.py", "model_utf8_bom.py"):
        assert _positions(name) == lf, name
    # two more lines (the coding cookie and a latin-1 comment), same columns
    assert _positions("model_latin1_cookie.py") == [(c, a + 2, b, d + 2, e) for c, a, b, d, e in lf]
    # columns count characters, not bytes: one two-byte character before the layer moves it by one
    assert _positions("model_non_ascii_line.py") == [(c, a, b + 1, d, e + 1) for c, a, b, d, e in lf]


def test_crlf_text_analyses_like_lf_text() -> None:
    lf = analyze_text(MODEL, "m.py").models[0].layers[0].span
    crlf = analyze_text(MODEL.replace("\n", "\r\n"), "m.py").models[0].layers[0].span
    assert lf == crlf


# -- inputs made at test time ------------------------------------------------------------------


def _model_file(directory: Path, name: str = "good.py") -> Path:
    p = directory / name
    p.write_text(MODEL)
    return p


def test_five_megabyte_file_is_reported_quickly(tmp_path: Path) -> None:
    big = tmp_path / "generated_model.py"
    block = MODEL + "".join(f"x{i} = [{', '.join(str(j) for j in range(40))}]\n" for i in range(200))
    big.write_text(block * (5 * 1024 * 1024 // len(block) + 1))
    assert MAX_ANALYSED_BYTES < big.stat().st_size < MAX_BYTES
    start = time.process_time()
    fa = analyze_path(str(big))
    assert time.process_time() - start < 10
    assert [(c, m) for c, m, _ in fa.problems] == [
        ("LL004", "file is 5.0 MiB, over the analysis budget of 1.0 MiB per file; not analysed")]


def test_five_megabyte_file_without_keras_is_skipped(tmp_path: Path) -> None:
    data = tmp_path / "data_table.py"
    data.write_text("ROWS = [\n" + "    (1, 2, 3),\n" * 400_000 + "]\n")
    assert data.stat().st_size > 5_000_000
    assert analyze_path(str(data)).problems == []


def test_file_over_the_read_limit_is_not_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.py"
    with huge.open("wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: costs no disk
    code, message, _ = analyze_path(str(huge)).problems[0]
    assert code == "LL003" and "read limit" in message


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = _model_file(tmp_path, "locked.py")
    if os.geteuid() != 0:  # root reads anything: then the permission error is simulated
        locked.chmod(0)
    else:
        real_open = Path.open

        def deny(self: Path, *args, **kwargs):
            if self.name == "locked.py":
                raise PermissionError(13, "Permission denied")
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", deny)
    try:
        assert analyze_path(str(locked)).problems[0][:2] == ("LL003", "permission denied: file cannot be read")
    finally:
        locked.chmod(0o644)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlinks_broken_and_looping(tmp_path: Path) -> None:
    (tmp_path / "broken.py").symlink_to(tmp_path / "missing.py")
    (tmp_path / "loop_a.py").symlink_to(tmp_path / "loop_b.py")
    (tmp_path / "loop_b.py").symlink_to(tmp_path / "loop_a.py")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "up").symlink_to(tmp_path)  # a directory loop: not followed
    _model_file(tmp_path)
    r = run_cli("check", "--no-cache", ".", cwd=tmp_path)
    assert "Traceback" not in r.stderr and r.returncode == 1
    assert out_lines(r) == [
        f"broken.py:1:1: LL003 broken symlink: its target {str(tmp_path / 'missing.py')!r} does not exist",
        "good.py:4:48: LL101 Conv1D `conv1d` on (None, 4, 2): the window 7 does not fit the input length 4: "
        "output length (4 - 7)/1 + 1 = -2",
        "loop_a.py:1:1: LL003 symlink loop: the link never reaches a file",
        "loop_b.py:1:1: LL003 symlink loop: the link never reaches a file",
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_pipes_and_devices_are_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")  # opening it would block forever
    (tmp_path / "endless.py").symlink_to("/dev/zero")  # reading it would never end
    r = run_cli("check", "--no-cache", ".", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    assert out_lines(r) == [
        "endless.py:1:1: LL003 not a regular file (a pipe, socket or device): not read",
        "pipe.py:1:1: LL003 not a regular file (a pipe, socket or device): not read",
    ]


@pytest.mark.parametrize("command", ["check", "summary"])
def test_missing_path_is_a_usage_error(tmp_path: Path, command: str) -> None:
    r = run_cli(command, "no_such_dir/", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.strip() == "layerlint: error: no_such_dir/: no such file or directory"


def test_one_bad_file_does_not_hide_the_others(tmp_path: Path) -> None:
    _model_file(tmp_path, "a_model.py")
    (tmp_path / "b_broken.py").write_text("import keras\nmodel = keras.Sequential([\n")
    (tmp_path / "c_binary.py").write_bytes(b"\x00\x01\x02")
    _model_file(tmp_path, "d_model.py")
    r = run_cli("check", "--no-cache", ".", cwd=tmp_path)
    codes = [(line.split(":")[0], line.split(": ")[1].split()[0]) for line in out_lines(r)]
    assert codes == [("a_model.py", "LL101"), ("b_broken.py", "LL001"), ("c_binary.py", "LL003"),
                     ("d_model.py", "LL101")]


# -- internal errors ------------------------------------------------------------------------------


@pytest.fixture()
def crash_on_one_file(monkeypatch: pytest.MonkeyPatch):
    """shape_model raises for files whose model is named ``boom``, as a bug in the engine would."""
    real = analyze_mod.shape_model

    def shape_model(model, *args, **kwargs):
        if model.variable == "boom":
            raise ZeroDivisionError("simulated engine bug")
        return real(model, *args, **kwargs)

    monkeypatch.setattr(analyze_mod, "shape_model", shape_model)


@pytest.mark.parametrize("verbose", [False, True])
def test_internal_error_is_ll002_and_the_run_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture, crash_on_one_file,
                                                     verbose: bool) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a_crash.py").write_text(MODEL.replace("model = ", "boom = "))
    _model_file(tmp_path, "b_model.py")
    status = main(["check", "--no-cache", "--jobs", "1", "."] + (["--verbose"] if verbose else []))
    out, err = capsys.readouterr()
    assert status == 2
    lines = [line.removeprefix("./") for line in out.splitlines()]
    assert lines[0] == ("a_crash.py:1:1: LL002 internal error: ZeroDivisionError: simulated engine bug; "
                        "please report this with the file")
    assert lines[1].startswith("b_model.py:4:48: LL101 ")
    assert ("Traceback" in err) is verbose


def test_internal_error_in_summary(tmp_path: Path, capsys: pytest.CaptureFixture, crash_on_one_file) -> None:
    bad = tmp_path / "a_crash.py"
    bad.write_text(MODEL.replace("model = ", "boom = "))
    good = _model_file(tmp_path, "b_model.py")
    assert main(["summary", str(bad), str(good)]) == 2
    out, err = capsys.readouterr()
    assert f"{bad}:1:1: LL002 internal error: ZeroDivisionError: simulated engine bug" in err
    assert "Traceback" not in err
    assert f'Model: "sequential" (sequential) at {good}:4' in out


# -- bounded work -----------------------------------------------------------------------------------


def test_interpreter_step_budget_gives_a_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(interp, "MAX_STEPS", 50)
    fa = analyze_text(MODEL + "for i in range(1000):\n    model = keras.Sequential()\n", "m.py")
    assert [c for c, _, _ in fa.problems] == ["LL004"]


BUDGET_FILE = """\
import keras
from keras import layers

done = keras.Sequential([keras.Input((4,)), layers.Dense(2)])
grown = keras.Sequential([keras.Input((4,))])
frozen = keras.Sequential([keras.Input((4,)), layers.Dense(3)])
for i in range(1000):
    for j in range(1000):
        grown.add(layers.Dense(2))
        inner = keras.Sequential([keras.Input((4,)), layers.Dense(1)])
        frozen.trainable = False
after = keras.Sequential([keras.Input((4,)), layers.Dense(5)])
"""


def test_step_budget_keeps_the_models_finished_before_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # The loop at line 7 runs out of steps: `done` is reported; `grown` and `frozen` were being
    # changed when the budget ran out and `inner` was made in it, so they would be reported wrong;
    # nothing after the loop is analysed.
    monkeypatch.setattr(interp, "MAX_STEPS", 5_000)
    fa = analyze_text(BUDGET_FILE, "m.py")
    assert [sm.model.variable for sm in fa.models] == ["done"]
    ((code, message, span),) = fa.problems
    assert code == "LL004" and span.line == 7
    assert message == ("analysis budget exceeded in the statement at line 7: models finished before it are reported, "
                       "the rest of the file is not analysed")


def test_step_budget_in_an_uncalled_builder_keeps_the_module_models(monkeypatch: pytest.MonkeyPatch) -> None:
    # Builders never called are analysed after the module; one that runs out drops only what it built.
    monkeypatch.setattr(interp, "MAX_STEPS", 5_000)
    source = ("import keras\nfrom keras import layers\n"
              "model = keras.Sequential([keras.Input((4,)), layers.Dense(2)])\n"
              "def build(n):\n    m = keras.Sequential([keras.Input((4,))])\n"
              "    for i in range(1000):\n        for j in range(1000):\n            m.add(layers.Dense(2))\n    return m\n")
    fa = analyze_text(source, "m.py")
    assert [sm.name for sm in fa.models] == ["sequential"]
    ((code, _, span),) = fa.problems
    assert (code, span.line) == ("LL004", 4)


LONG_LOOP = """\
import keras
from keras import layers

model = keras.Sequential([keras.Input((4,)), layers.Dense(2)])
width = 8
for epoch in range(9000):
    a = epoch * 2
    b = a + 1
    width = 8
head = keras.Sequential([keras.Input((width,)), layers.Dense(1)])
"""


def test_a_long_loop_that_builds_nothing_is_not_followed_to_the_end() -> None:
    fa = analyze_text(LONG_LOOP, "m.py")
    assert fa.problems == []
    assert [sm.name for sm in fa.models] == ["sequential", "sequential_1"]
    # The loop's names are unknown after it, as after a loop that cannot be followed.
    assert str(fa.models[1].layers[-1].params) == "width + 1"
    (note,) = [n for n in fa.notes if n.span.line == 6]
    assert note.message.startswith("loop stopped after ") and note.message.endswith(
        "of 9,000 iterations: it builds no layers, so the rest is not followed; `a`, `b`, `epoch`, `width` are unknown after it")


def test_a_long_loop_that_builds_layers_is_followed() -> None:
    source = ("import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input((4,))])\n"
              "for i in range(3000):\n    a = i * 2\n    b = a + 1\n    c = b + a\n"
              "    if i % 1000 == 999:\n        model.add(layers.Dense(2))\n")
    fa = analyze_text(source, "m.py")
    assert [len(sm.layers) for sm in fa.models] == [3]
    assert not [n for n in fa.notes if "loop stopped" in n.message]


# A training loop: each pass is a long run of statements, and none builds a layer.
TRAINING_LOOP = """\
import keras
from keras import layers

width = 8
for epoch in range(1000):
""" + "".join(f"    s{k} = epoch * {k}\n" for k in range(50)) + """\
    width = 8
head = keras.Sequential([keras.Input((width,)), layers.Dense(1)])
"""


def test_a_loop_of_long_passes_that_builds_nothing_is_given_up_early() -> None:
    fa = analyze_text(TRAINING_LOOP, "m.py")
    assert fa.problems == []
    assert str(fa.models[0].layers[-1].params) == "width + 1"
    (note,) = [n for n in fa.notes if n.span.line == 5]
    done = int(note.message.removeprefix("loop stopped after ").split(" of ")[0])
    # the first LONG_PASS_STEPS steps: a few dozen passes of the 1,000, not LOOP_STEPS' hundreds
    assert 0 < done <= interp.LONG_PASS_STEPS // 50 + 1
    assert note.message.endswith("of 1,000 iterations: it builds no layers, so the rest is not followed; `epoch`, "
                                 "`s0`, `s1`, `s10`, `s11`, `s12`, ... are unknown after it")


def test_a_loop_of_long_passes_that_sets_an_attribute_keeps_the_long_budget() -> None:
    # Freezing a layer at a late epoch changes the model without building anything.
    source = ("import keras\nfrom keras import layers\nbase = layers.Dense(4)\n"
              "model = keras.Sequential([keras.Input((3,)), base, layers.Dense(2)])\n"
              "for epoch in range(100):\n" + "".join(f"    s{k} = epoch * {k}\n" for k in range(50))
              + "    if epoch == 90:\n        base.trainable = False\n")
    fa = analyze_text(source, "m.py")
    assert not [n for n in fa.notes if "loop stopped" in n.message]
    (sm,) = fa.models
    assert (sm.trainable_params, sm.non_trainable_params) == (10, 16)  # Dense(2) on 4: 10; Dense(4) on 3: 16


def test_a_note_is_given_once_however_often_its_statement_runs() -> None:
    source = ("import keras\nfrom keras import layers\nfor i in range(50):\n    for x in data:\n        pass\n"
              "model = keras.Sequential([keras.Input((4,)), layers.Dense(2)])\n")
    fa = analyze_text(source, "m.py")
    assert [n.message for n in fa.notes].count("loop over `data` cannot be followed; its body is analysed once") == 1


def test_file_time_budget_keeps_the_models_done(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analyze_mod, "MAX_FILE_SECONDS", -1.0)
    fa = analyze_text(MODEL, "m.py")
    assert fa.models == []
    assert [(c, m) for c, m, _ in fa.problems] == [
        ("LL004", "analysis stopped after 0 of 1 models: over the time budget of -1 s per file")]


def test_parse_work_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    from layerlint.sources import preflight

    monkeypatch.setattr(preflight, "MAX_PARSE_WORK", 100)
    code, message, _ = analyze_text(MODEL, "m.py").problems[0]
    assert code == "LL004" and "parse work" in message


def test_parse_work_counts_every_node_at_its_depth() -> None:
    """Preflight's level-by-level count is the sum of all node depths and the deepest depth, as a
    plain recursive walk gives them, on every fixture and on deep and wide generated code."""
    import ast

    from layerlint.sources.preflight import _work

    def reference(node: ast.AST, depth: int = 0) -> tuple[int, int]:
        work, deepest = depth, depth
        for child in ast.iter_child_nodes(node):
            w, d = reference(child, depth + 1)
            work, deepest = work + w, max(deepest, d)
        return work, deepest

    root = Path(__file__).resolve().parent.parent
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted((root / "fixtures").rglob("*.py"))]
    texts += ["x = " + "-" * 150 + "1\n", "y = " + "[" * 90 + "]" * 90 + "\n", "z = [" + "1, " * 3000 + "]\n"]
    checked = 0
    for text in texts:
        try:
            tree = ast.parse(text)
            expected = reference(tree)
        except (SyntaxError, ValueError, RecursionError):  # not Python, or deeper than the reference can walk
            continue
        assert _work(tree) == expected
        checked += 1
    assert checked > 100


NESTED = {
    "call": lambda n: "f(" * n + "1" + ")" * n,
    "list": lambda n: "[" * n + "1" + "]" * n,
    "dict": lambda n: "{1: " * n + "1" + "}" * n,
    "unary": lambda n: "-" * n + "1",
    "not": lambda n: "not " * n + "x",
    "invert": lambda n: "~" * n + "x",
    "if-else": lambda n: "a if b else " * n + "1",
    "lambda": lambda n: "lambda: " * n + "1",
    "subscripts": lambda n: "a" + "[0]" * n,
    "calls": lambda n: "f" + "()" * n,
    "attributes": lambda n: "keras" + ".a" * n,
    "sum": lambda n: " + ".join(["1"] * n),
    "power": lambda n: " ** ".join(["2"] * n),
    "strings": lambda n: " + ".join(['"a"'] * n),
    "layers": lambda n: "keras.layers.Dense(" * n + "1" + ")" * n,
}


@pytest.mark.parametrize("depth", [500, 1000, 10_000])
@pytest.mark.parametrize("kind", sorted(NESTED))
def test_deep_nesting_gives_a_result_or_a_finding(kind: str, depth: int) -> None:
    # 10,000 levels crash libcst's native parser (a segfault): preflight must stop them first
    source = "import keras\nx = " + NESTED[kind](depth) + "\n"
    start = time.process_time()
    fa = analyze_text(source, "deep.py")
    assert time.process_time() - start < 30
    assert [c for c, _, _ in fa.problems] in ([], ["LL001"], ["LL004"])
    if depth > MAX_NESTING:
        assert fa.problems


def test_deep_statement_nesting() -> None:
    source = "import keras\n" + "".join(" " * i + "if x:\n" for i in range(120)) + " " * 120 + "pass\n"
    assert [c for c, _, _ in analyze_text(source, "deep.py").problems] == ["LL001"]  # Python: too many indents


def test_value_explosion_finishes_quickly() -> None:
    start = time.process_time()
    fa = analyze_path(str(BAD / "value_explosion.py"))
    assert time.process_time() - start < 10
    assert [p[0] for p in fa.problems] == ["LL004"]
    (model,) = fa.models
    assert str(model.layers[0].output[1]) == TOO_LARGE


def test_symbolic_expressions_stay_bounded() -> None:
    x = 2 * Expr.symbol("n")
    for _ in range(200):
        x = x * x
    assert str(x) == TOO_LARGE
    y = Expr.symbol("n")
    for _ in range(200):
        y = y // 3 + y // 5
    assert len(str(y)) <= 200
    z = Expr.symbol("n") + 1
    for _ in range(20):
        z = z * (z + 1)
    assert str(z) == TOO_LARGE


def test_folded_values_stay_bounded() -> None:
    source = ("import keras\nn = 3\nfor _ in range(10_000):\n    n = n * n\nitems = [1]\nfor _ in range(64):\n"
              "    items.extend(items)\nunits = len(items)\n"
              "model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(units)])\n")
    start = time.process_time()
    fa = analyze_text(source, "m.py")
    assert time.process_time() - start < 10
    (problem,) = fa.problems  # `n * n` over the size budget: unknown, and said once
    assert problem[0] == "LL004" and "bits is over the budget" in problem[1] and problem[2].line == 4
    assert fa.models[0].layers[0].output is not None


def test_python_warnings_about_the_users_code_stay_quiet(tmp_path: Path) -> None:
    # "\d" is an invalid escape (a SyntaxWarning from 3.12) and `1if` an invalid literal: Python
    # warns while parsing and folding them, which must neither print nor, under -W error, crash.
    (tmp_path / "m.py").write_text(MODEL + 'pattern = "\\d+"\nflag = 1if True else 0\n')
    r = subprocess.run([sys.executable, "-W", "error", "-m", "layerlint", "check", "--no-cache", "m.py"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out_lines(r)[0].startswith("m.py:4:48: LL101 ")
    assert "Warning" not in r.stderr


@pytest.mark.parametrize(("name", "data", "message"), [
    ("deep.ipynb", b"[" * 100_000 + b"]" * 100_000, "not a valid notebook: maximum recursion depth exceeded"),
    ("number.ipynb", b'{"cells": [], "nbformat": ' + b"9" * 5000 + b"}",
     "not a valid notebook: Exceeds the limit (4300 digits)"),
    ("punycode.py", b"# coding: punycode\nimport keras\n", "file cannot be decoded as punycode"),
])
def test_inputs_that_break_the_standard_library(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    # found by fuzzing: json and codecs raise errors other than JSONDecodeError / UnicodeDecodeError
    (tmp_path / name).write_bytes(data)
    (code, text, _), = analyze_path(str(tmp_path / name)).problems
    assert code == "LL003" and text.startswith(message)


def test_a_crash_while_loading_is_ll002_not_the_end_of_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture) -> None:
    from layerlint.sources import inputs

    def broken(raw: str):
        raise KeyError("simulated notebook bug")

    monkeypatch.setattr(inputs, "parse_notebook", broken)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.ipynb").write_text('{"cells": []}')
    _model_file(tmp_path, "b.py")
    assert main(["check", "--no-cache", "--jobs", "1", "."]) == 2
    lines = [line.removeprefix("./") for line in capsys.readouterr().out.splitlines()]
    assert lines[0] == "a.ipynb:1:1: LL002 internal error: KeyError: 'simulated notebook bug'; please report this with the file"
    assert lines[1].startswith("b.py:4:48: LL101 ")


def test_valid_python_that_libcst_rejects_is_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # Python's parser judges syntax; should libcst refuse a file Python accepts, that is layerlint's fault
    def refuse(text: str):
        raise analyze_mod.cst.ParserSyntaxError("unsupported", lines=text.splitlines(), raw_line=2, raw_column=4)

    monkeypatch.setattr(analyze_mod.cst, "parse_module", refuse)
    (code, message, span), = analyze_text(MODEL, "m.py").problems
    assert code == "LL002" and "which Python's parser accepts (unsupported)" in message and (span.line, span.col) == (2, 4)


def test_two_thousand_layer_functional_model() -> None:
    source = ("import keras\nfrom keras import layers\nx = inputs = keras.Input((8,))\n"
              + "x = layers.Dense(4)(x)\n" * 2000 + "x = layers.Reshape((3,))(x)\nmodel = keras.Model(inputs, x)\n")
    start = time.process_time()
    fa = analyze_text(source, "deep_graph.py")
    assert time.process_time() - start < 60
    assert fa.problems == []
    (model,) = fa.models
    assert len(model.layers) == 2002  # the InputLayer row, 2,000 Dense, the Reshape
    assert model.layers[-1].status == "error" and model.layers[-1].span.line == 2004


@pytest.mark.parametrize("code", ["LL001", "LL002", "LL003", "LL004"])
def test_every_problem_code_is_a_documented_rule(code: str) -> None:
    from layerlint.rules import get_rule

    rule = get_rule(code)
    assert rule is not None and rule.severity == "error" and rule.what and rule.why


def test_code_libcst_cannot_represent_is_reported() -> None:
    # Python accepts a keyword argument before a starred base; libcst's grammar does not
    source = MODEL + "class A(metaclass=M, *bases):\n    pass\n"
    (code, message, _), = analyze_text(source, "m.py").problems
    assert code == "LL002"
    assert message.startswith("internal error: layerlint's parser cannot read this file, which Python's parser accepts")


def test_code_only_libcst_validation_refuses_is_analysed() -> None:
    # found by fuzzing: libcst builds `return* x` (which Python only refuses when compiling) and its
    # node validation then refused it (LL002); the parse no longer validates, so the file is analysed
    fa = analyze_text(MODEL + "def build():\n    return* model\n", "m.py")
    assert fa.problems == [] and len(fa.models) == 1
