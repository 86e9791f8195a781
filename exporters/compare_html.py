"""The comparison of two years as one self-contained web page (no scripts, fonts or images
to fetch): opens offline on any desk and can be mailed as it is.

Each table in the official layout from :func:`models.grid.grid_for` (``rowspan``/``colspan``
as printed), every value cell holding 上年, 本年, 增减 and 增减率; a cell with a carry-over
finding is coloured by its severity and says why when pointed at.
"""

from __future__ import annotations

from html import escape

from models.compare import CellChange, Comparison, TableComparison
from models.findings import SEVERITY_LABEL, SEVERITY_ORDER, Finding
from models.grid import grid_for
from models.numbers import format_value
from models.values import CellRef

STYLE = """
body { font-family: "SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", "WenQuanYi Micro Hei", serif;
       margin: 2em auto; max-width: 1200px; color: #1b1b1b; line-height: 1.5; }
h1 { text-align: center; font-size: 1.6em; }
h2 { font-family: "SimHei", "黑体", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; font-size: 1.2em;
     margin-top: 2em; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid #333; padding: 2px 6px; font-size: 13px; }
th { background: #e4eaf2; font-weight: bold; }
td.label { background: #f2f2f2; }
td.title { background: #e4eaf2; text-align: left; font-weight: bold; }
td.value { text-align: center; white-space: nowrap; }
.last { color: #666; display: block; }
.this { font-weight: bold; display: block; }
.chg, .pct { display: block; font-size: 12px; }
.moved { background: #e2efda; }
.error { background: #ffc7ce; } .warning { background: #ffeb9c; } .info { background: #ddebf7; }
.legend, .note { color: #4a5868; }
ol li { margin: .2em 0; }
"""


def comparison_html(c: Comparison) -> str:
    parts = [f"<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
             f"<title>{escape(c.title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
             f"<h1>{escape(c.title)}</h1>\n<p>本年报告：{escape(c.this_title)}{_source(c.this_source)}<br>"
             f"上年报告：{escape(c.last_title)}{_source(c.last_source)}<br>有变化的单元格："
             + escape("；".join(f"{t.section.number}、{t.section.short} {t.changed} 个" for t in c.tables)) + "</p>\n"]
    parts += [f"<p class=\"note\">注意：{escape(n)}</p>\n" for n in c.notes]
    parts.append(f"<h2>变化最大的 {len(c.movers)} 个单元格（不含合计）</h2>\n")
    if c.movers:
        parts.append("<table>\n<tr><th>位置</th><th>上年</th><th>本年</th><th>增减</th><th>增减率</th></tr>\n")
        for m in c.movers:
            parts.append(f"<tr><td>{escape(m.where)}</td><td class=\"value\">{escape(format_value(m.last))}</td>"
                         f"<td class=\"value\">{escape(format_value(m.this))}</td>"
                         f"<td class=\"value\">{escape(m.change_text())}</td>"
                         f"<td class=\"value\">{escape(m.ratio_text())}</td></tr>\n")
        parts.append("</table>\n")
    else:
        parts.append("<p>两年的数字没有变化。</p>\n")
    parts.append(f"<h2>与上年核对（{len(c.findings)} 条）</h2>\n")
    if not c.findings:
        parts.append("<p>上年结转、现行有效件数等与上年报告一致，未发现问题。</p>\n")
    elif c.findings_by_table():
        parts.append(f"<p>表格中：{escape(c.findings_by_table())}，列在各表之后。</p>\n")
    if c.other_findings():
        parts.append(_findings(c.other_findings()))
    moved = {m.ref for m in c.movers}
    for table in c.tables:
        parts.append(_table(c, table, moved))
    parts.append("</body>\n</html>\n")
    return "".join(parts)


def _source(name: str | None) -> str:
    return f"（{escape(name)}）" if name else ""


def _findings(findings: tuple[Finding, ...] | list[Finding]) -> str:
    items = "".join(f"<li class=\"{f.severity}\">【{SEVERITY_LABEL[f.severity]}】{escape(f.message)}</li>\n"
                    for f in findings)
    return f"<ol>\n{items}</ol>\n"


def _table(c: Comparison, table: TableComparison, moved: set[CellRef]) -> str:
    section = table.section
    grid = grid_for(c.template, section.key)
    found: dict[object, list[Finding]] = {}
    for f in c.findings_of(section.key):
        found.setdefault(f.anchor, []).append(f)
    years = f"{c.last_year or '上'}年与{c.this_year or '本'}年对比"
    out = [f"<h2>{escape(section.title)}（{years}）</h2>\n",
           "<p class=\"legend\">每格四行：上年（灰）、本年（粗）、增减、增减率；与上年核对有问题的单元格按级别着色，"
           "鼠标指向可见说明；绿色为变化最大的单元格。</p>\n<table>\n"]
    for r in range(grid.n_rows):
        out.append("<tr>")
        for cell in sorted((g for g in grid.cells if g.row == r), key=lambda g: g.col):
            span = (f" rowspan=\"{cell.rowspan}\"" if cell.rowspan > 1 else "") + (
                f" colspan=\"{cell.colspan}\"" if cell.colspan > 1 else "")
            if cell.ref is not None:
                out.append(_value_cell(table.cells[cell.ref], span, found.get(cell.ref, []), cell.ref in moved))
            elif cell.kind in ("header", "corner"):
                out.append(f"<th{span}>{escape(cell.text)}</th>")
            else:
                out.append(f"<td class=\"{'title' if cell.kind == 'title' else 'label'}\"{span}>{escape(cell.text)}</td>")
        out.append("</tr>\n")
    out.append("</table>\n")
    if found:
        out.append(_findings(c.findings_of(section.key)))
    return "".join(out)


def _value_cell(cc: CellChange, span: str, findings: list[Finding], moved: bool) -> str:
    classes = ["value"]
    title = ""
    if findings:
        worst = min(findings, key=lambda f: SEVERITY_ORDER[f.severity])
        classes.append(worst.severity)
        title = " title=\"" + escape("\n".join(f"【{SEVERITY_LABEL[f.severity]}】{f.message}" for f in findings)) + "\""
    elif moved:
        classes.append("moved")
    last = format_value(cc.last) if cc.comparable else "不可比"
    return (f"<td class=\"{' '.join(classes)}\"{span}{title}><span class=\"last\">{escape(last or '—')}</span>"
            f"<span class=\"this\">{escape(format_value(cc.this) or '—')}</span>"
            f"<span class=\"chg\">{escape(cc.change_text()) or '&nbsp;'}</span>"
            f"<span class=\"pct\">{escape(cc.ratio_text()) or '&nbsp;'}</span></td>")
