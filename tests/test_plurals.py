"""Plural entries end to end (issue 13): ``{% trans count=… %}…{% pluralize %}`` in a
layout is extracted with msgid_plural, merged, rendered with each catalogue's own
Plural-Forms (msgstr[n], never ``n == 1``), counted by ``stats``, checked form by
form by ``check`` and refused by the print gate when a form is empty. French and
Spanish (two forms, different rules), Chinese (one) and Arabic (six)."""

from __future__ import annotations

import re
import unicodedata

import pytest
from conftest import make_project
from fixture_translations import FR, fill
from pypdf import PdfReader

from pressroom.errors import CatalogError
from pressroom.messages import catalogs, check, extract, plurals, pofile, stats
from pressroom.messages.catalogs import Translations, load_translations
from pressroom.messages.pseudo import pseudo_translations
from pressroom.model.config import load_project
from pressroom.model.content import load_document
from pressroom.production import builder
from pressroom.qa import gate, locate
from pressroom.qa import layout_qa as qa
from pressroom.render import layout
from pressroom.render.document import Localizer, make_environment, render_html
from pressroom.review import screenshots

SINGULAR, PLURAL = "%(count)s page", "%(count)s pages"
COUNTS = (0, 1, 2, 3, 11, 100)  # one number for each of Arabic's six forms
# The imprint of the fixture brochure gains a line that prints the plural for each count.
PLURAL_LINE = ('<p class="plural-check">{% for n in ' + str(list(COUNTS)) + ' %}'
               '{% trans count=n %}{{ count }} page{% pluralize %}{{ count }} pages'
               '{% endtrans %}; {% endfor %}</p>\n')
PYPROJECT = """\
[tool.pressroom]
source_language = "en"
languages = ["en", "es", "fr", "zh", "ar"]
release_languages = ["es", "fr", "zh", "ar"]
documents = ["brochure"]
project = "Fixture"

[tool.pressroom.page_multiple]
brochure = 4
"""
FORMS = {
    "fr": ("%(count)s page", "%(count)s pages"),        # n > 1: 0 and 1 take msgstr[0]
    "es": ("%(count)s página", "%(count)s páginas"),    # n != 1
    "zh": ("%(count)s 页",),                            # one form for every n
    "ar": ("لا صفحات", "صفحة واحدة", "صفحتان",           # 0, 1, 2: the number is left out
           "%(count)s صفحات", "%(count)s صفحةً", "%(count)s صفحة"),  # 3–10, 11–99, 100+
}
LANGS = ("en", "es", "fr", "zh", "ar")


def set_plural(project, lang, strings, flags=()):
    """Write msgstr[0..n-1] of the plural entry, through pressroom's reader and writer."""
    path = project.po_path(lang)
    catalog = pofile.parse(path.read_bytes(), str(path))
    [message] = [m for m in catalog if isinstance(m.id, tuple)]
    message.string = tuple(strings)
    message.flags = (message.flags - {"fuzzy"}) | set(flags)
    path.write_bytes(pofile.dumps(catalog))


def form_line(project, lang, index):
    text = project.po_path(lang).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(text, 1) if line.startswith(f"msgstr[{index}]"))


@pytest.fixture
def plural_project(tmp_path):
    root = make_project(tmp_path / "proj")
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    document = root / "layouts" / "brochure" / "document.html"
    html = document.read_text(encoding="utf-8")
    anchor = "    {{ c.imprint_lines(doc) }}\n"
    assert anchor in html
    document.write_text(html.replace(anchor, anchor + "    " + PLURAL_LINE, 1),
                        encoding="utf-8")
    project = load_project(root)
    extract.extract(project)
    catalogs.update(project, list(LANGS))
    fill(project.po_path("fr"), FR)
    for lang, strings in FORMS.items():
        set_plural(project, lang, strings)
    return project


def printed(project, lang, tx=None, proof=False):
    """The plural line of the brochure as the renderer's HTML has it, one text per count."""
    doc = load_document(project.content_path("brochure"), "content/brochure.yaml")
    tx = tx or load_translations(project, lang)
    loc = Localizer(doc, "content/brochure.yaml", tx, source=lang == project.source_language,
                    proof=proof)
    html = render_html(project, doc, loc)
    line = re.search(r'<p class="plural-check">(.*?)</p>', html, re.S).group(1)
    texts = [t.strip() for t in re.sub(r"<[^>]+>", "", line).split(";")]
    return dict(zip(COUNTS, texts, strict=False)), html  # texts end with an empty one


# --------------------------------------------------------------------------- extract, merge
def test_extracted_with_msgid_plural_and_merged_with_each_languages_forms(plural_project):
    template = plural_project.pot_path.read_text(encoding="utf-8")
    assert f'msgid "{SINGULAR}"\nmsgid_plural "{PLURAL}"\nmsgstr[0] ""\nmsgstr[1] ""' in template
    for lang, count in (("fr", 2), ("es", 2), ("zh", 1), ("ar", 6)):
        catalog = pofile.parse(plural_project.po_path(lang).read_bytes(), lang)
        assert catalog.plural_rule[0] == count
        [message] = [m for m in catalog if isinstance(m.id, tuple)]
        assert message.id == (SINGULAR, PLURAL)
        assert message.string == FORMS[lang]
        assert len(message.form_lines) == count


# --------------------------------------------------------------------------- render
def test_each_language_prints_the_form_its_rule_picks(plural_project):
    assert printed(plural_project, "fr")[0] == {
        0: "0 page", 1: "1 page", 2: "2 pages", 3: "3 pages", 11: "11 pages", 100: "100 pages"}
    assert printed(plural_project, "es")[0] == {
        0: "0 páginas", 1: "1 página", 2: "2 páginas", 3: "3 páginas", 11: "11 páginas",
        100: "100 páginas"}
    assert printed(plural_project, "zh")[0] == {n: f"{n} 页" for n in COUNTS}
    ar = printed(plural_project, "ar")[0]
    assert ar == {0: FORMS["ar"][0], 1: FORMS["ar"][1], 2: FORMS["ar"][2],
                  3: "3 صفحات", 11: "11 صفحةً", 100: "100 صفحة"}


def test_ngettext_and_npgettext_calls_in_a_template(plural_project):
    """``ngettext``/``npgettext`` written as calls, with Jinja's ``%(num)d``."""
    notes = ("%(num)d note", "%(num)d notes")
    tx = Translations("ar", {}, lines={(None, notes[0]): 7, ("map", notes[0]): 9},
                      plural_table={(None, notes[0]): tuple(f"[{i}] %(num)d" for i in range(6)),
                                    ("map", notes[0]): ("%(num)d ملاحظات",) * 6},
                      plural_forms=plurals.PLURAL_FORMS["ar"])
    doc = load_document(plural_project.content_path("brochure"), "content/brochure.yaml")
    env = make_environment(plural_project, Localizer(doc, "content/brochure.yaml", tx))
    template = env.from_string('{% for n in counts %}{{ ngettext("%(num)d note", '
                               '"%(num)d notes", n) }};{% endfor %}'
                               '{{ npgettext("map", "%(num)d note", "%(num)d notes", 4) }}')
    shown = layout.strip_markers(template.render(counts=COUNTS)).split(";")
    assert shown == ["[0] 0", "[1] 1", "[2] 2", "[3] 3", "[4] 11", "[5] 100", "4 ملاحظات"]


def test_english_and_untranslated_plurals_follow_englishs_rule(plural_project):
    english = {n: f"{n} page" if n == 1 else f"{n} pages" for n in COUNTS}
    assert printed(plural_project, "en")[0] == english
    set_plural(plural_project, "ar", (*FORMS["ar"][:5], ""))  # one form empty: untranslated
    tx = load_translations(plural_project, "ar")
    shown, html = printed(plural_project, "ar", tx)
    assert shown == english
    assert (None, SINGULAR) in tx.fallbacks
    assert 'class="pr-fallback"' in html.split('class="plural-check"')[1].split("</p>")[0]


def test_fuzzy_plurals_print_english_except_in_a_proof(plural_project):
    set_plural(plural_project, "fr", FORMS["fr"], flags={"fuzzy"})
    assert printed(plural_project, "fr")[0][0] == "0 pages"  # English: fuzzy is not printed
    shown, html = printed(plural_project, "fr", proof=True)
    assert shown[0] == "0 page" and shown[2] == "2 pages"  # French's rule, marked fuzzy
    assert 'class="pr-fuzzy"' in html


def test_the_translators_plural_forms_are_used(plural_project):
    """A catalogue's own Plural-Forms (here a translator's three forms) rules, not a table."""
    path = plural_project.po_path("fr")
    own = "nplurals=3; plural=(n==0 ? 0 : n==1 ? 1 : 2);"
    path.write_text(path.read_text(encoding="utf-8").replace(plurals.PLURAL_FORMS["fr"], own),
                    encoding="utf-8")
    set_plural(plural_project, "fr", ("aucune page", "une page", "%(count)s pages"))
    shown = printed(plural_project, "fr")[0]
    assert (shown[0], shown[1], shown[2]) == ("aucune page", "une page", "2 pages")


def test_pseudo_locale_keeps_placeholders_and_picks_englishs_form(plural_project):
    shown = printed(plural_project, "qps", pseudo_translations("qps"))[0]
    assert shown[1].startswith("[!1 páágé") and "páágés" not in shown[1]  # "1 page"
    assert shown[2].startswith("[!2 páágés") and shown[0].startswith("[!0 páágés")


def test_a_form_with_a_placeholder_the_english_lacks_stops_the_render_at_its_line(
        plural_project):
    set_plural(plural_project, "es", ("%(count)s página", "%(cuenta)s páginas"))
    with pytest.raises(CatalogError) as caught:
        printed(plural_project, "es")
    line = form_line(plural_project, "es", 1)
    assert str(caught.value) == (f"locales/es/LC_MESSAGES/messages.po:{line}: msgstr[1]: "
                                 "placeholder %(cuenta)s is not in the English")


def test_screenshots_list_every_form_of_a_plural(plural_project):
    text = screenshots._texts(plural_project, "ar")
    assert text(None, SINGULAR) == (
        "\n".join(f"msgstr[{i}]: {form}" for i, form in enumerate(FORMS["ar"])), "translated")
    set_plural(plural_project, "zh", ("",))
    assert screenshots._texts(plural_project, "zh")(None, SINGULAR) == (None, "untranslated")


# --------------------------------------------------------------------------- stats
def _layouts_row(project, lang):
    return next(r for r in stats.compute(project, [lang]) if r.part == "layouts")


def test_stats_count_a_plural_translated_only_when_every_form_is(plural_project):
    for lang in ("fr", "es", "zh", "ar"):
        before = _layouts_row(plural_project, lang)
        set_plural(plural_project, lang, (*FORMS[lang][:-1], ""))
        after = _layouts_row(plural_project, lang)
        assert (after.translated, after.untranslated) == \
            (before.translated - 1, before.untranslated + 1), lang
        assert after.words_untranslated == before.words_untranslated + 1  # "%(count)s page"
    catalogs.update(plural_project, ["ar"])  # padding to nplurals keeps the state
    assert _layouts_row(plural_project, "ar").untranslated == after.untranslated


def test_forms_missing_from_the_file_are_untranslated_and_update_restores_them(plural_project):
    counts = {r.lang: r.untranslated for r in catalogs.update(plural_project, ["zh", "ar"])}
    path = plural_project.po_path("ar")
    text = path.read_text(encoding="utf-8")
    kept = [line for line in text.splitlines(keepends=True)
            if not line.startswith(("msgstr[3]", "msgstr[4]", "msgstr[5]"))]
    path.write_text("".join(kept), encoding="utf-8")  # an editor that knew 3 forms
    row = _layouts_row(plural_project, "ar")
    assert (row.translated, row.untranslated) == (0, 15)  # the layouts' 14 strings and the plural
    assert [b.kind for b in gate.blockers(plural_project, "ar", ["brochure"])
            if b.reason.endswith(f'"{SINGULAR}"')] == [gate.UNTRANSLATED]
    assert any("untranslated: msgstr[3], msgstr[4], msgstr[5] empty" in f
               for f in findings(plural_project, "ar"))
    after = {r.lang: r.untranslated for r in catalogs.update(plural_project, ["zh", "ar"])}
    assert after == {"zh": counts["zh"], "ar": counts["ar"] + 1}
    assert path.read_text(encoding="utf-8").count('msgstr[5] ""') == 1  # padded back


# --------------------------------------------------------------------------- check
def findings(project, lang):
    return [str(f) for f in check.check(project, [lang])]


def test_check_passes_complete_plurals_in_every_language(plural_project):
    for lang in ("fr", "es", "zh", "ar"):
        assert [f for f in findings(plural_project, lang)
                if "msgstr[" in f and "warning" not in f] == [], lang


def test_check_reports_a_missing_placeholder_at_the_line_of_its_form(plural_project):
    forms = list(FORMS["ar"])
    forms[3] = "صفحات"  # 3–10 pages without the number
    set_plural(plural_project, "ar", forms)
    path = "locales/ar/LC_MESSAGES/messages.po"
    line = form_line(plural_project, "ar", 3)
    assert [f for f in findings(plural_project, "ar") if "untranslated" not in f] == [
        f"{path}:{line}: msgstr[3]: placeholder %(count)s of the English is missing"]


def test_check_placeholders_and_percent_signs_of_every_form(plural_project):
    set_plural(plural_project, "es", ("%(count)s página", "%(n)s páginas al 50 %"))
    line = form_line(plural_project, "es", 1)
    out = [f for f in findings(plural_project, "es") if "msgstr[" in f]
    path = "locales/es/LC_MESSAGES/messages.po"
    assert out == [f"{path}:{line}: msgstr[1]: placeholder %(n)s is not in the English",
                   f"{path}:{line}: msgstr[1]: placeholder %(count)s of the English is missing",
                   f"{path}:{line}: msgstr[1]: a lone '%' (write %% for a percent sign)"]
    set_plural(plural_project, "es", ("{{ count }} página", "%(count)s páginas"))
    assert (f"{path}:{form_line(plural_project, 'es', 0)}: msgstr[0]: placeholder "
            "{{ count }} is not in the English") in findings(plural_project, "es")
    # Chinese's one form stands for every number: it must keep it.
    set_plural(plural_project, "zh", ("页",))
    assert (f"locales/zh/LC_MESSAGES/messages.po:{form_line(plural_project, 'zh', 0)}: "
            "msgstr[0]: placeholder %(count)s of the English is missing") in \
        findings(plural_project, "zh")
    # French msgstr[0] stands for 0 and 1: it must keep the number, unlike Arabic's n == 1.
    set_plural(plural_project, "fr", ("une page", "%(count)s pages"))
    assert (f"locales/fr/LC_MESSAGES/messages.po:{form_line(plural_project, 'fr', 0)}: "
            "msgstr[0]: placeholder %(count)s of the English is missing") in \
        findings(plural_project, "fr")


def test_check_lists_empty_forms_as_untranslated(plural_project):
    set_plural(plural_project, "ar", (*FORMS["ar"][:1], "", *FORMS["ar"][2:4], "", ""))
    line = form_line(plural_project, "ar", 1)
    assert (f"locales/ar/LC_MESSAGES/messages.po:{line}: warning: untranslated: msgstr[1], "
            "msgstr[4], msgstr[5] empty") in findings(plural_project, "ar")


# --------------------------------------------------------------------------- gate
def test_the_gate_refuses_an_empty_msgstr_1(plural_project):
    assert not [b for b in gate.blockers(plural_project, "es", ["brochure"])
                if "page" in b.reason or "msgstr" in b.reason]
    set_plural(plural_project, "es", ("%(count)s página", ""))
    verdict = gate.evaluate(plural_project, "es", ["brochure"])
    line = form_line(plural_project, "es", 1)
    plural_blockers = [str(b) for b in verdict.blockers if "msgstr" in b.reason]
    assert plural_blockers == [(f'locales/es/LC_MESSAGES/messages.po:{line}: untranslated: '
                               f'msgstr[1] empty: "{SINGULAR}"')]
    assert any(b.kind == gate.UNTRANSLATED for b in verdict.blockers
               if "msgstr[1]" in b.reason)
    assert verdict.refused_docs == {"brochure"}


def test_the_gate_refuses_a_check_error_in_one_form(plural_project):
    forms = list(FORMS["ar"])
    forms[4] = "%(count)s صفحةً %(total)s"
    set_plural(plural_project, "ar", forms)
    errors = [str(b) for b in gate.blockers(plural_project, "ar", ["brochure"])
              if b.kind == gate.CHECK_ERROR]
    line = form_line(plural_project, "ar", 4)
    assert errors == [(f"locales/ar/LC_MESSAGES/messages.po:{line}: msgstr[4]: placeholder "
                      "%(total)s is not in the English")]


def test_a_malformed_plural_forms_header_is_one_line_at_its_line(plural_project):
    path = plural_project.po_path("zh")
    text = path.read_text(encoding="utf-8").replace("nplurals=1; plural=0;", "nplurals=one;")
    path.write_text(text, encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith('"Plural-Forms'))
    for run in (lambda: load_translations(plural_project, "zh"),
                lambda: check.check(plural_project, ["zh"]),
                lambda: stats.compute(plural_project, ["zh"]),
                lambda: catalogs.update(plural_project, ["ar", "zh"])):
        with pytest.raises(CatalogError) as caught:
            run()
        assert str(caught.value).startswith(f"locales/zh/LC_MESSAGES/messages.po:{line}: "
                                            "malformed Plural-Forms")
    assert path.read_text(encoding="utf-8") == text  # update wrote nothing


def test_a_malformed_plural_forms_header_without_plural_entries_is_left_alone(project):
    """Only plural entries need the header: a catalogue without any goes through update
    unchanged, header as the translator wrote it."""
    extract.extract(project)
    catalogs.update(project, ["en", "es", "fr"])
    path = project.po_path("fr")
    text = path.read_text(encoding="utf-8").replace(plurals.PLURAL_FORMS["fr"], "nplurals=two;")
    path.write_text(text, encoding="utf-8")
    [result] = catalogs.update(project, ["fr"])
    assert not result.changed and path.read_text(encoding="utf-8") == text
    assert load_translations(project, "fr").plural_table == {}


# --------------------------------------------------------------------------- PDF
@pytest.mark.e2e
def test_arabic_pdf_prints_msgstr_2_for_two_and_rebuilds_when_a_form_changes(plural_project):
    [result] = builder.build(plural_project, ["ar"], ["brochure"], jobs=1)
    assert result.fallbacks > 0  # the content is not translated; the plural is
    text = unicodedata.normalize("NFKC", "\n".join(
        page.extract_text() or "" for page in PdfReader(result.path).pages))
    [line] = [line for line in text.splitlines() if FORMS["ar"][2] in line]
    parts = [part.strip() for part in line.split(";") if part.strip()]
    assert parts[:3] == [FORMS["ar"][0], FORMS["ar"][1], FORMS["ar"][2]]  # n = 2: msgstr[2]
    # the line is set right to left (Arabic): the number may come out of the PDF's
    # text on either side of its word
    for part, (n, word) in zip(parts[3:], [(3, "صفحات"), (11, "صفحةً"), (100, "صفحة")],
                               strict=True):
        assert "".join(part.split()) in (f"{n}{word}", f"{word}{n}"), part
    assert "pages" not in text
    # Where it is printed: check --layout's lines and locate's comments find the entry.
    key = layout.message_key(None, SINGULAR)
    line = form_line(plural_project, "ar", 0)
    assert qa.message_lines(plural_project, "ar", ["brochure"])[key] == (
        "locales/ar/LC_MESSAGES/messages.po", line)
    locate.locate(plural_project, ["ar"])
    po = plural_project.po_path("ar").read_text(encoding="utf-8")
    entry = po[: po.index(f'msgid "{SINGULAR}"')].rsplit("\n\n", 1)[1]
    assert re.search(r"^#\. brochure\.pdf p\. \d+", entry, re.M), entry
    forms = list(FORMS["ar"])
    forms[2] = "صفحتان اثنتان"
    set_plural(plural_project, "ar", forms)
    [again] = builder.build(plural_project, ["ar"], ["brochure"], jobs=1)
    assert not again.skipped  # a changed msgstr[n] changes the build's fingerprint
    [same] = builder.build(plural_project, ["ar"], ["brochure"], jobs=1)
    assert same.skipped


def test_the_tasks_report_plural_problems_as_one_line_each(plural_project, invoke_in):
    forms = list(FORMS["ar"])
    forms[3] = "صفحات"
    set_plural(plural_project, "ar", forms)
    set_plural(plural_project, "es", ("%(count)s página", ""))
    run = invoke_in(plural_project.root, "check", "--lang", "ar")
    assert run.returncode == 1 and "Traceback" not in run.stderr + run.stdout
    assert (f"locales/ar/LC_MESSAGES/messages.po:{form_line(plural_project, 'ar', 3)}: "
            "msgstr[3]: placeholder %(count)s of the English is missing\n") == run.stderr
    run = invoke_in(plural_project.root, "build", "--lang", "es")
    assert run.returncode == 1 and "Traceback" not in run.stderr + run.stdout
    assert (f"locales/es/LC_MESSAGES/messages.po:{form_line(plural_project, 'es', 1)}: "
            f'untranslated: msgstr[1] empty: "{SINGULAR}"') in run.stderr
    assert "print run refused" in run.stderr
    assert not plural_project.pdf_path("es", "brochure").exists()
