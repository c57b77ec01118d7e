"""Writing outputs so that a failed run never leaves a half-written file or site.

Files are written to a temporary sibling and renamed into place; a site is
built in a temporary sibling directory and swapped in only when complete.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from .errors import OutputError


def atomic_write(path: str | Path, data: bytes | str, *, force: bool = True) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same directory.

    With ``force=False`` an existing file is left untouched and an
    :class:`OutputError` raised.
    """
    path = Path(path)
    if path.exists() and not force:
        raise OutputError(f"{path} exists; use --force to replace it")
    if path.is_dir():
        raise OutputError(f"{path} is a directory, not a file")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


@contextlib.contextmanager
def atomic_directory(target: str | Path, *, force: bool = False) -> Iterator[Path]:
    """Yield an empty temporary directory that replaces ``target`` on success.

    An existing ``target`` is replaced only with ``force=True``; if the body
    raises, the temporary directory is removed and ``target`` is unchanged.
    """
    target = Path(target)
    if target.exists() and not force:
        raise OutputError(f"{target} exists; use --force to replace it")
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target} exists and is not a directory")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as exc:
        raise OutputError(f"cannot create {target}: {exc.strerror or exc}") from None
    try:
        yield staging
        os.chmod(staging, 0o755)
        if target.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
            os.replace(target, retired / target.name)
            os.replace(staging, target)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
