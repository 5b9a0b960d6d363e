"""``check --add-noqa``: write ``# noqa: CODE`` comments for the current findings.

Each finding is suppressed on its first line (or, when no comment can go there,
such as inside a string or after a backslash, on its last line), which is where
``# noqa`` is read.  The file goes through libcst, which keeps every other byte as
it was, the encoding included; an existing ``# noqa: ...`` list is extended, and
another comment keeps its text with the directive after it.  Notebooks and
standard input are left alone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from layerlint.diagnostics import Diagnostic
from layerlint.runner.files import STDIN
from layerlint.sources.notebook import is_notebook
from layerlint.sources.source import SourceError, read_bytes

# Findings about the file itself or about noqa comments: a directive cannot help.
NOT_SUPPRESSIBLE = frozenset({"LL001", "LL002", "LL003", "LL005"})
_NOQA = re.compile(r"#\s*noqa(?P<colon>\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.I)


@dataclass
class AddNoqaReport:
    added: int = 0
    files: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "path: why"

    def lines(self) -> list[str]:
        out = [f"layerlint: warning: --add-noqa left {s}" for s in self.skipped]
        n = self.added
        out.append(f"Added {n} noqa directive{'s' if n != 1 else ''} to {len(self.files)} "
                   f"file{'s' if len(self.files) != 1 else ''}.")
        return out


def merged_comment(comment: str | None, codes: Iterable[str]) -> tuple[str, int]:
    """The comment with ``codes`` suppressed, and how many codes were added."""
    wanted = sorted(set(codes))
    if comment is None:
        return f"# noqa: {', '.join(wanted)}", len(wanted)
    m = _NOQA.search(comment)
    if m and m.group("codes") is None:
        return comment, 0  # a bare noqa comment already suppresses every code
    if m:
        have = [c.upper() for c in re.split(r"[\s,]+", m.group("codes").strip()) if c]
        new = [c for c in wanted if not any(c.startswith(h) for h in have)]
        if not new:
            return comment, 0
        text = f"{comment[:m.start('codes')]}{', '.join(have + new)}{comment[m.end('codes'):]}"
        return text, len(new)
    return f"{comment.rstrip()}  # noqa: {', '.join(wanted)}", len(wanted)


def add_noqa_to_source(data: bytes, findings: list[Diagnostic]) -> tuple[bytes, int, int]:
    """(new bytes, directives added, findings that found no line to carry one)."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    module = cst.parse_module(data)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    # Every physical line that ends outside a string has one TrailingWhitespace node, which may hold a comment.
    ends = {positions[node].start.line: node for node in positions if isinstance(node, cst.TrailingWhitespace)}
    wanted: dict[int, set[str]] = defaultdict(set)
    homeless = 0
    for d in findings:
        line = d.line if d.line in ends else d.end_line if d.end_line in ends else None
        if line is None:
            homeless += 1
        else:
            wanted[line].add(d.code)
    changes: dict[int, tuple[str, int]] = {}
    for line, codes in wanted.items():
        node = ends[line]
        changes[id(node)] = merged_comment(node.comment.value if node.comment else None, codes)

    class Writer(cst.CSTTransformer):
        def leave_TrailingWhitespace(self, original: cst.TrailingWhitespace,
                                     updated: cst.TrailingWhitespace) -> cst.TrailingWhitespace:
            change = changes.get(id(original))
            if change is None or change[1] == 0:
                return updated
            whitespace = updated.whitespace if original.comment else cst.SimpleWhitespace("  ")
            return updated.with_changes(whitespace=whitespace, comment=cst.Comment(change[0]))

    new = wrapper.module.visit(Writer())
    return new.bytes, sum(n for _, n in changes.values()), homeless


def add_noqa(diagnostics: Iterable[Diagnostic], not_on_disk: Iterable[str] = ()) -> AddNoqaReport:
    """Rewrite each file with findings; ``not_on_disk``: paths whose text came from standard input.
    Raises OSError when a file cannot be written."""
    import libcst as cst

    by_path: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in diagnostics:
        if d.code not in NOT_SUPPRESSIBLE:
            by_path[d.path].append(d)
    report = AddNoqaReport()
    stdin_paths = set(not_on_disk) | {STDIN}
    for path, findings in sorted(by_path.items()):
        if path in stdin_paths:
            report.skipped.append(f"{path}: standard input cannot be rewritten")
            continue
        if is_notebook(path):
            report.skipped.append(f"{path}: notebooks are not rewritten; add `# noqa: CODE` in the cell")
            continue
        try:
            data = read_bytes(path)
            new, added, homeless = add_noqa_to_source(data, findings)
        except (SourceError, cst.ParserSyntaxError, UnicodeDecodeError) as e:
            report.skipped.append(f"{path}: cannot be rewritten ({e})")
            continue
        if homeless:
            report.skipped.append(f"{path}: {homeless} finding(s) on lines that cannot hold a comment")
        if added:
            with open(path, "wb") as f:
                f.write(new)
            report.added += added
            report.files.append(path)
    return report

