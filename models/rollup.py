"""Roll-up: one summary report whose every figure is the exact sum of its units' reports.

Every rule of the format is linear (sums equal sums), so the sum of correct reports is correct.
Counts add as integers, amounts (万元) as :class:`~decimal.Decimal` — exactly. A cell some unit
left blank (or filled with something that is no number) is left blank in the sum, with a
finding naming those units: a blank is never taken for 0. Reports of different years or formats,
or two reports of one unit, are refused with :class:`RollupRefused` naming them.

:class:`RollupBuilder` takes the units one at a time and keeps only the running sums and each
unit's key figures, so a roll-up of thousands of units holds one report at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from models import limits
from models.cell_labels import cell_place
from models.checker import check_report
from models.findings import Finding
from models.numbers import MONEY_UNITS, NumberSpec
from models.report import Meta, Report, UnitSource
from models.review import unit_key
from models.template import ReportTemplate
from models.values import CellRef, Quantity, Value

MAX_NAMED = 8  # units named in one message before "等 N 个"
_ZERO = 0  # the sum before the first unit: an int, whatever the column holds
# What one unit of money is worth in 元, to add amounts printed in different units exactly.
_IN_YUAN = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}
assert set(_IN_YUAN) == set(MONEY_UNITS)


def _add(total: int | Decimal | Quantity, value: Value, spec: NumberSpec) -> int | Decimal | Quantity | None:
    """``total + value``, exactly: ints stay ints, amounts Decimals; amounts that keep their unit
    (2019's 采购总金额) add in their common unit, or in 元 when units differ. None when the
    units cannot be converted (a figure printed without a unit beside one with a unit)."""
    if value is None:
        return None
    if isinstance(value, Quantity) or isinstance(total, Quantity):
        unit = value.unit if isinstance(value, Quantity) else total.unit if isinstance(total, Quantity) else ""
        a = total if isinstance(total, Quantity) else Quantity(Decimal(total), unit)
        b = value if isinstance(value, Quantity) else Quantity(Decimal(value), a.unit)
        if a.unit == b.unit:
            return Quantity(a.amount + b.amount, a.unit)
        if a.unit in _IN_YUAN and b.unit in _IN_YUAN:
            return Quantity(a.amount * _IN_YUAN[a.unit] + b.amount * _IN_YUAN[b.unit], "元")
        return None
    if spec.whole and isinstance(total, int) and isinstance(value, int):
        return total + value
    return Decimal(total) + Decimal(value)


class RollupRefused(ValueError):
    """The reports cannot be summed; ``str(exc)`` says which and why, in Chinese."""


@dataclass(frozen=True, slots=True)
class UnitReport:
    """One unit's report as read for the roll-up, with where it came from."""

    report: Report
    file: str  # the file as the user named it (for messages and meta.units)
    sha256: str


@dataclass(frozen=True, slots=True)
class UnitRow:
    """What the roll-up keeps of a unit: who, which file, its key figures, its open errors."""

    agency: str
    file: str
    sha256: str
    figures: tuple[Value, ...]  # the template's key_figures, in order
    errors: int


@dataclass(slots=True)
class Rollup:
    report: Report
    findings: list[Finding] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)


def _named(names: list[str]) -> str:
    more = f" 等 {len(names)} 个" if len(names) > MAX_NAMED else ""
    return "、".join(names[:MAX_NAMED]) + more


class RollupBuilder:
    """Add units with :meth:`add`, then :meth:`finish`. Refusals are collected so that the
    message names every report in the way, and raised by :meth:`finish` before anything is built."""

    def __init__(self, agency: str, year: int | None = None) -> None:
        agency = agency.strip()
        if not agency:
            raise RollupRefused("请写明汇总报告的机关名称")
        if len(agency) > limits.MAX_AGENCY_CHARS:
            raise RollupRefused(f"机关名称超过 {limits.MAX_AGENCY_CHARS} 字")
        self.agency, self.year = agency, year
        self.template: ReportTemplate | None = None
        self._formats: dict[str, list[str]] = {}
        self._years: dict[int | None, list[str]] = {}
        self._seen: dict[str, str] = {}
        self._problems: list[str] = []
        self._sums: dict[CellRef, int | Decimal | Quantity] = {}
        self._gaps: dict[CellRef, tuple[list[int], list[int]]] = {}  # cell → (blank units, malformed units)
        self.units: list[UnitRow] = []

    def add(self, unit: UnitReport) -> None:
        report, t = unit.report, unit.report.template
        self._formats.setdefault(t.id, []).append(unit.file)
        self._years.setdefault(report.meta.year, []).append(unit.file)
        key = unit_key(report.meta.agency)
        if not key:
            self._problems.append(f"“{unit.file}”没有填写机关名称，不能确定是哪个单位的报告")
        elif key in self._seen:
            self._problems.append(f"“{report.meta.agency}”有两份报告（{self._seen[key]}、{unit.file}），同一单位只能汇总一次")
        else:
            self._seen[key] = unit.file
        if len(self.units) >= limits.MAX_ROLLUP_UNITS:
            raise RollupRefused(f"一次最多汇总 {limits.MAX_ROLLUP_UNITS} 份报告")
        if self.template is None:
            self.template = t
        index = len(self.units)
        if t is self.template:
            self._accumulate(report, index)
        self.units.append(UnitRow(
            agency=report.meta.agency, file=unit.file[-limits.MAX_META_CHARS:], sha256=unit.sha256,
            figures=tuple(report.values.get(CellRef(*c)) for c in t.key_figures),
            errors=len(check_report(report).errors),
        ))

    def _accumulate(self, report: Report, index: int) -> None:
        for cell in report.template.all_cells():
            ref = cell.ref
            v = report.values.get(ref)
            total = self._sums.get(ref, _ZERO)
            added = _add(total, v, cell.number) if v is not None and cell.number.valid(v) else None
            if added is None:  # blank, malformed, or in a unit that does not convert
                gap = self._gaps.setdefault(ref, ([], []))
                gap[0 if v is None else 1].append(index)
                continue
            self._sums[ref] = added

    def _refusal(self) -> str | None:
        if not self.units:
            return "没有要汇总的报告"
        if len(self._formats) > 1:
            parts = "；".join(f"{tid} 格式：{_named(files)}" for tid, files in self._formats.items())
            return f"报告格式不一致，不能汇总（{parts}）；请只汇总同一格式的报告"
        if self.year is not None:
            others = [f for y, files in self._years.items() if y != self.year for f in files]
            if others:
                return f"以下报告不是 {self.year} 年度的，不能汇总：{_named(others)}"
        elif len(self._years) > 1 or None in self._years:
            parts = "；".join(f"{y if y is not None else '未填年度'}：{_named(files)}" for y, files in self._years.items())
            return f"报告的年度不一致，不能汇总（{parts}）；请只汇总同一年度的报告，或指定年度"
        if self._problems:
            return "；".join(self._problems[:MAX_NAMED])
        return None

    def finish(self) -> Rollup:
        """The summary report and its findings. Raises :class:`RollupRefused`."""
        refusal = self._refusal()
        if refusal:
            raise RollupRefused(refusal)
        t = self.template
        assert t is not None
        year = self.year if self.year is not None else next(iter(self._years))
        report = Report.blank(t, agency=self.agency, year=year)
        report.meta = Meta(agency=self.agency, year=year,
                           units=tuple(UnitSource(u.agency, u.file, u.sha256) for u in self.units))
        # a cell any unit left blank (or malformed) stays blank: never summed as if it were 0
        report.values.update({ref: v for ref, v in self._sums.items() if ref not in self._gaps})
        findings = self._gap_findings(t) + self._error_findings()
        return Rollup(report, findings, self.units)

    def _gap_findings(self, t: ReportTemplate) -> list[Finding]:
        """One finding per table row and set of units: the cells they left blank (or malformed)."""
        groups: dict[tuple[str, str, tuple[int, ...], bool], list[CellRef]] = {}
        for ref, (blank, bad) in self._gaps.items():
            if blank:
                groups.setdefault((ref.section, ref.row, tuple(blank), False), []).append(ref)
            if bad:
                groups.setdefault((ref.section, ref.row, tuple(bad), True), []).append(ref)
        out = []
        for order, ((_s, _r, who, malformed), refs) in enumerate(groups.items(), start=1):
            first = cell_place(t, refs[0])
            columns = "、".join(f"“{cell_place(t, r).column}”" for r in refs)
            where = f"{first.table} “{first.row}”行的 {columns}" if first.row else f"{first.table} {columns}"
            what = "填写的不是有效数值" if malformed else "未填写"
            rule = "rollup.invalid" if malformed else "rollup.blank"
            names = _named([self.units[i].agency or self.units[i].file for i in who])
            out.append(Finding(
                rule=rule, severity="warning", section=refs[0].section, cells=tuple(refs), total_cell=None,
                expected=None, actual=None,
                message=f"{where}：{names}{what}，汇总数留空（未按 0 计算）；请该单位补正后重新汇总",
                key=(rule, (refs[0], len(refs), who)), order=order,
            ))
        return out

    def _error_findings(self) -> list[Finding]:
        return [
            Finding(
                rule="rollup.unit_errors", severity="warning", section=None, cells=(), total_cell=None,
                expected=None, actual=u.errors,
                message=f"“{u.agency}”的报告（{u.file}）有 {u.errors} 个错误，汇总数可能因此不准；请先请该单位改正",
                key=("rollup.unit_errors", i), order=10**6 + i,
            )
            for i, u in enumerate(self.units) if u.errors
        ]


def roll_up(units: Iterable[UnitReport], agency: str, year: int | None = None) -> Rollup:
    """Sum ``units`` into a report of ``agency``. Raises :class:`RollupRefused` (nothing summed)."""
    builder = RollupBuilder(agency, year)
    for unit in units:
        builder.add(unit)
    return builder.finish()
