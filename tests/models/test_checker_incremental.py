"""The fast paths (``recheck`` after cell edits, ``recheck_text`` after text/meta edits) always
agree with a full ``check``; and no report, however broken, makes the checker raise."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_strategies import (
    NARRATIVES,
    cell_refs,
    hostile_reports,
    hostile_values,
    narrative,
    realistic_reports,
    snapshot,
    valid_value,
)
from sample_reports import make_huaian, make_previous

from models.checker import checker_for
from models.last_year import LastYear
from models.report import LEVELS, Change
from models.values import CellRef

CHECKER = checker_for(make_huaian().template)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(data=st.data())
def test_recheck_after_one_cell_equals_full_check(data: st.DataObject) -> None:
    report = data.draw(realistic_reports())
    result = CHECKER.check(report)
    ref = data.draw(cell_refs)
    report.set_values({ref: data.draw(st.one_of(valid_value(ref), hostile_values))})
    assert snapshot(CHECKER.recheck(result, report, [ref])) == snapshot(CHECKER.check(report))


@FAST
@given(data=st.data())
def test_recheck_with_last_year_equals_full_check(data: st.DataObject) -> None:
    report = data.draw(realistic_reports())
    previous = data.draw(realistic_reports(with_acceptances=False))
    result = CHECKER.check(report, previous)
    refs = data.draw(st.lists(cell_refs, min_size=1, max_size=4, unique=True))  # a paste
    report.set_values({ref: data.draw(valid_value(ref)) for ref in refs})
    assert snapshot(CHECKER.recheck(result, report, refs, previous)) == snapshot(CHECKER.check(report, previous))


@FAST
@given(data=st.data())
def test_successive_edits_stay_equal(data: st.DataObject) -> None:
    """The GUI chains re-checks: the result of one is the input of the next."""
    report = data.draw(realistic_reports())
    result = CHECKER.check(report)
    for ref in data.draw(st.lists(cell_refs, min_size=1, max_size=8)):
        report.set_values({ref: data.draw(valid_value(ref))})
        result = CHECKER.recheck(result, report, [ref])
    assert snapshot(result) == snapshot(CHECKER.check(report))


@FAST
@given(data=st.data())
def test_recheck_text_equals_full_check(data: st.DataObject) -> None:
    report = data.draw(realistic_reports())
    previous = data.draw(st.one_of(st.none(), realistic_reports(with_acceptances=False)))
    result = CHECKER.check(report, previous)
    what = data.draw(st.sampled_from(["text", "meta", "both"]))
    if what in ("text", "both"):
        report.set_text(data.draw(st.sampled_from(NARRATIVES)), data.draw(st.one_of(narrative(), st.text())))
    if what in ("meta", "both"):
        report.set_meta(level=data.draw(st.sampled_from([None, *LEVELS])))
    assert snapshot(CHECKER.recheck_text(result, report, previous)) == snapshot(CHECKER.check(report, previous))


@FAST
@given(data=st.data())
def test_recheck_change_equals_full_check(data: st.DataObject) -> None:
    """The session's path: every Change the report emits, re-checked by what each check reads
    (last year given as figures and texts, as the ``previous`` block will keep them)."""
    report = data.draw(realistic_reports())
    previous = data.draw(st.one_of(st.none(), realistic_reports(with_acceptances=False).map(LastYear.of)))
    result = CHECKER.check(report, previous)
    changes: list[Change] = []
    report.subscribe(changes.append)
    for _ in range(data.draw(st.integers(1, 5))):
        what = data.draw(st.sampled_from(["values", "text", "level", "year", "note"]))
        if what == "values":
            refs = data.draw(st.lists(cell_refs, min_size=1, max_size=3, unique=True))
            report.set_values({ref: data.draw(st.one_of(valid_value(ref), hostile_values)) for ref in refs})
        elif what == "text":
            report.set_text(data.draw(st.sampled_from(NARRATIVES)), data.draw(narrative()))
        elif what == "level":
            report.set_meta(level=data.draw(st.sampled_from([None, *LEVELS])))
        elif what == "year":
            report.set_meta(year=data.draw(st.one_of(st.none(), st.integers(2015, 2030))))
        else:
            report.set_note("appeals", data.draw(st.text(max_size=10)))
    for change in changes:
        result = CHECKER.recheck_change(result, report, change, previous)
    assert snapshot(result) == snapshot(CHECKER.check(report, previous))


def test_recheck_examples_from_each_rule() -> None:
    """A deterministic sweep: every cell of the real report, perturbed, through the fast path."""
    report = make_huaian()
    previous = make_previous(report)
    result = CHECKER.check(report, previous)
    for ref in report.cell_refs():
        old = report.values[ref]
        for new in (None, (old or 0) + 1, 0):
            if isinstance(old, Decimal):
                new = None if new is None else Decimal(new)
            report.set_values({ref: new})
            result = CHECKER.recheck(result, report, [ref], previous)
            assert snapshot(result) == snapshot(CHECKER.check(report, previous)), ref
        report.set_values({ref: old})
        result = CHECKER.recheck(result, report, [ref], previous)
    assert not result.mapping


def test_consistent_report_has_no_findings_and_every_equation_input_matters() -> None:
    """Perturbing any single input of an equation makes at least one equation rule fire there."""
    report = make_huaian()
    assert not CHECKER.check(report).mapping
    equation_rules = {r.id for r in report.template.equations}
    inputs = {ref for eq in CHECKER.equations for ref in eq.left + eq.right}
    assert len(inputs) == 175 + 15  # every cell of 三 and 四
    for ref in sorted(inputs):
        old = report.values[ref]
        report.set_values({ref: old + 1})  # type: ignore[operator]
        fired = [f for f in CHECKER.check(report) if f.rule in equation_rules and ref in f.cells]
        assert fired, ref
        report.set_values({ref: old})
    assert not CHECKER.check(report).mapping


# ---------------------------------------------------------------------- never raises


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report=hostile_reports(), previous=st.one_of(st.none(), hostile_reports()), data=st.data())
def test_random_reports_never_make_the_checker_raise(report, previous, data) -> None:  # type: ignore[no-untyped-def]
    result = CHECKER.check(report, previous)
    result.summary()
    result.counts()
    for f in result:
        f.to_dict()
        assert f.message
    ref = data.draw(st.one_of(cell_refs, st.just(CellRef("requests", "no_such_row", "total"))))
    report.values[ref] = data.draw(hostile_values)
    CHECKER.recheck(result, report, [ref], previous)
    report.texts["overview"] = data.draw(st.text())
    CHECKER.recheck_text(result, report, previous)
    for r in report.cell_refs()[:20]:
        result.worst_for_cell(r)


def test_absurd_numbers_in_texts() -> None:
    report = make_huaian()
    report.set_text("overview", "本年共收到政府信息公开申请" + "9" * 5000 + "件。")
    report.set_text("other", "收取信息处理费" + "9" * 5000 + ".5元。")
    assert {f.rule for f in CHECKER.check(report)} <= {"appeals.unmentioned"}
