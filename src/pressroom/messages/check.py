"""``invoke check``: does every translation keep what the print needs?

For each translated message: the same footnote references and link targets as
the English, emphasis that opens and closes, no raw HTML, the numbers of the
English (in any locale format), the length limit (``#, max-length:N``), and the
agreed terms of ``locales/glossary.csv``. A translation identical to the English
is a warning unless the entry carries the ``ignore-same`` flag (as in Weblate).
Untranslated and fuzzy entries are listed as warnings.

Each finding is one line: ``locales/fr/LC_MESSAGES/messages.po:123: message``.

As Babel's checkers: each check is a small function with one job, listed in
:data:`CHECKS` (one translated message) or :data:`CATALOG_CHECKS` (one catalogue
entry), run in list order on in-memory catalogues. Reading from disk stays at the
edges: :func:`load_glossary`, :func:`read_template_flags`, :func:`check`,
:func:`read_catalog_errors` and :func:`rejected`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from pressroom import diskcache
from pressroom.errors import MarkupError, PressroomError
from pressroom.messages import plurals
from pressroom.messages.catalogs import (
    forms,
    plural_setup,
    read_catalog_readonly,
    translator_flags,
    untranslated,
)
from pressroom.model.config import Project
from pressroom.text import formatting, markup

ERROR, WARNING = "error", "warning"
_HTML = re.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*>")
_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f\u2009 ]\d+)*")
_MAX_LENGTH = re.compile(r"^max-length:(\d+)$")
_BRACES = re.compile(r"\{\w+\}")


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    level: str
    message: str
    lang: str = ""  # set by the layout check: findings on the source language's files

    def __str__(self) -> str:
        prefix = "warning: " if self.level == WARNING else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"


# --------------------------------------------------------------------------- glossary
@dataclass(frozen=True)
class Term:
    english: str
    translations: dict[str, tuple[str, ...]]
    pattern: re.Pattern


def _fold(text: str) -> str:
    """Compare terms without caring about case, apostrophe style, hyphens or spacing."""
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("‘", "'")
    text = re.sub(r"[\u00a0\u202f\u2009\s-]+", " ", text)
    return text.lower()


def glossary_terms(rows: Iterable[dict[str, str | None]]) -> list[Term]:
    """The terms of a glossary's rows (``en``, one column per language with its
    agreed translations separated by ``|``, ``status`` and ``note`` ignored)."""
    terms = []
    for row in rows:
        english = (row.get("en") or "").strip()
        if not english:
            continue
        translations = {lang: tuple(_fold(a.strip()) for a in value.split("|") if a.strip())
                        for lang, value in row.items()
                        if lang not in ("en", "status", "note") and value}
        pattern = re.compile(r"\b" + re.escape(_fold(english)) + r"\b")
        terms.append(Term(english, translations, pattern))
    return terms


def load_glossary(path: Path) -> list[Term]:
    """Read ``locales/glossary.csv`` (disk): no file, no terms."""
    if not path.exists():
        return []
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return glossary_terms(csv.DictReader(handle))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise PressroomError(f"unreadable glossary: {exc}", str(path)) from None


# --------------------------------------------------------------------------- message checks
# As Babel's checkers (babel.messages.checkers): each check is a small function of
# one translated message (a :class:`Pair`) with one job, returning its problems as
# (level, message); :data:`CHECKS` lists them in the order their findings are
# reported, and :func:`check_message` runs the list. A new check is a function
# appended to the list.
Problem = tuple[str, str]  # (ERROR or WARNING, message)


def _digits(text: str) -> Counter[str]:
    """Numbers as digit strings, separators dropped: 330,000 / 330.000 / 330 000 -> 330000."""
    found: Counter[str] = Counter()
    for match in _NUMBER.finditer(text):
        found[re.sub(r"\D", "", match.group())] += 1
    return found


def _runs(tokens, skip_emphasis: bool = False) -> str:
    """The plain text of a message; optionally without emphasised runs (titles of
    publications, which may stay in their original language)."""
    out, depth = [], 0
    for t in tokens:
        if t.type in ("em_open", "strong_open"):
            depth += 1
        elif t.type in ("em_close", "strong_close"):
            depth -= 1
        elif t.type == "text" and not (skip_emphasis and depth):
            out.append(t.content)
    return " ".join(out)


@dataclass(frozen=True)
class Pair:
    """One translated message as the checks see it: the English, its translation,
    the entry's QA flags, the language and the glossary. The markup of both texts
    is parsed once, on first use."""

    msgid: str
    msgstr: str
    flags: AbstractSet[str] = frozenset()
    lang: str = ""
    glossary: Sequence[Term] = ()

    @cached_property
    def source(self) -> list:
        return markup.parse(self.msgid)

    @cached_property
    def target(self) -> list:
        return markup.parse(self.msgstr)


def _count(tokens, kind: str, key) -> Counter:
    return Counter(key(t) for t in tokens if t.type == kind)


def check_footnotes(pair: Pair) -> list[Problem]:
    """The footnote references of the English, no fewer and no more."""
    def note(t) -> str:
        return t.meta["id"]

    src, tgt = _count(pair.source, "footnote_ref", note), _count(pair.target, "footnote_ref", note)
    return ([(ERROR, f"footnote [^{n}] missing in translation") for n in sorted(src - tgt)] +
            [(ERROR, f"footnote [^{n}] is not in the English") for n in sorted(tgt - src)])


def check_links(pair: Pair) -> list[Problem]:
    """The link targets of the English, no fewer and no more."""
    def href(t) -> str:
        return t.attrs.get("href")

    src, tgt = _count(pair.source, "link_open", href), _count(pair.target, "link_open", href)
    return ([(ERROR, f"link to {url} missing in translation") for url in sorted(src - tgt)] +
            [(ERROR, f"link to {url} is not in the English") for url in sorted(tgt - src)])


def check_emphasis(pair: Pair) -> list[Problem]:
    """As many bold and emphasised runs as the English (one finding at most): a
    marker left open changes what prints in bold or italics."""
    for marker, name in (("**", "strong"), ("*", "em")):
        opened = sum(1 for t in pair.target if t.type == f"{name}_open")
        if opened != sum(1 for t in pair.source if t.type == f"{name}_open"):
            return [(ERROR, (f"{'bold' if name == 'strong' else 'emphasis'} ({marker}…{marker}) "
                             "differs from the English: check that every marker is closed"))]
    return []


def check_passages(pair: Pair) -> list[Problem]:
    """The passages in another language of the English (``[title]{lang=en}``),
    kept in each language: the mark tells the printer which hyphenation and
    punctuation spacing the passage takes (an English title keeps its English).
    A translation may mark more: a title it leaves in English."""
    def lang(t) -> str:
        return t.meta["lang"]

    src, tgt = _count(pair.source, "lang_open", lang), _count(pair.target, "lang_open", lang)
    out = [(ERROR, (f"{src[code] - tgt[code]} passage(s) marked [...]{{lang={code}}} in the "
                    f"English missing in translation: keep the mark around the same words "
                    f"(a title left in {code}), as [words]{{lang={code}}}"))
           for code in sorted(src - tgt)]
    # a title the translation leaves in another language may be marked where the
    # English needs no mark (an English title in English text); marking the
    # translation's own language is a slip
    own = formatting.base_language(pair.lang)
    out += [(ERROR, (f"{tgt[code] - src[code]} passage(s) marked [...]{{lang={code}}} are not "
                     f"in the English and {code} is the language of this catalogue: mark "
                     "only words left in another language"))
            for code in sorted(tgt - src) if formatting.base_language(code) == own]
    for code in sorted(set(tgt)):
        try:
            markup.language(code)
        except MarkupError as exc:
            out.append((ERROR, exc.message))
    return out


def check_stray_asterisk(pair: Pair) -> list[Problem]:
    """No '*' printed as text unless the English prints one: an unpaired marker."""
    if "*" in _runs(pair.target) and "*" not in _runs(pair.source):
        return [(ERROR, "a '*' is left over: emphasis markers must come in pairs")]
    return []


def check_raw_html(pair: Pair) -> list[Problem]:
    """No HTML tag the English lacks: it would print as text."""
    tag = _HTML.search(pair.msgstr)
    if tag and not _HTML.search(pair.msgid):
        return [(ERROR, f"raw HTML {tag.group(0)!r} is not allowed (it would print as text)")]
    return []


def check_numbers(pair: Pair) -> list[Problem]:
    """Every number of the English, in any locale's format; one to ten may be words."""
    missing = _digits(_runs(pair.source)) - _digits(_runs(pair.target))
    return [(ERROR, f"number {number} of the English is missing in the translation")
            for number in sorted(missing)
            # one to ten may be written in words (UN Spanish and French style)
            if not (len(number) == 1 or (len(number) == 2 and int(number) <= 10))]


def check_placeholders(pair: Pair) -> list[Problem]:
    """A template string's ``{name}`` placeholders (``python-brace-format``: the
    number of a note, the title of a section) are kept as they are: the layouts
    fill them by name."""
    if "python-brace-format" not in pair.flags:
        return []
    source, target = Counter(_BRACES.findall(pair.msgid)), Counter(_BRACES.findall(pair.msgstr))
    return ([(ERROR, f"placeholder {name} missing in translation")
             for name in sorted(source - target)] +
            [(ERROR, f"placeholder {name} is not in the English")
             for name in sorted(target - source)])


def check_max_length(pair: Pair) -> list[Problem]:
    """No longer than a ``max-length:N`` flag allows (a label in a fixed frame)."""
    out = []
    for flag in pair.flags:
        match = _MAX_LENGTH.match(flag)
        if match and len(pair.msgstr) > int(match.group(1)):
            out.append((ERROR, (f"translation is {len(pair.msgstr)} characters, over the limit "
                                f"of {match.group(1)}")))
    return out


def check_identical(pair: Pair) -> list[Problem]:
    """A warning for a translation that is the English, unless flagged
    ``ignore-same`` or a symbol such as A/RES/71/1."""
    if pair.msgstr == pair.msgid and "ignore-same" not in pair.flags \
            and re.search(r"[a-z]{3}", pair.msgid) \
            and not re.fullmatch(r"[\w./()-]*\d[\w./()-]*", pair.msgid):
        return [(WARNING, ("translation identical to the English (add the flag ignore-same "
                           "if that is right)"))]
    return []


def check_glossary(pair: Pair) -> list[Problem]:
    """A warning for each glossary term of the English (outside emphasised titles)
    whose agreed translation is not in the translation."""
    folded_source, folded_target = _fold(_runs(pair.source, skip_emphasis=True)), \
        _fold(pair.msgstr)
    out = []
    for term in pair.glossary:
        wanted = term.translations.get(pair.lang) or \
            term.translations.get(pair.lang.split("_")[0])
        if wanted and term.pattern.search(folded_source) and \
                not any(alt in folded_target for alt in wanted):
            out.append((WARNING, (f"glossary: '{term.english}' should be "
                                  f"'{' or '.join(wanted)}'")))
    return out


Check = Callable[[Pair], list[Problem]]
CHECKS: list[Check] = [
    check_footnotes,
    check_links,
    check_emphasis,
    check_passages,
    check_stray_asterisk,
    check_raw_html,
    check_numbers,
    check_placeholders,
    check_max_length,
    check_identical,
    check_glossary,
]


def run_checks(pair: Pair, checks: Iterable[Check] | None = None) -> list[Problem]:
    """The problems of ``pair`` found by each of ``checks`` (default: :data:`CHECKS`,
    read when called, so that a check appended to it runs), in list order."""
    return [problem for check_ in (CHECKS if checks is None else checks)
            for problem in check_(pair)]


def check_message(msgid: str, msgstr: str, flags: AbstractSet[str], lang: str,
                  glossary: Sequence[Term]) -> list[Problem]:
    """(level, message) for one translated message: every check of :data:`CHECKS`."""
    return run_checks(Pair(msgid, msgstr, flags, lang, glossary))


# --------------------------------------------------------------------------- entries
EntryProblem = tuple[int, str, str]  # (catalogue line, level, message)


def msgid_of(message) -> str:
    """The msgid of a catalogue entry; a plural entry's singular (its key)."""
    return message.id if isinstance(message.id, str) else message.id[0]


def placeholder_problems(text: str, english: set[str], every_one: bool) -> list[Problem]:
    """The placeholders (``%(count)s``) of one plural form against the English's:
    none the English lacks, every one of the English when ``every_one`` (the form
    does not stand for a single number), and no lone '%'."""
    names, lone = plurals.placeholders(text)
    out = [(ERROR, f"placeholder {name} is not in the English")
           for name in sorted(set(names) - english)]
    if every_one:
        out += [(ERROR, f"placeholder {name} of the English is missing")
                for name in sorted(english - set(names))]
    if lone:
        out.append((ERROR, "a lone '%' (write %% for a percent sign)"))
    return out


def _plural_findings(message, flags: AbstractSet[str], lang: str, glossary: Sequence[Term],
                     plural_forms: str) -> list[EntryProblem]:
    """:func:`entry_findings` of a plural entry."""
    count, form = plurals.rule(plural_forms)
    single = plurals.single_value_forms(plural_forms)
    singular, plural = message.id
    english = set(plurals.placeholders(singular)[0] + plurals.placeholders(plural)[0])
    line = message.lineno or 0
    lines = getattr(message, "form_lines", [])
    out, glossary_seen = [], set()
    for index, text in enumerate(forms(message, count)):
        found = placeholder_problems(text, english, index not in single)
        found += check_message(singular if form(1) == index else plural, text, flags, lang,
                               glossary)
        at = lines[index] if index < len(lines) else line
        for level, what in found:
            if not what.startswith("glossary"):
                out.append((at, level, f"msgstr[{index}]: {what}"))
            elif what not in glossary_seen:  # one term, one warning for the entry
                glossary_seen.add(what)
                out.append((line, level, what))
    return out


def entry_findings(message, flags: AbstractSet[str], lang: str, glossary: Sequence[Term],
                   plural_forms: str) -> list[EntryProblem]:
    """(line, level, message) for a translated entry, singular or plural.

    Each ``msgstr[i]`` of a plural entry is checked as a translation of the
    English it stands for (``msgid`` for the form of n = 1, else ``msgid_plural``),
    at its own line. Its placeholders (``%(count)s``) must be the English's: none
    the English lacks, and every one unless the form stands for a single number
    ("una página", Arabic's dual "صفحتان"; see :func:`plurals.single_value_forms`)."""
    if isinstance(message.id, tuple):
        return _plural_findings(message, flags, lang, glossary, plural_forms)
    line = message.lineno or 0
    return [(line, level, text) for level, text in
            check_message(message.id, message.string, flags, lang, glossary)]


def untranslated_reason(message, count: int) -> tuple[int, str]:
    """(line, "untranslated…") of an untranslated entry: a plural entry with some
    forms filled names the empty ``msgstr[n]``, at the line of the first."""
    line = message.lineno or 0
    strings = forms(message, count) if isinstance(message.id, tuple) else ("",)
    empty = [i for i, text in enumerate(strings) if not text] if any(strings) else []
    if not empty:
        return line, "untranslated"
    lines = getattr(message, "form_lines", [])
    return (lines[empty[0]] if empty[0] < len(lines) else line,
            f"untranslated: {', '.join(f'msgstr[{i}]' for i in empty)} empty")


def fuzzy_reason(message) -> str:
    """Why a fuzzy entry is listed: the English changed, or someone marked it."""
    if message.previous_id:
        return "fuzzy: the English changed; review the translation and clear the flag"
    return "fuzzy: marked for review; check the translation and clear the flag"


# --------------------------------------------------------------------------- template flags
TemplateFlags = dict[tuple[str | None, str], set[str]]


def flags_of_template(template: Iterable) -> TemplateFlags:
    """The flags of each message of a template (an in-memory catalogue), by
    (msgctxt, msgid)."""
    return {(m.context, msgid_of(m)): set(m.flags) for m in template if m.id}


def read_template_flags(project: Project) -> TemplateFlags | None:
    """The QA flags of each message (``max-length:N``, …) as the template on disk
    has them, or None when there is no template. Checks use these, not the flags in
    a translator's file: msgcat, Poedit and Weblate drop flags they do not know, and
    a limit must not disappear because a catalogue went through one of them."""
    if not project.pot_path.exists():
        return None
    return flags_of_template(read_catalog_readonly(project.pot_path,
                                                   project.rel(project.pot_path),
                                                   cache=project.cache_dir))



def qa_flags(message, from_template: TemplateFlags | None) -> set[str]:
    """The translator's own flags (``ignore-same``) and the template's QA flags."""
    if from_template is None:
        return set(message.flags)
    return translator_flags(message.flags) | from_template.get((message.context,
                                                                msgid_of(message)), set())


# --------------------------------------------------------------------------- catalogue checks
@dataclass(frozen=True)
class CatalogContext:
    """What the checks of a catalogue's entries need besides the entry."""

    lang: str
    source_language: str
    plural_forms: str  # the catalogue's Plural-Forms, and its number of forms
    count: int
    glossary: Sequence[Term] = ()
    from_template: TemplateFlags | None = None


def check_fuzzy(message, ctx: CatalogContext) -> list[EntryProblem]:
    """A warning for a fuzzy entry (it prints in English)."""
    if message.fuzzy:
        return [(message.lineno or 0, WARNING, fuzzy_reason(message))]
    return []


def check_untranslated(message, ctx: CatalogContext) -> list[EntryProblem]:
    """A warning for an untranslated entry, except in the source language's catalogue."""
    if ctx.lang != ctx.source_language and untranslated(message, ctx.count):
        at, reason = untranslated_reason(message, ctx.count)
        return [(at, WARNING, reason)]
    return []


def check_translation(message, ctx: CatalogContext) -> list[EntryProblem]:
    """The findings of :data:`CHECKS` on a translated entry; in the source
    language's catalogue, no glossary or identical-to-the-English warnings."""
    if untranslated(message, ctx.count):
        return []
    found = entry_findings(message, qa_flags(message, ctx.from_template), ctx.lang,
                           ctx.glossary, ctx.plural_forms)
    if ctx.lang == ctx.source_language:
        found = [(at, level, text) for at, level, text in found
                 if not (text.startswith("glossary") or "translation identical" in text)]
    return found


EntryCheck = Callable[[Any, CatalogContext], list[EntryProblem]]
CATALOG_CHECKS: list[EntryCheck] = [check_fuzzy, check_untranslated, check_translation]


def check_catalog(catalog: Iterable, shown: str, ctx: CatalogContext) -> list[Finding]:
    """The findings of :data:`CATALOG_CHECKS` on each entry of an in-memory
    catalogue (``shown``: its path as findings name it), in catalogue order."""
    return [Finding(shown, at, level, text)
            for message in catalog if message.id
            for check_ in CATALOG_CHECKS
            for at, level, text in check_(message, ctx)]


def check(project: Project, langs: list[str]) -> list[Finding]:
    """``invoke check``: read the glossary, the template's flags and the catalogue
    of each of ``langs`` from disk, and check them. A catalogue's findings are kept
    between runs while it, the template and the glossary are unchanged
    (:mod:`pressroom.diskcache`)."""
    glossary_path = project.locales_dir / "glossary.csv"
    shared: list[bytes | str] = [_bytes_or_empty(glossary_path),
                                 _bytes_or_empty(project.pot_path), project.source_language]

    @cache  # read once, and only if a catalogue has to be checked
    def glossary_and_flags() -> tuple[list[Term], TemplateFlags | None]:
        return load_glossary(glossary_path), read_template_flags(project)

    findings = []
    for lang in langs:
        path = project.po_path(lang)
        shown = project.rel(path)

        def compute(path: Path = path, shown: str = shown, lang: str = lang) -> list[Finding]:
            catalog = read_catalog_readonly(path, shown, lang, project.cache_dir)
            rule, count = plural_setup(catalog, shown)
            ctx = CatalogContext(lang, project.source_language, rule, count,
                                 *glossary_and_flags())
            return check_catalog(catalog, shown, ctx)

        inputs: list[bytes | str] = [*shared, _bytes_or_empty(path), shown, lang]
        findings += diskcache.cached(project.cache_dir, "findings", inputs, compute)
    return findings


def _bytes_or_empty(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return b""


# --------------------------------------------------------------------------- check errors
@dataclass(frozen=True)
class EntryErrors:
    """The check errors of one translated entry, each at its line (a plural form's
    error names its ``msgstr[i]``)."""

    plural: bool
    errors: tuple[tuple[int, str], ...]


CatalogErrors = dict[tuple[str | None, str], EntryErrors]  # by (msgctxt, msgid)
Rejected = dict[tuple[str | None, str], list[str]]
_ERRORS: dict[tuple, tuple] = {}  # (catalogue, lang) -> (its and the template's stamps, errors)


def catalog_errors(catalog: Iterable, shown: str, lang: str,
                   from_template: TemplateFlags | None) -> CatalogErrors:
    """The check errors of each translated, non-fuzzy entry of an in-memory
    catalogue that has any (singular and plural), in catalogue order: what
    refuses a print run and makes a translation print in English."""
    rule, count = plural_setup(catalog, shown)
    found: CatalogErrors = {}
    for message in catalog:
        if not message.id or message.fuzzy or untranslated(message, count):
            continue
        errors = tuple((at, text) for at, level, text in entry_findings(
                           message, qa_flags(message, from_template), lang, [], rule)
                       if level == ERROR)
        if errors:
            found[message.context, msgid_of(message)] = EntryErrors(
                not isinstance(message.id, str), errors)
    return found


def read_catalog_errors(project: Project, lang: str) -> CatalogErrors:
    """:func:`catalog_errors` of ``lang``'s catalogue on disk, with the template's
    flags (limits survive an editor that drops flags); none without a catalogue.
    Computed once while the catalogue and the template are unchanged, for the
    gate and the lookup alike, and kept between runs (:mod:`pressroom.diskcache`)."""
    path = project.po_path(lang)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    pot = project.pot_path.stat() if project.pot_path.exists() else None
    where = (str(path.resolve()), lang)
    stamp = (stat.st_size, stat.st_mtime_ns, pot and (pot.st_size, pot.st_mtime_ns))
    if _ERRORS.get(where, (None,))[0] != stamp:
        shown = project.rel(path)

        def compute() -> CatalogErrors:
            catalog = read_catalog_readonly(path, shown, lang, project.cache_dir)
            return catalog_errors(catalog, shown, lang, read_template_flags(project))

        inputs: list[bytes | str] = [path.read_bytes(), _bytes_or_empty(project.pot_path),
                                     shown, lang]
        _ERRORS[where] = (stamp, diskcache.cached(project.cache_dir, "check", inputs, compute))
    return _ERRORS[where][1]


def rejected_of(errors: CatalogErrors) -> Rejected:
    """The singular translations that check errors reject, with the reasons."""
    return {key: [text for _, text in entry.errors]
            for key, entry in errors.items() if not entry.plural}


def rejected(project: Project, lang: str) -> Rejected:
    """The translations of ``lang`` that ``check`` rejects (an error, not a warning),
    by (msgctxt, msgid), with the reasons. Such a translation is never printed: the
    English is, as for an untranslated string (the gate refuses a strict print run
    that has any). Plural entries are left to the lookup, which refuses a form it
    cannot format. Read from disk through :func:`read_catalog_errors`."""
    if lang == project.source_language:
        return {}
    return rejected_of(read_catalog_errors(project, lang))


def without_rejected(project: Project, tx):
    """``tx`` (a :class:`pressroom.messages.catalogs.Translations`) with the translations that
    ``check`` rejects taken out of its table, so that they print in English and
    count as fallbacks; they are kept in ``tx.rejected`` with their reasons."""
    for key, reasons in rejected(project, tx.lang).items():
        if key in tx.table:
            del tx.table[key]
            tx.rejected[key] = reasons
    return tx
