"""The command line: `main.py check` and `main.py convert` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import main
from models import storage
from models.checker import checker_for
from models.report import Report
from models.template import load_template
from models.values import CellRef

ROOT = Path(__file__).resolve().parent.parent


def consistent_report(year: int = 2024) -> Report:
    """Every cell 0 except a small consistent set of figures, all narratives written."""
    report = Report.blank(load_template("2021"), agency="某某区某某局", year=year)
    for ref in report.cell_refs():
        report.values[ref] = 0
    for column, n in (("natural", 2), ("commercial", 1)):
        report.values[CellRef("requests", "new", column)] = n
        report.values[CellRef("requests", "granted", column)] = n
    for row in ("new", "granted"):
        report.values[CellRef("requests", row, "total")] = 3
    for row in ("results_total",):
        report.values[CellRef("requests", row, "natural")] = 2
        report.values[CellRef("requests", row, "commercial")] = 1
        report.values[CellRef("requests", row, "total")] = 3
    report.texts["overview"] = "本年共收到政府信息公开申请3件，均已按期答复。"
    report.texts["problems"] = "信息更新不够及时，下一步将加强审核。"
    report.texts["other"] = "本机关未收取信息处理费。"
    assert not checker_for(report.template).check(report).mapping, "fixture must be clean"
    return report


def run(*args: str) -> tuple[int, str, str]:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args], capture_output=True, cwd=ROOT, timeout=60
    )
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


@pytest.fixture
def clean_file(tmp_path: Path) -> Path:
    path = tmp_path / "clean.json"
    storage.save(consistent_report(), path)
    return path


@pytest.fixture
def broken_file(tmp_path: Path) -> Path:
    report = consistent_report()
    report.values[CellRef("requests", "new", "total")] = 4  # parts say 3
    path = tmp_path / "broken.json"
    storage.save(report, path)
    return path


def test_check_clean_report_exits_0(clean_file: Path) -> None:
    code, out, err = run("check", str(clean_file))
    assert code == 0, err
    assert "未发现问题" in out


def test_check_json_shape_uses_spec_keys(broken_file: Path) -> None:
    code, out, _ = run("check", "--json", str(broken_file))
    assert code == 1
    doc = json.loads(out)
    (entry,) = doc["files"]
    assert entry["agency"] == "某某区某某局" and entry["year"] == 2024 and entry["template"] == "2021"
    rules = {f["rule"]: f for f in entry["findings"]}
    row_total = rules["requests.row_total"]
    assert set(row_total) >= {"rule", "severity", "section", "cells", "total_cell", "expected", "actual", "message"}
    assert row_total["severity"] == "error" and row_total["section"] == "requests"
    assert row_total["total_cell"] == {"row": "new", "column": "total"}
    assert row_total["expected"] == 3 and row_total["actual"] == 4
    assert {"row": "new", "column": "natural"} in row_total["cells"]
    assert "应为 3" in row_total["message"] and "现为 4" in row_total["message"]


def test_unreadable_file_exits_2_and_others_still_checked(tmp_path: Path, clean_file: Path, broken_file: Path) -> None:
    junk = tmp_path / "junk.json"
    junk.write_bytes(b"\x00\x01 not json")
    code, out, err = run("check", "--json", str(junk), str(broken_file), str(clean_file))
    assert code == 2
    files = json.loads(out)["files"]
    assert [Path(f["path"]).name for f in files] == ["junk.json", "broken.json", "clean.json"]
    assert "error" in files[0] and "损坏" in files[0]["error"]
    assert any(f["rule"] == "requests.row_total" for f in files[1]["findings"])
    assert "Traceback" not in err


def test_text_mode_reports_unreadable_file_on_one_line(tmp_path: Path) -> None:
    code, out, err = run("check", str(tmp_path / "missing.json"))
    assert code == 2
    assert err.strip().count("\n") == 0 and "找不到文件" in err and "Traceback" not in err


def test_previous_adds_carryover_rules(tmp_path: Path, clean_file: Path) -> None:
    last = consistent_report(2023)
    last.values[CellRef("requests", "carried_forward", "natural")] = 5  # breaks last year's balance, irrelevant here
    prev = tmp_path / "last.json"
    storage.save(last, prev)
    code, out, _ = run("check", "--json", "--previous", str(prev), str(clean_file))
    assert code == 1
    findings = json.loads(out)["files"][0]["findings"]
    carry = [f for f in findings if f["rule"] == "carryover.requests"]
    assert len(carry) == 1
    assert carry[0]["total_cell"] == {"row": "carried_over", "column": "natural"}
    assert carry[0]["expected"] == 5 and carry[0]["actual"] == 0


def test_convert_json_roundtrip(tmp_path: Path, broken_file: Path) -> None:
    out_path = tmp_path / "copy.json"
    code, _, err = run("convert", str(broken_file), str(out_path))
    assert code == 0, err
    assert storage.load(out_path).same_content(storage.load(broken_file))


def test_convert_refuses_unknown_output_without_traceback(tmp_path: Path, clean_file: Path) -> None:
    code, _, err = run("convert", str(clean_file), str(tmp_path / "x.doc"))
    assert code == 2 and "不支持" in err and "Traceback" not in err
    assert not (tmp_path / "x.doc").exists()


@pytest.mark.parametrize("args", [["check"], ["convert", "a.json"], ["check", "--bogus", "x"], ["--nope"]])
def test_bad_arguments_give_one_chinese_line(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main.main(args)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("年报编辑器：参数错误") and err.count("\n") == 1


def test_newer_file_is_refused_clearly(tmp_path: Path) -> None:
    doc = json.loads(storage.dumps(consistent_report()))
    doc["schema_version"] = 99
    path = tmp_path / "future.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, _, err = run("check", str(path))
    assert code == 2 and "更新版本" in err


def test_convert_to_pdf_and_xlsx_warns_about_errors(tmp_path: Path, broken_file: Path) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    pdf, xlsx = tmp_path / "r.pdf", tmp_path / "r.xlsx"
    code, _, err = run("convert", "--check-page", str(broken_file), str(pdf))
    assert code == 0 and "2 个错误" in err  # the row total and its column balance
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "校验说明" in text and "某某区某某局" in text
    code, _, _ = run("convert", str(broken_file), str(xlsx))
    assert code == 0
    assert len(load_workbook(xlsx).sheetnames) >= 4
    back = tmp_path / "back.json"
    assert run("convert", str(xlsx), str(back))[0] == 0
    assert storage.load(back).same_content(storage.load(broken_file))


def test_convert_drops_acceptances_whose_warning_is_gone(tmp_path: Path) -> None:
    from models.report import Acceptance

    report = consistent_report()
    blank = CellRef("proactive", "fees", "amount")
    report.values[blank] = None  # a value.missing warning, accepted with a reason
    report.accept(Acceptance("value.missing", (blank,), "本机关无收费项目", "2025-01-10T09:00:00"))
    stale = Acceptance("value.missing", (CellRef("proactive", "penalty", "decisions"),), "旧说明", "2024-01-10T09:00:00")
    report.accept(stale)  # its warning no longer exists: penalty is filled
    src, out = tmp_path / "in.json", tmp_path / "out.json"
    storage.save(report, src)
    assert run("convert", str(src), str(out))[0] == 0
    kept = storage.load(out).acceptances
    assert [a.explanation for a in kept] == ["本机关无收费项目"]
