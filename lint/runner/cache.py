"""Per-file results cache: ``.layerlint_cache/`` in the project root.

An entry holds the final diagnostics of one file, keyed on everything they
depend on: the layerlint code (version plus the size and modification time of
its own modules, so an edited checkout never reads stale results), the file's
effective settings, the path it is reported under and the SHA-256 of its bytes.
The entry also lists the modules of the project the file imported, with the
SHA-256 of each as analysed: if any of them changed (or is gone) the entry is a
miss, so editing a helper module re-checks every file that uses it.
Entries are small JSON files written atomically; one that cannot be read back
exactly (truncated, edited, from another format version) is treated as a miss
and rewritten, never trusted.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from layerlint import __version__

if TYPE_CHECKING:  # a run's command line names the cache before any file is checked: imported where entries are read
    from layerlint.diagnostics import Diagnostic
    from layerlint.report.coverage import Checked

CACHE_DIR_NAME = ".layerlint_cache"
CACHE_DIR_ENV = "LAYERLINT_CACHE_DIR"
FORMAT = 4  # 3: entries hold each model's coverage and the project modules the file read; 4: and its training calls
# https://bford.info/cachedir/: backup and archiving tools skip directories holding this tag
CACHEDIR_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
                "# This file is a cache directory tag created by layerlint.\n"
                "# For information about cache directory tags see https://bford.info/cachedir/\n")

_FIELDS = ("code", "name", "message", "severity", "path", "line", "col", "end_line", "end_col", "fix", "cell", "extra")


def project_root(start: Path | None = None) -> Path:
    """The folder of the nearest pyproject.toml at or above ``start`` (the working directory), else ``start``."""
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / "pyproject.toml").is_file():
            return d
    return here


def cache_dir(flag: str | None = None, config: str | None = None) -> Path:
    """``--cache-dir``, else $LAYERLINT_CACHE_DIR, else one cache per project: in the folder of the
    ``--config`` file or of the nearest pyproject.toml, so running from a subfolder reuses it."""
    chosen = flag or os.environ.get(CACHE_DIR_ENV)
    if chosen:
        return Path(chosen)
    root = Path(config).resolve().parent if config else project_root()
    return root / CACHE_DIR_NAME


def code_fingerprint() -> str:
    """layerlint's version, the state of its own source files and the rule plugins installed."""
    import hashlib  # here, not at the top: a run without the cache never hashes

    h = hashlib.sha256(f"{__version__}\0{FORMAT}".encode())
    package_dirs = {Path(__file__).resolve().parent.parent}  # the whole layerlint package, not only the runner
    try:  # the rules package lives apart from lint/ in a checkout; find it without importing it
        spec = importlib.util.find_spec("layerlint.rules")
        package_dirs.update(Path(p).resolve() for p in (spec.submodule_search_locations or []) if spec)
    except (ImportError, ValueError):
        pass
    from layerlint.sources.plugin_scan import plugin_declarations

    for declaration in plugin_declarations() + plugin_declarations("layerlint.layers"):  # a plugin installed, removed or upgraded
        h.update(declaration.encode("utf-8", "surrogatepass") + b"\0")
    for d in sorted(package_dirs):
        for root, dirs, files in os.walk(d):
            dirs[:] = sorted(x for x in dirs if x != "__pycache__")
            for name in sorted(files):
                if name.endswith(".py"):
                    st = os.stat(os.path.join(root, name))
                    h.update(f"{root}/{name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.hexdigest()


class Cache:
    """Look up and store one file's diagnostics; ``None`` as a directory disables it."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self._code = code_fingerprint() if directory is not None else ""
        self._ready = False
        self.hits = 0
        self.misses = 0
        self._digests: dict[str, str | None] = {}  # a module's bytes, hashed once per run

    @property
    def enabled(self) -> bool:
        return self.directory is not None

    def key(self, path: str, settings_key: str, data: bytes) -> str:
        import hashlib

        h = hashlib.sha256()
        for part in (self._code, settings_key, path):
            h.update(part.encode("utf-8", "surrogatepass") + b"\0")
        h.update(hashlib.sha256(data).digest())
        return h.hexdigest()

    def _entry(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / f"v{FORMAT}" / key[:2] / f"{key}.json"

    def get(self, key: str) -> Checked | None:
        if self.directory is None:
            return None
        try:
            doc = json.loads(self._entry(key).read_text(encoding="utf-8"))
            found = _decode_entry(doc, key)
            if found is not None and not self._current(doc.get("reached")):
                found = None
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            found = None
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def _current(self, reached: Any) -> bool:
        """Whether every imported module still has the bytes it was analysed with."""
        if not isinstance(reached, dict):
            return False
        for path, digest in reached.items():
            if path not in self._digests:
                self._digests[path] = _file_digest(path)
            if self._digests[path] != digest:
                return False
        return True

    def put(self, key: str, checked: Checked) -> None:
        if self.directory is None:
            return
        try:
            self._prepare()
            target = self._entry(key)
            target.parent.mkdir(parents=True, exist_ok=True)
            doc = {"format": FORMAT, "key": key, "diagnostics": [_encode_diagnostic(d) for d in checked.diagnostics],
                   "coverage": [c.to_json() for c in checked.coverage], "reached": dict(checked.reached)}
            import tempfile

            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(doc, f, separators=(",", ":"))
            os.replace(tmp, target)
        except (OSError, TypeError, ValueError):
            pass  # a read-only tree or an unencodable extra: the run goes on uncached

    def _prepare(self) -> None:
        if self._ready:
            return
        assert self.directory is not None
        self.directory.mkdir(parents=True, exist_ok=True)
        tag = self.directory / "CACHEDIR.TAG"
        if not tag.exists():
            tag.write_text(CACHEDIR_TAG, encoding="utf-8")
        ignore = self.directory / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Created by layerlint\n*\n", encoding="utf-8")
        self._ready = True


def _file_digest(path: str) -> str | None:
    import hashlib

    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def clear(directory: Path) -> bool:
    """Delete a cache directory; only one that layerlint made (it has our CACHEDIR.TAG)."""
    tag = directory / "CACHEDIR.TAG"
    if not directory.is_dir():
        return False
    if not tag.is_file() or "layerlint" not in tag.read_text(encoding="utf-8", errors="replace"):
        raise OSError(f"{directory} does not look like a layerlint cache (no CACHEDIR.TAG); not removed")
    import shutil

    shutil.rmtree(directory)
    return True


# -- JSON with tuples kept -------------------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value) or "__tuple__" in value:
            raise TypeError("extra holds a dict JSON cannot carry")
        return {k: _encode(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot cache a {type(value).__name__}")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if set(value) == {"__tuple__"}:
            return tuple(_decode(v) for v in value["__tuple__"])
        return {k: _decode(v) for k, v in value.items()}
    return value


def _encode_diagnostic(d: Diagnostic) -> dict:
    return {name: _encode(getattr(d, name)) for name in _FIELDS}


def _decode_entry(doc: Any, key: str) -> Checked | None:
    from layerlint.diagnostics import Diagnostic
    from layerlint.report.coverage import Checked, ModelCoverage

    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("key") != key:
        return None
    out = []
    for item in doc["diagnostics"]:
        if not isinstance(item, dict) or set(item) != set(_FIELDS):
            return None
        values = {name: _decode(item[name]) for name in _FIELDS}
        for name in ("line", "col", "end_line", "end_col"):
            if type(values[name]) is not int:
                return None
        if not isinstance(values["extra"], dict):
            return None
        out.append(Diagnostic(**values))
    coverage = doc["coverage"]
    if not isinstance(coverage, list) or not all(isinstance(c, dict) for c in coverage):
        return None
    reached = doc.get("reached", {})
    if not isinstance(reached, dict):
        return None
    return Checked(out, [ModelCoverage.from_json(c) for c in coverage], dict(reached))
