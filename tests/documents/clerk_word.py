"""Word files typed the way a clerk types the report in Word or WPS, built with python-docx:
Word's default "网格型" tables with equal columns (a 10-column 表三 leaves room for three digits
a column, so 3001 wraps), merges made with Word's own 合并单元格 (``gridSpan``/``vMerge``), header
words as two paragraphs (商业 / 企业), headings as bold runs or Heading styles, the 导语, a running
header and a ``— PAGE —`` footer, the 落款 with its date, 表二 as four small tables, 表三 continued
in a second table after a page break (its header rows repeated or not).

Not our exporter's files: nothing here knows our styles or our grid widths.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from report_builders import AGENCY, NARRATIVE, TITLE, VALUES, T

from models.grid import Grid, grid_for
from models.numbers import format_value
from models.template import ReportTemplate
from models.values import CellRef, Value

PREFACE = ("本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室"
           "关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求编制。"
           "本报告所列数据的统计期限自2024年1月1日起至2024年12月31日止。")


@dataclass(frozen=True)
class Clerk:
    """How one clerk typed the report."""

    headings: str = "bold"  # bold (a bold 黑体 run in a body paragraph) | style (Heading 1) | plain
    proactive_tables: int = 1  # 表二 as one table, or as 4 (one per block)
    requests_break: int | None = None  # grid row at which 表三 goes on in a second table on a new page
    repeat_header: bool = True  # …with its header rows repeated (标题行重复)
    printed: Callable[[CellRef, Value], str] | None = None  # how a figure is typed (1,288 / １２８８ / /)


def _figure(clerk: Clerk, ref: CellRef, value: Value) -> str:
    if clerk.printed is not None:
        return clerk.printed(ref, value)
    return "" if value is None else format_value(value)


def _paragraphs(text: str, *, header: bool) -> str:
    """The cell's paragraphs; a header word of four characters typed as two (商业 / 企业)."""
    from xml.sax.saxutils import escape

    parts = [text[:2], text[2:]] if header and len(text) == 4 else [text]
    return "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{escape(p)}</w:t></w:r></w:p>" for p in parts)


def _table(doc, grid: Grid, values: dict[CellRef, Value], clerk: Clerk, rows: range,  # type: ignore[no-untyped-def]
           repeat: int = 0) -> None:
    """Grid rows ``rows`` (and the first ``repeat`` header rows, marked 标题行重复) as one Word
    table, merged cells as Word writes them (``gridSpan``; ``vMerge`` restart/continue); a merged
    label that began in an earlier table starts again at the top of this one."""
    from docx.oxml import parse_xml

    src = list(range(repeat)) + list(rows)
    table = doc.add_table(rows=0, cols=grid.n_cols)
    table.style = "Table Grid"
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    for ti, r in enumerate(src):
        tcs = []
        for c in range(grid.n_cols):
            g = grid.at(r, c)
            if g is None or g.col != c:
                continue  # covered from the left: no cell of its own
            fresh = g.row == r or (ti == repeat and r == rows[0])
            last = min(g.row + g.rowspan - 1, src[-1])
            merge = ""
            if g.rowspan > 1 and last > r and fresh:
                merge = '<w:vMerge w:val="restart"/>'
            elif not fresh:
                merge = "<w:vMerge/>"
            span = f'<w:gridSpan w:val="{g.colspan}"/>' if g.colspan > 1 else ""
            if fresh:
                text = _figure(clerk, g.ref, values.get(g.ref)) if g.ref is not None else g.text
                body = _paragraphs(text, header=g.ref is None)
            else:
                body = "<w:p/>"
            tcs.append(f"<w:tc><w:tcPr>{span}{merge}</w:tcPr>{body}</w:tc>")
        header = "<w:trPr><w:tblHeader/></w:trPr>" if ti < repeat else ""
        table._tbl.append(parse_xml(f"<w:tr {ns}>{header}{''.join(tcs)}</w:tr>"))


def _heading(doc, text: str, clerk: Clerk) -> None:  # type: ignore[no-untyped-def]
    from docx.oxml.ns import qn

    if clerk.headings == "style":
        doc.add_heading(text, level=1)
    elif clerk.headings == "bold":
        run = doc.add_paragraph().add_run(text)
        run.bold = True
        run.font.name = "黑体"
        run._element.rPr.rFonts.set(qn("w:eastAsia"), "黑体")
    else:
        doc.add_paragraph(text)


def _page_number(paragraph) -> None:  # type: ignore[no-untyped-def]
    """``— PAGE —``: the page number as a field, as Word inserts it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph.add_run("— ")
    run = paragraph.add_run()._r
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        elif kind == "text":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run.append(el)
    paragraph.add_run(" —")


def clerk_docx(clerk: Clerk = Clerk(), values: dict[CellRef, Value] = VALUES, *,  # noqa: B008
               template: ReportTemplate = T) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt

    doc = docx.Document()
    doc.styles["Normal"].font.size = Pt(16)
    section = doc.sections[0]
    section.header.paragraphs[0].text = TITLE
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    agency, _, rest = TITLE.partition("2024")
    first = title.add_run(agency)
    first.bold = True
    first.add_break()  # the title on two lines: the agency, then the year and the words
    title.add_run("2024" + rest).bold = True
    doc.add_paragraph(PREFACE)
    for spec in template.sections:
        _heading(doc, spec.title, clerk)
        if not spec.is_table:
            for paragraph in NARRATIVE[spec.key].split("\n"):
                doc.add_paragraph(paragraph)
            continue
        grid = grid_for(template, spec.key)
        if spec.key == "proactive" and clerk.proactive_tables > 1:
            starts = [r for r in range(grid.n_rows) if (g := grid.at(r, 0)) and g.colspan == grid.n_cols]
            for a, b in zip(starts, [*starts[1:], grid.n_rows], strict=True):
                _table(doc, grid, values, clerk, range(a, b))
                doc.add_paragraph("")
        elif spec.key == "requests" and clerk.requests_break:
            k = clerk.requests_break
            _table(doc, grid, values, clerk, range(0, k))
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            _table(doc, grid, values, clerk, range(k, grid.n_rows),
                   repeat=grid.header_rows if clerk.repeat_header else 0)
        else:
            _table(doc, grid, values, clerk, range(grid.n_rows))
    for line in (AGENCY, "2025年1月20日"):
        doc.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
