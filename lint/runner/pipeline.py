"""``check`` over many files: per-file settings, notebooks, stdin, progress.

Each file gets the settings of its nearest configuration; a notebook is analysed
as its joined code cells and its findings are mapped back to cells; standard
input is analysed under the ``--stdin-filename`` path.  The rules themselves run
in check.py.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from layerlint.runner.config import Settings, SettingsResolver
from layerlint.runner.files import STDIN, discover, shown_path
from layerlint.sources.inputs import Input, load_input

if TYPE_CHECKING:  # the analyser (libcst) is imported only when a file needs analysing; `check`'s machinery only by check
    from layerlint.analyze import FileAnalysis
    from layerlint.diagnostics import Diagnostic
    from layerlint.report.coverage import Checked, ModelCoverage
    from layerlint.runner.cache import Cache

T = TypeVar("T")


def analyze_input(inp: Input, verbose: bool = False, settings: Settings | None = None) -> FileAnalysis:
    """Analyse loaded text; every failure becomes a problem on the file, never an exception.
    ``settings`` give the project's source roots; without them, the defaults."""
    fa = _analyze_input(inp, verbose, settings)
    fa.notebook = inp.notebook
    if inp.notebook is not None:
        fa.problems[:0] = inp.notebook.problems
    return fa


def _analyze_input(inp: Input, verbose: bool, settings: Settings | None = None) -> FileAnalysis:
    from layerlint.analyze import FileAnalysis, analyze_text
    from layerlint.engine.model import Span

    if inp.problem is not None:
        fa = FileAnalysis(inp.path, "")
        e = inp.problem
        fa.problems.append((e.code, e.message, Span(e.line, e.col, e.line, e.col)))
        return fa
    collecting = gc.isenabled()
    # A parsed module is hundreds of thousands of acyclic objects; letting the cyclic
    # collector re-scan them while the file is analysed made time grow faster than
    # the file.  Cycles made meanwhile are collected once it is switched back on.
    gc.disable()
    try:
        if settings is None:
            fa = analyze_text(inp.text, inp.path)
        else:
            root = settings.root if settings.config_file is not None else None
            fa = analyze_text(inp.text, inp.path, tuple(settings.src), root, settings.follow_imports,
                              keras_defaults(settings), settings.keras_version)
        if verbose:
            for crash in fa.crashes:
                print(f"layerlint: internal error in {inp.path}, its value left unknown:\n{crash}", file=sys.stderr)
        return fa
    except Exception as e:  # one file's internal error must not stop the run
        if verbose:
            import traceback

            traceback.print_exc(file=sys.stderr)
        fa = FileAnalysis(inp.path, inp.text)
        msg = f"internal error: {type(e).__name__}: {e}; please report this with the file"
        fa.problems.append(("LL002", msg, Span(1, 0, 1, 0)))
        return fa
    finally:
        if collecting:
            gc.enable()


@dataclass
class CheckRun:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0
    coverage: list[ModelCoverage] = field(default_factory=list)  # every model, in file order
    sources: dict[str, str] = field(default_factory=dict)  # texts not on disk (stdin), for `full`


def select_files(paths: list[str], resolver: SettingsResolver, *, stdin_filename: str | None = None,
                 force_exclude: bool = False) -> list[str]:
    """The files ``summary`` and ``check`` read, each once, in a stable order (``-`` for standard input).

    Raises files.PathError for a missing path and config.ConfigError for a bad configuration."""
    force_exclude = force_exclude or resolver.for_path(Path.cwd()).force_exclude

    def policy(directory: Path):
        return resolver.for_path(directory).walk_policy()

    files = discover(paths, policy_for=policy, force_exclude=force_exclude)
    if STDIN in files and force_exclude and stdin_filename:
        if resolver.for_path(Path(stdin_filename)).walk_policy().excludes_path(Path(stdin_filename)):
            files.remove(STDIN)
    return files


def read_stdin(stdin_filename: str | None) -> Input:
    """Standard input, reported as the --stdin-filename (``-`` without one)."""
    shown = shown_path(stdin_filename) if stdin_filename else STDIN
    inp = load_input(shown if stdin_filename else "stdin.py", sys.stdin.buffer.read())
    inp.path = shown
    return inp


def summarize_paths(paths: list[str], resolver: SettingsResolver, each: Callable[[FileAnalysis], T], *,
                    stdin_filename: str | None = None, force_exclude: bool = False, verbose: bool = False,
                    confirm: dict | None = None) -> list[T]:
    """Every file ``summary`` reads (found exactly as ``check`` finds them), analysed and handed to
    ``each``: what it returns, in file order.  ``confirm``: with --confirm, the --assume values; each
    file's models are rebuilt in Keras before ``each`` sees them.  A file's analysis is dropped once
    ``each`` is done with it, so ``each`` keeps what it needs (the rendered text), not the analysis."""
    files = select_files(paths, resolver, stdin_filename=stdin_filename, force_exclude=force_exclude)
    out = []
    for path in files:
        inp = read_stdin(stdin_filename) if path == STDIN else load_input(path)
        settings = resolver.for_path(Path(stdin_filename or "stdin.py") if path == STDIN else Path(path))
        with collector_paused(confirm):
            fa = analyze_and_confirm(inp, verbose, settings, confirm)
            out.append(each(fa))
            release(fa)
            del fa
    return out


def check_paths(paths: list[str], resolver: SettingsResolver, *, stdin_filename: str | None = None,
                force_exclude: bool = False, verbose: bool = False, show_progress: bool = True,
                confirm: dict | None = None, jobs: int = 1, cache: Cache | None = None) -> CheckRun:
    """``confirm``: with --confirm, the --assume values; every model is then rebuilt in Keras (LL950).
    Raises files.PathError for a missing path and config.ConfigError for a bad configuration."""
    from layerlint.diagnostics import Diagnostic
    from layerlint.runner.parallel import FileTask, run_tasks
    from layerlint.runner.progress import Progress

    files = select_files(paths, resolver, stdin_filename=stdin_filename, force_exclude=force_exclude)
    run = CheckRun(files=len(files))
    prepared: dict[int, tuple] = {}
    tasks: list[FileTask] = []
    with Progress(len(files), enabled=None if show_progress else False) as progress:
        for path in files:
            if path != STDIN:
                tasks.append(FileTask(path, resolver.for_path(Path(path))))
                continue
            progress.advance(path)
            settings = resolver.for_path(Path(stdin_filename or "stdin.py"))
            inp = read_stdin(stdin_filename)
            run.sources[inp.path] = inp.raw
            checked = _check_one(inp, settings, prepared, verbose, confirm)
            run.diagnostics += checked.diagnostics
            run.coverage += checked.coverage
        done = run_tasks(tasks, jobs=jobs, cache=cache, verbose=verbose, confirm=confirm, advance=progress.advance)
        run.diagnostics += done.diagnostics
        run.coverage += done.coverage
    run.diagnostics = place_foreign(run.diagnostics, files)
    run.diagnostics.sort(key=Diagnostic.sort_key)
    return run


def place_foreign(diagnostics: list[Diagnostic], files: list[str]) -> list[Diagnostic]:
    """Findings in a module a checked file imports: at that module's line when it is checked
    too, else where the checked file called into it; each finding once, however many files
    reach it.  Only the files named are reported on (pre-commit names the changed ones)."""
    import dataclasses

    checked: dict[str, str] = {}
    for f in files:
        if f != STDIN:
            checked.setdefault(_real(f), f)
    out: list[Diagnostic] = []
    # A finding the module's own analysis made is not repeated for a file that reaches it.
    seen: set[tuple] = {(d.code, _real(d.path), d.line, d.col, d.message) for d in diagnostics
                        if not (isinstance(d.extra, dict) and "origin" in d.extra) and d.path in checked.values()}
    for d in diagnostics:
        origin = d.extra.get("origin") if isinstance(d.extra, dict) else None
        if isinstance(origin, dict):
            shown = checked.get(_real(origin["path"]))
            key: tuple = (d.code, _real(origin["path"]), origin["line"], origin["col"], origin["message"])
            if key in seen:
                continue
            seen.add(key)
            if shown is not None:
                d = dataclasses.replace(d, path=shown, line=origin["line"], col=origin["col"],
                                        end_line=origin["end_line"], end_col=origin["end_col"], cell=None,
                                        message=f"{origin['message']} (via {origin['via']})")
        out.append(d)
    return out


def _real(path: str) -> str:
    try:
        return str(Path(path).resolve())
    except (OSError, RuntimeError):
        return path


def _check_one(inp: Input, settings: Settings, prepared: dict, verbose: bool, confirm: dict | None = None) -> Checked:
    """The file's diagnostics, its models' coverage, and the project modules it read (path -> sha256)."""
    from layerlint.report.coverage import Checked, model_coverage
    from layerlint.runner.check import check_analysis, enabled_rules

    if id(settings) not in prepared:
        cs = settings.check_settings(verbose)
        prepared[id(settings)] = (cs, enabled_rules(cs))
    cs, rules = prepared[id(settings)]
    with collector_paused(confirm):
        fa = analyze_and_confirm(inp, verbose, settings, confirm)
        diagnostics = check_analysis(fa, cs, rules)
        if inp.notebook is not None:
            diagnostics = inp.notebook.remap_all(diagnostics)
        checked = Checked([d for d in diagnostics if not settings.is_ignored_for(d.code, d.path)], model_coverage(fa),
                          fa.reached)
        release(fa)
        del fa
        return checked


@contextmanager
def collector_paused(confirm: dict | None) -> Iterator[None]:
    """The cyclic collector off for the block, unless --confirm runs (``confirm`` not None) or it is off already.

    The block holds a file's parse tree and models until it releases them: switched on while they
    live, the collector's next pass would scan every node of them for nothing.  Keras, which
    --confirm runs, keeps its own collector, so it is left alone then."""
    paused = confirm is None and gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def analyze_and_confirm(inp: Input, verbose: bool, settings: Settings, confirm: dict | None) -> FileAnalysis:
    """``inp`` analysed; with --confirm (``confirm``: the --assume values) its models rebuilt in Keras too."""
    fa = analyze_input(inp, verbose, settings)
    if confirm is not None:
        from layerlint.confirm.compare import confirm_file

        confirm_file(fa, confirm)
    return fa


def release(fa: FileAnalysis) -> None:
    """Break the cycles that would keep a finished file's parse tree and models alive until the
    cyclic collector's next pass: dropped, they are freed at once."""
    # The symbols read from shapes (one dict per file) lead, through the graph, to sub-models
    # naming the dict again: emptied, the file's models are freed without the collector.
    for m in [*(sm.model for sm in fa.models), *fa.subclassed]:
        m.shape_refs.clear()
    _release_applications(fa)


def _release_applications(fa: FileAnalysis) -> None:
    """A keras.applications model and its Application name each other; through the spans of its
    layers that cycle kept the file's whole parse tree for the cyclic collector (half of what it
    collected over keras-io).  Once the file is checked nothing asks an Application for its model."""
    from layerlint.engine.shapes import runs_within

    for sm in runs_within(fa.models):
        if sm.model.application is not None:
            sm.model.application.model = None
        for row in sm.layers:
            recorded = getattr(row.source, "recorded", None)
            if recorded is not None and recorded.application is not None:
                recorded.application.model = None


def analyze_path(path: str, verbose: bool = False) -> FileAnalysis:
    """Analyse one file (Python or notebook); failures become problems on the file, never exceptions.
    The file's configuration gives its project's source roots (defaults if it cannot be read)."""
    return analyze_input(load_input(path), verbose, project_settings(path))


def project_settings(path: str) -> Settings | None:
    """The settings that decide where the file's imports are searched (``src``,
    ``follow-imports``), read without loading the rules; None for the defaults."""
    import dataclasses

    from layerlint.runner.config import ConfigError, find_config_file, parse_keras_version, read_config_file

    try:
        config = find_config_file(Path(path))
        table = read_config_file(config) if config is not None else None
    except ConfigError:
        return None
    if config is None or table is None:
        return None
    src, follow = table.get("src", Settings.src), table.get("follow-imports", True)
    backend = table.get("keras-backend", Settings.keras_backend)
    data_format = table.get("image-data-format", Settings.image_data_format)
    try:
        version = parse_keras_version(table.get("keras-version", Settings.keras_version))
    except ValueError:
        return None
    if not (isinstance(src, list | tuple) and all(isinstance(s, str) for s in src)) or not isinstance(follow, bool) \
            or not isinstance(backend, str) or not isinstance(data_format, str):
        return None  # `check` reports the bad value
    return dataclasses.replace(Settings(thresholds={}), src=tuple(src), follow_imports=follow, keras_backend=backend,
                               image_data_format=data_format, keras_version=version, config_file=config,
                               root=config.parent)


def keras_defaults(settings: Settings) -> dict[str, str]:
    """What Keras' backend queries answer for this file, where the settings differ from Keras' defaults."""
    out = {}
    if settings.keras_backend != "tensorflow":
        out["backend"] = settings.keras_backend
    if settings.image_data_format != "channels_last":
        out["image_data_format"] = settings.image_data_format
    return out
