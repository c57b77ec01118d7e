"""The structure tree of the tagged (PDF/UA-1) edition, in reading order.

WeasyPrint 70 tags a PDF page by page: each page is a ``Part`` of its own,
so a paragraph crossing a page break becomes two paragraphs, footnotes sit
untagged between the pages, and the running head and page number are
given structure elements that belong to no tree. While ``--variant
pdf/ua-1`` writes the book, ``logical_structure`` puts two things of
WeasyPrint's aside (it is pinned at 70.0, so the names are stable):

- ``weasyprint.pdf.add_tags``, which builds the tree, is replaced by this
  module's ``add_tags``: one structure element per HTML element (or
  pseudo-element) for the whole book, which every box of that element on
  every page adds to; each footnote a ``Note`` right after its call; the
  language of passages in another language than the book's as ``/Lang``;
  the hyphen the layout adds at a line end read as a soft hyphen.
- ``Stream.marked``, which gives each drawn run of text a marked-content id,
  draws page furniture (margin boxes: running head, page number) and the
  contents' leader dots as ``/Artifact`` instead, so that they are in no
  structure element.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from typing import Iterator

from .namespaces import XML_NS

XML_LANG = f"{{{XML_NS}}}lang"
SOFT_HYPHEN = "\u00ad"
"""How a hyphen added at a line break is given as text: a possible break, not a character of the word."""

STRUCTURE_TYPES = {
    "main": "Part", "section": "Sect", "article": "Art", "nav": "Div", "div": "Div",
    "p": "P", "blockquote": "BlockQuote",
    "h1": "H1", "h2": "H2", "h3": "H3", "h4": "H4", "h5": "H5", "h6": "H6",
    "ul": "L", "ol": "L", "dl": "L", "li": "LI", "dt": "LI", "dd": "LI",
    "table": "Table", "caption": "Caption", "thead": "THead", "tbody": "TBody", "tfoot": "TFoot",
    "tr": "TR", "th": "TH", "td": "TD",
    "img": "Figure", "{http://www.w3.org/2000/svg}svg": "Figure", "figure": "Div", "figcaption": "Caption",
    "a": "Link",
    "span": "Span", "em": "Span", "strong": "Span", "i": "Span", "b": "Span", "cite": "Span",
    "time": "Span", "small": "Span", "sup": "Span", "sub": "Span", "abbr": "Span", "q": "Quote",
}
"""The standard structure type of each HTML element print.xsl writes; others are ``NonStruct``."""


@dataclass(eq=False)
class Content:
    """A marked-content sequence (``mcid``) or a link annotation on one page."""
    page: int
    mcid: int | None = None
    annotation: object = None


@dataclass(eq=False)
class Element:
    """A structure element being built: its type, attributes and kids in reading order."""
    kind: str
    parent: Element | None
    language: str | None
    attributes: dict = field(default_factory=dict)
    kids: list = field(default_factory=list)

    def add(self, kind: str, before: Element | None = None, language: str | None = None, **attributes) -> Element:
        """A new kid of this element (placed before ``before`` if given); ``language`` if its own, else this one's."""
        if language and language != self.language:
            attributes["Lang"] = language
        child = Element(kind, self, language or self.language, attributes)
        self.kids.insert(self.kids.index(before) if before else len(self.kids), child)
        return child

    def has_content(self) -> bool:
        return any(isinstance(kid, Content) or kid.has_content() for kid in self.kids)


@contextlib.contextmanager
def logical_structure(book) -> Iterator[None]:
    """While ``book.write_pdf`` runs, tag it with this module's tree and mark page furniture as artifacts."""
    import weasyprint.pdf
    from weasyprint.pdf.stream import Stream

    furniture = _artifact_text_boxes(book)
    draw_marked = Stream.marked

    def marked(stream, box, tag):
        return stream.artifact() if box in furniture else draw_marked(stream, box, tag)

    weasyprint_add_tags = weasyprint.pdf.add_tags
    Stream.marked, weasyprint.pdf.add_tags = marked, add_tags
    try:
        yield
    finally:
        Stream.marked, weasyprint.pdf.add_tags = draw_marked, weasyprint_add_tags


def _artifact_text_boxes(book) -> set:
    """The text boxes of every page's margin boxes and of the leaders (dot leaders of the contents)."""
    from weasyprint.formatting_structure import boxes

    found = set()

    def collect(box, furniture: bool) -> None:
        furniture = furniture or isinstance(box, boxes.MarginBox) or getattr(box, "is_leader", False)
        if furniture and isinstance(box, boxes.TextBox):
            found.add(box)
        for child in getattr(box, "children", ()):
            collect(child, furniture)

    for page in book.pages:
        collect(page._page_box, False)
    return found


def add_tags(pdf, document, pdf_version, page_streams) -> None:
    """Stands in for ``weasyprint.pdf.tags.add_tags`` (same arguments): builds the tree, then writes it."""
    builder = TreeBuilder(document.metadata.lang)
    for number, (page, stream) in enumerate(zip(document.pages, page_streams)):
        builder.add_page(page._page_box, number, stream._tags)
    _write(pdf, builder.root, len(document.pages))  # PDF/UA-1 is PDF 1.7: no PDF 2.0 namespace
    if "Lang" not in pdf.catalog:
        logging.getLogger("weasyprint").error('Missing required "lang" attribute at the root of the document')


class TreeBuilder:
    """Turns the laid-out pages into one tree of ``Element``s keyed by HTML element."""

    def __init__(self, language: str | None):
        self.root = Element("Document", None, language)
        self.elements: dict[tuple, Element] = {}

    def add_page(self, page_box, page: int, marked: dict) -> None:
        self.page, self.marked, self.found = page, marked, 0
        self._add(page_box, self.root)
        assert self.found == len(marked), f"page {page + 1}: text drawn outside the box tree"

    def _add(self, box, parent: Element) -> None:
        from weasyprint.formatting_structure import boxes
        from weasyprint.layout.absolute import AbsolutePlaceholder

        if isinstance(box, AbsolutePlaceholder):
            box = box._box
        if isinstance(box, boxes.MarginBox):
            return
        element = self._element_for(box, parent)
        if box in self.marked:
            self.found += 1
            content = Content(self.page, mcid=self.marked[box]["mcid"])
            unhyphenated = _without_added_hyphen(box)
            if unhyphenated is not None:
                element.add("Span", ActualText=unhyphenated + SOFT_HYPHEN).kids.append(content)
            else:
                element.kids.append(content)
        if box.link_annotation is not None:
            element.kids.append(Content(self.page, annotation=box.link_annotation))
        for child in getattr(box, "children", ()):
            self._add(child, element)

    def _element_for(self, box, parent: Element) -> Element:
        """The structure element ``box`` adds to: its HTML element's (made at first sight), else ``parent``."""
        if box.element is None or box.element_tag in ("html", "body"):
            return parent
        tag, _, pseudo = box.element_tag.partition("::")
        if pseudo in ("before", "after"):
            return parent  # generated text is part of its element
        key = (box.element, pseudo)
        if key in self.elements:
            return self.elements[key]
        if pseudo == "footnote-call":
            call = parent.add("Reference")
            # PDF/UA asks every note for an ID of its own.
            note = parent.add("Note", ID=box.element.get("id") or f"note-{len(self.elements)}")
            self.elements[(box.element, "")] = note
            self.elements[key] = call
            return call
        if pseudo in ("marker", "footnote-marker"):
            item = parent.parent if parent.kind == "LBody" else parent
            made = item.add("Lbl", before=parent if parent.kind == "LBody" else None)
        else:
            made = self._new_element(box, tag, parent)
        self.elements[key] = made
        return made

    def _new_element(self, box, tag: str, parent: Element) -> Element:
        kind = STRUCTURE_TYPES.get(tag, "NonStruct")
        attributes = {"language": box.element.get("lang") or box.element.get(XML_LANG)}
        if tag == "div" and "endnote" in (box.element.get("class") or "").split():
            kind, attributes["ID"] = "Note", box.element.get("id")  # a note too long for the foot of its page
        if kind == "Figure":
            attributes["Alt"] = _alternative_text(box.element)
        if kind in ("TH", "TD"):
            attributes["A"] = _table_cell_attributes(box, kind)
        if kind == "LI":
            # A list item's content is its body, beside the label the marker adds.
            return parent.add("LI", **attributes).add("LBody")
        return parent.add(kind, **attributes)


def _without_added_hyphen(box) -> str | None:
    """A run of text without the hyphen the layout added where it broke a word at a line end, if it did.

    Read as it is drawn, "intelli‐" and "gentsia" are two words. WeasyPrint
    keeps no record of the break, so the run's style tells: a run that may
    be hyphenated and ends in its hyphenation character (U+2010 by default,
    rare in a source text at a line end).
    """
    text, hyphen = getattr(box, "text", None), box.style["hyphenate_character"]
    if text and hyphen and box.style["hyphens"] != "none" and text.endswith(hyphen) and len(text) > len(hyphen):
        return text[:-len(hyphen)]
    return None


def _alternative_text(image) -> str | None:
    if image.tag == "{http://www.w3.org/2000/svg}svg":
        title = image.find("{http://www.w3.org/2000/svg}title")
        text = title.text if title is not None else None
    else:
        text = image.get("alt")
    if not text:
        logging.getLogger("weasyprint").error('Image "%s" has no required alt description', image.get("src", "unknown"))
    return text


def _table_cell_attributes(cell, kind: str) -> dict:
    attributes = {"O": "/Table"}
    if kind == "TH":
        attributes["Scope"] = "/Row" if cell.element.get("scope") == "row" else "/Column"
    if cell.colspan != 1:
        attributes["ColSpan"] = cell.colspan
    if cell.rowspan != 1:
        attributes["RowSpan"] = cell.rowspan
    return attributes


def _write(pdf, document: Element, page_count: int) -> None:
    """Write the tree as PDF objects: structure elements, the parent tree, the catalog entries."""
    import pydyf

    parents_by_page: list[dict[int, object]] = [{} for _ in range(page_count)]
    annotations: list[tuple[object, object]] = []

    def write(element: Element, parent_reference) -> pydyf.Dictionary:
        first_page = next(_pages(element))
        dictionary = pydyf.Dictionary({
            "Type": "/StructElem", "S": f"/{element.kind}", "P": parent_reference,
            "Pg": pdf.page_references[first_page], "K": pydyf.Array(),
        })
        for name, value in element.attributes.items():
            if name == "A":
                dictionary["A"] = pydyf.Dictionary(value)
            elif value is not None:
                dictionary[name] = pydyf.String(value)
        pdf.add_object(dictionary)
        for kid in element.kids:
            if isinstance(kid, Element):
                if kid.has_content():
                    dictionary["K"].append(write(kid, dictionary.reference).reference)
            elif kid.annotation is not None:
                reference = pydyf.Dictionary({"Type": "/OBJR", "Obj": kid.annotation.reference,
                                              "Pg": pdf.page_references[kid.page]})
                pdf.add_object(reference)
                dictionary["K"].append(reference.reference)
                annotations.append((kid.annotation, dictionary.reference))
            else:
                parents_by_page[kid.page][kid.mcid] = dictionary.reference
                dictionary["K"].append(kid.mcid if kid.page == first_page else pydyf.Dictionary({
                    "Type": "/MCR", "Pg": pdf.page_references[kid.page], "MCID": kid.mcid}))
        return dictionary

    parent_tree = pydyf.Dictionary({"Nums": pydyf.Array()})
    pdf.add_object(parent_tree)
    root = pydyf.Dictionary({"Type": "/StructTreeRoot", "ParentTree": parent_tree.reference})
    pdf.add_object(root)
    root["K"] = pydyf.Array([write(document, root.reference).reference] if document.has_content() else [])
    pdf.catalog["StructTreeRoot"] = root.reference

    for page, parents in enumerate(parents_by_page):
        parent_tree["Nums"].extend([page, pydyf.Array(parents[mcid] for mcid in range(len(parents)))])
    for number, (annotation, parent) in enumerate(annotations, start=page_count):
        annotation["StructParent"] = number
        parent_tree["Nums"].extend([number, parent])
    pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})
    pdf.catalog["MarkInfo"] = pydyf.Dictionary({"Marked": "true"})


def _pages(element: Element) -> Iterator[int]:
    """The pages of an element's content, in reading order."""
    for kid in element.kids:
        if isinstance(kid, Content):
            yield kid.page
        else:
            yield from _pages(kid)
