"""On-disk cache for work derived from a schema and the files it includes.

An entry is valid while every file it was built from has the content it
had then, so the key is the SHA-256 of all of them.  A small index file,
keyed by the main schema's path and content, lists those files; the data
file is named after the combined hash.  Writes go to a temporary file that
is renamed into place, so readers never see half an entry.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Callable, TypeVar

Product = TypeVar("Product")


def cache_dir() -> Path:
    base = os.environ.get("TEI_TOOL_CACHE_DIR") or Path.home() / ".cache" / "tei-tool"
    return Path(base) / "relaxng"


def _sha256(path: Path) -> str:
    """The hash of a schema file (a pipe or device is refused, never read: it would block)."""
    from .simplify import read_schema_file  # simplify needs lxml; a cache module stays light

    return hashlib.sha256(read_schema_file(path)).hexdigest()


def _combined(hashes: list[list[str]]) -> str:
    return hashlib.sha256(json.dumps(hashes).encode()).hexdigest()


def cached(path: str | Path, kind: str, build: Callable[[], tuple[bytes, list[Path]]],
           load: Callable[[bytes], Product] = bytes) -> Product:
    """``load`` of the bytes ``build`` makes for schema ``path``, from the cache when still valid.

    ``build`` returns the data and every file it read.  ``kind`` keeps
    different products of one schema apart.  Cache failures (read-only
    home, full disk, an entry damaged so that ``load`` fails on it) only
    cost time.
    """
    path = Path(path).resolve()
    directory = cache_dir()
    index_key = hashlib.sha256(f"{kind}\0{path}\0{_sha256(path)}".encode()).hexdigest()
    index = directory / f"{index_key}.deps"
    try:
        hashes = json.loads(index.read_text())
        if all(_sha256(Path(name)) == digest for name, digest in hashes):
            return load((directory / f"{_combined(hashes)}.{kind}").read_bytes())
    except Exception:  # whatever a damaged entry makes ``load`` raise: the entry is built again
        pass
    data, files = build()
    from ..atomic import atomic_write  # only when writing: a cache hit need not load tempfile

    hashes = [[str(f), _sha256(f)] for f in dict.fromkeys([path, *files])]
    try:
        atomic_write(directory / f"{_combined(hashes)}.{kind}", data)
        atomic_write(index, json.dumps(hashes).encode())
    except OSError:
        pass
    return load(data)
