"""Issue 15, line breaks and small-text ink: text under 8 pt in one ink (and the
preflight warning on several), URLs and document symbols never hyphenated, and
a word hyphenated across a page turn reported by the layout QA."""

import html
import re

import pikepdf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pressroom.production import builder
from pressroom.qa import layout_qa, preflight
from pressroom.render import engine, layout
from pressroom.text import markup


# --------------------------------------------------------------------------- small text inks
def pdf_with(content: bytes) -> pikepdf.Pdf:
    """A one-page PDF drawing ``content`` with a font /F1 (never rendered: read back)."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font,
                                                Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page = pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, 200, 200],
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
        Contents=pdf.make_stream(content)))
    pdf.pages.append(page)
    return pdf


def ink_warnings(content: bytes) -> list[str]:
    return [str(p) for p in preflight.small_text_ink_problems(pdf_with(content), "x.pdf")]


@pytest.mark.parametrize(("content", "inks"), [
    (b"0.5 0.4 0.4 1 k BT /F1 6 Tf (a) Tj ET", "4 inks (C50 M40 Y40 K100)"),  # rich black
    (b"/DeviceCMYK cs 1 0.55 0 0.25 scn BT /F1 6.4 Tf (b) Tj ET", "3 inks (C100 M55 K25)"),
    (b"/DeviceCMYK cs 1 0.55 0 0.25 sc BT /F1 7 Tf [(c) 20 (d)] TJ ET", "3 inks"),
    (b"q 0.5 0 0 0.5 0 0 cm 0 1 1 0 k BT /F1 12 Tf (e) Tj ET Q", "2 inks (M100 Y100)"),
    (b"0 1 1 0 k BT 0.5 0 0 -0.5 10 10 Tm /F1 12 Tf (f) ' ET", "2 inks"),
])
def test_small_text_in_several_inks_is_a_warning(content, inks):
    found = ink_warnings(content)
    assert len(found) == 1, found
    assert found[0].startswith("x.pdf: page 1: warning: 1 text run(s) of ")
    assert inks in found[0] and "should print in one ink" in found[0]


@pytest.mark.parametrize("content", [
    b"0 0 0 1 k BT /F1 6 Tf (a) Tj ET",  # 100 % K
    b"/DeviceCMYK cs 1 0 0 0 scn BT /F1 5 Tf (b) Tj ET",  # one process colour
    b"0 0 0 0.7 k BT /F1 7 Tf (c) Tj ET",  # K70
    b"0.5 g BT /F1 6 Tf (d) Tj ET",  # grey: black ink only
    b"0.5 0.4 0.4 1 k BT /F1 8 Tf (e) Tj ET",  # 8 pt is not under 8 pt
    b"q 0.75 0 0 0.75 0 0 cm 1 0.55 0 0.25 k BT /F1 10.666016 Tf (f) Tj ET Q",  # 7.9995 pt
    b"0.5 0.4 0.4 1 k BT /F1 12 Tf (g) Tj ET",  # large text may be rich
    b"0 0 0 1 k q 0.5 0.4 0.4 1 k Q BT /F1 6 Tf (h) Tj ET",  # Q restores the K
    b"0.5 0.4 0.4 1 k BT 3 Tr /F1 6 Tf (i) Tj ET",  # invisible text
])
def test_small_text_in_one_ink_passes(content):
    assert ink_warnings(content) == []


def test_ink_warnings_are_one_line_per_page_and_colour():
    runs = b"".join(b"BT /F1 %d Tf (a) Tj ET " % size for size in (5, 6, 7) * 40)
    found = ink_warnings(b"1 0.55 0 0.25 k " + runs + b"0 0 1 1 k " + runs)
    assert len(found) == 2, found
    assert "120 text run(s) of 5.0-7.0 pt in 3 inks (C100 M55 K25)" in found[0]
    assert "120 text run(s) of 5.0-7.0 pt in 2 inks (Y100 K100)" in found[1]


def test_a_warning_reads_as_one_and_survives_the_cache():
    problem = preflight.Problem("build/fr/brochure.pdf", 3, "small", warning=True)
    assert str(problem) == "build/fr/brochure.pdf: page 3: warning: small"
    assert str(preflight.Problem("a.pdf", None, "bad")) == "a.pdf: bad"


# --------------------------------------------------------------------------- URLs, symbols
def plain(marked: str) -> str:
    """What prints: the HTML without tags, word joiners and zero-width spaces (no
    glyph), unescaped."""
    text = html.unescape(re.sub(r"<[^>]+>", "", marked))
    return text.replace("\u2060", "").replace("\u200b", "")


def test_a_url_breaks_only_after_slash_or_dot_and_is_never_hyphenated():
    out = markup.protect_addresses("see https://www.example.org/a/b.html, then")
    assert out == ('see<span class="url"> https://\u200bwww.\u200bexample.\u200borg/\u200ba/\u200b'
                   'b.\u200bhtml</span>, then')


@pytest.mark.parametrize(("text", "expected"), [
    ("see idcoalition.org.", 'see<span class="url"> idcoalition.\u200borg</span>.'),
    ("write to info@ohchr.org;", 'write to<span class="url"> info@ohchr.\u200borg</span>;'),
    ("see (www.un.org/fr/)", 'see<span class="url"> (www.\u200bun.\u200borg/\u200bfr/</span>)'),
    ("mailto:a@b.int", '<span class="url">mailto:a@b.\u200bint</span>'),
    ("end-child.org/a-b", '<span class="url">end-\u2060child.\u200borg/\u200ba-\u2060b</span>'),
    ("a?x=1&y=<2> https://x.org/?a=1&b=2",
     'a?x=1&amp;y=&lt;2&gt;<span class="url"> https://\u200bx.\u200borg/\u200b?a=1&amp;b=2</span>'),
])
def test_urls_and_addresses(text, expected):
    assert markup.protect_addresses(text) == expected


def sym(text: str) -> str:
    return text.replace("/", "/\u200b").replace("-", "-\u2060")


@pytest.mark.parametrize(("text", "expected"), [
    ("A/RES/71/1 (2016)", f'<span class="doc-symbol">{sym("A/RES/71/1")}</span> (2016)'),
    ("in (A/HRC/38/41)", f'in<span class="doc-symbol"> ({sym("A/HRC/38/41")}</span>)'),
    ("« CRC/C/GC/6 ».", f'«<span class="doc-symbol"> {sym("CRC/C/GC/6")}</span> ».'),
    ("E/CN.4/2005/L.10/Add.11", (f'<span class="doc-symbol">{sym("E/CN.4/2005/L.10/Add.11")}'
                                '</span>')),
    # two symbols joined by a hyphen: a line ending "CMW/C/GC/4-" would read as hyphenated
    ("CMW/C/GC/4-CRC/C/GC/23", (f'<span class="doc-symbol">{sym("CMW/C/GC/4-CRC/C/GC/23")}'
                               '</span>')),
])
def test_document_symbols_break_only_after_a_slash(text, expected):
    assert markup.protect_addresses(text) == expected


@pytest.mark.parametrize("text", ["and/or", "No. 3/No. 22", "(CMW)/No. 22", "e.g. this",
                                  "km/h", "3.5 per cent", "Mr. Méndez", "x@y"])
def test_ordinary_text_is_left_alone(text):
    assert markup.protect_addresses(text) == html.escape(text, quote=False)


def test_link_text_that_is_a_url_keeps_its_call():
    out = markup.to_html("site: [endchilddetention.org](https://endchilddetention.org).[^n]",
                         lambda n: "<call>")
    # the link goes inside the span, with the space before it (see
    # test_an_address_moved_...), not the space inside the link (a link of no width)
    assert out == ('site:<span class="url"> <a href="https://endchilddetention.org">'
                   'endchilddetention.\u200borg</a></span>.\u2060<call>')
    assert markup.to_html("a [word](https://e.org) b") == 'a <a href="https://e.org">word</a> b'


@given(st.text(alphabet="ab./:@-AR0123 <&>wh[]()", max_size=40))
def test_links_and_addresses_keep_their_text(text):
    from pressroom.errors import MarkupError

    try:
        out = markup.to_html(text)
    except MarkupError:  # a link to a scheme that is not allowed
        return
    assert plain(out).strip() == markup.to_plain(text)


# --------------------------------------------------------------------------- page turns
def rect(y: float, h: float = 10.0) -> engine.Rect:
    return engine.Rect(0.0, y, 100.0, h)


def box(kind: str, y: float, children=(), text: str = "", attrs=None, positioned=False):
    return engine.Box(kind=kind, tag=None, attrs=attrs or {}, element=None, margin=rect(y),
                      border=rect(y), content=rect(y), text=text,
                      run=rect(y) if kind == engine.TEXT else None, inline_level=False,
                      block_container=kind == engine.BLOCK, positioned=positioned,
                      justified=False, children=tuple(children))


def line(y: float, *words: str, key: str = "k1"):
    texts = [box(engine.TEXT, y, text=w) for w in words]
    return box(engine.LINE, y, [box(engine.INLINE, y, texts, attrs={"data-msg": key})])


class FakePage:
    def __init__(self, number: int, *children):
        self.number = number
        self.root = box(engine.PAGE, 0, [box(engine.BLOCK, 0, children)])


def page_turn_issues(page) -> list:
    found = layout.Survey(pages=2)
    layout._page_turn_hyphen(found, page)
    return list(found.issues.values())


def test_a_word_hyphenated_at_the_foot_of_a_page_is_reported():
    page = FakePage(1, line(10, "Most chil-"), line(20, "are deten-", key="k2"))
    [issue] = page_turn_issues(page)
    assert (issue.kind, issue.page, issue.key, issue.text) == ("page-turn-hyphen", 1, "k2",
                                                               "deten-")
    assert issue.describe("brochure") == ("word hyphenated across the page turn after brochure "
                                          "p. 1 (\"deten-\"); rephrasing a line above "
                                          "moves the break")


def test_other_line_ends_at_the_foot_are_not_a_page_turn_hyphen():
    assert page_turn_issues(FakePage(1, line(10, "con-"), line(20, "the end."))) == []
    assert page_turn_issues(FakePage(1, line(20, "see A/RES/71/1"))) == []
    notes = box(engine.FOOTNOTES, 90, [line(90, "foot-")])
    assert page_turn_issues(FakePage(1, line(20, "whole."), notes)) == []
    floating = box(engine.BLOCK, 95, [line(95, "pan-")], positioned=True)
    assert page_turn_issues(FakePage(1, line(20, "whole."), floating)) == []
    assert page_turn_issues(FakePage(1)) == []


def test_a_compound_broken_at_its_own_hyphen_over_a_page_turn_is_reported_too():
    # print.css hyphenates with "-" (one glyph, one character when copied): the line
    # records cannot tell "Inter-" / "Agency" from "deten-" / "tion", and a reader
    # turns the page mid-word either way
    [issue] = page_turn_issues(FakePage(1, line(20, "the Inter-")))
    assert issue.text == "Inter-"


def address_issues(*lines) -> list:
    found = layout.Survey(pages=1)
    layout._hyphenated_addresses(found, FakePage(1, *lines))
    return list(found.issues.values())


@pytest.mark.parametrize(("end", "start"), [
    ("see ht-", "tps://www.example.org and more"),
    ("(idcoali-", "tion.org)."),
    ("mail in-", "fo@ohchr.org;"),
    ("symbol A/HRC/-", "38/41, 2018"),
])
def test_a_hyphenated_url_or_symbol_is_reported_at_its_message(end, start):
    [issue] = address_issues(line(10, end, key="k1"), line(20, start, key="k1"))
    assert (issue.kind, issue.page, issue.key) == ("hyphenated-address", 1, "k1")
    assert issue.describe("standards").startswith("URL or document symbol hyphenated on "
                                                  "standards p. 1 (")


def test_a_hyphenated_word_before_an_address_is_not_reported():
    assert address_issues(line(10, "a long re-"), line(20, "port. idcoalition.org")) == []
    assert address_issues(line(10, "https://www."), line(20, "example.org")) == []
    assert layout_qa.WARNING_KINDS.isdisjoint({"hyphenated-address"})  # the policy's level


@pytest.mark.parametrize(("word", "expected"), [
    ("https://x.org/a", True), ("(idcoalition.org).", True), ("a@b.int;", True),
    ("A/RES/71/1,", True), ("report.", False), ("and/or", False), ("No.", False),
    ("corteidh.or.cr/docs/opiniones/seriea_21_esp1.pdf", True), ("gob.mx/inm", True),
    ("e.g.", False), ("No.3/4", False),
])
def test_is_address(word, expected):
    assert markup.is_address(word) is expected


def test_a_page_turn_hyphen_is_only_a_warning_even_where_layout_is_an_error():
    assert "page-turn-hyphen" in layout_qa.WARNING_KINDS


# --------------------------------------------------------------------------- real builds
def small_text_colours(path) -> set[str]:
    """Every fill colour of text under 8 pt in a PDF, as ink labels."""
    found: dict = {}
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            state, saved = preflight._TextState(), []

            def visit(op, operands, ctm, resources, state=state, saved=saved):
                if op in preflight._TEXT_SHOWING and preflight._printed_size(state, ctm) < 7.99:
                    cmyk = preflight._cmyk_of(state.space, state.fill, resources)
                    found[preflight._ink_label(cmyk) if cmyk else "?"] = True
                elif op not in ("q", "Q"):
                    preflight._set_text_state(state, op, operands)
            preflight._walk_content(page, [1, 0, 0, 1, 0, 0], visit)
    return set(found)


@pytest.mark.e2e
def test_real_build_prints_small_text_in_one_ink(french_built):
    for lang in ("en", "fr"):
        path = french_built.pdf_path(lang, "brochure")
        with pikepdf.open(path) as pdf:
            assert preflight.small_text_ink_problems(pdf, "x") == []
        # note calls, note numbers and running heads: K100 or K70, written as such
        assert small_text_colours(path) <= {"K100", "K70"}, small_text_colours(path)


URL = "https://www.globaldetentionproject.org/countries/americas/mexico-detention-centres"


@pytest.mark.e2e
def test_urls_and_symbols_print_unhyphenated_and_extract_whole(french_built_copy):
    from pypdf import PdfReader

    project = french_built_copy
    content = project.content_path("brochure")
    words = "Detention harms them"
    sentences = " ".join(f"{words[:n]} {URL} and CMW/C/GC/4-CRC/C/GC/23 and A/HRC/38/41."
                         for n in range(0, 40, 3))
    content.write_text(content.read_text().replace("Detention harms them.",
                                                   f"\"{sentences}\""))
    [result] = builder.build(project, ["en"], ["brochure"])
    assert not result.skipped
    text = "\n".join(page.extract_text() for page in PdfReader(result.path).pages)
    assert "\u200b" not in text
    assert "\u2010" not in text  # hyphens, hard or added at a line end, copy as "-"
    joined = text.replace("\n", "")
    # whole, but where one runs over a page turn (the footnotes come between)
    assert joined.count("https://") == 14 and joined.count(URL) >= 13
    assert "\u2060" not in text  # the word joiners that keep "mexico-" whole
    for end in re.findall(r"(\S*)\n", text):
        if "globaldetention" in end or "https" in end:
            assert end[-1] in "/.", f"a URL broken at '{end}'"
        assert not re.search(r"GC/4-$|[A-Z]\.$", end), f"a document symbol broken at '{end}'"
    # a symbol may break after a "/", at a page turn too (the footnotes come between)
    assert joined.count("A/HRC/38/41") >= 13 and joined.count("CMW/C/GC/4-") == 14
    assert joined.count("CMW/C/GC/4-CRC/C/GC/23") >= 13


@pytest.mark.e2e
def test_preflight_task_shows_the_ink_warning_and_passes(french_built_copy, invoke_in):
    project = french_built_copy
    path = project.pdf_path("en", "brochure")
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        page = pdf.pages[1]
        font = next(iter(page.Resources.Font.keys()))
        page.contents_add(pdf.make_stream(
            b"q 0.6 0.5 0.4 1 k BT %s 6 Tf 20 20 Td (1) Tj (2) Tj ET Q" % font.encode()),
            prepend=False)
        pdf.save(path)
    problems = [str(p) for p in preflight.preflight(project, ["en"], ["brochure"])[0]]
    assert problems == [("build/en/brochure.pdf: page 2: warning: 2 text run(s) of 6.0 pt in "
                        "4 inks (C60 M50 Y40 K100): text under 8 pt should print in one ink "
                        "(100 % K or one process colour; layouts/tokens.css)")]
    run = invoke_in(project.root, "preflight", "--lang", "en", "--doc", "brochure")
    assert run.returncode == 0, run.stderr
    assert "page 2: warning: 2 text run(s) of 6.0 pt in 4 inks" in run.stderr
    assert "preflight passed" in run.stdout + run.stderr
    # the finding is kept in the build record, warning and all
    again = preflight.preflight(project, ["en"], ["brochure"])[0]
    assert [p.warning for p in again] == [True]


def lines_of(body: str) -> list[str]:
    """The lines of ``body`` laid out in a brochure list item with the real layouts."""
    from conftest import REPO

    from pressroom.render.sandbox import SandboxFetcher

    layouts = REPO / "layouts"
    page = ('<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
            '<link rel="stylesheet" href="tokens.css"><link rel="stylesheet" href="print.css">'
            '<link rel="stylesheet" href="brochure/brochure.css"></head><body><main>'
            f'<section class="section"><ul><li><span data-msg="x">{body}</span></li></ul>'
            '</section></main></body></html>')
    document = engine.render(page, base_url=layouts.as_uri() + "/",
                             url_fetcher=SandboxFetcher([layouts]))
    return ["".join(t.text for t in box.texts()) for p in document.pages
            for box in p.root.descendants() if box.kind == engine.LINE]


@pytest.mark.parametrize("address", ["A/75/183", "https://www.example.org/a",
                                     "[www.example.org](https://www.example.org)"])
def test_an_address_moved_to_the_next_line_leaves_the_first_word_whole(address):
    # WeasyPrint 70 hyphenated the line's first word ("Rap-" alone on its line) when a
    # span that cannot break at its start did not fit: the span takes the space before it
    text = (f"Rapport du Rapporteur spécial sur les droits de l’homme des migrants, {address} "
            "(2020).[^n]")
    lines = lines_of(markup.to_html(text, lambda n: '<a class="note-ref" href="#n">12</a>'))
    assert not any(line.strip().endswith("-") for line in lines), lines
    assert any(line.startswith("Rapport du Rapporteur") for line in lines), lines
