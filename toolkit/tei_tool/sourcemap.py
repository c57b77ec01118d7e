"""Where an element of a file starts in its text, for findings with exact lines and columns.

libxml2 records only the line on which a start tag *ends*. Usually that
line shows the tag plainly, and the element's ``<`` is found there by
counting like-named tags, with the count checked against the tree. When
the line does not settle it (a tag spread over lines, a comment or CDATA
section touching the line), the whole file's markup is scanned once,
comments, CDATA, processing instructions and quoted attribute values
skipped, and the n-th start tag paired with the n-th element. Both happen
only when there is a finding to place.
"""

from __future__ import annotations

import bisect
import re
from typing import Callable, Iterable, Iterator

from lxml import etree

from .namespaces import XML_NS


_MARKUP = re.compile(r"""
    <!--.*?-->
  | <!\[CDATA\[.*?\]\]>
  | <\?.*?\?>
  | <!DOCTYPE(?:[^\[>]|\[.*?\])*>
  | </[^>]*>
  | <(?P<name>[^\s/>!?][^\s/>]*)(?:[^>"']|"[^"]*"|'[^']*')*>
""", re.DOTALL | re.VERBOSE)
_START_TAG = re.compile(r"""<(?P<name>[^\s/>!?][^\s/>]*)(?:[^>"']|"[^"]*"|'[^']*')*>""")
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)\s*=\s*(?:"[^"]*"|'[^']*')""")
_UNCLEAR_LINE = ("<!--", "-->", "<![CDATA[", "]]>", "<?", "?>")


class SourceMap:
    """Positions in one file's text; ``elements`` gives that file's elements in document order."""

    def __init__(self, text: str, elements: Callable[[], Iterable[etree._Element]]):
        self.text = text
        self._elements = elements
        self._line_starts: list[int] | None = None
        self._tag_of: dict[etree._Element, tuple[int, int]] | None = None  # element -> its start tag's span

    def locate(self, element: etree._Element, attribute: str | None = None, text: str | None = None) -> tuple[int, int] | None:
        """``(line, column)`` of the element's ``<``, of the attribute's name in its start tag, or
        of ``text`` (a text node in or after the element) where it first appears after the tag."""
        span = self._on_its_line(element)
        if span is None:
            if self._tag_of is None:
                self._tag_of = self._pair_all()
            span = self._tag_of.get(element)
            if span is None:
                return None
        start, end = span
        if text and (found := self._text_after(end, text)) is not None:
            return self._position(found)
        if attribute:
            wanted = _written_attribute(element, attribute)
            for found in _ATTRIBUTE.finditer(self.text, start, end):
                if found[1] == wanted:
                    return self._position(found.start())
        return self._position(start)

    def _on_its_line(self, element: etree._Element) -> tuple[int, int] | None:
        """The start tag's span when the line its ``>`` is on holds it whole and tells it apart."""
        line = element.sourceline
        starts = self._starts()
        if not line or line > len(starts):
            return None
        begin = starts[line - 1]
        end = starts[line] - 1 if line < len(starts) else len(self.text)
        text = self.text[begin:end]
        if any(mark in text for mark in _UNCLEAR_LINE):
            return None
        name = written_name(element)
        tags = [m.span() for m in _START_TAG.finditer(text) if m["name"] == name]
        before = sum(1 for e in _before_on_line(element) if e.tag == element.tag)
        after = sum(1 for e in _after_on_line(element) if e.tag == element.tag)
        if len(tags) != before + 1 + after:  # some like-named tag of this line starts on another
            return None
        start, stop = tags[before]
        return begin + start, begin + stop

    def _text_after(self, offset: int, text: str) -> int | None:
        """Where ``text`` begins after ``offset``, if its first words are written as they read
        (not through entity or character references)."""
        words = text.split()[:3]
        if not words:
            return None
        found = re.compile(r"\s+".join(map(re.escape, words))).search(self.text, offset, offset + 65536)
        return found.start() if found else None

    def _pair_all(self) -> dict[etree._Element, tuple[int, int]]:
        """Every element with its start tag, from one scan of the file's markup.

        A tag with another name is passed over (an ``xi:include`` the tree no
        longer holds, or its fallback); an element left without a tag keeps
        libxml2's line.
        """
        tags = [(m.start(), m.end(), m["name"]) for m in _MARKUP.finditer(self.text) if m["name"]]
        paired, at = {}, 0
        for element in self._elements():
            name = written_name(element)
            found = next((i for i in range(at, min(at + 64, len(tags))) if tags[i][2] == name), None)
            if found is not None:
                paired[element] = tags[found][:2]
                at = found + 1
        return paired

    def _starts(self) -> list[int]:
        if self._line_starts is None:
            self._line_starts = [0, *(m.end() for m in re.finditer("\n", self.text))]
        return self._line_starts

    def _position(self, offset: int) -> tuple[int, int]:
        starts = self._starts()
        line = bisect.bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1


def _before_on_line(element: etree._Element) -> Iterator[etree._Element]:
    """Elements before ``element`` whose start tags end on its line, nearest first."""
    line = element.sourceline
    node = _previous_in_document(element)
    while node is not None:
        if isinstance(node.tag, str):
            if node.sourceline != line:
                return
            yield node
        node = _previous_in_document(node)


def _after_on_line(element: etree._Element) -> Iterator[etree._Element]:
    """Elements after ``element`` whose start tags end on its line, in document order."""
    for node in _following_in_document(element):
        if node.sourceline != element.sourceline:
            return
        yield node


def _previous_in_document(node):
    """The node before ``node`` in document order: its previous sibling's last descendant, or its parent."""
    before = node.getprevious()
    if before is None:
        return node.getparent()
    while len(before):
        before = before[-1]
    return before


def _following_in_document(element: etree._Element) -> Iterator[etree._Element]:
    """The elements after ``element`` in document order, lazily."""
    descendants = element.iter(etree.Element)
    next(descendants)  # the element itself
    yield from descendants
    for node in (element, *element.iterancestors()):
        for sibling in node.itersiblings():
            if isinstance(sibling.tag, str):
                yield from sibling.iter(etree.Element)


def written_name(element: etree._Element) -> str:
    """An element's name as written in its tags: ``persName``, ``tei:persName``."""
    local = etree.QName(element).localname
    return f"{element.prefix}:{local}" if element.prefix else local


def written_attribute(element: etree._Element, namespace: str, local: str) -> str:
    """An attribute name with the prefix its namespace has on ``element``: ``xml:id``, ``ref``,
    ``xlink:href``; ``{namespace}local`` when the element declares no prefix for it."""
    if not namespace:
        return local
    if namespace == XML_NS:
        return f"xml:{local}"
    prefix = next((p for p, uri in element.nsmap.items() if uri == namespace and p), None)
    return f"{prefix}:{local}" if prefix else f"{{{namespace}}}{local}"


def _written_attribute(element: etree._Element, attribute: str) -> str:
    """An attribute given as written or in Clark notation (``{…xlink}href``), as written in the start tag."""
    if not attribute.startswith("{"):
        return attribute
    namespace, local = attribute[1:].split("}", 1)
    return written_attribute(element, namespace, local)
