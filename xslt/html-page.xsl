<?xml version="1.0" encoding="UTF-8"?>
<!--
  html-page.xsl: the frame every page of the HTML edition shares: head with
  the stylesheet and script, skip link, site navigation (current page marked
  for assistive technology), one h1, and the footer.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:tt="https://tei-tool.org/ns/1.0"
  exclude-result-prefixes="#all">

  <!-- Every page of the site: file name and navigation label, in navigation order. -->
  <xsl:variable name="tt:pages" as="map(xs:string, xs:string)*" select="(
    map {'file': 'index.html', 'label': 'Text'},
    map {'file': 'persons.html', 'label': 'Persons'},
    map {'file': 'places.html', 'label': 'Places'},
    map {'file': 'organisations.html', 'label': 'Organisations'},
    map {'file': 'chronology.html', 'label': 'Chronology'},
    map {'file': 'quotations.html', 'label': 'Quotations'},
    map {'file': 'bibliography.html', 'label': 'Bibliography'},
    map {'file': 'about.html', 'label': 'About this edition'})"/>

  <!-- The register page of each entity kind. -->
  <xsl:variable name="tt:register-files" as="map(xs:string, xs:string)" select="map {
    'person': 'persons.html', 'place': 'places.html', 'org': 'organisations.html', 'bibl': 'bibliography.html'}"/>

  <!-- The title of the TEI, or of the corpus (not of one of its texts). -->
  <xsl:variable name="tt:edition-title" as="xs:string" select="
    (/(tei:TEI | tei:teiCorpus) ! tt:header-title(.), /*/tei:teiHeader//tei:title ! tt:reading-text(.), 'Untitled edition')[.][1]"/>

  <!-- The language of the text; the interface (navigation, labels, headings of the pages) is in English, and
       what is quoted from the TEI carries the text's language, so that screen readers switch voices. -->
  <xsl:variable name="tt:edition-lang" as="xs:string" select="
    ((/*/@xml:lang, /*/tei:text/@xml:lang, /*/tei:teiHeader/tei:profileDesc/tei:langUsage/tei:language/@ident)
      ! tt:bcp47(.), 'und')[1]"/>

  <!-- The language of what a node of the TEI says: its xml:lang or the nearest one around it (a header in
       English, a note in German), else the edition's. -->
  <xsl:function name="tt:lang-of" as="xs:string">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="($node/ancestor-or-self::*[@xml:lang][1]/@xml:lang ! tt:bcp47(.), $tt:edition-lang)[1]"/>
  </xsl:function>

  <!-- The lang attribute of an element holding words of the text, when they are not in English as the
       interface is: words of the node $of (a note shown apart from its text, a part of the header), else of
       the text as a whole. And the lang="en" of interface words inside such an element. -->
  <xsl:template name="tt:text-lang" as="attribute()?">
    <xsl:param name="of" as="node()?" select="()"/>
    <xsl:variable name="lang" as="xs:string" select="if ($of) then tt:lang-of($of) else $tt:edition-lang"/>
    <xsl:if test="$lang ne 'en'">
      <xsl:attribute name="lang" select="$lang"/>
    </xsl:if>
  </xsl:template>

  <xsl:template name="tt:interface-lang" as="attribute()?">
    <xsl:param name="of" as="node()?" select="()"/>
    <xsl:if test="(if ($of) then tt:lang-of($of) else $tt:edition-lang) ne 'en'">
      <xsl:attribute name="lang" select="'en'"/>
    </xsl:if>
  </xsl:template>

  <!-- The link to a register entry (or the reading text) for an element, or empty when it has no page. -->
  <xsl:function name="tt:entry-href" as="xs:string?">
    <xsl:param name="target" as="element()"/>
    <xsl:variable name="kind" as="xs:string?" select="tt:entity-kind($target)"/>
    <xsl:sequence select="if ($kind and $target/@xml:id and not($kind = 'bibl' and not($target/parent::tei:listBibl)))
      then $tt:register-files($kind) || '#' || $target/@xml:id
      else if ($target/ancestor::tei:text) then 'index.html#' || tt:anchor-id(($target/ancestor-or-self::*[@xml:id or tt:is-anchored(.)])[last()])
      else ()"/>
  </xsl:function>

  <!-- The content of each page: the frame applies this mode to a token naming the page,
       <tt:page file="places.html"/>, and each page's module has the template that matches it. The reading
       text is rendered straight into its frame (built first and copied in, a large text would cost twice) and
       writes the cards of its entities. The bibliography and about pages link names to cards too: they are
       built first, to write the cards they name. Registers, chronology and quotations show names as text,
       and are rendered straight into their frames like the reading text. -->
  <xsl:mode name="tt:page-content" on-no-match="fail" on-multiple-match="fail"/>

  <xsl:template name="tt:html-page" as="element()">
    <xsl:param name="file" as="xs:string"/>
    <xsl:param name="title" as="xs:string"/>
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="generator" content="tei-tool"/>
        <title><xsl:value-of select="if ($file = 'index.html') then $tt:edition-title else $title || ' · ' || $tt:edition-title"/></title>
        <link rel="stylesheet" href="edition.css"/>
        <script src="edition.js" defer="defer"/>
      </head>
      <body class="page-{substring-before($file, '.html')}">
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="site-header">
          <p class="site-title"><xsl:call-template name="tt:text-lang"/><a href="index.html"><xsl:value-of select="$tt:edition-title"/></a></p>
          <nav aria-label="Edition">
            <ul>
              <xsl:for-each select="$tt:pages">
                <li>
                  <a href="{?file}">
                    <xsl:if test="?file = $file">
                      <xsl:attribute name="aria-current" select="'page'"/>
                    </xsl:if>
                    <xsl:value-of select="?label"/>
                  </a>
                </li>
              </xsl:for-each>
            </ul>
          </nav>
        </header>
        <main id="main" tabindex="-1">
          <h1>
            <xsl:if test="$file = 'index.html'">
              <xsl:call-template name="tt:text-lang"/>
            </xsl:if>
            <xsl:value-of select="$title"/>
          </h1>
          <xsl:variable name="page" as="element()"><tt:page file="{$file}"/></xsl:variable>
          <xsl:choose>
            <xsl:when test="$file = 'index.html'">
              <xsl:apply-templates select="$page" mode="tt:page-content"/>
            </xsl:when>
            <xsl:when test="$file = ('bibliography.html', 'about.html')">
              <xsl:variable name="content" as="node()*">
                <xsl:apply-templates select="$page" mode="tt:page-content">
                  <xsl:with-param name="tt:page-file" select="$file" tunnel="yes"/>
                </xsl:apply-templates>
              </xsl:variable>
              <xsl:sequence select="$content"/>
              <xsl:variable name="cards" as="xs:string*" select="distinct-values($content//@data-card[starts-with(., 'card-')] ! substring(., 6))"/>
              <xsl:if test="exists($cards)">
                <xsl:call-template name="tt:entity-cards">
                  <xsl:with-param name="ids" select="$cards"/>
                </xsl:call-template>
              </xsl:if>
            </xsl:when>
            <xsl:otherwise>
              <xsl:apply-templates select="$page" mode="tt:page-content">
                <xsl:with-param name="tt:page-file" select="$file" tunnel="yes"/>
              </xsl:apply-templates>
            </xsl:otherwise>
          </xsl:choose>
        </main>
        <footer class="site-footer">
          <p>
            <xsl:text>Published with tei-tool</xsl:text>
            <xsl:if test="$tt:source-name">
              <xsl:text> from </xsl:text>
              <code><xsl:value-of select="$tt:source-name"/></code>
            </xsl:if>
            <xsl:text>. </xsl:text>
            <a href="about.html">About this edition</a>
          </p>
        </footer>
      </body>
    </html>
  </xsl:template>

  <!-- An HTML page written next to the principal output. -->
  <xsl:template name="tt:write-page" as="empty-sequence()">
    <xsl:param name="file" as="xs:string"/>
    <xsl:param name="title" as="xs:string"/>
    <xsl:result-document href="{$file}" method="html" html-version="5" encoding="UTF-8" indent="no">
      <xsl:call-template name="tt:html-page">
        <xsl:with-param name="file" select="$file"/>
        <xsl:with-param name="title" select="$title"/>
      </xsl:call-template>
    </xsl:result-document>
  </xsl:template>

  <!-- "before <mark>mention</mark> after" for occurrence lists. -->
  <xsl:template name="tt:snippet" as="node()*">
    <xsl:param name="node" as="element()"/>
    <xsl:variable name="around" as="xs:string+" select="tt:context($node)"/>
    <xsl:value-of select="$around[1]"/>
    <mark><xsl:value-of select="tt:reading-text($node)"/></mark>
    <xsl:value-of select="$around[2]"/>
  </xsl:template>

  <!-- A link from a register back to the place of $node in the reading text. -->
  <xsl:template name="tt:occurrence-link" as="element()">
    <xsl:param name="node" as="element()"/>
    <xsl:variable name="anchor" as="element()?" select="tt:anchor-of($node)"/>
    <a href="index.html#{if ($anchor) then tt:anchor-id($anchor) else 'main'}" class="occurrence">
      <xsl:call-template name="tt:text-lang"/>
      <xsl:call-template name="tt:snippet">
        <xsl:with-param name="node" select="$node"/>
      </xsl:call-template>
    </a>
  </xsl:template>

</xsl:stylesheet>
