"""Accepting a warning with a written explanation: reported as accepted, kept by the file,
restored by withdrawing; errors cannot be accepted."""

from __future__ import annotations

from sample_reports import new_findings

from models import storage
from models.checker import Checker
from models.findings import Finding
from models.report import Acceptance, Report
from models.values import CellRef

IN_FORCE = CellRef("proactive", "normative_documents", "in_force")
EXPLANATION = "2024年有1件行政规范性文件有效期届满自然失效，未列入本年废止件数。"


def _accept(report: Report, f: Finding, explanation: str = EXPLANATION) -> None:
    report.accept(Acceptance(f.rule, f.cells, explanation, "2025-01-20T10:00:00"))


def _in_force_warning(checker: Checker, report: Report, previous: Report) -> Finding:
    before = checker.check(report, previous)
    report.set_values({IN_FORCE: 65})
    [f] = new_findings(before, checker.check(report, previous))
    assert (f.rule, f.severity, f.accepted) == ("carryover.in_force", "warning", False)
    return f


def test_accepted_warning_is_reported_as_accepted(checker: Checker, huaian: Report, previous: Report) -> None:
    f = _in_force_warning(checker, huaian, previous)
    _accept(huaian, f)
    result = checker.check(huaian, previous)
    g = result.get(f.key)
    assert g is not None and g.accepted and not g.is_open and g.explanation == EXPLANATION
    assert result.warnings == [] and result.accepted == [g]
    assert result.counts() == {"error": 0, "warning": 0, "info": 0}
    assert result.summary() == "未发现问题"
    assert result.worst_for_cell(IN_FORCE) is None  # not painted as a problem any more
    assert g.to_dict()["accepted"] is True and g.to_dict()["explanation"] == EXPLANATION


def test_withdrawing_restores_the_warning(checker: Checker, huaian: Report, previous: Report) -> None:
    f = _in_force_warning(checker, huaian, previous)
    _accept(huaian, f)
    accepted = checker.check(huaian, previous)
    assert huaian.withdraw(f.rule, f.cells) is not None
    result = checker.check(huaian, previous)
    assert result.warnings == [result.get(f.key)] and result.get(f.key).explanation is None  # type: ignore[union-attr]
    # The fast paths must drop the stale mark too (the GUI re-checks after withdrawing).
    for fast in (checker.recheck_text(accepted, huaian), checker.recheck(accepted, huaian, [IN_FORCE])):
        g = fast.get(f.key)
        assert g is not None and g.is_open and g.explanation is None


def test_changing_the_explanation_is_reflected(checker: Checker, huaian: Report, previous: Report) -> None:
    f = _in_force_warning(checker, huaian, previous)
    _accept(huaian, f)
    result = checker.check(huaian, previous)
    _accept(huaian, f, "另有说明")
    assert checker.recheck_text(result, huaian).get(f.key).explanation == "另有说明"  # type: ignore[union-attr]


def test_acceptance_survives_save_and_load(checker: Checker, huaian: Report, previous: Report, tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = _in_force_warning(checker, huaian, previous)
    _accept(huaian, f)
    path = tmp_path / "淮安.json"
    storage.save(huaian, path)
    loaded = storage.load(path)
    g = checker.check(loaded, previous).get(f.key)
    assert g is not None and g.accepted and g.explanation == EXPLANATION


def test_acceptance_matches_rule_and_cells_only(checker: Checker, huaian: Report, previous: Report) -> None:
    f = _in_force_warning(checker, huaian, previous)
    huaian.accept(Acceptance(f.rule, f.cells[:1], EXPLANATION, "2025-01-20T10:00:00"))  # other cells
    huaian.accept(Acceptance("value.missing", f.cells, EXPLANATION, "2025-01-20T10:00:00"))  # other rule
    assert checker.check(huaian, previous).get(f.key).is_open  # type: ignore[union-attr]


def test_errors_cannot_be_accepted(checker: Checker, huaian: Report) -> None:
    before = checker.check(huaian)
    huaian.set_values({CellRef("appeals", "data", "review.upheld"): 73})
    [f] = new_findings(before, checker.check(huaian))
    assert f.severity == "error"
    _accept(huaian, f)
    result = checker.check(huaian)
    assert result.get(f.key).is_open and result.errors == [result.get(f.key)]  # type: ignore[union-attr]
    assert result.accepted == []


def test_infos_are_not_accepted_either(checker: Checker, huaian: Report) -> None:
    huaian.set_text("other", "本机关未收取信息处理费。")
    [f] = checker.check(huaian)
    assert (f.rule, f.severity) == ("other.fee_link", "info")
    _accept(huaian, f)
    assert checker.check(huaian).get(f.key).is_open  # type: ignore[union-attr]


def test_accepted_missing_values(checker: Checker, wulong: Report) -> None:
    ref = CellRef("appeals", "data", "review.pending")
    wulong.set_values({ref: None})
    [f] = checker.check(wulong)
    _accept(wulong, f, "该项数据由上级机关统计。")
    assert checker.check(wulong).accepted[0].explanation == "该项数据由上级机关统计。"
    # Another blank in the row is a different set of cells: the warning is open again.
    wulong.set_values({CellRef("appeals", "data", "review.other"): None})
    assert checker.check(wulong).warnings
