"""The 2021 format as data: the template file against the written-down spec, word for word.

The expected values below are copied from ``format-2021.md`` (the official wording), not from
the template, so a typo or a missing merge in ``resources/templates/format-2021.json`` fails.
"""

from __future__ import annotations

import copy
import json

import pytest

from models.checker import Checker
from models.grid import Grid, build_grid, grid_for
from models.report import Report
from models.template import (
    ReportTemplate,
    TemplateError,
    load_template,
    parse_template,
    template_dir,
    template_for_year,
)
from models.values import CellRef

SECTIONS = [
    ("一", "overview", "一、总体情况", "narrative"),
    ("二", "proactive", "二、主动公开政府信息情况", "table"),
    ("三", "requests", "三、收到和处理政府信息公开申请情况", "table"),
    ("四", "appeals", "四、政府信息公开行政复议、行政诉讼情况", "table"),
    ("五", "problems", "五、存在的主要问题及改进情况", "narrative"),
    ("六", "other", "六、其他需要报告的事项", "narrative"),
]

REQUEST_COLUMNS = [
    ("natural", ("申请人情况", "自然人")),
    ("commercial", ("申请人情况", "法人或其他组织", "商业企业")),
    ("research", ("申请人情况", "法人或其他组织", "科研机构")),
    ("nonprofit", ("申请人情况", "法人或其他组织", "社会公益组织")),
    ("legal", ("申请人情况", "法人或其他组织", "法律服务机构")),
    ("other_org", ("申请人情况", "法人或其他组织", "其他")),
    ("total", ("申请人情况", "总计")),
]

_R3 = "三、本年度办理结果"
REQUEST_ROWS = [
    ("new", ("一、本年新收政府信息公开申请数量",)),
    ("carried_over", ("二、上年结转政府信息公开申请数量",)),
    ("granted", (_R3, "（一）予以公开")),
    ("partial", (_R3, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")),
    ("withheld_state_secret", (_R3, "（三）不予公开", "1.属于国家秘密")),
    ("withheld_law", (_R3, "（三）不予公开", "2.其他法律行政法规禁止公开")),
    ("withheld_security", (_R3, "（三）不予公开", "3.危及“三安全一稳定”")),
    ("withheld_third_party", (_R3, "（三）不予公开", "4.保护第三方合法权益")),
    ("withheld_internal", (_R3, "（三）不予公开", "5.属于三类内部事务信息")),
    ("withheld_process", (_R3, "（三）不予公开", "6.属于四类过程性信息")),
    ("withheld_enforcement_file", (_R3, "（三）不予公开", "7.属于行政执法案卷")),
    ("withheld_query", (_R3, "（三）不予公开", "8.属于行政查询事项")),
    ("unable_not_held", (_R3, "（四）无法提供", "1.本机关不掌握相关政府信息")),
    ("unable_needs_creation", (_R3, "（四）无法提供", "2.没有现成信息需要另行制作")),
    ("unable_unclear", (_R3, "（四）无法提供", "3.补正后申请内容仍不明确")),
    ("rejected_petition", (_R3, "（五）不予处理", "1.信访举报投诉类申请")),
    ("rejected_repeated", (_R3, "（五）不予处理", "2.重复申请")),
    ("rejected_publication", (_R3, "（五）不予处理", "3.要求提供公开出版物")),
    ("rejected_excessive", (_R3, "（五）不予处理", "4.无正当理由大量反复申请")),
    ("rejected_confirmation", (_R3, "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息")),
    ("other_no_correction", (_R3, "（六）其他处理",
                             "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")),
    ("other_no_fee", (_R3, "（六）其他处理",
                      "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请")),
    ("other_other", (_R3, "（六）其他处理", "3.其他")),
    ("results_total", (_R3, "（七）总计")),
    ("carried_forward", ("四、结转下年度继续办理",)),
]

APPEAL_GROUPS = [
    ("review", ("行政复议",)),
    ("direct_suit", ("行政诉讼", "未经复议直接起诉")),
    ("suit_after_review", ("行政诉讼", "复议后起诉")),
]
APPEAL_RESULTS = [("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"),
                  ("pending", "尚未审结"), ("total", "总计")]

PROACTIVE_CELLS = [
    ("regulations", ("规章",), "issued", ("本年制发件数",)),
    ("regulations", ("规章",), "repealed", ("本年废止件数",)),
    ("regulations", ("规章",), "in_force", ("现行有效件数",)),
    ("normative_documents", ("行政规范性文件",), "issued", ("本年制发件数",)),
    ("normative_documents", ("行政规范性文件",), "repealed", ("本年废止件数",)),
    ("normative_documents", ("行政规范性文件",), "in_force", ("现行有效件数",)),
    ("licensing", ("行政许可",), "decisions", ("本年处理决定数量",)),
    ("penalty", ("行政处罚",), "decisions", ("本年处理决定数量",)),
    ("enforcement", ("行政强制",), "decisions", ("本年处理决定数量",)),
    ("fees", ("行政事业性收费",), "amount", ("本年收费金额（单位：万元）",)),
]


# ---------------------------------------------------------------------- the template


def test_template_identity(template: ReportTemplate) -> None:
    assert template.id == "2021"
    assert template.source == "国办公开办函〔2021〕30号"
    assert template.first_year == 2021 and template.last_year is None
    assert template_for_year(2021) is template and template_for_year(2030) is template
    assert template_for_year(2020).id == "2019" and template_for_year(2019).id == "2019"  # type: ignore[union-attr]
    assert template_for_year(2018) is None  # the 条例 as revised (2019) has no older report format here
    assert template.report_title("淮安市人民政府", 2024) == "淮安市人民政府2024年政府信息公开工作年度报告"


def test_sections_match_spec(template: ReportTemplate) -> None:
    got = [(s.number, s.key, s.title, s.kind) for s in template.sections]
    assert got == SECTIONS
    # 一, 五 and 六 must not be left empty (sections.empty; the spec's edition with 一 too).
    assert {s.key for s in template.sections if s.required} == {"overview", "problems", "other"}
    assert all(s.ask.startswith("请") for s in template.sections if s.required)
    assert template.section("appeals").has_note and not template.section("requests").has_note


def test_proactive_cells_match_spec(template: ReportTemplate) -> None:
    got = [(c.row, c.row_path, c.column, c.column_path) for c in template.section("proactive").cells]
    assert got == PROACTIVE_CELLS
    kinds = {(c.row, c.column): c.number.name for c in template.section("proactive").cells}
    assert kinds.pop(("fees", "amount")) == "amount"
    assert set(kinds.values()) == {"count"}
    titles = [b.title for b in template.section("proactive").blocks]
    assert titles == ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"]


def test_request_cells_match_spec(template: ReportTemplate) -> None:
    section = template.section("requests")
    expected = [(row, rpath, col, cpath) for row, rpath in REQUEST_ROWS for col, cpath in REQUEST_COLUMNS]
    assert [(c.row, c.row_path, c.column, c.column_path) for c in section.cells] == expected
    assert len(section.cells) == 175
    assert {c.number.name for c in section.cells} == {"count"}
    assert section.blocks[0].corner == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def test_appeal_cells_match_spec(template: ReportTemplate) -> None:
    section = template.section("appeals")
    expected = [("data", f"{g}.{k}", gpath + (label,)) for g, gpath in APPEAL_GROUPS for k, label in APPEAL_RESULTS]
    assert [(c.row, c.column, c.column_path) for c in section.cells] == expected
    assert {c.number.name for c in section.cells} == {"count"}


def test_every_cell_is_addressable(template: ReportTemplate) -> None:
    cells = template.all_cells()
    assert len(cells) == 10 + 175 + 15
    assert len({(c.section, c.row, c.column) for c in cells}) == len(cells)
    for c in cells:
        assert template.cell(c.section, c.row, c.column) is c
    report = Report.blank(load_template("2021"))
    assert report.cell_refs() == [CellRef(c.section, c.row, c.column) for c in cells]


# ---------------------------------------------------------------------- the rules as data


def _rules(template: ReportTemplate, rule_id: str) -> list[tuple[tuple[str, ...], tuple[str, ...], str, str]]:
    return [(r.left, r.right, r.total, r.along) for r in template.equations if r.id == rule_id]


def test_rules_are_the_spec_equations(template: ReportTemplate) -> None:
    applicants = tuple(k for k, _ in REQUEST_COLUMNS[:-1])
    outcomes = tuple(k for k, _ in REQUEST_ROWS[2:23])
    assert outcomes[0] == "granted" and outcomes[-1] == "other_other" and len(outcomes) == 21
    assert _rules(template, "requests.row_total") == [(("total",), applicants, "total", "row")]
    assert _rules(template, "requests.results_total") == [(("results_total",), outcomes, "results_total", "column")]
    assert _rules(template, "requests.balance") == [
        (("new", "carried_over"), ("results_total", "carried_forward"), "carried_forward", "column")
    ]
    groups = _rules(template, "appeals.group_total")
    assert groups == [
        ((f"{g}.total",), tuple(f"{g}.{k}" for k, _ in APPEAL_RESULTS[:-1]), f"{g}.total", "row")
        for g, _ in APPEAL_GROUPS
    ]
    assert {r.severity for r in template.equations} == {"error"}


SPEC_RULES = {  # format-2021.md's table of check rules: the checker's (importers report the others)
    "value.type": "error", "value.missing": "warning", "requests.row_total": "error",
    "requests.results_total": "error", "requests.balance": "error", "appeals.group_total": "error",
    "narrative.numbers": "warning", "sections.empty": "warning", "other.processing_fee": "info",
    "carryover.requests": "error", "carryover.in_force": "warning", "carryover.copied_text": "info",
    "carryover.outlier": "info", "proactive.regulations_level": "warning", "other.fee_link": "info",
    "narrative.placeholder": "warning", "appeals.unmentioned": "info", "format.version": "error",
    # issue 10: last year's text copied as a start keeps a warning on every figure it brought along
    "narrative.stale_number": "warning",
    "carryover.year": "warning",
}


def test_every_spec_rule_is_declared_with_its_severity(template: ReportTemplate) -> None:
    assert {r.id: r.severity for r in template.rules} == SPEC_RULES


def test_every_rule_operand_exists(template: ReportTemplate, checker: Checker) -> None:
    for rule in template.equations:
        section = template.section(rule.section)
        for key in rule.left + rule.right:
            if rule.along == "row":
                assert key in section.columns_of(section.row_keys[0]), (rule.id, key)
            else:
                assert key in section.row_keys, (rule.id, key)
    # Compiled: 25 row totals + 7 result totals + 7 balances + 3 appeal groups.
    assert len(checker.equations) == 25 + 7 + 7 + 3
    for eq in checker.equations:
        for ref in eq.left + eq.right:
            assert template.cell(*ref) is not None
    for fact in _facts(template):
        for ref in fact["cells"] + [c for alt in fact.get("alternatives", ()) for c in alt]:
            assert template.cell(*ref) is not None, (fact["id"], ref)


def _facts(template: ReportTemplate) -> list[dict]:  # type: ignore[type-arg]
    [rule] = template.rules_of("narrative_numbers")
    return [{k: [list(x) if isinstance(x, tuple) else x for x in v] if isinstance(v, tuple) else v
             for k, v in f.items()} for f in rule.params["facts"]]


def _tuples(x):  # type: ignore[no-untyped-def]
    return tuple(_tuples(i) for i in x) if isinstance(x, (list, tuple)) else x


def test_narrative_facts_point_at_the_spec_cells(template: ReportTemplate) -> None:
    facts = {f["id"]: (_tuples(f["cells"]), _tuples(f.get("alternatives", ()))) for f in _facts(template)}
    assert facts["requests_new"] == (
        (("requests", "new", "total"),),
        ((("requests", "new", "total"), ("requests", "carried_over", "total")),),
    )
    assert facts["requests_carried_over"][0] == (("requests", "carried_over", "total"),)
    assert facts["appeals_review"][0] == (("appeals", "data", "review.total"),)
    assert facts["appeals_suits"][0] == (
        ("appeals", "data", "direct_suit.total"), ("appeals", "data", "suit_after_review.total"),
    )
    [rule] = template.rules_of("narrative_numbers")
    assert rule.params["sections"] == ("overview",)
    [fee] = template.rules_of("fee_statement")
    assert fee.params["section"] == "other" and "信息处理费" in fee.params["mentions"]
    # 二's 行政事业性收费 is a different fee: it must never count as a 信息处理费 mention.
    for rule in template.rules_of("fee_statement") + template.rules_of("fee_link"):
        assert not any(m in "行政事业性收费" for m in rule.params["mentions"])


# ---------------------------------------------------------------------- validation of template files


def _raw() -> dict:  # type: ignore[type-arg]
    with (template_dir() / "format-2021.json").open(encoding="utf-8") as fh:
        return json.load(fh)  # type: ignore[no-any-return]


def test_shipped_template_parses_fresh() -> None:
    t = parse_template(_raw())
    assert [s.key for s in t.sections] == [k for _, k, _, _ in SECTIONS]


def _rule(raw: dict, rule_id: str) -> dict:  # type: ignore[type-arg]
    return next(r for r in raw["rules"] if r["id"] == rule_id)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda raw: _rule(raw, "requests.row_total")["params"]["right"].append("no_such_column"),
        lambda raw: _rule(raw, "requests.results_total")["params"].update(total="new"),  # not in the equation
        lambda raw: _rule(raw, "requests.row_total")["params"].update(section="overview"),
        lambda raw: _rule(raw, "requests.row_total").update(kind="magic"),
        lambda raw: _rule(raw, "requests.row_total").update(severity="fatal"),
        lambda raw: _rule(raw, "requests.row_total")["params"].update(colour="red"),  # a param the kind lacks
        lambda raw: _rule(raw, "requests.row_total").update(message="应为 {expectd}"),  # a field the kind lacks
        lambda raw: _rule(raw, "requests.row_total").update(message="应为 {expected"),  # a broken brace
        lambda raw: _rule(raw, "requests.row_total").update(messages={"nonsense": "x"}),
        lambda raw: raw["sections"][2]["blocks"][0]["rows"].append({"key": "new", "label": "重复"}),
        lambda raw: raw["sections"][2]["blocks"][0]["rows"].append({"label": "无键叶节点"}),
        lambda raw: raw["sections"][2].update(value="nonsense"),  # an unknown number kind
        lambda raw: raw["number_kinds"]["count"].update(places=-1),
        lambda raw: raw["sections"][0].update(kind="chart"),
        lambda raw: _rule(raw, "narrative.numbers")["params"]["facts"][0]["cells"].append(["requests", "new", "nope"]),
        lambda raw: _rule(raw, "narrative.numbers")["params"].update(sections=["proactive"]),  # not a narrative
        lambda raw: _rule(raw, "carryover.requests")["params"].update(last_year_row="nope"),
        lambda raw: _rule(raw, "carryover.in_force")["params"].update(plus=["nope"]),
        lambda raw: _rule(raw, "carryover.in_force")["params"].update(op="~"),
        lambda raw: _rule(raw, "carryover.outlier")["params"].update(number_kinds=["nope"]),
        lambda raw: raw["sections"][2]["legacy_rows"][0].update(into="nope"),
        lambda raw: _rule(raw, "appeals.unmentioned")["params"]["cells"].append(["appeals", "data", "nope.total"]),
        lambda raw: _rule(raw, "proactive.regulations_level")["params"].update(row=["proactive", "nope"]),
        lambda raw: _rule(raw, "proactive.regulations_level")["params"].update(levels=["emperor"]),
        lambda raw: _rule(raw, "other.fee_link")["params"].update(cell=["requests", "nope", "total"]),
        lambda raw: _rule(raw, "other.fee_link")["params"].pop("charge_verbs"),
    ],
)
def test_malformed_template_is_refused(mangle) -> None:  # type: ignore[no-untyped-def]
    raw = copy.deepcopy(_raw())
    mangle(raw)
    with pytest.raises(TemplateError):
        parse_template(raw)


# ---------------------------------------------------------------------- the printed grids


def _coverage(grid: Grid) -> dict[tuple[int, int], int]:
    seen: dict[tuple[int, int], int] = {}
    for cell in grid.cells:
        assert cell.rowspan >= 1 and cell.colspan >= 1
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                seen[(r, c)] = seen.get((r, c), 0) + 1
    return seen


@pytest.mark.parametrize("key", ["proactive", "requests", "appeals"])
def test_every_grid_position_is_covered_exactly_once(template: ReportTemplate, key: str) -> None:
    grid = grid_for(template, key)
    seen = _coverage(grid)
    assert set(seen) == {(r, c) for r in range(grid.n_rows) for c in range(grid.n_cols)}
    assert set(seen.values()) == {1}
    for (r, c) in seen:
        cell = grid.at(r, c)
        assert cell is not None
        assert cell.row <= r < cell.row + cell.rowspan and cell.col <= c < cell.col + cell.colspan
    assert grid.at(grid.n_rows, 0) is None and grid.at(0, grid.n_cols) is None
    # Every template cell has exactly one value cell, and only they carry a ref.
    section = template.section(key)
    refs = [c.ref for c in grid.cells if c.kind == "value"]
    assert refs == [CellRef(key, c.row, c.column) for c in section.cells]
    assert all(c.ref is None for c in grid.cells if c.kind != "value")
    for ref in refs:
        assert ref is not None
        pos = grid.position(ref)
        assert pos is not None and grid.at(*pos) is grid.cell_of(ref)
    assert all(c.text for c in grid.cells if c.kind in ("title", "header", "label"))


def _layout(grid: Grid) -> set[tuple[int, int, int, int, str, object]]:
    return {(c.row, c.col, c.rowspan, c.colspan, c.kind, c.ref or c.text) for c in grid.cells}


def test_proactive_grid_is_the_printed_form(template: ReportTemplate) -> None:
    grid = grid_for(template, "proactive")
    assert (grid.n_rows, grid.n_cols, grid.label_cols) == (14, 4, 1)

    def ref(row: str, col: str) -> CellRef:
        return CellRef("proactive", row, col)

    expected: set[tuple[int, int, int, int, str, object]] = {
        (0, 0, 1, 4, "title", "第二十条第（一）项"),
        (1, 0, 1, 1, "corner", "信息内容"), (1, 1, 1, 1, "header", "本年制发件数"),
        (1, 2, 1, 1, "header", "本年废止件数"), (1, 3, 1, 1, "header", "现行有效件数"),
        (2, 0, 1, 1, "label", "规章"),
        (2, 1, 1, 1, "value", ref("regulations", "issued")), (2, 2, 1, 1, "value", ref("regulations", "repealed")),
        (2, 3, 1, 1, "value", ref("regulations", "in_force")),
        (3, 0, 1, 1, "label", "行政规范性文件"),
        (3, 1, 1, 1, "value", ref("normative_documents", "issued")),
        (3, 2, 1, 1, "value", ref("normative_documents", "repealed")),
        (3, 3, 1, 1, "value", ref("normative_documents", "in_force")),
        (4, 0, 1, 4, "title", "第二十条第（五）项"),
        (5, 0, 1, 1, "corner", "信息内容"), (5, 1, 1, 3, "header", "本年处理决定数量"),
        (6, 0, 1, 1, "label", "行政许可"), (6, 1, 1, 3, "value", ref("licensing", "decisions")),
        (7, 0, 1, 4, "title", "第二十条第（六）项"),
        (8, 0, 1, 1, "corner", "信息内容"), (8, 1, 1, 3, "header", "本年处理决定数量"),
        (9, 0, 1, 1, "label", "行政处罚"), (9, 1, 1, 3, "value", ref("penalty", "decisions")),
        (10, 0, 1, 1, "label", "行政强制"), (10, 1, 1, 3, "value", ref("enforcement", "decisions")),
        (11, 0, 1, 4, "title", "第二十条第（八）项"),
        (12, 0, 1, 1, "corner", "信息内容"), (12, 1, 1, 3, "header", "本年收费金额（单位：万元）"),
        (13, 0, 1, 1, "label", "行政事业性收费"), (13, 1, 1, 3, "value", ref("fees", "amount")),
    }
    assert _layout(grid) == expected
    # The fee value spans 3 columns: one merge in the Qt view, the workbook and the PDF.
    fee = grid.cell_of(ref("fees", "amount"))
    assert fee is not None and (fee.rowspan, fee.colspan) == (1, 3)


def test_requests_grid_is_the_printed_form(template: ReportTemplate) -> None:
    grid = grid_for(template, "requests")
    assert (grid.n_rows, grid.n_cols, grid.label_cols, grid.header_rows) == (28, 10, 3, 3)
    header = {(c.row, c.col, c.rowspan, c.colspan, c.kind, c.text) for c in grid.cells if c.row < 3}
    assert header == {
        (0, 0, 3, 3, "corner", "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"),
        (0, 3, 1, 7, "header", "申请人情况"),
        (1, 3, 2, 1, "header", "自然人"),
        (1, 4, 1, 5, "header", "法人或其他组织"),
        (1, 9, 2, 1, "header", "总计"),
        (2, 4, 1, 1, "header", "商业企业"), (2, 5, 1, 1, "header", "科研机构"),
        (2, 6, 1, 1, "header", "社会公益组织"), (2, 7, 1, 1, "header", "法律服务机构"),
        (2, 8, 1, 1, "header", "其他"),
    }
    labels = {(c.row, c.col, c.rowspan, c.colspan, c.text) for c in grid.cells if c.kind == "label"}
    by_text = {text: (r, c, rs, cs) for r, c, rs, cs, text in labels if text not in ("1.属于国家秘密",)}
    assert by_text["一、本年新收政府信息公开申请数量"] == (3, 0, 1, 3)  # the `new` label spans 3 columns
    assert by_text["二、上年结转政府信息公开申请数量"] == (4, 0, 1, 3)
    assert by_text["三、本年度办理结果"] == (5, 0, 22, 1)
    assert by_text["（一）予以公开"] == (5, 1, 1, 2)
    assert by_text["（二）部分公开（区分处理的，只计这一情形，不计其他情形）"] == (6, 1, 1, 2)
    assert by_text["（三）不予公开"] == (7, 1, 8, 1)
    assert by_text["（四）无法提供"] == (15, 1, 3, 1)
    assert by_text["（五）不予处理"] == (18, 1, 5, 1)
    assert by_text["（六）其他处理"] == (23, 1, 3, 1)
    assert by_text["（七）总计"] == (26, 1, 1, 2)
    assert by_text["四、结转下年度继续办理"] == (27, 0, 1, 3)
    assert (7, 2, 1, 1, "1.属于国家秘密") in labels
    # 25 data rows, one label leaf each, in the spec's order, with 7 values to its right.
    for i, (key, path) in enumerate(REQUEST_ROWS):
        r = 3 + i
        leaf = grid.at(r, 3 - 1)
        assert leaf is not None and leaf.kind == "label" and leaf.text == path[-1] and leaf.row == r
        for j, (col, _) in enumerate(REQUEST_COLUMNS):
            cell = grid.at(r, 3 + j)
            assert cell is not None and cell.ref == CellRef("requests", key, col) and not cell.is_merged
    assert len(labels) == 25 + 1 + 4  # leaves + 三、本年度办理结果 + （三）…（六）


def test_appeals_grid_is_the_printed_form(template: ReportTemplate) -> None:
    grid = grid_for(template, "appeals")
    assert (grid.n_rows, grid.n_cols, grid.label_cols, grid.header_rows) == (4, 15, 0, 3)
    expected: set[tuple[int, int, int, int, str, object]] = {
        (0, 0, 1, 5, "header", "行政复议"),  # 行政复议 spans 5 columns
        (0, 5, 1, 10, "header", "行政诉讼"),
        (1, 5, 1, 5, "header", "未经复议直接起诉"),
        (1, 10, 1, 5, "header", "复议后起诉"),
    }
    for i, (_, label) in enumerate(APPEAL_RESULTS):
        expected.add((1, i, 2, 1, "header", label))  # rowspan 2 under 行政复议
        expected.add((2, 5 + i, 1, 1, "header", label))
        expected.add((2, 10 + i, 1, 1, "header", label))
    col = 0
    for g, _ in APPEAL_GROUPS:
        for k, _ in APPEAL_RESULTS:
            expected.add((3, col, 1, 1, "value", CellRef("appeals", "data", f"{g}.{k}")))
            col += 1
    assert _layout(grid) == expected


def test_grid_refuses_narrative_sections(template: ReportTemplate) -> None:
    with pytest.raises(ValueError):
        build_grid(template.section("overview"))


def test_grid_for_is_cached_and_equal_to_a_fresh_build(template: ReportTemplate) -> None:
    for key in ("proactive", "requests", "appeals"):
        assert grid_for(template, key) is grid_for(template, key)
        assert build_grid(template.section(key)).cells == grid_for(template, key).cells
