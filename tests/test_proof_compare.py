"""`invoke proof --compare`: pages that changed since the previous proof, with diffs."""

import json

import pytest
from PIL import Image

from pressroom import cli
from pressroom.model.config import Project
from pressroom.production import builder
from pressroom.review import proof

MM = 72 / 25.4


# --------------------------------------------------------------------------- pixels
def test_compare_page_ignores_noise_and_counts_real_changes():
    old = Image.new("RGB", (100, 80), (255, 255, 255))
    assert proof.compare_page(old, old.copy()).changed == 0

    faint = Image.new("RGB", (100, 80), (255 - proof.PIXEL_THRESHOLD, 255, 255))
    assert not proof.compare_page(old, faint).significant  # anti-aliasing shades

    speck = old.copy()
    for x in range(4):  # a full stop become a comma, in 10 pt text at 72 dpi
        speck.putpixel((10, 10 + x), (0, 0, 0))
    assert proof.compare_page(old, speck).significant

    block = old.copy()
    block.paste((200, 0, 0), (30, 20, 40, 26))
    diff = proof.compare_page(old, block)
    assert diff.significant and diff.changed == 60
    assert diff.bbox == (30, 20, 40, 26)
    assert diff.fraction == pytest.approx(60 / 8000)
    marked = proof.diff_image(diff)
    assert marked.getpixel((35, 23)) == (220, 0, 0)  # changed pixels in red
    assert marked.getpixel((80, 70)) == (255, 255, 255)  # the rest dimmed (white stays white)


def test_pages_of_another_size_are_compared_on_a_common_canvas():
    old = Image.new("RGB", (50, 50), (255, 255, 255))
    new = Image.new("RGB", (50, 60), (0, 0, 0))
    diff = proof.compare_page(old, new)
    assert diff.total == 50 * 60 and diff.changed == 50 * 60


# --------------------------------------------------------------------------- a PDF drawn by hand
def write_pdf(path, pages):
    """A PDF whose pages (300 x 300 pt, trim box 20 pt inside) hold black rectangles
    (x, y, w, h in PDF points): where a change is, in millimetres, is then known."""
    import pikepdf

    pdf = pikepdf.new()
    for rects in pages:
        page = pdf.add_blank_page(page_size=(300, 300))
        page.obj.Contents = pdf.make_stream(
            b"".join(b"0 0 0 rg %d %d %d %d re f\n" % r for r in rects))
        page.obj.TrimBox = pikepdf.Array([20, 20, 280, 280])
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.save(path)


@pytest.fixture
def drawn(tmp_path):
    project = Project(root=tmp_path, languages=("en",), documents=("brochure",))
    return project, project.pdf_path("en", "brochure")


def compare(project):
    return proof.proof(project, ["brochure"], ["en"], compare=True)[0]


def test_changed_page_is_located_in_millimetres_of_the_trimmed_page(drawn):
    project, pdf = drawn
    write_pdf(pdf, [[(40, 40, 10, 10)], [(40, 40, 10, 10)]])
    first = compare(project)
    assert first.no_baseline == ["en"] and first.changes == []
    assert sorted(proof.page_files(project.proof_pages_dir("brochure", "en"))) == [1, 2]

    write_pdf(pdf, [[(40, 40, 10, 10)], [(40, 40, 10, 10), (100, 100, 50, 50)]])
    result = compare(project)
    assert result.no_baseline == []
    [change] = result.changes
    assert (change.page, change.status) == (2, "changed")
    # x from the trim box's left edge (20 pt), y from its top edge (280 pt)
    expected = ((100 - 20) / MM, (280 - 150) / MM, (150 - 20) / MM, (280 - 100) / MM)
    assert change.bbox_mm == pytest.approx(expected, abs=0.5)
    assert change.fraction == pytest.approx(50 * 50 / (300 * 300), rel=0.1)
    assert change.diff == project.proof_diff_dir("brochure", "en") / "page-02.png"
    assert change.diff.exists()
    assert not (project.proof_diff_dir("brochure", "en") / "page-01.png").exists()


def test_added_and_removed_pages_are_reported(drawn):
    project, pdf = drawn
    write_pdf(pdf, [[(40, 40, 10, 10)], []])
    compare(project)
    write_pdf(pdf, [[(40, 40, 10, 10)], [], [], [(10, 10, 5, 5)]])
    added = compare(project)
    assert [(c.page, c.status) for c in added.changes] == [(3, "added"), (4, "added")]
    stored = project.proof_pages_dir("brochure", "en")
    assert sorted(proof.page_files(stored)) == [1, 2, 3, 4]

    write_pdf(pdf, [[(40, 40, 10, 10)]])
    removed = compare(project)
    assert [(c.page, c.status) for c in removed.changes] == \
        [(2, "removed"), (3, "removed"), (4, "removed")]
    assert sorted(proof.page_files(stored)) == [1]  # the baseline is the new proof
    report = json.loads(project.proof_changes_path.read_text())
    assert [(c["page"], c["status"]) for c in report["changes"]] == \
        [(2, "removed"), (3, "removed"), (4, "removed")]


# --------------------------------------------------------------------------- a real brochure
def page_with(pdf, text):
    from pypdf import PdfReader

    pages = [p.extract_text() for p in PdfReader(pdf).pages]
    return next(n for n, t in enumerate(pages, start=1) if text in t), len(pages)


@pytest.mark.e2e
def test_compare_lists_the_pages_a_token_changed_and_nothing_else(french_built_copy, capsys):
    project = french_built_copy  # the English built
    pdf = project.pdf_path("en", "brochure")
    cli.proof(doc="brochure", lang="en", compare=True, root=project.root)
    assert "brochure en: no previous proof to compare with; baseline saved" in \
        capsys.readouterr().out

    tokens = project.layouts_dir / "tokens.css"
    old = "--accent-2: device-cmyk(0 0.6 0.95 0)"
    assert old in tokens.read_text()
    tokens.write_text(tokens.read_text().replace(old, "--accent-2: device-cmyk(0.9 0 0.9 0)"))
    assert not builder.build(project, ["en"], ["brochure"], jobs=1)[0].skipped
    cli.proof(doc="brochure", lang="en", compare=True, root=project.root)
    out = capsys.readouterr().out

    figures, pages = page_with(pdf, "330,000")  # the key figures, ruled in --accent-2
    contents, _ = page_with(pdf, "Contents")  # no --accent-2 there, nor on the back cover
    report = json.loads(project.proof_changes_path.read_text())
    changed = {c["page"] for c in report["changes"]}
    assert figures in changed
    assert contents not in changed and pages not in changed
    assert {c["status"] for c in report["changes"]} == {"changed"}
    for c in report["changes"]:
        assert f"brochure en: page {c['page']} changed" in out
        assert (project.root / c["diff"]).exists()
        left, top, right, bottom = c["bbox_mm"]
        assert -3.5 <= left < right <= 151.5 and -3.5 <= top < bottom <= 213.5  # A5 + bleed
    diffs = proof.page_files(project.proof_diff_dir("brochure", "en"))
    assert sorted(diffs) == sorted(changed)
    with Image.open(diffs[figures]) as image:
        assert (220, 0, 0) in {rgb for _n, rgb in image.getcolors(1 << 20)}
    assert f"compared with the previous proof: {len(changed)} page(s) changed" in out

    cli.proof(doc="brochure", lang="en", compare=True, root=project.root)  # nothing changed
    assert "compared with the previous proof: no page changed" in capsys.readouterr().out
    assert json.loads(project.proof_changes_path.read_text())["changes"] == []
    assert proof.page_files(project.proof_diff_dir("brochure", "en")) == {}


@pytest.mark.e2e
def test_compare_reports_pages_added_to_the_booklet(french_built_copy, capsys):
    from pressroom.model.config import load_project

    project = french_built_copy  # the English built
    project_dir = project.root
    first = builder.build(project, ["en"], ["brochure"], jobs=1)[0]
    proof.proof(project, ["brochure"], ["en"])  # without --compare: the baseline only
    pyproject = project_dir / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("brochure = 4",
                                                       f"brochure = {2 * first.pages}"))
    project = load_project(project_dir)
    assert builder.build(project, ["en"], ["brochure"], jobs=1)[0].pages == 2 * first.pages
    cli.proof(doc="brochure", lang="en", compare=True, root=project_dir)
    out = capsys.readouterr().out
    added = list(range(first.pages + 1, 2 * first.pages + 1))
    for page in added:
        assert f"brochure en: page {page} added" in out
    # the back cover moved to the end: its old place is now a blank page
    assert f"brochure en: page {first.pages} changed" in out
