"""LL950: what ``--confirm`` found when it rebuilt a model in the installed Keras.

The rebuilding and comparing happen in layerlint.confirm.compare before the rules run
(only with ``--confirm``); this rule turns each difference into a finding at
the layer where layerlint and Keras part ways.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from layerlint.rules.base import Context, Finding, Rule, register


@register
class KerasDisagrees(Rule):
    code = "LL950"
    name = "keras-disagrees"
    severity = "warning"
    summary = "With --confirm: the installed Keras builds this layer differently from layerlint's analysis"
    what = """
With `layerlint check --confirm`, every model whose configuration is fully known
is rebuilt in the installed Keras from its layer classes and literal arguments
(your file is never imported or run) and compared layer by layer. This rule
reports each layer where the two differ: output shape, weight shapes, parameter
counts, or one side refusing a layer the other builds. Without `--confirm` it
reports nothing. Use `--assume NAME=VALUE` to give values to symbols (for
example `--assume nClasses=10`) so that models built from unknown values can be
confirmed too.
"""
    why = """
Either layerlint's model of a layer is wrong (please report it with the file),
or your Keras version behaves differently from the one layerlint models; in
both cases the other findings for this model may not match what Keras does.
"""

    def check_file(self, analysis: Any, ctx: Context) -> Iterator[Finding]:
        for result in getattr(analysis, "confirmations", None) or []:
            for diff in result.differences:
                yield Finding(diff.span, f"Keras {result.keras_version} disagrees: {diff.message}",
                              extra={"layer": diff.layer, "what": diff.what, "layerlint": diff.ours, "keras": diff.keras})
