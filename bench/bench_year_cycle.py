"""Benchmark of the year's cycle (issue 10). A script, not a test: prints one figure per line.

    python bench/bench_year_cycle.py

Every figure with last year linked is printed beside its reference measured in the same run
without last year, so the cost of the carry-over rules (and of ``narrative.stale_number`` over
last year's copied text) reads directly: a full check, a re-check after one cell change, a
re-check after one keystroke in 一; then 从上年报告新建 from the published 淮安 text (read + make),
the comparison model, and writing it as .xlsx, .pdf and .html (each a median of warm runs).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from importers import read_report  # noqa: E402
from models.checker import checker_for  # noqa: E402
from models.compare import compare  # noqa: E402
from models.report import Report  # noqa: E402
from models.year_cycle import new_from_last  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from bench_models import _median_us as median_us  # noqa: E402

LAST = ROOT / "tests" / "fixtures" / "huaian-city-2024.txt"


def filled(report: Report, last: Report) -> Report:
    for ref, value in last.values.items():
        if report.values[ref] is None:
            report.values[ref] = value
    return report


def edits(report: Report, checker, rng: random.Random) -> float:  # type: ignore[no-untyped-def]
    refs = report.cell_refs()
    state = {"result": checker.check(report)}

    def one() -> None:
        ref = rng.choice(refs)
        spec = report.template.cell(*ref)
        assert spec is not None
        report.values[ref] = rng.randint(0, 9) if spec.number.whole else None
        state["result"] = checker.recheck(state["result"], report, [ref])

    return median_us(one, 3000)


def keystrokes(report: Report, checker) -> float:  # type: ignore[no-untyped-def]
    state = {"result": checker.check(report), "n": 0}

    def one() -> None:
        state["n"] += 1
        report.texts["overview"] = report.texts["overview"] + "字"
        state["result"] = checker.recheck_text(state["result"], report, sections=("overview",))

    return median_us(one, 1000)


def main() -> None:
    last = read_report(LAST).report
    linked = filled(new_from_last(last, copy_texts=True).report, last)
    alone = linked.copy()
    alone.previous = None
    checker = checker_for(linked.template)
    for name, report in (("without last year (reference)", alone), ("with last year linked", linked)):
        print(f"full check, {name}: {median_us(lambda r=report: checker.check(r), 1000):.0f} µs median")
    for name, report in (("without last year (reference)", alone), ("with last year linked", linked)):
        print(f"re-check after one cell change, {name}: {edits(report.copy(), checker, random.Random(3)):.1f} µs median")
    for name, report in (("without last year (reference)", alone), ("with last year linked", linked)):
        print(f"re-check after one keystroke in 一 (copied text), {name}: "
              f"{keystrokes(report.copy(), checker):.0f} µs median")
    print(f"从上年报告新建 from the published text (read + make): "
          f"{median_us(lambda: new_from_last(read_report(LAST).report), 20) / 1000:.1f} ms median")
    print(f"  of which new_from_last alone: {median_us(lambda: new_from_last(last), 200):.0f} µs median")
    comparison = compare(last, linked)
    print(f"compare model: {median_us(lambda: compare(last, linked), 50) / 1000:.1f} ms median")
    from exporters.compare import render_comparison

    render_comparison(comparison, ".pdf")  # fonts loaded once, as in a running editor
    for suffix in (".xlsx", ".pdf", ".html"):
        ms = median_us(lambda s=suffix: render_comparison(comparison, s), 5) / 1000
        size = len(render_comparison(comparison, suffix))
        print(f"write the comparison as {suffix}: {ms:.0f} ms median ({size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
