"""Two years of one agency's report side by side: what reviewers otherwise compile by hand.

:func:`compare` gives, for every table cell of this year's format, last year's value, this
year's, the change and the change in per cent (last year's figures in this year's keys, through
the template's format key map when last year's report used another format); the cells that
moved most; and the findings of the carry-over rules. The Excel, PDF and web-page writers in
``exporters/`` only lay this out. The editor's tooltips word a change with the same functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from models.checker import checker_for
from models.findings import Finding
from models.last_year import LastYear, LastYearView, in_this_format
from models.normalise import squash
from models.numbers import format_value, magnitude
from models.places import locator_for
from models.report import Report
from models.template import ReportTemplate, SectionSpec
from models.values import CellRef, Value

MOVERS = 10  # how many of the cells that moved most are listed


@dataclass(frozen=True, slots=True)
class CellChange:
    """One cell in both years. ``comparable``: last year's report has this cell (a report in
    another format may not)."""

    ref: CellRef
    where: str
    last: Value
    this: Value
    comparable: bool = True

    @property
    def change(self) -> int | Decimal | None:
        """This year's value less last year's (None unless both are numbers)."""
        a, b = magnitude(self.last), magnitude(self.this)
        if a is None or b is None or isinstance(a, bool) or isinstance(b, bool):
            return None
        try:
            return b - a
        except TypeError:  # pragma: no cover - values of a hand-edited file
            return None

    @property
    def ratio(self) -> Decimal | None:
        """The change as a share of last year's value (None when last year's is 0 or blank)."""
        change, last = self.change, magnitude(self.last)
        if change is None or not last:
            return None
        return Decimal(change) / Decimal(last)

    @property
    def changed(self) -> bool:
        """Both years have a figure and they differ (a cell not filled in is not a change)."""
        return self.comparable and self.last is not None and self.this is not None and self.last != self.this

    def change_text(self) -> str:
        return change_text(self.change)

    def ratio_text(self) -> str:
        """``+25.0%``; ``新增`` from 0 to a figure; ``""`` when there is nothing to say."""
        ratio = self.ratio
        if ratio is not None:
            return percent_text(ratio)
        if self.change and magnitude(self.last) == 0:
            return "新增"
        return ""

    def describe(self) -> str:
        """The tooltip's words: ``上年 12，本年 15，增加 3（+25.0%）``."""
        if not self.comparable:
            return "上年报告使用另一种格式，没有可比的数字"
        last = format_value(self.last) or "未填"
        this = format_value(self.this) or "未填"
        change = self.change
        if change is None:
            return f"上年 {last}，本年 {this}"
        if not change:
            return f"上年 {last}，本年 {this}，与上年相同"
        verb = "增加" if change > 0 else "减少"
        ratio = self.ratio_text()
        return f"上年 {last}，本年 {this}，{verb} {format_value(abs(change))}" + (f"（{ratio}）" if ratio else "")


def carried_text(template: ReportTemplate, sources: tuple[CellRef, ...], last: LastYearView | None) -> str:
    """What a carried-over cell must equal: ``应等于上年报告“四、结转下年度继续办理”的 103`` ('' when
    it is not carried, or no last year is known)."""
    if not sources or last is None:
        return ""
    values = [last.values.get(r) for r in sources]
    names = "加".join(locator_for(template).where(r) for r in sources)
    numbers = [magnitude(v) for v in values]
    if any(n is None or isinstance(n, bool) for n in numbers):
        return f"本格由上年结转，但上年报告中{names}未填写：请按上年实际填写"
    carried = sum(numbers[1:], numbers[0])  # type: ignore[arg-type]
    if carried < 0:
        return f"本格由上年结转，但上年报告中{names}小于 0（上年报告有误）：请按上年实际填写"
    return f"本格由上年结转：应等于上年报告中{names}（{format_value(carried)}）"


def change_text(change: int | Decimal | None) -> str:
    """``+3``, ``-2``, ``0``; ``""`` when there is no change to compute."""
    if change is None:
        return ""
    if change > 0:
        return "+" + format_value(change)
    return format_value(change) if change < 0 else "0"


def percent_text(ratio: Decimal) -> str:
    pct = (ratio * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return ("+" if pct > 0 else "") + f"{pct}%"


def cell_change(template: ReportTemplate, ref: CellRef, last: LastYearView | None, this: Value) -> CellChange:
    """One cell of this year's report beside last year's (``last`` in this year's keys)."""
    where = locator_for(template).where(ref)
    if last is None:
        return CellChange(ref, where, None, this, comparable=False)
    comparable = last.same_format or ref in last.values or _mapped(template, last.template, ref)
    return CellChange(ref, where, last.values.get(ref), this, comparable=comparable)


def _mapped(template: ReportTemplate, last_template: str, ref: CellRef) -> bool:
    mapping = template.previous_formats.get(last_template)
    return mapping is not None and mapping.maps(ref)


@dataclass(frozen=True, slots=True)
class TableComparison:
    section: SectionSpec
    cells: Mapping[CellRef, CellChange]  # every value cell, in template order

    @property
    def changed(self) -> int:
        return sum(1 for c in self.cells.values() if c.changed)


@dataclass(frozen=True, slots=True)
class Comparison:
    """This year's report beside last year's."""

    template: ReportTemplate  # this year's
    agency: str
    this_year: int | None
    last_year: int | None
    this_title: str
    last_title: str
    last_template: str
    tables: tuple[TableComparison, ...]
    movers: tuple[CellChange, ...]  # the cells that moved most (sums of other cells left out)
    findings: tuple[Finding, ...]  # the carry-over rules' findings
    notes: tuple[str, ...]  # what the reader should know (another format, not consecutive years)
    last_source: str | None = None  # the file last year's figures came from
    this_source: str | None = None

    def cell(self, ref: CellRef) -> CellChange:
        for table in self.tables:
            if ref in table.cells:
                return table.cells[ref]
        raise KeyError(ref)

    def findings_of(self, section: str) -> list[Finding]:
        """The carry-over findings of this section (a table's: on its cells)."""
        return [f for f in self.findings if f.section == section]

    def other_findings(self) -> list[Finding]:
        """The carry-over findings on no table cell (the narratives' texts, another format)."""
        tables = {t.section.key for t in self.tables}
        return [f for f in self.findings if f.section not in tables]

    def findings_by_table(self) -> str:
        """``三、依申请公开 12 条；四、复议诉讼 3 条`` ('' when no table has any)."""
        return "；".join(f"{t.section.number}、{t.section.short} {n} 条" for t in self.tables
                        if (n := len(self.findings_of(t.section.key))))

    @property
    def title(self) -> str:
        years = f"{self.this_year or '本'}年与{self.last_year or '上'}年"
        return f"{self.agency}{years}政府信息公开工作年度报告数据对比"


def _moved_most(c: CellChange) -> tuple[Decimal, Decimal]:
    """Sort key: the largest change first, then the largest change in per cent."""
    return (-abs(Decimal(c.change or 0)), -abs(c.ratio or Decimal(0)))


def compare(last: LastYear | Report, this: Report, *, movers: int = MOVERS) -> Comparison:
    """``this`` year's report beside ``last`` year's (a report, or the figures a file keeps)."""
    kept = last if isinstance(last, LastYear) else LastYear.of(last)
    template = this.template
    view = in_this_format(kept, template)
    checker = checker_for(template)
    tables = []
    for section in template.table_sections:
        cells = {c.ref: cell_change(template, c.ref, view, this.values.get(c.ref)) for c in section.cells}
        tables.append(TableComparison(section, cells))
    totals = {eq.total for eq in checker.equations}
    moved = [c for t in tables for c in t.cells.values()
             if c.comparable and c.change and c.ref not in totals]
    moved.sort(key=_moved_most)
    carry_rules = {c.rule.id for c in checker.checks if c.reads.previous}
    findings = tuple(f for f in checker.check(this, kept) if f.rule in carry_rules)
    notes = []
    year = this.meta.year
    if kept.year is not None and year is not None and kept.year != year - 1:
        # The carry-over rules do not compare figures across such years (carryover.year says so).
        if kept.year == year:
            notes.append(f"两份报告都是 {year} 年度的：对比的不是上年和本年，而是同一年度的两份报告；未核对上年结转等")
        elif kept.year > year:
            notes.append(f"作为“上年”的报告是 {kept.year} 年度的，比“本年”的报告（{year} 年度）还晚：两份报告的顺序是否弄反了？"
                         "未核对上年结转等")
        else:
            notes.append(f"上年报告是 {kept.year} 年度的，本年报告是 {year} 年度的，不是相邻的两年；未核对上年结转等")
    if not view.same_format:
        notes.append(f"上年报告使用另一种格式（{kept.template}），只对比两种格式中含义相同的单元格")
    if kept.agency and this.meta.agency and squash(kept.agency) != squash(this.meta.agency):
        notes.append(f"两份报告的机关名称不同：上年“{kept.agency}”，本年“{this.meta.agency}”；请确认是同一机关的报告")
    last_template_title = template.report_title(kept.agency, kept.year) if kept.agency else f"{kept.year or ''}年度报告"
    return Comparison(
        template=template, agency=this.meta.agency or kept.agency, this_year=this.meta.year, last_year=kept.year,
        this_title=this.title, last_title=last_template_title, last_template=kept.template, tables=tuple(tables),
        movers=tuple(moved[:movers]), findings=findings, notes=tuple(notes),
        last_source=kept.source.name if kept.source is not None else None,
    )
