"""The opening paragraph (导语) end to end: the report file (old files stay valid), the importers
(text, web page, workbook) keep it instead of dropping it, the PDF prints it before 一 without a
heading, the workbook carries it and reads it back."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest

from exporters import render
from importers import read_report
from importers.text import import_text
from importers.xlsx import import_workbook
from models import storage
from models.report import PREFACE, PREFACE_LABEL, Report

pypdf = pytest.importorskip("pypdf")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLE = ROOT / "resources" / "samples" / "wulong-hrss-2021.json"
PREFACE_TEXT = ("本报告根据《中华人民共和国政府信息公开条例》编制，全文包括总体情况、主动公开政府信息情况等六部分。\n"
                "本报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止。如对本报告有疑问，请与区人力社保局联系。")


def with_preface(text: str = PREFACE_TEXT) -> Report:
    report = storage.load(SAMPLE)
    report.texts[PREFACE] = text
    return report


# ---------------------------------------------------------------------- the report file


def test_an_old_file_without_preface_still_opens_and_saves_without_one() -> None:
    report = storage.load(SAMPLE)  # written before the 导语 existed
    assert report.preface == ""
    assert PREFACE not in json.loads(storage.dumps(report))["sections"]  # older editors can still read it


def test_the_preface_is_kept_first_in_the_file_and_comes_back() -> None:
    report = with_preface()
    doc = json.loads(storage.dumps(report))
    assert list(doc["sections"])[0] == PREFACE
    assert doc["sections"][PREFACE] == {"text": PREFACE_TEXT}
    loaded = storage.loads(storage.dumps(report))
    assert loaded.preface == PREFACE_TEXT and loaded.same_content(report)
    assert not storage.load(SAMPLE).same_content(report)  # the preface is content


@pytest.mark.parametrize("bad", [{"text": 5}, "本报告", {"text": "长" * 600_000}])
def test_a_malformed_preface_is_refused_with_a_message(bad: object) -> None:
    doc = json.loads(storage.dumps(storage.load(SAMPLE)))
    doc["sections"][PREFACE] = bad
    with pytest.raises(storage.ReportFileError, match=PREFACE_LABEL):
        storage.from_dict(doc)


# ---------------------------------------------------------------------- importers


def test_text_import_keeps_the_preface_apart_from_the_overview() -> None:
    result = read_report(FIXTURES / "huaian-city-2024.txt")
    preface = result.report.preface
    assert preface.startswith("本报告由淮安市人民政府办公室根据《中华人民共和国政府信息公开条例》")
    assert "统计期限自2024年1月1日至2024年12月31日" in preface and "hazwgkc@163.com" in preface
    assert "本报告" not in result.report.text("overview")
    assert not [f for f in result.findings if f.rule == "import.dropped"]


def test_web_page_import_keeps_the_preface() -> None:
    result = read_report(FIXTURES / "pingtan-2023.html")
    assert result.report.preface.startswith("本报告根据《中华人民共和国政府信息公开条例》（国务院令第711号")
    assert result.report.text("overview").startswith("2023年，平潭综合实验区")


def test_without_an_overview_heading_the_preface_still_leads() -> None:
    text = (FIXTURES / "huaian-city-2024.txt").read_text(encoding="utf-8").replace("一、总体情况\n", "", 1)
    result = import_text(text)
    assert result.report.preface.startswith("本报告由淮安市人民政府办公室")
    assert result.report.text("overview").startswith("2024年，我市坚持")


def test_a_report_without_one_imports_no_preface() -> None:
    assert read_report(FIXTURES / "wulong-hrss-2021.txt").report.preface == ""


# ---------------------------------------------------------------------- exporters


def test_pdf_prints_the_preface_between_the_title_and_section_one_without_a_heading() -> None:
    reader = pypdf.PdfReader(io.BytesIO(render(with_preface(), ".pdf")))
    text = "".join((reader.pages[0].extract_text() or "").split())
    title, first, one = text.find("年度报告"), text.find("本报告根据《中华人民共和国政府信息公开条例》编制"), text.find("一、总体情况")
    assert 0 <= title < first < one
    assert text.find("统计期限自2021年1月1日起至2021年12月31日止") < one
    assert PREFACE_LABEL not in text
    plain = pypdf.PdfReader(io.BytesIO(render(storage.load(SAMPLE), ".pdf")))
    assert "本报告根据" not in "".join((plain.pages[0].extract_text() or "").split())


def test_workbook_carries_the_preface_and_reads_it_back() -> None:
    report = with_preface()
    data = render(report, ".xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(data))["基本情况"]
    column = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    head = column.index(PREFACE_LABEL)
    assert column[head + 1] == PREFACE_TEXT.split("\n")[0]
    assert head < column.index("一、总体情况")
    back = import_workbook(io.BytesIO(data))
    assert back.report.preface == PREFACE_TEXT and back.report.same_content(report)


def test_a_preface_typed_into_the_workbook_is_imported(tmp_path: Path) -> None:
    data = render(storage.load(SAMPLE), ".xlsx")  # no preface: the 导语 row waits empty
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["基本情况"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == PREFACE_LABEL)
    ws.cell(row + 1, 1).value = "本报告根据《条例》编制。"
    path = tmp_path / "colleague.xlsx"
    wb.save(path)
    assert import_workbook(path).report.preface == "本报告根据《条例》编制。"
