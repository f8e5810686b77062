"""The catalogue translate-toolkit's strict parser gives: pressroom's reader until it
read PO files itself (``messages/poreader.py``), kept here as the outside reader the
new one is compared with (``test_po_reader.py``). Its units become a PoCatalog as
they did then; what the lines of each entry were is found by scanning the text.

Where translate-toolkit reads a valid file otherwise than GNU gettext (and
pressroom) do, :func:`ttk_quirks` names it, so the comparison can skip that file."""

from __future__ import annotations

import re
from itertools import groupby

from babel.messages.catalog import Message
from translate.storage import pypo

from pressroom.messages.pofile import PoCatalog

_LOCATION = re.compile(r"^(.*):(\d+)$")


def ttk_quirks(text: str) -> list[str]:
    """What in ``text`` translate-toolkit reads otherwise than GNU gettext."""
    found = []
    if re.search(r'\\[abfv0-7x]', text):
        found.append("escapes \\a \\b \\f \\v, octal and hex (translate-toolkit drops the backslash)")
    if re.search(r'^(#~ )?(msgid|msgid_plural|msgctxt) "_:', text, re.M):
        found.append('KDE "_:" comments in a msgid (translate-toolkit moves them to the context)')
    if re.search(r"^#:.*(\+|%[0-9A-Fa-f]{2})", text, re.M):
        found.append("+ or % in a #: location (translate-toolkit URL-decodes it)")
    if re.search(r"^#:[^ \n]", text, re.M):
        found.append("#: with no space (translate-toolkit drops a character)")
    if "\r" in text:
        found.append("CR line ends (translate-toolkit keeps CR in comments)")
    if re.search(r"^#[# ]*msgstr", text, re.M):
        found.append("a comment starting with msgstr (taken for the msgstr line)")
    return found


def _comment_texts(lines: list[str], prefix: str) -> list[str]:
    out = []
    for line in lines:
        text = line.rstrip("\n")[len(prefix):]
        out.append(text[1:] if text.startswith(" ") else text)
    return out


def _flags(typecomments: list[str]) -> list[str]:
    out: list[str] = []
    for line in typecomments:
        for flag in line.rstrip("\n")[2:].split(","):
            if flag.strip() and flag.strip() not in out:
                out.append(flag.strip())
    return out


def _locations(unit) -> list[tuple[str, int | None]]:
    out: list[tuple[str, int | None]] = []
    for location in unit.getlocations():
        match = _LOCATION.match(location)
        out.append((match.group(1), int(match.group(2))) if match else (location, None))
    return out


def _strings(value) -> list[str]:
    strings = getattr(value, "strings", None)
    return [str(s) for s in strings] if strings is not None else [str(value)]


def _msgstr_line(text_lines: list[str], unit_start: int) -> int:
    for index in range(unit_start - 1, len(text_lines)):
        if text_lines[index].lstrip("#~ ").startswith("msgstr"):
            return index + 1
    return unit_start


def _form_lines(text_lines: list[str], first: int) -> list[int]:
    found = []
    for index in range(first - 1, len(text_lines)):
        stripped = text_lines[index].lstrip("#~ ")
        if stripped.startswith("msgstr["):
            found.append(index + 1)
        elif not stripped.startswith('"'):
            break
    return found


def _message(unit, text_lines: list[str]) -> Message:
    ids = _strings(unit.source)
    strings = _strings(unit.target)
    plural = unit.hasplural()
    previous: list[str] = []
    if unit.prev_msgid:
        previous = _strings(unit.prev_source)[: 2 if unit.prev_msgid_plural else 1]
    lineno = _msgstr_line(text_lines, unit.line_number)
    message = Message(tuple(ids[:2]) if plural else ids[0],
                      tuple(strings) if plural else strings[0],
                      locations=_locations(unit), flags=_flags(unit.typecomments),
                      auto_comments=_comment_texts(unit.automaticcomments, "#."),
                      user_comments=_comment_texts(unit.othercomments, "#"),
                      previous_id=previous, lineno=lineno,
                      context=unit.getcontext() if unit.msgctxt else None)
    message.flags = set(_flags(unit.typecomments))
    # comments as written, consecutive repeats as one: what Babel 2.19's Message
    # keeps and pressroom's reader keeps whatever Babel is installed (2.18's Message
    # dropped every repeat, consecutive or not)
    message.auto_comments = [t for t, _ in groupby(_comment_texts(unit.automaticcomments,
                                                                  "#."))]
    message.user_comments = [t for t, _ in groupby(_comment_texts(unit.othercomments, "#"))]
    # prev_context is the #| msgctxt; getpreviouscontext(), which pressroom's reader
    # called, is the entry's current msgctxt (so a changed context was written back wrong)
    message.previous_context = unit.prev_context if unit.prev_msgctxt else None
    if plural:
        message.form_lines = _form_lines(text_lines, lineno)
    return message


def read(data: bytes, locale: str | None = None) -> PoCatalog:
    """``data`` read by translate-toolkit, as pressroom's reader did before."""
    store = pypo.pofile.parsestring(data)
    text_lines = data.decode("utf-8").splitlines()
    units = list(store.units)
    fields: list[tuple[str, str]] = []
    header_lines: list[str] = []
    fuzzy = False
    if units and units[0].isheader():
        header = units.pop(0)
        for raw in str(header.target).split("\n"):
            if raw.strip():
                key, _, value = raw.partition(":")
                fields.append((key.strip(), value.strip()))
        header_lines = _comment_texts(header.othercomments, "#")
        fuzzy = "fuzzy" in _flags(header.typecomments)
    catalog = PoCatalog(locale=locale, fields=fields, header_lines=header_lines,
                        header_fuzzy=fuzzy)
    catalog.plural_forms_line = next((number for number, line in enumerate(text_lines, 1)
                                      if line.startswith('"Plural-Forms:')), None)
    for unit in units:
        message = _message(unit, text_lines)
        key = catalog._key_for(message.id, message.context)
        (catalog.obsolete if unit.isobsolete() else catalog._messages)[key] = message
    return catalog
