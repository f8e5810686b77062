"""``invoke check``: does every translation keep what the print needs?

For each translated message: the same footnote references and link targets as
the English, emphasis that opens and closes, no raw HTML, the numbers of the
English (in any locale format), the length limit (``#, max-length:N``), and the
agreed terms of ``locales/glossary.csv``. A translation identical to the English
is a warning unless the entry carries the ``ignore-same`` flag (as in Weblate).
Untranslated and fuzzy entries are listed as warnings.

Each finding is one line: ``locales/fr/LC_MESSAGES/messages.po:123: message``.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pressroom.errors import PressroomError
from pressroom.messages import plurals
from pressroom.messages.catalogs import (
    forms,
    plural_setup,
    read_catalog_readonly,
    translator_flags,
    untranslated,
)
from pressroom.model.config import Project
from pressroom.text import markup

ERROR, WARNING = "error", "warning"
_HTML = re.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*>")
_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f\u2009 ]\d+)*")
_MAX_LENGTH = re.compile(r"^max-length:(\d+)$")


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


def load_glossary(path: Path) -> list[Term]:
    if not path.exists():
        return []
    terms = []
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                english = (row.get("en") or "").strip()
                if not english:
                    continue
                translations = {lang: tuple(_fold(a.strip()) for a in value.split("|") if a.strip())
                                for lang, value in row.items()
                                if lang not in ("en", "status", "note") and value}
                pattern = re.compile(r"\b" + re.escape(_fold(english)) + r"\b")
                terms.append(Term(english, translations, pattern))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise PressroomError(f"unreadable glossary: {exc}", str(path)) from None
    return terms


# --------------------------------------------------------------------------- checks
def _digits(text: str) -> Counter:
    """Numbers as digit strings, separators dropped: 330,000 / 330.000 / 330 000 -> 330000."""
    found = Counter()
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


def check_message(msgid: str, msgstr: str, flags: set[str], lang: str,
                  glossary: list[Term]) -> list[tuple[str, str]]:
    """(level, message) for one translated message."""
    out: list[tuple[str, str]] = []
    source, target = markup.parse(msgid), markup.parse(msgstr)

    src_notes = Counter(t.meta["id"] for t in source if t.type == "footnote_ref")
    tgt_notes = Counter(t.meta["id"] for t in target if t.type == "footnote_ref")
    for note in sorted(src_notes - tgt_notes):
        out.append((ERROR, f"footnote [^{note}] missing in translation"))
    for note in sorted(tgt_notes - src_notes):
        out.append((ERROR, f"footnote [^{note}] is not in the English"))

    src_links = Counter(t.attrs.get("href") for t in source if t.type == "link_open")
    tgt_links = Counter(t.attrs.get("href") for t in target if t.type == "link_open")
    for url in sorted(src_links - tgt_links):
        out.append((ERROR, f"link to {url} missing in translation"))
    for url in sorted(tgt_links - src_links):
        out.append((ERROR, f"link to {url} is not in the English"))

    for marker, name in (("**", "strong"), ("*", "em")):
        opened = sum(1 for t in target if t.type == f"{name}_open")
        if opened != sum(1 for t in source if t.type == f"{name}_open"):
            out.append((ERROR, (f"{'bold' if name == 'strong' else 'emphasis'} ({marker}…{marker}) "
                               "differs from the English: check that every marker is closed")))
            break
    if "*" in _runs(target) and "*" not in _runs(source):
        out.append((ERROR, "a '*' is left over: emphasis markers must come in pairs"))

    tag = _HTML.search(msgstr)
    if tag and not _HTML.search(msgid):
        out.append((ERROR, f"raw HTML {tag.group(0)!r} is not allowed (it would print as text)"))

    src_numbers = _digits(_runs(source))
    tgt_numbers = _digits(_runs(target))
    for number in sorted(src_numbers - tgt_numbers):
        if len(number) == 1 or (len(number) == 2 and int(number) <= 10):
            continue  # one to ten may be written in words (UN Spanish and French style)
        out.append((ERROR, f"number {number} of the English is missing in the translation"))

    for flag in flags:
        match = _MAX_LENGTH.match(flag)
        if match and len(msgstr) > int(match.group(1)):
            out.append((ERROR, (f"translation is {len(msgstr)} characters, over the limit of "
                               f"{match.group(1)}")))

    if msgstr == msgid and "ignore-same" not in flags and re.search(r"[a-z]{3}", msgid) \
            and not re.fullmatch(r"[\w./()-]*\d[\w./()-]*", msgid):  # symbols such as A/RES/71/1
        out.append((WARNING, ("translation identical to the English (add the flag ignore-same "
                             "if that is right)")))

    folded_source, folded_target = _fold(_runs(source, skip_emphasis=True)), _fold(msgstr)
    for term in glossary:
        wanted = term.translations.get(lang) or term.translations.get(lang.split("_")[0])
        if wanted and term.pattern.search(folded_source) and \
                not any(alt in folded_target for alt in wanted):
            out.append((WARNING, (f"glossary: '{term.english}' should be "
                                 f"'{' or '.join(wanted)}'")))
    return out


def entry_findings(message, flags: set[str], lang: str, glossary: list[Term],
                   plural_forms: str) -> list[tuple[int, str, str]]:
    """(line, level, message) for a translated entry, singular or plural.

    Each ``msgstr[i]`` of a plural entry is checked as a translation of the
    English it stands for (``msgid`` for the form of n = 1, else ``msgid_plural``),
    at its own line. Its placeholders (``%(count)s``) must be the English's: none
    the English lacks, and every one unless the form stands for a single number
    ("una página", Arabic's dual "صفحتان"; see :func:`plurals.single_value_forms`)."""
    line = message.lineno or 0
    if not isinstance(message.id, tuple):
        return [(line, level, text) for level, text in
                check_message(message.id, message.string, flags, lang, glossary)]
    count, form = plurals.rule(plural_forms)
    single = plurals.single_value_forms(plural_forms)
    singular, plural = message.id
    english = set(plurals.placeholders(singular)[0] + plurals.placeholders(plural)[0])
    lines = getattr(message, "form_lines", [])
    out, glossary_seen = [], set()
    for index, text in enumerate(forms(message, count)):
        found: list[tuple[str, str]] = []
        names, lone = plurals.placeholders(text)
        found += [(ERROR, f"placeholder {name} is not in the English")
                  for name in sorted(set(names) - english)]
        if index not in single:
            found += [(ERROR, f"placeholder {name} of the English is missing")
                      for name in sorted(english - set(names))]
        if lone:
            found.append((ERROR, "a lone '%' (write %% for a percent sign)"))
        found += check_message(singular if form(1) == index else plural, text, flags, lang,
                               glossary)
        at = lines[index] if index < len(lines) else line
        for level, what in found:
            if what.startswith("glossary"):  # one term, one warning for the entry
                if what not in glossary_seen:
                    glossary_seen.add(what)
                    out.append((line, level, what))
            else:
                out.append((at, level, f"msgstr[{index}]: {what}"))
    return out


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


def template_flags(project: Project) -> dict[tuple[str | None, str], set[str]] | None:
    """The QA flags of each message (``max-length:N``, …) as the template has them,
    or None when there is no template. Checks use these, not the flags in a
    translator's file: msgcat, Poedit and Weblate drop flags they do not know, and
    a limit must not disappear because a catalogue went through one of them."""
    if not project.pot_path.exists():
        return None
    template = read_catalog_readonly(project.pot_path, project.rel(project.pot_path))
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]): set(m.flags)
            for m in template if m.id}


def qa_flags(message, from_template: dict | None) -> set[str]:
    """The translator's own flags (``ignore-same``) and the template's QA flags."""
    if from_template is None:
        return set(message.flags)
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return translator_flags(message.flags) | from_template.get((message.context, msgid), set())


def fuzzy_reason(message) -> str:
    if message.previous_id:
        return "fuzzy: the English changed; review the translation and clear the flag"
    return "fuzzy: marked for review; check the translation and clear the flag"


def check(project: Project, langs: list[str]) -> list[Finding]:
    glossary = load_glossary(project.locales_dir / "glossary.csv")
    from_template = template_flags(project)
    findings = []
    for lang in langs:
        path = project.po_path(lang)
        shown = project.rel(path)
        catalog = read_catalog_readonly(path, shown, lang)
        rule, count = plural_setup(catalog, shown)
        for message in catalog:
            if not message.id:
                continue
            line = message.lineno or 0
            if message.fuzzy:
                findings.append(Finding(shown, line, WARNING, fuzzy_reason(message)))
            if untranslated(message, count):
                if lang != project.source_language:
                    at, reason = untranslated_reason(message, count)
                    findings.append(Finding(shown, at, WARNING, reason))
                continue
            for at, level, text in entry_findings(message, qa_flags(message, from_template),
                                                  lang, glossary, rule):
                if lang == project.source_language and (text.startswith("glossary") or
                                                        "translation identical" in text):
                    continue
                findings.append(Finding(shown, at, level, text))
    return findings


# --------------------------------------------------------------------------- fallbacks
_REJECTED: dict[tuple, tuple] = {}  # (catalogue, lang) -> (its size and mtime, rejected)


def rejected(project: Project, lang: str) -> dict[tuple[str | None, str], list[str]]:
    """The translations of ``lang`` that ``check`` rejects (an error, not a warning),
    by (msgctxt, msgid), with the reasons. Such a translation is never printed: the
    English is, as for an untranslated string (the gate refuses a strict print run
    that has any). Kept while the catalogue and the template are unchanged."""
    if lang == project.source_language:
        return {}
    path = project.po_path(lang)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    pot = project.pot_path.stat() if project.pot_path.exists() else None
    where = (str(path.resolve()), lang)
    stamp = (stat.st_size, stat.st_mtime_ns, pot and (pot.st_size, pot.st_mtime_ns))
    if _REJECTED.get(where, (None,))[0] != stamp:
        found: dict[tuple[str | None, str], list[str]] = {}
        from_template = template_flags(project)  # limits survive an editor that drops flags
        for message in read_catalog_readonly(path, project.rel(path), lang):
            if not message.id or isinstance(message.id, tuple) or message.fuzzy \
                    or not message.string:
                continue
            errors = [text for level, text in check_message(
                          message.id, message.string, qa_flags(message, from_template),
                          lang, [])
                      if level == ERROR]
            if errors:
                found[message.context, message.id] = errors
        _REJECTED[where] = (stamp, found)
    return _REJECTED[where][1]


def without_rejected(project: Project, tx):
    """``tx`` (a :class:`pressroom.messages.catalogs.Translations`) with the translations that
    ``check`` rejects taken out of its table, so that they print in English and
    count as fallbacks; they are kept in ``tx.rejected`` with their reasons."""
    for key, reasons in rejected(project, tx.lang).items():
        if key in tx.table:
            del tx.table[key]
            tx.rejected[key] = reasons
    return tx
