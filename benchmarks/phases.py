"""Where a full build's time goes: each stage of rendering every print PDF, timed.

    .venv/bin/python benchmarks/phases.py [--langs en,fr]

Renders every print PDF of the project one after the other in this process (as
a worker does), with a timer around each stage, and prints a table: the first
layout of each document, the layouts pressroom adds (keep_notes, keep_words,
padding pages), writing the PDF, the layout survey, the HTML, the preflight and
the rest. The first three are WeasyPrint's work; WeasyPrint alone does the first
layout and the writing only (benchmarks/builds.py compares the whole commands).
"""

from __future__ import annotations

import argparse
import collections
import functools
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from pressroom.messages.extract import load_documents  # noqa: E402
from pressroom.model.config import load_project  # noqa: E402
from pressroom.qa import preflight  # noqa: E402
from pressroom.render import document, engine, layout  # noqa: E402
from pressroom.render.fingerprint import translations_for  # noqa: E402

TIMES: collections.Counter = collections.Counter()
COUNTS: collections.Counter = collections.Counter()
_STACK: list[str] = []


def timed(owner, name: str, label: str) -> None:
    """Time ``owner.name`` under ``label`` (time inside another timed stage is that
    stage's only: the stages add up to the whole)."""
    func = getattr(owner, name)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        _STACK.append(label)
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            spent = time.perf_counter() - start
            _STACK.pop()
            TIMES[label] += spent
            COUNTS[label] += 1
            if _STACK:
                TIMES[_STACK[-1]] -= spent
    setattr(owner, name, wrapper)


def instrument() -> None:
    timed(engine, "render", "first layout (and padding pages)")
    timed(engine.Document, "relayout", "layouts again: keep_notes, keep_words")
    timed(engine, "write_pdf", "writing the PDF (tagged, PDF/X-4)")
    timed(layout, "survey", "layout survey")
    timed(document, "render_html", "HTML (view model, Jinja2, markup)")
    timed(preflight, "check_pdf", "preflight (pikepdf)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--langs", help="comma-separated subset of the languages")
    args = parser.parse_args()
    project = load_project(REPO)
    langs = args.langs.split(",") if args.langs else list(project.languages)
    documents = load_documents(project)
    instrument()
    start = time.perf_counter()
    for lang in langs:
        translations = translations_for(project, lang)
        for doc in project.documents:
            document.build_one(project, documents[doc], lang, translations, "print")
            preflight.check_pdf(project, doc, lang, "print")
    total = time.perf_counter() - start
    rows = [(label, TIMES[label], COUNTS[label]) for label in TIMES]
    rows.append(("the rest (keep_* logic, records, layout data)", total - sum(TIMES.values()), 0))
    width = max(len(r[0]) for r in rows)
    print(f"\n{'stage'.ljust(width)}  {'seconds':>8}  {'share':>6}  calls")
    for label, seconds, count in rows:
        print(f"{label.ljust(width)}  {seconds:8.2f}  {seconds / total:6.1%}  {count or ''}")
    print(f"{'total'.ljust(width)}  {total:8.2f}  {1:6.1%}")
    print(f"\n{len(langs) * len(project.documents)} print PDFs, one process, one run")


if __name__ == "__main__":
    main()
