"""Passages in another language carry their own /Lang in the tagged (screen) PDF."""

from __future__ import annotations

import io

import pikepdf
import pytest

from pressroom.render import engine

HTML = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>t</title>
<style>@page {{ size: A5; }}</style></head><body>
<p>Le rapport <span lang="en">Uprooted: The Growing Crisis</span> de 2016 et
<span lang="es">Diario Oficial de la Federación</span>.</p>{extra}</body></html>"""


def struct_langs(data: bytes) -> list[tuple[str, str]]:
    """(structure type, /Lang) of every structure element that has a /Lang."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary):
                if "/Lang" in node and "/S" in node:
                    found.append((str(node.S), str(node.Lang)))
                kids = node.get("/K")
                if isinstance(kids, pikepdf.Array):
                    stack.extend(k for k in kids if isinstance(k, pikepdf.Dictionary))
                elif isinstance(kids, pikepdf.Dictionary):
                    stack.append(kids)
        lang = str(pdf.Root.Lang)
    return [("catalog", lang), *sorted(found)]


def written(html: str, **options) -> bytes:
    buffer = io.BytesIO()
    engine.write_pdf(engine.render(html), buffer, **options)
    return buffer.getvalue()


@pytest.mark.e2e
def test_each_passage_gets_its_own_lang_in_a_tagged_pdf():
    langs = struct_langs(written(HTML.format(extra=""), tagged=True))
    assert langs[0] == ("catalog", "fr")
    assert ("/Span", "en") in langs and ("/Span", "es") in langs
    assert not [lang for kind, lang in langs[1:] if lang == "fr"]  # the document's own: once


@pytest.mark.e2e
def test_the_wrapper_is_gone_after_writing_even_after_a_failure():
    from weasyprint.pdf import tags

    before = tags._build_box_tree
    written(HTML.format(extra=""), tagged=True)
    assert tags._build_box_tree is before

    def fail(_pdf):
        raise RuntimeError("finisher failed")

    with pytest.raises(RuntimeError, match="finisher failed"):
        written(HTML.format(extra=""), finisher=fail)
    assert tags._build_box_tree is before


@pytest.mark.e2e
def test_the_real_french_summary_marks_every_passage(real_built, tmp_path):
    """Every `[...]{lang=xx}` passage of the French Summary is a /Span with its /Lang
    in the screen PDF (a passage broken over two lines is two spans)."""
    import re
    import shutil

    from pressroom.model.config import load_project
    from pressroom.production import builder

    root = tmp_path / "proj"
    shutil.copytree(real_built.root, root)
    project = load_project(root)
    [result] = builder.build(project, ["fr"], ["standards"], profile="screen")
    po = project.po_path("fr").read_text(encoding="utf-8")
    marked = re.findall(r"\{lang=([a-z]+)\}", po)
    langs = struct_langs(result.path.read_bytes())
    assert langs[0] == ("catalog", "fr")
    spans = [lang for kind, lang in langs[1:]]
    assert set(spans) <= set(marked) and "en" in spans
    assert len(spans) >= len(re.findall(r"\{lang=", _standards_strings(project)))


def _standards_strings(project) -> str:
    """The French strings the Summary prints (its content's msgids, translated)."""
    from pressroom.messages.catalogs import load_translations
    from pressroom.model.content import load_document

    doc = load_document(project.content_path("standards"), "content/standards.yaml")
    tx = load_translations(project, "fr")
    return "\n".join(tx.table.get((t.context, t.value), "") for t in doc.texts())
