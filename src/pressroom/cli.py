"""Glue between the Invoke tasks and the stages: one function per task.

Each function prints a short summary; a user error (bad content, catalogue,
layout or option) is printed as one ``path:line: message`` line on stderr and
ends the run with exit status 1, without a Python traceback.
"""

from __future__ import annotations

import functools
import signal
import sys
import threading
import time

from pressroom.errors import PressroomError
from pressroom.messages import catalogs, languages
from pressroom.messages import check as check_mod
from pressroom.messages import extract as extract_mod
from pressroom.messages import stats as stats_mod
from pressroom.model.config import PSEUDO_LANGUAGES, load_project
from pressroom.production import builder
from pressroom.qa import gate
from pressroom.qa import layout_qa as qa
from pressroom.qa import preflight as preflight_mod
from pressroom.render import document as render
from pressroom.review import proof as proof_mod


def _say(message: str) -> None:
    print(message, flush=True)


_INTERRUPTED = {"seen": False}


def _on_sigint(signum, frame):
    _INTERRUPTED["seen"] = True
    raise KeyboardInterrupt


def _unraisable(previous, unraisable) -> None:
    """``sys.unraisablehook`` while a task runs: a Ctrl-C that lands in a finaliser is
    remembered by ``_on_sigint`` already; Python would print it as "Exception ignored
    in ..." with a traceback. Anything else goes to the hook there was before."""
    if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
        return
    previous(unraisable)


def user_errors(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        # Ctrl-C is remembered as well as raised: a KeyboardInterrupt that lands in a
        # finaliser (WeasyPrint's FontConfiguration.__del__) is swallowed by Python
        # (and not printed: _unraisable), and the run must still end as interrupted,
        # with status 130.
        previous, previous_hook = None, sys.unraisablehook
        if threading.current_thread() is threading.main_thread():
            _INTERRUPTED["seen"] = False
            previous = signal.signal(signal.SIGINT, _on_sigint)
            sys.unraisablehook = functools.partial(_unraisable, previous_hook)
        try:
            result = func(*args, **kwargs)
            if _INTERRUPTED["seen"]:
                raise KeyboardInterrupt
            return result
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
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
                sys.unraisablehook = previous_hook
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
    from pressroom.qa import locate as locate_mod

    project = load_project(root)
    refresh = functools.partial(locate_mod.refresh, project)
    for r in catalogs.update(project, project.select_languages(lang), annotate=refresh):
        state = "created" if r.created else ("updated" if r.changed else "unchanged")
        _say(f"{project.rel(r.path)}: {state}; {r.untranslated} untranslated, "
             f"{r.fuzzy} fuzzy, {r.obsolete} obsolete")


@user_errors
def locate(lang=None, root=None) -> None:
    project = load_project(root)
    from pressroom.qa import locate as locate_mod

    for r in locate_mod.locate(project, project.select_languages(lang)):
        docs = ", ".join(r.documents) or "no print build yet (run `invoke build`)"
        _say(f"{project.rel(r.path)}: {'written' if r.changed else 'unchanged'}; "
             f"{r.located} messages located in {docs}")


@user_errors
def compile(lang=None, root=None) -> None:
    project = load_project(root)
    for _lang, path, changed in catalogs.compile_catalogs(project,
                                                              project.select_languages(lang)):
        _say(f"{project.rel(path)}: {'written' if changed else 'unchanged'}")


def _warn(lines) -> None:
    """Show lines on stderr (gate, layout and build warnings), each as it comes."""
    for line in lines:
        print(line, file=sys.stderr, flush=True)


def _build_reporter(project):
    """What ``build`` says of each PDF as the builder finishes it."""
    def report(r: render.BuildResult) -> None:
        if _INTERRUPTED["seen"]:  # Ctrl-C lost in a finaliser: stop before the next PDF
            raise KeyboardInterrupt
        if r.skipped:
            _say(f"{project.rel(r.path)}: {r.pages} pages, up to date")
            return
        note = "" if r.written else " (same bytes as before)"
        extra = ("" if not r.fallbacks else
                 f"; {r.fallbacks} strings untranslated, fuzzy or rejected by check, "
                 "highlighted" if r.profile == "proof"
                 else f"; {r.fallbacks} strings fell back to English")
        _say(f"{project.rel(r.path)}: {r.pages} pages, {r.seconds:.1f} s{note}{extra}")
        _warn(f"{project.rel(r.path)}: warning: {warning}" for warning in dict.fromkeys(r.warnings))
    return report


def _gate_print_run(project, langs, docs, profile, allow_incomplete) -> gate.PrintRunPlan:
    """The gate's print policy (pressroom.qa.gate) for the run, each language's
    lines shown as it is judged, then the documents refused."""
    decisions = []
    for decision in gate.judge_languages(project, langs, docs, profile, allow_incomplete):
        _warn(decision.lines)
        decisions.append(decision)
    plan = gate.PrintRunPlan(langs, docs, profile, tuple(decisions))
    for doc_name, code in plan.refused_in_order():
        _say(f"{project.rel(project.pdf_path(code, doc_name, profile))}: refused, not built "
             "(strings listed above)")
    return plan


@user_errors
def build(lang=None, doc=None, profile="print", preflight=True, allow_incomplete=False,
          jobs=None, force=False, root=None) -> None:
    project = load_project(root)
    langs = project.select_languages(lang)
    docs = project.select_documents(doc)
    documents = extract_mod.load_documents(project, docs)  # content errors come first
    plan = _gate_print_run(project, langs, docs, profile, allow_incomplete)
    refused = plan.refused
    start = time.perf_counter()
    results = builder.build(project, langs, docs, profile, report=_build_reporter(project),
                            documents=documents, jobs=jobs, force=force, skip=refused,
                            allow_incomplete=allow_incomplete, preflight=preflight)
    built = sum(1 for r in results if not r.skipped)
    _say(f"built {built} PDF(s), {len(results) - built} up to date, "
         f"{f'{len(refused)} refused, ' if refused else ''}"
         f"in {time.perf_counter() - start:.1f} s")
    layout_errors = 0
    if plan.checks_layout(bool(results)):
        for lines, errors in gate.layout_gate(project, results, documents):
            _warn(lines)
            layout_errors += errors
    problems = []
    if plan.runs_preflight(preflight, bool(results), layout_errors):
        problems = _run_preflight(project, langs, docs, profile, skip=refused, fail=False)
    failure = plan.failure(bool(results), layout_errors, problems)
    if failure:
        raise failure


def _run_preflight(project, langs, docs, profile, skip=(), fail=True) -> list:
    """Preflight the PDFs of ``langs`` × ``docs`` but those in ``skip``: print the
    problems, warnings and notes; raise PreflightFailed on a problem (not a
    warning), or with ``fail=False`` return them."""
    start = time.perf_counter()
    notes: list[str] = []
    problems, pages = preflight_mod.preflight(project, langs, docs, profile, skip=skip,
                                              notes=notes)
    for problem in problems:
        print(problem, file=sys.stderr, flush=True)
    for note in notes:
        print(f"note: {note}", file=sys.stderr, flush=True)
    problems = [p for p in problems if not p.warning]  # warnings are shown, and pass
    if problems:
        if fail:
            raise preflight_mod.PreflightFailed(problems)
        return problems
    _say(f"preflight passed: {len(pages)} PDF(s), {sum(pages.values())} pages "
         f"({time.perf_counter() - start:.1f} s)")
    return []


@user_errors
def preflight(lang=None, doc=None, profile="print", root=None) -> None:
    project = load_project(root)
    _run_preflight(project, project.select_languages(lang), project.select_documents(doc), profile)


@user_errors
def proof(doc=None, lang=None, profile="print", compare=False, root=None) -> None:
    project = load_project(root)
    results = proof_mod.proof(project, project.select_documents(doc),
                              project.select_languages(lang), profile, compare=compare)
    for r in results:
        counts = ", ".join(f"{lang} {n}" for lang, n in r.pages.items())
        _say(f"{project.rel(r.path)}: pages {counts}")
    if compare:
        _report_proof_changes(project, results)


def _report_proof_changes(project, results) -> None:
    """One line per page that differs from the previous proof, then a total."""
    for r in results:
        for lang in r.no_baseline:
            _say(f"{r.doc} {lang}: no previous proof to compare with; baseline saved")
        for c in r.changes:
            if c.status != "changed":
                _say(f"{c.doc} {c.lang}: page {c.page} {c.status}")
                continue
            where = ""
            if c.bbox_mm:
                left, top, right, bottom = c.bbox_mm
                where = f", {left:.0f}–{right:.0f} × {top:.0f}–{bottom:.0f} mm"
            _say(f"{c.doc} {c.lang}: page {c.page} changed ({100 * c.fraction:.2f} % of the "
                 f"page{where}): {project.rel(c.diff)}")
    changes = [c for r in results for c in r.changes]
    if not any(r.pages.keys() - set(r.no_baseline) for r in results):
        return  # nothing had a baseline: nothing was compared
    counts = {s: sum(1 for c in changes if c.status == s) for s in ("changed", "added", "removed")}
    summary = (", ".join(f"{n} page(s) {s}" for s, n in counts.items() if n)
               or "no page changed")
    _say(f"compared with the previous proof: {summary} "
         f"({project.rel(project.proof_changes_path)})")


def _dpi(value, default: float) -> float:
    """A --dpi option: a number from 20 to 600, or the default when not given."""
    if value is None or value == "":
        return default
    try:
        resolution = float(value)
    except (TypeError, ValueError):
        raise PressroomError(f"--dpi must be a number, not '{value}'") from None
    if not 20 <= resolution <= 600:
        raise PressroomError(f"--dpi {value} is out of range (20 to 600)")
    return resolution


@user_errors
def watch(doc=None, lang=None, profile="print", dpi=None, jobs=1, root=None) -> None:
    """Rebuild and preview on every save until Ctrl-C (see pressroom.review.watch). Mistakes
    in the inputs are printed as one line each and do not stop it; Ctrl-C ends it
    with status 0, since stopping is the normal way out."""
    from pressroom.review import watch as watch_mod

    project = load_project(root)

    def warn(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    try:
        watch_mod.watch(project.root, lang, doc, profile, say=_say, warn=warn,
                        dpi=_dpi(dpi, watch_mod.PREVIEW_DPI), jobs=int(jobs or 1))
    except KeyboardInterrupt:
        _INTERRUPTED["seen"] = False  # Ctrl-C is how watching ends: not an interruption
        _say("stopped watching; every PDF and preview written is complete")


def _translation_languages(project, lang) -> list[str]:
    """The languages asked for, or by default every language but the source."""
    if lang:
        return project.select_languages(lang)
    return [code for code in project.languages if code != project.source_language]


@user_errors
def stats(lang=None, fmt="table", root=None) -> None:
    project = load_project(root)
    langs = _translation_languages(project, lang)
    if fmt not in ("table", "json"):
        raise PressroomError(f"unknown format '{fmt}' (expected: table, json)")
    rows = stats_mod.compute(project, langs)
    _say(stats_mod.as_json(rows) if fmt == "json" else stats_mod.as_table(rows))


@user_errors
def check(lang=None, layout=False, root=None) -> None:
    project = load_project(root)
    langs = _translation_languages(project, lang)
    translated = [code for code in langs  # qps has no catalogue
                  if code not in (project.source_language, *PSEUDO_LANGUAGES)]
    findings = check_mod.check(project, translated)
    findings += [check_mod.Finding(shown, line, check_mod.ERROR, message)
                 for code in translated
                 for shown, line, message in preflight_mod.glyph_gaps(project, code)]
    if layout:
        if not lang:
            langs = list(project.languages)
        docs = list(project.documents)

        def report(r: render.BuildResult) -> None:
            if not r.skipped:
                _say(f"{project.rel(r.path)}: built for the layout check ({r.seconds:.1f} s)")

        builder.build(project, list(dict.fromkeys([project.source_language, *langs])), docs,
                      "print", report=report)
        findings += qa.findings(project, langs, docs)
    for finding in findings:
        print(finding, file=sys.stderr if finding.level == check_mod.ERROR else sys.stdout,
              flush=True)
    errors = sum(1 for f in findings if f.level == check_mod.ERROR)
    _say(f"checked {', '.join(langs)}: {errors} error(s), {len(findings) - errors} warning(s)")
    if errors:
        raise SystemExit(1)


@user_errors
def verify(lang=None, doc=None, root=None) -> None:
    from pressroom.production import manifest

    project = load_project(root)
    langs = [code for code in project.select_languages(lang)]
    done = manifest.verify(project, langs, project.select_documents(doc), say=_say)
    _say(f"verified {len(done)} PDF(s)")


@user_errors
def clean(root=None) -> None:
    """Remove build/ (PDFs, build records, previews, proofs, screenshots): everything
    in it is made again by the tasks. Sources are never touched."""
    import shutil

    project = load_project(root)
    target = project.build_dir
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise PressroomError("not a folder of this project: left alone", project.rel(target))
    if not target.exists():
        _say(f"{project.rel(target)}/: nothing to remove")
        return
    files = sum(1 for p in target.rglob("*") if p.is_file())
    shutil.rmtree(target)
    _say(f"{project.rel(target)}/: removed ({files} files)")


@user_errors
def init_lang(code, root=None) -> None:
    project = load_project(root)
    path = languages.init_language(project, code)
    _say(f"{project.rel(path)}: created; {code} added to [tool.pressroom] languages "
         "(not released for print until you add it to release_languages)")
    from pressroom.messages import plurals

    rule, source = plurals.plural_forms(code.strip().replace("-", "_"))
    _say(f"{project.rel(path)}: Plural-Forms: {rule} (from {source})")


@user_errors
def screenshots(lang=None, doc=None, dpi=None, root=None) -> None:
    """Each printed message in its page, for translators: build/context/<lang>/
    (see pressroom.review.screenshots). Default: every language but the source."""
    from pressroom.review import screenshots as screenshots_mod

    project = load_project(root)
    langs = _translation_languages(project, lang)
    docs = project.select_documents(doc)
    resolution = _dpi(dpi, screenshots_mod.DPI)
    for r in screenshots_mod.screenshots(project, langs, docs, dpi=resolution):
        extra = f", {r.removed} removed" if r.removed else ""
        unprinted = f"; {r.unprinted} catalogue message(s) not printed" if r.unprinted else ""
        _say(f"{project.rel(r.directory)}/: {r.shots} screenshots ({r.written} written, "
             f"{r.shots - r.written} unchanged{extra}), {r.index.name}{unprinted}")
