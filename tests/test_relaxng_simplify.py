"""RELAX NG simplification: structure of the simple form, same verdicts, cache, errors."""

from __future__ import annotations

import contextlib
import csv
import os
import threading
from pathlib import Path

import pytest
from lxml import etree

from tei_tool import xmlsafe
from tei_tool.errors import SchemaError, XMLInputError
from tei_tool.relaxng import compile_schema, document_names, embedded_schematron, load_simplified, prune, simplify

RNG = "http://relaxng.org/ns/structure/1.0"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
HEAD = f'<grammar xmlns="{RNG}" datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes"'


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def verdict(schema: etree._ElementTree, xml: str) -> bool:
    return etree.RelaxNG(schema).validate(etree.fromstring(xml).getroottree())


def assert_simple_form(tree: etree._ElementTree) -> None:
    grammar = tree.getroot()
    assert grammar.tag == f"{{{RNG}}}grammar"
    assert grammar[0].tag == f"{{{RNG}}}start"
    defines = {d.get("name") for d in grammar[1:]}
    for define in grammar[1:]:
        assert define.tag == f"{{{RNG}}}define"
        assert len(define) == 1 and define[0].tag == f"{{{RNG}}}element"
        assert all(len(el[0]) == 0 or el[0].tag != f"{{{RNG}}}element" for el in define.iter(f"{{{RNG}}}element"))
    for ref in grammar.iter(f"{{{RNG}}}ref"):
        assert ref.get("name") in defines
    for el in grammar.iter(f"{{{RNG}}}element"):
        assert el.getparent().tag == f"{{{RNG}}}define"
    forbidden = {"optional", "zeroOrMore", "mixed", "div", "include", "externalRef", "parentRef"}
    assert not {etree.QName(e).localname for e in grammar.iter(etree.Element)} & forbidden


def test_include_with_override_combine_and_nested_grammar(tmp_path):
    write(tmp_path, "lib.rng", f"""{HEAD} ns="urn:x">
      <start><ref name="doc"/></start>
      <define name="doc"><element name="doc"><ref name="body"/></element></define>
      <define name="body"><element name="p"><text/></element></define>
      <define name="extra" combine="choice"><empty/></define>
    </grammar>""")
    main = write(tmp_path, "main.rng", f"""{HEAD}>
      <include href="lib.rng">
        <define name="body"><oneOrMore><element name="q"><ref name="inner"/></element></oneOrMore></define>
      </include>
      <define name="extra" combine="choice"><attribute name="n"/></define>
      <define name="inner">
        <grammar>
          <start><element name="r"><optional><parentRef name="extra"/></optional><mixed><ref name="x"/></mixed></element></start>
          <define name="x"><zeroOrMore><element name="b"><empty/></element></zeroOrMore></define>
        </grammar>
      </define>
    </grammar>""")
    tree = simplify(main)
    assert_simple_form(tree)
    names = {(el[0].get("ns"), el[0].text) for el in tree.getroot().iter(f"{{{RNG}}}element")}
    assert names == {("urn:x", "doc"), ("", "q"), ("", "r"), ("", "b")}  # ns is lexical
    good = '<doc xmlns="urn:x"><q xmlns=""><r n="1">t<b/>u</r></q><q xmlns=""><r/></q></doc>'
    assert verdict(tree, good)
    assert not verdict(tree, '<doc xmlns="urn:x"><p>overridden away</p></doc>')
    assert not verdict(tree, '<doc xmlns="urn:x"></doc>')
    assert not verdict(tree, '<doc><q><r/></q></doc>')
    assert not verdict(tree, '<doc xmlns="urn:x"><q xmlns=""><r n="1" m="2"/></q></doc>')


def test_external_ref_inherits_ns_and_datatype_library_stays_per_file(tmp_path):
    write(tmp_path, "part.rng", f"""<element xmlns="{RNG}" name="n"><data type="integer"
        datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes"/></element>""")
    main = write(tmp_path, "main.rng", f"""<element xmlns="{RNG}" name="top" ns="urn:y">
        <externalRef href="part.rng"/><attribute name="v"><value>a  b</value></attribute></element>""")
    tree = simplify(main)
    assert_simple_form(tree)
    value = tree.getroot().find(f".//{{{RNG}}}value")
    assert (value.get("type"), value.get("datatypeLibrary"), value.text) == ("token", "", "a  b")
    assert verdict(tree, '<top xmlns="urn:y" v=" a b "><n>42</n></top>')
    assert not verdict(tree, '<top xmlns="urn:y" v="a b"><n>x</n></top>')


def test_unreachable_and_not_allowed_are_removed(tmp_path):
    main = write(tmp_path, "main.rng", f"""{HEAD}>
      <start><element name="a"><choice><notAllowed/><ref name="b"/></choice>
        <optional><element name="c"><notAllowed/></element></optional></element></start>
      <define name="b"><element name="b"><empty/></element></define>
      <define name="unused"><element name="u"><empty/></element></define>
    </grammar>""")
    tree = simplify(main)
    assert_simple_form(tree)
    locals_ = sorted(el[0].text for el in tree.getroot().iter(f"{{{RNG}}}element"))
    assert locals_ == ["a", "b", "c"]
    assert tree.getroot().find(f".//{{{RNG}}}notAllowed") is not None  # content of c stays


@pytest.mark.parametrize(
    "body, message",
    [
        ('<start><ref name="missing"/></start>', "undefined pattern 'missing'"),
        ('<start><ref name="a"/></start><define name="a"><ref name="a"/></define>', "loops"),
        ('<start><element name="a"><empty/></element></start><define name="d"><empty/></define>'
         '<define name="d"><empty/></define>', "more than once"),
        ('<start><element name="a"><bogus/></element></start>', "unknown RELAX NG element"),
        ('<start><element name="a"><empty><text/></empty></element></start>', "empty must be empty"),
        ('<start><ref name="x y"/></start><define name="x y"><element name="a"><empty/></element></define>',
         "not a valid NCName"),
        # 4.16 applies to what later steps remove: an unused define, a branch that is notAllowed.
        ('<start><element name="a"><empty/></element></start>'
         '<define name="unused"><attribute name="xmlns"/></define>', "cannot be named xmlns"),
        ('<start><element name="a"><optional><notAllowed/><data type="integer"><param name="pattern">[0-9</param>'
         '</data></optional></element></start>', "bad pattern"),
        ('<start><element name="a"><value type="integer">ten</value></element></start>',
         "'ten' is not a value of type 'integer'"),
    ],
)
def test_bad_schemas_raise_schema_error_with_location(tmp_path, body, message):
    path = write(tmp_path, "bad.rng", f"{HEAD}>\n{body}</grammar>")
    with pytest.raises(SchemaError, match=message) as info:
        simplify(path)
    assert str(info.value).startswith(f"{path}:2:")


@contextlib.contextmanager
def writer_unblocking(pipe: Path):
    """Should ``pipe`` be opened for reading, a writer comes after a while, so a failing test does not hang."""
    timer = threading.Timer(10, lambda: pipe.write_bytes(b"<opened/>"))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes (POSIX)")
@pytest.mark.parametrize("body", ['<start><externalRef href="pipe.rng"/></start>',
                                  '<include href="pipe.rng"/><start><element name="a"><empty/></element></start>'])
def test_a_pipe_named_by_a_schema_is_refused_unread(tmp_path, monkeypatch, body):
    monkeypatch.setenv("TEI_TOOL_CACHE_DIR", str(tmp_path / "cache"))
    pipe = tmp_path / "pipe.rng"
    os.mkfifo(pipe)
    path = write(tmp_path, "main.rng", f"{HEAD}>\n{body}</grammar>")
    with writer_unblocking(pipe), pytest.raises(SchemaError) as info:
        simplify(path)
    assert str(info.value) == f"{path}:2:0: cannot read schema {pipe}: is not a regular file (a pipe or device), so it is not read"
    with writer_unblocking(pipe), pytest.raises(SchemaError, match=f"^{pipe}:0:0: cannot read schema .*a pipe or device"):
        compile_schema(pipe)


def test_a_schema_declaring_entities_is_refused(tmp_path):
    """Entities are never expanded: a schema relying on them would silently lose its content."""
    lib = write(tmp_path, "lib.rng", f'<!DOCTYPE grammar [<!ENTITY e "<empty/>">]>\n{HEAD}><start><element name="a">&e;</element></start></grammar>')
    path = write(tmp_path, "main.rng", f'{HEAD}>\n<start><externalRef href="lib.rng"/></start></grammar>')
    with pytest.raises(SchemaError, match=f"^{lib}:2:1: entity reference &e; is not expanded"):
        simplify(path)


def test_a_chain_of_thousands_of_defines_is_simplified(tmp_path):
    """Each define only refers to the next: valid RELAX NG however long, and it inlines to nothing deep."""
    chain = "".join(f'<define name="d{i}"><optional><ref name="d{i + 1}"/></optional></define>' for i in range(3000))
    path = write(tmp_path, "chain.rng", f'{HEAD}><start><element name="r"><ref name="d0"/></element></start>'
                                        f'{chain}<define name="d3000"><text/></define></grammar>')
    tree = simplify(path)
    assert_simple_form(tree)
    assert verdict(tree, "<r>text</r>") and not verdict(tree, "<r><r/></r>")


def test_patterns_nested_too_deeply_are_a_schema_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TEI_TOOL_CACHE_DIR", str(tmp_path / "cache"))
    nested = "".join(f'<define name="d{i}"><interleave><element name="x{i}"><empty/></element><group>'
                     f'<element name="y"><empty/></element><optional><ref name="d{i + 1}"/></optional></group>'
                     f'</interleave></define>' for i in range(500))
    path = write(tmp_path, "deep.rng", f'{HEAD}><start><element name="r"><ref name="d0"/></element></start>'
                                       f'{nested}<define name="d500"><text/></define></grammar>')
    with pytest.raises(SchemaError, match=f"^{path}:0:0: patterns are nested too deeply, once defines are inlined, to compile them$"):
        compile_schema(path)


def test_cache_is_used_and_invalidated_by_included_files(tmp_path, monkeypatch):
    monkeypatch.setenv("TEI_TOOL_CACHE_DIR", str(tmp_path / "cache"))
    lib = write(tmp_path, "lib.rng", f'{HEAD}><define name="x"><element name="x"><empty/></element></define></grammar>')
    main = write(tmp_path, "main.rng", f'{HEAD}><include href="lib.rng"/><start><ref name="x"/></start></grammar>')
    first = etree.tostring(load_simplified(main))
    import tei_tool.relaxng as package

    def boom(path):
        raise AssertionError("simplified again although cached")

    monkeypatch.setattr(package, "simplify_with_sources", boom)
    assert etree.tostring(load_simplified(main)) == first
    lib.write_text(lib.read_text().replace('name="x"><empty/>', 'name="y"><empty/>'))
    with pytest.raises(AssertionError, match="simplified again"):
        load_simplified(main)
    assert not list((tmp_path / "cache").rglob(".tmp-*"))


def test_embedded_schematron_is_collected_from_includes(tmp_path, monkeypatch):
    monkeypatch.setenv("TEI_TOOL_CACHE_DIR", str(tmp_path / "cache"))
    sch = "http://purl.oclc.org/dsdl/schematron"
    write(tmp_path, "lib.rng", f"""{HEAD} xmlns:sch="{sch}"><define name="x"><element name="x">
        <sch:pattern><sch:rule context="x"><sch:assert test="true()">t</sch:assert></sch:rule></sch:pattern>
        <empty/></element></define></grammar>""")
    main = write(tmp_path, "main.rng", f"""{HEAD} xmlns:sch="{sch}"><sch:ns prefix="t" uri="urn:t"/>
        <include href="lib.rng"/><start><ref name="x"/></start></grammar>""")
    found = embedded_schematron(main)
    assert [etree.QName(e).localname for e in found] == ["ns", "pattern"]
    assert all(etree.QName(e).namespace == sch for e in found)
    assert not any(sch in (e.tag or "") for e in simplify(main).getroot().iter(etree.Element))


def _corpus_rows():
    with open(CORPUS / "MANIFEST.tsv", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _parse(path: Path) -> etree._ElementTree | None:
    """The document as jing sees it (XIncludes expanded), or None when it is not well-formed."""
    try:
        return xmlsafe.load(path).tree
    except XMLInputError:
        return None


needs_corpus = pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not present")


@needs_corpus
@pytest.mark.slow
@pytest.mark.parametrize("schema_column", ["tei_all_jing", "declared_jing"])
def test_pruned_simplified_schema_gives_jings_verdict_on_the_corpus(schema_column):
    simplified: dict[str, etree._ElementTree] = {}
    checked = 0
    for row in _corpus_rows():
        if not row[schema_column]:
            continue
        schema = "schemas/tei_all.rng" if schema_column == "tei_all_jing" else row["declared_schema"]
        if schema not in simplified:
            simplified[schema] = load_simplified(CORPUS / schema)
        doc = _parse(CORPUS / row["file"])
        if doc is None:
            continue
        pruned = prune(simplified[schema], *document_names(doc))
        assert etree.RelaxNG(pruned).validate(doc) == (row[schema_column] == "valid"), row["file"]
        checked += 1
    assert checked >= 18
