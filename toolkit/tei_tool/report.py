"""Turning findings into what people and machines read.

Three formats: ``text`` (one ``file:line:col: severity: [rule] message`` line
per finding, the source line with a caret on a terminal, repeated findings
grouped), ``json`` (an array of finding objects) and ``github`` (workflow
annotations). The summary line is shared.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable

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

    def line(self) -> str:
        def plural(n: int, word: str) -> str:
            return f"{n} {word}{'' if n == 1 else 's'}"

        infos = f", {self.infos} info" if self.infos else ""
        return (f"{plural(self.files, 'file')} checked: {self.valid} valid, {self.invalid} invalid; "
                f"{plural(self.errors, 'error')}, {plural(self.warnings, 'warning')}{infos} in {self.seconds:.2f} s")


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
                out.append(f"{finding.file}: {finding.severity.value}: [{finding.rule}] … and {counts[key] - GROUP_AFTER} more "
                           f"like this (\"{finding.message[:60]}\")\n")
            continue
        out.append(f"{finding}\n")
        if source_line is not None:
            out.append(_caret(finding, source_line))
        if finding.hint and source_line is not None:
            out.append(f"    see {finding.hint}\n")
    return "".join(out)


def format_json(findings: Iterable[Finding]) -> str:
    return json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2) + "\n"


def _escape_github(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


def format_github(findings: Iterable[Finding]) -> str:
    """GitHub Actions workflow commands, one annotation per finding."""
    lines = []
    for f in findings:
        command = GITHUB_COMMANDS[f.severity]
        props = f"file={_escape_github(f.file, property_value=True)},line={f.line},col={f.column},title={_escape_github(f.rule, property_value=True)}"
        lines.append(f"::{command} {props}::{_escape_github(f.message)}\n")
    return "".join(lines)
