"""Writing a report out: our .json file, a printable PDF, an Excel workbook, a Word document,
a web page.

Exporters take a report snapshot and write bytes to a binary stream; :func:`write_report`
picks the exporter by suffix and writes the file atomically.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from models.report import Report

EXPORT_SUFFIXES = {".json": "报告文件", ".pdf": "PDF", ".xlsx": "Excel 工作簿", ".docx": "Word 文档",
                   ".html": "网页", ".htm": "网页"}


class ExportFailed(Exception):
    """An export could not be written; ``str(exc)`` is a Chinese message for the user."""


def render(report: Report, suffix: str, *, include_check_page: bool = False) -> bytes:
    """The bytes of ``report`` in the format named by ``suffix`` ('.json', '.pdf', '.xlsx',
    '.docx', '.html').

    ``include_check_page`` adds the reviewer's 校验说明 page to a PDF.
    """
    from models import storage
    from models.progress import checkpoint

    suffix = suffix.lower()
    checkpoint(f"正在生成{EXPORT_SUFFIXES.get(suffix, suffix)}……")
    if suffix == ".json":
        from models.checker import check_report

        # The spec: an acceptance whose warning is gone is dropped on the next save.
        live = {(f.rule, f.cells) for f in check_report(report)}
        return storage.dumps(report, live_keys=live).encode("utf-8")
    buf = io.BytesIO()
    if suffix == ".pdf":
        from exporters.pdf import export_pdf

        export_pdf(report, buf, include_check_page=include_check_page)
    elif suffix == ".xlsx":
        from exporters.xlsx import export_xlsx

        export_xlsx(report, buf)
    elif suffix == ".docx":
        from exporters.docx import export_docx

        export_docx(report, buf)
    elif suffix in (".html", ".htm"):
        from exporters.html import export_html

        export_html(report, buf)
    else:
        raise ExportFailed(f"不支持导出为“{suffix}”；支持：{'、'.join(EXPORT_SUFFIXES)}")
    return buf.getvalue()


def write_report(report: Report, path: str | os.PathLike[str], *, include_check_page: bool = False) -> None:
    """Export by the suffix of ``path``; the target is replaced atomically (and left alone when
    the work is cancelled: see models.progress)."""
    from models.progress import checkpoint
    from models.storage import write_atomic

    p = Path(path)
    data = render(report, p.suffix, include_check_page=include_check_page)
    checkpoint()  # the last moment to cancel: nothing has been written yet
    write_atomic(p, data)
