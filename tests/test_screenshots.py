"""`invoke screenshots`: each printed message cut from its page and outlined, with an
index for translators (build/context/<lang>/)."""

import json

import pytest
from conftest import make_project, translated_project
from fixture_translations import FR
from markupsafe import escape
from PIL import Image

from pressroom import cli
from pressroom.production import builder
from pressroom.render.layout import message_key
from pressroom.review import proof, screenshots

MM = 72 / 25.4
LABEL = "children detained each year"  # a label of the key-figures panel
UNTRANSLATED, FUZZY = "Detention harms them.", "Internally displaced"


@pytest.fixture(scope="module")
def shot(tmp_path_factory):
    """The fixture brochure built in English and French (one string untranslated,
    one fuzzy), and its screenshots."""
    french = {k: v for k, v in FR.items() if k != UNTRANSLATED}
    project = translated_project(make_project(tmp_path_factory.mktemp("shots") / "proj"),
                                 {"fr": french})
    po = project.po_path("fr")
    po.write_text(po.read_text(encoding="utf-8").replace(
        f'msgid "{FUZZY}"', f'#, fuzzy\nmsgid "{FUZZY}"'), encoding="utf-8")
    builder.build(project, ["en", "fr"], ["brochure"], jobs=2)
    results = screenshots.screenshots(project, ["fr", "en"], ["brochure"])
    return project, {r.lang: r for r in results}


def layout_data(project, lang="fr"):
    path = project.build_dir / lang / "brochure.pdf.layout.json"
    return json.loads(path.read_text(encoding="utf-8"))


def outline_pixels(image):
    """The outline's colour (exactly: it is drawn on the page's pixels)."""
    pixels = image.load()
    return [(x, y) for y in range(image.height) for x in range(image.width)
            if pixels[x, y] == screenshots.OUTLINE]


@pytest.mark.e2e
def test_one_image_per_message_printed(shot):
    project, results = shot
    for lang in ("fr", "en"):
        data = layout_data(project, lang)
        printed = {r["key"] for r in data["regions"]}
        assert printed and printed <= set(data["strings"])
        folder = project.context_dir(lang)
        assert {p.stem for p in folder.glob("*.png")} == printed
        assert results[lang].shots == results[lang].written == len(printed)
        # a string looked up but on no page (here the unused short title) has no image
        for key in set(data["strings"]) - printed:
            assert not (folder / f"{key}.png").exists()


@pytest.mark.e2e
def test_image_is_a_crop_outlined_around_the_text(shot):
    import pypdfium2 as pdfium

    project, _ = shot
    key = message_key(None, LABEL)
    regions = [r for r in layout_data(project)["regions"] if r["key"] == key]
    assert {r["frame"] for r in regions} == {"key-figures panel"}
    pdf = project.pdf_path("fr", "brochure")
    page_number = regions[0]["page"]
    [page_image] = [img for n, img in enumerate(proof.render_pages(pdf, screenshots.DPI),
                                                start=1) if n == page_number]
    with Image.open(project.context_dir("fr") / f"{key}.png") as png:
        crop = png.convert("RGB")
    assert crop.width < page_image.width / 2 and crop.height < page_image.height / 2
    outline = outline_pixels(crop)
    assert len(outline) > 100
    left, top = min(x for x, _ in outline), min(y for _, y in outline)
    right, bottom = max(x for x, _ in outline), max(y for _, y in outline)

    # where the French label is printed, from the PDF's text: inside the outline
    document = pdfium.PdfDocument(str(pdf))
    page = document[page_number - 1]
    text = page.get_textpage()
    french = FR[LABEL]
    searcher = text.search(french)
    index, count = searcher.get_next()
    boxes = [text.get_charbox(i) for i in range(index, index + count)]
    crop_left, _b, _r, crop_top = page.get_cropbox()
    trim_left, _tb, _tr, trim_top = page.get_trimbox()
    document.close()
    scale = screenshots.DPI / 72
    region = regions[0]
    # the crop starts MARGIN_MM before the region (clamped to the trimmed page)
    origin_x = (trim_left - crop_left + max(region["x"] - screenshots.MARGIN_MM, 0) * MM) * scale
    origin_y = (crop_top - trim_top + max(region["y"] - screenshots.MARGIN_MM, 0) * MM) * scale
    for x0, y0, x1, y1 in boxes:  # PDF points, origin bottom-left
        cx0, cx1 = (x0 - crop_left) * scale - origin_x, (x1 - crop_left) * scale - origin_x
        cy0, cy1 = (crop_top - y1) * scale - origin_y, (crop_top - y0) * scale - origin_y
        assert left - 2 <= cx0 and cx1 <= right + 2, (x0, x1)
        assert top - 2 <= cy0 and cy1 <= bottom + 2, (y0, y1)
    # apart from the outline, the crop is the page's pixels at that place
    ox, oy = round(origin_x), round(origin_y)
    same = page_image.crop((ox, oy, ox + crop.width, oy + crop.height))
    sample = [(x, y) for x in range(0, crop.width, 7) for y in range(0, crop.height, 7)
              if not (left - 1 <= x <= right + 1 and top - 1 <= y <= bottom + 1)]
    assert all(crop.getpixel(p) == same.getpixel(p) for p in sample)


@pytest.mark.e2e
def test_index_and_json_list_every_message(shot):
    project, _ = shot
    folder = project.context_dir("fr")
    html = (folder / "index.html").read_text(encoding="utf-8")
    entries = json.loads((folder / "screenshots.json").read_text(encoding="utf-8"))
    strings = layout_data(project)["strings"]
    assert {e["key"] for e in entries} >= set(strings)
    for _context, msgid in strings.values():
        assert str(escape(msgid)) in html
    assert "**330,000 children**" in html  # the English with its markup, as in the catalogue
    assert "Les enfants sont *titulaires de droits*." in html
    po = "locales/fr/LC_MESSAGES/messages.po"
    for entry in entries:
        assert entry["file"] == po and entry["line"] > 0
        assert f"{po}:{entry['line']}" in html
        if entry["image"]:
            image = project.root / entry["image"]
            assert image.is_file() and image.parent == folder
            assert f'src="{image.name}"' in html
            assert entry["pages"][0]["doc"] == "brochure"
            assert entry["where"][0].startswith("brochure.pdf p")
    label = next(e for e in entries if e["msgid"] == LABEL)
    assert label["translation"] == FR[LABEL] and label["state"] == "translated"
    assert "key-figures panel" in label["where"][0]
    states = {e["msgid"]: (e["state"], e["translation"]) for e in entries}
    assert states[UNTRANSLATED] == ("untranslated", None)
    assert states[FUZZY] == ("fuzzy", FR[FUZZY])
    assert {state for state, _t in states.values()} == {"translated", "untranslated", "fuzzy"}
    assert "untranslated: printed in English" in html
    assert "fuzzy: printed in English until reviewed" in html
    # the source language: its lines are those of the content file
    english = json.loads((project.context_dir("en") / "screenshots.json")
                         .read_text(encoding="utf-8"))
    assert {e["file"] for e in english if e["image"]} >= {"content/brochure.yaml"}
    assert all(e["state"] == "source" for e in english)


@pytest.mark.e2e
def test_second_run_writes_nothing_and_drops_stale_images(shot, capsys):
    project, _ = shot
    folder = project.context_dir("fr")
    stamps = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    stale, other = folder / "0123456789ab.png", folder / "notes.png"
    stale.write_bytes(b"old")
    other.write_bytes(b"mine")
    cli.screenshots(lang="fr", root=project.root)
    out = capsys.readouterr().out.strip()
    count = len(stamps) - 2  # index.html and screenshots.json
    # the template's contact and members lines, notes page and "current as of" lines: this
    # brochure prints none of them
    assert out == (f"build/context/fr/: {count} screenshots (0 written, {count} unchanged, "
                   "1 removed), index.html; 5 catalogue message(s) not printed")
    assert not stale.exists() and other.exists()
    other.unlink()
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == stamps


def test_missing_build_is_one_line(tmp_path, invoke_in):
    root = make_project(tmp_path / "proj")
    run = invoke_in(root, "screenshots", "--lang", "fr")
    assert run.returncode == 1
    assert run.stderr.strip() == ("error: build/fr/brochure.pdf is missing: "
                                  "run `invoke build` first")
    assert "Traceback" not in run.stderr
    assert not (root / "build" / "context").exists()
