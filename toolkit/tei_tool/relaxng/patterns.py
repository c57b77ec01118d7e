"""Hash-consed patterns: every distinct pattern exists once.

Because equal patterns are the same object, a derivative computed once is
stored on the pattern and found again by identity, and choices can be kept
as flat, duplicate-free sets.  The constructors apply the algebraic
simplifications of Clark's algorithm (``notAllowed`` absorbs, ``empty`` is
a unit), which keeps derivatives small.

Name classes are plain tuples: ``("name", ns, local)``, ``("any", except)``,
``("ns", uri, except)`` and ``("choice", nc, …)``.
"""

from __future__ import annotations

import unicodedata
from types import MappingProxyType

from lxml import etree

from ..memory import collector_paused
from ..namespaces import RNG_NS
from .datatypes import Datatype, DatatypeError
from .xsdregex import remember_translations, translate_xsd_regex

NOT_ALLOWED, EMPTY, TEXT, CHOICE, GROUP, INTERLEAVE, ONE_OR_MORE = range(7)
ELEMENT, ATTRIBUTE, LIST, VALUE, DATA, AFTER = range(7, 13)
KIND_NAMES = ["notAllowed", "empty", "text", "choice", "group", "interleave", "oneOrMore",
              "element", "attribute", "list", "value", "data", "after"]
R = "{%s}" % RNG_NS


# Memo of a pattern no derivative has been taken of yet: most grammar patterns stay so,
# and one shared read-only mapping instead of four dicts each makes loading a grammar
# quicker.  Derivers replace it with a dict of the pattern's own when they store.
NO_MEMO = MappingProxyType({})


class Pattern:
    """One node of the pattern graph, with room for the derivatives computed from it."""

    __slots__ = ("kind", "a", "b", "members", "nc", "datatype", "value", "nullable",
                 "name", "open_memo", "att_memo", "att_leaves", "close_memo", "text_memo",
                 "text_leaves", "end_memo", "datatype_params", "value_memo", "whitespace_memo")

    def __init__(self, kind: int, a=None, b=None, nullable: bool = False):
        self.kind, self.a, self.b, self.nullable = kind, a, b, nullable
        self.members = ()
        self.nc = self.datatype = self.value = self.name = None
        self.open_memo = self.att_memo = self.att_leaves = self.text_memo = NO_MEMO
        self.close_memo = self.text_leaves = self.end_memo = None
        self.value_memo = self.whitespace_memo = None
        self.datatype_params = ()

    def __repr__(self) -> str:
        return f"<{KIND_NAMES[self.kind]} #{id(self):x}>"


def nc_contains(nc: tuple, ns: str, local: str) -> bool:
    kind = nc[0]
    if kind == "name":
        return nc[1] == ns and nc[2] == local
    if kind == "any":
        return nc[1] is None or not nc_contains(nc[1], ns, local)
    if kind == "ns":
        return nc[1] == ns and (nc[2] is None or not nc_contains(nc[2], ns, local))
    return any(nc_contains(member, ns, local) for member in nc[1:])


def nc_names(nc: tuple) -> list[tuple[str, str]]:
    """The explicit names a name class lists (for messages)."""
    if nc[0] == "name":
        return [(nc[1], nc[2])]
    if nc[0] == "choice":
        return [name for member in nc[1:] for name in nc_names(member)]
    return []


def next_leaves(p: Pattern, whole_groups: bool = False, prune=None) -> list[Pattern]:
    """The patterns ``p`` could match next that combine no others (element, attribute, text,
    data, value, list, empty), each once, depth first.

    A group's second part is reached only when its first may be empty, unless ``whole_groups``
    (a start tag's attributes may come in any order); a choice for which ``prune`` is true is
    not entered.
    """
    found: dict[Pattern, None] = {}
    seen: set[Pattern] = set()

    def walk(q: Pattern) -> None:
        if q in seen:
            return
        seen.add(q)
        kind = q.kind
        if kind == CHOICE:
            if prune is None or not prune(q):
                for member in q.members:
                    walk(member)
        elif kind == GROUP:
            walk(q.a)
            if whole_groups or q.a.nullable:
                walk(q.b)
        elif kind == INTERLEAVE:
            walk(q.a)
            walk(q.b)
        elif kind in (ONE_OR_MORE, AFTER):
            walk(q.a)
        else:
            found[q] = None

    walk(p)
    return list(found)


class PatternLimitError(RuntimeError):
    """Derivatives grew past :attr:`Builder.limit` patterns."""


class Builder:
    """Makes patterns, returning the existing object for a pattern seen before.

    Derivatives of ``interleave`` can multiply: the number of patterns
    made is bounded by ``limit`` (tei_all over the whole corpus needs about
    30,000), so that a schema and documents that would need millions stop
    with an error instead of exhausting memory.
    """

    limit = 500_000

    def __init__(self) -> None:
        self.not_allowed = Pattern(NOT_ALLOWED)
        self.empty = Pattern(EMPTY, nullable=True)
        self.text = Pattern(TEXT, nullable=True)
        self._pairs: dict[tuple, Pattern] = {}
        self._choices: dict[frozenset, Pattern] = {}
        self._singles: dict[tuple, Pattern] = {}

    def choice(self, items) -> Pattern:
        members = set()
        for p in items:
            kind = p.kind
            if kind == CHOICE:
                members.update(p.members)
            elif kind != NOT_ALLOWED:
                members.add(p)
        if not members:
            return self.not_allowed
        if len(members) == 1:
            return members.pop()
        key = frozenset(members)
        found = self._choices.get(key)
        if found is None:
            self._check_limit()
            found = Pattern(CHOICE, nullable=any(m.nullable for m in members))
            found.members = tuple(members)
            self._choices[key] = found
        return found

    def _pair(self, kind: int, a: Pattern, b: Pattern, nullable: bool) -> Pattern:
        key = (kind, a, b)
        found = self._pairs.get(key)
        if found is None:
            self._check_limit()
            found = self._pairs[key] = Pattern(kind, a, b, nullable)
        return found

    def _check_limit(self) -> None:
        if len(self._pairs) + len(self._choices) >= self.limit:
            raise PatternLimitError(f"validation needs more than {self.limit:,} patterns "
                                    "(an interleave with many ways to go on); try --engine jing")

    def group(self, a: Pattern, b: Pattern) -> Pattern:
        return self._both(GROUP, a, b)

    def interleave(self, a: Pattern, b: Pattern) -> Pattern:
        return self._both(INTERLEAVE, a, b)

    def _both(self, kind: int, a: Pattern, b: Pattern) -> Pattern:
        """A group or interleave: notAllowed in either part absorbs it, an empty part drops out."""
        if a.kind == NOT_ALLOWED or b.kind == NOT_ALLOWED:
            return self.not_allowed
        if a.kind == EMPTY:
            return b
        if b.kind == EMPTY:
            return a
        return self._pair(kind, a, b, a.nullable and b.nullable)

    def after(self, a: Pattern, b: Pattern) -> Pattern:
        if a.kind == NOT_ALLOWED or b.kind == NOT_ALLOWED:
            return self.not_allowed
        return self._pair(AFTER, a, b, False)

    def one_or_more(self, a: Pattern) -> Pattern:
        if a.kind in (NOT_ALLOWED, EMPTY) or a.kind == ONE_OR_MORE:
            return a
        return self._single(ONE_OR_MORE, a, a.nullable)

    def list(self, a: Pattern) -> Pattern:
        if a.kind == NOT_ALLOWED:
            return a
        return self._single(LIST, a, False)

    def _single(self, kind: int, a: Pattern, nullable: bool) -> Pattern:
        key = (kind, a)
        found = self._singles.get(key)
        if found is None:
            found = self._singles[key] = Pattern(kind, a, nullable=nullable)
        return found

    def attribute(self, nc: tuple, content: Pattern) -> Pattern:
        if content.kind == NOT_ALLOWED:
            return self.not_allowed
        key = (ATTRIBUTE, nc, content)
        found = self._singles.get(key)
        if found is None:
            found = self._singles[key] = Pattern(ATTRIBUTE, content)
            found.nc = nc
        return found

    def leaf(self, kind: int, datatype: Datatype, value, key: tuple, except_: Pattern | None = None) -> Pattern:
        found = self._singles.get(key)
        if found is None:
            found = self._singles[key] = Pattern(kind, except_)
            found.datatype, found.value = datatype, value
        return found


class Grammar:
    """The compiled grammar: the start pattern and every element pattern."""

    def __init__(self, builder: Builder, start: Pattern, elements: list[Pattern]):
        self.builder, self.start, self.elements = builder, start, elements
        self.id_types: dict[tuple[str, str], str] = {}
        self._by_name: dict[tuple[str, str], Pattern] = {}
        self._free_text: frozenset[str] | None = None

    def free_text_attributes(self) -> frozenset[str]:
        """Names of the attributes (as lxml spells them) whose values the grammar never looks at.

        Every attribute pattern that could match such a name takes any string
        (so none is an ID either).  Derivatives make no new attribute patterns, so the
        builder's are all there are.
        """
        if self._free_text is None:
            named: dict[tuple[str, str], bool] = {}
            wildcards = []
            for key, p in self.builder._singles.items():
                if key[0] != ATTRIBUTE:
                    continue
                if not _names_only(p.nc):
                    wildcards.append(p)
                for name in nc_names(p.nc):
                    named[name] = named.get(name, True) and _takes_any_string(p.a)
            self._free_text = frozenset(
                f"{{{ns}}}{local}" if ns else local
                for (ns, local), free in named.items()
                if free and not any(nc_contains(w.nc, ns, local) and not _takes_any_string(w.a) for w in wildcards))
        return self._free_text

    def recovery_state(self, ns: str, local: str) -> Pattern:
        """Content of every element named so, for checking a misplaced element's inside."""
        key = (ns, local)
        found = self._by_name.get(key)
        if found is None:
            b = self.builder
            found = b.choice([b.after(e.a, b.empty) for e in self.elements if nc_contains(e.nc, ns, local)])
            self._by_name[key] = found
        return found


def _names_only(nc: tuple) -> bool:
    return nc[0] == "name" or (nc[0] == "choice" and all(_names_only(member) for member in nc[1:]))


def _takes_any_string(p: Pattern) -> bool:
    return p.kind == TEXT or (p.kind == DATA and p.a is None and p.datatype.allows_every_string)


def name_class(el) -> tuple:
    """The name class a simplified grammar's ``name``, ``anyName``, ``nsName`` or ``choice`` element stands for."""
    local = etree.QName(el).localname
    if local == "name":
        return ("name", el.get("ns", ""), el.text or "")
    if local == "choice":
        return ("choice", *(name_class(kid) for kid in el))
    except_ = name_class(el[0][0]) if len(el) else None
    if local == "anyName":
        return ("any", except_)
    return ("ns", el.get("ns", ""), except_)


def build_grammar(simplified: etree._ElementTree) -> Grammar:
    """Patterns from a simplified grammar (see :mod:`.simplify`)."""
    b = Builder()
    root = simplified.getroot()
    default_library = root.get("datatypeLibrary", "")
    elements: dict[str, Pattern] = {}
    for define in root[1:]:
        element = define[0]
        p = Pattern(ELEMENT)
        p.nc = name_class(element[0])
        elements[define.get("name")] = p
    id_types: dict[tuple[str, str], str] = {}

    def build(el) -> Pattern:
        local = el.tag[len(R):]
        if local == "ref":
            return elements[el.get("name")]
        if local == "choice":
            return b.choice([build(kid) for kid in el])
        if local in ("group", "interleave"):
            combine = b.group if local == "group" else b.interleave
            result = build(el[-1])
            for kid in reversed(el[:-1]):
                result = combine(build(kid), result)
            return result
        if local == "oneOrMore":
            return b.one_or_more(build(el[0]))
        if local == "empty":
            return b.empty
        if local == "text":
            return b.text
        if local == "notAllowed":
            return b.not_allowed
        if local == "list":
            return b.list(build(el[0]))
        if local == "attribute":
            nc = name_class(el[0])
            content = build(el[1])
            if content.kind == DATA and content.datatype.id_type:
                for name in nc_names(nc):
                    previous = id_types.setdefault(name, content.datatype.id_type)
                    if previous != content.datatype.id_type:
                        raise DatatypeError(f"conflicting ID-types for attribute {name[1]!r}")
            return b.attribute(nc, content)
        if local == "value":
            library = el.get("datatypeLibrary", default_library)
            datatype = _datatype(library, el.get("type"), [])
            text = el.text or ""
            normalised = datatype.normalise(text)
            return b.leaf(VALUE, datatype, text, (VALUE, library, el.get("type"), normalised, el.get("ns", "")))
        if local == "data":
            library = el.get("datatypeLibrary", default_library)
            params = [(p.get("name"), p.text or "") for p in el if p.tag == R + "param"]
            except_ = build(el[-1][0]) if len(el) and el[-1].tag == R + "except" else None
            datatype = _datatype(library, el.get("type"), params)
            leaf = b.leaf(DATA, datatype, None, (DATA, library, el.get("type"), tuple(params), except_), except_)
            leaf.datatype_params = params
            return leaf
        raise DatatypeError(f"unexpected {local!r} in a simplified grammar")

    for define in root[1:]:
        element = define[0]
        elements[define.get("name")].a = build(element[1])
    grammar = Grammar(b, build(root[0][0]), list(elements.values()))
    grammar.id_types = id_types
    return grammar


_DATATYPES: dict[tuple, Datatype] = {}


def _datatype(library: str, name: str, params: list[tuple[str, str]]) -> Datatype:
    key = (library, name, tuple(params))
    found = _DATATYPES.get(key)
    if found is None:
        found = _DATATYPES[key] = Datatype(library, name, params)
    return found


def grammar_to_table(grammar: Grammar) -> dict:
    """A flat, picklable description of the grammar: patterns refer to each other by index.

    Pickling the pattern graph itself would recurse as deep as the graph;
    this table is read back with one loop, much faster than rebuilding from XML.
    """
    order: list[Pattern] = []
    index: dict[Pattern, int] = {}
    stack = [grammar.start, *grammar.elements]
    while stack:
        p = stack.pop()
        if p in index:
            continue
        index[p] = len(order)
        order.append(p)
        stack.extend(k for k in (*p.members, p.a, p.b) if k is not None and k not in index)
    rows = []
    for p in order:
        datatype = (p.datatype.library, p.datatype.name, tuple(p.datatype_params)) if p.datatype else None
        rows.append((
            p.kind,
            index[p.a] if p.a is not None else -1,
            index[p.b] if p.b is not None else -1,
            tuple(index[m] for m in p.members),
            p.nc, datatype, p.value, p.nullable,
        ))
    regexes = {value: translate_xsd_regex(value) for p in order
               for name, value in p.datatype_params if name == "pattern"}
    return {
        "rows": rows,
        "start": index[grammar.start],
        "elements": [index[e] for e in grammar.elements],
        "id_types": grammar.id_types,
        "regexes": regexes,
        "unicode": unicodedata.unidata_version,
    }


def grammar_from_table(table: dict) -> Grammar:
    """The grammar a table describes."""
    with collector_paused():
        return _grammar_from_rows(table)


def _grammar_from_rows(table: dict) -> Grammar:
    remember_translations(table.get("regexes", {}), table.get("unicode", ""))
    b = Builder()
    shared = {NOT_ALLOWED: b.not_allowed, EMPTY: b.empty, TEXT: b.text}
    patterns: list[Pattern] = []
    for kind, _a, _b, _members, nc, datatype, value, nullable in table["rows"]:
        p = shared.get(kind)
        if p is None:
            p = Pattern(kind, nullable=nullable)
            p.nc, p.value = nc, value
            if datatype is not None:
                p.datatype = _datatype(datatype[0], datatype[1], list(datatype[2]))
                p.datatype_params = list(datatype[2])
        patterns.append(p)
    for p, (kind, a, b_, members, nc, datatype, value, _) in zip(patterns, table["rows"]):
        if a >= 0:
            p.a = patterns[a]
        if b_ >= 0:
            p.b = patterns[b_]
        if kind == CHOICE:
            p.members = tuple(map(patterns.__getitem__, members))
            b._choices[frozenset(p.members)] = p
        elif kind in (GROUP, INTERLEAVE, AFTER):
            b._pairs[(kind, p.a, p.b)] = p
        elif kind in (ONE_OR_MORE, LIST):
            b._singles[(kind, p.a)] = p
        elif kind == ATTRIBUTE:
            b._singles[(ATTRIBUTE, nc, p.a)] = p
    grammar = Grammar(b, patterns[table["start"]], [patterns[i] for i in table["elements"]])
    grammar.id_types = table["id_types"]
    return grammar
