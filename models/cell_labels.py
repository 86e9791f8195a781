"""How a person names a place in a report: 表三 “（七）总计”×“自然人”.

The row and column names are the checker's own (:mod:`models.places`, from the template's label
trees: a row under its group, a column label that repeats in a table — 四's 总计 — with its
group). A table printed without row labels (四) is named by its column only.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.findings import Finding
from models.places import has_row_labels, locator_for
from models.template import ReportTemplate
from models.values import CellRef


@dataclass(frozen=True, slots=True)
class Place:
    """Where a finding is: ``table`` (表三, or a text section's title), ``row`` and ``column``
    labels ("" when the finding concerns a whole section or table)."""

    table: str
    row: str = ""
    column: str = ""

    def __str__(self) -> str:
        cell = "×".join(f"“{x}”" for x in (self.row, self.column) if x)
        return f"{self.table} {cell}" if cell else self.table


def table_name(template: ReportTemplate, section_key: str) -> str:
    """表三 for a table, the section's title (五、存在的主要问题及改进情况) for a text."""
    section = template.section(section_key)
    return f"表{section.number}" if section.is_table else section.title


def cell_place(template: ReportTemplate, ref: CellRef) -> Place:
    spec = template.cell(*ref)
    assert spec is not None
    section = template.section(ref.section)
    locator = locator_for(template)
    row = locator.row_text(spec.row_path) if has_row_labels(section) else ""
    return Place(table=f"表{section.number}", row=row, column=locator.column_text(ref))


def finding_place(template: ReportTemplate, finding: Finding) -> Place:
    """The place a finding points at: its cell (the total, else the first cell), else its section."""
    anchor = finding.anchor
    if anchor is not None and template.cell(*anchor) is not None:
        return cell_place(template, anchor)
    if finding.section and template.has_section(finding.section):
        return Place(table_name(template, finding.section))
    return Place("基本信息" if finding.rule.startswith("meta.") else "全文")
