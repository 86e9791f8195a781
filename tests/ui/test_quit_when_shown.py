"""NIANBAO_QUIT_WHEN_SHOWN (smoke test, .deb check, start-up benches): the window reports its first
paint and quits, whatever happens to standard output meanwhile."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from ui.app import quit_when_shown


class GoneReader(io.TextIOBase):
    """A pipe whose reader has left (`| grep -q SHOWN` after its match)."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


class App:
    def __init__(self) -> None:
        self.quits = 0

    def quit(self) -> None:
        self.quits += 1


def _show(qtbot: Any, stdout: io.TextIOBase, monkeypatch: pytest.MonkeyPatch) -> App:
    monkeypatch.setattr("sys.stdout", stdout)
    app = App()
    window = QWidget()
    window.setWindowTitle("某某局2021年政府信息公开工作年度报告[*]")
    qtbot.addWidget(window)
    quit_when_shown(app, window)
    window.show()
    qtbot.waitUntil(lambda: app.quits == 1, timeout=5000)
    return app


def test_the_first_paint_is_reported_in_one_write_and_the_app_quits(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    _show(qtbot, out, monkeypatch)
    lines = out.getvalue().splitlines()
    assert lines[0] == "SHOWN 某某局2021年政府信息公开工作年度报告" and lines[1].startswith("CPU ")
    assert float(lines[1].split()[1]) > 0


def test_a_reader_that_has_left_does_not_keep_the_window_open(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _show(qtbot, GoneReader(), monkeypatch)  # no error raised inside the paint event
    assert app.quits == 1
