#!/usr/bin/env python3
"""Derive schemas/tei-edition.rng from schemas/tei-edition.odd and tei_all.

The ODD's ``moduleRef/@include`` lists name the elements of the subset, and
its list ``#edition-attributes`` the attributes. The simplified tei_all
grammar is pruned to them (every reference to another element, and every
other attribute, becomes ``notAllowed``) and its start narrowed to the ODD's
``@start``. Pruning only ever removes choices, so the result accepts a
subset of what tei_all accepts, by construction.

    .venv/bin/python scripts/make-edition-schema.py [--tei-all PATH] [--output PATH]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from lxml import etree

from tei_tool import xmlsafe
from tei_tool.atomic import atomic_write
from tei_tool.errors import TeiToolError
from tei_tool.relaxng import load_simplified, prune

ROOT = Path(__file__).resolve().parents[1]
ODD = ROOT / "schemas" / "tei-edition.odd"
OUTPUT = ROOT / "schemas" / "tei-edition.rng"
TEI_ALL = ROOT.parent / "shared" / "corpus" / "schemas" / "tei_all.rng"
TEI_NS = "http://www.tei-c.org/ns/1.0"
RNG_NS = "http://relaxng.org/ns/structure/1.0"
R = "{%s}" % RNG_NS
T = "{%s}" % TEI_NS
XML_NS = "http://www.w3.org/XML/1998/namespace"


class CustomisationError(TeiToolError):
    """The ODD asks for something this generator cannot derive as a strict subset."""


def odd_attributes(odd_path: Path) -> set[tuple[str, str]]:
    """The (namespace, name) pairs of the attributes the ODD's ``#edition-attributes`` list names."""
    document = xmlsafe.load(odd_path, xinclude=False)
    lists = document.root.xpath("//tei:list[@xml:id = 'edition-attributes']", namespaces={"tei": TEI_NS})
    if len(lists) != 1:
        raise CustomisationError(f"{odd_path}: expected one list with xml:id='edition-attributes'")
    names = set()
    for att in lists[0].iter(T + "att"):
        prefix, _, local = (att.text or "").strip().rpartition(":")
        if prefix not in ("", "xml"):
            raise CustomisationError(f"{odd_path}:{att.sourceline}: only xml: and unprefixed attributes are supported, not {att.text}")
        names.add((XML_NS if prefix else "", local))
    return names


def odd_elements(odd_path: Path) -> tuple[list[str], list[str]]:
    """The element names the ODD includes, and its start elements.

    Only ``moduleRef`` is understood: any ``elementSpec``, ``classSpec`` or
    other specification could add to TEI, which a subset must never do.
    """
    document = xmlsafe.load(odd_path, xinclude=False)
    schema_specs = document.root.findall(f".//{T}schemaSpec")
    if len(schema_specs) != 1:
        raise CustomisationError(f"{odd_path}: expected one schemaSpec, found {len(schema_specs)}")
    names: list[str] = []
    for child in schema_specs[0]:
        if not isinstance(child.tag, str):
            continue
        file, line, column = document.locate(child)
        if child.tag != T + "moduleRef":
            raise CustomisationError(f"{file}:{line}:{column}: only moduleRef is supported, not {etree.QName(child).localname}")
        included = child.get("include", "").split()
        if not included and child.get("key") != "tei":
            raise CustomisationError(f"{file}:{line}:{column}: moduleRef key={child.get('key')!r} needs an explicit include list")
        for name in included:
            if name in names:
                raise CustomisationError(f"{file}:{line}:{column}: {name} is included twice")
            names.append(name)
    return names, schema_specs[0].get("start", "TEI").split()


def _tei_version(tei_all: Path) -> str:
    head = tei_all.read_bytes()[:2000].decode("utf-8", "replace")
    found = re.search(r"P5 Version\s+(\d[\w.-]*\w)", head)
    return found.group(1) if found else "(version unknown)"


def edition_schema(odd_path: Path = ODD, tei_all: Path = TEI_ALL) -> bytes:
    """The text of tei-edition.rng, derived from ``odd_path`` and ``tei_all``."""
    names, start_names = odd_elements(odd_path)
    simplified = load_simplified(tei_all)
    available = {define[0][0].text: define.get("name") for define in simplified.getroot().iter(R + "define")
                 if define[0][0].tag == R + "name" and define[0][0].get("ns") == TEI_NS}
    unknown = [name for name in names if name not in available]
    if unknown:
        raise CustomisationError(f"{odd_path}: not TEI elements: {', '.join(unknown)}")
    attributes = odd_attributes(odd_path)
    grammar = prune(simplified, {(TEI_NS, name) for name in names}, attributes).getroot()
    kept = {define.get("name") for define in grammar.iter(R + "define")}
    start = grammar.find(R + "start")
    start.clear()
    choice = etree.SubElement(start, R + "choice") if len(start_names) > 1 else start
    for name in start_names:
        if available.get(name) not in kept:
            raise CustomisationError(f"{odd_path}: start element {name} is not in the subset")
        etree.SubElement(choice, R + "ref", name=available[name])
    grammar.insert(0, etree.Comment(
        f" tei-edition: generated by scripts/make-edition-schema.py from schemas/tei-edition.odd and\n"
        f"     TEI P5 {_tei_version(tei_all)} tei_all (TEI Consortium; CC-BY 3.0 / BSD-2). Do not edit: change the ODD\n"
        f"     and run the script again. {len(names)} elements, {len(attributes)} attributes; everything else is notAllowed. "))
    etree.indent(grammar, space="  ")
    return etree.tostring(grammar, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--odd", type=Path, default=ODD, help="the ODD customisation (default: %(default)s)")
    parser.add_argument("--tei-all", type=Path, default=TEI_ALL, help="tei_all.rng of TEI P5 (default: %(default)s)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write the schema (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        atomic_write(args.output, edition_schema(args.odd, args.tei_all))
    except (TeiToolError, OSError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
