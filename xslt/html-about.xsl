<?xml version="1.0" encoding="UTF-8"?>
<!--
  html-about.xsl: about.html, "about this edition", from the teiHeader:
  title and responsibility, publication, source, editorial principles
  (every part of encodingDesc), and the revision history, each part in the
  language of the header (its xml:lang), which may not be the text's.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:tt="https://tei-tool.org/ns/1.0"
  exclude-result-prefixes="#all">

  <xsl:template match="tt:page[@file = 'about.html']" mode="tt:page-content" as="node()*">
    <xsl:variable name="header" as="element(tei:teiHeader)?" select="$tt:document/*/tei:teiHeader"/>
    <xsl:variable name="file" as="element(tei:fileDesc)?" select="$header/tei:fileDesc"/>
    <xsl:if test="empty($header)">
      <p class="register-empty">The TEI file has no teiHeader.</p>
    </xsl:if>
    <xsl:for-each select="$file/tei:titleStmt">
      <section id="responsibility">
        <h2>Title and responsibility</h2>
        <dl class="facts">
          <xsl:for-each select="*">
            <div>
              <dt>
                <xsl:if test="self::tei:respStmt">
                  <xsl:call-template name="tt:text-lang"><xsl:with-param name="of" select="(tei:resp, .)[1]"/></xsl:call-template>
                </xsl:if>
                <xsl:value-of select="if (self::tei:respStmt) then normalize-space(tei:resp) else tt:label(local-name()) || (@type ! (' (' || . || ')'))"/>
              </dt>
              <dd><xsl:call-template name="tt:text-lang"><xsl:with-param name="of" select="."/></xsl:call-template><xsl:apply-templates select="if (self::tei:respStmt) then node() except tei:resp else node()" mode="tt:body"/></dd>
            </div>
          </xsl:for-each>
        </dl>
      </section>
    </xsl:for-each>
    <xsl:call-template name="tt:about-section">
      <xsl:with-param name="id" select="'edition'"/>
      <xsl:with-param name="title" select="'Edition and publication'"/>
      <xsl:with-param name="parts" select="$file/(tei:editionStmt, tei:extent, tei:publicationStmt, tei:seriesStmt, tei:notesStmt)"/>
    </xsl:call-template>
    <xsl:call-template name="tt:about-section">
      <xsl:with-param name="id" select="'source'"/>
      <xsl:with-param name="title" select="'Source'"/>
      <xsl:with-param name="parts" select="$file/tei:sourceDesc"/>
    </xsl:call-template>
    <xsl:call-template name="tt:about-section">
      <xsl:with-param name="id" select="'principles'"/>
      <xsl:with-param name="title" select="'Editorial principles'"/>
      <xsl:with-param name="parts" select="$header/tei:encodingDesc/*[not(self::tei:tagsDecl or self::tei:schemaSpec or self::tei:schemaRef or self::tei:appInfo)]"/>
    </xsl:call-template>
    <xsl:call-template name="tt:about-section">
      <xsl:with-param name="id" select="'profile'"/>
      <xsl:with-param name="title" select="'Text profile'"/>
      <xsl:with-param name="parts" select="$header/tei:profileDesc/*"/>
    </xsl:call-template>
    <xsl:if test="$header/tei:revisionDesc">
      <section id="revisions">
        <h2>Revision history</h2>
        <ol class="revisions">
          <xsl:for-each select="$header/tei:revisionDesc//(tei:change | tei:item)">
            <li>
              <xsl:call-template name="tt:text-lang"><xsl:with-param name="of" select="."/></xsl:call-template>
              <xsl:variable name="when" as="xs:string?" select="(@when, @notBefore, @from)[1] ! normalize-space()"/>
              <xsl:if test="$when">
                <time datetime="{$when}"><xsl:value-of select="$when"/></time>
                <xsl:text>: </xsl:text>
              </xsl:if>
              <xsl:apply-templates mode="tt:body"/>
              <xsl:variable name="who" as="xs:string*" select="tt:local-ids(@who) ! tt:pointer-label(., $tt:document)"/>
              <xsl:if test="exists($who)">
                <span class="change-by"><xsl:value-of select="' (' || string-join($who, ', ') || ')'"/></span>
              </xsl:if>
            </li>
          </xsl:for-each>
        </ol>
      </section>
    </xsl:if>
  </xsl:template>

  <!-- A section with one sub-heading per header part, its content rendered like the text. -->
  <xsl:template name="tt:about-section" as="element()?">
    <xsl:param name="id" as="xs:string"/>
    <xsl:param name="title" as="xs:string"/>
    <xsl:param name="parts" as="element()*"/>
    <xsl:if test="exists($parts[normalize-space()])">
      <section id="{$id}">
        <h2><xsl:value-of select="$title"/></h2>
        <xsl:for-each select="$parts[normalize-space()]">
          <xsl:if test="count($parts) gt 1">
            <h3><xsl:value-of select="tt:label(local-name())"/></h3>
          </xsl:if>
          <div class="header-part tei-{local-name()}">
            <xsl:call-template name="tt:text-lang">
              <xsl:with-param name="of" select="."/>
            </xsl:call-template>
            <xsl:for-each select="node()">
              <xsl:choose>
                <xsl:when test="self::* and not(tt:is-block(.)) and not(self::tei:p)">
                  <p><xsl:apply-templates select="." mode="tt:body"/></p>
                </xsl:when>
                <xsl:otherwise>
                  <xsl:apply-templates select="." mode="tt:body"/>
                </xsl:otherwise>
              </xsl:choose>
            </xsl:for-each>
          </div>
        </xsl:for-each>
      </section>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
