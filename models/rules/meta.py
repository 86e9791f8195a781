"""Rule kinds on the report's metadata: the agency's level, the year against the format."""

from __future__ import annotations

from models.rules.base import Check, Context, Env, Found, Reads, RuleKind, kind, message, usable
from models.template import RuleSpec, TemplateError, template_for_year
from models.values import CellRef


class LevelZeroRowCheck(Check):
    __slots__ = ("env", "cells", "levels", "place")

    def __init__(self, rule: RuleSpec, env: Env, cells: tuple[CellRef, ...], levels: frozenset[str]) -> None:
        self.place = (cells[0].section, cells[0].row)
        super().__init__(rule, Reads(cells=cells, meta=("level",)), [self.place])
        self.env, self.cells, self.levels = env, cells, levels

    def run(self, ctx: Context, found: Found) -> None:
        if ctx.report.meta.level not in self.levels:
            return
        spec = self.env.spec
        nonzero = [r for r in self.cells if usable(v := ctx.values.get(r), spec[r]) and v]
        if not nonzero:
            return
        f = self.env.finding(self.rule, self.place, message(self.rule), section=self.cells[0].section,
                             cells=tuple(nonzero), expected=0, actual=ctx.values.get(nonzero[0]),
                             order=self.env.locator.order(self.cells[0]) - 1)
        found[f.key] = f


@kind
class LevelZeroRow(RuleKind):
    """A row that agencies of some levels must leave at 0 (规章: county and township governments
    cannot make them); needs the agency's level in the metadata."""

    name = "level_zero_row"
    params = frozenset({"row", "levels"})
    fields = frozenset()

    def compile(self, rule: RuleSpec, env: Env) -> list[Check]:
        from models.report import LEVELS

        raw = rule.params.get("row")
        if not isinstance(raw, (list, tuple)) or len(raw) != 2:
            raise TemplateError(f"规则 {rule.id}: row 应为 [栏目, 行]")
        section = env.table(rule, raw[0])
        levels = frozenset(rule.params.get("levels", ()))
        if not levels or not levels <= set(LEVELS):
            raise TemplateError(f"规则 {rule.id}: 未知的机关层级 {sorted(levels - set(LEVELS))}")
        return [LevelZeroRowCheck(rule, env, env.row(rule, section.key, raw[1]), levels)]


class YearInRangeCheck(Check):
    __slots__ = ("env",)

    def __init__(self, rule: RuleSpec, env: Env) -> None:
        super().__init__(rule, Reads(meta=("year",)), ["meta"])
        self.env = env

    def run(self, ctx: Context, found: Found) -> None:
        year = ctx.report.meta.year
        t = self.env.template
        if year is None or t.covers_year(year):
            return
        expected = template_for_year(year)
        advice = (message(self.rule, "advice", year=year, expected=expected.label) if expected is not None
                  else message(self.rule, "advice_none", year=year))
        text = message(self.rule, year=year, label=t.label, years=t.years, advice=advice)
        f = self.env.finding(self.rule, "meta", text, section=None, expected=expected.id if expected else None,
                             actual=t.id, order=-1)
        found[f.key] = f


@kind
class YearInRange(RuleKind):
    """``format.version``: the report's year is one the template is for (a finding, not a refusal)."""

    name = "year_in_range"
    variants = frozenset({"advice", "advice_none"})
    fields = frozenset({"year", "label", "years", "advice", "expected"})

    def compile(self, rule: RuleSpec, env: Env) -> list[Check]:
        return [YearInRangeCheck(rule, env)]
