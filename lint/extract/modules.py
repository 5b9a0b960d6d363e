"""The project's own modules, each read and run once per process, shared by every file that imports it.

A module's top level is run by an interpreter of its own (statements, function
and class definitions, constants, models built at import time); its globals are
what importers see.  A function an importer calls then runs in the importer's
interpreter, in the module's globals, so the layers it makes belong to the
importer's model with spans in the module's file.

A module is kept while its file's size and modification time stay the same.
Each file that reaches it starts from the values it had after its top level
ran, so what one file's calls change in it (a ``global`` rebound, a list
appended to) is not seen by the next file: results do not depend on the order
files are analysed in, nor on how they are spread over ``--jobs`` workers.
"""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from layerlint.extract.runtime import BudgetExceeded, Frame, is_plain_data
from layerlint.sources.project import Layout, shown_path
from layerlint.sources.source import SourceError, decode, read_bytes

# What one analysed file may pull in: modules in all, and imports inside imports.
MAX_MODULES = 64
MAX_DEPTH = 12
MAX_TOTAL_BYTES = 4 * 1024 * 1024


@dataclass(eq=False)
class ModuleUnit:
    """One module of the project, as its top level left it."""

    path: Path  # resolved; a folder for a namespace package
    name: str  # dotted, as first imported
    shown: str  # how messages name its file
    stamp: tuple = ()
    digest: str = ""
    size: int = 0
    module: Any = None  # libcst Module
    positions: Any = None
    globals: Frame = field(default_factory=lambda: Frame(None))
    state: str = "loading"  # loading | done | failed
    reason: str | None = None  # why it could not be read
    # every module its top level reached, path -> digest, and what budgets cut there
    reached: dict[str, str] = field(default_factory=dict)
    cut: list[str] = field(default_factory=list)
    notes: list = field(default_factory=list)  # what its imports could not follow (cycles, missing modules)
    # Keras 2 backend names its top level read (BackendUse): each import of the module runs them (LL504)
    backend_uses: list = field(default_factory=list)
    snapshot: dict[str, Any] = field(default_factory=dict)


_REGISTRY: dict[tuple, ModuleUnit] = {}  # (path, Keras defaults) -> the module as it ran
_LOADING: list[ModuleUnit] = []


def clear_registry() -> None:
    _REGISTRY.clear()


class ProjectImports:
    """One analysed file's view of its project: where imports are searched, what it reached."""

    def __init__(self, importer: Path, layout: Layout, keras_defaults: dict | None = None,
                 keras_version: int = 3) -> None:
        self.importer = importer
        self.layout = layout
        self.keras_defaults = dict(keras_defaults or {})  # image_data_format etc. when configured
        self.keras_version = keras_version  # the Keras the project is read as (tf-keras for 2)
        self.reached: dict[str, str] = {}  # resolved path -> sha256 of the bytes analysed
        self.bytes = 0
        self.cut: list[str] = []  # what the budgets left out, said once each
        self.notes: list = []  # Notes on imports that could not be followed, here or in the modules reached
        self.fresh: set[int] = set()  # ids of units restored for this file

    def for_module(self, unit: ModuleUnit) -> ProjectImports:
        """The view a module's own top level imports through: its folder first, the same roots."""
        here = unit.path if unit.path.is_dir() else unit.path.parent
        # The analysed file's folder stays a root: Python keeps the script's folder on sys.path.
        return ProjectImports(unit.path, Layout((here, *(r for r in self.layout.roots if r != here))),
                              self.keras_defaults, self.keras_version)

    def budget_refusal(self, unit: ModuleUnit | None, name: str) -> str | None:
        """Why ``name`` may not be pulled in, or None."""
        if len(_LOADING) >= MAX_DEPTH:
            return f"import of `{name}` not followed: imports nested more than {MAX_DEPTH} deep"
        if unit is None:
            return None
        new = {p for p in (str(unit.path), *unit.reached) if p not in self.reached}
        if len(self.reached) + len(new) > MAX_MODULES:
            return f"import of `{name}` not followed: over the budget of {MAX_MODULES} project modules per file"
        if self.bytes + unit.size > MAX_TOTAL_BYTES:
            return f"import of `{name}` not followed: over the budget of {MAX_TOTAL_BYTES // 2**20} MiB of project modules per file"
        return None

    def reach(self, unit: ModuleUnit) -> None:
        if str(unit.path) not in self.reached:
            self.bytes += unit.size
            self.reached[str(unit.path)] = unit.digest
        self.reached.update(unit.reached)
        for c in unit.cut:
            if c not in self.cut:
                self.cut.append(c)
        for n in unit.notes:
            if n not in self.notes:
                self.notes.append(n)
        if id(unit) not in self.fresh:
            self.fresh.add(id(unit))
            restore(unit)


def restore(unit: ModuleUnit) -> None:
    """Put back the values the module's top level left (see the module docstring)."""
    if unit.state != "done":
        return
    vars_ = unit.globals.vars
    vars_.clear()
    for k, v in unit.snapshot.items():
        vars_[k] = copy.deepcopy(v) if isinstance(v, (list, dict)) and is_plain_data(v) else v


def registry_key(path: Path, importer: ProjectImports) -> tuple:
    # A module whose top level asks image_data_format() runs once per answer, and once per Keras it is read as.
    return (path, tuple(sorted(importer.keras_defaults.items())), importer.keras_version)


def _stamp(path: Path) -> tuple:
    try:
        st = path.stat()
    except OSError:
        return ()
    return (st.st_mtime_ns, st.st_size)


def load(path: Path, name: str, importer: ProjectImports) -> ModuleUnit:
    """The module at ``path``, run once per process (again when its file changed)."""
    stamp = _stamp(path)
    key = registry_key(path, importer)
    unit = _REGISTRY.get(key)
    if unit is not None and (unit.stamp == stamp or unit.state == "loading"):
        return unit
    unit = ModuleUnit(path, name, shown_path(path), stamp)
    unit.globals.unit = unit
    _REGISTRY[key] = unit
    if path.is_dir():  # a namespace package: no code, only submodules
        unit.state = "done"
        return unit
    try:
        data = read_bytes(path)
        text = decode(data, str(path))
    except SourceError as e:
        unit.state, unit.reason = "failed", e.message
        return unit
    import hashlib  # here: OpenSSL's module costs every run, and most files import no project module

    unit.digest = hashlib.sha256(data).hexdigest()
    unit.size = len(data)
    _run(unit, text, importer.for_module(unit))
    return unit


def _run(unit: ModuleUnit, text: str, imports: ProjectImports) -> None:
    import libcst as cst
    from layerlint.extract.interp import Interpreter
    from layerlint.extract.parse import parse_module
    from layerlint.sources.preflight import preflight

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        problem, tree = preflight(text)
        if problem is not None:
            # the line is the module's own, not the importer's: named with its file
            unit.state, unit.reason = "failed", f"{problem.message} at {unit.shown}:{problem.span.line}"
            return
        try:
            unit.module = parse_module(text, tree)
        except (cst.ParserSyntaxError, cst.CSTValidationError, RecursionError):
            unit.state, unit.reason = "failed", "layerlint's parser cannot read it"
            return
        interp = Interpreter(unit.module, unit.shown, text, tree, project=imports, unit=unit)
        unit.positions = interp.positions
        _LOADING.append(unit)
        try:
            interp.run_module()
        except (BudgetExceeded, RecursionError):
            unit.cut.append(f"`{unit.name}` was only partly analysed: over the analysis budget")
        finally:
            _LOADING.pop()
    unit.reached = dict(imports.reached)
    unit.cut.extend(c for c in imports.cut if c not in unit.cut)
    unit.notes = list(imports.notes)
    unit.backend_uses = list(interp.result.legacy_backend.values())
    unit.snapshot = dict(unit.globals.vars)
    unit.state = "done"


def loading(unit: ModuleUnit) -> bool:
    return unit.state == "loading"
