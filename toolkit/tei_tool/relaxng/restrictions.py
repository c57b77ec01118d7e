"""The restrictions of section 7, checked on the simplified grammar.

Simplification accepts some schemas the specification rejects: attributes
inside attributes, text inside lists, interleaves whose branches could both
take the same element, and so on.  These checks make such a schema an
error, as jing does, instead of a grammar with surprising meaning.
"""

from __future__ import annotations

from lxml import etree

from ..errors import SchemaError
from ..namespaces import RNG_NS
from .patterns import name_class, nc_contains

R = "{%s}" % RNG_NS
_EMPTY, _COMPLEX, _SIMPLE = 0, 1, 2


def _local(el) -> str:
    return el.tag[len(R):]


def _representatives(nc, out: set) -> None:
    kind = nc[0]
    if kind == "name":
        out.add((nc[1], nc[2]))
    elif kind == "any":
        out.add(("\0", "\0"))
        if nc[1]:
            _representatives(nc[1], out)
    elif kind == "ns":
        out.add((nc[1], "\0"))
        if nc[2]:
            _representatives(nc[2], out)
    else:
        for member in nc[1:]:
            _representatives(member, out)


def overlap(a: tuple, b: tuple) -> bool:
    """Whether some name belongs to both name classes."""
    names: set = set()
    _representatives(a, names)
    _representatives(b, names)
    return any(nc_contains(a, *n) and nc_contains(b, *n) for n in names)


def _is_infinite(nc) -> bool:
    if nc[0] in ("any", "ns"):
        return True
    return nc[0] == "choice" and any(_is_infinite(m) for m in nc[1:])


class _Checker:
    def __init__(self, grammar: etree._Element, file: str):
        self.file = file
        self.element_nc = {d.get("name"): name_class(d[0][0]) for d in grammar[1:]}

    def fail(self, el, message: str) -> SchemaError:
        return SchemaError(f"{self.file}:{el.sourceline or 0}:0: {message}")

    def paths(self, el, context: frozenset) -> None:
        """7.1: patterns that may not occur below certain others."""
        local = _local(el)
        forbidden = {
            "attribute": {"attribute", "ref"},
            "oneOrMore": set(),
            "oneOrMore-group": {"attribute"},
            "list": {"list", "ref", "attribute", "text", "interleave"},
            "except": {"attribute", "ref", "text", "list", "group", "interleave", "oneOrMore", "empty"},
            "start": {"attribute", "data", "value", "text", "list", "group", "interleave", "oneOrMore", "empty"},
        }
        for where in context:
            if local in forbidden[where]:
                raise self.fail(el, f"{local} not allowed inside {where.replace('-', '//')}")
        if local in ("name", "anyName", "nsName"):
            return
        if local == "attribute":
            context = context | {"attribute"}
        elif local == "list":
            context = context | {"list"}
        elif local == "oneOrMore":
            context = context | {"oneOrMore"}
        elif local in ("group", "interleave") and "oneOrMore" in context:
            context = context | {"oneOrMore-group"}
        elif local == "except":
            context = context | {"except"}
        kids = list(el)[1:] if local in ("attribute", "element") else list(el)
        for kid in kids:
            if _local(kid) == "param":
                continue
            self.paths(kid, context)

    def content_type(self, el):
        """7.2: the content type of a pattern, or None where strings and elements mix."""
        local = _local(el)
        if local in ("value", "data", "list"):
            return _SIMPLE
        if local in ("text", "ref"):
            return _COMPLEX
        if local in ("empty", "attribute", "notAllowed"):
            if local == "attribute":
                self.content_type(el[1])
            return _EMPTY
        if local == "choice":
            types = [self.content_type(k) for k in el]
            return None if None in types else max(types)
        if local in ("group", "interleave"):
            result = _EMPTY
            for kid in el:
                ct = self.content_type(kid)
                if ct is None or not (result == _EMPTY or ct == _EMPTY or (result == ct == _COMPLEX)):
                    raise self.fail(el, f"{local} mixes data with other content")
                result = max(result, ct)
            return result
        if local == "oneOrMore":
            ct = self.content_type(el[0])
            if ct == _SIMPLE:
                raise self.fail(el, "oneOrMore of data is not allowed (use list)")
            return ct
        return _EMPTY

    def attributes(self, el, repeated: bool) -> list[tuple]:
        """7.3: name classes of the attributes in ``el``; overlaps in a group are errors."""
        local = _local(el)
        if local == "attribute":
            nc = name_class(el[0])
            if _is_infinite(nc) and not repeated:
                raise self.fail(el, "an attribute with an open name class must be repeated")
            return [nc]
        if local in ("ref", "name", "anyName", "nsName", "data", "value", "list", "text", "empty", "notAllowed"):
            return []
        repeated = repeated or local == "oneOrMore"
        groups = [self.attributes(kid, repeated) for kid in el]
        if local in ("group", "interleave"):
            for i, left in enumerate(groups):
                for right in groups[i + 1:]:
                    if any(overlap(a, b) for a in left for b in right):
                        raise self.fail(el, "duplicate attribute")
        return [nc for group in groups for nc in group]

    def interleaves(self, el) -> tuple[list[tuple], bool]:
        """7.4: element name classes and whether text occurs; branches of interleave are disjoint."""
        local = _local(el)
        if local == "ref":
            return [self.element_nc[el.get("name")]], False
        if local == "text":
            return [], True
        if local in ("attribute", "data", "value", "list", "empty", "notAllowed", "name", "anyName", "nsName"):
            return [], False
        parts = [self.interleaves(kid) for kid in el]
        if local == "interleave":
            for i, (left, left_text) in enumerate(parts):
                for right, right_text in parts[i + 1:]:
                    if left_text and right_text:
                        raise self.fail(el, "text in more than one branch of interleave")
                    if any(overlap(a, b) for a in left for b in right):
                        raise self.fail(el, "the same element in more than one branch of interleave")
        return [nc for names, _ in parts for nc in names], any(t for _, t in parts)


def check(simplified: etree._ElementTree, file: str) -> None:
    """Raise :class:`SchemaError` if the simplified grammar breaks a rule of section 7."""
    grammar = simplified.getroot()
    checker = _Checker(grammar, file)
    checker.paths(grammar[0][0], frozenset({"start"}))
    for define in grammar[1:]:
        content = define[0][1]
        checker.paths(content, frozenset())
        if checker.content_type(content) is None:
            raise checker.fail(define[0], "element content mixes data with other content")
        checker.attributes(content, False)
        checker.interleaves(content)
