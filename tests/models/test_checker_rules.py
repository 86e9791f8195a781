"""Every rule of the checker: start from a correct report, change ONE thing, and assert exactly
the findings that appear (rule, severity, total cell, expected, actual) and their wording.

In 三 every cell sits in one row equation and one column equation, so one change there breaks
two (the results row: three); those tests assert the complete set, which is what a clerk sees.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sample_reports import HUAIAN_OVERVIEW, essence, new_findings

from models.checker import Checker
from models.findings import Finding
from models.report import Report
from models.template import load_template
from models.values import CellRef


def req(row: str, column: str) -> CellRef:
    return CellRef("requests", row, column)


def pro(row: str, column: str) -> CellRef:
    return CellRef("proactive", row, column)


def app(column: str) -> CellRef:
    return CellRef("appeals", "data", column)


_CJK = re.compile(r"[\u4e00-\u9fff]")
_RULE_ID = re.compile(r"[a-z_]+\.[a-z_]+")


def _assert_wording(findings: list[Finding]) -> None:
    for f in findings:
        assert _CJK.search(f.message), f.message  # Chinese, for a desk clerk
        assert not _RULE_ID.search(f.message), f.message  # no internal rule ids or keys


def after_change(checker: Checker, report: Report, changes: dict[CellRef, object] | None = None,
                 texts: dict[str, str] | None = None, previous: Report | None = None) -> list[Finding]:
    """The findings a single change adds to a report that had none."""
    before = checker.check(report, previous)
    assert not before.mapping, [f.message for f in before]
    if changes:
        report.set_values(changes)  # type: ignore[arg-type]
    for key, text in (texts or {}).items():
        report.set_text(key, text)
    after = checker.check(report, previous)
    added = new_findings(before, after)
    assert len(added) == len(after)  # nothing disappeared: the base was clean
    _assert_wording(added)
    return added


def essences(findings: list[Finding]) -> set[tuple[object, ...]]:
    return {essence(f) for f in findings}


def small_report() -> Report:
    """The brief's example: 一、本年新收 2+3+0+0+2+0 = 7, all granted."""
    report = Report.blank(load_template("2021"), agency="某某区某某局", year=2024)
    for ref in report.cell_refs():
        report.values[ref] = 0
    for row in ("new", "granted", "results_total"):
        for column, n in (("natural", 2), ("commercial", 3), ("legal", 2), ("total", 7)):
            report.values[req(row, column)] = n
    report.texts.update(overview="本年共收到政府信息公开申请7件，均已按期答复。", problems="信息更新不够及时，下一步将加强审核。",
                        other="本机关未收取信息处理费。")
    return report


# ---------------------------------------------------------------------- value.type / value.missing


@pytest.mark.parametrize(
    ("ref", "value"),
    [
        (pro("licensing", "decisions"), -5),
        (req("new", "research"), -1),
        (req("granted", "natural"), Decimal("1288.5")),  # a decimal in a count
        (req("granted", "natural"), Decimal("1288")),  # even a whole Decimal: counts are ints
        (app("review.upheld"), True),
        (pro("fees", "amount"), Decimal("-1")),
        (pro("fees", "amount"), 96171.6),  # a float: amounts are Decimal, never float
        (pro("fees", "amount"), Decimal("NaN")),
        (pro("fees", "amount"), Decimal("1E+120")),  # absurd size: flagged, never summed
        (pro("penalty", "decisions"), "12"),
    ],
)
def test_value_type(checker: Checker, huaian: Report, ref: CellRef, value: object) -> None:
    added = after_change(checker, huaian, {ref: value})
    # The sums the value takes part in are not evaluated: value.type says what is wrong.
    assert [essence(f) for f in added] == [("value.type", "error", ref.section, ref, None, value)]
    assert added[0].cells == (ref,)
    assert checker.describe(ref) in added[0].message


def test_value_type_message(checker: Checker, huaian: Report) -> None:
    [f] = after_change(checker, huaian, {pro("licensing", "decisions"): -5})
    assert f.message == "二、“行政许可”的“本年处理决定数量”填写了“-5”，件数应为不小于 0 的整数（最多 12 位）"
    huaian.set_values({pro("licensing", "decisions"): 447228, pro("fees", "amount"): Decimal("-0.5")})
    [f] = checker.check(huaian)
    assert f.message == ("二、“行政事业性收费”的“本年收费金额（单位：万元）”填写了“-0.5”，"
                         "金额应为不小于 0 的数（单位万元，整数部分最多 12 位，最多 6 位小数）")


def test_value_type_accepts_any_decimal_places_for_amounts(checker: Checker, huaian: Report) -> None:
    huaian.set_values({pro("fees", "amount"): Decimal("5949.088667")})
    assert not checker.check(huaian).mapping


def test_value_missing_one_cell(checker: Checker, huaian: Report) -> None:
    ref = req("new", "research")  # 0 in the report, so no sum changes
    [f] = after_change(checker, huaian, {ref: None})
    assert essence(f) == ("value.missing", "warning", "requests", None, 0, None)
    assert f.cells == (ref,)
    assert f.message == "三、“一、本年新收政府信息公开申请数量”的“科研机构”未填写；没有发生请填 0"


def test_value_missing_several_cells_of_a_row(checker: Checker, huaian: Report) -> None:
    refs = (req("new", "research"), req("new", "nonprofit"))
    [f] = after_change(checker, huaian, dict.fromkeys(refs))
    assert f.rule == "value.missing" and f.cells == refs
    assert f.message == "三、“一、本年新收政府信息公开申请数量”行有 2 个单元格未填写（科研机构、社会公益组织）；没有发生请填 0"


@pytest.mark.parametrize("ref", [pro("regulations", "repealed"), app("review.pending"), pro("fees", "amount")])
def test_value_missing_in_every_table(checker: Checker, wulong: Report, ref: CellRef) -> None:
    [f] = after_change(checker, wulong, {ref: None})
    assert (f.rule, f.severity, f.cells, f.expected, f.actual) == ("value.missing", "warning", (ref,), 0, None)
    assert checker.describe(ref) in f.message


def test_value_missing_message_for_appeals(checker: Checker, wulong: Report) -> None:
    [f] = after_change(checker, wulong, {app("review.pending"): None})
    assert f.message == "四、“行政复议·尚未审结”未填写；没有发生请填 0"
    wulong.set_values({app("review.pending"): 0})
    [f] = after_change(checker, wulong, {app("review.upheld"): None, app("suit_after_review.upheld"): None})
    # 四 prints no row label and 结果维持 three times: name each column with its group.
    assert f.message == "四、有 2 个单元格未填写（行政复议·结果维持、复议后起诉·结果维持）；没有发生请填 0"


# ---------------------------------------------------------------------- 三's equations


def test_row_total_message_of_the_brief(checker: Checker) -> None:
    report = small_report()
    added = after_change(checker, report, {req("new", "total"): 6})
    row_total = next(f for f in added if f.rule == "requests.row_total")
    assert row_total.message == "三、“一、本年新收政府信息公开申请数量”行的“总计”应为 7（2+3+0+0+2+0），现为 6"
    assert essences(added) == {
        ("requests.row_total", "error", "requests", req("new", "total"), 7, 6),
        ("requests.balance", "error", "requests", req("carried_forward", "total"), -1, 0),
        ("narrative.numbers", "warning", "overview", req("new", "total"), 6, 7),  # 一 says 7
    }


def test_row_total(checker: Checker, huaian: Report) -> None:
    added = after_change(checker, huaian, {req("granted", "total"): 1361})
    assert essences(added) == {
        ("requests.row_total", "error", "requests", req("granted", "total"), 1362, 1361),
        ("requests.results_total", "error", "requests", req("results_total", "total"), 3049, 3050),
    }
    row_total = next(f for f in added if f.rule == "requests.row_total")
    assert row_total.message == "三、“（一）予以公开”行的“总计”应为 1362（1288+21+0+0+50+3），现为 1361"
    assert row_total.cells[0] == req("granted", "total") and set(row_total.cells) == {
        req("granted", c) for c in ("natural", "commercial", "research", "nonprofit", "legal", "other_org", "total")
    }


def test_row_total_in_a_nested_row_names_its_group(checker: Checker, huaian: Report) -> None:
    added = after_change(checker, huaian, {req("withheld_law", "total"): 30})
    row_total = next(f for f in added if f.rule == "requests.row_total")
    assert row_total.message == "三、“（三）不予公开 2.其他法律行政法规禁止公开”行的“总计”应为 31（30+1+0+0+0+0），现为 30"


def test_results_total(checker: Checker, huaian: Report) -> None:
    added = after_change(checker, huaian, {req("granted", "natural"): 1289})
    assert essences(added) == {
        ("requests.row_total", "error", "requests", req("granted", "total"), 1363, 1362),
        ("requests.results_total", "error", "requests", req("results_total", "natural"), 2933, 2932),
    }
    f = next(f for f in added if f.rule == "requests.results_total")
    assert f.message.startswith("三、“自然人”列的“（七）总计”应为 2933（（一）至（六）各项之和 1289+447+2+30+")
    assert f.message.endswith("），现为 2932")
    assert len(f.cells) == 22 and f.total_cell == req("results_total", "natural")


def test_results_total_cell_itself(checker: Checker, huaian: Report) -> None:
    added = after_change(checker, huaian, {req("results_total", "commercial"): 52})
    assert essences(added) == {
        ("requests.row_total", "error", "requests", req("results_total", "total"), 3049, 3050),
        ("requests.results_total", "error", "requests", req("results_total", "commercial"), 53, 52),
        ("requests.balance", "error", "requests", req("carried_forward", "commercial"), 1, 0),
    }


def test_balance(checker: Checker, huaian: Report) -> None:
    added = after_change(checker, huaian, {req("carried_forward", "legal"): 1})
    assert essences(added) == {
        ("requests.row_total", "error", "requests", req("carried_forward", "total"), 104, 103),
        ("requests.balance", "error", "requests", req("carried_forward", "legal"), 0, 1),
    }
    f = next(f for f in added if f.rule == "requests.balance")
    assert f.message == ("三、“法律服务机构”列：第一项加第二项之和（61）应等于第三项加第四项之和（62）；"
                         "“四、结转下年度继续办理”应为 0（61+0−61），现为 1")
    assert set(f.cells) == {req(r, "legal") for r in ("new", "carried_over", "results_total", "carried_forward")}


def test_balance_from_the_carried_over_side(checker: Checker, huaian: Report) -> None:
    added = after_change(checker, huaian, {req("carried_over", "natural"): 35})
    assert essences(added) == {
        ("requests.row_total", "error", "requests", req("carried_over", "total"), 35, 34),
        ("requests.balance", "error", "requests", req("carried_forward", "natural"), 104, 103),
    }


# ---------------------------------------------------------------------- 四


@pytest.mark.parametrize(
    ("group", "values", "where"),
    [
        ("review", (72, 64, 178, 37, 351), "行政复议"),
        ("direct_suit", (13, 4, 8, 1, 26), "行政诉讼·未经复议直接起诉"),
        ("suit_after_review", (12, 1, 1, 6, 20), "行政诉讼·复议后起诉"),
    ],
)
def test_appeals_group_total(checker: Checker, huaian: Report, group: str, values: tuple[int, ...],
                             where: str) -> None:
    upheld, corrected, other, pending, total = values
    [f] = after_change(checker, huaian, {app(f"{group}.upheld"): upheld + 1})
    assert essence(f) == ("appeals.group_total", "error", "appeals", app(f"{group}.total"), total + 1, total)
    assert f.message == (f"四、“{where}”的“总计”应为 {total + 1}"
                         f"（{upheld + 1}+{corrected}+{other}+{pending}），现为 {total}")
    assert set(f.cells) == {app(f"{group}.{k}") for k in ("upheld", "corrected", "other", "pending", "total")}


def test_appeals_total_also_contradicts_the_narrative(checker: Checker, huaian: Report) -> None:
    added = after_change(checker, huaian, {app("direct_suit.total"): 27})
    assert essences(added) == {
        ("appeals.group_total", "error", "appeals", app("direct_suit.total"), 26, 27),
        ("narrative.numbers", "warning", "overview", None, 47, 46),
    }


# ---------------------------------------------------------------------- narrative.numbers


@pytest.mark.parametrize(
    ("old", "new", "cells", "table", "stated"),
    [
        ("受理政府信息公开申请 3119 件", "受理政府信息公开申请 3120 件", (req("new", "total"),), 3119, 3120),
        ("含上年度结转申请 34 件", "含上年度结转申请 33 件", (req("carried_over", "total"),), 34, 33),
        ("政府信息公开行政复议 351", "政府信息公开行政复议 350", (app("review.total"),), 351, 350),
        ("政府信息公开行政诉讼 46 件", "政府信息公开行政诉讼 47 件",
         (app("direct_suit.total"), app("suit_after_review.total")), 46, 47),
    ],
)
def test_narrative_numbers_each_fact(checker: Checker, huaian: Report, old: str, new: str,
                                     cells: tuple[CellRef, ...], table: int, stated: int) -> None:
    assert old in HUAIAN_OVERVIEW
    [f] = after_change(checker, huaian, texts={"overview": HUAIAN_OVERVIEW.replace(old, new)})
    assert essence(f) == ("narrative.numbers", "warning", "overview", cells[0] if len(cells) == 1 else None,
                          table, stated)
    assert f.cells == cells
    assert f.message.startswith("“一、总体情况”写的“")
    assert f"（{stated}）" in f.message and f"的 {table} 不一致" in f.message
    for ref in cells:
        assert checker.describe(ref) in f.message
    huaian.set_text("overview", HUAIAN_OVERVIEW)  # fixing the text clears it
    assert not checker.check(huaian).mapping


def test_narrative_new_may_include_the_carried_over(checker: Checker, huaian: Report) -> None:
    # 本年共受理 3153 件 = 3119 new + 34 carried over: the spec allows new + carried_over.
    text = HUAIAN_OVERVIEW.replace("受理政府信息公开申请 3119 件", "受理政府信息公开申请 3153 件")
    assert after_change(checker, huaian, texts={"overview": text}) == []


def test_narrative_received_form(checker: Checker, pingtan: Report) -> None:
    text = pingtan.texts["overview"].replace("政府信息公开申请共计81件", "政府信息公开申请共计80件")
    [f] = after_change(checker, pingtan, texts={"overview": text})
    assert essence(f) == ("narrative.numbers", "warning", "overview", req("new", "total"), 81, 80)


def test_narrative_suits_cases_form(checker: Checker, pingtan: Report) -> None:
    text = pingtan.texts["overview"].replace("行政诉讼案件7件", "行政诉讼案件5件")
    [f] = after_change(checker, pingtan, texts={"overview": text})
    assert essence(f) == ("narrative.numbers", "warning", "overview", None, 7, 5)


def test_narrative_not_received_means_zero(checker: Checker, wulong: Report) -> None:
    # 武隆: “我局未收到依申请公开政府信息” while 表三 now shows one new application.
    added = after_change(checker, wulong, {req("new", "total"): 1})
    assert essences(added) == {
        ("requests.row_total", "error", "requests", req("new", "total"), 0, 1),
        ("requests.balance", "error", "requests", req("carried_forward", "total"), 1, 0),
        ("narrative.numbers", "warning", "overview", req("new", "total"), 1, 0),
    }


def test_narrative_numbers_from_the_table_side(checker: Checker, huaian: Report) -> None:
    added = after_change(checker, huaian, {app("review.total"): 350})
    assert essences(added) == {
        ("appeals.group_total", "error", "appeals", app("review.total"), 351, 350),
        ("narrative.numbers", "warning", "overview", app("review.total"), 350, 351),
    }


# ---------------------------------------------------------------------- sections.empty / other.processing_fee


def test_sections_empty(checker: Checker, huaian: Report) -> None:
    [f] = after_change(checker, huaian, texts={"problems": ""})
    assert essence(f) == ("sections.empty", "warning", "problems", None, None, None)
    assert f.cells == ()
    assert f.message == "“五、存在的主要问题及改进情况”为空；请写明本年度存在的主要问题、改进措施，以及上一年度问题的改进情况"


@pytest.mark.parametrize("text", ["无", "无。", " 暂无 ", "/", "—"])
def test_sections_empty_only_wu(checker: Checker, huaian: Report, text: str) -> None:
    [f] = after_change(checker, huaian, texts={"problems": text})
    assert essence(f) == ("sections.empty", "warning", "problems", None, None, text.strip())
    assert f"只写了“{text.strip()}”" in f.message


def test_sections_empty_other_also_lacks_the_fee(checker: Checker, pingtan: Report) -> None:
    added = after_change(checker, pingtan, texts={"other": "无。"})
    assert essences(added) == {
        ("sections.empty", "warning", "other", None, None, "无。"),
        ("other.processing_fee", "info", "other", None, None, None),
    }
    empty = next(f for f in added if f.rule == "sections.empty")
    assert empty.message.startswith("“六、其他需要报告的事项”只写了“无。”；请说明依据《政府信息公开信息处理费管理办法》")


def test_empty_overview_is_a_warning(checker: Checker, wulong: Report) -> None:
    """一 is required like 五 and 六 (the template says so: ``required``), asking for its five parts."""
    [f] = after_change(checker, wulong, texts={"overview": "  "})
    assert essence(f) == ("sections.empty", "warning", "overview", None, None, None)
    assert f.message.startswith("“一、总体情况”为空；请概述本年度政府信息公开工作")
    wulong.set_text("overview", "无。")
    [f] = checker.check(wulong).mapping.values()
    assert f.message.startswith("“一、总体情况”只写了“无。”；")


def test_processing_fee(checker: Checker, pingtan: Report) -> None:
    [f] = after_change(checker, pingtan, texts={"other": "2023年，全区政务公开工作有序推进。"})
    assert essence(f) == ("other.processing_fee", "info", "other", None, None, None)
    assert f.message == "“六、其他需要报告的事项”没有说明是否收取信息处理费；请写明收取金额，或写“未收取信息处理费”"


def test_processing_fee_is_not_the_administrative_fee(checker: Checker, pingtan: Report) -> None:
    # 二's 行政事业性收费 of 5949.088667万元 is a different fee: saying it does not answer 六.
    [f] = after_change(checker, pingtan, texts={"other": "2023年，全区行政事业性收费5949.088667万元。"})
    assert f.rule == "other.processing_fee"


@pytest.mark.parametrize("amount", [Decimal(0), Decimal("0.000001"), Decimal("123456.789"), None])
def test_administrative_fee_never_meets_the_processing_fee(checker: Checker, pingtan: Report,
                                                         amount: Decimal | None) -> None:
    # 六 says no 信息处理费 was charged; whatever 二 holds, no fee rule speaks.
    added = after_change(checker, pingtan, {pro("fees", "amount"): amount})
    assert [f.rule for f in added] == (["value.missing"] if amount is None else [])


# ---------------------------------------------------------------------- other.fee_link


def test_fee_link_denied(checker: Checker, huaian: Report) -> None:
    # 6 applications dropped for unpaid fees, yet 六 says no 信息处理费 was charged.
    [f] = after_change(checker, huaian, texts={"other": "本机关未收取信息处理费。"})
    assert essence(f) == ("other.fee_link", "info", "other", None, None, 6)
    assert f.cells == (req("other_no_fee", "total"),)
    assert "写的是未收取信息处理费" in f.message and checker.describe(req("other_no_fee", "total")) in f.message


def test_fee_link_silent(checker: Checker, huaian: Report) -> None:
    added = after_change(checker, huaian, texts={"other": "2024年，市政府认真落实政务公开工作要点。"})
    assert essences(added) == {
        ("other.fee_link", "info", "other", None, None, 6),
        ("other.processing_fee", "info", "other", None, None, None),
    }


def test_fee_link_not_fooled_by_the_administrative_fee(checker: Checker, huaian: Report) -> None:
    [f] = after_change(checker, huaian, texts={"other": "全年行政事业性收费96171.6万元，未收取信息处理费。"})
    assert f.rule == "other.fee_link" and "未收取" in f.message


def test_fee_link_reverse(checker: Checker, pingtan: Report) -> None:
    # 六 says applicants did not pay after a fee notice, but 三 counts none dropped for it.
    [f] = after_change(checker, pingtan, texts={"other": "2023年发出收费通知2份，申请人逾期未缴纳费用，未收取信息处理费。"})
    assert essence(f) == ("other.fee_link", "info", "other", None, None, 0)


@pytest.mark.parametrize("text", [
    "本年度未发生申请人逾期未缴纳信息处理费的情况。",
    "2023年，无收取信息处理费情况。",
])
def test_fee_link_quiet_when_consistent(checker: Checker, pingtan: Report, text: str) -> None:
    assert after_change(checker, pingtan, texts={"other": text}) == []


def test_fee_link_satisfied_by_notices(checker: Checker, huaian: Report) -> None:
    text = "2024年共发出收费通知8份，6件申请人逾期未按收费通知要求缴纳费用，未收取信息处理费。"
    assert after_change(checker, huaian, texts={"other": text}) == []


# ---------------------------------------------------------------------- narrative.placeholder


def test_placeholder(checker: Checker, huaian: Report) -> None:
    text = HUAIAN_OVERVIEW + "\n全年共收到政府信息公开申请件，均已办结。"
    [f] = after_change(checker, huaian, texts={"overview": text})
    assert (f.rule, f.severity, f.section, f.cells) == ("narrative.placeholder", "warning", "overview", ())
    assert f.message.startswith("“一、总体情况”中“…") and f.message.endswith("…”缺少数字，请补全")
    assert "申请件" in f.message


@pytest.mark.parametrize("text", ["本年度主动公开信息  条，", "共计件。", "共收到申请××件。", "主动公开政府信息（ ）条。"])
def test_placeholder_forms(checker: Checker, huaian: Report, text: str) -> None:
    [f] = after_change(checker, huaian, texts={"problems": huaian.texts["problems"] + text})
    assert (f.rule, f.section) == ("narrative.placeholder", "problems")


# ---------------------------------------------------------------------- appeals.unmentioned


def test_appeals_unmentioned(checker: Checker, huaian: Report) -> None:
    start = HUAIAN_OVERVIEW.index("政府信息公开行政复议 351")
    end = HUAIAN_OVERVIEW.index("尚未审结 7 件。") + len("尚未审结 7 件。")
    [f] = after_change(checker, huaian, texts={"overview": HUAIAN_OVERVIEW[:start] + HUAIAN_OVERVIEW[end:]})
    assert essence(f) == ("appeals.unmentioned", "info", "appeals", None, None, 351 + 26 + 20)
    assert f.cells == (app("review.total"), app("direct_suit.total"), app("suit_after_review.total"))
    assert f.message.startswith("表四有 397 件行政复议、行政诉讼，但“一、总体情况”没有提到")


def test_appeals_unmentioned_not_when_there_are_none(checker: Checker, wulong: Report) -> None:
    assert "复议" not in wulong.texts["overview"]
    assert not checker.check(wulong).mapping


# ---------------------------------------------------------------------- proactive.regulations_level


def test_regulations_level(checker: Checker, huaian: Report) -> None:
    before = checker.check(huaian)
    huaian.set_meta(level="county")
    [f] = new_findings(before, checker.check(huaian))
    assert essence(f) == ("proactive.regulations_level", "warning", "proactive", None, 0, 1)
    assert f.cells == (pro("regulations", "issued"), pro("regulations", "in_force"))
    assert "规章" in f.message


def test_regulations_level_one_value(checker: Checker, wulong: Report) -> None:
    [f] = after_change(checker, wulong, {pro("regulations", "issued"): 1})  # a county department
    assert essence(f) == ("proactive.regulations_level", "warning", "proactive", None, 0, 1)
    assert f.cells == (pro("regulations", "issued"),)


@pytest.mark.parametrize("level", [None, "municipal", "provincial_department", "central"])
def test_regulations_level_allowed(checker: Checker, wulong: Report, level: str | None) -> None:
    wulong.meta.level = level
    assert after_change(checker, wulong, {pro("regulations", "issued"): 1}) == []


# ---------------------------------------------------------------------- carry-over rules


def test_carryover_clean(checker: Checker, huaian: Report, previous: Report) -> None:
    assert not checker.check(huaian, previous).mapping


def test_carryover_requests(checker: Checker, huaian: Report, previous: Report) -> None:
    before = checker.check(huaian, previous)
    previous.set_values({req("carried_forward", "natural"): 30})  # last year's 结转下年度
    [f] = new_findings(before, checker.check(huaian, previous))
    assert essence(f) == ("carryover.requests", "error", "requests", req("carried_over", "natural"), 30, 34)
    assert f.message == "三、“自然人”列的“二、上年结转政府信息公开申请数量”应为 30（上年报告“四、结转下年度继续办理”），现为 34"


def test_carryover_in_force(checker: Checker, huaian: Report, previous: Report) -> None:
    [f] = after_change(checker, huaian, {pro("normative_documents", "in_force"): 65}, previous=previous)
    assert essence(f) == ("carryover.in_force", "warning", "proactive", pro("normative_documents", "in_force"), 66, 65)
    assert f.message.startswith("二、“行政规范性文件”的“现行有效件数”按上年 84＋本年制发 8－本年废止 26 应为 66，现为 65")


def test_carryover_in_force_from_repealed(checker: Checker, huaian: Report, previous: Report) -> None:
    [f] = after_change(checker, huaian, {pro("regulations", "repealed"): 1}, previous=previous)
    assert essence(f) == ("carryover.in_force", "warning", "proactive", pro("regulations", "in_force"), 10, 11)


def test_carryover_in_force_never_expects_a_negative_count(checker: Checker, huaian: Report, previous: Report) -> None:
    """Last year 10 规章 in force, this year 1 issued and 30 repealed: no count can be expected
    (10 + 1 − 30 < 0); the finding says which figures to check, as the balance rule does."""
    [f] = after_change(checker, huaian, {pro("regulations", "repealed"): 30}, previous=previous)
    assert (f.rule, f.severity, f.total_cell, f.actual) == ("carryover.in_force", "warning",
                                                            pro("regulations", "in_force"), 11)
    assert f.expected == -19  # the figure the equation gives, as the balance rule keeps it; never worded
    assert "应为 -" not in f.message and "-19" not in f.message
    assert "本年废止 30 件多于上年现行有效 10 件加本年制发 1 件" in f.message and "请核对" in f.message


@pytest.mark.parametrize(("factor", "fires"), [(0, True), (6, True), (5, False), (0.5, False)])
def test_carryover_outlier(checker: Checker, huaian: Report, previous: Report, factor: float, fires: bool) -> None:
    ref = pro("penalty", "decisions")
    added = after_change(checker, huaian, {ref: int(3985758 * factor)}, previous=previous)
    if fires:
        [f] = added
        assert essence(f) == ("carryover.outlier", "info", "proactive", None, None, 3985758 * factor)
        assert f.cells == (ref,) and "由上年的 3985758 变为" in f.message
    else:
        assert added == []


def test_carryover_copied_text(checker: Checker, huaian: Report, previous: Report) -> None:
    [f] = after_change(checker, huaian, texts={"problems": previous.texts["problems"]}, previous=previous)
    assert (f.rule, f.severity, f.section, f.actual) == ("carryover.copied_text", "warning", "problems", "100%")
    assert "超过一半与上年相同" in f.message


def test_carryover_copied_text_partly(checker: Checker, huaian: Report, previous: Report) -> None:
    copied = "上年度主要问题是公开栏目更新不够及时，已通过建立台账、定期巡查加以改进。"
    fresh = "本年度政策解读质量仍需提升，个别单位解读内容简单、形式单一，下一步将开展专题培训并建立质量评查机制。"
    assert copied == previous.texts["problems"] and len(fresh) > len(copied)
    [f] = after_change(checker, huaian, texts={"problems": copied + "\n" + fresh}, previous=previous)
    assert (f.rule, f.severity) == ("carryover.copied_text", "info")
    assert "1 段与上年报告逐字相同" in f.message and "超过一半" not in f.message


def test_carryover_needs_previous(checker: Checker, huaian: Report) -> None:
    huaian.set_values({pro("normative_documents", "in_force"): 65})
    assert not checker.check(huaian).mapping


# ---------------------------------------------------------------------- several errors at once


def test_several_errors_all_reported_and_cleared_one_by_one(checker: Checker, huaian: Report) -> None:
    originals = {
        req("granted", "natural"): 1288,
        app("review.upheld"): 72,
        req("carried_forward", "legal"): 0,
        pro("penalty", "decisions"): 3985758,
    }
    wrong = {req("granted", "natural"): 1289, app("review.upheld"): 73, req("carried_forward", "legal"): 1,
             pro("penalty", "decisions"): -1}
    huaian.set_values(wrong)
    result = checker.check(huaian)
    assert {(f.rule, f.total_cell) for f in result} == {
        ("requests.row_total", req("granted", "total")),
        ("requests.results_total", req("results_total", "natural")),
        ("appeals.group_total", app("review.total")),
        ("requests.row_total", req("carried_forward", "total")),
        ("requests.balance", req("carried_forward", "legal")),
        ("value.type", pro("penalty", "decisions")),
    }
    assert result.counts() == {"error": 6, "warning": 0, "info": 0}
    assert result.summary() == "6 个错误"
    remaining = len(result)
    for ref, value in originals.items():
        huaian.set_values({ref: value})
        after = checker.check(huaian)
        assert len(after) < remaining
        assert all(ref not in f.cells for f in after)
        remaining = len(after)
    assert remaining == 0


# ---------------------------------------------------------------------- misc


def test_describe_names_the_place(checker: Checker) -> None:
    assert checker.describe(req("new", "natural")) == "三、“一、本年新收政府信息公开申请数量”的“自然人”"
    assert checker.describe(req("withheld_state_secret", "total")) == "三、“（三）不予公开 1.属于国家秘密”的“总计”"
    assert checker.describe(app("suit_after_review.total")) == "四、“复议后起诉·总计”"
    assert checker.describe(pro("fees", "amount")) == "二、“行政事业性收费”的“本年收费金额（单位：万元）”"


def test_findings_are_ordered_by_place(checker: Checker, huaian: Report) -> None:
    huaian.set_values({app("review.upheld"): 73, pro("penalty", "decisions"): -1, req("granted", "natural"): 1289})
    huaian.set_text("problems", "")
    sections = [f.section for f in checker.check(huaian)]
    order = ["proactive", "requests", "appeals", "problems"]
    assert sorted(sections, key=order.index) == sections


def test_balance_that_no_count_can_close_says_so_instead_of_a_negative_figure(checker: Checker, huaian: Report) -> None:
    # 10,000 more 予以公开 in 自然人 (and its column total): results now exceed applications.
    for row in ("granted", "results_total"):
        huaian.values[req(row, "natural")] += 10_000  # type: ignore[operator]
    balance = next(f for f in checker.check(huaian).errors
                   if f.rule == "requests.balance" and f.total_cell == req("carried_forward", "natural"))
    assert balance.expected < 0  # type: ignore[operator]
    assert "多于第一项加第二项之和" in balance.message and "请核对本列" in balance.message
    assert "应为 -" not in balance.message
