<?xml version="1.0" encoding="UTF-8"?>
<!--
  print-front.xsl: what comes before the reading text in the PDF edition:
  the document metadata (title, author, subject, keywords), the title page
  drawn from the teiHeader and the table of contents, whose page numbers
  print.css fills in with target-counter().
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tt="https://tei-tool.org/ns/1.0"
    xmlns:print="https://tei-tool.org/ns/1.0/print"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <xsl:mode name="print:metadata" on-no-match="deep-skip" on-multiple-match="fail"/>
  <xsl:mode name="print:title-page" on-no-match="deep-skip" on-multiple-match="fail"/>
  <xsl:mode name="print:contents" on-no-match="deep-skip" on-multiple-match="fail"/>

  <xsl:function name="print:main-title" as="xs:string">
    <xsl:param name="header" as="element(teiHeader)"/>
    <xsl:variable name="titles" as="element(title)*" select="$header/fileDesc/titleStmt/title"/>
    <xsl:sequence select="(($titles[@type = 'main'], $titles[not(@type)], $titles)[1] ! tt:reading-text(.), 'Untitled')[. ne ''][1]"/>
  </xsl:function>

  <xsl:template match="teiHeader" mode="print:metadata" as="element()+">
    <title><xsl:sequence select="print:main-title(.)"/></title>
    <xsl:for-each select="fileDesc/titleStmt/author">
      <meta name="author" content="{tt:reading-text(.)}"/>
    </xsl:for-each>
    <xsl:variable name="subject" as="xs:string?" select="(fileDesc/titleStmt/title[@type = 'sub'], fileDesc/sourceDesc/bibl)[1] ! normalize-space()"/>
    <xsl:if test="$subject">
      <meta name="description" content="{$subject}"/>
    </xsl:if>
    <xsl:variable name="keywords" as="xs:string*" select="profileDesc/textClass/keywords//term ! normalize-space()"/>
    <xsl:if test="exists($keywords)">
      <meta name="keywords" content="{string-join($keywords, ', ')}"/>
    </xsl:if>
    <xsl:for-each select="fileDesc/publicationStmt/date/@when[matches(., '^\d{4}(-\d\d(-\d\d)?)?$')]">
      <meta name="dcterms.created" content="{.}"/>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="teiHeader" mode="print:title-page" as="element()">
    <xsl:variable name="title-statement" as="element(titleStmt)?" select="fileDesc/titleStmt"/>
    <section class="title-page">
      <div class="book-title"><xsl:sequence select="print:main-title(.)"/></div>
      <xsl:for-each select="$title-statement/title[@type = 'sub']">
        <div class="book-subtitle"><xsl:value-of select="tt:reading-text(.)"/></div>
      </xsl:for-each>
      <xsl:for-each select="$title-statement/author">
        <div class="book-author"><xsl:value-of select="tt:reading-text(.)"/></div>
      </xsl:for-each>
      <div class="book-details">
        <xsl:apply-templates select="fileDesc/sourceDesc/(bibl | biblStruct | biblFull | msDesc/msIdentifier)[1]" mode="print:title-page"/>
        <xsl:apply-templates select="$title-statement/(editor | respStmt), fileDesc/editionStmt, fileDesc/publicationStmt" mode="print:title-page"/>
      </div>
    </section>
  </xsl:template>

  <xsl:template match="sourceDesc/* | msIdentifier" mode="print:title-page" as="element()">
    <div class="book-source"><span class="label">Source: </span><xsl:value-of select="normalize-space()"/></div>
  </xsl:template>

  <xsl:template match="editor" mode="print:title-page" as="element()">
    <div class="book-editor">
      <span class="label">
        <xsl:value-of select="if (@role and @role ne 'editor') then concat(upper-case(substring(@role, 1, 1)), substring(@role, 2), ': ') else 'Edited by '"/>
      </span>
      <xsl:value-of select="normalize-space()"/>
    </div>
  </xsl:template>

  <xsl:template match="respStmt" mode="print:title-page" as="element()">
    <div class="book-editor"><xsl:value-of select="normalize-space(resp) || ': ' || string-join((name, persName, orgName) ! normalize-space(), ', ')"/></div>
  </xsl:template>

  <xsl:template match="editionStmt" mode="print:title-page" as="element()">
    <div class="book-edition"><xsl:value-of select="normalize-space()"/></div>
  </xsl:template>

  <xsl:template match="publicationStmt" mode="print:title-page" as="element()*">
    <xsl:variable name="imprint" as="xs:string" select="string-join(subsequence((publisher, authority, distributor, pubPlace, date), 1, 3) ! normalize-space(), ', ')"/>
    <xsl:if test="$imprint">
      <div class="book-imprint"><xsl:value-of select="$imprint"/></div>
    </xsl:if>
    <xsl:for-each select="availability">
      <div class="book-licence">
        <xsl:value-of select="normalize-space()"/>
        <xsl:for-each select="licence/@target ! tt:safe-url(.)">
          <xsl:text> (</xsl:text><a href="{.}"><xsl:value-of select="."/></a><xsl:text>)</xsl:text>
        </xsl:for-each>
      </div>
    </xsl:for-each>
  </xsl:template>

  <!-- The contents list the first two levels of the texts of a corpus and of divisions that have a heading. -->
  <xsl:template name="print:contents" as="element()?">
    <xsl:variable name="entries" as="element()*">
      <xsl:apply-templates select="(//(TEI | teiCorpus)[parent::teiCorpus] | print:texts(/)//div)[print:depth(.) le 2]" mode="print:contents"/>
      <xsl:call-template name="print:back-matter-contents"/>
    </xsl:variable>
    <xsl:if test="exists($entries)">
      <nav class="contents">
        <h1 class="contents-title" id="contents"><xsl:value-of select="$tt:contents-label"/></h1>
        <ol><xsl:sequence select="$entries"/></ol>
      </nav>
    </xsl:if>
  </xsl:template>

  <xsl:template match="TEI | teiCorpus" mode="print:contents" as="element()">
    <li class="contents-level-{print:depth(.)}">
      <a href="#{print:id(.)}"><xsl:value-of select="tt:member-title(.)"/></a>
    </li>
  </xsl:template>

  <xsl:template match="div[print:heading(.)]" mode="print:contents" as="element()">
    <li class="contents-level-{print:depth(.)}">
      <a href="#{print:id(.)}"><xsl:sequence select="print:heading(.)"/></a>
    </li>
  </xsl:template>
</xsl:stylesheet>
