#!/usr/bin/env python3
"""Print annotation coverage counts for TEI editions.

Entity counts come from the lists (listPerson, listPlace, listOrg,
listBibl) wherever they sit; mention counts from the names inside
``text`` that carry a @ref.
"""

import argparse
import sys

from tei_tool import xmlsafe
from tei_tool.errors import XMLInputError

NS = {"tei": "http://www.tei-c.org/ns/1.0"}

COUNTS = [
    ("persons", "//tei:listPerson//tei:person"),
    ("person mentions", "//tei:text//tei:persName[@ref]"),
    ("descriptive person references (rs)", "//tei:text//tei:rs[@ref]"),
    ("places", "//tei:listPlace//tei:place"),
    ("place mentions", "//tei:text//tei:placeName[@ref]"),
    ("organisations", "//tei:listOrg//tei:org"),
    ("organisation mentions", "//tei:text//tei:orgName[@ref]"),
    ("works", "//tei:listBibl/tei:bibl"),
    ("citations (bibl in text)", "//tei:text//tei:bibl"),
    ("dates", "//tei:text//tei:date"),
    ("quotations (quote, q, said)", "//tei:text//*[self::tei:quote or self::tei:q or self::tei:said]"),
    ("corrections (choice)", "//tei:text//tei:choice"),
    ("unclear passages", "//tei:text//tei:unclear"),
    ("gaps", "//tei:text//tei:gap"),
    ("surplus", "//tei:text//tei:surplus"),
]


def coverage(path):
    """Return (label, count) pairs for one TEI file."""
    tree = xmlsafe.load(path).tree
    return [(label, int(tree.xpath(f"count({xpath})", namespaces=NS))) for label, xpath in COUNTS]


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", metavar="FILE.xml", help="TEI files to count")
    args = parser.parse_args(argv)
    status = 0
    for path in args.files:
        try:
            counts = coverage(path)
        except XMLInputError as exc:
            print(exc, file=sys.stderr)
            status = 2
            continue
        print(path)
        for label, count in counts:
            print(f"  {label:<38} {count:>5}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
