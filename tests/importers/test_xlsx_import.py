"""Reading our workbook back: exact round trips, edited cells reported one by one, hostile files refused."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_strategies import last_years

from exporters.xlsx import export_xlsx
from importers import ImportFailed, read_report
from importers.xlsx import import_workbook
from models import storage
from models.grid import grid_for
from models.report import LEVELS, Acceptance, Meta, Report
from models.template import load_template
from models.values import CellRef
from models.workbook_map import META_SHEET, TABLE_ORIGIN, sheet_name

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
WULONG = ROOT / "resources" / "samples" / "wulong-hrss-2021.json"
T = load_template("2021")


def huaian() -> Report:
    """The 淮安 2024 tables with every other field of a report filled in."""
    raw = json.loads((FIXTURES / "huaian-city-2024.expected.json").read_text(encoding="utf-8"))
    doc = {"format": storage.FORMAT_ID, "schema_version": 1, "template": "2021",
           "meta": {"agency": raw.pop("agency"), "year": raw.pop("year")}, "sections": raw}
    report = storage.from_dict(doc)
    report.meta = Meta(agency="淮安市人民政府", year=2024, title="淮安市人民政府2024年政府信息公开工作年度报告",
                       date="2025-01-20", level="municipal")
    report.texts["overview"] = "一、总体情况\n\n本年新收政府信息公开申请3119件。\n  （一）主动公开"
    report.texts["problems"] = "一是公开质量有待提高。\n二是解读形式单一。\n"
    report.texts["other"] = "本机关未收取信息处理费。"
    report.notes["appeals"] = "注：行政复议、行政诉讼数量含上年度结转数量。"
    report.acceptances = [Acceptance("value.missing", (CellRef("requests", "new", "research"),),
                                     "本机关没有科研机构申请，已核实。", "2025-01-19T10:00:00")]
    return report


def to_bytes(report: Report) -> bytes:
    buf = io.BytesIO()
    export_xlsx(report, buf)
    return buf.getvalue()


def read(data: bytes):  # type: ignore[no-untyped-def]
    return import_workbook(io.BytesIO(data))


def coord(ref: CellRef) -> str:
    pos = grid_for(T, ref.section).position(ref)
    assert pos is not None
    return openpyxl.utils.get_column_letter(TABLE_ORIGIN[1] + pos[1]) + str(TABLE_ORIGIN[0] + pos[0])


def edit(data: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    """Open with openpyxl as another program would, apply ``change(wb)``, save."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------- round trips


def test_round_trip_of_the_sample() -> None:
    report = huaian()
    result = read(to_bytes(report))
    assert result.findings == []
    assert result.report.same_content(report)
    assert result.report.values[CellRef("proactive", "fees", "amount")] == Decimal("96171.6")


def test_round_trip_through_a_file_and_read_report(tmp_path: Path) -> None:
    path = tmp_path / "年报.xlsx"
    path.write_bytes(to_bytes(huaian()))
    assert read_report(path).report.same_content(huaian())


def test_round_trip_of_the_shipped_sample() -> None:
    report = storage.load(WULONG)
    result = read(to_bytes(report))
    assert result.report.same_content(report)
    assert not [f for f in result.findings if f.severity == "error"]


_REFS = [CellRef(c.section, c.row, c.column) for c in T.all_cells()]
_COUNTS = [r for r in _REFS if T.cell(*r).number.name == "count"]  # type: ignore[union-attr]
_AMOUNTS = [r for r in _REFS if T.cell(*r).number.name == "amount"]  # type: ignore[union-attr]
_text = st.lists(
    st.one_of(
        st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), max_size=8),
        st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=8),
        st.sampled_from(["\n", "\n\n", "\r\n", "\t", "　", " ", "_x000D_", "_x", "_", "\x01", "=", "=SUM(A1)", "'"]),
    ),
    max_size=12,
).map("".join)
_amount = st.integers(0, 6).flatmap(
    lambda p: st.decimals(min_value=0, max_value=Decimal("1e12") - 1, places=p, allow_nan=False, allow_infinity=False)
)


@st.composite
def reports(draw: st.DrawFn) -> Report:
    report = Report.blank(T)
    report.meta = Meta(
        agency=draw(_text),
        year=draw(st.none() | st.integers(1900, 2999)),
        title=draw(st.none() | _text.filter(bool)),
        date=draw(st.none() | st.dates().map(lambda d: d.isoformat())),
        level=draw(st.none() | st.sampled_from(sorted(LEVELS))),
    )
    # up to the 12 digits a count may have (longer ones are value.type errors, read back as such)
    counts = draw(st.lists(st.none() | st.integers(0, 10**7) | st.integers(0, 10**12 - 1), min_size=len(_COUNTS),
                           max_size=len(_COUNTS)))
    report.values.update(zip(_COUNTS, counts, strict=True))
    for ref in _AMOUNTS:
        report.values[ref] = draw(st.none() | _amount)
    for section in T.narrative_sections:
        report.texts[section.key] = draw(_text)
    note = draw(_text)
    if note:
        report.notes["appeals"] = note
    for _ in range(draw(st.integers(0, 2))):
        cells = tuple(draw(st.lists(st.sampled_from(_REFS), min_size=1, max_size=3, unique=True)))
        report.acceptances.append(Acceptance(draw(st.sampled_from(["value.missing", "narrative.numbers"])), cells,
                                             draw(_text), draw(st.sampled_from(["", "2025-01-19T10:00:00"]))))
    if draw(st.booleans()):  # last year's figures and texts travel with the workbook (issue 10)
        report.previous = draw(last_years(_text))
    return report


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports())
def test_round_trip_of_generated_reports(report: Report) -> None:
    result = read(to_bytes(report))
    assert result.report.same_content(report), (result.report.meta, report.meta)
    for ref in _AMOUNTS:  # the very digits, trailing zeros included
        assert str(result.report.values[ref]) == str(report.values[ref])
    assert [f for f in result.findings if f.severity == "error"] == []


def test_texts_longer_than_a_cell_holds() -> None:
    report = huaian()
    report.texts["overview"] = "第一段。\n" + "长" * 40_000 + "\x01" * 5_000 + "\n末段。"
    report.acceptances[0] = Acceptance("value.missing", report.acceptances[0].cells, "说" * 70_000, "")
    result = read(to_bytes(report))
    assert result.report.same_content(report) and result.findings == []


def test_a_note_too_long_for_a_cell_is_refused_not_cut() -> None:
    from exporters import ExportFailed

    report = huaian()
    report.notes["appeals"] = "注" * 40_000
    with pytest.raises(ExportFailed, match="超过 Excel 单元格的上限"):
        to_bytes(report)


LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
if LIBREOFFICE is None and os.environ.get("NIANBAO_REQUIRE_LIBREOFFICE"):
    raise RuntimeError("CI needs LibreOffice for the round-trip tests (.ci/run installs libreoffice-calc)")


@pytest.mark.skipif(LIBREOFFICE is None, reason="LibreOffice not installed")
def test_round_trip_after_libreoffice_saved_it(tmp_path: Path) -> None:
    """A colleague opens the workbook in LibreOffice Calc and saves it again."""
    src = tmp_path / "in" / "年报.xlsx"
    src.parent.mkdir()
    src.write_bytes(to_bytes(huaian()))
    env = dict(os.environ, HOME=str(tmp_path / "home"))
    subprocess.run([LIBREOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",  # type: ignore[list-item]
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "out"), str(src)],
                   check=True, capture_output=True, timeout=120, env=env)
    result = import_workbook(tmp_path / "out" / "年报.xlsx")
    assert result.report.same_content(huaian())
    assert result.findings == []


# ---------------------------------------------------------------------- edited workbooks

SHEET3 = "三、依申请公开"
NEW = {c: CellRef("requests", "new", c) for c in ("natural", "commercial", "research", "nonprofit", "legal",
                                                  "other_org")}


def _bad_cells(wb: openpyxl.Workbook) -> None:
    ws = wb[SHEET3]
    ws[coord(NEW["natural"])] = "abc"
    ws[coord(NEW["commercial"])] = -5
    ws[coord(NEW["research"])] = "12件"
    ws[coord(NEW["nonprofit"])] = "１２"
    ws[coord(NEW["legal"])] = f"={coord(NEW['natural'])}+1"
    ws[coord(NEW["other_org"])] = None
    ws[coord(CellRef("requests", "carried_over", "natural"))] = " 34 "
    ws[coord(CellRef("requests", "carried_over", "commercial"))] = 2.5


@pytest.fixture(scope="module")
def edited():  # type: ignore[no-untyped-def]
    return read(edit(to_bytes(huaian()), _bad_cells))


def _only(findings, ref):  # type: ignore[no-untyped-def]
    found = [f for f in findings if ref in f.cells]
    assert len(found) == 1, found
    return found[0]


def test_bad_cells_are_reported_one_by_one(edited) -> None:  # type: ignore[no-untyped-def]
    f = _only(edited.findings, NEW["natural"])
    assert f.rule == "value.type" and f.severity == "error"
    assert f"'{SHEET3}'!{coord(NEW['natural'])}" in f.message
    assert "一、本年新收政府信息公开申请数量" in f.message and "自然人" in f.message and "abc" in f.message
    assert edited.report.values[NEW["natural"]] is None  # never guessed
    neg = _only(edited.findings, NEW["commercial"])
    assert neg.rule == "value.type" and "负数" in neg.message and "商业企业" in neg.message
    assert edited.report.values[NEW["commercial"]] is None
    frac = _only(edited.findings, CellRef("requests", "carried_over", "commercial"))
    assert frac.rule == "value.type" and "整数" in frac.message


def test_text_numbers_are_read(edited) -> None:  # type: ignore[no-untyped-def]
    assert edited.report.values[NEW["research"]] == 12
    unit = _only(edited.findings, NEW["research"])
    assert unit.rule == "value.unit_text" and unit.severity == "info" and "件" in unit.message
    assert edited.report.values[NEW["nonprofit"]] == 12
    assert edited.report.values[CellRef("requests", "carried_over", "natural")] == 34
    assert not [f for f in edited.findings if NEW["nonprofit"] in f.cells]


def test_formula_without_result_and_deleted_value(edited) -> None:  # type: ignore[no-untyped-def]
    f = _only(edited.findings, NEW["legal"])
    assert f.rule == "value.type" and "公式" in f.message and coord(NEW["legal"]) in f.message
    assert edited.report.values[NEW["legal"]] is None
    gone = _only(edited.findings, NEW["other_org"])
    assert gone.rule == "value.missing" and "删除" in gone.message and "其他" in gone.message
    assert edited.report.values[NEW["other_org"]] is None
    # everything else is read as it was
    untouched = [r for r in _REFS if r.section != "requests" or r.row not in ("new", "carried_over")]
    assert all(edited.report.values[r] == huaian().values[r] for r in untouched)


def _with_cached_value(data: bytes, sheet_index: int, coordinate: str, formula: str, value: str) -> bytes:
    """Put a formula with a saved result into a sheet, as Excel writes it."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == f"xl/worksheets/sheet{sheet_index}.xml":
                body, n = re.subn(rf'<c r="{coordinate}"([^>]*?)(/>|>.*?</c>)'.encode(),
                                  f'<c r="{coordinate}"><f>{formula}</f><v>{value}</v></c>'.encode(), body)
                assert n == 1
            dst.writestr(item, body)
    return out.getvalue()


def test_formula_with_a_saved_result_is_read() -> None:
    ref = CellRef("requests", "new", "total")
    parts = f"{coord(NEW['natural'])}:{coord(NEW['other_org'])}"
    data = _with_cached_value(to_bytes(huaian()), 3, coord(ref), f"SUM({parts})", "3119")
    result = read(data)
    assert result.report.values[ref] == 3119
    assert result.report.same_content(huaian()) and result.findings == []


def test_inserted_row_is_detected_not_guessed() -> None:
    grid = grid_for(T, "requests")
    withheld = CellRef("requests", "withheld_law", "natural")
    at = TABLE_ORIGIN[0] + grid.position(withheld)[0]  # type: ignore[index]
    result = read(edit(to_bytes(huaian()), lambda wb: wb[SHEET3].insert_rows(at)))
    sample = huaian()
    moved = [r for r in _REFS if r.section == "requests" and grid.position(r)[0] + TABLE_ORIGIN[0] >= at]  # type: ignore[index]
    assert moved
    for ref in moved:
        f = _only([f for f in result.findings if f.cells], ref)
        assert f.rule == "format" and f.severity == "error" and f"'{SHEET3}'!" in f.message
        assert result.report.values[ref] is None
    above = [r for r in _REFS if r.section == "requests" and r not in moved]
    assert above and all(result.report.values[r] == sample.values[r] for r in above)
    assert any(f.rule == "format" and not f.cells and SHEET3 in f.message for f in result.findings)


def test_row_inserted_above_a_table_without_row_labels() -> None:
    """表四 has no row labels: the moved numbers and the moved note are reported, not misread."""
    grid = grid_for(T, "appeals")
    at = TABLE_ORIGIN[0] + grid.header_rows

    def insert_like_excel(wb: openpyxl.Workbook) -> None:
        ws = wb["四、复议诉讼"]
        ws.insert_rows(at)
        for merged in ws.merged_cells.ranges:  # openpyxl leaves merges in place; Excel moves them
            if merged.min_row >= at:
                merged.shift(0, 1)

    result = read(edit(to_bytes(huaian()), insert_like_excel))
    refs = [r for r in _REFS if r.section == "appeals"]
    assert all(result.report.values[r] is None for r in refs)
    assert "appeals" not in result.report.notes
    assert any(f.rule == "format" and "不在" in f.message for f in result.findings)
    assert {r for f in result.findings if f.rule == "value.missing" for r in f.cells} == set(refs)


def test_meta_and_narratives_edited_in_the_sheet() -> None:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["基本情况"]
        rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
        ws.cell(rows["机关名称"], 2).value = "淮安市人民政府办公室"
        ws.cell(rows["年度"], 2).value = "2023年"
        ws.cell(rows["机关层级"], 2).value = "县级人民政府"
        ws.cell(rows["落款日期"], 2).value = "2025年1月5日"
        ws.cell(rows["六、其他需要报告的事项"] + 1, 1).value = "本年度未收取任何费用。"

    result = read(edit(to_bytes(huaian()), change))
    meta = result.report.meta
    assert (meta.agency, meta.year, meta.level, meta.date) == ("淮安市人民政府办公室", 2023, "county", "2025-01-05")
    assert result.report.texts["other"] == "本年度未收取任何费用。"
    assert result.report.texts["problems"] == huaian().texts["problems"]


def test_bad_year_is_reported() -> None:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["基本情况"]
        row = next(r for r in range(1, 20) if ws.cell(r, 1).value == "年度")
        ws.cell(row, 2).value = "去年"

    result = read(edit(to_bytes(huaian()), change))
    assert result.report.meta.year is None
    assert any(f.rule == "format" and "去年" in f.message and "'基本情况'!B" in f.message for f in result.findings)


@pytest.mark.parametrize(("raw", "kind", "fmt", "want"), [
    (68.64, "amount", "0.000", "68.640"),  # the exporter's way of keeping trailing zeros
    (68.6457, "amount", "0.00", "68.6457"),  # a display format never rounds the value away
    (5.0, "amount", "0.0", "5.0"),
    (1e11, "count", "General", "100000000000"),
    (0.1 + 0.2, "amount", "General", "0.3"),  # Excel shows (and means) 15 significant digits
    ("96171.6万元", "amount", "General", "96171.6"),
    (12.0, "count", "0", "12"),
])
def test_numbers_as_spreadsheets_store_them(raw, kind, fmt, want) -> None:  # type: ignore[no-untyped-def]
    from importers.xlsx import read_number

    assert str(read_number(raw, T.number_kinds[kind], fmt)[0]) == want


@pytest.mark.parametrize("raw", [True, "#DIV/0!", "12.5", "１２．５", -0.5, "abc", 1e20])
def test_not_a_count(raw) -> None:  # type: ignore[no-untyped-def]
    from importers.xlsx import read_number
    from models.numbers import CellParseError

    with pytest.raises(CellParseError):
        read_number(raw, T.number_kinds["count"])


# ---------------------------------------------------------------------- files we refuse


def test_defusedxml_is_active() -> None:
    assert openpyxl.DEFUSEDXML is True


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return out.getvalue()


def _refused(data: bytes, *words: str) -> str:
    with pytest.raises(ImportFailed) as exc:
        read(data)
    message = str(exc.value)
    assert re.search(r"[\u4e00-\u9fff]", message) and "Traceback" not in message
    for w in words:
        assert w in message, message
    return message


def test_zip_bomb_member_size() -> None:
    _refused(_zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"\0" * (51 * 1024 * 1024)}), "压缩炸弹")


def test_zip_bomb_ratio() -> None:
    # Judged by absolute size (issue 7): only a part larger than any real one counts by its ratio.
    from models.limits import ARCHIVE_RATIO_FLOOR

    _refused(_zip({"[Content_Types].xml": b"<x/>", "xl/worksheets/sheet1.xml": b" " * (ARCHIVE_RATIO_FLOOR + 1)}),
             "压缩比")


def test_too_many_members() -> None:
    _refused(_zip({f"xl/media/{i}.bin": b"" for i in range(1001)}), "部件")


def test_random_bytes_and_truncated_files() -> None:
    _refused(os.urandom(5000), "不是有效的 .xlsx")
    data = to_bytes(huaian())
    _refused(data[: len(data) // 2])
    _refused(b"")
    _refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(600), "加密")


def _replace_member(data: bytes, name: str, body: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    return _zip({i.filename: (body if i.filename == name else src.read(i)) for i in src.infolist()})


def test_damaged_and_hostile_xml() -> None:
    data = to_bytes(huaian())
    _refused(_replace_member(data, "xl/worksheets/sheet2.xml", b"<worksheet><sheetData><row"), "已损坏")
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>')
    _refused(_replace_member(data, "xl/worksheets/sheet2.xml", laughs))
    _refused(_zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}), "不是 Excel 工作簿")


def test_workbook_not_made_by_us() -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "机关名称"  # type: ignore[index]
    out = io.BytesIO()
    wb.save(out)
    _refused(out.getvalue(), "不是年报编辑器导出的工作簿")


def test_newer_or_damaged_metadata() -> None:
    def newer(wb: openpyxl.Workbook) -> None:
        wb[META_SHEET]["C1"] = 99

    _refused(edit(to_bytes(huaian()), newer), "更新版本")

    def damaged(wb: openpyxl.Workbook) -> None:
        ws = wb[META_SHEET]
        row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "cell")
        ws.cell(row, 6).value = "不是坐标"

    _refused(edit(to_bytes(huaian()), damaged), "已损坏")


def test_renamed_sheet_is_named_in_the_message() -> None:
    def rename(wb: openpyxl.Workbook) -> None:
        wb[SHEET3].title = "表三"

    _refused(edit(to_bytes(huaian()), rename), f"找不到工作表“{SHEET3}”", "改回")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="找不到"):
        import_workbook(tmp_path / "没有.xlsx")


def test_sheet_names_stay_valid() -> None:
    for section in T.table_sections:
        name = sheet_name(section)
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\")


@pytest.mark.skipif(LIBREOFFICE is None, reason="LibreOffice not installed")
def test_text_that_looks_like_an_escape_survives_a_shared_string_table(tmp_path: Path) -> None:
    """Excel, WPS and LibreOffice keep strings in a shared table, where a literal ``_x0041_`` is
    stored as ``_x005F_x0041_``; it must come back as written, not as ``A``."""
    report = huaian()
    report.meta.agency = "某局_x0041_"
    report.texts["problems"] = "代码 _x000D_ 与 _x005F_ 原样保留。"
    src = tmp_path / "in" / "年报.xlsx"
    src.parent.mkdir()
    src.write_bytes(to_bytes(report))
    env = dict(os.environ, HOME=str(tmp_path / "home"))
    subprocess.run([LIBREOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",  # type: ignore[list-item]
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "out"), str(src)],
                   check=True, capture_output=True, timeout=120, env=env)
    with zipfile.ZipFile(tmp_path / "out" / "年报.xlsx") as zf:
        assert "_x005F_x0041_" in zf.read("xl/sharedStrings.xml").decode("utf-8")
    result = import_workbook(tmp_path / "out" / "年报.xlsx")
    assert result.report.meta.agency == "某局_x0041_"
    assert result.report.texts["problems"] == report.texts["problems"]
