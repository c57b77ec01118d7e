<?xml version="1.0" encoding="UTF-8"?>
<!--
  html-text.xsl: index.html, the reading text. Overrides mode tt:body from
  common.xsl where the web edition differs: entity mentions link to their
  register entry (with a popover card), notes become numbered endnotes,
  paragraphs, line groups and primary sources get a visible permalink,
  apparatus entries keep their reading in the text and a lettered call to
  the apparatus after it, lists of persons, places, organisations and events
  are lists; the texts of a teiCorpus are sections headed by
  their titles, listed in a contents. Also builds the view controls that
  edition.js enables.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:tt="https://tei-tool.org/ns/1.0"
  exclude-result-prefixes="#all">

  <xsl:mode name="tt:card" on-no-match="fail" on-multiple-match="fail"/>
  <xsl:mode name="tt:contents" on-no-match="fail" on-multiple-match="fail"/>

  <!-- The notes of the reading text, numbered 1…n in document order. -->
  <xsl:variable name="tt:text-notes" as="element(tei:note)*" select="//tei:text//tei:note"/>

  <!-- The apparatus of the reading text, lettered a, b, … in document order: the entries with readings (but
       those of a listApp, rendered where they stand) and the choices among alternative readings. -->
  <xsl:variable name="tt:apparatus" as="element()*"
    select="//tei:text//(tei:app[tei:lem | tei:rdg][not(ancestor::tei:listApp)] | tei:choice[exists(tt:choice-alternatives(.))])"/>

  <xsl:variable name="tt:apparatus-numbers" as="map(xs:string, xs:integer)"
    select="map:merge(for $i in 1 to count($tt:apparatus) return map {generate-id($tt:apparatus[$i]): $i})"/>

  <xsl:template match="tt:page[@file = 'index.html']" mode="tt:page-content" as="node()*">
    <xsl:for-each select="$tt:document">
      <xsl:call-template name="tt:index-content"/>
    </xsl:for-each>
  </xsl:template>

  <xsl:template name="tt:index-content" as="node()*">
    <xsl:variable name="subtitles" as="xs:string*" select="/*/tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title[@type = 'sub'] ! tt:reading-text(.)"/>
    <xsl:variable name="authors" as="xs:string*" select="/*/tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:author ! tt:reading-text(.)"/>
    <xsl:if test="exists(($subtitles, $authors)[.])">
      <p class="edition-byline">
        <xsl:call-template name="tt:text-lang"/>
        <xsl:value-of select="string-join(($subtitles, $authors)[.], ' · ')"/>
      </p>
    </xsl:if>
    <div id="view-controls" class="view-controls" hidden="hidden">
      <div role="group" aria-label="Text view">
        <span class="control-label">View</span>
        <button type="button" data-view="reading" aria-pressed="true">Reading text</button>
        <button type="button" data-view="diplomatic" aria-pressed="false">Diplomatic text</button>
      </div>
      <div role="group" aria-label="Highlight">
        <span class="control-label">Highlight</span>
        <xsl:for-each select="('persons', 'places', 'organisations', 'dates', 'quotations')">
          <button type="button" data-highlight="{.}" aria-pressed="false" class="swatch-{.}">
            <xsl:value-of select="upper-case(substring(., 1, 1)) || substring(., 2)"/>
          </button>
        </xsl:for-each>
      </div>
    </div>
    <xsl:if test="/tei:teiCorpus">
      <nav class="corpus-contents" aria-labelledby="contents-heading">
        <h2 id="contents-heading">Contents</h2>
        <ol><xsl:apply-templates select="/tei:teiCorpus/(tei:TEI | tei:teiCorpus)" mode="tt:contents"/></ol>
      </nav>
    </xsl:if>
    <article class="edition-text">
      <xsl:variable name="text-lang" as="xs:string?" select="/*/tei:text/@xml:lang ! tt:bcp47(.)"/>
      <xsl:choose>
        <xsl:when test="$text-lang">
          <xsl:attribute name="lang" select="$text-lang"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="tt:text-lang"/>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:apply-templates select="if (/tei:teiCorpus) then tt:member-parts(/tei:teiCorpus)
        else ((//tei:text[not(ancestor::tei:text)] | tt:other-parts(/)) ! (if (self::tei:text) then node() else .),
          /tei:*[not(self::tei:TEI)])" mode="tt:body"/>
    </article>
    <xsl:if test="exists($tt:apparatus)">
      <section class="apparatus" aria-labelledby="apparatus-heading">
        <h2 id="apparatus-heading">Apparatus</h2>
        <ol type="a">
          <xsl:for-each select="$tt:apparatus">
            <li id="apparatus-{position()}" value="{position()}">
              <span class="apparatus-entry" id="apparatus-{position()}-entry">
                <xsl:call-template name="tt:text-lang">
                  <xsl:with-param name="of" select="."/>
                </xsl:call-template>
                <xsl:call-template name="tt:apparatus-entry">
                  <xsl:with-param name="reading-shown" select="true()"/>
                </xsl:call-template>
              </span>
              <xsl:text> </xsl:text>
              <a href="#apparatus-{position()}-ref" class="note-back" aria-label="Back to the text of apparatus entry {tt:apparatus-label(position())}">↩</a>
            </li>
          </xsl:for-each>
        </ol>
      </section>
    </xsl:if>
    <xsl:if test="exists($tt:text-notes)">
      <section class="endnotes" aria-labelledby="notes-heading">
        <h2 id="notes-heading">Notes</h2>
        <ol>
          <xsl:for-each select="$tt:text-notes">
            <li id="{tt:anchor-id(.)}" value="{position()}">
              <xsl:call-template name="tt:text-lang">
                <xsl:with-param name="of" select="."/>
              </xsl:call-template>
              <xsl:apply-templates mode="tt:body"/>
              <xsl:text> </xsl:text>
              <a href="#{tt:anchor-id(.)}-ref" class="note-back" aria-label="Back to the text of note {position()}">
                <xsl:call-template name="tt:interface-lang">
                  <xsl:with-param name="of" select="."/>
                </xsl:call-template>
                <xsl:text>↩</xsl:text>
              </a>
            </li>
          </xsl:for-each>
        </ol>
      </section>
    </xsl:if>
    <xsl:call-template name="tt:entity-cards">
      <xsl:with-param name="ids" select="distinct-values(//tei:text//*[@ref] ! tt:entity-of(.)[@xml:id] ! string(@xml:id))"/>
    </xsl:call-template>
  </xsl:template>

  <!-- The hidden cards of the entities with these ids, which the page's mentions name in data-card. -->
  <xsl:template name="tt:entity-cards" as="element()">
    <xsl:param name="ids" as="xs:string*"/>
    <div class="entity-cards" hidden="hidden">
      <xsl:apply-templates select="$ids ! key('tt:by-id', ., $tt:document)[1]" mode="tt:card"/>
    </div>
  </xsl:template>

  <!-- The contents of a corpus: each of its texts by its title, a nested corpus with its own. -->
  <xsl:template match="tei:TEI | tei:teiCorpus" mode="tt:contents" as="element()">
    <li>
      <a href="#{tt:anchor-id(.)}"><xsl:value-of select="tt:member-title(.)"/></a>
      <xsl:if test="tei:TEI | tei:teiCorpus">
        <ol><xsl:apply-templates select="tei:TEI | tei:teiCorpus" mode="#current"/></ol>
      </xsl:if>
    </li>
  </xsl:template>

  <!-- A mention of an entity: a link to its register entry, described by its card. Whitespace at its edges
       (word-tagged texts put a space after the last word) is rendered outside, so no link underlines a space.
       Inside another link (a name within a name or a ref) it is a span with its class and card, as a link
       cannot hold a link; the calls of its notes follow it (tt:calls-after-link). -->
  <xsl:template match="tei:*[@ref][not(self::tei:ref or self::tei:ptr)]" mode="tt:body" priority="2" as="node()+">
    <xsl:param name="tt:in-link" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:variable name="space-before" as="text()?" select="node()[1][self::text()][not(normalize-space())]"/>
    <xsl:variable name="space-after" as="text()?" select="node()[last()][self::text()][not(normalize-space())] except $space-before"/>
    <xsl:variable name="entity" as="element()?" select="tt:entity-of(.)"/>
    <xsl:variable name="target" as="element()?" select="($entity, tt:targets(@ref, .))[1]"/>
    <xsl:variable name="href" as="xs:string?" select="if ($target) then tt:entry-href($target) else ()"/>
    <xsl:variable name="kind" as="xs:string" select="(tt:mention-kind(.), 'other')[1]"/>
    <xsl:variable name="is-link" as="xs:boolean" select="exists($href) and not($tt:in-link) and not(tt:is-block(.))"/>
    <xsl:apply-templates select="$space-before" mode="#current"/>
    <xsl:call-template name="tt:calls-after-link">
      <xsl:with-param name="rendered" as="element()">
        <xsl:element name="{if ($is-link) then 'a' else tt:element-name(., 'span')}">
          <xsl:call-template name="tt:attributes">
            <xsl:with-param name="extra-class" select="string-join(('entity', 'entity-' || $kind, if ($href) then () else 'entity-unresolved'), ' ')"/>
          </xsl:call-template>
          <xsl:if test="$is-link">
            <xsl:attribute name="href" select="$href"/>
          </xsl:if>
          <xsl:if test="$entity/@xml:id and $kind = ('person', 'place', 'org')">
            <xsl:attribute name="data-card" select="'card-' || $entity/@xml:id"/>
          </xsl:if>
          <xsl:apply-templates select="node() except ($space-before, $space-after)" mode="#current">
            <xsl:with-param name="tt:in-link" select="$tt:in-link or $is-link" tunnel="yes"/>
          </xsl:apply-templates>
        </xsl:element>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:apply-templates select="$space-after" mode="#current"/>
  </xsl:template>

  <!-- A list of persons, places, organisations or events in the text (a list of correspondents, say): a list
       with an item per entry, so that the names of its entries do not run together; a group of persons lists
       its names and members the same way. -->
  <xsl:template match="tei:listPerson | tei:listPlace | tei:listOrg | tei:listEvent | tei:personGrp[count(*) gt 1]" mode="tt:body" as="element()">
    <ul>
      <xsl:call-template name="tt:attributes"/>
      <xsl:for-each select="* | text()[normalize-space()]">
        <li><xsl:apply-templates select="." mode="#current"/></li>
      </xsl:for-each>
    </ul>
  </xsl:template>

  <!-- A note in the text: its number, linked to the endnote (the note itself is rendered there, on index.html;
       a register or list shows the call too, linked to index.html, without the id the endnote leads back to). -->
  <xsl:template match="tei:note[ancestor::tei:text]" mode="tt:body" priority="3" as="element()">
    <xsl:param name="tt:page-file" as="xs:string" select="'index.html'" tunnel="yes"/>
    <xsl:variable name="number" as="xs:integer" select="tt:note-number(.)"/>
    <xsl:variable name="on-index" as="xs:boolean" select="$tt:page-file = 'index.html'"/>
    <sup class="note-ref">
      <a href="{if ($on-index) then '' else 'index.html'}#{tt:anchor-id(.)}">
        <xsl:if test="$on-index">
          <xsl:attribute name="id" select="tt:anchor-id(.) || '-ref'"/>
        </xsl:if>
        <xsl:attribute name="aria-label" select="'Note ' || $number"/>
        <xsl:value-of select="$number"/>
      </a>
    </sup>
  </xsl:template>

  <!-- An apparatus entry in the text: its reading, and a lettered call that links to the entry in the
       apparatus and shows it on hover and keyboard focus (edition.js, as an entity's card); the entry's notes
       are called after it. The alternatives of a choice are left to the entry; a correction's diplomatic form stays. -->
  <xsl:template match="tei:app[map:contains($tt:apparatus-numbers, generate-id())]
    | tei:choice[map:contains($tt:apparatus-numbers, generate-id())]" mode="tt:body" priority="3" as="element()">
    <xsl:variable name="number" as="xs:integer" select="$tt:apparatus-numbers(generate-id())"/>
    <xsl:element name="{tt:element-name(., 'span')}">
      <xsl:call-template name="tt:attributes"/>
      <xsl:apply-templates select="if (self::tei:app) then tt:app-reading(.) else node() except tt:choice-alternatives(.)" mode="#current"/>
      <sup class="note-ref apparatus-ref">
        <a href="#apparatus-{$number}" id="apparatus-{$number}-ref" data-card="apparatus-{$number}-entry"
          aria-label="Apparatus entry {tt:apparatus-label($number)}"><xsl:value-of select="tt:apparatus-label($number)"/></a>
      </sup>
      <xsl:apply-templates select="self::tei:app/tei:note" mode="#current"/>
    </xsl:element>
  </xsl:template>

  <!-- a, b, … z, aa, ab, …: apparatus calls are letters, so that they are not taken for note numbers. -->
  <xsl:function name="tt:apparatus-label" as="xs:string">
    <xsl:param name="number" as="xs:integer"/>
    <xsl:sequence select="format-integer($number, 'a')"/>
  </xsl:function>

  <xsl:variable name="tt:note-numbers" as="map(xs:string, xs:integer)"
    select="map:merge(for $i in 1 to count($tt:text-notes) return map {generate-id($tt:text-notes[$i]): $i})"/>

  <xsl:function name="tt:note-number" as="xs:integer">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:sequence select="$tt:note-numbers(generate-id($note))"/>
  </xsl:function>

  <!-- Paragraphs, line groups and primary sources: a permalink, shown on hover and focus. -->
  <xsl:template match="tei:p[not(ancestor::tei:note)] | tei:lg | tei:div[@type = 'primarySource']" mode="tt:block-start" as="element()">
    <a class="permalink" href="#{tt:anchor-id(.)}" aria-label="Permalink to {if (self::tei:lg) then 'this poem' else if (self::tei:div) then 'this source' else 'this paragraph'}">¶</a>
  </xsl:template>

  <!-- The popover card of an entity: name, dates, note (edition.js shows it on hover and focus), in the
       language of the entry it comes from. -->
  <xsl:template match="*" mode="tt:card" as="element()">
    <div class="entity-card" id="card-{@xml:id}">
      <xsl:call-template name="tt:text-lang">
        <xsl:with-param name="of" select="."/>
      </xsl:call-template>
      <p class="card-name"><xsl:value-of select="tt:entity-name(.)"/></p>
      <xsl:variable name="dates" as="xs:string?" select="tt:life-dates(.)"/>
      <xsl:if test="$dates">
        <p class="card-dates"><xsl:value-of select="$dates"/></p>
      </xsl:if>
      <xsl:variable name="note" as="xs:string" select="tt:reading-text((tei:note, tei:desc)[1]/node())"/>
      <xsl:if test="$note">
        <p class="card-note"><xsl:value-of select="tt:truncate($note, 240, false())"/></p>
      </xsl:if>
    </div>
  </xsl:template>

  <!-- "1886–1934" from birth and death (or floruit), when they are dated. -->
  <xsl:function name="tt:life-dates" as="xs:string?">
    <xsl:param name="entity" as="element()"/>
    <xsl:variable name="birth" as="xs:string?" select="($entity/tei:birth ! (tt:date-value(.), normalize-space())[.])[1]"/>
    <xsl:variable name="death" as="xs:string?" select="($entity/tei:death ! (tt:date-value(.), normalize-space())[.])[1]"/>
    <xsl:variable name="floruit" as="xs:string?" select="($entity/tei:floruit ! tt:date-label(.))[1]"/>
    <xsl:sequence select="if ($birth or $death) then string-join(($birth, '–', $death), '')
      else if ($floruit) then 'active ' || $floruit else ()"/>
  </xsl:function>

</xsl:stylesheet>
