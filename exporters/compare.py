"""Writing a comparison of two years (:mod:`models.compare`) by the suffix of the file asked for:
an Excel workbook, a reviewer's PDF or a self-contained web page."""

from __future__ import annotations

import io
import os
from pathlib import Path

from exporters import ExportFailed
from models.compare import Comparison

COMPARE_SUFFIXES = {".xlsx": "Excel 工作簿", ".pdf": "PDF", ".html": "网页"}


def render_comparison(comparison: Comparison, suffix: str) -> bytes:
    suffix = suffix.lower()
    buf = io.BytesIO()
    if suffix == ".xlsx":
        from exporters.compare_xlsx import export_comparison_xlsx

        export_comparison_xlsx(comparison, buf)
    elif suffix == ".pdf":
        from exporters.compare_pdf import export_comparison_pdf

        export_comparison_pdf(comparison, buf)
    elif suffix == ".html":
        from exporters.compare_html import comparison_html

        buf.write(comparison_html(comparison).encode("utf-8"))
    else:
        raise ExportFailed(f"对比结果不能写成“{suffix}”；支持：{'、'.join(COMPARE_SUFFIXES)}")
    return buf.getvalue()


def write_comparison(comparison: Comparison, path: str | os.PathLike[str]) -> None:
    """Write by the suffix of ``path``, atomically."""
    from models.progress import checkpoint
    from models.storage import write_atomic

    p = Path(path)
    data = render_comparison(comparison, p.suffix)
    checkpoint()  # 取消 while it was being laid out: nothing is written
    write_atomic(p, data)
