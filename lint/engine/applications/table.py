"""The applications table: Keras' backbones recorded layer by layer (package data).

Generated from real Keras by ``python tests/applications_table.py``; read
lazily, the first time a file uses ``keras.applications``.
"""

from __future__ import annotations

import functools
import json
from typing import Any

# Keyword arguments that pick a recorded variant, with Keras' defaults.
VARIANT_DEFAULTS = {"alpha": 1.0, "minimalistic": False}


@functools.cache
def _table() -> dict:
    from importlib import resources  # here: its imports (tempfile, ...) cost a run that never reads a table

    return json.loads(resources.files(__package__).joinpath("table.json").read_text())


def constructors() -> list[str]:
    return sorted(_table()["applications"])


def is_constructor(name: str) -> bool:
    return name in _table()["applications"]


def preprocess_operations(module: str) -> list | None:
    """What ``keras.applications.<module>.preprocess_input`` records on a symbolic batch."""
    return _table()["preprocess"].get(module)


def find_entry(ctor: str, kwargs: dict[str, Any]) -> tuple[dict | None, str | None]:
    """The recorded variant a call builds, or why none is recorded."""
    entries = _table()["applications"].get(ctor)
    if not entries:
        return None, f"`{ctor}` is not in the applications table"
    for entry in entries:
        wanted = {k: kwargs.get(k, VARIANT_DEFAULTS[k]) for k in entry["variant"]}
        extra = {k: v for k, v in kwargs.items() if k in VARIANT_DEFAULTS and k not in entry["variant"]
                 and v != VARIANT_DEFAULTS[k]}
        if not extra and all(_same(wanted[k], v) for k, v in {**{k: VARIANT_DEFAULTS[k] for k in entry["variant"]},
                                                                  **entry["variant"]}.items()):
            return entry, None
    given = ", ".join(f"{k}={kwargs[k]}" for k in VARIANT_DEFAULTS if k in kwargs)
    return None, f"`{ctor}({given})` is not one of the recorded variants"


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return isinstance(a, (int, float)) and isinstance(b, (int, float)) and float(a) == float(b)
