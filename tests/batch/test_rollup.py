"""Roll-up: exact sums of the units' reports, refusals that write nothing, blanks never 0."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))

from review_tree import EDU, HUAIAN, unit_report  # noqa: E402

from batch.rollup import read_rollup, render_rollup  # noqa: E402
from importers import read_report  # noqa: E402
from models import storage  # noqa: E402
from models.checker import check_report, checker_for  # noqa: E402
from models.report import Report  # noqa: E402
from models.rollup import RollupRefused, UnitReport, roll_up  # noqa: E402
from models.template import load_template, parse_template, template_dir  # noqa: E402
from models.values import CellRef  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
T = load_template("2021")
COUNTY = "某某县人民政府"
RESULT_ROWS = [r for r in T.section("requests").row_keys if r not in ("new", "carried_over", "results_total",
                                                                         "carried_forward")]
APPLICANTS = [c for c in T.section("requests").columns_of("new") if c != "total"]


@st.composite
def correct_reports(draw: st.DrawFn, agency: str) -> Report:
    """Any report whose figures satisfy every rule: random parts, 上年结转 no larger than what was
    handled, 本年新收 the balancing figure, totals filled from their parts (填写合计)."""
    report = Report.blank(T, agency=agency, year=2024)
    for ref in report.cell_refs():
        if ref.section != "requests":
            spec = T.cell(*ref)
            assert spec is not None
            report.values[ref] = (draw(st.decimals(0, 10**6, places=draw(st.integers(0, 6)), allow_nan=False))
                                  if not spec.number.whole else draw(st.integers(0, 500)))
    for column in APPLICANTS:
        handled = 0
        for row in RESULT_ROWS:
            n = draw(st.integers(0, 60))
            report.values[CellRef("requests", row, column)] = n
            handled += n
        forward = draw(st.integers(0, 30))
        carried = draw(st.integers(0, handled + forward))
        report.values[CellRef("requests", "carried_forward", column)] = forward
        report.values[CellRef("requests", "carried_over", column)] = carried
        report.values[CellRef("requests", "new", column)] = handled + forward - carried
    report.values.update(checker_for(T).totals_from_parts(report))
    assert not check_report(report).errors
    return report


def unit(report: Report, name: str | None = None) -> UnitReport:
    text = storage.dumps(report).encode()
    return UnitReport(report, name or f"{report.meta.agency}.json", hashlib.sha256(text).hexdigest())


@pytest.mark.filterwarnings("ignore:Generating overly large repr")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=5, unique=True).flatmap(
    lambda ids: st.tuples(*(correct_reports(f"单位{i}") for i in ids))))
def test_rollup_of_correct_reports_checks_clean(reports: tuple[Report, ...]) -> None:
    rollup = roll_up([unit(r) for r in reports], COUNTY)
    summed = rollup.report
    assert not rollup.findings
    result = check_report(summed)
    assert not result.errors
    # only the texts are empty: no finding of a rule on the figures
    figure_rules = {r.id for r in T.rules if r.kind in ("value_type", "blank_cells", "equation")}
    assert not [f.message for f in result if f.rule in figure_rules]
    for ref in summed.cell_refs():
        expected = sum((r.values[ref] for r in reports), 0 if T.cell(*ref).number.whole else Decimal(0))  # type: ignore[union-attr]
        assert summed.values[ref] == expected and type(summed.values[ref]) is type(expected)
    assert [u.agency for u in summed.meta.units] == [r.meta.agency for r in reports]
    assert all(not text for text in summed.texts.values())


def test_amounts_add_exactly() -> None:
    a, b = unit_report(EDU, 2024), unit_report(HUAIAN, 2024)
    fee = CellRef("proactive", "fees", "amount")
    a.values[fee], b.values[fee] = Decimal("0.1"), Decimal("0.2")
    assert roll_up([unit(a), unit(b)], COUNTY).report.values[fee] == Decimal("0.3")  # not 0.30000000000000004


def test_a_blank_is_never_summed_as_zero() -> None:
    a, b, c = unit_report(EDU, 2024), unit_report(HUAIAN, 2024), unit_report("某某镇人民政府", 2024)
    cell = CellRef("requests", "withheld_state_secret", "natural")
    a.values[cell] = None
    b.values[cell] = None
    rollup = roll_up([unit(a), unit(b), unit(c)], COUNTY)
    assert rollup.report.values[cell] is None
    (finding,) = [f for f in rollup.findings if f.rule == "rollup.blank"]
    assert finding.cells == (cell,)
    assert EDU in finding.message and HUAIAN in finding.message and "某某镇" not in finding.message
    assert "“（三）不予公开 1.属于国家秘密”行的 “自然人”" in finding.message and "未按 0 计算" in finding.message
    other = CellRef("requests", "withheld_state_secret", "commercial")
    assert rollup.report.values[other] == 0  # the rest is summed


def test_units_with_errors_are_named() -> None:
    a, b = unit_report(EDU, 2024), unit_report(HUAIAN, 2024)
    a.values[CellRef("requests", "new", "total")] = 99
    rollup = roll_up([unit(a), unit(b)], COUNTY)
    (finding,) = [f for f in rollup.findings if f.rule == "rollup.unit_errors"]
    assert EDU in finding.message and "错误" in finding.message


def test_mixed_years_formats_and_twice_the_same_unit_are_refused() -> None:
    with pytest.raises(RollupRefused, match="年度不一致") as exc:
        roll_up([unit(unit_report(EDU, 2023)), unit(unit_report(HUAIAN, 2024))], COUNTY)
    assert f"{EDU}.json" in str(exc.value) and f"{HUAIAN}.json" in str(exc.value)
    with pytest.raises(RollupRefused, match="不是 2024 年度"):
        roll_up([unit(unit_report(EDU, 2023)), unit(unit_report(HUAIAN, 2024))], COUNTY, 2024)
    raw = json.loads((template_dir() / "format-2021.json").read_text(encoding="utf-8"))
    other = parse_template({**raw, "id": "2021-other"})
    odd = unit_report(HUAIAN, 2024)
    odd_report = Report.blank(other, agency=HUAIAN, year=2024)
    odd_report.values.update(odd.values)
    with pytest.raises(RollupRefused, match="格式不一致"):
        roll_up([unit(unit_report(EDU, 2024)), unit(odd_report)], COUNTY)
    with pytest.raises(RollupRefused, match="有两份报告"):
        roll_up([unit(unit_report(EDU, 2024), "a.json"), unit(unit_report(" 某某县教育局", 2024), "b.json")], COUNTY)
    with pytest.raises(RollupRefused, match="机关名称"):
        roll_up([unit(unit_report(EDU, 2024))], "  ")


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "rollup", *args], capture_output=True, cwd=ROOT,
                          timeout=120)


@pytest.fixture
def units_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "2024"
    folder.mkdir()
    for i, name in enumerate((EDU, HUAIAN, "某某镇人民政府"), start=1):
        storage.save(unit_report(name, 2024, i), folder / f"{i}.json")
    return folder


def test_cli_refuses_mixed_years_and_writes_nothing(units_folder: Path, tmp_path: Path) -> None:
    storage.save(unit_report("某某街道办事处", 2023), units_folder / "old.json")
    for out in ("sum.json", "sum.xlsx", "sum.pdf"):
        proc = run(str(tmp_path / out), str(units_folder), "--agency", COUNTY)
        assert proc.returncode == 2
        err = proc.stderr.decode("utf-8")
        assert "年度不一致" in err and "old.json" in err
        assert not (tmp_path / out).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024"]  # no temporary file left either


def test_cli_writes_json_with_units_and_hashes(units_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "sum.json"
    proc = run(str(out), str(units_folder), "--agency", COUNTY, "--year", "2024")
    assert proc.returncode == 0, proc.stderr.decode("utf-8")
    summed = storage.load(out)
    assert summed.meta.agency == COUNTY and summed.meta.year == 2024
    files = sorted(units_folder.iterdir())
    assert [(u.agency, u.sha256) for u in summed.meta.units] == [
        (storage.load(p).meta.agency, hashlib.sha256(p.read_bytes()).hexdigest()) for p in files]
    assert summed.values[CellRef("proactive", "licensing", "decisions")] == 40 * (1 + 2 + 3)
    assert summed.values[CellRef("proactive", "fees", "amount")] == Decimal("1.25") * 6
    assert not check_report(summed).errors


def test_units_survive_save_and_load(tmp_path: Path) -> None:
    rollup = roll_up([unit(unit_report(EDU, 2024)), unit(unit_report(HUAIAN, 2024))], COUNTY)
    path = tmp_path / "sum.json"
    storage.save(rollup.report, path)
    assert storage.load(path).meta.units == rollup.report.meta.units
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["meta"]["units"] = [{"agency": 1}]
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(storage.ReportFileError, match="meta.units"):
        storage.load(path)


def test_xlsx_has_the_units_sheet_and_reads_back(units_folder: Path, tmp_path: Path) -> None:
    rollup = read_rollup([units_folder], COUNTY)
    assert rollup is not None
    out = tmp_path / "sum.xlsx"
    out.write_bytes(render_rollup(rollup, ".xlsx"))
    wb = load_workbook(out)
    assert "分单位明细" in wb.sheetnames
    ws = wb["分单位明细"]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert [r[1] for r in rows] == [EDU, HUAIAN, "某某镇人民政府", "合计"]
    licensing = [c for c in range(1, ws.max_column + 1) if ws.cell(2, c).value == "行政许可"][0] - 1
    assert [r[licensing] for r in rows] == [40, 80, 120, 240]
    assert ws.freeze_panes == "D4" and ws.auto_filter.ref
    back = read_report(out).report  # the summary itself is still a workbook the editor reads
    assert back.values == rollup.report.values


def test_pdf_of_the_rollup(units_folder: Path) -> None:
    from pypdf import PdfReader

    rollup = read_rollup([units_folder], COUNTY)
    assert rollup is not None
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_rollup(rollup, ".pdf"))).pages)
    assert COUNTY in text.replace(" ", "").replace("\n", "")


def test_unreadable_unit_refuses(units_folder: Path) -> None:
    (units_folder / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(RollupRefused, match="bad.json"):
        read_rollup([units_folder], COUNTY)


def test_unknown_output_refused_before_reading(units_folder: Path, tmp_path: Path) -> None:
    proc = run(str(tmp_path / "sum.docx"), str(units_folder), "--agency", COUNTY)
    assert proc.returncode == 2 and "不支持输出" in proc.stderr.decode("utf-8")


def test_replace_keeps_units() -> None:
    rollup = roll_up([unit(unit_report(EDU, 2024))], COUNTY)
    assert replace(rollup.report.meta).units == rollup.report.meta.units
    assert rollup.report.copy().meta.units == rollup.report.meta.units
