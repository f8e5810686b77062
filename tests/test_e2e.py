"""End to end: build real PDFs with WeasyPrint and read them back with pypdf."""

import re
from pathlib import Path

import pytest
from conftest import REPO
from fixture_translations import ES, FR
from pypdf import PdfReader

from pressroom.errors import RenderError
from pressroom.model.config import load_project
from pressroom.production import builder

pytestmark = pytest.mark.e2e
MM = 72 / 25.4


def text_of(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def fonts_of(path: Path) -> set[str]:
    names = set()
    for page in PdfReader(path).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        fonts = fonts.get_object() if hasattr(fonts, "get_object") else fonts  # pypdf 4
        for ref in fonts.values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            names.add((str(font["/BaseFont"]).split("+")[-1], embedded))
    return names


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import make_project, translated_project
    project = translated_project(make_project(tmp_path_factory.mktemp("e2e") / "proj"),
                                 {"fr": FR, "es": ES})
    results = builder.build(project, ["en", "es", "fr"], ["brochure"])
    return project, {r.lang: r for r in results}


def test_pdfs_exist_with_pages(built):
    project, results = built
    for lang in ("en", "es", "fr"):
        path = project.pdf_path(lang, "brochure")
        assert path.is_file()
        reader = PdfReader(path)
        assert len(reader.pages) > 1
        assert len(reader.pages) % 4 == 0  # a folded booklet
        assert results[lang].pages == len(reader.pages)


def test_translated_text_replaces_english(built):
    project, _ = built
    fr = text_of(project.pdf_path("fr", "brochure"))
    assert "Les chiffres" in fr and "Sommaire" in fr and "BROCHURE DE PLAIDOYER" in fr
    assert "The numbers" not in fr and "Contents" not in fr
    assert "330\u202f000" in fr or "330 000" in fr  # French number format
    assert "85,7" in fr
    assert re.search(r"1ᵉʳ\s+novembre 2026", fr)  # raised, as in the French text
    es = text_of(project.pdf_path("es", "brochure"))
    assert "Las cifras" in es and "Índice" in es and "The numbers" not in es
    assert "330.000" in es
    en = text_of(project.pdf_path("en", "brochure"))
    assert "The numbers" in en and "330,000" in en and "85.7%" in en


def test_untranslated_strings_fall_back_to_english_and_are_counted(built):
    _, results = built
    assert results["fr"].fallbacks <= 3  # the few strings identical in both languages
    assert results["es"].fallbacks > 10


def test_page_boxes_include_3mm_bleed(built):
    project, _ = built
    for page in PdfReader(project.pdf_path("en", "brochure")).pages:
        trim = [float(v) for v in page.trimbox]
        bleed = [float(v) for v in page.bleedbox]
        media = [float(v) for v in page.mediabox]
        assert trim[2] - trim[0] == pytest.approx(148 * MM, abs=0.5)
        assert trim[3] - trim[1] == pytest.approx(210 * MM, abs=0.5)
        for i in (0, 1):
            assert trim[i] - bleed[i] == pytest.approx(3 * MM, abs=0.05)
        for i in (2, 3):
            assert bleed[i] - trim[i] == pytest.approx(3 * MM, abs=0.05)
        assert all(media[i] <= bleed[i] for i in (0, 1)) and all(media[i] >= bleed[i] for i in (2, 3))


def test_only_bundled_fonts_are_used(built):
    project, _ = built
    fonts = fonts_of(project.pdf_path("fr", "brochure"))
    assert fonts and all(name.startswith(("Source-Serif-4", "Source-Sans-3")) and embedded
                         for name, embedded in fonts), fonts


def test_html_lang_and_metadata(built):
    project, _ = built
    reader = PdfReader(project.pdf_path("fr", "brochure"))
    assert reader.metadata.title == "Mettre fin à la détention des enfants migrants"
    assert str(reader.trailer["/Root"].get("/Lang")) == "fr"


def test_same_inputs_give_byte_identical_pdfs(built):
    project, _ = built
    path = project.pdf_path("fr", "brochure")
    first = path.read_bytes()
    path.unlink()
    builder.build(project, ["fr"], ["brochure"])
    assert path.read_bytes() == first


def test_screen_profile_has_no_bleed_and_is_tagged(built):
    project, _ = built
    builder.build(project, ["en"], ["brochure"], profile="screen")
    reader = PdfReader(project.pdf_path("en", "brochure", "screen"))
    page = reader.pages[0]
    assert [float(v) for v in page.mediabox] == [float(v) for v in page.trimbox]
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.outline  # bookmarks from the headings


def test_failed_build_keeps_previous_pdf(built):
    project, _ = built
    path = project.pdf_path("en", "brochure")
    before = path.read_bytes()
    layout = project.layouts_dir / "brochure" / "document.html"
    original = layout.read_text()
    layout.write_text(original.replace("{% block body %}", "{% block body %}{{ missing.attr }}"))
    try:
        with pytest.raises(RenderError, match="template error"):
            builder.build(project, ["en"], ["brochure"])
    finally:
        layout.write_text(original)
    assert path.read_bytes() == before


@pytest.mark.skipif(not (REPO / "locales" / "es" / "LC_MESSAGES" / "messages.po").exists(),
                    reason="the project has no Spanish catalogue yet")
def test_real_publications_build_in_spanish(real_built):
    """The project's own content: the Spanish PDFs of the shared build, read back."""
    project = real_built
    assert all(project.pdf_path("es", doc).exists() for doc in ("brochure", "standards"))
    brochure = text_of(project.pdf_path("es", "brochure"))
    standards = text_of(project.pdf_path("es", "standards"))
    assert "Convención sobre los Derechos del Niño" in brochure + standards
    assert "interés superior del niño" in standards
    assert "Contents" not in brochure and "Índice" in brochure
    assert len(PdfReader(project.pdf_path("es", "brochure")).pages) % 4 == 0
    assert len(PdfReader(project.pdf_path("es", "standards")).pages) > 4


def test_proof_contact_sheet_puts_languages_side_by_side(built):
    from PIL import Image

    from pressroom.review import proof

    project, results = built
    out = proof.proof(project, ["brochure"], ["en", "es", "fr"], dpi=20)
    assert out[0].pages == {lang: results[lang].pages for lang in ("en", "es", "fr")}
    with Image.open(out[0].path) as sheet:
        page_w = round(148 * 20 / 25.4)
        assert sheet.width >= 3 * page_w
        assert sheet.height >= results["en"].pages * round(210 * 20 / 25.4)


def test_booklet_is_padded_with_notes_pages_before_the_back_cover(tmp_path):
    from conftest import make_project
    root = make_project(tmp_path / "proj")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("brochure = 4", "brochure = 8"))
    project = load_project(root)
    result = builder.build(project, ["en"], ["brochure"])[0]
    reader = PdfReader(result.path)
    texts = [page.extract_text().strip() for page in reader.pages]
    assert result.pages == len(reader.pages) == 8
    # cover, contents, text, then 4 pages for notes (the layout's padding page)
    assert [t.split() for t in texts[3:7]] == [["Notes"]] * 4
    assert "Inter-Agency Working Group" in texts[7]  # the back cover stays last
    assert all(len(page.trimbox) == 4 for page in reader.pages)
