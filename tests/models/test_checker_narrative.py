"""What the narrative rule reads, and what it must leave alone.

It reads statements about 政府信息公开申请, 行政复议 and 行政诉讼 only — never 主动公开…311条,
求助、投诉、咨询…11件, or 二's 行政事业性收费 — and the sentences come from published reports.
"""

from __future__ import annotations

import pytest
from sample_reports import HUAIAN_OVERVIEW, PINGTAN_OVERVIEW, WULONG_OVERVIEW

from models.checker import Checker, checker_for
from models.report import Report
from models.rules.prose import NarrativeNumberCheck
from models.template import ReportTemplate
from models.values import CellRef


def narrative_statements(template: ReportTemplate, text: str) -> dict[str, tuple[int, str]]:
    """What the template's narrative_numbers rule reads in a text."""
    check = next(c for c in checker_for(template).checks if isinstance(c, NarrativeNumberCheck))
    return check.reader.statements(text)


def stated(template: ReportTemplate, text: str) -> dict[str, int]:
    return {k: n for k, (n, _) in narrative_statements(template, text).items()}


# ---------------------------------------------------------------------- real sentences


def test_huaian_sentence(template: ReportTemplate) -> None:
    text = ("2024 年，全市共受理政府信息公开申请 3119 件，答复 3050 件（含上年度结转申请 34 件，"
            "另有 103 件顺延到下年度答复）")
    assert stated(template, text) == {"requests_new": 3119, "requests_carried_over": 34}


def test_huaian_overview(template: ReportTemplate) -> None:
    assert stated(template, HUAIAN_OVERVIEW) == {
        "requests_new": 3119, "requests_carried_over": 34, "appeals_review": 351, "appeals_suits": 46,
    }


def test_pingtan_sentences(template: ReportTemplate) -> None:
    assert stated(template, "2023年全区接收通过邮寄、网络提交的各类政府信息公开申请共计81件") == {"requests_new": 81}
    assert stated(template, "其他处理2件，占2.47%；因政府信息公开引起的行政复议案件2件、行政诉讼案件7件。") == {
        "appeals_review": 2, "appeals_suits": 7,
    }
    assert stated(template, PINGTAN_OVERVIEW) == {"requests_new": 81, "appeals_review": 2, "appeals_suits": 7}


def test_wulong_not_received(template: ReportTemplate) -> None:
    assert stated(template, "2021年，我局未收到依申请公开政府信息。") == {"requests_new": 0}
    assert stated(template, "2021年,我局未收到依申请公开政府信息。") == {"requests_new": 0}  # half-width
    assert stated(template, WULONG_OVERVIEW) == {"requests_new": 0}


# ---------------------------------------------------------------------- what it must ignore


@pytest.mark.parametrize(
    "text",
    [
        "2021年通过区政府门户网站区人力社保局专栏主动公开政府信息311条,在办公场所显著位置设置政务信息公开栏。",
        "回应公众关注热点,处理并公开求助、投诉、咨询等共11件。",
        "2023年全区共主动公开政府信息13561条。",
        "全年组织4次政府信息公开栏目全覆盖检查。",
        "全年行政事业性收费5949.088667万元，收取信息处理费0元。",
        "清理并集中发布现行有效行政规范性文件393件，动态更新本年度制发的规范性文件77件。",
        "全年组织政府信息公开工作人员参加培训1次。",
        "对未按期答复的政府信息公开申请进行督办。",  # 未 without a receipt verb is no zero statement
        "其中无法提供的政府信息公开申请3件。",  # 无法 is no negation; no receipt verb for the number
        "收到政府信息公开申请数量较上年减少3件。",  # a comparison, not the figure
        "本年收到政府信息公开申请约100件。",  # an estimate
        "政府信息公开行政复议和行政诉讼案件共3件。",  # a joint figure
        "政府信息公开行政复议、行政诉讼各1件。",
        "2024年收到人大代表建议12件、政协提案8件。",
    ],
)
def test_statements_it_ignores(template: ReportTemplate, text: str) -> None:
    assert stated(template, text) == {}


def test_proactive_numbers_next_to_an_application_figure(template: ReportTemplate) -> None:
    text = "本年度主动公开政府信息311条，收到政府信息公开申请5件，处理求助、投诉、咨询等共11件。"
    assert stated(template, text) == {"requests_new": 5}


def test_wulong_report_with_its_other_numbers_is_clean(checker: Checker, wulong: Report) -> None:
    # 311条 and 11件 would contradict a table of zeros if the rule read them.
    assert "311条" in wulong.texts["overview"] and "共11件" in wulong.texts["overview"]
    assert not checker.check(wulong).mapping


def test_a_new_application_contradicts_wulong_but_311_is_never_compared(checker: Checker, wulong: Report) -> None:
    wulong.set_text("overview", wulong.texts["overview"].replace("我局未收到依申请公开政府信息", "我局收到政府信息公开申请311件"))
    [f] = checker.check(wulong)
    assert (f.rule, f.expected, f.actual) == ("narrative.numbers", 0, 311)
    wulong.set_text("overview", wulong.texts["overview"].replace("收到政府信息公开申请311件", "未收到政府信息公开申请"))
    assert not checker.check(wulong).mapping


# ---------------------------------------------------------------------- forms it understands


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本年度新收政府信息公开申请1,234件。", {"requests_new": 1234}),
        ("本年度新收政府信息公开申请１２件。", {"requests_new": 12}),  # full-width digits
        ("全年共收到政府信息公开申请5件，上年结转2件。", {"requests_new": 5, "requests_carried_over": 2}),
        ("本年度没有收到政府信息公开申请。", {"requests_new": 0}),
        ("本年度未发生政府信息公开行政复议、行政诉讼案件。", {"appeals_review": 0, "appeals_suits": 0}),
        ("本年度无政府信息公开行政诉讼案件。", {"appeals_suits": 0}),
        ("全年发生行政复议1件，行政诉讼0件。", {"appeals_review": 1, "appeals_suits": 0}),
        ("全年发生政府信息公开行政诉讼案件3起，其中未经复议直接起诉2起、复议后起诉1起。", {"appeals_suits": 3}),
        ("上年结转政府信息公开申请3件，本年新收政府信息公开申请12件。",
         {"requests_carried_over": 3, "requests_new": 12}),
        # a joint figure of new and carried over: only the new-application fact (which allows new + carried)
        ("上年结转和新收政府信息公开申请共20件。", {"requests_new": 20}),
    ],
)
def test_statement_forms(template: ReportTemplate, text: str, expected: dict[str, int]) -> None:
    assert stated(template, text) == expected


def test_only_the_overview_is_read(checker: Checker, huaian: Report) -> None:
    huaian.set_text("problems", huaian.texts["problems"] + "\n下一步力争全年受理政府信息公开申请4000件以内。")
    assert not checker.check(huaian).mapping


def test_first_statement_of_a_fact_counts(template: ReportTemplate) -> None:
    text = "全年受理政府信息公开申请20件。其中，受理依申请公开5件来自企业。"
    assert stated(template, text) == {"requests_new": 20}


def test_quote_names_the_text(template: ReportTemplate) -> None:
    [(number, quote)] = narrative_statements(template, "全市共受理政府信息公开申请 3119 件。").values()
    assert number == 3119 and quote == "政府信息公开申请3119件"


def test_suits_are_compared_with_both_groups(checker: Checker, pingtan: Report) -> None:
    # 行政诉讼案件7件 = 未经复议直接起诉 5 + 复议后起诉 2: moving one case between them is fine.
    pingtan.set_values({CellRef("appeals", "data", "direct_suit.upheld"): 3,
                        CellRef("appeals", "data", "direct_suit.total"): 4,
                        CellRef("appeals", "data", "suit_after_review.upheld"): 2,
                        CellRef("appeals", "data", "suit_after_review.total"): 3})
    assert not checker.check(pingtan).mapping
