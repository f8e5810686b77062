"""Preflight reads PDFs back: it passes real builds and fails each kind of bad PDF."""

import re
import zlib

import pikepdf
import pytest
from conftest import copy_project

from pressroom.production import builder
from pressroom.qa import preflight

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def built(french_built, tmp_path_factory):
    """The fixture in English and French (built once for the session, conftest),
    copied for this module: preflight keeps its findings in the build records."""
    return copy_project(french_built.root, tmp_path_factory.mktemp("pf") / "proj")


def messages(problems):
    return [str(p) for p in problems]


def test_a_real_build_passes(built):
    problems, pages = preflight.preflight(built, ["en", "fr"], ["brochure"])
    assert problems == [], messages(problems)
    assert pages == {("brochure", "en"): 4, ("brochure", "fr"): 4}


def test_print_pdf_is_pdfx_with_cmyk_only(built):
    with pikepdf.open(built.pdf_path("en", "brochure")) as pdf:
        intent = pdf.Root.OutputIntents[0]
        assert str(intent.S) == "/GTS_PDFX" and int(intent.DestOutputProfile.N) == 4
        assert b"PDF/X-4" in pdf.Root.Metadata.read_bytes()
        page = pdf.pages[1]
        trim = [float(v) for v in page.TrimBox]
        media = [float(v) for v in page.MediaBox]
        assert trim[0] - media[0] > 3 * preflight.MM + 5  # room for marks outside the bleed
        operators = {str(op) for _, op in pikepdf.parse_content_stream(page)}
        assert not operators & {"rg", "RG"}


def replace_pdf(project, mutate, lang="en"):
    path = project.pdf_path(lang, "brochure")
    backup = path.read_bytes()
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        mutate(pdf)
        pdf.save(path)
    return path, backup


@pytest.fixture
def scratch(tmp_path, built):
    return copy_project(built.root, tmp_path / "copy")


def test_unembedded_font_fails(scratch):
    def mutate(pdf):
        page = pdf.pages[1]
        page.Resources.Font["/Fbad"] = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name("/Helvetica")))
    replace_pdf(scratch, mutate)
    problems = messages(preflight.preflight(scratch, ["en"], ["brochure"])[0])
    # WeasyPrint shares one resource dictionary between pages: the font is reported
    # on the first page whose resources hold it.
    assert any(p.startswith("build/en/brochure.pdf: page ") and
               p.endswith("font Helvetica is not embedded") for p in problems)
    assert any("Helvetica is not one of the bundled fonts" in p for p in problems)


def test_missing_bleed_fails(scratch):
    def mutate(pdf):
        for page in pdf.pages:
            page.BleedBox = page.TrimBox
    replace_pdf(scratch, mutate)
    problems = messages(preflight.preflight(scratch, ["en"], ["brochure"])[0])
    assert any("bleed is 0.0, 0.0, 0.0, 0.0 mm" in p and "needs 3 mm" in p for p in problems)


def test_missing_trimbox_fails(scratch):
    def mutate(pdf):
        del pdf.pages[0].obj["/TrimBox"]
    replace_pdf(scratch, mutate)
    problems = messages(preflight.preflight(scratch, ["en"], ["brochure"])[0])
    assert "build/en/brochure.pdf: page 1: TrimBox missing" in problems


def test_rgb_colour_and_missing_output_intent_fail(scratch):
    def mutate(pdf):
        page = pdf.pages[1]
        page.contents_add(pdf.make_stream(b"q 1 0 0 rg 0 0 10 10 re f Q"), prepend=False)
        del pdf.Root["/OutputIntents"]
    replace_pdf(scratch, mutate)
    problems = messages(preflight.preflight(scratch, ["en"], ["brochure"])[0])
    assert "build/en/brochure.pdf: page 2: DeviceRGB colour operator 'rg'" in problems
    assert any("no PDF/X OutputIntent" in p for p in problems)


def test_low_resolution_and_rgb_image_fail(scratch):
    def mutate(pdf):
        page = pdf.pages[1]
        image = pdf.make_stream(zlib.compress(b"\xff\x00\x00" * 100), Type=pikepdf.Name.XObject,
                                Subtype=pikepdf.Name.Image, Width=10, Height=10,
                                ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8,
                                Filter=pikepdf.Name.FlateDecode)
        page.Resources.XObject["/Imlow"] = image
        # 10 pixels across 72 pt = 1 inch: 10 dpi
        page.contents_add(pdf.make_stream(b"q 72 0 0 72 50 50 cm /Imlow Do Q"), prepend=False)
    replace_pdf(scratch, mutate)
    problems = messages(preflight.preflight(scratch, ["en"], ["brochure"])[0])
    assert "build/en/brochure.pdf: page 2: image /Imlow is 10 dpi at its printed size (needs 300)" in problems
    assert "build/en/brochure.pdf: page 2: RGB image /Imlow" in problems


def test_page_count_not_a_multiple_and_languages_differing(scratch):
    def mutate(pdf):
        del pdf.pages[2]
    replace_pdf(scratch, mutate, lang="fr")
    problems = messages(preflight.preflight(scratch, ["en", "fr"], ["brochure"])[0])
    assert "build/fr/brochure.pdf: 3 pages: a brochure must have a multiple of 4 pages" in problems
    assert any("page counts differ across languages (en 4, fr 3)" in p for p in problems)


def test_metadata_title_and_language(scratch):
    def mutate(pdf):
        del pdf.Root["/Lang"]
        del pdf.docinfo["/Title"]
    replace_pdf(scratch, mutate)
    problems = messages(preflight.preflight(scratch, ["en"], ["brochure"])[0])
    assert "build/en/brochure.pdf: no document title in the metadata" in problems
    assert "build/en/brochure.pdf: no document language (/Lang) in the metadata" in problems


def test_missing_glyphs_in_a_translation(scratch):
    from fixture_translations import fill
    fill(scratch.po_path("fr"), {"The law": "法律"})
    problems = messages(preflight.glyph_problems(scratch, "fr", ["brochure"]))
    assert len(problems) == 1 and problems[0].startswith("locales/fr/LC_MESSAGES/messages.po:")
    assert "U+6CD5 '法'" in problems[0]


def test_layout_overflow_is_recorded_and_reported(scratch):
    content = scratch.content_path("brochure")
    long_word = "x" * 300
    content.write_text(content.read_text().replace("Detention harms them.", long_word))
    result = builder.build(scratch, ["en"], ["brochure"])[0]
    assert any("overflows the right of the text area" in w for w in result.warnings)
    problems = messages(preflight.preflight(scratch, ["en"], ["brochure"])[0])
    assert any(p.startswith("build/en/brochure.pdf: layout: page 3: 'xxxx") for p in problems)


def test_build_task_refuses_a_layout_overflow_then_preflight_fails(scratch, invoke_in):
    content = scratch.content_path("brochure")
    text = content.read_text()
    line = text[: text.index("Detention harms them.")].count("\n") + 1
    content.write_text(text.replace("Detention harms them.", "y" * 300))
    run = invoke_in(scratch.root, "build", "--lang", "en", "--no-preflight")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    # the layout gate names the content line that overflows, with the distance
    assert re.search(rf"^content/brochure.yaml:{line}: overflows the text area on brochure "
                     r"p\. 3 by \d+\.\d mm$", run.stderr, re.M), run.stderr
    assert "print run refused: 1 layout problem(s)" in run.stderr
    # a policy that only warns lets it through to the preflight, which still fails
    pyproject = scratch.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.pressroom.policy.brochure]\nlayout = "warning"\n')
    run = invoke_in(scratch.root, "build", "--lang", "en")
    assert run.returncode == 1
    assert "layout: page 3: 'yyyy" in run.stderr and "preflight failed" in run.stderr
    run = invoke_in(scratch.root, "build", "--lang", "en", "--no-preflight")
    assert run.returncode == 0, run.stderr
    assert f"content/brochure.yaml:{line}: warning: overflows the text area" in run.stderr
