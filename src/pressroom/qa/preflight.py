"""``invoke preflight``: read each built PDF back and check what a print shop checks.

Print PDFs (``build/<lang>/<doc>.pdf``):
- every font embedded and one of the bundled fonts (``layouts/fonts/``);
- every character of the translated text present in the language's fonts
  (the shared ones and those of ``layouts/lang/<lang>.css``);
- TrimBox and BleedBox on every page, bleed as configured (3 mm), MediaBox
  holding the BleedBox;
- page count a multiple of the document's ``page_multiple``; the same document
  in other languages within ``max_page_difference`` pages;
- images at 300 dpi effective resolution or more;
- no DeviceRGB colour (operators, colour spaces, images), an OutputIntent;
- a warning for text under 8 pt filled in more than one ink (note calls in a
  three-ink blue blur when the plates do not register exactly);
- title and language in the metadata;
- the layout warnings recorded at build time (overflow, WeasyPrint warnings).
Screen PDFs (``.screen.pdf``): fonts, metadata, tags and bookmarks; no CMYK colour
(operators, colour spaces, images) and an sRGB OutputIntent.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from pressroom import diskcache
from pressroom.errors import PressroomError
from pressroom.fsutil import atomic_write_bytes, sha256_file_cached
from pressroom.model.config import Project
from pressroom.model.content import FACTS, ContentError, load_document
from pressroom.render import fingerprint, fonts

MM = 72 / 25.4
MIN_DPI = 300
RGB_OPERATORS = {"rg", "RG"}
CMYK_OPERATORS = {"k", "K"}


@dataclass(frozen=True)
class Problem:
    """What the preflight found; a ``warning`` is shown but passes."""
    path: str
    page: int | None
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.path}: page {self.page}: " if self.page else f"{self.path}: "
        return where + ("warning: " if self.warning else "") + self.message


# --------------------------------------------------------------------------- fonts
def _font_problems(pdf, shown: str, families: tuple[str, ...]) -> list[Problem]:
    problems, seen = [], set()
    for number, page in enumerate(pdf.pages, start=1):
        for font in _fonts_of(page):
            base = str(font.get("/BaseFont", "/unnamed"))[1:]
            if base in seen:
                continue
            seen.add(base)
            name = base.split("+", 1)[-1]
            target = font["/DescendantFonts"][0] if "/DescendantFonts" in font else font
            descriptor = target.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            if not embedded:
                problems.append(Problem(shown, number, f"font {name} is not embedded"))
            if not any(fonts.normalise(name).startswith(family) for family in families):
                problems.append(Problem(shown, number, f"font {name} is not one of the bundled "
                                        "fonts (layouts/fonts/): a fallback font was used"))
    return problems


def _fonts_of(container, depth: int = 0):
    resources = container.get("/Resources")
    if resources is None or depth > 8:
        return
    yield from (resources.get("/Font") or {}).values()
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.get("/Subtype") == "/Form":
            yield from _fonts_of(xobject, depth + 1)


def glyph_gaps(project: Project, lang: str) -> list[tuple[str, int, str]]:
    """(catalogue, line, message) for each translation with characters that none
    of the language's fonts has (:mod:`pressroom.render.fonts`: checked before
    rendering, against the fonts' cmaps); kept between runs while the catalogue
    and the fonts are unchanged (:mod:`pressroom.diskcache`)."""
    path = project.po_path(lang)
    if not path.exists():
        return []
    files = fonts.language_fonts(project, lang)
    shown = project.rel(path)
    inputs: list[bytes | str] = [path.read_bytes(), shown, lang]
    inputs += [f"{f} {sha256_file_cached(f)}" for f in files]
    return diskcache.cached(project.cache_dir, "glyphs", inputs,
                            lambda: _glyph_gaps(path, shown, lang, files))


def _glyph_gaps(path: Path, shown: str, lang: str,
                files: tuple[Path, ...]) -> list[tuple[str, int, str]]:
    from pressroom.messages.catalogs import read_catalog_readonly

    covered = fonts.coverage(files)
    gaps = []
    for message in read_catalog_readonly(path, shown, lang):
        if not message.id or not message.string:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        absent = fonts.missing("".join(str(s) for s in strings), covered)
        if absent:
            gaps.append((shown, message.lineno or 0, (
                f"no font of {lang} has these characters: {fonts.describe(absent)}; they would "
                f"print in a fallback font or as boxes (the fonts: the @font-face rules of "
                f"layouts/lang/{lang}.css and of the shared stylesheets)")))
    return gaps


def glyph_problems(project: Project, lang: str, docs: list[str]) -> list[Problem]:
    """The preflight's form of :func:`glyph_gaps`."""
    return [Problem(f"{shown}:{line}", None, message)
            for shown, line, message in glyph_gaps(project, lang)]


# --------------------------------------------------------------------------- colour, images
def _walk_content(container, ctm, visit, depth: int = 0) -> None:
    """Run ``visit(operator, operands, ctm, resources)`` over a content stream,
    following q/Q/cm and form XObjects."""
    import pikepdf

    resources = container.get("/Resources") or {}
    stack = []
    try:
        instructions = pikepdf.parse_content_stream(container)
    except Exception:  # pragma: no cover - unreadable stream
        return
    for instruction in instructions:
        operands, op = instruction.operands, str(instruction.operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop() if stack else ctm
        elif op == "cm":
            ctm = _multiply([float(v) for v in operands], ctm)
        visit(op, operands, ctm, resources)
        if op == "Do" and depth < 8:
            xobject = (resources.get("/XObject") or {}).get(str(operands[0]))
            if xobject is not None and xobject.get("/Subtype") == "/Form":
                matrix = [float(v) for v in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0])]
                _walk_content(xobject, _multiply(matrix, ctm), visit, depth + 1)


def _multiply(m, n):
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F]


def _channels(space) -> int:
    """3 for an RGB colour space, 4 for CMYK (a device space, an ICC profile, or
    what an Indexed, Separation or DeviceN space stands on), else 0."""
    if space is None:
        return 0
    name = str(space)
    if name in ("/DeviceRGB", "/DeviceCMYK"):
        return 3 if name == "/DeviceRGB" else 4
    try:
        if str(space[0]) == "/ICCBased":
            return int(space[1].get("/N", 0))
        if str(space[0]) in ("/Indexed", "/Separation", "/DeviceN"):
            return _channels(space[1] if str(space[0]) == "/Indexed" else space[2])
    except (TypeError, IndexError, KeyError, AttributeError):
        pass
    return 0


class _Forbidden:
    """The colour a PDF must not use: RGB in print (the printer's CMYK only), CMYK
    on screen (sRGB, which its OutputIntent names)."""

    def __init__(self, screen: bool):
        self.channels = 4 if screen else 3
        self.operators = CMYK_OPERATORS if screen else RGB_OPERATORS
        self.name = "CMYK" if screen else "RGB"
        self.device = "DeviceCMYK" if screen else "DeviceRGB"


_DEVICE_SPACES = ("/DeviceRGB", "/DeviceCMYK", "/DeviceGray", "/Pattern")


def _space_channels(name: str, resources) -> int:
    """The channels of the colour space ``cs``/``CS`` selects (a device space, or one
    named in the page's resources); see ``_channels``."""
    if name.startswith("/") and name not in _DEVICE_SPACES:
        return _channels((resources.get("/ColorSpace") or {}).get(name))
    return _channels(name)


def _printed_dpi(xobject, ctm) -> float | None:
    """An image's resolution at the size it is printed (the lower of the two axes)."""
    a, b, c, d = ctm[:4]
    width_in = math.hypot(a, b) / 72
    height_in = math.hypot(c, d) / 72
    if width_in <= 0 or height_in <= 0:
        return None
    return min(int(xobject.get("/Width", 0)) / width_in,
               int(xobject.get("/Height", 0)) / height_in)


def _image_findings(xobject, name, ctm, forbidden: _Forbidden) -> dict[str, str]:
    """An image drawn with ``Do``: in a forbidden colour space, or below MIN_DPI."""
    found = {}
    if _channels(xobject.get("/ColorSpace")) == forbidden.channels:
        found[f"img-colour{name}"] = f"{forbidden.name} image {name}"
    dpi = _printed_dpi(xobject, ctm)
    if dpi is not None and dpi < MIN_DPI:
        found[f"dpi{name}"] = (f"image {name} is {dpi:.0f} dpi at its printed size "
                               f"(needs {MIN_DPI})")
    return found


def _page_visitor(forbidden: _Forbidden, found: dict[str, str]):
    """A ``_walk_content`` visitor that records one page's colour and image problems in
    ``found`` (keyed, so each problem is reported once per page)."""
    def visit(op, operands, ctm, resources) -> None:
        if op in forbidden.operators:
            found.setdefault("colour", f"{forbidden.device} colour operator '{op}'")
        elif op in ("cs", "CS"):
            name = str(operands[0])
            if _space_channels(name, resources) == forbidden.channels:
                found.setdefault("colour", f"{forbidden.name} colour space {name}")
        elif op == "Do":
            xobject = (resources.get("/XObject") or {}).get(str(operands[0]))
            if xobject is not None and xobject.get("/Subtype") == "/Image":
                for key, message in _image_findings(xobject, operands[0], ctm,
                                                    forbidden).items():
                    found.setdefault(key, message)
    return visit


def _colour_and_image_problems(pdf, shown: str, screen: bool) -> list[Problem]:
    problems: list[Problem] = []
    for number, page in enumerate(pdf.pages, start=1):
        found: dict[str, str] = {}
        _walk_content(page, [1, 0, 0, 1, 0, 0], _page_visitor(_Forbidden(screen), found))
        problems.extend(Problem(shown, number, message) for message in found.values())
    return problems


# --------------------------------------------------------------------------- small text inks
SMALL_TEXT_PT = 8.0
_TEXT_SHOWING = {"Tj", "TJ", "'", '"'}
_INKS = "CMYK"


@dataclass
class _TextState:
    """The part of the graphics and text state that says how big and in which inks
    the next text prints (saved and restored by q/Q with the CTM)."""
    size: float = 0.0
    matrix: tuple[float, ...] = (1.0, 0.0, 0.0, 1.0)
    space: str = "/DeviceGray"
    fill: tuple[float, ...] = (0.0,)
    invisible: bool = False


def _cmyk_of(space: str, values: tuple[float, ...], resources) -> tuple[float, ...] | None:
    """A fill colour as CMYK percentages-of-one, or None when it is not a process colour
    the check can count (a named space other than a CMYK ICC profile or a Separation)."""
    if space == "/DeviceCMYK" and len(values) == 4:
        return values
    if space == "/DeviceGray" and len(values) == 1:
        return (0.0, 0.0, 0.0, 1.0 - values[0])
    if space.startswith("/") and space not in _DEVICE_SPACES:
        named = (resources.get("/ColorSpace") or {}).get(space)
        if named is None:
            return None
        try:
            kind = str(named[0])
            if kind == "/ICCBased" and int(named[1].get("/N", 0)) == 4 and len(values) == 4:
                return values
            if kind == "/Separation":  # one ink, whatever its name
                return (0.0, 0.0, 0.0, values[0] if values else 1.0)
        except (TypeError, IndexError, KeyError, AttributeError):
            return None
    return None


def _ink_label(cmyk: tuple[float, ...]) -> str:
    """'C100 M55 K25': the inks of a colour, in percent, the way a printer reads them."""
    return " ".join(f"{ink}{round(v * 100):g}" for ink, v in zip(_INKS, cmyk, strict=True)
                    if v > 0.001)


def _inks(cmyk: tuple[float, ...]) -> int:
    return sum(1 for v in cmyk if v > 0.001)


def _set_text_state(state: _TextState, op: str, operands) -> None:
    """Update ``state`` for one operator that sets size, text matrix, mode or fill."""
    if op == "Tf":
        state.size = float(operands[1])
    elif op == "BT":
        state.matrix = (1.0, 0.0, 0.0, 1.0)
    elif op == "Tm":
        state.matrix = tuple(float(v) for v in operands[:4])
    elif op == "Tr":
        state.invisible = int(operands[0]) in (3, 7)
    elif op == "cs":
        state.space = str(operands[0])
        state.fill = (0.0, 0.0, 0.0, 1.0) if state.space == "/DeviceCMYK" else (0.0,)
    elif op in ("sc", "scn", "k", "g"):
        state.fill = _numbers(operands)
        if op in ("k", "g"):
            state.space = "/DeviceCMYK" if op == "k" else "/DeviceGray"


def _numbers(operands) -> tuple[float, ...]:
    """The numeric operands of a colour operator (a pattern's name is left out)."""
    values = []
    for value in operands:
        try:
            values.append(float(value))
        except (TypeError, ValueError):
            continue
    return tuple(values)


def _printed_size(state: _TextState, ctm) -> float:
    """The text size in points as printed: Tf times the vertical scale of the text
    matrix and the CTM."""
    a, b, c, d = state.matrix
    m = _multiply([a, b, c, d, 0, 0], ctm)
    return abs(state.size) * math.hypot(m[2], m[3])


def _small_text_visitor(found: dict[tuple[str, int], list[float]]):
    """A ``_walk_content`` visitor that collects, per colour label, the sizes of the
    text runs under SMALL_TEXT_PT printed in more than one ink."""
    state, saved = _TextState(), []

    def visit(op, operands, ctm, resources) -> None:
        nonlocal state
        if op == "q":
            saved.append(_TextState(**vars(state)))
        elif op == "Q":
            state = saved.pop() if saved else state
        elif op in _TEXT_SHOWING:
            size = _printed_size(state, ctm)
            cmyk = _cmyk_of(state.space, state.fill, resources)
            if not state.invisible and cmyk and size < SMALL_TEXT_PT - 0.01 and _inks(cmyk) > 1:
                found.setdefault((_ink_label(cmyk), _inks(cmyk)), []).append(size)
        else:
            _set_text_state(state, op, operands)
    return visit


_CMYK_TOKEN = re.compile(r"(--[\w-]+)\s*:\s*device-cmyk\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+"
                         r"([\d.]+)[\s,]+([\d.]+)\s*\)")


def cmyk_tokens(path: Path, shown: str) -> dict[str, str]:
    """The design tokens of a stylesheet set in CMYK, by ink label ('C100 M55 K25'):
    '--accent (layouts/tokens.css:17)', the line a designer edits."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return {}
    out: dict[str, str] = {}
    for number, row in enumerate(text.splitlines(), start=1):
        for match in _CMYK_TOKEN.finditer(row):
            label = _ink_label(tuple(float(v) for v in match.groups()[1:]))
            out.setdefault(label, f"{match.group(1)} ({shown}:{number})")
    return out


def small_text_ink_problems(pdf, shown: str, tokens: dict[str, str] | None = None
                            ) -> list[Problem]:
    """Warnings, one line per page and colour: text under 8 pt filled in more than one
    ink (rich black included), which blurs when the plates do not register exactly;
    ``tokens`` (:func:`cmyk_tokens`) name the design token of that colour."""
    problems = []
    for number, page in enumerate(pdf.pages, start=1):
        found: dict[tuple[str, int], list[float]] = {}
        _walk_content(page, [1, 0, 0, 1, 0, 0], _small_text_visitor(found))
        for (label, inks), sizes in sorted(found.items()):
            low, high = min(sizes), max(sizes)
            span = f"{low:.1f} pt" if high - low < 0.05 else f"{low:.1f}-{high:.1f} pt"
            where = (tokens or {}).get(label, "layouts/tokens.css")
            problems.append(Problem(
                shown, number, f"{len(sizes)} text run(s) of {span} in {inks} inks ({label}): "
                f"text under {SMALL_TEXT_PT:g} pt should print in one ink (100 % K or one "
                f"process colour; {where})", warning=True))
    return problems


# --------------------------------------------------------------------------- facts
def fact_problems(project: Project, langs: list[str], docs: list[str]) -> list[Problem]:
    """Warnings, at their line in the content, for the facts only the publisher knows
    (ISBN, rights, contact: :data:`pressroom.model.content.FACTS`) left empty in
    ``meta`` for a language printed: pressroom prints nothing in their place."""
    problems = []
    for doc in docs:
        path = project.content_path(doc)
        shown = project.rel(path)
        try:
            document = load_document(path, shown, project.cache_dir)
        except ContentError:
            continue  # the build reports it
        for fact in document.facts:
            if fact.value or (fact.lang and fact.lang not in langs) or not langs:
                continue
            where = f"meta.{fact.name}" + (f".{fact.lang}" if fact.lang else "")
            problems.append(Problem(
                f"{shown}:{fact.line}", None,
                f"{where} is empty: {FACTS[fact.name]}; it is left off the page until "
                "someone who knows fills it in", warning=True))
    return problems


# --------------------------------------------------------------------------- boxes
def _box_problems(pdf, shown: str, bleed_mm: float) -> list[Problem]:
    problems = []
    want = bleed_mm * MM
    for number, page in enumerate(pdf.pages, start=1):
        if "/TrimBox" not in page or "/BleedBox" not in page:
            missing = [b for b in ("/TrimBox", "/BleedBox") if b not in page]
            problems.append(Problem(shown, number,
                                    f"{' and '.join(m[1:] for m in missing)} missing"))
            continue
        trim = [float(v) for v in page.TrimBox]
        bleed = [float(v) for v in page.BleedBox]
        media = [float(v) for v in page.MediaBox]
        sides = [trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3]]
        if any(abs(side - want) > 0.1 * MM for side in sides):
            got = ", ".join(f"{side / MM:.1f}" for side in sides)
            problems.append(Problem(shown, number,
                                    f"bleed is {got} mm (left, bottom, right, top); "
                                    f"the printer needs {bleed_mm:g} mm on every side"))
        if media[0] > bleed[0] + 0.01 or media[1] > bleed[1] + 0.01 or \
                media[2] < bleed[2] - 0.01 or media[3] < bleed[3] - 0.01:
            problems.append(Problem(shown, number, "MediaBox is smaller than the BleedBox"))
        if number > 1 and len(problems) > 3:
            break  # the same fault on every page says nothing more
    return problems


# --------------------------------------------------------------------------- metadata
def _metadata_problems(pdf, shown: str, screen: bool) -> list[Problem]:
    problems = []
    title = str(pdf.docinfo.get("/Title", "")).strip() if pdf.docinfo is not None else ""
    if not title:
        problems.append(Problem(shown, None, "no document title in the metadata"))
    if not str(pdf.Root.get("/Lang", "")).strip():
        problems.append(Problem(shown, None, "no document language (/Lang) in the metadata"))
    if screen:
        if "/StructTreeRoot" not in pdf.Root:
            problems.append(Problem(shown, None, "not tagged (no structure tree): not PDF/UA"))
        if "/Outlines" not in pdf.Root:
            problems.append(Problem(shown, None, "no bookmarks"))
        intents = pdf.Root.get("/OutputIntents") or []
        if not any(_channels(["/ICCBased", i.get("/DestOutputProfile")]) == 3 for i in intents):
            problems.append(Problem(shown, None, "no sRGB OutputIntent (a viewer cannot tell "
                                    "which RGB the colours are in)"))
    else:
        intents = pdf.Root.get("/OutputIntents")
        if not intents or not any(str(i.get("/S")) == "/GTS_PDFX" for i in intents):
            problems.append(Problem(shown, None, "no PDF/X OutputIntent (the printer cannot tell "
                                    "which CMYK the colours are in)"))
    return problems


# --------------------------------------------------------------------------- sidecar

def _preflight_key(project: Project, data: bytes, profile: str) -> str:
    fonts = sorted((p.name, p.stat().st_size) for p in (project.layouts_dir / "fonts").glob("*"))
    settings = json.dumps([project.options, fonts, profile, MIN_DPI, SMALL_TEXT_PT, "inks",
                           "screen-srgb"],
                          sort_keys=True, default=str)
    return hashlib.sha256(data + settings.encode("utf-8")).hexdigest()


def check_pdf(project: Project, doc: str, lang: str,
              profile: str = "print") -> tuple[list[Problem], int]:
    """Problems of one PDF; the result is kept in its build record and reused while
    neither the PDF nor the settings change (a no-op build stays fast)."""
    path = project.pdf_path(lang, doc, profile)
    shown = project.rel(path)
    if not path.exists():
        return [Problem(shown, None, "not built (run `invoke build`)")], 0
    record = fingerprint.read_record(path)
    key = _preflight_key(project, path.read_bytes(), profile)
    cached = record.get("preflight")
    if isinstance(cached, dict) and cached.get("key") == key:
        problems = [Problem(shown, p[0], p[1], bool(p[2:3] and p[2]))
                    for p in cached.get("problems", [])]
        pages = int(cached.get("pages", 0))
    else:
        problems, pages = _inspect(project, path, shown, doc, profile)
        if Project.record_path(path).exists():
            record["preflight"] = {"key": key, "pages": pages,
                                   "problems": [[p.page, p.message, p.warning]
                                                for p in problems]}
            atomic_write_bytes(Project.record_path(path),
                               json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8"))
    for warning in record.get("warnings", []) if isinstance(record, dict) else []:
        problems.append(Problem(shown, None, f"layout: {warning}"))
    return problems, pages


def _inspect(project: Project, path: Path, shown: str, doc: str,
             profile: str) -> tuple[list[Problem], int]:
    import pikepdf

    try:
        pdf = pikepdf.open(path)
    except Exception as exc:
        return [Problem(shown, None, f"unreadable PDF: {exc}")], 0
    with pdf:
        families = fonts.bundled_families(project.layouts_dir / "fonts")
        screen = profile == "screen"
        problems = _font_problems(pdf, shown, families)
        problems += _metadata_problems(pdf, shown, screen)
        problems += _colour_and_image_problems(pdf, shown, screen)
        pages = len(pdf.pages)
        if not screen:
            problems += _box_problems(pdf, shown, project.settings.bleed_mm)
            tokens = project.layouts_dir / "tokens.css"
            problems += small_text_ink_problems(pdf, shown, cmyk_tokens(tokens,
                                                                        project.rel(tokens)))
            multiple = project.settings.page_multiple(doc)
            if pages % multiple:
                problems.append(Problem(shown, None, f"{pages} pages: a {doc} must have a multiple "
                                        f"of {multiple} pages"))
    return problems, pages


def preflight(project: Project, langs: list[str], docs: list[str],
              profile: str = "print", skip=(),
              notes: list[str] | None = None) -> tuple[list[Problem], dict[tuple[str, str], int]]:
    """The problems of the PDFs of ``langs`` × ``docs`` (but the (doc, lang) pairs in
    ``skip``), and their page counts. A print document's page counts are compared
    across languages, from the PDFs built from the current inputs only: one built
    from older inputs is left out of the comparison, with a line in ``notes``."""
    problems, pages = _pdf_problems(project, langs, docs, profile, skip)
    if profile == "print":
        problems += fact_problems(project, [lang for lang in langs if lang in
                                            {lang for _doc, lang in pages}], docs)
    limit = project.settings.max_page_difference
    current = _CurrentInputs(project, profile)
    for doc in docs if profile == "print" else []:  # printed editions are imposed alike
        known = _comparable_page_counts(project, doc, profile, pages, current, notes)
        if known and max(known.values()) - min(known.values()) > limit:
            listed = ", ".join(f"{lang} {n}" for lang, n in known.items())
            problems.append(Problem(project.rel(project.pdf_path("*", doc)), None,
                                    f"page counts differ across languages ({listed}); "
                                    f"max_page_difference is {limit}"))
    return problems, pages


def _pdf_problems(project: Project, langs: list[str], docs: list[str], profile: str,
                  skip) -> tuple[list[Problem], dict[tuple[str, str], int]]:
    """Each language's glyph problems and each PDF's own problems, and page counts."""
    problems: list[Problem] = []
    pages: dict[tuple[str, str], int] = {}
    for lang in langs:
        if all((doc, lang) in skip for doc in docs):
            continue
        problems += glyph_problems(project, lang, docs)
        for doc in docs:
            if (doc, lang) in skip:
                continue
            found, count = check_pdf(project, doc, lang, profile)
            problems += found
            if count:
                pages[(doc, lang)] = count
    return problems, pages


def _comparable_page_counts(project: Project, doc: str, profile: str,
                            pages: dict[tuple[str, str], int], current: _CurrentInputs,
                            notes: list[str] | None) -> dict[str, int]:
    """Page counts of ``doc`` in every language (built now or earlier) whose PDF comes
    from the current inputs; the others are named in ``notes``."""
    known = {}
    for lang in project.languages:  # built earlier in other languages: compare too
        path = project.pdf_path(lang, doc, profile)
        count = pages.get((doc, lang)) or (_page_count(path) if path.exists() else 0)
        if not count:
            continue
        stale = current.why_not(doc, lang)
        if stale:
            if notes is not None:
                notes.append(f"{project.rel(path)} ({count} pages) left out of the "
                             f"page-count comparison: {stale} (run `invoke build "
                             f"--lang {lang} --doc {doc}`)")
            continue
        known[lang] = count
    return known


class _CurrentInputs:
    """Whether a built PDF comes from the current inputs: its build record holds
    the fingerprint of the inputs it was built from (pressroom.production.builder), which must
    be that of the inputs as they are now."""

    def __init__(self, project: Project, profile: str):
        self.project, self.profile = project, profile
        self._layouts: str | None = None
        self._documents: dict = {}
        self._translations: dict = {}

    def why_not(self, doc: str, lang: str) -> str | None:
        from pressroom.model.content import load_document

        pdf = self.project.pdf_path(lang, doc, self.profile)
        if not fingerprint.read_record(pdf).get("key"):
            return "it has no build record"
        try:
            if self._layouts is None:
                self._layouts = fingerprint.layouts_digest(self.project)
            if doc not in self._documents:
                path = self.project.content_path(doc)
                self._documents[doc] = load_document(path, self.project.rel(path),
                                                     self.project.cache_dir)
            if lang not in self._translations:
                self._translations[lang] = fingerprint.translations_for(self.project, lang)
            key = fingerprint.fingerprint(self.project, self._documents[doc],
                                      self._translations[lang], self.profile, self._layouts)
        except PressroomError as exc:
            return f"its inputs cannot be read ({exc})"
        if fingerprint.read_record(pdf).get("key") != key:
            return "built from older inputs"
        return None  # (a PDF changed by hand since is compared: it is what would print)


def _page_count(path: Path) -> int:
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            return len(pdf.pages)
    except Exception:
        return 0


class PreflightFailed(PressroomError):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"preflight failed: {len(problems)} problem(s)")
        self.problems = problems
