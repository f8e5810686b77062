"""Whole-command build benchmarks: pressroom against WeasyPrint alone, no-op builds.

    .venv/bin/python benchmarks/builds.py [--runs 3] [--jobs 1 2] [--langs en,es,fr]

On a copy of the project (every configured language unless ``--langs``):

1. ``invoke build --force -j N`` (every print PDF, the gate, layout check, manifests
   and preflight included) against ``benchmarks/raw_weasyprint.py`` rendering the
   same final HTML to PDF/X-4 with N processes, a whole command too (interpreter,
   import, render, write). Paired in one run, A B A B…; the ratio is of medians.
2. ``invoke build`` with nothing changed, and ``invoke check --layout`` with
   nothing changed, as fractions of the full build at the highest N;
3. ``invoke screenshots`` with nothing changed against its first run (paired).

Prints a table. Nothing here runs in CI; the machines are shared and noisy, so
read the ratios, which are measured side by side.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

import run  # noqa: E402  (benchmarks/run.py: the project's copy, the table)

from pressroom.messages.catalogs import read_catalog  # noqa: E402
from pressroom.messages.extract import load_documents, render_po  # noqa: E402
from pressroom.model.config import load_project  # noqa: E402
from pressroom.render.document import prepare  # noqa: E402
from pressroom.render.fingerprint import translations_for  # noqa: E402


def copy_project(dest: Path, langs: list[str] | None) -> Path:
    """run.py's copy of the project, with only ``langs`` configured if given."""
    run.copy_project(dest)
    if langs:  # the same project, fewer languages
        text = (dest / "pyproject.toml").read_text(encoding="utf-8")
        listed = ", ".join(f'"{lang}"' for lang in langs)
        start = text.index("\nlanguages = [")
        end = text.index("]", start)
        text = text[:start] + f"\nlanguages = [{listed}" + text[end:]
        start = text.index("\nrelease_languages = [")
        end = text.index("]", start)
        project = load_project(REPO)
        released = ", ".join(f'"{lang}"' for lang in langs
                             if lang in project.settings.release_languages)
        text = text[:start] + f"\nrelease_languages = [{released}" + text[end:]
        (dest / "pyproject.toml").write_text(text, encoding="utf-8")
    return dest


def write_html(root: Path, folder: Path) -> int:
    """The final HTML of every print PDF, in build order, with its sandbox setup."""
    project = load_project(root)
    documents = load_documents(project)
    folder.mkdir(parents=True)
    n = 0
    for lang in project.languages:
        tx = translations_for(project, lang)
        for doc in project.documents:
            ready = prepare(project, documents[doc], lang, tx, "print")
            stem = folder / f"{n:02d}-{lang}-{doc}"
            stem.with_suffix(".html").write_text(ready.html, encoding="utf-8")
            stem.with_suffix(".json").write_text(json.dumps({
                "base_url": project.layouts_dir.as_uri() + "/",
                "roots": [str(p) for p in ready.roots], "files": [str(p) for p in ready.files],
                "cache_dir": str(ready.cache_dir), "variant": "pdf/x-4"}), encoding="utf-8")
            n += 1
    return n


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    run = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if run.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({run.returncode}):\n{run.stderr[-3000:]}")
    return seconds


def paired(a: list[str], b: list[str], cwd: Path, runs: int) -> tuple[float, float]:
    """Medians of A and B run alternately, A B A B…"""
    times_a, times_b = [], []
    for _ in range(runs):
        times_a.append(timed(a, cwd))
        times_b.append(timed(b, cwd))
    return statistics.median(times_a), statistics.median(times_b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--langs", help="comma-separated subset of the languages")
    parser.add_argument("--no-builds", action="store_true",
                        help="only the no-op and screenshot rows (no paired full builds)")
    args = parser.parse_args()
    invoke = [sys.executable, "-m", "invoke"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_project(Path(tmp) / "proj", args.langs.split(",") if args.langs else None)
        timed([*invoke, "build"], root)  # warm: the decoded-font cache, the .pyc files
        count = write_html(root, Path(tmp) / "html")
        full = {}
        for jobs in [] if args.no_builds else args.jobs:
            raw = [sys.executable, str(REPO / "benchmarks" / "raw_weasyprint.py"),
                   str(Path(tmp) / "html"), str(Path(tmp) / "raw"), str(jobs)]
            ours, theirs = paired([*invoke, "build", "--force", "-j", str(jobs)], raw,
                                  root, args.runs)
            full[jobs] = ours
            rows.append((f"full build, {count} print PDFs, -j {jobs}", f"{ours:.2f} s",
                         f"WeasyPrint alone {theirs:.2f} s; ratio {ours / theirs:.2f}×"))
        reference = full[max(full)] if full else timed([*invoke, "build", "--force"], root)
        timed([*invoke, "build"], root)
        noop = statistics.median(timed([*invoke, "build"], root) for _ in range(args.runs))
        rows.append(("no-op `invoke build`", f"{noop:.2f} s",
                     f"{noop / reference:.3f} of the full build"))
        changed = []
        po = root / "locales" / "fr" / "LC_MESSAGES" / "messages.po"
        for n in range(args.runs):  # a new French translation of one heading each time
            catalog = read_catalog(po, "fr.po", "fr")
            catalog.get("The numbers").string = f"Les chiffres ({n})"
            po.write_bytes(render_po(catalog, include_previous=True))
            changed.append(timed([*invoke, "build"], root))
        one = statistics.median(changed)
        rows.append(("one French string changed, `invoke build`", f"{one:.2f} s",
                     f"{one / reference:.3f} of the full build (1 PDF rendered)"))
        timed([*invoke, "check", "--layout"], root)
        check = statistics.median(timed([*invoke, "check", "--layout"], root)
                                  for _ in range(args.runs))
        rows.append(("no-op `invoke check --layout`", f"{check:.2f} s",
                     f"{check / reference:.3f} of the full build"))
        shots = [*invoke, "screenshots"]
        firsts, agains = [], []
        for _ in range(args.runs):  # first run (no images yet) and the run after, paired
            shutil.rmtree(root / "build" / "context", ignore_errors=True)
            firsts.append(timed(shots, root))
            agains.append(timed(shots, root))
        first, again = statistics.median(firsts), statistics.median(agains)
        rows.append(("`invoke screenshots`, first run", f"{first:.2f} s", "every image drawn"))
        rows.append(("`invoke screenshots`, nothing changed", f"{again:.2f} s",
                     f"{again / first:.3f} of the first run"))
    run.print_table(rows, f"medians of {args.runs} runs (builds paired with WeasyPrint alone, "
                      "A B A B)")


if __name__ == "__main__":
    main()
