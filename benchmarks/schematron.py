"""Benchmark of tei-tool's Schematron engine (XSLT 3.0 through Saxon).

1. tei_all's embedded Schematron (the rules every TEI file is checked
   against): collecting, compiling, and running it on every well-formed
   file of the shared corpus.
2. Against a peer in the same run: lxml's ISO Schematron (XSLT 1.0 through
   libxslt), on a schema both can run (XPath 1 rules), over the same files;
   the number of findings must agree.

    .venv/bin/python benchmarks/schematron.py [--corpus DIR] [--tei-all FILE]

Target: tei_all's rules compile in under a second and check the corpus at
least as fast as lxml runs the small XPath 1 schema.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree, isoschematron

from tei_tool import schematron, xmlsafe
from tei_tool.errors import XMLInputError

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

XPATH1_SCHEMA = """<schema xmlns="http://purl.oclc.org/dsdl/schematron">
  <ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/>
  <pattern id="paragraphs">
    <rule context="tei:p"><report test="not(normalize-space(.))">empty paragraph</report></rule>
  </pattern>
  <pattern id="divisions">
    <rule context="tei:div"><assert test="tei:head" role="warning">division without head</assert></rule>
  </pattern>
  <pattern id="names">
    <rule context="tei:text//tei:persName"><assert test="@ref or @key">name without @ref or @key</assert></rule>
  </pattern>
  <pattern id="dates">
    <rule context="tei:*[@when]"><assert test="string-length(@when) &gt;= 4">short @when</assert></rule>
  </pattern>
</schema>
"""


def corpus_documents(corpus: Path) -> list[xmlsafe.Document]:
    documents = []
    for path in sorted(corpus.rglob("*.xml")):
        try:
            documents.append(xmlsafe.load(path))
        except XMLInputError:
            continue
    return documents


def timed(action):
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def tei_all_figures(tei_all: Path, documents: list[xmlsafe.Document]) -> None:
    rules, collect = timed(lambda: schematron.embedded_schematron(tei_all))
    compiled, compile_time = timed(lambda: schematron.load_schematron(tei_all))
    _, reload_time = timed(lambda: schematron.load_schematron(tei_all))
    biggest = max(documents, key=lambda d: sum(1 for _ in d.root.iter()))
    _, first_run = timed(lambda: list(compiled.validate(biggest)))
    _, warm_run = timed(lambda: list(compiled.validate(biggest)))
    per_file, findings = [], 0
    for document in documents:
        found, seconds = timed(lambda: list(compiled.validate(document)))
        per_file.append(seconds)
        findings += len(found)
    print(f"tei_all embedded Schematron: {sum(r.tag.endswith('pattern') for r in rules)} patterns, {len(compiled.checks)} asserts/reports")
    print(f"  collect from the RNG     {collect * 1000:8.1f} ms")
    print(f"  generate + Saxon compile {compile_time * 1000:8.1f} ms  (again in the same process: {reload_time * 1000:.1f} ms)")
    elements = sum(1 for _ in biggest.root.iter())
    print(f"  largest file ({biggest.path.name}, {elements} nodes): first run {first_run * 1000:.0f} ms, warm {warm_run * 1000:.0f} ms")
    print(f"  {len(documents)} corpus files: total {sum(per_file):.2f} s, median {statistics.median(per_file) * 1000:.1f} ms, "
          f"max {max(per_file) * 1000:.0f} ms, {findings} findings")


def peer_figures(documents: list[xmlsafe.Document]) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "xpath1.sch"
        path.write_text(XPATH1_SCHEMA, encoding="utf-8")
        ours, our_compile = timed(lambda: schematron.load_schematron(path))
        peer, peer_compile = timed(lambda: isoschematron.Schematron(etree.parse(str(path)), store_report=True))
    our_total = peer_total = 0.0
    for document in documents:
        found, seconds = timed(lambda: list(ours.validate(document)))
        our_total += seconds
        _, seconds = timed(lambda: peer.validate(document.tree))
        peer_total += seconds
        svrl = peer.validation_report
        peer_count = len(svrl.xpath("//svrl:failed-assert | //svrl:successful-report", namespaces={"svrl": "http://purl.oclc.org/dsdl/svrl"}))
        if peer_count != len(found):
            sys.exit(f"disagreement on {document.path}: tei-tool {len(found)} findings, lxml {peer_count}")
    print(f"XPath 1 schema (4 patterns) on {len(documents)} files, same findings from both:")
    print(f"  tei-tool (Saxon, XSLT 3.0)       compile {our_compile * 1000:7.1f} ms, run {our_total:.2f} s")
    print(f"  lxml isoschematron (XSLT 1.0)    compile {peer_compile * 1000:7.1f} ms, run {peer_total:.2f} s")
    return our_total, peer_total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=SHARED / "docs", help="directory of TEI files (default: %(default)s)")
    parser.add_argument("--tei-all", type=Path, default=SHARED / "schemas" / "tei_all.rng", help="tei_all.rng (default: %(default)s)")
    args = parser.parse_args()
    if not args.corpus.is_dir() or not args.tei_all.is_file():
        print(f"needs {args.corpus} and {args.tei_all}", file=sys.stderr)
        return 2
    documents = corpus_documents(args.corpus)
    tei_all_figures(args.tei_all, documents)
    ours, peer = peer_figures(documents)
    print(f"tei-tool / lxml run time: {ours / peer:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
