"""Code as people paste it: Keras names used without an import.

A third of the snippets in questions start at ``model = Sequential()`` with no
import, or use ``Conv2D`` where only ``Convolution2D`` was imported.  Python
would stop at the first such name with a NameError, but the author plainly means
Keras', so the interpreter binds each such name as if imported, and the file is
told so once.  A name bound anywhere in the file (in any scope, by any
statement) is never assumed: that would be a guess about something else.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass

from layerlint.engine.layers import lookup
from layerlint.engine.legacy import KERAS1_CLASSES
from layerlint.extract.keras_names import MERGE_FUNCTIONS
from layerlint.sources.span import Span

# Prefixes written without an import: ``keras.layers.Dense``, ``K.int_shape``, ``tf.keras...``.
MODULE_PREFIXES = {"keras": "keras", "K": "keras.backend"}
MODEL_NAMES = {"Sequential": "keras.models.Sequential", "Model": "keras.models.Model",
               "Input": "keras.layers.Input", "InputLayer": "keras.layers.InputLayer"}
# Words that make a file worth parsing although it never says "keras".
PREFILTER_WORDS = ("Sequential", "Model(", "Input(")


@dataclass(frozen=True)
class Assumed:
    name: str  # the local name as written
    qualname: str  # what it is taken to be
    line: int  # its first use
    col: int


def _bound_names(tree: ast.Module) -> set[str]:
    """Every name the file binds anywhere: assignments, imports, defs, parameters, loop targets, ..."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                bound.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update(node.names)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            bound.add(node.rest)
    return bound


def _has_star_import(tree: ast.Module) -> bool:
    # ``from somewhere import *`` may bind any name; assuming Keras there would be a guess.
    return any(isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names)
               and (n.module or "").split(".")[0] not in ("keras", "tensorflow", "tf_keras")
               for n in ast.walk(tree))


def keras_meaning(name: str) -> str | None:
    """What a free name would be if the snippet's author had imported it from Keras."""
    if name in MODEL_NAMES:
        return MODEL_NAMES[name]
    if name in MODULE_PREFIXES:
        return MODULE_PREFIXES[name]
    if name == "tf":  # ``tf.keras.layers.Dense`` without ``import tensorflow as tf``
        return "tensorflow"
    spec = lookup(name)
    if (spec is not None or name in KERAS1_CLASSES) and name[:1].isupper() and name not in MERGE_FUNCTIONS:
        return f"keras.layers.{name}"
    return None


class FreeNames:
    """Decides, for a name the interpreter finds unbound, whether to read it as Keras'.

    The file's bindings are collected on the first such name only: most files
    never reach it, and a walk of a long file's tree is not free."""

    def __init__(self, tree: ast.Module | None) -> None:
        self._tree = tree
        self._bound: set[str] | None = None
        self.assumed: list[Assumed] = []

    def assume(self, name: str, span: Span) -> str | None:
        """The Keras name ``name`` (unbound where ``span`` uses it) is read as, or None."""
        qualname = keras_meaning(name)
        if qualname is None or self._tree is None:
            return None
        if self._bound is None:
            self._bound = set() if _has_star_import(self._tree) else _bound_names(self._tree) | set(dir(builtins))
            if _has_star_import(self._tree):
                self._tree = None  # a foreign star import may bind anything: assume nothing
                return None
        if name in self._bound:
            return None
        self.assumed.append(Assumed(name, qualname, span.line, span.col))
        return qualname


def describe(assumed: list[Assumed]) -> str:
    """The imports the file is read as if it had, written as the user would add them."""
    froms: dict[str, list[str]] = {}
    plain: list[str] = []
    for a in assumed:
        module, _, leaf = a.qualname.rpartition(".")
        if a.qualname in MODULE_PREFIXES.values() or a.qualname == "tensorflow":
            plain.append(f"import {a.qualname}" + (f" as {a.name}" if a.name != a.qualname else ""))
        else:
            froms.setdefault(module, []).append(leaf if leaf == a.name else f"{leaf} as {a.name}")
    lines = [f"from {m} import {', '.join(sorted(names))}" for m, names in froms.items()] + plain
    return "names used without an import were read as Keras': " + "; ".join(f"`{x}`" for x in lines)
