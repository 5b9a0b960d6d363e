"""Products of tensors: matmul (also the ``@`` operator), tensordot and einsum."""

from __future__ import annotations

from layerlint.engine.layers.base import ShapeError, Unanalysable
from layerlint.engine.ops import op
from layerlint.engine.ops.base import broadcast, scalar_shape, show
from layerlint.engine.symbolic import dims_equal, shape_str


def matmul_shape(s1: tuple, s2: tuple) -> tuple:
    """Keras' compute_matmul_output_shape: a 1-D operand is promoted and the axis removed again."""
    if not s1 or not s2:
        raise ShapeError("invalid", "matmul needs operands of rank 1 or more")
    one1, one2 = len(s1) == 1, len(s2) == 1
    a = (1, s1[0]) if one1 else tuple(s1)
    b = (s2[0], 1) if one2 else tuple(s2)
    if a[-1] is not None and b[-2] is not None and dims_equal(a[-1], b[-2]) is False:
        raise ShapeError("merge", "Inner dimensions (`x1.shape[-1]` and `x2.shape[-2]`) must be equal, but received "
                         f"`x1.shape={shape_str(a)}` and `x2.shape={shape_str(b)}`.")
    out = list(broadcast(a[:-2], b[:-2])) + [a[-2], b[-1]]
    if one1:
        del out[-2]
    if one2:
        del out[-1]
    return tuple(out)


@op("matmul", "Matmul", "x1", "x2", paths=("ops.matmul", "ops.numpy.matmul"), tf=(("experimental.numpy.matmul", ("x1", "x2"), None),))
def matmul(a: dict) -> tuple:
    return matmul_shape(scalar_shape(a["x1"]), scalar_shape(a["x2"]))


@op("tf_matmul", "", "x1", "x2", "transpose_a", "transpose_b", paths=(), transpose_a=False, transpose_b=False,
    tf=(("matmul", ("a=x1", "b=x2", "transpose_a", "transpose_b"), None),
        ("linalg.matmul", ("a=x1", "b=x2", "transpose_a", "transpose_b"), None)))
def tf_matmul(a: dict) -> tuple:
    s1, s2 = list(scalar_shape(a["x1"])), list(scalar_shape(a["x2"]))
    if len(s1) < 2 or len(s2) < 2:
        raise ShapeError("invalid", "tf.matmul needs tensors of rank 2 or more")
    if a["transpose_a"] is True:
        s1[-1], s1[-2] = s1[-2], s1[-1]
    if a["transpose_b"] is True:
        s2[-1], s2[-2] = s2[-2], s2[-1]
    return matmul_shape(tuple(s1), tuple(s2))


@op("tensordot", "Tensordot", "x1", "x2", "axes", axes=2, tf=(("tensordot", ("a=x1", "b=x2", "axes"), None),))
def tensordot(a: dict) -> tuple:
    s1, s2 = scalar_shape(a["x1"]), scalar_shape(a["x2"])
    ax = a["axes"]
    if isinstance(ax, int) and not isinstance(ax, bool):
        first, second = list(range(len(s1) - ax, len(s1))), list(range(ax))
    elif isinstance(ax, (list, tuple)) and len(ax) == 2:
        first = [ax[0]] if isinstance(ax[0], int) else list(ax[0])
        second = [ax[1]] if isinstance(ax[1], int) else list(ax[1])
    else:
        raise Unanalysable(f"axes={show(ax)} is not known")
    first = [i % len(s1) for i in first]
    second = [i % len(s2) for i in second]
    for i, j in zip(first, second):
        if dims_equal(s1[i], s2[j]) is False:
            raise ShapeError("merge", f"shape mismatch for sum: {s1[i]} and {s2[j]}")
    return tuple(d for i, d in enumerate(s1) if i not in first) + tuple(d for i, d in enumerate(s2) if i not in second)


def _einsum_letters(spec: str, shape: tuple, target: list, any_case: bool = False) -> list:
    """One operand's shape laid out on the output's subscripts, as Keras' Einsum does: each
    letter takes the operand's size (the first place it names wins), ``...`` takes the axes
    no letter names, and a letter the operand lacks is 1 (broadcast)."""
    head, dots, tail = spec.partition("...")
    size: dict = {}
    if not dots:
        if len(shape) != len(head):
            raise ShapeError("invalid", "Number of dimensions in the subscript does not match the number of dimensions "
                             f"in the operand, received subscript `{spec}` and operand of shape {shape_str(shape)}.")
        for d, letter in zip(shape, head):
            size.setdefault(letter, d)
        wildcard: tuple = ()
    else:
        if len(head) + len(tail) > len(shape):
            raise Unanalysable(f"subscript `{spec}` names more axes than the operand has")
        for i, letter in enumerate(head):
            size.setdefault(letter, shape[i])
        for i in range(len(tail)):
            size.setdefault(tail[-i - 1], shape[-i - 1])
        wildcard = tuple(shape[len(head): len(shape) - len(tail)])
    out: list = []
    for t in target:
        if t == "...":
            out.extend(wildcard)
        elif t in size:
            out.append(size[t])
        elif "a" <= t <= "z" or any_case and t.isalpha():
            out.append(1)
        else:
            raise Unanalysable(f"subscript letter `{t}` is not followed")
    return out


@op("einsum", "Einsum", "subscripts", "*operands")
def einsum(a: dict, any_case: bool = False) -> tuple:
    """Keras' Einsum.compute_output_spec: letters seen once (or named after ``->``) are kept.
    Keras broadcasts only lower-case letters an operand lacks (an upper-case one fails there)."""
    subscripts = a["subscripts"]
    if not isinstance(subscripts, str):
        raise Unanalysable(f"subscripts={show(subscripts)} is not a known string")
    subscripts = subscripts.replace(" ", "")
    inputs, arrow, output = subscripts.partition("->")
    if "->" in output:
        raise ShapeError("invalid", f"At most one '->' is supported in `einsum` subscripts, but received {subscripts}.")
    specs = inputs.split(",")
    operands = a["operands"]
    if len(specs) != len(operands):
        raise ShapeError("invalid", f"Number of operands ({len(operands)}) does not match the number of input specs "
                         f"({len(specs)}) in `einsum`, received subscripts={subscripts}.")
    seen: dict = {}
    for s in inputs:
        if s.isalpha():
            seen[s] = seen.get(s, 0) + 1
    if arrow:
        target_text = output
    else:
        target_text = "..." + "".join(sorted(s for s, n in seen.items() if n == 1))
    target: list = []
    rest = target_text
    while rest:
        if rest.startswith("..."):
            target.append("...")
            rest = rest[3:]
        else:
            target.append(rest[0])
            rest = rest[1:]
    shapes = [_einsum_letters(spec, scalar_shape(x), target, any_case) for spec, x in zip(specs, operands)]
    out = tuple(shapes[0])
    for s in shapes[1:]:
        out = broadcast(out, tuple(s))
    return out


@op("tf_einsum", "", "subscripts", "*operands", paths=(), tf=(("einsum", ("equation=subscripts", "*operands"), None),))
def tf_einsum(a: dict) -> tuple:
    """TensorFlow's einsum (in a layer's call()): spaces ignored, and a letter of either case that
    an operand lacks takes the size another operand gives it."""
    return einsum(a, any_case=True)
