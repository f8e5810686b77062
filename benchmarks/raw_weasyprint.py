"""WeasyPrint alone, as a whole command: the baseline of benchmarks/builds.py.

    python benchmarks/raw_weasyprint.py HTML_DIR OUT_DIR JOBS

Renders every ``*.html`` of HTML_DIR (written by builds.py: the final HTML of
each PDF pressroom builds, with a ``.json`` beside it giving the base URL and the
sandbox's roots) to a PDF/X-4 in OUT_DIR with JOBS processes, as plainly as
WeasyPrint allows: one import in the parent, workers forked from it (so none
imports anything again), each rendering the next file as it is free. Fonts and
images come through pressroom's sandbox fetcher, so both sides read the same
files (its decoded-font cache included: without it WeasyPrint decodes each
Chinese WOFF2 face for every rule that names it, and the baseline would be slow).
"""

from __future__ import annotations

import json
import multiprocessing
import sys
from pathlib import Path

import weasyprint

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from pressroom.render.sandbox import SandboxFetcher  # noqa: E402


def render(item: tuple[str, str]) -> int:
    source, out = Path(item[0]), Path(item[1])
    setup = json.loads(source.with_suffix(".json").read_text(encoding="utf-8"))
    fetcher = SandboxFetcher([Path(p) for p in setup["roots"]],
                             files=[Path(p) for p in setup["files"]],
                             cache_dir=Path(setup["cache_dir"]))
    document = weasyprint.HTML(string=source.read_text(encoding="utf-8"),
                               base_url=setup["base_url"], url_fetcher=fetcher).render()
    document.write_pdf(out, pdf_variant=setup["variant"], pdf_tags=True)
    return len(document.pages)


def main(argv: list[str]) -> None:
    html_dir, out_dir, jobs = Path(argv[0]), Path(argv[1]), int(argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    items = [(str(path), str(out_dir / (path.stem + ".pdf")))
             for path in sorted(html_dir.glob("*.html"))]
    if jobs == 1:
        pages = [render(item) for item in items]
    else:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            pages = pool.map(render, items, chunksize=1)
    print(json.dumps({"pdfs": len(pages), "pages": sum(pages)}))


if __name__ == "__main__":
    main(sys.argv[1:])
