"""Batch checking cost as instructions executed per report (valgrind's callgrind), one process.

    python bench/batch_instructions.py [--units 40] [--years 5] [--also DIR ...]

CPU times on this shared 2-core VM wander by ±20–50 % with the neighbours (bench_batch.py's
figures); the number of instructions a run executes does not (±0.1 %). This writes the bench's
tree (``bench_batch.write_tree``: half the reports full of errors), then counts, in one process
(``NIANBAO_BATCH_WORKERS=1``), ``check --json`` over its files and ``review --json`` of its
folder, each minus the same command over an empty folder (start-up), per report. ``--also DIR``
counts another checkout too (e.g. a worktree of the previous main), run with this interpreter,
over the same tree. What two workers, the parent and IPC add is in bench_batch.py's figures, not
here. Needs valgrind; ≈ 20 s per count.
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
sys.path.insert(0, str(ROOT / "bench"))

from bench_batch import write_tree  # noqa: E402

# Runs a checkout's check --json / review --json in this process, output to the null device.
RUN = """
import glob, io, os, sys
root, what, folder = sys.argv[1:4]
sys.path.insert(0, root)
os.chdir(root)
os.environ["NIANBAO_BATCH_WORKERS"] = "1"
import main
sys.stdout = io.TextIOWrapper(open(os.devnull, "wb"), encoding="utf-8")
if what == "check":
    main.cmd_check(sorted(glob.glob(os.path.join(folder, "*", "*.json"))), True, None)
else:
    main.cmd_review([folder], None, True, [])
sys.stdout.flush()
"""


def instructions(root: Path, what: str, folder: Path) -> int:
    proc = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
                           "-c", RUN, str(root), what, str(folder)], capture_output=True, text=True, timeout=1800)
    found = re.search(r"Collected : (\d+)", proc.stderr)
    if not found:
        raise SystemExit(f"valgrind gave no count for {root} {what}:\n{proc.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=40)
    ap.add_argument("--years", type=int, default=5)
    ap.add_argument("--also", action="append", default=[], help="another checkout to count (its root folder)")
    args = ap.parse_args()
    roots = [ROOT, *(Path(p).resolve() for p in args.also)]
    with tempfile.TemporaryDirectory(prefix="batch-instr-") as tmp:
        folder, empty = Path(tmp) / "reports", Path(tmp) / "empty"
        n = len(write_tree(folder, args.units, args.years))
        (empty / "2024").mkdir(parents=True)
        print(f"{n} report files ({args.units} units × {args.years} years, half of them full of errors), one process:")
        for root in roots:
            for what in ("check", "review"):
                per_file = (instructions(root, what, folder) - instructions(root, what, empty)) / n
                print(f"  {os.path.basename(root) or root}: {what} --json {per_file / 1e6:6.2f} M instructions per report",
                      flush=True)


if __name__ == "__main__":
    main()
