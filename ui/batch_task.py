"""Long work over many files (a folder review, a roll-up) in a pool thread, with progress and 取消.

``BatchTask(work)`` runs ``work(task)`` off the GUI thread; the work reports with
:meth:`BatchTask.report` (``phase, done, total``; throttled), hands partial results over with
:meth:`BatchTask.send`, and stops when :attr:`BatchTask.cancelled` turns true (the batch engine
polls it between chunks). Signals arrive on the GUI thread. The work must not touch widgets.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

THROTTLE_SECONDS = 0.1  # progress reaches the window at most this often
_active: set[BatchTask] = set()  # keep tasks alive until their thread is done


class BatchTask(QObject):
    progressed = Signal(str, int, int)  # phase, done, total
    partial = Signal(object)  # what the work sends along the way (rows of a review)
    finished = Signal(object)  # the work's result
    failed = Signal(str)  # a Chinese message

    def __init__(self, work: Callable[[BatchTask], Any]) -> None:
        super().__init__()  # no parent: it outlives a window closed while it runs (see detach)
        self._work = work
        self._cancel = threading.Event()
        self._last = 0.0
        self.running = False  # until the result is delivered on the GUI thread
        # Connected first, so the window's own slots already see the task as done.
        self.finished.connect(self._settle)
        self.failed.connect(self._settle)

    def start(self) -> None:
        self.running = True
        _active.add(self)
        QThreadPool.globalInstance().start(_Run(self._run))

    def cancel(self) -> None:
        self._cancel.set()

    def detach(self) -> None:
        """Cancel and forget every receiver (the window is closing): the thread ends on its own."""
        self._cancel.set()
        for signal in (self.progressed, self.partial, self.finished, self.failed):
            try:
                signal.disconnect()
            except (RuntimeError, TypeError):  # nothing connected
                pass
        self.finished.connect(self._settle)
        self.failed.connect(self._settle)

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def is_cancelled(self) -> bool:
        """:attr:`cancelled` as a function, for the batch engine's ``cancelled`` parameter."""
        return self._cancel.is_set()

    def report(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last >= THROTTLE_SECONDS or done >= total:
            self._last = now
            self.progressed.emit(phase, done, total)

    def send(self, item: object) -> None:
        self.partial.emit(item)

    def _run(self) -> None:  # in the pool thread
        try:
            result = self._work(self)
        except Exception as exc:  # shown by the window; never a traceback
            self.failed.emit(str(exc) or type(exc).__name__)
        else:
            self.finished.emit(result)

    def _settle(self, *_: object) -> None:  # on the GUI thread
        self.running = False
        _active.discard(self)


class _Run(QRunnable):
    def __init__(self, fn: Callable[[], None]) -> None:
        super().__init__()
        self.fn = fn

    def run(self) -> None:
        self.fn()
