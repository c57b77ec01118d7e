<?xml version="1.0" encoding="UTF-8"?>
<!--
  print-text.xsl: what the PDF edition does differently from common.xsl's
  mode tt:body in the reading text. Divisions get headings that feed the
  running heads and the PDF outline; editorial notes, corrections,
  apparatus entries and the alternatives of a choice become CSS footnotes; surplus and deletions are left
  out; every tagged person, place and organisation and every dated event
  gets an anchor the indexes and the chronology point back to.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tt="https://tei-tool.org/ns/1.0"
    xmlns:print="https://tei-tool.org/ns/1.0/print"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <!-- The heading level of a division or a text of a corpus: 1 at the top, one more in each division or
       text of a corpus it is part of. -->
  <xsl:function name="print:depth" as="xs:integer">
    <xsl:param name="division" as="element()"/>
    <xsl:sequence select="tt:member-depth($division) + count($division/ancestor-or-self::*[tt:is-division(.)])"/>
  </xsl:function>

  <!-- The id of a section in the print HTML, which the contents link to. -->
  <xsl:function name="print:id" as="xs:string">
    <xsl:param name="element" as="element()"/>
    <xsl:sequence select="($element/@xml:id, 'print-' || generate-id($element))[1] => string()"/>
  </xsl:function>

  <!-- A division's heading as plain text, or nothing when it has neither head nor number. -->
  <xsl:function name="print:heading" as="xs:string?">
    <xsl:param name="division" as="element()"/>
    <xsl:variable name="head" as="xs:string?" select="$division/head[1] ! tt:reading-text(.)[. ne '']"/>
    <xsl:variable name="kind" as="xs:string" select="($division/@subtype, $division/@type, 'section')[1]"/>
    <xsl:sequence select="
        if ($division/@type = 'primarySource' and $division/@n and not(starts-with($head, '(' || $division/@n || ')'))) then string-join(('(' || $division/@n || ')', $head), ' ')
        else if ($head) then $head
        else if ($division/@n) then upper-case(substring($kind, 1, 1)) || substring($kind, 2) || ' ' || $division/@n
        else ()"/>
  </xsl:function>

  <!-- A division without heading whose content prints nothing (an empty translation or commentary of an
       inscription, say) is left out, so that it starts no page of its own. -->
  <xsl:template match="*[tt:is-division(.)]" mode="tt:body" as="element()?">
    <xsl:variable name="heading" as="xs:string?" select="print:heading(.)"/>
    <xsl:variable name="content" as="node()*">
      <xsl:apply-templates select="node() except head[1]" mode="#current"/>
    </xsl:variable>
    <xsl:if test="$heading or normalize-space(string-join($content, ''))">
      <section class="{tt:classes(.)}" id="{print:id(.)}">
        <xsl:if test="$heading">
          <xsl:element name="h{min((print:depth(.), 6))}">
            <xsl:attribute name="data-label" select="$heading"/>
            <xsl:choose>
              <xsl:when test="head">
                <xsl:if test="@type = 'primarySource' and @n and not(starts-with(tt:reading-text(head[1]), '(' || @n || ')'))">
                  <span class="source-number">(<xsl:value-of select="@n"/>)</span>
                  <xsl:text> </xsl:text>
                </xsl:if>
                <xsl:apply-templates select="head[1]/node()" mode="#current"/>
              </xsl:when>
              <xsl:otherwise><xsl:value-of select="$heading"/></xsl:otherwise>
            </xsl:choose>
          </xsl:element>
        </xsl:if>
        <xsl:sequence select="$content"/>
      </section>
    </xsl:if>
  </xsl:template>

  <!-- A text of a corpus (a TEI, or a nested teiCorpus): a section headed by its title, which starts a page and
       feeds the running heads, the contents and the PDF outline. -->
  <xsl:template match="TEI[parent::teiCorpus] | teiCorpus[parent::teiCorpus]" mode="tt:body" as="element()">
    <section class="corpus-member {tt:classes(.)}" id="{print:id(.)}">
      <xsl:for-each select="@xml:lang ! tt:bcp47(.)">
        <xsl:attribute name="lang" select="."/>
      </xsl:for-each>
      <xsl:element name="h{min((print:depth(.), 6))}">
        <xsl:attribute name="data-label" select="tt:member-title(.)"/>
        <xsl:value-of select="tt:member-title(.)"/>
      </xsl:element>
      <xsl:apply-templates select="tt:member-parts(.)[not(self::facsimile)]" mode="#current"/>
    </section>
  </xsl:template>

  <xsl:template match="div[@type = 'primarySource']/bibl" mode="tt:body" as="element()">
    <div class="source-citation"><xsl:apply-templates mode="#current"/></div>
  </xsl:template>

  <!--
    Tokens: common.xsl renders plain ones as their content and drops the
    encoder's layout spaces between them. Print also drops the element of a
    token whose id no link points to: each inline box costs WeasyPrint as
    much layout work as a line of text.
  -->
  <xsl:template match="*[@xml:id][tt:is-plain-token(.)][not(tt:is-link-target(.))]" mode="tt:body" as="node()*">
    <xsl:apply-templates mode="#current"/>
  </xsl:template>

  <!-- Left out of the reading text: surplus, deletions, page furniture of the source; their notes are footnotes all the same. -->
  <xsl:template match="surplus | del | fw" mode="tt:body" as="element()*">
    <xsl:apply-templates select="descendant::note except descendant::note//note" mode="#current"/>
  </xsl:template>

  <!-- Page and column breaks without a number print nothing: a link to a page image is no use on paper. -->
  <xsl:template match="pb[not(normalize-space(@n))] | cb[not(normalize-space(@n))]" mode="tt:body" as="empty-sequence()"/>

  <!-- Footnotes: editorial notes, corrections, apparatus. -->

  <xsl:template match="note" mode="tt:body" as="element()+">
    <xsl:call-template name="print:footnote">
      <xsl:with-param name="content" as="node()*"><xsl:apply-templates mode="#current"/></xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="choice[corr][sic]" mode="tt:body" as="node()+" priority="2">
    <xsl:apply-templates select="corr[1]/node()" mode="#current"/>
    <xsl:call-template name="print:footnote">
      <xsl:with-param name="content" as="node()*">
        <xsl:text>The source reads “</xsl:text>
        <xsl:apply-templates select="sic[1]/node()" mode="#current"/>
        <xsl:text>”.</xsl:text>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- A choice among alternative readings: the one the reading text shows, the others as a footnote. -->
  <xsl:template match="choice[exists(tt:choice-alternatives(.))]" mode="tt:body" as="node()+" priority="1">
    <xsl:apply-templates select="tt:choice-reading(.)/node()" mode="#current"/>
    <xsl:call-template name="print:footnote">
      <xsl:with-param name="content" as="node()*">
        <xsl:call-template name="tt:apparatus-entry">
          <xsl:with-param name="reading-shown" select="true()"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- Any other choice: the regularised, expanded or corrected form only. -->
  <xsl:template match="choice" mode="tt:body" as="node()*">
    <xsl:apply-templates select="tt:choice-reading(.)/node()" mode="#current"/>
  </xsl:template>

  <!-- An apparatus entry: its reading in the text; the entry (the reading, "]", the other readings with their
       witnesses) and its notes as footnotes. -->
  <xsl:template match="app" mode="tt:body" as="node()*">
    <xsl:variable name="reading" as="element()?" select="tt:app-reading(.)"/>
    <xsl:apply-templates select="$reading/node()" mode="#current"/>
    <xsl:if test="exists(* except ($reading, note))">
      <xsl:call-template name="print:footnote">
        <xsl:with-param name="content" as="node()*">
          <xsl:call-template name="tt:apparatus-entry">
            <xsl:with-param name="reading-shown" select="true()"/>
          </xsl:call-template>
        </xsl:with-param>
      </xsl:call-template>
    </xsl:if>
    <xsl:apply-templates select="note" mode="#current"/>
  </xsl:template>

  <!--
    A CSS footnote, preceded by an empty marker at the call so that the pdf
    module can check that each note lands on the page of its call. Inside a
    footnote, a further footnote is given inline in brackets.
  -->
  <xsl:template name="print:footnote" as="element()+">
    <xsl:param name="content" as="node()*"/>
    <xsl:choose>
      <xsl:when test="print:is-in-footnote(.)">
        <span class="nested-note"> [<xsl:sequence select="$content"/>]</span>
      </xsl:when>
      <xsl:otherwise>
        <span class="footnote-call" id="call-{generate-id()}"/>
        <span class="footnote" id="note-{generate-id()}"><xsl:sequence select="$content"/></span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Whether an element is printed inside a footnote: in a note, the source reading of a correction, a variant
       reading or an alternative of a choice. -->
  <xsl:function name="print:is-in-footnote" as="xs:boolean">
    <xsl:param name="element" as="element()"/>
    <xsl:sequence select="exists($element/ancestor::*[self::note or parent::choice or self::lem or self::rdg]
        [tt:is-hidden-in-reading(.)])"/>
  </xsl:function>

  <!-- Mentions: an anchor each, so the indexes can give its page. A name is the anchor; a link, a quotation or
       anything else pointing to an entity keeps its own rendering, the anchor before it. -->
  <xsl:template match="*[exists(print:indexed(.))]" mode="tt:body" priority="2" as="element()+">
    <xsl:choose>
      <xsl:when test="exists(tt:naming-kind(.))">
        <span class="mention {tt:classes(.)}" id="mention-{generate-id()}"><xsl:apply-templates mode="#current"/></span>
      </xsl:when>
      <xsl:otherwise>
        <span class="mention" id="mention-{generate-id()}"/>
        <xsl:next-match/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Dated events: an anchor for the chronology's page reference. -->
  <xsl:template match="date[print:is-event-date(.)]" mode="tt:body" priority="2" as="element()">
    <span class="event" id="date-{generate-id()}"><xsl:next-match/></span>
  </xsl:template>
</xsl:stylesheet>
