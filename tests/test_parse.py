"""Parsing a long module a top-level statement at a time (lint/extract/parse.py)
gives the module libcst's whole parse gives: the same code and the same spans."""

from __future__ import annotations

import ast
from pathlib import Path

import libcst as cst
import pytest
from layerlint.analyze import analyze_text
from layerlint.extract import parse
from layerlint.extract.parse import parse_in_pieces, parse_module
from layerlint.runner.check import CheckSettings, check_analysis, enabled_rules
from layerlint.sources.inputs import load_input
from libcst.metadata import MetadataWrapper, PositionProvider

from tests.bench.corpus import corpus, sized_model_file
from tests.nonempty import nonempty

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = nonempty(sorted(p for p in (ROOT / "fixtures").rglob("*.py") if "bad_inputs" not in p.parts and p.name != "LL001.py"), "fixtures")

TEXTS = {
    "comments between and after": "# head\n\nimport a\n\n# about f\n\ndef f():\n    return 1\n    # in block\n\n# tail\n",
    "two-space indent": "def f():\n  return 1\n\nclass C:\n  def g(self):\n    pass\nx = 1\n",
    "tabs": "def f(x):\n\tif x:\n\t\treturn 1\n\nx = 2\n",
    "indent differs between statements": "def f():\n    return 1\ndef g():\n  return 2\ndef h():\n\treturn 3\n",
    "first block only in else": "if a: pass\nelse:\n   b = 1\nx = 2\nif c:\n   d = 3\n",
    "first block in an elif": "if a: pass\nelif b:\n  c = 1\nx = 2\nwhile y:\n  z = 3\n",
    "try blocks": "try: a()\nexcept E:\n  b()\nfinally:\n  c()\nx = 1\n",
    "match": "match p:\n  case 1:\n    pass\nx = 1\nif y:\n  z = 2\n",
    "decorators": "@a\n@b(\n    1)\ndef f():\n    pass\n@c\nclass C:\n    pass\nx = 1\n",
    "semicolons": "a = 1; b = 2\nc = 3;\nd = 4\n",
    "continuations": "x = f(\n    1,\n)\ny = 1 + \\\n    2\nz = '''\nnot a statement\n'''\nw = 3\n",
    "crlf": "x = 1\r\nif y:\r\n    z = 2\r\n\r\nw = 3\r\n",
    "cr": "x = 1\rif y:\r    z = 2\rw = 3\r",
    "newlines differ between statements": "x = 1\r\ny = 2\nz = 3\r\n",
    "no trailing newline": "x = 1\ny = 2",
    "crlf without trailing newline": "x = 1\r\ny = 2",
    "form feed": "x = 1\n\x0c\ny = 2\n",
    "docstring and future import": '"""doc"""\nfrom __future__ import annotations\nx: int = 1\n',
    "async": "async def f():\n    async with a:\n        pass\nx = 1\n",
}


def _spans(module: cst.Module) -> list[tuple]:
    ranges = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    return sorted((type(n).__name__, r.start.line, r.start.column, r.end.line, r.end.column)
                  for n, r in ranges.items() if isinstance(n, (cst.BaseExpression, cst.BaseStatement, cst.BaseSmallStatement)))


def _assert_same_as_whole(text: str) -> bool:
    """True when the text was joined from pieces (False: it fell back to one parse)."""
    tree = ast.parse(text)
    whole = cst.parse_module(text)
    joined = parse_in_pieces(text, tree)
    module = joined if joined is not None else whole
    # whole.code, not text: libcst itself drops the last line end of a file that uses bare CRs
    assert module.code == whole.code
    assert _spans(module) == _spans(whole)
    return joined is not None


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_tricky_text(name: str) -> None:
    _assert_same_as_whole(TEXTS[name])


def test_pieces_are_joined_when_they_agree() -> None:
    assert _assert_same_as_whole(TEXTS["comments between and after"])
    assert _assert_same_as_whole(TEXTS["two-space indent"])
    assert _assert_same_as_whole(TEXTS["first block only in else"])


@pytest.mark.parametrize("name", ["indent differs between statements", "newlines differ between statements",
                                  "crlf without trailing newline"])
def test_pieces_that_would_mean_other_code_are_not_joined(name: str) -> None:
    # An implicit indent or newline would be read against another piece's default.
    assert parse_in_pieces(TEXTS[name], ast.parse(TEXTS[name])) is None


@pytest.mark.parametrize("path", FIXTURES, ids=[p.relative_to(ROOT).as_posix() for p in FIXTURES])
def test_fixture(path: Path) -> None:
    _assert_same_as_whole(load_input(str(path)).text)


def test_generated_corpus() -> None:
    files = corpus(40, seed=11, big_file_lines=800, deep_layers=150)
    joined = sum(_assert_same_as_whole(f.text) for f in files if len(ast.parse(f.text).body) > 1)
    assert joined > 20


def test_long_text_is_parsed_in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    text = sized_model_file(2_500, seed=1).text
    assert len(text) >= parse.CHUNKED_FROM_CHARS
    calls: list[int] = []
    real = cst.parse_module
    monkeypatch.setattr(parse.cst, "parse_module", lambda t: calls.append(len(t)) or real(t))
    module = parse_module(text, ast.parse(text))
    assert module.code == text
    assert len(calls) == len(ast.parse(text).body) > 1 and max(calls) < len(text)


def test_short_text_is_parsed_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    text = TEXTS["comments between and after"]
    calls: list[int] = []
    real = cst.parse_module
    monkeypatch.setattr(parse.cst, "parse_module", lambda t: calls.append(len(t)) or real(t))
    parse_module(text, ast.parse(text))
    assert calls == [len(text)]


def test_rejected_text_raises_as_the_whole_parse_does(monkeypatch: pytest.MonkeyPatch) -> None:
    # libcst's grammar refuses a keyword before a starred base, which Python accepts: the error
    # must be the whole parse's.
    monkeypatch.setattr(parse, "CHUNKED_FROM_CHARS", 0)
    text = "x = 1\n\nclass A(metaclass=M, *b):\n    pass\n"
    ast.parse(text)
    with pytest.raises(Exception) as whole:
        cst.parse_module(text)
    with pytest.raises(type(whole.value)) as pieces:
        parse_module(text, ast.parse(text))
    assert str(pieces.value) == str(whole.value)


@pytest.mark.parametrize("chunked", [False, True])
def test_parser_output_is_not_validated(chunked: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # `return* x` is Python (ast accepts it) that only libcst's node validation refuses; the
    # native parser builds it, and the tree gives the text back exactly.
    if chunked:
        monkeypatch.setattr(parse, "CHUNKED_FROM_CHARS", 0)
    text = "x = 1\n\ndef f():\n    return* x\n"
    ast.parse(text)
    with pytest.raises(cst.CSTValidationError):
        cst.parse_module(text)
    assert parse_module(text, ast.parse(text)).code == text


def test_nodes_built_after_a_parse_are_validated() -> None:
    parse_module("x = 1\n", ast.parse("x = 1\n"))
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")


def _diagnostics(path: Path) -> list[tuple]:
    text = load_input(str(path)).text
    cs = CheckSettings()
    found = check_analysis(analyze_text(text, path.name), cs, enabled_rules(cs))
    return [(d.code, d.line, d.col, d.end_line, d.end_col, d.message) for d in found]


RULE_FIXTURES = nonempty(sorted((ROOT / "fixtures" / "rules").rglob("*.py")), "rule fixtures")


@pytest.mark.parametrize("path", RULE_FIXTURES, ids=[p.relative_to(ROOT).as_posix() for p in RULE_FIXTURES])
def test_findings_do_not_depend_on_the_parse(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = _diagnostics(path)
    monkeypatch.setattr(parse, "CHUNKED_FROM_CHARS", 0)
    assert _diagnostics(path) == whole
