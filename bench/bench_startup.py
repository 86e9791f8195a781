"""Start-up of the editor against a bare Qt window with one table view, side by side (issue 8).

    python bench/bench_startup.py [--runs 9] [--platform offscreen]

Each run starts ``python main.py SAMPLE`` (the editor on the bundled sample, as a desk starts it)
and ``python bench/bare_qt_window.py --table`` (QApplication + QMainWindow + one QTableView), one after
the other, so both see the same machine load; each prints ``SHOWN`` at its window's first paint
(``NIANBAO_QUIT_WHEN_SHOWN``) with the CPU time it used so far; the time from spawn to that line
is taken, and the CPU time of the whole process to its exit. One warm-up pair first (page cache).
Prints the medians and ratios of wall time and CPU time (target ≤ 1.6×, goal ≤ 1.3×); on a shared
machine the CPU times are the steadier figures.

With ``--importtime`` it instead prints the editor's slowest imports (``python -X importtime``),
cumulative, to see what is still imported before the window shows.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from bench_bundle import alternate, comparison_rows, load_average  # noqa: E402

SAMPLE = ROOT / "resources" / "samples" / "wulong-hrss-2021.json"
BARE = ROOT / "bench" / "bare_qt_window.py"


def environment(tmp: str, platform: str) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM=platform, NIANBAO_QUIT_WHEN_SHOWN="1", HOME=tmp,
               XDG_CONFIG_HOME=f"{tmp}/config", XDG_DATA_HOME=f"{tmp}/data", PYTHONDONTWRITEBYTECODE="")
    return env


def importtime(env: dict[str, str], top: int) -> None:
    proc = subprocess.run([sys.executable, "-X", "importtime", "main.py", str(SAMPLE)], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=60)
    rows = []
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "cumulative" not in line:
            _, cumulative, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
            rows.append((int(cumulative), name))
    ours = [r for r in rows if r[1].split(".")[0] in ("ui", "models", "exporters", "importers", "main")]
    print("slowest imports of the editor's own modules (cumulative µs, incl. what they import):")
    for us, name in sorted(ours, reverse=True)[:top]:
        print(f"{us:>9}  {name}")
    print("\nslowest imports overall:")
    for us, name in sorted(rows, reverse=True)[:top]:
        print(f"{us:>9}  {name}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--platform", default="offscreen", help="QT_QPA_PLATFORM (xcb needs DISPLAY)")
    ap.add_argument("--importtime", type=int, metavar="N", help="list the N slowest imports instead")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = environment(tmp, args.platform)
        if args.importtime:
            importtime(env, args.importtime)
            return
        editor = [sys.executable, str(ROOT / "main.py"), str(SAMPLE)]
        bare = [sys.executable, str(BARE), "--table"]
        load_before = load_average()
        ed, ref = alternate(editor, bare, env, args.runs)
        load_after = load_average()
    print(f"python main.py {SAMPLE.name} against python bench/bare_qt_window.py --table, QT_QPA_PLATFORM="
          f"{args.platform}, {os.cpu_count()} cores, {load_before} before, {load_after} after:\n")
    for row in comparison_rows(ed, ref, "editor", "bare Qt + table view"):
        print(row)
    print("\ntarget ≤ 1.6×, goal ≤ 1.3×. The CPU time at the first paint is each process's own (the probe's"
          " `CPU` line);\nthe CPU time to exit adds quitting, and work done after the first paint.")

if __name__ == "__main__":
    main()
