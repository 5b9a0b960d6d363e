"""layerlint never runs what it reads.

A hostile file whose imports, decorators, layer arguments and compile()
arguments would write marker files, call ``os.system`` or open a socket if
evaluated goes through ``summary``, ``check`` and (with TensorFlow) ``--confirm``;
none of it may happen.  A scan of the package finds no call that could run
source text.
"""

from __future__ import annotations

import ast
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

HOSTILE = '''
import os
import socket
import subprocess
import keras
from keras import layers
import evil_module                      # runs evil_module.py if imported
from evil_package import thing           # and this package's __init__
__import__("evil_dunder")

open({m1!r}, "w").write("module level")
os.system("touch " + {m2!r})


def marker(function):
    open({m3!r}, "w").write("decorator")
    return function


@marker
def build(units=os.system("touch " + {m4!r})):
    return keras.Sequential([
        keras.Input((int(open({m5!r}, "w").write("shape")) + 4,)),
        layers.Dense(units, activation=subprocess.call(["touch", {m6!r}])),
        layers.Dense(3, kernel_initializer=keras.utils.get_file("weights.h5", "http://127.0.0.1:{port}/init")),
        layers.Dense(2, kernel_regularizer=keras.layers.deserialize({{"class_name": "Lambda", "config": {{}}}},
                                                                    safe_mode=False)),
    ])


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        exec("open({m7!r}, 'w').write('exec')")
        self.dense = layers.Dense(eval("__import__('os').system('touch {m8}')"))


model = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.Dense(2, activation="softmax")])
fetching = keras.Sequential([keras.Input((4,)), layers.Dense(3, kernel_initializer=keras.utils.get_file(
    "w.h5", "http://127.0.0.1:{port}/fetch"))])
reviving = keras.Sequential([keras.Input((4,)), layers.Dense(3, kernel_initializer=keras.layers.deserialize(
    {{"class_name": "Lambda", "config": {{}}}}, safe_mode=False))])
too_short = keras.Sequential([keras.Input((4, 2)), layers.Conv1D(3, 7)])  # a real finding (LL101)
model.compile(loss=socket.create_connection(("127.0.0.1", {port})),
              optimizer=keras.utils.get_file("o.txt", "http://127.0.0.1:{port}/compile"))
keras.config.enable_unsafe_deserialization()
'''


class Listener:
    """A local TCP port that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture()
def hostile(tmp_path: Path) -> Iterator[tuple[Path, list[Path], Listener]]:
    listener = Listener()
    markers = [tmp_path / "markers" / f"m{i}" for i in range(1, 9)]
    (tmp_path / "markers").mkdir()
    source = HOSTILE.format(port=listener.port, **{f"m{i}": str(m) for i, m in enumerate(markers, 1)})
    project = tmp_path / "project"
    project.mkdir()
    (project / "model.py").write_text(source)
    # Importable neighbours: each would leave its own marker if imported.
    for name in ("evil_module", "evil_dunder"):
        (project / f"{name}.py").write_text(f"open({str(tmp_path / 'markers' / name)!r}, 'w').write('imported')\n")
        markers.append(tmp_path / "markers" / name)
    (project / "evil_package").mkdir()
    (project / "evil_package" / "__init__.py").write_text(
        f"open({str(tmp_path / 'markers' / 'evil_package')!r}, 'w').write('imported')\nthing = 1\n")
    markers.append(tmp_path / "markers" / "evil_package")
    try:
        yield project, markers, listener
    finally:
        listener.close()


def run_cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    # cwd and PYTHONPATH hold the evil modules, so any import of user code would find them
    env = {**os.environ, "PYTHONPATH": str(cwd), "NO_COLOR": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run([sys.executable, "-m", "layerlint", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env=env)


def _assert_nothing_ran(project: Path, markers: list[Path], listener: Listener) -> None:
    assert [m.name for m in markers if m.exists()] == []
    assert listener.connections == 0
    assert sorted(p.name for p in project.iterdir()) == ["evil_dunder.py", "evil_module.py", "evil_package",
                                                          "model.py"]


def _tensorflow_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("tensorflow") is not None or importlib.util.find_spec("keras") is not None


@pytest.mark.parametrize("args", [
    ["summary", "--explain", "model.py"],
    ["summary", "--format", "json", "model.py"],
    ["check", "--no-cache", "--extend-select", "LL9", "model.py"],
    ["check", "--no-cache", "--output-format", "json", "."],
])
def test_hostile_file_is_read_not_run(hostile, args: list[str]) -> None:
    project, markers, listener = hostile
    r = run_cli(args, project)
    assert "Traceback" not in r.stderr
    # it was analysed, not skipped
    assert ("LL101" in r.stdout) if args[0] == "check" else ("conv1d" in r.stdout)
    _assert_nothing_ran(project, markers, listener)


@pytest.mark.parametrize("command", ["summary", "check"])
def test_hostile_file_with_confirm(hostile, command: str) -> None:
    if not _tensorflow_available():
        if os.environ.get("CI"):
            pytest.fail("CI installs tensorflow-cpu: --confirm must be tested there")
        pytest.skip("--confirm needs TensorFlow")
    project, markers, listener = hostile
    extra = ["--no-cache"] if command == "check" else []
    r = run_cli([command, "--confirm", *extra, "model.py"], project)
    assert "Traceback" not in r.stderr
    _assert_nothing_ran(project, markers, listener)
    assert ("LL101" in r.stdout) if command == "check" else ("conv1d" in r.stdout)


def test_confirm_constructs_only_configuration_objects() -> None:
    from layerlint.confirm.rebuild import is_safe_keras_path

    for ok in ("layers.Dense", "initializers.HeNormal", "regularizers.l2", "losses.BinaryCrossentropy",
               "optimizers.schedules.ExponentialDecay", "activations.relu", "metrics.AUC"):
        assert is_safe_keras_path(ok), ok
    for bad in ("utils.get_file", "saving.load_model", "config.enable_unsafe_deserialization", "models.load_model",
                "layers.deserialize", "losses.get", "layers.Lambda", "layers.TFSMLayer", "layers.Dense.from_config",
                "layers.__builtins__", "ops.ones", "backend.set_floatx", "layers", "", None):
        assert not is_safe_keras_path(bad), bad


# -- the package itself -----------------------------------------------------------------------

# Calls that can run source text or start programs.  ``ast.parse`` only builds a
# tree; ``ast.literal_eval`` evaluates literals only (used for --assume values).
FORBIDDEN = {"eval", "exec", "compile", "__import__", "execfile", "runpy.run_path", "runpy.run_module",
             "importlib.import_module", "importlib.__import__", "os.system", "os.popen", "os.execv", "os.execvp",
             "os.spawnv", "subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
             "subprocess.Popen", "pickle.load", "pickle.loads", "marshal.loads", "code.interact",
             "imp.load_source", "spec.loader.exec_module"}
# (file, call): imports of layerlint's own modules by name, never of user code.
ALLOWED = {("lint/engine/layers/__init__.py", "importlib.import_module"),
           ("lint/report/formats/__init__.py", "importlib.import_module")}  # a formatter named in its fixed table


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _calls(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _dotted(node.func)
            if name:
                yield node.lineno, name


def test_the_engine_has_no_eval_exec_or_import_of_user_code() -> None:
    found = []
    files = sorted((ROOT / "lint").rglob("*.py")) + sorted((ROOT / "rules").rglob("*.py"))
    assert len(files) > 30
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in rel or rel.startswith("rules/test_"):
            continue
        for line, name in _calls(path):
            if (name in FORBIDDEN or name.split(".")[-1] in ("exec_module", "run_path")) and (rel, name) not in ALLOWED:
                found.append(f"{rel}:{line}: {name}")
    assert found == []


def test_the_scan_would_see_a_forbidden_call(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import importlib, os\nx = eval(s)\nimportlib.import_module(name)\nos.system('x')\n")
    assert [name for _, name in _calls(sample)] == ["eval", "importlib.import_module", "os.system"]


# -- the hostile corpus and the interpreter's own formatting -----------------------------------

HOSTILE_CORPUS = ROOT / "fixtures" / "bad_inputs" / "hostile"


@pytest.mark.parametrize("args", [["summary", "--explain"], ["check", "--no-cache"], ["summary", "--confirm"]])
def test_hostile_corpus_is_read_not_run(hostile, args: list[str]) -> None:
    """fixtures/bad_inputs/hostile/ beside the evil modules, its URLs pointed at the listener."""
    if "--confirm" in args and not _tensorflow_available():
        if os.environ.get("CI"):
            pytest.fail("CI installs tensorflow-cpu: --confirm must be tested there")
        pytest.skip("--confirm needs TensorFlow")
    project, markers, listener = hostile
    corpus = project / "corpus"
    corpus.mkdir()
    for f in sorted(HOSTILE_CORPUS.glob("*.py")):
        (corpus / f.name).write_text(f.read_text().replace("127.0.0.1:9/", f"127.0.0.1:{listener.port}/"))
    r = run_cli([*args, "corpus"], project)
    assert "Traceback" not in r.stderr and r.stdout.strip()
    assert [m.name for m in markers if m.exists()] == []
    assert listener.connections == 0


def _formatting_calls(path: Path) -> Iterator[tuple[int, str]]:
    """Python formatting or attribute access driven by a value rather than by our own literal."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Attribute) and f.attr in ("format", "format_map") and not (
                isinstance(f.value, ast.Constant) and isinstance(f.value.value, str)):
            yield node.lineno, f".{f.attr}() on a computed string"
        if isinstance(f, ast.Name) and f.id in ("getattr", "setattr", "hasattr", "delattr") and (
                len(node.args) < 2 or not isinstance(node.args[1], ast.Constant)):
            yield node.lineno, f"{f.id}() with a computed name"
        if isinstance(f, ast.Name) and f.id in ("format", "vars", "eval", "exec"):
            yield node.lineno, f"{f.id}()"


# formatting.py applies builtin format() and % to plain scalars whose sizes it has checked.
# positions.py and runtime.py (its walk for the names a block binds) read libcst nodes' dataclass
# fields and call visit_ methods named by libcst's node classes, never by the file.
FORMATTING_ALLOWED = {("lint/extract/formatting.py", "format()"),
                      ("lint/extract/positions.py", "getattr() with a computed name"),
                      ("lint/extract/runtime.py", "getattr() with a computed name")}


def test_the_interpreter_formats_and_reads_attributes_only_through_its_own_code() -> None:
    found = []
    files = sorted((ROOT / "lint" / "extract").glob("*.py"))
    assert len(files) > 5
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        found += [f"{rel}:{line}: {what}" for line, what in _formatting_calls(path) if (rel, what) not in FORMATTING_ALLOWED]
    assert found == []


def test_the_formatting_scan_would_see_a_real_format(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("t.format(*a)\ngetattr(o, name)\n'{}'.format(1)\ngetattr(o, 'x')\nformat(v, s)\n")
    assert [what for _, what in _formatting_calls(sample)] == [".format() on a computed string",
                                                              "getattr() with a computed name", "format()"]
