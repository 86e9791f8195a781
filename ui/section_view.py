"""SectionView: a QTableView that looks and types like the printed form in a spreadsheet.

Spans come from the grid; Qt's own headers are hidden (the header rows are in the model).
Excel habits: typing starts editing, Enter commits and moves down, Tab moves right, Delete
clears, Ctrl+C/Ctrl+V copy and paste tab-separated blocks; each clear or paste is one undo step.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QLabel, QTableView, QWidget

from models.grid import GridCell
from models.numbers import NumberSpec
from models.values import CellRef
from ui.clipboard import copy_block, plan_paste
from ui.delegates import CellDelegate, quiet_font
from ui.frozen import FrozenPanes
from ui.section_model import LastYearRole, NumberSpecRole, SectionTableModel

CELL_PAD = 14  # horizontal padding inside a cell, px
ROW_PAD = 10  # vertical padding of a one-line row, px (表二 fits a 1366×768 laptop without scrolling)
NOTICE_MS = 8000  # how long the note under a refused cell stays
NOTICE_STYLE = ("QLabel#cell_notice { background: #FFF6D5; color: #4A3800; border: 1px solid #C9A227;"
                " border-radius: 3px; padding: 4px 6px; }")


class SectionView(QTableView):
    """Signals:
    statusMessage(text): a short message for the status bar (refused input, paste summary).
    """

    statusMessage = Signal(str)
    frozen: FrozenPanes | None = None

    def __init__(self, model: SectionTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self._model = model
        self.horizontalHeader().hide()
        self.verticalHeader().hide()
        self.setCornerButtonEnabled(False)
        self.setWordWrap(True)
        self.setTabKeyNavigation(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setItemDelegate(CellDelegate(self, spec_role=NumberSpecRole, second_line_role=LastYearRole))
        self.setStyleSheet("QTableView { gridline-color: #9AA8B8; }")
        # 冻结窗格: the header rows (one block of headers only: 表二 stacks four) and the label columns.
        self.frozen = FrozenPanes(self, model.grid.header_rows, model.grid.label_cols,
                                  lambda pane: CellDelegate(pane, spec_role=NumberSpecRole,
                                                            second_line_role=LastYearRole))
        self.frozen.set_spans((c.row, c.col, c.rowspan, c.colspan) for c in model.grid.merged)
        self._laid_out_width = -1
        self._available: int | None = None  # set by the page that hosts the view
        self._refused = False  # the open editor's text was just refused
        self._switching = False  # inside currentChanged: the user chose the next cell
        model.editRejected.connect(self._edit_rejected)
        self.notice = QLabel(self.viewport())
        self.notice.setObjectName("cell_notice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(NOTICE_STYLE)
        self.notice.hide()
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.setInterval(NOTICE_MS)
        self._notice_timer.timeout.connect(self.notice.hide)
        self.verticalScrollBar().valueChanged.connect(self.hide_notice)
        self.horizontalScrollBar().valueChanged.connect(self.hide_notice)
        self.verticalScrollBar().rangeChanged.connect(self._fit_width)
        self.selectionModel().currentChanged.connect(self._update_related)
        self.selectionModel().currentChanged.connect(self.hide_notice)
        model.session.resultChanged.connect(self._update_related)
        first = next((c for c in model.grid.cells if c.kind == "value"), None)
        if first is not None:
            self.setCurrentIndex(model.index(first.row, first.col))

    @property
    def table_model(self) -> SectionTableModel:
        return self._model

    # ------------------------------------------------------------------ selection helpers

    def current_ref(self) -> CellRef | None:
        return self._model.ref_at(self.currentIndex())

    def select_ref(self, ref: CellRef) -> bool:
        idx = self._model.index_of(ref)
        if not idx.isValid():
            return False
        self.setCurrentIndex(idx)
        self.selectionModel().select(idx, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.scrollTo(idx)
        return True

    def select_refs(self, refs: tuple[CellRef, ...]) -> None:
        """Select several cells (after an undo/redo), the first one current."""
        indexes = [self._model.index_of(r) for r in refs]
        indexes = [i for i in indexes if i.isValid()]
        if not indexes:
            return
        self.setCurrentIndex(indexes[0])
        sm = self.selectionModel()
        sm.clearSelection()
        for idx in indexes:
            sm.select(idx, QItemSelectionModel.SelectionFlag.Select)
        self.scrollTo(indexes[0])

    def selected_refs(self) -> list[CellRef]:
        refs: dict[CellRef, None] = {}
        for idx in self.selectedIndexes():
            cell = self._model.cell(idx)
            if cell is not None and cell.ref is not None:
                refs[cell.ref] = None
        return list(refs)

    # ------------------------------------------------------------------ editing commands

    def clear_selection_values(self) -> int:
        refs = self.selected_refs()
        n = self._model.session.set_cells({r: None for r in refs}, "清除单元格")
        if n:
            self.statusMessage.emit(f"已清除 {n} 个单元格")
        return n

    def copy_selection(self) -> str:
        """Copy the selected rectangle as Excel does (labels included; see ``ui.clipboard``)."""
        model = self._model
        selected = {(i.row(), i.column()) for i in self.selectedIndexes()}
        text = copy_block(model.grid, selected, lambda r, c: model.data(model.index(r, c)) or "")
        if text:
            QGuiApplication.clipboard().setText(text)
        return text

    def paste_text(self, text: str) -> tuple[int, list[str]]:
        """Paste a block at the current cell (one undo step); returns (cells changed, refusals).

        Where each field lands is planned by :func:`ui.clipboard.plan_paste`; the status bar
        says how many cells were pasted, how many of them changed, and what was refused.
        """
        model = self._model
        template = model.session.report.template

        def spec_of(ref: CellRef) -> NumberSpec:
            spec = template.cell(*ref)
            assert spec is not None
            return spec.number

        plan = plan_paste(text, model.grid, origin=self._paste_origin(), selected=self.selected_refs(),
                          spec_of=spec_of, describe=model.describe)
        n = model.session.set_cells(plan.changes, "粘贴") if plan.changes else 0
        self.statusMessage.emit(plan.message(n))
        return n, plan.refused

    def paste(self) -> tuple[int, list[str]]:
        return self.paste_text(QGuiApplication.clipboard().text())

    def _paste_origin(self) -> tuple[int, int]:
        indexes = self.selectedIndexes()
        if indexes:
            return min(i.row() for i in indexes), min(i.column() for i in indexes)
        cur = self.currentIndex()
        return (cur.row(), cur.column()) if cur.isValid() else (0, 0)

    # ------------------------------------------------------------------ moving like Excel

    def move_current(self, direction: str) -> bool:
        """Move to the next value cell that way; False at the edge of the table."""
        cell = self._model.cell(self.currentIndex())
        if cell is None:
            return False
        target = next(self._value_cells_from(cell, direction), None)
        if target is None:
            return False
        idx = self._model.index(target.row, target.col)
        self.setCurrentIndex(idx)
        self.selectionModel().select(idx, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.scrollTo(idx)
        return True

    def _value_cells_from(self, cell: GridCell, direction: str) -> Iterator[GridCell]:
        grid = self._model.grid
        if direction in ("down", "up"):
            rows = range(cell.row + cell.rowspan, grid.n_rows) if direction == "down" else range(cell.row - 1, -1, -1)
            positions: Iterator[tuple[int, int]] = ((r, cell.col) for r in rows)
        elif direction == "right":
            positions = ((r, c) for r in range(cell.row, grid.n_rows)
                         for c in range(cell.col + cell.colspan if r == cell.row else 0, grid.n_cols))
        else:
            positions = ((r, c) for r in range(cell.row, -1, -1)
                         for c in range(cell.col - 1 if r == cell.row else grid.n_cols - 1, -1, -1))
        for r, c in positions:
            found = grid.at(r, c)
            if found is not None and found.kind == "value" and found is not cell:
                yield found

    # ------------------------------------------------------------------ layout

    def relayout(self, available: int | None = None, force: bool = False) -> None:
        """Column widths fit the labels and fill the space; wrapped labels get tall enough rows.

        ``available`` is the width the table may take (the page passes its own width, and the
        view then shrinks to the table, so no empty white area is left beside the form).
        """
        if available is not None:
            self._available = available
        outer = self._available if self._available is not None else self.width()
        width = outer - 2 * self.frameWidth() - self.verticalScrollBar().sizeHint().width()
        if width == self._laid_out_width and not force:
            return
        self._laid_out_width = width
        grid = self._model.grid
        font = self.font()
        bold = QFont(font)
        bold.setBold(True)
        fm, bfm = QFontMetrics(font), QFontMetrics(bold)
        ch = fm.horizontalAdvance("中")
        label_w: list[float] = []
        for c in range(grid.label_cols):
            w = 2.0 * ch
            for cell in grid.cells:
                if cell.col == c and cell.colspan == 1 and cell.kind in ("label", "corner"):
                    cap = (4.5 if cell.rowspan >= 3 else 15) * ch  # long group labels wrap like the form
                    w = max(w, min(fm.horizontalAdvance(cell.text), cap))
            label_w.append(w + CELL_PAD)
        value_w: list[float] = []
        for c in range(grid.label_cols, grid.n_cols):
            w = float(fm.horizontalAdvance("00000000"))
            for cell in grid.cells:
                if cell.col == c and cell.colspan == 1 and cell.kind == "header":
                    w = max(w, min(bfm.horizontalAdvance(cell.text), 6 * ch))
            value_w.append(w + CELL_PAD)
        extra = width - sum(label_w) - sum(value_w)
        if extra > 0 and label_w:
            grow = min(extra, max(0.0, 22 * ch + CELL_PAD - label_w[-1]))
            label_w[-1] += grow
            extra -= grow
        if extra > 0 and value_w:
            per = extra / len(value_w)
            value_w = [min(w + per, max(w, 12 * ch)) for w in value_w]
        widths = [int(w) for w in label_w + value_w]
        for c, w in enumerate(widths):
            self.setColumnWidth(c, w)
        base = fm.height() + ROW_PAD
        if self._model.show_last_year:  # last year's value under each value, in a smaller type
            base += QFontMetrics(quiet_font(font)).height()
        heights = [base] * grid.n_rows
        tall: list[tuple[GridCell, int]] = []
        for cell in grid.cells:
            if cell.kind == "value" or not cell.text:
                continue
            metrics = bfm if cell.kind in ("title", "header") else fm
            w = max(ch, sum(widths[cell.col:cell.col + cell.colspan]) - CELL_PAD)
            h = metrics.boundingRect(QRect(0, 0, w, 100_000), Qt.TextFlag.TextWordWrap, cell.text).height() + 12
            if cell.kind == "title":
                h += 4
            if cell.rowspan == 1:
                heights[cell.row] = max(heights[cell.row], h)
            else:
                tall.append((cell, h))
        for cell, h in tall:
            have = sum(heights[cell.row:cell.row + cell.rowspan])
            if have < h:
                add = math.ceil((h - have) / cell.rowspan)
                for r in range(cell.row, cell.row + cell.rowspan):
                    heights[r] += add
        for r, h in enumerate(heights):
            self.setRowHeight(r, h)
        hbar = self.horizontalScrollBar().sizeHint().height() if sum(widths) > width else 0
        self.setMaximumHeight(sum(heights) + 2 * self.frameWidth() + hbar + 2)
        self._fit_width()

    def set_show_last_year(self, on: bool) -> None:
        """视图 → 显示上年数据: last year's value under each value (rows grow to hold it)."""
        self._model.set_show_last_year(on)
        self.relayout(force=True)

    def _fit_width(self, *_: object) -> None:
        """Hug the table (plus the scroll bar only while one is shown) inside the page."""
        if self._available is None:
            return
        content = sum(self.columnWidth(c) for c in range(self._model.columnCount()))
        vbar = self.verticalScrollBar().sizeHint().width() if self.verticalScrollBar().maximum() > 0 else 0
        self.setMaximumWidth(min(self._available, content + 2 * self.frameWidth() + vbar))

    # ------------------------------------------------------------------ Qt overrides

    def updateGeometries(self) -> None:  # noqa: N802
        super().updateGeometries()
        if self.frozen is not None:  # None while QTableView.__init__ lays out
            self.frozen.place()

    def scrollTo(self, index: QModelIndex,  # noqa: N802
                 hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible) -> None:
        """Scroll as Qt does, then further so the cell is not hidden under the frozen panes."""
        super().scrollTo(index, hint)
        if not index.isValid():
            return
        if self.frozen is None:
            return
        dx, dy = self.frozen.covers(self.visualRect(index), index)
        if dy:
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - dy)
        if dx:
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - dx)

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().resizeEvent(event)
        if self._available is None:
            self.relayout()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.relayout(force=True)

    def mousePressEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        self.hide_notice()
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        self.hide_notice()  # the user moves on or types again: the note has done its job
        if self.state() != QAbstractItemView.State.EditingState:
            key = event.key()
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            if event.matches(QKeySequence.StandardKey.Copy):
                self.copy_selection()
                return
            if event.matches(QKeySequence.StandardKey.Cut):
                self.copy_selection()
                self.clear_selection_values()
                return
            if event.matches(QKeySequence.StandardKey.Paste):
                self.paste()
                return
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.clear_selection_values()
                return
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.move_current("up" if shift else "down")
                return
            plain_tab = not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
            if key == Qt.Key.Key_Tab and plain_tab:
                if not self.move_current("right"):
                    QWidget.focusNextPrevChild(self, True)  # past the last cell: on to the note, the dock…
                return
            if key == Qt.Key.Key_Backtab and plain_tab:
                if not self.move_current("left"):
                    QWidget.focusNextPrevChild(self, False)
                return
            if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                event.ignore()  # Ctrl+Tab: the window switches tabs
                return
        super().keyPressEvent(event)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:  # noqa: N802
        move = {
            QAbstractItemDelegate.EndEditHint.EditNextItem: "right",
            QAbstractItemDelegate.EndEditHint.EditPreviousItem: "left",
            QAbstractItemDelegate.EndEditHint.SubmitModelCache: "down",  # Enter
        }.get(hint)
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        if self._refused:
            self._refused = False
            return  # stay on the refused cell: that is the one to put right
        if move and not self._switching:
            self.move_current(move)

    def commit_edit(self) -> None:
        """Commit and close the open cell editor, if any (the cursor stays where it is)."""
        if self.state() != QAbstractItemView.State.EditingState:
            return
        editor = self.indexWidget(self.currentIndex())
        if editor is not None:
            self.commitData(editor)
            self.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def currentChanged(self, current: QModelIndex, previous: QModelIndex) -> None:  # noqa: N802
        # A click elsewhere while editing: Qt closes the editor from here with "submit", which
        # must not also move the cursor on from the cell the user just clicked.
        self._switching = True
        try:
            super().currentChanged(current, previous)
        finally:
            self._switching = False

    def _edit_rejected(self, message: str) -> None:
        """Typed text that is not a value: say why, in the status bar and right by the cell."""
        self._refused = self.state() == QAbstractItemView.State.EditingState
        self.statusMessage.emit(message)
        self.show_notice(self.currentIndex(), message)

    def show_notice(self, index: QModelIndex, message: str) -> None:
        """A note right under the cell, like a spreadsheet's input message.

        A child of the viewport rather than a tooltip: Qt hides tooltips on the very key
        release and focus change that end an edit, so the user would never see it.
        """
        rect = self.visualRect(index)
        if not index.isValid() or rect.isEmpty():
            return
        notice = self.notice
        notice.setText(message)
        area = self.viewport().rect()
        width = min(max(rect.width(), 360), area.width() - 8)
        notice.setFixedWidth(width)
        notice.adjustSize()
        x = max(4, min(rect.left(), area.right() - width - 4))
        y = rect.bottom() + 2 if rect.bottom() + 2 + notice.height() <= area.bottom() else rect.top() - notice.height() - 2
        notice.move(x, max(0, y))
        notice.show()
        notice.raise_()
        self._notice_timer.start()

    def hide_notice(self, *_: object) -> None:
        self._notice_timer.stop()
        self.notice.hide()

    def _update_related(self, *_: object) -> None:
        """Tint the cells summed by the selected total (taken from its findings)."""
        ref = self._model.ref_at(self.currentIndex())
        related: set[CellRef] = set()
        if ref is not None:
            for f in self._model.session.result.total_findings(ref):
                related.update(c for c in f.cells if c != ref)
        self._model.set_related(related)
