"""Checking many files: the results cache first, then the misses over a process pool.

The main process resolves settings and reads and hashes every file; only the
files the cache does not answer are analysed, in worker processes when there
are several of them (``--jobs``, default: the CPU count).  Results are put
back in the order of the files given, so any ``--jobs`` prints the same output.

The project's own modules a file imports are analysed once per process
(lint/extract/modules.py).  So that workers do not each analyse them again, the
main process first checks one file that imports the project's modules, then
forks the workers, which inherit every module it analysed.  A module that only
other files reach is still analysed once in each worker reaching it; where
processes are not forked (not on Linux), each worker analyses its own.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from layerlint.report.coverage import Checked
from layerlint.runner.cache import Cache
from layerlint.runner.config import Settings
from layerlint.sources.source import SourceError, read_bytes

# Below this many files to analyse, starting workers costs more than it saves.
MIN_FILES_FOR_POOL = 4


@dataclass
class FileTask:
    path: str
    settings: Settings
    data: bytes | None = None  # the bytes hashed for the cache, analysed as they are
    key: str | None = None


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def settings_key(settings: Settings) -> str:
    """Everything in the settings that can change a file's diagnostics."""
    return repr(settings)


# Per process: CheckSettings and enabled rules, keyed by id() of the settings in _canonical,
# which keeps one object alive per distinct settings (a worker unpickles a new copy per task).
_prepared: dict[Any, tuple] = {}
_canonical: dict[str, Settings] = {}


def check_task(task: FileTask, verbose: bool = False, confirm: dict | None = None) -> Checked:
    """Analyse and check one file (in this process or a worker); never raises for a bad file."""
    from layerlint.runner.pipeline import _check_one
    from layerlint.sources.inputs import load_input

    settings = _canonical.setdefault(settings_key(task.settings), task.settings)
    inp = load_input(task.path, task.data) if task.data is not None else load_input(task.path)
    return _check_one(inp, settings, _prepared, verbose, confirm)


def _run_one(args: tuple) -> Checked:
    return check_task(*args)


def run_tasks(tasks: list[FileTask], *, jobs: int = 1, cache: Cache | None = None, verbose: bool = False,
              confirm: dict | None = None, advance: Callable[[str], None] = lambda _: None) -> Checked:
    """Diagnostics and coverage of every task, file by file in task order."""
    results: list[Checked | None] = [None] * len(tasks)
    todo: list[int] = []
    use_cache = cache is not None and cache.enabled and confirm is None
    for i, task in enumerate(tasks):
        if use_cache:
            assert cache is not None
            _read(task)
            if task.data is not None:
                task.key = cache.key(task.path, settings_key(task.settings), task.data)
                hit = cache.get(task.key)
                if hit is not None:
                    results[i] = hit
                    advance(task.path)
                    continue
        todo.append(i)
    if jobs > 1 and len(todo) >= MIN_FILES_FOR_POOL and confirm is None:
        _analyse_in_pool(tasks, todo, results, jobs, verbose, advance)
    for i in todo:
        if results[i] is None:
            results[i] = check_task(tasks[i], verbose, confirm)
            advance(tasks[i].path)
    if use_cache:
        assert cache is not None
        for i in todo:
            key = tasks[i].key
            if key is not None:
                cache.put(key, results[i] or Checked())
    return Checked([d for r in results if r for d in r.diagnostics], [c for r in results if r for c in r.coverage])


def _read(task: FileTask) -> None:
    """The file's bytes, when it can be cached; unreadable files go to the analyser, which reports them."""
    try:
        task.data = read_bytes(task.path)
    except SourceError:
        task.data = None


def _analyse_in_pool(tasks: list[FileTask], todo: list[int], results: list, jobs: int, verbose: bool,
                     advance: Callable[[str], None]) -> None:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from layerlint.analyze import analyze_text  # noqa: F401

    # Import the analyser before forking so workers share it instead of each importing it.
    from layerlint.runner import pipeline  # noqa: F401

    first = _first_importing_project(tasks, todo)
    if first is not None:
        results[first] = check_task(tasks[first], verbose, None)
        advance(tasks[first].path)
    # Largest first: the long files start early and the short ones fill the gaps.
    order = sorted((i for i in todo if i != first), key=lambda i: -_size(tasks[i]))
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(order)), mp_context=_fork_context()) as pool:
            futures = {i: pool.submit(_run_one, (tasks[i], verbose, None)) for i in order}
            for i in order:
                results[i] = futures[i].result()
                advance(tasks[i].path)
    except (BrokenProcessPool, OSError):
        pass  # a worker died (out of memory, killed): what is left runs in this process


# How many files to scan for one importing the project's modules before giving up.
FIRST_SCAN_LIMIT = 32


def _first_importing_project(tasks: list[FileTask], todo: list[int]) -> int | None:
    """The first file (in the order given) whose imports, by a line scan, reach a module of its project."""
    from pathlib import Path

    from layerlint.sources.project import imported_names, layout_for, resolve

    for i in todo[:FIRST_SCAN_LIMIT]:
        task = tasks[i]
        settings = task.settings
        if not settings.follow_imports or task.path.endswith(".ipynb"):
            continue
        if task.data is None:
            _read(task)
        if task.data is None:
            continue
        names = imported_names(task.data.decode("utf-8", "replace"))
        if not names:
            continue
        layout = layout_for(task.path, tuple(settings.src), settings.root if settings.config_file is not None else None)
        importer = Path(task.path).resolve()
        if any(resolve(name, level, importer, layout) is not None for level, name in names):
            return i
    return None


def _fork_context() -> Any:
    """Forked workers inherit the modules the main process analysed; elsewhere the platform's default."""
    import multiprocessing

    return multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None


def _size(task: FileTask) -> int:
    if task.data is not None:
        return len(task.data)
    try:
        return os.path.getsize(task.path)
    except OSError:
        return 0
