"""The table rules compiled to positions in a report's figures (``Env.figures``): sums, value
types, blank cells and the year-on-year outlier take a short path when the figures are plain
counts. Over realistic, full-of-errors and hostile reports of both formats (2019 and 2021) each
gives exactly what its rule's definition gives, written out here cell by cell with no short path."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_strategies import hostile_reports, hostile_values, realistic_reports, reports_2019
from test_checker_fast_paths import reference_holding, reference_outlier

from models.checker import checker_for
from models.findings import Finding
from models.last_year import LastYear, in_this_format
from models.report import Report
from models.rules import Context, compile_rules
from models.rules.base import message, shown, total, usable
from models.rules.carryover import OutlierCheck, _holding
from models.rules.tables import BlankCellsCheck, EquationCheck, ValueTypeCheck
from models.template import load_template
from models.values import CellRef, Value

T19, T21 = load_template("2019"), load_template("2021")
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
Found = dict[object, Finding]


# ---------------------------------------------------------------------- the definitions


def reference_equation(check: EquationCheck, values: dict[CellRef, Value]) -> Found:
    """A sum rule by its definition: every cell blank or usable (else value.type speaks), some
    part entered, and ``sum(left) == sum(right)`` with the total filled in."""
    spec = check.env.spec
    sums = []
    entered = False
    for cells in (check.left, check.right):
        acc = 0
        for r in cells:
            v = values.get(r)
            if v is None:
                continue
            if not usable(v, spec[r]):
                return {}
            entered = entered or r != check.total
            acc += v.amount if hasattr(v, "amount") else v  # type: ignore[union-attr,operator]
        sums.append(acc)
    actual = values.get(check.total)
    if not entered or (actual is not None and sums[0] == sums[1]):
        return {}
    plus, minus = check.expected(values)
    expected = total(plus) - total(minus)
    variant = ("negative" if expected < 0 and "negative" in check.rule.messages
               else "blank" if actual is None and "blank" in check.rule.messages else None)
    loc, cell = check.env.locator, check.env.template.cell(*check.total)
    assert cell is not None
    text = message(check.rule, variant, section_number=check.env.template.section(check.total.section).number,
                   row_label=loc.row_text(cell.row_path), column_label=cell.column_label,
                   column_path=loc.column_group(check.total), expected=shown(expected), actual=shown(actual),
                   parts="+".join(shown(v) for v in plus) + "".join(f"−{shown(v)}" for v in minus),
                   left_sum=shown(sums[0]), right_sum=shown(sums[1]))
    f = check.env.finding(check.rule, check.total, text, section=check.total.section, cells=check._cells,
                          total_cell=check.total, expected=expected, actual=actual, order=check.order)
    return {f.key: f}


def reference_value_type(check: ValueTypeCheck, values: dict[CellRef, Value]) -> Found:
    """Each cell blank or what its column's NumberSpec accepts."""
    out: Found = {}
    loc = check.env.locator
    for ref, spec, _ in check.cells:
        v = values.get(ref)
        if spec.valid(v):
            continue
        f = check.env.finding(check.rule, ref, message(check.rule, where=loc.where(ref), actual=shown(v),
                                                       requirement=spec.requirement),
                              section=ref.section, cells=(ref,), total_cell=ref, actual=v, order=loc.order(ref))
        out[f.key] = f
    return out


def blanks_of(check: BlankCellsCheck, values: dict[CellRef, Value]) -> list[CellRef]:
    return [r for r in check.cells if values.get(r) is None]


# ---------------------------------------------------------------------- reports


@st.composite
def full_of_errors(draw: st.DrawFn, template: str) -> Report:
    """Every count typed at random (as the batch bench's half of bad reports): most sums broken."""
    base = draw(reports_2019()) if template == "2019" else draw(realistic_reports(with_acceptances=False))
    rng = random.Random(draw(st.integers(0, 2**32)))
    top = draw(st.sampled_from([60, 10**6, 10**12 + 5]))  # past a 12-digit count's bound too
    low = draw(st.sampled_from([0, 0, -3]))  # a negative balance now and then (a sum broken the other way)
    for c in base.template.all_cells():
        if c.number.plain_count and rng.random() < 0.9:
            base.values[c.ref] = rng.randint(low, top)
    return base


@st.composite
def hostile_2019(draw: st.DrawFn) -> Report:
    report = Report.blank(T19, year=2020)
    pool = draw(st.lists(hostile_values, min_size=1, max_size=8))
    rng = random.Random(draw(st.integers(0, 2**32)))
    for c in T19.all_cells():
        report.values[c.ref] = rng.choice(pool)
    return report


def any_report() -> st.SearchStrategy[Report]:
    return st.one_of(realistic_reports(with_acceptances=False), hostile_reports(), reports_2019(), hostile_2019(),
                     full_of_errors("2021"), full_of_errors("2019"))


def run(check: object, ctx: Context) -> Found:
    found: Found = {}
    check.run(ctx, found)  # type: ignore[attr-defined]
    return found


# ---------------------------------------------------------------------- the tests


@FAST
@given(report=any_report())
def test_table_rules_equal_their_definitions(report: Report) -> None:
    checks = checker_for(report.template).checks
    ctx = Context(report, None)  # one context for all: the figures are built once and shared, as in a check
    values = dict(report.values)
    for check in checks:
        if isinstance(check, EquationCheck):
            assert run(check, ctx) == reference_equation(check, values), check.total
        elif isinstance(check, ValueTypeCheck):
            assert run(check, ctx) == reference_value_type(check, values)
        elif isinstance(check, BlankCellsCheck):
            found = run(check, ctx)
            assert [c for f in found.values() for c in f.cells] == blanks_of(check, values)


@FAST
@given(report=any_report())
def test_a_reports_figures_and_unusable_counts_are_their_definition(report: Report) -> None:
    """``Env.figures``: the values in cell order, and the plain-count cells that do not hold a
    whole figure from 0 below their column's bound (blank, negative, too long, not an int)."""
    env = compile_rules(report.template)[0].env
    got, unusable = env.figures(report.values)
    assert got == [report.values.get(r) for r in env.cells]
    assert unusable == {i for i, r in enumerate(env.cells) if r in env.count_bounds
                        and not (type(got[i]) is int and 0 <= got[i] < env.spec[r].limit)}


@FAST
@given(data=st.data())
def test_outlier_equals_its_definition_in_both_formats(data: st.DataObject) -> None:
    report = data.draw(any_report())
    previous = data.draw(st.one_of(any_report(), st.just(report)))
    view = in_this_format(LastYear.of(previous), report.template)
    ctx = Context(report, view)
    for check in checker_for(report.template).checks:
        if isinstance(check, OutlierCheck):
            assert run(check, ctx) == reference_outlier(check, ctx)  # type: ignore[arg-type]
    # last year's figures by value (stale numbers), from the figures list
    env = compile_rules(report.template)[0].env
    env.last_index = None
    got = _holding(env, view.values, ctx.last_figures(env))
    assert {k: sorted(v, key=env.position.get) for k, v in got.items()} == \
        {k: sorted(v, key=env.position.get) for k, v in reference_holding(env, dict(view.values)).items()}


def test_a_count_past_its_bound_is_in_no_sum() -> None:
    """A figure set in memory past its column's digits (a file cannot hold one) is a value.type
    error and kept out of every sum, on the short path as on the general one."""
    for template in (T19, T21):
        checker = checker_for(template)
        eq = checker.equations[0]
        report = Report.blank(template, year=template.first_year)
        for ref in report.values:
            if template.cell(*ref).number.plain_count:  # type: ignore[union-attr]
                report.values[ref] = 0
        part = next(r for r in eq.parts)
        report.values[part] = checker.spec(part).limit  # one past the largest count
        result = checker.check(report)
        assert not [f for f in result if f.rule == eq.rule.id and part in f.cells]
        assert [f for f in result if f.rule == "value.type" and f.cells == (part,)]
        report.values[part] = checker.spec(part).limit - 1  # the largest count is summed
        assert [f for f in checker.check(report) if f.rule == eq.rule.id and f.total_cell == eq.total]


_field = st.tuples(st.sampled_from(["a", "b", "where", "expected"]), st.sampled_from(["", "!r", "!s"]),
                   st.sampled_from(["", ":>6", ":^3", ":{w}"]))
_literal = st.text(alphabet="三、“”{}}{ ab", max_size=6).map(lambda t: t.replace("{", "{{").replace("}", "}}"))


@FAST
@given(pieces=st.lists(st.tuples(_literal, _field), max_size=5), tail=_literal,
       known=st.dictionaries(st.sampled_from(["a", "where"]), st.text(alphabet="x{}“ 0", max_size=4)),
       rest=st.text(alphabet="y{}0", max_size=4))
def test_a_wording_with_its_place_filled_in_formats_as_the_whole(pieces: list[tuple[str, tuple[str, str, str]]],
                                                                 tail: str, known: dict[str, str], rest: str) -> None:
    """``filled`` (a check writes its place into its message once) then ``format`` gives what
    formatting the whole wording at once gives, braces in the words and the values included."""
    from models.rules.base import filled

    wording = "".join(lit + "{" + name + conv + spec + "}" for lit, (name, conv, spec) in pieces) + tail
    others = {name: rest for name in ("a", "b", "where", "expected") if name not in known}
    ahead = filled(wording, **known)
    if ahead is None:  # a known field formatted by another field: the caller formats the whole
        assert any(name in known and "{" in spec for _, (name, _, spec) in pieces)
        return
    assert ahead.format(**others, w=3) == wording.format(**known, **others, w=3)


_plain_or_not = st.sampled_from(["a", "b", "where", "a", "a.real", "b[0]", "0", ""])
_pct_literal = st.text(alphabet="三、“”{}% ab%s", max_size=6).map(lambda t: t.replace("{", "{{").replace("}", "}}"))


@FAST
@given(pieces=st.lists(st.tuples(_pct_literal, _plain_or_not, st.sampled_from(["", "", "!r", ":>4", ":"])), max_size=5),
       tail=_pct_literal, values=st.lists(st.text(alphabet="1%s{}“ 0.空−+", max_size=5), min_size=3, max_size=3))
def test_a_positional_wording_formats_as_format_map(pieces: list[tuple[str, str, str]], tail: str,
                                                    values: list[str]) -> None:
    """``positional`` (a check's filled wording as a ``%``-format of its fields in order) gives
    what ``format_map`` gives for text figures: ``%`` and braces in the words, a field twice, and
    fields it leaves to ``format_map`` (conversion, spec, index, attribute, positional)."""
    from models.rules.base import positional

    wording = "".join(lit + "{" + name + spec + "}" for lit, name, spec in pieces) + tail
    figures = dict(zip(("a", "b", "where"), values, strict=True))
    try:
        expected = wording.format_map(figures)
    except (KeyError, IndexError, AttributeError, ValueError, TypeError) as exc:
        expected = type(exc)  # type: ignore[assignment]
    text, pick = positional(wording)
    if pick is None:
        assert text == wording
        assert any(name not in ("a", "b", "where") or spec not in ("", ":") for _, name, spec in pieces) or not pieces
        return
    assert all(name in ("a", "b", "where") and spec in ("", ":") for _, name, spec in pieces)  # "{a:}" is "{a}"
    assert text % pick(figures) == expected
    assert positional(None) == ("", None)
