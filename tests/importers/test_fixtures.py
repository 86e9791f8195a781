"""Acceptance of issue 2 for the importers: the real published reports in ``tests/fixtures``."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from importers import ImportResult, read_report
from models import storage
from models.checker import check_report
from models.findings import Finding
from models.resources import resource_path
from models.template import load_template
from models.values import CellRef

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
T = load_template("2021")
FOOTER_WORDS = ("版权所有", "ICP", "网站标识码", "主办单位", "国务院部门网站", "公网安备")


def imported(name: str) -> ImportResult:
    return read_report(FIXTURES / name)


def combined(result: ImportResult) -> list[Finding]:
    """What `main.py check` shows: the importer's findings and the checker's open ones."""
    return list(result.findings) + check_report(result.report).open()


# ---------------------------------------------------------------------- 武隆 2021


@pytest.fixture(scope="module")
def wulong() -> ImportResult:
    return imported("wulong-hrss-2021.txt")


def test_wulong_values(wulong: ImportResult) -> None:
    v = wulong.report.values
    assert v[CellRef("proactive", "licensing", "decisions")] == 62
    assert v[CellRef("proactive", "penalty", "decisions")] == 7
    assert v[CellRef("proactive", "enforcement", "decisions")] == 0
    fee = v[CellRef("proactive", "fees", "amount")]
    assert fee == Decimal("68.64") and isinstance(fee, Decimal)
    zero_rows = [("proactive", "regulations"), ("proactive", "normative_documents")]
    zeros = [ref for ref in v if (ref.section, ref.row) in zero_rows or ref.section in ("requests", "appeals")]
    assert len(zeros) == 6 + 175 + 15
    assert all(v[ref] == 0 and v[ref] is not None for ref in zeros), [r for r in zeros if v[r] != 0]


def test_wulong_meta(wulong: ImportResult) -> None:
    meta = wulong.report.meta
    assert meta.year == 2021 and wulong.report.template.id == "2021"
    assert meta.title is None  # the copied page text has no title line


def test_wulong_narratives_complete_without_the_site_footer(wulong: ImportResult) -> None:
    texts = wulong.report.texts
    overview = texts["overview"].splitlines()
    assert overview[0].startswith("2021年,我局按照上级要求")
    assert [p[:3] for p in overview[1:]] == ["(一)", "(二)", "(三)", "(四)", "(五)"]
    assert overview[-1].endswith("区政府培训3次。")
    assert "我局未收到依申请公开政府信息" in texts["overview"]
    problems = texts["problems"].splitlines()
    assert [p[:7] for p in problems] == ["(一)存在的问", "(二)改进措施"]
    assert problems[-1].endswith("了解信息的公开方式。")
    assert texts["other"] == (
        "本机关严格落实《政府信息公开条例》和《武隆区贯彻落实国务院办公厅2021年政务公开工作要点》要求,"
        "完成政务公开各项工作。本机关未收取信息处理费。"
    )
    for text in texts.values():
        assert not any(w in text for w in FOOTER_WORDS)


def test_wulong_check_gives_exactly_two_infos(wulong: ImportResult) -> None:
    findings = combined(wulong)
    assert not [f.message for f in findings if f.severity in ("error", "warning")]
    infos = sorted(findings, key=lambda f: f.rule)
    assert [(f.rule, f.severity) for f in infos] == [("sections.heading", "info"), ("value.unit_text", "info")]
    heading, unit = infos
    assert heading.section == "problems" and "当前存在的主要问题及下步改进措施" in heading.message
    assert unit.cells == (CellRef("proactive", "fees", "amount"),) and "68.64万元" in unit.message


# ---------------------------------------------------------------------- 淮安 2024 and 平潭 2023


@pytest.mark.parametrize(("source", "expected"), [
    ("huaian-city-2024.txt", "huaian-city-2024.expected.json"),
    ("pingtan-2023.html", "pingtan-2023.expected.json"),
    # `pdftotext -layout -enc UTF-8 huaian-city-2024.pdf` (poppler 22): columns laid out with
    # spaces, long row labels wrapped over three lines with the numbers on the middle one.
    ("huaian-city-2024.pdftotext-layout.txt", "huaian-city-2024.expected.json"),
])
def test_import_equals_the_transcription_in_every_cell(source: str, expected: str) -> None:
    data = json.loads((FIXTURES / expected).read_text(encoding="utf-8"))
    result = imported(source)
    report = result.report
    compared = 0
    for section, rows in data.items():
        if not isinstance(rows, dict):
            continue
        for row, cols in rows.items():
            for column, raw in cols.items():
                want = Decimal(raw) if isinstance(raw, str) else raw
                got = report.values[CellRef(section, row, column)]
                assert got == want and type(got) is type(want), (section, row, column, got, want)
                compared += 1
    assert compared == 200 == len(T.all_cells())
    assert (report.meta.agency, report.meta.year) == (data["agency"], data["year"])
    assert not check_report(report).errors
    assert not [f.message for f in result.findings if f.severity == "error"]


def test_huaian_pdf_lines_are_rejoined_into_paragraphs() -> None:
    report = imported("huaian-city-2024.txt").report
    assert report.meta.title == "淮安市人民政府2024年政府信息公开工作年度报告"
    overview = report.texts["overview"].splitlines()
    assert len(overview) == 6  # the lead paragraph and （一）…（五）
    assert overview[2].startswith("（二）依申请公开情况。") and "全市共受理政府信息公开申请3119件，答复3050件" in overview[2]
    problems = report.texts["problems"].splitlines()
    assert len(problems) == 2 and problems[1].startswith("针对存在问题，下一步")
    assert report.texts["other"] == "2024年，市政府严格落实《政府信息公开信息处理费管理办法》，全年收取政府信息公开信息处理费3940元。"


def test_pdftotext_layout_gives_the_same_narratives_as_the_pdf_text_layer() -> None:
    from_layout = imported("huaian-city-2024.pdftotext-layout.txt").report
    from_text = imported("huaian-city-2024.txt").report
    assert from_layout.texts == from_text.texts
    assert from_layout.meta == from_text.meta


def test_pingtan_page_furniture_is_left_out() -> None:
    result = imported("pingtan-2023.html")
    report = result.report
    assert report.meta.title == "平潭综合实验区2023年度政府信息公开工作年度报告"
    assert report.texts["other"] == "2023年，无收取信息处理费情况。"
    assert report.texts["overview"].startswith("2023年，平潭综合实验区坚持")
    assert "（五）监督保障方面" in report.texts["overview"]
    for text in report.texts.values():
        assert not any(w in text for w in FOOTER_WORDS + ("扫一扫", "附件下载", "var "))
    assert not [f for f in combined(result) if f.severity == "warning"]


# ---------------------------------------------------------------------- the truncated excerpt


def test_truncated_excerpt_reports_what_is_missing_and_invents_nothing() -> None:
    result = imported("longgang-dept-2024-excerpt.txt")
    report = result.report
    printed = {  # what the excerpt prints, row by row (it stops inside 7.属于行政执法案卷)
        ("proactive", "regulations"): [0, 0, 0],
        ("proactive", "normative_documents"): [5, 1, 25],
        ("proactive", "licensing"): [0],
        ("proactive", "penalty"): [0],
        ("proactive", "enforcement"): [0],
        ("proactive", "fees"): [0],
        ("requests", "new"): [58, 7, 0, 0, 1, 0, 66],
        ("requests", "carried_over"): [2, 0, 0, 0, 0, 0, 2],
        ("requests", "granted"): [2, 1, 0, 0, 0, 0, 3],
        ("requests", "partial"): [16, 1, 0, 0, 0, 0, 17],
        ("requests", "withheld_state_secret"): [0] * 7,
        ("requests", "withheld_law"): [0] * 7,
        ("requests", "withheld_security"): [0] * 7,
        ("requests", "withheld_third_party"): [0] * 7,
        ("requests", "withheld_internal"): [1, 0, 0, 0, 0, 0, 1],
        ("requests", "withheld_process"): [0] * 7,
        ("requests", "withheld_enforcement_file"): [0] * 6,
    }
    expected: dict[CellRef, object] = {}
    for (section, row), values in printed.items():
        for column, value in zip(T.section(section).columns_of(row), values, strict=False):
            expected[CellRef(section, row, column)] = value
    filled = {ref: v for ref, v in report.values.items() if v is not None}
    assert filled == expected
    # Every blank cell is named by an importer finding, and each missing part is reported.
    missing = [f for f in result.findings if f.rule == "import.missing"]
    named = {ref for f in missing for ref in f.cells}
    assert {ref for ref, v in report.values.items() if v is None} <= named
    assert all(f.severity == "warning" for f in missing)
    assert {f.section for f in missing} == {"requests", "appeals", "problems", "other"}
    appeals = next(f for f in missing if f.section == "appeals")
    assert len(appeals.cells) == 15 and "四、政府信息公开行政复议、行政诉讼情况" in appeals.message
    short = next(f for f in missing if f.cells == (CellRef("requests", "withheld_enforcement_file", "total"),))
    assert "只读到 6 个数" in short.message
    assert report.texts["overview"].startswith("本年报根据《中华人民共和国政府信息公开条例》")
    assert report.texts["problems"] == report.texts["other"] == ""
    assert report.meta.year == 2024


# ---------------------------------------------------------------------- the shipped sample


# The captured page text starts at 一、总体情况: the agency is only in the page's <title>, which
# the capture left out, so the sample adds it (as a user would on the 基本信息 tab).
SAMPLE_AGENCY = "重庆市武隆区人力资源和社会保障局"


def test_shipped_sample_is_a_fresh_import_of_the_wulong_fixture() -> None:
    sample = resource_path("samples", "wulong-hrss-2021.json")
    fresh = imported("wulong-hrss-2021.txt").report
    assert fresh.meta.agency == ""  # never guessed from the site's 版权所有 line
    fresh.meta.agency = SAMPLE_AGENCY
    assert sample.read_text(encoding="utf-8") == storage.dumps(fresh)
    assert storage.load(sample).same_content(fresh)
