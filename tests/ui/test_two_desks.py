"""Two desks, one file (issue 7, item 1): two MainWindows (and a second process) on one report.

Desk A saves; desk B, which has the same report open, must notice (at save, at autosave, when
its window is activated) and ask before overwriting A's work; an unmodified B reloads quietly.
While a desk has the report open an owner file beside it says who; a second desk is told so and
can open it read-only, which really keeps it from saving over the file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from models import owner_file, storage
from models.report import Report
from models.values import CellRef
from ui.main_window import MainWindow

NATURAL = CellRef("requests", "new", "natural")


@pytest.fixture
def shared(tmp_path: Path, zeros: Report) -> Path:
    path = tmp_path / "共享" / "报告.json"
    path.parent.mkdir()
    storage.save(zeros, path)
    return path


def desk(make_window: Callable[..., Any], tmp_path: Path, name: str) -> MainWindow:
    return make_window(None, tmp_path / f"recovery-{name}")  # type: ignore[no-any-return]


def open_both(make_window: Callable[..., Any], tmp_path: Path, shared: Path, dialogs_log: Any) -> tuple[MainWindow, MainWindow]:
    a = desk(make_window, tmp_path, "a")
    assert a.documents.open_file(str(shared))
    b = desk(make_window, tmp_path, "b")
    dialogs_log.answers["ask_owner"] = "open"  # 仍然打开
    assert b.documents.open_file(str(shared))
    dialogs_log.answers.pop("ask_owner")
    return a, b


def edit(window: MainWindow, value: int) -> None:
    assert window.session is not None
    window.session.set_cells({NATURAL: value}, "编辑")


def saved_value(path: Path) -> Any:
    return storage.load(path).values[NATURAL]


# ---------------------------------------------------------------------- changed on disk


@pytest.mark.parametrize("choice, on_disk, b_value, b_modified", [
    ("cancel", 5, 7, True),  # nothing written: A's work stays
    ("overwrite", 7, 7, False),  # B chose to replace A's save
    ("reload", 5, 5, False),  # B's changes dropped, A's shown
])
def test_a_save_over_another_desks_save_asks_first(make_window: Callable[..., Any], tmp_path: Path, shared: Path,
                                                   dialogs_log: Any, choice: str, on_disk: int, b_value: int,
                                                   b_modified: bool) -> None:
    a, b = open_both(make_window, tmp_path, shared, dialogs_log)
    edit(a, 5)
    assert a.documents.save()
    edit(b, 7)
    dialogs_log.answers["ask_disk_conflict"] = choice
    b.documents.save()
    assert "ask_disk_conflict" in dialogs_log.names()
    name, who = dialogs_log.calls[dialogs_log.names().index("ask_disk_conflict")][1]
    assert name == "报告.json" and owner_file.current_user() in who and owner_file.current_host() in who
    assert saved_value(shared) == on_disk
    assert b.session.report.values[NATURAL] == b_value and b.session.modified == b_modified


def test_save_as_from_the_conflict_keeps_both(make_window: Callable[..., Any], tmp_path: Path, shared: Path,
                                              dialogs_log: Any) -> None:
    a, b = open_both(make_window, tmp_path, shared, dialogs_log)
    edit(a, 5)
    a.documents.save()
    edit(b, 7)
    dialogs_log.answers["ask_disk_conflict"] = "save_as"
    dialogs_log.answers["get_save_path"] = str(tmp_path / "B的版本.json")
    assert b.documents.save()
    assert saved_value(shared) == 5 and saved_value(tmp_path / "B的版本.json") == 7
    assert b.session.path == tmp_path / "B的版本.json"


def test_an_unmodified_desk_reloads_quietly_when_activated(make_window: Callable[..., Any], tmp_path: Path,
                                                            shared: Path, dialogs_log: Any, qtbot: Any) -> None:
    a, b = open_both(make_window, tmp_path, shared, dialogs_log)
    edit(a, 5)
    a.documents.save()
    QApplication.sendEvent(b, QEvent(QEvent.Type.WindowActivate))
    qtbot.waitUntil(lambda: b.session.report.values[NATURAL] == 5)
    assert not b.session.modified and "ask_disk_conflict" not in dialogs_log.names()
    assert "已重新载入" in b.statusBar().currentMessage()
    # and B's next save compares with what it reloaded: no question
    edit(b, 9)
    assert b.documents.save() and saved_value(shared) == 9 and "ask_disk_conflict" not in dialogs_log.names()


def test_a_modified_desk_is_asked_when_activated_and_once_per_change(make_window: Callable[..., Any],
                                                                      tmp_path: Path, shared: Path,
                                                                      dialogs_log: Any, qtbot: Any) -> None:
    a, b = open_both(make_window, tmp_path, shared, dialogs_log)
    edit(b, 7)
    edit(a, 5)
    a.documents.save()
    dialogs_log.answers["ask_disk_conflict"] = "cancel"
    b.documents.check_disk()
    assert dialogs_log.names().count("ask_disk_conflict") == 1
    assert b.warning_label.isVisible() and "已被他人修改" in b.warning_label.text()
    b.documents.check_disk()  # the same change: not asked again until the save, and still said
    assert dialogs_log.names().count("ask_disk_conflict") == 1
    assert b.warning_label.isVisible()
    assert b.session.report.values[NATURAL] == 7 and saved_value(shared) == 5


def test_autosave_notices_the_change(make_window: Callable[..., Any], tmp_path: Path, shared: Path,
                                     dialogs_log: Any, qtbot: Any) -> None:
    a, b = open_both(make_window, tmp_path, shared, dialogs_log)
    edit(a, 5)
    a.documents.save()
    dialogs_log.answers["ask_disk_conflict"] = "reload"
    edit(b, 7)  # the recovery timer (autosave) fires ~1 s later
    qtbot.waitUntil(lambda: "ask_disk_conflict" in dialogs_log.names(), timeout=5000)
    qtbot.waitUntil(lambda: b.session.report.values[NATURAL] == 5)


def test_a_file_only_touched_is_not_a_change(make_window: Callable[..., Any], tmp_path: Path, shared: Path,
                                             dialogs_log: Any) -> None:
    a, b = open_both(make_window, tmp_path, shared, dialogs_log)
    os.utime(shared, (1_000_000_000, 1_000_000_000))  # a backup tool touched it; same bytes
    edit(b, 7)
    assert b.documents.save() and "ask_disk_conflict" not in dialogs_log.names()


# ---------------------------------------------------------------------- the owner file


def test_an_owner_file_says_who_has_the_report_open(make_window: Callable[..., Any], tmp_path: Path,
                                                    shared: Path, dialogs_log: Any) -> None:
    a = desk(make_window, tmp_path, "a")
    assert a.documents.open_file(str(shared))
    lock = owner_file.owner_path(shared)
    assert lock.exists() and lock.name == ".~lock.报告.json#"
    owner = owner_file.read_owner(shared)
    assert owner is not None and owner.user == owner_file.current_user() and owner.host == owner_file.current_host()
    assert owner.pid == os.getpid()
    b = desk(make_window, tmp_path, "b")
    dialogs_log.answers["ask_owner"] = "cancel"
    assert not b.documents.open_file(str(shared))
    name, text = dialogs_log.calls[-1][1]
    assert name == "报告.json"
    assert text == f"{owner.user} 于 {owner.since:%H:%M} 在 {owner.host} 打开了此文件"
    a.close()
    assert not lock.exists()  # removed on close


def test_read_only_really_keeps_the_desk_from_saving_over_the_file(make_window: Callable[..., Any],
                                                                   tmp_path: Path, shared: Path,
                                                                   dialogs_log: Any) -> None:
    a = desk(make_window, tmp_path, "a")
    a.documents.open_file(str(shared))
    b = desk(make_window, tmp_path, "b")
    dialogs_log.answers["ask_owner"] = "readonly"
    assert b.documents.open_file(str(shared))
    assert b.session.read_only and "只读" in b.windowTitle()
    assert owner_file.read_owner(shared).token == a.documents.owner.token  # B claimed nothing
    before = shared.read_bytes()
    edit(b, 7)
    dialogs_log.answers["ask_yes_no"] = False  # 另存为？ no
    assert not b.documents.save()
    assert shared.read_bytes() == before
    text = dialogs_log.calls[-1][1][1]
    assert "只读" in text
    # 另存为 writes elsewhere and the copy is B's own, writable
    dialogs_log.answers["ask_yes_no"] = True
    dialogs_log.answers["get_save_path"] = str(tmp_path / "副本.json")
    assert b.documents.save()
    assert shared.read_bytes() == before and saved_value(tmp_path / "副本.json") == 7
    assert not b.session.read_only


def test_a_file_read_only_on_disk_opens_read_only_and_offers_save_as(make_window: Callable[..., Any],
                                                                      tmp_path: Path, shared: Path,
                                                                      dialogs_log: Any) -> None:
    os.chmod(shared, 0o444)
    a = desk(make_window, tmp_path, "a")
    assert a.documents.open_file(str(shared))
    assert a.session.read_only and not owner_file.owner_path(shared).exists()
    edit(a, 3)
    dialogs_log.answers["ask_yes_no"] = False
    assert not a.documents.save()
    assert "文件为只读" in dialogs_log.calls[-1][1][1]


def test_stale_owner_files_are_ignored(make_window: Callable[..., Any], tmp_path: Path, shared: Path) -> None:
    host = owner_file.current_host()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    lock = owner_file.owner_path(shared)
    now = datetime.now()
    stale = [
        owner_file.Owner("崩溃的桌面", host, int(dead.stdout), now, now, "t1"),  # same host, process gone
        owner_file.Owner("远方", "另一台电脑", os.getpid(), now - timedelta(hours=5), now - timedelta(hours=3), "t2"),
    ]
    for owner in stale:
        lock.write_text(owner.to_json(), encoding="utf-8")
        old = (now - timedelta(hours=3)).timestamp() if owner.host != host else now.timestamp()
        os.utime(lock, (old, old))
        w = desk(make_window, tmp_path, owner.token)
        assert w.documents.open_file(str(shared))  # no ask_owner: the conftest would fail on it
        assert owner_file.read_owner(shared).token == w.documents.owner.token
        w.close()


def test_a_second_process_holding_the_report_is_seen_and_its_crash_is_not(make_window: Callable[..., Any],
                                                                         tmp_path: Path, shared: Path,
                                                                         dialogs_log: Any) -> None:
    code = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
        from models.owner_file import OwnerFile
        owner = OwnerFile({str(shared)!r})
        assert owner.claim()
        print("claimed", flush=True)
        time.sleep(60)
    """)
    other = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "claimed"
        owner = owner_file.read_owner(shared)
        assert owner is not None and owner.pid == other.pid
        w = desk(make_window, tmp_path, "w")
        dialogs_log.answers["ask_owner"] = "cancel"
        assert not w.documents.open_file(str(shared))
        assert dialogs_log.names() == ["ask_owner"]
    finally:
        other.kill()
        other.wait()
    # killed: its owner file stays behind, stale (same computer, process gone)
    assert owner_file.owner_path(shared).exists()
    assert w.documents.open_file(str(shared)) and dialogs_log.names() == ["ask_owner"]
    owner = json.loads(owner_file.owner_path(shared).read_text(encoding="utf-8"))
    assert owner["pid"] == os.getpid()
