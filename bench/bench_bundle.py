"""Benchmark of the one-folder bundle (issue 13): its size, and its start-up against a bare Qt window.

    python bench/bench_bundle.py [--runs 9] [--bundle dist/nianbao] [--platform offscreen|xcb]
                                 [--write bench/bundle-figures.md]

Needs the bundle (``bash packaging/build-linux.sh``). Builds the reference into build/bench-bare/
with the same spec, the same Python and the same Qt, the same parts left out: a bundle of
bench/bare_qt_window.py, an empty QMainWindow. Then starts each, alternately, ``--runs`` times
(after one unmeasured start of each, so both read from the page cache) and times spawn → the
window's first paint, measured from outside as bench_gui.py does (the editor prints ``SHOWN`` at
its first paint when NIANBAO_QUIT_WHEN_SHOWN is set). Sizes: the folder's disk usage, the
tar.gz and the .deb as built.
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


def time_to_shown(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    assert proc.stdout is not None
    shown = None
    for line in proc.stdout:
        if line.startswith("SHOWN") and shown is None:
            shown = time.perf_counter() - t0
    proc.wait(timeout=60)
    if proc.returncode != 0 or shown is None:
        raise SystemExit(f"{cmd[0]} did not show its window (exit {proc.returncode})")
    return shown


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
        editor_cmd, bare_cmd = [str(editor), str(SAMPLE)], [str(bare)]
        time_to_shown(editor_cmd, env), time_to_shown(bare_cmd, env)  # into the page cache
        ed_times, bare_times = [], []
        for _ in range(args.runs):
            ed_times.append(time_to_shown(editor_cmd, env))
            bare_times.append(time_to_shown(bare_cmd, env))
    ed, ref = statistics.median(ed_times), statistics.median(bare_times)
    say(f"# Bundle figures ({date.today().isoformat()}, {platform.machine()}, {os.cpu_count()} cores, "
        f"QT_QPA_PLATFORM={args.platform}, `python bench/bench_bundle.py --runs {args.runs}`)")
    say("")
    say("Sizes in MiB (as `du -sm`).")
    say("")
    say("| figure | result | target |")
    say("|---|---|---|")
    say(f"| bundle start to the window shown with the sample | {ed:.3f} s median of {args.runs} "
        f"(min {min(ed_times):.3f}, max {max(ed_times):.3f}) | |")
    say(f"| bare Qt window bundle (same spec), same run | {ref:.3f} s median (min {min(bare_times):.3f}, "
        f"max {max(bare_times):.3f}) | |")
    say(f"| ratio editor / bare Qt | {ed / ref:.2f}× | ≤ 1.6× |")
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
