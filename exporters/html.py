"""The report as one self-contained web page for an agency's website.

Inline CSS only (``style`` attributes, which a CMS keeps when the page is pasted into its
editor), no script, nothing fetched. Semantic structure: ``<h1>`` title, a ``<section>`` per part
with its ``<h2>`` heading, ``<p>`` paragraphs, the three tables with ``rowspan``/``colspan``
built from :func:`models.grid.grid_for` (header rows in ``<thead>``, so a browser repeats them on
every printed page), the 落款 in a ``<footer>``. The editor's extra data travels in a ``<meta>``
element; :mod:`importers.own` reads the page back to the same report.
"""

from __future__ import annotations

from html import escape
from typing import BinaryIO

from exporters.document import (
    CATEGORY,
    DATA_META,
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

_BODY = "font-family:'仿宋_GB2312','仿宋',FangSong,STFangsong,serif;font-size:16pt;line-height:28.95pt;"
_CSS = {
    "article": "max-width:156mm;margin:0 auto;padding:1em;color:#000;background:#fff;" + _BODY,
    "h1": "font-family:'方正小标宋简体','方正小标宋_GBK','华文中宋',STZhongsong,'宋体',SimSun,serif;"
          "font-size:22pt;font-weight:normal;line-height:1.5;text-align:center;margin:0 0 28.95pt 0;",
    "h2": "font-family:'黑体',SimHei,'Heiti SC',sans-serif;font-size:16pt;font-weight:normal;"
          "line-height:28.95pt;text-indent:2em;margin:0;",
    "p": "margin:0;text-indent:2em;text-align:justify;white-space:pre-wrap;",
    "sub": "font-family:'楷体_GB2312','楷体',KaiTi,STKaiti,serif;",
    "table": "border-collapse:collapse;width:100%;margin:0.5em 0;font-family:'宋体',SimSun,'Songti SC',serif;"
             "font-size:10.5pt;line-height:1.4;text-indent:0;",
    "cell": "border:1px solid #000;padding:2pt 3pt;text-align:center;vertical-align:middle;",
    "label": "border:1px solid #000;padding:2pt 3pt;text-align:left;vertical-align:middle;",
    "note": "margin:0;text-indent:2em;font-size:14pt;white-space:pre-wrap;",
    "footer": "margin-top:28.95pt;text-align:right;",
    "sign": "margin:0;text-align:right;padding-right:2em;white-space:pre-wrap;",
}


def export_html(report: Report, stream: BinaryIO) -> None:
    stream.write(render_html(report).encode("utf-8"))


def render_html(report: Report) -> str:
    title = xml_text(report.title)
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="{GENERATOR}">',
        f'<meta name="category" content="{CATEGORY}">',
        f'<meta name="{DATA_META}" content="{escape(hidden_data(report))}">',
        f"<title>{escape(title)}</title>",
        "</head>",
        '<body style="margin:0;background:#fff;">',
        f'<article class="nianbao-report" style="{_CSS["article"]}">',
        f'<h1 style="{_CSS["h1"]}">{_title_markup(report, title)}</h1>',
    ]
    if report.preface:  # 导语: before 一, without a heading
        out.append('<section id="preface" data-section="preface">')
        out.extend(_paragraph(line, "preface") for line in paragraphs(report.preface))
        out.append("</section>")
    for part in outline(report):
        s = part.section
        if part.kind == "heading":
            out.append(f'<section id="{s.key}" data-section="{s.key}">')
            out.append(f'<h2 style="{_CSS["h2"]}">{escape(s.title)}</h2>')
        elif part.kind == "text":
            out.extend(_paragraph(line) for line in part.lines)
        else:
            out.append(_table(report, grid_for(report.template, s.key)))
            for line in part.note.split("\n") if part.note else []:
                out.append(f'<p class="note" style="{_CSS["note"]}">{escape(line)}</p>')
        if part.kind != "heading":
            out.append("</section>")
    agency, when = signature_lines(report)
    if agency or when:
        out.append(f'<footer class="signature" style="{_CSS["footer"]}">')
        if agency:
            out.append(f'<p class="agency" style="{_CSS["sign"]}">{escape(agency)}</p>')
        if when:
            out.append(f'<p class="date" style="{_CSS["sign"]}">{escape(when)}</p>')
        out.append("</footer>")
    out += ["</article>", "</body>", "</html>", ""]
    return "\n".join(out)


def _paragraph(line: str, cls: str = "") -> str:
    m = SUBHEADING.match(line.strip()) if line.strip() else None
    if m:
        lead = line[: len(line) - len(line.lstrip())]
        head = lead + m.group(0)
        return (f'<p style="{_CSS["p"]}"><strong style="{_CSS["sub"]}font-weight:normal;">{escape(head)}</strong>'
                f"{escape(line[len(head):])}</p>")
    klass = f' class="{cls}"' if cls else ""
    return f'<p{klass} style="{_CSS["p"]}">{escape(line)}</p>'


def _table(report: Report, grid: Grid) -> str:
    out = [f'<table data-section="{grid.section}" style="{_CSS["table"]}">']
    head = grid.header_rows
    for r in range(grid.n_rows):
        if r == 0:
            out.append("<thead>" if head else "<tbody>")
        elif r == head and head:
            out.append("</thead><tbody>")
        cells = []
        for cell in sorted((c for c in grid.cells if c.row == r), key=lambda c: c.col):
            attrs = ""
            if cell.rowspan > 1:
                attrs += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                attrs += f' colspan="{cell.colspan}"'
            if cell.kind == "value":
                text = xml_text(format_value(report.values.get(cell.ref))) if cell.ref else ""
                ref = cell.ref
                data = f' data-cell="{ref.row}.{ref.column}"' if ref else ""
                cells.append(f'<td{attrs}{data} style="{_CSS["cell"]}">{escape(text)}</td>')
            else:
                tag = "th" if cell.kind in ("title", "corner", "header") else "td"
                scope = ' scope="col"' if cell.kind == "header" else ' scope="row"' if cell.kind == "label" else ""
                style = _CSS["label"] if cell.kind == "label" and cell.colspan > 1 and cell.level > 0 else _CSS["cell"]
                if tag == "th":
                    style += "font-weight:normal;"
                cells.append(f'<{tag}{attrs}{scope} style="{style}">{escape(xml_text(cell.text))}</{tag}>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _title_markup(report: Report, title: str) -> str:
    """A long title breaks after the agency, as published reports (and our PDF) print it."""
    agency = xml_text(report.meta.agency.strip())
    if agency and title.startswith(agency) and len(title) > 22 and len(title) > len(agency):
        return f"{escape(agency)}<br>{escape(title[len(agency):])}"
    return escape(title)
