"""Outputs are whole or absent: a write or a build that fails part-way leaves what was there before."""

from __future__ import annotations

import errno
import os

import pytest

from tei_tool import atomic
from tei_tool.errors import OutputError


class _DiskFullAfter:
    """A file handle that takes ``limit`` bytes, then fails as a full disk does."""

    def __init__(self, handle, limit: int):
        self.handle, self.limit = handle, limit

    def write(self, data: bytes) -> int:
        self.handle.write(data[: self.limit])
        self.handle.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.handle.close()


def test_a_write_that_fails_part_way_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "persons.csv"
    target.write_text("old register\n", encoding="utf-8")
    real_fdopen = os.fdopen
    monkeypatch.setattr(atomic.os, "fdopen", lambda fd, mode: _DiskFullAfter(real_fdopen(fd, mode), 5))
    with pytest.raises(OutputError, match=r"cannot write .*persons\.csv: No space left on device"):
        atomic.atomic_write(target, "new register, much longer than five bytes\n")
    assert target.read_text(encoding="utf-8") == "old register\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["persons.csv"]


def test_a_new_file_appears_only_once_complete(tmp_path, monkeypatch):
    target = tmp_path / "out" / "book.pdf"
    seen_during_write = []
    real_replace = os.replace

    def replace(source, destination):
        seen_during_write.append((os.path.exists(destination), open(source, "rb").read()))
        real_replace(source, destination)

    monkeypatch.setattr(atomic.os, "replace", replace)
    atomic.atomic_write(target, b"%PDF-1.7 whole")
    assert seen_during_write == [(False, b"%PDF-1.7 whole")]
    assert target.read_bytes() == b"%PDF-1.7 whole" and oct(target.stat().st_mode & 0o777) == "0o644"


def test_a_site_whose_build_fails_part_way_leaves_the_old_site_whole(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("old edition", encoding="utf-8")
    (site / "persons.html").write_text("old register", encoding="utf-8")
    with pytest.raises(RuntimeError, match="the transform broke"):
        with atomic.atomic_directory(site, force=True) as staging:
            (staging / "index.html").write_text("new edition", encoding="utf-8")
            assert (site / "index.html").read_text(encoding="utf-8") == "old edition"  # untouched while building
            raise RuntimeError("the transform broke")
    assert {p.name: p.read_text(encoding="utf-8") for p in site.iterdir()} == {
        "index.html": "old edition", "persons.html": "old register"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no staging folder left behind


def test_a_finished_site_replaces_the_old_one_whole(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "stale.html").write_text("from an older build", encoding="utf-8")
    with atomic.atomic_directory(site, force=True) as staging:
        (staging / "index.html").write_text("new edition", encoding="utf-8")
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
