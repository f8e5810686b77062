"""``invoke stats``: how far each translation is, per language and per document.

A message is translated, fuzzy, untranslated, or rejected: translated but refused
by ``check`` (a changed number, URL, emphasis or footnote), so that it prints in
English like an untranslated one (:func:`pressroom.messages.check.read_catalog_errors`).
The percentage done counts only what prints translated."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass

from pressroom.messages.catalogs import nplurals, read_catalog_readonly, untranslated
from pressroom.messages.check import msgid_of, read_catalog_errors
from pressroom.model.config import Project

_WORD = re.compile(r"\w+(?:[’'-]\w+)*")
_PLACEHOLDER = re.compile(r"%\(\w+\)\w")


@dataclass
class Row:
    lang: str
    part: str  # a document name, "layouts", or "all"
    messages: int = 0
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    rejected: int = 0  # translated, but check refuses it: printed in English
    words: int = 0
    words_translated: int = 0
    words_fuzzy: int = 0
    words_untranslated: int = 0
    words_rejected: int = 0

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.messages if self.messages else 100.0


def _parts(message, documents) -> set[str]:
    parts = set()
    for filename, _ in message.locations:
        for doc in documents:
            if filename == f"content/{doc}.yaml":
                parts.add(doc)
        if filename.startswith("layouts/"):
            parts.add("layouts")
    return parts or {"layouts"}


def _state(message, count: int, refused: dict) -> str:
    if message.fuzzy:
        return "fuzzy"
    if untranslated(message, count):  # a plural: translated if every form is
        return "untranslated"
    return "rejected" if (message.context, msgid_of(message)) in refused else "translated"


def compute(project: Project, langs: list[str]) -> list[Row]:
    rows: list[Row] = []
    for lang in langs:
        path = project.po_path(lang)
        catalog = read_catalog_readonly(path, project.rel(path), lang, project.cache_dir)
        count = nplurals(catalog, project.rel(path))
        refused = read_catalog_errors(project, lang) if lang != project.source_language else {}
        table: dict[str, Row] = {}
        total = Row(lang, "all")
        for message in catalog:
            if not message.id:
                continue
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            words = len(_WORD.findall(_PLACEHOLDER.sub(" ", msgid)))  # "%(count)s page": 1
            state = _state(message, count, refused)
            for row in [total, *(table.setdefault(part, Row(lang, part))
                                 for part in sorted(_parts(message, project.documents)))]:
                row.messages += 1
                row.words += words
                setattr(row, state, getattr(row, state) + 1)
                setattr(row, f"words_{state}", getattr(row, f"words_{state}") + words)
        order = [*project.documents, "layouts"]
        rows.extend(table[p] for p in order if p in table)
        rows.append(total)
    return rows


def as_table(rows: list[Row]) -> str:
    head = ("lang", "part", "messages", "translated", "fuzzy", "untranslated", "rejected",
            "words", "words done", "done")
    lines = [head]
    for r in rows:
        lines.append((r.lang, r.part, str(r.messages), str(r.translated), str(r.fuzzy),
                      str(r.untranslated), str(r.rejected), str(r.words),
                      str(r.words_translated), f"{r.percent:.1f} %"))
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = []
    for n, line in enumerate(lines):
        cells = [c.ljust(w) if i < 2 else c.rjust(w)
                 for i, (c, w) in enumerate(zip(line, widths, strict=True))]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def as_json(rows: list[Row]) -> str:
    return json.dumps([{**asdict(r), "percent": round(r.percent, 2)} for r in rows],
                      ensure_ascii=False, indent=2)
