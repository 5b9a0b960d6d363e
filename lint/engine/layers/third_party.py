"""Third-party layers declared as data: the ``layerlint.layers`` plugin interface.

A package (or layerlint itself, for the ones shipped in ``contrib_*`` modules)
declares a layer by where it is imported from, its constructor's positional
parameters and defaults, and one compute function with the same contract as
Keras layers' (bound configuration and input shapes in, output shape and
weights in ``get_weights()`` order out).  The user's code is never imported:
a class matches by its package root and its name under a ``layers`` module, so
``tfa.layers.GroupNormalization`` and ``from tensorflow_addons.layers import
GroupNormalization`` are the same declaration.

A plugin distribution advertises, under the entry-point group
``layerlint.layers``, an object that is a :class:`ThirdPartyLayer`, an iterable
of them, or a callable returning such an iterable.  Every other third-party
layer stays opaque, named by its class.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from layerlint.engine.layers.base import REGISTRY, ComputeFn, LayerSpec

ENTRY_POINT_GROUP = "layerlint.layers"


@dataclass(frozen=True)
class ThirdPartyLayer:
    """One third-party layer class, as data."""

    package: str  # the import root: "tensorflow_addons"
    name: str  # the class name, as Keras' summary prints it: "GroupNormalization"
    positional: tuple[str, ...]  # constructor parameters in order
    compute: ComputeFn
    defaults: dict[str, Any] = field(default_factory=dict)
    also: tuple[str, ...] = ()  # other roots exposing the same class (keras_hub for keras_nlp)
    input_rank: int | None = None

    @property
    def key(self) -> str:
        return f"{self.package}.{self.name}"


_BY_ROOT: dict[tuple[str, str], str] = {}  # (import root, class name) -> registry key
_KEYS: set[str] = set()  # _BY_ROOT's values: every row's class is looked up here
LOAD_ERRORS: list[str] = []
_plugins_loaded = False


def register_third_party(spec: ThirdPartyLayer) -> None:
    REGISTRY[spec.key] = LayerSpec(name=spec.key, positional=spec.positional, defaults=dict(spec.defaults),
                                   compute=spec.compute, input_rank=spec.input_rank, family="third_party")
    for root in (spec.package, *spec.also):
        _BY_ROOT[(root, spec.name)] = spec.key
    _KEYS.add(spec.key)


def third_party_key(qualname: str) -> str | None:
    """The registry key of a declared third-party layer reached by this import path."""
    parts = qualname.split(".")
    if len(parts) < 3 or "layers" not in parts[1:-1]:
        return None
    load_layer_plugins()
    return _BY_ROOT.get((parts[0], parts[-1]))


def is_third_party(cls: str) -> bool:
    return cls in _KEYS


def class_name(cls: str) -> str:
    """What Keras' summary calls a declared layer: its class name without the package."""
    if "." not in cls:  # a Keras class (asked once per row): no package to drop, no registry to scan
        return cls
    return cls.rsplit(".", 1)[-1] if is_third_party(cls) else cls


def load_layer_plugins() -> None:
    """Register the layers installed plugins declare; a broken plugin is recorded and skipped."""
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    from layerlint.sources.plugin_scan import plugin_declarations

    if not plugin_declarations(ENTRY_POINT_GROUP):  # a file scan: importlib.metadata costs start-up time
        return
    from importlib.metadata import entry_points

    try:
        eps = entry_points(group=ENTRY_POINT_GROUP)
    except Exception as e:  # a broken installation's metadata must not stop the analysis
        LOAD_ERRORS.append(f"could not list {ENTRY_POINT_GROUP} entry points: {e}")
        return
    for ep in eps:
        try:
            for spec in declared(ep.load()):
                register_third_party(spec)
        except Exception as e:
            LOAD_ERRORS.append(f"layer plugin {ep.name!r} ({ep.value}) failed to load: {type(e).__name__}: {e}")


def declared(obj: Any) -> list[ThirdPartyLayer]:
    """The layers an entry point's object declares."""
    if isinstance(obj, ThirdPartyLayer):
        return [obj]
    if callable(obj) and not isinstance(obj, type):
        obj = obj()
    if isinstance(obj, Iterable):
        specs = list(obj)
        if all(isinstance(s, ThirdPartyLayer) for s in specs):
            return specs
    raise TypeError("a layerlint.layers entry point must give ThirdPartyLayer objects")
