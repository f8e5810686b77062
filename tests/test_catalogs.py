import gc
import subprocess

import pytest
from babel.messages.pofile import read_po

from pressroom.errors import CatalogError
from pressroom.messages import catalogs, extract, plurals


def prepared(project):
    extract.extract(project)
    catalogs.update(project, ["en", "es", "fr"])
    return project


def set_translation(path, msgid, msgstr):
    text = path.read_text(encoding="utf-8")
    old = f'msgid "{msgid}"\nmsgstr ""\n'
    assert old in text, msgid
    path.write_text(text.replace(old, f'msgid "{msgid}"\nmsgstr "{msgstr}"\n'), encoding="utf-8")


def test_update_creates_catalogues_with_standard_headers(project):
    results = catalogs.update(prepared(project), ["fr"])
    assert [r.changed for r in results] == [False]
    text = project.po_path("fr").read_text(encoding="utf-8")
    assert '"Language: fr\\n"' in text
    assert f'"Plural-Forms: {plurals.PLURAL_FORMS["fr"]}\\n"' in text  # pressroom's table
    assert '"Content-Type: text/plain; charset=UTF-8\\n"' in text
    assert "Generated-By" not in text  # nothing in the file depends on the installed Babel


def test_update_twice_changes_nothing(project):
    prepared(project)
    before = {lang: project.po_path(lang).read_bytes() for lang in ("en", "es", "fr")}
    results = catalogs.update(project, ["en", "es", "fr"])
    assert not any(r.changed for r in results)
    assert {lang: project.po_path(lang).read_bytes() for lang in before} == before


def test_edited_paragraph_becomes_fuzzy_with_previous_msgid(project):
    prepared(project)
    po = project.po_path("fr")
    set_translation(po, "Detention harms them.", "La détention leur nuit.")
    content = project.content_path("brochure")
    content.write_text(content.read_text().replace("Detention harms them.",
                                                   "Detention harms them badly."))
    extract.extract(project)
    catalogs.update(project, ["fr"])
    text = po.read_text(encoding="utf-8")
    assert ('#, fuzzy\n#| msgid "Detention harms them."\nmsgid "Detention harms them badly."\n'
            'msgstr "La détention leur nuit."') in text


def test_each_language_keeps_its_own_fuzzy_translation_in_one_update(project):
    """One `update` of several languages: a new msgid matched fuzzily in each keeps
    that language's translation (Babel shares the template's message object with
    every catalogue it is merged into; the last language used to win)."""
    prepared(project)
    set_translation(project.po_path("es"), "Detention harms them.", "La detención los perjudica.")
    set_translation(project.po_path("fr"), "Detention harms them.", "La détention leur nuit.")
    content = project.content_path("brochure")
    content.write_text(content.read_text().replace("Detention harms them.",
                                                   "Detention harms them badly."))
    extract.extract(project)
    catalogs.update(project, ["en", "es", "fr"])
    for lang, expected in (("es", "La detención los perjudica."),
                           ("fr", "La détention leur nuit.")):
        text = project.po_path(lang).read_text(encoding="utf-8")
        assert f'msgid "Detention harms them badly."\nmsgstr "{expected}"' in text, lang
    english = project.po_path("en").read_text(encoding="utf-8")
    assert 'msgid "Detention harms them badly."\nmsgstr ""' in english


def test_deleted_paragraph_is_kept_obsolete_and_comes_back(project):
    prepared(project)
    po = project.po_path("fr")
    set_translation(po, "Detention harms them.", "La détention leur nuit.")
    content = project.content_path("brochure")
    original = content.read_text()
    content.write_text(original.replace("          - Detention harms them.\n", ""))
    extract.extract(project)
    catalogs.update(project, ["fr"])
    assert '#~ msgid "Detention harms them."\n#~ msgstr "La détention leur nuit."' in po.read_text()
    assert not catalogs.update(project, ["fr"])[0].changed  # idempotent with obsolete entries
    content.write_text(original)
    extract.extract(project)
    catalogs.update(project, ["fr"])
    text = po.read_text()
    assert 'msgid "Detention harms them."\nmsgstr "La détention leur nuit."' in text
    assert "#~" not in text


def test_catalogues_pass_msgfmt_check(project):
    prepared(project)
    for lang in ("en", "es", "fr"):
        run = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(project.po_path(lang))],
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stderr


BROKEN = b'''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: fr\\n"

msgid "Detention harms them."
msgstr "La d\xc3\xa9tention

msgid "Refugees"
msgstr "R\xc3\xa9fugi\xc3\xa9s"
'''


def test_unterminated_string_is_an_error_with_its_line(project):
    prepared(project)
    po = project.po_path("fr")
    po.write_bytes(BROKEN)
    with pytest.raises(CatalogError) as info:
        catalogs.update(project, ["en", "es", "fr"])
    assert info.value.line == 7
    assert str(info.value).startswith("locales/fr/LC_MESSAGES/messages.po:7: end-of-line within string")
    assert po.read_bytes() == BROKEN  # nothing overwritten
    assert gc.isenabled()  # update pauses the cycle collector, and turns it back on


def test_update_turns_the_cycle_collector_back_on(project):
    prepared(project)
    assert gc.isenabled()
    gc.disable()  # a caller's choice is kept too
    try:
        catalogs.update(project, ["fr"])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_invalid_utf8_catalogue(project):
    prepared(project)
    po = project.po_path("es")
    po.write_bytes(BROKEN.replace(b"\xc3\xa9tention\n", b"\xe9tention\"\n"))
    with pytest.raises(CatalogError, match="invalid UTF-8") as info:
        catalogs.load_translations(project, "es")
    assert info.value.line == 7


def test_compile_writes_mo_without_fuzzy(project):
    prepared(project)
    set_translation(project.po_path("fr"), "Refugees", "Réfugiés")
    out = catalogs.compile_catalogs(project, ["fr"])
    assert out[0][1] == project.mo_path("fr") and project.mo_path("fr").stat().st_size > 0
    import gettext
    with project.mo_path("fr").open("rb") as handle:
        assert gettext.GNUTranslations(handle).gettext("Refugees") == "Réfugiés"


def test_translations_lookup_skips_fuzzy_and_empty(project):
    prepared(project)
    po = project.po_path("fr")
    set_translation(po, "Refugees", "Réfugiés")
    text = po.read_text().replace('msgid "Internally displaced"',
                                  '#, fuzzy\nmsgid "Internally displaced"')
    po.write_text(text.replace('msgid "Internally displaced"\nmsgstr ""',
                               'msgid "Internally displaced"\nmsgstr "Déplacés"'))
    tx = catalogs.load_translations(project, "fr")
    assert tx.gettext("Refugees") == "Réfugiés"
    assert tx.gettext("Internally displaced") == "Internally displaced"
    assert ("Internally displaced" in {k[1] for k in tx.fuzzy})
    assert tx.gettext("Never extracted") == "Never extracted"
    assert (None, "Never extracted") in tx.missing


def test_babel_reads_what_we_write(project):
    prepared(project)
    with project.po_path("es").open("rb") as handle:
        catalog = read_po(handle)
    assert catalog.locale_identifier == "es"
    assert any(m.id == "Refugees" for m in catalog)


def test_fast_fuzzy_matching_agrees_with_babels_difflib():
    """On the real French catalogue with 10 % of the English edited, 5 % removed and
    5 % new, the rapidfuzz matcher picks the translations Babel's difflib picks
    (or, where they differ, one at least as similar)."""
    import copy
    import random

    from babel.messages.catalog import Catalog
    from conftest import REPO
    from rapidfuzz import fuzz

    path = REPO / "locales" / "fr" / "LC_MESSAGES" / "messages.po"
    base = catalogs.read_catalog(path, "fr.po", "fr")
    ids = [m.id for m in base if m.id]
    rng = random.Random(7)
    # edits of sentences: a one-word cell ("Date") edited is a new message to difflib
    sentences = [i for i in ids if isinstance(i, str) and len(i.split()) >= 3]
    edited = set(rng.sample(sentences, len(ids) // 10))
    removed = set(rng.sample([i for i in ids if i not in edited], len(ids) // 20))
    template = Catalog()
    for msgid in ids:
        if msgid in removed:
            continue
        text = msgid
        if msgid in edited:
            words = msgid.split()
            words[rng.randrange(len(words))] = rng.choice(["new", "revised", "other", "key"])
            text = " ".join(words) + (" today" if len(words) < 4 else "")
        template.add(text)
    for n in range(len(ids) // 20):
        template.add(f"A completely new sentence number {n} about something else entirely.")

    ours = catalogs.merge(template, copy.deepcopy(base))
    theirs = copy.deepcopy(base)
    theirs.update(template, no_fuzzy_matching=False)

    fuzzy_ours = {m.id: m for m in ours if m.id and m.fuzzy}
    fuzzy_theirs = {m.id: m for m in theirs if m.id and m.fuzzy}
    assert len(fuzzy_theirs) >= len(edited) * 0.8  # the scenario exercises fuzzy matching
    assert set(fuzzy_theirs) <= set(fuzzy_ours)     # every match Babel finds, we find
    same = sum(fuzzy_ours[i].previous_id == fuzzy_theirs[i].previous_id for i in fuzzy_theirs)
    assert same >= 0.95 * len(fuzzy_theirs)
    for msgid, message in fuzzy_ours.items():
        if msgid in fuzzy_theirs and message.previous_id != fuzzy_theirs[msgid].previous_id:
            ours_score = fuzz.ratio(msgid.lower(), message.previous_id[0].lower())
            theirs_score = fuzz.ratio(msgid.lower(), fuzzy_theirs[msgid].previous_id[0].lower())
            assert ours_score >= theirs_score


def test_the_closest_old_message_wins_even_by_a_fraction_of_a_percent():
    """Real pretix messages: "Order matching code" is 69.0 % like "Order code" and
    68.8 % like "Order changed". Scores kept as whole percentages tied the two and
    the first won; msgmerge, and now update, take the closer one."""
    from pressroom.messages.catalogs import _best_matches

    assert _best_matches(["Order matching code"], ["Order changed", "Order code"]) == [1]
    assert _best_matches(["Sample product and"], ["Sample product", "Sample product A"]) == [1]
    assert _best_matches(["Nothing alike"], ["Order code"]) == [None]
    assert _best_matches(["Order code"], []) == [None]
    assert _best_matches([], ["Order code"]) == []
