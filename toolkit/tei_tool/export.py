"""Writers for the entity index: one table per kind, as CSV, TSV, JSON or JSONL.

The columns are the output contract documented in the README. A table is a
list of columns and a list of rows (dicts); list values become arrays in
JSON and ``" | "``-joined cells in CSV/TSV, per-file counts an object in JSON
and ``file: n`` cells in CSV/TSV. CSV and TSV are meant for spreadsheets,
so a cell a spreadsheet would take for a formula is written as text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Callable, Iterable

from .atomic import atomic_write
from .entities import ENTITY_KINDS, RECORD_KINDS, Entity, EntityIndex, build_index
from .errors import OutputError, TeiToolError
from .findings import Finding

class ExportError(TeiToolError, ValueError):
    """An unknown table kind or format was asked for."""


FORMATS = ("csv", "tsv", "json", "jsonl")
TYPE_CHOICES = ("all", *RECORD_KINDS)
LIST_SEPARATOR = " | "

_LEADING = {
    "persons": ["id", "status", "name", "forename", "surname", "other_names", "type", "birth", "death", "note"],
    "places": ["id", "status", "name", "other_names", "type", "latitude", "longitude", "note"],
    "orgs": ["id", "status", "name", "other_names", "type", "note"],
    "works": ["id", "status", "title", "authors", "date", "other_titles", "type", "note"],
}
_TRAILING = ["mentions", "surface_forms", "first_mention_file", "first_mention", "files"]
_FIXED_COLUMNS = {kind: frozenset((*leading, *_TRAILING, "speeches")) for kind, leading in _LEADING.items()}
DATE_COLUMNS = ["file", "location", "line", "text", "when", "from", "to", "not_before", "not_after", "entities", "context"]
QUOTE_COLUMNS = ["file", "location", "line", "element", "speaker_id", "speaker", "work_id", "work", "text", "words"]


def _entity_row(entity: Entity, files: list[str]) -> dict:
    first = entity.mentions[0] if entity.mentions else None
    every_kinds_fields = {
        "id": entity.id,
        "status": entity.status,
        "name": entity.name,
        "title": entity.name,
        "forename": entity.forename,
        "surname": entity.surname,
        "other_names": entity.other_names,
        "other_titles": entity.other_names,
        "type": entity.type,
        "birth": entity.birth,
        "death": entity.death,
        "latitude": entity.latitude,
        "longitude": entity.longitude,
        "authors": entity.authors,
        "date": entity.date,
        "note": entity.note,
        "mentions": len(entity.mentions),
        "speeches": entity.speeches,
        "surface_forms": entity.surface_forms,
        "first_mention_file": first.file if first else "",
        "first_mention": first.location if first else "",
        "files": entity.mentions_per_file(files),
    }
    row = {name: value for name, value in every_kinds_fields.items() if name in _FIXED_COLUMNS[entity.kind]}
    for scheme, values in entity.authority.items():
        row[_authority_column(scheme, entity.kind)] = LIST_SEPARATOR.join(values)
    return row


def _authority_column(scheme: str, kind: str) -> str:
    """An idno type as a column name; prefixed ``idno_`` if it would clash with a fixed column."""
    return f"idno_{scheme}" if scheme in _FIXED_COLUMNS[kind] else scheme


def table(index: EntityIndex, kind: str) -> tuple[list[str], list[dict]]:
    """Columns and rows of one kind (``persons``, ``places``, ``orgs``, ``dates``, ``quotes``, ``works``)."""
    if kind == "dates":
        rows = [
            {
                "file": d.file, "location": d.location, "line": d.line, "text": d.text,
                "when": d.when, "from": d.from_, "to": d.to, "not_before": d.not_before, "not_after": d.not_after,
                "entities": d.entities, "context": d.context,
            }
            for d in index.dates
        ]
        return DATE_COLUMNS, rows
    if kind == "quotes":
        rows = [
            {
                "file": q.file, "location": q.location, "line": q.line, "element": q.element,
                "speaker_id": q.speaker_id, "speaker": q.speaker, "work_id": q.work_id, "work": q.work,
                "text": q.text, "words": q.words,
            }
            for q in index.quotes
        ]
        return QUOTE_COLUMNS, rows
    if kind not in ENTITY_KINDS:
        raise ExportError(f"unknown kind {kind!r}; choose one of {', '.join(RECORD_KINDS)}")
    entities = index.of_kind(kind)
    authority_columns = sorted({_authority_column(s, kind) for e in entities for s in e.authority})
    speech_column = ["speeches"] if kind == "persons" else []
    columns = [*_LEADING[kind], *authority_columns, "mentions", *speech_column, *_TRAILING[1:]]
    rows = [_entity_row(e, index.files) for e in entities]
    return columns, [{c: row.get(c, "") for c in columns} for row in rows]


FORMULA_START = "=+-@\t\r"
_NUMBER_OR_DATE = re.compile(r"[-+]?[0-9][0-9.:+-]*")  # 12, -0044, 1936-12-01, 12:30: no formula can hide there


def _text(value) -> str:
    """A value as the text of one CSV/TSV cell; texts are already whitespace-normalised by the index."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    if isinstance(value, dict):
        return LIST_SEPARATOR.join(f"{key}: {count}" for key, count in value.items())
    return str(value)


def _as_text(text: str) -> str:
    """A cell a spreadsheet would run as a formula, behind an apostrophe, which marks it as text."""
    if text and text[0] in FORMULA_START and not _NUMBER_OR_DATE.fullmatch(text):
        return "'" + text
    return text


def _cell(value) -> str:
    return _as_text(_text(value))


def _tsv_cell(value) -> str:
    """TSV has no quoting: tabs and line breaks become spaces."""
    return _as_text(" ".join(_text(value).split()))


def render(columns: list[str], rows: list[dict], fmt: str) -> str:
    """A table as text in one of :data:`FORMATS` (UTF-8, header row, deterministic)."""
    _check_format(fmt)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(map(_cell, columns))
        writer.writerows([_cell(row[c]) for c in columns] for row in rows)
        return buffer.getvalue()
    if fmt == "tsv":
        lines = ["\t".join(map(_tsv_cell, columns)), *("\t".join(_tsv_cell(row[c]) for c in columns) for row in rows)]
        return "\n".join(lines) + "\n"
    if fmt == "json":
        return json.dumps([{c: row[c] for c in columns} for row in rows], ensure_ascii=False, indent=1) + "\n"
    return "".join(json.dumps({c: row[c] for c in columns}, ensure_ascii=False) + "\n" for row in rows)  # jsonl


def selected_kinds(types: str) -> list[str]:
    """``all`` or one kind (``persons``, …) as a list of kinds in output order."""
    if types == "all":
        return list(RECORD_KINDS)
    if types not in RECORD_KINDS:
        raise ExportError(f"unknown type {types!r}; choose one of {', '.join(TYPE_CHOICES)}")
    return [types]


def write_registers(index: EntityIndex, out_dir: Path, fmt: str = "csv", types: str = "all", *, force: bool = False) -> list[Path]:
    """Write one file per kind (``persons.csv``, …) into ``out_dir``, each atomically.

    Existing files are replaced only with ``force``; every table is made and
    every target checked before any is written, so a refusal leaves the
    directory as it was.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir} exists and is not a directory")
    kinds = selected_kinds(types)
    targets = [out_dir / f"{kind}.{fmt}" for kind in kinds]
    if directories := [str(t) for t in targets if t.is_dir()]:
        raise OutputError(f"{', '.join(directories)} is a directory; remove it or write elsewhere")
    if not force and (existing := [str(t) for t in targets if t.exists()]):
        raise OutputError(f"{', '.join(existing)} exists; use --force to replace it")
    contents = [render(*table(index, kind), fmt) for kind in kinds]
    for content, target in zip(contents, targets):
        atomic_write(target, content, force=True)
    return targets


ProblemsHandler = Callable[[list[Finding]], None]
"""Receives what indexing the sources reported (an XInclude part refused or missing), before any output."""


def export_registers(
    paths: Iterable[Path], out_dir: Path, fmt: str = "csv", types: str = "all", authorities: Iterable[Path] = (), *,
    force: bool = False, on_problems: ProblemsHandler | None = None,
) -> list[Path]:
    """Index ``paths`` (with ``authorities`` to resolve pointers) and write the tables into ``out_dir``."""
    _check_format(fmt)
    selected_kinds(types)
    return write_registers(_index(paths, authorities, on_problems), out_dir, fmt, types, force=force)


def export_table(
    paths: Iterable[Path], kind: str, fmt: str = "csv", authorities: Iterable[Path] = (), *, on_problems: ProblemsHandler | None = None
) -> str:
    """Index ``paths`` and return the table of one kind as text (for standard output)."""
    _check_format(fmt)
    if kind not in RECORD_KINDS:
        raise ExportError(f"unknown type {kind!r}; choose one of {', '.join(RECORD_KINDS)}")
    return render(*table(_index(paths, authorities, on_problems), kind), fmt)


def _check_format(fmt: str) -> None:
    """Refuse an unknown format before any file is read."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _index(paths: Iterable[Path], authorities: Iterable[Path], on_problems: ProblemsHandler | None) -> EntityIndex:
    index = build_index(paths, authorities)
    if on_problems is not None:
        on_problems(index.problems)
    return index
