<?xml version="1.0" encoding="UTF-8"?>
<!--
  html.xsl: the HTML edition. One run writes the whole site: index.html
  (the reading text) as the principal output and the register, chronology,
  quotation, bibliography and about pages with xsl:result-document.
  edition.css and edition.js are copied next to them by tei_tool.html.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:tt="https://tei-tool.org/ns/1.0"
  exclude-result-prefixes="#all">

  <xsl:import href="common.xsl"/>
  <xsl:include href="html-page.xsl"/>
  <xsl:include href="html-text.xsl"/>
  <xsl:include href="html-registers.xsl"/>
  <xsl:include href="html-lists.xsl"/>
  <xsl:include href="html-about.xsl"/>

  <xsl:output method="html" html-version="5" encoding="UTF-8" indent="no"/>

  <!-- The source file name shown in the footer (empty: not shown). -->
  <xsl:param name="tt:source-name" as="xs:string" select="''"/>

  <xsl:variable name="tt:document" as="document-node()" select="/"/>

  <xsl:mode on-no-match="fail" on-multiple-match="fail" use-accumulators="#all"/>

  <xsl:template match="/" as="element()">
    <xsl:call-template name="tt:companion-pages"/>
    <xsl:call-template name="tt:reading-page"/>
  </xsl:template>

  <!-- index.html, the reading text, as the principal output. -->
  <xsl:template name="tt:reading-page" as="element()">
    <xsl:call-template name="tt:require-tei"/>
    <xsl:call-template name="tt:html-page">
      <xsl:with-param name="file" select="'index.html'"/>
      <xsl:with-param name="title" select="$tt:edition-title"/>
    </xsl:call-template>
  </xsl:template>

  <!-- Every other page, written with xsl:result-document and titled as in the navigation. Independent of
       the reading page, so that tei_tool.html can render a large document's two halves in two processes at once. -->
  <xsl:template name="tt:companion-pages" as="empty-sequence()">
    <xsl:call-template name="tt:require-tei"/>
    <xsl:for-each select="$tt:pages[?file ne 'index.html']">
      <xsl:call-template name="tt:write-page">
        <xsl:with-param name="file" select="?file"/>
        <xsl:with-param name="title" select="?label"/>
      </xsl:call-template>
    </xsl:for-each>
  </xsl:template>

  <xsl:template name="tt:require-tei" as="empty-sequence()">
    <xsl:if test="not($tt:document/tei:*)">
      <xsl:message terminate="yes" expand-text="yes">the root element is {name($tt:document/*)}, not in the TEI namespace (http://www.tei-c.org/ns/1.0)</xsl:message>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
