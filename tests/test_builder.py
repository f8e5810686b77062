"""Incremental and parallel builds."""

import pytest
from conftest import copy_project, make_project, translated_project
from fixture_translations import fill

from pressroom.errors import RenderError
from pressroom.production import builder

pytestmark = pytest.mark.e2e


def two_documents(root):
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('documents = ["brochure"]',
                                                       'documents = ["brochure", "standards"]'))
    return translated_project(root)


@pytest.fixture
def two_docs(tmp_path):
    return two_documents(make_project(tmp_path / "proj"))


# The first build of the two documents in English and French, in parallel, in an
# order of its own: what it built and the order its results were reported in.
FIRST_LANGS, FIRST_DOCS = ["fr", "en"], ["standards", "brochure"]


@pytest.fixture(scope="module")
def first_build(tmp_path_factory):
    """Built once for the module (read only; ``built_copy`` for a test that edits)."""
    project = two_documents(make_project(tmp_path_factory.mktemp("builder") / "proj"))
    order = []
    results = builder.build(project, FIRST_LANGS, FIRST_DOCS, jobs=2,
                            report=lambda r: order.append((r.lang, r.doc)))
    return project, results, order


@pytest.fixture
def built_copy(first_build, tmp_path):
    return copy_project(first_build[0].root, tmp_path / "proj")


def built(results):
    return sorted((r.doc, r.lang) for r in results if not r.skipped)


def test_no_op_build_skips_everything(first_build):
    project, first, _ = first_build
    assert built(first) == [("brochure", "en"), ("brochure", "fr"),
                            ("standards", "en"), ("standards", "fr")]
    again = builder.build(project, FIRST_LANGS, FIRST_DOCS, jobs=2)
    assert built(again) == []
    assert [r.pages for r in again] == [r.pages for r in first]


def test_one_french_string_rebuilds_only_the_french_pdf_that_prints_it(built_copy):
    two_docs = built_copy
    fill(two_docs.po_path("fr"), {"The law": "Le droit international"})
    assert built(builder.build(two_docs, ["en", "fr"], ["brochure", "standards"])) == \
        [("brochure", "fr")]
    # a layout string is printed by every document of that language
    fill(two_docs.po_path("fr"), {"Contents": "Table des matières"})
    assert built(builder.build(two_docs, ["en", "fr"], ["brochure", "standards"])) == \
        [("brochure", "fr"), ("standards", "fr")]


def test_layout_content_and_option_changes_rebuild(built_copy):
    two_docs = built_copy
    css = two_docs.layouts_dir / "tokens.css"
    css.write_text(css.read_text().replace("--size-body: 10pt", "--size-body: 10.5pt"))
    assert len(built(builder.build(two_docs, ["en"], ["brochure", "standards"]))) == 2
    content = two_docs.content_path("standards")
    content.write_text(content.read_text().replace("to liberty.", "to liberty and security."))
    assert built(builder.build(two_docs, ["en"], ["brochure", "standards"])) == [("standards", "en")]
    assert len(built(builder.build(two_docs, ["en"], ["brochure", "standards"], force=True))) == 2


def test_a_pdf_changed_by_hand_is_rebuilt(built_copy):
    two_docs = built_copy
    pdf = two_docs.pdf_path("en", "brochure")
    pdf.write_bytes(pdf.read_bytes() + b"\n% edited")
    assert built(builder.build(two_docs, ["en"], ["brochure"])) == [("brochure", "en")]


def test_parallel_results_come_back_in_request_order(first_build):
    _, results, order = first_build  # ["fr", "en"] x ["standards", "brochure"], jobs=2
    assert not any(r.skipped for r in results)  # all four rendered at once
    expected = [("fr", "standards"), ("fr", "brochure"), ("en", "standards"), ("en", "brochure")]
    assert order == expected == [(r.lang, r.doc) for r in results]


def test_error_in_a_worker_keeps_its_file_and_line(two_docs):
    # (a translation with a footnote id that is no note no longer stops a build: it
    # prints in English, see test_fallbacks; a template mistake is found in the worker)
    template = two_docs.layouts_dir / "brochure" / "document.html"
    lines = template.read_text().splitlines(keepends=True)
    body = next(i for i, line in enumerate(lines) if "{% block body %}" in line)
    lines.insert(body + 1, "{% if %}\n")
    template.write_text("".join(lines))
    with pytest.raises(RenderError) as info:
        builder.build(two_docs, ["en", "fr"], ["brochure", "standards"], jobs=2)
    assert info.value.path == "layouts/brochure/document.html" and info.value.line == body + 2
    assert "template syntax error" in str(info.value)


def test_workers_write_the_bytes_one_process_writes_and_preflight_them(first_build, tmp_path):
    """Workers get the parsed inputs and render PDF after PDF: the PDFs are those a
    serial build writes, byte for byte; with ``preflight``, each build record holds
    its PDF's preflight, so the run's own preflight reads it back."""
    from pressroom.qa import preflight
    from pressroom.render.fingerprint import read_record

    project = first_build[0]
    serial = copy_project(project.root, tmp_path / "serial")
    builder.build(serial, FIRST_LANGS, FIRST_DOCS, jobs=1, force=True)
    checked = copy_project(project.root, tmp_path / "checked")
    builder.build(checked, FIRST_LANGS, FIRST_DOCS, jobs=2, force=True, preflight=True)
    for lang in FIRST_LANGS:
        for doc in FIRST_DOCS:
            pdf = project.pdf_path(lang, doc).read_bytes()
            assert serial.pdf_path(lang, doc).read_bytes() == pdf, (lang, doc)
            assert checked.pdf_path(lang, doc).read_bytes() == pdf, (lang, doc)
            assert "preflight" in read_record(checked.pdf_path(lang, doc))
            assert "preflight" not in read_record(serial.pdf_path(lang, doc))
    inspected = []
    real = preflight._inspect
    preflight._inspect = lambda *args: inspected.append(args) or real(*args)
    try:
        preflight.preflight(checked, FIRST_LANGS, FIRST_DOCS)
    finally:
        preflight._inspect = real
    assert inspected == []  # every PDF's result came from its record
