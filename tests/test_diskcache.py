"""Results kept between runs (pressroom.diskcache): reused for the same inputs and
code, computed again when any input changes or the entry is unreadable; and the
stages that use it (content, catalogues, check) give what they gave uncached."""

from __future__ import annotations

import pytest
from conftest import document_with_image, make_project, translated_project

from pressroom import diskcache
from pressroom.errors import ContentError
from pressroom.messages import catalogs, check
from pressroom.model import content


def test_the_same_inputs_are_computed_once_and_changed_inputs_again(tmp_path):
    calls = []

    def compute(value):
        calls.append(value)
        return {"value": value}

    assert diskcache.cached(tmp_path, "kind", [b"a", "x"], lambda: compute(1)) == {"value": 1}
    assert diskcache.cached(tmp_path, "kind", [b"a", "x"], lambda: compute(2)) == {"value": 1}
    assert diskcache.cached(tmp_path, "kind", [b"a", "y"], lambda: compute(3)) == {"value": 3}
    # the parts are length-prefixed: moving bytes from one part to the next is a change
    assert diskcache.cached(tmp_path, "kind", [b"ax", ""], lambda: compute(4)) == {"value": 4}
    assert diskcache.cached(tmp_path, "kind", [b"a", "x"], lambda: compute(5)) == {"value": 1}
    assert calls == [1, 3, 4]


def test_an_unreadable_entry_is_computed_again(tmp_path):
    diskcache.cached(tmp_path, "kind", ["k"], lambda: 1)
    (entry,) = (tmp_path / "kind").iterdir()
    entry.write_bytes(b"not a pickle")
    assert diskcache.cached(tmp_path, "kind", ["k"], lambda: 2) == 2
    assert diskcache.cached(tmp_path, "kind", ["k"], lambda: 3) == 2  # rewritten


def test_no_folder_or_a_read_only_one_still_computes(tmp_path):
    assert diskcache.cached(None, "kind", ["k"], lambda: 7) == 7
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder would be")
    assert diskcache.cached(blocked, "kind", ["k"], lambda: 8) == 8


def test_each_kind_keeps_its_newest_entries(tmp_path, monkeypatch):
    monkeypatch.setattr(diskcache, "KEEP", 3)
    for n in range(6):
        diskcache.cached(tmp_path, "kind", [str(n)], lambda n=n: n)
    assert len(list((tmp_path / "kind").iterdir())) == 3


def test_an_error_is_not_kept(tmp_path):
    def fail():
        raise ContentError("bad", "content/x.yaml", 3)

    for _ in range(2):
        with pytest.raises(ContentError):
            diskcache.cached(tmp_path, "kind", ["k"], fail)
    assert not (tmp_path / "kind").exists() or not list((tmp_path / "kind").iterdir())


@pytest.fixture
def project(tmp_path):
    return translated_project(make_project(tmp_path / "proj"))


def forget_this_process(monkeypatch):
    """As a new process: nothing parsed in memory."""
    monkeypatch.setattr(content, "_PARSED", {})
    monkeypatch.setattr(catalogs, "_READ_ONLY", {})
    monkeypatch.setattr(check, "_ERRORS", {})


def test_a_new_run_parses_no_unchanged_content_and_checks_its_images(tmp_path, monkeypatch):
    path, image = document_with_image(tmp_path)
    cache = tmp_path / "cache"
    first = content.load_document(path, "content/doc.yaml", cache)
    forget_this_process(monkeypatch)
    parse = content._parse
    monkeypatch.setattr(content, "_parse", lambda *a: pytest.fail("parsed again"))
    again = content.load_document(path, "content/doc.yaml", cache)
    assert again is not first and again.title.value == "T"
    src = again.sections[0].blocks[0].fields["figure"]["src"]
    assert (src, src.line, type(src)) == ("images/map.svg", 9, content.Ref)  # position kept
    image.unlink()  # removed since: an error at once, though the parse was kept
    forget_this_process(monkeypatch)
    with pytest.raises(ContentError, match=r"image 'images/map\.svg' not found"):
        content.load_document(path, "content/doc.yaml", cache)
    monkeypatch.setattr(content, "_parse", parse)
    path.write_text(path.read_text().replace("title: T", "title: U"))
    image.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert content.load_document(path, "content/doc.yaml", cache).title.value == "U"


def test_a_new_run_reads_unchanged_catalogues_and_findings_from_the_cache(project, monkeypatch):
    findings = check.check(project, ["fr"])
    forget_this_process(monkeypatch)
    monkeypatch.setattr(catalogs.pofile, "parse", lambda *a: pytest.fail("parsed again"))
    assert check.check(project, ["fr"]) == findings


def test_a_changed_glossary_or_template_gives_new_findings(project, monkeypatch):
    before = check.check(project, ["fr"])
    glossary = project.locales_dir / "glossary.csv"
    glossary.write_text("en,fr\nchildren,bambins\n", encoding="utf-8")
    forget_this_process(monkeypatch)
    after = check.check(project, ["fr"])
    assert after != before and any("bambins" in f.message for f in after)
