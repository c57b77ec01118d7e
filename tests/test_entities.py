"""The entity index and its export: counts checked against XPath, formats, CLI."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from lxml import html as lxml_html

from tei_tool import html, xmlsafe
from tei_tool.cli import main
from tei_tool.entities import (
    ENCLOSING_LOCATION_ELEMENTS, LOCATION_ELEMENTS, RECORD_KINDS, REGISTER_LISTS, QuoteRecord, build_index, location_id,
)
from tei_tool.errors import OutputError, XMLInputError
from tei_tool.export import export_registers, export_table, render, table

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "entities"
LETTERS = FIXTURES / "purge-letters.xml"
FLAGSHIP = ROOT / "tei" / "great-purge.xml"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus" / "docs"
CORPUS_FILES = sorted(CORPUS.rglob("*.xml")) if CORPUS.is_dir() else []
NOT_WELL_FORMED = {"listGlyph.xml"}
NS = {"tei": xmlsafe.TEI_NS}
OUTSIDE_REGISTERS = "not(" + " or ".join(f"ancestor::tei:{name}" for name in REGISTER_LISTS) + ")"

needs_corpus = pytest.mark.skipif(not CORPUS_FILES, reason=f"shared corpus not found at {CORPUS}")


def _token_test(attribute: str, entity_id: str, *aliases: str) -> str:
    padded = f"concat(' ', normalize-space(@{attribute}), ' ')"
    return "(" + " or ".join(f"contains({padded}, ' {token} ')" for token in (f"#{entity_id}", entity_id, *aliases)) + ")"


def xpath_mentions(tree: etree._ElementTree, entity_id: str, uris: tuple[str, ...] = ()) -> int:
    """The documented rule, written as one XPath count (an independent check of the index).

    ``uris`` are authority URIs by which the text may point to the entity.
    """
    expression = (
        f"count(//tei:text//*[{OUTSIDE_REGISTERS}]["
        f"{_token_test('ref', entity_id, *uris)}"
        f" or (not(@ref) and normalize-space(@key) = '{entity_id}')"
        f" or ((self::tei:ref or self::tei:ptr) and not(@ref) and not(@key) and {_token_test('target', entity_id)})"
        f" or ((self::tei:quote or self::tei:q or self::tei:said or self::tei:cit) and not(@ref) and not(@key)"
        f" and {_token_test('source', entity_id)})])"
    )
    return int(tree.xpath(expression, namespaces=NS))


def xpath_speeches(tree: etree._ElementTree, entity_id: str) -> int:
    speech = "self::tei:sp or self::tei:u or self::tei:said or self::tei:q or self::tei:quote"
    return int(tree.xpath(f"count(//tei:text//*[{speech}][{OUTSIDE_REGISTERS}][{_token_test('who', entity_id)}])", namespaces=NS))


def assert_counts_match_xpath(path: Path, sample_unmentioned: int = 25, uris: dict[str, tuple[str, ...]] | None = None) -> None:
    document = xmlsafe.load(path)
    index = build_index([document])
    unmentioned = 0
    for kind in ("persons", "places", "orgs", "works"):
        for entity in index.of_kind(kind):
            if entity.status != "registered":
                continue
            if not entity.mentions:
                unmentioned += 1
                if unmentioned > sample_unmentioned:
                    continue
            expected = xpath_mentions(document.tree, entity.id, (uris or {}).get(entity.id, ()))
            assert len(entity.mentions) == expected, (path.name, kind, entity.id)
            if kind == "persons":
                assert entity.speeches == xpath_speeches(document.tree, entity.id), (path.name, entity.id)
    in_text = f"//tei:text//*[{OUTSIDE_REGISTERS}]"
    assert len(index.dates) == int(document.tree.xpath(f"count({in_text}[self::tei:date])", namespaces=NS))
    quotes = f"count({in_text}[self::tei:quote or self::tei:q or self::tei:said])"
    assert len(index.quotes) == int(document.tree.xpath(quotes, namespaces=NS))


def rows_of(index, kind: str) -> dict[str, dict]:
    return {row["id"] or row.get("name", row.get("title")): row for row in table(index, kind)[1]}


@pytest.fixture(scope="module")
def letters_index():
    return build_index([LETTERS])


def test_mentions_resolve_every_pointer_style(letters_index):
    persons = rows_of(letters_index, "persons")
    # #id, a Wikidata URL matching the entry's idno, and a plain #id in verse;
    # the header author and the birth place inside the register do not count.
    assert persons["stalin"]["mentions"] == 3
    assert persons["stalin"]["speeches"] == 1
    assert persons["kirov"]["mentions"] == 2  # one of them in a footnote
    # ref="#zinoviev #kamenev" is a mention of each.
    assert persons["zinoviev"]["mentions"] == persons["kamenev"]["mentions"] == 2
    places = rows_of(letters_index, "places")
    assert places["moscow"]["mentions"] == 2  # @key="moscow" and @ref="#moscow"
    assert places["leningrad"]["first_mention"] == "head-1"


def test_unresolved_and_unlinked_mentions_still_count(letters_index):
    persons = rows_of(letters_index, "persons")
    assert persons["yagoda"]["status"] == "unresolved"
    assert persons["yagoda"]["surface_forms"] == ["Yagoda"]
    assert persons["Ivan Smirnov"]["status"] == "unlinked"
    assert persons["Ivan Smirnov"]["id"] == ""
    works = rows_of(letters_index, "works")
    assert works["Izvestia"]["status"] == "unlinked"


def test_surface_forms_are_the_reading_text(letters_index):
    persons = rows_of(letters_index, "persons")
    assert persons["stalin"]["surface_forms"] == ["Stalin"]  # the surplus repetition is left out
    places = rows_of(letters_index, "places")
    assert places["moscow"]["surface_forms"] == ["Moscow"]  # corr, not sic
    assert rows_of(letters_index, "orgs")["nkvd"]["surface_forms"] == ["NKVD", "People's Commissariat"]


def test_register_data(letters_index):
    stalin = rows_of(letters_index, "persons")["stalin"]
    assert (stalin["name"], stalin["forename"], stalin["surname"]) == ("Joseph Stalin", "Joseph", "Stalin")
    assert (stalin["birth"], stalin["death"]) == ("1878-12-18", "1953-03-05")
    assert stalin["wikidata"] == "Q855" and stalin["viaf"] == "https://viaf.org/viaf/101787139"
    assert stalin["other_names"] == ["Ioseb Besarionis dze Jughashvili"]
    leningrad = rows_of(letters_index, "places")["leningrad"]
    assert (leningrad["latitude"], leningrad["longitude"]) == (59.9375, 30.308611)  # decimal commas
    book = rows_of(letters_index, "works")["problems-of-leninism"]
    assert (book["authors"], book["date"], book["mentions"]) == (["Joseph Stalin"], "1926", 2)
    assert rows_of(letters_index, "persons")["old-bolsheviks"]["type"] == "group"


def test_dates_have_values_context_and_co_mentioned_entities(letters_index):
    first, trial, terror = table(letters_index, "dates")[1]
    assert (first["when"], first["location"]) == ("1934-12-01", "par-1")
    assert first["entities"] == ["kirov", "leningrad", "stalin", "moscow", "nkvd"]
    assert first["context"].startswith("On 1 December 1934 Kirov was shot in Leningrad.")
    assert (trial["from"], trial["to"]) == ("1936-08-19", "1936-08-24")
    assert "Ivan Smirnov" in trial["entities"]
    assert (terror["not_before"], terror["not_after"], terror["location"]) == ("1937-01-01", "1938-12-31", "item-1")


def test_quotes_have_speaker_work_and_word_count(letters_index):
    speech, headline = table(letters_index, "quotes")[1]
    assert (speech["speaker_id"], speech["speaker"]) == ("stalin", "Joseph Stalin")
    assert (speech["work_id"], speech["work"]) == ("problems-of-leninism", "Problems of Leninism")
    assert speech["text"] == "Life has become better, comrades; life has become more joyous."
    assert speech["words"] == 10
    assert (headline["work_id"], headline["words"]) == ("pravda", 5)  # from the bibl of its cit


def test_every_tei_place_name_element_names_a_place(tmp_path):
    names = ["settlement", "district", "region", "country", "bloc", "geogName", "placeName"]
    source = tmp_path / "places.xml"
    source.write_text(f'<TEI xmlns="{xmlsafe.TEI_NS}"><text><body><p>'
                      + " ".join(f'<{name} ref="#{name}-x">{name.title()}ia</{name}> <{name}>Un{name}</{name}>' for name in names)
                      + "</p></body></text></TEI>", encoding="utf-8")
    places = {entity.label: entity.status for entity in build_index([source]).of_kind("places")}
    assert places == {**{f"{name}-x": "unresolved" for name in names}, **{f"Un{name}": "unlinked" for name in names}}


def test_quote_words_are_tokens_with_a_letter_or_digit():
    text = "— Ça va? _ ... 1937 x_y ٣ " + "-" * 200_000  # a long run of dashes must not slow the count down
    assert QuoteRecord("f.xml", "p-1", 1, "quote", text).words == 5  # Ça, va?, 1937, x_y, ٣


def test_fixture_counts_equal_xpath_counts():
    assert_counts_match_xpath(LETTERS, uris={"stalin": ("https://www.wikidata.org/wiki/Q855",)})


def test_register_lists_inside_nested_texts_of_a_corpus():
    # Registers in the group's texts are skipped, their entries still count; header paragraphs count in p-n.
    nested = FIXTURES / "nested-texts.xml"
    assert_counts_match_xpath(nested)
    index = build_index([nested])
    kirov = index.get("kirov")
    assert [(m.location, m.surface) for m in kirov.mentions] == [("p-5", "Kirov"), ("p-6", "S. M. Kirov"), ("p-9", "Kirov")]
    assert [m.location for m in index.get("moscow").mentions] == ["p-6", "p-9"]
    assert [e.name for e in index.of_kind("persons") if e.status == "unlinked"] == ["an unnamed guard"]


def test_location_id_uses_xml_id_else_position():
    document = xmlsafe.load(LETTERS)
    kirov = document.tree.xpath("//tei:p[@xml:id='par-1']/tei:persName", namespaces=NS)[0]
    assert location_id(kirov) == "par-1"
    for name in document.tree.xpath("//tei:text//tei:persName", namespaces=NS):
        block = name.xpath("ancestor-or-self::*[self::tei:p or self::tei:l or self::tei:note or self::tei:head][1]", namespaces=NS)[0]
        if block.get(f"{{{xmlsafe.XML_NS}}}id"):
            continue
        position = list(document.root.iter(block.tag)).index(block) + 1
        assert location_id(name) == f"{etree.QName(block).localname}-{position}"
    footnote_mention = document.tree.xpath("//tei:note/tei:persName", namespaces=NS)[0]
    assert location_id(footnote_mention) == "note-2"  # the register note of Stalin is note-1


def test_authority_file_resolves_pointers_and_adds_only_what_is_mentioned():
    without = rows_of(build_index([LETTERS]), "persons")
    with_register = rows_of(build_index([LETTERS], authorities=[FIXTURES / "register-persons.xml"]), "persons")
    assert without["yagoda"]["status"] == "unresolved"
    assert with_register["yagoda"]["status"] == "registered"
    assert with_register["yagoda"]["name"] == "Genrikh Yagoda"
    assert with_register["yagoda"]["wikidata"] == "Q311153"
    assert "yezhov" not in with_register  # in the register, never mentioned


@needs_corpus
def test_authority_with_the_schnitzler_place_register():
    register = CORPUS / "schnitzler-briefe" / "data__indices__listplace.xml"
    letter = FIXTURES / "letter-without-register.xml"
    assert {r["status"] for r in table(build_index([letter]), "places")[1]} == {"unresolved"}
    places = rows_of(build_index([letter], authorities=[register]), "places")
    assert set(places) == {"pmb50", "pmb772", "pmb-nowhere"}
    assert (places["pmb50"]["name"], places["pmb50"]["mentions"]) == ("Wien", 2)
    assert places["pmb50"]["latitude"] == pytest.approx(48.208333)
    assert places["pmb50"]["wikidata"].endswith("Q1741")
    assert places["pmb-nowhere"]["status"] == "unresolved"


@needs_corpus
def test_pointers_into_a_later_file_resolve_in_corpus_mode():
    # Each tree is freed after its scan, so the letter's pointers wait until the register is read.
    register = CORPUS / "schnitzler-briefe" / "data__indices__listplace.xml"
    letter = FIXTURES / "letter-without-register.xml"
    places = rows_of(build_index([letter, register]), "places")
    assert (places["pmb50"]["status"], places["pmb50"]["name"], places["pmb50"]["mentions"]) == ("registered", "Wien", 2)
    assert places["pmb50"]["files"] == {str(letter): 2}
    assert places["pmb772"]["first_mention_file"] == str(letter)
    assert places["pmb-nowhere"]["status"] == "unresolved"


@needs_corpus
def test_corpus_mode_merges_by_id_with_per_file_counts():
    letters = [CORPUS / "schnitzler-briefe" / f"data__editions__{n}.xml" for n in ("L00257", "L00709", "L02254")]
    merged = build_index(letters)
    vienna = rows_of(merged, "places")["pmb50"]
    singles = [rows_of(build_index([f]), "places").get("pmb50", {"mentions": 0})["mentions"] for f in letters]
    assert vienna["mentions"] == sum(singles) > 0
    assert vienna["files"] == {str(f): n for f, n in zip(letters, singles) if n}
    assert len([r for r in table(merged, "places")[1] if r["id"] == "pmb50"]) == 1


@needs_corpus
@pytest.mark.parametrize("path", [p for p in CORPUS_FILES if p.name not in NOT_WELL_FORMED], ids=lambda p: p.name)
def test_every_corpus_file_counts_equal_xpath_counts(path):
    assert_counts_match_xpath(path)


@needs_corpus
def test_sp_who_counts_speeches_not_mentions():
    play = CORPUS / "gerdracor" / "buechner-leonce-und-lena.xml"
    persons = rows_of(build_index([play]), "persons")
    tree = etree.parse(str(play))
    speakers = [token for who in tree.xpath("//tei:sp/@who", namespaces=NS) for token in who.split()]
    assert sum(r["speeches"] for r in persons.values()) == len(speakers) > len(tree.xpath("//tei:sp", namespaces=NS))
    assert persons["leonce"]["speeches"] > 0 and persons["leonce"]["mentions"] == 0


@pytest.mark.skipif(not FLAGSHIP.exists(), reason=f"flagship edition {FLAGSHIP} not written yet")
def test_flagship_counts_equal_xpath_counts():
    assert_counts_match_xpath(FLAGSHIP, sample_unmentioned=1000)
    index = build_index([FLAGSHIP])
    assert index.of_kind("persons") and index.dates and index.quotes


def test_csv_is_rfc4180_with_header_and_round_trips(letters_index):
    columns, rows = table(letters_index, "persons")
    text = render(columns, rows, "csv")
    assert text.startswith("id,status,name,") and "\r\n" in text
    parsed = list(csv.DictReader(io.StringIO(text, newline="")))
    stalin = next(r for r in parsed if r["id"] == "stalin")
    assert stalin["note"] == 'General Secretary of the Communist Party, "the boss"'
    assert stalin["files"] == f"{LETTERS}: 3"
    assert [r["id"] for r in parsed] == [r["id"] for r in rows]


def test_json_jsonl_and_tsv_carry_the_same_records(letters_index):
    columns, rows = table(letters_index, "places")
    as_json = json.loads(render(columns, rows, "json"))
    as_jsonl = [json.loads(line) for line in render(columns, rows, "jsonl").splitlines()]
    assert as_json == as_jsonl
    assert [list(r) for r in as_json] == [columns] * len(rows)
    moscow = next(r for r in as_json if r["id"] == "moscow")
    assert moscow["other_names"] == ["Москва"] and moscow["latitude"] == 55.7558
    tsv = render(columns, rows, "tsv").splitlines()
    assert tsv[0].split("\t") == columns and len(tsv) == len(rows) + 1
    assert "Москва" in tsv[[r["id"] for r in rows].index("moscow") + 1].split("\t")


def test_output_is_deterministic_and_sorted_by_id(tmp_path):
    first = export_registers([LETTERS], tmp_path / "a", "csv")
    second = export_registers([LETTERS], tmp_path / "b", "csv")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    ids = [r["id"] for r in csv.DictReader(io.StringIO((tmp_path / "a" / "persons.csv").read_text(encoding="utf-8")))]
    with_id = [i for i in ids if i]
    assert with_id == sorted(with_id) and ids[: len(with_id)] == with_id


@needs_corpus
def test_a_file_without_entities_gives_empty_tables_with_headers(tmp_path):
    written = export_registers([CORPUS / "tei-p5-test" / "testoverlap.xml"], tmp_path, "csv")
    assert [p.name for p in written] == ["persons.csv", "places.csv", "orgs.csv", "dates.csv", "quotes.csv", "works.csv"]
    for path in written:
        lines = path.read_text(encoding="utf-8").splitlines()
        assert len(lines) == 1 and lines[0].startswith(("id,", "file,"))
    assert json.loads(render(*table(build_index([CORPUS / "tei-p5-test" / "testoverlap.xml"]), "dates"), "json")) == []


def test_existing_files_are_kept_without_force(tmp_path):
    export_registers([LETTERS], tmp_path, "json", "persons")
    (tmp_path / "persons.json").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match="--force"):
        export_registers([LETTERS], tmp_path, "json", "all")
    assert (tmp_path / "persons.json").read_text(encoding="utf-8") == "mine"
    assert not (tmp_path / "places.json").exists()
    export_registers([LETTERS], tmp_path, "json", "persons", force=True)
    assert json.loads((tmp_path / "persons.json").read_text(encoding="utf-8"))[0]["id"] == "kamenev"


def test_bad_input_is_refused_with_its_location():
    with pytest.raises(XMLInputError, match=r"malformed\.xml:1:\d+: error: \[xml\]"):
        build_index([FIXTURES / "malformed.xml"])
    with pytest.raises(XMLInputError, match="external entity"):
        build_index([FIXTURES / "external-entity.xml"])


def test_cli_writes_one_file_per_type(tmp_path):
    result = CliRunner().invoke(main, ["entities", str(LETTERS), "--format", "jsonl", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "dates.jsonl", "orgs.jsonl", "persons.jsonl", "places.jsonl", "quotes.jsonl", "works.jsonl"]
    again = CliRunner().invoke(main, ["entities", str(LETTERS), "-o", str(tmp_path / "out"), "--format", "jsonl"])
    assert again.exit_code == 2 and "--force" in again.output


def test_what_the_sources_lack_is_handed_over_before_any_output(tmp_path):
    source = tmp_path / "part-missing.xml"
    source.write_text(LETTERS.read_text(encoding="utf-8").replace(
        "<body>", '<body><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="absent.xml"/>', 1), encoding="utf-8")
    seen = []
    text = export_table([source], "orgs", "csv", on_problems=lambda problems: seen.append([f.rule for f in problems]))
    export_registers([source], tmp_path / "out", on_problems=lambda problems: seen.append(list((tmp_path / "out").glob("*"))))
    assert seen == [["xinclude"], []] and text.splitlines()[1].startswith("nkvd,")
    result = CliRunner().invoke(main, ["entities", str(source), "-o", str(tmp_path / "again")])
    assert result.exit_code == 0 and "error: [xinclude] XInclude target not found: absent.xml" in result.stderr


def test_cli_writes_one_type_to_stdout():
    result = CliRunner().invoke(main, ["entities", str(LETTERS), "--type", "orgs", "-o", "-"])
    assert result.exit_code == 0
    assert result.output.splitlines()[1].startswith("nkvd,registered,NKVD,")
    refused = CliRunner().invoke(main, ["entities", str(LETTERS)])
    assert refused.exit_code == 2 and "--type" in refused.output


@needs_corpus
def test_cli_malformed_corpus_file_exits_2_without_traceback():
    broken = next(p for p in CORPUS_FILES if p.name == "listGlyph.xml")
    process = subprocess.run(
        [sys.executable, "-m", "tei_tool.cli", "entities", str(broken), "--type", "persons"],
        capture_output=True, text=True, check=False,
    )
    assert process.returncode == 2
    assert f"{broken}:12:1: error: [xml]" in process.stderr
    assert "Traceback" not in process.stderr and process.stdout == ""


def _tei_file(path: Path, body: str, back: str) -> Path:
    path.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>t</title>'
                    '</titleStmt><publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc>'
                    f'</teiHeader><text><body><p>{body}</p></body><back>{back}</back></text></TEI>', encoding="utf-8")
    return path


def test_a_pointer_resolves_in_its_own_file_or_the_file_it_names_first(tmp_path):
    # The id "x" is a person in a.xml and a place in b.xml.
    a = _tei_file(tmp_path / "a.xml", '<persName ref="#x">Xa</persName> <placeName ref="b.xml#x">X of b</placeName>',
                  '<listPerson><person xml:id="x"><persName>Person X</persName></person></listPerson>')
    b = _tei_file(tmp_path / "b.xml", '<placeName ref="#x">Xb</placeName> <persName ref="a.xml#x">Xa in b</persName>',
                  '<listPlace><place xml:id="x"><placeName>Place X</placeName></place></listPlace>')
    index = build_index([a, b])
    person, place = index.entities[("persons", "x")], index.entities[("places", "x")]
    assert [(m.file, m.surface) for m in person.mentions] == [(str(a), "Xa"), (str(b), "Xa in b")]
    assert [(m.file, m.surface) for m in place.mentions] == [(str(a), "X of b"), (str(b), "Xb")]


def test_among_entries_sharing_an_id_the_kind_of_the_name_decides(tmp_path):
    a = _tei_file(tmp_path / "a.xml", "", '<listPerson><person xml:id="x"><persName>Person X</persName></person></listPerson>')
    b = _tei_file(tmp_path / "b.xml", "", '<listPlace><place xml:id="x"><placeName>Place X</placeName></place></listPlace>')
    c = _tei_file(tmp_path / "c.xml", '<placeName ref="registers.xml#x">there</placeName> <persName ref="#x">him</persName>', "")
    index = build_index([c], authorities=[a, b])
    assert [m.surface for m in index.entities[("places", "x")].mentions] == ["there"]
    assert [m.surface for m in index.entities[("persons", "x")].mentions] == ["him"]


def test_csv_and_tsv_cells_never_become_spreadsheet_formulas(tmp_path):
    source = _tei_file(tmp_path / "hostile.xml",
                       '<persName ref="#a">=HYPERLINK("http://evil/")</persName> <persName ref="#=cmd()">x</persName>',
                       '<listPerson><person xml:id="a"><persName>+SUM(A1:A9)</persName><note>@evil -2+3</note>'
                       '<birth when="-0044-03-15"/></person>'
                       '<person xml:id="b"><persName>B</persName><note>-cmd|\'/C calc\'!A0</note></person>'
                       '<person xml:id="c"><persName>C</persName><note>-12.5</note></person></listPerson>')
    for fmt in ("csv", "tsv"):
        text = render(*table(build_index([source]), "persons"), fmt)
        rows = list(csv.reader(io.StringIO(text), delimiter="," if fmt == "csv" else "\t"))
        cells = [cell for row in rows[1:] for cell in row]
        assert "'+SUM(A1:A9)" in cells and "'@evil -2+3" in cells and "'=cmd()" in cells and "'-cmd|'/C calc'!A0" in cells
        assert "-0044-03-15" in cells and "-12.5" in cells  # a date or a number is no formula
        assert not any(cell.startswith(("=", "+", "@", "-")) for cell in cells if cell not in ("-0044-03-15", "-12.5"))
    as_json = json.loads(render(*table(build_index([source]), "persons"), "json"))
    assert {row["id"]: row["name"] for row in as_json}["a"] == "+SUM(A1:A9)"  # JSON keeps values as they are


def test_columns_of_one_kind_never_show_another_kinds_fields(tmp_path):
    source = _tei_file(tmp_path / "idno.xml", '<persName ref="#a">A</persName> <persName ref="#b">B</persName>',
                       '<listPerson><person xml:id="a"><persName>Anna</persName><idno type="title">Dr.</idno></person>'
                       '<person xml:id="b"><persName>Berta</persName></person></listPerson>')
    columns, rows = table(build_index([source]), "persons")
    assert "title" in columns
    assert [row["title"] for row in rows] == ["Dr.", ""]


def test_impossible_coordinates_are_left_out(tmp_path):
    source = _tei_file(tmp_path / "geo.xml", "",
                       '<listPlace><place xml:id="p"><location><geo>nan inf</geo></location></place>'
                       '<place xml:id="q"><location><geo>1e999 -1e999</geo></location></place>'
                       '<place xml:id="r"><location><geo>95 10</geo></location></place>'
                       '<place xml:id="s"><location><geo>55.75 37.62</geo></location></place></listPlace>')
    rows = json.loads(render(*table(build_index([source]), "places"), "json"))
    assert [(r["id"], r["latitude"], r["longitude"]) for r in rows] == [
        ("p", None, None), ("q", None, None), ("r", None, None), ("s", 55.75, 37.62)]


def test_a_file_named_twice_is_counted_once(tmp_path):
    source = _tei_file(tmp_path / "once.xml", '<persName ref="#a">A</persName>',
                       '<listPerson><person xml:id="a"><persName>Anna</persName></person></listPerson>')
    index = build_index([source, tmp_path / "." / "once.xml"])
    assert len(index.entities[("persons", "a")].mentions) == 1


def test_tables_go_out_as_utf8_whatever_the_locale(tmp_path):
    source = _tei_file(tmp_path / "utf8.xml", '<persName ref="#a">Ćirić</persName>',
                       '<listPerson><person xml:id="a"><persName>Ćirić’s</persName></person></listPerson>')
    done = subprocess.run([sys.executable, "-m", "tei_tool.cli", "entities", str(source), "--type", "persons"],
                          capture_output=True, env={**os.environ, "PYTHONIOENCODING": "latin-1"}, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    assert "Ćirić’s".encode() in done.stdout


def test_a_refused_target_leaves_every_register_as_it_was(tmp_path):
    source = _tei_file(tmp_path / "src.xml", "", "")
    out = tmp_path / "out"
    out.mkdir()
    (out / "persons.csv").write_text("mine", encoding="utf-8")
    (out / "orgs.csv").mkdir()
    with pytest.raises(OutputError, match="is a directory"):
        export_registers([source], out, force=True)
    assert (out / "persons.csv").read_text(encoding="utf-8") == "mine"
    assert not (out / "places.csv").exists()


def xslt_name_list(variable: str) -> set[str]:
    """The quoted names of a name-list variable of xslt/common.xsl."""
    stylesheet = etree.parse(str(ROOT / "xslt" / "common.xsl"))
    [select] = stylesheet.xpath("//xsl:variable[@name = $name]/@select", name=variable,
                                namespaces={"xsl": "http://www.w3.org/1999/XSL/Transform"})
    return set(re.findall(r"'([^']+)'", select))


def test_locations_are_the_passages_the_html_edition_anchors():
    """One rule for both: the nearest passage, else the nearest line group, division or speech."""
    assert xslt_name_list("tt:location-names") == LOCATION_ELEMENTS
    assert xslt_name_list("tt:anchored-names") == ENCLOSING_LOCATION_ELEMENTS


LOCATED_SOURCES = [FLAGSHIP] + [path for path in CORPUS_FILES
                                if path.name in ("ENG18530_Dickens.xml", "data__editions__L04244.xml", "detest.xml", "testbasic.xml")]


@pytest.mark.parametrize("path", LOCATED_SOURCES, ids=lambda path: path.name)
def test_every_reported_location_is_an_anchor_of_the_html_edition(path):
    """A quotation of paragraphs in a division, a name or date outside any paragraph: the location the entity
    index reports is an id in index.html, where the registers of the HTML edition link to."""
    document = xmlsafe.load(path)
    anchors = set(lxml_html.document_fromstring(html.render_pages(document)["index.html"]).xpath("//@id"))
    index = build_index([path])
    reported = {row[key] for kind in RECORD_KINDS for row in table(index, kind)[1]
                for key in ("first_mention", "location") if row.get(key)}
    assert reported and sorted(reported - anchors) == []
