"""Parsing what a user types (or an importer reads) into a count or a 万元 amount."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.values import (
    CellParseError,
    CellRef,
    Parsed,
    format_value,
    normalise_text,
    parse_cell,
    parse_value,
    value_is_valid,
)


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("１２", "count", 12),  # full-width digits
        (" 7 ", "count", 7),
        ("\u30007\t", "count", 7),
        ("1,234", "count", 1234),
        ("1，234", "count", 1234),  # full-width comma
        ("0", "count", 0),
        ("-0", "count", 0),
        ("+3", "count", 3),
        ("12.0", "count", 12),  # a whole number written with a decimal point
        ("5949.088667", "amount", Decimal("5949.088667")),
        ("68.64", "amount", Decimal("68.64")),
        ("0.000001", "amount", Decimal("0.000001")),
        ("96,171.6", "amount", Decimal("96171.6")),
        ("３．５", "amount", Decimal("3.5")),
        ("12", "amount", Decimal(12)),
    ],
)
def test_parses(text: str, kind: str, value: object) -> None:
    parsed = parse_value(text, kind)  # type: ignore[arg-type]
    assert parsed == Parsed(value)  # type: ignore[arg-type]
    assert type(parsed.value) is type(value)
    assert parse_cell(text, kind) == value  # type: ignore[arg-type]


def test_amount_keeps_every_place_exactly() -> None:
    v = parse_value("5949.088667", "amount").value
    assert isinstance(v, Decimal) and v.as_tuple().exponent == -6 and str(v) == "5949.088667"
    assert parse_value("0.1", "amount").value + parse_value("0.2", "amount").value == Decimal("0.3")  # type: ignore[operator]


@pytest.mark.parametrize(
    ("text", "kind", "value", "unit"),
    [
        ("68.64万元", "amount", Decimal("68.64"), "万元"),
        ("68.64 万元", "amount", Decimal("68.64"), "万元"),
        ("12件", "count", 12, "件"),
        ("３条", "count", 3, "条"),
    ],
)
def test_units_only_when_allowed(text: str, kind: str, value: object, unit: str) -> None:
    assert parse_value(text, kind, allow_units=True) == Parsed(value, unit_text=unit)  # type: ignore[arg-type]
    with pytest.raises(CellParseError):
        parse_value(text, kind)  # type: ignore[arg-type]


def test_yuan_is_not_wanyuan() -> None:
    with pytest.raises(CellParseError, match="万元"):
        parse_value("3940元", "amount", allow_units=True)


@pytest.mark.parametrize("mark", ["/", "—", "-", "－", "——", "", "  ", "无", "\\"])
def test_blank_marks(mark: str) -> None:
    for kind in ("count", "amount"):
        parsed = parse_value(mark, kind)  # type: ignore[arg-type]
        assert parsed.value is None
        assert parsed.blank_mark == (normalise_text(mark) or None)  # NFKC: full-width － reads as -


@pytest.mark.parametrize(
    ("text", "kind", "words"),
    [
        ("-1", "count", "负数"),
        ("-0.5", "amount", "负数"),
        ("1.5", "count", "整数"),
        ("abc", "count", "不是数字"),
        ("abc", "amount", "不是数字"),
        ("12,34", "count", "不是数字"),  # not a thousands grouping
        ("1.2.3", "amount", "不是数字"),
        ("1e5", "count", "不是数字"),
        ("NaN", "amount", "不是数字"),
        ("Infinity", "amount", "不是数字"),
        ("9" * 5000, "count", "太长"),
        ("二十", "count", "不是数字"),
    ],
)
def test_rejects_with_a_chinese_message(text: str, kind: str, words: str) -> None:
    with pytest.raises(CellParseError) as info:
        parse_value(text, kind)  # type: ignore[arg-type]
    message = str(info.value)
    assert words in message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)
    if kind == "count" and words == "不是数字":
        assert "整数" in message  # says what to type instead


def test_abc_message_in_full() -> None:
    with pytest.raises(CellParseError) as info:
        parse_value("abc", "count")
    assert str(info.value) == "“abc”不是数字，请输入不小于 0 的整数（件数）"


def test_normalise_text() -> None:
    assert normalise_text(" 商业 企业 ") == "商业企业"
    assert normalise_text("（一）１２") == "(一)12"


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (0, "0"), (3119, "3119"), (Decimal("68.64"), "68.64"), (Decimal("1E+3"), "1000"),
     (Decimal("5949.088667"), "5949.088667"), (Decimal("NaN"), "NaN"), (Decimal("1E+999999"), "1E+999999")],
)
def test_format_value(value: object, text: str) -> None:
    assert format_value(value) == text  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "kind", "ok"),
    [
        (None, "count", True), (0, "count", True), (5, "count", True), (-1, "count", False),
        (True, "count", False), (Decimal(2), "count", False), (2.0, "count", False), ("2", "count", False),
        (Decimal("68.64"), "amount", True), (3, "amount", True), (Decimal("-0.01"), "amount", False),
        (68.64, "amount", False), (Decimal("NaN"), "amount", False), (Decimal("sNaN"), "amount", False),
        (Decimal("Infinity"), "amount", False), (False, "amount", False),
    ],
)
def test_value_is_valid(value: object, kind: str, ok: bool) -> None:
    assert value_is_valid(value, kind) is ok  # type: ignore[arg-type]


def test_cell_ref() -> None:
    ref = CellRef("appeals", "data", "review.total")
    assert str(ref) == "appeals.data.review.total"
    assert ref == ("appeals", "data", "review.total") and hash(ref) == hash(("appeals", "data", "review.total"))


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_count_round_trip(n: int) -> None:
    assert parse_value(format_value(n), "count").value == n
    assert parse_value(f"{n:,}", "count").value == n  # with thousands separators


@given(st.decimals(min_value=0, max_value=10**12 - 1, places=6, allow_nan=False, allow_infinity=False))
def test_amount_round_trip(x: Decimal) -> None:
    parsed = parse_value(format_value(x), "amount").value
    assert parsed == x and isinstance(parsed, Decimal)
    assert format_value(parsed) == format_value(x)  # same places, not just the same number


@given(st.text(max_size=30), st.sampled_from(["count", "amount"]), st.booleans())
def test_parse_never_raises_anything_else(text: str, kind: str, units: bool) -> None:
    try:
        parsed = parse_value(text, kind, allow_units=units)  # type: ignore[arg-type]
    except CellParseError as exc:
        assert str(exc)
    else:
        assert value_is_valid(parsed.value, kind)  # type: ignore[arg-type]
