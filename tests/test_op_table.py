"""Every op row of tests/op_cases: layerlint's summary must equal what real Keras recorded
(operation names, classes and output shapes, or a refusal where Keras refuses)."""

from __future__ import annotations

import pytest
from layerlint.analyze import analyze_text

from tests.op_cases import all_rows, case_id, load_truth, program

ROWS = all_rows()
TRUTH = load_truth()


def _shapes(out) -> list | None:
    if out is None:
        return None
    outs = out if isinstance(out, list) else [out]
    return [list(s) for s in outs]


def our_rows(source: str) -> tuple[list, list]:
    fa = analyze_text(source, "op_case.py")
    assert not fa.problems, fa.problems
    assert len(fa.models) == 1
    sm = fa.models[0]
    rows = [[r.name, r.cls, _shapes(r.output)] for r in sm.layers]
    bad = [(r.name, r.status, r.reason or (r.error.message if r.error else None)) for r in sm.layers if r.status != "ok"]
    return rows, bad


@pytest.mark.parametrize("row", ROWS, ids=[case_id(c, w) for _, c, w in ROWS])
def test_op_matches_keras(row) -> None:
    _, case, where = row
    expected = TRUTH.get(case_id(case, where))
    assert expected is not None, "row missing from the truth files: run python tests/op_truth.py"
    rows, bad = our_rows(program(case, where))
    if "error" in expected:
        assert any(status == "error" for _, status, _ in bad), f"Keras refuses ({expected['error']}); we: {rows} {bad}"
        return
    assert not bad, f"not followed: {bad}"
    assert rows == expected["rows"]
