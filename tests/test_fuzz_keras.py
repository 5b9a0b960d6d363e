"""Differential fuzzing: random models, layerlint's static engine against real Keras.

Each generated program (tests/model_strategies.py) is analysed statically
and then executed under Keras.  For every layer the two must agree on name,
class, output shape, weight shapes and trainable/non-trainable counts, or
both must reject the program at the same line.  ``--confirm``'s rebuild
(lint/confirm/compare.py) must reach the same verdict from the extracted model.

CI runs LAYERLINT_FUZZ_EXAMPLES examples (default 300, derandomised).  For
long local runs that keep going after a disagreement and group them:
    python -m tests.test_fuzz_keras --count 10000 --seed 1 --out /tmp/fuzz
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import traceback
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from layerlint.analyze import analyze_text

from tests.keras_fixtures import summary_rows
from tests.model_strategies import FUZZ_FILE, Program, RandomChooser, generate, programs
from tests.nonempty import nonempty

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
EXAMPLES = int(os.environ.get("LAYERLINT_FUZZ_EXAMPLES", "300"))


def load_keras() -> Any:
    try:
        import keras
    except ImportError:
        if os.environ.get("CI"):
            raise  # CI must run the fuzzer, never skip it
        pytest.skip("TensorFlow/Keras not installed")
    return keras


# -- Keras' side: execute the program -----------------------------------------------------


def _shapes(keras: Any, outputs: Any) -> list:
    return [tuple(None if d is None else int(d) for d in t.shape) for t in keras.tree.flatten(outputs)]


def _size(shape: Any) -> int:
    n = 1
    for d in shape:
        n *= int(d)
    return n


def keras_record(keras: Any, layer: Any) -> dict:
    nodes = layer._inbound_nodes
    return {
        "name": layer.name,
        "class": type(layer).__name__,
        "output": _shapes(keras, nodes[-1].outputs) if nodes else None,
        "weights": [tuple(int(d) for d in w.shape) for w in getattr(layer, "weights", [])],
        "trainable": sum(_size(w.shape) for w in getattr(layer, "trainable_weights", [])),
        "non_trainable": sum(_size(w.shape) for w in getattr(layer, "non_trainable_weights", [])),
    }


def run_in_keras(keras: Any, source: str) -> dict:
    """Execute a generated program: the failing line and message, or every layer's record."""
    keras.backend.clear_session(free_memory=False)  # auto names start from scratch, like a fresh script
    namespace: dict = {"__name__": "__fuzz__"}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(source, FUZZ_FILE, "exec"), namespace)
    except Exception as e:
        frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename == FUZZ_FILE]
        built = []
        model = namespace.get("model")
        if model is not None and hasattr(model, "_layers"):  # a Sequential refused at its last add()
            built = [keras_record(keras, layer) for layer in model.layers[:-1]]
        return {"error_line": frames[-1].lineno if frames else None,
                "error": f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"[:200],
                "layers": built}
    model = namespace["model"]
    # A functional model's summary rows are its operations: layers and the ops between them.
    return {"error_line": None, "layers": [keras_record(keras, layer) for layer in summary_rows(model)]}


# -- layerlint's side --------------------------------------------------------------------------


def _flat(out: Any) -> list | None:
    if out is None:
        return None
    return [tuple(s) for s in out] if isinstance(out, list) else [tuple(out)]


def static_records(source: str) -> tuple[list[dict], set[int] | None, set[int], str | None]:
    """Our rows, the lines of our errors (None: no error), every line of the model, and any problem.

    Keras stops at the first failing statement in source order, the engine
    walks the graph from the outputs, so when several layers fail the two may
    name different ones first: Keras' line must be one of ours.
    """
    fa = analyze_text(source, FUZZ_FILE)
    if fa.problems:
        return [], None, set(), f"analysis problem: {fa.problems}"
    if len(fa.models) != 1:
        return [], None, set(), f"expected 1 model, layerlint found {len(fa.models)}"
    sm = fa.models[0]
    rows = [{
        "name": r.name, "class": r.cls, "output": _flat(r.output), "status": r.status,
        "reason": r.reason or (r.error.message if r.error else None),
        "weights": [tuple(w.shape) for w in r.weights],
        "trainable": r.trainable_params, "non_trainable": r.non_trainable_params,
    } for r in sm.layers]
    errors: set[int] = set()
    lines: set[int] = set()
    for call in sm.calls:
        here = {call.row.span.line} | ({call.node.span.line} if call.node is not None else set())
        lines |= here
        # A Keras 1/2 spelling Keras 3 rejects is reported (LL501) and shaped with the old meaning.
        if call.error is not None or any(u.keras3_rejects for u in getattr(call.row.source, "legacy", ())):
            errors |= here
    return rows, errors or None, lines, None


KEYS = ("name", "class", "output", "weights", "trainable", "non_trainable")


def compare(keras: Any, program: Program) -> list[str]:
    """Every disagreement between layerlint and Keras on one program (empty: they agree)."""
    source = program.source
    truth = run_in_keras(keras, source)
    ours, error_lines, model_lines, problem = static_records(source)
    if problem:
        return [problem]
    problems = []
    if truth["error_line"] is not None and truth["error_line"] not in model_lines | {1, 2}:
        return []  # Keras failed on a statement outside the model (a dead branch): nothing to compare
    if truth["error_line"] is not None:
        if error_lines is None:
            bad = [r for r in ours if r["status"] != "ok"]
            why = f"; layerlint: {bad[0]['name']} {bad[0]['status']}: {bad[0]['reason']}" if bad else ""
            problems.append(f"Keras rejects line {truth['error_line']} ({truth['error']}) but layerlint does not{why}")
        elif truth["error_line"] not in error_lines:
            problems.append(f"Keras rejects line {truth['error_line']} ({truth['error']}), layerlint lines {sorted(error_lines)}")
    elif error_lines is not None:
        problems.append(f"layerlint rejects line(s) {sorted(error_lines)} but Keras builds the model")
    else:
        for r in ours:
            if r["status"] != "ok":
                problems.append(f"{r['name']}: layerlint {r['status']} ({r['reason']}) but Keras builds it")
        if len(ours) != len(truth["layers"]):
            problems.append(f"Keras has {len(truth['layers'])} layers, layerlint {len(ours)}: "
                            f"{[t['name'] for t in truth['layers']]} vs {[r['name'] for r in ours]}")
    for t, r in zip(truth["layers"], ours):
        if r["status"] != "ok":
            continue
        diff = {k: (t[k], r[k]) for k in KEYS if t[k] != r[k]}
        if diff:
            problems.append(f"{r['name']}: " + "; ".join(f"{k}: keras {a} layerlint {b}" for k, (a, b) in diff.items()))
    if not problems:
        problems += confirm_problems(source)
    return problems


def confirm_problems(source: str) -> list[str]:
    """``--confirm`` rebuilds the extracted model itself; it must agree too."""
    from layerlint.confirm.compare import confirm_models

    fa = analyze_text(source, FUZZ_FILE)
    out = []
    for result in confirm_models(fa.models):
        # --confirm checked that Keras 3 rejects the old spelling, as LL501 says
        legacy_checked = result.reason is not None and "API that Keras 3 rejects (" in result.reason
        if not result.confirmed and not legacy_checked:
            out.append(f"--confirm: {result.render()}")
    return out


@pytest.fixture(scope="module")
def keras_module() -> Any:
    return load_keras()


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(program=programs())
def test_static_engine_equals_keras(keras_module: Any, program: Program) -> None:
    problems = compare(keras_module, program)
    assert not problems, "\n".join(problems) + "\n\n" + program.source


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# Disagreements the fuzzer found, kept as programs: runnable models (also
# summary fixtures) and programs Keras refuses (which cannot be).
FUZZ_FINDS = nonempty(sorted(FIXTURES.glob("models/fuzz_*.py")) + sorted(FIXTURES.glob("fuzz_rejects/*.py")), "fuzz finds")


@pytest.mark.parametrize("path", FUZZ_FINDS, ids=[p.name for p in FUZZ_FINDS])
def test_fuzz_finds_agree(keras_module: Any, path: Path) -> None:
    """The fuzzer's full comparison (names, error lines, --confirm) on every kept find."""
    source = path.read_text()
    refused = run_in_keras(keras_module, source)["error_line"] is not None
    assert refused == (path.parent.name == "fuzz_rejects"), "fuzz_rejects/ holds exactly the programs Keras refuses"
    problems = compare(keras_module, Program("functional", source.splitlines()))
    assert not problems, "\n".join(problems)


def test_generator_covers_the_catalogue() -> None:
    """The strategy reaches most supported layer families, so the fuzzer tests them."""
    seen: Counter = Counter()
    for seed in range(300):
        src = generate(RandomChooser(seed)).source
        for family in ("Conv2D", "LSTM", "Bidirectional", "Dense", "Concatenate", "MultiHeadAttention",
                       "MaxPooling1D", "Reshape", "BatchNormalization", "Conv3D", "TimeDistributed", "Lambda"):
            if f"layers.{family}(" in src:
                seen[family] += 1
    missing = [f for f in ("Conv2D", "LSTM", "Bidirectional", "Dense", "Concatenate", "MaxPooling1D",
                           "Reshape", "BatchNormalization", "TimeDistributed", "Lambda") if not seen[f]]
    assert not missing, f"never generated: {missing}"


def test_generator_makes_tensor_ops() -> None:
    """Operators, indexing and keras.ops calls between layers are generated too."""
    sources = [generate(RandomChooser(seed)).source for seed in range(300)]
    for needle in (" + ", " * ", "[:, ", "[..., None]", "ops.mean(", "ops.reshape(", "ops.concatenate(",
                   "keras.activations.", "abs(", "ops.matmul("):
        assert any(needle in src for src in sources), f"never generated: {needle!r}"


# -- long local runs -------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, help="write each disagreeing program here")
    args = ap.parse_args(argv)
    import keras

    kinds: Counter = Counter()
    failures = 0
    start = time.perf_counter()
    for i in range(args.seed, args.seed + args.count):
        program = generate(RandomChooser(i))
        try:
            problems = compare(keras, program)
        except Exception as e:  # a crash in our own code is a finding too
            problems = [f"crash: {type(e).__name__}: {e}"]
        if problems:
            failures += 1
            kinds[re.sub(r"\d+", "N", problems[0])[:110]] += 1
            if args.out:
                args.out.mkdir(parents=True, exist_ok=True)
                (args.out / f"case{i}.py").write_text(program.source + "\n# " + "\n# ".join(problems) + "\n")
    elapsed = time.perf_counter() - start
    print(f"{args.count} programs, {failures} disagreements, {elapsed:.1f}s ({elapsed / args.count * 1000:.0f} ms each)")
    for kind, n in kinds.most_common(40):
        print(f"{n:6d}  {kind}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
