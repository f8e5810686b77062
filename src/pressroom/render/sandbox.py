"""A WeasyPrint URL fetcher that serves only files inside the project's allowed folders.

Everything else (``http(s):``, ``data:``, ``file:`` outside ``layouts/`` and
``content/``, ``..`` escapes, symlinks pointing out) is refused, recorded, and
stops the render with a clear error instead of being fetched.

A WOFF or WOFF2 font is served decoded (TrueType/OpenType bytes, which WeasyPrint
takes as they are): WeasyPrint decodes a web font again for every ``@font-face``
rule of every render, and rebuilding the glyph table of a WOFF2 Chinese face
takes over a second. Decoded once per font file, kept in ``cache_dir`` (under
``build/``) by the sha256 of its bytes, a Chinese PDF builds in 6 s, not 40.
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from pressroom.fsutil import atomic_write_bytes

mimetypes.add_type("font/ttf", ".ttf")
mimetypes.add_type("font/otf", ".otf")
mimetypes.add_type("image/svg+xml", ".svg")


class RefusedURL(FatalURLFetchingError):
    def __init__(self, url: str, reason: str, path: Path | None = None):
        super().__init__(f"refused to fetch {url}: {reason}")
        self.url = url
        self.reason = reason
        self.path = path  # set for a project file that does not exist


class SandboxFetcher(URLFetcher):
    def __init__(self, allowed: list[Path], files: Iterable[Path] = (),
                 cache_dir: Path | None = None):
        super().__init__(allowed_protocols=("file",))
        self.cache_dir = cache_dir  # decoded web fonts; None: decoded in memory only
        self.allowed = [Path(p).resolve() for p in allowed]
        self.files = {Path(p).resolve() for p in files}  # single files, e.g. the ICC profile
        self.refused: list[RefusedURL] = []
        self.fetched: list[Path] = []

    def _refuse(self, url: str, reason: str, path: Path | None = None):
        error = RefusedURL(url, reason, path)
        self.refused.append(error)
        raise error

    def resolve(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.scheme != "file":
            self._refuse(url, f"'{parts.scheme or 'no'}' URLs are not allowed; "
                              "use a file inside layouts/ or content/")
        if parts.netloc not in ("", "localhost"):
            self._refuse(url, "remote file URLs are not allowed")
        path = Path(unquote(parts.path)).resolve()
        if path not in self.files and not any(path.is_relative_to(root) for root in self.allowed):
            self._refuse(url, "outside the project's layouts/ and content/ folders")
        if not path.is_file():
            self._refuse(url, "file not found", path)
        return path

    def fetch(self, url, headers=None):
        path = self.resolve(url)
        self.fetched.append(path)
        mime, _ = mimetypes.guess_type(path.name)
        data = path.read_bytes()
        if data[:3] == b"wOF":  # WOFF ("wOFF") or WOFF2 ("wOF2")
            data, mime = decoded_font(data, self.cache_dir), "font/ttf"
        return URLFetcherResponse(path.as_uri(), data,
                                  headers={"Content-Type": mime or "application/octet-stream"})


_DECODED: dict[str, bytes] = {}


def decoded_font(data: bytes, cache_dir: Path | None) -> bytes:
    """The TrueType/OpenType bytes of a WOFF or WOFF2 font, decoded by fontTools
    (as WeasyPrint would), once per process and, with ``cache_dir``, once per file."""
    key = hashlib.sha256(data).hexdigest()[:32]
    if key in _DECODED:
        return _DECODED[key]
    cached = cache_dir / f"{key}.sfnt" if cache_dir is not None else None
    if cached is not None and cached.is_file():
        out = cached.read_bytes()
    else:  # exactly as WeasyPrint 70 decodes them (weasyprint/text/fonts.py)
        from fontTools.ttLib import TTFont, woff2

        buffer = io.BytesIO()
        if data[3:4] == b"2":
            woff2.decompress(io.BytesIO(data), buffer)
        else:
            font = TTFont(io.BytesIO(data))
            font.flavor = font.flavorData = None
            font.save(buffer)
        out = buffer.getvalue()
        if cached is not None:
            atomic_write_bytes(cached, out)
    _DECODED[key] = out
    return out
