"""The year's cycle: this year's report started from last year's.

Every January a clerk starts the new report from last year's: the agency and its level stay,
the format is the one in force for the new year, what last year's figures alone determine is
taken over (三's 上年结转 = last year's 结转下年度, per column), everything else is blank (not 0),
and last year's figures travel with the new file (``previous``) so that the carry-over rules
run on any desk.

What is taken over is not written here: it is what the template's carry-over rules declare
(each compiled check that can, says so through ``carry``), through the format key map when last
year's report used another format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from models.checker import checker_for
from models.last_year import LastYear, SourceFile, in_this_format
from models.numbers import format_value
from models.places import locator_for
from models.previous import kept_of
from models.report import LEVELS, PREFACE, Report
from models.rules import compile_rules
from models.rules.carryover import not_carried
from models.template import ReportTemplate, template_for_year
from models.values import CellRef, Value


class YearCycleError(ValueError):
    """A new report cannot be made as asked; ``str(exc)`` is a Chinese message for the user."""


@dataclass
class NewFromLast:
    """A new report made from last year's, and what it took over."""

    report: Report
    carried: dict[CellRef, Value]  # this year's cells filled from last year's
    copied_texts: tuple[str, ...] = ()  # texts started from last year's
    notes: list[str] = field(default_factory=list)  # what the user should know (Chinese)


def carried_forward(last: LastYear, template: ReportTemplate) -> dict[CellRef, Value]:
    """This year's cells that last year's figures alone determine, with their values."""
    view = in_this_format(last, template)
    out: dict[CellRef, Value] = {}
    for check in compile_rules(template):
        carry = getattr(check, "carry", None)
        if carry is not None and check.rule.id not in view.incomparable:
            out.update(carry(view))
    order = {c.ref: i for i, c in enumerate(template.all_cells())}
    return dict(sorted(out.items(), key=lambda item: order[item[0]]))


def describe_carried(template: ReportTemplate, carried: dict[CellRef, Value]) -> list[str]:
    """What was taken over, one line per row: 三、“二、上年结转…”：自然人 103、…、总计 103."""
    loc = locator_for(template)
    rows: dict[tuple[str, str], list[str]] = {}
    for ref, value in carried.items():
        spec = template.cell(*ref)
        assert spec is not None
        rows.setdefault((ref.section, ref.row), []).append(f"{loc.column_text(ref)} {format_value(value)}")
    out = []
    for (section, row), cells in rows.items():
        spec = template.section(section).cell(row, template.section(section).columns_of(row)[0])
        assert spec is not None
        out.append(f"{template.section(section).number}、“{loc.row_text(spec.row_path)}”：{'、'.join(cells)}")
    return out


def template_for(year: int) -> ReportTemplate:
    template = template_for_year(year)
    if template is None:
        raise YearCycleError(f"没有适用于 {year} 年的报告格式，请另选年度")
    return template


def future_year(year: int, today: date | None = None) -> bool:
    """A report on a year that has not begun yet (one on the current year is written in December
    at the earliest, normally in January of the year after)."""
    return year > (today or date.today()).year


def new_from_last(last_report: Report, *, year: int | None = None, source: SourceFile | None = None,
                  copy_texts: bool = False, today: date | None = None) -> NewFromLast:
    """This year's report started from ``last_report`` (read from ``source``).

    ``year`` defaults to last year's + 1; it cannot be last year's or earlier. A year further on
    (a year skipped) carries nothing: a 结转 two years old is not this year's 上年结转. With
    ``copy_texts`` the narratives (and the 导语) start as last year's text;
    ``narrative.stale_number`` then marks every figure in them that came from last year's tables
    until it is edited. ``today`` (for tests) decides what is a future year.
    """
    last_year = last_report.meta.year
    if year is None:
        if last_year is None:
            raise YearCycleError("上年报告没有填写年度，无法推算本年度；请指定本年度")
        year = last_year + 1
    template = template_for(year)
    if last_year is not None and year <= last_year:
        raise YearCycleError(
            f"所选的报告是 {last_year} 年度的，新报告的年度（{year}）应晚于它。要新建 {year} 年度的报告，"
            f"请选 {year - 1} 年度的报告；要从所选的报告新建，年度应为 {last_year + 1}")
    kept = kept_of(last_report, source)
    report = Report.blank(template, agency=last_report.meta.agency, year=year)
    report.meta.level = last_report.meta.level if last_report.meta.level in LEVELS else None
    report.previous = kept
    adjacent = last_year is None or last_year == year - 1
    carried = carried_forward(kept, template) if adjacent else {}
    report.values.update(carried)
    notes: list[str] = []
    if not adjacent:
        notes.append(f"所选的报告是 {last_year} 年度的，新报告是 {year} 年度的，不是相邻的两年：“上年结转”等没有从它结转，"
                     f"请按 {year - 1} 年度的报告填写，或用“关联上年报告”关联 {year - 1} 年度的报告")
    now = today or date.today()
    if future_year(year, now):
        notes.append(f"{year} 年度还没有到（今天是 {now.year} 年 {now.month} 月 {now.day} 日）：年度报告在该年度结束后编制；"
                     f"如果所选的就是本年度的报告，请改选上一年度的报告")
    elif year == now.year and last_year is not None:
        notes.append(f"{year} 年度尚未结束，年度报告一般在次年年初编制；如果所选的 {last_year} 年度报告正是要编制的"
                     f"本期报告，请改选 {last_year - 1} 年度的报告")
    if kept.template != template.id:
        view = in_this_format(kept, template)
        notes.extend(view.incomparable.values())
    # What could not be carried (last year's 结转 blank or invalid) stays blank, and says so: the
    # carry-over rules' own findings, as the checker will keep showing them.
    notes.extend(f.message for f in not_carried(checker_for(template).check(report)))
    notes.extend(_doubtful_sources(last_report, template, kept, carried))
    copied: list[str] = []
    if copy_texts:
        for key in (PREFACE, *(s.key for s in template.narrative_sections)):
            text = last_report.texts.get(key, "")
            if text:
                report.texts[key] = text
                copied.append(key)
    return NewFromLast(report, carried, tuple(copied), notes)


MAX_SOURCE_NOTES = 3  # errors of last year's report quoted in the notes; the rest are counted


def _doubtful_sources(last_report: Report, template: ReportTemplate, kept: LastYear,
                      carried: dict[CellRef, Value]) -> list[str]:
    """Errors of last year's report on the cells this year's figures were taken from (a 结转下年度
    that breaks its column's balance): the carried figure may be wrong too."""
    if not carried:
        return []
    view = in_this_format(kept, template)
    sources = {ref for check in compile_rules(template) if (carry := getattr(check, "carry", None)) is not None
               and carried.keys() & carry(view).keys() for ref in check.carried_from()}  # type: ignore[attr-defined]
    errors = [f for f in checker_for(last_report.template).check(last_report).errors if sources & set(f.cells)]
    notes = [f"上年报告本身有错误，结转过来的数字可能不对，请核对：{f.message}" for f in errors[:MAX_SOURCE_NOTES]]
    if len(errors) > MAX_SOURCE_NOTES:
        notes.append(f"上年报告在结转的数字上还有 {len(errors) - MAX_SOURCE_NOTES} 个错误，请用“检查”查看上年报告")
    return notes


def blank_report(agency: str, year: int, level: str | None = None) -> Report:
    """A new blank report of the format in force for ``year``."""
    if level is not None and level not in LEVELS:
        raise YearCycleError(f"未知的机关层级“{level}”（可选：{'、'.join(f'{k}（{v}）' for k, v in LEVELS.items())}）")
    report = Report.blank(template_for(year), agency=agency, year=year)
    report.meta.level = level
    return report


def level_key(text: str | None) -> str | None:
    """A level as the user typed it: its key (``county``) or its Chinese name (县级人民政府)."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    if text in LEVELS:
        return text
    for key, label in LEVELS.items():
        if label == text:
            return key
    raise YearCycleError(f"未知的机关层级“{text}”（可选：{'、'.join(f'{k}（{v}）' for k, v in LEVELS.items())}）")
