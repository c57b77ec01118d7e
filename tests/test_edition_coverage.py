"""scripts/edition_coverage.py: its counts agree with the entity index, and bad input is a message."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from tei_tool import entities, xmlsafe

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "tei" / "great-purge.xml"


def _script():
    spec = importlib.util.spec_from_file_location("edition_coverage", ROOT / "scripts" / "edition_coverage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_counts_agree_with_the_entity_index():
    counts = dict(_script().coverage(FLAGSHIP))
    index = entities.build_index([xmlsafe.load(FLAGSHIP)])
    persons = [p for p in index.of_kind("persons") if p.id]
    assert counts["persons"] == len(persons)
    mentions = [m for p in persons for m in p.mentions]
    assert counts["person mentions"] + counts["descriptive person references (rs)"] == len(mentions)
    assert counts["dates"] == len(index.dates)


def test_malformed_file_is_reported_not_raised(capsys):
    status = _script().main([str(ROOT / "tests" / "fixtures" / "validate" / "malformed.1-xml.xml")])
    assert status == 2
    assert "malformed.1-xml.xml:3:33: error: [xml]" in capsys.readouterr().err
