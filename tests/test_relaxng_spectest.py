"""James Clark's RELAX NG test suite, run against the native engine.

Each test case has a correct or an incorrect schema (which must be
rejected), valid and invalid instances, and sometimes resources the schema
includes.  Cases the engine does not get right yet are listed in
``KNOWN_FAILURES`` with the reason; that list is meant only to shrink.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from tei_tool.errors import SchemaError
from tei_tool.relaxng import Schema, simplify

SUITE = Path(__file__).resolve().parents[1].parent / "shared" / "relaxng-testsuite" / "spectest.xml"

# case number -> reason it is expected to fail
KNOWN_FAILURES: dict[int, str] = {
    378: 'QName values: equality needs the namespace context of the text',
    379: 'QName values: equality needs the namespace context of the text',
    380: 'QName values: equality needs the namespace context of the text',
}


def _cases() -> list[tuple[int, etree._Element]]:
    if not SUITE.exists():
        return []
    parser = etree.XMLParser(resolve_entities=True, load_dtd=False, no_network=True)
    tree = etree.parse(str(SUITE), parser)
    return list(enumerate(tree.getroot().iter("testCase"), start=1))


def _first_element(holder: etree._Element) -> etree._Element | None:
    return next((kid for kid in holder if isinstance(kid.tag, str)), None)


def _materialise(holder: etree._Element, directory: Path) -> None:
    for kid in holder:
        if kid.tag == "resource":
            element = _first_element(kid)
            data = etree.tostring(element, encoding="utf-8") if element is not None else (kid.text or "").encode()
            (directory / kid.get("name")).write_bytes(data)
        elif kid.tag == "dir":
            sub = directory / kid.get("name")
            sub.mkdir()
            _materialise(kid, sub)


def check_case(case: etree._Element, directory: Path) -> list[str]:
    """The problems with one case; empty when the engine gets it right."""
    _materialise(case, directory)
    problems = []
    for schema_el in case.findall("incorrect"):
        path = directory / "incorrect.rng"
        path.write_bytes(etree.tostring(_first_element(schema_el), encoding="utf-8"))
        try:
            Schema(path, simplify(path))
        except SchemaError:
            continue
        problems.append("incorrect schema accepted")
    for schema_el in case.findall("correct"):
        path = directory / "correct.rng"
        path.write_bytes(etree.tostring(_first_element(schema_el), encoding="utf-8"))
        try:
            schema = Schema(path, simplify(path))
        except SchemaError as exc:
            problems.append(f"correct schema rejected: {exc}")
            continue
        for kind in ("valid", "invalid"):
            for n, instance in enumerate(case.findall(kind)):
                try:
                    serialised = etree.tostring(_first_element(instance), encoding="utf-8")
                    document = etree.ElementTree(etree.fromstring(serialised))
                except etree.XMLSyntaxError:
                    verdict = False  # not even well-formed once serialised
                else:
                    verdict = schema.is_valid(document)
                if verdict != (kind == "valid"):
                    problems.append(f"{kind} instance {n} judged {'valid' if verdict else 'invalid'}")
    return problems


@pytest.mark.skipif(not SUITE.exists(), reason="RELAX NG test suite not present")
@pytest.mark.parametrize("number, case", _cases(), ids=lambda value: str(value) if isinstance(value, int) else "")
def test_spectest_case(number, case, tmp_path):
    problems = check_case(case, tmp_path)
    if number in KNOWN_FAILURES:
        assert problems, f"case {number} passes now: remove it from KNOWN_FAILURES"
        pytest.xfail(KNOWN_FAILURES[number])
    assert not problems, f"case {number} (section {case.findtext('section')}): {problems}"
