"""Reports typed by a clerk in Word (python-docx, :mod:`clerk_word`) and the PDFs LibreOffice
prints of them: documents our exporters did not make. Every one imports to its 200 figures,
none wrong, none missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from clerk_word import Clerk, clerk_docx
from office_tools import Office
from report_builders import VALUES, wrong_cells

from importers import read_report, read_report_data
from models.numbers import format_value
from models.values import CellRef, Value

FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


def _thousands(ref: CellRef, v: Value) -> str:
    return f"{v:,}" if isinstance(v, int) else format_value(v)


def _padded(ref: CellRef, v: Value) -> str:
    return f" {format_value(v)} "  # typed with spaces around: the figure wraps sooner


CLERKS = {
    "bold-headings": Clerk(),
    "heading-styles": Clerk(headings="style"),
    "plain-headings": Clerk(headings="plain"),
    "table-2-as-four-tables": Clerk(proactive_tables=4),
    "table-3-continued-with-header": Clerk(requests_break=14),
    "table-3-continued-without-header": Clerk(requests_break=20, repeat_header=False),
    "thousands-separators": Clerk(printed=_thousands),
    "full-width-digits": Clerk(printed=lambda ref, v: format_value(v).translate(FULL_WIDTH)),
    "padded-figures": Clerk(printed=_padded),
}
PRINTED = ("bold-headings", "table-2-as-four-tables", "table-3-continued-with-header", "padded-figures",
           "thousands-separators")


def _no_figure_lost(result) -> None:  # type: ignore[no-untyped-def]
    assert wrong_cells(result.report.values, VALUES) == {}
    assert [f.message for f in result.findings if f.severity != "info"] == []
    assert result.report.meta.agency == "某某市某某区人民政府" and result.report.meta.year == 2024
    assert result.report.meta.date == "2025-01-20"
    assert result.report.preface.startswith("本报告根据")


@pytest.mark.parametrize("name", list(CLERKS))
def test_a_clerks_word_file_imports_every_figure(name: str) -> None:
    _no_figure_lost(read_report_data(clerk_docx(CLERKS[name]), f"{name}.docx"))


@pytest.fixture(scope="session")
def clerk_pdfs(office: Office) -> dict[str, Path]:
    """LibreOffice's PDF prints of some of those files: equal-width columns make 3001 wrap
    inside its cell (``300`` / ``1``), and rows are cut by page breaks (允许跨页断行)."""
    folder = office.root / "clerk"
    folder.mkdir()
    sources = []
    for name in PRINTED:
        path = folder / f"{name}.docx"
        path.write_bytes(clerk_docx(CLERKS[name]))
        sources.append(path)
    return {p.stem: p for p in office.convert_all(sources, "pdf:writer_pdf_Export", folder / "pdf")}


@pytest.mark.parametrize("name", PRINTED)
def test_the_pdf_print_of_a_clerks_word_file_imports_every_figure(name: str, clerk_pdfs: dict[str, Path]) -> None:
    _no_figure_lost(read_report(clerk_pdfs[name]))


def test_a_figure_wrapped_in_its_cell_is_what_the_clerks_pdf_prints(clerk_pdfs: dict[str, Path]) -> None:
    """The test above would pass on a PDF where nothing wraps: this one shows that LibreOffice did
    wrap 3001 in its narrow column (the text layer has 300 and 1 on two lines)."""
    import pdfplumber

    with pdfplumber.open(clerk_pdfs["bold-headings"]) as pdf:
        words = [w["text"] for page in pdf.pages for w in page.extract_words()]
    assert VALUES[CellRef("requests", "new", "natural")] == 3001
    assert "3001" not in words and "300" in words
