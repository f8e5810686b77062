"""Hostile and broken inputs: sandboxed resources, markup injection, atomic outputs,
interrupted and concurrent builds, missing files."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, make_project, translated_project
from fixture_translations import fill
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from pressroom.errors import PressroomError, RenderError
from pressroom.messages import catalogs, extract
from pressroom.model.config import load_project
from pressroom.production import builder
from pressroom.render.sandbox import RefusedURL, SandboxFetcher


# --------------------------------------------------------------------------- sandbox
@pytest.fixture
def fetcher(tmp_path):
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts" / "ok.css").write_text("p {}")
    (tmp_path / "secret.txt").write_text("secret")
    (tmp_path / "layouts" / "link.css").symlink_to(tmp_path / "secret.txt")
    return SandboxFetcher([tmp_path / "layouts"]), tmp_path


def test_sandbox_serves_project_files(fetcher):
    f, root = fetcher
    assert f.fetch((root / "layouts" / "ok.css").as_uri()).read() == b"p {}"


@pytest.mark.parametrize(("url", "reason"), [
    ("file:///etc/passwd", "outside the project"),
    ("http://example.org/x.css", "'http' URLs are not allowed"),
    ("https://example.org/font.ttf", "'https' URLs are not allowed"),
    ("data:text/css,p{}", "'data' URLs are not allowed"),
    ("ftp://example.org/x", "'ftp' URLs are not allowed"),
])
def test_sandbox_refuses(fetcher, url, reason):
    f, _ = fetcher
    with pytest.raises(RefusedURL, match=reason):
        f.fetch(url)
    assert f.refused


def test_sandbox_refuses_dot_dot_and_symlinks_out(fetcher):
    f, root = fetcher
    with pytest.raises(RefusedURL, match="outside"):
        f.fetch((root / "layouts").as_uri() + "/../secret.txt")
    with pytest.raises(RefusedURL, match="outside"):
        f.fetch((root / "layouts" / "link.css").as_uri())


# --------------------------------------------------------------------------- projects
@pytest.fixture
def proj(tmp_path):
    return translated_project(make_project(tmp_path / "proj"))


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://example.org/evil.css",
                                 "../../../../../../etc/hostname"])
@pytest.mark.e2e
def test_layout_css_cannot_fetch_outside(french_built_copy, url):
    proj = french_built_copy  # built in English and French
    pdf = proj.pdf_path("en", "brochure")
    before = pdf.read_bytes()
    css = proj.layouts_dir / "print.css"
    css.write_text(css.read_text() + f'\n.cover {{ background-image: url("{url}"); }}\n')
    with pytest.raises(RenderError, match="refused to fetch"):
        builder.build(proj, ["en"], ["brochure"])
    assert pdf.read_bytes() == before


@pytest.mark.e2e
def test_missing_font_is_one_clear_error(proj, invoke_in):
    (proj.layouts_dir / "fonts" / "SourceSerif4-It.ttf").unlink()
    run = invoke_in(proj.root, "build", "--lang", "en")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines()[-1] == \
        "layouts/fonts/SourceSerif4-It.ttf: file not found (referenced by the layouts' HTML or CSS)"


INJECTIONS = ['<script>alert(1)</script>', '<img src="file:///etc/passwd">',
              '<link rel="stylesheet" href="http://example.org/x.css">',
              '<style>body { display: none }</style>']


@pytest.mark.e2e
def test_html_in_a_translation_is_printed_as_text_and_flagged(proj, invoke_in):
    fill(proj.po_path("fr"), {"Detention harms them.": "La détention leur nuit. " + " ".join(INJECTIONS)})
    run = invoke_in(proj.root, "check", "--lang", "fr")
    assert run.returncode == 1 and "raw HTML '<script>' is not allowed" in run.stderr
    # a print run is refused; a draft prints the English instead (check rejects it)
    assert invoke_in(proj.root, "build", "--lang", "fr").returncode == 1
    results = builder.build(proj, ["fr"], ["brochure"], profile="screen")
    squeeze = lambda t: "".join(t.split()).replace("\u2010", "").replace("-", "")  # noqa: E731
    text = squeeze(pdf_text(results[0].path))
    assert "Detentionharmsthem." in text and "<script>" not in text
    # rendered all the same, the characters print as text, fetching nothing
    from pressroom.model.content import load_document
    from pressroom.render import document as render
    doc = load_document(proj.content_path("brochure"), "content/brochure.yaml")
    result = render.build_one(proj, doc, "fr", catalogs.load_translations(proj, "fr"), "screen")
    text = squeeze(pdf_text(result.path))
    for injection in INJECTIONS:  # line breaks and hyphenation aside, the characters print
        assert squeeze(injection) in text


@pytest.mark.e2e
def test_html_and_template_syntax_in_content_are_printed_as_text(proj):
    content = proj.content_path("brochure")
    content.write_text(content.read_text().replace(
        "- Detention harms them.", "- 'Detention {{ 7 * 7 }} {% raw %} <b>harms</b> them.'"))
    builder.build(proj, ["en"], ["brochure"], profile="screen")
    text = pdf_text(proj.pdf_path("en", "brochure", "screen"))
    assert "{{ 7 * 7 }} {% raw %} <b>harms</b>" in text.replace("\n", " ")


# --------------------------------------------------------------------------- atomic outputs
def valid_pdfs(root: Path) -> dict:
    out = {}
    for pdf in sorted((root / "build").rglob("*.pdf")):
        out[pdf] = len(PdfReader(pdf).pages)  # raises on a truncated file
    return out


@pytest.mark.e2e
def test_interrupted_build_leaves_every_file_whole(french_built_copy):
    proj = french_built_copy  # built in English and French
    before = {p: p.read_bytes() for p in (proj.root / "build").rglob("*.pdf")}
    env = {k: v for k, v in os.environ.items() if not k.startswith("INVOKE_")}
    process = subprocess.Popen([sys.executable, "-m", "invoke", "build", "--force", "-j", "1",
                                "--lang", "en,fr"],
                               cwd=proj.root, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    process.stdout.readline()  # the first PDF is done; the second is being rendered
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    after = valid_pdfs(proj.root)
    assert set(after) == set(before)
    assert not list((proj.root / "build").rglob("*.tmp"))
    po = proj.po_path("fr")
    assert catalogs.read_catalog(po, "fr.po", "fr")  # catalogues untouched and readable


@pytest.mark.e2e
def test_two_builds_at_once_do_not_corrupt_each_other(proj, french_built):
    env = {k: v for k, v in os.environ.items() if not k.startswith("INVOKE_")}
    cmd = [sys.executable, "-m", "invoke", "build", "--force", "--lang", "en,fr", "-j", "1",
           "--no-preflight"]
    first = subprocess.Popen(cmd, cwd=proj.root, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    second = subprocess.Popen(cmd, cwd=proj.root, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    assert first.wait(timeout=300) == 0 and second.wait(timeout=300) == 0
    concurrent = {p: p.read_bytes() for p in (proj.root / "build").rglob("*.pdf")}
    # the same bytes as a lone build of the same inputs (the session's, conftest)
    lone = french_built.root / "build"
    assert sorted(p.relative_to(proj.root / "build") for p in concurrent) == \
        sorted(p.relative_to(lone) for p in lone.rglob("*.pdf"))
    assert {p: (lone / p.relative_to(proj.root / "build")).read_bytes()
            for p in concurrent} == concurrent
    assert not list((proj.root / "build").rglob("*.tmp"))


# --------------------------------------------------------------------------- random input
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60)


@given(heading=TEXT, paragraph=TEXT, note=TEXT)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_extractor_accepts_or_rejects_cleanly(tmp_path, heading, paragraph, note):
    import json

    source = (FIXTURES / "content" / "brochure.yaml").read_text(encoding="utf-8")
    source = source.replace("heading: The numbers", f"heading: {json.dumps(heading)}")
    source = source.replace("- p: Every year at least **330,000 children** are detained.[^global-study]",
                            f"- p: {json.dumps(paragraph)}")
    source = source.replace("  mares: Mares, *Health and Human Rights Journal*.",
                            f"  mares: {json.dumps(note)}")
    root = tmp_path / "h"
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "layouts").mkdir(exist_ok=True)
    (root / "content" / "brochure.yaml").write_text(source, encoding="utf-8")
    (root / "pyproject.toml").write_text('[tool.pressroom]\ndocuments = ["brochure"]\n')
    project = load_project(root)
    error = None
    try:
        extract.extract(project)
    except PressroomError as exc:
        error = exc
    if error is not None:  # rejected: with the file named
        assert str(error).startswith("content/brochure.yaml")
    else:
        assert project.pot_path.read_text(encoding="utf-8").startswith("# Translations template")
