"""Where each message is printed, written into the catalogues for translators.

After a print build, each message of a catalogue gets an extracted comment per
document that prints it, in that language's own PDF::

    #. brochure.pdf p. 5 (key-figures panel)
    #. standards.pdf pp. 3–4 (text)

Poedit and Weblate show ``#.`` comments next to the string. The comments come
from the layout data of the last print build (``<pdf>.layout.json``); for a
document not built in that language the comments already in the catalogue are
kept, so a catalogue does not change unless something moved. ``invoke locate``
writes them; ``invoke update`` keeps them across a merge.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pressroom.fsutil import atomic_write_bytes
from pressroom.messages.catalogs import LOCATION as _LOCATION
from pressroom.messages.catalogs import is_location, read_catalog
from pressroom.messages.extract import clean_flags, render_po
from pressroom.model.config import Project
from pressroom.qa.layout_qa import load_layout
from pressroom.render.layout import describe_pages, message_key, page_summary


def located(project: Project, lang: str) -> dict[str, dict[str, str]]:
    """{doc: {message key: comment}} for each document with print layout data in ``lang``."""
    out = {}
    for doc in project.documents:
        data = load_layout(project, lang, doc)
        if data is None:
            continue
        out[doc] = {key: describe_pages(f"{doc}.pdf", pairs)
                    for key, pairs in page_summary(data.get("regions", [])).items()}
    return out


def refresh(project: Project, lang: str, catalog) -> None:
    """Set the location comments of ``catalog`` from the last print build in ``lang``
    (what `update` does after its merge)."""
    apply(project, catalog, located(project, lang))


def _location_doc(comment: str) -> str:
    """The document a location comment names (``brochure`` in ``brochure.pdf p. 5``)."""
    match = _LOCATION.match(comment)
    return match.group("doc") if match else ""


def apply(project: Project, catalog, found: dict[str, dict[str, str]]) -> None:
    """Set each message's location comments: from ``found`` for the documents it
    covers, the message's own earlier ones for the rest (``update`` keeps them
    through its merge)."""
    order = {doc: i for i, doc in enumerate(project.documents)}
    for message in catalog:
        if not message.id:
            continue
        old = [c for c in message.auto_comments if is_location(c)]
        kept = [c for c in old if _location_doc(c) not in found]
        key = message_key(message.context, message.id[0] if isinstance(message.id, tuple)
                          else message.id)  # a plural entry: the key of its msgid
        fresh = [comments[key] for comments in found.values() if key in comments]
        places = sorted(dict.fromkeys(kept + fresh),
                        key=lambda c: order.get(_location_doc(c), len(order)))
        message.auto_comments = [c for c in message.auto_comments if not is_location(c)] + places


@dataclass
class LocateResult:
    lang: str
    path: Path
    changed: bool
    documents: list[str]
    located: int


def locate(project: Project, langs: list[str]) -> list[LocateResult]:
    """Write the location comments into each language's catalogue (read all first)."""
    pending = []
    for lang in langs:
        path = project.po_path(lang)
        catalog = read_catalog(path, project.rel(path), lang)
        found = located(project, lang)
        apply(project, catalog, found)
        clean_flags(catalog)  # Babel's reader guesses python-format for "83% of"
        count = sum(1 for m in catalog if m.id and any(is_location(c) for c in m.auto_comments))
        pending.append((lang, path, catalog, sorted(found), count))
    return [LocateResult(lang, path, atomic_write_bytes(path, render_po(catalog,
                                                                         include_previous=True)),
                         docs, count)
            for lang, path, catalog, docs, count in pending]
