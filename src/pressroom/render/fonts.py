"""The bundled fonts a language prints with, and the characters they cover.

A language's pages can use the fonts of the shared stylesheets' ``@font-face``
rules (``layouts/*.css``, ``layouts/<doc>/*.css``: Source Serif 4, Source Sans 3)
and those of its own stylesheet (``layouts/lang/<lang>.css``: Noto Naskh Arabic,
Noto Serif CJK SC…). A character none of them has would print in a fallback
font of the machine, or as a box: :func:`missing` finds it in a translation
before anything is rendered (``invoke check``, the preflight). Fonts are read
with fontTools (``.ttf``, ``.otf``, ``.woff``, ``.woff2``); each set of files is
read once per process.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pressroom.model.config import Project

FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")
_FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}", re.IGNORECASE)
_URL = re.compile(r"url\(\s*['\"]?([^'\")]+?)['\"]?\s*\)", re.IGNORECASE)
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
# Characters no font draws: controls, bidi marks and isolates, joiners, variation
# selectors (a renderer uses them, it never looks for their glyphs).
_INVISIBLE = re.compile("[\x00-\x1f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufe00-\ufe0f"
                        "\ufeff]")


def font_files(stylesheet: Path) -> list[Path]:
    """The local files of the ``@font-face`` rules of a stylesheet, in order."""
    css = _COMMENT.sub("", stylesheet.read_text(encoding="utf-8", errors="replace"))
    out = []
    for face in _FONT_FACE.findall(css):
        for url in _URL.findall(face):
            if "://" not in url and not url.startswith("data:"):
                path = (stylesheet.parent / url).resolve()
                if path not in out:
                    out.append(path)
    return out


def language_fonts(project: Project, lang: str) -> tuple[Path, ...]:
    """The font files the pages of ``lang`` can use (that exist)."""
    layouts = project.layouts_dir
    sheets = sorted(layouts.glob("*.css")) + sorted(layouts.glob("*/*.css"))
    sheets = [s for s in sheets if s.parent.name != "lang"]
    own = project.language_stylesheet(lang)
    if own is not None:
        sheets.append(own)
    files = dict.fromkeys(f for sheet in sheets for f in font_files(sheet))
    return tuple(f for f in files if f.is_file())


@lru_cache(maxsize=16)
def coverage(files: tuple[Path, ...]) -> frozenset[int]:
    """The code points the fonts have glyphs for (the union of their cmaps)."""
    from fontTools.ttLib import TTFont

    chars: set[int] = set()
    for path in files:
        font = TTFont(path, lazy=True)
        chars.update(font.getBestCmap() or {})
        font.close()
    return frozenset(chars)


@lru_cache(maxsize=4)
def bundled_families(fonts_dir: Path) -> tuple[str, ...]:
    """The normalised family names of every font under ``fonts_dir`` (any
    script's folder), longest first: a PDF font whose name starts with one is a
    bundled font, not a fallback."""
    from fontTools.ttLib import TTFont

    families = set()
    for path in sorted(p for p in fonts_dir.rglob("*") if p.suffix.lower() in FONT_SUFFIXES):
        font = TTFont(path, lazy=True)
        families.add(normalise(font["name"].getBestFamilyName()))
        font.close()
    return tuple(sorted(families, key=len, reverse=True))


def normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def missing(text: str, covered: frozenset[int]) -> list[str]:
    """The characters of ``text`` that the fonts do not have, each once, sorted."""
    return sorted({c for c in _INVISIBLE.sub("", text) if ord(c) not in covered})


def describe(chars: list[str]) -> str:
    return " ".join(f"U+{ord(c):04X} {c!r}" for c in chars)
