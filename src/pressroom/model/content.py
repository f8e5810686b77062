"""Load and validate a content file (``content/<doc>.yaml``) into a :class:`Document`.

Every translatable string becomes a :class:`Text` that remembers its line and
column, so that catalogues can point at ``content/<doc>.yaml:<line>`` and errors
can say ``file:line:col: message``. Which fields are translatable is decided by
the schema below, never by "every string".
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from pressroom import diskcache
from pressroom.errors import ContentError, MarkupError
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

    def __reduce__(self):  # pickled to the render workers with its position
        return (Ref, (str(self), (self.line, self.col)))


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


#: Facts about a publication that pressroom cannot know and must never invent: empty
#: in the content until someone who knows fills them in (the preflight warns).
FACTS = {
    "isbn": "the ISBN of this language edition (each language edition has its own)",
    "rights": "the rights line: the copyright holder and year, or a licence such as CC BY 4.0",
    "contact": "how readers reach the group: an e-mail address, a postal address or a website",
    "members": ("the group's member organizations as of the edition's date (the sources name "
                "only its chair in 2016 and its size: 16 members in 2014, 22 in 2016)"),
}


@dataclass(frozen=True)
class Fact:
    """A value of ``meta`` that only its publisher knows (:data:`FACTS`), as written:
    ``value`` is "" while it is empty; ``lang`` is set for a per-language value."""

    name: str
    value: str
    line: int
    lang: str | None = None


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
    disclaimer: Text | None = None
    current_as_of: _dt.date | None = None  # the law and sources as of this date
    facts: list[Fact] = field(default_factory=list)

    def fact(self, name: str, lang: str | None = None) -> str:
        """The value of fact ``name`` (for ``lang`` if it is given per language), "" if empty."""
        for fact in self.facts:
            if fact.name == name and fact.lang in (None, lang):
                return fact.value
        return ""

    def texts(self) -> Iterator[Text]:
        """Every translatable string, in reading order (cover, sections, notes)."""
        for text in (self.title, self.subtitle, self.short_title, self.publisher, self.edition,
                     self.disclaimer):
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
BAR_SCHEMA = {"label": "text", "value": "number"}


# --------------------------------------------------------------------------- reading
def _read_source(path: Path, shown: str) -> str:
    """The file's text; a missing file or bad UTF-8 is a ContentError at the bad byte."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ContentError("content file not found", shown) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ContentError("invalid UTF-8 (save the file as UTF-8)", shown, line, col) from None


def _yaml_syntax_error(exc: MarkedYAMLError, shown: str) -> ContentError:
    """A parser error as ``YAML syntax error: ...`` at the parser's mark (1-based)."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    if "duplicate key" in (exc.problem or "") or "duplicate key" in str(exc.context or ""):
        problem = f"duplicate key: {problem}"
    line = mark.line + 1 if mark else None
    col = mark.column + 1 if mark else None
    return ContentError(f"YAML syntax error: {problem}", shown, line, col)


def read_yaml(path: Path, shown: str) -> Any:
    """Parse ``path`` as round-trip YAML, keeping line/column on every mapping and list
    (``node.lc``). Duplicate keys are errors. Errors name ``shown``."""
    source = _read_source(path, shown)
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        return yaml.load(source)
    except MarkedYAMLError as exc:
        raise _yaml_syntax_error(exc, shown) from None
    except YAMLError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "invalid YAML"
        raise ContentError(f"YAML error: {first}", shown) from None


# --------------------------------------------------------------------------- positions
Pos = tuple[int, int] | None


def _node_pos(node: Any) -> Pos:
    """Where a mapping or list starts (1-based), or None for a plain value."""
    lc = getattr(node, "lc", None)
    if lc is not None and lc.line is not None:
        return lc.line + 1, lc.col + 1
    return None


def _key_pos(node: Any, key: Any) -> Pos:
    """Where ``key`` is written in mapping ``node``; the mapping's start if unknown."""
    try:
        line, col = node.lc.key(key)
        return line + 1, col + 1
    except Exception:
        return _node_pos(node)


def _value_pos(node: Any, key: Any) -> Pos:
    """Where the value under ``key`` (or list item ``key``) is written in ``node``."""
    try:
        if isinstance(node, CommentedSeq):
            line, col = node.lc.item(key)
        else:
            line, col = node.lc.value(key)
        return line + 1, col + 1
    except Exception:
        return _node_pos(node)


def _line(pos: Pos) -> int:
    return pos[0] if pos else 0


def _unknown_keys(node: CommentedMap, allowed: Iterable[Any]) -> list[Any]:
    """The keys of ``node`` not in ``allowed``, in the order they are written."""
    allowed = tuple(allowed)
    return [key for key in node if key not in allowed]


@dataclass(frozen=True)
class _Field:
    """One present field of a schema'd mapping, with what its validator needs."""

    node: Any
    key: str
    label: str
    pos: Pos
    inherited: dict

    @property
    def value(self) -> Any:
        return self.node[self.key]


FieldKind = Callable[["_Fields", _Field, str], Any]


class _Scalars:
    """Errors at a position in the file, and the rules for a translatable text and
    its translator keys (shared by every part of the loader)."""

    def __init__(self, shown: str):
        self.shown = shown

    def error(self, message: str, pos: Pos) -> ContentError:
        line, col = pos if pos else (None, None)
        return ContentError(message, self.shown, line, col)

    def text(self, parent: Any, key: Any, where: str, inherited: dict) -> Text:
        value = parent[key]
        pos = _value_pos(parent, key)
        extra = dict(inherited)
        if isinstance(value, CommentedMap):
            extra.update(self.text_mapping(value, where, pos))
            pos = _value_pos(value, "text")
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

    def text_mapping(self, value: CommentedMap, where: str, pos: Pos) -> dict[str, Any]:
        """Check a ``{text:, note:, context:, max_chars:}`` mapping; its translator keys."""
        unknown = _unknown_keys(value, ("text", *TRANSLATOR_KEYS))
        if unknown:
            raise self.error(
                f"unknown key '{unknown[0]}' in {where} (a text mapping takes: text, "
                "note, context, max_chars)", _key_pos(value, unknown[0]))
        if "text" not in value:
            raise self.error(f"{where} is a mapping without 'text:'", pos)
        return self.translator_keys(value, where)

    def optional_text(self, node: CommentedMap, key: str, where: str) -> Text | None:
        return self.text(node, key, where, {}) if key in node else None

    def translator_keys(self, node: CommentedMap, where: str) -> dict[str, Any]:
        """The note/context/max_chars written on ``node``, checked and normalised."""
        out: dict[str, Any] = {}
        for key in TRANSLATOR_KEYS:
            if key in node:
                out[key] = self.translator_key(node, key, where)
        return out

    def translator_key(self, node: CommentedMap, key: str, where: str) -> Any:
        value = node[key]
        pos = _value_pos(node, key)
        if key == "max_chars":
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise self.error(f"max_chars in {where} must be a positive whole number", pos)
            return int(value)
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"{key} in {where} must be non-empty text", pos)
        return " ".join(value.split())


class _Fields(_Scalars):
    """Validate a mapping against a schema (BLOCK_SCHEMAS, MAP_SCHEMAS): one small
    validator per field kind, looked up in FIELD_KINDS."""

    def fields(self, node: CommentedMap, schema: dict[str, str], where: str,
               inherited: dict) -> dict[str, Any]:
        """Validate ``node`` against ``schema`` (field -> kind, ``?`` = optional)."""
        out: dict[str, Any] = {}
        for key, spec in schema.items():
            if key not in node or node[key] is None:
                if not spec.endswith("?"):
                    raise self.error(f"{where} needs '{key}'", _node_pos(node))
                continue
            kind = spec.rstrip("?")
            label = f"'{key}' of {where}" if key != where else where
            name, _, arg = kind.partition(":")
            validator = FIELD_KINDS.get(name)
            if validator is None:  # pragma: no cover - schema typo
                raise AssertionError(kind)
            out[key] = validator(self, _Field(node, key, label, _value_pos(node, key),
                                              inherited), arg)
        return out

    def non_empty_list(self, f: _Field, what: str) -> CommentedSeq:
        if not isinstance(f.value, CommentedSeq) or not f.value:
            raise self.error(f"{f.label} must be a non-empty list{what}", f.pos)
        return f.value

    def text_field(self, f: _Field, _arg: str) -> Text:
        return self.text(f.node, f.key, f.label, f.inherited)

    def texts_field(self, f: _Field, _arg: str) -> list[Text]:
        items = self.non_empty_list(f, "")
        return [self.text(items, i, f"item {i + 1} of {f.label}", f.inherited)
                for i in range(len(items))]

    def number_field(self, f: _Field, _arg: str) -> int | float:
        value = f.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(f"{f.label} must be a number without quotes or separators "
                             f"(e.g. 330000), not {_kind(value)}", f.pos)
        return value

    def ref_field(self, f: _Field, _arg: str) -> Ref:
        if not isinstance(f.value, str) or not f.value.strip():
            raise self.error(f"{f.label} must be text", f.pos)
        return Ref(str(f.value), f.pos)

    def bool_field(self, f: _Field, _arg: str) -> bool:
        if not isinstance(f.value, bool):
            raise self.error(f"{f.label} must be true or false", f.pos)
        return f.value

    def enum_field(self, f: _Field, arg: str) -> str:
        choices = arg.split("|")
        if f.value not in choices:
            raise self.error(f"{f.label} must be one of: {', '.join(choices)}", f.pos)
        return str(f.value)

    def map_field(self, f: _Field, arg: str) -> dict[str, Any]:
        sub = MAP_SCHEMAS[arg]
        value = f.value
        if not isinstance(value, CommentedMap):
            raise self.error(f"{f.label} must be a mapping with: {', '.join(sub)}", f.pos)
        unknown = _unknown_keys(value, [*sub, *TRANSLATOR_KEYS])
        if unknown:
            raise self.error(f"unknown key '{unknown[0]}' in {f.key} (allowed: "
                             f"{', '.join(sub)})", _key_pos(value, unknown[0]))
        inner = {**f.inherited, **self.translator_keys(value, f.label)}
        return self.fields(value, sub, f.key, inner)

    def rows_field(self, f: _Field, _arg: str) -> list[list[Text]]:
        value = self.non_empty_list(f, " of rows")
        rows = []
        for r, row in enumerate(value):
            if not isinstance(row, CommentedSeq):
                raise self.error(f"row {r + 1} of {f.label} must be a list of cells",
                                 _value_pos(value, r))
            rows.append([self.text(row, c, f"cell {c + 1} of row {r + 1}", f.inherited)
                         for c in range(len(row))])
        return rows

    def bars_field(self, f: _Field, _arg: str) -> list[dict[str, Any]]:
        value = self.non_empty_list(f, " of {label, value}")
        bars = []
        for b, bar in enumerate(value):
            if not isinstance(bar, CommentedMap):
                raise self.error(f"bar {b + 1} must be a mapping with label and value",
                                 _value_pos(value, b))
            bars.append(self.fields(bar, BAR_SCHEMA, f"bar {b + 1}", f.inherited))
        return bars


#: One validator per field kind in the schemas above.
FIELD_KINDS: dict[str, FieldKind] = {
    "text": _Fields.text_field,
    "texts": _Fields.texts_field,
    "number": _Fields.number_field,
    "noteid": _Fields.ref_field,
    "path": _Fields.ref_field,
    "bool": _Fields.bool_field,
    "enum": _Fields.enum_field,
    "map": _Fields.map_field,
    "rows": _Fields.rows_field,
    "bars": _Fields.bars_field,
}


class _References(_Scalars):
    """Cross-checks once the whole file is read: footnotes, sources, images."""

    def __init__(self, path: Path, shown: str):
        super().__init__(shown)
        self.path = path

    def check(self, doc: Document) -> None:
        """Every footnote reference and ``source:`` names a note; every image exists."""
        known = ", ".join(sorted(doc.notes)) or "none defined"
        for text in doc.texts():
            self.check_footnotes(text, doc.notes, known)
        for section in doc.sections:
            for block in section.blocks:
                for value in _walk_maps(block.fields):
                    self.check_map_references(value, doc.notes, known)

    def check_images(self, doc: Document) -> None:
        """Every image still exists (a document parsed before: the rest of its
        references depend on its bytes only, and were checked then)."""
        for section in doc.sections:
            for block in section.blocks:
                for value in _walk_maps(block.fields):
                    if "src" in value:
                        self.check_image(value["src"])

    def check_footnotes(self, text: Text, notes: dict[str, Text], known: str) -> None:
        try:
            refs = markup.footnote_ids(text.value)
        except Exception:  # pragma: no cover - the parser accepts any string
            refs = []
        for ref in FOOTNOTE_REF.findall(text.value):
            if ref not in refs:
                raise ContentError(f"malformed footnote reference [^{ref}] (write [^note-id] "
                                   "with letters, digits, '-', '_' or '.')",
                                   self.shown, text.line, text.col)
        for ref in refs:
            if ref not in notes:
                raise ContentError(f"footnote reference [^{ref}] has no note under 'notes:' "
                                   f"(notes: {known})", self.shown, text.line, text.col)
        for code in markup.language_spans(text.value):  # [title]{lang=en}
            try:
                markup.language(code)
            except MarkupError as exc:
                raise ContentError(exc.message, self.shown, text.line, text.col) from None

    def check_map_references(self, value: dict, notes: dict[str, Text], known: str) -> None:
        source = value.get("source")
        if source is not None and source not in notes:
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


class _Blocks(_Fields):
    """One block of a section: its type, its keys, its fields by BLOCK_SCHEMAS."""

    def block(self, seq: CommentedSeq, index: int) -> Block:
        node = seq[index]
        pos = _value_pos(seq, index)
        btype = self.block_type(node, pos)
        schema = BLOCK_SCHEMAS[btype]
        allowed = [*schema, *TRANSLATOR_KEYS]
        unknown = _unknown_keys(node, allowed)
        if unknown:
            raise self.error(f"unknown key '{unknown[0]}' in {btype} block (allowed: "
                             f"{', '.join(allowed)})", _key_pos(node, unknown[0]))
        inherited = self.translator_keys(node, f"{btype} block")
        fields = self.fields(node, schema, btype, inherited)
        if btype == "table":
            self.check_table_rows(node, fields)
        line, col = pos if pos else (0, 0)
        return Block(btype, line, col, fields)

    def block_type(self, node: Any, pos: Pos) -> str:
        """The one block-type key of ``node`` (``p``, ``list``, ``table``, ...)."""
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
                             _key_pos(node, first))
        if len(types) > 1:
            raise self.error(f"block has two types, '{types[0]}' and '{types[1]}'; "
                             "start a new list item ('- ') for the second",
                             _key_pos(node, types[1]))
        return types[0]

    def check_table_rows(self, node: CommentedMap, fields: dict[str, Any]) -> None:
        """Every row of a table has as many cells as its header."""
        width = len(fields["table"]["header"])
        for r, row in enumerate(fields["table"]["rows"]):
            if len(row) != width:
                raise self.error(f"table row {r + 1} has {len(row)} cells, the header has "
                                 f"{width}", _value_pos(node["table"]["rows"], r))


class _Loader(_Blocks):
    """Turn the parsed YAML of one content file into a :class:`Document`, raising a
    ContentError at the first problem (in reading order)."""

    def __init__(self, path: Path, shown: str):
        super().__init__(shown)
        self.path = path

    def load(self) -> Document:
        data = read_yaml(self.path, self.shown)
        if not isinstance(data, CommentedMap):
            raise self.error("the document must be a mapping with title, meta, sections and notes",
                             (1, 1))
        return self.document(data)

    def document(self, data: CommentedMap) -> Document:
        allowed = ("title", "subtitle", "short_title", "meta", "sections", "notes")
        unknown = _unknown_keys(data, allowed)
        if unknown:
            raise self.error(f"unknown top-level key '{unknown[0]}' (expected one of: "
                             f"{', '.join(allowed)})", _key_pos(data, unknown[0]))
        for key in ("title", "meta", "sections"):
            if key not in data:
                raise self.error(f"missing top-level key '{key}'", (1, 1))
        title = self.text(data, "title", "title", {})
        subtitle = self.optional_text(data, "subtitle", "subtitle")
        short = self.optional_text(data, "short_title", "short_title")
        publisher, edition, date = self.meta(data)
        meta = data["meta"]
        notes, note_lines = self.notes(data)
        sections = self.sections(data)
        doc = Document(name=self.path.stem, path=self.path, title=title, subtitle=subtitle,
                       short_title=short, publisher=publisher, date=date, edition=edition,
                       sections=sections, notes=notes, note_lines=note_lines,
                       disclaimer=self.optional_text(meta, "disclaimer", "meta.disclaimer"),
                       current_as_of=self.date(meta, "current_as_of")
                       if "current_as_of" in meta else None,
                       facts=self.facts(meta))
        _References(self.path, self.shown).check(doc)
        return doc

    def meta(self, data: CommentedMap) -> tuple[Text, Text | None, _dt.date]:
        """``meta:``: publisher, edition and date."""
        meta = data["meta"]
        if not isinstance(meta, CommentedMap):
            raise self.error("meta must be a mapping (publisher, date, edition)",
                             _value_pos(data, "meta"))
        allowed = ("publisher", "date", "edition", "disclaimer", "current_as_of", *FACTS)
        unknown = _unknown_keys(meta, allowed)
        if unknown:
            raise self.error(f"unknown key '{unknown[0]}' in meta (expected: "
                             f"{', '.join(allowed)})", _key_pos(meta, unknown[0]))
        if "publisher" not in meta:
            raise self.error("meta needs 'publisher'", _value_pos(data, "meta"))
        publisher = self.text(meta, "publisher", "meta.publisher", {})
        edition = self.optional_text(meta, "edition", "meta.edition")
        return publisher, edition, self.date(meta)

    def facts(self, meta: CommentedMap) -> list[Fact]:
        """``meta``'s :data:`FACTS`: a text, empty (``""`` or nothing), or a mapping of
        language code to text (``isbn: {en: …, es: …}``)."""
        out = []
        for name in FACTS:
            if name not in meta:
                continue
            value = meta[name]  # nothing written after the key: its line
            line = _line(_key_pos(meta, name) if value is None else _value_pos(meta, name))
            if isinstance(value, CommentedMap):
                for lang in value:
                    out.append(Fact(name, self.fact_value(value, lang, f"meta.{name}.{lang}"),
                                    _line(_value_pos(value, lang)) or line, str(lang)))
            else:
                out.append(Fact(name, self.fact_value(meta, name, f"meta.{name}"), line))
        return out

    def fact_value(self, node: CommentedMap, key: Any, where: str) -> str:
        value = node[key]
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self.error(f"{where} must be text in quotes (or empty: \"\"), not "
                             f"{_kind(value)}", _value_pos(node, key))
        return " ".join(value.split())

    def date(self, meta: CommentedMap, key: str = "date") -> _dt.date:
        if key not in meta:
            raise self.error(f"meta needs '{key}' (YYYY-MM-DD)", _node_pos(meta))
        value = meta[key]
        pos = _value_pos(meta, key)
        if isinstance(value, _dt.datetime):
            return value.date()
        if isinstance(value, _dt.date):
            return value
        try:
            return _dt.date.fromisoformat(str(value))
        except ValueError:
            raise self.error(f"meta.{key} '{value}' is not a date (write YYYY-MM-DD)",
                             pos) from None

    def notes(self, data: CommentedMap) -> tuple[dict[str, Text], dict[str, int]]:
        """``notes:``: each note's text and the line its id is written on."""
        if "notes" not in data or data["notes"] is None:
            return {}, {}
        node = data["notes"]
        if not isinstance(node, CommentedMap):
            raise self.error("notes must be a mapping of note id to text",
                             _value_pos(data, "notes"))
        notes: dict[str, Text] = {}
        lines: dict[str, int] = {}
        for key in node:
            pos = _key_pos(node, key)
            if not isinstance(key, str) or not NOTE_ID_RE.match(key):
                raise self.error(f"note id '{key}' must be letters, digits, '-', '_' or '.'", pos)
            text = self.text(node, key, f"note '{key}'", {})
            if FOOTNOTE_REF.search(text.value):
                raise self.error(f"note '{key}' refers to another note; notes cannot nest",
                                 (text.line, text.col))
            notes[key] = text
            lines[key] = _line(pos)
        return notes, lines

    def sections(self, data: CommentedMap) -> list[Section]:
        node = data["sections"]
        if not isinstance(node, CommentedSeq) or not node:
            raise self.error("sections must be a non-empty list", _value_pos(data, "sections"))
        seen: dict[str, int] = {}
        return [self.section(node, index, seen) for index in range(len(node))]

    def section(self, node: CommentedSeq, index: int, seen: dict[str, int]) -> Section:
        """Section ``index`` of ``node``; ``seen`` maps the ids so far to their lines."""
        sec = node[index]
        pos = _value_pos(node, index)
        if not isinstance(sec, CommentedMap):
            raise self.error("a section must be a mapping with id, heading and blocks", pos)
        unknown = _unknown_keys(sec, ("id", "heading", "blocks", *TRANSLATOR_KEYS))
        if unknown:
            raise self.error(f"unknown key '{unknown[0]}' in section (expected: id, heading, "
                             "blocks)", _key_pos(sec, unknown[0]))
        for key in ("id", "heading", "blocks"):
            if key not in sec:
                raise self.error(f"section is missing '{key}'", pos)
        sid = self.section_id(sec, seen)
        inherited = self.translator_keys(sec, f"section '{sid}'")
        heading = self.text(sec, "heading", f"heading of section '{sid}'", inherited)
        blocks_node = sec["blocks"]
        if not isinstance(blocks_node, CommentedSeq):
            raise self.error(f"blocks of section '{sid}' must be a list",
                             _value_pos(sec, "blocks"))
        blocks = [self.block(blocks_node, i) for i in range(len(blocks_node))]
        return Section(sid, heading, blocks, _line(pos))

    def section_id(self, sec: CommentedMap, seen: dict[str, int]) -> str:
        """The section's id, checked for form and uniqueness, and recorded in ``seen``."""
        sid = sec["id"]
        pos = _value_pos(sec, "id")
        if not isinstance(sid, str) or not ID_RE.match(sid):
            raise self.error(f"section id '{sid}' must be lowercase letters, digits and '-'", pos)
        if sid in seen:
            raise self.error(f"duplicate section id '{sid}' (first used on line {seen[sid]})", pos)
        seen[sid] = _line(pos)
        return sid


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


# Parsed documents of this process, by (file, name shown): the sha256 of the bytes
# they were parsed from, and the document. A build, its gate and its preflight
# read the same file several times; YAML parsing is most of a no-op build.
_PARSED: dict[tuple[str, str], tuple[bytes, Document]] = {}
_PARSED_MAX = 16


def load_document(path: Path, shown: str | None = None, cache: Path | None = None) -> Document:
    """Load ``path``; errors name ``shown`` (the path relative to the project). A file
    whose bytes were parsed before in this process, or in an earlier run that kept
    its result in ``cache`` (:mod:`pressroom.diskcache`), is not parsed again (its
    references, such as images, are checked again); treat the result as read-only."""
    path = Path(path)
    shown = shown or path.as_posix()
    try:
        data = path.read_bytes()
    except OSError:
        return _parse(path, shown)  # the loader says what is wrong with the file
    digest = hashlib.sha256(data).digest()
    key = (str(path.resolve()), shown)
    cached = _PARSED.get(key)
    if cached is not None and cached[0] == digest:
        _References(path, shown).check_images(cached[1])
        return cached[1]
    parsed: list[bool] = []  # parsed now: its references were checked then

    def parse() -> Document:
        parsed.append(True)
        return _parse(path, shown)

    document = diskcache.cached(cache, "content", [data, shown], parse)
    if not parsed:  # kept from an earlier run: images may have gone since
        _References(path, shown).check_images(document)
    if len(_PARSED) >= _PARSED_MAX:
        _PARSED.pop(next(iter(_PARSED)))
    _PARSED[key] = (digest, document)
    return document


def _parse(path: Path, shown: str) -> Document:
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
