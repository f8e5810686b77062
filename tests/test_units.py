"""Small units that came out of splitting long functions: each pinned on its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Message

from pressroom.errors import ContentError
from pressroom.messages import extract, pofile
from pressroom.model import content
from pressroom.production import manifest
from pressroom.qa import preflight


# --------------------------------------------------------------------------- content
def test_read_yaml_keeps_positions(tmp_path: Path):
    path = tmp_path / "doc.yaml"
    path.write_text("title: A\nmeta:\n  date: 2026-01-01\n", encoding="utf-8")
    data = content.read_yaml(path, "content/doc.yaml")
    assert content._key_pos(data["meta"], "date") == (3, 3)
    assert content._value_pos(data, "title") == (1, 8)


def test_read_yaml_reports_a_duplicate_key_at_its_line(tmp_path: Path):
    path = tmp_path / "doc.yaml"
    path.write_text("title: A\ntitle: B\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        content.read_yaml(path, "content/doc.yaml")
    assert "duplicate key" in str(info.value)
    assert info.value.line == 2


def test_every_schema_kind_has_a_validator():
    specs = [*content.BAR_SCHEMA.values()]
    for schema in (*content.BLOCK_SCHEMAS.values(), *content.MAP_SCHEMAS.values()):
        specs.extend(schema.values())
    for spec in specs:
        assert spec.rstrip("?").partition(":")[0] in content.FIELD_KINDS, spec


def test_unknown_keys_in_written_order():
    from ruamel.yaml import YAML

    node = YAML(typ="rt").load("b: 1\na: 2\nc: 3\n")
    assert content._unknown_keys(node, ("a",)) == ["b", "c"]


# --------------------------------------------------------------------------- PO writing
def test_plural_strings_are_padded_never_cut():
    message = Message(("one", "many"), ("un", "", "trois"))
    assert pofile._plural_strings(message, 2) == ["un", "", "trois"]  # a form beyond: kept
    assert pofile._plural_strings(Message(("a", "b"), ("x", "")), 2) == ["x", ""]
    assert pofile._plural_strings(Message(("a", "b"), ("x", "", "")), 2) == ["x", ""]
    assert pofile._plural_strings(Message(("a", "b"), ("x",)), 3) == ["x", "", ""]


def test_previous_lines_carry_the_previous_context():
    message = Message("new", "nouveau", previous_id=["old"])
    pofile.set_previous_context(message, "ctx")
    assert pofile._previous_lines(message, obsolete=False) == [
        '#| msgctxt "ctx"', '#| msgid "old"']
    assert pofile._previous_lines(Message("new", ""), obsolete=True) == []


def test_template_msgid_keeps_singular_and_plural():
    assert extract._template_msgid("One") == "One"
    assert extract._template_msgid(("One", "Many")) == ("One", "Many")
    assert extract._template_msgid(("One", None)) == "One"


# --------------------------------------------------------------------------- manifest
@pytest.mark.parametrize(("name", "old", "new", "lock", "expected"), [
    ("babel", "2.1", "2.1", {"babel": ["2.1"]}, None),
    ("babel", "2.0", "2.1", {"babel": ["2.1"]},
     ("babel 2.0 recorded, 2.1 installed (uv.lock: 2.1): "
      "the PDF was built outside the locked environment")),
    ("babel", "2.1", "2.1", {"babel": ["2.2"]},
     "babel 2.1 recorded and installed (uv.lock: 2.2): run `uv sync --locked`"),
    ("babel", "2.0", "2.1", None, "babel 2.0 recorded, 2.1 installed (no uv.lock)"),
    ("babel", None, "2.1", {}, "babel not recorded, 2.1 installed (not in uv.lock)"),
    ("python", "3.11.1", "3.11.2", {"python": ["3.11.2"]},
     "python 3.11.1 recorded, 3.11.2 here (the interpreter, not pinned by uv.lock)"),
    ("pressroom", "1.0", None, None,
     "pressroom 1.0 recorded, none here (pressroom's own version)"),
])
def test_version_difference(name, old, new, lock, expected):
    assert manifest._version_difference(name, old, new, lock) == expected


# --------------------------------------------------------------------------- preflight
def test_printed_dpi_is_the_lower_axis():
    image = {"/Width": 300, "/Height": 150}
    assert preflight._printed_dpi(image, [72, 0, 0, 72, 0, 0]) == 150
    assert preflight._printed_dpi(image, [0, 0, 0, 72, 0, 0]) is None  # drawn with no width


def test_rgb_colour_space_by_name_or_resource():
    resources = {"/ColorSpace": {"/CS0": "/DeviceRGB", "/CS1": "/DeviceCMYK"}}
    assert preflight._space_channels("/CS0", resources) == 3  # RGB
    assert preflight._space_channels("/CS1", resources) == 4  # CMYK
    assert preflight._space_channels("/DeviceRGB", {}) == 3
    assert preflight._space_channels("/DeviceCMYK", resources) == 4
