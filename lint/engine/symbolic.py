"""Symbolic integer expressions for dimensions and parameter counts.

A dimension is an ``int``, ``None`` (unknown, as Keras uses for the batch
axis) or an :class:`Expr` built from symbols named by the source text they
stand for (``nClasses``, ``x.shape[-1]``).  Expressions are kept as
polynomials with integer coefficients over *atoms*; an atom is a symbol or a
floor division that could not be simplified away.  Keeping a canonical form
means two equal formulas compare equal, which the merge-layer checks rely on.
"""

from __future__ import annotations

import re
from typing import Any

# A monomial is a sorted tuple of (atom, exponent); the empty tuple is 1.
Monomial = tuple
MAX_TERMS = 64  # keeps pathological inputs from growing without bound
MAX_COEFF_BITS = 256  # ... and so do these: ``x = 2 * x * x`` in a loop doubles them every step
MAX_EXPONENT = 64
MAX_ATOM_TEXT = 200
TOO_LARGE = "<expression too large>"  # absorbs whatever it is combined with


class Atom:
    """An indivisible factor: a named symbol or an irreducible operation."""

    __slots__ = ("key", "text", "compound", "op", "args")

    def __init__(self, key: str, text: str, compound: bool = False, op: str = "sym", args: tuple = ()) -> None:
        self.key = key
        self.text = text
        # A compound atom prints with parentheses when it is multiplied.
        self.compound = compound
        # How to rebuild the atom after substitution: ("//", (inner, d)) etc.
        self.op = op
        self.args = args

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Atom) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __lt__(self, other: Atom) -> bool:
        return self.key < other.key

    def __repr__(self) -> str:
        return self.text


class NumpyInt(int):
    """An integer NumPy computed (``np.prod(shape)``, ``np.int64(n)``, a label array's ``max()``): a NumPy
    scalar, not a Python int.  It counts as its value everywhere (shapes, arithmetic, data); the Keras
    constructors that check for a Python int refuse it (engine/layers/size_types.py).  Arithmetic with
    ints keeps it NumPy's, as NumPy does; ``int()`` of it is a Python int.  ``text``: the user's expression."""

    text: str
    dtype: str

    def __new__(cls, value: int, text: str = "", dtype: str = "int64") -> NumpyInt:
        made = super().__new__(cls, value)
        made.text, made.dtype = text or str(int(value)), dtype
        return made

    def __reduce__(self) -> tuple:
        return NumpyInt, (int(self), self.text, self.dtype)

    def _kept(self, result: Any) -> Any:
        if type(result) is int:
            return NumpyInt(result, f"({self.text})", self.dtype)
        return result

    def __add__(self, o: Any) -> Any:
        return self._kept(int.__add__(self, o))

    def __radd__(self, o: Any) -> Any:
        return self._kept(int.__radd__(self, o))

    def __sub__(self, o: Any) -> Any:
        return self._kept(int.__sub__(self, o))

    def __rsub__(self, o: Any) -> Any:
        return self._kept(int.__rsub__(self, o))

    def __mul__(self, o: Any) -> Any:
        return self._kept(int.__mul__(self, o))

    def __rmul__(self, o: Any) -> Any:
        return self._kept(int.__rmul__(self, o))

    def __floordiv__(self, o: Any) -> Any:
        return self._kept(int.__floordiv__(self, o))

    def __rfloordiv__(self, o: Any) -> Any:
        return self._kept(int.__rfloordiv__(self, o))

    def __mod__(self, o: Any) -> Any:
        return self._kept(int.__mod__(self, o))

    def __neg__(self) -> Any:
        return self._kept(int.__neg__(self))

    def __abs__(self) -> Any:
        return self._kept(int.__abs__(self))


_SYMBOLS: dict[str, Expr] = {}
_MAX_SYMBOLS = 100_000


class Expr:
    """An integer polynomial over atoms, immutable and canonical."""

    __slots__ = ("terms", "_hash")

    def __init__(self, terms: dict) -> None:
        self.terms = {m: c for m, c in terms.items() if c != 0}
        self._hash = None

    # -- construction -------------------------------------------------
    @staticmethod
    def symbol(name: str) -> Expr:
        # Immutable, so one object per name serves: the interpreter names every unknown value by
        # its source text, the same ones again in loops and in functions called many times.
        e = _SYMBOLS.get(name)
        if e is None:
            if len(_SYMBOLS) >= _MAX_SYMBOLS:
                _SYMBOLS.clear()
            e = _SYMBOLS[name] = Expr({((Atom("s:" + name, name), 1),): 1})
        return e

    @staticmethod
    def tensor(text: str) -> Expr:
        """An unknown number that is certainly a TensorFlow tensor (``tf.math.reduce_prod(shape)``): it
        prints as a symbol, and the layers whose Keras wants a Python int see it is none."""
        return Expr({((Atom("t:" + text, text), 1),): 1})

    def holds_tensor(self) -> bool:
        """Whether a tensor made by :meth:`tensor` is part of the value (arithmetic keeps it a tensor)."""
        return any(atom.key.startswith("t:") for mono in self.terms for atom, _ in mono)

    @staticmethod
    def scalar_data(text: str) -> Expr:
        """An unknown number that is a NumPy scalar or a tensor, not a Python int (``arr.sum()``,
        ``np.int64(n)``, a scalar constant): printed as the user's ``text``; the Keras 3 constructors
        that check for a Python int refuse either alike (engine/layers/size_types.py)."""
        return Expr({((Atom("d:" + text, text), 1),): 1})

    def holds_scalar_data(self) -> bool:
        """Whether a number made by :meth:`scalar_data` is part of the value (arithmetic keeps its type)."""
        return any(atom.key.startswith("d:") for mono in self.terms for atom, _ in mono)

    @staticmethod
    def opaque(text: str) -> Expr:
        return Expr({((Atom("o:" + text, text, compound=True), 1),): 1})

    # -- inspection ---------------------------------------------------
    def constant(self) -> int:
        return self.terms.get((), 0)

    def symbols(self) -> set[str]:
        """Names of the free symbols, including those inside floor divisions."""
        names: set[str] = set()
        for mono in self.terms:
            for atom, _ in mono:
                if atom.op == "sym":
                    names.add(atom.text)
                for a in atom.args:
                    if isinstance(a, Expr):
                        names |= a.symbols()
        return names

    def subs(self, values: dict) -> Dim:
        """Replace symbols by dims; None anywhere makes the result None."""
        total: Dim = 0
        for mono, coeff in self.terms.items():
            term: Dim = coeff
            for atom, exp in mono:
                v = _subs_atom(atom, values)
                if v is None:
                    return None
                for _ in range(exp):
                    term = v * term
            total = term + total
        return total

    # -- arithmetic ---------------------------------------------------
    def _coerce(self, other: DimLike) -> Expr | None:
        if isinstance(other, Expr):
            return other
        if isinstance(other, bool):
            return Expr({(): int(other)})
        if isinstance(other, int):
            return Expr({(): other})
        return None

    def __add__(self, other: DimLike) -> Dim:
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        terms = dict(self.terms)
        for m, c in o.terms.items():
            terms[m] = terms.get(m, 0) + c
        return _normal(Expr(terms))

    __radd__ = __add__

    def __neg__(self) -> Expr:
        return Expr({m: -c for m, c in self.terms.items()})

    def __sub__(self, other: DimLike) -> Dim:
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        return self + (-o)

    def __rsub__(self, other: DimLike) -> Dim:
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        return o + (-self)

    def __mul__(self, other: DimLike) -> Dim:
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        terms: dict = {}
        for m1, c1 in self.terms.items():
            for m2, c2 in o.terms.items():
                m = _mono_mul(m1, m2)
                terms[m] = terms.get(m, 0) + c1 * c2
        return _normal(Expr(terms))

    __rmul__ = __mul__

    def __floordiv__(self, other: DimLike) -> Dim:
        if isinstance(other, int) and not isinstance(other, bool) and other > 0:
            return _floordiv(self, other)
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        return _opaque_binop(self, "//", o)

    def __rfloordiv__(self, other: DimLike) -> Dim:
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        return _opaque_binop(o, "//", self)

    def __mod__(self, other: DimLike) -> Dim:
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        return _opaque_binop(self, "%", o)

    def __rmod__(self, other: DimLike) -> Dim:
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        return _opaque_binop(o, "%", self)

    def __truediv__(self, other: DimLike) -> Dim:
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        return _opaque_binop(self, "/", o)

    def __rtruediv__(self, other: DimLike) -> Dim:
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        return _opaque_binop(o, "/", self)

    def __pow__(self, other: DimLike) -> Dim:
        if isinstance(other, int) and not isinstance(other, bool) and 0 <= other <= 8:
            result: Dim = 1
            for _ in range(other):
                result = self * result
            return result
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        return _opaque_binop(self, "**", o)

    # -- comparison ---------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if isinstance(other, Expr):
            return self.terms == other.terms
        return False

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self.terms.items()))
        return self._hash

    def __bool__(self) -> bool:
        return True

    # -- printing -----------------------------------------------------
    def __str__(self) -> str:
        return _format(self)

    def __repr__(self) -> str:
        return f"Expr({_format(self)!r})"


Dim = int | None | Expr
DimLike = int | Expr


def _mono_mul(a: Monomial, b: Monomial) -> Monomial:
    powers: dict = dict(a)
    for atom, e in b:
        powers[atom] = powers.get(atom, 0) + e
    return tuple(sorted(powers.items(), key=lambda p: p[0].key))


def _normal(e: Expr) -> Dim:
    """Collapse constant expressions to plain ints; bound the size."""
    if not e.terms:
        return 0
    if len(e.terms) == 1 and () in e.terms:
        return e.terms[()]
    if len(e.terms) > MAX_TERMS or any(_oversized(m, c) for m, c in e.terms.items()) or _has_too_large(e):
        return Expr.opaque(TOO_LARGE)
    # floor(x / a) + c is written floor((x + a*c) / a): one atom instead of two
    # terms, so products of pooled dims (Flatten) stay a single monomial.
    single = _single_floordiv(e)
    if single is not None and single[2] != 0:
        x, a, c = single
        return _floordiv_atom(x + a * c, a) if isinstance(x + a * c, Expr) else (x + a * c) // a
    return e


def _has_too_large(e: Expr) -> bool:
    return any(TOO_LARGE in atom.text for mono in e.terms for atom, _ in mono)


def _oversized(mono: Monomial, coeff: int) -> bool:
    return coeff.bit_length() > MAX_COEFF_BITS or any(exp > MAX_EXPONENT for _, exp in mono)


def _opaque_binop(a: Expr, op: str, b: Expr) -> Expr:
    text = f"{_format(a, wrap=True)} {op} {_format(b, wrap=True)}"
    if len(text) > MAX_ATOM_TEXT or TOO_LARGE in text:
        return Expr.opaque(TOO_LARGE)
    return Expr({((Atom("o:" + text, text, compound=True, op=op, args=(a, b)), 1),): 1})


def _subs_atom(atom: Atom, values: dict) -> Dim:
    if atom.op == "sym":
        v = values.get(atom.text)
        return Expr({((atom, 1),): 1}) if v is None and atom.text not in values else v
    if not atom.args:
        return Expr({((atom, 1),): 1})
    a, b = (x.subs(values) if isinstance(x, Expr) else x for x in atom.args)
    if a is None or b is None:
        return None
    try:
        if atom.op == "//":
            return a // b
        if atom.op == "%":
            return a % b
        if atom.op == "/":
            return a // b if isinstance(a, int) and isinstance(b, int) and b and a % b == 0 else _opaque_binop(_as_expr(a), "/", _as_expr(b))
        if atom.op == "**":
            return a**b
    except (ZeroDivisionError, TypeError):
        pass
    return Expr({((atom, 1),): 1})


def _as_expr(d: DimLike) -> Expr:
    return d if isinstance(d, Expr) else Expr({(): d})


def _floordiv(e: Expr, d: int) -> Dim:
    if d == 1:
        return e
    if all(c % d == 0 for c in e.terms.values()):
        return _normal(Expr({m: c // d for m, c in e.terms.items()}))
    # floor((floor(x / a) + c) / d) == floor((x + a*c) / (a*d)): keeps stacked
    # pooling layers readable, e.g. ((L - 2) // 2 - 2) // 2 is (L - 6) // 4.
    inner_div = _single_floordiv(e)
    if inner_div is not None:
        x, a, c = inner_div
        return _floordiv_of(x + a * c, a * d)
    return _floordiv_atom(e, d)


def _floordiv_of(x: Dim, d: int) -> Dim:
    if isinstance(x, int):
        return x // d
    assert isinstance(x, Expr)
    return _floordiv(x, d)


def _single_floordiv(e: Expr) -> tuple | None:
    """(x, a, c) when e is exactly floor(x / a) + c."""
    monos = [m for m in e.terms if m != ()]
    if len(monos) != 1 or e.terms[monos[0]] != 1 or len(monos[0]) != 1:
        return None
    atom, exp = monos[0][0]
    if exp != 1 or atom.op != "//" or not isinstance(atom.args[1], int):
        return None
    return atom.args[0], atom.args[1], e.constant()


def _floordiv_atom(inner: Expr, d: int) -> Expr:
    text = f"{_format(inner, wrap=True)} // {d}"
    if len(text) > MAX_ATOM_TEXT or TOO_LARGE in text:
        return Expr.opaque(TOO_LARGE)
    return Expr({((Atom("f:" + text, text, compound=True, op="//", args=(inner, d)), 1),): 1})


def _format_mono(mono: Monomial, coeff: int) -> str:
    factors = []
    for atom, exp in mono:
        t = f"({atom.text})" if atom.compound and (len(mono) > 1 or coeff != 1 or exp > 1) else atom.text
        factors.append(t if exp == 1 else f"{t}**{exp}")
    body = "*".join(factors)
    if coeff == 1:
        return body
    return f"{coeff}*{body}"


def _format(e: Dim, wrap: bool = False) -> str:
    if not isinstance(e, Expr):
        return str(e)
    monos = sorted((m for m in e.terms if m != ()), key=lambda m: (-sum(p for _, p in m), [a.key for a, _ in m]))
    parts: list[str] = []
    for m in monos:
        c = e.terms[m]
        s = _format_mono(m, abs(c))
        if not parts:
            parts.append(s if c > 0 else "-" + s)
        else:
            parts.append(("+ " if c > 0 else "- ") + s)
    const = e.terms.get((), 0)
    if const:
        if parts:
            parts.append(("+ " if const > 0 else "- ") + str(abs(const)))
        else:
            parts.append(str(const))
    text = " ".join(parts)
    if wrap and (len(parts) > 1 or (len(parts) == 1 and text.startswith("-"))):
        return f"({text})"
    if wrap and len(e.terms) == 1 and len(next(iter(e.terms))) == 1:
        atom = next(iter(e.terms))[0][0]
        if atom.compound:
            return f"({text})"
    return text


# -- helpers for layer code ------------------------------------------------


# Source texts that can only stand for one number, never for a whole shape.
_ONE_NUMBER = re.compile(r"(?:\.shape\[-?\d+\]|^(?:len|int|round)\(.*\))$")


def is_one_dim(value: object) -> bool:
    """Whether an unknown value is certainly one number (``x.shape[0]``, ``len(v)``, or arithmetic on
    such), where a shape argument could also be an unknown tuple.  Unnamed values are not."""
    if not isinstance(value, Expr) or not value.terms:
        return False
    names = [atom.text for mono in value.terms for atom, _ in mono]
    return all(atom.op == "sym" for mono in value.terms for atom, _ in mono) and bool(names) \
        and all(_ONE_NUMBER.search(n) for n in names)


def as_int(d: Dim) -> int | None:
    """The value of d if it is a concrete int, else None."""
    return d if isinstance(d, int) and not isinstance(d, bool) else None


def dim_str(d: Dim) -> str:
    return "None" if d is None else _format(d)


def shape_str(shape: tuple | list | None) -> str:
    if shape is None:
        return "?"
    if isinstance(shape, list):
        return "[" + ", ".join(shape_str(s) for s in shape) + "]"
    inner = ", ".join(dim_str(d) for d in shape)
    if len(shape) == 1:
        inner += ","
    return f"({inner})"


def prod(dims) -> Dim:
    """Product of dims; None if any is None."""
    result: Dim = 1
    for d in dims:
        if d is None:
            return None
        result = d * result
    return result


def dims_equal(a: Dim, b: Dim) -> bool | None:
    """True/False when decidable, None when unknown (None or differing symbols)."""
    if a is None or b is None:
        return None
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    diff = a - b
    if isinstance(diff, int):
        return diff == 0
    return None


def to_json_dim(d: Dim) -> int | str | None:
    return d if d is None or isinstance(d, int) else _format(d)
