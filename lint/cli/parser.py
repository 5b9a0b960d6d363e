"""argparse with the errors a user can act on: the subcommand's own usage and a did-you-mean.

Plain argparse reports an unknown flag of ``layerlint check`` with the top-level
usage (the subcommand's parser hands unknown arguments up), and a mistyped
subcommand or choice with the whole list and no suggestion.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

# Flags other linters have that layerlint deliberately does not: say why instead of guessing.
NOT_OFFERED = {
    "--fix": "layerlint does not change code; --add-noqa writes `# noqa` comments for the current findings",
    "--unsafe-fixes": "layerlint does not change code",
    "--diff": "layerlint does not change code",
    "--watch": "run layerlint from your editor or a file watcher instead",
}


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate ``word`` was most likely meant as: a close spelling, or the one option it begins."""
    import difflib  # only on a usage error: not worth loading on every run

    names = list(candidates)
    found = difflib.get_close_matches(word, names, n=1, cutoff=0.7)
    if found:
        return found[0]
    starting = [n for n in names if n.startswith(word) and len(word) > 2]
    return starting[0] if len(starting) == 1 else None


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose subcommand parsers are known by name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)  # `--out` must not silently mean `--output-format`
        super().__init__(*args, **kwargs)
        self.subcommands: dict[str, Parser] = {}

    def add_subcommand(self, sub: argparse._SubParsersAction, name: str, **kwargs: Any) -> Parser:
        parser = sub.add_parser(name, **kwargs)
        self.subcommands[name] = parser
        return parser

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        choices = action.choices
        if choices is None or value in choices:
            return
        names = [str(c) for c in choices]
        hint = closest(str(value), names)
        message = f"invalid choice: {value!r} (choose from {', '.join(names)})"
        if hint:
            message += f"; did you mean {hint!r}?"
        raise argparse.ArgumentError(action, message)

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        parsed, extra = self.parse_known_args(args, namespace)
        if extra:
            command = getattr(parsed, "command", None)
            owner = self.subcommands.get(command, self) if command else self
            owner.error(self._unrecognized(extra, owner, command))
        return parsed

    def _unrecognized(self, extra: list[str], owner: argparse.ArgumentParser, command: str | None) -> str:
        message = f"unrecognized arguments: {' '.join(extra)}"
        flag = next((a for a in extra if a.startswith("-") and a != "-"), None)
        if flag is None:
            return message
        name = flag.split("=", 1)[0]
        if name in NOT_OFFERED:
            return f"{message} ({NOT_OFFERED[name]})"
        hint = closest(name, owner._option_string_actions)
        if hint:
            return f"{message}; did you mean {hint}?"
        elsewhere = [n for n, p in self.subcommands.items() if n != command and name in p._option_string_actions]
        if elsewhere:
            return f"{message} ({name} is an option of `{self.prog} {elsewhere[0]}`)"
        return message

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")
