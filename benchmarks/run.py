"""pressroom benchmarks: prints one table of medians and ratios, measured in one run.

    .venv/bin/python benchmarks/run.py [--runs 3] [--quick]

(Whole builds, no-op builds and screenshots: benchmarks/builds.py; merges on real
catalogues: benchmarks/merge_real.py.)

4. `update` (pressroom's merge) vs GNU msgmerge on synthetic catalogues of 500,
   2,000 and 8,000 messages (10 % edited, 5 % new, 5 % removed), and Babel's own
   fuzzy merge where it finishes in reasonable time;
5. growth: time and peak memory of a synthetic document of 10, 40, 160 and 300 pages
   (peak resident memory of the process that renders it, and per page).

Nothing here runs in CI; the machines are shared and noisy, so read ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

# src/ first on the path (above): the benchmarks run from a checkout, installed or not
from pressroom.messages import catalogs  # noqa: E402


def median_time(func, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def copy_project(dest: Path) -> Path:
    """The project's sources in ``dest`` (benchmarks/builds.py too)."""
    for name in ("content", "layouts", "locales"):
        shutil.copytree(REPO / name, dest / name)
    shutil.copy(REPO / "pyproject.toml", dest / "pyproject.toml")
    shutil.copy(REPO / "tasks.py", dest / "tasks.py")
    return dest


# --------------------------------------------------------------------------- 4
def synthetic_catalogues(n: int, folder: Path, seed: int = 1) -> tuple[Path, Path]:
    """old.po (translated, n messages) and new.pot (10 % edited, 5 % new, 5 % removed)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    rng = random.Random(seed)
    words = ["child", "detention", "State", "law", "family", "liberty", "alternatives",
             "protection", "migration", "rights", "best", "interests", "community", "care",
             "guardian", "report", "Committee", "Convention", "measure", "resort", "policy",
             "practice", "international", "standards", "children", "refugee", "asylum"]
    ids = []
    while len(ids) < n:
        text = " ".join(rng.choice(words) for _ in range(rng.randint(6, 40))).capitalize() + "."
        if text not in ids:
            ids.append(text)
    old = Catalog(locale="fr")
    for i, msgid in enumerate(ids):
        old.add(msgid, f"FR {i} " + msgid[::-1], locations=[("content/x.yaml", i + 1)])
    new = Catalog()
    removed = set(rng.sample(range(n), n // 20))
    edited = set(rng.sample([i for i in range(n) if i not in removed], n // 10))
    for i, msgid in enumerate(ids):
        if i in removed:
            continue
        text = msgid
        if i in edited:
            w = msgid.split()
            w[rng.randrange(len(w))] = rng.choice(words)
            text = " ".join(w) + " (revised)"
        new.add(text, locations=[("content/x.yaml", i + 1)])
    for j in range(n // 20):
        new.add(f"Entirely new message {j}: " + " ".join(rng.choice(words) for _ in range(12)),
                locations=[("content/x.yaml", n + j + 1)])
    po, pot = folder / "old.po", folder / "new.pot"
    with po.open("wb") as handle:
        write_po(handle, old, width=79)
    with pot.open("wb") as handle:
        write_po(handle, new, width=79)
    return po, pot


def bench_update(runs: int, rows: list, sizes: list[int], babel_up_to: int) -> None:
    import copy

    from pressroom.messages.extract import render_po

    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            po, pot = synthetic_catalogues(n, Path(tmp))
            template = catalogs.read_catalog(pot, "new.pot")
            base = catalogs.read_catalog(po, "old.po", "fr")

            def ours(template=template, base=base):
                merged = catalogs.merge(template, copy.deepcopy(base))
                render_po(merged, include_previous=True)

            def gnu(po=po, pot=pot):
                subprocess.run(["msgmerge", "--quiet", "--previous", "-o", os.devnull,
                                str(po), str(pot)], check=True)

            t_ours = median_time(ours, runs)
            t_gnu = median_time(gnu, runs) if shutil.which("msgmerge") else float("nan")
            fuzzy = sum(1 for m in catalogs.merge(template, copy.deepcopy(base)) if m.fuzzy)
            note = f"msgmerge {t_gnu:.2f} s; ours/msgmerge {t_ours / t_gnu:.2f}; {fuzzy} fuzzy"
            if n <= babel_up_to:
                def babel(base=base, template=template):
                    copy.deepcopy(base).update(template, no_fuzzy_matching=False)
                t_babel = median_time(babel, 1)
                note += f"; Babel's own fuzzy merge {t_babel:.1f} s"
            rows.append((f"4. update, {n:,} messages", f"{t_ours:.2f} s", note))


# --------------------------------------------------------------------------- 5
GROWTH_CHILD = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from pressroom.production import builder
from pressroom.model.config import load_project
project = load_project(Path(sys.argv[1]))
start = time.perf_counter()
result = builder.build(project, ["en"], ["brochure"], jobs=1, force=True)[0]
seconds = time.perf_counter() - start
# VmHWM: peak resident memory of this process (ru_maxrss would include the
# parent's, inherited across exec)
peak = next(int(line.split()[1]) for line in open("/proc/self/status")
            if line.startswith("VmHWM")) / 1024
print(json.dumps({"pages": result.pages, "seconds": seconds, "peak_mb": peak}))
"""


def growth_document(sections: int) -> str:
    para = ("Detention harms children, even when it is short and even when conditions are "
            "good. States have committed to work towards ending it, and alternatives exist in "
            "law and in practice in many countries.[^n1] ")
    lines = ["title: Growth test", "meta: {publisher: IAWG, date: 2026-11-01}", "sections:"]
    for s in range(sections):
        lines += [f"  - id: s{s}", f"    heading: Section {s + 1}", "    blocks:"]
        for _p in range(6):
            lines.append(f"      - p: \"{para * 2}\"")
    lines += ["notes:", "  n1: A note for the growth test."]
    return "\n".join(lines) + "\n"


def bench_growth(rows: list, targets: list[int]) -> None:
    measured = []
    for pages in targets:
        with tempfile.TemporaryDirectory() as tmp:
            root = copy_project(Path(tmp) / "proj")
            # about 1.2 A5 pages per section of six long paragraphs
            (root / "content" / "brochure.yaml").write_text(
                growth_document(max(1, round(pages / 1.2))), encoding="utf-8")
            (root / "locales" / "en" / "LC_MESSAGES" / "messages.po").unlink()
            out = subprocess.run([sys.executable, "-c", GROWTH_CHILD, str(root), str(REPO / "src")],
                                 check=True, capture_output=True, text=True)
            data = json.loads(out.stdout.strip().splitlines()[-1])
            measured.append(data)
            per_page = data["seconds"] / data["pages"]
            rows.append((f"5. growth, {data['pages']} pages", f"{data['seconds']:.2f} s",
                         (f"{per_page * 1000:.0f} ms/page ({data['pages'] / data['seconds']:.0f} "
                         f"pages/s); peak {data['peak_mb']:.0f} MB")))
    if len(measured) > 1:
        first, last = measured[0], measured[-1]
        slope = (last["peak_mb"] - first["peak_mb"]) / (last["pages"] - first["pages"])
        rows.append(("   memory per page", f"{slope:.2f} MB",
                     (f"peak growth from {first['pages']} to {last['pages']} pages "
                     f"(on {first['peak_mb'] - slope * first['pages']:.0f} MB)")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--only", choices=["update", "growth"])
    args = parser.parse_args()
    rows: list[tuple[str, str, str]] = []
    if args.only in (None, "update"):
        bench_update(args.runs, rows, [500] if args.quick else [500, 2000, 8000],
                     babel_up_to=500)
    if args.only in (None, "growth"):
        bench_growth(rows, [10] if args.quick else [10, 40, 160, 300])
    print_table(rows, f"machine: {os.cpu_count()} cores; runs per measure: {args.runs}")


def print_table(rows: list[tuple[str, str, str]], footer: str) -> None:
    """(measure, median, notes) rows as a text table (benchmarks/builds.py too)."""
    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure'.ljust(width)}  {'median':>9}  notes")
    print(f"{'-' * width}  {'-' * 9}  {'-' * 40}")
    for name, value, note in rows:
        print(f"{name.ljust(width)}  {value:>9}  {note}")
    print(f"\n{footer}")


if __name__ == "__main__":
    main()
