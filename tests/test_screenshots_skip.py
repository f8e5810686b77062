"""Issue 19, screenshots with nothing changed: a page whose images were cut from
the same PDF bytes, boxes and settings is not rendered again; a change to any of
them, or a missing image, renders it again."""

import json

import pytest

from pressroom.review import screenshots


def run(project, **options) -> screenshots.LangResult:
    [result] = screenshots.screenshots(project, ["fr"], ["brochure"], **options)
    return result


def stamps(project) -> dict[str, str]:
    entries = json.loads(project.context_json_path("fr").read_text(encoding="utf-8"))
    return {e["key"]: e["stamp"] for e in entries if e["image"]}


@pytest.fixture
def rendered(monkeypatch):
    """The pages rendered by the runs of a test: (keys of their shots) each."""
    pages: list[list[str]] = []
    unchanged = screenshots._unchanged

    def spy(project, lang, shots, previous):
        same = unchanged(project, lang, shots, previous)
        if not same:
            pages.append([shot.key for shot in shots])
        return same

    monkeypatch.setattr(screenshots, "_unchanged", spy)
    return pages


@pytest.mark.e2e
def test_unchanged_pages_are_not_rendered_again(french_built_copy, rendered):
    project = french_built_copy
    first = run(project)
    assert first.written == first.shots > 0 and rendered and stamps(project)
    rendered.clear()
    again = run(project)
    assert (again.written, again.shots, rendered) == (0, first.shots, [])
    # one image gone: its page alone is rendered again
    victim = next(iter(stamps(project)))
    project.context_image_path("fr", victim).unlink()
    third = run(project)
    assert len(rendered) == 1 and victim in rendered[0]
    assert third.written == 1 and project.context_image_path("fr", victim).is_file()


@pytest.mark.e2e
def test_a_changed_pdf_or_setting_renders_the_pages_again(french_built_copy, rendered):
    project = french_built_copy
    run(project)
    pages, before = len(rendered), stamps(project)
    pdf = project.pdf_path("fr", "brochure")
    pdf.write_bytes(pdf.read_bytes() + b"\n% rebuilt\n")  # other bytes, same pages
    run(project)
    after = stamps(project)
    assert len(rendered) == 2 * pages  # every page again (the images come out the same)
    assert before.keys() == after.keys() and not set(before.values()) & set(after.values())
    run(project, margin=9.0)
    assert len(rendered) == 3 * pages
