"""Running the XSLT 3.0 stylesheets in ``xslt/`` with saxonche.

The source is always parsed by :mod:`xmlsafe` (XInclude applied, no DTD or
network access) and handed to Saxon as a string without its DOCTYPE, so
Saxon never fetches anything. Each stylesheet is compiled once per process.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import saxonche
from lxml import etree

from . import resources, xmlsafe
from .errors import TeiToolError

TT_NS = "https://tei-tool.org/ns/1.0"
"""The project namespace of the stylesheets' global parameters and functions (prefix ``tt``)."""


class TransformError(TeiToolError, RuntimeError):
    """A stylesheet failed to compile or stopped with a dynamic error or ``xsl:message terminate``."""


@dataclass
class TransformResult:
    """The principal output and every ``xsl:result-document``, serialised."""

    principal: str
    documents: dict[str, str] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)


_processors: dict[str, saxonche.PySaxonProcessor] = {}  # by the URI schemes each may open
_executables: dict[str, saxonche.PyXsltExecutable] = {}

_PARSER_LIMIT = "http://saxon.sf.net/feature/parserProperty?uri=http%3A%2F%2Fwww.oracle.com%2Fxml%2Fjaxp%2Fproperties%2F"
# Saxon's XML parser ships with strict limits (100 levels deep, 200 attributes,
# 100,000 characters written as entity references such as ``&amp;``), which
# ordinary documents libxml2 has already read safely can exceed.  These are
# the Java platform's usual limits, with libxml2's own for depth and names.
# Entity expansion stays strictly limited.
_PARSER_LIMITS = {
    "maxElementDepth": "1000",
    "elementAttributeLimit": "10000",
    "maxXMLNameLimit": "50000",
    "maxGeneralEntitySizeLimit": "0",
    "totalEntitySizeLimit": "50000000",
}


def saxon() -> saxonche.PySaxonProcessor:
    """This process's Saxon processor for the stylesheets, which reads local files only."""
    return _processor_opening("file")


def saxon_opening_no_uri() -> saxonche.PySaxonProcessor:
    """This process's Saxon processor for Schematron, which opens no URI at all: a schema's rules
    see only the documents tei-tool has parsed and hands them, so one that comes with a download
    cannot read local files (``doc()``, ``unparsed-text()``, an external entity in ``parse-xml()``)."""
    return _processor_opening("")


def _processor_opening(protocols: str) -> saxonche.PySaxonProcessor:
    """A processor that may open URIs of the comma-separated ``protocols`` only, made once per process."""
    if protocols not in _processors:
        processor = saxonche.PySaxonProcessor(license=False)
        processor.set_configuration_property("http://saxon.sf.net/feature/allowedProtocols", protocols)
        for name, value in _PARSER_LIMITS.items():
            processor.set_configuration_property(_PARSER_LIMIT + name, value)
        _processors[protocols] = processor
    return _processors[protocols]


def saxon_started() -> bool:
    """Whether this process runs Saxon already (a process that does must not be forked)."""
    return bool(_processors)


@contextlib.contextmanager
def saxon_stderr_captured() -> Iterator[list[str]]:
    """Collect what Saxon's native code prints on file descriptor 2.

    Saxon reports stylesheet errors there in addition to raising; we fold
    that text into our own message instead of letting it reach the terminal.
    """
    captured: list[str] = []
    with tempfile.TemporaryFile() as sink:
        saved = os.dup(2)
        os.dup2(sink.fileno(), 2)
        try:
            yield captured
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            captured.append(sink.read().decode("utf-8", "replace"))


def saxon_detail(exc: Exception, stderr_text: str) -> str:
    lines = [line.strip() for line in stderr_text.splitlines() if line.strip()]
    return " ".join(lines) or str(exc).strip() or exc.__class__.__name__


def executable(stylesheet: str) -> saxonche.PyXsltExecutable:
    """The compiled stylesheet ``stylesheet`` (a file name in ``xslt/``), compiled on first use."""
    if stylesheet not in _executables:
        path = resources.xslt_dir() / stylesheet
        if not path.is_file():
            raise TransformError(f"no stylesheet {stylesheet} in {resources.xslt_dir()}")
        compiler = saxon().new_xslt30_processor()
        with saxon_stderr_captured() as stderr:
            try:
                compiled = compiler.compile_stylesheet(stylesheet_file=str(path))
            except saxonche.PySaxonApiError as exc:
                compiled, error = None, exc
        if compiled is None:
            raise TransformError(f"{path}: the stylesheet does not compile: {saxon_detail(error, stderr[0])}")
        _executables[stylesheet] = compiled
    return _executables[stylesheet]


def _load(source: Path | xmlsafe.Document) -> xmlsafe.Document:
    return source if isinstance(source, xmlsafe.Document) else xmlsafe.load(source)


def _collect_documents(output_dir: Path) -> dict[str, str]:
    return {
        path.relative_to(output_dir).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(output_dir.rglob("*"))
        if path.is_file()
    }


def _clark(name: str) -> str:
    return name.replace("tt:", "{" + TT_NS + "}", 1) if name.startswith("tt:") else name


def transform(stylesheet: str, source: Path | xmlsafe.Document, params: dict[str, str] | None = None,
              template: str | None = None) -> TransformResult:
    """Apply ``stylesheet`` to ``source`` (or call its named ``template`` with ``source``
    as the global context item) and return everything it produced.

    ``params`` are passed as strings to the stylesheet's global parameters
    (declared in the ``tt:`` project namespace, e.g. ``{"tt:title": …}``
    or ``{"title": …}`` for an unprefixed name). ``xsl:message`` output is
    kept in :attr:`TransformResult.messages`; a dynamic error or a
    terminating message raises :class:`TransformError`.
    """
    compiled = executable(stylesheet)
    document = _load(source)
    # The root element only: no DOCTYPE for Saxon to resolve.
    text = etree.tostring(document.root, encoding="unicode")
    processor = saxon()
    compiled.clear_parameters()
    for name, value in (params or {}).items():
        compiled.set_parameter(_clark(name), processor.make_string_value(value))
    compiled.set_save_xsl_message(True)
    compiled.clear_xsl_messages()
    output_dir = Path(tempfile.mkdtemp(prefix="tei-tool-xslt-"))
    try:
        with saxon_stderr_captured() as stderr:
            try:
                node = processor.parse_xml(xml_text=text)
                base_output = output_dir.as_uri() + "/"
                compiled.set_base_output_uri(base_output)
                compiled.set_global_context_item(xdm_item=node)
                if template is None:
                    principal = compiled.apply_templates_returning_string(xdm_value=node, base_output_uri=base_output)
                else:
                    principal = compiled.call_template_returning_string(_clark(template), base_output_uri=base_output)
                error = None
            except saxonche.PySaxonApiError as exc:
                principal, error = None, exc
        messages = [str(item) for item in (compiled.get_xsl_messages() or [])]
        if error is not None:
            detail = "; ".join(messages) or saxon_detail(error, stderr[0])
            raise TransformError(f"{document.display_name}: error: [xslt] {stylesheet} stopped: {detail}")
        return TransformResult(principal=principal or "", documents=_collect_documents(output_dir), messages=messages)
    finally:
        shutil.rmtree(output_dir, ignore_errors=True)

