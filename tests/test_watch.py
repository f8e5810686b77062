"""`invoke watch`: one batch of saves rebuilds what it feeds and redraws the previews;
mistakes are one line and the watcher goes on; the real file-watching loop."""

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pressroom.model.config import load_project
from pressroom.review import watch
from pressroom.review.proof import page_files

LINE = re.compile(r"^\d\d:\d\d:\d\d build/en/brochure\.pdf: \d+ pages, "
                  r"(\d+\.\d s|up to date)[^()]* \(preview: [^()]+\)$")


def previews(project):
    folder = project.preview_dir("en", "brochure")
    return {n: p.read_bytes() for n, p in page_files(folder).items()}


# --------------------------------------------------------------------------- what a save feeds
def test_saves_map_to_documents_and_languages(tmp_path):
    project = load_project(tmp_path)
    langs, docs = ["en", "fr"], ["brochure", "standards"]

    def feeds(*paths):
        return watch.affected(project, [tmp_path / p for p in paths], langs, docs)

    assert feeds("content/brochure.yaml") == (langs, ["brochure"], False)
    assert feeds("locales/fr/LC_MESSAGES/messages.po") == (["fr"], docs, False)
    assert feeds("layouts/tokens.css") == (langs, docs, False)
    assert feeds("pyproject.toml") == (langs, docs, False)
    # an image may feed any document: the fingerprints tell which PDFs it changes
    assert feeds("content/images/map.png") == (langs, docs, False)
    assert feeds("content/brochure.yaml", "locales/fr/LC_MESSAGES/messages.po") == \
        (langs, docs, False)
    for unrelated in ("locales/messages.pot", "locales/glossary.csv", "content/other.yaml",
                      "locales/es/LC_MESSAGES/messages.po"):
        assert feeds(unrelated) == ([], [], False)


def test_editor_litter_and_other_folders_are_not_watched(tmp_path):
    for path in ("layouts/tokens.css", "content/brochure.yaml", "pyproject.toml",
                 "locales/fr/LC_MESSAGES/messages.po"):
        assert watch.relevant(tmp_path, tmp_path / path)
    for path in ("layouts/.tokens.css.swp", "layouts/tokens.css~", "layouts/4913",
                 "locales/fr/LC_MESSAGES/.messages.po.x1y2.tmp", "build/en/brochure.pdf",
                 "tasks.py", "src/pressroom/cli.py", "layouts"):
        assert not watch.relevant(tmp_path, tmp_path / path)


def test_page_lists_are_short():
    assert watch.page_list([5, 1, 2, 3, 9, 10]) == "1-3, 5, 9-10"


# --------------------------------------------------------------------------- one batch
@pytest.mark.e2e
def test_a_token_change_redraws_the_previews_whose_pixels_changed(project):
    lines, problems = [], []
    first = watch.rebuild(project, None, ["en"], ["brochure"], say=lines.append,
                          warn=problems.append)
    assert first.error is None and problems == []
    [shown] = first.previews
    assert shown.rendered and shown.changed == list(range(1, shown.pages + 1))
    assert LINE.match(lines[-1]), lines
    before = previews(project)
    assert sorted(before) == list(range(1, shown.pages + 1))

    folder = project.preview_dir("en", "brochure")
    stamps = {n: p.stat().st_mtime_ns for n, p in page_files(folder).items()}
    tokens = project.layouts_dir / "tokens.css"
    old = "--accent-2: device-cmyk(0 0.6 0.95 0)"  # key figures and the cover's rule only
    assert old in tokens.read_text()
    tokens.write_text(tokens.read_text().replace(old, "--accent-2: device-cmyk(0.9 0 0.9 0)"))
    batch = watch.rebuild(project, [tokens], ["en"], ["brochure"], say=lines.append,
                          warn=problems.append)
    [shown] = batch.previews
    after = previews(project)
    assert shown.rendered and shown.changed
    assert shown.changed == sorted(n for n in after if after[n] != before[n])
    assert len(shown.changed) < shown.pages  # the pages without the token are left alone
    for n, path in page_files(folder).items():
        if n not in shown.changed:
            assert path.stat().st_mtime_ns == stamps[n]  # not even rewritten
    assert (f"page{'s' if len(shown.changed) > 1 else ''} {watch.page_list(shown.changed)} "
            "changed)") in lines[-1] and LINE.match(lines[-1])

    # saved again without a change: nothing rendered, nothing redrawn
    again = watch.rebuild(project, [tokens], ["en"], ["brochure"], say=lines.append)
    assert not again.previews[0].rendered and again.previews[0].changed == []
    assert lines[-1].endswith("up to date (preview: unchanged)")
    assert previews(project) == after

    # a save that feeds nothing watched does nothing
    assert watch.rebuild(project, [project.content_dir / "standards.yaml"], ["en"],
                         ["brochure"], say=lines.append).previews == []


@pytest.mark.e2e
def test_fewer_pages_delete_the_previews_beyond_the_end(project_dir):
    pyproject = project_dir / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("brochure = 4", "brochure = 8"))
    project = load_project(project_dir)
    watch.rebuild(project, None, ["en"], ["brochure"], say=lambda _l: None)
    assert sorted(previews(project)) == list(range(1, 9))
    pyproject.write_text(pyproject.read_text().replace("brochure = 8", "brochure = 4"))
    lines = []
    batch = watch.rebuild(load_project(project_dir), [pyproject], ["en"], ["brochure"],
                          say=lines.append)
    assert batch.previews[0].removed == [5, 6, 7, 8]
    assert sorted(previews(project)) == [1, 2, 3, 4]
    assert "pages 5-8 removed" in lines[-1]


@pytest.mark.e2e
def test_a_template_error_is_one_line_and_the_next_save_works(project):
    lines, errors = [], []
    template = project.layouts_dir / "brochure" / "document.html"
    good = template.read_text()
    template.write_text(good + "\n{% if %}\n")
    batch = watch.rebuild(project, None, ["en"], ["brochure"], say=lines.append,
                          warn=errors.append)
    assert batch.error is not None and batch.previews == []
    [error] = errors
    assert error.startswith("layouts/brochure/document.html:") and "\n" not in error
    assert "template syntax error" in error
    assert lines == []

    template.write_text(good)
    batch = watch.rebuild(project, [template], ["en"], ["brochure"], say=lines.append,
                          warn=errors.append)
    assert batch.error is None and len(errors) == 1
    assert batch.previews[0].rendered and LINE.match(lines[-1])


@pytest.mark.e2e
def test_a_content_error_names_its_line_and_keeps_the_previews(project):
    watch.rebuild(project, None, ["en"], ["brochure"], say=lambda _l: None)
    before = previews(project)
    content = project.content_path("brochure")
    content.write_text(content.read_text() + "\n  - [unclosed\n")
    errors = []
    batch = watch.rebuild(project, [content], ["en"], ["brochure"], say=errors.append)
    assert batch.error is not None
    [error] = errors
    assert error.startswith("content/brochure.yaml:")
    assert previews(project) == before


# --------------------------------------------------------------------------- the loop
def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.e2e
def test_the_watcher_redraws_a_preview_after_a_save_and_stops(project):
    lines = []
    stop = threading.Event()
    thread = threading.Thread(target=watch.watch, args=(project.root, "en", "brochure"),
                              kwargs={"say": lines.append, "stop_event": stop}, daemon=True)
    thread.start()
    try:
        assert wait_for(lambda: any(line.startswith("watching ") for line in lines)), lines
        first = previews(project)[1]
        tokens = project.layouts_dir / "tokens.css"
        tokens.write_text(tokens.read_text().replace("--accent: device-cmyk(1 0.55 0 0.25)",
                                                     "--accent: device-cmyk(0 0.9 0.8 0)"))
        assert wait_for(lambda: previews(project)[1] != first), lines
        assert wait_for(lambda: any("preview: pages" in line for line in lines[2:])), lines
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()


@pytest.mark.e2e
def test_ctrl_c_stops_invoke_watch_without_a_traceback(project_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith("INVOKE_")}
    process = subprocess.Popen([sys.executable, "-m", "invoke", "watch", "--lang", "en"],
                               cwd=project_dir, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    out = []
    reader = threading.Thread(target=lambda: out.extend(process.stdout), daemon=True)
    reader.start()
    try:
        assert wait_for(lambda: any(line.startswith("watching ") for line in out)), out
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
    reader.join(timeout=5)
    stderr = process.stderr.read()
    assert "Traceback" not in stderr
    assert out[-1].startswith("stopped watching")
    assert Path(project_dir, "build/preview/en/brochure/page-01.png").exists()
