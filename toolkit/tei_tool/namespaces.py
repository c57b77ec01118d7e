"""The XML namespaces tei-tool reads, named once."""

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XI_NS = "http://www.w3.org/2001/XInclude"
RNG_NS = "http://relaxng.org/ns/structure/1.0"
SCH_NS = "http://purl.oclc.org/dsdl/schematron"

TEI = f"{{{TEI_NS}}}"
"""How lxml's name of a TEI element begins: ``f"{TEI}persName"``."""
XML_ID = f"{{{XML_NS}}}id"
