"""The problems dock: every finding of the report, like an IDE's problem list.

Clicking a row asks the window to show the place; warnings can be accepted with a written
explanation (说明) and withdrawn again. The list shows what the checker found, nothing more.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from models.findings import SEVERITY_LABEL, SEVERITY_ORDER, Finding
from ui import theme
from ui.lazy import lazy_module
from ui.session import DocumentSession

dialogs = lazy_module("ui.dialogs")  # set up at the first dialog, not at start-up

R = Qt.ItemDataRole
FindingRole = Qt.ItemDataRole.UserRole + 10
_Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("级别", "栏目", "问题")
COMPACT_ROWS = 4  # problems the dock shows when the editor starts for the first time


class ProblemsModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.session: DocumentSession | None = None
        self.show_infos = True
        self._rows: list[Finding] = []

    def set_session(self, session: DocumentSession | None) -> None:
        if self.session is not None:
            self.session.resultChanged.disconnect(self.refresh)
        self.session = session
        if session is not None:
            session.resultChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        if self.session is None:
            self._rows = []
        else:
            findings = self.session.result.sorted()  # in report order
            shown = [f for f in findings if self.show_infos or f.severity != "info" or f.accepted]
            # Like an IDE's problems list: open errors first, then warnings, infos, accepted ones;
            # report order within each group (the sort is stable).
            self._rows = sorted(shown, key=lambda f: (f.accepted, SEVERITY_ORDER[f.severity]))
        self.endResetModel()

    def finding(self, row: int) -> Finding | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, key: str) -> int:
        return next((i for i, f in enumerate(self._rows) if f.key == key), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = R.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == R.DisplayRole and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = R.DisplayRole) -> Any:
        f = self.finding(index.row()) if index.isValid() else None
        if f is None or self.session is None:
            return None
        col = index.column()
        if role == FindingRole:
            return f
        if role == R.DisplayRole:
            if col == 0:
                return "已接受" if f.accepted else SEVERITY_LABEL.get(f.severity, f.severity)
            if col == 1:
                return self._section_name(f)
            return f.message + (f"（说明：{f.explanation}）" if f.accepted else "")
        if role == R.DecorationRole and col == 0:
            return theme.severity_icon("accepted" if f.accepted else f.severity)
        if role == R.ToolTipRole:
            return f.message + (f"\n说明：{f.explanation}" if f.accepted else "")
        if role == R.ForegroundRole and f.accepted:
            return QBrush(theme.ACCEPTED_FG)
        return None

    def _section_name(self, f: Finding) -> str:
        assert self.session is not None
        template = self.session.report.template
        if f.section and template.has_section(f.section):
            s = template.section(f.section)
            return f"{s.number}、{s.short}"
        return "基本信息"


class ProblemsPanel(QDockWidget):
    """Signals:
    findingActivated(finding): the user clicked a problem; show its place.
    """

    findingActivated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("问题列表", parent)
        self.setObjectName("problems")
        self.model = ProblemsModel(self)
        # The dock's own title bar holds the summary and the buttons: one line instead of two,
        # so four problems show even on a 1366×768 laptop.
        self.setTitleBarWidget(self._title_bar())
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 0, 6, 4)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().hide()  # 级别 · 栏目 · 问题 read for themselves, as in an IDE's list
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 6)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.view.clicked.connect(self._activated)
        self.view.activated.connect(self._activated)
        layout.addWidget(self.view)
        self.setWidget(body)
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._after_reset)
        self._selected_key: str | None = None
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self._after_reset()

    def _title_bar(self) -> QWidget:
        bar = QWidget()
        row = QHBoxLayout(bar)
        row.setContentsMargins(6, 2, 2, 2)
        row.setSpacing(6)
        title = QLabel("问题列表")
        title.setStyleSheet("font-weight: bold;")
        row.addWidget(title)
        self.summary = QLabel()
        row.addWidget(self.summary, 1)
        self.infos = QCheckBox("显示提示")
        self.infos.setChecked(True)
        self.infos.toggled.connect(self._toggle_infos)
        row.addWidget(self.infos)
        self.accept_button = QPushButton(theme.severity_icon("accepted"), "接受警告…")
        self.accept_button.setToolTip("写明理由后接受所选警告；说明随报告保存")
        self.accept_button.clicked.connect(self.accept_selected)
        row.addWidget(self.accept_button)
        self.withdraw_button = QPushButton("撤回接受")
        self.withdraw_button.clicked.connect(self.withdraw_selected)
        row.addWidget(self.withdraw_button)
        for tip, icon, slot in (("浮动/停靠", "SP_TitleBarNormalButton", lambda: self.setFloating(not self.isFloating())),
                                ("关闭问题列表（Ctrl+L 重新打开）", "SP_TitleBarCloseButton", self.close)):
            button = QToolButton()
            button.setIcon(theme.std_icon(icon))
            button.setToolTip(tip)
            button.setAutoRaise(True)
            button.clicked.connect(slot)
            row.addWidget(button)
        return bar

    def compact_height(self, rows: int = COMPACT_ROWS) -> int:
        """The dock's height showing ``rows`` problems: what it starts with."""
        bar = self.titleBarWidget()
        bar_h = bar.sizeHint().height() if bar is not None else 0
        margins = self.widget().layout().contentsMargins()
        return (bar_h + rows * self.view.verticalHeader().defaultSectionSize() + 2 * self.view.frameWidth()
                + margins.top() + margins.bottom())

    @property
    def session(self) -> DocumentSession | None:
        return self.model.session

    def set_session(self, session: DocumentSession | None) -> None:
        self.model.set_session(session)

    def selected_finding(self) -> Finding | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.finding(rows[0].row()) if rows else None

    def select_finding(self, key: str) -> bool:
        row = self.model.row_of(key)
        if row < 0:
            return False
        self.view.selectRow(row)
        self.view.scrollTo(self.model.index(row, 0))
        return True

    def accept_selected(self) -> None:
        f = self.selected_finding()
        if f is not None:
            self.accept(f)

    def withdraw_selected(self) -> None:
        f = self.selected_finding()
        if f is not None:
            self.withdraw(f)

    def accept(self, f: Finding) -> None:
        """Ask for the 说明 and accept the warning ``f`` (errors cannot be accepted)."""
        if self.session is None or f.severity != "warning":
            return
        explanation = dialogs.ask_explanation(self, f)
        if explanation:
            self.session.accept(f, explanation)

    def withdraw(self, f: Finding) -> None:
        if self.session is not None and f.accepted:
            self.session.withdraw(f)

    def copy_selected(self) -> str:
        """Copy the selected problem as one line of text (级别、栏目、问题)."""
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return ""
        row = rows[0].row()
        text = "\t".join(str(self.model.data(self.model.index(row, c)) or "") for c in range(len(COLUMNS)))
        QGuiApplication.clipboard().setText(text)
        return text

    def _toggle_infos(self, on: bool) -> None:
        self.model.show_infos = on
        self.model.refresh()

    def _activated(self, index: QModelIndex) -> None:
        f = self.model.finding(index.row())
        if f is not None:
            self.findingActivated.emit(f)

    def _remember_selection(self) -> None:
        f = self.selected_finding()
        self._selected_key = f.key if f else None

    def _after_reset(self) -> None:
        if self._selected_key:
            self.select_finding(self._selected_key)
        session = self.session
        self.summary.setText(f"检查结果：{session.result.summary()}" if session else "")
        self._update_buttons()

    def _update_buttons(self, *_: object) -> None:
        f = self.selected_finding()
        self.accept_button.setEnabled(f is not None and f.severity == "warning")
        self.withdraw_button.setEnabled(f is not None and f.accepted)
        if f is not None and f.accepted:
            self.accept_button.setText("修改说明…")
        else:
            self.accept_button.setText("接受警告…")
