"""Hostile files within the size limits cost bounded work (issue 7, items 5 and 7): the HTML
reader stops after a fixed number of elements or nesting depth, the workbook reader parses
only the rows the layout can hold, and compression is judged by absolute size."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

import importers.html as html_importer
from exporters.xlsx import export_xlsx
from importers import ImportFailed, read_report
from importers.html import import_html
from importers.xlsx import import_workbook
from models import limits, storage
from models.report import Report

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
PINGTAN = (FIXTURES / "pingtan-2023.html").read_text(encoding="utf-8")
SAMPLE = ROOT / "resources" / "samples" / "wulong-hrss-2021.json"


def sample() -> Report:
    return storage.load(SAMPLE)


def workbook(report: Report) -> bytes:
    buf = io.BytesIO()
    export_xlsx(report, buf)
    return buf.getvalue()


class _Counter:
    def __init__(self) -> None:
        self.n = 0


def count_calls(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> _Counter:
    counter = _Counter()
    real = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        counter.n += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return counter


# ---------------------------------------------------------------------- HTML


def test_the_html_reader_stops_after_the_element_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html_importer, "HTML_MAX_ELEMENTS", 3000)
    seen = count_calls(monkeypatch, html_importer._PageParser, "handle_starttag")
    page = PINGTAN.replace("</body>", "<span>x</span>" * 50_000 + "</body>")
    result = import_html(page, source="平潭.html")
    assert seen.n <= 3001  # stopped reading, not parsed to the end
    assert result.report.values  # the report before the junk was read
    [limit] = [f for f in result.findings if f.rule == "import.limit"]
    assert "3,000" in limit.message and "元素" in limit.message


def test_the_html_reader_stops_at_the_nesting_limit_with_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = count_calls(monkeypatch, html_importer._PageParser, "handle_starttag")
    page = "<html><body>" + "<div>x" * 100_000 + "</body></html>"
    with pytest.raises(ImportFailed) as info:
        import_html(page, source="divs.html")
    assert seen.n <= limits.HTML_MAX_DEPTH + 10
    assert "嵌套" in str(info.value) and f"{limits.HTML_MAX_DEPTH}" in str(info.value)


def test_a_real_page_is_far_from_the_limits() -> None:
    result = import_html(PINGTAN, source="平潭.html")
    assert not [f for f in result.findings if f.rule == "import.limit"]


# ---------------------------------------------------------------------- workbooks


def _with_rows(data: bytes, sheet_prefix: str, rows: int) -> bytes:
    """``data`` with ``rows`` one-number rows appended below the sheet's content."""
    src = zipfile.ZipFile(io.BytesIO(data))
    book = src.read("xl/workbook.xml").decode()
    rels = src.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet [^>]*name="{sheet_prefix}[^"]*"[^>]*r:id="([^"]+)"', book).group(1)  # type: ignore[union-attr]
    target = re.search(rf'<Relationship [^>]*Id="{rid}"[^>]*/>', rels).group(0)  # type: ignore[union-attr]
    member = "xl/" + re.search(r'Target="/?(?:xl/)?([^"]+)"', target).group(1)  # type: ignore[union-attr]
    xml = src.read(member).decode()
    last = max(int(r) for r in re.findall(r'<row r="(\d+)"', xml))
    extra = "".join(f'<row r="{i}"><c r="A{i}"><v>1</v></c></row>' for i in range(last + 1, last + 1 + rows))
    xml = xml.replace("</sheetData>", extra + "</sheetData>", 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, xml.encode() if info.filename == member else src.read(info))
    return out.getvalue()


def test_a_workbook_is_read_only_as_far_as_its_layout_reaches(monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl.worksheet._reader import WorkSheetParser

    data = _with_rows(workbook(sample()), "三", 100_000)
    rows = count_calls(monkeypatch, WorkSheetParser, "parse_row")
    result = import_workbook(io.BytesIO(data))
    assert rows.n < 5_000  # not the 100,000 rows below the table
    assert result.report.same_content(sample()) or result.report.values == sample().values
    assert any("不在表格的任何一格中" in f.message for f in result.findings)  # what lies just below is said


def test_a_sheet_past_the_row_limit_is_cut_with_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "XLSX_MAX_SHEET_ROWS", 300)
    report = sample()
    report.texts["other"] = "\n".join(f"第{i}行。" for i in range(1, 1001))
    result = import_workbook(io.BytesIO(workbook(report)))
    [cut] = [f for f in result.findings if f.rule == "import.limit"]
    assert "300" in cut.message and "行" in cut.message
    assert result.report.texts["other"].startswith("第1行。") and len(result.report.texts["other"]) < len(report.texts["other"])


def _with_shared_strings(data: bytes, n: int) -> bytes:
    """``data`` with a shared-string table of ``n`` strings (as Excel and WPS save text)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    table = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
             f'2006/main" count="{n}" uniqueCount="{n}">' + "".join(f"<si><t>字{i}</t></si>" for i in range(n)) + "</sst>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            raw = src.read(info)
            if info.filename == "[Content_Types].xml":
                raw = raw.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                  b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            dst.writestr(info.filename, raw)
        dst.writestr("xl/sharedStrings.xml", table)
    return out.getvalue()


def test_too_many_shared_strings_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _with_shared_strings(workbook(sample()), 120)
    assert import_workbook(io.BytesIO(data)).report.values == sample().values
    monkeypatch.setattr(limits, "XLSX_MAX_SHARED_STRINGS", 50)
    with pytest.raises(ImportFailed) as info:
        import_workbook(io.BytesIO(data))
    assert "字符串" in str(info.value) and "50" in str(info.value)


def test_our_workbook_of_a_499000_character_narrative_is_no_zip_bomb(tmp_path: Path) -> None:
    report = sample()
    report.texts["other"] = "本机关未收取信息处理费。" * (499_000 // 12)
    path = tmp_path / "长.xlsx"
    path.write_bytes(workbook(report))
    result = read_report(path)
    assert result.report.texts["other"] == report.texts["other"]


def test_a_real_zip_bomb_is_still_refused(tmp_path: Path) -> None:
    data = workbook(sample())
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr("xl/media/bomb.bin", b"\0" * (limits.ARCHIVE_MAX_MEMBER_BYTES + 1))
    with pytest.raises(ImportFailed, match="压缩炸弹"):
        import_workbook(io.BytesIO(out.getvalue()))


# ---------------------------------------------------------------------- text


def test_a_text_is_read_only_as_far_as_a_report_reaches() -> None:
    from importers.text import import_text

    wulong = (FIXTURES / "wulong-hrss-2021.txt").read_text(encoding="utf-8")
    result = import_text(wulong + "\n杂乱的一行" * (limits.MAX_IMPORT_LINES + 10_000), source="长.txt")
    assert result.report.values == import_text(wulong, source="武隆.txt").report.values
    [limit] = [f for f in result.findings if f.rule == "import.limit"]
    assert f"{limits.MAX_IMPORT_LINES:,} 行" in limit.message
