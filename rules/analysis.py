"""LL0xx and LL900: findings about the analysis itself rather than the model.

LL001-LL004 carry the problems ``analyze_text`` records on a file (syntax
errors, internal errors, unreadable files, budget exhaustion) so they are
selected, suppressed and formatted like any other finding.  LL005 judges the
``# noqa`` comments, which the runner reads (rules never parse) and reports
under this rule's code when it is enabled.  LL900 says where
shape inference stopped, for users wondering why a model got no findings.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from layerlint.engine.shapes import ShapedModel
from layerlint.rules.base import Context, Finding, Rule, register


class _FileProblem(Rule):
    """Turns FileAnalysis.problems with this rule's code into findings."""

    severity = "error"

    def check_file(self, analysis: Any, ctx: Context) -> Iterator[Finding]:
        for code, message, span in analysis.problems:
            if code == self.code:
                yield Finding(span, message)


@register
class SyntaxErrorRule(_FileProblem):
    code = "LL001"
    name = "syntax-error"
    summary = "The file is not valid Python and was not analysed"
    what = "Reports files that do not parse, at the position of the syntax error. Other files are still checked."
    why = "Nothing in the file can be checked until it parses; Python would refuse to run it too."
    invalid = ("import keras\nmodel = keras.Sequential([keras.layers.Dense(3)\n",)
    valid = ("import keras\nmodel = keras.Sequential([keras.layers.Dense(3)])\n",)


@register
class InternalError(_FileProblem):
    code = "LL002"
    name = "internal-error"
    summary = "layerlint failed on this file (a bug in layerlint)"
    what = "Reports that the analysis of a file crashed; the rest of the run continues."
    why = "The file's models were not checked. Please report it with the file (run with --verbose for a traceback)."


@register
class UnreadableFile(_FileProblem):
    code = "LL003"
    name = "unreadable-file"
    summary = "The file cannot be read or decoded as Python source"
    what = "Reports files that cannot be read: missing permissions, undecodable bytes, binary content, oversized files."
    why = "Nothing in the file can be checked."


@register
class AnalysisBudgetExceeded(_FileProblem):
    code = "LL004"
    name = "analysis-budget-exceeded"
    summary = "The file is too large or too deeply nested to analyse within budget"
    what = (
        "Reports files whose analysis was stopped by one of layerlint's budgets: files over 1 MiB, code nested "
        "more than 1,000 levels, parsing work beyond a fixed cap, more than 200,000 interpreter steps or 10 s "
        "following the code, or more than 20 s of analysis in all. Models finished before the budget ran out "
        "are still reported, and the finding points at the statement where analysis stopped. It also reports, "
        "once per file, the first value the code would make over the size budget (a string, list or format "
        "width over 100,000, an integer over 256 bits, such as `'a' * 10**9` or `10 ** 10 ** 8`): that value "
        "is left unknown, checked before it is made, and the rest of the file is analysed."
    )
    why = "The file's models were not (fully) checked; without a budget one generated or hostile file could hang a pre-commit hook or a CI run."


@register
class UnusedNoqa(Rule):
    code = "LL005"
    name = "unused-noqa"
    severity = "warning"
    summary = "A `# noqa` comment names a rule code that matches no rule, or suppresses nothing"
    what = """
Reports each layerlint code in a `# noqa: ...` or `# layerlint: noqa: ...` comment that names no
rule (`LL999`, a typo), or that names a rule which ran and found nothing there to suppress. Codes
of other tools (`E501`, `F401`) are left alone, and so are codes of rules that were not selected
for the run, since nothing is known about them. A bare `# noqa` is not judged. Works like ruff's
RUF100; `check --add-noqa` writes the comments this rule keeps tidy.
"""
    why = """
A suppression that suppresses nothing hides the next real finding on that line, and a misspelt
code suppresses nothing while looking as if it did.
"""
    invalid = ("""
import keras
from keras import layers
model = keras.Sequential([
    keras.Input((32, 100)),
    layers.Dense(300),  # noqa: LL299
    layers.Flatten(),
    layers.Dense(1),
])
""",)
    valid = ("""
import keras
from keras import layers
model = keras.Sequential([
    keras.Input((32, 100)),
    layers.Dense(300),  # noqa: LL201
    layers.Flatten(),
    layers.Dense(1),
])
""",)


@register
class AssumedImport(Rule):
    code = "LL010"
    name = "assumed-import"
    severity = "info"
    summary = "Keras names used without an import were read as Keras'"
    what = """
Reports, once per file, the Keras names the file uses but never imports or
binds (`Sequential`, `Dense`, `Conv2D`, `Model`, `Input`, a bare `keras.` or
`K.` prefix), as pasted snippets often do. layerlint reads each as Keras' name
and says which imports it assumed. A name the file binds anywhere, or any name
in a file with a star import from a non-Keras module, is never assumed.
"""
    why = """
Python stops at the first such name with a `NameError`, so the code cannot run
as written; the models are still checked as the author plainly meant them.
"""
    invalid = ("""
model = Sequential()
model.add(Dense(10, input_shape=(4,)))
""",)
    valid = ("""
from keras.models import Sequential
from keras.layers import Dense
model = Sequential()
model.add(Dense(10, input_shape=(4,)))
""",)
    def check_file(self, analysis: Any, ctx: Context) -> Iterator[Finding]:
        if analysis.assumed_imports is not None:
            message, span = analysis.assumed_imports
            yield Finding(span, message, fix="add these imports at the top of the file")


@register
class AnalysisIncomplete(Rule):
    code = "LL900"
    name = "analysis-incomplete"
    severity = "info"
    default_enabled = False
    summary = "Shape inference stopped here; later layers were not checked"
    what = """
Reports where shape inference stopped and why: a layer layerlint does not model
(a `Lambda` whose function it cannot follow, a custom layer, a pretrained application), an argument held in a
variable it could not follow, or a construct the extractor skipped. Off by
default; enable it with `--extend-select LL900` to see why a model got no findings.
"""
    why = """
Rules only judge what is known, so layers after this point are not checked.
This is not a problem in your model.
"""
    invalid = ("""
import keras
from keras import layers
from featlib import features
model = keras.Sequential([keras.Input((8,)), layers.Lambda(features), layers.Dense(3)])
""",)
    valid = ("""
import keras
from keras import layers
model = keras.Sequential([keras.Input((8,)), layers.Rescaling(2.0), layers.Dense(3)])
""",)

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        for row in model.layers:
            if row.status == "opaque" or (row.status == "unknown" and not (row.reason or "").startswith("input unknown")):
                why = row.reason or "its output could not be inferred"
                yield Finding(row.span, f"shapes unknown from `{row.name}` ({row.cls}): {why}")
        for note in model.model.notes:
            yield Finding(note.span, note.message)

    def check_file(self, analysis: Any, ctx: Context) -> Iterator[Finding]:
        for note in analysis.notes:
            yield Finding(note.span, note.message)
