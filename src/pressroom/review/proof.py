"""Visual proofs: the pages of built PDFs as PNG, one contact sheet per document
with the languages side by side, page by page (``build/proof/<doc>.png``), and a
visual comparison with the previous proof.

Every proof keeps what it saw: each page as
``build/proof/pages/<doc>/<lang>/page-NN.png``. ``proof --compare`` renders the
current PDFs, compares each page with that baseline *before* replacing it, and
writes what changed (``build/proof/diff/``): a designer or editor sees at a
glance which pages a change of a token, a layout or a translation moved, and
which it left alone, without paging through every PDF of every language.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pressroom.errors import PressroomError
from pressroom.fsutil import atomic_write_bytes
from pressroom.model.config import Project

if TYPE_CHECKING:
    from PIL.Image import Image

LABEL_HEIGHT = 18
MM = 72 / 25.4

# Comparison. pdfium renders the same PDF to the same pixels, so any difference
# comes from the PDF; the channel threshold only keeps faint anti-aliasing
# shades (a hairline moved by a fraction of a pixel) from flagging a page. A
# full stop that becomes a comma in 10 pt text changes 4 pixels at 72 dpi, so
# one pixel over the threshold is enough.
PAGE_DPI = 72  # resolution of the stored pages and of the comparison
PIXEL_THRESHOLD = 16  # a pixel differs when one of its channels moves by more (of 255)
MIN_CHANGED_PIXELS = 1  # a page with fewer differing pixels than this is unchanged
PAGE_NAME = re.compile(r"page-(\d+)\.png")


@dataclass
class PageChange:
    """One page of one (document, language) that differs from the previous proof."""
    doc: str
    lang: str
    page: int  # 1-based
    status: str  # "changed", "added" (no such page before) or "removed" (no longer there)
    fraction: float = 0.0  # share of the page's pixels that changed
    bbox_mm: tuple[float, float, float, float] | None = None  # left, top, right, bottom
    diff: Path | None = None  # the diff image, for a changed page

    def as_json(self, project: Project) -> dict:
        data = {"doc": self.doc, "lang": self.lang, "page": self.page, "status": self.status}
        if self.status == "changed":
            data.update(changed_fraction=round(self.fraction, 6),
                        bbox_mm=[round(v, 1) for v in self.bbox_mm] if self.bbox_mm else None,
                        diff=project.rel(self.diff) if self.diff else None)
        return data


@dataclass
class ProofResult:
    doc: str
    path: Path
    pages: dict[str, int]
    changes: list[PageChange] = field(default_factory=list)  # with compare=True
    no_baseline: list[str] = field(default_factory=list)  # languages never proofed before


# --------------------------------------------------------------------------- page images
def _open(pdf: Path):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(pdf))
    except Exception as exc:
        raise PressroomError(f"cannot read PDF: {exc}", str(pdf)) from None


def render_pages(pdf: Path, dpi: float = 50):
    """Each page of ``pdf`` as a PIL image (pypdfium2, no system packages needed)."""
    document = _open(pdf)
    try:
        return [document[i].render(scale=dpi / 72).to_pil().convert("RGB")
                for i in range(len(document))]
    finally:
        document.close()


def contact_sheet(columns: dict[str, list], gap: int = 8):
    """A grid: one column per language, one row per page; missing pages stay grey."""
    from PIL import Image, ImageDraw

    sizes = [img.size for pages in columns.values() for img in pages]
    if not sizes:
        raise PressroomError("no pages to proof (run `invoke build` first)")
    width = max(w for w, _ in sizes)
    height = max(h for _, h in sizes)
    rows = max(len(pages) for pages in columns.values())
    sheet = Image.new("RGB", (len(columns) * (width + gap) + gap,
                              LABEL_HEIGHT + rows * (height + gap) + gap), (128, 128, 128))
    draw = ImageDraw.Draw(sheet)
    for c, (lang, pages) in enumerate(columns.items()):
        x = gap + c * (width + gap)
        draw.text((x, 3), f"{lang}  ({len(pages)} pages)", fill=(255, 255, 255))
        for r, page in enumerate(pages):
            y = LABEL_HEIGHT + gap + r * (height + gap)
            sheet.paste(page, (x, y))
    return sheet


def trim_origins(pdf: Path) -> list[tuple[float, float]]:
    """For each page, where the trimmed page starts in its image, in points from the
    image's top-left corner (the image shows the crop box: bleed and crop marks too),
    so that a change can be located in millimetres of the printed page."""
    document = _open(pdf)
    try:
        origins = []
        for i in range(len(document)):
            page = document[i]
            left, _bottom, _right, top = page.get_cropbox()
            trim_left, _tb, _tr, trim_top = page.get_trimbox()
            origins.append((trim_left - left, top - trim_top))
        return origins
    finally:
        document.close()


def png_bytes(image) -> bytes:
    """PNG encoding is deterministic: the same pixels give the same bytes, so an
    unchanged page is never rewritten (see :func:`write_page_pngs`)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def page_name(number: int) -> str:
    return f"page-{number:02d}.png"


def page_files(directory: Path) -> dict[int, Path]:
    """The ``page-NN.png`` files of ``directory`` by page number."""
    if not directory.is_dir():
        return {}
    found = {}
    for path in directory.iterdir():
        match = PAGE_NAME.fullmatch(path.name)
        if match:
            found[int(match.group(1))] = path
    return found


def write_page_pngs(directory: Path, images) -> tuple[list[int], list[int]]:
    """Write ``images`` as ``directory/page-NN.png`` (1-based), each only if its bytes
    changed, and delete the pages beyond the new count. Returns (pages written,
    pages removed): a viewer that reloads on change reloads only those pages."""
    written = [number for number, image in enumerate(images, start=1)
               if atomic_write_bytes(directory / page_name(number), png_bytes(image))]
    removed = []
    for number, path in sorted(page_files(directory).items()):
        if number > len(images):
            path.unlink(missing_ok=True)
            removed.append(number)
    return written, removed


def load_pages(directory: Path) -> list | None:
    """The stored pages of a previous proof, in order; None if there are none."""
    from PIL import Image

    files = page_files(directory)
    if not files:
        return None
    pages = []
    for number in range(1, max(files) + 1):
        if number not in files:  # a gap: the set is not one proof's; compare what is there
            break
        with Image.open(files[number]) as image:
            pages.append(image.convert("RGB"))
    return pages


# --------------------------------------------------------------------------- comparison
@dataclass
class PageDiff:
    changed: int  # pixels differing by more than PIXEL_THRESHOLD
    total: int
    bbox: tuple[int, int, int, int] | None  # of the differing pixels, in the new image
    mask: Image  # "L" image: 255 where a pixel differs
    new: Image  # the new page (on a common canvas when the sizes differ)

    @property
    def fraction(self) -> float:
        return self.changed / self.total if self.total else 0.0

    @property
    def significant(self) -> bool:
        return self.changed >= MIN_CHANGED_PIXELS


def _on_canvas(image, size):
    from PIL import Image

    if image.size == size:
        return image
    canvas = Image.new("RGB", size, (255, 255, 255))
    canvas.paste(image, (0, 0))
    return canvas


def compare_page(old, new) -> PageDiff:
    """Pixels of ``new`` that differ from ``old`` (a page of another size is
    compared on a common white canvas: everything outside the overlap differs)."""
    from PIL import ImageChops

    size = (max(old.width, new.width), max(old.height, new.height))
    old, new = _on_canvas(old.convert("RGB"), size), _on_canvas(new.convert("RGB"), size)
    red, green, blue = ImageChops.difference(old, new).split()
    peak = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    mask = peak.point(lambda v: 255 if v > PIXEL_THRESHOLD else 0)
    changed = mask.histogram()[255]
    return PageDiff(changed, size[0] * size[1], mask.getbbox() if changed else None, mask, new)


def diff_image(diff: PageDiff):
    """The new page dimmed to grey, the changed pixels in red (grown by a pixel so
    that one changed letter shows), and a red box around all of them."""
    from PIL import Image, ImageDraw, ImageFilter

    grey = diff.new.convert("L").convert("RGB")
    image = Image.blend(grey, Image.new("RGB", grey.size, (255, 255, 255)), 0.6)
    image.paste((220, 0, 0), mask=diff.mask.filter(ImageFilter.MaxFilter(3)))
    if diff.bbox:
        left, top, right, bottom = diff.bbox
        ImageDraw.Draw(image).rectangle((max(left - 4, 0), max(top - 4, 0),
                                         min(right + 3, image.width - 1),
                                         min(bottom + 3, image.height - 1)),
                                        outline=(220, 0, 0), width=2)
    return image


def compare_pages(old: list, new: list) -> list[tuple[int, str, PageDiff | None]]:
    """(page, status, diff) for every page that is not the same in ``old`` and
    ``new``: "changed" pages with their diff, "added" and "removed" pages."""
    found: list[tuple[int, str, PageDiff | None]] = []
    for number in range(1, max(len(old), len(new)) + 1):
        if number > len(old):
            found.append((number, "added", None))
        elif number > len(new):
            found.append((number, "removed", None))
        else:
            diff = compare_page(old[number - 1], new[number - 1])
            if diff.significant:
                found.append((number, "changed", diff))
    return found


def _bbox_mm(bbox, dpi: float,
             origin: tuple[float, float]) -> tuple[float, float, float, float]:
    """A pixel box as millimetres from the top-left corner of the trimmed page."""
    left, top, right, bottom = bbox
    dx, dy = origin
    return ((left * 72 / dpi - dx) / MM, (top * 72 / dpi - dy) / MM,
            (right * 72 / dpi - dx) / MM, (bottom * 72 / dpi - dy) / MM)


def _compare_and_keep(project: Project, doc: str, lang: str, pdf: Path, compare: bool,
                      page_dpi: float, profile: str = "print"
                      ) -> tuple[list[PageChange] | None, int]:
    """Render ``pdf``, compare it with the stored pages (``compare``), write the
    diff images, then store the new pages as the next baseline. Returns the
    changes (None when there was no baseline to compare with) and the page count."""
    pages = render_pages(pdf, page_dpi)
    changes: list[PageChange] | None = None
    if compare:
        old = load_pages(project.proof_pages_dir(doc, lang, profile))
        out = project.proof_diff_dir(doc, lang, profile)
        for stale in page_files(out).values():  # diffs of an earlier comparison
            stale.unlink(missing_ok=True)
        if old is not None:
            origins = trim_origins(pdf)
            changes = []
            for number, status, diff in compare_pages(old, pages):
                change = PageChange(doc, lang, number, status)
                if diff is not None:
                    change.fraction = diff.fraction
                    change.bbox_mm = _bbox_mm(diff.bbox, page_dpi, origins[number - 1])
                    change.diff = out / page_name(number)
                    atomic_write_bytes(change.diff, png_bytes(diff_image(diff)),
                                       only_if_changed=False)
                changes.append(change)
    write_page_pngs(project.proof_pages_dir(doc, lang, profile), pages)
    return changes, len(pages)


def proof(project: Project, docs: list[str], langs: list[str], profile: str = "print",
          dpi: float = 40, compare: bool = False,
          page_dpi: float = PAGE_DPI) -> list[ProofResult]:
    """Contact sheets of ``docs`` in ``langs``; every page is also stored as the
    baseline of the next comparison. With ``compare``, each page is first
    compared with the previous proof's, and the changes are written to
    ``build/proof/diff/`` (one image per changed page, and ``changes.json``)."""
    for doc in docs:  # every PDF is there before anything is written
        for lang in langs:
            pdf = project.pdf_path(lang, doc, profile)
            if not pdf.exists():
                raise PressroomError(f"{project.rel(pdf)} is missing: run `invoke build` first")
    results = []
    for doc in docs:
        columns, result = {}, ProofResult(doc, project.proof_sheet_path(doc), {})
        for lang in langs:
            pdf = project.pdf_path(lang, doc, profile)
            columns[lang] = render_pages(pdf, dpi)
            changes, _count = _compare_and_keep(project, doc, lang, pdf, compare, page_dpi,
                                                profile)
            if changes is None and compare:
                result.no_baseline.append(lang)
            result.changes += changes or []
        buffer = io.BytesIO()
        contact_sheet(columns).save(buffer, format="PNG", optimize=False)
        atomic_write_bytes(result.path, buffer.getvalue(), only_if_changed=False)
        result.pages = {lang: len(p) for lang, p in columns.items()}
        results.append(result)
    if compare:
        report = {
            "profile": profile,
            "dpi": page_dpi,
            "pixel_threshold": PIXEL_THRESHOLD,
            "min_changed_pixels": MIN_CHANGED_PIXELS,
            "bbox_mm": "left, top, right, bottom from the top-left corner of the trimmed page",
            "no_previous_proof": [{"doc": r.doc, "lang": lang}
                                  for r in results for lang in r.no_baseline],
            "changes": [c.as_json(project) for r in results for c in r.changes],
        }
        atomic_write_bytes(project.proof_changes_path,
                           json.dumps(report, ensure_ascii=False, indent=1).encode("utf-8"))
    return results
