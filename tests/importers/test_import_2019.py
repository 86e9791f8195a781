"""Reports on 2019 and 2020 (the 2019 trial format) import as such: the format is chosen by
scoring every template against the document's own table labels, every printed cell lands in
its place, a blank cell stays blank, 本年增/减 keeps its sign (``减4``) and 采购总金额 its unit.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from report_builders import (
    assert_values,
    cell_per_line,
    document,
    expected_values,
    html_page,
    html_table,
    inner_text,
    labels_then_numbers,
    leaf_labels_only,
    pipes,
    spaced,
    tabs,
)
from report_strategies import reports_2019

from importers.formats import choose_template, distinctive_labels, document_core, score_formats
from importers.html import import_html
from importers.text import import_text
from models.checker import check_report
from models.normalise import squash
from models.report import Report
from models.template import load_template
from models.values import CellRef, Quantity

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
T19, T21 = load_template("2019"), load_template("2021")
WEB_COPY = (FIXTURES / "district-market-2020.txt").read_text(encoding="utf-8")
PRINTED = expected_values("district-market-2020", T19)  # None: printed blank
FILLED = {ref: (0 if v is None else v) for ref, v in PRINTED.items()}
SIGNED = {CellRef("proactive", "licensing", "items_change"): "减4", CellRef("proactive", "penalty", "items_change"): "-18"}
TITLE = "某某市某某区市场监督管理局2020年政府信息公开工作年度报告"
NARRATIVE = {
    "overview": "2020年，我局认真贯彻落实《中华人民共和国政府信息公开条例》。\n"
                "（二）依申请公开情况。全年共收到政府信息公开申请54件，上年结转3件。行政复议1件，未发生行政诉讼。",
    "problems": "信息更新不够及时。下一步将完善信息发布机制。",
    "other": "本年度未收取信息处理费。",
}


# ---------------------------------------------------------------------- the web page copy (acceptance)


def test_a_2019_report_copied_from_a_web_page_imports_every_printed_cell() -> None:
    result = import_text(WEB_COPY, source="district-market-2020.txt")
    report = result.report
    assert report.template is T19
    assert (report.meta.agency, report.meta.year) == ("某某市某某区市场监督管理局", 2020)
    assert_values(report.values, PRINTED)  # every printed cell right, and every blank still blank
    # the fixture's blanks: the whole 科研机构 column, nine 总计 of outcome rows, two 本年增/减
    assert sum(v is None for v in PRINTED.values()) == 23 + 9 + 2
    v = report.values
    assert v[CellRef("proactive", "licensing", "items_change")] == -4  # printed 减4
    assert v[CellRef("proactive", "penalty", "items_change")] == -18
    assert v[CellRef("proactive", "procurement", "procurement_amount")] == Quantity(Decimal(251000), "元")
    assert v[CellRef("requests", "other_handling", "total")] == 2  # 2019's single （六）其他处理 row
    # nothing about the document needed saying but 五's 2019 wording
    assert [(f.rule, f.section) for f in result.findings] == [("sections.heading", "problems")]


def test_the_imported_2019_report_is_checked_by_the_2019_rules() -> None:
    report = import_text(WEB_COPY).report
    rules = {f.rule for f in check_report(report)}
    # blanks: value.missing; a blank 总计 whose parts are filled: its sum rule, never filled in
    assert {"value.missing", "requests.row_total"} <= rules
    assert not rules & {"value.type", "format.version", "narrative.numbers", "requests.balance"}


# ---------------------------------------------------------------------- every shape of publication


SHAPES: dict[str, Callable[..., str]] = {
    "pipes": lambda: document(pipes, FILLED, template=T19, printed=SIGNED, title=TITLE, narrative=NARRATIVE),
    "tabs": lambda: document(tabs, FILLED, template=T19, printed=SIGNED, title=TITLE, narrative=NARRATIVE,
                             continuation=None),
    "cells": lambda: document(cell_per_line, FILLED, template=T19, printed=SIGNED, title=TITLE,
                              narrative=NARRATIVE, continuation=None),
    "layout": lambda: document(spaced, FILLED, template=T19, printed=SIGNED, title=TITLE, narrative=NARRATIVE),
    "labels-then-numbers": lambda: document(labels_then_numbers(" "), FILLED, template=T19, printed=SIGNED,
                                            title=TITLE, narrative=NARRATIVE),
    "leaf-labels": lambda: document(leaf_labels_only, FILLED, template=T19, printed=SIGNED, title=TITLE,
                                    narrative=NARRATIVE),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_2019_shapes(shape: str) -> None:
    """Flattened shapes that drop a blank cell's place are printed filled (where a blank went
    is then unknowable: the importer says so, see test_real_world_shapes); the web copy above
    and the saved page below keep their blanks."""
    result = import_text(SHAPES[shape]())
    assert result.report.template is T19
    assert_values(result.report.values, FILLED)
    assert not [f for f in result.findings if f.rule.startswith("import.")], [f.message for f in result.findings]


@pytest.mark.parametrize("copy", ["page", "browser"])
def test_2019_web_page(copy: str) -> None:
    values = PRINTED if copy == "page" else FILLED  # a browser's copy drops a row's trailing blank cells
    page = html_page(values, template=T19, title=TITLE, narrative=NARRATIVE,
                     table=lambda key: html_table(key, values, template=T19, printed=SIGNED))
    result = import_html(page.encode("utf-8")) if copy == "page" else import_text(inner_text(page))
    assert result.report.template is T19
    assert_values(result.report.values, values)


# ---------------------------------------------------------------------- choosing the format


def test_the_templates_distinctive_labels() -> None:
    d19, d21 = distinctive_labels(T19), distinctive_labels(T21)
    assert {"本年新制作数量", "上一年项目数量", "本年增减", "政府集中采购", "采购总金额"} <= d19
    assert {"本年制发件数", "现行有效件数", "本年处理决定数量", "行政规范性文件"} <= d21
    assert not d19 & d21
    # 规范性文件 and 处理决定数量 are printed inside 2021's longer labels: they say nothing
    assert "规范性文件" not in d19 and "处理决定数量" not in d19


def test_scores_of_real_documents() -> None:
    scores = {s.template.id: s.share for s in score_formats(document_core(squash(WEB_COPY)))}
    assert scores["2019"] == 1.0 and scores["2021"] < 0.5
    huaian = (FIXTURES / "huaian-city-2024.txt").read_text(encoding="utf-8")
    scores = {s.template.id: s.share for s in score_formats(document_core(squash(huaian)))}
    assert scores["2021"] > 0.8 and scores["2019"] == 0.0


def test_the_year_settles_a_tie_and_only_a_tie() -> None:
    assert choose_template("", 2020) == (T19, False)  # no table printed: the year decides
    assert choose_template("", 2023) == (T21, False)
    assert choose_template("", None) == (T21, False)  # nothing at all: the newest format
    core = document_core(squash(WEB_COPY))
    assert choose_template(core, 2023) == (T19, True)  # the wording wins over the year


def test_a_2019_format_report_for_2021_is_a_finding_not_a_refusal() -> None:
    text = WEB_COPY.replace("2020年", "2021年")
    result = import_text(text)
    assert result.report.template is T19 and result.report.meta.year == 2021
    [f] = [f for f in result.findings if f.rule == "format.version"]
    assert f.severity == "error" and "2019年版（试行）格式" in f.message and "2021年版格式" in f.message
    assert_values(result.report.values, PRINTED)
    assert any(f.rule == "format.version" for f in check_report(result.report).errors)  # and the checker says so


def test_a_2021_report_printing_the_old_single_row_stays_2021() -> None:
    from report_builders import VALUES
    from report_builders import document as doc21

    sums = [sum(VALUES[CellRef("requests", r, c)] for r in ("other_no_correction", "other_no_fee", "other_other"))
            for c in T21.section("requests").columns_of("new")]
    lines = doc21(pipes).splitlines()
    group = next(i for i, x in enumerate(lines) if "（六）其他处理" in x)
    lines[group:group + 3] = [" | （六）其他处理 |  | " + " | ".join(str(s) for s in sums)]
    result = import_text("\n".join(lines))
    assert result.report.template is T21
    assert [f.severity for f in result.findings if f.rule == "format.version"] == ["warning"]


# ---------------------------------------------------------------------- the workbook, there and back


def _workbook(report: Report) -> bytes:
    from exporters.xlsx import export_xlsx

    buf = io.BytesIO()
    export_xlsx(report, buf)
    return buf.getvalue()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report=reports_2019())
def test_xlsx_round_trip_of_2019_reports(report: Report) -> None:
    from importers.xlsx import import_workbook

    result = import_workbook(io.BytesIO(_workbook(report)))
    assert result.report.template is T19
    assert result.report.same_content(report)
    for c in T19.all_cells():  # the very digits and the unit as typed
        assert str(result.report.values[c.ref]) == str(report.values[c.ref])
    assert not [f for f in result.findings if f.severity == "error"]


def test_the_2019_workbook_validates_each_column_by_its_spec() -> None:
    import openpyxl

    from models.workbook_map import sheet_name

    wb = openpyxl.load_workbook(io.BytesIO(_workbook(import_text(WEB_COPY).report)))
    ws = wb[sheet_name(T19.section("proactive"))]
    kinds = {(dv.type, dv.formula1): dv.prompt for dv in ws.data_validations.dataValidation}
    assert ("whole", "0") in kinds  # counts
    assert ("whole", "-999999999999") in kinds  # 本年增/减 may be negative
    assert any(t == "textLength" for t, _ in kinds)  # 采购总金额 is text with its unit
    edited = openpyxl.load_workbook(io.BytesIO(_workbook(import_text(WEB_COPY).report)))
    for row in edited[sheet_name(T19.section("proactive"))].iter_rows():
        for cell in row:
            if cell.value == "251000元":
                cell.value = "3.2万元"  # a colleague types another amount with its unit
    buf = io.BytesIO()
    edited.save(buf)
    from importers.xlsx import import_workbook

    back = import_workbook(io.BytesIO(buf.getvalue())).report
    assert back.values[CellRef("proactive", "procurement", "procurement_amount")] == Quantity(Decimal("3.2"), "万元")
