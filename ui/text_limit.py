"""Text fields that stop at the limits of :mod:`models.limits`, with a counter near them.

A line edit has ``maxLength``; a plain-text field gets :class:`PlainTextLimit`, which trims
whatever arrives past the limit (typing, paste, drop, an input method's commit) at the place it
arrived, so the report never holds more than a file can. :class:`LimitCounter` shows
``还可输入 N 字`` once a field is ``COUNTER_FROM`` full.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QWidget

from models.limits import counter_text


class LimitCounter(QLabel):
    """``还可输入 1,234 字（上限 500,000）``, shown only near the limit."""

    def __init__(self, max_chars: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.max_chars = max_chars
        self.setStyleSheet("color: #8A5A00;")
        self.setVisible(False)

    def update_for(self, length: int) -> None:
        text = counter_text(length, self.max_chars)
        self.setText(text or "")
        self.setVisible(text is not None)


def limit_line_edit(edit: QLineEdit, max_chars: int, parent: QWidget | None = None) -> LimitCounter:
    """Give ``edit`` its limit and a counter (to be placed by the caller)."""
    edit.setMaxLength(max_chars)
    counter = LimitCounter(max_chars, parent)
    edit.textChanged.connect(lambda text: counter.update_for(len(text)))
    counter.update_for(len(edit.text()))
    return counter


class PlainTextLimit(QObject):
    """Keeps a QPlainTextEdit within ``max_chars``; ``trimmed(n)`` says how many were refused.

    Connected to the document's ``contentsChange`` (before the field's own ``textChanged``
    handlers see the text), so what reaches the report is already within the limit.
    """

    trimmed = Signal(int)

    def __init__(self, edit: QPlainTextEdit, max_chars: int) -> None:
        super().__init__(edit)
        self.edit = edit
        self.max_chars = max_chars
        self._busy = False
        edit.document().contentsChange.connect(self._changed)

    def length(self) -> int:
        return len(self.edit.toPlainText())

    def _changed(self, position: int, _removed: int, added: int) -> None:
        if self._busy or not added:
            return
        if self.edit.document().characterCount() - 1 <= self.max_chars:
            return  # UTF-16 units (minus the final paragraph mark) never undercount characters
        excess = self.length() - self.max_chars
        if excess <= 0:
            return
        self._busy = True
        refused = 0
        try:
            doc = self.edit.document()
            end = position + added
            while excess > 0 and end > position:
                # Qt counts UTF-16 units, Python characters: trim, then measure again.
                take = min(excess, end - position)
                cursor = QTextCursor(doc)
                cursor.setPosition(end - take)
                cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                refused += len(cursor.selectedText())
                cursor.removeSelectedText()
                end -= take
                excess = self.length() - self.max_chars
        finally:
            self._busy = False
        if refused:
            self.trimmed.emit(refused)
