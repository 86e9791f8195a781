"""Background tasks, the recovery store, settings, printing: the editor's supporting parts."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QImage, QPdfWriter

from models.report import Report
from models.values import CellRef
from ui import printing
from ui.recovery import RecoveryStore
from ui.settings import AppSettings
from ui.tasks import run_in_background


def test_background_task_reports_success_on_the_gui_thread(qtbot: Any) -> None:
    seen: list[tuple[Any, bool]] = []
    task = run_in_background(None, lambda: 21 * 2,
                             lambda result: seen.append((result, threading.current_thread() is threading.main_thread())))
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert seen == [(42, True)]


def test_background_task_failure_reaches_on_failure(qtbot: Any) -> None:
    failures: list[BaseException] = []

    def op() -> None:
        raise ValueError("坏了")

    task = run_in_background(None, op, None, failures.append)
    with qtbot.waitSignal(task.failed, timeout=5000):
        pass
    assert [str(e) for e in failures] == ["坏了"]


def test_background_task_hands_parts_over_in_order_before_it_ends(qtbot: Any) -> None:
    from models.progress import Cancelled, current

    seen: list[tuple[str, Any, bool]] = []

    def op() -> str:
        progress = current()
        assert progress is not None
        for part in ([1, 2], [3]):
            progress.send(part)
        progress.count(3, 3)
        return "end"

    task = run_in_background(None, op, lambda r: seen.append(("done", r, threading.current_thread() is threading.main_thread())))
    task.partial.connect(lambda p: seen.append(("part", p, threading.current_thread() is threading.main_thread())))
    task.counted.connect(lambda d, t: seen.append(("count", (d, t), True)))
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert seen == [("part", [1, 2], True), ("part", [3], True), ("count", (3, 3), True), ("done", "end", True)]

    # cancelled: the parts sent before the stop still arrive, then ``cancelled`` (not ``failed``)
    gate = threading.Event()
    parts: list[Any] = []
    ended: list[str] = []

    def stopping() -> None:
        progress = current()
        assert progress is not None
        progress.send("first")
        gate.wait(5)
        if progress.cancelled:
            raise Cancelled

    task = run_in_background(None, stopping, lambda _r: ended.append("done"), lambda _e: ended.append("failed"),
                             lambda: ended.append("cancelled"))
    task.partial.connect(parts.append)
    task.cancel()
    gate.set()
    with qtbot.waitSignal(task.cancelled, timeout=5000):
        pass
    assert parts == ["first"] and ended == ["cancelled"]


def test_recovery_store_round_trip_and_slots(tmp_path: Path, zeros: Report) -> None:
    a = RecoveryStore(tmp_path)
    b = RecoveryStore(tmp_path)  # a second editor running at the same time
    assert a.slot != b.slot
    zeros.values[CellRef("requests", "new", "natural")] = 5
    a.write(zeros, tmp_path / "x.json")
    assert b.leftover() is None
    a.release()  # the editor died: nobody holds slot a any more
    c = RecoveryStore(tmp_path)
    assert c.slot == a.slot
    got = c.leftover()
    assert got is not None and got.report.same_content(zeros)
    assert got.original_path == str(tmp_path / "x.json")
    assert "x.json" in got.describe()
    c.remove()
    assert c.leftover() is None
    for store in (b, c):
        store.release()


def test_a_recovery_file_of_everything_the_fields_take_is_offered(tmp_path: Path, zeros: Report) -> None:
    """The fields stop at the limits, and whatever they took comes back after a crash: every text
    at its limit, more than a report file may hold in all (the save is refused, the work is not lost)."""
    from models import limits, storage

    zeros.meta.agency = "机" * limits.MAX_AGENCY_CHARS
    for key in ("overview", "problems", "other"):
        zeros.texts[key] = "汉" * limits.MAX_TEXT_CHARS
    zeros.texts["preface"] = "序" * limits.MAX_TEXT_CHARS
    for key in ("proactive", "requests", "appeals"):
        zeros.notes[key] = "注" * limits.MAX_TEXT_CHARS
    assert not limits.report_problems(zeros)  # each text fits …
    with pytest.raises(storage.ReportFileError):  # … but not all together into one file
        storage.save(zeros, tmp_path / "r.json")
    store = RecoveryStore(tmp_path)
    store.write(zeros, None)
    assert store.path.stat().st_size > limits.MAX_FILE_BYTES
    got = store.leftover()
    assert got is not None and got.report.same_content(zeros)
    store.release()


def test_a_corrupt_recovery_file_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "recovery-0.json").write_text("{broken", encoding="utf-8")
    store = RecoveryStore(tmp_path)
    assert store.slot == 0 and store.leftover() is None
    store.release()


def test_settings_persist_in_the_ini_file(tmp_path: Path) -> None:
    ini = tmp_path / "s.ini"
    s = AppSettings(ini)
    s.add_recent(tmp_path / "a.json")
    s.add_recent(tmp_path / "b.json")
    s.add_recent(tmp_path / "a.json")
    s.last_dir = str(tmp_path)
    s.sync()
    again = AppSettings(ini)
    assert again.recent_files == [str((tmp_path / "a.json").resolve()), str((tmp_path / "b.json").resolve())]
    assert again.last_dir == str(tmp_path)
    again.remove_recent(tmp_path / "a.json")
    assert again.recent_files == [str((tmp_path / "b.json").resolve())]


def test_paint_pages_draws_every_rendered_page(qtbot: Any, tmp_path: Path) -> None:
    from pypdf import PdfReader

    colours = [QColor("red"), QColor("blue"), QColor("green")]

    def render(page: int, dpi: int) -> QImage:
        image = QImage(100, 141, QImage.Format.Format_RGB888)
        image.fill(colours[page])
        return image

    out = tmp_path / "printed.pdf"
    writer = QPdfWriter(str(out))
    printing.paint_pages(writer, 3, render)
    assert len(PdfReader(str(out)).pages) == 3


def test_page_renderer_explains_what_is_missing(monkeypatch: Any) -> None:
    # Neither QtPdf nor pypdfium2: a Chinese message that says what to install.
    monkeypatch.setitem(sys.modules, "PySide6.QtPdf", None)
    monkeypatch.setitem(sys.modules, "pypdfium2", None)
    try:
        printing.page_renderer(b"%PDF-1.4")
    except printing.PrintUnavailable as exc:
        assert "pip install pypdfium2" in str(exc) and "导出 PDF" in str(exc)
    else:
        raise AssertionError("expected PrintUnavailable")
    assert QCoreApplication.instance() is not None


def test_a_real_pdf_is_rendered_page_by_page(qtbot: Any, tmp_path: Path) -> None:
    import pytest

    pytest.importorskip("pypdfium2")
    from PySide6.QtGui import QPainter

    src = tmp_path / "two.pdf"
    writer = QPdfWriter(str(src))
    painter = QPainter(writer)
    painter.drawText(100, 100, "第一页")
    writer.newPage()
    painter.drawText(100, 100, "第二页")
    painter.end()
    count, render = printing.page_renderer(src.read_bytes())
    assert count == 2
    image = render(1, 72)
    assert not image.isNull() and 580 <= image.width() <= 620  # A4 at 72 dpi ≈ 595 pt wide


def test_qt_warnings_fail_the_gui_tests(pytestconfig: Any) -> None:
    """pytest-qt turns a Qt warning during a test into a failure (pyproject.toml)."""
    assert pytestconfig.getini("qt_log_level_fail") == "WARNING"
    ignored = pytestconfig.getini("qt_log_ignore")
    assert ignored == ["^This plugin does not support (propagateSizeHints|raise)\\(\\)$"]  # offscreen's own only
