"""Every registered rule's documented examples run as tests: each invalid example
must trigger the rule and each valid one must not."""

from __future__ import annotations

import pytest
from layerlint.analyze import analyze_text
from layerlint.rules import all_rules
from layerlint.rules.base import iter_examples
from layerlint.runner.check import CheckSettings, check_analysis

CASES = [
    pytest.param(rule, kind, source, id=f"{rule.code}-{kind}-{i}")
    for rule in all_rules()
    for kind, i, source in iter_examples(rule)
]


def codes_for(rule, source: str) -> list[str]:
    fa = analyze_text(source, f"<{rule.code} example>")
    diags = check_analysis(fa, CheckSettings(select=[rule.code]), rules=[rule])
    return [d.code for d in diags]


@pytest.mark.parametrize(("rule", "kind", "source"), CASES)
def test_rule_example(rule, kind, source):
    codes = codes_for(rule, source)
    if kind == "invalid":
        assert rule.code in codes, f"{rule.code} did not fire on its invalid example"
    else:
        assert rule.code not in codes, f"{rule.code} fired on its valid example"


def test_every_rule_has_docs_and_examples():
    for rule in all_rules():
        docs = rule.docs()
        assert "What it does" in docs and "Why is this bad?" in docs
        # Crashes and unreadable files have no source example; LL950 needs --confirm and TensorFlow.
        if rule.code not in ("LL002", "LL003", "LL004", "LL950"):
            assert rule.invalid and rule.valid, f"{rule.code} needs an invalid and a valid example"
            assert "Example" in docs and "Use instead" in docs


def test_examples_have_no_other_errors():
    """An invalid example should show its own mistake, not an unrelated error-severity one."""
    for rule in all_rules():
        for kind, _, source in iter_examples(rule):
            fa = analyze_text(source, "<example>")
            others = [d.code for d in check_analysis(fa, CheckSettings())
                      if d.code != rule.code and d.severity == "error"]
            assert not others, f"{rule.code} {kind} example also triggers {others}"
