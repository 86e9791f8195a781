"""2019-format reports (on 2019 and 2020) as real sites publish them, written by hand from the
spec's source tables — not printed from our template — and imported in every form: page text
with a tab, a ``|`` or a line between cells, markdown, the cell-per-line web copy with span
marks, and saved web pages with rowspan/colspan (the Word and PDF forms: tests/documents).

- ``hubei-agri-2019.txt``: a browser's copy (tabs); 湖北's extra 二 row 其他主动公开文件, blanks as
  ``/``, 本年增/减 printed ``减4 增2 -18 +3 0``, 采购总金额 ``3.2万元``, 五 in its local wording.
- ``county-health-2020.html``: a Word-pasted CMS page (``<p>`` in every cell, rowspan/colspan),
  blanks printed as nothing (a whole 科研机构 column), ``25.1 万元``, and 表三 printed with the
  2021 format's three rows of （六）其他处理.
- ``town-gov-2021.txt``: a 2021 report printed in the 2019 layout, cell per line ending ``|``,
  blanks ``—``, 采购总金额 blank.

Each imports with every printed cell right, no blank turned into 0, the template chosen by its
labels, and a finding for whatever could not be placed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from report_builders import assert_values, expected_values

from importers import read_report
from importers.html import import_html
from importers.text import import_text
from models.checker import check_report
from models.template import load_template
from models.values import CellRef

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
T19 = load_template("2019")
HUBEI = (FIXTURES / "hubei-agri-2019.txt").read_text(encoding="utf-8")
EXTRA_ROW = "其他主动公开文件：本年新制作数量 126，本年新公开数量 126，对外公开总数量 580"


def _forms(tabbed: str) -> dict[str, str]:
    """The one page text, flattened the ways copy tools flatten it."""
    rows = tabbed.splitlines()
    return {
        "tabs": tabbed,
        "cell-per-line": "\n".join(c for r in rows for c in r.split("\t")),
        "pipes": "\n".join(" | ".join(r.split("\t")) for r in rows),
        "markdown": "\n".join(f"| {' | '.join(r.split(chr(9)))} |" if "\t" in r else r for r in rows),
    }


def _rules(findings: list) -> list[tuple[str, str | None]]:  # type: ignore[type-arg]
    return sorted((f.rule, f.section) for f in findings if f.rule != "value.unit_text")


@pytest.mark.parametrize("form", sorted(_forms(HUBEI)))
def test_a_provincial_row_is_kept_as_a_note_not_dropped_nor_added_to_a_row(form: str) -> None:
    result = import_text(_forms(HUBEI)[form], source="hubei-agri-2019.txt")
    report = result.report
    assert report.template is T19 and report.meta.year == 2019
    assert_values(report.values, expected_values("hubei-agri-2019", T19))  # 规范性文件 keeps its own 2 2 15
    assert report.notes["proactive"] == EXTRA_ROW
    [row] = [f for f in result.findings if f.rule == "import.unknown_row"]
    assert row.severity == "info" and "其他主动公开文件" in row.message and "126、126、580" in row.message
    assert _rules(result.findings) == [("import.unknown_row", "proactive"), ("sections.heading", "problems")]
    # the blanks printed as / stay blank (said once each), never 0
    assert [f.actual for f in result.findings if f.rule == "value.unit_text"] == ["/", "/", "/"]


def test_sign_words_of_the_change_column() -> None:
    v = import_text(HUBEI).report.values
    got = [v[CellRef("proactive", row, "items_change")] for row in ("licensing", "other_services", "penalty",
                                                                   "enforcement", "fees")]
    assert got == [-4, 2, -18, 3, 0]  # printed 减4 增2 -18 +3 0
    worded = import_text(HUBEI.replace("减4", "减少4").replace("+3", "增加3")).report.values
    assert worded[CellRef("proactive", "licensing", "items_change")] == -4
    assert worded[CellRef("proactive", "enforcement", "items_change")] == 3


def test_the_unit_in_a_printed_column_heading() -> None:
    """采购总金额（万元） over a bare 3.2: the heading names the unit the cell did not."""
    text = HUBEI.replace("采购总金额", "采购总金额（万元）").replace("3.2万元", "3.2")
    result = import_text(text)
    assert str(result.report.values[CellRef("proactive", "procurement", "procurement_amount")]) == "3.2万元"
    assert any(f.rule == "value.unit_text" and "栏目标题注明单位为万元" in f.message for f in result.findings)


def test_a_heading_in_another_unit_than_the_column_is_never_read_as_the_columns() -> None:
    """2021's fee is in 万元; a report whose heading says 元 would be off 10,000-fold."""
    wulong = (FIXTURES / "wulong-hrss-2021.txt").read_text(encoding="utf-8")
    result = import_text(wulong.replace("单位:万元", "单位:元").replace("68.64万元", "686400"))
    fee = CellRef("proactive", "fees", "amount")
    assert result.report.values[fee] is None
    [f] = [f for f in result.findings if f.cells == (fee,)]
    assert f.rule == "import.unreadable" and "栏目标题注明单位为元" in f.message and "请换算" in f.message


def test_a_2020_report_printing_the_2021_rows_of_other_handling() -> None:
    result = import_html((FIXTURES / "county-health-2020.html").read_bytes(), source="county-health-2020.html")
    report = result.report
    assert report.template is T19 and (report.meta.agency, report.meta.year) == ("某某县卫生健康局", 2020)
    expected = expected_values("county-health-2020", T19)
    assert_values(report.values, expected)  # （六）其他处理 = the sum of the three printed rows
    assert sum(v is None for v in expected.values()) == 23 + 7  # 科研机构 and seven cells of 二: still blank
    [f] = [f for f in result.findings if f.rule == "format.version"]
    assert f.severity == "warning" and "分 3 行印出" in f.message and "已把各行之和填入" in f.message
    assert _rules(result.findings) == [("format.version", "requests")]
    assert not {x.rule for x in check_report(report)} & {"requests.results_total", "requests.balance"}


def test_the_2021_rows_summed_keep_a_blank_column_blank() -> None:
    """All three printed rows blank in a column: the sum is blank, not 0."""
    page = (FIXTURES / "county-health-2020.html").read_text(encoding="utf-8")
    report = import_html(page.encode("utf-8")).report
    assert report.values[CellRef("requests", "other_handling", "research")] is None
    assert report.values[CellRef("requests", "other_handling", "natural")] == 1


def test_a_2021_report_in_the_2019_layout() -> None:
    result = read_report(FIXTURES / "town-gov-2021.txt")
    report = result.report
    assert report.template is T19 and report.meta.year == 2021  # the tables decide, the year is a finding
    assert_values(report.values, expected_values("town-gov-2021", T19))
    [f] = [f for f in result.findings if f.rule == "format.version"]
    assert f.severity == "error"
    assert report.values[CellRef("proactive", "procurement", "procurement_amount")] is None  # printed blank
    assert _rules(result.findings) == [("format.version", None)]


def test_unknown_rows_of_a_table_without_a_note_are_said_not_dropped() -> None:
    """2021's 二 has no note: an extra row is a warning that quotes it."""
    wulong = (FIXTURES / "wulong-hrss-2021.txt").read_text(encoding="utf-8")
    text = wulong.replace("行政规范性文件 |\n0 |\n0 |\n0 |\n", "行政规范性文件 |\n0 |\n0 |\n0 |\n其他文件 |\n5 |\n1 |\n40 |\n")
    result = import_text(text)
    [f] = [f for f in result.findings if f.rule == "import.unknown_row"]
    assert f.severity == "warning" and "其他文件" in f.message and "5、1、40" in f.message and "未导入" in f.message
    assert result.report.values[CellRef("proactive", "normative_documents", "in_force")] == 0
    assert not [x for x in result.findings if x.rule == "import.extra"]


def test_the_lines_of_a_cell_run_on_but_two_figures_stay_two() -> None:
    """Joining a cell's lines cannot know whether ``1`` / ``6`` is 16 wrapped by a narrow column
    or two figures: only the PDF reader's geometry can (tests/documents/test_pdf_table_geometry.py),
    so ``run_on`` keeps them apart and the row's figures are then counted, never merged into one."""
    from importers.common import run_on

    assert run_on(["1", "6"]) == "1 6" and run_on(["商业", "企业"]) == "商业企业" and run_on(["ICP", "12"]) == "ICP 12"


def test_figures_that_do_not_fit_a_row_with_a_blank_cell_are_not_moved_across_it() -> None:
    """``13 | 3 |  | 0 | 0 | 0 | 1 6``: eight figures for seven cells, one of them printed blank.
    Read in order, 0 would land in the blank 科研机构 and 1 in 其他: the row is left blank and said."""
    page = (FIXTURES / "county-health-2020.html").read_text(encoding="utf-8")
    from importers.assemble import build_report
    from importers.html import html_lines

    lines, _ = html_lines(page)
    new = next(ln for ln in lines if ln.row and ln.cells and ln.cells[0] == "一、本年新收政府信息公开申请数量")
    new.cells[-1] = "1 6"
    result = build_report(lines)
    v = result.report.values
    row = [v[CellRef("requests", "new", c)] for c in T19.section("requests").columns_of("new")]
    assert row == [None] * 7
    [f] = [f for f in result.findings if f.rule == "import.missing"]
    assert "13、3、0、0、0、1、6" in f.message and "无法确定每个数属于哪一栏" in f.message
