"""The native RELAX NG engine: verdicts, messages, locations, datatypes, corpus agreement with jing."""

from __future__ import annotations

import csv
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from tei_tool import schemas, validate
from tei_tool.errors import SchemaError
from tei_tool.relaxng import compile_schema
from tei_tool.relaxng.datatypes import XSD_LIB, Datatype, DatatypeError
from tei_tool.relaxng.xsdregex import (
    RegexError, _backtracking_is_safe, _LinearMatcher, _source, _Translator, compile_xsd_regex, translate_xsd_regex,
)

RNG = "http://relaxng.org/ns/structure/1.0"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

SCHEMA = f"""<grammar xmlns="{RNG}" datatypeLibrary="{XSD_LIB}">
  <start><element name="doc"><ref name="head"/><oneOrMore><ref name="p"/></oneOrMore></element></start>
  <define name="head"><element name="head"><attribute name="xml:id"><data type="ID"/></attribute>
    <optional><attribute name="n"><data type="integer"><param name="minInclusive">1</param></data></attribute></optional>
    <text/></element></define>
  <define name="p"><element name="p"><optional><attribute name="ref"><data type="IDREF"/></attribute></optional>
    <interleave><zeroOrMore><element name="hi"><text/></element></zeroOrMore><text/></interleave></element></define>
</grammar>"""


@pytest.fixture()
def schema(tmp_path, monkeypatch):
    monkeypatch.setenv("TEI_TOOL_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "doc.rng"
    path.write_text(SCHEMA)
    return compile_schema(path)


def findings(schema, tmp_path, xml: str):
    path = tmp_path / "doc.xml"
    path.write_text(xml)
    tree = etree.parse(str(path), etree.XMLParser(collect_ids=False))
    return list(schema.validate(tree, str(path)))


def test_valid_document_has_no_findings(schema, tmp_path):
    assert findings(schema, tmp_path, '<doc><head xml:id="h" n="2">T</head><p ref="h">a <hi>b</hi> c</p></doc>') == []


def test_each_error_is_reported_once_where_it_happens(schema, tmp_path):
    xml = ('<doc>\n<head xml:id="h" n="0">T</head>\n<p>ok</p>\n  <bogus/>\n<p ref="nowhere" x="1">a</p>\n'
           '<p><head xml:id="h">in the wrong place</head></p>\n</doc>')
    found = findings(schema, tmp_path, xml)
    messages = [(f.line, f.column, f.message.split(";")[0]) for f in found]
    assert messages == [
        (2, 18, "value of attribute `n` on element `head` is invalid: '0'"),
        (4, 3, "element `bogus` not allowed anywhere"),
        (5, 18, "attribute `x` not allowed on element `p`"),
        (6, 4, "element `head` not allowed here"),
        (6, 10, "duplicate ID `h`"),
        (5, 4, "reference to non-existent ID `nowhere`"),
    ]
    assert all(f.rule == "schema" and f.is_error for f in found)
    assert found[1].message.endswith("expected `p`")


def test_missing_content_and_attributes(schema, tmp_path):
    found = findings(schema, tmp_path, "<doc><head>T</head></doc>")
    assert [f.message for f in found] == [
        "element `head` missing required attribute `xml:id`",
        "element `doc` incomplete; expected element `p`",
    ]


def test_a_required_attribute_with_a_bad_value_is_not_also_missing(schema, tmp_path):
    """As jing: the value is the one error; the attribute is there."""
    found = findings(schema, tmp_path, '<doc><head xml:id="1x">T</head><p>a</p></doc>')
    assert [f.message for f in found] == ["value of attribute `xml:id` on element `head` is invalid: '1x'"]


def test_expected_names_are_written_as_in_a_document(schema, tmp_path):
    """Attributes with their prefix (`xml:id`, not `id`); text in words, not like an element `text`."""
    found = findings(schema, tmp_path, '<doc xmlns:my="urn:my"><head bogus="1" my:x="2" xml:id="h">T</head><p><bogus/>a</p></doc>')
    assert [f.message for f in found] == [
        "attribute `bogus` not allowed on element `head`; expected attribute `xml:id`, `n`",
        "attribute `my:x` not allowed on element `head`; expected attribute `xml:id`, `n`",
        "element `bogus` not allowed anywhere; expected `hi` or text",
    ]


def test_bad_datatype_parameter_is_a_schema_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TEI_TOOL_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "bad.rng"
    path.write_text(f'<element xmlns="{RNG}" name="a" datatypeLibrary="{XSD_LIB}">'
                    '<data type="string"><param name="minInclusive">1</param></data></element>')
    with pytest.raises(SchemaError, match="minInclusive"):
        compile_schema(path)


@pytest.mark.parametrize("type_, params, good, bad", [
    ("integer", [("minInclusive", "0")], ["0", " 42 ", "+7"], ["-1", "1.5", ""]),
    ("decimal", [("totalDigits", "3")], ["1.25", "-0.5"], ["1.255", "abc"]),
    ("date", [], ["2024-02-29", "-0044-03-15"], ["2024-13-01", "24-01-01"]),
    ("gYearMonth", [], ["1850-04"], ["1850-4"]),
    ("duration", [], ["P1Y2M", "PT5M"], ["P", "PT"]),
    ("language", [], ["en", "de-AT", "x-klingon"], ["english language", "toolongtag1"]),
    ("NCName", [], ["a-b.c", "été", "日本"], ["a:b", "1a", "\u00b7a", "é:t"]),
    ("NMTOKEN", [], ["1a", "·é"], ["a b", "a#"]),
    ("boolean", [], ["true", "0"], ["yes"]),
    ("token", [("pattern", r"[^\p{C}\p{Z}]+")], ["abc"], ["a b"]),
    ("anyURI", [], ["http://x.org/a#b", "../a.xml"], ["a#b#c"]),
])
def test_datatypes(type_, params, good, bad):
    datatype = Datatype(XSD_LIB, type_, params)
    assert all(datatype.allows(s) for s in good)
    assert not any(datatype.allows(s) for s in bad)


def test_unknown_datatype_is_refused():
    with pytest.raises(DatatypeError):
        Datatype(XSD_LIB, "notAType", [])


def test_xsd_regex_translation():
    assert compile_xsd_regex(r"[a-z-[aeiou]]+").matches("xyz")
    assert not compile_xsd_regex(r"[a-z-[aeiou]]+").matches("xaz")
    assert compile_xsd_regex(r"\i\c*").matches("_x.1")
    assert not compile_xsd_regex(r"\i\c*").matches("1x")
    assert compile_xsd_regex("a$^b").matches("a$^b")
    assert not compile_xsd_regex("ab").matches("abc")
    assert compile_xsd_regex(r"\p{Lu}\P{Lu}").matches("Ab")
    with pytest.raises(RegexError):
        compile_xsd_regex("(a")


EVIL = "\u00e4"  # a non-ASCII letter: its strings take the full translation


@pytest.mark.parametrize("pattern, value, verdict", [
    ("(a+)+b", "a" * 50 + "!", False),
    ("(a+)+b", "a" * 50 + "b", True),
    ("(a|aa)+$", "a" * 50, False),  # $ is an ordinary character in XSD
    ("(a|aa)+$", "a" * 49 + "$", True),
    ("(a*)*b", "a" * 50, False),
    ("(x+x+)+y", "x" * 50, False),
    ("(x+x+)+y", "x" * 50 + "y", True),
    ("(a|a?)+b", "a" * 50, False),
    ("a*a*a*a*a*a*a*a*a*a*a*a*b", "a" * 50, False),
    (r"(\p{L}|\p{Ll})+!", EVIL * 50, False),
    (r"(\p{L}|\p{Ll})+!", EVIL * 49 + "!", True),
    (r"([\i-[:]]|\c)*:", EVIL * 50, False),
])
def test_ambiguous_patterns_do_not_backtrack_for_ever(pattern, value, verdict):
    """Python's re would take time doubling with each character here (a schema could hang validation)."""
    assert compile_xsd_regex(pattern).matches(value) is verdict


@pytest.mark.parametrize("pattern", [
    r"[^\p{C}\p{Z}]+", r"\S+", r"\d+(\.\d+)?", r"[\d]+(\.[\d]+){0,2}", r"(\-?[\d]+/\-?[\d]+)",
    r"[0-9.,DHMPRSTWYZ/:+\-]+", r"\i\c*", r"[a-z][a-z0-9\+\.\-]*",
])
def test_the_usual_tei_patterns_are_left_to_re(pattern):
    """Unambiguous patterns, which re matches in linear time, keep its speed."""
    assert _backtracking_is_safe(_Translator(pattern, ascii=True).tree()) == (True, True)


@pytest.mark.parametrize("pattern", [
    "(a+)+b", "(a|aa)+$", "(a*)*b", "(x+x+)+y", "a*a*b", "(a?)*", "(a?|b?)c", "(a|ab)(c|bcd)", "(ab|a){2,4}b?",
    "(a?){3}", "(|a)+", "a{0}b{0,0}", "()", "", "(a|b)*a(a|b){3}", ".{2,}", "x(y|)z*", r"\d+(\.\d+)?",
    r"[a-z-[aeiou]]+", r"\i\c*", r"(\p{L}|\d){1,3}:.*", r"[\w-[a]]+\W?", r".+:.+", r"(19[789][0-9]|[2-9][0-9]{3}).*",
    r"[\d]+[a-z]*[\d]*(\.[\d]+[a-z]*[\d]*){0,3}", r"[^/\s]+:\S*",
])
def test_the_linear_matcher_agrees_with_re(pattern):
    """Both ways of matching, on both translations, give one verdict on many strings."""
    shuffle = random.Random(11)
    pool = "".join(sorted(set(pattern) - set("()[]{}|*+?\\-^,"))) * 4 + f"a1:. \n{EVIL}Ä"
    samples = ["".join(shuffle.choice(pool) for _ in range(shuffle.randint(0, 8))) for _ in range(2000)]
    verdicts = set()
    for ascii in (True, False):
        tree = _Translator(pattern, ascii=ascii).tree()
        backtracking = re.compile(f"(?:{_source(tree)})\\Z", re.DOTALL)
        linear = _LinearMatcher(tree)
        for sample in samples:
            if ascii and not sample.isascii():
                continue
            verdict = linear.matches(sample)
            assert verdict == (backtracking.match(sample) is not None), (pattern, ascii, sample)
            verdicts.add(verdict)
    assert verdicts == {True, False}


def test_a_long_ambiguous_pattern_is_judged_quickly_and_matched():
    """Thousands of optional parts: every leaf may take the first character."""
    compiled = compile_xsd_regex("a?" * 4000 + "b")
    assert compiled.matches("a" * 300 + "b") and not compiled.matches("a" * 300)


@pytest.mark.parametrize("pattern, message", [
    ("a{99999999999}", "repetition count above 1,000,000"),
    ("a{0,4294967295}", "repetition count above 1,000,000"),
    ("(" * 1000 + "a" + ")" * 1000, "groups nested more than 200 deep"),
    ("((a{1,100}){1,100}){1,100}", "too large to be matched safely"),
])
def test_patterns_beyond_the_limits_are_refused(pattern, message):
    with pytest.raises(RegexError, match=re.escape(message)):
        compile_xsd_regex(pattern)


def _rows():
    with open(CORPUS / "MANIFEST.tsv", newline="") as handle:
        return [r for r in csv.DictReader(handle, delimiter="\t") if r["tei_all_jing"]]


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not present")
def test_corpus_verdicts_and_error_counts_match_jing():
    rows = _rows()
    paths = [str(CORPUS / r["file"]) for r in rows]
    options = validate.Options(schema_settings=schemas.SchemaSettings(schema=CORPUS / "schemas" / "tei_all.rng"),
                               only=frozenset({"schema"}))
    results = {str(result.path): result.findings for result in validate.validate_paths(list(map(Path, paths)), options, jobs=2)}
    checked = same_count = invalid = 0
    for row, path in zip(rows, paths):
        found = results[path]
        if any(f.rule == "xml" for f in found):
            continue
        checked += 1
        assert (not found) == (row["tei_all_jing"] == "valid"), row["file"]
        if row["tei_all_jing"] == "invalid":
            invalid += 1
            same_count += len(found) == int(row["tei_all_jing_errors"])
    assert checked == len(rows) - 1
    assert same_count >= 0.9 * invalid


def test_columns_of_errors_on_one_long_line(schema, tmp_path):
    """A document on a single line: each error is located at its own start tag."""
    paragraphs = "".join('<p ref="h">x</p>' if i % 500 else "<p><bad/></p>" for i in range(3000))
    xml = f'<doc><head xml:id="h">T</head>{paragraphs}</doc>'
    found = findings(schema, tmp_path, xml)
    expected = [i + 1 for i in range(len(xml)) if xml.startswith("<bad/>", i)]
    assert len(expected) == 6
    assert [(f.line, f.column) for f in found] == [(1, column) for column in expected]


@pytest.mark.parametrize("encoding, declared", [("utf-16", "UTF-16"), ("utf-16-be", "UTF-16BE"), ("utf-8-sig", "UTF-8")])
def test_columns_in_a_document_not_in_plain_utf_8(schema, tmp_path, encoding, declared):
    """Columns are counted in the characters of the document's own encoding (byte order mark aside)."""
    xml = f'<?xml version="1.0" encoding="{declared}"?><doc><head xml:id="h">T</head><p>é <bogus/></p></doc>'
    path = tmp_path / "doc.xml"
    path.write_bytes(xml.encode(encoding))
    tree = etree.parse(str(path), etree.XMLParser(collect_ids=False))
    [found] = schema.validate(tree, str(path))
    assert (found.line, found.column) == (1, xml.index("<bogus/>") + 1)


def test_start_up_does_not_load_compact_syntax_support(tmp_path):
    """rnc2rng (with urllib, http and email) loads only when a compact schema is read, by lxml too."""
    compact = tmp_path / "a.rnc"
    compact.write_text("start = element a { text }\n")
    code = ("import sys\n"
            "import tei_tool.relaxng, tei_tool.validate\n"
            "from lxml import etree\n"
            "print('rnc2rng.parser' in sys.modules, 'urllib.request' in sys.modules)\n"
            f"print(etree.RelaxNG(file={str(compact)!r}).validate(etree.fromstring('<a>x</a>').getroottree()))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False", "True"]


def test_pattern_limit_stops_validation_with_a_schema_error(tmp_path, monkeypatch):
    """Interleaved groups: each order of the children is a new state, until the bound is reached."""
    monkeypatch.setenv("TEI_TOOL_CACHE_DIR", str(tmp_path / "cache"))
    groups = "".join(f'<group><element name="a{i}"><empty/></element><element name="b{i}"><empty/></element></group>'
                     for i in range(8))
    path = tmp_path / "interleave.rng"
    path.write_text(f'<element xmlns="{RNG}" name="doc"><interleave>{groups}</interleave></element>')
    schema = compile_schema(path)
    children = [f"<a{i}/>" for i in range(8)] + [f"<b{i}/>" for i in range(8)]
    assert findings(schema, tmp_path, f"<doc>{''.join(children)}</doc>") == []
    monkeypatch.setattr(schema.grammar.builder, "limit", len(schema.grammar.builder._pairs) + 5)
    with pytest.raises(SchemaError, match="more than .* patterns"):
        findings(schema, tmp_path, f"<doc>{''.join(reversed(children))}</doc>")


def test_recurring_start_tags_still_check_ids_and_values(schema, tmp_path):
    """Identical start tags share one derivation; IDs, references and bad values are still seen each time."""
    xml = ('<doc><head xml:id="h" n="1">T</head>\n<p ref="gone">a</p>\n<p ref="gone">b</p>\n'
           '<p ref="h">c</p>\n<p ref="h">d</p>\n<p><hi>x</hi></p>\n</doc>')
    assert [(f.line, f.message) for f in findings(schema, tmp_path, xml)] == [
        (2, "reference to non-existent ID `gone`"),
        (3, "reference to non-existent ID `gone`"),
    ]
    twice = '<doc><head xml:id="h">T</head><p ref="h" x="1">a</p><p ref="h" x="1">b</p></doc>'
    assert [f.message.split(";")[0] for f in findings(schema, tmp_path, twice)] == [
        "attribute `x` not allowed on element `p`", "attribute `x` not allowed on element `p`"]


@pytest.mark.parametrize("pattern", [
    r"[^\p{C}\p{Z}]+", r"\S+", r"\i\c*", r"[\i-[:]][\c-[:]]*", r"\w+\W?", r"\d+(\.\d+)?", r"\P{L}*",
    r"[\p{Lu}\p{Nd}]+", r"\p{Lo}|x", r"[^\p{Lo}]+", r"[\S-[a-c]]+", r".+:.+",
])
def test_ascii_translation_agrees_with_the_full_one(pattern):
    """ASCII strings are matched by a smaller regex; it must give the full regex's answer."""
    full = re.compile(translate_xsd_regex(pattern), re.DOTALL)
    compiled = compile_xsd_regex(pattern)
    shuffle = random.Random(7)
    samples = [chr(c) for c in range(128)] + ["".join(shuffle.choice(
        "aZ09_:.- \t\n#%xX") for _ in range(shuffle.randint(0, 6))) for _ in range(400)]
    for sample in [*samples, "Ärger", "ſ:ſ", "日本", "a\u00a0b"]:  # the last ones: full regex, compiled on demand
        assert compiled.matches(sample) == (full.match(sample) is not None), (pattern, sample)


WORDS_SCHEMA = f"""<grammar xmlns="{RNG}" datatypeLibrary="{XSD_LIB}">
  <start><element name="text"><oneOrMore><element name="s">
    <optional><attribute name="xml:id"><data type="ID"/></attribute></optional>
    <zeroOrMore><choice>
      <element name="w"><optional><attribute name="lemma"><data type="string"/></attribute></optional>
        <optional><attribute name="xml:id"><data type="ID"/></attribute></optional>
        <optional><attribute name="corresp"><data type="IDREF"/></attribute></optional>
        <optional><attribute name="n"><data type="string"/></attribute></optional><text/></element>
      <element name="num"><data type="integer"/></element>
      <element name="pc"><optional><attribute name="n"><data type="integer"/></attribute></optional>
        <optional><attribute name="force"><choice><value>strong</value><value>weak</value></choice></attribute></optional>
        <data type="token"><param name="pattern">\\p{{P}}+</param></data></element>
    </choice></zeroOrMore>
  </element></oneOrMore></element></start>
</grammar>"""


def test_recurring_words_are_checked_each_time(tmp_path, monkeypatch):
    """Elements without children share one derivation per state, tag, attributes (the values
    of free-text ones aside) and presence of text; typed content and attributes, IDs,
    references and errors are still seen at each one."""
    monkeypatch.setenv("TEI_TOOL_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "words.rng"
    path.write_text(WORDS_SCHEMA)
    schema = compile_schema(path)
    assert schema.grammar.free_text_attributes() == {"lemma"}  # the one attribute whose value never matters
    xml = ('<text><s><w lemma="a">A</w> <w lemma="a">a</w> <num>1</num> <num>x</num> <num>2</num> <num>y</num>'
           '<pc>.</pc><pc>a</pc>\n'
           '<w xml:id="w1">b</w><w xml:id="w1">b</w><w corresp="gone">c</w><w corresp="gone">c</w>'
           '<pc force="no">,</pc><pc force="no">,</pc><w><hi/></w></s>\n'
           '<s><w lemma="a">A</w><w lemma="a"/><w lemma="a">  </w><num/><num>3</num>'
           '<w n="x" lemma="b">a</w><pc n="1">.</pc><pc n="x">.</pc></s></text>')
    expected = [
        (1, 61, "character content of element `num` invalid"),  # typed content: each value is checked
        (1, 61, "element `num` incomplete"),
        (1, 87, "character content of element `num` invalid"),
        (1, 87, "element `num` incomplete"),
        (1, 109, "character content of element `pc` invalid"),
        (1, 109, "element `pc` incomplete"),
        (2, 24, "duplicate ID `w1`"),
        (2, 91, "value of attribute `force` on element `pc` is invalid: 'no'"),
        (2, 112, "value of attribute `force` on element `pc` is invalid: 'no'"),
        (2, 132, "element `hi` not allowed anywhere"),
        (3, 55, "element `num` incomplete"),
        (3, 117, "value of attribute `n` on element `pc` is invalid: 'x'"),  # `n` is free text on `w` only
        (2, 44, "reference to non-existent ID `gone`"),
        (2, 67, "reference to non-existent ID `gone`"),
    ]
    for _ in range(2):  # the second time, every derivation is already remembered
        found = findings(schema, tmp_path, xml)
        assert [(f.line, f.column, f.message.split(";")[0]) for f in found] == expected


# Positions: the '<' of the offending start tag, however the source is laid out.
LAID_OUT = ('<doc>\n<head xml:id="h">T</head><!-- <bogus/> in a comment -->\n<p>a</p><bogus\n/><bogus/>\n'
            '<p n="a x=2" ref="h"\n   x="1">b</p>\n</doc>')


def test_start_tags_over_several_lines_and_names_in_comments_are_located_exactly(schema, tmp_path):
    found = [(f.line, f.column, f.message.split(";")[0]) for f in findings(schema, tmp_path, LAID_OUT)]
    assert found == [(3, 9, "element `bogus` not allowed anywhere"), (4, 3, "element `bogus` not allowed anywhere"),
                     (5, 4, "attribute `n` not allowed on element `p`"), (6, 4, "attribute `x` not allowed on element `p`")]


def test_a_parsed_document_locates_the_same_way(tmp_path, monkeypatch):
    from tei_tool import schemas, validate

    monkeypatch.setenv("TEI_TOOL_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "doc.rng").write_text(SCHEMA)
    (tmp_path / "doc.xml").write_text(LAID_OUT)
    options = validate.Options(only=frozenset({"schema"}), schema_settings=schemas.SchemaSettings(schema=tmp_path / "doc.rng"))
    found = [(f.line, f.column) for f in validate.validate_file(tmp_path / "doc.xml", options)]
    assert found == [(3, 9), (4, 3), (5, 4), (6, 4)]


def test_an_element_in_the_wrong_namespace_is_told_so(schema, tmp_path):
    [finding] = findings(schema, tmp_path, '<doc xmlns="urn:other"><head xml:id="h">T</head><p>a</p></doc>')
    assert finding.message.startswith("element `doc` not allowed")
    assert "(this `doc` is in namespace urn:other; `doc` is expected in no namespace)" in finding.message


def test_stray_text_is_located_at_itself_and_named_by_its_element(schema, tmp_path):
    [finding] = findings(schema, tmp_path, '<doc><head xml:id="h">T</head><p>a</p>\n<p>b</p> stray words <p>c</p></doc>')
    assert (finding.line, finding.column) == (2, 10)
    assert finding.message == "text not allowed in `doc` here; expected element `p`"


def test_known_elements_inside_an_unknown_one_are_told_why(schema, tmp_path):
    found = [f.message.split(";")[0] for f in findings(schema, tmp_path, '<doc><head xml:id="h">T</head><p>a</p>'
                                                                        '<chapter><p>b</p></chapter></doc>')]
    assert found == ["element `chapter` not allowed anywhere",
                     "element `p` not allowed inside `chapter`, an element the schema does not know"]
