"""Reading back a workbook written by :mod:`exporters.xlsx`, after colleagues edited it.

The very hidden sheet says which cell holds which value; the labels printed around each value
(taken from the template's grid) prove that the cell is still where the map says. What cannot be
read — text that is not a number, a formula without a saved result, a table whose rows or
columns were inserted or deleted — becomes a finding naming the cell (``'三、依申请公开'!D5``)
and its row and column labels; nothing is guessed. A workbook without our hidden sheet is
refused with :class:`ImportFailed` (there is no way to tell which number is which).

Untrusted files are opened safely: the archive, its member count and every member's size and
compression ratio are checked before openpyxl parses anything (defusedxml guards the XML), and
any failure inside openpyxl becomes :class:`ImportFailed`.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

from importers import MAX_IMPORT_BYTES, ImportFailed, ImportResult, limit_finding
from importers.archive import check_zip
from models import limits
from models.findings import Finding
from models.grid import Grid, GridCell, grid_for
from models.normalise import squash
from models.numbers import CellParseError, NumberSpec
from models.places import locator_for
from models.progress import Cancelled, checkpoint
from models.report import LEVELS, PREFACE, Acceptance, Report
from models.storage import ReportFileError, previous_from_dict, read_file
from models.template import ReportTemplate, Severity, available_templates, load_template
from models.values import CellRef, Value
from models.workbook_map import (
    META_FIELDS,
    META_SHEET,
    REC_ACCEPTANCE,
    REC_CELL,
    REC_HEADER,
    REC_META,
    REC_NOTE,
    REC_PREVIOUS,
    REC_SHEET,
    REC_TEXT,
    WORKBOOK_FORMAT,
    WORKBOOK_SCHEMA,
    sheet_ref,
    unescape_text,
)

MAP_COLUMNS = 64  # a map row: kind, keys, coordinates, an explanation cut into cell-sized pieces
MAX_COLUMNS = 200  # columns read from any sheet (ours use fewer than 30)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and old .xls files
_PLACES = re.compile(r"\.(0+)")
_YEAR = re.compile(r"^(\d{4})(?:年|年度)?$")
_CN_DATE = re.compile(r"^(\d{4})[年./-](\d{1,2})[月./-](\d{1,2})日?$")


def import_workbook(source: str | os.PathLike[str] | BinaryIO) -> ImportResult:
    """Read a workbook exported by 年报编辑器. Raises :class:`ImportFailed` only."""
    data, name = _read_source(source)
    return import_workbook_data(data, name)


def import_workbook_data(data: bytes, name: str = "工作簿") -> ImportResult:
    """:func:`import_workbook` of bytes already read (``name`` as messages quote it)."""
    checkpoint("正在读取工作簿……")
    check_archive(data, name)
    wb = _load(data, name, data_only=True)
    try:
        return _WorkbookReader(wb, data, name).read()
    finally:
        wb.close()


# ---------------------------------------------------------------------- the file, safely


def _read_source(source: str | os.PathLike[str] | BinaryIO) -> tuple[bytes, str]:
    if isinstance(source, (str, os.PathLike)):
        p = Path(source)
        data = read_file(p, limit=MAX_IMPORT_BYTES, error=ImportFailed, kind="工作簿", too_big="不像年报工作簿")
        return data, f"“{p.name}”"
    data = source.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFailed(f"工作簿过大（超过 {MAX_IMPORT_BYTES // 1024 // 1024} MB），不像年报工作簿")
    return data, "工作簿"


def check_archive(data: bytes, name: str = "工作簿") -> None:
    """Refuse what is not a plain .xlsx, or would inflate to more than we are willing to read."""
    if data.startswith(_OLE_MAGIC):
        raise ImportFailed(f"{name}是加密的或旧版（.xls）Excel 文件；请在 Excel/WPS 中去掉打开密码、另存为 .xlsx 后再导入")
    names = check_zip(data, name, broken=f"{name}不是有效的 .xlsx 工作簿（文件已损坏、不完整，或不是 Excel 文件）")
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise ImportFailed(f"{name}不是 Excel 工作簿（.xlsx）：缺少工作簿内容；如果是 WPS 或 OpenDocument 格式，请另存为 .xlsx")


def _load(data: bytes, name: str, *, data_only: bool) -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not read
            # Read-only: sheets are parsed row by row when read, and only as far as asked
            # (_Sheet), so rows past the layout cost nothing.
            reader = _exact_strings_reader()(io.BytesIO(data), read_only=True, data_only=data_only,
                                             keep_links=False)
            reader.read()
            return reader.wb
    except (ImportFailed, Cancelled):
        raise
    except Exception as exc:  # any failure of the parser on a damaged or hostile file
        kind = type(exc).__name__
        if "Forbidden" in kind or "DTD" in kind:
            raise ImportFailed(f"{name}含有不安全的 XML 内容（{kind}），已拒绝打开") from None
        raise ImportFailed(f"{name}已损坏，无法读取（{kind}）；请在 Excel/WPS 中打开并另存为 .xlsx 后再试") from None


@cache
def _exact_strings_reader() -> type:
    """openpyxl's workbook reader, but keeping shared strings exactly as stored.

    Excel, WPS and LibreOffice keep strings in a shared table, where a literal ``_x0041_`` is
    written ``_x005F_x0041_``. openpyxl's table reader strips every ``x005F_`` yet decodes no
    other escape, so the literal would come back as ``_x0041_`` and :func:`unescape_text` would
    read it as ``A``. Kept raw, :func:`unescape_text` decodes every escape once, correctly.
    """
    from openpyxl.cell.text import Text
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    class Reader(ExcelReader):
        def read_strings(self) -> None:
            part = self.package.find(SHARED_STRINGS)
            if part is None:
                return
            tag = f"{{{SHEET_MAIN_NS}}}si"
            strings: list[str] = []
            most = limits.XLSX_MAX_SHARED_STRINGS
            with self.archive.open(part.PartName[1:]) as src:
                for _, node in iterparse(src):
                    if node.tag == tag:
                        strings.append(Text.from_tree(node).content)
                        node.clear()
                        if len(strings) % 10_000 == 0:
                            checkpoint()
                            if len(strings) > most:
                                raise ImportFailed(f"工作簿中的共享字符串超过 {most:,} 个，不像年报工作簿，"
                                                   "疑似恶意文件，已拒绝打开")
            if len(strings) > most:
                raise ImportFailed(f"工作簿中的共享字符串超过 {most:,} 个，不像年报工作簿，疑似恶意文件，已拒绝打开")
            self.shared_strings = strings

    return Reader


@dataclass(slots=True)
class _Cell:
    row: int
    column: int
    value: Any = None
    number_format: str = "General"
    data_type: str = "n"

    @property
    def coordinate(self) -> str:
        from openpyxl.utils.cell import get_column_letter

        return f"{get_column_letter(self.column)}{self.row}"


class _Sheet:
    """A rectangle of one sheet (rows 1…``max_rows``, columns 1…``max_cols``) read once in
    openpyxl's read-only mode. The sheet's XML is parsed only down to the rectangle's last row:
    a million rows below the form cost nothing. Offers the few worksheet calls the reader uses."""

    def __init__(self, ws: Any, max_rows: int, max_cols: int) -> None:
        checkpoint(f"正在读取工作表“{ws.title}”……")
        self.title: str = ws.title
        self.max_rows, self.max_cols = max_rows, max_cols
        self._cells: dict[tuple[int, int], _Cell] = {}
        self.max_row = self.max_column = 0
        for r, row in enumerate(ws.iter_rows(min_row=1, max_row=max_rows, max_col=max_cols), start=1):
            if r % 2000 == 0:
                checkpoint()
            for c, cell in enumerate(row, start=1):
                value = cell.value
                if value is None:
                    continue
                self._cells[(r, c)] = _Cell(r, c, value, getattr(cell, "number_format", None) or "General",
                                            getattr(cell, "data_type", "n") or "n")
                self.max_row, self.max_column = max(self.max_row, r), max(self.max_column, c)

    @property
    def cut(self) -> bool:
        """Content reaches the rectangle's last row: the sheet may go on below it."""
        return self.max_row >= self.max_rows

    def cell(self, row: int, column: int) -> _Cell:
        return self._cells.get((row, column)) or _Cell(row, column)

    def __getitem__(self, coordinate: str) -> _Cell:
        return self.cell(*_rc(coordinate))

    def iter_rows(self, *, min_row: int, max_row: int, max_col: int) -> Iterator[list[_Cell]]:
        for r in range(min_row, max_row + 1):
            yield [self.cell(r, c) for c in range(1, max_col + 1)]


# ---------------------------------------------------------------------- the hidden map


@dataclass(frozen=True)
class _Map:
    template: ReportTemplate
    sheets: dict[str, str]  # section -> sheet name
    cells: dict[CellRef, tuple[str, str, bool]]  # ref -> sheet, coordinate, filled at export
    meta: dict[str, tuple[str, str]]  # field -> sheet, coordinate
    texts: dict[str, tuple[str, str, int, int, tuple[int, ...]]]  # heading, first row, count, continued
    notes: dict[str, tuple[str, str]]
    acceptances: list[Acceptance]
    previous: list[str] = dataclasses.field(default_factory=list)  # the ``previous`` block's JSON, in chunks


def _rows(ws: Any) -> Iterator[list[Any]]:
    # One row past the limit: a longer map is damaged (a report needs ~450 rows).
    for n, row in enumerate(ws.iter_rows(max_row=limits.XLSX_MAX_MAP_ROWS + 1, max_col=MAP_COLUMNS,
                                         values_only=True), start=1):
        if n > limits.XLSX_MAX_MAP_ROWS:
            raise ValueError("map too long")
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        if values:
            yield [unescape_text(v) if isinstance(v, str) else v for v in values]


def _read_map(wb: Any, name: str) -> _Map:
    if META_SHEET not in wb.sheetnames:
        raise ImportFailed(
            f"{name}不是年报编辑器导出的工作簿（缺少隐藏的“{META_SHEET}”工作表），无法确定各个数字属于哪一栏。"
            "请用年报编辑器“导出 Excel…”生成的工作簿填写后再导入")
    broken = ImportFailed(f"{name}中隐藏的“{META_SHEET}”工作表已损坏，无法确定各个数字的位置；请重新从年报编辑器导出")
    try:
        rows = list(_rows(wb[META_SHEET]))
    except ValueError:
        raise broken from None
    if not rows or rows[0][:2] != [REC_HEADER, WORKBOOK_FORMAT] or len(rows[0]) < 4:
        raise broken
    schema, template_id = rows[0][2], rows[0][3]
    if not isinstance(schema, int) or schema < 1:
        raise broken
    if schema > WORKBOOK_SCHEMA:
        raise ImportFailed(f"{name}由更新版本的年报编辑器导出（格式版本 {schema}），请升级年报编辑器后再导入")
    if not isinstance(template_id, str) or template_id not in available_templates():
        raise ImportFailed(f"{name}使用未知的报告格式模板 {template_id!r}（本程序支持：{'、'.join(available_templates())}）")
    t = load_template(template_id)
    m = _Map(t, {}, {}, {}, {}, {}, [])
    try:
        for row in rows[1:]:
            _record(m, row, wb.sheetnames)
    except _MissingSheet as exc:
        raise ImportFailed(f"{name}中找不到工作表“{exc.args[0]}”；如果改过工作表的名称，请改回“{exc.args[0]}”后再导入，"
                           "工作表也不要删除") from None
    except (ValueError, TypeError, KeyError, IndexError):
        raise broken from None
    return m


class _MissingSheet(Exception):
    """A sheet named in the map is gone (renamed or deleted by the user)."""


def _record(m: _Map, row: list[Any], sheetnames: list[str]) -> None:
    kind = row[0]
    t = m.template

    def sheet(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(value)
        if value not in sheetnames:
            raise _MissingSheet(value)
        return value

    if kind == REC_SHEET:
        t.section(row[1])
        m.sheets[row[1]] = sheet(row[2])
    elif kind == REC_CELL:
        ref = CellRef(row[1], row[2], row[3])
        if t.cell(*ref) is None or ref in m.cells:
            raise ValueError(ref)
        m.cells[ref] = (sheet(row[4]), _coordinate(row[5]), bool(row[6]))
    elif kind == REC_META:
        if row[1] not in dict(META_FIELDS):
            raise ValueError(row[1])
        m.meta[row[1]] = (sheet(row[2]), _coordinate(row[3]))
    elif kind == REC_TEXT:
        if row[1] != PREFACE and t.section(row[1]).is_table:
            raise ValueError(row[1])
        continued = tuple(int(x) for x in str(row[6] or "").split(",") if x) if len(row) > 6 else ()
        m.texts[row[1]] = (sheet(row[2]), _coordinate(row[3]), int(row[4]), int(row[5]), continued)
    elif kind == REC_NOTE:
        t.section(row[1])
        m.notes[row[1]] = (sheet(row[2]), _coordinate(row[3]))
    elif kind == REC_ACCEPTANCE:
        cells = tuple(CellRef(*c) for c in json.loads(row[3]))
        if not isinstance(row[1], str) or any(t.cell(*c) is None for c in cells):
            raise ValueError(row)
        explanation = "".join(str(x) for x in row[4:] if x is not None)
        m.acceptances.append(Acceptance(row[1], cells, explanation, str(row[2] or "")))
    elif kind == REC_PREVIOUS:
        m.previous.extend(str(x) for x in row[1:] if x is not None)


def _rc(coordinate: str) -> tuple[int, int]:
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    letters, row = coordinate_from_string(coordinate)
    return row, column_index_from_string(letters)


def _coordinate(value: Any) -> str:
    try:
        row, col = _rc(value)
    except Exception:  # openpyxl raises its own exception types for a malformed coordinate
        raise ValueError(value) from None
    if not (1 <= row <= 1_048_576 and 1 <= col <= 16_384):
        raise ValueError(value)
    return str(value)


# ---------------------------------------------------------------------- layout checks


@cache
def _governing(template: ReportTemplate, section: str) -> dict[CellRef, tuple[GridCell, ...]]:
    """For each value cell, the printed cells that say what it is: the row labels beside it and
    the headers above it in its own block (up to the previous block's values)."""
    grid = grid_for(template, section)
    out: dict[CellRef, tuple[GridCell, ...]] = {}
    for v in grid.value_cells:
        assert v.ref is not None
        found: dict[tuple[int, int], GridCell] = {}
        for col in range(grid.label_cols):
            g = grid.at(v.row, col)
            if g is not None and not g.is_value:
                found[(g.row, g.col)] = g
        seen_header = False
        for row in range(v.row - 1, -1, -1):
            g = grid.at(row, v.col)
            if g is None:
                continue
            if g.is_value:
                if seen_header:
                    break
                continue
            seen_header = True
            found[(g.row, g.col)] = g
        out[v.ref] = tuple(found.values())
    return out


def _same_label(expected: str, actual: Any) -> bool:
    text = unescape_text(actual) if isinstance(actual, str) else ("" if actual is None else str(actual))
    return squash(text) == squash(expected)


# ---------------------------------------------------------------------- reading


class _WorkbookReader:
    def __init__(self, wb: Any, data: bytes, name: str) -> None:
        self.wb = wb
        self.data = data
        self.name = name
        self.map = _read_map(wb, name)
        self.bounds = self._bounds()
        self.sheets: dict[str, _Sheet] = {}
        self.t = self.map.template
        self.report = Report.blank(self.t)
        self.findings: list[Finding] = []
        self.describe = locator_for(self.t).where
        self.order = {CellRef(c.section, c.row, c.column): i for i, c in enumerate(self.t.all_cells())}
        self.section_order = {s.key: i * 10_000 for i, s in enumerate(self.t.sections)}

    def _bounds(self) -> dict[str, tuple[int, int]]:
        """How far each sheet is read: the cells the map places there, with a margin for stray
        content beside a table and paragraphs added below a text; never more than the limits."""
        rows: dict[str, int] = {}
        cols: dict[str, int] = {}

        def reach(sheet: str, row: int, col: int) -> None:
            rows[sheet] = max(rows.get(sheet, 0), row)
            cols[sheet] = max(cols.get(sheet, 0), col)

        margin = limits.XLSX_STRAY_MARGIN
        for sheet, coord, _ in self.map.cells.values():
            r, c = _rc(coord)
            reach(sheet, r + margin, c + margin)
        for sheet, coord in [*self.map.meta.values(), *self.map.notes.values()]:
            r, c = _rc(coord)
            reach(sheet, r + margin, c + margin)
        for sheet, coord, first, count, _ in self.map.texts.values():
            r, c = _rc(coord)
            reach(sheet, max(r, first) + count + limits.XLSX_TEXT_MARGIN, c + 2)
        return {sheet: (min(rows[sheet], limits.XLSX_MAX_SHEET_ROWS), min(cols[sheet], MAX_COLUMNS)) for sheet in rows}

    def sheet(self, name: str, wb: Any = None) -> _Sheet:
        """The sheet's rectangle, read on first use (``wb``: another reading of the same file)."""
        if wb is not None:
            return _Sheet(wb[name], *self.bounds.get(name, (limits.XLSX_STRAY_MARGIN, limits.XLSX_STRAY_MARGIN)))
        if name not in self.sheets:
            self.sheets[name] = self.sheet(name, self.wb)
        return self.sheets[name]

    def read(self) -> ImportResult:
        try:
            self._values()
            self._meta()
            self._texts()
            self._notes()
            self._stray()
        except (ImportFailed, Cancelled):
            raise
        except Exception as exc:  # a workbook shaped in a way no check above foresaw
            raise ImportFailed(f"{self.name}无法读取（{type(exc).__name__}）；请重新从年报编辑器导出后再填写") from None
        self.report.acceptances = list(self.map.acceptances)
        self._previous()
        return ImportResult(self.report, sorted(self.findings, key=lambda f: f.order))

    def _previous(self) -> None:
        """Last year's figures the report kept (``previous``); a damaged record loses only them."""
        if not self.map.previous:
            return
        try:
            raw = json.loads("".join(self.map.previous), parse_float=Decimal)
            self.report.previous = previous_from_dict(raw, source=self.name)
        except (ValueError, RecursionError, ReportFileError):
            self._add("import.previous", "warning",
                      f"{self.name}中保存的上年报告数据已损坏，未导入；如需核对结转数，请重新关联上年报告")

    # ------------------------------------------------------------------ findings

    def _add(self, rule: str, severity: Severity, message: str, *, ref: CellRef | None = None,
             section: str | None = None, actual: Any = None, order: int | None = None) -> None:
        self.findings.append(Finding(
            rule=rule, severity=severity,
            section=ref.section if ref else section, cells=(ref,) if ref else (),
            total_cell=ref if ref and rule == "value.type" else None, expected=None,
            actual=actual if actual is None or isinstance(actual, (int, Decimal, str)) else str(actual),
            message=message, key=(rule, ref or section or len(self.findings)),
            order=order if order is not None else (
                self.section_order[ref.section] + self.order[ref] if ref else self.section_order.get(section or "", 0)),
        ))

    # ------------------------------------------------------------------ table values

    def _values(self) -> None:
        blanks: list[tuple[CellRef, str, str, bool]] = []
        moved_sheets: dict[str, tuple[str, str, Any]] = {}
        for ref in self.report.cell_refs():
            where = self.map.cells.get(ref)
            if where is None:
                self._add("format", "error", f"工作簿中没有{self.describe(ref)}的位置，未读取", ref=ref)
                continue
            sheet, coord, filled = where
            ws = self.sheet(sheet)
            place = f"{sheet_ref(sheet, coord)}（{self.describe(ref)}）"
            broken = self._check_labels(ws, ref, coord)
            if broken:
                label_coord, expected, actual = broken
                moved_sheets.setdefault(sheet, (label_coord, expected, actual))
                self._add("format", "error",
                          f"{place}：表格的行或列已被插入、删除或移动（{label_coord} 应为“{expected}”，现为“{actual}”），"
                          "无法确认此处的数字属于哪一格，未读取；请恢复原表格的行列后重新导入", ref=ref)
                continue
            cell = ws[coord]
            raw = cell.value
            if raw is None:
                blanks.append((ref, sheet, coord, filled))
                continue
            self._value(ref, place, raw, getattr(cell, "number_format", "General"))
        sections = {v: k for k, v in self.map.sheets.items()}
        for sheet, (label_coord, expected, actual) in moved_sheets.items():
            section = sections.get(sheet)
            self._add("format", "error",
                      f"工作表“{sheet}”的表格版式已被改动（{label_coord} 应为“{expected}”，现为“{actual}”），"
                      "受影响的数字未读取，见下列各格", section=section,
                      order=self.section_order.get(section or "", 0) - 1)
        self._blanks(blanks)

    def _check_labels(self, ws: Any, ref: CellRef, coord: str) -> tuple[str, str, str] | None:
        grid: Grid = grid_for(self.t, ref.section)
        pos = grid.position(ref)
        assert pos is not None
        row, col = _rc(coord)
        d_row, d_col = row - pos[0], col - pos[1]
        for g in _governing(self.t, ref.section)[ref]:
            r, c = g.row + d_row, g.col + d_col
            if r < 1 or c < 1:
                return (f"{ws.title}!R{r}C{c}", g.text, "（表格之外）")
            actual = ws.cell(r, c).value
            if not _same_label(g.text, actual):
                shown = "空" if actual in (None, "") else str(actual)
                return (sheet_ref(ws.title, ws.cell(r, c).coordinate), g.text, shown)
        return None

    def _value(self, ref: CellRef, place: str, raw: Any, number_format: str) -> None:
        spec = self.t.cell(*ref)
        assert spec is not None
        try:
            value, note = read_number(raw, spec.number, number_format)
        except CellParseError as exc:
            self._add("value.type", "error", f"{place}：{exc}", ref=ref, actual=_shown(raw))
            return
        self.report.values[ref] = value
        if note:
            self._add("value.unit_text", "info", f"{place}：{note}", ref=ref, actual=_shown(raw))

    def _blanks(self, blanks: list[tuple[CellRef, str, str, bool]]) -> None:
        """Blank cells are blank — unless a formula left no result, or a number was deleted."""
        if not blanks:
            return
        formulas: dict[tuple[str, str], str] = {}
        wb = _load(self.data, self.name, data_only=False)  # the same rectangles, formulas as written
        try:
            read: dict[str, _Sheet] = {}
            for _, sheet, coord, _ in blanks:
                if sheet not in read:
                    read[sheet] = self.sheet(sheet, wb)
                cell = read[sheet][coord]
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
                    formulas[(sheet, coord)] = str(getattr(cell.value, "text", cell.value))
        finally:
            wb.close()
        for ref, sheet, coord, filled in blanks:
            place = f"{sheet_ref(sheet, coord)}（{self.describe(ref)}）"
            formula = formulas.get((sheet, coord))
            if formula is not None:
                self._add("value.type", "error",
                          f"{place}：是公式“{formula}”，但文件中没有保存它的计算结果（可能由不计算公式的程序保存），未读取；"
                          "请在 Excel 或 WPS 中打开并保存一次，或直接填写数字", ref=ref, actual=formula)
            elif filled:
                self._add("value.missing", "warning",
                          f"{place}：导出时填有数字，现在为空（已被删除），按未填写读取；没有发生请填 0", ref=ref)

    # ------------------------------------------------------------------ basic sheet

    def _locate(self, sheet: str, coord: str, label: str) -> tuple[Any, int] | None:
        """The row holding ``label`` in column A: the mapped row if it still does, else the
        row it moved to (its label moved with it), else None."""
        ws = self.sheet(sheet)
        row = ws[coord].row
        if _same_label(label, ws.cell(row, 1).value):
            return ws, row
        hits = [r for r in range(1, ws.max_row + 1) if _same_label(label, ws.cell(r, 1).value)]
        return (ws, hits[0]) if len(hits) == 1 else None

    def _meta(self) -> None:
        labels = dict(META_FIELDS)
        for field, (sheet, coord) in self.map.meta.items():
            found = self._locate(sheet, coord, labels[field])
            if found is None:
                self._add("format", "error",
                          f"工作表“{sheet}”中找不到“{labels[field]}”一行（A 列），{labels[field]}未读取", order=-1)
                continue
            ws, row = found
            cell = ws.cell(row, ws[coord].column)
            try:
                setattr(self.report.meta, field, read_meta(field, cell.value))
            except ValueError as exc:
                self._add("format", "error", f"{sheet_ref(sheet, cell.coordinate)}（{labels[field]}）：{exc}",
                          actual=_shown(cell.value), order=-1)

    def _texts(self) -> None:
        headings: dict[str, tuple[Any, int]] = {}
        for key, (sheet, coord, *_rest) in self.map.texts.items():
            title = self.report.text_title(key)
            found = self._locate(sheet, coord, title)
            if found is None:
                self._add("format", "error", f"工作表“{sheet}”中找不到“{title}”的标题行，这部分文字未读取",
                          section=key)
                continue
            headings[key] = found
        for key, (ws, row) in headings.items():
            _, _, first, count, continued = self.map.texts[key]
            later = [r for w, r in headings.values() if w is ws and r > row]
            # the last text runs to the last row with content, and at least over its own rows
            # (its last lines may be empty: a blank row holds no value)
            end = min(later) - 1 if later else max(ws.max_row, row + count)
            lines: list[str] = []
            if not later and ws.cut:
                self.findings.append(limit_finding(
                    f"工作表“{ws.title}”超过 {ws.max_rows:,} 行，只读取了前 {ws.max_rows:,} 行；"
                    f"“{self.report.text_title(key)}”的文字可能不完整，请核对结尾", len(self.findings), key))
            for r in range(row + 1, end + 1):
                lines.append(_text(ws.cell(r, 1).value))
                extra = ws.cell(r, 2).value
                # B is merged into A on every text row: text in B was typed after unmerging
                if extra not in (None, ""):
                    self._add("format", "warning",
                              f"{sheet_ref(ws.title, ws.cell(r, 2).coordinate)}：“{self.report.text_title(key)}”的文字"
                              "应写在 A 列（合并单元格）中，B 列的内容未读取", section=key)
            if len(lines) > count and not any(lines[count:]):
                lines = lines[:count]  # empty rows below the last narrative
            joins = set(continued) if len(lines) == count and row + 1 == first else set()
            text = "".join(("" if i in joins or i == 0 else "\n") + line for i, line in enumerate(lines))
            self.report.texts[key] = text

    def _notes(self) -> None:
        """The note is the text in its merged row under the table; anything else there is reported."""
        changed = {f.section for f in self.findings if f.rule == "format" and f.section and not f.cells}
        for key, (sheet, coord) in self.map.notes.items():
            ws = self.sheet(sheet)
            anchor = ws[coord]
            width = grid_for(self.t, key).n_cols
            crowded = any(_text(ws.cell(anchor.row, c).value).strip()
                          for c in range(anchor.column + 1, anchor.column + width))
            if key in changed or crowded:
                self._add("format", "warning", f"工作表“{sheet}”的表格版式已被改动，{coord} 处的表注未读取", section=key)
                continue
            text = _text(anchor.value)
            if text:
                self.report.notes[key] = text

    def _stray(self) -> None:
        """Content of a table sheet outside every cell of the form: moved rows, numbers typed
        beside the table. Reported (not read), a few coordinates per sheet."""
        for key, sheet in self.map.sheets.items():
            ws = self.sheet(sheet)
            grid = grid_for(self.t, key)
            mapped = [(ref, _rc(coord)) for ref, (s, coord, _) in self.map.cells.items() if s == sheet]
            if not mapped:
                continue
            ref, (row, col) = mapped[0]
            pos = grid.position(ref)
            assert pos is not None
            r0, c0 = row - pos[0], col - pos[1]  # where the grid starts in this sheet
            known = {(r0 + c.row, c0 + c.col) for c in grid.cells} | {(r0 - 1, c0)} | {rc for _, rc in mapped}
            known |= {_rc(coord) for s, coord in self.map.notes.values() if s == sheet}
            stray: list[str] = []
            margin = limits.XLSX_STRAY_MARGIN
            for cells in ws.iter_rows(min_row=1, max_row=min(ws.max_row, r0 + grid.n_rows + margin),
                                      max_col=min(ws.max_column, c0 + grid.n_cols + margin)):
                for cell in cells:
                    if (cell.row, cell.column) not in known and _text(cell.value).strip():
                        stray.append(f"{cell.coordinate}“{_text(cell.value)[:12]}”")
            if stray:
                more = f"等 {len(stray)} 格" if len(stray) > 5 else ""
                self._add("format", "warning",
                          f"工作表“{sheet}”中 {'、'.join(stray[:5])}{more}不在表格的任何一格中，未读取；"
                          "是否插入、删除或移动了行列？请对照原表格核对", section=key,
                          order=self.section_order[key] - 1)


# ---------------------------------------------------------------------- cell values


def read_number(raw: Any, spec: NumberSpec, number_format: str = "General") -> tuple[Value, str | None]:
    """A cell's value as its column's spec reads it, and a note when a unit or blank mark was dropped.

    Raises :class:`CellParseError` (Chinese message) for anything that is not such a number.
    """
    if isinstance(raw, bool):
        raise CellParseError(f"填写了逻辑值“{'TRUE' if raw else 'FALSE'}”，不是数字")
    if isinstance(raw, (datetime, date, time)):
        raise CellParseError(f"是日期或时间（{raw}），不是数字；请把单元格格式改为“常规”后重新填写")
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and raw != raw:  # pragma: no cover - NaN cannot be stored in xlsx
            raise CellParseError("不是数字")
        # A float as Excel shows it: 15 significant digits (0.1+0.2 is 0.3, not 0.30000000000000004).
        number = Decimal(format(raw, ".15g")) if isinstance(raw, float) else Decimal(raw)
        if number == number.to_integral_value():
            number = Decimal(int(number))
        if not spec.whole:
            places = _format_places(number_format)
            if places and places > -int(number.as_tuple().exponent):
                number = number.quantize(Decimal(1).scaleb(-places))  # 68.640 written as 68.64 + "0.000"
        return spec.parse(format(number, "f")).value, None
    if not isinstance(raw, str):
        raise CellParseError(f"“{raw}”不是数字")
    text = unescape_text(raw)
    if text.strip().startswith("#"):
        raise CellParseError(f"是 Excel 错误值“{text.strip()}”，不是数字；请检查公式")
    parsed = spec.parse(text, allow_units=True)
    if parsed.blank_mark:
        return None, f"填写了“{parsed.blank_mark}”，按未填写读取；没有发生请填 0"
    if parsed.unit_text:
        return parsed.value, f"填写的“{text.strip()}”带有单位，已读取为 {parsed.value}，“{parsed.unit_text}”已去掉"
    return parsed.value, None


def _format_places(number_format: str) -> int | None:
    if not number_format or number_format == "General":
        return None
    m = _PLACES.search(number_format.split(";")[0])
    return len(m.group(1)) if m else 0


def read_meta(field: str, raw: Any) -> Any:
    """A metadata cell as the report keeps it; ValueError (Chinese) when it cannot be."""
    if field == "agency":
        return _text(raw)
    if field == "year":
        if raw is None or raw == "":
            return None
        if isinstance(raw, bool):
            raise ValueError("年度应为四位数字，如 2024")
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, int):
            year = raw
        else:
            m = _YEAR.match(squash(_text(raw)))
            if not m:
                raise ValueError(f"“{_text(raw)}”不是年度，应为四位数字，如 2024")
            year = int(m.group(1))
        if not 1900 <= year <= 2999:
            raise ValueError(f"年度 {year} 无效，应为四位数字，如 2024")
        return year
    if field == "level":
        text = _text(raw).strip()
        if not text:
            return None
        by_label = {v: k for k, v in LEVELS.items()}
        if text in by_label:
            return by_label[text]
        if text in LEVELS:
            return text
        raise ValueError(f"“{text}”不是可选的机关层级（{'、'.join(LEVELS.values())}）")
    if field == "date":
        if isinstance(raw, datetime):
            return raw.date().isoformat()
        if isinstance(raw, date):
            return raw.isoformat()
        text = _text(raw)
        m = _CN_DATE.match(squash(text))
        if m and not re.match(r"^\d{4}-\d{2}-\d{2}$", text):
            y, mo, d = (int(x) for x in m.groups())
            try:
                return date(y, mo, d).isoformat()
            except ValueError:
                raise ValueError(f"“{text}”不是有效日期") from None
        return text or None
    # title
    text = _text(raw)
    return text or None


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, str):
        return unescape_text(raw)
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, (datetime, date)):
        return raw.isoformat()
    return str(raw)


def _shown(raw: Any) -> str:
    return _text(raw) if not isinstance(raw, float) else repr(raw)
