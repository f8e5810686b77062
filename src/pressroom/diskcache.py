"""Results kept between runs, keyed by the bytes they are computed from.

A no-op ``invoke build`` would otherwise spend most of its time parsing YAML and
checking catalogues that have not changed since the last run. Each result is
stored as ``<cache>/<kind>/<key>.pickle`` (``build/.cache``), where the key is
the sha256 of pressroom's own code, the Python version and the inputs' bytes:
any change to either gives a new key, so a stale result is never read. The
folder is pressroom's own (``build/`` is never committed or shared); an entry
that cannot be read is computed again, and each kind keeps its newest
:data:`KEEP` entries.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import pressroom
from pressroom.fsutil import atomic_write_bytes, sha256_file_cached

T = TypeVar("T")
KEEP = 64  # entries per kind


def package_digest(package: Path) -> tuple[str, int]:
    """The sha256 of a package's files (relative path and bytes; not bytecode,
    hidden or backup files) and their number."""
    digest = hashlib.sha256()
    files = sorted(p for p in package.rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts
                   and p.suffix not in (".pyc", ".pyo")
                   and not p.name.startswith(".") and not p.name.endswith("~"))
    for path in files:
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(bytes.fromhex(sha256_file_cached(path)))
    return digest.hexdigest(), len(files)


@functools.cache
def pressroom_digest() -> tuple[str, int]:
    """:func:`package_digest` of pressroom itself, once per process (the build
    environment's record of pressroom's code reads it too)."""
    return package_digest(Path(pressroom.__file__).parent)


def _code() -> bytes:
    return f"{pressroom_digest()[0]} {sys.version}".encode()


def cached(folder: Path | None, kind: str, inputs: Iterable[bytes | str],
           compute: Callable[[], T]) -> T:
    """``compute()``, or what it returned before for the same ``inputs`` (bytes or
    text) with the same code; ``folder=None`` computes without keeping."""
    if folder is None:
        return compute()
    digest = hashlib.sha256(_code())
    for part in inputs:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    path = folder / kind / f"{digest.hexdigest()}.pickle"
    try:
        value = pickle.loads(path.read_bytes())  # pressroom's own cache, in build/
        os.utime(path)  # recently used: kept by _prune
        return value
    except Exception:  # absent, unreadable or from another version: compute again
        pass
    value = compute()
    try:
        atomic_write_bytes(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        _prune(path.parent)
    except OSError:
        pass  # a read-only build folder: the result is still right
    return value


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns)
    for old in entries[:-KEEP]:
        with contextlib.suppress(OSError):
            os.unlink(old)
