"""The rendering engine behind one small API: WeasyPrint lays out, pydyf writes.

This is the only module of pressroom that touches WeasyPrint's internals (its box
tree, ``Page._page_box``, ``FontConfiguration``, the ``finisher`` hook) and
pydyf's PDF objects; the rest of the code sees plain records:

- :func:`render` turns HTML into a :class:`Document` of :class:`Page` objects
  (and the warnings WeasyPrint logged while laying it out);
- :attr:`Page.root` is the page's box tree as :class:`Box` records (element tag
  and attributes, rectangles in CSS pixels, text, a few kinds and flags), which
  :mod:`pressroom.render.layout` walks once for regions, issues and overflows;
- :func:`write_pdf` writes the PDF, calling a finisher with a :class:`PdfFile`
  whose few methods (XMP metadata, page boxes, page content wrapped in extra
  drawing) are all that :mod:`pressroom.render.printmarks` needs.

WeasyPrint takes more than half a second to import, so it is imported inside the
functions that render or write, never at the top: a no-op build stays fast.
The contract suite ``tests/test_engine.py`` pins this API on small HTML, so that
a WeasyPrint upgrade that changes the box tree or the PDF objects fails there first.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, BinaryIO

MM_PER_PX = 25.4 / 96  # WeasyPrint lays out in CSS pixels (1/96 in)
PT_PER_PX = 0.75

# --------------------------------------------------------------------------- records
# Kinds of box, the most specific first (see _kind).
PAGE, MARGIN, FOOTNOTES, TEXT, IMAGE, LINE, INLINE, BLOCK, OTHER = (
    "page", "margin", "footnotes", "text", "image", "line", "inline", "block", "other")


@dataclass(frozen=True, slots=True)
class Rect:
    """A rectangle in CSS pixels from the top-left corner of the trimmed page (the
    bleed is at negative coordinates): its corner and size as the engine computed them, so that sums
    such as ``right`` are the engine's own numbers to the last bit."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def mm(self) -> tuple[float, float, float, float]:
        """(x, y, width, height) in millimetres."""
        return (self.x * MM_PER_PX, self.y * MM_PER_PX, self.width * MM_PER_PX,
                self.height * MM_PER_PX)


@dataclass(frozen=True, slots=True)
class Box:
    """One laid-out box, engine-neutral.

    ``kind`` is one of ``page``, ``margin`` (a page-margin box: running heads,
    folios), ``footnotes`` (the footnote area), ``text`` (a run of text on one
    line), ``image``, ``line`` (a line of an inline formatting context), ``inline``
    (an inline element, such as ``<span data-msg>``), ``block`` (a block container:
    paragraph, table cell, inline-block) or ``other``. ``element`` tells boxes of
    the same element apart from others (the same number for every box an element
    makes, on any page of the document); ``attrs`` are its HTML attributes.
    """

    kind: str
    tag: str | None
    attrs: Mapping[str, str]
    element: int | None
    margin: Rect  # the margin box: where the box sits in its line or block
    border: Rect  # the border box: what a frame (data-frame) encloses
    content: Rect  # the content box: where text runs (for a text box: the text)
    text: str  # a text box's text, "" otherwise
    run: Rect | None  # a text box's position and the size of its text (no half-leading)
    inline_level: bool  # text, inline elements, inline images and inline-blocks
    block_container: bool  # holds lines or blocks (blocks, cells, inline-blocks, areas)
    positioned: bool  # position absolute or fixed: out of the flow of the page
    justified: bool  # text-align(-all) justify
    children: tuple[Box, ...]

    def get(self, name: str) -> str | None:
        """An attribute of the box's element (None if absent or anonymous)."""
        return self.attrs.get(name)

    def descendants(self) -> Iterator[Box]:
        """The box itself and every box inside it, in document order."""
        yield self
        for child in self.children:
            yield from child.descendants()

    def texts(self) -> list[Box]:
        return [box for box in self.descendants() if box.kind == TEXT]


class Page:
    """One page of a rendered document (``number`` counts from 1)."""

    def __init__(self, page: Any, number: int, elements: dict[int, int]):
        self._page = page
        self.number = number
        self._elements = elements  # id(element) -> its number, shared by the document

    @cached_property
    def root(self) -> Box:
        """The page's box tree (margin boxes included, as children of kind ``margin``)."""
        return _record(self._page._page_box, self._elements)

    @property
    def area(self) -> Rect:
        """The text area: the page box's content box."""
        return self.root.content


class Document:
    """A laid-out document: its pages, and what WeasyPrint warned about."""

    def __init__(self, document: Any, warnings: list[str] | None = None,
                 elements: dict[int, int] | None = None, source: _Source | None = None,
                 styles: Mapping[int, str] | None = None):
        self._document = document
        self.warnings = warnings or []
        self._elements = {} if elements is None else elements
        self._source = source  # the parsed HTML: laid out again by relayout()
        self.styles = dict(styles or {})  # declarations relayout() added, by element
        self.memo: dict[str, Any] = {}  # what callers computed from these pages (read-only)
        self.pages = [Page(page, number, self._elements)
                      for number, page in enumerate(document.pages, start=1)]

    def __len__(self) -> int:
        return len(self.pages)

    def copy(self, pages: list[Page]) -> Document:
        """A document made of ``pages`` (of this document or others), laid out as they are."""
        return Document(self._document.copy([page._page for page in pages]), self.warnings,
                        self._elements, self._source, self.styles)

    def relayout(self, styles: Mapping[int, str]) -> Document:
        """The same HTML laid out again, with ``styles`` (CSS declarations such as
        ``break-before: page``) added to the style of the elements they number
        (:attr:`Box.element`), on top of those this document was laid out with
        (:attr:`styles`); this document stays as it is. Element numbers stay those of
        this document."""
        if self._source is None:
            raise ValueError("relayout: this document was not laid out by render()")
        by_number = {number: element for element in self._source.html.etree_element.iter()
                     if (number := self._elements.get(id(element))) is not None}
        unknown = sorted(set(styles) - set(by_number))
        if unknown:
            raise ValueError(f"relayout: no element numbered {unknown[0]} in this document")
        wanted = dict(self.styles)
        for number, declarations in styles.items():
            wanted[number] = f"{wanted[number]}; {declarations}" if number in wanted \
                else declarations
        # the parsed HTML is shared by every layout of it: its own style attributes
        # are kept aside the first time an element is changed, and put back
        authored = self._source.authored
        for number in set(wanted) | set(authored):
            element = by_number[number]
            own = authored.setdefault(number, element.get("style"))
            added = wanted.get(number)
            style = "; ".join(part for part in (own, added) if part)
            if style:
                element.set("style", style)
            elif "style" in element.attrib:
                del element.attrib["style"]
        document = _lay_out(self._source, self._elements)
        document.styles = wanted
        return document


def _kind(box: Any, boxes: Any) -> str:
    for cls, kind in ((boxes.MarginBox, MARGIN), (boxes.PageBox, PAGE),
                      (boxes.FootnoteAreaBox, FOOTNOTES), (boxes.TextBox, TEXT),
                      (boxes.ReplacedBox, IMAGE), (boxes.LineBox, LINE),
                      (boxes.InlineBox, INLINE), (boxes.BlockContainerBox, BLOCK)):
        if isinstance(box, cls):
            return kind
    return OTHER


def _run_height(box: Any) -> float:
    """A text box is as tall as its font's ascent and descent. Where that is more
    than its line (Arabic faces: 1.7-2.1 em against a 1.38 line), the run keeps to
    the line, the height the layout gave it. Text set with ``line-height: 0`` (a
    raised note call: figures, which have no descenders) reaches from the top of
    its box to a quarter of an em below its baseline, not to the font's descent
    (Noto Sans Arabic's is 0.74 em)."""
    line = box.margin_height()
    if line > 0:
        return min(box.height, line)
    baseline = getattr(box, "baseline", None)
    if baseline is None:
        return box.height
    return min(box.height, baseline + 0.25 * box.style["font_size"])


def _record(box: Any, elements: dict[int, int]) -> Box:
    """The record of a WeasyPrint box and of the boxes inside it."""
    from weasyprint.formatting_structure import boxes

    element = getattr(box, "element", None)
    number = None
    if element is not None:
        number = elements.setdefault(id(element), len(elements))
    style = getattr(box, "style", None)
    kind = _kind(box, boxes)
    return Box(
        kind=kind,
        tag=getattr(box, "element_tag", None),
        attrs=dict(element.items()) if element is not None else {},
        element=number,
        margin=Rect(box.position_x, box.position_y, box.margin_width(), box.margin_height()),
        border=Rect(box.border_box_x(), box.border_box_y(), box.border_width(),
                     box.border_height()),
        content=Rect(box.content_box_x(), box.content_box_y(), box.width, box.height),
        text=box.text if kind == TEXT else "",
        run=Rect(box.position_x, box.position_y, box.width, _run_height(box))
        if kind == TEXT else None,
        inline_level=isinstance(box, boxes.InlineLevelBox),
        block_container=isinstance(box, boxes.BlockContainerBox),
        positioned=style is not None and style["position"] in ("absolute", "fixed"),
        justified=style is not None and style["text_align_all"] == "justify",
        children=tuple(_record(child, elements)
                       for child in getattr(box, "children", None) or ()),
    )


# --------------------------------------------------------------------------- rendering
class _Collect(logging.Handler):
    """WeasyPrint's warnings (a missing glyph, a CSS rule it ignores) as strings."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render(html: str, *, base_url: str | None = None, url_fetcher: Any = None,
           hyphenation: Mapping[str, str] | None = None) -> Document:
    """Lay out ``html``. Relative URLs resolve against ``base_url`` and are fetched
    by ``url_fetcher`` (a ``weasyprint.URLFetcher``, such as pressroom's sandbox);
    the fonts are configured for ``@font-face``; ``hyphenation`` maps a language
    code to the Pyphen dictionary it is hyphenated with ({"en": "en_US"}).
    WeasyPrint's warnings are kept in :attr:`Document.warnings` instead of being
    logged. Errors propagate."""
    from weasyprint import HTML

    options: dict[str, Any] = {} if url_fetcher is None else {"url_fetcher": url_fetcher}
    source = _Source(HTML(string=html, base_url=base_url, **options), dict(hyphenation or {}))
    return _lay_out(source, {})


@dataclass
class _Source:
    """A parsed ``weasyprint.HTML``, shared by every layout of it, its hyphenation
    dictionaries, and the style attributes of its elements as written (kept the
    first time relayout changes one)."""

    html: Any
    hyphenation: dict[str, str] = field(default_factory=dict)
    authored: dict[int, str | None] = field(default_factory=dict)


def _lay_out(source: _Source, elements: dict[int, int]) -> Document:
    """Lay out parsed HTML, its warnings collected."""
    from weasyprint.text.fonts import FontConfiguration

    collector = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    previous = logger.propagate
    logger.propagate = False
    try:
        with _dictionaries(source.hyphenation):
            document = source.html.render(font_config=FontConfiguration())
    finally:
        logger.removeHandler(collector)
        logger.propagate = previous
    return Document(document, collector.messages, elements, source)


@contextlib.contextmanager
def _dictionaries(chosen: Mapping[str, str]) -> Iterator[None]:
    """While laying out: each language code of ``chosen`` hyphenated with the Pyphen
    dictionary named for it. WeasyPrint asks Pyphen for the dictionary of the
    element's ``lang`` (``pyphen.LANGUAGES``); that entry points at the chosen
    patterns for the time of the layout, so the ``/Lang`` of the PDF stays as written."""
    import pyphen

    saved = {lang: pyphen.LANGUAGES.get(lang) for lang in chosen}
    try:
        for lang, name in chosen.items():
            pyphen.LANGUAGES[lang] = pyphen.LANGUAGES[name]
        yield
    finally:
        for lang, path in saved.items():
            if path is None:
                pyphen.LANGUAGES.pop(lang, None)
            else:
                pyphen.LANGUAGES[lang] = path


# --------------------------------------------------------------------------- PDF
class PdfPage:
    """One page object of the PDF being written (boxes in PDF points, y upwards)."""

    def __init__(self, pdf: Any, page: dict):
        self._pdf = pdf
        self._page = page

    def box(self, name: str) -> list[float]:
        """``TrimBox``, ``BleedBox``, ``MediaBox``: [x0, y0, x1, y1]."""
        return [float(v) for v in self._page[name]]

    def set_box(self, name: str, box: list[float]) -> None:
        import pydyf

        self._page[name] = pydyf.Array(box)

    def wrap_contents(self, before: bytes, after: bytes) -> None:
        """Draw ``before`` under the page's own content and ``after`` over it
        (each a content stream of its own, the page's left untouched)."""
        import pydyf

        first = pydyf.Stream([before])
        last = pydyf.Stream([after])
        self._pdf.add_object(first)
        self._pdf.add_object(last)
        self._page["Contents"] = pydyf.Array([first.reference, self._page["Contents"],
                                              last.reference])


class PdfFile:
    """The PDF as the finisher sees it, just before it is written."""

    def __init__(self, pdf: Any):
        self._pdf = pdf

    def rewrite_metadata(self, change: Callable[[bytes], bytes]) -> None:
        """Apply ``change`` to the XMP metadata stream (each of its chunks)."""
        reference = self._pdf.catalog.get("Metadata")
        if not reference:
            return
        number = int(reference.split()[0])
        for obj in self._pdf.objects:
            if getattr(obj, "number", None) == number:
                obj.stream = [change(part if isinstance(part, bytes) else bytes(part))
                              for part in obj.stream]
                return

    def name_output_intents(self, subtype: str) -> None:
        """Set the subtype of the OutputIntents (WeasyPrint writes ``GTS_PDFX`` for
        any variant but PDF/A; an sRGB intent for the screen is ``GTS_PDFA1``)."""
        for intent in self._pdf.catalog.get("OutputIntents", ()):
            intent["S"] = f"/{subtype}"

    def pages(self) -> list[PdfPage]:
        return [PdfPage(self._pdf, obj) for obj in list(self._pdf.objects)
                if isinstance(obj, dict) and obj.get("Type") == "/Page"]


Finisher = Callable[[PdfFile], None]


def write_pdf(document: Document, target: BinaryIO, *, variant: str | None = None,
              tagged: bool = False, finisher: Finisher | None = None,
              output_intent: str | None = None, direction: str = "ltr") -> None:
    """Write ``document`` as PDF to ``target``: ``variant`` such as ``pdf/x-4`` or
    ``pdf/ua-1``, ``tagged`` for a tagged (accessible) PDF, ``finisher`` called on
    the PDF objects before they are written; ``direction="rtl"``: the document reads
    right to left, and viewers show its spreads so (``/ViewerPreferences /Direction
    /R2L``: the binding on the right).

    A tagged PDF's structure tree is pressroom's (:mod:`pressroom.render.structure`):
    running heads and folios are artifacts, each note and its calls link to each
    other, one element per HTML element across page breaks."""
    options: dict[str, Any] = {}
    if tagged:
        options["pdf_tags"] = True
    # output_intent="srgb": an sRGB OutputIntent, WeasyPrint's copy of the ICC's sRGB2014.icc
    options["output_intent"] = output_intent
    if variant:
        options["pdf_variant"] = variant
    tags_on = tagged or variant in ("pdf/ua-1", "pdf/ua-2")
    sources: dict[Any, Any] = {}

    def finish(_document: Any, pdf: Any) -> None:
        if direction == "rtl":
            _reading_direction(pdf, "/R2L")
        if tags_on:
            _mend_structure(pdf, sources, printable=not (variant or "").startswith("pdf/x"))
        if finisher is not None:
            finisher(PdfFile(pdf))
    options["finisher"] = finish
    pages = document._document.pages
    with _links(pages, tags_on), _tagging(pages, sources, tags_on):
        document._document.write_pdf(target, **options)


def _reading_direction(pdf: Any, value: str) -> None:
    """The catalog's ``/ViewerPreferences /Direction`` (other preferences kept)."""
    import pydyf

    prefs = pdf.catalog.get("ViewerPreferences")
    if not isinstance(prefs, dict):
        prefs = pydyf.Dictionary({})
        pdf.catalog["ViewerPreferences"] = prefs
    prefs["Direction"] = value


# --------------------------------------------------------------------------- tags
def _text_extent(box: Any) -> tuple[float, float, float, float] | None:
    """The rectangle (x0, y0, x1, y1, CSS px) of the glyphs inside ``box``: a call
    set with ``line-height: 0`` has a box of no height, its text has one."""
    from weasyprint.formatting_structure import boxes

    found = [(b.position_x, b.position_y, b.position_x + b.width, b.position_y + b.height)
             for b in box.descendants() if isinstance(b, boxes.TextBox)]
    if not found:
        return None
    return (min(r[0] for r in found), min(r[1] for r in found),
            max(r[2] for r in found), max(r[3] for r in found))


def _page_links(page: Any) -> tuple[list, dict]:
    """A page's links and anchors for a tagged PDF: one link per ``<a>`` (not one
    more for each box inside it, which WeasyPrint adds), each over its glyphs, and
    a link from each footnote's call to the note and from the note's number back to
    the call (an anchor there)."""
    from weasyprint.formatting_structure import boxes

    from pressroom.render import structure

    links, anchors = [], dict(page.anchors)
    for kind, target, rect, box in page.links:
        if not box.link:  # a box inside the link: WeasyPrint's inherited copy
            continue
        flat = rect[3] - rect[1] < 1
        links.append((kind, target, (_text_extent(box) or rect) if flat else rect, box))
    for box in page._page_box.descendants():
        tag = getattr(box, "element_tag", None) or ""
        if not isinstance(box, boxes.InlineBox) or box.element is None:
            continue
        note = box.element.get("id")
        extent = _text_extent(box) if note and tag.endswith(structure.CALL) else None
        if extent is not None:
            links.append(("internal", note, extent, box))
            anchors.setdefault(structure.call_anchor(note), extent)
        elif note and tag.endswith(structure.MARKER) and (extent := _text_extent(box)):
            links.append(("internal", structure.call_anchor(note), extent, box))
    return links, anchors


@contextlib.contextmanager
def _links(pages: list, tags_on: bool) -> Iterator[None]:
    """While a tagged PDF is written, its pages' links are those of :func:`_page_links`."""
    if not tags_on:
        yield
        return
    kept = [(page.links, page.anchors) for page in pages]
    try:
        for page in pages:
            for *_link, box in page.links:  # a box keeps the annotation of an earlier write
                box.link_annotation = None
            page.links, page.anchors = _page_links(page)
        yield
    finally:
        for page, (links, anchors) in zip(pages, kept, strict=True):
            page.links, page.anchors = links, anchors


def _artifacts(pages: list) -> dict[int, str]:
    """The boxes drawn as artifacts (by id) and their kind: what is inside page-margin
    boxes (running heads, folios) is ``Pagination``, a dotted leader ``Layout``."""
    from weasyprint.formatting_structure import boxes

    kinds: dict[int, str] = {}
    for page in pages:
        for box in page._page_box.descendants():
            kind = "Pagination" if isinstance(box, boxes.MarginBox) \
                else "Layout" if box.is_leader else None
            if kind:
                kinds.update((id(inner), kind) for inner in box.descendants())
    return kinds


@contextlib.contextmanager
def _tagging(pages: list, sources: dict[Any, Any], tags_on: bool) -> Iterator[None]:
    """While a PDF is written, WeasyPrint's structure tree (built in
    ``weasyprint.pdf.tags._build_box_tree``, recursively by its module name) is
    wrapped: running heads and folios are drawn as ``/Artifact /Pagination``, the
    dots of a leader (the contents) as ``/Artifact /Layout`` (the stream's
    ``marked``), and both are left out of the tree; each structure element gets the
    type, ``/ID``, ``/Alt``, ``/Lang`` and link description
    :mod:`pressroom.render.structure` says, and ``sources`` records the HTML
    element each was made for (the mending joins the pieces of one element)."""
    import pydyf
    from weasyprint.pdf import stream, tags

    build, marked = tags._build_box_tree, stream.Stream.marked
    artifacts = _artifacts(pages) if tags_on else {}

    @contextlib.contextmanager
    def artifact_or_marked(self: Any, box: Any, tag: str) -> Iterator[None]:
        kind = artifacts.get(id(box))
        if kind is None or self._tags is None:
            with marked(self, box, tag):
                yield
            return
        self.begin_marked_content("Artifact", pydyf.Dictionary({"Type": f"/{kind}"}))
        try:
            yield
        finally:
            self.end_marked_content()

    def described(box: Any, *args: Any) -> Iterator[Any]:
        from weasyprint.formatting_structure import boxes

        if isinstance(box, boxes.MarginBox) or box.is_leader:
            return  # artifacts: not in the tree
        if isinstance(box, boxes.FootnoteAreaBox):  # the notes themselves, no wrapper
            for child in box.children:
                yield from described(child, *args)
            return
        tag, attrs = _tag_and_attributes(box)
        _describe_link(box, tag, attrs)
        for made in build(box, *args):
            if made.reference not in sources:  # not one made for a box inside this one
                _describe(made, tag, attrs)
                sources[made.reference] = (id(box.element), tag) if box.element is not None \
                    else None
            yield made

    tags._build_box_tree, stream.Stream.marked = described, artifact_or_marked
    try:
        yield
    finally:
        tags._build_box_tree, stream.Stream.marked = build, marked


def _tag_and_attributes(box: Any) -> tuple[str | None, dict[str, str]]:
    element = getattr(box, "element", None)
    tag = getattr(box, "element_tag", None) if element is not None else None
    if element is None or tag in ("html", "body"):
        return tag, {}
    return tag, dict(element.items())


def _describe_link(box: Any, tag: str | None, attrs: Mapping[str, str]) -> None:
    """The link annotation of ``box`` says what it links to, in words."""
    import pydyf

    from pressroom.render import structure

    annotation = getattr(box, "link_annotation", None)
    label = structure.link_label(tag, attrs)
    if annotation is not None and label:
        annotation["Contents"] = pydyf.String(label)


def _describe(made: dict, tag: str | None, attrs: Mapping[str, str]) -> None:
    """A structure element made for an element with ``tag`` and ``attrs``: its type,
    /ID, /Alt, and the ``/Lang`` of a passage in another language (WeasyPrint 70
    writes only the document's), so that a screen reader switches voices."""
    import pydyf

    from pressroom.render import structure

    kind = structure.role(tag, attrs)
    if kind:
        made["S"] = f"/{kind}"
    if ident := structure.note_id(tag, attrs):
        made["ID"] = pydyf.String(ident)
    if alt := structure.alternative(tag, attrs):
        made["Alt"] = pydyf.String(alt)
    lang = attrs.get("lang") if tag and "::" not in tag else None
    if lang and "Lang" not in made:
        made["Lang"] = pydyf.String(lang)


class _Objects:
    """pydyf's objects as :class:`pressroom.render.structure.Objects`."""

    def __init__(self, pdf: Any):
        self._pdf = pdf

    def resolve(self, reference: Any) -> Any:
        if not isinstance(reference, bytes) or not reference.endswith(b" R"):
            return None
        return self._pdf.objects[int(reference.split()[0])]

    def reference(self, element: Any) -> Any:
        return element.reference

    def dictionary(self, values: dict[str, Any]) -> Any:
        import pydyf

        return pydyf.Dictionary(values)

    def add(self, values: dict[str, Any]) -> Any:
        import pydyf

        made = pydyf.Dictionary({key: pydyf.Array(value) if isinstance(value, list) else value
                                 for key, value in values.items()})
        self._pdf.add_object(made)
        return made.reference


def _mend_structure(pdf: Any, sources: Mapping[Any, Any], *, printable: bool) -> None:
    """The written tree mended (:func:`pressroom.render.structure.mend`) and, outside
    PDF/X (where an annotation inside the trim must not print), every link
    annotation with the Print flag, so that print and screen readers agree."""
    from pressroom.render import structure

    objects = _Objects(pdf)
    root = objects.resolve(pdf.catalog["StructTreeRoot"])
    document = objects.resolve(root["K"][0])
    nums = objects.resolve(root["ParentTree"])["Nums"]
    structure.mend(objects, document, nums, sources)
    if printable:
        for obj in pdf.objects:
            if isinstance(obj, dict) and obj.get("Type") == "/Annot":
                obj["F"] = 4
