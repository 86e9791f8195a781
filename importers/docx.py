"""Import a report drafted in Word or WPS (``.docx``) with python-docx.

The body is read in document order: each paragraph a prose :class:`~importers.common.Line`,
each table row a row of cells as a web page's ``<tr>`` gives it — a cell merged across columns
(``gridSpan``) is one cell, a cell merged down (``vMerge`` continued) is left out of the rows
below, exactly like ``colspan``/``rowspan``. A table that holds prose or other tables (a layout
table of a page pasted into Word) is read as the prose around its inner tables. Web-page
furniture pasted along (来源/时间/分享 lines) is dropped.
:func:`importers.assemble.build_report` does the rest, as for every importer.

Old binary ``.doc``/``.wps`` files are refused in :func:`importers.read_report`.
"""

from __future__ import annotations

import io
import re
from typing import Any

from importers import ImportFailed, ImportResult
from importers.archive import check_zip
from importers.common import Line, display_name, is_prose, run_on
from importers.own import MAX_DATA_CHARS, OwnDocument, parse_data

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_CELL_CHARS = 200  # a longer "cell" is a layout cell holding the article (as for web pages)
MAX_DEPTH = 50  # tables nested deeper are read as prose
MAX_ELEMENTS = 400_000  # paragraphs, rows and cells visited: a report has a few thousand

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc/.wps, and password-protected .docx
# A line of a web page pasted into Word along with the article: 来源：… 发布时间：… 分享到 【字体：大 中 小】
_FURNITURE = re.compile(
    r"^(?:(?:信息)?来源|发布(?:时间|日期|机构)|时间|日期|作者|编辑|责任编辑|浏览(?:次数)?|阅读(?:次数)?|访问量|字号|"
    r"【?字体|分享(?:到)?|索引号|文号|主题分类|发文机关|成文日期|有效性)\s*[:：]"
)


def import_docx(data: bytes, *, source: str = "") -> ImportResult:
    """Import a report's Word file. Raises :class:`ImportFailed` only."""
    from importers.assemble import build_report
    from importers.own import own_report

    document = open_docx(data, source=source)
    ours = own_document(document)
    if ours is not None:
        result = own_report(ours)
        if result is not None:
            return result
    lines, hints = docx_lines(document, source=source)
    return build_report(lines, source=source, title_hints=hints)


def open_docx(data: bytes, *, source: str = "") -> Any:
    """The python-docx document, after the checks any Office file gets."""
    name = display_name(source, "该 Word 文档")
    if data.startswith(_OLE_MAGIC):
        raise ImportFailed(f"{name}是旧版 Word/WPS 文件（.doc/.wps）或设有打开密码；请用 WPS 或 Word 打开，"
                           "去掉密码并“另存为”Word 文档（*.docx）后再导入")
    names = check_zip(data, name, broken=f"{name}不是有效的 Word 文档（.docx）：文件已损坏、不完整，或不是 Word 文件")
    if "word/document.xml" not in names:
        raise ImportFailed(f"{name}不是 Word 文档（.docx）：缺少正文；如果是 WPS 或 OpenDocument 格式，请另存为 .docx")
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise ImportFailed(f"{name}已损坏，无法读取（{type(exc).__name__}）；请在 Word/WPS 中打开并另存为 .docx 后再试") from None
    except Exception as exc:  # lxml's XMLSyntaxError and the like on a damaged file
        raise ImportFailed(f"{name}的内容无法解析（{type(exc).__name__}），可能已损坏；请另存为 .docx 后再试") from None
    return document


def docx_lines(document: Any, *, source: str = "") -> tuple[list[Line], list[str]]:
    """The document body as lines of cells, and its declared title (core properties)."""
    reader = _BodyReader(display_name(source, "该 Word 文档"))
    reader.block(document.element.body, depth=0)
    title = document.core_properties.title or ""
    return reader.lines, [title] if title.strip() else []


class _BodyReader:
    def __init__(self, name: str) -> None:
        self.name = name
        self.lines: list[Line] = []
        self.visited = 0

    def _count(self) -> None:
        self.visited += 1
        if self.visited > MAX_ELEMENTS:
            raise ImportFailed(f"{self.name}的内容过多（超过 {MAX_ELEMENTS} 个段落和单元格），不像一份年度报告")

    def prose(self, text: str) -> None:
        text = " ".join(text.split())
        if text and not _FURNITURE.match(text):
            self.lines.append(Line([text]))

    def block(self, element: Any, depth: int) -> None:
        """Paragraphs and tables of a body, a cell or a content control, in order."""
        for child in element.iterchildren():
            self._count()
            tag = child.tag
            if tag == f"{W}p":
                for part in paragraph_text(child).split("\n"):
                    cells = [c.strip() for c in part.split("\t")]
                    while cells and not cells[-1]:
                        cells.pop()
                    if len(cells) > 1 and not is_prose(part):  # 规章<tab>1<tab>0<tab>11: a row set with tabs
                        self.lines.append(Line(cells, row=True, raw=" ".join(part.split())))
                    else:
                        self.prose(part)
            elif tag == f"{W}tbl":
                self.table(child, depth + 1)
            elif tag in (f"{W}sdt", f"{W}customXml", f"{W}sdtContent", f"{W}ins", f"{W}smartTag"):
                self.block(child, depth)

    def table(self, tbl: Any, depth: int) -> None:
        rows = tbl.findall(f"{W}tr")
        layout = depth > MAX_DEPTH or tbl.find(f".//{W}tc//{W}tbl") is not None
        if not layout:
            grid = [self.row_cells(tr) for tr in rows]
            layout = any(len(t) > MAX_CELL_CHARS or is_prose(t) for cells in grid for t in cells)
            if not layout:
                for cells in grid:
                    if any(c.strip() for c in cells):
                        self.lines.append(Line(cells, row=True))
                return
        for tr in rows:  # a layout table: its cells' paragraphs and inner tables in order
            for tc in tr.findall(f"{W}tc"):
                self._count()
                if depth > MAX_DEPTH:
                    self.prose(" ".join(t.text or "" for t in tc.iter(f"{W}t")))
                else:
                    self.block(tc, depth)

    def row_cells(self, tr: Any) -> list[str]:
        """The cells that start on this row: one per ``gridSpan``, none where ``vMerge`` continues."""
        cells: list[str] = []
        for tc in tr.iterchildren(f"{W}tc", f"{W}sdt"):
            self._count()
            if tc.tag == f"{W}sdt":  # a content control around cells
                content = tc.find(f"{W}sdtContent")
                inner = content.findall(f"{W}tc") if content is not None else []
            else:
                inner = [tc]
            for cell in inner:
                merge = cell.find(f"{W}tcPr/{W}vMerge")
                if merge is not None and merge.get(f"{W}val") in (None, "continue"):
                    continue
                texts = [" ".join(paragraph_text(p).split()) for p in cell.iter(f"{W}p")]
                cells.append(run_on(texts))
        return cells


# Text boxes and drawings anchored in a paragraph (and the VML copy Word keeps as a fallback)
# are no part of its line of text. Deleted revisions (w:delText) and field codes are not read.
_NOT_TEXT = frozenset({f"{W}txbxContent", "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
                       f"{W}del", f"{W}drawing", f"{W}pict"})


def paragraph_text(p: Any) -> str:
    """A paragraph's visible text: runs, tabs, line breaks; the text of hyperlinks and fields kept."""
    parts: list[str] = []
    for node in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen"):
        if any(a.tag in _NOT_TEXT for a in node.iterancestors()):
            continue
        tag = node.tag
        if tag == f"{W}t":
            parts.append(node.text or "")
        elif tag == f"{W}tab":
            parts.append("\t")
        elif tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
        elif tag == f"{W}noBreakHyphen":
            parts.append("-")
    return "".join(parts)


# ---------------------------------------------------------------------- our own documents

# Our paragraph styles by id and by name (LibreOffice renames the ids when it saves, Word and
# WPS keep both): the role each plays.
_ROLES = {"NianbaoTitle": "title", "NianbaoHeading1": "heading", "NianbaoBody": "text", "NianbaoNote": "note",
          "NianbaoSignature": "signature", "NianbaoPreface": "text", "年报标题": "title", "年报一级标题": "heading",
          "年报正文": "text", "年报表注": "note", "年报落款": "signature", "年报导语": "text"}


def _style_of(p: Any) -> str | None:
    ps = p.find(f"{W}pPr/{W}pStyle")
    return None if ps is None else ps.get(f"{W}val")


def _style_roles(document: Any) -> dict[str, str]:
    """Style id → our role, for the styles of ours the document has (by id or by name)."""
    roles: dict[str, str] = {}
    styles = document.styles.element
    for style in styles.findall(f"{W}style"):
        sid = style.get(f"{W}styleId") or ""
        name_el = style.find(f"{W}name")
        name = name_el.get(f"{W}val") if name_el is not None else ""
        role = _ROLES.get(sid) or _ROLES.get(name or "")
        if role:
            roles[sid] = role
    return roles


def own_document(document: Any) -> OwnDocument | None:
    """The parts of a Word file written by 年报编辑器 (see :mod:`exporters.docx`), or ``None``."""
    body = document.element.body
    roles = _style_roles(document)
    paragraphs = body.findall(f"{W}p")
    if not any(roles.get(_style_of(p) or "") == "heading" for p in paragraphs):
        return None
    doc = OwnDocument(data=parse_data(_data_part(document)))
    title: list[str] = []
    for child in body.iterchildren(f"{W}p", f"{W}tbl"):
        if child.tag == f"{W}tbl":
            doc.blocks.append(("table", _grid_texts(child)))
            continue
        role = roles.get(_style_of(child) or "")
        text = paragraph_text(child)
        if role == "title":
            title.append(text.replace("\n", ""))
        elif role == "signature":
            doc.signature.append(text)
        elif role in ("heading", "note"):
            doc.blocks.append((role, text))
        elif role == "text" or doc.blocks:  # (the 导语 before the first heading, too)
            doc.blocks.append(("text", text))  # a paragraph the clerk added in another style
    if doc.signature and doc.blocks and doc.blocks[-1] == ("text", ""):
        doc.blocks.pop()  # the empty line we set before the 落款
    doc.title = "".join(title)
    return doc


def _grid_texts(tbl: Any) -> dict[tuple[int, int], str]:
    """Each cell's text at its grid position (row, first grid column), merges resolved."""
    out: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(tbl.findall(f"{W}tr")):
        if r > 200:
            break
        c = 0
        for tc in tr.findall(f"{W}tc"):
            span_el = tc.find(f"{W}tcPr/{W}gridSpan")
            try:
                span = max(1, min(int(span_el.get(f"{W}val", "1")), 64)) if span_el is not None else 1
            except ValueError:
                span = 1
            merge = tc.find(f"{W}tcPr/{W}vMerge")
            if merge is None or merge.get(f"{W}val") == "restart":
                out[(r, c)] = "\n".join(paragraph_text(p) for p in tc.findall(f"{W}p")).strip("\n")
            c += span
    return out


def _data_part(document: Any) -> str | None:
    """The text of the custom XML part holding the editor's extra data."""
    from defusedxml.ElementTree import fromstring

    from models.document_map import DATA_NS

    for part in document.part.package.iter_parts():
        if not str(part.partname).startswith("/customXml/"):
            continue
        blob = part.blob
        if DATA_NS.encode() not in blob[:400] or len(blob) > 4 * MAX_DATA_CHARS:
            continue
        try:
            text = fromstring(blob).text
            return text if isinstance(text, str) else None
        except Exception:  # a damaged part: read the document without it
            return None
    return None
