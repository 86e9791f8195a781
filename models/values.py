"""Cell references and the values a cell holds.

What a value may be in a given cell (and how text becomes one) is the column's
:class:`models.numbers.NumberSpec`; this module only names the shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple, Union


class CellRef(NamedTuple):
    """Address of one value cell: section key, row key, column key (the spec's keys)."""

    section: str
    row: str
    column: str

    def __str__(self) -> str:
        return f"{self.section}.{self.row}.{self.column}"

    @classmethod
    def parse(cls, dotted: str) -> CellRef | None:
        """``requests.new.total`` → CellRef; 四's columns hold a dot themselves
        (``appeals.data.review.total``), so only the first two dots split."""
        parts = dotted.split(".", 2)
        return cls(*parts) if len(parts) == 3 and all(parts) else None


@dataclass(frozen=True, slots=True)
class Quantity:
    """An amount that keeps the unit the report printed with it (2019's 采购总金额: ``251000元``,
    ``3.2万元``); ``unit`` is ``""`` when none was printed."""

    amount: Decimal
    unit: str = ""

    def __str__(self) -> str:
        return format(self.amount, "f") + self.unit


Value = Union[int, Decimal, Quantity, None]
