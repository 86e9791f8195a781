"""Reading a published PDF directly (pdfplumber): the 淮安 report as published, our own PDF
export, LibreOffice's print of a Word file, and PDFs that cannot be read."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from office_tools import FIXTURES
from report_builders import expected_values

from exporters import render
from importers import ImportFailed, read_report
from importers.pdf import import_pdf, pdf_lines
from models.checker import check_report
from models.report import Report
from models.values import CellRef


def _wrong_cells(report: Report, expected: dict[CellRef, object]) -> list[tuple[CellRef, object, object]]:
    return [(ref, report.values[ref], want) for ref, want in expected.items() if report.values[ref] != want]


def test_the_published_huaian_pdf_imports_to_its_transcription() -> None:
    result = read_report(FIXTURES / "huaian-city-2024.pdf")
    expected = expected_values("huaian-city-2024")
    assert len(expected) == 200
    assert _wrong_cells(result.report, expected) == []
    assert all(type(result.report.values[ref]) is type(v) for ref, v in expected.items())
    assert (result.report.meta.agency, result.report.meta.year) == ("淮安市人民政府", 2024)
    assert not [f for f in result.findings if f.severity == "error"]
    assert not check_report(result.report).errors


def test_the_pdf_gives_the_same_report_as_its_text_layer() -> None:
    """Paragraphs re-joined from the line geometry, page numbers (- 1 -) dropped: the same
    narratives as the text importer reads from the PDF's text."""
    from_pdf = read_report(FIXTURES / "huaian-city-2024.pdf").report
    from_text = read_report(FIXTURES / "huaian-city-2024.txt").report
    assert from_pdf.texts == from_text.texts
    assert from_pdf.meta == from_text.meta
    assert len(from_pdf.texts["overview"].splitlines()) == 6
    assert not any("- " in t and " -" in t for t in from_pdf.texts.values())


def test_tables_broken_across_pages_are_joined() -> None:
    """表三 runs from page 4 to page 5 of the published PDF; the label （四）无法提供 is cut by the
    page break into （四）无 / 法提供 and comes back whole."""
    lines, _ = pdf_lines((FIXTURES / "huaian-city-2024.pdf").read_bytes())
    texts = [c for line in lines if line.row for c in line.cells]
    assert "（四）无法提供" in texts and "法提供" not in texts
    rows = [line.cells for line in lines if line.row]
    assert sum(1 for r in rows if r and r[-1] == "3050") == 1  # （七）总计 once, after the join


@pytest.mark.parametrize("make", ["huaian", "pingtan", "wulong"])
def test_our_own_pdf_reads_back(make: str, request: pytest.FixtureRequest) -> None:
    """Our PDF repeats 表三's header rows on the next page and prints — 1 — page numbers."""
    report: Report = request.getfixturevalue(make)
    result = import_pdf(render(report, ".pdf"), source="年报.pdf")
    assert result.report.values == report.values
    assert (result.report.meta.agency, result.report.meta.year) == (report.meta.agency, report.meta.year)
    assert not [f for f in result.findings if f.severity != "info"]


def test_libreoffice_print_of_a_word_file_imports_without_a_wrong_cell(pingtan_docx_pdf: Path) -> None:
    result = read_report(pingtan_docx_pdf)
    assert _wrong_cells(result.report, expected_values("pingtan-2023")) == []
    assert result.report.meta.year == 2023


def _pdf_of(draw) -> bytes:  # type: ignore[no-untyped-def]
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4)
    draw(canvas)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def test_a_scanned_pdf_is_refused_with_a_clear_message() -> None:
    from reportlab.lib.utils import ImageReader

    png = (Path(__file__).resolve().parent.parent.parent / "docs" / "pdf-page1.png").read_bytes()
    data = _pdf_of(lambda c: c.drawImage(ImageReader(io.BytesIO(png)), 50, 50, 400, 600))
    with pytest.raises(ImportFailed, match="扫描件.*没有文字层.*OCR"):
        import_pdf(data, source="扫描件.pdf")


def test_a_pdf_without_text_or_images_is_refused() -> None:
    with pytest.raises(ImportFailed, match="没有任何文字"):
        import_pdf(_pdf_of(lambda c: c.line(10, 10, 100, 100)), source="空白.pdf")


@pytest.mark.parametrize(("data", "message"), [
    (b"not a pdf at all", "不是 PDF"),
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF", "损坏|无法解析|没有任何文字"),
    ((FIXTURES / "huaian-city-2024.pdf").read_bytes()[:60_000], "损坏|无法解析|没有任何文字|不像"),
])
def test_broken_pdfs_are_refused_in_chinese(data: bytes, message: str) -> None:
    with pytest.raises(ImportFailed, match=message):
        import_pdf(data, source="坏.pdf")


def test_an_encrypted_pdf_is_refused() -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(FIXTURES / "huaian-city-2024.pdf").pages[:1]:
        writer.add_page(page)
    writer.encrypt("secret", algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(ImportFailed, match="密码|加密"):
        import_pdf(buf.getvalue(), source="加密.pdf")


def test_a_prose_only_pdf_is_not_taken_for_a_report() -> None:
    data = _pdf_of(lambda c: c.drawString(72, 700, "Hello, this is not an annual report."))
    with pytest.raises(ImportFailed, match="不像政府信息公开工作年度报告"):
        import_pdf(data, source="其他.pdf")


def test_a_deflate_bomb_is_refused_before_parsing() -> None:
    import zlib

    bomb = zlib.compress(b" " * (300 * 1024 * 1024), 9)  # 300 MB of spaces in ~300 KB
    data = (b"%PDF-1.4\n1 0 obj << /Length " + str(len(bomb)).encode() + b" /Filter /FlateDecode >>\nstream\n"
            + bomb + b"\nendstream\nendobj\n%%EOF\n")
    with pytest.raises(ImportFailed, match="压缩炸弹"):
        import_pdf(data, source="炸弹.pdf")


def test_a_table_drawn_without_ruling_lines_is_read_from_word_positions() -> None:
    """No lines on the page: a text line whose words stand apart in columns is a table row."""
    from exporters.fonts import pdf_fonts

    fonts = pdf_fonts()
    font = fonts.name("body")

    def draw(c) -> None:  # type: ignore[no-untyped-def]
        y = 780

        def line(*cells: tuple[float, str]) -> None:
            nonlocal y
            for x, text in cells:
                c.setFont(font, 11)
                c.drawString(x, y, text)
            y -= 22

        line((150, "某某县人民政府2024年政府信息公开工作年度报告"))
        line((72, "一、总体情况"))
        line((72, "2024年，本县扎实推进政务公开工作。"))
        line((72, "二、主动公开政府信息情况"))
        line((72, "信息内容"), (230, "本年制发件数"), (340, "本年废止件数"), (450, "现行有效件数"))
        line((72, "规章"), (260, "1"), (370, "0"), (480, "11"))
        line((72, "行政规范性文件"), (260, "8"), (370, "26"), (480, "66"))
        line((72, "信息内容"), (300, "本年处理决定数量"))
        line((72, "行政许可"), (320, "447228"))
        line((72, "六、其他需要报告的事项"))
        line((72, "本机关未收取信息处理费。"))

    result = import_pdf(_pdf_of(draw), source="无框线.pdf")
    r = result.report
    assert [r.value("proactive", "regulations", c) for c in ("issued", "repealed", "in_force")] == [1, 0, 11]
    assert [r.value("proactive", "normative_documents", c) for c in ("issued", "repealed", "in_force")] == [8, 26, 66]
    assert r.value("proactive", "licensing", "decisions") == 447228
    assert r.meta.agency == "某某县人民政府" and r.texts["other"] == "本机关未收取信息处理费。"
