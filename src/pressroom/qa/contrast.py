"""Text contrast of the screen edition (WCAG 2.2, success criterion 1.4.3).

What a reader sees is a text colour on a background. This module finds every
pair the layouts make, by applying a document's stylesheets to its HTML (the
templates filled in, as WeasyPrint is given it, for the ``screen`` profile) for
the properties that matter: colour, background, and the size and weight that make
text large. It names each colour as the layouts write it (``--accent-2``, the
token) so that a failing pair says which token needs a darker screen value in
``tokens.css``; WCAG asks 4.5:1, or 3:1 for large text (18 pt, or 14 pt bold).

It is a reduced cascade, not a browser's, and where it cannot tell it errs on the
strict side:

- selectors are matched by cssselect2 (WeasyPrint's matcher), by specificity and
  order; ``!important`` is not read (the layouts use none);
- tokens (custom properties) are read once, on the root element, where
  ``tokens.css`` sets them (``:root[data-profile="screen"]`` included);
- colour, size and weight are inherited; a background paints its element and
  what it holds; ``@page NAME { background }`` paints every element with
  ``page: NAME`` and its content; the page itself is white;
- a size is read in pt, px, mm, em, rem and %, and from the UA's headings
  (h1 2em, h2 1.5em, h3 1.17em); a size it cannot read is small text;
- weight: numbers, ``bold``, ``normal`` and the UA's bold (headings, th, b);
- text is an element's own text, a pseudo-element with ``content`` (``::before``,
  ``::after``, ``::footnote-call``, ``::footnote-marker``), a list marker, and a
  page margin box with ``content``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import cssselect2
import tinycss2
import tinyhtml5
from tinycss2 import color4

from pressroom.messages.catalogs import Translations
from pressroom.model.config import Project
from pressroom.model.content import load_document
from pressroom.render.document import Localizer, render_html

NORMAL = 4.5   # WCAG 2.2 1.4.3, text
LARGE = 3.0    # ... text from 18 pt, or from 14 pt bold
WHITE = (1.0, 1.0, 1.0)
PSEUDO_TEXT = ("before", "after", "footnote-call", "footnote-marker")
UA_SIZES = {"h1": 2.0, "h2": 1.5, "h3": 1.17}  # em, when the layouts set no size
UA_BOLD = {"h1", "h2", "h3", "h4", "h5", "h6", "th", "b"}
UA_HIDDEN = {"head", "title", "style", "script", "meta", "link", "template"}
ROOT_SIZE = 12.0  # pt, the UA's 16px
UNITS = {"pt": 1.0, "px": 0.75, "mm": 72 / 25.4}

RGB = tuple[float, float, float]


@dataclass(frozen=True)
class Pair:
    """One text colour on one background, where it was first seen, and its contrast."""

    text: str          # as the layouts write it: a token ("--accent-2") or a colour
    background: str    # a token, a colour, or "page" (the white page)
    ratio: float
    large: bool
    where: str         # the first element (or page margin box) that shows it

    @property
    def needed(self) -> float:
        return LARGE if self.large else NORMAL

    @property
    def passes(self) -> bool:
        return self.ratio >= self.needed

    def __str__(self) -> str:
        size = "large text" if self.large else "text"
        return (f"{self.text} on {self.background}: {self.ratio:.2f}:1, {size} needs "
                f"{self.needed:g}:1 ({self.where})")


def luminance(rgb: RGB) -> float:
    """WCAG 2.2's relative luminance of an sRGB colour (channels 0..1)."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    """WCAG 2.2's contrast ratio, 1 to 21."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# --------------------------------------------------------------------------- values
@dataclass(frozen=True)
class Paint:
    """A colour as written (``label``) and as sRGB, or None when it is not sRGB
    (a ``device-cmyk()`` left in the screen edition), with its alpha."""

    label: str
    rgb: RGB | None
    alpha: float = 1.0

    def over(self, under: Paint) -> Paint:
        """This colour seen over ``under`` (alpha compositing)."""
        if self.alpha >= 1 or self.rgb is None or under.rgb is None:
            return self
        a = self.alpha
        r, g, b = (a * top + (1 - a) * low for top, low in zip(self.rgb, under.rgb, strict=True))
        return Paint(self.label, (r, g, b))


PAGE = Paint("page", WHITE)
BLACK = Paint("black", (0.0, 0.0, 0.0))


def _significant(tokens: list) -> list:
    return [t for t in tokens if t.type not in ("whitespace", "comment")]


def _var_name(token: Any) -> str | None:
    if token.type == "function" and token.lower_name == "var":
        args = _significant(token.arguments)
        if args and args[0].type == "ident":
            return str(args[0].value)
    return None


def _paint(tokens: list, custom: dict[str, list]) -> Paint | None:
    """The colour among ``tokens`` (a ``var()`` of a token, or a colour), or None."""
    for token in _significant(tokens):
        name = _var_name(token)
        label = name or tinycss2.serialize([token])
        value = _significant(custom.get(name, [])) if name else [token]
        if len(value) != 1:
            continue
        if value[0].type == "function" and value[0].lower_name == "device-cmyk":
            return Paint(label, None)
        parsed = color4.parse_color(value[0])
        if isinstance(parsed, color4.Color):
            srgb = parsed.to("srgb")
            channels = tuple(min(1.0, max(0.0, c or 0.0)) for c in srgb.coordinates)
            return Paint(label, (channels[0], channels[1], channels[2]), parsed.alpha)
    return None


def _size(tokens: list, custom: dict[str, list], parent: float | None) -> float | None:
    """A font size in pt from ``tokens`` (relative to ``parent``), or None."""
    value = _significant(tokens)
    if len(value) == 1 and _var_name(value[0]):
        value = _significant(custom.get(_var_name(value[0]) or "", []))
    if len(value) != 1:
        return None
    token = value[0]
    if token.type == "dimension" and token.lower_unit in UNITS:
        return float(token.value) * UNITS[token.lower_unit]
    if token.type == "dimension" and token.lower_unit == "rem":
        return float(token.value) * ROOT_SIZE
    factor = (float(token.value) if token.type == "dimension" and token.lower_unit == "em"
              else float(token.value) / 100 if token.type == "percentage" else None)
    return factor * parent if factor is not None and parent is not None else None


def _weight(tokens: list) -> int | None:
    value = _significant(tokens)
    if len(value) != 1:
        return None
    token = value[0]
    if token.type == "number":
        return int(token.value)
    return {"bold": 700, "normal": 400}.get(getattr(token, "lower_value", ""))


# --------------------------------------------------------------------------- stylesheets
Declarations = dict[str, list]


def _declarations(content: list) -> tuple[Declarations, list]:
    """A block's declarations (last one wins) and its nested at-rules."""
    declared: Declarations = {}
    nested = []
    for item in tinycss2.parse_blocks_contents(content, skip_whitespace=True,
                                               skip_comments=True):
        if item.type == "declaration":
            declared[item.name if item.name.startswith("--") else item.lower_name] = item.value
        elif item.type == "at-rule":
            nested.append(item)
    return declared, nested


@dataclass
class Sheets:
    """The stylesheets of one document, in their order: selectors for elements,
    and the page rules (margin boxes, page backgrounds)."""

    matcher: cssselect2.Matcher = field(default_factory=cssselect2.Matcher)
    pages: list[tuple[str, Declarations, list]] = field(default_factory=list)

    def add(self, css: str) -> None:
        for rule in tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True):
            if rule.type == "qualified-rule":
                declared, _nested = _declarations(rule.content or [])
                for selector in cssselect2.compile_selector_list(rule.prelude):
                    self.matcher.add_selector(selector, declared)
            elif rule.type == "at-rule" and rule.lower_at_keyword == "page":
                declared, nested = _declarations(rule.content or [])
                name = next((t.value for t in _significant(rule.prelude) if t.type == "ident"), "")
                self.pages.append((name, declared, nested))

    def cascade(self, element: cssselect2.ElementWrapper) -> dict[str | None, Declarations]:
        """The declarations that apply to ``element`` (key None) and to each of its
        pseudo-elements (key: its name), the cascade's winner for each property."""
        out: dict[str | None, Declarations] = {}
        for _specificity, _order, pseudo, declared in self.matcher.match(element):
            out.setdefault(pseudo, {}).update(declared)
        return out


def read_sheets(root: Any, layouts: Path) -> Sheets:
    """The stylesheets of a parsed HTML document in its order: each
    ``<link rel=stylesheet>`` (a file of ``layouts``) and each ``<style>``."""
    sheets = Sheets()
    for element in root.iter():
        tag = element.tag.rpartition("}")[2]
        if tag == "link" and "stylesheet" in element.get("rel", "").split():
            sheets.add((layouts / element.get("href", "")).read_text(encoding="utf-8"))
        elif tag == "style":
            sheets.add(element.text or "")
    return sheets


# --------------------------------------------------------------------------- the walk
@dataclass(frozen=True)
class Style:
    """What an element passes on to its content."""

    color: Paint = BLACK
    background: Paint = PAGE
    size: float | None = ROOT_SIZE
    weight: int = 400
    page: str = ""
    markers: bool = True  # list-style is not none


@dataclass
class Walk:
    """One document's walk: the tokens, the named pages' backgrounds, and the pairs
    found so far (the first place each was seen)."""

    sheets: Sheets
    custom: dict[str, list]
    found: dict[tuple[str, str, bool], Pair] = field(default_factory=dict)
    page_backgrounds: dict[str, Paint] = field(default_factory=dict)

    def see(self, style: Style, where: str) -> None:
        text = style.color.over(style.background)
        large = style.size is not None and (
            style.size >= 18 or (style.size >= 14 and style.weight >= 700))
        key = (style.color.label, style.background.label, large)
        if key in self.found:
            return
        if text.rgb is None or style.background.rgb is None:  # not sRGB: no contrast
            ratio = 0.0
        else:
            ratio = contrast(text.rgb, style.background.rgb)
        self.found[key] = Pair(style.color.label, style.background.label, round(ratio, 2),
                               large, where)


def _describe(element: cssselect2.ElementWrapper, pseudo: str | None = None) -> str:
    """``div.callout p span::before``: the element after its ancestors up to the
    nearest one with a class (three at most, never ``body``)."""
    def named(item: cssselect2.ElementWrapper) -> str:
        return item.local_name + "".join(f".{c}" for c in sorted(item.classes))
    chain = [named(element)]
    item = element
    while not item.classes and len(chain) < 4:
        item = item.parent
        if item is None or item.local_name in ("body", "html"):
            break
        chain.insert(0, named(item))
    return " ".join(chain) + (f"::{pseudo}" if pseudo else "")


def _style(walk: Walk, parent: Style, declared: Declarations, tag: str) -> Style:
    """The style of an element (or pseudo-element) from its declarations."""
    custom = walk.custom
    color = _paint(declared["color"], custom) if "color" in declared else None
    size = parent.size
    if "font-size" in declared:
        size = _size(declared["font-size"], custom, parent.size)
    elif tag in UA_SIZES and parent.size is not None:
        size = UA_SIZES[tag] * parent.size
    weight = _weight(declared["font-weight"]) if "font-weight" in declared else None
    if weight is None:
        weight = 700 if tag in UA_BOLD and "font-weight" not in declared else parent.weight
    page = _significant(declared.get("page", []))
    page_name = str(page[0].value) if page and page[0].type == "ident" else parent.page
    background = parent.background
    if page_name != parent.page and page_name in walk.page_backgrounds:
        background = walk.page_backgrounds[page_name]
    for name in ("background", "background-color"):
        paint = _paint(declared.get(name, []), custom)
        if paint is not None:
            background = paint.over(background)
    markers = parent.markers
    for name in ("list-style", "list-style-type"):
        if any(getattr(t, "lower_value", "") == "none" for t in declared.get(name, [])):
            markers = False
    return Style(color or parent.color, background, size, weight, page_name, markers)


def _has_text(element: Any) -> bool:
    if (element.text or "").strip():
        return True
    return any((child.tail or "").strip() for child in element)


def _shows(declared: Declarations) -> bool:
    content = _significant(declared.get("content", []))
    return bool(content) and getattr(content[0], "lower_value", "") not in ("none", "normal")


def _visit(walk: Walk, element: cssselect2.ElementWrapper, parent: Style) -> None:
    tag = element.local_name
    rules = walk.sheets.cascade(element)
    own = rules.get(None, {})
    if tag in UA_HIDDEN or any(getattr(t, "lower_value", "") == "none"
                               for t in own.get("display", [])):
        return
    style = _style(walk, parent, own, tag)
    if _has_text(element.etree_element):
        walk.see(style, _describe(element))
    for pseudo in PSEUDO_TEXT:
        if pseudo in rules and _shows(rules[pseudo]):
            walk.see(_style(walk, style, rules[pseudo], ""), _describe(element, pseudo))
    if tag == "li" and style.markers:
        walk.see(_style(walk, style, rules.get("marker", {}), ""), _describe(element, "marker"))
    for child in element.iter_children():
        _visit(walk, child, style)


def _page_rules(walk: Walk, root: Style) -> None:
    """Page backgrounds by page name, and each page margin box with content."""
    for name, declared, _nested in walk.sheets.pages:
        paint = _paint(declared.get("background", declared.get("background-color", [])),
                       walk.custom)
        if paint is not None:
            walk.page_backgrounds[name] = paint.over(PAGE)
    for name, declared, nested in walk.sheets.pages:
        for box in nested:
            box_declared, _ = _declarations(box.content or [])
            if _shows(box_declared):
                page = replace(root, background=walk.page_backgrounds.get(
                    name, walk.page_backgrounds.get("", PAGE)))
                where = f"@page {name} @{box.lower_at_keyword}".replace("  ", " ")
                walk.see(_style(walk, page, {**declared, **box_declared}, ""), where)


def pairs(html: str, layouts: Path) -> list[Pair]:
    """Every (text colour, background) pair of a document's HTML, styled by its
    stylesheets from ``layouts``, in the order first seen."""
    root = tinyhtml5.parse(html)
    sheets = read_sheets(root, layouts)
    top = cssselect2.ElementWrapper.from_html_root(root)
    custom = {k: v for k, v in sheets.cascade(top).get(None, {}).items() if k.startswith("--")}
    walk = Walk(sheets, custom)
    root_style = _style(walk, Style(), sheets.cascade(top).get(None, {}), "html")
    _page_rules(walk, root_style)
    _visit(walk, top, Style())
    return list(walk.found.values())


def document_pairs(project: Project, doc: str) -> list[Pair]:
    """The pairs of one document of ``project`` in its screen edition (the source
    language: every language is laid out by the same templates and stylesheets)."""
    path = project.content_path(doc)
    document = load_document(path, project.rel(path), project.cache_dir)
    lang = project.source_language
    loc = Localizer(document, project.rel(path), Translations(lang, {}), source=True,
                    assets=project.content_dir)
    return pairs(render_html(project, document, loc, profile="screen"), project.layouts_dir)


def failing(found: list[Pair]) -> list[Pair]:
    return [pair for pair in found if not pair.passes]
