"""Background work (exports, print rendering) without freezing the window.

``run_in_background(parent, op, on_success, on_failure)`` runs ``op`` on the global
QThreadPool and calls the callbacks on the GUI thread. ``op`` must not touch widgets and gets
a snapshot (``report.copy()``), never the live report the user keeps editing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

_running: set[Task] = set()  # keep Python wrappers alive until the result arrives


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Runnable(QRunnable):
    def __init__(self, op: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.op = op
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.op()
        except BaseException as exc:  # handed to on_failure on the GUI thread
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


class Task(QObject):
    """Signals: finished(result) / failed(exception), emitted on the GUI thread."""

    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, on_success: Callable[[Any], None] | None, on_failure: Callable[[BaseException], None] | None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_success = on_success
        self._on_failure = on_failure
        self.relay = _Relay()  # lives in the GUI thread: its signals are queued to our slots
        self.relay.done.connect(self._done)
        self.relay.failed.connect(self._failed)
        self.running = True

    @Slot(object)
    def _done(self, result: Any) -> None:
        self.running = False
        _running.discard(self)
        if self._on_success is not None:
            self._on_success(result)
        self.finished.emit(result)

    @Slot(object)
    def _failed(self, exc: BaseException) -> None:
        self.running = False
        _running.discard(self)
        if self._on_failure is not None:
            self._on_failure(exc)
        self.failed.emit(exc)


def run_in_background(parent: QObject | None, op: Callable[[], Any],
                      on_success: Callable[[Any], None] | None = None,
                      on_failure: Callable[[BaseException], None] | None = None) -> Task:
    task = Task(on_success, on_failure, parent)
    _running.add(task)
    QThreadPool.globalInstance().start(_Runnable(op, task.relay))
    return task
