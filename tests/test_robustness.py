"""Mutated editions: whatever is wrong with a file, every command answers with findings or a
located error (a TeiToolError), never an unexpected exception.

The mutations are seeded, so a failure names the case and replays exactly.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from tei_tool import entities, html, parallel, validate, xmlsafe
from tei_tool.errors import TeiToolError

HERE = Path(__file__).resolve().parent
SOURCES = [HERE / "fixtures" / "html-edition.xml", HERE / "fixtures" / "word-tagged.xml", HERE / "fixtures" / "hostile-html.xml"]
TEI = "{http://www.tei-c.org/ns/1.0}"
TEI_ALL = HERE.parent.parent / "shared" / "corpus" / "schemas" / "tei_all.rng"
XML = "{http://www.w3.org/XML/1998/namespace}"
NAMES = ["persName", "placeName", "orgName", "date", "quote", "note", "p", "div", "choice", "sic", "corr", "w", "pc",
         "ref", "ptr", "lg", "l", "list", "item", "table", "row", "cell", "person", "place", "listPerson", "head",
         "bibl", "listBibl", "rs", "said", "gap", "surplus", "hi", "lb", "pb", "graphic", "text", "body"]
ATTRIBUTES = ["ref", "when", "from", "to", "notBefore", "notAfter", "target", "who", "source", XML + "id", XML + "lang",
              "rend", "type", "n", "facs", "url", "join", "corresp", "cols", "rows", "role", "href"]
VALUES = ["", " ", "#", "#x", "#kirov #stalin", "1936-13-45", "-0044", "--12", "2020-02-30", "javascript:alert(1)",
          "<b>", "\"'", "\u202e", "x" * 300 + ".xml#a", "a%00b.xml#a", "0", "-1", "999999999999", "right", "both", "fr"]
BYTE_SNIPPETS = [b"<", b">", b"&", b"&amp;", b"\x00", b"]]>", b"<![CDATA[", b"<?pi x?>", b"<!--", b"&#0;",
                 b"&#x110000;", b'xml:id="a"', b"<!DOCTYPE x [<!ENTITY a 'b'>]>"]


def mutate_tree(source: Path, rng: random.Random) -> bytes:
    tree = etree.parse(str(source), xmlsafe.safe_parser())
    elements = [e for e in tree.iter() if isinstance(e.tag, str)]
    for _ in range(rng.randint(1, 8)):
        element = rng.choice(elements)
        roll = rng.random()
        if roll < 0.35:
            element.set(rng.choice(ATTRIBUTES), rng.choice(VALUES))
        elif roll < 0.55:
            added = etree.SubElement(element, TEI + rng.choice(NAMES))
            added.text = rng.choice(["", "Kirov", " ", "1936", ","])
        elif roll < 0.7 and element.getparent() is not None and element.getparent().getparent() is not None:
            element.getparent().remove(element)
        elif roll < 0.85:
            element.tag = TEI + rng.choice(NAMES)
        else:
            element.text = rng.choice(VALUES)
    return etree.tostring(tree, encoding="utf-8", xml_declaration=True)


def mutate_bytes(source: Path, rng: random.Random) -> bytes:
    data = bytearray(source.read_bytes())
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(data))
        roll = rng.random()
        if roll < 0.3:
            del data[at:at + rng.randint(1, 40)]
        elif roll < 0.7:
            data[at:at] = rng.choice(BYTE_SNIPPETS)
        else:
            start = rng.randrange(len(data))
            data[at:at] = data[start:start + 150]
    return bytes(data)


def answers_without_crashing(path: Path) -> None:
    for command in (lambda: validate.validate_file(path),
                    lambda: html.render_pages(xmlsafe.load(path)),
                    lambda: entities.build_index([path])):
        try:
            command()
        except TeiToolError:
            pass


@pytest.mark.parametrize("seed", range(40))
def test_mutated_elements_and_attributes(tmp_path, seed):
    rng = random.Random(seed)
    path = tmp_path / f"mutant-{seed}.xml"
    path.write_bytes(mutate_tree(rng.choice(SOURCES), rng))
    answers_without_crashing(path)


@pytest.mark.parametrize("seed", range(40))
def test_mutated_bytes(tmp_path, seed):
    rng = random.Random(1000 + seed)
    path = tmp_path / f"mutant-{seed}.xml"
    path.write_bytes(mutate_bytes(rng.choice(SOURCES), rng))
    answers_without_crashing(path)


# Documents libxml2 reads within its limits must get through Saxon (the HTML, the PDF and
# the Schematron) and WeasyPrint too: Saxon's parser ships stricter limits of its own.

HEADER = ("<teiHeader><fileDesc><titleStmt><title>Limits</title></titleStmt><publicationStmt><p>Test</p>"
          "</publicationStmt><sourceDesc><p>Made for the test</p></sourceDesc></fileDesc></teiHeader>")


def edition(body: str) -> bytes:
    return f'<TEI xmlns="http://www.tei-c.org/ns/1.0">{HEADER}<text><body>{body}</body></text></TEI>'.encode()


LIMIT_CASES = {
    # 250 levels: libxml2 reads up to 256; Saxon's parser stopped at 100.
    "nested 250 deep": (edition("<div>" * 242 + "<p>deepest</p>" + "</div>" * 242), "deepest"),
    # More than 100,000 characters that XML writes as entity references (&amp; &lt; &quot;).
    "110,000 escaped characters": (edition('<p rend="' + "&quot;" * 50_000 + '">' + "&amp;" * 30_000
                                           + "&lt;" * 30_000 + "</p>"), "&amp;" * 30_000 + "&lt;" * 30_000),
    # Saxon's parser refused more than 200 attributes on an element.
    "300 attributes": (edition('<p xmlns:x="urn:x" ' + " ".join(f'x:a{i}="v"' for i in range(300)) + ">many</p>"),
                       ">many<"),
}


@pytest.mark.parametrize("case", LIMIT_CASES)
def test_documents_within_libxml2s_limits_are_checked_and_rendered(case, tmp_path):
    data, expected_html = LIMIT_CASES[case]
    source = tmp_path / "limits.xml"
    source.write_bytes(data)
    findings = validate.validate_file(source)  # Schematron included
    assert all(f.rule != "xml" for f in findings), findings
    html.build_site(source, tmp_path / "html")
    assert expected_html in (tmp_path / "html" / "index.html").read_text(encoding="utf-8")


def test_deeply_nested_document_becomes_a_pdf(tmp_path):
    from tei_tool import pdf

    source = tmp_path / "deep.xml"
    source.write_bytes(LIMIT_CASES["nested 250 deep"][0])
    out = pdf.render_pdf(source, tmp_path / "deep.pdf")
    assert out.read_bytes().startswith(b"%PDF")


def test_a_process_that_ran_schematron_is_not_forked():
    # A fresh interpreter: in this one, Saxon may have run already.
    script = ("import sys; from tei_tool import parallel, validate\n"
              "before = parallel.fork_is_safe()\n"
              f"validate.validate_file({str(HERE / 'fixtures' / 'html-edition.xml')!r})  # runs tei-edition.sch\n"
              "print(before, parallel.fork_is_safe())\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False"]


def test_beyond_libxml2s_limits_the_message_names_them(tmp_path):
    source = tmp_path / "too-deep.xml"
    source.write_bytes(edition("<div>" * 260 + "<p>too deep</p>" + "</div>" * 260))
    [finding] = validate.validate_file(source)
    assert (finding.rule, finding.line) == ("xml", 1)
    assert "256 levels of nesting" in finding.message and "XML_PARSE_HUGE" not in finding.message


# XInclude reads local files, but only within reach: a TEI file from someone else must not
# publish /etc/passwd or ~/.ssh keys in the edition.

def _including(path: Path, *hrefs: str, parse: str = "text") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    includes = "".join(f'<p><xi:include href="{href}" parse="{parse}"/></p>' for href in hrefs)
    path.write_text(f'<TEI xmlns="http://www.tei-c.org/ns/1.0" xmlns:xi="http://www.w3.org/2001/XInclude">{HEADER}'
                    f"<text><body>{includes}</body></text></TEI>", encoding="utf-8")
    return path


def test_xinclude_reads_no_file_out_of_reach(tmp_path, monkeypatch):
    (tmp_path / "secret.txt").write_text("SECRET-OUTSIDE", encoding="utf-8")
    (tmp_path / "edition" / ".env").parent.mkdir(parents=True)
    (tmp_path / "edition" / ".env").write_text("SECRET-HIDDEN", encoding="utf-8")
    (tmp_path / "edition" / "parts").mkdir()
    (tmp_path / "edition" / "parts" / "shared.txt").write_text("Shared part", encoding="utf-8")
    _including(tmp_path / "edition" / "parts" / "nested.xml", "../../secret.txt")
    source = _including(tmp_path / "edition" / "tei" / "doc.xml",
                        str(tmp_path / "secret.txt"), "../../secret.txt", "../.env", "../parts/shared.txt")
    monkeypatch.chdir(source.parent)
    document = xmlsafe.load(source)
    refused = [f for f in document.load_findings if f.rule == "xinclude"]
    assert [f.line for f in refused] == [1, 1, 1] and all("is refused" in f.message for f in refused)
    html.build_site(source, tmp_path / "site")
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "Shared part" in page and "SECRET" not in page


def test_a_part_may_not_include_what_the_document_may_not(tmp_path, monkeypatch):
    (tmp_path / "secret.txt").write_text("SECRET-OUTSIDE", encoding="utf-8")
    _including(tmp_path / "edition" / "parts" / "nested.xml", "../../secret.txt")
    source = _including(tmp_path / "edition" / "tei" / "doc.xml", "../parts/nested.xml", parse="xml")
    monkeypatch.chdir(source.parent)
    [finding] = xmlsafe.load(source).load_findings
    assert "../../secret.txt (included by" in finding.message and "is refused" in finding.message
    assert b"SECRET" not in etree.tostring(xmlsafe.load(source).tree)


def _tei_tool(*args: str, **popen) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tei_tool.cli", *args], capture_output="stdout" not in popen,
                          stderr=subprocess.PIPE if "stdout" in popen else None, text=True, timeout=120, **popen)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux) to fill standard output")
@pytest.mark.parametrize("args", [["validate", str(SOURCES[2])], ["entities", str(SOURCES[0]), "--type", "persons"]])
def test_a_full_standard_output_is_an_error_message(args):
    with open("/dev/full", "w") as full:
        done = _tei_tool(*args, stdout=full)
    assert done.returncode == 2
    assert "Error: cannot write the output: No space left on device" in done.stderr and "Traceback" not in done.stderr


def test_a_closed_standard_output_is_an_error_message():
    done = _tei_tool("validate", str(SOURCES[0]), stdout=None, preexec_fn=lambda: os.close(1))
    assert done.returncode == 2
    assert done.stderr.strip() == "Error: standard output is closed"


def test_a_damaged_schema_cache_is_built_again(tmp_path, monkeypatch):
    from tei_tool import relaxng

    monkeypatch.setenv("TEI_TOOL_CACHE_DIR", str(tmp_path / "cache"))
    schema = tmp_path / "mini.rng"
    schema.write_text('<element name="doc" xmlns="http://relaxng.org/ns/structure/1.0"><text/></element>', encoding="utf-8")
    first = relaxng._load_grammar(schema), relaxng.load_simplified(schema), relaxng.embedded_schematron(schema)
    entries = [p for p in (tmp_path / "cache").rglob("*") if p.is_file() and p.suffix != ".deps"]
    assert len(entries) == 3
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[:20])
    grammar, simplified, schematron_patterns = (relaxng._load_grammar(schema), relaxng.load_simplified(schema),
                                                relaxng.embedded_schematron(schema))
    assert etree.tostring(simplified) == etree.tostring(first[1]) and schematron_patterns == []
    assert relaxng.Schema(schema, grammar=grammar).is_valid(etree.ElementTree(etree.fromstring("<doc>x</doc>")))
    assert all(len(entry.read_bytes()) > 20 for entry in entries)  # rebuilt on disk too


def _files_in_folders(tmp_path: Path, *names: str) -> list[str]:
    """A file in a folder of its own for each name: a batch of its own, so each worker gets one."""
    files = []
    for name in names:
        (tmp_path / name).mkdir()
        files.append(str(tmp_path / name / f"{name}.xml"))
        Path(files[-1]).write_text("<TEI/>", encoding="utf-8")
    return files


def test_ctrl_c_during_worker_processes_ends_them_without_tracebacks(tmp_path):
    import signal
    import time

    files = _files_in_folders(tmp_path, "a", "b", "c", "d")
    assert len(parallel.batches(files, 2)) == 4
    script = ("import time\nfrom tei_tool import parallel\n"
              "def slow(batch):\n    time.sleep(30)\n    return batch\n"
              f"try:\n    list(parallel.map_in_order(slow, {files!r}, 2))\n"
              "except KeyboardInterrupt:\n    print('Interrupted.')\n")
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    deadline = time.monotonic() + 20
    while len(children.read_text().split()) < min(2, parallel.usable_cpus()) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # the workers are in their work
    interrupted = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)  # as a terminal does: to every process of the group
    out, err = process.communicate(timeout=30)
    assert out.strip() == "Interrupted." and "Traceback" not in err, err
    assert time.monotonic() - interrupted < 10  # the sleeping workers were stopped, not waited for


def _run_workers(body: str) -> subprocess.CompletedProcess:
    """``body`` in a fresh interpreter (this one may run Saxon already, and then nothing is forked)."""
    script = "import os, sys, time\nfrom tei_tool import parallel\nfrom tei_tool.errors import TeiToolError\n" + body
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(parallel.usable_cpus() < 2, reason="the other worker needs a second CPU")
def test_an_error_in_a_worker_is_raised_in_the_parent_and_the_other_workers_end(tmp_path):
    files = _files_in_folders(tmp_path, "good", "bad")
    done = _run_workers(
        "def work(batch):\n"
        "    if batch[0].endswith('bad.xml'):\n        time.sleep(0.5)\n        raise TeiToolError('schema broke on bad')\n"
        "    time.sleep(20)\n    return batch\n"
        "started = time.monotonic()\n"
        f"try:\n    list(parallel.map_in_order(work, {files!r}, 2))\n"
        "except TeiToolError as exc:\n    print(exc, round(time.monotonic() - started))\n")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    message, seconds = done.stdout.rsplit(" ", 1)
    assert message == "schema broke on bad" and int(seconds) < 10  # the sleeping worker was not waited for


def test_an_error_that_cannot_be_pickled_still_reaches_the_parent_with_its_message(tmp_path):
    files = _files_in_folders(tmp_path, "one", "two")
    done = _run_workers(
        "class Unpicklable(TeiToolError):\n    def __init__(self, message, handle):\n        super().__init__(message)\n"
        "def work(batch):\n    raise Unpicklable('the schema broke', open(os.devnull))\n"
        f"try:\n    list(parallel.map_in_order(work, {files!r}, 2))\n"
        "except TeiToolError as exc:\n    print(type(exc).__name__, exc)\n")
    assert done.returncode == 0 and done.stdout.strip() == "TeiToolError the schema broke", done.stderr


def test_a_worker_that_dies_is_reported_with_its_files_instead_of_hanging(tmp_path):
    files = []
    for name in ("a", "doomed", "b"):  # a folder each: a batch each
        (tmp_path / name).mkdir()
        files.append(tmp_path / name / f"{name}.xml")
        files[-1].write_text("<TEI/>", encoding="utf-8")
    done = _run_workers(
        "def work(batch):\n"
        "    if any(path.endswith('doomed.xml') for path in batch):\n        os.kill(os.getpid(), 9)\n"
        "    return batch\n"
        f"try:\n    list(parallel.map_in_order(work, {list(map(str, files))!r}, 2))\n"
        "except TeiToolError as exc:\n    print(exc)\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"a worker process stopped unexpectedly while checking {files[1]}"


@pytest.mark.skipif(parallel.usable_cpus() < 2,
                    reason="sharing out batches needs two CPUs for two workers")
def test_a_worker_busy_with_a_slow_file_leaves_the_others_to_the_other_worker(tmp_path):
    for name, size in [("slow", 4000)] + [(f"quick{i}", 100) for i in range(6)]:
        (tmp_path / name / "f.xml").parent.mkdir()
        (tmp_path / name / "f.xml").write_text("x" * size, encoding="utf-8")
    done = _run_workers(
        "def work(batch):\n"
        "    time.sleep(3 if batch[0].endswith(os.path.join('slow', 'f.xml')) else 0.05)\n"
        "    return [os.getpid()] * len(batch)\n"
        f"files = sorted(os.path.join({str(tmp_path)!r}, d, 'f.xml') for d in os.listdir({str(tmp_path)!r}))\n"
        "pids = list(parallel.map_in_order(work, files, 2))\n"
        f"slow = pids[files.index(os.path.join({str(tmp_path)!r}, 'slow', 'f.xml'))]\n"
        "print(len(pids), sum(pid == slow for pid in pids))\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["7", "1"]


def test_no_more_worker_processes_than_cpus(tmp_path):
    for i in range(40):
        (tmp_path / f"f{i}.xml").write_text("<TEI/>" * 10, encoding="utf-8")
    # A fresh interpreter: this one may run Saxon already, and then nothing is forked.
    script = ("import os, sys\nfrom tei_tool import parallel\n"
              "def pids(batch):\n    return [os.getpid() for _ in batch]\n"
              f"files = [os.path.join({str(tmp_path)!r}, f'f{{i}}.xml') for i in range(40)]\n"
              "found = list(parallel.map_in_order(pids, files, 1000))\n"
              "print(len(found), len(set(found)), parallel.usable_cpus())\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    results, workers, cpus = map(int, done.stdout.split())
    assert results == 40 and workers <= cpus


@pytest.mark.parametrize("encoding, declared", [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16"),
                                                ("utf-8-sig", "UTF-8"), ("iso-8859-1", "ISO-8859-1")])
def test_files_in_any_encoding_get_their_source_lines_and_columns(tmp_path, encoding, declared):
    source = tmp_path / "encoded.xml"
    source.write_bytes((f'<?xml version="1.0" encoding="{declared}"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0">'
                        f'{HEADER}\n<text><body><p>Café <persName ref="#nobody">Kirov</persName></p></body></text></TEI>\n'
                        ).encode(encoding))
    document = xmlsafe.load(source)
    assert document.source_line(str(source), 3).startswith("<text><body><p>Café <persName")
    [finding] = [f for f in validate.validate_file(source, validate.Options(only=frozenset({"pointers"})))
                 if f.rule == "pointer"]
    assert (finding.line, finding.column) == (3, 31)  # the @ref


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes (POSIX)")
def test_a_file_that_cannot_be_read_is_an_io_error_and_the_others_are_still_checked(tmp_path):
    from click.testing import CliRunner

    from tei_tool.cli import main

    os.mkfifo(tmp_path / "pipe.xml")  # reading it would wait for a writer for ever
    result = CliRunner().invoke(main, ["validate", "--only", "pointers", str(tmp_path / "pipe.xml"), str(SOURCES[0])])
    assert result.exit_code == 2
    assert f"{tmp_path / 'pipe.xml'}:0:0: error: [io] is not a regular file" in result.stdout
    assert "2 files checked: 1 valid, 1 invalid" in result.stdout
    built = CliRunner().invoke(main, ["build", str(tmp_path / "pipe.xml"), "-o", str(tmp_path / "out")])
    assert built.exit_code == 2 and "[io] is not a regular file" in built.stderr


@pytest.mark.skipif(not TEI_ALL.exists(), reason="needs tei_all.rng from ../shared/corpus/schemas")
def test_a_damaged_cache_of_the_libxml2_engine_is_built_again(tmp_path, monkeypatch):
    from tei_tool import schemas

    monkeypatch.setenv("TEI_TOOL_CACHE_DIR", str(tmp_path / "cache"))
    options = validate.Options(only=frozenset({"schema"}), engine="libxml2",
                               schema_settings=schemas.SchemaSettings(schema=TEI_ALL))
    before = validate.validate_file(SOURCES[0], options)
    for entry in (tmp_path / "cache").rglob("*.rng"):
        entry.write_bytes(b"")
    schemas.compile_relaxng.cache_clear()
    assert validate.validate_file(SOURCES[0], options) == before


def test_a_file_reached_twice_is_checked_once(tmp_path, monkeypatch):
    folder = tmp_path / "letters"
    folder.mkdir()
    (folder / "a.xml").write_bytes(SOURCES[0].read_bytes())
    monkeypatch.chdir(tmp_path)
    found = validate.expand_paths(["letters/a.xml", str(folder / "a.xml"), "./letters/a.xml", "letters", "letters/*.xml"])
    assert found == [Path("letters/a.xml")]


def test_an_error_naming_a_strange_file_stays_on_one_line(tmp_path):
    from click.testing import CliRunner

    from tei_tool.cli import main

    strange = tmp_path / "a\nError: forged.xml"
    strange.write_text("<TEI", encoding="utf-8")
    result = CliRunner().invoke(main, ["html", str(strange), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "a\\nError: forged.xml" in result.stderr


def test_a_pointer_into_a_file_that_is_not_xml_is_reported(tmp_path):
    (tmp_path / "broken.xml").write_text("<TEI", encoding="utf-8")
    source = tmp_path / "doc.xml"
    source.write_bytes(edition('<p><persName ref="broken.xml#a">A</persName></p>'))
    [finding] = validate.validate_file(source, validate.Options(only=frozenset({"pointers"})))
    assert finding.rule == "pointer" and finding.is_error
    assert f"points into 'broken.xml', which cannot be read as XML ({tmp_path / 'broken.xml'}:1:" in finding.message


def test_an_untagged_name_after_a_start_tag_over_two_lines_is_located(tmp_path):
    source = tmp_path / "lint.xml"
    source.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0">' + HEADER + '<text><body>\n'
                      '<p><persName ref="#kirov">Kirov</persName></p>\n<p\n   n="2">Then Kirov spoke.</p>\n'
                      '<listPerson><person xml:id="kirov"><persName>Kirov</persName></person></listPerson>'
                      '</body></text></TEI>', encoding="utf-8")
    [finding] = validate.validate_file(source, validate.Options(only=frozenset({"lint"})))
    assert (finding.line, finding.column) == (4, 15)


def test_our_schematron_goes_with_our_schema_however_it_was_chosen(tmp_path):
    from tei_tool import resources, schemas

    source = tmp_path / "quote.xml"
    source.write_bytes(edition("<p><quote>hello</quote></p>"))
    chosen = schemas.SchemaSettings(schema=resources.schemas_dir() / "tei-edition.rng")
    for options in (validate.Options(only=frozenset({"schematron"})),
                    validate.Options(only=frozenset({"schematron"}), schema_settings=chosen)):
        assert any("quote-attributed" in f.message for f in validate.validate_file(source, options))


def test_a_broken_schematron_named_on_the_command_line_stops_the_run(tmp_path):
    from click.testing import CliRunner

    from tei_tool.cli import main

    rules = tmp_path / "rules.sch"
    rules.write_text('<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">\n'
                     '<pattern><rule context="*"><assert test="count(*) >">x</assert></rule></pattern></schema>\n',
                     encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--schematron", str(rules), str(SOURCES[0]), str(SOURCES[1])])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {rules}:2:28: error: [schematron] in the test of sch:assert")
    assert "files checked" not in result.output


def test_xinclude_reach_does_not_depend_on_where_tei_tool_runs(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from tei_tool.cli import main

    (tmp_path / "secret.txt").write_text("SECRET-OUTSIDE", encoding="utf-8")
    source = _including(tmp_path / "edition" / "tei" / "doc.xml", str(tmp_path / "secret.txt"))
    monkeypatch.chdir("/")  # the current folder is no reason to read a file
    result = CliRunner().invoke(main, ["entities", str(source), "--type", "persons"])
    assert result.exit_code == 0
    assert f"{source}:1:" in result.stderr and "is refused" in result.stderr
    assert b"SECRET" not in etree.tostring(xmlsafe.load(source).tree)


def test_a_copy_of_an_edition_declaring_our_schemas_where_they_are_not_gets_ours(tmp_path):
    """An edition started from the flagship, elsewhere: its ../schemas/ paths lead nowhere, ours stand in."""
    source = tmp_path / "copy.xml"
    source.write_bytes(b'<?xml-model href="../schemas/tei-edition.sch" schematypens="http://purl.oclc.org/dsdl/schematron"?>\n'
                       + edition("<p><quote>hello</quote></p>"))
    findings = validate.validate_file(source, validate.Options(only=frozenset({"schematron"})))
    assert [f.severity.value for f in findings if "checked with tei-tool's tei-edition.sch instead" in f.message] == ["warning"]
    assert any("quote-attributed" in f.message for f in findings)


@pytest.mark.parametrize("declaration, body, expected", [
    ("", '<xi:include href="a%00b.xml"/>', "error: [xinclude] XInclude target a%00b.xml cannot be a file name (it holds a NUL character)"),
    ('<?xml-model href="a%00b.rng" schematypens="http://relaxng.org/ns/structure/1.0"?>', "",
     "warning: [schema] declared schema a%00b.rng cannot be a file name (it holds a NUL character)"),
])
def test_a_nul_in_a_referenced_file_name_is_a_finding_not_a_crash(tmp_path, declaration, body, expected):
    from click.testing import CliRunner

    from tei_tool.cli import main

    source = tmp_path / "nul.xml"
    source.write_text(f'{declaration}<TEI xmlns="{xmlsafe.TEI_NS}" xmlns:xi="http://www.w3.org/2001/XInclude">'
                      f"<text><body><p>x</p>{body}</body></text></TEI>", encoding="utf-8")
    for command in (["validate"], ["html", "-o", str(tmp_path / "site")], ["entities", "--type", "persons"]):
        result = CliRunner().invoke(main, [command[0], str(source), *command[1:]])
        assert "Traceback" not in result.output and not isinstance(result.exception, ValueError), result.output
        if command[0] == "validate":
            assert expected in result.output
