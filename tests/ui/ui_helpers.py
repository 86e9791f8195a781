"""Helpers shared by the UI tests (not collected: the name does not start with test_)."""

from __future__ import annotations

from typing import Any

from models.report import Report
from ui.section_model import SectionTableModel
from ui.section_view import SectionView
from ui.session import DocumentSession


def make_view(qtbot: Any, report: Report, section: str = "requests") -> SectionView:
    view = SectionView(SectionTableModel(DocumentSession(report), section))
    qtbot.addWidget(view)
    view.resize(1300, 900)
    view.show()
    qtbot.waitExposed(view)
    view.setFocus()
    return view


def wait_done(qtbot: Any, task: Any, timeout: int = 30_000) -> None:
    """Imports and exports run in the background: wait until ``task`` has finished, failed or
    been cancelled (and its callbacks have run on the GUI thread)."""
    assert task is not None
    qtbot.waitUntil(lambda: not task.running, timeout=timeout)
