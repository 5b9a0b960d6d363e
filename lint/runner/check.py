"""``layerlint check``: run the rules over analysed files and produce sorted Diagnostics.

Selection (``--select/--ignore/--extend-select``), ``# noqa`` suppression and
exit codes live here; formatters and configuration plug in around
:func:`run_check`, which takes a :class:`CheckSettings` and returns Diagnostics.
lint/report/formats/ renders the Diagnostics for the CLI.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from layerlint.diagnostics import Diagnostic

if TYPE_CHECKING:  # annotations only: a run answered from the cache never loads the analyser
    from layerlint.analyze import FileAnalysis
    from layerlint.engine.shapes import ShapedModel

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
ALL = "ALL"


class SettingsError(Exception):
    """A usage or configuration error (exit status 2)."""


@dataclass
class CheckSettings:
    """What to check and how; lint/runner/config.py fills this from pyproject/CLI."""

    select: list[str] | None = None  # None: the default rule set
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)  # rule options, e.g. {"max-layer-params": 5_000_000}
    verbose: bool = False


# -- rule selection ------------------------------------------------------------------


def _rules() -> list:
    from layerlint.rules import all_rules

    return all_rules()


def _specificity(selector: str) -> int:
    return 0 if selector == ALL else len(selector)


def _matches(selector: str, code: str) -> bool:
    return selector == ALL or code.startswith(selector)


def is_enabled(rule: Any, settings: CheckSettings) -> bool:
    """The most specific (longest) matching selector decides; on a tie ``ignore`` wins.

    Rules that are off by default need a selector naming their family or code
    (``LL9``, ``LL900``): ``ALL`` or ``LL`` alone does not turn them on."""
    chosen: tuple[int, bool] | None = None  # (specificity, enabled)
    select = settings.select if settings.select is not None else []
    for selectors, enable in ((select, True), (settings.extend_select, True), (settings.ignore, False)):
        for sel in selectors:
            if not _matches(sel, rule.code):
                continue
            if enable and not rule.default_enabled and _specificity(sel) < 3:
                continue
            key = (_specificity(sel), enable)
            if chosen is None or key[0] > chosen[0] or (key[0] == chosen[0] and not enable):
                chosen = key
    if chosen is None:
        return settings.select is None and rule.default_enabled
    return chosen[1]


def enabled_rules(settings: CheckSettings) -> list:
    return [r for r in _rules() if is_enabled(r, settings)]


# -- noqa ------------------------------------------------------------------------------

_FILE_NOQA = re.compile(r"#\s*layerlint\s*:\s*noqa(?:\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.I)
_LINE_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.I)
UNUSED_NOQA = "LL005"
FILE = 0  # the ``line`` of a file-wide directive


@dataclass(frozen=True)
class Directive:
    """One code written in a ``# noqa`` comment: where, and whether it is file-wide."""

    line: int
    col: int
    end_col: int
    code: str
    file_wide: bool


@dataclass
class Suppressions:
    """``# noqa`` comments of one file: None in a set's place means "every code"."""

    file_all: bool = False
    file_codes: set[str] = field(default_factory=set)
    lines: dict[int, set[str] | None] = field(default_factory=dict)
    directives: list[Directive] = field(default_factory=list)

    def suppresses(self, d: Diagnostic) -> bool:
        return self.suppressed_by(d) is not None

    def suppressed_by(self, d: Diagnostic) -> tuple[int, str | None] | None:
        """(line, code) of the directive that suppresses ``d`` (line FILE for file-wide, code None
        for a bare ``noqa``), or None."""
        if self.file_all:
            return (FILE, None)
        code = _listed(d.code, self.file_codes)
        if code:
            return (FILE, code)
        for line in sorted({d.line, d.end_line}):
            if line in self.lines:
                codes = self.lines[line]
                if codes is None:
                    return (line, None)
                code = _listed(d.code, codes)
                if code:
                    return (line, code)
        return None


def _listed(code: str, codes: set[str]) -> str | None:
    return next((c for c in sorted(codes) if code.startswith(c)), None)


def _codes(text: str | None) -> set[str] | None:
    return None if not text else {c.upper() for c in re.split(r"[\s,]+", text.strip()) if c}


def _comments(text: str) -> Iterator[tuple[int, int, str]]:
    """(line, column, comment) triples; falls back to a line scan when the file does not tokenize."""
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                yield tok.start[0], tok.start[1], tok.string
        return
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    for i, line in enumerate(text.splitlines(), 1):
        if "#" in line:
            yield i, line.index("#"), line[line.index("#"):]


def parse_suppressions(text: str) -> Suppressions:
    sup = Suppressions()
    if "noqa" not in text.lower():
        return sup
    for line, col, comment in _comments(text):
        m = _FILE_NOQA.search(comment)
        file_wide = m is not None
        if m is None:
            m = _LINE_NOQA.search(comment)
            if m is None:
                continue
        codes = _codes(m.group("codes"))
        for code in sorted(codes or ()):
            sup.directives.append(Directive(line, col, col + len(comment), code, file_wide))
        if file_wide:
            if codes is None:
                sup.file_all = True
            else:
                sup.file_codes |= codes
        else:
            prev = sup.lines.get(line, set())
            sup.lines[line] = None if codes is None or prev is None else prev | codes
    return sup


def unused_noqa(sup: Suppressions, used: set[tuple[int, str | None]], enabled: list[str],
                path: str) -> list[Diagnostic]:
    """LL005 for every code in a ``# noqa`` comment that names no rule, or names an enabled rule
    and suppressed nothing.  Codes of other tools (``E501``) and of rules that did not run are
    not judged: nothing is known about them."""
    known = [r.code for r in _rules()]
    ours = {re.match(r"[A-Z]+", c).group() for c in known}  # type: ignore[union-attr]
    out = []
    for d in sup.directives:
        if re.match(r"[A-Z]+", d.code).group() not in ours:  # type: ignore[union-attr]
            continue
        where = "in this file" if d.file_wide else "on this line"
        if not any(c.startswith(d.code) for c in known):
            message = f"`noqa` names {d.code}, which matches no rule"
        elif (FILE if d.file_wide else d.line, d.code) in used or not any(c.startswith(d.code) for c in enabled):
            continue
        else:
            message = f"`noqa` code {d.code} suppresses nothing: no {d.code} finding {where}"
        out.append(Diagnostic(UNUSED_NOQA, "unused-noqa", message, "warning", path, d.line, d.col, d.line,
                              d.end_col, fix=f"remove {d.code} from the comment"))
    return out


# -- running the rules -----------------------------------------------------------------


def _collect_nested(sm: ShapedModel, nested: list[ShapedModel]) -> None:
    for row in sm.layers:
        if row.submodel is not None:
            nested.append(row.submodel)
            _collect_nested(row.submodel, nested)


def _models(fa: FileAnalysis) -> Iterator[tuple[ShapedModel, bool]]:
    """Every shaped model with whether it is top-level (not used as a layer in another model)."""
    nested: list[ShapedModel] = []
    for sm in fa.models:
        _collect_nested(sm, nested)
    used_as_layer = {id(sm.model) for sm in nested}
    for sm in fa.models:
        yield sm, id(sm.model) not in used_as_layer
    for sm in nested:
        yield sm, False


def _diagnostic(rule: Any, finding: Any, fa: FileAnalysis, lines: list[str]) -> Diagnostic:
    span = finding.span
    message = finding.message.strip().rstrip(".")
    extra = dict(finding.extra)
    if span.path is not None:
        return _foreign_diagnostic(rule, finding, fa, lines, message, extra)
    source_line = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
    extra["source_line"] = source_line
    return Diagnostic(
        code=rule.code, name=rule.name, message=message, severity=rule.severity,
        path=fa.path, line=span.line, col=span.col, end_line=span.end_line, end_col=span.end_col,
        fix=finding.fix, extra=extra,
    )


def call_chain(span: Any, home: str) -> str:
    """``train.py:6 → unet.py:40``: the calls that led to a span in another module."""
    return " → ".join(f"{path or home}:{line}" for path, line, _ in span.via) or home


def _foreign_diagnostic(rule: Any, finding: Any, fa: FileAnalysis, lines: list[str], message: str,
                        extra: dict) -> Diagnostic:
    """A finding in a module the file imports: placed at the outermost call in this file, and
    carrying where it really is; the run moves it there when that module is checked too
    (pipeline.place_foreign)."""
    span = finding.span
    line, col = span.home()
    chain = call_chain(span, fa.path)
    extra["source_line"] = lines[line - 1] if 0 < line <= len(lines) else ""
    extra["origin"] = {"path": span.path, "line": span.line, "col": span.col, "end_line": span.end_line,
                       "end_col": span.end_col, "via": chain, "message": message}
    return Diagnostic(
        code=rule.code, name=rule.name, message=f"{message} (in {span.where()}, via {chain})",
        severity=rule.severity, path=fa.path, line=line, col=col, end_line=line, end_col=col,
        fix=finding.fix, extra=extra,
    )


def _rule_crash(rule: Any, e: Exception, fa: FileAnalysis, settings: CheckSettings) -> Diagnostic:

    if settings.verbose:
        import traceback

        traceback.print_exc()
    msg = f"internal error in rule {rule.code}: {type(e).__name__}: {e}; please report this with the file"
    return Diagnostic("LL002", "internal-error", msg, "error", fa.path, 1, 0, 1, 0)


def check_analysis(fa: FileAnalysis, settings: CheckSettings, rules: list | None = None) -> list[Diagnostic]:
    """All enabled rules over one analysed file; ``# noqa`` applied; sorted."""
    from layerlint.rules.base import Context
    from layerlint.rules.flow import Flow

    rules = enabled_rules(settings) if rules is None else rules
    lines = fa.text.splitlines()
    found: list[Diagnostic] = []
    # One context per model, read by every rule (rules never change it).
    file_ctx = Context(fa.path, settings.options, analysis=fa)
    models = list(_models(fa))
    flows = {id(sm): Flow(sm) for sm, _ in models}
    contexts = [(sm, Context(fa.path, settings.options, flow=flows[id(sm)], top_level=top, analysis=fa))
                for sm, top in models]
    for rule in rules:
        try:
            found += [_diagnostic(rule, f, fa, lines) for f in rule.check_file(fa, file_ctx)]
            for sm, ctx in contexts:
                found += [_diagnostic(rule, f, fa, lines) for f in rule.check_model(sm, ctx)]
        except Exception as e:  # one rule's bug must not hide the other rules' findings
            found.append(_rule_crash(rule, e, fa, settings))
    sup = parse_suppressions(fa.text)
    used: set[tuple[int, str | None]] = set()
    unique: dict[tuple, Diagnostic] = {}
    for d in found:
        by = sup.suppressed_by(d)
        if by is None:
            unique.setdefault((d.code, d.line, d.col, d.message), d)
        else:
            used.add(by)
    enabled = [r.code for r in rules]
    if UNUSED_NOQA in enabled and sup.directives:
        for d in unused_noqa(sup, used, enabled, fa.path):
            if not sup.suppresses(d):
                unique.setdefault((d.code, d.line, d.col, d.message), d)
    return sorted(one_per_place(list(unique.values())), key=Diagnostic.sort_key)


_FIRST_QUOTED = re.compile(r"`[^`]*`")


def one_per_place(found: list[Diagnostic]) -> list[Diagnostic]:
    """The same finding at the same place once: a line run several times (a builder called in a loop)
    makes a row at each run, and each gave the finding again, differing only by the row's automatic
    name (the first quoted word: ``InputLayer `input_layer_3`: ...``).  The first stays, naming the
    others; findings that differ otherwise (another shape, another count) all stay."""
    groups: dict[tuple, list[Diagnostic]] = {}
    for d in found:
        same = _FIRST_QUOTED.sub("``", d.message, count=1)
        groups.setdefault((d.code, d.path, d.cell, d.line, d.col, d.end_line, d.end_col, same), []).append(d)
    out: list[Diagnostic] = []
    for group in groups.values():
        first = group[0]
        if len(group) > 1:
            names = [m.group(0) for d in group[1:] if (m := _FIRST_QUOTED.search(d.message)) is not None]
            shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
            first = replace(first, message=f"{first.message} (the same for {len(group) - 1} more this line made: "
                                           f"{shown})")
        out.append(first)
    return out


def run_check(paths: list[str], settings: CheckSettings) -> list[Diagnostic]:
    """Discover files under ``paths``, analyse each and run the enabled rules.

    Raises layerlint.runner.files.PathError for a missing path; never raises for a bad file."""
    from layerlint.runner.files import discover
    from layerlint.runner.pipeline import analyze_path

    rules = enabled_rules(settings)
    diagnostics: list[Diagnostic] = []
    for path in discover(paths):
        diagnostics += check_analysis(analyze_path(path, settings.verbose), settings, rules)
    return sorted(diagnostics, key=Diagnostic.sort_key)


def exit_status(diagnostics: list[Diagnostic], exit_zero: bool = False) -> int:
    if any(d.code == "LL002" for d in diagnostics):
        return EXIT_ERROR
    return EXIT_FINDINGS if diagnostics and not exit_zero else EXIT_OK


# -- plain text (the CLI's formatters live in lint/report/formats/) ------------------------------


def location(d: Diagnostic) -> str:
    """``path:line:col`` with a 1-based column."""
    return f"{d.path}:{d.line}:{d.col + 1}"


def format_concise(d: Diagnostic) -> str:
    return f"{location(d)}: {d.code} {d.message}"


def count_line(diagnostics: list[Diagnostic]) -> str:
    if not diagnostics:
        return "No findings."
    by_sev = Counter(d.severity for d in diagnostics)
    parts = [f"{by_sev[s]} {s if s == 'info' or by_sev[s] == 1 else s + 's'}"
             for s in ("error", "warning", "info") if by_sev[s]]
    n = len(diagnostics)
    return f"Found {n} finding{'s' if n != 1 else ''} ({', '.join(parts)})."


def statistics_rows(diagnostics: list[Diagnostic]) -> list[tuple[int, str, str]]:
    """(count, code, name) per rule, most frequent first."""
    counts = Counter((d.code, d.name) for d in diagnostics)
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0]))
    return [(n, code, name) for (code, name), n in rows]


def statistics(diagnostics: list[Diagnostic]) -> list[str]:
    """``count  code  name`` lines, most frequent first."""
    return [f"{n:>5}  {code}  {name}" for n, code, name in statistics_rows(diagnostics)]


def render(diagnostics: list[Diagnostic]) -> str:
    """Concise lines and the count line: the golden-file format of fixtures/rules/*.expected."""
    return "\n".join([format_concise(d) for d in diagnostics] + [count_line(diagnostics)])


# -- rule docs -----------------------------------------------------------------------------


def rule_listing(markdown: bool = False) -> str:
    from layerlint.rules.base import render_docs

    rules = _rules()
    if markdown:
        head = ["| Code | Name | Severity | What it reports |", "| --- | --- | --- | --- |"]
        rows = [f"| [{r.code}](#{r.code.lower()}) | {r.name} | {r.severity}"
                f"{'' if r.default_enabled else ' (off by default)'} | {r.summary} |" for r in rules]
        return "\n".join(["## Rules", "", *head, *rows, ""] + [render_docs(r, markdown=True) for r in rules])
    width = max(len(r.name) for r in rules)
    return "\n".join(f"{r.code}  {r.name:<{width}}  {r.severity:<7}{'' if r.default_enabled else ' (off)':<7} {r.summary}"
                     for r in rules)
