<?xml version="1.0" encoding="UTF-8"?>
<!--
  common.xsl: what every tei-tool output shares, imported by html.xsl (the HTML edition) and
  print.xsl (the print HTML of the PDF edition).

  * Functions (prefix tt:) that answer questions about any TEI document:
    permalink ids, safe URLs, language tags, entity look-up by @ref, entity names, the kinds of
    entries and of mentions, divisions, normalised dates, the reading text of an element, the titles
    and parts of the texts of a corpus.
  * Mode tt:body, which turns the content of a TEI text into HTML5 that
    works for any TEI: known elements get their HTML counterpart, unknown
    ones a div or span with the class "tei-{local name}", and every text
    node is kept. Outputs override single rules (by importing this module)
    for what only they do, e.g. links to register pages or footnotes.
  * Word-tagged text (s, w, pc, ... as in ELTeC) read as running text: the
    encoder's line breaks between tokens are not spaces before closing or
    after opening punctuation, both in mode tt:body and in the reading text.

  Nothing here copies an attribute value into a URL or an event handler:
  URLs pass tt:safe-url, class names are built from local names and
  sanitised tokens only.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:tt="https://tei-tool.org/ns/1.0"
  exclude-result-prefixes="#all">

  <xsl:mode name="tt:body" on-no-match="text-only-copy" on-multiple-match="fail" use-accumulators="#all"/>

  <!-- What an output puts at the start of a division's, paragraph's or verse block's content, after its
       attributes (the HTML edition: a permalink); nothing by default. -->
  <xsl:mode name="tt:block-start" on-no-match="deep-skip" on-multiple-match="fail" use-accumulators="#all"/>

  <!-- Elements rendered as blocks; any element containing one is a block too. -->
  <xsl:variable name="tt:block-names" as="xs:string*" select="(
    'TEI', 'text', 'group', 'front', 'body', 'back', 'div', 'div1', 'div2', 'div3', 'div4', 'div5', 'div6', 'div7',
    'p', 'ab', 'lg', 'l', 'list', 'item', 'table', 'row', 'cell', 'figure', 'sp', 'speaker', 'stage', 'castList',
    'opener', 'closer', 'dateline', 'salute', 'signed', 'postscript', 'epigraph', 'argument', 'trailer', 'byline',
    'titlePage', 'docTitle', 'titlePart', 'docAuthor', 'docImprint', 'floatingText', 'listBibl', 'listPerson',
    'listPlace', 'listOrg', 'listEvent', 'person', 'place', 'org', 'event', 'head', 'address', 'spGrp', 'set',
    'letter', 'listWit', 'msDesc', 'standOff', 'teiHeader', 'facsimile', 'sourceDoc', 'surfaceGrp', 'surface', 'zone',
    'line')"/>

  <!-- The passages a mention is located in (the same list as tei_tool.entities.LOCATION_ELEMENTS,
       so register links and the entity export name the same passage ids). -->
  <xsl:variable name="tt:location-names" as="xs:string*" select="('p', 'ab', 'l', 'head', 'item', 'label', 'note',
    'cell', 'stage', 'speaker', 'dateline', 'salute', 'signed', 'byline', 'trailer', 'titlePart')"/>

  <xsl:variable name="tt:block-set" as="map(xs:string, xs:boolean)" select="map:merge($tt:block-names ! map {.: true()})"/>

  <!-- Elements that carry a permalink: those passages, and line groups, divisions and speeches (which locate
       what no passage holds, as tei_tool.entities.ENCLOSING_LOCATION_ELEMENTS). -->
  <xsl:variable name="tt:anchored-names" as="xs:string*" select="($tt:location-names, 'lg', 'div', 'sp')"/>

  <!-- Entity elements and the kind of register they belong to. -->
  <xsl:variable name="tt:entity-kinds" as="map(xs:string, xs:string)" select="map {
    'person': 'person', 'personGrp': 'person', 'place': 'place', 'org': 'org',
    'bibl': 'bibl', 'biblStruct': 'bibl', 'biblFull': 'bibl'}"/>

  <xsl:variable name="tt:anchored-set" as="map(xs:string, xs:boolean)" select="map:merge($tt:anchored-names ! map {.: true()})"/>

  <!-- The elements whose position is counted: those that can be given a location id (anchored ones, entities
       and the texts of a corpus), and the tokens tt:has-tokens looks for. A register's other elements then cost
       no map update. -->
  <xsl:variable name="tt:counted-set" as="map(xs:string, xs:boolean)"
    select="map:merge(($tt:anchored-names, map:keys($tt:entity-kinds), 'TEI', 'teiCorpus', 'w', 'pc') ! map {.: true()})"/>

  <!-- Running count of TEI elements per local name, for position-based permalinks. -->
  <xsl:accumulator name="tt:element-counts" as="map(xs:string, xs:integer)" initial-value="map {}">
    <xsl:accumulator-rule match="tei:*[map:contains($tt:counted-set, local-name())]" phase="start"
      select="map:put($value, local-name(), ($value(local-name()), 0)[1] + 1)"/>
  </xsl:accumulator>

  <xsl:key name="tt:by-id" match="*[@xml:id]" use="string(@xml:id)"/>
  <!-- The elements that mention each entry, by tt:entity-key (elements with a pointer: only they name entries). -->
  <xsl:key name="tt:mentions" match="tei:text//tei:*[@ref or @key or @target or @source][not(tt:in-register-list(.))]"
    use="tt:mentioned(.)[exists(?entry)]?key"/>
  <!-- Entries by their authority identifiers (tt:authority-key of each idno), which URI pointers name them by. -->
  <xsl:key name="tt:entries-by-authority" match="tei:*[string(@xml:id)][map:contains($tt:entity-kinds, local-name())]"
    use="tei:idno ! tt:authority-key(tt:idno-scheme(.), normalize-space(node()[1][self::text()]))"/>
  <xsl:key name="tt:link-targets" match="tei:ref[@target] | tei:ptr[@target]" use="tt:local-ids(@target)"/>

  <!-- "{local name}-{position among all elements of that name}", e.g. p-12: stable as long as the text is. -->
  <xsl:function name="tt:location-id" as="xs:string">
    <xsl:param name="element" as="element()"/>
    <xsl:sequence select="$element ! (local-name() || '-' || accumulator-before('tt:element-counts')(local-name()))"/>
  </xsl:function>

  <!-- The HTML id of an element: its xml:id, else its location id. -->
  <xsl:function name="tt:anchor-id" as="xs:string">
    <xsl:param name="element" as="element()"/>
    <xsl:sequence select="($element/@xml:id/string(), tt:location-id($element))[1]"/>
  </xsl:function>

  <xsl:function name="tt:is-anchored" as="xs:boolean">
    <xsl:param name="element" as="element()"/>
    <xsl:sequence select="exists($element/self::tei:*) and map:contains($tt:anchored-set, local-name($element))"/>
  </xsl:function>

  <!-- The passage whose permalink points at a node: its nearest location passage, else its nearest anchored ancestor. -->
  <xsl:function name="tt:anchor-of" as="element()?">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="($node/ancestor-or-self::tei:*[local-name() = $tt:location-names][1],
      $node/ancestor-or-self::*[tt:is-anchored(.)][1])[1]"/>
  </xsl:function>

  <xsl:function name="tt:is-block" as="xs:boolean">
    <xsl:param name="element" as="element()"/>
    <xsl:sequence select="map:contains($tt:block-set, local-name($element)) or tt:contains-block($element)"/>
  </xsl:function>

  <!-- Whether an element holds blocks (notes aside, which outputs move or float). -->
  <xsl:function name="tt:contains-block" as="xs:boolean">
    <xsl:param name="element" as="element()"/>
    <xsl:sequence select="exists($element/descendant::*[map:contains($tt:block-set, local-name())][not(ancestor::tei:note)])"/>
  </xsl:function>

  <!-- 'div' for anything holding blocks or standing directly in a division, else the inline name given. -->
  <xsl:function name="tt:element-name" as="xs:string">
    <xsl:param name="element" as="element()"/>
    <xsl:param name="inline-name" as="xs:string"/>
    <xsl:sequence select="if (tt:is-block($element)
      or $element/parent::*[tt:is-division(.) or local-name() = ('body', 'front', 'back', 'text', 'group', 'listBibl')])
      then 'div' else $inline-name"/>
  </xsl:function>

  <!--
    A URL that is safe to emit: http(s), mailto, relative or a fragment.
    Whitespace and control characters are removed first, as browsers do,
    so "java&#9;script:" is recognised. Anything else yields the empty sequence.
  -->
  <xsl:function name="tt:safe-url" as="xs:string?">
    <xsl:param name="url" as="xs:string?"/>
    <xsl:variable name="compact" as="xs:string" select="replace(string($url), '[\s\p{Cc}]', '')"/>
    <xsl:variable name="scheme" as="xs:string?"
      select="if (matches($compact, '^[A-Za-z][A-Za-z0-9+.\-]*:')) then lower-case(substring-before($compact, ':')) else ()"/>
    <xsl:sequence select="if ($compact = '') then ()
      else if (empty($scheme)) then (if (matches($compact, '^[/\\]{2}')) then () else $compact)
      else if ($scheme = ('http', 'https', 'mailto')) then $compact
      else ()"/>
  </xsl:function>

  <!--
    What a TEI document holds besides its header, its text and its standOff (which the registers show): a
    sourceDoc, a feature system declaration, anything unforeseen. Outputs render it with the text, so that no
    word is lost. A facsimile counts when it has words of its own (descriptions, transcribed zones); one of
    bare images is what the page breaks of the text link to.
  -->
  <xsl:function name="tt:other-parts" as="element()*">
    <xsl:param name="document" as="document-node()"/>
    <xsl:sequence select="$document//(tei:TEI | tei:teiCorpus)/*[not(self::tei:teiHeader or self::tei:text or self::tei:standOff
      or self::tei:TEI or self::tei:teiCorpus or self::tei:facsimile[not(normalize-space())])]"/>
  </xsl:function>

  <!-- What a TEI or teiCorpus holds that outputs render, in document order: its text, the texts of a corpus,
       and the parts tt:other-parts describes. -->
  <xsl:function name="tt:member-parts" as="element()*">
    <xsl:param name="holder" as="element()"/>
    <xsl:sequence select="$holder/*[not(self::tei:teiHeader or self::tei:standOff or self::tei:facsimile[not(normalize-space())])]"/>
  </xsl:function>

  <!-- How deep a node lies in a corpus: 0 outside the texts of a teiCorpus, 1 in one of its texts (a TEI or a
       nested teiCorpus), 2 in a text of a nested teiCorpus, … -->
  <xsl:function name="tt:member-depth" as="xs:integer">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="count($node/ancestor-or-self::*[self::tei:TEI or self::tei:teiCorpus][parent::tei:teiCorpus])"/>
  </xsl:function>

  <!-- The title of a TEI or teiCorpus: the first of its titleStmt that is not a subtitle, alternative or short
       title, else its first title, as readers see it; empty when it has none. -->
  <xsl:function name="tt:header-title" as="xs:string?">
    <xsl:param name="holder" as="element()"/>
    <xsl:variable name="titles" as="element()*" select="$holder/tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title"/>
    <xsl:sequence select="(($titles[not(@type = ('sub', 'alt', 'short'))], $titles) ! tt:reading-text(.))[.][1]"/>
  </xsl:function>

  <!-- The heading of a text of a corpus. -->
  <xsl:function name="tt:member-title" as="xs:string">
    <xsl:param name="member" as="element()"/>
    <xsl:sequence select="(tt:header-title($member), 'Untitled')[1]"/>
  </xsl:function>

  <!-- The ids in a pointer list that point into this document ("#kirov #stalin" gives kirov, stalin). -->
  <xsl:function name="tt:local-ids" as="xs:string*">
    <xsl:param name="pointers" as="xs:string?"/>
    <xsl:sequence select="tokenize(normalize-space($pointers))[starts-with(., '#')][string-length(.) gt 1] ! substring(., 2)"/>
  </xsl:function>

  <!-- The elements a pointer list points to in the same document as $context. -->
  <xsl:function name="tt:targets" as="element()*">
    <xsl:param name="pointers" as="xs:string?"/>
    <xsl:param name="context" as="node()"/>
    <xsl:sequence select="tt:local-ids($pointers) ! key('tt:by-id', ., root($context))"/>
  </xsl:function>

  <!-- person, place, org or bibl for an entity element; empty for anything else. -->
  <xsl:function name="tt:entity-kind" as="xs:string?">
    <xsl:param name="element" as="element()?"/>
    <xsl:sequence select="$element ! $tt:entity-kinds(local-name())"/>
  </xsl:function>

  <!-- The entity a mention points to: the entry named by the first of its pointers that names one
       (tt:mention-pointers, tt:pointed-entry). -->
  <xsl:function name="tt:entity-of" as="element()?">
    <xsl:param name="mention" as="element()"/>
    <xsl:sequence select="head(tt:mention-pointers($mention) ! tt:pointed-entry(., $mention, tt:naming-kind($mention)))"/>
  </xsl:function>

  <!-- The kind an element names by itself, whatever it points to: by its name, and for rs and name by its
       @type (case aside). The same tables as tei_tool.entities.NAMING_KINDS and RS_TYPE_KINDS (a test keeps
       them equal), in the kinds of tt:entity-kinds. -->
  <xsl:variable name="tt:naming-kinds" as="map(xs:string, xs:string)" select="map {
    'persName': 'person', 'orgName': 'org', 'title': 'bibl',
    'placeName': 'place', 'geogName': 'place', 'settlement': 'place', 'district': 'place', 'region': 'place',
    'country': 'place', 'bloc': 'place'}"/>
  <xsl:variable name="tt:rs-type-kinds" as="map(xs:string, xs:string)" select="map:merge((
    ('person', 'persname', 'people', 'persongrp', 'character') ! map {.: 'person'},
    ('place', 'placename', 'settlement', 'city', 'country', 'region', 'geogname') ! map {.: 'place'},
    ('org', 'orgname', 'organisation', 'organization', 'institution') ! map {.: 'org'},
    ('work', 'bibl', 'title', 'book') ! map {.: 'bibl'}))"/>

  <xsl:function name="tt:naming-kind" as="xs:string?">
    <xsl:param name="element" as="element()"/>
    <xsl:sequence select="$element/self::tei:* ! (if (self::tei:rs or self::tei:name)
      then $tt:rs-type-kinds(lower-case(normalize-space(@type))) else $tt:naming-kinds(local-name()))"/>
  </xsl:function>

  <!-- The kind of entity (person, place, org or bibl) a mention names, as the entities export counts it: that
       of the entry it points to, else the one it names by itself; empty for anything else. The HTML edition
       classes its mentions by it, the PDF edition files them in its indexes. -->
  <xsl:function name="tt:mention-kind" as="xs:string?">
    <xsl:param name="mention" as="element()"/>
    <xsl:sequence select="(tt:entity-kind(tt:entity-of($mention)), tt:naming-kind($mention))[1]"/>
  </xsl:function>

  <!--
    What a mention is, by the one rule of the entities export (tei_tool.entities.build_index), which the
    HTML registers and the PDF indexes count by (tests keep them equal):
    * a mention is an element of a text, outside register lists (listPerson, listPlace, listOrg, listBibl,
      listEvent, listRelation, listObject, listNym: tei_tool.entities.REGISTER_LISTS); the header is not text;
    * its pointers (tt:mention-pointers) are each token of @ref, else @key, else @target of a ref or ptr,
      else @source of a quotation or cit;
    * each pointer naming an entry (tt:pointed-entry) is a mention of that entry; one naming nothing is a
      mention of an unresolved entity when the element names something (tt:naming-kind; a quotation's
      @source names a work), by the pointer without '#';
    * a naming element without pointers is a mention of an unlinked entity, by its reading text.
  -->
  <xsl:function name="tt:mention-pointers" as="xs:string*">
    <xsl:param name="element" as="element()"/>
    <xsl:sequence select="$element ! (
      if (string(@ref)) then tokenize(@ref)
      else if (string(@key)) then (if (normalize-space(@key) = @key) then string(@key) else replace(@key, '^\s+|\s+$', ''))
      else if ((self::tei:ref or self::tei:ptr) and string(@target)) then tokenize(@target)
      else if ((self::tei:quote or self::tei:q or self::tei:said or self::tei:cit) and string(@source)) then tokenize(@source)
      else ())"/>
  </xsl:function>

  <!-- What an element mentions (see above): one map per mention, with the 'kind' (as tt:entity-kinds) and 'key'
       (one per entity: tt:entity-key of an entry) of the entity, and when a pointer names it that 'pointer', the
       'id' the entities export gives the entity (the entry's, else the pointer without '#') and the 'entry'. -->
  <xsl:function name="tt:mentioned" as="map(xs:string, item())*">
    <xsl:param name="element" as="element()"/>
    <xsl:variable name="pointers" as="xs:string*" select="tt:mention-pointers($element)"/>
    <xsl:variable name="kind" as="xs:string?" select="if (exists($pointers) and $element/(self::tei:quote | self::tei:q | self::tei:said
      | self::tei:cit)[not(string(@ref) or string(@key))]) then 'bibl' else tt:naming-kind($element)"/>
    <!-- The cheapest test first: most elements have no pointer, and those in a register list (thousands in one)
         are no mention. -->
    <xsl:sequence select="
      if (empty($element/(@ref, @key, @target, @source)) and empty(tt:naming-kind($element))) then ()
      else if (empty($element/ancestor-or-self::tei:text) or tt:in-register-list($element)) then ()
      else if (exists($pointers)) then
        for $pointer in $pointers return
        let $entry := tt:pointed-entry($pointer, $element, $kind)
        return if ($entry) then map {'kind': tt:entity-kind($entry), 'id': string($entry/@xml:id), 'key': tt:entity-key($entry),
            'entry': $entry, 'pointer': $pointer}
          else if ($kind) then (if (starts-with($pointer, '#')) then substring($pointer, 2) else $pointer)
            ! map {'kind': $kind, 'id': ., 'key': $kind || ' id ' || ., 'pointer': $pointer}
          else ()
      else if ($kind) then tt:reading-text($element)[.] ! map {'kind': $kind, 'key': $kind || ' name ' || .}
      else ()"/>
  </xsl:function>

  <!-- Whether an element is a register list or in one (tei_tool.entities.REGISTER_LISTS): the names there are
       entries, not mentions. -->
  <xsl:function name="tt:in-register-list" as="xs:boolean">
    <xsl:param name="element" as="element()"/>
    <xsl:sequence select="exists($element/ancestor-or-self::*[self::tei:listPerson or self::tei:listPlace or self::tei:listOrg
      or self::tei:listBibl or self::tei:listEvent or self::tei:listRelation or self::tei:listObject or self::tei:listNym])"/>
  </xsl:function>

  <!-- The key of an entry's mentions in tt:mentioned: 'person id kirov'. -->
  <xsl:function name="tt:entity-key" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:sequence select="tt:entity-kind($entry) || ' id ' || $entry/@xml:id"/>
  </xsl:function>

  <!-- The entry (an entity element with an xml:id) a pointer names in the document of $context, as the
       entities export resolves it in one document: an authority URI one of its idno gives, else the id after
       the last '#' (whatever file is named before it: only this document is read), else the pointer as a bare
       id (@key="pmb50"); of entries sharing an id, one of $kind. -->
  <xsl:function name="tt:pointed-entry" as="element()?">
    <xsl:param name="pointer" as="xs:string"/>
    <xsl:param name="context" as="node()"/>
    <xsl:param name="kind" as="xs:string?"/>
    <xsl:variable name="is-uri" as="xs:boolean" select="contains($pointer, '://')"/>
    <xsl:variable name="id" as="xs:string?" select="if (contains(substring($pointer, 2), '#')) then replace($pointer, '^.*#', '')
      else if (starts-with($pointer, '#')) then substring($pointer, 2) else if ($is-uri) then () else $pointer"/>
    <xsl:variable name="entries" as="element()*" select="$id[.] ! key('tt:by-id', ., root($context))[exists(tt:entity-kind(.))]"/>
    <xsl:sequence select="(if ($is-uri) then key('tt:entries-by-authority', tt:authority-key('', $pointer), root($context))[1] else (),
      if (count($entries) gt 1) then $entries[tt:entity-kind(.) = $kind] else (), $entries)[1]"/>
  </xsl:function>

  <!-- The scheme an idno files its identifier under: its @type (a URL's @subtype), 'idno' without one. -->
  <xsl:function name="tt:idno-scheme" as="xs:string">
    <xsl:param name="idno" as="element()"/>
    <xsl:variable name="type" as="xs:string" select="lower-case(normalize-space($idno/@type))"/>
    <xsl:sequence select="(if ($type = ('url', 'uri') and string($idno/@subtype)) then lower-case(normalize-space($idno/@subtype)) else $type, 'idno')[.][1]"/>
  </xsl:function>

  <!-- One spelling of an authority identifier, whether written as URI or bare id: 'wikidata:Q855' for a
       Wikidata item, a URI without scheme, 'www.', trailing slashes and case, else 'scheme:value'. -->
  <xsl:function name="tt:authority-key" as="xs:string?">
    <xsl:param name="scheme" as="xs:string"/>
    <xsl:param name="value" as="xs:string"/>
    <xsl:variable name="wikidata" as="xs:string?"
      select="replace($value, '^.*?wikidata\.org/(wiki|entity)/(Q\d+).*$', '$2', 'is')[. ne $value]"/>
    <xsl:sequence select="if ($value = '') then ()
      else if ($wikidata) then 'wikidata:' || upper-case($wikidata)
      else if ($scheme = 'wikidata' and matches($value, '^[Qq]\d+$')) then 'wikidata:' || upper-case($value)
      else if (contains($value, '://')) then replace(lower-case(substring-after($value, '://')), '^www\.|/+$', '')
      else $scheme || ':' || $value"/>
  </xsl:function>

  <!-- An entity's display name: its first name element, else its text, else its id. -->
  <xsl:function name="tt:entity-name" as="xs:string">
    <xsl:param name="entity" as="element()"/>
    <xsl:variable name="named" as="element()?" select="(
      $entity/(tei:persName | tei:placeName | tei:orgName | tei:name | tei:title | tei:geogName | tei:settlement)[@type = 'main' or @type = 'reg'],
      $entity/(tei:persName | tei:placeName | tei:orgName | tei:name | tei:title | tei:geogName | tei:settlement | tei:label))[1]"/>
    <xsl:variable name="text" as="xs:string" select="normalize-space(string-join(($named, $entity)[1]//text()[not(ancestor::tei:note)], ''))"/>
    <xsl:sequence select="if ($named and $text) then $text
      else if (local-name($entity) = ('bibl', 'biblStruct', 'biblFull') and $text) then $text
      else string(($entity/@xml:id, local-name($entity))[1])"/>
  </xsl:function>

  <!-- The normalised value of a dated element: @when, else the start of its range, else its end. -->
  <xsl:function name="tt:date-value" as="xs:string?">
    <xsl:param name="date" as="element()"/>
    <xsl:sequence select="($date/(@when, @when-iso, @from, @from-iso, @notBefore, @notBefore-iso, @notAfter, @notAfter-iso, @to, @to-iso))[normalize-space()][1] ! normalize-space()"/>
  </xsl:function>

  <!-- A sort key for an ISO 8601 date (signed years sort numerically): -0044 < 0033 < 1934-12. -->
  <xsl:function name="tt:date-sort-key" as="xs:string">
    <xsl:param name="value" as="xs:string?"/>
    <xsl:variable name="year" as="xs:string?" select="replace($value, '^(-?\d+).*$', '$1')[matches(., '^-?\d+$')]"/>
    <xsl:sequence select="if (empty($year)) then 'z' || $value
      else format-number(xs:integer($year) + 100000, '000000') || substring($value, string-length($year) + 1)"/>
  </xsl:function>

  <!-- The normalised value as readers see it: "1934-12-01", "1936-08-19 – 1936-08-24", "between 1931-01 and 1931-03". -->
  <xsl:function name="tt:date-label" as="xs:string?">
    <xsl:param name="date" as="element()"/>
    <xsl:variable name="start" as="xs:string?" select="($date/(@from, @from-iso))[1] ! normalize-space()"/>
    <xsl:variable name="end" as="xs:string?" select="($date/(@to, @to-iso))[1] ! normalize-space()"/>
    <xsl:variable name="after" as="xs:string?" select="($date/(@notBefore, @notBefore-iso))[1] ! normalize-space()"/>
    <xsl:variable name="before" as="xs:string?" select="($date/(@notAfter, @notAfter-iso))[1] ! normalize-space()"/>
    <xsl:sequence select="if ($date/(@when, @when-iso)) then normalize-space(($date/(@when, @when-iso))[1])
      else if ($start or $end) then string-join(($start, '–', $end), ' ')
      else if ($after and $before) then 'between ' || $after || ' and ' || $before
      else if ($after) then 'not before ' || $after
      else if ($before) then 'not after ' || $before
      else ()"/>
  </xsl:function>

  <!-- The text a reader sees (corrected, expanded, without notes), whitespace normalised. -->
  <xsl:function name="tt:reading-text" as="xs:string">
    <xsl:param name="nodes" as="node()*"/>
    <xsl:sequence select="normalize-space(tt:reading-string($nodes))"/>
  </xsl:function>

  <!-- The same with runs of whitespace collapsed but kept at the edges, for joining with what surrounds it. -->
  <xsl:function name="tt:reading-string" as="xs:string">
    <xsl:param name="nodes" as="node()*"/>
    <!-- Most texts hold no element that could be left out: their string value is the reading text. -->
    <xsl:variable name="text" as="xs:string" select="if ($tt:has-tokens or exists($nodes/descendant-or-self::tei:*[local-name() = $tt:reading-rule-names]))
      then string-join($nodes ! tt:reading-parts(.), '')
      else string-join($nodes[. instance of element() or . instance of text() or . instance of document-node()], '')"/>
    <xsl:variable name="words" as="xs:string" select="normalize-space($text)"/>
    <xsl:sequence select="if ($words = '') then substring(' ', 1, string-length($text))
      else (if (matches(substring($text, 1, 1), '\s')) then ' ' else '') || $words
        || (if (matches(substring($text, string-length($text)), '\s')) then ' ' else '')"/>
  </xsl:function>

  <xsl:function name="tt:reading-parts" as="xs:string*">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="if ($node instance of text()) then (if (tt:is-layout-space($node)) then () else string($node))
      else if ($node instance of element() and tt:is-hidden-in-reading($node)) then ()
      else if ($node/self::tei:space) then ' '
      else $node/node() ! tt:reading-parts(.)"/>
  </xsl:function>

  <!-- The elements whose reading text is not their string value: those tt:is-hidden-in-reading may leave
       out or whose children it chooses among, and space. -->
  <xsl:variable name="tt:reading-rule-names" as="xs:string+" select="('note', 'surplus', 'del', 'choice', 'app', 'space')"/>

  <!-- Notes, deletions, surplus text and all but one reading of a choice or an apparatus entry are not part
       of the reading text. -->
  <xsl:function name="tt:is-hidden-in-reading" as="xs:boolean">
    <xsl:param name="element" as="element()"/>
    <xsl:sequence select="exists($element/(self::tei:note | self::tei:surplus | self::tei:del))
      or ($element/parent::tei:choice and not($element is tt:choice-reading($element/..)))
      or ($element/(self::tei:lem | self::tei:rdg)/parent::tei:app and not($element is tt:app-reading($element/..)))"/>
  </xsl:function>

  <!-- The reading of a choice: the expanded, regularised or corrected form, else its first alternative. -->
  <xsl:function name="tt:choice-reading" as="element()?">
    <xsl:param name="choice" as="element()"/>
    <xsl:sequence select="$choice ! (tei:expan, tei:reg, tei:corr, tei:unclear, tei:seg, *)[1]"/>
  </xsl:function>

  <!-- The reading of an apparatus entry: its lemma, else its first reading. -->
  <xsl:function name="tt:app-reading" as="element()?">
    <xsl:param name="app" as="element()"/>
    <xsl:sequence select="$app ! (tei:lem, tei:rdg)[1]"/>
  </xsl:function>

  <!-- The children of a choice that are neither its reading nor a diplomatic form (sic, orig, abbr): other
       readings of the passage (a letter read two ways, two segmentations), which outputs give on demand. -->
  <xsl:function name="tt:choice-alternatives" as="element()*">
    <xsl:param name="choice" as="element()"/>
    <xsl:sequence select="$choice/* except ($choice/(tei:sic | tei:orig | tei:abbr), tt:choice-reading($choice))"/>
  </xsl:function>

  <!-- How an apparatus names what a pointer leads to: a witness of the document by its siglum (else its
       name), any other element by its name; a pointer leading nowhere in the document by what follows its '#'. -->
  <xsl:function name="tt:attestation-label" as="xs:string">
    <xsl:param name="pointer" as="xs:string"/>
    <xsl:param name="context" as="node()"/>
    <xsl:variable name="target" as="element()?" select="tt:targets($pointer, $context)[1]"/>
    <xsl:sequence select="if ($target/self::tei:witness) then tt:witness-siglum($target)
      else if ($target) then tt:truncate(tt:entity-name($target), 60, false())
      else (replace($pointer, '^.*#', '')[.], $pointer)[1]"/>
  </xsl:function>

  <xsl:function name="tt:witness-siglum" as="xs:string">
    <xsl:param name="witness" as="element(tei:witness)"/>
    <xsl:sequence select="(($witness/(tei:abbr[@type = 'siglum'], tei:idno[@type = 'siglum']))[1] ! tt:reading-text(.),
      normalize-space($witness/@n), tt:truncate(tt:reading-text($witness), 60, false()), string($witness/@xml:id))[.][1]"/>
  </xsl:function>

  <!-- Up to $length characters at the end (or start) of a whitespace-normalised text, cut at a word boundary. -->
  <xsl:function name="tt:truncate" as="xs:string">
    <xsl:param name="text" as="xs:string"/>
    <xsl:param name="length" as="xs:integer"/>
    <xsl:param name="from-end" as="xs:boolean"/>
    <xsl:sequence select="if (string-length($text) le $length) then $text
      else if ($from-end) then '… ' || substring-after(substring($text, string-length($text) - $length + 1), ' ')
      else string-join(tokenize(substring($text, 1, $length), ' ')[position() lt last()], ' ') || ' …'"/>
  </xsl:function>

  <!-- The block a mention's context is taken from. -->
  <xsl:function name="tt:context-of" as="element()">
    <xsl:param name="node" as="element()"/>
    <xsl:sequence select="($node/ancestor::*[local-name() = ('p', 'ab', 'l', 'head', 'item', 'note', 'cell', 'bibl', 'quote', 'stage', 'speaker')][1], $node/..)[1]"/>
  </xsl:function>

  <!-- The reading text of $node's block before and after $node (the text nodes and spaces outside what
       tt:is-hidden-in-reading leaves out), runs of whitespace collapsed. -->
  <xsl:function name="tt:reading-around" as="xs:string+">
    <xsl:param name="node" as="element()"/>
    <xsl:variable name="block" as="element()" select="tt:context-of($node)"/>
    <xsl:variable name="texts" as="node()*" select="$block//(text() | tei:space)
      [not(ancestor::*[. &gt;&gt; $block][tt:is-hidden-in-reading(.)])] except $node//(text() | tei:space)"/>
    <xsl:sequence select="tt:reading-string($texts[. &lt;&lt; $node]), tt:reading-string($texts[. &gt;&gt; $node])"/>
  </xsl:function>

  <!-- The words around $node in its block: (text before, text after), each at most about 80 characters,
       keeping the space (or its absence) next to $node. -->
  <xsl:function name="tt:context" as="xs:string+">
    <xsl:param name="node" as="element()"/>
    <xsl:variable name="around" as="xs:string+" select="tt:reading-around($node)"/>
    <xsl:sequence select="(
      tt:truncate($around[1] ! (if (starts-with(., ' ')) then substring(., 2) else .), 80, true()),
      tt:truncate($around[2] ! (if (ends-with(., ' ')) then substring(., 1, string-length(.) - 1) else .), 80, false()))"/>
  </xsl:function>

  <!-- A string usable as a single CSS class token. -->
  <xsl:function name="tt:class-token" as="xs:string">
    <xsl:param name="value" as="xs:string"/>
    <xsl:sequence select="replace($value, '[^A-Za-z0-9_\-]', '_')"/>
  </xsl:function>

  <!-- "tei-hi rend-italic type-x": the TEI name, then its @rend and @type tokens. -->
  <xsl:function name="tt:classes" as="xs:string">
    <xsl:param name="element" as="element()"/>
    <xsl:sequence select="if (empty($element/(@rend | @type))) then 'tei-' || local-name($element) else string-join((
      'tei-' || local-name($element),
      tokenize(normalize-space($element/@rend)) ! ('rend-' || tt:class-token(.)),
      tokenize(normalize-space($element/@type)) ! ('type-' || tt:class-token(.))), ' ')"/>
  </xsl:function>

  <!-- Whether an element is a division of a TEI text: a div, or a numbered div1 to div7. -->
  <xsl:function name="tt:is-division" as="xs:boolean">
    <xsl:param name="element" as="element()"/>
    <xsl:sequence select="exists($element/(self::tei:div | self::tei:div1 | self::tei:div2 | self::tei:div3 | self::tei:div4
      | self::tei:div5 | self::tei:div6 | self::tei:div7))"/>
  </xsl:function>

  <!-- A heading level for a division's head: h2 for top-level divisions (h1 is the page title), one lower in
       each headed division around it and in each text of a corpus (headed by its title), at most h6. A division
       without a head adds no level, so that no level is skipped. -->
  <xsl:function name="tt:heading-level" as="xs:integer">
    <xsl:param name="head" as="element()"/>
    <xsl:sequence select="min((6, 1 + tt:member-depth($head) + count($head/ancestor::*[tt:is-division(.)][tei:head])))"/>
  </xsl:function>

  <!-- Linguistic tokens: sentences, clauses, phrases, words, morphemes, characters, punctuation. -->
  <xsl:variable name="tt:token-names" as="xs:string*" select="('s', 'cl', 'phr', 'w', 'm', 'c', 'pc')"/>

  <!--
    A token that looks like the text around it: no rendition, no language of
    its own. Outputs render its content only unless it has an id to keep; a
    word-tagged novel has tens of thousands of them.
  -->
  <xsl:function name="tt:is-plain-token" as="xs:boolean">
    <xsl:param name="element" as="element()"/>
    <xsl:sequence select="exists($element/self::tei:*) and local-name($element) = $tt:token-names
      and empty($element/(@rend | @style | @rendition | @xml:lang))"/>
  </xsl:function>

  <!-- Whether a ref or ptr of the document points to the element's id. -->
  <xsl:function name="tt:is-link-target" as="xs:boolean">
    <xsl:param name="element" as="element()"/>
    <xsl:sequence select="exists($element/@xml:id) and exists(key('tt:link-targets', string($element/@xml:id), root($element)))"/>
  </xsl:function>

  <!--
    Whitespace between tokens that is the encoder's line layout ("carpenter",
    newline, ","), not the author's spacing: before closing punctuation, after
    opening punctuation (French keeps its space before ; : ! ? and inside « »),
    and wherever @join says so.
  -->
  <xsl:function name="tt:is-layout-space" as="xs:boolean">
    <xsl:param name="text" as="text()"/>
    <xsl:sequence select="$tt:has-tokens and not(normalize-space($text)) and (
      $text/following::text()[normalize-space()][1]/parent::*[self::tei:pc | self::tei:w][tt:joins(., 'left')]
      or $text/preceding::text()[normalize-space()][1]/parent::*[self::tei:pc | self::tei:w][tt:joins(., 'right')])"/>
  </xsl:function>

  <!-- Whether the document rendered has words or punctuation as tokens (read from the element counts, which
       outputs compute anyway: a search of its own would cost a document without tokens 3% of its time). -->
  <xsl:variable name="tt:has-tokens" as="xs:boolean"
    select="accumulator-after('tt:element-counts') ! (map:contains(., 'w') or map:contains(., 'pc'))"/>

  <!-- Whether a token attaches to its neighbour on that side ('left' or 'right') without a space. -->
  <xsl:function name="tt:joins" as="xs:boolean">
    <xsl:param name="token" as="element()"/>
    <xsl:param name="side" as="xs:string"/>
    <xsl:sequence select="
      if ($token/@join) then $token/@join = ($side, 'both')
      else exists($token/self::tei:pc)
        and matches($token, if ($side eq 'left') then '^[.,;:!?)\]}»”…]+$' else '^[(\[{«“]+$')
        and not(matches($token, '[;:!?«»]') and starts-with(lower-case(string(($token/ancestor-or-self::*/@xml:lang)[last()])), 'fr'))"/>
  </xsl:function>

  <!--
    ISO 639-1 codes and the ISO 639-2 codes of the same languages (terminology code first, then the
    bibliographic one where it differs): "de deu ger". TEI files often name languages by the three-letter
    codes; a language tag (BCP 47, as HTML's lang and a PDF's /Lang) must use the two-letter one.
  -->
  <xsl:variable name="tt:iso639-codes" as="xs:string+" select="(
    'aa aar', 'ab abk', 'ae ave', 'af afr', 'ak aka', 'am amh', 'an arg', 'ar ara', 'as asm', 'av ava', 'ay aym',
    'az aze', 'ba bak', 'be bel', 'bg bul', 'bh bih', 'bi bis', 'bm bam', 'bn ben', 'bo bod tib', 'br bre', 'bs bos',
    'ca cat', 'ce che', 'ch cha', 'co cos', 'cr cre', 'cs ces cze', 'cu chu', 'cv chv', 'cy cym wel', 'da dan',
    'de deu ger', 'dv div', 'dz dzo', 'ee ewe', 'el ell gre', 'en eng', 'eo epo', 'es spa', 'et est', 'eu eus baq',
    'fa fas per', 'ff ful', 'fi fin', 'fj fij', 'fo fao', 'fr fra fre', 'fy fry', 'ga gle', 'gd gla', 'gl glg',
    'gn grn', 'gu guj', 'gv glv', 'ha hau', 'he heb', 'hi hin', 'ho hmo', 'hr hrv', 'ht hat', 'hu hun',
    'hy hye arm', 'hz her', 'ia ina', 'id ind', 'ie ile', 'ig ibo', 'ii iii', 'ik ipk', 'io ido', 'is isl ice',
    'it ita', 'iu iku', 'ja jpn', 'jv jav', 'ka kat geo', 'kg kon', 'ki kik', 'kj kua', 'kk kaz', 'kl kal',
    'km khm', 'kn kan', 'ko kor', 'kr kau', 'ks kas', 'ku kur', 'kv kom', 'kw cor', 'ky kir', 'la lat', 'lb ltz',
    'lg lug', 'li lim', 'ln lin', 'lo lao', 'lt lit', 'lu lub', 'lv lav', 'mg mlg', 'mh mah', 'mi mri mao',
    'mk mkd mac', 'ml mal', 'mn mon', 'mr mar', 'ms msa may', 'mt mlt', 'my mya bur', 'na nau', 'nb nob', 'nd nde',
    'ne nep', 'ng ndo', 'nl nld dut', 'nn nno', 'no nor', 'nr nbl', 'nv nav', 'ny nya', 'oc oci', 'oj oji',
    'om orm', 'or ori', 'os oss', 'pa pan', 'pi pli', 'pl pol', 'ps pus', 'pt por', 'qu que', 'rm roh', 'rn run',
    'ro ron rum', 'ru rus', 'rw kin', 'sa san', 'sc srd', 'sd snd', 'se sme', 'sg sag', 'si sin', 'sk slk slo',
    'sl slv', 'sm smo', 'sn sna', 'so som', 'sq sqi alb', 'sr srp', 'ss ssw', 'st sot', 'su sun', 'sv swe',
    'sw swa', 'ta tam', 'te tel', 'tg tgk', 'th tha', 'ti tir', 'tk tuk', 'tl tgl', 'tn tsn', 'to ton', 'tr tur',
    'ts tso', 'tt tat', 'tw twi', 'ty tah', 'ug uig', 'uk ukr', 'ur urd', 'uz uzb', 've ven', 'vi vie', 'vo vol',
    'wa wln', 'wo wol', 'xh xho', 'yi yid', 'yo yor', 'za zha', 'zh zho chi', 'zu zul')"/>

  <xsl:variable name="tt:iso639-1" as="map(xs:string, xs:string)"
    select="map:merge($tt:iso639-codes ! (let $codes := tokenize(.) return tail($codes) ! map {.: head($codes)}))"/>

  <!--
    The language tag (BCP 47) of an xml:lang value: the two-letter code of a language that has one (lat: la,
    ger-AT: de-AT), an extended language subtag alone (el-grc: grc, as zh-yue is yue), script, region and
    other subtags kept; empty for a value that is no language tag ("Latin", "de_AT"), which is left out
    rather than written.
  -->
  <xsl:function name="tt:bcp47" as="xs:string?">
    <xsl:param name="code" as="xs:string?"/>
    <xsl:variable name="tag" as="xs:string" select="normalize-space($code)"/>
    <xsl:variable name="subtags" as="xs:string*" select="tokenize($tag, '-')"/>
    <xsl:variable name="from-language" as="xs:string*" select="if (matches($subtags[2], '^[A-Za-z]{3}$')) then tail($subtags) else $subtags"/>
    <xsl:variable name="language" as="xs:string?" select="head($from-language) ! lower-case(.)"/>
    <xsl:sequence select="if (matches($tag, '^[Xx](-[A-Za-z0-9]{1,8})+$')) then $tag
      else if (not(matches($tag, '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$'))) then ()
      else string-join((($tt:iso639-1($language), $language)[1], tail($from-language)), '-')"/>
  </xsl:function>

  <!-- class, lang and id (xml:id or the permalink of anchored elements) of the element being rendered. -->
  <xsl:template name="tt:attributes" as="attribute()*">
    <xsl:param name="extra-class" as="xs:string?" select="()"/>
    <!-- The common cases spelt out: an element without @rend, @type or id costs no function call. -->
    <xsl:variable name="classes" as="xs:string" select="if (@rend or @type) then tt:classes(.) else 'tei-' || local-name()"/>
    <xsl:attribute name="class" select="if (empty($extra-class)) then $classes else $classes || ' ' || $extra-class"/>
    <xsl:for-each select="@xml:lang ! tt:bcp47(.)">
      <xsl:attribute name="lang" select="."/>
    </xsl:for-each>
    <xsl:if test="@xml:id or (self::tei:* and map:contains($tt:anchored-set, local-name()))">
      <xsl:attribute name="id" select="tt:anchor-id(.)"/>
    </xsl:if>
  </xsl:template>

  <!-- ===== mode tt:body: TEI content to HTML ===== -->

  <xsl:template match="*" mode="tt:body" as="element()">
    <xsl:element name="{tt:element-name(., 'span')}">
      <xsl:call-template name="tt:attributes"/>
      <xsl:apply-templates mode="#current"/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="tei:teiHeader | tei:standOff | comment() | processing-instruction()" mode="tt:body" as="empty-sequence()"/>

  <!-- Plain tokens: their content only (tokens with an id keep their element, which permalinks point to).
       The pattern spells out tt:is-plain-token so that a novel's tens of thousands of tokens cost no function call. -->
  <xsl:template match="(tei:s | tei:cl | tei:phr | tei:w | tei:m | tei:c | tei:pc)[not(@xml:id | @rend | @style | @rendition | @xml:lang)]" mode="tt:body" as="node()*">
    <xsl:apply-templates mode="#current"/>
  </xsl:template>

  <!-- Layout spaces are left out (the variable first: texts without tokens, most TEI, then cost no function call). -->
  <xsl:template match="text()[$tt:has-tokens][tt:is-layout-space(.)]" mode="tt:body" as="empty-sequence()"/>

  <xsl:template match="tei:*[tt:is-division(.)]" mode="tt:body" as="element()">
    <section>
      <xsl:call-template name="tt:attributes"/>
      <xsl:apply-templates select="." mode="tt:block-start"/>
      <xsl:apply-templates mode="#current"/>
    </section>
  </xsl:template>

  <!-- A text of a corpus (a TEI, or a nested teiCorpus): a section headed by its title, with an id for the contents. -->
  <xsl:template match="tei:TEI[parent::tei:teiCorpus] | tei:teiCorpus[parent::tei:teiCorpus]" mode="tt:body" as="element()">
    <section>
      <xsl:call-template name="tt:attributes">
        <xsl:with-param name="extra-class" select="'corpus-member'"/>
      </xsl:call-template>
      <xsl:attribute name="id" select="tt:anchor-id(.)"/>
      <xsl:element name="h{min((6, 1 + tt:member-depth(.)))}">
        <xsl:attribute name="class" select="'corpus-member-title'"/>
        <xsl:value-of select="tt:member-title(.)"/>
      </xsl:element>
      <xsl:apply-templates select="tt:member-parts(.)" mode="#current"/>
    </section>
  </xsl:template>

  <xsl:template match="tei:head[parent::*[tt:is-division(.)]]" mode="tt:body" as="element()">
    <xsl:element name="h{tt:heading-level(.)}">
      <xsl:call-template name="tt:attributes"/>
      <xsl:apply-templates mode="#current"/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="tei:p | tei:ab" mode="tt:body" as="element()">
    <xsl:element name="{if (tt:contains-block(.)) then 'div' else 'p'}">
      <xsl:call-template name="tt:attributes"/>
      <xsl:apply-templates select="." mode="tt:block-start"/>
      <xsl:apply-templates mode="#current"/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="tei:lg | tei:l | tei:sp | tei:speaker | tei:stage[tt:is-block(.)]" mode="tt:body" as="element()">
    <div>
      <xsl:call-template name="tt:attributes"/>
      <xsl:apply-templates select="." mode="tt:block-start"/>
      <xsl:apply-templates mode="#current"/>
    </div>
  </xsl:template>

  <xsl:template match="tei:list" mode="tt:body" as="element()">
    <xsl:element name="{if (@rend = ('numbered', 'ordered') or @type = ('ordered', 'numbered')) then 'ol' else 'ul'}">
      <xsl:call-template name="tt:attributes"/>
      <xsl:for-each select="* | text()[normalize-space()]">
        <xsl:choose>
          <xsl:when test="self::tei:item">
            <xsl:apply-templates select="." mode="#current"/>
          </xsl:when>
          <xsl:otherwise>
            <li class="list-extra"><xsl:apply-templates select="." mode="#current"/></li>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:for-each>
    </xsl:element>
  </xsl:template>

  <xsl:template match="tei:item" mode="tt:body" as="element()">
    <li>
      <xsl:call-template name="tt:attributes"/>
      <xsl:apply-templates mode="#current"/>
    </li>
  </xsl:template>

  <xsl:template match="tei:table" mode="tt:body" as="element()">
    <table>
      <xsl:call-template name="tt:attributes"/>
      <xsl:for-each select="tei:head[1]">
        <caption><xsl:apply-templates mode="#current"/></caption>
      </xsl:for-each>
      <xsl:for-each select="node()[self::* or normalize-space()] except tei:head[1]">
        <xsl:choose>
          <xsl:when test="self::tei:row">
            <xsl:apply-templates select="." mode="#current"/>
          </xsl:when>
          <xsl:otherwise>
            <tr class="table-extra"><td><xsl:apply-templates select="." mode="#current"/></td></tr>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:for-each>
    </table>
  </xsl:template>

  <xsl:template match="tei:row" mode="tt:body" as="element()">
    <tr>
      <xsl:call-template name="tt:attributes"/>
      <xsl:for-each select="node()[self::* or normalize-space()]">
        <xsl:choose>
          <xsl:when test="self::tei:cell">
            <xsl:apply-templates select="." mode="#current"/>
          </xsl:when>
          <xsl:otherwise>
            <td><xsl:apply-templates select="." mode="#current"/></td>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:for-each>
    </tr>
  </xsl:template>

  <!-- A label cell is a header: of its column in a label row, else of its row (a PDF tags it so too). -->
  <xsl:template match="tei:cell" mode="tt:body" as="element()">
    <xsl:element name="{if (@role = 'label' or ../@role = 'label') then 'th' else 'td'}">
      <xsl:call-template name="tt:attributes"/>
      <xsl:if test="@role = 'label' or ../@role = 'label'">
        <xsl:attribute name="scope" select="if (../@role = 'label') then 'col' else 'row'"/>
      </xsl:if>
      <xsl:if test="@cols[. castable as xs:positiveInteger]">
        <xsl:attribute name="colspan" select="xs:integer(@cols)"/>
      </xsl:if>
      <xsl:if test="@rows[. castable as xs:positiveInteger]">
        <xsl:attribute name="rowspan" select="xs:integer(@rows)"/>
      </xsl:if>
      <xsl:apply-templates mode="#current"/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="tei:quote | tei:q | tei:said" mode="tt:body" as="element()">
    <xsl:element name="{if (tt:is-block(.)) then 'blockquote' else 'span'}">
      <xsl:call-template name="tt:attributes"/>
      <xsl:apply-templates mode="#current"/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="tei:emph | tei:hi[tokenize(@rend) = ('italic', 'italics', 'i')][not(tt:is-block(.))]" mode="tt:body" as="element()">
    <em>
      <xsl:call-template name="tt:attributes"/>
      <xsl:apply-templates mode="#current"/>
    </em>
  </xsl:template>

  <xsl:template match="tei:title[not(ancestor::tei:teiHeader)][not(tt:is-block(.))]" mode="tt:body" as="element()">
    <cite>
      <xsl:call-template name="tt:attributes"/>
      <xsl:apply-templates mode="#current"/>
    </cite>
  </xsl:template>

  <xsl:template match="tei:lb" mode="tt:body" as="element()">
    <br class="tei-lb"/>
  </xsl:template>

  <xsl:template match="tei:pb | tei:cb" mode="tt:body" as="element()">
    <span>
      <xsl:call-template name="tt:attributes"/>
      <xsl:variable name="label" as="xs:string" select="normalize-space(@n)"/>
      <xsl:variable name="facsimile" as="xs:string?" select="tt:safe-url(@facs)"/>
      <xsl:choose>
        <xsl:when test="$facsimile">
          <a href="{$facsimile}" rel="noopener">[<xsl:value-of select="($label[.], 'facsimile')[1]"/>]</a>
        </xsl:when>
        <xsl:when test="$label">[<xsl:value-of select="$label"/>]</xsl:when>
      </xsl:choose>
    </span>
  </xsl:template>

  <xsl:template match="tei:gap" mode="tt:body" as="element()">
    <span>
      <xsl:call-template name="tt:attributes"/>
      <xsl:if test="@reason">
        <xsl:attribute name="title" select="'gap: ' || @reason"/>
      </xsl:if>
      <xsl:text>[</xsl:text>
      <xsl:apply-templates mode="#current"/>
      <xsl:if test="not(normalize-space())">…</xsl:if>
      <xsl:text>]</xsl:text>
    </span>
  </xsl:template>

  <!-- Reading vs diplomatic text: outputs show or hide these classes. -->
  <xsl:template match="tei:sic | tei:orig | tei:abbr | tei:surplus | tei:corr | tei:reg | tei:expan" mode="tt:body" as="element()">
    <xsl:variable name="view" as="xs:string?" select="
      if (self::tei:surplus or (parent::tei:choice and (self::tei:sic or self::tei:orig or self::tei:abbr))) then 'only-diplomatic'
      else if (parent::tei:choice) then 'only-reading' else ()"/>
    <xsl:element name="{tt:element-name(., 'span')}">
      <xsl:call-template name="tt:attributes">
        <xsl:with-param name="extra-class" select="$view"/>
      </xsl:call-template>
      <xsl:if test="self::tei:surplus and @reason">
        <xsl:attribute name="title" select="'surplus: ' || @reason"/>
      </xsl:if>
      <xsl:apply-templates mode="#current"/>
    </xsl:element>
  </xsl:template>

  <!-- Deleted text: struck through, part of the diplomatic text only. -->
  <xsl:template match="tei:del" mode="tt:body" as="element()">
    <xsl:element name="{tt:element-name(., 'del')}">
      <xsl:call-template name="tt:attributes">
        <xsl:with-param name="extra-class" select="'only-diplomatic'"/>
      </xsl:call-template>
      <xsl:apply-templates mode="#current"/>
    </xsl:element>
  </xsl:template>

  <!-- A space left in the source: at least one space, so the words on either side stay apart. -->
  <xsl:template match="tei:space" mode="tt:body" as="element()">
    <span>
      <xsl:call-template name="tt:attributes"/>
      <xsl:text> </xsl:text>
    </span>
  </xsl:template>

  <!-- A link; inside another link (tunnel parameter tt:in-link, set by outputs that link names) a span, as a
       link cannot hold a link. The calls of its notes follow it (tt:calls-after-link). -->
  <xsl:template match="tei:ref[@target] | tei:ptr[@target]" mode="tt:body" as="element()+">
    <xsl:param name="tt:in-link" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:variable name="first" as="xs:string" select="(tokenize(normalize-space(@target)), '')[1]"/>
    <xsl:variable name="href" as="xs:string?" select="tt:safe-url($first)"/>
    <xsl:variable name="is-link" as="xs:boolean" select="exists($href) and not($tt:in-link)"/>
    <xsl:call-template name="tt:calls-after-link">
      <xsl:with-param name="rendered" as="element()">
        <xsl:element name="{if ($is-link) then 'a' else 'span'}">
          <xsl:call-template name="tt:attributes">
            <xsl:with-param name="extra-class" select="if ($href) then () else 'unsafe-link'"/>
          </xsl:call-template>
          <xsl:if test="$is-link">
            <xsl:attribute name="href" select="$href"/>
          </xsl:if>
          <xsl:apply-templates mode="#current">
            <xsl:with-param name="tt:in-link" select="$tt:in-link or $is-link" tunnel="yes"/>
          </xsl:apply-templates>
          <!-- A pointer, or a ref without words or elements, reads its address: no link is empty. -->
          <xsl:if test="self::tei:ptr or not(* or normalize-space())">
            <xsl:value-of select="$first"/>
          </xsl:if>
        </xsl:element>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- A link cannot hold a link: browsers split it, cutting the outer link short. So the calls of notes and
       apparatus entries rendered inside a link (each a link in a sup of class note-ref, which outputs that
       number notes in the text render) follow the link, in their order; anything else is left as rendered. -->
  <xsl:template name="tt:calls-after-link" as="element()+">
    <xsl:param name="rendered" as="element()"/>
    <xsl:variable name="calls" as="element()*" select="$rendered[self::a]//sup[contains-token(@class, 'note-ref')]"/>
    <xsl:choose>
      <xsl:when test="empty($calls)">
        <xsl:sequence select="$rendered"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:apply-templates select="$rendered" mode="tt:without-calls"/>
        <xsl:sequence select="$calls"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:mode name="tt:without-calls" on-no-match="shallow-copy" on-multiple-match="fail"/>

  <xsl:template match="sup[contains-token(@class, 'note-ref')]" mode="tt:without-calls" as="empty-sequence()"/>

  <!-- A link to the image, labelled by its description; without one it reads "[image]" and is named by the
       description of its figure (which the figure's caption shows), else by its file name, so that no two image
       links are only "image" to a screen reader. Notes on the description follow the link. -->
  <xsl:template match="tei:graphic | tei:media" mode="tt:body" as="element()+">
    <xsl:variable name="href" as="xs:string?" select="tt:safe-url(@url)"/>
    <xsl:variable name="description" as="xs:string" select="tt:reading-text(tei:desc)"/>
    <xsl:variable name="name" as="xs:string?" select="if ($description) then ()
      else (tt:reading-text(ancestor::tei:figure[1]/tei:figDesc), replace(normalize-space(@url), '^.*/|[?#].*$', ''))[.][1]"/>
    <xsl:element name="{if ($href) then 'a' else 'span'}">
      <xsl:call-template name="tt:attributes"/>
      <xsl:if test="$href">
        <xsl:attribute name="href" select="$href"/>
      </xsl:if>
      <xsl:if test="$href and $name">
        <xsl:attribute name="aria-label" select="'Image: ' || $name"/>
      </xsl:if>
      <xsl:value-of select="'[' || ($description[.], 'image')[1] || ']'"/>
    </xsl:element>
    <xsl:apply-templates select="tei:desc//tei:note except tei:desc//tei:note//tei:note" mode="#current"/>
  </xsl:template>

  <xsl:template match="tei:figure" mode="tt:body" as="element()">
    <figure>
      <xsl:call-template name="tt:attributes"/>
      <xsl:apply-templates select="node() except tei:figDesc" mode="#current"/>
      <xsl:for-each select="tei:figDesc">
        <figcaption><xsl:apply-templates mode="#current"/></figcaption>
      </xsl:for-each>
    </figure>
  </xsl:template>

  <xsl:template match="tei:date | tei:time" mode="tt:body" as="element()">
    <xsl:variable name="when" as="xs:string?" select="normalize-space(@when)[matches(., '^\d{4}(-\d{2}(-\d{2})?)?$')]"/>
    <xsl:element name="{if ($when and not(tt:is-block(.))) then 'time' else tt:element-name(., 'span')}">
      <xsl:call-template name="tt:attributes"/>
      <xsl:if test="$when and not(tt:is-block(.))">
        <xsl:attribute name="datetime" select="$when"/>
      </xsl:if>
      <xsl:if test="tt:date-label(.)">
        <xsl:attribute name="title" select="tt:date-label(.)"/>
      </xsl:if>
      <xsl:apply-templates mode="#current"/>
    </xsl:element>
  </xsl:template>

  <!--
    An apparatus entry, and a choice among alternative readings: the reading the text shows, "]", then the
    other readings, each followed by who attests it ("cano A] canto B; cantu C (Bentley)", an empty reading
    "omitted"; a choice's alternatives after "or"), then whatever else the entry holds but its notes (a
    witness detail, a group of readings), which the caller renders. With $reading-shown the text around
    shows the reading already, and the entry names it as plain text (no id, no note call twice).
  -->
  <xsl:template name="tt:apparatus-entry" as="node()*">
    <xsl:param name="reading-shown" as="xs:boolean"/>
    <xsl:variable name="reading" as="element()?" select="if (self::tei:app) then tt:app-reading(.) else tt:choice-reading(.)"/>
    <span class="lemma">
      <xsl:choose>
        <xsl:when test="$reading-shown"><xsl:value-of select="$reading ! tt:truncate(tt:reading-text(.), 80, false())"/></xsl:when>
        <xsl:otherwise><xsl:apply-templates select="$reading" mode="tt:body"/></xsl:otherwise>
      </xsl:choose>
      <xsl:for-each select="$reading">
        <xsl:call-template name="tt:reading-attribution"/>
      </xsl:for-each>
    </span>
    <xsl:text>] </xsl:text>
    <xsl:if test="self::tei:choice">or </xsl:if>
    <xsl:for-each select="if (self::tei:app) then (tei:lem | tei:rdg) except $reading else tt:choice-alternatives(.)">
      <xsl:if test="position() gt 1">; </xsl:if>
      <span class="variant">
        <xsl:apply-templates select="." mode="tt:body"/>
        <xsl:if test="not(node())"><i>omitted</i></xsl:if>
        <xsl:call-template name="tt:reading-attribution"/>
      </span>
    </xsl:for-each>
    <xsl:apply-templates select="self::tei:app/(* except (tei:lem, tei:rdg, tei:note))" mode="tt:body"/>
  </xsl:template>

  <!-- Who attests the reading being rendered: its witnesses (@wit), then in brackets who is responsible for it
       and its source (@resp, @source), each named by tt:attestation-label. -->
  <xsl:template name="tt:reading-attribution" as="node()*">
    <xsl:variable name="reading" as="element()" select="."/>
    <xsl:for-each select="tokenize(normalize-space(@wit))">
      <xsl:variable name="witness" as="element()?" select="tt:targets(., $reading)[self::tei:witness][1]"/>
      <xsl:variable name="label" as="xs:string" select="tt:attestation-label(., $reading)"/>
      <xsl:variable name="name" as="xs:string?"
        select="$witness ! tt:truncate(tt:reading-text(node() except (tei:abbr | tei:idno)[@type = 'siglum']), 200, false())[.][. ne $label]"/>
      <xsl:text> </xsl:text>
      <span class="witness">
        <xsl:if test="$name">
          <xsl:attribute name="title" select="$name"/>
        </xsl:if>
        <xsl:value-of select="$label"/>
      </span>
    </xsl:for-each>
    <xsl:variable name="authorities" as="xs:string*" select="tokenize(normalize-space(string-join((@resp, @source), ' '))) ! tt:attestation-label(., $reading)"/>
    <xsl:if test="exists($authorities)">
      <xsl:text> </xsl:text>
      <span class="reading-authority">(<xsl:value-of select="string-join($authorities, '; ')"/>)</span>
    </xsl:if>
  </xsl:template>

  <!-- In place (outside the text of the HTML edition, and in an apparatus kept apart from the text, a
       listApp): the entry itself, where the text shows the reading and calls the entry. -->
  <xsl:template match="tei:app[tei:lem | tei:rdg] | tei:choice[exists(tt:choice-alternatives(.))]" mode="tt:body" as="element()">
    <xsl:element name="{tt:element-name(., 'span')}">
      <xsl:call-template name="tt:attributes"/>
      <xsl:if test="self::tei:app/@loc">
        <span class="app-location"><xsl:value-of select="normalize-space(@loc)"/></span>
        <xsl:text> </xsl:text>
      </xsl:if>
      <xsl:call-template name="tt:apparatus-entry">
        <xsl:with-param name="reading-shown" select="false()"/>
      </xsl:call-template>
      <xsl:apply-templates select="self::tei:app/tei:note" mode="#current"/>
    </xsl:element>
  </xsl:template>

  <!-- Editorial notes in place; html.xsl numbers them as endnotes instead. -->
  <xsl:template match="tei:note" mode="tt:body" as="element()">
    <xsl:element name="{tt:element-name(., 'span')}">
      <xsl:call-template name="tt:attributes"/>
      <xsl:apply-templates mode="#current"/>
    </xsl:element>
  </xsl:template>

</xsl:stylesheet>
