"""Render one (document, language): load -> translate -> typography -> HTML -> PDF.

The view model handed to the Jinja2 layouts holds only escaped, safe HTML made
by :mod:`pressroom.text.markup`; Jinja2 autoescaping stays on for everything else.
WeasyPrint fetches through :class:`pressroom.render.sandbox.SandboxFetcher`, and the
PDF is written atomically: a failed render leaves the previous PDF in place.
"""

from __future__ import annotations

# WeasyPrint takes more than half a second to import: it is imported where a
# document is rendered (pressroom.render.engine, sandbox), so that a no-op build
# or `invoke check` stays fast.
import contextlib
import io
import json
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
)
from markupsafe import Markup, escape

from pressroom import __version__
from pressroom.errors import MarkupError, PressroomError, RenderError
from pressroom.fsutil import atomic_write_bytes
from pressroom.messages.catalogs import Translations
from pressroom.model.config import PSEUDO_LANGUAGES, Project
from pressroom.model.content import FACTS, Block, Document, Text
from pressroom.render import engine, layout, printmarks
from pressroom.text import formatting, markup, typography

if TYPE_CHECKING:
    from pressroom.render.sandbox import RefusedURL, SandboxFetcher

PROFILES = ("print", "screen", "proof")


@dataclass
class BuildResult:
    doc: str
    lang: str
    profile: str
    path: Path
    pages: int
    seconds: float
    written: bool
    fallbacks: int = 0
    warnings: list[str] = field(default_factory=list)
    skipped: bool = False  # inputs unchanged since the last build: not rendered again


# --------------------------------------------------------------------------- localisation
class Localizer:
    """Translates and formats the strings of one document into one language, and
    marks each printed message with its key (see :mod:`pressroom.render.layout`)."""

    def __init__(self, doc: Document, shown: str, translations: Translations, *,
                 source: bool = False, proof: bool = False,
                 assets: Path | None = None):
        self.doc = doc
        self.shown = shown
        self.tx = translations
        self.lang = translations.lang
        self.fix = typography.for_language(self.lang)
        self.isolate = formatting.direction(self.lang) == "rtl"  # LTR runs isolated (markup)
        self.note_numbers: dict[str, int] = {}
        self.source = source  # the source language: nothing is a fallback
        self.proof = proof  # proofs print fuzzy translations (marked) instead of English
        self.assets = assets  # folder of images: per-language variants are looked up there
        self.keys: dict[str, tuple[str | None, str]] = {}  # printed message key -> (ctx, id)
        self.plain_keys: dict[str, str] = {}  # plain text -> message key
        self.letters: dict[str, int] = {}  # message key -> letters of its printed text
        # note number -> what a screen reader says for its call and for its number
        # (link descriptions, translated by the layouts: see make_environment)
        self.note_labels: Callable[[int], tuple[Markup, Markup]] | None = None

    def lookup(self, msgid: str, context: str | None = None) -> tuple[str, str, str]:
        """(text to print, its state, its message key)."""
        text, state = self.tx.lookup(msgid, context, use_fuzzy=self.proof)
        key = layout.message_key(context, msgid)
        self.keys[key] = (context, msgid)
        return text, "source" if self.source else state, key

    def nlookup(self, singular: str, plural: str, n: int,
                context: str | None = None) -> tuple[str, str, str]:
        """``lookup`` for a plural entry: the form the catalogue's rule gives ``n``."""
        text, state = self.tx.nlookup(singular, plural, n, context, use_fuzzy=self.proof)
        key = layout.message_key(context, singular)
        self.keys[key] = (context, singular)
        return text, "source" if self.source else state, key

    def tr(self, text: Text) -> str:
        return self.lookup(text.value, text.context)[0]

    def _where(self, text: Text, translated: str) -> tuple[str, int | None]:
        key = (text.context, text.value)
        if translated != text.value and key in self.tx.lines and self.tx.path:
            return self.tx.path, self.tx.lines[key]
        return self.shown, text.line

    def html(self, text: Text | None, footnotes: bool = True) -> Markup:
        if text is None:
            return Markup("")
        if not text.translatable:  # a number or a symbol: not a message, printed as written
            return Markup(markup.to_html(text.value, None, self.fix, self.isolate))
        translated, state, key = self.lookup(text.value, text.context)
        numbered = dict(self.note_numbers)
        try:
            body = markup.to_html(translated, self.footnote if footnotes else None, self.fix,
                                 self.isolate)
        except MarkupError as exc:
            if translated == text.value:  # the English itself: a mistake in the content
                path, line = self._where(text, translated)
                raise PressroomError(exc.message, path, line) from None
            # a translation that cannot be printed (a footnote id that is not a note,
            # say, in a fuzzy translation of a proof): the English, as a fallback
            self.note_numbers = numbered  # notes numbered by the failed attempt are not printed
            self.tx.rejected.setdefault((text.context, text.value), [exc.message])
            self.tx.fallbacks.add((text.context, text.value))
            translated, state = text.value, "fallback"
            try:
                body = markup.to_html(translated, self.footnote if footnotes else None, self.fix,
                                 self.isolate)
            except MarkupError as again:
                raise PressroomError(again.message, self.shown, text.line) from None
        self.letters[key] = layout.letter_count(markup.to_plain(translated, self.fix))
        if self.isolate and translated == text.value and not self.source:
            # English printed in a right-to-left edition (untranslated, a fallback):
            # one left-to-right isolate, or its brackets and full stop would mirror
            # and its emphasis would change places with the words around it
            body = f'<span dir="ltr">{markup.LTR_ISOLATE}{body}{markup.POP_ISOLATE}</span>'
        return Markup(layout.span(key, state) + body + "</span>")

    def plain(self, text: Text | None) -> str:
        """Text without markup, for attributes (running heads via ``string-set``,
        alt text): remembered so that a running head can be traced to its message."""
        if text is None:
            return ""
        if not text.translatable:
            return markup.to_plain(text.value, self.fix)
        translated, _state, key = self.lookup(text.value, text.context)
        shown = markup.to_plain(translated, self.fix)
        self.plain_keys.setdefault(shown, key)
        return shown

    def asset(self, src: str) -> str:
        """``images/map.fr.svg`` when it exists beside ``images/map.svg``, else ``src``."""
        if self.assets is None or self.source:
            return src
        path = Path(src)
        variant = path.with_name(f"{path.stem}.{self.lang}{path.suffix}")
        return variant.as_posix() if (self.assets / variant).is_file() else src

    def footnote(self, note_id: str) -> str:
        note = self.doc.notes.get(note_id)
        if note is None:
            raise MarkupError(f"footnote [^{note_id}] is not a note of {self.doc.name} "
                              "(keep the note ids of the English text)")
        anchor = escape(f"note-{note_id}")
        if note_id in self.note_numbers:  # printed once; later references repeat its number
            number = self.note_numbers[note_id]
            call, _back = self._note_labels(number)
            return f'<a class="note-ref" href="#{anchor}" aria-label="{call}">{number}</a>'
        number = self.note_numbers[note_id] = len(self.note_numbers) + 1
        body = self.html(note, footnotes=False)
        call, back = self._note_labels(number)
        return (f'<span class="footnote" id="{anchor}" data-n="{number}" '
                f'data-note="{escape(note_id)}" data-pdf-role="Note" '
                f'data-call-label="{call}" data-back-label="{back}">{body}</span>')

    def _note_labels(self, number: int) -> tuple[Markup, Markup]:
        """(call, back) descriptions of note ``number``'s links, escaped for an attribute."""
        if self.note_labels is None:
            return Markup(number), Markup(number)
        call, back = self.note_labels(number)
        return escape(call), escape(back)


def _stat_view(loc: Localizer, stat: dict) -> dict:
    lang = loc.lang
    value = stat["value"]
    shown = (formatting.percent(value, lang) if stat.get("format") == "percent"
             else formatting.number(value, lang))
    return {
        "value": value,
        "figure": shown,
        "prefix": loc.html(stat.get("prefix")),
        "unit": loc.html(stat.get("unit")),
        "label": loc.html(stat["label"]),
        "source": Markup(loc.footnote(stat["source"])) if stat.get("source") else Markup(""),
    }


def _chart_view(loc: Localizer, chart: dict) -> dict:
    bars = chart["bars"]
    top = max((abs(b["value"]) for b in bars), default=0) or 1
    fmt = chart.get("format")
    lang = loc.lang
    return {
        "title": loc.html(chart["title"]),
        "title_plain": loc.plain(chart["title"]),
        "unit": loc.html(chart.get("unit")),
        "unit_plain": loc.plain(chart.get("unit")),
        "source": Markup(loc.footnote(chart["source"])) if chart.get("source") else Markup(""),
        "bars": [{
            "label": loc.html(b["label"]),
            "label_plain": loc.plain(b["label"]),
            "value": b["value"],
            "figure": (formatting.percent(b["value"], lang) if fmt == "percent"
                       else formatting.number(b["value"], lang)),
            "width": round(100 * abs(b["value"]) / top, 2),
        } for b in bars],
    }


def _block_view(loc: Localizer, block: Block) -> dict:
    f = block.fields
    t = block.type
    view: dict[str, Any] = {"type": t, "line": block.line}
    if t in ("p", "subheading"):
        view["html"] = loc.html(f[t])
    elif t == "list":
        view["items"] = [loc.html(item) for item in f["list"]]
        view["ordered"] = bool(f.get("ordered"))
    elif t == "quote":
        view["html"] = loc.html(f["quote"])
        view["cite"] = loc.html(f.get("cite"))
    elif t == "callout":
        view["html"] = loc.html(f["callout"])
        view["title"] = loc.html(f.get("title"))
    elif t == "stat":
        view.update(_stat_view(loc, f["stat"]))
    elif t == "chart":
        view.update(_chart_view(loc, f["chart"]))
    elif t == "figure":
        fig = f["figure"]
        view.update(src=loc.asset(fig["src"]), alt=loc.plain(fig["alt"]),
                    caption=loc.html(fig.get("caption")))
    elif t == "table":
        tab = f["table"]
        view.update(caption=loc.html(tab.get("caption")),
                    header=[loc.html(c) for c in tab["header"]],
                    rows=[[loc.html(c) for c in row] for row in tab["rows"]])
    return view


def _group_stats(blocks: list[dict]) -> list[dict]:
    """Consecutive stat blocks form one key-figures panel."""
    out: list[dict] = []
    for block in blocks:
        if block["type"] == "stat":
            if out and out[-1]["type"] == "stats":
                out[-1]["items"].append(block)
            else:
                out.append({"type": "stats", "items": [block], "line": block["line"]})
        else:
            out.append(block)
    return out


def view_model(doc: Document, loc: Localizer) -> dict:
    sections = []
    for number, section in enumerate(doc.sections, start=1):
        blocks = [_block_view(loc, b) for b in section.blocks]
        sections.append({
            "id": section.id,
            "number": number,
            "heading": loc.html(section.heading),
            "heading_plain": loc.plain(section.heading),
            "blocks": _group_stats(blocks),
        })
    return {
        "name": doc.name,
        "title": loc.html(doc.title),
        "title_plain": loc.plain(doc.title),
        "subtitle": loc.html(doc.subtitle),
        "short_title": loc.plain(doc.short_title or doc.title),
        "publisher": loc.html(doc.publisher),
        "publisher_plain": loc.plain(doc.publisher),
        "edition": loc.html(doc.edition),
        "date": loc.fix(formatting.date(doc.date, loc.lang)),  # "1ᵉʳ novembre 2026"
        "date_iso": doc.date.isoformat(),
        "sections": sections,
        "disclaimer": loc.html(doc.disclaimer),
        "current_as_of": (loc.fix(formatting.date(doc.current_as_of, loc.lang))
                          if doc.current_as_of else ""),
        # facts only the publisher knows: "" until filled in (the preflight warns)
        **{name: _fact_html(doc.fact(name, loc.lang), loc) for name in FACTS},
    }


def _fact_html(value: str, loc: Localizer) -> Markup:
    """A fact as written (not a message: no translation), with its links
    (``[site](https://…)``) and the language's typography; "" when empty."""
    return Markup(markup.to_html(value, None, loc.fix, loc.isolate)) if value else Markup("")


# --------------------------------------------------------------------------- templates
def make_environment(project: Project, loc: Localizer) -> Environment:
    env = Environment(loader=FileSystemLoader(str(project.layouts_dir)), autoescape=True,
                      undefined=StrictUndefined, extensions=["jinja2.ext.i18n"],
                      trim_blocks=True, lstrip_blocks=True)
    env.policies["ext.i18n.trimmed"] = True
    fix = loc.fix

    def pgettext(context: str | None, message: str) -> Markup:
        text, state, key = loc.lookup(message, context)
        return layout.marked(key, state, escape(fix(text)))

    def gettext(message: str) -> Markup:
        return pgettext(None, message)

    def npgettext(context: str | None, singular: str, plural: str, n: int) -> Markup:
        text, state, key = loc.nlookup(singular, plural, n, context)
        return layout.marked(key, state, escape(fix(text)))

    def ngettext(singular: str, plural: str, n: int) -> Markup:
        return npgettext(None, singular, plural, n)

    # added to the environment by the jinja2.ext.i18n extension: not in its type
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, pgettext=pgettext, npgettext=npgettext, newstyle=True)
    env.filters["number"] = lambda v: formatting.number(v, loc.lang)
    env.filters["fill"] = fill
    loc.note_labels = _note_labels(env)
    return env


def fill(text: str, **values: Any) -> Markup:
    """A template string with its ``{name}`` placeholders filled (the values escaped):
    ``_("Note {number}")|fill(number=3)``. A placeholder a translation lost or
    misspelt is left as written, never an error (``check`` reports it)."""
    out = str(escape(text))
    for name, value in values.items():
        out = out.replace("{" + name + "}", str(escape(value)))
    return Markup(out)


def _note_labels(env: Environment) -> Callable[[int], tuple[Markup, Markup]] | None:
    """The layouts' ``note_call_label`` and ``note_back_label`` macros (in
    ``components.html``) as one function, or None where the layouts have none."""
    try:
        module = env.get_template("components.html").module
    except TemplateNotFound:
        return None
    call = getattr(module, "note_call_label", None)
    back = getattr(module, "note_back_label", None)
    if call is None or back is None:
        return None
    return lambda number: (Markup(call(number)), Markup(back(number)))


def render_html(project: Project, doc: Document, loc: Localizer, *,
                profile: str = "print", cmyk_profile: Path | None = None,
                padding: bool = False) -> str:
    """The document's HTML; with ``padding``, a document of the one page that pads
    it to its page multiple (the template's ``padding_page`` block)."""
    env = make_environment(project, loc)
    name = f"{doc.name}/document.html"
    try:
        template = env.get_template(name)
        language_css = project.language_stylesheet(loc.lang)
        model = view_model(doc, loc)
        # the languages the publication is released in, named in this edition's language
        model["editions"] = formatting.language_list(project.release_languages, loc.lang)
        html = template.render(doc=model, lang=loc.lang,
                               dir=formatting.direction(loc.lang), profile=profile,
                               language_stylesheet=(language_css.relative_to(
                                   project.layouts_dir).as_posix() if language_css else ""),
                               cmyk_profile_url=cmyk_profile.as_uri() if cmyk_profile else "",
                               generator=f"pressroom {__version__}", padding=padding)
        return layout.place_markers(html)
    except PressroomError:
        raise
    except TemplateNotFound as exc:
        raise RenderError(f"layout template not found: layouts/{exc.name}",
                          project.rel(project.layouts_dir / name)) from None
    except TemplateSyntaxError as exc:
        shown = project.rel(Path(exc.filename)) if exc.filename else f"layouts/{name}"
        raise RenderError(f"template syntax error: {exc.message}", shown, exc.lineno) from None
    except TemplateError as exc:
        raise RenderError(f"template error: {exc}", f"layouts/{name}") from None


# --------------------------------------------------------------------------- rendering
def _render_document(project: Project, html: str, fetcher: SandboxFetcher) -> engine.Document:
    """Lay out ``html`` (see :func:`pressroom.render.engine.render`); a URL the
    sandbox refused becomes the user's error, naming the file."""
    with _engine_errors(project, fetcher):
        document = engine.render(html, base_url=project.layouts_dir.as_uri() + "/",
                                 url_fetcher=fetcher,
                                 hyphenation=dict(project.settings.hyphenation))
    return document


@contextlib.contextmanager
def _engine_errors(project: Project, fetcher: SandboxFetcher) -> Iterator[None]:
    """The engine's failures as the user's errors: a URL the sandbox refused names
    the file; anything else is "WeasyPrint failed" with its message."""
    from pressroom.render.sandbox import RefusedURL

    try:
        yield
    except (Exception, RefusedURL) as exc:  # RefusedURL is not an Exception (WeasyPrint's rule)
        if fetcher.refused:
            raise _refusal(project, fetcher.refused[0]) from None
        raise RenderError(f"WeasyPrint failed: {type(exc).__name__}: {exc}") from None
    if fetcher.refused:
        raise _refusal(project, fetcher.refused[0])


def _refusal(project: Project, refused: RefusedURL) -> RenderError:
    if refused.path is not None:  # a missing font, image or stylesheet of the project
        return RenderError("file not found (referenced by the layouts' HTML or CSS)",
                           project.rel(refused.path))
    return RenderError(str(refused))


def _insert_padding_pages(project: Project, document: engine.Document, padding_html: str,
                          count: int, fetcher: SandboxFetcher) -> engine.Document:
    """``count`` padding pages (``padding_html``'s page: see :func:`render_html`)
    before the back cover (or at the end), laid out with the document's own
    stylesheets, without laying out the whole document again."""
    start = padding_html.index(">", padding_html.index("<body")) + 1
    end = padding_html.rindex("</body>")
    html = padding_html[:start] + padding_html[start:end] * count + padding_html[end:]
    padding = _render_document(project, html, fetcher)
    pages = document.pages
    at = len(pages) - 1 if _back_cover(pages[-1]) else len(pages)
    return document.copy(pages[:at] + padding.pages[:count] + pages[at:])


def _back_cover(page: engine.Page) -> bool:
    """Whether ``page`` is a back cover (``data-frame="back cover"``): padding pages
    go before it; a document that ends with text is padded at its end."""
    return any(box.get("data-frame") == "back cover" for box in page.root.descendants())


def _screen_finisher(pdf: engine.PdfFile) -> None:
    """The screen edition's sRGB OutputIntent is a display condition, PDF/A's kind
    (``GTS_PDFA1``), not a printing condition (PDF/X's ``GTS_PDFX``)."""
    pdf.name_output_intents("GTS_PDFA1")


def _pdf_options(project: Project, profile: str, html: str) -> dict[str, Any]:
    """:func:`pressroom.render.engine.write_pdf`'s options for a profile."""
    if profile == "screen":  # colours in sRGB (tokens.css), which the OutputIntent names
        return {"tagged": True, "variant": "pdf/ua-1", "output_intent": "srgb",
                "finisher": _screen_finisher}
    if profile == "proof":  # for reviewers' desk printers: plain PDF, trimmed pages
        return {}
    marks = project.settings.crop_marks
    # print carries the screen edition's tags too (PDF/X-4 allows a structure tree);
    # its annotations keep no Print flag (PDF/X: nothing but the page prints inside the trim)
    return {"variant": "pdf/x-4", "tagged": True,
            "finisher": printmarks.finisher(html.encode("utf-8"), marks)}


def _pdf_bytes(project: Project, document: engine.Document, profile: str, html: str,
               fetcher: SandboxFetcher, lang: str) -> bytes:
    buffer = io.BytesIO()
    with _engine_errors(project, fetcher):  # images are fetched when the PDF is drawn
        engine.write_pdf(document, buffer, direction=formatting.direction(lang),
                         **_pdf_options(project, profile, html))
    return buffer.getvalue()


def _lay_out(project: Project, doc: Document, html: str, profile: str,
             fetcher: SandboxFetcher, padding_html: Callable[[], str]) -> engine.Document:
    """The document laid out, each note on the page of its first call, no word
    hyphenated across a page turn where a change of its paragraph can help (with
    the notes kept), padded to the page multiple with ``padding_html``'s page."""
    document = _render_document(project, html, fetcher)
    multiple = project.settings.page_multiple(doc.name)
    padded = profile in ("print", "proof") and multiple > 1
    # the blank pages a booklet would get are room to keep notes with their calls
    budget = math.ceil(len(document.pages) / multiple) * multiple if padded else 0
    document = layout.keep_notes(document, pages=budget)
    document = layout.keep_words(document)
    pages = len(document.pages)
    if padded and pages % multiple:
        pad = math.ceil(pages / multiple) * multiple - pages
        document = _insert_padding_pages(project, document, padding_html(), pad, fetcher)
    return document


@dataclass
class Prepared:
    """What a render starts from: the localizer, the profile's ICC (print), the
    sandbox's roots and files, and the final HTML WeasyPrint lays out."""

    loc: Localizer
    profile_icc: Path | None
    roots: list[Path]
    files: list[Path]
    cache_dir: Path
    html: str

    def fetcher(self) -> SandboxFetcher:
        from pressroom.render.sandbox import SandboxFetcher  # imports WeasyPrint: only to render

        return SandboxFetcher(self.roots, files=self.files, cache_dir=self.cache_dir)


def prepare(project: Project, doc: Document, lang: str, translations: Translations,
            profile: str = "print") -> Prepared:
    """The inputs of one render, its final HTML included (benchmarks render the same)."""
    translations.fallbacks.clear()
    translations.missing.clear()
    shown = project.rel(project.content_path(doc.name))
    loc = Localizer(doc, shown, translations, source=lang == project.source_language,
                    proof=profile == "proof", assets=project.content_dir)
    profile_icc = printmarks.cmyk_profile(project) if profile == "print" else None
    html = render_html(project, doc, loc, profile=profile, cmyk_profile=profile_icc)
    return Prepared(loc, profile_icc, [project.layouts_dir, project.content_dir],
                    [profile_icc] if profile_icc else [],
                    project.build_dir / ".cache" / "fonts", html)


def build_one(project: Project, doc: Document, lang: str, translations: Translations,
              profile: str = "print") -> BuildResult:
    start = time.perf_counter()
    ready = prepare(project, doc, lang, translations, profile)
    loc, profile_icc, html, fetcher = ready.loc, ready.profile_icc, ready.html, ready.fetcher()
    document = _lay_out(project, doc, html, profile, fetcher, lambda: render_html(
        project, doc, loc, profile=profile, cmyk_profile=profile_icc, padding=True))
    pages = len(document.pages)
    found = layout.survey(document, loc.plain_keys)  # one walk: layout data and overflows
    layout.lost_text(found, loc.letters)
    warnings = list(dict.fromkeys(document.warnings + found.overflows))
    pdf = _pdf_bytes(project, document, profile, html, fetcher, lang)
    path = project.pdf_path(lang, doc.name, profile)
    written = atomic_write_bytes(path, pdf)
    record = {"pages": pages, "warnings": warnings}
    atomic_write_bytes(Project.record_path(path), json.dumps(record, ensure_ascii=False,
                                                      indent=1).encode("utf-8"))
    placed = found.data()
    placed.update(doc=doc.name, lang=lang, profile=profile,
                  strings={key: list(value) for key, value in loc.keys.items()})
    atomic_write_bytes(Project.layout_path(path), json.dumps(placed, ensure_ascii=False,
                                                     indent=0).encode("utf-8"))
    fallbacks = (0 if lang in (project.source_language, *PSEUDO_LANGUAGES)
                 else len(translations.fallbacks | translations.missing))
    return BuildResult(doc.name, lang, profile, path, pages, time.perf_counter() - start,
                       written, fallbacks, warnings)
