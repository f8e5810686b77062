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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pressroom.errors import PressroomError
from pressroom.fsutil import atomic_write_bytes, sha256_file
from pressroom.messages.catalogs import Translations
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


Task = tuple[str, str]  # (document, language)


@dataclass
class _Plan:
    """What a build does: every task in request order, each one's input fingerprint,
    and the results of those already up to date."""

    profile: str
    tasks: list[Task]
    keys: dict[Task, str] = field(default_factory=dict)
    done: dict[Task, BuildResult] = field(default_factory=dict)

    @property
    def todo(self) -> list[Task]:
        return [task for task in self.tasks if task not in self.done]


def _plan(project: Project, tasks: list[Task], documents: dict[str, Document],
          translations: dict[str, Translations], profile: str, force: bool) -> _Plan:
    """Fingerprint every task; a PDF whose record matches (unless ``force``) is done."""
    layouts, env = layouts_digest(project), environment.fingerprint(project)
    plan = _Plan(profile, tasks)
    for doc, lang in tasks:
        key = fingerprint(project, documents[doc], translations[lang], profile, layouts, env)
        plan.keys[doc, lang] = key
        pdf = project.pdf_path(lang, doc, profile)
        record = None if force else up_to_date(pdf, key)
        if record is not None:
            plan.done[doc, lang] = BuildResult(doc, lang, profile, pdf,
                                               int(record.get("pages", 0)), 0.0, written=False,
                                               skipped=True,
                                               warnings=list(record.get("warnings", [])))
    return plan


def _build_parallel(project: Project, plan: _Plan, jobs: int,
                    deliver: Callable[[BuildResult], None]) -> None:
    """Render the tasks to do in ``jobs`` worker processes; deliver in request order."""
    with _pool(jobs) as pool:
        running = {task: pool.submit(_work, str(project.root), *task, plan.profile)
                   for task in plan.todo}
        try:
            for task in plan.tasks:
                result = plan.done.get(task) or running[task].result()
                if task in running:
                    _stamp(result, plan.keys[task])
                deliver(result)
        except BaseException:
            for future in running.values():
                future.cancel()
            raise


def _build_serial(project: Project, plan: _Plan, documents: dict[str, Document],
                  translations: dict[str, Translations],
                  deliver: Callable[[BuildResult], None]) -> None:
    """Render the tasks to do one after the other, in this process."""
    for task in plan.tasks:
        if task in plan.done:
            result = plan.done[task]
        else:
            doc, lang = task
            result = build_one(project, documents[doc], lang, translations[lang], plan.profile)
            _stamp(result, plan.keys[task])
        deliver(result)


def build(project: Project, langs: list[str], docs: list[str], profile: str = "print",
          report=None, documents: dict[str, Document] | None = None, jobs: int | None = None,
          force: bool = False, skip=(), allow_incomplete: bool = False) -> list[BuildResult]:
    """Build every (document, language) whose inputs changed, but the (document,
    language) pairs in ``skip`` (refused by the print-run gate). Every input is read
    and checked before the first render; results come back in request order."""
    if profile not in PROFILES:
        raise PressroomError(f"unknown profile '{profile}' "
                             f"(expected one of: {', '.join(PROFILES)})")
    documents = documents or load_documents(project, docs)
    translations = {lang: translations_for(project, lang) for lang in langs}
    tasks = [(doc, lang) for lang in langs for doc in docs if (doc, lang) not in skip]
    plan = _plan(project, tasks, documents, translations, profile, force)
    record = _recorder(project, allow_incomplete)
    jobs = max(1, jobs or os.cpu_count() or 1)
    results: list[BuildResult] = []

    def deliver(result: BuildResult) -> None:
        record(result)
        results.append(result)
        if report:
            report(result)

    todo = plan.todo
    if len(todo) > 1 and jobs > 1:
        _build_parallel(project, plan, min(jobs, len(todo)), deliver)
    else:
        _build_serial(project, plan, documents, translations, deliver)
    return results
