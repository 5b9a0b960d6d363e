"""The pre-commit hooks, installed the way users get them: ``pre-commit try-repo``.

pre-commit installs layerlint from a git repository into a fresh virtualenv.
To test the working tree (not only the last commit), the tracked and new files
are copied into a throwaway repository and committed there first.  Skipped only
when git or pre-commit is missing, and never on CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GIT_IDENTITY = ("-c", "user.name=layerlint tests", "-c", "user.email=tests@layerlint.invalid",
                "-c", "commit.gpgsign=false")

BAD_MODEL = """\
from keras.layers import Conv1D, Dense, Flatten, MaxPooling1D
from keras.models import Sequential

model = Sequential()
model.add(Conv1D(60, 32, activation="relu", padding="causal", input_shape=(64, 1)))
model.add(MaxPooling1D(2))
model.add(Dense(300, activation="relu"))
model.add(Flatten())
model.add(Dense(1, activation="sigmoid"))
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
"""

GOOD_MODEL = """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(16, 3, activation="relu"),
    layers.MaxPooling2D(2),
    layers.Flatten(),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
"""


def _require_tools() -> None:
    missing = []
    if shutil.which("git") is None:
        missing.append("git")
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        missing.append("pre-commit")
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{', '.join(missing)} missing on CI: the pre-commit hook test must run there")
        pytest.skip(f"{', '.join(missing)} not installed")


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *GIT_IDENTITY, *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


def _project_files() -> list[str]:
    """Tracked and new, not ignored files of the project (everything a commit would hold)."""
    try:
        out = git("ls-files", "--cached", "--others", "--exclude-standard", "-z", cwd=REPO)
    except (subprocess.CalledProcessError, OSError):
        out = ""
    files = [f for f in out.split("\0") if f and (REPO / f).is_file()]
    if files:
        return files
    # Not a git checkout (e.g. an unpacked sdist): take the source tree.
    keep = ("lint", "rules", "docs", "pyproject.toml", "README.md", ".pre-commit-hooks.yaml")
    return [p.relative_to(REPO).as_posix() for top in keep for p in ([REPO / top] if (REPO / top).is_file()
            else (REPO / top).rglob("*")) if p.is_file() and "__pycache__" not in p.parts]


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _require_tools()
    snapshot = tmp_path_factory.mktemp("hook-repo")
    for rel in _project_files():
        dest = snapshot / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, dest)
    assert (snapshot / ".pre-commit-hooks.yaml").is_file()
    git("init", "-q", cwd=snapshot)
    git("add", "-A", cwd=snapshot)
    git("commit", "-q", "-m", "snapshot", cwd=snapshot)
    return snapshot


@pytest.fixture()
def user_repo(tmp_path: Path) -> Path:
    git("init", "-q", cwd=tmp_path)
    (tmp_path / "bad_model.py").write_text(BAD_MODEL, encoding="utf-8")
    (tmp_path / "good_model.py").write_text(GOOD_MODEL, encoding="utf-8")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "generated_model.py").write_text(BAD_MODEL, encoding="utf-8")
    git("add", "-A", cwd=tmp_path)
    return tmp_path


def try_repo(hook_repo: Path, cwd: Path, hook: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env["NO_COLOR"] = "1"
    cmd = [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), hook, "--ref", "HEAD", "--color", "never",
           *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, timeout=600)


def test_hook_fails_on_a_bad_model_and_prints_the_finding(hook_repo: Path, user_repo: Path) -> None:
    result = try_repo(hook_repo, user_repo, "layerlint", "--files", "bad_model.py")
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "layerlint" in out and "Failed" in out
    # the concise finding, pointing at Dense(300) on line 7
    assert "bad_model.py:7:" in out
    assert " LL" in out


def test_hook_passes_on_a_good_model(hook_repo: Path, user_repo: Path) -> None:
    result = try_repo(hook_repo, user_repo, "layerlint", "--files", "good_model.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


def test_hook_force_excludes_files_pre_commit_names(hook_repo: Path, user_repo: Path) -> None:
    # build/ is excluded by default; pre-commit still passes the file by name.
    result = try_repo(hook_repo, user_repo, "layerlint", "--files", "build/generated_model.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_summary_hook_is_manual_only(hook_repo: Path, user_repo: Path) -> None:
    # In the default stage pre-commit does not even see the hook.
    default_stage = try_repo(hook_repo, user_repo, "layerlint-summary", "--files", "good_model.py")
    assert "No hook with id `layerlint-summary` in stage `pre-commit`" in default_stage.stdout
    assert "Total params" not in default_stage.stdout
    manual = try_repo(hook_repo, user_repo, "layerlint-summary", "--hook-stage", "manual", "--files", "good_model.py")
    assert manual.returncode == 0, manual.stdout + manual.stderr
    # Conv2D(16, 3) on 28x28x1: 3*3*1*16 + 16 = 160; Dense(10) on 13*13*16 = 2704: 27,050
    assert "Total params: 27,210" in manual.stdout
    # a file the configuration excludes (build/ by default) is skipped, not an error
    excluded = try_repo(hook_repo, user_repo, "layerlint-summary", "--hook-stage", "manual", "--files",
                        "build/generated_model.py")
    assert excluded.returncode == 0, excluded.stdout + excluded.stderr
    assert "Total params" not in excluded.stdout


def test_hook_manifest_declares_both_hooks() -> None:
    yaml = pytest.importorskip("yaml")
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    main = hooks["layerlint"]
    assert main["entry"] == "layerlint check --force-exclude"
    assert main["language"] == "python"
    assert main["types_or"] == ["python", "jupyter"]
    assert main["require_serial"] is True and main["args"] == []
    assert "stages" not in main
    assert hooks["layerlint-summary"]["stages"] == ["manual"]
    assert hooks["layerlint-summary"]["entry"] == "layerlint summary --force-exclude"
