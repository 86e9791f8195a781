"""The Excel export, read back with openpyxl: layout from the grid, values, checks, print setup."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, range_boundaries

from exporters import render
from exporters.xlsx import export_xlsx
from models import storage
from models.checker import check_report, checker_for
from models.grid import grid_for
from models.report import Report
from models.template import load_template
from models.values import CellRef
from models.workbook_map import BASIC_SHEET, META_SHEET, TABLE_ORIGIN, sheet_name

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def huaian() -> Report:
    """The 淮安 2024 tables (consistent figures) with narratives and a note under 表四."""
    raw = json.loads((FIXTURES / "huaian-city-2024.expected.json").read_text(encoding="utf-8"))
    doc = {"format": storage.FORMAT_ID, "schema_version": 1, "template": "2021",
           "meta": {"agency": raw.pop("agency"), "year": raw.pop("year")}, "sections": raw}
    report = storage.from_dict(doc)
    report.texts["overview"] = "本年新收政府信息公开申请3119件。\n上年结转34件。\n发生行政复议、行政诉讼案件。"
    report.texts["problems"] = "一是公开质量有待提高。\n二是解读形式单一。"
    report.texts["other"] = "本年发出收费通知6件，申请人逾期未缴纳，未收取信息处理费。"
    report.notes["appeals"] = "注：行政复议、行政诉讼数量含上年度结转数量。"
    return report


def workbook(report: Report) -> openpyxl.Workbook:
    buf = io.BytesIO()
    export_xlsx(report, buf)
    return openpyxl.load_workbook(io.BytesIO(buf.getvalue()))


def cells_of(ref_text: str) -> set[tuple[int, int]]:
    """Every (row, col) of a reference list such as ``$D$5:$D$9,$F$3``."""
    out: set[tuple[int, int]] = set()
    for part in ref_text.replace("$", "").split(","):
        min_col, min_row, max_col, max_row = range_boundaries(part)
        out |= {(r, c) for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)}
    return out


def rc(coordinate: str) -> tuple[int, int]:
    letters, row = coordinate_from_string(coordinate)
    return row, column_index_from_string(letters)


@pytest.fixture(scope="module")
def sample() -> Report:
    return huaian()


@pytest.fixture(scope="module")
def wb(sample: Report) -> openpyxl.Workbook:
    return workbook(sample)


def position(section: str, ref: CellRef) -> tuple[int, int]:
    grid = grid_for(huaian().template, section)
    pos = grid.position(ref)
    assert pos is not None
    return TABLE_ORIGIN[0] + pos[0], TABLE_ORIGIN[1] + pos[1]


def test_sheets_named_from_the_template(wb: openpyxl.Workbook, sample: Report) -> None:
    tables = [f"{s.number}、{s.short}" for s in sample.template.table_sections]
    assert tables == ["二、主动公开", "三、依申请公开", "四、复议诉讼"]
    assert wb.sheetnames == [BASIC_SHEET, *tables, META_SHEET]
    assert wb[META_SHEET].sheet_state in ("hidden", "veryHidden")
    assert all(wb[name].sheet_state == "visible" for name in [BASIC_SHEET, *tables])


@pytest.mark.parametrize("section", ["proactive", "requests", "appeals"])
def test_merges_and_labels_follow_the_grid(wb: openpyxl.Workbook, sample: Report, section: str) -> None:
    t = sample.template
    grid = grid_for(t, section)
    ws = wb[sheet_name(t.section(section))]
    r0, c0 = TABLE_ORIGIN
    expected = {
        (r0 + c.row, c0 + c.col, r0 + c.row + c.rowspan - 1, c0 + c.col + c.colspan - 1) for c in grid.merged
    }
    inside = {
        (m.min_row, m.min_col, m.max_row, m.max_col)
        for m in ws.merged_cells.ranges
        if r0 <= m.min_row < r0 + grid.n_rows
    }
    assert inside == expected and expected
    for c in grid.cells:  # every printed label sits where the grid puts it (broken between words by hand)
        if not c.is_value:
            assert ws.cell(r0 + c.row, c0 + c.col).value.replace("\n", "") == c.text
        cell = ws.cell(r0 + c.row, c0 + c.col)
        assert cell.border.left.style == "thin" and cell.border.top.style == "thin"
        if c.kind in ("label", "header", "corner"):
            assert cell.alignment.wrap_text and cell.fill.fgColor.rgb not in (None, "00000000")


def test_values_exactly_as_in_the_report(wb: openpyxl.Workbook, sample: Report) -> None:
    for ref in sample.cell_refs():
        r, c = position(ref.section, ref)
        got = wb[sheet_name(sample.template.section(ref.section))].cell(r, c).value
        want = sample.values[ref]
        if isinstance(want, Decimal):
            assert Decimal(repr(got)) == want
        else:
            assert got == want and type(got) is type(want)


def test_wrong_total_stays_wrong(sample: Report) -> None:
    report = sample.copy()
    ref = CellRef("requests", "new", "total")
    report.values[ref] = 3120  # should be 3119
    ws = workbook(report)["三、依申请公开"]
    assert ws.cell(*position("requests", ref)).value == 3120


def test_every_equation_total_turns_red_by_its_sum(wb: openpyxl.Workbook, sample: Report) -> None:
    equations = checker_for(sample.template).equations
    assert len(equations) > 30
    for eq in equations:
        ws = wb[sheet_name(sample.template.section(eq.total.section))]
        total = position(eq.total.section, eq.total)
        rules = [rule for cf in ws.conditional_formatting for rule in cf.rules
                 if total in cells_of(str(cf.sqref).replace(" ", ","))]
        sums = []
        for rule in rules:
            found = re.findall(r"SUM\(([^)]*)\)", rule.formula[0])
            assert len(found) == 2 and "<>" in rule.formula[0]
            sums.append({frozenset(cells_of(found[0])), frozenset(cells_of(found[1]))})
            assert rule.dxf.fill.fgColor.rgb.endswith("FFC7CE") or rule.dxf.fill.bgColor.rgb.endswith("FFC7CE")
            assert rule.dxf.font.color.rgb.endswith("9C0006")
        left = frozenset(position(r.section, r) for r in eq.left)
        right = frozenset(position(r.section, r) for r in eq.right)
        assert {left, right} in sums, f"no rule SUM({eq.left}) <> SUM({eq.right}) on {eq.total}"


def test_balance_rule_is_among_them(wb: openpyxl.Workbook) -> None:
    """一+二 = 三+四 in every column, on 结转下年度继续办理."""
    ws = wb["三、依申请公开"]
    ref = CellRef("requests", "carried_forward", "natural")
    coordinate = ws.cell(*position("requests", ref)).coordinate
    formulas = [r.formula[0] for cf in ws.conditional_formatting for r in cf.rules if str(cf.sqref) == coordinate]
    new = ws.cell(*position("requests", CellRef("requests", "new", "natural"))).coordinate
    results = ws.cell(*position("requests", CellRef("requests", "results_total", "natural"))).coordinate
    assert any(new.replace("D", "$D$") in f and results.replace("D", "$D$") in f for f in formulas), formulas


def test_every_value_cell_is_validated(wb: openpyxl.Workbook, sample: Report) -> None:
    for section in sample.template.table_sections:
        ws = wb[sheet_name(section)]
        covered: dict[tuple[int, int], list] = {}
        for dv in ws.data_validations.dataValidation:
            for rng in str(dv.sqref).split():
                for pos in cells_of(rng):
                    covered.setdefault(pos, []).append(dv)
        for spec in section.cells:
            ref = CellRef(spec.section, spec.row, spec.column)
            dvs = covered.get(position(section.key, ref), [])
            assert len(dvs) == 1, ref
            dv = dvs[0]
            assert dv.type == ("whole" if spec.number.name == "count" else "decimal")
            # the column's NumberSpec: ≥ 0 and at most 12 integer digits (6 places for the fee)
            assert dv.operator == "between" and dv.formula1 == "0"
            assert dv.formula2 == ("999999999999" if spec.number.whole else "999999999999.999999")
            assert dv.showErrorMessage and re.search(r"[\u4e00-\u9fff]", dv.error + dv.errorTitle)
            assert dv.prompt and dv.allow_blank
    fee = CellRef("proactive", "fees", "amount")
    assert sample.template.cell(*fee).number.name == "amount"


def test_findings_become_comments(sample: Report) -> None:
    report = sample.copy()
    bad = CellRef("requests", "new", "total")
    report.values[bad] = 3120
    report.values[CellRef("appeals", "data", "review.upheld")] = None
    result = check_report(report)
    wb = workbook(report)
    ws = wb["三、依申请公开"]
    comment = ws.cell(*position("requests", bad)).comment
    assert comment is not None and comment.author == "年报编辑器"
    for f in result.for_cell(bad):
        if f.total_cell == bad:
            assert f.message in comment.text
    # an addend of the broken sum is not itself marked
    assert ws.cell(*position("requests", CellRef("requests", "new", "natural"))).comment is None
    blank = wb["四、复议诉讼"].cell(*position("appeals", CellRef("appeals", "data", "review.upheld"))).comment
    assert blank is not None and "未填写" in blank.text
    # a clean workbook carries no comments on its values
    assert not check_report(sample).mapping
    clean = workbook(sample)
    assert not any(c.comment for ws in clean.worksheets[1:4] for row in ws.iter_rows() for c in row)


def test_narrative_findings_annotate_their_heading(sample: Report) -> None:
    report = sample.copy()
    report.texts["problems"] = "无"
    findings = [f for f in check_report(report).for_section("problems") if not f.cells]
    assert findings
    ws = workbook(report)[BASIC_SHEET]
    heading = next(c for row in ws.iter_rows() for c in row if c.value == report.template.section("problems").title)
    assert heading.comment is not None and all(f.message in heading.comment.text for f in findings)


def test_frozen_panes_and_print_setup(wb: openpyxl.Workbook, sample: Report) -> None:
    r0, c0 = TABLE_ORIGIN
    for section in sample.template.table_sections:
        grid = grid_for(sample.template, section.key)
        ws = wb[sheet_name(section)]
        frozen_row, frozen_col = rc(ws.freeze_panes)
        assert (frozen_row, frozen_col) == (r0 + grid.header_rows, c0 + grid.label_cols)
        if grid.header_rows:
            assert ws.print_title_rows.replace("$", "") == f"{r0}:{r0 + grid.header_rows - 1}"
    for ws in wb.worksheets[:4]:
        assert str(ws.page_setup.paperSize) == "9"  # A4
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert wb["三、依申请公开"].page_setup.orientation == "portrait"


def test_basic_sheet_holds_meta_and_narratives(wb: openpyxl.Workbook, sample: Report) -> None:
    ws = wb[BASIC_SHEET]
    rows = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r[0]}
    assert rows["机关名称"] == "淮安市人民政府" and rows["年度"] == 2024
    assert "国办公开办函〔2021〕30号" in rows["格式"]
    column_a = [r[0] for r in ws.iter_rows(values_only=True)]
    for section in sample.template.narrative_sections:
        i = column_a.index(section.title)
        lines = sample.texts[section.key].split("\n")
        assert column_a[i + 1: i + 1 + len(lines)] == lines
        assert ws.cell(i + 2, 1).alignment.wrap_text


@pytest.mark.parametrize("amount", ["68.640", "5949.088667", "12345678901234.56789", "0.000001", "7"])
def test_amounts_keep_every_digit(amount: str) -> None:
    report = Report.blank(load_template("2021"), agency="某局", year=2024)
    fee = CellRef("proactive", "fees", "amount")
    report.values[fee] = Decimal(amount)
    cell = workbook(report)["二、主动公开"].cell(*position("proactive", fee))
    if isinstance(cell.value, str):  # more digits than a spreadsheet number keeps
        assert cell.value == amount and len(amount.replace(".", "")) > 15
    else:
        places = len(amount.partition(".")[2])
        assert f"{cell.value:.{places}f}" == amount  # the number as shown keeps trailing zeros
        assert len(cell.number_format.partition(".")[2]) == places


def test_text_that_looks_like_a_formula_stays_text() -> None:
    report = Report.blank(load_template("2021"), agency="=HYPERLINK(\"http://x\")", year=2024)
    report.texts["overview"] = "=1+1\n@SUM(A1)"
    ws = workbook(report)[BASIC_SHEET]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "=HYPERLINK(\"http://x\")" in values and "=1+1" in values
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_render_dispatches_to_xlsx(sample: Report) -> None:
    data = render(sample, ".xlsx")
    assert data[:2] == b"PK"
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames[0] == BASIC_SHEET
