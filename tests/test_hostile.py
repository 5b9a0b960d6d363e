"""Files written by an adversary (fixtures/bad_inputs/hostile/) read nothing of the host.

Each hostile file tries to reach the environment, a file, or memory through what the
interpreter computes: format strings, dunder chains, computed getattr, allocation bombs,
and arguments that make Keras open files under --confirm.  With a canary environment
variable and a canary file in place, no output format of ``summary`` or ``check`` may
show either value, or the repr of a function or module, and nothing may crash.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path

import pytest

from tests.nonempty import nonempty

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "fixtures" / "bad_inputs" / "hostile"
FILES = nonempty(sorted(HOSTILE.glob("*.py")), "hostile files")
CANARY_ENV = "canary-env-5f1d9a"
CANARY_FILE = "canary-file-7c2e44"
FORBIDDEN = (CANARY_ENV, CANARY_FILE, "<function", "<module", "<class", "object at 0x", "Traceback")
PEAK_MB = 300


def test_the_corpus_is_there() -> None:
    assert len(FILES) >= 6, FILES


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("hostile")
    for f in FILES:
        shutil.copy(f, where / f.name)
    (where / "canary_secret.txt").write_text(CANARY_FILE + "\n")
    return where


def run(args: list[str], cwd: Path, code: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "LAYERLINT_CANARY": CANARY_ENV, "HOME": str(cwd), "NO_COLOR": "1",
           "TF_CPP_MIN_LOG_LEVEL": "3"}
    command = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "layerlint", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600, env=env)


def assert_clean(r: subprocess.CompletedProcess) -> None:
    out = r.stdout + r.stderr
    leaks = [word for word in FORBIDDEN if word in out]
    assert leaks == [], out[-3000:]
    assert " LL002 " not in out and '"LL002"' not in out.replace('"id": "LL002"', "")  # sarif lists every rule


SUMMARY = [["summary"], ["summary", "--explain"], ["summary", "--format", "json"], ["summary", "--verbose"]]
CHECK = [["check", "--no-cache", "--extend-select", "LL9", "--output-format", fmt]
         for fmt in ("concise", "full", "json", "json-lines", "github", "gitlab", "sarif")]


@pytest.mark.parametrize("args", SUMMARY + CHECK, ids=lambda a: "-".join(a[:1] + a[-1:]))
def test_no_canary_in_any_output(project: Path, args: list[str]) -> None:
    r = run([*args, *[f.name for f in FILES]], project)
    assert_clean(r)
    assert r.stdout.strip(), "the files were analysed, not skipped"


def test_the_canaries_would_be_seen(project: Path) -> None:
    """The test can fail: a file that prints its input's name shows it."""
    (project / "echo.py").write_text('import keras\nm = keras.Sequential([keras.Input((2,)), '
                                     f'keras.layers.Dense(2, name="{CANARY_ENV}")])\n')
    try:
        r = run(["summary", "echo.py"], project)
    finally:
        (project / "echo.py").unlink()
    assert CANARY_ENV in r.stdout


PEAK = """
import resource, sys
from layerlint.runner.pipeline import analyze_path
for path in sys.argv[1:]:
    fa = analyze_path(path)
    assert not [p for p in fa.problems if p[0] == "LL002"], (path, fa.problems)
# VmHWM is this program's own peak; ru_maxrss would carry over the peak of the (pytest) process it was forked from.
status = open("/proc/self/status").read() if sys.platform == "linux" else ""
hwm = [int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")]
print((hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) // 1024)
"""


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_each_file_stays_small_and_quick(project: Path, path: Path) -> None:
    r = run([path.name], project, code=PEAK)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert int(r.stdout.split()[-1]) < PEAK_MB, r.stdout


def test_allocation_bombs_are_one_budget_finding(project: Path) -> None:
    r = run(["check", "--no-cache", "--output-format", "json", "allocation_bombs.py"], project)
    found = json.loads(r.stdout)
    assert [d["code"] for d in found if d["code"].startswith("LL00")] == ["LL004"]
    assert "over the size budget" in next(d["message"] for d in found if d["code"] == "LL004")


CONFIRM = """
import ctypes, json, os, sys
seen = []
names = ("canary_secret", "/etc/hostname", "weights.h5", ".keras/models")

def hook(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes)):
        path = os.fsdecode(args[0])
        if any(n in path for n in names):
            seen.append(path)
    elif event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "urllib.Request"):
        seen.append(event)

sys.addaudithook(hook)
# TensorFlow reads files in native code, which audit hooks do not see: inotify does.
libc = ctypes.CDLL(None, use_errno=True)
watch = libc.inotify_init1(0o4000)  # IN_NONBLOCK
for path in (b"canary_secret.txt", b"/etc/hostname"):
    if os.path.exists(path):
        libc.inotify_add_watch(watch, path, 0x20)  # IN_OPEN
from layerlint.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
try:
    native = len(os.read(watch, 65536)) // 16
except BlockingIOError:
    native = 0
sys.stdout.flush()
print("\\nOPENED " + json.dumps(seen + ["native open"] * native))
"""


def _keras() -> None:
    import importlib.util

    if importlib.util.find_spec("keras") is None:
        if os.environ.get("CI"):
            pytest.fail("CI installs tensorflow-cpu: --confirm must be tested there")
        pytest.skip("--confirm needs TensorFlow")


@pytest.mark.parametrize("command", ["summary", "check"])
def test_confirm_opens_nothing_the_file_names(project: Path, command: str) -> None:
    _keras()
    extra = ["--no-cache"] if command == "check" else []
    files = ["vocabulary_path.py", "application_weights.py", "format_traversal.py"]
    r = run([command, "--confirm", *extra, *files], project, code=CONFIRM)
    opened = json.loads(r.stdout.rsplit("OPENED ", 1)[1])
    assert opened == []
    assert_clean(r)
    if command == "summary":
        # the lookups whose shapes do not depend on the vocabulary are rebuilt on stand-ins
        assert "confirmed by Keras" in r.stdout.split('Model: "functional" (functional) at vocabulary_path.py:12')[1].split("Model:")[0]
        assert "--confirm opens no files" in r.stdout or "symbolic output" in r.stdout


def test_offline_arguments() -> None:
    from layerlint.confirm.offline import FileArgument, offline_kwargs

    assert offline_kwargs("StringLookup", {"vocabulary": "v.txt"})["vocabulary"] != "v.txt"
    assert offline_kwargs("ResNet50", {"weights": "imagenet"})["weights"] is None
    assert offline_kwargs("ResNet50", {"weights": "http://x/w.h5"})["weights"] is None
    assert offline_kwargs("StringLookup", {"vocabulary": ["a", "b"]}) == {"vocabulary": ["a", "b"]}
    for cls, kwargs in [("StringLookup", {"vocabulary": "v.txt", "output_mode": "one_hot"}),
                        ("TextVectorization", {"idf_weights": "w.txt", "vocabulary": ["a"]}),
                        ("Dense", {"name": "http://example.invalid/x"})]:
        with pytest.raises(FileArgument):
            offline_kwargs(cls, kwargs)


def test_the_guard_refuses_named_files_while_rebuilding(tmp_path: Path) -> None:
    from layerlint.confirm.offline import guarded

    target = tmp_path / "named.txt"
    target.write_text("x")
    other = tmp_path / "other.txt"
    other.write_text("y")
    with guarded({str(target)}) as refused:
        with pytest.raises(PermissionError):
            open(target).close()
        open(other).close()
    assert refused == [str(target)]
    open(target).close()  # outside a rebuild, nothing is refused


INTERPRETER = textwrap.dedent("""
    import keras
    from keras import layers
    n = "{x.__init__.__globals__[dataclass].__globals__[sys].modules[os].environ[LAYERLINT_CANARY]}".format(
        x=layers.Dense(3))
    m = keras.Sequential([keras.Input((4,)), layers.Dense(2, name=n)])
""")


def test_issue_reproduction_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from layerlint.analyze import analyze_text
    from layerlint.report.summary import render_file

    monkeypatch.setenv("LAYERLINT_CANARY", CANARY_ENV)
    fa = analyze_text(INTERPRETER, "m.py")
    assert CANARY_ENV not in render_file(fa, explain=True)
    assert fa.models and fa.problems == []


def test_issue_reproduction_nested_width() -> None:
    from layerlint.analyze import analyze_text

    tracemalloc.start()
    try:
        fa = analyze_text('import keras\nn = "{0:{1}}".format("a", 4 * 10**8)\n', "m.py")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2**20
    assert [p[0] for p in fa.problems] == ["LL004"]
