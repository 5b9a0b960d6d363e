"""The rule contract, the registry of rules, and third-party rule loading.

A rule reads shaped models (never source text) and yields :class:`Finding`
objects; ``layerlint.runner.check`` turns them into Diagnostics, applies selection and
``# noqa``.  Codes are public API: once published a code keeps its meaning.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from layerlint.engine.model import Span
from layerlint.engine.shapes import ShapedModel
from layerlint.rules.flow import Flow

SEVERITIES = ("error", "warning", "info")
ENTRY_POINT_GROUP = "layerlint.rules"
_CODE = re.compile(r"^[A-Z]{1,4}[0-9]{3,4}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


@dataclass
class Finding:
    """What a rule reports: where, the message (numbers included, no trailing period) and a fix hint."""

    span: Span
    message: str
    fix: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class Context:
    """What a rule may consult besides the model: the file, settings, the model's data flow."""

    path: str
    options: dict[str, Any]
    flow: Flow | None = None
    top_level: bool = True  # False for a model used as a layer inside another model
    analysis: Any = None  # the FileAnalysis

    def option(self, rule: Rule, key: str) -> Any:
        """A rule option from the settings (config may override), else the rule's default."""
        return self.options.get(key, rule.options.get(key))

    @property
    def keras_version(self) -> int:
        """The Keras the file is read as (the ``keras-version`` setting): 3, or 2 for tf-keras 2.x."""
        return getattr(self.analysis, "keras_version", 3)

    def line_ref(self, line: int) -> str:
        """How a message names another line of the file: ``line 9``, or ``cell 5, line 3``
        in a notebook, whose findings are placed by cell."""
        from layerlint.sources.notebook import line_namer

        return line_namer(getattr(self.analysis, "notebook", None))(line)


class Rule:
    """Base class of every rule; subclasses set the class attributes and override a check method."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str]
    summary: ClassVar[str]  # one line for listings
    what: ClassVar[str]  # docs: What it does
    why: ClassVar[str]  # docs: Why is this bad?
    default_enabled: ClassVar[bool] = True
    options: ClassVar[dict[str, Any]] = {}
    # Self-contained sources: the first of each is the docs' Example / Use instead;
    # all of them run as tests (invalid must trigger this rule, valid must not).
    invalid: ClassVar[tuple[str, ...]] = ()
    valid: ClassVar[tuple[str, ...]] = ()

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterable[Finding]:
        return ()

    def check_file(self, analysis: Any, ctx: Context) -> Iterable[Finding]:
        """File-level findings (analysis problems, notes); most rules only look at models."""
        return ()

    def docs(self) -> str:
        return render_docs(self)


class RuleError(Exception):
    """A rule definition breaks the contract (bad code, duplicate, missing docs)."""


REGISTRY: dict[str, Rule] = {}
LOAD_ERRORS: list[str] = []
_plugins_loaded = False


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator: validate the rule's metadata and add one instance to the registry."""
    rule = cls()
    _validate(rule)
    if rule.code in REGISTRY and type(REGISTRY[rule.code]) is not cls:
        raise RuleError(f"rule code {rule.code} is registered twice ({type(REGISTRY[rule.code]).__name__}, {cls.__name__})")
    REGISTRY[rule.code] = rule
    return cls


def _validate(rule: Rule) -> None:
    for attr in ("code", "name", "severity", "summary", "what", "why"):
        if not getattr(rule, attr, None):
            raise RuleError(f"{type(rule).__name__} needs `{attr}`")
    if not _CODE.match(rule.code):
        raise RuleError(f"rule code {rule.code!r} must be letters then 3-4 digits, e.g. LL201")
    if not _NAME.match(rule.name):
        raise RuleError(f"rule name {rule.name!r} must be kebab-case")
    if rule.severity not in SEVERITIES:
        raise RuleError(f"{rule.code}: severity must be one of {SEVERITIES}")
    names = {r.name: c for c, r in REGISTRY.items() if c != rule.code}
    if rule.name in names:
        raise RuleError(f"rule name {rule.name!r} is already used by {names[rule.name]}")


def load_plugins() -> None:
    """Import the modules/objects advertised under the ``layerlint.rules`` entry-point group.

    Loading a plugin registers its rules (through :func:`register`); an entry
    point may also name a Rule subclass, which is registered here.  A broken
    plugin is recorded in LOAD_ERRORS and skipped so the built-in rules still run.
    """
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    if not _any_plugin_declared():
        return
    from importlib.metadata import entry_points

    try:
        eps = entry_points(group=ENTRY_POINT_GROUP)
    except Exception as e:  # a broken installation's metadata must not stop the built-in rules
        LOAD_ERRORS.append(f"could not list {ENTRY_POINT_GROUP} entry points: {e}")
        return
    for ep in eps:
        try:
            obj = ep.load()
            if isinstance(obj, type) and issubclass(obj, Rule) and getattr(obj, "code", None) not in REGISTRY:
                register(obj)
        except Exception as e:
            LOAD_ERRORS.append(f"rule plugin {ep.name!r} ({ep.value}) failed to load: {type(e).__name__}: {e}")


def _any_plugin_declared() -> bool:
    """Whether any installed distribution may declare our entry-point group (a cheap file scan)."""
    from layerlint.sources.plugin_scan import plugin_declarations

    return bool(plugin_declarations(ENTRY_POINT_GROUP))


def all_rules() -> list[Rule]:
    """Every registered rule (built-in and plugins), sorted by code."""
    from layerlint.rules import _builtin  # noqa: F401  (importing registers the built-in rules)

    load_plugins()
    return [REGISTRY[c] for c in sorted(REGISTRY)]


def get_rule(code: str) -> Rule | None:
    all_rules()
    return REGISTRY.get(code.upper())


# -- docs ------------------------------------------------------------------------


def _example_block(source: str) -> str:
    return "```python\n" + source.strip("\n") + "\n```"


def render_docs(rule: Rule, markdown: bool = False) -> str:
    """The four-part docs: What it does, Why is this bad?, Example, Use instead."""
    default = "" if rule.default_enabled else ", off by default"
    lines = []
    if markdown:
        lines += [f'<a id="{rule.code.lower()}"></a>', f"### {rule.code} {rule.name}", ""]
        lines += [f"*{rule.severity}{default}* — {rule.summary}", ""]
    else:
        lines += [f"{rule.code} {rule.name} ({rule.severity}{default})", "", rule.summary, ""]
    head = "#### " if markdown else ""
    lines += [f"{head}What it does", "", rule.what.strip(), "", f"{head}Why is this bad?", "", rule.why.strip(), ""]
    if rule.invalid:
        lines += [f"{head}Example", "", _example_block(rule.invalid[0]), ""]
    if rule.valid:
        lines += [f"{head}Use instead", "", _example_block(rule.valid[0]), ""]
    if rule.options:
        opts = ", ".join(f"`{k}` (default {v!r})" for k, v in rule.options.items())
        lines += [f"{head}Options", "", opts, ""]
    return "\n".join(lines).rstrip() + "\n"


def iter_examples(rule: Rule) -> Iterator[tuple[str, int, str]]:
    """(kind, index, source) for every example of a rule; kind is "invalid" or "valid"."""
    for i, src in enumerate(rule.invalid):
        yield "invalid", i, src
    for i, src in enumerate(rule.valid):
        yield "valid", i, src


def warn(message: str) -> None:
    print(f"layerlint: warning: {message}", file=sys.stderr)
