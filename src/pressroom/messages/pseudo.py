"""Pseudo-localisation: an automatic "translation" for designers (``--lang qps``).

Every letter gets an accent, vowels are doubled and the text is padded to about
35 % longer and bracketed (``⟦…⟧`` is not in every font, so ``[!…!]``), with the
markup, footnote references, link targets and numbers left intact. Long
languages break layouts before the real translations exist; this shows where.

``--lang qps-plocm`` (the mirrored pseudo-locale) is the same text set right to
left: the document is laid out as a right-to-left language is (``dir="rtl"``,
pages mirrored, bound on the right), and each run of words is shown reversed
(a right-to-left override, U+202E … U+202C), so that mirrored layouts can be
tested before an Arabic translation exists.
"""

from __future__ import annotations

import math
import re

from pressroom.messages import plurals
from pressroom.messages.catalogs import Translations
from pressroom.model.config import PSEUDO_LANGUAGES  # noqa: F401  (re-exported)
from pressroom.text.formatting import MIRRORED_PSEUDO

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


RLO, PDF = "\u202e", "\u202c"  # right-to-left override and its end


def pseudo(text: str, mirrored: bool = False) -> str:
    """``text`` pseudo-translated; ``mirrored``: each run of words shown right to left."""
    parts = _PROTECTED.split(text)

    def run(part: str) -> str:
        stretched = _stretch(part)
        return f"{RLO}{stretched}{PDF}" if mirrored and stretched.strip() else stretched

    out = "".join(part if i % 2 else run(part) for i, part in enumerate(parts))
    target = math.ceil(len(text) * (1 + EXPANSION))
    shown = len(out) - out.count(RLO) - out.count(PDF)  # the overrides print nothing
    pad = max(0, target - shown - 4)
    filler = " ".join("·" * 4 for _ in range(pad // 5))  # breakable, like real words
    return f"[!{out}{' ' + filler if filler else ''}!]"


class PseudoTranslations(Translations):
    @property
    def mirrored(self) -> bool:
        return self.lang == MIRRORED_PSEUDO

    def lookup(self, msgid: str, context: str | None = None,
               use_fuzzy: bool = False) -> tuple[str, str]:
        return pseudo(msgid, self.mirrored), "translated"

    def nlookup(self, singular: str, plural: str, n: int, context: str | None = None,
                use_fuzzy: bool = False) -> tuple[str, str]:
        """Plural entries: the English form for ``n`` (English's rule), pseudo-translated."""
        return pseudo(plurals.source_text(singular, plural, n), self.mirrored), "translated"


def pseudo_translations(lang: str) -> PseudoTranslations:
    return PseudoTranslations(lang, {})
