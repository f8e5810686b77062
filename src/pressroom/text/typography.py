"""Language typography for text runs (never applied to URLs or ids).

- French: narrow no-break space (U+202F) before ; ! ? and inside « »,
  no-break space (U+00A0) before a colon, as in UN French documents.
- Every language: an abbreviation such as "No.", "art.", "para.", "núm.", "párr.",
  "par." or "p." stays on the line of the number that follows it; a number
  written with space-separated thousands ("330 000") never breaks.
"""

from __future__ import annotations

import re
from collections.abc import Callable

NBSP = "\u00a0"
NNBSP = "\u202f"
_SPACES = "[ \u00a0\u202f\u2009]"

_ABBREV = re.compile(
    r"\b(No\.|Nos\.|núm\.|núms\.|no|nos|art\.|arts\.|para\.|paras\.|párr\.|párrs\.|"
    r"par\.|p\.|pp\.|ch\.|cap\.|chap\.)" + _SPACES + r"+(?=[\dIVX])")
_THOUSANDS = re.compile(r"(?<=\d)" + _SPACES + r"(?=\d{3}(?!\d))")

# French: "word ;" "word;" -> "word\u202f;" when the mark ends a phrase.
_FR_HIGH = re.compile(r"(?<=[^\s(\[«])" + _SPACES + r"*([;!?])(?=\s|$|[)\]»”\"’.,;:!?])")
_FR_COLON = re.compile(r"(?<=[^\s(\[«\d])" + _SPACES + r"*(:)(?=\s|$)")
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
    return _common(text)


def for_language(lang: str) -> Callable[[str], str]:
    """The typography function for a language code such as 'fr' or 'fr_CA'."""
    base = lang.replace("-", "_").split("_")[0].lower()
    if base == "fr":
        return french
    return _common
