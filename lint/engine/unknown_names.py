"""Names given as a value layerlint cannot compute: ``name=os.environ["X"]``, or
``name=f"to_rgb_{res}x{res}"`` in a loop whose ``res`` is not followed.

Keras gives the layer or model the user's name and advances no automatic-name counter
(Keras 3's ``auto_name`` and tf-keras' ``unique_object_name`` run only for a name not
given), so such a name must not be read as "no name": that would take an automatic
name and number every later layer of its class one too high.  The row shows the user's
own expression in braces instead (``{os.environ["X"]}``; an f-string as its text with
the fields it could not fill left in braces: ``to_rgb_{res}x{res}``), the way
``dense_?`` shows an automatic name whose number is not known.
"""

from __future__ import annotations

import re
from typing import Any

from layerlint.engine.symbolic import Expr

# Values the interpreter computed that are not a name: Keras refuses them or names the layer itself,
# as before; anything else it holds for ``name=`` (an unknown Expr, another layer's automatic name) is
# a name the user gave that is not known here.
_NOT_A_NAME = (bool, int, float, bytes, tuple, list, dict, set)
# An f-string's prefix: such a name shows as its text, what it formats (unknown_name_text)
_FSTRING_PREFIX = re.compile(r"^(?:[fF][rR]?|[rR][fF])(?=['\"])")


class UnsureName(str):
    """A name given as a value that cannot be computed and may be None at run time (``cfg.get("name")``):
    Keras would then take the next automatic name, so the automatic names of its class after it are not
    known (``dense_?``).  An f-string, or a string literal joined to it, is a string whatever it formats."""


def given_name(value: Any) -> str | None:
    """The name ``name=value`` gives: the string itself, the text standing for a value that
    cannot be computed (unknown_name_text; an UnsureName when that value may be None),
    or None where Keras names it automatically."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, _NOT_A_NAME):
        return None
    shown = unknown_name_text(value)
    return shown if _certainly_a_string(_text(value)) else UnsureName(shown)


# what is a string whatever its unknown parts are: `str(...)`, `"...".format(...)`, `sep.join(...)`, os.environ[...]
_STRING_MAKERS = re.compile(r"^str\(|\.format\(|\.join\(|^os\.environ\[")


def _certainly_a_string(text: str) -> bool:
    """Whether an unknown ``name=`` value, by the user's ``text`` of it, is a string by its form: an f-string,
    a string literal joined to something (``prefix + "_conv"``: None there raises before any name is taken),
    or ``str(...)``, ``.format(...)``, ``.join(...)``, ``os.environ[...]``.  Anything else (a name,
    ``cfg.get("name")``) may be None."""
    if _fstring_body(text) is not None or _STRING_MAKERS.search(text):
        return True
    quotes = "'\""
    head = _FSTRING_PREFIX.match(text)
    start = text[head.end():] if head else text
    return bool(start) and (start[0] in quotes or text[-1] in quotes) and ("+" in text or "%" in text)


def is_unknown_name(value: Any) -> bool:
    """Whether ``name=value`` gives a name that cannot be computed here."""
    return value is not None and not isinstance(value, (str, *_NOT_A_NAME))


def unknown_name_text(value: Any) -> str:
    """What the name column shows for a name given as ``value``, unknown: the user's expression."""
    return _shown(_text(value))


def _text(value: Any) -> str:
    """The user's expression for an unknown value (the interpreter names a symbol by it)."""
    return str(value) if isinstance(value, Expr) else "?"


def _shown(text: str) -> str:
    body = _fstring_body(text)
    return body if body is not None and "{" in body else "{" + text + "}"


def _fstring_body(text: str) -> str | None:
    """What one f-string formats, between its quotes (the fields it could not fill left in braces), when
    ``text`` is one whole f-string as the interpreter names it: no triple quotes, not cut at 80 characters."""
    prefix = _FSTRING_PREFIX.match(text)
    if prefix is None:
        return None
    quote = text[prefix.end()]
    body = text[prefix.end() + 1:-1]
    if len(text) < prefix.end() + 2 or text[-1] != quote or body.startswith(quote):
        return None
    depth = 0
    for ch in body:  # the closing quote is the last: a quote outside the fields ends the string earlier
        depth += (ch == "{") - (ch == "}")
        if ch == quote and depth == 0:
            return None
    return body
