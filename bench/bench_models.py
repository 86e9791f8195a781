"""Benchmark of the domain core (issue 2). A script, not a test: prints one figure per line.

    python bench/bench_models.py [--files 1000]

Figures: one full check (median µs), a re-check after one cell change (median µs), importing
the 武隆 fixture text and the 平潭 web page (median ms), and `main.py check` over N generated
report files in one process start (files/s, wall time including start-up).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models import storage  # noqa: E402
from models.checker import checker_for  # noqa: E402
from models.report import Report  # noqa: E402
from models.template import load_template  # noqa: E402
from models.values import CellRef  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
SAMPLE = ROOT / "resources" / "samples" / "wulong-hrss-2021.json"


def _median_us(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter_ns()
        fn()
        times.append(time.perf_counter_ns() - t0)
    return statistics.median(times) / 1000


def _random_report(rng: random.Random, i: int) -> Report:
    """A filled, consistent report with the odd error, like real submissions."""
    from decimal import Decimal

    report = Report.blank(load_template("2021"), agency=f"测试机关{i}", year=2024)
    for ref in report.cell_refs():
        spec = report.template.cell(*ref)
        assert spec is not None
        report.values[ref] = Decimal(rng.randint(0, 10**6)) / 100 if not spec.number.whole else rng.randint(0, 40)
    checker = checker_for(report.template)
    for _ in range(5):  # settle every total from its parts
        for f in checker.check(report).errors:
            if f.total_cell is not None and isinstance(f.expected, int):
                report.values[f.total_cell] = f.expected
    if rng.random() < 0.3:  # a typo in a total
        report.values[CellRef("requests", "new", "total")] = rng.randint(0, 400)
    report.texts["overview"] = f"本年共收到政府信息公开申请{rng.randint(0, 99)}件。" * 5
    report.texts["problems"] = "信息更新不够及时。" * 10
    report.texts["other"] = "本机关未收取信息处理费。"
    return report


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=1000)
    args = ap.parse_args()

    report = storage.load(SAMPLE) if SAMPLE.exists() else _random_report(random.Random(1), 0)
    checker = checker_for(report.template)
    result = checker.check(report)
    print(f"check one report: {_median_us(lambda: checker.check(report), 2000):.1f} µs median")

    refs = report.cell_refs()
    rng = random.Random(7)

    def one_edit() -> None:
        r = rng.choice(refs)
        report.values[r] = rng.randint(0, 9) if report.template.cell(*r).number.whole else None  # type: ignore[union-attr]
        checker.recheck(result, report, [r])

    print(f"re-check after one cell change: {_median_us(one_edit, 5000):.1f} µs median")
    for name in ("wulong-hrss-2021.txt", "huaian-city-2024.txt", "pingtan-2023.html"):
        path = FIXTURES / name
        if not path.exists():
            print(f"import {name}: skipped (fixture not found)")
            continue
        from importers import read_report

        print(f"import {name}: {_median_us(lambda p=path: read_report(p), 30) / 1000:.2f} ms median")

    with tempfile.TemporaryDirectory() as tmp:
        rng2 = random.Random(42)
        paths = []
        for i in range(args.files):
            p = Path(tmp) / f"r{i:04d}.json"
            storage.save(_random_report(rng2, i), p)
            paths.append(str(p))
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "check", "--json", *paths],
            capture_output=True, cwd=ROOT,
        )
        wall = time.perf_counter() - t0
        if proc.returncode not in (0, 1):
            print(proc.stderr.decode("utf-8", "replace"), file=sys.stderr)
        print(f"check {args.files} files: {args.files / wall:.0f} files/s ({wall:.2f} s wall incl. start-up)")


if __name__ == "__main__":
    main()
