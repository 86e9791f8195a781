"""Import a published report from its PDF, directly (no ``pdftotext`` step): PDFium reads the
characters and the ruling lines (:mod:`importers.pdf_objects`), pdfplumber's table finder and
text-line grouping arrange them.

Each page becomes :class:`~importers.common.Line`\\ s in reading order (top to bottom):

* tables from their drawn ruling lines (strokes, not the invisible white boxes WPS puts behind
  paragraphs); a merged cell is one cell, as in a web page's ``<tr>``; a figure wrapped inside
  a narrow cell is one figure; a table broken across pages is joined (repeated header rows
  dropped, a row or a merged label the page break cut re-joined);
* a page without ruling lines falls back to word positions: a line whose words stand apart in
  columns is a table row;
* prose lines re-joined into paragraphs by their geometry (a line that runs to the right
  margin continues on the next one unless that one is indented);
* page numbers and running headers dropped.

A scanned PDF (pages that are pictures, no text layer) is refused: there is no OCR.
:func:`importers.assemble.build_report` does the rest, as for every importer.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from importers import MAX_IMPORT_BYTES, ImportFailed, ImportResult
from importers.common import Line, display_name, enumerated, is_value_text, run_on, squash
from importers.tables import STRONG
from importers.text import PAGE_LINE

MAX_PAGES = 80  # a report has 5–30 pages; a bigger PDF is a compilation, not one report
MAX_PAGE_OBJECTS = 60_000  # characters + drawn shapes on one page
MAX_EDGES = 4_000  # ruling lines on one page; table finding is quadratic in them
TIME_BUDGET = 20.0  # seconds for the whole document, checked between pages
FURNITURE_BAND = 0.1  # page numbers and running headers live in the top/bottom tenth of a page
COLUMN_GAP = 2.0  # a gap of this many character widths separates table cells (no ruling lines)

# The text layer says nothing; the pages are pictures.
SCANNED = ("{name}是扫描件（页面是图片，没有文字层），无法读取其中的文字。本程序不做文字识别（OCR）；"
           "请改用原始的 Word 文件或网页，或用 WPS/Acrobat 的文字识别功能转成 Word 后再导入")


@dataclass(slots=True)
class _TextLine:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # character size (height), for indentation and gaps
    cells: list[str] | None = None  # set when the words stand apart in columns (no ruling lines)


@dataclass(slots=True)
class _Table:
    rows: list[list[str | None]]  # None: covered by a merged cell above or to the left
    spans: list[list[tuple[float, float] | None]]  # per cell that starts here: its left and right edge
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(slots=True)
class _Page:
    height: float
    items: list[tuple[float, _TextLine | _Table]] = field(default_factory=list)


def import_pdf(data: bytes, *, source: str = "") -> ImportResult:
    """Import a published report's PDF. Raises :class:`ImportFailed` only."""
    from importers.assemble import build_report

    lines, hints = pdf_lines(data, source=source)
    return build_report(lines, source=source, title_hints=hints)


def pdf_lines(data: bytes, *, source: str = "") -> tuple[list[Line], list[str]]:
    """The PDF as lines of cells, and its declared title (document information) as a hint."""
    name = display_name(source, "该 PDF")
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFailed(f"{name}过大（{len(data) // 1024 // 1024} MB），不像一份年度报告")
    if not data.lstrip()[:1024].startswith(b"%PDF") and b"%PDF-" not in data[:1024]:
        raise ImportFailed(f"{name}不是 PDF 文件（文件头不对），可能已损坏或扩展名有误")
    _check_streams(data, name)
    pages, hints = _read_pages(data, name)
    return _lines(pages), hints


MAX_INFLATED = 256 * 1024 * 1024  # all compressed streams together, inflated (a report: a few MB)
MAX_STREAMS = 50_000
_STREAM = re.compile(rb"stream\r?\n")


def _check_streams(data: bytes, name: str) -> None:
    """Refuse a PDF whose compressed streams would inflate beyond :data:`MAX_INFLATED` (a
    "deflate bomb"): pdfminer inflates each stream whole, in memory. Measured here with a bounded
    inflater on the raw file, before any parsing."""
    import zlib

    total = 0
    for k, m in enumerate(_STREAM.finditer(data)):
        if k >= MAX_STREAMS:
            raise ImportFailed(f"{name}含有过多的数据流（超过 {MAX_STREAMS} 个），不像一份年度报告")
        end = data.find(b"endstream", m.end())
        raw = data[m.end(): end if end >= 0 else len(data)]
        inflater = zlib.decompressobj()
        try:
            while raw and total <= MAX_INFLATED:
                total += len(inflater.decompress(raw, MAX_INFLATED + 1 - total))
                raw = inflater.unconsumed_tail
        except zlib.error:
            continue  # not deflate (images, broken data): pdfminer judges it
        if total > MAX_INFLATED:
            raise ImportFailed(f"{name}解压后超过 {MAX_INFLATED // 1024 // 1024} MB，疑似恶意文件（压缩炸弹），已拒绝打开")


# ---------------------------------------------------------------------- reading the pages


def _read_pages(data: bytes, name: str) -> tuple[list[_Page], list[str]]:
    """Every page's tables and text lines; the document's declared title as a hint. Characters
    and ruling lines are read by PDFium (:mod:`importers.pdf_objects`), tables found in them
    and text lines formed by pdfplumber's own algorithms."""
    from importers.pdf_objects import (
        PDFIUM_LOCK,
        PdfUnreadable,
        TooManyObjects,
        document_title,
        open_document,
        read_page,
    )

    started = time.monotonic()
    pages: list[_Page] = []
    images = items = 0
    with PDFIUM_LOCK:
        try:
            doc = open_document(data)
        except PdfUnreadable as exc:
            if exc.password:
                raise ImportFailed(f"{name}设有打开密码或已加密，无法读取；请用原文件另存一份不加密的 PDF 后导入") from None
            raise ImportFailed(f"{name}已损坏或不是有效的 PDF，无法读取（{exc}）") from None
        try:
            title = document_title(doc)
            if len(doc) > MAX_PAGES:
                raise ImportFailed(f"{name}有 {len(doc)} 页，不像一份年度报告（最多读取 {MAX_PAGES} 页）")
            objects = []
            for index in range(len(doc)):
                if time.monotonic() - started > TIME_BUDGET:
                    raise ImportFailed(f"{name}的页面过于复杂，{TIME_BUDGET:.0f} 秒内未能读完；请另存为 Word 或文本后导入")
                try:
                    objects.append(read_page(doc, index, max_objects=MAX_PAGE_OBJECTS, is_ruling=_is_ruling))
                except TooManyObjects as exc:
                    raise ImportFailed(f"{name}第 {index + 1} 页的内容过多（{exc.count} 个对象），不像年度报告的页面") from None
        finally:
            doc.close()
    for page in objects:  # PDFium done with: the rest is Python on plain data, outside the lock
        if time.monotonic() - started > TIME_BUDGET:
            raise ImportFailed(f"{name}的页面过于复杂，{TIME_BUDGET:.0f} 秒内未能读完；请另存为 Word 或文本后导入")
        got = _read_page(page)
        images += page.images
        items += len(got.items)  # text lines and tables
        pages.append(got)
    if not items:
        if images:
            raise ImportFailed(SCANNED.format(name=name))
        raise ImportFailed(f"{name}没有任何文字，没有可导入的内容")
    return pages, [title] if title else []


def _is_ruling(filled: bool, stroked: bool, width: float, height: float,
               color: tuple[float, float, float] | None) -> bool:
    """A drawn line of a table: stroked, or a thin filled bar that is not white (WPS draws
    white boxes behind paragraphs, which are no table)."""
    if stroked:
        return True
    if not filled:
        return False
    return min(width, height) <= 2.5 and not (color is not None and all(v >= 0.98 for v in color))


def _read_page(page: Any) -> _Page:
    """Tables from the ruling lines (pdfplumber's table finder on PDFium's edges), and the
    characters outside them as text lines."""
    from pdfplumber.table import TableFinder

    out = _Page(page.height)
    tables: list[_Table] = []
    if page.edges and len(page.edges) <= MAX_EDGES:
        for found in TableFinder(page, {"vertical_strategy": "lines", "horizontal_strategy": "lines"}).tables:
            t = _table(found)
            if t is not None:
                tables.append(t)
    boxes = [(t.x0, t.top, t.x1, t.bottom) for t in tables]

    def outside(o: dict[str, Any]) -> bool:
        cx, cy = (o["x0"] + o["x1"]) / 2, (o["top"] + o["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    for t in tables:
        out.items.append((t.top, t))
    for tl in _text_lines([ch for ch in page.chars if outside(ch)], page):
        out.items.append((tl.top, tl))
    out.items.sort(key=lambda it: it[0])
    return out


def _table(found: Any) -> _Table | None:
    """A found grid as rows of cells, or ``None`` for a framed paragraph (one column of prose)."""
    rows_text = _cell_texts(found)
    if not rows_text:
        return None
    n_cols = max(len(r) for r in rows_text)
    if n_cols < 2:
        return None
    # pdfplumber gives None for every position a merged cell covers; a cell covered from the
    # left (colspan) is not printed again, one covered from above (rowspan) neither: both None.
    spans = [[None if c is None else (float(c[0]), float(c[2])) for c in row.cells] for row in found.rows]
    x0, top, x1, bottom = found.bbox
    return _Table(rows_text, spans, float(x0), float(x1), float(top), float(bottom))


def _mid_y(ch: dict[str, Any]) -> float:
    return (float(ch["top"]) + float(ch["bottom"])) / 2


def _cell_texts(found: Any) -> list[list[str | None]]:
    """Each cell's text (``None`` where a merged cell covers the position), the lines of a cell
    re-joined as :func:`_cell_text` says. The table's characters are sorted once, so a page
    with thousands of positioned characters costs one pass, not one per row."""
    from bisect import bisect_left

    x0, top, x1, bottom = (float(v) for v in found.bbox)
    chars = sorted((ch for ch in found.page.chars
                    if x0 <= (float(ch["x0"]) + float(ch["x1"])) / 2 < x1 and top <= _mid_y(ch) < bottom),
                   key=_mid_y)
    mids = [_mid_y(ch) for ch in chars]
    out: list[list[str | None]] = []
    for row in found.rows:
        cells: list[str | None] = []
        for cell in row.cells:
            if cell is None:
                cells.append(None)
                continue
            cx0, ctop, cx1, cbottom = (float(v) for v in cell)
            mine = [ch for ch in chars[bisect_left(mids, ctop):bisect_left(mids, cbottom)]
                    if cx0 <= (float(ch["x0"]) + float(ch["x1"])) / 2 < cx1]
            cells.append(_cell_text(mine, cx0, cx1))
        out.append(cells)
    return out


def _cell_text(chars: list[dict[str, Any]], x0: float, x1: float) -> str:
    """One cell's text: its lines top to bottom, run on (:func:`run_on`), except that a line
    the cell's width forced to wrap inside a figure (``300`` / ``1`` in a narrow column) joins
    the next one without a space — the next line's first character would not have fitted.
    Lines broken where the text had room stay apart (two figures in one cell are no figure)."""
    lines: list[list[dict[str, Any]]] = []
    for ch in sorted(chars, key=_mid_y):
        if not ch["text"].strip():
            continue
        if lines and _mid_y(ch) - _mid_y(lines[-1][0]) <= 0.5 * float(ch["size"]):
            lines[-1].append(ch)
        else:
            lines.append([ch])
    if not lines:
        return ""
    for ln in lines:
        ln.sort(key=lambda ch: float(ch["x0"]))
    # the cell's inner padding: the smallest gap between a line and either side of the cell
    pad = max(0.0, min(min(float(ln[0]["x0"]) - x0, x1 - float(ln[-1]["x1"])) for ln in lines))
    room = x1 - x0 - 2 * pad
    text = _joined(lines[0])
    for prev, ln in zip(lines, lines[1:], strict=False):
        piece = _joined(ln)
        first = ln[0]
        wrapped = (float(prev[-1]["x1"]) - float(prev[0]["x0"]) + float(first["x1"]) - float(first["x0"])
                   > room + 0.5)
        if wrapped and text[-1:].isascii() and text[-1:].isalnum() and piece[:1].isascii() and piece[:1].isalnum():
            text += piece
        else:
            text = run_on([text, piece])
    return text


def _text_lines(chars: list[dict[str, Any]], page: Any) -> list[_TextLine]:
    """The page's text outside tables as lines (pdfplumber's grouping of characters into
    lines), each with the cells its words form when they stand apart in columns (a table drawn
    without lines)."""
    from pdfplumber.utils.text import chars_to_textmap

    out: list[_TextLine] = []
    if not chars:
        return out
    textmap = chars_to_textmap(chars, layout_bbox=page.bbox, layout_width=page.width, layout_height=page.height)
    for ln in textmap.extract_text_lines(strip=True, return_chars=True):
        line_chars = [c for c in ln["chars"] if c["text"].strip()]
        if not line_chars:
            continue
        size = _median([float(c["size"]) for c in line_chars]) or 10.0
        cells = _cells(line_chars, size)
        text = " ".join(" ".join(ln["text"].split()).split(" ")) if cells is None else "  ".join(cells)
        out.append(_TextLine(text, float(ln["x0"]), float(ln["x1"]), float(ln["top"]), float(ln["bottom"]), size,
                             cells))
    return out


def _cells(chars: list[dict[str, Any]], size: float) -> list[str] | None:
    """Split a line at gaps wider than ``COLUMN_GAP`` characters; ``None`` when it is one run."""
    runs: list[list[dict[str, Any]]] = [[chars[0]]]
    for prev, ch in zip(chars, chars[1:], strict=False):
        if float(ch["x0"]) - float(prev["x1"]) > COLUMN_GAP * size:
            runs.append([])
        runs[-1].append(ch)
    if len(runs) < 2:
        return None
    cells = [_joined(run) for run in runs]
    if not any(is_value_text(c) for c in cells):
        return None  # words spread over the line (a centred or justified heading), not a row
    return cells


def _joined(chars: list[dict[str, Any]]) -> str:
    out = ""
    for prev, ch in zip([None, *chars], chars, strict=False):
        if prev is not None and float(ch["x0"]) - float(prev["x1"]) > 0.3 * float(ch["size"]):
            out += " "
        out += ch["text"]
    return out


def _median(values: list[float]) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    return s[len(s) // 2]


# ---------------------------------------------------------------------- pages → lines


@dataclass(slots=True)
class _Row:
    """A table row on its way to a :class:`Line`: its cells (``None`` where a merged cell
    covers the position) and each starting cell's left and right edge on the page."""

    cells: list[str | None]
    spans: list[tuple[float, float] | None]


def _lines(pages: list[_Page]) -> list[Line]:
    _drop_furniture(pages)
    lines: list[Line] = []
    para: list[_TextLine] = []  # the open paragraph's lines
    run: list[_Row] = []  # the open table's rows (a table broken across pages is one)
    left, right = _margins(pages)
    last_table: _Table | None = None

    def close() -> None:
        if para:
            lines.append(Line([run_on([ln.text for ln in para])]))
            para.clear()
        for r in run:
            cells = [c for c in r.cells if c is not None]  # as a web page's <tr>: the cells that start here
            if any(c.strip() for c in cells):
                lines.append(Line(cells, row=True))
        run.clear()

    for page in pages:
        for k, (_, item) in enumerate(page.items):
            if isinstance(item, _Table):
                rows = [_Row(list(r), list(x)) for r, x in zip(item.rows, item.spans, strict=True)]
                if k == 0 and last_table is not None and run and not para and _continues_table(last_table, item):
                    run.extend(_continuation(run, rows))
                else:
                    close()
                    run.extend(rows)
                last_table = item
                continue
            last_table = None
            if item.cells is not None:
                close()
                lines.append(Line(list(item.cells), row=True, raw=item.text))
                continue
            if run or (para and not _continues(para[-1], item, left, right)):
                close()
            para.append(item)
    close()
    return lines


def _continues_table(previous: _Table, table: _Table) -> bool:
    """A table at the top of a page carries on the one that ended the page before: the same
    columns, or the same left and right edges (the columns a page's rows draw may differ: a
    page holding only rows whose label spans three columns shows one label column)."""
    if len(previous.rows[0]) == len(table.rows[0]):
        return True
    return abs(previous.x0 - table.x0) <= 3 and abs(previous.x1 - table.x1) <= 3


def _above(run: list[_Row], span: tuple[float, float], *, last_only: bool = False) -> tuple[_Row, int] | None:
    """The cell of the run nearest above that stands over ``span`` (its middle within the
    cell's edges): in the last row, or higher up when a merged cell covers the last rows."""
    middle = (span[0] + span[1]) / 2
    for row in reversed(run[-1:] if last_only else run):
        for c, edges in enumerate(row.spans):
            if edges is not None and edges[0] <= middle <= edges[1]:
                return row, c
    return None


def _continuation(run: list[_Row], rows: list[_Row]) -> list[_Row]:
    """The rows of a table that continues ``run`` at the top of the next page.

    Header rows repeating the first rows of the table are dropped. Text in the first row that
    finishes a label the page break cut (``（四）无`` / ``法提供``, ``…重新出`` / ``具已获取信息``)
    is appended to that label's cell above, when only the joined words name a row of the form.
    What is left of the first row is the rest of the run's last row when :func:`_rest_of_row`
    says so. Cells are matched by their place on the page, not their index: the two pages may
    show different numbers of columns.
    """
    k = 0
    while k < len(rows) and k < len(run) and _same_row(rows[k], run[k]):
        k += 1
    rows = rows[k:]
    if not rows:
        return rows
    first = rows[0]
    for c, text in enumerate(first.cells):
        span = first.spans[c]
        if not text or span is None or is_value_text(text):
            continue
        found = _above(run, span)
        if found is None:
            continue
        above, a = found
        if not above.cells[a] or is_value_text(above.cells[a] or ""):
            continue
        joined = (above.cells[a] or "") + text
        if _label_strength(joined) >= STRONG and _label_strength(joined) > _label_strength(text):
            above.cells[a] = joined
            first.cells[c] = ""
    rest = _rest_of_row(run, first)
    if rest is not None:
        # The page break cut the last row itself (Word's 允许跨页断行, on by default): what it
        # printed on this page finishes that row's cells (``17`` / ``8`` is 178).
        last = run[-1]
        for c, a in rest.items():
            last.cells[a] = (last.cells[a] or "") + (first.cells[c] or "")
            first.cells[c] = ""
    if not any((c or "").strip() for c in first.cells):
        rows.pop(0)
    return rows


def _rest_of_row(run: list[_Row], first: _Row) -> dict[int, int] | None:
    """When ``first``, the first row on a new page, holds only what the page break cut off the
    run's last row, which cell of that row each of its cells finishes (index → index); else
    ``None``. It must have no label of its own left (labels that finish a cut label were joined
    already), and every figure must stand under a figure of the last row whose text it carries
    on (``17`` + ``8``, ``22`` + ``（其中修订16件）``). A row of its own always has a label, or,
    in a table without labels, figures under column headings: it stays a row."""
    out: dict[int, int] = {}
    for c, text in enumerate(first.cells):
        if not text or not text.strip():
            continue
        span = first.spans[c]
        found = _above(run, span, last_only=True) if span is not None else None
        if found is None or not is_value_text(text):
            return None
        _, a = found
        above = run[-1].cells[a]
        if not above or not is_value_text(above) or not is_value_text(above + text) or a in out.values():
            return None
        out[c] = a
    return out or None


def _same_row(a: _Row, b: _Row) -> bool:
    """The same printed cells (a header row repeated on the next page)."""
    printed_a = [squash(c) for c in a.cells if c is not None]
    printed_b = [squash(c) for c in b.cells if c is not None]
    return printed_a == printed_b and any(printed_b)


def _label_strength(text: str) -> float:
    """How well the words name a row label of the form (0 … 3), as the table reader scores."""
    from importers.layout import table_label_score
    from models.template import shipped_templates

    e = enumerated(text)
    return max(table_label_score(e, t) for t in shipped_templates())


def _margins(pages: list[_Page]) -> tuple[float, float]:
    """The body text's left and right edges: where most prose lines start and end."""
    starts: Counter[int] = Counter()
    ends: list[float] = []
    for page in pages:
        for _, it in page.items:
            if isinstance(it, _TextLine) and it.cells is None:
                starts[round(it.x0)] += 1
                ends.append(it.x1)
    if not ends:
        return 0.0, 0.0
    left = float(starts.most_common(1)[0][0])
    ends.sort()
    return left, ends[int(len(ends) * 0.9)]


def _continues(prev: _TextLine, line: _TextLine, left: float, right: float) -> bool:
    """Whether ``line`` carries on the paragraph that ``prev`` ends: ``prev`` ran to the right
    margin and ``line`` starts at the left margin (a first line is indented two characters)."""
    size = max(prev.size, line.size)
    if prev.x1 < right - 1.5 * size:
        return False
    if line.x0 > left + 0.8 * size:
        return False
    return abs(prev.size - line.size) <= 0.2 * size


_RUNNING_NUMBER = re.compile(r"\d+")


def _drop_furniture(pages: list[_Page]) -> None:
    """Page numbers, and running headers/footers (the same text in the top or bottom band of
    several pages, numbers aside), are no part of the report."""
    repeated: Counter[str] = Counter()
    for page in pages:
        seen = {_RUNNING_NUMBER.sub("#", squash(it.text)) for _, it in page.items
                if isinstance(it, _TextLine) and _in_band(it, page)}
        repeated.update(seen)
    many = max(2, (len(pages) + 1) // 2)
    for page in pages:
        kept = []
        for top, it in page.items:
            if isinstance(it, _TextLine) and _in_band(it, page):
                s = squash(it.text)
                if PAGE_LINE.match(s) or (len(pages) > 1 and repeated[_RUNNING_NUMBER.sub("#", s)] >= many):
                    continue
            kept.append((top, it))
        page.items = kept


def _in_band(line: _TextLine, page: _Page) -> bool:
    return line.bottom <= page.height * FURNITURE_BAND or line.top >= page.height * (1 - FURNITURE_BAND)
