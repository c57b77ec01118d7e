"""The PDF edition: TEI → print HTML (xslt/print.xsl) → PDF (WeasyPrint, xslt/print.css).

WeasyPrint lays the book out once. The indexes need the page of every
mention, each page listed once, which CSS ``target-counter`` cannot give, so
the index sections are then laid out a second time on their own, with the
page numbers read from the first layout's anchors, and put in place of
their first-pass pages. Everything before the indexes is unchanged by this,
because the indexes start on a new page at the end of the book. Only when
the page numbers make an index longer than in the first layout, so that a
later index starts on another page than the contents say, is the whole
book laid out once more with the indexes filled in.

WeasyPrint cannot split a footnote across pages and loses what does not
fit. A note longer than a page is therefore printed in a section "Notes"
after the text, its footnote saying on which page; the first layout is
made again as long as such notes are found.
"""

from __future__ import annotations

import contextlib
import copy
import ctypes.util
import io
import logging
import os
import sys
import urllib.parse
from pathlib import Path
from typing import Iterator
from xml.etree import ElementTree

from lxml import etree

from . import pdf_tags, resources, xmlsafe
from .atomic import atomic_write, check_file_target
from .errors import TeiToolError
from .memory import collector_paused
from .transform import transform

VARIANTS = ("pdf/a-3b", "pdf/ua-1")
"""The PDF variants ``--variant`` accepts."""

INDEX_CLASS = "index"


class PdfError(TeiToolError, ValueError):
    """A PDF cannot be made as asked (unknown variant, or a variant whose requirements are not met)."""


def render_pdf(source: Path, out: Path, variant: str | None = None, force: bool = False) -> Path:
    """Render ``source`` as a PDF book at ``out`` and return ``out``.

    ``variant`` is None, ``"pdf/a-3b"`` (archival, the TEI file attached) or
    ``"pdf/ua-1"`` (tagged for accessibility). The file is written
    atomically; without ``force`` an existing ``out`` is left untouched.
    """
    source, out = Path(source), Path(out)
    if variant is not None and variant not in VARIANTS:
        raise PdfError(f"unknown PDF variant {variant!r}; choose one of {', '.join(VARIANTS)}")
    check_file_target(out, force=force, keep=[source])
    document = xmlsafe.load(source)
    book_html = transform("print.xsl", document).principal
    with _weasyprint_problems() as problems, collector_paused(), _deep_nesting_allowed(source):
        try:
            book = lay_out(book_html, base_url=source.resolve().parent.as_uri() + "/", variant=variant)
            _local_links_relative(book, source.resolve().parent)
            with pdf_tags.logical_structure(book) if variant == "pdf/ua-1" else contextlib.nullcontext():
                data = book.write_pdf(**_variant_options(variant, source))
            # Dropped before the collector resumes, which would otherwise walk
            # the whole book once to keep it and once more to free it.
            del book
        except AssertionError as exc:  # WeasyPrint checks its own invariants with assert
            raise PdfError(f"{source}: error: [pdf] WeasyPrint could not lay the book out: {exc}") from exc
    if variant and problems:
        advice = [PROBLEM_ADVICE[key] for key in PROBLEM_ADVICE if any(key in problem for problem in problems)]
        raise PdfError(f"{source}: cannot produce a conforming {variant.upper()} file: " + "; ".join(problems + advice))
    return atomic_write(out, data, force=force, keep=[source])


def _local_links_relative(book, folder: Path) -> None:
    """Give links to local files back their relative addresses.

    WeasyPrint resolves every link against the source's folder, so a link to
    ``scans/p1.jpg`` would name the folders of the machine that made the PDF
    (``file:///home/…``), which is neither private nor of use to its readers.
    """
    for page in book.pages:
        page.links = [(kind, _relative_to(folder, target) if kind == "external" and target.startswith("file:") else target,
                       *rest) for kind, target, *rest in page.links]


def _relative_to(folder: Path, address: str) -> str:
    parts = urllib.parse.urlsplit(address)
    relative = os.path.relpath(urllib.parse.unquote(parts.path), folder)
    return urllib.parse.urlunsplit(("", "", urllib.parse.quote(Path(relative).as_posix()), parts.query, parts.fragment))


PROBLEM_ADVICE = {
    '"lang" attribute': 'give the TEI root element the language of its text, e.g. xml:lang="en"',
}
"""What to do about WeasyPrint's conformance problems that name no TEI construct."""

LAYOUT_RECURSION_LIMIT = 10_000
"""WeasyPrint recurses a few times per level of nesting; libxml2 reads
documents up to 256 levels deep, which Python's default limit of 1,000
calls cannot lay out."""


@contextlib.contextmanager
def _deep_nesting_allowed(source: Path) -> Iterator[None]:
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(max(before, LAYOUT_RECURSION_LIMIT))
    try:
        yield
    except RecursionError:
        raise PdfError(f"{source}: error: [pdf] elements are nested too deeply to lay the book out") from None
    finally:
        sys.setrecursionlimit(before)


FIRST_PASS_CSS = ".index { column-fill: auto; }"
"""The first layout only needs where each index starts, which balancing the
columns does not change; balancing lays a multi-column page out several
times over. (Were an index to start elsewhere, the check after the second
layout would lay the book out again.)"""


def lay_out(book_html: str, base_url: str | None = None, variant: str | None = None):
    """Lay out the print HTML and return the WeasyPrint ``Document``, indexes filled in."""
    _import_weasyprint()
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    stylesheet = CSS(filename=str(resources.xslt_dir() / "print.css"), font_config=fonts)
    options = {"stylesheets": [stylesheet], "font_config": fonts, "pdf_variant": variant}
    tree = etree.fromstring(book_html, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    index_sections = tree.xpath(f"//section[contains(concat(' ', @class, ' '), ' {INDEX_CLASS} ')]")
    first_pass_sheets = [stylesheet, CSS(string=FIRST_PASS_CSS, font_config=fonts)] if index_sections else [stylesheet]

    def first_layout(markup: str):
        return _html_document(markup, base_url).render(**dict(options, stylesheets=first_pass_sheets))

    book = first_layout(book_html)
    while too_long := footnotes_longer_than_a_page(book):
        move_to_endnotes(tree, too_long)
        book = first_layout(etree.tostring(tree, encoding="unicode"))
    page_of = anchor_pages(book)
    starts = {section.get("id"): page_of[section.get("id")] for section in index_sections if section.get("id") in page_of}
    if not starts:
        return book
    first_index_page = min(starts.values())
    for section in index_sections:
        fill_index_pages(section, page_of)
    index_html = _standalone(tree, index_sections, first_page_number=first_index_page + 1)
    indexes = _html_document(index_html, base_url).render(**options)
    filled_starts = {anchor: first_index_page + page for anchor, page in anchor_pages(indexes).items() if anchor in starts}
    if filled_starts != starts:
        return _html_document(etree.tostring(tree, encoding="unicode"), base_url).render(**options)
    return book.copy(book.pages[:first_index_page] + indexes.pages)


def _html_document(markup: str, base_url: str | None):
    """A WeasyPrint HTML document of print.xsl's XHTML, parsed as XML.

    An HTML parser rebuilds the tree by HTML's content rules: it closes a
    paragraph where a note's first paragraph starts, which scatters the note
    into the text. Parsed as XML, the tree is the one the stylesheet built,
    and parsing is 5 to 20 times faster.
    WeasyPrint 70 takes no parsed tree, so the one it parsed from an empty
    page is replaced.
    """
    import cssselect2
    from weasyprint import HTML

    root = ElementTree.fromstring(markup)
    _line_breaks_as_spaces(root)
    document = HTML(string="<html></html>", base_url=base_url)
    document.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
    document.etree_element = document.wrapper_element.etree_element
    return document


_SPACES = str.maketrans("\n\r\t", "   ")


def _line_breaks_as_spaces(root: ElementTree.Element) -> None:
    """Turn line breaks and tabs in the text into spaces, which is what they are in layout.

    print.css preserves no white space. WeasyPrint 70 collapses it too,
    except in text followed by a block inside an inline box (a note's
    paragraph inside a paragraph), where a line break left in the text
    stops it with an assertion.
    """
    for element in root.iter():
        if element.text:
            element.text = element.text.translate(_SPACES)
        if element.tail:
            element.tail = element.tail.translate(_SPACES)


def anchor_pages(book) -> dict[str, int]:
    """Each anchor (HTML id) of a laid-out book and the index of the page it is on."""
    found: dict[str, int] = {}
    for number, page in enumerate(book.pages):
        for anchor in page.anchors:
            found.setdefault(anchor, number)
    return found


def page_ranges(pages: list[int]) -> list[tuple[int, int]]:
    """Sorted page numbers as runs: [3, 5, 6, 12] gives [(3, 3), (5, 6), (12, 12)]."""
    runs: list[tuple[int, int]] = []
    for page in sorted(set(pages)):
        if runs and page == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], page)
        else:
            runs.append((page, page))
    return runs


def fill_index_pages(section: etree._Element, page_of: dict[str, int]) -> None:
    """Add "3, 5–6, 12" at the end of each entry, each number linking to the first mention on that page."""
    for entry in section.xpath(".//*[@data-mentions]"):
        first_mention: dict[int, str] = {}
        for mention in entry.get("data-mentions").split():
            if mention in page_of:
                first_mention.setdefault(page_of[mention] + 1, mention)
        runs = page_ranges(list(first_mention))
        for number, (start, end) in enumerate(runs):
            link = etree.SubElement(entry, "a", href="#" + first_mention[start])
            link.text = str(start) if start == end else f"{start}–{end}"
            link.tail = ", " if number < len(runs) - 1 else None


def _standalone(tree: etree._Element, sections: list[etree._Element], first_page_number: int) -> str:
    """An HTML page with the head of ``tree`` and copies of ``sections``, its pages numbered from ``first_page_number``."""
    page = etree.Element("html", lang=tree.get("lang", "en"))
    page.append(copy.deepcopy(tree.find("head")))
    style = etree.SubElement(page.find("head"), "style")
    style.text = f"@page :first {{ counter-set: page {first_page_number}; }}"
    body = etree.SubElement(page, "body")
    for section in sections:
        body.append(copy.deepcopy(section))
    return etree.tostring(page, encoding="unicode")


def misplaced_footnotes(book) -> list[str]:
    """Footnotes not on the page of their call (WeasyPrint issue #2502), by note id; empty when all is well."""
    page_of = anchor_pages(book)
    return [
        anchor for anchor, page in page_of.items()
        if anchor.startswith("note-") and page_of.get("call-" + anchor[5:]) != page
    ]


def footnotes_longer_than_a_page(book) -> dict[str, str]:
    """Footnotes that do not fit on a page, by id, with the number they are printed under.

    WeasyPrint 70 cannot split a footnote across pages: it draws the
    footnote area upwards from the foot of the page, past its top, and what
    lies above the page is lost. Every note of such an area that is taller
    than a page is too long (those of them WeasyPrint put off to a later
    page are not printed at all); if none is, the tallest. A footnote that
    already points to the Notes is never one of them.
    """
    from weasyprint.formatting_structure import boxes

    too_long = {}
    for page in book.pages:
        page_box = page._page_box
        for area in page_box.children:
            if not isinstance(area, boxes.FootnoteAreaBox) or area.position_y >= page_box.content_box_y() - 0.01:
                continue
            notes = [note for note in area.children if POINTER_CLASS not in note.element.get("class", "").split()]
            room = page_box.height - area.margin_top
            tallest = sorted(notes, key=lambda note: note.margin_height(), reverse=True)
            for note in [note for note in tallest if note.margin_height() > room] or tallest[:1]:
                too_long[note.element.get("id")] = _footnote_number(note)
    return too_long


def _footnote_number(note) -> str:
    """The number a laid-out footnote is printed under, as its marker ("3. ") gives it."""
    from weasyprint.formatting_structure import boxes

    marker = next(box for box in note.descendants() if box.element_tag.endswith("::footnote-marker"))
    return "".join(box.text for box in marker.descendants() if isinstance(box, boxes.TextBox)).strip().removesuffix(".")


ENDNOTES_ID = "print-notes"
POINTER_CLASS = "to-endnote"
"""The class of a footnote whose note is printed among the Notes."""


def move_to_endnotes(tree: etree._Element, notes: dict[str, str]) -> None:
    """Print ``notes`` (id → number) in a section "Notes" after the text, each footnote left saying where its note is.

    The footnote keeps its number and its place after the call and links to
    the note, which is printed under the same number and links back to the
    call.
    """
    section = _endnotes_section(tree)
    for note_id, number in notes.items():
        (footnote,) = tree.xpath("//*[@id = $id]", id=note_id)
        endnote = etree.SubElement(section, "div", {"class": "endnote", "id": "end" + note_id})
        language = footnote.xpath("string(ancestor-or-self::*[@lang][1]/@lang)")
        if language:
            endnote.set("lang", language)
        back = etree.SubElement(endnote, "a", {"class": "endnote-number", "href": "#call-" + note_id.removeprefix("note-")})
        back.text = number + "."
        back.tail = " " + (footnote.text or "")
        endnote.extend(footnote)
        footnote.text = None
        footnote.set("class", f"{footnote.get('class')} {POINTER_CLASS}")
        reference = etree.SubElement(footnote, "a", {"class": "endnote-reference", "href": "#" + endnote.get("id")})
        reference.text = "Too long for the foot of the page: see Notes, "
    in_call_order = tree.xpath("//a[@class = 'endnote-reference']/@href")
    section[1:] = sorted(section[1:], key=lambda endnote: in_call_order.index("#" + endnote.get("id")))


def _endnotes_section(tree: etree._Element) -> etree._Element:
    """The section of notes too long for the foot of a page, made (and listed in the contents) at first need."""
    found = tree.xpath("//section[@id = $id]", id=ENDNOTES_ID)
    if found:
        return found[0]
    main = tree.find("body/main")
    section = etree.Element("section", {"class": "appendix endnotes", "id": ENDNOTES_ID})
    heading = etree.SubElement(section, "h1", {"data-label": "Notes"})
    heading.text = "Notes"
    following = main.getnext()
    main.addnext(section)
    contents = tree.find("body/nav[@class='contents']/ol")
    if contents is not None:
        entry = etree.Element("li", {"class": "contents-level-1"})
        etree.SubElement(entry, "a", href="#" + ENDNOTES_ID).text = "Notes"
        next_entry = contents.xpath("li[a/@href = $href]", href=f"#{following.get('id')}") if following is not None else []
        if next_entry:
            next_entry[0].addprevious(entry)
        else:
            contents.append(entry)
    return section


def _variant_options(variant: str | None, source: Path) -> dict:
    from weasyprint import Attachment

    if variant == "pdf/a-3b":
        tei = Attachment(filename=str(source), name=source.name, description="TEI P5 source of this edition", relationship="Source")
        return {"pdf_variant": variant, "attachments": [tei]}
    if variant == "pdf/ua-1":
        return {"pdf_variant": variant, "pdf_tags": True}
    return {}


@contextlib.contextmanager
def _weasyprint_problems() -> Iterator[list[str]]:
    """Collect WeasyPrint's errors (missing language, missing image descriptions, …) instead of printing them."""
    problems: list[str] = []

    class Collector(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.ERROR:
                problems.append(record.getMessage())

    logger = logging.getLogger("weasyprint")
    handler = Collector()
    logger.addHandler(handler)
    try:
        yield problems
    finally:
        logger.removeHandler(handler)


def _import_weasyprint() -> None:
    """Import WeasyPrint without ctypes' library search where the system allows.

    For each native library WeasyPrint tries several names, and every name
    the dynamic loader does not know makes ``ctypes.util.find_library`` run
    ldconfig, gcc and ld: some twenty programs, a quarter of a second of a
    cold start. The names WeasyPrint tries include each library's file
    name, which the loader finds directly, so the search is switched off
    while it loads; where that is not enough, it is imported the usual way.
    """
    if "weasyprint" in sys.modules:
        return
    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # WeasyPrint prints advice when a library is missing
            import weasyprint  # noqa: F401
        return
    except OSError:
        for name in [name for name in sys.modules if name == "weasyprint" or name.startswith("weasyprint.")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = search
    import weasyprint  # noqa: F401
