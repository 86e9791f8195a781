"""`main.py check` reads Word and PDF files; `main.py convert` writes .docx and .html by suffix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from office_tools import FIXTURES

import main
from importers import read_report
from models import storage
from models.report import Report


def test_check_reads_the_published_pdf(capsys: pytest.CaptureFixture[str]) -> None:
    code = main.main(["check", "--json", str(FIXTURES / "huaian-city-2024.pdf")])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    (entry,) = out["files"]
    assert entry["agency"] == "淮安市人民政府" and entry["year"] == 2024
    assert not [f for f in entry["findings"] if f["severity"] == "error"]


@pytest.mark.parametrize("suffix", [".docx", ".html"])
def test_convert_writes_by_suffix_and_reads_back(tmp_path: Path, huaian: Report, suffix: str) -> None:
    src = tmp_path / "年报.json"
    storage.save(huaian, src)
    dst = tmp_path / f"年报{suffix}"
    assert main.main(["convert", str(src), str(dst)]) == 0
    assert read_report(dst).report.same_content(huaian)


def test_convert_a_pdf_to_word(tmp_path: Path) -> None:
    dst = tmp_path / "淮安.docx"
    assert main.main(["convert", str(FIXTURES / "huaian-city-2024.pdf"), str(dst)]) == 0
    from_pdf = read_report(FIXTURES / "huaian-city-2024.pdf").report
    back = read_report(dst).report
    assert back.values == from_pdf.values and back.texts == from_pdf.texts


def test_an_old_word_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "年报.doc"
    src.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert main.main(["check", str(src)]) == 2
    assert "另存为" in capsys.readouterr().err
