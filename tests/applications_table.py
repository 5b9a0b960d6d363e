"""Generate the keras.applications table from real Keras (needs TensorFlow).

    python tests/applications_table.py              # rebuild every constructor, check, write the table
    python tests/applications_table.py NAME ...     # only these constructors (others kept as stored)
    python tests/applications_table.py --check      # rebuild and compare with the stored table, write nothing

Every backbone is built with ``weights=None`` (nothing is downloaded): at its
default input size, at an odd size whose halvings all stay odd, at a
non-square size, and with its classifier top (``classes=17``).  The first
build is recorded layer by layer (what each layer does to height and width,
which layers feed it, its channels and weights); the other builds check that
the recorded graph, walked by ``layerlint.engine.applications``, predicts
Keras' output shapes, names and weights at those sizes.  Any disagreement is
printed and the exit status is 1.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TABLE = ROOT / "lint" / "engine" / "applications" / "table.json"
CLASSES = 17  # an unusual count, so the classifier's dims are recognisable in the weight shapes

# Widths with published weights; any alpha builds, these are the ones people use.
VARIANTS: dict[str, list[dict]] = {
    "MobileNet": [{"alpha": a} for a in (0.25, 0.5, 0.75, 1.0)],
    "MobileNetV2": [{"alpha": a} for a in (0.35, 0.5, 0.75, 1.0, 1.3, 1.4)],
    "MobileNetV3Small": [{"alpha": 0.75}, {"alpha": 1.0}, {"alpha": 1.0, "minimalistic": True}],
    "MobileNetV3Large": [{"alpha": 0.75}, {"alpha": 1.0}, {"alpha": 1.0, "minimalistic": True}],
}
# Generated first: the backbones public Keras examples use most (a long run is useful early).
FIRST = {"ResNet50V2", "VGG19", "InceptionV3", "Xception", "ResNet50", "MobileNetV2", "EfficientNetB0",
         "DenseNet121", "MobileNet", "VGG16"}
# MobileNetV3 checks its input itself instead of through obtain_input_shape.
OWN_INPUT_CHECK = {"MobileNetV3Small": (224, 32), "MobileNetV3Large": (224, 32)}


def constructors() -> list[str]:
    import keras

    return sorted(n for n in dir(keras.applications) if n[:1].isupper())


def _recording_obtain_input_shape(seen: dict):
    from keras.src.applications import imagenet_utils

    original = imagenet_utils.obtain_input_shape

    def wrapper(input_shape, default_size, min_size, data_format, require_flatten, weights=None):
        seen.setdefault("default_size", default_size)
        seen.setdefault("min_size", min_size)
        return original(input_shape, default_size, min_size, data_format, require_flatten, weights)

    return imagenet_utils, original, wrapper


def build(ctor: str, kwargs: dict, seen: dict | None = None):
    import keras
    from layerlint.confirm.rebuild import no_allocation

    seen = {} if seen is None else seen
    module, original, wrapper = _recording_obtain_input_shape(seen)
    module.obtain_input_shape = wrapper
    try:
        with no_allocation(keras):  # only shapes are recorded: no weight is ever initialised
            return getattr(keras.applications, ctor)(weights=None, **kwargs)
    finally:
        module.obtain_input_shape = original


def _op(layer) -> list | None:
    cls = type(layer).__name__
    if cls in ("Conv2D", "DepthwiseConv2D", "SeparableConv2D"):
        return ["w", *layer.kernel_size, *layer.strides, layer.padding, *layer.dilation_rate]
    if cls in ("MaxPooling2D", "AveragePooling2D"):
        return ["w", *layer.pool_size, *layer.strides, layer.padding, 1, 1]
    if cls == "ZeroPadding2D":
        (t, b), (left, r) = layer.padding
        return ["pad", t, b, left, r]
    if cls == "Cropping2D":
        (t, b), (left, r) = layer.cropping
        return ["crop", t, b, left, r]
    if cls in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
        return ["gpk"] if layer.keepdims else ["gp"]
    if cls == "Reshape":
        return ["reshape", *layer.target_shape[:-1]]
    if cls == "Flatten":
        return ["flat"]
    if cls == "Sequential":
        inner = [op for op in (_op(sub) for sub in layer.layers) if op is not None]
        return ["seq", *inner] if inner else None
    return None


def _shape(s) -> list:
    return [None if d is None else int(d) for d in s]


def _graph(model) -> list[list]:
    """[name, class, inbound indices, spatial op, output shape, weight count] per operation, inputs first."""
    ops = list(model.operations)
    index = {id(op): i for i, op in enumerate(ops)}
    rows = []
    for op in ops:
        nodes = op._inbound_nodes
        assert len(nodes) == 1, f"{op.name} is called {len(nodes)} times"
        inbound = [index[id(t._keras_history.operation)] for t in nodes[0].input_tensors]
        assert all(i < len(rows) for i in inbound), f"{op.name}: operations are not in graph order"
        rows.append([op.name, type(op).__name__, inbound, None if not inbound else _op(op), _shape(op.output.shape),
                     len(getattr(op, "weights", ()))])
    flat = [w for op in ops for w in getattr(op, "weights", ())]
    assert [id(w) for w in flat] == [id(w) for w in model.weights], "weights are not in operation order"
    return rows


def _weights(model) -> list[list]:
    return [[*_shape(w.shape), int(w.trainable)] for w in model.weights]


def _correct_pad_ops(graph: list[list], others: list[list[list]]) -> None:
    """Mark the paddings that follow Keras' correct_pad: they change with their input's parity.

    A padding counts as correct_pad when it equals correct_pad's choice in every build and some
    build gave it an odd size (where correct_pad differs from a fixed padding); one that only
    ever saw even sizes stays fixed, with a warning, and the size checks decide."""
    from layerlint.engine.applications.spatial import _correct_pad

    for i, row in enumerate(graph):
        if row[1] != "ZeroPadding2D":
            continue
        follows, saw_odd = True, False
        for g in [graph, *others]:
            r = g[i]
            _, t, bot, left, right = r[3]
            ins = g[r[2][0]][4]
            follows = follows and _correct_pad(ins[1], bot) == (t, bot) and _correct_pad(ins[2], right) == (left, right)
            saw_odd = saw_odd or ins[1] % 2 == 1 or ins[2] % 2 == 1
        if follows and saw_odd:
            row[3] = ["cpad", row[3][2], row[3][4]]
        elif follows and (row[3][1], row[3][3]) != (row[3][2], row[3][4]):
            print(f"warning: {row[0]} saw only even sizes; recorded as a fixed padding", flush=True)


def _tail(graph: list[list], weights: list[list], backbone: list[list], backbone_weights: list[list],
          flat: int) -> dict:
    """How a top or a pooling changes the backbone: the operations kept, and those added after them."""
    keep = 0
    while keep < min(len(graph), len(backbone)) and graph[keep][:3] == backbone[keep][:3]:
        keep += 1
    kept_weights = sum(r[5] for r in backbone[:keep])
    assert weights[:kept_weights] == backbone_weights[:kept_weights], "the kept backbone weights differ"

    def mark(v):
        return "classes" if v == CLASSES else v

    rows = []
    for r in graph[keep:]:
        op = r[3]
        if op and op[0] == "reshape":
            op = [op[0], *(mark(d) for d in op[1:])]
        rows.append([r[0], r[1], r[2], op, [mark(d) for d in r[4]], r[5]])
    added = [[mark(d) if d != flat else "flat" for d in w[:-1]] + [w[-1]] for w in weights[kept_weights:]]
    return {"keep": keep, "layers": rows, "weights": added}


def _name_rule(name: str, size: int, alpha) -> str:
    if alpha is not None and f"{alpha:0.2f}_{size}" in name:
        return name.replace(f"{alpha:0.2f}_{size}", "{alpha:0.2f}_{rows}")
    return name


def sizes_for(default: int, minimum: int) -> tuple[int, tuple[int, int]]:
    """An odd size whose repeated halvings stay odd (2**k + 1), and a non-square one."""
    odd = 2 ** max(5, (minimum - 1).bit_length()) + 1
    return odd, (default // 2 + 8, default // 2 + 24)


def record(ctor: str, variant: dict) -> tuple[dict, list[str]]:
    """One table entry, and the disagreements the check builds found."""
    import keras
    from layerlint.engine.applications.predict import predict
    from layerlint.engine.layers.base import Unanalysable

    seen: dict = {}
    own = OWN_INPUT_CHECK.get(ctor)
    # Keras numbers layer names per process: a model built earlier in the same process (another
    # test) would otherwise rename this one's input layer and fake a disagreement.
    keras.backend.clear_session()
    first = build(ctor, {**variant, "include_top": False}, seen)
    keras.backend.clear_session()
    default, minimum = own or (seen["default_size"], seen["min_size"])
    odd, (h2, w2) = sizes_for(default, minimum)
    base = build(ctor, {**variant, "include_top": False, "input_shape": (default, default, 3)})
    graph = _graph(base)
    notop_weights = _weights(base)
    out = base.outputs[0]
    flat = 1
    for d in out.shape[1:]:
        flat *= int(d)
    keras.backend.clear_session()
    odd_model = build(ctor, {**variant, "include_top": False, "input_shape": (odd, odd, 3), "pooling": "avg"})
    odd_graph = _graph(odd_model)
    keras.backend.clear_session()
    wide = build(ctor, {**variant, "include_top": False, "input_shape": (h2, w2, 3), "pooling": "max"})
    wide_graph = _graph(wide)
    _correct_pad_ops(graph, [odd_graph, wide_graph])
    keras.backend.clear_session()
    top = build(ctor, {**variant, "include_top": True, "classes": CLASSES, "classifier_activation": None,
                       "input_shape": (default, default, 3)})
    out_index = next(i for i, r in enumerate(graph) if r[0] == out._keras_history.operation.name)
    assert out_index == len(graph) - 1, "the backbone's output is not its last operation"
    import inspect

    entry = {
        "ctor": ctor, "variant": variant, "module": getattr(keras.applications, ctor).__module__.rsplit(".", 1)[-1],
        "params": list(inspect.signature(getattr(keras.applications, ctor)).parameters), "default_size": default, "min_size": minimum,
        "input_check": "own" if own else "obtain_input_shape",
        "none_size_name": first.name,
        "name": _name_rule(base.name, default, variant.get("alpha")),
        "top_name": _name_rule(top.name, default, variant.get("alpha")),
        "layers": graph, "weights": notop_weights,
        "top": _tail(_graph(top), _weights(top), graph, notop_weights, flat),
        "avg": _tail(odd_graph, _weights(odd_model), graph, notop_weights, flat),
        "max": _tail(wide_graph, _weights(wide), graph, notop_weights, flat),
    }
    if None not in first.inputs[0].shape[1:3]:  # NASNetMobile picks 224x224 itself without an input_shape
        entry["notop_input"] = _shape(first.inputs[0].shape)[1:3]
    problems: list[str] = []
    checks = [
        ({"include_top": False}, first),
        ({"include_top": False, "input_shape": (odd, odd, 3), "pooling": "avg"}, odd_model),
        ({"include_top": False, "input_shape": (h2, w2, 3), "pooling": "max"}, wide),
        ({"include_top": True, "classes": CLASSES, "input_shape": (default, default, 3)}, top),
        ({"include_top": False, "input_shape": (default, default, 3)}, base),
    ]
    elsewhere: list[str] = []  # disagreements at sizes other than the default
    for kwargs, model in checks:
        ours = predict(entry, {**variant, **kwargs, "weights": None})
        theirs = {"name": model.name, "output": _shape(model.outputs[0].shape), "weights": _weights(model),
                  "layers": [[r[0], r[1], r[4]] for r in _graph(model)]}
        at_default = kwargs.get("input_shape") == (default, default, 3)
        for key in theirs:
            if ours.get(key) != theirs[key]:
                (problems if at_default else elsewhere).append(
                    f"{ctor} {variant} {kwargs}: {key}: keras {str(theirs[key])[:300]} table {str(ours.get(key))[:300]}")
    if elsewhere:
        # Some backbones (NASNet) build other layers for other sizes: the table then holds the
        # default size only, and any other size is unknown rather than wrong.
        entry["default_size_only"] = True
        for p in elsewhere:
            print("other layers at another size:", p, flush=True)
        for kwargs, _ in checks:
            if kwargs.get("input_shape") != (default, default, 3):
                try:
                    predict(entry, {**variant, **kwargs, "weights": None})
                    problems.append(f"{ctor} {variant} {kwargs}: predicted although the table holds the default size only")
                except Unanalysable:
                    pass
    keras.backend.clear_session()
    return entry, problems


def preprocess_ops() -> dict[str, list]:
    """The operations each module's preprocess_input records on a symbolic image batch."""
    import keras

    out = {}
    for module in sorted(n for n in dir(keras.applications) if n[:1].islower() and n != "imagenet_utils"):
        fn = getattr(getattr(keras.applications, module), "preprocess_input", None)
        if fn is None:
            continue
        inp = keras.Input((8, 6, 3))
        model = keras.Model(inp, fn(inp))
        rows = _graph(model)[1:]
        for r in rows:  # inbound counted without the input; shapes as what they keep of the input's
            r[2] = [i - 1 for i in r[2]]
            r[4] = "same" if r[4] == [None, 8, 6, 3] else "drop_last" if r[4] == [None, 8, 6] else r[4]
            del r[5]
            del r[3]
            del r[0]
        out[module] = rows
        keras.backend.clear_session()
    return out


def _write(table: dict) -> None:
    tmp = TABLE.with_suffix(".tmp")  # replaced in one step: a reader never sees half a table
    tmp.write_text(json.dumps(table, separators=(",", ":")) + "\n")
    tmp.replace(TABLE)


def main(argv: list[str]) -> int:
    import keras

    check = "--check" in argv
    only = [a for a in argv if not a.startswith("--")]
    stored = json.loads(TABLE.read_text()) if TABLE.exists() else {"applications": {}}
    table = {"keras_version": keras.__version__, "applications": dict(stored.get("applications", {})),
             "preprocess": preprocess_ops()}
    bad = 0
    t0 = time.time()
    for ctor in sorted(constructors(), key=lambda c: (c not in FIRST, c)):
        if only and ctor not in only:
            continue
        entries = []
        for variant in VARIANTS.get(ctor, [{}]):
            try:
                entry, problems = record(ctor, variant)
            except Exception as e:  # a construction we cannot record is a disagreement, not a stop
                entry, problems = None, [f"{ctor} {variant}: {type(e).__name__}: {e}"]
                keras.backend.clear_session()
            if entry is not None:
                entries.append(entry)
            for p in problems:
                print("differs:", p)
            bad += len(problems)
            print(f"{ctor} {variant}: {'ok' if not problems else f'{len(problems)} differ'} ({time.time() - t0:.0f}s)",
                  flush=True)
        if check and stored["applications"].get(ctor) != entries:
            print(f"differs: stored table entry for {ctor}")
            bad += 1
        table["applications"][ctor] = entries
        if not check:  # after each constructor: a long run's finished part is kept
            _write(table)
    if check:
        if stored.get("preprocess") != table["preprocess"]:
            print("differs: stored preprocess_input operations")
            bad += 1
    else:
        _write(table)
        print(f"wrote {TABLE.relative_to(ROOT)} ({TABLE.stat().st_size // 1024} KB)")
    print(f"{bad} disagreement(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
