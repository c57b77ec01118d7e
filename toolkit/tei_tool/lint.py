"""Editorial lint: names of known entities left untagged in the running text.

When the document declares ``#kirov`` and the text says "Kirov" outside any
name element, the editor most likely missed a tag. Each finding names the
``@ref`` to add. Derived words do not match ("Stalinist" is not "Stalin").
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterator

from lxml import etree

from . import xmlsafe
from .namespaces import TEI, XML_ID
from .sourcemap import written_name
from .findings import Finding, Severity


# Entity element, its name element, and the element an untagged mention should become.
_KINDS = (("person", "persName"), ("place", "placeName"), ("org", "orgName"))
# Text inside these is already tagged, metadata, or not part of the reading text.
_SKIP = {f"{TEI}{name}" for name in (
    "persName", "placeName", "orgName", "name", "rs", "geogName", "settlement", "country", "region",
    "surname", "forename", "roleName", "addName", "title", "bibl", "biblStruct", "ref", "ptr",
    "surplus", "sic", "orig", "abbr", "del", "teiHeader", "standOff", "note", "speaker", "term",
)}
_MIN_LENGTH = 4


def gazetteer(tree: etree._ElementTree) -> dict[str, list[tuple[str, str]]]:
    """Surface name → ``[(element to use, entity id)]`` from the document's own lists."""
    names: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for entity_tag, name_tag in _KINDS:
        for entity in tree.iter(f"{TEI}{entity_tag}"):
            ident = entity.get(XML_ID)
            if not ident:
                continue
            for text in _names_of(entity, name_tag):
                if len(text) >= _MIN_LENGTH and text[0].isupper() and "," not in text:
                    if (name_tag, ident) not in names[text]:
                        names[text].append((name_tag, ident))
    return dict(names)


def _names_of(entity: etree._Element, name_tag: str) -> Iterator[str]:
    """Full names, surnames, and for a person without a tagged surname the last word."""
    for name in entity.iter(f"{TEI}{name_tag}", f"{TEI}surname"):
        text = " ".join("".join(name.itertext()).split())
        yield text
        if name_tag == "persName" and name.tag == f"{TEI}persName" and name.find(f"{TEI}surname") is None and " " in text:
            yield text.rsplit(" ", 1)[1]


def _skipped(element: etree._Element) -> bool:
    return element.tag in _SKIP or any(ancestor.tag in _SKIP for ancestor in element.iterancestors())


def _text_pieces(root: etree._Element) -> Iterator[tuple[str, etree._Element, bool]]:
    """Each stretch of running text with its element and whether it is a tail."""
    for element in root.iter():
        if isinstance(element.tag, str) and element.text and not _skipped(element):
            yield element.text, element, False
        parent = element.getparent()
        if element.tail and parent is not None and not _skipped(parent):
            yield element.tail, element, True


def _position(document: xmlsafe.Document, element: etree._Element, is_tail: bool, text: str, offset: int) -> tuple[str, int, int]:
    """File, line and column of ``text[offset]``, a piece of ``element``'s text or tail."""
    file, tag_line, tag_column = document.locate(element)
    start_line = element.sourceline or tag_line  # the line of the start tag's '>', after which the text begins
    start_column = tag_column if tag_line == start_line else 1
    newline = text.rfind("\n", 0, offset)
    if is_tail:
        following = element.getnext()
        if following is not None and following.sourceline:
            line = following.sourceline - text.count("\n", offset)
        else:
            line = start_line + text.count("\n", 0, offset)
    else:
        line = start_line + text.count("\n", 0, offset)
    if newline >= 0:
        return file, line, offset - newline
    source = document.source_line(file, line)
    if is_tail:
        end_tag = source.find(f"</{written_name(element)}>", max(start_column - 1, 0))
        begin = end_tag + len(written_name(element)) + 3 if end_tag >= 0 and line == start_line else -1
    else:
        begin = source.find(">", max(start_column - 1, 0)) + 1
    return file, line, (begin + offset + 1) if begin > 0 else 0


def check_untagged(document: xmlsafe.Document) -> Iterator[Finding]:
    """Warn about each untagged occurrence of a known entity name in the text."""
    names = gazetteer(document.tree)
    texts = document.tree.getroot().findall(f"{TEI}text")
    if not names or not texts:
        return
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?![\w-])")
    for text_root in texts:
        for text, element, is_tail in _text_pieces(text_root):
            for match in pattern.finditer(text):
                file, line, column = _position(document, element, is_tail, text, match.start())
                suggestions = " or ".join(f'<{tag} ref="#{ident}">' for tag, ident in names[match[1]])
                yield Finding(file, line, column, Severity.WARNING, "lint",
                              f"'{match[1]}' is the name of a known entity but is not tagged; suggested: {suggestions}")
