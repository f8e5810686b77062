"""Issue 15, layout QA of note calls: two calls printed as one number ("840") and a
punctuation mark printed twice around a call ("enfants »13»."), read back from
the laid-out lines and reported at the line a translator edits."""

import pytest
from fixture_translations import FR, fill

from pressroom.messages import pofile
from pressroom.production import builder
from pressroom.qa import layout_qa
from pressroom.render import engine, layout


def rect(y: float = 0.0) -> engine.Rect:
    return engine.Rect(0.0, y, 100.0, 10.0)


def box(kind: str, children=(), text: str = "", attrs=None, tag=None):
    return engine.Box(kind=kind, tag=tag, attrs=attrs or {}, element=None, margin=rect(),
                      border=rect(), content=rect(), text=text,
                      run=rect() if kind == engine.TEXT else None, inline_level=False,
                      block_container=kind == engine.BLOCK, positioned=False,
                      justified=False, children=tuple(children))


def text(value: str):
    return box(engine.TEXT, text=value)


def call(number: str, repeated: bool = False):
    """A footnote's call (its ::footnote-call box) or a note cited again (.note-ref)."""
    if repeated:
        return box(engine.INLINE, [text(number)], attrs={"class": "note-ref"}, tag="a")
    return box(engine.INLINE, [text(number)], attrs={"class": "footnote", "data-n": number},
               tag="span::footnote-call")


def separator():
    return box(engine.INLINE, [text(",")], attrs={"class": "call-sep"}, tag="span")


def line(*pieces, key: str = "k1"):
    return box(engine.LINE, [box(engine.INLINE, pieces, attrs={"data-msg": key}, tag="span")])


class FakePage:
    def __init__(self, *lines):
        self.number = 3
        self.root = box(engine.PAGE, [box(engine.BLOCK, lines)])


def issues(*lines) -> list[layout.Issue]:
    found = layout.Survey(pages=4)
    layout._call_marks(found, FakePage(*lines))
    return list(found.issues.values())


def test_two_calls_with_nothing_between_are_fused():
    [issue] = issues(line(text("detained."), call("8"), call("40"), text(" Next")))
    assert (issue.kind, issue.page, issue.key, issue.text) == ("fused-calls", 3, "k1",
                                                               "8 and 40")
    assert issue.describe("standards") == (
        "note calls 8 and 40 printed as one number on standards p. 3; separate the calls "
        "([^a][^b] prints them as \"8,40\")")


def test_a_first_call_and_a_repeated_call_fuse_too():
    [issue] = issues(line(text("law"), call("42"), text("\u2060"), call("44", repeated=True)))
    assert issue.text == "42 and 44"


def test_calls_with_a_separator_or_words_between_are_not_fused():
    assert issues(line(text("a"), call("8"), text("\u2060"), separator(), text("\u2060"),
                       call("40"))) == []
    assert issues(line(text("a"), call("8"), text(" and b"), call("9"))) == []


@pytest.mark.parametrize("pieces", [
    (text("des enfants\u202f»"), call("13"), text("»."),),
    (text("detained.."), text(" Then")),
    (text("detained,"), call("2"), text(", then")),
    (text("“Never”"), call("5"), text("” again")),
    (text("Vraiment\u202f!"), text("\u202f!")),
])
def test_a_mark_printed_twice_around_a_call_is_reported(pieces):
    [issue] = issues(line(*pieces, key="k7"))
    assert (issue.kind, issue.key) == ("doubled-mark", "k7")
    assert issue.describe("brochure").startswith("punctuation printed twice on brochure p. 3 (")


@pytest.mark.parametrize("pieces", [
    (text("des enfants\u202f»"), call("13"), text(".")),
    (text("Convention (…) [...] etc."),),
    (text("«\u202fa\u202f» et «\u202fb\u202f»"),),
    (text("see https://www.ohchr.org/en/a.b"),),
    (text("art. 37 b) à d)."),),
    (text("“Never.”"), call("5"), text(" Then: ‘this’.")),
])
def test_punctuation_used_once_is_not_reported(pieces):
    assert issues(line(*pieces)) == []


def test_the_issue_names_the_message_holding_the_mark():
    first = box(engine.INLINE, [text("said\u202f»")], attrs={"data-msg": "kA"}, tag="span")
    second = box(engine.INLINE, [text("». Then")], attrs={"data-msg": "kB"}, tag="span")
    [issue] = issues(box(engine.LINE, [first, call("4"), second]))
    assert issue.key == "kA"


def test_fused_calls_and_doubled_marks_refuse_like_other_layout_errors():
    assert layout_qa.WARNING_KINDS.isdisjoint({"fused-calls", "doubled-mark"})


@pytest.mark.e2e
def test_check_layout_reports_a_doubled_mark_at_the_catalogue_line(french_built_copy):
    project = french_built_copy
    english = "Every year at least **330,000 children** are detained.[^global-study]"
    doubled = "Chaque année, au moins **330 000 enfants** sont « détenus »[^global-study]»."
    fill(project.po_path("fr"), {**FR, english: doubled})
    builder.build(project, ["fr"], ["brochure"], jobs=1)
    found = [f for f in layout_qa.findings(project, ["fr"], ["brochure"])
             if "punctuation printed twice" in f.message]
    catalog = pofile.parse(project.po_path("fr").read_bytes(), "fr.po")
    line = next(m.lineno for m in catalog if m.id == english)
    assert [(f.path, f.line, f.level) for f in found] == [
        ("locales/fr/LC_MESSAGES/messages.po", line, "error")]
    assert "»" in found[0].message


# --------------------------------------------------------------------------- small text inks
def test_the_ink_warning_names_the_design_token_and_its_line(tmp_path):
    import pikepdf

    from pressroom.qa import preflight

    css = tmp_path / "tokens.css"
    css.write_text(":root {\n  --ink: device-cmyk(0 0 0 1);\n"
                   "  --accent: device-cmyk(1 0.55 0 0.25);  /* C100 M55 K25 */\n}\n")
    tokens = preflight.cmyk_tokens(css, "layouts/tokens.css")
    assert tokens == {"K100": "--ink (layouts/tokens.css:2)",
                      "C100 M55 K25": "--accent (layouts/tokens.css:3)"}
    pdf = pikepdf.new()
    pdf.add_blank_page()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    pdf.pages[0].Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    pdf.pages[0].Contents = pdf.make_stream(b"1 0.55 0 0.25 k BT /F1 6 Tf (a) Tj ET "
                                            b"0 1 1 0 k BT /F1 6 Tf (b) Tj ET")
    found = [p.message for p in preflight.small_text_ink_problems(pdf, "x.pdf", tokens)]
    assert found[0].endswith("(100 % K or one process colour; --accent (layouts/tokens.css:3))")
    assert found[1].endswith("(100 % K or one process colour; layouts/tokens.css)")  # no token
    assert preflight.cmyk_tokens(tmp_path / "missing.css", "x") == {}


# --------------------------------------------------------------------------- heading and one line
def flow_line(y: float, words: str, key: str):
    at = engine.Rect(0.0, y, 100.0, 10.0)
    run = engine.Box(kind=engine.TEXT, tag=None, attrs={}, element=None, margin=at, border=at,
                     content=at, text=words, run=at, inline_level=True, block_container=False,
                     positioned=False, justified=False, children=())
    span = engine.Box(kind=engine.INLINE, tag="span", attrs={"data-msg": key}, element=None,
                      margin=at, border=at, content=at, text="", run=None, inline_level=True,
                      block_container=False, positioned=False, justified=False,
                      children=(run,))
    return engine.Box(kind=engine.LINE, tag=None, attrs={}, element=None, margin=at, border=at,
                      content=at, text="", run=None, inline_level=False, block_container=False,
                      positioned=False, justified=False, children=(span,))


def block(tag: str, *lines, element: int | None = None):
    at = engine.Rect(0.0, lines[0].margin.y, 100.0, 10.0 * len(lines))
    return engine.Box(kind=engine.BLOCK, tag=tag, attrs={}, element=element, margin=at, border=at,
                      content=at, text="", run=None, inline_level=False, block_container=True,
                      positioned=False, justified=False, children=tuple(lines))


class PageOf:
    def __init__(self, number: int, *blocks):
        at = engine.Rect(0.0, 0.0, 100.0, 200.0)
        self.number = number
        self.root = engine.Box(kind=engine.PAGE, tag=None, attrs={}, element=None, margin=at,
                               border=at, content=at, text="", run=None, inline_level=False,
                               block_container=True, positioned=False, justified=False,
                               children=blocks)


class DocumentOf:
    def __init__(self, *pages):
        self.pages = list(pages)


def heading_issues(*blocks, next_page=()) -> list[tuple[str, str | None]]:
    found = layout.survey(DocumentOf(PageOf(1, *blocks), PageOf(2, *next_page)))
    return [(i.kind, i.key) for i in found.issues.values()]


def test_a_heading_with_one_line_of_its_text_at_the_foot_is_a_warning():
    text = block("p", flow_line(10, "Text above.", "k0"), element=1)
    heading = block("h2", flow_line(170, "The numbers", "kH"), element=2)
    one = block("p", flow_line(185, "Nobody knows how many children", "kP"), element=3)
    rest = block("p", flow_line(10, "are detained.", "kP"), element=3)  # over the page
    assert heading_issues(text, heading, one, next_page=[rest]) == [("heading-one-line", "kH")]
    # a paragraph of one line that ends there (a cover's subtitle) is no orphan
    other = block("p", flow_line(10, "Next.", "kN"), element=4)
    assert heading_issues(text, heading, one, next_page=[other]) == []
    assert "heading-one-line" in layout_qa.WARNING_KINDS
    issue = layout.Issue("heading-one-line", 4, "heading", 0.0, "kH")
    assert issue.describe("brochure") == (
        "heading with a single line of its text at the foot of brochure p. 4; shortening the "
        "text above it by a line or two moves it")


def test_a_heading_with_two_lines_under_it_or_alone_is_reported_as_before():
    heading = block("h2", flow_line(160, "The numbers", "kH"))
    two = block("p", flow_line(172, "Nobody knows", "kP"), flow_line(184, "how many", "kP"))
    assert heading_issues(heading, two) == []
    assert heading_issues(block("h2", flow_line(185, "Alone", "kH"))) == [
        ("heading-at-foot", "kH")]


# --------------------------------------------------------------------------- keep_notes budget
def test_keep_notes_may_use_the_blank_pages_a_booklet_would_get(monkeypatch):
    """A booklet padded to a multiple of 4 pages: new pages that stay within the
    padded length cost nothing, so they win over single lines left at a foot."""
    text = " ".join(["Children are detained in many countries."] * 60)
    document = engine.render(
        "<style>.footnote { float: footnote }</style><p>" + text +
        '<span class="footnote" data-n="1">A note.</span></p>')
    tried = []

    def fake_keep(doc, order, passes, max_pages):
        tried.append((order[0], max_pages))
        out = doc.relayout({})
        if order[0] == layout.NEW_PAGE:  # new pages lengthen the document by one
            out.pages.append(out.pages[-1])
        return out, 0

    monkeypatch.setattr(layout, "_keep", fake_keep)
    monkeypatch.setattr(layout, "_away", lambda found: {1: ["a note away"]})
    pages = len(document)
    kept = layout.keep_notes(document, pages=pages + 2)
    assert tried == [(layout.NEW_PAGE, pages + 2)]  # within the budget: kept, nothing else tried
    assert len(kept) == pages + 1
    tried.clear()
    assert len(layout.keep_notes(document)) == pages  # no budget: the single lines win
    assert [order for order, _ in tried] == [layout.NEW_PAGE, layout.LOOSE_LINES]
