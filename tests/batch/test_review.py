"""``review``: a folder of units' reports over the years, as the 政务公开办 gets it."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))

from review_tree import EDU, HUAIAN, WRONG, build, unit_report  # noqa: E402

from batch.engine import Options  # noqa: E402
from batch.review import Review, write_review  # noqa: E402
from models import storage  # noqa: E402
from models.cell_labels import cell_place  # noqa: E402
from models.template import load_template  # noqa: E402
from models.values import CellRef  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
AGENCY = "某某市某某区人民政府"
WRONG_PLACE = "表三 “（七）总计”×“自然人”"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("review"))


def run_json(*args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "review", "--json", *args],
                          capture_output=True, cwd=ROOT, timeout=120)
    return proc.returncode, json.loads(proc.stdout.decode("utf-8"))


def test_the_cell_label_comes_from_the_template() -> None:
    t = load_template("2021")
    assert str(cell_place(t, WRONG)) == WRONG_PLACE
    # 四's 总计 repeats under each group: the group is named too
    assert str(cell_place(t, CellRef("appeals", "data", "review.total"))) == "表四 “行政复议·总计”"
    assert str(cell_place(t, CellRef("proactive", "regulations", "issued"))) == "表二 “规章”×“本年制发件数”"


def test_review_json_lists_every_report_the_missing_year_and_the_errors(tree: Path) -> None:
    code, doc = run_json(str(tree))
    assert code == 2  # a file could not be read (as check)
    files = doc["files"]
    read = [f for f in files if "error" not in f]
    assert sorted((f["agency"], f["year"]) for f in read) == sorted(
        [(AGENCY, y) for y in (2022, 2023, 2024)] + [(HUAIAN, 2022), (HUAIAN, 2024)]
        + [(EDU, y) for y in (2022, 2023, 2024)])
    # unit by unit, year by year
    assert [(f["agency"], f["year"]) for f in read] == sorted((f["agency"], f["year"]) for f in read)
    kinds = {Path(f["path"]).suffix for f in read}
    assert kinds == {".json", ".txt", ".html", ".xlsx"}
    assert any("教育局材料.zip!/教育局/教育局2022.json" in f["path"] for f in read)  # GBK name decoded
    status = {(f["agency"], f["year"]): f["status"] for f in read}
    assert status.pop((EDU, 2024)) == "errors"
    assert set(status.values()) == {"passed"}
    broken = next(f for f in read if f["status"] == "errors")
    (finding,) = [f for f in broken["findings"] if f["total_cell"] == {"row": WRONG.row, "column": WRONG.column}]
    assert finding["rule"] == "requests.results_total" and finding["expected"] == 4 and finding["actual"] == 9
    # unreadable files, with their reason; pictures and hidden files are no reports
    unreadable = {Path(f["path"]).name: f["error"] for f in files if "error" in f}
    assert set(unreadable) == {"损坏的报告.json", "说明.doc"}
    assert "已损坏" in unreadable["损坏的报告.json"] and "Word" in unreadable["说明.doc"]
    assert doc["missing"] == [{"agency": HUAIAN, "year": 2023}]
    units = {u["agency"]: u for u in doc["submissions"]["units"]}
    assert doc["submissions"]["years"] == [2022, 2023, 2024]
    assert units[HUAIAN]["years"] == {"2022": "passed", "2023": "missing", "2024": "passed"}
    assert units[EDU]["years"]["2024"] == "errors"
    assert doc["summary"]["errors"] == 1 and doc["summary"]["passed"] == 7
    assert doc["summary"]["missing"] == 1 and doc["summary"]["unreadable"] == 2
    # each unit's later years were checked against its own year before
    assert doc["summary"]["paired_with_last_year"] == 4
    edu23 = next(f for f in read if (f["agency"], f["year"]) == (EDU, 2023))
    assert edu23["previous"].endswith("教育局材料.zip!/教育局/教育局2022.json")


def test_review_text_names_the_table_and_cell(tree: Path) -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "review", str(tree)], capture_output=True,
                          cwd=ROOT, timeout=120)
    out = proc.stdout.decode("utf-8")
    assert proc.returncode == 2
    assert f"{WRONG_PLACE}：" in out
    assert f"[○ 未提交] {HUAIAN} 2023年" in out
    assert "损坏的报告.json：" in out and "说明.doc：" in out


def test_review_workbook_has_the_three_sheets(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "审核结果.xlsx"
    review = Review([str(tree)], options=Options(problems=True), workers=1)
    assert write_review(review, workbook=str(out)) == 2
    wb = load_workbook(out)
    assert wb.sheetnames == ["汇总", "问题清单", "提交情况"]
    summary = wb["汇总"]
    header = [c.value for c in summary[1]]
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in summary.iter_rows(min_row=2)]
    assert len(rows) == 8 + 1 + 2  # reports, the missing year, the unreadable files
    assert {(r["单位"], r["年度"]) for r in rows if r["状态"] == "未提交"} == {(HUAIAN, 2023)}
    assert {(r["单位"], r["年度"]) for r in rows if r["状态"] == "有错误"} == {(EDU, 2024)}
    unreadable = [r for r in rows if r["状态"] == "无法读取"]
    assert len(unreadable) == 2 and all(r["说明"] for r in unreadable)
    problems = wb["问题清单"]
    header = [c.value for c in problems[1]]
    listed = [dict(zip(header, (c.value for c in r), strict=True)) for r in problems.iter_rows(min_row=2)]
    wrong = [p for p in listed if (p["表/栏目"], p["行"], p["列"]) == ("表三", "（七）总计", "自然人")]
    assert len(wrong) == 1 and wrong[0]["单位"] == EDU and wrong[0]["年度"] == 2024 and wrong[0]["严重程度"] == "错误"
    assert "应为 4" in wrong[0]["问题"]
    matrix = wb["提交情况"]
    assert [c.value for c in matrix[1]] == ["单位", "2022年", "2023年", "2024年", "未提交年数"]
    by_unit = {r[0].value: [c.value for c in r[1:]] for r in matrix.iter_rows(min_row=2)}
    assert by_unit[HUAIAN] == ["通过", "未提交", "通过", 1]
    assert by_unit[EDU] == ["通过", "通过", "有错误", 0]
    for ws in wb.worksheets:  # frozen header, autofilter, print setup
        assert ws.freeze_panes in ("A2", "B2")
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
        assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$1:$1"


def test_cross_year_rule_runs_against_the_units_own_last_year(tmp_path: Path) -> None:
    folder, earlier = tmp_path / "reports", tmp_path / "last-year"
    folder.mkdir()
    earlier.mkdir()
    last, this = unit_report(EDU, 2023, 2), unit_report(EDU, 2024, 2)
    last.values[CellRef("requests", "carried_forward", "natural")] = 1  # this year's 上年结转 says 0
    storage.save(last, earlier / "last.json")
    storage.save(this, folder / "this.json")
    other = unit_report("另一个单位", 2023, 2)  # same figures, other unit: must not be used
    storage.save(other, folder / "other-2023.json")
    code, doc = run_json(str(folder), "--previous-folder", str(earlier))
    entry = next(f for f in doc["files"] if f["agency"] == EDU)
    assert entry["previous"].endswith("last.json")
    assert [f["rule"] for f in entry["findings"] if f["rule"].startswith("carryover.requests")]
    # without last year the same report is clean
    code, doc = run_json(str(folder))
    entry = next(f for f in doc["files"] if f["agency"] == EDU)
    assert entry["previous"] is None and entry["findings"] == []


def test_names_are_matched_normalised(tmp_path: Path) -> None:
    storage.save(unit_report("某某县 教育局", 2023, 2), tmp_path / "a.json")
    storage.save(unit_report("某某县教育局", 2024, 2), tmp_path / "b.json")
    review = Review([str(tmp_path)], workers=1)
    entries = list(review.entries())
    assert [e.status for e in entries] == ["passed", "passed"]
    assert entries[1].outcome is not None and entries[1].outcome.previous is not None
    assert [u.name for u in review.submissions.units] == ["某某县教育局"]  # the latest spelling


def test_review_of_a_missing_folder_says_so(tmp_path: Path) -> None:
    code, doc = run_json(str(tmp_path / "nope"))
    assert code == 2
    assert "不存在" in doc["files"][0]["error"]


def test_parallel_review_equals_serial(tree: Path) -> None:
    def rows(workers: int) -> list[tuple]:  # type: ignore[type-arg]
        review = Review([str(tree)], options=Options(json=True), workers=workers)
        buf = io.StringIO()
        write_review(review, json_out=buf)
        return json.loads(buf.getvalue())

    from batch import engine

    old = engine.POOL_THRESHOLD
    engine.POOL_THRESHOLD = 0  # use the pool even for a few files
    try:
        assert rows(2) == rows(1)
    finally:
        engine.POOL_THRESHOLD = old


def test_problems_beyond_excel_rows_are_counted_not_lost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from exporters import review_xlsx

    monkeypatch.setattr(review_xlsx, "MAX_ROWS", 4)
    book = review_xlsx.ReviewWorkbook()
    for i in range(5):
        book.add_problem(agency=EDU, year=2024, severity="error", table="表三", row="（七）总计", column="自然人",
                         message=f"问题 {i}", accepted=None, rule="requests.results_total", file="a.json")
    book.save(tmp_path / "r.xlsx")
    rows = [r[0] for r in load_workbook(tmp_path / "r.xlsx")["问题清单"].iter_rows(min_row=2, values_only=True)]
    assert rows[:2] == [EDU, EDU] and "另有 3 条问题" in rows[-1]
