"""A WeasyPrint URL fetcher that serves only files inside the project's allowed folders.

Everything else (``http(s):``, ``data:``, ``file:`` outside ``layouts/`` and
``content/``, ``..`` escapes, symlinks pointing out) is refused, recorded, and
stops the render with a clear error instead of being fetched.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

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
    def __init__(self, allowed: list[Path], files: Iterable[Path] = ()):
        super().__init__(allowed_protocols=("file",))
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
        return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                  headers={"Content-Type": mime or "application/octet-stream"})
