"""Print production finishing: the CMYK output profile, crop marks, stable ids.

WeasyPrint 70 writes PDF/X-4 with an OutputIntent only when the CSS declares
``@color-profile device-cmyk``; its own ``marks: crop`` are DeviceRGB and drawn
inside the bleed, and its XMP ``DocumentID`` is a random UUID. So pressroom:

- points ``@color-profile device-cmyk`` at a CMYK ICC profile (by default
  Ghostscript's ``default_cmyk.icc`` from Debian's ``libgs-common``, AGPL, used
  from the system and not copied into the project; ``cmyk_profile`` in
  ``[tool.pressroom]`` points at the printer's own profile instead);
- draws crop marks itself, in registration colour (C100 M100 Y100 K100,
  DeviceCMYK), outside the bleed, and widens the MediaBox to hold them;
- replaces the random XMP DocumentID with one derived from the content, so the
  same inputs give the same bytes.

This module decides what is drawn and where; :mod:`pressroom.render.engine`
holds the PDF objects it is drawn with.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from pathlib import Path

from pressroom.errors import ConfigError
from pressroom.model.config import Project
from pressroom.render import engine

DEFAULT_CMYK_PROFILE = "/usr/share/color/icc/ghostscript/default_cmyk.icc"
MM = 72 / 25.4
MARK_GAP = 1 * MM        # between the bleed edge and the start of a mark
MARK_LENGTH = 5 * MM
MARK_WIDTH = 0.25        # pt
MEDIA_MARGIN = 2 * MM    # beyond the end of the marks
_DOC_ID = re.compile(rb"xmp\.did:[0-9a-fA-F-]{36}")


def cmyk_profile(project: Project) -> Path:
    configured = project.settings.cmyk_profile or DEFAULT_CMYK_PROFILE
    path = Path(configured)
    if not path.is_absolute():
        path = project.root / path
    if not path.is_file():
        raise ConfigError(
            f"CMYK output profile not found: {configured} (install Debian's libgs-common, "
            "or set cmyk_profile in [tool.pressroom] to your printer's ICC profile)",
            "pyproject.toml")
    data = path.read_bytes()[:40]
    if len(data) < 40 or data[36:40] != b"acsp" or data[16:20] != b"CMYK":
        raise ConfigError(f"{configured} is not a CMYK ICC profile", "pyproject.toml")
    return path


def crop_marks_stream(trim: list[float], bleed: float) -> bytes:
    """PDF operators drawing the eight crop marks around ``trim`` (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = trim
    start = bleed + MARK_GAP
    end = start + MARK_LENGTH
    lines = []
    for x, sx in ((x0, -1), (x1, 1)):
        for y, sy in ((y0, -1), (y1, 1)):
            lines.append((x + sx * start, y, x + sx * end, y))  # horizontal, on the trim line
            lines.append((x, y + sy * start, x, y + sy * end))  # vertical
    ops = ["q", f"{MARK_WIDTH} w", "0 J", "1 1 1 1 K"]
    ops += [f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l S" for a, b, c, d in lines]
    ops.append("Q")
    return "\n".join(ops).encode("ascii")


def stable_document_id(seed: bytes) -> Callable[[bytes], bytes]:
    """The XMP metadata with its random DocumentID replaced by one derived from ``seed``."""
    stable = f"xmp.did:{uuid.UUID(hashlib.sha256(seed).hexdigest()[:32])}".encode()
    return lambda xmp: _DOC_ID.sub(stable, xmp)


def add_crop_marks(page: engine.PdfPage) -> None:
    """Crop marks outside the page's bleed, and a MediaBox wide enough to hold them."""
    trim = page.box("TrimBox")
    bleed_box = page.box("BleedBox")
    bleed = max(trim[0] - bleed_box[0], trim[1] - bleed_box[1],
                bleed_box[2] - trim[2], bleed_box[3] - trim[3])
    reach = bleed + MARK_GAP + MARK_LENGTH + MEDIA_MARGIN
    page.set_box("MediaBox", [trim[0] - reach, trim[1] - reach, trim[2] + reach,
                              trim[3] + reach])
    # marked as an artifact: a tagged PDF's content is either in the tree or an artifact
    page.wrap_contents(b"q", b"Q\n/Artifact BMC\n" + crop_marks_stream(trim, bleed) + b"\nEMC")


def finisher(seed: bytes, marks: bool) -> engine.Finisher:
    """The finisher of print PDFs (see :func:`pressroom.render.engine.write_pdf`):
    a stable document id from ``seed`` and, if ``marks``, crop marks on every page."""

    def finish(pdf: engine.PdfFile) -> None:
        pdf.rewrite_metadata(stable_document_id(seed))
        if marks:
            for page in pdf.pages():
                add_crop_marks(page)

    return finish
