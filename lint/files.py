"""Finding the files to analyse under the paths given on the command line."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_EXCLUDES = frozenset({".git", ".hg", ".svn", ".venv", "venv", "build", "dist", "node_modules",
                              "__pycache__", "site-packages", ".tox", ".nox", ".mypy_cache", ".ruff_cache",
                              ".pytest_cache", ".layerlint_cache", ".eggs"})
SUFFIXES = (".py", ".pyi", ".ipynb")


class PathError(Exception):
    pass


def discover(paths: list[str], excludes: frozenset[str] = DEFAULT_EXCLUDES) -> list[str]:
    """Files named directly are kept; directories are walked for Python files."""
    found: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if d not in excludes and not d.endswith(".egg-info"))
                for f in sorted(files):
                    if f.endswith(SUFFIXES) and f not in excludes:
                        found.append(os.path.join(root, f))
        elif path.exists() or path.is_symlink():
            found.append(p)
        else:
            raise PathError(f"{p}: no such file or directory")
    seen: set[str] = set()
    unique = []
    for f in found:
        if f not in seen:
            seen.add(f)
            unique.append(f)
    return unique
