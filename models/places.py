"""Where a cell is, in words a clerk finds it by, and where a finding sorts in the report.

``三、“一、本年新收…”的“自然人”``; in 四, whose columns repeat their labels under each group,
``四、“行政复议·总计”``. Used by every rule's message, the importers' findings and the views.
"""

from __future__ import annotations

from functools import cache

from models.template import ReportTemplate, SectionSpec
from models.values import CellRef

SECTION_STRIDE = 10_000  # order = section index × stride + position of the cell in the template


class Locator:
    """Names and sort positions of a template's cells."""

    def __init__(self, template: ReportTemplate) -> None:
        self.template = template
        self._section_order = {s.key: i * SECTION_STRIDE for i, s in enumerate(template.sections)}
        self._order: dict[CellRef, int] = {}
        for i, c in enumerate(template.all_cells()):
            self._order[c.ref] = self._section_order[c.section] + i
        # Column labels that stand for several columns of a section (四's 总计 under each group).
        self._ambiguous: set[tuple[str, str]] = set()
        for s in template.table_sections:
            keys_by_label: dict[str, set[str]] = {}
            for c in s.cells:
                keys_by_label.setdefault(c.column_label, set()).add(c.column)
            self._ambiguous |= {(s.key, label) for label, keys in keys_by_label.items() if len(keys) > 1}
        self._where: dict[CellRef, str] = {}

    def order(self, ref: CellRef) -> int:
        return self._order[ref]

    def section_order(self, key: str) -> int:
        return self._section_order[key]

    @staticmethod
    def row_text(row_path: tuple[str, ...]) -> str:
        """A row's name: its own label under the outermost group (（三）不予公开 1.属于国家秘密)."""
        return " ".join(row_path[1:]) if len(row_path) > 1 else (row_path[0] if row_path else "")

    def column_text(self, ref: CellRef) -> str:
        """A column's name as a clerk finds it: with its group where the label repeats."""
        spec = self.template.cell(*ref)
        assert spec is not None
        if (ref.section, spec.column_label) in self._ambiguous and len(spec.column_path) > 1:
            return "·".join(spec.column_path[-2:])
        return spec.column_label

    def column_group(self, ref: CellRef) -> str:
        """The headers above a column's own label (行政诉讼·未经复议直接起诉), or its label."""
        spec = self.template.cell(*ref)
        assert spec is not None
        return "·".join(spec.column_path[:-1]) or spec.column_label

    def where(self, ref: CellRef) -> str:
        """Human location of a cell: 三、“一、本年新收…”的“自然人”."""
        hit = self._where.get(ref)
        if hit is None:
            spec = self.template.cell(*ref)
            assert spec is not None
            section = self.template.section(ref.section)
            column = self.column_text(ref)
            if not has_row_labels(section):
                hit = f"{section.number}、“{column}”"
            else:
                hit = f"{section.number}、“{self.row_text(spec.row_path)}”的“{column}”"
            self._where[ref] = hit
        return hit


def has_row_labels(section: SectionSpec) -> bool:
    """False for a table printed without a row-label column (四: one row of numbers)."""
    return any(b.row_labels for b in section.blocks)


@cache
def locator_for(template: ReportTemplate) -> Locator:
    return Locator(template)
