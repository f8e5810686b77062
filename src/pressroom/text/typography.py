"""Language typography for text runs (never applied to URLs or ids).

- French: narrow no-break space (U+202F) before ; ! ? and inside « »,
  no-break space (U+00A0) before a colon, as in UN French documents.
- French: "no 4", "nos 3 et 4" with a raised o as in UN French documents,
  "nº 4" and "nºˢ 3 et 4" (U+00BA, U+02E2: plain characters that a PDF's text
  reads back as "nº"; a degree sign typed for it, "n° 4", is corrected too).
- French: "1er juillet", "1re", "20e session" with raised letters (1ᵉʳ: U+1D49,
  U+02B3, in the bundled fonts) held to the word that follows.
- Spanish: an ordinal number "28º período" (a degree sign typed for the º is
  corrected) stays on the line of the word that follows it.
- Every language: an abbreviation such as "No.", "art.", "para.", "núm.", "párr.",
  "par." or "p." stays on the line of the number that follows it; a number
  written with space-separated thousands ("330 000") never breaks.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pressroom.text import formatting

NBSP = "\u00a0"
NNBSP = "\u202f"
_SPACES = "[ \u00a0\u202f\u2009]"
# What :mod:`pressroom.text.markup` puts in the text for what is not text: a note
# call (a raised number) and a passage in another language (typeset apart).
CALL = "\ue000"
PASSAGE = "\ue001"
RAISED_O = "\u00ba"
RAISED_S = "\u02e2"

_ABBREV = re.compile(
    r"\b(No\.|Nos\.|núm\.|núms\.|no|nos|art\.|arts\.|para\.|paras\.|párr\.|párrs\.|"
    r"par\.|p\.|pp\.|ch\.|cap\.|chap\.)" + _SPACES + r"+(?=[\dIVX])")
_THOUSANDS = re.compile(r"(?<=\d)" + _SPACES + r"(?=\d{3}(?!\d))")

# French: "word ;" "word;" -> "word\u202f;" when the mark ends a phrase.
_FR_HIGH = re.compile(r"(?<=[^\s(\[«])" + _SPACES + r"*([;!?])(?=\s|$|[)\]»”\"’.,;:!?\ue000])")
_FR_COLON = re.compile(r"(?<=[^\s(\[«\d])" + _SPACES + r"*(:)(?=\s|$|\ue000)")
_FR_NUMERO = re.compile(r"\b([Nn])[o°º](s?)" + _SPACES + r"+(?=\d)")
_FR_ORDINAL = re.compile(r"\b(\d+)(er|re|e)" + _SPACES + r"+(?=\w)")
_RAISED_LETTERS = str.maketrans({"e": "\u1d49", "r": "\u02b3"})
_ES_ORDINAL = re.compile(r"(?<=\d)(\.?)[º°]" + _SPACES + r"+(?=\w)")
_FR_OPEN = re.compile(r"«" + _SPACES + r"*")
_FR_CLOSE = re.compile(_SPACES + r"*»")


def _common(text: str) -> str:
    text = _ABBREV.sub(lambda m: m.group(1) + NBSP, text)
    return _THOUSANDS.sub(NNBSP, text)


def french(text: str) -> str:
    text = _FR_HIGH.sub(NNBSP + r"\1", text)
    text = _FR_COLON.sub(NBSP + r"\1", text)
    text = _FR_OPEN.sub("«" + NNBSP, text)
    text = _FR_CLOSE.sub(NNBSP + "»", text)
    text = _FR_NUMERO.sub(lambda m: m.group(1) + RAISED_O + (RAISED_S if m.group(2) else "")
                          + NBSP, text)
    text = _FR_ORDINAL.sub(lambda m: m.group(1) + m.group(2).translate(_RAISED_LETTERS) + NBSP,
                           text)
    return _common(text)


def spanish(text: str) -> str:
    text = _ES_ORDINAL.sub(lambda m: m.group(1) + RAISED_O + NBSP, text)
    return _common(text)


def for_language(lang: str) -> Callable[[str], str]:
    """The typography function for a language code such as 'fr' or 'fr_CA'."""
    base = formatting.base_language(lang)
    if base == "fr":
        return french
    if base == "es":
        return spanish
    return _common
