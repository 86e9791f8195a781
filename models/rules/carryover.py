"""Rule kinds against last year's report (``carryover.*``): they read last year through
:class:`~models.last_year.LastYearView` (cells in this year's keys, texts), never a whole report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from functools import partial

from models.findings import Finding, new_finding
from models.last_year import LastYearView
from models.narrative import StatedNumber, StatedNumbers, copied_paragraphs
from models.normalise import squash
from models.numbers import format_value, number
from models.rules.base import (
    Check,
    Context,
    Env,
    Figures,
    Found,
    Placed,
    Reads,
    RuleKind,
    kind,
    message,
    placed_message,
    total,
    usable,
)
from models.template import SEVERITIES, RuleSpec, SectionSpec, Severity, TemplateError
from models.values import CellRef, Value

#: The place key of a finding that says cells could not be taken over from last year (last year's
#: figure blank or invalid there) starts with this; 从上年报告新建 shows those findings as notes.
NOT_CARRIED = "not_carried"


def not_carried(findings: object) -> list[Finding]:
    """The findings (of a check result) that say a cell could not be carried over from last year."""
    return [f for f in findings if isinstance(f.key[1], tuple) and f.key[1][:1] == (NOT_CARRIED,)]  # type: ignore[attr-defined]


# ---------------------------------------------------------------------- carryover.year


class PreviousYearCheck(Check):
    """The linked "last year" is of the year before this report's, and of this agency."""

    __slots__ = ("env", "agency_severity")
    any_year = True

    def __init__(self, rule: RuleSpec, env: Env, agency_severity: Severity) -> None:
        super().__init__(rule, Reads(meta=("year", "agency"), previous=True), ["year", "agency"])
        self.env, self.agency_severity = env, agency_severity

    def run(self, ctx: Context, found: Found) -> None:
        assert ctx.last is not None
        meta, last = ctx.report.meta, ctx.last
        if last.year is not None and meta.year is not None and last.year != meta.year - 1:
            variant = "same" if last.year == meta.year else "later" if last.year > meta.year else None
            text = message(self.rule, variant, last_year=last.year, year=meta.year, expected_year=meta.year - 1,
                           gap=meta.year - 1 - last.year, last_agency=last.agency, agency=meta.agency)
            f = self.env.finding(self.rule, "year", text, section=None, expected=meta.year - 1, actual=last.year,
                                 order=-2)
            found[f.key] = f
        if last.agency and meta.agency and squash(last.agency) != squash(meta.agency) and "agency" in self.rule.messages:
            text = message(self.rule, "agency", last_year=last.year, year=meta.year, expected_year="", gap="",
                           last_agency=last.agency, agency=meta.agency)
            f = self.env.finding(self.rule, "agency", text, section=None, expected=meta.agency, actual=last.agency,
                                 order=-2, severity=self.agency_severity)
            found[f.key] = f


def consecutive(last_year: int | None, year: int | None) -> bool:
    """Last year's report is of the year before (or one of the years is not known)."""
    return last_year is None or year is None or last_year == year - 1


@kind
class PreviousYear(RuleKind):
    """The report linked as last year's is of the year before this one, and of the same agency.
    When it is not of the year before, the checks that compare figures year on year do not run
    (3 years apart, a 结转 cannot be compared): this finding says so instead."""

    name = "previous_year"
    params = frozenset({"agency_severity"})
    variants = frozenset({"same", "later", "agency"})
    fields = frozenset({"last_year", "year", "expected_year", "gap", "last_agency", "agency"})

    def compile(self, rule: RuleSpec, env: Env) -> list[Check]:
        severity = rule.params.get("agency_severity", "info")
        if severity not in SEVERITIES:
            raise TemplateError(f"规则 {rule.id}: 未知的严重程度 {severity!r}")
        return [PreviousYearCheck(rule, env, severity)]


# ---------------------------------------------------------------------- carryover.requests


class SameAsLastYearCheck(Check):
    """This year's cell equals last year's ``last_ref`` (三's 上年结转 = last year's 结转下年度)."""

    __slots__ = ("env", "ref", "last_ref")
    consecutive_years = True

    def __init__(self, rule: RuleSpec, env: Env, ref: CellRef, last_ref: CellRef) -> None:
        super().__init__(rule, Reads(cells=(ref,), previous=True), [ref])
        self.env, self.ref, self.last_ref = env, ref, last_ref

    def run(self, ctx: Context, found: Found) -> None:
        assert ctx.last is not None
        spec = self.env.spec
        this, last = ctx.values.get(self.ref), ctx.last.values.get(self.last_ref)
        if not (usable(this, spec[self.ref]) and usable(last, spec[self.last_ref])) or this == last:
            return
        loc = self.env.locator
        cell = self.env.template.cell(*self.ref)
        last_cell = self.env.template.cell(*self.last_ref)
        assert cell is not None and last_cell is not None
        section = self.env.template.section(self.ref.section)
        text = message(self.rule, section_number=section.number, column_label=cell.column_label,
                       row_label=cell.row_label, last_year_row_label=last_cell.row_label,
                       expected=format_value(last), actual=format_value(this))
        f = self.env.finding(self.rule, self.ref, text, section=self.ref.section, cells=(self.ref,),
                             total_cell=self.ref, expected=last, actual=this, order=loc.order(self.ref))
        found[f.key] = f

    def carried_from(self) -> tuple[CellRef, ...]:
        """Last year's cells (this year's keys) a new report takes this cell from."""
        return (self.last_ref,)

    def carried_into(self) -> CellRef:
        return self.ref

    def carry(self, last: LastYearView) -> dict[CellRef, Value]:
        """What a new report takes over from last year: this cell = last year's ``last_ref``."""
        value = last.values.get(self.last_ref)
        return {self.ref: value} if usable(value, self.env.spec[self.last_ref]) else {}


class NotCarriedCheck(Check):
    """The cells of one row that last year's report cannot give (its figure blank, or not a valid
    count): one warning naming them, so that a 上年结转 left blank by 从上年报告新建 is explained,
    never silently blank and never taken for 0 — and a figure typed there cannot be checked."""

    __slots__ = ("env", "pairs", "place")
    consecutive_years = True

    def __init__(self, rule: RuleSpec, env: Env, section: str, row: str,
                 pairs: tuple[tuple[CellRef, CellRef], ...]) -> None:
        self.place = (NOT_CARRIED, section, row)
        # It reads last year only; the row's cells are declared so an edit there re-runs it cheaply.
        super().__init__(rule, Reads(cells=tuple(ref for ref, _ in pairs), previous=True), [self.place])
        self.env, self.pairs = env, pairs

    def run(self, ctx: Context, found: Found) -> None:
        assert ctx.last is not None
        spec, last = self.env.spec, ctx.last.values
        missing = tuple(ref for ref, last_ref in self.pairs if not usable(last.get(last_ref), spec[last_ref]))
        if not missing:
            return
        first, last_ref = missing[0], self.pairs[0][1]
        cell, last_cell = self.env.template.cell(*first), self.env.template.cell(*last_ref)
        assert cell is not None and last_cell is not None
        columns = "、".join(f"“{self.env.locator.column_text(r)}”" for r in missing)
        text = message(self.rule, NOT_CARRIED, section_number=self.env.template.section(first.section).number,
                       row_label=cell.row_label, last_year_row_label=last_cell.row_label, columns=columns,
                       column_label=cell.column_label, expected="", actual="")
        f = self.env.finding(self.rule, self.place, text, section=first.section, cells=missing,
                             order=self.env.locator.order(first), severity="warning")
        found[f.key] = f


@kind
class SameAsLastYear(RuleKind):
    """Each cell of ``rows`` equals last year's ``last_year_row`` in the same column; where last
    year's figure is blank or invalid, one warning per row names the cells (``not_carried``)."""

    name = "same_as_last_year"
    params = frozenset({"section", "rows", "last_year_row"})
    variants = frozenset({NOT_CARRIED})
    fields = frozenset({"section_number", "column_label", "row_label", "last_year_row_label", "expected", "actual",
                        "columns"})

    def compile(self, rule: RuleSpec, env: Env) -> list[Check]:
        section = env.table(rule, rule.params.get("section"))
        last_row = rule.params.get("last_year_row")
        out: list[Check] = []
        for row in rule.params.get("rows", ()):
            pairs = tuple((ref, env.cell(rule, section.key, last_row, ref.column)) for ref in env.row(rule, section.key, row))
            out.extend(SameAsLastYearCheck(rule, env, ref, last_ref) for ref, last_ref in pairs)
            if pairs and NOT_CARRIED in rule.messages:
                out.append(NotCarriedCheck(rule, env, section.key, row, pairs))
        if not out:
            raise TemplateError(f"规则 {rule.id}: rows 不能为空")
        return out


# ---------------------------------------------------------------------- carryover.in_force / items / total_public


class CarryoverCompareCheck(Check):
    """In one row: this year's ``cell`` (op) last year's ``last_year`` cells + this year's ``plus``
    − ``minus`` cells."""

    __slots__ = ("env", "cell", "last", "plus", "minus", "op", "carries")
    consecutive_years = True

    def __init__(self, rule: RuleSpec, env: Env, cell: CellRef, last: tuple[CellRef, ...],
                 plus: tuple[CellRef, ...], minus: tuple[CellRef, ...], op: str) -> None:
        reads = tuple(dict.fromkeys((cell, *plus, *minus)))
        # Last year alone decides the cell (2019's 上一年项目数量): a new report takes it over, and
        # says so when it cannot (its own place, so that the finding stays whatever is typed).
        self.carries = op == "==" and not plus and not minus
        places: list[object] = [cell, (NOT_CARRIED, cell.section, cell.row)] if self.carries else [cell]
        super().__init__(rule, Reads(cells=reads, previous=True), places)
        self.env, self.cell, self.last, self.plus, self.minus, self.op = env, cell, last, plus, minus, op

    def run(self, ctx: Context, found: Found) -> None:
        assert ctx.last is not None
        spec, values, last_values = self.env.spec, ctx.values, ctx.last.values
        this = values.get(self.cell)
        last = [last_values.get(r) for r in self.last]
        plus = [values.get(r) for r in self.plus]
        minus = [values.get(r) for r in self.minus]
        last_usable = all(usable(v, spec[r]) for v, r in zip(last, self.last, strict=True))
        if self.carries and (not last_usable or (this is None and total(last) < 0)):
            self._not_carried(found, "negative" if last_usable else NOT_CARRIED)
            return
        checked = [(this, self.cell), *zip(plus, self.plus, strict=True), *zip(minus, self.minus, strict=True)]
        if not last_usable or not all(usable(v, spec[r]) for v, r in checked):
            return
        expected: int | Decimal = total(last) + total(plus) - total(minus)
        if (number(this) == expected) if self.op == "==" else (number(this) >= expected):
            return
        cell = self.env.template.cell(*self.cell)
        assert cell is not None
        section = self.env.template.section(self.cell.section)
        # The figures cannot balance (本年废止 more than last year's 现行有效 + 本年制发): no count is
        # "expected"; the ``negative`` wording says which figures to check instead of "应为 -9".
        negative = expected < 0 and "negative" in self.rule.messages
        text = message(self.rule, "negative" if negative else None, section_number=section.number,
                       row_label=cell.row_label, column_label=cell.column_label, last_year=format_value(total(last)),
                       plus=format_value(total(plus)), minus=format_value(total(minus)),
                       expected=format_value(expected), actual=format_value(this))
        f = self.env.finding(self.rule, self.cell, text, section=self.cell.section,
                             cells=tuple(dict.fromkeys((self.cell, *self.plus, *self.minus))), total_cell=self.cell,
                             expected=expected, actual=this, order=self.env.locator.order(self.cell))
        found[f.key] = f

    def _not_carried(self, found: Found, variant: str) -> None:
        """The cell cannot be taken over from last year (its figures blank, invalid or below 0)."""
        if variant not in self.rule.messages:
            return
        cell = self.env.template.cell(*self.cell)
        assert cell is not None
        text = message(self.rule, variant, section_number=self.env.template.section(self.cell.section).number,
                       row_label=cell.row_label, column_label=cell.column_label, last_year="", plus="", minus="",
                       expected="", actual="空")
        f = self.env.finding(self.rule, (NOT_CARRIED, self.cell.section, self.cell.row), text,
                             section=self.cell.section, cells=(self.cell,), order=self.env.locator.order(self.cell),
                             severity="warning")
        found[f.key] = f

    def carried_from(self) -> tuple[CellRef, ...]:
        """Last year's cells (this year's keys) a new report takes this cell from (none when
        this year's figures take part too)."""
        return self.last if self.carries else ()

    def carried_into(self) -> CellRef:
        return self.cell

    def carry(self, last: LastYearView) -> dict[CellRef, Value]:
        """A cell last year alone determines (2019's 上一年项目数量 = last year's + 本年增/减) is
        taken over by a new report; one that also depends on this year's figures is not."""
        if not self.carries:
            return {}
        values = [last.values.get(r) for r in self.last]
        if not all(usable(v, self.env.spec[r]) for v, r in zip(values, self.last, strict=True)):
            return {}
        carried = total(values)
        return {self.cell: carried} if carried >= 0 else {}  # last year's figures are wrong: never a negative count


@kind
class CarryoverCompare(RuleKind):
    """In each of ``rows``: this year's ``column`` == (or ``>=``, ``op``) the sum of last year's
    ``last_year`` columns + this year's ``plus`` columns − this year's ``minus`` columns.

    现行有效件数 = 上年现行有效件数 + 本年制发 − 本年废止; 2019's 上一年项目数量 = last year's
    上一年项目数量 + 本年增/减; 对外公开总数量 ≥ last year's."""

    name = "carryover_compare"
    params = frozenset({"section", "rows", "column", "op", "last_year", "plus", "minus"})
    # last year's + plus − minus is below 0: nothing can be expected; a cell last year alone decides
    # cannot be taken over (last year's figures blank or invalid)
    variants = frozenset({"negative", NOT_CARRIED})
    fields = frozenset({"section_number", "row_label", "column_label", "last_year", "plus", "minus", "expected",
                        "actual"})

    def compile(self, rule: RuleSpec, env: Env) -> list[Check]:
        p = rule.params
        section = env.table(rule, p.get("section"))
        op = p.get("op", "==")
        if op not in ("==", ">="):
            raise TemplateError(f"规则 {rule.id}: op 应为 == 或 >=")
        out: list[Check] = []
        for row in p.get("rows", ()):
            env.row(rule, section.key, row)

            def cells(name: str, row: str = row) -> tuple[CellRef, ...]:
                return tuple(env.cell(rule, section.key, row, c) for c in p.get(name, ()))

            last = cells("last_year")
            if not last:
                raise TemplateError(f"规则 {rule.id}: last_year 不能为空")
            out.append(CarryoverCompareCheck(rule, env, env.cell(rule, section.key, row, p.get("column")), last,
                                             cells("plus"), cells("minus"), op))
        if not out:
            raise TemplateError(f"规则 {rule.id}: rows 不能为空")
        return out


# ---------------------------------------------------------------------- carryover.copied_text


class CopiedTextCheck(Check):
    __slots__ = ("env", "section", "min_chars", "warn_share", "above")

    def __init__(self, rule: RuleSpec, env: Env, section: SectionSpec, min_chars: int, warn_share: float,
                 above: Severity) -> None:
        super().__init__(rule, Reads(texts=(section.key,), previous=True), [section.key])
        self.env, self.section, self.min_chars, self.warn_share, self.above = env, section, min_chars, warn_share, above

    def run(self, ctx: Context, found: Found) -> None:
        assert ctx.last is not None
        last = ctx.last.texts.get(self.section.key)
        if not last:
            return
        copied, share = copied_paragraphs(ctx.report.text(self.section.key), last, self.min_chars)
        if not copied:
            return
        over = share > self.warn_share
        text = message(self.rule, "above" if over else None, section_title=self.section.title, count=len(copied),
                       share=f"{share:.0%}", first=copied[0][:18])
        f = self.env.finding(self.rule, self.section.key, text, section=self.section.key, actual=f"{share:.0%}",
                             order=self.env.locator.section_order(self.section.key) + 3,
                             severity=self.above if over else None)
        found[f.key] = f


@kind
class CopiedText(RuleKind):
    """Paragraphs of a narrative copied word for word from last year's; above ``warn_share`` of
    the text the finding takes ``severity_above`` (assessment rules deduct points)."""

    name = "copied_text"
    params = frozenset({"min_paragraph", "warn_share", "severity_above", "sections"})
    variants = frozenset({"above"})
    fields = frozenset({"section_title", "count", "share", "first"})

    def compile(self, rule: RuleSpec, env: Env) -> list[Check]:
        p = rule.params
        above = p.get("severity_above", rule.severity)
        if above not in SEVERITIES:
            raise TemplateError(f"规则 {rule.id}: 未知的严重程度 {above!r}")
        keys = p.get("sections")
        sections = [env.narrative(rule, k) for k in keys] if keys is not None else env.template.narrative_sections
        return [CopiedTextCheck(rule, env, s, int(p.get("min_paragraph", 20)), float(p.get("warn_share", 0.5)), above)
                for s in sections]


# ---------------------------------------------------------------------- carryover.outlier


class OutlierCheck(Check):
    __slots__ = ("env", "cells", "factor", "floor", "_cells", "_wordings")
    consecutive_years = True

    def __init__(self, rule: RuleSpec, env: Env, cells: tuple[CellRef, ...], factor: int, floor: int) -> None:
        super().__init__(rule, Reads(cells=cells, previous=True), cells)
        self.env, self.cells, self.factor, self.floor = env, cells, factor, floor
        # (position in the figures, ref, spec, bound, and the finding's key, cells, order and place
        # words): a plain count below ``bound`` is usable without further look-ups
        self._cells = tuple((env.position[r], r, env.spec[r], env.spec[r].limit if env.spec[r].plain_count else 0,
                             (rule.id, r), (r,), env.locator.order(r), partial(self._place, r)) for r in cells)
        self._wordings: dict[CellRef, Placed] = {}  # the message with the cell's place filled in, per cell

    def _place(self, ref: CellRef) -> dict[str, str]:
        return {"where": self.env.locator.where(ref)}

    def run(self, ctx: Context, found: Found) -> None:
        assert ctx.last is not None
        figures, last_figures = ctx.figures(self.env)[0], ctx.last_figures(self.env)[0]
        factor, floor = self.factor, self.floor
        now: int | Decimal
        before: int | Decimal
        rule = self.rule
        for i, ref, spec, bound, key, cells, order, place in self._cells:
            last = last_figures[i]
            if not last:
                continue  # blank or 0 last year: nothing to jump from
            this = figures[i]
            if type(this) is int and type(last) is int and bound:  # the common case
                if not (0 <= this < bound and 0 < last < bound):
                    continue
                now, before = this, last
            elif not (usable(this, spec) and usable(last, spec)):
                continue
            else:
                now, before = number(this), number(last)
            if not (now == 0 or (now > factor * before and now >= floor)):
                continue
            text = placed_message(rule, self._wordings, ref, None, place,
                                  {"last_year": format_value(last), "actual": format_value(this)})
            # = env.finding(rule, ref, text, section=…, cells=(ref,), actual=this, order=…), its
            # key, cells and order made once per cell
            found[key] = new_finding(rule.id, rule.severity, ref.section, cells, None, None, this, text, key, order)


@kind
class Outlier(RuleKind):
    """A figure (of the ``number_kinds`` named) that jumps more than ``factor``-fold (to at least
    ``floor``) or falls to 0 from last year."""

    name = "outlier"
    params = frozenset({"factor", "floor", "number_kinds"})
    fields = frozenset({"where", "last_year", "actual"})

    def compile(self, rule: RuleSpec, env: Env) -> list[Check]:
        p = rule.params
        kinds = set(p.get("number_kinds", ()))
        if not kinds or not kinds <= set(env.template.number_kinds):
            raise TemplateError(f"规则 {rule.id}: number_kinds 应为模板中的数字类型")
        out: list[Check] = []
        for refs in env.rows.values():
            cells = tuple(r for r in refs if env.spec[r].name in kinds)
            if cells:
                out.append(OutlierCheck(rule, env, cells, int(p.get("factor", 5)), int(p.get("floor", 10))))
        return out


# ---------------------------------------------------------------------- narrative.stale_number


def _holding(env: Env, last_values: Mapping[CellRef, Value],
             figures: Figures) -> dict[tuple[str, int | Decimal], list[CellRef]]:
    """Last year's cells by (number kind, value). Shared by the checks of every section (one
    pass over last year's figures, not one per section) and cached for the last figures asked:
    a review reads each unit's last year once. Whole numbers stay ints (an int and the Decimal
    of the same value are equal keys). ``figures``: ``last_values`` as ``Env.figures`` gives
    them (the outlier check built them already): the usable counts are indexed without a test
    or a look-up each."""
    cached = env.last_index
    if cached is not None and cached[0] is last_values:
        return cached[1]
    holding: dict[tuple[str, int | Decimal], list[CellRef]] = {}
    got, unusable = figures
    for i, ref, name in env.count_cells:
        if i not in unusable:  # a usable count (nothing else is usable in a plain-count cell)
            holding.setdefault((name, got[i]), []).append(ref)  # type: ignore[arg-type]
    for i, ref, spec in env.other_cells:
        value = got[i]
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool) and usable(value, spec):
            holding.setdefault((spec.name, value if type(value) is int else Decimal(value)), []).append(ref)
    env.last_index = (last_values, holding)
    return holding


class StaleNumberCheck(Check):
    """Numbers of last year's text still standing, unedited, in this year's (see :class:`StaleNumber`)."""

    __slots__ = ("env", "section", "reader", "max_cells", "max_findings", "_cache", "_built")

    def __init__(self, rule: RuleSpec, env: Env, section: SectionSpec, reader: StatedNumbers, max_cells: int,
                 max_findings: int) -> None:
        cells = tuple(env.spec)  # this year's figures may confirm a number: every cell is read
        super().__init__(rule, Reads(cells=cells, texts=(section.key,), previous=True), [])
        self.env, self.section, self.reader, self.max_cells = env, section, reader, max_cells
        self.max_findings = max_findings
        self._cache: tuple[object, str, dict[tuple[str, str, str], tuple[CellRef, ...]]] | None = None
        # The findings last built, for the text, last year's figures and which numbers this year's
        # tables confirm: an edit of a cell that changes none of these costs a look-up, not a rebuild.
        self._built: tuple[object, ...] | None = None

    def from_tables(self, last_text: str, last_values: Mapping[CellRef, Value],
                    figures: Figures) -> dict[tuple[str, str, str], tuple[CellRef, ...]]:
        """The numbers of last year's text that came from one of its table cells, each with
        the cells (this year's keys) that held it. Cached for last year's text and figures."""
        cached = self._cache
        if cached is not None and cached[0] is last_values and cached[1] == last_text:
            return cached[2]
        holding = _holding(self.env, last_values, figures)
        order = self.env.locator.order
        out: dict[tuple[str, str, str], tuple[CellRef, ...]] = {}
        for stated in self.reader.numbers(last_text):
            cells = holding.get((stated.kind, stated.value))
            if cells and len(cells) <= self.max_cells:
                out[stated.key] = tuple(sorted(cells, key=order))
        self._cache = (last_values, last_text, out)
        return out

    def clear(self, found: Found) -> None:
        """Its findings are one per stale number, keyed (rule, (section, context, number, unit, n)):
        not known before it runs."""
        rule, section = self.rule.id, self.section.key
        for key in [k for k in found if k[0] == rule and isinstance(k[1], tuple) and k[1][0] == section]:
            del found[key]

    def run(self, ctx: Context, found: Found) -> None:
        assert ctx.last is not None
        last_text = ctx.last.texts.get(self.section.key)
        text = ctx.report.text(self.section.key)
        if not last_text or not text:
            return
        from_tables = self.from_tables(last_text, ctx.last.values, ctx.last_figures(self.env))
        if not from_tables:
            return
        values = ctx.values
        candidates = [(stated, cells) for stated in self.reader.numbers(text)
                      if (cells := from_tables.get(stated.key)) is not None]
        # Not last year's figure after all when this year's tables hold it in a cell it may have
        # come from (a figure found in several of last year's cells: in any of them).
        stale = tuple(not any(values.get(c) == stated.value for c in cells) for stated, cells in candidates)
        built = self._built
        if built is not None and built[0] == text and built[1] is from_tables and built[2] == stale:
            findings: list[Finding] = built[3]  # type: ignore[assignment]
        else:
            findings = self._findings(text, [c for c, keep in zip(candidates, stale, strict=True) if keep])
            self._built = (text, from_tables, stale, findings)
        for f in findings:
            found[f.key] = f

    def _findings(self, text: str, stale: list[tuple[StatedNumber, tuple[CellRef, ...]]]) -> list[Finding]:
        out: list[Finding] = []
        seen: dict[tuple[str, str, str], int] = {}
        loc, section = self.env.locator, self.section
        if len(stale) > self.max_findings:  # a real text has a few dozen; a hostile one must not make thousands
            rest = len(stale) - self.max_findings
            stale = stale[: self.max_findings]
            out.append(self.env.finding(self.rule, (section.key, "more"),
                                        message(self.rule, "more", section_title=section.title, count=rest),
                                        section=section.key, actual=rest,
                                        order=loc.section_order(section.key) + 10 + 9001))
        for stated, cells in stale:
            n = seen[stated.key] = seen.get(stated.key, -1) + 1
            where = loc.where(cells[0]) + (f"等 {len(cells)} 处" if len(cells) > 1 else "")
            snippet = text[max(0, stated.start - 12): stated.end + len(stated.unit) + 2].replace("\n", " ")
            message_text = message(self.rule, section_title=section.title, snippet=snippet.strip(),
                                   number=stated.text, unit=stated.unit, where=where)
            f = self.env.finding(self.rule, (section.key, *stated.key, n), message_text, section=section.key,
                                 cells=cells, actual=stated.text,
                                 order=loc.section_order(section.key) + 10 + min(stated.start, 9000))
            out.append(replace(f, span=(stated.start, stated.end)))
        return out


@kind
class StaleNumber(RuleKind):
    """A number copied with last year's text (从上年报告新建, 复制上年正文) that came from one of
    last year's table cells, and still stands where it stood, unedited: a warning, and the editor
    marks it, until it is edited or this year's tables hold the same figure.

    A number "came from a table cell" when it is followed by the unit of a number kind
    (``units``: ``{"count": ["件"], "amount": ["万元"]}``) and equals the value last year's
    report had in at most ``max_cells`` cells of that kind (a figure found in more cells, such as
    0, says nothing about where it came from). It "stands where it stood" when the
    ``context_chars`` characters before it in its sentence are still those of last year's text.
    A figure this year's tables hold in one of the cells it may have come from is not marked.
    At most ``max_findings`` figures of a section are marked; one more finding counts the rest."""

    name = "stale_number"
    params = frozenset({"units", "context_chars", "max_cells", "max_findings", "sections"})
    variants = frozenset({"more"})  # more than ``max_findings`` figures: one finding says how many more
    fields = frozenset({"section_title", "snippet", "number", "unit", "where", "count"})

    def compile(self, rule: RuleSpec, env: Env) -> list[Check]:
        p = rule.params
        units = p.get("units")
        if not isinstance(units, Mapping) or not units or not set(units) <= set(env.template.number_kinds):
            raise TemplateError(f"规则 {rule.id}: units 应为 {{数字类型: [单位…]}}")
        by_unit: dict[str, str] = {}
        for number_kind in units:
            listed = units[number_kind]
            for unit in listed if isinstance(listed, (list, tuple)) else (None,):
                if not isinstance(unit, str) or not unit:
                    raise TemplateError(f"规则 {rule.id}: units 应为 {{数字类型: [单位…]}}")
                by_unit[unit] = number_kind
        reader = StatedNumbers(by_unit, int(p.get("context_chars", 8)))
        keys = p.get("sections")
        sections = [env.narrative(rule, k) for k in keys] if keys is not None else env.template.narrative_sections
        return [StaleNumberCheck(rule, env, s, reader, int(p.get("max_cells", 6)), int(p.get("max_findings", 50)))
                for s in sections]
