"""The workbook's contract, shared by the xlsx exporter and importer (no openpyxl here).

What :mod:`exporters.xlsx` writes and :mod:`importers.xlsx` reads back: the sheet names, where a
table starts, the rows of the basic sheet, the records of the very hidden sheet that maps every
cell back to the report, and the reversible escaping of text that XML cannot carry. Both sides
import this module; neither imports the other.
"""

from __future__ import annotations

import re

from models.storage import FORMAT_ID as REPORT_FORMAT_ID
from models.template import SectionSpec

WORKBOOK_FORMAT = f"{REPORT_FORMAT_ID}/xlsx"
WORKBOOK_SCHEMA = 1
AUTHOR = "年报编辑器"
BASIC_SHEET = "基本情况"
META_SHEET = "年报编辑器数据"  # very hidden: the map back to the report
TABLE_ORIGIN = (2, 1)  # 1-based (row, column) of grid cell (0, 0); row 1 holds the section title
#: Metadata rows of the basic sheet: (Meta attribute, label in column A).
META_FIELDS: tuple[tuple[str, str], ...] = (
    ("agency", "机关名称"),
    ("year", "年度"),
    ("level", "机关层级"),
    ("date", "落款日期"),
    ("title", "报告标题（原文）"),
)
FORMAT_LABEL = "格式"

# Records of the hidden sheet, one per row, kind in column A.
REC_HEADER = "workbook"
REC_SHEET = "sheet"  # section, sheet name
REC_CELL = "cell"  # section, row, column, sheet, coordinate, filled at export (1/0)
REC_META = "meta"  # field, sheet, coordinate
REC_TEXT = "text"  # section, sheet, heading coordinate, first line row, line count, continuation rows
REC_NOTE = "note"  # section, sheet, coordinate
REC_ACCEPTANCE = "acceptance"  # rule, accepted_at, cells JSON, explanation (chunked to the right)
REC_PREVIOUS = "previous"  # the report file's ``previous`` block as JSON (chunked to the right)

_ILLEGAL = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\r\\ud800-\\udfff\\ufffe\\uffff"  # not in XML (CR: normalised away)
_XML_ILLEGAL = re.compile(f"[{_ILLEGAL}]")
# An underscore that would start "_xHHHH_" in the output: followed by x, four hex digits and
# either an underscore or a character that is itself written as an escape.
_ESCAPE_LOOKALIKE = re.compile(f"_(?=x[0-9A-Fa-f]{{4}}(?:_|[{_ILLEGAL}]))")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def escape_text(text: str) -> str:
    """Make any Python string storable in a cell, reversibly (OOXML ``_xHHHH_`` escapes).

    XML cannot carry control characters, a bare CR or lone surrogates; a literal ``_x0041_``
    must not be mistaken for an escape, so its underscore is escaped first.
    """
    text = _ESCAPE_LOOKALIKE.sub("_x005F_", text)
    return _XML_ILLEGAL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


def strip_xml_illegal(text: str) -> str:
    """``text`` without the characters XML cannot carry (for document properties, which are not
    cells and take no escapes)."""
    return _XML_ILLEGAL.sub("", text)


def unescape_text(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def sheet_name(section: SectionSpec) -> str:
    """``二、主动公开``: number and short title, made a valid sheet name (≤ 31, no []:*?/\\)."""
    name = re.sub(r"[\[\]:*?/\\']", "", f"{section.number}、{section.short}")
    return name[:31]


def sheet_ref(sheet: str, coordinate: str) -> str:
    """How Excel writes a reference to another sheet: ``'三、依申请公开'!D5``."""
    return f"'{sheet}'!{coordinate}"
