"""Numbers, percentages and dates in each language's conventions (Babel / CLDR)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence

from babel.dates import format_date
from babel.numbers import format_decimal

# UN English writes "1 November 2026", not CLDR en's "November 1, 2026".
_DATE_PATTERNS = {"en": "d MMMM y"}


def base_language(lang: str) -> str:
    """"fr" for "fr", "fr_CA" or "fr-CA": the language without its region."""
    return lang.replace("-", "_").split("_")[0].lower()


_PSEUDO = ("qps", "qpa", "qpb")  # pseudo-locales: formatted like English, set left to right


def babel_locale(lang: str) -> str:
    """The CLDR locale for a language code; pseudo-locales format like English."""
    return "en" if base_language(lang) in _PSEUDO else lang


#: The mirrored pseudo-locale (Windows' name for it): right to left, for testing
#: mirrored layouts before a right-to-left translation exists.
MIRRORED_PSEUDO = "qps-plocm"


def direction(lang: str) -> str:
    """"rtl" for a language written right to left (CLDR's character order: ar, fa,
    he, ur… and the mirrored pseudo-locale), else "ltr". The layouts take the page
    geometry, alignment and the PDF's reading direction from it."""
    if lang.lower() == MIRRORED_PSEUDO:
        return "rtl"
    if base_language(lang) in _PSEUDO:
        return "ltr"
    from babel import Locale, UnknownLocaleError

    try:
        order = Locale.parse(lang.replace("-", "_")).character_order
    except (UnknownLocaleError, ValueError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"


def number(value: float | int, lang: str) -> str:
    """330000 -> 330,000 (en), 330.000 (es), 330 000 (fr, narrow no-break space)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return format_decimal(value, locale=babel_locale(lang), decimal_quantization=False)


def percent(value: float | int, lang: str) -> str:
    """85.7 -> 85.7% (en), 85,7 % (es), 85,7 % (fr): the value is given in percent."""
    digits = number(value, lang)
    if base_language(lang) in ("fr", "es", "de", "it", "pt", "ca", "ru"):  # CLDR: "85,7 %"
        return digits + "\u00a0%"
    return digits + "%"


# UN Arabic names each month twice, in its Levantine and its Egyptian form
# ("19 أيلول/سبتمبر 2016"), as every UN Arabic document does; CLDR has the second only.
UN_ARABIC_MONTHS = ("كانون الثاني/يناير", "شباط/فبراير", "آذار/مارس", "نيسان/أبريل",
                    "أيار/مايو", "حزيران/يونيه", "تموز/يوليه", "آب/أغسطس", "أيلول/سبتمبر",
                    "تشرين الأول/أكتوبر", "تشرين الثاني/نوفمبر", "كانون الأول/ديسمبر")


def date(value: _dt.date, lang: str) -> str:
    """1 November 2026 / 1 de noviembre de 2026 / 1er novembre 2026 /
    1 تشرين الثاني/نوفمبر 2026 / 2026年11月1日. Arabic uses Western digits, as UN
    Arabic documents do (and CLDR's default numbering system for ``ar``)."""
    base = base_language(lang)
    if base == "ar":
        return f"{value.day} {UN_ARABIC_MONTHS[value.month - 1]} {value.year}"
    pattern = _DATE_PATTERNS.get(base_language(babel_locale(lang)), "long")
    text = format_date(value, format=pattern, locale=babel_locale(lang))
    if base == "fr" and value.day == 1:
        text = "1er" + text[1:]
    return text


def language_list(codes: Sequence[str], lang: str) -> str:
    """The names of languages, as a list in ``lang``: "English, Spanish and French",
    "anglais, espagnol et français", "الإنكليزية والإسبانية والفرنسية". English
    takes CLDR's en-GB list (no comma before "and"), as UN English writes it."""
    from babel import Locale, UnknownLocaleError
    from babel.lists import format_list

    code = babel_locale(lang).replace("-", "_")
    try:
        locale = Locale.parse("en_GB" if base_language(code) == "en" else code)
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("en_GB")
    names = [locale.languages.get(c.replace("-", "_"), c) for c in codes]
    return format_list(names, locale=locale) if names else ""
