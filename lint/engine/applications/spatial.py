"""Height and width through an application's recorded layer graph.

The table stores, for each layer of a backbone, what it does to the spatial
axes (a window, a padding, a crop, a global pool) and which layers feed it.
Walking that graph with Keras' own output-length arithmetic gives every
layer's output at any input size, including the input-parity-dependent
padding Keras' ``correct_pad`` chooses and the merges that only line up for
some sizes.  ``None`` (an input size left open) stays ``None`` as in Keras.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

HW = tuple  # (height, width), each int or None; () for a layer without spatial axes


class SpatialError(Exception):
    """Keras would fail to build the backbone at this input size."""

    def __init__(self, layer: str, message: str) -> None:
        super().__init__(message)
        self.layer = layer
        self.message = message


def window_length(n: int | None, kernel: int, stride: int, padding: str, dilation: int) -> int | None:
    """Keras' conv/pooling output length along one axis."""
    if n is None:
        return None
    if padding == "same":
        return (n + stride - 1) // stride
    effective = (kernel - 1) * dilation + 1
    return (n - effective) // stride + 1


def _correct_pad(n: int | None, half: int) -> tuple[int, int]:
    # keras.applications' correct_pad: one less row before the image when its size is even (or unknown).
    adjust = 1 if n is None else 1 - n % 2
    return half - adjust, half


def _merge(name: str, shapes: list[HW]) -> HW:
    """Elementwise merges broadcast size-1 axes; other sizes must agree."""
    out: list = list(shapes[0])
    for s in shapes[1:]:
        for i, (a, b) in enumerate(zip(out, s)):
            if a == b or b == 1 or a is None and b is None:
                continue
            if a == 1:
                out[i] = b
            elif a is None or b is None:
                out[i] = a if b is None else b
            else:
                raise SpatialError(name, f"`{name}` would merge spatial sizes {tuple(out)} and {tuple(s)}")
    return tuple(out)


def _step(name: str, op: Sequence | None, ins: list[HW]) -> HW:
    if op is None:
        spatial = [s for s in ins if s]
        if not spatial:
            return ()
        return _merge(name, spatial) if len(spatial) > 1 else spatial[0]
    kind = op[0]
    if kind == "seq":  # a nested Sequential (ConvNeXt's stem and downsampling blocks)
        out = ins[0]
        for inner in op[1:]:
            out = _step(name, inner, [out])
        return out
    h, w = ins[0] if ins[0] else (None, None)
    if kind == "w":
        _, kh, kw, sh, sw, pad, dh, dw = op
        out = (window_length(h, kh, sh, pad, dh), window_length(w, kw, sw, pad, dw))
    elif kind == "pad":
        _, t, b, left, r = op
        out = (None if h is None else h + t + b, None if w is None else w + left + r)
    elif kind == "cpad":
        _, half_h, half_w = op
        (t, b), (left, r) = _correct_pad(h, half_h), _correct_pad(w, half_w)
        out = (None if h is None else h + t + b, None if w is None else w + left + r)
    elif kind == "crop":
        _, t, b, left, r = op
        out = (None if h is None else h - t - b, None if w is None else w - left - r)
    elif kind == "gpk":
        return (1, 1)
    elif kind in ("gp", "flat"):
        return ()
    elif kind == "reshape":
        return tuple(op[1:])
    else:
        raise ValueError(f"unknown spatial op {kind!r}")
    if any(d is not None and d <= 0 for d in out):
        raise SpatialError(name, f"`{name}` would have output size {out} from input size {(h, w)}")
    return out


def spatial_sizes(layers: Sequence[Sequence[Any]], height: int | None, width: int | None) -> list[HW]:
    """(height, width) after each recorded layer, in table order (inputs before their users)."""
    sizes: list[HW] = []
    for name, _cls, inbound, op, *_ in layers:
        if not inbound:
            sizes.append((height, width))
        else:
            sizes.append(_step(name, op, [sizes[i] for i in inbound]))
    return sizes
