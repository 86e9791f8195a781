"""Benchmark of the editor window (issue 3). A script, not a test: prints one figure per line.

    python bench/bench_gui.py [--runs 7] [--edits 300]

Figures, all under Qt's offscreen platform on this machine:
- process start to the main window shown with the sample (median of several fresh processes,
  measured from outside: spawn → the window's first paint);
- one cell edit to its highlight updated (median ms: ``model.setData`` until the total cell's
  ``dataChanged`` with the background role has been emitted);
- resident memory of such a process with the sample open, window shown (MB).

The sample is ``resources/samples/wulong-hrss-2021.json``; until that file exists, the 淮安 2024
report rebuilt from the test fixtures is used (a heavier report: every cell filled).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "resources" / "samples" / "wulong-hrss-2021.json"


def sample_path(tmp: Path) -> Path:
    if SAMPLE.exists():
        return SAMPLE
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import make_huaian  # the test fixtures' report

    from models import storage

    path = tmp / "huaian-city-2024.json"
    storage.save(make_huaian(), path)
    return path


def _rss_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource  # not on Windows; peak instead of current

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(sample: str, settings: str) -> int:
    """Run the real start-up path (``run_gui``) and report when the window is first painted."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])

    class Watch(QObject):
        done = False

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
            if not self.done and event.type() == QEvent.Type.Paint and obj.objectName() == "main_window":
                self.done = True
                print("SHOWN", flush=True)
                QTimer.singleShot(0, lambda: (print(f"RSS {_rss_mb():.1f}", flush=True), app.quit()))
            return False

    watch = Watch()
    app.installEventFilter(watch)
    from ui.app import run_gui

    return run_gui(sample, settings_path=settings)


def start_up(sample: Path, runs: int, tmp: Path) -> tuple[list[float], list[float]]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    times, rss = [], []
    for i in range(runs):
        settings = tmp / f"settings-{i}.ini"
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, __file__, "--child", str(sample), str(settings)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("SHOWN"):
                times.append(time.perf_counter() - t0)
            elif line.startswith("RSS"):
                rss.append(float(line.split()[1]))
        proc.wait(timeout=60)
        if proc.returncode != 0 or len(times) != i + 1:
            raise SystemExit(f"start-up run failed ({proc.returncode}):\n{proc.stderr.read() if proc.stderr else ''}")
    return times, rss


def edit_to_highlight(sample: Path, edits: int, tmp: Path) -> tuple[list[float], list[float]]:
    """Per edit: ms until the total cell's highlight is updated in the model, and ms until the
    visible table has repainted it (setData plus the paint events it causes)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from models import storage
    from models.values import CellRef
    from ui.main_window import MainWindow
    from ui.session import DocumentSession
    from ui.settings import AppSettings

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(AppSettings(tmp / "edit.ini"), tmp / "recovery")
    window.set_session(DocumentSession(storage.load(sample)))
    window.show()
    app.processEvents()
    model = window.pages["requests"].model  # type: ignore[attr-defined]
    part, total = CellRef("requests", "new", "natural"), CellRef("requests", "new", "total")
    part_index, total_row = model.index_of(part), model.index_of(total).row()
    base = window.session.report.values[part] or 0
    stamps: list[float] = []

    def on_changed(tl, br, roles) -> None:  # type: ignore[no-untyped-def]
        if tl.row() <= total_row <= br.row() and Qt.ItemDataRole.BackgroundRole in roles:
            stamps.append(time.perf_counter())

    model.dataChanged.connect(on_changed)
    window.tabs.setCurrentWidget(window.pages["requests"])  # the table on screen, as when typing
    app.processEvents()
    times, painted = [], []
    for i in range(edits):
        stamps.clear()
        value = base + 1 if i % 2 == 0 else base  # break the total, then mend it
        t0 = time.perf_counter()
        model.setData(part_index, str(value))
        if not stamps:
            raise SystemExit("the total cell's highlight was not updated")
        times.append((stamps[-1] - t0) * 1000)
        app.processEvents()  # the repaint the edit caused
        painted.append((time.perf_counter() - t0) * 1000)
    window.session.undo_stack.setClean()
    window.close()
    return times, painted


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--edits", type=int, default=300)
    ap.add_argument("--child", nargs=2, metavar=("SAMPLE", "SETTINGS"))
    args = ap.parse_args()
    if args.child:
        raise SystemExit(child(*args.child))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        sample = sample_path(tmp)
        times, rss = start_up(sample, args.runs, tmp)
        print(f"start to window shown ({sample.name}): {statistics.median(times):.3f} s median of {args.runs} "
              f"(min {min(times):.3f}, max {max(times):.3f})")
        edits, painted = edit_to_highlight(sample, args.edits, tmp)
        print(f"cell edit to highlight updated: {statistics.median(edits):.3f} ms median of {args.edits}")
        print(f"cell edit to highlight repainted on screen: {statistics.median(painted):.2f} ms median "
              f"of {args.edits}")
        print(f"resident memory with the sample open: {statistics.median(rss):.0f} MB")


if __name__ == "__main__":
    main()
