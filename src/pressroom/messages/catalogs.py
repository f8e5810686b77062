"""Catalogues: strict reading, ``update`` (merge), ``compile``, and lookup for rendering.

Reading and writing the files is :mod:`pressroom.messages.pofile` (strict, GNU's
layout); this module merges the template into each language's catalogue,
compiles ``.mo`` files and looks translations up for rendering.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from babel.core import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo

from pressroom import diskcache
from pressroom.errors import CatalogError
from pressroom.fsutil import atomic_write_bytes
from pressroom.messages import plurals, pofile, poreader
from pressroom.messages.pofile import PoCatalog
from pressroom.model.config import Project
from pressroom.model.content import nothing_to_translate


def read_catalog(path: Path, shown: str, locale: str | None = None) -> PoCatalog:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise CatalogError("catalogue not found (run `invoke update`)", shown) from None
    return pofile.parse(data, shown, locale)


_READ_ONLY: dict[tuple, Catalog] = {}


def read_catalog_readonly(path: Path, shown: str, locale: str | None = None,
                          cache: Path | None = None) -> Catalog:
    """``read_catalog`` for callers that only read (gate, check, preflight, lookup):
    one build reads each catalogue once, however many stages look at it. Keyed by
    the file's size and modification time, so an edited file is read again; with
    ``cache``, a file read in an earlier run with the same bytes is not parsed
    again (:mod:`pressroom.diskcache`)."""
    try:
        stat = Path(path).stat()
    except FileNotFoundError:
        return read_catalog(path, shown, locale)
    key = (str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns, locale)
    if key not in _READ_ONLY:
        data = Path(path).read_bytes()
        _READ_ONLY[key] = diskcache.cached(cache, "catalogue", [data, shown, locale or ""],
                                           lambda: pofile.parse(data, shown, locale))
    return _READ_ONLY[key]


#: Flags pressroom writes in the template: ``update`` takes them from the template
#: only, so a changed limit replaces the old one. Every other flag in a catalogue
#: is the translator's (``fuzzy``, ``ignore-same``, …) and survives ``update``.
TEMPLATE_FLAG = re.compile(r"^(max-length:\d+|(no-)?[\w-]+-format|(no-)?wrap)$")


def translator_flags(flags) -> set[str]:
    return {flag for flag in flags if not TEMPLATE_FLAG.match(flag)}


def _new_catalog(lang: str, template: PoCatalog) -> PoCatalog:
    try:
        Locale.parse(lang)
    except (ValueError, UnknownLocaleError):
        raise CatalogError(f"'{lang}' is not a locale Babel knows") from None
    created = template.field("POT-Creation-Date") or ""
    fields = [
        ("Project-Id-Version", template.field("Project-Id-Version") or template.project),
        ("Report-Msgid-Bugs-To", template.field("Report-Msgid-Bugs-To") or ""),
        ("POT-Creation-Date", created),
        ("PO-Revision-Date", created),
        ("Last-Translator", "FULL NAME <EMAIL@ADDRESS>"),
        ("Language-Team", f"{lang} <LL@li.org>"),
        ("Language", lang),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
        ("Plural-Forms", plurals.plural_forms(lang)[0]),
    ]
    project = template.field("Project-Id-Version") or "these publications"
    project = project.rsplit(" ", 1)[0] if project[-1:].isdigit() else project
    return PoCatalog(locale=lang, fields=fields, header_lines=[
        f"{lang} translations for {project}.",
        "Edit with Poedit, Weblate or a text editor; keep the markup",
        "(*em*, **strong**, [links](...) and [^note] references).", ""])


def _refresh_header(template: PoCatalog, catalog: PoCatalog) -> None:
    """As msgmerge: only POT-Creation-Date follows the template. The legacy
    ``Generated-By: Babel x.y`` stamp goes (it changed with every Babel release);
    Plural-Forms and every other field stay as the translator's file has them."""
    created = template.field("POT-Creation-Date")
    if created:
        catalog.set_field("POT-Creation-Date", created, after="Report-Msgid-Bugs-To")
    if (catalog.field("Generated-By") or "").startswith("Babel"):
        catalog.drop_field("Generated-By")


@dataclass
class UpdateResult:
    lang: str
    path: Path
    changed: bool
    created: bool
    fuzzy: int
    untranslated: int
    obsolete: int


FUZZY_CUTOFF = 60  # percent, as difflib.get_close_matches' 0.6 in Babel


def _fuzzy_key(message) -> str:
    """The text fuzzy matching compares: the msgid (the singular of a plural), as it
    is. GNU msgmerge compares case and all; Babel lower-cases, which ties "Failed"
    with "failed" and, on real catalogues, matched fewer edited messages to the
    message they were edited from (355 against msgmerge's 367 at 8,000)."""
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return msgid.strip()


def merge(template: Catalog, catalog: Catalog) -> Catalog:
    """Babel's merge with a fuzzy matcher that scales.

    Babel's own fuzzy matching calls difflib for every new message against every
    old one (quadratic, in pure Python: half an hour at 8,000 messages). Here
    Babel merges the exact matches, then each new message is compared with every
    old translated message by rapidfuzz (the similarity difflib's ratio
    approximates, computed in C, with pruning by length), with the same cutoff and the
    same result as Babel's: the translation, the ``fuzzy`` flag and the previous msgid (``#|``).
    Obsolete (``#~``) entries are candidates too, so a deleted paragraph that
    comes back gets its old translation, as with msgmerge.
    """
    _revive_obsolete(catalog)
    old = {catalog._key_for(m.id, m.context): m for m in catalog if m.id}
    kept = {key: (set(m.flags), list(m.previous_id or []), getattr(m, "previous_context", None))
            for key, m in old.items()}
    candidates = [m for m in old.values() if m.string and not _numeric(m)]
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False,
                   keep_user_comments=True, update_creation_date=False)
    _unshare(template, catalog)
    for message in catalog:
        if message.id:
            _merge_flags(message, catalog, template, kept)
    new = [m for m in catalog if m.id and catalog._key_for(m.id, m.context) not in old]
    if new and candidates:
        _fuzzy_fill(catalog, new, candidates)
    for key in [k for k, m in catalog.obsolete.items() if _numeric(m)]:
        del catalog.obsolete[key]  # numbers and symbols are no longer offered: nothing to keep
    if isinstance(template, PoCatalog) and isinstance(catalog, PoCatalog):
        _refresh_header(template, catalog)
    return catalog


def _unshare(template: Catalog, catalog: Catalog) -> None:
    """Give ``catalog`` its own copy of each message that is new to it.

    Babel's ``Catalog.update`` puts the template's own ``Message`` object into the
    catalogue for a new msgid; the flags and fuzzy translation set on it afterwards
    would then land in the template, and in every other language merged from the
    same template (``update`` merges all languages before writing any)."""
    shared = {id(m) for m in template if m.id}
    for key, message in list(catalog._messages.items()):
        if id(message) in shared:
            catalog._messages[key] = message.clone()


def _revive_obsolete(catalog: Catalog) -> None:
    """Bring obsolete (``#~``) entries back among the messages, as merge candidates."""
    for message in list(catalog.obsolete.values()):
        if message.id and message.id not in catalog:
            catalog[message.id] = message
    catalog.obsolete.clear()


_Kept = tuple[set[str], list[str], str | None]  # flags, previous msgid, previous msgctxt


def _merge_flags(message: Message, catalog: Catalog, template: Catalog,
                 kept: dict[tuple[str, str] | str, _Kept]) -> None:
    """A merged message's flags: the template's, plus ``fuzzy`` and the translator's
    own flags from before the merge; a fuzzy one keeps the English it was made for."""
    key = catalog._key_for(message.id, message.context)
    flags = set(template._messages[key].flags) if key in template._messages else set()
    if "fuzzy" in message.flags:  # fuzzy before, or Babel found the plural forms changed
        flags.add("fuzzy")
    if key in kept:
        old_flags, previous, previous_context = kept[key]
        flags |= translator_flags(old_flags)
        if "fuzzy" in flags and previous:  # the English the translation was made for
            message.previous_id = previous
            pofile.set_previous_context(message, previous_context)
    message.flags = flags


def _numeric(message) -> bool:
    return isinstance(message.id, str) and nothing_to_translate(message.id)


def _best_matches(queries: list[str], choices: list[str]) -> list[int | None]:
    """For each query, the index of the most similar choice (the first of equals),
    or None below the cutoff. rapidfuzz's ratio (the similarity difflib's and
    msgmerge's approximate) for every pair at once, in C++ on every core: 0.33 s
    for 1,120 new messages against 16,000 (one ``extractOne`` per query, which
    converts every choice again each time: 1.4 s)."""
    import numpy as np
    from rapidfuzz import fuzz, process

    if not choices:
        return [None] * len(queries)
    out: list[int | None] = []
    # scores as floats: whole percentages tie 69.0 with 68.8, and the first of the
    # two won (msgmerge chose the closer one); a block of queries at a time keeps
    # the matrix under 16 MB
    rows = max(1, (4 << 20) // max(1, len(choices)))
    for start in range(0, len(queries), rows):
        scores = process.cdist(queries[start:start + rows], choices, scorer=fuzz.ratio,
                               score_cutoff=FUZZY_CUTOFF, workers=-1, dtype=np.float32)
        best = scores.argmax(axis=1)
        out += [int(index) if scores[row, index] >= FUZZY_CUTOFF else None
                for row, index in enumerate(best)]
    return out


def _fuzzy_fill(catalog: Catalog, new: list, candidates: list) -> None:
    used = set()
    matches = _best_matches([_fuzzy_key(m) for m in new], [_fuzzy_key(m) for m in candidates])
    for message, index in zip(new, matches, strict=True):
        if index is None:
            continue
        oldmsg = candidates[index]
        if isinstance(message.id, tuple) != isinstance(oldmsg.string, tuple):
            continue  # singular and plural do not mix
        message.string = oldmsg.string
        message.previous_id = [oldmsg.id] if isinstance(oldmsg.id, str) else list(oldmsg.id)
        message.flags |= translator_flags(oldmsg.flags) | {"fuzzy"}
        if oldmsg.context != message.context:
            pofile.set_previous_context(message, oldmsg.context)
        if oldmsg.user_comments:
            message.user_comments = list(dict.fromkeys(oldmsg.user_comments))
        used.add(catalog._key_for(oldmsg.id, oldmsg.context))
    for key in used:  # as in Babel: a message reused as a fuzzy match is not obsolete
        catalog.obsolete.pop(key, None)


# Where a message is printed: ``#. brochure.pdf p. 5 (key-figures panel)``, written
# by pressroom.qa.locate from the layout data of a print build and kept by `update`.
LOCATION = re.compile(r"^(?P<doc>[\w.-]+)\.pdf pp?\. \S")


def is_location(comment: str) -> bool:
    return bool(LOCATION.match(comment))


def _keep_locations(catalog, merge_step) -> None:
    """Run ``merge_step`` (which replaces extracted comments with the template's)
    and put each message's location comments back after it."""
    previous = {(m.context, m.id): [c for c in m.auto_comments if is_location(c)]
                for m in catalog if m.id}
    merge_step()
    for message in catalog:
        kept = previous.get((message.context, message.id)) if message.id else None
        if kept:
            message.auto_comments = [c for c in message.auto_comments
                                     if not is_location(c)] + kept


def update(project: Project, langs: list[str],
           annotate: Callable[[str, Catalog], None] | None = None) -> list[UpdateResult]:
    """Merge ``messages.pot`` into each language's catalogue (create it if missing).

    Every catalogue is read and merged before any is written, so one broken file
    stops the run with nothing changed. Where each message is printed (``#.
    brochure.pdf p. 5 …``) is kept through the merge; ``annotate(lang, catalog)``,
    when given, refreshes it (the CLI passes :func:`pressroom.qa.locate.refresh`).

    Python's cycle collector is paused meanwhile (:func:`.poreader.collector_paused`):
    Babel's merge copies every message, and at 16,000 messages the collector walked
    the three catalogues over and over, a third of the time ``update`` took.
    """
    with poreader.collector_paused():
        return _update(project, langs, annotate)


def _update(project: Project, langs: list[str],
            annotate: Callable[[str, Catalog], None] | None) -> list[UpdateResult]:
    template = read_catalog(project.pot_path, project.rel(project.pot_path))
    pending = []
    for lang in langs:
        path = project.po_path(lang)
        shown = project.rel(path)
        created = not path.exists()
        catalog = _new_catalog(lang, template) if created else read_catalog(path, shown, lang)
        _keep_locations(catalog, lambda catalog=catalog: merge(template, catalog))
        if annotate is not None:
            annotate(lang, catalog)
        pending.append((lang, path, created, catalog, nplurals(catalog, shown)))
    results = []
    for lang, path, created, catalog, count in pending:
        data = pofile.dumps(catalog)
        changed = atomic_write_bytes(path, data)
        messages = [m for m in catalog if m.id]
        results.append(UpdateResult(
            lang, path, changed, created,
            fuzzy=sum(1 for m in messages if m.fuzzy),
            untranslated=sum(1 for m in messages if untranslated(m, count)),
            obsolete=len(catalog.obsolete)))
    return results


def compile_catalogs(project: Project, langs: list[str]) -> list[tuple[str, Path, bool]]:
    catalogs = [(lang, read_catalog(project.po_path(lang), project.rel(project.po_path(lang)),
                                    lang)) for lang in langs]
    out = []
    for lang, catalog in catalogs:
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        path = project.mo_path(lang)
        out.append((lang, path, atomic_write_bytes(path, buffer.getvalue())))
    return out


def forms(message, nplurals: int) -> tuple[str, ...]:
    """A plural entry's ``msgstr[0..nplurals-1]`` ("" for a missing one)."""
    strings = message.string if isinstance(message.string, (list, tuple)) \
        else (message.string or "",)
    return tuple((list(strings) + [""] * nplurals)[:nplurals])


def untranslated(message, nplurals: int) -> bool:
    """No translation; for a plural entry, any ``msgstr[n]`` empty or missing."""
    if isinstance(message.id, tuple):
        return not all(forms(message, nplurals))
    return not message.string


def plural_forms(catalog, shown: str) -> str:
    """The catalogue's Plural-Forms (English's if it has none), checked only when it
    has plural entries: CatalogError at the header line if it cannot be read."""
    value = catalog.field("Plural-Forms") or plurals.PLURAL_FORMS["en"]
    if any(isinstance(m.id, tuple) for m in catalog):
        try:
            plurals.rule(value)
        except ValueError as exc:
            raise CatalogError(f"{exc}; correct the Plural-Forms line of the header (see "
                               "src/pressroom/plurals.py for your language's)", shown,
                               getattr(catalog, "plural_forms_line", None)) from None
    return value


def nplurals(catalog, shown: str) -> int:
    """How many ``msgstr[n]`` a plural entry of the catalogue needs (see plural_forms)."""
    return plural_setup(catalog, shown)[1]


def plural_setup(catalog, shown: str) -> tuple[str, int]:
    """(Plural-Forms value, number of forms) of the catalogue, read once."""
    value = plural_forms(catalog, shown)
    try:
        return value, plurals.parse(value)[0]
    except ValueError:  # malformed, and no plural entry needs it
        return value, 1


@dataclass
class Translations:
    """Lookup of translated strings for one language, with the fallbacks it made."""

    lang: str
    table: dict[tuple[str | None, str], str]
    fuzzy: set[tuple[str | None, str]] = field(default_factory=set)
    lines: dict[tuple[str | None, str], int] = field(default_factory=dict)
    path: str | None = None
    fallbacks: set[tuple[str | None, str]] = field(default_factory=set)
    missing: set[tuple[str | None, str]] = field(default_factory=set)
    layout_keys: frozenset[tuple[str | None, str]] = frozenset()  # strings of the templates
    fuzzy_table: dict[tuple[str | None, str], str] = field(default_factory=dict)
    rejected: dict[tuple[str | None, str], list[str]] = field(default_factory=dict)  # by check
    # Plural entries, keyed by (msgctxt, msgid): msgstr[0..n-1], complete ones only.
    plural_table: dict[tuple[str | None, str], tuple[str, ...]] = field(default_factory=dict)
    fuzzy_plural_table: dict[tuple[str | None, str], tuple[str, ...]] = \
        field(default_factory=dict)
    plural_forms: str = plurals.PLURAL_FORMS["en"]  # the catalogue's Plural-Forms
    form_lines: dict[tuple[str | None, str], list[int]] = field(default_factory=dict)
    source_language: str = "en"

    def gettext(self, msgid: str, context: str | None = None) -> str:
        return self.lookup(msgid, context)[0]

    def lookup(self, msgid: str, context: str | None = None,
               use_fuzzy: bool = False) -> tuple[str, str]:
        """The text to print and its state: ``translated``, ``fuzzy`` (only with
        ``use_fuzzy``, for proofs), or ``fallback`` (printed in English)."""
        key = (context, msgid)
        found = self.table.get(key)
        if found:
            return found, "translated"
        if nothing_to_translate(msgid):
            return msgid, "translated"  # a number or a symbol, never offered to translators
        if key in self.lines:
            self.fallbacks.add(key)
        else:
            self.missing.add(key)
        if use_fuzzy and self.fuzzy_table.get(key):
            return self.fuzzy_table[key], "fuzzy"
        return msgid, "fallback"

    def nlookup(self, singular: str, plural: str, n: int, context: str | None = None,
                use_fuzzy: bool = False) -> tuple[str, str]:
        """``lookup`` for a plural entry: ``msgstr[i]`` with i from the catalogue's
        Plural-Forms; untranslated (any form empty) or fuzzy, the English by the
        source language's rule. A form with a placeholder the English lacks is a
        CatalogError at its line (formatting it would fail)."""
        key = (context, singular)
        found = self.plural_table.get(key)
        state = "translated"
        if not found:
            if key in self.lines:
                self.fallbacks.add(key)
            else:
                self.missing.add(key)
            found = self.fuzzy_plural_table.get(key) if use_fuzzy else None
            state = "fuzzy"
        if not found:
            return plurals.source_text(singular, plural, n, self.source_language), "fallback"
        index = plurals.rule(self.plural_forms)[1](n)
        text = found[index]
        english = set(plurals.placeholders(singular)[0] + plurals.placeholders(plural)[0])
        extra = [p for p in plurals.placeholders(text)[0] if p not in english]
        if extra or plurals.placeholders(text)[1]:
            what = (f"placeholder {extra[0]} is not in the English" if extra
                    else "a lone '%' (write %% for a percent sign)")
            lines = self.form_lines.get(key, [])
            raise CatalogError(f"msgstr[{index}]: {what}", self.path,
                               lines[index] if index < len(lines) else self.lines.get(key))
        return text, state


def load_translations(project: Project, lang: str) -> Translations:
    """The lookup for ``lang``; an absent catalogue means every string stays English."""
    path = project.po_path(lang)
    shown = project.rel(path)
    if not path.exists():
        if lang == project.source_language:
            return Translations(lang, {}, path=shown, source_language=lang)
        raise CatalogError("catalogue not found (run `invoke extract update`)", shown)
    catalog = read_catalog_readonly(path, shown, lang, project.cache_dir)
    rule, count = plural_setup(catalog, shown)
    found = _Tables(count)
    for message in catalog:
        if message.id:
            found.add(message)
    return Translations(lang, found.table, found.fuzzy, found.lines, shown,
                        layout_keys=frozenset(found.layout), fuzzy_table=found.fuzzy_table,
                        plural_table=found.plural_table,
                        fuzzy_plural_table=found.fuzzy_plural_table,
                        plural_forms=rule, form_lines=found.form_lines,
                        source_language=project.source_language)


Key = tuple[str | None, str]  # (msgctxt, msgid; a plural entry's singular)


@dataclass
class _Tables:
    """The tables of :class:`Translations`, filled one catalogue message at a time."""

    count: int  # msgstr[n] a plural entry needs
    table: dict[Key, str] = field(default_factory=dict)
    fuzzy: set[Key] = field(default_factory=set)
    lines: dict[Key, int] = field(default_factory=dict)
    layout: set[Key] = field(default_factory=set)
    fuzzy_table: dict[Key, str] = field(default_factory=dict)
    plural_table: dict[Key, tuple[str, ...]] = field(default_factory=dict)
    fuzzy_plural_table: dict[Key, tuple[str, ...]] = field(default_factory=dict)
    form_lines: dict[Key, list[int]] = field(default_factory=dict)

    def add(self, message: Message) -> None:
        if isinstance(message.id, str):
            key: Key = (message.context, message.id)
        else:
            key = (message.context, message.id[0])
        self.lines[key] = message.lineno or 0
        if any(name.startswith("layouts/") for name, _ in message.locations):
            self.layout.add(key)
        if not isinstance(message.id, str):
            self.add_plural(key, message)
            return
        string = message.string if isinstance(message.string, str) else ""
        if message.fuzzy:
            self.fuzzy.add(key)
            if string:
                self.fuzzy_table[key] = string
        elif string:
            self.table[key] = string

    def add_plural(self, key: Key, message: Message) -> None:
        """A plural entry: its forms go in a table only when every one is translated."""
        self.form_lines[key] = list(getattr(message, "form_lines", []))
        if message.fuzzy:
            self.fuzzy.add(key)
        if not untranslated(message, self.count):
            target = self.fuzzy_plural_table if message.fuzzy else self.plural_table
            target[key] = forms(message, self.count)
