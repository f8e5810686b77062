"""pressroom's PO reader (``messages/poreader.py``) against readers it does not own:
the same catalogue as translate-toolkit's strict parser gives (``ttk_reader.py``,
pressroom's reader before) for every catalogue at hand; every syntax error GNU
``msgfmt --check`` refuses, refused at its line; the strings GNU compiles, read the
same; and what ``pofile.dumps`` writes, read back as it was."""

from __future__ import annotations

import gc
import gettext
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from hypothesis import given, settings
from hypothesis import strategies as st
from ttk_reader import read as ttk_read
from ttk_reader import ttk_quirks

from pressroom.errors import CatalogError
from pressroom.messages import pofile

REPO = Path(__file__).resolve().parents[1]
BENCHMARK_CACHE = (Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
                   / "pressroom-benchmarks" / "po")
HEADER = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n')
MSGFMT = shutil.which("msgfmt")


def _catalogues() -> list[Path]:
    found = sorted(p for folder in (REPO / "locales", REPO / "tests" / "fixtures")
                   for p in folder.rglob("*.po*") if p.suffix in (".po", ".pot"))
    return found + sorted(BENCHMARK_CACHE.rglob("*.po"))


def _state(catalog: pofile.PoCatalog):
    """Everything a PoCatalog holds from its file, messages in file order."""
    return (catalog.fields, catalog.header_lines, catalog.header_fuzzy,
            catalog.plural_forms_line,
            [(key, message.__dict__) for key, message in catalog._messages.items()],
            [(key, message.__dict__) for key, message in catalog.obsolete.items()])


def _shown(path: Path) -> str:
    return str(path.relative_to(BENCHMARK_CACHE) if BENCHMARK_CACHE in path.parents
               else path.relative_to(REPO))


@pytest.mark.parametrize("path", _catalogues(), ids=_shown)
def test_the_same_catalogue_as_translate_toolkit_reads(path):
    """The project's catalogues, the fixtures, and (when ``benchmarks/merge_real.py``
    has fetched them) the French catalogues of pretix, Django, Sphinx, Weblate, Plone
    and Wagtail: 43 files, 19,727 entries written by other tools and translators."""
    data = path.read_bytes()
    quirks = ttk_quirks(data.decode("utf-8"))
    if quirks:
        pytest.skip("translate-toolkit reads this file otherwise than GNU: " + "; ".join(quirks))
    assert _state(pofile.parse(data, _shown(path))) == _state(ttk_read(data))


def _translations(catalog: pofile.PoCatalog) -> dict:
    """What a .mo holds of ``catalog``, keyed as Python's gettext keys it."""
    out: dict = {}
    for message in catalog._messages.values():
        if not message.id or message.fuzzy or not all(
                message.string if isinstance(message.id, tuple) else [message.string]):
            continue
        context = "" if message.context is None else message.context + "\x04"
        if isinstance(message.id, tuple):
            out.update({(context + message.id[0], n): s for n, s in enumerate(message.string)})
        else:
            out[context + message.id] = message.string
    return out


@pytest.mark.skipif(MSGFMT is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("path", [p for p in _catalogues() if p.suffix == ".po"], ids=_shown)
def test_the_strings_gnu_msgfmt_compiles_are_the_strings_read(path, tmp_path):
    """Escapes, continuation lines, contexts and plural forms as GNU reads them."""
    mo = tmp_path / "messages.mo"
    subprocess.run([MSGFMT, "-o", str(mo), str(path)], check=True, capture_output=True)
    with mo.open("rb") as handle:
        compiled = dict(gettext.GNUTranslations(handle)._catalog)
    compiled.pop("", None)  # the header
    assert _translations(pofile.parse(path.read_bytes(), _shown(path))) == compiled


def test_the_benchmark_catalogues_were_compared_when_present():
    """Not a silent pass: say when the real catalogues were not there to compare."""
    if not any(BENCHMARK_CACHE.rglob("*.po")):
        pytest.skip("run benchmarks/merge_real.py once to fetch the real catalogues")
    assert len(list(BENCHMARK_CACHE.rglob("*.po"))) >= 40


def _read(body: str | bytes, tmp_path: Path) -> pofile.PoCatalog:
    data = body if isinstance(body, bytes) else (HEADER + body).encode("utf-8")
    (tmp_path / "fr.po").write_bytes(data)
    return pofile.parse(data, "fr.po")


def _msgfmt_refuses(path: Path) -> bool:
    run = subprocess.run([MSGFMT, "--check", "-o", os.devnull, str(path)], capture_output=True)
    return run.returncode != 0


# Each: a catalogue's entries after the header (lines 1-5), the line of the error, and
# words of its message. GNU msgfmt refuses each, except those in STRICTER.
BROKEN = {
    "unterminated string": ('msgid "Every day\nmsgstr "Chaque jour"\n', 6,
                            "end-of-line within string"),
    "string cut by the end of the file": ('msgid "Every day"\nmsgstr "Chaque', 7,
                                          "end-of-line within string"),
    "a stray line": ('msgid "a"\nmsgstr "b"\nnonsense\n', 8, "syntax error"),
    "an unknown keyword": ('msgid "a"\nmsgstring "b"\n', 7, "unknown keyword 'msgstring'"),
    "text after the closing quote": ('msgid "a" x\nmsgstr "b"\n', 6,
                                     "text after the closing quote: 'x'"),
    "a quote not escaped": ('msgid "a"\nmsgstr "the "best" one"\n', 7,
                            "text after the closing quote"),
    "an escaped closing quote": ('msgid "a"\nmsgstr "b\\"\n', 7, "end-of-line within string"),
    "an invalid escape": ('msgid "a\\q"\nmsgstr "b"\n', 6, "invalid escape sequence \\q"),
    "an escaped apostrophe": ("msgid \"it\\'s\"\nmsgstr \"b\"\n", 6, "invalid escape sequence"),
    "escaped bytes that are not UTF-8": ('msgid "caf\\351"\nmsgstr "b"\n', 6, "not UTF-8"),
    "a continuation string with no keyword": ('#. note\n"x"\nmsgid "a"\nmsgstr "b"\n', 7,
                                              "a quoted string with no msgctxt, msgid or msgstr"),
    "msgstr without msgid": ('msgid "a"\nmsgstr "b"\n\nmsgstr "c"\n', 9,
                             "msgstr with no msgid above it"),
    "msgid without msgstr": ('msgid "a"\n\nmsgid "c"\nmsgstr "b"\n', 6,
                             "msgid without msgstr after it"),
    "msgid without msgstr at the end": ('msgid "a"\nmsgstr "b"\n\nmsgid "c"\n', 9,
                                        "msgid without msgstr after it"),
    "a comment between msgid and msgstr": ('msgid "a"\n# note\nmsgstr "b"\n', 6,
                                           "msgid without msgstr after it"),
    "msgctxt without msgid": ('msgctxt "a"\nmsgstr "b"\n', 7, "msgstr with no msgid"),
    "msgctxt at the end": ('msgctxt "a"\n', 6, "msgctxt without msgid after it"),
    "msgid_plural without msgstr[n]": ('msgid "a"\nmsgid_plural "as"\nmsgstr "b"\n', 8,
                                       "msgstr after msgid_plural"),
    "msgid_plural at the end": ('msgid "a"\nmsgid_plural "as"\n', 7,
                                "msgid_plural without msgstr[0] after it"),
    "msgstr[n] without msgid_plural": ('msgid "a"\nmsgstr[0] "b"\n', 7,
                                       "msgstr[0] without msgid_plural"),
    "msgstr[n] out of order": ('msgid "a"\nmsgid_plural "as"\nmsgstr[1] "b"\nmsgstr[0] "c"\n',
                               8, "msgstr[1] out of order: msgstr[0] comes next"),
    "a msgstr[n] missing": ('msgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\nmsgstr[2] "c"\n', 9,
                            "msgstr[2] out of order: msgstr[1] comes next"),
    "a msgstr[n] twice": ('msgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\nmsgstr[0] "c"\n', 9,
                          "msgstr[0] out of order"),
    "a keyword with its string on the next line": ('msgid\n"a"\nmsgstr "b"\n', 6,
                                                   "msgid with no quoted string"),
    "two strings on one line": ('msgid "a" "b"\nmsgstr "c"\n', 6,
                                "text after the closing quote"),
    "a keyword indented": ('msgid "a"\n  msgstr "c"\n', 7, "a keyword indented"),
    "a #| line cut": ('#, fuzzy\n#| msgid "a\nmsgid "a"\nmsgstr "b"\n', 7,
                      "malformed previous English"),
    "a #| string with no #| msgid": ('#| "a"\nmsgid "a"\nmsgstr "b"\n', 6,
                                     "malformed previous English"),
    "#| msgctxt after #| msgid": ('#| msgid "a"\n#| msgctxt "c"\nmsgid "a"\nmsgstr "b"\n', 7,
                                  "malformed previous English"),
    "#| msgid_plural with no #| msgid": ('#| msgid_plural "a"\nmsgid "a"\nmsgstr "b"\n', 6,
                                         "malformed previous English"),
    "a #| continuation after another comment": (
        '#| msgid "a"\n#, fuzzy\n#| "b"\nmsgid "a"\nmsgstr "b"\n', 8,
        "malformed previous English"),
    "two strings on a #| line (Babel's old writer)": (
        ('#, fuzzy\n#| msgid "" "Every day, children are detained for\n#| migration purposes."\n'
         'msgid "Every day."\nmsgstr "Chaque jour."\n'), 7, "malformed previous English"),
    "an entry partly obsolete": ('#~ msgid "a"\nmsgstr "b"\n', 7, "an entry partly obsolete"),
    "an obsolete entry with a stray line": ('#~ nonsense\n#~ msgid "a"\n#~ msgstr "b"\n', 6,
                                            "syntax error"),
    "a duplicate message": ('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', 10,
                            "duplicate message 'a'"),
    "a second header": ('msgid "a"\nmsgstr "b"\n\nmsgid ""\nmsgstr "X: y\\n"\n', 10,
                        "a second header entry"),
}


# What GNU msgfmt reads and pressroom refuses, as translate-toolkit did (or, for the
# bytes, as pressroom did before): no PO editor writes these.
STRICTER = {"escaped bytes that are not UTF-8", "a keyword with its string on the next line",
            "two strings on one line", "a keyword indented"}


@pytest.mark.parametrize("case", list(BROKEN))
def test_syntax_errors_are_refused_at_their_line_as_msgfmt_refuses_them(tmp_path, case):
    body, line, words = BROKEN[case]
    with pytest.raises(CatalogError) as error:
        _read(body, tmp_path)
    assert error.value.line == line and words in error.value.message, str(error.value)
    assert str(error.value).startswith(f"fr.po:{line}: ")
    if MSGFMT:
        assert _msgfmt_refuses(tmp_path / "fr.po") == (case not in STRICTER), case


@pytest.mark.parametrize(("data", "line", "words"), [
    (HEADER.encode() + b'msgid "a"\nmsgstr "caf\xe9"\n', 7, "invalid UTF-8"),
    (b"\xef\xbb\xbf" + HEADER.encode() + b'msgid "a"\nmsgstr "b"\n', 1, "byte-order mark"),
])
def test_bytes_that_are_not_plain_utf8_are_refused(tmp_path, data, line, words):
    with pytest.raises(CatalogError) as error:
        _read(data, tmp_path)
    assert error.value.line == line and words in error.value.message


def test_an_error_leaves_the_cycle_collector_on(tmp_path):
    assert gc.isenabled()
    with pytest.raises(CatalogError):
        _read('msgid "a\n', tmp_path)
    assert gc.isenabled()
    _read('msgid "a"\nmsgstr "b"\n', tmp_path)
    assert gc.isenabled()


VALID = HEADER + r'''# translator's note
#
#. a note for translators
#: content/a.yaml:3 content/b.yaml
#, fuzzy, c-format
#= no-wrap
#| msgctxt "old context"
#| msgid "Old "
#| "text"
msgctxt "menu"
msgid""
"Open "
"file"
msgstr "Ouvrir "
  "le fichier"

msgid "Bell\a back\b feed\f tab\v octal\101 hex\x41 utf8 caf\303\251 \"q\" \\ \t"
msgstr "x"

msgid "%d file"
msgid_plural "%d files"
msgstr[ 0 ] "%d fichier"
msgstr[1] "%d fichiers"

#, fuzzy
#~| msgid "Older"
#~ msgid "Old"
#~ msgstr "Vieux"
#~
#~ msgctxt "c"
#~ msgid "Gone"
#~ msgid_plural "Gones"
#~ msgstr[0] "Parti"
#~ msgstr[1] "Partis"

# a comment at the end
'''


def test_what_gnu_accepts_is_read_as_gnu_reads_it(tmp_path):
    """The less common spellings, and strings as msgfmt compiles them."""
    catalog = _read(VALID[len(HEADER):], tmp_path)
    [opened, escapes, plural, trailing] = catalog._messages.values()
    assert (opened.context, opened.id, opened.string) == ("menu", "Open file", "Ouvrir le fichier")
    assert opened.user_comments == ["translator's note", ""]
    assert opened.auto_comments == ["a note for translators"]
    assert opened.locations == [("content/a.yaml", 3), ("content/b.yaml", None)]
    assert opened.flags == {"fuzzy", "c-format", "no-wrap"} and opened.lineno == 19
    assert opened.previous_id == ["Old text"] and opened.previous_context == "old context"
    assert escapes.id == 'Bell\a back\b feed\f tab\v octalA hexA utf8 café "q" \\ \t'
    assert plural.string == ("%d fichier", "%d fichiers") and plural.form_lines == [27, 28]
    assert plural.flags == set()  # no python-format guessed
    old, gone = catalog.obsolete.values()
    assert (old.id, old.string, old.previous_id, old.flags) == ("Old", "Vieux", ["Older"], {"fuzzy"})
    assert (gone.context, gone.id, gone.string, gone.lineno) == (
        "c", ("Gone", "Gones"), ("Parti", "Partis"), 38)
    # comments after the last entry: an empty message, as translate-toolkit gave them
    assert (trailing.id, trailing.user_comments, trailing.lineno) == (
        "", ["a comment at the end"], 41)
    assert catalog.plural_forms_line == 4
    if MSGFMT:  # msgfmt compiles the translated, non-fuzzy strings as we read them
        mo = tmp_path / "fr.mo"
        subprocess.run([MSGFMT, "-o", str(mo), str(tmp_path / "fr.po")], check=True)
        with mo.open("rb") as handle:
            compiled = gettext.GNUTranslations(handle)
        assert compiled.gettext(escapes.id) == "x"
        assert compiled.ngettext("%d file", "%d files", 2) == "%d fichiers"


@pytest.mark.parametrize("ends", ["\r\n", "\r"])
def test_other_line_ends_give_the_same_catalogue(tmp_path, ends):
    data = VALID.encode("utf-8")
    assert _state(_read(data.replace(b"\n", ends.encode()), tmp_path)) == \
        _state(_read(data, tmp_path))
    assert _state(_read(data.rstrip(b"\n"), tmp_path)) == _state(_read(data, tmp_path))


def test_a_changed_previous_context_survives_a_round_trip(tmp_path):
    """translate-toolkit's ``getpreviouscontext()``, which the old reader called, is
    the entry's current msgctxt: a fuzzy entry whose context changed was written back
    with its new context as the previous one."""
    body = '#, fuzzy\n#| msgctxt "old"\n#| msgid "a"\nmsgctxt "new"\nmsgid "b"\nmsgstr "x"\n'
    catalog = _read(body, tmp_path)
    [message] = catalog._messages.values()
    assert message.previous_context == "old" and message.context == "new"
    assert '#| msgctxt "old"\n#| msgid "a"\nmsgctxt "new"' in pofile.dumps(catalog).decode()


def test_messages_have_the_attributes_babels_constructor_gives():
    """The reader makes Messages without ``Message.__init__``: the same attributes,
    and pressroom's own two (``previous_context``; ``form_lines`` on plurals)."""
    catalog = pofile.parse((HEADER + 'msgid "%s a"\nmsgstr "b"\n\nmsgid "x"\nmsgid_plural "y"\n'
                            'msgstr[0] ""\nmsgstr[1] ""\n').encode(), "fr.po")
    single, plural = catalog._messages.values()
    babel = set(vars(Message("a")))
    assert set(vars(single)) == babel | {"previous_context"}
    assert set(vars(plural)) == babel | {"previous_context", "form_lines"}
    assert single.flags == set() and not single.fuzzy and plural.pluralizable
    assert single.python_format  # Babel's properties still work


# ----------------------------------------------------------------------------- round trip
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=120)
LINE = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=60)
WORD = st.text(st.characters(whitelist_categories=("L", "N"), whitelist_characters="._-/"),
               min_size=1, max_size=20)


@st.composite
def messages(draw):
    plural = draw(st.booleans())
    msgid = draw(TEXT.filter(bool))
    previous = draw(st.lists(TEXT, max_size=2 if plural else 1))
    message = Message(
        (msgid, draw(TEXT)) if plural else msgid,
        tuple(draw(st.lists(TEXT, min_size=2, max_size=2))) if plural else draw(TEXT),
        locations=draw(st.lists(st.tuples(WORD, st.none() | st.integers(1, 9999)), max_size=3)),
        flags=draw(st.sets(WORD.filter(lambda w: w != "fuzzy"), max_size=3))
        | draw(st.sampled_from([set(), {"fuzzy"}])),
        auto_comments=draw(st.lists(LINE, max_size=3)),
        user_comments=draw(st.lists(LINE, max_size=3)),
        previous_id=previous, context=draw(st.none() | TEXT))
    pofile.set_previous_context(message, draw(st.none() | TEXT) if previous else None)
    return message


def _seen(message: Message, obsolete: bool):
    return (message.id, message.string, message.context, message.flags,
            [] if obsolete else message.auto_comments, message.user_comments,
            [] if obsolete else message.locations, message.previous_id,
            getattr(message, "previous_context", None))


@settings(max_examples=150, deadline=None)
@given(st.lists(messages(), max_size=6), st.lists(messages(), max_size=3))
def test_what_dumps_writes_is_read_back_the_same(current, obsolete):
    catalog = pofile.PoCatalog(locale="fr", fields=[
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Plural-Forms", "nplurals=2; plural=(n > 1);")])
    for message in current:
        catalog._messages[catalog._key_for(message.id, message.context)] = message
    for message in obsolete:
        catalog.obsolete[catalog._key_for(message.id, message.context)] = message
    data = pofile.dumps(catalog)
    back = pofile.parse(data, "fr.po", "fr")
    lines = data.decode("utf-8").split("\n")
    for written, key_order, is_obsolete in ((catalog._messages, back._messages, False),
                                            (catalog.obsolete, back.obsolete, True)):
        assert list(key_order) == list(written)
        for key, message in written.items():
            assert _seen(key_order[key], is_obsolete) == _seen(message, is_obsolete)
            assert lines[key_order[key].lineno - 1].startswith(
                "#~ msgstr" if is_obsolete else "msgstr")
