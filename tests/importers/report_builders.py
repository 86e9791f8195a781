"""Printing one report's figures the way agencies publish them, for the importer tests.

Every document is printed from the template's grid (:func:`models.grid.grid_for`, the layout the
editor draws) with known figures, so that a wrong label match, a shifted column or an invented
value shows up as a difference. The figures are the real ones of the fixtures (淮安 2024 by
default), the narratives short but realistic.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

from models.grid import grid_for
from models.numbers import format_value
from models.template import ReportTemplate, load_template
from models.values import CellRef, Value

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
T = load_template("2021")
Rows = list[list[str]]


def expected_values(name: str = "huaian-city-2024", template: ReportTemplate = T) -> dict[CellRef, Value]:
    """The printed values of a fixture (``null``: a cell printed blank), as the template's
    columns hold them (a 万元 amount a Decimal, 2019's ``251000元`` a Quantity)."""
    data = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    out: dict[CellRef, Value] = {}
    for section in template.table_sections:
        for row, cols in data[section.key].items():
            for col, raw in cols.items():
                spec = template.cell(section.key, row, col)
                assert spec is not None, (section.key, row, col)
                out[CellRef(section.key, row, col)] = (
                    (spec.number.parse(raw).value if spec.number.kept_units else Decimal(raw))
                    if isinstance(raw, str) else raw)
    return out


VALUES = expected_values()
AGENCY = "某某市某某区人民政府"
TITLE = f"{AGENCY}2024年政府信息公开工作年度报告"
NARRATIVE = {
    "overview": "2024年，区政府认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进政务公开工作。\n"
                "（一）主动公开情况。全年主动公开政府信息5500余条，召开新闻发布会12场。\n"
                "（二）依申请公开情况。全年共受理政府信息公开申请3119件，答复3050件（含上年度结转申请34件）。"
                "政府信息公开行政复议351件，行政诉讼46件。\n"
                "（三）政府信息管理情况。坚持“先审查、后公开”，2023年度清理的规范性文件已全部公开。\n"
                "（四）政府信息公开平台建设情况。完善区政府门户网站政府信息公开专栏。\n"
                "（五）监督保障情况。将政务公开纳入2025年度绩效考核。",
    "problems": "一是政策解读质量仍需提升；二是队伍建设还需加强。下一步将加强培训，提升解读质效。",
    "other": "本机关全年收取政府信息公开信息处理费3940元。",
}


def grid_rows(section_key: str, values: dict[CellRef, Value] = VALUES, *,
              continuation: str | None = "", template: ReportTemplate = T,
              printed: dict[CellRef, str] | None = None) -> Rows:
    """The printed rows of a table, each grid row's cells left to right. A merged cell's
    continuation prints as ``continuation`` or is left out (``None``, like a browser's copy);
    ``printed`` overrides how a value cell prints (``减4`` for −4)."""
    grid = grid_for(template, section_key)
    rows: Rows = []
    for r in range(grid.n_rows):
        cells: list[str] = []
        for c in range(grid.n_cols):
            cell = grid.at(r, c)
            if cell is None:
                continue
            if (cell.row, cell.col) != (r, c):
                if continuation is not None:
                    cells.append(continuation)
                continue
            v = values.get(cell.ref) if cell.ref else cell.text
            if cell.ref is not None and printed and cell.ref in printed:
                v = printed[cell.ref]
            cells.append(v if isinstance(v, str) else format_value(v))  # text stands as printed
        rows.append(cells)
    return rows


def is_number(cell: str) -> bool:
    return bool(re.fullmatch(r"(?:减|增|-)?[\d.,，]+(?:元|万元)?", cell))


def document(render: Callable[[Rows], list[str]], values: dict[CellRef, Value] = VALUES, *,
             continuation: str | None = "", title: str = TITLE, headings: dict[str, str] | None = None,
             narrative: dict[str, str] | None = None, before: str = "", after: str = "",
             template: ReportTemplate = T, printed: dict[CellRef, str] | None = None) -> str:
    """A whole report: title, the six sections (tables rendered by ``render``), and what a page
    prints before the title and after the last section."""
    texts = narrative or NARRATIVE
    out = [before.rstrip("\n")] if before else []
    out.append(title)
    for section in template.sections:
        out.append((headings or {}).get(section.key, section.title))
        if section.is_table:
            out.extend(render(grid_rows(section.key, values, continuation=continuation, template=template,
                                        printed=printed)))
        else:
            out.append(texts[section.key])
    if after:
        out.append(after.rstrip("\n"))
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------- flattened tables


def pipes(rows: Rows) -> list[str]:
    return [" | ".join(r).rstrip(" |") for r in rows]


def tabs(rows: Rows) -> list[str]:
    """A browser's copy of an HTML table: cells separated by tabs, merged cells left out."""
    return ["\t".join(r) for r in rows]


def spaced(rows: Rows) -> list[str]:
    """``pdftotext -layout``: cells separated by runs of spaces."""
    return ["    ".join(c for c in r if c) for r in rows]


def cell_per_line(rows: Rows) -> list[str]:
    return [c for r in rows for c in r if c]


def labels_then_numbers(sep: str) -> Callable[[Rows], list[str]]:
    """Each label of a row on its own line (三、本年度办理结果 / （三）不予公开 / 1.属于国家秘密),
    then the row's numbers on one line separated by ``sep``."""
    def render(rows: Rows) -> list[str]:
        out: list[str] = []
        for r in rows:
            numbers = [c for c in r if is_number(c)]
            labels = [c for c in r if c and not is_number(c)]
            if numbers:
                out += labels + [sep.join(numbers)]
            elif labels:
                out.append(sep.join(labels))
        return out
    return render


def leaf_labels_only(rows: Rows) -> list[str]:
    """Only the last label of a row before its numbers (the group labels of merged cells gone)."""
    out = []
    for r in rows:
        numbers = [c for c in r if is_number(c)]
        labels = [c for c in r if c and not is_number(c)]
        out.append(" | ".join((labels[-1:] if numbers else labels) + numbers))
    return out


def replace_cells(mapping: dict[str, str]) -> Callable[[Callable[[Rows], list[str]]], Callable[[Rows], list[str]]]:
    """Wrap a renderer so that cells equal to a key print as its value (商业企业 → 商业 企业)."""
    def wrap(render: Callable[[Rows], list[str]]) -> Callable[[Rows], list[str]]:
        return lambda rows: render([[mapping.get(c, c) for c in r] for r in rows])
    return wrap


# ---------------------------------------------------------------------- HTML


def html_table(section_key: str, values: dict[CellRef, Value] = VALUES, *, cell: str = "td",
               split_words: bool = True, template: ReportTemplate = T,
               printed: dict[CellRef, str] | None = None) -> str:
    """A real HTML table from the grid with rowspan/colspan; header words split over ``<p>``
    (``商业</p><p>企业``) and long labels broken by ``<br/>``, as CMS editors leave them."""
    grid = grid_for(template, section_key)
    rows = []
    for r in range(grid.n_rows):
        tds = []
        for c in range(grid.n_cols):
            g = grid.at(r, c)
            if g is None or (g.row, g.col) != (r, c):
                continue
            v = values.get(g.ref) if g.ref else g.text
            if g.ref is not None and printed and g.ref in printed:
                v = printed[g.ref]
            text = html.escape(v if isinstance(v, str) else format_value(v))
            if split_words and not g.ref and len(text) == 4:
                text = f"<p>{text[:2]}</p><p>{text[2:]}</p>"
            elif split_words and not g.ref and len(text) > 12:
                text = f"{text[:8]}<br/>{text[8:]}"
            span = (f' rowspan="{g.rowspan}"' if g.rowspan > 1 else "") + (
                f' colspan="{g.colspan}"' if g.colspan > 1 else "")
            tag = cell if not g.ref else "td"
            tds.append(f"<{tag}{span}>&nbsp;{text}&nbsp;</{tag}>")
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return '<table border="1" class="MsoNormalTable"><tbody>' + "".join(rows) + "</tbody></table>"


def html_page(values: dict[CellRef, Value] = VALUES, *, charset: str = '<meta charset="utf-8">',
              table: Callable[[str], str] | None = None, article_wrap: str = "{}",
              narrative: dict[str, str] | None = None, template: ReportTemplate = T, title: str = TITLE) -> str:
    """A CMS article page: site navigation, a script and style with report-like words, the title,
    the article, a footer."""
    texts = narrative or NARRATIVE
    body = []
    for section in template.sections:
        body.append(f"<p><strong>&nbsp;{section.title}</strong>&nbsp;</p>")
        if section.is_table:
            body.append(table(section.key) if table else html_table(section.key, values))
        else:
            body += [f"<p>{html.escape(p)}</p>" for p in texts[section.key].split("\n")]
    article = article_wrap.format("".join(body))
    nav = "<ul><li><a>首页</a></li><li><a>主动公开</a></li><li><a>依申请公开</a></li><li><a>政府信息公开年报</a></li></ul>"
    script = ("<script>var t = '<p>一、总体情况</p><table><tr><td>12</td></tr></table>';</script>"
              "<style>/* 二、主动公开政府信息情况 */ p {margin:0}</style>")
    footer = "<div class=footer><p>网站地图 | 联系我们</p><p>版权所有：某某市某某区人民政府 ICP备案号：苏ICP备00000000号</p></div>"
    return (f"<!DOCTYPE html><html><head>{charset}<title>{title}_某某区人民政府</title>{script}</head>"
            f"<body>{nav}<div class=\"title\">{title}</div><div class=\"TRS_Editor\">{article}</div>"
            f"{footer}</body></html>")


class _InnerText(HTMLParser):
    """What a browser puts on the clipboard for a selected page (``innerText``): a tab between
    the cells of a row, a line break between rows and around each block inside a cell."""

    BLOCKS = frozenset({"p", "div", "li", "h1", "h2", "h3", "h4", "table", "ul", "section", "article"})
    SKIP = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.row_start = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skip += 1
        elif tag in ("td", "th"):
            if not self.row_start:
                self.out.append("\t")
            self.row_start = False
        elif tag == "tr":
            self.out.append("\n")
            self.row_start = True
        elif tag == "br" or tag in self.BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skip -= 1
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(re.sub(r"\s+", " ", data.replace("\xa0", " ")))


def inner_text(page: str) -> str:
    parser = _InnerText()
    parser.feed(page)
    parser.close()
    return "\n".join(line.strip(" ") for line in "".join(parser.out).split("\n"))


# ---------------------------------------------------------------------- comparing


def wrong_cells(got: dict[CellRef, Value], expected: dict[CellRef, Value]) -> dict[CellRef, tuple[Value, Value]]:
    return {ref: (got.get(ref), want) for ref, want in expected.items()
            if got.get(ref) != want or type(got.get(ref)) is not type(want)}


def assert_values(got: dict[CellRef, Value], expected: dict[CellRef, Value] = VALUES) -> None:
    wrong = wrong_cells(got, expected)
    assert not wrong, f"{len(wrong)} cells differ, e.g. {list(wrong.items())[:5]}"
