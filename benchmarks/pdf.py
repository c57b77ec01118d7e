"""Time `tei-tool pdf` against the TEI Consortium Stylesheets' XSL-FO route with Apache FOP, in one run.

Usage: python benchmarks/pdf.py [--file TEI ...]

For each file, prints wall-clock seconds from process start to PDF written,
pages, pages per second and peak memory (maximum resident set size of the
process) for tei-tool and, when available, for the FO route: `fop` on the
PATH (Debian package `fop`) and a local copy of the TEI Stylesheets named by
$TEI_STYLESHEETS (its fo/fo.xsl is used; the Stylesheets are never part of
tei-tool). Defaults: the flagship edition and the longest novel of the
shared corpus.

Targets: the flagship with every feature in under 3 s cold; a 300-page book
in under 15 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pypdf

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEFAULT_FILES = [ROOT / "tei" / "great-purge.xml", SHARED / "corpus" / "docs" / "eltec-eng" / "ENG18720_Lynn.xml"]


def tei_tool_command(source: Path, out: Path) -> list[str]:
    installed = Path(sys.executable).with_name("tei-tool")
    program = [str(installed)] if installed.exists() else [sys.executable, "-m", "tei_tool.cli"]
    return program + ["pdf", str(source), "-o", str(out), "--force"]


def fo_route_command(source: Path, out: Path) -> list[str] | None:
    stylesheets = os.environ.get("TEI_STYLESHEETS")
    fop = shutil.which("fop")
    if not (stylesheets and fop and (Path(stylesheets) / "fo" / "fo.xsl").is_file()):
        return None
    return [fop, "-xml", str(source), "-xsl", str(Path(stylesheets) / "fo" / "fo.xsl"), "-pdf", str(out)]


def measure(command: list[str], out: Path) -> tuple[float, int, float] | str:
    """(seconds, pages, peak MB) of one run, or the reason it failed."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0 or not out.exists():
        return f"failed (exit {process.returncode}): {process.stderr.read().decode(errors='replace').strip()[:200]}"
    return seconds, len(pypdf.PdfReader(out).pages), usage.ru_maxrss / 1024


def report(name: str, result: tuple[float, int, float] | str) -> float | None:
    if isinstance(result, str):
        print(f"  {name:<22} {result}")
        return None
    seconds, pages, peak = result
    print(f"  {name:<22} {seconds:6.2f} s  {pages:4d} pages  {pages / seconds:6.1f} pages/s  peak {peak:6.0f} MB")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", dest="files", action="append", type=Path, help="TEI file to render (repeatable)")
    files = [path for path in (parser.parse_args().files or DEFAULT_FILES) if path.exists()]
    if not files:
        sys.exit("no input files found (the flagship or the shared corpus)")
    with tempfile.TemporaryDirectory() as scratch:
        for source in files:
            print(f"{source.name} ({source.stat().st_size / 1024:.0f} KB)")
            ours = Path(scratch) / "tei-tool.pdf"
            tei_tool = report("tei-tool pdf", measure(tei_tool_command(source, ours), ours))
            theirs = Path(scratch) / "fo.pdf"
            command = fo_route_command(source, theirs)
            if command is None:
                print("  Stylesheets + FOP      not available (install fop and set TEI_STYLESHEETS to a local copy)")
                continue
            fop = report("Stylesheets + FOP", measure(command, theirs))
            if tei_tool and fop:
                print(f"  ratio                  tei-tool takes {tei_tool / fop:.2f}× the FO route's time")


if __name__ == "__main__":
    main()
