"""Parsing what a user types (or an importer reads) into a value of its column's NumberSpec:
a count, a 万元 amount, and (2019) a signed 本年增/减 and an amount that keeps its unit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.normalise import squash as normalise_text
from models.numbers import CellParseError, NumberSpec, Parsed, format_value, number_spec
from models.template import load_template
from models.values import CellRef, Quantity

SPECS = dict(load_template("2021").number_kinds)
SPECS.update(load_template("2019").number_kinds)  # change (signed 本年增/减) and money (keeps 元/万元)


def parse_value(text: str, kind: str, *, allow_units: bool = False) -> Parsed:
    return SPECS[kind].parse(text, allow_units=allow_units)


def parse_cell(text: str, kind: str) -> object:
    return SPECS[kind].parse_cell(text)


def value_is_valid(value: object, kind: str) -> bool:
    return SPECS[kind].valid(value)


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


@given(st.text(max_size=30), st.sampled_from(["count", "amount", "change", "money"]), st.booleans())
def test_parse_never_raises_anything_else(text: str, kind: str, units: bool) -> None:
    try:
        parsed = parse_value(text, kind, allow_units=units)  # type: ignore[arg-type]
    except CellParseError as exc:
        assert str(exc)
    else:
        assert value_is_valid(parsed.value, kind)  # type: ignore[arg-type]


# ---------------------------------------------------------------------- bounds (value.type)


@pytest.mark.parametrize(
    ("text", "kind", "words"),
    [
        ("1" + "0" * 12, "count", "位数过多"),  # 13 digits
        ("1" + "0" * 12, "amount", "位数过多"),
        ("0.0000001", "amount", "小数位数过多"),  # 7 places
        ("1.1234567", "money", "小数位数过多"),
    ],
)
def test_bounds_are_refused_with_the_reason(text: str, kind: str, words: str) -> None:
    with pytest.raises(CellParseError, match=words):
        parse_value(text, kind)


def test_bounds_allow_the_limits() -> None:
    assert parse_value("9" * 12, "count").value == int("9" * 12)
    assert parse_value("999999999999.999999", "amount").value == Decimal("999999999999.999999")
    assert value_is_valid(int("9" * 12), "count") and not value_is_valid(10**12, "count")
    assert not value_is_valid(Decimal("1E-999999999"), "amount")  # a broken file: value.type, never formatted out
    assert value_is_valid(Decimal("0.000001"), "amount") and not value_is_valid(Decimal("0.0000001"), "amount")


# ---------------------------------------------------------------------- signed (2019's 本年增/减)


@pytest.mark.parametrize(("text", "value"), [("减4", -4), ("-4", -4), ("－18", -18), ("增3", 3), ("+3", 3),
                                             ("减少4", -4), ("增加 3", 3), ("0", 0), ("减0", 0), ("12", 12),
                                             ("１，２００", 1200)])
def test_signed_change(text: str, value: int) -> None:
    assert parse_value(text, "change").value == value
    assert value_is_valid(value, "change")


@pytest.mark.parametrize("text", ["减", "减减4", "减-4", "减少-4", "4.5", "减4万元", "abc", "少4"])
def test_signed_change_refuses(text: str) -> None:
    with pytest.raises(CellParseError):
        parse_value(text, "change")


def test_counts_take_no_sign_words() -> None:
    with pytest.raises(CellParseError, match="不是数字"):
        parse_value("减4", "count")


def test_sign_words_are_the_kinds_data() -> None:
    """减/减少/增/增加 are the 2019 template's, not the code's: a kind without them reads none,
    and one that declares others reads those."""
    raw = {"describe": "整数", "requirement": "应为整数", "signed": True}
    with pytest.raises(CellParseError):
        number_spec("plain", raw).parse("减4")
    spec = number_spec("down", {**raw, "sign_words": {"下降": -1}})
    assert spec.parse("下降7").value == -7
    for bad in ({"sign_words": {"减": -2}}, {"sign_words": {"减": -1}, "signed": False}, {"sign_words": {"4": -1}}):
        with pytest.raises(ValueError, match="sign_words"):
            number_spec("bad", {**raw, **bad})


# ---------------------------------------------------------------------- amounts that keep their unit (采购总金额)


@pytest.mark.parametrize(("text", "value"), [
    ("251000元", Quantity(Decimal(251000), "元")),
    ("3.2万元", Quantity(Decimal("3.2"), "万元")),
    ("3.2 万元", Quantity(Decimal("3.2"), "万元")),
    ("251,000", Quantity(Decimal(251000), "")),
])
def test_money_keeps_its_unit(text: str, value: Quantity) -> None:
    parsed = parse_value(text, "money")  # no allow_units: the unit is part of the value
    assert parsed == Parsed(value)
    assert format_value(parsed.value) == format_value(value)
    assert value_is_valid(value, "money")


def test_money_validity() -> None:
    assert not value_is_valid(Decimal(5), "money")  # a bare Decimal: not how this column stores it
    assert not value_is_valid(Quantity(Decimal(-1), "元"), "money")
    assert not value_is_valid(Quantity(Decimal(1), "亿元"), "money")
    assert not value_is_valid(Quantity(Decimal(1), "元"), "amount")
    with pytest.raises(CellParseError, match="负数"):
        parse_value("-5元", "money")
    assert parse_value("12件", "money", allow_units=True).unit_text == "件"


def test_a_spec_from_bad_template_data_is_refused() -> None:
    with pytest.raises(ValueError):
        number_spec("x", {"describe": "x", "requirement": "x", "unit": "斤"})
    with pytest.raises(ValueError):
        number_spec("x", {"describe": "x", "requirement": "x", "colour": "red"})
    with pytest.raises(ValueError):
        number_spec("x", {"describe": "x", "requirement": "x", "places": -1})


def test_editor_length_leaves_room_for_a_refusal() -> None:
    spec: NumberSpec = SPECS["count"]
    assert spec.max_length() > len("999,999,999,999") and SPECS["amount"].max_length() > len("999999999999.999999")
