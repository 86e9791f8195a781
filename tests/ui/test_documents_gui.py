"""The window's 导出 Word / 导出网页 and importing a Word file or the published PDF, as a user does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ui_helpers import wait_done

from importers import read_report
from ui.main_window import MainWindow

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.mark.parametrize(("suffix", "action"), [(".docx", "act_export_docx"), (".html", "act_export_html")])
def test_export_word_and_web_page_in_the_background(qtbot: Any, window: MainWindow, dialogs_log: Any,
                                                    tmp_path: Path, suffix: str, action: str) -> None:
    assert getattr(window, action).text().startswith("导出")
    menu_texts = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert getattr(window, action).text() in menu_texts
    dialogs_log.answers["ask_yes_no"] = True
    dialogs_log.answers["get_save_path"] = str(tmp_path / "年报")  # the suffix is added
    task = window.documents.export(suffix)
    assert task is not None
    assert not getattr(window, action).isEnabled()  # no second export while one runs
    with qtbot.waitSignal(task.finished, timeout=30_000):
        pass
    out = tmp_path / f"年报{suffix}"
    assert out.exists() and not dialogs_log.errors
    assert read_report(out).report.same_content(window.session.report)
    assert getattr(window, action).isEnabled()


@pytest.mark.parametrize("name", ["huaian-city-2024.pdf"])
def test_import_the_published_pdf(qtbot: Any, window: MainWindow, dialogs_log: Any, name: str) -> None:
    dialogs_log.answers["get_open_path"] = str(FIXTURES / name)
    dialogs_log.answers["ask_save_changes"] = "discard"
    wait_done(qtbot, window.documents.import_text())
    report = window.session.report
    assert (report.meta.agency, report.meta.year) == ("淮安市人民政府", 2024)
    assert report.value("requests", "results_total", "total") == 3050
    assert window.session.modified and window.session.path is None
    assert not dialogs_log.errors


def test_open_an_old_word_file_says_save_as_docx(qtbot: Any, window: MainWindow, dialogs_log: Any, tmp_path: Path) -> None:
    old = tmp_path / "去年.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    session = window.session
    dialogs_log.answers["get_open_path"] = str(old)
    wait_done(qtbot, window.documents.import_text())
    assert window.session is session
    assert "另存为" in dialogs_log.errors[-1][1] and ".docx" in dialogs_log.errors[-1][1]
