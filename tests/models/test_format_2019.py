"""The 2019 trial format (reports on 2019 and 2020) as a second template: its layout word for
word against ``format-2019.md``, a mutation test for every one of its rules (change ONE thing in
a clean report, assert exactly what appears), carry-over across the 2020 → 2021 boundary, and
the report file's round trip for any 2019 report."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from report_strategies import reports_2019
from sample_reports import essence, make_huaian, make_previous, new_findings

from models import storage
from models.checker import Checker, checker_for
from models.findings import Finding
from models.grid import grid_for
from models.last_year import LastYear
from models.report import Report
from models.template import load_template
from models.values import CellRef, Quantity

ROOT = Path(__file__).resolve().parents[2]
T19 = load_template("2019")
CHECKER = checker_for(T19)
SAMPLE = ROOT / "resources" / "samples" / "district-market-2020.json"


def sample() -> Report:
    return storage.load(SAMPLE)


def pro(row: str, column: str) -> CellRef:
    return CellRef("proactive", row, column)


def req(row: str, column: str) -> CellRef:
    return CellRef("requests", row, column)


# ---------------------------------------------------------------------- the template against the spec


PROACTIVE_2019 = [  # format-2019.md: block title, rows, columns (key: label)
    ("第二十条第（一）项", [("regulations", "规章"), ("normative_documents", "规范性文件")],
     [("made", "本年新制作数量"), ("published", "本年新公开数量"), ("total_public", "对外公开总数量")]),
    ("第二十条第（五）项", [("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")],
     [("items_last_year", "上一年项目数量"), ("items_change", "本年增/减"), ("decisions", "处理决定数量")]),
    ("第二十条第（六）项", [("penalty", "行政处罚"), ("enforcement", "行政强制")],
     [("items_last_year", "上一年项目数量"), ("items_change", "本年增/减"), ("decisions", "处理决定数量")]),
    ("第二十条第（八）项", [("fees", "行政事业性收费")],
     [("items_last_year", "上一年项目数量"), ("items_change", "本年增/减")]),
    ("第二十条第（九）项", [("procurement", "政府集中采购")],
     [("procurement_items", "采购项目数量"), ("procurement_amount", "采购总金额")]),
]
OUTCOMES_2019 = ("granted", "partial", "withheld_state_secret", "withheld_law", "withheld_security",
                 "withheld_third_party", "withheld_internal", "withheld_process", "withheld_enforcement_file",
                 "withheld_query", "unable_not_held", "unable_needs_creation", "unable_unclear",
                 "rejected_petition", "rejected_repeated", "rejected_publication", "rejected_excessive",
                 "rejected_confirmation", "other_handling")
SPEC_RULES_2019 = {
    "value.type": "error", "value.missing": "warning", "requests.row_total": "error",
    "requests.results_total": "error", "requests.balance": "error", "appeals.group_total": "error",
    "proactive.published_le_total": "warning", "proactive.items_nonnegative": "warning",
    "carryover.items": "warning", "carryover.total_public": "info", "carryover.requests": "error",
    "format.version": "error",
    # the 2021 rules that apply unchanged
    "narrative.numbers": "warning", "sections.empty": "warning", "other.processing_fee": "info",
    "narrative.placeholder": "warning", "appeals.unmentioned": "info", "proactive.regulations_level": "warning",
    "carryover.copied_text": "info", "carryover.outlier": "info",
    "narrative.stale_number": "warning",  # issue 10: figures left in last year's text
    "carryover.year": "warning",  # last year's report of another year or agency: said, figures not compared
}


def test_identity() -> None:
    assert (T19.id, T19.first_year, T19.last_year, T19.source) == ("2019", 2019, 2020, "国办公开办函〔2019〕60号")
    assert [s.title for s in T19.sections] == [s.title for s in load_template("2021").sections]


def test_proactive_blocks_match_the_spec() -> None:
    section = T19.section("proactive")
    got = [(b.title, [(n.key, n.label) for n in b.rows], [(n.key, n.label) for n in b.column_leaves])
           for b in section.blocks]
    assert got == PROACTIVE_2019
    assert all(b.corner == "信息内容" for b in section.blocks)
    kinds = {(c.row, c.column): c.number for c in section.cells}
    assert all(kinds[(r, "items_change")].signed for r in ("licensing", "other_services", "penalty", "enforcement",
                                                            "fees"))
    money = kinds[("procurement", "procurement_amount")]
    assert money.kept_units == ("元", "万元") and money.places == 6
    assert {k.name for (_, col), k in kinds.items() if col not in ("items_change", "procurement_amount")} == {"count"}


def test_requests_has_the_single_other_row() -> None:
    section = T19.section("requests")
    assert section.row_keys[2:21] == list(OUTCOMES_2019) and len(section.cells) == 23 * 7
    assert section.cell("other_handling", "total").row_path == ("三、本年度办理结果", "（六）其他处理")  # type: ignore[union-attr]
    [results] = [e for e in T19.equations if e.id == "requests.results_total"]
    assert results.right == OUTCOMES_2019
    grid = grid_for(T19, "requests")
    group = next(c for c in grid.cells if c.text == "三、本年度办理结果")
    assert group.rowspan == 20  # 19 outcome rows plus （七）总计
    assert T19.section("appeals").cells == tuple(T19.section("appeals").cells)  # the same 四 as 2021
    assert [c.column for c in T19.section("appeals").cells] == [c.column for c in load_template("2021").section(
        "appeals").cells]


def test_the_printed_grid_of_two() -> None:
    grid = grid_for(T19, "proactive")
    assert (grid.n_rows, grid.n_cols, grid.label_cols) == (5 * 2 + 8, 4, 1)
    titles = [c.text for c in grid.cells if c.kind == "title"]
    assert titles == [b for b, _, _ in PROACTIVE_2019]
    amount = grid.cell_of(pro("procurement", "procurement_amount"))
    assert amount is not None and amount.colspan == 2  # two columns stretch over the table's three


def test_rules_and_severities_are_the_spec() -> None:
    assert {r.id: r.severity for r in T19.rules} == SPEC_RULES_2019


# ---------------------------------------------------------------------- every rule: one change, exactly its findings


def after_change(report: Report, changes: dict[CellRef, object] | None = None, texts: dict[str, str] | None = None,
                 previous: Report | LastYear | None = None, **meta: object) -> list[Finding]:
    before = CHECKER.check(report, previous)
    assert not before.mapping, [f.message for f in before]
    if changes:
        report.set_values(changes)  # type: ignore[arg-type]
    for key, text in (texts or {}).items():
        report.set_text(key, text)
    if meta:
        report.set_meta(**meta)
    after = CHECKER.check(report, previous)
    added = new_findings(before, after)
    for f in added:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in f.message) and "{" not in f.message, f.message
    return added


def test_the_sample_is_clean() -> None:
    assert not CHECKER.check(sample()).mapping


@pytest.mark.parametrize(("ref", "value", "ok"), [
    (pro("licensing", "items_change"), -4, True),  # 减4
    (pro("licensing", "items_change"), Decimal("2.5"), False),
    (pro("licensing", "items_last_year"), -4, False),  # only 本年增/减 may be negative
    (pro("procurement", "procurement_amount"), Quantity(Decimal("3.2"), "万元"), True),
    (pro("procurement", "procurement_amount"), Decimal(251000), False),  # its unit must be kept
    (pro("procurement", "procurement_amount"), Quantity(Decimal(-1), "元"), False),
])
def test_value_type(ref: CellRef, value: object, ok: bool) -> None:
    report = sample()
    added = after_change(report, {ref: value})
    rules = [f.rule for f in added]
    if ok:
        assert "value.type" not in rules
    else:
        [f] = [f for f in added if f.rule == "value.type"]
        assert (f.severity, f.total_cell) == ("error", ref)


def test_value_missing() -> None:
    [f] = after_change(sample(), {pro("fees", "items_change"): None})
    assert essence(f) == ("value.missing", "warning", "proactive", None, 0, None)
    assert f.message == "二、“行政事业性收费”的“本年增/减”未填写；没有发生请填 0"


def test_results_total_sums_the_single_other_row() -> None:
    found = after_change(sample(), {req("other_handling", "natural"): 2})
    assert {(f.rule, f.total_cell) for f in found} == {
        ("requests.row_total", req("other_handling", "total")),
        ("requests.results_total", req("results_total", "natural")),
    }  # the balance reads the （七）总计 as printed: it still holds
    [f] = [f for f in found if f.rule == "requests.results_total"]
    assert (f.expected, f.actual) == (47, 46)


def test_balance_and_group_total() -> None:
    found = after_change(sample(), {req("carried_forward", "total"): 5})
    assert {f.rule for f in found} == {"requests.balance", "requests.row_total"}
    [f] = [f for f in found if f.rule == "requests.balance"]
    assert (f.expected, f.actual) == (2, 5)
    found = after_change(sample(), {CellRef("appeals", "data", "review.total"): 2})
    assert {f.rule for f in found} == {"appeals.group_total", "narrative.numbers"}  # 一 says 行政复议1件
    [f] = [f for f in found if f.rule == "appeals.group_total"]
    assert essence(f) == ("appeals.group_total", "error", "appeals", CellRef("appeals", "data", "review.total"), 1, 2)


def test_published_le_total() -> None:
    [f] = after_change(sample(), {pro("normative_documents", "published"): 30})
    assert essence(f) == ("proactive.published_le_total", "warning", "proactive",
                          pro("normative_documents", "published"), None, 30)
    assert f.message == ("二、“规范性文件”的“本年新公开数量”（30）多于“对外公开总数量”（21）；"
                         "本年新公开的也是对外公开的一部分，请核对")


def test_items_nonnegative() -> None:
    [f] = after_change(sample(), {pro("licensing", "items_change"): -200})
    assert essence(f) == ("proactive.items_nonnegative", "warning", "proactive", pro("licensing", "items_change"),
                          None, -200)
    assert "156" in f.message and "-44" in f.message


def _previous_2019(report: Report) -> Report:
    """Last year's 2019-format report, consistent with ``report`` for every carry-over rule."""
    prev = report.copy()
    prev.meta.year = 2019
    for row in ("licensing", "other_services", "penalty", "enforcement", "fees"):
        prev.values[pro(row, "items_change")] = 2
        prev.values[pro(row, "items_last_year")] = report.values[pro(row, "items_last_year")] - 2  # type: ignore[operator]
    for column in T19.section("requests").columns_of("carried_over"):
        prev.values[req("carried_forward", column)] = report.values[req("carried_over", column)]
    prev.texts = {"overview": "上年度本局扎实推进政务公开工作，主动公开信息数量稳步增长，取得明显成效。", "problems": "无",
                  "other": "无"}
    return prev


def test_carryover_items() -> None:
    report = sample()
    previous = _previous_2019(report)
    [f] = after_change(report, {pro("penalty", "items_last_year"): 90}, previous=previous)
    assert essence(f) == ("carryover.items", "warning", "proactive", pro("penalty", "items_last_year"), 98, 90)
    assert "应为 98" in f.message


def test_carryover_items_never_expects_or_carries_a_negative_count() -> None:
    """Last year's 上一年项目数量 + 本年增/减 below 0 (last year's report is wrong): nothing expected,
    nothing carried into a new report."""
    from models.year_cycle import new_from_last

    report = sample()
    previous = _previous_2019(report)
    previous.values[pro("penalty", "items_change")] = -120  # 96 − 120
    found = [f for f in CHECKER.check(report, previous) if f.rule == "carryover.items"]
    [f] = found
    assert "应为 -" not in f.message and "-24" not in f.message
    assert "小于 0" in f.message and "上年报告有误" in f.message
    made = new_from_last(previous)
    assert pro("penalty", "items_last_year") not in made.carried
    assert made.report.values[pro("penalty", "items_last_year")] is None


def test_carryover_total_public_is_advice() -> None:
    report = sample()
    previous = _previous_2019(report)
    assert not CHECKER.check(report, previous).mapping
    previous.values[pro("normative_documents", "total_public")] = 25
    [f] = CHECKER.check(report, previous)
    assert essence(f) == ("carryover.total_public", "info", "proactive", pro("normative_documents", "total_public"),
                          25, 21)


def test_carryover_requests() -> None:
    report = sample()
    previous = _previous_2019(report)
    [f] = [f for f in after_change(report, {req("carried_over", "natural"): 4}, previous=previous)
           if f.rule == "carryover.requests"]
    assert essence(f) == ("carryover.requests", "error", "requests", req("carried_over", "natural"), 3, 4)


def test_format_version_is_a_finding_on_the_year() -> None:
    [f] = after_change(sample(), year=2021)
    assert (f.rule, f.severity) == ("format.version", "error")
    assert f.message == ("报告年度为 2021 年，本报告的表格是2019年版（试行）格式（适用于2019、2020年度的报告）；"
                         "2021 年的报告应使用2021年版格式，请核对年度或改用该格式新建报告")


@pytest.mark.parametrize(("texts", "rule", "severity"), [
    ({"overview": "2020年，我局共收到政府信息公开申请60件。因政府信息公开引起的行政复议1件。"}, "narrative.numbers", "warning"),
    ({"problems": "无"}, "sections.empty", "warning"),
    ({"other": "无其他需要报告的事项。本年度工作平稳有序。"}, "other.processing_fee", "info"),
    ({"problems": "本年共收到申请件，全部按期办结。"}, "narrative.placeholder", "warning"),
    ({"overview": "2020年，本局认真贯彻落实《条例》，扎实推进政府信息公开工作。"}, "appeals.unmentioned", "info"),
])
def test_the_2021_rules_that_apply_unchanged(texts: dict[str, str], rule: str, severity: str) -> None:
    found = after_change(sample(), texts=texts)
    assert (rule, severity) in {(f.rule, f.severity) for f in found}


def test_regulations_level() -> None:
    report = sample()
    report.meta.level = None
    [f] = after_change(report, {pro("regulations", "made"): 1, pro("regulations", "published"): 1,
                                pro("regulations", "total_public"): 1}, level="county_department")
    assert (f.rule, f.severity) == ("proactive.regulations_level", "warning")


def test_copied_text_and_outlier() -> None:
    report = sample()
    previous = _previous_2019(report)
    previous.texts["overview"] = report.texts["overview"]
    found = {f.rule for f in CHECKER.check(report, previous)}
    assert "carryover.copied_text" in found
    previous.values[pro("licensing", "decisions")] = 300  # 3261 is more than fivefold
    assert "carryover.outlier" in {f.rule for f in CHECKER.check(report, previous)}


# ---------------------------------------------------------------------- across the 2020 → 2021 boundary


def test_2021_report_after_a_2019_format_report() -> None:
    """三's 结转 carries over through the templates' key map; 现行有效件数 cannot compare and says so."""
    this = make_huaian()
    last = _previous_2019(sample())
    this.meta.year, last.meta.year = 2021, 2020  # the year the formats changed
    for column in this.template.section("requests").columns_of("carried_forward"):
        last.values[req("carried_forward", column)] = this.values[req("carried_over", column)]
    checker = checker_for(this.template)
    found = {f.rule: f for f in checker.check(this, last)}
    assert "carryover.requests" not in found  # the same figures: nothing to say
    info = found["carryover.in_force"]
    assert (info.severity, info.cells) == ("info", ())
    assert "2019年版（试行）格式" in info.message and "现行有效件数" in info.message
    last.values[req("carried_forward", "natural")] = 999
    [f] = [f for f in checker.check(this, last) if f.rule == "carryover.requests"]
    assert f.expected == 999 and f.total_cell == req("carried_over", "natural")
    # 2019's 其他对外管理服务事项 has no counterpart: it is never compared
    assert all(ref.row != "other_services" for ref in (f.total_cell for f in checker.check(this, last)) if ref)


def test_2019_report_after_a_2021_format_report_says_what_cannot_compare() -> None:
    report = sample()
    previous = make_previous(make_huaian())
    previous.meta.year = report.meta.year - 1  # type: ignore[operator]
    found = {f.rule: f for f in CHECKER.check(report, previous)}
    assert found["carryover.items"].severity == "info" and found["carryover.total_public"].severity == "info"
    assert "2021年版格式" in found["carryover.items"].message


# ---------------------------------------------------------------------- the report file


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report=reports_2019())
def test_json_round_trip_of_2019_reports(report: Report) -> None:
    text = storage.dumps(report)
    back = storage.loads(text)
    assert back.template is T19 and back.same_content(report)
    assert storage.dumps(back) == text


def test_the_file_keeps_the_sign_and_the_unit(tmp_path: Path) -> None:
    report = sample()
    doc = storage.to_dict(report)
    assert doc["template"] == "2019"
    assert doc["sections"]["proactive"]["licensing"]["items_change"] == -4
    assert doc["sections"]["proactive"]["procurement"]["procurement_amount"] == "251000元"
    path = tmp_path / "r.json"
    storage.save(report, path)
    assert storage.load(path).same_content(report)


def test_checker_works_on_any_2019_report() -> None:
    @settings(max_examples=40, deadline=None)
    @given(report=reports_2019())
    def check(report: Report) -> None:
        for f in Checker(T19).check(report):
            assert f.message and "{" not in f.message

    check()


def test_bytes_round_trip() -> None:
    report = sample()
    assert storage.loads(io.StringIO(storage.dumps(report)).read()).same_content(report)
