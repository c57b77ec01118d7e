"""XML Schema regular expressions, translated to Python's ``re``.

XSD regexes are always anchored, treat ``^`` and ``$`` as ordinary
characters, and have constructs Python lacks: ``\\p{…}``/``\\P{…}`` Unicode
categories, the name-character escapes ``\\i``/``\\c``, and character-class
subtraction ``[a-z-[aeiou]]``.  Categories become explicit ranges (computed
once from :mod:`unicodedata`); subtraction becomes a negative lookahead.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata


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


class _Translator:
    """XSD regex to Python regex; with ``ascii``, classes keep only their ASCII members.

    The ASCII translation serves ASCII strings (nearly all attribute values)
    and compiles in a fraction of the time: Python takes milliseconds over
    a class spelling out a Unicode category.
    """

    def __init__(self, pattern: str, ascii: bool = False) -> None:
        self.s, self.i, self.ascii = pattern, 0, ascii

    def category(self, name: str, negated: bool) -> str:
        return _ascii_category(name, negated) if self.ascii else _category(name, negated)

    def fail(self, message: str) -> RegexError:
        return RegexError(f"{message} at position {self.i} in {self.s!r}")

    def peek(self) -> str | None:
        return self.s[self.i] if self.i < len(self.s) else None

    def take(self) -> str:
        ch = self.s[self.i]
        self.i += 1
        return ch

    def regex(self) -> str:
        out = [self.branch()]
        while self.peek() == "|":
            self.take()
            out.append(self.branch())
        return "|".join(out)

    def branch(self) -> str:
        out = []
        while self.peek() not in (None, "|", ")"):
            atom = self.atom()
            out.append(atom + self.quantifier())
        return "".join(out)

    def quantifier(self) -> str:
        ch = self.peek()
        if ch in ("?", "*", "+"):
            return self.take()
        if ch == "{":
            m = re.compile(r"\{(\d+)(,(\d*))?\}").match(self.s, self.i)
            if not m or (m.group(3) and int(m.group(3)) < int(m.group(1))):
                raise self.fail("bad quantifier")
            self.i = m.end()
            return m.group(0)
        return ""

    def atom(self) -> str:
        ch = self.take()
        if ch == "(":
            inner = self.regex()
            if self.peek() != ")":
                raise self.fail("missing )")
            self.take()
            return f"(?:{inner})"
        if ch == "[":
            return self.char_class()
        if ch == ".":
            return "[^\\n\\r]"
        if ch == "\\":
            return self.escape(in_class=False)
        if ch in "?*+{}])":
            raise self.fail(f"unexpected {ch!r}")
        return re.escape(ch)

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


_TRANSLATED: dict[str, str] = {}


def translate_xsd_regex(pattern: str) -> str:
    """The anchored Python source of an XSD regular expression."""
    found = _TRANSLATED.get(pattern)
    if found is None:
        translator = _Translator(pattern)
        body = translator.regex()
        if translator.i != len(pattern):
            raise translator.fail("unbalanced )")
        found = _TRANSLATED[pattern] = f"(?:{body})\\Z"
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
    compiled the first time a string needs it.
    """

    __slots__ = ("_ascii", "_full", "_source")

    def __init__(self, ascii_source: str, source: str) -> None:
        self._ascii = re.compile(ascii_source, re.DOTALL)
        self._full: re.Pattern | None = None
        self._source = source

    def match(self, s: str) -> re.Match | None:
        if s.isascii():
            return self._ascii.match(s)
        if self._full is None:
            self._full = re.compile(self._source, re.DOTALL)
        return self._full.match(s)


@functools.lru_cache(maxsize=4096)
def compile_xsd_regex(pattern: str) -> XsdPattern:
    """Compile an XSD regular expression (an error is raised now, whatever the strings matched later)."""
    source = translate_xsd_regex(pattern)
    translator = _Translator(pattern, ascii=True)
    try:
        return XsdPattern(f"(?:{translator.regex()})\\Z", source)
    except re.error as exc:
        raise RegexError(f"{pattern!r}: {exc}") from None
