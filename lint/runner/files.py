"""Finding the files to analyse under the paths given on the command line.

Directories are walked for ``*.py``, ``*.pyi`` and ``*.ipynb``, skipping excluded
names and, by default, what .gitignore ignores.  Files named on the command line
are always analysed, unless ``force_exclude`` is set: pre-commit passes every
staged file by name, and without it an excluded file would still be linted.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from layerlint.runner.gitignore import GitIgnore

DEFAULT_EXCLUDES = frozenset({".git", ".hg", ".svn", ".venv", "venv", "build", "dist", "node_modules",
                              "__pycache__", "site-packages", ".tox", ".nox", ".mypy_cache", ".ruff_cache",
                              ".pytest_cache", ".layerlint_cache", ".eggs", "*.egg-info"})
SUFFIXES = (".py", ".pyi", ".ipynb")
STDIN = "-"


class PathError(Exception):
    pass


@dataclass(frozen=True)
class WalkPolicy:
    """What to skip below a directory.

    An exclude pattern without ``/`` is matched against every path component's
    name (``build``, ``*_pb2.py``); one with ``/`` against the path relative to
    ``root`` (``src/generated/*``), which also excludes everything below a match.
    """

    excludes: tuple[str, ...] = tuple(sorted(DEFAULT_EXCLUDES))
    root: Path = field(default_factory=Path.cwd)
    respect_gitignore: bool = True

    def excludes_name(self, name: str) -> bool:
        return any(fnmatch.fnmatchcase(name, p) for p in self.excludes if "/" not in p)

    def _relative_parts(self, path: Path) -> tuple[str, ...] | None:
        try:
            return path.resolve().relative_to(self.root.resolve()).parts
        except (ValueError, RuntimeError, OSError):  # RuntimeError: a symlink loop
            return None

    def excludes_anchored(self, path: Path) -> bool:
        """Whether a ``/`` pattern matches ``path`` or a directory above it, relative to root."""
        anchored = [p.strip("/") for p in self.excludes if "/" in p]
        parts = self._relative_parts(path) if anchored else None
        if not parts:
            return False
        prefixes = [Path(*parts[:i]).as_posix() for i in range(1, len(parts) + 1)]
        return any(fnmatch.fnmatchcase(c, p) for c in prefixes for p in anchored)

    def excludes_path(self, path: Path) -> bool:
        """Whether ``path`` or any directory above it (below root) is excluded."""
        parts = self._relative_parts(path)
        names = parts if parts is not None else (path.name,)
        return any(self.excludes_name(n) for n in names) or self.excludes_anchored(path)


PolicyFor = Callable[[Path], WalkPolicy]


def shown_path(path: str) -> str:
    """How a path is reported: as given, without ``./`` and ``a/../`` detours (``check .``
    reports ``models/x.py``, not ``./models/x.py``); absolute paths stay absolute."""
    if path == STDIN:
        return path
    return os.path.normpath(path)


def discover(paths: list[str], excludes: frozenset[str] | tuple[str, ...] = DEFAULT_EXCLUDES, *,
             policy_for: PolicyFor | None = None, force_exclude: bool = False,
             respect_gitignore: bool = True) -> list[str]:
    """Files to analyse, in a stable order, each once.

    ``policy_for(directory)`` gives the walk policy that applies there (from the
    nearest configuration); without it every directory uses ``excludes``.  ``-``
    (standard input) is passed through.
    """
    if policy_for is None:
        default = WalkPolicy(tuple(sorted(excludes)), Path.cwd(), respect_gitignore)

        def policy_for(_: Path) -> WalkPolicy:
            return default

    gitignore = GitIgnore()
    found: list[str] = []
    for given in paths:
        p = shown_path(given)
        path = Path(p)
        if p == STDIN:
            found.append(p)
        elif path.is_dir():
            if force_exclude and policy_for(path).excludes_path(path):
                continue
            found.extend(_walk(path, policy_for, gitignore))
        elif path.exists() or path.is_symlink():
            # .gitignore is not consulted here: a file named explicitly (as
            # pre-commit does) is tracked, and git itself ignores only untracked files.
            if force_exclude and policy_for(path.parent).excludes_path(path):
                continue
            found.append(p)
        else:
            raise PathError(f"{given}: no such file or directory")
    return list(dict.fromkeys(found))


def _walk(top: Path, policy_for: PolicyFor, gitignore: GitIgnore) -> list[str]:
    found: list[str] = []
    # A directory named on the command line is walked even when excluded
    # (``layerlint check build/``); only what lies below it is filtered.
    for root, dirs, files in os.walk(top, followlinks=False):
        here = Path(root)
        policy = policy_for(here)

        def keep(name: str, is_dir: bool, policy: WalkPolicy = policy, here: Path = here) -> bool:
            child = here / name
            if policy.excludes_name(name) or policy.excludes_anchored(child):
                return False
            return not (policy.respect_gitignore and gitignore.is_ignored(child, is_dir))

        dirs[:] = sorted(d for d in dirs if keep(d, True))
        for f in sorted(files):
            if f.endswith(SUFFIXES) and keep(f, False):
                found.append(shown_path(os.path.join(root, f)))
    return found
