"""Make the Chinese (Simplified) fonts of layouts/fonts/han-sc/ from Noto CJK.

    python3 tools/han_fonts.py                       # fonts from Debian's fonts-noto-cjk
    python3 tools/han_fonts.py --source DIR          # a folder with the Noto CJK .ttc files

The full Noto Serif/Sans CJK fonts are 20-27 MB each (every CJK language, 65,000
glyphs). A Chinese page needs far fewer: these subsets keep, for the SC
(Simplified Chinese) member of each collection,

- the 3,755 hanzi of GB 2312 level 1 (the most frequent characters, about 99.7 %
  of running modern Chinese text) and every non-hanzi character of GB 2312
  (punctuation, full-width forms, numerals);
- every character of the Chinese catalogue (``locales/zh/LC_MESSAGES/messages.po``),
  so each character the translation uses is there even when it is rarer;
- Latin, Cyrillic and Greek letters, general punctuation, CJK symbols and the
  half- and full-width forms;
- every OpenType layout feature (``vert``, ``halt``/``palt`` punctuation widths,
  ``locl``), so WeasyPrint and HarfBuzz see the font as designed.

They are written as WOFF2 (WeasyPrint reads it through fontTools and Brotli,
both in uv.lock) and still subset again by WeasyPrint on output: a PDF embeds
only the glyphs it prints. When `invoke check --lang zh` reports "no font of zh
has these characters", the translation uses a character outside this set: run
this script again (the catalogue's characters are added) and commit the fonts.

Not part of CI or the build: it needs the source fonts
(``apt-get install fonts-noto-cjk``; Noto CJK is under the SIL Open Font
License 1.1, which allows subsetting and redistribution: see
layouts/fonts/han-sc/LICENSE-NotoCJK.txt).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "layouts" / "fonts" / "han-sc"
CATALOGUE = ROOT / "locales" / "zh" / "LC_MESSAGES" / "messages.po"
DEBIAN = Path("/usr/share/fonts/opentype/noto")
#: (collection file, output name). Serif for text, Sans (Hei) for headings,
#: emphasis and bold: Chinese has no italics, and a Hei face is how Chinese
#: typesetting stresses words in Song (serif) text.
FACES = [("NotoSerifCJK-Regular.ttc", "NotoSerifSC-Regular.woff2"),
         ("NotoSansCJK-Regular.ttc", "NotoSansSC-Regular.woff2"),
         ("NotoSansCJK-Bold.ttc", "NotoSansSC-Bold.woff2")]
RANGES = [(0x20, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x2000, 0x206F), (0x2100, 0x214F),
          (0x2190, 0x21FF), (0x2460, 0x24FF), (0x3000, 0x303F), (0xFE30, 0xFE4F),
          (0xFF00, 0xFFEF)]


def gb2312(hanzi_rows: range = range(0xB0, 0xD8)) -> set[str]:
    """The characters of GB 2312: rows 0xA1-0xA9 (symbols) and ``hanzi_rows``
    (0xB0-0xD7 is level 1)."""
    chars = set()
    for hi in [*range(0xA1, 0xAA), *hanzi_rows]:
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def catalogue_characters(path: Path) -> set[str]:
    """Every character of the translations (msgstr) of a catalogue."""
    from babel.messages.pofile import read_po

    if not path.exists():
        return set()
    with path.open("rb") as handle:
        catalog = read_po(handle)
    chars: set[str] = set()
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            chars.update(text or "")
    return chars


def character_set() -> str:
    chars = gb2312() | catalogue_characters(CATALOGUE)
    for first, last in RANGES:
        chars.update(chr(c) for c in range(first, last + 1))
    return "".join(sorted(c for c in chars if c.isprintable() or c == "\u3000"))


def subset(source: Path, out: Path, text: str) -> int:
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTCollection

    collection = TTCollection(source)
    font = next(f for f in collection.fonts if f["name"].getDebugName(1).endswith(" SC"))
    options = ft_subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False          # PDF output is not hinted
    options.flavor = "woff2"
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    font.flavor = "woff2"
    font.save(out)
    return out.stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--source", type=Path, default=DEBIAN,
                        help="folder with NotoSerifCJK-Regular.ttc, NotoSansCJK-*.ttc")
    args = parser.parse_args()
    missing = [name for name, _ in FACES if not (args.source / name).exists()]
    if missing:
        print(f"{args.source}: missing {', '.join(missing)} (apt-get install fonts-noto-cjk)",
              file=sys.stderr)
        return 1
    text = character_set()
    OUT.mkdir(parents=True, exist_ok=True)
    for name, out in FACES:
        size = subset(args.source / name, OUT / out, text)
        print(f"{(OUT / out).relative_to(ROOT)}: {len(text)} characters, {size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
