"""Validating many files at once, in worker processes.

The tree walk is pure Python and holds the GIL, so threads would not help;
each worker process compiles the schema once (from the on-disk cache) and
keeps its memoised derivatives warm across the files it is given.  Results
come back in the order of the input, whatever order the workers finish in.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Iterable, Iterator

from lxml import etree

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


def validate_files(schema_path: str | Path, paths: Iterable[str | Path], jobs: int | None = None
                   ) -> Iterator[tuple[str, list[Finding]]]:
    """(path, findings) for each file, in input order, using ``jobs`` processes."""
    paths = [str(p) for p in paths]
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(paths) < 2:
        _init(str(schema_path))
        yield from map(_check, paths)
        return
    import multiprocessing  # only when several processes are wanted: a one-file run need not load it

    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    with context.Pool(jobs, initializer=_init, initargs=(str(schema_path),)) as pool:
        yield from pool.imap(_check, paths, chunksize=1)
