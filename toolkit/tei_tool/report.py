"""Turning findings into what people and machines read.

Three formats: ``text`` (one ``file:line:col: severity: [rule] message`` line
per finding, the source line with a caret on a terminal, repeated findings
grouped), ``json`` (an array of finding objects) and ``github`` (workflow
annotations). The summary line is shared.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .errors import ExitStatus, UnreadableInput
from .findings import Finding, Severity
from .validate import FileResult

FORMATS = ("text", "json", "github")
# Beyond this many identical messages in one file, the rest are counted, not printed.
GROUP_AFTER = 3
GITHUB_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


@dataclass
class Summary:
    files: int = 0
    valid: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    unreadable: int = 0  # files that could not be read at all (an I/O error, exit status 2)
    seconds: float = 0.0

    @property
    def invalid(self) -> int:
        return self.files - self.valid

    def add(self, result: FileResult) -> None:
        self.files += 1
        self.valid += result.valid
        self.errors += sum(f.is_error for f in result.findings)
        self.warnings += sum(f.severity is Severity.WARNING for f in result.findings)
        self.infos += sum(f.severity is Severity.INFO for f in result.findings)
        self.unreadable += any(f.rule == UnreadableInput.rule for f in result.findings)

    def exit_status(self, strict: bool = False) -> ExitStatus:
        """2 when a file could not be read, 1 when any is invalid (or, with ``strict``, has warnings), else 0."""
        if self.unreadable:
            return ExitStatus.USAGE_OR_IO
        return ExitStatus.INVALID if self.invalid or (strict and self.warnings) else ExitStatus.OK

    def line(self) -> str:
        def plural(n: int, word: str) -> str:
            return f"{n} {word}{'' if n == 1 else 's'}"

        infos = f", {self.infos} info" if self.infos else ""
        return (f"{plural(self.files, 'file')} checked: {self.valid} valid, {self.invalid} invalid; "
                f"{plural(self.errors, 'error')}, {plural(self.warnings, 'warning')}{infos} in {self.seconds:.2f} s")


@dataclass
class RunReport:
    """What a run shows as its files are checked: in text, each file's findings at once; as JSON
    or GitHub annotations, all of them at the end (one document). Counts and times the run."""

    output_format: str = "text"
    source_line: Callable[[str, int], str] | None = None  # for the caret under each finding, in text
    summary: Summary = field(default_factory=Summary)
    _held_back: list[Finding] = field(default_factory=list, repr=False)
    _started: float = field(default_factory=time.perf_counter, repr=False)

    def add(self, result: FileResult) -> str:
        """Count one file's result; what to show for it now."""
        self.summary.add(result)
        if self.output_format == "text":
            return format_text(result.findings, source_line=self.source_line)
        self._held_back.extend(result.findings)
        return ""

    def finish(self) -> str:
        """Stop the clock; what is left to show (the JSON array or the annotations)."""
        self.summary.seconds = time.perf_counter() - self._started
        if self.output_format == "json":
            return format_json(self._held_back)
        if self.output_format == "github":
            return format_github(self._held_back)
        return ""


# Characters that would split a finding over lines, and the lone surrogates that stand for the
# bytes of a file name that is not UTF-8 (which no UTF-8 output may hold).
_CONTROL_OR_SURROGATE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    char = match[0]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte Python could not decode from the file system
        return f"\\x{code - 0xDC00:02x}"
    return _NAMED_ESCAPES.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def one_line(text: str) -> str:
    """``text`` with control characters and undecodable bytes as backslash escapes (``\\n``, ``\\xe9``)."""
    return _CONTROL_OR_SURROGATE.sub(_escape, text)


def _valid_unicode(text: str) -> str:
    """``text`` with undecodable bytes as backslash escapes, so that it can be written as UTF-8."""
    return _SURROGATE.sub(_escape, text)


def _caret(finding: Finding, source_line: Callable[[str, int], str]) -> str:
    text = source_line(finding.file, finding.line).rstrip("\n")
    if not text or finding.column < 1:
        return ""
    shown = text.expandtabs(1)
    offset = finding.column - 1
    if len(shown) > 160:
        start = max(0, offset - 60)
        shown, offset = shown[start:start + 160], offset - start
    return f"    {shown}\n    {' ' * offset}^\n"


def format_text(findings: Iterable[Finding], *, source_line: Callable[[str, int], str] | None = None) -> str:
    """Findings as text lines; identical messages beyond GROUP_AFTER are summarised."""
    findings = list(findings)
    counts = Counter((f.file, f.severity, f.rule, f.message) for f in findings)
    shown: Counter = Counter()
    out = []
    for finding in findings:
        key = (finding.file, finding.severity, finding.rule, finding.message)
        shown[key] += 1
        if shown[key] > GROUP_AFTER:
            if shown[key] == counts[key]:
                out.append(one_line(f"{finding.file}: {finding.severity.value}: [{finding.rule}] … and {counts[key] - GROUP_AFTER} "
                                    f"more like this (\"{finding.message[:60]}\")") + "\n")
            continue
        out.append(f"{one_line(str(finding))}\n")
        if source_line is not None:
            out.append(_caret(finding, source_line))
        if finding.hint and source_line is not None:
            out.append(f"    see {finding.hint}\n")
    return "".join(out)


def format_json(findings: Iterable[Finding]) -> str:
    rows = [{key: _valid_unicode(value) if isinstance(value, str) else value for key, value in f.as_dict().items()}
            for f in findings]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def _escape_github(text: str, *, property_value: bool = False) -> str:
    text = _valid_unicode(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


def format_github(findings: Iterable[Finding]) -> str:
    """GitHub Actions workflow commands, one annotation per finding."""
    lines = []
    for f in findings:
        command = GITHUB_COMMANDS[f.severity]
        props = f"file={_escape_github(f.file, property_value=True)},line={f.line},col={f.column},title={_escape_github(f.rule, property_value=True)}"
        lines.append(f"::{command} {props}::{_escape_github(f.message)}\n")
    return "".join(lines)
