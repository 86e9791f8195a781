"""What a number cell may hold: one :class:`NumberSpec` per column, declared in the template.

The one place that parses text into a value, says whether a value is valid, formats it, and
words the messages about it. The checker (``value.type``), the file loader, the GUI's editor,
the importers and the workbook's data validation all ask the cell's spec.

A spec is data (``number_kinds`` in ``resources/templates/*.json``): a count is a whole number
≥ 0 of at most 12 digits; 2021's fee an amount in 万元 with up to 6 places; 2019's 本年增/减 a
signed whole number that reports may print as ``减4`` (the kind's ``sign_words``); 2019's
采购总金额 an amount that keeps the unit printed with it (``251000元``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from models.normalise import squash
from models.values import Quantity, Value

#: Text that published reports write into a cell instead of a number (means "not filled").
BLANK_MARKS = frozenset({"", "/", "-", "—", "－", "——", "--", "\\", "无", "空"})
#: Units of money: a cell in one of them never silently takes a figure in another.
MONEY_UNITS = ("亿元", "万元", "元")
#: Units and symbols that reports print after a figure (``12件``, ``68.64万元``).
CELL_UNITS = (*MONEY_UNITS, "件", "个", "条", "项", "份", "次", "宗", "起", "%")
#: Longest cell text parsed as a number (int() refuses 4300+ digits; no report needs 40).
MAX_CHARS = 40

# Digits with optional thousands separators in proper groups ("1,234", never "12,34").
_DIGITS = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_UNITS = "|".join(re.escape(u) for u in sorted(CELL_UNITS, key=len, reverse=True))
_NUMBER_UNIT = re.compile(rf"^(?P<num>{_DIGITS})(?P<unit>{_UNITS})?$")


class CellParseError(ValueError):
    """Text typed or imported into a cell is not a valid value; the message is for the user."""


@dataclass(frozen=True, slots=True)
class Parsed:
    value: Value
    unit_text: str | None = None  # a unit or symbol that was dropped (for value.unit_text)
    blank_mark: str | None = None  # '/', '—' … that stood for a blank


@dataclass(frozen=True, slots=True)
class NumberSpec:
    """The kind of number a column holds, with the words its messages use."""

    name: str
    noun: str = "件数"  # what the cell holds, in messages: 件数, 金额, 增减数
    describe: str = "不小于 0 的整数（件数）"  # what to type: 请输入{describe}
    requirement: str = "件数应为不小于 0 的整数"  # value.type: what a valid value is
    prompt: str = ""  # the workbook's input message
    minimum: int | None = 0  # None: signed (本年增/减)
    places: int = 0  # decimal places allowed; 0: whole numbers
    max_digits: int = 12  # digits before the decimal point
    unit: str = ""  # the unit values are in (万元): a figure typed with it is read, the unit dropped
    kept_units: tuple[str, ...] = ()  # units kept with the value (a Quantity): 元, 万元
    # Words a signed kind reads before a figure as its sign (2019's 本年增/减: 减4 is −4), longest first.
    sign_words: tuple[tuple[str, int], ...] = ()
    limit: int = field(default=0, repr=False, compare=False)  # 10 ** max_digits: every value lies below
    # A whole number ≥ 0 (the checker's fast path; the outlier rule's counts). Computed once:
    # the rules ask it for every cell of every report (a review of thousands of files).
    plain_count: bool = field(default=False, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "limit", 10**self.max_digits)
        object.__setattr__(self, "plain_count", self.whole and not self.signed)

    # ------------------------------------------------------------------ properties

    @property
    def whole(self) -> bool:
        return self.places == 0 and not self.kept_units

    @property
    def signed(self) -> bool:
        return self.minimum is None or self.minimum < 0

    @property
    def largest(self) -> Decimal:
        """The largest value the spec allows (for the workbook's data validation)."""
        return Decimal(self.limit) - Decimal(1).scaleb(-self.places)

    def max_length(self) -> int:
        """Characters an editor needs for the longest valid entry (digits, separators, sign, unit)."""
        digits = self.max_digits + self.max_digits // 3
        places = self.places + 1 if self.places else 0
        unit = max((len(u) for u in self.kept_units + (self.unit,)), default=0)
        sign = max((len(w) for w, _ in self.sign_words), default=1)
        return digits + places + unit + sign + 4  # room for blanks the parser strips

    # ------------------------------------------------------------------ validity

    def valid(self, value: object) -> bool:
        """A value this cell may hold (``None`` counts as valid: it is "missing", not wrong)."""
        if value is None:
            return True
        if type(value) is int:
            return self._number_ok(value) and not self.kept_units
        if self.kept_units:
            return (isinstance(value, Quantity) and value.unit in (*self.kept_units, "")
                    and self._decimal_ok(value.amount))
        if isinstance(value, Decimal) and not self.whole:
            return self._decimal_ok(value)
        return False

    def _number_ok(self, value: int | Decimal) -> bool:
        if self.minimum is not None and value < self.minimum:
            return False
        return -self.limit < value < self.limit

    def _decimal_ok(self, value: Decimal) -> bool:
        # finiteness first: comparing NaN raises InvalidOperation
        if not value.is_finite():
            return False
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int)
        return -exponent <= self.places and self._number_ok(value)

    # ------------------------------------------------------------------ parsing

    def parse(self, text: str, *, allow_units: bool = False) -> Parsed:
        """Parse what a user typed (or an importer read) into a value of this kind.

        Full-width digits, thousands separators and surrounding blanks are fine. With
        ``allow_units`` a trailing unit (``68.64万元``, ``12件``) is read and reported in
        ``unit_text``; a unit the spec keeps (2019's 采购总金额) is always read and kept.
        Blank marks ('/', '—') parse to ``None``. Raises :class:`CellParseError` with a
        Chinese message otherwise.
        """
        shown = text.strip()
        s = squash(text)
        if len(s) > MAX_CHARS:
            raise CellParseError(f"“{shown[:20]}…”太长，不是有效的{self.describe}")
        if s in BLANK_MARKS:
            return Parsed(None, blank_mark=s or None)
        sign = 1
        for word, factor in self.sign_words if self.signed else ():
            if s.startswith(word) and len(s) > len(word) and s[len(word)].isdigit():
                s, sign = s[len(word):], factor
                break
        m = _NUMBER_UNIT.match(s)
        if m is None:
            raise CellParseError(f"“{shown}”不是数字，请输入{self.describe}")
        number, unit = m.group("num").replace(",", ""), m.group("unit")
        kept, dropped = "", None
        if unit in self.kept_units:
            kept = unit
        elif unit:
            if not allow_units:
                raise CellParseError(f"“{shown}”不是数字，请输入{self.describe}")
            own = self.unit or next((u for u in self.kept_units if u in MONEY_UNITS), "")
            if unit in MONEY_UNITS and own in MONEY_UNITS and unit != own:
                raise CellParseError(f"“{shown}”以{unit}为单位，本栏单位为{own}，请换算后填写")
            dropped = unit
        try:
            amount = Decimal(number) * sign
        except InvalidOperation:  # pragma: no cover - guarded by the regex
            raise CellParseError(f"“{shown}”不是有效的{self.noun}") from None
        if amount == 0:
            amount = abs(amount)  # -0 is 0
        if amount < 0 and not self.signed:
            raise CellParseError(f"“{shown}”是负数，{self.noun}不能为负")
        if self.minimum is not None and amount < self.minimum:
            raise CellParseError(f"“{shown}”小于 {self.minimum}，请输入{self.describe}")
        whole, _, frac = format(abs(amount), "f").partition(".")
        if len(whole.lstrip("0")) > self.max_digits:
            raise CellParseError(f"“{shown}”位数过多，{self.noun}的整数部分最多 {self.max_digits} 位")
        if self.whole:
            if frac.strip("0"):
                raise CellParseError(f"“{shown}”不是整数，{self.noun}只能填写整数")
            return Parsed(int(amount), unit_text=dropped)
        if len(frac) > self.places:
            raise CellParseError(f"“{shown}”的小数位数过多，{self.noun}最多 {self.places} 位小数")
        if self.kept_units:
            return Parsed(Quantity(amount, kept), unit_text=dropped)
        return Parsed(amount, unit_text=dropped)

    def parse_cell(self, text: str) -> Value:
        """Strict parse for user input: a number (with a kept unit) or blank, no other units."""
        return self.parse(text).value


def format_value(value: Value | object) -> str:
    """Display form: integers plainly, amounts exactly as stored (no float rounding), a kept
    unit after its amount."""
    if type(value) is int:  # the common case first: messages quote dozens of counts
        return str(value)
    if value is None:
        return ""
    if isinstance(value, Quantity):
        return format_value(value.amount) + value.unit
    if isinstance(value, Decimal):
        if not value.is_finite() or abs(value.adjusted()) > 40 or -int(value.as_tuple().exponent) > 60:
            return str(value)  # NaN or 1E+999999 from a broken file: never a million digits
        return format(value, "f")
    return str(value)


def magnitude(value: Value) -> int | Decimal | None:
    """The number of a value (a Quantity's amount), for comparisons; ``None`` for blank."""
    return value.amount if isinstance(value, Quantity) else value


def number(value: Value) -> int | Decimal:
    """The number of a value known not to be blank (a rule compares it after checking so)."""
    if value is None:
        raise ValueError("a blank cell has no number")
    return value.amount if isinstance(value, Quantity) else value


# ---------------------------------------------------------------------- from the template

#: Any figure at all (a paste or an import deciding whether a field holds a number).
ANY_NUMBER = NumberSpec(name="any", noun="数", describe="数字", requirement="应为数字", minimum=None,
                        places=MAX_CHARS, max_digits=MAX_CHARS)


def number_spec(name: str, raw: Mapping[str, Any]) -> NumberSpec:
    """Build a spec from its template entry (``number_kinds.<name>``); ValueError when malformed."""
    known = {"noun", "describe", "requirement", "prompt", "minimum", "signed", "places", "max_digits", "unit",
             "kept_units", "sign_words"}
    unknown = set(raw) - known
    if unknown:
        raise ValueError(f"数字类型 {name}: 未知的字段 {sorted(unknown)}")
    minimum = None if raw.get("signed") else raw.get("minimum", 0)
    places, digits = int(raw.get("places", 0)), int(raw.get("max_digits", 12))
    if not (0 <= places <= MAX_CHARS and 1 <= digits <= MAX_CHARS):
        raise ValueError(f"数字类型 {name}: places/max_digits 超出范围")
    kept = tuple(raw.get("kept_units", ()))
    if any(u not in CELL_UNITS for u in (*kept, raw.get("unit") or "元")):
        raise ValueError(f"数字类型 {name}: 未知的单位")
    signs = dict(raw.get("sign_words", {}))
    if signs and ((minimum is not None and minimum >= 0) or not all(
            isinstance(w, str) and w and not any(ch.isdigit() for ch in w) and f in (-1, 1) for w, f in signs.items())):
        raise ValueError(f"数字类型 {name}: sign_words 只用于可为负的整数（signed），每个词对应 1 或 -1")
    return NumberSpec(
        name=name,
        noun=raw.get("noun", "件数"),
        describe=raw["describe"],
        requirement=raw["requirement"],
        prompt=raw.get("prompt", ""),
        minimum=minimum,
        places=places,
        max_digits=digits,
        unit=raw.get("unit", ""),
        kept_units=kept,
        sign_words=tuple(sorted(signs.items(), key=lambda wf: -len(wf[0]))),
    )
