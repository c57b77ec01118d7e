<?xml version="1.0" encoding="UTF-8"?>
<!--
  html-registers.xsl: persons.html, places.html and organisations.html.
  One entry per entity wherever the TEI defines it (standOff, back,
  teiHeader/particDesc, the text), anchored by its xml:id so that
  persons.html#kirov is a permalink, with its facts, note, authority links
  and every mention in the text linked back to its paragraph.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:tt="https://tei-tool.org/ns/1.0"
  exclude-result-prefixes="#all">

  <xsl:mode name="tt:register-entry" on-no-match="fail" on-multiple-match="fail"/>

  <!-- Children of an entity shown elsewhere in its entry (or as entries of their own). -->
  <xsl:variable name="tt:not-facts" as="xs:string*" select="('persName', 'placeName', 'orgName', 'name', 'note', 'desc',
    'idno', 'person', 'personGrp', 'place', 'org', 'listPerson', 'listPlace', 'listOrg', 'listRelation', 'listEvent', 'linkGrp', 'link')"/>

  <!-- Well-known authority files whose identifiers are not URLs themselves. -->
  <xsl:variable name="tt:authority-prefixes" as="map(xs:string, xs:string)" select="map {
    'gnd': 'https://d-nb.info/gnd/', 'viaf': 'https://viaf.org/viaf/', 'wikidata': 'https://www.wikidata.org/wiki/',
    'geonames': 'https://www.geonames.org/', 'orcid': 'https://orcid.org/', 'pleiades': 'https://pleiades.stoa.org/places/',
    'tgn': 'http://vocab.getty.edu/page/tgn/', 'loc': 'https://id.loc.gov/authorities/names/'}"/>

  <xsl:template match="tt:page[@file = 'persons.html']" mode="tt:page-content" as="node()*">
    <xsl:call-template name="tt:register">
      <xsl:with-param name="entities" select="$tt:document//(tei:person | tei:personGrp)"/>
      <xsl:with-param name="none" select="'No persons are recorded in this edition.'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tt:page[@file = 'places.html']" mode="tt:page-content" as="node()*">
    <xsl:call-template name="tt:register">
      <xsl:with-param name="entities" select="$tt:document//tei:place"/>
      <xsl:with-param name="none" select="'No places are recorded in this edition.'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tt:page[@file = 'organisations.html']" mode="tt:page-content" as="node()*">
    <xsl:call-template name="tt:register">
      <xsl:with-param name="entities" select="$tt:document//tei:org"/>
      <xsl:with-param name="none" select="'No organisations are recorded in this edition.'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="tt:register" as="element()+">
    <xsl:param name="entities" as="element()*"/>
    <xsl:param name="none" as="xs:string"/>
    <xsl:choose>
      <xsl:when test="empty($entities)">
        <p class="register-empty"><xsl:value-of select="$none"/></p>
      </xsl:when>
      <xsl:otherwise>
        <p class="register-summary"><xsl:value-of select="count($entities)"/> entries, in alphabetical order.</p>
        <xsl:apply-templates select="sort($entities, (), function($entity) {lower-case(tt:entity-name($entity))})" mode="tt:register-entry"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="*" mode="tt:register-entry" as="element()">
    <!-- Its mentions as the entities export counts them: an element pointing to it twice mentions it twice. -->
    <xsl:variable name="key" as="xs:string" select="tt:entity-key(.)"/>
    <xsl:variable name="mentions" as="element()*" select="if (@xml:id) then (for $mention in key('tt:mentions', $key) return
      if (count(tt:mention-pointers($mention)) eq 1) then $mention else tt:mentioned($mention)[?key = $key] ! $mention) else ()"/>
    <xsl:variable name="quoted" as="element()*" select="if (@xml:id) then key('tt:quotations-by-speaker', string(@xml:id)) else ()"/>
    <article class="entry entry-{tt:entity-kind(.)}" id="{tt:anchor-id(.)}">
      <h2><xsl:call-template name="tt:text-lang"/><xsl:value-of select="tt:entity-name(.)"/></h2>
      <xsl:variable name="facts" as="element()*" select="*[not(local-name() = $tt:not-facts)][normalize-space() or tt:date-label(.)]"/>
      <xsl:if test="exists($facts)">
        <dl class="facts">
          <xsl:for-each select="$facts">
            <div>
              <dt><xsl:value-of select="tt:label(local-name())"/></dt>
              <dd>
                <xsl:call-template name="tt:text-lang"/>
                <xsl:variable name="text" as="xs:string" select="tt:reading-text(.)"/>
                <xsl:variable name="normalised" as="xs:string?" select="tt:date-label(.)"/>
                <xsl:value-of select="if ($text = '') then $normalised else string-join(($text, $normalised[not(. = $text)] ! ('(' || . || ')')), ' ')"/>
              </dd>
            </div>
          </xsl:for-each>
        </dl>
      </xsl:if>
      <xsl:for-each select="tei:note | tei:desc">
        <div class="entry-note"><xsl:call-template name="tt:text-lang"/><xsl:apply-templates mode="tt:body"/></div>
      </xsl:for-each>
      <xsl:variable name="authorities" as="element(tei:idno)*" select="tei:idno[normalize-space()]"/>
      <xsl:if test="exists($authorities)">
        <p class="authorities">
          <xsl:text>Authority files: </xsl:text>
          <xsl:for-each select="$authorities">
            <xsl:variable name="href" as="xs:string?" select="tt:authority-url(.)"/>
            <xsl:variable name="label" as="xs:string" select="string-join((@type[not(. = ('URI', 'URL', 'uri', 'url'))], normalize-space()), ' ')"/>
            <xsl:choose>
              <xsl:when test="$href"><a href="{$href}" rel="noopener"><xsl:value-of select="$label"/></a></xsl:when>
              <xsl:otherwise><span class="idno"><xsl:value-of select="$label"/></span></xsl:otherwise>
            </xsl:choose>
            <xsl:if test="position() != last()">, </xsl:if>
          </xsl:for-each>
        </p>
      </xsl:if>
      <section class="occurrences">
        <h3>
          <xsl:value-of select="'Occurrences in the text (' || count($mentions) || ')'"/>
        </h3>
        <xsl:choose>
          <xsl:when test="exists($mentions)">
            <ol>
              <xsl:for-each select="$mentions">
                <li>
                  <xsl:call-template name="tt:occurrence-link">
                    <xsl:with-param name="node" select="."/>
                  </xsl:call-template>
                </li>
              </xsl:for-each>
            </ol>
          </xsl:when>
          <xsl:otherwise>
            <p class="no-occurrences">Not mentioned in the text.</p>
          </xsl:otherwise>
        </xsl:choose>
      </section>
      <xsl:if test="exists($quoted)">
        <p class="quoted-link"><a href="quotations.html#speaker-{@xml:id}"><xsl:value-of select="count($quoted)"/> quotation(s)</a></p>
      </xsl:if>
    </article>
  </xsl:template>

  <!-- "floruit" → "Floruit", "placeName" → "Place name". -->
  <xsl:function name="tt:label" as="xs:string">
    <xsl:param name="name" as="xs:string"/>
    <xsl:variable name="words" as="xs:string" select="lower-case(replace($name, '([a-z])([A-Z])', '$1 $2'))"/>
    <xsl:sequence select="upper-case(substring($words, 1, 1)) || substring($words, 2)"/>
  </xsl:function>

  <!-- A link for an idno: the value itself when it is a safe URL, else a known authority's URL. -->
  <xsl:function name="tt:authority-url" as="xs:string?">
    <xsl:param name="idno" as="element(tei:idno)"/>
    <xsl:variable name="value" as="xs:string" select="normalize-space($idno)"/>
    <xsl:variable name="prefix" as="xs:string?" select="$tt:authority-prefixes(lower-case(normalize-space($idno/@type)))"/>
    <xsl:sequence select="if (starts-with($value, 'http://') or starts-with($value, 'https://')) then tt:safe-url($value)
      else if ($prefix and matches($value, '^[A-Za-z0-9_\-./]+$')) then $prefix || $value
      else ()"/>
  </xsl:function>

</xsl:stylesheet>
