"""Failures are never silent (issue 7, item 6): a recovery file that cannot be written keeps a
warning in the status bar until it works again; a file with characters UTF-8 cannot hold opens
with them replaced and a note, and the first edit is no internal error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from models import storage
from models.report import Report
from models.values import CellRef
from ui.main_window import MainWindow
from ui.text_section import TextSectionEditor

NATURAL = CellRef("requests", "new", "natural")


def test_a_recovery_file_that_cannot_be_written_is_a_persistent_warning(qtbot: Any, window: MainWindow,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    assert window.recovery is not None
    real = storage.write_atomic

    def full_disk(path: Path, data: bytes) -> Any:
        raise storage.ReportFileError(f"无法在 {path.parent} 中写入：磁盘空间不足")

    monkeypatch.setattr(storage, "write_atomic", full_disk)
    window.session.set_cells({NATURAL: 4}, "编辑")
    assert window.documents.flush_recovery() is False
    label = window.warning_label
    assert label.isVisible() and "自动恢复文件无法写入" in label.text() and "磁盘空间不足" in label.text()
    window.statusBar().showMessage("别的消息")  # a passing message does not hide it
    window.session.set_cells({NATURAL: 5}, "编辑")
    window.documents.flush_recovery()
    assert label.isVisible()
    monkeypatch.setattr(storage, "write_atomic", real)
    assert window.documents.flush_recovery() is True
    assert not label.isVisible()  # works again: the warning goes


def test_the_recovery_timer_shows_the_warning_too(qtbot: Any, window: MainWindow,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(path: Path, data: bytes) -> Any:
        raise storage.ReportFileError("保存 recovery-0.json 失败：没有访问权限")

    monkeypatch.setattr(storage, "write_atomic", denied)
    window.session.set_cells({NATURAL: 4}, "编辑")  # the recovery file is written ~1 s later
    qtbot.waitUntil(window.warning_label.isVisible, timeout=5000)
    assert "没有访问权限" in window.warning_label.text()


def test_a_file_with_a_lone_surrogate_opens_and_edits_without_an_error(qtbot: Any, window: MainWindow,
                                                                        zeros: Report, tmp_path: Path,
                                                                        dialogs_log: Any) -> None:
    path = tmp_path / "坏字符.json"
    storage.save(zeros, path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["sections"]["problems"]["text"] = "改进\ud800措施"
    path.write_text(json.dumps(doc), encoding="utf-8")  # the escape \\ud800 in the file
    dialogs_log.answers["ask_save_changes"] = "discard"
    assert window.documents.open_file(str(path))
    summary = [args for name, args in dialogs_log.calls if name == "show_import_summary"]
    assert summary and "无法保存的字符" in summary[0][1][0].message
    page = window.pages["problems"]
    assert isinstance(page, TextSectionEditor)
    window.tabs.setCurrentWidget(page)
    page.editor.setFocus()
    page.editor.moveCursor(page.editor.textCursor().MoveOperation.End)
    page.editor.insertPlainText("。")  # what an input method commits
    assert window.session.report.text("problems") == "改进\ufffd措施。"
    assert window.documents.save() and not dialogs_log.errors
    assert storage.load(path).text("problems") == "改进\ufffd措施。"
