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
        run=Rect(box.position_x, box.position_y, box.width, box.height) if kind == TEXT
        else None,
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


def render(html: str, *, base_url: str | None = None, url_fetcher: Any = None) -> Document:
    """Lay out ``html``. Relative URLs resolve against ``base_url`` and are fetched
    by ``url_fetcher`` (a ``weasyprint.URLFetcher``, such as pressroom's sandbox);
    the fonts are configured for ``@font-face``. WeasyPrint's warnings are kept
    in :attr:`Document.warnings` instead of being logged. Errors propagate."""
    from weasyprint import HTML

    options: dict[str, Any] = {} if url_fetcher is None else {"url_fetcher": url_fetcher}
    return _lay_out(_Source(HTML(string=html, base_url=base_url, **options)), {})


@dataclass
class _Source:
    """A parsed ``weasyprint.HTML``, shared by every layout of it, and the style
    attributes of its elements as written (kept the first time relayout changes one)."""

    html: Any
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
        document = source.html.render(font_config=FontConfiguration())
    finally:
        logger.removeHandler(collector)
        logger.propagate = previous
    return Document(document, collector.messages, elements, source)


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
              output_intent: str | None = None) -> None:
    """Write ``document`` as PDF to ``target``: ``variant`` such as ``pdf/x-4`` or
    ``pdf/ua-1``, ``tagged`` for a tagged (accessible) PDF, ``finisher`` called on
    the PDF objects before they are written."""
    options: dict[str, Any] = {}
    if tagged:
        options["pdf_tags"] = True
    # output_intent="srgb": an sRGB OutputIntent, WeasyPrint's copy of the ICC's sRGB2014.icc
    options["output_intent"] = output_intent
    if variant:
        options["pdf_variant"] = variant
    if finisher is not None:
        def finish(_document: Any, pdf: Any) -> None:
            finisher(PdfFile(pdf))
        options["finisher"] = finish
    with _passage_languages():
        document._document.write_pdf(target, **options)


@contextlib.contextmanager
def _passage_languages() -> Iterator[None]:
    """While a PDF is written: each structure element made for an HTML element with
    its own ``lang`` (a passage in another language, ``<span lang="en">``) gets that
    ``/Lang``, which WeasyPrint 70 writes only for the whole document, so that a
    screen reader switches voices. WeasyPrint builds the structure tree in
    ``weasyprint.pdf.tags._build_box_tree`` (recursively, by its module name): the
    function is wrapped for the time of the write."""
    import pydyf
    from weasyprint.pdf import tags

    build = tags._build_box_tree

    def with_lang(box: Any, *args: Any) -> Iterator[Any]:
        element = getattr(box, "element", None)
        lang = None
        if element is not None and getattr(box, "element_tag", None) not in ("html", "body"):
            lang = element.get("lang")
        for made in build(box, *args):
            if lang and "Lang" not in made:
                made["Lang"] = pydyf.String(lang)
            yield made

    tags._build_box_tree = with_lang
    try:
        yield
    finally:
        tags._build_box_tree = build
