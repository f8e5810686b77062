"""Invoke tasks: the user interface of pressroom. Each task parses its options and
calls one function of pressroom.cli; run `invoke --list` to see them."""

from invoke import task

from pressroom import cli


@task
def extract(c):
    """Extract every translatable string (content and layouts) into locales/messages.pot."""
    cli.extract()


@task(help={"lang": "language code(s), comma-separated (default: all configured)"})
def update(c, lang=None):
    """Create or merge locales/<lang>/LC_MESSAGES/messages.po from the template."""
    cli.update(lang=lang)


@task(help={"lang": "language code(s), comma-separated (default: all configured)"})
def locate(c, lang=None):
    """Note in each catalogue where its strings are printed (#. brochure.pdf p. 5 …).

    Reads the layout data of the last print build; `update` keeps these notes."""
    cli.locate(lang=lang)


@task(name="compile", help={"lang": "language code(s), comma-separated (default: all)"})
def compile_(c, lang=None):
    """Compile the catalogues to build/locale/<lang>/LC_MESSAGES/messages.mo."""
    cli.compile(lang=lang)


@task(aliases=(), help={"lang": "language code(s), comma-separated (default: all configured)",
            "doc": "document name(s): brochure, standards (default: all)",
            "profile": "print (default: PDF/X-4 for the printer), screen, or proof "
                       "(review copy: English fallbacks and fuzzy strings in colour)",
            "preflight": "check the PDFs after building (default; --no-preflight to skip)",
            "allow-incomplete": "print run with untranslated or fuzzy strings, and translations "
                                "that check rejects, in English",
            "jobs": "renders at once (default: the number of cores)",
            "force": "render even the PDFs whose inputs did not change"})
def build(c, lang=None, doc=None, profile="print", preflight=True, allow_incomplete=False,
          jobs=None, force=False):
    """Render build/<lang>/<doc>.pdf for each language and document, then preflight them.

    A print run refuses each document whose catalogue breaks its policy (untranslated
    or fuzzy strings, check errors) unless --allow-incomplete, and builds the
    others; --lang qps builds a pseudo-translation."""
    cli.build(lang=lang, doc=doc, profile=profile, preflight=preflight,
              allow_incomplete=allow_incomplete, jobs=int(jobs) if jobs else None, force=force)


@task(help={"lang": "language code(s) (default: every language but the source; with "
                    "--layout, every language)",
            "layout": "also build the print PDFs and report text that does not fit its box, "
                      "headings alone at the foot of a page and documents over their page limit"})
def check(c, lang=None, layout=False):
    """Check translations: footnotes, links, emphasis, HTML, numbers, length, glossary."""
    cli.check(lang=lang, layout=layout)


@task(help={"lang": "language code(s), comma-separated (default: all configured)",
            "doc": "document name(s) (default: all)"})
def verify(c, lang=None, doc=None):
    """Rebuild each print PDF from the git commit in its manifest and confirm the same sha256."""
    cli.verify(lang=lang, doc=doc)


@task(name="init-lang", positional=["code"], help={"code": "a locale code such as de or pt_BR"})
def init_lang(c, code):
    """Add a language: its catalogue from the template, and the configuration."""
    cli.init_lang(code)


@task(help={"lang": "language code(s), comma-separated (default: all configured)",
            "doc": "document name(s) (default: all)",
            "profile": "print (default) or screen"})
def preflight(c, lang=None, doc=None, profile="print"):
    """Check the built PDFs as a print shop would: fonts, boxes, bleed, colour, pages."""
    cli.preflight(lang=lang, doc=doc, profile=profile)


@task(help={"lang": "language code(s) (default: every language but the source)",
            "format": "table (default) or json"})
def stats(c, lang=None, format="table"):
    """Translation progress per language and document: messages and words."""
    cli.stats(lang=lang, fmt=format)


@task(help={"doc": "document name(s) (default: all)",
            "lang": "language code(s) to put side by side (default: all)",
            "profile": "print (default) or screen",
            "compare": "compare every page with the previous proof's first: "
                       "build/proof/diff/"})
def proof(c, doc=None, lang=None, profile="print", compare=False):
    """Contact sheets of the built PDFs, languages side by side: build/proof/<doc>.png.

    Each page is kept in build/proof/pages/ for the next --compare, which lists the
    pages that changed since and draws them in build/proof/diff/<doc>/<lang>/."""
    cli.proof(doc=doc, lang=lang, profile=profile, compare=compare)


@task(help={"doc": "document name(s) (default: all)",
            "lang": "language code(s), comma-separated (default: all configured)",
            "profile": "print (default) or screen",
            "dpi": "resolution of the preview PNGs (default: 60)",
            "jobs": "renders at once (default: 1, in this process: fastest for one PDF)"})
def watch(c, doc=None, lang=None, profile="print", dpi=None, jobs=1):
    """Rebuild what each save changes and preview it in build/preview/<lang>/<doc>/.

    Watches layouts/, content/, locales/ and pyproject.toml; writes each page as
    page-NN.png (only the pages whose pixels changed). Ctrl-C to stop."""
    cli.watch(doc=doc, lang=lang, profile=profile, dpi=dpi, jobs=jobs)


@task(help={"lang": "language code(s), comma-separated (default: every language but the "
                    "source)",
            "doc": "document name(s) (default: all)",
            "dpi": "resolution of the images (default: 110)"})
def screenshots(c, lang=None, doc=None, dpi=None):
    """Each printed message in its page, outlined: build/context/<lang>/<key>.png.

    Reads the print build (run `invoke build` first); writes index.html (English,
    translation, catalogue line, pages, image) and screenshots.json for scripts."""
    cli.screenshots(lang=lang, doc=doc, dpi=dpi)


@task
def clean(c):
    """Remove build/: PDFs, records, previews, proofs and screenshots (all made again)."""
    cli.clean()


@task
def test(c):
    """Run the test suite."""
    c.run("python -m pytest -q", pty=False)
