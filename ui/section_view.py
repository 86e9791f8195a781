"""SectionView: a QTableView that looks and types like the printed form in a spreadsheet.

Spans come from the grid; Qt's own headers are hidden (the header rows are in the model).
Excel habits: typing starts editing, Enter commits and moves down, Tab moves right, Delete
clears, Ctrl+C/Ctrl+V copy and paste tab-separated blocks; each clear or paste is one undo step.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QPersistentModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QTableView, QWidget

import ui.qtfix  # noqa: F401  (before any signal is emitted)
from models.grid import GridCell
from models.values import CellParseError, CellRef, Value, normalise_text, parse_value
from ui.delegates import CellDelegate
from ui.section_model import SectionTableModel

CELL_PAD = 14  # horizontal padding inside a cell, px


def parse_tsv(text: str) -> list[list[str]]:
    """Rows of tab-separated cells as Excel/WPS put them on the clipboard."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    rows = []
    for line in text.split("\n"):
        rows.append([c.strip().strip('"') for c in line.split("\t")])
    return rows


class SectionView(QTableView):
    """Signals:
    statusMessage(text): a short message for the status bar (refused input, paste summary).
    """

    statusMessage = Signal(str)

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
        self.setItemDelegate(CellDelegate(self))
        self.setStyleSheet("QTableView { gridline-color: #9AA8B8; }")
        for cell in model.grid.merged:
            self.setSpan(cell.row, cell.col, cell.rowspan, cell.colspan)
        self._laid_out_width = -1
        self._available: int | None = None  # set by the page that hosts the view
        model.editRejected.connect(self.statusMessage)
        self.verticalScrollBar().rangeChanged.connect(self._fit_width)
        self.selectionModel().currentChanged.connect(self._update_related)
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
        """Copy the selected rectangle as tab-separated text (labels included, like Excel)."""
        indexes = self.selectedIndexes()
        if not indexes:
            return ""
        rows = [i.row() for i in indexes]
        cols = [i.column() for i in indexes]
        selected = {(i.row(), i.column()) for i in indexes}
        grid = self._model.grid
        lines = []
        for r in range(min(rows), max(rows) + 1):
            out = []
            c = min(cols)
            while c <= max(cols):
                cell = grid.at(r, c)
                if cell is None:
                    c += 1
                    continue
                anchored = cell.row == r and cell.col == c
                text = self._model.data(self._model.index(r, c)) if anchored and (r, c) in selected else ""
                out.append(text or "")
                c = cell.col + cell.colspan if cell.row == r else c + cell.colspan
            lines.append("\t".join(out))
        text = "\n".join(lines)
        QGuiApplication.clipboard().setText(text)
        return text

    def paste_text(self, text: str) -> tuple[int, list[str]]:
        """Paste a block at the current cell; returns (cells changed, refused reasons)."""
        rows = parse_tsv(text)
        if not rows or rows == [[""]]:
            return 0, []
        model = self._model
        grid = model.grid
        spec_of = model.session.report.template.cell
        changes: dict[CellRef, Value] = {}
        refused: list[str] = []

        def put(cell: GridCell, raw: str) -> None:
            if cell.kind != "value":
                if raw and normalise_text(raw) != normalise_text(cell.text):
                    refused.append(f"“{cell.text[:14]}”是表格标签，不能覆盖")
                return
            assert cell.ref is not None
            spec = spec_of(*cell.ref)
            assert spec is not None
            try:
                changes[cell.ref] = parse_value(raw, spec.value).value
            except CellParseError as exc:
                refused.append(f"{model.describe(cell.ref)}：{exc}")

        selected = self.selected_refs()
        if len(rows) == 1 and len(rows[0]) == 1 and len(selected) > 1:
            # One value onto a selection: fill every selected cell (Excel does the same).
            for ref in selected:
                cell = grid.cell_of(ref)
                if cell is not None:
                    put(cell, rows[0][0])
        else:
            start = self._paste_origin()
            for i, row in enumerate(rows):
                r, c = start[0] + i, start[1]
                for raw in row:
                    cell = grid.at(r, c) if r < grid.n_rows else None
                    if cell is None:
                        if raw:
                            refused.append(f"“{raw[:10]}”超出了表格范围")
                        c += 1
                        continue
                    put(cell, raw)
                    c = cell.col + cell.colspan
        n = model.session.set_cells(changes, "粘贴") if changes else 0
        message = f"已粘贴 {n} 个单元格" if n or not refused else "没有粘贴任何单元格"
        if refused:
            more = f"等 {len(refused)} 处" if len(refused) > 3 else ""
            message += f"；{len(refused)} 处未粘贴：" + "；".join(refused[:3]) + more
        self.statusMessage.emit(message)
        return n, refused

    def paste(self) -> tuple[int, list[str]]:
        return self.paste_text(QGuiApplication.clipboard().text())

    def _paste_origin(self) -> tuple[int, int]:
        indexes = self.selectedIndexes()
        if indexes:
            return min(i.row() for i in indexes), min(i.column() for i in indexes)
        cur = self.currentIndex()
        return (cur.row(), cur.column()) if cur.isValid() else (0, 0)

    # ------------------------------------------------------------------ moving like Excel

    def move_current(self, direction: str) -> None:
        cell = self._model.cell(self.currentIndex())
        if cell is None:
            return
        target = next(self._value_cells_from(cell, direction), None)
        if target is not None:
            idx = self._model.index(target.row, target.col)
            self.setCurrentIndex(idx)
            self.selectionModel().select(idx, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            self.scrollTo(idx)

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
        base = fm.height() + 14
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

    def _fit_width(self, *_: object) -> None:
        """Hug the table (plus the scroll bar only while one is shown) inside the page."""
        if self._available is None:
            return
        content = sum(self.columnWidth(c) for c in range(self._model.columnCount()))
        vbar = self.verticalScrollBar().sizeHint().width() if self.verticalScrollBar().maximum() > 0 else 0
        self.setMaximumWidth(min(self._available, content + 2 * self.frameWidth() + vbar))

    # ------------------------------------------------------------------ Qt overrides

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().resizeEvent(event)
        if self._available is None:
            self.relayout()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.relayout(force=True)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
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
            if key == Qt.Key.Key_Tab:
                self.move_current("right")
                return
            if key == Qt.Key.Key_Backtab:
                self.move_current("left")
                return
        super().keyPressEvent(event)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:  # noqa: N802
        move = {
            QAbstractItemDelegate.EndEditHint.EditNextItem: "right",
            QAbstractItemDelegate.EndEditHint.EditPreviousItem: "left",
            QAbstractItemDelegate.EndEditHint.SubmitModelCache: "down",  # Enter
        }.get(hint)
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        if move:
            self.move_current(move)

    def _update_related(self, *_: object) -> None:
        """Tint the cells summed by the selected total (taken from its findings)."""
        ref = self._model.ref_at(self.currentIndex())
        related: set[CellRef] = set()
        if ref is not None:
            for f in self._model.session.result.total_findings(ref):
                related.update(c for c in f.cells if c != ref)
        self._model.set_related(related)


def editor_of(view: QTableView, index: QModelIndex | QPersistentModelIndex) -> QWidget | None:
    """The open editor widget of ``index`` (tests and the status bar use it)."""
    return view.indexWidget(index)
