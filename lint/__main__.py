"""``python -m layerlint``.

``python -m`` puts the working directory first on ``sys.path``, so a user's
``ast.py`` or ``random.py`` next to the code being checked would replace the
standard library module of that name and break layerlint.  That entry is removed
before anything else is imported; ``sys`` and ``os`` are loaded by the
interpreter before this module runs, so they cannot be shadowed.
"""

import os
import sys


def _drop_working_directory() -> None:
    if getattr(sys.flags, "safe_path", False) or not sys.path:
        return  # python -P (3.11+) never added it
    try:
        cwd = os.getcwd()
    except OSError:  # the working directory was deleted
        cwd = None
    if sys.path[0] in ("", ".", cwd):
        del sys.path[0]


if __name__ == "__main__":
    _drop_working_directory()

    from layerlint.cli.main import entry

    entry()
