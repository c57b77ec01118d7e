"""Benchmark of `tei-tool entities` against the floor of merely parsing the files.

Exports every table (persons, places, orgs, dates, quotes, works; CSV) from
all well-formed files of the shared corpus in corpus mode, and parses the
same files with lxml alone. Each measurement runs in its own process so peak
memory (max RSS) is its own; the best of several runs is reported. As lxml's
import is outside the floor's time, tei-tool's import is outside the export
time too; it is reported on its own line (without cached bytecode, e.g. under
PYTHONDONTWRITEBYTECODE, it includes compiling the modules).

    .venv/bin/python benchmarks/entities.py [--runs 5] [--corpus DIR]

Target: export within 3x of the parse-only time.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "docs"
TARGET_RATIO = 3.0


def corpus_files(corpus: Path) -> list[Path]:
    """Every file of the corpus that lxml can parse (the corpus has one broken on purpose)."""
    usable = []
    for path in sorted(corpus.rglob("*.xml")):
        try:
            etree.parse(str(path))
        except etree.XMLSyntaxError:
            continue
        usable.append(path)
    return usable


def parse_only(files: list[Path]) -> None:
    for path in files:
        etree.parse(str(path))


def export_all(files: list[Path]) -> None:
    from tei_tool.export import export_registers

    with tempfile.TemporaryDirectory() as out:
        export_registers(files, Path(out) / "entities", "csv", "all")


def measure(task: str, corpus: Path) -> dict:
    """Run one task in this process and report seconds, import seconds and peak RSS."""
    files = corpus_files(corpus)
    started = time.perf_counter()
    if task == "export":
        import tei_tool.export  # noqa: F401  (timed apart, as lxml's import is for the floor)
    imported = time.perf_counter()
    {"parse": parse_only, "export": export_all}[task](files)
    seconds = time.perf_counter() - imported
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": seconds, "import_seconds": imported - started, "peak_mib": peak_kib / 1024,
        "bytes": sum(p.stat().st_size for p in files), "files": len(files),
    }


def run_isolated(task: str, corpus: Path) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--measure", task, "--corpus", str(corpus)],
        capture_output=True, text=True, check=True,
    ).stdout
    return json.loads(output)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per task; the fastest is reported")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="directory of TEI files")
    parser.add_argument("--measure", choices=["parse", "export"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.corpus)))
        return 0
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    runs: dict[str, list[dict]] = {"parse": [], "export": []}
    for _ in range(args.runs):  # interleaved, so load from other processes hits both alike
        for task in runs:
            runs[task].append(run_isolated(task, args.corpus))
    results = {task: min(measured, key=lambda r: r["seconds"]) for task, measured in runs.items()}
    size_mb = results["parse"]["bytes"] / 1e6
    print(f"corpus: {results['parse']['files']} files, {size_mb:.1f} MB (best of {args.runs} runs each)")
    print(f"{'task':<30}{'seconds':>9}{'MB/s':>9}{'peak MiB':>10}")
    for task, label in (("parse", "lxml parse only (floor)"), ("export", "tei-tool entities, all tables")):
        r = results[task]
        print(f"{label:<30}{r['seconds']:>9.2f}{size_mb / r['seconds']:>9.1f}{r['peak_mib']:>10.0f}")
    print(f"{'import of tei_tool.export':<30}{results['export']['import_seconds']:>9.2f}")
    ratio = results["export"]["seconds"] / results["parse"]["seconds"]
    verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
    print(f"export / parse = {ratio:.2f}x (target <= {TARGET_RATIO:.0f}x: {verdict})")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
