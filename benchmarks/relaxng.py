"""Benchmark the native RELAX NG engine against libxml2 and jing on the corpus.

Usage: python benchmarks/relaxng.py [--corpus DIR] [--jobs N] [--rounds N] [--no-jing] [--no-libxml2]

Validates every corpus file against tei_all with: the native engine (in
worker processes), libxml2 through lxml (the simplified schema pruned per
document), and jing when the `jing` command exists; native and jing take
turns for a few rounds and the best time of each counts, as the machine
may be shared.  CPU seconds (all processes of the run) are printed too:
on a busy machine they vary less than wall-clock time.  Prints per engine the
total seconds, files per second, the slowest file and agreement with the
verdicts and error counts jing recorded in MANIFEST.tsv; then one file of
up to 1 MB validated in a fresh process (start-up included) by the native
engine and by jing (best of three runs each).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "toolkit"))

import installed  # noqa: E402
from jing_files import finished_by_jing  # noqa: E402
from lxml import etree  # noqa: E402

from tei_tool.relaxng import document_names, load_simplified, prune  # noqa: E402
from tei_tool import xmlsafe  # noqa: E402


def manifest(corpus: Path) -> list[dict]:
    with open(corpus / "MANIFEST.tsv", newline="") as handle:
        return [row for row in csv.DictReader(handle, delimiter="\t") if row["tei_all_jing"]]


def well_formed(rows, corpus: Path) -> list[dict]:
    kept = []
    for row in rows:
        try:
            etree.parse(str(corpus / row["file"]), etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError:
            continue
        kept.append(row)
    return kept


def report(name: str, seconds: float, per_file: dict[str, tuple[float, int]], rows,
           cpu: float | None = None) -> None:
    slowest = max(per_file.items(), key=lambda item: item[1][0]) if per_file else ("-", (0.0, 0))
    verdicts = sum((per_file[r["file"]][1] == 0) == (r["tei_all_jing"] == "valid") for r in rows)
    invalid = [r for r in rows if r["tei_all_jing"] == "invalid"]
    counts = sum(per_file[r["file"]][1] == int(r["tei_all_jing_errors"]) for r in invalid)
    cpu_text = f" (CPU {cpu:5.2f} s)" if cpu is not None else " " * 15
    print(f"{name:8} {seconds:7.2f} s{cpu_text}  {len(rows) / seconds:6.1f} files/s  slowest {slowest[1][0]:.2f} s "
          f"({Path(slowest[0]).name})  verdicts {verdicts}/{len(rows)}  "
          f"error counts {counts}/{len(invalid)}")


def run_native(rows, corpus: Path, schema: Path, jobs: int):
    """Seconds for one fresh process validating every file, and each file's error count."""
    paths = [str(corpus / r["file"]) for r in rows]
    code = ("import json, sys\n"
            "sys.path.insert(0, %r)\n"
            "from pathlib import Path\n"
            "from tei_tool import schemas, validate\n"
            "paths = json.loads(sys.stdin.read())\n"
            "options = validate.Options(schemas.SchemaSettings(schema=Path(%r)), only=frozenset({'schema'}))\n"
            "results = validate.validate_paths(list(map(Path, paths)), options, jobs=%d)\n"
            "print(json.dumps({str(r.path): len(r.findings) for r in results}))"
            % (str(ROOT / "toolkit"), str(schema), jobs))
    start, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run([sys.executable, "-c", code], input=json.dumps(paths), capture_output=True,
                          text=True, check=True, env=installed.environment())
    total, cpu = time.perf_counter() - start, _children_cpu() - cpu
    counts = json.loads(done.stdout)
    return total, {r["file"]: (0.0, counts[p]) for r, p in zip(rows, paths)}, cpu


def _children_cpu() -> float:
    """CPU seconds (user and system) of the finished child processes, grandchildren included."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def native_per_file(rows, corpus: Path, schema: Path) -> dict[str, tuple[float, int]]:
    """Each file's validation time, one after the other in this process."""
    from tei_tool.relaxng import compile_schema

    compiled = compile_schema(schema)
    result = {}
    for row in rows:
        path = str(corpus / row["file"])
        tree = xmlsafe.load(path).tree
        t = time.perf_counter()
        count = sum(1 for _ in compiled.validate(tree, path))
        result[row["file"]] = (time.perf_counter() - t, count)
    return result


def run_libxml2(rows, corpus: Path, schema: Path):
    simplified = load_simplified(schema)
    result = {}
    start = time.perf_counter()
    for row in rows:
        t = time.perf_counter()
        tree = xmlsafe.load(corpus / row["file"]).tree
        compiled = etree.RelaxNG(prune(simplified, *document_names(tree)))
        valid = compiled.validate(tree)
        result[row["file"]] = (time.perf_counter() - t, 0 if valid else len(compiled.error_log) or 1)
    return time.perf_counter() - start, result


def run_jing(rows, corpus: Path, schema: Path, jing: str):
    paths = [str(corpus / r["file"]) for r in rows]
    start, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run([jing, str(schema), *paths], capture_output=True, text=True)
    total, cpu = time.perf_counter() - start, _children_cpu() - cpu
    errors: dict[str, int] = {}
    for line in done.stdout.splitlines():
        match = re.match(r"(.*?):\d+:\d+: (error|fatal):", line)
        if match:
            errors[match[1]] = errors.get(match[1], 0) + 1
    return total, {r["file"]: (0.0, errors.get(str(corpus / r["file"]), 0)) for r in rows}, cpu


def best_of(command: list[str], env: dict | None = None, repeat: int = 3) -> float:
    """Best wall-clock seconds of ``repeat`` runs of ``command``."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, env=env)
        best = min(best, time.perf_counter() - started)
    return best


def one_file(corpus: Path, schema: Path, rows, jing: str | None) -> None:
    """One file in a fresh process, best of three, with bytecode cached as after ``pip install``."""
    candidates = [(int(r["bytes"]), r["file"]) for r in rows if int(r["bytes"]) <= 1_000_000]
    size, name = max(candidates)
    path = corpus / name
    code = ("import sys; sys.path.insert(0, %r)\n"
            "from tei_tool import xmlsafe\n"
            "from tei_tool.relaxng import compile_schema\n"
            "print(sum(1 for _ in compile_schema(%r).validate(xmlsafe.load(%r).tree, %r)))"
            % (str(ROOT / "toolkit"), str(schema), str(path), str(path)))
    env = installed.environment()
    subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, env=env)
    native = best_of([sys.executable, "-c", code], env)
    line = f"one file ({Path(name).name}, {size / 1e6:.2f} MB, process start included): native {native:.2f} s"
    if jing:
        jing_time = best_of([jing, str(schema), str(path)])
        line += f", jing {jing_time:.2f} s, ratio {native / jing_time:.2f}"
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=3, help="runs of native and jing, alternating; best kept")
    parser.add_argument("--no-jing", action="store_true")
    parser.add_argument("--no-libxml2", action="store_true")
    args = parser.parse_args()
    schema = args.corpus / "schemas" / "tei_all.rng"
    rows = well_formed(manifest(args.corpus), args.corpus)
    jing = None if args.no_jing else shutil.which("jing")
    if jing:
        kept, left_out = finished_by_jing([jing], schema, [args.corpus / r["file"] for r in rows])
        rows = [r for r in rows if args.corpus / r["file"] in kept]
        if left_out:
            print(f"left out: {', '.join(f.name for f in left_out)}, which jing cannot finish "
                  "(it would silently skip every file after it)")
    load_simplified(schema)  # fill the cache, as after the first run
    run_native(rows[:2], args.corpus, schema, 1)  # and compile the bytecode
    print(f"{len(rows)} well-formed files against {schema.name}, {args.jobs} worker processes, "
          f"best of {args.rounds} rounds")
    native = jing_result = None
    for _ in range(args.rounds):
        result = run_native(rows, args.corpus, schema, args.jobs)
        native = result if native is None or result[0] < native[0] else native
        if jing:
            result = run_jing(rows, args.corpus, schema, jing)
            jing_result = result if jing_result is None or result[0] < jing_result[0] else jing_result
    times = native_per_file(rows, args.corpus, schema)
    report("native", native[0], {name: (times[name][0], count) for name, (_, count) in native[1].items()}, rows,
           native[2])
    if jing_result:
        report("jing", jing_result[0], jing_result[1], rows, jing_result[2])
        print(f"native throughput {jing_result[0] / native[0]:.2f} x jing's")
    if not args.no_libxml2:
        report("libxml2", *run_libxml2(rows, args.corpus, schema), rows)
    one_file(args.corpus, schema, rows, jing)


if __name__ == "__main__":
    main()
