"""Documents the tests make themselves, once per session, in a temporary folder: Word files
LibreOffice makes from the fixtures' web pages (merged header cells as Word writes them), their
PDF prints, our own Word files re-saved by LibreOffice. LibreOffice is required in CI
(``NIANBAO_REQUIRE_LIBREOFFICE``); elsewhere these tests skip without it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# Not a package: the helpers of the importer tests are imported by their module names.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "importers"))

from office_tools import FIXTURES, LIBREOFFICE, Office  # noqa: E402


@pytest.fixture(scope="session")
def office(tmp_path_factory: pytest.TempPathFactory) -> Office:
    if LIBREOFFICE is None:
        pytest.skip("LibreOffice not installed")
    return Office(tmp_path_factory.mktemp("office"))


@pytest.fixture(scope="session")
def pingtan_docx(office: Office) -> Path:
    """平潭's saved web page as Word writes it: ``gridSpan``/``vMerge`` header cells, site furniture."""
    return office.convert(FIXTURES / "pingtan-2023.html", "docx:MS Word 2007 XML", office.root / "pingtan-docx")


@pytest.fixture(scope="session")
def pingtan_docx_pdf(office: Office, pingtan_docx: Path) -> Path:
    """That Word file printed to PDF by LibreOffice (ruled tables broken across pages)."""
    return office.convert(pingtan_docx, "pdf:writer_pdf_Export", office.root / "pingtan-pdf")
