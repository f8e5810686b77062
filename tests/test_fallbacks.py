"""Fallbacks that hold (issue 13): a translation that `check` rejects prints in
English, in draft, proof and policy-limited print runs; the manifest says so; a
refused document does not stop the others; the page-count comparison uses only
PDFs built from the current inputs."""

from __future__ import annotations

import json

import pytest
from conftest import make_project, translated_project
from fixture_translations import ES, FR, fill
from pypdf import PdfReader

from pressroom.messages import catalogs
from pressroom.model.config import load_project
from pressroom.model.content import load_document
from pressroom.production import builder
from pressroom.qa import gate
from pressroom.qa import layout_qa as qa
from pressroom.render import document as render
from pressroom.render import fingerprint, layout

LINK_EN = "Read [the Global Study](https://example.org/global-study) online."
BROKEN = {  # the review's case: three strings, five problems
    # a changed number and a dropped ** (two problems, one string)
    "Every year at least **330,000 children** are detained.[^global-study]":
        "Chaque année, au moins 340 000 enfants sont détenus.[^global-study]",
    # a changed URL (missing, and not in the English)
    LINK_EN: "Lisez [l’Étude mondiale](https://example.org/etude-mondiale) en ligne.",
    # emphasis dropped
    "Children are *rights holders*.": "Les enfants sont titulaires de droits.",
}
CITE = "Convention on the Rights of the Child, art. 37 (b)[^crc]"
TYPO = {CITE: "Convention relative aux droits de l’enfant, art. 37 b)[^crcc]"}  # no such note


def with_link(root):
    """The fixture brochure with a paragraph that carries a link."""
    content = root / "content" / "brochure.yaml"
    content.write_text(content.read_text().replace(
        "      - callout:", f"      - p: {LINK_EN}\n      - callout:", 1))
    return root


def add_config(project, text):
    pyproject = project.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n" + text)
    return load_project(project.root)


def both_documents(root):
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('documents = ["brochure"]',
                                                       'documents = ["brochure", "standards"]'))
    return root


def line_of(project, lang, msgid):
    for message in catalogs.read_catalog(project.po_path(lang), "po", lang):
        if message.id == msgid:
            return message.lineno
    raise AssertionError(msgid)


def pdf_text(path):
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


@pytest.fixture
def broken(tmp_path):
    """French complete, but three translations that `check` rejects."""
    root = with_link(make_project(tmp_path / "proj"))
    table = dict(FR, **{LINK_EN: "Lisez [l’Étude mondiale](https://example.org/global-study) "
                                 "en ligne."})
    project = translated_project(root, {"fr": table})
    fill(project.po_path("fr"), BROKEN)
    return project


# --------------------------------------------------------------------------- unit
def test_check_errors_are_counted_by_string_not_by_problem(broken):
    blockers = gate.blockers(broken, "fr", ["brochure"])
    assert len(blockers) == 5 and gate.count_strings(blockers) == 3
    verdict = gate.evaluate(broken, "fr", ["brochure"])
    assert verdict.refusals == [("brochure has 3 string(s) with errors, which always refuse a "
                                "print run")]


def test_rejected_translations_are_taken_out_of_the_lookup(broken):
    fill(broken.po_path("fr"), TYPO)
    tx = fingerprint.translations_for(broken, "fr")
    assert set(tx.rejected) == {(None, msgid) for msgid in [*BROKEN, CITE]}
    for msgid in [*BROKEN, CITE]:
        assert tx.lookup(msgid) == (msgid, "fallback")
    assert tx.lookup("The law") == ("Le droit", "translated")
    assert "footnote [^crcc] is not in the English" in tx.rejected[None, CITE]


def test_the_screenshot_index_says_a_rejected_translation_prints_in_english(broken):
    from pressroom.review import screenshots
    text = screenshots._texts(broken, "fr")
    msgid = "Children are *rights holders*."
    assert text(None, msgid) == (BROKEN[msgid], "check error")
    assert text(None, "The law") == ("Le droit", "translated")
    assert "printed in English" in screenshots.STATE_LABELS["check error"]


# --------------------------------------------------------------------------- e2e
@pytest.mark.e2e
def test_allow_incomplete_prints_english_for_what_check_rejects(broken, invoke_in):
    run = invoke_in(broken.root, "build", "--lang", "fr", "--allow-incomplete")
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert ("warning: fr: 3 string(s) incomplete or with errors will print in English "
            "(--allow-incomplete)") in run.stderr
    assert "3 strings fell back to English" in run.stdout
    text = pdf_text(broken.pdf_path("fr", "brochure"))
    # what the warning says is what is printed: the English of those three strings
    assert "340" not in text and "titulaires de droits" not in text and "Lisez" not in text
    assert "Read the Global Study online." in text and "Children are rights holders." in text
    assert "Le droit" in text and "La détention leur nuit." in text  # the others, in French
    links = [str(a["/A"]["/URI"]) for page in PdfReader(broken.pdf_path("fr", "brochure")).pages
             for a in (page.get("/Annots") or []) if "/A" in a.get_object()]
    assert "https://example.org/global-study" in links
    assert "https://example.org/etude-mondiale" not in links
    # the manifest records the run and every string printed in English, at its line
    manifest = json.loads((broken.build_dir / "fr" / "brochure.manifest.json").read_text())
    record = manifest["print_run"]
    assert record["allow_incomplete"] is True and record["within_policy"] is False
    po = "locales/fr/LC_MESSAGES/messages.po"
    by_line = {f["line"]: f for f in record["fallbacks"]}
    assert set(by_line) == {f"{po}:{line_of(broken, 'fr', msgid)}" for msgid in BROKEN}
    assert all(f["why"].startswith("check error: ") for f in record["fallbacks"])
    number = by_line[f"{po}:{line_of(broken, 'fr', next(iter(BROKEN)))}"]
    assert number["msgctxt"] is None and number["msgid"].startswith("Every year at least")
    assert "number 330000 of the English is missing" in number["why"]
    assert number["key"] == layout.message_key(None, next(iter(BROKEN)))


@pytest.mark.e2e
def test_a_mistyped_footnote_id_falls_back_in_drafts_and_proofs(broken, invoke_in):
    fill(broken.po_path("fr"), TYPO)
    run = invoke_in(broken.root, "build", "--lang", "fr", "--allow-incomplete")
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr and "4 strings fell back to English" in run.stdout
    text = pdf_text(broken.pdf_path("fr", "brochure"))
    assert "Convention on the Rights of the Child, art. 37 (b)" in text
    assert "Convention relative aux droits de l’enfant, 1989." in text  # its note, in French
    record = json.loads((broken.build_dir / "fr" / "brochure.manifest.json").read_text())
    [typo] = [f for f in record["print_run"]["fallbacks"] if f["msgid"] == CITE]
    assert typo["line"] == f"locales/fr/LC_MESSAGES/messages.po:{line_of(broken, 'fr', CITE)}"
    assert "footnote [^crcc] is not in the English" in typo["why"]

    run = invoke_in(broken.root, "build", "--lang", "fr", "--profile", "proof")
    assert run.returncode == 0, run.stderr
    assert "(proof profile)" in run.stderr and "Traceback" not in run.stderr
    text = pdf_text(broken.pdf_path("fr", "brochure", "proof"))
    assert "Convention on the Rights of the Child, art. 37 (b)" in text and "340" not in text
    # highlighted like the other fallbacks (magenta), not printed as translated
    doc = load_document(broken.content_path("brochure"), "content/brochure.yaml")
    html = render.render_html(broken, doc, render.Localizer(
        doc, "x", fingerprint.translations_for(broken, "fr"), proof=True), profile="proof")
    for msgid in [*BROKEN, CITE]:
        assert f'<span data-msg="{layout.message_key(None, msgid)}" class="pr-fallback">' in html
    assert f'<span data-msg="{layout.message_key(None, "The law")}">' in html
    data = qa.load_layout(broken, "fr", "brochure", "proof")
    key = layout.message_key(None, CITE)
    page = next(r["page"] for r in data["regions"] if r["key"] == key)
    from pressroom.review.proof import render_pages
    image = render_pages(broken.pdf_path("fr", "brochure", "proof"), 40)[page - 1]
    pixels = getattr(image, "get_flattened_data", image.getdata)()
    assert any(r > 150 and g < 90 and b > 90 for r, g, b in pixels)  # magenta on its page


@pytest.mark.e2e
def test_a_fuzzy_translation_that_cannot_print_falls_back_in_a_proof(tmp_path):
    """A proof prints fuzzy translations; one with a footnote that is no note of the
    document prints in English instead of stopping the build."""
    project = translated_project(make_project(tmp_path / "proj"))
    msgid = "Convention on the Rights of the Child, art. 37 (b)[^crc]"
    fill(project.po_path("fr"), {msgid: "Convention[^crc], art. 37 b)[^no-such-note]"})
    po = project.po_path("fr")
    po.write_text(po.read_text().replace(f'msgid "{msgid}"', f'#, fuzzy\nmsgid "{msgid}"'))
    [result] = builder.build(project, ["fr"], ["brochure"], profile="proof")
    assert result.fallbacks == 1
    text = pdf_text(result.path)
    assert "Convention on the Rights of the Child, art. 37 (b)" in text
    # its note is still printed once, at the English call
    assert text.count("Convention relative aux droits de l’enfant, 1989.") == 1


@pytest.mark.e2e
def test_the_manifest_of_a_run_within_policy_lists_its_fallbacks(tmp_path, invoke_in):
    partial = {k: v for k, v in FR.items() if k != "The law"}
    project = translated_project(make_project(tmp_path / "proj"), {"fr": partial})
    project = add_config(project, "[tool.pressroom.policy.brochure]\nmax_untranslated = 1\n")
    run = invoke_in(project.root, "build", "--lang", "fr", "--no-preflight")
    assert run.returncode == 0, run.stderr
    assert ("warning: fr: 1 string(s) incomplete or with errors will print in English "
            "(within each document's policy)") in run.stderr
    record = json.loads((project.build_dir / "fr" / "brochure.manifest.json").read_text())
    assert record["print_run"] == {
        "allow_incomplete": False, "within_policy": True,
        "fallbacks": [{"msgctxt": None, "msgid": "The law",
                       "key": layout.message_key(None, "The law"),
                       "line": f"locales/fr/LC_MESSAGES/messages.po:"
                               f"{line_of(project, 'fr', 'The law')}",
                       "why": "untranslated"}]}


@pytest.mark.e2e
def test_a_refused_document_does_not_block_the_others(tmp_path, invoke_in):
    root = both_documents(make_project(tmp_path / "proj"))
    project = translated_project(root, {"fr": FR, "es": ES})
    project = add_config(project, "[tool.pressroom.policy.brochure]\nmax_untranslated = 100\n"
                                  "[tool.pressroom.policy.standards]\nmax_untranslated = 0\n")
    run = invoke_in(project.root, "build", "--lang", "es", "--no-preflight")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert project.pdf_path("es", "brochure").exists()  # within its policy: built
    assert (project.build_dir / "es" / "brochure.manifest.json").exists()
    assert not project.pdf_path("es", "standards").exists()  # refused, by name
    assert "build/es/standards.pdf: refused, not built (strings listed above)" in run.stdout
    assert "build/es/brochure.pdf: " in run.stdout
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("error: print run refused (strings listed above): es: standards has ")
    assert "max_untranslated in [tool.pressroom.policy.standards]" in last
    assert "Not built: es standards; the other documents were built." in last
    assert "brochure has" not in last
    # the brochure's own strings are a warning, not part of the refusal
    assert "will print in English (within the policy of the documents built)" in run.stderr


@pytest.mark.e2e
def test_page_counts_are_compared_only_between_pdfs_of_the_current_inputs(tmp_path, invoke_in):
    project = translated_project(make_project(tmp_path / "proj"))
    project = add_config(project, "[tool.pressroom.policy.brochure]\nlayout = \"warning\"\n")
    long = {"Detention harms them.": " ".join(["La détention leur nuit gravement."] * 160)}
    fill(project.po_path("fr"), long)
    run = invoke_in(project.root, "build", "--lang", "en,fr")
    pages = {lang: len(PdfReader(project.pdf_path(lang, "brochure")).pages)
             for lang in ("en", "fr")}
    assert pages["fr"] > pages["en"], pages
    # both current: the difference is a problem
    assert run.returncode == 1
    assert "page counts differ across languages" in run.stderr
    # the French shortened but not rebuilt: its PDF no longer says what French prints
    fill(project.po_path("fr"), {"Detention harms them.": FR["Detention harms them."]})
    run = invoke_in(project.root, "build", "--lang", "en")
    assert run.returncode == 0, run.stderr
    assert "page counts differ" not in run.stderr
    assert (f"note: build/fr/brochure.pdf ({pages['fr']} pages) left out of the page-count "
            "comparison: built from older inputs (run `invoke build --lang fr --doc brochure`)"
            ) in run.stderr
    # rebuilt, it is compared again (and now agrees)
    run = invoke_in(project.root, "build", "--lang", "fr")
    assert run.returncode == 0, run.stderr
    assert "left out of the page-count comparison" not in run.stderr
    assert len(PdfReader(project.pdf_path("fr", "brochure")).pages) == pages["en"]


def test_stats_count_a_rejected_translation_apart_from_the_translated(broken):
    """The three strings check rejects print in English: stats does not count them
    as done (the new-user review: they were counted as translated)."""
    from pressroom.messages import stats

    rows = {(r.lang, r.part): r for r in stats.compute(broken, ["fr"])}
    fr = rows[("fr", "all")]
    assert fr.rejected == 3 and fr.words_rejected > 0
    assert fr.translated + fr.rejected + fr.fuzzy + fr.untranslated == fr.messages
    assert fr.percent < 100 and "rejected" in stats.as_table(list(rows.values()))
