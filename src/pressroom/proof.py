"""Visual proofs: the pages of built PDFs as PNG, and one contact sheet per document
with the languages side by side, page by page (``build/proof/<doc>.png``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import Project
from .errors import PressroomError
from .fsutil import atomic_write_bytes

LABEL_HEIGHT = 18


@dataclass
class ProofResult:
    doc: str
    path: Path
    pages: dict[str, int]


def render_pages(pdf: Path, dpi: float = 50):
    """Each page of ``pdf`` as a PIL image (pypdfium2, no system packages needed)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(pdf))
    except Exception as exc:
        raise PressroomError(f"cannot read PDF: {exc}", str(pdf)) from None
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


def proof(project: Project, docs: list[str], langs: list[str], profile: str = "print",
          dpi: float = 40) -> list[ProofResult]:
    import io

    results = []
    for doc in docs:
        columns = {}
        for lang in langs:
            pdf = project.pdf_path(lang, doc, profile)
            if not pdf.exists():
                raise PressroomError(f"{project.rel(pdf)} is missing: run `invoke build` first")
            columns[lang] = render_pages(pdf, dpi)
        buffer = io.BytesIO()
        contact_sheet(columns).save(buffer, format="PNG", optimize=False)
        path = project.build_dir / "proof" / f"{doc}.png"
        atomic_write_bytes(path, buffer.getvalue(), only_if_changed=False)
        results.append(ProofResult(doc, path, {lang: len(p) for lang, p in columns.items()}))
    return results
