"""Typography around note calls, quotes and passages in another language (issue 15).

The rules see a message's whole text at once (text.markup); these tests check
that no mark is doubled, lost or moved, in any mix of punctuation, calls and
emphasis or link boundaries, in English, Spanish and French."""

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pressroom.errors import ContentError, MarkupError
from pressroom.messages.check import check_message
from pressroom.model.content import load_document
from pressroom.text import markup, typography

NNBSP, NBSP = "\u202f", "\u00a0"
CALL_MARK = "¹"  # what a call prints as, in these tests
SPACES = " \u00a0\u202f\u2009"


def call(note_id: str) -> str:
    return f"<sup>{note_id}</sup>"


def printed(text: str, lang: str | None) -> str:
    """The characters a reader sees: the HTML without tags, a call as ¹."""
    fix = typography.for_language(lang) if lang else None
    html = markup.to_html(text, footnote=lambda _id: "<sup>@</sup>", typography=fix)
    html = html.replace("<sup>@</sup>", CALL_MARK).replace(markup.WORD_JOINER, "")
    html = re.sub(r"<[^>]+>", "", html)
    return html.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


def skeleton(text: str) -> str:
    """Everything but spaces, with the raised letters of "nº" and "1ᵉʳ" read plain."""
    return "".join(c for c in text if not c.isspace()).translate(
        str.maketrans("ºˢᵉʳ", "oser"))


PIECES = st.sampled_from([
    "«", "»", "“", "”", "‘", "’", ";", ":", "!", "?", ".", ",", " ", " ", " ",
    "mot", "enfants", "Oui", "no", "4", "[^a]", "[^b]", "*x*", "*y ;*", "**z**",
    "[ici](https://x.org/a:b?c=d)", "[?](https://x.org)", "[Uprooted: The end]{lang=en}",
    "[«\u00a0x\u00a0»]{lang=fr}"])
MESSAGES = st.lists(PIECES, min_size=1, max_size=14).map("".join)


@pytest.mark.parametrize("lang", ["en", "es", "fr"])
@given(text=MESSAGES)
@settings(max_examples=250, deadline=None)
def test_no_mark_doubled_lost_or_moved(lang, text):
    plain = printed(text, None)
    shown = printed(text, lang)
    assert skeleton(shown) == skeleton(plain)
    assert skeleton(markup.to_plain(text, typography.for_language(lang))) == \
        skeleton(markup.to_plain(text))


@given(text=MESSAGES)
@settings(max_examples=300, deadline=None)
def test_french_spacing_holds_around_calls_and_boundaries(text):
    shown = printed(text, "fr")
    outside = shown.replace("Uprooted: The end", "W")  # an English passage keeps its colon
    for index, char in enumerate(outside):
        if char == "«":
            assert outside[index + 1:index + 2] in (NNBSP, ""), outside
        if char == "»":
            assert index == 0 or outside[index - 1] == NNBSP, outside
        if char in ";!?" and index and outside[index - 1] not in "(«[" + SPACES:
            # a mark after a word or a call always gets its thin space ...
            follows = outside[index + 1:index + 2]
            if follows == "" or follows in SPACES or follows in ")]»”\".,;:!?" + CALL_MARK:
                raise AssertionError(f"no space before {char!r}: {outside!r}")
    assert "Uprooted: The end" in shown or "Uprooted" not in text
    # ... and only one: no space the rules added stands beside another space
    assert not re.search(f"[{SPACES}][{NNBSP}{NBSP}]|[{NNBSP}{NBSP}][{SPACES}]", shown), shown


# --------------------------------------------------------------------------- the audit's cases
@pytest.mark.parametrize(("text", "expected"), [
    ("des enfants »[^13].", "des enfants\u202f»¹."),
    ("« Oui[^1] » ; non", "«\u202fOui¹\u202f»\u202f; non"),
    ("« *Oui* »[^1] !", "«\u202fOui\u202f»¹\u202f!"),
    ("pourquoi ?[^1] Oui", "pourquoi\u202f?¹ Oui"),
    ("Voir :[^1] la suite", "Voir\u00a0:¹ la suite"),
    ("[ici](https://x.org) !", "ici\u202f!"),
    ("« [*Uprooted: The Growing Crisis*]{lang=en} »[^1].",
     "«\u202fUprooted: The Growing Crisis\u202f»¹."),
])
def test_french_cases_from_the_audit(text, expected):
    assert printed(text, "fr") == expected


def test_a_guillemet_before_a_call_is_printed_once():
    html = markup.to_html("des enfants »[^13].", call, typography.french)
    assert html.count("»") == 1
    assert html == "des enfants\u202f»\u2060<sup>13</sup>."


def test_urls_never_get_typography():
    html = markup.to_html("Voir : [ici](https://x.org/a:b?c=d) !", call, typography.french)
    assert 'href="https://x.org/a:b?c=d"' in html


# --------------------------------------------------------------------------- adjacent calls
@pytest.mark.parametrize("lang", ["en", "es", "fr"])
def test_adjacent_calls_are_separated_by_a_raised_comma(lang):
    html = markup.to_html("detention.[^a][^b] Then", call, typography.for_language(lang))
    assert html == ("detention.\u2060<sup>a</sup>\u2060<span class=\"call-sep\">,</span>"
                    "\u2060<sup>b</sup> Then")
    assert printed("x[^a][^b][^c]", lang) == "x¹,¹,¹"


def test_calls_apart_are_not_separated():
    assert "call-sep" not in markup.to_html("a[^a] b[^b]", call)
    assert "call-sep" not in markup.to_html("a[^a] [^b]", call)


def test_the_separator_is_raised_with_the_calls():
    css = Path(__file__).resolve().parents[1] / "layouts" / "print.css"
    with open(css, encoding="utf-8") as handle:
        rule = next(line for line in handle if "vertical-align: super" in line)
    assert ".call-sep" in rule


# --------------------------------------------------------------------------- UN conventions
@pytest.mark.parametrize(("text", "expected"), [
    ("observation générale no 4", "observation générale n\u00ba\u00a04"),
    ("No 22 et nos 3 et 4", "N\u00ba\u00a022 et n\u00ba\u02e2\u00a03 et 4"),
    ("n° 23", "n\u00ba\u00a023"),
    ("communication no 11593/12", "communication n\u00ba\u00a011593/12"),
    ("par. 33 ; art. 9", "par.\u00a033\u202f; art.\u00a09"),
    ("330 000 enfants", "330\u202f000 enfants"),
    ("il n'y a no problem", "il n'y a no problem"),  # not before a number: as written
])
def test_french_numero_is_raised(text, expected):
    assert typography.french(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("au 1er juillet 2016", "au 1\u1d49\u02b3\u00a0juillet 2016"),
    ("la 1re session", "la 1\u02b3\u1d49\u00a0session"),
    ("la 20e session", "la 20\u1d49\u00a0session"),
    ("les 20 enfants", "les 20 enfants"),  # no ordinal
    ("CRC/C/GC/2e", "CRC/C/GC/2e"),  # not before a word
])
def test_french_ordinals_are_raised(text, expected):
    assert typography.french(text) == expected


def test_numero_reads_back_sensibly():
    # U+00BA is a plain character: a PDF's text reads "nº 4", not "no" + markup.
    assert markup.to_plain("no 4", typography.french) == "n\u00ba\u00a04"


@pytest.mark.parametrize(("text", "expected"), [
    ("28º período de sesiones", "28º\u00a0período de sesiones"),
    ("28° período", "28º\u00a0período"),
    ("28.º período", "28.º\u00a0período"),
    ("núm. 4, párr. 33", "núm.\u00a04, párr.\u00a033"),
    ("Original: inglés", "Original: inglés"),
    ("no 4", "no\u00a04"),  # Spanish "no" is a word; the raised o is French only
])
def test_spanish_conventions(text, expected):
    assert typography.for_language("es")(text) == expected


def test_english_keeps_its_punctuation():
    assert typography.for_language("en")("Uprooted: The end; No. 4 ?") == \
        "Uprooted: The end; No.\u00a04 ?"


# --------------------------------------------------------------------------- passages
def test_a_passage_is_a_span_with_its_language():
    html = markup.to_html("Voir [*Uprooted: The Growing Crisis*]{lang=en} ; fin",
                          typography=typography.french)
    assert html == ('Voir <span lang="en"><em>Uprooted: The Growing Crisis</em></span>'
                    "\u202f; fin")
    assert markup.language_spans("a [b]{lang=en} [c]{lang=es-MX}") == ["en", "es-MX"]


def test_a_passage_in_french_inside_english_gets_french_spacing():
    assert printed("The report [Grandir : une étude]{lang=fr}: see", "en") == \
        "The report Grandir\u00a0: une étude: see"


def test_passages_nest_and_carry_calls():
    text = "[outer [inner ; x]{lang=fr} y: z]{lang=en}[^a][^b]"
    assert printed(text, "fr") == "outer inner\u202f; x y: z¹,¹"


def test_pseudo_translation_keeps_the_language_of_a_passage():
    from pressroom.messages.pseudo import pseudo

    shown = pseudo("See [Uprooted: The end]{lang=en}.")
    assert "]{lang=en}" in shown and markup.language_spans(shown) == ["en"]


def test_brackets_that_are_not_a_passage_stay_text():
    assert markup.to_html("[x]{other} [y] {lang=en}") == "[x]{other} [y] {lang=en}"


@pytest.mark.parametrize("code", ["xx", "english", "EN", "", "e"])
def test_an_unknown_language_is_refused(code):
    with pytest.raises(MarkupError, match=r"unknown language .* e\.g\. \{lang=en\}"):
        markup.to_html(f"[Title]{{lang={code}}}")
    with pytest.raises(MarkupError, match="unknown language"):
        markup.to_plain(f"[Title]{{lang={code}}}", typography.french)


def test_an_unknown_language_in_content_names_file_and_line(tmp_path):
    path = tmp_path / "doc.yaml"
    path.write_text("title: A title\nmeta: {publisher: P, date: 2026-11-01}\nsections:\n"
                    "  - id: one\n    heading: First\n    blocks:\n"
                    "      - p: See [Uprooted]{lang=eng}.\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"content/doc.yaml:7:.*unknown language 'eng'"):
        load_document(path, "content/doc.yaml")


def test_check_wants_the_english_passages():
    english = "See [Uprooted: The end]{lang=en}."
    assert check_message(english, "Voir [Uprooted: The end]{lang=en}.", set(), "fr", []) == []
    lost = check_message(english, "Voir Uprooted: The end.", set(), "fr", [])
    assert lost == [("error", ("1 passage(s) marked [...]{lang=en} in the English missing in "
                     "translation: keep the mark around the same words (a title left in en), "
                     "as [words]{lang=en}"))]
    extra = check_message("See it.", "Voir [ça]{lang=fr}.", set(), "fr", [])
    assert extra and "is the language of this catalogue" in extra[0][1]
    # a title the translation leaves in English, where the English needs no mark
    assert check_message("See *Beyond Detention*.", "Voir *[Beyond Detention]{lang=en}*.",
                         set(), "fr", []) == []
    wrong = check_message(english, "Voir [Uprooted]{lang=eng}.", set(), "fr", [])
    assert any("unknown language 'eng'" in message for _level, message in wrong)


# --------------------------------------------------------------------------- the real texts
def _messages(lang):
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[1]
    with open(root / "locales" / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    return [m.string for m in catalog if m.id and isinstance(m.string, str) and m.string]


@pytest.mark.parametrize("lang", ["es", "fr"])
def test_every_translation_keeps_its_marks(lang):
    for text in _messages(lang):
        shown = printed(text, lang)
        assert skeleton(shown) == skeleton(printed(text, None)), text
        assert not re.search(f"»{CALL_MARK}+»", shown), shown
        if lang == "fr":  # an English title keeps its colon, a French text gets its space
            assert "Uprooted\u00a0:" not in shown and "Discussion\u00a0: The" not in shown
            assert not re.search("Detention[\u00a0\u202f ]:", shown), shown
            assert not re.search(r"\bnos? \d", shown), shown
