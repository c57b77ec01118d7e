"""ISO Schematron with XPath 2.0 and later, run by Saxon.

A schema is compiled once per process into an XSLT 3.0 stylesheet: one
mode per pattern, one template per rule with priorities descending in
document order (so the first matching rule of a pattern fires, as the
standard requires), one ``xsl:if`` per assert or report. The stylesheet
reports each failure with the element path of the node it fired on, which
is mapped back to the lxml tree for a line and column. A pattern with
``@documents`` reports in that run which documents it names; tei-tool reads
each one safely itself and runs the stylesheet again for that pattern alone,
with the document as a parameter.

Saxon receives the document already parsed and serialised by
:mod:`xmlsafe`, without DOCTYPE. A schema may come with a downloaded
edition, so it may not read files or the environment: the functions that
would (``doc()``, ``unparsed-text()``, ``environment-variable()``, …) are
refused when it is loaded, and Saxon runs it on a processor that opens no
URI at all, which also stops what no function name shows (an external
entity in ``parse-xml()``).
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import os
import re
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from lxml import etree

from . import xmlsafe
from .errors import InputNotFound, SchemaError, TeiToolError, XMLInputError
from .findings import Finding, Severity
from .namespaces import RNG_NS, SCH_NS, XML_ID, XML_NS
from .transform import saxon_detail, saxon_opening_no_uri as saxon, saxon_stderr_captured as saxon_stderr

XSL_NS = "http://www.w3.org/1999/XSL/Transform"
REPORT_NS = "urn:x-tei-tool:schematron-report"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
XMLNS_NS = "http://www.w3.org/2000/xmlns/"
S = "{%s}" % SCH_NS
X = "{%s}" % XSL_NS
T = "{%s}" % REPORT_NS
OWN_PREFIX = "tei-tool"  # the generated stylesheet's own names; a schema's sch:ns may not take it
SUBORDINATE = f"{OWN_PREFIX}:subordinate"  # parameters of the run over a document a pattern's @documents names
SUBORDINATE_PATTERN = f"{OWN_PREFIX}:subordinate-pattern"
NAMED_DOCUMENT = f"{OWN_PREFIX}:named-document"

SUPPORTED_QUERY_BINDINGS = {"", "xslt", "xslt2", "xslt3", "xpath", "xpath2", "xpath3", "xpath31"}
# Roles that make a finding a warning or an info; any other role (error, fatal, none) is an error.
WARNING_ROLES = {"warning", "warn", "nonfatal", "caution"}
INFO_ROLES = {"info", "information"}
ALL_PATTERNS = "#ALL"
DEFAULT_PHASE = "#DEFAULT"  # as if no phase was named
# The XSLT declarations a schema may hold at its top level, and the query bindings that allow each
# (ISO Schematron: keys in every XSLT binding, functions from XSLT 2.0 on).
XSLT_DECLARATIONS = {"key": {"", "xslt", "xslt2", "xslt3"}, "function": {"xslt2", "xslt3"}}

# What a schema's expressions may not call: what reads files or the environment (Java's system
# properties hold the user's name and folders), and what could reach those dynamically. tei-tool
# reads the documents a pattern's @documents names itself, safely, so a schema needs none of these.
FN_NS = "http://www.w3.org/2005/xpath-functions"
SAXON_NS = "http://saxon.sf.net/"  # Saxon's own functions, saxon:doc() among them: all refused
READING_FUNCTIONS = frozenset({
    "doc", "doc-available", "document", "collection", "uri-collection", "unparsed-text", "unparsed-text-lines",
    "unparsed-text-available", "json-doc", "stream-available", "environment-variable",
    "available-environment-variables", "system-property", "function-lookup", "transform", "load-xquery-module",
})
READING_INSTRUCTIONS = frozenset({"evaluate", "source-document", "merge-source"})
# A name as XPath reads one (whole, so that my-doc is not doc), and the variable sign before it.
_NAME = re.compile(r"(\$\s*)?(?:Q\{([^{}]*)\}|([^\W\d][\w.\-]*):)?([^\W\d][\w.\-]*)")

# The nodes each pattern's rules are tried on, in document order. Most rules
# match elements only; trying them on every attribute and text node as well
# makes a large document several times slower.
CANDIDATE_NODES = {
    "elements": "(., descendant::*)",
    "elements-and-attributes": "(., descendant::*/(., @*))",
    "all-nodes": "(., descendant::node()/(., @*))",
}
_STRING_LITERAL = re.compile(r"'[^']*'|\"[^\"]*\"")
_INNERMOST_PREDICATE = re.compile(r"\[[^\[\]]*\]")
_SELECTS_ATTRIBUTES = re.compile(r"@|attribute::|attribute\s*\(")
_SELECTS_OTHER_NODES = re.compile(r"\$|node\s*\(|text\s*\(|comment\s*\(|processing-instruction\s*\(|namespace")


class UnknownPhase(TeiToolError, ValueError):
    """A phase was asked for that the schema does not define: a usage error, not a broken schema."""


@dataclass(frozen=True)
class Check:
    """What is known before running about one assert or report."""

    severity: Severity
    label: str
    ident: str


@dataclass
class _Source:
    """A Schematron element and what it holds, for error messages."""

    element: etree._Element
    what: str

    def where(self) -> str:
        return _where(self.element)


def _where(element: etree._Element) -> str:
    """``file:line:col`` of a schema element (column found from the file's text)."""
    url = element.getroottree().docinfo.URL
    if url and url.startswith("file:"):
        file, line, column = xmlsafe.Document(path=Path(_url_to_path(url)), tree=element.getroottree()).locate(element)
    else:
        file, line, column = _url_to_path(url), element.sourceline or 0, 0
    return f"{file}:{line}:{column}"


def _url_to_path(url: str | None) -> str:
    if not url:
        return "<schematron>"
    if url.startswith("file:"):
        return urllib.parse.unquote(urllib.parse.urlsplit(url).path)
    return url


_compiled_stylesheets: dict[str, object] = {}


def _compile(xslt_text: str):
    """The Saxon executable for a generated stylesheet, compiled once per process."""
    key = hashlib.sha256(xslt_text.encode("utf-8")).hexdigest()
    if key not in _compiled_stylesheets:
        compiler = saxon().new_xslt30_processor()
        _compiled_stylesheets[key] = compiler.compile_stylesheet(stylesheet_text=xslt_text)
        _compiled_stylesheets[key].set_save_xsl_message(True)  # the text of one that stops a run goes into the error
    return _compiled_stylesheets[key]


class Schematron:
    """A compiled Schematron schema, ready to check documents."""

    def __init__(self, xslt_text: str, checks: list[Check], sources: list[_Source], name: str, compile_seconds: float):
        self.xslt_text = xslt_text
        self.checks = checks
        self.sources = sources
        self.name = name
        self.compile_seconds = compile_seconds

    def validate(self, document: xmlsafe.Document) -> Iterator[Finding]:
        """Findings (rule ``schematron``) for every failed assert and fired report, in the document
        and in the documents that a pattern's ``@documents`` names (located in their own files)."""
        executable = _compile(self.xslt_text)
        checked, report = self._run(executable, document)
        yield from self._findings(report, document)
        loaded: dict[str, xmlsafe.Document] = {}
        done: set[tuple[str, str]] = set()
        for request in (named for documents in report.iter(T + "documents") for named in documents):
            href, label = request.get("href", ""), request.getparent().get("label")
            try:
                other = _subordinate(document, href, loaded)
            except _CannotCheck as exc:
                where = _locate(document, request.get("at", ""), request.get("attribute"), None)
                yield Finding(*where, Severity.ERROR, "schematron", f"pattern {label!r} cannot check {href!r}: {exc}")
                continue
            pattern = request.getparent().get("pattern")
            if (pattern, str(other.path)) in done:
                continue
            done.add((pattern, str(other.path)))
            _, subordinate_report = self._run(executable, other, checked, int(pattern))
            yield from self._findings(subordinate_report, other)

    def _run(self, executable, document: xmlsafe.Document, checked=None, pattern: int | None = None):
        """Saxon's node for the document checked and the report of one run: over ``document``
        itself, or (given the checked document's node and a pattern's number) over ``document``
        as one of the documents that pattern names."""
        node = report = failure = None
        executable.clear_xsl_messages()
        with saxon_stderr() as stderr:
            try:
                node = _for_saxon(document)
                if pattern is not None:
                    executable.set_parameter(_clark(SUBORDINATE), node)
                    executable.set_parameter(_clark(SUBORDINATE_PATTERN), saxon().make_integer_value(pattern))
                report = executable.transform_to_string(xdm_node=node if checked is None else checked)
            except Exception as exc:  # saxonche raises its own PySaxonApiError
                failure = exc
            finally:
                if pattern is not None:
                    executable.clear_parameters()
        if failure is not None and node is None:
            raise SchemaError(f"{document.display_name}:0:0: error: [schematron] Saxon cannot read the document: "
                              f"{saxon_detail(failure, stderr[0])}")
        if failure is not None:
            fallback = f"{self.name}:0:0: error: [schematron] a rule failed while checking {document.display_name}"
            messages = list(executable.get_xsl_messages() or [])
            stopped_by = messages[-1].string_value if messages and "terminated by xsl:message" in stderr[0] else None
            raise SchemaError(_explain(stderr[0] or str(failure), self.xslt_text, self.sources, fallback, stopped_by)) from None
        return (node if checked is None else checked), etree.fromstring(report.encode("utf-8"))

    def _findings(self, report: etree._Element, document: xmlsafe.Document) -> Iterator[Finding]:
        for fired in report.iter(T + "fired"):
            check = self.checks[int(fired.get("check"))]
            file, line, column = _locate(document, fired.get("at", ""), fired.get("attribute"), fired.get("text"))
            message = " ".join("".join(fired.xpath("text()")).split())
            if check.label:
                message = f"{message} [{check.label}]"
            hint = " ".join(" ".join(d.text.split()) for d in fired.iter(T + "diagnostic") if d.text)
            yield Finding(file, line, column, check.severity, "schematron", message, hint, assertion=check.ident)


class _CannotCheck(TeiToolError):
    """A document that a pattern's ``@documents`` names cannot be read; the message says why."""


def _subordinate(document: xmlsafe.Document, href: str, loaded: dict[str, xmlsafe.Document]) -> xmlsafe.Document:
    """The document ``href`` names, relative to ``document``, read as tei-tool reads XIncluded parts:
    a local file below the folder above the document's, not hidden, parsed safely."""
    parts = urllib.parse.urlsplit(urllib.parse.urljoin(document.path.resolve().as_uri(), href))
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise _CannotCheck("only local files are read, not web addresses")
    if "\0" in urllib.parse.unquote(parts.path):
        raise _CannotCheck("it cannot be a file name (it holds a NUL character)")
    target = os.path.realpath(urllib.parse.unquote(parts.path))
    if not xmlsafe.within_reach(target, xmlsafe.reach_of(document.path)):  # the reach XInclude has
        raise _CannotCheck("tei-tool reads files only from below the folder above the document's, and no hidden ones")
    if target not in loaded:
        shown = os.path.normpath(os.path.join(os.path.dirname(document.display_name),
                                              os.path.relpath(target, document.path.resolve().parent)))
        try:
            loaded[target] = xmlsafe.load(target, display_name=shown)
        except XMLInputError as exc:
            raise _CannotCheck(f"{exc.file}:{exc.line}:{exc.column}: {exc.message}") from None
        except InputNotFound:
            raise _CannotCheck("no such file") from None
    return loaded[target]


def _for_saxon(document: xmlsafe.Document):
    """The document as a Saxon node, with its file's URI as base URI."""
    builder = saxon().new_document_builder()
    builder.set_base_uri(document.path.resolve().as_uri())
    return builder.parse_xml(xml_text=_serialise(document.tree))


def _clark(name: str) -> str:
    """``{uri}local`` for one of the generated stylesheet's own names."""
    return f"{{{REPORT_NS}}}{name.split(':', 1)[1]}"


def _serialise(tree: etree._ElementTree) -> str:
    """The document for Saxon: its nodes without the DOCTYPE (which could name a remote DTD)."""
    root = tree.getroot()
    before = list(root.itersiblings(preceding=True))[::-1]
    after = list(root.itersiblings())
    parts = [etree.tostring(n, encoding="unicode", with_tail=False) for n in (*before, root, *after)]
    return "\n".join(parts)


def _locate(document: xmlsafe.Document, at: str, attribute: str | None, text: str | None) -> tuple[str, int, int]:
    """Follow the element path ``at`` (1-based child element positions) down the lxml tree, to the
    element that fired, the owner of the attribute, or the element a text that fired is in."""
    node = document.root
    for position in at.split()[1:]:
        children = [child for child in node if isinstance(child.tag, str)]
        if not 0 < int(position) <= len(children):
            break
        node = children[int(position) - 1]
    return document.locate(node, attribute or None, text or None)


def _candidate_nodes(contexts: list[str]) -> str:
    """Which of :data:`CANDIDATE_NODES` the rule contexts can match.

    Only the steps of a pattern decide the kind of node it matches, so
    predicates are removed before looking for attribute or text tests;
    anything unclear (a variable, ``node()``) means every node.
    """
    steps = []
    for context in contexts:
        context = _STRING_LITERAL.sub("''", context)
        while _INNERMOST_PREDICATE.search(context):
            context = _INNERMOST_PREDICATE.sub("", context)
        steps.append(context)
    if any(_SELECTS_OTHER_NODES.search(step) for step in steps):
        return "all-nodes"
    if any(_SELECTS_ATTRIBUTES.search(step) for step in steps):
        return "elements-and-attributes"
    return "elements"


def _variable_references(names: Iterable[str]) -> re.Pattern:
    """``$name`` for any of ``names``, or a string literal (matched so that ``$`` inside one is skipped)."""
    alternatives = "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
    return re.compile(rf"({_STRING_LITERAL.pattern})|\$({alternatives})(?![\w.:-])")


def _renamed(expression: str, names: dict[str, str]) -> str:
    """``expression`` with each variable reference ``$old`` of ``names`` made ``$new``."""
    if not names:
        return expression
    return _variable_references(names).sub(lambda m: "$" + names[m.group(2)] if m.group(2) else m.group(0), expression)


def _uses_variables(expression: str, names: list[str]) -> bool:
    return bool(names) and any(match.group(2) for match in _variable_references(names).finditer(expression))


def _copy_keeping_namespaces(original: etree._Element, parent: etree._Element) -> etree._Element:
    """A copy of ``original`` made as the last child of ``parent``, each element of it declaring the
    namespaces in scope where it was written, for the prefixes in its expressions and types.

    A copy moved into place would not do: lxml drops a moved element's declaration of a namespace
    that is in scope there under another prefix, and a copy keeps only the namespaces its own
    names use, so ``xsd:string`` or ``my:f()`` would name an undeclared prefix (XPST0081).
    """
    twin = etree.SubElement(parent, original.tag, dict(original.attrib), nsmap=original.nsmap)
    _copy_content_keeping_namespaces(original, twin)
    return twin


def _copy_content_keeping_namespaces(original: etree._Element, twin: etree._Element) -> None:
    """The text and children of ``original`` copied into ``twin`` (see :func:`_copy_keeping_namespaces`)."""
    twin.text = original.text
    for child in original:
        if isinstance(child.tag, str):
            _copy_keeping_namespaces(child, twin)
        else:  # a comment or processing instruction
            twin.append(copy.deepcopy(child))
        twin[-1].tail = child.tail


def _namespace_problem(prefix: str, uri: str) -> str | None:
    """Why XML does not allow ``prefix`` for ``uri``, if it does not."""
    try:
        etree.QName(prefix)
    except ValueError:
        return "a prefix must be an XML name without a colon"
    if prefix == "xmlns" or uri == XMLNS_NS:
        return "xmlns and its namespace are XML's own"
    if (prefix == "xml") != (uri == XML_NS):
        return "the prefix xml and the XML namespace belong to each other only"
    if not uri:
        return "a prefix needs a namespace URI"
    return None


def _reading_function(text: str, namespaces: dict) -> str | None:
    """The first call of, or reference to, a function that reads files or the environment in
    ``text`` (as written, with ``()``), whatever prefix or ``Q{}`` names its namespace. String
    literals are looked into as well: a false alarm costs less than a missed call."""
    for match in _NAME.finditer(text):
        variable, uri, prefix, local = match.groups()
        if variable or not text[match.end():].lstrip().startswith(("(", "#")):
            continue
        namespace = uri if uri is not None else namespaces.get(prefix) if prefix else FN_NS
        if namespace == SAXON_NS or (namespace == FN_NS and local in READING_FUNCTIONS):
            return f"{match.group(0)}()"
    return None


def _expands_text(element: etree._Element) -> bool:
    """Whether text in ``element`` is a text value template (XSLT 3.0 ``expand-text``)."""
    for scope in (element, *element.iterancestors()):
        setting = scope.get("expand-text") if scope.tag.startswith(X) else scope.get(X + "expand-text")
        if setting is not None:
            return setting.strip() in ("yes", "true", "1")
    return False


def _explain(saxon_message: str, xslt_text: str, sources: list[_Source], fallback: str, stopped_by: str | None = None) -> str:
    """Saxon's first error, located at the Schematron element whose expression caused it; or, for
    an ``xsl:message terminate="yes"``, the text ``stopped_by`` of that message.

    Saxon names a line of the generated stylesheet; the nearest instruction
    at or above it carries the index of its source element.
    """
    lines = [line.strip() for line in saxon_message.strip().splitlines() if line.strip()]
    # The error's own lines follow Saxon's "Error at …" line, up to where it says where it was called.
    explained = list(itertools.takewhile(lambda line: not line.startswith(("In ", "invoked by ", "at ")), lines[1:]))
    detail = " ".join(" ".join(explained).split()) or (lines[0] if lines else "unknown error")
    if stopped_by is not None:
        detail = f"the schema's xsl:message stopped the run: {' '.join(stopped_by.split())}"
    expression = re.search(r"Error in \{(.*?)\} ", saxon_message, re.S)
    if expression:
        detail = f"{detail} (in {' '.join(expression.group(1).split())!r})"
    match = re.search(r"on line (\d+)", saxon_message)
    if match:
        line = int(match.group(1))
        generated = etree.fromstring(xslt_text.encode("utf-8"))
        marked = [e for e in generated.iter() if e.get(T + "source") and e.sourceline <= line]
        if marked:
            source = sources[int(max(marked, key=lambda e: e.sourceline).get(T + "source"))]
            return f"{source.where()}: error: [schematron] in the {source.what}: {detail}"
    return f"{fallback}: {detail}"


# ---------------------------------------------------------------------------
# Reading a schema.
# ---------------------------------------------------------------------------

def embedded_schematron(rng_path: str | Path) -> list[etree._Element]:
    """The ``sch:ns``, ``sch:pattern`` (and stray ``sch:rule``) elements of a RELAX NG schema.

    ODD-generated schemas embed their constraints this way; ``include`` and
    ``externalRef`` are followed so a modular schema yields all of them.
    """
    found: list[etree._Element] = []
    seen: set[Path] = set()
    pending = [Path(rng_path).resolve()]
    while pending:
        path = pending.pop(0)
        if path in seen:
            continue
        seen.add(path)
        root = xmlsafe.load(path, xinclude=False).root
        for element in root.iter(S + "ns", S + "pattern", S + "rule", f"{{{RNG_NS}}}include", f"{{{RNG_NS}}}externalRef"):
            if element.tag.startswith(S):
                if element.tag != S + "rule" or element.getparent().tag != S + "pattern":
                    found.append(element)
            elif element.get("href"):
                target = urllib.parse.unquote(element.get("href").split("#")[0])
                if urllib.parse.urlsplit(target).scheme not in ("", "file"):
                    raise SchemaError(f"{path}:{element.sourceline}:0: error: [schematron] refusing to read a remote schema: {target}")
                pending.append((path.parent / target).resolve())
    return found


def _with_includes(schema: etree._Element, path: Path, depth: int = 0) -> list[etree._Element]:
    """The top-level elements of a schema, each ``sch:include`` replaced by what it names.

    Included elements stay in their own files' trees, so errors in them are
    reported at their own lines. Includes below the top level are refused.
    """
    nested = [e for e in schema.iter(S + "include") if e.getparent() is not schema]
    if nested:
        raise SchemaError(f"{_where(nested[0])}: error: [schematron] sch:include is supported only as a child of sch:schema")
    items = []
    for child in schema:
        if child.tag != S + "include":
            items.append(child)
            continue
        href = urllib.parse.urlsplit(child.get("href", ""))
        local_path, fragment = urllib.parse.unquote(href.path), urllib.parse.unquote(href.fragment)
        if href.scheme not in ("", "file") or href.netloc not in ("", "localhost") or not (local_path or fragment):
            raise SchemaError(f"{_where(child)}: error: [schematron] sch:include needs a local @href, not {child.get('href', '')!r}")
        if "\0" in local_path:
            raise SchemaError(f"{_where(child)}: error: [schematron] sch:include @href {child.get('href')!r} cannot be a file name "
                              f"(it holds a NUL character)")
        target = (path.parent / local_path).resolve() if local_path else path
        if depth > 20 or not target.is_file():
            problem = "includes nest too deeply (a cycle?)" if depth > 20 else f"included file not found: {target}"
            raise SchemaError(f"{_where(child)}: error: [schematron] {problem}")
        included = xmlsafe.load(target, xinclude=False).root
        if fragment:
            included = _element_with_id(included, fragment, child)
        items.extend(_with_includes(included, target, depth + 1) if included.tag == S + "schema" else [included])
    return items


def _element_with_id(root: etree._Element, ident: str, include: etree._Element) -> etree._Element:
    """The element an include's ``#fragment`` names: the one whose ``@id`` or ``@xml:id`` it is."""
    for element in root.iter(etree.Element):
        if ident in (element.get("id"), element.get(XML_ID)):
            return element
    raise SchemaError(f"{_where(include)}: error: [schematron] no element with id {ident!r} in {_url_to_path(root.getroottree().docinfo.URL)}")


def load_schematron(source: str | Path | Iterable[etree._Element], *, phase: str | None = None) -> Schematron:
    """Compile a ``.sch`` file, the Schematron embedded in a ``.rng``, or given elements.

    ``phase`` selects a ``sch:phase`` by id, or ``#ALL`` for every pattern; without it
    (or with ``#DEFAULT``) the schema's ``defaultPhase`` runs, else every pattern. A
    phase the schema lacks raises :class:`UnknownPhase`, naming those it has. Raises
    :class:`SchemaError` naming the offending rule when an expression does not compile.
    """
    settings: dict[str, str] = {}
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise SchemaError(f"{path}:0:0: error: [schematron] Schematron schema not found")
        root = xmlsafe.load(path, xinclude=False).root
        if root.tag.startswith(f"{{{RNG_NS}}}"):
            items = embedded_schematron(path)
        elif root.tag == S + "schema":
            items, settings = _with_includes(root, path), dict(root.attrib)
        else:
            raise SchemaError(f"{path}:{root.sourceline}:1: error: [schematron] not a Schematron schema (the root is {etree.QName(root).localname})")
        name = str(path)
    else:
        items = list(source)
        name = _url_to_path(items[0].getroottree().docinfo.URL) if items else "<schematron>"
    started = time.perf_counter()
    compiler = _Compiler(items, settings, name)
    xslt_text = compiler.stylesheet(phase)
    try:
        _compile(xslt_text)
    except Exception as exc:  # saxonche raises its own PySaxonApiError
        fallback = f"{name}:0:0: error: [schematron] the schema does not compile"
        raise SchemaError(_explain(str(exc), xslt_text, compiler.sources, fallback)) from None
    return Schematron(xslt_text, compiler.checks, compiler.sources, name, time.perf_counter() - started)


# ---------------------------------------------------------------------------
# Schematron → XSLT 3.0.
# ---------------------------------------------------------------------------

class _Compiler:
    """Turns the top-level elements of a schema into the text of an XSLT 3.0 stylesheet."""

    def __init__(self, items: list[etree._Element], settings: dict[str, str], name: str):
        self.items = [item for item in items if isinstance(item.tag, str)]
        self.settings = settings
        self.name = name
        self.checks: list[Check] = []
        self.sources: list[_Source] = []
        self.instances: list[etree._Element] = []
        self.originals: dict[int, etree._Element] = {}
        binding = settings.get("queryBinding", "").lower()
        if binding not in SUPPORTED_QUERY_BINDINGS:
            raise SchemaError(f"{name}:1:1: error: [schematron] queryBinding {binding!r} is not supported (use xslt2, xslt3, xpath2 or xpath3)")
        self.abstract_patterns = {p.get("id"): p for p in self._all("pattern") if p.get("abstract") == "true"}
        self.abstract_rules = {r.get("id"): r for r in self._all("rule") if r.get("abstract") == "true"}
        self.diagnostics = {d.get("id"): d for d in self._all("diagnostic")}

    def _all(self, name: str) -> list[etree._Element]:
        """Every ``sch:name`` element at or below the top-level items."""
        return [e for item in self.items for e in item.iter(S + name)]

    # -- locations --------------------------------------------------------

    def _original(self, element: etree._Element) -> etree._Element:
        return self.originals.get(id(element), element)

    def _where(self, element: etree._Element) -> str:
        return _where(self._original(element))

    def _mark(self, generated: etree._Element, source: etree._Element, what: str) -> etree._Element:
        """Remember which Schematron element a generated instruction came from."""
        generated.set(T + "source", str(len(self.sources)))
        self.sources.append(_Source(self._original(source), what))
        return generated

    # -- the stylesheet ---------------------------------------------------

    def stylesheet(self, phase: str | None) -> str:
        nsmap = {"xsl": XSL_NS, OWN_PREFIX: REPORT_NS, "xs": XSD_NS}  # xs for the schema's convenience: it may rebind it
        for ns in self._all("ns"):
            prefix, uri = ns.get("prefix"), ns.get("uri")
            if not prefix or uri is None:
                raise SchemaError(f"{self._where(ns)}: error: [schematron] sch:ns needs @prefix and @uri")
            if prefix in ("xsl", OWN_PREFIX) and uri != nsmap[prefix]:
                raise SchemaError(f"{self._where(ns)}: error: [schematron] the prefix {prefix!r} is reserved for the generated stylesheet; choose another")
            problem = _namespace_problem(prefix, uri)
            if problem:
                raise SchemaError(f"{self._where(ns)}: error: [schematron] sch:ns cannot bind {prefix!r} to {uri!r}: {problem}")
            if prefix != "xml":  # bound already, to the only namespace it may have
                nsmap[prefix] = uri
        sheet = etree.Element(X + "stylesheet", nsmap=nsmap, version="3.0", **{"exclude-result-prefixes": "#all"})
        sheet.append(etree.Comment(" Generated by tei-tool from a Schematron schema; not to be edited. "))
        for declaration in [item for item in self.items if item.tag.startswith(X)]:
            self._xslt_declaration(declaration, sheet)
        patterns, phase_element = self._active_patterns(phase)
        for let in [item for item in self.items if item.tag == S + "let"] + self._children(phase_element, "let"):
            self._variable(let, sheet)
        checks_other_documents = any(pattern.get("documents") for pattern in patterns)
        if checks_other_documents:
            self._subordinate_declarations(sheet)
        main = etree.SubElement(sheet, X + "template", match="/")
        for name, nodes in CANDIDATE_NODES.items():
            etree.SubElement(main, X + "variable", name=f"{OWN_PREFIX}:{name}", select=nodes)
        report = etree.SubElement(main, T + "report")
        for number, pattern in enumerate(patterns):
            only_first_run = checks_other_documents and not pattern.get("documents")
            scope = etree.SubElement(report, X + "for-each", select=f".[empty(${SUBORDINATE})]" if only_first_run else ".")
            self._pattern(sheet, scope, number, pattern)
        text = etree.tostring(sheet, pretty_print=True, encoding="unicode")
        self._refuse_file_access(etree.fromstring(text))
        return text

    def _refuse_file_access(self, sheet: etree._Element) -> None:
        """Stop at the first function or instruction of :data:`READING_FUNCTIONS` or
        :data:`READING_INSTRUCTIONS` in the stylesheet as Saxon will read it: in any attribute (each
        may be an expression or hold some), or in text where ``expand-text`` makes it a template."""
        for element in sheet.iter(etree.Element):
            found = None
            if element.tag.startswith(X) and etree.QName(element).localname in READING_INSTRUCTIONS:
                found = f"xsl:{etree.QName(element).localname}"
            texts = [value for name, value in element.attrib.items() if name != T + "source"]
            texts += [child.tail for child in element if child.tail and _expands_text(element)]
            if element.text and _expands_text(element):
                texts.append(element.text)
            for text in texts:
                found = found or _reading_function(text, element.nsmap)
            if found:
                marked = next((e for e in (element, *element.iterancestors()) if e.get(T + "source")), None)
                where = self.sources[int(marked.get(T + "source"))].where() if marked is not None else f"{self.name}:1:1"
                raise SchemaError(f"{where}: error: [schematron] {found} can read files or the environment, which tei-tool "
                                  f"does not let a schema do; to check other documents, use sch:pattern/@documents")

    def _pattern(self, sheet: etree._Element, scope: etree._Element, number: int, pattern: etree._Element) -> None:
        """A pattern's mode and rule templates in ``sheet``, and in ``scope`` (the document node) its
        lets and the instruction that tries its rules on the candidate nodes."""
        mode = f"{OWN_PREFIX}:pattern{number}"
        etree.SubElement(sheet, X + "mode", name=mode, **{"on-no-match": "deep-skip", "on-multiple-match": "fail"})
        # deep-skip would go on to the document node's children, which are candidates themselves.
        etree.SubElement(sheet, X + "template", match="document-node()", mode=mode, priority="0")
        scope.append(etree.Comment(re.sub("-+", "-", f" pattern {pattern.get('id', number)} ")))  # a comment holds no --
        pattern_lets = self._children(pattern, "let")
        rules = [r for r in self._children(pattern, "rule") if r.get("abstract") != "true"]
        global_names = self._globals_for_contexts(sheet, number, pattern_lets, rules)
        for let in pattern_lets:
            if global_names:
                etree.SubElement(scope, X + "variable", name=let.get("name"), select="$" + global_names[let.get("name")])
            else:
                self._variable(let, scope)
        candidates = _candidate_nodes([rule.get("context", "") for rule in rules])
        if pattern.get("documents"):
            apply = self._subordinate_run(scope, number, pattern, candidates, mode)
        else:
            apply = etree.SubElement(scope, X + "apply-templates", select=f"${OWN_PREFIX}:{candidates}", mode=mode)
        for let in pattern_lets:
            etree.SubElement(apply, X + "with-param", name=let.get("name"), select="$" + let.get("name"), tunnel="yes")
        for position, rule in enumerate(rules):
            self._template(sheet, rule, pattern, mode, len(rules) - position, pattern_lets, global_names)

    def _globals_for_contexts(self, sheet, number: int, pattern_lets, rules) -> dict[str, str]:
        """Match patterns see global variables only. When a rule's context uses one of its pattern's
        lets, the pattern's lets become global variables too, under names of their own (another
        pattern may use the same names); the returned renaming is applied to the contexts."""
        renamed: dict[str, str] = {}
        if not any(_uses_variables(rule.get("context", ""), [let.get("name") for let in pattern_lets]) for rule in rules):
            return renamed
        for let in pattern_lets:
            variable = self._variable(let, sheet)
            renamed[let.get("name")] = f"{OWN_PREFIX}:pattern{number}-{let.get('name').replace(':', '-')}"
            variable.set("name", renamed[let.get("name")])
            if let.get("value") is not None:  # it may use the lets before it
                variable.set("select", _renamed(let.get("value"), renamed))
        return renamed

    def _subordinate_run(self, scope, number: int, pattern, candidates: str, mode: str) -> etree._Element:
        """For a pattern with ``@documents``: in the first run, report the documents its expression
        names; in the run over one of them, apply the rules to its nodes."""
        choice = etree.SubElement(scope, X + "choose")
        first_run = etree.SubElement(choice, X + "when", test=f"empty(${SUBORDINATE})")
        label = pattern.get("id", str(number)).replace("{", "{{").replace("}", "}}")  # not an attribute value template
        named = etree.SubElement(first_run, T + "documents", pattern=str(number), label=label)
        self._mark(named, pattern, f"documents of sch:pattern {pattern.get('documents')!r}")
        etree.SubElement(named, X + "apply-templates", select=pattern.get("documents"), mode=NAMED_DOCUMENT)
        its_run = etree.SubElement(choice, X + "when", test=f"${SUBORDINATE_PATTERN} = {number}")
        return etree.SubElement(its_run, X + "apply-templates", select=f"${SUBORDINATE}!{CANDIDATE_NODES[candidates]}", mode=mode)

    def _subordinate_declarations(self, sheet: etree._Element) -> None:
        """What the runs over documents that patterns' ``@documents`` name need: the parameters of the
        second run, and templates reporting each name given (and, for a node, where it is)."""
        etree.SubElement(sheet, X + "param", name=SUBORDINATE, select="()", **{"as": "document-node()?"})
        etree.SubElement(sheet, X + "param", name=SUBORDINATE_PATTERN, select="-1", **{"as": f"Q{{{XSD_NS}}}integer"})
        etree.SubElement(sheet, X + "variable", name=f"{OWN_PREFIX}:checked", select=".")
        etree.SubElement(sheet, X + "mode", name=NAMED_DOCUMENT, **{"on-no-match": "fail"})
        for match, priority in ((".[. instance of node()]", "1"), (".", "0")):  # a node naming it, or a plain string
            template = etree.SubElement(sheet, X + "template", match=match, mode=NAMED_DOCUMENT, priority=priority)
            named = etree.SubElement(template, T + "document")
            etree.SubElement(named, X + "attribute", name="href", select="string(.)")
            if priority == "1":
                self._subject_location(named, ".", f"root(.) is ${OWN_PREFIX}:checked")

    def _xslt_declaration(self, declaration: etree._Element, sheet: etree._Element) -> None:
        """A top-level ``xsl:function`` or ``xsl:key``, copied into ``sheet`` with the namespaces in scope
        where it was written, each XSLT instruction in it marked so that an error is reported at its own line."""
        kind = etree.QName(declaration).localname
        allowed = XSLT_DECLARATIONS.get(kind)
        if allowed is None:
            raise SchemaError(f"{self._where(declaration)}: error: [schematron] xsl:{kind} is not supported in a schema "
                              f"(only xsl:function and xsl:key are)")
        binding = self.settings.get("queryBinding", "").lower()
        if binding not in allowed:
            needed = " or ".join(f'"{b}"' for b in sorted(allowed) if b)
            raise SchemaError(f"{self._where(declaration)}: error: [schematron] xsl:{kind} needs queryBinding={needed} "
                              f"(this schema's is {binding or 'xslt, the default'!r})")
        twin = _copy_keeping_namespaces(declaration, sheet)
        described = f"xsl:{kind} {declaration.get('name', '')!r}"
        for original, duplicate in zip(declaration.iter(), twin.iter()):
            if isinstance(duplicate.tag, str) and duplicate.tag.startswith(X):
                what = described if duplicate is twin else f"xsl:{etree.QName(duplicate).localname} in {described}"
                self._mark(duplicate, original, what)
        return twin

    def _children(self, parent: etree._Element | None, name: str) -> list[etree._Element]:
        if parent is None:
            return []
        return [child for child in parent if child.tag == S + name]

    def _active_patterns(self, phase: str | None) -> tuple[list[etree._Element], etree._Element | None]:
        """The concrete patterns of the selected phase, abstract patterns instantiated."""
        patterns = [self._pattern_of_loose_rule(item) for item in self.items if item.tag == S + "rule"]
        for pattern in self._all("pattern"):
            if pattern.get("abstract") == "true":
                continue
            patterns.append(self._instantiate(pattern) if pattern.get("is-a") else pattern)
        phases = {p.get("id"): p for p in self._all("phase")}
        if phase not in (None, DEFAULT_PHASE, ALL_PATTERNS) and phase not in phases:
            raise UnknownPhase(f"{self.name}: error: [schematron] no phase {phase!r} in this schema "
                               f"(phases: {', '.join([*sorted(phases), ALL_PATTERNS])})")
        if phase in (None, DEFAULT_PHASE):
            phase = self.settings.get("defaultPhase") or ALL_PATTERNS
        if phase == ALL_PATTERNS:
            return patterns, None
        if phase not in phases:
            raise SchemaError(f"{self.name}:1:1: error: [schematron] the defaultPhase {phase!r} is no phase of the schema "
                              f"(phases: {', '.join(sorted(phases)) or 'none'})")
        active = {a.get("pattern") for a in phases[phase].iter(S + "active")}
        return [p for p in patterns if p.get("id") in active], phases[phase]

    def _pattern_of_loose_rule(self, rule: etree._Element) -> etree._Element:
        """TEI's constraintSpec may hold a bare ``sch:rule``: it is a pattern of its own."""
        pattern = etree.Element(S + "pattern")
        pattern.append(self._copy(rule))
        self.instances.append(pattern)
        return pattern

    def _copy(self, element: etree._Element) -> etree._Element:
        """A copy to rewrite, whose parts still point at the original for error messages."""
        twin = copy.deepcopy(element)
        for original, duplicate in zip(element.iter(), twin.iter()):
            self.originals[id(duplicate)] = self._original(original)
        return twin

    def _instantiate(self, pattern: etree._Element) -> etree._Element:
        """An ``is-a`` pattern: the abstract pattern with ``$param`` replaced by its value."""
        abstract = self.abstract_patterns.get(pattern.get("is-a"))
        if abstract is None:
            raise SchemaError(f"{self._where(pattern)}: error: [schematron] pattern is-a {pattern.get('is-a')!r}, which is no abstract pattern")
        values = {p.get("name"): p.get("value", "") for p in pattern.iter(S + "param")}
        names = sorted(values, key=len, reverse=True)
        substitute = re.compile(r"\$(" + "|".join(map(re.escape, names)) + r")(?![\w.-])") if names else None
        instance = self._copy(abstract)
        self.instances.append(instance)
        instance.attrib.pop("abstract")
        instance.set("id", pattern.get("id", abstract.get("id")))
        if pattern.get("documents"):
            instance.set("documents", pattern.get("documents"))
        if substitute:
            for element in instance.iter():
                for attribute in ("context", "test", "select", "value", "path", "subject", "documents"):
                    if element.get(attribute):
                        element.set(attribute, substitute.sub(lambda m: values[m.group(1)], element.get(attribute)))
        return instance

    def _variable(self, let: etree._Element, parent: etree._Element) -> etree._Element:
        """The ``xsl:variable`` for a let, made as the last child of ``parent`` (where its content keeps
        its namespaces: see :func:`_copy_keeping_namespaces`)."""
        if not let.get("name"):
            raise SchemaError(f"{self._where(let)}: error: [schematron] sch:let needs @name")
        variable = etree.SubElement(parent, X + "variable", name=let.get("name"))
        if let.get("value") is not None:
            variable.set("select", let.get("value"))
        else:  # its content is its value: text, elements or both
            _copy_content_keeping_namespaces(let, variable)
        return self._mark(variable, let, f"sch:let {let.get('name')!r}")

    def _rule_body(self, rule: etree._Element, extended: tuple[str, ...] = ()) -> list[etree._Element]:
        """The rule's lets, asserts and reports, with ``sch:extends`` expanded (``extended``: the
        abstract rules being expanded around this one, which it may not extend again)."""
        body = []
        for child in rule:
            if child.tag == S + "extends":
                name = child.get("rule")
                base = self.abstract_rules.get(name)
                if base is None:
                    raise SchemaError(f"{self._where(child)}: error: [schematron] no abstract rule {name!r}")
                if name in extended:
                    cycle = " -> ".join(map(repr, (*extended[extended.index(name):], name)))
                    raise SchemaError(f"{self._where(child)}: error: [schematron] abstract rules extend each other in a cycle: {cycle}")
                body.extend(self._rule_body(base, (*extended, name)))
            elif child.tag in (S + "let", S + "assert", S + "report"):
                body.append(child)
        return body

    def _template(self, sheet, rule, pattern, mode: str, priority: int, pattern_lets, global_names: dict[str, str]) -> None:
        """A rule's template, made as the last child of ``sheet`` (see :meth:`_variable`)."""
        if not rule.get("context"):
            raise SchemaError(f"{self._where(rule)}: error: [schematron] sch:rule needs @context")
        template = etree.SubElement(sheet, X + "template", match=_renamed(rule.get("context"), global_names), mode=mode, priority=str(priority))
        self._mark(template, rule, f"context of sch:rule {rule.get('context')!r}")
        for let in pattern_lets:
            etree.SubElement(template, X + "param", name=let.get("name"), tunnel="yes")
        for item in self._rule_body(rule):
            if item.tag == S + "let":
                self._variable(item, template)
            else:
                template.append(self._check(item, rule, pattern))

    def _check(self, test: etree._Element, rule: etree._Element, pattern: etree._Element) -> etree._Element:
        kind = etree.QName(test).localname
        if not test.get("test"):
            raise SchemaError(f"{self._where(test)}: error: [schematron] sch:{kind} needs @test")
        condition = test.get("test") if kind == "report" else f"not({test.get('test')})"
        branch = self._mark(etree.Element(X + "if", test=condition), test, f"test of sch:{kind} {test.get('test')!r}")
        fired = etree.SubElement(branch, T + "fired", check=str(len(self.checks)))
        subject = test.get("subject") or rule.get("subject") or "."
        self._subject_location(fired, f"({subject})[1]", f"root(${OWN_PREFIX}:subject) is root(current())")
        self._message(test, fired)
        for reference in test.get("diagnostics", "").split():
            diagnostic = self.diagnostics.get(reference)
            if diagnostic is None:
                raise SchemaError(f"{self._where(test)}: error: [schematron] no sch:diagnostic with id {reference!r}")
            self._message(diagnostic, etree.SubElement(fired, T + "diagnostic"))
        role = (test.get("role") or rule.get("role") or "").lower()
        severity = Severity.INFO if role in INFO_ROLES else Severity.WARNING if role in WARNING_ROLES else Severity.ERROR
        label = "/".join(filter(None, (pattern.get("id"), test.get("id"))))
        if test.get("flag"):
            label = f"{label}, flag {test.get('flag')}" if label else f"flag {test.get('flag')}"
        self.checks.append(Check(severity, label, test.get("id", "")))
        return branch

    def _subject_location(self, target: etree._Element, select: str, in_this_document: str) -> None:
        """Attributes of ``target`` that say where the node ``select`` picks is: the path of child
        positions down to it, its attribute name, the start of its text. A node that the test
        ``in_this_document`` places elsewhere (``doc(...)``) gets no path: it is reported at the root."""
        subject = f"${OWN_PREFIX}:subject"
        etree.SubElement(target, X + "variable", name=f"{OWN_PREFIX}:subject", select=select)
        here = etree.SubElement(target, X + "if", test=in_this_document)
        etree.SubElement(here, X + "attribute", name="at", select=f"{subject}/ancestor-or-self::*!(count(preceding-sibling::*) + 1)")
        attribute = etree.SubElement(target, X + "if", test=f"{subject} instance of attribute()")
        etree.SubElement(attribute, X + "attribute", name="attribute",
                         select=f"{subject}!(if (namespace-uri()) then '{{' || namespace-uri() || '}}' || local-name() else local-name())")
        text = etree.SubElement(here, X + "if", test=f"{subject} instance of text()")
        etree.SubElement(text, X + "attribute", name="text", select=f"substring(normalize-space({subject}), 1, 200)")

    def _message(self, source: etree._Element, target: etree._Element) -> None:
        """Copy mixed message content, turning ``sch:value-of`` and ``sch:name`` into XSLT."""
        if source.text:
            etree.SubElement(target, X + "text").text = source.text
        for child in source:
            if child.tag == S + "value-of":
                value = etree.SubElement(target, X + "value-of", select=child.get("select", "."))
                self._mark(value, child, f"select of sch:value-of {child.get('select')!r}")
            elif child.tag == S + "name":
                name = etree.SubElement(target, X + "value-of", select=f"name({child.get('path', '.')})")
                self._mark(name, child, "path of sch:name")
            elif isinstance(child.tag, str):
                self._message(child, target)
            if child.tail:
                etree.SubElement(target, X + "text").text = child.tail
