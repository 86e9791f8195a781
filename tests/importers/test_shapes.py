"""The importers on reports nobody has shown them: one report (the 淮安 2024 figures) printed
from the format's grid in every shape the fixtures' README warns about, as text and as HTML.

The printed documents are built from the template's :func:`models.grid.grid_for` (the same
layout the editor draws), so a wrong label match, a shifted column or an invented value shows
up as a difference from the transcribed figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from report_builders import expected_values
from report_builders import grid_rows as printed_grid_rows

from importers.html import import_html
from importers.text import import_text
from models.checker import check_report
from models.grid import grid_for
from models.numbers import format_value
from models.template import load_template
from models.values import CellRef, Value

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
T = load_template("2021")


VALUES = expected_values()
TITLE = "某某市某某局2024年政府信息公开工作年度报告"
NARRATIVE = {
    "overview": "2024年，本机关认真贯彻落实《条例》。全年共受理政府信息公开申请3119件，答复3050件"
                "（含上年度结转申请34件）。政府信息公开行政复议351件，行政诉讼46件。",
    "problems": "一是政策解读质量仍需提升；二是队伍建设还需加强。下一步将加强培训。",
    "other": "本机关全年收取政府信息公开信息处理费3940元。",
}


def grid_rows(section_key: str, values: dict[CellRef, Value], *, continuation: str | None = "") -> list[list[str]]:
    """The printed rows of a table (report_builders.grid_rows), without the empty continuation
    cells at the end of a row, as the 淮安 PDF text prints them."""
    rows = printed_grid_rows(section_key, values, continuation=continuation)
    if continuation is not None:
        for cells in rows:
            while cells and cells[-1] == "":
                cells.pop()
    return rows


def document(render: Callable[[list[list[str]]], list[str]], values: dict[CellRef, Value] = VALUES,
             *, continuation: str | None = "") -> str:
    out = [TITLE]
    for section in T.sections:
        out.append(section.title)
        if section.is_table:
            out.extend(render(grid_rows(section.key, values, continuation=continuation)))
        else:
            out.append(NARRATIVE[section.key])
    return "\n".join(out) + "\n"


def pipes(rows: list[list[str]]) -> list[str]:
    return [" | ".join(r) for r in rows]


def markdown(rows: list[list[str]]) -> list[str]:
    width = max(len(r) for r in rows)
    out = ["| " + " | ".join(rows[0] + [""] * (width - len(rows[0]))) + " |", "|" + "---|" * width]
    out += ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in rows[1:]]
    return out


def cell_per_line(rows: list[list[str]]) -> list[str]:
    """Like the 武隆 page: every non-empty cell on its own line, closed by ``|``."""
    return [f"{c} |" for r in rows for c in r if c]


def bare_cells(rows: list[list[str]]) -> list[str]:
    """One cell per line and nothing else (OCR of a narrow column)."""
    return [c for r in rows for c in r if c]


def spaced(rows: list[list[str]]) -> list[str]:
    """pdftotext -layout: cells separated by runs of spaces."""
    return ["    ".join(c for c in r if c) for r in rows]


def tabbed(rows: list[list[str]]) -> list[str]:
    return ["\t".join(r) for r in rows]


def single_spaced(rows: list[list[str]]) -> list[str]:
    """Copied from a PDF viewer: ``规章 1 0 11`` (one space between cells)."""
    return [" ".join(c for c in r if c) for r in rows]


def mini_tables(rows: list[list[str]]) -> list[str]:
    """OCR output split into small tables: every few rows a new markdown table."""
    out: list[str] = []
    for start in range(0, len(rows), 4):
        chunk = [r for r in rows[start:start + 4] if r]
        if chunk:
            out += markdown(chunk) + [""]
    return out


def assert_values(report_values: dict[CellRef, Value], expected: dict[CellRef, Value]) -> None:
    wrong = {ref: (report_values.get(ref), want) for ref, want in expected.items()
             if report_values.get(ref) != want or type(report_values.get(ref)) is not type(want)}
    assert not wrong, f"{len(wrong)} cells differ, e.g. {list(wrong.items())[:5]}"


SHAPES = {
    "pipes-with-empty-merges": (pipes, ""),
    "pipes-without-merges": (pipes, None),
    "markdown": (markdown, ""),
    "markdown-without-merges": (markdown, None),
    "one-cell-per-line": (cell_per_line, None),
    "bare-cells": (bare_cells, None),
    "layout-spaces": (spaced, None),
    "tabs": (tabbed, ""),
    "single-spaces": (single_spaced, None),
    "ocr-mini-tables": (mini_tables, None),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_every_flattened_shape_reads_all_200_cells(shape: str) -> None:
    render, continuation = SHAPES[shape]
    result = import_text(document(render, continuation=continuation), source=f"{shape}.txt")
    report = result.report
    assert_values(report.values, VALUES)
    assert report.meta.agency == "某某市某某局" and report.meta.year == 2024
    assert report.texts["problems"] == NARRATIVE["problems"]
    problems = [f for f in result.findings if f.severity != "info"]
    assert not problems, [f.message for f in problems]
    assert not check_report(report).errors


def test_full_width_digits_and_brackets_are_read() -> None:
    text = document(pipes).translate(str.maketrans("0123456789()", "０１２３４５６７８９（）"))
    report = import_text(text).report
    assert_values(report.values, VALUES)


def test_half_width_punctuation_and_spaces_inside_labels() -> None:
    text = document(pipes)
    for official, variant in (("（", "("), ("）", ")"), ("商业企业", "商业 企业"),
                              ("行政规范性文件", "规范性文件"), ("第二十条第", "第二十条 第")):
        text = text.replace(official, variant)
    text = re.sub(r"(?<=\| )(\d)\.(?=\D)", r"\1、", text)  # 1、属于国家秘密
    assert "| 1、属于国家秘密" in text
    assert_values(import_text(text).report.values, VALUES)


def test_label_split_over_two_printed_rows() -> None:
    """淮安: （四）无 / 法提供 — half of a group label on each row; values still in place."""
    text = document(pipes).replace("（四）无法提供 |", "（四）无 |", 1)
    text = text.replace("| 2.没有现成信息需要另行制作", "法提供 | 2.没有现成信息需要另行制作")
    assert "法提供 | 2." in text
    assert_values(import_text(text).report.values, VALUES)


# ---------------------------------------------------------------------- cells that are not plain numbers


def with_cell(text_values: dict[CellRef, str]) -> str:
    """The pipes document with some cells printed as given text."""
    values: dict[CellRef, object] = dict(VALUES)
    values.update(text_values)

    rows_text = [TITLE]
    for section in T.sections:
        rows_text.append(section.title)
        if section.is_table:
            grid = grid_for(T, section.key)
            for r in range(grid.n_rows):
                cells = []
                for c in range(grid.n_cols):
                    cell = grid.at(r, c)
                    if cell is None:
                        continue
                    if (cell.row, cell.col) != (r, c):
                        cells.append("")
                        continue
                    v = values.get(cell.ref) if cell.ref else cell.text
                    cells.append(v if isinstance(v, str) else format_value(v))  # type: ignore[arg-type]
                rows_text.append(" | ".join(cells).rstrip(" |"))
        else:
            rows_text.append(NARRATIVE[section.key])
    return "\n".join(rows_text)


def test_blank_marks_become_blank_with_a_finding_each() -> None:
    refs = {
        CellRef("proactive", "regulations", "repealed"): "/",
        CellRef("requests", "withheld_law", "research"): "-",
        CellRef("appeals", "data", "review.other"): "—",
    }
    result = import_text(with_cell(refs))
    for ref in refs:
        assert result.report.values[ref] is None
    by_cell = {f.cells[0]: f for f in result.findings if f.rule == "value.unit_text"}
    assert set(by_cell) == set(refs)
    assert all(f.severity == "info" for f in by_cell.values())
    assert "“/”" in by_cell[CellRef("proactive", "regulations", "repealed")].message
    # The other cells keep their places.
    others = {k: v for k, v in VALUES.items() if k not in refs}
    assert_values(result.report.values, others)
    missing = check_report(result.report).warnings
    assert {f.rule for f in missing} == {"value.missing"}


def test_empty_cell_in_a_pipes_row_stays_in_its_column() -> None:
    ref = CellRef("requests", "new", "commercial")  # 53 in the second column
    result = import_text(with_cell({ref: ""}))
    assert result.report.values[ref] is None
    assert result.report.values[CellRef("requests", "new", "research")] == 0
    assert result.report.values[CellRef("requests", "new", "total")] == 3119


def test_units_and_notes_in_cells_keep_the_number_and_say_so() -> None:
    cells = {
        CellRef("proactive", "normative_documents", "issued"): "8（其中修订 3 件）",
        CellRef("proactive", "normative_documents", "in_force"): "66（含自然失效 29 件）",
        CellRef("proactive", "fees", "amount"): "96171.6万元",
        CellRef("requests", "new", "legal"): "61件",
    }
    result = import_text(with_cell(cells))
    assert_values(result.report.values, VALUES)
    infos = {f.cells[0]: f for f in result.findings if f.rule == "value.unit_text"}
    assert set(infos) == set(cells)
    assert "万元" in infos[CellRef("proactive", "fees", "amount")].message
    assert "含自然失效" in infos[CellRef("proactive", "normative_documents", "in_force")].message
    assert not [f for f in result.findings if f.severity != "info"]


def test_unreadable_cell_is_blank_with_a_warning_not_a_guess() -> None:
    ref = CellRef("requests", "granted", "natural")
    result = import_text(with_cell({ref: "约1288"}))
    assert result.report.values[ref] is None
    (f,) = [f for f in result.findings if f.rule == "import.unreadable"]
    assert f.cells == (ref,) and f.severity == "warning" and "约1288" in f.message
    assert result.report.values[CellRef("requests", "granted", "commercial")] == 21


def test_fee_in_yuan_is_not_silently_taken_as_wanyuan() -> None:
    ref = CellRef("proactive", "fees", "amount")
    result = import_text(with_cell({ref: "3940元"}))
    assert result.report.values[ref] is None
    assert any(f.rule == "import.unreadable" and f.cells == (ref,) for f in result.findings)


# ---------------------------------------------------------------------- format versions


def test_old_single_row_other_processing_goes_to_3_other_with_a_warning() -> None:
    lines = document(pipes).splitlines()
    group = next(i for i, x in enumerate(lines) if "（六）其他处理" in x)
    sums = [sum(VALUES[CellRef("requests", r, c)] for r in ("other_no_correction", "other_no_fee", "other_other"))
            for c in T.section("requests").columns_of("new")]
    old_row = " | （六）其他处理 |  | " + " | ".join(str(s) for s in sums)
    lines[group:group + 3] = [old_row]
    result = import_text("\n".join(lines))
    v = result.report.values
    assert [v[CellRef("requests", "other_other", c)] for c in T.section("requests").columns_of("new")] == sums
    for row in ("other_no_correction", "other_no_fee"):
        assert all(v[CellRef("requests", row, c)] is None for c in T.section("requests").columns_of(row))
    (f,) = [f for f in result.findings if f.rule == "format.version"]
    assert f.severity == "warning" and "3.其他" in f.message and "（六）其他处理" in f.message
    assert not [x for x in result.findings if x.rule == "import.missing"]
    others = {k: val for k, val in VALUES.items() if not k.row.startswith("other_")}
    assert_values(v, others)
    assert not check_report(result.report).errors  # the sums still hold


def test_2020_report_in_the_2021_format_is_an_error_finding() -> None:
    text = document(pipes).replace("2024年", "2020年")
    result = import_text(text)
    assert result.report.meta.year == 2020
    assert [f.severity for f in result.findings if f.rule == "format.version"] == ["error"]


# ---------------------------------------------------------------------- document structure


def test_title_year_differing_from_the_statistics_period_is_a_warning() -> None:
    text = document(pipes).replace(TITLE, TITLE.replace("2024", "2023"))
    text = text.replace(NARRATIVE["overview"], "本报告统计期限自2024年1月1日至2024年12月31日。" + NARRATIVE["overview"])
    result = import_text(text)
    assert result.report.meta.year == 2024
    (f,) = [f for f in result.findings if f.rule == "meta.year"]
    assert f.severity == "warning" and f.expected == 2024 and f.actual == 2023
    assert result.report.meta.title == TITLE.replace("2024", "2023")


def test_appeals_note_is_kept_with_the_table() -> None:
    note = "注：行政复议、行政诉讼数量含上年度结转数量。"
    lines = document(pipes).splitlines()
    lines.insert(lines.index(T.section("problems").title), note)
    result = import_text("\n".join(lines))
    assert result.report.notes.get("appeals") == note
    assert_values(result.report.values, VALUES)


def test_variant_heading_is_an_info_and_its_text_is_kept() -> None:
    text = document(pipes).replace(T.section("problems").title, "五、当前存在的主要问题及下步改进措施")
    result = import_text(text)
    (f,) = [f for f in result.findings if f.rule == "sections.heading"]
    assert f.section == "problems" and f.severity == "info" and "当前存在的主要问题" in f.message
    assert result.report.texts["problems"] == NARRATIVE["problems"]


def test_chapters_worded_and_numbered_differently_are_matched_by_meaning() -> None:
    text = document(pipes)
    for official, variant in (
        (T.section("overview").title, "一、基本情况"),
        (T.section("requests").title, "三、依申请公开情况"),
        (T.section("appeals").title, "五、政府信息公开行政复议、行政诉讼情况"),
        (T.section("problems").title, "六、存在的主要问题及改进情况"),
        (T.section("other").title, "七、其他需要报告的事项"),
    ):
        text = text.replace(official, variant)
    result = import_text(text)
    assert_values(result.report.values, VALUES)
    assert result.report.texts == NARRATIVE
    headings = {f.section for f in result.findings if f.rule == "sections.heading"}
    assert headings == {"overview", "requests", "appeals", "problems", "other"}


def test_site_header_and_footer_around_the_text_are_dropped() -> None:
    header = "首页 > 政务公开 > 政府信息公开年报\n字号：大 中 小\n"
    footer = "\n".join(["上一篇：某某局2023年政府信息公开工作年度报告", "网站地图", "联系我们",
                        "版权所有：某某市人民政府", "网站标识码：1234567890 ICP备案：苏ICP备00000000号"])
    result = import_text(header + document(pipes) + footer + "\n")
    assert result.report.texts["other"] == NARRATIVE["other"]
    assert result.report.meta.agency == "某某市某某局"
    assert_values(result.report.values, VALUES)


def test_signature_date_becomes_meta_date() -> None:
    text = document(pipes) + "某某市某某局\n2025年1月20日\n"
    report = import_text(text).report
    assert report.meta.date == "2025-01-20"
    assert report.texts["other"] == NARRATIVE["other"]


@pytest.mark.parametrize("signature", [
    "某某市某某局\n2025年1月20日\n（此件公开发布）",  # GB/T 9704's 附注 under the date
    "某某市某某局\n2025年1月20日\n（此件主动公开）",
    "某某市某某局\n2025年1月20日\n抄送：市政务公开办。\n某某市某某局办公室 2025年1月21日印发",  # the 版记
    "某某市某某局 2025年1月20日",  # the 落款 on one line
])
def test_what_a_document_prints_under_its_signature_is_no_part_of_the_text(signature: str) -> None:
    report = import_text(document(pipes) + signature + "\n").report
    assert report.meta.date == "2025-01-20"
    assert report.texts["other"] == NARRATIVE["other"]


def test_a_remark_in_brackets_without_a_signature_above_stays_in_the_text() -> None:
    report = import_text(document(pipes) + "（此件公开发布）\n").report
    assert report.texts["other"].endswith("（此件公开发布）")


def test_impossible_signature_date_is_not_stored_as_meta_date() -> None:
    # 2月30日 is no date: storing it would give the editor a date it cannot show (the date
    # field says 未填写) while the PDF prints the bad text; the line stays in 六 for the user.
    text = document(pipes) + "某某市某某局\n2025年2月30日\n"
    report = import_text(text).report
    assert report.meta.date is None
    assert "2025年2月30日" in report.texts["other"]


# ---------------------------------------------------------------------- HTML


def html_table(section_key: str, values: dict[CellRef, Value]) -> str:
    """A real HTML table from the grid, with rowspan/colspan, <p>/<br> inside cells, &nbsp;."""
    grid = grid_for(T, section_key)
    rows = []
    for r in range(grid.n_rows):
        tds = []
        for c in range(grid.n_cols):
            cell = grid.at(r, c)
            if cell is None or (cell.row, cell.col) != (r, c):
                continue
            text = format_value(values.get(cell.ref)) if cell.ref else cell.text
            if len(text) == 4 and not cell.ref:  # split header words like 商业</p><p>企业
                text = f"<p>{text[:2]}</p><p>{text[2:]}</p>"
            elif len(text) > 4 and not cell.ref:
                text = f"{text[:2]}<br/>{text[2:]}"
            span = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
                f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
            tds.append(f"<td{span}>&nbsp;{text}&nbsp;</td>")
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return '<table border="1"><tbody>' + "".join(rows) + "</tbody></table>"


def html_page(values: dict[CellRef, Value] = VALUES, *, layout_table: bool = False) -> str:
    body = []
    for section in T.sections:
        body.append(f"<p><strong>&nbsp;{section.title}</strong>&nbsp;</p>")
        body.append(html_table(section.key, values) if section.is_table else f"<p>{NARRATIVE[section.key]}</p>")
    article = "".join(body)
    if layout_table:  # old CMS pages put the whole article into a layout table
        article = f"<table><tr><td>菜单</td><td><h1>{TITLE}</h1>{article}</td></tr></table>"
    else:
        article = f'<div class="title">{TITLE}</div><div class="content">{article}</div>'
    nav = "<ul><li><a>首页</a></li><li><a>主动公开</a></li><li><a>依申请公开</a></li></ul>"
    script = "<script>var s = '<p>一、总体情况</p>';</script><style>p{color:red}</style>"
    footer = "<div class=footer><p>网站地图 | 联系我们</p><p>版权所有：某某市人民政府</p></div>"
    return (f'<!DOCTYPE html><html><head><meta charset="gbk"><title>{TITLE}_某某市人民政府</title>{script}</head>'
            f"<body>{nav}{article}{footer}</body></html>")


@pytest.mark.parametrize("layout_table", [False, True])
def test_html_page_with_spans_reads_all_cells(layout_table: bool) -> None:
    page = html_page(layout_table=layout_table).encode("gbk")  # charset from <meta charset="gbk">
    result = import_html(page, source="page.html")
    assert_values(result.report.values, VALUES)
    assert result.report.meta.agency == "某某市某某局" and result.report.meta.year == 2024
    assert result.report.texts["overview"] == NARRATIVE["overview"]
    assert result.report.texts["other"] == NARRATIVE["other"]
    assert not [f for f in result.findings if f.severity != "info"], [f.message for f in result.findings]


def test_html_blank_td_stays_in_its_column() -> None:
    values = dict(VALUES)
    ref = CellRef("appeals", "data", "review.upheld")
    values[ref] = None
    report = import_html(html_page(values)).report
    assert report.values[ref] is None
    assert report.values[CellRef("appeals", "data", "review.corrected")] == 64
    assert report.values[CellRef("appeals", "data", "suit_after_review.total")] == 20


def test_a_stray_number_is_skipped_when_the_row_total_shows_where_the_row_starts() -> None:
    """A page number or footnote mark between a label and its numbers (one cell per line): the
    window of seven numbers whose 总计 is the sum of the others is the row."""
    lines = document(bare_cells).split("\n")
    at = lines.index("一、本年新收政府信息公开申请数量")
    lines.insert(at + 1, "7")
    first_value = next(i for i, x in enumerate(lines) if x == "72")  # 四 starts with 72
    lines.insert(first_value, "5")
    result = import_text("\n".join(lines))
    assert_values(result.report.values, VALUES)
    extras = {f.section: f.actual for f in result.findings if f.rule == "import.extra"}
    assert extras == {"requests": "7", "appeals": "5"}
