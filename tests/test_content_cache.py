"""A content file parsed once per process: the same bytes give the same document;
changed bytes are parsed again; references (images) are checked on every load."""

import pytest
from conftest import FIXTURES, document_with_image

from pressroom.errors import ContentError
from pressroom.model import content


def test_the_same_bytes_are_parsed_once_and_changed_bytes_again(tmp_path, monkeypatch):
    path = tmp_path / "brochure.yaml"
    path.write_bytes((FIXTURES / "content" / "brochure.yaml").read_bytes())
    parsed = []
    parse = content._parse
    monkeypatch.setattr(content, "_parse", lambda p, s: parsed.append(p) or parse(p, s))
    first = content.load_document(path, "content/brochure.yaml")
    assert content.load_document(path, "content/brochure.yaml") is first
    assert len(parsed) == 1
    path.write_text(path.read_text().replace("Test edition", "Second edition"))
    second = content.load_document(path, "content/brochure.yaml")
    assert second is not first and second.edition.value == "Second edition"
    assert len(parsed) == 2
    assert content.load_document(path, "other/name.yaml") is not second  # errors name it


def test_a_cached_document_still_has_its_images_checked(tmp_path):
    path, image = document_with_image(tmp_path)
    content.load_document(path, "content/doc.yaml")
    image.unlink()
    with pytest.raises(ContentError, match=r"image 'images/map\.svg' not found"):
        content.load_document(path, "content/doc.yaml")
