"""The only place that shows failures to the user (and the crash hook).

``show_error`` / ``show_info`` are seams that tests monkeypatch; the excepthook writes the
recovery file first, so an unexpected error never costs the user their work.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

LOG_LIMIT = 512 * 1024  # the error log is cut back to its newest half beyond this size
FLUSH_INTERVAL_S = 1.0  # an error repeated on every repaint must not rewrite the file each time


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    _show(parent, title, message, critical=True)


def show_info(parent: QWidget | None, title: str, message: str) -> None:
    _show(parent, title, message, critical=False)


def _show(parent: QWidget | None, title: str, message: str, *, critical: bool) -> None:
    from PySide6.QtWidgets import QMessageBox  # at the first message, not at start-up (QMessageBox's enums)

    icon = QMessageBox.Icon.Critical if critical else QMessageBox.Icon.Information
    box = QMessageBox(icon, title, message, QMessageBox.StandardButton.Ok, parent)
    box.button(QMessageBox.StandardButton.Ok).setText("确定")
    box.exec()


def append_log(path: Path | None, text: str) -> bool:
    """Add ``text`` to the error log (for support); never raises."""
    if path is None:
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > LOG_LIMIT:
            tail = path.read_bytes()[-LOG_LIMIT // 2:]
            path.write_bytes(tail)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"==== {time.strftime('%Y-%m-%d %H:%M:%S')}\n{text}\n")
        return True
    except OSError:
        return False


def crash_message(exc_type: type[BaseException], saved: bool, log_path: Path | None) -> str:
    lines = [f"年报编辑器遇到了一个意外的内部错误（{exc_type.__name__}），刚才的操作可能没有完成。", ""]
    if saved:
        lines.append("尚未保存的修改已写入恢复文件，不会丢失。建议立即保存（Ctrl+S）；如果问题再次出现，请保存后重新启动编辑器。")
    else:
        lines.append("写入恢复文件失败：请立即用“另存为”（Ctrl+Shift+S）把报告保存到别处，再重新启动编辑器。")
    if log_path is not None:
        lines += ["", f"错误详情已记录在：{log_path}（联系技术支持时请附上此文件）"]
    return "\n".join(lines)


def install_excepthook(parent: Callable[[], QWidget | None], flush_recovery: Callable[[], object],
                       log_path: Path | None = None) -> Callable[..., None]:
    """Unexpected exceptions: save the recovery file, log the traceback, show one Chinese message.

    The message is shown from the event loop, never from inside the failing call (which may be
    a paint event or a model's ``data()``), and each distinct error is shown once: a failure
    repeated on every repaint must not become a dialog storm.
    """
    shown: set[str] = set()
    state = {"pending": False, "flushed_at": -FLUSH_INTERVAL_S, "saved": True}

    def flush() -> None:
        now = time.monotonic()
        if now - state["flushed_at"] < FLUSH_INTERVAL_S:
            return
        state["flushed_at"] = now
        try:
            state["saved"] = flush_recovery() is not False
        except Exception:  # the crash handler itself must never raise
            traceback.print_exc(file=sys.stderr)
            state["saved"] = False

    def show(exc_type: type[BaseException], logged_to: Path | None) -> None:
        try:
            show_error(parent(), "内部错误", crash_message(exc_type, bool(state["saved"]), logged_to))
        finally:
            state["pending"] = False

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        sys.stderr.write(text)
        logged_to = log_path if append_log(log_path, text) else None
        flush()
        if issubclass(exc_type, KeyboardInterrupt):
            return  # Ctrl+C in the console that started the editor: not an error to report
        signature = f"{exc_type.__name__}: {exc}"
        if state["pending"] or signature in shown or QCoreApplication.instance() is None:
            return
        shown.add(signature)
        state["pending"] = True
        QTimer.singleShot(0, lambda: show(exc_type, logged_to))

    sys.excepthook = hook
    return hook
