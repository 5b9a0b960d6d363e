"""String formatting done by layerlint itself: ``str.format``, ``format()``,
f-strings, ``%`` and ``string.Template`` over plain values only.

Python's own ``str.format`` follows attribute paths and indexes written in the
format string (``{x.__init__.__globals__...}``), so giving it anything the
linted file controls reaches into this process.  Here a field may only index a
tuple, list, dict or string the file built; every value must be an int, float,
str, bool or None (or a container of those, printed by :func:`plain_repr`), and
widths and precisions are checked against the size budget before any text is
made.  Whatever else is asked for raises :class:`Unformattable` (the caller's
value becomes unknown) or :class:`OverBudget` (unknown, and reported as LL004).
"""

from __future__ import annotations

import re
from typing import Any

# One budget for every value the interpreter makes: characters of a string,
# items of a list or tuple, a width or precision asked of a formatter.
MAX_SIZE = 100_000
# Python's own limit on how deeply format specs nest ("{0:{1}}" is one level).
_MAX_SPEC_NESTING = 2
_PLAIN_SCALARS = (int, float, str, bool, type(None))


class Unformattable(Exception):
    """The formatting asks for something we do not model: its result is unknown."""


class OverBudget(Exception):
    """The result would be over the size budget: unknown, and reported."""


def is_plain(v: Any, depth: int = 0) -> bool:
    """An int, float, str, bool or None, or a tuple, list or dict of them (exact types only)."""
    t = type(v)
    if t in _PLAIN_SCALARS:
        return True
    if depth > 8:
        return False
    if t is tuple or t is list:
        return all(is_plain(x, depth + 1) for x in v)
    if t is dict:
        return all(is_plain(k, depth + 1) and is_plain(x, depth + 1) for k, x in v.items())
    return False


def check_size(n: int) -> None:
    if n > MAX_SIZE:
        raise OverBudget(f"a value of {n:,} characters or items is over the size budget of {MAX_SIZE:,}")


def plain_repr(v: Any) -> str:
    """``repr()`` of a plain value, computed here: never a method of an object we did not build."""
    return _repr(v, [0])


def _repr(v: Any, used: list[int]) -> str:
    t = type(v)
    if t is str or t is bool or t is type(None) or t is float:
        s = repr(v)  # builtin types' own repr: no user code can run
    elif t is int:
        if v.bit_length() > 4 * MAX_SIZE:
            raise OverBudget("an integer too large to print")
        s = repr(v)
    elif t is tuple:
        inner = [_repr(x, used) for x in v]
        s = "(" + ", ".join(inner) + ("," if len(inner) == 1 else "") + ")"
    elif t is list:
        s = "[" + ", ".join(_repr(x, used) for x in v) + "]"
    elif t is dict:
        s = "{" + ", ".join(f"{_repr(k, used)}: {_repr(x, used)}" for k, x in v.items()) + "}"
    else:
        raise Unformattable(type(v).__name__)
    used[0] += len(s)
    check_size(used[0])
    return s


def plain_str(v: Any) -> str:
    """``str()`` of a plain value."""
    if type(v) is str:
        return v
    return plain_repr(v)


def _ascii(v: Any) -> str:
    return plain_repr(v).encode("ascii", "backslashreplace").decode("ascii")


_CONVERT = {None: plain_str, "s": plain_str, "r": plain_repr, "a": _ascii}

# [[fill]align][sign][z][#][0][width][grouping][.precision][type], as the format mini-language has it.
_SPEC = re.compile(r"(?:(?P<fill>.)?(?P<align>[<>=^]))?(?P<sign>[-+ ])?z?#?0?(?P<width>\d+)?[,_]?"
                   r"(?:\.(?P<precision>\d+))?(?P<type>[bcdeEfFgGnosxX%])?", re.S)


def format_value(value: Any, spec: str) -> str:
    """``format(value, spec)`` for a plain scalar, with the width and precision checked first."""
    t = type(value)
    if t not in _PLAIN_SCALARS:
        if is_plain(value) and spec == "":
            return plain_str(value)
        raise Unformattable(t.__name__)
    m = _SPEC.fullmatch(spec)
    if m is None:
        raise Unformattable(spec)  # Python would raise ValueError: the result is unknown either way
    for part in ("width", "precision"):
        digits = m.group(part)
        if digits is not None:
            if len(digits) > 6:
                raise OverBudget(f"a format {part} of {len(digits)} digits is over the size budget")
            check_size(int(digits))
    if t is int and value.bit_length() > 4 * MAX_SIZE:
        raise OverBudget("an integer too large to print")
    if t is float and m.group("type") in ("f", "F", "%") and abs(value) > 1e100:
        raise Unformattable("a float too large to print in fixed point")
    try:
        out = format(value, spec)  # a builtin type's own __format__, with sizes already checked
    except (ValueError, TypeError, OverflowError) as e:
        raise Unformattable(str(e)) from None
    check_size(len(out))
    return out


def _index(obj: Any, key: str) -> Any:
    """``obj[key]`` as a format field reads it: a digit string is an int index."""
    k: Any = int(key) if key.isdigit() else key
    if type(obj) in (tuple, list, str) and type(k) is int and k < len(obj):
        return obj[k]
    if type(obj) is dict and k in obj:
        return obj[k]
    raise Unformattable(key)


_FIELD_PART = re.compile(r"\.([^.\[]*)|\[([^\]]*)\]")


def _resolve(field: str, args: list, kwargs: dict, auto: list[int]) -> Any:
    """The value a replacement field names: its first part, then [index] parts only."""
    m = re.match(r"[^.\[]*", field)
    head = m.group(0) if m else ""
    rest = field[len(head):]
    if head == "":
        if auto[0] < 0:
            raise Unformattable("cannot switch from manual to automatic field numbering")
        index = auto[0]
        auto[0] += 1
        value = args[index] if index < len(args) else _missing(head)
    elif head.isdigit():
        if auto[0] > 0:
            raise Unformattable("cannot switch from automatic to manual field numbering")
        auto[0] = -1
        index = int(head)
        value = args[index] if index < len(args) else _missing(head)
    else:
        value = kwargs[head] if head in kwargs else _missing(head)
    pos = 0
    while pos < len(rest):
        part = _FIELD_PART.match(rest, pos)
        if part is None or part.end() == pos:
            raise Unformattable(field)
        if part.group(1) is not None:
            # An attribute: plain values have none worth reading, and any other
            # object's attributes are this process's, not the file's.
            raise Unformattable(f"attribute .{part.group(1)}")
        value = _index(value, part.group(2))
        pos = part.end()
    return value


def _missing(name: str) -> Any:
    raise Unformattable(f"no argument {name!r}")


def str_format(template: str, args: list, kwargs: dict) -> str:
    """``template.format(*args, **kwargs)``."""
    out: list[str] = []
    used = [0]
    _format_into(template, list(args), dict(kwargs), [0], out, used, 0)
    return "".join(out)


def _format_into(template: str, args: list, kwargs: dict, auto: list[int], out: list[str], used: list[int],
                 nesting: int) -> None:
    if nesting > _MAX_SPEC_NESTING:
        raise Unformattable("format specs nested too deeply")
    i, n = 0, len(template)
    while i < n:
        c = template[i]
        if c in "{}":
            if i + 1 < n and template[i + 1] == c:
                _emit(out, used, c)
                i += 2
                continue
            if c == "}":
                raise Unformattable("single '}' in format string")
            end = _field_end(template, i)
            field, conversion, spec = _split_field(template[i + 1:end])
            if "{" in spec:
                parts: list[str] = []
                _format_into(spec, args, kwargs, auto, parts, [0], nesting + 1)
                spec = "".join(parts)
            value = _resolve(field, args, kwargs, auto)
            if conversion is not None:
                if conversion not in _CONVERT:
                    raise Unformattable(f"conversion !{conversion}")
                value = _CONVERT[conversion](value)
            _emit(out, used, format_value(value, spec))
            i = end + 1
        else:
            j = i
            while j < n and template[j] not in "{}":
                j += 1
            _emit(out, used, template[i:j])
            i = j


def _field_end(template: str, start: int) -> int:
    depth = 0
    for j in range(start, len(template)):
        if template[j] == "{":
            depth += 1
        elif template[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    raise Unformattable("unmatched '{' in format string")


def _split_field(body: str) -> tuple[str, str | None, str]:
    """``name!conv:spec`` -> its three parts; brackets in the name may hold ``!`` or ``:``."""
    j, depth = 0, 0
    while j < len(body):
        c = body[j]
        if c == "[":
            depth += 1
        elif c == "]":
            depth = max(depth - 1, 0)
        elif depth == 0 and c in "!:":
            break
        j += 1
    name, rest = body[:j], body[j:]
    conversion = None
    if rest.startswith("!"):
        if len(rest) < 2 or (len(rest) > 2 and rest[2] != ":"):
            raise Unformattable("bad conversion")
        conversion, rest = rest[1], rest[2:]
    spec = rest[1:] if rest.startswith(":") else ""
    return name, conversion, spec


def _emit(out: list[str], used: list[int], s: str) -> None:
    used[0] += len(s)
    check_size(used[0])
    out.append(s)


def format_builtin(value: Any, spec: Any = "") -> str:
    """``format(value, spec)``."""
    if type(spec) is not str:
        raise Unformattable("spec")
    return format_value(value, spec)


def fstring_part(value: Any, conversion: str | None, spec: str) -> str:
    """One ``{expr!conv:spec}`` of an f-string whose spec's own fields are already formatted."""
    if conversion is not None:
        if conversion not in _CONVERT:
            raise Unformattable(f"conversion !{conversion}")
        value = _CONVERT[conversion](value)
    return format_value(value, spec)


_PERCENT = re.compile(r"%(?:\((?P<key>[^)]*)\))?(?P<flags>[-#0 +]*)(?P<width>\*|\d+)?"
                      r"(?:\.(?P<precision>\*|\d+))?[hlL]?(?P<conv>[diouxXeEfFgGcrsa%])")


def percent_format(template: str, values: Any) -> str:
    """``template % values``: each conversion applied to one plain scalar, sizes checked first."""
    if type(values) is tuple:
        items, mapping = list(values), None
    elif type(values) is dict:
        items, mapping = [], values
    else:
        items, mapping = [values], None
    out: list[str] = []
    used = [0]
    pos = 0
    taken = 0

    def take() -> Any:
        nonlocal taken
        if taken >= len(items):
            raise Unformattable("not enough arguments for format string")
        taken += 1
        return items[taken - 1]

    while True:
        j = template.find("%", pos)
        if j < 0:
            _emit(out, used, template[pos:])
            break
        _emit(out, used, template[pos:j])
        m = _PERCENT.match(template, j)
        if m is None:
            raise Unformattable("unsupported format character")
        pos = m.end()
        if m.group("conv") == "%":
            _emit(out, used, "%")
            continue
        width, precision = m.group("width"), m.group("precision")
        if width == "*":
            width = take()
        if precision == "*":
            precision = take()
        for size in (width, precision):
            if size is None:
                continue
            if type(size) is str:
                if len(size) > 6:
                    raise OverBudget("a format width over the size budget")
                size = int(size)
            if type(size) is not int:
                raise Unformattable("* wants an int")
            check_size(abs(size))
        if m.group("key") is not None:
            if mapping is None or m.group("key") not in mapping:
                raise Unformattable("format requires a mapping")
            value = mapping[m.group("key")]
        elif mapping is not None and not items:
            value = mapping  # "%s" % {"a": 1} prints the dict
        else:
            value = take()
        conv = m.group("conv")
        if conv in "rsa":
            value = _CONVERT["s" if conv == "s" else conv](value)
            conv = "s"
        elif not (type(value) in (int, float, bool) or conv == "c" and type(value) is str and len(value) == 1):
            raise Unformattable("a number is required")
        spec = "%" + m.group("flags") + ("" if width is None else str(width)) + \
               ("" if precision is None else "." + str(precision)) + conv
        if type(value) is float and conv in "fF" and abs(value) > 1e100:
            raise Unformattable("a float too large to print in fixed point")
        try:
            piece = spec % (value,)  # one builtin scalar, sizes already checked
        except (ValueError, TypeError, OverflowError) as e:
            raise Unformattable(str(e)) from None
        _emit(out, used, piece)
    if mapping is None and taken < len(items):
        raise Unformattable("not all arguments converted during string formatting")
    return "".join(out)


_TEMPLATE = re.compile(r"\$(?:(?P<escaped>\$)|(?P<named>[_a-z][_a-z0-9]*)|\{(?P<braced>[_a-z][_a-z0-9]*)\}|(?P<invalid>))",
                       re.I | re.A)


def template_substitute(template: str, mapping: dict, safe: bool) -> str:
    """``string.Template(template).substitute(mapping)`` (or ``safe_substitute``)."""
    out: list[str] = []
    used = [0]
    pos = 0
    for m in _TEMPLATE.finditer(template):
        _emit(out, used, template[pos:m.start()])
        pos = m.end()
        if m.group("escaped") is not None:
            _emit(out, used, "$")
            continue
        name = m.group("named") or m.group("braced")
        if name is None or name not in mapping:
            if not safe:
                raise Unformattable("missing template key")
            _emit(out, used, m.group(0))
            continue
        _emit(out, used, plain_str(mapping[name]) if is_plain(mapping[name]) else _unformattable())
    _emit(out, used, template[pos:])
    return "".join(out)


def _unformattable() -> str:
    raise Unformattable("not a plain value")
