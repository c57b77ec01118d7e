"""The root of every error tei-tool raises on purpose, and the errors several modules share.

An error of one module is declared in it, under the same root:
``build.InvalidEdition``, ``transform.TransformError``, ``pdf.PdfError`` and
``export.ExportError``. Each also subclasses the matching built-in so callers
can catch what they know, and the CLI maps the root to exit status 2 with a
one-line message (``build`` exits 1 for an invalid edition, after its findings).
"""

from __future__ import annotations

import enum


class ExitStatus(enum.IntEnum):
    """Process exit statuses, declared once."""

    OK = 0
    INVALID = 1
    USAGE_OR_IO = 2


class TeiToolError(Exception):
    """Root of every error tei-tool raises on purpose."""


class XMLInputError(TeiToolError, ValueError):
    """A file is not well-formed XML, or is refused as unsafe.

    Carries the location so the message reads ``file:line:col: message``.
    """

    rule = "xml"

    def __init__(self, file: str, line: int, column: int, message: str):
        self.file, self.line, self.column, self.message = file, line, column, message
        super().__init__(f"{file}:{line}:{column}: error: [{self.rule}] {message}")


class UnreadableInput(XMLInputError):
    """A file cannot be read at all (a directory, a pipe, no permission): an I/O error, not bad XML."""

    rule = "io"


class SchemaError(TeiToolError, ValueError):
    """A schema cannot be read, parsed or compiled."""


class InputNotFound(TeiToolError, FileNotFoundError):
    """An input does not exist, or a folder named on the command line holds no XML."""

    @classmethod
    def missing(cls, path) -> InputNotFound:
        """The error for a path that does not exist, worded the same for every command."""
        return cls(f"{path}: no such file or directory")


class OutputError(TeiToolError, OSError):
    """An output cannot be written (or would overwrite something without --force)."""
