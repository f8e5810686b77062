"""Every .pot and .po pressroom writes is read without complaint by readers it does
not own: GNU msgcat and ``msgfmt --check``, polib, Babel and translate-toolkit,
including fuzzy entries with long previous msgids, obsolete entries, contexts and
plurals. Headers do not depend on the installed Babel."""

from __future__ import annotations

import io
import subprocess

import polib
import pytest
from babel.messages.pofile import read_po
from translate.storage import pypo

from pressroom.errors import CatalogError
from pressroom.messages import catalogs, check, extract, plurals, pofile

LONG = ("Every year at least **330,000 children** are detained.[^global-study]")
LONG_EDITED = ("Every single year, in more than eighty countries, at least **330,000 children** "
               "are detained for reasons related to their migration status.[^global-study]")
FR_LONG = ("Chaque année, au moins **330 000 enfants** sont détenus, dans plus de quatre-vingts "
           "pays, pour des raisons liées à leur statut migratoire.[^global-study]")
PLURAL_TEMPLATE = """\
<p>{% trans count=pages %}{{ count }} page{% pluralize %}{{ count }} pages{% endtrans %}</p>
<p>{{ pgettext("colophon", "Printed") }}</p>
"""


def _set(po, msgid, msgstr, flags=()):
    catalog = pofile.parse(po.read_bytes(), str(po))
    for message in catalog:
        if message.id == msgid or (isinstance(message.id, tuple) and message.id[0] == msgid):
            message.string = msgstr
            message.flags |= set(flags)
    po.write_bytes(pofile.dumps(catalog))


@pytest.fixture
def edited(project):
    """A catalogue after the round a translator meets every week: a plural and a
    context in the layouts, a long paragraph translated then edited in English
    (fuzzy, with its previous msgid on several #| lines), a heading deleted
    (obsolete)."""
    (project.layouts_dir / "extra.html").write_text(PLURAL_TEMPLATE, encoding="utf-8")
    extract.extract(project)
    catalogs.update(project, ["en", "es", "fr"])
    po = project.po_path("fr")
    _set(po, LONG, FR_LONG)
    _set(po, "Detention harms them.", "La détention leur nuit.")
    _set(po, "%(count)s page", ("%(count)s page", "%(count)s pages"))
    content = project.content_path("brochure")
    text = content.read_text(encoding="utf-8")
    text = text.replace(LONG, LONG_EDITED).replace("          - Detention harms them.\n", "")
    content.write_text(text, encoding="utf-8")
    extract.extract(project)
    catalogs.update(project, ["en", "es", "fr"])
    return project


def _files(project):
    return [project.pot_path] + [project.po_path(lang) for lang in ("en", "es", "fr")]


def test_a_long_previous_msgid_is_written_on_continuation_lines(edited):
    text = edited.po_path("fr").read_text(encoding="utf-8")
    block = text[: text.index("msgid \"\"\n\"Every single year")].rsplit("\n\n", 1)[1]
    assert "#, fuzzy" in block
    previous = [line for line in block.splitlines() if line.startswith("#|")]
    assert previous[0] == '#| msgid ""' and len(previous) >= 2
    assert all(line.startswith('#| "') and line.endswith('"') for line in previous[1:])
    assert all(len(line) <= 79 for line in text.splitlines() if line.startswith(("#|", '"')))
    assert '#~ msgid "Detention harms them."\n#~ msgstr "La détention leur nuit."' in text


def test_gnu_gettext_accepts_every_file(edited):
    for path in _files(edited):
        run = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)],
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        warnings = [w for w in run.stderr.splitlines() if "initial default value" not in w]
        assert warnings == [] or path.suffix == ".pot", run.stderr  # only until translated
        run = subprocess.run(["msgcat", str(path)], capture_output=True, text=True)
        assert run.returncode == 0 and run.stderr == "", run.stderr
        assert "#| msgid" in run.stdout or path.name.endswith(".pot") or "fr" not in str(path)


def test_polib_babel_and_translate_toolkit_read_what_was_written(edited):
    po = edited.po_path("fr")
    data = po.read_bytes()
    ours = catalogs.read_catalog(po, "fr.po", "fr")
    count = len([m for m in ours if m.id])
    # polib: every entry, the previous msgid whole, the obsolete entry, the plural
    entries = polib.pofile(data.decode("utf-8"))
    assert len([e for e in entries if not e.obsolete]) == count
    fuzzy = [e for e in entries if "fuzzy" in e.flags and e.previous_msgid]
    assert [e.previous_msgid for e in fuzzy] == [LONG]
    assert [e.msgid for e in entries.obsolete_entries()] == ["Detention harms them."]
    [plural] = [e for e in entries if e.msgid_plural]
    assert plural.msgstr_plural == {0: "%(count)s page", 1: "%(count)s pages"}
    assert [e.msgctxt for e in entries if e.msgid == "Printed"] == ["colophon"]
    # Babel (lenient, but it must see the same entries) and translate-toolkit (strict)
    assert len([m for m in read_po(io.BytesIO(data)) if m.id]) == count
    store = pypo.pofile.parsestring(data)
    units = [u for u in store.units if not u.isheader() and not u.isobsolete()]
    assert len(units) == count
    assert [str(u.prev_source) for u in units if u.prev_msgid] == [LONG]


def test_previous_msgid_and_translator_flags_survive_another_update(edited):
    po = edited.po_path("fr")
    _set(po, "The law", "La loi", flags={"ignore-same"})
    before = po.read_bytes()
    results = catalogs.update(edited, ["fr"])
    assert po.read_bytes() == before and not results[0].changed  # the merge is stable
    [message] = [m for m in catalogs.read_catalog(po, "fr.po", "fr") if m.id == LONG_EDITED]
    assert message.previous_id == [LONG] and message.fuzzy
    [law] = [m for m in catalogs.read_catalog(po, "fr.po", "fr") if m.id == "The law"]
    assert "ignore-same" in law.flags


def test_a_changed_limit_replaces_the_old_one(project):
    extract.extract(project)
    catalogs.update(project, ["fr"])
    po = project.po_path("fr")
    assert "#, max-length:40\nmsgid \"children detained each year\"" in po.read_text()
    content = project.content_path("brochure")
    content.write_text(content.read_text().replace("max_chars: 40", "max_chars: 30"))
    extract.extract(project)
    catalogs.update(project, ["fr"])
    text = po.read_text()
    assert "#, max-length:30\nmsgid \"children detained each year\"" in text
    assert "max-length:40" not in text


def test_headers_do_not_depend_on_the_installed_babel(edited):
    for path in _files(edited):
        text = path.read_text(encoding="utf-8")
        assert "Generated-By" not in text and "Babel" not in text, path
    for lang in ("en", "es", "fr"):
        catalog = catalogs.read_catalog(edited.po_path(lang), lang, lang)
        assert catalog.field("Plural-Forms") == plurals.PLURAL_FORMS[lang]


def test_plural_forms_of_an_existing_catalogue_are_never_rewritten(edited):
    po = edited.po_path("fr")
    own = "nplurals=3; plural=(n==0 ? 0 : n==1 ? 1 : 2);"  # a translator's choice
    po.write_text(po.read_text().replace(plurals.PLURAL_FORMS["fr"], own))
    catalogs.update(edited, ["fr"])
    catalog = catalogs.read_catalog(po, "fr.po", "fr")
    assert catalog.field("Plural-Forms") == own
    [message] = [m for m in catalog if isinstance(m.id, tuple)]
    assert len(message.string) == 3  # padded to the file's own number of forms
    assert "msgstr[2]" in po.read_text()


@pytest.mark.parametrize(("lang", "count"), [("ar", 6), ("zh", 1), ("ru", 3), ("es", 2), ("fr", 2)])
def test_new_catalogues_take_plural_forms_from_pressrooms_table(project, lang, count):
    (project.layouts_dir / "extra.html").write_text(PLURAL_TEMPLATE, encoding="utf-8")
    extract.extract(project)
    catalogs.update(project, [lang])
    po = project.po_path(lang)
    catalog = catalogs.read_catalog(po, lang, lang)
    assert catalog.field("Plural-Forms") == plurals.PLURAL_FORMS[lang]
    assert catalog.plural_rule[0] == count
    text = po.read_text(encoding="utf-8")
    assert f"msgstr[{count - 1}]" in text and f"msgstr[{count}]" not in text
    run = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_plural_rules_pick_the_form_gettext_would():
    import gettext

    for lang in ("ar", "ru", "fr", "es", "zh"):
        count, form = plurals.rule(plurals.PLURAL_FORMS[lang])
        reference = gettext.c2py(plurals.parse(plurals.PLURAL_FORMS[lang])[1])
        for n in range(230):
            assert form(n) == reference(n) < count
    ar = plurals.rule(plurals.PLURAL_FORMS["ar"])[1]
    assert [ar(n) for n in (0, 1, 2, 3, 11, 100, 102)] == [0, 1, 2, 3, 4, 5, 5]
    ru = plurals.rule(plurals.PLURAL_FORMS["ru"])[1]
    assert [ru(n) for n in (1, 2, 5, 11, 21, 22, 25)] == [0, 1, 2, 2, 0, 1, 2]


def test_the_old_malformed_previous_line_is_reported_at_its_line(tmp_path):
    """What Babel's writer made of a long previous msgid: the strings wrapped as
    comment text, so a quote opens on one line and closes on the next. GNU, polib
    and pressroom all refuse it; pressroom names the line."""
    po = tmp_path / "fr.po"
    lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', "",
             "#, fuzzy", '#| msgid "" "Every day, all over the world, children are detained for',
             '#| migration purposes."', 'msgid "Every day."', 'msgstr "Chaque jour."', ""]
    po.write_text("\n".join(lines), encoding="utf-8")
    assert subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)],
                          capture_output=True).returncode != 0
    with pytest.raises(CatalogError) as error:
        catalogs.read_catalog(po, "fr.po", "fr")
    assert error.value.line == 6 and str(error.value).startswith("fr.po:6:")


@pytest.mark.parametrize(("broken", "line"), [
    ('msgid "Every day.\nmsgstr "x"', 6),             # unterminated string
    ('msgid "Every day."\nmsgstr "x"\nnonsense', 8),   # a stray line
])
def test_syntax_errors_are_reported_at_their_real_line(tmp_path, broken, line):
    po = tmp_path / "fr.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  '#. note\n' + broken + "\n", encoding="utf-8")
    with pytest.raises(CatalogError) as error:
        catalogs.read_catalog(po, "fr.po", "fr")
    assert error.value.line == line, str(error.value)


def test_limits_survive_a_catalogue_resaved_by_msgcat(project):
    """msgcat (and Poedit, and Weblate) drop flags they do not know, such as
    ``max-length``: check reads the limit from the template, so it still applies."""
    extract.extract(project)
    catalogs.update(project, ["fr"])
    po = project.po_path("fr")
    _set(po, "children detained each year", "enfants placés en détention chaque année dans le monde")
    subprocess.run(["msgcat", "-o", str(po), str(po)], check=True)
    assert "max-length" not in po.read_text()
    found = [str(f) for f in check.check(project, ["fr"])]
    assert any("over the limit of 40" in f for f in found), found


def test_numbers_and_symbols_are_not_offered_and_print_as_written(project):
    """A year, a number or a document symbol has nothing to translate: it is not in
    the template, so ``update`` cannot fuzzy-match it to another year and ``check``
    is clean right after ``update``; the renderer prints it as written."""
    from pressroom.messages.catalogs import load_translations
    from pressroom.model.content import nothing_to_translate

    content = project.content_path("brochure")
    content.write_text(content.read_text().replace(
        '            - [Convention on the Rights of the Child, "1989"]\n',
        '            - [Convention on the Rights of the Child, "1989"]\n'
        '            - [Global Compact for Migration, "2018"]\n'
        '            - [A/RES/73/195, "2014–2019"]\n'), encoding="utf-8")
    extract.extract(project)
    catalogs.update(project, ["fr"])
    pot = project.pot_path.read_text(encoding="utf-8")
    for value in ("1989", "2018", "2014–2019", "A/RES/73/195"):
        assert f'msgid "{value}"' not in pot
    assert 'msgid "Global Compact for Migration"' in pot
    assert "number" not in " ".join(str(f) for f in check.check(project, ["fr"]))
    tx = load_translations(project, "fr")
    assert tx.lookup("2018") == ("2018", "translated") and not tx.missing
    assert nothing_to_translate("CMW/C/GC/4-CRC/C/GC/23 (2017)")
    assert not nothing_to_translate("A/RES/71/1, para. 33")
    assert not nothing_to_translate("No. 6")


def test_a_form_beyond_plural_forms_is_never_dropped(edited):
    """Real catalogues exist whose entries have more msgstr[n] than their header
    says (Django's French: nplurals=2 and msgstr[2]). pressroom keeps every form
    the translator wrote; msgfmt then names the inconsistency, as it did before."""
    po = edited.po_path("fr")
    text = po.read_text(encoding="utf-8")
    old = 'msgstr[1] "%(count)s pages"\n'
    assert old in text
    po.write_text(text.replace(old, old + 'msgstr[2] "%(count)s de pages"\n'), encoding="utf-8")
    catalogs.update(edited, ["fr"])
    assert 'msgstr[2] "%(count)s de pages"' in po.read_text(encoding="utf-8")


def test_compiled_mo_files_are_read_by_gnu_and_python_gettext(edited):
    """``invoke compile``: GNU msgunfmt reads the .mo back with the catalogue's own
    header (no Generated-By), and Python's gettext picks plural forms by its rule."""
    import gettext

    po = edited.po_path("fr")
    _set(po, "%(count)s page", ("%(count)s page", "%(count)s pages"))
    catalogs.compile_catalogs(edited, ["fr"])
    mo = edited.mo_path("fr")
    run = subprocess.run(["msgunfmt", str(mo)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert f"Plural-Forms: {plurals.PLURAL_FORMS['fr']}" in run.stdout
    assert "Generated-By" not in run.stdout
    assert "Every single year" not in run.stdout  # fuzzy entries are left out
    with mo.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    assert translations.ngettext("%(count)s page", "%(count)s pages", 0) == "%(count)s page"
    assert translations.ngettext("%(count)s page", "%(count)s pages", 2) == "%(count)s pages"
