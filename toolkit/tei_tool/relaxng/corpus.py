"""Validating many files at once against one schema, in worker processes.

Each worker keeps its memoised derivatives warm across the files it is
given; results come back in the order of the input.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Iterable, Iterator

from lxml import etree

from .. import parallel
from ..findings import Finding, Severity

_schema = None


def parse_document(path: str | Path) -> etree._ElementTree:
    """Parse safely and expand local XIncludes (as jing sees such documents)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    tree = etree.parse(str(path), parser)
    if tree.getroot().find(".//{http://www.w3.org/2001/XInclude}include") is None:
        return tree
    expanded = etree.ElementTree(copy.deepcopy(tree.getroot()))
    try:
        expanded.xinclude()
    except etree.XIncludeError:
        return tree
    return expanded


def _init(schema_path: str) -> None:
    global _schema
    from . import compile_schema

    _schema = compile_schema(schema_path)


def _check(path: str) -> tuple[str, list[Finding]]:
    try:
        tree = parse_document(path)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (0, 0)
        return path, [Finding(path, line, column, Severity.ERROR, "xml", exc.msg)]
    return path, list(_schema.validate(tree, path))


def _check_all(paths: list[str]) -> list[tuple[str, list[Finding]]]:
    return [_check(path) for path in paths]


def validate_files(schema_path: str | Path, paths: Iterable[str | Path], jobs: int | None = None
                   ) -> Iterator[tuple[str, list[Finding]]]:
    """(path, findings) for each file, in input order, using ``jobs`` processes.

    The schema is compiled before the workers are forked, so that they share
    it instead of loading it each (see :mod:`tei_tool.parallel`).
    """
    paths = [str(p) for p in paths]
    jobs = jobs or parallel.usable_cpus()
    _init(str(schema_path))
    if jobs == 1 or len(paths) < 2 or not parallel.fork_is_safe():
        yield from map(_check, paths)
        return
    yield from parallel.map_in_order(_check_all, paths, jobs)
