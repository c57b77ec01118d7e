"""The Schematron engine: compiling ISO Schematron to XSLT 3.0 and running it with Saxon."""

from __future__ import annotations

import re
import textwrap
import time
from pathlib import Path

import pytest
from lxml import etree

from tei_tool import schematron, xmlsafe
from tei_tool.errors import SchemaError
from tei_tool.findings import Severity

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "schematron"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
TEI_ALL = SHARED / "corpus" / "schemas" / "tei_all.rng"
CORPUS = SHARED / "corpus" / "docs"
needs_shared = pytest.mark.skipif(not TEI_ALL.exists(), reason="shared corpus with tei_all.rng not present at ../shared")


@pytest.fixture(scope="module")
def letters() -> schematron.Schematron:
    return schematron.load_schematron(FIXTURES / "letters.sch")


def findings_of(schema: schematron.Schematron, name: str) -> list:
    return list(schema.validate(xmlsafe.load(FIXTURES / name)))


def write_schema(tmp_path: Path, body: str, binding: str | None = "xslt2") -> Path:
    """A schema of ``body`` in rules.sch, with the queryBinding ``binding`` (None: none, the default)."""
    path = tmp_path / "rules.sch"
    query_binding = "" if binding is None else f' queryBinding="{binding}"'
    path.write_text(
        f'<schema xmlns="http://purl.oclc.org/dsdl/schematron"{query_binding}>\n'
        f'  <ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/>\n{textwrap.dedent(body)}</schema>\n',
        encoding="utf-8",
    )
    return path


def test_a_document_that_follows_the_rules_has_no_findings(letters):
    assert findings_of(letters, "letter-good.xml") == []


def test_each_failed_assert_and_fired_report_is_located_and_classified(letters):
    found = {(f.line, f.column, f.severity, f.message) for f in findings_of(letters, "letter-bad.xml")}
    assert found == {
        (18, 74, Severity.ERROR, "A persName in the text needs @ref pointing into the listPerson. [references/person-ref]"),
        (19, 71, Severity.ERROR, "The persName points at #gorky, which is no person in the listPerson. [references/person-unknown, flag broken]"),
        (19, 28, Severity.WARNING, '@when="1901-3-5" is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD). [dates/iso-when]'),
        (19, 7, Severity.ERROR, 'Paragraph number @n must be a whole number, not "four". [paragraphs/numbered]'),
        (20, 7, Severity.INFO, "Paragraph without @n. [paragraphs/unnumbered]"),
        (20, 21, Severity.ERROR, "The hi element needs @rend. [highlighting]"),
        (17, 7, Severity.WARNING, "The head is empty. [heads]"),
    }


def test_findings_carry_rule_file_and_diagnostics(letters):
    findings = findings_of(letters, "letter-bad.xml")
    assert {f.rule for f in findings} == {"schematron"}
    assert {f.file for f in findings} == {str(FIXTURES / "letter-bad.xml")}
    missing_ref = next(f for f in findings if "person-ref" in f.message)
    assert missing_ref.hint == 'Add ref="#id" where id is the xml:id of a person in the standOff (e.g. #tolstoy).'


def test_only_the_first_matching_rule_of_a_pattern_fires(letters):
    messages = [f.message for f in findings_of(letters, "letter-bad.xml")]
    # p[@n] comes before p in the pattern: numbered paragraphs never reach the second rule.
    assert sum("Paragraph without @n" in m for m in messages) == 1


def test_a_phase_restricts_the_patterns(tmp_path):
    only_references = schematron.load_schematron(FIXTURES / "letters.sch", phase="references-only")
    labels = {f.message.rsplit("[", 1)[1] for f in findings_of(only_references, "letter-bad.xml")}
    assert labels == {"references/person-ref]", "references/person-unknown, flag broken]"}
    with pytest.raises(schematron.UnknownPhase, match=r"no phase 'nonsense' in this schema \(phases: everything, references-only, #ALL\)"):
        schematron.load_schematron(FIXTURES / "letters.sch", phase="nonsense")


def test_findings_in_an_xincluded_file_name_that_file(letters):
    findings = findings_of(letters, "letter-with-part.xml")
    assert [(Path(f.file).resolve(), f.line, f.column) for f in findings] == [(FIXTURES / "letter-part.xml", 5, 18)]


def test_a_bad_xpath_is_reported_at_its_assert(tmp_path):
    path = write_schema(tmp_path, """\
        <pattern id="p">
          <rule context="tei:p">
            <assert test="count(tei:hi) &gt;">unfinished expression</assert>
          </rule>
        </pattern>
    """)
    with pytest.raises(SchemaError) as raised:
        schematron.load_schematron(path)
    message = str(raised.value)
    assert message.startswith(f"{path}:5:5: error: [schematron] in the test of sch:assert 'count(tei:hi) >'")
    assert "XPST0003" in message


def test_an_undeclared_prefix_is_reported_at_its_rule(tmp_path):
    path = write_schema(tmp_path, """\
        <pattern>
          <rule context="tei:p"><assert test="true()">fine</assert></rule>
          <rule context="t:div"><assert test="true()">fine</assert></rule>
        </pattern>
    """)
    with pytest.raises(SchemaError, match=rf"^{path}:5:3: error: \[schematron\] in the context of sch:rule 't:div': .*prefix 't'"):
        schematron.load_schematron(path)


def test_structural_mistakes_are_schema_errors(tmp_path):
    with pytest.raises(SchemaError, match="queryBinding 'stx' is not supported"):
        schematron.load_schematron(write_schema(tmp_path, "", binding="stx"))
    with pytest.raises(SchemaError, match=r":4:19: error: \[schematron\] sch:assert needs @test"):
        schematron.load_schematron(write_schema(tmp_path, '<pattern>\n<rule context="*"><assert>x</assert></rule></pattern>\n'))
    with pytest.raises(SchemaError, match="not a Schematron schema"):
        schematron.load_schematron(FIXTURES / "letter-good.xml")
    with pytest.raises(SchemaError, match="Schematron schema not found"):
        schematron.load_schematron(tmp_path / "missing.sch")


READING = "can read files or the environment, which tei-tool does not let a schema do; to check other documents, use sch:pattern/@documents"


@pytest.mark.parametrize("declarations, where, called", [
    ("", "<report test=\"unparsed-text('/etc/hostname')\">x</report>", "unparsed-text()"),
    ("", "<report test=\"true()\"><value-of select=\"environment-variable('HOME')\"/></report>", "environment-variable()"),
    ("", "<report test=\"true()\"><value-of select=\"count(available-environment-variables())\"/></report>",
     "available-environment-variables()"),
    ("", "<report test=\"true()\"><name path=\"collection('file:///etc/?select=*.conf')\"/></report>", "collection()"),
    ('<ns prefix="fn" uri="http://www.w3.org/2005/xpath-functions"/>',
     "<report test=\"true()\" subject=\"fn:doc('/etc/x.xml')\">x</report>", "fn:doc()"),
    ("", "<let name=\"e\" value=\"(environment-variable #1)('HOME')\"/>", "environment-variable()"),
    ("", "<let name=\"e\" value=\"Q{http://www.w3.org/2005/xpath-functions}unparsed-text-lines(:c:)('/etc/hostname')\"/>",
     "Q{http://www.w3.org/2005/xpath-functions}unparsed-text-lines()"),
    ("", "<let name=\"e\" value=\"map{'a':function-lookup(xs:QName('fn:doc'), 1)}\"/>", "function-lookup()"),
    ("", "<let name=\"e\"><e xsl:expand-text=\"yes\">{system-property('user.home')}</e></let>", "system-property()"),
    ('<ns prefix="io" uri="http://www.w3.org/2005/xpath-functions"/>', "<let name=\"e\" value=\"io:json-doc('/x.json')\"/>",
     "io:json-doc()"),
    ('<ns prefix="saxon" uri="http://saxon.sf.net/"/>', "<let name=\"e\" value=\"saxon:doc('/x.xml', map{})\"/>", "saxon:doc()"),
    ('<xsl:function name="f:home"><xsl:evaluate xpath="\'1\'"/></xsl:function>', "", "xsl:evaluate"),
    ('<xsl:key name="k" match="*" use="document(\'/x.xml\')"/>', "", "document()"),
    ('<diagnostics><diagnostic id="d"><value-of select="doc-available(\'/etc/x.xml\')"/></diagnostic></diagnostics>',
     "<report test=\"true()\" diagnostics=\"d\">x</report>", "doc-available()"),
])
def test_a_schema_may_not_read_files_or_the_environment(tmp_path, declarations, where, called):
    rules = write_schema(tmp_path, f"""\
        <ns prefix="f" uri="urn:f"/>{declarations}
        <pattern id="p"><rule context="tei:TEI">{where}</rule></pattern>
        """, binding="xslt3").read_text().replace("<schema ", '<schema xmlns:xsl="http://www.w3.org/1999/XSL/Transform" ')
    (tmp_path / "rules.sch").write_text(rules, encoding="utf-8")
    with pytest.raises(SchemaError, match=rf"^{tmp_path / 'rules.sch'}:[34]:\d+: error: \[schematron\] {re.escape(called)} {READING}$"):
        schematron.load_schematron(tmp_path / "rules.sch")


def test_a_schema_is_refused_even_where_tei_tool_evaluates_it_or_fills_it_in(tmp_path):
    documents = write_schema(tmp_path, """\
        <pattern id="p" documents="environment-variable('HOME')"><rule context="*"><report test="true()">x</report></rule></pattern>
        """)
    with pytest.raises(SchemaError, match=rf":3:1: error: \[schematron\] environment-variable\(\) {READING}"):
        schematron.load_schematron(documents)
    instance = write_schema(tmp_path, """\
        <pattern abstract="true" id="a"><rule context="tei:TEI"><report test="environment-$v('HOME')">x</report></rule></pattern>
        <pattern is-a="a" id="i"><param name="v" value="variable"/></pattern>
        """)
    with pytest.raises(SchemaError, match=rf":3:57: error: \[schematron\] environment-variable\(\) {READING}"):
        schematron.load_schematron(instance)
    braces = write_schema(tmp_path, """\
        <pattern id="{1 + 1}" documents="'missing.xml'"><rule context="*"><report test="true()">x</report></rule></pattern>
        """)
    found = [f.message for f in schematron.load_schematron(braces).validate(xmlsafe.load(FIXTURES / "letter-good.xml"))]
    assert found == ["pattern '{1 + 1}' cannot check 'missing.xml': no such file"]


def test_a_schema_from_a_bundle_cannot_show_an_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("TEI_TOOL_TEST_SECRET", "s3cr3t-token")
    write_schema(tmp_path, """\
        <pattern><rule context="tei:TEI">
          <assert test="false()">token=<value-of select="environment-variable('TEI_TOOL_TEST_SECRET')"/></assert>
        </rule></pattern>
        """)
    letter = tmp_path / "letter.xml"
    letter.write_text('<?xml-model href="rules.sch" schematypens="http://purl.oclc.org/dsdl/schematron"?>\n'
                      + (FIXTURES / "letter-good.xml").read_text(encoding="utf-8").split("?>", 1)[-1], encoding="utf-8")
    result = run_validate("--format", "github", str(letter))
    assert result.exit_code == 1
    assert "s3cr3t-token" not in result.output
    assert f"{tmp_path / 'rules.sch'}:4:32: error: [schematron] environment-variable() {READING}" in result.output


def test_saxon_opens_no_uri_for_a_schema(tmp_path):
    """What no function name shows, an external entity in parse-xml(), reads neither a local
    file nor the network: Saxon runs Schematron on a processor that opens no URI."""
    secret = tmp_path / "secret.txt"
    secret.write_text("s3cr3t", encoding="utf-8")
    for uri in (secret.as_uri(), "http://127.0.0.1:9/secret.txt"):
        entity = f"&lt;!DOCTYPE x [&lt;!ENTITY e SYSTEM &quot;{uri}&quot;&gt;]&gt;&lt;x&gt;&amp;e;&lt;/x&gt;"
        path = write_schema(tmp_path, f"""\
            <pattern><rule context="/*">
              <report test="true()"><value-of select="string(parse-xml('{entity}'))"/></report>
            </rule></pattern>
        """)
        schema = schematron.load_schematron(path)
        with pytest.raises(SchemaError, match=rf"^{path}:4:25: error: \[schematron\] in the select of sch:value-of .*"
                                              rf"Access to URI {re.escape(uri)} has been prohibited"):
            list(schema.validate(xmlsafe.load(FIXTURES / "letter-good.xml")))


def test_a_doctype_is_not_given_to_saxon(letters, tmp_path):
    text = (FIXTURES / "letter-good.xml").read_text(encoding="utf-8")
    document = tmp_path / "with-doctype.xml"
    document.write_text(text.replace("<TEI ", '<!DOCTYPE TEI SYSTEM "tei-missing.dtd">\n<TEI ', 1), encoding="utf-8")
    assert list(letters.validate(xmlsafe.load(document))) == []


def test_a_compiled_schema_is_reused_within_the_process(letters):
    before = dict(schematron._compiled_stylesheets)
    again = schematron.load_schematron(FIXTURES / "letters.sch")
    assert again.xslt_text == letters.xslt_text
    assert schematron._compiled_stylesheets == before


def test_rules_are_tried_on_the_nodes_their_context_can_match():
    assert schematron._candidate_nodes(["tei:*[@when]", "tei:p[@n = 'x@y']"]) == "elements"
    assert schematron._candidate_nodes(["tei:p", "tei:rt/@target"]) == "elements-and-attributes"
    assert schematron._candidate_nodes(["tei:p/text()"]) == "all-nodes"
    assert schematron._candidate_nodes(["$anything"]) == "all-nodes"


def test_embedded_schematron_follows_includes(tmp_path):
    rng = "http://relaxng.org/ns/structure/1.0"
    sch = "http://purl.oclc.org/dsdl/schematron"
    (tmp_path / "part.rng").write_text(
        f'<grammar xmlns="{rng}" xmlns:sch="{sch}"><define name="p"><element name="p"><text/></element>'
        f'<sch:pattern id="from-part"><sch:rule context="p"><sch:assert test="string()">empty p</sch:assert></sch:rule></sch:pattern>'
        f"</define></grammar>",
        encoding="utf-8",
    )
    (tmp_path / "main.rng").write_text(
        f'<grammar xmlns="{rng}" xmlns:sch="{sch}"><include href="part.rng"/>'
        f'<start><element name="doc"><zeroOrMore><ref name="p"/></zeroOrMore>'
        f'<sch:rule context="doc"><sch:report test="count(p) &gt; 2">too many p</sch:report></sch:rule>'
        f"</element></start></grammar>",
        encoding="utf-8",
    )
    found = schematron.embedded_schematron(tmp_path / "main.rng")
    assert [etree.QName(e).localname for e in found] == ["rule", "pattern"]
    (tmp_path / "doc.xml").write_text("<doc><p/><p>x</p><p>y</p></doc>", encoding="utf-8")
    findings = list(schematron.load_schematron(tmp_path / "main.rng").validate(xmlsafe.load(tmp_path / "doc.xml")))
    assert sorted(f.message for f in findings) == ["empty p [from-part]", "too many p"]


@pytest.mark.parametrize("named", ["declared", "with --schema"])
def test_validate_runs_the_rules_its_relax_ng_schema_embeds(tmp_path, named):
    from click.testing import CliRunner

    from tei_tool.cli import main

    rng, sch = "http://relaxng.org/ns/structure/1.0", "http://purl.oclc.org/dsdl/schematron"
    (tmp_path / "grammar.rng").write_text(
        f'<grammar xmlns="{rng}" xmlns:sch="{sch}"><start><element name="doc"><zeroOrMore><element name="p"><text/></element>'
        f'</zeroOrMore><sch:pattern><sch:rule context="p"><sch:assert test="string()">an empty p</sch:assert></sch:rule>'
        f"</sch:pattern></element></start></grammar>", encoding="utf-8")
    declaration = '<?xml-model href="grammar.rng" schematypens="http://relaxng.org/ns/structure/1.0"?>\n'
    (tmp_path / "doc.xml").write_text((declaration if named == "declared" else "") + "<doc><p>x</p>\n<p/></doc>", encoding="utf-8")
    schema = [] if named == "declared" else ["--schema", str(tmp_path / "grammar.rng")]
    result = CliRunner().invoke(main, ["validate", "--only", "schematron", *schema, str(tmp_path / "doc.xml")])
    assert result.exit_code == 1
    line = 3 if named == "declared" else 2  # of the empty <p/>
    assert result.output.splitlines()[0] == f"{tmp_path / 'doc.xml'}:{line}:1: error: [schematron] an empty p"


@needs_shared
def test_tei_all_embedded_rules_compile_and_run_on_the_corpus():
    started = time.perf_counter()
    tei_all = schematron.load_schematron(TEI_ALL)
    assert time.perf_counter() - started < 10
    assert len(tei_all.checks) > 100
    for name in ("torture.xml", "testall.xml", "tei_lite.xml", "testms.xml"):
        for finding in tei_all.validate(xmlsafe.load(CORPUS / "tei-p5-test" / name)):
            assert finding.line > 0 and finding.rule == "schematron"
    detest = list(tei_all.validate(xmlsafe.load(CORPUS / "tei-p5-test" / "detest.xml")))
    span = [f for f in detest if "@spanTo (#ds2) must follow" in f.message]
    assert [(f.line, f.column, f.severity) for f in span] == [(137, 11, Severity.ERROR)]
    assert len(detest) >= 20


@needs_shared
def test_tei_all_rules_accept_an_eltec_novel():
    tei_all = schematron.load_schematron(TEI_ALL)
    novel = CORPUS / "eltec-eng" / "ENG18600_Clive.xml"
    assert list(tei_all.validate(xmlsafe.load(novel))) == []


@needs_shared
@pytest.mark.parametrize("name", ["eltec-1.rng", "eltec-2.rng", "tei-epidoc-isicily.rng"])
def test_the_rules_real_schemas_embed_load_none_reading_files(name):
    assert schematron.load_schematron(TEI_ALL.parent / name).checks


def test_included_patterns_run_and_keep_their_own_locations(tmp_path):
    (tmp_path / "heads.sch").write_text(
        '<pattern xmlns="http://purl.oclc.org/dsdl/schematron" id="included">\n'
        '  <rule context="tei:head"><assert test="normalize-space()">empty head</assert></rule>\n'
        '  <rule context="tei:p"><assert test="@bad(">broken</assert></rule>\n'
        "</pattern>\n",
        encoding="utf-8",
    )
    path = write_schema(tmp_path, '<include href="heads.sch"/>\n')
    with pytest.raises(SchemaError, match=rf"^{tmp_path / 'heads.sch'}:3:25: error: \[schematron\] in the test of sch:assert '@bad\('"):
        schematron.load_schematron(path)
    (tmp_path / "heads.sch").write_text((tmp_path / "heads.sch").read_text().replace("@bad(", "true()"), encoding="utf-8")
    findings = list(schematron.load_schematron(path).validate(xmlsafe.load(FIXTURES / "letter-bad.xml")))
    assert [(f.line, f.message) for f in findings] == [(17, "empty head [included]")]
    (tmp_path / "loop.sch").write_text(path.read_text().replace("heads.sch", "loop.sch"), encoding="utf-8")
    with pytest.raises(SchemaError, match="cycle"):
        schematron.load_schematron(tmp_path / "loop.sch")


def test_roles_classify_findings_and_an_info_never_fails_a_file(tmp_path):
    from click.testing import CliRunner

    from tei_tool.cli import main

    rules = write_schema(tmp_path, """\
        <pattern>
          <rule context="tei:persName">
            <report test="true()" role="information">A person is named.</report>
            <report test="not(@ref)" role="nonfatal">The name has no @ref.</report>
            <assert test="normalize-space()" role="fatal">The name is empty.</assert>
          </rule>
        </pattern>
        """)
    doc = tmp_path / "doc.xml"
    doc.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p><persName>Kirov</persName> '
                   '<persName ref="#x"/></p></body></text></TEI>', encoding="utf-8")
    found = sorted((f.column, f.severity, f.message) for f in schematron.load_schematron(rules).validate(xmlsafe.load(doc)))
    assert found == [(57, Severity.INFO, "A person is named."), (57, Severity.WARNING, "The name has no @ref."),
                     (84, Severity.ERROR, "The name is empty."), (84, Severity.INFO, "A person is named.")]

    args = ["validate", "--only", "schematron", "--schematron", str(rules), str(doc)]
    doc.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p><persName ref="#k">Kirov</persName>'
                   '</p></body></text></TEI>', encoding="utf-8")
    strict = CliRunner().invoke(main, [*args, "--strict"])
    assert strict.exit_code == 0, strict.output
    assert ": info: [schematron] A person is named." in strict.stdout
    assert "0 errors, 0 warnings, 1 info in" in strict.output
    github = CliRunner().invoke(main, [*args, "--format", "github"]).stdout
    assert github.startswith("::notice file=")


def test_findings_on_text_nodes_are_located_at_each_text_and_subjects_elsewhere_never_crash(tmp_path):
    from click.testing import CliRunner

    from tei_tool.cli import main

    rules = write_schema(tmp_path, """\
        <ns prefix="tt" uri="http://www.tei-c.org/ns/1.0"/>
        <pattern>
          <rule context="tt:p/text()"><report test="true()">text in p</report></rule>
          <rule context="tei:hi"><report test="true()" subject="parse-xml('&lt;other/&gt;')/*">elsewhere</report></rule>
        </pattern>
        """)
    doc = tmp_path / "doc.xml"
    doc.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>a1<lb/>a2<lb/>a3</p><ab><hi>x</hi></ab>'
                   '</body></text></TEI>', encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--only", "schematron", "--schematron", str(rules), "--format", "json", str(doc)])
    import json
    found = [(f["line"], f["column"], f["message"]) for f in json.loads(result.stdout)]
    assert found == [(1, 1, "elsewhere"), (1, 57, "text in p"), (1, 64, "text in p"), (1, 71, "text in p")]
    assert "Traceback" not in result.output


def test_a_schema_may_not_take_the_generated_stylesheets_prefixes(tmp_path):
    rules = write_schema(tmp_path, '<ns prefix="xsl" uri="urn:other"/>\n<pattern><rule context="*"><assert test="true()">x</assert></rule></pattern>\n')
    with pytest.raises(SchemaError, match="the prefix 'xsl' is reserved"):
        schematron.load_schematron(rules)


def labels_of(findings) -> set[str]:
    return {f.message.rsplit(" [", 1)[1].rstrip("]") for f in findings}


def run_validate(*arguments: str):
    from click.testing import CliRunner

    from tei_tool.cli import main

    return CliRunner().invoke(main, ["validate", "--only", "schematron", *arguments])


def test_phase_option_runs_one_phase_or_all_patterns(tmp_path):
    rules = write_schema(tmp_path, """\
        <phase id="names"><active pattern="names"/></phase>
        <phase id="heads"><active pattern="heads"/></phase>
        <pattern id="names"><rule context="tei:persName"><assert test="@ref">no ref</assert></rule></pattern>
        <pattern id="heads"><rule context="tei:head"><assert test="normalize-space()">empty head</assert></rule></pattern>
        <pattern id="hi"><rule context="tei:hi"><assert test="@rend">no rend</assert></rule></pattern>
        """).read_text().replace('queryBinding="xslt2"', 'queryBinding="xslt2" defaultPhase="names"')
    (tmp_path / "rules.sch").write_text(rules, encoding="utf-8")
    letter = str(FIXTURES / "letter-bad.xml")

    def messages(*phase: str) -> set[str]:
        result = run_validate("--schematron", str(tmp_path / "rules.sch"), *phase, letter)
        assert result.exit_code == 1, result.output
        return {line.rsplit("] ", 1)[1].rsplit(" [", 1)[0] for line in result.stdout.splitlines() if "[schematron]" in line}

    assert messages() == {"no ref"}
    assert messages("--phase", "heads") == {"empty head"}
    assert messages("--phase", "#ALL") == {"no ref", "empty head", "no rend"}
    assert messages("--phase", "#DEFAULT") == {"no ref"}


def test_an_unknown_phase_is_a_usage_error_naming_the_phases(tmp_path):
    named = run_validate("--schematron", str(FIXTURES / "letters.sch"), "--phase", "nonsense", str(FIXTURES / "letter-bad.xml"))
    assert named.exit_code == 2
    assert "no phase 'nonsense' in this schema (phases: everything, references-only, #ALL)" in named.output
    # A schema the document declares (tei-edition.sch, which has no phases) is held to it too.
    declared = run_validate("--phase", "nonsense", str(FIXTURES / "edition-good.xml"))
    assert declared.exit_code == 2
    assert "tei-edition.sch: error: [schematron] no phase 'nonsense' in this schema (phases: #ALL)" in declared.output
    assert "Traceback" not in declared.output


def test_each_phase_of_a_schema_is_compiled_and_kept_apart():
    from tei_tool import validate

    letter = FIXTURES / "letter-bad.xml"

    def labels(phase: str | None) -> set[str]:
        options = validate.Options(schema_settings=validate.schemas.SchemaSettings(schematron=(FIXTURES / "letters.sch",)),
                                   only=frozenset({"schematron"}), phase=phase)
        return labels_of(validate.validate_file(letter, options))

    everything = labels(None)
    assert labels("references-only") == {"references/person-ref", "references/person-unknown, flag broken"}
    assert labels(None) == everything and len(everything) == 7
    assert labels("#ALL") == everything


def test_xsl_functions_and_keys_serve_rule_contexts_and_tests():
    functions = schematron.load_schematron(FIXTURES / "letters-functions.sch")
    assert [(f.line, f.column, f.message) for f in findings_of(functions, "letter-bad.xml")] == [
        (19, 71, "The persName points at #gorky, which is no person in the listPerson. [references/person-known]")]
    assert findings_of(functions, "letter-good.xml") == []


def test_a_broken_xsl_function_is_reported_where_it_is_written(tmp_path):
    def schema(function: str, binding: str = "xslt3") -> Path:
        return write_schema(tmp_path, '<ns prefix="f" uri="urn:f"/>\n' + function + "\n"
                            '<pattern><rule context="tei:p"><assert test="f:double(1) = 2">arithmetic</assert></rule></pattern>\n', binding)

    function = ('<xsl:function xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:f="urn:f" name="f:double">\n'
                '  <xsl:param name="n"/>\n  <xsl:sequence select="$n *"/>\n</xsl:function>')
    path = schema(function)
    with pytest.raises(SchemaError, match=rf"^{path}:6:3: error: \[schematron\] in the xsl:sequence in xsl:function 'f:double': XPST0003"):
        schematron.load_schematron(path)
    with pytest.raises(SchemaError, match=r":4:1: error: \[schematron\] xsl:function needs queryBinding=\"xslt2\" or \"xslt3\" \(this schema's is 'xpath2'\)"):
        schematron.load_schematron(schema(function.replace("$n *", "$n * 2"), binding="xpath2"))
    template = function.replace("xsl:function", "xsl:template").replace('name="f:double"', 'name="double"')
    with pytest.raises(SchemaError, match=r":4:1: error: \[schematron\] xsl:template is not supported in a schema \(only xsl:function and xsl:key are\)"):
        schematron.load_schematron(schema(template))
    with pytest.raises(SchemaError, match=r":5:32: error: \[schematron\] in the test of sch:assert 'f:double\(1\) = 2': XPST0017"):
        schematron.load_schematron(schema(""))


def test_a_pattern_let_may_be_used_in_its_rules_contexts(tmp_path):
    rules = write_schema(tmp_path, """\
        <pattern id="named">
          <let name="wanted" value="'persName'"/>
          <let name="also" value="($wanted, 'hi')"/>
          <rule context="tei:text//tei:*[local-name() = $also][not(@n = '$also')]">
            <report test="true()"><name/> is one of <value-of select="string-join($also, ', ')"/></report>
          </rule>
        </pattern>
        <pattern id="heads">
          <let name="wanted" value="'head'"/>
          <rule context="tei:*[local-name() = $wanted]"><report test="true()"><name/> is <value-of select="$wanted"/></report></rule>
        </pattern>
        """)
    found = sorted((f.line, f.column, f.message) for f in schematron.load_schematron(rules).validate(xmlsafe.load(FIXTURES / "letter-bad.xml")))
    assert found == [(17, 7, "head is head [heads]"),
                     (18, 26, "persName is one of persName, hi [named]"), (18, 74, "persName is one of persName, hi [named]"),
                     (19, 71, "persName is one of persName, hi [named]"), (20, 21, "hi is one of persName, hi [named]")]


def test_an_include_with_a_fragment_takes_only_the_element_with_that_id(tmp_path):
    library = schematron.load_schematron(FIXTURES / "letters-from-library.sch")
    assert sorted((f.line, f.column, f.message) for f in findings_of(library, "letter-bad.xml")) == [
        (17, 7, "The head is empty. [heads]"),
        (19, 28, '@when="1901-3-5" is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD). [dates/iso-when]')]
    path = write_schema(tmp_path, f'<include href="{(FIXTURES / "letters.sch").as_uri()}#nowhere"/>\n')
    with pytest.raises(SchemaError, match=rf"^{path}:3:1: error: \[schematron\] no element with id 'nowhere' in .*letters.sch$"):
        schematron.load_schematron(path)


def test_a_pattern_with_documents_checks_the_documents_it_names_in_their_own_files():
    registers = schematron.load_schematron(FIXTURES / "registers.sch")
    found = [(Path(f.file).name, f.line, f.column, f.severity, f.message) for f in findings_of(registers, "letter-with-register.xml")]
    assert sorted(found) == [
        ("letter-register.xml", 5, 3, Severity.WARNING, "The register gives no birth for chekhov. [registers/person-born]"),
        ("letter-register.xml", 6, 3, Severity.INFO, "The letter does not mention bunin. [registers/person-mentioned]"),
        ("letter-with-register.xml", 15, 19, Severity.ERROR,
         "pattern 'registers' cannot check 'missing-register.xml#gorky': no such file"),
    ]
    result = run_validate("--schematron", str(FIXTURES / "registers.sch"), str(FIXTURES / "letter-with-register.xml"))
    assert f"{FIXTURES / 'letter-register.xml'}:5:3: warning: [schematron] The register gives no birth for chekhov." in result.stdout


def test_documents_a_pattern_cannot_read_become_findings(tmp_path):
    edition = tmp_path / "edition"
    (edition / "letters").mkdir(parents=True)
    (edition / ".private").mkdir()
    (edition / "letters" / "broken.xml").write_text("<listPerson>\n<person></listPerson>", encoding="utf-8")
    (edition / ".private" / "persons.xml").write_text("<listPerson/>", encoding="utf-8")
    (tmp_path / "outside.xml").write_text("<listPerson/>", encoding="utf-8")
    rules = write_schema(tmp_path, """\
        <pattern id="elsewhere" documents="//tei:ref/@target">
          <rule context="/*"><report test="true()">read</report></rule>
        </pattern>
        """)
    letter = edition / "letters" / "letter.xml"
    targets = ["broken.xml", "../.private/persons.xml", "../../outside.xml", "http://127.0.0.1:9/persons.xml", "persons%00.xml"]
    letter.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>\n'
                      + "\n".join(f'<ref target="{target}"/>' for target in targets) + "\n</p></body></text></TEI>", encoding="utf-8")
    found = sorted((f.line, f.column, f.message) for f in schematron.load_schematron(rules).validate(xmlsafe.load(letter)))
    far = "tei-tool reads files only from below the folder above the document's, and no hidden ones"
    assert found == [
        (2, 6, f"pattern 'elsewhere' cannot check 'broken.xml': {edition / 'letters' / 'broken.xml'}:2:22: "
               "Opening and ending tag mismatch: person line 2 and listPerson"),
        (3, 6, f"pattern 'elsewhere' cannot check '../.private/persons.xml': {far}"),
        (4, 6, f"pattern 'elsewhere' cannot check '../../outside.xml': {far}"),
        (5, 6, "pattern 'elsewhere' cannot check 'http://127.0.0.1:9/persons.xml': only local files are read, not web addresses"),
        (6, 6, "pattern 'elsewhere' cannot check 'persons%00.xml': it cannot be a file name (it holds a NUL character)"),
    ]


def test_an_include_of_a_name_with_a_nul_character_is_a_schema_error(tmp_path):
    path = write_schema(tmp_path, '<include href="rules%00.sch"/>\n')
    with pytest.raises(SchemaError, match=rf"^{path}:3:1: error: \[schematron\] sch:include @href 'rules%00.sch' cannot be a file name "
                                          r"\(it holds a NUL character\)$"):
        schematron.load_schematron(path)


@pytest.mark.parametrize("prefix, uri, problem", [
    ("1bad", "urn:x", "a prefix must be an XML name without a colon"),
    ("e", "", "a prefix needs a namespace URI"),
    ("xmlns", "urn:x", "xmlns and its namespace are XML's own"),
    ("xml", "urn:x", "the prefix xml and the XML namespace belong to each other only"),
])
def test_a_namespace_xml_does_not_allow_is_a_schema_error(tmp_path, prefix, uri, problem):
    path = write_schema(tmp_path, f'<ns prefix="{prefix}" uri="{uri}"/>\n<pattern><rule context="*"><report test="true()">x</report></rule></pattern>\n')
    with pytest.raises(SchemaError, match=rf"^{path}:3:1: error: \[schematron\] sch:ns cannot bind '{prefix}' to '{uri}': {problem}$"):
        schematron.load_schematron(path)


def test_abstract_rules_extending_each_other_in_a_cycle_are_a_schema_error(tmp_path):
    path = write_schema(tmp_path, """\
        <pattern id="a--b-">
          <rule abstract="true" id="named"><extends rule="dated"/><assert test="@ref">no ref</assert></rule>
          <rule abstract="true" id="dated"><extends rule="named"/></rule>
          <rule context="tei:persName"><extends rule="named"/></rule>
        </pattern>
        """)
    with pytest.raises(SchemaError, match=rf"^{path}:5:36: error: \[schematron\] abstract rules extend each other in a cycle: "
                                          r"'named' -> 'dated' -> 'named'$"):
        schematron.load_schematron(path)
    acyclic = path.read_text(encoding="utf-8").replace('<extends rule="named"/></rule>\n  <rule context', '</rule>\n  <rule context')
    path.write_text(acyclic, encoding="utf-8")
    assert {f.message for f in findings_of(schematron.load_schematron(path), "letter-bad.xml")} == {"no ref [a--b-]"}


def test_a_schema_may_bind_the_prefix_xs_to_another_namespace_and_check_other_documents(tmp_path):
    registers = (FIXTURES / "registers.sch").read_text(encoding="utf-8")
    rebound = tmp_path / "registers.sch"
    rebound.write_text(registers.replace('<ns prefix="tei"', '<ns prefix="xs" uri="urn:not-xml-schema"/><ns prefix="tei"'), encoding="utf-8")
    schema = schematron.load_schematron(rebound)
    found = {(Path(f.file).name, f.line) for f in schema.validate(xmlsafe.load(FIXTURES / "letter-with-register.xml"))}
    assert found == {("letter-register.xml", 5), ("letter-register.xml", 6), ("letter-with-register.xml", 15)}


def test_a_schema_that_stops_with_xsl_message_says_why(tmp_path):
    path = write_schema(tmp_path, """\
        <ns prefix="f" uri="urn:f"/>
        <xsl:function xmlns:xsl="http://www.w3.org/1999/XSL/Transform" name="f:stop">
          <xsl:message terminate="yes">The register is missing: <xsl:value-of select="1 + 1"/> letters cannot be checked</xsl:message>
        </xsl:function>
        <pattern><rule context="tei:TEI"><assert test="f:stop()">x</assert></rule></pattern>
        """, binding="xslt3")
    schema = schematron.load_schematron(path)
    with pytest.raises(SchemaError, match=rf"^{path}:5:3: error: \[schematron\] in the xsl:message in xsl:function 'f:stop': "
                                          r"the schema's xsl:message stopped the run: The register is missing: 2 letters cannot be checked$"):
        list(schema.validate(xmlsafe.load(FIXTURES / "letter-good.xml")))


def test_xslt_in_a_schema_keeps_the_namespaces_declared_where_it_is_written(tmp_path):
    # Each prefix declared here names a namespace that the generated stylesheet binds under another prefix (xs, f).
    path = write_schema(tmp_path, """\
        <ns prefix="f" uri="urn:f"/>
        <xsl:function xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:xsd="http://www.w3.org/2001/XMLSchema"
                      xmlns:mine="urn:f" name="mine:double" as="xsd:integer">
          <xsl:param name="n" as="xsd:integer"/>
          <xsl:sequence xmlns:again="urn:f" select="again:add($n, $n)"/>
        </xsl:function>
        <xsl:function xmlns:xsl="http://www.w3.org/1999/XSL/Transform" name="f:add">
          <xsl:param name="a"/>
          <xsl:param name="b"/>
          <xsl:sequence select="$a + $b"/>
        </xsl:function>
        <pattern id="arithmetic">
          <rule context="tei:TEI">
            <let name="four" xmlns:ours="urn:f"><xsl:sequence xmlns:xsl="http://www.w3.org/1999/XSL/Transform" select="ours:double(2)"/></let>
            <report test="f:double(3) = 6 and $four = 4">the functions ran</report>
          </rule>
        </pattern>
        """, binding="xslt3")
    assert [f.message for f in findings_of(schematron.load_schematron(path), "letter-good.xml")] == ["the functions ran [arithmetic]"]


def test_patterns_without_documents_run_once_on_the_document_checked_beside_one_with_documents(tmp_path):
    path = write_schema(tmp_path, f"""\
        <include href="{(FIXTURES / 'registers.sch').as_uri()}"/>
        <pattern id="names">
          <rule context="tei:persName | tei:title"><report test="true()"><name/> "<value-of select="."/>"</report></rule>
        </pattern>
        """, binding="xslt3")
    found = [(Path(f.file).name, f.line, f.column, f.message) for f in findings_of(schematron.load_schematron(path), "letter-with-register.xml")]
    assert sorted(found) == [
        ("letter-register.xml", 5, 3, "The register gives no birth for chekhov. [registers/person-born]"),
        ("letter-register.xml", 6, 3, "The letter does not mention bunin. [registers/person-mentioned]"),
        ("letter-with-register.xml", 6, 18, 'title "Letter with an external register" [names]'),
        ("letter-with-register.xml", 13, 10, 'persName "Tolstoy" [names]'),
        ("letter-with-register.xml", 14, 9, 'persName "Chekhov" [names]'),
        ("letter-with-register.xml", 15, 9, 'persName "Gorky" [names]'),
        ("letter-with-register.xml", 15, 19, "pattern 'registers' cannot check 'missing-register.xml#gorky': no such file"),
    ]


def test_an_include_fragment_may_name_an_element_by_its_xml_id(tmp_path):
    (tmp_path / "library.sch").write_text(textwrap.dedent("""\
        <schema xmlns="http://purl.oclc.org/dsdl/schematron">
          <pattern xml:id="heads-by-xml-id"><rule context="tei:head"><report test="true()">a head</report></rule></pattern>
          <pattern id="heads-by-id"><rule context="tei:head"><report test="true()">another head</report></rule></pattern>
        </schema>
        """), encoding="utf-8")
    path = write_schema(tmp_path, '<include href="library.sch#heads-by-xml-id"/>\n')
    assert [(f.line, f.column, f.message) for f in findings_of(schematron.load_schematron(path), "letter-bad.xml")] == [(17, 7, "a head")]


def test_a_phase_let_serves_the_patterns_of_that_phase(tmp_path):
    path = write_schema(tmp_path, """\
        <phase id="strict"><let name="most" value="0"/><active pattern="highlights"/></phase>
        <phase id="lenient"><let name="most" value="5"/><active pattern="highlights"/></phase>
        <pattern id="highlights">
          <rule context="tei:p"><assert test="count(tei:hi) le $most">more than <value-of select="$most"/> highlights</assert></rule>
        </pattern>
        """)
    strict = findings_of(schematron.load_schematron(path, phase="strict"), "letter-bad.xml")
    assert [(f.line, f.column, f.message) for f in strict] == [(20, 7, "more than 0 highlights [highlights]")]
    assert findings_of(schematron.load_schematron(path, phase="lenient"), "letter-bad.xml") == []


KEYED_REFERENCES = """\
    <xsl:key xmlns:xsl="http://www.w3.org/1999/XSL/Transform" name="person" match="tei:person" use="@xml:id"/>
    <pattern id="references">
      <rule context="tei:persName[starts-with(@ref, '#')]">
        <assert test="key('person', substring(@ref, 2))">no person <value-of select="@ref"/></assert>
      </rule>
    </pattern>
    """


@pytest.mark.parametrize("binding", [None, "xslt", "xslt2"])
def test_keys_work_under_every_xslt_query_binding_the_default_too(tmp_path, binding):
    keyed = schematron.load_schematron(write_schema(tmp_path, KEYED_REFERENCES, binding))
    assert [(f.line, f.column, f.message) for f in findings_of(keyed, "letter-bad.xml")] == [(19, 71, "no person #gorky [references]")]


def test_keys_need_an_xslt_query_binding(tmp_path):
    with pytest.raises(SchemaError, match=r':3:1: error: \[schematron\] xsl:key needs queryBinding="xslt" or "xslt2" or "xslt3" '
                                          r"\(this schema's is 'xpath2'\)"):
        schematron.load_schematron(write_schema(tmp_path, KEYED_REFERENCES, "xpath2"))


def test_a_let_without_value_takes_its_text_as_its_value(tmp_path):
    schema = write_schema(tmp_path, """
        <let name="expected">Fixture</let>
        <pattern id="titles"><rule context="tei:title">
          <assert test=". = $expected">the title is <value-of select="."/>, not <value-of select="$expected"/></assert>
        </rule></pattern>
    """)
    (tmp_path / "doc.xml").write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><title>Fixture</title><title>Other</title></TEI>',
                                      encoding="utf-8")
    findings = list(schematron.load_schematron(schema).validate(xmlsafe.load(tmp_path / "doc.xml")))
    assert [f.message for f in findings] == ["the title is Other, not Fixture [titles]"]
