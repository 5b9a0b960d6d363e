"""Imports: Keras and other libraries become references to names; the project's own
modules are found on disk (lint/sources/project.py), run once (modules.py) and
their values bound, as Python's import would bind them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import libcst as cst
from layerlint.engine.symbolic import Expr
from layerlint.extract.modules import ModuleUnit, ProjectImports, load, loading
from layerlint.extract.runtime import Frame, dotted
from layerlint.extract.values import LazyImport, ModuleVal, Ref
from layerlint.sources.project import is_project_candidate, resolve
from layerlint.sources.span import Span


class Importing:
    """The Interpreter's imports (a mixin: state lives on the Interpreter)."""

    def exec_import(self, small: cst.Import, frame: Frame) -> None:
        for alias in small.names:
            full = dotted(alias.name)
            if alias.asname is not None:
                target = self.project_module(full, 0, small)
                frame.assign(alias.asname.name.value, Ref(full) if target is None else target)
            else:
                top = full.split(".")[0]
                target = self.project_module(top, 0, small)
                if target is not None and full != top:
                    self.project_module(full, 0, small)  # `import pkg.mod` runs pkg/mod.py too
                frame.assign(top, Ref(top) if target is None else target)

    def exec_import_from(self, small: cst.ImportFrom, frame: Frame) -> None:
        level = len(small.relative)
        base = dotted(small.module) if small.module is not None else ""
        if self.project is not None and not isinstance(small.names, cst.ImportStar) and self.lazy_ok(base, level):
            # Read when a name is used (lookup() resolves it), so what no model needs is never parsed.
            importer = Path(self.unit.path) if self.unit is not None else self.project.importer
            for alias in small.names:
                name = dotted(alias.name)
                local = alias.asname.name.value if alias.asname is not None else name
                frame.assign(local, LazyImport(base, level, name, importer, self.unit, small))
            return
        target = self.project_module(base, level, small)
        if target is None:
            if level:
                shown = "." * level + base
                self.import_note(small, f"module `{shown}` is not a file of this project: what it gives is unknown")
                if not isinstance(small.names, cst.ImportStar):
                    for alias in small.names:
                        local = alias.asname.name.value if alias.asname is not None else dotted(alias.name)
                        frame.assign(local, Expr.symbol(local))
                return
            if isinstance(small.names, cst.ImportStar):
                if base not in frame.globals.star_modules:  # a repeated star import must not slow every lookup
                    frame.globals.star_modules.append(base)
                return
            for alias in small.names:
                name = dotted(alias.name)
                local = alias.asname.name.value if alias.asname is not None else name
                frame.assign(local, Ref(f"{base}.{name}"))
                if base == "keras.backend":
                    self.note_backend_name(f"{base}.{name}", alias, imported=True)
                self.note_removed_import(base, name, alias)
            return
        if not isinstance(target, ModuleVal):  # cut by a budget: already noted
            self.bind_unknown_imports(small, frame)
            return
        unit = target.unit
        if isinstance(small.names, cst.ImportStar) and loading(unit):
            self.import_note(small, f"`from {'.' * level + base} import *` while `{unit.name}` is itself being imported "
                                    "(a circular import): the names it defines later are not imported")
        if isinstance(small.names, cst.ImportStar):
            public = unit.globals.vars.get("__all__")
            names = [n for n in public if isinstance(n, str)] if isinstance(public, (list, tuple)) else \
                [n for n in unit.globals.vars if not n.startswith("_")]
            for n in names:
                if n in unit.globals.vars:
                    frame.assign(n, unit.globals.vars[n])
            return
        for alias in small.names:
            name = dotted(alias.name)
            local = alias.asname.name.value if alias.asname is not None else name
            frame.assign(local, self.module_member(unit, name, small))

    def lazy_ok(self, name: str, level: int) -> bool:
        """Whether ``from name import ...`` is a module of the project that may be read later:
        not one being imported right now (a cycle), whose missing names Python would refuse."""
        if not level and not is_project_candidate(name):
            return False
        importer = Path(self.unit.path) if self.unit is not None else self.project.importer
        path = resolve(name, level, importer, self.project.layout)
        if path is None:
            return False
        try:
            known = self.known_unit(path.resolve(), self.project)
        except (OSError, RuntimeError):
            return False
        return known is None or not loading(known)

    def resolve_lazy(self, lazy: LazyImport) -> Any:
        """The value a lazily imported name stands for, loading its module now (once per file)."""
        done = self.lazy_values.get(id(lazy))
        if done is not None:
            return done[1]
        if id(lazy) in self.lazy_pending:  # names importing each other in a cycle
            return Expr.symbol(lazy.name)
        self.lazy_pending.add(id(lazy))
        saved = self.enter_unit(lazy.unit) if lazy.unit is not self.unit else None
        try:
            target = self.project_module(lazy.base, lazy.level, lazy.node, importer=lazy.importer)
            value = self.module_member(target.unit, lazy.name, lazy.node) if isinstance(target, ModuleVal) \
                else Expr.symbol(lazy.name)
            if isinstance(value, LazyImport):  # a package re-exporting what it imported
                value = self.resolve_lazy(value)
        finally:
            if saved is not None:
                self.unit, self.module, self.positions = saved
            self.lazy_pending.discard(id(lazy))
        self.lazy_values[id(lazy)] = (lazy, value)  # keeps the key's object alive
        return value

    def bind_unknown_imports(self, small: cst.ImportFrom, frame: Frame) -> None:
        if isinstance(small.names, cst.ImportStar):
            return
        for alias in small.names:
            local = alias.asname.name.value if alias.asname is not None else dotted(alias.name)
            frame.assign(local, Expr.symbol(local))

    def project_module(self, name: str, level: int, node: cst.CSTNode, importer: Path | None = None) -> Any:
        """A ModuleVal for a module of the project, a symbol when a budget cut it, else None."""
        project = self.project
        if project is None or (not level and not is_project_candidate(name)):
            return None
        if importer is None:
            importer = Path(self.unit.path) if self.unit is not None else project.importer
        path = resolve(name, level, importer, project.layout)
        if path is None:
            return None
        try:
            path = path.resolve()
        except (OSError, RuntimeError):
            return None
        shown = "." * level + name
        known = self.known_unit(path, project)
        why = project.budget_refusal(known, shown)
        if why is not None:
            self.cut_import(node, why)
            return Expr.symbol(shown)
        unit = load(path, shown, project)
        why = project.budget_refusal(unit, shown) if known is None else None
        if why is not None:
            self.cut_import(node, why)
            return Expr.symbol(shown)
        if unit.state == "failed":
            self.import_note(node, f"module `{shown}` ({unit.shown}) cannot be analysed: {unit.reason}")
        project.reach(unit)
        self.import_backend_uses(unit, node)
        return ModuleVal(unit)

    def import_backend_uses(self, unit: ModuleUnit, node: cst.CSTNode) -> None:
        """The Keras 2 backend names a project module's top level reads (``from keras.backend import
        int_shape``): Keras 3 raises there when this import runs it, so LL504 reports them via this import."""
        if not unit.backend_uses:
            return
        sp = self.span_in(self.unit, node)
        here = (self.unit.shown if self.unit is not None else None, sp.line, sp.col)
        for use in unit.backend_uses:
            s = use.span
            span = Span(s.line, s.col, s.end_line, s.end_col, s.path, self.call_chain() + (here,) + tuple(s.via))
            self.result.legacy_backend.setdefault((span.path, span.line, span.col), replace(use, span=span))

    def known_unit(self, path: Path, project: ProjectImports) -> ModuleUnit | None:
        from layerlint.extract.modules import _REGISTRY, registry_key

        return _REGISTRY.get(registry_key(path, project))

    def import_note(self, node: cst.CSTNode, message: str) -> None:
        """A note on an import; one made in a module reached is the importing file's too."""
        self.note(node, message)
        if self.unit is not None and self.project is not None:
            note = self.result.notes[-1] if self.result.notes and self.result.notes[-1].message == message else None
            if note is not None and note not in self.project.notes:
                self.project.notes.append(note)

    def cut_import(self, node: cst.CSTNode, why: str) -> None:
        if why not in self.project.cut:
            self.project.cut.append(why)
        self.note(node, why)

    def module_member(self, unit: ModuleUnit, name: str, node: cst.CSTNode) -> Any:
        """``from pkg import name`` / ``pkg.name``: a value of its top level, else its submodule."""
        if name in unit.globals.vars:
            return unit.globals.vars[name]
        if unit.path.is_dir() or unit.path.name == "__init__.py":
            sub = self.project_module_at(unit, name, node)
            if sub is not None:
                return sub
        if loading(unit):
            self.import_note(node, f"`{name}` is not yet defined in `{unit.name}` when it is imported (a circular import)")
        elif unit.state == "done":
            self.import_note(node, f"`{name}` is not defined in `{unit.name}` ({unit.shown})")
        return Expr.symbol(name)

    def project_module_at(self, unit: ModuleUnit, name: str, node: cst.CSTNode) -> Any:
        base = unit.path if unit.path.is_dir() else unit.path.parent
        if not ((base / f"{name}.py").is_file() or (base / name).is_dir()):
            return None
        # Relative to the package's own file: level 1 from inside it.
        return self.project_module(name, 1, node, importer=base / "__init__.py")

    def module_attribute(self, mv: ModuleVal, attr: str, node: cst.CSTNode) -> Any:
        value = self.module_member(mv.unit, attr, node)
        return self.resolve_lazy(value) if isinstance(value, LazyImport) else value
