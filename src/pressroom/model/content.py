"""Load and validate a content file (``content/<doc>.yaml``) into a :class:`Document`.

Every translatable string becomes a :class:`Text` that remembers its line and
column, so that catalogues can point at ``content/<doc>.yaml:<line>`` and errors
can say ``file:line:col: message``. Which fields are translatable is decided by
the schema below, never by "every string".
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from pressroom.errors import ContentError
from pressroom.text import markup

FOOTNOTE_REF = re.compile(r"\[\^([^\]]*)\]")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
NOTE_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
TRANSLATOR_KEYS = ("note", "context", "max_chars")


@dataclass(frozen=True)
class Text:
    """A translatable string with where it came from and what the translator needs."""

    value: str
    line: int
    col: int
    note: str | None = None
    context: str | None = None
    max_chars: int | None = None

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.value

    @property
    def translatable(self) -> bool:
        return not nothing_to_translate(self.value)


#: A UN document symbol (A/RES/73/195, CRC/C/GC/23, CMW/C/GC/4-CRC/C/GC/23): the same
#: in every language.
DOCUMENT_SYMBOL = re.compile(r"\b[A-Z]{1,6}(?:/[A-Za-z0-9.\-]+)+")


def nothing_to_translate(value: str) -> bool:
    """A string with no word in it once document symbols are set aside: a number,
    a year, a range of years, a symbol ("2024", "85.7", "2014–2019", "A/RES/71/1").
    It prints as written and is not offered to translators."""
    return not re.search(r"[^\W\d_]", DOCUMENT_SYMBOL.sub("", value))


class Ref(str):
    """A non-translatable value (note id, image path) that remembers where it was written."""

    line: int = 0
    col: int = 0

    def __new__(cls, value: str, pos: tuple[int, int] | None):
        ref = super().__new__(cls, value)
        ref.line, ref.col = pos if pos else (0, 0)
        return ref


@dataclass
class Block:
    type: str
    line: int
    col: int
    fields: dict[str, Any]


@dataclass
class Section:
    id: str
    heading: Text
    blocks: list[Block]
    line: int


@dataclass
class Document:
    name: str
    path: Path
    title: Text
    subtitle: Text | None
    short_title: Text | None
    publisher: Text
    date: _dt.date
    edition: Text | None
    sections: list[Section]
    notes: dict[str, Text]
    note_lines: dict[str, int] = field(default_factory=dict)

    def texts(self) -> Iterator[Text]:
        """Every translatable string, in reading order (cover, sections, notes)."""
        for text in (self.title, self.subtitle, self.short_title, self.publisher, self.edition):
            if text is not None:
                yield text
        for section in self.sections:
            yield section.heading
            for block in section.blocks:
                yield from _block_texts(block.fields)
        yield from self.notes.values()


def _block_texts(value: Any) -> Iterator[Text]:
    if isinstance(value, Text):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _block_texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _block_texts(item)


# --------------------------------------------------------------------------- schema
# Field kinds: text, text?, texts, number, noteid, noteid?, bool?, path, enum:<a|b>?,
# rows (list of lists of text), bars (list of {label: text, value: number}).
BLOCK_SCHEMAS: dict[str, dict[str, str]] = {
    "p": {"p": "text"},
    "subheading": {"subheading": "text"},
    "list": {"list": "texts", "ordered": "bool?"},
    "quote": {"quote": "text", "cite": "text?"},
    "stat": {"stat": "map:stat"},
    "chart": {"chart": "map:chart"},
    "callout": {"callout": "text", "title": "text?"},
    "figure": {"figure": "map:figure"},
    "table": {"table": "map:table"},
}
MAP_SCHEMAS: dict[str, dict[str, str]] = {
    "stat": {"prefix": "text?", "value": "number", "unit": "text?", "label": "text",
             "source": "noteid", "format": "enum:number|percent?"},
    "chart": {"title": "text", "unit": "text?", "source": "noteid?", "bars": "bars",
              "format": "enum:number|percent?"},
    "figure": {"src": "path", "alt": "text", "caption": "text?"},
    "table": {"caption": "text?", "header": "texts", "rows": "rows"},
}
BLOCK_TYPES = tuple(BLOCK_SCHEMAS)


class _Loader:
    def __init__(self, path: Path, shown: str):
        self.path = path
        self.shown = shown

    # -- positions ---------------------------------------------------------
    def error(self, message: str, pos: tuple[int, int] | None) -> ContentError:
        line, col = pos if pos else (None, None)
        return ContentError(message, self.shown, line, col)

    @staticmethod
    def key_pos(node: Any, key: Any) -> tuple[int, int] | None:
        try:
            line, col = node.lc.key(key)
            return line + 1, col + 1
        except Exception:
            return _Loader.node_pos(node)

    @staticmethod
    def value_pos(node: Any, key: Any) -> tuple[int, int] | None:
        try:
            if isinstance(node, CommentedSeq):
                line, col = node.lc.item(key)
            else:
                line, col = node.lc.value(key)
            return line + 1, col + 1
        except Exception:
            return _Loader.node_pos(node)

    @staticmethod
    def node_pos(node: Any) -> tuple[int, int] | None:
        lc = getattr(node, "lc", None)
        if lc is not None and lc.line is not None:
            return lc.line + 1, lc.col + 1
        return None

    # -- scalars -----------------------------------------------------------
    def text(self, parent: Any, key: Any, where: str, inherited: dict) -> Text:
        value = parent[key]
        pos = self.value_pos(parent, key)
        extra = dict(inherited)
        if isinstance(value, CommentedMap):
            unknown = [k for k in value if k not in ("text", *TRANSLATOR_KEYS)]
            if unknown:
                raise self.error(
                    f"unknown key '{unknown[0]}' in {where} (a text mapping takes: text, "
                    "note, context, max_chars)", self.key_pos(value, unknown[0]))
            if "text" not in value:
                raise self.error(f"{where} is a mapping without 'text:'", pos)
            extra.update(self.translator_keys(value, where))
            pos = self.value_pos(value, "text")
            value = value["text"]
        if not isinstance(value, str):
            raise self.error(
                f"{where} must be text, not {_kind(value)}"
                + (" (put quotes around it)" if isinstance(value, (int, float, bool)) else ""),
                pos)
        clean = " ".join(str(value).split())
        if not clean:
            raise self.error(f"{where} is empty", pos)
        line, col = pos if pos else (0, 0)
        return Text(clean, line, col, **extra)

    def translator_keys(self, node: CommentedMap, where: str) -> dict:
        out: dict[str, Any] = {}
        for key in TRANSLATOR_KEYS:
            if key not in node:
                continue
            value = node[key]
            pos = self.value_pos(node, key)
            if key == "max_chars":
                if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                    raise self.error(f"max_chars in {where} must be a positive whole number", pos)
                out[key] = int(value)
            else:
                if not isinstance(value, str) or not value.strip():
                    raise self.error(f"{key} in {where} must be non-empty text", pos)
                out[key] = " ".join(value.split())
        return out

    # -- structure ---------------------------------------------------------
    def load(self) -> Document:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            raise ContentError("content file not found", self.shown) from None
        try:
            source = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
            raise ContentError("invalid UTF-8 (save the file as UTF-8)",
                               self.shown, line, col) from None
        yaml = YAML(typ="rt")
        yaml.allow_duplicate_keys = False
        try:
            data = yaml.load(source)
        except MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problem = exc.problem or exc.context or "invalid YAML"
            if "duplicate key" in (exc.problem or "") or "duplicate key" in str(exc.context or ""):
                problem = f"duplicate key: {problem}"
            line = mark.line + 1 if mark else None
            col = mark.column + 1 if mark else None
            raise ContentError(f"YAML syntax error: {problem}", self.shown, line, col) from None
        except YAMLError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else "invalid YAML"
            raise ContentError(f"YAML error: {first}", self.shown) from None
        if not isinstance(data, CommentedMap):
            raise self.error("the document must be a mapping with title, meta, sections and notes",
                             (1, 1))
        return self.document(data)

    def document(self, data: CommentedMap) -> Document:
        allowed = ("title", "subtitle", "short_title", "meta", "sections", "notes")
        for key in data:
            if key not in allowed:
                raise self.error(f"unknown top-level key '{key}' (expected one of: "
                                 f"{', '.join(allowed)})", self.key_pos(data, key))
        for key in ("title", "meta", "sections"):
            if key not in data:
                raise self.error(f"missing top-level key '{key}'", (1, 1))
        title = self.text(data, "title", "title", {})
        subtitle = self.text(data, "subtitle", "subtitle", {}) if "subtitle" in data else None
        short = self.text(data, "short_title", "short_title", {}) if "short_title" in data else None

        meta = data["meta"]
        if not isinstance(meta, CommentedMap):
            raise self.error("meta must be a mapping (publisher, date, edition)",
                             self.value_pos(data, "meta"))
        for key in meta:
            if key not in ("publisher", "date", "edition"):
                raise self.error(f"unknown key '{key}' in meta (expected: publisher, date, "
                                 "edition)", self.key_pos(meta, key))
        if "publisher" not in meta:
            raise self.error("meta needs 'publisher'", self.value_pos(data, "meta"))
        publisher = self.text(meta, "publisher", "meta.publisher", {})
        edition = self.text(meta, "edition", "meta.edition", {}) if "edition" in meta else None
        date = self.date(meta)

        notes, note_lines = self.notes(data)
        sections = self.sections(data)
        doc = Document(name=self.path.stem, path=self.path, title=title, subtitle=subtitle,
                       short_title=short, publisher=publisher, date=date, edition=edition,
                       sections=sections, notes=notes, note_lines=note_lines)
        self.check_references(doc)
        return doc

    def date(self, meta: CommentedMap) -> _dt.date:
        if "date" not in meta:
            raise self.error("meta needs 'date' (YYYY-MM-DD)", self.node_pos(meta))
        value = meta["date"]
        pos = self.value_pos(meta, "date")
        if isinstance(value, _dt.datetime):
            return value.date()
        if isinstance(value, _dt.date):
            return value
        try:
            return _dt.date.fromisoformat(str(value))
        except ValueError:
            raise self.error(f"meta.date '{value}' is not a date (write YYYY-MM-DD)", pos) from None

    def notes(self, data: CommentedMap) -> tuple[dict[str, Text], dict[str, int]]:
        if "notes" not in data or data["notes"] is None:
            return {}, {}
        node = data["notes"]
        if not isinstance(node, CommentedMap):
            raise self.error("notes must be a mapping of note id to text",
                             self.value_pos(data, "notes"))
        notes: dict[str, Text] = {}
        lines: dict[str, int] = {}
        for key in node:
            pos = self.key_pos(node, key)
            if not isinstance(key, str) or not NOTE_ID_RE.match(key):
                raise self.error(f"note id '{key}' must be letters, digits, '-', '_' or '.'", pos)
            text = self.text(node, key, f"note '{key}'", {})
            if FOOTNOTE_REF.search(text.value):
                raise self.error(f"note '{key}' refers to another note; notes cannot nest",
                                 (text.line, text.col))
            notes[key] = text
            lines[key] = pos[0] if pos else 0
        return notes, lines

    def sections(self, data: CommentedMap) -> list[Section]:
        node = data["sections"]
        if not isinstance(node, CommentedSeq) or not node:
            raise self.error("sections must be a non-empty list", self.value_pos(data, "sections"))
        seen: dict[str, int] = {}
        out = []
        for index, sec in enumerate(node):
            pos = self.value_pos(node, index)
            if not isinstance(sec, CommentedMap):
                raise self.error("a section must be a mapping with id, heading and blocks", pos)
            for key in sec:
                if key not in ("id", "heading", "blocks", *TRANSLATOR_KEYS):
                    raise self.error(f"unknown key '{key}' in section (expected: id, heading, "
                                     "blocks)", self.key_pos(sec, key))
            for key in ("id", "heading", "blocks"):
                if key not in sec:
                    raise self.error(f"section is missing '{key}'", pos)
            sid = sec["id"]
            if not isinstance(sid, str) or not ID_RE.match(sid):
                raise self.error(f"section id '{sid}' must be lowercase letters, digits and '-'",
                                 self.value_pos(sec, "id"))
            if sid in seen:
                raise self.error(f"duplicate section id '{sid}' (first used on line {seen[sid]})",
                                 self.value_pos(sec, "id"))
            seen[sid] = self.value_pos(sec, "id")[0]
            inherited = self.translator_keys(sec, f"section '{sid}'")
            heading = self.text(sec, "heading", f"heading of section '{sid}'", inherited)
            blocks_node = sec["blocks"]
            if not isinstance(blocks_node, CommentedSeq):
                raise self.error(f"blocks of section '{sid}' must be a list",
                                 self.value_pos(sec, "blocks"))
            blocks = [self.block(blocks_node, i) for i in range(len(blocks_node))]
            out.append(Section(sid, heading, blocks, pos[0] if pos else 0))
        return out

    def block(self, seq: CommentedSeq, index: int) -> Block:
        node = seq[index]
        pos = self.value_pos(seq, index)
        expected = ", ".join(BLOCK_TYPES)
        if not isinstance(node, CommentedMap):
            raise self.error(f"a block must be a mapping such as '- p: text' (block types: "
                             f"{expected})", pos)
        types = [k for k in node if k in BLOCK_SCHEMAS]
        if not types:
            first = next((k for k in node if k not in TRANSLATOR_KEYS), None)
            if first is None:
                raise self.error(f"block has no type (expected one of: {expected})", pos)
            raise self.error(f"unknown block type '{first}' (expected one of: {expected})",
                             self.key_pos(node, first))
        if len(types) > 1:
            raise self.error(f"block has two types, '{types[0]}' and '{types[1]}'; "
                             "start a new list item ('- ') for the second",
                             self.key_pos(node, types[1]))
        btype = types[0]
        schema = BLOCK_SCHEMAS[btype]
        for key in node:
            if key not in schema and key not in TRANSLATOR_KEYS:
                raise self.error(f"unknown key '{key}' in {btype} block (allowed: "
                                 f"{', '.join([*schema, *TRANSLATOR_KEYS])})",
                                 self.key_pos(node, key))
        inherited = self.translator_keys(node, f"{btype} block")
        fields = self.fields(node, schema, btype, inherited)
        line, col = pos if pos else (0, 0)
        block = Block(btype, line, col, fields)
        if btype == "table":
            width = len(fields["table"]["header"])
            for r, row in enumerate(fields["table"]["rows"]):
                if len(row) != width:
                    rows_node = node["table"]["rows"]
                    raise self.error(f"table row {r + 1} has {len(row)} cells, the header has "
                                     f"{width}", self.value_pos(rows_node, r))
        return block

    def fields(self, node: CommentedMap, schema: dict[str, str], where: str,
               inherited: dict) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, kind in schema.items():
            optional = kind.endswith("?")
            kind = kind.rstrip("?")
            label = f"'{key}' of {where}" if key != where else where
            if key not in node or node[key] is None:
                if not optional:
                    raise self.error(f"{where} needs '{key}'", self.node_pos(node))
                continue
            value = node[key]
            pos = self.value_pos(node, key)
            if kind == "text":
                out[key] = self.text(node, key, label, inherited)
            elif kind == "texts":
                if not isinstance(value, CommentedSeq) or not value:
                    raise self.error(f"{label} must be a non-empty list", pos)
                out[key] = [self.text(value, i, f"item {i + 1} of {label}", inherited)
                            for i in range(len(value))]
            elif kind == "number":
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise self.error(f"{label} must be a number without quotes or separators "
                                     f"(e.g. 330000), not {_kind(value)}", pos)
                out[key] = value
            elif kind in ("noteid", "path"):
                if not isinstance(value, str) or not value.strip():
                    raise self.error(f"{label} must be text", pos)
                out[key] = Ref(str(value), pos)
            elif kind == "bool":
                if not isinstance(value, bool):
                    raise self.error(f"{label} must be true or false", pos)
                out[key] = value
            elif kind.startswith("enum:"):
                choices = kind[5:].split("|")
                if value not in choices:
                    raise self.error(f"{label} must be one of: {', '.join(choices)}", pos)
                out[key] = str(value)
            elif kind.startswith("map:"):
                sub = MAP_SCHEMAS[kind[4:]]
                if not isinstance(value, CommentedMap):
                    raise self.error(f"{label} must be a mapping with: {', '.join(sub)}", pos)
                for k in value:
                    if k not in sub and k not in TRANSLATOR_KEYS:
                        raise self.error(f"unknown key '{k}' in {key} (allowed: "
                                         f"{', '.join(sub)})", self.key_pos(value, k))
                inner = {**inherited, **self.translator_keys(value, label)}
                out[key] = self.fields(value, sub, key, inner)
            elif kind == "rows":
                if not isinstance(value, CommentedSeq) or not value:
                    raise self.error(f"{label} must be a non-empty list of rows", pos)
                rows = []
                for r, row in enumerate(value):
                    if not isinstance(row, CommentedSeq):
                        raise self.error(f"row {r + 1} of {label} must be a list of cells",
                                         self.value_pos(value, r))
                    rows.append([self.text(row, c, f"cell {c + 1} of row {r + 1}", inherited)
                                 for c in range(len(row))])
                out[key] = rows
            elif kind == "bars":
                if not isinstance(value, CommentedSeq) or not value:
                    raise self.error(f"{label} must be a non-empty list of {{label, value}}", pos)
                bars = []
                for b, bar in enumerate(value):
                    if not isinstance(bar, CommentedMap):
                        raise self.error(f"bar {b + 1} must be a mapping with label and value",
                                         self.value_pos(value, b))
                    bars.append(self.fields(bar, {"label": "text", "value": "number"},
                                            f"bar {b + 1}", inherited))
                out[key] = bars
            else:  # pragma: no cover - schema typo
                raise AssertionError(kind)
        return out

    def check_references(self, doc: Document) -> None:
        known = ", ".join(sorted(doc.notes)) or "none defined"
        for text in doc.texts():
            try:
                refs = markup.footnote_ids(text.value)
            except Exception:  # pragma: no cover - the parser accepts any string
                refs = []
            stray = FOOTNOTE_REF.findall(text.value)
            for ref in stray:
                if ref not in refs:
                    raise ContentError(f"malformed footnote reference [^{ref}] (write [^note-id] "
                                       "with letters, digits, '-', '_' or '.')",
                                       self.shown, text.line, text.col)
            for ref in refs:
                if ref not in doc.notes:
                    raise ContentError(f"footnote reference [^{ref}] has no note under 'notes:' "
                                       f"(notes: {known})", self.shown, text.line, text.col)
        for section in doc.sections:
            for block in section.blocks:
                for value in _walk_maps(block.fields):
                    source = value.get("source")
                    if source is not None and source not in doc.notes:
                        raise ContentError(f"source '{source}' is not a note id "
                                           f"(notes: {known})", self.shown, source.line, source.col)
                    if "src" in value:
                        self.check_image(value["src"])

    def check_image(self, src: Ref) -> None:
        pos = (src.line, src.col)
        content_dir = self.path.parent.resolve()
        target = (content_dir / src).resolve()
        if "://" in src or src.startswith(("/", "data:")) or not target.is_relative_to(content_dir):
            raise self.error(f"image '{src}' must be a relative path inside content/ "
                             "(e.g. images/map.svg)", pos)
        if not target.is_file():
            raise self.error(f"image '{src}' not found in content/", pos)


def _walk_maps(value: Any) -> Iterator[dict]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _walk_maps(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk_maps(item)


def _kind(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, (list, CommentedSeq)):
        return "a list"
    if isinstance(value, (dict, CommentedMap)):
        return "a mapping"
    return type(value).__name__


def load_document(path: Path, shown: str | None = None) -> Document:
    """Load ``path``; errors name ``shown`` (the path relative to the project)."""
    path = Path(path)
    shown = shown or path.as_posix()
    document = _Loader(path, shown).load()
    for text in document.texts():
        for value in (text.value, text.note or ""):
            bad = _SURROGATE.search(value)
            if bad:
                raise ContentError(
                    f"invalid character \\u{ord(bad.group()):04x} (half of a UTF-16 pair): "
                    "write the character itself, or escape it as \\UXXXXXXXX",
                    shown, text.line, text.col)
    return document


_SURROGATE = re.compile("[\ud800-\udfff]")
