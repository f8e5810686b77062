"""Incremental and parallel builds."""

import pytest
from conftest import make_project, translated_project
from fixture_translations import fill

from pressroom.errors import PressroomError
from pressroom.production import builder

pytestmark = pytest.mark.e2e


@pytest.fixture
def two_docs(tmp_path):
    root = make_project(tmp_path / "proj")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('documents = ["brochure"]',
                                                       'documents = ["brochure", "standards"]'))
    return translated_project(root)


def built(results):
    return sorted((r.doc, r.lang) for r in results if not r.skipped)


def test_no_op_build_skips_everything(two_docs):
    first = builder.build(two_docs, ["en", "fr"], ["brochure", "standards"], jobs=2)
    assert built(first) == [("brochure", "en"), ("brochure", "fr"),
                            ("standards", "en"), ("standards", "fr")]
    again = builder.build(two_docs, ["en", "fr"], ["brochure", "standards"], jobs=2)
    assert built(again) == []
    assert [r.pages for r in again] == [r.pages for r in first]


def test_one_french_string_rebuilds_only_the_french_pdf_that_prints_it(two_docs):
    builder.build(two_docs, ["en", "fr"], ["brochure", "standards"], jobs=2)
    fill(two_docs.po_path("fr"), {"The law": "Le droit international"})
    assert built(builder.build(two_docs, ["en", "fr"], ["brochure", "standards"])) == \
        [("brochure", "fr")]
    # a layout string is printed by every document of that language
    fill(two_docs.po_path("fr"), {"Contents": "Table des matières"})
    assert built(builder.build(two_docs, ["en", "fr"], ["brochure", "standards"])) == \
        [("brochure", "fr"), ("standards", "fr")]


def test_layout_content_and_option_changes_rebuild(two_docs):
    builder.build(two_docs, ["en"], ["brochure", "standards"])
    css = two_docs.layouts_dir / "tokens.css"
    css.write_text(css.read_text().replace("--size-body: 10pt", "--size-body: 10.5pt"))
    assert len(built(builder.build(two_docs, ["en"], ["brochure", "standards"]))) == 2
    content = two_docs.content_path("standards")
    content.write_text(content.read_text().replace("to liberty.", "to liberty and security."))
    assert built(builder.build(two_docs, ["en"], ["brochure", "standards"])) == [("standards", "en")]
    assert len(built(builder.build(two_docs, ["en"], ["brochure", "standards"], force=True))) == 2


def test_a_pdf_changed_by_hand_is_rebuilt(two_docs):
    builder.build(two_docs, ["en"], ["brochure"])
    pdf = two_docs.pdf_path("en", "brochure")
    pdf.write_bytes(pdf.read_bytes() + b"\n% edited")
    assert built(builder.build(two_docs, ["en"], ["brochure"])) == [("brochure", "en")]


def test_parallel_results_come_back_in_request_order(two_docs):
    order = []
    results = builder.build(two_docs, ["fr", "en"], ["standards", "brochure"], jobs=2,
                            report=lambda r: order.append((r.lang, r.doc)))
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
    with pytest.raises(PressroomError) as info:
        builder.build(two_docs, ["en", "fr"], ["brochure", "standards"], jobs=2)
    assert info.value.path == "layouts/brochure/document.html" and info.value.line == body + 2
    assert "template syntax error" in str(info.value)
