"""The build fingerprint covers everything that changes a PDF (issue 13): pressroom's
own code, the rendering libraries' versions, Pango, fonts (bundled and system),
the output profile and the options. Changing any of them rebuilds; the manifest
records them; `verify` names what differs, against uv.lock too."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import git, invoke_tasks, make_project, translated_project

import pressroom
from pressroom import fsutil
from pressroom.model.config import Project, load_project
from pressroom.production import builder, manifest
from pressroom.render import environment, fingerprint, printmarks


@pytest.fixture
def proj(tmp_path):
    return translated_project(make_project(tmp_path / "proj"))


@pytest.fixture(autouse=True)
def fresh_caches():
    """Each test computes the environment itself (the caches are per process)."""
    def clear():
        environment.versions.cache_clear()
        environment.source.cache_clear()
        environment.resolve_fonts.cache_clear()
        fsutil._HASHES.clear()
    clear()
    yield
    clear()


def rebuilt(project, profile="print"):
    """The (doc, lang) pairs an English brochure build rendered (not skipped)."""
    return [(r.doc, r.lang) for r in builder.build(project, ["en"], ["brochure"],
                                                   profile=profile, jobs=1) if not r.skipped]


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# --------------------------------------------------------------------------- what is covered
def test_environment_names_the_libraries_pango_and_pressroom_code():
    found = environment.versions()
    for name in ("pressroom", "python", "weasyprint", "pydyf", "babel", "cldr", "fonttools",
                 "pillow", "jinja2"):
        assert found.get(name), name
    from importlib.metadata import version

    import babel.core
    assert found["weasyprint"] == version("weasyprint")
    assert found["cldr"] == str(babel.core.get_cldr_version())
    assert found["pango"].count(".") == 2  # WeasyPrint cannot run without Pango
    assert environment.source()["files"] >= len(list(Path(pressroom.__file__).parent.glob("*.py")))


def test_source_hash_follows_every_file_of_the_package_and_ignores_bytecode(tmp_path):
    package = tmp_path / "pressroom"
    shutil.copytree(Path(pressroom.__file__).parent, package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    before = environment.source(package)
    assert before == environment.source(Path(pressroom.__file__).parent)
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "render.cpython-311.pyc").write_bytes(b"\0" * 10)
    (package / ".render.py.swp").write_bytes(b"editor state")
    environment.source.cache_clear()
    assert environment.source(package) == before
    with open(package / "render.py", "a", encoding="utf-8") as handle:
        handle.write("# one more comment\n")
    environment.source.cache_clear()
    assert environment.source(package)["sha256"] != before["sha256"]


def test_font_families_the_css_asks_the_system_for():
    css = """
    /* font-family: Commented Out; */
    @font-face { font-family: "Bundled"; src: local("Installed Sans"), url(a.ttf); }
    body { font-family: "Bundled", sans-serif; }
    :root { --font-code: 'Mono Pro', monospace !important; }
    h1 { font-family: var(--font-code); }
    p { font-family: inherit; }
    """
    assert environment.font_families([css]) == ("Installed Sans", "Mono Pro", "monospace",
                                                "sans-serif", "serif")
    layouts = [p.read_text() for p in sorted((Path(__file__).parents[1] / "layouts")
                                             .rglob("*.css"))]
    assert environment.font_families(layouts) == ("sans-serif", "serif")


def test_system_fonts_are_resolved_and_hashed_by_content(project):
    fonts = environment.system_fonts(project)
    if not fonts:
        pytest.skip("fontconfig is not available")
    assert set(fonts) == {"serif", "sans-serif"}
    for found in fonts.values():
        assert found["sha256"] == sha(found["file"])


def test_every_recorded_version_is_in_the_fingerprint(proj, monkeypatch):
    from pressroom.model.content import load_document

    doc = load_document(proj.content_path("brochure"), "content/brochure.yaml")
    tx = fingerprint.translations_for(proj, "en")
    layouts = fingerprint.layouts_digest(proj)

    def key():
        return fingerprint.fingerprint(proj, doc, tx, "print", layouts)
    real = dict(environment.versions())
    first = key()
    assert key() == first  # nothing changed: the same fingerprint
    for name in real:
        monkeypatch.setattr(environment, "versions", lambda name=name: {**real, name: "0.0.1"})
        assert key() != first, name
    monkeypatch.setattr(environment, "versions", lambda: {k: v for k, v in real.items()
                                                          if k != "pango"})
    assert key() != first  # a library that disappears counts too


# --------------------------------------------------------------------------- rebuilds
@pytest.mark.e2e
def test_nothing_changed_nothing_rebuilt(proj):
    assert rebuilt(proj) == [("brochure", "en")]
    assert rebuilt(proj) == []
    # computed again from scratch (a new process), the fingerprint is the same
    environment.versions.cache_clear()
    environment.source.cache_clear()
    environment.resolve_fonts.cache_clear()
    fsutil._HASHES.clear()
    assert rebuilt(proj) == []


@pytest.mark.e2e
def test_the_environment_is_read_once_per_process(proj, monkeypatch):
    calls = []
    real_version = environment.version
    monkeypatch.setattr(environment, "version",
                        lambda name: calls.append(name) or real_version(name))
    rebuilt(proj)
    rebuilt(proj)
    assert sorted(calls) == sorted(environment.RENDERING_LIBRARIES)


@pytest.mark.e2e
def test_a_library_version_change_rebuilds(french_built_copy, monkeypatch):
    proj = french_built_copy
    assert rebuilt(proj) == []  # built (a copy of a build: up to date)
    real = dict(environment.versions())
    monkeypatch.setattr(environment, "versions", lambda: {**real, "weasyprint": "71.0"})
    assert rebuilt(proj) == [("brochure", "en")]
    assert rebuilt(proj) == []
    monkeypatch.setattr(environment, "versions", lambda: {**real, "weasyprint": "71.0",
                                                          "pango": "1.99.0"})
    assert rebuilt(proj) == [("brochure", "en")]
    data = json.loads(Project.manifest_path(proj.pdf_path("en", "brochure")).read_text())
    assert data["versions"]["weasyprint"] == "71.0" and data["versions"]["pango"] == "1.99.0"


@pytest.mark.e2e
def test_a_change_in_pressroom_code_rebuilds(french_built_copy, monkeypatch):
    proj = french_built_copy
    assert rebuilt(proj) == []  # built (a copy of a build: up to date)
    real = environment.source()
    monkeypatch.setattr(environment, "source",
                        lambda: {**real, "sha256": hashlib.sha256(b"edited").hexdigest()})
    assert rebuilt(proj) == [("brochure", "en")]
    assert rebuilt(proj) == []


@pytest.mark.e2e
def test_an_edit_to_the_installed_pressroom_rebuilds(tmp_path):
    """The real thing: a copy of pressroom's code on PYTHONPATH, edited between builds."""
    root = make_project(tmp_path / "proj")
    translated_project(root)
    code = tmp_path / "code"
    shutil.copytree(Path(pressroom.__file__).parent, code / "pressroom",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("INVOKE_")}
    env["PYTHONPATH"] = str(code)

    def build():
        run = subprocess.run([sys.executable, "-m", "invoke", "build", "--lang", "en",
                              "--no-preflight", "-j", "1"], cwd=root, env=env,
                             capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stderr
        return run.stdout
    assert "built 1 PDF(s), 0 up to date" in build()
    manifest_file = root / "build" / "en" / "brochure.manifest.json"
    before = json.loads(manifest_file.read_text())["pressroom_source"]
    assert "built 0 PDF(s), 1 up to date" in build()
    with open(code / "pressroom" / "render" / "document.py", "a", encoding="utf-8") as handle:
        handle.write("# an edit that a fingerprint of versions alone would miss\n")
    assert "built 1 PDF(s), 0 up to date" in build()
    after = json.loads(manifest_file.read_text())["pressroom_source"]
    assert after["sha256"] != before["sha256"] and after["files"] == before["files"]


@pytest.mark.e2e
def test_a_changed_bundled_font_rebuilds(french_built_copy):
    proj = french_built_copy
    assert rebuilt(proj) == []  # built (a copy of a build: up to date)
    fonts = proj.layouts_dir / "fonts"
    shutil.copy(fonts / "SourceSans3-Semibold.ttf", fonts / "SourceSans3-Regular.ttf")
    assert rebuilt(proj) == [("brochure", "en")]
    data = json.loads(Project.manifest_path(proj.pdf_path("en", "brochure")).read_text())
    assert data["inputs"]["fonts"]["layouts/fonts/SourceSans3-Regular.ttf"] == \
        sha(fonts / "SourceSans3-Semibold.ttf")
    assert rebuilt(proj) == []


@pytest.mark.e2e
def test_a_changed_system_font_rebuilds(proj, monkeypatch, tmp_path):
    system = tmp_path / "system-fonts" / "Serif.ttf"
    system.parent.mkdir()
    fonts = proj.layouts_dir / "fonts"
    shutil.copy(fonts / "SourceSerif4-Regular.ttf", system)
    monkeypatch.setattr(environment, "resolve_fonts",
                        lambda families: {f: str(system) for f in families if f == "serif"})
    rebuilt(proj)
    assert rebuilt(proj) == []
    shutil.copy(fonts / "SourceSerif4-Bold.ttf", system)  # the system's font updated
    assert rebuilt(proj) == [("brochure", "en")]
    data = json.loads(Project.manifest_path(proj.pdf_path("en", "brochure")).read_text())
    assert data["system_fonts"] == {"serif": {"file": str(system), "sha256": sha(system)}}


@pytest.mark.e2e
def test_a_changed_output_profile_rebuilds_print_only(proj):
    icc = proj.root / "printer.icc"
    shutil.copy(printmarks.DEFAULT_CMYK_PROFILE, icc)
    pyproject = proj.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(
        "[tool.pressroom]\n", '[tool.pressroom]\ncmyk_profile = "printer.icc"\n'))
    project = load_project(proj.root)
    assert rebuilt(project) == [("brochure", "en")]
    assert rebuilt(project, "screen") == [("brochure", "en")]
    assert rebuilt(project) == [] and rebuilt(project, "screen") == []
    data = icc.read_bytes()
    icc.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # the same path, one byte differs
    assert rebuilt(project) == [("brochure", "en")]
    assert rebuilt(project, "screen") == []  # the screen PDF has no output profile
    recorded = json.loads(Project.manifest_path(project.pdf_path("en", "brochure")).read_text())
    assert recorded["pdf"]["output_intent"]["sha256"] == sha(icc)
    assert recorded["inputs"]["output profile"] == {"printer.icc": sha(icc)}


# --------------------------------------------------------------------------- manifest
@pytest.mark.e2e
def test_the_manifest_records_the_environment(proj):
    rebuilt(proj)
    data = json.loads(Project.manifest_path(proj.pdf_path("en", "brochure")).read_text())
    assert data["schema"] == 2
    assert data["versions"] == environment.versions()
    for name in ("weasyprint", "pydyf", "babel", "cldr", "fonttools", "pillow", "pango"):
        assert data["versions"][name]
    assert data["pressroom_source"] == environment.source()
    assert data["system_fonts"] == environment.system_fonts(proj)
    fonts = proj.layouts_dir / "fonts"
    assert data["inputs"]["fonts"] == {  # every script's folder: arabic/, han-sc/
        p.relative_to(proj.root).as_posix(): sha(p) for p in fonts.rglob("*")
        if p.suffix in (".ttf", ".otf", ".woff", ".woff2")}
    assert any("/han-sc/" in name for name in data["inputs"]["fonts"])
    profile = printmarks.cmyk_profile(proj)
    assert data["pdf"]["output_intent"]["sha256"] == sha(profile)


# --------------------------------------------------------------------------- verify
LOCK = """\
version = 1
requires-python = ">=3.11"

[[package]]
name = "weasyprint"
version = "70.0"

[[package]]
name = "Pillow"
version = "12.0.0"

[[package]]
name = "pillow"
version = "13.0.0"

[[package]]
name = "pydyf"
version = "0.13.0"
"""


def test_uv_lock_is_read_with_every_version_of_a_package():
    lock = environment.locked_versions(LOCK)
    assert lock == {"weasyprint": ["70.0"], "pillow": ["12.0.0", "13.0.0"], "pydyf": ["0.13.0"]}
    with pytest.raises(ValueError, match=r"at line 1, column \d+"):
        environment.locked_versions("[[package]\nname=")
    real = environment.locked_versions((Path(__file__).parents[1] / "uv.lock").read_text())
    assert "weasyprint" in real and "pressroom" in real


def env_of(**versions):
    base = {"pressroom": "0.1.0", "python": "3.11.7", "weasyprint": "70.0", "pydyf": "0.13.0",
            "pillow": "13.0.0", "pango": "1.50.12"}
    return {"versions": {**base, **versions},
            "pressroom_source": {"sha256": "a" * 64, "files": 29},
            "system_fonts": {"serif": {"file": "/usr/share/fonts/DejaVuSerif.ttf",
                                       "sha256": "b" * 64}}}


def test_environment_differences_one_line_each_against_the_lock():
    lock = environment.locked_versions(LOCK)
    same = env_of()
    assert manifest.environment_differences(same, env_of(), lock) == []
    assert manifest.environment_differences(same, env_of(weasyprint="71.0"), lock) == [
        "weasyprint 70.0 recorded, 71.0 installed (uv.lock: 70.0): run `uv sync --locked`"]
    assert manifest.environment_differences(env_of(weasyprint="71.0"), same, lock) == [
        ("weasyprint 71.0 recorded, 70.0 installed (uv.lock: 70.0): the PDF was built outside "
        "the locked environment")]
    assert manifest.environment_differences(env_of(pydyf="0.12.0"), env_of(pydyf="0.12.0"),
                                            lock) == [
        "pydyf 0.12.0 recorded and installed (uv.lock: 0.13.0): run `uv sync --locked`"]
    assert manifest.environment_differences(same, env_of(pillow="12.0.0"), lock) == [
        ("pillow 13.0.0 recorded, 12.0.0 installed (uv.lock: 12.0.0 or 13.0.0): the PDF was "
        "built outside the locked environment")]
    assert manifest.environment_differences(same, env_of(pango="1.52.0"), lock) == [
        "pango 1.50.12 recorded, 1.52.0 here (system library, not pinned by uv.lock)"]
    assert manifest.environment_differences(same, env_of(pydyf="0.14.0"), None) == [
        "pydyf 0.13.0 recorded, 0.14.0 installed (no uv.lock)"]
    other = env_of()
    other["pressroom_source"] = {"sha256": "c" * 64, "files": 30}
    other["system_fonts"] = {"serif": {"file": "/usr/share/fonts/Other.ttf", "sha256": "d" * 64}}
    assert manifest.environment_differences(same, other, lock, source="the commit's src/") == [
        (f"pressroom's code: sha256 {'a' * 12}… recorded (29 files), {'c' * 12}… in the "
        "commit's src/ (30 files)"),
        (f"system font for 'serif': /usr/share/fonts/DejaVuSerif.ttf (sha256 {'b' * 12}…) "
        f"recorded, /usr/share/fonts/Other.ttf (sha256 {'d' * 12}…) here")]
    # a hand-edited manifest: no traceback, what is there is compared
    broken = {"versions": ["weasyprint"], "pressroom_source": "x", "system_fonts": {"serif": 1}}
    assert manifest.environment_differences(broken, env_of(), lock)[-1].startswith(
        "system font for 'serif': none (sha256 none) recorded, /usr/share/fonts/DejaVuSerif.ttf")
    # a manifest from before the environment was recorded: versions only
    old = {"versions": {"weasyprint": "70.0"}}
    assert manifest.environment_differences(old, env_of(), lock) == [
        "pressroom not recorded, 0.1.0 here (pressroom's own version)",
        "python not recorded, 3.11.7 here (the interpreter, not pinned by uv.lock)",
        ("pydyf not recorded, 0.13.0 installed (uv.lock: 0.13.0): the PDF was built outside "
        "the locked environment"),
        ("pillow not recorded, 13.0.0 installed (uv.lock: 12.0.0 or 13.0.0): the PDF was built "
        "outside the locked environment"),
        "pango not recorded, 1.50.12 here (system library, not pinned by uv.lock)"]


@pytest.mark.e2e
def test_verify_names_what_differs_from_the_recorded_environment_and_uv_lock(french_built_copy):
    project = french_built_copy  # built: the build below writes the manifest, commit included
    root = project.root
    installed = environment.versions()
    # the commit's lock: WeasyPrint 69.0, and pydyf as installed here
    (root / "uv.lock").write_text(
        f'version = 1\n\n[[package]]\nname = "weasyprint"\nversion = "69.0"\n\n'
        f'[[package]]\nname = "pydyf"\nversion = "{installed["pydyf"]}"\n')
    (root / ".gitignore").write_text("build/\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "fixture")
    run = invoke_tasks(root, "build", "--lang", "en", "--no-preflight")
    assert run.returncode == 0, run.stderr
    path = Project.manifest_path(project.pdf_path("en", "brochure"))
    data = json.loads(path.read_text())
    # as if built by WeasyPrint 69.0 (as locked then) on another Pango, a PDF that
    # today's WeasyPrint does not reproduce
    data["versions"].update(weasyprint="69.0", pango="1.1.1")
    data["pdf"]["sha256"] = "0" * 64
    path.write_text(json.dumps(data))
    run = invoke_tasks(root, "verify", "--lang", "en", "--doc", "brochure")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    shown = "build/en/brochure.manifest.json"
    rebuilt_sha = sha(project.pdf_path("en", "brochure"))  # the same PDF, built again
    assert run.stderr.splitlines() == [
        (f"{shown}: weasyprint 69.0 recorded, {installed['weasyprint']} installed "
        "(uv.lock: 69.0): run `uv sync --locked`"),
        (f"{shown}: pango 1.1.1 recorded, {installed['pango']} here (system library, "
        "not pinned by uv.lock)"),
        (f"{shown}: NOT verified: rebuilt from commit {data['git']['commit'][:12]}, the PDF "
        f"differs (sha256 {'0' * 16}… recorded, {rebuilt_sha[:16]}… rebuilt); "
        "2 difference(s), listed above")]


@pytest.mark.e2e
def test_verify_names_the_differences_when_the_rebuild_itself_fails(tmp_path, monkeypatch):
    root = make_project(tmp_path / "proj")
    project = translated_project(root)
    (root / ".gitignore").write_text("build/\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "fixture")
    assert rebuilt(project) == [("brochure", "en")]
    path = Project.manifest_path(project.pdf_path("en", "brochure"))
    data = json.loads(path.read_text())
    assert len(data["git"]["commit"]) == 40 and data["git"]["uncommitted_changes"] == []
    data["versions"]["weasyprint"] = "69.0"
    path.write_text(json.dumps(data))

    def failing(root, doc, lang, shown):  # as a commit needing another WeasyPrint would
        raise manifest.VerifyFailed("the rebuild from the recorded commit failed: "
                                    "TypeError: boom", shown)
    monkeypatch.setattr(manifest, "_rebuild", failing)
    lines = []
    with pytest.raises(manifest.VerifyFailed) as info:
        manifest.verify(project, ["en"], ["brochure"], say=lines.append, warn=lines.append)
    installed = environment.versions()["weasyprint"]
    assert lines == [(f"build/en/brochure.manifest.json: weasyprint 69.0 recorded, {installed} "
                     "installed (no uv.lock)")]
    assert str(info.value) == ("build/en/brochure.manifest.json: the rebuild from the recorded "
                               "commit failed: TypeError: boom")
