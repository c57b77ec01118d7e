"""Derivatives of patterns (James Clark, "An algorithm for RELAX NG validation").

A pattern describes what may still come; its derivative with respect to an
event (start tag, attribute, end of attributes, text, end tag) describes
what may come after that event.  A document is valid when the derivative
by all its events is nullable.  Every derivative is memoised on the pattern
it was taken of.

Text and attribute values are not part of the memo key.  Instead, the few
data/value/list patterns ("leaves") that could see the string are tested
once, and the set of leaves that matched is the key: unique values such as
ids and URIs then reuse one entry.
"""

from __future__ import annotations

from .patterns import (
    AFTER, ATTRIBUTE, CHOICE, DATA, ELEMENT, GROUP, INTERLEAVE, LIST, NOT_ALLOWED,
    NO_MEMO, ONE_OR_MORE, TEXT, VALUE, Builder, Pattern, nc_contains, next_leaves,
)

XML_WHITESPACE = " \t\n\r"  # the four characters XML counts as white space
_VALUE_MEMO_LIMIT = 4096


def is_whitespace(s: str) -> bool:
    return not s.strip(XML_WHITESPACE)


class Deriver:
    """The derivative functions, sharing one :class:`Builder`."""

    def __init__(self, builder: Builder) -> None:
        self.b = builder
        self._relaxed: dict[Pattern, Pattern] = {}
        self._attributes: dict[Pattern, tuple[Pattern, ...]] = {}
        # (state, attributes as lxml lists them) -> (state after them, ID-typed ones, True):
        # the validator's shortcut for the many elements whose start tags recur word for word.
        self.attribute_sets: dict[tuple, tuple] = {}
        # (parent's content state, tag, attributes, whether there is text) -> the state after
        # the element: the validator's shortcut for elements without children, such as the
        # words of a tokenised text.
        self.leaf_results: dict[tuple, Pattern] = {}

    # -- start tag ---------------------------------------------------------
    def start_tag_open(self, p: Pattern, qn: tuple[str, str]) -> Pattern:
        found = p.open_memo.get(qn)
        if found is None:
            found = self._open(p, qn)
            if p.open_memo is NO_MEMO:
                p.open_memo = {}
            p.open_memo[qn] = found
        return found

    def _open(self, p: Pattern, qn) -> Pattern:
        b, kind = self.b, p.kind
        if kind == CHOICE:
            return b.choice([self.start_tag_open(m, qn) for m in p.members])
        if kind == ELEMENT:
            return b.after(p.a, b.empty) if nc_contains(p.nc, qn[0], qn[1]) else b.not_allowed
        if kind == GROUP:
            x = self._apply_after(self.start_tag_open(p.a, qn), lambda q: b.group(q, p.b))
            return b.choice([x, self.start_tag_open(p.b, qn)]) if p.a.nullable else x
        if kind == INTERLEAVE:
            return b.choice([
                self._apply_after(self.start_tag_open(p.a, qn), lambda q: b.interleave(q, p.b)),
                self._apply_after(self.start_tag_open(p.b, qn), lambda q: b.interleave(p.a, q)),
            ])
        if kind == ONE_OR_MORE:
            rest = b.choice([p, b.empty])
            return self._apply_after(self.start_tag_open(p.a, qn), lambda q: b.group(q, rest))
        if kind == AFTER:
            return self._apply_after(self.start_tag_open(p.a, qn), lambda q: b.after(q, p.b))
        return b.not_allowed

    def _apply_after(self, p: Pattern, f) -> Pattern:
        if p.kind == AFTER:
            return self.b.after(p.a, f(p.b))
        if p.kind == CHOICE:
            return self.b.choice([self._apply_after(m, f) for m in p.members])
        return self.b.not_allowed

    # -- attributes --------------------------------------------------------
    def attribute_leaves(self, p: Pattern, qn) -> tuple[Pattern, ...]:
        """Content patterns of the attributes named ``qn`` that ``p`` could accept now."""
        found = p.att_leaves.get(qn)
        if found is None:
            ns, local = qn
            found = tuple(dict.fromkeys(a.a for a in self._attributes_in(p) if nc_contains(a.nc, ns, local)))
            if p.att_leaves is NO_MEMO:
                p.att_leaves = {}
            p.att_leaves[qn] = found
        return found

    def _attributes_in(self, p: Pattern) -> tuple[Pattern, ...]:
        """Every attribute pattern ``p`` could accept now, found once per state whatever the name."""
        found = self._attributes.get(p)
        if found is None:
            found = self._attributes[p] = tuple(q for q in next_leaves(p, whole_groups=True) if q.kind == ATTRIBUTE)
        return found

    def attribute(self, p: Pattern, qn, value: str) -> Pattern:
        leaves = p.att_leaves.get(qn)
        if leaves is None:
            leaves = self.attribute_leaves(p, qn)
        if len(leaves) == 1:
            matched = leaves if self.value_matches(leaves[0], value) else ()
        else:
            matched = tuple(leaf for leaf in leaves if self.value_matches(leaf, value))
        found = p.att_memo.get((qn, matched))
        if found is None:
            found = self.attribute_by_signature(p, qn, matched)
        return found

    def attribute_by_signature(self, p: Pattern, qn, matched: tuple) -> Pattern:
        key = (qn, matched)
        found = p.att_memo.get(key)
        if found is None:
            found = self._att(p, qn, matched)
            if p.att_memo is NO_MEMO:
                p.att_memo = {}
            p.att_memo[key] = found
        return found

    def _att(self, p: Pattern, qn, matched) -> Pattern:
        b, kind = self.b, p.kind
        if kind == CHOICE:
            return b.choice([self.attribute_by_signature(m, qn, matched) for m in p.members])
        if kind == GROUP:
            return b.choice([b.group(self.attribute_by_signature(p.a, qn, matched), p.b),
                             b.group(p.a, self.attribute_by_signature(p.b, qn, matched))])
        if kind == INTERLEAVE:
            return b.choice([b.interleave(self.attribute_by_signature(p.a, qn, matched), p.b),
                             b.interleave(p.a, self.attribute_by_signature(p.b, qn, matched))])
        if kind == ONE_OR_MORE:
            return b.group(self.attribute_by_signature(p.a, qn, matched), b.choice([p, b.empty]))
        if kind == AFTER:
            return b.after(self.attribute_by_signature(p.a, qn, matched), p.b)
        if kind == ATTRIBUTE:
            return b.empty if p.a in matched and nc_contains(p.nc, qn[0], qn[1]) else b.not_allowed
        return b.not_allowed

    def start_tag_close(self, p: Pattern) -> Pattern:
        found = p.close_memo
        if found is None:
            found = p.close_memo = self._close(p, drop_attributes=False)
        return found

    def _close(self, p: Pattern, drop_attributes: bool) -> Pattern:
        b, kind = self.b, p.kind
        close = (lambda q: self._close(q, True)) if drop_attributes else self.start_tag_close
        if kind == CHOICE:
            return b.choice([close(m) for m in p.members])
        if kind == GROUP:
            return b.group(close(p.a), close(p.b))
        if kind == INTERLEAVE:
            return b.interleave(close(p.a), close(p.b))
        if kind == ONE_OR_MORE:
            return b.one_or_more(close(p.a))
        if kind == AFTER:
            return b.after(close(p.a), p.b)
        if kind == ATTRIBUTE:
            return b.empty if drop_attributes else b.not_allowed
        return p

    def close_ignoring_missing_attributes(self, p: Pattern) -> Pattern:
        """Error recovery: end the start tag as if missing attributes were there."""
        return self._close(p, drop_attributes=True)

    # -- text --------------------------------------------------------------
    def text_leaves(self, p: Pattern) -> tuple[Pattern, ...]:
        """The data, value and list patterns that a text node could match now."""
        found = p.text_leaves
        if found is None:
            found = p.text_leaves = tuple(q for q in next_leaves(p) if q.kind in (DATA, VALUE, LIST))
        return found

    def text(self, p: Pattern, s: str) -> Pattern:
        leaves = self.text_leaves(p)
        matched = tuple(leaf for leaf in leaves if self.leaf_matches(leaf, s)) if leaves else ()
        return self.text_by_signature(p, matched)

    def text_by_signature(self, p: Pattern, matched: tuple) -> Pattern:
        found = p.text_memo.get(matched)
        if found is None:
            found = self._text(p, matched)
            if p.text_memo is NO_MEMO:
                p.text_memo = {}
            p.text_memo[matched] = found
        return found

    def _text(self, p: Pattern, matched) -> Pattern:
        b, kind = self.b, p.kind
        if kind == CHOICE:
            return b.choice([self.text_by_signature(m, matched) for m in p.members])
        if kind == INTERLEAVE:
            return b.choice([b.interleave(self.text_by_signature(p.a, matched), p.b),
                             b.interleave(p.a, self.text_by_signature(p.b, matched))])
        if kind == GROUP:
            x = b.group(self.text_by_signature(p.a, matched), p.b)
            return b.choice([x, self.text_by_signature(p.b, matched)]) if p.a.nullable else x
        if kind == AFTER:
            return b.after(self.text_by_signature(p.a, matched), p.b)
        if kind == ONE_OR_MORE:
            return b.group(self.text_by_signature(p.a, matched), b.choice([p, b.empty]))
        if kind == TEXT:
            return p
        if kind in (DATA, VALUE, LIST):
            return b.empty if p in matched else b.not_allowed
        return b.not_allowed

    def leaf_matches(self, leaf: Pattern, s: str) -> bool:
        kind = leaf.kind
        if kind == VALUE:
            return leaf.datatype.equal(leaf.value, s)
        if kind == DATA:
            return leaf.datatype.allows(s) and not (leaf.a is not None and self.value_matches(leaf.a, s))
        p = leaf.a
        for word in s.split():
            p = self.text(p, word)
            if p.kind == NOT_ALLOWED:
                return False
        return p.nullable

    def value_matches(self, p: Pattern, s: str) -> bool:
        """``s`` as a whole (an attribute value, a list item) matches ``p``.

        Remembered per pattern, up to a limit: attribute values repeat
        (types, renditions, languages), and checking a datatype costs far
        more than a look-up.
        """
        if p.kind == DATA and p.a is None and p.datatype.allows_every_string:
            return True
        memo = p.value_memo
        if memo is None:
            memo = p.value_memo = {}
        found = memo.get(s)
        if found is None:
            found = p.kind == TEXT or (p.nullable and is_whitespace(s)) or self.text(p, s).nullable
            if len(memo) < _VALUE_MEMO_LIMIT:
                memo[s] = found
        return found

    def whitespace(self, p: Pattern) -> Pattern:
        """The state after whitespace-only content, when ``p`` has no data that could see it."""
        found = p.whitespace_memo
        if found is None:
            found = p.whitespace_memo = self.b.choice([p, self.text_by_signature(p, ())])
        return found

    # -- end tag -------------------------------------------------------------
    def end_tag(self, p: Pattern) -> Pattern:
        found = p.end_memo
        if found is None:
            b = self.b
            if p.kind == CHOICE:
                found = b.choice([self.end_tag(m) for m in p.members])
            elif p.kind == AFTER:
                found = p.b if p.a.nullable else b.not_allowed
            else:
                found = b.not_allowed
            p.end_memo = found
        return found

    def end_tag_recovering(self, p: Pattern) -> Pattern:
        """Error recovery: what follows the element, whether or not its content was complete."""
        if p.kind == CHOICE:
            return self.b.choice([self.end_tag_recovering(m) for m in p.members])
        if p.kind == AFTER:
            return p.b
        return self.b.not_allowed

    def relaxed(self, p: Pattern) -> Pattern:
        """Error recovery: ``p`` with every element optional, to tell "not yet" from "not here"."""
        found = self._relaxed.get(p)
        if found is None:
            b, kind = self.b, p.kind
            if kind == CHOICE:
                found = b.choice([self.relaxed(m) for m in p.members])
            elif kind == GROUP:
                found = b.group(self.relaxed(p.a), self.relaxed(p.b))
            elif kind == INTERLEAVE:
                found = b.interleave(self.relaxed(p.a), self.relaxed(p.b))
            elif kind == ONE_OR_MORE:
                found = b.choice([b.one_or_more(self.relaxed(p.a)), b.empty])
            elif kind == AFTER:
                found = b.after(self.relaxed(p.a), p.b)
            elif kind in (ELEMENT, TEXT, DATA, VALUE, LIST):
                found = b.choice([p, b.empty])
            else:
                found = p
            self._relaxed[p] = found
        return found
