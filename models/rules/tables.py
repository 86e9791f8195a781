"""Rule kinds on table values: value types, blank cells, sums, inequalities."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from operator import itemgetter
from typing import Any

from models.findings import new_finding
from models.numbers import format_value, number
from models.places import has_row_labels
from models.rules.base import (
    Check,
    Context,
    Env,
    Found,
    Placed,
    Reads,
    RuleKind,
    kind,
    message,
    placed_message,
    shown,
    total,
    usable,
)
from models.template import EquationRule, RuleSpec, TemplateError
from models.values import CellRef, Value


def _reader(env: Env, refs: tuple[CellRef, ...]) -> Callable[[list[Value]], tuple[Value, ...]]:
    """The values of ``refs`` out of a report's figures (``Env.figures``), as a tuple, in one C call."""
    get = itemgetter(*[env.position[r] for r in refs])
    if len(refs) == 1:
        return lambda figures: (get(figures),)
    return get


# ---------------------------------------------------------------------- value.type


class ValueTypeCheck(Check):
    """Every cell of one row holds what its column's NumberSpec allows."""

    __slots__ = ("cells", "env", "counts")

    def __init__(self, rule: RuleSpec, env: Env, refs: tuple[CellRef, ...]) -> None:
        super().__init__(rule, Reads(cells=refs), refs)
        self.env = env
        # (ref, spec, bound): a plain count below ``bound`` is valid without further look-ups
        self.cells = tuple((r, env.spec[r], env.spec[r].limit if env.spec[r].plain_count else 0) for r in refs)
        # A row of plain counts only is valid when none of its cells is among the report's
        # unusable counts (``Env.figures``): one set test.
        self.counts = tuple(env.position[r] for r in refs) if all(bound for _, _, bound in self.cells) else None

    def run(self, ctx: Context, found: Found) -> None:
        if self.counts is not None:
            unusable = ctx.figures(self.env)[1]
            if not unusable or unusable.isdisjoint(self.counts):
                return
        values = ctx.values
        for ref, spec, bound in self.cells:
            v = values.get(ref)
            if v is None or (type(v) is int and 0 <= v < bound) or spec.valid(v):
                continue
            loc = self.env.locator
            f = self.env.finding(
                self.rule, ref, message(self.rule, where=loc.where(ref), actual=format_value(v),
                                        requirement=spec.requirement),
                section=ref.section, cells=(ref,), total_cell=ref, actual=v, order=loc.order(ref))
            found[f.key] = f


@kind
class ValueType(RuleKind):
    """``value.type``: each cell holds a valid value of its column's number kind."""

    name = "value_type"
    fields = frozenset({"where", "actual", "requirement"})

    def compile(self, rule: RuleSpec, env: Env) -> list[Check]:
        return [ValueTypeCheck(rule, env, refs) for refs in env.rows.values()]


# ---------------------------------------------------------------------- value.missing


class BlankCellsCheck(Check):
    """The blank cells of one row, in one finding."""

    __slots__ = ("cells", "env", "place", "labelled", "read")

    def __init__(self, rule: RuleSpec, env: Env, refs: tuple[CellRef, ...]) -> None:
        self.place = (refs[0].section, refs[0].row)
        super().__init__(rule, Reads(cells=refs), [self.place])
        self.env = env
        self.cells = refs
        self.labelled = has_row_labels(env.template.section(refs[0].section))
        self.read = _reader(env, refs)  # the row's figures from ``Env.figures``: no blank among them, no finding

    def run(self, ctx: Context, found: Found) -> None:
        if None not in self.read(ctx.figures(self.env)[0]):
            return
        values = ctx.values
        blanks = [r for r in self.cells if values.get(r) is None]
        if not blanks:
            return
        loc = self.env.locator
        first = blanks[0]
        section = self.env.template.section(first.section)
        spec = self.env.template.cell(*first)
        assert spec is not None
        fields = dict(where=loc.where(first), section_number=section.number, count=len(blanks),
                      row_label=loc.row_text(spec.row_path), columns="、".join(loc.column_text(b) for b in blanks))
        variant = None if len(blanks) == 1 else "many" if self.labelled else "many_unlabelled"
        f = self.env.finding(self.rule, self.place, message(self.rule, variant, **fields), section=first.section,
                             cells=tuple(blanks), expected=0, order=loc.order(first))
        found[f.key] = f


@kind
class BlankCells(RuleKind):
    """``value.missing``: no cell is left blank (the format expects 0 written out)."""

    name = "blank_cells"
    variants = frozenset({"many", "many_unlabelled"})
    fields = frozenset({"where", "section_number", "count", "row_label", "columns"})

    def compile(self, rule: RuleSpec, env: Env) -> list[Check]:
        return [BlankCellsCheck(rule, env, refs) for refs in env.rows.values()]


# ---------------------------------------------------------------------- sums


class EquationCheck(Check):
    """One instance of an equation rule: ``sum(left) == sum(right)`` over concrete cells."""

    __slots__ = ("equation", "left", "right", "total", "env", "order", "specs", "parts", "_sides", "_place",
                 "_cells", "_read", "_at", "_split", "_total_at", "_plus", "_minus", "_wordings")

    def __init__(self, rule: RuleSpec, env: Env, equation: EquationRule, left: tuple[CellRef, ...],
                 right: tuple[CellRef, ...], total_ref: CellRef) -> None:
        cells = tuple(dict.fromkeys(left + right))
        super().__init__(rule, Reads(cells=cells), [total_ref])
        self.equation = equation
        self.left, self.right, self.total = left, right, total_ref
        self.env = env
        self.order = env.locator.order(total_ref)
        self.specs = {r: env.spec[r] for r in cells}
        self.parts = tuple(r for r in cells if r != total_ref)
        # Each side's cells as (cell, is the total), for the general loop.
        self._sides = (tuple((r, r == total_ref) for r in left), tuple((r, r == total_ref) for r in right))
        self._cells = cells
        self._place: dict[str, str] | None = None  # the message's words for the total cell, built once
        self._wordings: dict[str | None, Placed] = {}  # each message variant with those words filled in
        self._compile()

    def _compile(self) -> None:
        """The short path of :meth:`run`, as positions in the report's figures (``Env.figures``):
        both sides read with one ``itemgetter`` call, summed as slices. Only for an equation of
        plain counts with each cell once (no cell on both sides) and some part besides the total;
        any other keeps ``_read`` None and runs the general loop alone."""
        flat = self.left + self.right
        specs = [self.specs[r] for r in flat]
        self._read = None
        self._at: tuple[int, ...] = ()
        self._split, self._total_at = len(self.left), 0
        self._plus: tuple[int, ...] = ()
        self._minus: tuple[int, ...] = ()
        if len(set(flat)) != len(flat) or flat.count(self.total) != 1 or len(flat) < 2 \
                or not all(s.plain_count for s in specs):
            return
        self._read = _reader(self.env, flat)
        self._at = tuple(self.env.position[r] for r in flat)
        self._total_at = flat.index(self.total)
        # expected(): the other side added, the total's own side (but the total) subtracted
        on_left = self._total_at < self._split
        left_at, right_at = range(self._split), range(self._split, len(flat))
        self._plus = tuple(right_at if on_left else left_at)
        self._minus = tuple(i for i in (left_at if on_left else right_at) if i != self._total_at)

    def _place_fields(self) -> dict[str, str]:
        """Where the total is, in the message's words (the same for every report: built once)."""
        if self._place is None:
            loc = self.env.locator
            spec = self.env.template.cell(*self.total)
            assert spec is not None
            self._place = dict(section_number=self.env.template.section(self.total.section).number,
                               row_label=loc.row_text(spec.row_path), column_label=spec.column_label,
                               column_path=loc.column_group(self.total))
        return self._place

    def expected(self, values: Mapping[CellRef, Value]) -> tuple[list[Value], list[Value]]:
        """The values that give the total: (added, subtracted)."""
        get = values.get
        total_on_left = self.total in self.left
        same_side, other_side = (self.left, self.right) if total_on_left else (self.right, self.left)
        return [get(r) for r in other_side], [get(r) for r in same_side if r != self.total]

    def run(self, ctx: Context, found: Found) -> None:
        if self._read is not None:
            figures, unusable = ctx.figures(self.env)
            if not unusable or unusable.isdisjoint(self._at):  # every cell a usable count: plain sums
                got: tuple[Any, ...] = self._read(figures)  # usable counts, as tested
                s = self._split
                left, right = sum(got[:s]), sum(got[s:])
                if left != right:
                    plus = [got[i] for i in self._plus]
                    minus = [got[i] for i in self._minus]
                    self._broken(found, got[self._total_at], left, right, plus, minus, sum(plus) - sum(minus),
                                 show=str)  # shown() of an int is its str()
                return
        values = ctx.values
        get = values.get
        sums: list[int | Decimal] = [0, 0]
        entered = False  # anything but the total
        for side, cells in enumerate(self._sides):
            acc: int | Decimal = 0
            for r, is_total in cells:
                v = get(r)
                if v is None:
                    continue
                if not usable(v, self.specs[r]):
                    return  # a malformed value is reported by value.type; no sum is meaningful
                if not is_total:
                    entered = True
                acc += number(v)
            sums[side] = acc
        if not entered:
            return  # nothing entered yet but the total
        left, right = sums
        actual = values.get(self.total)
        if actual is not None and left == right:
            return
        # A blank total whose parts are not all blank breaks the rule too (应为 272，现为空).
        plus, minus = self.expected(values)
        self._broken(found, actual, left, right, plus, minus, total(plus) - total(minus))

    def _broken(self, found: Found, actual: Value, left: int | Decimal, right: int | Decimal,
                plus: Sequence[Value], minus: Sequence[Value], expected: int | Decimal,
                show: Callable[[Any], str] = shown) -> None:
        """The finding of a broken sum: its message lists every addend (each as ``show`` writes it)."""
        parts = "+".join(map(show, plus)) + "".join(["−" + show(v) for v in minus])
        messages = self.rule.messages
        variant = ("negative" if expected < 0 and "negative" in messages
                   else "blank" if actual is None and "blank" in messages else None)
        # show() of a figure (never blank but ``actual``) is format_value's text, shown()'s for ``actual``
        text = placed_message(self.rule, self._wordings, variant, variant, self._place_fields,
                              {"expected": show(expected), "actual": show(actual), "parts": parts,
                               "left_sum": show(left), "right_sum": show(right)})
        # = env.finding(rule, total, text, section=…, cells=…, total_cell=…, expected=…, actual=…,
        # order=…), its key made once (self.keys): a batch builds hundreds of thousands
        found[self.keys[0]] = new_finding(self.rule.id, self.rule.severity, self.total.section, self._cells,
                                          self.total, expected, actual, text, self.keys[0], self.order)


@kind
class Equation(RuleKind):
    """``sum(left) == sum(right)`` in every row (``along: row``) or column of a table."""

    name = "equation"
    params = frozenset({"section", "along", "left", "right", "total"})
    variants = frozenset({"negative", "blank"})  # parts give a negative total; the total is blank
    fields = frozenset({"section_number", "row_label", "column_label", "column_path", "expected", "actual",
                        "parts", "left_sum", "right_sum"})

    def compile(self, rule: RuleSpec, env: Env) -> list[Check]:
        eq = next(e for e in env.template.equations if e.rule is rule)
        section = env.table(rule, eq.section)
        lines = []
        if eq.along == "row":
            for r in section.row_keys:
                if all(section.cell(r, k) for k in eq.left + eq.right):
                    lines.append(([(r, k) for k in eq.left], [(r, k) for k in eq.right], (r, eq.total)))
        else:
            for c in section.column_keys:
                if all(section.cell(k, c) for k in eq.left + eq.right):
                    lines.append(([(k, c) for k in eq.left], [(k, c) for k in eq.right], (eq.total, c)))
        if not lines:
            raise TemplateError(f"规则 {rule.id}: 表中没有一行（列）含有等式的全部单元格")
        out: list[Check] = []
        for left, right, tot in lines:
            refs = [CellRef(section.key, *x) for x in left + right]
            if any(env.spec[r].kept_units for r in refs):
                raise TemplateError(f"规则 {rule.id}: 带单位的金额不能相加")
            out.append(EquationCheck(rule, env, eq, tuple(CellRef(section.key, *x) for x in left),
                                     tuple(CellRef(section.key, *x) for x in right), CellRef(section.key, *tot)))
        return out


# ---------------------------------------------------------------------- inequalities


class InequalityCheck(Check):
    """``sum(left) <= sum(right)`` (or ``>=``) in one row; ``right`` may be empty (0)."""

    __slots__ = ("left", "right", "flag", "op", "env", "specs")

    def __init__(self, rule: RuleSpec, env: Env, left: tuple[CellRef, ...], right: tuple[CellRef, ...],
                 flag: CellRef, op: str) -> None:
        cells = tuple(dict.fromkeys(left + right))
        super().__init__(rule, Reads(cells=cells), [flag])
        self.left, self.right, self.flag, self.op, self.env = left, right, flag, op, env
        self.specs = {r: env.spec[r] for r in cells}

    def run(self, ctx: Context, found: Found) -> None:
        values = ctx.values
        got = {r: values.get(r) for r in self.specs}
        if not all(usable(v, self.specs[r]) for r, v in got.items()):
            return  # blank or malformed: value.missing / value.type say so
        left = total(got[r] for r in self.left)
        right = total(got[r] for r in self.right)
        if (left <= right) if self.op == "<=" else (left >= right):
            return
        loc = self.env.locator
        spec = self.env.template.cell(*self.flag)
        assert spec is not None
        section = self.env.template.section(self.flag.section)
        named = {f"{r.column}": format_value(got[r]) for r in self.specs}
        text = message(self.rule, section_number=section.number, row_label=loc.row_text(spec.row_path),
                       column_label=spec.column_label, where=loc.where(self.flag), left_sum=format_value(left),
                       right_sum=format_value(right), **named)
        f = self.env.finding(self.rule, self.flag, text, section=self.flag.section, cells=tuple(self.specs),
                             total_cell=self.flag, actual=got[self.flag], order=loc.order(self.flag))
        found[f.key] = f


@kind
class Inequality(RuleKind):
    """In each of ``rows``: ``sum(left) <= sum(right)`` or ``>=`` (``op``); ``flag`` is the cell
    said to break it (default: the first of ``left``). Messages may name each cell's value by
    its column key (``{published}``)."""

    name = "inequality"
    params = frozenset({"section", "rows", "left", "op", "right", "flag"})
    fields = frozenset({"section_number", "row_label", "column_label", "where", "left_sum", "right_sum", "*"})

    def compile(self, rule: RuleSpec, env: Env) -> list[Check]:
        p = rule.params
        section = env.table(rule, p.get("section"))
        op = p.get("op")
        if op not in ("<=", ">="):
            raise TemplateError(f"规则 {rule.id}: op 应为 <= 或 >=")
        out: list[Check] = []
        for row in p.get("rows", ()):
            env.row(rule, section.key, row)
            left = tuple(env.cell(rule, section.key, row, c) for c in p.get("left", ()))
            right = tuple(env.cell(rule, section.key, row, c) for c in p.get("right", ()))
            if not left:
                raise TemplateError(f"规则 {rule.id}: left 不能为空")
            flag = env.cell(rule, section.key, row, p.get("flag", left[0].column))
            if flag not in left + right or any(env.spec[r].kept_units for r in left + right):
                raise TemplateError(f"规则 {rule.id}: flag 应为不等式中的单元格，且不能是带单位的金额")
            out.append(InequalityCheck(rule, env, left, right, flag, op))
        if not out:
            raise TemplateError(f"规则 {rule.id}: rows 不能为空")
        return out
