"""The interpreter's probes of ``x.shape`` shape a graph for its outputs only (rows unnamed,
weights no output depends on left out): they must give the outputs a full run gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from layerlint.engine.shapes import shape_model
from layerlint.extract.interp import extract_module
from layerlint.extract.parse import parse_module

FIXTURES = sorted((Path(__file__).parent.parent / "fixtures" / "models").glob("*.py"))


def _outputs(sm) -> list:
    calls = [(id(c.node), c.output) for c in sm.calls]
    nested = [_outputs(r.submodel) for r in sm.layers if r.submodel is not None]
    return [sm.outputs, sm.input_shapes, calls, nested]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_an_outputs_only_run_gives_the_outputs_of_a_full_run(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    result = extract_module(parse_module(text), str(path), text)
    for m in result.models:
        full, probe = shape_model(m), shape_model(m, outputs_only=True)
        assert _outputs(probe) == _outputs(full)
