"""Ruled tables as word processors print them, drawn here cell by cell with reportlab: a figure
the column was too narrow for wraps inside its cell (``17`` / ``8``), and a row the page break
cut in two (Word's 允许跨页断行 is on by default) — with fewer columns drawn on the first page,
where only rows whose label spans all the label columns stand."""

from __future__ import annotations

import io
from collections.abc import Callable

from importers.pdf import import_pdf, pdf_lines

Draw = Callable[..., None]
TOP = 842.0  # A4 height in points; positions below are measured from the top, as pdfplumber does


class _Page:
    """One page drawn top-down: text lines and ruled cells (each cell its own rectangle, as
    LibreOffice and WPS draw them)."""

    def __init__(self, canvas, font: str) -> None:  # type: ignore[no-untyped-def]
        self.c = canvas
        self.font = font

    def text(self, x: float, top: float, text: str, size: float = 12) -> None:
        self.c.setFont(self.font, size)
        self.c.drawString(x, TOP - top - size, text)

    def cell(self, x: float, top: float, w: float, h: float, *lines: str, size: float = 9) -> None:
        self.c.setLineWidth(0.5)
        self.c.rect(x, TOP - top - h, w, h, stroke=1, fill=0)
        for k, line in enumerate(lines):
            self.text(x + 2, top + 2 + k * (size + 2), line, size)


def _pdf(*pages: Callable[[_Page], None]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from exporters.fonts import pdf_fonts

    font = pdf_fonts().name("body")
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4)
    for draw in pages:
        draw(_Page(canvas, font))
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


HEAD = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
NARROW = 16.0  # 9 pt digits (5 pt each) and 2 pt padding each side: room for two digits, not three
WIDE = 30.0
FIGURES = ["72", "64", "178", "37", "351", "13", "4", "8", "1", "26", "12", "1", "1", "6", "20"]


def _opening(p: _Page) -> None:
    p.text(120, 60, "某某县人民政府2024年政府信息公开工作年度报告", 16)
    p.text(72, 100, "一、总体情况")
    p.text(72, 124, "2024年，本县扎实推进政务公开工作，全年收到行政复议申请351件。")
    p.text(72, 148, "四、政府信息公开行政复议、行政诉讼情况")


def _words(word: str, w: float) -> tuple[str, ...]:
    return tuple(word) if w < 20 else (word[:2], word[2:])  # a narrow column: a character a line


def _appeals_header(p: _Page, top: float, w: float) -> float:
    """表四's three header rows from ``top`` in columns ``w`` wide; the top of the data row."""
    x = 72.0
    p.cell(x, top, 5 * w, 14, "行政复议")
    p.cell(x + 5 * w, top, 10 * w, 14, "行政诉讼")
    for i, word in enumerate(HEAD):
        p.cell(x + i * w, top + 14, w, 64, *_words(word, w))
    p.cell(x + 5 * w, top + 14, 5 * w, 14, "未经复议直接起诉")
    p.cell(x + 10 * w, top + 14, 5 * w, 14, "复议后起诉")
    for g in (1, 2):
        for i, word in enumerate(HEAD):
            p.cell(x + (g * 5 + i) * w, top + 28, w, 50, *_words(word, w))
    return top + 78


def _closing(p: _Page, top: float) -> None:
    p.text(72, top, "五、存在的主要问题及改进情况")
    p.text(72, top + 24, "政策解读质量仍需提升。")
    p.text(72, top + 48, "六、其他需要报告的事项")
    p.text(72, top + 72, "本机关未收取信息处理费。")


def _appeals(result) -> list[object]:  # type: ignore[no-untyped-def]
    return [result.report.value("appeals", "data", f"{g}.{c}") for g in ("review", "direct_suit", "suit_after_review")
            for c in ("upheld", "corrected", "other", "pending", "total")]


def test_a_figure_wrapped_inside_a_narrow_cell_is_one_figure() -> None:
    """``178`` printed as ``17`` / ``8`` because the column had no room for the third digit."""

    def page(p: _Page) -> None:
        _opening(p)
        top = _appeals_header(p, 180, NARROW)
        for i, figure in enumerate(FIGURES):
            p.cell(72 + i * NARROW, top, NARROW, 26, figure[:2], figure[2:])
        _closing(p, top + 60)

    result = import_pdf(_pdf(page), source="四.pdf")
    assert _appeals(result) == [int(f) for f in FIGURES]
    assert not [f for f in result.findings if f.section == "appeals" and f.severity != "info"]


def test_two_figures_on_two_lines_of_a_wide_cell_are_not_joined() -> None:
    """A cell with room to spare holding ``17`` and ``8`` on two lines is no wrapped figure:
    its row is left blank with a finding, never read as 178 (nor as 17)."""

    def page(p: _Page) -> None:
        _opening(p)
        top = _appeals_header(p, 180, WIDE)
        for i, figure in enumerate(FIGURES):
            p.cell(72 + i * WIDE, top, WIDE, 26, *(("17", "8") if i == 2 else (figure,)))
        _closing(p, top + 60)

    data = _pdf(page)
    lines, _ = pdf_lines(data)
    assert any("17 8" in line.cells for line in lines if line.row)
    result = import_pdf(data, source="四.pdf")
    assert result.report.value("appeals", "data", "review.other") is None
    assert all(v is None or v == int(f) for v, f in zip(_appeals(result), FIGURES, strict=True))  # no wrong cell
    assert any(f.severity == "warning" and f.section == "appeals" for f in result.findings)


def test_a_row_the_page_break_cut_is_joined_again() -> None:
    """表四's data row starts at the foot of page 1 (``17``, ``35``) and ends at the top of page 2
    (``8``, ``1``): one row of 178 and 351 — not a row of 17 and 35 and a row of leftovers."""

    def page1(p: _Page) -> None:
        _opening(p)
        top = _appeals_header(p, 680, WIDE)
        for i, figure in enumerate(FIGURES):
            p.cell(72 + i * WIDE, top, WIDE, 842 - 60 - top, figure[:2])

    def page2(p: _Page) -> None:
        for i, figure in enumerate(FIGURES):
            p.cell(72 + i * WIDE, 60, WIDE, 16, figure[2:])
        _closing(p, 110)

    result = import_pdf(_pdf(page1, page2), source="四.pdf")
    assert _appeals(result) == [int(f) for f in FIGURES]
    assert not [f for f in result.findings if f.section == "appeals" and f.severity != "info"]


def test_a_table_drawn_inside_a_scaled_form_xobject_is_read_in_place() -> None:
    """Some producers draw each table once as a form XObject and place it with a matrix: the
    rules are found where the page shows them (the form's matrix and the placement applied)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from exporters.fonts import pdf_fonts

    font = pdf_fonts().name("body")
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4)
    canvas.beginForm("appeals")
    table = _Page(canvas, font)
    top = _appeals_header(table, 180, WIDE / 2)  # drawn at half size, placed at double size
    for i, figure in enumerate(FIGURES):
        table.cell(72 + i * WIDE / 2, top, WIDE / 2, 13, figure, size=4.5)
    canvas.endForm()
    page = _Page(canvas, font)
    _opening(page)
    canvas.saveState()
    canvas.translate(-72, -TOP + 180 * 2 - 180)  # the form's top-left corner lands at (72, 180)
    canvas.scale(2, 2)
    canvas.doForm("appeals")
    canvas.restoreState()
    _closing(page, 400)
    canvas.showPage()
    canvas.save()
    lines, _ = pdf_lines(buf.getvalue())
    assert ["行政复议", "行政诉讼"] in [line.cells for line in lines if line.row]  # read as a ruled table
    result = import_pdf(buf.getvalue(), source="四.pdf")
    assert _appeals(result) == [int(f) for f in FIGURES]
