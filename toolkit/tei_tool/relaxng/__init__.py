"""tei-tool's own RELAX NG support: simplification, caching and validation."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from .cache import cached
from .simplify import SCH_NS, document_names, prune, simplify, simplify_with_sources

__all__ = ["simplify", "prune", "load_simplified", "embedded_schematron", "document_names"]


def load_simplified(path: str | Path) -> etree._ElementTree:
    """The simplified grammar of ``path``, read from the on-disk cache when possible."""

    def build():
        tree, files, _ = simplify_with_sources(path)
        return etree.tostring(tree), files

    data = cached(path, "simplified.rng", build)
    return etree.ElementTree(etree.fromstring(data, etree.XMLParser(huge_tree=True)))


def embedded_schematron(path: str | Path) -> list[etree._Element]:
    """The ``sch:pattern`` and ``sch:ns`` elements of a schema and its includes, in order."""

    def build():
        _, files, schematron = simplify_with_sources(path)
        holder = etree.Element(f"{{{SCH_NS}}}schema")
        holder.extend(schematron)
        return etree.tostring(holder), files

    return list(etree.fromstring(cached(path, "schematron.xml", build)))
