"""The spreadsheet clipboard, planned without widgets: what a copy puts on it, where a paste lands.

Excel and WPS put a block on the clipboard as tab-separated text in the ``excel-tab`` dialect:
rows end in CR LF, and a field holding a tab, a line break or a quote is quoted
(``"三、本年度\\n办理结果"\\t12\\t3``). A merged cell is one field followed by empty fields for the
positions it covers. Everything here is pure (no Qt), so the rules are tested without a window;
:class:`ui.section_view.SectionView` only gathers the selection and applies the plan.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from models.grid import Grid, GridCell
from models.normalise import squash
from models.numbers import ANY_NUMBER, CellParseError, NumberSpec
from models.values import CellRef, Value

#: Refusals quoted in the status message; the rest are counted.
SHOWN_REFUSALS = 3


# ---------------------------------------------------------------------- text ↔ rows


def parse_tsv(text: str) -> list[list[str]]:
    """Rows of fields as Excel/WPS put them on the clipboard (``csv``'s ``excel-tab`` dialect).

    Quoted fields keep their tabs and line breaks; the one line break that ends the block is not
    a row. A blank line inside the block is a row of one empty field (it skips a table row).
    """
    if not text:
        return [[""]]
    reader = csv.reader(io.StringIO(text, newline=""), dialect="excel-tab", strict=False)
    rows = [[_field(f) for f in row] or [""] for row in reader]
    return rows or [[""]]


def _field(raw: str) -> str:
    return raw.replace("\r\n", "\n").replace("\r", "\n").strip()


def format_tsv(rows: Iterable[Iterable[str]]) -> str:
    """Rows as Excel puts them on the clipboard: tab-separated, quoted where needed, CR LF."""
    out = io.StringIO()
    writer = csv.writer(out, dialect="excel-tab", lineterminator="\r\n")
    writer.writerows(rows)
    return out.getvalue()


def copy_block(grid: Grid, selected: set[tuple[int, int]], text_at: Callable[[int, int], str]) -> str:
    """The text a copy of the ``selected`` grid positions puts on the clipboard.

    The bounding rectangle, one field per grid column as spreadsheets copy merged cells (the
    positions a merged cell covers are empty fields), so the block lines up column by column
    when pasted into a spreadsheet. ``text_at(row, col)`` is the printed text of an anchor cell.
    """
    if not selected:
        return ""
    rows = [r for r, _ in selected]
    cols = [c for _, c in selected]
    block = []
    for r in range(min(rows), max(rows) + 1):
        out = []
        for c in range(min(cols), max(cols) + 1):
            cell = grid.at(r, c)
            anchored = cell is not None and cell.row == r and cell.col == c
            out.append(text_at(r, c) if anchored and (r, c) in selected else "")
        block.append(out)
    return format_tsv(block)


# ---------------------------------------------------------------------- header rows and label columns


def _field_kind(raw: str) -> str:
    """'empty', 'value' (a figure or a blank mark such as “—”) or 'text' (a label)."""
    if not raw:
        return "empty"
    try:
        ANY_NUMBER.parse(raw)
    except CellParseError:
        return "text"
    return "value"


def strip_headings(rows: list[list[str]]) -> tuple[list[list[str]], list[str]]:
    """Drop the header rows and label columns copied along with a block of figures.

    Leading rows (then columns) that hold text but no value are headings; empty fields beside
    them are the rest of merged label cells. Only when values follow: a block of text alone is
    left whole, to be refused cell by cell. Returns the remaining rows and what was skipped.
    """
    def leading(count: int, fields_of: Callable[[int], list[str]]) -> int:
        found, text_seen = 0, False
        for k in range(count - 1):
            kinds = {_field_kind(f) for f in fields_of(k)}
            if "value" in kinds:
                break
            text_seen = text_seen or "text" in kinds
            if text_seen:
                found = k + 1
        return found

    top = leading(len(rows), lambda k: rows[k])
    body = rows[top:]
    width = max((len(r) for r in body), default=0)
    left = leading(width, lambda k: [r[k] if k < len(r) else "" for r in body])
    body = [r[left:] for r in body]
    if not any(_field_kind(f) == "value" for r in body for f in r) or not (top or left):
        return rows, []
    notes = []
    if top:
        notes.append(f"已跳过 {top} 行表头")
    if left:
        notes.append(f"已跳过 {left} 列行标签")
    return body, notes


# ---------------------------------------------------------------------- the paste plan


@dataclass
class PastePlan:
    """What a paste does: the values to set (one undo step), what it refused and skipped."""

    changes: dict[CellRef, Value] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def pasted(self) -> int:
        """Value cells the paste wrote (whether or not their value changed)."""
        return len(self.changes)

    def message(self, changed: int) -> str:
        """The status-bar summary, given how many of the pasted cells actually changed."""
        if self.pasted:
            message = f"已粘贴 {self.pasted} 个单元格"
            if changed == 0:
                message += "，与原有数字相同"
            elif changed < self.pasted:
                message += f"，其中 {changed} 个有变化"
        elif self.refused:
            message = "没有粘贴任何单元格"
        else:
            message = "剪贴板中没有可粘贴的内容"
        if self.notes:
            message += "（" + "、".join(self.notes) + "）"
        if self.refused:
            more = f"等 {len(self.refused)} 处" if len(self.refused) > SHOWN_REFUSALS else ""
            message += f"；{len(self.refused)} 处未粘贴：" + "；".join(self.refused[:SHOWN_REFUSALS]) + more
        return message


def plan_paste(text: str, grid: Grid, *, origin: tuple[int, int], selected: Iterable[CellRef],
               spec_of: Callable[[CellRef], NumberSpec], describe: Callable[[CellRef], str]) -> PastePlan:
    """Where each field of the clipboard ``text`` goes, pasted at grid position ``origin``.

    Field ``j`` of a pasted row goes to grid column ``origin + j`` (spreadsheets put a merged
    cell's covered positions on the clipboard as empty fields). Labels are never overwritten;
    a header row or label column copied along with the numbers is skipped when the block is
    pasted onto a value cell, so the numbers land where the user aimed. One value pasted onto a
    selection of several cells fills each of them, as Excel does.
    """
    plan = PastePlan()
    rows = parse_tsv(text)
    if rows == [[""]]:
        return plan
    selected = list(selected)
    if len(rows) == 1 and len(rows[0]) == 1 and len(selected) > 1:
        for ref in selected:
            cell = grid.cell_of(ref)
            if cell is not None:
                _put(plan, cell, rows[0][0], spec_of, describe)
        return plan
    origin_cell = grid.at(*origin)
    if origin_cell is not None and origin_cell.kind == "value":
        rows, skipped = strip_headings(rows)
        plan.notes += skipped
    seen: set[tuple[int, int]] = set()
    for i, row in enumerate(rows):
        r = origin[0] + i
        for j, raw in enumerate(row):
            c = origin[1] + j
            cell = grid.at(r, c) if r < grid.n_rows and c < grid.n_cols else None
            if cell is None:
                if raw:
                    plan.refused.append(f"“{raw[:10]}”超出了表格范围")
                continue
            anchor = (cell.row, cell.col)
            if anchor in seen and not raw:
                continue  # the empty rest of a merged cell, as spreadsheets copy it
            seen.add(anchor)
            _put(plan, cell, raw, spec_of, describe)
    return plan


def _put(plan: PastePlan, cell: GridCell, raw: str, spec_of: Callable[[CellRef], NumberSpec],
         describe: Callable[[CellRef], str]) -> None:
    if cell.kind != "value":
        if raw and squash(raw) != squash(cell.text):
            plan.refused.append(f"“{cell.text[:14]}”是表格标签，不能覆盖")
        return
    assert cell.ref is not None
    try:
        value = spec_of(cell.ref).parse(raw).value
    except CellParseError as exc:
        plan.refused.append(f"{describe(cell.ref)}：{exc}")
        return
    if cell.ref in plan.changes and plan.changes[cell.ref] != value:
        plan.refused.append(f"{describe(cell.ref)}是合并单元格，只能填一个数：“{raw}”未粘贴")
        return
    plan.changes[cell.ref] = value

