"""Screenshots of every printed message in its page, for translators
(``invoke screenshots``): ``build/context/<lang>/<key>.png``, an index page and
a JSON list.

A build keeps, beside each PDF, where every message was printed
(``<pdf>.layout.json``, see :mod:`pressroom.render.layout`). Here each message gets one
image: a crop of the page where it first appears, with some of the page around
it and its text outlined in magenta, so that a translator sees how much room a
heading, a panel label or a table cell has. ``index.html`` lists every message
(context, English, translation and its state, the catalogue line, the pages it
is printed on, the image); ``screenshots.json`` holds the same for a script
(for instance one that uploads the images to Weblate, whose screenshots are tied
to source strings by msgid and context).

Each page is rendered once (pypdfium2), all the crops of that page are cut from
it, and it is dropped before the next one. PNG bytes are deterministic, so only
the images whose pixels changed are rewritten; images of messages no longer
printed are deleted.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup, escape

from pressroom.errors import PressroomError
from pressroom.fsutil import atomic_write_bytes
from pressroom.messages.catalogs import load_translations, read_catalog_readonly
from pressroom.model.config import PSEUDO_LANGUAGES, Project
from pressroom.qa.layout_qa import message_lines
from pressroom.render.layout import describe_pages, message_key, page_summary
from pressroom.review.proof import MM, png_bytes, trim_origins

DPI = 110
MARGIN_MM = 12.0  # page shown around the message
OUTLINE = (230, 0, 200)  # magenta: no layout colour of ours
OUTLINE_WIDTH = 2  # px
OUTLINE_GAP = 1  # px between the text (its line boxes) and the outline
FOOTNOTES = "footnotes"
RUNNING_HEAD = "running head"  # a whole margin box: shown only for a message printed nowhere else
KEY_NAME = 12  # length of a message key (layout.message_key)


@dataclass
class Shot:
    """One message of one language: where it is shown and what the index says."""
    key: str
    context: str | None
    msgid: str
    doc: str | None = None  # document whose page is shown (None: not printed)
    page: int | None = None  # 1-based
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)  # mm x0,y0,x1,y1
    where: list[str] = field(default_factory=list)  # "brochure.pdf p. 5 (key-figures panel)"
    pages: list[dict] = field(default_factory=list)  # {"doc", "page", "frame"}
    order: tuple = ()
    unplaced: list[str] = field(default_factory=list)  # PDFs that use it off the pages' text
    image: Path | None = None
    written: bool = False
    stamp: str | None = None  # what its image was cut from (see _stamp)


@dataclass
class LangResult:
    lang: str
    directory: Path
    index: Path
    json: Path
    shots: int = 0  # images
    written: int = 0
    removed: int = 0
    unprinted: int = 0  # catalogue messages no document prints


def _load(project: Project, lang: str, doc: str) -> dict:
    pdf = project.pdf_path(lang, doc)
    data_path = Project.layout_path(pdf)
    for path in (pdf, data_path):
        if not path.exists():
            raise PressroomError(f"{project.rel(path)} is missing: run `invoke build` first")
    try:
        data = json.loads(data_path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise PressroomError(f"unreadable layout data ({exc}): run `invoke build --force`",
                             project.rel(data_path)) from None
    if not isinstance(data, dict) or "strings" not in data or "regions" not in data:
        raise PressroomError("layout data of an older pressroom: run `invoke build --force`",
                             project.rel(data_path))
    return data


def _plan(project: Project, docs: list[str], layouts: dict[str, dict]) -> dict[str, Shot]:
    """One Shot per printed message: its first page in the first document that
    prints it, outside the footnotes and running heads if it is printed anywhere
    else (a footnote only where it is nowhere but in notes)."""
    shots: dict[str, Shot] = {}
    for doc_index, doc in enumerate(docs):
        data = layouts[doc]
        strings = data.get("strings", {})
        regions = data.get("regions", [])
        by_key: dict[str, list[dict]] = {}
        for region in regions:
            by_key.setdefault(region["key"], []).append(region)
        summary = page_summary(regions)
        for key, found in by_key.items():
            context, msgid = strings.get(key, [None, ""])
            shot = shots.get(key)
            if shot is None:
                shot = shots[key] = Shot(key, context, msgid)
            shot.where.append(describe_pages(f"{doc}.pdf", summary[key]))
            shot.pages += [{"doc": doc, "page": page, "frame": frame}
                           for page, frame in summary[key]]
            if shot.doc is not None:
                continue  # shown from an earlier document
            body = ([r for r in found if r["frame"] not in (FOOTNOTES, RUNNING_HEAD)]
                    or [r for r in found if r["frame"] == FOOTNOTES] or found)
            page = min(r["page"] for r in body)
            on_page = sorted((r for r in body if r["page"] == page),
                             key=lambda r: (r["y"], r["x"]))
            shot.doc, shot.page = doc, page
            shot.boxes = [(r["x"], r["y"], r["x"] + r["w"], r["y"] + r["h"]) for r in on_page]
            shot.order = (doc_index, page, on_page[0]["frame"] == FOOTNOTES,
                          on_page[0]["y"], on_page[0]["x"])
        for key, (context, msgid) in strings.items():  # looked up, yet not on a page
            shot = shots.setdefault(key, Shot(key, context, msgid))
            if key not in by_key:
                shot.unplaced.append(f"{doc}.pdf")
    return shots


def _crop_box(boxes, trim_mm: tuple[float, float], margin: float):
    x0 = max(min(b[0] for b in boxes) - margin, 0.0)
    y0 = max(min(b[1] for b in boxes) - margin, 0.0)
    x1 = min(max(b[2] for b in boxes) + margin, trim_mm[0])
    y1 = min(max(b[3] for b in boxes) + margin, trim_mm[1])
    return x0, y0, max(x1, x0 + 1), max(y1, y0 + 1)


def _pixels(origin: tuple[float, float], scale: float):
    """A function (x, y) in mm on the trimmed page -> (x, y) in pixels of its image,
    whose top-left corner is ``origin`` points from the trimmed page's."""
    dx, dy = origin

    def px(mm_x: float, mm_y: float) -> tuple[int, int]:
        return round((dx + mm_x * MM) * scale), round((dy + mm_y * MM) * scale)
    return px


def _stamp(pdf_digest: str, shot: Shot, dpi: float, margin: float) -> str:
    """What a shot's image is cut from: the PDF's bytes, the page, the outlined boxes
    and the drawing's settings. The same stamp, the same image."""
    data = json.dumps([pdf_digest, shot.page, shot.boxes, dpi, margin, OUTLINE,
                       OUTLINE_WIDTH, OUTLINE_GAP])
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:24]


def _unchanged(project: Project, lang: str, shots: list[Shot],
               previous: dict[str, str]) -> bool:
    """Every image of a page's ``shots`` is there, cut from what it would be cut from now."""
    return all(previous.get(shot.key) == shot.stamp
               and project.context_image_path(lang, shot.key).is_file() for shot in shots)


def _render_doc(project: Project, lang: str, doc: str, shots: list[Shot],
                dpi: float, margin: float, previous: dict[str, str]) -> None:
    """Cut the images of ``shots`` (all shown from ``doc``) from its pages,
    rendering each page that shows one once; a page whose images are all as the
    last run left them (``previous``: their stamps) is not rendered again."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    pdf = project.pdf_path(lang, doc)
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
    by_page: dict[int, list[Shot]] = {}
    for shot in shots:
        if shot.page is not None:  # always, for a shot shown from this document
            by_page.setdefault(shot.page, []).append(shot)
            shot.stamp = _stamp(digest, shot, dpi, margin)
    for number in [n for n in by_page if _unchanged(project, lang, by_page[n], previous)]:
        for shot in by_page.pop(number):
            shot.image = project.context_image_path(lang, shot.key)
    if not by_page:  # every image as the last run left it: the PDF is not opened
        return
    origins = trim_origins(pdf)  # trimmed page's corner in the image, in points
    scale = dpi / 72
    document = pdfium.PdfDocument(str(pdf))
    try:
        for number in sorted(by_page):
            if number > len(document):
                raise PressroomError(f"the layout data names page {number}, the PDF has "
                                     f"{len(document)}: run `invoke build` again",
                                     project.rel(pdf))
            page = document[number - 1]
            left, bottom, right, top = page.get_trimbox()
            trim_mm = ((right - left) / MM, (top - bottom) / MM)
            bitmap = page.render(scale=scale)
            image = bitmap.to_pil().convert("RGB")
            bitmap.close()
            page.close()
            px = _pixels(origins[number - 1], scale)
            for shot in by_page[number]:
                x0, y0, x1, y1 = _crop_box(shot.boxes, trim_mm, margin)
                (cx0, cy0), (cx1, cy1) = px(x0, y0), px(x1, y1)
                crop = image.crop((cx0, cy0, cx1, cy1))
                draw = ImageDraw.Draw(crop)
                pad = OUTLINE_GAP + OUTLINE_WIDTH
                for box in shot.boxes:
                    (bx0, by0), (bx1, by1) = px(box[0], box[1]), px(box[2], box[3])
                    draw.rectangle((max(bx0 - cx0 - pad, 0), max(by0 - cy0 - pad, 0),
                                    min(bx1 - cx0 + pad, crop.width - 1),
                                    min(by1 - cy0 + pad, crop.height - 1)),
                                   outline=OUTLINE, width=OUTLINE_WIDTH)
                shot.image = project.context_image_path(lang, shot.key)
                shot.written = atomic_write_bytes(shot.image, png_bytes(crop))
            del image
    finally:
        document.close()


def _catalogue_messages(project: Project, lang: str) -> list[tuple[str | None, str]]:
    """(context, msgid) of every message of ``lang``'s catalogue (the template for
    a language without one)."""
    path = project.po_path(lang)
    if lang in PSEUDO_LANGUAGES or not path.exists():
        path = project.pot_path
        if not path.exists():
            return []
        catalog = read_catalog_readonly(path, project.rel(path), cache=project.cache_dir)
    else:
        catalog = read_catalog_readonly(path, project.rel(path), lang, project.cache_dir)
    return [(m.context, m.id[0] if isinstance(m.id, tuple | list) else m.id)
            for m in catalog if m.id]


def _texts(project: Project, lang: str):
    """A function (context, msgid) -> (translation or None, state)."""
    if lang == project.source_language:
        return lambda context, msgid: (msgid, "source")
    if lang in PSEUDO_LANGUAGES:
        from pressroom.messages.pseudo import pseudo

        return lambda context, msgid: (pseudo(msgid), "pseudo")
    tx = load_translations(project, lang)
    from pressroom.messages.check import rejected

    refused = rejected(project, lang)  # printed in English: shown, to be fixed

    def text(context, msgid):
        key = (context, msgid)
        if tx.table.get(key) and key in refused:
            return tx.table[key], "check error"
        if tx.table.get(key):
            return tx.table[key], "translated"
        forms = tx.plural_table.get(key) or tx.fuzzy_plural_table.get(key)
        if forms:  # a plural entry: every msgstr[n]
            return ("\n".join(f"msgstr[{i}]: {form}" for i, form in enumerate(forms)),
                    "translated" if key in tx.plural_table else "fuzzy")
        if key in tx.fuzzy:
            return tx.fuzzy_table.get(key), "fuzzy"
        return None, "untranslated" if key in tx.lines else "not in the catalogue"
    return text


def screenshots(project: Project, langs: list[str], docs: list[str], dpi: float = DPI,
                margin: float = MARGIN_MM) -> list[LangResult]:
    """Write ``build/context/<lang>/`` for each of ``langs`` from the print builds
    of ``docs`` (every PDF and its layout data must be there: nothing is written
    otherwise). With every document selected, images of messages no longer
    printed are deleted and the catalogue's unprinted messages are listed too."""
    layouts = {(lang, doc): _load(project, lang, doc) for lang in langs for doc in docs}
    every_doc = set(docs) >= set(project.documents)
    results = []
    for lang in langs:
        out = project.context_dir(lang)
        shots = _plan(project, docs, {doc: layouts[lang, doc] for doc in docs})
        previous = _previous_stamps(project.context_json_path(lang))
        for doc in docs:
            _render_doc(project, lang, doc, [s for s in shots.values() if s.doc == doc],
                        dpi, margin, previous)
        unprinted = []
        if every_doc:
            printed = set(shots)
            for context, msgid in _catalogue_messages(project, lang):
                key = message_key(context, msgid)
                if key not in printed:
                    unprinted.append(key)
                    shots[key] = Shot(key, context, msgid)
        result = LangResult(lang, out, project.context_index_path(lang),
                            project.context_json_path(lang),
                            shots=sum(1 for s in shots.values() if s.image),
                            written=sum(1 for s in shots.values() if s.written),
                            unprinted=len(unprinted))
        if every_doc:
            result.removed = _remove_stale(out, {s.key for s in shots.values() if s.image})
        ordered = sorted(shots.values(), key=lambda s: (s.image is None, s.order, s.msgid))
        lines = message_lines(project, lang, list(project.documents) if every_doc else docs)
        text = _texts(project, lang)
        entries = []
        shown_dir = project.rel(out)  # each image's path as shown (rel() resolves: once)
        for shot in ordered:
            translation, state = text(shot.context, shot.msgid)
            file, line = lines.get(shot.key, (None, None))
            entries.append({
                "key": shot.key, "context": shot.context, "msgid": shot.msgid,
                "translation": translation, "state": state, "file": file, "line": line,
                "image": _shown_image(project, shot.image, out, shown_dir),
                "doc": shot.doc, "page": shot.page, "where": shot.where, "pages": shot.pages,
                "not_on_a_page": shot.unplaced, "stamp": shot.stamp,
            })
        atomic_write_bytes(result.json, json.dumps(entries, ensure_ascii=False,
                                                   indent=1).encode("utf-8"))
        atomic_write_bytes(result.index, index_html(project, lang, docs, entries).encode("utf-8"))
        results.append(result)
    return results


def _shown_image(project: Project, image: Path | None, out: Path, shown_dir: str) -> str | None:
    if image is None:
        return None
    return f"{shown_dir}/{image.name}" if image.parent == out else project.rel(image)


def _previous_stamps(path: Path) -> dict[str, str]:
    """The stamps of the images the last run wrote (its ``screenshots.json``)."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
        return {e["key"]: e["stamp"] for e in entries if e.get("stamp") and e.get("image")}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def _remove_stale(out: Path, keep: set[str]) -> int:
    removed = 0
    for path in out.glob("*.png"):
        stem = path.stem
        if len(stem) == KEY_NAME and all(c in "0123456789abcdef" for c in stem) \
                and stem not in keep:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


# --------------------------------------------------------------------------- index page
STATE_LABELS = {
    "translated": "translated",
    "source": "source text",
    "pseudo": "pseudo-translation",
    "fuzzy": "fuzzy: printed in English until reviewed",
    "untranslated": "untranslated: printed in English",
    "not in the catalogue": "not in the catalogue: printed in English (run `invoke update`)",
    "check error": "check error: printed in English until fixed (run `invoke check`)",
}

CSS = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1100px;
       padding: 1em 1.5em; color: #222; background: #f4f4f4; }
h1 { font-size: 1.4em; margin: .3em 0; }
.intro { color: #555; }
.msg { background: #fff; border: 1px solid #ddd; border-radius: 6px; margin: 1em 0;
       padding: .8em 1em; display: flex; flex-wrap: wrap; gap: .5em 1.5em;
       align-items: flex-start; }
.msg > .text { flex: 1 1 300px; min-width: 0; }
.msg > figure { flex: 0 1 auto; margin: 0; max-width: 100%; }
.msg img { max-width: min(100%, 520px); max-height: 420px; border: 1px solid #ccc;
           display: block; }
.label { color: #777; font-size: .8em; text-transform: uppercase; letter-spacing: .04em;
         margin-top: .5em; }
.src, .tr { white-space: pre-wrap; overflow-wrap: anywhere; }
.tr.missing { color: #999; font-style: italic; }
.ctx { font-family: ui-monospace, monospace; background: #eef; padding: 0 .3em; }
.state { display: inline-block; font-size: .8em; padding: 0 .5em; border-radius: 1em;
         background: #dfd; color: #252; }
.state.fuzzy, .state.untranslated, .state.not-in-the-catalogue, .state.check-error {
         background: #fdd;
         color: #822; }
.meta { font-family: ui-monospace, monospace; font-size: .85em; color: #444; }
.key { color: #999; font-size: .8em; font-family: ui-monospace, monospace; }
.msg:target { outline: 3px solid #e600c8; }
a { color: #06c; }
"""


def _html_page(title: str, body: Markup) -> str:
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            f"{body}\n</body>\n</html>\n")


def index_html(project: Project, lang: str, docs: list[str], entries: list[dict]) -> str:
    """The page a translator opens: every message with its image."""
    shown = sum(1 for e in entries if e["image"])
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry["state"]] = counts.get(entry["state"], 0) + 1
    title = f"{project.name}: {lang} messages in context"
    parts = [Markup("<h1>{}</h1>").format(title),
             Markup('<p class="intro">{} messages, {} of them pictured from the print build '
                    '({}). Each image shows the page where the message first appears, its '
                    'text outlined in magenta; the English is as in the catalogue, with its '
                    'markup. {}.</p>').format(
                 len(entries), shown,
                 ", ".join(project.rel(project.pdf_path(lang, doc)) for doc in docs),
                 "; ".join(f"{state}: {n}" for state, n in sorted(counts.items())))]
    for entry in entries:
        parts.append(_entry_html(entry))
    return _html_page(title, Markup("\n").join(parts))


def _entry_html(entry: dict) -> Markup:
    """One message's section of the index. Built with ``escape`` and f-strings, not
    ``Markup.format`` (ten times slower: 0.33 s of a 0.8 s run for 2,000 entries)."""
    e = escape
    state, key = entry["state"], e(entry["key"])
    bits = [f'<section class="msg" id="{key}"><div class="text">',
            f'<div><a class="key" href="#{key}">{key}</a></div>']
    if entry["context"]:
        bits.append(f'<div>context <span class="ctx">{e(entry["context"])}</span></div>')
    bits.append(f'<div class="label">English</div><div class="src">{e(entry["msgid"])}</div>')
    bits.append(f'<div class="label">Translation <span class="state '
                f'{e(state.replace(" ", "-"))}">{e(STATE_LABELS.get(state, state))}</span></div>')
    if entry["translation"]:
        bits.append(f'<div class="tr">{e(entry["translation"])}</div>')
    else:
        bits.append('<div class="tr missing">(none)</div>')
    if entry["file"]:
        where = f"{entry['file']}:{entry['line']}" if entry["line"] else entry["file"]
        bits.append(f'<div class="label">Edit at</div><div class="meta">{e(where)}</div>')
    where = "; ".join(entry["where"])
    if entry["not_on_a_page"]:
        where = "; ".join(filter(None, [where, "used by " + ", ".join(entry["not_on_a_page"]) +
                                        " but not found on a page (PDF metadata, a running "
                                        "head, alt text)"]))
    bits.append(f'<div class="label">Printed on</div>'
                f'<div class="meta">{e(where or "not printed in any document")}</div>')
    bits.append("</div>")
    if entry["image"]:
        name = e(Path(entry["image"]).name)
        caption = e(f"{entry['doc']}.pdf p. {entry['page']}")
        bits.append(f'<figure><a href="{name}"><img src="{name}" alt="{caption}" '
                    f'loading="lazy"></a><figcaption class="meta">{caption}</figcaption></figure>')
    bits.append("</section>")
    return Markup("".join(bits))
