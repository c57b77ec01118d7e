"""The one record every check produces: a located, classified message."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    """An error makes a file invalid; a warning fails it only under ``--strict``; an info never does."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, order=True)
class Finding:
    """A problem found in a file.

    ``rule`` names the check that fired (``xml``, ``schema``, ``schematron``,
    ``pointer``, ``id``, ``date``, ``lint``, …) so users can filter and
    grep; ``line``/``column`` are 1-based, 0 when unknown. ``assertion`` is
    the id of the Schematron assert or report that fired, if it has one.
    """

    file: str
    line: int
    column: int
    severity: Severity
    rule: str
    message: str
    hint: str = field(default="", compare=False)
    assertion: str = field(default="", compare=False)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity.value}: [{self.rule}] {self.message}"

    def __repr__(self) -> str:
        return f"<Finding {self.severity.value} {self.rule} {self.file}:{self.line}:{self.column}>"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity.value,
            "rule": self.rule,
            "message": self.message,
            "hint": self.hint,
        }
