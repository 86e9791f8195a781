"""Benchmark of the one-folder bundle (issue 13): its size, and its start-up against a bare Qt window.

    python bench/bench_bundle.py [--runs 9] [--bundle dist/nianbao] [--platform offscreen|xcb]
                                 [--first-run] [--write bench/bundle-figures.md]

Needs the bundle (``bash packaging/build-linux.sh``). Builds the reference into build/bench-bare/
with the same spec, the same Python and the same Qt, the same parts left out: a bundle of
bench/bare_qt_window.py, started with ``--table`` (a QMainWindow with one table view, the
reference of bench_startup.py too). Then starts each, alternately, ``--runs`` times (after one
unmeasured start of each, so both read from the page cache) and times spawn → the window's first
paint, measured from outside as bench_gui.py does (the editor prints ``SHOWN`` at its first paint
when NIANBAO_QUIT_WHEN_SHOWN is set), with the CPU time each process reports at that paint and its
CPU time to exit. ``--first-run`` adds starts in a fresh, empty HOME (a desk's first start).
Sizes: the folder's disk usage, the tar.gz and the .deb as built.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "resources" / "samples" / "wulong-hrss-2021.json"
BARE_DIR = ROOT / "build" / "bench-bare"


def build_bare(venv: Path) -> Path:
    pyinstaller = venv / ("Scripts/pyinstaller.exe" if os.name == "nt" else "bin/pyinstaller")
    subprocess.run([str(pyinstaller), "--noconfirm", "--log-level", "ERROR", "--distpath", str(BARE_DIR / "dist"),
                    "--workpath", str(BARE_DIR / "work"), str(ROOT / "packaging" / "nianbao.spec")],
                   check=True, cwd=ROOT, env=dict(os.environ, NIANBAO_BUNDLE_BARE_QT="1"))
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    subprocess.run([str(python), str(ROOT / "packaging" / "trim_icu.py"), str(BARE_DIR / "dist" / "bare-qt")],
                   check=True, stdout=subprocess.DEVNULL)  # as build-linux.sh does for the editor
    return BARE_DIR / "dist" / "bare-qt" / ("bare-qt.exe" if os.name == "nt" else "bare-qt")


@dataclass
class Start:
    """One start of a program with the probe (``SHOWN …`` then ``CPU <seconds>`` at its first paint)."""

    wall: float  # spawn → the SHOWN line
    cpu_shown: float  # the process's own CPU time at its first paint (what the probe printed)
    cpu_exit: float  # CPU time of the whole process to its exit, quitting included (0 where unknown)


def children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far (0 where unknown)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def start_once(cmd: list[str], env: dict[str, str]) -> Start:
    c0 = children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    assert proc.stdout is not None
    shown = cpu = None
    for line in proc.stdout:
        if line.startswith("SHOWN") and shown is None:
            shown = time.perf_counter() - t0
        elif line.startswith("CPU ") and cpu is None:
            cpu = float(line.split()[1])
    proc.wait(timeout=60)
    if proc.returncode != 0 or shown is None:
        raise SystemExit(f"{cmd[0]} did not show its window (exit {proc.returncode})")
    return Start(shown, cpu or 0.0, children_cpu() - c0)


def time_to_shown(cmd: list[str], env: dict[str, str]) -> float:
    return start_once(cmd, env).wall


def alternate(editor: list[str], bare: list[str], env: dict[str, str], runs: int) -> tuple[list[Start], list[Start]]:
    """Start each once unmeasured (page cache, .pyc files), then both ``runs`` times, alternately,
    so both see the same machine load."""
    start_once(editor, env), start_once(bare, env)
    ed, ref = [], []
    for _ in range(runs):
        ed.append(start_once(editor, env))
        ref.append(start_once(bare, env))
    return ed, ref


def median_ms(starts: list[Start], field: str) -> float:
    return statistics.median(getattr(s, field) for s in starts) * 1000


def comparison_rows(ed: list[Start], ref: list[Start], editor_name: str, bare_name: str) -> list[str]:
    """Markdown rows: wall time, CPU time at the first paint, CPU time to exit; medians and ratios."""
    rows = []
    for field, what in (("wall", "spawn → first paint, wall"), ("cpu_shown", "CPU time at the first paint"),
                        ("cpu_exit", "CPU time to exit (quitting included)")):
        if not all(getattr(s, field) for s in ed + ref):
            continue
        e, r = median_ms(ed, field), median_ms(ref, field)
        lo, hi = min(getattr(s, field) for s in ed) * 1000, max(getattr(s, field) for s in ed) * 1000
        rows.append(f"| {what} | {e:.0f} ms (min {lo:.0f}, max {hi:.0f}) | {r:.0f} ms | **{e / r:.2f}×** |")
    return [f"| median of {len(ed)}, alternately | {editor_name} | {bare_name} | ratio |", "|---|---|---|---|", *rows]


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
        return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"
    except (AttributeError, OSError):
        return "load average unknown"


def first_start(editor: list[str], bare: list[str], platform_name: str, runs: int = 3) -> list[str]:
    """A desk's first start: each start in a new empty HOME (no settings, no fontconfig cache of
    the user's own, no recovery folder yet), alternately."""
    ed, ref = [], []
    for _ in range(runs):
        for cmd, out in ((editor, ed), (bare, ref)):
            with tempfile.TemporaryDirectory() as home:
                env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "LANG": "C.UTF-8",
                       "QT_QPA_PLATFORM": platform_name, "NIANBAO_QUIT_WHEN_SHOWN": "1"}
                if "DISPLAY" in os.environ:
                    env["DISPLAY"] = os.environ["DISPLAY"]
                out.append(start_once(cmd, env))
    return comparison_rows(ed, ref, "editor, first start", "bare Qt, first start")


def disk_mb(folder: Path) -> float:
    """Disk usage in MiB as `du -sm` counts it (allocated blocks; symlinks once)."""
    total = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            st = path.stat()
            total += getattr(st, "st_blocks", 0) * 512 or st.st_size
    return total / 2**20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--bundle", type=Path, default=ROOT / "dist" / "nianbao")
    ap.add_argument("--venv", type=Path, default=ROOT / "build" / "bundle-venv", help="the venv build-linux.sh made")
    ap.add_argument("--platform", default="offscreen", help="QT_QPA_PLATFORM (xcb: give DISPLAY)")
    ap.add_argument("--first-run", action="store_true", help="also time starts in a fresh, empty HOME")
    ap.add_argument("--write", type=Path, help="also write the figures (markdown) to this file")
    args = ap.parse_args()
    editor = args.bundle / ("nianbao.exe" if os.name == "nt" else "nianbao")
    if not editor.exists():
        raise SystemExit(f"no bundle at {args.bundle}: run bash packaging/build-linux.sh first")
    bare = build_bare(args.venv)

    lines = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    with tempfile.TemporaryDirectory() as tmp:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp, "LANG": "C.UTF-8",
               "QT_QPA_PLATFORM": args.platform, "NIANBAO_QUIT_WHEN_SHOWN": "1",
               "XDG_CONFIG_HOME": f"{tmp}/config", "XDG_DATA_HOME": f"{tmp}/data"}
        if "DISPLAY" in os.environ:
            env["DISPLAY"] = os.environ["DISPLAY"]
        editor_cmd, bare_cmd = [str(editor), str(SAMPLE)], [str(bare), "--table"]
        load_before = load_average()
        ed, ref = alternate(editor_cmd, bare_cmd, env, args.runs)
        load_after = load_average()
        first_run = first_start(editor_cmd, bare_cmd, args.platform) if args.first_run else None
    say(f"# Bundle figures ({date.today().isoformat()}, {platform.machine()}, {os.cpu_count()} cores, "
        f"QT_QPA_PLATFORM={args.platform}, `python bench/bench_bundle.py --runs {args.runs}`)")
    say("")
    say(f"Start-up: the bundle on the sample against a bare-Qt-window bundle built with the same spec, "
        f"{load_before} before, {load_after} after.")
    say("")
    for row in comparison_rows(ed, ref, "dist/nianbao", "bare Qt bundle"):
        say(row)
    if first_run is not None:
        say("")
        say("A desk's first start (a fresh HOME: no fontconfig cache of the user's own, no settings), "
            "median of 3, alternately:")
        say("")
        for row in first_run:
            say(row)
    say("")
    say("Sizes in MiB (as `du -sm`).")
    say("")
    say("| figure | result | target |")
    say("|---|---|---|")
    say(f"| dist/nianbao on disk | {disk_mb(args.bundle):.0f} MB | ≤ 150 MB (goal ≤ 100) |")
    say(f"| bare Qt bundle on disk (reference) | {disk_mb(bare.parent):.0f} MB | |")
    dist = args.bundle.parent
    for pattern, target in (("nianbao-*-linux-x86_64.tar.gz", "≤ 60 MB (goal ≤ 45)"), ("nianbao-*-windows-*.zip", ""),
                            ("nianbao-editor_*_amd64.deb", "")):
        for archive in sorted(dist.glob(pattern)):
            say(f"| {archive.name} | {archive.stat().st_size / 2**20:.1f} MB | {target} |")
    if args.write:
        args.write.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
