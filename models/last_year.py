"""What the carry-over rules read of last year's report, and how it maps onto this year's format.

:class:`LastYear` is deliberately small: the format it was written in, its year, its figures by
cell and (when known) its narrative texts. It is made from a whole report
(:meth:`LastYear.of`), or from the ``previous`` block a report file keeps, so the carry-over
rules run on any desk without last year's file.

When last year's report used another format (2020 → 2021), :func:`in_this_format` keeps only
the cells the templates declare to mean the same (``previous_formats``), and names the rules
that cannot compare at all, with the info each gives instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from models.template import ReportTemplate
from models.values import CellRef, Value

if TYPE_CHECKING:
    from models.report import Report

_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class SourceFile:
    """The file last year's figures were read from: its name and the SHA-256 of its bytes
    (so a reviewer can tell which version of last year's report this year's was checked against)."""

    name: str
    sha256: str


@dataclass(frozen=True, slots=True, eq=False)
class LastYear:
    """Last year's report as the carry-over rules see it (keys of last year's template)."""

    template: str  # the id of the format last year's report was written in
    year: int | None = None
    values: Mapping[CellRef, Value] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)  # empty when only figures were kept
    agency: str = ""
    source: SourceFile | None = None  # None: built from a report in memory

    @classmethod
    def of(cls, report: Report, source: SourceFile | None = None) -> LastYear:
        return cls(template=report.template.id, year=report.meta.year, values=report.values, texts=report.texts,
                   agency=report.meta.agency, source=source)

    def same(self, other: LastYear | None) -> bool:
        """The same figures, texts and provenance (``==`` is identity: a checker's cache key)."""
        return other is not None and (
            (self.template, self.year, self.agency, self.source) == (other.template, other.year, other.agency,
                                                                      other.source)
            and {r: v for r, v in self.values.items() if v is not None}
            == {r: v for r, v in other.values.items() if v is not None}
            and {k: t for k, t in self.texts.items() if t} == {k: t for k, t in other.texts.items() if t})

    def describe(self) -> str:
        """How messages name it: 某某局 2023 年度报告（上年报告.json）."""
        who = f"{self.agency} " if self.agency else ""
        year = f"{self.year} 年度报告" if self.year is not None else "上年报告"
        where = f"（{self.source.name}）" if self.source is not None else ""
        return f"{who}{year}{where}"


@dataclass(frozen=True, slots=True, eq=False)
class LastYearView:
    """Last year's figures and texts in this year's keys."""

    template: str
    year: int | None
    values: Mapping[CellRef, Value]
    texts: Mapping[str, str]
    same_format: bool
    incomparable: Mapping[str, str] = field(default_factory=lambda: _EMPTY)  # rule id → the info said instead of comparing
    agency: str = ""


def in_this_format(last: LastYear, template: ReportTemplate) -> LastYearView:
    """``last`` in ``template``'s keys: the same mapping when the formats agree, else only the
    cells the template's ``previous_formats`` declares comparable (none when it declares nothing)."""
    if last.template == template.id:
        return LastYearView(last.template, last.year, last.values, last.texts, same_format=True, agency=last.agency)
    mapping = template.previous_formats.get(last.template)
    if mapping is None:
        return LastYearView(last.template, last.year, {}, last.texts, same_format=False, agency=last.agency)
    values = {ref: v for ref, v in last.values.items() if mapping.maps(ref) and template.cell(*ref) is not None}
    return LastYearView(last.template, last.year, values, last.texts, same_format=False,
                        incomparable=mapping.incomparable, agency=last.agency)
