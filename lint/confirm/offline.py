"""--confirm reads no file and reaches no network on behalf of the linted code.

Keras opens what some arguments name: a lookup layer's ``vocabulary=`` or
``idf_weights=`` path, an application's ``weights=`` path or URL (or the
``"imagenet"`` download).  Such arguments are replaced here by in-memory
stand-ins that give Keras the same shapes, or the model is not confirmable
with that reason.  While a model is rebuilt, an audit hook also refuses any
``open`` of a path the file names and any network or process event, in case
a Keras release starts reading an argument we did not list.  (TensorFlow's own
file system, used by some layers, is not seen by audit hooks: the stand-ins
are what keep it from being asked.)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from layerlint.engine.layers.base import LayerArg

_LOOKUPS = {"StringLookup": ["[layerlint stand-in]"], "IntegerLookup": [1], "TextVectorization": ["layerlint"]}
# Output modes whose shapes do not depend on the vocabulary's size.
_SIZE_FREE_MODES = (None, "int")
_NETWORK_EVENTS = ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "urllib.Request",
                   "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn")


class FileArgument(Exception):
    """An argument names a file or URL that no stand-in replaces: the reason the model is not confirmable."""


def looks_like_location(v: Any) -> bool:
    return isinstance(v, str) and ("/" in v or "\\" in v or "://" in v or v.startswith("~"))


def offline_kwargs(cls: str, kwargs: dict) -> dict:
    """``kwargs`` with every file or URL argument replaced by a stand-in of the same shape effect.
    Raises FileArgument when there is none."""
    out = dict(kwargs)
    if "weights" in out and isinstance(out["weights"], str):
        # An application's pretrained weights: the architecture, and so every shape, is the same without them.
        out["weights"] = None
    vocabulary = out.get("vocabulary")
    if isinstance(vocabulary, str):
        if cls not in _LOOKUPS or out.get("output_mode") not in _SIZE_FREE_MODES:
            raise FileArgument(f"`{cls}` reads its vocabulary from `{vocabulary}`, and its shapes depend on that "
                               "file's length: --confirm opens no files")
        out["vocabulary"] = list(_LOOKUPS[cls])
    if isinstance(out.get("idf_weights"), str):
        raise FileArgument(f"`{cls}` reads idf_weights from `{out['idf_weights']}`: --confirm opens no files")
    for k, v in out.items():
        if isinstance(v, str) and "://" in v:
            raise FileArgument(f"`{cls}` argument {k}={v!r} is a URL: --confirm reaches no network")
    return out


def named_strings(values: Any, found: set[str] | None = None) -> set[str]:
    """Every string among these argument values (nested), as file names the model might name."""
    found = set() if found is None else found
    if isinstance(values, str):
        if values.strip():
            found.add(values)
    elif isinstance(values, (list, tuple, set)):
        for v in values:
            named_strings(v, found)
    elif isinstance(values, dict):
        for k, v in values.items():
            named_strings(k, found)
            named_strings(v, found)
    elif isinstance(values, LayerArg):
        named_strings(list(values.args), found)
        named_strings([v for _, v in values.kwargs], found)
    return found


class _Guard:
    def __init__(self) -> None:
        self.names: list[set[str]] = []  # a stack: one entry per rebuild under way, filled as it goes
        self.refused: list[str] = []
        self.installed = False

    def hook(self, event: str, args: tuple) -> None:
        if not self.names:
            return
        if event.startswith(_NETWORK_EVENTS):
            self.refused.append(event)
            raise PermissionError(f"--confirm refuses {event}")
        if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.fsdecode(args[0])
            names = self.names[-1]
            if path in names or os.path.basename(path) in names or any(
                    looks_like_location(n) and os.path.abspath(n) == os.path.abspath(path) for n in names):
                self.refused.append(path)
                raise PermissionError(f"--confirm opens no file the linted code names: {path}")


_GUARD = _Guard()


@contextmanager
def guarded(names: set[str]) -> Iterator[list[str]]:
    """While rebuilding: refuse opening ``names`` (the caller adds to the set as it reads
    arguments) and any network or process event.  Yields the list of what was refused
    (Keras may have turned the refusal into an error of its own)."""
    if not _GUARD.installed:
        sys.addaudithook(_GUARD.hook)  # audit hooks cannot be removed: one, idle outside rebuilds
        _GUARD.installed = True
    _GUARD.names.append(names)
    start = len(_GUARD.refused)
    refused: list[str] = []
    try:
        yield refused
    finally:
        refused.extend(_GUARD.refused[start:])
        del _GUARD.refused[start:]
        _GUARD.names.pop()
