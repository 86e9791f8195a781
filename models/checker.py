"""The checker: every rule of the format, computed once, shown everywhere.

:class:`Checker` compiles a template's rules into flat equations indexed by cell, so a full
check is a few hundred dictionary look-ups and a re-check after one edit touches only the
equations that contain the edited cell.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache

from models.findings import CheckResult, Finding
from models.report import Report
from models.template import CarryoverRule, EquationRule, NarrativeFact, ReportTemplate, SectionSpec, ValueKind
from models.values import CellRef, Value, format_value, value_is_valid, value_type_reason

# Template sentences left unfilled: "共收到申请件", "主动公开信息  条", "共计件", "受理申请××件".
_PL_UNIT = r"(?:件|条|个|次|份|起|篇)"
_PLACEHOLDER = re.compile(
    # a counted noun directly followed by its unit, with no number between
    rf"(?:申请|信息|文件|解读|咨询|留言|事项){_PL_UNIT}(?=[，,。；;、）)\s]|$)"
    # "共件", "共计件": a total word directly followed by a unit
    rf"|(?:共|共计|合计|累计|总计){_PL_UNIT}(?=[，,。；;、）)\s]|$)"
    # a gap of blanks or fill-in marks where the number was
    rf"|(?:共|共计|合计|累计|总计|收到|受理|公开|发布|办理|办结)[\u4e00-\u9fff]{{0,10}}?"
    rf"(?:[ \t\u3000]{{2,}}|[×xX＿_*]{{1,4}}|[(（][ \t\u3000]*[)）]){_PL_UNIT}"
)
_SENTENCE_SPLIT = re.compile(r"[。；;！!？?\n]")
_PARAGRAPH_MIN = 20  # shorter paragraphs (headings, 无) are not "copied text"


@dataclass(frozen=True, slots=True)
class Equation:
    """One instance of an equation rule: ``sum(left) == sum(right)`` over concrete cells."""

    rule: EquationRule
    left: tuple[CellRef, ...]
    right: tuple[CellRef, ...]
    total: CellRef
    key: str
    order: int


def _sum(values: Iterable[Value]) -> Value:
    total: int | Decimal = 0
    for v in values:
        if v is not None:
            total += v
    return total


def _usable(value: object, kind: ValueKind = "count") -> bool:
    """A value the rules may add and compare: one that ``value.type`` accepts (not blank).

    Anything else (negative, a Decimal in a count, NaN, a float or a string from a hand-edited
    file…) is reported by ``value.type`` and kept out of every sum, so the checker never raises.
    """
    if type(value) is int:  # the common case, without the look-ups
        return value >= 0
    return value is not None and value_is_valid(value, kind)  # type: ignore[arg-type]


def _count(value: object) -> int:
    """A usable count, or 0 for blank and unusable ones (for "is there anything" tests)."""
    return value if _usable(value) else 0  # type: ignore[return-value]


class Checker:
    """Checks reports of one template."""

    def __init__(self, template: ReportTemplate) -> None:
        self.template = template
        self._order: dict[CellRef, int] = {}
        self._section_order = {s.key: i for i, s in enumerate(template.sections)}
        self._kind = {CellRef(c.section, c.row, c.column): c.value for c in template.all_cells()}
        for c in template.all_cells():
            ref = CellRef(c.section, c.row, c.column)
            self._order[ref] = self._section_order[c.section] * 10_000 + len(self._order)
        self.equations = self._compile()
        self._by_cell: dict[CellRef, list[Equation]] = {}
        for eq in self.equations:
            for ref in eq.left + eq.right:
                self._by_cell.setdefault(ref, []).append(eq)
        self._fact_by_cell: dict[CellRef, list[NarrativeFact]] = {}
        for fact in template.narrative_numbers.facts:
            for ref in fact.cells + tuple(c for alt in fact.alternatives for c in alt):
                self._fact_by_cell.setdefault(CellRef(*ref), []).append(fact)
        # Words that show 一 speaks of 四's cases (the topics of the facts about 四).
        self._appeal_words = tuple(dict.fromkeys(
            topic for fact in template.narrative_numbers.facts if any(c[0] == "appeals" for c in fact.cells)
            for topic in fact.topics
        ))
        self._rows: dict[tuple[str, str], tuple[CellRef, ...]] = {}
        for c in template.all_cells():
            self._rows.setdefault((c.section, c.row), ())
            self._rows[(c.section, c.row)] += (CellRef(c.section, c.row, c.column),)

    # ------------------------------------------------------------------ public API

    def check(self, report: Report, previous: Report | None = None) -> CheckResult:
        """Run every rule; with ``previous`` (last year's report) also the carry-over rules."""
        found: dict[str, Finding] = {}
        for row_cells in self._rows.values():
            self._check_values(report, row_cells, found)
        for eq in self.equations:
            f = self._check_equation(report, eq)
            if f:
                found[f.key] = f
        self._check_texts(report, found)
        if previous is not None:
            for f in self.check_carryover(report, previous):
                found[f.key] = f
        return CheckResult(self._apply_acceptances(report, found))

    def recheck(self, result: CheckResult, report: Report, refs: Iterable[CellRef],
                previous: Report | None = None) -> CheckResult:
        """Update ``result`` after the cells ``refs`` changed (fast path for every edit).

        Equals a full :meth:`check`. Carry-over findings are updated for the changed cells when
        ``previous`` (last year's report) is given, and kept as they were otherwise; re-run
        :meth:`check` when last year's report itself changes.
        """
        found = dict(result.mapping)
        refs = tuple(refs)
        rows: set[tuple[str, str]] = set()
        equations: dict[str, Equation] = {}
        facts_changed = False
        for ref in refs:
            rows.add((ref.section, ref.row))
            for eq in self._by_cell.get(ref, ()):
                equations[eq.key] = eq
            facts_changed |= ref in self._fact_by_cell
        for row in rows:
            row_cells = self._rows.get(row, ())
            for ref in row_cells:
                found.pop(f"value.type|{ref}", None)
            found.pop(f"value.missing|{row[0]}.{row[1]}", None)
            self._check_values(report, row_cells, found)
        for eq in equations.values():
            found.pop(eq.key, None)
            f = self._check_equation(report, eq)
            if f:
                found[f.key] = f
        if facts_changed or rows:
            self._recheck_cross(report, found, narrative=facts_changed)
        if previous is not None:
            for key in self._carryover_keys(refs):
                found.pop(key, None)
            for f in self._carryover_values(report, previous, refs):
                found[f.key] = f
        return CheckResult(self._apply_acceptances(report, found))

    def recheck_text(self, result: CheckResult, report: Report, previous: Report | None = None) -> CheckResult:
        """Update ``result`` after a narrative text, a note or the metadata changed.

        With ``previous`` the copied-text comparison with last year's report is redone too.
        """
        found = dict(result.mapping)
        self._recheck_cross(report, found, narrative=True, texts=True)
        if previous is not None:
            for key in [k for k in found if k.startswith("carryover.copied_text|")]:
                del found[key]
            for f in self._carryover_texts(report, previous):
                found[f.key] = f
        return CheckResult(self._apply_acceptances(report, found))

    # ------------------------------------------------------------------ compilation

    def _compile(self) -> list[Equation]:
        out: list[Equation] = []
        for rule in self.template.rules:
            section = self.template.section(rule.section)
            if rule.along == "row":
                lines = [(r, [(r, k) for k in rule.left], [(r, k) for k in rule.right], (r, rule.total))
                         for r in section.row_keys
                         if all(section.cell(r, k) for k in rule.left + rule.right)]
            else:
                columns = list(dict.fromkeys(c.column for c in section.cells))
                lines = [(c, [(k, c) for k in rule.left], [(k, c) for k in rule.right], (rule.total, c))
                         for c in columns
                         if all(section.cell(k, c) for k in rule.left + rule.right)]
            for _, left, right, total in lines:
                total_ref = CellRef(section.key, *total)
                out.append(
                    Equation(
                        rule=rule,
                        left=tuple(CellRef(section.key, *x) for x in left),
                        right=tuple(CellRef(section.key, *x) for x in right),
                        total=total_ref,
                        key=f"{rule.id}|{total_ref}",
                        order=self._order[total_ref],
                    )
                )
        return out

    # ------------------------------------------------------------------ value rules

    def _check_values(self, report: Report, row_cells: tuple[CellRef, ...], found: dict[str, Finding]) -> None:
        blanks: list[CellRef] = []
        values, kind = report.values, self._kind
        for ref in row_cells:
            v = values.get(ref)
            if v is None:
                blanks.append(ref)
                continue
            if type(v) is int and v >= 0:
                continue  # the common case, valid in any cell: skip the look-ups
            spec = self.template.cell(*ref)
            assert spec is not None
            if not value_is_valid(v, kind[ref]):
                what = value_type_reason(v, spec.value)
                f = Finding(
                    rule="value.type", severity="error", section=ref.section, cells=(ref,), total_cell=ref,
                    expected=None, actual=v,
                    message=f"{self._where(ref)}填写了“{format_value(v)}”，{what}",
                    key=f"value.type|{ref}", order=self._order[ref],
                )
                found[f.key] = f
        if blanks:
            first = blanks[0]
            spec = self.template.cell(*first)
            assert spec is not None
            section = self.template.section(first.section)
            columns = "、".join(self._column_text(b) for b in blanks)
            if len(blanks) == 1:
                msg = f"{self._where(first)}未填写；没有发生请填 0"
            elif section.blocks and not section.blocks[0].row_labels:  # 四: one unlabelled row
                msg = f"{section.number}、有 {len(blanks)} 个单元格未填写（{columns}）；没有发生请填 0"
            else:
                msg = (f"{section.number}、“{self._row_text(spec.row_path)}”行有 {len(blanks)} 个单元格未填写"
                       f"（{columns}）；没有发生请填 0")
            f = Finding(
                rule="value.missing", severity="warning", section=first.section, cells=tuple(blanks),
                total_cell=None, expected=0, actual=None, message=msg,
                key=f"value.missing|{first.section}.{first.row}", order=self._order[first],
            )
            found[f.key] = f

    # ------------------------------------------------------------------ filling totals

    def totals_from_parts(self, report: Report, section: str | None = None) -> dict[CellRef, Value]:
        """The value every total cell (of ``section``) should hold, computed from its parts.

        This is 填写合计: blanks among the parts count as 0, totals of totals settle over a few
        passes, a total whose parts are all blank or malformed is left alone, and so is one whose
        figure would be negative (the parts themselves are wrong: the user must look). Returns
        only the cells whose value changes.
        """
        equations = [eq for eq in self.equations if section is None or eq.total.section == section]
        values = dict(report.values)
        kind = self._kind
        for _ in range(len(equations) + 1):  # bounded: contradictory figures must not loop forever
            changed = False
            for eq in equations:
                same_side, other_side = (eq.left, eq.right) if eq.total in eq.left else (eq.right, eq.left)
                plus = [values.get(r) for r in other_side]
                minus = [values.get(r) for r in same_side if r != eq.total]
                parts = [v for v in plus + minus if v is not None]
                if not parts or not all(_usable(v, kind[eq.total]) for v in parts):
                    continue
                expected = _sum(plus) - _sum(minus)  # type: ignore[operator]
                if expected < 0 or values.get(eq.total) == expected:  # type: ignore[operator]
                    continue
                values[eq.total] = expected
                changed = True
            if not changed:
                break
        return {ref: v for ref, v in values.items() if v != report.values.get(ref)}

    # ------------------------------------------------------------------ sums

    def _check_equation(self, report: Report, eq: Equation) -> Finding | None:
        values = report.values
        actual = values.get(eq.total)
        if actual is None:
            return None  # a blank total is reported by value.missing
        involved = eq.left + eq.right
        kind = self._kind
        left: int | Decimal = 0
        right: int | Decimal = 0
        entered = False  # anything but the total
        for refs, is_left in ((eq.left, True), (eq.right, False)):
            for r in refs:
                v = values.get(r)
                if v is None:
                    continue
                if (type(v) is not int or v < 0) and not _usable(v, kind[r]):
                    return None  # a negative or malformed value is reported by value.type; no sum is meaningful
                if r != eq.total:
                    entered = True
                if is_left:
                    left += v
                else:
                    right += v
        if not entered:
            return None  # nothing entered yet but the total
        if left == right:
            return None
        # expected total = (sum of the other side) - (other cells on its own side)
        total_on_left = eq.total in eq.left
        same_side = eq.left if total_on_left else eq.right
        other_side = eq.right if total_on_left else eq.left
        plus = [values.get(r) for r in other_side]
        minus = [values.get(r) for r in same_side if r != eq.total]
        expected = _sum(plus) - _sum(minus)  # type: ignore[operator]
        parts = "+".join(format_value(v) if v is not None else "空" for v in plus)
        if minus:
            parts += "".join(f"−{format_value(v) if v is not None else '空'}" for v in minus)
        spec = self.template.cell(*eq.total)
        assert spec is not None
        section = self.template.section(eq.total.section)
        wording = eq.rule.message_negative if expected < 0 and eq.rule.message_negative else eq.rule.message
        message = wording.format(
            section_number=section.number,
            row_label=self._row_text(spec.row_path),
            column_label=spec.column_label,
            column_path="·".join(spec.column_path[:-1]) or spec.column_label,
            expected=format_value(expected),
            actual=format_value(actual),
            parts=parts,
            left_sum=format_value(left),
            right_sum=format_value(right),
        )
        return Finding(
            rule=eq.rule.id, severity=eq.rule.severity, section=eq.total.section,
            cells=tuple(dict.fromkeys(involved)), total_cell=eq.total,
            expected=expected, actual=actual, message=message, key=eq.key, order=eq.order,
        )

    # ------------------------------------------------------------------ texts and cross-checks

    def _check_texts(self, report: Report, found: dict[str, Finding]) -> None:
        self._recheck_cross(report, found, narrative=True, texts=True)

    def _recheck_cross(self, report: Report, found: dict[str, Finding], *, narrative: bool,
                       texts: bool = False) -> None:
        """Rules that read texts together with table values (cheap; run as a group)."""
        for prefix in (("narrative.numbers|",) if narrative else ()) + (
            ("sections.empty|", "other.processing_fee|", "narrative.placeholder|") if texts else ()
        ) + ("other.fee_link|", "appeals.unmentioned|", "proactive.regulations_level|"):
            for key in [k for k in found if k.startswith(prefix)]:
                del found[key]
        t = self.template
        if texts:
            for section in t.narrative_sections:
                self._check_section_text(report, section, found)
        if narrative:
            for f in self._narrative_numbers(report):
                found[f.key] = f
        self._check_links(report, found)

    def _check_section_text(self, report: Report, section: SectionSpec, found: dict[str, Finding]) -> None:
        t = self.template
        text = report.text(section.key)
        order = self._section_order[section.key] * 10_000
        stripped = text.strip()
        if section.required and (not stripped or stripped in t.empty_texts):
            f = Finding(
                rule="sections.empty", severity="warning", section=section.key, cells=(), total_cell=None,
                expected=None, actual=stripped or None,
                message=f"“{section.title}”{'为空' if not stripped else '只写了“' + stripped + '”'}；"
                        f"{_ask(section.hint)}",
                key=f"sections.empty|{section.key}", order=order,
            )
            found[f.key] = f
        if section.key == t.fee_section and not any(m in text for m in t.fee_mentions):
            f = Finding(
                rule="other.processing_fee", severity="info", section=section.key, cells=(), total_cell=None,
                expected=None, actual=None,
                message=f"“{section.title}”没有说明是否收取信息处理费；请写明收取金额，或写“未收取信息处理费”",
                key=f"other.processing_fee|{section.key}", order=order + 1,
            )
            found[f.key] = f
        m = _PLACEHOLDER.search(text)
        if m:
            snippet = text[max(0, m.start() - 6): m.end() + 2].replace("\n", " ")
            f = Finding(
                rule="narrative.placeholder", severity="warning", section=section.key, cells=(), total_cell=None,
                expected=None, actual=m.group(0),
                message=f"“{section.title}”中“…{snippet}…”缺少数字，请补全",
                key=f"narrative.placeholder|{section.key}", order=order + 2,
            )
            found[f.key] = f

    def _narrative_numbers(self, report: Report) -> list[Finding]:
        t = self.template
        out: list[Finding] = []
        for sec_key in t.narrative_numbers.sections:
            statements = narrative_statements(t, report.text(sec_key))
            section = t.section(sec_key)
            for fact in t.narrative_numbers.facts:
                stated = statements.get(fact.id)
                if stated is None:
                    continue
                number, quote = stated
                refs = tuple(CellRef(*c) for c in fact.cells)
                values = [report.values.get(r) for r in refs]
                if not all(_usable(v) for v in values):
                    continue  # blank or malformed: value.missing / value.type say so
                table_value = _sum(values)
                if table_value == number:
                    continue
                alternatives = [tuple(CellRef(*c) for c in alt) for alt in fact.alternatives]
                if any(
                    all(_usable(report.values.get(r)) for r in alt)
                    and _sum(report.values.get(r) for r in alt) == number
                    for alt in alternatives
                ):
                    continue
                labels = "＋".join(self._where(r) for r in refs)
                out.append(Finding(
                    rule="narrative.numbers", severity="warning", section=sec_key, cells=refs,
                    total_cell=refs[0] if len(refs) == 1 else None,
                    expected=table_value, actual=number,
                    message=(f"“{section.title}”写的“{quote}”（{number}），与表格 {labels} 的 "
                             f"{format_value(table_value)} 不一致"),
                    key=f"narrative.numbers|{fact.id}", order=self._order[refs[0]] - 1,
                ))
        return out

    def _check_links(self, report: Report, found: dict[str, Finding]) -> None:
        t = self.template
        v = report.values
        self._fee_link(report, found)
        # 四 has cases but 一 never mentions them.
        totals = [CellRef(*c) for c in t.links.appeal_totals]
        cases = sum(_count(v.get(r)) for r in totals)
        overview = report.text(t.narrative_numbers.sections[0]) if t.narrative_numbers.sections else ""
        if cases > 0 and not any(w in overview for w in self._appeal_words):
            f = Finding(
                rule="appeals.unmentioned", severity="info", section=totals[0].section, cells=tuple(totals),
                total_cell=None, expected=None, actual=cases,
                message=(f"表四有 {format_value(cases)} 件行政复议、行政诉讼，但“{t.section(t.narrative_numbers.sections[0]).title}”"
                         "没有提到；请在依申请公开情况中写明"),
                key=f"appeals.unmentioned|{totals[0].section}", order=self._order[totals[0]] - 1,
            )
            found[f.key] = f
        # 规章 reported by an agency that cannot make them.
        if report.meta.level in t.links.levels_without_regulations:
            refs = self._rows.get(t.links.regulations_row, ())
            nonzero = [r for r in refs if _count(v.get(r)) > 0]
            if nonzero:
                f = Finding(
                    rule="proactive.regulations_level", severity="warning", section=refs[0].section,
                    cells=tuple(nonzero), total_cell=None, expected=0, actual=v.get(nonzero[0]),
                    message="县级、乡镇人民政府及其部门无权制定规章，表二“规章”一行应为 0，请核对（可能应填在“行政规范性文件”）",
                    key=f"proactive.regulations_level|{refs[0].section}", order=self._order[refs[0]] - 1,
                )
                found[f.key] = f

    def _fee_link(self, report: Report, found: dict[str, Finding]) -> None:
        """三's applications dropped for unpaid fees against what 六 says about 信息处理费.

        Only 六's statements about 信息处理费 and 收费通知 count: 二's 行政事业性收费 is another fee.
        """
        t = self.template
        no_fee = CellRef(*t.links.unpaid_fee_cell)
        dropped = report.values.get(no_fee)
        if not _usable(dropped):
            return
        title = t.section(t.fee_section).title
        charged, denied, unpaid = fee_statement(t, report.text(t.fee_section))
        where = self._where(no_fee)
        if dropped > 0 and not charged:  # type: ignore[operator]
            said = "写的是未收取信息处理费" if denied else "没有写收费通知或信息处理费的收取情况"
            message = (f"表三{where}为 {format_value(dropped)}（申请人逾期未缴费，说明曾发出收费通知），"
                       f"但“{title}”{said}；请核对并写明收费通知和信息处理费的情况")
        elif dropped == 0 and unpaid:
            message = f"“{title}”写到申请人逾期未缴纳费用，但表三{where}为 0；请核对"
        else:
            return
        f = Finding(
            rule="other.fee_link", severity="info", section=t.fee_section, cells=(no_fee,), total_cell=None,
            expected=None, actual=dropped, message=message,
            key=f"other.fee_link|{no_fee.section}", order=self._order[no_fee] + 1,
        )
        found[f.key] = f

    # ------------------------------------------------------------------ last year's report

    def check_carryover(self, report: Report, previous: Report) -> list[Finding]:
        """The ``carryover.*`` rules against last year's report."""
        return self._carryover_values(report, previous, None) + self._carryover_texts(report, previous)

    def _carryover_keys(self, refs: Iterable[CellRef]) -> set[str]:
        """Keys of the carry-over findings that depend on the cells ``refs``."""
        keys: set[str] = set()
        for ref in refs:
            keys.add(f"carryover.outlier|{ref}")
            for rule in self.template.carryover_rules:
                if ref.section != rule.section or ref.row not in rule.rows:
                    continue
                if rule.kind == "same_as_last_year":
                    keys.add(f"{rule.id}|{ref}")
                else:
                    keys.add(f"{rule.id}|{CellRef(ref.section, ref.row, rule.total or '')}")
        return keys

    def _carryover_values(self, report: Report, previous: Report,
                          refs: Iterable[CellRef] | None) -> list[Finding]:
        """Value carry-over rules, for every cell (``refs`` None) or only those ``refs`` touch."""
        out: list[Finding] = []
        v, pv = report.values, previous.values
        t = self.template
        wanted = None if refs is None else set(refs)
        for rule in t.carryover_rules:
            section = t.section(rule.section)
            if rule.kind == "same_as_last_year":
                out.extend(self._same_as_last_year(rule, section, report, previous, wanted))
            else:
                out.extend(self._stock(rule, section, report, previous, wanted))
        # Counts that jump more than fivefold or fall to 0.
        for ref in (v if wanted is None else wanted):
            this, last = v.get(ref), pv.get(ref)
            spec = t.cell(*ref)
            if spec is None or spec.value != "count" or not (_usable(this) and _usable(last)) or not last:
                continue
            if this == 0 or (this > 5 * last and this >= 10):  # type: ignore[operator]
                out.append(Finding(
                    rule="carryover.outlier", severity="info", section=ref.section, cells=(ref,), total_cell=None,
                    expected=None, actual=this,
                    message=(f"{self._where(ref)}由上年的 {format_value(last)} 变为 {format_value(this)}，"
                             "变化较大，请核实"),
                    key=f"carryover.outlier|{ref}", order=self._order[ref],
                ))
        return out

    def _same_as_last_year(self, rule: CarryoverRule, section: SectionSpec, report: Report, previous: Report,
                           wanted: set[CellRef] | None) -> list[Finding]:
        """Each cell of the rule's rows equals last year's ``last_year_row`` in its column (三's 上年结转)."""
        out: list[Finding] = []
        for row in rule.rows:
            for ref in self._rows.get((rule.section, row), ()):
                if wanted is not None and ref not in wanted:
                    continue
                last_ref = CellRef(rule.section, rule.last_year_row or "", ref.column)
                this, last = report.values.get(ref), previous.values.get(last_ref)
                if not (_usable(this) and _usable(last)) or this == last:
                    continue
                spec, last_spec = self.template.cell(*ref), self.template.cell(*last_ref)
                assert spec is not None and last_spec is not None
                out.append(Finding(
                    rule=rule.id, severity=rule.severity, section=rule.section, cells=(ref,), total_cell=ref,
                    expected=last, actual=this,
                    message=rule.message.format(
                        section_number=section.number, column_label=spec.column_label, row_label=spec.row_label,
                        last_year_row_label=last_spec.row_label, expected=format_value(last),
                        actual=format_value(this)),
                    key=f"{rule.id}|{ref}", order=self._order[ref],
                ))
        return out

    def _stock(self, rule: CarryoverRule, section: SectionSpec, report: Report, previous: Report,
               wanted: set[CellRef] | None) -> list[Finding]:
        """In each of the rule's rows: total = last year's total + plus − minus (二's 现行有效件数)."""
        out: list[Finding] = []
        v = report.values
        for row in rule.rows:
            ref = CellRef(rule.section, row, rule.total or "")
            spec = self.template.cell(*ref)
            if spec is None or (wanted is not None and not any(r.section == rule.section and r.row == row
                                                               for r in wanted)):
                continue
            plus_ref, minus_ref = CellRef(rule.section, row, rule.plus or ""), CellRef(rule.section, row, rule.minus or "")
            plus, minus, this, last = v.get(plus_ref), v.get(minus_ref), v.get(ref), previous.values.get(ref)
            if not all(_usable(x) for x in (plus, minus, this, last)):
                continue
            expected = last + plus - minus  # type: ignore[operator]
            if expected == this:
                continue
            out.append(Finding(
                rule=rule.id, severity=rule.severity, section=rule.section,
                cells=(ref, plus_ref, minus_ref), total_cell=ref, expected=expected, actual=this,
                message=rule.message.format(
                    section_number=section.number, row_label=spec.row_label, column_label=spec.column_label,
                    last=format_value(last), plus=format_value(plus), minus=format_value(minus),
                    expected=format_value(expected), actual=format_value(this)),
                key=f"{rule.id}|{ref}", order=self._order[ref],
            ))
        return out

    def _carryover_texts(self, report: Report, previous: Report) -> list[Finding]:
        out: list[Finding] = []
        for section in self.template.narrative_sections:
            out.extend(self._copied_text(section, report.text(section.key), previous.text(section.key)))
        return out

    def _copied_text(self, section: SectionSpec, text: str, last: str) -> list[Finding]:
        paragraphs = [p.strip() for p in text.splitlines() if len(p.strip()) >= _PARAGRAPH_MIN]
        if not paragraphs:
            return []
        last_set = {p.strip() for p in last.splitlines() if len(p.strip()) >= _PARAGRAPH_MIN}
        copied = [p for p in paragraphs if p in last_set]
        if not copied:
            return []
        share = sum(len(p) for p in copied) / sum(len(p) for p in paragraphs)
        severity = "warning" if share > 0.5 else "info"
        first = copied[0][:18]
        return [Finding(
            rule="carryover.copied_text", severity=severity, section=section.key, cells=(), total_cell=None,
            expected=None, actual=f"{share:.0%}",
            message=(f"“{section.title}”有 {len(copied)} 段与上年报告逐字相同（占 {share:.0%}），如“{first}…”"
                     + ("；超过一半与上年相同，考核时可能扣分" if share > 0.5 else "")),
            key=f"carryover.copied_text|{section.key}", order=self._section_order[section.key] * 10_000 + 3,
        )]

    # ------------------------------------------------------------------ helpers

    def _apply_acceptances(self, report: Report, found: dict[str, Finding]) -> dict[str, Finding]:
        """Mark warnings the user accepted; clear marks whose acceptance was withdrawn.

        Only warnings can be accepted: an error stays open whatever the file says.
        """
        accepted = {a.key: a for a in report.acceptances}
        if not accepted and not any(f.accepted for f in found.values()):
            return found
        for key, f in list(found.items()):
            a = accepted.get((f.rule, f.cells)) if f.severity == "warning" else None
            if a is not None:
                if not f.accepted or f.explanation != a.explanation:
                    found[key] = f.with_acceptance(a.explanation)
            elif f.accepted:
                found[key] = f.with_acceptance(None)
        return found

    @staticmethod
    def _row_text(row_path: tuple[str, ...]) -> str:
        return " ".join(row_path[1:]) if len(row_path) > 1 else (row_path[0] if row_path else "")

    def _where(self, ref: CellRef) -> str:
        """Human location of a cell: 三、“一、本年新收…”行“自然人”."""
        spec = self.template.cell(*ref)
        assert spec is not None
        section = self.template.section(ref.section)
        column = self._column_text(ref)
        if section.blocks and not section.blocks[0].row_labels:
            return f"{section.number}、“{column}”"
        return f"{section.number}、“{self._row_text(spec.row_path)}”的“{column}”"

    def _column_text(self, ref: CellRef) -> str:
        """A column's name as a clerk finds it: with its group where the label repeats (四's 总计)."""
        spec = self.template.cell(*ref)
        assert spec is not None
        if len(spec.column_path) > 1 and ref.section == "appeals":
            return "·".join(spec.column_path[-2:])
        return spec.column_label

    def describe(self, ref: CellRef) -> str:
        """Public form of :meth:`_where` for views and exporters."""
        return self._where(ref)


# ---------------------------------------------------------------------- narrative reading

# A stated number: plain digits or digits with thousands separators ("3,119").
_STATED = r"(\d{1,3}(?:,\d{3}){1,4}|\d{1,15})"  # bounded: int() of 4300+ digits raises
# Receipt verbs a zero statement needs after 未 ("未收到…申请"; "未按期答复的…申请" is no zero).
_ZERO_VERBS = "发生|收到|受理|接收|产生|出现|新收|接到|有"
# 无 that is not a negation of receipt: 无法提供, 无论, 无正当理由…
_NOT_NEGATION = "(?!法|论|正当|需|须|误|偿|效)"


def _flat(text: str) -> str:
    """NFKC (full-width digits and punctuation) without blanks, as the narrative rules read it."""
    return re.sub(r"[ \t\u3000]+", "", unicodedata.normalize("NFKC", text))


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(x) for x in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class _FactReader:
    fact: NarrativeFact
    number: re.Pattern[str]  # topic, gap (group 1), number (group 2), unit
    zero: re.Pattern[str]
    joined: re.Pattern[str]  # another fact's topic and a conjunction right before this topic
    joined_gap: re.Pattern[str]  # a conjunction, then another fact's topic: 行政复议和行政诉讼共3件


@cache
def _fact_readers(t: ReportTemplate) -> tuple[_FactReader, ...]:
    nn = t.narrative_numbers
    units = _alternation(nn.units)
    weak = [n for n in nn.negations if n.endswith("未")]
    strong = [n for n in nn.negations if not n.endswith("未")]
    strong_re = "|".join(re.escape(n) + (_NOT_NEGATION if n == "无" else "")
                         for n in sorted(strong, key=len, reverse=True))
    negation = f"(?:{_alternation(weak)})(?:{_ZERO_VERBS})" if weak else ""
    if strong_re:
        negation = f"{negation}|(?:{strong_re})(?:{_ZERO_VERBS})?" if negation else f"(?:{strong_re})(?:{_ZERO_VERBS})?"
    out = []
    for fact in nn.facts:
        topics = _alternation(fact.topics)
        others = tuple(x for f in nn.facts if f.cells != fact.cells for x in f.topics if x not in fact.topics)
        never = re.compile(r"(?!)")
        out.append(_FactReader(
            fact=fact,
            number=re.compile(rf"(?:{topics})([^\d，,。；;、]{{0,12}}?){_STATED}\s*(?:{units})"),
            zero=re.compile(rf"(?:{negation})[^，,。；;\d]{{0,16}}?(?:{topics})"),
            joined=re.compile(rf"(?:{_alternation(others)})[和及与、或]$") if others else never,
            joined_gap=re.compile(rf"[和及与、或].*?(?:{_alternation(others)})") if others else never,
        ))
    return tuple(out)


_statement_cache: dict[tuple[int, str], dict[str, tuple[int, str]]] = {}


def narrative_statements(t: ReportTemplate, text: str) -> dict[str, tuple[int, str]]:
    """The numbers a narrative states for each fact: ``{fact id: (number, quoted text)}``.

    Reads only sentences about 政府信息公开申请 / 行政复议 / 行政诉讼 (the template's context
    words), takes the first statement of each fact, and treats 未收到/没有… as 0. Skips what is
    not a plain statement of the figure: comparisons and estimates (较上年减少3件, 约100件,
    the template's ``qualifiers``) and joint figures (行政复议和行政诉讼共3件). Cached by text:
    it is re-run on every keystroke check but the text rarely changes.
    """
    cache_key = (id(t), text)
    hit = _statement_cache.get(cache_key)
    if hit is not None:
        return hit
    out: dict[str, tuple[int, str]] = {}
    readers = _fact_readers(t)
    nn = t.narrative_numbers
    for sentence in _SENTENCE_SPLIT.split(_flat(text)):
        if not sentence or not any(c in sentence for c in nn.context):
            continue
        if "主动公开" in sentence and not any(x in sentence for x in ("申请", "复议", "诉讼")):
            continue
        for reader in readers:
            fact = reader.fact
            if fact.id in out:
                continue
            for m in reader.number.finditer(sentence):
                gap = m.group(1)
                if any(q in gap for q in nn.qualifiers) or reader.joined_gap.search(gap):
                    continue  # 较上年减少3件, 行政复议和行政诉讼案件共3件
                if reader.joined.search(sentence, 0, m.start()):
                    continue  # 行政复议、行政诉讼各1件: a joint figure
                if fact.verbs:
                    clause_start = max((sentence.rfind(ch, 0, m.start()) for ch in "，,；;"), default=-1)
                    before = sentence[max(clause_start + 1, m.start() - 16): m.start() + 2]
                    if not any(vb in before for vb in fact.verbs):
                        continue
                out[fact.id] = (int(m.group(2).replace(",", "")), m.group(0))
                break
            else:
                z = reader.zero.search(sentence)
                if z:
                    out[fact.id] = (0, z.group(0))
    if len(_statement_cache) > 512:
        _statement_cache.clear()
    _statement_cache[cache_key] = out
    return out


_FEE_NEGATED = re.compile(
    r"(?:未|无|没有|不|免)[^,;。]{0,3}?(?:收取|收费|征收|产生|发生|缴纳)|免收|(?<![\d.])0(?:\.0+)?(?:万元|元)|零元"
)
_FEE_AMOUNT = re.compile(r"(\d{1,15}(?:\.\d{1,12})?)(?:万元|元)")
_FEE_CHARGE = re.compile(r"收取|收费|征收|缴纳|缴费")


@lru_cache(maxsize=256)
def fee_statement(t: ReportTemplate, text: str) -> tuple[bool, bool, bool]:
    """What a 六 text says about 信息处理费: ``(charged, denied, unpaid)``.

    ``charged``: it reports fee notices or a 信息处理费 charged (an amount > 0); ``denied``: it
    says none was charged (未收取, 0元); ``unpaid``: it says applicants did not pay in time.
    Only clauses naming 信息处理费 or 收费通知 count, so 行政事业性收费 (表二) never does.
    """
    flat = _flat(text)
    words = t.fee_mentions + t.fee_notices
    charged = denied = unpaid = False
    for clause in re.split(r"[,;。!?\n]", flat):
        if any(w in clause for w in t.fee_unpaid) and not re.search(r"(?:未发生|没有|不存在|无)[^,;。]{0,8}?(?:逾期|未缴)",
                                                                     clause):
            unpaid = True
        if not any(w in clause for w in words):
            continue
        notices = [n for n in t.fee_notices if n in clause]
        if notices and not any(re.search(rf"(?:未|没有|无|不)(?:发出|出具|开具|下发|发送)?{re.escape(n)}", clause)
                               for n in notices):
            charged = True
            continue
        amounts = [Decimal(a) for a in _FEE_AMOUNT.findall(clause)]
        if _FEE_NEGATED.search(clause) or (amounts and not any(a > 0 for a in amounts)):
            denied = True
        elif any(a > 0 for a in amounts) or (_FEE_CHARGE.search(clause) and not clause.endswith("情况")):
            charged = True
    return charged, denied, unpaid


def _ask(hint: str) -> str:
    """The first clause of a section's hint as a request: '须说明…' → '请说明…'."""
    first = hint.split("；")[0].rstrip("。")
    first = first.removeprefix("须").removeprefix("应")
    return "请" + first if first.startswith(("写明", "说明", "填写", "概述")) else "请写明" + first


@cache
def checker_for(template: ReportTemplate) -> Checker:
    return Checker(template)


def check_report(report: Report, previous: Report | None = None) -> CheckResult:
    """Convenience: check with the cached checker of the report's template."""
    return checker_for(report.template).check(report, previous)
