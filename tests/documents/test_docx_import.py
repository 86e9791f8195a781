"""Reading Word files: LibreOffice's Word version of a real report's web page (merged header
cells as ``gridSpan``/``vMerge``), hand-built documents, and files that are no .docx."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from report_builders import expected_values

from importers import ImportFailed, read_report
from importers.docx import docx_lines, import_docx, open_docx
from models.values import CellRef


def test_a_word_file_made_from_a_web_page_imports_every_cell(pingtan_docx: Path) -> None:
    data = pingtan_docx.read_bytes()
    assert b"w:vMerge" in _document_xml(data) and b"w:gridSpan" in _document_xml(data)
    result = read_report(pingtan_docx)
    expected = expected_values("pingtan-2023")
    assert {ref: result.report.values[ref] for ref in expected} == expected
    assert result.report.meta.agency == "平潭综合实验区" and result.report.meta.year == 2023
    assert result.report.texts["other"] == "2023年，无收取信息处理费情况。"
    assert not [f for f in result.findings if f.severity != "info"]


def test_merged_cells_become_the_cells_of_a_web_page_row(pingtan_docx: Path) -> None:
    lines, _ = docx_lines(open_docx(pingtan_docx.read_bytes()))
    rows = [line.cells for line in lines if line.row]
    assert ["行政许可", "2629"] in rows  # the value spans three grid columns: one cell
    outcome = next(r for r in rows if r and r[0] == "2.其他法律行政法规禁止公开")  # （三）不予公开 merged down
    assert len(outcome) == 8


def _document_xml(data: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read("word/document.xml")


def _docx(build) -> bytes:  # type: ignore[no-untyped-def]
    doc = Document()
    build(doc)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_a_hand_made_word_report_with_web_page_furniture() -> None:
    def build(doc) -> None:  # type: ignore[no-untyped-def]
        doc.add_paragraph("某某县人民政府2023年政府信息公开工作年度报告")
        doc.add_paragraph("来源：县政府办公室    发布时间：2024-01-20")
        doc.add_paragraph("一、总体情况")
        doc.add_paragraph("2023年，我县扎实推进政务公开。")
        doc.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
        t = doc.add_table(rows=4, cols=15)
        t.cell(0, 0).merge(t.cell(0, 4)).text = "行政复议"
        t.cell(0, 5).merge(t.cell(0, 14)).text = "行政诉讼"
        for i, w in enumerate(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]):
            t.cell(1, i).merge(t.cell(2, i)).text = w
        t.cell(1, 5).merge(t.cell(1, 9)).text = "未经复议直接起诉"
        t.cell(1, 10).merge(t.cell(1, 14)).text = "复议后起诉"
        for g in (5, 10):
            for i, w in enumerate(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]):
                t.cell(2, g + i).text = w
        for i, v in enumerate([1, 0, 0, 0, 1, 0, 0, 0, 2, 2, 0, 0, 0, 0, 0]):
            t.cell(3, i).text = str(v)
        doc.add_paragraph("六、其他需要报告的事项")
        doc.add_paragraph("本机关未收取信息处理费。")

    result = import_docx(_docx(build), source="某某县.docx")
    r = result.report
    assert r.meta.agency == "某某县人民政府" and r.meta.year == 2023
    assert r.value("appeals", "data", "review.total") == 1
    assert r.value("appeals", "data", "direct_suit.total") == 2
    assert r.texts["overview"] == "2023年，我县扎实推进政务公开。"
    assert "来源" not in "".join(r.texts.values())


def test_tab_separated_rows_in_paragraphs_are_table_rows() -> None:
    def build(doc) -> None:  # type: ignore[no-untyped-def]
        doc.add_paragraph("二、主动公开政府信息情况")
        doc.add_paragraph("规章\t1\t0\t11")
        doc.add_paragraph("行政规范性文件\t8\t26\t66")

    lines, _ = docx_lines(open_docx(_docx(build)))
    assert [line.cells for line in lines if line.row] == [["规章", "1", "0", "11"], ["行政规范性文件", "8", "26", "66"]]


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_old_word_files_are_refused_with_save_as_docx(tmp_path: Path, suffix: str) -> None:
    p = tmp_path / f"年报{suffix}"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(ImportFailed, match=r"另存为.*\.docx"):
        read_report(p)


@pytest.mark.parametrize(("data", "message"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版|密码"),
    (b"PK\x03\x04 broken", "不是有效的 Word"),
    (b"hello", "不是有效的 Word"),
])
def test_files_that_are_no_docx_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(ImportFailed, match=message):
        import_docx(data, source="x.docx")


def test_a_workbook_renamed_to_docx_is_refused() -> None:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ImportFailed, match="缺少正文"):
        import_docx(buf.getvalue(), source="x.docx")


def test_a_zip_bomb_is_refused_before_parsing() -> None:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"<" + b" " * (60 * 1024 * 1024))
    with pytest.raises(ImportFailed, match="压缩炸弹|超过上限"):
        import_docx(buf.getvalue(), source="x.docx")


def test_value_cells_are_never_guessed() -> None:
    def build(doc) -> None:  # type: ignore[no-untyped-def]
        doc.add_paragraph("二、主动公开政府信息情况")
        t = doc.add_table(rows=2, cols=4)
        for c, w in enumerate(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]):
            t.cell(0, c).text = w
        for c, w in enumerate(["规章", "1", "约2", "11"]):
            t.cell(1, c).text = w
        doc.add_paragraph("三、收到和处理政府信息公开申请情况")

    result = import_docx(_docx(build), source="x.docx")
    assert result.report.value("proactive", "regulations", "repealed") is None
    assert any(f.rule == "import.unreadable" and CellRef("proactive", "regulations", "repealed") in f.cells
               for f in result.findings)
