"""Start-up cost as instructions executed (valgrind's callgrind), editor against the bare Qt window.

    python bench/startup_instructions.py [--also DIR ...]

CPU times on a shared machine wander by ±20 % from run to run (other processes, a VM's stolen
time); the number of instructions a start executes does not (±0.1 %). This counts them from
process start to the window's first paint (the process ends there, ``os._exit``, so quitting is
not counted) for ``python main.py SAMPLE`` and for ``bench/bare_qt_window.py --table``, offscreen,
and prints their ratio: the same ratio as bench_startup.py's, in a unit that does not depend on
the load. ``--also DIR`` counts the editor of another checkout too (e.g. a worktree of the
previous main), run with this interpreter. Needs valgrind; ≈ 15 s per start.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "resources" / "samples" / "wulong-hrss-2021.json"

# Runs a checkout's main.py on the sample and ends the process at the window's first paint.
EDITOR = """
import os, runpy, sys
root, sample = sys.argv[1], sys.argv[2]
sys.path.insert(0, root)
os.chdir(root)
import ui.app
ui.app.quit_when_shown = lambda app, window: ui.app.at_first_paint(window, lambda: os._exit(0))
sys.argv = [os.path.join(root, "main.py"), sample]
runpy.run_path(sys.argv[0], run_name="__main__")
"""

# bench/bare_qt_window.py, ended the same way: its probe prints SHOWN at the first paint.
BARE = """
import builtins, os, runpy, sys
real_print = builtins.print
def print_until_shown(*args, **kwargs):
    if args and args[0] == "SHOWN":
        os._exit(0)
    real_print(*args, **kwargs)
builtins.print = print_until_shown
sys.argv = [sys.argv[1], "--table"]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def instructions(args: list[str], env: dict[str, str]) -> int:
    proc = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *args],
                          capture_output=True, text=True, env=env, timeout=600)
    found = re.search(r"Collected : (\d+)", proc.stderr)
    if not found:
        raise SystemExit(f"valgrind gave no count for {args}:\n{proc.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--also", type=Path, action="append", default=[], metavar="DIR",
                    help="another checkout whose editor to count too")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NIANBAO_QUIT_WHEN_SHOWN="1", HOME=tmp,
                   XDG_CONFIG_HOME=f"{tmp}/config", XDG_DATA_HOME=f"{tmp}/data")
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as a desk's start: bytecode cached
        rows = []
        for root in [ROOT, *args.also]:
            editor = [sys.executable, "-c", EDITOR, str(root.resolve()), str(SAMPLE)]
            subprocess.run(editor, env=env, capture_output=True, timeout=120)  # writes the bytecode caches
            rows.append((f"editor ({root})", instructions(editor, env)))
        bare = [sys.executable, "-c", BARE, str(ROOT / "bench" / "bare_qt_window.py")]
        reference = instructions(bare, env)
    print("instructions from process start to the first paint (callgrind), offscreen:\n")
    print("| | instructions | ratio to the bare window |")
    print("|---|---|---|")
    for name, count in rows:
        print(f"| {name} | {count / 1e6:.0f} M | **{count / reference:.2f}×** |")
    print(f"| bare Qt window + table view | {reference / 1e6:.0f} M | |")


if __name__ == "__main__":
    main()
