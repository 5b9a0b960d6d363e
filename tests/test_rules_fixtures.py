"""The rule fixtures: golden output, findings only in error sections, and silence
on realistic correct models."""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

import pytest
from layerlint.analyze import analyze_text
from layerlint.runner.check import CheckSettings, check_analysis

from tests.nonempty import nonempty

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("regen_rules", ROOT / "fixtures" / "regen_rules.py")
regen_rules = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(regen_rules)



def _jobs():
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return regen_rules.fixture_jobs()
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize(("src", "expected", "select"), _jobs(), ids=lambda v: str(v) if isinstance(v, Path) else "")
def test_expected_output(src, expected, select, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert expected.exists(), f"run `python fixtures/regen_rules.py` to create {expected}"
    assert regen_rules.expected_output(src, select) == expected.read_text()


RULE_FIXTURES = nonempty(sorted((ROOT / "fixtures" / "rules").glob("LL[1-9]*.py")), "rule fixtures")


def _sections(text: str) -> tuple[int, dict[str, tuple[int, int]]]:
    """The line of the errors marker and each top-level function's (first, last) line."""
    lines = text.splitlines()
    marker = next(i for i, line in enumerate(lines, 1) if line.startswith("# --- errors"))
    funcs: dict[str, tuple[int, int]] = {}
    starts = [(i, m.group(1)) for i, line in enumerate(lines, 1) if (m := re.match(r"def (\w+)\(", line))]
    for (start, name), nxt in zip(starts, [s for s, _ in starts[1:]] + [len(lines) + 1]):
        funcs[name] = (start, nxt - 1)
    return marker, funcs


@pytest.mark.parametrize("path", RULE_FIXTURES, ids=lambda p: p.stem)
def test_fixture_sections(path):
    """OK section: no finding of the rule; errors section: each function flagged at least once."""
    code = path.stem
    text = path.read_text()
    diags = check_analysis(analyze_text(text, str(path)), CheckSettings(select=[code]))
    marker, funcs = _sections(text)
    assert all(d.line > marker for d in diags), f"{code} fired in the OK section: {[d.line for d in diags]}"
    for name, (first, last) in funcs.items():
        if first > marker:
            assert any(first <= d.line <= last for d in diags), f"{code}: {name} is not flagged"


def _clean_models() -> list[Path]:
    corpus = [p for p in sorted((ROOT / "fixtures" / "models").glob("*.py")) if not p.name.startswith("buggy_")]
    return corpus + sorted((ROOT / "fixtures" / "rules" / "clean").glob("*.py"))


def test_enough_clean_models():
    assert len(_clean_models()) >= 25


@pytest.mark.parametrize("path", _clean_models(), ids=lambda p: p.name)
def test_no_findings_on_correct_models(path):
    fa = analyze_text(path.read_text(), str(path))
    diags = check_analysis(fa, CheckSettings())
    assert fa.models, "the fixture should define a model"
    assert [f"{d.line}: {d.code} {d.message}" for d in diags] == []


def test_buggy_corpus_models_are_flagged():
    """The corpus' deliberately broken models (fixtures/models/buggy_*) each get a finding."""
    for path in sorted((ROOT / "fixtures" / "models").glob("buggy_*.py")):
        diags = check_analysis(analyze_text(path.read_text(), str(path)), CheckSettings())
        assert diags, f"{path.name}: no finding"
