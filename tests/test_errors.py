"""Every error tei-tool raises on purpose is a TeiToolError, so that one except clause catches them all."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import tei_tool
from tei_tool import export
from tei_tool.errors import TeiToolError

LETTERS = Path(__file__).parent / "fixtures" / "entities" / "purge-letters.xml"
INTERNAL = {"PatternLimitError", "DatatypeError", "RegexError",  # the RELAX NG engine turns them into SchemaError
            "_Ambiguous"}  # how the XSD regex check says a pattern needs the linear matcher; never leaves it


def test_every_error_class_of_tei_tool_is_under_the_root():
    classes = []
    for module in pkgutil.walk_packages(tei_tool.__path__, "tei_tool."):
        for _, cls in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
            if issubclass(cls, BaseException) and cls.__module__ == module.name and cls.__name__ not in INTERNAL:
                classes.append(cls)
    assert {"InvalidEdition", "TransformError", "PdfError", "ExportError", "OutputError"} <= {c.__name__ for c in classes}
    assert [c.__name__ for c in classes if not issubclass(c, TeiToolError)] == []


@pytest.mark.parametrize("call", [
    lambda: export.render(["id"], [], "xlsx"),
    lambda: export.selected_kinds("people"),
    lambda: export.table(export.build_index([LETTERS]), "people"),
    lambda: export.export_table([LETTERS], "all"),
    lambda: export.export_table([LETTERS], "persons", "xlsx"),
    lambda: export.export_registers([LETTERS], Path("unused"), "xlsx"),
    lambda: export.export_table([Path("not-read.xml")], "people"),  # refused before any file is read
    lambda: export.export_registers([Path("not-read.xml")], Path("unused"), "xlsx"),
])
def test_an_unknown_export_kind_or_format_is_a_tei_tool_error(call):
    with pytest.raises(TeiToolError, match="^unknown .*; choose one of ") as raised:
        call()
    assert isinstance(raised.value, ValueError)
