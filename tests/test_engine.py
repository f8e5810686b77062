"""The engine adapter's contract (pressroom.render.engine) on small HTML strings.

No publication, no content/ or locales/: each test lays out a few lines of HTML
and checks what pressroom relies on from WeasyPrint and pydyf (box records,
overflow, footnotes, print marks, a readable PDF). A WeasyPrint or pydyf upgrade
that changes any of it fails here first, with a small example to look at.
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest

from pressroom.render import engine, layout, printmarks

PAGE = "@page { size: 100mm 80mm; margin: 10mm }"
BASE = "body { font: 10pt/1.2 serif; margin: 0 } p { margin: 0 }"
MM = 96 / 25.4  # CSS pixels per millimetre
ICC = Path(printmarks.DEFAULT_CMYK_PROFILE)


def page_html(body: str, css: str = "", page: str = PAGE) -> str:
    return (f"<html><head><style>{page} {BASE} {css}</style></head>"
            f"<body>{body}</body></html>")


def boxes_with(document: engine.Document, name: str, value: str) -> list[tuple[int, engine.Box]]:
    return [(page.number, box) for page in document.pages for box in page.root.descendants()
            if box.get(name) == value]


# --------------------------------------------------------------------------- boxes
def test_a_message_span_is_found_on_its_page_with_a_plausible_rectangle():
    body = ('<p>First page.</p><p style="break-before: page">Second page: '
            '<span data-msg="aaaaaaaaaaaa" data-extra="x">the message</span>.</p>')
    document = engine.render(page_html(body))
    assert len(document) == len(document.pages) == 2
    assert [page.number for page in document.pages] == [1, 2]
    found = boxes_with(document, "data-msg", "aaaaaaaaaaaa")
    # the span's inline box, and its text (text boxes carry their element's attributes)
    assert [(number, box.kind, box.tag) for number, box in found] == \
        [(2, engine.INLINE, "span"), (2, engine.TEXT, "span")]
    span = found[0][1]
    assert found[1][1] in span.children
    assert span.attrs == {"data-msg": "aaaaaaaaaaaa", "data-extra": "x"}
    assert span.inline_level and not span.block_container
    # inside the text area (10 mm margins of a 100 x 80 mm page), on the first line
    area = document.pages[1].area
    assert (area.x, area.y) == pytest.approx((10 * MM, 10 * MM))
    assert (area.width, area.height) == pytest.approx((80 * MM, 60 * MM))
    rect = span.margin
    assert area.x < rect.x < rect.right <= area.right
    assert area.y <= rect.y < rect.bottom < area.y + 8 * MM
    assert 3 * MM < rect.width < 40 * MM and 3 * MM < rect.height < 8 * MM
    x, y, w, _h = rect.mm()
    assert 10 < x < 90 and 10 <= y < 20 and w == pytest.approx(rect.width / MM)
    # its text: runs of text boxes inside the span, on a line of a block
    assert "".join(t.text for t in span.texts()) == "the message"
    assert all(t.run is not None and t.run.width > 0 for t in span.texts())
    lines = [b for b in document.pages[1].root.descendants() if b.kind == engine.LINE]
    assert any(span in line.descendants() for line in lines)


def test_the_same_element_keeps_its_number_across_pages_and_copies():
    body = '<div data-frame="panel">' + "<p>Line of text.</p>" * 20 + "</div>"
    document = engine.render(page_html(body, "p { margin: 0 0 5mm }"))
    panels = boxes_with(document, "data-frame", "panel")
    assert len({number for number, _ in panels}) >= 2  # the panel runs over two pages
    assert len({box.element for _, box in panels}) == 1
    assert panels[0][1].kind == engine.BLOCK and panels[0][1].block_container
    # copy: the pages of another document, reordered, each numbered anew
    other = engine.render(page_html("<h2>Blank</h2>"))
    copied = document.copy([other.pages[0], *document.pages])
    assert len(copied) == len(document) + 1 and copied.pages[1].number == 2
    assert [b.tag for b in copied.pages[0].root.descendants() if b.tag == "h2"][:1] == ["h2"]


def test_margin_boxes_positioned_boxes_and_justified_text_are_told_apart():
    css = ("@page { @top-center { content: 'Running head' } } "
           "p { text-align: justify } .abs { position: absolute; top: 0 }")
    body = ('<p>' + "words " * 60 + '</p><div class="abs">Away</div>')
    document = engine.render(page_html(body, css))
    root = document.pages[0].root
    assert root.kind == engine.PAGE
    margins = [b for b in root.children if b.kind == engine.MARGIN]
    assert ["".join(t.text for t in m.texts()).strip() for m in margins] == ["Running head"]
    paragraph = next(b for b in root.descendants() if b.tag == "p" and b.kind == engine.BLOCK)
    assert paragraph.justified and len(paragraph.children) > 1
    assert all(child.kind == engine.LINE for child in paragraph.children)
    away = next(b for b in root.descendants() if b.get("class") == "abs")
    assert away.positioned and not paragraph.positioned


def test_warnings_of_the_engine_are_collected_not_logged(caplog):
    document = engine.render(page_html("<p>Text</p>", "p { colour: red; unknown-thing: 1 }"))
    assert any("unknown-thing" in w or "colour" in w for w in document.warnings)
    assert not [r for r in caplog.records if r.name.startswith("weasyprint")]


# --------------------------------------------------------------------------- overflow
def test_a_frame_with_too_much_text_is_reported_and_one_that_fits_is_not():
    text = "one two three four five six seven eight nine ten eleven twelve thirteen " * 2
    body = (f'<div data-frame="panel" style="height: 8mm"><span data-msg="aaaaaaaaaaaa">'
            f'{text}</span></div>'
            f'<div data-frame="box" style="height: 20mm"><span data-msg="bbbbbbbbbbbb">'
            f'Short.</span></div>')
    found = layout.survey(engine.render(page_html(body)))
    overflow = [(i.key, i.frame, i.page) for i in found.issues.values() if i.kind == "overflow"]
    assert overflow == [("aaaaaaaaaaaa", "panel", 1)]
    data = found.data()
    assert data["pages"] == 1
    assert {(r["key"], r["frame"]) for r in data["regions"]} == \
        {("aaaaaaaaaaaa", "panel"), ("bbbbbbbbbbbb", "box")}
    assert found.overflows == []  # still inside the text area: not the build's concern


def test_text_past_the_text_area_is_one_build_warning_and_one_issue():
    body = '<p><span data-msg="cccccccccccc">' + "x" * 120 + "</span></p>"
    found = layout.survey(engine.render(page_html(body)))
    assert len(found.overflows) == 1
    assert found.overflows[0].startswith("page 1: 'xxxxxxxxxx")
    assert " overflows the right of the text area by " in found.overflows[0]
    issues = [i for i in found.issues.values() if i.kind == "overflow"]
    assert [(i.key, i.frame) for i in issues] == [("cccccccccccc", "page")]
    by = float(found.overflows[0].rsplit(" by ", 1)[1].split()[0])
    assert issues[0].by_mm == pytest.approx(by, abs=0.15)


def test_text_that_fits_reports_nothing():
    found = layout.survey(engine.render(page_html("<p>Fits well.</p>")))
    assert found.overflows == [] and found.issues == {}


# --------------------------------------------------------------------------- footnotes
def test_a_footnote_is_printed_in_the_footnote_area_of_its_page():
    css = ".note { float: footnote }"
    body = ('<p>First page.</p><p style="break-before: page">Text with a note'
            '<span class="note"><span data-msg="dddddddddddd">The note itself.</span>'
            '</span> and more.</p>')
    document = engine.render(page_html(body, css))
    assert len(document) == 2
    areas = [(page.number, box) for page in document.pages for box in page.root.children
             if box.kind == engine.FOOTNOTES]
    with_text = [(n, a) for n, a in areas if a.texts()]
    assert [n for n, _ in with_text] == [2]
    area = with_text[0][1]
    assert "The note itself." in "".join(t.text for t in area.texts())
    page_area = document.pages[1].area
    assert page_area.y + page_area.height / 2 < area.border.y < page_area.bottom
    regions = layout.analyse(document)["regions"]
    assert [(r["key"], r["page"], r["frame"]) for r in regions] == \
        [("dddddddddddd", 2, "footnotes")]


# --------------------------------------------------------------------------- PDF
def write(document: engine.Document, **options) -> bytes:
    buffer = io.BytesIO()
    engine.write_pdf(document, buffer, **options)
    return buffer.getvalue()


@pytest.mark.e2e  # writes a PDF
def test_a_pdf_is_written_and_readable():
    document = engine.render(page_html("<p>Hello.</p><p style='break-before: page'>Two.</p>"))
    data = write(document)
    assert data.startswith(b"%PDF-")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 2
        width, height = (float(v) for v in pdf.pages[0].MediaBox[2:])
        assert (width, height) == pytest.approx((100 * 72 / 25.4, 80 * 72 / 25.4), abs=0.01)
    tagged = write(document, tagged=True, variant="pdf/ua-1")
    with pikepdf.open(io.BytesIO(tagged)) as pdf:
        assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked


@pytest.mark.skipif(not ICC.is_file(), reason="needs Debian's libgs-common (CMYK profile)")
@pytest.mark.e2e  # writes a PDF
def test_a_print_finisher_adds_crop_marks_outside_the_bleed_and_a_stable_id():
    css = ("@color-profile device-cmyk { components: cyan, magenta, yellow, black; "
           f"src: url({ICC.as_uri()}) }}")
    page = "@page { size: 100mm 80mm; margin: 10mm; bleed: 3mm }"
    dates = ('<meta name="dcterms.created" content="2026-01-01T00:00:00Z">'
             '<meta name="dcterms.modified" content="2026-01-01T00:00:00Z">')
    html = page_html("<p style='color: device-cmyk(0 0 0 1)'>Print.</p>", css, page)
    html = html.replace("<head>", "<head>" + dates)
    document = engine.render(html, base_url=ICC.parent.as_uri() + "/")
    finish = printmarks.finisher(b"seed", marks=True)
    data = write(document, variant="pdf/x-4", finisher=finish)
    assert data == write(engine.render(html, base_url=ICC.parent.as_uri() + "/"),
                         variant="pdf/x-4", finisher=finish)  # dates given: the same bytes
    with pikepdf.open(io.BytesIO(data)) as pdf:
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1 and intents[0].S == "/GTS_PDFX"
        assert "/DestOutputProfile" in intents[0]
        page = pdf.pages[0]
        trim = [float(v) for v in page.TrimBox]
        bleed = [float(v) for v in page.BleedBox]
        media = [float(v) for v in page.MediaBox]
        three_mm = 3 * 72 / 25.4
        assert bleed == pytest.approx([trim[0] - three_mm, trim[1] - three_mm,
                                       trim[2] + three_mm, trim[3] + three_mm], abs=0.01)
        reach = three_mm + printmarks.MARK_GAP + printmarks.MARK_LENGTH + printmarks.MEDIA_MARGIN
        assert media == pytest.approx([trim[0] - reach, trim[1] - reach,
                                       trim[2] + reach, trim[3] + reach], abs=0.01)
        drawn = b"".join(stream.read_bytes() for stream in page.Contents)
        assert printmarks.crop_marks_stream(trim, bleed[2] - trim[2]) in drawn
        assert drawn.startswith(b"q") and b"1 1 1 1 K" in drawn
        xmp = pdf.Root.Metadata.read_bytes()
    stable = printmarks.stable_document_id(b"seed")(b"xmp.did:" + b"0" * 36)
    assert stable in xmp


@pytest.mark.e2e  # writes a PDF
def test_without_marks_the_media_box_is_the_bleed_box():
    page = "@page { size: 100mm 80mm; margin: 10mm; bleed: 3mm }"
    document = engine.render(page_html("<p>Print.</p>", page=page))
    # layout coordinates start at the trimmed page's corner, whatever the bleed
    assert document.pages[0].root.margin.mm()[:2] == pytest.approx((0, 0))
    assert document.pages[0].area.mm()[:2] == pytest.approx((10, 10))
    data = write(document, finisher=printmarks.finisher(b"seed", marks=False))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page_obj = pdf.pages[0]
        assert [float(v) for v in page_obj.MediaBox] == \
            pytest.approx([float(v) for v in page_obj.BleedBox])
