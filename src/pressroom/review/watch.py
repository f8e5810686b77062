"""``invoke watch``: rebuild and preview while a designer edits.

A designer changing a token, a layout or a string wants to see the page, not run
a build and open a PDF each time. The watcher waits for saves under
``layouts/``, ``content/`` and ``locales/`` (and ``pyproject.toml``), rebuilds
the PDFs that the saved files feed, and writes each page as a PNG,
``build/preview/<lang>/<doc>/page-NN.png``, that an image viewer reloads.

- **Only what changed.** :func:`affected` maps the saved paths to documents and
  languages (a content file to its document, a catalogue to its language, a
  layout to everything watched), and :func:`pressroom.production.builder.build` skips every
  PDF whose input fingerprint did not change. A preview PNG is written only when
  its bytes changed, so a viewer reloads only the pages that moved.
- **Never stops on a mistake.** A broken YAML, template, stylesheet or ``.po``
  is printed as the usual one line (``path:line: message``) and the watcher
  waits for the next save; what a failed batch should have rebuilt is retried
  with the next one. Preflight problems are printed, not fatal.
- **Testable without a file watcher.** :func:`rebuild` handles one batch of
  changed paths; :func:`watch` is a thin loop around :func:`watchfiles.watch`.

The watcher renders in its own process by default (``jobs=1``): WeasyPrint and
the fonts stay loaded between saves, which is what makes one PDF fast to redo.
It does not touch the catalogues: after changing a template string, run
``invoke extract update`` as usual.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from pressroom.errors import PressroomError
from pressroom.fsutil import atomic_write_bytes
from pressroom.model.config import Project, load_project
from pressroom.production import builder
from pressroom.qa import preflight as preflight_mod
from pressroom.review.proof import page_files, render_pages, write_page_pngs

PREVIEW_DPI = 60  # an A5 page is 350 x 500 px: readable on screen, quick to draw
DEBOUNCE_MS = 800  # longest wait to group the events of one save (or a checkout)
STEP_MS = 50  # a batch is handed over once no event came for this long
TICK_MS = 300  # how often the loop wakes without an event (pyproject.toml, stop)
WATCHED = ("layouts", "content", "locales")
EDITOR_LITTER = ("~", ".tmp", ".swp", ".swx", ".swo", ".bak", ".orig", ".part")


@dataclass
class Preview:
    """One PDF of a batch and what its preview became."""
    doc: str
    lang: str
    pdf: Path
    pages: int
    rendered: bool  # False: its inputs had not changed, the PDF was not rendered again
    written: bool  # the PDF's bytes changed
    seconds: float  # from the change being seen to this preview being written
    changed: list[int] = field(default_factory=list)  # preview pages written (1-based)
    removed: list[int] = field(default_factory=list)  # preview pages deleted (beyond the end)


@dataclass
class Batch:
    """What one batch of changes did: the previews, the preflight problems, or the error."""
    previews: list[Preview] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    error: PressroomError | None = None


# --------------------------------------------------------------------------- what changed
def relevant(root: Path, path: str | Path) -> bool:
    """A save that can change a PDF: a file under layouts/, content/ or locales/, or
    pyproject.toml; not an editor's swap, backup or temporary file."""
    path = Path(path)
    try:
        rel = path.relative_to(root)
    except ValueError:
        return False
    name = path.name
    if name.startswith((".", "#")) or name.endswith(EDITOR_LITTER) or name.isdigit():
        return False  # .x.swp, #x#, x~, our own .x.tmp, vim's "4913" probe
    if rel.parts == ("pyproject.toml",):
        return True
    return len(rel.parts) > 1 and rel.parts[0] in WATCHED


def affected(project: Project, paths, langs: list[str],
             docs: list[str]) -> tuple[list[str], list[str], bool]:
    """(languages, documents, force) to rebuild for saves of ``paths``.

    A layout or pyproject.toml concerns every watched PDF; ``content/<doc>.yaml``
    its document; ``locales/<lang>/…`` its language. Another file under
    ``content/`` (an image, or a language's variant of it) concerns every
    document; the build fingerprints say which PDFs really use it, so nothing is
    forced (``force`` stays in the signature for callers that want it). The
    template, the glossary and unwatched documents or languages concern nothing."""
    root = project.root.resolve()
    want_langs, want_docs, force = set(), set(), False
    for name in paths:
        path = Path(name)
        if path.is_dir():  # a folder made or renamed: its files come as their own events
            continue
        try:
            rel = path.resolve().relative_to(root)
        except ValueError:
            continue
        parts = rel.parts
        if parts == ("pyproject.toml",) or parts[:1] == ("layouts",):
            want_langs.update(langs)
            want_docs.update(docs)
        elif parts[:1] == ("content",) and len(parts) > 1:
            if path.suffix in (".yaml", ".yml") and len(parts) == 2:
                if path.stem in docs:
                    want_langs.update(langs)
                    want_docs.add(path.stem)
            else:
                want_langs.update(langs)
                want_docs.update(docs)
        elif parts[:1] == ("locales",) and len(parts) > 2 and parts[1] in langs:
            want_langs.add(parts[1])
            want_docs.update(docs)
    return ([lang for lang in langs if lang in want_langs],
            [doc for doc in docs if doc in want_docs], force)


# --------------------------------------------------------------------------- previews
def write_preview(project: Project, lang: str, doc: str, pdf: Path,
                  dpi: float = PREVIEW_DPI) -> tuple[list[int], list[int]]:
    """Draw the pages of ``pdf`` into its preview folder; returns (pages written,
    pages removed). A small record of the PDF's hash and the dpi saves drawing a
    PDF whose preview is already there (an unchanged PDF at start-up)."""
    out = project.preview_dir(lang, doc)
    record_path = project.preview_record_path(lang, doc)
    data = pdf.read_bytes()
    stamp = {"pdf_sha256": hashlib.sha256(data).hexdigest(), "dpi": dpi}
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = {}
    pages = int(record.get("pages", 0)) if isinstance(record, dict) else 0
    if (isinstance(record, dict) and {k: record.get(k) for k in stamp} == stamp
            and sorted(page_files(out)) == list(range(1, pages + 1)) and pages):
        return [], []
    images = render_pages(pdf, dpi)
    written, removed = write_page_pngs(out, images)
    atomic_write_bytes(record_path, json.dumps({**stamp, "pages": len(images)}).encode())
    return written, removed


def page_list(numbers: list[int]) -> str:
    """1, 2, 3, 5 -> "1-3, 5"."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def describe(project: Project, p: Preview) -> str:
    """``12:03:04 build/fr/brochure.pdf: 16 pages, 2.1 s (preview: pages 1, 5 changed)``."""
    if not p.rendered:
        state = "up to date"
    else:
        state = f"{p.seconds:.1f} s" + ("" if p.written else ", same PDF as before")
    shown = []
    if p.changed:
        shown.append(f"page{'s' if len(p.changed) > 1 else ''} {page_list(p.changed)} changed")
    if p.removed:
        shown.append(f"page{'s' if len(p.removed) > 1 else ''} {page_list(p.removed)} removed")
    preview = "preview: " + ("; ".join(shown) if shown else "unchanged")
    return f"{time.strftime('%H:%M:%S')} {project.rel(p.pdf)}: {p.pages} pages, {state} ({preview})"


# --------------------------------------------------------------------------- one batch
def rebuild(project: Project, changed, langs: list[str], docs: list[str],
            profile: str = "print", say=print, *, warn=None, dpi: float = PREVIEW_DPI,
            jobs: int = 1, seen: float | None = None) -> Batch:
    """Handle one batch of saved ``changed`` paths (None: everything, the first pass):
    rebuild what they feed, redraw the previews, preflight the PDFs rendered.

    ``say`` gets one line per PDF as soon as its preview is written; ``warn`` (default:
    ``say``) gets an error or preflight problem per line. A PressroomError does not
    escape: it is printed, and returned in the batch so that the caller retries."""
    warn = warn or say
    seen = time.perf_counter() if seen is None else seen
    force = False
    if changed is not None:
        langs, docs, force = affected(project, changed, langs, docs)
    batch = Batch()
    if not langs or not docs:
        return batch

    def report(result) -> None:
        written, removed = write_preview(project, result.lang, result.doc, result.path, dpi)
        preview = Preview(result.doc, result.lang, result.path, result.pages,
                          not result.skipped, result.written, time.perf_counter() - seen,
                          written, removed)
        batch.previews.append(preview)
        say(describe(project, preview))

    try:
        builder.build(project, langs, docs, profile, report=report, jobs=jobs, force=force)
        checked = [p for p in batch.previews if p.rendered or changed is None]
        for lang in dict.fromkeys(p.lang for p in checked):
            found, _ = preflight_mod.preflight(project, [lang],
                                               [p.doc for p in checked if p.lang == lang],
                                               profile)
            batch.problems += [str(problem) for problem in found]
    except PressroomError as exc:
        batch.error = exc
        warn(str(exc) if exc.path else f"error: {exc}")
        return batch
    batch.problems = list(dict.fromkeys(batch.problems))
    for problem in batch.problems:
        warn(problem)
    return batch


# --------------------------------------------------------------------------- the loop
def _stat(path: Path):
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


def watch(root: Path, lang: str | None = None, doc: str | None = None,
          profile: str = "print", *, say=print, warn=None, dpi: float = PREVIEW_DPI,
          jobs: int = 1, stop_event=None, debounce_ms: int = DEBOUNCE_MS) -> None:
    """Build and preview once, then again after every batch of saves, until
    ``stop_event`` is set or Ctrl-C (KeyboardInterrupt, for the caller to report).

    The file watcher is started before the first pass, so a save made while it
    runs is not lost. ``pyproject.toml`` is compared by its stat on every wake-up
    rather than watched: an editor saving it by renaming a new file over it would
    leave a watch on the old file, and watching the project root would mean
    watching ``.venv`` and ``.git`` too."""
    import watchfiles

    warn = warn or say
    root = Path(root).resolve()
    project = load_project(root)
    langs, docs = project.select_languages(lang), project.select_documents(doc)
    pyproject = project.pyproject_path
    stamp = _stat(pyproject)
    watched = [project.root / name for name in WATCHED if (project.root / name).is_dir()]
    pending: set[str] | None = None  # None: everything (the first pass, or until it succeeds)
    first, reload = True, False
    for changes in watchfiles.watch(*watched, watch_filter=lambda _c, p: relevant(root, p),
                                    debounce=debounce_ms, step=STEP_MS, rust_timeout=TICK_MS,
                                    yield_on_timeout=True, stop_event=stop_event):
        seen = time.perf_counter()
        paths = {path for _change, path in changes}
        now = _stat(pyproject)
        if now != stamp:
            stamp = now
            paths.add(str(pyproject))
        if not first and not paths:
            continue
        if pending is not None:
            pending |= paths
        if reload or str(pyproject) in paths:
            try:
                project = load_project(root)
                langs, docs = project.select_languages(lang), project.select_documents(doc)
                reload = False
            except PressroomError as exc:  # retried after the next save
                warn(str(exc))
                reload = True
                continue
        batch = rebuild(project, pending, langs, docs, profile, say, warn=warn, dpi=dpi,
                        jobs=jobs, seen=seen)
        if batch.error is None:
            pending = set()
        if first:
            first = False
            say(f"watching {', '.join(project.rel(p) + '/' for p in watched)} and pyproject.toml; "
                f"previews in {project.rel(project.preview_root)}/ (Ctrl-C to stop)")
