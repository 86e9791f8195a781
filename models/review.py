"""A review of many units' reports: each report's status and who submitted which year.

Pure domain logic shared by the review window, the review workbook and ``review --json``:
:func:`status_of` turns finding counts into 有错误/待确认/通过, :func:`unit_key` matches agency
names across years and spellings, :class:`Submissions` is the units × years matrix with its
未提交 gaps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from models.normalise import nfkc

MISSING = "missing"
ERRORS = "errors"
TO_CONFIRM = "to_confirm"
PASSED = "passed"
UNREADABLE = "unreadable"

STATUS_LABEL: dict[str, str] = {
    MISSING: "未提交",
    ERRORS: "有错误",
    TO_CONFIRM: "待确认",
    PASSED: "通过",
    UNREADABLE: "无法读取",
}
#: Worst first: the order of the status filter and of a matrix cell holding two reports.
STATUS_ORDER: tuple[str, ...] = (UNREADABLE, MISSING, ERRORS, TO_CONFIRM, PASSED)
NO_AGENCY = "（未填机关名称）"

_NAME_NOISE = re.compile(r"[\s\u3000·•．.。,，、\"'“”‘’《》〈〉<>]+")
_BRACKETS = str.maketrans("（）【】〔〕［］", "()[][][]")


def status_of(errors: int, warnings: int) -> str:
    """有错误 when any error is open, 待确认 when a warning is open (not accepted), else 通过."""
    if errors:
        return ERRORS
    return TO_CONFIRM if warnings else PASSED


def worst(statuses: Iterable[str]) -> str | None:
    ranked = sorted(statuses, key=STATUS_ORDER.index)
    return ranked[0] if ranked else None


@lru_cache(maxsize=8192)  # a unit's name comes once a year: a review asks for each several times
def unit_key(agency: str | None) -> str:
    """The name by which a unit's reports of different years are matched.

    NFKC (full-width letters and brackets), no blanks or punctuation, brackets unified: the
    ``某某县 人民政府办公室`` of one year is the ``某某县人民政府办公室`` of the next.
    """
    if not agency:
        return ""
    text = nfkc(agency).translate(_BRACKETS)
    return _NAME_NOISE.sub("", text).casefold()


@dataclass(slots=True)
class UnitRow:
    """One unit of the matrix: its name as last written and its statuses by year."""

    key: str
    name: str
    years: dict[int, list[str]] = field(default_factory=dict)  # year → status of each report

    def status(self, year: int) -> str:
        return worst(self.years.get(year, ())) or MISSING

    def count(self, year: int) -> int:
        return len(self.years.get(year, ()))


class Submissions:
    """The units × years matrix, built one report at a time.

    Columns are the years any report of the review is for; a unit with no report for one of
    them has not submitted it (未提交). Reports without an agency or a year cannot be placed and
    are left out (the review lists them with the reason).
    """

    def __init__(self) -> None:
        self._units: dict[str, UnitRow] = {}
        self._name_year: dict[str, int] = {}
        self._years: set[int] = set()

    def add(self, agency: str | None, year: int | None, status: str) -> None:
        key = unit_key(agency)
        if not key or year is None:
            return
        unit = self._units.get(key)
        if unit is None:
            unit = self._units[key] = UnitRow(key, agency or "")
        if year >= self._name_year.get(key, year):  # the latest spelling names the unit
            unit.name = agency or unit.name
            self._name_year[key] = year
        unit.years.setdefault(year, []).append(status)
        self._years.add(year)

    @property
    def years(self) -> list[int]:
        return sorted(self._years)

    @property
    def units(self) -> list[UnitRow]:
        return sorted(self._units.values(), key=lambda u: u.key)

    def missing(self) -> list[tuple[UnitRow, int]]:
        """Every (unit, year) without a report, by unit then year."""
        years = self.years
        return [(u, y) for u in self.units for y in years if y not in u.years]

    def unit(self, agency: str | None) -> UnitRow | None:
        return self._units.get(unit_key(agency))
