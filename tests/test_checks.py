"""The translation checks as a list of small functions (issue 14), as Babel's
checkers are: each check on its own, the list and its order, a check appended to
the list, and the catalogue-level checks on in-memory catalogues (no files)."""

from __future__ import annotations

import pytest

from pressroom.messages import check
from pressroom.messages.check import ERROR, WARNING, CatalogContext, Pair
from pressroom.messages.pofile import PoCatalog

FR_PLURALS = "nplurals=2; plural=(n > 1);"


# --------------------------------------------------------------------------- each check
def test_footnotes_missing_and_extra():
    pair = Pair("Detained.[^a][^b]", "Détenus.[^b][^c]")
    assert check.check_footnotes(pair) == [
        (ERROR, "footnote [^a] missing in translation"),
        (ERROR, "footnote [^c] is not in the English")]
    assert check.check_footnotes(Pair("Detained.[^a]", "Détenus.[^a]")) == []


def test_links_missing_and_extra():
    pair = Pair("[x](https://a.org)", "[x](https://b.org)")
    assert check.check_links(pair) == [
        (ERROR, "link to https://a.org missing in translation"),
        (ERROR, "link to https://b.org is not in the English")]


def test_emphasis_gives_one_finding_at_most():
    found = check.check_emphasis(Pair("**A** and *b*", "A et b"))
    assert found == [(ERROR, ("bold (**…**) differs from the English: check that every "
                             "marker is closed"))]
    assert check.check_emphasis(Pair("*b*", "b")) == [
        (ERROR, "emphasis (*…*) differs from the English: check that every marker is closed")]
    assert check.check_emphasis(Pair("*b*", "*b*")) == []


def test_stray_asterisk():
    assert check.check_stray_asterisk(Pair("A *word* here.", "Un *mot ici.")) == [
        (ERROR, "a '*' is left over: emphasis markers must come in pairs")]
    assert check.check_stray_asterisk(Pair("A *word* here.", "Un *mot* ici.")) == []


def test_raw_html_only_when_the_english_has_none():
    assert check.check_raw_html(Pair("A word.", "Un <b>mot</b>.")) == [
        (ERROR, "raw HTML '<b>' is not allowed (it would print as text)")]
    assert check.check_raw_html(Pair("A <b>word</b>.", "Un <b>mot</b>.")) == []


def test_numbers_in_any_format_and_small_ones_as_words():
    assert check.check_numbers(Pair("330,000 in 2019", "330 000 en 2019")) == []
    assert check.check_numbers(Pair("330,000 in 2019", "33 000 en 2019")) == [
        (ERROR, "number 330000 of the English is missing in the translation")]
    assert check.check_numbers(Pair("3 of 10 children", "trois enfants sur dix")) == []


def test_max_length_from_the_flags():
    pair = Pair("Label", "Une étiquette trop longue", frozenset({"max-length:10"}))
    assert check.check_max_length(pair) == [
        (ERROR, "translation is 25 characters, over the limit of 10")]
    assert check.check_max_length(Pair("Label", "Une étiquette trop longue")) == []


def test_identical_to_the_english():
    assert check.check_identical(Pair("Europe", "Europe")) == [
        (WARNING, ("translation identical to the English (add the flag ignore-same if that "
                  "is right)"))]
    assert check.check_identical(Pair("Europe", "Europe", frozenset({"ignore-same"}))) == []
    assert check.check_identical(Pair("A/RES/71/1", "A/RES/71/1")) == []


def test_glossary_terms_from_rows_and_their_check():
    terms = check.glossary_terms([{"en": "best interests", "fr": "intérêt supérieur",
                                   "es": "interés superior|mejor interés", "note": "x"},
                                  {"en": "", "fr": "rien"}])
    assert [t.english for t in terms] == ["best interests"]
    assert terms[0].translations["es"] == ("interés superior", "mejor interés")
    pair = Pair("The best interests of the child.", "Les meilleurs intérêts de l'enfant.",
                lang="fr_CA", glossary=terms)
    assert check.check_glossary(pair) == [
        (WARNING, "glossary: 'best interests' should be 'intérêt supérieur'")]
    # an emphasised title may keep its original wording
    assert check.check_glossary(Pair("*The best interests*", "*Les meilleurs intérêts*",
                                     lang="fr", glossary=terms)) == []


# --------------------------------------------------------------------------- the list
def test_the_list_runs_in_order():
    in_order = check.CHECKS
    assert in_order == [
        check.check_footnotes, check.check_links, check.check_emphasis,
        check.check_passages, check.check_stray_asterisk, check.check_raw_html, check.check_numbers,
        check.check_placeholders, check.check_max_length, check.check_identical,
        check.check_glossary]
    assert all(f.__doc__ for f in check.CHECKS)
    # findings come in list order: footnote, then link, then number
    out = check.check_message("In 2019 [x](https://a.org)[^n]", "En [x](https://b.org)",
                              set(), "fr", [])
    assert [text.split()[0] for _, text in out] == ["footnote", "link", "link", "number"]


def test_a_check_appended_to_the_list_runs(monkeypatch):
    def check_exclamation(pair: Pair) -> list[tuple[str, str]]:
        """No '!' the English lacks."""
        return [(WARNING, "an exclamation mark")] if "!" in pair.msgstr else []

    monkeypatch.setattr(check, "CHECKS", [*check.CHECKS, check_exclamation])
    assert check.check_message("Hello", "Bonjour !", set(), "fr", []) == [
        (WARNING, "an exclamation mark")]
    assert check.run_checks(Pair("Hello", "Bonjour !"), [check.check_identical]) == []


# --------------------------------------------------------------------------- catalogues
def catalog(*messages, plural_forms: str = FR_PLURALS) -> PoCatalog:
    """An in-memory catalogue: (msgid, msgstr, flags, line) each."""
    cat = PoCatalog(locale="fr", fields=[("Plural-Forms", plural_forms)])
    for msgid, msgstr, flags, line in messages:
        cat.add(msgid, msgstr, flags=flags, lineno=line)
    return cat


def context(lang: str = "fr", **kwargs) -> CatalogContext:
    return CatalogContext(lang, "en", FR_PLURALS, 2, **kwargs)


def test_check_catalog_on_an_in_memory_catalogue():
    cat = catalog(("Hello", "", (), 10), ("Europe", "Europe", ("fuzzy",), 14),
                  ("See [x](https://a.org)", "Voir x", (), 20))
    found = check.check_catalog(cat, "fr.po", context())
    assert [str(f) for f in found] == [
        "fr.po:10: warning: untranslated",
        "fr.po:14: warning: fuzzy: marked for review; check the translation and clear the flag",
        ("fr.po:14: warning: translation identical to the English (add the flag ignore-same "
        "if that is right)"),
        "fr.po:20: link to https://a.org missing in translation"]


def test_the_source_catalogue_has_no_untranslated_nor_identical_warnings():
    cat = catalog(("Hello", "", (), 10), ("Europe", "Europe", (), 14))
    assert check.check_catalog(cat, "en.po", context("en")) == []


def test_the_template_flags_replace_the_translators_qa_flags():
    template = catalog(("Label", "", ("max-length:5",), 3))
    flags = check.flags_of_template(template)
    assert flags == {(None, "Label"): {"max-length:5"}}
    cat = catalog(("Label", "Étiquette", ("max-length:50", "ignore-same"), 7))
    message = cat.get("Label")
    assert check.qa_flags(message, flags) == {"max-length:5", "ignore-same"}
    assert check.qa_flags(message, None) == {"max-length:50", "ignore-same"}
    found = check.check_catalog(cat, "fr.po", context(from_template=flags))
    assert [f.message for f in found] == ["translation is 9 characters, over the limit of 5"]


def test_catalog_errors_keep_errors_of_translated_entries_and_rejected_singulars():
    cat = catalog(("Europe", "Europe", (), 3), ("In 2019", "En 2018", (), 5),
                  ("In 2020", "En 2019", ("fuzzy",), 7), ("In 2021", "", (), 9),
                  (("%(count)d page in 2019", "%(count)d pages in 2019"),
                   ("%(count)d page", "%(count)d pages en 2019"), (), 11))
    errors = check.catalog_errors(cat, "fr.po", "fr", None)
    assert errors == {
        (None, "In 2019"): check.EntryErrors(False, (
            (5, "number 2019 of the English is missing in the translation"),)),
        (None, "%(count)d page in 2019"): check.EntryErrors(True, (
            (11, "msgstr[0]: number 2019 of the English is missing in the translation"),))}
    # the lookup takes out singular translations; a plural form is refused by the lookup
    assert check.rejected_of(errors) == {
        (None, "In 2019"): ["number 2019 of the English is missing in the translation"]}


def test_plural_forms_are_checked_one_by_one():
    # French's form 0 stands for 0 and 1: it keeps the placeholder too
    cat = catalog((("%(count)d page", "%(count)d pages"), ("une page", "%(n)d pages"), (), 9))
    message = cat.get("%(count)d page")
    found = check.entry_findings(message, set(), "fr", [], FR_PLURALS)
    assert found == [(9, ERROR, "msgstr[0]: placeholder %(count)d of the English is missing"),
                     (9, ERROR, "msgstr[1]: placeholder %(n)d is not in the English"),
                     (9, ERROR, "msgstr[1]: placeholder %(count)d of the English is missing")]


@pytest.mark.parametrize(("text", "every_one", "expected"), [
    ("%(n)d pages", True, ["placeholder %(n)d is not in the English",
                           "placeholder %(count)d of the English is missing"]),
    ("une page", False, []),
    ("100 %", True, ["placeholder %(count)d of the English is missing",
                     "a lone '%' (write %% for a percent sign)"]),
])
def test_placeholder_problems(text, every_one, expected):
    found = check.placeholder_problems(text, {"%(count)d"}, every_one)
    assert [what for _, what in found] == expected
