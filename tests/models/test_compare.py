"""The comparison of two years (models.compare): what it says when the two reports are not last
year's and this year's of one agency, and what counts as a change."""

from __future__ import annotations

from sample_reports import make_huaian, make_previous

from models.compare import compare
from models.previous import kept_of
from models.values import CellRef


def req(row: str, column: str) -> CellRef:
    return CellRef("requests", row, column)


def test_consecutive_years_of_one_agency_need_no_note() -> None:
    this = make_huaian()
    assert compare(make_previous(this), this).notes == ()


def test_two_reports_of_the_same_year_are_said_to_be_so_and_not_checked_year_on_year() -> None:
    this = make_huaian()
    other = make_huaian()
    other.values[req("carried_forward", "natural")] = 90
    c = compare(other, this)
    assert any("都是 2024 年度的" in n for n in c.notes)
    assert {f.rule for f in c.findings} == {"carryover.year"}  # no 上年结转 compared within one year
    [f] = c.findings
    assert "同为 2024 年度" in f.message


def test_reports_in_the_wrong_order_are_said_to_be_so() -> None:
    this = make_huaian()
    later = make_previous(this)
    later.meta.year = 2025
    c = compare(later, this)
    assert any("顺序是否弄反了" in n for n in c.notes)
    assert [f.rule for f in c.findings] == ["carryover.year"] and "还晚" in c.findings[0].message


def test_two_agencies_are_said_to_be_so_but_a_spacing_difference_is_not() -> None:
    this = make_huaian()
    other = make_previous(this)
    other.meta.agency = "平潭综合实验区"
    c = compare(other, this)
    assert any("机关名称不同" in n and "平潭综合实验区" in n for n in c.notes)
    assert any(f.rule == "carryover.year" and "平潭综合实验区" in f.message and f.severity == "info" for f in c.findings)
    same = make_previous(this)
    same.meta.agency = "淮安市 人民政府"
    assert not compare(same, this).notes


def test_a_cell_not_filled_in_is_not_a_change() -> None:
    this = make_huaian()
    last = kept_of(make_previous(this))

    def changed() -> int:
        return next(t for t in compare(last, this).tables if t.section.key == "requests").changed

    before = changed()
    this.values[req("new", "legal")] = None  # 61 last year, not filled in yet
    assert changed() == before
    assert not compare(last, this).cell(req("new", "legal")).changed
    this.values[req("new", "natural")] = 3002  # 3001 last year
    assert changed() == before + 1 and compare(last, this).cell(req("new", "natural")).changed
