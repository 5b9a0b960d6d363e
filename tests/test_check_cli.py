"""`layerlint check` and `layerlint rule` end to end: output lines, exit codes,
selection, noqa and formats."""

from __future__ import annotations

import re
import textwrap

import pytest
from layerlint.cli.main import main
from layerlint.rules import get_rule
from layerlint.runner.check import CheckSettings, Suppressions, is_enabled, parse_suppressions

SEED000_LIKE = textwrap.dedent("""\
    from keras import Input, Sequential, layers

    model = Sequential([
        Input((32, 100)),
        layers.Dense(300, activation="relu"),{noqa}
        layers.Flatten(),
        layers.Dense(1, activation="softmax"),
    ])
""")
CLEAN = "from keras import Input, Sequential, layers\nmodel = Sequential([Input((8,)), layers.Dense(1)])\n"


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


FINDING = re.compile(r"^.+:\d+:\d+: (LL\d+) ")


def finding_codes(out: str) -> list[str]:
    return [m.group(1) for line in out.splitlines() if (m := FINDING.match(line))]


def test_findings_lines_and_exit_1(tmp_path, capsys):
    path = write(tmp_path, "m.py", SEED000_LIKE.format(noqa=""))
    code, out, err = run(capsys, "check", path)
    lines = out.splitlines()
    assert code == 1
    # 1-based columns: `layers.Dense` starts at column 4 (0-based) -> 5
    assert lines[0].startswith(f"{path}:5:5: LL201 Dense(300) on (None, 32, 100) acts on each of 32 positions: 30,300 params")
    assert lines[1].startswith(f"{path}:7:5: LL404 ")
    assert "Found 2 findings (1 error, 1 warning); 1 model, checked in full." in (out + err).splitlines()


def test_clean_file_exit_0(tmp_path, capsys):
    code, out, err = run(capsys, "check", write(tmp_path, "ok.py", CLEAN))
    assert code == 0 and finding_codes(out) == [] and "No findings; 1 model, checked in full." in out + err


PARTLY = """\
import keras
from keras import layers
full = keras.Sequential([keras.Input((4,)), layers.Dense(2)])
loaded = keras.models.load_model("m.keras")
cut = keras.Model(loaded.input, loaded.get_layer("x").output)
symbolic = keras.Sequential([layers.Dense(3)])
"""


def test_closing_line_counts_models_checked_in_full_and_in_part(tmp_path, capsys):
    path = write(tmp_path, "p.py", PARTLY)
    code, out, err = run(capsys, "check", "--no-cache", path)
    assert code == 0 and out == ""  # nothing wrong was found: silence, but the count says how little was checked
    assert err.splitlines()[-1] == "No findings; 3 models: 1 checked in full, 2 only in part (--show-coverage says why)."


def test_show_coverage_names_the_first_cause_and_its_line(tmp_path, capsys):
    path = write(tmp_path, "p.py", PARTLY)
    for cached in (False, True):  # the second run reads the coverage back from the cache
        code, out, err = run(capsys, "check", path, "--show-coverage")
        assert err.splitlines() == [
            f"{path}:5: model `functional_1` checked only in part; first cause at line 4: `load_model` "
            "(keras.models.load_model) is not analysed: loaded by `keras.models.load_model(...)` from a file "
            "layerlint does not read",
            f"{path}:6: model `sequential_1` checked only in part; first cause at line 6: `dense_1` (Dense) has a "
            "symbolic parameter count 3*input_shape[0] + 3",
            "No findings; 3 models: 1 checked in full, 2 only in part.",
        ], cached


TRAINED = """\
import numpy as np
import keras
from keras import layers
x = np.zeros((64, 20))
model = keras.Sequential([keras.Input((20,)), layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, np.random.randint(0, 3, size=(64,)))
model.fit(load_features(), load_labels())
model.predict([x, x, x])
model.evaluate(x[:10], np.zeros((10,)))
"""


def test_closing_line_counts_training_calls_checked_against_their_model(tmp_path, capsys):
    path = write(tmp_path, "t.py", TRAINED)
    code, out, err = run(capsys, "check", "--no-cache", path)
    assert code == 0 and out == ""
    assert err.splitlines()[-1] == "No findings; 1 model, checked in full; 4 training calls, 2 checked against their model."
    for cached in (False, True):  # the second run reads them back from the cache
        code, out, err = run(capsys, "check", path, "--show-coverage")
        assert err.splitlines() == [
            f"{path}:8: `fit()` on model `sequential` not checked: its data cannot be followed",
            f"{path}:9: `predict()` on model `sequential` not checked: its arrays cannot be paired with the model's "
            "inputs and outputs",
            "No findings; 1 model, checked in full; 4 training calls, 2 checked against their model.",
        ], cached


def test_exit_zero(tmp_path, capsys):
    code, _, _ = run(capsys, "check", "--exit-zero", write(tmp_path, "m.py", SEED000_LIKE.format(noqa="")))
    assert code == 0


def test_usage_errors_exit_2(tmp_path, capsys):
    assert run(capsys, "check", str(tmp_path / "missing.py"))[0] == 2
    code, _, err = run(capsys, "check", "--select", "XY9", write(tmp_path, "ok.py", CLEAN))
    assert code == 2 and "XY9" in err


def test_select_ignore_longest_prefix_wins():
    ll201, ll202, ll900 = get_rule("LL201"), get_rule("LL202"), get_rule("LL900")
    s = CheckSettings(select=["LL2"], ignore=["LL20"], extend_select=["LL201"])
    assert is_enabled(ll201, s) and not is_enabled(ll202, s)
    assert not is_enabled(get_rule("LL301"), s)
    assert is_enabled(ll201, CheckSettings(ignore=["LL2"], extend_select=["LL201"]))
    assert not is_enabled(ll201, CheckSettings(select=["LL201"], ignore=["LL201"]))  # tie: ignore wins
    # default-off rules need a selector naming their family or code
    assert not is_enabled(ll900, CheckSettings())
    assert not is_enabled(ll900, CheckSettings(select=["ALL"]))
    assert is_enabled(ll900, CheckSettings(extend_select=["LL9"]))


def test_select_on_command_line(tmp_path, capsys):
    path = write(tmp_path, "m.py", SEED000_LIKE.format(noqa=""))
    _, out, _ = run(capsys, "check", "--select", "LL4", path)
    assert finding_codes(out) == ["LL404"]
    code, out, _ = run(capsys, "check", "--ignore", "LL404,LL201", path)
    assert code == 0 and finding_codes(out) == []


@pytest.mark.parametrize(("comment", "remaining"), [
    ("  # noqa", ["LL404"]),
    ("  # noqa: LL201", ["LL404"]),
    ("  # noqa: LL301, LL201", ["LL005", "LL404"]),  # LL301 suppresses nothing there
    ("  # noqa: LL2", ["LL404"]),
    ("  # noqa: E501", ["LL201", "LL404"]),
])
def test_line_noqa(tmp_path, capsys, comment, remaining):
    path = write(tmp_path, "m.py", SEED000_LIKE.format(noqa=comment))
    _, out, _ = run(capsys, "check", path)
    assert finding_codes(out) == remaining


def test_file_noqa(tmp_path, capsys):
    text = "# layerlint: noqa: LL404\n" + SEED000_LIKE.format(noqa="")
    _, out, _ = run(capsys, "check", write(tmp_path, "m.py", text))
    assert finding_codes(out) == ["LL201"]
    text = "# layerlint: noqa\n" + SEED000_LIKE.format(noqa="")
    code, out, _ = run(capsys, "check", write(tmp_path, "n.py", text))
    assert code == 0


def test_noqa_parsing_ignores_strings():
    sup = parse_suppressions('x = "# noqa"\ny = 1  # NOQA:LL201,LL3\n')
    assert 1 not in sup.lines and sup.lines[2] == {"LL201", "LL3"}
    assert isinstance(parse_suppressions("def f(:\n  # noqa\n"), Suppressions)  # untokenizable: line scan


def test_syntax_error_file_does_not_stop_others(tmp_path, capsys):
    bad = write(tmp_path, "a_bad.py", "import keras\nmodel = keras.Sequential([\n")
    good = write(tmp_path, "b_m.py", SEED000_LIKE.format(noqa=""))
    code, out, _ = run(capsys, "check", str(tmp_path))
    lines = out.splitlines()
    assert code == 1
    assert lines[0].startswith(f"{bad}:") and " LL001 syntax error" in lines[0]
    assert any(line.startswith(f"{good}:5:5: LL201") for line in lines)


def test_statistics(tmp_path, capsys):
    _, out, _ = run(capsys, "check", "--statistics", write(tmp_path, "m.py", SEED000_LIKE.format(noqa="")))
    assert out.splitlines()[:2] == ["    1  LL201  dense-on-unflattened-input", "    1  LL404  softmax-single-unit"]


def test_full_format_shows_caret_and_fix(tmp_path, capsys):
    _, out, _ = run(capsys, "check", "--output-format", "full", "--select", "LL201",
                    write(tmp_path, "m.py", SEED000_LIKE.format(noqa="")))
    lines = out.splitlines()
    assert lines[2] == '5 |     layers.Dense(300, activation="relu"),'
    assert lines[3] == "  |     " + "^" * len('layers.Dense(300, activation="relu")')
    assert "put layers.Flatten() (or layers.GlobalAveragePooling1D()) before this Dense" in lines[4]


def test_rule_docs(capsys):
    code, out, _ = run(capsys, "rule", "LL201")
    assert code == 0
    for part in ("LL201 dense-on-unflattened-input (warning)", "What it does", "Why is this bad?", "Example", "Use instead"):
        assert part in out
    assert run(capsys, "rule", "LL999")[0] == 2


def test_rule_all_and_markdown(capsys):
    _, out, _ = run(capsys, "rule", "--all")
    codes = [line.split()[0] for line in out.splitlines()]
    assert codes == sorted(codes) and {"LL101", "LL201", "LL302", "LL404", "LL900"} <= set(codes)
    _, md, _ = run(capsys, "rule", "--all", "--markdown")
    assert '<a id="ll201"></a>' in md and "| [LL302](#ll302) |" in md


def test_url_points_at_readme_anchor(tmp_path):
    from layerlint.runner.check import run_check

    diags = run_check([write(tmp_path, "m.py", SEED000_LIKE.format(noqa=""))], CheckSettings(select=["LL201"]))
    assert diags[0].url.endswith("README.md#ll201")


def test_the_console_entry_exits_with_the_status_and_flushes(tmp_path) -> None:
    # entry() skips Python's teardown (os._exit) for speed; what was printed must still arrive.
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    seed = root / "fixtures" / "seeds" / "seed000_dense_before_flatten.py"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered, as for most users
    run = subprocess.run([sys.executable, "-m", "layerlint", "check", "--no-cache", str(seed)],
                         capture_output=True, text=True, cwd=tmp_path, env=env)
    assert run.returncode == 1
    assert run.stdout.count("LL201") == 1 and "Found 1 finding" in run.stderr
    summary = subprocess.run([sys.executable, "-m", "layerlint", "summary", str(seed)],
                             capture_output=True, text=True, cwd=tmp_path, env=env)
    assert summary.returncode == 0 and "Total params: 1,050,761 (4.01 MB)" in summary.stdout
    usage = subprocess.run([sys.executable, "-m", "layerlint", "check", "--nope"], capture_output=True, text=True)
    assert usage.returncode == 2 and "unrecognized arguments: --nope" in usage.stderr
    # A reader that stops early: no traceback, no "Exception ignored" noise.
    proc = subprocess.Popen([sys.executable, "-m", "layerlint", "summary", "--explain", str(seed)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err and "Exception ignored" not in err
