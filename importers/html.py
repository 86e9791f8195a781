"""Import a published report from its saved web page.

The stdlib :mod:`html.parser` turns the page into :class:`~importers.common.Line`\\ s: each
``<tr>`` of a data table is a row of cells (words split over ``<p>``/``<br>`` inside a cell are
joined), each paragraph elsewhere a prose line. Scripts, styles and forms are skipped; site
navigation and footer end up before 一 or after 六 and are dropped there. A table that holds
other tables (a layout table) is read as prose around its inner tables.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from importers import MAX_IMPORT_BYTES, ImportFailed, ImportResult, limit_finding
from importers.common import Line, display_name, is_prose
from models.limits import HTML_CHUNK_CHARS, HTML_MAX_DEPTH, HTML_MAX_ELEMENTS
from models.progress import checkpoint

SKIP = frozenset({"script", "style", "noscript", "template", "select", "textarea", "iframe", "svg", "object",
                  "button", "map", "canvas", "math"})
BLOCK = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
                   "header", "footer", "nav", "aside", "blockquote", "pre", "hr", "dl", "dt", "dd", "form", "center",
                   "main", "figure", "figcaption", "caption", "address", "tbody", "thead", "tfoot"})
TITLE_META = ("articletitle", "og:title", "dc.title", "title")
# Elements that never hold others (void) or whose end tag pages often leave out: not counted
# as open for the nesting depth.
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                  "track", "wbr", "basefont", "frame", "keygen"})
IMPLIED_END = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot",
                         "colgroup", "rb", "rt", "rp", "body", "html", "head"})
END_SEARCH = 8  # an end tag closes the nearest open element of its name among the last few
MAX_CELL_CHARS = 200  # a longer "cell" is a layout cell holding the article
MAX_DEPTH = 200  # nested tables beyond this are flattened into prose
CELL_TAGS = frozenset({"tr", "td", "th"})
# Markup that styles text without breaking it: per-character <span>s, Word's <o:p> and <st1:…>.
# Any other markup inside a cell (a comment, an unknown or broken tag such as ``</t >``) may stand
# where a page lost a cell boundary, so it parts the words on either side: ``4</\td>0`` is not 40.
INLINE = frozenset({"span", "font", "b", "strong", "i", "em", "u", "a", "sub", "sup", "small", "big", "s", "strike",
                    "del", "ins", "mark", "abbr", "acronym", "label", "nobr", "wbr", "code", "tt", "kbd", "var", "cite",
                    "q", "dfn", "bdi", "bdo", "time", "data"})

_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-]+)", re.IGNORECASE)
# Attributes the importer never reads (style, class, width …): dropping them before parsing
# halves html.parser's work on CMS pages whose every <td> carries a long style.
_START_TAG = re.compile(r"<[A-Za-z][^<>]*>")
_UNUSED_ATTR = re.compile(r"""\s(?!(?:name|content|charset|property)\b)[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""")
_GB_ALIASES = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "gb2312-80", "euc-cn"}


def decode_html(data: bytes, *, source: str = "") -> str:
    """Decode by BOM, else the page's ``<meta charset>``, else UTF-8, else GB18030."""
    name = display_name(source, "该网页")
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise ImportFailed(f"{name}的编码已损坏，无法读取") from None
    if b"\x00" in data[:65536]:
        raise ImportFailed(f"{name}是二进制文件，不是网页")
    declared = "utf-8"
    m = _CHARSET.search(data[:8192])
    if m:
        declared = m.group(1).decode("ascii").lower()
        if declared in _GB_ALIASES:
            declared = "gb18030"  # GB2312 pages use GBK characters; GB18030 is their superset
        try:
            codecs.lookup(declared)
        except LookupError:
            declared = "utf-8"
    # Valid UTF-8 wins over the declaration: a page saved by a browser is re-encoded as UTF-8
    # but keeps its CMS's <meta charset=gb2312>, while GBK text is almost never valid UTF-8.
    for codec in dict.fromkeys(("utf-8", declared, "gb18030")):
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode(declared, errors="replace")


@dataclass(slots=True)
class _Table:
    row: list[list[str]] | None = None  # cells of the open row; a cell is its paragraphs
    cell: list[str] | None = None  # paragraphs of the open cell
    part: list[str] = field(default_factory=list)  # text of the open paragraph in the cell
    layout: bool = False  # holds another table: read as prose


class _LimitReached(Exception):
    """The page has more elements, or deeper nesting, than any report page: stop reading."""


class _PageParser(HTMLParser):
    """Bounded: it stops (``_LimitReached``) after ``HTML_MAX_ELEMENTS`` elements or when
    elements nest deeper than ``HTML_MAX_DEPTH``, so a hostile page costs a fixed amount of work."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements = 0
        self._open: list[str] = []  # open elements, for the nesting depth
        self.lines: list[Line] = []
        self.hints: list[tuple[int, str]] = []  # (priority, title field)
        self._buf: list[str] = []
        self._skip: list[str] = []
        self._tables: list[_Table] = []
        self._title: list[str] | None = None
        self._pre = 0  # inside <pre>: line breaks in the text are real

    # ------------------------------------------------------------------ output

    def _emit_prose(self, text: str) -> None:
        text = " ".join(_BETWEEN_DIGITS.sub(" ", text).replace(_BREAK, "").split())
        if text:
            self.lines.append(Line([text]))

    def _flush(self) -> None:
        if self._buf:
            self._emit_prose("".join(self._buf))
            self._buf = []

    # ------------------------------------------------------------------ tables

    def _close_paragraph(self, t: _Table) -> None:
        if t.cell is not None:
            text = " ".join("".join(t.part).split())
            if text:
                t.cell.append(text)
            t.part = []

    def _close_cell(self, t: _Table) -> None:
        if t.cell is None:
            return
        self._close_paragraph(t)
        if t.row is None:
            t.row = []
        t.row.append(t.cell)
        t.cell = None

    def _close_row(self, t: _Table) -> None:
        self._close_cell(t)
        if t.row is None:
            return
        cells, t.row = t.row, None
        texts = [" ".join(c) for c in cells]
        if t.layout or any(len(x) > MAX_CELL_CHARS or is_prose(x) for x in texts):
            for c in cells:  # a layout row: its paragraphs are the article's prose
                for p in c:
                    self._emit_prose(p)
        elif any(texts):
            self.lines.append(Line(texts, row=True))

    def _open_table(self) -> None:
        self._flush()
        outer = self._tables[-1] if self._tables else None
        if outer is not None and (outer.cell is not None or outer.row is not None):
            # A table inside a cell: the outer table is layout. Emit what it holds so far.
            outer.layout = True
            self._close_paragraph(outer)
            for c in (outer.row or []) + ([outer.cell] if outer.cell else []):
                for p in c:
                    self._emit_prose(p)
            outer.row = [] if outer.row is not None else None
            if outer.cell is not None:
                outer.cell = []
        if len(self._tables) >= MAX_DEPTH:
            self._tables[-1].layout = True
            return
        self._tables.append(_Table())

    def _close_table(self) -> None:
        if not self._tables:
            return
        t = self._tables.pop()
        self._close_row(t)

    # ------------------------------------------------------------------ HTMLParser hooks

    def _count(self, tag: str) -> None:
        self.elements += 1
        if self.elements > HTML_MAX_ELEMENTS:
            raise _LimitReached(f"网页的元素过多（超过 {HTML_MAX_ELEMENTS:,} 个）")
        if tag not in VOID and tag not in IMPLIED_END:
            self._open.append(tag)
            if len(self._open) > HTML_MAX_DEPTH:
                raise _LimitReached(f"网页的元素嵌套过深（超过 {HTML_MAX_DEPTH} 层）")

    def _uncount(self, tag: str) -> None:
        open_ = self._open
        for i in range(len(open_) - 1, max(len(open_) - END_SEARCH, 0) - 1, -1):
            if open_[i] == tag:
                del open_[i:]
                return

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = _tag_name(tag)
        self._count(tag)
        self._handle_starttag(tag, attrs)

    def _handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip:
            return
        if tag in SKIP:
            self._skip.append(tag)
            return
        if tag == "meta":
            a = {k.lower(): (v or "") for k, v in attrs}
            field_name = (a.get("name") or a.get("property") or "").lower()
            if field_name in TITLE_META and a.get("content"):
                self.hints.append((TITLE_META.index(field_name), a["content"]))
            return
        if tag == "title":
            self._title = []
            return
        if tag == "pre":
            self._pre += 1
        t = self._tables[-1] if self._tables else None
        if tag == "img" and t is None and not "".join(self._buf).replace(_BREAK, "").strip():
            self.lines.append(Line([], image=True))  # an image alone in its block (a table as a picture)
            return
        if tag == "table":
            self._open_table()
        elif t is not None and tag == "tr":
            self._close_row(t)
            t.row = []
        elif t is not None and tag in ("td", "th"):
            self._close_cell(t)
            if t.row is None:
                t.row = []
            t.cell, t.part = [], []
        elif tag in BLOCK or tag in CELL_TAGS:  # a cell outside any table still ends the text before it
            if t is not None and t.cell is not None:
                self._close_paragraph(t)
            else:
                self._flush()
        else:
            self._word_break(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._uncount(tag)
        if tag in SKIP and self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_endtag(self, tag: str) -> None:
        tag = _tag_name(tag)
        self._uncount(tag)
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.pop()
            return
        if tag == "title" and self._title is not None:
            self.hints.append((len(TITLE_META), " ".join("".join(self._title).split())))
            self._title = None
            return
        if tag == "pre" and self._pre:
            self._pre -= 1
        t = self._tables[-1] if self._tables else None
        if tag == "table":
            self._close_table()
        elif t is not None and tag == "tr":
            self._close_row(t)
        elif t is not None and tag in ("td", "th"):
            self._close_cell(t)
        elif tag in BLOCK or tag in CELL_TAGS:
            if t is not None and t.cell is not None:
                self._close_paragraph(t)
            else:
                self._flush()
        else:
            self._word_break(tag)

    def _word_break(self, tag: str = "") -> None:
        """Markup that is no inline styling: the words on either side of it in a cell stay apart,
        and so do two figures in running text (a table whose <table> tag was lost: ``11</ d>26``)."""
        if tag in INLINE or ":" in tag:
            return
        t = self._tables[-1] if self._tables else None
        if t is not None and t.cell is not None:
            t.part.append(" ")
        elif t is None:
            self._buf.append(_BREAK)

    def _markup(self, data: str) -> None:
        """A comment, ``<!…>`` or ``<?…>`` (also what html.parser makes of a garbled tag, ``</。d>``)."""
        if not self._skip:
            self._word_break()

    handle_comment = unknown_decl = handle_pi = _markup

    def handle_decl(self, decl: str) -> None:
        self._markup(decl)

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._title is not None:
            self._title.append(data)
            return
        t = self._tables[-1] if self._tables else None
        if t is not None and t.cell is not None:
            t.part.append(data)
        elif t is not None and data.strip():
            # text directly in <table>/<tr> (broken markup): keep it as its own cell
            if t.row is None:
                t.row = []
            t.row.append([" ".join(data.split())])
        elif self._pre and "\n" in data:
            first, *rest = data.split("\n")
            self._buf.append(first)
            for part in rest:
                self._flush()
                self._buf.append(part)
        else:
            self._buf.append(data)

    def finish(self, *, complete: bool = True) -> list[Line]:
        """The lines read; ``complete=False`` after a limit: what was read so far, nothing more parsed."""
        if complete:
            self.close()
        while self._tables:
            self._close_table()
        self._flush()
        if self._title is not None:
            self.hints.append((len(TITLE_META), " ".join("".join(self._title).split())))
        return self.lines


_BREAK = "\ue000"  # in running text: where markup stood; a space only between two digits
_BETWEEN_DIGITS = re.compile(r"(?<=\d)\ue000+(?=\d)")


def _tag_name(tag: str) -> str:
    """A tag's name as a browser would mean it: ``</td<td>`` (a page that lost a ``>``) ends the
    cell. Without this the text of two cells would run together (``30`` and ``5`` read as 305)."""
    return tag.split("<", 1)[0] if "<" in tag else tag


def _lighten(tag: re.Match[str]) -> str:
    text = tag.group()
    return _UNUSED_ATTR.sub("", text) if "=" in text else text


def html_lines(page: str) -> tuple[list[Line], list[str]]:
    """The page as lines, and the title fields it declares (for the report title)."""
    lines, hints, _limit = read_page(page)
    return lines, hints


def read_page(page: str) -> tuple[list[Line], list[str], str | None]:
    """The page as lines, its title fields, and why reading stopped early (None: it did not).

    The page is parsed piece by piece: a limit (or 取消) stops the work where it is reached.
    """
    parser = _PageParser()
    limit = None
    try:
        for piece in _pieces(page):
            parser.feed(_START_TAG.sub(_lighten, piece))
            checkpoint()
        lines = parser.finish()
    except _LimitReached as exc:
        limit = str(exc)
        lines = parser.finish(complete=False)
    except (AssertionError, ValueError, IndexError) as exc:  # html.parser on hostile markup
        raise ImportFailed(f"网页结构无法解析（{type(exc).__name__}），请另存为文本后导入") from None
    return lines, [text for _, text in sorted(parser.hints, key=lambda h: h[0])], limit


def _pieces(page: str) -> list[str]:
    """The page cut after a ``>`` every ``HTML_CHUNK_CHARS`` characters (tags stay whole)."""
    out, start = [], 0
    while start < len(page):
        end = start + HTML_CHUNK_CHARS
        if end < len(page):
            cut = page.rfind(">", start, end)
            end = cut + 1 if cut > start else end
        out.append(page[start:end])
        start = end
    return out


def import_html(data: bytes | str, *, source: str = "") -> ImportResult:
    """Import a saved report web page. Raises :class:`ImportFailed` only."""
    from importers.assemble import build_report

    name = display_name(source, "该网页")
    size = len(data)
    if size > MAX_IMPORT_BYTES:
        raise ImportFailed(f"{name}过大（{size // 1024 // 1024} MB），不像一份年度报告")
    page = decode_html(data, source=source) if isinstance(data, bytes) else data
    if not page.strip():
        raise ImportFailed(f"{name}是空的，没有可导入的内容")
    from importers.own import own_page, own_report

    ours = own_page(page)
    if ours is not None and (result := own_report(ours)) is not None:
        return result
    lines, hints, limit = read_page(page)
    if limit is None:
        return build_report(lines, source=source, title_hints=hints)
    try:
        result = build_report(lines, source=source, title_hints=hints)
    except ImportFailed as exc:
        raise ImportFailed(f"{name}{limit}，不像一份年度报告，已停止读取") from exc
    result.findings.append(limit_finding(
        f"{name}{limit}，只读取了前面的部分；请核对导入的内容是否完整", len(result.findings)))
    return result
