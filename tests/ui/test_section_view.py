"""Typing into the table like a spreadsheet: real key clicks, Enter/Tab/Delete, copy and paste."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLineEdit
from ui_helpers import make_view

from models.report import Report
from models.values import CellRef
from ui.clipboard import parse_tsv
from ui.section_view import SectionView


def open_editor(qtbot: Any, view: SectionView) -> QLineEdit:
    # Right after edit() the focus widget may still be None: find the editor in the viewport.
    qtbot.waitUntil(lambda: view.viewport().findChild(QLineEdit) is not None)
    editor = view.viewport().findChild(QLineEdit)
    assert editor is not None
    return editor


def test_typing_into_the_real_cell_editor_commits_on_enter_and_moves_down(qtbot: Any, zeros: Report) -> None:
    view = make_view(qtbot, zeros)
    natural = CellRef("requests", "new", "natural")
    view.select_ref(natural)
    view.edit(view.currentIndex())
    editor = open_editor(qtbot, view)
    editor.selectAll()
    qtbot.keyClicks(editor, "1")
    editor.insert("７")  # a full-width digit, as a Chinese input method types it
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: zeros.values[natural] == 17)  # the commit on Enter is queued
    qtbot.waitUntil(lambda: view.current_ref() == CellRef("requests", "carried_over", "natural"))


def test_typing_a_digit_starts_editing_and_replaces_the_value(qtbot: Any, zeros: Report) -> None:
    view = make_view(qtbot, zeros)
    cell = CellRef("requests", "granted", "legal")
    zeros.values[cell] = 3
    view.select_ref(cell)
    qtbot.keyClick(view, Qt.Key.Key_5)
    editor = open_editor(qtbot, view)
    assert editor.text() == "5"
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: zeros.values[cell] == 5)
    qtbot.waitUntil(lambda: view.current_ref() == CellRef("requests", "granted", "other_org"))


def test_letters_typed_in_the_editor_are_refused_with_a_message(qtbot: Any, zeros: Report) -> None:
    view = make_view(qtbot, zeros)
    cell = CellRef("requests", "new", "legal")
    view.select_ref(cell)
    messages: list[str] = []
    view.statusMessage.connect(messages.append)
    view.edit(view.currentIndex())
    editor = open_editor(qtbot, view)
    editor.selectAll()
    qtbot.keyClicks(editor, "abc")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(messages))
    assert "不是数字" in messages[0]
    assert zeros.values[cell] == 0


def test_enter_and_tab_move_between_value_cells_without_editing(qtbot: Any, zeros: Report) -> None:
    view = make_view(qtbot, zeros)
    view.select_ref(CellRef("requests", "new", "total"))
    qtbot.keyClick(view, Qt.Key.Key_Tab)  # the row's last cell: on to the next row's first value
    assert view.current_ref() == CellRef("requests", "carried_over", "natural")
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert view.current_ref() == CellRef("requests", "granted", "natural")  # label rows skipped


def test_delete_clears_the_selection_in_one_undo_step(qtbot: Any, zeros: Report) -> None:
    view = make_view(qtbot, zeros)
    session = view.table_model.session
    zeros.values[CellRef("requests", "new", "natural")] = 4
    zeros.values[CellRef("requests", "new", "commercial")] = 2
    view.select_ref(CellRef("requests", "new", "natural"))
    view.selectionModel().select(view.table_model.index_of(CellRef("requests", "new", "commercial")),
                                 view.selectionModel().SelectionFlag.Select)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert zeros.values[CellRef("requests", "new", "natural")] is None
    assert zeros.values[CellRef("requests", "new", "commercial")] is None
    assert session.undo_stack.count() == 1
    session.undo_stack.undo()
    assert zeros.values[CellRef("requests", "new", "natural")] == 4


def test_paste_a_three_by_two_block_in_one_undo_step(qtbot: Any, zeros: Report) -> None:
    view = make_view(qtbot, zeros)
    session = view.table_model.session
    view.select_ref(CellRef("requests", "granted", "natural"))
    n, refused = view.paste_text("1\t2\r\n3\t４\r\n5\t6\r\n")  # as Excel puts it on the clipboard
    assert (n, refused) == (6, [])
    got = [[zeros.values[CellRef("requests", row, col)] for col in ("natural", "commercial")]
           for row in ("granted", "partial", "withheld_state_secret")]
    assert got == [[1, 2], [3, 4], [5, 6]]
    assert session.undo_stack.count() == 1
    session.undo_stack.undo()
    assert zeros.values[CellRef("requests", "granted", "natural")] == 0
    session.undo_stack.redo()
    assert zeros.values[CellRef("requests", "withheld_state_secret", "commercial")] == 6


def test_paste_refuses_bad_cells_one_by_one_and_never_overwrites_labels(qtbot: Any, zeros: Report) -> None:
    view = make_view(qtbot, zeros)
    messages: list[str] = []
    view.statusMessage.connect(messages.append)
    # Start on the label column of 二's 规章 row: the label text pasted onto itself is fine,
    # anything else onto a label is refused; "x" in a value cell is refused with its place.
    view2 = make_view(qtbot, zeros, "proactive")
    view2.statusMessage.connect(messages.append)
    label = view2.table_model.index(2, 0)
    view2.setCurrentIndex(label)
    view2.selectionModel().select(label, view2.selectionModel().SelectionFlag.ClearAndSelect)
    n, refused = view2.paste_text("规章\t1\tx\t3\n别的\t4\t5\t6")
    assert n == 5
    assert zeros.values[CellRef("proactive", "regulations", "issued")] == 1
    assert zeros.values[CellRef("proactive", "regulations", "repealed")] == 0  # kept
    assert zeros.values[CellRef("proactive", "normative_documents", "in_force")] == 6
    assert len(refused) == 2
    assert any("不是数字" in r for r in refused) and any("标签" in r for r in refused)
    assert "2 处未粘贴" in messages[-1]
    assert view2.table_model.data(label) == "规章"


def test_copy_gives_tab_separated_text_that_pastes_back(qtbot: Any, zeros: Report) -> None:
    view = make_view(qtbot, zeros)
    model = view.table_model
    for i, col in enumerate(("natural", "commercial")):
        zeros.values[CellRef("requests", "granted", col)] = 10 + i
        zeros.values[CellRef("requests", "partial", col)] = 20 + i
    sm = view.selectionModel()
    view.select_ref(CellRef("requests", "granted", "natural"))
    for r in (("granted", "commercial"), ("partial", "natural"), ("partial", "commercial")):
        sm.select(model.index_of(CellRef("requests", *r)), sm.SelectionFlag.Select)
    text = view.copy_selection()
    assert parse_tsv(text) == [["10", "11"], ["20", "21"]]
    assert QGuiApplication.clipboard().text() == text
    view.select_ref(CellRef("requests", "unable_not_held", "natural"))
    view.paste()
    assert zeros.values[CellRef("requests", "unable_needs_creation", "commercial")] == 21
