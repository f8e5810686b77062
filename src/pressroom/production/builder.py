"""Build orchestration: incremental and parallel.

- **Incremental.** Each PDF's build record (``<pdf>.json``) keeps the fingerprint
  of its inputs (:mod:`pressroom.render.fingerprint`). A PDF whose fingerprint
  and bytes are unchanged is not rebuilt. Each print PDF gets its manifest
  (:mod:`pressroom.production.manifest`).
- **Parallel.** The renders run in worker processes (``-j``, default: the number
  of cores), one process per PDF, so a long build's peak memory is that of one
  document (WeasyPrint keeps its memory until its process ends). Results are
  reported in the order of the request, whatever order they finish in.
"""

from __future__ import annotations

import concurrent.futures as futures
import json
import multiprocessing
import os
from pathlib import Path

from pressroom.errors import PressroomError
from pressroom.fsutil import atomic_write_bytes, sha256_file
from pressroom.messages.extract import load_documents
from pressroom.model.config import PSEUDO_LANGUAGES, Project, load_project
from pressroom.model.content import Document, load_document
from pressroom.render import environment
from pressroom.render.document import PROFILES, BuildResult, build_one
from pressroom.render.fingerprint import (
    fingerprint,
    layouts_digest,
    read_record,
    translations_for,
    up_to_date,
)


def _stamp(result: BuildResult, key: str) -> None:
    record = read_record(result.path)
    record.update(key=key, pdf_sha256=sha256_file(result.path))
    atomic_write_bytes(Project.record_path(result.path),
                       json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8"))


def _recorder(project: Project, allow_incomplete: bool = False):
    """A function that writes a print PDF's manifest as soon as its result is in,
    on every build (even an up-to-date one: the commit may have moved while the
    inputs stayed the same), so that an interrupted build leaves none stale."""
    from pressroom.production.manifest import ManifestWriter

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
    context.set_forkserver_preload(["pressroom.render.document", "weasyprint"])
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
