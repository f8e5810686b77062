"""Layout-aware QA: where messages print, what does not fit, policy, proofs, assets."""

from __future__ import annotations

import json
import re

import pytest
from conftest import git, make_project, translated_project
from fixture_translations import FR, fill

from pressroom.errors import ConfigError
from pressroom.messages import catalogs
from pressroom.model.config import Project, load_project
from pressroom.production import builder
from pressroom.qa import gate, locate
from pressroom.qa import layout_qa as qa
from pressroom.render import document as render
from pressroom.render import engine, fingerprint, layout


def longer(table: dict, factor: float = 0.6) -> dict:
    """Each translation made ``factor`` longer with its own words (no digits or
    markup added, so that `check` finds nothing new)."""
    out = {}
    for msgid, text in table.items():
        words = [w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 2] or ["texte"]
        extra, i = [], 0
        while len(" ".join(extra)) < factor * len(text):
            extra.append(words[i % len(words)])
            i += 1
        out[msgid] = f"{text} {' '.join(extra)}"
    return out


def pixels(image):
    return getattr(image, "get_flattened_data", image.getdata)()


def line_of(project, lang, msgid):
    for message in catalogs.read_catalog(project.po_path(lang), "po", lang):
        if message.id == msgid:
            return message.lineno
    raise AssertionError(msgid)


# --------------------------------------------------------------------------- markers
def test_template_markers_become_spans_in_text_and_vanish_in_tags():
    mark = str(layout.marked("abc123", "fallback", "Contents"))
    html = (f"<html><head><title>{mark}</title></head><body><h2 data-title=\"{mark}\">"
            f"{mark}</h2></body></html>")
    out = layout.place_markers(html)
    assert "<title>Contents</title>" in out
    assert 'data-title="Contents"' in out
    assert '<h2 data-title="Contents"><span data-msg="abc123" class="pr-fallback">Contents</span>' in out
    assert layout.MARK_OPEN not in out and layout.MARK_CLOSE not in out
    # a template filter such as |upper keeps the marker working, |truncate leaves no debris
    upper = layout.place_markers(f"<body><p>{mark.upper()}</p></body>")
    assert upper == '<body><p><span data-msg="abc123" class="pr-fallback">CONTENTS</span></p></body>'
    cut = layout.place_markers(f"<body><p>{mark[:12]}</p></body>")
    assert not set(cut) & {layout.MARK_OPEN, layout.MARK_SEP, layout.MARK_CLOSE}


def test_message_keys_are_stable_and_context_sensitive():
    assert layout.message_key(None, "Contents") == layout.message_key(None, "Contents")
    assert layout.message_key("toc", "Contents") != layout.message_key(None, "Contents")
    assert re.fullmatch(r"[0-9a-f]{12}", layout.message_key(None, "x"))


def test_page_descriptions():
    assert layout.describe_pages("b.pdf", [(5, "key-figures panel")]) == "b.pdf p. 5 (key-figures panel)"
    assert layout.describe_pages("b.pdf", [(3, "text"), (4, "text")]) == "b.pdf pp. 3\u20134 (text)"
    assert layout.describe_pages("b.pdf", [(1, "cover"), (16, "back cover")]) == \
        "b.pdf pp. 1, 16 (cover, back cover)"
    # never longer than a comment line: long lists are cut
    many = [(p, f) for p in (1, 3, 5, 7, 9, 11) for f in ("key-figures panel", "footnotes",
                                                        "table cell")]
    assert layout.describe_pages("standards.pdf", many) == \
        "standards.pdf pp. 1, 3, 5, 7, 9, 11 (key-figures panel, footnotes, …)"
    many = [(p, f) for p in range(1, 40, 2) for f in ("key-figures panel", "footnotes")]
    assert layout.describe_pages("standards.pdf", many) == \
        "standards.pdf pp. 1, 3, 5, 7, … (key-figures panel, footnotes)"
    assert all(len(layout.describe_pages("standards.pdf", [(p, f"frame number {p}")
                                                           for p in range(1, n, 3)])) <= 76
               for n in range(2, 60))


# --------------------------------------------------------------------------- analysis
def _analyse(body: str, css: str = "") -> dict:
    html = (f"<html><head><style>@page {{ size: 100mm 80mm; margin: 10mm }} "
            f"body {{ font: 10pt/1.2 serif; margin: 0 }} {css}</style></head>"
            f"<body>{body}</body></html>")
    return layout.analyse(engine.render(html))


def test_text_over_a_fixed_frame_is_attributed_to_its_message():
    body = ('<div data-frame="key-figures panel" style="height: 8mm">'
            '<span data-msg="aaaaaaaaaaaa">one two three four five six seven eight nine ten '
            'eleven twelve thirteen fourteen fifteen sixteen</span></div>'
            '<p><span data-msg="bbbbbbbbbbbb">Fits.</span></p>')
    found = _analyse(body)
    overflow = [i for i in found["issues"] if i["kind"] == "overflow"]
    assert [(i["key"], i["frame"], i["page"]) for i in overflow] == \
        [("aaaaaaaaaaaa", "key-figures panel", 1)]
    assert 1 < overflow[0]["by_mm"] < 10
    frames = {r["key"]: r["frame"] for r in found["regions"]}
    assert frames == {"aaaaaaaaaaaa": "key-figures panel", "bbbbbbbbbbbb": "text"}


def test_heading_alone_at_the_foot_of_a_page():
    # the text area is 60 mm high: a 54 mm block, then a heading of one line,
    # then a paragraph whose first lines no longer fit on the page
    body = ('<div style="height: 54mm"></div><h2 style="break-after: auto">'
            '<span data-msg="cccccccccccc">Heading</span></h2><p>' + "More text. " * 30 + "</p>")
    css = "h2 { margin: 0; font-size: 10pt; line-height: 1.2 } p { margin: 0 }"
    issues = _analyse(body, css)["issues"]
    assert [(i["kind"], i["key"], i["page"]) for i in issues] == \
        [("heading-at-foot", "cccccccccccc", 1)]
    # with the usual `break-after: avoid`, the heading moves with its text
    issues = _analyse(body.replace("break-after: auto", "break-after: avoid"), css)["issues"]
    assert issues == []


def test_a_justified_line_broken_too_early_is_reported():
    # an unbreakable box (75 of the 80 mm) that does not fit after "Short" leaves
    # it alone on its line
    body = ('<p style="text-align: justify"><span data-msg="dddddddddddd">Short <span '
            'style="display: inline-block; width: 75mm">box</span> and then a long run of '
            'words that fills several lines of text, and more</span></p>')
    issues = _analyse(body)["issues"]
    assert [(i["kind"], i["key"], i["text"].strip()) for i in issues] == \
        [("short-line", "dddddddddddd", "Short")]
    # a line the author ends with <br> is not a fault
    forced = ('<p style="text-align: justify"><span data-msg="dddddddddddd">Short<br>'
              + "and then a long run of words that fills several lines of text " * 3
              + "</span></p>")
    assert _analyse(forced)["issues"] == []


def test_overflow_on_the_left_of_right_to_left_text():
    word = "\u0645" * 80  # one long Arabic word, set right to left
    body = (f'<div data-frame="table cell" dir="rtl" style="width: 20mm">'
            f'<span data-msg="eeeeeeeeeeee">{word}</span></div>')
    issues = _analyse(body)["issues"]
    assert ("eeeeeeeeeeee", "table cell") in {(i["key"], i["frame"]) for i in issues}


# --------------------------------------------------------------------------- real builds
@pytest.fixture
def french(tmp_path):
    return translated_project(make_project(tmp_path / "proj"))


@pytest.mark.e2e
def test_every_printed_message_is_located(french_built):
    french = french_built  # built in English and French (conftest), read only
    data = qa.load_layout(french, "fr", "brochure")
    located = {r["key"] for r in data["regions"]}
    # the short title is the running head of left-hand text pages, and this
    # 4-page booklet has none (cover, imprint, one text page, back cover)
    # and the screen reader's words (link descriptions, the chart's /Alt) are on no page
    unseen = ("Note {number}", "Back to the call of note {number}", "Section {number}: {title}",
              "Bar chart: {title}.", "{label}: {figure}.")
    assert set(data["strings"]) - located == {layout.message_key(None, "Fixture"),
                                              *(layout.message_key(None, m) for m in unseen)}
    assert layout.message_key(None, "The numbers") in located
    frames = layout.page_summary(data["regions"])
    stat = layout.message_key(None, "children detained each year")
    assert frames[stat][0][1] == "key-figures panel"
    assert frames[layout.message_key("standards", "In short")][0][1] == "callout"
    assert frames[layout.message_key(None, "Contents")][0][1] == "contents"
    assert data["issues"] == []


@pytest.mark.e2e
def test_locations_are_written_into_the_catalogue_without_churn(french_built_copy):
    french = french_built_copy  # built in English and French
    po = french.po_path("fr")
    [result] = locate.locate(french, ["fr"])
    assert result.changed and result.documents == ["brochure"]
    text = po.read_text(encoding="utf-8")
    block = text[: text.index('msgid "children detained each year"')].rsplit("\n\n", 1)[1]
    assert re.search(r"^#\. brochure\.pdf p\. \d+ \(key-figures panel\)$", block, re.M)
    assert locate.locate(french, ["fr"])[0].changed is False  # nothing moved
    # `update` keeps them through the merge, and writes nothing new
    assert catalogs.update(french, ["fr"])[0].changed is False
    # without a build (a fresh clone), update keeps what the catalogue says
    for path in (french.build_dir / "fr").glob("*.layout.json"):
        path.unlink()
    assert catalogs.update(french, ["fr"])[0].changed is False
    assert po.read_text(encoding="utf-8") == text


@pytest.mark.e2e
def test_check_layout_names_the_messages_of_a_translation_60_percent_longer(tmp_path, invoke_in):
    root = make_project(tmp_path / "proj")
    # the fixture's key-figure labels are short: larger labels in a frame that
    # holds two lines of them in this copy of the layouts, and a page limit
    tokens = root / "layouts" / "tokens.css"
    text = re.sub(r"--stat-height: [\d.]+mm", "--stat-height: 20mm", tokens.read_text())
    tokens.write_text(re.sub(r"--size-small: [\d.]+pt", "--size-small: 10pt", text))
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.pressroom.policy.brochure]\nmax_pages = 4\n")
    project = translated_project(root, {"fr": longer(FR)})
    run = invoke_in(root, "check", "--layout", "--lang", "en,fr")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    errors = run.stderr.splitlines()
    label = "of detained teenagers showed severe depression"
    line = line_of(project, "fr", label)
    assert any(re.fullmatch(rf"locales/fr/LC_MESSAGES/messages.po:{line}: overflows the "
                            r"key-figures panel on brochure p\. \d by \d+\.\d mm", e)
               for e in errors), run.stderr
    assert not any(e.startswith(("content/", "locales/en", "build/")) for e in errors)
    # the print run is refused by the same findings (--allow-incomplete lets the
    # over-long cover string through the translation gate, not through this one)
    run = invoke_in(root, "build", "--lang", "fr", "--no-preflight", "--allow-incomplete")
    assert run.returncode == 1 and "layout problem(s)" in run.stderr.splitlines()[-1]

    # three times longer, the booklet outgrows its 4 pages: the messages that
    # take the most room compared with the English are named
    fill(project.po_path("fr"), longer(FR, 2.0))
    run = invoke_in(root, "check", "--layout", "--lang", "fr")
    grew = [e for e in run.stderr.splitlines() if "over its limit of 4" in e]
    assert 1 <= len(grew) <= qa.GROWTH_LISTED, run.stderr
    assert all(re.match(r"locales/fr/LC_MESSAGES/messages.po:\d+: brochure runs to "
                        r"\d+ pages, over its limit of 4 \(max_pages in "
                        r"\[tool.pressroom.policy.brochure\]\): this message takes "
                        r"\d+\.\d mm more than the en text \(p\. \d+\)$", e)
               for e in grew), grew


@pytest.mark.e2e
def test_real_publications_pass_the_layout_check_in_the_repo_layouts(french_built):
    """The fixture at its normal length passes: no false alarms in the real layouts."""
    french = french_built  # built in English and French (conftest), read only
    assert qa.findings(french, ["en", "fr"], ["brochure"]) == []


# --------------------------------------------------------------------------- policy
def with_policy(project, text):
    pyproject = project.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n" + text)
    return load_project(project.root)


def test_policy_allows_some_english_in_one_document_only(tmp_path):
    root = make_project(tmp_path / "proj")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('documents = ["brochure"]',
                                                       'documents = ["brochure", "standards"]'))
    partial = {k: v for k, v in FR.items() if k not in ("The law", "In short")}
    project = translated_project(root, {"fr": partial})
    project = with_policy(project, "[tool.pressroom.policy.brochure]\nmax_untranslated = 2\n"
                                   "[tool.pressroom.policy.standards]\nmax_untranslated = 0\n")
    verdict = gate.evaluate(project, "fr", ["brochure"])
    assert verdict.refusals == [] and len(verdict.blockers) == 2
    project = with_policy(project, "")
    verdict = gate.evaluate(project, "fr", ["brochure", "standards"])
    assert verdict.refused_docs == {"standards"}
    assert any(r.startswith("standards has") and "max_untranslated in "
               "[tool.pressroom.policy.standards]" in r for r in verdict.refusals)


def test_a_string_of_one_documents_template_does_not_block_another(tmp_path):
    root = make_project(tmp_path / "proj")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('documents = ["brochure"]',
                                                       'documents = ["brochure", "standards"]'))
    partial = {k: v for k, v in FR.items() if k != "Advocacy Brochure"}  # brochure's cover
    project = translated_project(root, {"fr": partial})
    def blocking(doc):
        return [b.reason for b in gate.evaluate(project, "fr", [doc]).blockers]

    assert 'untranslated: "Advocacy Brochure"' in blocking("brochure")
    assert 'untranslated: "Advocacy Brochure"' not in blocking("standards")
    # a string of the shared layouts concerns every document
    assert 'untranslated: "Contents"' not in blocking("standards")  # translated in FR
    fill(project.po_path("fr"), {"Contents": ""})
    assert 'untranslated: "Contents"' in blocking("standards")


def test_fuzzy_entries_have_their_own_rule(french):
    po = french.po_path("fr")
    po.write_text(po.read_text().replace('msgid "The law"', '#, fuzzy\nmsgid "The law"'))
    project = with_policy(french, "[tool.pressroom.policy.brochure]\nmax_untranslated = 5\n")
    [refusal] = gate.evaluate(project, "fr", ["brochure"]).refusals
    assert refusal == ("brochure has 1 fuzzy string(s) and its policy allows 0 "
                       "(max_fuzzy in [tool.pressroom.policy.brochure])")


@pytest.mark.parametrize("rule", ["max_untranslated = -1", "max_fuzzy = \"all\"",
                                  "layout = \"maybe\"", "max_words = 3"])
def test_a_bad_policy_is_a_clear_configuration_error(french, rule):
    # checked when the project is loaded; the message names the key, dotted
    key = rule.split()[0]
    with pytest.raises(ConfigError, match=rf"^pyproject\.toml:\d+: tool\.pressroom\.policy\.brochure\.{key}: "):
        with_policy(french, f"[tool.pressroom.policy.brochure]\n{rule}\n")


# --------------------------------------------------------------------------- proof profile
@pytest.mark.e2e
def test_proof_profile_colours_fallbacks_and_prints_fuzzy_translations(french):
    po = french.po_path("fr")
    text = po.read_text().replace('msgid "The law"', '#, fuzzy\nmsgid "The law"')
    po.write_text(text)
    fill(po, {"In short": ""})
    [result] = builder.build(french, ["fr"], ["brochure"], profile="proof")
    assert result.path.name == "brochure.proof.pdf"
    from pypdf import PdfReader
    pdf_text = "".join(p.extract_text() for p in PdfReader(result.path).pages)
    assert "Le droit" in pdf_text  # the fuzzy translation, shown for review
    assert "In short" in pdf_text  # the English fallback
    assert "PROOF" in pdf_text  # the legend
    data = qa.load_layout(french, "fr", "brochure", "proof")
    html = render.render_html(french, load_doc(french), render.Localizer(
        load_doc(french), "x", fingerprint.translations_for(french, "fr"), proof=True))
    key = layout.message_key("standards", "In short")
    assert f'<span data-msg="{key}" class="pr-fallback">' in html
    assert f'<span data-msg="{layout.message_key(None, "The law")}" class="pr-fuzzy">' in html
    # the page where the fallback prints has its magenta
    page = next(r["page"] for r in data["regions"] if r["key"] == key)
    from pressroom.review.proof import render_pages
    image = render_pages(result.path, 40)[page - 1]
    assert any(r > 150 and g < 90 and b > 90 for r, g, b in pixels(image))
    # editing the fuzzy translation rebuilds the proof (it prints it)
    po.write_text(po.read_text().replace('msgstr "Le droit"', 'msgstr "Le droit revu"'))
    [again] = builder.build(french, ["fr"], ["brochure"], profile="proof")
    assert not again.skipped
    assert "Le droit revu" in "".join(p.extract_text() for p in PdfReader(again.path).pages)
    # a print run never shows fuzzy text: it prints the English
    [printed] = builder.build(french, ["fr"], ["brochure"])
    assert "Le droit" not in "".join(p.extract_text() for p in PdfReader(printed.path).pages)


def load_doc(project):
    from pressroom.model.content import load_document
    return load_document(project.content_path("brochure"), "content/brochure.yaml")


# --------------------------------------------------------------------------- assets
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200">'
       '<rect width="400" height="200" fill="{}"/></svg>')


@pytest.mark.e2e
def test_a_language_variant_of_an_image_is_picked_and_rebuilds(french):
    images = french.content_dir / "images"
    images.mkdir()
    (images / "map.svg").write_text(SVG.format("#0000ff"))
    (images / "map.fr.svg").write_text(SVG.format("#ff0000"))
    content = french.content_path("brochure")
    content.write_text(content.read_text().replace(
        "      - list:\n", "      - figure: {src: images/map.svg, alt: A map}\n      - list:\n", 1))
    doc = load_doc(french)
    for lang, src in (("fr", "images/map.fr.svg"), ("en", "images/map.svg"),
                      ("es", "images/map.svg")):
        loc = render.Localizer(doc, "x", fingerprint.translations_for(french, lang),
                               source=lang == "en", assets=french.content_dir)
        assert f'src="../content/{src}"' in render.render_html(french, doc, loc)
    results = builder.build(french, ["en", "fr"], ["brochure"])
    from pressroom.review.proof import render_pages
    colours = {}
    for r in results:
        found = [p for img in render_pages(r.path, 30) for p in pixels(img)]
        colours[r.lang] = (any(p[0] > 200 and p[1] < 60 and p[2] < 60 for p in found),
                           any(p[2] > 200 and p[0] < 60 and p[1] < 60 for p in found))
    assert colours["fr"][0] and colours["en"][1] and not colours["en"][0]
    # editing the French variant rebuilds the French PDF only
    (images / "map.fr.svg").write_text(SVG.format("#00aa00"))
    rebuilt = builder.build(french, ["en", "fr"], ["brochure"])
    assert [(r.lang, r.skipped) for r in rebuilt] == [("en", True), ("fr", False)]


# --------------------------------------------------------------------------- manifest
@pytest.mark.e2e
def test_manifest_records_the_inputs_and_verify_rebuilds_the_same_pdf(french_built_copy,
                                                                      invoke_in):
    french = french_built_copy  # built: the build below writes the manifest, commit included
    (french.root / ".gitignore").write_text("build/\n")
    git(french.root, "init", "-q")
    git(french.root, "add", "-A")
    git(french.root, "commit", "-qm", "fixture")
    run = invoke_in(french.root, "build", "--lang", "fr")
    assert run.returncode == 0, run.stderr
    path = french.build_dir / "fr" / "brochure.manifest.json"
    data = json.loads(path.read_text())
    import hashlib
    pdf = french.pdf_path("fr", "brochure")
    assert data["pdf"]["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert data["pdf"]["variant"] == "PDF/X-4" and data["pdf"]["output_intent"]["profile"]
    assert data["git"]["uncommitted_changes"] == [] and len(data["git"]["commit"]) == 40
    assert set(data["inputs"]) >= {"content", "catalogues", "templates", "stylesheets",
                                   "fonts", "output profile"}
    assert "layouts/fonts/SourceSerif4-Regular.ttf" in data["inputs"]["fonts"]
    assert data["translation"]["brochure"]["untranslated"] == 0
    assert data["versions"]["weasyprint"]
    run = invoke_in(french.root, "verify", "--lang", "fr")
    assert run.returncode == 0, run.stderr
    assert "build/fr/brochure.pdf: verified; rebuilt from commit" in run.stdout
    # a PDF that does not match its manifest is not verified
    data["pdf"]["sha256"] = "0" * 64
    path.write_text(json.dumps(data))
    run = invoke_in(french.root, "verify", "--lang", "fr")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "NOT verified" in run.stderr and "was changed after the build" in run.stderr
    # a build from uncommitted changes cannot be verified, and says why
    fill(french.po_path("fr"), {"The law": "Le droit international"})
    assert invoke_in(french.root, "build", "--lang", "fr").returncode == 0
    run = invoke_in(french.root, "verify", "--lang", "fr")
    assert run.returncode == 1
    assert "built from uncommitted changes (locales/fr/LC_MESSAGES/messages.po)" in run.stderr
    # a manifest whose commit is not a commit id: one line, no traceback
    data = json.loads(path.read_text())
    data["git"] = {"commit": "--output=/tmp/x", "uncommitted_changes": []}
    path.write_text(json.dumps(data))
    run = invoke_in(french.root, "verify", "--lang", "fr")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "is not a git commit id" in run.stderr


@pytest.mark.e2e
def test_a_missing_layout_file_makes_the_pdf_rebuild(french_built_copy):
    french = french_built_copy  # built in English and French
    Project.layout_path(french.pdf_path("fr", "brochure")).unlink()
    [again] = builder.build(french, ["fr"], ["brochure"])
    assert not again.skipped and qa.load_layout(french, "fr", "brochure") is not None
