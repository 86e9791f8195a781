"""DocumentSession: one open report, its undo stack, its file and its cached check result.

Signals flow one way: ``Report`` (callback) → session (Qt signals) → table models → views.
The session re-checks after every change with the checker's fast paths and tells the views
exactly which cells' display or highlight changed; nothing here decides a business rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from models.checker import Checker, checker_for
from models.findings import CheckResult, Finding
from models.fingerprint import Fingerprint
from models.last_year import LastYear, LastYearView
from models.numbers import format_value
from models.report import Change, Report
from models.values import CellRef, Value
from ui.commands import (
    AcceptCommand,
    SetCellsCommand,
    SetMetaCommand,
    SetNoteCommand,
    SetPreviousCommand,
    SetTextCommand,
    WithdrawCommand,
)

if TYPE_CHECKING:
    from models.compare import CellChange


class DocumentSession(QObject):
    """Owns the open report.

    Signals:
        cellsChanged(section, refs): these cells' value or highlight may have changed.
        resultChanged(): ``result`` was replaced (problem list, counts, status bar).
        textChanged(section) / noteChanged(section) / metaChanged(): other content changed.
        contentChanged(): anything in the report changed (drives the recovery file).
        modifiedChanged(bool): unsaved changes appeared or disappeared.
        pathChanged(): the file the report is saved to changed, or whether it is read-only.
        revealRequested(section, refs): undo/redo asks the window to show that place
            (section "" = the basic-data tab).
        previousChanged(): last year's report was linked, replaced or unlinked.
    """

    cellsChanged = Signal(str, object)
    resultChanged = Signal()
    textChanged = Signal(str)
    noteChanged = Signal(str)
    metaChanged = Signal()
    contentChanged = Signal()
    modifiedChanged = Signal(bool)
    pathChanged = Signal()
    revealRequested = Signal(str, object)
    previousChanged = Signal()

    def __init__(self, report: Report, path: str | Path | None = None, *, dirty: bool = False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.report = report
        # Absolute: the recovery file and the settings must still find it from another folder.
        self.path: Path | None = Path(path).absolute() if path else None
        self.checker: Checker = checker_for(report.template)
        self.result: CheckResult = self.checker.check(report)
        # Last year's figures and texts in this year's keys (None: no last year linked).
        self.last_view: LastYearView | None = self.checker.last_view(report)
        self.undo_stack = QUndoStack(self)
        self._dirty = dirty  # restored or imported content that was never saved
        # The file as this desk last read or wrote it: another desk's save shows as a difference.
        self.fingerprint: Fingerprint | None = None
        self._read_only = False
        self._modified = self.modified
        self.undo_stack.cleanChanged.connect(self._emit_modified)
        report.subscribe(self._on_report_change)

    def close(self) -> None:
        """Detach from the report (the session is being replaced)."""
        self.report.unsubscribe(self._on_report_change)
        self.undo_stack.clear()

    # ------------------------------------------------------------------ state

    @property
    def modified(self) -> bool:
        return self._dirty or not self.undo_stack.isClean()

    @property
    def read_only(self) -> bool:
        """Opened read-only (another desk has it, or the file is read-only): never saved over."""
        return self._read_only

    @read_only.setter
    def read_only(self, value: bool) -> None:
        if value != self._read_only:
            self._read_only = value
            self.pathChanged.emit()

    @property
    def display_name(self) -> str:
        """The file name, or the report title for a report never saved."""
        if self.path is not None:
            return self.path.name
        return self.report.title if self.report.meta.agency else "未命名报告"

    def mark_saved(self, path: str | Path) -> None:
        new_path = Path(path).absolute()
        changed = new_path != self.path
        self.path = new_path
        self._dirty = False
        self.undo_stack.setClean()
        self._emit_modified()
        if changed:
            self.pathChanged.emit()

    def live_acceptance_keys(self) -> set[tuple[str, tuple[CellRef, ...]]]:
        """Acceptances whose warning still exists (stale ones are dropped on save)."""
        return {(f.rule, f.cells) for f in self.result.mapping.values() if f.accepted}

    # ------------------------------------------------------------------ edits (all undoable)

    def set_cells(self, values: Mapping[CellRef, Value], text: str) -> int:
        """Push one undo step setting these cells; returns how many actually change."""
        # Compare the written form too: 1.50 and 1.5 万元 are equal numbers but not the same entry.
        changes = {ref: v for ref, v in values.items()
                   if format_value(self.report.get(ref)) != format_value(v) or self.report.get(ref) != v}
        if not changes:
            return 0
        self.undo_stack.push(SetCellsCommand(self, changes, text))
        return len(changes)

    def set_text(self, section: str, text: str) -> None:
        if self.report.text(section) != text:
            self.undo_stack.push(SetTextCommand(self, section, text))

    def set_note(self, section: str, text: str) -> None:
        if self.report.notes.get(section, "") != text:
            self.undo_stack.push(SetNoteCommand(self, section, text))

    def set_meta(self, field: str, value: object) -> None:
        if getattr(self.report.meta, field) != value:
            self.undo_stack.push(SetMetaCommand(self, field, value))

    def accept(self, finding: Finding, explanation: str) -> None:
        self.undo_stack.push(AcceptCommand(self, finding.rule, finding.cells, explanation))

    def withdraw(self, finding: Finding) -> None:
        if self.report.acceptance_for(finding.rule, finding.cells) is not None:
            self.undo_stack.push(WithdrawCommand(self, finding.rule, finding.cells))

    def set_previous(self, previous: LastYear | None) -> None:
        """Link last year's report (what the file keeps of it), replace or unlink it: one undo step."""
        if previous is self.report.previous:
            return
        text = "取消关联上年报告" if previous is None else (
            "更换上年报告" if self.report.previous is not None else "关联上年报告")
        self.undo_stack.push(SetPreviousCommand(self, previous, text))

    def last_year(self, ref: CellRef) -> CellChange | None:
        """This cell beside last year's (None when no last year is linked)."""
        if self.last_view is None:
            return None
        from models.compare import cell_change  # with last year's report only, never at start-up

        return cell_change(self.report.template, ref, self.last_view, self.report.values.get(ref))

    def carried_text(self, ref: CellRef) -> str:
        """For a cell carried over from last year (上年结转): what it must equal, in words."""
        from models.compare import carried_text  # at a tooltip, never at start-up

        return carried_text(self.report.template, self.checker.carried_from(ref), self.last_view)

    def equation_findings(self, section: str) -> list[Finding]:
        """Open findings of the template's sum rules in ``section`` (what 填写合计 can fix)."""
        rules = self.checker.equation_rules(section)
        return [f for f in self.result.for_section(section) if f.rule in rules and f.is_open]

    def fill_totals(self, section: str) -> tuple[int, int]:
        """Set every total cell of ``section`` from its parts, as one undo step.

        The figures come from the checker (``totals_from_parts``: the domain decides what a
        total is and which totals it leaves alone). Returns (cells changed, sum findings
        still open).
        """
        filled = self.checker.totals_from_parts(self.report, section)
        n = self.set_cells(filled, "填写合计") if filled else 0
        return n, len(self.equation_findings(section))

    # ------------------------------------------------------------------ reacting to the report

    def _on_report_change(self, change: Change) -> None:
        old = self.result
        self.result = self.checker.recheck_change(old, self.report, change)
        touched: dict[str, set[CellRef]] = {}
        for ref in change.cells:
            touched.setdefault(ref.section, set()).add(ref)
        old_map, new_map = old.mapping, self.result.mapping
        for key in old_map.keys() | new_map.keys():
            before, after = old_map.get(key), new_map.get(key)
            if before == after:
                continue
            for f in (before, after):
                if f is not None:
                    for ref in f.cells:
                        touched.setdefault(ref.section, set()).add(ref)
        for section, refs in touched.items():
            self.cellsChanged.emit(section, tuple(refs))
        if change.kind == "text" and change.section:
            self.textChanged.emit(change.section)
        elif change.kind == "note" and change.section:
            self.noteChanged.emit(change.section)
        elif change.kind == "meta":
            self.metaChanged.emit()
        elif change.kind == "previous":
            self.last_view = self.checker.last_view(self.report)
            self.previousChanged.emit()
        self.resultChanged.emit()
        self.contentChanged.emit()

    def _emit_modified(self, *_: object) -> None:
        now = self.modified
        if now != self._modified:
            self._modified = now
        self.modifiedChanged.emit(now)

