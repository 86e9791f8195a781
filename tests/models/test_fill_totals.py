"""填写合计: every total computed from its parts by the checker's own equations."""

from __future__ import annotations

import random

import pytest

from models.checker import Checker
from models.report import Report
from models.values import CellRef


def _totals(checker: Checker, section: str | None = None) -> set[CellRef]:
    return {eq.total for eq in checker.equations if section is None or eq.total.section == section}


@pytest.mark.parametrize("section", ["requests", "appeals"])
def test_blank_totals_are_rebuilt_exactly_from_the_parts(checker: Checker, huaian: Report, section: str) -> None:
    published = dict(huaian.values)
    for ref in _totals(checker, section):
        huaian.values[ref] = None
    filled = checker.totals_from_parts(huaian, section)
    assert filled == {ref: published[ref] for ref in _totals(checker, section)}
    huaian.values.update(filled)
    assert not checker.check(huaian).errors


def test_wrong_totals_are_corrected_and_only_changed_cells_returned(checker: Checker, huaian: Report) -> None:
    new_total = CellRef("requests", "new", "total")
    right = huaian.values[new_total]
    huaian.values[new_total] = 1
    assert checker.totals_from_parts(huaian, "requests") == {new_total: right}


def test_consistent_report_needs_nothing(checker: Checker, huaian: Report) -> None:
    assert checker.totals_from_parts(huaian) == {}


def test_a_negative_balance_is_left_for_the_user(checker: Checker, huaian: Report) -> None:
    # More results than applications in 自然人: no count can balance it, so nothing is invented.
    huaian.values[CellRef("requests", "granted", "natural")] += 10_000  # type: ignore[operator]
    filled = checker.totals_from_parts(huaian, "requests")
    assert CellRef("requests", "carried_forward", "natural") not in filled
    assert filled[CellRef("requests", "results_total", "natural")] == huaian.values[
        CellRef("requests", "results_total", "natural")] + 10_000  # type: ignore[operator]


def test_only_the_asked_section_is_touched(checker: Checker, huaian: Report) -> None:
    for ref in _totals(checker):
        huaian.values[ref] = None
    filled = checker.totals_from_parts(huaian, "appeals")
    assert filled and all(ref.section == "appeals" for ref in filled)


def test_all_blank_parts_leave_the_total_blank(checker: Checker) -> None:
    report = Report.blank(checker.template)
    assert checker.totals_from_parts(report) == {}


def test_random_parts_always_settle_to_a_clean_table(checker: Checker) -> None:
    rng = random.Random(3)
    totals = _totals(checker, "requests")
    outcome_rows = checker.template.equations[1].right  # requests.results_total: the 21 outcome rows
    columns = ["natural", "commercial", "research", "nonprofit", "legal", "other_org"]
    for _ in range(25):
        report = Report.blank(checker.template)
        for column in columns:
            handled = 0
            for row in outcome_rows:
                n = rng.choice([0, 0, 0, rng.randint(0, 40)])
                report.values[CellRef("requests", row, column)] = n
                handled += n
            carried_over = rng.randint(0, 5)
            report.values[CellRef("requests", "carried_over", column)] = carried_over
            # at least as many applications as results, so the balancing figure is a count
            report.values[CellRef("requests", "new", column)] = max(0, handled - carried_over) + rng.randint(0, 9)
        report.values.update(checker.totals_from_parts(report, "requests"))
        assert all(report.values[r] is not None for r in totals)
        problems = [f.message for f in checker.check(report) if f.section == "requests"]
        assert not problems, problems
