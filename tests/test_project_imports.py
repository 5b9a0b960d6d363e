"""Whole projects: imports of the project's own modules are followed, statically.

Fixture projects are written to a temporary folder; parameter counts are worked
out by hand from Keras' formulas (Conv2D: k*k*c_in*f + f, Dense: n_in*units + units).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from layerlint.analyze import analyze_text
from layerlint.extract.modules import clear_registry
from layerlint.runner import parallel
from layerlint.runner.cache import Cache
from layerlint.runner.config import SettingsResolver
from layerlint.runner.pipeline import analyze_path, check_paths


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


PROJECT = {
    "pyproject.toml": "[project]\nname = 'demo'\n",
    "pkg/__init__.py": "from .blocks import conv_block\n",
    "pkg/config.py": "FILTERS = 8\nORDER = 'channels_last'\n",
    "pkg/blocks.py": """
        from keras import layers
        from .config import FILTERS

        def conv_block(x, filters=FILTERS):
            x = layers.Conv2D(filters, 3, padding="same")(x)
            return layers.ReLU()(x)
        """,
    "pkg/models/__init__.py": "",
    "pkg/models/net.py": """
        import keras
        from ..blocks import *
        from .. import config
        import pkg.config as cfg

        def build(n_classes):
            inp = keras.Input((32, 32, 3))
            x = conv_block(inp)
            x = conv_block(x, cfg.FILTERS * 2)
            x = keras.layers.GlobalAveragePooling2D(data_format=config.ORDER)(x)
            out = keras.layers.Dense(n_classes)(x)
            return keras.Model(inp, out)
        """,
    "train.py": """
        from pkg.models.net import build
        model = build(10)
        """,
}
# conv 3->8: 9*3*8+8 = 224; conv 8->16: 9*8*16+16 = 1,168; dense 16->10: 170
NET_PARAMS = 224 + 1168 + 170


@pytest.fixture(autouse=True)
def fresh_registry():
    clear_registry()
    yield
    clear_registry()


def only_model(path: Path):
    fa = analyze_path(str(path))
    assert len(fa.models) == 1, (fa.models, fa.notes, fa.problems)
    return fa, fa.models[0]


def test_packages_relative_star_and_aliased_imports(tmp_path: Path) -> None:
    root = write(tmp_path, PROJECT)
    fa, sm = only_model(root / "train.py")
    assert sm.total_params == NET_PARAMS
    assert [r.output for r in sm.layers][-1] == (None, 10)
    # The layers were made in the helper modules: their spans name those files.
    conv = next(r for r in sm.layers if r.cls == "Conv2D")
    assert conv.span.path is not None and conv.span.path.endswith("blocks.py") and conv.span.line == 5
    assert set(Path(p).name for p in fa.reached) >= {"net.py", "blocks.py", "config.py", "__init__.py"}


def test_a_file_without_the_word_keras_is_analysed_through_its_imports(tmp_path: Path) -> None:
    root = write(tmp_path, PROJECT)
    assert "keras" not in (root / "train.py").read_text()
    _, sm = only_model(root / "train.py")
    assert sm.model.span.home() == (2, 8)


def test_without_following_imports_nothing_is_read(tmp_path: Path) -> None:
    root = write(tmp_path, PROJECT)
    text = "import keras\n" + (root / "train.py").read_text()
    fa = analyze_text(text, str(root / "train.py"), follow_imports=False)
    assert fa.models == [] and fa.reached == {}


def test_constants_module_decides_a_branch(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "pyproject.toml": "",
        "cfg.py": "ORDER = 'channels_first'\n",
        "m.py": """
            import keras
            from cfg import ORDER
            if ORDER == 'channels_first':
                inp = keras.Input((3, 16, 16))
            else:
                inp = keras.Input((16, 16, 3))
            model = keras.Model(inp, keras.layers.Flatten()(inp))
            """,
    })
    fa, sm = only_model(root / "m.py")
    assert sm.layers[0].output == (None, 3, 16, 16)
    assert not any("cannot be decided" in n.message for n in fa.notes)


def test_import_cycle_ends_in_an_unknown_not_a_hang(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "pyproject.toml": "",
        "a.py": """
            import keras
            from b import *
            def dense(x):
                return keras.layers.Dense(4)(x)
            """,
        "b.py": """
            from a import *
            def helper(x):
                return dense(x)
            """,
        "main.py": """
            import keras
            from a import helper
            inp = keras.Input((3,))
            model = keras.Model(inp, helper(inp))
            """,
    })
    fa, sm = only_model(root / "main.py")
    # b ran while a was half-run: `dense` did not exist yet, as in Python (which fails at the call).
    assert any("(a circular import)" in n.message for n in fa.notes)
    assert sm.layers[-1].status != "ok"


def test_functions_calling_each_other_across_modules_are_followed(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "pyproject.toml": "",
        "a.py": """
            import keras
            import b
            def dense(x, n):
                return b.maybe_more(keras.layers.Dense(4)(x), n - 1)
            """,
        "b.py": """
            import a
            def maybe_more(x, n):
                return a.dense(x, n) if n > 0 else x
            """,
        "main.py": """
            import keras
            from a import dense
            inp = keras.Input((3,))
            model = keras.Model(inp, dense(inp, 2))
            """,
    })
    _, sm = only_model(root / "main.py")
    assert sm.total_params == (3 * 4 + 4) + (4 * 4 + 4)


def test_missing_modules_are_said_not_guessed(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "pyproject.toml": "",
        "pkg/__init__.py": "",
        "pkg/main.py": """
            import keras
            from .gone import build
            from pkg.absent import other
            inp = keras.Input((3,))
            model = keras.Model(inp, build(inp))
            """,
    })
    fa, sm = only_model(root / "pkg" / "main.py")
    assert any("`.gone` is not a file of this project" in n.message for n in fa.notes)
    assert fa.problems == []


def test_a_module_that_does_not_parse_is_named_when_used(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "pyproject.toml": "",
        "broken.py": "def f(:\n",
        "main.py": "import keras\nfrom broken import f\nunits = f(1)\n"
                   "model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])\n",
    })
    fa, sm = only_model(root / "main.py")
    assert any("broken" in n.message and "cannot be analysed" in n.message for n in fa.notes)
    assert sm.total_params == 3


def test_a_module_whose_names_are_never_used_is_not_read(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "pyproject.toml": "",
        "plots.py": "import keras\nSIZE = 3\n",
        "main.py": "import keras\nfrom plots import SIZE\nmodel = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])\n",
    })
    fa, _ = only_model(root / "main.py")
    assert fa.reached == {}


def test_source_roots_from_configuration(tmp_path: Path) -> None:
    write(tmp_path / "lib", {k: v for k, v in PROJECT.items() if k.startswith("pkg/")})
    root = write(tmp_path / "app", {
        "pyproject.toml": '[tool.layerlint]\nsrc = ["../lib"]\n',
        "train.py": PROJECT["train.py"],
    })
    _, sm = only_model(root / "train.py")
    assert sm.total_params == NET_PARAMS


def test_notebook_imports_resolve_from_its_folder(tmp_path: Path) -> None:
    import json

    root = write(tmp_path, PROJECT)
    nb = {"cells": [{"cell_type": "code", "source": ["from pkg.models.net import build\n", "model = build(3)\n"],
                     "metadata": {}, "outputs": [], "execution_count": None}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (root / "notebooks").mkdir()
    path = root / "notebooks" / "explore.ipynb"
    # the notebook sits beside the package, as a user runs it from its folder
    write(root / "notebooks", {k: v for k, v in PROJECT.items() if k.startswith("pkg/")})
    path.write_text(json.dumps(nb))
    _, sm = only_model(path)
    assert sm.total_params == 224 + 1168 + 16 * 3 + 3


HEADS = {
    "pyproject.toml": "",
    "heads.py": """
        from keras import layers

        def head(x):
            x = layers.Dense(300)(x)
            x = layers.Flatten()(x)
            return layers.Dense(1)(x)
        """,
    "train.py": """
        import keras
        from heads import head
        inp = keras.Input((32, 100))
        model = keras.Model(inp, head(inp))
        """,
}


def run_check(paths: list[Path], jobs: int = 1, cache: Cache | None = None):
    return check_paths([str(p) for p in paths], SettingsResolver(), jobs=jobs, cache=cache,
                       show_progress=False).diagnostics


def test_finding_in_a_helper_is_reported_at_the_outermost_call_when_the_helper_is_not_checked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write(tmp_path, HEADS)
    monkeypatch.chdir(root)
    found = [d for d in run_check([Path("train.py")]) if d.code == "LL201"]
    assert [(d.path, d.line) for d in found] == [("train.py", 4)]
    assert found[0].message.endswith("(in heads.py:4, via train.py:4)")


def test_finding_in_a_checked_helper_is_reported_there_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write(tmp_path, {**HEADS, "train2.py": HEADS["train.py"]})
    monkeypatch.chdir(root)
    found = [d for d in run_check([Path("heads.py"), Path("train.py"), Path("train2.py")]) if d.code == "LL201"]
    assert [(d.path, d.line) for d in found] == [("heads.py", 4)]
    assert found[0].message.endswith("(via train.py:4)")


def test_changed_helper_rechecks_the_importer_through_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write(tmp_path, HEADS)
    analysed: list[str] = []
    real = parallel.check_task

    def spy(task, verbose=False, confirm=None):
        analysed.append(Path(task.path).name)
        return real(task, verbose, confirm)

    monkeypatch.setattr(parallel, "check_task", spy)
    cache_dir = tmp_path / "cache"
    first = run_check([root / "train.py"], cache=Cache(cache_dir))
    again = run_check([root / "train.py"], cache=Cache(cache_dir))
    assert again == first and analysed == ["train.py"]
    helper = root / "heads.py"
    helper.write_text(helper.read_text().replace("layers.Dense(300)(x)\n", "x\n"))
    fixed = run_check([root / "train.py"], cache=Cache(cache_dir))
    assert analysed == ["train.py", "train.py"]
    assert [d.code for d in first if d.code == "LL201"] == ["LL201"]
    assert [d.code for d in fixed if d.code == "LL201"] == []


def test_jobs_two_equals_jobs_one(tmp_path: Path) -> None:
    files = dict(PROJECT)
    files.update({f"train{i}.py": f"from pkg.models.net import build\nmodel = build({i + 2})\n" for i in range(5)})
    files.update(HEADS)
    root = write(tmp_path, files)
    paths = sorted(root.glob("*.py")) + sorted(root.rglob("pkg/**/*.py"))
    one = run_check(paths, jobs=1)
    clear_registry()
    two = run_check(paths, jobs=2)
    assert one == two and any(d.code == "LL201" for d in one)


def test_jobs_share_the_analysis_of_imported_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers inherit the modules the main process analysed: each module runs once in the whole run."""
    import os

    from layerlint.extract import modules

    log = tmp_path / "runs.log"
    real = modules._run

    def counted(unit, text, imports):
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"{os.getpid()} {unit.path}\n")
        return real(unit, text, imports)

    monkeypatch.setattr(modules, "_run", counted)
    files = dict(PROJECT)
    files.update({f"train{i}.py": f"from pkg.models.net import build\nmodel = build({i + 2})\n" for i in range(8)})
    root = write(tmp_path / "p", files)
    paths = sorted(root.glob("train*.py"))
    one = run_check(paths, jobs=1)
    clear_registry()
    log.unlink()
    two = run_check(paths, jobs=2)
    runs = log.read_text().split("\n")[:-1]
    assert one == two
    assert len({r.split()[0] for r in runs}) == 1, runs  # all in the main process
    analysed = [Path(r.split()[1]).relative_to(root).as_posix() for r in runs]
    assert sorted(analysed) == sorted(set(analysed)) and {"pkg/blocks.py", "pkg/models/net.py"} <= set(analysed)


def test_import_budget_names_what_was_cut(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from layerlint.extract import modules

    monkeypatch.setattr(modules, "MAX_MODULES", 2)
    root = write(tmp_path, PROJECT)
    fa = analyze_path(str(root / "train.py"))
    cut = [m for code, m, _ in fa.problems if code == "LL004"]
    assert cut and "not followed: over the budget of 2 project modules per file" in cut[0]


def test_configured_image_data_format_decides_branches(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "pyproject.toml": '[tool.layerlint]\nimage-data-format = "channels_first"\n',
        "m.py": """
            import keras
            from keras import backend as K
            shape = (3, 8, 8) if K.image_data_format() == 'channels_first' else (8, 8, 3)
            inp = keras.Input(shape)
            model = keras.Model(inp, keras.layers.Flatten()(inp))
            """,
    })
    _, sm = only_model(root / "m.py")
    assert sm.layers[0].output == (None, 3, 8, 8)
    checked = run_check([root / "m.py"])
    assert not any(d.code.startswith("LL0") for d in checked)
