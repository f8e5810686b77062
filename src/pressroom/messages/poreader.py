"""PO syntax, read strictly in one pass, straight into Babel messages.

One line at a time: a comment (``#``, ``#.``, ``#:``, ``#,``, ``#|``), a keyword
(``msgctxt``, ``msgid``, ``msgid_plural``, ``msgstr``, ``msgstr[n]``) with one
quoted string, a quoted string continuing the keyword above it, or the same with
``#~`` before it (an obsolete entry). Anything else stops the read with a
:class:`~pressroom.errors.CatalogError` at its line, in words a translator can
act on: an unterminated string, text after the closing quote, an escape GNU
gettext does not know, a string with no keyword above it, a msgid without
msgstr, ``msgstr[n]`` out of order, a malformed ``#|`` line, a second header, a
byte-order mark, bytes that are not UTF-8. Each of these GNU ``msgfmt --check``
refuses too; pressroom also refuses a few spellings msgfmt reads and no editor
writes (a keyword whose string is on the next line, two strings on one line, an
indented keyword), as translate-toolkit's parser, pressroom's reader before, did.

Each entry becomes a Babel :class:`~babel.messages.catalog.Message` as soon as
its last line is read: ``lineno`` is the line of its ``msgstr`` (of
``msgstr[0]``, and ``form_lines`` those of each ``msgstr[n]``), ``previous_id``
and ``previous_context`` its ``#|`` lines. Messages are made without Babel's
constructor, which guesses ``python-format`` from the text only for pressroom to
set the flags as written (19 ms against 35 ms for 16,000 messages); they have
the attributes the constructor gives (``tests/test_po_reader.py`` holds the two
together). Python's cycle collector is paused while reading (:func:`collector_paused`).
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Iterator
from itertools import groupby

from babel.messages.catalog import Message

from pressroom.errors import CatalogError

FIX = "; fix this line in your PO editor or text editor"
SYNTAX = ("syntax error (a line that is not a comment, msgctxt, msgid, msgstr or a quoted "
          "string)" + FIX)
MALFORMED_PREVIOUS = (
    "malformed previous English (#| line): each #| line holds one complete quoted string, "
    "after #| msgctxt, #| msgid or #| msgid_plural in that order; delete this entry's #| "
    "lines (they only show the English before it changed) or fix the quotes")

_BODY = re.compile(r'"((?:[^"\\\n]++|\\.)*+)"')         # one quoted string, escapes whole
_FORM = re.compile(r"msgstr\[[ \t]*([0-9]+)[ \t]*\]")
_PREVIOUS = re.compile(r"(msgctxt|msgid_plural|msgid)\s+(.*)", re.S)
_ESCAPE = re.compile(r"\\(.)", re.S)
_CODE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]+)|(.?))", re.S)
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v"}

# Where an entry is: nothing but comments yet, or after its last keyword.
NONE, CTXT, ID, PLURAL, STR, FORM = range(6)
_KEYWORD_OF = {CTXT: "msgctxt", ID: "msgid", PLURAL: "msgid_plural"}
_INCOMPLETE = {
    CTXT: "msgctxt without msgid after it (an entry is msgctxt, msgid, msgstr in that order)",
    ID: 'msgid without msgstr after it (each msgid has its msgstr; msgstr "" if not '
        "translated)",
    PLURAL: "msgid_plural without msgstr[0] after it (a plural entry has msgstr[0], "
            'msgstr[1]…; msgstr[0] "" if not translated)'}
_new = object.__new__


class _Bad(Exception):
    """A syntax error on the line being read (or on ``line``)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


# --------------------------------------------------------------------------- strings
def _simple(match: re.Match) -> str:
    return _ESCAPES[match.group(1)]


def unescape(body: str) -> str:
    """A quoted string's text: C escapes as GNU gettext reads them."""
    if "\\" not in body:
        return body
    try:
        return _ESCAPE.sub(_simple, body)
    except KeyError:  # an octal or hex byte, or an escape GNU does not know
        return _unescape_codes(body)


def _unescape_codes(body: str) -> str:
    """Escapes of bytes (``\\303\\251``, ``\\xe9``) are bytes of UTF-8, as in GNU."""
    out = bytearray()
    position = 0
    for match in _CODE.finditer(body):
        out += body[position:match.start()].encode("utf-8")
        position = match.end()
        octal, hexadecimal, char = match.groups()
        value = int(octal, 8) if octal else int(hexadecimal, 16) if hexadecimal else None
        if value is not None and value <= 0xFF:
            out.append(value)
        elif value is not None:
            raise _Bad(f"escape sequence {match.group()[:8]} is more than one byte (\\ooo up to "
                       "\\377, \\xhh up to \\xff); write the characters themselves")
        elif char in _ESCAPES:
            out += _ESCAPES[char].encode("utf-8")
        else:
            shown = match.group()[:6]
            raise _Bad(f"invalid escape sequence {shown} in a string (GNU gettext knows \\n, "
                       '\\t, \\", \\\\ and a few more; write \\\\ for a backslash)')
    out += body[position:].encode("utf-8")
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        raise _Bad("escaped bytes (\\ooo or \\xhh) that are not UTF-8; write the characters "
                   "themselves") from None


def quoted(text: str) -> str:
    """The text of the one quoted string ``text`` holds (spaces around it allowed)."""
    stripped = text.strip()
    inner = stripped[1:-1]
    if (len(stripped) > 1 and stripped[0] == '"' and stripped[-1] == '"'
            and '"' not in inner and "\\" not in inner):
        return inner
    match = _BODY.fullmatch(stripped)
    if match is None:
        raise _Bad(_string_problem(stripped))
    return unescape(match.group(1))


def _string_problem(text: str) -> str:
    """What is wrong with a line that should hold one quoted string."""
    if not text.startswith('"'):
        return f"expected a quoted string, found {text[:30]!r}" + FIX
    match = _BODY.match(text)
    if match is None:
        return ('end-of-line within string (the closing " is missing; a " in the text is '
                'written \\")' + FIX)
    return (f"text after the closing quote: {text[match.end():].strip()[:30]!r} (one quoted "
            'string per line; a " in the text is written \\")' + FIX)


def _strip_one(text: str) -> str:
    return text[1:] if text.startswith(" ") else text


def _collapse(texts: list[str]) -> list[str]:
    """Consecutive repeats as one, as Babel's Message keeps comments."""
    if len(texts) < 2:
        return texts
    return [text for text, _ in groupby(texts)]


def _location(ref: str) -> tuple[str, int | None]:
    name, colon, number = ref.rpartition(":")
    if colon and number.isdecimal():
        return name, int(number)
    return ref, None


def flags(lines: list[str]) -> set[str]:
    """The flags of ``#,`` lines (their text after ``#,``)."""
    found = {flag.strip() for line in lines for flag in line.split(",")}
    found.discard("")
    return found


# --------------------------------------------------------------------------- entries
class Entry:
    """One entry's lines as read: comments, strings (lists of quoted pieces)."""

    __slots__ = ("auto", "ctxt", "flags", "form_lines", "forms", "msgid", "obsolete",
                 "plural", "prev_ctxt", "prev_id", "prev_plural", "prev_state", "refs",
                 "start", "user")

    def __init__(self, start: int) -> None:
        self.start = start
        self.obsolete = False
        self.user: list[str] = []
        self.auto: list[str] = []
        self.refs: list[str] = []
        self.flags: list[str] = []
        self.prev_state = NONE
        self.prev_ctxt: list[str] | None = None
        self.prev_id: list[str] | None = None
        self.prev_plural: list[str] | None = None
        self.ctxt: list[str] | None = None
        self.msgid: list[str] | None = None
        self.plural: list[str] | None = None
        self.forms: list[list[str]] = []
        self.form_lines: list[int] = []

    def message(self) -> Message:
        """This entry as a Babel Message, with ``previous_context`` (and ``form_lines``)."""
        msgid = "".join(self.msgid) if self.msgid is not None else ""
        forms = self.forms
        previous = [] if self.prev_id is None else ["".join(self.prev_id)] if \
            self.prev_plural is None else ["".join(self.prev_id), "".join(self.prev_plural)]
        obsolete = self.obsolete
        message = _new(Message)
        message.__dict__ = {
            "id": msgid if self.plural is None else (msgid, "".join(self.plural)),
            "string": ("".join(forms[0]) if forms else "") if self.plural is None
            else tuple(["".join(parts) for parts in forms]),
            "locations": [] if obsolete or not self.refs
            else list(dict.fromkeys([_location(ref) for ref in self.refs])),
            "flags": flags(self.flags) if self.flags else set(),
            "auto_comments": [] if obsolete else _collapse(self.auto),
            "user_comments": _collapse(self.user),
            "previous_id": previous,
            "lineno": self.form_lines[0] if self.form_lines else self.start,
            "context": "".join(self.ctxt) if self.ctxt is not None else None,
            "previous_context": "".join(self.prev_ctxt) if self.prev_ctxt is not None else None,
        }
        if self.plural is not None:
            message.form_lines = self.form_lines  # type: ignore[attr-defined]
        return message

    def is_header(self) -> bool:
        """GNU's header entry: ``msgid ""`` and no context, with a ``msgstr``."""
        return (not self.obsolete and self.msgid is not None and not "".join(self.msgid)
                and self.ctxt is None and self.plural is None and bool(self.forms)
                and bool("".join(self.forms[0])))


# --------------------------------------------------------------------------- the reader
class Reader:
    """Reads PO lines into ``header`` (an :class:`Entry`) and ``messages``."""

    def __init__(self) -> None:
        self.header: Entry | None = None
        self.header_line = 0
        self.messages: list[tuple[Message, bool]] = []
        self.entry: Entry | None = None
        self.state = NONE
        self.target: list[str] | None = None       # where a continuation string goes
        self.prev_target: list[str] | None = None  # the same for a #| continuation
        self.number = 0                            # the line being read
        self.keyword_line = 0                      # the line of the last keyword
        self.first = True

    def read(self, lines: list[str]) -> None:
        comment, keyword, string = self.comment, self.keyword, self.string
        for number, line in enumerate(lines, 1):
            self.number = number
            first = line[:1]
            if first == '"':
                string(line, False)
            elif first == "#":
                comment(line, False)
            elif first == "m":
                keyword(line, False)
            elif line and not line.isspace():
                self.other(line)
        self.end()

    def other(self, line: str) -> None:
        """A line that starts with a space, or with what starts no PO line."""
        stripped = line.lstrip()
        if stripped[:1] == '"':
            self.string(stripped, False)
        elif stripped[:1] == "#":
            self.comment(stripped, False)
        elif stripped[:1] == "m" and stripped != line:
            raise _Bad("a keyword indented: msgctxt, msgid and msgstr start their line")
        else:
            raise _Bad(SYNTAX)

    def end(self) -> None:
        """End of file: the last entry is whole, or an error."""
        if self.state in _KEYWORD_OF:
            raise self._incomplete()
        if self.state != NONE or self.entry is not None:
            self._finish()

    # ------------------------------------------------------------------ comments
    def comment(self, line: str, obsolete: bool) -> None:
        kind = line[1:2]
        if kind == "~":  # "#~ #~ msgid" too, as GNU and translate-toolkit read it
            self._obsolete(line[2:])
            return
        if kind == "|":
            self.previous(line[2:])
            return
        entry = self._comment_entry()
        if kind == ".":
            entry.auto.append(_strip_one(line[2:]))
        elif kind == ":":
            entry.refs.extend(line[2:].split())
        elif kind in (",", "="):  # "#=" are GNU's sticky flags
            entry.flags.append(line[2:])
        else:
            entry.user.append(_strip_one(line[1:]))

    def _comment_entry(self) -> Entry:
        """The entry a comment line belongs to: the one being read, or a new one."""
        self.prev_target = None
        if self.state in _KEYWORD_OF:
            raise self._incomplete()
        if self.state != NONE:
            self._finish()
        return self.entry or self._new_entry()

    def _obsolete(self, rest: str) -> None:
        """A ``#~`` line: the line after ``#~``, in an obsolete entry."""
        if rest[:1] == "|":
            self.previous(rest[1:])
            return
        rest = rest.lstrip()
        first = rest[:1]
        if first == '"':
            self.string(rest, True)
        elif first == "m":
            self.keyword(rest, True)
        elif first == "#":
            self.comment(rest, True)
        elif rest:
            raise _Bad(SYNTAX)

    def previous(self, text: str) -> None:
        """A ``#|`` line: the msgctxt, msgid or msgid_plural the translation was made for."""
        target = self.prev_target
        entry = self._comment_entry()
        text = text.strip()
        match = _PREVIOUS.match(text)
        try:
            value = quoted(match.group(2) if match else text)
        except _Bad:
            raise _Bad(MALFORMED_PREVIOUS) from None
        if match is None:  # a continuation of the #| string above
            if target is None:
                raise _Bad(MALFORMED_PREVIOUS)
            target.append(value)
            self.prev_target = target
            return
        keyword = match.group(1)
        order = {"msgctxt": (NONE,), "msgid": (NONE, CTXT), "msgid_plural": (ID,)}[keyword]
        if entry.prev_state not in order:
            raise _Bad(MALFORMED_PREVIOUS)
        self.prev_target = [value]
        if keyword == "msgctxt":
            entry.prev_ctxt, entry.prev_state = self.prev_target, CTXT
        elif keyword == "msgid":
            entry.prev_id, entry.prev_state = self.prev_target, ID
        else:
            entry.prev_plural, entry.prev_state = self.prev_target, PLURAL

    # ------------------------------------------------------------------ keywords and strings
    def string(self, line: str, obsolete: bool) -> None:
        """A quoted string continuing the keyword above it."""
        if self.target is None:
            raise _Bad("a quoted string with no msgctxt, msgid or msgstr above it (a "
                       "continuation line of an entry whose keyword line was deleted?)")
        self._same(obsolete)
        self.target.append(quoted(line))

    def keyword(self, line: str, obsolete: bool) -> None:
        quote = line.find('"')
        head = (line[:quote] if quote >= 0 else line).rstrip()
        self.prev_target = None
        handler = _HANDLERS.get(head)
        form = None
        if handler is None:
            match = _FORM.fullmatch(head)
            if match is None:
                raise _Bad(f"unknown keyword {head.split()[0][:30]!r}; " + SYNTAX)
            form = int(match.group(1))
        if quote < 0:
            raise _Bad(f'{head} with no quoted string after it on its line (write {head} "" '
                       "for an empty one)")
        text = quoted(line[quote:])
        if form is None:
            handler(self, text, obsolete)  # type: ignore[misc]  # set when form is None
        else:
            self._form(form, text, obsolete)
        self.keyword_line = self.number

    def _begin(self, obsolete: bool) -> Entry:
        """The entry a msgctxt or msgid starts (after its comments, if any)."""
        if self.state in _KEYWORD_OF:
            raise self._incomplete()
        if self.state != NONE:
            self._finish()
        entry = self.entry or self._new_entry()
        entry.obsolete = obsolete
        return entry

    def _same(self, obsolete: bool) -> Entry:
        """The entry being read; its lines are all obsolete (``#~``) or none is."""
        entry = self.entry
        assert entry is not None
        if entry.obsolete != obsolete:
            raise _Bad("an entry partly obsolete: every line of an obsolete entry starts "
                       "with #~, and no line of a current one does")
        return entry

    def _msgctxt(self, text: str, obsolete: bool) -> None:
        entry = self._begin(obsolete)
        entry.ctxt = self.target = [text]
        self.state = CTXT

    def _msgid(self, text: str, obsolete: bool) -> None:
        entry = self._same(obsolete) if self.state == CTXT else self._begin(obsolete)
        entry.msgid = self.target = [text]
        self.state = ID

    def _msgid_plural(self, text: str, obsolete: bool) -> None:
        if self.state != ID:
            raise _Bad("msgid_plural with no msgid just above it")
        entry = self._same(obsolete)
        entry.plural = self.target = [text]
        self.state = PLURAL

    def _msgstr(self, text: str, obsolete: bool) -> None:
        if self.state == PLURAL:
            raise _Bad("msgstr after msgid_plural: a plural entry has msgstr[0], msgstr[1]… "
                       "(one per plural form)")
        if self.state != ID:
            raise _Bad("msgstr with no msgid above it (each msgstr follows its msgid)")
        entry = self._same(obsolete)
        entry.forms.append([text])
        entry.form_lines.append(self.number)
        self.target = entry.forms[0]
        self.state = STR

    def _form(self, index: int, text: str, obsolete: bool) -> None:
        if self.state == ID:
            raise _Bad(f"msgstr[{index}] without msgid_plural: a message with one form has "
                       'msgstr "…"')
        if self.state not in (PLURAL, FORM):
            raise _Bad(f"msgstr[{index}] with no msgid and msgid_plural above it")
        entry = self._same(obsolete)
        if index != len(entry.forms):
            raise _Bad(f"msgstr[{index}] out of order: msgstr[{len(entry.forms)}] comes next "
                       "(msgstr[0], msgstr[1]… each once, in order)")
        self.target = [text]
        entry.forms.append(self.target)
        entry.form_lines.append(self.number)
        self.state = FORM

    # ------------------------------------------------------------------ entries
    def _new_entry(self) -> Entry:
        self.entry = Entry(self.number)
        return self.entry

    def _incomplete(self) -> _Bad:
        """The entry being read ends before its msgstr: an error at its last keyword."""
        return _Bad(_INCOMPLETE[self.state], self.keyword_line)

    def _finish(self) -> None:
        entry = self.entry
        assert entry is not None
        self.entry, self.state, self.target = None, NONE, None
        if self.first:
            self.first = False
            if entry.is_header():
                self.header, self.header_line = entry, entry.start
                return
        elif (self.header is not None and entry.msgid is not None and entry.ctxt is None
              and not entry.obsolete and not "".join(entry.msgid)):
            raise _Bad(f'a second header entry (msgid ""; the first is at line '
                       f"{self.header_line}): GNU msgfmt refuses the file; keep one",
                       entry.form_lines[0] if entry.form_lines else entry.start)
        self.messages.append((entry.message(), entry.obsolete))


# The reader's method for each keyword (a class attribute: bound methods kept on the
# reader would make a reference cycle, and its messages would wait for the collector).
_HANDLERS = {"msgctxt": Reader._msgctxt, "msgid": Reader._msgid,
             "msgid_plural": Reader._msgid_plural, "msgstr": Reader._msgstr}


# --------------------------------------------------------------------------- files
def lines_of(data: bytes, shown: str) -> list[str]:
    """The file's lines: UTF-8 without byte-order mark; ``\\n``, ``\\r\\n`` or ``\\r`` ends."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogError("invalid UTF-8 (save the file as UTF-8)", shown, line) from None
    if text.startswith("\ufeff"):
        raise CatalogError("the file starts with a byte-order mark (BOM), which GNU gettext "
                           "refuses: save it as UTF-8 without BOM", shown, 1)
    if "\r" in text:
        text = text.replace("\r\n", "\n") if "\n" in text else text.replace("\r", "\n")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def header_fields(header: Entry, shown: str) -> list[tuple[str, str]]:
    """The header entry's ``Name: value`` lines, in file order."""
    fields: list[tuple[str, str]] = []
    for raw in "".join(header.forms[0]).split("\n"):
        if not raw.strip():
            continue
        key, sep, value = raw.partition(":")
        if not sep:
            raise CatalogError(f"header line {raw!r} is not 'Name: value'", shown, header.start)
        fields.append((key.strip(), value.strip()))
    return fields


def plural_forms_line(header: Entry, lines: list[str]) -> int | None:
    """The line of the header's ``Plural-Forms`` field, if it has one."""
    start = header.form_lines[0]
    for number in range(start, len(lines) + 1):
        text = lines[number - 1].lstrip()
        if number == start:
            text = text[len("msgstr"):].lstrip()
        elif not text.startswith('"'):
            break
        if text.startswith('"Plural-Forms:'):
            return number
    return None


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused. Reading makes a few objects per entry and no
    reference cycles, yet at 16,000 messages those objects set off collections that
    walk every object alive: twice as long as the read itself. Objects are still
    freed as soon as they are unused; only cycles wait for the collector's return."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read(data: bytes, shown: str) -> tuple[Reader, list[str]]:
    """The file read: ``reader.header``, ``reader.messages``; and its lines."""
    lines = lines_of(data, shown)
    reader = Reader()
    try:
        with collector_paused():
            reader.read(lines)
    except _Bad as bad:
        raise CatalogError(bad.message, shown, bad.line or reader.number) from None
    return reader, lines
