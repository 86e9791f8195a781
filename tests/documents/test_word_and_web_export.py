"""Writing Word and web pages: the official page and tables, and reading both back to the same
report (the samples, generated reports, and a Word file LibreOffice re-saved)."""

from __future__ import annotations

import io
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from office_tools import Office

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "models"))
from report_strategies import realistic_reports  # noqa: E402

from exporters import render  # noqa: E402
from exporters.document import xml_text  # noqa: E402
from importers import read_report  # noqa: E402
from importers.docx import import_docx  # noqa: E402
from importers.html import import_html  # noqa: E402
from importers.pdf import import_pdf  # noqa: E402
from importers.text import import_text  # noqa: E402
from models.grid import grid_for  # noqa: E402
from models.report import Report  # noqa: E402
from models.values import CellRef  # noqa: E402

READERS = {".docx": import_docx, ".html": import_html}


@pytest.mark.parametrize("suffix", [".docx", ".html"])
@pytest.mark.parametrize("make", ["huaian", "pingtan", "wulong"])
def test_the_samples_read_back_identical(make: str, suffix: str, request: pytest.FixtureRequest) -> None:
    report: Report = request.getfixturevalue(make)
    result = READERS[suffix](render(report, suffix), source=f"年报{suffix}")
    assert result.report.same_content(report)
    assert result.findings == []


@pytest.mark.parametrize("suffix", [".docx", ".html"])
def test_the_preface_reads_back_before_the_first_section(suffix: str, huaian: Report) -> None:
    huaian.texts["preface"] = "本报告根据《中华人民共和国政府信息公开条例》编制。\n统计期限自2024年1月1日至2024年12月31日。"
    result = READERS[suffix](render(huaian, suffix), source=f"年报{suffix}")
    assert result.report.same_content(huaian)
    assert result.report.preface.startswith("本报告根据")


def test_through_files_and_read_report(tmp_path: Path, huaian: Report) -> None:
    from exporters import write_report

    for suffix in (".docx", ".html"):
        path = tmp_path / f"年报{suffix}"
        write_report(huaian, path)
        assert read_report(path).report.same_content(huaian)


# Texts a document can hold: no control characters XML refuses, no lone CR (XML reads it as LF).
_doc_text = st.lists(
    st.one_of(
        st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), max_size=8),
        st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=8),
        st.sampled_from(["\n", "\n\n", "\t", "　", " ", "一、总体情况", "（一）主动公开情况。", "无", "<b>&amp;",
                         "行政许可", "2024年1月20日", "淮安市人民政府"]),
    ),
    max_size=10,
).map("".join)


@st.composite
def document_reports(draw: st.DrawFn) -> Report:
    report = draw(realistic_reports())
    for key in list(report.texts):
        if draw(st.booleans()):
            report.texts[key] = draw(_doc_text)
        report.texts[key] = xml_text(report.texts[key])
    if draw(st.booleans()):
        report.notes["appeals"] = draw(_doc_text)
    if draw(st.booleans()):
        report.texts["preface"] = draw(_doc_text)
    report.meta.date = draw(st.none() | st.dates().map(lambda d: d.isoformat()) | st.just("2025年1月"))
    report.meta.title = draw(st.none() | _doc_text.filter(bool))
    return report


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report=document_reports(), suffix=st.sampled_from([".docx", ".html"]))
def test_generated_reports_read_back_identical(report: Report, suffix: str) -> None:
    result = READERS[suffix](render(report, suffix), source=f"x{suffix}")
    assert result.report.same_content(report), (result.report.meta, report.meta)
    for ref, v in report.values.items():  # the very digits and types (2.5 in a count cell, -3)
        assert str(result.report.values[ref]) == str(v)


def test_word_page_is_the_official_page(huaian: Report) -> None:
    doc = Document(io.BytesIO(render(huaian, ".docx")))
    s = doc.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    assert abs(s.top_margin - Mm(37)) < Mm(0.1) and abs(s.left_margin - Mm(28)) < Mm(0.1)
    assert abs(s.page_width - s.left_margin - s.right_margin - Mm(156)) < Mm(0.2)
    assert abs(s.page_height - s.top_margin - s.bottom_margin - Mm(225)) < Mm(0.2)
    xml = doc.element.xml
    styles = doc.styles.element.xml
    for font in ("方正小标宋简体", "仿宋_GB2312", "黑体", "宋体"):
        assert font in styles
    assert "楷体_GB2312" in xml  # （一）… second-level headings
    assert 'w:line="579"' in styles  # 28.95 pt exactly
    assert "w:tblHeader" in xml and "w:gridSpan" in xml and 'w:vMerge w:val="restart"' in xml
    footer = s.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "—" in footer
    assert doc.paragraphs[-1].text == "淮安市人民政府" or doc.paragraphs[-1].text.endswith("日")
    assert len(doc.tables) == 3


def test_word_tables_have_the_editor_grid(huaian: Report) -> None:
    doc = Document(io.BytesIO(render(huaian, ".docx")))
    for table, key in zip(doc.tables, ["proactive", "requests", "appeals"], strict=True):
        grid = grid_for(huaian.template, key)
        assert len(table.rows) == grid.n_rows and len(table.columns) == grid.n_cols
        for cell in grid.cells:
            text = table.cell(cell.row, cell.col).text
            if cell.kind == "value":
                assert text == str(huaian.values[cell.ref])  # type: ignore[index]
            else:
                assert text == cell.text


def test_web_page_is_self_contained_and_semantic(huaian: Report) -> None:
    page = render(huaian, ".html").decode("utf-8")
    assert "<script" not in page.lower() and "<link" not in page.lower() and "@import" not in page
    assert not re.search(r"""(?:src|href)\s*=|url\(""", page)
    assert page.count("<h1") == 1 and page.count("<h2") == 6 and page.count("<table") == 3
    assert 'rowspan="22"' in page and 'colspan="10"' in page and "<thead>" in page
    assert '<meta charset="utf-8">' in page


def test_web_page_pasted_into_a_cms_reads_as_a_published_report(huaian: Report) -> None:
    """A CMS keeps the markup but drops our data attributes and meta: the general importer."""
    page = render(huaian, ".html").decode("utf-8")
    stripped = re.sub(r'\s(?:data-[\w-]+|style|class|id)="[^"]*"', "", page)
    stripped = re.sub(r"<meta[^>]*>", "", stripped)
    result = import_html(stripped, source="cms.html")
    assert result.report.values == huaian.values
    assert result.report.meta.agency == huaian.meta.agency


@pytest.fixture(scope="session")
def huaian_word_files(office: Office) -> dict[str, Path]:
    """Our Word file of 淮安, LibreOffice's print of it, and the file re-saved by LibreOffice."""
    from sample_reports import make_huaian

    src = office.root / "ours" / "淮安.docx"
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_bytes(render(make_huaian(), ".docx"))
    return {
        "docx": src,
        "pdf": office.convert(src, "pdf:writer_pdf_Export", office.root / "ours-pdf"),
        "resaved": office.convert(src, "docx:MS Word 2007 XML", office.root / "ours-resaved"),
    }


def test_libreoffice_prints_every_label_of_our_word_file(huaian_word_files: dict[str, Path], huaian: Report) -> None:
    import pdfplumber

    def squash(s: str | None) -> str:
        return re.sub(r"\s+", "", s or "")

    cells: set[str] = set()
    text = ""
    with pdfplumber.open(huaian_word_files["pdf"]) as pdf:
        for page in pdf.pages:
            text += squash(page.extract_text())
            for table in page.extract_tables():
                cells.update(squash(c) for row in table for c in row if c)
    for section in huaian.template.table_sections:
        for cell in grid_for(huaian.template, section.key).cells:
            if cell.kind == "value" or squash(cell.text) in cells:
                continue
            # A label merged down several rows may be cut by a page break (三、本年度 / 办理结果):
            # then its characters are printed in order, split between the two pages.
            assert cell.rowspan > 1 and re.search(".*?".join(map(re.escape, squash(cell.text))), text), cell.text
        assert squash(section.title) in text
    assert squash(huaian.title) in text
    for para in huaian.texts["overview"].splitlines():
        assert squash(para)[:20] in text
    assert "—1—" in text and "—2—" in text


def test_libreoffice_print_of_our_word_file_imports_back(huaian_word_files: dict[str, Path], huaian: Report) -> None:
    result = import_pdf(huaian_word_files["pdf"].read_bytes(), source="淮安.pdf")
    assert result.report.values == huaian.values
    assert (result.report.meta.agency, result.report.meta.year) == (huaian.meta.agency, huaian.meta.year)


def test_our_word_file_resaved_by_another_word_processor_reads_back(huaian_word_files: dict[str, Path],
                                                                    huaian: Report) -> None:
    """LibreOffice renames our style ids when it saves; the style names and our data part stay."""
    result = read_report(huaian_word_files["resaved"])
    assert result.report.same_content(huaian)
    assert result.findings == []


def test_a_clerk_edits_a_figure_in_the_word_file(huaian: Report) -> None:
    doc = Document(io.BytesIO(render(huaian, ".docx")))
    grid = grid_for(huaian.template, "proactive")
    pos = grid.position(CellRef("proactive", "fees", "amount"))
    assert pos is not None
    doc.tables[0].cell(*pos).paragraphs[0].runs[0].text = "12.5万元"
    buf = io.BytesIO()
    doc.save(buf)
    result = import_docx(buf.getvalue(), source="改过.docx")
    assert result.report.value("proactive", "fees", "amount") == Decimal("12.5")
    assert [f.rule for f in result.findings] == ["value.unit_text"]


def test_the_web_page_text_reads_as_a_published_report(huaian: Report) -> None:
    """Copying the rendered page's text (cells one per line) gives the same figures."""
    from importers.html import html_lines

    lines, _ = html_lines(render(huaian, ".html").decode("utf-8"))
    text = "\n".join(" | ".join(line.cells) if line.row else line.text for line in lines)
    assert import_text(text).report.values == huaian.values
