"""Qt models of a folder review: the reports, the units × years matrix, one report's problems.

They adapt :mod:`batch.review`'s rows and :class:`models.review.Submissions` to Qt's model/view;
every status and severity has an icon and a colour (colour is never the only signal).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSize, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon

from batch.engine import Outcome, Problem
from batch.review import Entry
from batch.sources import Source
from models.findings import SEVERITY_LABEL
from models.review import (
    ERRORS,
    MISSING,
    NO_AGENCY,
    PASSED,
    STATUS_LABEL,
    STATUS_ORDER,
    TO_CONFIRM,
    UNREADABLE,
    Submissions,
    unit_key,
)
from ui import theme

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

# Strong colours for the statuses (background, text): 未提交 and 无法读取 stand out most.
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    ERRORS: ("#F8C9C4", "#9C0006"),
    TO_CONFIRM: ("#FFE9A8", "#7A5200"),
    PASSED: ("#D5F0DA", "#1E6B2F"),
    MISSING: ("#C00000", "#FFFFFF"),
    UNREADABLE: ("#6B6B6B", "#FFFFFF"),
}
# Each status its own icon: 未提交 a missing page, 无法读取 a stop sign, never only a colour.
_STATUS_ICON = {ERRORS: "SP_MessageBoxCritical", TO_CONFIRM: "SP_MessageBoxWarning", PASSED: "SP_DialogApplyButton",
                MISSING: "SP_FileIcon", UNREADABLE: "SP_BrowserStop"}


def status_text(status: str) -> str:
    """The status as a word (the icon and the colour come with it)."""
    return STATUS_LABEL[status]


@cache
def status_icon(status: str) -> QIcon:
    icon = theme.std_icon(_STATUS_ICON[status])
    return QIcon(icon.pixmap(QSize(16, 16)))


@contextmanager
def filter_change(proxy: QSortFilterProxyModel) -> Iterator[None]:
    """Change a proxy's filter inside: Qt 6.9's begin/endFilterChange where there, else invalidateFilter."""
    if hasattr(proxy, "beginFilterChange"):
        proxy.beginFilterChange()
        yield
        proxy.endFilterChange()
    else:  # PySide6 6.8
        yield
        proxy.invalidateFilter()


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """What the window keeps of one row: small, so ten thousand rows cost little memory."""

    status: str
    agency: str
    year: int | None
    template: str
    errors: int
    warnings: int
    infos: int
    source: Source | None  # None: a year the unit has not submitted
    shown: str  # the file as listed (from the reviewed folder's name down)
    reason: str | None  # why the file could not be read
    previous: Source | None  # last year's report it was checked against

    @classmethod
    def of(cls, entry: Entry, shown: str) -> ReviewRow:
        o: Outcome | None = entry.outcome
        return cls(
            status=entry.status, agency=entry.agency, year=entry.year, template=o.template if o else "",
            errors=o.errors if o else 0, warnings=o.warnings if o else 0, infos=o.infos if o else 0,
            source=o.source if o else None, shown=shown, reason=o.error if o else None,
            previous=o.previous_source if o else None,
        )

    @property
    def unit_key(self) -> str:
        return unit_key(self.agency)


class ReviewTableModel(QAbstractTableModel):
    """One row per report (and per year a unit has not submitted, and per unreadable file)."""

    HEADERS = ("状态", "单位", "年度", "格式", "错误", "警告", "提示", "文件")
    STATUS, AGENCY, YEAR, FORMAT, ERRS, WARNS, INFOS, FILE = range(8)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[ReviewRow] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def append(self, rows: list[ReviewRow]) -> None:
        if not rows:
            return
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self.rows.extend(rows)
        self.endInsertRows()

    def clear(self) -> None:
        self.beginResetModel()
        self.rows = []
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = index.column()
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == SORT_ROLE:
            return self._sort_key(row, col)
        if col == self.STATUS:
            bg, fg = STATUS_COLOURS[row.status]
            if role == Qt.ItemDataRole.DecorationRole:
                return status_icon(row.status)
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(bg))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(fg))
            if role == Qt.ItemDataRole.FontRole:
                return _bold()
        if role == Qt.ItemDataRole.ForegroundRole and col == self.ERRS and row.errors:
            return QBrush(QColor(STATUS_COLOURS[ERRORS][1]))
        if role == Qt.ItemDataRole.FontRole and col == self.ERRS and row.errors:
            return _bold()
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.YEAR, self.ERRS, self.WARNS, self.INFOS):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row)
        return None

    def _display(self, row: ReviewRow, col: int) -> Any:
        counted = row.status not in (MISSING, UNREADABLE)
        if col == self.STATUS:
            return status_text(row.status)
        if col == self.AGENCY:
            return row.agency or (NO_AGENCY if row.status != UNREADABLE else "")
        if col == self.YEAR:
            return str(row.year) if row.year is not None else ""
        if col == self.FORMAT:
            return f"{row.template}版" if row.template else ""
        if col in (self.ERRS, self.WARNS, self.INFOS):
            return str((row.errors, row.warnings, row.infos)[col - self.ERRS]) if counted else ""
        if col == self.FILE:
            if row.status == MISSING:
                return "（该年度没有报告）"
            return f"{row.shown}：{row.reason}" if row.reason else row.shown
        return None

    def _sort_key(self, row: ReviewRow, col: int) -> Any:
        if col == self.STATUS:
            return STATUS_ORDER.index(row.status)
        if col == self.YEAR:
            return row.year if row.year is not None else 0
        if col in (self.ERRS, self.WARNS, self.INFOS):
            return (row.errors, row.warnings, row.infos)[col - self.ERRS]
        if col == self.AGENCY:
            return row.unit_key
        return self._display(row, col)

    @staticmethod
    def _tooltip(row: ReviewRow) -> str:
        if row.status == MISSING:
            return f"{row.agency} 没有 {row.year} 年度的报告"
        if row.reason:
            return f"无法读取：{row.reason}"
        text = f"{row.shown}\n错误 {row.errors}，警告 {row.warnings}，提示 {row.infos}"
        if row.previous is not None:
            text += f"\n已与上年报告核对：{row.previous.leaf}"
        return text + "\n双击在编辑器中打开，定位到第一个问题"


class ReviewFilter(QSortFilterProxyModel):
    """Filters by unit name as the user types (normalised: full-width, blanks), status and year."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._unit = ""
        self._status: str | None = None
        self._year: int | None = None
        self.setSortRole(SORT_ROLE)

    def set_unit(self, text: str) -> None:
        with filter_change(self):
            self._unit = unit_key(text)

    def set_status(self, status: str | None) -> None:
        with filter_change(self):
            self._status = status

    def set_year(self, year: int | None) -> None:
        with filter_change(self):
            self._year = year

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        assert isinstance(model, ReviewTableModel)
        row = model.rows[source_row]
        if self._unit and self._unit not in row.unit_key and self._unit not in unit_key(row.shown):
            return False
        if self._status is not None and row.status != self._status:
            return False
        return self._year is None or row.year == self._year


class MatrixModel(QAbstractTableModel):
    """Units × years: each cell the unit's status that year; 未提交 where it has no report."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.years: list[int] = []
        self.units: list[tuple[str, str, list[tuple[str, int]]]] = []  # (key, name, [(status, n)])

    def set_submissions(self, submissions: Submissions) -> None:
        self.beginResetModel()
        self.years = submissions.years
        self.units = [(u.key, u.name, [(u.status(y), u.count(y)) for y in self.years]) for u in submissions.units]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.units)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.years) + 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return "单位"
        if section <= len(self.years):
            return f"{self.years[section - 1]}年"
        return "未提交年数"

    def missing(self, row: int) -> int:
        return sum(1 for status, _ in self.units[row][2] if status == MISSING)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        key, name, cells = self.units[index.row()]
        col = index.column()
        if col == 0:
            if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
                return name if role == Qt.ItemDataRole.DisplayRole else key
            return None
        if col > len(self.years):
            n = self.missing(index.row())
            if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
                return str(n) if role == Qt.ItemDataRole.DisplayRole else n
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignCenter)
            if role == Qt.ItemDataRole.ForegroundRole and n:
                return QBrush(QColor(STATUS_COLOURS[MISSING][0]))
            if role == Qt.ItemDataRole.FontRole and n:
                return _bold()
            return None
        status, count = cells[col - 1]
        bg, fg = STATUS_COLOURS[status]
        if role == Qt.ItemDataRole.DisplayRole:
            return status_text(status) + (f"（{count} 份）" if count > 1 else "")
        if role == SORT_ROLE:
            return STATUS_ORDER.index(status)
        if role == Qt.ItemDataRole.DecorationRole:
            return status_icon(status)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(bg))
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(fg))
        if role == Qt.ItemDataRole.FontRole and status in (MISSING, ERRORS, UNREADABLE):
            return _bold()
        if role == Qt.ItemDataRole.ToolTipRole:
            year = self.years[col - 1]
            return f"{name} {year} 年：" + (f"{count} 份报告，" if count > 1 else "") + STATUS_LABEL[status]
        return None


class MatrixFilter(QSortFilterProxyModel):
    """The matrix filtered by unit name (the same text as the reports' filter)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._unit = ""
        self.only_missing = False
        self.setSortRole(SORT_ROLE)

    def set_unit(self, text: str) -> None:
        with filter_change(self):
            self._unit = unit_key(text)

    def set_only_missing(self, on: bool) -> None:
        with filter_change(self):
            self.only_missing = on

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        assert isinstance(model, MatrixModel)
        if self._unit and self._unit not in model.units[source_row][0]:
            return False
        return not self.only_missing or model.missing(source_row) > 0


class ProblemsModel(QAbstractTableModel):
    """The selected report's problems: severity (icon, colour), 位置 (表三 “（七）总计”×“自然人”), 问题."""

    HEADERS = ("严重程度", "位置", "问题")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.problems: list[Problem] = []
        self.note = ""

    def set_problems(self, problems: list[Problem]) -> None:
        self.beginResetModel()
        self.problems = problems
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.problems)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    @staticmethod
    def place(p: Problem) -> str:
        cell = "×".join(f"“{v}”" for v in (p.row, p.column) if v)
        return f"{p.table} {cell}" if cell else p.table

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        p = self.problems[index.row()]
        col = index.column()
        accepted = p.accepted is not None
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return SEVERITY_LABEL[p.severity] + ("（已接受）" if accepted else "")
            if col == 1:
                return self.place(p)
            return p.message + (f"（说明：{p.accepted}）" if accepted else "")
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return theme.cell_icon("accepted" if accepted else p.severity)
        if role == Qt.ItemDataRole.BackgroundRole and col == 0 and not accepted:
            return QBrush(theme.SEVERITY_BG[p.severity])
        if role == Qt.ItemDataRole.ForegroundRole and accepted:
            return QBrush(theme.ACCEPTED_FG)
        if role == Qt.ItemDataRole.FontRole and col in (0, 1) and p.severity == "error" and not accepted:
            return _bold()
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{self.place(p)}\n{p.message}\n〈{p.rule}〉"
        return None
