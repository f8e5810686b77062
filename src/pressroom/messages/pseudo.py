"""Pseudo-localisation: an automatic "translation" for designers (``--lang qps``).

Every letter gets an accent, vowels are doubled and the text is padded to about
35 % longer and bracketed (``⟦…⟧`` is not in every font, so ``[!…!]``), with the
markup, footnote references, link targets and numbers left intact. Long
languages break layouts before the real translations exist; this shows where.
"""

from __future__ import annotations

import math
import re

from pressroom.messages import plurals
from pressroom.messages.catalogs import Translations
from pressroom.model.config import PSEUDO_LANGUAGES  # noqa: F401  (re-exported)

EXPANSION = 0.35
_ACCENTS = str.maketrans("aceinouyAEIOUCNY", "áçéîñöûýÅÉÎÖÛÇÑÝ")
# Protected pieces: footnote refs, link targets, a passage's language ({lang=en}),
# emphasis markers, link brackets, and the placeholders of template strings (%(count)s, %%,
# {number}).
_PROTECTED = re.compile(
    r"(\[\^[^\]]+\]|\]\([^)]*\)|\]\{lang=[^}]*\}|\*+|\[|\\.|%\(\w+\)\w|%%|\{\w+\})")
_VOWEL = re.compile(r"([aeiouAEIOU])")


def _stretch(run: str) -> str:
    def word(match: re.Match) -> str:
        text = match.group(0)
        if len(text) >= 4:
            text = _VOWEL.sub(r"\1\1", text, count=1)
        return text.translate(_ACCENTS)
    return re.sub(r"[A-Za-z]+", word, run)


def pseudo(text: str) -> str:
    parts = _PROTECTED.split(text)
    out = "".join(part if i % 2 else _stretch(part) for i, part in enumerate(parts))
    target = math.ceil(len(text) * (1 + EXPANSION))
    pad = max(0, target - len(out) - 4)
    filler = " ".join("·" * 4 for _ in range(pad // 5))  # breakable, like real words
    return f"[!{out}{' ' + filler if filler else ''}!]"


class PseudoTranslations(Translations):
    def lookup(self, msgid: str, context: str | None = None,
               use_fuzzy: bool = False) -> tuple[str, str]:
        return pseudo(msgid), "translated"

    def nlookup(self, singular: str, plural: str, n: int, context: str | None = None,
                use_fuzzy: bool = False) -> tuple[str, str]:
        """Plural entries: the English form for ``n`` (English's rule), pseudo-translated."""
        return pseudo(plurals.source_text(singular, plural, n)), "translated"


def pseudo_translations(lang: str) -> PseudoTranslations:
    return PseudoTranslations(lang, {})
