"""Layout-aware translation QA (``invoke check --layout``), on top of the built PDFs.

Each build keeps what :func:`pressroom.render.layout.analyse` found in
``<pdf>.layout.json``. Here those facts become findings against the message that
caused them, at the line a translator edits::

  locales/fr/LC_MESSAGES/messages.po:412: overflows the key-figures panel on brochure p. 5 by 3.8 mm

- text that runs out of its frame (a panel, the cover, a table cell) or out of
  the page's text area, or that is cut off (a message printed in part: lines a
  fixed box dropped);
- a heading left alone at the foot of a page, or with a single line of its
  text (a warning);
- a note printed on another page than its first call (at the line of the note's
  text, or of the message that calls it);
- a word hyphenated across a page turn that the build could not mend (a warning:
  WeasyPrint cannot forbid it, see :func:`pressroom.render.layout.keep_words`);
- a document longer than its ``max_pages`` (policy): the messages that take the
  most room compared with the source language are named, with the millimetres
  of text height they add.

For the source language the line is that of the content file (or template).
Whether a finding is an error (refuses a print run) or a warning is the
document's policy (``layout = "error" | "warning"``).
"""

from __future__ import annotations

import json

from pressroom.messages.catalogs import read_catalog_readonly
from pressroom.messages.check import ERROR, WARNING, Finding, msgid_of
from pressroom.model.config import Project, policy
from pressroom.model.content import load_document
from pressroom.render.layout import Issue, message_key

GROWTH_LISTED = 5
WARNING_KINDS = {"short-line", "page-turn-hyphen", "heading-one-line"}
# Frames that are a page of their own: text growing there does not lengthen the
# document, so it is not blamed for a page count over the limit.
SINGLE_PAGE_FRAMES = {"cover", "back cover", "imprint page", "title page", "running head"}



def load_layout(project: Project, lang: str, doc: str, profile: str = "print") -> dict | None:
    path = Project.layout_path(project.pdf_path(lang, doc, profile))
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def message_lines(project: Project, lang: str, docs: list[str],
                  documents: dict | None = None) -> dict[str, tuple[str, int]]:
    """For each message key: the file and line where ``lang``'s text of it is edited
    (``documents``: the loaded content, if the caller has it)."""
    out: dict[str, tuple[str, int]] = {}
    if lang != project.source_language and project.po_path(lang).exists():
        path = project.po_path(lang)
        shown = project.rel(path)
        for message in read_catalog_readonly(path, shown, lang, project.cache_dir):
            if message.id:  # a plural entry is printed under the key of its msgid
                out[message_key(message.context, msgid_of(message))] = (shown,
                                                                        message.lineno or 0)
        return out
    if project.pot_path.exists():  # template strings: their line in the layouts
        for message in read_catalog_readonly(project.pot_path, project.rel(project.pot_path),
                                             cache=project.cache_dir):
            if message.id and message.locations:
                name, line = message.locations[0]
                out[message_key(message.context, msgid_of(message))] = (name, line or 0)
    for doc in docs:
        path = project.content_path(doc)
        document = ((documents or {}).get(doc)
                    or load_document(path, project.rel(path), project.cache_dir))
        for text in document.texts():
            out[message_key(text.context, text.value)] = (project.rel(path), text.line or 0)
    return out


def findings(project: Project, langs: list[str], docs: list[str],
             documents: dict | None = None) -> list[Finding]:
    """Layout findings for the print builds of ``langs`` × ``docs`` (build them first)."""
    out: list[Finding] = []
    source = {doc: load_layout(project, project.source_language, doc) for doc in docs}
    for lang in langs:
        datas = {doc: load_layout(project, lang, doc) for doc in docs}

        def needs_lines(doc: str, data: dict | None) -> bool:
            limit = policy(project, doc).max_pages
            return bool(data and (data.get("issues") or (limit and data["pages"] > limit)))

        # reading the catalogue's lines costs time: only when there is something to say
        lines = (message_lines(project, lang, docs, documents)
                 if any(needs_lines(doc, data) for doc, data in datas.items()) else {})
        for doc in docs:
            rules = policy(project, doc)
            level = ERROR if rules.layout == "error" else WARNING
            pdf = project.rel(project.pdf_path(lang, doc))
            data = datas[doc]
            if data is None:
                out.append(Finding(pdf, 0, ERROR, "no layout data: run `invoke build` first",
                                   lang))
                continue
            for raw in data.get("issues", []):
                issue = Issue(**raw)
                path, line = lines.get(issue.key, (pdf, 0)) if issue.key else (pdf, 0)
                text = issue.describe(doc)
                if not issue.key and issue.text:
                    text += f" (\"{issue.text}\", not from a catalogue)"
                # ugly, not lost text (a line broken too early, a word hyphenated
                # across a page turn): it never refuses a run
                out.append(Finding(path, line, WARNING if issue.kind in WARNING_KINDS else level,
                                   text, lang))
            if rules.max_pages and data["pages"] > rules.max_pages:
                out += _page_limit(data, source.get(doc), lines, rules, level, pdf, lang, project)
    return out


def _page_limit(data: dict, source: dict | None, lines: dict, rules, level: str, pdf: str,
                lang: str, project: Project) -> list[Finding]:
    head = (f"{rules.doc} runs to {data['pages']} pages, over its limit of {rules.max_pages} "
            f"(max_pages in {rules.table()})")
    if source is None or lang == project.source_language:
        return [Finding(pdf, 0, level, head, lang)]
    growth = _growth(data, source)
    top = [item for item in growth if item[1] > 0][:GROWTH_LISTED]
    if not top:
        return [Finding(pdf, 0, level, head, lang)]
    out = []
    for key, added, page in top:
        path, line = lines.get(key, (pdf, 0))
        out.append(Finding(path, line, level,
                           f"{head}: this message takes {added:.1f} mm more than the "
                           f"{project.source_language} text (p. {page})", lang))
    return out


def _growth(data: dict, source: dict) -> list[tuple[str, float, int]]:
    """Messages by how much more height their lines take than in the source build."""
    def heights(layout: dict) -> dict[str, float]:
        out: dict[str, float] = {}
        for region in layout.get("regions", []):
            if region["frame"] not in SINGLE_PAGE_FRAMES:
                out[region["key"]] = out.get(region["key"], 0.0) + region["text_h"]
        return out

    first_page: dict[str, int] = {}
    for region in sorted(data.get("regions", []), key=lambda r: r["page"]):
        first_page.setdefault(region["key"], region["page"])
    mine, theirs = heights(data), heights(source)
    growth = [(key, round(h - theirs.get(key, 0.0), 1), first_page.get(key, 0))
              for key, h in mine.items()]
    return sorted(growth, key=lambda item: (-item[1], item[0]))
