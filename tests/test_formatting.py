"""Our formatter agrees with Python's on plain values, and refuses everything else."""

from __future__ import annotations

import string

import pytest
from layerlint.extract.formatting import (
    MAX_SIZE,
    OverBudget,
    Unformattable,
    format_builtin,
    percent_format,
    plain_repr,
    str_format,
    template_substitute,
)
from layerlint.extract.values import LayerObj, Ref

FORMATS = [
    ("{}_{}", (1, "a"), {}),
    ("{0}{1}{0}", ("x", 2), {}),
    ("{name}-{n:03d}", (), {"name": "conv", "n": 7}),
    ("{:>8.3f}|{:<6}|{:^7}|{:+d}", (3.14159, "ab", "mid", 5), {}),
    ("{0[1]} {0[0]}", ((4, 5),), {}),
    ("{d[k]} {d[2]}", (), {"d": {"k": "v", 2: "two"}}),
    ("{!r} {!s} {!a}", ("q", 1.5, "é"), {}),
    ("{:,} {:_} {:x} {:#o} {:b} {:e} {:%}", (1234567, 1234567, 255, 8, 5, 12345.678, 0.25), {}),
    ("{0:{1}}|{0:{fill}>{w}}", ("a", 5), {"fill": "*", "w": 4}),
    ("{{literal}} {}", (None,), {}),
    ("{} {}", ([1, "a"], {"k": (1,)}), {}),
    ("{0[0]}", ("word",), {}),
    ("{:g} {:.2e} {:n}", (1e-7, 3.0, 12), {}),
    ("{}", (True,), {}),
    ("{:d}", (True,), {}),
    ("{:=+8}", (-3,), {}),
]


@pytest.mark.parametrize("template,args,kwargs", FORMATS)
def test_str_format_matches_python(template: str, args: tuple, kwargs: dict) -> None:
    assert str_format(template, list(args), kwargs) == template.format(*args, **kwargs)


PERCENT = [
    ("%s-%d", ("a", 3)),
    ("%5.2f|%-4s|%04d|%x|%%", (2.5, "ab", 7, 255)),
    ("%(a)s=%(b)r", {"a": 1, "b": "q"}),
    ("%*d|%.*f", (5, 3, 2, 1.23456)),
    ("%s", ("only",)),
    ("%r %a", ([1, 2], "é")),
    ("%c%c", (65, "b")),
    ("%+.3e %g %i %o %X", (1234.5, 0.0001, 3, 8, 255)),
]


@pytest.mark.parametrize("template,values", PERCENT)
def test_percent_matches_python(template: str, values: object) -> None:
    assert percent_format(template, values) == template % values


def test_template_matches_python() -> None:
    t = "$a-${b}_$$ $missing"
    mapping = {"a": 1, "b": "x"}
    assert template_substitute(t, mapping, safe=True) == string.Template(t).safe_substitute(mapping)
    with pytest.raises(Unformattable):
        template_substitute(t, mapping, safe=False)


def test_format_builtin_and_repr() -> None:
    assert format_builtin(3.5, "08.2f") == format(3.5, "08.2f")
    assert plain_repr((1, [2.5, None], {"a": (True,)})) == repr((1, [2.5, None], {"a": (True,)}))


HOSTILE_FIELDS = [
    "{x.__init__.__globals__}",
    "{x.__class__}",
    "{0.__class__.__mro__}",
    "{0.real}",
    "{x[__globals__]}",
    "{0[0].__class__}",
]


@pytest.mark.parametrize("template", HOSTILE_FIELDS)
def test_attribute_paths_are_refused(template: str) -> None:
    for value in (1, "s", (1, 2), LayerObj(None), Ref("os.environ")):  # type: ignore[arg-type]
        with pytest.raises(Unformattable):
            str_format(template, [value], {"x": value})


@pytest.mark.parametrize("value", [LayerObj(None), Ref("os"), object(), print, (1, object())])  # type: ignore[arg-type]
def test_values_we_do_not_model_are_refused(value: object) -> None:
    for call in (lambda: str_format("{}", [value], {}), lambda: percent_format("%s", (value,)),
                 lambda: format_builtin(value, ""), lambda: template_substitute("$a", {"a": value}, False)):
        with pytest.raises(Unformattable):
            call()


@pytest.mark.parametrize("make", [
    lambda: str_format("{0:{1}}", ["a", 4 * 10**8], {}),
    lambda: str_format("{:>100001}", [1], {}),
    lambda: str_format("{:.100001f}", [1.0], {}),
    lambda: str_format("{0:{1}{1}{1}}", ["a", 99], {}),
    lambda: percent_format("%*s", (10**9, "a")),
    lambda: percent_format("%.*f", (10**9, 1.0)),
    lambda: percent_format("%999999999d", (1,)),
    lambda: str_format("{}" * 3, ["x" * (MAX_SIZE // 2)] * 3, {}),
])
def test_sizes_are_checked_before_the_text_is_made(make: object) -> None:
    with pytest.raises(OverBudget):
        make()  # type: ignore[operator]
