"""Where the stylesheets and schemas shipped with tei-tool live.

In an installed wheel they are package data (``tei_tool/xslt``,
``tei_tool/schemas``); in a source checkout they sit at the repository root.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parents[1]


def _data_dir(name: str) -> Path:
    for candidate in (_PACKAGE / name, _CHECKOUT / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"tei-tool is installed without its {name}/ directory")


def xslt_dir() -> Path:
    return _data_dir("xslt")


def schemas_dir() -> Path:
    return _data_dir("schemas")
