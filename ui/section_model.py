"""SectionTableModel: one table section (二、三、四) laid out like the printed form.

Header rows and label columns live inside the model (from ``models.grid``); the view spans
them. Every role is an O(1) look-up in the report and the session's cached CheckResult: the
model never computes a rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QFont

from models.findings import SEVERITY_LABEL, Finding
from models.grid import Grid, GridCell, grid_for
from models.numbers import CellParseError, format_value
from models.values import CellRef
from ui import theme
from ui.session import DocumentSession

R = Qt.ItemDataRole
CellRefRole = Qt.ItemDataRole.UserRole + 1
KindRole = Qt.ItemDataRole.UserRole + 2
NumberSpecRole = Qt.ItemDataRole.UserRole + 3  # what a value cell may hold (models.numbers.NumberSpec)
#: Last year's value as the cell shows it under this year's (视图 → 显示上年数据), else None.
LastYearRole = Qt.ItemDataRole.UserRole + 4

#: Roles that change when a value or its findings change.
VALUE_ROLES = [R.DisplayRole, R.EditRole, R.BackgroundRole, R.DecorationRole, R.ToolTipRole]

_Index = QModelIndex | QPersistentModelIndex
#: A blank total is not “未填写，请填 0” like an input: its figure follows from its parts.
BLANK_TOTAL = "合计未填写：可按 F9 按各项之和自动填写"


class SectionTableModel(QAbstractTableModel):
    """Adapter of one table section of the session's report.

    Signals:
        editRejected(message): typed text was not a valid value (Chinese, for the status bar).
    """

    editRejected = Signal(str)

    def __init__(self, session: DocumentSession, section_key: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.session = session
        self.section = session.report.template.section(section_key)
        self.grid: Grid = grid_for(session.report.template, section_key)
        self._related: frozenset[CellRef] = frozenset()
        self._bold: QFont | None = None
        # Cells a sum rule computes: shaded and bold (the template's rules say which, via the checker).
        self._totals = session.checker.totals()
        template = session.report.template
        self._blank_rules = frozenset(r.id for r in template.rules_of("blank_cells"))
        self._show_last_year = False
        session.cellsChanged.connect(self._on_cells_changed)
        session.previousChanged.connect(self._refresh_values)

    # ------------------------------------------------------------------ look-ups

    def cell(self, index: _Index) -> GridCell | None:
        if not index.isValid():
            return None
        return self.grid.at(index.row(), index.column())

    def anchor_cell(self, index: _Index) -> GridCell | None:
        """The grid cell whose top-left corner is ``index`` (None inside a merged area)."""
        cell = self.cell(index)
        if cell is None or cell.row != index.row() or cell.col != index.column():
            return None
        return cell

    def ref_at(self, index: _Index) -> CellRef | None:
        cell = self.anchor_cell(index)
        return cell.ref if cell is not None and cell.kind == "value" else None

    def index_of(self, ref: CellRef) -> QModelIndex:
        pos = self.grid.position(ref)
        return self.index(*pos) if pos else QModelIndex()

    def describe(self, ref: CellRef) -> str:
        return self.session.checker.describe(ref)

    @property
    def related(self) -> frozenset[CellRef]:
        return self._related

    def set_related(self, refs: Iterable[CellRef]) -> None:
        """Tint these cells (the parts of the selected total)."""
        new = frozenset(r for r in refs if r.section == self.section.key)
        if new == self._related:
            return
        changed = new ^ self._related
        self._related = new
        for ref in changed:
            idx = self.index_of(ref)
            if idx.isValid():
                self.dataChanged.emit(idx, idx, [R.BackgroundRole])

    def is_total(self, ref: CellRef) -> bool:
        """True for a cell a sum rule computes (still editable: a report's wrong total is data)."""
        return ref in self._totals

    def total_text(self, ref: CellRef) -> str:
        """How a total is computed, and that 填写合计 (F9) fills it; '' for an input cell."""
        rules = self._totals.get(ref, ())
        if not rules:
            return ""
        how = "\n".join(f"· {d}" for d in dict.fromkeys(r.description or r.id for r in rules))
        return f"合计（按 F9 可按各项之和填写本表的合计）：\n{how}"

    def blank_total(self, ref: CellRef) -> bool:
        return self.is_total(ref) and self.session.report.values.get(ref) is None

    @property
    def show_last_year(self) -> bool:
        return self._show_last_year

    def set_show_last_year(self, on: bool) -> None:
        """Show last year's value in each value cell (the delegate paints it in a quieter type)."""
        if on != self._show_last_year:
            self._show_last_year = on
            self._refresh_values()

    def last_year_text(self, ref: CellRef) -> str | None:
        """``上年 12`` under this year's value; None without last year (or a cell it lacks)."""
        change = self.session.last_year(ref)
        if change is None or not change.comparable:
            return None
        return f"上年 {format_value(change.last) or '—'}"

    def tooltip(self, ref: CellRef) -> str:
        lines = [self.describe(ref)]
        change = self.session.last_year(ref)
        if change is not None:
            lines.append(change.describe())
            carried = self.session.carried_text(ref)
            if carried:
                lines.append(carried)
        total = self.total_text(ref)
        if total:
            lines.append(total)
        for f in self.session.result.for_cell(ref):
            if f.total_cell is not None and f.total_cell != ref:
                continue  # an addend of a broken sum: the message belongs to the total
            if f.rule in self._blank_rules and self.blank_total(ref):
                lines.append(f"［{SEVERITY_LABEL[f.severity]}］{BLANK_TOTAL}")  # not “请填 0”: F9 fills it
                continue
            lines.append(_finding_line(f))
        return "\n".join(lines)

    def status_text(self, ref: CellRef) -> str:
        """One line for the status bar: where the cell is, and its most serious finding."""
        text = self.describe(ref)
        worst = self.session.result.worst_for_cell(ref)
        if worst is not None and self.blank_total(ref):
            if worst.rule in self._blank_rules:
                return f"{text}　｜　{BLANK_TOTAL}"
            return f"{text}　｜　{worst.message}（可按 F9 自动填写）"
        if worst is not None:
            return f"{text}　｜　{worst.message}"
        if self.is_total(ref):
            return f"{text}　｜　合计（F9 按各项之和填写）"
        return text

    # ------------------------------------------------------------------ Qt overrides

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self.grid.n_rows

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self.grid.n_cols

    def flags(self, index: _Index) -> Qt.ItemFlag:
        cell = self.anchor_cell(index)
        if cell is None:
            return Qt.ItemFlag.NoItemFlags if not index.isValid() else Qt.ItemFlag.ItemIsEnabled
        if cell.kind == "value":
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable  # labels: copy, never edit

    def data(self, index: _Index, role: int = R.DisplayRole) -> Any:
        cell = self.anchor_cell(index)
        if cell is None:
            return None
        if cell.kind == "value":
            return self._value_data(cell, role)
        return self._label_data(cell, role)

    def setData(self, index: _Index, value: Any, role: int = R.EditRole) -> bool:  # noqa: N802
        if role != R.EditRole:
            return False
        ref = self.ref_at(index)
        if ref is None:
            return False
        spec = self.session.report.template.cell(*ref)
        assert spec is not None
        text = "" if value is None else str(value)
        try:
            parsed = spec.number.parse(text)
        except CellParseError as exc:
            self.editRejected.emit(f"{self.describe(ref)}：{exc}；已保留原值")
            return False
        self.session.set_cells({ref: parsed.value}, f"编辑 {self.describe(ref)}")
        return True

    # ------------------------------------------------------------------ roles

    def _value_data(self, cell: GridCell, role: int) -> Any:
        ref = cell.ref
        assert ref is not None
        if role == R.DisplayRole or role == R.EditRole:
            return format_value(self.session.report.values.get(ref))
        if role == R.BackgroundRole:
            worst = self.session.result.worst_for_cell(ref)
            if worst is not None:
                return QBrush(theme.SEVERITY_BG[worst.severity])
            if ref in self._related:
                return QBrush(theme.RELATED_BG)
            if ref in self._totals:
                return QBrush(theme.TOTAL_BG)
            return None
        if role == R.FontRole:
            return self._bold_font() if ref in self._totals else None
        if role == R.DecorationRole:
            worst = self.session.result.worst_for_cell(ref)
            if worst is None or worst.severity == "info":
                return None
            if worst.severity == "warning" and self.session.report.values.get(ref) is None:
                return None  # an empty cell already shows it is empty; a page of icons would shout
            return theme.cell_icon(worst.severity)
        if role == R.ToolTipRole:
            return self.tooltip(ref)
        if role == R.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == CellRefRole:
            return ref
        if role == KindRole:
            return cell.kind
        if role == NumberSpecRole:
            return self.session.checker.spec(ref)
        if role == LastYearRole:
            return self.last_year_text(ref) if self._show_last_year else None
        return None

    def _label_data(self, cell: GridCell, role: int) -> Any:
        if role == R.DisplayRole:
            return cell.text
        if role == R.BackgroundRole:
            if cell.kind == "title":
                return QBrush(theme.TITLE_BG)
            return QBrush(theme.HEADER_BG if cell.kind in ("header", "corner") else theme.LABEL_BG)
        if role == R.ForegroundRole:
            return QBrush(theme.LABEL_FG)
        if role == R.FontRole:
            return self._bold_font() if cell.kind in ("title", "header") else None
        if role == R.TextAlignmentRole:
            if cell.kind == "label" and cell.rowspan == 1:
                return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
            return Qt.AlignmentFlag.AlignCenter
        if role == R.ToolTipRole:
            return cell.text or None
        if role == KindRole:
            return cell.kind
        return None

    def _bold_font(self) -> QFont:
        if self._bold is None:
            self._bold = QFont()
            self._bold.setBold(True)
        return self._bold

    # ------------------------------------------------------------------ session → view

    def _refresh_values(self) -> None:
        """Last year changed (or is shown or hidden): every value cell's tooltip and look."""
        for cell in self.grid.value_cells:
            idx = self.index(cell.row, cell.col)
            self.dataChanged.emit(idx, idx, [*VALUE_ROLES, LastYearRole])

    def _on_cells_changed(self, section: str, refs: tuple[CellRef, ...]) -> None:
        if section != self.section.key:
            return
        for ref in refs:
            pos = self.grid.position(ref)
            if pos is not None:
                idx = self.index(*pos)
                self.dataChanged.emit(idx, idx, VALUE_ROLES)


def _finding_line(f: Finding) -> str:
    if f.accepted:
        return f"［已接受的{SEVERITY_LABEL[f.severity]}］{f.message}（说明：{f.explanation}）"
    return f"［{SEVERITY_LABEL[f.severity]}］{f.message}"
