"""Qt fixtures for the editor's tests. Offscreen, and no modal dialog can ever block a test.

Every function of ``ui.dialogs`` and ``ui.errors.show_error/show_info`` is replaced by a
recorder; a test that expects a question sets its answer in ``dialogs_log.answers``. An
unexpected dialog fails the test instead of hanging it.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

from collections.abc import Callable, Iterator  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from decimal import Decimal  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

import ui.qtfix  # noqa: E402, F401  (as run_gui does first: PySide6 6.12's emit()/disconnect() reference bug)
from models.report import Report  # noqa: E402
from models.template import load_template
from models.values import CellRef  # noqa: E402

DIALOGS = ("ask_save_changes", "ask_yes_no", "get_open_path", "get_save_path", "ask_new_report",
           "ask_explanation", "ask_restore", "show_import_summary", "show_about", "ask_disk_conflict", "ask_owner",
           "ask_new_from_last", "get_folder", "get_open_paths")


@dataclass
class DialogLog:
    """What the code under test asked, and the answers the test prepared."""

    calls: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)
    infos: list[tuple[str, str]] = field(default_factory=list)

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


@pytest.fixture(autouse=True)
def dialogs_log(monkeypatch: pytest.MonkeyPatch) -> DialogLog:
    from ui import dialogs, errors

    log = DialogLog()

    def recorder(name: str) -> Callable[..., Any]:
        def ask(parent: Any, *args: Any, **kwargs: Any) -> Any:
            log.calls.append((name, args))
            if name in ("show_import_summary", "show_about"):
                return None
            if name not in log.answers:
                raise AssertionError(f"unexpected dialog {name}{args}")
            answer = log.answers[name]
            return answer(*args) if callable(answer) else answer
        return ask

    for name in DIALOGS:
        monkeypatch.setattr(dialogs, name, recorder(name))
    monkeypatch.setattr(errors, "show_error", lambda parent, title, message: log.errors.append((title, message)))
    monkeypatch.setattr(errors, "show_info", lambda parent, title, message: log.infos.append((title, message)))
    return log


@pytest.fixture(autouse=True)
def widgets_kept_alive(qtbot: Any) -> Iterator[None]:
    """``qtbot.addWidget`` keeps only a weak reference: a top-level widget the test no longer names
    could be collected by Python's cycle collector at any moment, even in the middle of its own
    paint while pytest-qt processes events after the test (a segfault in the model's data()).
    Hold every added widget until pytest-qt has closed it."""
    kept: list[Any] = []
    add = qtbot.addWidget

    def add_and_keep(widget: Any, *args: Any, **kwargs: Any) -> Any:
        kept.append(widget)
        return add(widget, *args, **kwargs)

    qtbot.addWidget = add_and_keep
    yield
    kept.clear()


def zero_report(agency: str = "某某区某某局", year: int = 2024) -> Report:
    """Every cell 0, narratives written: no error, no warning."""
    report = Report.blank(load_template("2021"), agency=agency, year=year)
    for ref in report.cell_refs():
        report.values[ref] = 0
    report.texts.update(
        overview="本年共收到政府信息公开申请0件。",
        problems="信息更新不够及时，下一步将加强审核。",
        other="本机关未收取信息处理费。",
    )
    return report


@pytest.fixture
def zeros() -> Report:
    return zero_report()


@pytest.fixture
def settings(tmp_path: Path) -> Any:
    from ui.settings import AppSettings

    return AppSettings(tmp_path / "settings.ini")


def _make_window(qtbot: Any, settings: Any, recovery_dir: Path, report: Report | None) -> Any:
    from ui.main_window import MainWindow
    from ui.session import DocumentSession

    window = MainWindow(settings, recovery_dir)
    qtbot.addWidget(window, before_close_func=_forget)  # pytest-qt closes widgets before fixture teardown
    if report is not None:
        window.set_session(DocumentSession(report))
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    return window


def _forget(window: Any) -> None:
    """Let the window close at teardown without a save prompt."""
    if window.session is not None:
        window.session.undo_stack.setClean()
        window.session._dirty = False
    if window.recovery is not None:
        window.recovery.discard()
        window.recovery.store.release()


@pytest.fixture
def make_window(qtbot: Any, settings: Any, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    made: list[Any] = []

    def make(report: Report | None = None, recovery_dir: Path | None = None) -> Any:
        window = _make_window(qtbot, settings, recovery_dir or tmp_path / "recovery", report)
        made.append(window)
        return window

    yield make


@pytest.fixture
def window(make_window: Callable[..., Any], zeros: Report) -> Any:
    return make_window(zeros)


def ref(section: str, row: str, column: str) -> CellRef:
    return CellRef(section, row, column)


def amount(text: str) -> Decimal:
    return Decimal(text)
