"""What a file hands the analyser: Python text, from disk, stdin or a notebook.

A notebook becomes the joined program of its code cells plus the map back to
cells; a notebook that cannot be read is an LL003 problem on the file, never an
exception, so the rest of the run goes on.
"""

from __future__ import annotations

from dataclasses import dataclass

from layerlint.sources.notebook import NotebookError, NotebookSource, is_notebook, parse_notebook
from layerlint.sources.source import SourceError, decode, read_source


@dataclass
class Input:
    path: str  # as reported (the --stdin-filename for standard input)
    text: str  # Python text to analyse ("" when unreadable)
    raw: str  # the file's own text (notebook JSON for notebooks), for showing source lines
    notebook: NotebookSource | None = None
    problem: SourceError | None = None


def load_input(path: str, stdin_bytes: bytes | None = None) -> Input:
    """Read ``path`` (or the given stdin bytes reported as ``path``)."""
    try:
        raw = decode(stdin_bytes, path) if stdin_bytes is not None else read_source(path).text
    except SourceError as e:
        return Input(path, "", "", problem=e)
    if not is_notebook(path):
        return Input(path, raw, raw)
    try:
        nb = parse_notebook(raw)
    except NotebookError as e:
        return Input(path, "", raw, problem=SourceError("LL003", str(e)))
    except Exception as e:  # a bug in reading one notebook must not stop the run
        return Input(path, "", raw, problem=SourceError(
            "LL002", f"internal error: {type(e).__name__}: {e}; please report this with the file"))
    return Input(path, nb.text, raw, notebook=nb)
