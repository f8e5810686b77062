"""Build orchestration: incremental and parallel.

- **Incremental.** Each PDF's build record (``<pdf>.json``) keeps a fingerprint of
  its inputs: the content file, the translations of the strings it prints
  (content and layout strings, so one changed French string rebuilds only the
  French PDFs that print it), every file under ``layouts/`` (templates, CSS,
  fonts), the images, the output profile's bytes (print), the profile and the
  ``[tool.pressroom]`` options, and the environment (:mod:`pressroom.environment`:
  pressroom's own code, the versions of the rendering libraries, CLDR, Pango,
  HarfBuzz and fontconfig, the system fonts the layouts fall back to). A PDF
  whose fingerprint and bytes are unchanged is not rebuilt. Each print PDF gets
  its manifest (:mod:`pressroom.manifest`).
- **Parallel.** The renders run in worker processes (``-j``, default: the number
  of cores), one process per PDF, so a long build's peak memory is that of one
  document (WeasyPrint keeps its memory until its process ends). Results are
  reported in the order of the request, whatever order they finish in.
"""

from __future__ import annotations

import concurrent.futures as futures
import hashlib
import json
import multiprocessing
import os
from pathlib import Path

from . import environment, printmarks
from .catalogs import Translations, load_translations
from .config import PSEUDO_LANGUAGES, Project, load_project
from .content import Document, load_document
from .errors import PressroomError
from .extract import load_documents
from .fsutil import sha256_file, sha256_file_cached
from .preflight import sidecar_path
from .qa import layout_path
from .pseudo import pseudo_translations
from .render import PROFILES, BuildResult, build_one


def translations_for(project: Project, lang: str) -> Translations:
    if lang in PSEUDO_LANGUAGES:
        return pseudo_translations(lang)
    from .check import without_rejected  # what `check` rejects prints in English

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
        add("pseudo", Path(__file__).with_name("pseudo.py").read_bytes())
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
        return json.loads(sidecar_path(pdf).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def up_to_date(pdf: Path, key: str) -> dict | None:
    """The build record of ``pdf`` if it was built from inputs with this fingerprint."""
    record = read_record(pdf)
    if record.get("key") != key or not pdf.exists():
        return None
    if not layout_path(pdf).exists():  # the layout check and locate need it
        return None
    if record.get("pdf_sha256") != sha256_file_cached(pdf):
        return None  # the PDF was changed or replaced since
    return record


def _stamp(result: BuildResult, key: str) -> None:
    from .fsutil import atomic_write_bytes

    record = read_record(result.path)
    record.update(key=key, pdf_sha256=sha256_file(result.path))
    atomic_write_bytes(sidecar_path(result.path),
                       json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8"))


def _recorder(project: Project, allow_incomplete: bool = False):
    """A function that writes a print PDF's manifest as soon as its result is in,
    on every build (even an up-to-date one: the commit may have moved while the
    inputs stayed the same), so that an interrupted build leaves none stale."""
    from .manifest import ManifestWriter

    writer = ManifestWriter(project, allow_incomplete)

    def record(result: BuildResult) -> None:
        if result.profile == "print" and result.lang not in PSEUDO_LANGUAGES:
            writer.write(result.doc, result.lang, result.path, result.pages)
    return record


def _work(root: str, doc: str, lang: str, profile: str) -> BuildResult:
    """One render, in a worker process: read the inputs again, render, write."""
    project = load_project(Path(root))
    document = load_document(project.content_path(doc), project.rel(project.content_path(doc)))
    return build_one(project, document, lang, translations_for(project, lang), profile)


def _pool(jobs: int) -> futures.ProcessPoolExecutor:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pressroom.render", "weasyprint"])
    return futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                                       max_tasks_per_child=1)


def build(project: Project, langs: list[str], docs: list[str], profile: str = "print",
          report=None, documents: dict[str, Document] | None = None, jobs: int | None = None,
          force: bool = False, skip=(), allow_incomplete: bool = False) -> list[BuildResult]:
    """Build every (document, language) whose inputs changed, but the (document,
    language) pairs in ``skip`` (refused by the print-run gate). Every input is read
    and checked before the first render; results come back in request order."""
    if profile not in PROFILES:
        raise PressroomError(f"unknown profile '{profile}' (expected one of: {', '.join(PROFILES)})")
    documents = documents or load_documents(project, docs)
    translations = {lang: translations_for(project, lang) for lang in langs}
    layouts, env = layouts_digest(project), environment.fingerprint(project)
    tasks = [(doc, lang) for lang in langs for doc in docs if (doc, lang) not in skip]
    keys, done = {}, {}
    for doc, lang in tasks:
        keys[doc, lang] = fingerprint(project, documents[doc], translations[lang], profile,
                                      layouts, env)
        pdf = project.pdf_path(lang, doc, profile)
        record = None if force else up_to_date(pdf, keys[doc, lang])
        if record is not None:
            done[doc, lang] = BuildResult(doc, lang, profile, pdf, int(record.get("pages", 0)),
                                          0.0, written=False, skipped=True,
                                          warnings=list(record.get("warnings", [])))
    todo = [task for task in tasks if task not in done]
    record = _recorder(project, allow_incomplete)
    jobs = max(1, jobs or os.cpu_count() or 1)
    results = []
    if len(todo) > 1 and jobs > 1:
        with _pool(min(jobs, len(todo))) as pool:
            running = {task: pool.submit(_work, str(project.root), *task, profile)
                       for task in todo}
            try:
                for task in tasks:
                    result = done.get(task) or running[task].result()
                    if task in running:
                        _stamp(result, keys[task])
                    record(result)
                    results.append(result)
                    if report:
                        report(result)
            except BaseException:
                for future in running.values():
                    future.cancel()
                raise
        return results
    for task in tasks:
        if task in done:
            result = done[task]
        else:
            doc, lang = task
            result = build_one(project, documents[doc], lang, translations[lang], profile)
            _stamp(result, keys[task])
        record(result)
        results.append(result)
        if report:
            report(result)
    return results
