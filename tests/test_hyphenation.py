"""Hyphenation dictionaries chosen per language ([tool.pressroom.hyphenation]):
Pyphen's "en" is en_GB, whose patterns break "reas-ons"; the project sets English
with en_US's ("rea-sons") while the PDF's language stays "en"."""

import pyphen
import pytest

from pressroom.errors import ConfigError
from pressroom.model.config import load_project
from pressroom.render import engine


def project_with(tmp_path, table: str):
    (tmp_path / "pyproject.toml").write_text(
        "[tool.pressroom]\n\n[tool.pressroom.hyphenation]\n" + table, encoding="utf-8")
    return load_project(tmp_path)


def test_the_table_maps_a_language_to_a_pyphen_dictionary(tmp_path):
    assert project_with(tmp_path, 'en = "en_US"\n').settings.hyphenation == (("en", "en_US"),)
    assert project_with(tmp_path, "").settings.hyphenation == ()


@pytest.mark.parametrize("value", ['"en_XX"', "3"])
def test_an_unknown_dictionary_names_its_key_line_and_the_known_ones(tmp_path, value):
    with pytest.raises(ConfigError) as caught:
        project_with(tmp_path, f"en = {value}\n")
    error = caught.value
    assert (error.path, error.line) == ("pyproject.toml", 4)
    assert error.message.startswith("tool.pressroom.hyphenation.en: unknown hyphenation "
                                    "dictionary")
    assert "en_GB" in error.message and "en_US" in error.message


def test_the_dictionary_is_chosen_for_the_layout_only():
    before = dict(pyphen.LANGUAGES)
    with engine._dictionaries({"en": "en_US", "xx": "en_US"}):
        assert pyphen.Pyphen(lang="en").inserted("reasons") == "rea-sons"
    assert before == pyphen.LANGUAGES
    assert pyphen.Pyphen(lang="en").inserted("reasons") == "reas-ons"  # Pyphen's en_GB


def test_english_is_hyphenated_with_the_chosen_patterns():
    """A narrow column that must break "reasons": where it breaks, by the table."""
    html = ('<html lang="en"><style>@page { size: 24mm 200mm; margin: 5mm }'
            "p { hyphens: auto; text-align: justify; font-size: 14pt }</style>"
            "<p>" + " ".join(["reasons"] * 12) + "</p></html>")

    def first_break(hyphenation):
        document = engine.render(html, hyphenation=hyphenation)
        lines = [box for box in document.pages[0].root.descendants() if box.kind == engine.LINE]
        texts = ["".join(t.text for t in line.texts()) for line in lines]
        return next(text.split()[-1][:-1] for text in texts if text.endswith(("-", "\u2010")))

    assert first_break({"en": "en_US"}) == "rea"
    assert first_break(None) == "reas"
