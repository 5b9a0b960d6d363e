"""Reading a source file into text: encodings, BOMs, binary and oversized files."""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 8 * 1024 * 1024  # larger files are reported, not parsed

_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


class SourceError(Exception):
    """The file cannot be read as Python text; ``code`` is the finding to report."""

    def __init__(self, code: str, message: str, line: int = 1, col: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.col = col


@dataclass
class Source:
    path: str
    text: str


def decode(data: bytes, path: str) -> str:
    """Decode like Python does: BOM, then a PEP 263 coding line, else UTF-8."""
    if b"\x00" in data:
        raise SourceError("LL003", "file contains NUL bytes: not Python source")
    encoding = "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    else:
        for line in data.splitlines()[:2]:
            m = _CODING.match(line)
            if m:
                encoding = m.group(1).decode("ascii")
                break
    try:
        return data.decode(encoding)
    except LookupError:
        raise SourceError("LL003", f"unknown source encoding `{encoding}`") from None
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise SourceError("LL003", f"file is not valid {encoding}: byte 0x{data[e.start]:02x} at offset {e.start}", line) from None
    except (UnicodeError, ValueError) as e:  # codecs such as punycode fail without a position
        raise SourceError("LL003", f"file cannot be decoded as {encoding}: {e}") from None


def read_bytes(path: str | Path) -> bytes:
    """A regular file's bytes, at most MAX_BYTES; raises SourceError (LL003) otherwise."""
    p = Path(path)
    try:
        st = p.stat()
        # A FIFO would block and /dev/zero never ends: read regular files only.
        if not stat.S_ISREG(st.st_mode):
            what = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file (a pipe, socket or device)"
            raise SourceError("LL003", f"{what}: not read")
        if st.st_size > MAX_BYTES:
            raise SourceError("LL003", f"file is {st.st_size / 1048576:.1f} MiB, over the {MAX_BYTES // 1048576} MiB "
                                       "read limit; not analysed")
        with p.open("rb") as f:
            data = f.read(MAX_BYTES + 1)  # the file may have grown since stat()
    except SourceError:
        raise
    except PermissionError:
        raise SourceError("LL003", "permission denied: file cannot be read") from None
    except FileNotFoundError:
        if p.is_symlink():
            raise SourceError("LL003", f"broken symlink: its target {os.readlink(p)!r} does not exist") from None
        raise SourceError("LL003", "file not found") from None
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise SourceError("LL003", "symlink loop: the link never reaches a file") from None
        raise SourceError("LL003", f"cannot read file: {e.strerror or e}") from None
    if len(data) > MAX_BYTES:
        raise SourceError("LL003", f"file is over the {MAX_BYTES // 1048576} MiB read limit; not analysed")
    return data


def read_source(path: str | Path) -> Source:
    return Source(str(path), decode(read_bytes(path), str(path)))
