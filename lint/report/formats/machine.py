"""JSON for programs: ``json`` (one list) and ``json-lines`` (one object a line)."""

from __future__ import annotations

import json
from typing import Any

from layerlint.diagnostics import Diagnostic
from layerlint.report.formats.common import end_column


def finding_object(d: Diagnostic) -> dict[str, Any]:
    """One finding; rows count lines within the cell when ``cell`` is set."""
    return {
        "code": d.code,
        "name": d.name,
        "message": d.message,
        "severity": d.severity,
        "filename": d.path,
        "cell": d.cell,
        "location": {"row": d.line, "column": d.col + 1},
        "end_location": {"row": d.end_line, "column": end_column(d)},
        "fix": d.fix,
        "url": d.url,
    }


def render_json(diags: list[Diagnostic], **_: object) -> str:
    return json.dumps([finding_object(d) for d in diags], indent=2, ensure_ascii=False) + "\n"


def render_json_lines(diags: list[Diagnostic], **_: object) -> str:
    return "".join(json.dumps(finding_object(d), ensure_ascii=False) + "\n" for d in diags)
