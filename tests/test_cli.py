"""The command line as a whole: what every command shares."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tei_tool import export, pdf
from tei_tool.cli import main

DANGLING_REF = Path(__file__).parent / "fixtures" / "validate" / "dangling-ref.1-pointer.xml"


def _choices(command: str, option: str) -> tuple[str, ...]:
    param = next(p for p in main.commands[command].params if p.name == option)
    assert isinstance(param.type, click.Choice)
    return tuple(param.type.choices)


def test_option_choices_are_the_librarys():
    assert _choices("entities", "kind") == export.TYPE_CHOICES
    assert _choices("entities", "table_format") == export.FORMATS
    assert _choices("pdf", "variant") == pdf.VARIANTS


def test_declaring_the_commands_imports_neither_the_pdf_nor_the_export_machinery():
    script = "import sys, tei_tool.cli; print(sorted({'tei_tool.pdf', 'tei_tool.export', 'saxonche'} & set(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


@pytest.mark.parametrize("command", [
    ["validate"], ["html", "-o", "site"], ["pdf", "-o", "book.pdf"], ["entities", "-o", "tables"], ["build", "-o", "dist"],
])
def test_every_command_reports_a_missing_input_alike(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [command[0], "nope.xml", *command[1:]])
    assert (result.exit_code, result.stderr) == (2, "Error: nope.xml: no such file or directory\n")
    assert list(tmp_path.iterdir()) == []


def _in_a_terminal(*args: str) -> str:
    """What ``tei-tool validate ARGS`` shows on a terminal (the source line and caret are for terminals only)."""
    pty = pytest.importorskip("pty")
    tty = pytest.importorskip("tty")
    terminal, follower = pty.openpty()
    tty.setraw(follower)  # passed through as written, no LF turned into CRLF
    try:
        subprocess.run([sys.executable, "-m", "tei_tool.cli", "validate", *args],
                       stdout=follower, stderr=subprocess.DEVNULL, timeout=120, check=False)
        return os.read(terminal, 65536).decode("utf-8")
    finally:
        os.close(follower)
        os.close(terminal)


def test_the_line_shown_under_a_finding_in_a_terminal_keeps_no_carriage_return(tmp_path):
    source = tmp_path / "crlf.xml"
    source.write_bytes(DANGLING_REF.read_bytes().replace(b"\n", b"\r\n"))
    shown = _in_a_terminal("--only", "pointers", str(source))
    assert f"{source}:7:" in shown and "\n          <p><persName ref=\"#kirov\">Kirov</persName> met" in shown
    assert "\r" not in shown


@pytest.mark.parametrize("fixture, only, at, hint", [
    (DANGLING_REF, "pointers", 'ref="#stalin"', None),
    (DANGLING_REF.with_name("schema-misplaced.1-schema.xml"), "schema", "<persName",
     "see https://tei-c.org/release/doc/tei-p5-doc/en/html/ref-persName.html"),
])
def test_on_a_terminal_a_caret_points_at_the_column_of_the_finding(fixture, only, at, hint):
    finding, source, caret, *rest = _in_a_terminal("--only", only, str(fixture)).splitlines()
    column = int(finding.split(":")[2])
    assert source.startswith("    ") and caret.startswith("    ")
    assert caret.index("^") == source.index(at) == 4 + column - 1 and caret.strip() == "^"
    assert rest[0] == f"    {hint}" if hint else rest[0].startswith("1 file checked")
