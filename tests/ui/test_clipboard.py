"""The spreadsheet clipboard as Excel/WPS write it: parsed and planned without any widget,
then pasted for real into the table (the status bar counts the cells pasted)."""

from __future__ import annotations

from typing import Any

from ui_helpers import make_view

from models.grid import grid_for
from models.report import Report
from models.template import load_template
from models.values import CellRef
from ui.clipboard import copy_block, format_tsv, parse_tsv, plan_paste

T = load_template("2021")
GRID = grid_for(T, "requests")


def spec_of(ref: CellRef) -> Any:
    spec = T.cell(*ref)
    assert spec is not None
    return spec.number


def plan(text: str, at: CellRef | tuple[int, int], selected: tuple[CellRef, ...] = ()) -> Any:
    origin = GRID.position(at) if isinstance(at, CellRef) else at
    assert origin is not None
    return plan_paste(text, GRID, origin=origin, selected=selected, spec_of=spec_of, describe=str)


def test_a_quoted_line_break_stays_inside_its_cell() -> None:
    # Excel copies a label holding a line break quoted; splitting by lines would make two rows.
    text = '"三、本年度\n办理结果"\t12\t3\r\n'
    assert parse_tsv(text) == [["三、本年度\n办理结果", "12", "3"]]
    assert parse_tsv('"a\r\nb"\t"say ""hi"""\r\n1\t2\r\n') == [["a\nb", 'say "hi"'], ["1", "2"]]


def test_excel_line_ends_blank_rows_and_empty_text() -> None:
    assert parse_tsv("1\t2\r\n3\t4\r\n") == [["1", "2"], ["3", "4"]]
    assert parse_tsv("1\n\n3\n") == [["1"], [""], ["3"]]  # a blank row skips a table row
    assert parse_tsv("") == [[""]]
    assert parse_tsv("\r\n") == [[""]]
    assert parse_tsv("\t5\t") == [["", "5", ""]]


def test_what_we_copy_reads_back_field_for_field() -> None:
    rows = [["三、本年度\n办理结果", "12"], ["带\t制表符", '引号"']]
    text = format_tsv(rows)
    assert text.endswith("\r\n")
    assert parse_tsv(text) == rows


def test_a_block_with_a_quoted_multiline_label_lands_in_line() -> None:
    # The label column copied along (with its line break) is skipped; the numbers land on the row aimed at.
    p = plan('"（一）予以\n公开"\t3\t4\r\n', CellRef("requests", "granted", "natural"))
    assert p.refused == []
    assert p.changes == {CellRef("requests", "granted", "natural"): 3, CellRef("requests", "granted", "commercial"): 4}
    assert p.notes == ["已跳过 1 列行标签"]


def test_copy_block_lines_up_merged_cells_like_a_spreadsheet() -> None:
    new = GRID.position(CellRef("requests", "new", "natural"))
    assert new is not None
    selected = {(new[0], c) for c in range(GRID.n_cols)}
    text = copy_block(GRID, selected, lambda r, c: GRID.at(r, c).text or "7")  # type: ignore[union-attr]
    rows = parse_tsv(text)
    assert len(rows) == 1 and len(rows[0]) == GRID.n_cols
    assert rows[0][0].startswith("一、本年新收") and rows[0][1] == "" and rows[0][GRID.label_cols] == "7"
    assert copy_block(GRID, set(), lambda r, c: "") == ""


def test_one_value_fills_every_selected_cell_and_refusals_are_counted() -> None:
    cells = tuple(CellRef("requests", "granted", c) for c in ("natural", "commercial", "research"))
    p = plan("0", cells[0], cells)
    assert p.changes == dict.fromkeys(cells, 0)
    bad = plan("x\ty\tz\tw\n", CellRef("requests", "granted", "natural"))
    assert bad.changes == {} and len(bad.refused) == 4
    message = bad.message(0)
    assert message.startswith("没有粘贴任何单元格") and "4 处未粘贴" in message and "等 4 处" in message


def test_the_message_counts_cells_pasted_not_only_those_that_changed() -> None:
    p = plan("1\t2\t3", CellRef("requests", "granted", "natural"))
    assert p.pasted == 3
    assert p.message(3) == "已粘贴 3 个单元格"
    assert p.message(1) == "已粘贴 3 个单元格，其中 1 个有变化"
    assert p.message(0) == "已粘贴 3 个单元格，与原有数字相同"
    assert plan("", (0, 0)).message(0) == "剪贴板中没有可粘贴的内容"


def test_pasting_the_same_figures_again_says_how_many_were_pasted(qtbot: Any, zeros: Report) -> None:
    view = make_view(qtbot, zeros)
    messages: list[str] = []
    view.statusMessage.connect(messages.append)
    view.select_ref(CellRef("requests", "granted", "natural"))
    n, refused = view.paste_text('"（一）予以\n公开"\t0\t5\r\n')  # copied from Excel with its label
    assert (n, refused) == (1, [])
    assert zeros.values[CellRef("requests", "granted", "commercial")] == 5
    assert messages[-1] == "已粘贴 2 个单元格，其中 1 个有变化（已跳过 1 列行标签）"
    view.select_ref(CellRef("requests", "granted", "natural"))
    n, _ = view.paste_text("0\t5\r\n")
    assert n == 0
    assert messages[-1] == "已粘贴 2 个单元格，与原有数字相同"
    assert view.table_model.session.undo_stack.count() == 1  # nothing changed: no empty undo step
