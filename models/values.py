"""Cell references and the parsing/formatting of cell values (counts and 万元 amounts)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import NamedTuple, Union

from models.limits import AMOUNT_MAX_INT_DIGITS, COUNT_MAX_DIGITS, amount_problem, count_problem
from models.template import ValueKind

Value = Union[int, Decimal, None]

#: Text that published reports write into a cell instead of a number (means "not filled").
BLANK_MARKS = frozenset({"", "/", "-", "—", "－", "——", "--", "\\", "无", "空"})

# Digits with optional thousands separators in proper groups ("1,234", never "12,34").
_DIGITS = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_UNIT_SUFFIX = re.compile(rf"^(?P<num>{_DIGITS})\s*(?P<unit>万元|元|件|个|条|项|份|次|宗|起|%)$")
_NUMBER = re.compile(rf"^{_DIGITS}$")


#: Longest cell text parsed as a number (int() refuses 4300+ digits; no report needs 40).
MAX_DIGITS = 40


class CellRef(NamedTuple):
    """Address of one value cell: section key, row key, column key (the spec's keys)."""

    section: str
    row: str
    column: str

    def __str__(self) -> str:
        return f"{self.section}.{self.row}.{self.column}"


class CellParseError(ValueError):
    """Text typed or imported into a cell is not a valid value; the message is for the user."""


@dataclass(frozen=True, slots=True)
class Parsed:
    value: Value
    unit_text: str | None = None  # a unit or symbol that was dropped (for value.unit_text)
    blank_mark: str | None = None  # '/', '—' … that stood for a blank


def normalise_text(text: str) -> str:
    """NFKC (full-width digits → ASCII) and strip every kind of whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def parse_value(text: str, kind: ValueKind, *, allow_units: bool = False) -> Parsed:
    """Parse what a user typed (or an importer read) into a count or an amount.

    Counts: non-negative whole numbers of at most 12 digits. Amounts: non-negative decimals in
    万元 with at most 12 integer digits and 6 places, kept exactly as typed (68.640 stays
    68.640); the bounds are those of :mod:`models.limits` (rule ``value.type``). With ``allow_units`` a trailing unit (``68.64万元``, ``12件``) is
    accepted and reported in ``unit_text``. Blank marks ('/', '—') parse to ``None``.
    Raises :class:`CellParseError` with a Chinese message otherwise.
    """
    s = normalise_text(text)
    if len(s) > MAX_DIGITS:
        raise CellParseError(f"“{text.strip()[:20]}…”太长，不是有效的{_kind_word(kind)}")
    if s in BLANK_MARKS:
        return Parsed(None, blank_mark=s or None)
    unit = None
    if not _NUMBER.match(s):
        m = _UNIT_SUFFIX.match(s) if allow_units else None
        if not m:
            raise CellParseError(f"“{text.strip()}”不是数字，请输入{_kind_word(kind)}")
        s, unit = m.group("num"), m.group("unit")
        if kind == "amount" and unit == "元":
            raise CellParseError(f"“{text.strip()}”以元为单位，本栏单位为万元，请换算后填写")
    s = s.replace(",", "")
    if s.startswith("-") and s.strip("-0.") != "":
        raise CellParseError(f"“{text.strip()}”是负数，{'件数' if kind == 'count' else '金额'}不能为负")
    s = s.lstrip("+")
    if kind == "count":
        if "." in s:
            whole, _, frac = s.partition(".")
            if frac.strip("0"):
                raise CellParseError(f"“{text.strip()}”不是整数，件数只能填写整数")
            s = whole
        if len(s.lstrip("-").lstrip("0")) > COUNT_MAX_DIGITS:
            raise CellParseError(f"“{text.strip()}”位数过多，件数最多 {COUNT_MAX_DIGITS} 位")
        return Parsed(abs(int(s)), unit_text=unit)
    try:
        amount = Decimal(s)
    except InvalidOperation:  # pragma: no cover - guarded by the regex
        raise CellParseError(f"“{text.strip()}”不是有效金额") from None
    amount = abs(amount) if amount == 0 else amount
    problem = amount_problem(amount)
    if problem:
        raise CellParseError(f"“{text.strip()}”{problem}，金额以万元为单位，最多 12 位整数、6 位小数")
    return Parsed(amount, unit_text=unit)


def parse_cell(text: str, kind: ValueKind) -> Value:
    """Strict parse for user input: a number or blank, no units."""
    return parse_value(text, kind).value


def format_value(value: Value) -> str:
    """Display form: integers plainly, amounts exactly as stored (no float rounding)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        if not value.is_finite() or abs(value.adjusted()) > 40:
            return str(value)  # NaN or 1E+999999 from a broken file: never a million digits
        return format(value, "f")
    return str(value)


def value_is_valid(value: Value, kind: ValueKind) -> bool:
    """True for a value that this kind of cell may hold (None counts as valid: it is 'missing')."""
    if value is None:
        return True
    if isinstance(value, bool):
        return False
    if kind == "count":
        return isinstance(value, int) and count_problem(value) is None
    if isinstance(value, Decimal):  # amount_problem checks finiteness first (NaN cannot be compared)
        return amount_problem(value) is None
    return isinstance(value, int) and count_problem(value) is None


def value_type_reason(value: Value, kind: ValueKind) -> str:
    """Why ``value`` breaks rule value.type, for its message (the value is known to be invalid)."""
    if kind == "count":
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return f"件数最多 {COUNT_MAX_DIGITS} 位"
        return "件数应为不小于 0 的整数"
    if isinstance(value, Decimal) and value.is_finite() and value >= 0:
        return f"金额{(amount_problem(value) or '无效').removeprefix('数值')}"
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return f"金额整数部分最多 {AMOUNT_MAX_INT_DIGITS} 位"
    return "金额应为不小于 0 的数"


def _kind_word(kind: ValueKind) -> str:
    return "不小于 0 的整数（件数）" if kind == "count" else "不小于 0 的金额（万元）"
