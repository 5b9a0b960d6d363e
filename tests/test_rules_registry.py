"""The rule registry: metadata validation, third-party rules through the
`layerlint.rules` entry-point group, and a crashing rule becoming LL002."""

from __future__ import annotations

import pytest
from layerlint.analyze import analyze_text
from layerlint.rules import Finding, Rule, all_rules, base
from layerlint.runner.check import CheckSettings, check_analysis


def make_rule(**attrs) -> type[Rule]:
    fields = dict(code="XY101", name="demo-rule", severity="warning", summary="s", what="w", why="y")
    fields.update(attrs)
    return type("DemoRule", (Rule,), fields)


@pytest.fixture
def registry(monkeypatch):
    """A scratch copy of the registry so tests can register rules."""
    all_rules()
    monkeypatch.setattr(base, "REGISTRY", dict(base.REGISTRY))
    monkeypatch.setattr(base, "LOAD_ERRORS", [])
    return base.REGISTRY


@pytest.mark.parametrize(("attrs", "problem"), [
    ({"code": "L1"}, "letters then 3-4 digits"),
    ({"name": "Demo_Rule"}, "kebab-case"),
    ({"severity": "fatal"}, "severity"),
    ({"why": ""}, "needs `why`"),
    ({"name": "dense-on-unflattened-input"}, "already used by LL201"),
])
def test_register_rejects_bad_metadata(registry, attrs, problem):
    with pytest.raises(base.RuleError, match=problem):
        base.register(make_rule(**attrs))


def test_duplicate_code_rejected(registry):
    with pytest.raises(base.RuleError, match="registered twice"):
        base.register(make_rule(code="LL201", name="another-name"))


class FakeEntryPoint:
    def __init__(self, name, obj):
        self.name, self.value, self._obj = name, f"plugin:{name}", obj

    def load(self):
        if isinstance(self._obj, Exception):
            raise self._obj
        return self._obj


def test_entry_point_rules_are_loaded(registry, monkeypatch):
    class EveryDense(Rule):
        code, name, severity = "XY201", "every-dense", "info"
        summary, what, why = "Reports every Dense", "w", "y"

        def check_model(self, model, ctx):
            for row in model.layers:
                if row.cls == "Dense":
                    yield Finding(row.span, f"Dense `{row.name}`")

    eps = [FakeEntryPoint("demo", EveryDense), FakeEntryPoint("broken", ImportError("no module named demo_x"))]
    monkeypatch.setattr("importlib.metadata.entry_points", lambda group: eps if group == "layerlint.rules" else [])
    monkeypatch.setattr(base, "_plugins_loaded", False)
    monkeypatch.setattr(base, "_any_plugin_declared", lambda: True)
    codes = [r.code for r in all_rules()]
    assert "XY201" in codes and "LL201" in codes
    assert any("broken" in e and "no module named demo_x" in e for e in base.LOAD_ERRORS)
    src = "from keras import Input, Sequential, layers\nm = Sequential([Input((4,)), layers.Dense(2)])\n"
    diags = check_analysis(analyze_text(src, "m.py"), CheckSettings(select=["XY"]))
    assert [(d.code, d.line, d.message) for d in diags] == [("XY201", 2, "Dense `dense`")]


def test_crashing_rule_reports_ll002_and_others_still_run(registry):
    class Crashes(Rule):
        code, name, severity = "XY301", "crashes", "error"
        summary, what, why = "s", "w", "y"

        def check_model(self, model, ctx):
            raise ZeroDivisionError("boom")

    rules = [Crashes(), base.REGISTRY["LL404"]]
    src = "from keras import Input, Sequential, layers\nm = Sequential([Input((4,)), layers.Dense(1, activation='softmax')])\n"
    diags = check_analysis(analyze_text(src, "m.py"), CheckSettings(), rules=rules)
    assert [d.code for d in diags] == ["LL002", "LL404"]
    assert "internal error in rule XY301: ZeroDivisionError: boom" in diags[0].message


def test_nested_model_findings_reported_once():
    src = """
from keras import Input, Sequential, layers
base = Sequential([Input((10,)), layers.Dense(1, activation="softmax")])
model = Sequential([Input((10,)), base, layers.Dense(3)])
"""
    diags = check_analysis(analyze_text(src, "m.py"), CheckSettings(select=["LL404"]))
    assert [(d.code, d.line) for d in diags] == [("LL404", 3)]


def test_messages_have_no_trailing_period():
    src = "from keras import Input, Sequential, layers\nm = Sequential([Input((32, 32, 6)), layers.Conv2D(10, 3, groups=4)])\n"
    diags = check_analysis(analyze_text(src, "m.py"), CheckSettings())
    assert diags and all(not d.message.endswith(".") for d in diags)
