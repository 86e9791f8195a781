"""The only place that shows failures to the user (and the crash hook).

``show_error`` / ``show_info`` are seams that tests monkeypatch; the excepthook writes the
recovery file first, so an unexpected error never costs the user their work.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Critical, title, message, QMessageBox.StandardButton.Ok, parent)
    box.button(QMessageBox.StandardButton.Ok).setText("确定")
    box.exec()


def show_info(parent: QWidget | None, title: str, message: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, title, message, QMessageBox.StandardButton.Ok, parent)
    box.button(QMessageBox.StandardButton.Ok).setText("确定")
    box.exec()


_showing = False


def install_excepthook(parent: Callable[[], QWidget | None], flush_recovery: Callable[[], None]) -> None:
    """Unexpected exceptions: save the recovery file, log the traceback, show one message."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        global _showing
        traceback.print_exception(exc_type, exc, tb, file=sys.stderr)
        try:
            flush_recovery()
        except Exception:  # the crash handler itself must never raise
            traceback.print_exc(file=sys.stderr)
        if _showing:
            return  # one message at a time, never a dialog storm
        _showing = True
        try:
            show_error(
                parent(),
                "内部错误",
                f"年报编辑器遇到了一个意外错误：{exc_type.__name__}: {exc}\n\n"
                "您的修改已写入恢复文件；建议立即保存，必要时重新启动编辑器。",
            )
        finally:
            _showing = False

    sys.excepthook = hook
