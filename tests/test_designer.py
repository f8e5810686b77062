"""The designer's workflow: a third publication from one YAML file and one template,
and page geometry changed with one token."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import FIXTURES, make_project
from pypdf import PdfReader

from pressroom.messages import extract
from pressroom.model.config import load_project
from pressroom.production import builder

pytestmark = pytest.mark.e2e

LEAFLET = """\
{% extends "base.html" %}
{% import "components.html" as c %}
{# A one-sheet leaflet: A6, title then the sections. #}
{% block styles %}<style>@page { size: 105mm 148mm; bleed: var(--bleed); margin: 12mm }</style>{% endblock %}
{% block cover %}<h1>{{ doc.title }}</h1><p>{% trans %}Leaflet{% endtrans %}</p>{% endblock %}
{% block body %}{% for s in doc.sections %}{{ c.section(s) }}{% endfor %}{% endblock %}
"""


def mm(points: float) -> float:
    return round(float(points) * 25.4 / 72, 1)


def test_a_third_publication_needs_one_yaml_file_and_one_template(tmp_path):
    root = make_project(tmp_path / "proj")
    shutil.copy(FIXTURES / "content" / "brochure.yaml", root / "content" / "leaflet.yaml")
    (root / "layouts" / "leaflet").mkdir()
    (root / "layouts" / "leaflet" / "document.html").write_text(LEAFLET)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('documents = ["brochure"]',
                                                       'documents = ["brochure", "leaflet"]'))
    project = load_project(root)
    _path, _changed, count = extract.extract(project)
    pot = project.pot_path.read_text()
    assert "#: layouts/leaflet/document.html:5" in pot and 'msgid "Leaflet"' in pot
    assert "content/leaflet.yaml" in pot and count > 20
    [result] = builder.build(project, ["en"], ["leaflet"])
    page = PdfReader(result.path).pages[0]
    assert (mm(page.trimbox.width), mm(page.trimbox.height)) == (105.0, 148.0)
    text = "".join(p.extract_text() for p in PdfReader(result.path).pages)
    assert "Leaflet" in text and "The numbers" in text


def test_the_page_size_is_one_token(french_built_copy):
    project = french_built_copy  # the English built in A5
    root = project.root
    tokens = root / "layouts" / "tokens.css"
    [a5] = builder.build(project, ["en"], ["brochure"])
    assert (mm(PdfReader(a5.path).pages[0].trimbox.width),
            mm(PdfReader(a5.path).pages[0].trimbox.height)) == (148.0, 210.0)
    text = re.sub(r"--brochure-page-width: [\d.]+mm", "--brochure-page-width: 170mm",
                  tokens.read_text())
    tokens.write_text(re.sub(r"--brochure-page-height: [\d.]+mm",
                             "--brochure-page-height: 240mm", text))
    [bigger] = builder.build(project, ["en"], ["brochure"])
    assert not bigger.skipped
    page = PdfReader(bigger.path).pages[0]
    assert (mm(page.trimbox.width), mm(page.trimbox.height)) == (170.0, 240.0)
    assert mm(page.bleedbox.width) == 176.0  # the bleed follows
