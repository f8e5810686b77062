"""Atomic file output: a failed or interrupted run never leaves a half-written file."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path


def atomic_write_bytes(path: Path, data: bytes, *, only_if_changed: bool = True) -> bool:
    """Write ``data`` to ``path`` atomically. Returns False when the file already held it."""
    path = Path(path)
    if only_if_changed:
        try:
            if path.read_bytes() == data:
                return False
        except (FileNotFoundError, IsADirectoryError):
            pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return True


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


_HASHES: dict[str, tuple[tuple, str]] = {}  # path -> (size, times, inode), sha256


def sha256_file_cached(path: Path) -> str:
    """``sha256_file``, remembered for this process while the file's size, times and
    inode stay the same: a file that several fingerprints and manifests read (fonts,
    the output profile, pressroom's code, the PDFs) is hashed once."""
    path = Path(path)
    stat = path.stat()
    state = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
    found = _HASHES.get(str(path))
    if found is None or found[0] != state:
        found = _HASHES[str(path)] = (state, sha256_file(path))
    return found[1]
