"""The structure tree of tagged PDFs (pressroom.render.structure and the engine's
hooks): notes and their calls, the contents, artifacts, split paragraphs, the
chart, empty elements, annotation flags.

Unit tests run the tree functions on small dictionaries; the e2e tests write
small HTML and the fixture brochure, and read the tree back with pikepdf.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pikepdf
import pytest

from pressroom.render import engine, structure


# --------------------------------------------------------------------------- roles
def test_roles_of_footnote_parts_links_and_asked_roles():
    note = {"class": "footnote", "id": "note-a", "data-pdf-role": "Note",
            "data-call-label": "Note 1", "data-back-label": "Back to the call of note 1"}
    assert structure.role("span", note) == "Note"
    assert structure.role("span::footnote-call", note) == "Link"
    assert structure.role("span::footnote-marker", note) == "Link"
    assert structure.role("a::after", {"href": "#x"}) == "Span"  # the leader of a contents line
    assert structure.role("li::marker", {"data-pdf-role": "TOCI"}) is None
    assert structure.role("li", {"data-pdf-role": "TOCI"}) == "TOCI"
    assert structure.role("p", {}) is None and structure.role(None, {}) is None

    assert structure.note_id("span", note) == "note-a"
    assert structure.note_id("span::footnote-call", note) is None
    assert structure.link_label("span::footnote-call", note) == "Note 1"
    assert structure.link_label("span::footnote-marker", note) == "Back to the call of note 1"
    assert structure.link_label("a", {"aria-label": "Section 3: Title"}) == "Section 3: Title"
    assert structure.link_label("a::after", {"aria-label": "x"}) is None
    assert structure.alternative("figure", {"data-pdf-alt": "Bar chart: x."}) == "Bar chart: x."
    assert structure.alternative("figure::before", {"data-pdf-alt": "x"}) is None
    assert structure.call_anchor("note-a") == "call-note-a"


# --------------------------------------------------------------------------- the tree
class Store:
    """PDF objects as dictionaries numbered like pydyf's (references ``b"N 0 R"``)."""

    def __init__(self) -> None:
        self.objects: list[dict] = [{}]

    def add_object(self, values: dict) -> bytes:
        self.objects.append(values)
        return f"{len(self.objects) - 1} 0 R".encode()

    def element(self, kind: str, page: str, kids: list, parent: bytes | None = None) -> bytes:
        ref = self.add_object({"Type": "/StructElem", "S": f"/{kind}", "K": list(kids), "Pg": page,
                        "P": parent})
        for kid in kids:
            if isinstance(kid, bytes):
                self.resolve(kid)["P"] = ref
        return ref

    def resolve(self, reference):
        if not isinstance(reference, bytes):
            return None
        return self.objects[int(reference.split()[0])]

    def reference(self, element):
        return f"{next(i for i, o in enumerate(self.objects) if o is element)} 0 R".encode()

    def dictionary(self, values):
        return dict(values)

    def add(self, values):
        return self.add_object(values)

    def kinds(self, ref: bytes) -> list:
        """The tree under ``ref`` as [type, kids...] (marked content as int or ("MCR", page, id))."""
        element = self.resolve(ref)
        out: list = [element["S"][1:]]
        for kid in element["K"]:
            if isinstance(kid, int):
                out.append(kid)
            elif isinstance(kid, dict) and kid.get("Type") == "/OBJR":
                continue  # an annotation
            elif isinstance(kid, dict):
                out.append(("MCR", kid["Pg"], kid["MCID"]))
            else:
                out.append(self.kinds(kid))
        return out


P1, P2 = b"100 0 R", b"200 0 R"  # two pages


def split_document(store: Store) -> tuple[bytes, dict, list]:
    """main > section > p on page 1, a note of page 1, and their continuations on page 2."""
    p1 = store.element("P", P1, [0, 1])
    sect1 = store.element("Sect", P1, [p1])
    part1 = store.element("Part", P1, [sect1])
    note = store.element("Note", P1, [2])
    p2 = store.element("P", P2, [0])
    sect2 = store.element("Sect", P2, [p2])
    part2 = store.element("Part", P2, [sect2])
    document = store.element("Document", None, [part1, note, part2])
    sources = {part1: ("main",), part2: ("main",), sect1: ("sect",), sect2: ("sect",),
               p1: ("p",), p2: ("p",), note: ("note",)}
    nums = [0, [p1, p1, note], 1, [p2]]
    return document, sources, nums


def test_an_element_continued_on_the_next_page_is_one_element():
    store = Store()
    document, sources, nums = split_document(store)
    p1 = nums[1][0]
    structure.mend(store, store.resolve(document), nums, sources)
    assert store.kinds(document) == ["Document", ["Part", ["Sect", ["P", 0, 1, ("MCR", P2, 0)]]],
                                     ["Note", 2]]
    assert nums == [0, [p1, p1, nums[1][2]], 1, [p1]]  # page 2's text belongs to the one P


def test_pieces_on_one_page_or_apart_are_not_merged():
    store = Store()
    a = store.element("P", P1, [0])
    b = store.element("P", P1, [1])  # same element, same page: anonymous boxes, kept apart
    c = store.element("Div", P2, [2])
    d = store.element("P", P2, [3])  # same element as a and b, but a Div between them
    document = store.element("Document", None, [a, b, c, d])
    structure.mend(store, store.resolve(document), [], {a: 1, b: 1, d: 1, c: 2})
    assert store.kinds(document) == ["Document", ["P", 0], ["P", 1], ["Div", 2], ["P", 3]]


def test_a_wrapper_of_an_element_around_itself_goes():
    store = Store()
    link = store.element("Link", P1, [0])
    inner = store.element("TOCI", P1, [link])
    outer = store.element("TOCI", P1, [inner])
    toc = store.element("TOC", P1, [outer])
    document = store.element("Document", None, [toc])
    nums: list = [0, [link]]
    structure.mend(store, store.resolve(document), nums, {inner: "li", outer: "li", toc: "ol"})
    assert store.kinds(document) == ["Document", ["TOC", ["TOCI", ["Link", 0]]]]
    assert store.resolve(link)["P"] == outer


def test_empty_elements_go_but_not_a_figure_with_its_alternative_text():
    store = Store()
    empty = store.element("Span", P1, [])
    holder = store.element("Span", P1, [store.element("Span", P1, [])])
    figure = store.element("Figure", P1, [])
    store.resolve(figure)["Alt"] = "Bar chart: x."
    text = store.element("P", P1, [0, empty, holder])
    document = store.element("Document", None, [text, figure])
    structure.mend(store, store.resolve(document), [], {})
    assert store.kinds(document) == ["Document", ["P", 0], ["Figure"]]
    assert store.resolve(empty) == {}  # emptied: nothing points to it


def test_a_links_own_text_beside_its_elements_gets_a_span():
    store = Store()
    page = store.add_object({"Type": "/Page", "StructParents": 0})
    number = store.element("Span", page, [0])
    link = store.element("Link", page, [{"Type": "/OBJR"}, number, 1])
    plain = store.element("Link", page, [2])  # only its own text: left as it is
    document = store.element("Document", None, [link, plain])
    nums: list = [0, [number, link, plain]]
    structure.mend(store, store.resolve(document), nums, {})
    assert store.kinds(document) == ["Document", ["Link", ["Span", 0], ["Span", 1]],
                                     ["Link", 2]]
    span = store.resolve(link)["K"][2]
    assert nums == [0, [number, span, plain]] and store.resolve(span)["P"] == link


# --------------------------------------------------------------------------- reading back
def elements(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    stack = [pdf.Root.StructTreeRoot.K]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(reversed(list(node)))
        elif isinstance(node, pikepdf.Dictionary) and node.get("/Type") not in ("/OBJR", "/MCR"):
            if "/S" in node:
                yield node
            kids = node.get("/K")
            if kids is not None:
                stack.append(kids if isinstance(kids, pikepdf.Array) else pikepdf.Array([kids]))


def kids(element: pikepdf.Dictionary) -> list:
    k = element.get("/K")
    return [] if k is None else list(k) if isinstance(k, pikepdf.Array) else [k]


def pages_of(pdf: pikepdf.Pdf, element: pikepdf.Dictionary) -> set[int]:
    """The pages an element's marked content is on (through its descendants)."""
    index = {page.objgen: n for n, page in enumerate(pdf.pages, start=1)}
    found = set()
    for kid in kids(element):
        if isinstance(kid, int):
            found.add(index[element.Pg.objgen])
        elif kid.get("/Type") == "/MCR":
            found.add(index[kid.Pg.objgen])
        elif "/S" in kid:
            found |= pages_of(pdf, kid)
    return found


def claimed(pdf: pikepdf.Pdf) -> set[tuple[int, int]]:
    """(page index, MCID) of the marked content the structure tree claims."""
    found = set()
    index = {page.objgen: n for n, page in enumerate(pdf.pages)}
    for element in elements(pdf):
        for kid in kids(element):
            if isinstance(kid, int):
                found.add((index[element.Pg.objgen], int(kid)))
            elif kid.get("/Type") == "/MCR":
                found.add((index[kid.Pg.objgen], int(kid.MCID)))
    return found


def claimed_and_artifacts(pdf: pikepdf.Pdf) -> tuple[set, set, list[str]]:
    """(page, MCID) claimed by the tree; (page, MCID) of marked content in the
    streams; the text operators drawn inside /Artifact sequences."""
    marked, artifact_text = set(), []
    for n, page in enumerate(pdf.pages):
        stack: list[str] = []
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op in ("BDC", "BMC"):
                stack.append(str(operands[0]))
                properties = operands[1] if op == "BDC" else None
                if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
                    marked.add((n, int(properties.MCID)))
            elif op == "EMC":
                stack.pop()
            elif op in ("Tj", "TJ") and "/Artifact" in stack:
                artifact_text.append(op)
    return claimed(pdf), marked, artifact_text


def link_annotations(pdf: pikepdf.Pdf) -> list[tuple[int, pikepdf.Dictionary]]:
    return [(n, annot) for n, page in enumerate(pdf.pages, start=1)
            for annot in page.get("/Annots", []) if annot.Subtype == "/Link"]


def owners(pdf: pikepdf.Pdf) -> dict[tuple, str]:
    """Link annotation (objgen) -> the type of the structure element holding its OBJR."""
    found = {}
    for element in elements(pdf):
        for kid in kids(element):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                found[kid.Obj.objgen] = str(element.S)
    return found


LOREM = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
         "incididunt ut labore et dolore magna aliqua. ") * 9
HTML = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title><style>
@page {{ size: 105mm 120mm; margin: 14mm 12mm;
  @top-right {{ content: "Running head of the document"; font-size: 7pt }}
  @bottom-right {{ content: counter(page); font-size: 8pt }} }}
body {{ font: 10pt/1.3 serif }}
.footnote {{ float: footnote; font-size: 8pt }}
.footnote::footnote-call {{ content: attr(data-n); vertical-align: super; line-height: 0;
                           font-size: 6pt }}
.footnote::footnote-marker {{ content: attr(data-n) ". " }}
.note-ref {{ vertical-align: super; line-height: 0; font-size: 6pt }}
.contents ol {{ list-style: none; padding: 0 }}
.contents a::after {{ content: leader(dotted) " " target-counter(attr(href), page) }}
.toc-number {{ display: inline-block; width: 7mm }}
.bar {{ display: block; height: 3mm; background: #888 }}
.first {{ break-after: page }}
</style></head><body>
<section class="first"><h1>Title</h1>
<nav class="contents"><ol data-pdf-role="TOC">
<li data-pdf-role="TOCI"><a href="#one" aria-label="Section 1: One"><span class="toc-number">1.</span> One</a></li>
<li data-pdf-role="TOCI"><a href="#two" aria-label="Section 2: Two"><span class="toc-number">2.</span> Two</a></li>
</ol></nav></section>
<main><section id="one"><h2>One</h2>
<p>First words<span class="footnote" id="note-a" data-n="1" data-pdf-role="Note"
 data-call-label="Note 1" data-back-label="Back to the call of note 1">The note.</span>
then {LOREM} and again<a class="note-ref" href="#note-a" aria-label="Note 1">1</a>.</p>
</section>
<section id="two"><h2>Two</h2>
<figure class="chart" data-pdf-role="Figure" data-pdf-alt="Bar chart: Things. A: 3. B: 1.">
<figcaption>Things</figcaption>
<div><span>A</span><span class="bar" style="width: 60%"></span><span>3</span></div>
<div><span>B</span><span class="bar" style="width: 20%"></span><span>1</span></div>
</figure></section></main></body></html>"""


@pytest.fixture(scope="module")
def small_pdf():
    buffer = io.BytesIO()
    engine.write_pdf(engine.render(HTML), buffer, tagged=True, variant="pdf/ua-1")
    with pikepdf.open(io.BytesIO(buffer.getvalue())) as pdf:
        yield pdf


@pytest.mark.e2e
def test_every_call_is_a_link_over_its_glyphs_to_its_note_and_back(small_pdf):
    pdf = small_pdf
    notes = [e for e in elements(pdf) if e.S == "/Note"]
    assert [str(n.ID) for n in notes] == ["note-a"]
    by_owner = owners(pdf)
    calls = [(page, a) for page, a in link_annotations(pdf) if str(a.get("/Dest", "")) == "note-a"]
    assert len(calls) == 2  # the first call (WeasyPrint's ::footnote-call) and the repeat
    for _page, annot in calls + link_annotations(pdf):
        x0, y0, x1, y1 = (float(v) for v in annot.Rect)
        assert abs(y1 - y0) >= 3 and abs(x1 - x0) > 0  # over the glyphs, not a flat line
        assert by_owner[annot.objgen] == "/Link"
        assert int(annot.F) & 4  # printed, as it is seen
    assert {str(a.Contents) for _, a in calls} == {"Note 1"}
    back = [a for _, a in link_annotations(pdf) if str(a.get("/Dest", "")) == "call-note-a"]
    assert [str(a.Contents) for a in back] == ["Back to the call of note 1"]
    names = {str(n) for n in pdf.Root.Names.Dests.Names[::2]}
    assert {"note-a", "call-note-a"} <= names


@pytest.mark.e2e
def test_one_link_per_contents_entry_under_its_toci(small_pdf):
    pdf = small_pdf
    tocis = [e for e in elements(pdf) if e.S == "/TOCI"]
    assert len(tocis) == 2
    for toci, label in zip(tocis, ("Section 1: One", "Section 2: Two"), strict=True):
        assert toci.P.S == "/TOC"
        links = [e for e in elements_under(toci) if e.S == "/Link"]
        assert len(links) == 1 and toci == links[0].P  # one link, not nested
        objrs = [k for k in kids(links[0]) if isinstance(k, pikepdf.Dictionary)
                 and k.get("/Type") == "/OBJR"]
        assert [str(o.Obj.Contents) for o in objrs] == [label]
    assert not [e for e in elements(pdf) if e.S == "/Link" and e.P.S == "/Link"]


def elements_under(element: pikepdf.Dictionary) -> Iterator[pikepdf.Dictionary]:
    for kid in kids(element):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from elements_under(kid)


@pytest.mark.e2e
def test_running_heads_and_folios_are_artifacts_out_of_the_tree(small_pdf):
    pdf = small_pdf
    claimed, marked, artifact_text = claimed_and_artifacts(pdf)
    assert claimed == marked  # every marked content in the tree, nothing else claimed
    assert artifact_text  # the running head and the folios
    for page in pdf.pages:
        data = page.Contents.read_bytes() if isinstance(page.Contents, pikepdf.Stream) else b""
        assert re.search(rb"/Artifact\s*<<\s*/Type\s*/Pagination\s*>>\s*BDC", data)
    # the dots of the contents' leaders are drawn, not read
    contents = pdf.pages[0].Contents.read_bytes()
    assert len(re.findall(rb"/Artifact\s*<<\s*/Type\s*/Layout\s*>>\s*BDC", contents)) >= 2


@pytest.mark.e2e
def test_a_paragraph_over_a_page_break_is_one_p(small_pdf):
    pdf = small_pdf
    paragraphs = [e for e in elements(pdf) if e.S == "/P"]
    spread = [pages_of(pdf, p) for p in paragraphs]
    assert {2, 3} in spread  # the long paragraph, once, over both pages
    assert len([s for s in spread if s & {2, 3}]) == 1
    assert len([e for e in elements(pdf) if e.S == "/Part"]) == 1


@pytest.mark.e2e
def test_chart_is_a_figure_with_its_data_and_no_element_is_empty(small_pdf):
    pdf = small_pdf
    figures = [e for e in elements(pdf) if e.S == "/Figure"]
    assert [str(f.Alt) for f in figures] == ["Bar chart: Things. A: 3. B: 1."]
    assert str(kids(figures[0])[0].S) == "/Caption"
    empty = [e for e in elements(pdf) if not kids(e) and "/Alt" not in e]
    assert not empty


# --------------------------------------------------------------------------- the fixture
@pytest.mark.e2e
def test_fixture_screen_pdf_reads_back(french_built_copy):
    from pressroom.production import builder

    project = french_built_copy
    builder.build(project, ["fr"], ["brochure"], profile="screen", jobs=1)
    with pikepdf.open(project.pdf_path("fr", "brochure", "screen")) as pdf:
        notes = [e for e in elements(pdf) if e.S == "/Note"]
        ids = [str(n.ID) for n in notes]
        backs = [str(a.Dest) for _, a in link_annotations(pdf)
                 if str(a.get("/Dest", "")).startswith("call-")]
        assert ids and len(set(ids)) == len(ids) and backs == [f"call-{i}" for i in ids]
        calls = {str(a.Dest) for _, a in link_annotations(pdf)
                 if str(a.get("/Dest", "")).startswith("note-")}
        assert calls == set(ids)  # every note has a call that links to it
        assert {str(a.Contents) for _, a in link_annotations(pdf)
                if str(a.Dest) in calls} == {f"Note {n}" for n in range(1, len(ids) + 1)}
        figures = [e for e in elements(pdf) if e.S == "/Figure"]
        assert len(figures) == 1 and str(figures[0].Alt).startswith("Graphique à barres\u00a0: ")
        quotes = [e for e in elements(pdf) if e.S == "/BlockQuote"]
        assert quotes and all(str(k.S) in ("/P", "/BibEntry") for q in quotes for k in kids(q))
        owner = owners(pdf)
        assert all(owner[a.objgen] == "/Link" and int(a.F) & 4 for _, a in link_annotations(pdf))
        assert not [e for e in elements(pdf) if not kids(e) and "/Alt" not in e]


@pytest.mark.e2e
def test_print_pdf_is_tagged_with_crop_marks_as_artifacts_and_no_printing_links(french_built):
    with pikepdf.open(french_built.pdf_path("fr", "brochure")) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert [e for e in elements(pdf) if e.S == "/Note"]
        claimed, marked, _ = claimed_and_artifacts(pdf)
        assert claimed == marked
        last = pdf.pages[1].Contents[-1].read_bytes()
        assert last.startswith(b"Q\n/Artifact BMC\n") and last.endswith(b"EMC")
        assert all(not int(a.get("/F", 0)) & 4 for _, a in link_annotations(pdf))


# --------------------------------------------------------------------------- placeholders
def test_a_template_string_keeps_its_placeholders_and_fill_never_fails():
    from pressroom.messages import check
    from pressroom.render.document import fill

    flags = {"python-brace-format"}
    assert check.check_message("Note {number}", "Nota {number}", flags, "es", []) == []
    assert check.check_message("Note {number}", "Nota {numero}", flags, "es", []) == [
        ("error", "placeholder {number} missing in translation"),
        ("error", "placeholder {numero} is not in the English")]
    assert check.check_message("{a} x", "y", set(), "es", []) == []  # not a template string
    assert fill("Section {number}: {title}", number=3, title="<Rights>") == \
        "Section 3: &lt;Rights&gt;"
    assert fill("Nota {numero}", number=3) == "Nota {numero}"  # left as written, no error
