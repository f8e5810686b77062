"""Issue 15's "done when": a read-back of the print PDFs themselves, by PDFium
(tests/pdf_readback.py), finds no note away from its call, no call that is not
raised or is fused with another, no punctuation printed twice around a call and
no URL or symbol hyphenated at a line end. The reader is tested here on pages
made of characters, then run over the six real print PDFs."""

import pdf_readback as rb
import pytest


def chars(text: str, y: float, pt: float = 10.0, x: float = 50.0) -> list[rb.Char]:
    """``text`` set on the baseline ``y``; digits in {braces} are a raised call."""
    out, call = [], False
    for ch in text:
        if ch in "{}":
            call = ch == "{"
            continue
        out.append(rb.Char(ch, 6.4 if call else pt, x, y + 3.0 if call else y))
        x += (0.3 if call else 0.5) * pt
    return out


def note(number: int, y: float = 60.0) -> list[rb.Char]:
    return chars(f"{number}. Convention on the Rights of the Child, art. {number}.", y, 7.2)


def test_a_page_with_its_calls_and_notes_reads_back_clean():
    page = chars("Children are detained.{1} Never in their interest.{2,3}", 700) + \
        note(1, 80) + note(2, 70) + note(3, 60)
    assert rb.problems([page]) == []


def test_a_note_on_the_page_after_its_call():
    pages = [chars("Children are detained.{1}", 700), chars("More text.", 700) + note(1)]
    assert rb.problems(pages) == ["note 1 on p. 2, its first call on p. 1"]


def test_a_repeated_call_on_a_later_page_is_no_note_away():
    pages = [chars("Detained.{1}", 700) + note(1), chars("Again.{1}", 700)]
    assert rb.problems(pages) == []


def test_two_calls_printed_as_one_number():
    page = chars("Text.{1} More.{2} And.{12}", 700) + note(1, 80) + note(2, 70)
    assert rb.problems([page]) == ["call 12 on p. 1 has no note (notes 1 and 2 fused?)"]


def test_notes_numbered_out_of_order():
    page = chars("Text.{2} More.{1}", 700) + note(1, 80) + note(2, 70)
    assert rb.problems([page]) == ["notes not numbered in order of first call: [2, 1]"]


def test_a_call_on_the_baseline_is_not_raised():
    page = [rb.Char(c, 10.0, 50 + 5 * i, 700) for i, c in enumerate("Text.")]
    page.append(rb.Char("1", 6.4, 80, 700))
    assert rb.problems([page + note(1)]) == ['call "1" on p. 1 is not raised']


@pytest.mark.parametrize("text", ["des enfants\u202f»{1}».", "detained,{1}, then",
                                  "Stop..{1}", "Vraiment\u202f!!{1}"])
def test_punctuation_printed_twice(text):
    [problem] = rb.problems([chars(text, 700) + note(1)])
    assert problem.startswith("punctuation twice on p. 1: ")


def test_punctuation_printed_twice_over_a_line_end():
    page = chars("des enfants\u202f»{1}", 700) + chars("». Ensuite", 688) + note(1)
    assert [p[:27] for p in rb.problems([page])] == ["punctuation twice on p. 1: "]


@pytest.mark.parametrize("text", ["des enfants\u202f»{1}.", "etc. [...] fin.{1}",
                                  "“Never.”{1} Then", "« a » et « b »{1}"])
def test_punctuation_used_once(text):
    assert rb.problems([chars(text, 700) + note(1)]) == []


def test_a_space_before_a_call():
    [problem] = rb.problems([chars("detained {1}", 700) + note(1)])
    assert problem.startswith("space before a call on p. 1")


@pytest.mark.parametrize(("end", "start"), [
    ("see ht-", "tps://www.ohchr.org and"), ("at www.idcoali-", "tion.org."),
    ("symbol A/HRC/38/-", "41 of 2018"), ("mail in-", "fo@ohchr.org")])
def test_a_url_or_symbol_hyphenated_at_a_line_end(end, start):
    [problem] = rb.problems([chars(end, 700) + chars(start, 688)])
    assert problem.startswith("URL or symbol hyphenated at a line end on p. 1")


def test_an_ordinary_word_hyphenated_at_a_line_end_is_fine():
    assert rb.problems([chars("a long re-", 700) + chars("port on it", 688)]) == []


def test_a_note_line_that_begins_with_a_year_is_no_note():
    page = chars("Text.{1}", 700) + note(1, 80) + chars("2015. Geneva, United Nations.", 70, 7.2)
    assert rb.problems([page]) == []


def test_notes_are_read_only_from_note_sized_lines():
    page = chars("Text.{1}", 700) + chars("2. A numbered heading", 650, 15.0) + note(1)
    assert rb.problems([page]) == []


@pytest.mark.e2e
def test_the_six_print_pdfs_read_back_clean(real_built):
    project = real_built
    found = {}
    for lang in ("en", "es", "fr"):
        for doc in project.documents:
            pages = rb.read_pages(project.pdf_path(lang, doc))
            calls = sum(len(rb.calls_of(line, 1)) for page in pages for line in rb.lines_of(page))
            notes = 0
            for page in pages:
                notes += len(rb.note_starts(rb.lines_of(page), notes + 1))
            assert calls > notes >= 20, (lang, doc, calls, notes)  # it does read them
            found[f"{lang} {doc}"] = rb.problems(pages)
    assert found == {name: [] for name in found}
