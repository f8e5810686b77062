"""Issue 18 groundwork: the layout's direction comes from the language (CLDR), and a
mirrored pseudo-locale (``qps-plocm``) lays a document out right to left, bound on
the right, so that mirrored layouts can be tested before a translation exists."""

import json

import pikepdf
import pytest

from pressroom.messages import pseudo
from pressroom.model.config import PSEUDO_LANGUAGES
from pressroom.production import builder
from pressroom.render import document
from pressroom.text import formatting


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "ltr"), ("fr", "ltr"), ("zh", "ltr"), ("ru", "ltr"), ("qps", "ltr"),
    ("ar", "rtl"), ("ar_EG", "rtl"), ("he", "rtl"), ("fa", "rtl"), ("ur", "rtl"),
    ("qps-plocm", "rtl"), ("xx", "ltr"),
])
def test_direction_is_the_languages(lang, expected):
    assert formatting.direction(lang) == expected


def test_the_mirrored_pseudo_locale_overrides_each_run_and_keeps_the_markup():
    text = "Children are *detained*.[^global-study] See [the study](https://x.org)."
    out = pseudo.pseudo(text, mirrored=True)
    assert "[^global-study]" in out and "](https://x.org)" in out and "*" in out
    assert out.count(pseudo.RLO) == out.count(pseudo.PDF) >= 3
    plain = pseudo.pseudo(text)
    assert out.replace(pseudo.RLO, "").replace(pseudo.PDF, "") == plain
    assert pseudo.pseudo_translations("qps-plocm").mirrored
    assert not pseudo.pseudo_translations("qps").mirrored
    assert "qps-plocm" in PSEUDO_LANGUAGES


def text_edges(project, lang: str, page: int) -> tuple[float, float]:
    """(left, right) edge of the text regions of ``page``, mm from the trimmed page's left."""
    data = json.loads(project.layout_path(project.pdf_path(lang, "brochure"))
                      .read_text(encoding="utf-8"))
    regions = [r for r in data["regions"] if r["page"] == page and r["frame"] == "text"]
    return min(r["x"] for r in regions), max(r["x"] + r["w"] for r in regions)


@pytest.mark.e2e
def test_a_right_to_left_document_is_mirrored_and_bound_on_the_right(french_built_copy):
    project = french_built_copy
    builder.build(project, ["qps-plocm"], ["brochure"], jobs=1)
    with pikepdf.open(project.pdf_path("qps-plocm", "brochure")) as pdf:
        assert pdf.Root.ViewerPreferences.Direction == "/R2L"
        assert pdf.Root.Lang == "qps-plocm"
    with pikepdf.open(project.pdf_path("en", "brochure")) as pdf:
        assert "/Direction" not in pdf.Root.get("/ViewerPreferences", {})
    # page 3 is a right-hand page left to right (the spine on its left) and a
    # left-hand page right to left (the spine on its right): the text starts at the
    # inner margin (14 mm, A5 148 mm wide) on the spine's side, from the left in
    # English, from the right in the mirrored document
    ltr_left, _ = text_edges(project, "en", 3)
    _, rtl_right = text_edges(project, "qps-plocm", 3)
    assert ltr_left == pytest.approx(14.0, abs=0.3)
    assert 148.0 - rtl_right == pytest.approx(14.0, abs=0.3)


def test_the_html_says_its_direction(tmp_path):
    from conftest import make_project, translated_project

    from pressroom.messages.catalogs import load_translations
    from pressroom.model.content import load_document

    project = translated_project(make_project(tmp_path / "proj"))
    doc = load_document(project.content_path("brochure"), "content/brochure.yaml")
    for lang, direction in (("fr", "ltr"), ("qps-plocm", "rtl")):
        tx = (pseudo.pseudo_translations(lang) if lang in PSEUDO_LANGUAGES
              else load_translations(project, lang))
        loc = document.Localizer(doc, "content/brochure.yaml", tx)
        html = document.render_html(project, doc, loc)
        assert f'<html lang="{lang}" dir="{direction}"' in html
