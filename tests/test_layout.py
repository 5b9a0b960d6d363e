"""The package layout follows the data flow: a stage imports only the stages before it.

Reads import statements with ``ast`` (nothing is imported), so a new cycle or an
upward import fails here before it can hide in a lazy import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# package -> rank; a module may import packages of lower or equal rank only
RANKS = {
    "diagnostics": 0,
    "sources": 1,
    "engine": 2,
    "extract": 3,
    "analyze": 4,
    "rules": 5,
    "report": 6,
    "confirm": 6,
    "runner": 7,
    "cli": 8,
    "__main__": 9,
}


def _package_of(path: Path) -> str:
    rel = path.relative_to(ROOT)
    if rel.parts[0] == "rules":
        return "rules"
    part = rel.parts[1]
    return part[:-3] if part.endswith(".py") else part


def _imported_packages(path: Path, text: str) -> set[tuple[str, int]]:
    """(package, line) for every layerlint import in the module, lazy ones and TYPE_CHECKING ones included."""
    tree = ast.parse(text)
    found = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "layerlint":
                names = [f"layerlint.{a.name}" for a in node.names]
            else:
                names = [node.module]
        elif isinstance(node, ast.ImportFrom) and node.level:
            pytest.fail(f"{path.relative_to(ROOT)}:{node.lineno}: relative imports hide the layering; import from layerlint.")
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "layerlint" and len(parts) > 1 and parts[1] in RANKS:
                found.add((parts[1], node.lineno))
    return found


MODULES = sorted([*ROOT.joinpath("lint").rglob("*.py"), *ROOT.joinpath("rules").rglob("*.py")])


def test_every_package_has_a_rank():
    assert MODULES, "no modules found: the glob is wrong"
    assert {_package_of(p) for p in MODULES if p.name != "__init__.py" or p.parent.name != "lint"} <= set(RANKS)


def _upward_imports(path: Path, text: str) -> list[str]:
    own = _package_of(path)
    return [f"{path.relative_to(ROOT)}:{line} imports layerlint.{package} (stage {RANKS[package]}) "
            f"from layerlint.{own} (stage {RANKS[own]}): data flows one way"
            for package, line in sorted(_imported_packages(path, text)) if RANKS[package] > RANKS[own]]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_only_earlier_stages(path: Path):
    if path == ROOT / "lint" / "__init__.py":
        return
    assert _upward_imports(path, path.read_text(encoding="utf-8")) == []


def test_package_docstrings_say_what_they_may_import():
    for init in ROOT.joinpath("lint").glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "May import" in doc, f"{init.relative_to(ROOT)} does not say what it may import"


def test_checker_catches_an_upward_import():
    # the check itself must be able to fail: an engine module importing the runner, even lazily, is refused
    probe = ROOT / "lint" / "engine" / "shapes.py"
    text = "def f():\n    from layerlint.runner.config import Settings\n"
    assert len(_upward_imports(probe, text)) == 1
    assert _upward_imports(probe, "from layerlint.sources.span import Span\n") == []
