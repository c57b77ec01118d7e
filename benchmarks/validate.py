"""Time `tei-tool validate --only schema` against jing on the same files, in one run.

Usage: python benchmarks/validate.py [--jing JAR_OR_COMMAND] [--corpus DIR]

Prints, for each scenario, tei-tool's and jing's wall-clock seconds (process
start included) and the ratio. jing is found as the `jing` command or a jar
given with --jing (or $JING_JAR); without it only tei-tool's figures are
printed. Scenarios follow the targets: one file (under 1 MB) against
tei_all; the ELTeC novels against their project schemas (level 1 and level
2); the well-formed corpus against tei_all.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import installed
from jing_files import finished_by_jing

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def tei_tool_command() -> list[str]:
    installed = Path(sys.executable).with_name("tei-tool")
    return [str(installed)] if installed.exists() else [sys.executable, "-m", "tei_tool.cli"]


def jing_command(explicit: str | None) -> list[str] | None:
    jar = explicit or os.environ.get("JING_JAR")
    if jar and jar.endswith(".jar") and shutil.which("java"):
        return ["java", "-jar", jar]
    if jar:
        return [jar]
    found = shutil.which("jing")
    return [found] if found else None


def timed(command: list[str], repeat: int = 3) -> float:
    """Best wall-clock time of ``repeat`` runs (exit status 0 or 1 both count as a run)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=installed.environment())
        elapsed = time.perf_counter() - started
        if result.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(command[:3])} … failed with status {result.returncode}")
        best = min(best, elapsed)
    return best


def scenarios(corpus: Path) -> list[tuple[str, Path, list[Path]]]:
    schemas = corpus / "schemas"
    docs = corpus / "docs"
    one_file = docs / "eltec-eng" / "ENG18760_Collins.xml"  # 0.8 MB, for the "file up to 1 MB" target
    eltec = sorted((docs / "eltec-eng").glob("*.xml"))
    # Level-1 novels declare eltec-1; the others are level 2 (with <s>/<w> tokens).
    level_1 = [p for p in eltec if b"eltec-1.rng" in p.read_bytes()[:2048]]
    level_2 = [p for p in eltec if p not in level_1]
    # jing stops at the first file it cannot parse and checks none after it,
    # so the corpus is compared on its well-formed files.
    well_formed = sorted(p for p in docs.rglob("*.xml") if _well_formed(p))
    return [
        ("one file vs tei_all", schemas / "tei_all.rng", [one_file]),
        ("ELTeC level 1 vs eltec-1", schemas / "eltec-1.rng", level_1),
        ("ELTeC level 2 vs eltec-2", schemas / "eltec-2.rng", level_2),
        ("well-formed corpus vs tei_all", schemas / "tei_all.rng", well_formed),
    ]


def _well_formed(path: Path) -> bool:
    from lxml import etree

    try:
        etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jing", help="jing jar or command")
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    parser.add_argument("--engine", default="native", help="tei-tool RELAX NG engine (native, libxml2, jing)")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"corpus not found at {args.corpus}")
    jing = jing_command(args.jing)
    tool = tei_tool_command()
    print(f"tei-tool: {' '.join(tool)} (engine {args.engine}); jing: {' '.join(jing) if jing else 'not available'}")
    print(f"{'scenario':30} {'files':>5} {'MB':>6} {'tei-tool s':>10} {'jing s':>8} {'ratio':>6}")
    for name, schema, files in scenarios(args.corpus):
        if jing:
            files, left_out = finished_by_jing(jing, schema, files)
            if left_out:
                print(f"  (left out of \"{name}\": {', '.join(f.name for f in left_out)}, which jing cannot finish; "
                      "it would silently skip every file after it)")
        megabytes = sum(f.stat().st_size for f in files) / 1e6
        ours = timed([*tool, "validate", "--only", "schema", "--engine", args.engine, "--schema", str(schema), *map(str, files)])
        theirs = timed([*jing, str(schema), *map(str, files)]) if jing else None
        ratio = f"{theirs / ours:5.2f}x" if theirs else "   -"
        print(f"{name:30} {len(files):5d} {megabytes:6.1f} {ours:10.2f} {theirs if theirs else float('nan'):8.2f} {ratio:>6}")
    print("ratio = jing time / tei-tool time (above 1: tei-tool is faster)")


if __name__ == "__main__":
    main()
