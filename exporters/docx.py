"""The report as a Word document (``.docx``) a clerk keeps editing in WPS or Word.

Page after GB/T 9704-2012, like the PDF: A4, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm, body in
仿宋_GB2312 三号 on a 28.95 pt line pitch (22 lines a page), the title in 方正小标宋简体 二号,
first-level headings in 黑体, second-level headings in 楷体_GB2312, page numbers ``— 1 —`` in
宋体 四号 at the outside edge, the 落款 at the end. Fonts are *named*, not embedded: Word/WPS on
the desk uses its own 仿宋_GB2312 etc. (and its usual substitutes where one is missing).

The three tables are built from :func:`models.grid.grid_for`, the grid the editor and the PDF
draw: merged headers (``gridSpan``/``vMerge``), header rows repeated on every page, 宋体 五号.

Every part carries a paragraph style of ours (年报标题, 年报一级标题, 年报正文, 年报表注, 年报落款)
and the document keeps the editor's extra data (:func:`exporters.document.hidden_data`) in a
custom XML part: :mod:`importers.own` reads the document back to the same report.
"""

from __future__ import annotations

import io
from typing import Any, BinaryIO

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part as OpcPart
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from exporters.document import (
    CATEGORY,
    DATA_NS,
    GENERATOR,
    SUBHEADING,
    hidden_data,
    outline,
    paragraphs,
    signature_lines,
    xml_text,
)
from models.grid import Grid, grid_for
from models.numbers import format_value
from models.report import Report

SIZE_TITLE = 22.0  # 二号
SIZE_BODY = 16.0  # 三号
SIZE_PAGE_NO = 14.0  # 四号
SIZE_TABLE = 10.5  # 五号
LINE_PITCH = 28.95  # 225 mm / 22 lines, in pt
TWO_CHARS = 2 * SIZE_BODY

FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEADING1 = "黑体"
FONT_HEADING2 = "楷体_GB2312"
FONT_TABLE = "宋体"
LATIN = "Times New Roman"  # digits and Latin letters in the body, as official documents set them

#: Paragraph styles: (style id, name, east-Asian font, size). The ids are how our documents are
#: recognised when they come back.
STYLES = {
    "title": ("NianbaoTitle", "年报标题", FONT_TITLE, SIZE_TITLE),
    "heading1": ("NianbaoHeading1", "年报一级标题", FONT_HEADING1, SIZE_BODY),
    "body": ("NianbaoBody", "年报正文", FONT_BODY, SIZE_BODY),
    "preface": ("NianbaoPreface", "年报导语", FONT_BODY, SIZE_BODY),
    "note": ("NianbaoNote", "年报表注", FONT_BODY, 14.0),
    "signature": ("NianbaoSignature", "年报落款", FONT_BODY, SIZE_BODY),
    "table": ("NianbaoTable", "年报表格", FONT_TABLE, SIZE_TABLE),
}
DATA_PART = "/customXml/nianbao-report.xml"


def export_docx(report: Report, stream: BinaryIO) -> None:
    """Write ``report`` as a .docx to ``stream``."""
    doc = Document()
    _page_setup(doc)
    _styles(doc)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):  # the default template's empty paragraph
        body.remove(p)
    _title(doc, report)
    for line in paragraphs(report.preface):  # 导语: before 一, without a heading
        _para(doc, "preface", line)
    for part in outline(report):
        if part.kind == "heading":
            _para(doc, "heading1", part.section.title, keep_with_next=True)
        elif part.kind == "text":
            for line in part.lines:
                _narrative_paragraph(doc, line)
        else:
            _table(doc, report, grid_for(report.template, part.section.key))
            for line in part.note.split("\n") if part.note else []:
                _para(doc, "note", line)
    agency, when = signature_lines(report)
    if agency or when:
        _signature(doc, agency, when)
    props = doc.core_properties
    props.title = xml_text(report.title)
    props.author = props.last_modified_by = xml_text(report.meta.agency) or GENERATOR
    props.category = CATEGORY
    props.comments = f"由{GENERATOR}生成"
    props.keywords = "政府信息公开;年度报告"
    props.revision = 1
    _attach_data(doc, hidden_data(report))
    doc.save(stream)


def render_docx(report: Report) -> bytes:
    buf = io.BytesIO()
    export_docx(report, buf)
    return buf.getvalue()


# ---------------------------------------------------------------------- page and styles


def _page_setup(doc: Any) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(37)  # 天头
    section.left_margin = Mm(28)  # 订口
    section.right_margin = Mm(210 - 28 - 156)
    section.bottom_margin = Mm(297 - 37 - 225)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(20)  # the page number's 一字线 about 7 mm under the 版心
    # 22 lines of 28.95 pt on the page grid, as Word's 文档网格 for official documents.
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH * 20)))
    # Page numbers at the outside edge: odd pages right, even pages left (GB/T 9704 7.5).
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(p: Any, align: Any) -> None:
    p.alignment = align
    fmt = p.paragraph_format
    fmt.left_indent = fmt.right_indent = Pt(SIZE_PAGE_NO)  # 空一字
    for text in ("— ", None, " —"):
        if text is None:
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), "PAGE")
            run = OxmlElement("w:r")
            run.append(_rpr(FONT_TABLE, SIZE_PAGE_NO))
            t = OxmlElement("w:t")
            t.text = "1"
            run.append(t)
            field.append(run)
            p._p.append(field)
        else:
            r = p.add_run(text)
            _fonts(r._r.get_or_add_rPr(), FONT_TABLE)
            r.font.size = Pt(SIZE_PAGE_NO)


def _styles(doc: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    normal = doc.styles["Normal"]
    _fonts(normal.element.get_or_add_rPr(), FONT_BODY)
    normal.font.size = Pt(SIZE_BODY)
    for role, (style_id, name, font, size) in STYLES.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.element.set(qn("w:styleId"), style_id)
        style.base_style = normal
        style.font.size = Pt(size)
        _fonts(style.element.get_or_add_rPr(), font)
        fmt = style.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.widow_control = True
        if role == "table":
            fmt.line_spacing = 1.0
            fmt.space_before = fmt.space_after = Pt(1.5)
            fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
            snap = OxmlElement("w:snapToGrid")  # single-spaced, not on the body's 28.95 pt grid
            snap.set(qn("w:val"), "0")
            style.element.get_or_add_pPr().insert(0, snap)
            continue
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_PITCH)
        if role == "title":
            fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
            fmt.line_spacing = Pt(SIZE_TITLE * 1.5)
            fmt.space_after = Pt(LINE_PITCH)
        elif role == "signature":
            fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            fmt.first_line_indent = Pt(TWO_CHARS)  # 首行缩进二字


def _fonts(rpr: Any, east_asian: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:ascii"), LATIN)
    fonts.set(qn("w:hAnsi"), LATIN)
    fonts.set(qn("w:cs"), LATIN)
    fonts.set(qn("w:hint"), "eastAsia")


def _rpr(font: str, size: float) -> Any:
    rpr = OxmlElement("w:rPr")
    _fonts(rpr, font)
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), str(round(size * 2)))
    rpr.append(sz)
    return rpr


# ---------------------------------------------------------------------- parts


def _para(doc: Any, role: str, text: str, *, keep_with_next: bool = False) -> Any:
    p = doc.add_paragraph(style=STYLES[role][1])
    if text:
        p.add_run(text)
    if keep_with_next:
        p.paragraph_format.keep_with_next = True
    return p


def _title(doc: Any, report: Report) -> None:
    title = xml_text(report.title)
    agency = xml_text(report.meta.agency.strip())
    p = doc.add_paragraph(style=STYLES["title"][1])
    p.paragraph_format.keep_with_next = True
    # A long title breaks after the agency, as published reports do (and as the PDF does).
    if agency and title.startswith(agency) and len(title) > 22 and len(title) > len(agency):
        p.add_run(agency).add_break()
        p.add_run(title[len(agency):])
    else:
        p.add_run(title)


def _narrative_paragraph(doc: Any, line: str) -> None:
    p = doc.add_paragraph(style=STYLES["body"][1])
    m = SUBHEADING.match(line.strip()) if line.strip() else None
    if m:
        lead = line[: len(line) - len(line.lstrip())]
        head = lead + m.group(0)
        run = p.add_run(head)
        _fonts(run._r.get_or_add_rPr(), FONT_HEADING2)
        line = line[len(head):]
    if line:
        p.add_run(line)


def _signature(doc: Any, agency: str, when: str) -> None:
    """落款: the agency 2 characters from the right edge, the date under it, centred on it
    (GB/T 9704-2012 7.3.5.2, no seal)."""
    spacer = doc.add_paragraph(style=STYLES["body"][1])
    spacer.paragraph_format.first_line_indent = Pt(0)
    w_agency, w_date = _em(agency), _em(when)
    if agency:
        p = _para(doc, "signature", agency)
        p.paragraph_format.right_indent = Pt(TWO_CHARS)
    if when:
        p = _para(doc, "signature", when)
        shift = max((w_agency - w_date) / 2, 0.0) * SIZE_BODY if agency else 0.0
        p.paragraph_format.right_indent = Pt(TWO_CHARS + shift)


def _em(text: str) -> float:
    return sum(0.5 if ord(ch) < 128 else 1.0 for ch in text)


def _table(doc: Any, report: Report, grid: Grid) -> None:
    """The section's table, cell for cell the editor's grid: one ``w:tc`` per grid cell that
    starts a row's run, ``gridSpan`` across, ``vMerge`` down."""
    table = doc.add_table(rows=0, cols=grid.n_cols)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    for tag, attrs in (("w:tblW", {"w:w": "5000", "w:type": "pct"}), ("w:tblLayout", {"w:type": "fixed"})):
        el = OxmlElement(tag)
        for k, v in attrs.items():
            el.set(qn(k), v)
        tbl_pr.append(el)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b = OxmlElement(f"w:{edge}")
        b.set(qn("w:val"), "single")
        b.set(qn("w:sz"), "4")
        b.set(qn("w:color"), "000000")
        borders.append(b)
    tbl_pr.append(borders)
    margins = OxmlElement("w:tblCellMar")  # narrow cell margins: 7-digit figures stay on one line
    for edge, width in (("top", 0), ("left", 57), ("bottom", 0), ("right", 57)):
        m = OxmlElement(f"w:{edge}")
        m.set(qn("w:w"), str(width))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    tbl_pr.append(margins)
    widths = _column_widths(grid)
    tbl_grid = tbl.tblGrid
    for col in tbl_grid.findall(qn("w:gridCol")):
        tbl_grid.remove(col)
    for w in widths:
        col = OxmlElement("w:gridCol")
        col.set(qn("w:w"), str(w))
        tbl_grid.append(col)
    style_id = STYLES["table"][0]
    for r in range(grid.n_rows):
        tr = OxmlElement("w:tr")
        tr_pr = OxmlElement("w:trPr")
        tr_pr.append(OxmlElement("w:cantSplit"))
        if r < grid.header_rows:
            tr_pr.append(OxmlElement("w:tblHeader"))  # repeated at the top of every page
        tr.append(tr_pr)
        c = 0
        while c < grid.n_cols:
            cell = grid.at(r, c)
            if cell is None:  # a hole in the grid (never in shipped templates): an empty cell
                tr.append(_tc(widths[c], 1, None, "", style_id, "center"))
                c += 1
                continue
            span = cell.colspan
            width = sum(widths[c:c + span])
            if cell.row != r:
                tr.append(_tc(width, span, "continue", "", style_id, "center"))
            else:
                merge = "restart" if cell.rowspan > 1 else None
                if cell.kind == "value":
                    text = xml_text(format_value(report.values.get(cell.ref))) if cell.ref else ""
                    align = "center"
                else:
                    text = xml_text(cell.text)
                    align = "left" if cell.kind == "label" and cell.colspan > 1 and cell.level > 0 else "center"
                tr.append(_tc(width, span, merge, text, style_id, align))
            c += span
        tbl.append(tr)


def _tc(width: int, span: int, merge: str | None, text: str, style_id: str, align: str) -> Any:
    tc = OxmlElement("w:tc")
    pr = OxmlElement("w:tcPr")
    w = OxmlElement("w:tcW")
    w.set(qn("w:w"), str(width))
    w.set(qn("w:type"), "dxa")
    pr.append(w)
    if span > 1:
        gs = OxmlElement("w:gridSpan")
        gs.set(qn("w:val"), str(span))
        pr.append(gs)
    if merge is not None:
        vm = OxmlElement("w:vMerge")
        if merge == "restart":
            vm.set(qn("w:val"), "restart")
        pr.append(vm)
    va = OxmlElement("w:vAlign")
    va.set(qn("w:val"), "center")
    pr.append(va)
    tc.append(pr)
    lines = text.split("\n") if text else [""]
    for line in lines:
        p = OxmlElement("w:p")
        ppr = OxmlElement("w:pPr")
        ps = OxmlElement("w:pStyle")
        ps.set(qn("w:val"), style_id)
        ppr.append(ps)
        jc = OxmlElement("w:jc")
        jc.set(qn("w:val"), align)
        ppr.append(jc)
        p.append(ppr)
        if line:
            r = OxmlElement("w:r")
            t = OxmlElement("w:t")
            t.text = line
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            r.append(t)
            p.append(r)
        tc.append(p)
    return tc


def _column_widths(grid: Grid) -> list[int]:
    """Column widths in twips over the 156 mm 版心: label columns wider, value columns equal."""
    total = round(156 / 25.4 * 1440)
    n_values = grid.n_cols - grid.label_cols
    if grid.label_cols == 0:
        return _spread(total, [1.0] * grid.n_cols)
    label_share = {1: 0.30, 2: 0.40, 3: 0.44}.get(grid.label_cols, 0.45)
    weights = [label_share / grid.label_cols] * grid.label_cols + [(1 - label_share) / n_values] * n_values
    if grid.label_cols == 3:  # 表三: 三、本年度办理结果 is a narrow vertical column, the items wide
        weights[:3] = [0.06, 0.13, 0.29]
    return _spread(total, weights)


def _spread(total: int, weights: list[float]) -> list[int]:
    s = sum(weights)
    widths = [int(total * w / s) for w in weights]
    widths[-1] += total - sum(widths)
    return widths


def _attach_data(doc: Any, data: str) -> None:
    """Keep the editor's extra data in a custom XML part (Word and WPS keep such parts)."""
    from xml.sax.saxutils import escape

    blob = f'<?xml version="1.0" encoding="UTF-8"?><report xmlns="{DATA_NS}">{escape(data)}</report>'.encode()
    part = OpcPart(PackURI(DATA_PART), "application/xml", blob, doc.part.package)
    doc.part.relate_to(part, RT.CUSTOM_XML)
