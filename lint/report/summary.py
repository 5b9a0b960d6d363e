"""Rendering shaped models: the summary table, --explain, and the JSON document."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from layerlint.analyze import FileAnalysis
from layerlint.engine.layers.base import LayerArg
from layerlint.engine.shapes import BUILT_AT_INIT, ShapedLayer, ShapedModel, explain_params
from layerlint.engine.summary_shape import MULTIPLE
from layerlint.engine.symbolic import Dim, Expr, shape_str, to_json_dim
from layerlint.report.color import Palette
from layerlint.sources.notebook import json_place, line_teller

if TYPE_CHECKING:
    from layerlint.sources.notebook import NotebookSource

JSON_VERSION = 1


# -- where things are: a line of a file, or a cell and line of a notebook ----


def place(notebook: NotebookSource | None, line: int) -> str:
    """A line as its reader finds it: ``12``, or ``cell 4:2`` in a notebook."""
    if notebook is None:
        return str(line)
    cell, in_cell = notebook.locate(line)
    return f"cell {cell}:{in_cell}"


def problem_line(fa: FileAnalysis, code: str, message: str, span: Any, color: bool = False) -> str:
    """A file's analysis problem as ``check`` prints a finding: ``path:line:col: LL001 message``."""
    palette = Palette(color)
    where = f"{place(fa.notebook, span.line)}:{span.col + 1}"
    return f"{palette.path(fa.path)}:{where}: {palette.code(code, 'error')} {line_teller(fa.notebook, code)(message)}"




def model_totals(sm: ShapedModel) -> tuple[Dim, Dim, Dim]:
    """Total, trainable and non-trainable params; None for each when layers could not be analysed
    and those that could hold no weights: a partial sum of 0 is no count Keras would print.  (An
    unbuilt layer's 0 is Keras' own.)"""
    total = sm.total_params
    if isinstance(total, int) and total == 0 and _rows_uncounted(sm):
        return None, None, None
    return total, sm.trainable_params, sm.non_trainable_params


def _rows_uncounted(sm: ShapedModel) -> bool:
    """Whether a row's weights are missing from the totals: not analysed, and none of its own known."""
    return any(r.status not in ("ok", "unbuilt") and not r.weights for r in sm.layers)


def fmt_count(d: Dim) -> str:
    if d is None:
        return "?"
    return f"{d:,}" if isinstance(d, int) else str(d)


def readable_size(n_bytes: float) -> str:
    """Keras' size string: base-1024 units with two decimals."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n_bytes / 1024 < 1:
            return f"{n_bytes:.2f} {unit}"
        n_bytes /= 1024
    return f"{n_bytes:.2f} PB"


def count_line(label: str, d: Dim, wide_bytes: int = 0) -> str:
    """``wide_bytes``: what weights wider than float32 add to 4 bytes per parameter."""
    if isinstance(d, int):
        return f"{label}: {d:,} ({readable_size(d * 4 + wide_bytes)})"
    return f"{label}: {fmt_count(d)}"


def output_str(out: Any) -> str:
    if out is None:
        return "?"
    if isinstance(out, list):
        return "[" + ", ".join(output_str(o) for o in out) + "]"
    return shape_str(out)


def output_text(row: ShapedLayer, keras_version: int = 3) -> str:
    """The Output Shape column: tf-keras 2 prints an input layer's as a list of its one shape; a layer
    called in other models too, what Keras prints for it there (engine/summary_shape.py)."""
    if keras_version == 2 and row.is_input and isinstance(row.output, tuple):
        return f"[{shape_str(row.output)}]"
    if row.shown is not None:
        return row.shown.output if row.shown.output == MULTIPLE else output_str(row.shown.output)
    return output_str(row.output)


def _json_output(row: ShapedLayer) -> Any:
    if row.shown is not None:
        return row.shown.output if row.shown.output == MULTIPLE else _json_shape(row.shown.output)
    return _json_shape(row.output)


def _row_label(row: ShapedLayer) -> str:
    return f"{row.name} ({row.cls})"


def _row_status(row: ShapedLayer, keras_version: int = 3) -> str | None:
    if row.status == "error" and row.error is not None:
        return f"error: {row.error.message}"
    if row.status == "opaque":
        return f"not analysed: {row.reason}"
    if row.status == "unknown":
        return f"unknown: {row.reason}"
    if getattr(row.source, "as_written", None) is not None and keras_version == 2:
        rejected = [u for u in row.source.legacy if not u.keras2_accepts]
        if rejected:
            return (f"Keras 1 API ({', '.join(u.written for u in rejected)}): tf-keras 2 rejects it; "
                    "shaped as Keras 1 read it (LL501)")
    elif getattr(row.source, "as_written", None) is not None:
        legacy = row.source.legacy
        version = min(u.version for u in legacy)
        verdict = "Keras 3 rejects it" if any(u.keras3_rejects for u in legacy) else "Keras 3 ignores it"
        return (f"Keras {version} API ({', '.join(u.written for u in legacy)}): {verdict}; "
                f"shaped as Keras {version} read it (LL501)")
    if row.status == "unbuilt" and row.cls not in BUILT_AT_INIT:
        return f"unbuilt: {row.reason}"
    if row.shown is not None:
        return f"unknown: {row.shown.reason}" if row.shown.reason else row.shown.note
    return None


def model_title(path: str, sm: ShapedModel, notebook: NotebookSource | None = None) -> str:
    m = sm.model
    where = f"{path}:{place(notebook, m.span.home()[0])}"
    if m.span.path is not None:
        where += f" (built at {m.span.where()})"
    ctx = f" [{line_teller(notebook)(m.context)}]" if m.context else ""
    return f'Model: "{sm.name}" ({m.api}) at {where}{ctx}'


def render_summary(sm: ShapedModel, path: str, explain: bool = False, notebook: NotebookSource | None = None,
                   color: bool = False, keras_version: int = 3) -> str:
    rows = []
    for row in sm.layers:
        params = "" if row.is_input and row.params == 0 else fmt_count(
            row.params if row.status in ("ok",) or row.weights or row.params_known else None)
        if row.is_input:
            params = "0"
        if row.status == "unbuilt":
            params = "0" if row.cls in BUILT_AT_INIT else "0 (unbuilt)"
        line = place(notebook, row.span.line).removeprefix("cell ") if row.span.path is None else \
            f"{Path(row.span.path).name}:{row.span.line}"
        rows.append((_row_label(row), output_text(row, keras_version), params, line, row))
    w1 = max([len("Layer (type)")] + [len(r[0]) for r in rows])
    w2 = max([len("Output Shape")] + [len(r[1]) for r in rows])
    w3 = max([len("Param #")] + [len(r[2]) for r in rows])
    line_head = "Line" if notebook is None else "Cell:Line"
    w4 = max([len(line_head)] + [len(r[3]) for r in rows])
    sep = "-" * (w1 + w2 + w3 + w4 + 10)
    palette = Palette(color)
    tell = line_teller(notebook)
    out = [palette.path(model_title(path, sm, notebook)), sep,
           f"{'Layer (type)':<{w1}}  {'Output Shape':<{w2}}  {'Param #':>{w3}}  {line_head:>{w4}}", "=" * len(sep)]
    for label, shape, params, line, row in rows:
        out.append(f"{label:<{w1}}  {shape:<{w2}}  {params:>{w3}}  {line:>{w4}}")
        status = _row_status(row, keras_version)
        if status:
            status = tell(status)
            out.append(f"    {palette.code(status, 'error') if row.status == 'error' else status}")
        if explain:
            for note in _explain_lines(row):
                out.append(f"    {tell(note)}")
    out.append("=" * len(sep))
    wide = sm.wide_bytes
    total, trainable, non_trainable = model_totals(sm)
    out.append(count_line("Total params", total, wide))
    out.append(count_line("Trainable params", trainable))
    out.append(count_line("Non-trainable params", non_trainable, wide))
    if sm.own_weights:
        # Keras counts them in the totals above but shows them in no row
        own = ", ".join(f"{w.name} {shape_str(w.shape)}" + ("" if w.trainable else " non-trainable") for w in sm.own_weights)
        out.append(f"Including the model's own weights (add_weight, no row): {own}")
    if total is None:
        out.append("Totals unknown: the layers that could be analysed hold no weights.")
    elif not sm.complete:
        out.append("Totals cover only the layers that could be analysed." if _rows_uncounted(sm) else "")
        out = [o for o in out if o != ""]
    for note in sm.model.notes:
        at = f"line {note.span.line}" if notebook is None else place(notebook, note.span.line).replace(":", ", line ")
        out.append(f"note ({at}): {tell(note.message)}")
    out.append(sep)
    return "\n".join(out)


def _explain_lines(row: ShapedLayer) -> list[str]:
    if row.is_input or row.status != "ok":
        return []
    lines = []
    head = f"{call_text(row)} on {shape_in(row)}"
    body = "; ".join(row.notes)
    p = explain_params(row)
    if p:
        body = f"{body}; {p}" if body else p
    elif not body:
        body = "no weights"
    lines.append(f"{head}: {body}")
    return lines


# (tf_static_shape, tf_set_shape: the shape keras2_programs works out for a tf-keras call, not its argument)
_QUIET_KWARGS = {"name", "dtype", "trainable", "input_shape", "batch_input_shape", "input_dim", "batch_size", "activation",
                 "tf_static_shape", "tf_set_shape"}


def _arg_text(v: Any) -> str:
    if isinstance(v, str):
        return repr(v)
    if isinstance(v, tuple):
        return "(" + ", ".join(_arg_text(x) for x in v) + ("," if len(v) == 1 else "") + ")"
    if isinstance(v, (int, float, bool)) or v is None:
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_arg_text(x) for x in v) + "]"
    if isinstance(v, slice):  # x[:, :8] as written, not Python's slice(None, 8, None)
        parts = ["" if p is None else _arg_text(p) for p in (v.start, v.stop)]
        return ":".join(parts) + ("" if v.step is None else f":{_arg_text(v.step)}")
    if isinstance(v, LayerArg):  # Bidirectional(LSTM(8)): the inner layer by its class
        return f"{v.cls}(...)"
    if not isinstance(v, Expr):
        # tensors, functions, graph values: their repr is ours, not the user's text (and may be huge)
        return "..."
    text = str(v)
    return text if len(text) < 40 else "..."


def call_text(row: ShapedLayer) -> str:
    """The constructor as written, without noise: ``Conv1D(7, 40)``, ``MaxPooling1D(pool_size=3)``."""
    src = row.source
    args = [_arg_text(a) for a in getattr(src, "args", ())]
    for k, v in getattr(src, "kwargs", {}).items():
        if k in _QUIET_KWARGS or k.endswith(("_initializer", "_regularizer", "_constraint")):
            continue
        args.append(f"{k}={_arg_text(v)}")
    return f"{row.cls}({', '.join(args)})"


def shape_in(row: ShapedLayer) -> str:
    if not row.calls:
        return "?"
    ins = row.calls[0].inputs
    if len(ins) == 1:
        return output_str(ins[0])
    return "[" + ", ".join(output_str(s) for s in ins) + "]"


def render_file(fa: FileAnalysis, explain: bool = False, color: bool = False) -> str:
    parts = [render_summary(sm, fa.path, explain, fa.notebook, color, fa.keras_version) for sm in fa.models]
    # With --confirm (lint/confirm/compare.py), each model's verdict from Keras follows its table.
    for i, result in enumerate(getattr(fa, "confirmations", None) or []):
        parts[i] += "\n" + result.render()
    for m in fa.subclassed:
        parts.append(f'Model: "{m.name}" (subclassed) at {fa.path}:{place(fa.notebook, m.span.line)}: not analysed: '
                     "layers built in call() are not followed")
    return "\n\n".join(parts)


# -- JSON ----------------------------------------------------------------


def _json_count(d: Dim) -> int | str | None:
    return to_json_dim(d)


def _json_shape(out: Any) -> Any:
    if out is None:
        return None
    if isinstance(out, list):
        return [_json_shape(o) for o in out]
    return [to_json_dim(d) for d in out]


def layer_json(row: ShapedLayer, notebook: NotebookSource | None = None) -> dict:
    err = None
    if row.error is not None:
        err = row.error.message
    elif row.status in ("opaque", "unknown"):
        err = None
    where = json_place(notebook, row.span.line) if row.span.path is None else \
        {"file": row.span.path, "line": row.span.line}
    tell = line_teller(notebook)
    return {
        **where,
        "class": row.cls,
        "name": row.name,
        "output_shape": _json_output(row),
        "params": _json_count(row.params) if row.status in ("ok", "unbuilt") or row.weights or row.params_known else None,
        "trainable_params": _json_count(row.trainable_params) if row.status in ("ok", "unbuilt") or row.weights or row.params_known else None,
        "non_trainable_params": (_json_count(row.non_trainable_params)
                                 if row.status in ("ok", "unbuilt") or row.weights or row.params_known else None),
        "weights": [_json_shape(w.shape) for w in row.weights],
        "error": _told(tell, err),
        "status": row.status,
        "reason": _told(tell, row.reason),
        # a layer called in other models too: why Keras' summary prints another shape than this model's call
        **({"output_shape_reason": _told(tell, row.shown.reason or row.shown.note)} if row.shown is not None else {}),
    }


def _told(tell: Callable[[str], str], text: str | None) -> str | None:
    return tell(text) if text else text


def model_json(sm: ShapedModel, path: str, notebook: NotebookSource | None = None) -> dict:
    """Lines are lines of ``path``; in a notebook they are lines of the cell named by ``cell``."""
    m = sm.model
    tell = line_teller(notebook)
    return {
        "path": path,
        **json_place(notebook, m.span.home()[0]),
        **({"built_at": {"file": m.span.path, "line": m.span.line}} if m.span.path is not None else {}),
        "name": sm.name,
        "api": m.api,
        "context": _told(tell, m.context),
        "layers": [layer_json(r, notebook) for r in sm.layers],
        **dict(zip(("total_params", "trainable_params", "non_trainable_params"), map(_json_count, model_totals(sm)))),
        "complete": sm.complete,
        "notes": [{**json_place(notebook, n.span.line), "message": tell(n.message)} for n in m.notes],
    }


def _with_confirmation(doc: dict, fa: FileAnalysis, index: int) -> dict:
    confirmations = getattr(fa, "confirmations", None)
    if confirmations:
        doc["confirm"] = confirmations[index].to_json(fa.notebook)
    return doc


def summary_document(files: list[FileAnalysis]) -> dict:
    return join_documents([file_json(fa) for fa in files])


def file_json(fa: FileAnalysis) -> dict[str, list]:
    """One file's share of the summary document: its entries under each key."""
    return {
        "models": [_with_confirmation(model_json(sm, fa.path, fa.notebook), fa, i) for i, sm in enumerate(fa.models)],
        "not_analysed": [
            {"path": fa.path, **json_place(fa.notebook, m.span.line), "name": m.name, "api": m.api,
             "reason": "subclassed model: layers built in call() are not followed"}
            for m in fa.subclassed
        ],
        "problems": [
            {"path": fa.path, "code": code, "message": line_teller(fa.notebook, code)(msg), **json_place(fa.notebook, span.line),
             "column": span.col + 1}
            for code, msg, span in fa.problems
        ],
    }


def join_documents(parts: list[dict[str, list]]) -> dict:
    """The summary document of files whose shares (file_json) are ``parts``, in file order."""
    return {"version": JSON_VERSION,
            **{key: [entry for part in parts for entry in part[key]] for key in ("models", "not_analysed", "problems")}}
