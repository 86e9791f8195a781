"""Findings: what the checker (and the importers) say about a report."""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from models.template import Severity
from models.values import CellRef, Quantity, Value

#: Where a finding is: a cell, a row ``(section, row)``, a section key, ``"meta"`` …
Place = Hashable
#: A finding's identity across re-checks: the rule and the place (one finding per rule and place).
FindingKey = tuple[str, Place]

SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}
SEVERITY_LABEL: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem or remark, located on cells when it concerns table values.

    ``key`` is ``(rule, place)``: it identifies the finding across re-checks, so the GUI can
    update only what changed.
    """

    rule: str
    severity: Severity
    section: str | None
    cells: tuple[CellRef, ...]
    total_cell: CellRef | None
    expected: Value | str | None
    actual: Value | str | None
    message: str
    key: FindingKey = ("", None)
    order: int = 0  # position in the report (section, then cell), for a stable listing
    accepted: bool = False
    explanation: str | None = None
    #: Where in its section's text the finding points (start, end), for a narrative finding
    #: about a few characters (a number copied from last year's text): the editor marks them.
    #: Such a finding is not "on" its cells (``CheckResult.for_cell``): they only say where
    #: the figure came from, and keep its acceptance apart from the others'.
    span: tuple[int, int] | None = None

    @property
    def is_open(self) -> bool:
        return not self.accepted

    @property
    def anchor(self) -> CellRef | None:
        """The cell to jump to: the total cell, else the first cell involved."""
        return self.total_cell or (self.cells[0] if self.cells else None)

    def with_acceptance(self, explanation: str | None) -> Finding:
        return replace(self, accepted=explanation is not None, explanation=explanation)

    def to_dict(self) -> dict[str, Any]:
        """The CLI's JSON shape (spec keys)."""
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "section": self.section,
            "cells": [{"row": c.row, "column": c.column} for c in self.cells],
            "total_cell": (
                {"row": self.total_cell.row, "column": self.total_cell.column} if self.total_cell else None
            ),
            "expected": _json_value(self.expected),
            "actual": _json_value(self.actual),
            "message": self.message,
        }
        if self.accepted:
            out["accepted"] = True
            out["explanation"] = self.explanation
        return out


    def to_json(self) -> str:
        """``json.dumps(self.to_dict(), ensure_ascii=False)``, built without the dict: a batch
        check writes hundreds of thousands of findings (tests hold the two equal)."""
        head, tail = self.json_parts()
        return head + tail

    def json_parts(self) -> tuple[str, str]:
        """:meth:`to_json` in two pieces: the text up to the figures, which is the same object for
        every finding of a rule at a place (cached: a batch may encode it once), and the rest."""
        expected, actual, text = self.expected, self.actual, self.message
        # counts and a str message (nearly every finding) written inline, anything else through
        # _json_value and _scalar
        text = _encode_text(text) if type(text) is str else _scalar(text)
        expected = int.__repr__(expected) if type(expected) is int else \
            "null" if expected is None else _scalar(_json_value(expected))
        actual = int.__repr__(actual) if type(actual) is int else _scalar(_json_value(actual))
        if self.accepted:
            return _head_json(self), "".join([', "expected": ', expected, ', "actual": ', actual, ', "message": ',
                                              text, ', "accepted": true, "explanation": ',
                                              _scalar(self.explanation), "}"])
        return _head_json(self), "".join([', "expected": ', expected, ', "actual": ', actual, ', "message": ', text,
                                          "}"])


class _Draft:
    """A :class:`Finding` being built: the same slots, not frozen, so its fields are set by plain
    attribute stores (a frozen dataclass's ``__init__`` sets each field with ``object.__setattr__``:
    ≈ 2.5 µs a finding, most of the cost of a broken sum in a batch). :func:`new_finding` then
    makes it a Finding (``__class__`` assignment: same layout), frozen from then on."""

    __slots__ = Finding.__slots__


def new_finding(rule: str, severity: Severity, section: str | None, cells: tuple[CellRef, ...],
                total_cell: CellRef | None, expected: Value | str | None, actual: Value | str | None,
                message: str, key: FindingKey, order: int) -> Finding:
    """``Finding(rule, severity, section, cells, total_cell, expected, actual, message, key, order)``
    built in a fifth of the time (the checker's rules make hundreds of thousands in a batch);
    the result is a Finding like any other (equal, hash, repr, frozen; tests hold them equal)."""
    f: Any = _Draft()
    f.rule, f.severity, f.section, f.cells, f.total_cell = rule, severity, section, cells, total_cell
    f.expected, f.actual, f.message, f.key, f.order = expected, actual, message, key, order
    f.accepted, f.explanation, f.span = False, None, None
    f.__class__ = Finding
    done: Finding = f
    return done


_encode_text = json.encoder.encode_basestring  # what json.dumps(..., ensure_ascii=False) writes a str with
_CELLS_JSON: dict[tuple[CellRef, ...], str] = {}  # the cells a template's rules name: a bounded set


#: The text of a finding up to its figures, by (rule, place), with the fields it was made of: a
#: rule that breaks at a place says the same there in every report of a batch.
_HEADS: dict[FindingKey, tuple[str, str, str | None, tuple[CellRef, ...], CellRef | None, str]] = {}
_MAX_HEADS = 20000  # a hostile report's odd places (stale numbers are keyed by their words) must not grow it without end


def _head_json(f: Finding) -> str:
    """``{"rule": …, "severity": …, "section": …, "cells": […], "total_cell": …`` of ``f``."""
    hit = _HEADS.get(f.key)
    # the cached text only where the fields it was built from are the ones of ``f`` (the
    # importers' findings share a default key; a place's finding may change severity)
    if hit is not None and hit[0] == f.rule and hit[1] == f.severity and hit[2] == f.section \
            and hit[3] == f.cells and hit[4] == f.total_cell:
        return hit[5]
    text = "".join(['{"rule": ', _scalar(f.rule), ', "severity": ', _scalar(f.severity),
                    ', "section": ', _scalar(f.section), ', "cells": ', _cells_json(f.cells),
                    ', "total_cell": ', "null" if f.total_cell is None else _cell_json(f.total_cell)])
    if hit is not None or len(_HEADS) < _MAX_HEADS:
        _HEADS[f.key] = (f.rule, f.severity, f.section, f.cells, f.total_cell, text)
    return text


def _scalar(v: object) -> str:
    if type(v) is str:
        return _encode_text(v)
    if v is None:
        return "null"
    if type(v) is int:
        return int.__repr__(v)
    return json.dumps(v, ensure_ascii=False)  # anything else (never met from the checker): as json writes it


def _cell_json(c: CellRef) -> str:
    return f'{{"row": {_encode_text(c.row)}, "column": {_encode_text(c.column)}}}'


def _cells_json(cells: tuple[CellRef, ...]) -> str:
    out = _CELLS_JSON.get(cells)
    if out is None:
        out = "[" + ", ".join([_cell_json(c) for c in cells]) + "]"
        if len(_CELLS_JSON) < 20000:  # a hostile report's odd combinations must not grow it without end
            _CELLS_JSON[cells] = out
    return out


def _json_value(v: Value | str | None) -> int | str | None:
    if isinstance(v, Quantity):
        return str(v)
    if isinstance(v, Decimal):
        if not v.is_finite() or abs(v.adjusted()) > 40:  # NaN, 1E+999999: from a broken file
            return str(v)
        return int(v) if v == v.to_integral_value() and v.as_tuple().exponent == 0 else format(v, "f")
    if v is None or isinstance(v, (int, str)):
        return v
    return str(v)  # a float or other stray type: JSON-safe text


class CheckResult:
    """An immutable set of findings with the lookups the views need."""

    __slots__ = ("_findings", "_by_cell", "_sorted")

    def __init__(self, findings: dict[FindingKey, Finding]) -> None:
        self._findings = findings
        self._by_cell: dict[CellRef, list[Finding]] | None = None
        self._sorted: list[Finding] | None = None

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> CheckResult:
        return cls({f.key if f.key[0] else (f.rule, i): f for i, f in enumerate(findings)})

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self._findings)

    def get(self, key: FindingKey) -> Finding | None:
        return self._findings.get(key)

    @property
    def mapping(self) -> dict[FindingKey, Finding]:
        return self._findings

    def sorted(self) -> list[Finding]:
        if self._sorted is None:
            self._sorted = sorted(self._findings.values(), key=lambda f: (f.order, SEVERITY_ORDER[f.severity]))
        return self._sorted

    def open(self, severity: str | None = None) -> list[Finding]:
        return [f for f in self.sorted() if f.is_open and (severity is None or f.severity == severity)]

    @property
    def errors(self) -> list[Finding]:
        return self.open("error")

    @property
    def warnings(self) -> list[Finding]:
        return self.open("warning")

    @property
    def infos(self) -> list[Finding]:
        return self.open("info")

    @property
    def accepted(self) -> list[Finding]:
        return [f for f in self.sorted() if f.accepted]

    def counts(self) -> dict[str, int]:
        out = {"error": 0, "warning": 0, "info": 0}
        for f in self._findings.values():
            if f.is_open:
                out[f.severity] += 1
        return out

    def for_section(self, section: str) -> list[Finding]:
        return [f for f in self.sorted() if f.section == section]

    def for_cell(self, ref: CellRef) -> list[Finding]:
        if self._by_cell is None:
            index: dict[CellRef, list[Finding]] = {}
            for f in self._findings.values():
                if f.span is not None:
                    continue  # it points at characters of a text; its cells only say where a figure came from
                for c in f.cells:
                    index.setdefault(c, []).append(f)
            self._by_cell = index
        return self._by_cell.get(ref, [])

    def total_findings(self, ref: CellRef) -> list[Finding]:
        """Findings for which ``ref`` is the total (the cell that breaks the rule)."""
        return [f for f in self.for_cell(ref) if f.total_cell == ref]

    def worst_for_cell(self, ref: CellRef) -> Finding | None:
        best: Finding | None = None
        for f in self.for_cell(ref):
            if f.accepted:
                continue
            if f.total_cell is not None and f.total_cell != ref:
                continue  # an addend of a broken sum is not itself wrong
            if best is None or SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[best.severity]:
                best = f
        return best

    def summary(self) -> str:
        c = self.counts()
        if not c["error"] and not c["warning"]:
            return "未发现问题" if not c["info"] else f"未发现问题（{c['info']} 条提示）"
        parts = []
        if c["error"]:
            parts.append(f"{c['error']} 个错误")
        if c["warning"]:
            parts.append(f"{c['warning']} 个警告")
        if c["info"]:
            parts.append(f"{c['info']} 条提示")
        return "，".join(parts)
