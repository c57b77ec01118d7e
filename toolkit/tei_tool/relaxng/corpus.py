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


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def validate_files(schema_path: str | Path, paths: Iterable[str | Path], jobs: int | None = None
                   ) -> Iterator[tuple[str, list[Finding]]]:
    """(path, findings) for each file, in input order, using ``jobs`` processes.

    The schema is compiled before the workers start, so that with ``fork``
    they share it instead of loading it each.  Large files go first, so
    that no worker is left with a large file when the others are done.
    """
    paths = [str(p) for p in paths]
    jobs = jobs or os.cpu_count() or 1
    _init(str(schema_path))
    if jobs == 1 or len(paths) < 2:
        yield from map(_check, paths)
        return
    import multiprocessing  # only when several processes are wanted: a one-file run need not load it

    forking = hasattr(os, "fork")
    context = multiprocessing.get_context("fork" if forking else "spawn")
    order = sorted(range(len(paths)), key=lambda i: -_size(paths[i]))
    done: dict[int, tuple[str, list[Finding]]] = {}
    following = 0
    with context.Pool(jobs, initializer=None if forking else _init, initargs=(str(schema_path),)) as pool:
        for index, result in zip(order, pool.imap(_check, [paths[i] for i in order], chunksize=1)):
            done[index] = result
            while following in done:
                yield done.pop(following)
                following += 1
