"""Datatypes: RELAX NG's built-in library and the XML Schema types TEI uses.

A :class:`Datatype` answers two questions the derivative algorithm asks:
does a string belong to the type (``allows``), and are two strings the same
value (``equal``, for ``<value>``).  Facets given as ``<param>`` restrict
the lexical space (``pattern``), the length, or the value range.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Callable

from .xsdregex import RegexError, compile_xsd_regex

XSD_LIB = "http://www.w3.org/2001/XMLSchema-datatypes"


class DatatypeError(ValueError):
    """An unknown library, type or facet, or a facet value the type refuses."""


def _collapse(s: str) -> str:
    return " ".join(s.split())


def _replace(s: str) -> str:
    return s.replace("\t", " ").replace("\n", " ").replace("\r", " ")


_NAME = (r"[:A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d"
                      r"\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff]"
                      r"[:A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d"
                      r"\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
                      r"\-.0-9\u00b7\u0300-\u036f\u203f-\u2040]*\Z")
_NMTOKEN = (r"[:A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d"
                         r"\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
                         r"\-.0-9\u00b7\u0300-\u036f\u203f-\u2040]+\Z")


def _regex(source: str) -> re.Pattern:
    """``source`` compiled on first use: documents need few of these, and compiling all slows start-up."""
    found = _COMPILED.get(source)
    if found is None:
        found = _COMPILED[source] = re.compile(source)
    return found


_COMPILED: dict[str, re.Pattern] = {}


_ASCII_NAME = r"[:A-Z_a-z][:A-Z_a-z\-.0-9]*\Z"  # the same as _NAME for ASCII strings, far quicker to compile
_ASCII_NMTOKEN = r"[:A-Z_a-z\-.0-9]+\Z"


def _is_name(s: str) -> bool:
    return _regex(_ASCII_NAME if s.isascii() else _NAME).match(s) is not None


def _is_ncname(s: str) -> bool:
    return ":" not in s and _is_name(s)


_TZ = r"(Z|[+\-]((0\d|1[0-3]):[0-5]\d|14:00))?"
_YEAR = r"-?([1-9]\d{3,}|0\d{3})"
_LEXICAL = {
    "boolean": r"(true|false|1|0)",
    "decimal": r"[+\-]?(\d+(\.\d*)?|\.\d+)",
    "integer": r"[+\-]?\d+",
    "double": r"([+\-]?(\d+(\.\d*)?|\.\d+)([Ee][+\-]?\d+)?|-?INF|NaN)",
    "date": _YEAR + r"-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])" + _TZ,
    "dateTime": _YEAR + r"-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T(([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?|24:00:00(\.0+)?)" + _TZ,
    "time": r"(([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?|24:00:00(\.0+)?)" + _TZ,
    "gYear": _YEAR + _TZ,
    "gYearMonth": _YEAR + r"-(0[1-9]|1[0-2])" + _TZ,
    "gMonth": r"--(0[1-9]|1[0-2])" + _TZ,
    "gMonthDay": r"--(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])" + _TZ,
    "gDay": r"---(0[1-9]|[12]\d|3[01])" + _TZ,
    "duration": r"-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?",
    "hexBinary": r"([0-9a-fA-F]{2})*",
    "base64Binary": r"(([A-Za-z0-9+/] ?){4})*(([A-Za-z0-9+/] ?){2}[AEIMQUYcgkosw048] ?=|[A-Za-z0-9+/] ?[AQgw] ?= ?=)?",
    "language": r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*",
}
_LEXICAL_SOURCE = {name: rx + r"\Z" for name, rx in _LEXICAL.items()}

# integer subtypes: (min, max)
_INTEGER_RANGES = {
    "integer": (None, None), "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1),
    "nonNegativeInteger": (0, None), "positiveInteger": (1, None),
    "long": (-2**63, 2**63 - 1), "int": (-2**31, 2**31 - 1), "short": (-2**15, 2**15 - 1),
    "byte": (-128, 127), "unsignedLong": (0, 2**64 - 1), "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1), "unsignedByte": (0, 255),
}
_STRING_TYPES = {"string", "normalizedString", "token", "language", "Name", "NCName", "NMTOKEN",
                 "NMTOKENS", "ID", "IDREF", "IDREFS", "ENTITY", "ENTITIES", "anyURI", "QName", "NOTATION"}
_LIST_TYPES = {"NMTOKENS", "IDREFS", "ENTITIES"}
_ORDERED = {"decimal", "double", "float", "date", "dateTime", "time", "gYear", "gYearMonth",
            "gMonth", "gMonthDay", "gDay", "duration"} | set(_INTEGER_RANGES)
_LENGTH_FACETS = {"length", "minLength", "maxLength"}
_RANGE_FACETS = {"minInclusive", "maxInclusive", "minExclusive", "maxExclusive"}


def _lexical_ok(name: str, s: str) -> bool:
    """Whitespace-processed ``s`` is in the lexical space of XSD type ``name``."""
    if name in ("string", "normalizedString", "token", "anyURI"):
        return name != "anyURI" or _any_uri_ok(s)
    if name in ("Name",):
        return _is_name(s)
    if name in ("NCName", "ID", "IDREF", "ENTITY"):
        return _is_ncname(s)
    if name == "QName" or name == "NOTATION":
        prefix, _, local = s.rpartition(":")
        return _is_ncname(local) and (not prefix or _is_ncname(prefix))
    if name == "NMTOKEN":
        return _regex(_ASCII_NMTOKEN if s.isascii() else _NMTOKEN).match(s) is not None
    if name in _LIST_TYPES:
        item = "NMTOKEN" if name == "NMTOKENS" else "NCName"
        return bool(s) and all(_lexical_ok(item, part) for part in s.split(" "))
    if name in _INTEGER_RANGES:
        if not _regex(_LEXICAL_SOURCE["integer"]).match(s):
            return False
        lo, hi = _INTEGER_RANGES[name]
        value = int(s)
        return (lo is None or value >= lo) and (hi is None or value <= hi)
    if name == "float":
        return _regex(_LEXICAL_SOURCE["double"]).match(s) is not None
    source = _LEXICAL_SOURCE.get(name)
    return source is not None and _regex(source).match(s) is not None


def _any_uri_ok(s: str) -> bool:
    return s.count("#") <= 1 and not any(c in s for c in "<>\"{}|\\^`") and "%" not in re.sub(r"%[0-9A-Fa-f]{2}", "", s)


def _value(name: str, s: str):
    """A comparable value for ordered types (and for equality of values)."""
    if name in _INTEGER_RANGES:
        return int(s)
    if name == "decimal":
        return Decimal(s)
    if name in ("double", "float"):
        return float(s.replace("INF", "inf"))
    if name == "boolean":
        return s in ("true", "1")
    if name in ("date", "dateTime", "time", "gYear", "gYearMonth", "gMonth", "gMonthDay", "gDay"):
        body = s[:-1] if s.endswith("Z") else s
        if name == "dateTime" and "." in body:
            body = body.rstrip("0").rstrip(".")
        return (s.endswith("Z") or bool(re.search(r"[+\-]\d\d:\d\d\Z", s)), body)
    if name == "duration":
        return s
    if name in _LIST_TYPES:
        return tuple(s.split(" "))
    return s


class Datatype:
    """One datatype with its facets; built once per ``<data>``/``<value>``."""

    __slots__ = ("library", "name", "whitespace", "facets", "patterns", "_check", "allows_every_string")

    def __init__(self, library: str, name: str, params: list[tuple[str, str]]):
        self.library, self.name = library, name
        # Free text such as lemmas and glosses: no need to look at the value at all.
        self.allows_every_string = library == "" or (
            library == XSD_LIB and name in ("string", "normalizedString", "token") and not params)
        self.patterns: list[str] = []
        self.facets: dict[str, object] = {}
        if library == "":
            if name not in ("string", "token"):
                raise DatatypeError(f"unknown datatype {name!r} in the built-in library")
            if params:
                raise DatatypeError("the built-in datatypes take no parameters")
            self.whitespace = "preserve" if name == "string" else "collapse"
            self._check: Callable[[str], bool] = lambda s: True
            return
        if library != XSD_LIB:
            raise DatatypeError(f"unknown datatype library {library!r}")
        known = _STRING_TYPES | _ORDERED | {"boolean", "hexBinary", "base64Binary"}
        if name not in known:
            raise DatatypeError(f"unknown XML Schema datatype {name!r}")
        self.whitespace = {"string": "preserve", "normalizedString": "replace"}.get(name, "collapse")
        for param, value in params:
            self._add_facet(param, value)
        self._check = lambda s: _lexical_ok(name, s)

    def _add_facet(self, param: str, value: str) -> None:
        name = self.name
        if param == "pattern":
            try:
                compile_xsd_regex(value)
            except RegexError as exc:
                raise DatatypeError(f"bad pattern: {exc}") from None
            self.patterns.append(value)
            return
        if param in self.facets:
            raise DatatypeError(f"facet {param!r} given twice")
        if param in _LENGTH_FACETS and (name in _STRING_TYPES or name in ("hexBinary", "base64Binary")):
            if not re.fullmatch(r"\d+", value.strip()):
                raise DatatypeError(f"{param} must be a non-negative integer")
            self.facets[param] = int(value)
        elif param in _RANGE_FACETS and name in _ORDERED:
            processed = _collapse(value)
            if not _lexical_ok(name, processed):
                raise DatatypeError(f"{param} value {value!r} is not a valid {name}")
            self.facets[param] = _value(name, processed)
        elif param in ("totalDigits", "fractionDigits") and (name == "decimal" or name in _INTEGER_RANGES):
            if not re.fullmatch(r"\d+", value.strip()) or (param == "totalDigits" and int(value) == 0):
                raise DatatypeError(f"bad {param} {value!r}")
            self.facets[param] = int(value)
        else:
            raise DatatypeError(f"facet {param!r} does not apply to {name}")
        if {"minLength", "maxLength"} <= self.facets.keys() and self.facets["minLength"] > self.facets["maxLength"]:
            raise DatatypeError("minLength exceeds maxLength")
        if "length" in self.facets and ({"minLength", "maxLength"} & self.facets.keys()):
            raise DatatypeError("length cannot be combined with minLength or maxLength")

    def normalise(self, s: str) -> str:
        if self.whitespace == "collapse":
            return _collapse(s)
        if self.whitespace == "replace":
            return _replace(s)
        return s

    def allows(self, s: str) -> bool:
        s = self.normalise(s)
        if not self._check(s):
            return False
        for pattern in self.patterns:
            if not compile_xsd_regex(pattern).matches(s):
                return False
        return not self.facets or self._facets_ok(s)

    def _facets_ok(self, s: str) -> bool:
        facets = self.facets
        if _LENGTH_FACETS & facets.keys():
            if self.name in _LIST_TYPES:
                size = len(s.split(" "))
            elif self.name == "hexBinary":
                size = len(s) // 2
            elif self.name == "base64Binary":
                size = len(s.replace(" ", "").rstrip("=")) * 3 // 4
            else:
                size = len(s)
            if size != facets.get("length", size) or size < facets.get("minLength", 0) \
                    or size > facets.get("maxLength", size):
                return False
        if _RANGE_FACETS & facets.keys():
            try:
                value = _value(self.name, s)
                if "minInclusive" in facets and not value >= facets["minInclusive"]:
                    return False
                if "maxInclusive" in facets and not value <= facets["maxInclusive"]:
                    return False
                if "minExclusive" in facets and not value > facets["minExclusive"]:
                    return False
                if "maxExclusive" in facets and not value < facets["maxExclusive"]:
                    return False
            except (TypeError, InvalidOperation):
                return False
        if "totalDigits" in facets or "fractionDigits" in facets:
            digits = s.lstrip("+-")
            whole, _, fraction = digits.partition(".")
            fraction = fraction.rstrip("0")
            whole = whole.lstrip("0")
            if len(whole) + len(fraction) > facets.get("totalDigits", 10**9):
                return False
            if len(fraction) > facets.get("fractionDigits", 10**9):
                return False
        return True

    def equal(self, a: str, b: str) -> bool:
        """``a`` (from the schema) and ``b`` (from the document) denote the same value."""
        a, b = self.normalise(a), self.normalise(b)
        if self.library == "" or self.name in _STRING_TYPES:
            return a == b
        try:
            return _value(self.name, a) == _value(self.name, b)
        except (ValueError, InvalidOperation):
            return a == b

    @property
    def id_type(self) -> str | None:
        """The DTD compatibility ID-type of this datatype, if any."""
        if self.library == XSD_LIB and self.name in ("ID", "IDREF", "IDREFS"):
            return self.name
        return None
