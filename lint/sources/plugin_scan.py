"""Which installed distributions declare layerlint plugins (rules, layers), without importlib.metadata.

Importing importlib.metadata costs more start-up time than a one-file check
spends on its rules, and almost no environment has a plugin.  A plain scan of
``*.dist-info`` / ``*.egg-info`` entry-point files on sys.path answers whether to
load it at all, and gives the results cache something to key plugin changes on.
"""

from __future__ import annotations

import os
import sys

ENTRY_POINT_GROUP = "layerlint.rules"


def plugin_declarations(group: str = ENTRY_POINT_GROUP) -> list[str]:
    """Paths of the metadata that may declare ``group``; a zipped egg always counts."""
    needle = group.encode()
    found = []
    for entry in sys.path:
        base = entry or "."
        try:
            names = sorted(os.listdir(base))
        except OSError:
            continue
        for name in names:
            if name.endswith(".egg"):
                found.append(os.path.join(base, name))
                continue
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            path = os.path.join(base, name, "entry_points.txt")
            try:
                with open(path, "rb") as f:
                    if needle in f.read():
                        found.append(path)
            except OSError:
                continue
    return found
