"""The comparison of two years as a reviewer's PDF, on the report PDF's own machinery.

A first page with the two reports, the cells that moved most and the findings of the carry-over
rules; then each table in the official layout (the same Grid, :func:`exporters.pdf_table.table_spec`
and :class:`exporters.pdf.GridTable` as the report's PDF, header rows repeated across pages),
every value cell holding four lines: 上年, 本年, 增减, 增减率. A 本年 figure marked ``*`` has a
finding, listed under its table.
"""

from __future__ import annotations

from typing import BinaryIO

from reportlab.lib import colors
from reportlab.platypus import Flowable, PageBreak, Table, TableStyle

from exporters.fonts import PdfFonts
from exporters.linebreak import label_glue
from exporters.pdf import BODY_W, CJKText, GridTable, HeadingWith, document, fonts_or_fail, text_width
from exporters.pdf_table import table_spec
from models.compare import CellChange, Comparison, TableComparison
from models.findings import SEVERITY_LABEL, Finding
from models.grid import grid_for
from models.numbers import format_value

SIZE_TITLE = 18.0
SIZE_TEXT = 12.0
SIZE_SMALL = 10.0
SIZE_CELLS = 8.5  # the four lines of a value cell
MIN_CELLS = 6.5
MARK = "*"  # after a 本年 figure that has a finding


class _Pages:
    def __init__(self, comparison: Comparison, fonts: PdfFonts) -> None:
        self.c, self.fonts = comparison, fonts

    def text(self, text: str, role: str = "body", size: float = SIZE_TEXT, **kw: object) -> CJKText:
        leading = kw.pop("leading", round(size * 1.6, 2))
        return CJKText(self.fonts.runs(self.fonts.printable(text), role), size, leading, **kw)  # type: ignore[arg-type]

    def bold(self, role: str) -> bool:
        return self.fonts.name(role) == self.fonts.name("body")

    def heading(self, text: str, size: float = SIZE_TEXT + 2) -> CJKText:
        return self.text(text, "heading1", size, align="left", space_before=8, space_after=4, keep_with_next=True,
                         bold=self.bold("heading1"))

    # ------------------------------------------------------------------ first page

    def summary(self) -> list[Flowable]:
        c = self.c
        out: list[Flowable] = [
            self.text(c.title, "title", SIZE_TITLE, align="center", space_after=10, bold=self.bold("title")),
            self.text(f"本年报告：{c.this_title}" + (f"（{c.this_source}）" if c.this_source else ""), align="left"),
            self.text(f"上年报告：{c.last_title}" + (f"（{c.last_source}）" if c.last_source else ""), align="left"),
            self.text("有变化的单元格：" + "；".join(f"{t.section.number}、{t.section.short} {t.changed} 个"
                                            for t in c.tables), align="left"),
        ]
        out += [self.text(f"注意：{note}", align="left") for note in c.notes]
        out.append(self.heading(f"一、变化最大的 {len(c.movers)} 个单元格（不含合计）"))
        if c.movers:
            out.append(self.movers_table(c.movers))
        else:
            out.append(self.text("两年的数字没有变化。"))
        out.append(self.heading(f"二、与上年核对（{len(c.findings)} 条）"))
        if not c.findings:
            out.append(self.text("上年结转、现行有效件数等与上年报告一致，未发现问题。"))
            return out
        listed = c.findings_by_table()
        if listed:
            out.append(self.text(f"表格中：{listed}，列在各表之后。", align="left"))
        out += self.findings(c.other_findings())
        return out

    def movers_table(self, movers: tuple[CellChange, ...]) -> Table:
        size = SIZE_SMALL
        widths = [BODY_W * 0.52, BODY_W * 0.12, BODY_W * 0.12, BODY_W * 0.12, BODY_W * 0.12]

        def cell(text: str, align: str = "center") -> CJKText:
            return self.text(text, "table", size, leading=round(size * 1.35, 2), align=align)

        rows = [[cell(h) for h in ("位置", "上年", "本年", "增减", "增减率")]]
        for m in movers:
            rows.append([cell(m.where, "left"), cell(format_value(m.last)), cell(format_value(m.this)),
                         cell(m.change_text()), cell(m.ratio_text())])
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E4EAF2")),
        ]))
        return table

    def findings(self, findings: tuple[Finding, ...] | list[Finding]) -> list[Flowable]:
        return [self.text(f"{i}. 【{SEVERITY_LABEL[f.severity]}】{f.message}", size=SIZE_SMALL, align="justify",
                          first_indent=0.0, space_after=2)
                for i, f in enumerate(findings, 1)]

    # ------------------------------------------------------------------ the tables

    def table(self, table: TableComparison) -> list[Flowable]:
        c = self.c
        section = table.section
        grid = grid_for(c.template, section.key)
        marked = {f.anchor for f in c.findings_of(section.key) if f.anchor is not None}
        texts = {ref: _cell_text(cc, ref in marked) for ref, cc in table.cells.items()}

        def measure(text: str, size: float) -> float:
            return max(text_width(self.fonts, line, "table", size) for line in text.split("\n"))

        spec = table_spec(grid, texts, width=BODY_W, font_size=SIZE_CELLS, min_font_size=MIN_CELLS,
                          measure=measure, glue=lambda cell: label_glue(c.template, cell))
        years = f"{c.last_year or '上'}年与{c.this_year or '本'}年对比"
        heading = self.heading(f"{section.title}（{years}）")
        out: list[Flowable] = [
            PageBreak(),
            HeadingWith(heading, self.text(f"每格四行：上年、本年、增减、增减率；本年数字后的 {MARK} 表示与上年核对有问题，见表后。",
                                           size=SIZE_SMALL, align="left", space_after=2)),
            GridTable(spec, self.fonts),
        ]
        found = c.findings_of(section.key)
        if found:
            out.append(self.text(f"与上年核对（{len(found)} 条）", "heading1", SIZE_SMALL + 1, align="left",
                                 space_before=6, keep_with_next=True, bold=self.bold("heading1")))
            out += self.findings(found)
        return out

    def story(self) -> list[Flowable]:
        out = self.summary()
        for table in self.c.tables:
            out += self.table(table)
        return out


def _cell_text(cc: CellChange, marked: bool) -> str:
    last = format_value(cc.last) if cc.comparable else "不可比"
    this = format_value(cc.this) + (MARK if marked else "")
    return "\n".join((last or "—", this or "—", cc.change_text() or " ", cc.ratio_text() or " "))


def export_comparison_pdf(comparison: Comparison, stream: BinaryIO) -> None:
    fonts = fonts_or_fail()
    doc = document(stream, fonts, title=comparison.title, author=comparison.agency, size=SIZE_TEXT,
                   leading=SIZE_TEXT * 1.6)
    doc.build(_Pages(comparison, fonts).story())
