"""The report file: save → load is identity, a stable human-readable layout, atomic saves, and a
loader that refuses anything else with its own error type and a Chinese message."""

from __future__ import annotations

import json
import os
import random
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from report_strategies import REFS, count_values, last_years
from sample_reports import make_huaian

from models import storage
from models.report import LEVELS, Acceptance, Meta, Report
from models.storage import NewerVersionError, ReportFileError
from models.template import load_template
from models.values import CellRef

KIND = {ref: make_huaian().template.cell(*ref).number.name for ref in REFS}  # type: ignore[union-attr]


def _is_chinese(message: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in message)


# ---------------------------------------------------------------------- identity


texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=200)  # any unicode but lone surrogates
amounts = st.one_of(st.none(), st.decimals(min_value=0, max_value=10**12, places=6, allow_nan=False),
                    # at most 6 places: models/limits.py refuses to save more (a loaded file never has them)
                    st.decimals(min_value=-(10**6), max_value=10**6, places=6, allow_nan=False, allow_infinity=False)
                    .filter(lambda d: abs(d.adjusted()) < 12))
counts = st.one_of(count_values(), st.integers(-(10**15), 10**15))


@st.composite
def reports(draw: st.DrawFn) -> Report:
    report = Report.blank(load_template("2021"), agency=draw(st.text(max_size=60)), year=draw(st.one_of(st.none(), st.integers(1900, 2999))))
    report.meta.title = draw(st.one_of(st.none(), st.text(max_size=80)))
    report.meta.date = draw(st.one_of(st.none(), st.dates().map(str)))
    report.meta.level = draw(st.one_of(st.none(), st.sampled_from(list(LEVELS))))
    seed = draw(st.integers(0, 2**32))
    rng = random.Random(seed)
    count_pool = draw(st.lists(counts, min_size=1, max_size=6))
    for ref in REFS:
        report.values[ref] = draw(amounts) if KIND[ref] == "amount" else rng.choice(count_pool)
    for key in ("overview", "problems", "other"):
        report.texts[key] = draw(st.one_of(texts, st.sampled_from(["", "第一段\n第二段\r\n\t“引号”\\反斜杠"])))
    if draw(st.booleans()):
        report.notes["appeals"] = draw(texts)
    for _ in range(draw(st.integers(0, 3))):
        cells = tuple(draw(st.lists(st.sampled_from(REFS), min_size=0, max_size=3, unique=True)))
        report.acceptances.append(Acceptance(draw(st.sampled_from(["value.missing", "carryover.in_force", "x"])),
                                             cells, draw(texts), draw(st.text(max_size=25))))
    if draw(st.booleans()):  # last year's figures and texts kept in the file (issue 10)
        report.previous = draw(last_years(texts))
    return report


def same(a: Report, b: Report) -> bool:
    return a.same_content(b) and all(type(a.values[r]) is type(b.values[r]) for r in REFS)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report=reports())
def test_save_load_is_identity(report: Report) -> None:
    # Keys of one acceptance must be unique for the report to hold them (Report.accept replaces).
    assume(len({a.key for a in report.acceptances}) == len(report.acceptances))
    text = storage.dumps(report)
    loaded = storage.loads(text)
    assert same(loaded, report)
    assert loaded.meta == report.meta and loaded.notes.get("appeals", "") == report.notes.get("appeals", "")
    assert storage.dumps(loaded) == text  # and stable: the second save is byte-identical
    for ref in REFS:
        v = report.values[ref]
        if isinstance(v, Decimal):  # amounts keep their places: 68.60 stays 68.60
            assert str(loaded.values[ref]) == format(v, "f") or loaded.values[ref] == v


def test_save_load_file_identity(tmp_path: Path) -> None:
    report = make_huaian()
    report.notes["appeals"] = "注：行政复议、行政诉讼数量含上年度结转数量。"
    report.meta.date = "2025-03-28"
    path = tmp_path / "淮安市人民政府2024年政府信息公开工作年度报告.json"
    storage.save(report, path)
    loaded = storage.load(path)
    assert same(loaded, report)
    assert loaded.values[CellRef("proactive", "fees", "amount")] == Decimal("96171.6")


def test_file_layout(tmp_path: Path) -> None:
    report = make_huaian()
    path = tmp_path / "r.json"
    storage.save(report, path)
    raw = path.read_bytes()
    text = raw.decode("utf-8")  # UTF-8, no BOM
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert "淮安市人民政府" in text and "\\u" not in text  # Chinese not escaped
    assert text.endswith("}\n") and text.count("\n") > 200  # indented, one key a line: diff-friendly
    assert storage.dumps(report) == storage.dumps(report.copy())
    doc = json.loads(text, parse_float=lambda s: pytest.fail(f"float in the file: {s}"))
    assert list(doc) == ["format", "schema_version", "template", "meta", "sections"]
    assert doc["format"] == "gov-info-disclosure-annual-report" and doc["schema_version"] == 1
    assert doc["template"] == "2021"
    assert list(doc["meta"]) == ["agency", "year", "level"]
    t = report.template
    assert list(doc["sections"]) == [s.key for s in t.sections]
    for section in t.table_sections:
        body = doc["sections"][section.key]
        assert list(body) == section.row_keys
        for row in section.row_keys:
            assert list(body[row]) == section.columns_of(row)
    assert doc["sections"]["proactive"]["fees"] == {"amount": "96171.6"}  # a decimal string, never a float
    assert doc["sections"]["requests"]["new"]["total"] == 3119
    assert doc["sections"]["appeals"]["data"]["review.total"] == 351
    assert doc["sections"]["overview"] == {"text": report.texts["overview"]}


def test_blank_cells_are_null_and_notes_are_kept() -> None:
    report = Report.blank(load_template("2021"), agency="某局", year=2024)
    report.notes["appeals"] = "注：行政复议、行政诉讼数量含上年度结转数量。"
    doc = json.loads(storage.dumps(report))
    assert doc["sections"]["requests"]["new"]["natural"] is None
    assert doc["sections"]["appeals"]["note"] == "注：行政复议、行政诉讼数量含上年度结转数量。"
    assert "acceptances" not in doc


def test_acceptances_in_the_file_and_stale_ones_dropped() -> None:
    report = make_huaian()
    live = Acceptance("carryover.in_force", (CellRef("proactive", "regulations", "in_force"),), "自然失效 1 件", "t1")
    stale = Acceptance("value.missing", (CellRef("requests", "new", "legal"),), "旧的说明", "t0")
    report.acceptances = [live, stale]
    doc = json.loads(storage.dumps(report))
    assert doc["acceptances"][0] == {
        "rule": "carryover.in_force",
        "cells": [{"section": "proactive", "row": "regulations", "column": "in_force"}],
        "explanation": "自然失效 1 件",
        "accepted_at": "t1",
    }
    kept = storage.loads(storage.dumps(report, live_keys={live.key}))
    assert kept.acceptances == [live]


# ---------------------------------------------------------------------- atomic save


def _crash(*_: Any, **__: Any) -> None:
    raise OSError(28, "No space left on device")


def _interrupt(*_: Any, **__: Any) -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize("where", ["replace", "fsync", "write"])
@pytest.mark.parametrize("how", [_crash, _interrupt])
def test_crash_mid_save_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str,
                                           how: Any) -> None:
    path = tmp_path / "报告.json"
    old = make_huaian()
    storage.save(old, path)
    before = path.read_bytes()
    changed = make_huaian()
    changed.set_text("other", "修改后的内容")
    if where == "write":
        real_fdopen = os.fdopen

        def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
            fh = real_fdopen(fd, *args, **kwargs)

            class Half:
                def __enter__(self) -> Half:
                    return self

                def __exit__(self, *exc: object) -> None:
                    fh.close()

                def write(self, data: bytes) -> None:
                    fh.write(data[: len(data) // 2])  # half the bytes reach the disk, then…
                    how()

            return Half()

        monkeypatch.setattr(os, "fdopen", fdopen)
    else:
        monkeypatch.setattr(os, where, how)
    expected = ReportFileError if how is _crash else KeyboardInterrupt
    with pytest.raises(expected) as info:
        storage.save(changed, path)
    if expected is ReportFileError:
        assert "原文件未改动" in str(info.value) and _is_chinese(str(info.value))
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报告.json"]  # no temp file left behind
    assert storage.load(path).texts["other"] == old.texts["other"]


def test_save_replaces_and_keeps_permissions(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    storage.save(make_huaian(), path)
    os.chmod(path, 0o644)
    report = make_huaian()
    report.set_text("other", "新内容")
    storage.save(report, path)
    assert storage.load(path).texts["other"] == "新内容"
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_save_into_a_missing_folder_is_a_report_file_error(tmp_path: Path) -> None:
    with pytest.raises(ReportFileError) as info:
        storage.save(make_huaian(), tmp_path / "没有这个文件夹" / "r.json")
    assert _is_chinese(str(info.value))


def test_unsavable_character_is_a_report_file_error(tmp_path: Path) -> None:
    report = make_huaian()
    report.texts["other"] = "坏字符\ud800"
    with pytest.raises(ReportFileError, match="无法保存的字符"):
        storage.save(report, tmp_path / "r.json")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------- refusing what is not a report


def _valid_doc() -> dict[str, Any]:
    return json.loads(storage.dumps(make_huaian()))  # type: ignore[no-any-return]


def _refused(doc: Any) -> ReportFileError:
    with pytest.raises(ReportFileError) as info:
        storage.loads(doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False))
    assert _is_chinese(str(info.value)), str(info.value)
    return info.value


@pytest.mark.parametrize(
    "text",
    ["", "   ", "null", "[]", "42", '"report"', "{}", '{"format": "something-else", "schema_version": 1}',
     "<html><body>政府信息公开工作年度报告</body></html>", "{\"format\": ", "\ufeff{}", "[" * 100_000],
)
def test_not_a_report(text: str) -> None:
    _refused(text)


def test_newer_schema_version() -> None:
    doc = _valid_doc()
    doc["schema_version"] = 2
    err = _refused(doc)
    assert isinstance(err, NewerVersionError)
    assert "更新版本" in str(err) and "升级" in str(err)


@pytest.mark.parametrize("version", [0, -1, "1", 1.0, None, True])
def test_invalid_schema_version(version: Any) -> None:
    doc = _valid_doc()
    doc["schema_version"] = version
    assert not isinstance(_refused(doc), NewerVersionError)


@pytest.mark.parametrize("template", ["2018", "", None, 2021, "../2021"])
def test_unknown_template(template: Any) -> None:
    doc = _valid_doc()
    doc["template"] = template
    err = _refused(doc)
    assert "模板" in str(err) and "2021" in str(err)


@pytest.mark.parametrize(
    ("section", "row", "column", "value"),
    [
        ("requests", "new", "natural", "12"),  # a string in a count
        ("requests", "new", "natural", 12.5),  # a float
        ("requests", "new", "natural", 12.0),  # even a whole float
        ("requests", "new", "natural", True),  # a bool
        ("requests", "new", "natural", [12]),
        ("requests", "new", "natural", 10**16),
        ("proactive", "fees", "amount", 68.64),  # amounts are strings, never floats
        ("proactive", "fees", "amount", "68.64万元"),
        ("proactive", "fees", "amount", "NaN"),
        ("proactive", "fees", "amount", "Infinity"),
        ("proactive", "fees", "amount", False),
        ("proactive", "fees", "amount", "1" * 50),
    ],
)
def test_wrong_value_type(section: str, row: str, column: str, value: Any) -> None:
    doc = _valid_doc()
    doc["sections"][section][row][column] = value
    err = _refused(doc)
    assert "“" in str(err)  # names the cell


@pytest.mark.parametrize(
    "mangle",
    [
        lambda d: d["sections"]["requests"]["new"].update(nobody=1),
        lambda d: d["sections"].update(appendix={"text": ""}),
        lambda d: d["sections"].update(requests=[]),
        lambda d: d["sections"]["requests"].update(new=3),
        lambda d: d.update(sections=None),
        lambda d: d.update(meta=None),
        lambda d: d["meta"].update(year="2024"),
        lambda d: d["meta"].update(year=True),
        lambda d: d["meta"].update(year=20240),
        lambda d: d["meta"].update(agency=["淮安"]),
        lambda d: d["meta"].update(level="village"),
        lambda d: d["meta"].update(title=7),
        lambda d: d["sections"]["overview"].update(text=["一段"]),
        lambda d: d["sections"]["appeals"].update(note=1),
        lambda d: d.update(acceptances={}),
        lambda d: d.update(acceptances=[{"rule": "x"}]),
        lambda d: d.update(acceptances=["x"]),
        lambda d: d.update(acceptances=[{"rule": "x", "explanation": "y", "cells": [[1, 2, 3]]}]),
        lambda d: d.update(acceptances=[{"rule": "x", "explanation": "y",
                                         "cells": [{"section": [], "row": "new", "column": "total"}]}]),
        lambda d: d.update(acceptances=[{"rule": "x", "explanation": "y",
                                         "cells": [{"section": "requests", "row": "new", "column": "nope"}]}]),
        lambda d: d.update(acceptances=[{"rule": 1, "explanation": "y", "cells": []}]),
    ],
)
def test_malformed_report(mangle: Any) -> None:
    doc = _valid_doc()
    mangle(doc)
    _refused(doc)


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as fh:
        fh.truncate(storage.MAX_FILE_BYTES + 1)  # sparse: costs nothing on disk
    with pytest.raises(ReportFileError, match="过大"):
        storage.load(path)
    with pytest.raises(ReportFileError, match="过大"):
        storage.loads(" " * (storage.MAX_FILE_BYTES + 1))


def test_unreadable_files(tmp_path: Path) -> None:
    for path in (tmp_path / "missing.json", tmp_path):
        with pytest.raises(ReportFileError) as info:
            storage.load(path)
        assert _is_chinese(str(info.value))
    gbk = tmp_path / "gbk.json"
    gbk.write_bytes(storage.dumps(make_huaian()).encode("gbk"))
    with pytest.raises(ReportFileError, match="UTF-8"):
        storage.load(gbk)


def test_bom_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + storage.dumps(make_huaian()).encode("utf-8"))  # saved by Notepad
    assert same(storage.load(path), make_huaian())


def test_file_without_optional_parts_loads_blank() -> None:
    doc = {"format": "gov-info-disclosure-annual-report", "schema_version": 1, "template": "2021",
           "meta": {"agency": "某局", "year": 2024}, "sections": {}}
    report = storage.loads(json.dumps(doc))
    assert report.meta == Meta(agency="某局", year=2024)
    assert all(v is None for v in report.values.values()) and len(report.values) == 200


# ---------------------------------------------------------------------- fuzzing the loader


_VALID = storage.dumps(make_huaian())
_VALID_BYTES = _VALID.encode("utf-8")

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)


def _load_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory(prefix="nianbao-fuzz-") as folder:
        path = Path(folder) / "fuzz.json"
        path.write_bytes(data)
        try:
            storage.load(path)
        except ReportFileError as exc:
            assert _is_chinese(str(exc))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    _load_bytes(data)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_mangled_bytes(data: st.DataObject) -> None:
    raw = bytearray(_VALID_BYTES)
    for _ in range(data.draw(st.integers(1, 5))):
        op = data.draw(st.sampled_from(["cut", "flip", "delete", "insert"]))
        if not raw:
            break
        i = data.draw(st.integers(0, len(raw) - 1))
        if op == "cut":
            del raw[i:]
        elif op == "flip":
            raw[i] ^= 1 << data.draw(st.integers(0, 7))
        elif op == "delete":
            del raw[i: i + data.draw(st.integers(1, 50))]
        else:
            raw[i:i] = data.draw(st.binary(min_size=1, max_size=8))
    _load_bytes(bytes(raw))


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, prefix + (i,))
    return out


_DOC = json.loads(storage.dumps(make_huaian()))
_DOC["acceptances"] = [{"rule": "value.missing", "cells": [{"section": "requests", "row": "new", "column": "legal"}],
                        "explanation": "说明", "accepted_at": "t"}]
_DOC_PATHS = _paths(_DOC)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_values_replaced_with_random_json(data: st.DataObject) -> None:
    doc = json.loads(json.dumps(_DOC))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_DOC_PATHS))
        replacement = data.draw(json_values)
        if not path:
            doc = replacement
            continue
        node = doc
        try:
            for k in path[:-1]:
                node = node[k]
            node[path[-1]] = replacement
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement removed this place
    try:
        storage.loads(json.dumps(doc, ensure_ascii=data.draw(st.booleans())))
    except ReportFileError as exc:
        assert _is_chinese(str(exc))


@settings(max_examples=100, deadline=None)
@given(st.integers(0, len(_VALID)))
def test_truncated_at_every_length(n: int) -> None:
    if _VALID[:n].rstrip() == _VALID.rstrip():  # only the final newline cut: still the whole document
        storage.loads(_VALID[:n])
        return
    with pytest.raises(ReportFileError):
        storage.loads(_VALID[:n])


def test_os_errors_are_explained_in_chinese(tmp_path: Path) -> None:
    from models.report import Report
    from models.storage import ReportFileError, save

    missing_folder = tmp_path / "no such folder" / "r.json"
    with pytest.raises(ReportFileError) as exc:
        save(Report.blank(load_template("2021")), missing_folder)
    assert "文件或文件夹不存在" in str(exc.value) and "No such file" not in str(exc.value)
