"""The HTML edition: XPath assertions on the generated pages for the
fixture edition, the flagship, hostile TEI and the shared corpus."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from lxml import html as lxml_html

from tei_tool import html, resources, transform, xmlsafe
from tei_tool.cli import main
from tei_tool.entities import build_index
from tei_tool.errors import OutputError, TeiToolError, XMLInputError

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "html-edition.xml"
HOSTILE = HERE / "fixtures" / "hostile-html.xml"
FLAGSHIP = HERE.parent / "tei" / "great-purge.xml"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus" / "docs"
TEI = {"tei": xmlsafe.TEI_NS}
PAGES = ["index.html", "persons.html", "places.html", "organisations.html", "chronology.html",
         "quotations.html", "bibliography.html", "about.html"]
REGISTER_OF = {"person": "persons.html", "personGrp": "persons.html", "place": "places.html", "org": "organisations.html"}
#: The register page of each kind of the entity index.
ENTITY_REGISTERS = {"persons": "persons.html", "places": "places.html", "orgs": "organisations.html"}
MENTION_POINTERS = HERE / "fixtures" / "mention-pointers.xml"
MENTION_SOURCES = HERE / "fixtures" / "mention-sources.xml"
#: Shared corpus files whose registers are compared with the entity index: letters naming people and places in
#: commentary notes and register lists of their own, and correspDesc examples naming them in the header only.
MENTION_CORPUS = ["schnitzler-briefe/data__editions__L00283.xml", "schnitzler-briefe/data__editions__L02254.xml",
                  "schnitzler-briefe/data__editions__L03152.xml", "schnitzler-briefe/data__editions__L03898.xml",
                  "correspdesc-examples/example04_more-than-one-sender.xml",
                  "correspdesc-examples/example07_anthology-of-letters.xml"]


def parse_site(pages: dict[str, str]) -> dict[str, etree._Element]:
    return {name: lxml_html.document_fromstring(text) for name, text in pages.items()}


@pytest.fixture(scope="module")
def fixture_site():
    return xmlsafe.load(FIXTURE), parse_site(html.render_pages(xmlsafe.load(FIXTURE)))


@pytest.fixture(scope="module")
def flagship_site():
    if not FLAGSHIP.exists():
        pytest.skip("the flagship tei/great-purge.xml is not there yet")
    document = xmlsafe.load(FLAGSHIP)
    return document, parse_site(html.render_pages(document))


@pytest.fixture(params=["fixture", "flagship"])
def site(request):
    return request.getfixturevalue(f"{request.param}_site")


def ids_of(page: etree._Element) -> list[str]:
    return page.xpath("//@id")


def test_all_pages_written(site):
    _, pages = site
    assert sorted(pages) == sorted(PAGES)


def test_every_entity_mention_links_to_an_existing_register_entry(site):
    document, pages = site
    for name in ("persName", "placeName", "orgName"):
        mentions = document.root.xpath(f"//tei:text//tei:{name}[@ref]", namespaces=TEI)
        resolvable = [m for m in mentions if document.root.xpath(
            "//*[@xml:id = $id][self::tei:person or self::tei:personGrp or self::tei:place or self::tei:org]",
            namespaces=TEI, id=m.get("ref").split()[0].lstrip("#"))]
        linked = pages["index.html"].xpath(f"//*[contains(concat(' ', @class, ' '), ' tei-{name} ')]"
                                           "[contains(@class, 'entity')][not(contains(@class, 'entity-unresolved'))]")
        assert len(linked) == len(resolvable), name
        assert all(mention.tag == "a" or mention.xpath("ancestor::a") for mention in linked), "a link of its own or in one"
    links = pages["index.html"].xpath("//a[contains(concat(' ', @class, ' '), ' entity ')]")
    assert links
    for link in links:
        page, _, anchor = link.get("href").partition("#")
        target = pages[page or "index.html"].xpath("//*[@id = $id]", id=anchor)
        assert target, f"{link.get('href')} points nowhere"
        if page in REGISTER_OF.values():
            assert target[0].tag == "article" and "entry" in target[0].get("class")


def mention_sources() -> list:
    """The editions whose registers are compared with the entity index; shared corpus files are skipped without it."""
    return [pytest.param(path, id=path.name) for path in (FIXTURE, FLAGSHIP, MENTION_POINTERS, MENTION_SOURCES)] + [
        pytest.param(CORPUS / name, id=name) for name in MENTION_CORPUS]


@pytest.mark.parametrize("source", mention_sources())
def test_registers_list_the_mentions_the_entity_index_counts(source):
    """Each entry of persons.html, places.html and organisations.html lists, under "Occurrences in the text (n)",
    the mentions `tei-tool entities` counts of it, in its order and passages: through @ref, @key, ref and ptr
    @target, a quotation's @source, in notes, and not in the header or register lists."""
    if not source.exists():
        pytest.skip(f"{source} is not there (the shared corpus is looked for beside the project)")
    pages = parse_site(html.render_pages(xmlsafe.load(source)))
    listed = {}
    for kind, page in ENTITY_REGISTERS.items():
        for entry in pages[page].xpath("//article[contains(concat(' ', @class, ' '), ' entry ')]"):
            occurrences = [href.partition("#")[2] for href in entry.xpath(".//section[@class = 'occurrences']//li/a/@href")]
            assert entry.xpath("string(.//section[@class = 'occurrences']/h3)").endswith(f"({len(occurrences)})")
            listed[(kind, entry.get("id"))] = occurrences
    index = build_index([source])
    counted = {(kind, entity.id): [mention.location for mention in entity.mentions]
               for kind in ENTITY_REGISTERS for entity in index.of_kind(kind) if entity.status == "registered"}
    # An entry without xml:id has a register entry (by its position) and no mentions: nothing can point to it.
    assert {key: found for key, found in listed.items() if found or key in counted} == counted
    if source == MENTION_POINTERS:
        assert len(listed[("persons", "kirov")]) == 6 and len(listed[("persons", "stalin")]) == 3
    if source == MENTION_SOURCES:
        assert {key: len(found) for key, found in listed.items()} == {
            ("persons", "kirov"): 3, ("persons", "nikolayev"): 2, ("persons", "stalin"): 1, ("places", "leningrad"): 1}


def test_names_in_every_register_list_of_the_entity_index_are_no_occurrence(tmp_path):
    """The stylesheets leave out the lists tei_tool.entities.REGISTER_LISTS leaves out, and no other: a name in
    any of them is register apparatus, not an occurrence; the same name in a paragraph is one."""
    from tei_tool.entities import REGISTER_LISTS

    in_lists = "".join(f'<{name}><persName ref="#clara">Clara</persName></{name}>' for name in REGISTER_LISTS)
    pages = tiny_site(tmp_path, f'<p><persName ref="#clara">Clara</persName></p>{in_lists}')
    assert pages["persons.html"].xpath("//article[@id = 'clara']//section[@class = 'occurrences']//li/a/@href") == ["index.html#p-3"]
    assert [m.location for m in build_index([tmp_path / "tiny.xml"]).get("clara").mentions] == ["p-3"]


def test_occurrences_link_to_existing_passages(site):
    _, pages = site
    anchors = set(ids_of(pages["index.html"]))
    for page in ("persons.html", "places.html", "organisations.html", "chronology.html", "quotations.html"):
        for href in pages[page].xpath("//a[starts-with(@href, 'index.html#')]/@href"):
            assert href.split("#", 1)[1] in anchors, f"{page}: {href}"


def date_key(value: str) -> tuple[int, str]:
    year = re.match(r"-?\d+", value)
    return (int(year.group()), value[year.end():]) if year else (10**9, value)


def test_chronology_is_sorted_and_complete(site):
    document, pages = site
    dated = document.root.xpath("//tei:text//tei:date[@when or @from or @notBefore or @notAfter or @to]", namespaces=TEI)
    values = [v.split()[0] for v in pages["chronology.html"].xpath("//ol[@class = 'chronology']/li/time/text()")]
    values = [v if v != "between" and v != "not" else "" for v in values]
    starts = [date_key(t.get("datetime") or "") for t in pages["chronology.html"].xpath("//ol[@class = 'chronology']/li/time")
              if t.get("datetime")]
    assert len(values) == len(dated)
    assert starts == sorted(starts) and len(starts) >= 3


def test_permalinks_on_paragraphs_line_groups_and_primary_sources(site):
    document, pages = site
    index = pages["index.html"]
    ids = ids_of(index)
    assert len(ids) == len(set(ids)), "duplicate ids in index.html"
    paragraphs = document.root.xpath("//tei:text//tei:p[not(ancestor::tei:note)]", namespaces=TEI)
    assert len(index.xpath("//*[contains(@class, 'tei-p')]/a[@class = 'permalink']")) == len(paragraphs)
    for source in document.root.xpath("//tei:div[@type = 'primarySource']", namespaces=TEI):
        expected = source.get(f"{{{xmlsafe.XML_NS}}}id") or f"div-{document.root.xpath('//tei:div', namespaces=TEI).index(source) + 1}"
        section = index.xpath("//section[@id = $id]", id=expected)
        assert section and "type-primarySource" in section[0].get("class")
        assert section[0].xpath(".//*[contains(@class, 'tei-bibl')]"), "the primary source's citation is shown"


def test_position_permalinks_follow_the_entity_index_scheme(fixture_site):
    document, pages = fixture_site
    second_paragraph = document.root.xpath("//tei:body//tei:p", namespaces=TEI)[1]
    position = document.root.xpath("//tei:p", namespaces=TEI).index(second_paragraph) + 1
    assert pages["index.html"].xpath("//p[@id = $id]", id=f"p-{position}")


def test_pages_are_accessible_html(site):
    _, pages = site
    for name, page in pages.items():
        assert page.get("lang") and page.get("lang") != "und", name
        assert len(page.xpath("//h1")) == 1, name
        levels = [int(h.tag[1]) for h in page.xpath("//h1 | //h2 | //h3 | //h4 | //h5 | //h6")]
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), f"{name}: heading levels {levels}"
        assert page.xpath("//nav//a[@aria-current = 'page']/@href") == [name]
        assert not page.xpath("//script[not(@src = 'edition.js')]")


def test_views_mark_reading_and_diplomatic_forms(fixture_site):
    _, pages = fixture_site
    index = pages["index.html"]
    assert index.xpath("//span[contains(@class, 'tei-sic') and contains(@class, 'only-diplomatic')]/text()") == ["protege"]
    assert index.xpath("//span[contains(@class, 'tei-corr') and contains(@class, 'only-reading')]/text()") == ["protégé"]
    assert index.xpath("//span[contains(@class, 'tei-surplus') and contains(@class, 'only-diplomatic')]/text()") == ["the"]
    assert index.xpath("//div[@id = 'view-controls']/@hidden"), "the controls appear only with JavaScript"


def test_unknown_elements_degrade_to_classed_elements(fixture_site):
    _, pages = fixture_site
    unknown = pages["index.html"].xpath("//span[contains(@class, 'tei-unknownThing')]")
    assert len(unknown) == 1 and unknown[0].text_content() == "strange marked phrase"


def test_notes_are_numbered_endnotes(fixture_site):
    _, pages = fixture_site
    index = pages["index.html"]
    marker = index.xpath("//sup[@class = 'note-ref']/a")
    assert [m.text for m in marker] == ["1"]
    note = index.xpath("//section[@class = 'endnotes']//li[@id = $id]", id=marker[0].get("href")[1:])
    assert note and "punishment cell of Soviet prisons" in note[0].text_content()
    assert note[0].xpath(".//span[@lang = 'ru']/text()") == ["карцер"]


def test_register_entries_show_dates_notes_and_authority_links(fixture_site):
    _, pages = fixture_site
    rubin = pages["persons.html"].xpath("//article[@id = 'rubin']")[0]
    assert rubin.xpath("string(.//dl)").count("1886-06-12") == 1
    assert "Soviet economist" in rubin.text_content()
    assert rubin.xpath(".//p[@class = 'authorities']/a/@href") == ["https://www.wikidata.org/wiki/Q1683466"]
    assert pages["places.html"].xpath("//article[@id = 'leningrad']//a/@href")[0] == "https://www.geonames.org/498817"
    card = pages["index.html"].xpath("//div[@id = 'card-kirov']")[0]
    assert "1886-03-27–1934-12-01" in card.text_content() and "assassinated" in card.text_content()


def test_quotations_by_speaker_and_source(fixture_site):
    _, pages = fixture_site
    quotations = pages["quotations.html"]
    assert "destroyed" in quotations.xpath("string(//section[@id = 'speaker-stalin'])")
    assert "destroyed" in quotations.xpath("string(//section[@id = 'source-pravda-1934'])")
    assert quotations.xpath("//section[@id = 'speaker-stalin']/h3/a/@href") == ["persons.html#stalin"]


def test_bibliography_and_about_page(fixture_site):
    _, pages = fixture_site
    assert pages["bibliography.html"].xpath("//li[@id = 'serge-1951']")
    about = pages["about.html"].text_content()
    for expected in ("Spartacus Educational", "Obvious misprints are corrected", "Registers and primary sources added", "2024-04-02"):
        assert expected in about


def words_of(texts) -> set[str]:
    return {word for text in texts for word in re.findall(r"\w+", text)}


def without_comments(root: etree._Element) -> etree._Element:
    """A copy of the tree with comments removed and the text around them joined (as in the HTML)."""
    root = copy.deepcopy(root)
    for comment in root.xpath("//comment()"):
        parent, previous = comment.getparent(), comment.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + (comment.tail or "")
        else:
            parent.text = (parent.text or "") + (comment.tail or "")
        parent.remove(comment)
    return root


def assert_every_word_kept(document: xmlsafe.Document, pages: dict[str, etree._Element]) -> None:
    """Every word outside the teiHeader (the text, a sourceDoc, a facsimile's descriptions, …) is on some page."""
    root = without_comments(document.root)
    texts = root.xpath("//text()[not(ancestor::tei:teiHeader)]", namespaces=TEI)
    html_words = words_of(t for page in pages.values() for t in page.xpath("//body//text()"))
    missing = words_of(texts) - html_words
    assert not missing, f"{document.display_name}: {sorted(missing)[:20]}"


def test_every_word_of_the_text_appears(site):
    document, pages = site
    assert_every_word_kept(document, pages)


def corpus_files():
    if not CORPUS.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"shared corpus not found at {CORPUS}"))]
    files = [f for f in sorted(CORPUS.rglob("*.xml")) if f.stat().st_size < 600_000]
    return [pytest.param(f, id=str(f.relative_to(CORPUS))) for f in files]


@pytest.mark.parametrize("path", corpus_files())
def test_corpus_file_keeps_every_word(path):
    try:
        document = xmlsafe.load(path)
    except XMLInputError as exc:
        # The corpus holds one file that is not well-formed on purpose: it, and it alone, is refused with its location.
        assert path.name == "listGlyph.xml", exc
        assert str(exc) == f"{path}:12:1: error: [xml] Extra content at the end of the document"
        return
    if not document.root.tag.startswith(f"{{{xmlsafe.TEI_NS}}}"):
        with pytest.raises(XMLInputError, match="not in the TEI namespace"):
            html.render_pages(document)
        return
    assert_every_word_kept(document, parse_site(html.render_pages(document)))


def test_hostile_tei_is_rendered_inert():
    pages = html.render_pages(xmlsafe.load(HOSTILE))
    for name, text in pages.items():
        page = lxml_html.document_fromstring(text)
        for element in page.iter():
            if not isinstance(element.tag, str):
                continue
            for attribute, value in element.attrib.items():
                assert not attribute.lower().startswith("on"), f"{name}: <{element.tag} {attribute}>"
                if attribute in ("href", "src", "action", "formaction"):
                    compact = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                    assert not compact.startswith(("javascript:", "data:", "vbscript:", "//")), f"{name}: {attribute}={value}"
        assert page.xpath("//script/@src") == ["edition.js"] and not page.xpath("//script[not(@src)] | //img | //iframe | //object")
    index = lxml_html.document_fromstring(pages["index.html"])
    assert index.xpath("//a[. = 'safe https']/@href") == ['https://example.org/ok?a=1&b="2"']
    assert index.xpath("//a[. = 'safe mailto']/@href") == ["mailto:editor@example.org"]
    for label in ("plain javascript", "mixed case", "leading whitespace", "data URL", "vbscript", "protocol-relative"):
        assert index.xpath("//span[contains(@class, 'unsafe-link')][. = $label]", label=label), label
    assert "<img src=x onerror=alert(18)>" in index.text_content()
    assert index.xpath("//span[@class = 'tei-script']/text()") == ["alert(15)"]


def test_build_site_is_atomic_and_needs_force(tmp_path):
    out = tmp_path / "site"
    site = html.build_site(FIXTURE, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(PAGES + ["edition.css", "edition.js"])
    assert site.pages == sorted(PAGES)
    (out / "mine.txt").write_text("the user's file")
    with pytest.raises(OutputError, match="--force"):
        html.build_site(FIXTURE, out)
    assert (out / "mine.txt").exists()
    broken = tmp_path / "broken.xml"
    broken.write_text("<TEI xmlns='http://www.tei-c.org/ns/1.0'><text>")
    with pytest.raises(XMLInputError):
        html.build_site(broken, out, force=True)
    assert (out / "mine.txt").exists()
    html.build_site(FIXTURE, out, force=True)
    assert not (out / "mine.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.xml", "site"], "no staging directory left behind"


def test_cli_html(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["html", str(FIXTURE), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0 and "Wrote 8 pages" in result.output
    assert (tmp_path / "out" / "index.html").is_file()
    again = runner.invoke(main, ["html", str(FIXTURE), "-o", str(tmp_path / "out")])
    assert again.exit_code == 2 and "use --force" in again.output
    broken = tmp_path / "broken.xml"
    broken.write_text("<TEI xmlns='http://www.tei-c.org/ns/1.0'>\n  <text></txt>\n</TEI>\n")
    failed = runner.invoke(main, ["html", str(broken), "-o", str(tmp_path / "x")])
    assert failed.exit_code == 2 and re.search(r"broken\.xml:2:\d+: error: \[xml\]", failed.output)
    assert "Traceback" not in failed.output and not (tmp_path / "x").exists()
    foreign = tmp_path / "foreign.xml"
    foreign.write_text("<listPerson><person/></listPerson>")
    refused = runner.invoke(main, ["html", str(foreign), "-o", str(tmp_path / "y")])
    assert refused.exit_code == 2 and "foreign.xml:1:1:" in refused.output and "TEI namespace" in refused.output


def test_transform_returns_principal_and_result_documents():
    result = transform.transform("html.xsl", FIXTURE, {"tt:source-name": "edition.xml"})
    assert result.principal.startswith("<!DOCTYPE HTML>")
    assert sorted(result.documents) == sorted(PAGES[1:])
    assert "edition.xml" in result.documents["about.html"]
    assert transform.executable("html.xsl") is transform.executable("html.xsl"), "compiled once per process"


def test_transform_errors_are_tei_tool_errors(tmp_path):
    with pytest.raises(TeiToolError, match="no stylesheet"):
        transform.transform("missing.xsl", FIXTURE)
    plain = tmp_path / "plain.xml"
    plain.write_text("<root/>")
    with pytest.raises(transform.TransformError, match="not in the TEI namespace"):
        transform.transform("html.xsl", plain)


WORD_TAGGED = HERE / "fixtures" / "word-tagged.xml"
TOKENISED_NOVEL = CORPUS / "eltec-eng" / "ENG18720_Lynn.xml"


@pytest.fixture(scope="module")
def word_tagged_site():
    document = xmlsafe.load(WORD_TAGGED)
    return document, parse_site(html.render_pages(document))


@pytest.fixture(scope="module")
def novel_site():
    if not TOKENISED_NOVEL.exists():
        pytest.skip(f"the word-tagged ELTeC novel is not in the shared corpus at {TOKENISED_NOVEL}")
    document = xmlsafe.load(TOKENISED_NOVEL)
    return document, parse_site(html.render_pages(document))


def reading(element: etree._Element) -> str:
    """The text a reader sees in an element, permalink signs left out, whitespace normalised."""
    return " ".join("".join(element.xpath(".//text()[not(ancestor::a[@class = 'permalink'])]")).split())


def test_word_tagged_text_spacing_follows_punctuation_not_encoding_layout(word_tagged_site):
    """One token a line is how word-tagged texts are encoded; the reader sees "carpenter, born", not "carpenter , born"."""
    _, pages = word_tagged_site
    heading, english, french, _ = [reading(e) for e in pages["index.html"].xpath("//article//h2 | //article//p")]
    assert heading == "CHAPTER I."
    assert english == ("JOSHUA DAVIDSON was the only son of a village carpenter, born in the small hamlet of Trevalga. "
                       "He read (as boys do) Pilgrim's Progress and ecce homo; he said: “Nothing!”")
    assert french == "Quoi ? « Non. »", "French keeps its spaces before ? and inside guillemets"


def test_tokens_keep_their_element_only_where_it_carries_information(word_tagged_site):
    """Ids (for permalinks and links), languages and renditions keep a token's element; the rest is plain text."""
    _, pages = word_tagged_site
    article = pages["index.html"].xpath("//article")[0]
    kept = [(e.get("class"), e.get("lang"), e.get("id")) for e in article.xpath(".//*[contains(@class, 'tei-s') or contains(@class, 'tei-w') or contains(@class, 'tei-pc')]")]
    assert kept == [("tei-s", None, "s1"), ("tei-s", None, "s2"), ("tei-w rend-italic", None, None), ("tei-w", "la", None), ("tei-w", "la", None)]
    assert article.xpath(".//a[. = 'The first sentence']/@href") == ["#s2"]


def test_register_snippets_of_word_tagged_text_read_as_running_text(word_tagged_site):
    _, pages = word_tagged_site
    snippets = [" ".join(a.text_content().split()) for a in pages["persons.html"].xpath("//a[@class = 'occurrence']")]
    assert snippets == ["JOSHUA DAVIDSON was the only son of a village carpenter, born in the small hamlet of Trevalga. …"]
    assert pages["persons.html"].xpath("string(//a[@class = 'occurrence']/mark)") == "JOSHUA DAVIDSON"


def test_a_name_link_in_word_tagged_text_ends_at_its_last_word(word_tagged_site):
    """ELTeC puts a space after a name's last word, inside the name: it falls after the link, not underlined in it."""
    _, pages = word_tagged_site
    [link] = pages["index.html"].xpath("//article//a[contains(@class, 'entity')]")
    assert link.text_content() == "JOSHUA DAVIDSON"
    assert re.match(r"\s+was\b", link.tail)


def test_spaces_at_the_edges_of_a_name_fall_outside_its_link_or_away_before_punctuation(tmp_path):
    source = WORD_TAGGED.read_text(encoding="utf-8")
    mention = '<persName ref="#davidson"><w>JOSHUA</w> <w>DAVIDSON</w> </persName>\n<w>was</w>'
    assert mention in source
    variant = tmp_path / "novel.xml"
    variant.write_text(source.replace(mention, '<w>Young</w> <persName ref="#davidson"> <w>JOSHUA</w> <w>DAVIDSON</w> </persName>\n<pc>,</pc>\n<w>was</w>'), encoding="utf-8")
    index = parse_site(html.render_pages(xmlsafe.load(variant)))["index.html"]
    [link] = index.xpath("//article//a[contains(@class, 'entity')]")
    assert link.text_content() == "JOSHUA DAVIDSON"
    assert link.getprevious() is None and link.getparent().text.endswith(" ")
    assert link.tail.startswith(",")
    assert reading(link.getparent()).startswith("Young JOSHUA DAVIDSON, was the only son")


def test_word_tagged_novel_reads_as_running_text(novel_site):
    document, pages = novel_site
    index = pages["index.html"]
    assert [reading(h) for h in index.xpath("//article//h2")][:3] == ["PREFACE.", "CHAPTER I.", "CHAPTER II."]
    text = reading(index.xpath("//article")[0])
    assert "son of a village carpenter, born in the small hamlet of Trevalga on the North Cornwall coast, in the year 1835." in text
    assert not re.findall(r"\w [,.;:!?)\]”]", text), "no space before closing punctuation"
    assert not re.findall(r"[(\[“] \w", text), "no space after opening punctuation"


def test_word_tagged_novel_keeps_every_word_and_sentence_id(novel_site):
    document, pages = novel_site
    assert_every_word_kept(document, pages)
    sentence_ids = set(document.root.xpath("//tei:text//tei:s/@xml:id", namespaces=TEI))
    assert sentence_ids and sentence_ids <= set(ids_of(pages["index.html"]))


def _render_in_fresh_process(source: Path, setup: str = "") -> dict:
    """render_pages in a new interpreter (where Saxon has not started, so a large document is split
    between two processes), with ``setup`` run first; the pages or the error, and whether it split."""
    import json
    import subprocess
    import sys

    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from tei_tool import html, transform, xmlsafe\n"
        "from tei_tool.errors import TeiToolError\n"
        "split = []\n"
        "two = html._render_in_two_processes\n"
        "html._render_in_two_processes = lambda *a: split.append(1) or two(*a)\n"
        f"{setup}\n"
        "try:\n"
        f"    result = {{'pages': html.render_pages(xmlsafe.load(Path({str(source)!r})))}}\n"
        "except TeiToolError as exc:\n"
        "    result = {'error': str(exc)}\n"
        "result['split'] = bool(split)\n"
        "json.dump(result, sys.stdout)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return json.loads(done.stdout)


def test_a_large_document_split_between_two_processes_gives_the_same_site():
    target = CORPUS / "schnitzler-briefe" / "data__indices__listplace.xml"
    if not target.exists():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    document = xmlsafe.load(target)
    assert html._element_count(document) >= html.MIN_ELEMENTS_FOR_TWO_PROCESSES
    transform.executable(html.STYLESHEET)  # Saxon runs here now, so this process renders in one run
    assert not html._can_fork()
    single = html.render_pages(document)
    split = _render_in_fresh_process(target)
    assert split["split"] and sorted(split["pages"]) == sorted(single) == sorted(PAGES)
    assert split["pages"] == single


def test_a_failure_in_the_second_process_is_reported_not_hidden():
    stops = ("real = transform.transform\n"
             "def failing(stylesheet, document, params, template=None):\n"
             "    if template == 'tt:companion-pages':\n"
             "        raise transform.TransformError('registers: error: [xslt] stopped on purpose')\n"
             "    return real(stylesheet, document, params, template)\n"
             "transform.transform = failing\n"
             "html.MIN_ELEMENTS_FOR_TWO_PROCESSES = 0\n")
    assert _render_in_fresh_process(FIXTURE, stops) == {"error": "registers: error: [xslt] stopped on purpose", "split": True}
    dies = ("import os\n"
            "real = transform.transform\n"
            "transform.transform = lambda s, d, p, template=None: os._exit(3) if template == 'tt:companion-pages' else real(s, d, p, template)\n"
            "html.MIN_ELEMENTS_FOR_TWO_PROCESSES = 0\n")
    died = _render_in_fresh_process(FIXTURE, dies)
    assert died["split"] and "stopped unexpectedly" in died["error"]


def test_ctrl_c_while_two_processes_render_stops_both_cleanly(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    target = CORPUS / "schnitzler-briefe" / "data__indices__listplace.xml"
    if not target.exists():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    if not Path("/proc/self/task").is_dir():
        pytest.skip("needs Linux /proc to see the second process start")
    out = tmp_path / "site"
    command = [sys.executable, "-c", "from tei_tool.cli import main; main()", "html", str(target), "-o", str(out)]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    children = Path(f"/proc/{run.pid}/task/{run.pid}/children")
    deadline = time.monotonic() + 60
    while run.poll() is None and not children.read_text().strip() and time.monotonic() < deadline:
        time.sleep(0.005)
    assert run.poll() is None, "the site was written before the second process could be seen"
    os.killpg(run.pid, signal.SIGINT)
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 2
    assert stderr.strip() == "Interrupted."
    assert not out.exists()


def test_a_system_refusing_a_second_process_gets_the_site_from_one():
    refuse = ("import os\n"
              "def refuse():\n"
              "    raise BlockingIOError(11, 'Resource temporarily unavailable')\n"
              "os.fork = refuse\n"
              "html.MIN_ELEMENTS_FOR_TWO_PROCESSES = 0\n")
    refused = _render_in_fresh_process(FIXTURE, refuse)
    assert refused["split"] and sorted(refused["pages"]) == sorted(PAGES)
    assert refused["pages"] == html.render_pages(xmlsafe.load(FIXTURE))


def tiny_site(tmp_path: Path, body: str, header: str = "<title>Tiny</title>", outside_text: str = "") -> dict[str, etree._Element]:
    """The pages of a small TEI document: `body` is the content of text/body, `outside_text` comes before the text."""
    source = tmp_path / "tiny.xml"
    source.write_text(f"""<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:lang="de"><teiHeader><fileDesc><titleStmt>{header}</titleStmt>
<publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc>
<profileDesc><particDesc><listPerson><person xml:id="clara"><persName>Clara</persName></person></listPerson></particDesc></profileDesc>
</teiHeader>{outside_text}<text><body>{body}</body></text></TEI>""", encoding="utf-8")
    return parse_site(html.render_pages(xmlsafe.load(source)))


def test_a_source_doc_is_rendered_line_by_line(tmp_path):
    """A genetic transcription kept in sourceDoc is read zone by zone, line by line, before the text."""
    index = tiny_site(tmp_path, "<p>Afterwards.</p>", outside_text="""<sourceDoc><surface><zone>
<line>Erste Zeile des Entwurfs</line><line>zweite <del>gestrichen</del> Zeile</line></zone>
<zone><line>Randnotiz</line></zone></surface></sourceDoc>""")["index.html"]
    article = index.xpath("//article")[0]
    assert [line.text_content() for line in article.xpath(".//div[@class = 'tei-line']")] == [
        "Erste Zeile des Entwurfs", "zweite gestrichen Zeile", "Randnotiz"]
    assert len(article.xpath(".//div[@class = 'tei-zone']")) == 2
    assert [block.get("class") for block in article] == ["tei-sourceDoc", "tei-body"]


def test_a_space_of_the_source_keeps_the_words_apart(tmp_path):
    """"fühlt<space/>sich" reads "fühlt sich" in the text and in the register's snippet."""
    pages = tiny_site(tmp_path, '<p><persName ref="#clara">Clara</persName> fühlt<space unit="chars" quantity="1"/>sich'
                                ' sehr<space unit="chars" quantity="3"/>verlassen.</p>')
    assert reading(pages["index.html"].xpath("//article//p")[0]) == "Clara fühlt sich sehr verlassen."
    [snippet] = pages["persons.html"].xpath("//a[@class = 'occurrence']")
    assert " ".join(snippet.text_content().split()) == "Clara fühlt sich sehr verlassen."


def test_deleted_text_belongs_to_the_diplomatic_view_and_no_reading_context(tmp_path):
    """A deletion is struck through in the diplomatic view only; chronology snippets read one form of each
    passage: not the deleted digit, not the uncorrected word, not the variant reading."""
    pages = tiny_site(tmp_path, '<p>Brief vom <date when="1895-02-18">1<subst><del>9</del><add>8</add></subst>. II.</date>'
                                ' an <choice><sic>teh</sic><corr>the</corr></choice> <app><lem>Freund</lem><rdg>Feind</rdg></app>'
                                ' <del>nie</del> abgeschickt.</p>')
    [deletion, _] = pages["index.html"].xpath("//article//del")
    assert deletion.text == "9" and deletion.get("class") == "tei-del only-diplomatic"
    [entry] = pages["chronology.html"].xpath("//a[@class = 'occurrence']")
    assert " ".join(entry.text_content().split()) == "Brief vom 18. II. an the Freund abgeschickt."
    css = (HERE.parent / "xslt" / "edition.css").read_text(encoding="utf-8")
    rules = re.findall(r"^([^{}\n]+)\{([^}]*)\}", css, flags=re.MULTILINE)
    struck = [selector for selector, body in rules if "line-through" in body]
    assert struck and ".view-diplomatic .tei-del" in struck[-1], "the diplomatic view's wavy underline must not hide the strike-through"
    assert css.index(struck[-1]) > css.index(".view-diplomatic .only-diplomatic")


APPARATUS_TEI = """<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:lang="la"><teiHeader><fileDesc><titleStmt><title>Aeneis</title></titleStmt>
<publicationStmt><p/></publicationStmt><sourceDesc><listWit><witness xml:id="M"><abbr type="siglum">M</abbr> Codex Mediceus</witness>
<witness xml:id="P" n="P">Codex Palatinus</witness></listWit>
<listPerson><person xml:id="bentley"><persName>Richard Bentley</persName></person></listPerson></sourceDesc></fileDesc></teiHeader>
<text><body><p>Arma virumque <app><lem wit="#M">cano</lem><rdg wit="#P #X">canto</rdg><rdg resp="#bentley"/></app> Troiae
qui <app><rdg wit="#P" source="#servius">primus</rdg><rdg wit="#M">primis</rdg><note>Servius reads primus.</note></app> ab oris.</p>
<listBibl><bibl xml:id="servius">Servius, In Vergilii Aeneidem</bibl></listBibl></body></text></TEI>"""


def apparatus_calls(index: etree._Element) -> list[tuple[str, str]]:
    """(call, entry text) for each apparatus call of the text: the entry its link and its popover card lead to."""
    calls = []
    for link in index.xpath("//article//sup[contains(@class, 'apparatus-ref')]/a"):
        [entry] = index.xpath("//section[@class = 'apparatus']//li[@id = $id]", id=link.get("href")[1:])
        [card] = index.xpath("//*[@id = $id]", id=link.get("data-card"))
        assert card.getparent() is entry and entry.xpath("a[@class = 'note-back']/@href") == ["#" + link.get("id")]
        calls.append((link.text, " ".join(card.text_content().split())))
    return calls


def test_an_apparatus_entry_reads_its_lemma_and_calls_its_readings_with_their_witnesses(tmp_path):
    """The text reads the lemma (or the first reading); a lettered call leads to the entry, which gives every
    reading with its witnesses named by their siglum (a pointer to no witness without its '#'), resp and source."""
    source = tmp_path / "aeneis.xml"
    source.write_text(APPARATUS_TEI, encoding="utf-8")
    document = xmlsafe.load(source)
    pages = parse_site(html.render_pages(document))
    index = pages["index.html"]
    [paragraph] = index.xpath("//article//p")
    assert " ".join("".join(paragraph.xpath(".//text()[not(ancestor::sup or ancestor::a[@class = 'permalink'])]")).split()) == \
        "Arma virumque cano Troiae qui primus ab oris."
    assert apparatus_calls(index) == [("a", "cano M] canto P X; omitted (Richard Bentley)"),
                                      ("b", "primus P (Servius, In Vergilii Aeneidem)] primis M")]
    assert index.xpath("//section[@class = 'apparatus']//span[@class = 'witness' and . = 'M']/@title") == ["Codex Mediceus"] * 2
    assert [link.text for link in paragraph.xpath(".//sup/a")] == ["a", "b", "1"], "the entry's note is called after it"
    assert index.xpath("//section[@class = 'apparatus']/ol/@type") == ["a"]
    assert_every_word_kept(document, pages)


def test_a_choice_among_alternatives_reads_one_and_offers_the_others(tmp_path):
    """Two readings of an unclear letter or two segmentations: the text reads the first (as the registers'
    snippets do), the other is in the apparatus; a correction keeps its diplomatic form instead."""
    pages = tiny_site(tmp_path, '<p><persName ref="#clara">Clara</persName> las <choice><unclear>C</unclear><unclear>G</unclear></choice>aius'
                                ' <choice><seg>in de</seg><seg>inde</seg></choice> <choice><sic>teh</sic><corr>the</corr></choice> Ende.</p>')
    index = pages["index.html"]
    [paragraph] = index.xpath("//article//p")
    reading_view = paragraph.xpath(".//text()[not(ancestor::sup or ancestor::a[@class = 'permalink']"
                                   " or ancestor::*[contains(@class, 'only-diplomatic')])]")
    assert " ".join("".join(reading_view).split()) == "Clara las Caius in de the Ende."
    assert apparatus_calls(index) == [("a", "C] or G"), ("b", "in de] or inde")]
    [snippet] = pages["persons.html"].xpath("//a[@class = 'occurrence']")
    assert " ".join(snippet.text_content().split()) == "Clara las Caius in de the Ende."


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not found at {CORPUS}")
def test_corpus_apparatus_of_notes_only_stays_in_place():
    """ISicily keeps its apparatus apart from the text (listApp) and its entries hold a note only: the note is
    called where the entry stands, and no apparatus call or list is made for it."""
    index = parse_site(html.render_pages(xmlsafe.load(CORPUS / "isicily" / "inscriptions" / "ISic000425.xml")))["index.html"]
    [entry] = index.xpath("//article//*[contains(@class, 'tei-listApp')]/*[contains(@class, 'tei-app')]")
    [call] = entry.xpath(".//sup[@class = 'note-ref']/a")
    assert "Text from CIL" in index.xpath("string(//section[@class = 'endnotes']//li[@id = $id])", id=call.get("href")[1:])
    assert not index.xpath("//section[@class = 'apparatus'] | //sup[contains(@class, 'apparatus-ref')]")


def header(title: str) -> str:
    return (f"<teiHeader><fileDesc><titleStmt>{title}</titleStmt><publicationStmt><p>Published</p></publicationStmt>"
            "<sourceDesc><p>Born digital</p></sourceDesc></fileDesc></teiHeader>")


NESTED_CORPUS = f"""<teiCorpus xmlns="http://www.tei-c.org/ns/1.0" xml:lang="en">{header("<title>Letters and Poems</title>")}
<TEI>{header('<title type="sub">a draft</title><title>A Letter</title>')}
  <text><body><div><head>Opening</head><p>Dear friend, greetings.</p></div></body></text></TEI>
<teiCorpus>{header("<title>Poems</title>")}
  <TEI xml:id="ode">{header("<title>An Ode</title>")}<text><body><lg><l>O lovely line</l></lg></body></text></TEI>
  <TEI>{header("<title>A Sonnet</title>")}<text><group><text><body><lg><l>Shall I compare</l></lg></body></text>
    <text><body><lg><l>Rough winds do shake</l></lg></body></text></group></text></TEI>
</teiCorpus></teiCorpus>"""


def corpus_texts(index: etree._Element) -> list[tuple[str, str]]:
    """(heading element, title) of each text of a corpus in the reading text, in document order."""
    return [(section[0].tag, section[0].text_content())
            for section in index.xpath("//article//section[contains(concat(' ', @class, ' '), ' corpus-member ')]")]


def contents_of(items: list[etree._Element], index: etree._Element) -> list:
    """The corpus contents as (title, [nested contents]), each link checked to lead to the section it names."""
    entries = []
    for item in items:
        [link] = item.xpath("a")
        [section] = index.xpath("//article//section[@id = $id]", id=link.get("href")[1:])
        assert section[0].text_content() == link.text
        entries.append((link.text, contents_of(item.xpath("ol/li"), index)))
    return entries


def test_a_corpus_shows_each_text_as_a_section_headed_by_its_title(tmp_path):
    """The corpus header titles the edition; each TEI, and a nested teiCorpus, is a section headed by its own
    title (not a subtitle), its divisions a level lower, all listed in the contents."""
    source = tmp_path / "corpus.xml"
    source.write_text(NESTED_CORPUS, encoding="utf-8")
    document = xmlsafe.load(source)
    pages = parse_site(html.render_pages(document))
    index = pages["index.html"]
    assert index.findtext(".//title") == "Letters and Poems" == index.xpath("string(//main/h1)")
    assert corpus_texts(index) == [("h2", "A Letter"), ("h2", "Poems"), ("h3", "An Ode"), ("h3", "A Sonnet")]
    assert contents_of(index.xpath("//nav[@class = 'corpus-contents']/ol/li"), index) == [
        ("A Letter", []), ("Poems", [("An Ode", []), ("A Sonnet", [])])]
    assert index.xpath("//section[@id = 'ode']/h3/text()") == ["An Ode"]
    letter = index.xpath("//article/section")[0]
    assert letter.xpath(".//h3/text()") == ["Opening"] and "Dear friend, greetings." in letter.text_content()
    levels = [int(h.tag[1]) for h in index.xpath("//h1 | //h2 | //h3 | //h4 | //h5 | //h6")]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
    assert_every_word_kept(document, pages)


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not found at {CORPUS}")
def test_corpus_files_gathered_in_a_tei_corpus_keep_their_titles(tmp_path):
    """Two letters of the correspDesc examples as one teiCorpus: each is a section headed by the main title of
    its own header (the second has a subtitle too), in the contents, with every word of both."""
    letters = [CORPUS / "correspdesc-examples" / name for name in ("example01_basic.xml", "example02_email.xml")]
    members = "".join(path.read_text(encoding="utf-8").split("?>")[-1] for path in letters)
    source = tmp_path / "letters.xml"
    source.write_text(f'<teiCorpus xmlns="http://www.tei-c.org/ns/1.0">{header("<title>Two letters</title>")}{members}</teiCorpus>',
                      encoding="utf-8")
    document = xmlsafe.load(source)
    pages = parse_site(html.render_pages(document))
    titles = ["Example encoding for a basic correspondence between person A and B",
              "Example encoding of an email with several recipients (to and cc)"]
    assert corpus_texts(pages["index.html"]) == [("h2", title) for title in titles]
    assert contents_of(pages["index.html"].xpath("//nav[@class = 'corpus-contents']/ol/li"), pages["index.html"]) == [
        (title, []) for title in titles]
    assert_every_word_kept(document, pages)


def test_notes_in_the_header_title_and_an_image_description(tmp_path):
    """A note in the title is not part of the page title; a note in an image description gets its call, so its
    endnote's back-link leads somewhere."""
    pages = tiny_site(tmp_path, '<figure><graphic url="scan.png"><desc>Erste Seite<note>Bleistift</note></desc></graphic></figure>',
                      header="<title>Tort<note>title note</note></title>")
    index = pages["index.html"]
    assert index.findtext(".//title") == "Tort" == index.xpath("//main/h1")[0].text_content()
    assert index.xpath("//article//a[@class = 'tei-graphic']")[0].text == "[Erste Seite]"
    back_links = index.xpath("//section[@class = 'endnotes']//a[@class = 'note-back']/@href")
    assert back_links and all(index.xpath("//*[@id = $id]", id=link[1:]) for link in back_links)


def test_a_page_break_without_number_links_its_facsimile_with_a_label(tmp_path):
    index = tiny_site(tmp_path, '<p>ich glau<pb facs="scan-2.jpg" break="no"/>be es</p>')["index.html"]
    [link] = index.xpath("//article//span[@class = 'tei-pb']/a")
    assert link.get("href") == "scan-2.jpg" and link.text == "[facsimile]"


def links_inside_links(page: str) -> list[str]:
    """The href of every link that starts inside another link of the page source (browsers split such links)."""
    found: list[str] = []
    depth = 0
    for tag in re.finditer(r"<(/?)a\b([^>]*)>", page):
        if tag.group(1):
            depth -= 1
            continue
        if depth:
            found.append(re.search(r'href="([^"]*)"', tag.group(2)).group(1))
        depth += 1
    return found


def test_a_name_inside_a_name_or_a_ref_is_no_link_of_its_own(tmp_path):
    """Rubin in "Rubin's sister", or a name inside a ref, keeps its entity class and card as a span; the outer
    link keeps the whole text."""
    source = tmp_path / "nested.xml"
    source.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>T</title></titleStmt>
<publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader>
<text><body><p><rs type="person" ref="#s"><persName ref="#r">Rubin</persName>'s sister</rs> spoke;
<ref target="https://example.org/">about <persName ref="#r">Rubin</persName></ref>.</p></body>
<back><listPerson><person xml:id="r"><persName>Rubin</persName></person><person xml:id="s"><persName>Rubin's sister</persName></person>
</listPerson></back></text></TEI>""", encoding="utf-8")
    pages = html.render_pages(xmlsafe.load(source))
    assert links_inside_links(pages["index.html"]) == []
    index = parse_site(pages)["index.html"]
    [sister, ref] = index.xpath("//article//p/a[not(@class = 'permalink')]")
    assert (sister.get("href"), sister.text_content(), sister.get("data-card")) == ("persons.html#s", "Rubin's sister", "card-s")
    assert (ref.get("href"), ref.text_content()) == ("https://example.org/", "about Rubin")
    for link in (sister, ref):
        [name] = link.xpath("span")
        assert (name.get("class"), name.get("data-card"), name.text) == ("tei-persName entity entity-person", "card-r", "Rubin")


def links_holding_links(pages: dict[str, str]) -> list[str]:
    """"page: href" of every link holding another link, in the page source and in the tree lxml parses from it
    (which, like a browser, splits a link directly inside a link but keeps one inside a sup)."""
    found = [f"{name}: {href}" for name, page in pages.items() for href in links_inside_links(page)]
    return found + [f"{name}: {link.get('href')}" for name, page in parse_site(pages).items()
                    for link in page.xpath("//a[.//a]")]


def test_the_flagship_has_no_link_inside_a_link():
    if not FLAGSHIP.exists():
        pytest.skip("the flagship tei/great-purge.xml is not there yet")
    assert links_holding_links(html.render_pages(xmlsafe.load(FLAGSHIP))) == []


LINKED_AND_ANNOTATED = ["schnitzler-briefe/data__editions__L03152.xml", "schnitzler-briefe/data__editions__L03886.xml",
                        "isicily/alists/ISic-all-example.xml", "tei-p5-test/testplace.xml"]


@pytest.mark.parametrize("name", LINKED_AND_ANNOTATED)
def test_corpus_files_with_notes_and_links_have_no_link_inside_a_link(name):
    if not (CORPUS / name).exists():
        pytest.skip(f"shared corpus file not found at {CORPUS / name}")
    assert links_holding_links(html.render_pages(xmlsafe.load(CORPUS / name))) == []


def test_a_note_or_apparatus_entry_inside_a_link_is_called_after_it(tmp_path):
    """The call of a note in a linked name or a ref, and the letter of an apparatus entry in a ref, follow the
    link instead of splitting it; the notes keep their numbers in order and their endnotes lead back."""
    source = tmp_path / "calls.xml"
    source.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:lang="en"><teiHeader><fileDesc><titleStmt><title>T</title></titleStmt>
<publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader>
<text><body><p><persName ref="#clara">Clara<note>born Müller</note></persName> kept
<ref target="https://example.org/diary">the diary<note>see <ref target="https://example.org/vol">vol. 2<note>lost</note></ref></note></ref>
and <ref target="https://example.org/letter"><app><lem>wrote</lem><rdg>writ</rdg><note>a slip</note></app></ref> daily.<note>last</note></p>
<listBibl><bibl>Letter to <persName ref="#clara">Clara<note>a copy</note></persName></bibl></listBibl></body>
<back><listPerson><person xml:id="clara"><persName>Clara</persName></person></listPerson></back></text></TEI>""", encoding="utf-8")
    pages = html.render_pages(xmlsafe.load(source))
    assert links_holding_links(pages) == []
    site = parse_site(pages)
    assert dangling_links(site) == []
    index, bibliography = site["index.html"], site["bibliography.html"]
    followed_by_calls = [(link.text_content(), link.xpath("following-sibling::node()[position() <= 2]/self::sup/a/@href"))
                         for link in index.xpath("//main//a[contains(@class, 'tei-')]")]
    assert followed_by_calls == [("Clara", ["#note-1"]), ("the diary", ["#note-2"]), ("wrote", ["#apparatus-1", "#note-4"]),
                                 ("Clara", ["#note-6"]), ("vol. 2", ["#note-3"])]
    assert index.xpath("//section[@class = 'endnotes']//li/@id") == [f"note-{n}" for n in range(1, 7)]
    [clara] = bibliography.xpath("//main//a[contains(@class, 'entity')]")
    assert clara.text_content() == "Clara" and clara.xpath("following-sibling::sup[1]/a/@href") == ["index.html#note-6"]


def dangling_links(pages: dict[str, etree._Element]) -> list[str]:
    """Every link between the pages of a site ("#x", "persons.html#x") whose page or id is not there."""
    ids = {name: set(ids_of(page)) for name, page in pages.items()}
    dangling = []
    for name, page in pages.items():
        for href in page.xpath("//a/@href[not(contains(., ':'))]"):
            target, _, anchor = href.partition("#")
            if target and target not in ids or anchor and anchor not in ids[target or name]:
                dangling.append(f"{name}: {href}")
    return dangling


def test_note_calls_on_every_page_lead_to_their_endnote(tmp_path):
    """A note in a bibliography entry, or within the note of a person of the text, is called on the
    bibliography and persons pages too; its endnote is on index.html, where the call links back."""
    pages = tiny_site(tmp_path, '<p><persName ref="#a">A</persName> spricht.</p>'
                                '<listBibl><bibl>Smith 1990<note>Reprinted 2000.</note></bibl></listBibl>'
                                '<listPerson><person xml:id="a"><persName>A</persName><note>Lehrer<note>Laut Akte.</note></note>'
                                '</person></listPerson>')
    assert pages["bibliography.html"].xpath("//sup[@class = 'note-ref']/a/@href") == ["index.html#note-1"]
    assert pages["persons.html"].xpath("//sup[@class = 'note-ref']/a/@href") == ["index.html#note-3"]
    assert pages["index.html"].xpath("//sup[@class = 'note-ref']/a/@href") == ["#note-1", "#note-2", "#note-3"]
    assert dangling_links(pages) == []
    assert not pages["bibliography.html"].xpath("//@id[starts-with(., 'note-')]")


def test_no_link_of_the_flagship_leads_to_a_missing_page_or_id(flagship_site):
    assert dangling_links(flagship_site[1]) == []


def test_a_division_without_a_head_adds_no_heading_level(tmp_path):
    """h1 is the page title; the head of a division inside one without a head is h2, not h3."""
    index = tiny_site(tmp_path, "<div><div><head>Erster Teil</head><div><div><head>Kapitel</head><p>x</p></div></div></div>"
                                "<div><head>Zweiter Teil</head></div></div>")["index.html"]
    assert [(h.tag, h.text_content()) for h in index.xpath("//main//*[self::h1 or self::h2 or self::h3 or self::h4]")] == [
        ("h1", "Tiny"), ("h2", "Erster Teil"), ("h3", "Kapitel"), ("h2", "Zweiter Teil")]


def test_an_empty_ref_reads_its_address_as_ptr_does(tmp_path):
    """An empty ref (Schnitzler's links to the diary) would be an invisible link that Tab still stops on."""
    index = tiny_site(tmp_path, '<p>Siehe <ref type="schnitzler-tagebuch" target="https://example.org/1893-11-15"/>, '
                                '<ref target="https://example.org/a"> </ref> und <ref target="https://example.org/b">hier</ref>.</p>')["index.html"]
    assert [(link.get("href"), link.text_content()) for link in index.xpath("//article//a[contains(@class, 'tei-ref')]")] == [
        ("https://example.org/1893-11-15", "https://example.org/1893-11-15"),
        ("https://example.org/a", " https://example.org/a"), ("https://example.org/b", "hier")]


def test_each_page_holds_the_cards_its_mentions_name_and_no_others(tmp_path):
    """A name in a bibliography entry or in the header shows its card on the bibliography and about pages."""
    pages = tiny_site(tmp_path, '<p>Text.</p><listBibl><bibl xml:id="b">Brief an <persName ref="#clara">Clara</persName></bibl></listBibl>',
                      header='<title>Tiny</title><respStmt><resp>Transkription</resp><persName ref="#clara">Clara</persName></respStmt>')
    for name in ("bibliography.html", "about.html"):
        assert pages[name].xpath("//main//*[@data-card]/@data-card") == ["card-clara"], name
        assert pages[name].xpath("//div[@class = 'entity-cards']/div/@id") == ["card-clara"], name
    assert pages["chronology.html"].xpath("//div[@class = 'entity-cards']") == []


def test_the_interface_is_marked_english_and_the_words_of_the_text_in_their_language(tmp_path):
    """Screen readers read "Skip to content" and "Occurrences in the text" with an English voice, the German
    text, names and snippets with a German one."""
    pages = tiny_site(tmp_path, '<p><persName ref="#clara">Clara</persName> liest.</p>')
    index, persons = pages["index.html"], pages["persons.html"]
    for page in pages.values():
        assert page.get("lang") == "en" and page.xpath("string(//p[@class = 'site-title']/@lang)") == "de"
    assert index.xpath("//h1/@lang") == ["de"] and persons.xpath("//h1/@lang") == []
    assert index.xpath("//article/@lang") == ["de"] and not index.xpath("//nav//@lang")
    [entry] = persons.xpath("//article[@id = 'clara']")
    assert entry.xpath("h2/@lang") == ["de"] and entry.xpath(".//a[@class = 'occurrence']/@lang") == ["de"]
    assert entry.xpath("string(.//h3/ancestor-or-self::*[@lang][1]/@lang)") == "en"


def test_local_images_travel_with_the_site_and_nothing_that_could_run(tmp_path):
    """Images named by relative addresses are copied into the site at the same address, so the links work
    wherever it is served; missing, out-of-reach or script-capable files are named in warnings instead."""
    folder = tmp_path / "edition"
    (folder / "img").mkdir(parents=True)
    (folder / "page1.jpg").write_bytes(b"JPEG")
    (folder / "img" / "fig.png").write_bytes(b"PNG")
    (folder / "edition.js").write_text("alert(1)", encoding="utf-8")
    (folder / "drawing.svg").write_text("<svg><script>alert(1)</script></svg>", encoding="utf-8")
    (tmp_path / "secret.jpg").write_bytes(b"SECRET")
    source = folder / "ed.xml"
    source.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>Media</title>'
                      '</titleStmt><publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc>'
                      '</teiHeader><text><body><pb n="1" facs="page1.jpg"/><p>A <graphic url="img/fig.png"/>'
                      '<graphic url="missing.png"/><graphic url="../secret.jpg"/><graphic url="edition.js"/>'
                      '<graphic url="drawing.svg"/><graphic url="https://example.org/x.png"/></p>'
                      '<pb n="2" facs="#surface-2"/></body></text></TEI>', encoding="utf-8")
    site = html.build_site(source, tmp_path / "site")
    assert (tmp_path / "site" / "page1.jpg").read_bytes() == b"JPEG"
    assert (tmp_path / "site" / "img" / "fig.png").read_bytes() == b"PNG"
    assert (tmp_path / "site" / "edition.js").read_text(encoding="utf-8") == (resources.xslt_dir() / "edition.js").read_text(encoding="utf-8")
    assert not (tmp_path / "site" / "drawing.svg").exists() and not list(tmp_path.glob("site/**/secret.jpg"))
    warned = sorted(w.message.split(",")[0] for w in site.warnings if w.rule == "html")
    assert warned == ["@url names '../secret.jpg'", "@url names 'drawing.svg'", "@url names 'edition.js'",
                      "@url names 'missing.png'"]


def run_probe(probe_stylesheet: str, source: Path, tmp_path: Path):
    """What a probe stylesheet importing common.xsl (its {common}) writes as JSON for `source`, which its global
    variables read as the editions' do."""
    probe = tmp_path / "probe.xsl"
    probe.write_text(probe_stylesheet.format(common=(resources.xslt_dir() / "common.xsl").as_uri()), encoding="utf-8")
    processor = transform.saxon()
    stylesheet = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(probe))
    document = processor.parse_xml(xml_file_name=str(source))
    stylesheet.set_global_context_item(xdm_item=document)
    return json.loads(stylesheet.apply_templates_returning_string(xdm_value=document))


MENTION_KIND_PROBE = """<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map" xmlns:tt="https://tei-tool.org/ns/1.0">
  <xsl:import href="{common}"/>
  <xsl:output method="json"/>
  <xsl:template match="/">
    <xsl:sequence select="map {{'naming': $tt:naming-kinds, 'rs-type': $tt:rs-type-kinds,
      'mentions': array {{ //*[@n] ! string((tt:mention-kind(.), '')[1]) }} }}"/>
  </xsl:template>
</xsl:stylesheet>"""

#: The kinds of tei_tool.entities in the words of the stylesheets (tt:entity-kinds).
STYLESHEET_KIND = {"persons": "person", "places": "place", "orgs": "org", "works": "bibl"}


def test_the_stylesheets_file_mentions_by_the_rule_of_the_entity_index(tmp_path):
    """tt:mention-kind, which the HTML edition and the PDF indexes both use, gives every naming element and
    every rs/name @type the kind tei_tool.entities gives it, and knows no other; a pointer to an entry wins."""
    from tei_tool.entities import NAMING_KINDS, RS_TYPE_KINDS

    probes = [(f"<{name}>", kind) for name, kind in NAMING_KINDS.items()]
    for rs_type, kind in RS_TYPE_KINDS.items():
        probes += [(f'<rs type="{rs_type}">', kind), (f'<name type=" {rs_type.upper()} ">', kind)]
    probes += [('<rs type="thing">', ""), ("<name>", ""), ("<foreign>", ""), ('<persName ref="#ural">', "places"),
               ('<rs type="person" ref="#nowhere">', "persons")]
    elements = "".join(re.sub(r"^<(\w+)", rf'<\1 n="{number}"', tag) + "x</" + re.match(r"<(\w+)", tag)[1] + ">"
                       for number, (tag, _) in enumerate(probes))
    source = tmp_path / "kinds.xml"
    source.write_text(f'<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>{elements}</p></body><back>'
                      '<listPlace><place xml:id="ural"><placeName>Ural</placeName></place></listPlace></back></text></TEI>',
                      encoding="utf-8")
    found = run_probe(MENTION_KIND_PROBE, source, tmp_path)
    assert found["mentions"] == [STYLESHEET_KIND.get(kind, "") for _, kind in probes]
    assert found["naming"] == {name: STYLESHEET_KIND[kind] for name, kind in NAMING_KINDS.items()}
    assert found["rs-type"] == {rs_type.lower(): STYLESHEET_KIND[kind] for rs_type, kind in RS_TYPE_KINDS.items()}


MENTIONED_PROBE = """<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:tt="https://tei-tool.org/ns/1.0">
  <xsl:import href="{common}"/>
  <xsl:output method="json"/>
  <xsl:mode use-accumulators="#all"/>
  <xsl:template match="/">
    <xsl:sequence select="array {{ //* ! tt:mentioned(.) ! array {{ ?kind, (?id, ?key)[1] }} }}"/>
  </xsl:template>
</xsl:stylesheet>"""


@pytest.mark.parametrize("source", [MENTION_POINTERS, MENTION_SOURCES], ids=lambda path: path.name)
def test_every_mention_the_stylesheets_find_is_one_the_entity_index_counts(source, tmp_path):
    """tt:mentioned finds the mentions `tei-tool entities` counts, of every kind and entity: also works (a
    quotation's @source, which names a work even when no entry has its id) and entities no entry stands for."""
    found = run_probe(MENTIONED_PROBE, source, tmp_path)
    index = build_index([source])
    counted = [[STYLESHEET_KIND[kind], entity.id or f"{STYLESHEET_KIND[kind]} name {entity.name}"]
               for kind in STYLESHEET_KIND for entity in index.of_kind(kind) for _ in entity.mentions]
    assert sorted(found) == sorted(counted)
    if source == MENTION_SOURCES:
        assert [mention for mention in found if mention[0] == "bibl"] == [["bibl", "pravda"], ["bibl", "izvestia"], ["bibl", "lost-pamphlet"]]


def test_unresolved_mentions_are_classed_by_what_they_name(tmp_path):
    """A mention pointing nowhere takes the kind its name or @type gives, which the highlighting colours."""
    index = tiny_site(tmp_path, '<p><rs type="Institution" ref="#smolny">Smolny</rs>, <rs type="character" ref="#k">K.</rs> '
                                'and <title ref="#w">Pravda</title>.</p>')["index.html"]
    assert [a.get("class") for a in index.xpath("//article//*[contains(concat(' ', @class, ' '), ' entity ')]")] == [
        "tei-rs type-Institution entity entity-org entity-unresolved",
        "tei-rs type-character entity entity-person entity-unresolved",
        "tei-title entity entity-bibl entity-unresolved"]


def test_numbered_divisions_are_divisions_and_div8_is_not(tmp_path):
    """div1 to div7 are divisions as div is (a section, a heading level, a block for what stands in them);
    TEI has no div8, which is rendered as any unknown element."""
    index = tiny_site(tmp_path, "<div1><head>One</head><bibl>A book</bibl><div2><head>Two</head></div2></div1>"
                                "<div8><head>Eight</head></div8>")["index.html"]
    article = index.xpath("//article")[0]
    assert [(h.tag, h.text_content()) for h in article.xpath(".//h2 | .//h3 | .//h4")] == [("h2", "One"), ("h3", "Two")]
    assert [(e.tag, e.get("class")) for e in article.xpath(".//*[starts-with(@class, 'tei-')][not(@class = 'tei-body')]")] == [
        ("section", "tei-div1"), ("h2", "tei-head"), ("div", "tei-bibl"), ("section", "tei-div2"), ("h3", "tei-head"),
        ("div", "tei-div8"), ("div", "tei-head")]


def test_every_template_function_parameter_and_variable_of_the_stylesheets_declares_its_type():
    """An as= says what a template or function returns, and makes Saxon stop at the first value that is not."""
    xsl = "{http://www.w3.org/1999/XSL/Transform}"
    untyped = [f"{path.name}:{element.sourceline} {etree.QName(element).localname}"
               for path in sorted(resources.xslt_dir().glob("*.xsl"))
               for element in etree.parse(str(path)).iter(*(xsl + name for name in ("template", "function", "param", "variable")))
               if element.get("as") is None]
    assert untyped == []


def corpus_site(name: str) -> dict[str, etree._Element]:
    """The pages of a file of the shared corpus; the test is skipped without the corpus."""
    source = CORPUS / name
    if not source.exists():
        pytest.skip(f"{source} is not there (the shared corpus is looked for beside the project)")
    return parse_site(html.render_pages(xmlsafe.load(source)))


def language_of(element: etree._Element) -> str:
    return element.xpath("string(ancestor-or-self::*[@lang][1]/@lang)")


def test_commentary_apparatus_and_cards_are_marked_in_the_language_of_the_text(tmp_path):
    """WCAG 3.1.2: the German commentary of a Schnitzler letter, shown after the text, and the cards of the
    names it mentions are read in German as the letter is, not in the English of the page around them; so are
    apparatus entries, and a note in English is English (its back link too)."""
    letter = corpus_site("schnitzler-briefe/data__editions__L03152.xml")["index.html"]
    notes = letter.xpath("//section[@class = 'endnotes']//li")
    cards = letter.xpath("//div[@class = 'entity-cards']/div")
    assert len(notes) == 4 and cards
    assert {language_of(note) for note in notes + cards} == {"de-AT"}
    assert {language_of(link) for link in letter.xpath("//section[@class = 'endnotes']//a[@class = 'note-back']")} == {"en"}
    index = tiny_site(tmp_path, '<p><persName ref="#clara">Clara</persName> liest <app><lem>Briefe</lem><rdg>Bücher</rdg></app>'
                                '.<note>Am Abend.</note><note xml:lang="eng">In the evening.</note></p>')["index.html"]
    [entry] = index.xpath("//section[@class = 'apparatus']//span[@class = 'apparatus-entry']")
    [card] = index.xpath("//div[@id = 'card-clara']")
    german, english = index.xpath("//section[@class = 'endnotes']//li")
    assert [language_of(element) for element in (entry, card, german, english)] == ["de", "de", "de", "en"]
    assert [language_of(note.xpath("a")[0]) for note in (german, english)] == ["en", "en"]


def test_the_about_page_marks_the_header_in_its_own_language():
    """WCAG 3.1.2: a Latin play whose header is English (<teiHeader xml:lang="eng">) has its about page read in
    English, but the Latin title and author; the text stays Latin."""
    pages = corpus_site("perseus-latinlit/phi0119.phi013.perseus-lat2.xml")
    about = pages["about.html"]
    parts = about.xpath("//main//div[contains(@class, 'header-part')] | //main//dd")
    assert len(parts) > 5
    assert {language_of(part) for part in parts if part.text_content().strip() not in ("Mostellaria", "T. Maccius Plautus")} == {"en"}
    assert [language_of(title) for title in about.xpath("//dd[normalize-space() = 'Mostellaria']")] == ["la"]
    assert language_of(pages["index.html"].xpath("//article")[0]) == "la"


def test_the_about_page_marks_responsibilities_and_revisions_in_their_own_language(tmp_path):
    """WCAG 3.1.2: in a Latin text with a German header, what a respStmt says someone did and each change of the
    revision history are read in German, or in the language marked on them, not in the page's English."""
    source = tmp_path / "mostellaria.xml"
    source.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:lang="la"><teiHeader xml:lang="de"><fileDesc><titleStmt>
<title xml:lang="la">Mostellaria</title><respStmt><resp>herausgegeben von</resp><name>Anna Beispiel</name></respStmt>
<respStmt><resp xml:lang="en">encoded by</resp><name>Ben Example</name></respStmt></titleStmt>
<publicationStmt><p>Hier veröffentlicht.</p></publicationStmt><sourceDesc><p>Ein gedrucktes Buch.</p></sourceDesc></fileDesc>
<revisionDesc><change when="2020-01-01">In TEI umgewandelt.</change><change xml:lang="en" when="2021-05-01">Corrected.</change>
<listChange><change when="2022-03-01">Neu durchgesehen.</change></listChange></revisionDesc>
</teiHeader><text><body><p>Exi e culina, sis, foras.</p></body></text></TEI>""", encoding="utf-8")
    about = parse_site(html.render_pages(xmlsafe.load(source)))["about.html"]
    assert [(" ".join(term.text_content().split()), language_of(term)) for term in about.xpath("//section[@id = 'responsibility']//dt")] == [
        ("Title", "en"), ("herausgegeben von", "de"), ("encoded by", "en")]
    assert [(" ".join(change.text_content().split()), language_of(change)) for change in about.xpath("//ol[@class = 'revisions']/li")] == [
        ("2020-01-01: In TEI umgewandelt.", "de"), ("2021-05-01: Corrected.", "en"), ("2022-03-01: Neu durchgesehen.", "de")]


LANGUAGE_TAG_PROBE = """<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:tt="https://tei-tool.org/ns/1.0">
  <xsl:import href="{common}"/>
  <xsl:output method="json"/>
  <xsl:template match="/">
    <xsl:sequence select="array {{ //code ! string((tt:bcp47(.), '-')[1]) }}"/>
  </xsl:template>
</xsl:stylesheet>"""


def test_xml_lang_values_become_language_tags(tmp_path):
    """WCAG 3.1.1: HTML's lang (and a PDF's /Lang) takes BCP 47 tags, in which a language with a two-letter
    ISO 639-1 code must use it; TEI files write ISO 639-2 codes (B or T), and odd ones."""
    codes = {"lat": "la", "eng": "en", "ger": "de", "deu": "de", "fre": "fr", "fra": "fr", "isl": "is", "ice": "is",
             "dan": "da", "ita": "it", "spa": "es", "rus": "ru", "chi": "zh", "wel": "cy", "grc": "grc", "mul": "mul",
             "de-AT": "de-AT", "ger-AT": "de-AT", " LAT ": "la", "sr-Latn": "sr-Latn", "srp-Cyrl": "sr-Cyrl",
             "el-grc": "grc", "el-grc-x-lgpn": "grc-x-lgpn", "zh-yue": "yue", "en-x-Scots": "en-x-Scots",
             "x-klingon": "x-klingon", "es-419": "es-419", "Latin": "-", "wibble": "-", "de_AT": "-", "": "-", "e": "-"}
    source = tmp_path / "codes.xml"
    source.write_text("<codes>" + "".join(f"<code>{code}</code>" for code in codes) + "</codes>", encoding="utf-8")
    found = run_probe(LANGUAGE_TAG_PROBE, source, tmp_path)
    assert dict(zip(codes, found)) == codes

    book = tmp_path / "book.xml"
    book.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:lang="lat"><teiHeader><fileDesc><titleStmt><title>Liber'
                    '</title></titleStmt><publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc>'
                    '</teiHeader><text><body><p>Arma <foreign xml:lang="el-grc">μῆνιν</foreign> <foreign xml:lang="Greek">'
                    'ἄειδε</foreign>.</p></body></text></TEI>', encoding="utf-8")
    printed = lxml_html.fromstring(transform.transform("print.xsl", book).principal)
    assert printed.get("lang") == "la" and printed.xpath("//main//@lang") == ["grc"]

    perseus = CORPUS / "perseus-latinlit" / "phi0119.phi013.perseus-lat2.xml"
    if not perseus.exists():
        pytest.skip(f"{perseus} is not there (the shared corpus is looked for beside the project)")
    pages = parse_site(html.render_pages(xmlsafe.load(perseus)))
    written = {value for page in pages.values() for value in page.xpath("//@lang")}
    assert written == {"en", "la", "grc"}


def test_an_image_link_is_named_by_its_figure_or_file(tmp_path):
    """WCAG 2.4.4: an image link without a description of its own reads "[image]" but is named by the
    description of its figure, else by its file name, so that a screen reader's list of links tells them apart."""
    index = tiny_site(tmp_path, '<figure><graphic url="fig.png"/><figDesc>Eine Karte Trojas</figDesc></figure>'
                                '<figure><graphic url="img/fig2.png"/></figure>'
                                '<figure><graphic url="scan.png"><desc>Erste Seite</desc></graphic><figDesc>Der Brief</figDesc></figure>'
                                '<p><graphic url="https://example.org/x.jpg?size=large"/></p>')["index.html"]
    links = index.xpath("//article//a[@class = 'tei-graphic']")
    assert [(link.text, link.get("aria-label")) for link in links] == [
        ("[image]", "Image: Eine Karte Trojas"), ("[image]", "Image: fig2.png"), ("[Erste Seite]", None),
        ("[image]", "Image: x.jpg")]


def test_lists_of_persons_in_the_text_are_lists():
    """WCAG 1.3.1: the list of correspondences of the Schnitzler letters, personGrp after personGrp, is a list
    of its groups (not names running together), and a group of several persons lists them."""
    article = corpus_site("schnitzler-briefe/data__indices__listcorrespondence.xml")["index.html"].xpath("//article")[0]
    [listing] = article.xpath(".//ul[@class = 'tei-listPerson']")
    groups = listing.xpath("li")
    assert len(groups) == 64 and all(len(group.xpath("*[contains(@class, 'tei-personGrp')]")) == 1 for group in groups)
    assert groups[0].text_content().strip() == "Brahm, Otto"
    [family] = listing.xpath("li/ul[@class = 'tei-personGrp'][@id = 'correspondence_12740']")
    assert [member.text_content() for member in family.xpath("li")] == [
        "Schwarzkopf, Gustav", "Schwarzkopf, Max", "Schwarzkopf, Rudolf"]


def test_label_cells_head_their_column_in_a_label_row_and_else_their_row(tmp_path):
    """WCAG 1.3.1: a screen reader reads a data cell with the headers of its column and of its row."""
    index = tiny_site(tmp_path, '<table><row role="label"><cell>Name</cell><cell>Sentence</cell></row>'
                                '<row><cell role="label">Zinoviev</cell><cell>death</cell></row></table>')["index.html"]
    assert [(cell.tag, cell.get("scope"), cell.text_content()) for cell in index.xpath("//table//th | //table//td")] == [
        ("th", "col", "Name"), ("th", "col", "Sentence"), ("th", "row", "Zinoviev"), ("td", None, "death")]


def test_comments_and_processing_instructions_in_a_list_make_no_items(tmp_path):
    index = tiny_site(tmp_path, "<list><item>one</item><!-- checked --><?editor x?><item>two</item>loose words</list>")["index.html"]
    [listing] = [ul for ul in index.iter("{*}ul") if "tei-list" in (ul.get("class") or "").split()]
    assert [("".join(li.itertext()).strip(), li.get("class")) for li in listing] == [
        ("one", listing[0].get("class")), ("two", listing[1].get("class")), ("loose words", "list-extra")]
