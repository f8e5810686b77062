"""Catalogues: strict reading, ``update`` (merge), ``compile``, and lookup for rendering.

Babel's ``read_po`` is lenient (an unterminated string is silently read), so
every ``.po``/``.pot`` is first parsed by translate-toolkit's strict PO parser,
which reports the line of a syntax error; only then is it read with Babel,
whose catalogue model does the merging and writing.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from babel.core import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po

from .config import Project
from .errors import CatalogError
from .extract import clean_flags, render_po
from .fsutil import atomic_write_bytes

_LINE_RE = re.compile(r"on line (\d+)")


def check_syntax(data: bytes, shown: str) -> None:
    """Raise CatalogError(path, line) unless ``data`` is a well-formed UTF-8 PO file."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogError("invalid UTF-8 (save the file as UTF-8)", shown, line) from None
    from translate.storage import poparser, pypo

    try:
        pypo.pofile.parsestring(data)
    except poparser.PoParseError as exc:
        text = str(exc)
        match = _LINE_RE.search(text)
        line = int(match.group(1)) if match else None
        reason = text.split(" on line ")[0] if match else text
        if reason.lower().startswith("syntax error"):
            reason = "syntax error (a line that is not a comment, msgctxt, msgid, msgstr or a quoted string)"
        raise CatalogError(f"{reason}; fix this line in your PO editor or text editor",
                           shown, line) from None
    except Exception as exc:  # other parser failures
        raise CatalogError(f"unreadable catalogue: {exc}", shown) from None


def read_catalog(path: Path, shown: str, locale: str | None = None) -> Catalog:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise CatalogError("catalogue not found (run `invoke update`)", shown) from None
    check_syntax(data, shown)
    try:
        catalog = read_po(io.BytesIO(data), locale=locale, abort_invalid=True)
    except PoFileError as exc:
        raise CatalogError(str(exc), shown, getattr(exc, "lineno", None)) from None
    except (ValueError, UnknownLocaleError) as exc:
        raise CatalogError(f"cannot read catalogue: {exc}", shown) from None
    return catalog


_READ_ONLY: dict[tuple, Catalog] = {}


def read_catalog_readonly(path: Path, shown: str, locale: str | None = None) -> Catalog:
    """``read_catalog`` for callers that only read (gate, check, preflight, lookup):
    one build reads each catalogue once, however many stages look at it. Keyed by
    the file's size and modification time, so an edited file is read again."""
    try:
        stat = Path(path).stat()
    except FileNotFoundError:
        return read_catalog(path, shown, locale)
    key = (str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns, locale)
    if key not in _READ_ONLY:
        _READ_ONLY[key] = read_catalog(path, shown, locale)
    return _READ_ONLY[key]


def _new_catalog(lang: str, template: Catalog) -> Catalog:
    try:
        Locale.parse(lang)
    except (ValueError, UnknownLocaleError):
        raise CatalogError(f"'{lang}' is not a locale Babel knows") from None
    return Catalog(locale=lang, project=template.project, version=template.version,
                   copyright_holder=template.copyright_holder,
                   msgid_bugs_address=template.msgid_bugs_address,
                   creation_date=template.creation_date,
                   revision_date=template.creation_date,
                   header_comment=(f"# {lang} translations for {template.project}.\n"
                                   "# Edit with Poedit, Weblate or a text editor; keep the markup\n"
                                   "# (*em*, **strong**, [links](...) and [^note] references).\n#"),
                   fuzzy=False)


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
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return msgid.lower().strip()


def merge(template: Catalog, catalog: Catalog) -> Catalog:
    """Babel's merge with a fuzzy matcher that scales.

    Babel's own fuzzy matching calls difflib for every new message against every
    old one (quadratic, in pure Python: half an hour at 8,000 messages). Here
    Babel merges the exact matches, then each new message is compared with every
    old translated message by rapidfuzz (the similarity difflib's ratio
    approximates, computed in C, with pruning by length), with the same cutoff and the same result as
    Babel's: the translation, the ``fuzzy`` flag and the previous msgid (``#|``).
    Obsolete (``#~``) entries are candidates too, so a deleted paragraph that
    comes back gets its old translation, as with msgmerge.
    """
    for message in list(catalog.obsolete.values()):
        if message.id and message.id not in catalog:
            catalog[message.id] = message
    catalog.obsolete.clear()
    old = {catalog._key_for(m.id, m.context): m for m in catalog if m.id}
    candidates = [m for m in old.values() if m.string]
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False,
                   keep_user_comments=True, update_creation_date=True)
    new = [m for m in catalog if m.id and catalog._key_for(m.id, m.context) not in old]
    if new and candidates:
        _fuzzy_fill(catalog, new, candidates)
    clean_flags(catalog)
    return catalog


def _fuzzy_fill(catalog: Catalog, new: list, candidates: list) -> None:
    from rapidfuzz import fuzz, process

    choices = [_fuzzy_key(m) for m in candidates]
    used = set()
    for message in new:
        found = process.extractOne(_fuzzy_key(message), choices, scorer=fuzz.ratio,
                                   score_cutoff=FUZZY_CUTOFF)
        if found is None:
            continue
        oldmsg = candidates[found[2]]
        if isinstance(message.id, tuple) != isinstance(oldmsg.string, tuple):
            continue  # singular and plural do not mix
        message.string = oldmsg.string
        message.previous_id = [oldmsg.id] if isinstance(oldmsg.id, str) else list(oldmsg.id)
        message.flags |= oldmsg.flags | {"fuzzy"}
        if oldmsg.user_comments:
            message.user_comments = list(dict.fromkeys(oldmsg.user_comments))
        used.add(catalog._key_for(oldmsg.id, oldmsg.context))
    for key in used:  # as in Babel: a message reused as a fuzzy match is not obsolete
        catalog.obsolete.pop(key, None)


def update(project: Project, langs: list[str]) -> list[UpdateResult]:
    """Merge ``messages.pot`` into each language's catalogue (create it if missing).

    Every catalogue is read and merged before any is written, so one broken file
    stops the run with nothing changed. Where each message is printed (``#.
    brochure.pdf p. 5 …``, see :mod:`pressroom.locate`) is kept or refreshed.
    """
    from . import locate  # locate reads catalogues too: imported here, not at the top

    template = read_catalog(project.pot_path, project.rel(project.pot_path))
    pending = []
    for lang in langs:
        path = project.po_path(lang)
        shown = project.rel(path)
        created = not path.exists()
        catalog = _new_catalog(lang, template) if created else read_catalog(path, shown, lang)
        previous = locate.previous_locations(catalog)  # the merge drops extracted comments
        merge(template, catalog)
        locate.apply(project, catalog, locate.located(project, lang), previous)
        pending.append((lang, path, created, catalog))
    results = []
    for lang, path, created, catalog in pending:
        data = render_po(catalog, include_previous=True)
        changed = atomic_write_bytes(path, data)
        messages = [m for m in catalog if m.id]
        results.append(UpdateResult(
            lang, path, changed, created,
            fuzzy=sum(1 for m in messages if m.fuzzy),
            untranslated=sum(1 for m in messages if not m.string),
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
        if key in self.lines:
            self.fallbacks.add(key)
        else:
            self.missing.add(key)
        if use_fuzzy and self.fuzzy_table.get(key):
            return self.fuzzy_table[key], "fuzzy"
        return msgid, "fallback"


def load_translations(project: Project, lang: str) -> Translations:
    """The lookup for ``lang``; an absent catalogue means every string stays English."""
    path = project.po_path(lang)
    shown = project.rel(path)
    if not path.exists():
        if lang == project.source_language:
            return Translations(lang, {}, path=shown)
        raise CatalogError("catalogue not found (run `invoke extract update`)", shown)
    catalog = read_catalog_readonly(path, shown, lang)
    table, fuzzy, lines, layout, fuzzy_table = {}, set(), {}, set(), {}
    for message in catalog:
        if not message.id or isinstance(message.id, tuple):
            continue
        key = (message.context, message.id)
        lines[key] = message.lineno or 0
        if any(name.startswith("layouts/") for name, _ in message.locations):
            layout.add(key)
        if message.fuzzy:
            fuzzy.add(key)
            if message.string:
                fuzzy_table[key] = message.string
        elif message.string:
            table[key] = message.string
    return Translations(lang, table, fuzzy, lines, shown, layout_keys=frozenset(layout),
                        fuzzy_table=fuzzy_table)
