"""Background work (imports, exports, print rendering) without freezing the window.

``run_in_background(parent, op, on_success, on_failure)`` runs ``op`` on the global
QThreadPool and calls the callbacks on the GUI thread. ``op`` must not touch widgets and gets
a snapshot (``report.copy()``), never the live report the user keeps editing.

Every task can be cancelled: ``op`` runs under a :class:`models.progress.Progress`, whose
checkpoints (in the importers and exporters) raise ``Cancelled`` once ``task.cancel()`` was
called; the task then emits ``cancelled`` instead of ``failed``. The stage a checkpoint names
arrives as ``stage(text)`` on the GUI thread, countable work (``Progress.count``) as
``counted(done, total)``, and parts of the result sent early (``Progress.send``) as
``partial(part)``: all queued through the task, so nothing reaches a window already closed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from models.progress import Cancelled, Progress, running

# Keep Python wrappers alive until the result arrives (keyed by id: a task's own destroyed
# handler must not hold the wrapper, or a parentless task would never be freed).
_running: dict[int, Task] = {}


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)
    stage = Signal(str)
    counted = Signal(int, int)
    partial = Signal(object)


class _Runnable(QRunnable):
    def __init__(self, op: Callable[[], Any], relay: _Relay, progress: Progress) -> None:
        super().__init__()
        self.op = op
        self.relay = relay
        self.progress = progress

    def run(self) -> None:
        try:
            with running(self.progress):
                result = self.op()
        except BaseException as exc:  # handed to on_failure (or cancelled) on the GUI thread
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


class Task(QObject):
    """Signals: finished(result) / failed(exception) / cancelled() and stage(text), emitted on
    the GUI thread."""

    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    stage = Signal(str)
    counted = Signal(int, int)  # (done, total) of countable work: a progress bar
    partial = Signal(object)  # a part of the result, sent before the work ends

    def __init__(self, on_success: Callable[[Any], None] | None, on_failure: Callable[[BaseException], None] | None,
                 parent: QObject | None = None, on_cancelled: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self._on_success = on_success
        self._on_failure = on_failure
        self._on_cancelled = on_cancelled
        self.relay = _Relay()  # lives in the GUI thread: its signals are queued to our slots
        self.relay.done.connect(self._done)
        self.relay.failed.connect(self._failed)
        self.relay.stage.connect(self.stage)
        self.relay.counted.connect(self.counted)
        self.relay.partial.connect(self.partial)
        self.progress = Progress(on_step=self.relay.stage.emit, on_count=self.relay.counted.emit,
                                 on_partial=self.relay.partial.emit)
        self.running = True
        # A task whose parent (a window) is destroyed while it runs: the work is told to stop and
        # the wrapper is let go; its result, if any, then reaches nobody.
        self.destroyed.connect(partial(_forget, id(self), self.progress))

    def cancel(self) -> None:
        """Ask the work to stop at its next checkpoint (it then emits ``cancelled``)."""
        self.progress.cancel()

    @Slot(object)
    def _done(self, result: Any) -> None:
        self.running = False
        _running.pop(id(self), None)
        if self._on_success is not None:
            self._on_success(result)
        self.finished.emit(result)

    @Slot(object)
    def _failed(self, exc: BaseException) -> None:
        self.running = False
        _running.pop(id(self), None)
        if isinstance(exc, Cancelled):
            if self._on_cancelled is not None:
                self._on_cancelled()
            self.cancelled.emit()
            return
        if self._on_failure is not None:
            self._on_failure(exc)
        self.failed.emit(exc)


def _forget(key: int, progress: Progress, *_: object) -> None:
    progress.cancel()
    # A task that ended long ago may be destroyed only now, with its parent: its id may by then
    # be another running task's, which must stay. Its own progress tells them apart.
    task = _running.get(key)
    if task is not None and task.progress is progress:
        del _running[key]


def run_in_background(parent: QObject | None, op: Callable[[], Any],
                      on_success: Callable[[Any], None] | None = None,
                      on_failure: Callable[[BaseException], None] | None = None,
                      on_cancelled: Callable[[], None] | None = None) -> Task:
    task = Task(on_success, on_failure, parent, on_cancelled)
    _running[id(task)] = task
    QThreadPool.globalInstance().start(_Runnable(op, task.relay, task.progress))
    return task
