"""Time `tei-tool html` against the TEI Consortium Stylesheets' HTML5 conversion.

Both run cold (a fresh process each time, as a user runs them) on the
flagship edition and on the largest file of the shared corpus. The peer
runs when TEI_STYLESHEETS (a checkout of github.com/TEIC/Stylesheets) and
SAXON_JAR (Saxon-HE) are set and java is on the PATH; it produces one page
without registers, ours the whole site.

    .venv/bin/python benchmarks/html.py [--runs 3]

Targets: the flagship site in under 0.6 s, and at least 3x faster than the
peer on every file.
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

import installed

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "tei" / "great-purge.xml"
CORPUS = ROOT.parent / "shared" / "corpus" / "docs"
TEI_TOOL = Path(sys.executable).with_name("tei-tool")
FLAGSHIP_TARGET_SECONDS = 0.6
SPEED_UP_TARGET = 3.0


def inputs() -> list[Path]:
    files = [FLAGSHIP] if FLAGSHIP.exists() else []
    if CORPUS.is_dir():
        files.append(max(CORPUS.rglob("*.xml"), key=lambda f: f.stat().st_size))
    return files


def timed(command: list[str], runs: int) -> float:
    """Median wall-clock seconds of ``command`` over ``runs`` fresh processes."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=installed.environment())
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def peer_command(source: Path, output: Path) -> list[str] | None:
    stylesheets, jar = os.environ.get("TEI_STYLESHEETS"), os.environ.get("SAXON_JAR")
    if not (stylesheets and jar and shutil.which("java")):
        return None
    stylesheet = Path(stylesheets) / "profiles" / "default" / "html5" / "to.xsl"
    return ["java", "-jar", jar, f"-s:{source}", f"-xsl:{stylesheet}", f"-o:{output}"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per measurement (median reported)")
    args = parser.parse_args()
    files = inputs()
    if not files:
        print("nothing to measure: neither tei/great-purge.xml nor the shared corpus is present")
        return 1
    failed = False
    with tempfile.TemporaryDirectory() as scratch:
        print(f"{'file':<48} {'words':>8} {'tei-tool html':>14} {'TEI Stylesheets':>16} {'speed-up':>9}")
        for source in files:
            ours = timed([str(TEI_TOOL), "html", str(source), "-o", f"{scratch}/site", "--force"], args.runs)
            words = len((Path(scratch) / "site" / "index.html").read_text(encoding="utf-8").split())
            command = peer_command(source, Path(scratch) / "peer.html")
            peer = timed(command, args.runs) if command else None
            speed_up = f"{peer / ours:8.1f}x" if peer else "      n/a"
            print(f"{source.name:<48} {words:>8} {ours:>12.2f} s {(f'{peer:.2f} s' if peer else 'not run'):>16} {speed_up}")
            if peer and peer / ours < SPEED_UP_TARGET:
                failed = True
                print(f"  below the {SPEED_UP_TARGET:.0f}x target")
            if source == FLAGSHIP and ours > FLAGSHIP_TARGET_SECONDS:
                failed = True
                print(f"  the flagship site took more than {FLAGSHIP_TARGET_SECONDS} s")
    if not peer_command(FLAGSHIP, Path("x")):
        print("peer not run: set TEI_STYLESHEETS and SAXON_JAR (and install java) to compare")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
