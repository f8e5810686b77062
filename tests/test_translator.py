"""The translator's workflow: check, glossary, the print-run gate, pseudo-locale,
init-lang and catalogue round trips."""

import subprocess

import pytest
from fixture_translations import ES, FR, fill

from pressroom.messages import catalogs, check, extract, pseudo
from pressroom.model.config import load_project
from pressroom.qa import gate


@pytest.fixture
def translated(project):
    extract.extract(project)
    catalogs.update(project, ["en", "es", "fr"])
    fill(project.po_path("fr"), FR)
    fill(project.po_path("es"), ES)
    return project


def set_fr(project, msgid, msgstr):
    fill(project.po_path("fr"), {msgid: msgstr})


def findings(project, lang="fr"):
    return [str(f) for f in check.check(project, [lang])]


def line_of(project, msgid, lang="fr"):
    """The line of the entry's msgstr: where findings point, what a translator edits."""
    text = project.po_path(lang).read_text(encoding="utf-8")
    start = text.index(f'msgid "{msgid}')
    return text[: text.index("\nmsgstr", start) + 1].count("\n") + 1


# --------------------------------------------------------------------------- check
def test_complete_fixture_translation_is_clean(translated):
    assert [f for f in findings(translated) if "warning" not in f] == []


def test_broken_footnote(translated):
    msgid = "Every year at least **330,000 children** are detained.[^global-study]"
    set_fr(translated, msgid, "Chaque année, au moins **330 000 enfants** sont détenus.[^crc]")
    line = line_of(translated, "Every year")
    out = findings(translated)
    assert f"locales/fr/LC_MESSAGES/messages.po:{line}: footnote [^global-study] missing in translation" in out
    assert f"locales/fr/LC_MESSAGES/messages.po:{line}: footnote [^crc] is not in the English" in out


def test_missing_link_and_changed_url():
    assert check.check_message("See [the site](https://a.org).", "Voir le site.", set(), "fr", []) == \
        [("error", "link to https://a.org missing in translation")]
    out = check.check_message("[x](https://a.org)", "[x](https://b.org)", set(), "fr", [])
    assert ("error", "link to https://a.org missing in translation") in out
    assert ("error", "link to https://b.org is not in the English") in out


def test_unbalanced_emphasis_and_raw_html():
    out = check.check_message("A *word* here.", "Un *mot ici.", set(), "fr", [])
    assert any("emphasis" in m for _, m in out)
    out = check.check_message("A word.", "Un <script>mot</script>.", set(), "fr", [])
    assert ("error", "raw HTML '<script>' is not allowed (it would print as text)") in out


@pytest.mark.parametrize(("translation", "ok"), [
    ("330 000 enfants en 2019", True), ("330.000 niños en 2019", True),
    ("330 000 enfants en 2018", False), ("33 000 enfants en 2019", False)])
def test_numbers_survive_in_any_locale_format(translation, ok):
    out = check.check_message("330,000 children in 2019", translation, set(), "fr", [])
    assert (not any("number" in m for _, m in out)) == ok, out


def test_small_numbers_may_be_words():
    assert check.check_message("3 children", "tres niños", set(), "es", []) == []


def test_max_length_and_identical_to_source():
    out = check.check_message("Short label", "Une étiquette bien trop longue", {"max-length:20"}, "fr", [])
    assert ("error", "translation is 30 characters, over the limit of 20") in out
    out = check.check_message("Europe", "Europe", set(), "fr", [])
    assert out and out[0][0] == "warning" and "identical" in out[0][1]
    assert check.check_message("Europe", "Europe", {"ignore-same"}, "fr", []) == []
    assert check.check_message("A/RES/71/1", "A/RES/71/1", set(), "fr", []) == []


def test_glossary_term_missing(tmp_path):
    glossary = tmp_path / "glossary.csv"
    glossary.write_text("en,es,fr,status,note\nbest interests of the child,interés superior del niño,"
                        "intérêt supérieur de l'enfant,V,\n", encoding="utf-8")
    terms = check.load_glossary(glossary)
    out = check.check_message("The best interests of the child come first.",
                              "Le bien de l’enfant passe avant tout.", set(), "fr", terms)
    assert out == [("warning", ("glossary: 'best interests of the child' should be "
                               "'intérêt supérieur de l'enfant'"))]
    assert check.check_message("The best interests of the child.",
                               "L’intérêt supérieur de l’enfant.", set(), "fr", terms) == []


def test_project_glossary_is_filled_from_the_fact_sheet(project):
    terms = check.load_glossary(project.root.parent.parent / "nonexistent.csv")
    assert terms == []
    from conftest import REPO
    terms = {t.english: t for t in check.load_glossary(REPO / "locales" / "glossary.csv")}
    assert len(terms) >= 30
    assert terms["measure of last resort"].translations["es"] == ("último recurso",)
    assert "intérêt supérieur de l'enfant" in terms["best interests of the child"].translations["fr"]


def test_untranslated_and_fuzzy_are_listed(translated, invoke_in):
    po = translated.po_path("fr")
    po.write_text(po.read_text().replace('msgid "The law"', '#, fuzzy\nmsgid "The law"'))
    out = findings(translated)
    # set by hand, with no previous English (#|): not explained as "the English changed"
    assert any(f.endswith("warning: fuzzy: marked for review; check the translation and clear "
                          "the flag") for f in out)
    assert sum(f.endswith("warning: untranslated") for f in findings(translated, "es")) == 42 - len(ES)


def test_check_task_exit_status(translated, invoke_in):
    run = invoke_in(translated.root, "check", "--lang", "fr")
    assert run.returncode == 0, run.stderr
    set_fr(translated, "Children are *rights holders*.", "Les enfants sont *titulaires de droits.")
    run = invoke_in(translated.root, "check", "--lang", "fr")
    assert run.returncode == 1
    assert "locales/fr/LC_MESSAGES/messages.po:" in run.stderr and "emphasis" in run.stderr
    assert "2 error(s)" in run.stdout  # the emphasis differs, and a '*' is left over


def test_hand_edited_catalogue_with_syntax_error(translated, invoke_in):
    po = translated.po_path("fr")
    broken = po.read_text().replace('msgstr "Le droit"', 'msgstr "Le droit\nmsgstr "x"', 1)
    po.write_text(broken)
    run = invoke_in(translated.root, "check", "--lang", "fr")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    line = broken[: broken.index('msgstr "Le droit')].count("\n") + 1
    assert run.stderr.strip().startswith(f"locales/fr/LC_MESSAGES/messages.po:{line}: ")
    assert po.read_text() == broken


# --------------------------------------------------------------------------- gate
def test_gate_refuses_an_incomplete_print_run(translated, invoke_in):
    run = invoke_in(translated.root, "build", "--lang", "es")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert any(x.startswith("locales/es/LC_MESSAGES/messages.po:") and "untranslated: \"" in x
               for x in lines)
    assert lines[-1].startswith(
        f"error: print run refused (strings listed above): es: brochure has {42 - len(ES)} "
        "untranslated string(s) and its policy allows 0 (max_untranslated in "
        "[tool.pressroom.policy.brochure])")
    assert not (translated.root / "build" / "es" / "brochure.pdf").exists()


def test_gate_lists_fuzzy_entries(translated):
    po = translated.po_path("fr")
    po.write_text(po.read_text().replace('msgid "The law"', '#, fuzzy\nmsgid "The law"'))
    blockers = [str(b) for b in gate.blockers(translated, "fr", ["brochure"])]
    assert blockers == [f"locales/fr/LC_MESSAGES/messages.po:{line_of(translated, 'The law') }: fuzzy: \"The law\""]


@pytest.mark.e2e
def test_allow_incomplete_builds_and_counts_the_fallbacks(translated, invoke_in):
    run = invoke_in(translated.root, "build", "--lang", "es", "--allow-incomplete")
    assert run.returncode == 0, run.stderr
    # printed: all but the template's contact and members lines, notes page and "current as of"
    # lines, which this brochure does not print (no contact given, no padding, no date)
    assert f"{42 - 5 - len(ES)} strings fell back to English" in run.stdout
    assert "(--allow-incomplete)" in run.stderr
    assert (translated.root / "build" / "es" / "brochure.pdf").exists()


@pytest.mark.e2e
def test_screen_profile_only_warns(translated, invoke_in):
    run = invoke_in(translated.root, "build", "--lang", "es", "--profile", "screen")
    assert run.returncode == 0, run.stderr
    assert "warning: es:" in run.stderr and "(screen profile)" in run.stderr


def test_complete_language_passes_the_gate(translated):
    assert gate.blockers(translated, "fr", ["brochure"]) == []
    assert gate.blockers(translated, "en", ["brochure"]) == []  # the source language


# --------------------------------------------------------------------------- pseudo
def test_pseudo_translation_keeps_markup_and_numbers():
    text = "At least **330,000 children**[^study] see [the site](https://x.org/a) *now*."
    out = pseudo.pseudo(text)
    assert out.startswith("[!") and out.endswith("!]")
    assert "**" in out and "[^study]" in out and "](https://x.org/a)" in out and "330,000" in out
    assert len(out) >= 1.3 * len(text)
    assert "á" in out or "é" in out


@pytest.mark.e2e
def test_pseudo_build(translated, invoke_in):
    run = invoke_in(translated.root, "build", "--lang", "qps")
    assert run.returncode == 0, run.stderr
    from pypdf import PdfReader
    text = "".join(p.extract_text() for p in PdfReader(translated.pdf_path("qps", "brochure")).pages)
    assert "[!Thé ñûûmbérs!]" in text or "Thé ñûûmbérs" in text


# --------------------------------------------------------------------------- init-lang
@pytest.mark.e2e
def test_init_lang_creates_catalogue_and_configuration(translated, invoke_in):
    pyproject = translated.root / "pyproject.toml"
    pyproject.write_text("# project settings\n" + pyproject.read_text())
    run = invoke_in(translated.root, "init-lang", "de")
    assert run.returncode == 0, run.stderr
    po = translated.po_path("de").read_text(encoding="utf-8")
    assert '"Language: de\\n"' in po and '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in po
    assert "Plural-Forms: nplurals=2; plural=(n != 1); (from pressroom's table)" in run.stdout
    project = load_project(translated.root)
    assert project.languages == ("en", "es", "fr", "de")
    assert project.options["release_languages"] == ["en", "es", "fr"]
    assert pyproject.read_text().startswith("# project settings\n")  # comments kept
    # the next build includes it, in English until translated, without being refused
    run = invoke_in(translated.root, "build", "--lang", "de", "--no-preflight")
    assert run.returncode == 0, run.stderr
    assert "not released for print" in run.stderr
    run = invoke_in(translated.root, "init-lang", "kk")  # Kazakh: not in pressroom's table
    assert run.returncode == 0 and "from CLDR data of Babel" in run.stdout, run.stdout
    run = invoke_in(translated.root, "init-lang", "xx-nope")
    assert run.returncode == 1 and "not a locale Babel knows" in run.stderr


# --------------------------------------------------------------------------- hygiene
def test_real_catalogues_round_trip_and_pass_msgfmt():
    """Through pressroom's reader and writer, byte for byte, and no guessed
    python-format flag ("83% of" looks like a %o directive to Babel, and a wrong flag
    would make msgfmt and Poedit demand format directives in the translation)."""
    from conftest import REPO

    from pressroom.messages import pofile
    for lang in ("en", "es", "fr"):
        path = REPO / "locales" / lang / "LC_MESSAGES" / "messages.po"
        data = path.read_bytes()
        catalog = catalogs.read_catalog(path, str(path), lang)
        assert pofile.dumps(catalog) == data, lang
        assert not any("python-format" in m.flags for m in catalog)
        run = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)],
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
