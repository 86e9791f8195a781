"""Chunk functions that misbehave in a worker process, for the engine's tests: the engine's pool
pickles ``engine.run_chunk`` by name, so a test that replaces it with one of these reaches the
workers (fork and spawn alike: a spawned worker imports this module from the parent's sys.path)."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

from batch import engine

_run_chunk = engine.run_chunk


def crash_on_marked(jobs: Sequence[engine.Job], *args: object) -> list[engine.Outcome]:
    """A worker dies (as if the OS killed it) on a chunk holding a file named *crash*."""
    if any("crash" in j.source.path for j in jobs):
        os._exit(1)
    return _run_chunk(jobs, *args)  # type: ignore[arg-type]


def stall_on_marked(jobs: Sequence[engine.Job], *args: object) -> list[engine.Outcome]:
    """A worker stops making progress (a check that never returns) on a chunk holding a file named
    *stall*, when checking (the review's identify pass goes through)."""
    options = args[0] if args else engine._worker_options
    if any("stall" in j.source.path for j in jobs) and not (options is not None and options.identify):  # type: ignore[union-attr]
        time.sleep(600)
    return _run_chunk(jobs, *args)  # type: ignore[arg-type]


def no_pool_left(timeout: float = 10.0) -> bool:
    """No worker process and no executor manager thread of a pool outlives the run (a thread
    left joining a worker keeps the process from exiting)."""
    import multiprocessing
    import threading

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        managers = [t for t in threading.enumerate() if type(t).__name__ == "_ExecutorManagerThread"]
        if not managers and not multiprocessing.active_children():
            return True
        time.sleep(0.05)
    return False
