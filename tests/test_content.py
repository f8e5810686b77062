from pathlib import Path

import pytest
from conftest import FIXTURES

from pressroom.errors import ContentError
from pressroom.model.content import load_document

GOOD = """\
title: A title
meta: {publisher: The publisher, date: 2026-11-01}
sections:
  - id: one
    heading: First
    blocks:
      - p: Hello.[^n1]
notes:
  n1: A note.
"""


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "doc.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def load_error(tmp_path, text) -> ContentError:
    with pytest.raises(ContentError) as info:
        load_document(write(tmp_path, text), "content/doc.yaml")
    return info.value


def test_fixture_loads_with_lines_and_translator_keys():
    doc = load_document(FIXTURES / "content" / "brochure.yaml")
    assert doc.title.value == "Ending child immigration detention"
    assert doc.title.line == 1
    assert [s.id for s in doc.sections] == ["numbers", "law"]
    stat = doc.sections[0].blocks[1]
    assert stat.type == "stat"
    label = stat.fields["stat"]["label"]
    assert (label.line, label.note, label.max_chars) == (16, "Sits under a large figure; keep it short.", 40)
    callout = doc.sections[1].blocks[1].fields["callout"]
    assert callout.context == "standards"
    items = doc.sections[0].blocks[3].fields["list"]
    assert [i.note for i in items] == ["Two short items."] * 2
    assert set(doc.notes) == {"global-study", "mares", "crc", "uprooted"}
    assert doc.date.isoformat() == "2026-11-01"


def test_every_block_type_is_accepted(tmp_path):
    doc = load_document(FIXTURES / "content" / "brochure.yaml")
    types = {b.type for s in doc.sections for b in s.blocks}
    assert {"p", "stat", "list", "quote", "callout", "chart", "table"} <= types


def test_whitespace_in_folded_text_is_normalised(tmp_path):
    doc = load_document(write(tmp_path, GOOD.replace("- p: Hello.[^n1]",
                                                     "- p: >-\n          Hello\n          world.[^n1]")))
    assert doc.sections[0].blocks[0].fields["p"].value == "Hello world.[^n1]"


def test_bad_yaml_names_file_line_col(tmp_path):
    err = load_error(tmp_path, GOOD.replace("heading: First", "heading: [First"))
    assert err.path == "content/doc.yaml" and err.line is not None
    assert str(err).startswith("content/doc.yaml:")
    assert "YAML syntax error" in str(err)


def test_unknown_block_type(tmp_path):
    err = load_error(tmp_path, GOOD.replace("- p: Hello.[^n1]", "- paragraph: Hello."))
    assert (err.line, err.col) == (7, 9)
    assert "unknown block type 'paragraph' (expected one of: p, subheading, list" in str(err)
    assert str(err).startswith("content/doc.yaml:7:9: ")


def test_footnote_without_note(tmp_path):
    err = load_error(tmp_path, GOOD.replace("[^n1]", "[^missing]"))
    assert err.line == 7
    assert "footnote reference [^missing] has no note" in str(err)


def test_malformed_footnote_reference(tmp_path):
    err = load_error(tmp_path, GOOD.replace("[^n1]", "[^bad id]"))
    assert "malformed footnote reference" in str(err)


def test_duplicate_key(tmp_path):
    err = load_error(tmp_path, GOOD.replace("  n1: A note.", "  n1: A note.\n  n1: Again."))
    assert "duplicate key" in str(err) and err.line == 10


def test_wrong_type_number_as_text(tmp_path):
    err = load_error(tmp_path, GOOD.replace("- p: Hello.[^n1]", "- p: 42"))
    assert "must be text, not the number 42" in str(err) and err.line == 7


def test_stat_value_must_be_a_number(tmp_path):
    text = GOOD.replace("- p: Hello.[^n1]",
                        "- stat: {value: '330,000', label: children, source: n1}")
    err = load_error(tmp_path, text)
    assert "'value' of stat must be a number" in str(err)


def test_stat_source_must_be_a_note(tmp_path):
    text = GOOD.replace("- p: Hello.[^n1]", "- stat: {value: 3, label: children, source: nope}")
    err = load_error(tmp_path, text)
    assert "source 'nope' is not a note id" in str(err) and err.line == 7


def test_invalid_utf8(tmp_path):
    err = load_error(tmp_path, GOOD.encode("utf-8").replace(b"First", b"Fi\xffrst"))
    assert "invalid UTF-8" in str(err) and err.line == 5


def test_table_rows_must_match_header(tmp_path):
    text = GOOD.replace("- p: Hello.[^n1]",
                        "- table: {header: [A, B], rows: [[a, b], [c]]}\n      - p: x[^n1]")
    err = load_error(tmp_path, text)
    assert "table row 2 has 1 cells, the header has 2" in str(err)


def test_two_block_types_in_one_block(tmp_path):
    err = load_error(tmp_path, GOOD.replace("- p: Hello.[^n1]", "- p: Hello.[^n1]\n        callout: x"))
    assert "block has two types" in str(err)


def test_missing_image(tmp_path):
    text = GOOD.replace("- p: Hello.[^n1]",
                        "- figure: {src: images/map.svg, alt: A map}\n      - p: x[^n1]")
    err = load_error(tmp_path, text)
    assert "image 'images/map.svg' not found" in str(err)


def test_image_outside_content_is_refused(tmp_path):
    text = GOOD.replace("- p: Hello.[^n1]",
                        "- figure: {src: ../../etc/passwd, alt: A map}\n      - p: x[^n1]")
    err = load_error(tmp_path, text)
    assert "must be a relative path inside content/" in str(err)


def test_missing_file():
    with pytest.raises(ContentError, match="content file not found"):
        load_document(Path("/nonexistent/doc.yaml"), "content/doc.yaml")
