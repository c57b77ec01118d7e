"""``tei-tool build``: the whole publication of one edition in one directory.

Validate first (an invalid edition is not published), then write the HTML
site, the PDF and the entity tables. Everything is built in a staging
directory that replaces ``DIR`` only when every step has succeeded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import export, html, pdf, validate
from .atomic import atomic_directory
from .errors import TeiToolError, UnreadableInput
from .findings import Finding


class InvalidEdition(TeiToolError, ValueError):
    """The source has validation errors; nothing was written."""

    def __init__(self, source: Path, findings: list[Finding]):
        self.findings = findings
        errors = sum(1 for f in findings if f.is_error)
        super().__init__(f"{source}: {errors} validation error(s); nothing was built")


@dataclass
class Step:
    name: str
    seconds: float
    output: str


@dataclass
class BuildResult:
    directory: Path
    steps: list[Step] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0


def build(source: Path, out_dir: Path, force: bool = False, progress: Callable[[Step], None] | None = None) -> BuildResult:
    """Validate ``source`` and publish it into ``out_dir``: ``html/``, ``<name>.pdf``, ``entities/``.

    ``progress`` is called after each step. Raises :class:`InvalidEdition`
    (carrying the findings) when validation reports an error.
    """
    source, out_dir = Path(source), Path(out_dir)
    started = time.perf_counter()
    result = BuildResult(directory=out_dir)

    def run(name: str, output: str, action: Callable[[], object]) -> None:
        step_started = time.perf_counter()
        action()
        step = Step(name, time.perf_counter() - step_started, output)
        result.steps.append(step)
        if progress:
            progress(step)

    findings: list[Finding] = []
    run("validate", "", lambda: findings.extend(validate.validate_file(source)))
    if unreadable := next((f for f in findings if f.rule == UnreadableInput.rule), None):
        raise UnreadableInput(unreadable.file, unreadable.line, unreadable.column, unreadable.message)
    if any(f.is_error for f in findings):
        raise InvalidEdition(source, findings)
    result.warnings = findings
    pdf_name = f"{source.stem}.pdf"

    def publish_html(directory: Path) -> None:
        site = html.build_site(source, directory)
        # Its media warnings; the document's load findings are errors, and validation has stopped on those.
        result.warnings += [w for w in site.warnings if w.rule == "html"]

    with atomic_directory(out_dir, force=force, keep=[source]) as staging:
        run("html", "html/", lambda: publish_html(staging / "html"))
        run("pdf", pdf_name, lambda: pdf.render_pdf(source, staging / pdf_name))
        run("entities", "entities/", lambda: export.export_registers([source], staging / "entities"))
    result.seconds = time.perf_counter() - started
    return result
