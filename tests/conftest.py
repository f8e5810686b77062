"""Shared fixtures: a small throw-away project built from tests/fixtures and the
real layouts, and a helper that runs `invoke` in it like a person would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
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


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj")


@pytest.fixture
def project(project_dir: Path):
    return load_project(project_dir)


def run_invoke(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INVOKE_")}
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture
def invoke_in():
    return run_invoke
