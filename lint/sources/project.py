"""Where an import of the user's own project lands, found on disk without importing anything.

A module name is looked up as Python would find it when the project's scripts
run: first in the importing file's own directory (a script's folder is the
first entry of ``sys.path``; a notebook's folder is its working directory),
then in each source root of the project.  The project root is the nearest
directory holding a ``pyproject.toml``, else the root of the Git or Mercurial
checkout, else the working directory; the source roots are the ``src`` setting
of ``[tool.layerlint]`` (default ``[".", "src"]``, as ruff's) relative to it.

Names of the standard library, Keras, TensorFlow and other installed libraries
we model by tables never resolve to the project, whatever files it holds.
"""

from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from layerlint.sources.paths import real_path

DEFAULT_SRC = (".", "src")

# Installed packages the engine models by its own tables: never read from the project.
MODELLED = frozenset({"keras", "tensorflow", "tf_keras", "numpy", "keras_applications", "tensorflow_addons",
                      "tensorflow_hub", "tensorflow_datasets", "tf"})
_NOT_PROJECT = MODELLED | frozenset(sys.stdlib_module_names) | {"__future__"}


@dataclass(frozen=True)
class Layout:
    """Where one file's absolute imports are searched, in order."""

    roots: tuple[Path, ...]


@functools.lru_cache(maxsize=256)
def project_root(directory: Path) -> Path:
    """Nearest directory with a pyproject.toml, else the VCS root, else the working directory."""
    for d in (directory, *directory.parents):
        if (d / "pyproject.toml").is_file():
            return d
    for d in (directory, *directory.parents):
        if (d / ".git").exists() or (d / ".hg").exists():
            return d
    return Path.cwd().resolve()


def layout_for(path: str | Path, src: tuple[str, ...] | None = None, root: Path | None = None) -> Layout:
    """The search roots for imports made by the file at ``path``.  ``root`` is the
    directory ``src`` is relative to (the configuration file's), else the project root."""
    try:
        here = real_path(path).parent
    except (OSError, RuntimeError):
        here = Path.cwd()
    base = real_path(root) if root is not None else project_root(here)
    roots = [here]
    for s in src if src is not None else DEFAULT_SRC:
        r = real_path(base / s)
        if r not in roots and r.is_dir():
            roots.append(r)
    return Layout(tuple(roots))


def is_project_candidate(name: str) -> bool:
    """Whether an absolute import of ``name`` may be the project's own module."""
    return name.split(".")[0] not in _NOT_PROJECT


def _module_file(base: Path, parts: list[str]) -> Path | None:
    """``base/a/b.py``, ``base/a/b/__init__.py``, or a folder without one (a namespace package)."""
    d = base.joinpath(*parts[:-1]) if len(parts) > 1 else base
    leaf = parts[-1]
    f = d / f"{leaf}.py"
    if f.is_file():
        return f
    pkg = d / leaf
    if pkg.is_dir():
        init = pkg / "__init__.py"
        return init if init.is_file() else pkg
    return None


def resolve(name: str, level: int, importer: Path, layout: Layout) -> Path | None:
    """The file (or namespace-package folder) of module ``name`` imported from ``importer``
    with ``level`` leading dots; None when it is not a module of the project."""
    parts = [p for p in name.split(".") if p] if name else []
    if level:
        base = importer.parent
        for _ in range(level - 1):
            base = base.parent
        if not parts:
            init = base / "__init__.py"
            return init if init.is_file() else base
        return _module_file(base, parts)
    if not parts or not is_project_candidate(name):
        return None
    for root in layout.roots:
        found = _module_file(root, parts)
        if found is not None:
            return found
    return None


_IMPORT_LINE = re.compile(r"^[ \t]*(?:from[ \t]+(\.*)([\w.]*)[ \t]+import|import[ \t]+([\w.]+))", re.M)


def imported_names(text: str) -> list[tuple[int, str]]:
    """(level, module) of each import statement's first module, found by a line scan:
    enough to tell whether a file reaches Keras through the project, without parsing."""
    out = []
    for m in _IMPORT_LINE.finditer(text):
        if m.group(3) is not None:
            out.append((0, m.group(3)))
        else:
            out.append((len(m.group(1)), m.group(2)))
    return out


def shown_path(path: Path) -> str:
    """How messages name a project file: relative to the working directory when under it."""
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)
