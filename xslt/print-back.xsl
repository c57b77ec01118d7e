<?xml version="1.0" encoding="UTF-8"?>
<!--
  print-back.xsl: the appendices of the PDF edition, generated from the
  tagging: a chronology of the dated events in the text and indexes of
  persons, places and organisations. Each index entry lists the anchors of
  its mentions in data-mentions; the pdf module adds their page numbers at
  the end of the entry (each page once, runs as ranges) after WeasyPrint has
  laid out the pages. Entries are plain text where they can be: each inline
  box costs WeasyPrint layout work, again for every try at balancing the
  columns.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tt="https://tei-tool.org/ns/1.0"
    xmlns:print="https://tei-tool.org/ns/1.0/print"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <!-- Fewer dated events than this make no chronology. -->
  <xsl:param name="tt:chronology-minimum" as="xs:integer" select="3"/>

  <xsl:variable name="print:indexes" as="map(xs:string, xs:string)" select="map {
      'person': 'Index of persons', 'place': 'Index of places', 'org': 'Index of organisations'}"/>

  <!-- The indexes in the order they are printed. -->
  <xsl:variable name="print:index-kinds" as="xs:string+" select="('person', 'place', 'org')"/>

  <!-- The mentions of the reading text an index lists (tt:mentioned: as tei-tool entities counts them). -->
  <xsl:function name="print:indexed" as="map(xs:string, item())*">
    <xsl:param name="element" as="element()"/>
    <xsl:sequence select="tt:mentioned($element)[?kind = $print:index-kinds]"/>
  </xsl:function>

  <!-- The mentions of each kind, in document order: one pass over the document, however often asked. -->
  <xsl:key name="print:mentions" match="*" use="distinct-values(print:indexed(.)?kind)"/>

  <xsl:function name="print:entry-label" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:variable name="name" as="element()?" select="($entry/(persName | placeName | orgName | name)[not(@xml:lang) or @xml:lang = print:document-language(root($entry)/*)], $entry/(persName | placeName | orgName | name))[1]"/>
    <xsl:sequence select="
        if ($name/surname and $name/forename) then normalize-space(string-join($name/surname, ' ')) || ', ' || normalize-space(string-join($name/forename, ' '))
        else normalize-space($name)"/>
  </xsl:function>

  <xsl:function name="print:is-event-date" as="xs:boolean">
    <xsl:param name="date" as="element(date)"/>
    <xsl:sequence select="exists($date/ancestor::text) and exists($date/(@when, @from, @notBefore))
        and empty($date/ancestor::*[self::bibl | self::note | self::teiHeader | self::date | self::listEvent])"/>
  </xsl:function>

  <!-- The dated events of the reading text, in document order. -->
  <xsl:variable name="print:event-dates" as="element(date)*" select="print:texts(/)//date[print:is-event-date(.)]"/>

  <!-- The sentence around a date, as the chronology's description of the event, in its reading text (one reading of a
       choice or apparatus entry, no deletions, no notes, no layout spaces of word-tagged text). -->
  <xsl:function name="print:date-context" as="xs:string">
    <xsl:param name="date" as="element(date)"/>
    <xsl:variable name="around" as="xs:string+" select="tt:reading-around($date)"/>
    <xsl:variable name="sentence" as="xs:string" select="replace($around[1], '^.*[.!?]\s+', '', 's') || tt:reading-string($date)
        || (if (matches($around[2], '[.!?]')) then replace($around[2], '^([^.!?]*[.!?]).*$', '$1', 's') else $around[2])"/>
    <xsl:variable name="words" as="xs:string*" select="tokenize(normalize-space($sentence))"/>
    <xsl:sequence select="string-join(subsequence($words, 1, 40), ' ') || (if (count($words) gt 40) then ' …' else '')"/>
  </xsl:function>

  <xsl:template name="print:back-matter-contents" as="element()*">
    <xsl:if test="count($print:event-dates) ge $tt:chronology-minimum">
      <li class="contents-level-1"><a href="#print-chronology">Chronology</a></li>
    </xsl:if>
    <xsl:variable name="root" as="document-node()" select="/"/>
    <xsl:for-each select="$print:index-kinds[exists(key('print:mentions', ., $root))]">
      <li class="contents-level-1"><a href="#print-index-{.}"><xsl:value-of select="$print:indexes(.)"/></a></li>
    </xsl:for-each>
  </xsl:template>

  <xsl:template name="print:chronology" as="element()?">
    <xsl:if test="count($print:event-dates) ge $tt:chronology-minimum">
      <section class="appendix chronology" id="print-chronology">
        <h1 data-label="Chronology">Chronology</h1>
        <xsl:for-each select="$print:event-dates">
          <xsl:sort select="tt:date-sort-key(tt:date-value(.))"/>
          <div class="chronology-entry">
            <span class="chronology-date"><xsl:value-of select="tt:date-value(.)"/></span>
            <xsl:value-of select="print:date-context(.)"/>
            <xsl:text> </xsl:text>
            <a class="page-reference" href="#date-{generate-id()}"/>
          </div>
        </xsl:for-each>
      </section>
    </xsl:if>
  </xsl:template>

  <xsl:template name="print:indexes" as="element()*">
    <xsl:variable name="root" as="document-node()" select="/"/>
    <xsl:for-each select="$print:index-kinds[exists(key('print:mentions', ., $root))]">
      <xsl:variable name="kind" as="xs:string" select="."/>
      <xsl:variable name="mentions" as="element()*" select="key('print:mentions', ., $root)"/>
      <section class="appendix index" id="print-index-{.}">
        <h1 data-label="{$print:indexes(.)}"><xsl:value-of select="$print:indexes(.)"/></h1>
        <xsl:variable name="entries" as="element()*">
          <xsl:for-each-group select="$mentions" group-by="print:indexed(.)[?kind = $kind]?key">
            <xsl:variable name="key" as="xs:string" select="current-grouping-key()"/>
            <xsl:variable name="first" as="map(xs:string, item())" select="print:indexed(.)[?key = $key][1]"/>
            <xsl:variable name="register-entry" as="element()?" select="$first?entry"/>
            <xsl:variable name="label" as="xs:string" select="($register-entry ! print:entry-label(.), tt:reading-text(.), $first?pointer)[. ne ''][1]"/>
            <!-- An anchor per mention: one element pointing to the entity twice is listed twice, as it is counted. -->
            <div class="index-entry" data-mentions="{current-group() ! (for $pointer in print:indexed(.)[?key = $key] return 'mention-' || generate-id(.))}">
              <xsl:if test="exists($first?id)">
                <xsl:attribute name="data-entity" select="$first?id"/>
              </xsl:if>
              <xsl:value-of select="$label"/>
              <xsl:for-each select="$register-entry/(persName | placeName | orgName)[@xml:lang and @xml:lang ne print:document-language(root(.)/*)]">
                <xsl:text> </xsl:text>
                <span class="index-variant">
                  <xsl:for-each select="tt:bcp47(@xml:lang)">
                    <xsl:attribute name="lang" select="."/>
                  </xsl:for-each>
                  <xsl:value-of select="normalize-space()"/>
                </span>
              </xsl:for-each>
              <xsl:text> </xsl:text>
            </div>
          </xsl:for-each-group>
        </xsl:variable>
        <xsl:perform-sort select="$entries">
          <xsl:sort select="lower-case(text()[1])" lang="{print:document-language($root/*)}"/>
        </xsl:perform-sort>
      </section>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
