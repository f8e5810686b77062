"""Inline markup of a message -> safe HTML.

The subset is Markdown's ``*em*``, ``**strong**``, ``[text](url)`` and footnote
references ``[^id]``, parsed with markdown-it-py (the CommonMark parser) with
every other rule switched off. Raw HTML is never interpreted: ``<b>`` is printed
as the characters ``<b>``. Text runs (never URLs) go through a typography hook so
that language rules such as French spacing cannot touch a link target.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from pressroom.errors import MarkupError

ALLOWED_SCHEMES = ("http://", "https://", "mailto:")
_REF_RE = re.compile(r"\[\^([A-Za-z0-9][A-Za-z0-9_.-]*)\]")


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


def _parser() -> MarkdownIt:
    md = MarkdownIt("zero").enable(["emphasis", "link", "escape", "newline"])
    md.inline.ruler.before("link", "footnote_ref", _footnote_ref)
    return md


_MD = _parser()


def parse(text: str):
    """The inline tokens of ``text`` (markdown-it tokens)."""
    tokens = _MD.parseInline(text)
    return tokens[0].children or [] if tokens else []


def _typeset(text: str, typography: Callable[[str], str] | None):
    """The tokens of ``text``, each with its typeset text for a text run (else None).

    A run may start right after a link or emphasis ("[ici](...) !"), so the rules
    see the character printed before it."""
    last = ""
    for token in parse(text):
        if token.type != "text":
            yield token, None
            continue
        run = token.content
        if typography is None:
            fixed = run
        elif last and not last.isspace():
            fixed = typography(last + run)[1:]
        else:
            fixed = typography(run)
        last = run[-1:] or last
        yield token, fixed


WORD_JOINER = "\u2060"  # no line break here; default-ignorable: prints nothing
ZERO_WIDTH_SPACE = "\u200b"  # a line break may come here; prints nothing
_TAGS = {"em_open": "<em>", "em_close": "</em>", "strong_open": "<strong>",
         "strong_close": "</strong>", "link_close": "</a>", "softbreak": " ", "hardbreak": " "}


# URLs, e-mail addresses and UN document symbols are never hyphenated (a span the
# stylesheet gives ``hyphens: none``). A URL or address may break after "/" or
# "." (a zero-width space, which text extraction leaves out), never after
# one of its hyphens (a word joiner: a reader would take it for a hyphenation); a
# symbol ("A/RES/71/1", "CMW/C/GC/4-CRC/C/GC/23") does not break at all (a word
# joiner after each "/" and "-").
_URL = (r"(?:https?://|mailto:|www\.)[^\s<>«»\"“”‘’]+"
        r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
        r"|(?<![\w@/.-])[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*"
        r"\.(?:org|int|com|net|edu|gov|info)(?:/[^\s<>«»\"“”‘’]*)?(?![\w-])")
_PART = r"/[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*"  # "/RES", "/WG.6", "/Add.1"
_SYMBOL = rf"(?<![\w/.])[A-Z]{{1,6}}(?:{_PART})+(?:-[A-Z]{{1,6}}(?:{_PART})+)*(?![\w/])"
_ADDRESS = re.compile(f"(?P<url>{_URL})|(?P<symbol>{_SYMBOL})", re.IGNORECASE)
_SYMBOL_RE = re.compile(_SYMBOL)
_BREAK_AFTER = re.compile(r"(?<=/)(?!/)|(?<=\.)(?=\w)")
_TRAILING = ".,;:!?)]"
_LEAD = re.compile(r"\s[(\[«“\"‘\u00a0\u202f]*(?=$)")  # the space before an address
_AROUND = re.compile(r"^[(\[«“\"‘]+|[)\]»”\"’.,;:!?]+$")


def _url_html(url: str, lead: str = "") -> str:
    pieces = [escape(p, quote=False).replace("-", "-" + WORD_JOINER)  # no break after "-"
              for p in _BREAK_AFTER.split(url) if p]
    return f'<span class="url">{lead}' + ZERO_WIDTH_SPACE.join(pieces) + "</span>"


def _symbol_html(symbol: str, lead: str = "") -> str:
    # word joiners rather than ``white-space: nowrap``: a nowrap span makes
    # WeasyPrint break a hyphenated line too early ("Rap-" alone on its line)
    joined = re.sub(r"(?<=[/-])", WORD_JOINER, escape(symbol, quote=False))
    return f'<span class="doc-symbol">{lead}{joined}</span>'


def protect_addresses(run: str) -> str:
    """``run`` as escaped HTML, each URL, e-mail address and document symbol in it
    wrapped in a span that keeps it from being hyphenated (print.css)."""
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
        out.append(_url_html(found, shown) if match.group("url") else _symbol_html(found, shown))
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


def to_html(text: str,
            footnote: Callable[[str], str] | None = None,
            typography: Callable[[str], str] | None = None) -> str:
    """Convert one message to HTML.

    ``footnote(id)`` returns the HTML for a reference (raise MarkupError for an
    unknown id); ``typography(s)`` transforms plain text runs.
    """
    out: list[str] = []
    previous_kind = ""
    for token, run in _typeset(text, typography):
        kind = token.type
        if run is not None:
            out.append(protect_addresses(run))
        elif kind in _TAGS:
            out.append(_TAGS[kind])
        elif kind == "link_open":
            href = token.attrs.get("href", "")
            if not str(href).startswith(ALLOWED_SCHEMES):
                raise MarkupError(f"link target '{href}' is not allowed "
                                  "(use an http://, https:// or mailto: address)")
            out.append(f'<a href="{escape(str(href), quote=True)}">')
        elif kind == "footnote_ref":
            if footnote is None:
                raise MarkupError(f"footnote [^{token.meta['id']}] is not allowed here")
            call = footnote(token.meta["id"])
            # Keep the call on the line of the word it follows ("centres.¹⁹") with
            # a word joiner (U+2060, invisible, no glyph needed). A nowrap span
            # around word and call did the same, but WeasyPrint then breaks a
            # hyphenated line too early ("me-" / "sure" / the rest).
            ends_word = (previous_kind in ("text", "em_close", "strong_close", "link_close")
                         and out and not out[-1].endswith(" "))
            out.append(f"{WORD_JOINER}{call}" if ends_word else call)
        else:  # pragma: no cover - every other rule is disabled
            out.append(escape(token.content, quote=False))
        previous_kind = kind
    return _space_into_address_links("".join(out))


_ADDRESS_LINK = re.compile(r'( ?)(<a href="[^"]*">)<span class="url">([^<]*)</span></a>')


def _space_into_address_links(html: str) -> str:
    """``see <a><span class="url">x.org</span></a>`` -> ``see<span class="url">
    <a>x.org</a></span>``: a link whose text is an address goes inside the span,
    with the space before it, for the reason given in :func:`protect_addresses`
    (the space is not put inside the link, where it would make a link of no width
    at the end of the line before)."""
    return _ADDRESS_LINK.sub(r'<span class="url">\1\2\3</a></span>', html)


def to_plain(text: str, typography: Callable[[str], str] | None = None) -> str:
    """The text of a message without markup or footnotes (for PDF metadata, alt text)."""
    parts = []
    for token, run in _typeset(text, typography):
        if run is not None:
            parts.append(run)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()
