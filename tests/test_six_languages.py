"""Issue 18: Arabic and Chinese in print. Each language's stylesheet and fonts
(layouts/lang/<lang>.css), the glyphs `check` finds missing from them, UN Arabic
dates, the list of a publication's languages, Latin runs isolated in right-to-left
text, and real PDFs read back: fonts, emphasis, direction, running heads."""

import datetime
import re

import pikepdf
import pytest
from conftest import make_project
from pdf_readback import lines_of, read_pages

from pressroom.messages import catalogs, extract
from pressroom.model.config import load_project
from pressroom.production import builder
from pressroom.qa import preflight
from pressroom.render import fonts
from pressroom.text import formatting, markup

LRI, PDI = markup.LTR_ISOLATE, markup.POP_ISOLATE

AR = {
    "Ending child immigration detention": "إنهاء احتجاز الأطفال لأسباب تتعلق بالهجرة",
    "The numbers": "الأرقام",
    "Every year at least **330,000 children** are detained.[^global-study]":
        "يُحتجز كل عام ما لا يقل عن **330,000 طفل**.[^global-study]",
    "Children are *rights holders*.": "الأطفال *أصحاب حقوق*.",
    "UN *Global Study on Children Deprived of Liberty*, A/74/136, 2019.":
        "الأمم المتحدة، *الدراسة العالمية بشأن الأطفال المحرومين من الحرية*، A/74/136، 2019.",
}
ZH = {
    "Ending child immigration detention": "终止移民拘留儿童",
    "The numbers": "数字",
    "Every year at least **330,000 children** are detained.[^global-study]":
        "每年至少有**330,000名儿童**遭到拘留。[^global-study]",
    "Children are *rights holders*.": "儿童是*权利持有人*。",
    "UN *Global Study on Children Deprived of Liberty*, A/74/136, 2019.":
        "联合国，《*全球被剥夺自由儿童问题研究*》，A/74/136，2019年。",
}


def six_language_project(root):
    """The fixture project with Arabic and Chinese configured and partly translated."""
    from fixture_translations import fill

    make_project(root)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace(
        'languages = ["en", "es", "fr"]', 'languages = ["en", "es", "fr", "ar", "zh"]\n'
        'release_languages = ["en", "ar", "zh"]'), encoding="utf-8")
    project = load_project(root)
    extract.extract(project)
    catalogs.update(project, ["ar", "zh"])
    fill(project.po_path("ar"), AR)
    fill(project.po_path("zh"), ZH)
    return project


# --------------------------------------------------------------------------- stylesheets, fonts
def test_a_language_finds_its_stylesheet_with_or_without_a_region(tmp_path):
    project = load_project(make_project(tmp_path / "p"))
    assert project.language_stylesheet("ar") == project.layouts_dir / "lang" / "ar.css"
    assert project.language_stylesheet("ar-EG") == project.layouts_dir / "lang" / "ar.css"
    assert project.language_stylesheet("zh") == project.layouts_dir / "lang" / "zh.css"
    assert project.language_stylesheet("en") is None


def test_each_language_prints_with_its_own_fonts(tmp_path):
    project = load_project(make_project(tmp_path / "p"))
    names = {lang: {f.name for f in fonts.language_fonts(project, lang)}
             for lang in ("en", "ar", "zh")}
    assert "SourceSerif4-Regular.ttf" in names["en"] & names["ar"] & names["zh"]
    assert {"NotoNaskhArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"} <= names["ar"]
    assert {"NotoSerifSC-Regular.woff2", "NotoSansSC-Bold.woff2"} <= names["zh"]
    assert not any("Noto" in name for name in names["en"])
    covered = {lang: fonts.coverage(fonts.language_fonts(project, lang)) for lang in names}
    arabic, hanzi = "إنهاء احتجاز الأطفال", "儿童权利公约，。《》"
    assert fonts.missing(arabic, covered["ar"]) == []
    assert fonts.missing(hanzi, covered["zh"]) == []
    assert fonts.missing(hanzi, covered["ar"]) == sorted(set(hanzi))
    assert fonts.missing(arabic, covered["en"]) != []
    # bidi controls and joiners print nothing: no font needs them
    assert fonts.missing(f"{LRI}A/RES/71/1{PDI}\u2060\u200b", covered["en"]) == []


def test_check_reports_a_character_the_chinese_fonts_lack(tmp_path, invoke_in):
    from fixture_translations import fill

    project = six_language_project(tmp_path / "p")
    fill(project.po_path("zh"), {"The law": "法律𪚥"})  # U+2A6A5: outside the subset
    result = invoke_in(project.root, "check", "--lang", "zh")
    assert result.returncode == 1
    line = next(ln for ln in result.stderr.splitlines() if "U+2A6A5" in ln)
    assert re.match(r"locales/zh/LC_MESSAGES/messages\.po:\d+: no font of zh has these "
                    r"characters: U\+2A6A5 '𪚥'", line)
    assert "U+6CD5" not in line  # 法 is in the fonts
    assert "Traceback" not in result.stderr
    gaps = preflight.glyph_gaps(project, "zh")
    expected = "no font of zh has these characters: U+2A6A5 '𪚥'"
    assert [g[2].split(";")[0] for g in gaps] == [expected]


# --------------------------------------------------------------------------- formatting
@pytest.mark.parametrize(("lang", "expected"), [
    ("ar", "19 أيلول/سبتمبر 2016"), ("zh", "2016年9月19日"), ("en", "19 September 2016"),
])
def test_dates_follow_un_style(lang, expected):
    assert formatting.date(datetime.date(2016, 9, 19), lang) == expected


def test_arabic_names_every_month_twice_and_uses_western_digits():
    for month in range(1, 13):
        text = formatting.date(datetime.date(2026, month, 1), "ar")
        assert text.startswith("1 ") and text.endswith(" 2026") and "/" in text
    assert formatting.number(330000, "ar") == "330,000"


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "English, Spanish and French"),
    ("fr", "anglais, espagnol et français"),
    ("es", "inglés, español y francés"),
    ("zh", "英语、西班牙语和法语"),
])
def test_the_languages_of_an_edition_are_named_in_its_language(lang, expected):
    assert formatting.language_list(["en", "es", "fr"], lang) == expected


# --------------------------------------------------------------------------- bidi
def test_latin_runs_in_right_to_left_text_are_isolated():
    text = "انظر A/RES/71/1 و https://undocs.org/A/RES/71/1 و *[Beyond Detention]{lang=en}*."
    html = markup.to_html(text, isolate=True)
    assert f"{LRI}A/\u200bRES/\u200b71/\u200b1{PDI}</span>" in html
    assert f'<span lang="en" dir="ltr">{LRI}Beyond Detention{PDI}</span>' in html
    assert html.count(LRI) == html.count(PDI) == 3
    # the plain text and left-to-right documents are untouched
    assert LRI not in markup.to_html(text)
    assert LRI not in markup.to_plain(text)
    # a passage in a right-to-left language inside right-to-left text is not isolated
    assert LRI not in markup.to_html("[نص]{lang=ar}", isolate=True)


# --------------------------------------------------------------------------- real PDFs
def logical_text(pdf_path) -> str:
    """The text of every page in reading (logical) order, as PDFium extracts it."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def _fonts_of(pdf_path) -> set[str]:
    with pikepdf.open(pdf_path) as pdf:
        return {str(font.get("/BaseFont"))[1:].split("+", 1)[-1]
                for page in pdf.pages for font in page.Resources.get("/Font", {}).values()}


@pytest.mark.e2e
def test_arabic_and_chinese_print_in_their_fonts_and_directions(tmp_path):
    project = six_language_project(tmp_path / "p")
    results = builder.build(project, ["ar", "zh"], ["brochure"], jobs=1)
    assert all(r.path.exists() for r in results)
    ar, zh = project.pdf_path("ar", "brochure"), project.pdf_path("zh", "brochure")
    ar_fonts, zh_fonts = _fonts_of(ar), _fonts_of(zh)
    assert any(f.startswith("Noto-Naskh-Arabic") for f in ar_fonts), ar_fonts
    assert any(f.startswith("Noto-Serif-CJK-SC") for f in zh_fonts), zh_fonts
    with pikepdf.open(ar) as pdf:
        assert pdf.Root.ViewerPreferences.Direction == "/R2L" and pdf.Root.Lang == "ar"
    with pikepdf.open(zh) as pdf:
        assert "/Direction" not in pdf.Root.get("/ViewerPreferences", {})
    text = {lang: logical_text(path) for lang, path in (("ar", ar), ("zh", zh))}
    assert "يقل عن 330,000 طفل" in text["ar"]
    assert "每年至少有" in text["zh"] and "A/74/136" in text["zh"]
    # the imprint names the released languages in the edition's language
    assert "العربية" in text["ar"] and "中文" in text["zh"]
    assert "1 تشرين الثاني/نوفمبر 2026" in text["ar"]
    # Latin runs keep their own order: a symbol, and English left untranslated in
    # the Arabic edition, its brackets and its emphasis (read left to right on the
    # page: PDFium's logical order guesses wrong for mixed lines)
    seen = [line.plain for page in read_pages(ar) for line in lines_of(page)]
    # (its closing bracket is not compared: the glyph of ")" is also the mirrored
    # "(" of the Arabic, and the PDF maps a glyph to one character)
    assert any("Convention on the Rights of the Child, art.\u00a037 (b" in s for s in seen)
    assert any("Mares, Health and Human Rights Journal." in s for s in seen)
    assert any("A/74/136" in s for s in seen)
    # nothing printed in a font the project does not bundle, no missing glyph
    problems = [str(p) for p in preflight.preflight(project, ["ar", "zh"], ["brochure"])[0]
                if "fallback" in p.message or "no font" in p.message]
    assert problems == []


@pytest.mark.e2e
def test_running_heads_follow_the_binding(tmp_path):
    """The document's short title heads the versos, the section the rectos. Right
    to left, page 1 is a left-hand page and the versos are right-hand pages: the
    title moves to the top right (the outer corner of a right-hand page)."""
    project = load_project(make_project(tmp_path / "p"))
    content = project.content_path("brochure")
    filler = "".join(f"      - p: Paragraph {n} of a long section, " + "words " * 60 + "\n"
                     for n in range(40))
    content.write_text(content.read_text(encoding="utf-8").replace(
        "  - id: law\n", "  - id: long\n    heading: A long section\n    blocks:\n"
        + filler + "  - id: law\n"), encoding="utf-8")
    extract.extract(project)
    builder.build(project, ["en", "qps-plocm"], ["brochure"], jobs=1)
    for lang, verso_side in (("en", "left"), ("qps-plocm", "right")):
        pages = read_pages(project.pdf_path(lang, "brochure"))
        heads = {}
        for number in range(3, len(pages)):
            top = [ln for ln in lines_of(pages[number - 1]) if ln.pt < 7.5 and ln.y > 560]
            if top:
                heads[number] = (top[0].plain.strip(), top[0].chars[0].x)
        versos = [heads[n] for n in heads if n % 2 == 0]
        rectos = [heads[n] for n in heads if n % 2 == 1]
        assert len(versos) >= 2 and len(rectos) >= 2, (lang, heads)
        assert len({text for text, _ in versos}) == 1  # the same title on every verso
        assert {text for text, _ in versos}.isdisjoint(text for text, _ in rectos)
        for _, x in versos:
            assert (x < 210 if verso_side == "left" else x > 210), (lang, heads)
        for _, x in rectos:
            assert (x > 210 if verso_side == "left" else x < 210), (lang, heads)


def test_no_bundled_font_is_a_cid_keyed_cff():
    """WeasyPrint writes glyph indexes as the codes of a CFF font; a CID-keyed CFF
    whose CIDs are not its glyph indexes (a subset of Noto CJK) then shows
    .notdef in readers that follow the standard. tools/han_fonts.py writes
    TrueType outlines; this keeps any other font from bringing the fault back."""
    from conftest import REPO
    from fontTools.ttLib import TTFont

    checked = 0
    for path in sorted((REPO / "layouts" / "fonts").rglob("*")):
        if path.suffix.lower() not in fonts.FONT_SUFFIXES:
            continue
        font = TTFont(path, lazy=True)
        if "CFF " in font:
            top = font["CFF "].cff.topDictIndex[0]
            assert not hasattr(top, "ROS"), f"{path.name}: CID-keyed CFF"
        checked += 1
    assert checked >= 16


def test_a_symbol_joined_to_an_arabic_or_chinese_word_is_still_a_symbol():
    arabic = markup.to_html("وCMW/C/GC/4-CRC/C/GC/23", isolate=True)
    assert arabic.startswith('و<span class="doc-symbol">' + LRI + "CMW/")
    chinese = markup.to_html("见A/74/136号文件。")
    assert '见<span class="doc-symbol">A/\u200b74/\u200b136</span>号' in chinese
    assert "doc-symbol" not in markup.to_html("xA/RES/71/1")  # part of a Latin word


def test_web_fonts_are_decoded_once_and_served_as_weasyprint_would_decode_them(tmp_path):
    """WeasyPrint decodes a WOFF2 font for each @font-face rule of each render (the
    Chinese faces: over a second each); the fetcher serves it decoded, from a cache
    kept by the font's bytes, identical to WeasyPrint's own decoding."""
    import io

    from conftest import REPO
    from fontTools.ttLib import woff2

    from pressroom.render import sandbox

    font = REPO / "layouts" / "fonts" / "han-sc" / "NotoSansSC-Bold.woff2"
    expected = io.BytesIO()
    woff2.decompress(io.BytesIO(font.read_bytes()), expected)
    fetcher = sandbox.SandboxFetcher([font.parent], cache_dir=tmp_path / "fonts")
    sandbox._DECODED.clear()
    served = fetcher.fetch(font.as_uri()).read()
    assert served == expected.getvalue()
    assert served[:4] == b"\x00\x01\x00\x00"  # TrueType, not wOF2
    cached = list((tmp_path / "fonts").iterdir())
    assert len(cached) == 1 and cached[0].read_bytes() == expected.getvalue()
    sandbox._DECODED.clear()  # a new process: read from the cache, not decoded again
    cached[0].write_bytes(b"\x00\x01\x00\x00marker")
    assert fetcher.fetch(font.as_uri()).read() == b"\x00\x01\x00\x00marker"
    sandbox._DECODED.clear()
    plain = REPO / "layouts" / "fonts" / "SourceSerif4-Regular.ttf"
    assert sandbox.SandboxFetcher([plain.parent]).fetch(plain.as_uri()).read() == \
        plain.read_bytes()
