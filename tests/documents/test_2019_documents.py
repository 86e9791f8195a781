"""2019-format reports as Word files and PDF prints: a Word file typed into the official form by
hand (python-docx, merged cells as the form merges them), LibreOffice's PDF print of it, and
the Word and PDF versions of a Word-pasted web page whose 表三 prints 2021's rows of
（六）其他处理. Every printed cell right, every blank still blank, the 2019 template chosen."""

from __future__ import annotations

from pathlib import Path

import pytest
from office_tools import FIXTURES, Office
from report_builders import assert_values, expected_values
from word_2019 import write_word_2019

from importers import read_report
from models.template import load_template
from models.values import CellRef, Quantity

T19 = load_template("2019")


@pytest.fixture(scope="module")
def justice_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_word_2019(tmp_path_factory.mktemp("word2019") / "district-justice-2020.docx")


@pytest.fixture(scope="module")
def justice_pdf(office: Office, justice_docx: Path) -> Path:
    return office.convert(justice_docx, "pdf:writer_pdf_Export", office.root / "justice-pdf")


@pytest.fixture(scope="module")
def health_docx(office: Office) -> Path:
    return office.convert(FIXTURES / "county-health-2020.html", "docx:MS Word 2007 XML", office.root / "health-docx")


@pytest.fixture(scope="module")
def health_pdf(office: Office, health_docx: Path) -> Path:
    return office.convert(health_docx, "pdf:writer_pdf_Export", office.root / "health-pdf")


def _check_justice(path: Path) -> None:
    result = read_report(path)
    report = result.report
    assert report.template is T19
    assert (report.meta.agency, report.meta.year) == ("某某市某某区司法局", 2020)
    expected = expected_values("district-justice-2020", T19)
    assert_values(report.values, expected)
    assert sum(v is None for v in expected.values()) == 14  # 行政处罚, 行政强制, a 处理决定数量, a row of 三
    assert report.values[CellRef("proactive", "procurement", "procurement_amount")] == Quantity(251000, "元")
    assert report.values[CellRef("proactive", "other_services", "items_change")] == 2  # printed 增2
    assert not result.findings, [f.message for f in result.findings]


def test_a_2019_report_typed_into_the_word_form(justice_docx: Path) -> None:
    _check_justice(justice_docx)


def test_its_pdf_print(justice_pdf: Path) -> None:
    _check_justice(justice_pdf)


@pytest.mark.parametrize("form", ["docx", "pdf"])
def test_a_word_pasted_page_as_word_and_pdf(form: str, health_docx: Path, health_pdf: Path) -> None:
    result = read_report(health_docx if form == "docx" else health_pdf)
    assert result.report.template is T19 and result.report.meta.year == 2020
    assert_values(result.report.values, expected_values("county-health-2020", T19))
    assert [f.rule for f in result.findings] == ["format.version"]  # the three （六） rows, summed
