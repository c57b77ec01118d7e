"""Time `tei-tool pdf` against the TEI Consortium Stylesheets' XSL-FO route with Apache FOP, in one run.

Usage: python benchmarks/pdf.py [--file TEI ...] [--runs N] [--no-stages]

For each book, prints wall-clock seconds from process start to PDF written
(and the CPU seconds, which depend less on what else the machine is
doing), pages, pages per second and peak memory (maximum resident set size) for
tei-tool and, when available, for the FO route: the Stylesheets' fo/fo.xsl
run by Saxon-HE for Java, then `fop` (Debian packages libsaxonhe-java and
fop). Point $TEI_STYLESHEETS at a local copy of the Stylesheets (they are
never part of tei-tool) and, if the jar is elsewhere, $SAXON_JAR at
Saxon-HE. The FO route's time is the sum of its two processes, its peak
memory the larger of the two. Each figure is the median of --runs cold runs.

Then, for each book, where tei-tool's time goes, measured in one fresh
process: imports, XSLT, first layout, index layout, PDF writing.

Books: the flagship edition (every feature: footnotes, chronology, three
indexes, contents), a ~300-page novel made of the first ten monthly parts
of Bleak House (ELTeC), and a word-tagged novel (every word an element).
Targets: the flagship in under 3 s cold; a 300-page book in under 15 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pypdf
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
ELTEC = SHARED / "corpus" / "docs" / "eltec-eng"
FLAGSHIP = ROOT / "tei" / "great-purge.xml"
TEI_NS = "{http://www.tei-c.org/ns/1.0}"
TARGETS = {"great-purge.xml": 3.0, "bleak-house-300.xml": 15.0}


def three_hundred_page_book(scratch: Path) -> Path | None:
    """The first ten monthly parts of Bleak House (about 180,000 words, about 300 pages), or None without the corpus."""
    novel = ELTEC / "ENG18530_Dickens.xml"
    if not novel.exists():
        return None
    tree = etree.parse(str(novel))
    body = tree.find(f".//{TEI_NS}body")
    for part in body.findall(f"{TEI_NS}div")[10:]:
        body.remove(part)
    book = scratch / "bleak-house-300.xml"
    tree.write(str(book), encoding="UTF-8", xml_declaration=True)
    return book


def tei_tool_commands(source: Path, out: Path) -> list[list[str]]:
    installed = Path(sys.executable).with_name("tei-tool")
    program = [str(installed)] if installed.exists() else [sys.executable, "-m", "tei_tool.cli"]
    return [program + ["pdf", str(source), "-o", str(out), "--force"]]


def fo_route_commands(source: Path, out: Path) -> list[list[str]] | None:
    """Saxon (Java) with the Stylesheets' fo/fo.xsl, then FOP; None when a piece is missing."""
    stylesheets = Path(os.environ.get("TEI_STYLESHEETS", "/nonexistent")) / "fo" / "fo.xsl"
    saxon = Path(os.environ.get("SAXON_JAR", "/usr/share/java/Saxon-HE.jar"))
    java, fop = shutil.which("java"), shutil.which("fop")
    if not (stylesheets.is_file() and saxon.is_file() and java and fop):
        return None
    fo = out.with_suffix(".fo")
    return [
        [java, "-jar", str(saxon), f"-s:{source}", f"-xsl:{stylesheets}", f"-o:{fo}"],
        [fop, "-q", "-fo", str(fo), "-pdf", str(out)],
    ]


def measure_once(commands: list[list[str]], out: Path) -> tuple[float, float, int, float] | str:
    """(seconds, CPU seconds, pages, peak MB) of the commands run one after the other, or the reason they failed."""
    out.unlink(missing_ok=True)
    seconds, cpu, peak = 0.0, 0.0, 0.0
    for command in commands:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        seconds += time.perf_counter() - started
        cpu += usage.ru_utime + usage.ru_stime
        peak = max(peak, usage.ru_maxrss / 1024)
        if os.waitstatus_to_exitcode(status) != 0:
            return f"failed ({Path(command[0]).name}): {process.stderr.read().decode(errors='replace').strip()[:200]}"
    if not out.exists():
        return "failed: no PDF written"
    return seconds, cpu, len(pypdf.PdfReader(out).pages), peak


def measure(commands: list[list[str]], out: Path, runs: int) -> tuple[float, float, int, float] | str:
    results = [measure_once(commands, out) for _ in range(runs)]
    failed = [result for result in results if isinstance(result, str)]
    if failed:
        return failed[0]
    return (statistics.median(r[0] for r in results), statistics.median(r[1] for r in results),
            results[-1][2], max(r[3] for r in results))


def report(name: str, result: tuple[float, float, int, float] | str) -> float | None:
    """Print one line of figures; return the wall-clock seconds."""
    if isinstance(result, str):
        print(f"  {name:<22} {result}")
        return None
    seconds, cpu, pages, peak = result
    print(f"  {name:<22} {seconds:6.2f} s (CPU {cpu:6.2f} s)  {pages:4d} pages  {pages / seconds:6.1f} pages/s  peak {peak:6.0f} MB")
    return seconds


STAGES = r"""
import sys, time
started = time.perf_counter()
marks = []
def mark(stage):
    marks.append((stage, time.perf_counter()))
from tei_tool import cli, pdf
import weasyprint
from weasyprint.document import Document
mark("imports")
layouts = iter(["first layout", "index layout", "full layout again"])
render, write_pdf, transform = weasyprint.HTML.render, Document.write_pdf, pdf.transform
def timed_render(self, **options):
    document = render(self, **options)
    mark(next(layouts) + f" ({len(document.pages)} p.)")
    return document
def timed_write(self, *args, **options):
    data = write_pdf(self, *args, **options)
    mark("PDF made")
    return data
def timed_transform(*args, **options):
    result = transform(*args, **options)
    mark("load + XSLT")
    return result
weasyprint.HTML.render, Document.write_pdf, pdf.transform = timed_render, timed_write, timed_transform
pdf.render_pdf(sys.argv[1], sys.argv[2], force=True)
mark("file written")
previous, parts = started, []
for stage, moment in marks:
    parts.append(f"{stage} {moment - previous:.2f}")
    previous = moment
print("  stages (s): " + ", ".join(parts))
"""


def stages(source: Path, out: Path) -> None:
    """Where tei-tool's time goes, in a fresh process (so imports are cold)."""
    # Run from the scratch folder: from here, benchmarks/html.py would hide the standard library's html.
    result = subprocess.run([sys.executable, "-c", STAGES, str(source.resolve()), str(out.resolve())], capture_output=True,
                            text=True, cwd=out.parent)
    print(result.stdout.rstrip() if result.returncode == 0 else f"  stages: failed: {result.stderr.strip()[-200:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", dest="files", action="append", type=Path, help="TEI file to render (repeatable); default: the three books above")
    parser.add_argument("--runs", type=int, default=1, help="cold runs per figure; the median is shown")
    parser.add_argument("--no-stages", action="store_true", help="skip the per-stage timings of tei-tool")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        books = arguments.files or [FLAGSHIP, three_hundred_page_book(scratch), ELTEC / "ENG18720_Lynn.xml"]
        books = [book for book in books if book is not None and book.exists()]
        if not books:
            sys.exit("no input files found (the flagship or the shared corpus)")
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; median of {arguments.runs} cold run(s)")
        for source in books:
            print(f"{source.name} ({source.stat().st_size / 1024:.0f} KB)")
            ours = measure(tei_tool_commands(source, scratch / "tei-tool.pdf"), scratch / "tei-tool.pdf", arguments.runs)
            tei_tool = report("tei-tool pdf", ours)
            if tei_tool and source.name in TARGETS:
                target = TARGETS[source.name]
                print(f"  target                 under {target:.0f} s: {'met' if tei_tool < target else 'MISSED'}")
            commands = fo_route_commands(source, scratch / "fo.pdf")
            if commands is None:
                print("  Stylesheets + FOP      not available (install fop and libsaxonhe-java, set TEI_STYLESHEETS to a local copy)")
            else:
                theirs = measure(commands, scratch / "fo.pdf", arguments.runs)
                fop = report("Stylesheets + FOP", theirs)
                if tei_tool and fop:
                    per_page = (tei_tool / ours[2]) / (fop / theirs[2])
                    print(f"  ratio                  tei-tool takes {tei_tool / fop:.2f}× the FO route's time, {per_page:.2f}× its time per page")
            if not arguments.no_stages:
                stages(source, scratch / "stages.pdf")


if __name__ == "__main__":
    main()
