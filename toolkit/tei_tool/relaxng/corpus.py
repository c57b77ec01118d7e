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


def _check_all(paths: list[str]) -> list[tuple[str, list[Finding]]]:
    return [_check(path) for path in paths]


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _batches(paths: list[str], jobs: int) -> list[list[int]]:
    """Indexes of ``paths`` in batches for the workers: files of one folder together, largest batches first.

    Files of one folder tend to be of one kind (one project's letters, one
    collection's novels) and so to need the same derivatives: a worker
    that gets them together works those out once instead of each worker
    working them all out.  Batches are kept small enough to share the work
    evenly.
    """
    sizes = [_size(p) for p in paths]
    target = max(1, sum(sizes) // (jobs * 4))
    folders: dict[str, list[int]] = {}
    for i in sorted(range(len(paths)), key=lambda i: -sizes[i]):
        folders.setdefault(os.path.dirname(paths[i]), []).append(i)
    batches: list[list[int]] = []
    for members in folders.values():
        batch, weight = [], 0
        for i in members:
            batch.append(i)
            weight += sizes[i]
            if weight >= target:
                batches.append(batch)
                batch, weight = [], 0
        if batch:
            batches.append(batch)
    return sorted(batches, key=lambda batch: -sum(sizes[i] for i in batch))


def validate_files(schema_path: str | Path, paths: Iterable[str | Path], jobs: int | None = None
                   ) -> Iterator[tuple[str, list[Finding]]]:
    """(path, findings) for each file, in input order, using ``jobs`` processes.

    The schema is compiled before the workers start, so that with ``fork``
    they share it instead of loading it each; files go to the workers in
    batches (see :func:`_batches`).
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
    batches = _batches(paths, jobs)
    done: dict[int, tuple[str, list[Finding]]] = {}
    following = 0
    with context.Pool(jobs, initializer=None if forking else _init, initargs=(str(schema_path),)) as pool:
        work = pool.imap(_check_all, [[paths[i] for i in batch] for batch in batches], chunksize=1)
        for batch, results in zip(batches, work):
            done.update(zip(batch, results))
            while following in done:
                yield done.pop(following)
                following += 1
