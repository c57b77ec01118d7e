"""Running the checks on files and collecting their findings.

Each check is a generator of :class:`Finding`; this module decides which
run, on which files, in which processes, and nothing about how findings are
shown (that is :mod:`tei_tool.report`).
"""

from __future__ import annotations

import functools
import glob
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from . import lint, parallel, pointers, schemas, xmlsafe
from .errors import InputNotFound, SchemaError, XMLInputError
from .findings import Finding, Severity

CHECKS = ("schema", "schematron", "pointers", "lint")
# Asserts of tei-edition.sch that restate a built-in check, so that the schema
# is complete when other tools run it, and the rule of that check. Where both
# fire on the same node, the built-in finding alone is kept: it says the same
# for every TEI file and knows about --authority files.
RESTATED_BY_BUILT_IN_CHECKS = {"mention-ref-resolves": "pointer", "entity-is-used": "unreferenced", "iso-value": "date"}
# Starting worker processes costs more than it saves on a few files with
# little markup: they are used for this many files, or for fewer holding
# this many tags in all (about a tenth of a second of checking).
MIN_FILES_FOR_PROCESSES = 8
MIN_MARKUP_FOR_PROCESSES = 100_000


@dataclass(frozen=True)
class Options:
    """Which checks to run and against what."""

    schema_settings: schemas.SchemaSettings = field(default_factory=schemas.SchemaSettings)
    authorities: tuple[Path, ...] = ()
    only: frozenset[str] = frozenset(CHECKS)
    engine: str = schemas.DEFAULT_ENGINE
    # The Schematron phase to run (an id, or #ALL); None runs each schema's defaultPhase.
    # Rules embedded in a RELAX NG schema have no phases: they always all run.
    phase: str | None = None


@dataclass
class FileResult:
    path: Path
    findings: list[Finding]
    seconds: float

    @property
    def valid(self) -> bool:
        return not any(f.is_error for f in self.findings)


def expand_paths(arguments: Iterable[str | Path]) -> list[Path]:
    """Files as given, directories searched recursively for ``*.xml``, globs expanded.

    A file reached twice (``x.xml ./x.xml``, or given and inside a given
    directory) is checked once. Raises :class:`InputNotFound` naming the
    first argument that matches nothing.
    """
    found: list[Path] = []
    seen: set[str] = set()
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            matches = sorted(p for p in path.rglob("*.xml") if p.is_file())
        elif path.exists():
            matches = [path]
        elif glob.has_magic(str(argument)):
            matches = sorted(Path(p) for p in glob.glob(str(argument), recursive=True) if Path(p).is_file())
        else:
            raise InputNotFound.missing(argument)
        if not matches:
            raise InputNotFound(f"{argument}: no XML files found")
        for match in matches:
            if (key := os.path.realpath(match)) not in seen:
                seen.add(key)
                found.append(match)
    return found


@functools.lru_cache(maxsize=16)
def _schematron_for(path: Path, phase: str | None):
    from . import schematron

    return schematron.load_schematron(path, phase=phase)


@functools.lru_cache(maxsize=16)
def _embedded_schematron_for(rng: Path):
    from . import schematron

    rules = schematron.embedded_schematron(rng)
    return schematron.load_schematron(rules) if rules else None


def _schema_findings(document: xmlsafe.Document, choice: schemas.SchemaChoice, options: Options) -> Iterator[Finding]:
    if "schema" in options.only and choice.relaxng is not None:
        schema = schemas.compile_relaxng(choice.relaxng.resolve(), options.engine)
        yield from map(schemas.with_guidelines_link, schema.validate(document))
    if "schematron" in options.only:
        for sch in choice.schematron:
            yield from _schematron_for(sch.resolve(), options.phase).validate(document)
        if choice.relaxng is not None and choice.relaxng.suffix == ".rng":
            embedded = _embedded_schematron_for(choice.relaxng.resolve())
            if embedded is not None:
                yield from embedded.validate(document)


def check_document(document: xmlsafe.Document, options: Options = Options()) -> list[Finding]:
    """All findings for an already parsed document, sorted by position."""
    findings = list(document.load_findings)
    wants_schemas = options.only & {"schema", "schematron"}
    if wants_schemas:
        choice = schemas.choose(document.path, options.schema_settings, document.tree)
        # A schema that could not be found matters only to the check that would use it.
        findings.extend(w for w in choice.warnings if w.rule in options.only)
        try:
            findings.extend(_schema_findings(document, choice, options))
        except SchemaError as exc:
            if options.schema_settings.schema is not None or options.schema_settings.schematron:
                raise  # a schema the user named is unusable: that stops the run, as a usage error
            rule = "schematron" if "[schematron]" in str(exc) else "schema"
            findings.append(Finding(document.display_name, 1, 1, Severity.ERROR, rule, f"{rule.capitalize()} unusable: {exc}"))
    if "pointers" in options.only:
        findings.extend(pointers.check_all(document, pointers.Authorities(options.authorities)))
    if "lint" in options.only:
        findings.extend(lint.check_untagged(document))
    findings = _without_restatements(findings)
    return sorted(set(findings), key=lambda f: (f.file != document.display_name, f.file, f.line, f.column, f.rule, f.message))


def _without_restatements(findings: list[Finding]) -> list[Finding]:
    """Drop each finding that another check already made for the same node, in its own words:
    a Schematron finding restating a built-in check, and the schema's complaint about a date
    value that the date check explains (with the forms it expects). A finding about another
    problem at the same place (an unknown element whose column could not be found) is kept."""
    built_in = {(f.file, f.line, f.column, f.rule) for f in findings if f.rule in RESTATED_BY_BUILT_IN_CHECKS.values()}
    bad_dates = {(f.file, f.line, f.column): match for f in findings
                 if f.rule == "date" and (match := _INVALID_DATE.match(f.message))}

    def restated(finding: Finding) -> bool:
        if finding.rule == "schema":
            date = bad_dates.get((finding.file, finding.line, finding.column))
            return finding.is_error and date is not None and _about_attribute_value(finding.message, *date.groups())
        rule = RESTATED_BY_BUILT_IN_CHECKS.get(finding.assertion) if finding.rule == "schematron" else None
        return (finding.file, finding.line, finding.column, rule) in built_in

    return [f for f in findings if not restated(f)]


# The date check's finding on a value, and how the engines name an attribute or value in theirs.
_INVALID_DATE = re.compile(r"@(?P<attribute>[\w:.-]+)='(?P<value>.*)' is not a valid ISO date", re.DOTALL)


def _about_attribute_value(message: str, attribute: str, value: str) -> bool:
    """Whether a schema message is about this attribute (`when`, "when") or this value ('…')."""
    return any(quoted in message for quoted in (f"`{attribute}`", f'"{attribute}"', f"'{value}'"))


def validate_file(path: str | Path, options: Options = Options()) -> list[Finding]:
    """Check one file; malformed XML becomes an ``[xml]`` finding, not an exception."""
    path = Path(path)
    try:
        document = xmlsafe.load(path)
    except XMLInputError as exc:
        return [Finding(exc.file, exc.line, exc.column, Severity.ERROR, exc.rule, exc.message)]
    return check_document(document, options)


def _timed(path: Path, options: Options) -> FileResult:
    started = time.perf_counter()
    findings = validate_file(path, options)
    return FileResult(path, findings, time.perf_counter() - started)


def _timed_all(paths: list[Path], options: Options) -> list[FileResult]:
    return [_timed(path, options) for path in paths]


def _worth_processes(paths: list[Path]) -> bool:
    if len(paths) >= MIN_FILES_FOR_PROCESSES:
        return True
    return len(paths) > 1 and sum(map(parallel.markup_count, paths)) >= MIN_MARKUP_FOR_PROCESSES


def validate_paths(paths: list[Path], options: Options = Options(), jobs: int | None = None) -> Iterator[FileResult]:
    """Check many files, in parallel processes when worth it, in the order given.

    A schema passed explicitly is compiled, and the authority files are read,
    up front, so a broken one stops the run before any file is checked (and
    forked workers share the compiled schema). Where this process cannot be
    forked safely (Saxon runs here already), it checks the files itself.
    """
    if options.schema_settings.schema is not None and "schema" in options.only:
        schemas.compile_relaxng(options.schema_settings.schema.resolve(), options.engine)
    if "pointers" in options.only:
        pointers.Authorities(options.authorities).authority_ids()
    jobs = max(1, jobs or parallel.usable_cpus())
    if jobs == 1 or not _worth_processes(paths) or not parallel.fork_is_safe():
        for path in paths:
            yield _timed(path, options)
        return
    yield from parallel.map_in_order(functools.partial(_timed_all, options=options), paths, jobs)
