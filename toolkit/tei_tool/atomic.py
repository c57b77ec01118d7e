"""Writing outputs so that a failed run never leaves a half-written file or site.

Files are written to a temporary sibling and renamed into place; a site is
built in a temporary sibling directory and swapped in only when complete.
An output never replaces the inputs it was made from (``keep``), not even
with ``--force``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

from .errors import OutputError


def atomic_write(path: str | Path, data: bytes | str, *, force: bool = True, keep: Iterable[str | Path] = ()) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same directory.

    With ``force=False`` an existing file is left untouched and an
    :class:`OutputError` raised; ``path`` may never be one of ``keep``.
    """
    path = Path(path)
    check_file_target(path, force=force, keep=keep)
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


def check_file_target(path: Path, *, force: bool, keep: Iterable[str | Path] = ()) -> None:
    """Raise :class:`OutputError` unless ``path`` may be written (before any work is spent on it)."""
    if any(_same_file(path, kept) for kept in keep):
        raise OutputError(f"{path} is an input of this run; write the output elsewhere")
    if path.exists() and not force:
        raise OutputError(f"{path} exists; use --force to replace it")
    if path.is_dir():
        raise OutputError(f"{path} is a directory, not a file")


@contextlib.contextmanager
def atomic_directory(target: str | Path, *, force: bool = False, keep: Iterable[str | Path] = ()) -> Iterator[Path]:
    """Yield an empty temporary directory that replaces ``target`` on success.

    An existing ``target`` is replaced only with ``force=True``, and never
    when it holds one of ``keep`` or the current directory; if the body
    raises, the temporary directory is removed and ``target`` is unchanged.
    """
    target = Path(target)
    if target.exists() and not force:
        raise OutputError(f"{target} exists; use --force to replace it")
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target} exists and is not a directory")
    if target.exists():
        if held := next((str(kept) for kept in keep if _inside(kept, target)), None):
            raise OutputError(f"{target} holds {held}, an input of this run; write the output elsewhere")
        if _inside(Path.cwd(), target):
            raise OutputError(f"{target} holds the current directory; write the output elsewhere")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as exc:
        raise OutputError(f"cannot create {target}: {exc.strerror or exc}") from None
    try:
        yield staging
        os.chmod(staging, 0o755)
        _swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_in(staging: Path, target: Path) -> None:
    try:
        if target.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
            os.replace(target, retired / target.name)
            os.replace(staging, target)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, target)
    except OSError as exc:
        raise OutputError(f"cannot replace {target}: {exc.strerror or exc}") from None


def _same_file(a: str | Path, b: str | Path) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


def _inside(path: str | Path, directory: str | Path) -> bool:
    """Whether ``path`` is ``directory`` or lies below it (links followed)."""
    path, directory = os.path.realpath(path), os.path.realpath(directory)
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)
