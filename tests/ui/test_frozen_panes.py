"""Headers that stay (冻结窗格), a compact problems list that keeps its size, and a window,
表二 and the print preview that fit a 1366×768 laptop."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import make_view

from models.report import Report
from models.values import CellRef
from ui.main_window import MainWindow, TableSectionPage, initial_size
from ui.printing import preview_size

LAPTOP = QSize(1366, 728)  # 1366×768 less a taskbar
LAST = CellRef("requests", "carried_forward", "total")


def laptop_window(window: MainWindow) -> MainWindow:
    window.resize(initial_size(LAPTOP))
    QApplication.processEvents()
    return window


def show_tab(qtbot: Any, window: MainWindow, section: str) -> TableSectionPage:
    page = window.pages[section]
    assert isinstance(page, TableSectionPage)
    window.tabs.setCurrentWidget(page)
    qtbot.waitUntil(page.view.isVisible)
    QApplication.processEvents()
    return page


def test_the_header_of_table_three_stays_in_view_at_its_last_row(qtbot: Any, window: MainWindow) -> None:
    view = show_tab(qtbot, laptop_window(window), "requests").view
    bar = view.verticalScrollBar()
    assert bar.maximum() > 0  # 三 does not fit: it scrolls
    view.select_ref(LAST)
    QApplication.processEvents()
    assert bar.value() == bar.maximum()  # scrolled to the last row
    model = view.table_model
    top = view.frozen.top
    assert top is not None and top.isVisible()
    for text in ("申请人情况", "自然人", "商业企业", "总计"):
        cell = next(c for c in model.grid.cells if c.text == text)
        rect = top.visualRect(model.index(cell.row, cell.col))
        assert top.viewport().rect().contains(rect.center()), text
        # What the user sees at that place is the header pane, not a body row scrolled under it.
        at = top.viewport().mapTo(view, rect.center())
        assert view.childAt(at) is top.viewport()
        assert top.indexAt(rect.center()).row() == cell.row
    last = view.visualRect(model.index_of(LAST))
    assert last.top() >= view.frozen.height() and last.bottom() <= view.viewport().height()
    assert view.frozen.corner is not None and view.frozen.corner.isVisible()


def test_moving_up_never_hides_the_current_cell_under_the_header(qtbot: Any, window: MainWindow) -> None:
    view = show_tab(qtbot, laptop_window(window), "requests").view
    view.select_ref(LAST)
    for _ in range(30):  # up to the first row of figures, the way a clerk does it
        qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert view.current_ref() == CellRef("requests", "new", "total")
    rect = view.visualRect(view.currentIndex())
    assert rect.top() >= view.frozen.height()
    assert view.verticalScrollBar().value() == 0


def test_label_columns_stay_when_the_table_scrolls_sideways(qtbot: Any, zeros: Report) -> None:
    view = make_view(qtbot, zeros)
    view.relayout(520, force=True)  # a narrow window: 三 no longer fits across
    view.resize(520, 400)
    QApplication.processEvents()
    hbar = view.horizontalScrollBar()
    assert hbar.maximum() > 0
    view.select_ref(CellRef("requests", "partial", "total"))
    QApplication.processEvents()
    assert hbar.value() > 0
    left = view.frozen.left
    assert left is not None and left.isVisible() and left.width() == view.frozen.width()
    rect = view.visualRect(view.currentIndex())
    assert rect.left() >= view.frozen.width()  # the total is beside the labels, not under them
    y = rect.center().y()
    label = left.indexAt(QPoint(left.width() - 5, y))
    assert view.table_model.data(label).startswith("（二）部分公开")
    assert view.childAt(left.viewport().mapTo(view, QPoint(5, y))) is left.viewport()
    # A click on a frozen label selects it in the table (one selection) and keeps the focus there.
    qtbot.mouseClick(left.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(left.width() - 5, y))
    assert view.currentIndex() == label and view.hasFocus()


def test_problems_list_starts_compact_and_remembers_its_size(qtbot: Any, make_window: Any, zeros: Report,
                                                             settings: Any) -> None:
    window = laptop_window(make_window(zeros))
    problems = window.problems
    rows = problems.view.viewport().height() / problems.view.verticalHeader().defaultSectionSize()
    assert 3.5 <= rows <= 5.5
    window.resizeDocks([problems], [260], Qt.Orientation.Vertical)
    QApplication.processEvents()
    kept = problems.height()
    assert kept > 200
    window.close()  # saves the window state
    again = make_window(zeros)
    QApplication.processEvents()
    assert abs(again.problems.height() - kept) <= 4


def test_at_1366_by_768_the_window_and_table_two_fit(qtbot: Any, window: MainWindow) -> None:
    size = initial_size(LAPTOP)
    assert size.height() + 40 <= LAPTOP.height() and size.width() <= LAPTOP.width()  # with its title bar
    page = show_tab(qtbot, laptop_window(window), "proactive")
    view = page.view
    assert view.verticalScrollBar().maximum() == 0  # 表二 needs no scrolling
    model = view.table_model
    content = sum(view.rowHeight(r) for r in range(model.rowCount()))
    assert view.viewport().height() >= content
    assert page.mapTo(window, view.geometry().bottomLeft()).y() < window.problems.geometry().top()


def test_the_print_preview_fits_a_small_screen(qtbot: Any) -> None:
    from PySide6.QtGui import QImage
    from PySide6.QtPrintSupport import QPrintPreviewWidget

    from ui.printing import make_preview_dialog

    size = preview_size(LAPTOP)
    assert size.height() + 40 <= LAPTOP.height() and size.width() <= LAPTOP.width()
    assert preview_size(QSize(1600, 1000)) == QSize(900, 952)
    page = QImage(210, 297, QImage.Format.Format_RGB32)
    page.fill(Qt.GlobalColor.white)
    dialog = make_preview_dialog(None, [page])
    qtbot.addWidget(dialog)
    preview = dialog.findChild(QPrintPreviewWidget)
    assert preview is not None
    assert preview.zoomMode() == QPrintPreviewWidget.ZoomMode.FitInView  # the whole page, no scrolling
    screen = dialog.screen().availableGeometry().size()
    assert dialog.width() <= screen.width() and dialog.height() <= screen.height()


def test_frozen_panes_follow_column_widths_and_row_heights(qtbot: Any, zeros: Report, tmp_path: Path) -> None:
    view = make_view(qtbot, zeros)
    top, left = view.frozen.top, view.frozen.left
    assert top is not None and left is not None
    view.setColumnWidth(4, 150)
    view.setRowHeight(1, 60)
    assert top.columnWidth(4) == 150 and left.rowHeight(1) == 60
    assert top.height() == view.frozen.height()
