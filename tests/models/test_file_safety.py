"""Saves that always reopen (issue 7): limits in one place, bounded numbers, permissions and
links, stale temporary files, characters a file cannot hold, OS errors in Chinese."""

from __future__ import annotations

import errno
import json
import os
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_strategies import REFS
from sample_reports import make_huaian

from models import limits, storage
from models.checker import check_report
from models.numbers import CellParseError, Parsed, format_value
from models.report import Acceptance, Report
from models.storage import ReportFileError
from models.template import load_template
from models.values import CellRef


def parse_value(text: str, kind: str) -> Parsed:
    """Parse as the 2021 template's column of that number kind would."""
    return load_template("2021").number_kinds[kind].parse(text)


FEE = CellRef("proactive", "fees", "amount")
POSIX = os.name == "posix"


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _saved(tmp_path: Path, report: Report | None = None) -> tuple[Path, bytes]:
    path = tmp_path / "报告.json"
    storage.save(report or make_huaian(), path)
    return path, path.read_bytes()


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ---------------------------------------------------------------------- 2. save only what loads


@pytest.mark.parametrize("mangle, words", [
    (lambda r: setattr(r.meta, "agency", "某" * (limits.MAX_AGENCY_CHARS + 1)), "机关名称"),
    (lambda r: r.texts.__setitem__("overview", "字" * (limits.MAX_TEXT_CHARS + 1)), "总体情况"),
    (lambda r: r.notes.__setitem__("appeals", "注" * (limits.MAX_TEXT_CHARS + 1)), "表注"),
    (lambda r: setattr(r.meta, "title", "题" * (limits.MAX_META_CHARS + 1)), "标题"),
    (lambda r: r.acceptances.append(Acceptance("x", (), "说" * (limits.MAX_EXPLANATION_CHARS + 1), "")), "说明"),
])
def test_a_save_past_a_limit_is_refused_before_anything_is_written(tmp_path: Path, mangle: Any, words: str) -> None:
    path, before = _saved(tmp_path)
    report = make_huaian()
    mangle(report)
    with pytest.raises(ReportFileError) as info:
        storage.save(report, path)
    assert words in str(info.value) and "上限" in str(info.value)
    assert path.read_bytes() == before and _names(tmp_path) == ["报告.json"]


def test_a_report_past_the_file_size_is_refused_with_its_size(tmp_path: Path) -> None:
    # Every text within its limit, together more than a file may hold (3 bytes per character).
    report = make_huaian()
    for key in ("overview", "problems", "other"):
        report.texts[key] = "汉" * limits.MAX_TEXT_CHARS
    for key in ("proactive", "requests", "appeals"):
        report.notes[key] = "注" * limits.MAX_TEXT_CHARS
    with pytest.raises(ReportFileError) as info:
        storage.save(report, tmp_path / "big.json")
    assert "MB" in str(info.value) and "上限" in str(info.value)
    assert _names(tmp_path) == []


def test_what_the_saver_writes_at_every_limit_loads(tmp_path: Path) -> None:
    report = make_huaian()
    report.meta.agency = "机" * limits.MAX_AGENCY_CHARS
    report.meta.title = "题" * limits.MAX_META_CHARS
    report.texts["overview"] = "x" * limits.MAX_TEXT_CHARS
    report.notes["appeals"] = "注" * limits.MAX_TEXT_CHARS
    report.values[FEE] = Decimal("999999999999.999999")
    path = tmp_path / "r.json"
    storage.save(report, path)
    assert storage.load(path).same_content(report)


_huge_text = st.sampled_from([0, 1, 2]).flatmap(
    lambda d: st.sampled_from([limits.MAX_AGENCY_CHARS, limits.MAX_META_CHARS, limits.MAX_TEXT_CHARS,
                               limits.MAX_EXPLANATION_CHARS]).map(lambda n: "汉" * (n - 1 + d)))
_any_text = st.one_of(st.text(max_size=30), _huge_text, st.just("坏\ud800字"))
_any_decimal = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.builds(lambda m, e: Decimal(f"{m}E{e}"), st.integers(-(10**20), 10**20), st.integers(-(10**11), 10**11)),
)
_any_value = st.one_of(st.none(), st.integers(), st.integers(-(10**16), 10**16), _any_decimal, st.booleans())


@st.composite
def hostile_reports(draw: st.DrawFn) -> Report:
    report = make_huaian()
    report.meta.agency = draw(_any_text)
    report.meta.title = draw(st.one_of(st.none(), _any_text))
    for key in ("overview", "problems", "other"):
        if draw(st.booleans()):
            report.texts[key] = draw(_any_text)
    if draw(st.booleans()):
        report.notes["appeals"] = draw(_any_text)
    for ref in draw(st.lists(st.sampled_from(REFS), max_size=4)) + [FEE]:
        report.values[ref] = draw(_any_value)
    if draw(st.booleans()):
        report.acceptances.append(Acceptance("value.missing", (REFS[0],), draw(_any_text), "2024-01-01T00:00:00"))
    return report


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                  HealthCheck.function_scoped_fixture])
@given(report=hostile_reports())
def test_whatever_save_accepts_load_returns(tmp_path: Path, report: Report) -> None:
    path = tmp_path / "p.json"
    path.unlink(missing_ok=True)
    try:
        storage.save(report, path)
    except ReportFileError as exc:
        assert _chinese(str(exc))
        assert not path.exists()  # refused before anything was written
        return
    loaded = storage.load(path)
    assert loaded.same_content(report)


# ---------------------------------------------------------------------- 3. absurd numbers


@pytest.mark.parametrize("text", ["0.1234567", "1234567890123", "1234567890123.5", "0.0000001"])
def test_amounts_past_12_digits_or_6_places_are_refused_where_typed(text: str) -> None:
    with pytest.raises(CellParseError) as info:
        parse_value(text, "amount")
    assert _chinese(str(info.value))


@pytest.mark.parametrize("text", ["5949.088667", "999999999999.999999", "68.640", "0", "0.000001"])
def test_amounts_within_the_bounds_keep_the_string_typed(text: str) -> None:
    assert format_value(parse_value(text, "amount").value) == text


def test_counts_past_12_digits_are_refused() -> None:
    assert parse_value("999999999999", "count").value == 999_999_999_999
    with pytest.raises(CellParseError, match="12"):
        parse_value("1000000000000", "count")


@pytest.mark.parametrize("raw", ["1e-999999999", "1e-99999999999", "1E+30", "0." + "0" * 39 + "1",
                                 "1e5"])
def test_the_loader_refuses_amounts_it_cannot_hold_without_formatting_them(raw: str) -> None:
    doc = json.loads(storage.dumps(make_huaian()))
    doc["sections"]["proactive"]["fees"]["amount"] = raw
    started = time.monotonic()
    with pytest.raises(ReportFileError) as info:
        storage.loads(json.dumps(doc, ensure_ascii=False))
    assert time.monotonic() - started < 5  # never a million-digit string
    assert "行政事业性收费" in str(info.value) or "收费" in str(info.value)


def test_an_amount_past_the_bounds_from_an_older_file_is_a_value_type_error() -> None:
    doc = json.loads(storage.dumps(make_huaian()))
    doc["sections"]["proactive"]["fees"]["amount"] = "0.1234567"  # older versions wrote any places
    report = storage.loads(json.dumps(doc, ensure_ascii=False))
    assert report.values[FEE] == Decimal("0.1234567")
    found = [f for f in check_report(report).errors if f.rule == "value.type"]
    assert found and "6 位小数" in found[0].message


@pytest.mark.parametrize("value", [Decimal("1E-999999999"), Decimal("1E+999999999"), Decimal("1E-50"), 10**16])
def test_the_saver_refuses_a_value_it_could_not_read_back(tmp_path: Path, value: Any) -> None:
    report = make_huaian()
    report.values[FEE if isinstance(value, Decimal) else REFS[0]] = value
    with pytest.raises(ReportFileError, match="数值无法保存"):
        storage.save(report, tmp_path / "r.json")
    assert _names(tmp_path) == []


def test_no_display_path_formats_an_unbounded_decimal() -> None:
    report = make_huaian()
    report.values[FEE] = Decimal("1E-999999")
    result = check_report(report)
    f = next(f for f in result.errors if f.rule == "value.type" and f.cells == (FEE,))
    assert len(f.message) < 200 and len(json.dumps(f.to_dict(), ensure_ascii=False)) < 1000
    assert len(format_value(report.values[FEE])) < 50


@pytest.mark.parametrize("value, width", [(Decimal("1E-38"), 40), (Decimal("123.4500"), 8), (Decimal("-0.5"), 4),
                                          (Decimal("1E+3"), 4), (Decimal("0"), 1), (Decimal("-1E-2"), 5)])
def test_fits_file_measures_the_printed_width(value: Decimal, width: int) -> None:
    assert len(format(value, "f")) == width
    assert limits.fits_file(value) == (width <= limits.MAX_FILE_NUMBER_CHARS)


# ---------------------------------------------------------------------- 4. permissions and links


def test_saving_onto_a_read_only_file_is_refused_even_for_root(tmp_path: Path) -> None:
    path, before = _saved(tmp_path)
    os.chmod(path, 0o444)
    report = make_huaian()
    report.set_text("other", "新内容")
    with pytest.raises(storage.ReadOnlyFileError) as info:
        storage.save(report, path)
    assert "文件为只读" in str(info.value)
    assert path.read_bytes() == before and _names(tmp_path) == ["报告.json"]


@pytest.mark.skipif(not POSIX, reason="mode bits")
def test_a_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        storage.save(make_huaian(), tmp_path / "new.json")
        assert (tmp_path / "new.json").stat().st_mode & 0o777 == 0o644
        os.umask(0o007)
        storage.save(make_huaian(), tmp_path / "group.json")
        assert (tmp_path / "group.json").stat().st_mode & 0o777 == 0o660
    finally:
        os.umask(old)


@pytest.mark.skipif(not POSIX, reason="mode bits")
def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    path, _ = _saved(tmp_path)
    os.chmod(path, 0o664)
    storage.save(make_huaian(), path)
    assert path.stat().st_mode & 0o777 == 0o664


@pytest.mark.skipif(not POSIX, reason="symlinks need privileges on Windows")
def test_saving_through_a_symlink_writes_the_target(tmp_path: Path) -> None:
    real = tmp_path / "real" / "报告.json"
    real.parent.mkdir()
    storage.save(make_huaian(), real)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    report = make_huaian()
    report.set_text("other", "经由链接保存")
    storage.save(report, link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert storage.load(real).texts["other"] == "经由链接保存"
    assert _names(real.parent) == ["报告.json"] and _names(tmp_path) == ["link.json", "real"]


def test_temp_files_of_a_killed_save_are_removed_at_the_next_save(tmp_path: Path) -> None:
    path, _ = _saved(tmp_path)
    stale = tmp_path / ".报告.json.k2j4_x9q.tmp"
    stale.write_bytes(b"half a save")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    fresh = tmp_path / ".报告.json.abcd1234.tmp"  # another desk's save, right now: left alone
    fresh.write_bytes(b"in progress")
    other = tmp_path / ".别的.json.k2j4_x9q.tmp"  # another file's: left alone
    other.write_bytes(b"x")
    os.utime(other, (old, old))
    storage.save(make_huaian(), path)
    assert not stale.exists() and fresh.exists() and other.exists()


def test_a_failed_first_save_does_not_claim_an_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(ReportFileError) as info:
        storage.save(make_huaian(), tmp_path / "新.json")
    assert "磁盘空间不足" in str(info.value) and "原文件" not in str(info.value)
    path = tmp_path / "旧.json"
    monkeypatch.undo()
    storage.save(make_huaian(), path)
    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(ReportFileError, match="原文件未改动"):
        storage.save(make_huaian(), path)


# ---------------------------------------------------------------------- 6. silent failures


def test_a_lone_surrogate_in_a_file_is_replaced_on_load_with_a_finding(tmp_path: Path) -> None:
    path, _ = _saved(tmp_path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["sections"]["overview"]["text"] = "开头\ud800结尾"  # json.dumps writes the escape \ud800
    doc["meta"]["agency"] = "某\udfff局"
    path.write_text(json.dumps(doc), encoding="utf-8")
    loaded = storage.read(path)
    assert loaded.report.texts["overview"] == "开头\ufffd结尾" and loaded.report.meta.agency == "某\ufffd局"
    assert len(loaded.findings) == 2 and all("无法保存的字符" in f.message for f in loaded.findings)
    # …and the report saves again without a word.
    storage.save(loaded.report, tmp_path / "again.json")


@pytest.mark.parametrize("code, words", [(errno.EIO, "读写"), (errno.EDQUOT, "配额"), (errno.ESTALE, "网络"),
                                         (errno.ETIMEDOUT, "超时"), (errno.EFBIG, "过大"), (9999, "系统错误")])
def test_os_errors_are_explained_in_chinese(code: int, words: str) -> None:
    text = storage.os_error_text(OSError(code, "Some English strerror"))
    assert words in text and _chinese(text)


def test_reading_without_a_fingerprint_gives_the_same_report_and_findings(tmp_path: Path) -> None:
    """``storage.read(fingerprint=False)`` (what an import and a batch check use: they keep no
    fingerprint) reads the file once and gives what the fingerprinted read gives, errors too."""
    path, _ = _saved(tmp_path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["meta"]["agency"] = "某\udfff局"
    path.write_text(json.dumps(doc), encoding="utf-8")
    plain, full = storage.read(path, fingerprint=False), storage.read(path)
    assert plain.report == full.report and plain.findings == full.findings and plain.fingerprint is None
    assert full.fingerprint is not None
    for bad in (tmp_path / "missing.json", tmp_path):
        with pytest.raises(ReportFileError) as a:
            storage.read(bad, fingerprint=False)
        with pytest.raises(ReportFileError) as b:
            storage.read(bad)
        assert str(a.value) == str(b.value)


def _read_file_by_stat(path: Path, limit: int) -> bytes | str:
    """``storage.read_file`` as it was before its one-open short path: the bytes, or the message."""
    try:
        size = path.stat().st_size
        if size > limit:
            return f"“{path.name}”过大（{size // 1024 // 1024} MB），不是报告文件"
        return path.read_bytes()
    except FileNotFoundError:
        return f"找不到文件 {path}"
    except IsADirectoryError:
        return f"{path} 是文件夹，不是报告文件"
    except OSError as exc:
        return f"无法读取 {path}：{storage.os_error_text(exc)}"


@pytest.mark.parametrize("case", ["file", "empty", "at the limit", "past the limit", "missing", "folder",
                                  "in a file", "dangling link", "link to a file"])
def test_reading_a_file_gives_what_the_stat_first_path_gave(tmp_path: Path, case: str) -> None:
    """``read_file`` opens once in the common case; every other case says what it said before."""
    target = tmp_path / "报告.json"
    limit = 64
    if case in ("file", "in a file", "link to a file"):
        target.write_bytes(b'{"x": 1}')
    elif case == "empty":
        target.write_bytes(b"")
    elif case in ("at the limit", "past the limit"):
        target.write_bytes(b"x" * (limit + (case == "past the limit")))
    elif case == "folder":
        target.mkdir()
    path = target / "x.json" if case == "in a file" else target
    if case in ("dangling link", "link to a file"):
        path = tmp_path / "link.json"
        path.symlink_to(tmp_path / "nowhere.json" if case == "dangling link" else target)
    expected = _read_file_by_stat(path, limit)
    try:
        got: bytes | str = storage.read_file(path, limit=limit, error=ReportFileError, kind="报告文件",
                                             too_big="不是报告文件")
    except ReportFileError as exc:
        got = str(exc)
    assert got == expected
