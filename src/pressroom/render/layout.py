"""Where each message is printed, and what does not fit: read from WeasyPrint's layout.

Rendering marks every printed message with its key (:func:`message_key`):
content strings as ``<span data-msg="KEY">``, and the strings of the layout
templates the same way (:func:`place_markers` turns the invisible markers that
the templates' ``gettext`` returns into spans, and drops them inside tags).
Components mark their boxes with ``data-frame="key figures"`` and the like.

After layout, :func:`analyse` walks WeasyPrint's boxes page by page and records:

- **regions**: for each message, on which pages it is printed, in which frame,
  and the rectangle it covers (mm from the top-left corner of the trimmed page);
- **issues**: text that runs out of its frame (a fixed-size panel, the cover,
  a table cell) or out of the page's text area, attributed to the message whose
  text it is, with the distance in mm; and a heading left alone at the foot of a
  page, attributed to the heading's message.

The result is plain data (JSON-ready), saved beside the PDF as
``<pdf>.layout.json`` and read by ``check --layout``, ``locate`` and ``screenshots``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass

from markupsafe import Markup, escape

MM_PER_PX = 25.4 / 96  # WeasyPrint lays out in CSS pixels
TOLERANCE_MM = 0.5
SHORT_LINE = 0.6  # a justified line (not a paragraph's last) filled less than this
HEADINGS = ("h1", "h2", "h3")
MARK_OPEN, MARK_SEP, MARK_CLOSE = "\ue000", "\ue001", "\ue002"  # private use: never in text
# Case-insensitive: a template may apply |upper or |title to a translated string.
_MARKED = re.compile(f"{MARK_OPEN}([0-9a-f]+)(?:\\.([a-z]+))?{MARK_SEP}", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def message_key(context: str | None, msgid: str) -> str:
    """A short, stable name of a message (its context and English text)."""
    data = ((context or "") + "\x04" + msgid).encode("utf-8")
    return hashlib.sha1(data).hexdigest()[:12]


def span(key: str, state: str = "translated") -> str:
    """The opening tag that marks a message; ``state`` (fallback, fuzzy) becomes a
    class that the proof profile colours."""
    cls = f' class="pr-{state}"' if state in ("fallback", "fuzzy") else ""
    return f'<span data-msg="{key}"{cls}>'


def marked(key: str, state: str, text: Markup) -> Markup:
    """Invisible markers around a template string (made into a span, or dropped,
    by :func:`place_markers` once the whole page is rendered)."""
    suffix = f".{state}" if state in ("fallback", "fuzzy") else ""
    return Markup(f"{MARK_OPEN}{key}{suffix}{MARK_SEP}") + escape(text) + Markup(MARK_CLOSE)


def place_markers(html: str) -> str:
    """Markers in element content become spans; in tags (attributes) and in the
    head (``<title>``) they are removed."""
    start = html.find("<body")
    head, body = (html[:start], html[start:]) if start >= 0 else ("", html)
    out = [strip_markers(head)]
    pos = 0
    for match in _TAG.finditer(body):
        out.append(_to_spans(body[pos:match.start()]))
        out.append(strip_markers(match.group()))
        pos = match.end()
    out.append(_to_spans(body[pos:]))
    return "".join(out)


def strip_markers(text: str) -> str:
    return _MARKED.sub("", text).replace(MARK_CLOSE, "")


def _to_spans(text: str) -> str:
    text = _MARKED.sub(lambda m: span(m.group(1).lower(), (m.group(2) or "translated").lower()),
                       text)
    # a filter such as |truncate may have cut a marker: never print its pieces
    return text.replace(MARK_CLOSE, "</span>").replace(MARK_OPEN, "").replace(MARK_SEP, "")


# --------------------------------------------------------------------------- analysis
@dataclass
class Region:
    key: str
    page: int
    frame: str
    x: float
    y: float
    w: float
    h: float
    text_h: float  # height of its lines on this page, summed: what a longer text grows


@dataclass
class Issue:
    kind: str  # "overflow", "heading-at-foot" or "short-line"
    page: int
    frame: str
    by_mm: float
    key: str | None = None
    text: str = ""

    def describe(self, doc: str) -> str:
        where = f"{doc} p. {self.page}"
        if self.kind == "heading-at-foot":
            return f"heading left alone at the foot of {where}"
        if self.kind == "short-line":
            return (f"line broken too early on {where} (\"{self.text}\" alone on a line "
                    "of justified text); a word joiner or a rephrasing helps")
        frame = "the text area" if self.frame == "page" else f"the {self.frame}"
        return f"overflows {frame} on {where} by {self.by_mm:.1f} mm"


class _Frame:
    __slots__ = ("bottom", "element", "label", "left", "right", "top")

    def __init__(self, label, element, left, top, right, bottom):
        self.label, self.element = label, element
        self.left, self.top, self.right, self.bottom = left, top, right, bottom


def _mm(px: float) -> float:
    return round(px * MM_PER_PX, 1)


def analyse(document, plain_keys: dict[str, str] | None = None) -> dict:
    """Regions and issues of a rendered WeasyPrint document (see the module doc).
    ``plain_keys`` maps texts printed from attributes (running heads) to their
    message, so that a message printed only in running heads is located too."""
    from weasyprint.formatting_structure import boxes

    regions: dict[tuple[str, int, str, int], list[float]] = {}
    issues: dict[tuple, Issue] = {}

    def overflow(key, page, frame, by_px, text):
        by = by_px * MM_PER_PX
        if by <= TOLERANCE_MM:
            return
        slot = (key, page, frame.label)
        if slot not in issues or issues[slot].by_mm < by:
            issues[slot] = Issue("overflow", page, frame.label, round(by, 1), key, text[:60])

    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        area = _Frame("page", None, page_box.content_box_x(), page_box.content_box_y(),
                      page_box.content_box_x() + page_box.width,
                      page_box.content_box_y() + page_box.height)
        last_line: list = [-1.0, None, False]  # bottom, message key, inside a heading

        def walk(box, frames, key, heading, in_flow):
            element = getattr(box, "element", None)
            get = element.get if element is not None else (lambda _name: None)
            if isinstance(box, boxes.TextBox):
                if key is not None:
                    for frame in (frames[-1], area) if frames[-1] is not area else (area,):
                        over = max(box.position_x + box.width - frame.right,
                                   box.position_y + box.height - frame.bottom,
                                   frame.left - box.position_x)  # right-to-left text
                        overflow(key, number, frame, over, box.text)
                elif frames[-1] is area:
                    over = max(box.position_x + box.width - area.right,
                               box.position_y + box.height - area.bottom)
                    overflow(None, number, area, over, box.text)
                return
            if getattr(box, "style", None) is not None and box.style["position"] in ("absolute",
                                                                                       "fixed"):
                in_flow = False
            label = get("data-frame")
            if label and not isinstance(box, (boxes.LineBox, boxes.InlineLevelBox)) \
                    and element is not frames[-1].element:
                frames = (*frames, _Frame(label, element, box.border_box_x(), box.border_box_y(),
                                          box.border_box_x() + box.border_width(),
                                          box.border_box_y() + box.border_height()))
            if isinstance(box, boxes.FootnoteAreaBox):
                frames, in_flow = (*frames, _Frame("footnotes", None, box.border_box_x(),
                                                   box.border_box_y(), area.right,
                                                   area.bottom)), False
            if getattr(box, "element_tag", None) in HEADINGS:
                heading = True
            marker = get("data-msg")
            if marker and isinstance(box, boxes.InlineBox):
                key = marker
                slot = (key, number, frames[-1].label if len(frames) > 1 else
                        ("heading" if heading else "text"), id(element))  # one per occurrence
                rect = [box.position_x, box.position_y, box.position_x + box.margin_width(),
                        box.position_y + box.margin_height(), box.margin_height()]
                if slot in regions:
                    old = regions[slot]
                    regions[slot] = [min(old[0], rect[0]), min(old[1], rect[1]),
                                     max(old[2], rect[2]), max(old[3], rect[3]), old[4] + rect[4]]
                else:
                    regions[slot] = rect
            if isinstance(box, boxes.LineBox) and in_flow and box.children:
                bottom = box.position_y + box.margin_height()
                if bottom >= last_line[0]:
                    first_key = _first_key(box)
                    last_line[:] = [bottom, first_key, heading]
            if isinstance(box, boxes.BlockContainerBox) and len(box.children) > 1 and \
                    box.style["text_align_all"] == "justify" and \
                    all(isinstance(c, boxes.LineBox) for c in box.children):
                for line in box.children[:-1]:  # a justified line, not the last, left short
                    if any(getattr(b, "element_tag", None) == "br" for b in line.descendants()):
                        continue  # a line the author ended on purpose
                    ends = [c.position_x + c.margin_width() for c in line.children]
                    if ends and max(ends) - box.content_box_x() < SHORT_LINE * box.width:
                        found = _first_key(line) or key
                        issues[("short", number, id(line))] = Issue(
                            "short-line", number, "text", 0.0, found,
                            "".join(t.text for t in line.descendants()
                                    if isinstance(t, boxes.TextBox))[:60])
            for child in getattr(box, "children", None) or ():
                if not isinstance(child, boxes.MarginBox):
                    walk(child, frames, key, heading, in_flow)

        walk(page_box, (area,), None, False, True)
        for margin in page_box.children:
            if not isinstance(margin, boxes.MarginBox) or not plain_keys:
                continue
            texts = [b for b in margin.descendants() if isinstance(b, boxes.TextBox)]
            text = "".join(b.text for b in texts).strip()
            if text in plain_keys:
                regions[(plain_keys[text], number, "running head", 0)] = [
                    min(b.position_x for b in texts), min(b.position_y for b in texts),
                    max(b.position_x + b.width for b in texts),
                    max(b.position_y + b.height for b in texts), 0.0]
        if last_line[2] and number < len(document.pages):
            issues[("heading", number)] = Issue("heading-at-foot", number, "heading", 0.0,
                                                last_line[1])
    return {
        "pages": len(document.pages),
        "regions": [asdict(Region(key, page, frame, _mm(r[0]), _mm(r[1]), _mm(r[2] - r[0]),
                                  _mm(r[3] - r[1]), _mm(r[4])))
                    for (key, page, frame, _occurrence), r in regions.items()],
        "issues": [asdict(issue) for issue in issues.values()],
    }


def _first_key(line) -> str | None:
    for box in line.descendants():
        element = getattr(box, "element", None)
        if element is not None and element.get("data-msg"):
            return element.get("data-msg")
    return None


def page_summary(regions: list[dict]) -> dict[str, list[tuple[int, str]]]:
    """For each message key: its (page, frame) pairs in page order. Running heads
    count only for a message printed nowhere else (a section title is located at
    its heading, not on every page that repeats it)."""
    elsewhere = {r["key"] for r in regions if r["frame"] != "running head"}
    out: dict[str, list[tuple[int, str]]] = {}
    for region in sorted(regions, key=lambda r: (r["page"], r["y"])):
        if region["frame"] == "running head" and region["key"] in elsewhere:
            continue
        pair = (region["page"], region["frame"])
        if pair not in out.setdefault(region["key"], []):
            out[region["key"]].append(pair)
    return out


MAX_LOCATION = 76  # "#. " + this fits the catalogue's 79 columns: never wrapped


def describe_pages(doc_file: str, pairs: list[tuple[int, str]]) -> str:
    """``brochure.pdf p. 5 (key figures)``, ``standards.pdf pp. 3–4 (text)``; lists
    too long for one comment line are cut with "…"."""
    pages = sorted({page for page, _ in pairs})
    frames = list(dict.fromkeys(frame for _, frame in pairs))

    def text(max_pages: int, max_frames: int) -> str:
        if len(pages) == 1:
            where = f"p. {pages[0]}"
        elif pages == list(range(pages[0], pages[-1] + 1)):
            where = f"pp. {pages[0]}\u2013{pages[-1]}"
        else:
            where = "pp. " + ", ".join(str(p) for p in pages[:max_pages]) + \
                (", …" if len(pages) > max_pages else "")
        named = ", ".join(frames[:max_frames]) + (", …" if len(frames) > max_frames else "")
        return f"{doc_file} {where} ({named})"

    for max_pages, max_frames in ((len(pages), len(frames)), (len(pages), 2), (4, 2), (2, 1)):
        found = text(max_pages, max_frames)
        if len(found) <= MAX_LOCATION:
            break
    return found
