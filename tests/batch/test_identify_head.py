"""A review places our own ``.json`` report files from their heads (``storage.read_head``, used by
the engine's identify), without a whole parse: what it finds must be what a whole parse finds,
and anything it cannot be sure of goes to the whole parse."""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

from review_tree import EDU, unit_report  # noqa: E402

from batch.engine import _identify_json, _identity  # noqa: E402
from batch.review import Review  # noqa: E402
from batch.sources import Reader, Source  # noqa: E402
from models import storage  # noqa: E402
from models.review import MISSING, UNREADABLE  # noqa: E402

_KEYS = st.sampled_from([*storage.HEAD_KEYS, "sections", "previous", "其他", "Meta", "meta ", "\\u006deta"])
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**30), st.text(max_size=8),
                     st.text(alphabet='某局é a"\\\n', max_size=2500),  # past the head's first 4 KB
                     st.sampled_from(["2021", "2019", storage.FORMAT_ID]))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["agency", "year", "x", "template", "meta"]),
                                                  inner, max_size=3)), max_leaves=8)
_SPACE = st.sampled_from(["", " ", "\n  ", "\t", "\r\n"])


def _head(text: str) -> dict[str, Any] | None:
    return storage.read_head(text.encode("utf-8"))


def _raw(key: str) -> str:
    return '"' + key + '"' if "\\" in key else json.dumps(key, ensure_ascii=False)


@st.composite
def documents(draw: st.DrawFn) -> str:
    """Texts of JSON objects as hand-made files come: any order, keys twice, escaped key names,
    odd white space, sometimes cut short or followed by rubbish."""
    pairs = draw(st.lists(st.tuples(_KEYS, _VALUES), max_size=7))
    if draw(st.booleans()):  # mostly our writer's order
        pairs = [("format", storage.FORMAT_ID), ("schema_version", 1), ("template", draw(_SCALARS)),
                 ("meta", draw(_VALUES)), *pairs]
    gap = draw(_SPACE)
    body = ("," + gap).join(f"{_raw(k)}{draw(_SPACE)}:{draw(_SPACE)}{json.dumps(v, ensure_ascii=False)}"
                            for k, v in pairs)
    text = draw(_SPACE) + "{" + gap + body + gap + "}"
    cut = draw(st.one_of(st.none(), st.integers(0, len(text))))
    if cut is not None and draw(st.booleans()):
        text = text[:cut]
    return text + draw(st.sampled_from(["", "\n", " x", "]"]))


@settings(max_examples=400, deadline=None)
@given(text=documents())
def test_a_head_is_what_a_whole_parse_reads_or_nothing(text: str) -> None:
    head = _head(text)
    if head is None:
        return
    assert set(head) == {"template", "meta"}
    try:
        whole = json.loads(text)
    except ValueError:
        return  # damaged after its head: the check of the file says so (placed under its unit)
    assert {key: whole[key] for key in head} == head


def test_our_writers_files_are_read_from_their_heads() -> None:
    for report in (unit_report(EDU, 2024, 2), unit_report("某某县\"引号\"局", 2023)):
        text = storage.dumps(report)
        head = _head(text)
        assert head == {key: json.loads(text)[key] for key in ("template", "meta")}


def test_a_key_written_again_later_leaves_it_to_the_whole_parse() -> None:
    head = '{"format": "' + storage.FORMAT_ID + '", "template": "2021", "meta": {"agency": "甲", "year": 2024}'
    assert _head(head + "}") is not None
    assert _head(head + ', "sections": {}, "meta": {"agency": "乙", "year": 2024}}') is None
    assert _head(head + ', "sections": {}, "\\u006deta": {"agency": "乙"}}') is None
    assert _head(head + ', "previous": {"template": "2021"}}') is None
    assert _head('{"sections": {}, ' + head[1:] + "}") is None  # not our writer's order
    assert _head("[" + head + "}]") is None
    assert _head('{"format": ' + "[" * 100_000 + "}") is None  # too deep to parse: no error


def test_a_long_head_and_a_character_cut_at_the_first_4_kb_are_read_whole() -> None:
    for pad in range(3990, 4010):  # the 3-byte 某 falls across the 4,096th byte for some
        text = '{"template": "2021", "meta": {"note": "' + "a" * pad + '某", "agency": "某局", "year": 2024}, "x": 1}'
        assert _head(text) == {"template": "2021", "meta": json.loads(text)["meta"]}, pad


def test_bytes_after_the_head_are_searched_not_decoded() -> None:
    head = b'\xef\xbb\xbf{"template": "2021", "meta": {"agency": "\xe6\x9f\x90", "year": 2024}'
    damaged = head + b', "sections": "' + b"a" * 5000 + b'\xff\xfe"}'  # past the bytes decoded
    assert storage.read_head(damaged) == {"template": "2021", "meta": {"agency": "某", "year": 2024}}
    assert storage.read_head(head + b', "sections": {"meta": 1}}') is None
    assert storage.read_head(b"\xff" + head[3:] + b"}") is None  # not UTF-8 where it matters
    assert storage.read_head(head.replace(b"\xe6\x9f\x90", b"\xe6\x9f") + b"}") is None


def _write(path: Path, text: str | bytes) -> Source:
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return Source(str(path))


def _whole(reader: Reader, source: Source) -> object:
    """The identify of a whole parse, as it was before heads were read."""
    try:
        doc = json.loads(reader.read_bytes(source).decode("utf-8-sig"))
    except Exception:
        return None
    return _identity(source, doc)


def test_identify_from_the_head_agrees_with_the_whole_files_identify(tmp_path: Path) -> None:
    text = storage.dumps(unit_report(EDU, 2024, 2))
    cases = {
        "plain.json": text,
        "bom.json": "\ufeff" + text,
        "year-as-text.json": text.replace('"year": 2024', '"year": "2024"'),
        "no-template.json": text.replace('"template": "2021",', ""),
        "meta-list.json": text.replace('"meta": {', '"meta": [{').replace('2024\n  },', '2024\n  }],', 1),
        "not-json.json": "这不是 JSON",
        "latin1.json": text.encode("utf-8").replace("某".encode(), b"\xc4\xb3"),
    }
    with Reader() as reader:
        for name, content in cases.items():
            source = _write(tmp_path / name, content)
            assert _identify_json(reader, source) == _whole(reader, source), name
        assert _identify_json(reader, Source(str(tmp_path / "plain.json"))) is not None
        # cut short after its head: placed from the head on disk; an archive's member is parsed whole
        cut = _write(tmp_path / "cut.json", text[: len(text) // 2])
        with zipfile.ZipFile(tmp_path / "bundle.zip", "w") as zf:
            zf.writestr("cut.json", text[: len(text) // 2])
        assert _identify_json(reader, cut) is not None and _whole(reader, cut) is None
        assert _identify_json(reader, Source(str(tmp_path / "bundle.zip"), ("cut.json",))) is None


def test_a_damaged_report_is_listed_under_its_unit_and_year(tmp_path: Path) -> None:
    """A file whose head names the unit but whose sections are cut short is not a missing year:
    the review lists it under that unit and year, unreadable, with the reason."""
    storage.save(unit_report(EDU, 2023, 2), tmp_path / "2023.json")
    text = storage.dumps(unit_report(EDU, 2024, 2))
    (tmp_path / "2024.json").write_text(text[: len(text) // 2], encoding="utf-8")
    review = Review([str(tmp_path)], workers=1)
    entries: list[Any] = list(review.entries())
    assert [(e.year, e.status) for e in entries] == [(2023, "passed"), (2024, UNREADABLE)]
    damaged = entries[1]
    assert damaged.agency == EDU and damaged.outcome is not None and "已损坏" in (damaged.outcome.error or "")
    assert review.counts[MISSING] == 0
    assert [u.name for u in review.submissions.units] == [EDU]
