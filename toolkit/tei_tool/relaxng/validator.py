"""Walking a document through the derivatives, with jing-style error recovery.

Each element is checked against the state its parent is in; when the state
after its start tag is a single ``after(content, rest)`` (the usual case)
the content is walked on its own and ``rest`` is the parent's next state,
so memoised derivatives do not depend on where in the document an element
sits.  Elements without children (most of a word-tagged text) are looked up
whole, by state, tag, attributes and whether they hold text, so a recurring
word costs one dictionary look-up.  When an event is refused, the error is
reported once, at the node, and validation goes on from a state that ignores
the offending node, so every problem in the document is found in one pass.
"""

from __future__ import annotations

from typing import Callable

from lxml import etree

from ..findings import Finding, Severity
from ..sourcemap import SourceMap, written_attribute, written_name
from ..xmlsafe import decode_source
from .derivative import XML_WHITESPACE, Deriver
from .patterns import (
    AFTER, ATTRIBUTE, DATA, ELEMENT, LIST, NOT_ALLOWED, TEXT, VALUE, Grammar, Pattern, nc_names, next_leaves,
)

_MAX_LISTED = 12
_ATTRIBUTE_SETS_LIMIT = 200_000  # remembered (state, attributes) pairs, most of them recurring
_LEAF_RESULTS_LIMIT = 200_000  # remembered outcomes of elements without children


def _qname(tag: str, cache: dict) -> tuple[str, str]:
    found = cache.get(tag)
    if found is None:
        if tag[0] == "{":
            ns, _, local = tag[1:].partition("}")
            found = (ns, local)
        else:
            found = ("", tag)
        cache[tag] = found
    return found


def _expected_content(p: Pattern) -> tuple[list[str], list[str]]:
    """The names of the elements that could come next, and in words what else could
    (``any element``, ``text``)."""
    names: dict[str, None] = {}
    other: set[str] = set()
    for q in next_leaves(p):
        if q.kind == ELEMENT:
            listed = nc_names(q.nc)
            names.update(dict.fromkeys(local for _, local in listed))
            if not listed:
                other.add("any element")
        elif q.kind in (TEXT, DATA, VALUE, LIST):
            other.add("text")
    return sorted(names), sorted(other)


def _namespace_note(p: Pattern, ns: str, local: str) -> str:
    """When an element of this name could come next in another namespace, say so (the usual
    slip: a missing or mistyped ``xmlns``), since its name alone is among the expected ones."""
    expected = {other for q in next_leaves(p) if q.kind == ELEMENT
                for other, name in nc_names(q.nc) if name == local and other != ns}
    if not expected:
        return ""
    def where(namespace: str) -> str:
        return f"namespace {namespace}" if namespace else "no namespace"
    return f" (this `{local}` is in {where(ns)}; `{local}` is expected in {' or '.join(map(where, sorted(expected)))})"


def _attribute_names(p: Pattern, required_only: bool, el) -> list[str]:
    """The attributes that could come next, as written on ``el`` (``xml:id``), in order of local name."""
    optional = (lambda choice: any(m.nullable for m in choice.members)) if required_only else None
    attributes = [q for q in next_leaves(p, whole_groups=True, prune=optional) if q.kind == ATTRIBUTE]
    names = {name for q in attributes for name in nc_names(q.nc)}
    return [written_attribute(el, ns, local) for ns, local in sorted(names, key=lambda name: (name[1], name[0]))]


def _listing(names: list[str], other: list[str] = ()) -> str:
    """Names in backticks (the first _MAX_LISTED), then in words what is not a name: "`a`, `b` or text"."""
    shown = ", ".join(f"`{n}`" for n in names[:_MAX_LISTED]) + (", …" if len(names) > _MAX_LISTED else "")
    return " or ".join(part for part in (shown, *other) if part)


class Validation:
    """One run of a grammar over one document."""

    def __init__(self, grammar: Grammar, deriver: Deriver, filename: str,
                 read_source: Callable[[], bytes | None],
                 locate: Callable[[etree._Element, str | None], tuple[str, int, int]] | None = None):
        """``locate`` (a parsed document's, which knows XIncluded files) replaces the own locator."""
        self.g, self.d, self.filename = grammar, deriver, filename
        self.findings: list[Finding] = []
        self._read_source = read_source
        self._locate = locate
        self._tags: dict[str, tuple[str, str]] = {}
        self._ids: dict[str, etree._Element] = {}
        self._refs: list[tuple[etree._Element, str, tuple[str, str], str]] = []

    def run(self, tree: etree._ElementTree) -> list[Finding]:
        self._tree, self._source_map = tree, None
        state = self.element(tree.getroot(), self.g.start)
        if state is not self.g.start and not state.nullable and state.kind != NOT_ALLOWED:
            self.report(tree.getroot(), "document incomplete")
        for el, name, aqn, value in self._refs:
            if value not in self._ids:
                self.report(el, f"reference to non-existent ID `{value}`",
                            attribute=self._attribute_display(el, name, aqn))
        return self.findings

    def report(self, el, message: str, attribute: str | None = None, text: str | None = None) -> None:
        """A finding at ``el``'s start tag, at one of its attributes, or at ``text`` in or after it."""
        if self._locate is not None:
            file, line, column = self._locate(el, attribute, text)
        else:
            file, (line, column) = self.filename, self._position(el, attribute, text)
        self.findings.append(Finding(file, line, column, Severity.ERROR, "schema", message))

    def _position(self, el, attribute: str | None, text: str | None) -> tuple[int, int]:
        """Where ``el`` (or its attribute) is in the source, which is read at the first finding only."""
        if self._source_map is None:
            source = self._read_source()
            self._source_map = SourceMap(decode_source(source) if source else "", lambda: self._tree.iter(etree.Element))
        return self._source_map.locate(el, attribute, text) or (el.sourceline or 0, 0)

    _display = staticmethod(written_name)

    def element(self, el, state: Pattern) -> Pattern:
        d = self.d
        qn = self._tags.get(el.tag) or _qname(el.tag, self._tags)
        opened = state.open_memo.get(qn) or d.start_tag_open(state, qn)
        if opened.kind != NOT_ALLOWED:
            return self.inside(el, opened)
        names, other = _expected_content(state)
        listing = f"; expected {_listing(names, other)}" if names or other else ""
        listing += _namespace_note(state, *qn) if qn[1] in names else ""
        later = d.start_tag_open(d.relaxed(state), qn)
        if later.kind != NOT_ALLOWED:
            # Allowed further on: report, then carry on as if what was skipped had been there.
            self.report(el, f"element `{self._display(el)}` not allowed yet{listing}")
            return self.inside(el, later)
        recovery = self.g.recovery_state(*qn)
        if recovery.kind == NOT_ALLOWED:
            self.report(el, f"element `{self._display(el)}` not allowed anywhere{listing}")
            self._unknown_inside(el)
            return state
        self.report(el, f"element `{self._display(el)}` not allowed here{listing}")
        self.inside(el, recovery)
        return state

    def _unknown_inside(self, el) -> None:
        """Inside an element the schema does not know, check the elements it does know."""
        for child in el:
            if not isinstance(child.tag, str):
                continue
            qn = _qname(child.tag, self._tags)
            recovery = self.g.recovery_state(*qn)
            if recovery.kind == NOT_ALLOWED:
                self._unknown_inside(child)
            else:
                self.report(child, f"element `{self._display(child)}` not allowed inside `{self._display(el)}`,"
                                   " an element the schema does not know")
                self.inside(child, recovery)

    def inside(self, el, state: Pattern) -> Pattern:
        """Attributes, start-tag end, children and end tag of one element."""
        return self._inside(el, state)[0]

    def _inside(self, el, state: Pattern) -> tuple[Pattern, tuple, bool]:
        """What :meth:`inside` returns, ``el``'s ID-typed attributes, and whether the value
        of its text could matter (its content has a datatype)."""
        content, rest, ids = self._start_tag(el, state, el.items())
        if len(el):
            after = self.children(el, content)
        else:
            text = el.text
            if text and text.strip(XML_WHITESPACE):
                after = self._text(el, el, content, text)
            else:
                after = self._whitespace(content, text or "")
        return self._end_tag(el, after, rest), ids, bool(self.d.text_leaves(content))

    def _start_tag(self, el, state: Pattern, attributes) -> tuple[Pattern, Pattern | None, tuple]:
        """The content state after ``el``'s start tag, the state after its end tag when already
        known (else None), and its ID-typed attributes (tracked here)."""
        d = self.d
        ids = ()
        if attributes:
            key = (state, tuple(attributes))
            known = d.attribute_sets.get(key)
            if known is None:
                known = self._attributes(el, state, attributes)
                if known[2] and len(d.attribute_sets) < _ATTRIBUTE_SETS_LIMIT:
                    d.attribute_sets[key] = known
            state, ids = known[0], known[1]
            for id_attribute in ids:
                self._track_id(el, *id_attribute)
        closed = state.close_memo or d.start_tag_close(state)
        if closed.kind == NOT_ALLOWED:
            missing = _attribute_names(state, required_only=True, el=el)
            self.report(el, f"element `{self._display(el)}` missing required attribute"
                            + (f" {_listing(missing)}" if missing else "s"))
            closed = d.close_ignoring_missing_attributes(state)
        if closed.kind == AFTER:
            return closed.a, closed.b, ids
        return closed, None, ids

    def _end_tag(self, el, content: Pattern, rest: Pattern | None) -> Pattern:
        """The parent's state after ``el``'s end tag, its content having reached ``content``."""
        if rest is not None:
            if not content.nullable and content.kind != NOT_ALLOWED:
                self._incomplete(el, content)
            return rest
        d = self.d
        ended = content.end_memo or d.end_tag(content)
        if ended.kind == NOT_ALLOWED:
            if content.kind != NOT_ALLOWED:
                self._incomplete(el, content)
            ended = d.end_tag_recovering(content)
        return ended

    def _attributes(self, el, state: Pattern, attributes) -> tuple[Pattern, tuple, bool]:
        """The state after ``el``'s attributes, its ID-typed attributes, and whether all were allowed."""
        d, tags, id_types = self.d, self._tags, self.g.id_types
        ids = []
        clean = True
        for name, value in attributes:
            aqn = tags.get(name) or _qname(name, tags)
            after = d.attribute(state, aqn, value)
            if after.kind == NOT_ALLOWED:
                self._attribute_error(el, name, aqn, value, state)
                clean = False
                recovered = self._with_any_value(state, aqn)
                if recovered.kind != NOT_ALLOWED:
                    state = recovered
                continue
            state = after
            id_type = id_types.get(aqn)
            if id_type:
                ids.append((name, aqn, value, id_type))
        return state, tuple(ids), clean

    def _with_any_value(self, state: Pattern, aqn) -> Pattern:
        """Error recovery: the state after an attribute whose value was refused, taken as
        present, so that it is not reported missing as well."""
        leaves = self.d.attribute_leaves(state, aqn)
        return self.d.attribute_by_signature(state, aqn, leaves) if leaves else self.d.b.not_allowed

    def _incomplete(self, el, content: Pattern) -> None:
        expected, _ = _expected_content(content)
        self.report(el, f"element `{self._display(el)}` incomplete"
                        + (f"; expected element {_listing(expected)}" if expected else ""))

    @staticmethod
    def _attribute_display(el, name: str, aqn) -> str:
        return written_attribute(el, *aqn) if name.startswith("{") else name

    def _attribute_error(self, el, name, aqn, value, state) -> None:
        shown = self._attribute_display(el, name, aqn)
        if self.d.attribute_leaves(state, aqn):
            self.report(el, f"value of attribute `{shown}` on element `{self._display(el)}` is invalid: {value!r}", attribute=shown)
        else:
            expected = _attribute_names(state, required_only=False, el=el)
            self.report(el, f"attribute `{shown}` not allowed on element `{self._display(el)}`"
                            + (f"; expected attribute {_listing(expected)}" if expected else ""),
                        attribute=shown)

    def _track_id(self, el, name, aqn, value, id_type) -> None:
        if id_type == "ID":
            value = value.strip()
            if value in self._ids:
                self.report(el, f"duplicate ID `{value}`", attribute=self._attribute_display(el, name, aqn))
            else:
                self._ids[value] = el
        else:
            for ref in value.split():
                self._refs.append((el, name, aqn, ref))

    def children(self, el, content: Pattern) -> Pattern:
        """The content state after the children of ``el`` (which has some), checked in order.

        Whitespace between elements does not count; text and comments with
        no element among them count as one text.
        """
        d, tags, inside = self.d, self._tags, self.inside
        leaf_results = d.leaf_results
        pending, holder = el.text or "", el
        elements = False
        for child in el:
            tag = child.tag
            if tag.__class__ is str:
                elements = True
                if pending and pending.strip(XML_WHITESPACE):
                    content = self._text(el, holder, content, pending)
                if len(child):
                    qn = tags.get(tag) or _qname(tag, tags)
                    opened = content.open_memo.get(qn) or d.start_tag_open(content, qn)
                    if opened.kind != NOT_ALLOWED:
                        content = inside(child, opened)
                    else:
                        content = self.element(child, content)  # reports, then recovers
                else:
                    # Words and punctuation marks: one look-up for those met before.
                    text = child.text
                    key = (content, tag, tuple(child.items()), bool(text and text.strip(XML_WHITESPACE)))
                    content = leaf_results.get(key) or self._new_leaf(child, content, key)
                pending, holder = child.tail or "", child
            else:
                pending += child.tail or ""
        if not elements and not pending.strip(XML_WHITESPACE):
            return self._whitespace(content, pending)
        if pending and pending.strip(XML_WHITESPACE):
            content = self._text(el, holder, content, pending)
        return content

    def _new_leaf(self, el, content: Pattern, key: tuple) -> Pattern:
        """The state after ``el``, which has no children, remembered under ``key`` for the
        next such element in the same state when it needed no finding (findings are
        reported at each element), has no ID-typed attribute (tracked at each element;
        their values rarely recur) and the value of its text could not matter."""
        leaf_results = self.d.leaf_results
        free_text = self.g.free_text_attributes()
        general = None
        if any(name in free_text for name, _ in key[2]):
            # The same element with other lemmas, glosses or the like: their values cannot matter.
            attributes = tuple((name, None) if name in free_text else (name, value) for name, value in key[2])
            general = (key[0], key[1], attributes, key[3])
            found = leaf_results.get(general)
            if found is not None:
                if len(leaf_results) < _LEAF_RESULTS_LIMIT:
                    leaf_results[key] = found
                return found
        reported = len(self.findings)
        qn = self._tags.get(el.tag) or _qname(el.tag, self._tags)
        opened = content.open_memo.get(qn) or self.d.start_tag_open(content, qn)
        if opened.kind == NOT_ALLOWED:
            return self.element(el, content)  # reports, then recovers
        after, ids, text_matters = self._inside(el, opened)
        if len(self.findings) == reported and not ids and not text_matters \
                and len(leaf_results) < _LEAF_RESULTS_LIMIT:
            leaf_results[key] = after
            if general is not None:
                leaf_results[general] = after
        return after

    def _whitespace(self, content: Pattern, text: str) -> Pattern:
        d = self.d
        if d.text_leaves(content):
            return d.b.choice([content, d.text(content, text)])
        return d.whitespace(content)

    def _text(self, container, holder, content: Pattern, text: str) -> Pattern:
        """The state after ``text`` in ``container``; ``holder`` is the element the text is in or after."""
        d = self.d
        leaves = content.text_leaves
        if leaves is None:
            leaves = d.text_leaves(content)
        if leaves:
            after = d.text(content, text)
        else:
            after = content.text_memo.get(()) or d.text_by_signature(content, ())
        if after.kind == NOT_ALLOWED and content.kind != NOT_ALLOWED:
            self._text_error(container, holder, content, text)
            return content
        return after

    def _text_error(self, container, holder, content: Pattern, text: str) -> None:
        if self.d.text_leaves(content):
            self.report(container, f"character content of element `{self._display(container)}` invalid")
        else:
            expected, _ = _expected_content(content)
            self.report(holder, f"text not allowed in `{self._display(container)}` here"
                                + (f"; expected element {_listing(expected)}" if expected else ""), text=text)
