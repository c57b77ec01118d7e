<?xml version="1.0" encoding="UTF-8"?>
<!--
  html-lists.xsl: the pages that gather things from across the text:
  chronology.html (every dated expression, sorted by its normalised value),
  quotations.html (by speaker, by source, unattributed) and
  bibliography.html (works in listBibl, then citations in the text).
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:tt="https://tei-tool.org/ns/1.0"
  exclude-result-prefixes="#all">

  <xsl:key name="tt:quotations-by-speaker" match="tei:text//(tei:quote | tei:q | tei:said)" use="tt:local-ids(@who)"/>
  <xsl:key name="tt:quotations-by-source" match="tei:text//(tei:quote | tei:q | tei:said)" use="tt:local-ids(@source)"/>

  <xsl:template match="tt:page[@file = 'chronology.html']" mode="tt:page-content" as="node()*">
    <xsl:variable name="dates" as="element()*" select="$tt:document//tei:text//(tei:date | tei:time | tei:docDate | tei:origDate)"/>
    <xsl:variable name="dated" as="element()*" select="$dates[exists(tt:date-value(.))]"/>
    <xsl:variable name="undated" as="element()*" select="$dates[empty(tt:date-value(.))]"/>
    <xsl:choose>
      <xsl:when test="empty($dates)">
        <p class="register-empty">The text contains no dates.</p>
      </xsl:when>
      <xsl:otherwise>
        <p class="register-summary"><xsl:value-of select="count($dated)"/> dated expressions, sorted by their normalised value.</p>
        <ol class="chronology">
          <xsl:for-each select="$dated">
            <xsl:sort select="tt:date-sort-key(tt:date-value(.))"/>
            <li>
              <time class="chronology-value">
                <xsl:if test="matches(tt:date-value(.), '^\d{4}(-\d{2}(-\d{2})?)?$')">
                  <xsl:attribute name="datetime" select="tt:date-value(.)"/>
                </xsl:if>
                <xsl:value-of select="tt:date-label(.)"/>
              </time>
              <xsl:text> </xsl:text>
              <xsl:call-template name="tt:occurrence-link">
                <xsl:with-param name="node" select="."/>
              </xsl:call-template>
            </li>
          </xsl:for-each>
        </ol>
        <xsl:if test="exists($undated)">
          <h2>Dates without a normalised value</h2>
          <ul class="chronology-undated">
            <xsl:for-each select="$undated">
              <li>
                <xsl:call-template name="tt:occurrence-link">
                  <xsl:with-param name="node" select="."/>
                </xsl:call-template>
              </li>
            </xsl:for-each>
          </ul>
        </xsl:if>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tt:page[@file = 'quotations.html']" mode="tt:page-content" as="node()*">
    <xsl:variable name="quotations" as="element()*" select="$tt:document//tei:text//(tei:quote | tei:q | tei:said)"/>
    <xsl:if test="empty($quotations)">
      <p class="register-empty">The text contains no quotations.</p>
    </xsl:if>
    <xsl:variable name="speakers" as="xs:string*" select="distinct-values($quotations/@who ! tt:local-ids(.))"/>
    <xsl:variable name="sources" as="xs:string*" select="distinct-values($quotations/@source ! tt:local-ids(.))"/>
    <xsl:if test="exists($speakers)">
      <h2>By speaker</h2>
      <xsl:for-each select="$speakers">
        <xsl:sort select="lower-case(tt:pointer-label(., $tt:document))"/>
        <xsl:call-template name="tt:quotation-group">
          <xsl:with-param name="id" select="'speaker-' || ."/>
          <xsl:with-param name="label" select="tt:pointer-label(., $tt:document)"/>
          <xsl:with-param name="href" select="key('tt:by-id', ., $tt:document)[1] ! tt:entry-href(.)"/>
          <xsl:with-param name="quotations" select="key('tt:quotations-by-speaker', ., $tt:document)"/>
        </xsl:call-template>
      </xsl:for-each>
    </xsl:if>
    <xsl:if test="exists($sources)">
      <h2>By source</h2>
      <xsl:for-each select="$sources">
        <xsl:sort select="lower-case(tt:pointer-label(., $tt:document))"/>
        <xsl:call-template name="tt:quotation-group">
          <xsl:with-param name="id" select="'source-' || ."/>
          <xsl:with-param name="label" select="tt:pointer-label(., $tt:document)"/>
          <xsl:with-param name="href" select="key('tt:by-id', ., $tt:document)[1] ! tt:entry-href(.)"/>
          <xsl:with-param name="quotations" select="key('tt:quotations-by-source', ., $tt:document)"/>
        </xsl:call-template>
      </xsl:for-each>
    </xsl:if>
    <xsl:variable name="unattributed" as="element()*" select="$quotations[empty(tt:local-ids(@who)) and empty(tt:local-ids(@source))]"/>
    <xsl:if test="exists($unattributed)">
      <h2>Unattributed</h2>
      <xsl:call-template name="tt:quotation-list">
        <xsl:with-param name="quotations" select="$unattributed"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- The name of what an id points to (an entity, a bibl), or the id when it points nowhere. -->
  <xsl:function name="tt:pointer-label" as="xs:string">
    <xsl:param name="id" as="xs:string"/>
    <xsl:param name="document" as="document-node()"/>
    <xsl:sequence select="(key('tt:by-id', $id, $document)[1] ! tt:entity-name(.), '#' || $id)[1]"/>
  </xsl:function>

  <xsl:template name="tt:quotation-group" as="element()">
    <xsl:param name="id" as="xs:string"/>
    <xsl:param name="label" as="xs:string"/>
    <xsl:param name="href" as="xs:string?"/>
    <xsl:param name="quotations" as="element()*"/>
    <section class="quotation-group" id="{$id}">
      <h3>
        <xsl:choose>
          <xsl:when test="$href"><a href="{$href}"><xsl:value-of select="$label"/></a></xsl:when>
          <xsl:otherwise><xsl:value-of select="$label"/></xsl:otherwise>
        </xsl:choose>
        <xsl:value-of select="' (' || count($quotations) || ')'"/>
      </h3>
      <xsl:call-template name="tt:quotation-list">
        <xsl:with-param name="quotations" select="$quotations"/>
      </xsl:call-template>
    </section>
  </xsl:template>

  <xsl:template name="tt:quotation-list" as="element()">
    <xsl:param name="quotations" as="element()*"/>
    <ol class="quotations">
      <xsl:for-each select="$quotations">
        <li>
          <blockquote><xsl:call-template name="tt:text-lang"/><p><xsl:value-of select="tt:truncate(tt:reading-text(.), 400, false())"/></p></blockquote>
          <xsl:variable name="anchor" as="element()?" select="tt:anchor-of(.)"/>
          <p class="in-context"><a href="index.html#{if ($anchor) then tt:anchor-id($anchor) else 'main'}">In context</a></p>
        </li>
      </xsl:for-each>
    </ol>
  </xsl:template>

  <xsl:template match="tt:page[@file = 'bibliography.html']" mode="tt:page-content" as="node()*">
    <xsl:variable name="works" as="element()*" select="$tt:document//tei:listBibl[not(ancestor::tei:teiHeader)]/(tei:bibl | tei:biblStruct | tei:biblFull)"/>
    <xsl:variable name="citations" as="element()*" select="$tt:document//tei:text//tei:bibl[not(ancestor::tei:listBibl)]"/>
    <xsl:if test="empty(($works, $citations))">
      <p class="register-empty">The edition cites no works.</p>
    </xsl:if>
    <xsl:if test="exists($works)">
      <h2>Works cited</h2>
      <ul class="bibliography">
        <xsl:for-each select="$works">
          <xsl:variable name="cited-by" as="element()*" select="if (@xml:id) then key('tt:quotations-by-source', string(@xml:id)) | key('tt:mentions', tt:entity-key(.)) else ()"/>
          <li id="{tt:anchor-id(.)}">
            <xsl:call-template name="tt:text-lang"/>
            <xsl:apply-templates mode="tt:body"/>
            <xsl:if test="exists($cited-by)">
              <xsl:text> </xsl:text>
              <span class="cited-in"><xsl:call-template name="tt:interface-lang"/><xsl:text>Cited </xsl:text>
                <xsl:for-each select="$cited-by">
                  <xsl:variable name="anchor" as="element()?" select="tt:anchor-of(.)"/>
                  <a href="index.html#{if ($anchor) then tt:anchor-id($anchor) else 'main'}">§<xsl:value-of select="position()"/></a>
                  <xsl:if test="position() != last()">, </xsl:if>
                </xsl:for-each>
              </span>
            </xsl:if>
          </li>
        </xsl:for-each>
      </ul>
    </xsl:if>
    <xsl:if test="exists($citations)">
      <h2>Citations in the text</h2>
      <ul class="bibliography">
        <xsl:for-each select="$citations">
          <xsl:variable name="anchor" as="element()?" select="tt:anchor-of(.)"/>
          <li>
            <xsl:value-of select="tt:reading-text(.)"/>
            <xsl:text> </xsl:text>
            <a href="index.html#{if ($anchor) then tt:anchor-id($anchor) else 'main'}" class="in-context">In context</a>
          </li>
        </xsl:for-each>
      </ul>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
