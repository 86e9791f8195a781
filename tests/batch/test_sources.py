"""Finding reports in folders and zips, safely: hostile archives cost bounded work and write nothing."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

from review_tree import EDU, unit_report, write_gbk_zip  # noqa: E402

from batch import sources  # noqa: E402
from batch.sources import Reader, Source, discover  # noqa: E402
from importers import ImportFailed  # noqa: E402
from models import limits, storage  # noqa: E402


def report_text(year: int = 2024) -> str:
    return storage.dumps(unit_report(EDU, year, 2))


def reasons(found: sources.Found) -> dict[str, str]:
    return {u.source.name.rsplit("!/", 1)[-1]: u.reason for u in found.unreadable}


def test_folders_are_walked_in_order_skipping_hidden_and_lock_files(tmp_path: Path) -> None:
    for name in ("b/2.json", "a/1.json", "a/sub/3.txt", ".git/x.json", "a/~$4.xlsx", "a/.5.json", "a/pic.jpg"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = discover([tmp_path])
    assert [Path(s.path).relative_to(tmp_path).as_posix() for s in found.sources] == ["a/1.json", "a/sub/3.txt",
                                                                                      "b/2.json"]
    assert found.skipped == 1 and not found.unreadable
    # a file named twice (itself and in its folder) is read once
    assert len(discover([tmp_path, tmp_path / "a" / "1.json"]).sources) == 3


def test_members_of_a_zip_are_read_in_memory(tmp_path: Path) -> None:
    archive = tmp_path / "r.zip"
    write_gbk_zip(archive, {"各单位/教育局.json": report_text()})
    (found,) = discover([archive]).sources
    assert found.name == f"{archive}!/各单位/教育局.json" and found.leaf == "教育局.json"
    with Reader() as reader:
        assert reader.read(found).report.meta.agency == EDU
    assert list(tmp_path.iterdir()) == [archive]  # nothing extracted


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_hostile_members_are_listed_with_their_reason(tmp_path: Path) -> None:
    archive = tmp_path / "hostile.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("../../escape.json", report_text())
        zf.writestr("/etc/abs.json", report_text())
        zf.writestr("C:/win.json", report_text())
        # compresses > 100:1 and is larger than any report could be (judged by absolute size)
        zf.writestr("bomb.json", b" " * (limits.ZIP_RATIO_FLOOR + 1))
        zf.writestr("fine.json", report_text())
        zf.writestr("dup.json", report_text())
        zf.writestr("dup.json", report_text())
        zf.writestr("readme.doc", b"x")
    found = discover([archive])
    why = reasons(found)
    assert "不安全" in why["../../escape.json"] and "不安全" in why["/etc/abs.json"] and "不安全" in why["C:/win.json"]
    assert "超过上限" in why["bomb.json"]
    assert "同名" in why["dup.json"]
    assert "Word" in why["readme.doc"]
    assert [s.leaf for s in found.sources] == ["fine.json", "dup.json"]


def test_nesting_is_bounded(tmp_path: Path) -> None:
    def zipped(name: str, data: bytes) -> bytes:
        import io

        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr(name, data)
        return buf.getvalue()

    level2 = zipped("deep.json", report_text().encode())
    level1 = zipped("inner.zip", level2)
    (tmp_path / "ok.zip").write_bytes(level1)  # a zip in a zip: read
    (tmp_path / "deep.zip").write_bytes(zipped("outer.zip", level1))  # three levels: refused
    found = discover([tmp_path])
    assert [s.name.removeprefix(str(tmp_path)) for s in found.sources] == ["/ok.zip!/inner.zip!/deep.json"]
    with Reader() as reader:
        assert reader.read(found.sources[0]).report.meta.year == 2024
    (refused,) = found.unreadable
    assert refused.source.name.endswith("outer.zip!/inner.zip") and "嵌套" in refused.reason


def test_a_member_that_lies_about_its_size_is_cut_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "r.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("big.json", b"x" * 5000)
    monkeypatch.setattr(sources, "MAX_IMPORT_BYTES", 1000)
    (found,) = discover([archive]).unreadable
    assert "超过上限" in found.reason
    with Reader() as reader, pytest.raises(ImportFailed, match="超过上限"):
        reader.read(Source(str(archive), ("big.json",)))


def test_broken_and_encrypted_archives(tmp_path: Path) -> None:
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    archive = tmp_path / "locked.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.json", report_text())
    data = bytearray(archive.read_bytes())
    data[6] |= 1  # the local header's "encrypted" flag
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 8] |= 1  # and the central directory's
    archive.write_bytes(bytes(data))
    why = {Path(u.source.path).name + ("!" + u.source.members[-1] if u.source.members else ""): u.reason
           for u in discover([tmp_path]).unreadable}
    assert "不是有效的 .zip" in why["broken.zip"]
    assert "加密" in why["locked.zip!a.json"]


def test_unsupported_documents_are_named(tmp_path: Path) -> None:
    (tmp_path / "报告.wps").write_bytes(b"x")
    (found,) = discover([tmp_path]).unreadable
    assert "WPS" in found.reason and ".json" in found.reason


@given(parts=st.lists(st.sampled_from(["a", "b.json", "报告.JSON", ".", "..", "", ".x", "x.", "a.b.c", "c.tar.gz",
                                       "C:", "d\\e.json", " .json", "x..json"]), min_size=1, max_size=4),
       member=st.one_of(st.none(), st.sampled_from(["2023/a.json", "b.XLSX", ".json", "a/", "x."])))
def test_a_sources_leaf_and_suffix_are_what_pathlib_says(parts: list[str], member: str | None) -> None:
    """``Source.leaf`` / ``suffix`` (asked for every file of a batch, without building a Path)
    equal ``Path(path).name`` and ``PurePosixPath(leaf).suffix.lower()``."""
    from pathlib import PurePosixPath

    path = "/".join(parts)
    source = Source(path, (member,) if member is not None else ())
    leaf = PurePosixPath(member).name if member is not None else Path(path).name
    assert source.leaf == leaf
    assert source.suffix == PurePosixPath(leaf).suffix.lower()


_names = st.text(max_size=8)


@given(path=_names, members=st.lists(_names, max_size=3), shown=st.lists(_names, max_size=3),
       previous=st.booleans())
def test_a_source_and_a_job_pickle_as_themselves(path: str, members: list[str], shown: list[str],
                                                  previous: bool) -> None:
    """A batch sends every source to a worker and back (``Source.__reduce__``, ``Job.__reduce__``)."""
    import pickle

    from batch.engine import Job

    source = Source(path, tuple(members), tuple(shown))
    job = Job(source, Source(path + "x", tuple(shown)) if previous else None)
    for thing in (source, job):
        back = pickle.loads(pickle.dumps(thing, protocol=pickle.HIGHEST_PROTOCOL))
        assert back == thing and hash(back) == hash(thing) and type(back) is type(thing)
        assert [getattr(back, f) for f in type(thing).__slots__] == [getattr(thing, f) for f in type(thing).__slots__]
