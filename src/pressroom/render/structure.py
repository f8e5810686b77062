"""What the structure tree of a tagged PDF says: roles, link descriptions, and the
mending of the tree WeasyPrint writes.

WeasyPrint 70 builds the tree page by page (``weasyprint.pdf.tags``): an element
that runs over a page break becomes one structure element per page (a paragraph
continued on the next page is two /P, and so is every section and the ``main``
around it), a ``<li>`` without a bullet is an /LI wrapped around a second element
of the same ``<li>``, and a box with no text of its own (a bar of the chart) is
an empty /Span. The structure types of a few elements are not the ones their
role calls for (a footnote, its call and its number, a quote's attribution, the
chart) because HTML cannot say them.

Two kinds of functions, both free of WeasyPrint and pydyf so that they can be
tested on small objects:

- :func:`role`, :func:`link_label`, :func:`note_id` and :func:`alternative`
  read an element's tag and attributes (as :mod:`pressroom.render.engine` sees
  them while the tree is built) and say what its structure element should be;
- :func:`mend` walks the written tree (dictionaries, as pydyf holds them, reached
  through an :class:`Objects`) and merges the pieces of one element, takes away
  wrappers of an element around itself, and drops empty elements, keeping the
  parent tree (marked content → element) true.

The layouts ask for a structure type with ``data-pdf-role`` (``TOC``, ``TOCI``,
``Figure``, ``BlockQuote``, ``BibEntry``, ``Note``) and for alternative text with
``data-pdf-alt``; a link's description (the annotation's ``/Contents``, which a
screen reader reads) is its ``aria-label``, and a footnote's call and number take
``data-call-label`` and ``data-back-label`` from the footnote.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping, MutableMapping
from typing import Any, Protocol

CALL, MARKER = "::footnote-call", "::footnote-marker"
CALL_ANCHOR = "call-"  # a note links back to its first call: anchor "call-<note id>"

Element = MutableMapping[str, Any]


# --------------------------------------------------------------------------- roles
def role(tag: str | None, attrs: Mapping[str, str]) -> str | None:
    """The structure type of the element (or pseudo-element) ``tag`` with the HTML
    attributes ``attrs``, where it is not WeasyPrint's; None to keep WeasyPrint's.

    A footnote's call and its number (pseudo-elements of the footnote) are links
    to each other; the ``::before``/``::after`` of a link (the contents' leader and
    page number) are part of that link's text, not links of their own; other
    pseudo-elements keep their type. An element takes ``data-pdf-role``."""
    if tag is None:
        return None
    if tag.endswith((CALL, MARKER)):
        return "Link"
    if "::" in tag:
        return "Span" if tag.split("::")[0] == "a" else None
    return attrs.get("data-pdf-role") or None


def link_label(tag: str | None, attrs: Mapping[str, str]) -> str | None:
    """What a screen reader says for a link (its annotation's ``/Contents``):
    ``aria-label``, or for a footnote's call and number the footnote's
    ``data-call-label`` and ``data-back-label``. None: WeasyPrint's (the target)."""
    if tag is None:
        return None
    if tag.endswith(CALL):
        return attrs.get("data-call-label") or None
    if tag.endswith(MARKER):
        return attrs.get("data-back-label") or None
    if "::" in tag:
        return None
    return attrs.get("aria-label") or None


def note_id(tag: str | None, attrs: Mapping[str, str]) -> str | None:
    """The ``/ID`` of a /Note: the footnote element's own ``id``."""
    if tag is None or "::" in tag or role(tag, attrs) != "Note":
        return None
    return attrs.get("id") or None


def alternative(tag: str | None, attrs: Mapping[str, str]) -> str | None:
    """The ``/Alt`` of an element that asks for one (``data-pdf-alt``)."""
    if tag is None or "::" in tag:
        return None
    return attrs.get("data-pdf-alt") or None


def call_anchor(note: str) -> str:
    """The anchor at a note's first call, which the note's number links back to."""
    return CALL_ANCHOR + note


# --------------------------------------------------------------------------- the tree
class Objects(Protocol):
    """The PDF's objects as the mending sees them."""

    def resolve(self, reference: Any) -> Element | None:
        """The object a reference points to (None for anything else)."""

    def reference(self, element: Element) -> Any:
        """The reference of an indirect object."""

    def dictionary(self, values: dict[str, Any]) -> Element:
        """A new direct dictionary (a marked-content reference)."""

    def add(self, values: dict[str, Any]) -> Any:
        """A new indirect dictionary (a structure element): its reference."""


def _is_element(obj: Any) -> bool:
    return isinstance(obj, MutableMapping) and obj.get("Type") == "/StructElem"


def _children(objects: Objects, element: Element) -> Iterator[tuple[int, Element]]:
    """(index in /K, structure element) of an element's structure children."""
    for index, kid in enumerate(element.get("K") or ()):
        child = objects.resolve(kid) if not isinstance(kid, (int, MutableMapping)) else None
        if child is not None and _is_element(child):
            yield index, child


def _moved(objects: Objects, kid: Any, source: Element, target: Element) -> Any:
    """``kid`` of ``source`` as a kid of ``target``: a marked-content id on another
    page becomes a marked-content reference to its page; a child element's /P
    points to ``target``."""
    if isinstance(kid, int) and not isinstance(kid, bool):
        if source.get("Pg") == target.get("Pg"):
            return kid
        return objects.dictionary({"Type": "/MCR", "Pg": source.get("Pg"), "MCID": kid})
    child = objects.resolve(kid) if not isinstance(kid, MutableMapping) else None
    if child is not None and _is_element(child):
        child["P"] = objects.reference(target)
    return kid


def _absorb(objects: Objects, target: Element, source: Element, at: int | None,
            redirect: dict[Any, Any]) -> None:
    """Move ``source``'s kids into ``target`` (at index ``at``, or at the end) and
    empty ``source``: whatever pointed to it points to ``target``."""
    kids = [_moved(objects, kid, source, target) for kid in source.get("K") or ()]
    if at is None:
        target["K"].extend(kids)
    else:
        target["K"][at:at] = kids
    redirect[objects.reference(source)] = objects.reference(target)
    source.clear()


def _merge_split(objects: Objects, element: Element, sources: Mapping[Any, Hashable],
                 redirect: dict[Any, Any]) -> None:
    """Children of ``element`` made for one HTML element on later pages (its
    continuation after a page break) join the first; only notes (which WeasyPrint
    puts after each page's text) may stand between them. Then the same below."""
    kids = element.get("K")
    if kids is None:
        return
    first: dict[Hashable, int] = {}  # source -> index in kids of its first piece
    index = 0
    while index < len(kids):
        child = _resolve_element(objects, kids[index])
        key = sources.get(kids[index]) if child is not None else None
        if child is None or key is None:
            index += 1
            continue
        start = first.get(key)
        if start is not None and _joins(objects, kids, start, index, child):
            _absorb(objects, _resolve_element(objects, kids[start]) or {}, child, None,
                    redirect)
            del kids[index]
            continue
        first[key] = index
        index += 1
    for _, child in list(_children(objects, element)):
        _merge_split(objects, child, sources, redirect)


def _resolve_element(objects: Objects, kid: Any) -> Element | None:
    if isinstance(kid, (int, MutableMapping)):
        return None
    obj = objects.resolve(kid)
    return obj if obj is not None and _is_element(obj) else None


def _joins(objects: Objects, kids: list, start: int, index: int, piece: Element) -> bool:
    """Whether ``piece`` (at ``index``) continues the element at ``start``: on another
    page, with nothing but notes between them."""
    head = _resolve_element(objects, kids[start])
    if head is None or head.get("Pg") == piece.get("Pg"):
        return False
    between = [_resolve_element(objects, kid) for kid in kids[start + 1:index]]
    return all(other is not None and other.get("S") == "/Note" for other in between)


def _unwrap(objects: Objects, element: Element, sources: Mapping[Any, Hashable],
            redirect: dict[Any, Any]) -> None:
    """A child made for the same HTML element as its parent, with the same type (the
    /TOCI around a /TOCI of one ``<li>``), gives its kids to the parent."""
    key = sources.get(objects.reference(element))
    index = 0
    kids = element.get("K") or []
    while index < len(kids):
        child = _resolve_element(objects, kids[index])
        if (child is not None and key is not None and sources.get(kids[index]) == key
                and child.get("S") == element.get("S")):
            del kids[index]
            _absorb(objects, element, child, index, redirect)
            continue  # the moved kids are looked at in turn
        if child is not None:
            _unwrap(objects, child, sources, redirect)
        index += 1


def _drop_empty(objects: Objects, element: Element, removed: set[Any]) -> bool:
    """Drop every descendant with no content, no kids and no alternative text;
    True if ``element`` itself is empty after that."""
    kids = element.get("K")
    if kids is not None:
        keep = []
        for kid in kids:
            child = _resolve_element(objects, kid)
            if child is not None and _drop_empty(objects, child, removed):
                removed.add(kid)
                child.clear()
                continue
            keep.append(kid)
        kids[:] = keep
    return not kids and not element.get("Alt") and not element.get("ActualText")


def _wrap_loose(objects: Objects, element: Element, nums: list) -> None:
    """In every /Link that holds both marked content of its own and child elements
    (a contents line: its text, and the Span of its number), the marked content
    goes into a /Span of its own, so that the tree's order is the order of the
    page even for a reader that takes an element's own content before its
    children's. ``nums``, the parent tree, follows."""
    kids = element.get("K") or []
    mixed = element.get("S") == "/Link" and any(
        _resolve_element(objects, kid) is not None for kid in kids)
    if mixed:
        reference = objects.reference(element)
        for index, kid in enumerate(kids):
            if isinstance(kid, int) and not isinstance(kid, bool):
                span = objects.add({"Type": "/StructElem", "S": "/Span", "K": [kid],
                                    "P": reference, "Pg": element.get("Pg")})
                _claim(objects, nums, element.get("Pg"), kid, span)
                kids[index] = span
    for _, child in list(_children(objects, element)):
        _wrap_loose(objects, child, nums)


def _claim(objects: Objects, nums: list, page: Any, mcid: int, owner: Any) -> None:
    """The parent tree says that marked content ``mcid`` of ``page`` is ``owner``'s."""
    key = (objects.resolve(page) or {}).get("StructParents")
    for position in range(0, len(nums) - 1, 2):
        if nums[position] == key and isinstance(nums[position + 1], list) \
                and mcid < len(nums[position + 1]):
            nums[position + 1][mcid] = owner


def _follow(redirect: Mapping[Any, Any], reference: Any) -> Any:
    while reference in redirect:
        reference = redirect[reference]
    return reference


def _repoint(nums: list, redirect: Mapping[Any, Any]) -> None:
    """The parent tree (``/Nums``: key, value, …) with every reference to an element
    that was merged away pointing to the element it joined."""
    for position in range(1, len(nums), 2):
        value = nums[position]
        if isinstance(value, list):
            value[:] = [_follow(redirect, ref) for ref in value]
        else:
            nums[position] = _follow(redirect, value)


def mend(objects: Objects, document: Element, nums: list,
         sources: Mapping[Any, Hashable]) -> None:
    """Mend the tree under the /Document element ``document``: pieces of one HTML
    element on several pages become one element (``sources``: the reference of
    each element WeasyPrint made → a key of its HTML element), an element's wrapper
    around itself goes, empty elements go, and a link's own text next to its child
    elements gets a /Span. ``nums`` is the parent tree's ``/Nums``, kept pointing
    at the elements that hold each marked content."""
    redirect: dict[Any, Any] = {}
    _merge_split(objects, document, sources, redirect)
    _unwrap(objects, document, sources, redirect)
    _drop_empty(objects, document, set())
    _repoint(nums, redirect)
    _wrap_loose(objects, document, nums)
