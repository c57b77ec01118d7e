"""Integrity checks no RELAX NG validator makes: ids, pointers and dates.

TEI pointers are URIs (``#kirov``, ``persons.xml#kirov``, lists of them), not
IDREFs, so schemas cannot check that they lead anywhere. These checks do:
duplicate ``xml:id``, pointers that resolve neither in the document, nor in
the local file they name, nor in an authority file; entities declared but
never referenced; and normalised dates that are not valid W3C values or whose
ranges run backwards.
"""

from __future__ import annotations

import datetime
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from lxml import etree

from . import xmlsafe
from .errors import XMLInputError
from .findings import Finding, Severity
from .namespaces import TEI, XML_ID

POINTER_ATTRIBUTES = ("ref", "corresp", "target", "who", "source", "resp", "sameAs", "hand", "wit", "next", "prev")
ENTITY_ELEMENTS = {f"{TEI}{name}" for name in ("person", "personGrp", "place", "org", "bibl", "biblStruct")}
ENTITY_LISTS = {f"{TEI}{name}" for name in ("listPerson", "listPlace", "listOrg", "listBibl")}
DATE_ATTRIBUTES = ("when", "from", "to", "notBefore", "notAfter")


@dataclass
class Authorities:
    """Ids kept in other files: ``--authority`` registers and files pointers name."""

    files: tuple[Path, ...] = ()
    _ids_by_file: dict[Path, frozenset[str] | XMLInputError] = field(default_factory=dict)

    def _ids(self, path: Path) -> frozenset[str] | XMLInputError:
        """The xml:ids of a local file, or why it cannot be read as XML (both read once)."""
        key = path.resolve()
        if key not in self._ids_by_file:
            try:
                self._ids_by_file[key] = frozenset(xmlsafe.load(path).tree.xpath("//@xml:id"))
            except XMLInputError as exc:
                self._ids_by_file[key] = exc
        return self._ids_by_file[key]

    def ids_in(self, path: Path) -> frozenset[str] | XMLInputError:
        """The xml:ids of a file a pointer names, or why it cannot be read as XML."""
        return self._ids(path)

    def authority_ids(self) -> frozenset[str]:
        """The xml:ids of all authority files.

        Raises :class:`XMLInputError` for one that is not usable XML: the user
        named it, and checking pointers without it would report false errors.
        """
        ids: set[str] = set()
        for path in self.files:
            found = self._ids(path)
            if isinstance(found, XMLInputError):
                raise found
            ids |= found
        return frozenset(ids)


def check_ids(document: xmlsafe.Document) -> Iterator[Finding]:
    """Every xml:id must be unique in the (assembled) document."""
    first_seen: dict[str, etree._Element] = {}
    for node in document.tree.iter():
        ident = node.get(XML_ID) if isinstance(node.tag, str) else None
        if ident is None:
            continue
        if ident in first_seen:
            file, line, column = document.locate(node, XML_ID)
            _, first_line, _ = document.locate(first_seen[ident])
            yield Finding(file, line, column, Severity.ERROR, "id", f"duplicate xml:id '{ident}' (first used on line {first_line})")
        else:
            first_seen[ident] = node


def _prefix_definitions(tree: etree._ElementTree) -> list[tuple[str, re.Pattern, str]]:
    """TEI ``prefixDef``s, which turn ``pmb:123`` style pointers into URIs."""
    found = []
    for definition in tree.iter(f"{TEI}prefixDef"):
        ident, pattern, replacement = definition.get("ident"), definition.get("matchPattern"), definition.get("replacementPattern")
        if ident and pattern and replacement is not None:
            try:
                found.append((ident, re.compile(pattern), re.sub(r"\$(\d)", r"\\\1", replacement)))
            except re.error:
                continue
    return found


def _expand(token: str, prefixes: list[tuple[str, re.Pattern, str]]) -> str:
    prefix, _, rest = token.partition(":")
    for ident, pattern, replacement in prefixes:
        if ident == prefix and pattern.fullmatch(rest):
            return pattern.sub(replacement, rest, count=1)
    return token


def pointers(tree: etree._ElementTree) -> Iterator[tuple[etree._Element, str, str]]:
    """Every ``(element, attribute, token)`` of the pointer attributes."""
    for node in tree.iter():
        if not isinstance(node.tag, str):
            continue
        for attribute in POINTER_ATTRIBUTES:
            value = node.get(attribute)
            if value:
                for token in value.split():
                    yield node, attribute, token


def check_pointers(document: xmlsafe.Document, authorities: Authorities) -> Iterator[Finding]:
    """Every same-document or local-file pointer must lead to an existing xml:id."""
    local_ids = frozenset(document.tree.xpath("//@xml:id"))
    extra_ids = authorities.authority_ids()
    prefixes = _prefix_definitions(document.tree)
    for node, attribute, token in pointers(document.tree):
        expanded = _expand(token, prefixes)
        problem = _unresolved(expanded, document, local_ids | extra_ids, authorities)
        if problem:
            file, line, column = document.locate(node, attribute)
            written = f" (written '{token}', expanded by its prefixDef)" if expanded != token else ""
            yield Finding(file, line, column, Severity.ERROR, "pointer", f"@{attribute} {problem}{written}")


def _unresolved(token: str, document: xmlsafe.Document, known_ids: frozenset[str], authorities: Authorities) -> str | None:
    parsed = urllib.parse.urlsplit(token)
    if parsed.scheme or parsed.netloc:
        return None
    if not parsed.path:
        if parsed.fragment and parsed.fragment not in known_ids:
            where = "this document" + (" or the authority files" if authorities.files else "")
            advice = "" if authorities.files else "; if the entry lives in a register file, add it with --authority FILE"
            return f"points to '#{parsed.fragment}', but no element in {where} has that xml:id{advice}"
        return None
    try:
        target = (document.path.parent / urllib.parse.unquote(parsed.path)).resolve()
        found = target.is_file()
    except (OSError, ValueError):  # a name no file system accepts: too long, or holding a NUL
        return f"points into '{parsed.path}', which cannot be a file name"
    if not found:
        return f"points into '{parsed.path}', which does not exist (looked for {target})"
    if parsed.fragment and target.suffix.lower() == ".xml":
        ids = authorities.ids_in(target)
        if isinstance(ids, XMLInputError):
            return f"points into '{parsed.path}', which cannot be read as XML ({ids.file}:{ids.line}:{ids.column}: {ids.message})"
        if parsed.fragment not in ids:
            return f"points to '{token}', but {parsed.path} has no element with xml:id '{parsed.fragment}'"
    return None


def _is_register(entity: etree._Element) -> bool:
    """Lists inside the text body make the document itself a register."""
    return any(ancestor.tag == f"{TEI}body" for ancestor in entity.iterancestors())


def check_unreferenced(document: xmlsafe.Document, authorities: Authorities) -> Iterator[Finding]:
    """Entities declared in the lists but never pointed at (warnings)."""
    prefixes = _prefix_definitions(document.tree)
    expanded = (_expand(token, prefixes) for _, _, token in pointers(document.tree))
    referenced = {token.partition("#")[2] for token in expanded if "#" in token}
    for entity in document.tree.iter(*ENTITY_ELEMENTS):
        ident = entity.get(XML_ID)
        if not ident or entity.getparent() is None or entity.getparent().tag not in ENTITY_LISTS:
            continue
        if ident not in referenced and not _is_register(entity):
            file, line, column = document.locate(entity)
            kind = etree.QName(entity).localname
            pointer = "source" if kind in ("bibl", "biblStruct") else "ref"
            yield Finding(file, line, column, Severity.WARNING, "unreferenced",
                          f"{kind} '{ident}' is declared but never referenced: point a mention at it "
                          f"({pointer}=\"#{ident}\") or remove the entry")


# W3C date and time forms TEI accepts in @when and friends (data.temporal.w3c).
_TEMPORAL = re.compile(
    r"(?P<year>-?\d{4,})(?:-(?P<month>\d\d)(?:-(?P<day>\d\d)(?:T(?P<time>\d\d:\d\d:\d\d(?:\.\d+)?))?)?)?(?P<tz>Z|[+-]\d\d:\d\d)?"
    r"|--(?P<gmonth>\d\d)(?:-(?P<gday>\d\d))?(?P<tz2>Z|[+-]\d\d:\d\d)?"
    r"|---(?P<gdayonly>\d\d)"
    r"|(?P<timeonly>\d\d:\d\d:\d\d(?:\.\d+)?)(?P<tz3>Z|[+-]\d\d:\d\d)?"
)


def parse_temporal(value: str) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """The earliest and latest instants a W3C date value covers, as sortable tuples.

    Returns None for invalid values, and ``((), ())`` for valid forms that do
    not name a year (``--12-25``, times), which cannot be ordered.
    """
    match = _TEMPORAL.fullmatch(value.strip()) if value == value.strip() else None
    if not match:
        return None
    if not _valid_time(match["time"] or match["timeonly"]):
        return None
    if match["year"] is None:
        if match["gmonth"] and not 1 <= int(match["gmonth"]) <= 12:
            return None
        return (), ()
    year = int(match["year"])
    month = int(match["month"]) if match["month"] else None
    day = int(match["day"]) if match["day"] else None
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None:
        try:
            datetime.date(year if 1 <= year <= 9999 else 2000, month, day)
        except ValueError:
            return None
    if day is not None:
        return (year, month, day), (year, month, day)
    if month is not None:
        return (year, month, 1), (year, month, 31)
    return (year, 1, 1), (year, 12, 31)


def _valid_time(time: str | None) -> bool:
    """Whether an ``hh:mm:ss`` time (or none) names a time of day; 24:00:00 is the end of one, as XML Schema allows."""
    if not time:
        return True
    hours, minutes, seconds = time.split(":")
    if hours == "24" and minutes == "00" and float(seconds) == 0:
        return True
    return int(hours) <= 23 and int(minutes) <= 59 and float(seconds) < 60


def check_dates(document: xmlsafe.Document) -> Iterator[Finding]:
    """Normalised date attributes are valid W3C values and ranges run forwards."""
    for node in document.tree.iter(f"{TEI}*"):
        spans = {}
        for attribute in DATE_ATTRIBUTES:
            value = node.get(attribute)
            if value is None:
                continue
            span = parse_temporal(value)
            if span is None:
                file, line, column = document.locate(node, attribute)
                yield Finding(file, line, column, Severity.ERROR, "date",
                              f"@{attribute}='{value}' is not a valid ISO date (expected YYYY, YYYY-MM or YYYY-MM-DD,"
                              " with a time as in 1934-12-01T16:30:00)")
            elif span[0]:
                spans[attribute] = span
        for start, end in (("from", "to"), ("notBefore", "notAfter")):
            if start in spans and end in spans and spans[start][0] > spans[end][1]:
                file, line, column = document.locate(node, end)
                yield Finding(file, line, column, Severity.ERROR, "date",
                              f"range runs backwards: @{start}='{node.get(start)}' is after @{end}='{node.get(end)}'")


def check_all(document: xmlsafe.Document, authorities: Authorities) -> Iterable[Finding]:
    yield from check_ids(document)
    yield from check_pointers(document, authorities)
    yield from check_unreferenced(document, authorities)
    yield from check_dates(document)
