"""Imports never produce a report that cannot be saved and reopened (issue 7, item 2): a text
past its limit is cut with a finding, characters UTF-8 cannot hold are replaced with a finding."""

from __future__ import annotations

import io
from pathlib import Path

from importers import read_report
from importers.text import import_text
from importers.xlsx import import_workbook
from models import limits, storage
from models.report import Report

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
WULONG = (FIXTURES / "wulong-hrss-2021.txt").read_text(encoding="utf-8")


def _reopens(report: Report, tmp_path: Path) -> None:
    storage.save(report, tmp_path / "imported.json")
    assert storage.load(tmp_path / "imported.json").same_content(report)


def test_an_imported_narrative_past_the_limit_is_cut_with_a_finding(tmp_path: Path) -> None:
    long = "本机关坚持公开为常态。" * (limits.MAX_TEXT_CHARS // 10 + 5000)
    text = WULONG.replace("一、总体情况\n", "一、总体情况\n" + long + "\n", 1)
    result = import_text(text, source="长.txt")
    overview = result.report.texts["overview"]
    assert len(overview) == limits.MAX_TEXT_CHARS and overview.startswith("本机关坚持公开为常态")
    [cut] = [f for f in result.findings if f.rule == "import.limit"]
    assert cut.severity == "warning" and cut.section == "overview"
    assert "500,000" in cut.message and "总体情况" in cut.message
    _reopens(result.report, tmp_path)


def test_an_imported_title_past_the_limit_is_cut(tmp_path: Path) -> None:
    page = "<html><head><title>" + "标题" * 400 + "</title></head><body><pre>" + WULONG + "</pre></body></html>"
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    result = read_report(path)
    assert result.report.meta.title is None or len(result.report.meta.title) <= limits.MAX_META_CHARS
    _reopens(result.report, tmp_path)


def test_our_workbook_with_an_agency_and_texts_past_the_limits_imports_cut(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from exporters.xlsx import export_xlsx

    report = storage.load(Path(__file__).resolve().parents[2] / "resources" / "samples" / "wulong-hrss-2021.json")
    buf = io.BytesIO()
    export_xlsx(report, buf)
    wb = load_workbook(io.BytesIO(buf.getvalue()))
    ws = wb["基本情况"]
    row = next(r for r in range(1, 30) if ws.cell(r, 1).value == "机关名称")
    ws.cell(row, 2).value = "某" * (limits.MAX_AGENCY_CHARS + 50)
    out = io.BytesIO()
    wb.save(out)
    result = import_workbook(io.BytesIO(out.getvalue()))
    assert len(result.report.meta.agency) == limits.MAX_AGENCY_CHARS
    assert any(f.rule == "import.limit" and "机关名称" in f.message for f in result.findings)
    _reopens(result.report, tmp_path)


def test_lone_surrogates_from_an_import_are_replaced_with_a_finding(tmp_path: Path) -> None:
    text = WULONG.replace("一、总体情况\n", "一、总体情况\n坏字\ud800符\n", 1)
    result = import_text(text, source="坏.txt")
    assert "\ud800" not in result.report.texts["overview"] and "\ufffd" in result.report.texts["overview"]
    assert any(f.rule == "import.characters" for f in result.findings)
    _reopens(result.report, tmp_path)


def test_the_preface_is_limited_like_any_text(tmp_path: Path) -> None:
    report = storage.load(Path(__file__).resolve().parents[2] / "resources" / "samples" / "wulong-hrss-2021.json")
    report.texts["preface"] = "导" * (limits.MAX_TEXT_CHARS + 1)
    assert any("导语" in p for p in limits.report_problems(report))
    changes = limits.fit_report(report)
    assert len(report.texts["preface"]) == limits.MAX_TEXT_CHARS and changes
