"""The one place that parses XML, with settings that are safe for untrusted files.

No external entity is resolved, no DTD or network resource is fetched, and
libxml2's entity-amplification limits stay on (``huge_tree=False``), so an
entity-expansion bomb is refused at once. XInclude is applied only for local
files. Everything else in tei-tool receives a parsed :class:`Document`.
"""

from __future__ import annotations

import codecs
import functools
import os
import re
import stat
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from lxml import etree

from .errors import InputNotFound, UnreadableInput, XMLInputError
from .findings import Finding, Severity
from .namespaces import TEI_NS, XI_NS, XML_NS  # noqa: F401 (TEI_NS and XML_NS for the modules that take them from here)
from .sourcemap import SourceMap

XI_INCLUDE = f"{{{XI_NS}}}include"
_MAX_XINCLUDE_DEPTH = 20  # parts including parts: deeper than any edition nests them

_ENTITY_DECLARATION = re.compile(rb"<!ENTITY\s", re.IGNORECASE)
_EXTERNAL_ENTITY = re.compile(rb"<!ENTITY\s+%?\s*[^\s>]+\s+(SYSTEM|PUBLIC)\b", re.IGNORECASE)
_MAX_INTERNAL_ENTITIES = 64
_ELEMENT_START = re.compile(rb"<[^!?]")


def safe_parser(**overrides) -> etree.XMLParser:
    """A parser that never reaches outside the file it reads (``overrides`` adjust the rest)."""
    settings = dict(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
        collect_ids=False,
    )
    return etree.XMLParser(**{**settings, **overrides})


def _refuse_dangerous_dtd(data: bytes, file: str) -> None:
    """Refuse external entities and suspiciously many entity declarations.

    libxml2 would leave them unexpanded with our parser settings, but a
    document that declares them is either an attack or depends on content we
    will never load; either way the user deserves an explicit message.
    """
    start = data.find(b"<!DOCTYPE")
    if start < 0 or _ELEMENT_START.search(data, 0, start):  # none, or not in the prolog (text in a CDATA section, say)
        return
    head = data[: data.find(b"]>", start) + 2]
    if match := _EXTERNAL_ENTITY.search(head):
        line = head.count(b"\n", 0, match.start()) + 1
        raise XMLInputError(file, line, 1, "external entity declarations are refused (they could read local files or the network)")
    if len(_ENTITY_DECLARATION.findall(head)) > _MAX_INTERNAL_ENTITIES:
        raise XMLInputError(file, 1, 1, "too many entity declarations: refused as a possible entity-expansion attack")


_HUGE_HINT = re.compile(r",? *(use|try) XML_PARSE_HUGE( option)?")  # libxml2's hint names a switch users do not have
SAFETY_LIMITS = ("files are read with libxml2's safety limits: at most 256 levels of nesting "
                 "and 10 MB in one text or attribute value")


def _syntax_error(exc: etree.XMLSyntaxError, file: str) -> XMLInputError:
    line, column = exc.position if exc.position else (exc.lineno or 0, 0)
    message = (exc.msg or str(exc)).strip()
    message = re.sub(r",? line \d+, column \d+$", "", message).strip()
    message, limited = _HUGE_HINT.subn("", message)
    if limited:
        message += f" ({SAFETY_LIMITS})"
    return XMLInputError(file, line or 1, column or 1, message)


def parse_bytes(data: bytes, file: str, base_url: str | None = None) -> etree._ElementTree:
    """Parse ``data`` safely; ``file`` is used only in messages."""
    if not data.strip():
        raise XMLInputError(file, 1, 1, "the file is empty")
    if b"\x00" in data[:1024] and not data.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00?\x00", b"\x00<\x00?")):
        raise XMLInputError(file, 1, 1, "the file is binary, not XML")
    _refuse_dangerous_dtd(data, file)
    try:
        root = etree.fromstring(data, safe_parser(), base_url=base_url)
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, file) from None
    tree = root.getroottree()
    if tree.docinfo.doctype:
        _refuse_entity_references(tree, file)
    return tree


def _refuse_entity_references(tree: etree._ElementTree, file: str) -> None:
    """Unexpanded entity references would silently drop text: say so instead."""
    for ref in tree.iter(etree.Entity):
        raise XMLInputError(file, ref.sourceline or 1, 1, f"entity reference {ref.text} is not expanded (entities declared in a DTD are not supported)")


def _drop_unsafe_xincludes(tree: etree._ElementTree, file: str, source: Path, text: str) -> list[Finding]:
    """XInclude may only pull in local files that exist, within reach (see :func:`reach_of`).

    A refused or missing target (without an ``xi:fallback``) is reported and
    its ``xi:include`` removed, so the rest of the document is still checked
    (jing does the same). The parts a part includes are held to the same rules.
    """
    findings = []
    roots = reach_of(source)
    source_map = None
    for inc in list(tree.iter(XI_INCLUDE)):
        problem, fallback_allowed = _xinclude_problem(inc, source.resolve().as_uri(), roots, ())
        if problem is None or (fallback_allowed and inc.find(f"{{{XI_NS}}}fallback") is not None):
            continue
        if source_map is None:
            source_map = SourceMap(text, lambda: tree.iter(etree.Element))
        line, column = source_map.locate(inc) or (inc.sourceline or 1, 1)
        findings.append(Finding(file, line, column, Severity.ERROR, "xinclude", problem))
        _remove_keeping_tail(inc)
    return findings


def reach_of(source: Path) -> tuple[str, ...]:
    """The folder XInclude may read from, with its subfolders: the document's folder's parent, as
    editions keep shared parts in sibling folders such as ``../registers/``. Not the current folder,
    which may be any (a run from ``/`` would open the whole file system)."""
    return (os.path.realpath(source.resolve().parent.parent),)


def within_reach(target: str, roots: tuple[str, ...]) -> bool:
    """Below one of ``roots``, and not a hidden file or inside a hidden folder there (``.ssh``, ``.env``, …)."""
    for root in roots:
        below = os.path.relpath(target, root)
        if below != os.pardir and not below.startswith(os.pardir + os.sep):
            return not any(part.startswith(".") for part in Path(below).parts)
    return False


def _xinclude_problem(inc: etree._Element, base: str, roots: tuple[str, ...], chain: tuple[str, ...]) -> tuple[str | None, bool]:
    """Why ``inc`` (or an include in the part it names, and so on) may not be followed, if it may not;
    and whether an ``xi:fallback`` may stand in instead (only when the target is merely absent)."""
    href = inc.get("href", "")
    if not href:  # a part of this same document
        return None, True
    url = urllib.parse.urljoin(inc.base or base, href.split("#")[0])
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("", "file") and len(parts.scheme) > 1:
        return f"XInclude of a remote resource is refused: {href}", True
    shown = href if not chain else f"{href} (included by {chain[-1]})"
    if "\0" in urllib.parse.unquote(parts.path):
        return f"XInclude target {shown} cannot be a file name (it holds a NUL character)", True
    target = os.path.realpath(urllib.parse.unquote(parts.path))
    if not within_reach(target, roots):
        return (f"XInclude of {shown} is refused: tei-tool includes files only from below the folder "
                f"above the document's, and no hidden ones"), False
    if not os.path.isfile(target):
        return f"XInclude target not found: {shown}", True
    if inc.get("parse", "xml") == "text" or target in chain or len(chain) >= _MAX_XINCLUDE_DEPTH:
        return None, True  # libxml2 reports include loops itself
    try:
        data = Path(target).read_bytes()
        if XI_NS.encode() not in data:  # no includes of its own (the common case): no need to parse it here
            return None, True
        part = parse_bytes(data, target, base_url=Path(target).as_uri())
    except (XMLInputError, OSError):
        return None, True  # XInclude reports the broken part
    for inner in part.iter(XI_INCLUDE):
        problem, fallback_allowed = _xinclude_problem(inner, Path(target).as_uri(), roots, (*chain, target))
        if problem is not None and not (fallback_allowed and inner.find(f"{{{XI_NS}}}fallback") is not None):
            return problem, False
    return None, True


def _remove_keeping_tail(node: etree._Element) -> None:
    parent, tail = node.getparent(), node.tail or ""
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(node)


_BYTE_ORDER_MARKS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
                     (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
                     (b"<\x00?\x00", "utf-16-le"), (b"\x00<\x00?", "utf-16-be"))  # UTF-16 without a mark
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z][\w.:-]*)["']""")


def decode_source(data: bytes) -> str:
    """A file's text as the XML parser read it (byte order mark, else declared encoding, else UTF-8),
    for showing source lines and finding columns."""
    encoding = next((name for mark, name in _BYTE_ORDER_MARKS if data.startswith(mark)), None)
    if encoding is None:
        declared = _DECLARED_ENCODING.match(data)
        encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        return data.decode(encoding, "replace")
    except LookupError:  # an encoding Python does not know: libxml2 refused the file already
        return data.decode("utf-8", "replace")


@dataclass
class Document:
    """A parsed TEI file, with what is needed to point users at lines and columns."""

    path: Path
    tree: etree._ElementTree
    display_name: str = ""
    load_findings: list[Finding] = field(default_factory=list)
    included_from: dict[etree._Element, str] = field(default_factory=dict, repr=False)
    _texts: dict[str, str] = field(default_factory=dict, repr=False)
    _lines_by_file: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _maps: dict[str, SourceMap] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.display_name = self.display_name or str(self.path)

    @property
    def root(self) -> etree._Element:
        return self.tree.getroot()

    def file_of(self, node: etree._Element) -> str:
        """The file a node came from (differs from the document after XInclude)."""
        for candidate in (node, *node.iterancestors()):
            if candidate in self.included_from:
                return self.included_from[candidate]
        return self.display_name

    def _source_text(self, file: str) -> str:
        if file not in self._texts:
            try:
                self._texts[file] = decode_source(Path(file).read_bytes())
            except OSError:
                self._texts[file] = ""
        return self._texts[file]

    def source_line(self, file: str, line: int) -> str:
        if file not in self._lines_by_file:
            self._lines_by_file[file] = _parser_lines(self._source_text(file))
        return _nth_line(self._lines_by_file[file], line)

    def locate(self, node: etree._Element, attribute: str | None = None, text: str | None = None) -> tuple[str, int, int]:
        """``(file, line, column)`` of an element's start tag (its ``<``), of one of its attributes,
        or of a text in or after it."""
        file = self.file_of(node)
        if not isinstance(node.tag, str):
            return file, node.sourceline or 0, 0
        if file not in self._maps:
            self._maps[file] = SourceMap(self._source_text(file), lambda: self._elements_from(file))
        line, column = self._maps[file].locate(node, attribute, text) or (node.sourceline or 0, 0)
        return file, line, column

    def _elements_from(self, file: str) -> Iterator[etree._Element]:
        """The elements that came from ``file`` (this document, or a part it XIncludes), in document order."""
        if not self.included_from:
            yield from self.root.iter(etree.Element)
            return
        pending = [(self.root, self.display_name)]
        while pending:
            element, origin = pending.pop()
            origin = self.included_from.get(element, origin)
            if origin == file:
                yield element
            pending.extend((child, origin) for child in reversed(element) if isinstance(child.tag, str))


def source_line(file: str, line: int) -> str:
    """Line ``line`` of ``file`` as it is on disk, to show under a finding; "" where there is none."""
    return _nth_line(_lines_on_disk(file), line)


@functools.lru_cache(maxsize=8)
def _lines_on_disk(file: str) -> list[str]:
    if not os.path.isfile(file):  # a pipe would block
        return []
    try:
        return _parser_lines(decode_source(Path(file).read_bytes()))
    except OSError:
        return []


def _parser_lines(text: str) -> list[str]:
    """The lines as the parser counts them: a line ends at LF only."""
    return text.split("\n")


def _nth_line(lines: list[str], line: int) -> str:
    """A 1-based line without the CR that ends it in a CRLF file."""
    return lines[line - 1].rstrip("\r") if 0 < line <= len(lines) else ""


def load(path: str | Path, *, xinclude: bool = True, display_name: str | None = None) -> Document:
    """Read and parse a file safely, applying local XIncludes.

    Raises :class:`XMLInputError` (``file:line:col: message``) for anything
    that is not well-formed, safe XML; XInclude problems that leave the rest
    checkable are kept as ``Document.load_findings``.
    """
    path = Path(path)
    name = display_name or str(path)
    data = read_regular_file(path, name)
    tree = parse_bytes(data, name, base_url=path.resolve().as_uri())
    load_findings: list[Finding] = []
    included_from: dict[etree._Element, str] = {}
    if xinclude and any(True for _ in tree.iter(XI_INCLUDE)):
        load_findings = _drop_unsafe_xincludes(tree, name, path, decode_source(data))
        included_from = _apply_xinclude(tree, name, path)
    return Document(path=path, tree=tree, display_name=name, load_findings=load_findings, included_from=included_from)


_MARK = "tei-tool-xinclude"


def read_regular_file(path: Path, name: str) -> bytes:
    """The bytes of ``path``; a directory, pipe or device is refused before it is opened (a pipe would block)."""
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise UnreadableInput(name, 0, 0, "is a directory, not a file")
        if not stat.S_ISREG(mode):
            raise UnreadableInput(name, 0, 0, "is not a regular file (a pipe or device), so it is not read")
        return path.read_bytes()
    except FileNotFoundError:
        raise InputNotFound.missing(name) from None
    except OSError as exc:
        raise UnreadableInput(name, 0, 0, f"cannot read: {exc.strerror or exc}") from None


def _display_path(path: Path) -> str:
    """A path as users typed it: relative to the working directory when below it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _apply_xinclude(tree: etree._ElementTree, file: str, source: Path) -> dict[etree._Element, str]:
    """Run XInclude and remember which file each included element came from.

    libxml2 records the origin (``xml:base``) only when the included file is
    in another directory, so each ``xi:include`` is bracketed by marker
    processing instructions first and the included elements are collected
    between them afterwards.
    """
    for inc in tree.iter(XI_INCLUDE):
        target = (source.parent / urllib.parse.unquote(inc.get("href", "").split("#")[0])).resolve()
        start = etree.ProcessingInstruction(_MARK, _display_path(target) if inc.get("href") else file)
        start.tail = inc.tail
        inc.tail = None
        inc.addprevious(start)
        inc.addnext(etree.ProcessingInstruction(_MARK))
    try:
        tree.xinclude()
    except etree.XIncludeError as exc:
        line = exc.error_log.last_error.line if exc.error_log else 1
        raise XMLInputError(file, line or 1, 1, f"XInclude failed: {exc}") from None
    origins: dict[etree._Element, str] = {}
    for start in [pi for pi in tree.iter(etree.ProcessingInstruction) if pi.target == _MARK and pi.text]:
        node = start.getnext()
        while node is not None and not (isinstance(node, etree._ProcessingInstruction) and node.target == _MARK):
            if isinstance(node.tag, str):
                origins[node] = start.text
            node = node.getnext()
        if node is not None:
            _remove_keeping_tail(node)
        _remove_keeping_tail(start)
    return origins


def xml_model_instructions(source: Path | etree._ElementTree) -> tuple[dict[str, str], ...]:
    """The pseudo-attributes of each ``<?xml-model?>`` before the root element.

    Give the parsed tree when there is one: reading a path parses the file.
    """
    tree = source if isinstance(source, etree._ElementTree) else etree.parse(str(source), safe_parser())
    found = []
    node = tree.getroot().getprevious()
    while node is not None:
        if isinstance(node, etree._ProcessingInstruction) and node.target == "xml-model":
            found.append(dict(re.findall(r'(\w+)\s*=\s*["\']([^"\']*)["\']', node.text or "")))
        node = node.getprevious()
    return tuple(reversed(found))
