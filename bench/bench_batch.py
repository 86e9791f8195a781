"""Benchmark of the batch engine (issue 12, issue 8 item 11). A script, not a test.

    python bench/bench_batch.py [--units 2000] [--years 5] [--repeat 3] [--mix half|realistic]

Writes units × years report files (``--mix half``, the default: half of them full of errors;
``--mix realistic``: as real folders are, the reports as units fill them in, one in ten with a
few figures typed wrong) into a temporary folder tree (one folder per year, as a 政务公开办
collects them), then times, in one run and alternately:

- ``reference``: ``main.py check --json`` as it was before the engine (``bench/reference_check.py``),
- ``check``: ``main.py check --json`` over the same files (the engine, both cores),
- ``review``: ``main.py review --json FOLDER`` (discovery, cross-year pairing, statuses, matrix),
- ``review --out``: the same writing the review workbook instead,

each a fresh process with stdout to a file, so start-up is included. Prints files/s (median of
``--repeat``), wall time and peak resident memory of the process tree, and checks that the
engine's ``check --json`` output equals the reference's.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_models import _random_report  # noqa: E402

from models import storage  # noqa: E402
from models.report import Report  # noqa: E402

_RUSAGE = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "with open(sys.argv[1], 'wb') as out:\n"
    "    code = subprocess.run(sys.argv[2:], stdout=out).returncode\n"
    "wall = time.perf_counter() - t\n"
    "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(code, wall, r.ru_maxrss, r.ru_utime + r.ru_stime)\n"
)


def full_of_errors(rng: random.Random, i: int) -> Report:
    """Every figure typed at random: most sums broken, narratives disagreeing with the tables."""
    report = _random_report(rng, i)
    for ref in report.cell_refs():
        if report.template.cell(*ref).number.whole:  # type: ignore[union-attr]
            report.values[ref] = rng.randint(0, 60)
    return report


def a_few_errors(rng: random.Random, i: int) -> Report:
    """A report as filled in, with three figures typed wrong (a sum or two broken)."""
    report = _random_report(rng, i)
    counts = [ref for ref in report.cell_refs() if report.template.cell(*ref).number.whole]  # type: ignore[union-attr]
    for ref in rng.sample(counts, 3):
        report.values[ref] = rng.randint(0, 60)
    return report


def write_tree(folder: Path, units: int, years: int, mix: str = "half") -> list[Path]:
    rng = random.Random(12)
    clean = [_random_report(rng, i) for i in range(8)]
    bad = [full_of_errors(rng, i) for i in range(8)] if mix == "half" else [a_few_errors(rng, i) for i in range(8)]
    share = 2 if mix == "half" else 10  # one in ``share`` reports is a bad one
    paths = []
    first_year = 2024 - years + 1
    for y in range(years):
        year = first_year + y
        (folder / str(year)).mkdir(parents=True, exist_ok=True)
        for u in range(units):
            base = (bad if (u + y) % share == 1 else clean)[(u * 7 + y) % 8]
            base.meta.agency = f"某某县第{u:05d}局"
            base.meta.year = year
            path = folder / str(year) / f"某某县第{u:05d}局{year}年报告.json"
            path.write_text(storage.dumps(base), encoding="utf-8")
            paths.append(path)
    return paths


def timed(cmd: list[str], out: Path) -> tuple[int, float, float, float]:
    """Exit code, wall seconds, peak RSS (MB) of the largest process of the tree, CPU seconds of the tree."""
    proc = subprocess.run([sys.executable, "-c", _RUSAGE, str(out), *cmd], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    code, wall, rss, cpu = proc.stdout.split()
    return int(code), float(wall), int(rss) / 1024, float(cpu)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=2000)
    ap.add_argument("--years", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-reference", action="store_true")
    ap.add_argument("--skip-workbook", action="store_true", help="leave out review --out (the slowest run)")
    ap.add_argument("--mix", choices=("half", "realistic"), default="half",
                    help="half: half the reports full of errors (the target's mix); realistic: one in ten with a few")
    args = ap.parse_args()
    py, main_py = sys.executable, str(ROOT / "main.py")
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        folder = Path(tmp) / "reports"
        paths = write_tree(folder, args.units, args.years, args.mix)
        files = [str(p) for p in paths]
        n = len(files)
        # The file list goes through a response file for the two check runs (no argv limit).
        runs: dict[str, list[str]] = {}
        if not args.skip_reference:
            runs["reference check --json"] = [py, str(ROOT / "bench" / "reference_check.py"), "--json", *files]
        runs["check --json"] = [py, main_py, "check", "--json", *files]
        if (ROOT / "batch" / "review.py").exists():
            runs["review --json"] = [py, main_py, "review", "--json", str(folder)]
            if not args.skip_workbook:
                runs["review --out .xlsx"] = [py, main_py, "review", "--out", str(Path(tmp) / "review.xlsx"), str(folder)]
        results: dict[str, list[tuple[float, float, float]]] = {k: [] for k in runs}
        load = [os.getloadavg()[0]]
        outputs: dict[str, Path] = {}
        for r in range(args.repeat):
            for name, cmd in runs.items():
                out = Path(tmp) / f"out-{len(outputs)}-{r}.txt"
                code, wall, rss, cpu = timed(cmd, out)
                if code not in (0, 1, 2):
                    print(f"{name}: exit {code}", file=sys.stderr)
                results[name].append((wall, rss, cpu))
                load.append(os.getloadavg()[0])
                outputs[name] = out
                # each run as it ends: a long bench cut short still says what it measured
                print(f"  run {r + 1} {name:24s} {n / wall:8.0f} files/s  {wall:6.2f} s wall  {cpu:6.2f} s CPU  "
                      f"load {load[-1]:.1f}", flush=True)
        mix = "half of them full of errors" if args.mix == "half" else "realistic mix: one in ten with a few errors"
        print(f"{n} report files ({args.units} units × {args.years} years, {mix}), "
              f"median of {args.repeat}, start-up included; load average {min(load):.1f}–{max(load):.1f} "
              f"on {os.cpu_count()} cores (other work on the machine slows every row alike):")
        for name, rows in results.items():
            wall = statistics.median(w for w, _, _ in rows)
            rss = max(m for _, m, _ in rows)
            cpu = statistics.median(c for _, _, c in rows)
            print(f"  {name:24s} {n / wall:8.0f} files/s  {wall:6.2f} s wall  {cpu:6.2f} s CPU  "
                  f"({cpu / n * 1000:.2f} ms CPU/file)  peak RSS {rss:6.0f} MB")
        if "reference check --json" in outputs:
            a = json.loads(outputs["reference check --json"].read_text(encoding="utf-8"))
            b = json.loads(outputs["check --json"].read_text(encoding="utf-8"))
            same = a == b
            findings = sum(len(f.get("findings", ())) for f in a["files"])
            print(f"  check --json output identical to the reference: {same} ({findings} findings)")


if __name__ == "__main__":
    main()
