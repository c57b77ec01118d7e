"""A validate run reported from the library, as the command line shows it."""

from __future__ import annotations

import json
from pathlib import Path

from tei_tool import report, validate
from tei_tool.errors import ExitStatus
from tei_tool.findings import Finding, Severity

WARNING = Finding("a.xml", 3, 5, Severity.WARNING, "lint", "'Kirov' is not tagged")
ERROR = Finding("b.xml", 7, 1, Severity.ERROR, "pointer", "@ref '#nobody' points nowhere")
UNREADABLE = Finding("c.xml", 0, 0, Severity.ERROR, "io", "is a directory, not a file")


def _run(output_format: str, *findings_per_file: list[Finding]) -> tuple[list[str], str, report.RunReport]:
    run = report.RunReport(output_format)
    shown = [run.add(validate.FileResult(Path(f"{n}.xml"), findings, 0.01)) for n, findings in enumerate(findings_per_file)]
    return shown, run.finish(), run


def test_text_is_shown_file_by_file_and_json_at_the_end():
    shown, end, run = _run("text", [WARNING], [ERROR])
    assert shown == [f"{WARNING}\n", f"{ERROR}\n"] and end == ""
    shown, end, run = _run("json", [WARNING], [ERROR])
    assert shown == ["", ""] and [f["rule"] for f in json.loads(end)] == ["lint", "pointer"]
    assert run.summary.line().startswith("2 files checked: 1 valid, 1 invalid; 1 error, 1 warning in ")


def test_exit_status_follows_the_worst_file():
    assert _run("text", [WARNING])[2].summary.exit_status() is ExitStatus.OK
    assert _run("text", [WARNING])[2].summary.exit_status(strict=True) is ExitStatus.INVALID
    assert _run("text", [WARNING], [ERROR])[2].summary.exit_status() is ExitStatus.INVALID
    assert _run("github", [ERROR], [UNREADABLE])[2].summary.exit_status() is ExitStatus.USAGE_OR_IO


def test_github_annotations_cannot_be_split_or_forged_by_what_a_file_holds():
    """A newline in a value would end the annotation and could start a forged one (``::error::…``)."""
    finding = Finding("dir,a:b/%x.xml", 4, 2, Severity.ERROR, "date",
                      "@when='1934\n::error file=x.xml::forged\r' is not a valid ISO date (100%)")
    assert report.format_github([finding]) == (
        "::error file=dir%2Ca%3Ab/%25x.xml,line=4,col=2,title=date::"
        "@when='1934%0A::error file=x.xml::forged%0D' is not a valid ISO date (100%25)\n")
