"""Benchmark: importing hostile files costs seconds, not minutes and gigabytes (issue 7, item 5).

    python bench/bench_hostile.py [--keep DIR] [--timeout 300] [--memory-cap-mb 4096]

Builds the three files of the issue, each inside the import size limits, and imports each in a
fresh process, measuring wall time and peak resident memory (``wait4``'s ``ru_maxrss``):

- a 19 MB web page of ``<div>x``;
- a 4 MB workbook exported by the editor with 1,000,000 rows appended to table 三's sheet;
- a 19 MB one of the same kind (1,000,000 rows of less compressible numbers).

Targets: each ≤ 5 s and ≤ 300 MB. As the reference measured in the same run, the sample report
(resources/samples) is imported the same way.

Also (item 7): the Excel export of the sample with a 10,000-line narrative (target ≤ 1 s) and
its import back, beside the export and import of the sample itself as the reference (fastest of
three, warm, in this process; wall and CPU time, as the machine may be busy). Run it from a
checkout before the fix to see the old figures (use ``--memory-cap-mb`` so a runaway import
cannot starve the machine).
"""

from __future__ import annotations

import argparse
import io
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "resources" / "samples" / "wulong-hrss-2021.json"
MB = 1024 * 1024


def div_page(path: Path, megabytes: float = 19) -> Path:
    """``<div>x`` over and over: millions of elements, never closed."""
    unit = "<div>x"
    path.write_text("<html><body>" + unit * int(megabytes * MB / len(unit)) + "</body></html>", encoding="utf-8")
    return path


def _sheet_member(zf: zipfile.ZipFile, sheet_prefix: str) -> str:
    """The zip member of the first sheet whose name starts with ``sheet_prefix``."""
    workbook = zf.read("xl/workbook.xml").decode("utf-8")
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    for m in re.finditer(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', workbook):
        if m.group(1).startswith(sheet_prefix):
            target = re.search(rf'Id="{m.group(2)}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{m.group(2)}"', rels)
            assert target is not None
            name = target.group(1) or target.group(2)
            return name.lstrip("/") if name.startswith("/") else f"xl/{name}"
    raise LookupError(sheet_prefix)


def big_workbook(path: Path, rows: int = 1_000_000, *, noisy: bool = False) -> Path:
    """The editor's own workbook of the sample report with ``rows`` rows appended to 三's sheet.

    ``noisy``: the rows hold random numbers (they compress poorly) and 四's sheet gets as many:
    a ~19 MB file; else one small number per row: a ~4 MB file. Either stays within every limit
    the importer checks before it parses (20 MB file, 50 MB per part, compression ratio).
    """
    from exporters.xlsx import export_xlsx
    from models import storage

    buf = io.BytesIO()
    export_xlsx(storage.load(SAMPLE), buf)
    rng = random.Random(7)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src:
        members = [_sheet_member(src, "三")] + ([_sheet_member(src, "四")] if noisy else [])
        changed = {}
        for member in members:
            xml = src.read(member).decode("utf-8")
            last = max(int(r) for r in re.findall(r'<row r="(\d+)"', xml))
            if noisy:  # rows without r= attributes are valid and make the part denser
                parts = [f"<row><c><v>{rng.randrange(10**16, 10**17)}</v></c></row>" for _ in range(rows)]
            else:
                parts = [f'<row r="{i}"><c r="A{i}"><v>1</v></c></row>' for i in range(last + 1, last + 1 + rows)]
            xml = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:Z{last + rows}"/>', xml)
            changed[member] = xml.replace("</sheetData>", "".join(parts) + "</sheetData>", 1).encode("utf-8")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                dst.writestr(info.filename, changed.get(info.filename) or src.read(info))
    return path


def _fastest(work: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(wall, CPU) seconds of the fastest of ``repeat`` warm runs: CPU time does not grow with
    the machine's load, wall time does (both are reported)."""
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        work()
        best = min(best, (time.perf_counter() - w0, time.process_time() - c0))
    return best


def long_text_times(lines: int = 10_000, repeat: int = 3) -> dict[str, tuple[float, float]]:
    """Export to .xlsx and import back (``read_report``) of the sample with a ``lines``-line
    narrative, and of the sample itself (the reference), warm, in this process."""
    from exporters.xlsx import export_xlsx
    from importers import read_report_data
    from models import storage

    def both(report: object, label: str) -> None:
        buf = io.BytesIO()
        export_xlsx(report, buf)  # type: ignore[arg-type]
        data = buf.getvalue()
        out[f"export {label}"] = _fastest(lambda: export_xlsx(report, io.BytesIO()), repeat)  # type: ignore[arg-type]
        out[f"import {label}"] = _fastest(lambda: read_report_data(data, "x.xlsx"), repeat)

    out: dict[str, tuple[float, float]] = {}
    report = storage.load(SAMPLE)
    both(report, "sample")  # warm up: imports, fonts of the width table
    both(report, "sample")
    report.texts["other"] = "\n".join(f"第{i}行：本机关未收取信息处理费。" for i in range(lines))
    both(report, f"{lines:,}-line narrative")
    return out


_IMPORT = """
import sys, time
t0 = time.perf_counter()
from importers import ImportFailed, read_report
try:
    result = read_report(sys.argv[1])
    outcome = f"imported, {len(result.findings)} findings"
    limited = [f.message for f in result.findings if f.rule in ("import.limit", "format")]
    if limited:
        outcome += ": " + limited[0][:120]
except ImportFailed as exc:
    outcome = "refused: " + str(exc)[:160]
print(f"{time.perf_counter() - t0:.3f}\\t{outcome}")
"""


def measure(path: Path, timeout: float, cap_mb: int) -> tuple[float, float, float, str]:
    """(wall seconds, CPU seconds, peak RSS in MB, outcome) of importing ``path`` in a fresh process
    (start-up of Python and the imports included)."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap_mb * MB, cap_mb * MB))

    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _IMPORT, str(path)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=cap if cap_mb else None)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return time.perf_counter() - t0, float("nan"), float("nan"), f"stopped after {timeout:.0f} s"
    wall = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_mb = usage.ru_maxrss / 1024  # largest child so far
    cpu = usage.ru_utime + usage.ru_stime
    if proc.returncode != 0:
        last = (err.strip().splitlines() or ["?"])[-1]
        return wall, cpu, peak_mb, f"failed ({last[:120]})"
    return wall, cpu, peak_mb, out.strip().split("\t", 1)[-1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", type=Path, help="write the hostile files into this folder and keep them")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--memory-cap-mb", type=int, default=4096)
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="hostile-"))
    folder.mkdir(parents=True, exist_ok=True)
    files = [
        ("reference: the sample report as .json", SAMPLE),
        ("19 MB page of <div>x", div_page(folder / "divs.html")),
        ("4 MB workbook, 1,000,000 rows", big_workbook(folder / "rows-4mb.xlsx")),
        ("19 MB workbook, 1,000,000 rows", big_workbook(folder / "rows-19mb.xlsx", noisy=True)),
    ]
    print(f"{'file':34} {'size':>8} {'wall':>8} {'CPU':>7} {'peak RSS':>9}  outcome")
    for label, path in files:
        # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: measure each in its own
        # process tree so one file's peak is not another's.
        probe = subprocess.run([sys.executable, __file__, "--one", str(path), str(args.timeout),
                                str(args.memory_cap_mb)], capture_output=True, text=True, cwd=ROOT)
        wall, cpu, peak, outcome = (probe.stdout.strip().split("\t", 3) if probe.stdout.strip()
                                    else ("?", "?", "?", probe.stderr))
        size = path.stat().st_size / MB
        print(f"{label:34} {size:6.1f}MB {wall:>7}s {cpu:>6}s {peak:>7}MB  {outcome}")
    print()
    print(f"{'workbook (fastest of 3, warm)':44} {'wall':>7} {'CPU':>7}")
    for label, (wall_s, cpu_s) in long_text_times().items():
        print(f"{label:44} {wall_s:6.3f}s {cpu_s:6.3f}s")
    if not args.keep:
        for _, path in files[1:]:
            path.unlink(missing_ok=True)
        folder.rmdir()


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--one":
        wall, cpu, peak, outcome = measure(Path(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]))
        print(f"{wall:.2f}\t{cpu:.2f}\t{peak:.0f}\t{outcome}")
    else:
        main()
