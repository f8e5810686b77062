"""The tasks as a person runs them: one-line errors, exit status 1, no traceback,
nothing previously written overwritten.

The tasks run in this process through Invoke and tasks.py (``invoke_in``, see
conftest); ``test_the_real_command_line`` runs `python -m invoke` itself."""

import pytest
from conftest import run_invoke
from fixture_translations import FR, fill

SENTINEL = b"%PDF-1.7 previous good build\n"


@pytest.fixture
def ready(project_dir, invoke_in):
    for task in ("extract", "update"):
        run = invoke_in(project_dir, task)
        assert run.returncode == 0, run.stderr
    fill(project_dir / "locales/fr/LC_MESSAGES/messages.po", FR)
    for lang in ("en", "fr"):
        pdf = project_dir / "build" / lang / "brochure.pdf"
        pdf.parent.mkdir(parents=True, exist_ok=True)
        pdf.write_bytes(SENTINEL)
    return project_dir


def assert_one_line_error(run, starts):
    assert run.returncode == 1, (run.stdout, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith(starts), lines[0]
    assert "Traceback" not in run.stderr + run.stdout


def snapshot(root):
    return {p: p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.suffix in (".pdf", ".po", ".pot")}


def break_content(root, old, new):
    path = root / "content" / "brochure.yaml"
    path.write_text(path.read_text().replace(old, new, 1))


@pytest.mark.parametrize("task", ["extract", "build"])
@pytest.mark.parametrize(("old", "new", "starts", "message"), [
    ("heading: The numbers", "heading: [The numbers", "content/brochure.yaml:", "YAML syntax error"),
    ("- p: Every year", "- paragraph: Every year", "content/brochure.yaml:12:9: ",
     "unknown block type 'paragraph'"),
    ("[^global-study]", "[^no-such-note]", "content/brochure.yaml:12:12: ",
     "footnote reference [^no-such-note] has no note"),
])
def test_bad_content(ready, invoke_in, task, old, new, starts, message):
    before = snapshot(ready)
    break_content(ready, old, new)
    run = invoke_in(ready, task)
    assert_one_line_error(run, starts)
    assert message in run.stderr
    assert snapshot(ready) == before


@pytest.mark.parametrize("task", [("update",), ("build", "--lang", "fr"), ("compile",)])
def test_broken_po(ready, invoke_in, task):
    po = ready / "locales/fr/LC_MESSAGES/messages.po"
    text = po.read_text()
    broken = text.replace('msgstr "Les chiffres"', 'msgstr "Les chiffres', 1)
    po.write_text(broken)
    line = broken[: broken.index('msgstr "Les chiffres')].count("\n") + 1
    before = snapshot(ready)
    run = invoke_in(ready, *task)
    assert_one_line_error(run, f"locales/fr/LC_MESSAGES/messages.po:{line}: ")
    assert "end-of-line within string" in run.stderr
    assert snapshot(ready) == before


def test_unknown_language_and_document(ready, invoke_in):
    run = invoke_in(ready, "build", "--lang", "xx")
    assert_one_line_error(run, "pyproject.toml: unknown language 'xx'")
    run = invoke_in(ready, "build", "--doc", "nope")
    assert_one_line_error(run, "pyproject.toml: unknown document 'nope'")


@pytest.mark.e2e
def test_translation_with_unknown_footnote_names_the_catalogue(ready, invoke_in):
    po = ready / "locales/fr/LC_MESSAGES/messages.po"
    text = po.read_text().replace("sont détenus.[^global-study]", "sont détenus.[^etude]")
    po.write_text(text)
    line = text[: text.index("\nmsgstr", text.index('msgid "Every year')) + 1].count("\n") + 1
    before = snapshot(ready)
    # A print run is refused by the gate, which names the entry...
    run = invoke_in(ready, "build", "--lang", "fr")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert f"locales/fr/LC_MESSAGES/messages.po:{line}: footnote [^global-study] missing in translation" in lines
    assert f"locales/fr/LC_MESSAGES/messages.po:{line}: footnote [^etude] is not in the English" in lines
    assert lines[-1].startswith("error: print run refused (strings listed above): fr: brochure "
                                "has 1 string(s) with errors, which always refuse a print run")
    assert snapshot(ready) == before
    # ...and a screen build, which only warns, names it and prints that string in English
    run = invoke_in(ready, "build", "--lang", "fr", "--profile", "screen", "--no-preflight")
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert (f"warning: locales/fr/LC_MESSAGES/messages.po:{line}: footnote [^etude] is not in "
            "the English") in run.stderr
    assert "1 strings fell back to English" in run.stdout


@pytest.mark.parametrize(("task", "starts"), [
    (("build", "--lang", "xx"), "pyproject.toml: unknown language 'xx'"),
    (("extract",), "content/brochure.yaml:12:9: "),
])
def test_the_real_command_line(ready, task, starts):
    """`python -m invoke` in a subprocess, tasks.py found from the project folder: a
    mistake is one line on stderr and status 1, with no traceback from the process."""
    break_content(ready, "- p: Every year", "- paragraph: Every year")
    before = snapshot(ready)
    run = run_invoke(ready, *task)
    assert_one_line_error(run, starts)
    assert snapshot(ready) == before


def test_summaries(ready, invoke_in):
    run = invoke_in(ready, "extract")
    assert run.returncode == 0 and "locales/messages.pot:" in run.stdout and "unchanged" in run.stdout
    run = invoke_in(ready, "update")
    assert run.returncode == 0 and run.stdout.count("unchanged") == 3
    run = invoke_in(ready, "compile", "--lang", "fr")
    assert run.returncode == 0 and "build/locale/fr/LC_MESSAGES/messages.mo: written" in run.stdout


def test_clean_removes_only_the_build_folder(project_dir, invoke_in):
    (project_dir / "build" / "en").mkdir(parents=True)
    (project_dir / "build" / "en" / "brochure.pdf").write_bytes(b"%PDF")
    before = sorted(p.relative_to(project_dir) for p in project_dir.rglob("*")
                    if "build" not in p.parts)
    run = invoke_in(project_dir, "clean")
    assert run.returncode == 0 and "build/: removed (1 files)" in run.stdout
    assert not (project_dir / "build").exists()
    assert sorted(p.relative_to(project_dir) for p in project_dir.rglob("*")) == before
    run = invoke_in(project_dir, "clean")
    assert run.returncode == 0 and "nothing to remove" in run.stdout
