"""Undo commands: every change to the report is one of these, pushed on the session's stack.

Commands hold domain keys (``CellRef``, section keys), never view indexes, and call the
Report's own mutation methods. ``QUndoStack.push`` runs ``redo()`` at once, so nothing else
applies the change.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from models.last_year import LastYear
from models.report import Acceptance
from models.values import CellRef, Value

if TYPE_CHECKING:
    from ui.session import DocumentSession

TEXT_ID = 1001
NOTE_ID = 1002
META_ID = 1003
TYPING_PAUSE_S = 1.5  # keystrokes closer than this merge into one undo step


class _SessionCommand(QUndoCommand):
    def __init__(self, session: DocumentSession, text: str) -> None:
        super().__init__(text)
        self.session = session
        self._first = True

    def redo(self) -> None:
        self._apply(forward=True)
        if not self._first:
            self._reveal()
        self._first = False

    def undo(self) -> None:
        self._apply(forward=False)
        self._reveal()

    def _apply(self, forward: bool) -> None:
        raise NotImplementedError

    def _reveal(self) -> None:
        """Undo/redo brings the changed place into view (as spreadsheets do)."""


class SetCellsCommand(_SessionCommand):
    """One or many table cells: a typed value, a paste, a clear, a fill of totals."""

    def __init__(self, session: DocumentSession, new: Mapping[CellRef, Value], text: str) -> None:
        super().__init__(session, text)
        report = session.report
        self.old = {ref: report.get(ref) for ref in new}
        self.new = dict(new)

    def _apply(self, forward: bool) -> None:
        self.session.report.set_values(self.new if forward else self.old)

    def _reveal(self) -> None:
        refs = tuple(self.new)
        if refs:
            self.session.revealRequested.emit(refs[0].section, refs)


class _TypingCommand(_SessionCommand):
    """Text typed in one place; consecutive keystrokes merge until the user pauses."""

    command_id = -1

    def __init__(self, session: DocumentSession, where: str, old: object, new: object, text: str) -> None:
        super().__init__(session, text)
        self.where = where
        self.old = old
        self.new = new
        self.stamp = time.monotonic()

    def id(self) -> int:
        return self.command_id

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt override
        if not isinstance(other, type(self)) or other.where != self.where:
            return False
        if other.stamp - self.stamp > TYPING_PAUSE_S:
            return False
        self.new = other.new
        self.stamp = other.stamp
        if self.new == self.old:
            self.setObsolete(True)  # typed and deleted again: nothing to undo
        return True


class SetTextCommand(_TypingCommand):
    command_id = TEXT_ID

    def __init__(self, session: DocumentSession, section: str, new: str) -> None:
        title = session.report.text_title(section)
        super().__init__(session, section, session.report.text(section), new, f"编辑“{title}”")

    def _apply(self, forward: bool) -> None:
        self.session.report.set_text(self.where, self.new if forward else self.old)  # type: ignore[arg-type]

    def _reveal(self) -> None:
        self.session.revealRequested.emit(self.where, ())


class SetNoteCommand(_TypingCommand):
    command_id = NOTE_ID

    def __init__(self, session: DocumentSession, section: str, new: str) -> None:
        super().__init__(session, section, session.report.notes.get(section, ""), new, "编辑表注")

    def _apply(self, forward: bool) -> None:
        self.session.report.set_note(self.where, self.new if forward else self.old)  # type: ignore[arg-type]

    def _reveal(self) -> None:
        self.session.revealRequested.emit(self.where, ())


META_LABELS = {"agency": "机关名称", "year": "年度", "level": "机关层级", "date": "落款日期", "title": "标题"}


class SetMetaCommand(_TypingCommand):
    command_id = META_ID

    def __init__(self, session: DocumentSession, field: str, new: object) -> None:
        old = getattr(session.report.meta, field)
        super().__init__(session, field, old, new, f"修改{META_LABELS.get(field, field)}")

    def _apply(self, forward: bool) -> None:
        self.session.report.set_meta(**{self.where: self.new if forward else self.old})

    def _reveal(self) -> None:
        self.session.revealRequested.emit("", ())  # "" = the basic-data tab


class AcceptCommand(_SessionCommand):
    """Accept a warning with a written explanation (说明)."""

    def __init__(self, session: DocumentSession, rule: str, cells: tuple[CellRef, ...], explanation: str) -> None:
        super().__init__(session, "接受警告")
        self.rule = rule
        self.cells = cells
        self.previous = session.report.acceptance_for(rule, cells)
        self.acceptance = Acceptance(rule, cells, explanation, datetime.now().isoformat(timespec="seconds"))

    def _apply(self, forward: bool) -> None:
        report = self.session.report
        if forward:
            report.accept(self.acceptance)
        elif self.previous is not None:
            report.accept(self.previous)
        else:
            report.withdraw(self.rule, self.cells)


class WithdrawCommand(_SessionCommand):
    """Withdraw an accepted warning (it becomes open again)."""

    def __init__(self, session: DocumentSession, rule: str, cells: tuple[CellRef, ...]) -> None:
        super().__init__(session, "撤回接受")
        self.rule = rule
        self.cells = cells
        self.previous = session.report.acceptance_for(rule, cells)

    def _apply(self, forward: bool) -> None:
        report = self.session.report
        if forward:
            report.withdraw(self.rule, self.cells)
        elif self.previous is not None:
            report.accept(self.previous)


class SetPreviousCommand(_SessionCommand):
    """Link last year's report (its figures and texts kept in the file), replace it, or unlink it."""

    def __init__(self, session: DocumentSession, new: LastYear | None, text: str) -> None:
        super().__init__(session, text)
        self.old = session.report.previous
        self.new = new

    def _apply(self, forward: bool) -> None:
        self.session.report.set_previous(self.new if forward else self.old)
