"""A table section as reportlab table data and style commands, laid out from its Grid.

Pure functions, no fonts and no rendering: :func:`table_spec` turns a
:class:`~models.grid.Grid` and the cells' printed texts into a :class:`TableSpec` (cell texts,
``SPAN``/line/background commands, column widths, font size); :func:`table_slice` cuts it for
a page break. Every ``SPAN`` comes from the Grid's merged cells, so the PDF has the same
merged cells as the editor and the Excel workbook.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from reportlab.lib import colors

from exporters.linebreak import break_lines, widest_unit
from models.grid import Grid, GridCell
from models.values import CellRef

Align = Literal["LEFT", "CENTER"]
Measure = Callable[[str, float], float]  # (text, font size) -> width in points
Glue = Callable[[GridCell], frozenset[int]]  # offsets of a label where no line may break
Command = tuple[Any, ...]

PAD_H = 3.0  # left/right cell padding, pt
PAD_V = 2.5  # top/bottom cell padding, pt
RULE = 0.5  # thin ruled borders, as in the official form
TITLE_BG = colors.HexColor("#E4EAF2")  # the light shading of 表二's block titles (第二十条第（一）项)
MIN_LABEL_CHARS = 4  # a multi-line group label column is at least this wide ("（四）无" / "法提供")
LAST_LABEL_SHARE = 0.45  # the row-label column takes at most this share of the width at rest
MIN_LAST_LABEL_CHARS = 6


def approx_width(text: str, size: float) -> float:
    """A font-free width estimate: CJK and full-width characters 1 em, others 0.55 em."""
    return sum(size if ord(ch) >= 0x2E80 else 0.55 * size for ch in text)


@dataclass(frozen=True, slots=True)
class TableCell:
    """What to print in one (anchor) cell."""

    text: str
    kind: str  # GridCell.kind
    align: Align
    continued: bool = False  # a merged cell continued from the previous page
    glued: frozenset[int] = frozenset()  # inside a label's words: no line break there


@dataclass(frozen=True, slots=True)
class TableSpec:
    grid: Grid
    rows: list[list[TableCell | None]]  # None: covered by a merged cell, or nothing to print
    commands: list[Command]
    col_widths: list[float]
    font_size: float
    repeat_rows: int
    body: tuple[int, int]  # the grid rows [start, stop) below the repeated header rows
    texts: Mapping[CellRef, str]
    glue: Glue

    @property
    def span_commands(self) -> list[Command]:
        return [c for c in self.commands if c[0] == "SPAN"]


def _align(cell: GridCell) -> Align:
    if cell.kind == "label":
        # Group labels (rowspan) are centred in their column; leaf row labels read left to right.
        return "CENTER" if cell.rowspan > 1 and cell.colspan == 1 else "LEFT"
    if cell.kind == "title":
        return "LEFT"
    return "CENTER"


def _no_glue(cell: GridCell) -> frozenset[int]:
    return frozenset()


def _label_width(text: str, per_line: int, size: float, measure: Measure, glued: frozenset[int]) -> float:
    """The width a label needs when printed ``per_line`` characters a line, or the narrowest
    width that breaks none of its words when that is wider."""
    widths = [measure(ch, size) for ch in text]
    chunk = max((sum(widths[i:i + per_line]) for i in range(0, len(text), per_line)), default=0.0)
    if not glued:
        return chunk
    # Greedy lines at ``chunk`` may end inside a word only when a word is wider than the line.
    width = max(chunk, widest_unit(text, widths, glued))
    lines = break_lines(text, widths, width, width, glued)
    return max(sum(widths[a:b]) for a, b, _ in lines)


def _natural_widths(grid: Grid, texts: Mapping[CellRef, str], size: float,
                    measure: Measure, glue: Glue = _no_glue) -> tuple[list[float], float, float]:
    """(label column widths except the last, value column width, last label column natural width)."""
    pad = 2 * PAD_H
    label_widths = [0.0] * max(grid.label_cols - 1, 0)
    value_w = measure("0000", size) + pad
    last_label = 0.0
    for cell in grid.cells:
        text = cell.text
        if cell.kind == "value" and cell.ref is not None:
            value_w = max(value_w, measure(texts.get(cell.ref, ""), size) + pad)
        elif cell.colspan != 1 or not text:
            continue
        elif cell.col >= grid.label_cols and cell.kind == "header":
            # A column header may wrap onto as many lines as it has 3-character groups, between
            # its words (商业|企业): the narrowest column that cuts no word.
            glued = glue(cell)
            per_line = math.ceil(len(text) / math.ceil(len(text) / 3))
            chunk = _label_width(text, per_line, size, measure, frozenset())
            need = widest_unit(text, [measure(ch, size) for ch in text], glued) if glued else chunk
            value_w = max(value_w, need + pad)
        elif cell.kind == "label" and cell.col < grid.label_cols - 1:
            # A group label spanning n rows may break into n lines; 1 char a line is the
            # official form's vertical label (三、本年度办理结果).
            per_line = math.ceil(len(text) / max(cell.rowspan, 1))
            if per_line > 1:
                per_line = max(per_line, MIN_LABEL_CHARS)
            label_widths[cell.col] = max(label_widths[cell.col],
                                         _label_width(text, per_line, size, measure, glue(cell)) + pad)
        elif cell.kind == "label":
            last_label = max(last_label, measure(text, size) + pad)
    return label_widths, value_w, last_label


def column_widths(grid: Grid, texts: Mapping[CellRef, str], width: float, size: float,
                  measure: Measure, glue: Glue = _no_glue) -> list[float] | None:
    """Column widths filling ``width`` at font ``size``, or None when the table cannot fit."""
    n_values = grid.n_cols - grid.label_cols
    label_widths, value_w, last_label = _natural_widths(grid, texts, size, measure, glue)
    if grid.label_cols == 0:
        if value_w * n_values > width + 0.01:
            return None
        return [width / n_values] * n_values
    last_natural = min(last_label, width * LAST_LABEL_SHARE)
    fixed = sum(label_widths)
    natural = fixed + last_natural + value_w * n_values
    if natural <= width:
        # Spare room goes to the row labels and the value columns alike.
        extra = width - natural
        grow = last_natural + value_w * n_values
        last = last_natural + extra * last_natural / grow
        value = value_w + extra * value_w / grow
    else:
        # Too wide: the row-label column wraps into the remaining room.
        last = width - fixed - value_w * n_values
        value = value_w
        if last < MIN_LAST_LABEL_CHARS * size + 2 * PAD_H:
            return None
    return label_widths + [last] + [value] * n_values


def table_spec(grid: Grid, texts: Mapping[CellRef, str], *, width: float, font_size: float = 10.5,
               min_font_size: float = 7.5, measure: Measure = approx_width, glue: Glue = _no_glue) -> TableSpec:
    """Lay out ``grid`` in ``width`` points, with ``texts`` the printed value of each value cell.

    The font shrinks by half points from ``font_size`` down to ``min_font_size`` until the
    columns fit; below that the columns are scaled down and the cells wrap. ``glue`` says where
    a label may not break (inside its words, see :func:`exporters.linebreak.label_glue`).
    """
    size = font_size
    widths = column_widths(grid, texts, width, size, measure, glue)
    while widths is None and size - 0.5 >= min_font_size:
        size -= 0.5
        widths = column_widths(grid, texts, width, size, measure, glue)
    if widths is None:
        label_widths, value_w, last_label = _natural_widths(grid, texts, size, measure, glue)
        raw = label_widths + ([min(last_label, width * LAST_LABEL_SHARE)] if grid.label_cols else [])
        raw += [value_w] * (grid.n_cols - grid.label_cols)
        widths = [w * width / sum(raw) for w in raw]
    return _build(grid, texts, widths, size, 0, grid.n_rows, grid.header_rows, glue)


def table_slice(spec: TableSpec, start: int, stop: int) -> TableSpec:
    """The header rows plus grid rows [start, stop): the part of the table on one page.

    A merged cell cut by the page break is cut too; its label is repeated on the new page.
    """
    return _build(spec.grid, spec.texts, spec.col_widths, spec.font_size, start, stop, spec.repeat_rows, spec.glue)


def _build(grid: Grid, texts: Mapping[CellRef, str], widths: Sequence[float], size: float,
           start: int, stop: int, header_rows: int, glue: Glue) -> TableSpec:
    start = max(start, header_rows)
    included = list(range(header_rows)) + list(range(start, stop))
    out_row = {r: i for i, r in enumerate(included)}
    rows: list[list[TableCell | None]] = [[None] * grid.n_cols for _ in included]
    commands: list[Command] = [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_H),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD_H),
        ("TOPPADDING", (0, 0), (-1, -1), PAD_V),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_V),
        ("GRID", (0, 0), (-1, -1), RULE, colors.black),
    ]
    for cell in grid.cells:
        covered = [r for r in range(cell.row, cell.row + cell.rowspan) if r in out_row]
        if not covered:
            continue
        r0, r1 = out_row[covered[0]], out_row[covered[-1]]
        c0, c1 = cell.col, cell.col + cell.colspan - 1
        text = texts.get(cell.ref, "") if cell.ref is not None else cell.text
        glued = glue(cell) if cell.ref is None else frozenset()
        rows[r0][c0] = TableCell(text, cell.kind, _align(cell), continued=covered[0] != cell.row, glued=glued)
        if r1 > r0 or c1 > c0:
            commands.append(("SPAN", (c0, r0), (c1, r1)))
        if cell.kind == "title":
            commands.append(("BACKGROUND", (c0, r0), (c1, r1), TITLE_BG))
    return TableSpec(grid, rows, commands, list(widths), size, header_rows, (start, stop), texts, glue)


def break_row(grid: Grid, start: int, fits: int) -> int:
    """Where to break a table whose rows [start, fits) fit on the page.

    At ``fits``, moved up so that no merged group leaves a single row on either side of the
    break and no block title or header row is left at the foot of the page. Returns the first
    grid row of the next page, or ``start`` when no acceptable break exists before ``fits``.
    """
    k = fits
    groups = _row_groups(grid)
    for _ in range(grid.n_rows):
        target = k
        for row, rowspan in groups:
            if not (row < k < row + rowspan):
                continue
            first = max(row, start)
            before, after = k - first, row + rowspan - k
            if before < 2:
                target = min(target, first)
            elif after < 2:
                target = min(target, k - 1 if k - 1 - first >= 2 else first)
        while target > start and _is_heading_row(grid, target - 1):
            target -= 1
        if target <= start:
            return start
        if target == k:
            break
        k = target
    return k


def _row_groups(grid: Grid) -> list[tuple[int, int]]:
    """(first row, rows) of what should not be cut thin: merged cells spanning rows, and the
    stacked blocks of 表二 (from one block title row to the next)."""
    groups = [(c.row, c.rowspan) for c in grid.cells if c.rowspan > 1]
    titles = sorted({c.row for c in grid.cells if c.kind == "title"})
    if titles:
        for first, nxt in zip(titles, [*titles[1:], grid.n_rows], strict=True):
            groups.append((first, nxt - first))
    return groups


def _is_heading_row(grid: Grid, row: int) -> bool:
    """A row holding only titles, column headers and corners (nothing to read on its own)."""
    cells = {grid.at(row, c) for c in range(grid.n_cols)}
    return all(c is not None and c.kind in ("title", "header", "corner") for c in cells)
