"""Build orchestration: incremental and parallel.

- **Incremental.** Each PDF's build record (``<pdf>.json``) keeps the fingerprint
  of its inputs (:mod:`pressroom.render.fingerprint`). A PDF whose fingerprint
  and bytes are unchanged is not rebuilt. Each print PDF gets its manifest
  (:mod:`pressroom.production.manifest`).
- **Parallel.** The renders run in worker processes (``-j``, default: the number
  of cores) that receive the parsed inputs once and render PDF after PDF,
  each preflighting what it rendered; a worker is replaced when its memory
  passes a threshold (:mod:`pressroom.production.workers`). Results are
  reported in the order of the request, whatever order they finish in.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from pressroom.errors import PressroomError
from pressroom.fsutil import atomic_write_bytes, sha256_file
from pressroom.messages.catalogs import Translations
from pressroom.messages.extract import load_documents
from pressroom.model.config import PSEUDO_LANGUAGES, Project
from pressroom.model.content import Document
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


@dataclass
class _Inputs:
    """What every render of a build reads, parsed once in the parent and sent to
    each worker once (:mod:`pressroom.production.workers`)."""

    project: Project
    documents: dict[str, Document]
    translations: dict[str, Translations]
    profile: str
    keys: dict[tuple[str, str], str]
    preflight: bool


def _render(inputs: _Inputs, task: tuple[str, str]) -> BuildResult:
    """One PDF: render, write, stamp its build record with its input fingerprint
    and, unless the run skips it, preflight it (the result is kept in the record,
    so the run's preflight only compares page counts across languages)."""
    doc, lang = task
    project = inputs.project
    result = build_one(project, inputs.documents[doc], lang, inputs.translations[lang],
                       inputs.profile)
    _stamp(result, inputs.keys[task])
    if inputs.preflight:
        from pressroom.qa.preflight import check_pdf

        check_pdf(project, doc, lang, inputs.profile)
    return result


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


def _build_parallel(inputs: _Inputs, plan: _Plan, jobs: int,
                    deliver: Callable[[BuildResult], None]) -> None:
    """Render the tasks to do in ``jobs`` worker processes; deliver in request order."""
    from pressroom.production import workers

    finished: dict[Task, BuildResult] = {}
    position = 0

    def flush() -> int:
        at = position
        while at < len(plan.tasks):
            task = plan.tasks[at]
            result = plan.done.get(task) or finished.pop(task, None)
            if result is None:
                break
            deliver(result)
            at += 1
        return at

    position = flush()
    for task, result in workers.run(_render, inputs, plan.todo, jobs):
        finished[task] = result
        position = flush()


def _build_serial(inputs: _Inputs, plan: _Plan,
                  deliver: Callable[[BuildResult], None]) -> None:
    """Render the tasks to do one after the other, in this process."""
    for task in plan.tasks:
        deliver(plan.done[task] if task in plan.done else _render(inputs, task))


def build(project: Project, langs: list[str], docs: list[str], profile: str = "print",
          report=None, documents: dict[str, Document] | None = None, jobs: int | None = None,
          force: bool = False, skip=(), allow_incomplete: bool = False,
          preflight: bool = False) -> list[BuildResult]:
    """Build every (document, language) whose inputs changed, but the (document,
    language) pairs in ``skip`` (refused by the print-run gate). Every input is read
    and checked before the first render; results come back in request order. With
    ``preflight``, each rendered PDF is preflighted where it was rendered."""
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

    inputs = _Inputs(project, documents, translations, profile, plan.keys, preflight)
    todo = plan.todo
    if len(todo) > 1 and jobs > 1:
        _build_parallel(inputs, plan, min(jobs, len(todo)), deliver)
    else:
        _build_serial(inputs, plan, deliver)
    return results
