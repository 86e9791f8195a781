"""The checker: every rule of the format, computed once, shown everywhere.

The template declares the rules; :func:`models.rules.compile_rules` turns them into checks that
each declare what they read. A full check runs them all; a re-check after an edit runs only the
checks that read what changed (a cell, a narrative, a metadata field), each replacing exactly
the findings it owns (keyed ``(rule, place)``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from types import MappingProxyType

from models.findings import CheckResult, Finding, FindingKey
from models.last_year import LastYear, LastYearView, in_this_format
from models.numbers import NumberSpec
from models.places import locator_for
from models.report import Change, Report
from models.rules import Check, Context, compile_rules
from models.rules.base import total, usable
from models.rules.carryover import consecutive
from models.rules.tables import EquationCheck
from models.template import ReportTemplate, RuleSpec
from models.values import CellRef, Value

Previous = LastYear | Report | None


class Checker:
    """Checks reports of one template."""

    def __init__(self, template: ReportTemplate) -> None:
        self.template = template
        self.locator = locator_for(template)
        self.checks = compile_rules(template)
        self.equations: list[EquationCheck] = [c for c in self.checks if isinstance(c, EquationCheck)]
        self._current = tuple(c for c in self.checks if not c.reads.previous)
        self._carry = tuple(c for c in self.checks if c.reads.previous)
        # This year's cells that are last year's figures carried over (上年结转 ← 结转下年度).
        self._carried: dict[CellRef, tuple[CellRef, ...]] = {}
        for c in self._carry:
            sources = c.carried_from() if hasattr(c, "carried_from") else ()
            if sources:
                self._carried[c.carried_into()] = sources  # type: ignore[attr-defined]
        self._by_cell: dict[CellRef, list[Check]] = {}
        self._by_text: dict[str, list[Check]] = {}
        self._by_meta: list[Check] = []
        for c in self.checks:
            for ref in c.reads.cells:
                self._by_cell.setdefault(ref, []).append(c)
            for key in c.reads.texts:
                self._by_text.setdefault(key, []).append(c)
            if c.reads.meta:
                self._by_meta.append(c)
        self._spec: dict[CellRef, NumberSpec] = {c.ref: c.number for c in template.all_cells()}
        totals: dict[CellRef, dict[RuleSpec, None]] = {}
        for eq in self.equations:
            totals.setdefault(eq.total, {})[eq.rule] = None
        self._totals = {ref: tuple(rules) for ref, rules in totals.items()}
        self._last: tuple[LastYear, LastYearView] | None = None

    # ------------------------------------------------------------------ public API

    def check(self, report: Report, previous: Previous = None) -> CheckResult:
        """Run every rule; with last year's report or figures also the carry-over rules.

        ``previous`` is last year's report as given (the command line's ``--previous``); when it
        is None, what the report itself keeps of last year (``report.previous``) is used."""
        last = self._view(report, previous)
        ctx = Context(report, last)
        found: dict[FindingKey, Finding] = {}
        for c in self._current:
            c.run(ctx, found)
        if last is not None:
            self._run_carry(ctx, self._carry, found, fresh=True)
        return CheckResult(self._apply_acceptances(report, found))

    def recheck(self, result: CheckResult, report: Report, refs: Iterable[CellRef],
                previous: Previous = None) -> CheckResult:
        """Update ``result`` after the cells ``refs`` changed (fast path for every edit).

        Equals a full :meth:`check`. Carry-over findings are updated for the changed cells when
        last year is known (``previous``, else ``report.previous``), and kept as they were
        otherwise; a change of last year itself (``Change("previous")``) re-runs everything.
        """
        checks: dict[Check, None] = {}
        for ref in refs:
            for c in self._by_cell.get(ref, ()):
                checks[c] = None
        return self._rerun(result, report, checks, previous)

    def recheck_text(self, result: CheckResult, report: Report, previous: Previous = None,
                     sections: Iterable[str] | None = None) -> CheckResult:
        """Update ``result`` after narrative texts (``sections``; all when None) or metadata changed.

        With ``previous`` the comparisons with last year's texts are redone too.
        """
        keys = self._by_text.keys() if sections is None else sections
        checks: dict[Check, None] = {c: None for key in keys for c in self._by_text.get(key, ())}
        if sections is None:
            checks.update((c, None) for c in self._by_meta)
        return self._rerun(result, report, checks, previous)

    def recheck_change(self, result: CheckResult, report: Report, change: Change,
                       previous: Previous = None) -> CheckResult:
        """Update ``result`` after one :class:`~models.report.Change` of the report."""
        if change.kind == "values":
            return self.recheck(result, report, change.cells, previous)
        if change.kind == "text" and change.section:
            return self.recheck_text(result, report, previous, sections=(change.section,))
        if change.kind == "meta":
            if self._view(report, previous) is not None:
                return self.check(report, previous)  # the year decides which carry-over checks run
            return self._rerun(result, report, dict.fromkeys(self._by_meta), previous)
        if change.kind == "previous":
            return self.check(report, previous)
        # a note under a table is read by no rule; acceptances change only the marks
        return CheckResult(self._apply_acceptances(report, dict(result.mapping)))

    def describe(self, ref: CellRef) -> str:
        """Where a cell is, in words: 三、“一、本年新收…”的“自然人”."""
        return self.locator.where(ref)

    def spec(self, ref: CellRef) -> NumberSpec:
        """What the cell may hold."""
        return self._spec[ref]

    def carried_from(self, ref: CellRef) -> tuple[CellRef, ...]:
        """Last year's cells (this year's keys) that ``ref`` is carried over from (none for a
        cell this year fills in itself)."""
        return self._carried.get(ref, ())

    def totals(self) -> Mapping[CellRef, tuple[RuleSpec, ...]]:
        """Every cell a sum rule of the template computes (a row's 总计, （七）总计, 四's 总计, the
        balance 结转下年度), with the rules that compute it: what the editor and the workbook show
        as totals and 填写合计 fills. Read-only."""
        return MappingProxyType(self._totals)

    def quote(self, report: Report, finding: Finding) -> str | None:
        """The words of the narrative ``finding`` is about (a stated number, an unfilled
        sentence), as the rule read them, for the editor to select; None when it quotes none."""
        for c in self._by_text.get(finding.section or "", ()):
            if finding.key in c.keys:
                return c.quoted(report)
        return None

    def equation_rules(self, section: str) -> set[str]:
        """Ids of the sum rules in ``section`` (what 填写合计 can fix)."""
        return {c.rule.id for c in self.equations if c.total.section == section}

    # ------------------------------------------------------------------ running

    def last_view(self, report: Report, previous: Previous = None) -> LastYearView | None:
        """Last year's figures and texts in this template's keys (``previous``, else the report's
        own ``previous``), or None when no last year is known."""
        return self._view(report, previous)

    def _view(self, report: Report, previous: Previous) -> LastYearView | None:
        if previous is None:
            previous = report.previous
        if previous is None:
            return None
        if isinstance(previous, Report):
            return in_this_format(LastYear.of(previous), self.template)
        if self._last is None or self._last[0] is not previous:
            self._last = (previous, in_this_format(previous, self.template))
        return self._last[1]

    def _rerun(self, result: CheckResult, report: Report, checks: dict[Check, None],
               previous: Previous) -> CheckResult:
        found = dict(result.mapping)
        last = self._view(report, previous)
        ctx = Context(report, last)
        carry: list[Check] = []
        for c in checks:
            if c.reads.previous:
                carry.append(c)
                continue
            c.clear(found)
            c.run(ctx, found)
        if last is not None and carry:
            self._run_carry(ctx, carry, found)
        return CheckResult(self._apply_acceptances(report, found))

    def _run_carry(self, ctx: Context, checks: Iterable[Check], found: dict[FindingKey, Finding],
                   fresh: bool = False) -> None:
        """Carry-over checks; a rule that cannot compare across the two formats says so once.
        ``fresh``: no carry-over finding is in ``found`` yet (a full check), nothing to clear."""
        assert ctx.last is not None
        incomparable = ctx.last.incomparable
        # Last year's report of another year (linked by mistake, a year skipped): no figure is
        # compared year on year; ``carryover.year`` says so.
        last_year, year = ctx.last.year, ctx.report.meta.year
        years_apart = not consecutive(last_year, year)
        not_older = years_apart and last_year is not None and year is not None and last_year >= year
        for c in checks:
            if not fresh:
                c.clear(found)
            if years_apart and (c.consecutive_years or (not_older and not c.any_year)):
                continue
            if c.rule.id in incomparable:
                f = Finding(rule=c.rule.id, severity="info", section=None, cells=(), total_cell=None,
                            expected=None, actual=ctx.last.template, message=incomparable[c.rule.id],
                            key=(c.rule.id, "previous_format"), order=-1)
                found[f.key] = f
                continue
            c.run(ctx, found)

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
        for _ in range(len(equations) + 1):  # bounded: contradictory figures must not loop forever
            changed = False
            for eq in equations:
                plus, minus = eq.expected(values)
                parts = [v for v in plus + minus if v is not None]
                spec = self._spec[eq.total]
                if not parts or not all(usable(v, spec) for v in parts):
                    continue
                expected = total(plus) - total(minus)
                if expected < 0 or values.get(eq.total) == expected:
                    continue
                values[eq.total] = expected
                changed = True
            if not changed:
                break
        return {ref: v for ref, v in values.items() if v != report.values.get(ref)}

    # ------------------------------------------------------------------ acceptances

    def _apply_acceptances(self, report: Report,
                           found: dict[FindingKey, Finding]) -> dict[FindingKey, Finding]:
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


@cache
def checker_for(template: ReportTemplate) -> Checker:
    return Checker(template)


def check_report(report: Report, previous: Previous = None) -> CheckResult:
    """Convenience: check with the cached checker of the report's template."""
    return checker_for(report.template).check(report, previous)
