"""Finding the schemas a TEI file should be checked against, and compiling them.

The RELAX NG schema comes from ``--schema``, else from the file's
``<?xml-model?>`` (local files only; a remote href is never fetched, but a
well-known one can be mapped to a local copy), else from our own
``schemas/tei-edition.rng``. Compiled schemas are kept per process, so a
corpus pays for compilation once.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Protocol

from lxml import etree

from . import resources, xmlsafe
from .errors import SchemaError
from .findings import Finding, Severity
from .namespaces import RNG_NS, SCH_NS

SCH_NAMESPACES = {SCH_NS, "http://www.ascc.net/xml/schematron"}
GUIDELINES = "https://tei-c.org/release/doc/tei-p5-doc/en/html/ref-{}.html"


def default_schema() -> Path:
    return resources.schemas_dir() / "tei-edition.rng"


def default_schematron() -> Path:
    return resources.schemas_dir() / "tei-edition.sch"


@dataclass
class SchemaChoice:
    """The schemas picked for one file, and why (warnings explain fallbacks)."""

    relaxng: Path | None
    schematron: list[Path] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class SchemaSettings:
    """What the user told us about schemas.

    ``mapping`` maps remote schema URLs (or their final path segment, such as
    ``tei_all.rng``) to local files.
    """

    schema: Path | None = None
    schematron: tuple[Path, ...] = ()
    mapping: tuple[tuple[str, Path], ...] = ()

    def local_copy(self, href: str) -> Path | None:
        name = _file_name(href)
        for pattern, local in self.mapping:
            if href == pattern or name == pattern:
                return local
        return None


def _file_name(href: str) -> str:
    return urllib.parse.unquote(urllib.parse.urlsplit(href).path).rstrip("/").rsplit("/", 1)[-1]


def _is_remote(href: str) -> bool:
    scheme = urllib.parse.urlsplit(href).scheme
    return len(scheme) > 1 and scheme != "file"


def _local_path(href: str, document: Path) -> Path:
    parsed = urllib.parse.urlsplit(href)
    if parsed.scheme == "file":
        return Path(urllib.parse.unquote(parsed.path))
    return (document.parent / urllib.parse.unquote(parsed.path)).resolve()


def choose(document: Path, settings: SchemaSettings, tree: etree._ElementTree | None = None) -> SchemaChoice:
    """Pick the RELAX NG schema and Schematron files for ``document`` (parsed as ``tree``, if given)."""
    choice = SchemaChoice(relaxng=settings.schema, schematron=list(settings.schematron))
    declared: list[dict[str, str]] = []
    if settings.schema is None or not settings.schematron:
        try:
            declared = list(xmlsafe.xml_model_instructions(tree if tree is not None else document.resolve()))
        except (etree.XMLSyntaxError, OSError):
            declared = []
    rng_models = [m for m in declared if m.get("schematypens") == RNG_NS or m.get("href", "").endswith((".rng", ".rnc"))]
    sch_models = [m for m in declared if m.get("schematypens") in SCH_NAMESPACES and m.get("href", "").endswith(".sch")]
    if choice.relaxng is None:
        missing = []
        for model in rng_models:
            found, why = _resolve_model(model["href"], document, settings)
            if found:
                choice.relaxng = found
                break
            missing.append(f"declared schema {model['href']} {why}")
        if choice.relaxng is None:
            choice.relaxng = default_schema()
            if missing:
                choice.warnings.append(Finding(
                    str(document), 1, 1, Severity.WARNING, "schema",
                    f"{missing[0]}; checked against tei-tool's {choice.relaxng.name} instead "
                    "(give a local copy with --schema FILE or --map-schema URL=FILE)",
                ))
    if not settings.schematron:
        for model in sch_models:
            found, why = _resolve_model(model["href"], document, settings)
            if found:
                choice.schematron.append(found)
            elif _file_name(model["href"]) == default_schematron().name:  # ours, declared where the copy is not
                choice.schematron.append(default_schematron())
                choice.warnings.append(Finding(
                    str(document), 1, 1, Severity.WARNING, "schematron",
                    f"declared Schematron {model['href']} {why}; checked with tei-tool's {default_schematron().name} instead",
                ))
            else:
                choice.warnings.append(Finding(
                    str(document), 1, 1, Severity.WARNING, "schematron",
                    f"declared Schematron {model['href']} {why}; its rules are not checked "
                    "(give a local copy with --schematron FILE or --map-schema URL=FILE)",
                ))
        # Our rules go with our schema, whether it was chosen or fallen back on.
        if not sch_models and choice.relaxng is not None and choice.relaxng.resolve() == default_schema().resolve():
            choice.schematron.append(default_schematron())
    return choice


def _resolve_model(href: str, document: Path, settings: SchemaSettings) -> tuple[Path | None, str]:
    """The local file an xml-model points to, or None and why not (said after the href)."""
    mapped = settings.local_copy(href)
    if mapped is not None:
        return mapped, ""
    if _is_remote(href):
        return None, "is not available locally (remote schemas are never fetched)"
    if "\0" in urllib.parse.unquote(href):
        return None, "cannot be a file name (it holds a NUL character)"
    local = _local_path(href, document)
    if local.is_file():
        return local, ""
    return None, f"was not found at {local}"


class CompiledSchema(Protocol):
    """What a RELAX NG engine hands back: something that checks documents."""

    def validate(self, document: xmlsafe.Document) -> Iterator[Finding]: ...


def read_schema(path: Path) -> etree._ElementTree:
    """Parse a ``.rng`` (or convert a ``.rnc``) safely, with a located error on failure."""
    if not path.is_file():
        raise SchemaError(f"{path}: schema not found")
    if path.suffix == ".rnc":
        return _convert_compact(path)
    try:
        return xmlsafe.load(path, xinclude=False).tree
    except xmlsafe.XMLInputError as exc:
        raise SchemaError(f"{exc.file}:{exc.line}:{exc.column}: {exc.message}") from None


def _convert_compact(path: Path) -> etree._ElementTree:
    try:
        import rnc2rng
    except ImportError:  # pragma: no cover - rnc2rng is a declared dependency
        raise SchemaError(f"{path}: compact-syntax schemas need the rnc2rng package") from None
    try:
        text = rnc2rng.dumps(rnc2rng.load(str(path)))
    except Exception as exc:  # rnc2rng's own errors, rply's, or a bare failure at the end of the input
        where, reason = _compact_syntax_error(path, exc)
        raise SchemaError(f"{where}: cannot read the compact-syntax schema: {reason}") from None
    return xmlsafe.parse_bytes(text.encode("utf-8"), str(path), base_url=path.resolve().as_uri())


def _compact_syntax_error(path: Path, exc: Exception) -> tuple[str, str]:
    """``file:line:col`` and what is wrong, for rnc2rng's failures, which each locate it their own way."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if hasattr(exc, "location") and hasattr(exc, "token"):  # rnc2rng's ParseError, 0-based
        _, line, column = exc.location
        return f"{path}:{line + 1}:{column + 1}", f"syntax error at {exc.token.value!r}"
    if hasattr(exc, "getsourcepos"):  # rply's LexingError: where no token can start
        index = exc.getsourcepos().idx
        line = text.count("\n", 0, index) + 1
        column = index - text.rfind("\n", 0, index)
        return f"{path}:{line}:{column}", f"unexpected character {text[index:index + 1]!r}"
    if isinstance(exc, AttributeError):  # rnc2rng's parser fails so when the input ends mid-pattern
        lines = text.splitlines() or [""]
        return f"{path}:{len(lines)}:{len(lines[-1]) + 1}", "the schema ends before its last pattern does (an unclosed brace, bracket or parenthesis?)"
    return str(path), str(exc)


# Schemas smaller than this compile in milliseconds as they are (ELTeC's take
# 3-7 ms); larger ones (tei_all: seconds) are simplified and pruned per document.
PRUNE_ABOVE_BYTES = 256 * 1024


@functools.lru_cache(maxsize=32)
def _total_size(path: Path) -> int:
    return sum(f.stat().st_size for f in _schema_files(path))


class Libxml2Schema:
    """RELAX NG validation by libxml2 (through lxml).

    A ``.rng`` schema is simplified once and then pruned per document to the
    element names that occur in it: compiling tei_all as shipped takes
    seconds, a pruned simplified form milliseconds, with the same verdicts.
    Pruned forms are cached on disk by the set of names, so checking the
    same file again (on every save) skips the simplified grammar entirely.
    """

    def __init__(self, path: Path):
        self.path = path
        self._simplified_tree: etree._ElementTree | None = None
        self._whole: etree.RelaxNG | None = None

    @property
    def _simplified(self) -> etree._ElementTree:
        if self._simplified_tree is None:
            from .relaxng import load_simplified

            self._simplified_tree = load_simplified(self.path)
        return self._simplified_tree

    def _pruned(self, elements: set[tuple[str, str]]) -> etree._ElementTree:
        from .relaxng.cache import cached
        from .relaxng.simplify import prune

        names = "\n".join(sorted(f"{ns} {local}" for ns, local in elements))
        kind = f"pruned-{hashlib.sha256(names.encode()).hexdigest()[:32]}.rng"
        return cached(self.path, kind, lambda: (etree.tostring(prune(self._simplified, elements)), _schema_files(self.path)),
                      lambda data: etree.ElementTree(etree.fromstring(data, etree.XMLParser(huge_tree=True))))

    def _compiled_for(self, tree: etree._ElementTree) -> tuple[etree.RelaxNG, bool]:
        """The compiled schema for this document, and whether any root element remains possible."""
        if self.path.suffix != ".rng" or _total_size(self.path) < PRUNE_ABOVE_BYTES:
            if self._whole is None:
                self._whole = _compile(read_schema(self.path), self.path)
            return self._whole, True
        tags = {element.tag for element in tree.iter(etree.Element)}
        pruned = self._pruned({(etree.QName(tag).namespace or "", etree.QName(tag).localname) for tag in tags})
        start = pruned.getroot().find(f"{{{RNG_NS}}}start")
        root_possible = start is None or start[0].tag != f"{{{RNG_NS}}}notAllowed"
        return _compile(pruned, self.path), root_possible

    def _unexpected_root(self, document: xmlsafe.Document) -> Finding:
        grammar = self._simplified.getroot()
        defines = {d.get("name"): d for d in grammar.iterchildren(f"{{{RNG_NS}}}define")}
        allowed = [
            defines[ref.get("name")][0][0].text.strip()
            for ref in grammar.find(f"{{{RNG_NS}}}start").iter(f"{{{RNG_NS}}}ref")
            if defines[ref.get("name")][0][0].tag == f"{{{RNG_NS}}}name"
        ]
        file, line, column = document.locate(document.root)
        expected = ", ".join(f"`{name}`" for name in allowed) or "nothing"
        root = etree.QName(document.root).localname
        return Finding(file, line, column, Severity.ERROR, "schema", f"element `{root}` not allowed as the root element; expected {expected}")

    def validate(self, document: xmlsafe.Document) -> Iterator[Finding]:
        schema, root_possible = self._compiled_for(document.tree)
        if not root_possible:
            # libxml2 accepts anything when pruning leaves no possible root.
            yield self._unexpected_root(document)
            return
        if schema.validate(document.tree):
            return
        # libxml2 reports one problem several times over (the element, then
        # its parent's content); keep the most telling message per node.
        by_node: dict[str, list] = {}
        for entry in schema.error_log:
            message = _readable(entry.message)
            if message is not None:
                by_node.setdefault(entry.path or f"line {entry.line}", []).append((entry, message))
        for path, entries in by_node.items():
            entry, message = max(entries, key=lambda pair: _informativeness(pair[1]))
            node = _node_at(document.tree, entry.path)
            if node is not None and message == _INCOMPLETE:
                message = f"element `{etree.QName(node).localname}` is incomplete: a required child element is missing"
            if node is not None and etree.QName(node).localname == "text" and message.startswith(_EXTRA_TEXT):
                message = "element `text`" + message.removeprefix("text")
            if node is not None:
                file, line, column = document.locate(node)
            else:
                file, line, column = document.display_name, entry.line, entry.column
            yield Finding(file, line, column, Severity.ERROR, "schema", message)


def _informativeness(message: str) -> int:
    return ("expected" in message) * 2 + ("not allowed" in message)


def _compile(tree: etree._ElementTree, path: Path) -> etree.RelaxNG:
    try:
        return etree.RelaxNG(tree)
    except etree.RelaxNGParseError as exc:
        # The first error is the cause (the rest are its echoes); libxml2 gives it line 0 or -1
        # when it is not in this file, and a converted compact schema's lines would mislead.
        entry = exc.error_log[0] if exc.error_log else None
        located = entry is not None and entry.line > 0 and path.suffix == ".rng"
        where = f"{path}:{entry.line}:{entry.column or 1}" if located else f"{path}:0:0"
        raise SchemaError(f"{where}: cannot compile the RELAX NG schema: {entry.message if entry else exc}") from None


def _schema_files(path: Path) -> list[Path]:
    """The schema and every file it includes or references, for cache keys."""
    seen: dict[Path, None] = {}
    todo = [path.resolve()]
    while todo:
        current = todo.pop()
        if current in seen or not current.is_file():
            continue
        seen[current] = None
        for node in read_schema(current).iter(f"{{{RNG_NS}}}include", f"{{{RNG_NS}}}externalRef"):
            if node.get("href"):
                todo.append(_local_path(node.get("href"), current))
    return list(seen)


def _node_at(tree: etree._ElementTree, path: str | None) -> etree._Element | None:
    if not path:
        return None
    try:
        found = tree.xpath(path)
    except etree.XPathError:
        return None
    return found[0] if found and isinstance(found[0], etree._Element) else None


_INCOMPLETE = "expecting an element , got nothing"  # libxml2 leaves the name out
# libxml2 names a text node "text"; its entry then points at the parent, not at an element `text`.
_EXTRA_TEXT = "text not allowed in"
_CLARK = re.compile(r"\{[^}]*\}")
_NOISE = ("failed to validate content", "Invalid sequence in interleave", "Extra element")


# libxml2's wording → ours, tried in order; groups are filled into the template.
_REPHRASINGS = (
    (r"Did not expect element (\S+) there", "element `{0}` not allowed here"),
    (r"Expecting an element (\S+), got nothing", "element `{0}` missing here"),
    (r"Expecting element (\S+), got (\S+)", "element `{1}` not allowed here; expected `{0}`"),
    (r"Invalid attribute (\S+) for element (\S+)", "attribute `{0}` not allowed on element `{1}`"),
    (r"Element (\S+) failed to validate attributes", "element `{0}` has a missing or invalid attribute"),
    (r"Element (\S+) has extra content: text$", _EXTRA_TEXT + " `{0}` here"),
    (r"Element (\S+) has extra content: (\S+)", "element `{1}` not allowed in `{0}` here"),
    (r"Type (\S+) doesn't allow value '(.*)'", "value '{1}' is not a valid {0}"),
    (r"Error validating value '?(.+?)'?$", "invalid value '{0}'"),
)


def _readable(message: str) -> str | None:
    """Rephrase libxml2's messages for people; drop its cascaded echoes."""
    if any(noise in message for noise in _NOISE):
        return None
    message = _CLARK.sub("", message)
    if match := re.match(r"Element (\S+): This element is not expected\. Expected is one of \( (.*) \)\.?", message):
        expected = ", ".join(f"`{n.strip()}`" for n in match[2].split(",")[:12])
        return f"element `{match[1]}` not allowed here; expected {expected}"
    for pattern, template in _REPHRASINGS:
        if match := re.match(pattern, message):
            return template.format(*match.groups())
    return message[:1].lower() + message[1:] if message else message


_JING_LINE = re.compile(r"^(?P<file>.*?):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|fatal|warning): (?P<message>.*)$")


class JingSchema:
    """RELAX NG validation by jing, for users who want the reference engine.

    Optional: it needs Java and jing (the ``jing`` command, or ``JING_JAR``),
    and jing reads each file itself rather than tei-tool's safely parsed tree.
    """

    def __init__(self, path: Path):
        import shutil  # here, not at the top: a run without jing need not load it

        jar = os.environ.get("JING_JAR")
        if jar and shutil.which("java"):
            self.command = ["java", "-jar", jar]
        elif shutil.which("jing"):
            self.command = [shutil.which("jing")]
        else:
            raise SchemaError("--engine jing needs jing: install the Debian package `jing`, or set JING_JAR to a jing jar and install Java")
        self.path = path

    def validate(self, document: xmlsafe.Document) -> Iterator[Finding]:
        import subprocess

        compact = ["-c"] if self.path.suffix == ".rnc" else []
        result = subprocess.run([*self.command, *compact, str(self.path), str(document.path)], capture_output=True, text=True)
        for line in result.stdout.splitlines():
            match = _JING_LINE.match(line)
            if match is None:
                continue
            reported = Path(match["file"])
            if reported.resolve() == self.path.resolve():
                raise SchemaError(f"{line} (reported by jing)")
            file = document.display_name if reported.resolve() == document.path.resolve() else match["file"]
            severity = Severity.WARNING if match["severity"] == "warning" else Severity.ERROR
            yield Finding(file, int(match["line"]), int(match["column"]), severity, "schema", match["message"])


ENGINES = ("native", "libxml2", "jing")
DEFAULT_ENGINE = "native"
_ELEMENT_NAMED = re.compile(r"^element [`\"]([\w.-]+:)?(?P<name>[\w.-]+)[`\"]")


def with_guidelines_link(finding: Finding) -> Finding:
    """Point a schema finding about a TEI element at its page in the TEI Guidelines."""
    match = _ELEMENT_NAMED.match(finding.message)
    if finding.hint or not match:
        return finding
    return dataclasses.replace(finding, hint=GUIDELINES.format(match["name"]))


@functools.lru_cache(maxsize=32)
def compile_relaxng(path: Path, engine: str = DEFAULT_ENGINE) -> CompiledSchema:
    """Compile a RELAX NG schema once per process with the chosen engine.

    The native engine reads the XML syntax; compact-syntax (``.rnc``)
    schemas go to libxml2, which converts them, unless jing is chosen (it reads them itself).
    """
    if engine == "libxml2" or (engine == "native" and path.suffix == ".rnc"):
        return Libxml2Schema(path)
    if engine == "native":
        from . import relaxng

        return relaxng.compile_schema(path)
    if engine == "jing":
        return JingSchema(path)
    raise SchemaError(f"unknown RELAX NG engine {engine!r} (choose {', '.join(ENGINES)})")
