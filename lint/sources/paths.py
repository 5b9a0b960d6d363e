"""Real paths of the files a run reads, each directory's worked out once per process.

A run asks for the real path of every file several times (its import layout, its
settings, the imports it follows), and ``Path.resolve`` walks every component of a
path with a system call each.  A file's directory is resolved once; the file's own
name is then only checked for being a symbolic link.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path


def real_path(path: str | Path) -> Path:
    """``Path(path).resolve()``, with the same answer and the same errors."""
    text = os.fspath(path)
    # `link/..` is the parent of the link's target, which only a walk of the components finds
    if ".." in Path(text).parts:
        return Path(text).resolve()
    head, name = os.path.split(os.path.abspath(text))
    if not name:  # the root
        return Path(text).resolve()
    found = os.path.join(_real_directory(head), name)
    if os.path.islink(found):
        return Path(found).resolve()
    return Path(found)


@functools.lru_cache(maxsize=1024)
def _real_directory(directory: str) -> str:
    # Path.resolve raises RuntimeError for a symlink loop; a failure is not cached, so it is raised every time.
    return str(Path(directory).resolve())
