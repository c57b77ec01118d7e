"""tei-tool build: validate, then html/, <name>.pdf and entities/ in one atomic directory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tei_tool import build, html, pdf
from tei_tool.cli import main
from tei_tool.errors import OutputError

HERE = Path(__file__).resolve().parent
FLAGSHIP = HERE.parent / "tei" / "great-purge.xml"
INVALID = HERE / "fixtures" / "hostile-html.xml"
FIXTURE = FLAGSHIP


def test_invalid_edition_stops_with_its_findings(tmp_path):
    out = tmp_path / "dist"
    with pytest.raises(build.InvalidEdition) as raised:
        build.build(INVALID, out)
    assert any(f.is_error and f.rule == "pointer" and "#nowhere" in f.message for f in raised.value.findings)
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_cli_build_invalid_exits_1_with_located_findings(tmp_path):
    result = CliRunner().invoke(main, ["build", str(INVALID), "-o", str(tmp_path / "dist")])
    assert result.exit_code == 1
    assert "hostile-html.xml:24:" in result.output and "nothing was built" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "dist").exists()


def test_cli_build_groups_repeated_findings_as_validate_does(tmp_path):
    source = tmp_path / "many.xml"
    text = INVALID.read_text(encoding="utf-8")
    source.write_text(text.replace("</body>", '<p><persName ref="#nobody">N.</persName></p>' * 40 + "</body>", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(source), "-o", str(tmp_path / "dist")])
    assert result.exit_code == 1
    repeated = [line for line in result.output.splitlines() if "'#nobody'" in line]
    assert len(repeated) == 4 and "… and 37 more like this" in repeated[-1]


def test_cli_build_missing_file(tmp_path):
    result = CliRunner().invoke(main, ["build", str(tmp_path / "absent.xml"), "-o", str(tmp_path / "dist")])
    assert result.exit_code == 2 and "no such file" in result.output


A_PAGE_WITH_A_MISSING_SCAN = """<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:lang="en">
  <teiHeader><fileDesc><titleStmt><title>A page</title></titleStmt>
    <publicationStmt><p>Test.</p></publicationStmt><sourceDesc><p>Made up.</p></sourceDesc></fileDesc></teiHeader>
  <text><body><pb facs="missing.png"/><p>One paragraph.</p></body></text>
</TEI>
"""


def test_build_reports_the_warnings_of_the_html_edition(tmp_path):
    source = tmp_path / "page.xml"
    source.write_text(A_PAGE_WITH_A_MISSING_SCAN, encoding="utf-8")
    result = build.build(source, tmp_path / "lib")
    assert [(f.line, f.rule) for f in result.warnings if "missing.png" in f.message] == [(4, "html")]
    shown = CliRunner().invoke(main, ["build", str(source), "-o", str(tmp_path / "cli")])
    assert shown.exit_code == 0, shown.output
    assert shown.stderr.count("warning: [html] @facs names 'missing.png'") == 1


@pytest.mark.slow
def test_build_flagship(tmp_path):
    if not FLAGSHIP.exists():
        pytest.skip("the flagship tei/great-purge.xml is not there yet")
    out = tmp_path / "dist"
    steps = []
    result = build.build(FLAGSHIP, out, progress=steps.append)
    assert [s.name for s in steps] == ["validate", "html", "pdf", "entities"]
    assert (out / "html" / "index.html").is_file() and (out / "html" / "persons.html").is_file()
    assert (out / "great-purge.pdf").read_bytes().startswith(b"%PDF")
    assert (out / "entities" / "persons.csv").is_file()
    assert result.seconds >= sum(s.seconds for s in steps) * 0.99
    with pytest.raises(OutputError, match="--force"):
        build.build(FLAGSHIP, out)
    runner = CliRunner()
    again = runner.invoke(main, ["build", str(FLAGSHIP), "-o", str(out), "--force"])
    assert again.exit_code == 0, again.output
    for step in ("validate", "html", "pdf", "entities"):
        assert f"  {step}" in again.output
    assert "Built " in again.output and sorted(p.name for p in out.iterdir()) == ["entities", "great-purge.pdf", "html"]


def _fixture_beside_notes(folder: Path) -> Path:
    folder.mkdir()
    source = folder / "edition.xml"
    shutil.copy(FIXTURE, source)
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    return source


@pytest.mark.parametrize("command", ["html", "build"])
def test_force_never_replaces_a_folder_holding_the_source(tmp_path, command):
    source = _fixture_beside_notes(tmp_path / "work")
    result = CliRunner().invoke(main, [command, str(source), "-o", str(tmp_path / "work"), "--force"])
    assert result.exit_code == 2
    assert "an input of this run" in result.stderr
    assert source.read_bytes() == FIXTURE.read_bytes() and (tmp_path / "work" / "notes.txt").exists()


def test_force_never_replaces_the_current_folder(tmp_path, monkeypatch):
    source = _fixture_beside_notes(tmp_path / "work")
    monkeypatch.chdir(tmp_path / "work")
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path / "out")
    result = CliRunner().invoke(main, ["html", str(source), "-o", ".", "--force"])
    assert result.exit_code == 2 and "holds the current directory" in result.stderr
    assert not list(tmp_path.glob("*.old.*")) and not list(tmp_path.glob(".*"))


def test_the_pdf_never_replaces_its_source(tmp_path):
    source = _fixture_beside_notes(tmp_path / "work")
    result = CliRunner().invoke(main, ["pdf", str(source), "-o", str(source), "--force"])
    assert result.exit_code == 2 and "an input of this run" in result.stderr
    assert source.read_bytes() == FIXTURE.read_bytes()


@pytest.mark.parametrize("publish", [pdf.render_pdf, html.build_site, build.build], ids=lambda f: f.__name__)
def test_a_library_call_replaces_no_existing_output_unless_forced(tmp_path, publish):
    out = tmp_path / "mine"
    out.write_bytes(b"mine")
    with pytest.raises(OutputError, match="--force"):
        publish(FIXTURE, out)
    assert out.read_bytes() == b"mine"
