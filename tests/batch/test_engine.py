"""The batch engine: parallel, in order, bounded, and never stopped by one bad file."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pool_faults  # noqa: E402
from review_tree import EDU, WRONG, unit_report  # noqa: E402

from batch import engine  # noqa: E402
from batch.engine import Job, Options, run  # noqa: E402
from batch.output import ChunkedWriter  # noqa: E402
from batch.sources import Source  # noqa: E402
from models import storage  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("many")
    out = []
    for i in range(60):
        report = unit_report(f"{EDU}{i:02d}", 2024, 2)
        if i % 3 == 0:
            report.values[WRONG] = 9
        path = folder / f"r{i:02d}.json"
        storage.save(report, path)
        out.append(str(path))
        if i % 10 == 5:
            bad = folder / f"bad{i}.json"
            bad.write_text("{", encoding="utf-8")
            out.append(str(bad))
    return out


def test_the_pool_gives_the_same_outcomes_in_the_same_order(files: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    jobs = [Job(Source(p)) for p in files]
    options = Options(json=True, text=True, problems=True)
    serial = list(run(jobs, options, workers=1))
    monkeypatch.setattr(engine, "POOL_THRESHOLD", 0)
    monkeypatch.setattr(engine, "MAX_CHUNK", 7)
    parallel = list(run(jobs, options, workers=2))
    assert [o.source for o in parallel] == [j.source for j in jobs]
    assert parallel == serial
    assert sum(1 for o in serial if o.error) == 6 and sum(1 for o in serial if o.errors) == 20


def test_cancelling_stops_between_chunks(files: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "POOL_THRESHOLD", 0)
    seen = []
    for outcome in run([Job(Source(p)) for p in files], Options(), workers=2, cancelled=lambda: len(seen) >= 10):
        seen.append(outcome)
    assert 10 <= len(seen) < len(files)


@pytest.fixture(params=["fork", "spawn"])
def start_method(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways a pool starts: fork (the command line) and spawn (the GUI, Windows)."""
    monkeypatch.setattr(engine, "_start_method", lambda: request.param)
    return request.param  # type: ignore[no-any-return]


def drain(outcomes: Iterator[engine.Outcome], limit: float) -> tuple[list[engine.Outcome], float]:
    """Everything ``outcomes`` yields, and the seconds it took; fails (instead of hanging the test
    run) when it has not ended within ``limit`` seconds."""
    got: list[engine.Outcome] = []
    ended = threading.Event()

    def consume() -> None:
        got.extend(outcomes)
        ended.set()

    start = time.monotonic()
    threading.Thread(target=consume, daemon=True).start()
    assert ended.wait(limit), f"the run did not end within {limit} s"
    return got, time.monotonic() - start


@pytest.mark.parametrize("fault", ["crash", "stall"])
def test_a_dying_or_stuck_worker_costs_only_its_file(files: list[str], monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path, start_method: str, fault: str) -> None:
    """A worker killed mid-chunk (crash) or one that never returns (stall): its file is listed as
    unreadable, the rest checked in order, and the run ends."""
    marked = tmp_path / f"{fault}.json"
    marked.write_text("{}", encoding="utf-8")
    paths = files[:20] + [str(marked)] + files[20:40]
    monkeypatch.setattr(engine, "POOL_THRESHOLD", 0)
    monkeypatch.setattr(engine, "MAX_CHUNK", 8)
    monkeypatch.setattr(engine, "STALL_SECONDS", 3.0)
    chunk = pool_faults.crash_on_marked if fault == "crash" else pool_faults.stall_on_marked
    monkeypatch.setattr(engine, "run_chunk", chunk)
    outcomes, _ = drain(run([Job(Source(p)) for p in paths], Options(json=True), workers=2), 120)
    assert [o.source.path for o in outcomes] == paths
    (lost,) = [o for o in outcomes if o.source.path == str(marked)]
    assert lost.error == engine.DIED and lost.status == "unreadable" and engine.DIED in (lost.json or "")
    assert all(o.error is None or "bad" in o.source.path for o in outcomes if o is not lost)
    # every pool the run started is gone: a worker spawned while its pool broke is not left behind
    # with a manager thread joining it for ever (the process could not exit)
    assert pool_faults.no_pool_left()


def test_cancel_while_a_worker_is_stuck_returns_promptly(files: list[str], monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path, start_method: str) -> None:
    stall = tmp_path / "stall.json"
    stall.write_text("{}", encoding="utf-8")
    paths = files[:10] + [str(stall)] + files[10:40]
    monkeypatch.setattr(engine, "POOL_THRESHOLD", 0)
    monkeypatch.setattr(engine, "MAX_CHUNK", 8)
    monkeypatch.setattr(engine, "run_chunk", pool_faults.stall_on_marked)
    seen: list[engine.Outcome] = []
    asked: list[float] = []

    def cancelled() -> bool:  # 取消 once the chunks before the stuck one are in
        if len(seen) >= 8 and not asked:
            asked.append(time.monotonic())
        return bool(asked) and time.monotonic() - asked[0] > 0.5

    def consume() -> Iterator[engine.Outcome]:
        for outcome in run([Job(Source(p)) for p in paths], Options(), workers=2, cancelled=cancelled):
            seen.append(outcome)
            yield outcome

    got, _ = drain(consume(), 60)
    ended = time.monotonic()
    assert asked and ended - asked[0] < 0.5 + 5  # within a few polls of 取消, the stuck chunk still in flight
    assert 8 <= len(got) <= 10 and str(stall) not in [o.source.path for o in got]
    assert pool_faults.no_pool_left(timeout=2.0)  # the stuck worker was killed, not awaited


def test_chunked_writer_writes_few_large_pieces() -> None:
    class Counting:
        def __init__(self) -> None:
            self.writes: list[str] = []

        def write(self, s: str) -> None:
            self.writes.append(s)

        def flush(self) -> None:
            pass

    stream = Counting()
    out = ChunkedWriter(stream, piece=1000)  # type: ignore[arg-type]
    for _ in range(500):
        out.write("x" * 10)
    out.flush()
    assert "".join(stream.writes) == "x" * 5000 and len(stream.writes) == 5


def test_check_over_many_files_keeps_order_and_matches_one_by_one(files: list[str]) -> None:
    def check(*paths: str) -> tuple[int, list[dict]]:  # type: ignore[type-arg]
        proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "check", "--json", *paths],
                              capture_output=True, cwd=ROOT, timeout=120)
        return proc.returncode, json.loads(proc.stdout.decode("utf-8"))["files"]

    many = files * 8  # enough work for the pool
    code, listed = check(*many)
    assert code == 2
    assert [f["path"] for f in listed] == many
    _, first = check(files[0])
    assert listed[0] == first[0] and listed[len(files)] == first[0]


def test_previous_report_unreadable_is_reported_once(files: list[str], tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "check", "--previous", str(tmp_path / "nope.json"),
                           *files[:3]], capture_output=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 2 and proc.stdout == b""
    assert proc.stderr.decode("utf-8").count("无法读取上年报告") == 1


def test_the_result_pipe_is_widened_where_the_system_allows() -> None:
    """Workers hand back megabytes per chunk: the pool's result pipe takes a megabyte at a time
    on Linux (F_SETPIPE_SZ); elsewhere, or with anything unexpected, the pool is as before."""
    fcntl = pytest.importorskip("fcntl")
    if not hasattr(fcntl, "F_GETPIPE_SZ"):
        pytest.skip("no pipe sizes here")
    engine._widen(None)  # CPython keeping the queue elsewhere: nothing to do, nothing raised
    engine._widen(object())
    pool = engine._Pool(engine.Options(), 2)
    try:
        reader = pool.executor._result_queue._reader  # type: ignore[attr-defined]
        size = fcntl.fcntl(reader.fileno(), fcntl.F_GETPIPE_SZ)
        limit = int(Path("/proc/sys/fs/pipe-max-size").read_text())
        assert size >= engine.RESULT_PIPE_BYTES or limit < engine.RESULT_PIPE_BYTES
    finally:
        pool.stop(kill=False)
