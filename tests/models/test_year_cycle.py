"""The year's cycle: a new report from last year's (any form the program reads), last year kept in
the file (``previous``), the carry-over rules from it, and last year's text as a start."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sample_reports import FIXTURES, fixture_data, make_huaian, make_previous

from exporters import render
from importers import read_report
from models import storage
from models.last_year import LastYear, SourceFile
from models.previous import kept_of, source_of
from models.report import PREFACE, Report
from models.storage import ReportFileError
from models.values import CellRef
from models.year_cycle import (
    YearCycleError,
    blank_report,
    carried_forward,
    describe_carried,
    level_key,
    new_from_last,
)


def req(row: str, column: str) -> CellRef:
    return CellRef("requests", row, column)


COLUMNS = ("natural", "commercial", "research", "nonprofit", "legal", "other_org", "total")


def huaian_json(tmp_path: Path) -> Path:
    path = tmp_path / "淮安市2024年年报.json"
    storage.save(make_huaian(), path)
    return path


def huaian_xlsx(tmp_path: Path) -> Path:
    path = tmp_path / "淮安市2024年年报.xlsx"
    path.write_bytes(render(make_huaian(), ".xlsx"))
    return path


def huaian_docx(tmp_path: Path) -> Path:
    path = tmp_path / "淮安市2024年年报.docx"
    path.write_bytes(render(make_huaian(), ".docx"))
    return path


# ---------------------------------------------------------------------- new from last year, any source


@pytest.mark.parametrize("source, fixture", [
    (lambda tmp: FIXTURES / "huaian-city-2024.txt", "huaian-city-2024"),  # a published report's text
    (lambda tmp: FIXTURES / "pingtan-2023.html", "pingtan-2023"),  # its saved web page
    (huaian_json, "huaian-city-2024"),  # our own file
    (huaian_xlsx, "huaian-city-2024"),  # a workbook a colleague filled in
    (lambda tmp: FIXTURES / "huaian-city-2024.pdf", "huaian-city-2024"),  # the published PDF itself
    (huaian_docx, "huaian-city-2024"),  # a Word file
], ids=["txt", "html", "json", "xlsx", "pdf", "docx"])
def test_new_from_last_takes_over_last_years_carried_forward(tmp_path: Path, source, fixture: str) -> None:  # type: ignore[no-untyped-def]
    path = source(tmp_path)
    last = read_report(path).report
    published = fixture_data(fixture)
    made = new_from_last(last, source=source_of(path))
    report = made.report
    # the published figures of 四、结转下年度继续办理 land in 二、上年结转 of the new year, per column
    expected = published["requests"]["carried_forward"]
    assert {c: report.values[req("carried_over", c)] for c in COLUMNS} == expected
    assert made.carried == {req("carried_over", c): expected[c] for c in COLUMNS}
    # the year after, the format in force then, the agency and level kept; everything else blank
    assert report.meta.year == published["year"] + 1
    assert report.template.id == "2021"
    assert report.meta.agency == last.meta.agency == published["agency"] or not last.meta.agency
    assert report.meta.level == last.meta.level
    assert all(v is None for ref, v in report.values.items() if ref.row != "carried_over")
    assert all(not t for t in report.texts.values())
    # last year travels with the file: figures, texts, which file
    kept = report.previous
    assert kept is not None and kept.year == published["year"] and kept.template == "2021"
    assert kept.values[req("carried_forward", "total")] == expected["total"]
    assert kept.source is not None and kept.source.name == path.name and len(kept.source.sha256) == 64


def test_a_real_report_carries_over_non_zero_figures() -> None:
    """淮安 2024 left 103 applications to the next year: 2025's 上年结转 starts at 103."""
    made = new_from_last(read_report(FIXTURES / "huaian-city-2024.txt").report)
    assert made.report.values[req("carried_over", "natural")] == 103
    assert made.report.values[req("carried_over", "total")] == 103
    assert describe_carried(made.report.template, made.carried) == [
        "三、“二、上年结转政府信息公开申请数量”：自然人 103、商业企业 0、科研机构 0、社会公益组织 0、法律服务机构 0、其他 0、总计 103"]


def test_across_the_2020_to_2021_format_change() -> None:
    """A 2020 report (2019 format) starts a 2021 one (2021 format): 结转 through the key map;
    现行有效件数 cannot carry (the formats count differently), which the new report says."""
    last = read_report(FIXTURES / "district-market-2020.txt").report
    assert last.template.id == "2019"
    made = new_from_last(last)
    report = made.report
    assert report.template.id == "2021" and report.meta.year == 2021
    published = fixture_data("district-market-2020")["requests"]["carried_forward"]
    assert {c: report.values[req("carried_over", c)] for c in COLUMNS} == published  # research: blank stays blank
    assert report.previous is not None and report.previous.template == "2019"
    assert any("现行有效件数" in n for n in made.notes)
    assert storage.loads(storage.dumps(report)).same_content(report)


def test_within_the_2019_format_the_item_counts_carry_too() -> None:
    """2019 → 2020: 上一年项目数量 is last year's 上一年项目数量 + 本年增/减 (carryover.items declares it)."""
    last = read_report(FIXTURES / "district-market-2020.txt").report
    last.meta.year = 2019
    made = new_from_last(last)
    assert made.report.template.id == "2019" and made.report.meta.year == 2020
    rows = {ref.row for ref in made.carried if ref.section == "proactive"}
    assert rows and all(ref.column == "items_last_year" for ref in made.carried if ref.section == "proactive")
    for ref, value in made.carried.items():
        if ref.section == "proactive":
            change = last.values[CellRef("proactive", ref.row, "items_change")]
            assert value == last.values[ref] + change  # type: ignore[operator]


def test_year_level_and_errors() -> None:
    last = make_huaian()
    assert new_from_last(last, year=2026).report.meta.year == 2026
    assert new_from_last(last, year=2026).notes  # not the year after: said so
    assert not new_from_last(last).notes
    last.meta.year = None
    with pytest.raises(YearCycleError, match="没有填写年度"):
        new_from_last(last)
    with pytest.raises(YearCycleError, match="没有适用于 2015 年"):
        new_from_last(make_huaian(), year=2015)
    assert level_key("县级人民政府") == "county" and level_key("county") == "county" and level_key("") is None
    with pytest.raises(YearCycleError, match="未知的机关层级"):
        level_key("村委会")


def test_blank_report() -> None:
    report = blank_report("某某局", 2025, "county_department")
    assert (report.meta.agency, report.meta.year, report.meta.level) == ("某某局", 2025, "county_department")
    assert all(v is None for v in report.values.values()) and report.previous is None


def test_a_blank_carried_forward_is_not_made_up() -> None:
    last = make_huaian()
    last.values[req("carried_forward", "legal")] = None
    last.values[req("carried_forward", "natural")] = -1  # value.type's business, never carried
    report = new_from_last(last).report
    assert report.values[req("carried_over", "legal")] is None
    assert report.values[req("carried_over", "natural")] is None
    assert report.values[req("carried_over", "total")] == 103


def test_a_blank_or_invalid_carried_forward_stays_blank_with_a_finding(checker) -> None:  # type: ignore[no-untyped-def]
    """Last year's 结转下年度 blank (legal) or invalid (natural, a hand-edited −1): this year's
    上年结转 stays blank, never 0, and one warning names the cells — in the new report's notes and
    in every check of the file, on any desk, whatever is typed there later."""
    last = make_huaian()
    last.values[req("carried_forward", "legal")] = None
    last.values[req("carried_forward", "natural")] = -1
    made = new_from_last(last)
    report = made.report
    assert report.values[req("carried_over", "legal")] is None and report.values[req("carried_over", "natural")] is None
    assert 0 not in {report.values[req("carried_over", c)] for c in ("natural", "legal")}
    [note] = [n for n in made.notes if "无法从上年报告结转" in n]
    assert "“自然人”" in note and "“法律服务机构”" in note and "“商业企业”" not in note and "没有结转才填 0" in note
    again = storage.loads(storage.dumps(report))  # desk B, without last year's file
    [f] = [f for f in checker.check(again) if f.rule == "carryover.requests"]
    assert (f.severity, f.cells, f.message) == ("warning", (req("carried_over", "natural"), req("carried_over", "legal")),
                                               note)
    again.set_values({req("carried_over", "legal"): 0})  # typed: still cannot be checked against last year
    assert [g.message for g in checker.check(again) if g.rule == "carryover.requests"] == [note]
    whole = make_huaian()
    assert not [n for n in new_from_last(whole).notes if "无法从上年报告结转" in n]


def test_errors_of_last_year_on_what_is_carried_are_noted() -> None:
    """Last year's 结转下年度 breaks its column's balance: the carried figure may be wrong too."""
    last = make_huaian()
    last.values[req("carried_forward", "natural")] = 90  # the balance gives 103
    made = new_from_last(last)
    assert made.report.values[req("carried_over", "natural")] == 90  # carried as published
    assert any("上年报告本身有错误" in n and "“四、结转下年度继续办理”应为 103" in n for n in made.notes)
    assert not [n for n in new_from_last(make_huaian()).notes if "上年报告本身有错误" in n]


def test_what_is_carried_is_declared_by_the_rules(template) -> None:  # type: ignore[no-untyped-def]
    """Only the carry-over rules that last year alone decides are taken over (not 现行有效件数,
    which needs this year's 制发/废止)."""
    kept = kept_of(make_huaian())
    assert set(carried_forward(kept, template)) == {req("carried_over", c) for c in COLUMNS}


# ---------------------------------------------------------------------- previous in the file


def test_previous_round_trips_through_the_file(tmp_path: Path) -> None:
    path = tmp_path / "2025.json"
    made = new_from_last(make_huaian(), source=SourceFile("淮安2024.json", "a" * 64), copy_texts=True)
    storage.save(made.report, path)
    loaded = storage.load(path)
    assert loaded.same_content(made.report)
    assert loaded.previous is not None and loaded.previous.same(made.report.previous)
    doc = json.loads(path.read_text(encoding="utf-8"))
    block = doc["previous"]
    assert list(doc)[-1] == "previous"
    assert list(block)[:4] == ["year", "template", "agency", "source"]
    assert block["source"] == {"name": "淮安2024.json", "sha256": "a" * 64}
    assert block["values"]["requests.carried_forward.total"] == 103
    assert block["values"]["appeals.data.review.total"] == 351  # 四's keys hold a dot themselves
    assert block["values"]["proactive.fees.amount"] == "96171.6"  # amounts stay decimal strings
    assert set(block["texts"]) == {"overview", "problems", "other"}
    storage.save(loaded, path)
    assert json.loads(path.read_text(encoding="utf-8")) == doc  # stable


def test_previous_is_bounded() -> None:
    from models import limits

    last = make_huaian()
    last.texts["overview"] = "长" * (limits.MAX_PREVIOUS_TEXT_CHARS + 10)
    kept = kept_of(last)
    assert len(kept.texts["overview"]) == limits.MAX_PREVIOUS_TEXT_CHARS
    report = Report.blank(last.template)
    report.previous = LastYear.of(last)  # not bounded: the saver refuses before writing
    with pytest.raises(ReportFileError, match="上年报告数据超出"):
        storage.encode(report)


def test_old_files_stay_valid() -> None:
    text = storage.dumps(make_huaian())
    assert "previous" not in text
    assert storage.loads(text).previous is None


def _with_previous(**change: object) -> str:
    doc = json.loads(storage.dumps(new_from_last(make_huaian(), source=SourceFile("a.json", "0" * 64)).report))
    doc["previous"].update(change)
    return json.dumps(doc, ensure_ascii=False)


@pytest.mark.parametrize("change, words", [
    ({"template": "1999"}, "未知的报告格式模板"),
    ({"year": "2024"}, "年度无效"),
    ({"values": {"requests.nope.total": 1}}, "没有单元格"),
    ({"values": {"requests.new.total": "12"}}, "应为整数"),
    ({"values": []}, "values"),
    ({"source": {"name": "a.json", "sha256": "xyz"}}, "来源文件"),
    ({"texts": {"requests": "表格不是叙述"}}, "没有叙述部分"),
    ({"texts": {"overview": 1}}, "文字格式错误"),
], ids=lambda x: str(x)[:30])
def test_a_damaged_previous_block_is_refused_in_chinese(change: dict[str, object], words: str) -> None:
    with pytest.raises(ReportFileError, match=words) as exc:
        storage.loads(_with_previous(**change))
    assert "上年报告数据" in str(exc.value)


@pytest.mark.parametrize("change, shown", [
    ({"year": 2024.0}, "年度无效：2024.0"),
    ({"template": None}, "模板 null"),
    ({"template": "2031"}, "更新版本的年报编辑器"),
    ({"values": {"requests.carried_forward.total": 103.0}}, "却是 103.0"),
    ({"values": {"requests.carried_forward.total": "103"}}, "却是 “103”"),
    ({"values": {"requests.carried_forward.total": {"a": 1}}}, "却是 {…}"),
    ({"agency": ["淮安"]}, "机关名称格式错误"),
    ({"texts": {"overview": "字" * 100_001}}, "过长"),
], ids=lambda x: str(x)[:30])
def test_a_hand_edited_previous_block_says_what_is_wrong_and_how_to_get_the_report_back(
        change: dict[str, object], shown: str) -> None:
    """Values as the file writes them (no Python ``Decimal('2024.0')`` or ``None``), and what to do:
    this year's report is fine, the previous block is to be corrected or deleted."""
    with pytest.raises(ReportFileError) as exc:
        storage.loads(_with_previous(**change))
    message = str(exc.value)
    assert shown in message and "Decimal(" not in message and "None" not in message
    assert "本年的报告内容没有问题" in message and "删除" in message and "关联上年报告" in message


def test_previous_in_the_workbook_round_trips() -> None:
    from importers.xlsx import import_workbook_data

    report = new_from_last(make_huaian(), source=SourceFile("a.json", "1" * 64), copy_texts=True).report
    back = import_workbook_data(render(report, ".xlsx"))
    assert back.report.previous is not None and back.report.previous.same(report.previous)
    assert back.report.same_content(report)


# ---------------------------------------------------------------------- the carry-over rules run from the file


def test_check_uses_the_files_previous_and_a_given_one_wins(checker) -> None:  # type: ignore[no-untyped-def]
    this = make_huaian()
    this.previous = kept_of(make_previous(this))
    assert not [f for f in checker.check(this) if f.rule.startswith("carryover.")]
    this.values[req("carried_over", "natural")] = 50  # last year left 34
    found = {f.rule: f for f in checker.check(this)}
    assert (found["carryover.requests"].expected, found["carryover.requests"].actual) == (34, 50)
    other = make_previous(this)
    other.values[req("carried_forward", "natural")] = 50
    assert "carryover.requests" not in {f.rule for f in checker.check(this, other)}  # the given one wins


def test_linking_last_year_is_a_change_the_checker_follows(checker) -> None:  # type: ignore[no-untyped-def]
    this = make_huaian()
    this.values[req("carried_over", "natural")] = 50
    result = checker.check(this)
    changes = []
    this.subscribe(changes.append)
    this.set_previous(kept_of(make_previous(make_huaian())))
    [change] = changes
    assert change.kind == "previous"
    result = checker.recheck_change(result, this, change)
    assert result.get(("carryover.requests", req("carried_over", "natural"))) is not None
    this.set_previous(None)
    result = checker.recheck_change(result, this, changes[-1])
    assert not [f for f in result if f.rule.startswith("carryover.")]


# ---------------------------------------------------------------------- last year's text as a start


def test_copied_text_marks_last_years_figures_until_edited(checker) -> None:  # type: ignore[no-untyped-def]
    last = make_huaian()
    report = new_from_last(last, copy_texts=True).report
    assert report.text("overview") == last.text("overview") and report.text(PREFACE) == last.text(PREFACE)
    stale = [f for f in checker.check(report) if f.rule == "narrative.stale_number"]
    text = report.text("overview")
    marked = {text[f.span[0]:f.span[1]] for f in stale if f.span}  # type: ignore[index]
    assert {"3119", "3050", "351", "72", "103"} <= marked
    assert all(f.severity == "warning" and f.section == "overview" for f in stale)
    f3119 = next(f for f in stale if f.actual == "3119")
    assert f3119.cells == (req("new", "total"),) and "3119" in f3119.message and "上年" in f3119.message
    # 5500余条 and 12场 came from no table, 行政诉讼46件 is a sum of two: not marked; years neither
    assert not {"5500", "12", "46", "2024"} & marked
    # edited: the number is this year's now
    start, end = f3119.span  # type: ignore[misc]
    report.set_text("overview", text[:start] + "3200" + text[end:])
    after = [f for f in checker.check(report) if f.rule == "narrative.stale_number"]
    assert len(after) == len(stale) - 1 and all(f.actual != "3119" for f in after)
    # the same figure this year, confirmed by this year's table: no longer flagged
    report.set_values({CellRef("appeals", "data", "review.total"): 351})
    assert all(f.actual != "351" for f in checker.check(report) if f.rule == "narrative.stale_number")


def test_without_copying_nothing_is_marked(checker) -> None:  # type: ignore[no-untyped-def]
    report = new_from_last(make_huaian()).report
    report.set_text("overview", "本年共受理政府信息公开申请2800件。")
    assert not [f for f in checker.check(report) if f.rule == "narrative.stale_number"]


def test_stale_numbers_follow_edits_incrementally(checker) -> None:  # type: ignore[no-untyped-def]
    from report_strategies import snapshot

    report = new_from_last(make_huaian(), copy_texts=True).report
    result = checker.check(report)
    changes = []
    report.subscribe(changes.append)
    report.set_text("overview", report.text("overview").replace("3119", "3,119"))
    report.set_values({req("new", "total"): 3119, CellRef("appeals", "data", "review.total"): 351})
    for change in changes:
        result = checker.recheck_change(result, report, change)
    assert snapshot(result) == snapshot(checker.check(report))
    assert Decimal(3119) not in {Decimal(str(f.actual).replace(",", "")) for f in result
                                 if f.rule == "narrative.stale_number"}


def test_a_figure_this_years_table_holds_in_a_cell_it_came_from_is_not_marked(checker) -> None:  # type: ignore[no-untyped-def]
    """结果维持25件: last year 25 stood in 重复申请's 自然人 and 总计. This year 自然人 is 25 again
    but 总计 is 26: the figure matches this year's table, it must not be marked."""
    report = new_from_last(make_huaian(), copy_texts=True).report
    cells = (req("rejected_repeated", "natural"), req("rejected_repeated", "total"))

    def marked() -> set[str]:
        return {str(f.actual) for f in checker.check(report) if f.rule == "narrative.stale_number"}

    assert "25" in marked()
    report.set_values({cells[0]: 25, req("rejected_repeated", "commercial"): 1, cells[1]: 26})
    assert "25" not in marked()
    report.set_values({cells[0]: 24, cells[1]: 25})  # the other cell it may have come from
    assert "25" not in marked()
    report.set_values({cells[0]: 20, cells[1]: 21})  # neither: last year's figure again
    assert "25" in marked()


def test_a_hostile_text_makes_a_bounded_number_of_stale_findings(checker) -> None:  # type: ignore[no-untyped-def]
    """Last year's text (as kept: 100,000 characters) and this year's repeat one figure thousands of
    times in one endless sentence: the first ``max_findings`` are marked, one more finding counts
    the rest, and each marked span is the figure."""
    last = make_huaian()
    last.texts["overview"] = ("本年收到申请3119件，" * 20_000)[:100_000]
    report = new_from_last(last, copy_texts=True).report
    report.set_text("overview", "本年收到申请3119件，" * 20_000)
    found = [f for f in checker.check(report) if f.rule == "narrative.stale_number"]
    rule = next(r for r in report.template.rules if r.id == "narrative.stale_number")
    limit = rule.params["max_findings"]
    assert len(found) == limit + 1
    [more] = [f for f in found if f.span is None]
    assert more.actual == 20_000 - limit and f"另有 {20_000 - limit} 处" in more.message
    text = report.text("overview")
    assert all(text[f.span[0]:f.span[1]] == "3119" for f in found if f.span)  # type: ignore[index]


# ---------------------------------------------------------------------- which year


def test_the_new_year_must_follow_last_years() -> None:
    last = make_huaian()  # 2024
    for year in (2024, 2023):
        with pytest.raises(YearCycleError, match="应晚于它") as exc:
            new_from_last(last, year=year)
        assert f"请选 {year - 1} 年度的报告" in str(exc.value) and "年度应为 2025" in str(exc.value)


def test_a_year_skipped_carries_nothing_and_says_so(checker) -> None:  # type: ignore[no-untyped-def]
    """2024's report as the start of 2026's: its 结转 is not 2026's 上年结转; nothing is carried, the
    new report says why, and its checks compare no figure with 2024's (carryover.year says so)."""
    made = new_from_last(make_huaian(), year=2026)
    assert made.carried == {} and all(made.report.values[req("carried_over", c)] is None for c in COLUMNS)
    assert any("不是相邻的两年" in n and "2025 年度的报告" in n for n in made.notes)
    report = made.report
    report.set_values({req("carried_over", "natural"): 5})  # 2024 left 103: not compared
    found = {f.rule: f for f in checker.check(report) if f.rule.startswith("carryover.")}
    assert set(found) == {"carryover.year"}
    assert found["carryover.year"].severity == "warning" and "中间隔了 1 年" in found["carryover.year"].message


def test_a_year_not_over_yet_is_said(tmp_path: Path) -> None:
    """On 6 December 2026: 2025 from 2024 is the normal case; 2026 from 2025 is early (the report
    picked may be this year's own); 2027 has not begun."""
    today = date(2026, 12, 6)
    last = make_huaian()
    assert not [n for n in new_from_last(last, today=today).notes if "年度" in n and "没有到" in n or "尚未结束" in n]
    last.meta.year = 2025
    assert any("2026 年度尚未结束" in n and "改选 2024 年度" in n for n in new_from_last(last, today=today).notes)
    last.meta.year = 2026
    assert any("2027 年度还没有到" in n for n in new_from_last(last, today=today).notes)


def test_a_previous_of_the_wrong_year_is_not_compared_until_the_year_is_right(checker) -> None:  # type: ignore[no-untyped-def]
    """A file whose ``previous`` is of its own year (hand-edited, or linked by mistake): one warning,
    no 上年结转 compared; correcting the report's year brings the comparisons back at once."""
    report = new_from_last(make_huaian()).report  # 2025, previous 2024, 上年结转 103
    report.set_values({req("carried_over", "natural"): 90})
    result = checker.check(report)
    assert {f.rule for f in result if f.rule.startswith("carryover.")} == {"carryover.requests"}
    changes: list = []
    report.subscribe(changes.append)
    report.set_meta(year=2024)
    for change in changes:
        result = checker.recheck_change(result, report, change)
    [f] = [f for f in result if f.rule.startswith("carryover.")]
    assert f.rule == "carryover.year" and "同为 2024 年度" in f.message
    report.set_meta(year=2025)
    for change in changes[1:]:
        result = checker.recheck_change(result, report, change)
    assert {f.rule for f in result if f.rule.startswith("carryover.")} == {"carryover.requests"}
