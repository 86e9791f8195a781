"""The JSON listing handed over as bytes by the workers: the same bytes as the text path.

``check --json`` and ``review --json`` let each worker encode its entries (printable escapes,
then the stream's encoding and error handler) and the parent write them to stdout's binary
buffer. These tests run the same command both ways (the text path forced by declaring the
stream unsuitable) over reports whose names carry terminal escapes, bidi controls and
characters GBK cannot write, on a UTF-8 and a GBK stdout, serially and on the pool.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

from review_tree import EDU, WRONG, unit_report  # noqa: E402

import main  # noqa: E402
from batch import engine, output  # noqa: E402
from batch.output import ChunkedWriter, JsonList, binary_encoding, encode_entry  # noqa: E402
from models import storage  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
# an ANSI escape, a bidi override, a C1 control, a character outside GBK, one outside the BMP
HOSTILE = ("\x1b[2J", "\u202e", "\x85", "😀", "𠀀", "\u200b", "€")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "各单位"
    for year in (2023, 2024):
        (root / str(year)).mkdir(parents=True)
        for i in range(24):
            agency = f"{EDU}{HOSTILE[i % len(HOSTILE)]}{i:02d}"
            report = unit_report(agency, year, 2)
            report.texts["other"] += HOSTILE[(i + year) % len(HOSTILE)]
            if (i + year) % 3 == 0:
                report.values[WRONG] = 9
            storage.save(report, root / str(year) / f"单位{i:02d}{HOSTILE[i % 2]}报告.json")
    (root / "2024" / "损坏\x1b[31m.json").write_text("{", encoding="utf-8")
    return root


def _files(folder: Path) -> list[str]:
    return sorted(str(p) for p in folder.rglob("*.json"))


def _run(argv: list[str], encoding: str, monkeypatch: pytest.MonkeyPatch, *, as_text: bool) -> bytes:
    """``main.main(argv)`` with stdout a real text stream over bytes, as a console or file gives."""
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding, errors="strict", write_through=False)
    with monkeypatch.context() as m:
        if as_text:  # the writer's way for a stream without a binary buffer
            m.setattr(output, "binary_encoding", lambda stream: None)
        m.setattr(sys, "stdout", stream)
        main.main(argv)
        stream.flush()
    return raw.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
@pytest.mark.parametrize("pool", [False, True])
@pytest.mark.parametrize("command", ["check", "review"])
def test_worker_encoded_listing_equals_the_text_path(folder: Path, encoding: str, pool: bool, command: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "POOL_THRESHOLD", 0 if pool else 10**9)
    monkeypatch.setattr(engine, "MAX_CHUNK", 5)
    monkeypatch.setenv("NIANBAO_BATCH_WORKERS", "2")
    argv = ["check", "--json", *_files(folder)] if command == "check" else ["review", "--json", str(folder)]
    fast = _run(argv, encoding, monkeypatch, as_text=False)
    slow = _run(argv, encoding, monkeypatch, as_text=True)
    assert fast == slow
    text = fast.decode(encoding)
    listed = json.loads(text)["files"]
    assert len(listed) == 49 and text.endswith("}\n")
    # nothing that steers a terminal is written raw; GBK's stand-in for what it cannot write
    assert not any(ch in text for ch in ("\x1b", "\u202e", "\x85", "\u200b"))
    assert "\\u001b[2J" in text and "\\u202e" in text and "\\u0085" in text
    assert ("?" in text and "😀" not in text) if encoding == "gbk" else "😀" in text


def test_check_json_matches_the_reference(folder: Path) -> None:
    """``check --json`` (workers encoding the entries) says what the pre-engine command said."""
    files = [f for f in _files(folder) if "\x1b" not in f] * 3  # enough work for the pool
    new = subprocess.run([sys.executable, str(ROOT / "main.py"), "check", "--json", *files],
                         capture_output=True, cwd=ROOT, timeout=180)
    ref = subprocess.run([sys.executable, str(ROOT / "bench" / "reference_check.py"), "--json", *files],
                         capture_output=True, cwd=ROOT, timeout=180)
    assert new.returncode == ref.returncode == 1
    assert json.loads(new.stdout.decode("utf-8")) == json.loads(output.printable(ref.stdout.decode("utf-8")))


def test_the_writer_keeps_text_and_bytes_in_order() -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="gbk", errors="replace")
    writer = ChunkedWriter(stream, piece=16, binary=True)
    assert writer.encoding == ("gbk", "replace")
    listing = JsonList(writer)
    pieces = ['{"a": "某局😀"}', '{"b": "\x1b"}', '{"c": "' + "字" * 40 + '"}']
    listing.add(encode_entry(pieces[0], writer.encoding))
    listing.add(pieces[1])  # text (built in the parent) between encoded entries
    listing.add(encode_entry(pieces[2], writer.encoding))
    listing.close(', "n": 3')
    expected = '{"files": [' + ", ".join(output.printable(p) for p in pieces) + '], "n": 3}\n'
    assert raw.getvalue() == expected.encode("gbk", "replace")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "iso2022_jp", "utf-32"])
def test_streams_that_cannot_take_pieces_get_text(encoding: str) -> None:
    assert binary_encoding(io.TextIOWrapper(io.BytesIO(), encoding=encoding)) is None
    assert binary_encoding(io.StringIO()) is None
    assert ChunkedWriter(io.StringIO(), binary=True).encoding is None
    assert binary_encoding(io.TextIOWrapper(io.BytesIO(), encoding="cp936", errors="replace")) == ("cp936", "replace")


_piece = st.lists(st.one_of(st.sampled_from([*HOSTILE, "\ud800", "\x00", "\x7f", "\x9f", "\ufeff", "“", "三", ", "]),
                            st.characters(codec="utf-8")), max_size=6).map("".join)


@settings(max_examples=150, deadline=None)
@given(opening=_piece, heads=st.lists(_piece, min_size=1, max_size=3), picks=st.lists(st.tuples(st.integers(0, 2), _piece),
       max_size=6), closing=_piece,
       encoding=st.sampled_from(sorted(output._STATELESS)), errors=st.sampled_from(["strict", "replace", "backslashreplace"]),
       room=st.sampled_from([0, 1, 20000]))
def test_a_listing_encoded_piece_by_piece_is_the_whole_encoded(opening: str, heads: list[str],
                                                             picks: list[tuple[int, str]], closing: str, encoding: str,
                                                             errors: str, room: int) -> None:
    """``encode_listing`` (the findings' heads encoded once, each piece apart) gives the bytes of
    ``encode_entry`` over the whole text, or fails as it does, in every encoding the writer takes;
    the same head object again, and with the cache full."""
    items = [(heads[i % len(heads)], tail) for i, tail in picks]
    whole = opening + ", ".join(h + t for h, t in items) + closing
    try:
        expected: bytes | type[Exception] = encode_entry(whole, (encoding, errors))
    except UnicodeEncodeError as exc:
        expected = type(exc)
    saved = output._MAX_ENCODED
    output._ENCODED.clear()
    output._MAX_ENCODED = room
    try:
        for _ in range(2):
            try:
                got: bytes | type[Exception] = output.encode_listing(opening, items, closing, (encoding, errors))
            except UnicodeEncodeError as exc:
                got = type(exc)
            assert got == expected
    finally:
        output._MAX_ENCODED = saved
        output._ENCODED.clear()
