"""Benchmark of the Excel workbook (issue 4). A script, not a test: prints one figure per line.

    python bench/bench_xlsx.py [--repeat 30] [--libreoffice-runs 3]

Figures: exporting the sample to .xlsx (first export in this process, then the warm median;
target ≤ 0.2 s), reading the workbook back, and — side by side, as the peer a desk would
otherwise use — LibreOffice headless converting the same .xlsx to PDF (wall time per run).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models import storage  # noqa: E402
from models.report import Report  # noqa: E402

SAMPLE = ROOT / "resources" / "samples" / "wulong-hrss-2021.json"
FIXTURE = ROOT / "tests" / "fixtures" / "huaian-city-2024.expected.json"


def _sample() -> tuple[str, Report]:
    if SAMPLE.exists():
        return SAMPLE.name, storage.load(SAMPLE)
    raw = json.loads(FIXTURE.read_text(encoding="utf-8"))
    doc = {"format": storage.FORMAT_ID, "schema_version": 1, "template": "2021",
           "meta": {"agency": raw.pop("agency"), "year": raw.pop("year")}, "sections": raw}
    report = storage.from_dict(doc)
    report.texts["overview"] = "本年新收政府信息公开申请3119件，上年结转34件，均已按期答复。\n" * 20
    report.texts["problems"] = "一是公开质量有待提高。\n二是解读形式单一。"
    report.texts["other"] = "本机关未收取信息处理费。"
    report.notes["appeals"] = "注：行政复议、行政诉讼数量含上年度结转数量。"
    return FIXTURE.name, report


def _median_ms(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--libreoffice-runs", type=int, default=3)
    args = ap.parse_args()

    name, report = _sample()
    t0 = time.perf_counter()
    from exporters.xlsx import export_xlsx  # first export: imports openpyxl, builds the checker

    buf = io.BytesIO()
    export_xlsx(report, buf)
    print(f"xlsx export of {name}, first in process: {(time.perf_counter() - t0) * 1000:.1f} ms")
    data = buf.getvalue()
    median = _median_ms(lambda: export_xlsx(report, io.BytesIO()), args.repeat)
    print(f"xlsx export of {name}, warm: {median:.1f} ms median (target ≤ 200 ms: {'ok' if median <= 200 else 'MISSED'})")
    print(f"xlsx size: {len(data) / 1024:.1f} KB")

    from importers.xlsx import import_workbook

    result = import_workbook(io.BytesIO(data))
    assert result.report.same_content(report), "round trip changed the report"
    print(f"xlsx read-back: {_median_ms(lambda: import_workbook(io.BytesIO(data)), args.repeat):.1f} ms median")

    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        print("LibreOffice xlsx → PDF: skipped (LibreOffice not installed)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "report.xlsx"
        src.write_bytes(data)
        env = dict(os.environ, HOME=tmp)
        profile = f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}"
        for i in range(args.libreoffice_runs):
            out = Path(tmp) / f"out{i}"
            t0 = time.perf_counter()
            subprocess.run([office, profile, "--headless", "--convert-to", "pdf", "--outdir", str(out), str(src)],
                           check=True, capture_output=True, timeout=300, env=env)
            wall = time.perf_counter() - t0
            what = "first run, new profile" if i == 0 else "warm profile"
            print(f"LibreOffice headless xlsx → PDF (peer), run {i + 1} ({what}): {wall * 1000:.0f} ms wall")


if __name__ == "__main__":
    main()
