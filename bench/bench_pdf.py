"""Benchmark of the PDF export (issue 4). A script, not a test: prints one figure per line.

    python bench/bench_pdf.py [--runs 9] [--warm 20]

Figures:
- ``pdf_first_export_fresh_process_median_s``: the first PDF export in a fresh process, from
  importing the exporter (reportlab, font look-up and loading) to the finished bytes; the
  median of ``--runs`` separate processes (target ≤ 0.5 s);
- ``pdf_fresh_process_wall_median_s``: the same processes' whole wall time, interpreter
  start-up and loading the report included;
- ``pdf_first_export_fresh_process_no_bytecode_median_s``: the first figure when Python must
  compile our modules from source in every process (``PYTHONDONTWRITEBYTECODE=1``, as in a
  development checkout; an installed application ships bytecode);
- ``pdf_warm_export_median_s``: further exports in one process (fonts already registered);
- the report used, its page count and file size, and the fonts chosen.

The report is the shipped sample ``resources/samples/wulong-hrss-2021.json``; until it exists,
a report with the same figures (行政许可 62, 行政处罚 7, 行政事业性收费 68.64 万元).
"""

from __future__ import annotations

import argparse
import io
import os
import re
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

CHILD = """
import io, sys, time
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
from models import storage
report = storage.load({path!r})
t1 = time.perf_counter()
from exporters.pdf import export_pdf
buf = io.BytesIO()
export_pdf(report, buf)
t2 = time.perf_counter()
print(t2 - t1)
"""


def sample_report() -> tuple[Report, str]:
    return storage.load(SAMPLE), SAMPLE.name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="fresh processes")
    parser.add_argument("--warm", type=int, default=20, help="exports in one process")
    args = parser.parse_args()

    report, name = sample_report()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.json"
        storage.save(report, path)
        code = CHILD.format(root=str(ROOT), path=str(path))
        # As installed, modules come with their bytecode; a checkout run with
        # PYTHONDONTWRITEBYTECODE=1 would compile every module of ours in every process.
        # Cache the bytecode outside the tree for the "installed" figure, and also report the other.
        installed = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        installed["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        uncached = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")

        def run(env: dict[str, str]) -> tuple[float, float]:
            t0 = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                                 check=True, env=env)
            return float(out.stdout.strip().splitlines()[-1]), time.perf_counter() - t0

        run(installed)  # writes the bytecode cache
        first, wall, cold = [], [], []
        for _ in range(args.runs):
            f, w = run(installed)
            first.append(f)
            wall.append(w)
            cold.append(run(uncached)[0])

    from exporters.fonts import pdf_fonts
    from exporters.pdf import export_pdf

    buf = io.BytesIO()
    export_pdf(report, buf)  # registers the fonts
    warm = []
    for _ in range(args.warm):
        buf = io.BytesIO()
        t0 = time.perf_counter()
        export_pdf(report, buf)
        warm.append(time.perf_counter() - t0)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", buf.getvalue()))

    print(f"report: {name}")
    print(f"pdf_first_export_fresh_process_median_s: {statistics.median(first):.3f}  (target <= 0.5; n={args.runs})")
    print(f"pdf_first_export_fresh_process_max_s: {max(first):.3f}")
    print(f"pdf_fresh_process_wall_median_s: {statistics.median(wall):.3f}")
    print(f"pdf_first_export_fresh_process_no_bytecode_median_s: {statistics.median(cold):.3f}")
    print(f"pdf_warm_export_median_s: {statistics.median(warm):.3f}  (n={args.warm})")
    print(f"pdf_pages: {pages}")
    print(f"pdf_bytes: {len(buf.getvalue())}")
    for role, label in pdf_fonts().describe().items():
        print(f"font_{role}: {label}")


if __name__ == "__main__":
    main()
