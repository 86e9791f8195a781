"""The command line of the year's cycle: `new` (from last year's report, or blank), `check` with
last year kept in the file, and `compare` into a workbook, a PDF and a web page."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from models import storage
from models.report import Report
from models.values import CellRef

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
sys.path.insert(0, str(ROOT / "tests" / "models"))
from sample_reports import make_huaian  # noqa: E402


def run(*args: str) -> tuple[int, str, str]:
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, cwd=ROOT, timeout=120)
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def req(row: str, column: str) -> CellRef:
    return CellRef("requests", row, column)


@pytest.fixture
def last_year(tmp_path: Path) -> Path:
    path = tmp_path / "淮安2024.json"
    storage.save(make_huaian(), path)
    return path


def fill_like_last_year(report: Report) -> None:
    """This year's figures: last year's, with everything the carry-over rules compare consistent."""
    last = make_huaian()
    for ref, value in last.values.items():
        if report.values[ref] is None:
            report.values[ref] = value
    for row in ("regulations", "normative_documents"):
        def cell(column: str, row: str = row) -> CellRef:
            return CellRef("proactive", row, column)
        report.values[cell("in_force")] = (last.values[cell("in_force")] + report.values[cell("issued")]  # type: ignore[operator]
                                           - report.values[cell("repealed")])


def carryover_rules(path: Path, *extra: str) -> tuple[int, list[str]]:
    code, out, err = run("check", "--json", str(path), *extra)
    assert code in (0, 1), err
    [entry] = json.loads(out)["files"]
    return code, [f["rule"] for f in entry["findings"] if f["rule"].startswith("carryover.")]


# ---------------------------------------------------------------------- new


@pytest.mark.parametrize("source", ["huaian-city-2024.txt", "pingtan-2023.html"])
def test_new_from_a_published_report(tmp_path: Path, source: str) -> None:
    out = tmp_path / "new.json"
    code, stdout, err = run("new", str(out), "--from", str(FIXTURES / source))
    assert code == 0, err
    report = storage.load(out)
    assert "上年结转" in stdout and "从上年结转" in stdout
    if source.startswith("huaian"):
        assert report.meta.year == 2025 and report.values[req("carried_over", "total")] == 103
        assert "自然人 103" in stdout
    else:
        assert report.meta.year == 2024 and report.values[req("carried_over", "total")] == 0
    assert report.previous is not None and report.previous.source is not None
    assert report.previous.source.name == source


def test_new_with_year_and_copied_texts(tmp_path: Path, last_year: Path) -> None:
    out = tmp_path / "2026.json"
    code, stdout, _ = run("new", str(out), "--from", str(last_year), "--year", "2026", "--copy-texts")
    assert code == 0
    report = storage.load(out)
    assert report.meta.year == 2026 and report.text("overview") == make_huaian().text("overview")
    assert "不是" in stdout or "注意" in stdout  # 2024 → 2026 is said
    code, out_json, _ = run("check", "--json", str(out))
    rules = {f["rule"] for f in json.loads(out_json)["files"][0]["findings"]}
    assert "narrative.stale_number" in rules


def test_new_from_an_incomplete_report_says_what_was_not_carried(tmp_path: Path) -> None:
    """龙岗's excerpt stops in the middle of 表三: nothing to carry, every 上年结转 blank (not 0),
    and the clerk is told why and that last year's report itself needs a look."""
    out = tmp_path / "new.json"
    code, stdout, err = run("new", str(out), "--from", str(FIXTURES / "longgang-dept-2024-excerpt.txt"))
    assert code == 0, err
    assert "读取上年报告时有" in stdout and "无法从上年报告结转" in stdout and "没有结转才填 0" in stdout
    report = storage.load(out)
    assert all(report.values[req("carried_over", c)] is None for c in report.template.section("requests").column_keys)
    code, found = carryover_rules(out)
    assert found == ["carryover.requests"]


def test_new_from_this_years_own_report_asks_for_the_year(tmp_path: Path) -> None:
    """A report on the current year picked as "last year's": the year after has not begun, so
    `new` asks for it outright (--year) rather than making a report on a future year."""
    from datetime import date

    this_year = tmp_path / "本年.json"
    report = make_huaian()
    report.meta.year = date.today().year
    storage.save(report, this_year)
    out = tmp_path / "new.json"
    code, _, err = run("new", str(out), "--from", str(this_year))
    assert code == 2 and "还没有到" in err and f"--year {date.today().year + 1}" in err and not out.exists()
    code, stdout, err = run("new", str(out), "--from", str(this_year), "--year", str(date.today().year + 1))
    assert code == 0 and "还没有到" in stdout and out.exists()
    code, _, err = run("new", str(tmp_path / "same.json"), "--from", str(this_year), "--year", str(date.today().year))
    assert code == 2 and "应晚于它" in err


def test_new_blank(tmp_path: Path) -> None:
    out = tmp_path / "blank.json"
    code, stdout, err = run("new", str(out), "--agency", "某某县某某局", "--year", "2025", "--level", "县级政府部门")
    assert code == 0, err
    report = storage.load(out)
    assert (report.meta.agency, report.meta.year, report.meta.level) == ("某某县某某局", 2025, "county_department")
    assert all(v is None for v in report.values.values()) and report.previous is None


@pytest.mark.parametrize("args, words", [
    (["--agency", "某局"], "--year"),
    (["--year", "2025"], "--agency"),
    (["--from", "nope.txt"], "无法读取上年报告"),
    (["--agency", "某局", "--year", "2025", "--level", "村"], "未知的机关层级"),
    (["--agency", "某局", "--year", "2010"], "没有适用于 2010 年"),
])
def test_new_refuses_in_chinese(tmp_path: Path, args: list[str], words: str) -> None:
    code, _, err = run("new", str(tmp_path / "x.json"), *args)
    assert code == 2 and words in err and "Traceback" not in err
    assert not (tmp_path / "x.json").exists()


def test_new_never_overwrites_without_force(tmp_path: Path, last_year: Path) -> None:
    out = tmp_path / "x.json"
    out.write_text("我的报告", encoding="utf-8")
    code, _, err = run("new", str(out), "--from", str(last_year))
    assert code == 2 and "已存在" in err and out.read_text(encoding="utf-8") == "我的报告"
    assert run("new", str(out), "--from", str(last_year), "--force")[0] == 0
    code, _, err = run("new", str(tmp_path / "x.txt"), "--from", str(last_year))
    assert code == 2 and ".json" in err


# ---------------------------------------------------------------------- check with last year in the file


def test_check_raises_carry_over_findings_from_the_file_alone(tmp_path: Path, last_year: Path) -> None:
    out = tmp_path / "2025.json"
    assert run("new", str(out), "--from", str(last_year))[0] == 0
    last_year.unlink()  # another desk: last year's file is not there
    report = storage.load(out)
    fill_like_last_year(report)
    storage.save(report, out)
    assert carryover_rules(out)[1] == []  # consistent: nothing to say
    report.values[req("carried_over", "natural")] = 90  # last year left 103
    report.values[CellRef("proactive", "regulations", "in_force")] = 1
    storage.save(report, out)
    code, rules = carryover_rules(out)
    assert code == 1 and "carryover.requests" in rules and "carryover.in_force" in rules
    # --previous still overrides what the file keeps
    other = make_huaian()
    other.values[req("carried_forward", "natural")] = 90
    given = tmp_path / "other.json"
    storage.save(other, given)
    code, rules = carryover_rules(out, "--previous", str(given))
    assert "carryover.requests" not in rules and "carryover.in_force" in rules


# ---------------------------------------------------------------------- compare


@pytest.fixture
def two_years(tmp_path: Path, last_year: Path) -> tuple[Path, Path]:
    this = tmp_path / "2025.json"
    assert run("new", str(this), "--from", str(last_year))[0] == 0
    report = storage.load(this)
    fill_like_last_year(report)
    report.values[req("new", "natural")] = 3100  # +99 on 3001
    report.values[req("carried_over", "natural")] = 90  # a carry-over error
    storage.save(report, this)
    return last_year, this


def test_compare_to_a_workbook(tmp_path: Path, two_years: tuple[Path, Path]) -> None:
    out = tmp_path / "对比.xlsx"
    code, stdout, err = run("compare", *map(str, two_years), "--out", str(out))
    assert code == 0, err and "对比结果已写入" in stdout
    wb = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    assert wb.sheetnames[0] == "对比概况" and len(wb.sheetnames) == 4
    ws = wb.worksheets[2]  # 三
    texts = [[c.value for c in row] for row in ws.iter_rows()]
    found = [row for row in texts if row and row[0] == "一、本年新收政府信息公开申请数量"]
    [row] = found
    assert row[3:7] == [3001, 3100, 99, pytest.approx(99 / 3001)]  # 自然人: 上年, 本年, 增减, 增减率
    assert any(row and row[3:7] == ["上年", "本年", "增减", "增减率"] for row in texts)
    summary = [[c.value for c in row] for row in wb.worksheets[0].iter_rows()]
    flat = " ".join(str(v) for row in summary for v in row if v)
    assert "变化最大" in flat and "carryover" not in flat and "上年结转" in flat


def test_compare_to_pdf_and_html(tmp_path: Path, two_years: tuple[Path, Path]) -> None:
    pdf, html = tmp_path / "对比.pdf", tmp_path / "对比.html"
    assert run("compare", *map(str, two_years), "--out", str(pdf))[0] == 0
    assert run("compare", *map(str, two_years), "--out", str(html))[0] == 0
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages).replace(" ", "")
    assert "2025年与2024年" in text and "变化最大" in text and "3100" in text and "+99" in text
    assert "上年结转" in text
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "http" not in page
    assert "3100" in page and "+99" in page and 'class="value error"' in page


def test_compare_refuses_in_chinese(tmp_path: Path, two_years: tuple[Path, Path]) -> None:
    code, _, err = run("compare", *map(str, two_years), "--out", str(tmp_path / "x.docx"))
    assert code == 2 and ".xlsx" in err
    code, _, err = run("compare", str(tmp_path / "nope.json"), str(two_years[1]), "--out", str(tmp_path / "x.pdf"))
    assert code == 2 and "无法读取上年报告" in err
