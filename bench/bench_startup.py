"""Start-up of the editor against a bare Qt window with one table view, side by side (issue 8).

    python bench/bench_startup.py [--runs 9] [--platform offscreen]

Each run starts ``python main.py SAMPLE`` (the editor on the bundled sample, as a desk starts it)
and ``python bench/bare_qt_window.py --table`` (QApplication + QMainWindow + one QTableView), one after
the other, so both see the same machine load; each prints ``SHOWN`` at its window's first paint
(``NIANBAO_QUIT_WHEN_SHOWN``) and the time from spawn to that line is taken. One warm-up pair
first (page cache). Prints both medians and the ratio (target ≤ 1.6×, goal ≤ 1.3×).

With ``--importtime`` it instead prints the editor's slowest imports (``python -X importtime``),
cumulative, to see what is still imported before the window shows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from bench_bundle import time_to_shown as bundle_time_to_shown  # noqa: E402

SAMPLE = ROOT / "resources" / "samples" / "wulong-hrss-2021.json"
BARE = ROOT / "bench" / "bare_qt_window.py"


def children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far (0 where unknown)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_to_shown(cmd: list[str], env: dict[str, str], cpu: list[float]) -> float:
    """Spawn to ``SHOWN`` (bench_bundle's probe), and the process's CPU time appended to ``cpu``."""
    c0 = children_cpu()
    shown = bundle_time_to_shown(cmd, env)
    cpu.append(children_cpu() - c0)  # the whole process, its quitting included
    return shown


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
        time_to_shown(editor, env, []), time_to_shown(bare, env, [])  # warm-up: page cache, .pyc files
        ed_times, bare_times, ed_cpu, bare_cpu = [], [], [], []
        for _ in range(args.runs):  # alternately: both see the same machine load
            ed_times.append(time_to_shown(editor, env, ed_cpu))
            bare_times.append(time_to_shown(bare, env, bare_cpu))
    ed, ref = statistics.median(ed_times), statistics.median(bare_times)
    print(f"editor (python main.py {SAMPLE.name}) start to window shown: {ed * 1000:.0f} ms median of {args.runs} "
          f"(min {min(ed_times) * 1000:.0f}, max {max(ed_times) * 1000:.0f})")
    print(f"bare Qt window with one table view, same run: {ref * 1000:.0f} ms median "
          f"(min {min(bare_times) * 1000:.0f}, max {max(bare_times) * 1000:.0f})")
    print(f"ratio editor / bare Qt: {ed / ref:.2f}× (target ≤ 1.6×, goal ≤ 1.3×)")
    if ed_cpu and bare_cpu and statistics.median(bare_cpu) > 0:
        c_ed, c_ref = statistics.median(ed_cpu), statistics.median(bare_cpu)
        print(f"CPU time of the whole process (user + system, to its exit): editor {c_ed * 1000:.0f} ms, "
              f"bare {c_ref * 1000:.0f} ms, ratio {c_ed / c_ref:.2f}× (steadier than wall time on a busy machine)")


if __name__ == "__main__":
    main()
