"""The HTML edition: a static site (reading text, registers, chronology,
quotations, bibliography, about page) that works from disk or any web server.

One run of ``xslt/html.xsl`` produces every page (a large document's reading
page and other pages run in two processes at once); the site is assembled in
a staging directory and moved into place only when complete.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import signal
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from lxml import etree

from . import parallel, resources, transform, xmlsafe
from .atomic import atomic_directory
from .errors import OutputError, XMLInputError
from .findings import Finding, Severity

STYLESHEET = "html.xsl"
ASSETS = ("edition.css", "edition.js")
"""Plain files copied next to the pages (no CDN, no build step)."""
MIN_ELEMENTS_FOR_TWO_PROCESSES = 20_000
"""From this size on, the reading page and the other pages (each about half the work)
are rendered in two processes at once; below it, starting one costs more than it saves."""


@dataclass
class Site:
    """What :func:`build_site` wrote."""

    directory: Path
    pages: list[str]
    warnings: list[Finding] = field(default_factory=list)


def render_pages(document: xmlsafe.Document) -> dict[str, str]:
    """Every page of the site, keyed by file name, for a loaded TEI document.

    Any element in the TEI namespace may be the root (``TEI``, ``teiCorpus``,
    or a fragment such as ``listPlace``); other XML is refused.
    """
    if not str(document.root.tag).startswith(f"{{{xmlsafe.TEI_NS}}}"):
        file, line, column = document.locate(document.root)
        raise XMLInputError(file, line, column, f"the root element <{document.root.tag}> is not in the TEI namespace ({xmlsafe.TEI_NS})")
    params = {"tt:source-name": document.path.name}
    if _can_fork() and _element_count(document) >= MIN_ELEMENTS_FOR_TWO_PROCESSES:
        return _render_in_two_processes(document, params)
    return _render_in_one_process(document, params)


def _render_in_one_process(document: xmlsafe.Document, params: dict[str, str]) -> dict[str, str]:
    result = transform.transform(STYLESHEET, document, params)
    return {"index.html": result.principal, **result.documents}


def _can_fork() -> bool:
    """Whether a second process is worth starting and safe to fork from this one."""
    return parallel.usable_cpus() > 1 and parallel.fork_is_safe()


def _element_count(document: xmlsafe.Document) -> int:
    return sum(1 for _ in document.root.iter())


def _render_in_two_processes(document: xmlsafe.Document, params: dict[str, str]) -> dict[str, str]:
    """The reading page here and the other pages in a forked child, which has the parsed
    document already and sends its pages back, pickled, through a pipe."""
    reading_end, writing_end = os.pipe()
    try:
        child = parallel.fork_ignoring_interrupts()
    except OSError:  # no process to spare (a limit on processes or memory): all of it here, then
        os.close(reading_end)
        os.close(writing_end)
        return _render_in_one_process(document, params)
    if child == 0:
        os.close(reading_end)
        _send_companion_pages(document, params, writing_end)
    os.close(writing_end)
    try:
        with os.fdopen(reading_end, "rb") as incoming:
            reading = transform.transform(STYLESHEET, document, params, template="tt:reading-page")
            try:
                pages, problem = pickle.load(incoming)
            except (EOFError, pickle.UnpicklingError):
                pages, problem = None, f"{document.display_name}: error: [xslt] the process rendering the other pages stopped unexpectedly"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGTERM)  # it has sent everything, or is no longer wanted (an error or Ctrl-C here)
        os.waitpid(child, 0)
    if problem is not None:
        raise transform.TransformError(problem)
    return {"index.html": reading.principal, **pages}


def _send_companion_pages(document: xmlsafe.Document, params: dict[str, str], writing_end: int) -> NoReturn:
    """In the child: every page but index.html, or what stopped them, written to ``writing_end``; then exit.

    Ctrl-C is left to the parent (see :func:`parallel.fork_ignoring_interrupts`), which then stops
    this process; nothing here ends in a traceback, and nothing returns into the parent's code.
    """
    try:
        try:
            outcome = transform.transform(STYLESHEET, document, params, template="tt:companion-pages").documents, None
        except Exception as exc:  # the process boundary: whatever went wrong is reported by the parent
            outcome = None, str(exc)
        with contextlib.suppress(OSError), os.fdopen(writing_end, "wb") as outgoing:  # OSError: the parent stopped listening
            pickle.dump(outcome, outgoing)
    finally:
        os._exit(0)


def build_site(source: Path, out_dir: Path, force: bool = False) -> Site:
    """Write the HTML edition of ``source`` into ``out_dir``.

    An existing ``out_dir`` is replaced only with ``force``; a failure leaves
    it untouched.
    """
    document = xmlsafe.load(source)
    pages = render_pages(document)
    media, missing = local_media(document)
    with atomic_directory(out_dir, force=force, keep=[source]) as staging:
        write_site(pages, staging)
        _copy_media(media, staging)
    return Site(directory=Path(out_dir), pages=sorted(pages), warnings=[*document.load_findings, *missing])


MEDIA_ATTRIBUTES = ("facs", "url")
"""Attributes whose relative addresses name images and other media the pages link to (``pb/@facs``,
``graphic/@url``); the files are copied into the site, so the links work wherever it is served."""
MEDIA_SUFFIXES = frozenset(".jpg .jpeg .png .gif .webp .avif .tif .tiff .bmp .mp3 .ogg .oga .wav .flac .mp4 .webm .ogv .pdf".split())
"""Kinds of files copied: images, sound, video and PDF. An SVG or HTML file could carry script that
would run with the site's pages, so it is never copied."""


def local_media(document: xmlsafe.Document) -> tuple[dict[str, Path], list[Finding]]:
    """The local files the pages link to, by their address in the site (the same as in the TEI), and a
    warning for each that cannot be copied: missing, out of reach (above the source's folder, or hidden),
    or of a kind that could carry script (which also keeps the site's own pages and assets safe)."""
    folder = document.path.resolve().parent
    found: dict[str, Path] = {}
    problems: list[Finding] = []
    for element in document.root.iter(etree.Element):
        for name in MEDIA_ATTRIBUTES:
            for address in (element.get(name) or "").split():
                relative = urllib.parse.unquote(urllib.parse.urlsplit(address).path)
                if address.startswith(("#", "/")) or urllib.parse.urlsplit(address).scheme or not relative or relative in found:
                    continue
                target = folder.joinpath(*Path(relative).parts)
                if not xmlsafe.within_reach(os.path.realpath(target), (str(folder),)) or not target.is_file():
                    problem = "which is not a file below the source's folder"
                elif target.suffix.lower() not in MEDIA_SUFFIXES:
                    problem = "which is not copied: only images, sound, video and PDF are (other files could carry script)"
                else:
                    found[relative] = target
                    continue
                file, line, column = document.locate(element, name)
                problems.append(Finding(file, line, column, Severity.WARNING, "html",
                                        f"@{name} names {address!r}, {problem}; its link will not work in the site"))
    return found, problems


def _copy_media(media: dict[str, Path], directory: Path) -> None:
    try:
        for relative, source in media.items():
            copy = directory / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, copy)
    except OSError as exc:
        raise OutputError(f"cannot copy media into {directory}: {exc.strerror or exc}") from None


def write_site(pages: dict[str, str], directory: Path) -> None:
    """Write ``pages`` and the CSS and JavaScript into an existing, empty ``directory``."""
    try:
        for name, html in pages.items():
            (directory / name).write_text(html, encoding="utf-8")
        for asset in ASSETS:
            shutil.copyfile(resources.xslt_dir() / asset, directory / asset)
    except OSError as exc:
        raise OutputError(f"cannot write the site into {directory}: {exc.strerror or exc}") from None
