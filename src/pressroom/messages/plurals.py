"""Plural forms: pressroom's own table, and the rule of a catalogue.

Every catalogue says how many plural forms its language has and which form a
number takes, in its ``Plural-Forms`` header. That header is chosen once, when
the catalogue is created, from :data:`PLURAL_FORMS` below, and never rewritten:
a translator (or their editor) may correct it, and pressroom then uses theirs.

The table follows **GNU gettext's convention** (the expressions of gettext's
manual and of ``msginit``), not CLDR's newest data, because the tools our
translators use read it that way: ``msgfmt --check`` validates against it, and
Poedit and Weblate offer the same forms. Recent CLDR releases give French,
Spanish, Italian and Portuguese a third category (``many``, for "1 million de")
that concerns compact decimal numbers; gettext's integer ``n`` cannot express
it, and two tools disagreeing on the number of ``msgstr[n]`` would lose
translations. Languages gettext's table lacks (Arabic) take the expression
derived from CLDR's integer rules, as Weblate and Launchpad do.

A language missing from the table falls back to Babel's CLDR data, and
``init-lang`` says so.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from functools import lru_cache

_ONE = "nplurals=1; plural=0;"
_NOT_ONE = "nplurals=2; plural=(n != 1);"
_OVER_ONE = "nplurals=2; plural=(n > 1);"
_EAST_SLAVIC = ("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
                "(n%100<10 || n%100>=20) ? 1 : 2);")

#: language -> Plural-Forms header value. The six UN official languages first.
PLURAL_FORMS: dict[str, str] = {
    "ar": ("nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 "
           ": n%100>=11 ? 4 : 5);"),
    "en": _NOT_ONE,
    "es": _NOT_ONE,
    "fr": _OVER_ONE,
    "ru": _EAST_SLAVIC,
    "zh": _ONE,
    # Others from gettext's table.
    "ja": _ONE, "ko": _ONE, "vi": _ONE, "th": _ONE, "id": _ONE, "ms": _ONE,
    "de": _NOT_ONE, "nl": _NOT_ONE, "sv": _NOT_ONE, "da": _NOT_ONE, "no": _NOT_ONE,
    "nb": _NOT_ONE, "nn": _NOT_ONE, "fo": _NOT_ONE, "pt": _NOT_ONE, "it": _NOT_ONE,
    "bg": _NOT_ONE, "el": _NOT_ONE, "fi": _NOT_ONE, "et": _NOT_ONE, "he": _NOT_ONE,
    "eo": _NOT_ONE, "hu": _NOT_ONE, "tr": _NOT_ONE, "ca": _NOT_ONE, "sw": _NOT_ONE,
    "pt_BR": _OVER_ONE,
    "uk": _EAST_SLAVIC, "be": _EAST_SLAVIC, "sr": _EAST_SLAVIC, "hr": _EAST_SLAVIC,
    "bs": _EAST_SLAVIC,
    "cs": "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;",
    "sk": "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;",
    "pl": ("nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) "
           "? 1 : 2);"),
    "lt": ("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && (n%100<10 || "
           "n%100>=20) ? 1 : 2);"),
    "lv": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);",
    "ro": "nplurals=3; plural=(n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2);",
    "ga": "nplurals=5; plural=(n==1 ? 0 : n==2 ? 1 : n<7 ? 2 : n<11 ? 3 : 4);",
    "sl": "nplurals=4; plural=(n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3);",
}

_HEADER = re.compile(r"^\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*$")


def plural_forms(lang: str) -> tuple[str, str]:
    """(Plural-Forms value, where it came from) for a new catalogue of ``lang``."""
    code = lang.replace("-", "_")
    for key in (code, code.split("_")[0]):
        if key in PLURAL_FORMS:
            return PLURAL_FORMS[key], "pressroom's table"
    from babel import __version__ as babel_version
    from babel.core import Locale
    from babel.plural import to_gettext

    rule = to_gettext(Locale.parse(code).plural_form).strip()
    return rule, f"CLDR data of Babel {babel_version} (not in pressroom's table: check it)"


def parse(value: str) -> tuple[int, str]:
    """(nplurals, C expression) of a Plural-Forms value; ValueError if malformed."""
    match = _HEADER.match(value or "")
    if not match:
        raise ValueError(f"malformed Plural-Forms {value!r} (expected "
                         "'nplurals=N; plural=EXPRESSION;')")
    count = int(match.group(1))
    if count < 1:
        raise ValueError(f"Plural-Forms: nplurals must be at least 1, not {count}")
    return count, match.group(2)


@lru_cache(maxsize=64)
def rule(value: str) -> tuple[int, Callable[[int], int]]:
    """(nplurals, function n -> form index) of a Plural-Forms value."""
    count, expression = parse(value)
    try:
        function = gettext.c2py(expression)
    except (ValueError, SyntaxError) as exc:
        raise ValueError(f"Plural-Forms expression {expression!r} cannot be read: {exc}") \
            from None

    def form(n: int) -> int:
        index = int(function(abs(int(n))))
        return index if 0 <= index < count else count - 1

    return count, form


# --------------------------------------------------------------------------- entries
#: A placeholder of a template string: ``%(name)s`` (what Jinja's ``{% trans %}``
#: makes of ``{{ name }}``), ``%%`` (a percent sign), or a ``{{ … }}`` left as is.
_PLACEHOLDER = re.compile(r"%(?:\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%)|\{\{.*?\}\}")


def placeholders(text: str) -> tuple[list[str], bool]:
    """(the placeholders of ``text`` in order, without ``%%``; whether it holds a
    lone ``%`` that is no placeholder, which Jinja's formatting would refuse)."""
    found = [m.group(0) for m in _PLACEHOLDER.finditer(text) if m.group(0) != "%%"]
    return found, "%" in _PLACEHOLDER.sub("", text)


@lru_cache(maxsize=64)
def single_value_forms(value: str, upto: int = 1000) -> frozenset[int]:
    """The forms of a Plural-Forms value that stand for a single number (Arabic's
    n == 0, 1 and 2; English's and Spanish's n == 1): these may leave the number
    out ("una página", "صفحتان"). Stricter than ``msgfmt --check``, which lets a
    form used for up to five numbers leave it out: French msgstr[0] serves 0 as
    well as 1, and "une page" would be printed for 0."""
    count, form = rule(value)
    used: dict[int, int] = {}
    for n in range(upto):
        used[form(n)] = used.get(form(n), 0) + 1
    return frozenset(index for index in range(count) if used.get(index, 0) == 1)


def source_text(singular: str, plural: str, n: int, lang: str = "en") -> str:
    """The untranslated text for ``n``, by the source language's own rule (English:
    the plural unless n == 1); msgid is its form 0, msgid_plural every other."""
    return singular if rule(plural_forms(lang)[0])[1](n) == 0 else plural
