"""Synthetic variants of the real fixtures: the same published text with one thing changed the
way other agencies print it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from importers.html import import_html
from importers.text import import_text
from models.checker import check_report
from models.template import load_template
from models.values import CellRef

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
WULONG = (FIXTURES / "wulong-hrss-2021.txt").read_text(encoding="utf-8")
HUAIAN = (FIXTURES / "huaian-city-2024.txt").read_text(encoding="utf-8")
PINGTAN = (FIXTURES / "pingtan-2023.html").read_text(encoding="utf-8")
T = load_template("2021")
REQUEST_COLUMNS = T.section("requests").columns_of("new")


def replace_nth_line(text: str, predicate, n: int, new: str) -> str:  # type: ignore[no-untyped-def]
    """Replace the n-th line (0-based) matching ``predicate`` with ``new``."""
    lines = text.split("\n")
    hits = [i for i, x in enumerate(lines) if predicate(x)]
    lines[hits[n]] = new
    return "\n".join(lines)


def lines_after(text: str, label: str, count: int) -> list[int]:
    lines = text.split("\n")
    start = next(i for i, x in enumerate(lines) if x.startswith(label))
    return list(range(start + 1, start + 1 + count))


def test_wulong_blank_cell_line_stays_in_its_column() -> None:
    """One cell per line: an empty cell prints as a lone ``|`` and must not shift the rest."""
    lines = WULONG.split("\n")
    new_row = lines_after(WULONG, "一、本年新收政府信息公开申请数量", 7)
    lines[new_row[1]] = " |"  # 商业企业
    result = import_text("\n".join(lines))
    v = result.report.values
    assert v[CellRef("requests", "new", "commercial")] is None
    assert [v[CellRef("requests", "new", c)] for c in REQUEST_COLUMNS if c != "commercial"] == [0] * 6
    assert v[CellRef("requests", "carried_over", "natural")] == 0
    assert not [f for f in result.findings if f.rule.startswith("import.")]
    assert [f.rule for f in check_report(result.report).warnings] == ["value.missing"]


def test_wulong_slash_and_dash_cells() -> None:
    lines = WULONG.split("\n")
    appeals = next(i for i, x in enumerate(lines) if x.startswith("四、政府信息公开行政复议"))
    data = [i for i in range(appeals, len(lines)) if lines[i] == "0 |"][:15]
    lines[data[0]], lines[data[6]] = "/ |", "- |"
    result = import_text("\n".join(lines))
    v = result.report.values
    assert v[CellRef("appeals", "data", "review.upheld")] is None
    assert v[CellRef("appeals", "data", "direct_suit.corrected")] is None
    assert v[CellRef("appeals", "data", "review.corrected")] == 0
    marks = sorted(f.actual for f in result.findings if f.rule == "value.unit_text" and f.section == "appeals")
    assert marks == ["-", "/"]


def test_wulong_full_width_digits() -> None:
    text = WULONG.replace("62 | ||", "６２ | ||").replace("68.64万元", "６８．６４万元")
    v = import_text(text).report.values
    assert v[CellRef("proactive", "licensing", "decisions")] == 62
    assert v[CellRef("proactive", "fees", "amount")] == Decimal("68.64")


def test_wulong_old_single_row_other_processing() -> None:
    lines = WULONG.split("\n")
    start = next(i for i, x in enumerate(lines) if x.startswith("(六)其他处理"))
    end = next(i for i, x in enumerate(lines) if x.startswith("(七)总计"))
    lines[start + 1:end] = ["5 |", "0 |", "0 |", "0 |", "0 |", "0 |", "5 | ||"]
    result = import_text("\n".join(lines))
    v = result.report.values
    assert [v[CellRef("requests", "other_other", c)] for c in REQUEST_COLUMNS] == [5, 0, 0, 0, 0, 0, 5]
    assert v[CellRef("requests", "other_no_correction", "natural")] is None
    (f,) = [f for f in result.findings if f.rule == "format.version"]
    assert f.severity == "warning" and "3.其他" in f.message
    assert CellRef("requests", "other_other", "total") in f.cells


def test_wulong_with_title_line_and_appeals_note() -> None:
    title = "重庆市武隆区人力资源和社会保障局2021年政府信息公开工作年度报告"
    note = "注:行政复议、行政诉讼数量含上年度结转数量。"
    text = title + "\n" + WULONG.replace("五、当前存在的主要问题", note + "\n五、当前存在的主要问题")
    result = import_text(text)
    meta = result.report.meta
    assert (meta.agency, meta.year, meta.title) == ("重庆市武隆区人力资源和社会保障局", 2021, title)
    assert result.report.notes["appeals"] == note
    assert all(result.report.values[CellRef("appeals", "data", c)] == 0 for c in T.section("appeals").columns_of("data"))


def test_wulong_title_of_a_2020_report_is_a_format_error() -> None:
    result = import_text("重庆市武隆区人力资源和社会保障局2020年政府信息公开工作年度报告\n" + WULONG.replace("2021年", "2020年"))
    assert result.report.meta.year == 2020
    assert [f.severity for f in result.findings if f.rule == "format.version"] == ["error"]


def test_huaian_note_in_a_cell_keeps_the_leading_number() -> None:
    text = HUAIAN.replace("行政规范性文件 | 8 | 26 | 66", "行政规范性文件 | 8（其中修订 3 件） | 26 | 66（含自然失效 29 件）")
    result = import_text(text)
    v = result.report.values
    assert [v[CellRef("proactive", "normative_documents", c)] for c in ("issued", "repealed", "in_force")] == [8, 26, 66]
    notes = [f for f in result.findings if f.rule == "value.unit_text"]
    assert {f.cells[0].column for f in notes} == {"issued", "in_force"}
    assert all(f.severity == "info" for f in notes)


def test_huaian_as_markdown_with_leading_pipes() -> None:
    lines = []
    for line in HUAIAN.split("\n"):
        if " | " in line:
            lines.append("| " + line.strip().strip("|") + " |")
            if line.startswith("信息内容"):
                lines.append("| --- | --- |")
        else:
            lines.append(line)
    result = import_text("\n".join(lines))
    original = import_text(HUAIAN).report.values
    assert result.report.values == original


def test_huaian_truncated_after_table_three() -> None:
    text = HUAIAN[: HUAIAN.index("四、政府信息公开行政复议")]
    result = import_text(text)
    v = result.report.values
    assert all(v[CellRef("appeals", "data", c)] is None for c in T.section("appeals").columns_of("data"))
    assert v[CellRef("requests", "carried_forward", "total")] == 103
    missing = {f.section for f in result.findings if f.rule == "import.missing"}
    assert missing == {"appeals", "problems", "other"}


def test_pingtan_table_rows_without_closing_tags() -> None:
    """Sloppy markup: no </td> or </tr> (browsers accept it, so do we)."""
    page = PINGTAN.replace("</td>", "").replace("</tr>", "").replace("</p>", "")
    result = import_html(page.encode("utf-8"))
    original = import_html(PINGTAN.encode("utf-8")).report
    assert result.report.values == original.values
