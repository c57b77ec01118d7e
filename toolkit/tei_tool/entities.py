"""The entity index: the one answer to "what is a mention of whom".

The ``entities`` export (and the entity tables ``build`` writes) reads it from
:func:`build_index`. The HTML registers and the PDF indexes are made by the
stylesheets, which apply the same rules: which elements mention which
entities (``tt:mentioned`` in ``xslt/common.xsl``), what kind of entity a
mention names (``tt:mention-kind``, from :data:`NAMING_KINDS` and
:data:`RS_TYPE_KINDS`) and which passage locates it (:data:`LOCATION_ELEMENTS`);
tests keep the two in step.

What counts (the rules, also documented in the README):

* **Entries** are ``person``/``personGrp`` (persons), ``place`` (places),
  ``org`` (orgs) and ``bibl``/``biblStruct``/``biblFull`` (works) carrying an
  ``xml:id``, wherever they are: ``standOff``, ``back``, the header
  (``particDesc``, ``settingDesc``, ``sourceDesc``) or the body.
* **The text** is everything inside ``text`` except register apparatus
  (``listPerson``, ``listPlace``, ``listOrg``, ``listBibl``, ``listEvent``,
  ``listRelation``, ``listObject``, ``listNym``). The header is not text.
* A **mention** is an element of the text with a pointer (each token of
  ``@ref``, else ``@key``; ``@target`` of ``ref``/``ptr``; ``@source`` of
  ``quote``/``q``/``said``/``cit``) that resolves to an entry. A pointer that
  resolves to nothing still counts as an *unresolved* mention when the
  element names something (``persName``, ``placeName``, ``geogName``,
  ``orgName``, ``title``, ``rs``/``name`` with a recognised ``@type``, or
  quotation sources). A naming element with no pointer at all counts as an
  *unlinked* mention, grouped by its surface form.
* ``@who`` (on ``sp``, ``u``, ``said``, ``q``, ``quote``) attributes speech;
  it is counted as *speeches*, not as a mention, because the person is not
  named in the text at that point.
"""

from __future__ import annotations

import functools
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from lxml import etree

from . import xmlsafe
from .findings import Finding
from .xmlsafe import TEI_NS, XML_NS, Document

TEI = f"{{{TEI_NS}}}"
XML_ID = f"{{{XML_NS}}}id"

ENTITY_KINDS = ("persons", "places", "orgs", "works")
RECORD_KINDS = ("persons", "places", "orgs", "dates", "quotes", "works")

#: Elements whose ``xml:id`` (or position) identifies the location of a mention.
LOCATION_ELEMENTS = frozenset(
    "p ab l head item label note cell stage speaker dateline salute signed byline trailer titlePart".split()
)
#: Elements that locate a mention outside those passages (a quotation of paragraphs in a division). The
#: HTML edition gives both kinds an anchor (``tt:location-names`` and ``tt:anchored-names`` in common.xsl).
ENCLOSING_LOCATION_ELEMENTS = frozenset(("lg", "div", "sp"))
#: The location of a mention with neither around it: the reading text as a whole (its ``main`` element).
WHOLE_TEXT_LOCATION = "main"
REGISTER_LISTS = ("listPerson", "listPlace", "listOrg", "listBibl", "listEvent", "listRelation", "listObject", "listNym")
ENTRY_KINDS = {
    "person": "persons",
    "personGrp": "persons",
    "place": "places",
    "org": "orgs",
    "bibl": "works",
    "biblStruct": "works",
    "biblFull": "works",
}
NAMING_KINDS = {
    "persName": "persons",
    **dict.fromkeys(("placeName", "geogName", "settlement", "district", "region", "country", "bloc"), "places"),
    "orgName": "orgs",
    "title": "works",
}
RS_TYPE_KINDS = {
    **dict.fromkeys(("person", "persname", "people", "persongrp", "character"), "persons"),
    **dict.fromkeys(("place", "placename", "settlement", "city", "country", "region", "geogname"), "places"),
    **dict.fromkeys(("org", "orgname", "organisation", "organization", "institution"), "orgs"),
    **dict.fromkeys(("work", "bibl", "title", "book"), "works"),
}
QUOTE_ELEMENTS = ("quote", "q", "said")
SPEECH_ELEMENTS = ("sp", "u", "said", "q", "quote")
SKIPPED_IN_READING = frozenset(("note", "del", "surplus", "fw", "figDesc"))
_MARK = "\0"
READING_PREFERENCE = ("corr", "reg", "expan", "ex", "supplied", "unclear")
PREFERRED_NAME_TYPES = ("", "pref", "preferred", "main", "reg", "full", "standard")

STATUS_REGISTERED = "registered"
STATUS_UNRESOLVED = "unresolved"
STATUS_UNLINKED = "unlinked"

_POINTER_ATTRIBUTES = frozenset(("ref", "key", "target", "source", "who"))
_SELF_CANDIDATES = frozenset(TEI + name for name in (*NAMING_KINDS, "rs", "name", "date", *QUOTE_ELEMENTS))
_REGISTER_TAGS = frozenset(TEI + name for name in REGISTER_LISTS)
_LOCATION_TAGS = frozenset(TEI + name for name in LOCATION_ELEMENTS)
_ENCLOSING_LOCATION_TAGS = frozenset(TEI + name for name in ENCLOSING_LOCATION_ELEMENTS)
_ENTRY_TAGS = tuple(TEI + name for name in ENTRY_KINDS)
_TEXT = TEI + "text"
_WORD_START = re.compile(r"(?<!\S)\S*?[^\W_]")  # a token start, up to its first alphanumeric ([^\W_] is str.isalnum)
_WIKIDATA = re.compile(r"wikidata\.org/(?:wiki|entity)/(Q\d+)", re.IGNORECASE)


@dataclass(slots=True)
class Located:
    """Where something is: file (as given), :func:`location_id` and line."""

    file: str
    location: str
    line: int


@dataclass(slots=True)
class Mention(Located):
    """One place in the text where an entity is named or cited."""

    surface: str


@dataclass(slots=True)
class Entity:
    """A person, place, organisation or work, with its register data and mentions.

    ``status`` says how it is known: ``registered`` (an entry with that
    ``xml:id`` exists), ``unresolved`` (pointers name it but no entry
    exists) or ``unlinked`` (names without any pointer, grouped by form).
    """

    kind: str
    id: str
    status: str
    name: str = ""
    other_names: list[str] = field(default_factory=list)
    type: str = ""
    forename: str = ""
    surname: str = ""
    birth: str = ""
    death: str = ""
    latitude: float | None = None
    longitude: float | None = None
    authors: list[str] = field(default_factory=list)
    date: str = ""
    note: str = ""
    authority: dict[str, list[str]] = field(default_factory=dict)
    defined_in: str = ""
    mentions: list[Mention] = field(default_factory=list)
    speeches: int = 0
    _author_sources: list[tuple[list[str], str, str]] = field(default_factory=list, repr=False, compare=False)

    @property
    def label(self) -> str:
        """The id, or the name for an unlinked entity."""
        return self.id or self.name

    @property
    def surface_forms(self) -> list[str]:
        """Distinct forms used in the text, in order of first use."""
        return list(dict.fromkeys(m.surface for m in self.mentions if m.surface))

    def mentions_per_file(self, files: Iterable[str]) -> dict[str, int]:
        """Mentions per file, in the order of ``files``, leaving out files without any."""
        if not self.mentions:
            return {}
        counts = Counter(mention.file for mention in self.mentions)
        return {file: counts[file] for file in files if file in counts}


@dataclass(slots=True)
class DateRecord(Located):
    """A ``date`` in the text with its normalised value and context."""

    text: str
    when: str = ""
    from_: str = ""
    to: str = ""
    not_before: str = ""
    not_after: str = ""
    context: str = ""
    entities: list[str] = field(default_factory=list)


@dataclass(slots=True)
class QuoteRecord(Located):
    """A ``quote``, ``q`` or ``said`` in the text with who said it and where it comes from."""

    element: str
    text: str
    speaker_id: str = ""
    speaker: str = ""
    work_id: str = ""
    work: str = ""

    @property
    def words(self) -> int:
        """Whitespace-separated tokens with at least one letter or digit."""
        return len(_WORD_START.findall(self.text))


@dataclass
class EntityIndex:
    """Everything :func:`build_index` found, in deterministic order."""

    files: list[str]
    entities: dict[tuple[str, str], Entity]
    dates: list[DateRecord]
    quotes: list[QuoteRecord]
    problems: list[Finding] = field(default_factory=list)  # what reading the files reported (a refused XInclude)

    def of_kind(self, kind: str) -> list[Entity]:
        """Entities of one kind to export: entries of the input files, and anything mentioned.

        Sorted by id; entities without id (unlinked names) follow, by name.
        """
        chosen = [
            e for e in self.entities.values()
            if e.kind == kind and (e.defined_in in self.files or e.mentions or e.speeches)
        ]
        return sorted(chosen, key=lambda e: (not e.id, e.id, e.name))

    def get(self, entity_id: str) -> Entity | None:
        """The entity with this id (of any kind), if any."""
        for kind in ENTITY_KINDS:
            if (found := self.entities.get((kind, entity_id))) is not None:
                return found
        return None


def localname(element: etree._Element) -> str:
    """The local name of an element ("" for comments and processing instructions)."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


@dataclass
class _Outline:
    """What one pass over a document finds before its text is read.

    Each pass over a large tree costs about as much as the next (memory, not
    Python, is the limit), so entries, texts and register lists are found
    together.
    """

    entries: list[etree._Element]  # entry elements with an xml:id, in document order
    texts: list[etree._Element]  # top-level text elements (a group's texts are inside theirs)
    texts_with_registers: set[etree._Element]


def _outline(root: etree._Element) -> _Outline:
    entries, texts, registers = [], [], []
    for element in root.iter(*_ENTRY_TAGS, _TEXT, *_REGISTER_TAGS):
        tag = element.tag
        if tag == _TEXT:
            if next(element.iterancestors(_TEXT), None) is None:
                texts.append(element)
        elif tag in _REGISTER_TAGS:
            registers.append(element)
        elif element.get(XML_ID):
            entries.append(element)
    texts_with_registers = set()
    for register in registers:
        if enclosing := list(register.iterancestors(_TEXT)):
            texts_with_registers.add(enclosing[-1])
    return _Outline(entries, texts, texts_with_registers)


def _text_candidates(outline: _Outline) -> Iterable[etree._Element]:
    """TEI elements of the text (outside register lists) that may mention, date or quote.

    That is naming elements, ``date``, quotations, and any element with a
    pointer attribute; in document order.
    """
    for text in outline.texts:
        for element in _outside_registers(text, text in outline.texts_with_registers):
            if element.tag in _SELF_CANDIDATES or not _POINTER_ATTRIBUTES.isdisjoint(element.keys()):
                yield element


def _outside_registers(text: etree._Element, has_registers: bool) -> Iterable[etree._Element]:
    """The TEI elements of ``text`` in document order, without register lists and their content.

    Most texts have no register list; they get lxml's plain iterator, the
    fastest walk there is (this loop is the hot spot of the index).
    """
    return _skipping_registers(text) if has_registers else text.iter(TEI + "*")


def _skipping_registers(text: etree._Element) -> Iterable[etree._Element]:
    walker = etree.iterwalk(text, events=("start",), tag=TEI + "*")
    for _, element in walker:
        if element.tag in _REGISTER_TAGS:
            walker.skip_subtree()
        else:
            yield element


def normalise_space(text: str) -> str:
    return " ".join(text.split())


def reading_text(element: etree._Element) -> str:
    """The text a reader of the edition sees, whitespace-normalised.

    Notes, deletions, surplus text and forme work are left out; of a
    ``choice`` the corrected/regularised/expanded reading is taken; a line
    or page break or a ``space`` is a space unless it has ``@break="no"``.
    """
    if not len(element):
        return normalise_space(element.text or "")
    parts: list[str] = []
    _collect_reading(element, parts)
    return normalise_space("".join(parts))


def _collect_reading(element: etree._Element, parts: list[str], mark: etree._Element | None = None) -> None:
    """Append the reading text of ``element`` to ``parts``; ``mark`` is framed by NUL characters."""
    if element.text:
        parts.append(element.text)
    for child in element:
        tail = child.tail or ""
        name = localname(child)
        if child is mark:
            parts.append(_MARK)
            _collect_reading(child, parts)
            parts.append(_MARK)
        elif not name:
            pass
        elif name == "choice":
            if (chosen := _preferred_reading(child)) is not None:
                _collect_reading(chosen, parts, mark)
        elif name in ("lb", "pb", "cb", "space"):
            if child.get("break") == "no":
                if parts:
                    parts[-1] = parts[-1].rstrip()
                tail = tail.lstrip()
            else:
                parts.append(" ")
        elif name not in SKIPPED_IN_READING:
            _collect_reading(child, parts, mark)
        parts.append(tail)


def _preferred_reading(choice: etree._Element) -> etree._Element | None:
    options = [child for child in choice if isinstance(child.tag, str)]
    for wanted in READING_PREFERENCE:
        for option in options:
            if localname(option) == wanted:
                return option
    return options[0] if options else None


def _positions(root: etree._Element, elements: set[etree._Element]) -> dict[etree._Element, int]:
    """1-based index of each element among the TEI elements of its local name, in one pass.

    Only the wanted positions are kept: holding every same-named element of
    a large document would cost more than the pass itself.
    """
    if not elements:
        return {}
    counters = dict.fromkeys({TEI + localname(element) for element in elements}, 0)
    found = {}
    for element in root.iter(*counters):
        tag = element.tag
        counters[tag] += 1
        if element in elements:
            found[element] = counters[tag]
    return found


def location_block(element: etree._Element) -> etree._Element | None:
    """The nearest ancestor-or-self in :data:`LOCATION_ELEMENTS`, else in :data:`ENCLOSING_LOCATION_ELEMENTS`,
    else None (the same passage as ``tt:anchor-of`` in common.xsl)."""
    enclosing = None
    node = element
    while node is not None:
        if node.tag in _LOCATION_TAGS:
            return node
        if enclosing is None and node.tag in _ENCLOSING_LOCATION_TAGS:
            enclosing = node
        node = node.getparent()
    return enclosing


def location_id(element: etree._Element) -> str:
    """The permalink id of the passage an element is in.

    The passage is the nearest ancestor-or-self that is one of
    :data:`LOCATION_ELEMENTS` (``p``, ``ab``, ``l``, ``head``, ``item``,
    ``note``, …), else the nearest line group, division or speech. Its id is
    its ``xml:id`` if it has one, else ``"{localname}-{n}"`` where ``n`` is
    its 1-based position among all TEI elements of that local name in the
    whole document, in document order (XSLT: ``xsl:number level="any"``),
    e.g. ``p-12``; with no such passage, :data:`WHOLE_TEXT_LOCATION`. The
    HTML edition uses the same ids for its anchors.
    """
    block = location_block(element)
    return WHOLE_TEXT_LOCATION if block is None else _location_ids([block], element.getroottree().getroot())[block]


def _location_ids(blocks: Iterable[etree._Element], root: etree._Element) -> dict[etree._Element, str]:
    """:func:`location_id` of many blocks of one document, numbering those without ``xml:id`` together."""
    ids = dict.fromkeys(blocks, "")
    for block in ids:
        ids[block] = block.get(XML_ID) or ""
    unnamed = {block for block, given in ids.items() if not given}
    positions = _positions(root, unnamed)
    for block in unnamed:
        ids[block] = f"{localname(block)}-{positions.get(block, 0)}"
    return ids


def _file_key(path: str | Path) -> str:
    """One spelling of a file's location, to match ``file.xml#id`` pointers against the files read."""
    return os.path.normpath(os.path.abspath(path))


class _Registry:
    """Entries by id, by file and id, and by authority URI, so pointers of every style resolve.

    Entries with one id in several files are one entity (registers are often
    repeated across the files of an edition), but an entity of one kind and
    an entry of another kind never merge.
    """

    def __init__(self) -> None:
        self.entities: dict[tuple[str, str], Entity] = {}
        self._by_id: dict[str, list[Entity]] = {}
        self._in_file: dict[tuple[str, str], list[Entity]] = {}
        self._by_uri: dict[str, Entity] = {}

    def add_entries(self, entries: Iterable[etree._Element], file: str, path: Path) -> None:
        for entry in entries:
            self.add_entry(entry, ENTRY_KINDS[localname(entry)], file, _file_key(path))

    def add_entry(self, entry: etree._Element, kind: str, file: str, file_key: str) -> None:
        entity_id = entry.get(XML_ID)
        found = self.entities.get((kind, entity_id))
        if found is None:
            found = self.entities[(kind, entity_id)] = Entity(kind, entity_id, STATUS_REGISTERED, defined_in=file)
            if kind == "works":
                found._author_sources = [
                    ((author.get("ref") or author.get("key") or "").split(), reading_text(author), file_key)
                    for author in entry.iter(TEI + "author")
                ]
        for table, key in ((self._by_id, entity_id), (self._in_file, (file_key, entity_id))):
            known = table.setdefault(key, [])
            if found not in known:
                known.append(found)
        _describe(found, entry)
        for scheme, values in found.authority.items():
            for value in values:
                self._by_uri.setdefault(_authority_key(scheme, value), found)

    def resolve(self, token: str, base: str = "", kind: str = "") -> Entity | None:
        """The entry a pointer in file ``base`` names: ``#id`` (in that file first),
        ``file.xml#id`` (in that file first), an authority URI, or a bare id (``@key``).
        Of entries sharing an id, one of ``kind`` is preferred."""
        if "://" in token and (found := self._by_uri.get(_authority_key("", token))) is not None:
            return found
        if "#" in token:
            file_part, _, entity_id = token.rpartition("#")
            if base:
                home = _file_key(os.path.join(os.path.dirname(base), file_part)) if file_part else base
                if (local := self._in_file.get((home, entity_id))) is not None:
                    return _preferring(local, kind)
            candidates = self._by_id.get(entity_id)
        else:
            candidates = None if "://" in token else self._by_id.get(token)
        return _preferring(candidates, kind) if candidates else None

    def unresolved(self, kind: str, token: str) -> Entity:
        key = token[1:] if token.startswith("#") else token
        return self.entities.setdefault((kind, key), Entity(kind, key, STATUS_UNRESOLVED))

    def unlinked(self, kind: str, surface: str) -> Entity:
        return self.entities.setdefault((kind, "\0" + surface), Entity(kind, "", STATUS_UNLINKED, name=surface))


def _preferring(entities: list[Entity], kind: str) -> Entity:
    return next((e for e in entities if e.kind == kind), entities[0])


def _authority_key(scheme: str, value: str) -> str:
    """One spelling for an authority identifier, whether written as URI or bare id."""
    value = value.strip()
    if match := _WIKIDATA.search(value):
        return "wikidata:" + match.group(1).upper()
    if scheme == "wikidata" and re.fullmatch(r"[Qq]\d+", value):
        return "wikidata:" + value.upper()
    if "://" in value:
        value = value.split("://", 1)[1].lower()
        return value.removeprefix("www.").rstrip("/")
    return f"{scheme}:{value}"


def _children(element: etree._Element, *names: str) -> list[etree._Element]:
    """Child elements with one of these TEI local names, in document order (filtered by lxml)."""
    return list(element.iterchildren(*_tei_tags(names)))


@functools.lru_cache(maxsize=None)
def _tei_tags(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(TEI + name for name in names)


def _preferred(names: list[etree._Element]) -> etree._Element | None:
    for wanted in PREFERRED_NAME_TYPES:
        for name in names:
            if (name.get("type") or "") == wanted:
                return name
    return names[0] if names else None


def _person_name(name: etree._Element) -> tuple[str, str, str]:
    """(display name, forenames, surnames) of a ``persName``."""
    forename = " ".join(reading_text(e) for e in name.iter(TEI + "forename"))
    surname = " ".join(reading_text(e) for e in name.iter(TEI + "surname"))
    if forename or surname:
        return normalise_space(f"{forename} {surname}"), forename, surname
    return reading_text(name), "", ""


def _event_date(event: etree._Element | None) -> str:
    """The date of a ``birth``/``death``: ISO value(s) if given, else the words."""
    if event is None:
        return ""
    for carrier in [event, *event.iter(TEI + "date")]:
        if value := _iso_value(carrier):
            return value
    dates = list(event.iter(TEI + "date"))
    return reading_text(dates[0] if dates else event)


def _iso_value(element: etree._Element) -> str:
    values = _date_attributes(element)
    if values["when"]:
        return values["when"]
    for start, end in (("from", "to"), ("not_before", "not_after")):
        if values[start] or values[end]:
            return f"{values[start] or '..'}/{values[end] or '..'}"
    return ""


def _date_attributes(element: etree._Element) -> dict[str, str]:
    """when/from/to/notBefore/notAfter, falling back to their ``-iso`` variants."""
    return {
        key: (element.get(attribute) or element.get(attribute + "-iso") or "").strip()
        for key, attribute in (("when", "when"), ("from", "from"), ("to", "to"), ("not_before", "notBefore"), ("not_after", "notAfter"))
    }


def _coordinates(place: etree._Element) -> tuple[float | None, float | None]:
    """Latitude and longitude from the first ``location/geo`` ("lat long", decimal comma allowed)."""
    for location in _children(place, "location"):
        for geo in _children(location, "geo"):
            text = (geo.text or "").strip()
            tokens = text.split()
            if len(tokens) != 2:
                tokens = re.split(r"\s*,\s*", text)
            try:
                latitude, longitude = (float(t.replace(",", ".")) for t in tokens)
            except ValueError:
                continue
            if abs(latitude) <= 90 and abs(longitude) <= 180:  # also false for nan
                return latitude, longitude
    return None, None


def _authority_ids(entry: etree._Element) -> dict[str, list[str]]:
    """``idno`` values by type; a URL/URI idno is filed under its ``@subtype``."""
    found: dict[str, list[str]] = {}
    for idno in _children(entry, "idno"):
        value = normalise_space(idno.text or "")
        if not value:
            continue
        kind = (idno.get("type") or "").strip().lower()
        if kind in ("url", "uri") and (subtype := idno.get("subtype")):
            kind = subtype.strip().lower()
        found.setdefault(kind or "idno", []).append(value)
    return found


def _describe(entity: Entity, entry: etree._Element) -> None:
    """Fill what the entity does not know yet from a register entry."""
    element_name = localname(entry)
    names: list[str] = []
    if entity.kind == "persons":
        persnames = _children(entry, "persName", "name")
        person_names = [_person_name(n) for n in persnames]
        chosen = _preferred(persnames)
        if chosen is not None:
            display, forename, surname = person_names[persnames.index(chosen)]
            entity.name = entity.name or display
            entity.forename = entity.forename or forename
            entity.surname = entity.surname or surname
        names = [display for display, _, _ in person_names]
        entity.birth = entity.birth or _event_date(next(iter(_children(entry, "birth")), None))
        entity.death = entity.death or _event_date(next(iter(_children(entry, "death")), None))
        entity.type = entity.type or ("group" if element_name == "personGrp" else entry.get("role") or "")
    elif entity.kind in ("places", "orgs"):
        wanted = ("placeName", "geogName", "settlement", "region", "country", "bloc", "district", "name") if entity.kind == "places" else ("orgName", "name")
        candidates = _children(entry, *wanted)
        chosen = _preferred([c for c in candidates if c.tag == candidates[0].tag]) if candidates else None
        names = [reading_text(n) for n in candidates]
        if chosen is not None:
            entity.name = entity.name or names[candidates.index(chosen)]
        entity.type = entity.type or entry.get("type") or ""
        if entity.kind == "places" and entity.latitude is None:
            entity.latitude, entity.longitude = _coordinates(entry)
    else:
        titles = list(entry.iter(TEI + "title"))
        entity.name = entity.name or (reading_text(titles[0]) if titles else reading_text(entry))
        names = [reading_text(t) for t in titles]
        entity.date = entity.date or next((_iso_value(d) or reading_text(d) for d in entry.iter(TEI + "date")), "")
        entity.type = entity.type or entry.get("type") or ""
    entity.other_names = list(dict.fromkeys([*entity.other_names, *(n for n in names if n and n != entity.name)]))
    if not entity.note:
        entity.note = " | ".join(filter(None, map(reading_text, _children(entry, "note"))))
    for scheme, values in _authority_ids(entry).items():
        known = entity.authority.setdefault(scheme, [])
        known.extend(v for v in values if v not in known)


def _author_names(work: Entity, registry: _Registry) -> list[str]:
    """Authors of a work entry: the person entry's name when ``@ref`` points to one."""
    names = []
    for pointers, written, file_key in work._author_sources:
        person = next((p for p in (registry.resolve(t, file_key, "persons") for t in pointers) if p is not None), None)
        names.append(person.name if person is not None and person.name else written)
    return list(dict.fromkeys(n for n in names if n))


def _pointers(element: etree._Element, name: str) -> tuple[list[str], bool]:
    """Pointer tokens of an element, and whether unresolved ones are mentions too."""
    if element.get("ref"):
        return element.get("ref").split(), True
    if element.get("key"):
        return [element.get("key").strip()], True
    if name in ("ref", "ptr") and element.get("target"):
        return element.get("target").split(), False
    if name in ("quote", "q", "said", "cit") and element.get("source"):
        return element.get("source").split(), True
    return [], False


def _naming_kind(element: etree._Element, name: str) -> str:
    """The kind an element names by itself (from its name or ``@type``), or ""."""
    if name in NAMING_KINDS:
        return NAMING_KINDS[name]
    if name in ("rs", "name"):
        return RS_TYPE_KINDS.get((element.get("type") or "").strip().lower(), "")
    return ""


@dataclass(slots=True)
class _PendingQuote:
    """A quotation as scanned; speaker and work are known once every entry is registered."""

    record: QuoteRecord
    speaker: str
    sources: list[str]
    cit_bibl: tuple[list[str], str, str] | None  # pointers, xml:id and text of the first bibl of a parent cit

    def resolve(self, registry: _Registry, base: str) -> QuoteRecord:
        record = self.record
        if self.speaker:
            person = registry.resolve(self.speaker, base, "persons") or registry.unresolved("persons", self.speaker)
            record.speaker_id, record.speaker = person.id, person.name
        for token in self.sources:
            source = registry.resolve(token, base, "works") or registry.unresolved("works", token)
            if source.kind == "works" and not record.work_id:
                record.work_id, record.work = source.id, source.name
            elif source.kind == "persons" and not record.speaker_id:
                record.speaker_id, record.speaker = source.id, source.name
        if not record.work_id and self.cit_bibl is not None:
            pointers, bibl_id, written = self.cit_bibl
            work = next((w for w in (registry.resolve(t, base, "works") for t in pointers) if w is not None), None)
            if work is None and bibl_id:
                work = registry.resolve("#" + bibl_id, base, "works")
            record.work_id = work.id if work is not None else ""
            record.work = work.name if work is not None else written
        return record


@dataclass(slots=True)
class _Candidate:
    """What resolving an element of the text needs, kept so that its tree can be freed."""

    name: str
    location: str
    line: int
    tokens: list[str]
    counts_unresolved: bool
    kind: str
    surface: str
    speakers: list[str]
    quote: _PendingQuote | None


@dataclass
class _FileScan:
    """The pointers, dates and quotes of one document, waiting for every entry to be known."""

    file: str
    file_key: str
    candidates: list[_Candidate] = field(default_factory=list)
    dates: list[DateRecord] = field(default_factory=list)

    def resolve(self, registry: _Registry, index: EntityIndex) -> None:
        """Add the mentions, speeches, quotes and dates of this document to ``index``."""
        mentioned_at: dict[str, list[str]] = {}
        for candidate in self.candidates:
            targets = []
            for token in candidate.tokens:
                entity = registry.resolve(token, self.file_key, candidate.kind)
                if entity is None and candidate.counts_unresolved and candidate.kind:
                    entity = registry.unresolved(candidate.kind, token)
                if entity is not None:
                    targets.append(entity)
            if not candidate.tokens and candidate.kind and candidate.name not in QUOTE_ELEMENTS and candidate.surface:
                targets.append(registry.unlinked(candidate.kind, candidate.surface))
            for entity in targets:
                entity.mentions.append(Mention(self.file, candidate.location, candidate.line, candidate.surface))
                mentioned_at.setdefault(candidate.location, []).append(entity.label)
            for token in candidate.speakers:
                (registry.resolve(token, self.file_key, "persons") or registry.unresolved("persons", token)).speeches += 1
            if candidate.quote is not None:
                index.quotes.append(candidate.quote.resolve(registry, self.file_key))
        for record in self.dates:
            record.entities = list(dict.fromkeys(mentioned_at.get(record.location, [])))
            index.dates.append(record)


def _scan(document: Document, outline: _Outline) -> _FileScan:
    """One pass over the text of a document, keeping only small records of what it points to."""
    scan = _FileScan(document.display_name, _file_key(document.path))
    found = [(element, location_block(element)) for element in _text_candidates(outline)]
    locations = _location_ids((block for _, block in found if block is not None), document.root)
    blocks: dict[str, etree._Element] = {}  # the first passage with each id: it gives dates their context
    for element, block in found:
        name = localname(element)
        location = WHOLE_TEXT_LOCATION if block is None else locations[block]
        if block is not None:
            blocks.setdefault(location, block)
        line = element.sourceline or 0
        tokens, counts_unresolved = _pointers(element, name)
        kind = _naming_kind(element, name)
        if name in ("quote", "q", "said", "cit") and element.get("source") and not (element.get("ref") or element.get("key")):
            kind = "works"
        surface = reading_text(element) if (tokens or kind) and name not in (*QUOTE_ELEMENTS, "cit") else ""
        speakers = element.get("who").split() if element.get("who") and name in SPEECH_ELEMENTS else []
        quote = _scan_quote(element, name, location, scan.file) if name in QUOTE_ELEMENTS else None
        if name == "date":
            scan.dates.append(_date_record(element, location, scan.file, context_snippet(element, blocks.get(location, element))))
        if tokens or kind or speakers or quote is not None:
            scan.candidates.append(_Candidate(name, location, line, tokens, counts_unresolved, kind, surface, speakers, quote))
    return scan


def _date_record(element: etree._Element, location: str, file: str, context: str) -> DateRecord:
    values = _date_attributes(element)
    return DateRecord(
        file, location, element.sourceline or 0, reading_text(element),
        when=values["when"], from_=values["from"], to=values["to"],
        not_before=values["not_before"], not_after=values["not_after"], context=context,
    )


def _scan_quote(element: etree._Element, name: str, location: str, file: str) -> _PendingQuote:
    record = QuoteRecord(file, location, element.sourceline or 0, name, reading_text(element))
    parent = element.getparent()
    cit_bibl = None
    if parent is not None and localname(parent) == "cit":
        for bibl in _children(parent, "bibl", "biblStruct", "ref"):
            pointers = (bibl.get("ref") or bibl.get("corresp") or bibl.get("target") or "").split()
            cit_bibl = (pointers, bibl.get(XML_ID) or "", reading_text(bibl))
            break
    return _PendingQuote(record, next(iter((element.get("who") or "").split()), ""), (element.get("source") or "").split(), cit_bibl)


def context_snippet(element: etree._Element, block: etree._Element, width: int = 60) -> str:
    """The reading text of ``block`` cut to ``width`` characters either side of ``element``."""
    if element is block:
        return reading_text(block)
    parts: list[str] = []
    _collect_reading(block, parts, mark=element)
    pieces = normalise_space("".join(parts)).split(_MARK)
    if len(pieces) != 3:
        return reading_text(block)[: 2 * width]
    before, inside, after = pieces
    before = before if len(before) <= width else "…" + before[-width:].lstrip()
    after = after if len(after) <= width else after[:width].rstrip() + "…"
    return (before + inside + after).strip()


def _as_document(source: Document | str | Path) -> Document:
    return source if isinstance(source, Document) else xmlsafe.load(source)


def build_index(documents: Iterable[Document | str | Path], authorities: Iterable[Document | str | Path] = ()) -> EntityIndex:
    """Index the entries and mentions of one or more TEI files (merged by id).

    ``authorities`` are register files (``listPerson``/``listPlace``/``listOrg``/
    ``listBibl``) used to resolve pointers; their entries are exported only
    when mentioned. Entries of ``documents`` come first, so their data wins.
    Each tree is freed as soon as it is scanned (pointers to entries of later
    files are resolved at the end), so memory stays near that of one file.
    Raises :class:`~tei_tool.errors.XMLInputError` for unreadable input.
    """
    registry = _Registry()
    files: list[str] = []
    scans: list[_FileScan] = []
    problems: list[Finding] = []
    indexed: set[str] = set()
    for source in documents:
        document = _as_document(source)
        if _file_key(document.path) in indexed:  # the same file named twice: counted once
            continue
        indexed.add(_file_key(document.path))
        problems.extend(document.load_findings)
        outline = _outline(document.root)
        registry.add_entries(outline.entries, document.display_name, document.path)
        files.append(document.display_name)
        scans.append(_scan(document, outline))
    for source in authorities:
        authority = _as_document(source)
        problems.extend(authority.load_findings)
        registry.add_entries(_outline(authority.root).entries, authority.display_name, authority.path)
    index = EntityIndex(files, registry.entities, [], [], problems)
    for scan in scans:
        scan.resolve(registry, index)
    for entity in list(registry.entities.values()):
        if entity.kind == "works" and entity.status == STATUS_REGISTERED:
            entity.authors = _author_names(entity, registry)
    return index
