"""Inline markup of a message -> safe HTML.

The subset is Markdown's ``*em*``, ``**strong**``, ``[text](url)``, footnote
references ``[^id]`` and passages in another language ``[text]{lang=en}``,
parsed with markdown-it-py (the CommonMark parser) with every other rule
switched off. Raw HTML is never interpreted: ``<b>`` is printed as the
characters ``<b>``.

Typography (:mod:`pressroom.text.typography`) sees the whole text of a message
at once, as printed, never a URL: a note call is one placeholder character
(:data:`CALL`), a passage in another language another (:data:`PASSAGE`, typeset
apart with its own language's rules), and the boundaries of emphasis and links
are put back where they were by aligning the characters that are not spaces
(typography only adds, removes or changes spaces, and raises an o in "nº").
So a rule that looks at the character before a run ("enfants »[^13].") cannot
double or lose a mark.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkLabel
from markdown_it.rules_inline import StateInline

from pressroom.errors import MarkupError
from pressroom.text import formatting
from pressroom.text import typography as typography_rules

ALLOWED_SCHEMES = ("http://", "https://", "mailto:")
_REF_RE = re.compile(r"\[\^([A-Za-z0-9][A-Za-z0-9_.-]*)\]")
_LANG_RE = re.compile(r"\{lang=([^{}\s]*)\}")
# Languages a passage may be marked in: the UN's six and the languages of the
# sources the publications cite. A code may carry a region ("en-GB").
LANGUAGES = frozenset({"ar", "de", "en", "es", "fr", "it", "la", "nl", "pt", "ru", "zh"})
_LANG_CODE = re.compile(r"([a-z]{2,3})(?:-[A-Za-z0-9]{2,8})*")

CALL = typography_rules.CALL
PASSAGE = typography_rules.PASSAGE


def _footnote_ref(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if not src.startswith("[^", pos):
        return False
    match = _REF_RE.match(src, pos)
    if not match:
        return False
    if not silent:
        token = state.push("footnote_ref", "", 0)
        token.meta = {"id": match.group(1)}
    state.pos = match.end()
    return True


def _lang_span(state: StateInline, silent: bool) -> bool:
    """``[text]{lang=xx}``: ``lang_open`` (meta ``lang``), the inline tokens of
    ``text``, ``lang_close``. The code is checked when printed (:func:`language`)."""
    start = state.pos
    if state.src[start] != "[":
        return False
    end = parseLinkLabel(state, start)
    match = _LANG_RE.match(state.src, end + 1) if end >= 0 else None
    if match is None:
        return False
    if not silent:
        state.push("lang_open", "span", 1).meta = {"lang": match.group(1)}
        old_max = state.posMax
        state.pos, state.posMax = start + 1, end
        state.md.inline.tokenize(state)
        state.posMax = old_max
        state.push("lang_close", "span", -1)
    state.pos = match.end()
    return True


def _parser() -> MarkdownIt:
    md = MarkdownIt("zero").enable(["emphasis", "link", "escape", "newline"])
    md.inline.ruler.before("link", "footnote_ref", _footnote_ref)
    md.inline.ruler.before("link", "lang_span", _lang_span)
    return md


_MD = _parser()


def parse(text: str):
    """The inline tokens of ``text`` (markdown-it tokens)."""
    tokens = _MD.parseInline(text)
    return tokens[0].children or [] if tokens else []


def language(code: str) -> str:
    """``code`` if it names a language a passage may be marked in, else MarkupError."""
    match = _LANG_CODE.fullmatch(code)
    if match is None or match.group(1) not in LANGUAGES:
        raise MarkupError(f"unknown language '{code}' in [...]{{lang={code}}} "
                          f"(use one of {', '.join(sorted(LANGUAGES))}, e.g. {{lang=en}})")
    return code


def language_spans(text: str) -> list[str]:
    """The languages of the passages marked in ``text``, in order."""
    return [t.meta["lang"] for t in parse(text) if t.type == "lang_open"]


# --------------------------------------------------------------------------- typesetting
Typography = Callable[[str], str]
_BREAKS = ("softbreak", "hardbreak")  # printed as a space


def _flatten(tokens: list) -> tuple[str, list[tuple[int, Any, list | None]]]:
    """The text typography sees, and the other tokens as (offset, token, inner
    tokens of a passage): a call or a passage is one placeholder character at its
    offset; a boundary (emphasis, link) takes no room."""
    parts: list[str] = []
    marks: list[tuple[int, Any, list | None]] = []
    size, i = 0, 0
    while i < len(tokens):
        token = tokens[i]
        piece = ""
        if token.type == "text":
            piece = token.content
        elif token.type in _BREAKS:
            piece = " "
        elif token.type == "lang_open":
            close = _closing(tokens, i)
            marks.append((size, token, tokens[i + 1:close + 1]))
            piece, i = PASSAGE, close
        else:
            marks.append((size, token, None))
            piece = CALL if token.type == "footnote_ref" else ""
        parts.append(piece)
        size += len(piece)
        i += 1
    return "".join(parts), marks


def _closing(tokens: list, start: int) -> int:
    """The index of the ``lang_close`` of the ``lang_open`` at ``start``."""
    depth = 0
    for i in range(start, len(tokens)):
        depth += {"lang_open": 1, "lang_close": -1}.get(tokens[i].type, 0)
        if depth == 0:
            return i
    return len(tokens) - 1  # pragma: no cover - the rule always closes a passage


class _Alignment:
    """Where an offset of the text typography saw lands in what it returned,
    through the characters that are not spaces (the same, in the same order)."""

    def __init__(self, source: str, shown: str):
        self.source, self.shown = source, shown
        self.before = [i for i, c in enumerate(source) if not c.isspace()]
        self.after = [i for i, c in enumerate(shown) if not c.isspace()]
        if len(self.before) != len(self.after):
            raise ValueError(f"typography changed more than spaces: {source!r} -> {shown!r}")
        self.rank = {index: rank for rank, index in enumerate(self.before)}

    def char(self, offset: int) -> int:
        """The place of the (non-space) character at ``offset``."""
        return self.after[self.rank[offset]]

    def boundary(self, offset: int) -> int:
        """The place of a boundary before ``offset``: right after the character
        before it, or as far into the following spaces as it was."""
        if offset > 0 and not self.source[offset - 1].isspace():
            return self.char(offset - 1) + 1
        previous = next((i for i in range(offset - 1, -1, -1)
                         if not self.source[i].isspace()), -1)
        start = self.char(previous) + 1 if previous >= 0 else 0
        rank = self.rank[previous] + 1 if previous >= 0 else 0
        end = self.after[rank] if rank < len(self.after) else len(self.shown)
        return start + min(offset - previous - 1, end - start)


def _passage_rules(token, fix: Typography | None) -> Typography | None:
    code = language(token.meta["lang"])
    return None if fix is None else typography_rules.for_language(code)


def _typeset(tokens: list, fix: Typography | None) -> list:
    """``tokens`` as printed: typeset text runs (str) and the other tokens, in
    order; a passage's tokens are typeset with its own language's rules."""
    source, marks = _flatten(tokens)
    shown = fix(source) if fix else source
    align = _Alignment(source, shown)
    out: list = []
    cursor = 0
    for offset, token, inner in marks:
        visible = token.type in ("footnote_ref", "lang_open")
        at = align.char(offset) if visible else align.boundary(offset)
        if at > cursor:
            out.append(shown[cursor:at])
        out.append(token)
        if inner is not None:
            out += [*_typeset(inner[:-1], _passage_rules(token, fix)), inner[-1]]
        cursor = at + 1 if visible else at
    if cursor < len(shown):
        out.append(shown[cursor:])
    return out


# --------------------------------------------------------------------------- output
WORD_JOINER = "\u2060"  # no line break here; default-ignorable: prints nothing
# Two calls in a row ("[^a][^b]") are separated by a raised comma, "⁸,⁴⁰", as in
# English, Spanish and French book typography (Chicago, RAE, Lexique de
# l'Imprimerie nationale): inside the superscript, not a link, never a break.
CALL_SEPARATOR = f'{WORD_JOINER}<span class="call-sep">,</span>{WORD_JOINER}'
ZERO_WIDTH_SPACE = "\u200b"  # a line break may come here; prints nothing
# In right-to-left text, a URL, a document symbol or a passage in a left-to-right
# language is a left-to-right isolate (LRI ... PDI, Unicode bidi, which Pango
# applies; WeasyPrint ignores CSS ``unicode-bidi``): "CMW/C/" broken at a line end
# keeps its slash on its right, "(A/RES/71/1)" its brackets where they belong.
# Both are default-ignorable: they print nothing and need no glyph.
LTR_ISOLATE, POP_ISOLATE = "\u2066", "\u2069"
_TAGS = {"em_open": "<em>", "em_close": "</em>", "strong_open": "<strong>",
         "strong_close": "</strong>", "link_close": "</a>", "lang_close": "</span>"}
_ENDS_WORD = ("text", "em_close", "strong_close", "link_close", "lang_close")


# URLs, e-mail addresses and UN document symbols are never hyphenated (a span the
# stylesheet gives ``hyphens: none``). A URL or address may break after "/" or
# "." (a zero-width space, which text extraction leaves out), never after
# one of its hyphens (a word joiner: a reader would take it for a hyphenation); a
# symbol ("A/RES/71/1", "CMW/C/GC/4-CRC/C/GC/23") may break only after a "/"
# (a zero-width space), never at its "-" or "." (a word joiner after "-"). Keeping
# symbols whole was tried: the notes of the French brochure, full of symbols,
# then left gaps that ran it from 16 to 18 pages (20 once padded), over its limit.
_URL = (r"(?:https?://|mailto:|www\.)[^\s<>«»\"“”‘’]+"
        r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
        r"|(?<![\w@/.-])[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*"
        r"\.(?:org|int|com|net|edu|gov|info)(?:/[^\s<>«»\"“”‘’]*)?(?![\w-])"
        # any other domain of two labels or more, with a path ("corteidh.or.cr/docs/…")
        r"|(?<![\w@/.-])[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.[a-z]{2,6}"
        r"/[^\s<>«»\"“”‘’]*")
_PART = r"/[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*"  # "/RES", "/WG.6", "/Add.1"
_SYMBOL = rf"(?<![\w/.])[A-Z]{{1,6}}(?:{_PART})+(?:-[A-Z]{{1,6}}(?:{_PART})+)*(?![\w/])"
_ADDRESS = re.compile(f"(?P<url>{_URL})|(?P<symbol>{_SYMBOL})", re.IGNORECASE)
_SYMBOL_RE = re.compile(_SYMBOL)
_BREAK_AFTER = re.compile(r"(?<=/)(?!/)|(?<=\.)(?=\w)")
_TRAILING = ".,;:!?)]"
_LEAD = re.compile(r"\s[(\[«“\"‘\u00a0\u202f]*(?=$)")  # the space before an address
_AROUND = re.compile(r"^[(\[«“\"‘]+|[)\]»”\"’.,;:!?]+$")


def _isolated(text: str, isolate: bool) -> str:
    return f"{LTR_ISOLATE}{text}{POP_ISOLATE}" if isolate else text


def _url_html(url: str, lead: str = "", isolate: bool = False) -> str:
    pieces = [escape(p, quote=False).replace("-", "-" + WORD_JOINER)  # no break after "-"
              for p in _BREAK_AFTER.split(url) if p]
    return (f'<span class="url">{lead}' + _isolated(ZERO_WIDTH_SPACE.join(pieces), isolate)
            + "</span>")


def _symbol_html(symbol: str, lead: str = "", isolate: bool = False) -> str:
    # word joiners rather than ``white-space: nowrap``: a nowrap span makes
    # WeasyPrint break a hyphenated line too early ("Rap-" alone on its line)
    joined = re.sub(r"(?<=-)", WORD_JOINER, escape(symbol, quote=False))
    joined = re.sub(r"(?<=/)", ZERO_WIDTH_SPACE, joined)
    return f'<span class="doc-symbol">{lead}{_isolated(joined, isolate)}</span>'


def protect_addresses(run: str, isolate: bool = False) -> str:
    """``run`` as escaped HTML, each URL, e-mail address and document symbol in it
    wrapped in a span that keeps it from being hyphenated (print.css); with
    ``isolate`` (right-to-left text), each also a left-to-right isolate."""
    out, pos = [], 0
    for match in _ADDRESS.finditer(run):
        found = match.group()
        if match.group("url"):
            found = found.rstrip(_TRAILING)
        elif not _SYMBOL_RE.fullmatch(found):  # case matters for symbols
            continue
        # The span takes the space before it (and an opening bracket or quote): a
        # span that starts with no break opportunity inside it and does not fit at
        # the end of a line makes WeasyPrint 70 hyphenate the line's first word
        # and break there ("Rap-" alone on its line).
        lead = _LEAD.search(run, pos, match.start())
        start = lead.start() if lead else match.start()
        out.append(escape(run[pos:start], quote=False))
        shown = escape(run[start:match.start()], quote=False)
        out.append(_url_html(found, shown, isolate) if match.group("url")
                   else _symbol_html(found, shown, isolate))
        pos = match.start() + len(found)
    out.append(escape(run[pos:], quote=False))
    return "".join(out)


def is_address(word: str) -> bool:
    """Whether ``word`` (punctuation around it aside) is a URL, an e-mail address or a
    document symbol: what must never be hyphenated."""
    word = _AROUND.sub("", word)
    match = _ADDRESS.fullmatch(word)
    return bool(match and (match.group("url") or _SYMBOL_RE.fullmatch(word)))


def footnote_ids(text: str) -> list[str]:
    return [t.meta["id"] for t in parse(text) if t.type == "footnote_ref"]


def _tag(token) -> str:
    """The HTML of a token that is neither text nor a note call."""
    kind = token.type
    if kind in _TAGS:
        return _TAGS[kind]
    if kind == "lang_open":
        return f'<span lang="{escape(language(token.meta["lang"]), quote=True)}">'
    if kind == "link_open":
        href = str(token.attrs.get("href", ""))
        if not href.startswith(ALLOWED_SCHEMES):
            raise MarkupError(f"link target '{href}' is not allowed "
                              "(use an http://, https:// or mailto: address)")
        return f'<a href="{escape(href, quote=True)}">'
    return escape(token.content, quote=False)  # pragma: no cover - other rules are off


def _iter_html(items: list, footnote: Callable[[str], str] | None,
               isolate: bool = False) -> Iterator[str]:
    previous, last = "", ""
    passages: list[bool] = []  # open passages: whether each is isolated
    for item in items:
        if isinstance(item, str):
            kind, html = "text", protect_addresses(item, isolate)
        elif item.type == "footnote_ref":
            kind = item.type
            if footnote is None:
                raise MarkupError(f"footnote [^{item.meta['id']}] is not allowed here")
            call = footnote(item.meta["id"])
            # Keep the call on the line of the word it follows ("centres.¹⁹") with
            # a word joiner (U+2060, invisible, no glyph needed). A nowrap span
            # around word and call did the same, but WeasyPrint then breaks a
            # hyphenated line too early ("me-" / "sure" / the rest).
            if previous == "footnote_ref":
                html = CALL_SEPARATOR + call
            elif previous in _ENDS_WORD and last and not last[-1].isspace():
                html = WORD_JOINER + call
            else:
                html = call
        else:
            kind, html = item.type, _tag(item)
            html = _passage_isolation(item, html, isolate, passages)
        if html:
            last = html if kind == "text" else last
            yield html
        previous = kind


def _passage_isolation(token, html: str, isolate: bool, passages: list[bool]) -> str:
    """A passage in a left-to-right language inside right-to-left text is an
    isolate: ``dir="ltr"`` (WeasyPrint then keeps its inline boxes, an emphasis
    inside it, in left-to-right order) and LRI after its opening tag, PDI before
    its closing one (Pango orders the characters of each box)."""
    if token.type == "lang_open":
        ltr = isolate and formatting.direction(token.meta["lang"]) == "ltr"
        passages.append(ltr)
        return html[:-1] + ' dir="ltr">' + LTR_ISOLATE if ltr else html
    if token.type == "lang_close" and passages and passages.pop():
        return POP_ISOLATE + html
    return html


_ADDRESS_LINK = re.compile(r'( ?)(<a href="[^"]*">)<span class="url">([^<]*)</span></a>')


def _space_into_address_links(html: str) -> str:
    """``see <a><span class="url">x.org</span></a>`` -> ``see<span class="url">
    <a>x.org</a></span>``: a link whose text is an address goes inside the span,
    with the space before it, for the reason given in :func:`protect_addresses`
    (the space is not put inside the link, where it would make a link of no width
    at the end of the line before)."""
    return _ADDRESS_LINK.sub(r'<span class="url">\1\2\3</a></span>', html)


def to_html(text: str,
            footnote: Callable[[str], str] | None = None,
            typography: Typography | None = None,
            isolate: bool = False) -> str:
    """Convert one message to HTML.

    ``footnote(id)`` returns the HTML for a reference (raise MarkupError for an
    unknown id); ``typography(s)`` transforms the text (see the module's doc);
    ``isolate``: the text is right to left, and its URLs, symbols and passages
    in left-to-right languages are isolated (:data:`LTR_ISOLATE`).
    """
    return _space_into_address_links(
        "".join(_iter_html(_typeset(parse(text), typography), footnote, isolate)))


def to_plain(text: str, typography: Typography | None = None) -> str:
    """The text of a message without markup or footnotes (for PDF metadata, alt text)."""
    return "".join(item for item in _typeset(parse(text), typography)
                   if isinstance(item, str)).strip()
