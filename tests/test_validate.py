"""tei-tool validate: every check has fixtures that fail and pass it, and the CLI's contract."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tei_tool import parallel, pointers, report, schemas, validate
from tei_tool.cli import main
from tei_tool.errors import InputNotFound, XMLInputError
from tei_tool.findings import Finding, Severity

FIXTURES = Path(__file__).parent / "fixtures" / "validate"
MINI_RNG = FIXTURES / "mini.rng"
NAMED = re.compile(r"^(?P<name>.+)\.(?P<count>\d+)-(?P<rule>[a-z]+)\.xml$")
LOCAL_CHECKS = validate.Options(
    schema_settings=schemas.SchemaSettings(schema=MINI_RNG),
    only=frozenset({"schema", "pointers", "lint"}),
)


def _named_fixtures() -> list:
    params = []
    for path in sorted(FIXTURES.glob("*.xml")):
        match = NAMED.match(path.name)
        if match:
            params.append(pytest.param(path, match["rule"], int(match["count"]), id=path.name))
    return params


@pytest.mark.parametrize("path, rule, count", _named_fixtures())
def test_fixture_produces_the_findings_its_name_promises(path, rule, count):
    findings = validate.validate_file(path, LOCAL_CHECKS)
    if rule == "error":
        assert [f for f in findings if f.is_error] == []
    else:
        assert len([f for f in findings if f.rule == rule]) == count, findings


def test_findings_carry_real_lines_and_columns():
    [finding] = [f for f in validate.validate_file(FIXTURES / "dangling-ref.1-pointer.xml", LOCAL_CHECKS) if f.rule == "pointer"]
    line = (FIXTURES / "dangling-ref.1-pointer.xml").read_text().splitlines()[finding.line - 1]
    assert line[finding.column - 1:].startswith('ref="#stalin"')


def test_schema_error_points_at_the_offending_start_tag_and_links_the_guidelines():
    [finding] = [f for f in validate.validate_file(FIXTURES / "schema-misplaced.1-schema.xml", LOCAL_CHECKS) if f.rule == "schema"]
    line = (FIXTURES / "schema-misplaced.1-schema.xml").read_text().splitlines()[finding.line - 1]
    assert line[finding.column - 1:].startswith("<persName")
    assert "persName" in finding.message and "not allowed" in finding.message
    assert finding.hint.endswith("ref-persName.html")


def test_schema_error_says_what_was_expected(tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text((FIXTURES / "valid.0-error.xml").read_text().replace("<title>Fixture</title>", ""))
    [finding] = [f for f in validate.validate_file(broken, LOCAL_CHECKS) if f.rule == "schema"]
    assert "`titleStmt`" in finding.message and "expected element `title`" in finding.message
    with_libxml2 = dataclasses.replace(LOCAL_CHECKS, engine="libxml2")
    [finding] = [f for f in validate.validate_file(broken, with_libxml2) if f.rule == "schema"]
    assert "`titleStmt`" in finding.message and "missing" in finding.message


def test_libxml2_extra_text_is_called_text_and_an_element_text_an_element(tmp_path):
    """libxml2 names a text node "text", like an element `text`: the node it points at tells them apart."""
    document = tmp_path / "doc.xml"
    document.write_text((FIXTURES / "valid.0-error.xml").read_text().replace('<p xml:id="p1">', '<p xml:id="p1">So ')
                        .replace("<date ", "<foo/> <date "))
    options = validate.Options(schema_settings=schemas.SchemaSettings(schema=schemas.default_schema()),
                               only=frozenset({"schema"}), engine="libxml2")
    assert "text not allowed in `p` here" in [f.message for f in validate.validate_file(document, options)]
    rng = tmp_path / "p.rng"
    rng.write_text('<element name="doc" xmlns="http://relaxng.org/ns/structure/1.0"><zeroOrMore><element name="p">'
                   '<mixed><optional><element name="hi"><text/></element></optional></mixed></element></zeroOrMore></element>')
    document.write_text("<doc>\n<p><hi>x</hi>words</p>\n<p><text/></p>\n</doc>\n")
    options = dataclasses.replace(options, schema_settings=schemas.SchemaSettings(schema=rng))
    assert [(f.line, f.message) for f in validate.validate_file(document, options)] == [
        (3, "element `text` not allowed in `p` here")]


def test_duplicate_id_names_the_first_use():
    [finding] = [f for f in validate.validate_file(FIXTURES / "duplicate-id.1-id.xml", LOCAL_CHECKS) if f.rule == "id"]
    assert "first used on line 7" in finding.message


def test_lint_suggests_the_ref_and_ignores_derived_words():
    findings = [f for f in validate.validate_file(FIXTURES / "untagged-name.2-lint.xml", LOCAL_CHECKS) if f.rule == "lint"]
    assert all(f.severity is Severity.WARNING and '<persName ref="#kirov">' in f.message for f in findings)
    assert not any("Kirovsk" in f.message for f in findings)


def test_lint_suggests_the_element_of_the_entitys_kind():
    findings = [f for f in validate.validate_file(FIXTURES / "untagged-place-and-org.2-lint.xml", LOCAL_CHECKS) if f.rule == "lint"]
    assert [f.message.rsplit("suggested: ", 1)[1] for f in findings] == ['<placeName ref="#leningrad">', '<orgName ref="#nkvd">']


def test_a_prefixed_pointer_is_reported_as_written_and_as_expanded():
    [finding] = [f for f in validate.validate_file(FIXTURES / "prefixdef-dangling.1-pointer.xml", LOCAL_CHECKS) if f.rule == "pointer"]
    assert finding.message.startswith("@ref points to '#nobody', but no element in this document has that xml:id")
    assert finding.message.endswith("(written 'psn:nobody', expanded by its prefixDef)")


def test_authority_file_resolves_pointers_into_registers(tmp_path):
    document = tmp_path / "letter.xml"
    document.write_text((FIXTURES / "dangling-ref.1-pointer.xml").read_text().replace("#stalin", "#molotov"))
    without = [f for f in validate.validate_file(document, LOCAL_CHECKS) if f.rule == "pointer"]
    assert without and "--authority" in without[0].message
    options = validate.Options(schema_settings=LOCAL_CHECKS.schema_settings, only=LOCAL_CHECKS.only, authorities=(FIXTURES / "register.xml",))
    assert [f for f in validate.validate_file(document, options) if f.rule == "pointer"] == []


@pytest.mark.parametrize("content, where", [(b"", "1:1"), (b"\x00\x01\x02binary", "1:1"), (b"<listPerson>\n<person>", "2:9")])
def test_an_unusable_authority_file_stops_validate_with_its_location(tmp_path, content, where):
    register = tmp_path / "register.xml"
    register.write_bytes(content)
    result = CliRunner().invoke(main, ["validate", "--authority", str(register), str(FIXTURES / "valid.0-error.xml")])
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {register}:{where}: error: [xml] "), result.output
    options = dataclasses.replace(LOCAL_CHECKS, authorities=(register,))
    with pytest.raises(XMLInputError):
        validate.validate_file(FIXTURES / "valid.0-error.xml", options)


@pytest.mark.parametrize("target", ["x" * 300 + ".xml#a", "a%00b.xml#a"])
def test_a_pointer_to_an_impossible_file_name_is_a_finding_not_a_crash(tmp_path, target):
    document = tmp_path / "letter.xml"
    document.write_text((FIXTURES / "dangling-ref.1-pointer.xml").read_text().replace('"#stalin"', f'"{target}"'))
    [finding] = [f for f in validate.validate_file(document, LOCAL_CHECKS) if f.rule == "pointer"]
    assert finding.is_error and "cannot be a file name" in finding.message


def test_xinclude_findings_are_reported_in_the_included_file():
    findings = validate.validate_file(FIXTURES / "xinclude" / "main.xml", validate.Options(only=frozenset({"pointers"})))
    [finding] = findings
    assert finding.file.endswith("part.xml") and finding.line == 3
    assert finding.column == 24  # the @ref attribute of <persName> on that line


@pytest.mark.parametrize("value, valid", [
    ("1934", True), ("1934-12", True), ("1934-12-01", True), ("-0044-03-15", True), ("--12-25", True),
    ("1934-13", False), ("1934-02-30", False), ("1934-2-3", False), ("1 December 1934", False), ("1934-12-01 ", False),
    ("1934-12-01T16:30:00", True), ("1934-12-01T24:00:00", True), ("16:30:59.5Z", True),
    ("1934-12-01T24:30:00", False), ("1934-12-01T23:60:00", False), ("1934-12-01T23:59:60", False), ("25:00:00", False),
])
def test_w3c_date_values(value, valid):
    assert (pointers.parse_temporal(value) is not None) is valid


@pytest.mark.parametrize("fixture", ["xxe.1-xml.xml", "xxe-late-doctype.1-xml.xml"])
def test_xxe_content_never_appears_in_any_output(fixture, tmp_path):
    """The second declares its entity after a long comment, past where a quick look at the start of a file ends."""
    runner = CliRunner()
    for fmt in report.FORMATS:
        result = runner.invoke(main, ["validate", "--format", fmt, str(FIXTURES / fixture)])
        assert "TOP-SECRET-CONTENT" not in result.output
        assert result.exit_code == 1 and "external entity declarations are refused" in result.output
    for command in (["html", "-o", str(tmp_path / "site")], ["entities", "--type", "persons"], ["pdf", "-o", str(tmp_path / "x.pdf")]):
        result = runner.invoke(main, [command[0], str(FIXTURES / fixture), *command[1:]])
        assert result.exit_code == 2 and "TOP-SECRET-CONTENT" not in result.output, result.output
    assert list(tmp_path.iterdir()) == []


def test_a_doctype_only_quoted_inside_the_document_is_no_declaration(tmp_path):
    quoted = tmp_path / "quoted.xml"
    quoted.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p><![CDATA[<!DOCTYPE x [<!ENTITY e SYSTEM "y">]>]]></p>'
                      "</body></text></TEI>", encoding="utf-8")
    assert [f for f in validate.validate_file(quoted, LOCAL_CHECKS) if f.rule == "xml"] == []


def test_a_bracket_in_a_prolog_comment_does_not_hide_the_declarations_after_it(tmp_path):
    source = tmp_path / "hidden.xml"
    source.write_text('<?xml version="1.0"?>\n<!-- notes ]> more notes -->\n<!DOCTYPE TEI [ <!ENTITY s SYSTEM "secret.txt"> ]>\n'
                      '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>&s;</p></body></text></TEI>', encoding="utf-8")
    [finding] = validate.validate_file(source, LOCAL_CHECKS)
    assert (finding.rule, finding.line, finding.message) == (
        "xml", 3, "external entity declarations are refused (they could read local files or the network)")


def test_xxe_in_utf_16_is_not_expanded_by_the_parser_either(tmp_path):
    """A quick look for declarations reads bytes, which in UTF-16 it cannot: the parser itself must not expand them."""
    (tmp_path / "secret.txt").write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    source = tmp_path / "xxe16.xml"
    source.write_bytes((FIXTURES / "xxe.1-xml.xml").read_text(encoding="utf-8").replace(
        '<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>').encode("utf-16"))
    outputs = []
    for command in (["validate"], ["html", "-o", str(tmp_path / "site")], ["entities", "--type", "persons"]):
        result = CliRunner().invoke(main, [command[0], str(source), *command[1:]])
        outputs.append((result.exit_code, "TOP-SECRET-CONTENT" in result.output))
    assert outputs == [(1, False), (2, False), (2, False)]
    assert not (tmp_path / "site").exists()


def test_entity_bomb_is_refused_quickly():
    started = time.perf_counter()
    [finding] = validate.validate_file(FIXTURES / "entity-bomb.1-xml.xml", LOCAL_CHECKS)
    assert time.perf_counter() - started < 1.0
    assert finding.rule == "xml" and "amplification" in finding.message


def test_missing_path_is_a_usage_error():
    with pytest.raises(InputNotFound):
        validate.expand_paths([FIXTURES / "no-such-file.xml"])
    result = CliRunner().invoke(main, ["validate", str(FIXTURES / "no-such-file.xml")])
    assert result.exit_code == 2
    assert "no such file" in result.output
    assert "Traceback" not in result.output


def test_unreadable_schema_is_an_io_error(tmp_path):
    bad = tmp_path / "bad.rng"
    bad.write_text("<grammar xmlns='http://relaxng.org/ns/structure/1.0'><start><ref name='nothing'/></start></grammar>")
    result = CliRunner().invoke(main, ["validate", "--schema", str(bad), str(FIXTURES / "valid.0-error.xml")])
    assert result.exit_code == 2
    assert "Error:" in result.output and "Traceback" not in result.output


def test_directory_with_one_bad_file_checks_all_and_fails(tmp_path):
    for name in ("valid.0-error.xml", "unreferenced.1-unreferenced.xml", "mini.rng"):
        (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
    (tmp_path / "broken.xml").write_bytes((FIXTURES / "malformed.1-xml.xml").read_bytes())
    result = CliRunner().invoke(main, ["validate", "--schema", str(MINI_RNG), "--only", "schema", "--only", "pointers", str(tmp_path)])
    assert result.exit_code == 1
    assert "broken.xml:3:33: error: [xml]" in result.output
    assert "3 files checked: 2 valid, 1 invalid" in result.output


def test_json_and_github_formats():
    args = ["validate", "--schema", str(MINI_RNG), "--only", "pointers", str(FIXTURES / "dangling-list.2-pointer.xml")]
    result = CliRunner().invoke(main, [*args, "--format", "json"])
    findings = json.loads(result.stdout)
    assert [f["rule"] for f in findings] == ["pointer", "pointer"]
    assert set(findings[0]) == {"file", "line", "column", "severity", "rule", "message", "hint"}
    github = CliRunner().invoke(main, [*args, "--format", "github"]).stdout
    assert github.startswith("::error file=") and ",line=7,col=20,title=pointer::" in github


def test_text_output_keeps_each_finding_on_one_line(tmp_path):
    """A newline in a file name or an attribute value cannot start a forged finding line."""
    document = tmp_path / "two\nlines.xml"
    document.write_text((FIXTURES / "valid.0-error.xml").read_text().replace('when="1934-12-01"', 'when="1934&#10;::error::forged"'))
    result = CliRunner().invoke(main, ["validate", "--schema", str(MINI_RNG), "--only", "pointers", str(document)])
    *findings, summary = result.output.splitlines()
    assert len(findings) == 1 and findings[0].startswith(f"{tmp_path}/two\\nlines.xml:7:")
    assert "@when='1934\\n::error::forged' is not a valid ISO date" in findings[0]
    assert summary.startswith("1 file checked")


@pytest.mark.parametrize("output_format", report.FORMATS)
def test_a_file_name_that_is_not_utf_8_is_shown_escaped_in_valid_utf_8(tmp_path, output_format):
    (tmp_path / os.fsdecode(b"caf\xe9.xml")).write_bytes((FIXTURES / "dangling-ref.1-pointer.xml").read_bytes())
    done = subprocess.run([sys.executable, "-m", "tei_tool.cli", "validate", "--only", "pointers", "--format", output_format, str(tmp_path)],
                          capture_output=True, timeout=120)
    output = done.stdout.decode("utf-8")
    assert done.returncode == 1 and f"{tmp_path}/caf\\xe9.xml" in (json.loads(output)[0]["file"] if output_format == "json" else output)


def test_strict_turns_warnings_into_failure():
    args = ["validate", "--schema", str(MINI_RNG), "--only", "lint", str(FIXTURES / "untagged-name.2-lint.xml")]
    assert CliRunner().invoke(main, args).exit_code == 0
    assert CliRunner().invoke(main, [*args, "--strict"]).exit_code == 1


def test_repeated_messages_are_grouped():
    findings = validate.validate_file(FIXTURES / "dangling-list.2-pointer.xml", LOCAL_CHECKS) * 5
    text = report.format_text(findings)
    assert "more like this" in text
    assert len(text.splitlines()) < len(findings)


def test_parallel_output_order_equals_serial():
    """In a fresh interpreter, where workers can be forked (Saxon may already run in this one)."""
    import subprocess
    import sys

    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from tei_tool import parallel, schemas, validate\n"
        "forked = []\n"
        "fork = parallel.map_in_order\n"
        "parallel.map_in_order = lambda *args: forked.append(1) or fork(*args)\n"
        f"options = validate.Options(schema_settings=schemas.SchemaSettings(schema=Path({str(MINI_RNG)!r})),\n"
        "                           only=frozenset({'schema', 'pointers', 'lint'}))\n"
        f"files = validate.expand_paths([Path({str(FIXTURES)!r})])\n"
        "runs = [[[str(r.path), [str(f) for f in r.findings]] for r in validate.validate_paths(files, options, jobs=jobs)]\n"
        "        for jobs in (1, 2)]\n"
        "json.dump({'forked': bool(forked), 'serial': runs[0], 'parallel': runs[1]}, sys.stdout)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["forked"]
    assert result["serial"] == result["parallel"]
    assert any(findings for _, findings in result["serial"])


def test_once_saxon_runs_here_files_are_checked_in_this_process(monkeypatch):
    from tei_tool import transform

    transform.executable("html.xsl")  # Saxon now runs a thread of its own in this process
    assert not parallel.fork_is_safe()
    monkeypatch.setattr(parallel, "map_in_order", lambda *args: pytest.fail("workers forked from a process running Saxon"))
    files = validate.expand_paths([FIXTURES])
    assert len(files) >= validate.MIN_FILES_FOR_PROCESSES
    assert [r.path for r in validate.validate_paths(files, LOCAL_CHECKS, jobs=2)] == files


def test_few_files_go_to_worker_processes_only_when_their_markup_is_dense(tmp_path):
    sparse = tmp_path / "sparse.xml"
    sparse.write_text("<text>" + "prose " * 200_000 + "</text>")  # 1.2 MB, one element
    dense = tmp_path / "dense.xml"
    dense.write_text("<text>" + "<w>word</w> " * 60_000 + "</text>")
    assert parallel.markup_count(dense) == 120_002
    assert not validate._worth_processes([sparse, sparse.with_name("missing.xml")])
    assert not validate._worth_processes([dense])
    assert validate._worth_processes([dense, sparse])
    assert validate._worth_processes([sparse] * validate.MIN_FILES_FOR_PROCESSES)


def test_batches_put_the_largest_work_first_and_cover_every_file(tmp_path):
    sizes = {"a/big.xml": 9000, "a/small.xml": 10, "b/mid.xml": 4000, "b/tiny.xml": 5}
    for name, size in sizes.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(b"x" * size)
    paths = [str(tmp_path / name) for name in sizes]
    planned = parallel.batches(paths, jobs=2)
    assert sorted(i for batch in planned for i in batch) == [0, 1, 2, 3]
    assert planned[0] == [0]
    assert all(len({Path(paths[i]).parent for i in batch}) == 1 for batch in planned)


def test_remote_schema_is_never_fetched_and_falls_back_with_a_warning(tmp_path):
    document = tmp_path / "remote.xml"
    text = (FIXTURES / "valid.0-error.xml").read_text().replace('href="mini.rng"', 'href="https://example.org/schema/tei_all.rng"')
    document.write_text(text)
    choice = schemas.choose(document, schemas.SchemaSettings())
    assert choice.relaxng == schemas.default_schema()
    assert "not available locally" in choice.warnings[0].message
    mapped = schemas.choose(document, schemas.SchemaSettings(mapping=(("tei_all.rng", MINI_RNG),)))
    assert mapped.relaxng == MINI_RNG and not mapped.warnings



def test_a_missing_declared_schema_gets_one_warning_saying_where_it_was_looked_for(tmp_path):
    document = tmp_path / "moved.xml"
    text = (FIXTURES / "valid.0-error.xml").read_text().replace('href="mini.rng"', 'href="schemas/gone.rng"')
    document.write_text(text)
    [warning] = schemas.choose(document, schemas.SchemaSettings()).warnings
    assert warning.message.startswith(f"declared schema schemas/gone.rng was not found at {tmp_path / 'schemas' / 'gone.rng'}; "
                                      "checked against tei-tool's tei-edition.rng instead")


def test_a_declared_schematron_that_cannot_be_read_is_named_in_a_warning(tmp_path):
    document = tmp_path / "rules.xml"
    declaration = '<?xml-model href="https://example.org/rules.sch" schematypens="http://purl.oclc.org/dsdl/schematron"?>\n'
    document.write_text(declaration + (FIXTURES / "valid.0-error.xml").read_text().split("?>", 1)[1])
    choice = schemas.choose(document, schemas.SchemaSettings(schema=MINI_RNG))
    [warning] = choice.warnings
    assert (warning.rule, warning.severity) == ("schematron", Severity.WARNING)
    assert warning.message.startswith("declared Schematron https://example.org/rules.sch is not available locally")
    assert choice.schematron == []

@pytest.mark.parametrize("declared, only", [("rules.sch", "schema"), ("grammar.rng", "schematron")])
def test_a_missing_declared_schema_is_no_warning_when_its_check_is_not_run(tmp_path, declared, only):
    kind = "http://purl.oclc.org/dsdl/schematron" if declared.endswith(".sch") else "http://relaxng.org/ns/structure/1.0"
    document = tmp_path / "declares.xml"
    declaration = f'<?xml-model href="{declared}" schematypens="{kind}"?>\n'
    document.write_text(declaration + (FIXTURES / "valid.0-error.xml").read_text().split("?>", 2)[2])
    result = CliRunner().invoke(main, ["validate", "--strict", "--only", only, str(document)])
    assert (result.exit_code, result.output.count("warning:")) == (0, 0), result.output
    result = CliRunner().invoke(main, ["validate", "--strict", str(document)])
    assert result.exit_code == 1 and f"declared {'Schematron' if only == 'schema' else 'schema'} {declared} was not found" in result.output


SHARED = Path(__file__).resolve().parents[1].parent / "shared"
MANIFEST = SHARED / "corpus" / "MANIFEST.tsv"


def _manifest_rows() -> list:
    if not MANIFEST.is_file():
        return [pytest.param(None, None, marks=pytest.mark.skip(reason=f"the shared corpus is not at {SHARED}"))]
    import csv

    with MANIFEST.open(encoding="utf-8") as handle:
        return [pytest.param(row["file"], row["tei_all_jing"], id=row["file"]) for row in csv.DictReader(handle, delimiter="\t")]


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["native", "libxml2"])
@pytest.mark.parametrize("file, jing_verdict", _manifest_rows())
def test_schema_verdict_on_the_corpus_equals_jings(file, jing_verdict, engine):
    options = validate.Options(
        schema_settings=schemas.SchemaSettings(schema=SHARED / "corpus" / "schemas" / "tei_all.rng"),
        only=frozenset({"schema"}),
        engine=engine,
    )
    findings = validate.validate_file(SHARED / "corpus" / file, options)
    errors = [f for f in findings if f.is_error]
    assert ("invalid" if errors else "valid") == jing_verdict, errors[:3]
    if errors:
        assert all(f.line > 0 for f in errors)


def test_compact_syntax_schema_is_converted_and_used(tmp_path):
    options = validate.Options(schema_settings=schemas.SchemaSettings(schema=FIXTURES / "mini-compact.rnc"), only=frozenset({"schema"}))
    assert validate.validate_file(FIXTURES / "valid.0-error.xml", options) == []
    wrong = tmp_path / "wrong.xml"
    wrong.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/><body/></TEI>')
    [finding] = validate.validate_file(wrong, options)
    assert finding.rule == "schema" and "body" in finding.message


def test_broken_compact_schema_is_a_schema_error(tmp_path):
    broken = tmp_path / "broken.rnc"
    broken.write_text("start = element TEI { \n")
    result = CliRunner().invoke(main, ["validate", "--schema", str(broken), str(FIXTURES / "valid.0-error.xml")])
    assert result.exit_code == 2 and "broken.rnc" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("text, error", [
    ("start = element TEI {\n", "broken.rnc:1:22: cannot read the compact-syntax schema: the schema ends before"),
    ("start = element TEI { text }\n}\n", "broken.rnc:2:1: cannot read the compact-syntax schema: syntax error at '}'"),
    ("start = element TEI { § }\n", "broken.rnc:1:23: cannot read the compact-syntax schema: unexpected character '§'"),
    ("start = element TEI { foo }\n", "broken.rnc:0:0: cannot compile the RELAX NG schema: "),
])
def test_a_broken_compact_schema_is_located_in_the_compact_file(tmp_path, text, error):
    broken = tmp_path / "broken.rnc"
    broken.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--schema", str(broken), str(FIXTURES / "valid.0-error.xml")])
    assert result.exit_code == 2 and result.output.startswith(f"Error: {tmp_path}/{error}"), result.output


RNG_START = '<grammar xmlns="http://relaxng.org/ns/structure/1.0"><start>'


@pytest.mark.parametrize("engine", ["native", "libxml2"])
@pytest.mark.parametrize("schema, message", [
    (f"{RNG_START}<element name=", r"schema\.rng:1:\d+: [^,]+$"),
    ("\x00\x01binary", r"schema\.rng:1:1: [^:]+$"),
    ("<root/>", r"schema\.rng:[01]:[01]: (?!.*:-1:)"),
    (f'{RNG_START}<externalRef href="http://example.com/x.rng"/></start></grammar>', r"schema\.rng:[01]:[01]: .*http://example\.com/x\.rng"),
])
def test_a_broken_schema_is_named_once_with_its_position(tmp_path, engine, schema, message):
    """The position once, in front (not again inside the message, nor as line -1), and web addresses unmangled."""
    (tmp_path / "schema.rng").write_bytes(schema.encode())
    document = tmp_path / "doc.xml"
    document.write_text('<?xml-model href="schema.rng" schematypens="http://relaxng.org/ns/structure/1.0"?>\n<TEI/>')
    result = CliRunner().invoke(main, ["validate", "--engine", engine, "--only", "schema", str(document)])
    [finding] = json.loads(CliRunner().invoke(main, ["validate", "--engine", engine, "--only", "schema", "--format", "json",
                                                     str(document)]).stdout)
    assert re.fullmatch(f"Schema unusable: {re.escape(str(tmp_path))}/{message}.*", finding["message"]), finding["message"]
    assert result.output.count("error:") == 1, result.output


@pytest.mark.skipif(shutil.which("jing") is None, reason="jing is not installed (Debian package jing); --engine jing is optional")
def test_jing_reads_compact_schemas_itself(tmp_path):
    options = validate.Options(schema_settings=schemas.SchemaSettings(schema=FIXTURES / "mini-compact.rnc"), only=frozenset({"schema"}),
                               engine="jing")
    assert validate.validate_file(FIXTURES / "valid.0-error.xml", options) == []
    wrong = tmp_path / "wrong.xml"
    wrong.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/><body/></TEI>')
    [finding] = validate.validate_file(wrong, options)
    assert finding.rule == "schema" and "body" in finding.message


@pytest.mark.skipif(shutil.which("jing") is None, reason="jing is not installed (Debian package jing); --engine jing is optional")
def test_jing_engine_gives_the_same_verdicts_as_the_default():
    for path, rule, count in [p.values for p in _named_fixtures() if p.values[1] == "schema" or p.values[1] == "error"]:
        options = validate.Options(schema_settings=schemas.SchemaSettings(schema=MINI_RNG), only=frozenset({"schema"}), engine="jing")
        default = validate.Options(schema_settings=schemas.SchemaSettings(schema=MINI_RNG), only=frozenset({"schema"}))
        with_jing = [f for f in validate.validate_file(path, options) if f.rule == "schema"]
        with_libxml2 = [f for f in validate.validate_file(path, default) if f.rule == "schema"]
        assert bool(with_jing) == bool(with_libxml2), path
        assert all(f.line > 0 and f.column > 0 for f in with_jing)


@pytest.mark.parametrize("engine", ["native", "libxml2"])
def test_schema_errors_in_xincluded_parts_point_into_the_part(engine):
    options = validate.Options(schema_settings=schemas.SchemaSettings(schema=MINI_RNG), only=frozenset({"schema"}), engine=engine)
    [finding] = validate.validate_file(FIXTURES / "xinclude-schema" / "main.xml", options)
    assert finding.file.endswith("xinclude-schema/part.xml")
    assert (finding.line, finding.column) == (3, 12)  # <bogus> on the part's third line
    assert "`bogus`" in finding.message


EDITION_FIXTURES = Path(__file__).parent / "fixtures" / "schematron"
EDITION_SCHEMAS = schemas.SchemaSettings(schema=schemas.default_schema(), schematron=(schemas.default_schematron(),))


def test_a_problem_the_edition_rules_restate_is_reported_once_by_the_built_in_check():
    bad = EDITION_FIXTURES / "edition-bad.xml"
    result = CliRunner().invoke(main, ["validate", str(bad), "--schema", str(schemas.default_schema())])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert [line.split(": ", 1)[1] for line in lines if "cheka" in line] == [
        "error: [pointer] @ref points to '#cheka', but no element in this document has that xml:id; "
        "if the entry lives in a register file, add it with --authority FILE"]
    assert [line.split(": ", 1)[1] for line in lines if "rubin" in line] == [
        "warning: [unreferenced] person 'rubin' is declared but never referenced: "
        'point a mention at it (ref="#rubin") or remove the entry']
    assert [line for line in lines if "1951-5" in line and "[schematron]" in line] == []
    assert [line.split(": ", 1)[1] for line in lines if "1951-5" in line] == [
        "error: [date] @when='1951-5' is not a valid ISO date (expected YYYY, YYYY-MM or YYYY-MM-DD,"
        " with a time as in 1934-12-01T16:30:00)"]
    # Edition rules no built-in check restates are still reported.
    assert any("[entity-references/mention-has-ref]" in line for line in lines)


@pytest.mark.parametrize("engine", ["native", "libxml2"])
def test_a_utf_16_file_gets_its_schema_errors_at_their_columns(tmp_path, engine):
    text = (FIXTURES / "valid.0-error.xml").read_text().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    utf16 = tmp_path / "utf16.xml"
    utf16.write_text(text.replace('<date when="1934-12-01">', '<foo/> <date when="1934-13-45">'), encoding="utf-16")
    findings = validate.validate_file(utf16, dataclasses.replace(LOCAL_CHECKS, engine=engine))
    line = utf16.read_text(encoding="utf-16").splitlines()[6]
    assert [(f.rule, f.line, line[f.column - 1:][:10]) for f in findings if f.rule in ("schema", "date")] == [
        ("schema", 7, "<foo/> <da"), ("date", 7, 'when="1934')]


def test_a_schema_error_where_a_bad_date_is_is_kept_unless_it_is_about_the_date():
    """Findings may share a position (a column that could not be found is 1): only the
    schema's complaint about the date value gives way to the date check's."""
    date = Finding("a.xml", 7, 1, Severity.ERROR, "date", "@when='1934-13-45' is not a valid ISO date (expected YYYY)")
    native = Finding("a.xml", 7, 1, Severity.ERROR, "schema", "value of attribute `when` on element `date` is invalid: '1934-13-45'")
    jing = Finding("a.xml", 7, 1, Severity.ERROR, "schema", 'value of attribute "when" is invalid; must be an ISO date')
    unknown = Finding("a.xml", 7, 1, Severity.ERROR, "schema", "element `foo` not allowed anywhere; expected `date` or text")
    assert validate._without_restatements([date, native, jing, unknown]) == [date, unknown]


def test_only_schema_still_reports_the_date_value_the_date_check_explains():
    result = CliRunner().invoke(main, ["validate", str(EDITION_FIXTURES / "edition-bad.xml"),
                                       "--schema", str(schemas.default_schema()), "--only", "schema"])
    assert [line.split(": ", 2)[2] for line in result.output.splitlines() if "1951-5" in line] == [
        "[schema] value of attribute `when` on element `date` is invalid: '1951-5'"]


def test_only_schematron_still_reports_what_the_built_in_checks_would():
    only_rules = dataclasses.replace(validate.Options(schema_settings=EDITION_SCHEMAS), only=frozenset({"schematron"}))
    findings = validate.validate_file(EDITION_FIXTURES / "edition-bad.xml", only_rules)
    assert sorted((f.line, f.assertion) for f in findings if f.assertion in validate.RESTATED_BY_BUILT_IN_CHECKS) == [
        (41, "entity-is-used"), (53, "entity-is-used"), (56, "entity-is-used"),
        (63, "mention-ref-resolves"), (73, "iso-value")]
    [resolves] = [f for f in findings if f.assertion == "mention-ref-resolves"]
    line = (EDITION_FIXTURES / "edition-bad.xml").read_text(encoding="utf-8").splitlines()[resolves.line - 1]
    assert line[resolves.column - 1:].startswith('ref="#cheka"')


def test_an_edition_rule_finding_more_than_the_built_in_check_is_kept(tmp_path):
    good = (EDITION_FIXTURES / "edition-good.xml").read_text(encoding="utf-8")
    assert '<persName ref="#stalin">' in good
    wrong_list = tmp_path / "edition.xml"
    wrong_list.write_text(good.replace('<persName ref="#stalin">', '<persName ref="#moscow">'), encoding="utf-8")
    findings = validate.validate_file(wrong_list, validate.Options(schema_settings=EDITION_SCHEMAS))
    assert [f.rule for f in findings if f.rule == "pointer"] == []
    [resolves] = [f for f in findings if f.assertion == "mention-ref-resolves"]
    assert "#moscow, which is no entry of the listPerson" in resolves.message
