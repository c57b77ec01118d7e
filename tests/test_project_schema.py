"""The project's schema: tei-edition.odd, the RELAX NG derived from it, and tei-edition.sch."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest
from lxml import etree

from tei_tool import schematron, xmlsafe
from tei_tool.findings import Severity
from tei_tool.relaxng import document_names, load_simplified, prune

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "schematron"
FLAGSHIP = ROOT / "tei" / "great-purge.xml"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
TEI_ALL = SHARED / "corpus" / "schemas" / "tei_all.rng"
needs_tei_all = pytest.mark.skipif(not TEI_ALL.exists(), reason="shared corpus with tei_all.rng not present at ../shared")
needs_flagship = pytest.mark.skipif(not FLAGSHIP.exists(), reason="tei/great-purge.xml has not been written yet")

EDITION_DOCUMENTS = [FIXTURES / "edition-good.xml", FIXTURES / "letter-good.xml"]


def _generator():
    spec = importlib.util.spec_from_file_location("make_edition_schema", ROOT / "scripts" / "make-edition-schema.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def edition_rng() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMAS / "tei-edition.rng")))


@pytest.fixture(scope="module")
def edition_sch() -> schematron.Schematron:
    return schematron.load_schematron(SCHEMAS / "tei-edition.sch")


def _valid_against_tei_all(document: xmlsafe.Document) -> tuple[bool, str]:
    """tei_all's verdict, from its grammar pruned to the names the document uses (same verdict, much faster)."""
    grammar = etree.RelaxNG(prune(load_simplified(TEI_ALL), *document_names(document.tree)))
    return grammar.validate(document.tree), str(grammar.error_log)


@needs_tei_all
def test_the_odd_is_itself_valid_tei():
    valid, errors = _valid_against_tei_all(xmlsafe.load(SCHEMAS / "tei-edition.odd"))
    assert valid, errors


@needs_tei_all
def test_the_committed_rng_is_what_the_odd_generates():
    assert _generator().edition_schema(SCHEMAS / "tei-edition.odd", TEI_ALL) == (SCHEMAS / "tei-edition.rng").read_bytes()


def test_libxml2_compiles_the_rng_quickly():
    started = time.perf_counter()
    etree.RelaxNG(etree.parse(str(SCHEMAS / "tei-edition.rng")))
    assert time.perf_counter() - started < 2.0


def test_the_rng_keeps_exactly_the_odd_elements():
    odd_names, start = _generator().odd_elements(SCHEMAS / "tei-edition.odd")
    rng = etree.parse(str(SCHEMAS / "tei-edition.rng"))
    defined = {name.text for name in rng.iter("{http://relaxng.org/ns/structure/1.0}name") if name.getparent().tag.endswith("}element")}
    assert defined == set(odd_names)
    assert start == ["TEI"] and "persName" in defined and "msDesc" not in defined


@pytest.mark.parametrize("path", EDITION_DOCUMENTS, ids=lambda p: p.name)
def test_edition_documents_are_valid_against_the_rng(edition_rng, path):
    document = xmlsafe.load(path)
    assert edition_rng.validate(document.tree), str(edition_rng.error_log)


@needs_tei_all
@pytest.mark.parametrize("path", EDITION_DOCUMENTS, ids=lambda p: p.name)
def test_edition_documents_are_valid_against_tei_all(path):
    valid, errors = _valid_against_tei_all(xmlsafe.load(path))
    assert valid, errors


def test_the_rng_refuses_what_the_subset_leaves_out(edition_rng, tmp_path):
    text = (FIXTURES / "edition-good.xml").read_text(encoding="utf-8")
    with_drama = tmp_path / "drama.xml"
    with_drama.write_text(text.replace("<list>", "<sp><speaker>Rubin</speaker><p>No.</p></sp><list>", 1), encoding="utf-8")
    assert not edition_rng.validate(xmlsafe.load(with_drama).tree)
    with_foreign_attribute = tmp_path / "attribute.xml"
    with_foreign_attribute.write_text(text.replace('<div type="essay">', '<div type="essay" sameAs="#x">', 1), encoding="utf-8")
    assert not edition_rng.validate(xmlsafe.load(with_foreign_attribute).tree)


@needs_flagship
def test_the_flagship_is_valid_against_the_rng(edition_rng):
    document = xmlsafe.load(FLAGSHIP)
    assert edition_rng.validate(document.tree), str(edition_rng.error_log)


@needs_flagship
@needs_tei_all
def test_the_flagship_is_valid_against_tei_all():
    valid, errors = _valid_against_tei_all(xmlsafe.load(FLAGSHIP))
    assert valid, errors


@needs_flagship
def test_the_flagship_follows_the_edition_rules(edition_sch):
    errors = [str(f) for f in edition_sch.validate(xmlsafe.load(FLAGSHIP)) if f.severity is Severity.ERROR]
    assert errors == []


@needs_flagship
def test_the_flagship_names_the_project_schemas():
    targets = [pi.get("href") for pi in xmlsafe.xml_model_instructions(FLAGSHIP)]
    assert targets == ["../schemas/tei-edition.rng", "../schemas/tei-edition.sch"]


def test_the_edition_rules_accept_a_well_made_edition(edition_sch):
    assert list(edition_sch.validate(xmlsafe.load(FIXTURES / "edition-good.xml"))) == []


def test_the_edition_rules_report_each_fault_where_it_is(edition_sch):
    found = sorted((f.line, f.severity.value, f.message.rsplit("[", 1)[1].rstrip("]"))
                   for f in edition_sch.validate(xmlsafe.load(FIXTURES / "edition-bad.xml")))
    assert found == sorted([
        (41, "warning", "entities-referenced/entity-is-used"),  # #rubin: its only mention lost its @ref
        (53, "warning", "entities-referenced/entity-is-used"),  # #ogpu: the mention points at #cheka
        (56, "warning", "entities-referenced/entity-is-used"),  # #serge-1951: the quote points at #serge-1952
        (63, "error", "entity-references/mention-has-ref"),
        (63, "error", "entity-references/mention-ref-resolves"),
        (63, "error", "interventions/surplus-reason"),
        (64, "error", "quotations/quote-attributed"),
        (64, "error", "dates/date-normalised"),
        (66, "error", "interventions/choice-pairs"),
        (73, "error", "date-values/iso-value"),
        (76, "error", "primary-sources/source-number-unique"),
        (76, "error", "primary-sources/source-has-bibl"),
        (80, "warning", "interventions/gap-reason"),
    ])


def test_edition_rule_messages_say_what_to_do(edition_sch):
    messages = {f.message for f in edition_sch.validate(xmlsafe.load(FIXTURES / "edition-bad.xml"))}
    assert 'The orgName points at #cheka, which is no entry of the listOrg: use "#" and the xml:id of an entry there. [entity-references/mention-ref-resolves]' in messages
    assert "choice must pair sic with corr, orig with reg, or abbr with expan; it holds sic, reg. [interventions/choice-pairs]" in messages


def _odd_variant(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the project ODD with one change."""
    odd = (SCHEMAS / "tei-edition.odd").read_text(encoding="utf-8")
    assert old in odd
    variant = tmp_path / "variant.odd"
    variant.write_text(odd.replace(old, new, 1), encoding="utf-8")
    return variant


def test_the_generator_refuses_to_add_to_tei(tmp_path):
    generator = _generator()
    adding = _odd_variant(tmp_path, '<moduleRef key="tei"/>', '<moduleRef key="tei"/><elementSpec ident="myElement" mode="add"/>')
    with pytest.raises(generator.CustomisationError, match="only moduleRef is supported, not elementSpec"):
        generator.odd_elements(adding)
    twice = _odd_variant(tmp_path, 'include="surplus supplied fw"', 'include="surplus supplied fw p"')
    with pytest.raises(generator.CustomisationError, match="p is included twice"):
        generator.odd_elements(twice)


@needs_tei_all
def test_the_generator_refuses_names_tei_does_not_have(tmp_path):
    generator = _generator()
    unknown = _odd_variant(tmp_path, 'include="surplus supplied fw"', 'include="surplus supplied fw paragraph"')
    with pytest.raises(generator.CustomisationError, match="not TEI elements: paragraph"):
        generator.edition_schema(unknown, TEI_ALL)
