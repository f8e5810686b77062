"""Every note's text on the page of its first call (issue 15).

On small HTML laid out by the engine: the layout analysis records, for each
note, the page of its first call and the page of its text, and reports a note
printed elsewhere; :func:`pressroom.render.layout.keep_notes` lays the pages out
again so that it is not. Then ``check --layout`` names the line to edit, and the
real publications (content/ and locales/ of the repository) have no note away.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import REPO, make_project
from pdf_readback import read_back

from pressroom.model.config import load_project
from pressroom.qa import layout_qa as qa
from pressroom.render import engine, layout

FOOTNOTES = (".footnote { float: footnote; footnote-policy: auto } "
             ".footnote::footnote-call { content: attr(data-n) } "
             ".footnote::footnote-marker { content: attr(data-n) '. ' }")


def page_html(body: str, css: str = FOOTNOTES) -> str:
    return ("<html><head><style>@page { size: 100mm 80mm; margin: 10mm } "
            f"body {{ font: 10pt/1.2 serif; margin: 0 }} p {{ margin: 0 }} {css}</style></head>"
            f"<body>{body}</body></html>")


def note(number: int, key: str, words: int = 8) -> str:
    return (f'<span class="footnote" data-n="{number}" data-note="n{number}">'
            f'<span data-msg="{key}">{"Long note text. " * words}</span></span>')


FILLER = "Filler words here. "
LATER = FILLER * 12 + ' and then <a class="note-ref" href="#n1">1</a> again.'


def near_the_foot(filler: int = 24, later: str = "") -> str:
    """A paragraph whose call of note 1 falls on the last lines of page 1: the
    note (about 8 lines) no longer fits below it."""
    return (f'<p><span data-msg="aaaaaaaaaaaa">{FILLER * filler} Here{note(1, "nnnnnnnnnnnn")}'
            f' and more. {FILLER * 20}{later}</span></p>')


# --------------------------------------------------------------------------- detection
def test_a_note_printed_after_its_call_is_reported_at_its_text():
    found = layout.survey(engine.render(page_html(near_the_foot())))
    assert found.notes["1"] == layout.Note("1", call_page=1, page=2, key="nnnnnnnnnnnn",
                                           caller="aaaaaaaaaaaa")
    issues = [i for i in found.issues.values() if i.kind == "note-away"]
    assert [(i.page, i.call_page, i.key, i.text) for i in issues] == \
        [(2, 1, "nnnnnnnnnnnn", "1")]
    assert issues[0].describe("brochure").startswith(
        "note 1 printed on p. 2, its call on p. 1 (brochure)")
    # JSON-ready, as in <pdf>.layout.json
    data = json.loads(json.dumps(found.data()))
    assert data["notes"] == [{"number": "1", "call_page": 1, "page": 2,
                              "key": "nnnnnnnnnnnn", "caller": "aaaaaaaaaaaa"}]
    assert [i["kind"] for i in data["issues"]] == ["note-away"]


def test_a_note_on_the_page_of_its_call_is_not_reported():
    found = layout.survey(engine.render(page_html(near_the_foot(filler=4))))
    assert found.notes["1"].page == found.notes["1"].call_page == 1
    assert not [i for i in found.issues.values() if i.kind == "note-away"]


def test_a_repeated_call_of_a_printed_note_keeps_its_number_and_is_not_reported():
    found = layout.survey(engine.render(page_html(near_the_foot(filler=4, later=LATER))))
    assert found.pages == 2
    assert list(found.notes) == ["1"]  # the note-ref is no call of a footnote
    assert found.notes["1"].call_page == found.notes["1"].page == 1
    assert not found.issues


def test_a_note_without_its_text_message_is_attributed_to_the_message_calling_it():
    body = near_the_foot().replace('<span data-msg="nnnnnnnnnnnn">', "<span>")
    found = layout.survey(engine.render(page_html(body)))
    issue = found.issues[("note", "1")]
    assert (issue.key, issue.page, issue.call_page) == ("aaaaaaaaaaaa", 2, 1)


def test_a_note_never_printed_is_described():
    issue = layout.Issue("note-away", 0, "footnotes", 0.0, "k", "7", call_page=3)
    assert issue.describe("standards") == "note 7 not printed, its call on standards p. 3"


# --------------------------------------------------------------------------- the fix
def test_footnote_policy_line_takes_the_line_of_the_call_to_the_next_page():
    css = FOOTNOTES.replace("footnote-policy: auto", "footnote-policy: line")
    found = layout.survey(engine.render(page_html(near_the_foot(), css)))
    assert found.notes["1"].call_page == found.notes["1"].page == 2
    assert not found.issues


def test_keep_notes_lays_the_page_out_again_with_the_note_under_its_call():
    document = engine.render(page_html(near_the_foot()))
    kept = layout.keep_notes(document)
    found = layout.survey(kept)
    assert found.notes["1"].call_page == found.notes["1"].page
    assert not [i for i in found.issues.values() if i.kind == "note-away"]
    assert len(kept) <= len(document) + 1
    # a document whose notes are where they belong is returned as it is
    assert layout.keep_notes(kept) is kept


def test_keep_notes_moves_the_line_of_the_call_not_its_whole_paragraph():
    # the paragraph of the call starts below a short one: moving all of it to
    # page 2 would leave page 1 nearly empty; its call's line moves instead
    document = engine.render(page_html("<p>Intro.</p>" + near_the_foot(filler=22)))
    before = layout.survey(document).notes["1"]
    assert (before.call_page, before.page) == (1, 2)
    found = layout.survey(layout.keep_notes(document))
    assert found.notes["1"].call_page == found.notes["1"].page == 2
    assert min(region[1] for region in found.regions if region[0] == "aaaaaaaaaaaa") == 1


def test_relayout_rejects_an_element_it_does_not_know():
    document = engine.render(page_html("<p>One line.</p>"))
    with pytest.raises(ValueError, match="no element numbered 9999"):
        document.relayout({9999: "break-before: page"})


def test_relayout_of_a_document_not_laid_out_by_render_is_a_clear_error():
    document = engine.render(page_html("<p>One line.</p>"))
    copy = engine.Document(document._document, [], {})
    with pytest.raises(ValueError, match="not laid out by render"):
        copy.relayout({})


def test_relayout_keeps_element_numbers_and_applies_the_style():
    document = engine.render(page_html('<p data-msg="x">First.</p><p data-msg="y">Second.</p>'))
    second = next(box for box in document.pages[0].root.descendants()
                  if box.get("data-msg") == "y" and box.kind == engine.BLOCK)
    again = document.relayout({second.element: "break-before: page"})
    assert len(again) == 2
    moved = next(box for box in again.pages[1].root.descendants() if box.get("data-msg") == "y")
    assert moved.element == second.element


def test_relayout_leaves_the_document_it_started_from_as_it_was():
    body = '<p data-msg="x" style="color: red">First.</p><p data-msg="y">Second.</p>'
    document = engine.render(page_html(body))
    first, second = (next(box for box in document.pages[0].root.descendants()
                          if box.get("data-msg") == key and box.kind == engine.BLOCK)
                     for key in ("x", "y"))
    moved = document.relayout({second.element: "break-before: page"})
    assert moved.styles == {second.element: "break-before: page"}
    # from the first layout again: the break is gone, the authored style kept
    again = document.relayout({first.element: "font-size: 20pt"})
    assert len(moved) == 2 and len(again) == 1
    assert again.styles == {first.element: "font-size: 20pt"}
    # and on top of a relayout: both changes
    both = moved.relayout({first.element: "font-size: 20pt"})
    assert len(both) == 2 and set(both.styles) == {first.element, second.element}


def test_keep_notes_starts_a_new_page_unless_that_lengthens_the_document(monkeypatch):
    """Strategies in turn: the first that keeps every note without more pages wins;
    else the one with the fewest notes away, then the fewest pages."""
    document = engine.render(page_html(near_the_foot()))
    tried = []

    def fake_keep(doc, order, passes, max_pages):
        tried.append(order[0])
        out = doc.relayout({})
        if order[0] == layout.NEW_PAGE:  # new pages lengthen this document by one
            out.pages.append(out.pages[-1])
        return out, 0

    monkeypatch.setattr(layout, "_keep", fake_keep)
    kept = layout.keep_notes(document)
    assert tried == [layout.NEW_PAGE, layout.LOOSE_LINES]
    assert len(kept) == len(document)


# --------------------------------------------------------------------------- check --layout
def test_check_layout_reports_a_note_away_at_the_catalogue_line_of_its_text(tmp_path):
    project = load_project(make_project(tmp_path / "proj"))
    text = "UN *Global Study on Children Deprived of Liberty*, A/74/136, 2019."
    key = layout.message_key(None, text)
    path = layout_path(project, "en", "brochure")
    issue = layout.Issue("note-away", 3, "footnotes", 0.0, key, "1", call_page=2)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"pages": 4, "regions": [], "issues": [issue.__dict__],
                                "notes": []}), encoding="utf-8")
    found = qa.findings(project, ["en"], ["brochure"])
    content = (project.root / "content" / "brochure.yaml").read_text().splitlines()
    line = next(n for n, row in enumerate(content, 1) if "global-study: UN" in row)
    assert [(f.path, f.line, f.level) for f in found] == [("content/brochure.yaml", line, "error")]
    assert found[0].message.startswith("note 1 printed on p. 3, its call on p. 2 (brochure)")


def layout_path(project, lang: str, doc: str) -> Path:
    return project.layout_path(project.pdf_path(lang, doc))


@pytest.mark.e2e
def test_the_fixture_prints_every_note_on_the_page_of_its_call(french_built):
    for lang in ("en", "fr"):
        data = qa.load_layout(french_built, lang, "brochure")
        assert data["notes"] and all(n["page"] == n["call_page"] for n in data["notes"])
    assert not [f for f in qa.findings(french_built, ["en", "fr"], ["brochure"])
                if "note" in f.message]


def real_project(tmp_path: Path):
    root = tmp_path / "proj"
    for name in ("content", "layouts", "locales"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return load_project(root)


def notes_away(project, langs: list[str], docs: list[str]) -> list[str]:
    """The notes printed away from their call, read from the builds' layout data."""
    return [f"{lang} {doc}: note {n['number']} on p. {n['page']}, call on p. {n['call_page']}"
            for lang in langs for doc in docs
            for n in qa.load_layout(project, lang, doc)["notes"] if n["page"] != n["call_page"]]


@pytest.mark.e2e
def test_the_real_publications_print_every_note_on_the_page_of_its_call(real_built):
    """The six print PDFs of the repository's content and catalogues: no note away,
    and the page counts the policy wants (each language of a document the same)."""
    from pressroom.model.config import policy

    project = real_built
    langs, docs = ["en", "es", "fr"], list(project.documents)
    assert notes_away(project, langs, docs) == []
    assert not [f for f in qa.findings(project, langs, docs) if f.message.startswith("note ")]
    for doc in docs:
        counts = {lang: qa.load_layout(project, lang, doc)["pages"] for lang in langs}
        assert len(set(counts.values())) == 1, (doc, counts)
        pages = counts["en"]
        assert pages <= (policy(project, doc).max_pages or pages)
        assert pages % project.settings.page_multiple(doc) == 0
        for lang in langs:
            assert qa.load_layout(project, lang, doc)["notes"], (lang, doc)


def resized(text: str, factor: float) -> str:
    """``text`` about ``factor`` times as long: its own words repeated, or words of
    four letters and more dropped (markup, numbers and note references untouched)."""
    if factor >= 1:
        words = [w for w in re.findall(r"[^\W\d_]{4,}", text)] or ["texte"]
        extra = " ".join(words[i % len(words)] for i in range(200))
        return f"{text} {extra[: int((factor - 1) * len(text))].rsplit(' ', 1)[0]}".rstrip()
    cut, out = (1 - factor) * len(text), text
    for match in reversed(list(re.finditer(r"(?<![\w*\[^/.])[^\W\d_]{4,} (?![*\]])", text))):
        if len(text) - len(out) >= cut:
            break
        out = out[: match.start()] + out[match.end():]
    return out


@pytest.mark.e2e
@pytest.mark.parametrize("factor", [1.15, 0.85])
def test_notes_stay_with_their_calls_when_the_french_grows_or_shrinks(tmp_path, factor):
    from pressroom.messages import pofile
    from pressroom.production import builder

    project = real_project(tmp_path)
    path = project.po_path("fr")
    catalog = pofile.parse(path.read_bytes(), str(path))
    for message in catalog:
        if message.id and isinstance(message.string, str) and message.string:
            message.string = resized(message.string, factor)
    path.write_bytes(pofile.dumps(catalog))
    docs = list(project.documents)
    builder.build(project, ["fr"], docs, jobs=1)
    assert notes_away(project, ["fr"], docs) == []
    # and read back from the PDFs themselves (tests/pdf_readback.py)
    assert {doc: read_back(project.pdf_path("fr", doc)) for doc in docs} == {d: [] for d in docs}


def test_resized_text_keeps_its_markup_and_notes():
    text = "Les *enfants détenus* souffrent de troubles graves.[^mares] Voir https://example.org."
    longer = resized(text, 1.15)
    assert longer.startswith(text) and 1.05 * len(text) < len(longer) <= 1.16 * len(text)
    shorter = resized(text, 0.85)
    assert len(shorter) <= 0.9 * len(text)
    for kept in ("[^mares]", "*enfants", "https://example.org"):
        assert kept in shorter
