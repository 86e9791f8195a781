"""Roll up units' report files into one summary report file (``main.py rollup``, 文件 → 汇总多个报告…).

Reads every report named (files, folders, .zip archives), each once: its bytes are hashed for
``meta.units`` and imported from memory. Anything unreadable, of another year or format, or a
unit twice refuses the roll-up with a message naming them, and nothing is written. The output
is written by its suffix: ``.json`` (the report file), ``.xlsx`` (the report's workbook plus the
sheet 分单位明细), ``.pdf``.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from batch.sources import Reader, discover
from models.rollup import Rollup, RollupBuilder, RollupRefused, UnitReport

ROLLUP_SUFFIXES = {".json": "报告文件", ".xlsx": "Excel 工作簿（含分单位明细）", ".pdf": "PDF"}


def check_target(out: str | os.PathLike[str]) -> None:
    """Refuse an output we cannot write before reading anything."""
    suffix = Path(out).suffix.lower()
    if suffix not in ROLLUP_SUFFIXES:
        raise RollupRefused(f"不支持输出为“{suffix or Path(out).name}”；支持：{'、'.join(ROLLUP_SUFFIXES)}")


def read_rollup(paths: Sequence[str | os.PathLike[str]], agency: str, year: int | None = None, *,
                cancelled: Callable[[], bool] | None = None,
                progress: Callable[[int, int], None] | None = None) -> Rollup | None:
    """Read and sum the reports under ``paths``; None when cancelled. Raises :class:`RollupRefused`."""
    from importers import ImportFailed, read_report_data
    from models.storage import ReportFileError

    found = discover(paths)
    if found.unreadable:
        listed = "；".join(f"{u.source.name}：{u.reason}" for u in found.unreadable[:5])
        more = f" 等 {len(found.unreadable)} 个" if len(found.unreadable) > 5 else ""
        raise RollupRefused(f"有文件无法读取，未汇总（{listed}{more}）")
    builder = RollupBuilder(agency, year)
    total = len(found.sources)
    failed: list[str] = []
    with Reader() as reader:
        for i, source in enumerate(found.sources, start=1):
            if cancelled is not None and cancelled():
                return None
            try:
                data = reader.read_bytes(source)
                imported = read_report_data(data, source.leaf)
            except (ImportFailed, ReportFileError) as exc:
                failed.append(f"{source.name}：{exc}")
                continue
            builder.add(UnitReport(imported.report, source.name, hashlib.sha256(data).hexdigest()))
            if progress is not None:
                progress(i, total)
    if failed:
        more = f" 等 {len(failed)} 个" if len(failed) > 5 else ""
        raise RollupRefused(f"有报告无法读取，未汇总（{'；'.join(failed[:5])}{more}）")
    return builder.finish()


def render_rollup(rollup: Rollup, suffix: str) -> bytes:
    suffix = suffix.lower()
    if suffix == ".xlsx":
        from exporters.rollup_xlsx import export_rollup_xlsx

        buf = io.BytesIO()
        export_rollup_xlsx(rollup, buf)
        return buf.getvalue()
    from exporters import render

    return render(rollup.report, suffix)


def write_rollup(rollup: Rollup, out: str | os.PathLike[str]) -> None:
    """Write atomically by suffix. Raises ``ReportFileError``/``ExportFailed`` with a Chinese message."""
    from models.storage import write_atomic

    check_target(out)
    write_atomic(Path(out), render_rollup(rollup, Path(out).suffix))
