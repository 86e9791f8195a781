"""Page text that lost its line breaks: headings inside long lines, a heading and its text on
one line, a stray character, table cells run together — and row labels printed with a typo."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_builders import expected_values

from importers.digits import MAX_ROW_CANDIDATES, row_splits, solve_table
from importers.html import html_lines
from importers.text import import_text
from models.report import Report
from models.template import newest_template
from models.values import CellRef, Value

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
T = newest_template()
HUAIAN = (FIXTURES / "huaian-city-2024.txt").read_text(encoding="utf-8")


def _wrong(report: Report, name: str) -> list[tuple[CellRef, Value, Value]]:
    return [(ref, report.values[ref], v) for ref, v in expected_values(name).items()
            if report.values[ref] is not None and report.values[ref] != v]


def _blank(report: Report) -> int:
    return sum(1 for v in report.values.values() if v is None)


def _flat_page(name: str) -> str:
    lines, _ = html_lines((FIXTURES / name).read_text(encoding="utf-8"))
    return "".join(line.text for line in lines).replace("|", " ")


@pytest.mark.parametrize("text", [
    HUAIAN.replace("\n", "").replace(" | ", " "),  # the PDF's text, line breaks lost, cells apart
    _flat_page("pingtan-2023.html"),  # a web page's text copied as one line, site furniture around it
], ids=["huaian", "pingtan"])
def test_one_line_reports_import_every_cell(text: str) -> None:
    assert "\n" not in text
    result = import_text(text)
    name = "pingtan-2023" if "平潭" in text[:2000] else "huaian-city-2024"
    assert _wrong(result.report, name) == []
    assert _blank(result.report) == 0
    assert not [f for f in result.findings if f.severity != "info"]
    texts = result.report.texts
    assert texts["other"].startswith(("2024", "2023")) and "信息处理费" in texts["other"]
    assert "二、主动公开" not in texts["overview"]
    assert len(texts["overview"].splitlines()) >= 5  # （一）…（五） start paragraphs again


def test_figures_run_together_are_split_only_where_the_sums_allow_one_way() -> None:
    """Every separator gone (``行政规范性文件82666``, ``（七）总计29325300614 3050``): 表三's
    sums decide all 175 cells; 表二 has no sums and 四's groups allow several splits, so those
    cells stay blank with the candidates listed. No cell is wrong."""
    result = import_text(HUAIAN.replace("\n", "").replace(" | ", ""))
    report = result.report
    assert _wrong(report, "huaian-city-2024") == []
    requests = [ref for ref in report.values if ref.section == "requests"]
    assert all(report.values[ref] is not None for ref in requests) and len(requests) == 175
    split = [f for f in result.findings if f.rule == "import.split"]
    assert split and all(f.severity == "info" for f in split)
    ambiguous = {f.cells[0].row: f for f in result.findings if f.rule == "import.ambiguous"}
    assert set(ambiguous) == {"regulations", "normative_documents", "data"}
    assert all(f.severity == "warning" for f in ambiguous.values())
    assert "1 0 11；10 1 1" in ambiguous["regulations"].message
    assert "8 26 66" in ambiguous["normative_documents"].message
    for f in ambiguous.values():
        assert all(report.values[ref] is None for ref in f.cells)


def test_headings_inside_lines_with_their_text_and_a_stray_character() -> None:
    body = HUAIAN.split("一、总体情况", 1)[1]
    text = ("淮安市人民政府2024年政府信息公开工作年度报告一、总体情况" + body.replace("\n", ""))
    text = text.replace("二、主动公开政府信息情况", "二、主动公开政府*信息情况")  # a stray character
    text = text.replace("六、其他需要报告的事项", "六、其他需要报告的事项·")
    result = import_text(text.replace(" | ", " "))
    assert _wrong(result.report, "huaian-city-2024") == [] and _blank(result.report) == 0
    assert result.report.texts["other"].startswith("2024年，市政府严格落实")
    assert result.report.texts["overview"].startswith("2024年，我市坚持")


def test_a_label_with_a_typo_is_matched_by_its_place_and_said() -> None:
    result = import_text(HUAIAN.replace("2.其他法律行政法规禁止公开", "2.其他法律行政止公开"))
    assert _wrong(result.report, "huaian-city-2024") == [] and _blank(result.report) == 0
    (note,) = [f for f in result.findings if f.rule == "import.label"]
    assert note.severity == "info" and "2.其他法律行政止公开" in note.message
    assert note.cells[0].row == "withheld_law"


def test_a_label_is_not_matched_by_place_when_another_row_could_take_it() -> None:
    """Two neighbouring rows misprinted: either could be either; their cells stay blank."""
    text = HUAIAN.replace("2.其他法律行政法规禁止公开", "2.其他法律行政止公开").replace(
        "3.危及“三安全一稳定”", "3.三安全")
    result = import_text(text)
    assert _wrong(result.report, "huaian-city-2024") == []
    assert not [f for f in result.findings if f.rule == "import.label"]  # (the sums may still place
    # the figures in printed order, import.order: that is the older, separate mechanism)


def test_row_splits_follow_the_row_sums() -> None:
    appeals = T.section("appeals")
    columns = appeals.columns_of("data")
    rules = [r for r in T.equations if r.section == "appeals" and r.along == "row"]
    # 72 64 178 37 351 | 13 4 8 1 26 | 12 1 1 6 20, each group printed as one run
    got = row_splits(["726417837351", "1348126", "12116 20".replace(" ", "")], columns, rules)
    assert (72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20) in (got or [])
    assert row_splits(["693665"], ["a", "b", "c"], []) == [
        (6, 9, 3665), (6, 93, 665), (6, 936, 65), (6, 9366, 5), (69, 3, 665), (69, 36, 65), (69, 366, 5),
        (693, 6, 65), (693, 66, 5), (6936, 6, 5)]
    assert row_splits(["100"], ["a", "b"], []) == [(10, 0)]  # no leading zeros: 1 00 is no split


def test_the_search_is_bounded_on_hostile_input() -> None:
    requests = T.section("requests")
    columns = requests.columns_of("new")
    assert row_splits(["1" * 100], columns, []) is None  # too many ways: given up, not enumerated
    assert row_splits(["9" * 10_000], columns, []) is None
    many = row_splits(["1" * 14], columns, [])
    assert many is None or len(many) <= MAX_ROW_CANDIDATES
    unknown = {f"r{i}": [(i, j) for j in range(60)] for i in range(30)}
    split = solve_table(unknown, {}, {r: ("a", "b") for r in unknown}, [])
    assert split.solved == {} and split.candidates  # many solutions: nothing placed


def test_a_hostile_run_together_text_imports_quickly_without_a_wrong_cell() -> None:
    text = "二、主动公开政府信息情况" + "规章" + "1" * 5000 + "行政规范性文件" + "0" * 3000 + "三、收到和处理政府信息公开申请情况"
    text += "".join(f"{lab}{'12' * 40}" for lab in ("一、本年新收政府信息公开申请数量", "（七）总计", "四、结转下年度继续办理"))
    result = import_text("一、总体情况本年度工作正常开展。" + text + "六、其他需要报告的事项无。")
    assert all(v is None for v in result.report.values.values())


@pytest.mark.parametrize(("printed", "want"), [("456", None), ("1000", None), ("000", (0, 0, 0))])
def test_a_row_no_sum_checks_is_cut_only_where_the_digits_allow_no_fewer_figures(printed: str, want) -> None:  # type: ignore[no-untyped-def]
    """二's 规章 in text that lost its line breaks: ``规章 456`` may be 4 5 6 or 456 with two cells
    printed blank, and 二 has no sums to tell (once read as 4 5 6, 1000 as 10 0 0: figures
    printed nowhere). ``000`` can only be 0 0 0."""
    line = next(x for x in HUAIAN.split("\n") if x.startswith("规章"))
    text = HUAIAN.replace(line, f"规章 | {printed}").replace("\n", "").replace(" | ", " ")
    result = import_text(text)
    got = tuple(result.report.values[ref] for ref in result.report.values
                if ref.section == "proactive" and ref.row == "regulations")
    assert all(ref.row == "regulations" for ref, _, _ in _wrong(result.report, "huaian-city-2024"))
    if want is None:
        assert got == (None, None, None)
        (f,) = [f for f in result.findings if f.rule == "import.ambiguous" and f.section == "proactive"]
        assert printed in f.message and "没有合计可以核对" in f.message and f.severity == "warning"
    else:
        assert got == want
        assert [f.rule for f in result.findings if f.section == "proactive"] == ["import.split"]
