"""No word hyphenated across a page turn (issue 15).

On small HTML laid out by the engine: :func:`pressroom.render.layout.keep_words`
lays a paragraph out again without automatic hyphenation where the last line of
a page ends with a hyphen, and keeps the change only if the document is no
longer and no other issue appears; a hard hyphen ("Inter-" / "Agency") stays a
warning. Then the real publications (content/ and locales/ of the repository)
have no word hyphenated across a page turn.
"""

from __future__ import annotations

import pytest

from pressroom.qa import layout_qa as qa
from pressroom.render import engine, layout

WORDS = "The international conventions protect unaccompanied children everywhere. " * 3


def page_html(text: str, after: str = "", css: str = "") -> str:
    """Two small pages: the paragraph's line at the foot of page 1 is hyphenated."""
    return ('<html lang="en"><head><style>@page { size: 70mm 40mm; margin: 5mm } '
            'html { hyphenate-character: "-" } '
            "body { font: 10pt/1.2 serif; margin: 0; hyphens: auto } "
            f"p {{ margin: 0; text-align: justify }} {css}</style></head>"
            f"<body><p>{text}</p>{after}</body></html>")


def turns(document: engine.Document) -> list[int]:
    return [issue.page for issue in layout.survey(document).issues.values()
            if issue.kind == "page-turn-hyphen"]


def foot_line(document: engine.Document, number: int = 1) -> str:
    lines = [box for box in document.pages[number - 1].root.descendants()
             if box.kind == engine.LINE and box.children]
    return "".join(t.text for t in lines[-1].texts())


def paragraph(document: engine.Document) -> int:
    element = next(box.element for box in document.pages[0].root.descendants()
                   if box.tag == "p")
    assert element is not None
    return element


def _lines(document: engine.Document, number: int) -> list[str]:
    return ["".join(t.text for t in box.texts()) for box in
            document.pages[number - 1].root.descendants()
            if box.kind == engine.LINE and box.children]


def room_on_last_page(document: engine.Document) -> float:
    page = document.pages[-1].root
    lines = [box for box in page.descendants() if box.kind == engine.LINE and box.children]
    return page.content.bottom - lines[-1].margin.bottom


def test_a_word_hyphenated_at_the_foot_of_page_1_is_kept_whole():
    document = engine.render(page_html("a a " + WORDS))
    assert turns(document) == [1] and foot_line(document).endswith("conven-")
    kept = layout.keep_words(document)
    assert turns(kept) == []
    assert len(kept) == len(document) == 2
    assert not foot_line(kept).endswith("-")
    assert kept.styles == {paragraph(document): layout.NO_HYPHENS}


def test_two_page_turns_are_mended_in_one_layout(monkeypatch):
    text = "a a " + WORDS
    document = engine.render(page_html(text, f'<p style="break-before: page">{text}</p>'))
    assert len(document) == 4 and turns(document) == [1, 3]
    layouts = []
    real = engine.Document.relayout

    def counted(self, styles):
        layouts.append(dict(styles))
        return real(self, styles)

    monkeypatch.setattr(engine.Document, "relayout", counted)
    kept = layout.keep_words(document)
    assert turns(kept) == [] and len(kept) == 4
    assert len(layouts) == 1 and set(layouts[0].values()) == {layout.NO_HYPHENS}


def test_a_page_without_a_hyphen_at_its_foot_is_not_laid_out_again(monkeypatch):
    document = engine.render(page_html(WORDS))
    assert turns(document) == []

    def refuse(self, styles):
        raise AssertionError("laid out again")

    monkeypatch.setattr(engine.Document, "relayout", refuse)
    assert layout.keep_words(document) is document


def test_a_change_that_would_add_a_page_keeps_the_warning():
    first = engine.render(page_html("a a " + WORDS))
    # a block after the paragraph fills page 2 to its foot: one line more is a page more
    spacer = f'<div style="height: {room_on_last_page(first) - 1}px"></div>'
    document = engine.render(page_html("a a " + WORDS, spacer))
    assert len(document) == 2 and turns(document) == [1]
    assert len(document.relayout({paragraph(document): layout.NO_HYPHENS})) == 3  # the premise
    kept = layout.keep_words(document)
    assert len(kept) == 2 and turns(kept) == [1] and kept.styles == {}


def test_a_hard_hyphen_at_a_page_turn_stays_a_warning():
    # "Inter-Agencies" breaks at its own hyphen: the boxes read it as an added one;
    # laying the paragraph out without automatic hyphenation (here it has none
    # already) leaves the line as it was, and the line is not sent over either
    words = WORDS.split()
    text = " ".join([*words[:18], "Inter-Agencies", *words[18:]])
    document = engine.render(page_html(text, css="p { hyphens: manual }"))
    assert turns(document) == [1] and foot_line(document).endswith("protect Inter-")
    kept = layout.keep_words(document)
    assert turns(kept) == [1] and foot_line(kept) == foot_line(document)
    assert kept.styles == {}


def test_the_paragraph_may_also_send_its_hyphenated_line_to_the_next_page():
    document = engine.render(page_html("a a " + WORDS))
    lines_after = sum(1 for box in document.pages[1].root.descendants()
                      if box.kind == engine.LINE and box.children)
    assert layout._word_changes(document, 1) == [
        (paragraph(document), layout.NO_HYPHENS),
        (paragraph(document), layout.LINE_OVER.format(lines_after + 1))]
    moved = document.relayout({paragraph(document): layout.LINE_OVER.format(lines_after + 1)})
    # the line went over; here the line before it is hyphenated too ("every-"):
    # keep_words would not keep this change
    assert _lines(moved, 2)[0] == foot_line(document)
    assert turns(moved) == [1] and foot_line(moved).endswith("every-")


def test_a_change_that_sends_a_note_away_is_not_kept():
    before = layout.Survey(pages=2)
    after = layout.Survey(pages=2)
    after.issues[("note", "3")] = layout.Issue("note-away", 2, "footnotes", 0.0, None, "3", 1)
    document = engine.render(page_html("a a " + WORDS))
    assert layout._mended(document, before, document, before, {1})
    assert not layout._mended(document, before, document, after, {1})


@pytest.mark.e2e
def test_the_real_publications_hyphenate_no_word_across_a_page_turn(real_built):
    """The six print PDFs of the repository: no word hyphenated across a page turn
    (eight before issue 15's pass), and still no note away from its call."""
    project = real_built
    langs, docs = ["en", "es", "fr"], list(project.documents)
    left = [(lang, doc, issue["page"], issue["text"]) for lang in langs for doc in docs
            for issue in qa.load_layout(project, lang, doc)["issues"]
            if issue["kind"] in ("page-turn-hyphen", "note-away")]
    assert left == []
    assert not [f for f in qa.findings(project, langs, docs) if "page turn" in f.message]
