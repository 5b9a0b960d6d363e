"""A line run several times (a builder called in a loop) makes a row at each run; a finding on each
of those rows is one finding at that line, naming the other rows, as ruff or flake8 report a line once.
Findings at one place that differ otherwise all stay (tests/test_parse.py runs the rule fixtures, whose
LL601 case has two at one place)."""

from __future__ import annotations

import textwrap

from layerlint.analyze import analyze_text
from layerlint.runner.check import CheckSettings, check_analysis, enabled_rules


def _found(source: str) -> list:
    cs = CheckSettings()
    return check_analysis(analyze_text(textwrap.dedent(source), "prog.py"), cs, enabled_rules(cs))


def test_a_finding_repeated_by_a_builder_is_reported_once() -> None:
    found = _found("""
        import keras
        from keras import layers

        def head(n):
            inp = keras.Input(shape=n)
            return keras.Model(inp, layers.Dense(2)(inp))

        models = [head(4) for _ in range(3)]
    """)
    (d,) = [d for d in found if d.code == "LL105"]
    assert d.line == 6
    assert d.message.startswith("InputLayer `input_layer`: Cannot convert '4' to a shape")
    assert d.message.endswith("(the same for 2 more this line made: `input_layer_1`, `input_layer_2`)")


def test_findings_that_differ_beyond_the_name_all_stay() -> None:
    found = _found("""
        import keras
        from keras import layers

        def head(n):
            inp = keras.Input(shape=n)
            return keras.Model(inp, layers.Dense(2)(inp))

        a, b = head(4), head(5)
    """)
    assert [d.message.split(":")[1].strip() for d in found if d.code == "LL105"] == [
        "Cannot convert '4' to a shape", "Cannot convert '5' to a shape"]
