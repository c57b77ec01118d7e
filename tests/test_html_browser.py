"""The HTML edition in a real browser: headless Chromium opens index.html
from disk, switches views and highlights, and nothing logs an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tei_tool import html

CHROMIUM = Path("/usr/bin/chromium")
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "html-edition.xml"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (Debian package chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser") / "site"
    html.build_site(FIXTURE, out)
    return out


def open_page(browser, url: str):
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(url)
    return context, page, problems


def test_views_highlights_and_popover(browser, site):
    context, page, problems = open_page(browser, (site / "index.html").as_uri())
    sic = page.locator(".tei-sic")
    corr = page.locator(".tei-corr")
    assert page.locator("#view-controls").is_visible()
    assert corr.is_visible() and not sic.is_visible(), "the reading text is the default view"

    page.click("button[data-view=diplomatic]")
    assert sic.is_visible() and not corr.is_visible()
    assert page.locator(".tei-surplus").is_visible()
    assert page.get_attribute("button[data-view=diplomatic]", "aria-pressed") == "true"

    person = page.locator("a.entity-person").first
    before = person.evaluate("e => getComputedStyle(e).backgroundColor")
    page.click("button[data-highlight=persons]")
    after = person.evaluate("e => getComputedStyle(e).backgroundColor")
    assert before != after and after != "rgba(0, 0, 0, 0)"

    page.reload()
    assert sic.is_visible() and not corr.is_visible(), "the chosen view survives a reload"
    assert person.evaluate("e => getComputedStyle(e).backgroundColor") == after

    page.click("button[data-view=reading]")
    assert corr.is_visible() and not sic.is_visible()

    person.focus()
    popover = page.locator("#entity-popover")
    assert popover.is_visible() and "Isaak Illich Rubin" in popover.inner_text()
    assert person.get_attribute("aria-describedby") == "entity-popover"
    page.keyboard.press("Escape")
    assert not popover.is_visible()
    assert problems == []
    context.close()


def test_register_permalink_and_no_errors(browser, site):
    context, page, problems = open_page(browser, (site / "persons.html").as_uri() + "#kirov")
    entry = page.locator("article#kirov")
    assert entry.is_visible() and "Sergey Kirov" in entry.locator("h2").inner_text()
    entry.locator("a.occurrence").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("index.html#p-4")
    assert problems == []
    context.close()


def test_readable_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((site / "index.html").as_uri())
    assert not page.locator("#view-controls").is_visible()
    assert page.locator(".tei-sic").is_visible() and page.locator(".tei-corr").is_visible()
    context.close()


def test_apparatus_call_shows_its_entry_on_focus(browser, tmp_path):
    """The call of an apparatus entry is a link: keyboard focus shows the entry in the popover (its ids left
    out, so none is in the page twice), Escape hides it, following it leads to the entry in the apparatus."""
    source = tmp_path / "aeneis.xml"
    source.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:lang="la"><teiHeader><fileDesc><titleStmt><title>Aeneis</title></titleStmt>
<publicationStmt><p/></publicationStmt><sourceDesc><listWit><witness xml:id="M" n="M">Codex Mediceus</witness></listWit></sourceDesc>
</fileDesc></teiHeader><text><body><p>Arma virumque <app><lem>cano</lem><rdg wit="#M">canto<note>sic</note></rdg></app> Troiae.</p></body></text></TEI>""",
                      encoding="utf-8")
    html.build_site(source, tmp_path / "site")
    context, page, problems = open_page(browser, (tmp_path / "site" / "index.html").as_uri())
    call = page.locator("article sup.apparatus-ref a")
    assert call.inner_text() == "a" and " ".join(page.locator("article").inner_text().split()) == "¶ Arma virumque canoa Troiae."
    call.focus()
    popover = page.locator("#entity-popover")
    assert popover.is_visible() and " ".join(popover.inner_text().split()) == "cano] canto1 M"
    assert popover.locator(".popover-card").get_attribute("lang") == "la", "read in the language of the text"
    assert page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)"
                         ".filter((id, i, ids) => ids.indexOf(id) !== i)") == []
    page.keyboard.press("Escape")
    assert not popover.is_visible()
    call.click()
    assert page.url.endswith("#apparatus-1") and page.locator("#apparatus-1").is_visible()
    assert problems == []
    context.close()


def test_a_narrow_screen_never_scrolls_sideways(browser, tmp_path):
    """At 375 px a long address breaks and a wide table scrolls in its own box, not the whole page."""
    cells = "".join(f"<cell>Spalte{n}Spalte{n}</cell>" for n in range(12))
    source = tmp_path / "narrow.xml"
    source.write_text(f"""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>Schmal</title></titleStmt>
<publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader><text><body>
<p>Siehe <ptr target="https://www.zotero.org/groups/382445/items/ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdef"/>.</p>
<table><row>{cells}</row></table></body></text></TEI>""", encoding="utf-8")
    html.build_site(source, tmp_path / "site")
    context = browser.new_context(viewport={"width": 375, "height": 700})
    page = context.new_page()
    page.goto((tmp_path / "site" / "index.html").as_uri())
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    table = page.locator("table.tei-table")
    assert table.evaluate("t => t.scrollWidth > t.clientWidth && t.getBoundingClientRect().right <= innerWidth")
    context.close()


def popover_box(page) -> dict | None:
    return page.evaluate("() => { const p = document.getElementById('entity-popover'); if (p.hidden) return null;"
                         " const r = p.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, height: r.height}; }")


def test_popover_fits_the_viewport_can_be_hovered_and_follows_focus(browser, site):
    """WCAG 1.4.13: a card near the bottom of the window opens above its link, the pointer can move onto it,
    and a card shown by keyboard focus comes back when the pointer passes over another link and away."""
    context = browser.new_context(viewport={"width": 800, "height": 400})
    page = context.new_page()
    page.goto((site / "index.html").as_uri())
    links = page.locator("article a.entity[data-card]")
    first, other = links.nth(0), links.nth(1)
    first.evaluate("link => window.scrollBy(0, link.getBoundingClientRect().bottom - innerHeight + 4)")
    first.focus()
    box, link = popover_box(page), first.bounding_box()
    assert box and box["bottom"] <= 400 and box["bottom"] <= link["y"], "opened above the link"

    page.keyboard.press("Escape")
    first.evaluate("link => link.blur()")
    page.mouse.move(link["x"] + 3, link["y"] + 3)
    box = popover_box(page)
    page.mouse.move(link["x"] + 3, box["top"] + box["height"] / 2, steps=8)
    page.wait_for_timeout(400)
    assert popover_box(page), "the pointer moved from the link onto its card"
    page.mouse.move(780, 5)
    page.wait_for_timeout(400)
    assert popover_box(page) is None

    other.focus()
    shown = page.locator("#entity-popover").inner_text()
    first_box = first.bounding_box()
    page.mouse.move(first_box["x"] + 3, first_box["y"] + 3)
    assert page.locator("#entity-popover").inner_text() != shown
    page.mouse.move(780, 5)
    page.wait_for_timeout(400)
    assert popover_box(page) and page.locator("#entity-popover").inner_text() == shown, "the focused link's card is back"
    context.close()


def test_a_note_in_a_name_or_a_ref_leaves_the_link_whole(browser, tmp_path):
    """The browser keeps the name's and the ref's link whole, with the note call after it; the call leads to
    the endnote and the endnote back to the call."""
    source = tmp_path / "diary.xml"
    source.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:lang="en"><teiHeader><fileDesc><titleStmt><title>Diary</title></titleStmt>
<publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader>
<text><body><p><persName ref="#clara">Clara<note>born Müller</note></persName> kept <ref target="https://example.org/">the diary<note>lost</note></ref>.</p></body>
<back><listPerson><person xml:id="clara"><persName>Clara</persName></person></listPerson></back></text></TEI>""", encoding="utf-8")
    html.build_site(source, tmp_path / "site")
    context, page, problems = open_page(browser, (tmp_path / "site" / "index.html").as_uri())
    assert page.locator("a a").count() == 0
    assert page.locator("article a.entity").inner_text() == "Clara" and page.locator("article a.tei-ref").inner_text() == "the diary"
    assert " ".join(page.locator("article p").inner_text().split()) == "¶ Clara1 kept the diary2."
    page.locator("article sup.note-ref a").first.click()
    assert page.url.endswith("#note-1")
    page.locator("#note-1 a.note-back").click()
    assert page.url.endswith("#note-1-ref")
    assert problems == []
    context.close()


def test_names_inside_a_link_reach_the_keyboard_through_its_card(browser, tmp_path):
    """WCAG 2.1.1: "Rubin" inside the link of "Rubin's sister", or inside a title's link, is no link of its own
    (a link cannot hold one) and has no keyboard focus: focus on the link around it shows the name's card after
    the link's own. WCAG 3.1.2: the cards are read in the language of the edition, not the page's English."""
    source = tmp_path / "nested.xml"
    source.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:lang="ger"><teiHeader><fileDesc><titleStmt><title>T</title></titleStmt>
<publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader>
<text><body><p><rs type="person" ref="#s"><persName ref="#r">Rubin</persName>s Schwester</rs> las
<title ref="#b">Briefe an <persName ref="#r">Rubin</persName></title>.</p></body>
<back><listPerson><person xml:id="r"><persName>Isaak Rubin</persName><note>Ökonom</note></person>
<person xml:id="s"><persName>Rubins Schwester</persName></person></listPerson>
<listBibl><bibl xml:id="b">Briefe an Rubin</bibl></listBibl></back></text></TEI>""", encoding="utf-8")
    html.build_site(source, tmp_path / "site")
    context, page, problems = open_page(browser, (tmp_path / "site" / "index.html").as_uri())
    popover = page.locator("#entity-popover")
    sister, title = page.locator("article a.entity-person"), page.locator("article a.entity-bibl")
    assert page.locator("article a [tabindex], article a a").count() == 0
    sister.focus()
    assert popover.is_visible()
    assert popover.locator(".card-name").all_inner_texts() == ["Rubins Schwester", "Isaak Rubin"]
    assert "Ökonom" in popover.inner_text() and sister.get_attribute("aria-describedby") == "entity-popover"
    assert popover.locator(".card-name").evaluate_all("names => names.map(name => name.closest('[lang]').lang)") == ["de", "de"]
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Briefe an Rubin"
    assert popover.is_visible() and popover.locator(".card-name").all_inner_texts() == ["Isaak Rubin"]
    page.keyboard.press("Escape")
    assert not popover.is_visible()
    page.locator("article a.entity-person span.entity").hover()
    assert popover.locator(".card-name").all_inner_texts() == ["Isaak Rubin"], "the inner name alone on hover"
    assert problems == []
    context.close()


def test_a_link_naming_an_entity_twice_shows_its_card_once(browser, tmp_path):
    """A link around two names of one person (and one of another) shows that person's card once, in the order
    the names come: focus on the link, not one card per name."""
    source = tmp_path / "twice.xml"
    source.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:lang="en"><teiHeader><fileDesc><titleStmt><title>T</title></titleStmt>
<publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader>
<text><body><p>See <ref target="https://example.org/rubin"><persName ref="#r">Rubin</persName>, <persName ref="#s">his sister</persName>
and <persName ref="#r">Isaak Illich</persName> again</ref>.</p></body>
<back><listPerson><person xml:id="r"><persName>Isaak Rubin</persName></person>
<person xml:id="s"><persName>Rubin's sister</persName></person></listPerson></back></text></TEI>""", encoding="utf-8")
    html.build_site(source, tmp_path / "site")
    context, page, problems = open_page(browser, (tmp_path / "site" / "index.html").as_uri())
    link = page.locator("article a.tei-ref")
    assert link.locator("[data-card]").count() == 3
    link.focus()
    popover = page.locator("#entity-popover")
    assert popover.is_visible() and popover.locator(".card-name").all_inner_texts() == ["Isaak Rubin", "Rubin's sister"]
    assert problems == []
    context.close()
