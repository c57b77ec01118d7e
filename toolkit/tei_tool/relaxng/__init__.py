"""tei-tool's own RELAX NG support: simplification, caching and validation."""

from __future__ import annotations

import pickle
from pathlib import Path

from lxml import etree

from typing import Iterator

from ..errors import SchemaError
from ..findings import Finding
from ..memory import collector_paused
from ..namespaces import SCH_NS
from . import restrictions
from .cache import cached
from .datatypes import DatatypeError
from .derivative import Deriver
from .patterns import (
    Grammar, PatternLimitError, build_grammar, grammar_from_table, grammar_to_table,
)
from .simplify import document_names, nesting_checked, prune, simplify, simplify_with_sources
from .validator import Validation

__all__ = [
    "simplify", "prune", "load_simplified", "embedded_schematron", "document_names",
    "compile_schema", "Schema",
]


def load_simplified(path: str | Path) -> etree._ElementTree:
    """The simplified grammar of ``path``, read from the on-disk cache when possible."""

    def build():
        tree, files, _ = simplify_with_sources(path)
        return etree.tostring(tree), files

    def load(data: bytes) -> etree._ElementTree:
        return etree.ElementTree(etree.fromstring(data, etree.XMLParser(huge_tree=True)))

    return cached(path, "simplified.rng", build, load)


def embedded_schematron(path: str | Path) -> list[etree._Element]:
    """The ``sch:pattern`` and ``sch:ns`` elements of a schema and its includes, in order."""

    def build():
        _, files, schematron = simplify_with_sources(path)
        holder = etree.Element(f"{{{SCH_NS}}}schema")
        holder.extend(schematron)
        return etree.tostring(holder), files

    return cached(path, "schematron.xml", build, lambda data: list(etree.fromstring(data)))


class Schema:
    """A compiled RELAX NG schema, validating documents with the derivative algorithm.

    Derivatives are memoised on the schema's patterns, so a schema object
    gets faster with every document it sees: reuse it.
    """

    def __init__(self, path: Path, simplified: etree._ElementTree | None = None, grammar: Grammar | None = None):
        self.path = path
        if grammar is None:
            grammar = _build(path, simplified)
        self.grammar = grammar
        self.deriver = Deriver(self.grammar.builder)

    def validate(self, tree, filename: str | None = None) -> Iterator[Finding]:
        """Findings for ``tree`` (an lxml tree, or a parsed document with ``.tree`` and ``.locate``)."""
        locate = getattr(tree, "locate", None)
        if hasattr(tree, "tree"):
            filename = filename or getattr(tree, "display_name", None)
            tree = tree.tree
        filename = filename or tree.docinfo.URL or "<document>"
        try:
            with collector_paused(), nesting_checked(self.path, f"check {filename}"):
                validation = Validation(self.grammar, self.deriver, filename, lambda: _source_of(tree), locate)
                findings = validation.run(tree)
        except PatternLimitError as exc:
            raise SchemaError(f"{self.path}:0:0: {exc} while checking {filename}") from None
        yield from findings

    def is_valid(self, tree) -> bool:
        return not any(True for _ in self.validate(tree))


def _build(path: Path, simplified: etree._ElementTree) -> Grammar:
    with nesting_checked(path):
        restrictions.check(simplified, str(path))
        try:
            return build_grammar(simplified)
        except DatatypeError as exc:
            raise SchemaError(f"{path}:0:0: {exc}") from None


def _load_grammar(path: Path) -> Grammar:
    """The compiled grammar of ``path``, from the on-disk cache when possible."""

    def build():
        tree, files, _ = simplify_with_sources(path)
        return pickle.dumps(grammar_to_table(_build(path, tree)), protocol=pickle.HIGHEST_PROTOCOL), files

    return cached(path, "grammar-v3.pickle", build, lambda data: grammar_from_table(pickle.loads(data)))


def _source_of(tree: etree._ElementTree) -> bytes | None:
    url = tree.docinfo.URL
    if url and not url.startswith(("http:", "https:")):
        try:
            return Path(url.removeprefix("file://")).read_bytes()
        except OSError:
            return None
    return None


_COMPILED: dict[tuple[str, float], Schema] = {}


def compile_schema(path: str | Path) -> Schema:
    """The schema at ``path``, compiled once per process and simplified once per content."""
    path = Path(path).resolve()
    try:
        key = (str(path), path.stat().st_mtime)
    except OSError as exc:
        raise SchemaError(f"{path}:0:0: cannot read schema: {exc.strerror}") from None
    schema = _COMPILED.get(key)
    if schema is None:
        schema = _COMPILED[key] = Schema(path, grammar=_load_grammar(path))
    return schema
