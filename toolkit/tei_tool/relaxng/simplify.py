"""RELAX NG simplification (section 4 of the specification).

Turns any RELAX NG XML schema, with its includes and external references,
into the simple form: one ``grammar`` holding a ``start`` and defines that
each contain exactly one ``element``, every ``ref`` pointing at such a
define.  Both engines use this form: libxml2 compiles it several times
faster than the schema as written, and our own engine builds its patterns
from it.

The passes follow the specification's numbering (4.1 … 4.21) so the code
can be read next to it.  Choice, group and interleave stay n-ary (the
specification nests them in pairs) because deeply nested pairs are slow for
every consumer and carry no extra meaning.
"""

from __future__ import annotations

import contextlib
import copy
import re
import unicodedata
from pathlib import Path
from urllib.parse import urljoin, urlparse

from lxml import etree

from .. import xmlsafe
from ..errors import InputNotFound, SchemaError
from ..namespaces import RNG_NS, SCH_NS, XML_NS

XSD_LIB = "http://www.w3.org/2001/XMLSchema-datatypes"
R = "{%s}" % RNG_NS
# Marks the top-level elements of each file read, so errors can name the file
# even after the element has been moved into another tree.
_SOURCE = "{urn:x-tei-tool:relaxng}source"

# Attributes each RELAX NG element may carry besides ns/datatypeLibrary.
_ATTRS = {
    "element": {"name"}, "attribute": {"name"}, "group": set(), "interleave": set(),
    "choice": set(), "optional": set(), "zeroOrMore": set(), "oneOrMore": set(),
    "list": set(), "mixed": set(), "ref": {"name"}, "parentRef": {"name"},
    "empty": set(), "text": set(), "value": {"type"}, "data": {"type"},
    "notAllowed": set(), "externalRef": {"href"}, "grammar": set(),
    "param": {"name"}, "except": set(), "start": {"combine"},
    "define": {"name", "combine"}, "div": set(), "include": {"href"},
    "name": set(), "anyName": set(), "nsName": set(),
}
_PATTERNS = {
    "element", "attribute", "group", "interleave", "choice", "optional",
    "zeroOrMore", "oneOrMore", "list", "mixed", "ref", "parentRef", "empty",
    "text", "value", "data", "notAllowed", "externalRef", "grammar",
}
_NAME_CLASSES = {"name", "anyName", "nsName", "choice"}
_GRAMMAR_CONTENT = {"start", "define", "div", "include"}
_KEEP_TEXT = {"value", "param", "name"}
_NO_CHILDREN = {"empty", "text", "notAllowed", "ref", "parentRef", "externalRef"}
XMLNS_NS = "http://www.w3.org/2000/xmlns"


def _error(el: etree._Element | None, message: str, file: str | None = None) -> SchemaError:
    if el is not None:
        file = file or _file_of(el)
        return SchemaError(f"{file}:{el.sourceline or 0}:0: {message}")
    return SchemaError(f"{file or '?'}:0:0: {message}")


def _file_of(el: etree._Element) -> str:
    for ancestor in el.iterancestors():
        if ancestor.get(_SOURCE):
            return ancestor.get(_SOURCE)
    if el.get(_SOURCE):
        return el.get(_SOURCE)
    return _url_to_path(el.getroottree().docinfo.URL or "?")


def _url_to_path(url: str) -> str:
    if url.startswith("file:"):
        # Imported here: urllib.request loads http and email, costly at every start-up.
        from urllib.request import url2pathname

        return url2pathname(urlparse(url).path)
    return url


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _rng(name: str, attrib: dict | None = None, text: str | None = None) -> etree._Element:
    el = etree.Element(R + name, attrib or {}, nsmap={None: RNG_NS})
    if text is not None:
        el.text = text
    return el


def _is_rng(el) -> bool:
    return isinstance(el.tag, str) and el.tag.startswith(R)


# ---------------------------------------------------------------------------
# Loading one file: 4.1–4.10, recursively for include and externalRef.
# ---------------------------------------------------------------------------

def read_schema_file(path: Path, el: etree._Element | None = None) -> bytes:
    """The bytes of a schema file, or an error at ``el`` (the include naming it).

    Pipes, devices and directories are refused unread: reading a pipe would block.
    """
    try:
        return xmlsafe.read_regular_file(path, str(path))
    except xmlsafe.XMLInputError as exc:
        reason = exc.message
    except InputNotFound:
        reason = "no such file or directory"
    raise _error(el, f"cannot read schema {path}: {reason}", file=None if el is not None else str(path))


class _Loader:
    """Reads schema files and splices includes and external references in."""

    def __init__(self) -> None:
        self.files: list[Path] = []
        self.schematron: list[etree._Element] = []
        self._open: list[str] = []

    def load(self, path: Path, ns: str | None, el: etree._Element | None = None) -> etree._Element:
        key = str(path.resolve())
        if key in self._open:
            raise _error(el, f"recursive inclusion of {path}")
        data = read_schema_file(path, el)
        try:
            doc = xmlsafe.parse_bytes(data, str(path), base_url=str(path))
        except xmlsafe.XMLInputError as exc:
            raise SchemaError(f"{exc.file}:{exc.line}:{exc.column}: {exc.message}") from None
        etree.strip_elements(doc, etree.Comment, etree.ProcessingInstruction, with_tail=False)
        self.files.append(path.resolve())
        root = doc.getroot()
        root.set(_SOURCE, str(path))
        for child in root:
            if _is_rng(child):
                child.set(_SOURCE, str(path))
        if not _is_rng(root) or _local(root) not in _PATTERNS:
            raise _error(root, f"document element {root.tag!r} is not a RELAX NG pattern")
        if ns is not None and root.get("ns") is None:
            root.set("ns", ns)
        for ref in root.iter(R + "externalRef", R + "include"):
            # Resolved now, while every xml:base on the way is still there (cleaning drops them).
            if ref.get("href") is not None:
                ref.set("href", urljoin(ref.base or "", ref.get("href")))
        holder = _rng("div")  # a parent, so that even a document element can be replaced
        holder.append(root)
        self._open.append(key)
        try:
            self._clean(root, datatype_library="", ns="")
        finally:
            self._open.pop()
        return holder[0]

    def _clean(self, el: etree._Element, datatype_library: str, ns: str) -> None:
        """4.1–4.10 on one element and, recursively, on its children."""
        name = _local(el)
        if name not in _ATTRS:
            raise _error(el, f"unknown RELAX NG element {name!r}")
        for att in list(el.attrib):
            if att == _SOURCE:
                continue
            if att.startswith(R):
                raise _error(el, f"attribute {att[len(R):]!r} in the RELAX NG namespace not allowed")
            if att.startswith("{"):
                del el.attrib[att]
            elif att not in _ATTRS[name] and att not in ("ns", "datatypeLibrary"):
                raise _error(el, f"attribute {att!r} not allowed on {name!r}")
        for att in ("name", "type", "combine"):
            if att in el.attrib:
                el.set(att, el.get(att).strip(" \t\r\n"))
        if name in ("define", "ref", "parentRef") and not _is_ncname(el.get("name", "")):
            raise _error(el, f"{name} name {el.get('name', '')!r} is not a valid NCName")
        if "datatypeLibrary" in el.attrib:
            datatype_library = el.get("datatypeLibrary")
            _check_datatype_library(el, datatype_library)
            del el.attrib["datatypeLibrary"]
        if "ns" in el.attrib:
            ns = el.get("ns")
        if name in ("data", "value"):
            if name == "value" and "type" not in el.attrib:
                el.set("type", "token")
                datatype_library = ""
            el.set("datatypeLibrary", datatype_library)
        self._children(el, datatype_library, ns)
        if name in ("externalRef", "include"):
            self._check_href(el)
        if name == "externalRef":
            self._external_ref(el, ns)
        elif name == "include":
            self._include(el, ns)
        elif name in ("element", "attribute") and "name" in el.attrib:
            qname = el.get("name")
            if name == "attribute" and el.get("ns") is None:
                name_el_ns = ""
            else:
                name_el_ns = ns
            del el.attrib["name"]
            el.insert(0, self._name_element(el, qname, name_el_ns))
        elif name == "name":
            if len(el):
                raise _error(el, "name must contain only text")
            el.getparent().replace(el, self._name_element(el, (el.text or "").strip(" \t\r\n"), ns))
            return
        elif name in ("nsName", "value"):
            el.set("ns", ns)
        if name not in ("nsName", "value") and "ns" in el.attrib:
            del el.attrib["ns"]

    def _children(self, el, datatype_library, ns) -> None:
        name = _local(el)
        if name not in _KEEP_TEXT:
            if (el.text or "").strip(" \t\r\n"):
                raise _error(el, f"text not allowed in {name!r}")
            el.text = None
        for child in list(el):
            if name not in _KEEP_TEXT:
                if (child.tail or "").strip(" \t\r\n"):
                    raise _error(el, f"text not allowed in {name!r}")
                child.tail = None
            if not isinstance(child.tag, str):
                el.remove(child)
                continue
            if name in _KEEP_TEXT:
                raise _error(child, f"element not allowed in {name!r}")
            if not _is_rng(child):
                if child.tag in (f"{{{SCH_NS}}}pattern", f"{{{SCH_NS}}}ns"):
                    self.schematron.append(copy.deepcopy(child))
                el.remove(child)
                continue
            if name in _NO_CHILDREN:
                raise _error(child, f"{name} must be empty")
            self._clean(child, datatype_library, ns)

    @staticmethod
    def _name_element(context: etree._Element, qname: str, ns: str) -> etree._Element:
        if ":" in qname:
            prefix, local = qname.split(":", 1)
            uri = XML_NS if prefix == "xml" else context.nsmap.get(prefix)
            if uri is None:
                raise _error(context, f"undeclared namespace prefix {prefix!r}")
            ns = uri
        else:
            local = qname
        if not _is_ncname(local):
            raise _error(context, f"{qname!r} is not a valid name")
        name_el = _rng("name", {"ns": ns}, local)
        name_el.tail = None
        return name_el

    @staticmethod
    def _check_href(el) -> None:
        href = el.get("href")
        if href is None:
            raise _error(el, f"{_local(el)} needs an href attribute")
        if "#" in href:
            raise _error(el, "href must not have a fragment identifier")
        el.set("href", urljoin(el.base or "", href))
        scheme = urlparse(el.get("href")).scheme
        if len(scheme) > 1 and scheme != "file":  # one letter is a Windows drive
            raise _error(el, f"{_local(el)} of {el.get('href')}: remote schemas are never fetched (use a local copy)")

    def _external_ref(self, el, ns: str) -> None:
        root = self.load(Path(_url_to_path(el.get("href"))), ns, el)
        el.getparent().replace(el, root)

    def _include(self, el, ns: str) -> None:
        root = self.load(Path(_url_to_path(el.get("href"))), ns, el)
        if _local(root) != "grammar":
            raise _error(el, "an included schema must be a grammar")
        overrides = {_component_key(c): False for c in _walk_components(el)}
        for comp in list(_walk_components(root)):
            key = _component_key(comp)
            if key in overrides:
                overrides[key] = True
                comp.getparent().remove(comp)
        for key, found in overrides.items():
            if not found:
                raise _error(el, f"included grammar has no {key} to override")
        el.tag = R + "div"
        del el.attrib["href"]
        included = _rng("div")
        included.extend(list(root))
        el.insert(0, included)


def _component_key(comp) -> str:
    return "start" if _local(comp) == "start" else "define " + repr(comp.get("name", ""))


def _walk_components(parent):
    for child in parent:
        if not _is_rng(child):
            continue
        local = _local(child)
        if local == "div":
            yield from _walk_components(child)
        elif local in ("start", "define"):
            yield child


def _check_datatype_library(el, uri: str) -> None:
    if uri == "":
        return
    parsed = urlparse(uri)
    if (not parsed.scheme or uri == parsed.scheme + ":" or parsed.fragment or "#" in uri
            or any(c in uri for c in " <>\"{}|\\^`") or re.search(r"%(?![0-9A-Fa-f]{2})", uri)):
        raise _error(el, f"datatypeLibrary {uri!r} is not an absolute URI without fragment")


def _is_ncname(s: str) -> bool:
    """An XML name without colon; it starts with a letter or ``_`` (not a combining mark, as lxml allows)."""
    if not s or ":" in s:
        return False
    if s[0] != "_" and unicodedata.category(s[0]) not in ("Lu", "Ll", "Lt", "Lo", "Nl"):
        return False
    try:
        etree.QName(s)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------
# 4.11–4.16: structural normalisation of the merged tree.
# ---------------------------------------------------------------------------

def _flatten_divs(el) -> None:
    for child in list(el):
        _flatten_divs(child)
        if _local(child) == "div":
            index = el.index(child)
            for offset, grandchild in enumerate(list(child)):
                el.insert(index + offset, grandchild)
            el.remove(child)


def _wrap(el, name: str, children) -> etree._Element:
    wrapper = _rng(name)
    for child in children:
        wrapper.append(child)
    return wrapper


def _children_rewritten(el, rewrite) -> list:
    """``el``'s children after replacing each by what ``rewrite`` returns for it (the bottom-up passes)."""
    for child in list(el):
        new = rewrite(child)
        if new is not child:
            el.replace(child, new)
    return list(el)


def _normalise(el) -> etree._Element:
    """4.12–4.15 bottom-up; returns the element that replaces ``el``."""
    kids = _children_rewritten(el, _normalise)
    name = _local(el)
    if name in ("define", "oneOrMore", "zeroOrMore", "optional", "list", "mixed", "start"):
        if not kids:
            raise _error(el, f"{name} must have at least one child")
        if name == "start" and len(kids) > 1:
            raise _error(el, "start must have exactly one child")
        if len(kids) > 1:
            el.append(_wrap(el, "group", kids))
    elif name == "element":
        if len(kids) < 2:
            raise _error(el, "element needs a name class and a pattern")
        _check_name_class(kids[0])
        if len(kids) > 2:
            el.append(_wrap(el, "group", kids[1:]))
    elif name == "attribute":
        if not kids:
            raise _error(el, "attribute needs a name class")
        _check_name_class(kids[0])
        _check_attribute_name_class(kids[0])
        if len(kids) == 1:
            el.append(_rng("text"))
        elif len(kids) > 2:
            raise _error(el, "attribute may contain only one pattern")
    elif name == "except":
        if not kids:
            raise _error(el, "except must have at least one child")
        if len(kids) > 1 and _local(el.getparent()) == "data":
            el.append(_wrap(el, "choice", kids))
    elif name in ("choice", "group", "interleave"):
        if not kids:
            raise _error(el, f"{name} must have at least one child")
        if len(kids) == 1:
            return kids[0]
    elif name == "data":
        for kid in kids:
            if _local(kid) not in ("param", "except"):
                raise _error(kid, f"{_local(kid)} not allowed in data")
        if any(_local(k) == "except" for k in kids[:-1]):
            raise _error(el, "except must be the last child of data")
        _check_datatype(el, [(k.get("name"), k.text or "") for k in kids if _local(k) == "param"])
    elif name == "value":
        _check_datatype(el, [], el.text or "")
    kids = list(el)
    if name == "mixed":
        new = _wrap(el, "interleave", [kids[0], _rng("text")])
        return new
    if name == "optional":
        return _wrap(el, "choice", [kids[0], _rng("empty")])
    if name == "zeroOrMore":
        return _wrap(el, "choice", [_wrap(el, "oneOrMore", [kids[0]]), _rng("empty")])
    return el


def _check_attribute_name_class(nc) -> None:
    """4.16: no attribute may be named ``xmlns`` or be in the namespace of namespace declarations."""
    attribute = nc.getparent()  # located there: name elements are rewritten and have no line
    for el in nc.iter(R + "name", R + "nsName"):
        if el.get("ns") == XMLNS_NS:
            raise _error(attribute, f"attributes in the namespace {XMLNS_NS} are namespace declarations")
        if _local(el) == "name" and el.get("ns", "") == "" and (el.text or "").strip(" \t\r\n") == "xmlns":
            raise _error(attribute, "an attribute cannot be named xmlns")


def _check_datatype(el, params: list[tuple[str, str]], value: str | None = None) -> None:
    """4.16: the type is known to its library, the parameters suit it, and a value is one of its values."""
    from .datatypes import Datatype, DatatypeError  # datatypes need not load when the cache answers

    try:
        datatype = Datatype(el.get("datatypeLibrary", ""), el.get("type", ""), params)
    except DatatypeError as exc:
        raise _error(el, str(exc)) from None
    if value is not None and not datatype.allows(value):
        raise _error(el, f"{value!r} is not a value of type {el.get('type')!r}")


def _check_name_class(nc, in_except: str | None = None) -> None:
    """4.16 and the shape of name classes (section 3)."""
    name = _local(nc)
    if name not in _NAME_CLASSES:
        raise _error(nc, f"{name} is not a name class")
    kids = list(nc)
    if name == "name":
        return
    if name == "choice":
        if not kids:
            raise _error(nc, "choice must have at least one child")
        for kid in kids:
            _check_name_class(kid, in_except)
        return
    if name == "anyName" and in_except:
        raise _error(nc, "anyName not allowed inside except")
    if name == "nsName" and in_except == "nsName":
        raise _error(nc, "nsName not allowed inside except of nsName")
    if kids:
        if len(kids) > 1 or _local(kids[0]) != "except":
            raise _error(nc, f"{name} may contain only an except")
        exc = kids[0]
        if not len(exc):
            raise _error(exc, "except must have at least one child")
        for kid in exc:
            _check_name_class(kid, name)
        if len(exc) > 1:
            exc.append(_wrap(exc, "choice", list(exc)))


# ---------------------------------------------------------------------------
# 4.17–4.18: combine, and merging nested grammars into one.
# ---------------------------------------------------------------------------

class _Grammars:
    """Renames the defines of every grammar apart and resolves ref/parentRef."""

    def __init__(self) -> None:
        self.defines: dict[str, etree._Element] = {}
        self._used: set[str] = set()

    def unique(self, name: str) -> str:
        candidate, n = name, 1
        while candidate in self._used:
            n += 1
            candidate = f"{name}.{n}"
        self._used.add(candidate)
        return candidate

    def grammar(self, grammar, parent_scope: dict | None) -> etree._Element:
        """Lift the defines of ``grammar`` out; return its start pattern."""
        starts, defines = [], {}
        for comp in grammar:
            local = _local(comp)
            if local == "start":
                starts.append(comp)
            elif local == "define":
                if not comp.get("name"):
                    raise _error(comp, "define needs a name")
                defines.setdefault(comp.get("name"), []).append(comp)
            else:
                raise _error(comp, f"{local} not allowed in grammar")
        if not starts:
            raise _error(grammar, "grammar has no start")
        scope = {name: self.unique(name) for name in defines}
        start = _combine(starts, "start")
        bodies = {name: _combine(group, f"define {name!r}") for name, group in defines.items()}
        for name, body in bodies.items():
            body = self.resolve(body, scope, parent_scope)
            self.defines[scope[name]] = body
        return self.resolve(start, scope, parent_scope)

    def resolve(self, pattern, scope, parent_scope) -> etree._Element:
        local = _local(pattern)
        if local == "grammar":
            return self.grammar(pattern, scope)
        if local in ("ref", "parentRef"):
            table = scope if local == "ref" else parent_scope
            if table is None or pattern.get("name") not in table:
                raise _error(pattern, f"{local} to undefined pattern {pattern.get('name')!r}")
            pattern.tag = R + "ref"
            pattern.set("name", table[pattern.get("name")])
            return pattern
        for child in list(pattern):
            new = self.resolve(child, scope, parent_scope)
            if new is not child:
                pattern.replace(child, new)
        return pattern


def _combine(components, what: str) -> etree._Element:
    """4.17: merge same-named defines (or starts) per their combine attribute."""
    if len(components) == 1:
        return components[0][0]
    methods = {c.get("combine") for c in components if c.get("combine")}
    without = [c for c in components if not c.get("combine")]
    if len(methods) > 1:
        raise _error(components[0], f"conflicting combine methods for {what}")
    if len(without) > 1:
        raise _error(without[1], f"{what} defined more than once without combine")
    if not methods:
        raise _error(components[1], f"{what} defined more than once without combine")
    method = methods.pop()
    if method not in ("choice", "interleave"):
        raise _error(components[0], f"bad combine value {method!r}")
    return _wrap(components[0], method, [c[0] for c in components])


# ---------------------------------------------------------------------------
# 4.19–4.21: one define per element, notAllowed and empty propagation.
# ---------------------------------------------------------------------------

class _ElementDefines:
    """Gives every element its own define and inlines every other define."""

    def __init__(self, defines: dict[str, etree._Element], names: _Grammars) -> None:
        self.source = defines
        self.names = names
        self.out: dict[str, etree._Element] = {}
        self._expanded: dict[str, etree._Element] = {}
        self._expanding: dict[str, None] = {}  # the defines being expanded, innermost last
        self._pending: list[etree._Element] = []
        self.element_define_of: dict[str, str] = {}

    def expand(self, pattern) -> etree._Element:
        return _run_steps(self._expand(pattern))

    def _expand(self, pattern):
        local = _local(pattern)
        if local == "ref":
            return (yield self._ref(pattern))
        if local == "element":
            return self._element(pattern, None)
        for index, child in enumerate(list(pattern)):
            new = yield self._expand(child)
            if new is not child:
                _put(pattern, index, child, new)
        return pattern

    def _ref(self, ref):
        name = ref.get("name")
        body = self.source[name]
        if _local(body) == "element":
            if name not in self.element_define_of:
                self.element_define_of[name] = name
                self._element(body, name)
            return _rng("ref", {"name": name})
        if name in self._expanding:
            raise _error(ref, f"reference to {name!r} loops without passing through an element")
        if name not in self._expanded:
            self._expanding[name] = None
            self._expanded[name] = yield self._expand(body)
            del self._expanding[name]
        return copy.deepcopy(self._expanded[name])

    def _element(self, element, define_name: str | None) -> etree._Element:
        """Move ``element`` into a define of its own; its content is expanded later."""
        if define_name is None:
            define_name = self.names.unique(_define_name_for(element))
        define = _rng("define", {"name": define_name})
        self.out[define_name] = define
        define.append(element)
        self._pending.append(element)
        return _rng("ref", {"name": define_name})

    def run(self, start) -> etree._Element:
        """Expand ``start`` and then the content of every element reached."""
        wrapper = _rng("start")
        wrapper.append(start)
        start = self.expand(wrapper)[0]
        while self._pending:
            element = self._pending.pop()
            content = element[1]
            new = self.expand(content)
            if new is not content:
                _put(element, 1, content, new)
        return start


def _run_steps(steps):
    """Run a generator that yields the generators of its sub-steps and is sent their results.

    The nesting lives in a list, not on Python's call stack: a chain of
    thousands of defines, each referring to the next, is a valid schema.
    """
    stack, result = [steps], None
    while stack:
        try:
            inner = stack[-1].send(result)
        except StopIteration as done:
            stack.pop()
            result = done.value
        else:
            stack.append(inner)
            result = None
    return result


def _put(parent, index: int, old, new) -> None:
    """Put ``new`` where ``old`` was, even if ``old`` has moved elsewhere meanwhile."""
    if old.getparent() is parent:
        parent.replace(old, new)
    else:
        parent.insert(index, new)


def _define_name_for(element) -> str:
    nc = element[0]
    return nc.text if _local(nc) == "name" and nc.text else "element"


def _propagate(el) -> etree._Element:
    """4.20 and 4.21 bottom-up; n-ary combinators are flattened on the way."""
    return _run_steps(_propagate_steps(el))


def _propagate_steps(el):
    """:func:`_propagate` as steps: inlined defines can nest patterns deeper than Python recurses."""
    for child in list(el):
        new = yield _propagate_steps(child)
        if new is not child:
            el.replace(child, new)
    kids = list(el)
    name = _local(el)
    kinds = [_local(k) for k in kids]
    if name in ("attribute", "list", "oneOrMore") and "notAllowed" in kinds[-1:]:
        return _rng("notAllowed")
    if name == "data" and kids and kinds[-1] == "except" and _local(kids[-1][0]) == "notAllowed":
        el.remove(kids[-1])
    if name in ("group", "interleave"):
        if "notAllowed" in kinds:
            return _rng("notAllowed")
        for kid in kids:
            if _local(kid) == "empty":
                el.remove(kid)
            elif _local(kid) == name:
                index = el.index(kid)
                for offset, grandchild in enumerate(list(kid)):
                    el.insert(index + offset, grandchild)
                el.remove(kid)
    if name == "choice":
        has_empty = False
        for kid in kids:
            if _local(kid) == "notAllowed":
                el.remove(kid)
            elif _local(kid) == "empty":
                has_empty = True
                el.remove(kid)
            elif _local(kid) == "choice":
                index = el.index(kid)
                for offset, grandchild in enumerate(list(kid)):
                    if _local(grandchild) == "empty":
                        has_empty = True
                    else:
                        el.insert(index + offset, grandchild)
                el.remove(kid)
        if has_empty:
            el.insert(0, _rng("empty"))
        if len(el) == 0:
            return _rng("notAllowed")
    if name in ("group", "interleave", "choice"):
        if len(el) == 0:
            return _rng("empty")
        if len(el) == 1:
            return el[0]
    if name == "oneOrMore" and kinds == ["empty"]:
        return _rng("empty")
    return el


def _reachable(start, defines: dict[str, etree._Element]) -> list[str]:
    seen: dict[str, None] = {}
    stack = [start]
    while stack:
        node = stack.pop()
        for ref in node.iter(R + "ref"):
            name = ref.get("name")
            if name not in seen:
                seen[name] = None
                stack.append(defines[name])
    return list(seen)


def _assemble(start, defines: dict[str, etree._Element]) -> etree._ElementTree:
    grammar = etree.Element(R + "grammar", nsmap={None: RNG_NS})
    grammar.set("datatypeLibrary", XSD_LIB)
    start_el = etree.SubElement(grammar, R + "start")
    start_el.append(start)
    for name in _reachable(start, defines):
        grammar.append(defines[name])
    _drop_default_library(grammar)
    etree.strip_attributes(grammar, _SOURCE)
    return etree.ElementTree(grammar)


def _drop_default_library(grammar) -> None:
    """Data and value carry their library; omit the attribute where inherited."""
    for el in grammar.iter(R + "data", R + "value"):
        if el.get("datatypeLibrary") == XSD_LIB:
            del el.attrib["datatypeLibrary"]


def _finish(start, defines: dict[str, etree._Element]) -> etree._ElementTree:
    """4.20/4.21 over everything reachable, then drop what became unreachable."""
    start = _propagate(start)
    for name in _reachable(start, defines):
        element = defines[name][0]
        content = element[1]
        new = _propagate(content)
        if new is not content:
            element.replace(content, new)
    return _assemble(start, defines)


# ---------------------------------------------------------------------------
# Public entry points.
# ---------------------------------------------------------------------------

@contextlib.contextmanager
def nesting_checked(path: str | Path, task: str = "compile them"):
    """Turn Python's recursion limit into a schema error: inlined defines can nest patterns
    deeper than the passes that recurse over them can follow (about a thousand levels)."""
    try:
        yield
    except RecursionError:
        raise SchemaError(f"{path}:0:0: patterns are nested too deeply, once defines are inlined, to {task}") from None


def simplify_with_sources(path: str | Path) -> tuple[etree._ElementTree, list[Path], list[etree._Element]]:
    """Simplify ``path``; also return every file read and the embedded Schematron."""
    with nesting_checked(path):
        return _simplify_with_sources(path)


def _simplify_with_sources(path: str | Path) -> tuple[etree._ElementTree, list[Path], list[etree._Element]]:
    loader = _Loader()
    root = loader.load(Path(path), None)
    _flatten_divs(root)
    holder = _rng("start")
    holder.append(root)
    root = _normalise(root)
    if holder[0] is not root:
        holder.replace(holder[0], root)
    grammars = _Grammars()
    if _local(root) == "grammar":
        start = grammars.grammar(root, None)
    else:
        start = grammars.resolve(root, {}, None)
    elements = _ElementDefines(grammars.defines, grammars)
    start = elements.run(start)
    return _finish(start, elements.out), loader.files, loader.schematron


def simplify(path: str | Path) -> etree._ElementTree:
    """The simplified grammar of the schema at ``path`` as a RELAX NG document."""
    return simplify_with_sources(path)[0]


def embedded_schematron(path: str | Path) -> list[etree._Element]:
    """The ``sch:pattern`` and ``sch:ns`` elements of a schema and its includes."""
    return simplify_with_sources(path)[2]


def document_names(tree: etree._ElementTree) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """The (namespace, local name) pairs of the elements and attributes in a document."""
    elements, attributes = set(), set()
    for el in tree.getroot().iter(etree.Element):
        q = etree.QName(el)
        elements.add((q.namespace or "", q.localname))
        for att in el.attrib:
            qa = etree.QName(att)
            attributes.add((qa.namespace or "", qa.localname))
    return elements, attributes


def _name_class_can_match(nc, names: set[tuple[str, str]]) -> bool:
    local = _local(nc)
    if local == "name":
        return (nc.get("ns", ""), nc.text) in names
    if local == "choice":
        return any(_name_class_can_match(kid, names) for kid in nc)
    return True


def prune(
    simplified: etree._ElementTree,
    element_names: set[tuple[str, str]] | None,
    attribute_names: set[tuple[str, str]] | None = None,
) -> etree._ElementTree:
    """A copy of ``simplified`` without elements and attributes a document cannot use.

    References to elements whose names do not occur in the document become
    ``notAllowed`` (as do attributes, when ``attribute_names`` is given);
    the verdict on that document is unchanged, and libxml2 compiles the
    much smaller grammar in milliseconds.  ``None`` keeps everything.
    """
    source = simplified.getroot()
    defines = {d.get("name"): d for d in source[1:]}
    dropped = set()
    if element_names is not None:
        dropped = {name for name, d in defines.items() if not _name_class_can_match(d[0][0], element_names)}
    start = copy.deepcopy(source[0][0])
    kept: dict[str, etree._Element] = {}
    todo = [start]
    while todo:
        for ref in list(todo.pop().iter(R + "ref")):
            name = ref.get("name")
            if name in dropped:
                if ref.getparent() is None:
                    start = _rng("notAllowed")
                else:
                    ref.getparent().replace(ref, _rng("notAllowed"))
            elif name not in kept:
                kept[name] = copy.deepcopy(defines[name])
                todo.append(kept[name])
    if attribute_names is not None:
        for define in kept.values():
            for att in list(define.iter(R + "attribute")):
                if not _name_class_can_match(att[0], attribute_names):
                    att.getparent().replace(att, _rng("notAllowed"))
    return _finish(start, kept)
