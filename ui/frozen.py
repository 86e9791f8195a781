"""Frozen panes (Excel's 冻结窗格) for a QTableView: header rows and label columns stay in view.

The technique of Qt's "Frozen Column" example, in both directions: three borderless views over
the table's viewport share its model, selection model, spans, column widths and row heights,
and paint with the same kind of delegate. The top pane shows the header rows and follows
horizontal scrolling, the left pane shows the label columns and follows vertical scrolling,
the corner pane shows where both meet and never moves. The panes take no keyboard focus: the table keeps it, and clicks on a pane
select in the table (the selection model is shared).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QModelIndex, QObject, QRect, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QFrame, QTableView

#: While the table is scrolled under a pane, a darker line marks the pane's edge (Excel's freeze line).
EDGE_STYLE = "QTableView#{name} {{ border: none; gridline-color: #9AA8B8; {edges} }}"
EDGE = "border-{side}: 1px solid #5B6B7E;"


class FrozenPane(QTableView):
    """One pane: a view of the same model that never scrolls on its own."""

    def __init__(self, main: QTableView, name: str, edges: tuple[str, ...],
                 delegate: Callable[[QTableView], QAbstractItemDelegate]) -> None:
        super().__init__(main)
        self.main = main
        self.edges = edges
        self._shown_edges: tuple[str, ...] | None = None
        self.setObjectName(name)
        self.setModel(main.model())
        self.setSelectionModel(main.selectionModel())
        # Its own delegate like the table's: a shared one would send the table's editor
        # signals (commit, close and move on) to the panes as well.
        self.setItemDelegate(delegate(self))
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.horizontalHeader().hide()
        self.verticalHeader().hide()
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(main.selectionMode())
        self.setSelectionBehavior(main.selectionBehavior())
        self.setWordWrap(main.wordWrap())
        self.setCornerButtonEnabled(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAutoScroll(False)
        self.show_edges(())
        self.setContentsMargins(0, 0, 0, 0)
        self.setViewportMargins(0, 0, 0, 0)
        self.setMouseTracking(True)

    def show_edges(self, sides: tuple[str, ...]) -> None:
        """Draw the freeze line on these of the pane's edges (over its last pixels: nothing moves)."""
        if sides != self._shown_edges:
            self._shown_edges = sides
            edges = " ".join(EDGE.format(side=side) for side in sides)
            self.setStyleSheet(EDGE_STYLE.format(name=self.objectName(), edges=edges))

    def scrollTo(self, index: QModelIndex, hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible) -> None:  # noqa: N802, E501
        """A pane follows the table; it never scrolls to a cell by itself."""

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        self.main.wheelEvent(event)  # the wheel over a header scrolls the table

    def mousePressEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().mousePressEvent(event)
        self.main.setFocus(Qt.FocusReason.MouseFocusReason)

    def mouseDoubleClickEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and index.flags() & Qt.ItemFlag.ItemIsEditable:
            self.main.edit(index)  # a value cell under a pane (never, with frozen labels) edits in the table
            return
        super().mouseDoubleClickEvent(event)


class FrozenPanes(QObject):
    """Keeps ``rows`` header rows and ``cols`` label columns of ``view`` in view; ``delegate``
    makes each pane's delegate (by default one of the view's delegate's class).

    Set merged cells through :meth:`set_spans`, and call :meth:`place` whenever the
    view's geometry changes (its ``updateGeometries``); the rest follows by signals.
    """

    def __init__(self, view: QTableView, rows: int, cols: int,
                 delegate: Callable[[QTableView], QAbstractItemDelegate] | None = None) -> None:
        super().__init__(view)
        self.view = view
        self.rows, self.cols = rows, cols
        make = delegate or (lambda pane: type(view.itemDelegate())(pane))
        self.top = FrozenPane(view, "frozen_top", ("bottom",), make) if rows else None
        self.left = FrozenPane(view, "frozen_left", ("right",), make) if cols else None
        self.corner = FrozenPane(view, "frozen_corner", ("bottom", "right"), make) if rows and cols else None
        h, v = view.horizontalHeader(), view.verticalHeader()
        h.sectionResized.connect(self._column_resized)
        v.sectionResized.connect(self._row_resized)
        view.horizontalScrollBar().valueChanged.connect(self._scrolled_h)
        view.verticalScrollBar().valueChanged.connect(self._scrolled_v)
        for pane in self.panes:
            pane.show()
        self.place()

    @property
    def panes(self) -> list[FrozenPane]:
        return [p for p in (self.top, self.left, self.corner) if p is not None]

    def set_spans(self, spans: Iterable[tuple[int, int, int, int]]) -> None:
        """The table's merged cells (row, column, rows, columns), set on every pane too."""
        for pane in self.panes:
            pane.clearSpans()
        for row, col, rows, cols in spans:
            self.view.setSpan(row, col, rows, cols)
            for pane in self.panes:
                pane.setSpan(row, col, rows, cols)

    def height(self) -> int:
        """Height of the frozen rows, px."""
        return sum(self.view.rowHeight(r) for r in range(self.rows))

    def width(self) -> int:
        """Width of the frozen columns, px."""
        return sum(self.view.columnWidth(c) for c in range(self.cols))

    def place(self) -> None:
        """Lay the panes over the view's viewport and copy its sizes."""
        view = self.view
        vp = view.viewport().geometry()
        height = min(self.height(), vp.height())
        width = min(self.width(), vp.width())
        for pane in self.panes:
            for c in range(view.model().columnCount()):
                if pane.columnWidth(c) != view.columnWidth(c):
                    pane.setColumnWidth(c, view.columnWidth(c))
            for r in range(view.model().rowCount()):
                if pane.rowHeight(r) != view.rowHeight(r):
                    pane.setRowHeight(r, view.rowHeight(r))
        if self.top is not None:
            self.top.setGeometry(QRect(vp.x(), vp.y(), vp.width(), height))
        if self.left is not None:
            self.left.setGeometry(QRect(vp.x(), vp.y(), width, vp.height()))
        if self.corner is not None:
            self.corner.setGeometry(QRect(vp.x(), vp.y(), width, height))
        for pane in self.panes:  # the corner above the other two
            pane.raise_()
        self._scrolled_h(view.horizontalScrollBar().value())
        self._scrolled_v(view.verticalScrollBar().value())

    def covers(self, rect: QRect, index: QModelIndex) -> tuple[int, int]:
        """How far (dx, dy) the table must scroll back so that ``rect`` of ``index`` is not
        hidden under a pane (0 for a cell that is itself frozen)."""
        dy = max(0, self.height() - rect.top()) if self.rows and index.row() >= self.rows else 0
        dx = max(0, self.width() - rect.left()) if self.cols and index.column() >= self.cols else 0
        return dx, dy

    # ------------------------------------------------------------------ following the table

    def _column_resized(self, col: int, _old: int, new: int) -> None:
        for pane in self.panes:
            pane.setColumnWidth(col, new)
        if col < self.cols:
            self.place()

    def _row_resized(self, row: int, _old: int, new: int) -> None:
        for pane in self.panes:
            pane.setRowHeight(row, new)
        if row < self.rows:
            self.place()

    def _scrolled_h(self, value: int) -> None:
        if self.top is not None:
            self.top.horizontalScrollBar().setValue(value)
        self._edges()

    def _scrolled_v(self, value: int) -> None:
        if self.left is not None:
            self.left.verticalScrollBar().setValue(value)
        self._edges()

    def _edges(self) -> None:
        """The freeze lines show only while something is scrolled under a pane."""
        under = {"bottom": self.view.verticalScrollBar().value() > 0,
                 "right": self.view.horizontalScrollBar().value() > 0}
        for pane in self.panes:
            pane.show_edges(tuple(side for side in pane.edges if under[side]))
