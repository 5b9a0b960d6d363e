"""EinsumDense: a dense projection described by an einsum equation.

The equation names every axis with a letter: input letters shared with the
output pass through, kernel letters shared with the output are sized from
``output_shape``, kernel letters shared only with the input are summed over.
An ellipsis stands for the leading (``...ab``) or trailing (``ab...``) axes.
"""

from __future__ import annotations

import re

from layerlint.engine.layers.base import Built, Config, ShapeError, Unanalysable, Weight, layer, single
from layerlint.engine.symbolic import dim_str, dims_equal, shape_str

_FORMS = (
    # (pattern after replacing "..." with "0", ellipsis on the left)
    (re.compile(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)"), False),
    (re.compile(r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)"), True),
    (re.compile(r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0"), False),
)


def parse_equation(equation: str) -> tuple[str, str, str, bool]:
    """(input letters, kernel letters, output letters, ellipsis on the left)."""
    text = equation.replace("...", "0")
    for pattern, left in _FORMS:
        # Keras uses re.match: a prefix match is enough.
        m = pattern.match(text)
        if m:
            return m.group(1), m.group(2), m.group(3), left
    raise ShapeError(
        "invalid",
        f"Invalid einsum equation '{equation}'. Equations must be in the form "
        "[X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]....",
    )


def _partial_output(cfg: Config) -> list:
    value = cfg["output_shape"]
    if isinstance(value, (tuple, list)):
        return list(value)
    return [cfg.dim("output_shape")]


def _invalid(message: str) -> ShapeError:
    return ShapeError("invalid", message)


def einsum_shapes(equation: str, bias_axes: str | None, shape: tuple, partial: list) -> tuple:
    """Kernel shape, bias shape (or None) and full output shape, as Keras' EinsumDense derives them."""
    in_spec, w_spec, out_spec, left = parse_equation(equation)
    elided = len(shape) - len(in_spec)
    if elided < 0:
        raise ShapeError(
            "rank",
            f"EinsumDense equation '{equation}' names {len(in_spec)} input axes but the input "
            f"{shape_str(shape)} has rank {len(shape)}",
            expected=len(in_spec), found=len(shape), at_least=False,
        )
    # The batch axis is always taken from the input; elided axes are copied.
    out = [shape[0]] + list(partial)
    if elided > 0 and left:
        for i in range(1, elided):
            # Keras inserts each elided axis at position 1, which reverses their order.
            out.insert(1, shape[i])
    elif elided > 0:
        out.extend(shape[len(shape) - elided:])
    if left:
        in_pos = {c: i + elided - len(shape) for i, c in enumerate(in_spec)}
        out_pos = {c: i + elided for i, c in enumerate(out_spec)}
    else:
        in_pos = {c: i for i, c in enumerate(in_spec)}
        out_pos = {c: i for i, c in enumerate(out_spec)}
    if any(not -len(out) <= p < len(out) for p in out_pos.values()):
        raise _invalid(f"output_shape {tuple(partial)} does not fit the output spec '{out_spec}' of '{equation}'")

    for c in in_spec:
        if c in out_pos:
            want, have = out[out_pos[c]], shape[in_pos[c]]
            if want is not None and (have is None or dims_equal(want, have) is False):
                raise _invalid(
                    f"Input shape and output shape do not match at shared dimension '{c}'. "
                    f"Input shape is {dim_str(have)}, and output shape is {dim_str(want)}."
                )
    for c in out_spec:
        if c not in in_spec and c not in w_spec:
            raise _invalid(f"Dimension '{c}' was specified in the output '{out_spec}' but has no corresponding dim "
                           f"in the input spec '{in_spec}' or weight spec '{w_spec}'")
    kernel = []
    for c in w_spec:
        if c in out_pos:
            kernel.append(out[out_pos[c]])
        elif c in in_pos:
            kernel.append(shape[in_pos[c]])
        else:
            raise _invalid(f"Weight dimension '{c}' did not have a match in either the input spec '{in_spec}' "
                           f"or the output spec '{out_spec}'. For this layer, the weight must be fully specified.")
    bias = None
    if bias_axes is not None:
        for c in bias_axes:
            if c not in out_spec:
                raise _invalid(f"Bias dimension '{c}' was requested, but is not part of the output spec '{out_spec}'")
        offset = elided if left else 0
        # The bias spans from its first named axis to the end, with 1s where it broadcasts.
        first = min(out_spec.find(c) for c in bias_axes)
        bias = [out[i + offset] if c in bias_axes else 1 for i, c in enumerate(out_spec) if i >= first]
        if not left:
            bias += [1] * elided
    return tuple(kernel), None if bias is None else tuple(bias), tuple(out)


@layer("EinsumDense", "equation", "output_shape", "activation", "bias_axes", bias_axes=None)
def einsum_dense(cfg: Config, inputs: list) -> Built:
    shape = single(inputs, "EinsumDense")
    equation = cfg["equation"]
    if not isinstance(equation, str):
        raise Unanalysable("the einsum equation is not a known string")
    bias_axes = cfg["bias_axes"]
    if bias_axes is not None and not isinstance(bias_axes, str):
        raise Unanalysable("bias_axes is not a known string")
    kernel, bias, out = einsum_shapes(equation, bias_axes, tuple(shape), _partial_output(cfg))
    for what, dims in (("kernel", kernel), ("bias", bias or ())):
        if any(d is None for d in dims):
            raise _invalid(
                f"Shapes used to initialize variables must be fully-defined (no `None` dimensions). "
                f"Received: {what} shape={shape_str(dims)}"
            )
    weights = [Weight("kernel", kernel)]
    if bias is not None:
        weights.append(Weight("bias", bias))
    notes = [f"'{equation}' on {shape_str(shape)}: kernel {shape_str(kernel)}, output {shape_str(out)}"]
    return Built(out, weights, notes)
