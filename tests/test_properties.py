"""Property tests: random input either works or raises the project's own error."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pressroom.errors import PressroomError
from pressroom.model.content import load_document
from pressroom.text import markup, typography

MARKUPISH = st.text(alphabet=st.sampled_from(list("ab *_[]()^:!?«» <>/&\\\n\"'x1.-")) ,
                    max_size=60)


@given(st.one_of(MARKUPISH, st.text(max_size=80)))
@settings(max_examples=300, deadline=None)
def test_markup_converter_never_crashes(text):
    try:
        html = markup.to_html(text, footnote=lambda i: f"<sup>{i}</sup>",
                              typography=typography.french)
    except PressroomError:
        return
    assert "<script" not in html and "<img" not in html


YAMLISH = st.text(alphabet=st.sampled_from(list("abp: -\n  []{}'\"#&*!|>%@`,?^x1")), max_size=120)


@given(st.one_of(YAMLISH, st.text(max_size=120)))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_content_loader_raises_only_its_own_error(tmp_path, text):
    path = tmp_path / "doc.yaml"
    path.write_bytes(text.encode("utf-8", errors="replace"))
    error = None
    try:
        load_document(path, "content/doc.yaml")
    except PressroomError as exc:
        error = exc
    if error is not None:  # rejected: with the file named
        assert str(error).startswith("content/doc.yaml")
