<?xml version="1.0" encoding="UTF-8"?>
<!--
  print.xsl: entry stylesheet of the PDF edition. It turns a TEI document
  into one HTML page laid out for print by print.css (CSS Paged Media):
  title page, contents, reading text with footnotes (each text of a
  teiCorpus a section headed by its title), chronology and indexes.
  tei-tool's pdf module fills in the index page numbers after layout and
  renders the PDF with WeasyPrint.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tt="https://tei-tool.org/ns/1.0"
    xmlns:print="https://tei-tool.org/ns/1.0/print"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <xsl:import href="common.xsl"/>
  <xsl:include href="print-text.xsl"/>
  <xsl:include href="print-front.xsl"/>
  <xsl:include href="print-back.xsl"/>

  <xsl:output method="xhtml" html-version="5" encoding="UTF-8" indent="no" omit-xml-declaration="yes"/>

  <xsl:mode on-no-match="fail" on-multiple-match="fail" use-accumulators="#all"/>

  <!-- The heading shown above the list of contents. -->
  <xsl:param name="tt:contents-label" as="xs:string" select="'Contents'"/>

  <xsl:template match="/" as="element()">
    <xsl:variable name="header" as="element(teiHeader)?" select="(//teiHeader)[1]"/>
    <html>
      <!-- No guessed language: a PDF/UA file without a declared one (or with one that is no language tag) is
           refused rather than mislabelled. -->
      <xsl:for-each select="(/*/@xml:lang, (//text)[1]/@xml:lang) ! tt:bcp47(.) => head()">
        <xsl:attribute name="lang" select="."/>
      </xsl:for-each>
      <head>
        <meta charset="utf-8"/>
        <xsl:apply-templates select="$header" mode="print:metadata"/>
        <meta name="generator" content="tei-tool"/>
      </head>
      <body>
        <xsl:apply-templates select="$header" mode="print:title-page"/>
        <xsl:call-template name="print:contents"/>
        <main>
          <!-- A facsimile's images are links to files the book does not carry: left out. -->
          <xsl:apply-templates select="if (/teiCorpus) then tt:member-parts(/teiCorpus)[not(self::facsimile)]
            else print:texts(/) | tt:other-parts(/)[not(self::facsimile)]" mode="tt:body"/>
        </main>
        <xsl:call-template name="print:chronology"/>
        <xsl:call-template name="print:indexes"/>
      </body>
    </html>
  </xsl:template>

  <!-- The outermost text elements: one for a TEI file, several for a teiCorpus. -->
  <xsl:function name="print:texts" as="element(text)*">
    <xsl:param name="document" as="document-node()"/>
    <xsl:sequence select="$document//text[not(ancestor::text)]"/>
  </xsl:function>

  <!-- The language the indexes sort and name entries in: the document's, when it is a language tag, else English. -->
  <xsl:function name="print:document-language" as="xs:string">
    <xsl:param name="root" as="element()"/>
    <xsl:sequence select="(($root/@xml:lang, ($root//text)[1]/@xml:lang)[1][. castable as xs:language], 'en')[1] => string()"/>
  </xsl:function>
</xsl:stylesheet>
