"""The PDF edition: what a reader finds in the pages, checked on the extracted text."""

from __future__ import annotations

import gc
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from tei_tool import pdf, resources, xmlsafe
from tei_tool.cli import main
from tei_tool.entities import build_index
from tei_tool.errors import OutputError, XMLInputError
from tei_tool.transform import transform

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "print-edition.xml"
FLAGSHIP = ROOT / "tei" / "great-purge.xml"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus" / "docs"
MENTION_POINTERS = ROOT / "tests" / "fixtures" / "mention-pointers.xml"
MENTION_SOURCES = ROOT / "tests" / "fixtures" / "mention-sources.xml"
#: Shared corpus files whose indexes are compared with the entity index: letters naming people and places in
#: commentary notes and register lists of their own, correspDesc examples naming them in the header only, and
#: manuscript descriptions naming places in a listBibl.
MENTION_CORPUS = ["schnitzler-briefe/data__editions__L00283.xml", "schnitzler-briefe/data__editions__L02254.xml",
                  "schnitzler-briefe/data__editions__L03152.xml", "schnitzler-briefe/data__editions__L03898.xml",
                  "correspdesc-examples/example04_more-than-one-sender.xml",
                  "correspdesc-examples/example07_anthology-of-letters.xml", "tei-p5-test/testms.xml"]
#: The kinds of the entity index each index of the book lists (by the id of its section, print-index-person, …).
INDEX_KINDS = {"person": "persons", "place": "places", "org": "orgs"}

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")


def page_texts(path: Path) -> list[str]:
    """The text of each page, hyphenation at line ends undone."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [re.sub(r"[\u2010-]\n", "", page) for page in text.split("\f")[:-1]]


@pytest.fixture(scope="module")
def fixture_pdf(tmp_path_factory) -> Path:
    return pdf.render_pdf(FIXTURE, tmp_path_factory.mktemp("pdf") / "fixture.pdf")


@pytest.fixture(scope="module")
def flagship_pdf(tmp_path_factory) -> Path:
    if not FLAGSHIP.exists():
        pytest.skip("the flagship edition tei/great-purge.xml is not there yet")
    return pdf.render_pdf(FLAGSHIP, tmp_path_factory.mktemp("pdf") / "great-purge.pdf")


@pytest.fixture(params=["fixture", "flagship"])
def book(request) -> tuple[Path, Path]:
    """(TEI source, its PDF) for the fixture and the flagship."""
    if request.param == "fixture":
        return FIXTURE, request.getfixturevalue("fixture_pdf")
    return FLAGSHIP, request.getfixturevalue("flagship_pdf")


def index_entries(pages: list[str], heading: str) -> dict[str, list[int]]:
    """Index lines "Kirov, Sergei (Киров) 3–5, 12" from the index pages, as name → cited pages."""
    entries: dict[str, list[int]] = {}
    start = next(i for i, page in enumerate(pages) if page.lstrip().startswith(heading))
    for page in pages[start:]:
        if page is not pages[start] and re.match(r"\s*Index of", page):
            break
        for line in page.splitlines():
            match = re.fullmatch(r"(.+?) ((?:\d+(?:–\d+)?)(?:, \d+(?:–\d+)?)*)", line.strip())
            if match:
                cited = []
                for run in match.group(2).split(", "):
                    first, _, last = run.partition("–")
                    cited.extend(range(int(first), int(last or first) + 1))
                entries[match.group(1)] = cited
    return entries


@needs_pdftotext
def test_fixture_text_reading_order_and_footnotes(fixture_pdf):
    pages = page_texts(fixture_pdf)
    text = "\n".join(pages)
    assert "On 23rd December 1930, Isaak Illich Rubin was arrested" in text
    assert "to this day the circumstances surrounding Kirov's murder" in text
    assert "The source reads “protege”." in text
    assert "exile to the city of" in text.replace("\n", " "), "surplus must be left out of the reading text"
    assert "to the the city" not in text.replace("\n", " ")
    assert "We live, deaf to the land beneath us,\nTen steps away no one hears our speeches," in text, "verse keeps its lines"
    assert "Сергей Миронович Киров" in text, "Cyrillic renders"


@needs_pdftotext
def test_web_addresses_are_never_hyphenated(flagship_pdf):
    raw = subprocess.run(["pdftotext", "-enc", "UTF-8", str(flagship_pdf), "-"], capture_output=True, text=True, check=True).stdout
    addresses = re.findall(r"https?://\S*(?:\n\S+)?", raw)
    assert any("creativecommons.org" in address for address in addresses)
    assert not [address for address in addresses if re.search(r"\w[\u2010-]\n", address)]


@needs_pdftotext
def test_flagship_essay_opening_and_last_source(flagship_pdf):
    text = " ".join(page_texts(flagship_pdf)).replace("\n", " ")
    assert "On 23rd December 1930, Isaak Illich Rubin was arrested by the secret police" in text
    assert "(22) Sally J. Taylor" in text
    assert "This site uses cookies" not in text, "surplus (the cookie banner) is omitted"


@needs_pdftotext
def test_index_pages_contain_the_name(book):
    source, path = book
    pages = page_texts(path)
    persons = index_entries(pages, "Index of persons")
    places = index_entries(pages, "Index of places")
    for name in ("Kirov", "Stalin", "Trotsky"):
        (label, cited), = [(label, cited) for label, cited in persons.items() if label.startswith(name + ",")]
        assert cited == sorted(set(cited)), f"{label}: each page once, in order"
        assert len(cited) >= 2, f"{label} is mentioned on several pages"
        for number in cited:
            assert name in pages[number - 1], f"{label}: page {number} does not mention {name}"
    (label, cited), = [(label, cited) for label, cited in places.items() if label.startswith("Moscow")]
    for number in cited:
        assert "Moscow" in pages[number - 1]


@needs_pdftotext
def test_contents_page_numbers_match_headings(book):
    _, path = book
    pages = page_texts(path)
    contents = next(page for page in pages if page.lstrip().startswith("Contents"))
    entries = re.findall(r"^(\S.*?) ?\.{4,} ?(\d+)$", contents, flags=re.MULTILINE)
    assert len(entries) >= 8
    for label, number in entries:
        on_page = " ".join(pages[int(number) - 1].split())
        assert label.strip() in on_page, f"contents say {label!r} is on page {number}"


def test_metadata_and_outline(book):
    source, path = book
    reader = pypdf.PdfReader(path)
    assert reader.metadata.title == "The Great Purge"
    assert reader.metadata.author == "John Simkin"
    assert reader.metadata.subject
    assert reader.trailer["/Root"]["/Lang"] == "en"

    def titles(outline):
        for item in outline:
            yield from titles(item) if isinstance(item, list) else [item.title]

    outline = list(titles(reader.outline))
    sources = xmlsafe.load(source).root.iterfind(".//{http://www.tei-c.org/ns/1.0}div[@type='primarySource']")
    for number in (div.get("n") for div in sources):
        assert any(title.startswith(f"({number})") for title in outline), f"no bookmark for primary source {number}"
    assert "Index of persons" in outline and "Chronology" in outline


def test_fonts_are_embedded(fixture_pdf):
    reader = pypdf.PdfReader(fixture_pdf)
    fonts = [font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()]
    assert fonts
    for font in fonts:
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"] if "/DescendantFonts" in font else font["/FontDescriptor"]
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]


@pytest.mark.parametrize("source", [FIXTURE, FLAGSHIP], ids=["fixture", "flagship"])
def test_every_footnote_lands_on_the_page_of_its_call(source):
    if not source.exists():
        pytest.skip("the flagship edition tei/great-purge.xml is not there yet")
    book = pdf.lay_out(transform("print.xsl", source).principal)
    notes = [anchor for page in book.pages for anchor in page.anchors if anchor.startswith("note-")]
    assert notes
    assert pdf.misplaced_footnotes(book) == []


def long_index_edition(chapters: int = 14, persons: int = 80) -> str:
    """A TEI text whose person index grows by a page once page numbers are filled in: each
    entry fits a line without its page numbers and needs two with them (every person is
    named in every other chapter, and each chapter starts a page)."""
    names = ", ".join(f'<persName ref="#p{n}">Person {n:03d} of the Great Family of Old</persName>' for n in range(persons))
    body = "".join(
        f'<div type="chapter"><head>Chapter {c}</head><p>{names if c % 2 else "An empty street."} '
        f'In <placeName ref="#town">Town</placeName>.</p></div>' for c in range(1, chapters + 1))
    register = "".join(f'<person xml:id="p{n}"><persName>Person {n:03d} of the Great Family of Old</persName></person>' for n in range(persons))
    return f"""<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:lang="en"><teiHeader><fileDesc><titleStmt><title>Long index</title></titleStmt>
<publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader>
<standOff><listPerson>{register}</listPerson><listPlace><place xml:id="town"><placeName>Town</placeName></place></listPlace></standOff>
<text><body>{body}</body></text></TEI>"""


@needs_pdftotext
def test_contents_right_when_filled_page_numbers_lengthen_an_index(tmp_path):
    source = tmp_path / "long-index.xml"
    source.write_text(long_index_edition(), encoding="utf-8")
    pages = page_texts(pdf.render_pdf(source, tmp_path / "long-index.pdf"))
    contents = next(page for page in pages if page.lstrip().startswith("Contents"))
    listed = {label.strip(): int(number) for label, number in re.findall(r"^(\S.*?) ?\.{4,} ?(\d+)$", contents, flags=re.MULTILINE)}
    persons_start, places_start = listed["Index of persons"], listed["Index of places"]
    assert pages[persons_start - 1].lstrip().startswith("Index of persons")
    assert pages[places_start - 1].lstrip().startswith("Index of places")
    index_text = " ".join(" ".join(pages[persons_start - 1:places_start - 1]).split())
    cited = re.search(r"Person 007 of the Great Family of Old ((?:\d+, )*\d+)", index_text).group(1)
    assert cited == ", ".join(str(listed[f"Chapter {c}"]) for c in range(1, 15, 2))


WORD_TAGGED = """<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:lang="en"><teiHeader><fileDesc><titleStmt><title>Tokens</title></titleStmt>
<publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader><text><body><div>
<p><s xml:id="s1"><w lemma="joshua">Joshua</w> <w rend="italic">Davidson</w> <w>was</w> <w xml:lang="la">faber</w><pc>.</pc></s>
<s xml:id="s2"><w>He</w> <w>spoke</w><pc>.</pc></s> <ref target="#s2">See above.</ref></p></div></body></text></TEI>"""


def test_linguistic_tokens_are_text_not_boxes(tmp_path):
    """Word-tagged texts lay out as fast as plain ones: untagged-looking tokens become plain text."""
    source = tmp_path / "tokens.xml"
    source.write_text(WORD_TAGGED, encoding="utf-8")
    paragraph = lxml_html.fromstring(transform("print.xsl", source).principal).find(".//main//p")
    assert paragraph.text_content().split() == ["Joshua", "Davidson", "was", "faber.", "He", "spoke.", "See", "above."]
    kept = [(span.get("class"), span.get("lang"), span.get("id")) for span in paragraph.iter("span")]
    assert kept == [("tei-w rend-italic", None, None), ("tei-w", "la", None), ("tei-s", None, "s2")], "styled, foreign and linked tokens keep their span"


def test_token_spacing_follows_punctuation_not_encoding_layout(tmp_path):
    """One token a line is how word-tagged texts are encoded; the reader sees "carpenter, born", not "carpenter , born"."""
    source = tmp_path / "tokens.xml"
    source.write_text(WORD_TAGGED.replace("<p>", """<p><w>a</w>
<w>carpenter</w>
<pc>,</pc>
<w>born</w> <pc>“</pc>
<w>Arthurian</w>
<w>legend</w>
<pc>,</pc>
<pc>”</pc>
<w join="left">'s</w></p><p xml:lang="fr"><w>Quoi</w>
<pc>?</pc>
<pc>«</pc>
<w>Non</w>
<pc>.</pc>
<pc>»</pc></p><p>""", 1), encoding="utf-8")
    english, french = [" ".join(p.text_content().split()) for p in lxml_html.fromstring(transform("print.xsl", source).principal).findall(".//main//p")[:2]]
    assert english == "a carpenter, born “Arthurian legend,”'s"
    assert french == "Quoi ? « Non. »", "French keeps its spaces before ? and inside guillemets"


def test_word_tagged_heading_label_has_no_encoding_spaces(tmp_path):
    """Contents, bookmarks and running heads take the heading's label: "CHAPTER I.", as in the text."""
    source = tmp_path / "tokens.xml"
    source.write_text(WORD_TAGGED.replace("<div>", "<div><head><w>CHAPTER</w>\n<w>I</w>\n<pc>.</pc></head>", 1), encoding="utf-8")
    page = lxml_html.fromstring(transform("print.xsl", source).principal)
    heading = page.find(".//main//section/h1")
    assert heading.get("data-label") == "CHAPTER I." == " ".join(heading.text_content().split())
    assert [link.text for link in page.findall(".//nav//a")] == ["CHAPTER I."]


@needs_pdftotext
def test_note_with_paragraphs_stays_in_its_footnote(tmp_path):
    """A note of several paragraphs inside a paragraph: the text runs on after the call, the note is at the foot."""
    source = tmp_path / "notes.xml"
    source.write_text(WORD_TAGGED.replace("<p>", "<p>Before the note<note><p>First paragraph of the note.</p>"
                                          "<p>Second paragraph of the note.</p></note> and after it.</p><p>", 1), encoding="utf-8")
    page = page_texts(pdf.render_pdf(source, tmp_path / "notes.pdf"))[1]
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    assert "Before the note1 and after it." in lines
    assert lines.index("1. First paragraph of the note.") > lines.index("Before the note1 and after it.")
    assert lines[lines.index("1. First paragraph of the note.") + 1] == "Second paragraph of the note."


def numbered_words(prefix: str, count: int) -> str:
    return " ".join(f"{prefix}{number}" for number in range(count))


def structure_types(element) -> list[str]:
    """The types of the structure elements below ``element`` of a tagged PDF, in reading order."""
    kids = element.get("/K")
    kids = kids.get_object() if kids is not None else []
    found = []
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object()
        if isinstance(kid, dict) and "/S" in kid:
            found += [str(kid["/S"])] + structure_types(kid)
    return found


@needs_pdftotext
@pytest.mark.parametrize("long_notes, variant", [([1500], None), ([3000], "pdf/ua-1"), ([1700, 2000], None)],
                         ids=["1500-words", "3000-words-tagged", "two-on-a-page"])
def test_a_note_longer_than_a_page_is_printed_whole_among_the_notes(tmp_path, long_notes, variant):
    """WeasyPrint cannot split a footnote across pages and cut off what did not fit. Such a note is printed
    in a section Notes after the text, under its number and linking back to its call; its footnote says
    where and links there. A short note on the same page stays a footnote."""
    calls = "".join(f" long<note>{numbered_words(chr(ord('a') + n), words)}</note>" for n, words in enumerate(long_notes))
    source = tiny_book(tmp_path, f"<p>Short<note>A short note.</note>{calls} text.</p>")
    path = pdf.render_pdf(source, tmp_path / "long-notes.pdf", variant=variant)
    pages = page_texts(path)

    printed = set(" ".join(pages).split())
    source_notes = xmlsafe.load(source).root.findall(".//{http://www.tei-c.org/ns/1.0}note")[1:]
    for note in source_notes:
        words = "".join(note.itertext()).split()
        assert [word for word in words if word not in printed] == [], f"words of the note {words[0]} … are missing"

    call_page = next(number for number, page in enumerate(pages) if "Short1" in page)
    lines = [" ".join(line.split()) for line in pages[call_page].splitlines()]
    assert "1. A short note." in lines
    reader = pypdf.PdfReader(path)
    destinations = {name: reader.get_destination_page_number(place) for name, place in reader.named_destinations.items()}
    links = {(number, str(link.get_object()["/Dest"])) for number, page in enumerate(reader.pages)
             for link in page.get("/Annots", []) if "/Dest" in link.get_object()}
    endnotes = sorted((name for name in destinations if name.startswith("endnote-")), key=destinations.get)
    assert len(endnotes) == len(long_notes)
    for number, (endnote, note) in enumerate(zip(endnotes, source_notes), start=2):
        notes_page = destinations[endnote]
        assert f"{number}. Too long for the foot of the page: see Notes, p. {notes_page + 1}" in lines
        assert pages[notes_page].lstrip().startswith("Notes")
        assert f"{number}. {note.text.split()[0]} " in pages[notes_page]
        call = "call-" + endnote.removeprefix("endnote-")
        assert (call_page, endnote) in links and (notes_page, call) in links and destinations[call] == call_page

    if variant == "pdf/ua-1":
        types = structure_types(reader.trailer["/Root"]["/StructTreeRoot"])
        assert types.count("/Reference") == 1 + len(long_notes)
        assert all(types[index + 1] == "/Note" for index, kind in enumerate(types) if kind == "/Reference")
        # The notes printed among the Notes are Notes too, after the footnotes that point to them.
        moved = [index for index, kind in enumerate(types) if kind == "/Note" and types[index - 1] != "/Reference"]
        assert len(moved) == len(long_notes) and min(moved) > max(i for i, kind in enumerate(types) if kind == "/Reference")


def test_a_note_that_fits_on_a_page_stays_a_footnote(tmp_path):
    source = tiny_book(tmp_path, f"<p>Long<note>{numbered_words('w', 1000)}</note> text.</p>")
    book = pdf.lay_out(transform("print.xsl", source).principal)
    anchors = pdf.anchor_pages(book)
    assert [anchor for anchor in anchors if anchor.startswith("note-")] and pdf.misplaced_footnotes(book) == []
    assert not [anchor for anchor in anchors if anchor.startswith("endnote-") or anchor == pdf.ENDNOTES_ID]


def test_weasyprint_failure_is_an_error_not_a_traceback(tmp_path, monkeypatch):
    def failing_layout(*args, **options):
        raise AssertionError("Got ' \\n' between two lines")

    monkeypatch.setattr(pdf, "lay_out", failing_layout)
    out = tmp_path / "book.pdf"
    with pytest.raises(pdf.PdfError, match=r"print-edition\.xml: error: \[pdf\] WeasyPrint could not lay the book out"):
        pdf.render_pdf(FIXTURE, out)
    assert not out.exists()
    result = CliRunner().invoke(main, ["pdf", str(FIXTURE), "-o", str(out)])
    assert result.exit_code == 2 and "WeasyPrint could not lay the book out" in result.output and "Traceback" not in result.output


SPAWN_COUNTER = """
import subprocess, sys
import tei_tool.pdf
started = []
original = subprocess.Popen.__init__
def counting(self, *args, **options):
    started.append(args[0] if args else options.get("args"))
    original(self, *args, **options)
subprocess.Popen.__init__ = counting
IMPORT
assert "weasyprint.text.ffi" in sys.modules
print(len(started))
"""


def test_weasyprint_loads_without_starting_programs():
    """A bare import of WeasyPrint runs ldconfig, gcc and ld some twenty times; the pdf module's import runs none."""
    def programs_started(statement: str) -> int:
        result = subprocess.run([sys.executable, "-c", SPAWN_COUNTER.replace("IMPORT", statement)], capture_output=True, text=True, check=True)
        return int(result.stdout)

    assert programs_started("tei_tool.pdf._import_weasyprint()") == 0
    if shutil.which("ldconfig") or shutil.which("gcc"):
        assert programs_started("import weasyprint") > 0, "the library search this avoids"


def test_footnote_area_has_no_top_border_or_padding():
    """A border-top or padding-top on @footnote drops footnotes in WeasyPrint 70 (issue #2502)."""
    css = (resources.xslt_dir() / "print.css").read_text()
    footnote_area = re.search(r"@footnote\s*{([^}]*)}", css).group(1)
    assert not re.search(r"(border|padding)(-top)?\s*:", footnote_area)


def test_index_page_numbers_are_runs():
    assert pdf.page_ranges([12, 3, 5, 6, 5, 6]) == [(3, 3), (5, 6), (12, 12)]
    assert pdf.page_ranges([]) == []


def test_pdf_a_3b_carries_the_tei_source(tmp_path):
    out = pdf.render_pdf(FIXTURE, tmp_path / "archival.pdf", variant="pdf/a-3b")
    reader = pypdf.PdfReader(out)
    assert reader.attachments["print-edition.xml"] == [FIXTURE.read_bytes()]
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert re.search(rb"pdfaid:part[^0-9]{1,3}3", xmp) and re.search(rb"pdfaid:conformance[^A-Z]{1,3}B", xmp)
    assert root["/AF"][0].get_object()["/AFRelationship"] == "/Source"


def test_pdf_ua_1_is_tagged(tmp_path):
    out = pdf.render_pdf(FIXTURE, tmp_path / "accessible.pdf", variant="pdf/ua-1")
    root = pypdf.PdfReader(out).trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]


def test_variant_that_cannot_be_met_is_refused(tmp_path):
    """Without a language, a PDF/UA file would be mislabelled: refuse it and write nothing."""
    source = tmp_path / "no-language.xml"
    source.write_text(FIXTURE.read_text(encoding="utf-8").replace(' xml:lang="en"', "", 1), encoding="utf-8")
    out = tmp_path / "out.pdf"
    with pytest.raises(pdf.PdfError, match="PDF/UA-1.*xml:lang="):
        pdf.render_pdf(source, out, variant="pdf/ua-1")
    assert not out.exists()
    assert gc.isenabled(), "the cycle collector, paused while WeasyPrint works, runs again"


def test_unknown_variant(tmp_path):
    with pytest.raises(pdf.PdfError, match="unknown PDF variant"):
        pdf.render_pdf(FIXTURE, tmp_path / "x.pdf", variant="pdf/x-4")


def test_existing_output_kept_without_force(tmp_path):
    out = tmp_path / "book.pdf"
    out.write_bytes(b"mine")
    with pytest.raises(OutputError, match="--force"):
        pdf.render_pdf(FIXTURE, out, force=False)
    assert out.read_bytes() == b"mine"


def test_malformed_input_gets_a_located_error(tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>open</body></text></TEI>')
    with pytest.raises(XMLInputError, match=r"broken\.xml:1:\d+: error: \[xml\]"):
        pdf.render_pdf(broken, tmp_path / "broken.pdf")
    result = CliRunner().invoke(main, ["pdf", str(broken), "-o", str(tmp_path / "broken.pdf")])
    assert result.exit_code == 2
    assert "broken.xml:1:" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "broken.pdf").exists()


def test_cli_writes_the_pdf(tmp_path):
    out = tmp_path / "book.pdf"
    result = CliRunner().invoke(main, ["pdf", str(FIXTURE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")
    again = CliRunner().invoke(main, ["pdf", str(FIXTURE), "-o", str(out)])
    assert again.exit_code == 2 and "--force" in again.output


CORPUS_SAMPLE = [
    "correspdesc-examples/example07_anthology-of-letters.xml",
    "gerdracor/neuber-ein-deutsches-vorspiel.xml",
    "isicily/inscriptions/ISic000425.xml",
    "perseus-latinlit/phi0474.phi041.perseus-lat2.xml",
    "schnitzler-briefe/data__editions__L00257.xml",
    "tei-p5-test/torture.xml",
    "tei-p5-test/testall.xml",
    "tei-p5-test/detest.xml",
    "schnitzler-briefe/data__editions__L03886.xml",
]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus ../shared/corpus is not available")
@pytest.mark.parametrize("name", CORPUS_SAMPLE)
def test_corpus_files_render(name, tmp_path):
    out = pdf.render_pdf(CORPUS / name, tmp_path / "out.pdf")
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) >= 2
    assert reader.metadata.title


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus ../shared/corpus is not available")
def test_corpus_malformed_file_is_refused(tmp_path):
    with pytest.raises(XMLInputError, match=r"listGlyph\.xml:\d+:\d+: error: \[xml\]"):
        pdf.render_pdf(CORPUS / "isicily" / "alists" / "listGlyph.xml", tmp_path / "out.pdf")


def test_chronology_of_word_tagged_text_reads_as_running_text(tmp_path):
    """The chronology describes an event by its sentence, spaced as in the text: "in the year 1835, at Trevalga"."""
    sentences = "".join(f"""<s><w>In</w>
<w>the</w>
<w>year</w>
<date when="{year}"><w>{year}</w></date>
<pc>,</pc>
<w>at</w>
<pc>“</pc>
<w>Trevalga</w>
<pc>”</pc>
<pc>.</pc>
</s>
""" for year in (1835, 1848, 1851))
    source = tmp_path / "dated-tokens.xml"
    source.write_text(WORD_TAGGED.replace("<p>", f"<p>{sentences}</p><p>", 1), encoding="utf-8")
    page = lxml_html.fromstring(transform("print.xsl", source).principal)
    entries = [" ".join(entry.text_content().split()) for entry in page.findall(".//section[@id='print-chronology']/div")]
    assert entries == [f"{year}In the year {year}, at “Trevalga”." for year in (1835, 1848, 1851)]


def tiny_book(tmp_path: Path, body: str, header: str = "<title>Tiny</title>", publication: str = "<p/>", outside_text: str = "") -> Path:
    """A small TEI file whose text/body is `body`, with `outside_text` between the header and the text."""
    source = tmp_path / "tiny.xml"
    source.write_text(f"""<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:lang="de"><teiHeader><fileDesc><titleStmt>{header}</titleStmt>
<publicationStmt>{publication}</publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader>
{outside_text}<text><body>{body}</body></text></TEI>""", encoding="utf-8")
    return source


def print_html(source: Path):
    return lxml_html.fromstring(transform("print.xsl", source).principal)


def test_chronology_reads_one_form_of_each_passage(tmp_path):
    """The chronology's sentence leaves out deletions, uncorrected words and variant readings, as the text does."""
    dates = "".join(f'<date when="1895-02-{day}">{day}. II.</date>, ' for day in (19, 20))
    page = print_html(tiny_book(tmp_path, f'<p>Brief vom <date when="1895-02-18">1<subst><del>9</del><add>8</add></subst>. II.</date>'
                                          f' an <choice><sic>teh</sic><corr>the</corr></choice> <app><lem>Freund</lem><rdg>Feind</rdg></app>'
                                          f' <del>nie</del> abgeschickt, dann {dates}fertig.</p>'))
    first = page.find(".//section[@id='print-chronology']/div")
    assert " ".join(first.text_content().split()) == "1895-02-18Brief vom 18. II. an the Freund abgeschickt, dann 19."


def test_a_space_of_the_source_prints_as_a_space(tmp_path):
    page = print_html(tiny_book(tmp_path, '<p>Clara fühlt<space unit="chars" quantity="1"/>sich sehr verlassen.</p>'))
    assert " ".join(page.find(".//main//p").text_content().split()) == "Clara fühlt sich sehr verlassen."


def footnotes(page) -> list[str]:
    return [" ".join(note.text_content().split()) for note in page.xpath("//span[@class = 'footnote']")]


def test_notes_of_an_apparatus_entry_and_of_left_out_text_are_footnotes(tmp_path):
    """Deleted, surplus and page-furniture text is not printed, their notes are; so are an apparatus entry's
    own notes, and a note in a variant stays inside the variant's footnote."""
    page = print_html(tiny_book(tmp_path, '<p><app><lem>lectio</lem><rdg wit="#A">varia<note>lectio difficilior</note></rdg>'
                                          '<note>Text from CIL</note></app> <del>a Latinis<note>secl. Friedrich</note></del>'
                                          ' <fw>12<note>Kolumnentitel</note></fw> ceteri.</p>'))
    assert footnotes(page) == ["lectio] varia [lectio difficilior] A", "Text from CIL", "secl. Friedrich", "Kolumnentitel"]
    assert " ".join(page.find(".//main//p").text_content().split()).startswith("lectiolectio] varia")


def test_apparatus_footnotes_name_witnesses_and_a_choice_its_alternatives(tmp_path):
    """The text prints the lemma (or the first reading, or a choice's first alternative); the footnote gives the
    entry as the HTML edition does: witnesses by their siglum, responsibility and source in brackets."""
    source = tmp_path / "aeneis.xml"
    source.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:lang="la"><teiHeader><fileDesc><titleStmt><title>Aeneis</title></titleStmt>
<publicationStmt><p/></publicationStmt><sourceDesc><listWit><witness xml:id="M"><abbr type="siglum">M</abbr> Codex Mediceus</witness>
<witness xml:id="P" n="P">Codex Palatinus</witness></listWit>
<listPerson><person xml:id="bentley"><persName>Richard Bentley</persName></person></listPerson></sourceDesc></fileDesc></teiHeader>
<text><body><p>Arma virumque <app><lem wit="#M">cano</lem><rdg wit="#P #X">canto</rdg><rdg resp="#bentley"/></app> Troiae
qui <app><rdg wit="#P">primus</rdg><rdg wit="#M">primis</rdg></app> ab oris <choice><unclear>C</unclear><unclear>G</unclear></choice>aius.</p>
</body></text></TEI>""", encoding="utf-8")
    page = print_html(source)
    paragraph = page.find(".//main//p")
    assert " ".join("".join(paragraph.xpath(".//text()[not(ancestor::span[@class = 'footnote'])]")).split()) == \
        "Arma virumque cano Troiae qui primus ab oris Caius."
    assert footnotes(page) == ["cano M] canto P X; omitted (Richard Bentley)", "primus P] primis M", "C] or G"]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus ../shared/corpus is not available")
def test_corpus_apparatus_and_deletion_notes_are_printed():
    inscription = print_html(CORPUS / "isicily" / "inscriptions" / "ISic000425.xml")
    assert "Text from CIL" in footnotes(inscription)
    orator = footnotes(print_html(CORPUS / "perseus-latinlit" / "phi0474.phi041.perseus-lat2.xml"))
    assert {"a Latinis secl. Friedrich", "ut aedificiorum secl. Lambinus"} <= set(orator)


@needs_pdftotext
def test_divisions_printing_nothing_start_no_page(tmp_path):
    """An inscription with an empty translation and commentary is two pages: title page and text, no blank pages."""
    source = tiny_book(tmp_path, '<div type="edition"><ab>vixit annos</ab></div><div type="translation"><p><!-- to do --></p></div>'
                                 '<div type="commentary"><p/></div><div type="bibliography"><p>CIL X 7145</p></div>')
    assert [section.get("class") for section in print_html(source).xpath("//main//section")] == [
        "tei-div type-edition", "tei-div type-bibliography"]
    pages = page_texts(pdf.render_pdf(source, tmp_path / "tiny.pdf"))
    assert [" ".join(page.split()) for page in pages] == ["Tiny", "vixit annos 2", "CIL X 7145 3"]


def test_headings_title_page_and_page_breaks(tmp_path):
    """A primary source without head is headed by its number once; a page break without number prints nothing;
    a note in the title stays off the title page; a licence URL is linked only when safe."""
    source = tiny_book(tmp_path, '<div type="primarySource" n="1"><p>ich glau<pb facs="scan-2.jpg" break="no"/>be es</p></div>',
                       header="<title>Tort<note>title note</note></title><author>Anna<note>n</note></author>",
                       publication='<availability><licence target="javascript:alert(1)">Frei</licence></availability>'
                                   '<availability><licence target="https://example.org/cc">CC</licence></availability>')
    page = print_html(source)
    heading = page.find(".//main//section/h1")
    assert heading.text_content() == "(1)" == heading.get("data-label")
    assert page.find(".//main//p").text_content() == "ich glaube es"
    assert page.findtext(".//head/title") == "Tort" == page.find(".//div[@class='book-title']").text_content()
    assert page.find(".//div[@class='book-author']").text_content() == "Anna"
    assert [link.get("href") for link in page.xpath("//div[@class = 'book-licence']//a")] == ["https://example.org/cc"]


def test_a_source_doc_is_printed_and_a_facsimile_of_images_is_not(tmp_path):
    page = print_html(tiny_book(tmp_path, "<p>Afterwards.</p>", outside_text="""<facsimile><graphic url="f1.jpg"><desc>Scan</desc></graphic></facsimile>
<sourceDoc><surface><zone><line>Erste Zeile</line><line>zweite <del>gestrichen</del> Zeile</line></zone></surface></sourceDoc>"""))
    assert [line.text_content() for line in page.xpath("//main//div[@class = 'tei-line']")] == ["Erste Zeile", "zweite  Zeile"]
    assert "Scan" not in page.find(".//main").text_content()


@needs_pdftotext
def test_a_corpus_prints_each_text_under_its_title_in_contents_and_outline(tmp_path):
    """The corpus header gives the title page; each TEI and nested teiCorpus starts a page headed by its title
    (a nested corpus's first text follows its heading), listed in the contents and the PDF outline."""
    header = ("<teiHeader><fileDesc><titleStmt>{}</titleStmt><publicationStmt><p>Published</p></publicationStmt>"
              "<sourceDesc><p>Born digital</p></sourceDesc></fileDesc></teiHeader>").format
    source = tmp_path / "corpus.xml"
    source.write_text(f"""<teiCorpus xmlns="http://www.tei-c.org/ns/1.0" xml:lang="en">{header("<title>Letters and Poems</title>")}
<TEI>{header('<title type="sub">a draft</title><title>A Letter</title>')}
  <text><body><div><head>Opening</head><p>Dear friend, greetings.</p></div></body></text></TEI>
<teiCorpus>{header("<title>Poems</title>")}
  <TEI>{header("<title>An Ode</title>")}<text><body><lg><l>O lovely line</l></lg></body></text></TEI>
  <TEI>{header("<title>A Sonnet</title>")}<text><body><lg><l>Shall I compare</l></lg></body></text></TEI>
</teiCorpus></teiCorpus>""", encoding="utf-8")
    out = pdf.render_pdf(source, tmp_path / "corpus.pdf")
    pages = [" ".join(page.split()) for page in page_texts(out)]
    assert pages[0] == "Letters and Poems"
    contents = next(page for page in page_texts(out) if page.lstrip().startswith("Contents"))
    assert re.findall(r"^(\S.*?) ?\.{4,} ?(\d+)$", contents, flags=re.MULTILINE) == [
        ("A Letter", "3"), ("Opening", "3"), ("Poems", "4"), ("An Ode", "4"), ("A Sonnet", "5")]
    assert pages[2:] == ["A Letter A Letter Opening Dear friend, greetings. 3", "Poems Poems An Ode O lovely line 4",
                         "A Sonnet A Sonnet Shall I compare 5"]
    reader = pypdf.PdfReader(out)

    def outline(items) -> list:
        entries = []
        for item in items:
            if isinstance(item, list):
                entries[-1] = (entries[-1][0], entries[-1][1], outline(item))
            else:
                entries.append((item.title, reader.get_destination_page_number(item) + 1, []))
        return entries

    assert outline(reader.outline) == [("A Letter", 3, [("Opening", 3, [])]),
                                       ("Poems", 4, [("An Ode", 4, []), ("A Sonnet", 5, [])])]


def test_links_to_local_files_keep_their_relative_addresses(tmp_path):
    """A PDF made on one machine must not carry its folders (file:///home/…) in its links."""
    source = tmp_path / "links.xml"
    source.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>Links</title>'
                      '</titleStmt><publicationStmt><p>x</p></publicationStmt><sourceDesc><p>x</p></sourceDesc></fileDesc>'
                      '</teiHeader><text><body><p>See <ref target="notes/a%20b.txt#top">the notes</ref>, '
                      '<ref target="../up.txt">above</ref> and <ref target="https://example.org/x">the web</ref>.</p>'
                      '</body></text></TEI>', encoding="utf-8")
    out = pdf.render_pdf(source, tmp_path / "links.pdf")
    addresses = [annotation.get_object()["/A"]["/URI"] for page in pypdf.PdfReader(out).pages
                 for annotation in page.get("/Annots") or [] if "/A" in annotation.get_object()]
    assert sorted(addresses) == ["../up.txt", "https://example.org/x", "notes/a%20b.txt#top"]
    assert str(tmp_path).encode() not in out.read_bytes()


def test_indexes_list_every_mention_the_entity_index_counts(tmp_path):
    """A mention is filed by the rule of the entities export: by the entry it points to, else by its name or
    @type, so an institution, a region and a character each reach their index."""
    source = tiny_book(tmp_path, '<p>In the <rs type="institution" ref="#smolny">Smolny</rs> of the '
                                 '<region ref="#ural">Urals</region> met <rs type="character" ref="#k">K.</rs></p>',
                       outside_text='<standOff><listOrg><org xml:id="smolny"><orgName>Smolny Institute</orgName></org></listOrg>'
                                    '<listPlace><place xml:id="ural"><placeName>Ural</placeName></place></listPlace>'
                                    '<listPerson><person xml:id="k"><persName>Kirov</persName></person></listPerson></standOff>')
    page = print_html(source)
    indexes = {section.get("id"): [(" ".join(entry.text_content().split()), entry.get("data-mentions").split())
                                   for entry in section.findall("div")]
               for section in page.xpath("//section[contains(@class, 'index')]")}
    anchor = {element.text_content(): element.get("id") for element in page.xpath("//span[contains(@class, 'mention')]")}
    assert indexes == {"print-index-person": [("Kirov", [anchor["K."]])],
                       "print-index-place": [("Ural", [anchor["Urals"]])],
                       "print-index-org": [("Smolny Institute", [anchor["Smolny"]])]}
    counted = build_index([source])
    assert {kind: [(entity.name, len(entity.mentions)) for entity in counted.of_kind(kind)] for kind in ("persons", "places", "orgs")} \
        == {"persons": [("Kirov", 1)], "places": [("Ural", 1)], "orgs": [("Smolny Institute", 1)]}


def mention_sources() -> list:
    """The editions whose indexes are compared with the entity index; shared corpus files are skipped without it."""
    return [pytest.param(path, id=path.name) for path in (FIXTURE, FLAGSHIP, MENTION_POINTERS, MENTION_SOURCES)] + [
        pytest.param(CORPUS / name, id=name) for name in MENTION_CORPUS]


@pytest.mark.parametrize("source", mention_sources())
def test_each_index_entry_lists_the_mentions_the_entity_index_counts(source):
    """Each entry of the indexes of persons, places and organisations is one entity of `tei-tool entities` (an
    entry or a pointer to nothing by its id, a name without pointer by its words) and lists an anchor in the
    book for each mention counted of it: through @ref, @key, ref and ptr @target, a quotation's @source, in
    notes, and not in the header or register lists."""
    if not source.exists():
        pytest.skip(f"{source} is not there (the shared corpus is looked for beside the project)")
    page = print_html(source)
    anchors = set(page.xpath("//main//@id"))
    printed = {}
    for section in page.xpath("//section[contains(concat(' ', @class, ' '), ' index ')]"):
        kind = INDEX_KINDS[section.get("id").removeprefix("print-index-")]
        for entry in section.findall("div"):
            mentions = entry.get("data-mentions").split()
            assert set(mentions) <= anchors, entry.text
            entity = ("id", entry.get("data-entity")) if entry.get("data-entity") else ("name", entry.text.strip())
            printed[(kind, *entity)] = len(mentions)
    index = build_index([source])
    counted = {(kind, *(("id", entity.id) if entity.id else ("name", entity.name))): len(entity.mentions)
               for kind in INDEX_KINDS.values() for entity in index.of_kind(kind) if entity.mentions}
    assert printed == counted
    if source == MENTION_POINTERS:
        assert printed[("persons", "id", "kirov")] == 6 and printed[("persons", "id", "stalin")] == 3


def test_a_name_without_words_or_entry_is_not_indexed(tmp_path):
    """An anonymised name has nothing to be listed by; one pointing to an entry without names is listed by its
    pointer rather than stopping the book."""
    source = tiny_book(tmp_path, '<p>The chair <name type="organisation"><gap reason="anon"/></name> and '
                                 '<persName ref="#x"><gap reason="anon"/></persName> spoke.</p>',
                       outside_text='<standOff><listPerson><person xml:id="x"/></listPerson></standOff>')
    page = print_html(source)
    assert [(section.get("id"), [" ".join(entry.text_content().split()) for entry in section.findall("div")])
            for section in page.xpath("//section[contains(@class, 'index')]")] == [("print-index-person", ["#x"])]


def test_a_document_language_that_is_no_language_tag_does_not_stop_the_indexes(tmp_path):
    """xml:lang="de DE" cannot order the index entries; they are ordered as in English instead of the book being refused."""
    source = tiny_book(tmp_path, '<p><persName>Zweig</persName> und <persName>Adler</persName></p>')
    source.write_text(source.read_text(encoding="utf-8").replace('xml:lang="de"', 'xml:lang="de DE"'), encoding="utf-8")
    page = print_html(source)
    assert [" ".join(entry.text_content().split()) for entry in page.xpath("//section[@id = 'print-index-person']/div")] == ["Adler", "Zweig"]
