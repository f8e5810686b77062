"""The fingerprint of one PDF's inputs, kept in its build record (``<pdf>.json``).

It covers the content file, the translations of the strings the PDF prints
(content and layout strings, so one changed French string rebuilds only the
French PDFs that print it), every file under ``layouts/`` (templates, CSS,
fonts), the images, the output profile's bytes (print), the profile and the
``[tool.pressroom]`` options, and the environment
(:mod:`pressroom.render.environment`: pressroom's own code, the versions of the
rendering libraries, CLDR, Pango, HarfBuzz and fontconfig, the system fonts the
layouts fall back to). The builder skips a PDF whose fingerprint and bytes are
unchanged; the preflight compares only PDFs built from the current inputs.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pressroom.fsutil import sha256_file_cached
from pressroom.messages import pseudo
from pressroom.messages.catalogs import Translations, load_translations
from pressroom.messages.check import without_rejected
from pressroom.messages.pseudo import pseudo_translations
from pressroom.model.config import PSEUDO_LANGUAGES, Project
from pressroom.model.content import Document
from pressroom.render import environment, printmarks


def translations_for(project: Project, lang: str) -> Translations:
    if lang in PSEUDO_LANGUAGES:
        return pseudo_translations(lang)
    return without_rejected(project, load_translations(project, lang))


def layouts_digest(project: Project) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in project.layouts_dir.rglob("*") if p.is_file()):
        digest.update(project.rel(path).encode() + b"\0"
                      + bytes.fromhex(sha256_file_cached(path)) + b"\0")
    return digest.hexdigest()


def fingerprint(project: Project, doc: Document, tx: Translations, profile: str,
                layouts: str, env: str | None = None) -> str:
    """``layouts``: :func:`layouts_digest`; ``env``: :func:`environment.fingerprint`
    (both the same for every PDF of a build: computed once by the caller)."""
    digest = hashlib.sha256()

    def add(*parts) -> None:
        for part in parts:
            digest.update(part if isinstance(part, bytes) else str(part).encode("utf-8"))
            digest.update(b"\0")

    add(env or environment.fingerprint(project), profile, tx.lang, layouts)
    add(json.dumps(project.options, sort_keys=True, default=str))
    add(project.content_path(doc.name).read_bytes())
    others = (set(project.languages) | set(PSEUDO_LANGUAGES)) - {tx.lang}
    for path in project.asset_files():
        variant = path.suffixes[-2][1:] if len(path.suffixes) > 1 else None
        if variant not in others:
            add(project.rel(path), sha256_file_cached(path))  # images, this language's variants
    if profile == "print":
        add(sha256_file_cached(printmarks.cmyk_profile(project)))
    if tx.lang in PSEUDO_LANGUAGES:
        add("pseudo", Path(pseudo.__file__).read_bytes())
        return digest.hexdigest()
    keys = {(t.context, t.value) for t in doc.texts()} | set(tx.layout_keys)
    for key in sorted(keys, key=lambda k: (k[0] or "", k[1])):
        add(key[0] or "", key[1], tx.table.get(key, "\0fallback"))
        if key in tx.plural_table or key in tx.fuzzy_plural_table:  # msgstr[n], and the rule
            add(tx.plural_forms, *tx.plural_table.get(key, ()),
                *(tx.fuzzy_plural_table.get(key, ()) if profile == "proof" else ()))
        if profile == "proof":  # proofs print fuzzy translations too
            add(tx.fuzzy_table.get(key, ""))
    return digest.hexdigest()


def read_record(pdf: Path) -> dict:
    try:
        return json.loads(Project.record_path(pdf).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def up_to_date(pdf: Path, key: str) -> dict | None:
    """The build record of ``pdf`` if it was built from inputs with this fingerprint."""
    record = read_record(pdf)
    if record.get("key") != key or not pdf.exists():
        return None
    if not Project.layout_path(pdf).exists():  # the layout check and locate need it
        return None
    if record.get("pdf_sha256") != sha256_file_cached(pdf):
        return None  # the PDF was changed or replaced since
    return record
