"""Import a published report from its flattened text (copied from a web page, the text layer of
a PDF, markdown or OCR output).

The text becomes :class:`~importers.common.Line`\\ s: a line with ``|`` (or tabs) is a table row
of cells; any other line is prose or a single cell. :func:`importers.assemble.build_report`
does the rest.
"""

from __future__ import annotations

import re

from importers import ImportFailed, ImportResult
from importers.common import Line, display_name
from models.limits import MAX_IMPORT_LINES

MAX_TEXT_BYTES = 4 * 1024 * 1024  # a report's text is some 10–100 KB
MAX_TEXT_CHARS = 2 * 1024 * 1024

# Signatures of files that are not text, with what to tell the user.
_BINARY_KINDS = (
    (b"%PDF", "PDF 文件；请打开 PDF，全选复制文字后另存为 .txt 再导入"),
    (b"PK\x03\x04", "Word/Excel 等压缩格式文件，不是文本"),
    (b"\xd0\xcf\x11\xe0", "旧版 Word/Excel 文件，不是文本"),
    (b"\x89PNG", "图片文件，不是文本"),
    (b"\xff\xd8\xff", "图片文件，不是文本"),
    (b"GIF8", "图片文件，不是文本"),
)
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # C0/C1 controls other than \t\n\v\f\r
_MD_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
PAGE_LINE = re.compile(
    r"^(?:[-—–－]\s*\d{1,4}\s*[-—–－]"  # - 3 -, — 3 —
    r"|(?:共\s*\d{1,4}\s*页\s*[,，]?\s*)?第\s*\d{1,4}\s*页(?:\s*[,，]?\s*共\s*\d{1,4}\s*页)?"  # 第3页 共9页
    r"|\d{1,4}\s*/\s*\d{1,4}"  # 3/9
    r"|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$",  # Page 3 of 9 (a PDF viewer's print)
    re.IGNORECASE,
)


def decode_text(data: bytes, *, source: str) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16/32 with BOM, else GB18030.

    Raises :class:`ImportFailed` for an empty, binary or absurdly large file.
    """
    name = display_name(source)
    if len(data) > MAX_TEXT_BYTES:
        raise ImportFailed(f"{name}过大（{len(data) // 1024} KB），不像一份年度报告的文字")
    for magic, what in _BINARY_KINDS:
        if data.startswith(magic):
            raise ImportFailed(f"{name}是{what}")
    text: str | None = None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                raise ImportFailed(f"{name}的编码已损坏（{codec.upper()}），无法读取") from None
            break
    if text is None:
        if b"\x00" in data:
            raise ImportFailed(f"{name}是二进制文件，不是文本")
        for codec in ("utf-8", "gb18030"):
            try:
                text = data.decode(codec)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFailed(f"{name}不是 UTF-8 或 GBK/GB18030 编码的文本，无法读取")
    if not text.strip():
        raise ImportFailed(f"{name}是空的，没有可导入的内容")
    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) // 200):
        raise ImportFailed(f"{name}含有大量控制字符，是二进制文件，不是文本")
    return text


_BARE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")


def _without_page_numbers(text: str) -> list[str]:
    """The text's lines, less the page number printed alone at the foot of each page of
    ``pdftotext`` output (pages end with a form feed). A lone number is taken for a page number
    only where the numbers of several pages count up with the pages; elsewhere it is a cell."""
    if "\f" not in text:
        return text.splitlines()
    pages = [page.splitlines() for page in text.split("\f")]
    last: dict[int, int] = {}  # page index → line index of its lone number
    offsets: dict[int, int] = {}  # page index → printed number − page index
    for k, lines in enumerate(pages):
        filled = [i for i, x in enumerate(lines) if x.strip()]
        if filled and _BARE_NUMBER.match(lines[filled[-1]]):
            last[k] = filled[-1]
            offsets[k] = int(lines[filled[-1]]) - k
    if offsets:
        common = max(set(offsets.values()), key=list(offsets.values()).count)
        if list(offsets.values()).count(common) >= 2:
            for k, i in last.items():
                if offsets[k] == common:
                    pages[k][i] = ""
    return [line for lines in pages for line in lines]


def text_lines(text: str) -> list[Line]:
    """Lines of cells: ``a | b`` rows (markdown ``| a | b |`` too), tab-separated rows, prose."""
    lines: list[Line] = []
    for raw in _without_page_numbers(text):
        if len(lines) > MAX_IMPORT_LINES:
            break  # more than a report has: build_report says so and reads no further
        s = raw.strip()
        if not s:
            continue
        if "|" in s:
            if _MD_SEPARATOR.match(s):
                continue
            cells = s.split("|")
            if s.startswith("|") and s.endswith("|"):  # markdown: the outer pipes are borders
                cells = cells[1:-1]
            else:  # ``0 | ||``: trailing pipes close the cell (and mark its span)
                while cells and not cells[-1].strip():
                    cells.pop()
            lines.append(Line([c.strip() for c in cells], row=True, raw=s))
        elif "\t" in s:
            cells = [c.strip() for c in s.split("\t")]
            while cells and not cells[-1]:
                cells.pop()
            lines.append(Line(cells, row=True, raw=s))
        elif not PAGE_LINE.match(s):
            lines.append(Line([s]))
    return lines


def import_text(text: str, *, source: str = "") -> ImportResult:
    """Import a published report's text. Raises :class:`ImportFailed` only."""
    from importers.assemble import build_report

    if len(text) > MAX_TEXT_CHARS:
        raise ImportFailed(f"{display_name(source)}过大（{len(text) // 1024} K 字），不像一份年度报告的文字")
    return build_report(text_lines(text), source=source, wrapped=True)
