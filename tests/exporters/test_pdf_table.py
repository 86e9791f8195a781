"""The PDF tables' data and style commands, checked against the Grid without rendering."""

from __future__ import annotations

import pytest

from exporters.pdf_table import TableSpec, approx_width, break_row, table_slice, table_spec
from models.grid import Grid, grid_for
from models.template import ReportTemplate, load_template
from models.values import CellRef

WIDTH = 156 * 72 / 25.4  # the 版心 of GB/T 9704, in points
TABLES = ("proactive", "requests", "appeals")


@pytest.fixture(scope="module")
def template() -> ReportTemplate:
    return load_template("2021")


def _texts(grid: Grid, text: str = "1234") -> dict[CellRef, str]:
    return {c.ref: text for c in grid.value_cells if c.ref is not None}


def _spans(spec: TableSpec) -> set[tuple[tuple[int, int], tuple[int, int]]]:
    return {(cmd[1], cmd[2]) for cmd in spec.span_commands}


@pytest.mark.parametrize("key", TABLES)
def test_spans_are_the_grids_merged_cells(template: ReportTemplate, key: str) -> None:
    grid = grid_for(template, key)
    spec = table_spec(grid, _texts(grid), width=WIDTH)
    expected = {((c.col, c.row), (c.col + c.colspan - 1, c.row + c.rowspan - 1)) for c in grid.merged}
    assert expected, "every official table has merged cells"
    assert _spans(spec) == expected
    assert len(spec.span_commands) == len(expected)  # no duplicates


def test_spans_match_the_official_form(template: ReportTemplate) -> None:
    """A few merges of the printed form, spelled out independently of the Grid code."""
    three = _spans(table_spec(grid_for(template, "requests"), {}, width=WIDTH))
    assert ((0, 0), (2, 2)) in three  # the corner note: 3 label columns × 3 header rows
    assert ((3, 0), (9, 0)) in three  # 申请人情况 over the 7 data columns
    assert ((0, 5), (0, 26)) in three  # 三、本年度办理结果: rowspan 22
    four = _spans(table_spec(grid_for(template, "appeals"), {}, width=WIDTH))
    assert ((0, 0), (4, 0)) in four and ((5, 0), (14, 0)) in four  # 行政复议 / 行政诉讼
    two = _spans(table_spec(grid_for(template, "proactive"), {}, width=WIDTH))
    assert ((0, 0), (3, 0)) in two  # 第二十条第（一）项 across the 4 columns


@pytest.mark.parametrize("key", TABLES)
def test_cells_carry_the_grid_text_at_their_anchor(template: ReportTemplate, key: str) -> None:
    grid = grid_for(template, key)
    texts = {ref: f"v{i}" for i, ref in enumerate(_texts(grid))}
    spec = table_spec(grid, texts, width=WIDTH)
    assert len(spec.rows) == grid.n_rows and all(len(r) == grid.n_cols for r in spec.rows)
    for r in range(grid.n_rows):
        for c in range(grid.n_cols):
            cell = grid.at(r, c)
            assert cell is not None
            printed = spec.rows[r][c]
            if (cell.row, cell.col) != (r, c):
                assert printed is None  # covered by a merged cell
                continue
            assert printed is not None
            assert printed.text == (texts[cell.ref] if cell.ref else cell.text)
            assert not printed.continued
            if cell.kind == "value":
                assert printed.align == "CENTER"  # numbers centred, as in the official form


@pytest.mark.parametrize("key", TABLES)
def test_widths_fill_the_type_area(template: ReportTemplate, key: str) -> None:
    grid = grid_for(template, key)
    spec = table_spec(grid, _texts(grid), width=WIDTH)
    assert sum(spec.col_widths) == pytest.approx(WIDTH)
    assert all(w > 0 for w in spec.col_widths)
    assert spec.repeat_rows == grid.header_rows
    value_widths = {round(w, 3) for w in spec.col_widths[grid.label_cols:]}
    assert len(value_widths) == 1  # the number columns are equally wide


def test_table_three_and_four_stay_readable(template: ReportTemplate) -> None:
    """Unlike the published PDF, 表三 keeps 五号 (10.5 pt) type; 表四's 15 columns fit 156 mm
    with wrapped headers ("结果/维持") and the numbers on one line."""
    for key in ("requests", "appeals"):
        grid = grid_for(template, key)
        spec = table_spec(grid, _texts(grid, "3119"), width=WIDTH)
        assert spec.font_size == 10.5
        widest = max(approx_width("3119", 10.5), approx_width("结果", 10.5)) + 6
        assert min(spec.col_widths[grid.label_cols:]) >= widest


def test_font_shrinks_for_huge_numbers_but_not_below_the_minimum(template: ReportTemplate) -> None:
    grid = grid_for(template, "appeals")
    spec = table_spec(grid, _texts(grid, "12345"), width=WIDTH, min_font_size=7.5)
    assert 7.5 <= spec.font_size < 10.5
    assert max(spec.col_widths) * 15 == pytest.approx(WIDTH)
    assert approx_width("12345", spec.font_size) + 6 <= spec.col_widths[0] + 1e-6
    assert approx_width("12345", spec.font_size + 0.5) + 6 > spec.col_widths[0]  # no smaller than needed
    absurd = table_spec(grid, _texts(grid, "1" * 40), width=WIDTH)
    assert absurd.font_size == 7.5 and sum(absurd.col_widths) == pytest.approx(WIDTH)


def test_block_titles_are_shaded_and_nothing_else(template: ReportTemplate) -> None:
    grid = grid_for(template, "proactive")
    spec = table_spec(grid, {}, width=WIDTH)
    shaded = {cmd[1][1] for cmd in spec.commands if cmd[0] == "BACKGROUND"}
    assert shaded == {c.row for c in grid.cells if c.kind == "title"}
    assert len(shaded) == 4


def test_slice_repeats_the_header_and_cuts_merged_cells(template: ReportTemplate) -> None:
    grid = grid_for(template, "requests")
    spec = table_spec(grid, _texts(grid), width=WIDTH)
    head = grid.header_rows
    part = table_slice(spec, 10, grid.n_rows)
    included = list(range(head)) + list(range(10, grid.n_rows))
    assert len(part.rows) == len(included)
    assert part.rows[:head] == spec.rows[:head]  # the header rows, repeated
    out = {r: i for i, r in enumerate(included)}
    expected = set()
    for cell in grid.cells:
        rows = [r for r in range(cell.row, cell.row + cell.rowspan) if r in out]
        if rows and (len(rows) > 1 or cell.colspan > 1):
            expected.add(((cell.col, out[rows[0]]), (cell.col + cell.colspan - 1, out[rows[-1]])))
    assert _spans(part) == expected
    # 三、本年度办理结果 began on the previous page: its label is printed again, marked as continued.
    group = grid.at(10, 0)
    assert group is not None and group.row < 10
    continued = part.rows[head][0]
    assert continued is not None and continued.text == group.text and continued.continued


def test_first_slice_plus_rest_cover_every_row_once(template: ReportTemplate) -> None:
    grid = grid_for(template, "requests")
    spec = table_spec(grid, _texts(grid), width=WIDTH)
    first, rest = table_slice(spec, grid.header_rows, 15), table_slice(spec, 15, grid.n_rows)
    body = len(first.rows) + len(rest.rows) - 2 * grid.header_rows
    assert body == grid.n_rows - grid.header_rows


@pytest.mark.parametrize("key", TABLES)
def test_break_row_never_strands_a_single_row_of_a_group(template: ReportTemplate, key: str) -> None:
    grid = grid_for(template, key)
    start = grid.header_rows
    for fits in range(start + 1, grid.n_rows):
        k = break_row(grid, start, fits)
        assert start <= k <= fits
        if k == start:
            continue  # no acceptable break: the caller moves the table to the next page
        titles = sorted({c.row for c in grid.cells if c.kind == "title"})  # 表二's stacked blocks
        ends = [*titles[1:], grid.n_rows] if titles else []
        blocks = [(a, b - a) for a, b in zip(titles, ends, strict=True)]
        for row, rowspan in [(c.row, c.rowspan) for c in grid.cells if c.rowspan > 1] + blocks:
            if row < k < row + rowspan and row > start:
                assert k - row >= 2 and row + rowspan - k >= 2, (fits, k, row, rowspan)
        last = {grid.at(k - 1, c) for c in range(grid.n_cols)}
        assert not all(c is not None and c.kind in ("title", "header", "corner") for c in last), (fits, k)
