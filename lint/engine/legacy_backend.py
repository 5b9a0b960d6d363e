"""Keras 2 backend functions that Keras 3's ``keras.backend`` no longer has, and the Keras 3 spelling of each.

Keras 3 kept only a few names in ``keras.backend`` (``epsilon``, ``floatx``, ``image_data_format``,
...); ``K.int_shape``, ``K.concatenate`` and the rest of Keras 2's backend raise AttributeError.  Which
names each package has is generated from them (keras_backend_names.json,
fixtures/regen_keras_backend_names.py).  The spellings below are written by hand, each with the
Keras 2 signature it reads the user's arguments with; tests/test_legacy_backend.py evaluates every one
in Keras 3 against tf-keras' value of the Keras 2 call.
"""

from __future__ import annotations

import ast
import functools
import json
import re
from dataclasses import dataclass
from typing import Any


@functools.cache
def _names() -> dict:
    from importlib import resources  # here, as in engine/applications/table.py

    return json.loads(resources.files(__package__).joinpath("keras_backend_names.json").read_text())


def keras3_has(name: str) -> bool:
    """Whether Keras 3's ``keras.backend`` has ``name``."""
    return name in _names()["keras_backend"]


def tf_keras_has(name: str) -> bool:
    """Whether tf-keras 2's ``keras.backend`` has ``name``."""
    return name in _names()["tf_keras_backend"]


def tf_keras_activation(name: str) -> bool:
    """Whether tf-keras 2's ``keras.activations`` has ``name``."""
    return name in _names()["tf_keras_activations"]


@dataclass(frozen=True)
class Spelling:
    """``signature``: the Keras 2 function's parameters (``x, axis=None``), which bind the user's arguments;
    ``template``: the Keras 3 code, ``{p}`` the argument (its Keras 2 default when not given), a part in
    ``[...]`` written only when the user gave every argument in it; ``({p})`` loses its brackets when the
    argument is a name, call, subscript or literal."""

    signature: str
    template: str

    def params(self) -> list[tuple[str, str | None]]:
        out = []
        for part in filter(None, (p.strip() for p in self.signature.split(","))):
            name, _, default = part.partition("=")
            out.append((name, default or None))
        return out


def _reduce(fn: str) -> Spelling:
    return Spelling("x, axis=None, keepdims=False", f"keras.ops.{fn}({{x}}[, axis={{axis}}][, keepdims={{keepdims}}])")


def _unary(fn: str) -> Spelling:
    return Spelling("x", f"keras.ops.{fn}({{x}})")


def _binary(fn: str) -> Spelling:
    return Spelling("x, y", f"keras.ops.{fn}({{x}}, {{y}})")


SPELLINGS: dict[str, Spelling] = {
    "int_shape": Spelling("x", "({x}).shape"),
    "shape": Spelling("x", "keras.ops.shape({x})"),
    "ndim": Spelling("x", "len(({x}).shape)"),
    "dtype": Spelling("x", "keras.backend.standardize_dtype(({x}).dtype)"),
    **{fn: _reduce(fn) for fn in ("sum", "mean", "max", "min", "prod", "std", "var", "any", "all")},
    **{fn: _unary(fn) for fn in ("square", "sqrt", "abs", "exp", "log", "sign", "round", "sin", "cos", "tanh",
                                 "sigmoid", "softplus", "softsign")},
    "stop_gradient": Spelling("variables", "keras.ops.stop_gradient({variables})"),
    "ones_like": Spelling("x, dtype=None", "keras.ops.ones_like({x}[, dtype={dtype}])"),
    "zeros_like": Spelling("x, dtype=None", "keras.ops.zeros_like({x}[, dtype={dtype}])"),
    **{fn: _binary(fn) for fn in ("maximum", "minimum", "equal", "not_equal", "greater", "greater_equal", "less",
                                  "less_equal")},
    "pow": Spelling("x, a", "keras.ops.power({x}, {a})"),
    "relu": Spelling("x, alpha=0.0, max_value=None, threshold=0.0",
                     "keras.activations.relu({x}[, negative_slope={alpha}][, max_value={max_value}]"
                     "[, threshold={threshold}])"),
    "elu": Spelling("x, alpha=1.0", "keras.ops.elu({x}[, alpha={alpha}])"),
    "softmax": Spelling("x, axis=-1", "keras.ops.softmax({x}, axis={axis})"),
    # Keras 2's is 0.2 * x + 0.5, clipped; keras.ops.hard_sigmoid is x / 6 + 0.5.
    "hard_sigmoid": Spelling("x", "keras.ops.clip(0.2 * ({x}) + 0.5, 0.0, 1.0)"),
    "l2_normalize": Spelling("x, axis=None", "keras.ops.normalize({x}, axis={axis})"),
    # keras.ops.concatenate joins on axis 0 unless told, Keras 2 on the last.
    "concatenate": Spelling("tensors, axis=-1", "keras.ops.concatenate({tensors}, axis={axis})"),
    "stack": Spelling("x, axis=0", "keras.ops.stack({x}, axis={axis})"),
    "expand_dims": Spelling("x, axis=-1", "keras.ops.expand_dims({x}, {axis})"),
    "squeeze": Spelling("x, axis", "keras.ops.squeeze({x}, axis={axis})"),
    "reshape": Spelling("x, shape", "keras.ops.reshape({x}, {shape})"),
    "flatten": Spelling("x", "keras.ops.reshape({x}, (-1,))"),
    "batch_flatten": Spelling("x", "keras.layers.Flatten()({x})"),
    "permute_dimensions": Spelling("x, pattern", "keras.ops.transpose({x}, {pattern})"),
    "transpose": Spelling("x", "keras.ops.transpose({x})"),
    "tile": Spelling("x, n", "keras.ops.tile({x}, {n})"),
    "repeat": Spelling("x, n", "keras.layers.RepeatVector({n})({x})"),
    "repeat_elements": Spelling("x, rep, axis", "keras.ops.repeat({x}, {rep}, axis={axis})"),
    "reverse": Spelling("x, axes", "keras.ops.flip({x}, axis={axes})"),
    "gather": Spelling("reference, indices", "keras.ops.take({reference}, {indices}, axis=0)"),
    # keras.ops.argmax / cumsum flatten the tensor unless given an axis.
    "argmax": Spelling("x, axis=-1", "keras.ops.argmax({x}, axis={axis})"),
    "argmin": Spelling("x, axis=-1", "keras.ops.argmin({x}, axis={axis})"),
    "cumsum": Spelling("x, axis=0", "keras.ops.cumsum({x}, axis={axis})"),
    "cumprod": Spelling("x, axis=0", "keras.ops.cumprod({x}, axis={axis})"),
    "clip": Spelling("x, min_value, max_value", "keras.ops.clip({x}, {min_value}, {max_value})"),
    "cast": Spelling("x, dtype", "keras.ops.cast({x}, {dtype})"),
    "one_hot": Spelling("indices, num_classes", "keras.ops.one_hot({indices}, {num_classes})"),
    "dot": Spelling("x, y", "keras.ops.dot({x}, {y})"),
    "resize_images": Spelling("x, height_factor, width_factor, data_format, interpolation='nearest'",
                              "keras.layers.UpSampling2D(({height_factor}, {width_factor}), data_format={data_format}"
                              "[, interpolation={interpolation}])({x})"),
    "binary_crossentropy": Spelling("target, output, from_logits=False",
                                    "keras.ops.binary_crossentropy({target}, {output}[, from_logits={from_logits}])"),
    "categorical_crossentropy": Spelling(
        "target, output, from_logits=False, axis=-1",
        "keras.ops.categorical_crossentropy({target}, {output}[, from_logits={from_logits}][, axis={axis}])"),
    "sparse_categorical_crossentropy": Spelling(
        "target, output, from_logits=False, axis=-1",
        "keras.ops.sparse_categorical_crossentropy({target}, {output}[, from_logits={from_logits}][, axis={axis}])"),
    "constant": Spelling("value, dtype=keras.backend.floatx()", "keras.ops.convert_to_tensor({value}, dtype={dtype})"),
    "ones": Spelling("shape, dtype=keras.backend.floatx()", "keras.ops.ones({shape}, dtype={dtype})"),
    "zeros": Spelling("shape, dtype=keras.backend.floatx()", "keras.ops.zeros({shape}, dtype={dtype})"),
    "eye": Spelling("size, dtype=keras.backend.floatx()", "keras.ops.eye({size}, dtype={dtype})"),
    "arange": Spelling("start, stop=None, step=1, dtype='int32'",
                       "keras.ops.arange({start}[, {stop}][, {step}], dtype={dtype})"),
    "eval": Spelling("x", "keras.ops.convert_to_numpy({x})"),
    "get_value": Spelling("x", "keras.ops.convert_to_numpy({x})"),
    "set_value": Spelling("x, value", "({x}).assign({value})"),
    "variable": Spelling("value, dtype=keras.backend.floatx()", "keras.Variable({value}, dtype={dtype})"),
    "random_normal": Spelling("shape, mean=0.0, stddev=1.0",
                              "keras.random.normal({shape}[, mean={mean}][, stddev={stddev}])"),
    "random_uniform": Spelling("shape, minval=0.0, maxval=1.0",
                               "keras.random.uniform({shape}[, minval={minval}][, maxval={maxval}])"),
    "truncated_normal": Spelling("shape, mean=0.0, stddev=1.0",
                                 "keras.random.truncated_normal({shape}[, mean={mean}][, stddev={stddev}])"),
}

# Keras 2 backend names with nothing in Keras 3 to write instead, and what to do.
NO_EQUIVALENT: dict[str, str] = {
    "learning_phase": "Keras 3 has no global learning phase; pass `training=` to the layer or model call",
    "set_learning_phase": "Keras 3 has no global learning phase; pass `training=` to the layer or model call",
    "function": "Keras 3 has no backend function; call the model, or a Model built on the tensors wanted",
    "placeholder": "Keras 3 has no placeholders; use `keras.Input`",
    "get_session": "Keras 3 has no sessions",
    "set_session": "Keras 3 has no sessions",
    "gradients": "Keras 3 has no backend gradients; use the backend's own (`tf.GradientTape` with TensorFlow)",
}

_FIELD = re.compile(r"\{(\w+)\}")
_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
_BRACKETED = re.compile(r"(?<![\w)\]])\(\{(\w+)\}\)")  # `({x})`, not the call brackets of `f({x})`


def spelling(name: str, args: tuple[str, ...] | None = None, kwargs: dict[str, str] | None = None) -> str | None:
    """The Keras 3 code for ``keras.backend.<name>`` called with these argument texts; with no call (or one
    whose arguments do not bind), the template with the Keras 2 parameter names.  None: not in the table."""
    spec = SPELLINGS.get(name)
    if spec is None:
        return None
    params = spec.params()
    given = _bind(params, args, kwargs)
    if given is None:
        given = {}
    defaults = {p: d for p, d in params}

    def optional(m: re.Match) -> str:
        return m.group(1) if all(f in given for f in _FIELD.findall(m.group(1))) else ""

    text = _OPTIONAL.sub(optional, spec.template)
    missing = [f for f in _FIELD.findall(text) if f not in given and defaults.get(f) is None]
    if missing:
        given = {}
        text = _OPTIONAL.sub("", spec.template)
    values = {f: given.get(f, defaults.get(f)) or f for f in _FIELD.findall(text)}
    text = _BRACKETED.sub(lambda m: values[m.group(1)] if _atom(values[m.group(1)]) else m.group(0), text)
    return _FIELD.sub(lambda m: values[m.group(1)], text)


def keras3_call(name: str, args: list, kwargs: dict) -> tuple[str, list, dict] | None:
    """The call a Keras 2 backend call is in Keras 3 (its spelling), with the user's values: the function's
    path (``keras.ops.sum``) and its arguments.  None where the spelling is not one call of ``keras.ops`` or
    ``keras.activations`` on the arguments and plain constants, or the arguments do not bind."""
    spec = SPELLINGS.get(name)
    given = _bind(spec.params(), tuple(args), kwargs) if spec is not None else None
    if given is None:
        return None
    text = _OPTIONAL.sub(lambda m: m.group(1) if all(f in given for f in _FIELD.findall(m.group(1))) else "",
                         spec.template)
    try:
        tree = ast.parse(_FIELD.sub(lambda m: f"__{m.group(1)}", _BRACKETED.sub(r"{\1}", text)), mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(tree, ast.Call) or not ast.unparse(tree.func).startswith(("keras.ops.", "keras.activations.")):
        return None
    defaults = dict(spec.params())
    missing = object()

    def value(node: ast.expr) -> Any:
        if isinstance(node, ast.Name) and node.id.startswith("__"):
            p = node.id[2:]
            if p in given:
                return given[p]
            try:
                return ast.literal_eval(defaults.get(p) or "")
            except (ValueError, SyntaxError):
                return missing
        try:
            return ast.literal_eval(node)
        except ValueError:
            return missing

    out_args = [value(a) for a in tree.args]
    out_kwargs = {k.arg: value(k.value) for k in tree.keywords if k.arg is not None}
    if missing in out_args or missing in out_kwargs.values() or len(out_kwargs) != len(tree.keywords):
        return None
    return ast.unparse(tree.func), out_args, out_kwargs


def _atom(text: str) -> bool:
    """Whether the text needs no brackets before ``.attr`` or next to an operator."""
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return False
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)  # `3.shape` would not parse
    return isinstance(node, (ast.Name, ast.Attribute, ast.Call, ast.Subscript, ast.List))


def _bind(params: list[tuple[str, str | None]], args: tuple | None, kwargs: dict | None) -> dict | None:
    if args is None or kwargs is None or len(args) > len(params):
        return None
    names = [p for p, _ in params]
    given = dict(zip(names, args))
    for k, v in kwargs.items():
        if k not in names or k in given:
            return None
        given[k] = v
    return given
