"""The HTML edition: a static site (reading text, registers, chronology,
quotations, bibliography, about page) that works from disk or any web server.

One run of ``xslt/html.xsl`` produces every page; the site is assembled in a
staging directory and moved into place only when complete.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from . import resources, transform, xmlsafe
from .atomic import atomic_directory
from .errors import OutputError, XMLInputError
from .findings import Finding

STYLESHEET = "html.xsl"
ASSETS = ("edition.css", "edition.js")
"""Plain files copied next to the pages (no CDN, no build step)."""


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
    result = transform.transform(STYLESHEET, document, {"tt:source-name": document.path.name})
    return {"index.html": result.principal, **result.documents}


def build_site(source: Path, out_dir: Path, force: bool = False) -> Site:
    """Write the HTML edition of ``source`` into ``out_dir``.

    An existing ``out_dir`` is replaced only with ``force``; a failure leaves
    it untouched.
    """
    document = xmlsafe.load(source)
    pages = render_pages(document)
    with atomic_directory(out_dir, force=force) as staging:
        write_site(pages, staging)
    return Site(directory=Path(out_dir), pages=sorted(pages), warnings=list(document.load_findings))


def write_site(pages: dict[str, str], directory: Path) -> None:
    """Write ``pages`` and the CSS and JavaScript into an existing, empty ``directory``."""
    try:
        for name, html in pages.items():
            (directory / name).write_text(html, encoding="utf-8")
        for asset in ASSETS:
            shutil.copyfile(resources.xslt_dir() / asset, directory / asset)
    except OSError as exc:
        raise OutputError(f"cannot write the site into {directory}: {exc.strerror or exc}") from None
