"""The printed layout of a table section as a grid of (possibly merged) cells.

One :func:`build_grid` feeds the editor's ``QTableView.setSpan``, the Excel merges and the PDF
``SPAN`` commands, so all three look like the official form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from models.template import Block, HeaderNode, ReportTemplate, SectionSpec
from models.values import CellRef

CellKind = Literal["title", "corner", "header", "label", "value"]


@dataclass(frozen=True, slots=True)
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    kind: CellKind
    text: str = ""
    ref: CellRef | None = None
    level: int = 0  # depth in its header/label tree (0 = outermost)

    @property
    def is_value(self) -> bool:
        return self.kind == "value"

    @property
    def is_merged(self) -> bool:
        return self.rowspan > 1 or self.colspan > 1


@dataclass(frozen=True, slots=True)
class Grid:
    section: str
    n_rows: int
    n_cols: int
    label_cols: int
    header_rows: int  # rows to repeat when the table breaks across pages
    cells: tuple[GridCell, ...]
    _anchor: dict[tuple[int, int], GridCell] = field(default_factory=dict, repr=False, compare=False)
    _by_ref: dict[CellRef, GridCell] = field(default_factory=dict, repr=False, compare=False)

    def at(self, row: int, col: int) -> GridCell | None:
        """The cell covering (row, col), merged or not."""
        return self._anchor.get((row, col))

    def cell_of(self, ref: CellRef) -> GridCell | None:
        return self._by_ref.get(ref)

    def position(self, ref: CellRef) -> tuple[int, int] | None:
        cell = self._by_ref.get(ref)
        return (cell.row, cell.col) if cell else None

    @property
    def value_cells(self) -> list[GridCell]:
        return [c for c in self.cells if c.is_value]

    @property
    def merged(self) -> list[GridCell]:
        return [c for c in self.cells if c.is_merged]


class _Builder:
    def __init__(self, section: SectionSpec) -> None:
        self.section = section
        self.label_cols = max(b.label_depth for b in section.blocks)
        self.value_cols = max(len(b.column_leaves) for b in section.blocks)
        self.n_cols = self.label_cols + self.value_cols
        self.cells: list[GridCell] = []
        self.row = 0

    def add(self, r: int, c: int, rs: int, cs: int, kind: CellKind, text: str = "",
            ref: CellRef | None = None, level: int = 0) -> None:
        self.cells.append(GridCell(r, c, rs, cs, kind, text, ref, level))

    def block(self, block: Block) -> None:
        if block.title:
            self.add(self.row, 0, 1, self.n_cols, "title", block.title)
            self.row += 1
        depth = block.header_depth
        leaves = block.column_leaves
        stretch = self.value_cols - len(leaves)  # the last column widens to fill the grid
        if self.label_cols:
            self.add(self.row, 0, depth, self.label_cols, "corner", block.corner or "")
        col = self.label_cols
        for node in block.columns:
            col = self._header(node, self.row, col, 0, depth, stretch, leaves[-1])
        self.row += depth
        # Data rows: row-label tree down the left, values to the right.
        leaf_cols: list[tuple[int, int, HeaderNode]] = []
        col = self.label_cols
        for leaf in leaves:
            span = 1 + (stretch if leaf is leaves[-1] else 0)
            leaf_cols.append((col, span, leaf))
            col += span
        for node in block.rows:
            self._row_labels(node, 0, leaf_cols)

    def _header(self, node: HeaderNode, r: int, c: int, level: int, depth: int,
                stretch: int, last: HeaderNode) -> int:
        width = len(node.leaves()) + (stretch if last in node.leaves() else 0)
        if node.is_leaf:
            self.add(r, c, depth - level, width, "header", node.label, level=level)
            return c + width
        self.add(r, c, 1, width, "header", node.label, level=level)
        cc = c
        for child in node.children:
            cc = self._header(child, r + 1, cc, level + 1, depth, stretch, last)
        return c + width

    def _row_labels(self, node: HeaderNode, level: int, leaf_cols: list[tuple[int, int, HeaderNode]]) -> None:
        if node.is_leaf:
            if self.label_cols:
                self.add(self.row, level, 1, self.label_cols - level, "label", node.label, level=level)
            for col, span, leaf in leaf_cols:
                assert node.key is not None and leaf.key is not None
                ref = CellRef(self.section.key, node.key, leaf.key)
                self.add(self.row, col, 1, span, "value", ref=ref)
            self.row += 1
            return
        n = len(node.leaves())
        self.add(self.row, level, n, 1, "label", node.label, level=level)
        for child in node.children:
            self._row_labels(child, level + 1, leaf_cols)


def build_grid(section: SectionSpec) -> Grid:
    """Lay out a table section exactly like the printed form."""
    if not section.is_table:
        raise ValueError(f"{section.key} 不是表格栏目")
    b = _Builder(section)
    for block in section.blocks:
        b.block(block)
    anchor: dict[tuple[int, int], GridCell] = {}
    for cell in b.cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                if (r, c) in anchor:
                    raise ValueError(f"{section.key}: 网格位置 ({r},{c}) 重叠")
                anchor[(r, c)] = cell
    first = section.blocks[0]
    header_rows = 0 if len(section.blocks) > 1 else first.header_depth + (1 if first.title else 0)
    return Grid(
        section=section.key,
        n_rows=b.row,
        n_cols=b.n_cols,
        label_cols=b.label_cols,
        header_rows=header_rows,
        cells=tuple(b.cells),
        _anchor=anchor,
        _by_ref={c.ref: c for c in b.cells if c.ref is not None},
    )


@cache
def grid_for(template: ReportTemplate, section_key: str) -> Grid:
    """Cached grid of a shipped template's section."""
    return build_grid(template.section(section_key))
