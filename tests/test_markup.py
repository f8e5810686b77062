import datetime as dt

import pytest

from pressroom.errors import MarkupError
from pressroom.text import formatting, markup, typography


def fn(note_id):
    return f'<span class="footnote">{note_id}</span>'


def test_subset_to_html():
    html = markup.to_html("A *b* **c** [d](https://example.org/?a=1&b=2)[^n].", fn)
    assert html == ('A <em>b</em> <strong>c</strong> '
                    '<a href="https://example.org/?a=1&amp;b=2">d</a>'
                    '\u2060<span class="footnote">n</span>.')


def test_footnote_call_stays_with_its_word():
    assert markup.to_html("in detention centres.[^n]", fn) == \
        'in detention centres.\u2060<span class="footnote">n</span>'
    assert markup.to_html("[^n] first", fn) == '<span class="footnote">n</span> first'


@pytest.mark.parametrize("raw", ["<script>alert(1)</script>", '<img src="x">',
                                 '<link rel="stylesheet" href="x">', "<style>*{}</style>"])
def test_raw_html_is_printed_as_text(raw):
    html = markup.to_html(f"Before {raw} after")
    assert "<" not in html.replace("&lt;", "")
    assert "&lt;" in html


def test_disallowed_link_schemes_are_refused():
    with pytest.raises(MarkupError, match="not allowed"):
        markup.to_html("[x](ftp://example.org/file)")
    # javascript:, file: and data: are not even parsed as links by markdown-it
    for url in ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,x"):
        assert "<a" not in markup.to_html(f"[x]({url})")


def test_footnote_ids_and_plain():
    assert markup.footnote_ids("a[^x] b[^y-2]") == ["x", "y-2"]
    assert markup.to_plain("A *b*[^x] [c](https://x.org)") == "A b c"


def test_footnote_not_allowed_without_callback():
    with pytest.raises(MarkupError):
        markup.to_html("a[^x]")


def test_typography_is_not_applied_to_urls():
    html = markup.to_html("Voir : [ici](https://x.org/a:b?c=d) !", typography=typography.french)
    assert 'href="https://x.org/a:b?c=d"' in html
    assert "Voir\u00a0:" in html and "\u202f!" in html


def test_french_spacing():
    assert typography.french("« Oui » ; non ! Pourquoi ?") == \
        "«\u202fOui\u202f»\u202f; non\u202f! Pourquoi\u202f?"
    assert typography.french("à 10:30") == "à 10:30"


def test_abbreviations_bind_to_numbers():
    fix = typography.for_language("es")
    assert fix("núm. 4, párr. 33") == "núm.\u00a04, párr.\u00a033"


@pytest.mark.parametrize(('lang', 'expected'), [("en", "330,000"), ("es", "330.000"),
                                           ("fr", "330\u202f000")])
def test_numbers_per_locale(lang, expected):
    assert formatting.number(330000, lang) == expected


def test_percent_and_dates():
    assert formatting.percent(85.7, "en") == "85.7%"
    assert formatting.percent(85.7, "fr") == "85,7\u00a0%"
    assert formatting.percent(85.7, "ru") == "85,7\u00a0%"  # CLDR ru, as the UN prints it
    day = dt.date(2026, 11, 1)
    assert formatting.date(day, "en") == "1 November 2026"
    assert formatting.date(day, "es") == "1 de noviembre de 2026"
    assert formatting.date(day, "fr") == "1er novembre 2026"
