"""The checker's inner loops (and the batch output) take a short path for the common case (a whole, non-negative count
below its bound). Over random and hostile figures of both years they give exactly what the
general path gives: the reference functions here are the plain rules, cell by cell."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_strategies import hostile_reports, realistic_reports
from sample_reports import make_huaian

from models.checker import checker_for
from models.findings import Finding
from models.last_year import LastYear, in_this_format
from models.numbers import format_value, number
from models.rules import Context
from models.rules.base import message, usable
from models.rules.carryover import OutlierCheck, _holding
from models.values import Quantity

CHECKER = checker_for(make_huaian().template)
OUTLIERS = [c for c in CHECKER.checks if isinstance(c, OutlierCheck)]
FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def reference_outlier(check: OutlierCheck, ctx: Context) -> dict[object, Finding]:
    """``carryover.outlier`` by its definition, with no short path."""
    assert ctx.last is not None
    found: dict[object, Finding] = {}
    spec = check.env.spec
    for ref in check.cells:
        this, last = ctx.values.get(ref), ctx.last.values.get(ref)
        if not last or not (usable(this, spec[ref]) and usable(last, spec[ref])):
            continue
        now, before = number(this), number(last)
        if not (now == 0 or (now > check.factor * before and now >= check.floor)):
            continue
        loc = check.env.locator
        text = message(check.rule, where=loc.where(ref), last_year=format_value(last), actual=format_value(this))
        f = check.env.finding(check.rule, ref, text, section=ref.section, cells=(ref,), actual=this,
                              order=loc.order(ref))
        found[f.key] = f
    return found


def reference_holding(env: object, last_values: dict) -> dict:  # type: ignore[type-arg]
    spec = env.spec  # type: ignore[attr-defined]
    holding: dict = {}  # type: ignore[type-arg]
    for ref, value in last_values.items():
        s = spec.get(ref)
        if s is None or value is None or isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            continue
        if usable(value, s):
            holding.setdefault((s.name, value if type(value) is int else Decimal(value)), []).append(ref)
    return holding


@FAST
@given(data=st.data())
def test_outlier_and_last_year_index_equal_their_definition(data: st.DataObject) -> None:
    reports = st.one_of(realistic_reports(with_acceptances=False), hostile_reports())
    report, previous = data.draw(reports), data.draw(reports)
    view = in_this_format(LastYear.of(previous), report.template)
    ctx = Context(report, view)
    for check in OUTLIERS:
        found: dict[object, Finding] = {}
        check.run(ctx, found)  # type: ignore[arg-type]
        assert found == reference_outlier(check, ctx)
    env = OUTLIERS[0].env
    env.last_index = None
    got = _holding(env, view.values, ctx.last_figures(env))
    assert {k: sorted(v, key=env.position.get) for k, v in got.items()} == \
        {k: sorted(v, key=env.position.get) for k, v in reference_holding(env, dict(view.values)).items()}


_odd_values = st.one_of(
    st.none(), st.integers(-(10**30), 10**30), st.text(max_size=20),
    st.decimals(allow_nan=True, allow_infinity=True, places=None),
    st.builds(Quantity, st.decimals(allow_nan=False, allow_infinity=False, places=3), st.sampled_from(["", "元", "万元"])),
    st.booleans(), st.floats(),
)


@FAST
@given(data=st.data())
def test_a_findings_json_text_is_json_dumps_of_its_dict(data: st.DataObject) -> None:
    """``Finding.to_json`` (the batch output's fast path) writes what json.dumps writes."""
    reports = st.one_of(realistic_reports(), hostile_reports())
    report, previous = data.draw(reports), data.draw(st.one_of(st.none(), reports))
    findings = list(CHECKER.check(report, previous))
    text = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
    findings += [replace(f, expected=data.draw(_odd_values), actual=data.draw(_odd_values), message=data.draw(text),
                         accepted=data.draw(st.booleans()), explanation=data.draw(st.one_of(st.none(), text)))
                 for f in findings[:3]]
    for f in findings:
        assert f.to_json() == json.dumps(f.to_dict(), ensure_ascii=False)


def test_a_cached_findings_head_is_used_only_for_the_same_fields() -> None:
    """``to_json`` caches the text before the figures per (rule, place): a finding of the same
    key with another severity, section, cells or total (the importers' findings share a default
    key) gets its own text, each time."""
    base = next(iter(CHECKER.check(replace(make_huaian(), values={}))))  # some finding of a real rule
    ref = base.cells[0] if base.cells else None
    variants = [base, replace(base, severity="info"), replace(base, section=None), replace(base, cells=()),
                replace(base, total_cell=ref), replace(base, total_cell=None), replace(base, rule="other"),
                Finding(rule="import.limit", severity="warning", section=None, cells=(), total_cell=None,
                        expected=None, actual=None, message="x"),
                Finding(rule="import.characters", severity="warning", section="overview", cells=(), total_cell=None,
                        expected=None, actual=None, message="y")]
    for _ in range(2):
        for f in variants:
            assert f.to_json() == json.dumps(f.to_dict(), ensure_ascii=False)
