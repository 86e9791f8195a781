"""Cooperative progress and cancellation for long work (imports, exports) run off the GUI thread.

The GUI runs the work inside ``with running(progress):`` in its worker thread; importers and
exporters call :func:`checkpoint` wherever stopping is safe (between pieces of a page, rows of
a sheet, pages of a PDF). After the user pressed 取消 the next checkpoint raises
:class:`Cancelled`, so the work really stops instead of running on unseen. Outside ``running``
(the command line, tests) a checkpoint costs one context-variable lookup and does nothing.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class Cancelled(Exception):
    """The user cancelled; the work stopped at a checkpoint and left nothing half-written."""


class Progress:
    """Shared between the GUI thread (``cancel``) and the worker (``step``, through checkpoints)."""

    def __init__(self, on_step: Callable[[str], None] | None = None,
                 on_count: Callable[[int, int], None] | None = None,
                 on_partial: Callable[[object], None] | None = None) -> None:
        self._cancel = threading.Event()
        self.on_step = on_step  # called in the worker thread with a stage's description
        self.on_count = on_count  # called in the worker thread with (done, total) of countable work
        self.on_partial = on_partial  # called in the worker thread with a part of the result
        self.steps = 0

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def count(self, done: int, total: int) -> None:
        """How far countable work (files of a folder review) has come; for a progress bar."""
        if self.on_count is not None:
            self.on_count(done, total)

    def send(self, part: object) -> None:
        """Hand over a part of the result before the work ends (a batch of a review's rows)."""
        if self.on_partial is not None:
            self.on_partial(part)

    def step(self, text: str | None = None) -> None:
        self.steps += 1
        if self._cancel.is_set():
            raise Cancelled
        if text and self.on_step is not None:
            self.on_step(text)


_current: contextvars.ContextVar[Progress | None] = contextvars.ContextVar("nianbao_progress", default=None)


def checkpoint(text: str | None = None) -> None:
    """A safe place to stop: raises :class:`Cancelled` once the user cancelled; ``text`` names the
    stage now starting (shown beside the progress indicator)."""
    progress = _current.get()
    if progress is not None:
        progress.step(text)


def current() -> Progress | None:
    """The progress the work in this thread reports to (None outside :func:`running`)."""
    return _current.get()


@contextmanager
def running(progress: Progress) -> Iterator[Progress]:
    """Make ``progress`` the one :func:`checkpoint` reports to, in this thread."""
    token = _current.set(progress)
    try:
        yield progress
    finally:
        _current.reset(token)
