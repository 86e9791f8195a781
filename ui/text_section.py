"""The narrative sections (一、五、六): official title, the format's hint, text, character count.

Typing goes into the session's undo stack (consecutive keystrokes merge into one step per
pause), so Ctrl+Z in the text undoes exactly like everywhere else in the window.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QKeyEvent, QKeySequence, QTextCursor
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from models.template import SectionSpec
from ui.session import DocumentSession


class UndoKeysToWindow(QObject):
    """Let Ctrl+Z / Ctrl+Y reach the window's undo actions instead of a text widget's own stack."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and (
            event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo)
        ):
            event.ignore()  # not overridden: the window's shortcut fires
            return True
        return False


def section_page_layout(page: QWidget, section: SectionSpec) -> QVBoxLayout:
    """The layout every section tab starts with: the official title, then the template's hint."""
    layout = QVBoxLayout(page)
    layout.setContentsMargins(16, 12, 16, 8)
    layout.addWidget(section_heading(section.title))
    if section.hint:
        layout.addWidget(hint_label(section.hint))
    return layout


def section_heading(text: str) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() + 3)
    font.setBold(True)
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def hint_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #4A5868;")
    return label


def count_chars(text: str) -> int:
    """Characters as a Chinese editor counts them: everything but whitespace."""
    return sum(1 for ch in text if not ch.isspace())


class TextSectionEditor(QWidget):
    def __init__(self, session: DocumentSession, section: SectionSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.section = section
        self._updating = False
        layout = section_page_layout(self, section)
        self.editor = QPlainTextEdit()
        self.editor.setUndoRedoEnabled(False)  # the session's stack is the only undo
        self.editor.setFrameShape(QFrame.Shape.StyledPanel)
        font = QFont(self.editor.font())
        font.setPointSizeF(font.pointSizeF() + 1.5)
        self.editor.setFont(font)
        self.editor.setPlaceholderText(f"在此填写“{section.title}”的内容……")
        self.editor.setPlainText(session.report.text(section.key))
        self._keys = UndoKeysToWindow(self)
        self.editor.installEventFilter(self._keys)
        layout.addWidget(self.editor, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.count = QLabel()
        self.count.setStyleSheet("color: #4A5868;")
        bottom.addWidget(self.count)
        layout.addLayout(bottom)
        self._update_count()
        self.editor.textChanged.connect(self._on_edited)
        session.textChanged.connect(self._on_session_text)

    def text(self) -> str:
        return self.editor.toPlainText()

    def _update_count(self) -> None:
        text = self.editor.toPlainText()
        paragraphs = sum(1 for line in text.splitlines() if line.strip())
        self.count.setText(f"{paragraphs} 段  共 {count_chars(text)} 字（含标点，不含空格）")

    def _on_edited(self) -> None:
        self._update_count()
        if not self._updating:
            self.session.set_text(self.section.key, self.editor.toPlainText())

    def _on_session_text(self, section: str) -> None:
        """Undo/redo changed the text: show it, cursor where the change was."""
        if section != self.section.key:
            return
        new = self.session.report.text(section)
        old = self.editor.toPlainText()
        if new == old:
            return
        prefix = 0
        for a, b in zip(old, new, strict=False):
            if a != b:
                break
            prefix += 1
        suffix = 0
        while suffix < min(len(old), len(new)) - prefix and old[-1 - suffix] == new[-1 - suffix]:
            suffix += 1
        self._updating = True
        try:
            self.editor.setPlainText(new)
            cursor = self.editor.textCursor()
            cursor.setPosition(len(new) - suffix, QTextCursor.MoveMode.MoveAnchor)
            self.editor.setTextCursor(cursor)
            self.editor.ensureCursorVisible()
        finally:
            self._updating = False
        self._update_count()
