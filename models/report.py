"""The report document: metadata, narrative texts, table values and accepted warnings.

Every change goes through :meth:`Report.set_values` / :meth:`Report.set_text` /
:meth:`Report.set_meta`, which notify subscribers; the GUI's undo commands call these.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from typing import Literal

from models.last_year import LastYear
from models.template import ReportTemplate
from models.values import CellRef, Value

ChangeKind = Literal["values", "text", "meta", "acceptances", "note", "previous"]

#: The opening paragraph (导语) most reports print between the title and 一 (本报告根据《条例》…
#: 编制…统计期限…): a text of the report kept under this key beside the narrative sections,
#: printed before 一 without a heading. Not one of the template's sections: no rule requires it.
PREFACE = "preface"
PREFACE_LABEL = "导语"
Listener = Callable[["Change"], None]

LEVELS: dict[str, str] = {
    "central": "中央部门",
    "provincial": "省级人民政府",
    "provincial_department": "省级政府部门",
    "municipal": "设区的市级人民政府",
    "municipal_department": "设区的市级政府部门",
    "county": "县级人民政府",
    "county_department": "县级政府部门",
    "township": "乡镇人民政府（街道办事处）",
    "township_department": "乡镇（街道）所属部门",
}


def _differs(a: Value, b: Value) -> bool:
    """A change the checker must see: another value, another type (0 → False), or the same
    number written otherwise (1.5 → 1.5000000: its places decide value.type)."""
    if type(a) is not type(b):
        return True
    try:
        return bool(a != b) or (isinstance(a, Decimal) and str(a) != str(b))
    except ArithmeticError:  # a signalling NaN from a broken file cannot even be compared
        return True


@dataclass(frozen=True, slots=True)
class UnitSource:
    """One unit's report summed into a roll-up (``meta.units``): who, which file, its SHA-256."""

    agency: str
    file: str
    sha256: str


@dataclass(slots=True)
class Meta:
    agency: str = ""
    year: int | None = None
    title: str | None = None  # the title as published (imports)
    date: str | None = None  # date of the 落款, ISO yyyy-mm-dd
    level: str | None = None  # one of LEVELS
    units: tuple[UnitSource, ...] = ()  # a roll-up: the units' reports it sums


@dataclass(frozen=True, slots=True)
class Acceptance:
    """A warning the user accepted, with the written explanation (说明)."""

    rule: str
    cells: tuple[CellRef, ...]
    explanation: str
    accepted_at: str  # ISO timestamp

    @property
    def key(self) -> tuple[str, tuple[CellRef, ...]]:
        return (self.rule, self.cells)


@dataclass(frozen=True, slots=True)
class Change:
    kind: ChangeKind
    cells: tuple[CellRef, ...] = ()
    section: str | None = None


@dataclass
class Report:
    template: ReportTemplate  # required: a report is always of one format (no silent default)
    meta: Meta = field(default_factory=Meta)
    texts: dict[str, str] = field(default_factory=dict)
    values: dict[CellRef, Value] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # free text under a table (四's 注)
    acceptances: list[Acceptance] = field(default_factory=list)
    #: What the file keeps of last year's report (the ``previous`` block): the carry-over rules
    #: read it when no other last-year report is given. None: no last year linked.
    previous: LastYear | None = None
    _listeners: list[Listener] = field(default_factory=list, repr=False, compare=False)

    # ------------------------------------------------------------------ construction

    @classmethod
    def blank(cls, template: ReportTemplate, *, agency: str = "", year: int | None = None) -> Report:
        """A new report with every cell blank and every text empty."""
        t = template
        report = cls(template=t, meta=Meta(agency=agency, year=year))
        report.values = dict(_blank_values(t))  # a copy: reading thousands of files, this is one C call
        report.texts = {s.key: "" for s in t.narrative_sections}  # and PREFACE once there is one
        return report

    # ------------------------------------------------------------------ reading

    def get(self, ref: CellRef) -> Value:
        return self.values.get(ref)

    def value(self, section: str, row: str, column: str) -> Value:
        return self.values.get(CellRef(section, row, column))

    def text(self, section: str) -> str:
        return self.texts.get(section, "")

    @property
    def preface(self) -> str:
        """The opening paragraph(s) printed before 一 ('' when the report has none)."""
        return self.texts.get(PREFACE, "")

    def text_title(self, key: str) -> str:
        """What a text of the report is called: 导语, or its section's official title."""
        return PREFACE_LABEL if key == PREFACE else self.template.section(key).title

    @property
    def title(self) -> str:
        return self.template.report_title(self.meta.agency, self.meta.year)

    def cell_refs(self) -> list[CellRef]:
        """Every value cell of the template, in template order."""
        return [CellRef(c.section, c.row, c.column) for c in self.template.all_cells()]

    def copy(self) -> Report:
        """A detached snapshot (no listeners) for exporters and background work."""
        return Report(
            template=self.template,
            meta=replace(self.meta),
            texts=dict(self.texts),
            values=dict(self.values),
            notes=dict(self.notes),
            acceptances=list(self.acceptances),
            previous=self.previous,  # immutable: shared
        )

    def same_content(self, other: Report) -> bool:
        """True when both reports hold the same data (ignoring listeners)."""
        return (
            self.template is other.template
            and self.meta == other.meta
            and {k: v for k, v in self.texts.items() if v} == {k: v for k, v in other.texts.items() if v}
            and self.values == other.values
            and {k: v for k, v in self.notes.items() if v} == {k: v for k, v in other.notes.items() if v}
            and self.acceptances == other.acceptances
            and (self.previous is other.previous or (self.previous is not None and self.previous.same(other.previous)))
        )

    # ------------------------------------------------------------------ changing

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def set_values(self, changes: Mapping[CellRef, Value]) -> dict[CellRef, Value]:
        """Set many cells at once; returns the previous values. Unknown cells raise KeyError."""
        old: dict[CellRef, Value] = {}
        for ref, value in changes.items():
            if self.template.cell(*ref) is None:
                raise KeyError(f"未知单元格 {ref}")
            old[ref] = self.values.get(ref)
            self.values[ref] = value
        changed = tuple(ref for ref in changes if _differs(old[ref], changes[ref]))
        if changed:
            self._notify(Change("values", changed, changed[0].section))
        return old

    def set_text(self, section: str, text: str) -> str:
        old = self.texts.get(section, "")
        if old != text:
            self.texts[section] = text
            self._notify(Change("text", section=section))
        return old

    def set_note(self, section: str, text: str) -> str:
        old = self.notes.get(section, "")
        if old != text:
            self.notes[section] = text
            self._notify(Change("note", section=section))
        return old

    def set_meta(self, **fields: object) -> dict[str, object]:
        old = {k: getattr(self.meta, k) for k in fields}
        for k, v in fields.items():
            setattr(self.meta, k, v)
        if old != fields:
            self._notify(Change("meta"))
        return old

    def set_previous(self, previous: LastYear | None) -> LastYear | None:
        """Link last year's report (or unlink it, with None); returns the one linked before."""
        old = self.previous
        if old is not previous:
            self.previous = previous
            self._notify(Change("previous"))
        return old

    def accept(self, acceptance: Acceptance) -> None:
        self.acceptances = [a for a in self.acceptances if a.key != acceptance.key] + [acceptance]
        self._notify(Change("acceptances"))

    def withdraw(self, rule: str, cells: Iterable[CellRef]) -> Acceptance | None:
        key = (rule, tuple(cells))
        found = next((a for a in self.acceptances if a.key == key), None)
        if found:
            self.acceptances = [a for a in self.acceptances if a.key != key]
            self._notify(Change("acceptances"))
        return found

    def acceptance_for(self, rule: str, cells: tuple[CellRef, ...]) -> Acceptance | None:
        for a in self.acceptances:
            if a.rule == rule and a.cells == cells:
                return a
        return None

    def _notify(self, change: Change) -> None:
        for listener in list(self._listeners):
            listener(change)

    def __deepcopy__(self, memo: dict[int, object]) -> Report:
        clone = self.copy()
        clone.meta = copy.deepcopy(self.meta, memo)
        return clone


@cache
def _blank_values(template: ReportTemplate) -> dict[CellRef, Value]:
    """Every cell of ``template`` blank (never handed out: :meth:`Report.blank` copies it)."""
    return {CellRef(c.section, c.row, c.column): None for c in template.all_cells()}
