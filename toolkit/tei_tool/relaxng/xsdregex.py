"""XML Schema regular expressions, matched in time linear in the string.

XSD regexes are always anchored, treat ``^`` and ``$`` as ordinary
characters, and have constructs Python lacks: ``\\p{…}``/``\\P{…}`` Unicode
categories, the name-character escapes ``\\i``/``\\c``, and character-class
subtraction ``[a-z-[aeiou]]``.  A pattern is parsed into a tree whose leaves
each match one character, written as Python regexes: categories become
explicit ranges (computed once from :mod:`unicodedata`), subtraction a
negative lookahead.

Python's ``re`` backtracks, and on an ambiguous pattern such as ``(a+)+b``
takes time exponential in the string's length: a schema could hang the
validator.  XSD regexes have no back-references, so they describe regular
languages.  When a pattern is unambiguous, ``re`` matches it in linear
time (:func:`_backtracking_is_safe` says why); otherwise a lazily built DFA
over the pattern's NFA (:class:`_LinearMatcher`) matches it.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from typing import NamedTuple, Union


class RegexError(ValueError):
    """The pattern is not a valid XML Schema regular expression."""


_NAME_START = (
    ":A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_NAME_CHAR = _NAME_START + r"\-.0-9\u00b7\u0300-\u036f\u203f-\u2040"
_ASCII_NAME_START = ":A-Z_a-z"
_ASCII_NAME_CHAR = _ASCII_NAME_START + r"\-.0-9"
_NO_ASCII = "\x80"  # stands for an empty class in an ASCII translation: no ASCII string has it
_SPACE = " \\t\\n\\r"
_SINGLE = {"n": "\\n", "r": "\\r", "t": "\\t"}
_META = set("\\|.-^?*+{}()[]")


def _escape(ch: str) -> str:
    return "\\" + ch if ch in "\\]^-[" else ch


def _ranges_text(ranges: list[tuple[int, int]]) -> str:
    parts = []
    for lo, hi in ranges:
        parts.append(_escape(chr(lo)) if lo == hi else f"{_escape(chr(lo))}-{_escape(chr(hi))}")
    return "".join(parts)


@functools.lru_cache(maxsize=None)
def _category_table() -> dict[str, list[tuple[int, int]]]:
    """Code point ranges of every general category, from one pass over Unicode."""
    table: dict[str, list[tuple[int, int]]] = {}
    previous, start = None, 0
    for cp in range(sys.maxunicode + 2):
        cat = unicodedata.category(chr(cp)) if cp <= sys.maxunicode else None
        if cat != previous:
            if previous is not None:
                table.setdefault(previous, []).append((start, cp - 1))
            previous, start = cat, cp
    return table


@functools.lru_cache(maxsize=None)
def _ascii_category(name: str, negated: bool) -> str:
    """The ASCII members of a category (or of the others), as class ranges."""
    if not (name in _ASCII_CATEGORIES or (len(name) == 1 and name in "LMNPSZC")):
        _category(name, negated)  # raises the error for unknown and unsupported names
    members = [cp for cp in range(128) if unicodedata.category(chr(cp)).startswith(name) != negated]
    return _ranges_text([(cp, cp) for cp in members]) or _NO_ASCII


_ASCII_CATEGORIES = {"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd", "Ps",
                     "Pe", "Pi", "Pf", "Po", "Zs", "Zl", "Zp", "Sm", "Sc", "Sk", "So", "Cc", "Cf", "Co", "Cn"}


@functools.lru_cache(maxsize=None)
def _category(name: str, negated: bool) -> str:
    table = _category_table()
    if name in table:
        ranges = list(table[name])
    elif len(name) == 1 and any(k[0] == name for k in table):
        ranges = sorted(r for k, v in table.items() if k[0] == name for r in v)
    elif name.startswith("Is"):
        raise RegexError(f"Unicode block escapes (\\p{{{name}}}) are not supported")
    else:
        raise RegexError(f"unknown Unicode category {name!r}")
    if negated:
        inverse, nxt = [], 0
        for lo, hi in ranges:
            if lo > nxt:
                inverse.append((nxt, lo - 1))
            nxt = hi + 1
        if nxt <= sys.maxunicode:
            inverse.append((nxt, sys.maxunicode))
        ranges = inverse
    return _ranges_text(ranges)


class _Char(NamedTuple):
    """A leaf of a pattern's tree: one character, matched by a Python regex."""

    source: str
    literal: str | None  # the character, when the leaf stands for one character only


class _Seq(NamedTuple):
    items: tuple


class _Alt(NamedTuple):
    branches: tuple


class _Repeat(NamedTuple):
    item: object
    low: int
    high: int | None  # None: unbounded


_Node = Union[_Char, _Seq, _Alt, _Repeat]
_MAX_DEPTH = 200  # groups in groups; deeper would exhaust Python's recursion here and in ``re``
_MAX_COUNT = 1_000_000  # the largest count in {n,m}


def _shown(pattern: str) -> str:
    """A pattern as quoted in messages, its middle left out when long."""
    return repr(pattern) if len(pattern) <= 80 else f"{pattern[:40]!r} … {pattern[-20:]!r}"


class _Translator:
    """XSD regex to a tree of :class:`_Char` leaves; with ``ascii``, leaves keep only their ASCII members.

    The ASCII translation serves ASCII strings (nearly all attribute values)
    and compiles in a fraction of the time: Python takes milliseconds over
    a class spelling out a Unicode category.
    """

    def __init__(self, pattern: str, ascii: bool = False) -> None:
        self.s, self.i, self.ascii, self.depth = pattern, 0, ascii, 0

    def category(self, name: str, negated: bool) -> str:
        return _ascii_category(name, negated) if self.ascii else _category(name, negated)

    def fail(self, message: str) -> RegexError:
        return RegexError(f"{message} at position {self.i} in {_shown(self.s)}")

    def peek(self) -> str | None:
        return self.s[self.i] if self.i < len(self.s) else None

    def take(self) -> str:
        ch = self.s[self.i]
        self.i += 1
        return ch

    def tree(self) -> _Node:
        """The whole pattern's tree."""
        node = self.regex()
        if self.i != len(self.s):
            raise self.fail("unbalanced )")
        return node

    def regex(self) -> _Node:
        branches = [self.branch()]
        while self.peek() == "|":
            self.take()
            branches.append(self.branch())
        return branches[0] if len(branches) == 1 else _Alt(tuple(branches))

    def branch(self) -> _Node:
        items = []
        while self.peek() not in (None, "|", ")"):
            atom = self.atom()
            bounds = self.quantifier()
            items.append(atom if bounds is None else _Repeat(atom, *bounds))
        return items[0] if len(items) == 1 else _Seq(tuple(items))

    def quantifier(self) -> tuple[int, int | None] | None:
        ch = self.peek()
        if ch in ("?", "*", "+"):
            self.take()
            return {"?": (0, 1), "*": (0, None), "+": (1, None)}[ch]
        if ch == "{":
            m = re.compile(r"\{(\d+)(,(\d*))?\}").match(self.s, self.i)
            if not m:
                raise self.fail("bad quantifier")
            low = int(m.group(1))
            high = low if m.group(2) is None else int(m.group(3)) if m.group(3) else None
            if max(low, high or 0) > _MAX_COUNT:
                raise self.fail(f"repetition count above {_MAX_COUNT:,}")
            if high is not None and high < low:
                raise self.fail("bad quantifier")
            self.i = m.end()
            return low, high
        return None

    def atom(self) -> _Node:
        ch = self.take()
        if ch == "(":
            self.depth += 1
            if self.depth > _MAX_DEPTH:
                raise self.fail(f"groups nested more than {_MAX_DEPTH} deep")
            inner = self.regex()
            if self.peek() != ")":
                raise self.fail("missing )")
            self.take()
            self.depth -= 1
            return inner
        if ch == "[":
            return _Char(self.char_class(), None)
        if ch == ".":
            return _Char("[^\\n\\r]", None)
        if ch == "\\":
            escaped = self.peek()
            source = self.escape(in_class=False)
            literal = {"n": "\n", "r": "\r", "t": "\t"}.get(escaped, escaped if escaped in _META else None)
            return _Char(source, literal)
        if ch in "?*+{}])":
            raise self.fail(f"unexpected {ch!r}")
        return _Char(re.escape(ch), ch)

    def escape(self, in_class: bool) -> str:
        if self.peek() is None:
            raise self.fail("dangling backslash")
        ch = self.take()
        if ch in _SINGLE:
            return _SINGLE[ch]
        if ch in _META:
            return "\\" + ch
        if ch in "pP":
            m = re.compile(r"\{([A-Za-z0-9\-]+)\}").match(self.s, self.i)
            if not m:
                raise self.fail("bad \\p escape")
            self.i = m.end()
            ranges = self.category(m.group(1), ch == "P")
            return ranges if in_class else f"[{ranges}]"
        if ch not in "sSdDiIcCwW":
            raise self.fail(f"unknown escape \\{ch}")
        start, char = (_ASCII_NAME_START, _ASCII_NAME_CHAR) if self.ascii else (_NAME_START, _NAME_CHAR)
        not_word = ""
        if ch in "wW":
            not_word = self.category("P", False) + self.category("Z", False) + self.category("C", False)
        text, negated = {
            "s": (_SPACE, False), "S": (_SPACE, True), "d": (self.category("Nd", False), False),
            "D": (self.category("Nd", False), True), "i": (start, False), "I": (start, True),
            "c": (char, False), "C": (char, True), "w": (not_word, True), "W": (not_word, False),
        }[ch]
        if in_class and negated:
            # Only reachable for \S \D \I \C \w inside a class: spell out the complement.
            return _complement(text, 0x7F if self.ascii else sys.maxunicode)
        return text if in_class else f"[{'^' if negated else ''}{text}]"

    def char_class(self) -> str:
        negated = self.peek() == "^"
        if negated:
            self.take()
        items: list[str] = []
        first = True
        while True:
            ch = self.peek()
            if ch is None:
                raise self.fail("unterminated character class")
            if ch == "]" and not first:
                self.take()
                break
            if ch == "-" and not first and self.s[self.i + 1: self.i + 2] == "[":
                self.take()
                self.take()
                subtracted = self.char_class()
                if self.peek() != "]":
                    raise self.fail("subtraction must end the class")
                self.take()
                body = f"[{'^' if negated else ''}{''.join(items)}]"
                return f"(?:(?!{subtracted}){body})"
            items.append(self.class_item(first))
            first = False
        if not items:
            raise self.fail("empty character class")
        return f"[{'^' if negated else ''}{''.join(items)}]"

    def class_item(self, first: bool) -> str:
        start = self.class_char(first)
        if start is None:
            return self._last_escape
        if self.peek() == "-" and self.s[self.i + 1: self.i + 2] not in ("]", "["):
            self.take()
            end = self.class_char(False)
            if end is None or ord(end) < ord(start):
                raise self.fail("bad character range")
            return f"{_escape(start)}-{_escape(end)}"
        return _escape(start)

    def class_char(self, first: bool) -> str | None:
        """One character of a class, or None when an escape produced a set (kept in _last_escape)."""
        ch = self.take()
        if ch == "\\":
            nxt = self.peek()
            if nxt in _SINGLE:
                self.take()
                return {"n": "\n", "r": "\r", "t": "\t"}[nxt]
            if nxt is not None and nxt in _META:
                self.take()
                return nxt
            self._last_escape = self.escape(in_class=True)
            return None
        if ch == "[":
            raise self.fail("unescaped [ in character class")
        if ch == "-" and not first and self.peek() not in ("]",):
            raise self.fail("unescaped - in character class")
        return ch


def _complement(text: str, last: int) -> str:
    """Ranges of every character up to ``last`` not matched by the class body ``text``."""
    compiled = re.compile(f"[{text}]")
    ranges, start = [], None
    for cp in range(last + 1):
        inside = 0xD800 <= cp <= 0xDFFF or compiled.match(chr(cp)) is not None
        if not inside and start is None:
            start = cp
        elif inside and start is not None:
            ranges.append((start, cp - 1))
            start = None
    if start is not None:
        ranges.append((start, last))
    return _ranges_text(ranges) or _NO_ASCII


def _source(node: _Node) -> str:
    """The Python regex of a tree."""
    if isinstance(node, _Char):
        return node.source
    if isinstance(node, _Seq):
        return "".join(_source(item) for item in node.items)
    if isinstance(node, _Alt):
        return f"(?:{'|'.join(_source(branch) for branch in node.branches)})"
    item = node.item
    body = item.source if isinstance(item, _Char) else f"(?:{_source(item)})"
    low, high = node.low, node.high
    quantifier = {(0, 1): "?", (0, None): "*", (1, None): "+"}.get((low, high))
    if quantifier is None:
        quantifier = f"{{{low}}}" if low == high else f"{{{low},{'' if high is None else high}}}"
    return body + quantifier


def _anchored(node: _Node) -> str:
    return f"(?:{_source(node)})\\Z"


# ---------------------------------------------------------------------------
# When ``re`` is safe: the tree is unambiguous.
# ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _ascii_members(source: str) -> int:
    """The ASCII characters a leaf matches, as a bit set."""
    match = re.compile(source).match
    return sum(1 << cp for cp in range(128) if match(chr(cp)))


def _ascii_overlap(a: _Char, b: _Char) -> bool:
    return _ascii_members(a.source) & _ascii_members(b.source) != 0


def _may_overlap(a: _Char, b: _Char) -> bool:
    """Whether two leaves may match a common character, among all of Unicode (told exactly for
    characters, by their ASCII members for an ASCII character and a class, else assumed)."""
    if a.literal is not None and b.literal is not None:
        return a.literal == b.literal
    single = a.literal if a.literal is not None else b.literal
    if single is not None and single.isascii():
        return _ascii_overlap(a, b)
    return True


_MAX_CHOICES = 200  # leaves that could take one character, beyond which a pattern is taken as ambiguous


class _Ambiguous(Exception):
    """Raised to stop looking at a tree known to be ambiguous."""


def _backtracking_is_safe(tree: _Node) -> tuple[bool, bool]:
    """Whether ``re`` matches ``tree`` in linear time: on ASCII strings, and on any string.

    It does when the tree is unambiguous: at each point of a string, only
    one leaf can take the next character, and it is reached one way only
    (the Glushkov automaton of the tree, counting multiplicities, is
    deterministic), and the empty string is matched one way only by every
    part.  A backtracking matcher then never takes a character up again:
    every alternative it falls back on fails before the next character.
    ``(a+)+``, ``(a|aa)+``, ``a*a*`` and ``(a?)*`` are ambiguous; ``\\d+(\\.\\d+)?`` is not.
    """
    leaves: list[_Char] = []
    follow: dict[int, list[int]] = {}

    def joined(*lists: list[int]) -> list[int]:
        found = [number for numbers in lists for number in numbers]
        if len(found) > _MAX_CHOICES:  # sure to repeat a leaf or overlap; and checking would be slow
            raise _Ambiguous
        return found

    def visit(node) -> tuple[list[int], list[int], bool]:
        """First leaves, last leaves (by number, repeated when reached two ways), nullable."""
        if isinstance(node, _Char):
            leaves.append(node)
            number = len(leaves) - 1
            follow[number] = []
            return [number], [number], False
        if isinstance(node, _Seq):
            first, last, nullable = [], [], True
            for item in node.items:
                f, l, n = visit(item)
                for leaf in last:
                    follow[leaf] = joined(follow[leaf], f)
                first = joined(first, f) if nullable else first
                last = joined(last, l) if n else l
                nullable = nullable and n
            return first, last, nullable
        if isinstance(node, _Alt):
            parts = [visit(branch) for branch in node.branches]
            if sum(n for _, _, n in parts) > 1:
                raise _Ambiguous
            return joined(*(f for f, _, _ in parts)), joined(*(l for _, l, _ in parts)), any(n for _, _, n in parts)
        first, last, nullable = visit(node.item)
        if node.high == 0:
            return [], [], True
        if nullable and (node.low == 0 or node.high != 1):
            raise _Ambiguous
        if node.high != 1:
            for leaf in last:
                follow[leaf] = joined(follow[leaf], first)
        return first, last, nullable or node.low == 0

    try:
        first, _, _ = visit(tree)
    except _Ambiguous:
        return False, False
    choices = [first, *follow.values()]

    def deterministic(overlap) -> bool:
        return not any(overlap(leaves[a], leaves[b]) for numbers in choices
                       for i, a in enumerate(numbers) for b in numbers[i + 1:])

    return deterministic(_ascii_overlap), deterministic(_may_overlap)


# ---------------------------------------------------------------------------
# Otherwise: a DFA built as strings need it, over the tree's NFA.
# ---------------------------------------------------------------------------

_MAX_STATES = 10_000  # NFA states, counted repetitions spelt out
_MAX_DFA_STATES = 2_000  # cached at once; beyond, the cache starts again


def _states_needed(node: _Node) -> int:
    if isinstance(node, _Char):
        return 1
    if isinstance(node, _Seq):
        return sum(_states_needed(item) for item in node.items)
    if isinstance(node, _Alt):
        return 1 + sum(_states_needed(branch) for branch in node.branches)
    copies = node.low + (1 if node.high is None else node.high - node.low)
    return copies * (_states_needed(node.item) + 1)


class _LinearMatcher:
    """Matches a tree in time linear in the string, whatever the tree.

    The NFA has a state per leaf occurrence (counted repetitions spelt out)
    and branching states without a character; a DFA state is the set of
    leaf states reachable at a point of the string.  DFA states and their
    transitions are made when a string first needs them and kept, so a
    pattern costs a dictionary look-up per character once warm.
    """

    def __init__(self, tree: _Node) -> None:
        self._tests: list = []  # per NFA state: the leaf's matcher, or None for a branching state
        self._next: list[list[int]] = []  # per NFA state: where it leads
        accept = self._new(None, [])
        self._entry = self._build(tree, accept)
        self._accept = accept
        self._reset()

    def _new(self, test, targets: list[int]) -> int:
        self._tests.append(test)
        self._next.append(targets)
        return len(self._tests) - 1

    def _build(self, node: _Node, then: int) -> int:
        """The entry state of ``node`` followed by state ``then`` (built back to front)."""
        if isinstance(node, _Char):
            return self._new(re.compile(node.source).match, [then])
        if isinstance(node, _Seq):
            for item in reversed(node.items):
                then = self._build(item, then)
            return then
        if isinstance(node, _Alt):
            return self._new(None, [self._build(branch, then) for branch in node.branches])
        if node.high is None:
            loop = self._new(None, [])
            self._next[loop] += [self._build(node.item, loop), then]
            entry = loop
        else:
            entry = then
            for _ in range(node.high - node.low):  # e{0,2} as (e(e)?)?: one way to skip
                entry = self._new(None, [self._build(node.item, entry), then])
        for _ in range(node.low):
            entry = self._build(node.item, entry)
        return entry

    def _closure(self, states) -> frozenset[int]:
        """The leaf states (and the accepting state) reached from ``states`` without a character."""
        seen, stack, found = set(), list(states), []
        while stack:
            state = stack.pop()
            if state in seen:
                continue
            seen.add(state)
            if self._tests[state] is None and state != self._accept:
                stack.extend(self._next[state])
            else:
                found.append(state)
        return frozenset(found)

    def _reset(self) -> None:
        self._numbers: dict[frozenset[int], int] = {}
        self._sets: list[frozenset[int]] = []
        self._moves: list[dict[str, int]] = []
        self._accepting: list[bool] = []
        self._number(self._closure([self._entry]))

    def _number(self, states: frozenset[int]) -> int:
        number = self._numbers.get(states)
        if number is None:
            number = self._numbers[states] = len(self._sets)
            self._sets.append(states)
            self._moves.append({})
            self._accepting.append(self._accept in states)
        return number

    def _move(self, number: int, ch: str) -> int:
        states = self._sets[number]
        targets = [self._next[s][0] for s in states if s != self._accept and self._tests[s](ch)]
        if len(self._sets) >= _MAX_DFA_STATES:
            self._reset()
        found = self._number(self._closure(targets))
        self._moves[self._number(states)][ch] = found
        return found

    def matches(self, s: str) -> bool:
        number = 0
        for ch in s:
            found = self._moves[number].get(ch)
            number = self._move(number, ch) if found is None else found
            if not self._sets[number]:
                return False
        return self._accepting[number]


# ---------------------------------------------------------------------------
# Compiled patterns.
# ---------------------------------------------------------------------------

_TRANSLATED: dict[str, str] = {}


def translate_xsd_regex(pattern: str) -> str:
    """The anchored Python source of an XSD regular expression."""
    found = _TRANSLATED.get(pattern)
    if found is None:
        found = _TRANSLATED[pattern] = _anchored(_Translator(pattern).tree())
    return found


def remember_translations(translations: dict[str, str], unicode_version: str) -> None:
    """Take translations made earlier (stored with a compiled grammar), if made with this Unicode data.

    Spelling out a category such as ``\\p{C}`` means a pass over all of
    Unicode, the largest part of loading a cached grammar otherwise.
    """
    if unicode_version == unicodedata.unidata_version:
        for pattern, source in translations.items():
            _TRANSLATED.setdefault(pattern, source)


class XsdPattern:
    """A compiled XSD regular expression, anchored at both ends.

    ASCII strings are matched by the ASCII translation; the full one is
    made the first time a string needs it.  Each is run by ``re`` when
    that is safe, else by a :class:`_LinearMatcher`.
    """

    __slots__ = ("_pattern", "_ascii", "_full", "_full_safe")

    def __init__(self, pattern: str, ascii_tree: _Node, ascii_safe: bool, full_safe: bool) -> None:
        self._pattern = pattern
        self._ascii = (re.compile(_anchored(ascii_tree), re.DOTALL).match if ascii_safe
                       else _LinearMatcher(ascii_tree).matches)
        self._full = None
        self._full_safe = full_safe

    def matches(self, s: str) -> bool:
        if s.isascii():
            return bool(self._ascii(s))
        if self._full is None:
            self._full = (re.compile(translate_xsd_regex(self._pattern), re.DOTALL).match if self._full_safe
                          else _LinearMatcher(_Translator(self._pattern).tree()).matches)
        return bool(self._full(s))


@functools.lru_cache(maxsize=4096)
def compile_xsd_regex(pattern: str) -> XsdPattern:
    """Compile an XSD regular expression (an error is raised now, whatever the strings matched later)."""
    translate_xsd_regex(pattern)
    tree = _Translator(pattern, ascii=True).tree()
    ascii_safe, full_safe = _backtracking_is_safe(tree)
    if not (ascii_safe and full_safe) and _states_needed(tree) > _MAX_STATES:
        raise RegexError(f"{_shown(pattern)} is too large to be matched safely: its repetitions spelt out "
                         f"need more than {_MAX_STATES:,} states")
    try:
        return XsdPattern(pattern, tree, ascii_safe, full_safe)
    except re.error as exc:
        raise RegexError(f"{_shown(pattern)}: {exc}") from None
