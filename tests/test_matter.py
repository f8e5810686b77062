"""Issue 17, front and back matter: facts only the publisher knows (ISBN per
language edition, rights, contact) are fields of the content, printed once filled
in and warned about by the preflight while empty; a disclaimer and a "current as
of" date; padding pages that are pages for notes, before a back cover."""

import datetime as dt

import pytest
from conftest import make_project
from pypdf import PdfReader

from pressroom.errors import ContentError
from pressroom.model.config import load_project
from pressroom.model.content import load_document
from pressroom.production import builder
from pressroom.qa import preflight

META = """title: T
meta:
  publisher: P
  date: 2026-11-01
{extra}sections:
  - id: s
    heading: H
    blocks:
      - p: Text.
"""


def load(tmp_path, extra: str):
    path = tmp_path / "doc.yaml"
    path.write_text(META.format(extra=extra), encoding="utf-8")
    return load_document(path, "content/doc.yaml")


def test_facts_are_read_empty_filled_or_per_language(tmp_path):
    doc = load(tmp_path, '  isbn:\n    en: "978-92-1-000000-0"\n    es: ""\n'
                         '  rights: ""\n  contact:\n')
    assert [(f.name, f.lang, f.value, f.line) for f in doc.facts] == [
        ("isbn", "en", "978-92-1-000000-0", 6), ("isbn", "es", "", 7),
        ("rights", None, "", 8), ("contact", None, "", 9)]
    assert doc.fact("isbn", "en") == "978-92-1-000000-0"
    assert doc.fact("isbn", "fr") == "" and doc.fact("rights", "en") == ""


def test_a_fact_that_is_not_text_names_its_line(tmp_path):
    with pytest.raises(ContentError) as raised:
        load(tmp_path, "  isbn: 9789210000000\n")
    assert (raised.value.line, raised.value.message) == (
        5, 'meta.isbn must be text in quotes (or empty: ""), not the number 9789210000000')


def test_disclaimer_and_current_as_of(tmp_path):
    doc = load(tmp_path, "  current_as_of: 2026-10-15\n  disclaimer: The views are ours.\n")
    assert doc.current_as_of == dt.date(2026, 10, 15)
    assert doc.disclaimer.value == "The views are ours."
    assert doc.disclaimer in list(doc.texts())  # offered to translators
    with pytest.raises(ContentError, match=r"meta\.current_as_of 'soon' is not a date"):
        load(tmp_path, "  current_as_of: soon\n")


def test_an_unknown_meta_key_lists_the_known_ones(tmp_path):
    with pytest.raises(ContentError, match=r"unknown key 'licence' in meta .*isbn, rights, "
                                           r"contact"):
        load(tmp_path, '  licence: ""\n')


def project_with_meta(tmp_path, meta: str):
    """The fixture project with ``meta`` lines added after its edition."""
    root = make_project(tmp_path / "proj")
    content = root / "content" / "brochure.yaml"
    content.write_text(content.read_text().replace(
        "  edition: Test edition\n", "  edition: Test edition\n" + meta), encoding="utf-8")
    return load_project(root)


def test_the_preflight_warns_on_each_empty_fact_at_its_line(tmp_path):
    project = project_with_meta(tmp_path, '  isbn:\n    en: ""\n    fr: "978-92-1-000000-0"\n'
                                          '  rights: "© IAWG 2026"\n  contact: ""\n')
    found = [str(p) for p in preflight.fact_problems(project, ["en", "fr"], ["brochure"])]
    assert found == [
        ("content/brochure.yaml:9: warning: meta.isbn.en is empty: the ISBN of this language "
        "edition (each language edition has its own); it is left off the page until someone "
        "who knows fills it in"),
        ("content/brochure.yaml:12: warning: meta.contact is empty: how readers reach the "
        "group: an e-mail address, a postal address or a website; it is left off the page "
        "until someone who knows fills it in")]
    assert preflight.fact_problems(project, ["fr"], ["brochure"])[0].message.startswith(
        "meta.contact")  # the English ISBN is not this run's concern
    assert all(p.warning for p in preflight.fact_problems(project, ["en"], ["brochure"]))


@pytest.mark.e2e
def test_filled_facts_print_on_the_imprint_and_empty_ones_do_not(tmp_path):
    project = project_with_meta(
        tmp_path, '  isbn:\n    en: "978-92-1-000000-0"\n  rights: ""\n'
                  '  contact: "[endchilddetention.org](https://endchilddetention.org)"\n'
                  '  members: "UNICEF, UNHCR and 20 others"\n'
                  "  disclaimer: The views expressed are those of the Working Group.\n")
    [result] = builder.build(project, ["en"], ["brochure"])
    imprint = PdfReader(result.path).pages[1].extract_text()
    assert "ISBN 978-92-1-000000-0" in imprint
    assert "Contact: endchilddetention.org" in imprint
    assert "Members: UNICEF, UNHCR and 20 others" in imprint
    assert "The views expressed are those of the Working Group." in imprint
    assert "©" not in imprint  # rights empty: nothing printed in its place


@pytest.mark.e2e
def test_a_document_without_a_back_cover_is_padded_at_its_end(tmp_path):
    """The Summary ends with its back page (data-frame="back cover"), so pages for
    notes go before it; a layout whose last page is text gets them after it."""
    root = make_project(tmp_path / "proj")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(
        'documents = ["brochure"]', 'documents = ["brochure", "standards"]').replace(
        "brochure = 4", "brochure = 4\nstandards = 4"))
    [result] = builder.build(load_project(root), ["en"], ["standards"])
    texts = [page.extract_text() for page in PdfReader(result.path).pages]
    assert len(texts) % 4 == 0 and len(texts) >= 4
    assert "Published by" in texts[-1]  # the back page stays last
    padding = [i for i, text in enumerate(texts) if text.split() == ["Notes"]]
    assert padding and padding[-1] == len(texts) - 2


def test_text_lost_is_reported_only_for_a_message_printed_in_part():
    from pressroom.render import layout

    found = layout.Survey(pages=2, letters={"kA": 40, "kB": 12, "kC": 30},
                          last_seen={"kA": (2, "imprint page"), "kB": (1, "page"),
                                     "kC": (1, "page")})
    layout.lost_text(found, {"kA": 55, "kB": 12, "kC": 10, "kD": 20})
    [issue] = found.issues.values()
    assert (issue.kind, issue.key, issue.page, issue.text) == ("text-lost", "kA", 2, "15 of 55")
    assert issue.describe("brochure") == (
        "text cut off in the imprint page on brochure p. 2: 15 of 55 letters of this message "
        "are not printed; give it room or shorten it")
    assert layout.letter_count("Ré-ten-tion, nº 4") == 11


@pytest.mark.e2e
def test_a_disclaimer_too_long_for_the_imprint_page_is_text_lost_at_its_line(tmp_path):
    from pressroom.qa import layout_qa

    long = " ".join(["The views expressed are those of the Working Group alone."] * 120)
    project = project_with_meta(tmp_path, f"  disclaimer: {long}\n")
    content = project.content_path("brochure")
    builder.build(project, ["en"], ["brochure"])
    found = [f for f in layout_qa.findings(project, ["en"], ["brochure"])
             if "text cut off" in f.message or "overflows" in f.message]
    line = next(n for n, row in enumerate(content.read_text().splitlines(), 1)
                if "disclaimer:" in row)
    assert {(f.path, f.line) for f in found} == {("content/brochure.yaml", line)}
    assert any(f.message.startswith("text cut off in the imprint page on brochure p. 2: ")
               for f in found)
