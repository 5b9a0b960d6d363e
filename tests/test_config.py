"""[tool.layerlint] discovery, validation, precedence and rule selection."""

from __future__ import annotations

from pathlib import Path

import pytest
from layerlint.runner.config import (
    ConfigError,
    Settings,
    SettingsResolver,
    find_config_file,
    load_settings,
    parse_bytes,
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_any_config(tmp_path: Path) -> None:
    s = load_settings(tmp_path / "model.py")
    assert s.config_file is None
    assert s.threshold("max-layer-params") == 10_000_000
    assert s.threshold("memory-budget") == 16 * 1024**3
    assert s.respect_gitignore is True
    assert "venv" in s.exclude and "node_modules" in s.exclude
    assert s.select is None and s.ignore == ()


def test_nearest_pyproject_with_table_wins_and_tableless_ones_are_skipped(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.layerlint]\nmax-layer-params = 1_000\n")
    write(tmp_path / "pkg" / "pyproject.toml", "[project]\nname = 'pkg'\n# mentions layerlint in a comment\n")
    write(tmp_path / "pkg" / "inner" / "pyproject.toml", "[tool.layerlint]\nmax-layer-params = 2_000\n")
    assert load_settings(tmp_path / "pkg" / "m.py").threshold("max-layer-params") == 1_000
    inner = load_settings(tmp_path / "pkg" / "inner" / "deep" / "m.py")
    assert inner.threshold("max-layer-params") == 2_000
    assert inner.config_file == (tmp_path / "pkg" / "inner" / "pyproject.toml").resolve()
    assert find_config_file(tmp_path / "pkg" / "m.py") == (tmp_path / "pyproject.toml").resolve()


def test_config_override_replaces_the_search(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.layerlint]\nmax-layer-params = 1_000\n")
    other = write(tmp_path / "elsewhere" / "layerlint.toml", "max-layer-params = 7\n")
    assert load_settings(tmp_path / "m.py", config_override=other).threshold("max-layer-params") == 7
    other_py = write(tmp_path / "elsewhere" / "pyproject.toml", "[tool.layerlint]\nmemory-budget = 1024\n")
    s = load_settings(tmp_path / "m.py", config_override=other_py)
    assert s.threshold("memory-budget") == 1024
    assert s.threshold("max-layer-params") == 10_000_000


def test_cli_overrides_beat_the_file_and_extend_keys_add(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml",
          '[tool.layerlint]\nselect = ["LL2"]\nextend-exclude = ["gen"]\nmemory-budget = "1GiB"\n')
    s = load_settings(tmp_path / "m.py", cli_overrides={"select": ["LL3"], "extend-exclude": ["more"],
                                                       "memory-budget": "2GB"})
    assert s.select == ("LL3",)
    assert s.extend_exclude == ("gen", "more")
    assert s.threshold("memory-budget") == 2 * 10**9


@pytest.mark.parametrize("table, key, expected_words", [
    ("max-layer-param = 5", "max-layer-param", "did you mean `max-layer-params`"),
    ("max-layer-params = '10M'", "max-layer-params", "positive integer"),
    ("max-layer-params = true", "max-layer-params", "positive integer"),
    ("max-layer-params = 0", "max-layer-params", "positive integer"),
    ("memory-budget = 'lots'", "memory-budget", "16GiB"),
    ("memory-budget = -5", "memory-budget", "16GiB"),
    ("select = 'LL2'", "select", "list of rule codes"),
    ("select = ['E501']", "select", "`E501` matches no rule"),
    ("ignore = ['LL2-1']", "ignore", "`LL2-1` is not a rule code"),
    ("respect-gitignore = 'yes'", "respect-gitignore", "true or false"),
    ("per-file-ignores = ['x']", "per-file-ignores", "table of glob"),
    ("output-format = 'xml'", "output-format", "concise"),
    ("exclude = [1, 2]", "exclude", "list of strings"),
    ("keras-version = 4", "keras-version", "expected 2 (tf-keras 2.x) or 3 (Keras 3), got int 4"),
    ("keras-version = true", "keras-version", "expected 2 (tf-keras 2.x) or 3"),
    ("keras-version = '2.15'", "keras-version", "expected 2 (tf-keras 2.x) or 3"),
])
def test_bad_values_name_file_key_and_expectation(tmp_path: Path, table: str, key: str, expected_words: str) -> None:
    cfg = write(tmp_path / "pyproject.toml", f"[tool.layerlint]\n{table}\n")
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path / "m.py")
    message = str(info.value)
    assert str(cfg.resolve()) in message
    assert f"`{key}`" in message
    assert expected_words in message
    assert info.value.key == key


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.layerlint\nselect = [\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_settings(tmp_path / "m.py", config_override=tmp_path / "pyproject.toml")


def test_missing_override_file_and_missing_table(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "m.py", config_override=tmp_path / "nope.toml")
    write(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n")
    with pytest.raises(ConfigError, match=r"no \[tool.layerlint\] table"):
        load_settings(tmp_path / "m.py", config_override=tmp_path / "pyproject.toml")


def test_cli_errors_name_the_command_line() -> None:
    with pytest.raises(ConfigError) as info:
        SettingsResolver(cli_overrides={"memory-budget": "a lot"})
    assert str(info.value).startswith("command line: `memory-budget`")


@pytest.mark.parametrize("raw, n", [
    (1024, 1024), ("16GiB", 16 * 2**30), ("16 GiB", 16 * 2**30), ("512MB", 512 * 10**6),
    ("1.5GB", 1_500_000_000), ("2kib", 2048), ("100", 100), ("7B", 7),
])
def test_byte_sizes(raw: object, n: int) -> None:
    assert parse_bytes(raw) == n


@pytest.mark.parametrize("raw", ["16 XB", "", "GiB", True, 0, -1, 1.5, "-3GB"])
def test_bad_byte_sizes(raw: object) -> None:
    with pytest.raises(ValueError):
        parse_bytes(raw)


def test_selection_reaches_the_rule_runner(tmp_path: Path) -> None:
    from layerlint.runner.check import enabled_rules

    write(tmp_path / "pyproject.toml", '[tool.layerlint]\nselect = ["LL2"]\nextend-ignore = ["LL203"]\n'
          'extend-select = ["LL301"]\nmax-layer-params = 123\n')
    cs = load_settings(tmp_path / "m.py").check_settings()
    codes = {r.code for r in enabled_rules(cs)}
    assert codes == {"LL201", "LL202", "LL204", "LL210", "LL211", "LL212", "LL301"}
    assert cs.options["max-layer-params"] == 123
    assert load_settings(tmp_path / "m.py", cli_overrides={"select": ["LL4"]}).check_settings().select == ["LL4"]
    default = Settings().check_settings()
    assert default.select is None
    assert "LL201" in {r.code for r in enabled_rules(default)}


def test_per_file_ignores_match_relative_globs_and_basenames(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml",
          '[tool.layerlint.per-file-ignores]\n"tests/*" = ["LL2"]\n"legacy_*.py" = ["LL301"]\n')
    s = load_settings(tmp_path / "tests" / "t.py")
    assert s.is_ignored_for("LL201", tmp_path / "tests" / "t.py")
    assert not s.is_ignored_for("LL201", tmp_path / "src" / "t.py")
    assert not s.is_ignored_for("LL301", tmp_path / "src" / "t.py")
    assert s.is_ignored_for("LL301", tmp_path / "src" / "legacy_model.py")


def test_as_table_round_trips_the_keys(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.layerlint]\nignore = ["LL3"]\nmemory-budget = "1GiB"\n')
    table = load_settings(tmp_path / "m.py").as_table()
    assert table["ignore"] == ["LL3"]
    assert table["memory-budget"] == 2**30
    assert table["select"] == "default"
    # every key shown is one the file may set
    from layerlint.runner.config import parse_table

    settable = {k: v for k, v in table.items() if k != "select"}
    assert parse_table(settable, "roundtrip")["memory-budget"] == 2**30
