"""A small .gitignore matcher: the patterns people write, with git's precedence.

Supported: comments, ``!`` negation, trailing ``/`` (directories only), anchoring
by a leading or inner ``/``, ``*``, ``?``, ``[...]``, ``**`` (leading, trailing and
inner), backslash escapes and trailing-space trimming.  Patterns are read from
every ``.gitignore`` between the repository root and the file, plus
``.git/info/exclude``; deeper files and later lines win.  As in git, nothing
inside an ignored directory can be re-included.  Outside a git repository no
ignore file applies (ruff and ripgrep behave the same way).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class IgnoreRule:
    regex: re.Pattern[str]
    negated: bool
    dir_only: bool
    base: Path  # the directory whose .gitignore holds the rule


def _glob_to_regex(glob: str) -> str:
    out = []
    i, n = 0, len(glob)
    while i < n:
        c = glob[i]
        if c == "\\" and i + 1 < n:
            out.append(re.escape(glob[i + 1]))
            i += 2
            continue
        if c == "*":
            if glob.startswith("**", i):
                at_start = i == 0 or glob[i - 1] == "/"
                at_end = i + 2 == n or glob[i + 2] == "/"
                if at_start and at_end:
                    if i + 2 == n:
                        out.append(".*")  # "a/**": everything inside a
                        i += 2
                    else:
                        out.append("(?:.*/)?")  # "**/" : zero or more directories
                        i += 3
                    continue
            out.append("[^/]*")
            i += 1
            continue
        if c == "?":
            out.append("[^/]")
        elif c == "[":
            j = glob.find("]", i + 2 if glob.startswith(("[!", "[^", "[]"), i) else i + 1)
            if j < 0:
                out.append(re.escape(c))
            else:
                body = glob[i + 1:j]
                if body[:1] in ("!", "^"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = j + 1
                continue
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def parse_line(line: str, base: Path) -> IgnoreRule | None:
    """One .gitignore line as a rule, or None for blanks and comments."""
    line = line.rstrip("\n").rstrip("\r")
    if not line or line.startswith("#"):
        return None
    # Trailing spaces are dropped unless escaped with a backslash.
    stripped = line.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(line):
        stripped += " "
    line = stripped
    negated = line.startswith("!")
    if negated:
        line = line[1:]
    elif line.startswith("\\!") or line.startswith("\\#"):
        line = line[1:]
    dir_only = line.endswith("/") and not line.endswith("\\/")
    line = line.rstrip("/") if dir_only else line
    if not line:
        return None
    anchored = "/" in line
    line = line.lstrip("/")
    body = _glob_to_regex(line)
    prefix = "" if anchored else "(?:.*/)?"
    return IgnoreRule(re.compile(f"^{prefix}{body}$", re.DOTALL), negated, dir_only, base)


def parse_file(path: Path, base: Path) -> list[IgnoreRule]:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    return [r for r in (parse_line(x, base) for x in lines) if r is not None]


def find_repo_root(start: Path) -> Path | None:
    start = start.resolve()
    for d in (start, *start.parents):
        if (d / ".git").exists():
            return d
    return None


class GitIgnore:
    """Answers "is this path ignored?" for paths inside one or more repositories."""

    def __init__(self) -> None:
        self._rules: dict[Path, list[IgnoreRule]] = {}
        self._repo: dict[Path, Path | None] = {}
        self._ignored_dirs: dict[Path, bool] = {}

    def _repo_of(self, directory: Path) -> Path | None:
        if directory not in self._repo:
            self._repo[directory] = find_repo_root(directory)
        return self._repo[directory]

    def _rules_in(self, directory: Path, repo: Path) -> list[IgnoreRule]:
        if directory not in self._rules:
            rules = parse_file(directory / ".gitignore", directory)
            if directory == repo:
                rules = parse_file(repo / ".git" / "info" / "exclude", repo) + rules
            self._rules[directory] = rules
        return self._rules[directory]

    def _matches(self, path: Path, is_dir: bool, repo: Path) -> bool:
        """Last matching rule wins, reading from the repo root down to the path's directory."""
        ignored = False
        rel_dirs = path.parent.relative_to(repo).parts
        directory = repo
        chain = [directory]
        for part in rel_dirs:
            directory = directory / part
            chain.append(directory)
        for d in chain:
            rel = path.relative_to(d).as_posix()
            for rule in self._rules_in(d, repo):
                if rule.dir_only and not is_dir:
                    continue
                if rule.regex.match(rel):
                    ignored = not rule.negated
        return ignored

    def is_ignored(self, path: Path, is_dir: bool | None = None) -> bool:
        try:
            path = path.resolve()
        except (RuntimeError, OSError):  # a symlink loop: judge it by its own name
            path = path.parent.resolve() / path.name
        repo = self._repo_of(path.parent)
        if repo is None or path == repo:
            return False
        if is_dir is None:
            is_dir = path.is_dir()
        # A file under an ignored directory stays ignored whatever later rules say.
        parent = path.parent
        if parent != repo and self._dir_ignored(parent, repo):
            return True
        return self._matches(path, is_dir, repo)

    def _dir_ignored(self, directory: Path, repo: Path) -> bool:
        if directory not in self._ignored_dirs:
            parent = directory.parent
            ignored = (parent != repo and self._dir_ignored(parent, repo)) or self._matches(directory, True, repo)
            self._ignored_dirs[directory] = ignored
        return self._ignored_dirs[directory]
