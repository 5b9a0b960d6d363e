"""Formats CI systems read: GitHub workflow commands, GitLab Code Quality, SARIF 2.1.0."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from layerlint.diagnostics import Diagnostic
from layerlint.report.formats.common import FilePlace, FilePlaces, RuleDescriptor, relative_path

TOOL_NAME = "layerlint"
INFORMATION_URI = "https://github.com/layerlint/layerlint"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


# --- GitHub Actions ---------------------------------------------------------

GITHUB_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_github_data(text: str) -> str:
    """The message part of a workflow command: ``%``, CR and LF are special."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_github_property(text: str) -> str:
    """A property value: additionally ``:`` and ``,`` end the value."""
    return escape_github_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(d: Diagnostic, place: FilePlace | None = None) -> str:
    """One workflow command; in a notebook, ``place`` is the finding's span in the raw .ipynb."""
    place = place or FilePlace(d.line, d.col, d.end_line, d.end_col)
    props = {
        "title": f"{TOOL_NAME} ({d.code})",
        "file": d.path,
        "line": place.line,
        "col": place.col + 1,
        "endLine": place.end_line,
        "endColumn": place.end_col + 1,
    }
    joined = ",".join(f"{k}={escape_github_property(str(v))}" for k, v in props.items())
    message = place.prefix + d.message
    return f"::{GITHUB_COMMAND.get(d.severity, 'error')} {joined}::{escape_github_data(message)}"


def render_github(diags: list[Diagnostic], *, sources: dict | None = None, **_: object) -> str:
    places = FilePlaces(sources)
    return "".join(github_line(d, places.of(d)) + "\n" for d in diags)


# --- GitLab Code Quality ------------------------------------------------------

GITLAB_SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def render_gitlab(diags: list[Diagnostic], *, root: Path, sources: dict | None = None, **_: object) -> str:
    """Code Quality issues; fingerprints ignore line numbers so an issue keeps its
    identity when code above it moves, and a counter separates repeats."""
    seen: Counter[str] = Counter()
    places = FilePlaces(sources)
    issues = []
    for d in diags:
        path = relative_path(d.path, root)
        place = places.of(d)
        basis = f"{d.code}\0{path}\0{d.cell}\0{d.message}"
        seen[basis] += 1
        fingerprint = hashlib.sha256(f"{basis}\0{seen[basis]}".encode()).hexdigest()
        issues.append({
            "type": "issue",
            "description": f"{place.prefix}{d.code} {d.message}",
            "check_name": d.code,
            "categories": ["Bug Risk"],
            "fingerprint": fingerprint,
            "severity": GITLAB_SEVERITY.get(d.severity, "major"),
            "location": {"path": path, "lines": {"begin": place.line, "end": place.end_line}},
        })
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


# --- SARIF 2.1.0 --------------------------------------------------------------

SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _sarif_rule(r: RuleDescriptor) -> dict:
    rule = {
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.docs or r.summary},
        "help": {"text": r.docs or r.summary},
    }
    if r.url:
        rule["helpUri"] = r.url
    return rule


def render_sarif(diags: list[Diagnostic], *, root: Path, rules: list[RuleDescriptor],
                 version: str | None = None, sources: dict | None = None, **_: object) -> str:
    known = {r.code for r in rules}
    # A finding whose rule was not described (e.g. LL001 syntax error) still gets
    # a rule entry, so every ruleId resolves within the run.
    extra = {d.code: RuleDescriptor(d.code, d.name, d.name.replace("-", " ")) for d in diags if d.code not in known}
    all_rules = sorted([*rules, *extra.values()], key=lambda r: r.code)
    index = {r.code: i for i, r in enumerate(all_rules)}
    places = FilePlaces(sources)
    results = []
    for d in diags:
        place = places.of(d)
        text = place.prefix + d.message
        result: dict = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": SARIF_LEVEL.get(d.severity, "error"),
            "message": {"text": text + (f". Fix: {d.fix}" if d.fix else "")},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": quote(relative_path(d.path, root))},
                "region": {"startLine": place.line, "startColumn": place.col + 1,
                           "endLine": place.end_line, "endColumn": place.end_col + 1},
            }}],
        }
        if d.cell is not None:  # where the finding is in the notebook as Jupyter shows it
            result["properties"] = {"cell": d.cell, "cellLine": d.line, "cellColumn": d.col + 1}
        results.append(result)
    if version is None:
        from layerlint import __version__ as version
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": TOOL_NAME, "version": version, "informationUri": INFORMATION_URI,
                                "rules": [_sarif_rule(r) for r in all_rules]}},
            "results": results,
        }],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
