"""The report as a PDF fit to print, sign and submit, typeset like an official document.

Layout after GB/T 9704-2012: A4, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm with 22 lines of
三号 (16 pt) 仿宋 body text; the title in 二号 小标宋, first-level headings in 黑体,
second-level headings (（一）…) in 楷体, page numbers ``— 1 —`` in 四号 at the outside edge.
The three tables are drawn from :func:`models.grid.grid_for` (see :mod:`exporters.pdf_table`)
and break across pages with their header rows repeated. Fonts: see :mod:`exporters.fonts`.

Chinese text is set by :class:`CJKText`, a small flowable that breaks lines as
:mod:`exporters.linebreak` says (between any two characters except where 避头尾 forbids it; in
table labels only between the template's words) and justifies lines to both edges with
character spacing, as word processors do for Chinese.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate, Spacer, Table

from exporters import ExportFailed
from exporters.document import SUBHEADING, chinese_date
from exporters.fonts import NoFontError, PdfFonts, pdf_fonts
from exporters.linebreak import break_lines, label_glue
from exporters.pdf_table import TableCell, TableSpec, break_row, table_slice, table_spec
from models.findings import SEVERITY_LABEL
from models.grid import grid_for
from models.numbers import format_value
from models.progress import checkpoint
from models.report import Report
from models.template import SectionSpec
from models.values import CellRef

# ----------------------------------------------------------------- page geometry (GB/T 9704)

PAGE_W, PAGE_H = A4
MARGIN_TOP = 37 * mm  # 天头
MARGIN_LEFT = 28 * mm  # 订口
BODY_W = 156 * mm  # 版心
BODY_H = 225 * mm
MARGIN_BOTTOM = PAGE_H - MARGIN_TOP - BODY_H
PAGE_NO_GAP = 7 * mm  # 页码一字线上距版心下边缘 7 mm

SIZE_TITLE = 22.0  # 二号
SIZE_BODY = 16.0  # 三号
SIZE_PAGE_NO = 14.0  # 四号
SIZE_NOTE = 14.0  # 四号, notes under a table and the 校验说明 page
SIZE_TABLE = 10.5  # 五号
LEADING = BODY_H / 22  # 22 lines a page
INDENT = 2 * SIZE_BODY  # 首行缩进二字

class _Line:
    __slots__ = ("runs", "width", "chars", "hard", "indent")

    def __init__(self, runs: list[tuple[str, str, bool]], width: float, chars: int, hard: bool, indent: float) -> None:
        self.runs, self.width, self.chars, self.hard, self.indent = runs, width, chars, hard, indent


class CJKText(Flowable):
    """A paragraph of Chinese text in one size, with font runs for fallback characters.

    ``align`` is 'justify', 'left', 'center' or 'right'. It splits across pages between lines,
    keeping at least two lines on each side when it can.
    """

    def __init__(self, runs: Sequence[tuple[str, str]], size: float, leading: float, *, align: str = "justify",
                 first_indent: float = 0.0, right_indent: float = 0.0, space_before: float = 0.0,
                 space_after: float = 0.0, keep_with_next: bool = False, bold: bool = False,
                 bold_chars: int = 0, min_lines: int = 0, glued: frozenset[int] = frozenset()) -> None:
        super().__init__()
        self.glued = glued  # offsets inside a label's words: no line break there
        self.min_lines = min_lines  # a table cell keeps one line's height even when blank
        # Emboldened (outlines stroked too) — all of it, or its first ``bold_chars`` characters —
        # so that a heading set in the body's own face still stands out.
        self.bold, self.bold_chars = bold, bold_chars
        self.text_runs = list(runs)
        self.size, self.leading, self.align = size, leading, align
        self.first_indent, self.right_indent = first_indent, right_indent
        self.spaceBefore, self.spaceAfter = space_before, space_after
        self.keepWithNext = keep_with_next
        self._lines: list[_Line] | None = None
        self._laid_for: float | None = None

    def _layout(self, avail: float) -> list[_Line]:
        if self._lines is not None and self._laid_for == avail:
            return self._lines
        text = "".join(t for _, t in self.text_runs)
        fonts: list[str] = []
        for name, chunk in self.text_runs:
            fonts.extend([name] * len(chunk))
        widths = [_char_width(ch, f, self.size) for ch, f in zip(text, fonts, strict=True)]
        width = self._usable(avail)
        out: list[_Line] = []
        for start, end, hard in break_lines(text, widths, width - self.first_indent, width, self.glued):
            while end > start and text[end - 1] == " ":
                end -= 1
            runs: list[tuple[str, str, bool]] = []
            for idx in range(start, end):
                bold = self.bold or idx < self.bold_chars
                if runs and runs[-1][0] == fonts[idx] and runs[-1][2] == bold:
                    runs[-1] = (fonts[idx], runs[-1][1] + text[idx], bold)
                else:
                    runs.append((fonts[idx], text[idx], bold))
            indent = self.first_indent if not out else 0.0
            out.append(_Line(runs, sum(widths[start:end]), end - start, hard, indent))
        self._lines, self._laid_for = out, avail
        return out

    def widest_line(self, avail: float) -> float:
        """Width of the longest line when set in a frame ``avail`` wide."""
        return max((line.width for line in self._layout(avail)), default=0.0)

    def _usable(self, avail: float) -> float:
        """The line width: ``avail`` less the right indent, but at least one character (a right
        indent wider than the frame must not push the text off the page)."""
        return max(avail - self.right_indent, self.size)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - reportlab API
        self.width = availWidth
        self.height = max(len(self._layout(availWidth)), self.min_lines) * self.leading
        return availWidth, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803 - reportlab API
        lines = self._layout(availWidth)
        fit = int((availHeight + 1e-6) // self.leading)
        if fit >= len(lines):
            return [self]
        if len(lines) - fit < 2:
            fit = len(lines) - 2  # no widow
        if fit < 2:
            return []  # no orphan: move the paragraph to the next page
        head, tail = self._part(lines[:fit], availWidth), self._part(lines[fit:], availWidth)
        head.spaceAfter, tail.spaceBefore = 0.0, 0.0
        tail.keepWithNext = self.keepWithNext
        head.keepWithNext = False
        return [head, tail]

    def _part(self, lines: list[_Line], avail: float) -> CJKText:
        part = CJKText(self.text_runs, self.size, self.leading, align=self.align, first_indent=self.first_indent,
                       right_indent=self.right_indent, space_before=self.spaceBefore, space_after=self.spaceAfter,
                       bold=self.bold, bold_chars=self.bold_chars, glued=self.glued)
        part._lines, part._laid_for = lines, avail
        return part

    def draw(self) -> None:
        canv = self.canv
        lines = self._layout(self.width)
        usable = self._usable(self.width)
        if self.bold or self.bold_chars:
            canv.setLineWidth(self.size * 0.035)
        for i, line in enumerate(lines):
            # The em box sits in the middle of the line; CJK glyphs rise 0.88 em above the baseline.
            baseline = self.height - i * self.leading - (self.leading - self.size) / 2 - 0.88 * self.size
            room = usable - line.indent
            if self.align == "center":
                x = line.indent + (room - line.width) / 2
            elif self.align == "right":
                x = usable - line.width
            else:
                x = line.indent
            text = canv.beginText(x, baseline)
            spacing = 0.0
            if self.align == "justify" and not line.hard and line.chars > 1:
                spacing = (room - line.width) / (line.chars - 1)
                if not 0 < spacing <= 0.5 * self.size:
                    spacing = 0.0  # a line cut short by a long word stays ragged rather than spaced out
            text.setCharSpace(spacing)
            for font, chunk, bold in line.runs:
                text.setTextRenderMode(2 if bold else 0)  # 2: fill and stroke
                text.setFont(font, self.size)
                text.textOut(chunk)
            canv.drawText(text)


_WIDTHS: dict[tuple[str, str], float] = {}


def _char_width(ch: str, font: str, size: float) -> float:
    key = (font, ch)
    w = _WIDTHS.get(key)
    if w is None:
        w = _WIDTHS[key] = stringWidth(ch, font, 1.0)
    return w * size


def text_width(fonts: PdfFonts, text: str, role: str, size: float) -> float:
    """Printed width of ``text`` in the role's face (fallback characters in their own faces)."""
    return sum(_char_width(ch, f, size) for f, chunk in fonts.runs(text, role) for ch in chunk)


# ----------------------------------------------------------------- tables


class GridTable(Flowable):
    """A table section drawn from its :class:`TableSpec`; it breaks across pages between rows
    (inside merged cells too, as word processors do) and repeats the header rows."""

    MIN_BODY_ROWS = 3  # fewer rows than this at the foot of a page: start the table on the next

    def __init__(self, spec: TableSpec, fonts: PdfFonts, start: int | None = None, stop: int | None = None) -> None:
        super().__init__()
        self.spec, self.fonts = spec, fonts
        self.start = spec.body[0] if start is None else start
        self.stop = spec.body[1] if stop is None else stop
        self.spaceBefore, self.spaceAfter = 4.0, 10.0
        self._table: Table | None = None

    def _make(self) -> Table:
        if self._table is None:
            part = table_slice(self.spec, self.start, self.stop)
            data = [[self._cell(c) if c else "" for c in row] for row in part.rows]
            # FONT: empty cells are drawn as strings, in reportlab's default Helvetica otherwise.
            font = ("FONT", (0, 0), (-1, -1), self.fonts.name("table"), self.spec.font_size)
            self._table = Table(data, colWidths=part.col_widths, repeatRows=part.repeat_rows,
                                style=[*part.commands, font], hAlign="CENTER")
        return self._table

    def _cell(self, cell: TableCell) -> CJKText:
        size = self.spec.font_size
        return CJKText(self.fonts.runs(cell.text, "table"), size, round(size * 1.3, 2),
                       align="center" if cell.align == "CENTER" else "left", min_lines=1, glued=cell.glued)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - reportlab API
        self.width, self.height = self._make().wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803 - reportlab API
        table = self._make()
        table.wrap(availWidth, availHeight)
        heights = list(table._rowHeights)  # computed by wrap(); None past the first page's worth
        head = self.spec.repeat_rows
        used = sum(heights[:head])
        fits = self.start
        for h in heights[head:]:
            if h is None or used + h > availHeight + 1e-6:
                break
            used += h
            fits += 1
        if fits >= self.stop:
            return [self]
        fresh_page = availHeight >= 0.8 * BODY_H  # moving on would not find more room
        k = break_row(self.spec.grid, self.start, fits)
        if k <= self.start:
            if not fresh_page:
                return []  # no good break here: start on the next page
            k = fits  # a whole page cannot do better: break where it fills up
        first = GridTable(self.spec, self.fonts, self.start, k)
        # Cut merged cells may need taller rows than the whole table did; step back until it fits.
        while k - 1 > self.start and first.wrap(availWidth, availHeight)[1] > availHeight + 1e-6:
            k -= 1
            first = GridTable(self.spec, self.fonts, self.start, k)
        if k - self.start < min(self.MIN_BODY_ROWS, self.stop - self.start) and not fresh_page:
            return []  # a header and a row or two at the foot of a page: start on the next
        first.spaceAfter = 0.0
        rest = GridTable(self.spec, self.fonts, k, self.stop)
        rest.spaceBefore = 0.0
        return [first, rest]

    def draw(self) -> None:
        self._make().drawOn(self.canv, 0, 0)


class WithTail(Flowable):
    """The last text of the report and the 落款 after it. GB/T 9704 wants the 落款 on a page with
    text: when the two do not fit, the text splits early so that its last lines go over with it
    (or moves whole when it is too short to split)."""

    def __init__(self, body: Flowable, tail: list[Flowable]) -> None:
        super().__init__()
        self.body, self.tail = body, tail
        self.spaceBefore, self.spaceAfter = body.getSpaceBefore(), 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - reportlab API
        self._body_h = self.body.wrap(availWidth, availHeight)[1]
        height = self._body_h + self.body.getSpaceAfter()
        for t in self.tail:
            height += t.getSpaceBefore() + t.wrap(availWidth, availHeight)[1] + t.getSpaceAfter()
        self.width, self.height = availWidth, height
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803 - reportlab API
        body_h = self.body.wrap(availWidth, availHeight)[1]
        # At least one line of text must go over with the 落款 (the text keeps its own widow rule).
        parts = self.body.split(availWidth, min(availHeight, body_h - LEADING))
        if len(parts) != 2:
            return []
        return [parts[0], WithTail(parts[1], self.tail)]

    def draw(self) -> None:
        y = self.height - self._body_h
        self.body.drawOn(self.canv, 0, y)
        y -= self.body.getSpaceAfter()
        for t in self.tail:
            y -= t.getSpaceBefore() + t.height
            t.drawOn(self.canv, 0, y)
            y -= t.getSpaceAfter()


class HeadingWith(Flowable):
    """A heading kept on the page where what follows it starts.

    reportlab's ``keepWithNext`` would move a heading and the whole of a long table to a new
    page, leaving most of a page empty; this keeps the heading with the *first part* only.
    """

    def __init__(self, heading: Flowable, body: Flowable) -> None:
        super().__init__()
        self.heading, self.body = heading, body
        self.spaceBefore, self.spaceAfter = heading.getSpaceBefore(), body.getSpaceAfter()
        self._gap = heading.getSpaceAfter() + body.getSpaceBefore()

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - reportlab API
        head = self.heading.wrap(availWidth, availHeight)[1]
        body = self.body.wrap(availWidth, max(availHeight - head - self._gap, 0.0))[1]
        self.width, self.height = availWidth, head + self._gap + body
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803 - reportlab API
        head = self.heading.wrap(availWidth, availHeight)[1]
        room = availHeight - head - self._gap
        parts = self.body.split(availWidth, room) if room > 0 else []
        return [self.heading, *parts] if parts else []

    def draw(self) -> None:
        body_h = self.body.wrap(self.width, self.height)[1]
        self.body.drawOn(self.canv, 0, 0)
        self.heading.drawOn(self.canv, 0, body_h + self._gap)


def _table_texts(report: Report, section: SectionSpec) -> dict[CellRef, str]:
    return {ref: format_value(report.values.get(ref))
            for ref in (CellRef(section.key, c.row, c.column) for c in section.cells)}


# ----------------------------------------------------------------- the document

# （一）主动公开情况。 at the start of a paragraph: a second-level heading, set in 楷体.


class _Builder:
    def __init__(self, report: Report, fonts: PdfFonts) -> None:
        self.report, self.fonts = report, fonts

    def text(self, text: str, role: str, size: float = SIZE_BODY, leading: float = LEADING, **kw: Any) -> CJKText:
        return CJKText(self.runs(_clean(text), role), size, leading, **kw)

    def runs(self, text: str, role: str) -> list[tuple[str, str]]:
        """Font runs of cleaned text, characters that no font has marked (see fonts.printable)."""
        return self.fonts.runs(self.fonts.printable(text), role)

    def title(self) -> CJKText:
        title = self.report.title
        agency = self.report.meta.agency.strip()
        too_wide = self._width(title, "title", SIZE_TITLE) > BODY_W
        if too_wide and agency and title.startswith(agency) and len(title) > len(agency):
            title = f"{agency}\n{title[len(agency):]}"  # break after the agency, as published reports do
        return self.text(title, "title", SIZE_TITLE, round(SIZE_TITLE * 1.5, 2), align="center",
                         space_after=LEADING, bold=self._faux_bold("title"))

    def heading(self, section: SectionSpec) -> CJKText:
        return self.text(section.title, "heading1", align="left", first_indent=INDENT,
                         bold=self._faux_bold("heading1"))

    def _faux_bold(self, role: str) -> bool:
        """Without a 小标宋/黑体 of its own, the role is set in the body's face, emboldened."""
        return self.fonts.name(role) == self.fonts.name("body")

    def narrative(self, text: str) -> list[Flowable]:
        out: list[Flowable] = []
        for raw in _clean(text).split("\n"):
            para = raw.strip()
            if not para:
                continue
            m = SUBHEADING.match(para)
            runs = []
            if m:
                runs += self.runs(m.group(0), "heading2")
                para = para[m.end():]
            runs += self.runs(para, "body")
            bold = len(m.group(0)) if m and self._faux_bold("heading2") else 0
            out.append(CJKText(runs, SIZE_BODY, LEADING, first_indent=INDENT, bold_chars=bold))
        return out

    def table(self, section: SectionSpec) -> list[Flowable]:
        grid = grid_for(self.report.template, section.key)

        def measure(text: str, size: float) -> float:
            return text_width(self.fonts, text, "table", size)

        template = self.report.template
        spec = table_spec(grid, _table_texts(self.report, section), width=BODY_W, font_size=SIZE_TABLE,
                          measure=measure, glue=lambda cell: label_glue(template, cell))
        out: list[Flowable] = [GridTable(spec, self.fonts)]
        note = self.report.notes.get(section.key, "").strip()
        if note:
            out.append(self.text(note, "body", SIZE_NOTE, SIZE_NOTE * 1.6, align="justify", space_after=8))
        return out

    def signature(self) -> list[Flowable]:
        """落款 without a seal (GB/T 9704-2012 7.3.5.2): the agency 2 characters from the right edge,
        the date on the next line starting 2 characters right of the agency's first character; a
        date longer than that is set 2 characters from the edge and the agency moves left instead.
        A name too long for one line wraps over several, right-aligned."""
        agency = self.report.meta.agency.strip()
        when = chinese_date(self.report.meta.date)
        if not agency and not when:
            return []
        two = 2 * SIZE_BODY
        # A name too long for one line wraps: its widest line is what the date lines up with.
        w_a = self.text(agency, "body", right_indent=two).widest_line(BODY_W) if agency else 0.0
        w_d = self._width(when, "body") if when else 0.0
        if not when or w_d + two <= w_a:
            r_agency, r_date = two, w_a - w_d
        else:
            r_agency, r_date = max(min(2 * two + w_d - w_a, BODY_W - w_a), 0.0), two
        lines: list[Flowable] = []
        if agency:
            lines.append(self.text(agency, "body", align="right", right_indent=r_agency))
        if when:
            lines.append(self.text(when, "body", align="right", right_indent=r_date))
        return [Spacer(1, LEADING), *lines]

    def _width(self, text: str, role: str, size: float = SIZE_BODY) -> float:
        return text_width(self.fonts, text, role, size)

    def check_page(self) -> list[Flowable]:
        """校验说明: accepted warnings with their explanations, then the open findings."""
        from models.checker import check_report

        result = check_report(self.report)
        lead = SIZE_NOTE * 1.6

        def para(text: str, **kw: object) -> CJKText:
            kw.setdefault("first_indent", 2 * SIZE_NOTE)
            return self.text(text, "body", SIZE_NOTE, lead, **kw)

        def subhead(text: str) -> CJKText:
            return self.text(text, "heading1", SIZE_NOTE, lead * 1.2, align="left", first_indent=2 * SIZE_NOTE,
                             keep_with_next=True, space_before=6, bold=self._faux_bold("heading1"))

        out: list[Flowable] = [
            PageBreak(),
            self.text("校验说明", "title", 18.0, 30.0, align="center", space_after=LEADING / 2,
                      bold=self._faux_bold("title")),
            para(f"本页供审核使用，不属于报告正文。校验结果：{result.summary()}。", space_after=6),
            subhead("一、已说明的警告"),
        ]
        accepted = result.accepted
        for i, f in enumerate(accepted, 1):
            out.append(para(f"{i}. {f.message}", keep_with_next=True))
            out.append(para(f"说明：{f.explanation or ''}", space_after=4))
        if not accepted:
            out.append(para("无。"))
        out.append(subhead("二、未处理的问题"))
        pending = result.open()
        for i, f in enumerate(pending, 1):
            out.append(para(f"{i}. 【{SEVERITY_LABEL[f.severity]}】{f.message}", space_after=2))
        if not pending:
            out.append(para("无。"))
        return out

    def story(self, include_check_page: bool) -> list[Flowable]:
        out: list[Flowable] = [self.title(), *self.narrative(self.report.preface)]  # 导语: no heading
        for section in self.report.template.sections:
            heading = self.heading(section)
            body = self.table(section) if section.is_table else self.narrative(self.report.text(section.key))
            out.extend([HeadingWith(heading, body[0]), *body[1:]] if body else [heading])
        signature = self.signature()
        if signature:
            out.append(WithTail(out.pop(), signature))
        if include_check_page:
            out.extend(self.check_page())
        return out


def _clean(text: str) -> str:
    """Tabs to spaces, CRLF to LF, other control characters dropped (they have no glyph)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return "".join(ch for ch in text if ch == "\n" or ch >= " ")


def _page_number(fonts: PdfFonts) -> Callable[[Canvas, BaseDocTemplate], None]:
    def draw(canv: Canvas, doc: BaseDocTemplate) -> None:
        checkpoint(f"正在排版第 {doc.page} 页……")  # 取消 stops here, between pages
        label = f"— {doc.page} —"
        width = text_width(fonts, label, "table", SIZE_PAGE_NO)
        # Odd pages: right edge less one character; even pages: left edge plus one character.
        x = MARGIN_LEFT + BODY_W - SIZE_PAGE_NO - width if doc.page % 2 else MARGIN_LEFT + SIZE_PAGE_NO
        text = canv.beginText(x, MARGIN_BOTTOM - PAGE_NO_GAP - 0.88 * SIZE_PAGE_NO)
        for font, chunk in fonts.runs(label, "table"):
            text.setFont(font, SIZE_PAGE_NO)
            text.textOut(chunk)
        canv.drawText(text)

    return draw


def export_pdf(report: Report, stream: BinaryIO, *, include_check_page: bool = False) -> None:
    """Write ``report`` as a PDF to ``stream``; with ``include_check_page`` add a last page
    校验说明 (accepted warnings and open findings) for the reviewer's copy.

    Raises :class:`~exporters.ExportFailed` with a Chinese message when no font can be embedded.
    """
    fonts = fonts_or_fail()
    doc = document(stream, fonts, title=report.title, author=report.meta.agency)
    doc.build(_Builder(report.copy(), fonts).story(include_check_page))


def fonts_or_fail() -> PdfFonts:
    """The PDF's fonts, or :class:`~exporters.ExportFailed` saying none can be embedded."""
    try:
        return pdf_fonts()
    except NoFontError as exc:
        raise ExportFailed(str(exc)) from None


def document(stream: BinaryIO, fonts: PdfFonts, *, title: str, author: str, size: float = SIZE_BODY,
             leading: float = LEADING) -> BaseDocTemplate:
    """An A4 document with the 版心 of official documents and page numbers ``— 1 —``."""
    doc = BaseDocTemplate(
        stream, pagesize=A4, leftMargin=MARGIN_LEFT, rightMargin=PAGE_W - MARGIN_LEFT - BODY_W,
        topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
        title=title, author=author, subject=title, creator="年报编辑器",
        lang="zh-CN",
        # Without these, reportlab's canvas starts every page in a non-embedded Helvetica.
        initialFontName=fonts.name("body"), initialFontSize=size, initialLeading=leading,
    )
    frame = Frame(MARGIN_LEFT, MARGIN_BOTTOM, BODY_W, BODY_H, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=_page_number(fonts))])
    return doc
