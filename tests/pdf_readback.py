"""A proofreader's read-back of a print PDF, by a reader pressroom does not own
(PDFium, through pypdfium2): where each note call and each note text is printed,
whether calls are raised and apart, the punctuation around them, and line-end
hyphens in URLs and document symbols.

It knows nothing of pressroom's markup or layout data: only the glyphs on the
pages, their size and their baseline. A call is a run of digits (and the commas
between two calls) printed smaller than the text and above its baseline; a
note is a line of note-sized text at the foot of a page that begins "12. ".
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

CALL_PT = 6.8  # calls print at 6.4 pt; the smallest text otherwise is 7 pt
NOTE_PT = (7.0, 7.4)  # the notes print at 7.2 pt
RAISED_PT = 1.0  # a call's baseline at least this far above its line's
HYPHENS = "-\u2010\ufffe\u00ad\x02"  # PDFium reports a line-end hyphen as U+0002
MARKS = "«»“”‘’;:!?,"
CALL = "\u2063"
_BETWEEN = f"[\\s\u2060{CALL}]*"
_DOUBLED = re.compile(f"([{MARKS}])(?:{_BETWEEN}){CALL}(?:{_BETWEEN})\\1|([{MARKS}])\\2"
                      f"|(?<!\\.)\\.(?:{_BETWEEN})\\.(?!\\.)")
_NOTE_START = re.compile(r"(\d+)\.\s+\S")
_ADDRESS = re.compile(r"://|www\.|@\w|\.(?:org|int|com|net)\b|^\(?[A-Z]{1,8}(?:/[\w.-]+){2,}")


@dataclass
class Char:
    text: str
    pt: float  # printed size
    x: float
    y: float  # baseline, points from the foot of the page


@dataclass
class Line:
    y: float
    pt: float
    chars: list[Char] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(CALL if _is_call(c) else c.text for c in self.chars)

    @property
    def plain(self) -> str:
        return "".join(c.text for c in self.chars)


@dataclass
class Call:
    numbers: list[int]
    page: int
    raised: bool
    shown: str


def _is_call(char: Char) -> bool:
    return char.pt < CALL_PT and not char.text.isspace()


def read_pages(path: Path) -> list[list[Char]]:
    """The printed characters of each page, as PDFium reads them."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pages = []
    pdf = pdfium.PdfDocument(str(path))
    try:
        matrix, x, y = raw.FS_MATRIX(), ctypes.c_double(), ctypes.c_double()
        for page in pdf:
            text = page.get_textpage()
            chars = []
            for i in range(text.count_chars()):
                code = raw.FPDFText_GetUnicode(text.raw, i)
                if raw.FPDFText_IsGenerated(text.raw, i) and chr(code) in "\r\n":
                    continue  # PDFium's own line ends (its spaces between runs are kept)
                raw.FPDFText_GetMatrix(text.raw, i, matrix)
                raw.FPDFText_GetCharOrigin(text.raw, i, x, y)
                size = raw.FPDFText_GetFontSize(text.raw, i) * abs(matrix.a)
                chars.append(Char(chr(code), round(size, 2),
                                  x.value, y.value))
            pages.append(chars)
    finally:
        pdf.close()
    return pages


def lines_of(chars: list[Char]) -> list[Line]:
    """Text lines from the top of the page down; each call joins the line whose
    baseline is nearest below it."""
    lines: list[Line] = []
    text = [c for c in chars if not _is_call(c)]
    for char in sorted((c for c in text if not c.text.isspace()), key=lambda c: (-c.y, c.x)):
        if lines and abs(lines[-1].y - char.y) < 0.5:
            lines[-1].chars.append(char)
        else:
            lines.append(Line(char.y, char.pt, [char]))
    for char in (c for c in text if c.text.isspace()):  # PDFium sizes some spaces 1 pt
        on = [line for line in lines if abs(line.y - char.y) < 0.5]
        if on:
            on[0].chars.append(char)
    for char in (c for c in chars if _is_call(c)):
        below = [line for line in lines if -0.5 < char.y - line.y < 8]
        if below:
            min(below, key=lambda line: char.y - line.y).chars.append(char)
        else:
            lines.append(Line(char.y, char.pt, [char]))
    for line in lines:
        line.chars.sort(key=lambda c: c.x)
    return sorted(lines, key=lambda line: -line.y)


def calls_of(line: Line, page: int) -> list[Call]:
    """The runs of call characters of a line ("8,40" is two calls, "840" one)."""
    calls, run = [], []
    for char in [*line.chars, None]:
        if char is not None and _is_call(char):
            run.append(char)
            continue
        if run:
            shown = "".join(c.text for c in run)
            numbers = [int(n) for n in re.findall(r"\d+", shown)]
            raised = all(c.y - line.y >= RAISED_PT for c in run)
            calls.append(Call(numbers, page, raised, shown))
            run = []
    return calls


def note_starts(lines: list[Line], expected: int = 1) -> list[int]:
    """The numbers of the notes whose text begins on a page, the first being
    ``expected``: notes are numbered in order, so a line of a note that happens to
    begin "2015. " is not taken for note 2015."""
    out = []
    for line in lines:
        match = _NOTE_START.match(line.plain)
        if match and NOTE_PT[0] <= line.pt <= NOTE_PT[1] and int(match.group(1)) == expected:
            out.append(expected)
            expected += 1
    return out


def problems(pages: list[list[Char]]) -> list[str]:
    """What a proofreader would send back, one line each (empty: nothing)."""
    out: list[str] = []
    first_call: dict[int, int] = {}
    note_page: dict[int, int] = {}
    for number, chars in enumerate(pages, start=1):
        lines = lines_of(chars)
        for start in note_starts(lines, len(note_page) + 1):
            note_page[start] = number
        for line in lines:
            out += _line_problems(line, number, first_call)
        for this, following in pairwise(lines):  # a mark doubled over a line end
            out += _doubled(f"{this.text[-12:]} {following.text[:12]}", number, 12)
        out += _hyphenated_addresses(lines, number)
    for note, page in sorted(first_call.items()):
        if note not in note_page:
            out.append(f"call {note} on p. {page} has no note{_fused(note, note_page)}")
        elif note_page[note] != page:
            out.append(f"note {note} on p. {note_page[note]}, its first call on p. {page}")
    if list(first_call) != sorted(first_call):
        out.append(f"notes not numbered in order of first call: {list(first_call)}")
    out += [f"note {n} on p. {p} is never called" for n, p in note_page.items()
            if n not in first_call]
    return out


def _fused(number: int, notes: dict[int, int]) -> str:
    """' (notes 8 and 40 fused?)' when the digits of ``number`` are two note numbers."""
    digits = str(number)
    for cut in range(1, len(digits)):
        a, b = digits[:cut], digits[cut:]
        if not b.startswith("0") and int(a) in notes and int(b) in notes:
            return f" (notes {a} and {b} fused?)"
    return ""


def _line_problems(line: Line, page: int, first_call: dict[int, int]) -> list[str]:
    out = []
    for call in calls_of(line, page):
        if not call.raised:
            out.append(f"call \"{call.shown}\" on p. {page} is not raised")
        for n in call.numbers:
            first_call.setdefault(n, page)
    text = line.text
    out += _doubled(text, page)
    for match in re.finditer(f"[ \u00a0]{CALL}", text):
        out.append(f"space before a call on p. {page}: "
                   f"\"{text[max(0, match.start() - 15):match.end() + 3]}\"".replace(CALL, "¹"))
    return out


def _doubled(text: str, page: int, across: int | None = None) -> list[str]:
    """A mark printed twice in ``text``; with ``across``, only a match that spans
    that position (the end of a line)."""
    out = []
    for match in _DOUBLED.finditer(text):
        if across is not None and not match.start() < across <= match.end():
            continue
        shown = text[max(0, match.start() - 15):match.end() + 3].replace(CALL, "¹")
        out.append(f"punctuation twice on p. {page}: \"{shown}\"")
    return out


def _hyphenated_addresses(lines: list[Line], page: int) -> list[str]:
    out = []
    for this, following in pairwise(lines):
        words, after = this.plain.split(), following.plain.split()
        if not words or not after or words[-1][-1] not in HYPHENS:
            continue
        joined = words[-1][:-1] + after[0]
        if _ADDRESS.search(joined):
            out.append(f"URL or symbol hyphenated at a line end on p. {page}: "
                       f"\"{words[-1]} {after[0]}\"")
    return out


def read_back(path: Path) -> list[str]:
    return problems(read_pages(path))
