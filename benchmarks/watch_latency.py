"""Save-to-preview latency of `invoke watch` on the real brochure.

    .venv/bin/python benchmarks/watch_latency.py [--runs 5] [--lang en,fr] [--doc brochure]

For each language: copies the project to a temporary folder, starts
`invoke watch --doc brochure --lang <lang>` there as a person would (a separate
process), waits for its first pass, then edits the --accent token of
layouts/tokens.css (a new colour each run) and times, from the moment the file
is saved:
- until page 1 of the preview (the cover, which is printed in the accent
  colour) has new bytes;
- until the watcher prints its line for that save, i.e. every page of the
  preview is written (its preflight runs after that line).
Prints the median and the range of each over the runs. Nothing here runs in CI.
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
from run import copy_project  # noqa: E402  (the same copy as the other benchmarks)

ACCENT = re.compile(r"--accent: device-cmyk\([^)]*\)")


def start_watcher(root: Path, doc: str, lang: str):
    env = {k: v for k, v in os.environ.items() if not k.startswith("INVOKE_")}
    process = subprocess.Popen([sys.executable, "-m", "invoke", "watch", "--doc", doc,
                                "--lang", lang], cwd=root, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines: queue.Queue = queue.Queue()

    def read():
        for line in process.stdout:
            lines.put((time.perf_counter(), line.rstrip("\n")))

    threading.Thread(target=read, daemon=True).start()
    return process, lines


def next_line(lines: queue.Queue, match, timeout: float = 120.0):
    deadline = time.perf_counter() + timeout
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            raise TimeoutError("the watcher did not answer")
        stamp, line = lines.get(timeout=left)
        if match(line):
            return stamp, line


def measure(doc: str, lang: str, runs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_project(Path(tmp) / "proj")
        process, lines = start_watcher(root, doc, lang)
        try:
            next_line(lines, lambda line: line.startswith("watching "))
            page = root / "build" / "preview" / lang / doc / "page-01.png"
            tokens = root / "layouts" / "tokens.css"
            first_png, full, reported = [], [], []
            for run in range(runs):
                time.sleep(1.0)  # let the previous batch's preflight finish
                before = page.read_bytes()
                colour = f"--accent: device-cmyk({0.1 + 0.08 * run:.2f} 0.8 0.2 0.1)"
                text = ACCENT.sub(colour, tokens.read_text(encoding="utf-8"), count=1)
                saved = time.perf_counter()
                tokens.write_text(text, encoding="utf-8")
                while page.read_bytes() == before:
                    if time.perf_counter() - saved > 120:
                        raise TimeoutError("the preview did not change")
                    time.sleep(0.005)
                first_png.append(time.perf_counter() - saved)
                stamp, line = next_line(lines, lambda line: f"/{doc}.pdf:" in line)
                full.append(stamp - saved)
                reported.append(float(re.search(r"pages, (\d+\.\d) s", line).group(1)))
                print(f"  {lang} run {run + 1}: page 1 {first_png[-1]:.2f} s, all pages "
                      f"{full[-1]:.2f} s ({line.split(' ', 1)[1]})", flush=True)
        finally:
            process.send_signal(2)  # Ctrl-C
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    return {"page 1": first_png, "all pages": full, "watcher's own figure": reported}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lang", default="en,fr")
    parser.add_argument("--doc", default="brochure")
    args = parser.parse_args()
    rows = []
    for lang in args.lang.split(","):
        print(f"{args.doc} {lang}: {args.runs} saves of layouts/tokens.css (--accent)", flush=True)
        for what, times in measure(args.doc, lang, args.runs).items():
            rows.append((f"{args.doc} {lang}", what, statistics.median(times), min(times),
                         max(times), len(times)))
    print()
    print("| PDF | save -> | median | min | max | runs |")
    print("|---|---|---|---|---|---|")
    for name, what, median, low, high, n in rows:
        print(f"| {name} | {what} | {median:.2f} s | {low:.2f} s | {high:.2f} s | {n} |")


if __name__ == "__main__":
    main()
