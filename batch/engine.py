"""The batch engine: read and check many reports, in parallel, streaming results in order.

``check`` over many files and ``review`` of a folder both run :func:`run`: the jobs are cut into
chunks, each chunk is read and checked by a worker process (both cores, ``concurrent.futures``)
or in this process when there is little to do, and each report's output (its ``check --json``
entry, its text listing, its problem rows) is built once, in the worker, as text. The caller
gets :class:`Outcome`\\ s in the order of the jobs, a few chunks at a time, so memory stays
bounded however many files there are.

A job may name last year's report of the same unit (``Job.previous``): the worker reads it (once
per chunk when a unit's years come in a row) and the checker runs the carry-over rules against it.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, NamedTuple

from batch.output import encode_entry, encode_listing
from batch.sources import Reader, Source
from importers import ImportFailed
from models.cell_labels import finding_place
from models.findings import SEVERITY_LABEL, CheckResult
from models.report import Report
from models.review import STATUS_LABEL, status_of
from models.storage import ReportFileError, read_head

# Rough cost of one document by kind (a .json report = 1): decides whether a pool pays off.
_COST = {".json": 1, ".txt": 8, ".html": 12, ".htm": 12, ".xlsx": 60, ".docx": 40, ".pdf": 150}
POOL_THRESHOLD = 400  # below this much work one process is faster than starting workers
MAX_CHUNK = 200


@dataclass(frozen=True, slots=True)
class Job:
    """One report to read and check; ``previous``: last year's report of the same unit."""

    source: Source
    previous: Source | None = None

    def __reduce__(self) -> tuple[type[Job], tuple[Source, Source | None]]:
        return Job, (self.source, self.previous)  # pickled as its fields (see Source.__reduce__)


@dataclass(frozen=True, slots=True)
class Options:
    """What to build for each report, and the checks to run.

    ``json``: the report's ``check --json`` entry (with ``status`` when ``status`` is set);
    ``text``: its ``check`` listing; ``problems``: one row per finding for the review workbook;
    ``previous_path``: one last-year report for every job that names none (``check --previous``).
    """

    json: bool = False
    text: bool = False
    problems: bool = False
    status: bool = False
    previous_path: str | None = None
    identify: bool = False  # only the unit, year and format (a .json report's meta, not its tables)
    # With ``json``: the entry as the bytes to write (``Outcome.data``, see batch.output.encode_entry)
    # in this (encoding, errors), built by the worker, instead of text in ``Outcome.json``.
    encoding: tuple[str, str] | None = None


class Problem(NamedTuple):
    """One finding as the review lists it."""

    severity: str
    table: str
    row: str
    column: str
    message: str
    rule: str
    accepted: str | None  # the written 说明 of an accepted warning


class Outcome(NamedTuple):
    """The result for one job; ``error`` (why it could not be read) or the check's figures."""

    source: Source
    error: str | None = None
    agency: str = ""
    year: int | None = None
    template: str = ""
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    accepted: int = 0
    status: str = ""
    previous: str | None = None  # name of the last-year report checked against
    previous_source: Source | None = None
    json: str | None = None
    data: bytes | None = None  # the JSON entry encoded (``Options.encoding``), instead of ``json``
    text: str | None = None
    problems: tuple[Problem, ...] = ()


class PreviousUnreadable(Exception):
    """``--previous`` cannot be read: nothing can be checked against it."""


# ---------------------------------------------------------------------- one report


def check_job(reader: Reader, job: Job, options: Options, previous: Report | None = None,
              cache: dict[Source, Report] | None = None) -> Outcome:
    """Read and check one report; never raises for a bad file (the outcome carries the reason)."""
    source = job.source
    if options.identify:
        known = _identify_json(reader, source) if source.suffix == ".json" else None
        if known is not None:
            return known
    # not at start-up, nor in a worker that only identifies: the rules are compiled when first used
    from models.checker import checker_for

    try:
        imported = reader.read(source)
    except (ImportFailed, ReportFileError) as exc:
        return _failed(source, str(exc), options)
    except Exception as exc:  # a bug met on a hostile file must not stop a review of thousands
        return _failed(source, f"读取时出错（{type(exc).__name__}）：{exc}", options)
    report = imported.report
    if options.identify:
        return Outcome(source=source, agency=report.meta.agency, year=report.meta.year, template=report.template.id)
    if cache is not None:
        cache[source] = report
    previous_name = None
    previous_source = None
    if job.previous is not None:
        last = cache.get(job.previous) if cache is not None else None
        if last is None:
            try:
                last = reader.read(job.previous).report
            except Exception:  # last year's file is listed with its own reason; check this one without it
                last = None
        if last is not None and cache is not None:
            cache[job.previous] = last
        previous = last
        previous_name = job.previous.name if last is not None else None
        previous_source = job.previous if last is not None else None
    elif previous is not None:
        previous_name = options.previous_path
    elif report.previous is not None:  # what the report keeps of last year (文件中保存的上年数据)
        previous_name = f"报告中保存的上年数据：{report.previous.describe()}"
    # Last year in another format (2020 → 2021) is compared where the templates map its cells;
    # the rules that cannot compare say so.
    if previous is None and report.previous is not None:  # last year's figures kept in the file itself
        kept = report.previous
        previous_name = f"{kept.source.name if kept.source else '上年报告'}（报告文件中保存的上年数据）"
    try:
        checked = checker_for(report.template).check(report, previous)
    except Exception as exc:
        return _failed(source, f"校验时出错（{type(exc).__name__}）：{exc}", options)
    # what the import had to repair first (usually nothing), then the checks' findings
    result = CheckResult({**{f.key: f for f in imported.findings}, **checked.mapping}) if imported.findings \
        else checked
    counts = result.counts()
    status = status_of(counts["error"], counts["warning"])
    meta = report.meta
    findings = result.sorted()
    json_text = text = None
    data = None
    if options.json:
        entry: dict[str, Any] = {"path": source.name, "agency": meta.agency, "year": meta.year,
                                 "template": report.template.id}
        if options.status:
            entry.update(status=status, status_label=STATUS_LABEL[status], counts=counts,
                         previous=previous_name)
        # = json.dumps({**entry, "findings": [f.to_dict() for f in findings]}): the findings as
        # text directly (most of a batch's output), the few fields before them through json
        head = json.dumps(entry, ensure_ascii=False)
        opening = head[:-1] + (", " if entry else "") + '"findings": ['
        if options.encoding is None:
            json_text = "".join([opening, ", ".join([f.to_json() for f in findings]), "]}"])
        else:  # the bytes to write, built from the findings' pieces (see encode_listing)
            data = encode_listing(opening, [f.json_parts() for f in findings], "]}", options.encoding)
    if options.text:
        lines = [f"{source.name}：{meta.agency or '（未填机关名称）'} {meta.year or '？'}年（{report.template.id} 格式）"]
        for f in findings:
            state = "（已接受：" + (f.explanation or "") + "）" if f.accepted else ""
            lines.append(f"  [{SEVERITY_LABEL[f.severity]}] {f.message}{state}  〈{f.rule}〉")
        lines.append(f"  结论：{result.summary()}")
        text = "\n".join(lines) + "\n"
    problems: tuple[Problem, ...] = ()
    if options.problems:
        problems = tuple(_problem(report, f) for f in findings)
    return Outcome(
        source=source, agency=meta.agency, year=meta.year, template=report.template.id,
        errors=counts["error"], warnings=counts["warning"], infos=counts["info"],
        accepted=len(findings) - sum(counts.values()), status=status, previous=previous_name,
        previous_source=previous_source,
        json=json_text, data=data, text=text, problems=problems,
    )


def _identify_json(reader: Reader, source: Source) -> Outcome | None:
    """Unit, year and format from a report file's ``meta`` without building the report; None
    when the file is not plainly one of ours (the full read then says why). A file on disk is
    read from its head alone where ``storage.read_head`` can tell (a tenth of a whole parse): one
    whose head names its unit and year but whose sections are damaged is so placed under that
    unit and year, and its check says why it cannot be read. An archive's member is parsed whole."""
    try:
        data = reader.read_bytes(source)
        doc = (read_head(data) if not source.members else None) or json.loads(data.decode("utf-8-sig"))
    except Exception:
        return None
    return _identity(source, doc)


def _identity(source: Source, doc: Any) -> Outcome | None:
    try:
        meta = doc["meta"]
        agency, year, template = meta.get("agency", ""), meta.get("year"), doc["template"]
    except Exception:
        return None
    if not isinstance(agency, str) or not isinstance(template, str) \
            or not (year is None or (type(year) is int and 1900 <= year <= 2999)):
        return None
    return Outcome(source=source, agency=agency, year=year, template=template)


def _problem(report: Report, f: Any) -> Problem:
    place = finding_place(report.template, f)
    return Problem(f.severity, place.table, place.row, place.column, f.message, f.rule,
                   f.explanation if f.accepted else None)


def _failed(source: Source, reason: str, options: Options) -> Outcome:
    json_text = None
    if options.json:
        entry: dict[str, Any] = {"path": source.name, "error": reason}
        if options.status:
            entry.update(status="unreadable", status_label=STATUS_LABEL["unreadable"])
        json_text = json.dumps(entry, ensure_ascii=False)
    json_text, data = _encoded(json_text, options)
    return Outcome(source=source, error=reason, status="unreadable", json=json_text, data=data)


def _encoded(json_text: str | None, options: Options) -> tuple[str | None, bytes | None]:
    """``(json, data)`` of an outcome: the entry as text, or as bytes when the options ask."""
    if json_text is None or options.encoding is None:
        return json_text, None
    return None, encode_entry(json_text, options.encoding)


# ---------------------------------------------------------------------- chunks (in a worker or here)

_worker_options: Options | None = None
_worker_previous: Report | None = None
_worker_beat: Any = None  # the pool's heartbeat: reports done + workers started (see _Pool.result)


def _init_worker(options: Options, beat: Any = None) -> None:
    global _worker_options, _worker_previous, _worker_beat
    _worker_options = options
    _worker_beat = beat
    _worker_previous = load_previous(options.previous_path) if options.previous_path else None
    _beat()  # started: a worker still importing is not stuck


def load_previous(path: str) -> Report:
    """``--previous``: last year's report for every file. Raises :class:`PreviousUnreadable`."""
    from importers import ImportFailed, read_report
    from models.storage import ReportFileError

    try:
        return read_report(path).report
    except (ImportFailed, ReportFileError) as exc:
        raise PreviousUnreadable(str(exc)) from None


def run_chunk(jobs: Sequence[Job], options: Options | None = None, previous: Report | None = None) -> list[Outcome]:
    """Check ``jobs`` in order; last-year reports that come up twice in the chunk are read once."""
    if options is None:  # in a worker process
        options, previous = _worker_options, _worker_previous
        assert options is not None
    wanted = {j.previous for j in jobs if j.previous is not None}
    cache: dict[Source, Report] = {}
    out = []
    with Reader() as reader:
        for job in jobs:
            out.append(check_job(reader, job, options, previous, cache))
            # keep only what a later job of this chunk will ask for
            if job.source not in wanted:
                cache.pop(job.source, None)
            _beat()  # the parent sees this worker move
    return out


def _beat() -> None:
    """Tell the parent this worker moves (one store in shared memory; nothing outside a pool's worker)."""
    if _worker_beat is not None:
        _worker_beat.value += 1


# ---------------------------------------------------------------------- the run


def cost(jobs: Sequence[Job]) -> int:
    return sum(_COST.get(j.source.suffix, 20) for j in jobs)


def worker_count() -> int:
    """The cores this process may use (at most 16); ``NIANBAO_BATCH_WORKERS`` sets it (1: no
    worker processes, e.g. on a server shared with others)."""
    wanted = os.environ.get("NIANBAO_BATCH_WORKERS", "")
    if wanted.isdigit() and int(wanted) > 0:
        return min(int(wanted), 16)
    affinity = getattr(os, "sched_getaffinity", None)  # the cores this process may run on (Linux)
    n = len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)
    return max(1, min(n, 16))


def chunks(jobs: Sequence[Job], workers: int) -> list[list[Job]]:
    """Cut ``jobs`` into chunks small enough to share out and to report progress often, without
    splitting a unit's run of years (its last-year report is then read once). Toward the end the
    chunks get smaller (down to 8 jobs), so the workers finish together instead of one waiting
    out the other's last large chunk."""
    full = max(8, min(MAX_CHUNK, len(jobs) // (workers * 8) or 8))
    out: list[list[Job]] = []
    current: list[Job] = []
    for i, job in enumerate(jobs):
        size = min(full, max(8, (len(jobs) - i + len(current)) // (2 * workers)))
        follows = current and job.previous is not None and job.previous == current[-1].source
        if len(current) >= size and not (follows and len(current) < 2 * size):
            out.append(current)
            current = []
        current.append(job)
    if current:
        out.append(current)
    return out


def _start_method() -> str:
    """fork where it is safe (a plain one-thread process such as the command line): workers start
    in milliseconds with everything imported; spawn elsewhere (Windows, macOS, the GUI's threads)."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1 \
            and sys.platform != "darwin":
        return "fork"
    return "spawn"


def run(jobs: Sequence[Job], options: Options, *, workers: int | None = None,
        cancelled: Callable[[], bool] | None = None) -> Iterator[Outcome]:
    """Check every job; yields one :class:`Outcome` per job, in the order of ``jobs``.

    Runs in this process when there is little to do (or ``workers`` is 1), else on a pool of
    worker processes with a bounded number of chunks in flight. ``cancelled`` is polled between
    chunks, and on the pool every POLL_SECONDS while a chunk is awaited; when it returns True the
    run stops (the generator ends early; the pool's workers are killed, not awaited). A worker that
    dies or stops making progress costs only its report (``DIED``), never a hang.
    Raises :class:`PreviousUnreadable` when ``options.previous_path`` cannot be read.
    """
    workers = worker_count() if workers is None else workers
    if workers <= 1 or cost(jobs) < POOL_THRESHOLD:
        previous = load_previous(options.previous_path) if options.previous_path else None
        for chunk in chunks(jobs, 1):
            if cancelled is not None and cancelled():
                return
            yield from run_chunk(chunk, options, previous)
        return
    if options.previous_path:
        load_previous(options.previous_path)  # fail here, once, with the reason
    yield from _run_pool(chunks(jobs, workers), options, workers, cancelled)


# How the parent waits on its workers: never without a bound. A wait on a chunk looks every
# POLL_SECONDS at ``cancelled`` and at the workers; a pool in which no worker finished a report
# (or started) for STALL_SECONDS while a chunk is awaited is stuck (a file's import is bounded far
# below that: importers.pdf's TIME_BUDGET is 20 s), and is then treated as if a worker had died.
POLL_SECONDS = 0.2
STALL_SECONDS = 120.0
STOP_SECONDS = 5.0  # a pool's workers get this long to exit when it is shut down, then are killed
DIED = "读取该文件时处理进程异常退出（文件可能已损坏或过于复杂）"


class _PoolFailed(Exception):
    """A chunk's pool cannot finish it: a worker died, or stopped making progress."""


class _Pool:
    """A ProcessPoolExecutor that the engine can wait on with a bound and stop without waiting.

    ``concurrent.futures`` alone can leave its parent waiting for ever: its manager thread
    watches only the workers that existed when it last woke, so a spawned worker started by a
    ``submit`` just after that wake-up can die unseen; a worker stuck in a file never finishes;
    and ``shutdown(wait=False)`` leaves the manager thread to join workers that are still busy or
    stuck, which ``threading``'s exit hook then waits for (the process cannot exit). So the pool
    keeps its own handles on the workers, a heartbeat they write, and kills them when it stops
    early.
    """

    def __init__(self, options: Options, workers: int) -> None:
        ctx = multiprocessing.get_context(_start_method())
        self.beat = ctx.RawValue("Q", 0)  # reports done + workers started, by all workers (shared memory)
        self.executor = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                                            initargs=(options, self.beat))
        _widen(getattr(getattr(self.executor, "_result_queue", None), "_reader", None))

    def submit(self, jobs: list[Job]) -> Future[list[Outcome]]:
        return self.executor.submit(run_chunk, jobs)

    def _processes(self) -> list[Any]:
        # CPython keeps its workers in ``_processes`` (pid → Process) until shutdown.
        return list((getattr(self.executor, "_processes", None) or {}).values())

    def result(self, future: Future[list[Outcome]], cancelled: Callable[[], bool] | None) -> list[Outcome] | None:
        """The chunk's outcomes; None when ``cancelled`` said so first. Raises
        :class:`_PoolFailed` when a worker died or the pool stopped making progress."""
        seen, since = self.beat.value, time.monotonic()
        while True:
            try:
                return future.result(timeout=POLL_SECONDS)
            except TimeoutError:
                pass
            except BrokenProcessPool as exc:
                raise _PoolFailed from exc
            if cancelled is not None and cancelled():
                return None
            if any(p.exitcode is not None for p in self._processes()):
                raise _PoolFailed("a worker exited")  # died without the executor noticing (yet)
            now, beat = time.monotonic(), self.beat.value
            if beat != seen:
                seen, since = beat, now
            elif now - since > STALL_SECONDS:
                raise _PoolFailed("no progress")

    def stop(self, *, kill: bool) -> None:
        """Shut the pool down without waiting on it for more than STOP_SECONDS: ``kill`` when it
        stops early (cancelled, failed: a worker may be stuck), else the workers finish and exit."""
        processes = self._processes()
        manager = getattr(self.executor, "_executor_manager_thread", None)
        if kill:
            for p in processes:
                _kill(p)
        self.executor.shutdown(wait=False, cancel_futures=True)
        if manager is None:
            return
        manager.join(STOP_SECONDS)
        if manager.is_alive():  # a worker did not exit: kill them all, so the manager can end
            for p in processes:
                _kill(p)
            manager.join(STOP_SECONDS)


RESULT_PIPE_BYTES = 1 << 20


def _widen(reader: Any) -> None:
    """Give the pipe the workers send their results through (CPython's ``_result_queue``) a
    megabyte instead of 64 KB where the system allows (Linux ``F_SETPIPE_SZ``): a chunk's output
    (megabytes of JSON) then crosses in a sixteenth of the reads and writes. Anything else
    (another system, a lower limit, CPython keeping it elsewhere): the pipe as it is."""
    try:
        import fcntl
    except ImportError:  # Windows
        return
    setsize = getattr(fcntl, "F_SETPIPE_SZ", None)  # Linux, Python 3.10+
    if setsize is None or reader is None:
        return
    try:
        fcntl.fcntl(reader.fileno(), setsize, RESULT_PIPE_BYTES)
    except (OSError, ValueError, AttributeError):
        pass


def _kill(process: Any) -> None:
    try:
        process.kill()
    except (OSError, ValueError):  # already reaped, or closed
        pass


def _run_pool(pending_chunks: list[list[Job]], options: Options, workers: int,
              cancelled: Callable[[], bool] | None) -> Iterator[Outcome]:
    pending: deque[tuple[list[Job], bool]] = deque((c, False) for c in pending_chunks)  # (jobs, alone)
    inflight: deque[tuple[list[Job], bool, Future[list[Outcome]]]] = deque()
    window = workers * 2
    pool = _Pool(options, workers)
    finished = False
    try:
        while pending or inflight:
            while pending and len(inflight) < window:
                jobs, alone = pending[0]
                if inflight and (alone or inflight[-1][1]):
                    break  # a suspect runs by itself, so a crash is its own
                try:
                    future = pool.submit(jobs)
                except BrokenProcessPool:  # a worker just died: the chunk in flight will say so
                    if not inflight:
                        pool.stop(kill=True)
                        pool = _Pool(options, workers)
                        continue
                    break
                pending.popleft()
                inflight.append((jobs, alone, future))
                if alone:
                    break
            jobs, alone, future = inflight.popleft()
            try:
                outcomes = pool.result(future, cancelled)
            except _PoolFailed:
                # A worker died (killed, out of memory, a crash in a library) or is stuck. Start
                # afresh; retry what was in flight, and the chunk that broke one report at a time.
                pool.stop(kill=True)
                pool = _Pool(options, workers)
                again = [(j, a) for j, a, _ in inflight]
                inflight.clear()
                if len(jobs) > 1:
                    retry = [([job], True) for job in jobs]
                else:
                    retry = []
                    yield _failed(jobs[0].source, DIED, options)
                pending.extendleft(reversed(retry + again))
                continue
            if outcomes is None:  # cancelled while the chunk was in flight
                return
            yield from outcomes
            if cancelled is not None and cancelled():
                return
        finished = True
    finally:
        pool.stop(kill=not finished)  # all done: the workers exit; stopped early: killed, not awaited
