"""Real reports rebuilt from the transcribed fixtures, and helpers to compare check results.

The 淮安市人民政府 2024 report (``tests/fixtures/huaian-city-2024.expected.json``, a copy of the
shared fixture) is arithmetically consistent; with its published narratives it is the
"correct report" that the checker tests perturb one value at a time. Plain functions (Qt-free),
imported by ``tests/conftest.py`` for its fixtures and by the model tests directly.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from models.findings import CheckResult, Finding
from models.report import Report
from models.template import ReportTemplate, load_template
from models.values import CellRef

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# The narratives as published (PDF line breaks joined), so the narrative rule is exercised on
# real prose, including numbers it must ignore (5500余条, 12场, 95个, 3940元).
HUAIAN_OVERVIEW = (
    "2024年，我市坚持以习近平新时代中国特色社会主义思想为指导，严格落实《中华人民共和国政府信息公开条例》"
    "各项规定，圆满完成了各项任务。\n"
    "（一）主动公开情况。2024年，市政府网站主动公开各类政府信息5500余条，全年新增公开市政府规章1件、"
    "市政府及市政府办政策性文件11件，通过文字、图片等形式制作政策解读21个，制作《淮安市人民政府公报》6期。"
    "组织召开新闻发布会12场，努力传递政府声音、宣传政策法规、回应舆论关切。\n"
    "（二）依申请公开情况。定期对政府信息公开申请集中的领域和热点问题进行研判，探索从源头上解决实际问题。"
    "2024 年，全市共受理政府信息公开申请 3119 件，答复 3050 件（含上年度结转申请 34 件，另有 103 件顺延到下年度"
    "答复），均在法定期限内予以答复。政府信息公开行政复议 351 件，其中结果维持 72 件，结果纠正 64 件，"
    "其他结果 178 件，尚未审结 37 件；政府信息公开行政诉讼 46 件，其中结果维持 25 件，结果纠正 5 件，"
    "其他结果 9 件，尚未审结 7 件。\n"
    "（三）政府信息管理情况。在政府网站、政务新媒体、政府公报等公开平台发布信息时，坚持“先审查、后公开”"
    "“一事一审”工作原则，规范审查程序。\n"
    "（四）政府信息公开平台建设情况。截至目前，全市在运维政务新媒体共计95个，合格率均为100%。\n"
    "（五）政府信息公开监督保障情况。全年组织4次政府信息公开栏目全覆盖检查，并出具各县区、各部门政务公开评估分报告。"
)
HUAIAN_PROBLEMS = (
    "对照上级新要求和公众新期待，还有一些需要加强和改进的地方。主要表现在：一是政策解读质量仍需提升，"
    "个别单位政策解读内容简单、形式单一；二是政务公开队伍建设还需进一步加强。\n"
    "针对存在问题，下一步，我市将着力加强政策解读质效，建立健全“传帮带”机制，定期组织业务培训，"
    "全面提升政务公开工作队伍水平。"
)
HUAIAN_OTHER = "2024年，市政府严格落实《政府信息公开信息处理费管理办法》，全年收取政府信息公开信息处理费3940元。"


PINGTAN_OVERVIEW = (
    "2023年，平潭综合实验区坚持以习近平新时代中国特色社会主义思想为指导，持续推进基层政务公开标准化规范化。\n"
    "（一）主动公开方面\n"
    "坚持应公开尽公开,持续推进基础信息公开、深化重点领域信息公开，2023年全区共主动公开政府信息13561条。"
    "一是做好规范性文件公开。清理并集中发布现行有效行政规范性文件393件，动态更新本年度制发的规范性文件77件。"
    "二是加强政策文件解读，全年发布政策解读117篇。\n"
    "（二）依申请公开方面\n"
    "持续强化服务理念，严格按照《条例》要求，做好申请公开登记、审核、办理、答复、归档等各项工作。"
    "2023年全区接收通过邮寄、网络提交的各类政府信息公开申请共计81件，涉及自然人80件、商业企业1件。"
    "办结依申请公开81件，其中：予以公开及部分公开42件，占51.85%；不予公开5件，占6.17%；无法提供31件，占38.27%；"
    "不予处理1件，占1.23%；其他处理2件，占2.47%；因政府信息公开引起的行政复议案件2件、行政诉讼案件7件。\n"
    "（五）监督保障方面\n"
    "常态化开展日监测、月通报。全年开展季度通报3次、月通报7次。"
)
PINGTAN_PROBLEMS = (
    "存在的问题主要有以下几个方面：一是部分单位信息发布属性界定还不够精确，部分栏目存在信息噪音；"
    "二是政策解读的质量有待提高，形式还要更加多样、更加“接地气”。\n"
    "2024年，我区将采取以下措施加以改进：一是加大政务公开检查力度；二是提升政务公开内容质量。"
)
PINGTAN_OTHER = "2023年，无收取信息处理费情况。"

# 武隆区人力社保局 2021: half-width punctuation as published; 表三/表四 all zero.
WULONG_OVERVIEW = (
    "2021年,我局按照上级要求,认真贯彻落实《中华人民共和国政府信息公开条例》,扎实有序推进政府信息公开工作。\n"
    "(一)主动公开情况。一是主动公开政府信息。2021年通过区政府门户网站区人力社保局专栏主动公开政府信息311条,"
    "在办公场所显著位置设置政务信息公开栏、公布办事指南。二是主动回应公众关切。畅通电话咨询渠道,"
    "回应公众关注热点,处理并公开求助、投诉、咨询等共11件。\n"
    "(二)依申请公开情况。2021年,我局未收到依申请公开政府信息。\n"
    "(五)监督保障情况。一是完善信息公开相关制度。建立完善信息发布保密审查机制、政府信息公开申请和投诉举报受理机制,"
    "使政务公开制度化、规范化。二是强化队伍建设。2021年,组织政府信息公开工作人员参加市人力社保局培训1次,区政府培训3次。"
)
WULONG_PROBLEMS = (
    "(一)存在的问题。一是存在信息更新不够及时的情况;二是政策解读质量有待提高,有针对性的释疑解惑需要加强。\n"
    "(二)改进措施。一是进一步加强组织领导,加大政府信息更新力度;二是提高政策解读质量。"
)
WULONG_OTHER = (
    "本机关严格落实《政府信息公开条例》和《武隆区贯彻落实国务院办公厅2021年政务公开工作要点》要求,"
    "完成政务公开各项工作。本机关未收取信息处理费。"
)


def fixture_data(name: str = "huaian-city-2024") -> dict[str, Any]:
    with (FIXTURES / f"{name}.expected.json").open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def report_from_expected(data: dict[str, Any], template: ReportTemplate | None = None) -> Report:
    """A report holding every value of a transcribed ``.expected.json`` (texts left empty)."""
    t = template or load_template("2021")
    report = Report.blank(t, agency=data["agency"], year=data["year"])
    for section in t.table_sections:
        for row, cols in data[section.key].items():
            for column, raw in cols.items():
                spec = t.cell(section.key, row, column)
                assert spec is not None, (section.key, row, column)
                report.values[CellRef(section.key, row, column)] = Decimal(raw) if spec.number.name == "amount" else raw
    assert all(v is not None for v in report.values.values()), "fixture must fill all 200 cells"
    return report


def make_huaian() -> Report:
    report = report_from_expected(fixture_data())
    report.meta.level = "municipal"
    report.texts.update(overview=HUAIAN_OVERVIEW, problems=HUAIAN_PROBLEMS, other=HUAIAN_OTHER)
    return report


def make_pingtan() -> Report:
    report = report_from_expected(fixture_data("pingtan-2023"))
    report.texts.update(overview=PINGTAN_OVERVIEW, problems=PINGTAN_PROBLEMS, other=PINGTAN_OTHER)
    return report


def make_wulong() -> Report:
    """The 武隆 2021 report: every cell 0 except 行政许可 62, 行政处罚 7 and the fee 68.64万元."""
    report = Report.blank(load_template("2021"), agency="重庆市武隆区人力资源和社会保障局", year=2021)
    for ref in report.cell_refs():
        report.values[ref] = 0
    report.values[CellRef("proactive", "licensing", "decisions")] = 62
    report.values[CellRef("proactive", "penalty", "decisions")] = 7
    report.values[CellRef("proactive", "fees", "amount")] = Decimal("68.64")
    report.meta.level = "county_department"
    report.texts.update(overview=WULONG_OVERVIEW, problems=WULONG_PROBLEMS, other=WULONG_OTHER)
    return report


def make_previous(report: Report) -> Report:
    """Last year's report, consistent with ``report`` for every carry-over rule."""
    prev = report.copy()
    prev.meta.year = (report.meta.year or 2024) - 1
    prev.acceptances = []
    v = prev.values
    for ref in report.cell_refs():
        if ref.section == "requests" and ref.row == "carried_forward":
            v[ref] = report.values[CellRef("requests", "carried_over", ref.column)]
    for row in ("regulations", "normative_documents"):
        def cell(column: str, row: str = row) -> CellRef:
            return CellRef("proactive", row, column)
        this = report.values
        v[cell("in_force")] = this[cell("in_force")] - this[cell("issued")] + this[cell("repealed")]  # type: ignore[operator]
    prev.texts = {
        "overview": "上年度，本机关认真贯彻落实《条例》，扎实推进政务公开各项工作，取得明显成效。",
        "problems": "上年度主要问题是公开栏目更新不够及时，已通过建立台账、定期巡查加以改进。",
        "other": "上年度未收取信息处理费。",
    }
    return prev


def new_findings(before: CheckResult, after: CheckResult) -> list[Finding]:
    """Findings of ``after`` that ``before`` did not have (by key), in report order."""
    return [f for f in after if before.get(f.key) is None]


def essence(f: Finding) -> tuple[object, ...]:
    """What a test compares of a finding: everything but the wording and the sort order."""
    return (f.rule, f.severity, f.section, f.total_cell, f.expected, f.actual)
