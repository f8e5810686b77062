"""Inline markup of a message -> safe HTML.

The subset is Markdown's ``*em*``, ``**strong**``, ``[text](url)`` and footnote
references ``[^id]``, parsed with markdown-it-py (the CommonMark parser) with
every other rule switched off. Raw HTML is never interpreted: ``<b>`` is printed
as the characters ``<b>``. Text runs (never URLs) go through a typography hook so
that language rules such as French spacing cannot touch a link target.
"""

from __future__ import annotations

import re
from html import escape
from typing import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from .errors import MarkupError

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


def _with_context(typography: Callable[[str], str] | None) -> Callable[[str, str], str]:
    """Typography for one text run, seeing the character printed before it (a run
    may start right after a link or emphasis: "[ici](...) !" needs the space fixed)."""
    if typography is None:
        return lambda last, run: run
    def fix(last: str, run: str) -> str:
        if last and not last.isspace():
            return typography(last + run)[1:]
        return typography(run)
    return fix


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
    fix = _with_context(typography)
    last = ""
    kind_of_last = ""
    for token in parse(text):
        kind = token.type
        if kind == "text":
            out.append(escape(fix(last, token.content), quote=False))
            last = token.content[-1:] or last
        elif kind in ("softbreak", "hardbreak"):
            out.append(" ")
        elif kind == "em_open":
            out.append("<em>")
        elif kind == "em_close":
            out.append("</em>")
        elif kind == "strong_open":
            out.append("<strong>")
        elif kind == "strong_close":
            out.append("</strong>")
        elif kind == "link_open":
            href = token.attrs.get("href", "")
            if not str(href).startswith(ALLOWED_SCHEMES):
                raise MarkupError(f"link target '{href}' is not allowed "
                                  "(use an http://, https:// or mailto: address)")
            out.append(f'<a href="{escape(str(href), quote=True)}">')
        elif kind == "link_close":
            out.append("</a>")
        elif kind == "footnote_ref":
            if footnote is None:
                raise MarkupError(f"footnote [^{token.meta['id']}] is not allowed here")
            call = footnote(token.meta["id"])
            # Keep the call on the line of the word it follows ("centres.¹⁹").
            previous = out[-1] if out and kind_of_last == "text" else ""
            head, sep, word = previous.rpartition(" ")
            if word:
                out[-1] = f'{head}{sep}<span class="nobr">{word}{call}</span>'
            else:
                out.append(call)
        else:  # pragma: no cover - every other rule is disabled
            out.append(escape(token.content, quote=False))
        kind_of_last = kind
    return "".join(out)


def to_plain(text: str, typography: Callable[[str], str] | None = None) -> str:
    """The text of a message without markup or footnotes (for PDF metadata, alt text)."""
    fix = _with_context(typography)
    parts = []
    last = ""
    for token in parse(text):
        if token.type == "text":
            parts.append(fix(last, token.content))
            last = token.content[-1:] or last
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()
