"""How a person names a place in a report: 表三 “（七）总计”×“自然人”.

Labels come from the template's row and column trees. Where a leaf label repeats inside a table
(四's 总计 under 行政复议 and under each kind of 行政诉讼), its parents are put in front until the
name is unique (“行政复议·总计”). A table with one unlabelled row (四) is named by its column only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from models.findings import Finding
from models.template import ReportTemplate, SectionSpec
from models.values import CellRef

JOIN = "·"


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


def _unique_suffixes(paths: list[tuple[str, ...]]) -> dict[tuple[str, ...], str]:
    """For each path, its shortest tail that no other path ends with, joined by ·."""
    out: dict[tuple[str, ...], str] = {}
    distinct = list(dict.fromkeys(paths))
    for path in distinct:
        for n in range(1, len(path) + 1):
            tail = path[-n:]
            if sum(1 for other in distinct if other[-n:] == tail) == 1:
                break
        out[path] = JOIN.join(tail)
    return out


@dataclass(frozen=True, slots=True)
class _TableLabels:
    number: str
    rows: dict[str, str]
    columns: dict[str, str]
    labelled_rows: bool


@cache
def _labels(template: ReportTemplate, section_key: str) -> _TableLabels:
    section: SectionSpec = template.section(section_key)
    row_paths = {c.row: c.row_path for c in section.cells}
    col_paths = {c.column: c.column_path for c in section.cells}
    rows = _unique_suffixes(list(row_paths.values()))
    columns = _unique_suffixes(list(col_paths.values()))
    return _TableLabels(
        number=section.number,
        rows={k: rows[p] for k, p in row_paths.items()},
        columns={k: columns[p] for k, p in col_paths.items()},
        labelled_rows=all(b.row_labels for b in section.blocks),
    )


def table_name(template: ReportTemplate, section_key: str) -> str:
    """表三 for a table, the section's title (五、存在的主要问题及改进情况) for a text."""
    section = template.section(section_key)
    return f"表{section.number}" if section.is_table else section.title


def cell_place(template: ReportTemplate, ref: CellRef) -> Place:
    labels = _labels(template, ref.section)
    return Place(
        table=f"表{labels.number}",
        row=labels.rows.get(ref.row, ref.row) if labels.labelled_rows else "",
        column=labels.columns.get(ref.column, ref.column),
    )


def finding_place(template: ReportTemplate, finding: Finding) -> Place:
    """The place a finding points at: its cell (the total, else the first cell), else its section."""
    anchor = finding.anchor
    if anchor is not None and template.cell(*anchor) is not None:
        return cell_place(template, anchor)
    if finding.section and template.has_section(finding.section):
        return Place(table_name(template, finding.section))
    return Place("基本信息" if finding.rule.startswith("meta.") else "全文")
