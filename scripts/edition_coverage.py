#!/usr/bin/env python3
"""Print annotation coverage counts for TEI editions.

Usage: edition_coverage.py FILE.xml [FILE.xml ...]

Entity counts come from the lists (listPerson, listPlace, listOrg,
listBibl) wherever they sit; mention counts from the names inside
``text`` that carry a @ref.
"""

import sys

from lxml import etree

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
    tree = etree.parse(str(path))
    return [(label, int(tree.xpath(f"count({xpath})", namespaces=NS))) for label, xpath in COUNTS]


def main(argv):
    if not argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    for path in argv:
        print(path)
        for label, count in coverage(path):
            print(f"  {label:<38} {count:>5}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
