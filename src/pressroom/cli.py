"""Glue between the Invoke tasks and the stages: one function per task.

Each function prints a short summary; a user error (bad content, catalogue,
layout or option) is printed as one ``path:line: message`` line on stderr and
ends the run with exit status 1, without a Python traceback.
"""

from __future__ import annotations

import functools
import sys
import time

from . import (catalogs, extract as extract_mod, preflight as preflight_mod, proof as proof_mod,
               render, stats as stats_mod)
from .config import load_project
from .errors import PressroomError


def _say(message: str) -> None:
    print(message, flush=True)


def user_errors(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except PressroomError as exc:
            print(f"error: {exc}" if not exc.path else str(exc), file=sys.stderr, flush=True)
            raise SystemExit(1) from None
        except BrokenPipeError:  # output piped into `head` and the like
            sys.stderr.close()
            raise SystemExit(0) from None
        except KeyboardInterrupt:
            print("interrupted: files written before the interruption are complete; "
                  "nothing was left half-written", file=sys.stderr, flush=True)
            raise SystemExit(130) from None
    return wrapper


@user_errors
def extract(root=None) -> None:
    project = load_project(root)
    start = time.perf_counter()
    path, changed, count = extract_mod.extract(project)
    state = "written" if changed else "unchanged"
    _say(f"{project.rel(path)}: {count} messages, {state} ({time.perf_counter() - start:.2f} s)")


@user_errors
def update(lang=None, root=None) -> None:
    project = load_project(root)
    for r in catalogs.update(project, project.select_languages(lang)):
        state = "created" if r.created else ("updated" if r.changed else "unchanged")
        _say(f"{project.rel(r.path)}: {state}; {r.untranslated} untranslated, "
             f"{r.fuzzy} fuzzy, {r.obsolete} obsolete")


@user_errors
def compile(lang=None, root=None) -> None:  # noqa: A001 - the task's name
    project = load_project(root)
    for _lang, path, changed in catalogs.compile_catalogs(project,
                                                              project.select_languages(lang)):
        _say(f"{project.rel(path)}: {'written' if changed else 'unchanged'}")


@user_errors
def build(lang=None, doc=None, profile="print", preflight=True, root=None) -> None:
    project = load_project(root)
    langs = project.select_languages(lang)
    docs = project.select_documents(doc)
    start = time.perf_counter()

    def report(r: render.BuildResult) -> None:
        note = "" if r.written else " (unchanged)"
        extra = f"; {r.fallbacks} strings fell back to English" if r.fallbacks else ""
        _say(f"{project.rel(r.path)}: {r.pages} pages, {r.seconds:.1f} s{note}{extra}")
        for warning in dict.fromkeys(r.warnings):
            print(f"{project.rel(r.path)}: warning: {warning}", file=sys.stderr, flush=True)

    results = render.build(project, langs, docs, profile, report=report)
    _say(f"built {len(results)} PDF(s) in {time.perf_counter() - start:.1f} s")
    if preflight:
        _run_preflight(project, langs, docs, profile)


def _run_preflight(project, langs, docs, profile) -> None:
    start = time.perf_counter()
    problems, pages = preflight_mod.preflight(project, langs, docs, profile)
    for problem in problems:
        print(problem, file=sys.stderr, flush=True)
    if problems:
        raise preflight_mod.PreflightFailed(problems)
    _say(f"preflight passed: {len(pages)} PDF(s), {sum(pages.values())} pages "
         f"({time.perf_counter() - start:.1f} s)")


@user_errors
def preflight(lang=None, doc=None, profile="print", root=None) -> None:
    project = load_project(root)
    _run_preflight(project, project.select_languages(lang), project.select_documents(doc), profile)


@user_errors
def proof(doc=None, lang=None, profile="print", root=None) -> None:
    project = load_project(root)
    for r in proof_mod.proof(project, project.select_documents(doc),
                             project.select_languages(lang), profile):
        counts = ", ".join(f"{lang} {n}" for lang, n in r.pages.items())
        _say(f"{project.rel(r.path)}: pages {counts}")


@user_errors
def stats(lang=None, fmt="table", root=None) -> None:
    project = load_project(root)
    langs = (project.select_languages(lang) if lang else
             [code for code in project.languages if code != project.source_language])
    if fmt not in ("table", "json"):
        raise PressroomError(f"unknown format '{fmt}' (expected: table, json)")
    rows = stats_mod.compute(project, langs)
    _say(stats_mod.as_json(rows) if fmt == "json" else stats_mod.as_table(rows))
