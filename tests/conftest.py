"""Shared fixtures: a small throw-away project built from tests/fixtures and the
real layouts; the tasks run as a person types them (in this process, or in a real
`python -m invoke` subprocess where only a process shows the behaviour); builds
shared between tests; and the guard that keeps the e2e marker honest.

The e2e guard: a test that renders a PDF with WeasyPrint must carry
``@pytest.mark.e2e`` (so that ``-m "not e2e"`` is the quick unit run). The render
entry points are wrapped once for the session and fail a test that is not marked;
a subprocess started with :func:`run_invoke` cannot be wrapped, so a PDF it writes
in an unmarked test fails that test instead.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import io
import os
import shutil
import subprocess
import sys
import traceback
from pathlib import Path

import pytest

from pressroom.model.config import load_project

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"

FIXTURE_PYPROJECT = """\
[tool.pressroom]
source_language = "en"
languages = ["en", "es", "fr"]
documents = ["brochure"]
project = "Fixture"

[tool.pressroom.page_multiple]
brochure = 4
"""


def make_project(dest: Path, content: Path = FIXTURES / "content") -> Path:
    shutil.copytree(content, dest / "content")
    shutil.copytree(REPO / "layouts", dest / "layouts")
    shutil.copy(REPO / "tasks.py", dest / "tasks.py")
    (dest / "pyproject.toml").write_text(FIXTURE_PYPROJECT, encoding="utf-8")
    return dest


def document_with_image(folder: Path) -> tuple[Path, Path]:
    """A content file (line 9: a figure) and the image it shows, in ``folder``."""
    (folder / "images").mkdir()
    image = folder / "images" / "map.svg"
    image.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    path = folder / "doc.yaml"
    path.write_text("title: T\nmeta:\n  publisher: P\n  date: 2026-11-01\nsections:\n"
                    "  - id: s\n    heading: H\n    blocks:\n"
                    "      - figure: {src: images/map.svg, alt: A map}\n")
    return path, image


def translated_project(root: Path, translations: dict | None = None):
    """A fixture project with its template and catalogues, and the given
    translations ({lang: {msgid: msgstr}}; default: the French of the fixture)."""
    from fixture_translations import FR, fill

    from pressroom.messages import catalogs, extract

    project = load_project(root)
    extract.extract(project)
    catalogs.update(project, ["en", "es", "fr"])
    for lang, table in (translations if translations is not None else {"fr": FR}).items():
        fill(project.po_path(lang), table)
    return project


def copy_project(source: Path, dest: Path):
    """A copy of a project, its build/ included (times kept, so that the copy's
    PDFs are as up to date as the original's): far cheaper than a render."""
    shutil.copytree(source, dest, symlinks=True)
    return load_project(dest)


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj")


@pytest.fixture
def project(project_dir: Path):
    return load_project(project_dir)


# --------------------------------------------------------------------------- shared builds
@pytest.fixture(scope="session")
def french_built(tmp_path_factory):
    """The fixture translated into French (``translated_project``'s default) with the
    English and French print PDFs built: shared by every test of the session, read
    only. A test that changes anything takes ``french_built_copy``."""
    from pressroom.production import builder

    project = translated_project(make_project(tmp_path_factory.mktemp("french-built") / "proj"))
    results = builder.build(project, ["en", "fr"], ["brochure"], jobs=1)
    assert [(r.lang, r.skipped) for r in results] == [("en", False), ("fr", False)]
    before = _contents(project.root)
    yield project
    after = _contents(project.root)
    assert after == before, ("a test changed the shared build (take french_built_copy): "
                             f"{sorted(set(before.items()) ^ set(after.items()))}")


def _real_build(tmp_path_factory, name: str, profile: str, jobs: int | None = None):
    """A copy of the repository's own content, catalogues and layouts with its PDFs of
    ``profile`` built in every configured language; yields the project and checks,
    at the end of the session, that no test changed it."""
    from pressroom.production import builder

    root = tmp_path_factory.mktemp(name) / "proj"
    for folder in ("content", "layouts", "locales"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    project = load_project(root)
    results = builder.build(project, list(project.languages), list(project.documents),
                            profile=profile, jobs=jobs)
    assert not any(r.skipped for r in results)
    before = _contents(project.root)
    yield project
    assert _contents(project.root) == before, "a test changed the shared real build"


@pytest.fixture(scope="session")
def real_built(tmp_path_factory):
    """A copy of the repository's own content, catalogues and layouts with the six
    print PDFs (en, es, fr × both documents) built once for the session, read only."""
    yield from _real_build(tmp_path_factory, "real-built", "print")


@pytest.fixture(scope="session")
def real_screen_built(tmp_path_factory):
    """The same with the screen PDFs (the accessible edition) of every configured
    language, built once for the session (two workers), read only."""
    yield from _real_build(tmp_path_factory, "real-screen-built", "screen", jobs=2)


def _contents(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def french_built_copy(french_built, tmp_path):
    """A private copy of ``french_built`` (built, up to date) to change at will."""
    return copy_project(french_built.root, tmp_path / "proj")


def git(root, *args):
    """Run git in ``root`` with a throwaway identity (manifests record the commit)."""
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "HOME": str(root),
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e",
                        "PATH": "/usr/bin:/bin"})


# --------------------------------------------------------------------------- the tasks
def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("INVOKE_")}


def _pdf_stamps(root: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in Path(root).rglob("*.pdf") if p.is_file()}


def run_invoke(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m invoke ARGS` in a real subprocess: for what only a process shows
    (tasks.py found from the working folder, signals, a module path of its own).
    Every other test runs the tasks in this process (``invoke_in``)."""
    before = _pdf_stamps(cwd)
    run = subprocess.run([sys.executable, "-m", "invoke", *args], cwd=cwd,
                         env=env if env is not None else _environment(),
                         capture_output=True, text=True, timeout=600)
    if _pdf_stamps(cwd) != before:
        _renders_now("a PDF written by `invoke " + " ".join(args) + "` in a subprocess")
    return run


def _load_tasks(root: Path):
    """The project's own tasks.py as an Invoke collection (not left in sys.modules
    or sys.path: every test project has its copy)."""
    from invoke import Collection

    spec = importlib.util.spec_from_file_location("tasks", Path(root) / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return Collection.from_module(module)


def invoke_tasks(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """`invoke ARGS` run in this process, from ``cwd``, by Invoke's own Program and
    the project's tasks.py: what a subprocess would give (exit status, stdout,
    stderr; an exception that escapes is printed as a traceback on stderr, status
    1), without starting Python and importing WeasyPrint again each time."""
    from invoke import Program

    program = Program(namespace=_load_tasks(cwd), name="invoke", binary="invoke")
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), \
            contextlib.redirect_stderr(err):
        try:
            program.run(["invoke", *args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if isinstance(exc.code, str):
                print(exc.code, file=sys.stderr)
        except Exception:  # what Python would print before exiting with status 1
            traceback.print_exc(file=sys.stderr)
            code = 1
    return subprocess.CompletedProcess(["invoke", *args], code, out.getvalue(), err.getvalue())


@pytest.fixture
def invoke_in():
    """Run a task as a person types it (``invoke_in(root, "build", "--lang", "fr")``),
    in this process; see ``invoke_tasks``."""
    return invoke_tasks


# --------------------------------------------------------------------------- the e2e guard
# The test running now, whether it (or a fixture set up for it) rendered, the
# fixtures being set up, and the names of the fixtures that rendered when set up
# (a module- or session-scoped build renders for the first test that asks only).
_RUNNING: dict = {"item": None, "rendered": False, "fixtures": []}
_RENDERING_FIXTURES: set[str] = set()

# Where pressroom hands a document to WeasyPrint: the one-PDF entry point (also as
# the builder imported it), the builder's worker processes (a monkeypatch cannot
# reach into them, so what starts them is guarded) and the task each one runs.
RENDER_ENTRY_POINTS = (
    ("pressroom.render.document", "build_one"),
    ("pressroom.production.builder", "build_one"),
    ("pressroom.production.builder", "_build_parallel"),
    ("pressroom.production.builder", "_render"),
)


def _renders_now(what: str) -> None:
    """Called as a PDF is about to be rendered: fails a test not marked e2e."""
    item = _RUNNING["item"]
    if item is None:
        return
    if item.get_closest_marker("e2e") is None:
        pytest.fail(f"{item.nodeid} renders a PDF with WeasyPrint ({what}) but is not "
                    "marked @pytest.mark.e2e", pytrace=False)
    _RUNNING["rendered"] = True
    _RENDERING_FIXTURES.update(_RUNNING["fixtures"])


def _guarded(func, what: str):
    @functools.wraps(func)
    def guarded(*args, **kwargs):
        _renders_now(what)
        return func(*args, **kwargs)
    guarded.e2e_guard = True
    return guarded


def _install_guard() -> None:
    import weasyprint.document

    for module_name, name in RENDER_ENTRY_POINTS:
        module = importlib.import_module(module_name)
        func = getattr(module, name)  # renamed? update RENDER_ENTRY_POINTS
        if not getattr(func, "e2e_guard", False):
            setattr(module, name, _guarded(func, f"{module_name}.{name}"))
    # any other way to a PDF (WeasyPrint called directly)
    document = weasyprint.document.Document
    if not getattr(document.write_pdf, "e2e_guard", False):
        document.write_pdf = _guarded(document.write_pdf, "weasyprint Document.write_pdf")


def _rendered(item) -> bool:
    """Whether the test rendered: itself, through a fixture it uses (even one set up
    for an earlier test), or in a subprocess (a PDF in its own tmp_path)."""
    if _RUNNING["rendered"] or _RENDERING_FIXTURES & set(item.fixturenames):
        return True
    tmp = getattr(item, "funcargs", {}).get("tmp_path")
    return tmp is not None and any(Path(tmp).rglob("*.pdf"))


class _E2EGuard:
    """The guard's hooks, registered as a plugin of its own: a conftest's hooks are
    not called for a session-scoped fixture (its setup belongs to the session)."""

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        """Which test is running: its setup (module and session fixtures built for it
        included), call and teardown."""
        _RUNNING.update(item=item, rendered=False, fixtures=[])
        try:
            return (yield)
        finally:
            _RUNNING.update(item=None, rendered=False, fixtures=[])

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(self, fixturedef, request):
        _RUNNING["fixtures"].append(fixturedef.argname)
        try:
            return (yield)
        finally:
            _RUNNING["fixtures"].pop()

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item):
        """A test marked e2e that passed must have rendered: the marker is for the
        slow tests only (``-m "not e2e"`` is the quick run)."""
        result = yield
        if item.get_closest_marker("e2e") is not None and not _rendered(item):
            pytest.fail(f"{item.nodeid} is marked e2e but renders no PDF: remove the marker",
                        pytrace=False)
        return result


def pytest_configure(config):
    _install_guard()
    config.pluginmanager.register(_E2EGuard(), "pressroom-e2e-guard")
