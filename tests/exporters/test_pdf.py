"""The PDF export, read back with pypdf: text, labels, numbers, page size, fonts, page numbers."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

pypdf = pytest.importorskip("pypdf")

from exporters import ExportFailed, render  # noqa: E402
from exporters.linebreak import CANNOT_START  # noqa: E402
from exporters.pdf import export_pdf  # noqa: E402
from models import storage  # noqa: E402
from models.checker import check_report  # noqa: E402
from models.grid import grid_for  # noqa: E402
from models.report import Acceptance, Report  # noqa: E402
from models.template import load_template  # noqa: E402
from models.values import CellRef  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLE = ROOT / "resources" / "samples" / "wulong-hrss-2021.json"
A4 = (595.2756, 841.8898)


# ----------------------------------------------------------------------------- reports


def sample_report() -> Report:
    """The shipped sample (重庆市武隆区人力资源和社会保障局 2021): 行政许可 62, 行政处罚 7,
    行政事业性收费 68.64 万元, the rest 0."""
    return storage.load(SAMPLE)


def huaian_report() -> Report:
    """淮安市人民政府 2024 (real four-digit figures), filled from the transcribed fixture."""
    data: dict[str, Any] = json.loads((FIXTURES / "huaian-city-2024.expected.json").read_text(encoding="utf-8"))
    t = load_template("2021")
    report = Report.blank(t, agency=data["agency"], year=data["year"])
    for section in t.table_sections:
        for row, cols in data[section.key].items():
            for column, raw in cols.items():
                spec = t.cell(section.key, row, column)
                assert spec is not None
                report.values[CellRef(section.key, row, column)] = Decimal(raw) if spec.number.name == "amount" else raw
    report.texts["overview"] = (
        "2024年，我市严格落实《中华人民共和国政府信息公开条例》各项规定，圆满完成了各项任务。\n"
        "（一）主动公开情况。2024年，市政府网站主动公开各类政府信息5500余条，组织召开新闻发布会12场，"
        "努力传递政府声音、宣传政策法规、回应舆论关切，围绕“放管服”改革、优化营商环境、“一网通办”等重点领域，"
        "持续做好政策文件及其解读材料的同步发布工作。\n"
        "（二）依申请公开情况。2024年，全市共受理政府信息公开申请3119件，答复3050件（含上年度结转申请34件，"
        "另有103件顺延到下年度答复），均在法定期限内予以答复。政府信息公开行政复议351件，行政诉讼46件。"
    )
    report.texts["problems"] = "一是政策解读质量仍需提升；二是政务公开队伍建设还需进一步加强。" * 4
    report.texts["other"] = "2024年，市政府全年收取政府信息公开信息处理费3940元。"
    report.notes["appeals"] = "注：行政复议、行政诉讼数量含上年度结转数量。"
    report.meta.date = "2025-01-20"
    return report


def export(report: Report, **kw: Any) -> pypdf.PdfReader:
    buf = io.BytesIO()
    export_pdf(report, buf, **kw)
    data = buf.getvalue()
    assert data.startswith(b"%PDF-")
    return pypdf.PdfReader(io.BytesIO(data))


def page_texts(reader: pypdf.PdfReader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


def squeeze(text: str) -> str:
    """Whitespace removed: a label wrapped over several lines of its cell reads as one string."""
    return re.sub(r"\s+", "", text)


def printed_labels() -> list[str]:
    """Every title, header, corner and row label of the three tables, from the template's Grid."""
    t = load_template("2021")
    labels = []
    for section in t.table_sections:
        labels += [c.text for c in grid_for(t, section.key).cells if c.kind != "value" and c.text]
    return labels


@pytest.fixture(scope="module")
def sample_pdf() -> pypdf.PdfReader:
    return export(sample_report())


@pytest.fixture(scope="module")
def huaian_pdf() -> pypdf.PdfReader:
    return export(huaian_report())


# ----------------------------------------------------------------------------- content


@pytest.mark.parametrize("which", ["sample", "huaian"])
def test_text_holds_title_every_section_title_and_every_label(which: str, request: pytest.FixtureRequest) -> None:
    reader = request.getfixturevalue(f"{which}_pdf")
    report = sample_report() if which == "sample" else huaian_report()
    text = squeeze("".join(page_texts(reader)))
    assert squeeze(report.title) in text
    for section in report.template.sections:
        assert squeeze(section.title) in text, section.title
    labels = printed_labels()
    assert len(labels) > 60
    missing = [label for label in labels if squeeze(label) not in text]
    assert not missing
    # …which are all of the template's row and column labels (四 prints no row label).
    t = report.template
    from_paths = {p for s in t.table_sections for b in s.blocks for c in s.cells
                  for p in (c.column_path + (c.row_path if b.row_labels else ()))}
    assert from_paths <= set(labels) | {"数量"}


def test_sample_numbers_are_printed_in_their_rows(sample_pdf: pypdf.PdfReader) -> None:
    text = "\n".join(page_texts(sample_pdf))
    assert re.search(r"行政许可\s*62(?!\d)", text)
    assert re.search(r"行政处罚\s*7(?!\d)", text)
    assert re.search(r"行政事业性收费\s*68\.64(?!\d)", text)


def test_huaian_rows_of_table_three_print_their_seven_numbers_in_order(huaian_pdf: pypdf.PdfReader) -> None:
    report = huaian_report()
    text = re.sub(r"\s+", " ", "\n".join(page_texts(huaian_pdf)))
    section = report.template.section("requests")
    for row in section.row_keys:
        numbers = " ".join(str(report.value("requests", row, col)) for col in section.columns_of(row))
        assert f" {numbers} " in f" {text} ", row
    four = " ".join(str(report.values[CellRef("appeals", c.row, c.column)])
                    for c in report.template.section("appeals").cells)
    assert four in text
    assert "96171.6" in text


def test_table_three_repeats_its_header_on_every_page_it_spans(huaian_pdf: pypdf.PdfReader) -> None:
    t = load_template("2021")
    grid = grid_for(t, "requests")
    corner = squeeze(grid.at(0, 0).text)  # type: ignore[union-attr]
    rows = [squeeze(c.text) for c in grid.cells if c.kind == "label" and c.colspan < 3 and c.rowspan == 1]
    pages = [squeeze(p) for p in page_texts(huaian_pdf)]
    spanned = [p for p in pages if any(label in p for label in rows)]
    assert len(spanned) >= 2, "10.5 pt type does not fit 表三 on one page: it must break"
    assert all(corner in p and "申请人情况" in p for p in spanned)


def test_note_under_table_four_and_signature_at_the_end(huaian_pdf: pypdf.PdfReader) -> None:
    text = squeeze("".join(page_texts(huaian_pdf)))
    note = text.index(squeeze("注：行政复议、行政诉讼数量含上年度结转数量。"))
    assert text.index(squeeze("四、政府信息公开行政复议、行政诉讼情况")) < note < text.index("五、存在的主要问题")
    assert text.endswith("淮安市人民政府2025年1月20日")  # the 落款 closes the report


def test_signature_without_date_prints_no_date() -> None:
    report = sample_report()
    report.meta.date = None
    text = squeeze("".join(page_texts(export(report))))
    assert not re.search(r"\d{4}年\d{1,2}月\d{1,2}日", text)
    assert text.rstrip("—0123456789").endswith(squeeze(report.meta.agency))


def test_no_line_of_the_narrative_starts_with_closing_punctuation(huaian_pdf: pypdf.PdfReader) -> None:
    lines = [line.strip() for p in page_texts(huaian_pdf) for line in p.splitlines()]
    lines = [line for line in lines if len(line) > 1]  # not the vertical label 三/、/本/年…
    assert len(lines) > 30
    bad = [line for line in lines if line[0] in CANNOT_START]
    assert not bad


# ----------------------------------------------------------------------------- the file


@pytest.mark.parametrize("which", ["sample", "huaian"])
def test_every_page_is_a4_and_numbered(which: str, request: pytest.FixtureRequest) -> None:
    reader = request.getfixturevalue(f"{which}_pdf")
    assert len(reader.pages) >= 3
    for number, (page, text) in enumerate(zip(reader.pages, page_texts(reader), strict=True), 1):
        box = page.mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(A4, abs=0.01)
        assert re.search(rf"—\s*{number}\s*—", text), f"page {number} has no “— {number} —”"


def _fonts_of(reader: pypdf.PdfReader) -> list[Any]:
    fonts = []
    for page in reader.pages:
        resources = page.get("/Resources")
        font_dict = resources.get_object().get("/Font") if resources else None
        if font_dict is None:
            continue
        fonts += [ref.get_object() for ref in font_dict.get_object().values()]
    return fonts


@pytest.mark.parametrize("which", ["sample", "huaian"])
def test_every_font_is_embedded(which: str, request: pytest.FixtureRequest) -> None:
    reader = request.getfixturevalue(f"{which}_pdf")
    fonts = _fonts_of(reader)
    assert fonts
    for font in fonts:
        targets = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
        for target in targets:
            descriptor = target.get("/FontDescriptor")
            assert descriptor is not None, f"{font.get('/BaseFont')} is not embedded (no FontDescriptor)"
            descriptor = descriptor.get_object()
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font.get("/BaseFont")
    names = {str(f.get("/BaseFont")) for f in fonts}
    assert not any("Helvetica" in n or "STSong" in n for n in names)


def test_render_by_suffix_gives_the_same_kind_of_pdf() -> None:
    data = render(sample_report(), ".PDF")
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]


# ----------------------------------------------------------------------------- odd reports


def test_blank_report_with_missing_values_and_empty_narratives_exports() -> None:
    report = Report.blank(load_template("2021"))  # no agency, no year, every cell None, every text ""
    reader = export(report)
    text = squeeze("".join(page_texts(reader)))
    for section in report.template.sections:
        assert squeeze(section.title) in text
    assert "None" not in text


def test_partly_filled_report_with_odd_text_exports() -> None:
    report = huaian_report()
    for ref in list(report.values)[::3]:
        report.values[ref] = None
    report.texts["overview"] = "第一段\t含制表符\r\n\r\n<b>不是标记</b> & “引号”\x07\n" + "长" * 400
    report.texts["problems"] = ""
    report.meta.date = "2025年1月"  # not ISO: printed as written
    text = squeeze("".join(page_texts(export(report))))
    assert "<b>不是标记</b>&“引号”" in text
    assert "2025年1月" in text


def test_check_page_is_off_by_default_and_lists_findings() -> None:
    report = huaian_report()
    report.values[CellRef("requests", "new", "total")] = 3000  # breaks the row total
    report.texts["other"] = ""  # an empty 六: a warning, accepted below
    before = check_report(report)
    warning = next(f for f in before.warnings if f.rule == "sections.empty")
    report.accept(Acceptance(warning.rule, warning.cells, "本年度无其他需要报告的事项。", "2025-01-20T10:00:00"))
    result = check_report(report)
    assert result.errors and result.accepted

    plain = squeeze("".join(page_texts(export(report))))
    assert "校验说明" not in plain
    reader = export(report, include_check_page=True)
    last = squeeze(page_texts(reader)[-1])
    assert "校验说明" in last
    for finding in result.errors:
        assert squeeze(finding.message) in last
    assert squeeze(warning.message) in last and "本年度无其他需要报告的事项。" in last
    assert len(reader.pages) == len(pypdf.PdfReader(io.BytesIO(render(report, ".pdf"))).pages) + 1


def test_missing_fonts_fail_with_a_chinese_message(monkeypatch: pytest.MonkeyPatch) -> None:
    import exporters.pdf as pdf
    from exporters.fonts import NoFontError

    def no_fonts() -> None:
        raise NoFontError("找不到可嵌入 PDF 的中文字体")

    monkeypatch.setattr(pdf, "pdf_fonts", no_fonts)
    with pytest.raises(ExportFailed, match="中文字体"):
        export_pdf(sample_report(), io.BytesIO())


def test_signature_of_an_agency_name_longer_than_a_line_keeps_its_date() -> None:
    """A 60-character 机关名称 wraps in the 落款; the date below it stays on the page, on one line."""
    report = sample_report()
    report.meta.agency = ("某某省某某市某某区人民政府办公室政府信息与政务公开办公室数据资源管理局"
                          "综合执法支队第一大队第二中队第三小组联络处暨档案室")
    assert len(report.meta.agency) == 60
    report.meta.date = "2025-01-20"
    last = export(report).pages[-1]
    starts: list[tuple[str, float]] = []  # every string shown, and where its line starts

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            starts.append((text, tm[4] * cm[0] + tm[5] * cm[2] + cm[4]))

    text = last.extract_text(visitor_text=visit)
    assert "2025年1月20日" in text.replace(" ", "")  # one line, not a column of single characters
    assert squeeze(text).rstrip("—0123456789").endswith(squeeze(report.meta.agency) + "2025年1月20日")
    assert all(0 <= x < A4[0] for _, x in starts), [s for s in starts if not 0 <= s[1] < A4[0]]


def test_characters_outside_every_font_are_marked_not_dropped() -> None:
    from exporters.fonts import pdf_fonts

    rare = "𠀀"  # CJK Ext-B: in no face this machine has (else the test is moot)
    fonts = pdf_fonts()
    if fonts._fallback_for(rare) is not None:
        pytest.skip("a font on this machine has U+20000")
    report = sample_report()
    report.texts["other"] = f"表情😀和{rare}字。"
    text = squeeze(page_texts(export(report))[-1])
    assert "\x00" not in text  # reportlab's .notdef: printed as a blank
    assert "和〓字。" in text


def test_the_signature_never_stands_alone_on_the_last_page() -> None:
    """GB/T 9704: the 落款 shares its page with text. Lengthen 六 sentence by sentence so the end
    of the text crosses a page foot at every possible point."""
    report = sample_report()
    report.meta.date = "2022-01-20"
    base = report.texts["other"]
    alone = []
    for n in range(0, 26):
        report.texts["other"] = base + "\n" + "本机关严格落实政务公开各项要求，持续提升公开质量。" * n
        last = squeeze(page_texts(export(report))[-1])
        rest = last.replace(squeeze(report.meta.agency), "").replace("2022年1月20日", "")
        if not re.sub(r"[—\-\d]", "", rest):  # nothing left but the page number
            alone.append(n)
    assert not alone, f"落款 alone on the last page for {alone} extra sentences"
