"""Where each message is printed, and what does not fit: read from the engine's layout.

Rendering marks every printed message with its key (:func:`message_key`):
content strings as ``<span data-msg="KEY">``, and the strings of the layout
templates the same way (:func:`place_markers` turns the invisible markers that
the templates' ``gettext`` returns into spans, and drops them inside tags).
Components mark their boxes with ``data-frame="key figures"`` and the like.

After layout, :func:`survey` walks the boxes (:class:`pressroom.render.engine.Box`
records) page by page, once, and records:

- **regions**: for each message, on which pages it is printed, in which frame,
  and the rectangle it covers (mm from the top-left corner of the trimmed page);
- **issues**: text that runs out of its frame (a fixed-size panel, the cover,
  a table cell) or out of the page's text area, attributed to the message whose
  text it is, with the distance in mm; and a heading left alone at the foot of a
  page, attributed to the heading's message; a justified line broken too early;
  a note whose text is printed on another page than its first call (or not at
  all), attributed to the note's text (or, failing that, to the message calling it);
  a word hyphenated across a page turn; a URL or document symbol hyphenated at
  a line end (read back from the lines, whatever the markup);
- **overflows**: the build's own warnings (kept in the build record and failed
  by the preflight), each text run or image that runs past the text area.

The result is plain data (JSON-ready), saved beside the PDF as
``<pdf>.layout.json`` and read by ``check --layout``, ``locate`` and ``screenshots``.

Two passes mend what the survey finds before the PDF is written, each by laying
the document out again with CSS added to a few elements
(:meth:`pressroom.render.engine.Document.relayout`): :func:`keep_notes` until every
note sits on the page of its first call, then :func:`keep_words` until no word is
hyphenated across a page turn; a change is kept only if the document gets no
longer, and what cannot be mended stays an issue.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field, replace
from itertools import pairwise
from math import inf

from markupsafe import Markup, escape

from pressroom.render import engine
from pressroom.text import markup

MM_PER_PX = engine.MM_PER_PX  # the engine lays out in CSS pixels
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
    kind: str  # "overflow", "heading-at-foot", "short-line", "note-away",
    #            "page-turn-hyphen", "hyphenated-address", "fused-calls", "doubled-mark",
    #            "heading-one-line", "text-lost"
    page: int
    frame: str
    by_mm: float
    key: str | None = None
    text: str = ""
    call_page: int = 0  # a note-away: the page of the note's first call

    def describe(self, doc: str) -> str:
        """What a translator or designer reads: the problem, where, what helps."""
        where = f"{doc} p. {self.page}"
        frame = "the text area" if self.frame == "page" else f"the {self.frame}"
        if self.kind == "note-away":
            if not self.page:
                return f"note {self.text} not printed, its call on {doc} p. {self.call_page}"
            return (f"note {self.text} printed on p. {self.page}, its call on p. "
                    f"{self.call_page} ({doc}); notes must sit on the page of their first call")
        template = _DESCRIPTIONS.get(self.kind, _DESCRIPTIONS["overflow"])
        return template.format(where=where, frame=frame, text=self.text, by=self.by_mm)


# How each kind of issue reads (``note-away`` is told in Issue.describe).
_DESCRIPTIONS = {
    "overflow": "overflows {frame} on {where} by {by:.1f} mm",
    "text-lost": ("text cut off in {frame} on {where}: {text} letters of this message are not "
                  "printed; give it room or shorten it"),
    "heading-at-foot": "heading left alone at the foot of {where}",
    "heading-one-line": ("heading with a single line of its text at the foot of {where}; "
                         "shortening the text above it by a line or two moves it"),
    "hyphenated-address": ("URL or document symbol hyphenated on {where} (\"{text}\"); "
                           "write it as a link or check its spelling"),
    "fused-calls": ("note calls {text} printed as one number on {where}; separate the calls "
                    "([^a][^b] prints them as \"8,40\")"),
    "doubled-mark": ("punctuation printed twice on {where} (\"{text}\"); a mark belongs on "
                     "one side of the note call only"),
    "page-turn-hyphen": ("word hyphenated across the page turn after {where} (\"{text}\"); "
                         "rephrasing a line above moves the break"),
    "short-line": ("line broken too early on {where} (\"{text}\" alone on a line of justified "
                   "text); a word joiner or a rephrasing helps"),
}


@dataclass
class Note:
    """A footnote: the page of its first call and the page where its text begins
    (0: not found), its text's message and the message that calls it."""

    number: str
    call_page: int = 0
    page: int = 0
    key: str | None = None
    caller: str | None = None


@dataclass(frozen=True)
class _Frame:
    """A box that text must stay inside: the text area, a ``data-frame``, the footnotes."""

    label: str
    element: int | None  # the element that made it (a frame is entered once per element)
    left: float
    top: float
    right: float
    bottom: float


@dataclass(frozen=True)
class _Context:
    """What the walk knows on its way down the box tree."""

    frames: tuple[_Frame, ...]  # outermost (the text area) first
    key: str | None = None  # the message being printed
    heading: bool = False  # inside h1-h3
    in_flow: bool = True  # not inside an absolutely positioned box or the footnotes
    block: int | None = None  # the element of the innermost block (its paragraph)


@dataclass
class Survey:
    """What one walk over a document's boxes finds (see the module doc).
    :meth:`data` is the JSON saved as ``<pdf>.layout.json``; :attr:`overflows`
    are the build's own warnings: each text run or image past the text area."""

    pages: int = 0
    regions: dict[tuple, list[float]] = field(default_factory=dict)
    issues: dict[tuple, Issue] = field(default_factory=dict)
    overflows: list[str] = field(default_factory=list)
    notes: dict[str, Note] = field(default_factory=dict)  # by the note's number
    note_elements: dict[str, int] = field(default_factory=dict)  # not in data()
    # letters printed of each message, and the last page and frame it printed on
    # (not in data(): :func:`lost_text` compares them with the messages' texts)
    letters: dict[str, int] = field(default_factory=dict)
    last_seen: dict[str, tuple[int, str]] = field(default_factory=dict)

    def data(self) -> dict:
        return {
            "pages": self.pages,
            "regions": [asdict(Region(key, page, frame, _mm(r[0]), _mm(r[1]),
                                      _mm(r[2] - r[0]), _mm(r[3] - r[1]), _mm(r[4])))
                        for (key, page, frame, _occurrence), r in self.regions.items()],
            "issues": [asdict(issue) for issue in self.issues.values()],
            "notes": [asdict(note) for note in self.notes.values()],
        }


@dataclass
class _PageWalk:
    """The state of the walk over one page."""

    survey: Survey
    number: int
    area: _Frame
    # the lowest line of the flow and the one above it: bottom, key, heading, block
    last_line: tuple[float, str | None, bool, int | None] = (-1.0, None, False, None)
    before_last: tuple[float, str | None, bool, int | None] = (-1.0, None, False, None)
    elements: set[int] = field(default_factory=set)  # every element with a box here


def _mm(px: float) -> float:
    return round(px * MM_PER_PX, 1)


def analyse(document: engine.Document, plain_keys: dict[str, str] | None = None) -> dict:
    """Regions and issues of a rendered document, JSON-ready (see the module doc)."""
    return survey(document, plain_keys).data()


def survey(document: engine.Document, plain_keys: dict[str, str] | None = None) -> Survey:
    """Walk every page's boxes once. ``plain_keys`` maps texts printed from
    attributes (running heads) to their message, so that a message printed only
    in running heads is located too. Without ``plain_keys``, a document's survey
    is made once (the note and page-turn passes ask again): treat it as read-only."""
    memo = getattr(document, "memo", None) if plain_keys is None else None  # (test doubles)
    if memo is not None and "survey" in memo:
        return memo["survey"]
    found = Survey(pages=len(document.pages))
    below = None
    for page in document.pages:
        walk = _walk_page(found, page)
        if plain_keys:
            _running_heads(found, page, plain_keys)
        if page.number < found.pages:
            _page_turn_hyphen(found, page)
        below = _heading_at_foot(found, walk, below)
    _notes_away(found)
    if memo is not None:
        memo["survey"] = found
    return found


def _heading_at_foot(found: Survey, walk: _PageWalk, below: tuple | None) -> tuple | None:
    """A heading that ends a page's text, or whose text has a single line at the foot
    of the page and goes on over the page (``below``: such a heading found on the
    page before, (page, heading's key, the element of its text); returned for the next
    page: the line is an orphan only if its paragraph goes on there)."""
    if below and below[2] in walk.elements:
        found.issues[("heading", below[0])] = Issue(
            "heading-one-line", below[0], "heading", 0.0, below[1])
    if walk.number >= found.pages:
        return None
    if walk.last_line[2]:
        found.issues[("heading", walk.number)] = Issue(
            "heading-at-foot", walk.number, "heading", 0.0, walk.last_line[1])
    elif walk.before_last[2] and walk.last_line[3] is not None:
        return (walk.number, walk.before_last[1], walk.last_line[3])
    return None


_LETTER = re.compile(r"[^\W\d_]")


def letter_count(text: str) -> int:
    """The letters of ``text`` (no digits, spaces, punctuation or hyphens): what a
    page must show of a message, however it is broken, hyphenated or numbered."""
    return len(_LETTER.findall(text))


def lost_text(found: Survey, expected: dict[str, int]) -> None:
    """An issue for each message printed in part only (``expected``: the letters of
    each message's text as printed, by key): lines a fixed box or the engine cut
    off and dropped, which no overflow shows because they were never laid out."""
    for key, letters in expected.items():
        printed = found.letters.get(key, 0)
        if 0 < printed < letters:
            page, frame = found.last_seen[key]
            found.issues[("text-lost", key)] = Issue(
                "text-lost", page, frame, 0.0, key, f"{letters - printed} of {letters}")


def _notes_away(found: Survey) -> None:
    """An issue for each note not printed on the page of its first call."""
    for number, note in found.notes.items():
        if note.call_page and note.page != note.call_page:
            found.issues[("note", number)] = Issue(
                "note-away", note.page, "footnotes", 0.0, note.key or note.caller, number,
                note.call_page)


def _walk_page(found: Survey, page: engine.Page) -> _PageWalk:
    root = page.root
    area = root.content
    walk = _PageWalk(found, page.number,
                     _Frame("page", None, area.x, area.y, area.right, area.bottom))
    _walk(walk, root, _Context((walk.area,)))
    return walk


def _walk(walk: _PageWalk, box: engine.Box, context: _Context) -> None:
    if box.kind in (engine.TEXT, engine.IMAGE):
        _check_area(walk, box)
    if box.kind == engine.TEXT:
        _check_text(walk, box, context)
        return
    context = _enter(walk, box, context)
    if box.element is not None:
        walk.elements.add(box.element)
        if box.block_container and not box.inline_level:
            context = replace(context, block=box.element)
    _note(walk, box, context)
    marker = box.get("data-msg")
    if marker and box.kind == engine.INLINE:
        context = replace(context, key=marker)
        _add_region(walk, box, context)
    if box.kind == engine.LINE and context.in_flow and box.children:
        bottom = box.margin.bottom
        if bottom >= walk.last_line[0]:
            walk.before_last, walk.last_line = walk.last_line, (bottom, _first_key(box),
                                                                context.heading,
                                                                context.block)
    _short_lines(walk, box, context.key)
    _line_checks(walk.survey, walk.number, box)
    _walk_children(walk, box, context)


def _walk_children(walk: _PageWalk, box: engine.Box, context: _Context) -> None:
    for child in box.children:
        if child.kind != engine.MARGIN:
            _walk(walk, child, context)
        else:  # running heads and folios: only read back as lines
            for inner in child.descendants():
                _line_checks(walk.survey, walk.number, inner)


def _line_checks(found: Survey, number: int, box: engine.Box) -> None:
    """The checks read back from laid-out lines, for one box of the walk: its lines'
    hyphenated addresses and, for a line, its calls and marks."""
    _address_breaks(found, number, box)
    if box.kind == engine.LINE and box.children:
        _line_marks(found, number, box)


def _enter(walk: _PageWalk, box: engine.Box, context: _Context) -> _Context:
    """The context inside ``box``: out of the flow, in a frame, in a heading."""
    if box.positioned:
        context = replace(context, in_flow=False)
    label = box.get("data-frame")
    if label and box.kind != engine.LINE and not box.inline_level \
            and box.element != context.frames[-1].element:
        b = box.border
        context = replace(context, frames=(*context.frames, _Frame(
            label, box.element, b.x, b.y, b.right, b.bottom)))
    if box.kind == engine.FOOTNOTES:
        footnotes = _Frame("footnotes", None, box.border.x, box.border.y, walk.area.right,
                           walk.area.bottom)
        context = replace(context, frames=(*context.frames, footnotes), in_flow=False)
    if box.tag in HEADINGS:
        context = replace(context, heading=True)
    return context


def _note(walk: _PageWalk, box: engine.Box, context: _Context) -> None:
    """A footnote's call (its ``::footnote-call`` box, in the flow) and its text
    (its block in the footnote area); only the first of each counts. A note cited
    again (``.note-ref``) is no call of a footnote: it is never a note away."""
    number = box.get("data-n")
    if number is None or box.tag is None or "footnote" not in (box.get("class") or ""):
        return
    note = walk.survey.notes.setdefault(number, Note(number))
    if box.kind == engine.INLINE and box.tag.endswith("::footnote-call"):
        if not note.call_page:
            note.call_page, note.caller = walk.number, context.key
            if box.element is not None:
                walk.survey.note_elements[number] = box.element
    elif box.kind == engine.BLOCK and "::" not in box.tag and context.frames[-1].label \
            == "footnotes" and not note.page:
        note.page, note.key = walk.number, _first_key(box)


def _check_area(walk: _PageWalk, box: engine.Box, tolerance_px: float = 1.0) -> None:
    """The build's check: a text run or an image past the text area of its page
    (WeasyPrint lays them out without a warning: a long URL, a figure too wide,
    a box too tall), one warning each."""
    over_x = box.margin.right - walk.area.right
    over_y = box.margin.bottom - walk.area.bottom
    if over_x > tolerance_px or over_y > tolerance_px:
        what = f"'{box.text[:40]}'" if box.kind == engine.TEXT else "an image"
        side = "right" if over_x > tolerance_px else "bottom"
        by = max(over_x, over_y) * 0.75 / (72 / 25.4)
        walk.survey.overflows.append(f"page {walk.number}: {what} overflows the {side} of "
                                     f"the text area by {by:.1f} mm")


def _check_text(walk: _PageWalk, box: engine.Box, context: _Context) -> None:
    """A message's text past its frame or the text area (also to the left: right-to-
    left text); text of no message only past the text area, outside any frame."""
    text = box.run
    assert text is not None
    if context.key is not None:
        survey = walk.survey
        survey.letters[context.key] = survey.letters.get(context.key, 0) + letter_count(box.text)
        survey.last_seen[context.key] = (walk.number, context.frames[-1].label)
        inner = context.frames[-1]
        for frame in (inner, walk.area) if inner is not walk.area else (walk.area,):
            over = max(text.right - frame.right, text.bottom - frame.bottom,
                       frame.left - text.x)
            _overflow(walk, context.key, frame, over, box.text)
    elif context.frames[-1] is walk.area:
        over = max(text.right - walk.area.right, text.bottom - walk.area.bottom)
        _overflow(walk, None, walk.area, over, box.text)


def _overflow(walk: _PageWalk, key: str | None, frame: _Frame, by_px: float,
              text: str) -> None:
    """Record the overflow (the largest of a message's in one frame of a page)."""
    by = by_px * MM_PER_PX
    if by <= TOLERANCE_MM:
        return
    issues = walk.survey.issues
    slot = (key, walk.number, frame.label)
    if slot not in issues or issues[slot].by_mm < by:
        issues[slot] = Issue("overflow", walk.number, frame.label, round(by, 1), key, text[:60])


def _add_region(walk: _PageWalk, box: engine.Box, context: _Context) -> None:
    """A message's rectangle on this page, one per occurrence (grown over its lines)."""
    frame = context.frames[-1].label if len(context.frames) > 1 else \
        ("heading" if context.heading else "text")
    assert context.key is not None
    slot = (context.key, walk.number, frame, box.element)
    m = box.margin
    rect = [m.x, m.y, m.right, m.bottom, m.height]
    regions = walk.survey.regions
    if slot in regions:
        old = regions[slot]
        regions[slot] = [min(old[0], rect[0]), min(old[1], rect[1]), max(old[2], rect[2]),
                         max(old[3], rect[3]), old[4] + rect[4]]
    else:
        regions[slot] = rect


def _short_lines(walk: _PageWalk, box: engine.Box, key: str | None) -> None:
    """Justified lines (not a paragraph's last) filled less than ``SHORT_LINE``."""
    if not (box.block_container and len(box.children) > 1 and box.justified
            and all(c.kind == engine.LINE for c in box.children)):
        return
    for line in box.children[:-1]:
        if any(b.tag == "br" for b in line.descendants()):
            continue  # a line the author ended on purpose
        ends = [c.margin.right for c in line.children]
        if ends and max(ends) - box.content.x < SHORT_LINE * box.content.width:
            text = "".join(t.text for t in line.texts())[:60]
            walk.survey.issues[("short", walk.number, id(line))] = Issue(
                "short-line", walk.number, "text", 0.0, _first_key(line) or key, text)


def _running_heads(found: Survey, page: engine.Page, plain_keys: dict[str, str]) -> None:
    """Messages printed in the page's margin boxes (from attributes: no spans)."""
    for margin in page.root.children:
        if margin.kind != engine.MARGIN:
            continue
        texts = margin.texts()
        text = "".join(b.text for b in texts).strip()
        if text in plain_keys:
            runs = [b.run for b in texts if b.run is not None]
            found.regions[(plain_keys[text], page.number, "running head", -1)] = [
                min(r.x for r in runs), min(r.y for r in runs),
                max(r.right for r in runs), max(r.bottom for r in runs), 0.0]


AUTO_HYPHEN = "-"  # added at a line end WeasyPrint hyphenates (print.css: hyphenate-character)


def _page_turn_hyphen(found: Survey, page: engine.Page) -> None:
    """A word hyphenated across a page turn: the last line of the page's text flow
    (not the footnotes, running heads or a positioned box) ends with an automatic
    hyphen. WeasyPrint has no ``hyphenate-limit-last``: :func:`keep_words` mends
    what it can at build time, and what is left is reported."""
    lines = list(_flow_lines(page.root))
    if not lines:
        return
    last = max(lines, key=lambda line: line.margin.bottom)
    texts = [t for t in last.texts() if t.text]
    if not texts or not texts[-1].text.endswith(AUTO_HYPHEN):
        return
    words = "".join(t.text for t in texts).split()
    found.issues[("page-turn-hyphen", page.number)] = Issue(
        "page-turn-hyphen", page.number, "text", 0.0, _last_key(last) or _first_key(last),
        words[-1][:60] if words else "")


def _hyphenated_addresses(found: Survey, page: engine.Page) -> None:
    """A URL, e-mail address or document symbol hyphenated at a line end ("ht-" /
    "tps://…"), in the text or the notes: read back from the lines themselves,
    whatever markup the text came with."""
    for block in page.root.descendants():
        _address_breaks(found, page.number, block)


def _address_breaks(found: Survey, number: int, block: engine.Box) -> None:
    """:func:`_hyphenated_addresses` for the lines of one block."""
    lines = [c for c in block.children if c.kind == engine.LINE and c.children]
    for this, following in pairwise(lines):
        texts = [t.text for t in this.texts() if t.text]
        if not texts or not texts[-1].endswith(AUTO_HYPHEN):
            continue
        before = "".join(texts).split()
        after = "".join(t.text for t in following.texts()).split()
        if not before or not after:
            continue
        word = before[-1][:-1] + after[0]
        if markup.is_address(word):
            found.issues[("hyphenated-address", number, word)] = Issue(
                "hyphenated-address", number, "text", 0.0, _last_key(this),
                f"{before[-1]} {after[0]}"[:60])


CALL = "\u2063"  # stands for a note call in a line's text (invisible separator: never in text)
_BETWEEN = f"[\\s\u2060{CALL}]*"
# The same mark twice with only spaces and calls between ("»13»", ",,"); an
# ellipsis written as dots ("...") is three, not two.
_DOUBLED = re.compile(f"([«»“”‘’;:!?,])(?:{_BETWEEN})\\1|(?<!\\.)\\.(?:{_BETWEEN})\\.(?!\\.)")


def _call_marks(found: Survey, page: engine.Page) -> None:
    """Note calls printed as one number ("840": two calls with nothing between) and
    a punctuation mark printed twice around a call ("enfants »13»."), read back
    from each laid-out line, in the text and the notes."""
    for line in page.root.descendants():
        if line.kind == engine.LINE and line.children:
            _line_marks(found, page.number, line)


def _line_marks(found: Survey, number: int, line: engine.Box) -> None:
    """:func:`_call_marks` for one line."""
    tokens: list[tuple[str, str, str | None]] = []
    _line_tokens(line, None, tokens)
    calls = [(i, text) for i, (kind, text, _key) in enumerate(tokens) if kind == "call"]
    for (i, first), (j, second) in pairwise(calls):
        if not "".join(t for _kind, t, _key in tokens[i + 1:j]).strip("\u2060 "):
            found.issues[("fused-calls", number, first, second)] = Issue(
                "fused-calls", number, "text", 0.0, tokens[i][2], f"{first} and {second}")
    _doubled_marks(found, number, tokens)


def _doubled_marks(found: Survey, number: int, tokens: list[tuple[str, str, str | None]]) -> None:
    text, keys = "", []
    for kind, piece, key in tokens:
        shown = CALL if kind == "call" else piece
        text += shown
        keys += [key] * len(shown)
    for match in _DOUBLED.finditer(text):
        shown = text[max(0, match.start() - 12):match.end() + 2].replace(CALL, "¹")
        found.issues[("doubled-mark", number, match.start(), shown)] = Issue(
            "doubled-mark", number, "text", 0.0, keys[match.start()], shown.strip())


def _line_tokens(box: engine.Box, key: str | None,
                 out: list[tuple[str, str, str | None]]) -> None:
    """A line's text as (kind, text, message) pieces: "call" for a note call
    (a footnote's call or a note cited again: one piece per call), "text" otherwise."""
    for child in box.children:
        key_here = child.get("data-msg") or key
        classes = child.get("class") or ""
        if (child.tag or "").endswith("::footnote-call") or "note-ref" in classes.split():
            out.append(("call", "".join(t.text for t in child.texts()).strip(), key_here))
        elif child.kind == engine.TEXT:
            out.append(("text", child.text, key_here))
        else:
            _line_tokens(child, key_here, out)


def _flow_lines(box: engine.Box):
    """The lines of the page's text flow, in document order."""
    for child in box.children:
        if child.kind in (engine.MARGIN, engine.FOOTNOTES) or child.positioned:
            continue
        if child.kind == engine.LINE:
            if child.children:
                yield child
            continue
        yield from _flow_lines(child)


def _last_key(line: engine.Box) -> str | None:
    """The message printed at the end of a line (the innermost span holding its last text)."""
    key, box = None, line
    while box.children:
        holding = [c for c in box.children if c.texts()]
        if not holding:
            break
        box = holding[-1]
        key = box.get("data-msg") or key
    return key


def _first_key(line: engine.Box) -> str | None:
    for box in line.descendants():
        if box.get("data-msg"):
            return box.get("data-msg")
    return None


# --------------------------------------------------------------------------- notes
KEEP_NOTES_PASSES = 8  # layouts again at most, each moving the foot of some pages
# How a block in the way of a note makes room for it: it starts the next page
# (with the heading before it), or it may leave a single line at the foot of the
# page (WeasyPrint then breaks after that line instead of moving the note).
NEW_PAGE, LOOSE_LINES = "break-before: page", "orphans: 1; widows: 1"
STRATEGIES = ((NEW_PAGE, LOOSE_LINES), (LOOSE_LINES, NEW_PAGE))  # tried in turn
FOOTNOTE_LINE = "footnote-policy: line"  # on a note: its call's line goes with it


def keep_notes(document: engine.Document, passes: int = KEEP_NOTES_PASSES,
               pages: int = 0) -> engine.Document:
    """The document laid out again until each note is printed on the page of its
    first call. WeasyPrint moves a note to the next page to fit one more line at
    the foot of its call's page (when breaking before that line would leave an
    orphan), or when the note does not fit under its call. The first line that
    the note needs the room of is found, and its block either starts the next
    page (with the heading before it: as a book does) or may leave a single line
    at the foot of the page; failing both, the line of the call goes to the next
    page with its note. New pages first; single lines if new pages would lengthen
    the document. ``pages``: the length the document may grow to at no cost (a
    booklet padded with blank pages to a multiple of 4 may use them). Notes it
    cannot keep stay where they are, and :func:`survey` reports them."""
    if not _away(survey(document)):
        return document
    allowed = max(len(document), pages)
    tries = []
    for number, order in enumerate(STRATEGIES):
        last = number == len(STRATEGIES) - 1
        kept, away = _keep(document, order, passes, None if last else allowed)
        tries.append((away, max(0, len(kept) - allowed), number, kept))
        if tries[-1][:2] == (0, 0):
            break
    return min(tries, key=lambda t: t[:3])[3]


def _away(found: Survey) -> dict[int, list[Note]]:
    """The notes printed on the page after their call's, by the call's page."""
    away: dict[int, list[Note]] = {}
    for note in found.notes.values():
        if note.call_page and note.page == note.call_page + 1:
            away.setdefault(note.call_page, []).append(note)
    return away


def _keep(document: engine.Document, order: tuple[str, ...], passes: int,
          max_pages: int | None) -> tuple[engine.Document, int]:
    """:func:`keep_notes` with the changes of blocks in ``order``: the document,
    and how many notes are still away (given up as soon as it runs over ``max_pages``)."""
    done: set[tuple[int, str]] = set()
    for _ in range(passes):
        if max_pages is not None and len(document) > max_pages:
            break
        found = survey(document)
        away = _away(found)
        moves = {}
        for page, notes in away.items():
            moves.update(_moves(document, found, page, notes, done, order))
        if not moves:
            return document, sum(len(notes) for notes in away.values())
        done.update(moves.items())
        document = document.relayout(moves)
    return document, sum(len(notes) for notes in _away(survey(document)).values())


def _moves(document: engine.Document, found: Survey, page: int, notes: list[Note],
           done: set[tuple[int, str]], order: tuple[str, ...]) -> dict[int, str]:
    """The first change in ``order`` not made yet to the block in the way (see
    :data:`STRATEGIES`); else (the call's own paragraph is in the way) the line of
    each call goes to the next page with its note (``footnote-policy: line``)."""
    calls = {found.note_elements.get(note.number) for note in notes}
    changes = _blocks_in_the_way(document, page, {n.number for n in notes}, calls)
    for element, style in sorted(changes, key=lambda change: order.index(change[1])):
        if (element, style) not in done:
            return {element: style}
    return {call: FOOTNOTE_LINE for call in calls
            if call is not None and (call, FOOTNOTE_LINE) not in done}


def _blocks_in_the_way(document: engine.Document, number: int, notes: set[str],
                       calls: set[int | None]) -> list[tuple[int, str]]:
    """The changes that give ``notes``, printed on the page after ``number``, the
    room they need at the foot of page ``number``; none that would move one of
    their ``calls`` (moving the line of the call is enough then)."""
    page, after = document.pages[number - 1].root, document.pages[number].root
    area = _footnote_area(after)
    if area is None:
        return []
    needed = sum(box.margin.height for box in area.children if box.get("data-n") in notes)
    own = _footnote_area(page)
    if own is not None:
        limit = own.border.y - needed
    else:  # the area itself appears: its margin too
        chrome = area.margin.height - sum(box.margin.height for box in area.children)
        limit = page.content.bottom - needed - chrome
    # the first line in the way; if none is (WeasyPrint moved the note while trying
    # a line it then put on the next page), the last line of the page
    chain = _first_line_below(page, limit + 0.5, []) or _first_line_below(page, -inf, [], True)
    if chain is None:
        return []
    out = []
    for block, style in ((chain[-2], LOOSE_LINES), (_starting_block(chain[:-1]), NEW_PAGE)):
        if block.element is not None and block.margin.y > page.content.y + 1 and \
                not any(box.element in calls for box in block.descendants()):
            out.append((block.element, style))
    return out


def _starting_block(chain: list[engine.Box]) -> engine.Box:
    """The block to move for the last box of ``chain`` (a line's block, under its
    ancestors): the heading just before it (a heading never stays alone at the foot
    of a page), and the outermost block that it starts."""
    block = chain[-1]
    for parent in reversed(chain[:-1]):
        index = next(i for i, child in enumerate(parent.children) if child is block)
        if index and parent.children[index - 1].tag in HEADINGS:
            block = parent.children[index - 1]
        if parent.tag in ("html", "body", "main") or abs(parent.border.y - block.border.y) > 0.5:
            break
        block = parent
    return block


def _footnote_area(root: engine.Box) -> engine.Box | None:
    return next((box for box in root.children if box.kind == engine.FOOTNOTES), None)


def _first_line_below(box: engine.Box, limit: float, chain: list[engine.Box],
                      last: bool = False) -> list[engine.Box] | None:
    """The first (or ``last``) line of the flow whose foot is below ``limit``, with
    its ancestors."""
    if box.kind in (engine.MARGIN, engine.FOOTNOTES) or box.positioned:
        return None
    if box.kind == engine.LINE:
        return [*chain, box] if box.margin.bottom > limit else None
    for child in reversed(box.children) if last else box.children:
        found = _first_line_below(child, limit, [*chain, box], last)
        if found is not None:
            return found
    return None


# --------------------------------------------------------------------------- page turns
PAGE_TURN_PASSES = 6  # layouts again at most (each tries one change for one page)
# How a paragraph whose last line on a page ends with a hyphen keeps the word
# whole: it is laid out without automatic hyphenation (its lines break again),
# or the hyphenated line goes to the next page with the rest of the paragraph.
NO_HYPHENS, LINE_OVER = "hyphens: manual", "widows: {}"
_COUNTED = ("overflow", "heading-at-foot", "short-line", "note-away", "hyphenated-address")


def keep_words(document: engine.Document, passes: int = PAGE_TURN_PASSES) -> engine.Document:
    """The document laid out again so that no word is hyphenated across a page
    turn (WeasyPrint 70 has no ``hyphenate-limit-last``). For each page whose
    last line of the flow ends with a hyphen, the paragraph is laid out without
    automatic hyphenation, or else its last line on the page goes to the next
    page. A change is kept only if the document does not get longer, that page
    turn is mended, and no other issue appears (no note leaves its call's page,
    no other word is hyphenated at a page turn, no heading is left at a foot, no
    justified line is broken too early). Call it after :func:`keep_notes`. The
    boxes do not tell a hard hyphen ("Inter-" / "Agency") from an added one: a
    line that ends the same without automatic hyphenation is left as it is.
    What it cannot mend, :func:`survey` still reports."""
    document, found = _all_at_once(document, survey(document))
    tried: set[tuple[int, str]] = set()
    for _ in range(passes):
        change = _next_change(document, found, tried)
        if change is None:
            break
        page, element, style = change
        tried.add((element, style))
        trial = document.relayout({element: style})
        trial_found = survey(trial)
        if _mended(document, found, trial, trial_found, {page}):
            document, found = trial, trial_found
        elif style == NO_HYPHENS and _last_line(trial, page) == _last_line(document, page):
            # not an automatic hyphen (a hard one, "Inter-Agency", or a soft hyphen
            # of the text): the line stays, and so does the warning
            tried.update(_word_changes(document, page))
    return document


def _all_at_once(document: engine.Document, found: Survey) -> tuple[engine.Document, Survey]:
    """First, one layout with every hyphenated paragraph at a page turn without
    automatic hyphenation: kept if it mends them all (one layout, not one each)."""
    turns = _turns(found)
    changes = dict(change for page in turns for change in _word_changes(document, page)[:1])
    if len(turns) < 2 or len(changes) != len(turns):
        return document, found
    trial = document.relayout(changes)
    trial_found = survey(trial)
    if _mended(document, found, trial, trial_found, set(turns)):
        return trial, trial_found
    return document, found


def _last_line(document: engine.Document, number: int) -> str | None:
    """The text of the last line of page ``number``'s flow."""
    chain = _first_line_below(document.pages[number - 1].root, -inf, [], True)
    return None if chain is None else "".join(t.text for t in chain[-1].texts())


def _turns(found: Survey) -> list[int]:
    return sorted(issue.page for issue in found.issues.values()
                  if issue.kind == "page-turn-hyphen")


def _next_change(document: engine.Document, found: Survey,
                 tried: set[tuple[int, str]]) -> tuple[int, int, str] | None:
    """The first change not tried yet for a page turn: (page, element, style)."""
    for page in _turns(found):
        for element, style in _word_changes(document, page):
            if (element, style) not in tried:
                return page, element, style
    return None


def _word_changes(document: engine.Document, number: int) -> list[tuple[int, str]]:
    """The changes that may keep whole the word hyphenated after page ``number``:
    its paragraph without automatic hyphenation; its lines on the next page and
    the hyphenated one as widows."""
    chain = _first_line_below(document.pages[number - 1].root, -inf, [], True)
    element = chain[-2].element if chain is not None and len(chain) > 1 else None
    if element is None:
        return []
    after = [box for box in document.pages[number].root.descendants()
             if box.element == element and box.block_container]
    lines = sum(1 for box in after[:1] for c in box.children if c.kind == engine.LINE)
    changes = [(element, NO_HYPHENS)]
    if lines:
        changes.append((element, LINE_OVER.format(lines + 1)))
    return changes


def _mended(before: engine.Document, found: Survey, after: engine.Document,
            after_found: Survey, pages: set[int]) -> bool:
    """``after`` is no longer, mends the page turns after ``pages``, and brings no
    new issue (by kind: never more of them)."""
    if len(after) > len(before):
        return False
    if not set(_turns(after_found)) <= set(_turns(found)) - pages:
        return False
    if not _notes_away_set(after_found) <= _notes_away_set(found):
        return False
    return all(_count(after_found, kind) <= _count(found, kind) for kind in _COUNTED)


def _notes_away_set(found: Survey) -> set[str]:
    return {issue.text for issue in found.issues.values() if issue.kind == "note-away"}


def _count(found: Survey, kind: str) -> int:
    return sum(1 for issue in found.issues.values() if issue.kind == kind)


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
