"""Benchmark of the Word/PDF/web-page documents (issue 11). A script, not a test.

    python bench/bench_documents.py [--repeat 15]

Figures: importing a 10-page PDF (our own export of the 淮安 report with its narratives
repeated to fill ten pages; target ≤ 1 s), the published 6-page 淮安 PDF (made by WPS, every
character positioned on its own) and a 10-page PDF of WPS's making (its pages 1–6 then 1–4,
joined with pypdf); the pdfplumber/pdfminer reading of the same 10 WPS pages as a reference
(how the importer read pages before it used PDFium); importing a .docx
(ours, target ≤ 0.3 s); writing .docx and .html; and, measured in the same run as the reference,
poppler's ``pdftotext -layout`` on the same 10-page PDF plus our text import of its output — the
two-step route this importer replaces.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "models"))

from exporters import render  # noqa: E402
from importers.docx import import_docx  # noqa: E402
from importers.html import import_html  # noqa: E402
from importers.pdf import import_pdf  # noqa: E402
from importers.text import import_text  # noqa: E402

PUBLISHED = ROOT / "tests" / "fixtures" / "huaian-city-2024.pdf"


def _median(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _ten_pages() -> tuple[object, bytes, int]:
    from pypdf import PdfReader
    from sample_reports import make_huaian

    report = make_huaian()
    base = report.texts["overview"]
    for k in range(1, 12):
        report.texts["overview"] = "\n".join([base] * k)
        data = render(report, ".pdf")
        pages = len(PdfReader(__import__("io").BytesIO(data)).pages)
        if pages >= 10:
            return report, data, pages
    return report, data, pages


def _wps_ten_pages(published: bytes) -> bytes:
    from io import BytesIO

    from pypdf import PdfReader, PdfWriter

    source = PdfReader(BytesIO(published))
    writer = PdfWriter()
    for i in [*range(6), *range(4)]:
        writer.add_page(source.pages[i])
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdfminer_objects(data: bytes) -> None:
    """What the importer's pdfplumber reading cost before PDFium: every page's objects parsed."""
    import logging
    from io import BytesIO

    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    with pdfplumber.open(BytesIO(data)) as doc:
        for page in doc.pages:
            _ = page.chars, page.edges


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    report, pdf, pages = _ten_pages()
    first = time.perf_counter()
    got = import_pdf(pdf, source="bench.pdf")
    first = time.perf_counter() - first
    assert got.report.values == report.values  # type: ignore[attr-defined]
    print(f"PDF import, {pages} pages, first in this process: {first:.3f} s")
    print(f"PDF import, {pages} pages, median: {_median(lambda: import_pdf(pdf), args.repeat):.3f} s (target ≤ 1 s)")
    published = PUBLISHED.read_bytes()
    print(f"PDF import, published 淮安 (6 pages, WPS): {_median(lambda: import_pdf(published), args.repeat):.3f} s")
    wps = _wps_ten_pages(published)
    print(f"PDF import, 10 pages made by WPS, median: {_median(lambda: import_pdf(wps), args.repeat):.3f} s "
          "(target ≤ 1 s)")
    print(f"reference: pdfplumber (pdfminer) reading the characters and lines of the same 10 WPS pages, median: "
          f"{_median(lambda: _pdfminer_objects(wps), max(3, args.repeat // 3)):.3f} s")

    docx = render(report, ".docx")  # type: ignore[arg-type]
    print(f"docx import (ours, {len(docx) // 1024} KB), median: "
          f"{_median(lambda: import_docx(docx), args.repeat):.3f} s (target ≤ 0.3 s)")
    from importers.assemble import build_report
    from importers.docx import docx_lines, open_docx

    def generic() -> None:
        lines, hints = docx_lines(open_docx(docx))
        build_report(lines, title_hints=hints)

    print(f"docx import read as a foreign document (general reader), median: {_median(generic, args.repeat):.3f} s")
    print(f"docx export, median: {_median(lambda: render(report, '.docx'), args.repeat):.3f} s")  # type: ignore[arg-type]
    page = render(report, ".html")  # type: ignore[arg-type]
    print(f"html export, median: {_median(lambda: render(report, '.html'), args.repeat):.3f} s")  # type: ignore[arg-type]
    print(f"html import (ours), median: {_median(lambda: import_html(page), args.repeat):.3f} s")

    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "r.pdf"
            src.write_bytes(pdf)

            def two_steps() -> None:
                out = subprocess.run([pdftotext, "-layout", "-enc", "UTF-8", str(src), "-"], check=True,
                                     capture_output=True).stdout.decode("utf-8")
                import_text(out)

            print(f"reference: pdftotext -layout + text import, same {pages} pages, median: "
                  f"{_median(two_steps, args.repeat):.3f} s")


if __name__ == "__main__":
    main()
