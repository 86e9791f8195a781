"""The checker: every rule of the format, computed once, shown everywhere.

:class:`Checker` compiles a template's rules into flat equations indexed by cell, so a full
check is a few hundred dictionary look-ups and a re-check after one edit touches only the
equations that contain the edited cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from models.findings import CheckResult, Finding
from models.report import Report
from models.template import EquationRule, NarrativeFact, ReportTemplate, SectionSpec
from models.values import CellRef, Value, format_value, value_is_valid

LOCAL_LEVELS = frozenset({"county", "county_department", "township", "township_department"})

# Template sentences left unfilled: "共收到申请件", "主动公开信息  条".
_PLACEHOLDER = re.compile(
    r"(?:共|共计|合计|累计|总计|收到|受理|公开|发布|办理|办结)(?:[\u4e00-\u9fff]{0,10}?)"
    r"(?:\s{2,}|(?<=[共计]))(?:件|条|个|次|份|起)(?![\u4e00-\u9fff]*\d)"
)
_CLAUSE_SPLIT = re.compile(r"[，,、：:（）()]")
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


class Checker:
    """Checks reports of one template."""

    def __init__(self, template: ReportTemplate) -> None:
        self.template = template
        self._order: dict[CellRef, int] = {}
        self._section_order = {s.key: i for i, s in enumerate(template.sections)}
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

    def recheck(self, result: CheckResult, report: Report, refs: Iterable[CellRef]) -> CheckResult:
        """Update ``result`` after the cells ``refs`` changed (fast path for every edit).

        Carry-over findings are kept as they were; re-run :meth:`check` when last year's
        report changes.
        """
        found = dict(result.mapping)
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
        return CheckResult(self._apply_acceptances(report, found))

    def recheck_text(self, result: CheckResult, report: Report) -> CheckResult:
        """Update ``result`` after a narrative text or the metadata changed."""
        found = dict(result.mapping)
        self._recheck_cross(report, found, narrative=True, texts=True)
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
        for ref in row_cells:
            v = report.values.get(ref)
            if v is None:
                blanks.append(ref)
                continue
            spec = self.template.cell(*ref)
            assert spec is not None
            if not value_is_valid(v, spec.value):
                what = "件数应为不小于 0 的整数" if spec.value == "count" else "金额应为不小于 0 的数"
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
            if len(blanks) == 1:
                where = self._where(first)
                msg = f"{where}未填写；没有发生请填 0"
            else:
                msg = (f"{section.number}、“{self._row_text(spec.row_path)}”行有 {len(blanks)} 个单元格未填写"
                       f"（{'、'.join(self.template.cell(*b).column_label for b in blanks)}）；没有发生请填 0")  # type: ignore[union-attr]
            f = Finding(
                rule="value.missing", severity="warning", section=first.section, cells=tuple(blanks),
                total_cell=None, expected=0, actual=None, message=msg,
                key=f"value.missing|{first.section}.{first.row}", order=self._order[first],
            )
            found[f.key] = f

    # ------------------------------------------------------------------ sums

    def _check_equation(self, report: Report, eq: Equation) -> Finding | None:
        values = report.values
        actual = values.get(eq.total)
        if actual is None:
            return None  # a blank total is reported by value.missing
        involved = eq.left + eq.right
        if all(values.get(r) is None for r in involved if r != eq.total):
            return None  # nothing entered yet but the total
        left = _sum(values.get(r) for r in eq.left)
        right = _sum(values.get(r) for r in eq.right)
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
        message = eq.rule.message.format(
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
                        f"请写明{section.hint.split('；')[0].removeprefix('须')}",
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
                if any(v is None for v in values):
                    continue
                table_value = _sum(values)
                if table_value == number:
                    continue
                alternatives = [tuple(CellRef(*c) for c in alt) for alt in fact.alternatives]
                if any(
                    all(report.values.get(r) is not None for r in alt)
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
        # 三 other_no_fee > 0 but 六 never speaks of fees.
        no_fee = CellRef("requests", "other_no_fee", "total")
        fee_text = report.text(t.fee_section)
        if t.cell(*no_fee) and (v.get(no_fee) or 0) > 0 and not any(
            w in fee_text for w in t.fee_mentions + ("收费通知", "收取")
        ):
            f = Finding(
                rule="other.fee_link", severity="info", section=t.fee_section, cells=(no_fee,), total_cell=None,
                expected=None, actual=v.get(no_fee),
                message=(f"表三有 {v.get(no_fee)} 件申请因逾期未缴费不再处理，但“{t.section(t.fee_section).title}”"
                         "没有说明收费通知或信息处理费情况"),
                key="other.fee_link|requests", order=self._order[no_fee] + 1,
            )
            found[f.key] = f
        # 四 has cases but 一 never mentions them.
        totals = [r for r in (CellRef("appeals", "data", f"{g}.total")
                              for g in ("review", "direct_suit", "suit_after_review")) if t.cell(*r)]
        cases = sum((v.get(r) or 0) for r in totals)
        overview = report.text(t.narrative_numbers.sections[0]) if t.narrative_numbers.sections else ""
        if cases > 0 and "行政复议" not in overview and "行政诉讼" not in overview:
            f = Finding(
                rule="appeals.unmentioned", severity="info", section="appeals", cells=tuple(totals),
                total_cell=None, expected=None, actual=cases,
                message=f"表四有 {cases} 件行政复议、行政诉讼，但“一、总体情况”没有提到",
                key="appeals.unmentioned|appeals", order=self._order[totals[0]] - 1,
            )
            found[f.key] = f
        # 规章 reported by an agency that cannot make them.
        if report.meta.level in LOCAL_LEVELS:
            refs = self._rows.get(("proactive", "regulations"), ())
            nonzero = [r for r in refs if (v.get(r) or 0) > 0]
            if nonzero:
                f = Finding(
                    rule="proactive.regulations_level", severity="warning", section="proactive",
                    cells=tuple(nonzero), total_cell=None, expected=0, actual=v.get(nonzero[0]),
                    message="县级、乡镇人民政府及其部门无权制定规章，表二“规章”一行应为 0，请核对（可能应填在“行政规范性文件”）",
                    key="proactive.regulations_level|proactive", order=self._order[refs[0]] - 1,
                )
                found[f.key] = f

    # ------------------------------------------------------------------ last year's report

    def check_carryover(self, report: Report, previous: Report) -> list[Finding]:
        out: list[Finding] = []
        v, pv = report.values, previous.values
        t = self.template
        # 三: this year's 上年结转 = last year's 结转下年度继续办理, per column.
        for ref in self._rows.get(("requests", "carried_over"), ()):
            prev_ref = CellRef("requests", "carried_forward", ref.column)
            this, last = v.get(ref), pv.get(prev_ref)
            if this is None or last is None or this == last:
                continue
            spec = t.cell(*ref)
            assert spec is not None
            out.append(Finding(
                rule="carryover.requests", severity="error", section="requests", cells=(ref,), total_cell=ref,
                expected=last, actual=this,
                message=(f"三、“{spec.column_label}”列的“{spec.row_label}”应为 {last}（上年报告“四、结转下年度继续办理”），"
                         f"现为 {this}"),
                key=f"carryover.requests|{ref}", order=self._order[ref],
            ))
        # 二: 现行有效 = 上年现行有效 + 本年制发 − 本年废止.
        for row in ("regulations", "normative_documents"):
            ref = CellRef("proactive", row, "in_force")
            if t.cell(*ref) is None:
                continue
            issued, repealed = v.get(CellRef("proactive", row, "issued")), v.get(CellRef("proactive", row, "repealed"))
            this, last = v.get(ref), pv.get(ref)
            if None in (issued, repealed, this, last):
                continue
            expected = last + issued - repealed  # type: ignore[operator]
            if expected == this:
                continue
            spec = t.cell(*ref)
            assert spec is not None
            out.append(Finding(
                rule="carryover.in_force", severity="warning", section="proactive",
                cells=(ref, CellRef("proactive", row, "issued"), CellRef("proactive", row, "repealed")),
                total_cell=ref, expected=expected, actual=this,
                message=(f"二、“{spec.row_label}”的“现行有效件数”按上年 {last}＋本年制发 {issued}－本年废止 {repealed} "
                         f"应为 {expected}，现为 {this}；如有文件自然失效，请接受此警告并说明"),
                key=f"carryover.in_force|{ref}", order=self._order[ref],
            ))
        # Counts that jump more than fivefold or fall to 0.
        for ref, this in v.items():
            last = pv.get(ref)
            spec = t.cell(*ref)
            if spec is None or spec.value != "count" or this is None or last is None or not last:
                continue
            if this == 0 or (this > 5 * last and this >= 10):
                out.append(Finding(
                    rule="carryover.outlier", severity="info", section=ref.section, cells=(ref,), total_cell=None,
                    expected=None, actual=this,
                    message=f"{self._where(ref)}由上年的 {last} 变为 {this}，变化较大，请核实",
                    key=f"carryover.outlier|{ref}", order=self._order[ref],
                ))
        # Narrative copied from last year.
        for section in t.narrative_sections:
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
        if not report.acceptances:
            return found
        for key, f in list(found.items()):
            if f.severity != "warning":
                continue
            a = report.acceptance_for(f.rule, f.cells)
            if a is not None:
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
        column = "·".join(spec.column_path[-2:]) if len(spec.column_path) > 1 and section.key == "appeals" \
            else spec.column_label
        if section.blocks and not section.blocks[0].row_labels:
            return f"{section.number}、“{column}”"
        return f"{section.number}、“{self._row_text(spec.row_path)}”的“{column}”"

    def describe(self, ref: CellRef) -> str:
        """Public form of :meth:`_where` for views and exporters."""
        return self._where(ref)


# ---------------------------------------------------------------------- narrative reading


def _fact_regex(t: ReportTemplate, fact: NarrativeFact) -> re.Pattern[str]:
    topics = "|".join(re.escape(x) for x in sorted(fact.topics, key=len, reverse=True))
    units = "|".join(re.escape(u) for u in t.narrative_numbers.units)
    return re.compile(rf"(?:{topics})[^\d，,。；;、]{{0,12}}?(\d+)\s*(?:{units})")


@cache
def _fact_regexes(t: ReportTemplate) -> tuple[tuple[NarrativeFact, re.Pattern[str], re.Pattern[str]], ...]:
    out = []
    for fact in t.narrative_numbers.facts:
        topics = "|".join(re.escape(x) for x in sorted(fact.topics, key=len, reverse=True))
        negs = "|".join(re.escape(n) for n in t.narrative_numbers.negations)
        zero = re.compile(rf"(?:{negs})(?:发生|收到|受理|接收|产生|出现|新收|接到)?[^，,。；;\d]{{0,10}}?(?:{topics})")
        out.append((fact, _fact_regex(t, fact), zero))
    return tuple(out)


_statement_cache: dict[tuple[int, str], dict[str, tuple[int, str]]] = {}


def narrative_statements(t: ReportTemplate, text: str) -> dict[str, tuple[int, str]]:
    """The numbers a narrative states for each fact: ``{fact id: (number, quoted text)}``.

    Reads only sentences about 政府信息公开申请 / 行政复议 / 行政诉讼 (the template's context
    words), takes the first statement of each fact, and treats 未收到/没有… as 0. Cached by text:
    it is re-run on every keystroke check but the text rarely changes.
    """
    cache_key = (id(t), text)
    hit = _statement_cache.get(cache_key)
    if hit is not None:
        return hit
    out: dict[str, tuple[int, str]] = {}
    flat = re.sub(r"[ \t\u3000]+", "", text)
    regexes = _fact_regexes(t)
    context = t.narrative_numbers.context
    for sentence in _SENTENCE_SPLIT.split(flat):
        if not sentence or not any(c in sentence for c in context):
            continue
        if "主动公开" in sentence and not any(x in sentence for x in ("申请", "复议", "诉讼")):
            continue
        for fact, number_re, zero_re in regexes:
            if fact.id in out:
                continue
            for m in number_re.finditer(sentence):
                if fact.verbs:
                    clause_start = max((sentence.rfind(ch, 0, m.start()) for ch in "，,；;"), default=-1)
                    before = sentence[max(clause_start + 1, m.start() - 16): m.start() + 2]
                    if not any(vb in before for vb in fact.verbs):
                        continue
                out[fact.id] = (int(m.group(1)), m.group(0))
                break
            else:
                z = zero_re.search(sentence)
                if z and not re.search(r"\d", z.group(0)):
                    out[fact.id] = (0, z.group(0))
    if len(_statement_cache) > 512:
        _statement_cache.clear()
    _statement_cache[cache_key] = out
    return out


@cache
def checker_for(template: ReportTemplate) -> Checker:
    return Checker(template)


def check_report(report: Report, previous: Report | None = None) -> CheckResult:
    """Convenience: check with the cached checker of the report's template."""
    return checker_for(report.template).check(report, previous)
