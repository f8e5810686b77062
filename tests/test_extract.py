import os

from conftest import FIXTURES

from pressroom.messages import extract

GOLDEN = FIXTURES / "golden" / "messages.pot"


def test_pot_matches_golden(project):
    """The fixture's template, byte for byte. After an intended change to extraction
    or the layouts, regenerate with: PRESSROOM_REGEN_GOLDEN=1 pytest tests/test_extract.py"""
    path, changed, _count = extract.extract(project)
    data = path.read_bytes()
    if os.environ.get("PRESSROOM_REGEN_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_bytes(data)
    assert changed
    assert data.decode("utf-8") == GOLDEN.read_text(encoding="utf-8")


def test_pot_content(project):
    path, _, _count = extract.extract(project)
    text = path.read_text(encoding="utf-8")
    # content references with lines, translator notes, contexts and length limits
    assert "#: content/brochure.yaml:12\n" in text
    assert ("#. Sits under a large figure; keep it short.\n#: content/brochure.yaml:16\n"
            "#, max-length:40\nmsgid \"children detained each year\"") in text
    assert 'msgctxt "standards"\nmsgid "Detention is never in the best interests of the child."' in text
    # layout strings come from the templates through Babel's Jinja2 extractor
    assert "#: layouts/components.html:" in text and 'msgid "Contents"' in text
    assert 'msgid "Advocacy Brochure"' in text
    # ids, note ids, numbers and paths are not translatable
    assert 'msgid "numbers"' not in text and 'msgid "global-study"' not in text
    assert "330000" not in text
    assert "POT-Creation-Date: 2026-11-01 00:00+0000" in text
    assert "python-format" not in text


def test_extract_is_deterministic(project):
    first = extract.extract(project)[0].read_bytes()
    path, changed, _ = extract.extract(project)
    assert not changed and path.read_bytes() == first


def test_creation_date_follows_the_content(project):
    content = project.content_path("brochure")
    content.write_text(content.read_text().replace("2026-11-01", "2027-01-15"))
    text = extract.extract(project)[0].read_text()
    assert "POT-Creation-Date: 2027-01-15 00:00+0000" in text


def test_same_string_twice_is_one_message_with_two_references(project):
    content = project.content_path("brochure")
    content.write_text(content.read_text().replace("- p: Every year", "- p: The numbers\n      - p: Every year"))
    text = extract.extract(project)[0].read_text()
    assert "#: content/brochure.yaml:10 content/brochure.yaml:12\nmsgid \"The numbers\"" in text


def test_template_syntax_error_is_reported_with_line(project):
    import pytest

    from pressroom.errors import RenderError
    bad = project.layouts_dir / "brochure" / "document.html"
    bad.write_text(bad.read_text() + "\n{% trans %}unclosed\n")
    with pytest.raises(RenderError) as info:
        extract.extract(project)
    assert str(info.value).startswith("layouts/brochure/document.html:")
