"""The text fields bound to the report: a narrative section's text, or the 导语.

Typing goes into the session's undo stack (consecutive keystrokes merge into one step per
pause), so Ctrl+Z in the text undoes exactly like everywhere else in the window. Imported when a
narrative tab is first built (``ui.text_section``), not at start-up.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QFont, QHelpEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPlainTextEdit, QTextEdit, QToolTip, QVBoxLayout, QWidget

from models.limits import MAX_TEXT_CHARS
from models.normalise import squash
from models.report import PREFACE, PREFACE_LABEL
from ui import theme
from ui.section_page import UndoKeysToWindow, hint_label
from ui.session import DocumentSession
from ui.text_limit import LimitCounter, PlainTextLimit


def count_chars(text: str) -> int:
    """Characters as a Chinese editor counts them: everything but whitespace."""
    return sum(1 for ch in text if not ch.isspace())


def locate(text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` is in ``text``, compared as the checker reads narratives (NFKC, blanks
    ignored, see :func:`models.normalise.squash`): (start, end) in ``text``, or None."""
    squashed: list[str] = []
    origin: list[int] = []  # position in text of each squashed character
    for i, ch in enumerate(text):
        if ch.isspace() and ch != "\n":
            continue
        for c in squash(ch, keep_lines=True) or ("\n" if ch == "\n" else ""):
            squashed.append(c)
            origin.append(i)
    needle = squash(quote, keep_lines=True)
    at = "".join(squashed).find(needle) if needle else -1
    if at < 0:
        return None
    return origin[at], origin[at + len(needle) - 1] + 1


class SessionTextEdit(QPlainTextEdit):
    """A plain-text field bound to one text of the report (a section's, or the 导语).

    Typing goes into the session's undo stack (consecutive keystrokes merge into one step per
    pause); undo/redo shows the change with the cursor where it happened.
    """

    limitHit = Signal(str)  # a message: what arrived past the limit was not taken

    def __init__(self, session: DocumentSession, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.key = key
        self._updating = False
        self.setUndoRedoEnabled(False)  # the session's stack is the only undo
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setPlainText(session.report.text(key))
        # Before textChanged reaches the report: the report never holds more than a file can.
        self.limit = PlainTextLimit(self, MAX_TEXT_CHARS)
        self.limit.trimmed.connect(lambda n: self.limitHit.emit(
            f"已达上限 {MAX_TEXT_CHARS:,} 字，多出的 {n:,} 字未输入（报告文件最多保存这么多）"))
        self.counter = LimitCounter(MAX_TEXT_CHARS)
        self.textChanged.connect(lambda: self.counter.update_for(self.limit.length()))
        self.counter.update_for(self.limit.length())
        self._keys = UndoKeysToWindow(self)
        self.installEventFilter(self._keys)
        self.textChanged.connect(self._on_edited)
        session.textChanged.connect(self._on_session_text)
        # Findings about a few characters of the text (a figure left from last year's): marked.
        self._marks: list[tuple[int, int, str]] = []
        session.resultChanged.connect(self._mark_findings)
        self._mark_findings()

    # ------------------------------------------------------------------ marked findings

    def _mark_findings(self) -> None:
        text = self.session.report.text(self.key)
        selections: list[QTextEdit.ExtraSelection] = []
        marks: list[tuple[int, int, str]] = []
        for f in self.session.result.for_section(self.key):
            if f.span is None or not f.is_open or f.span[1] > len(text):
                continue
            start, end = _utf16(text, f.span[0]), _utf16(text, f.span[1])
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(theme.SEVERITY_BG[f.severity])
            selection.format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            selection.format.setUnderlineColor(theme.SEVERITY_FG[f.severity])
            cursor = QTextCursor(self.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selections.append(selection)
            marks.append((start, end, f.message))
        if marks or self._marks:
            self.setExtraSelections(selections)
        self._marks = marks

    @property
    def marked(self) -> list[tuple[int, int, str]]:
        """(start, end, message) of every marked span (document positions)."""
        return list(self._marks)

    def select_span(self, start: int, end: int) -> None:
        """Select characters ``start``–``end`` of the report's text (a finding's span)."""
        text = self.toPlainText()
        cursor = self.textCursor()
        cursor.setPosition(_utf16(text, min(start, len(text))))
        cursor.setPosition(_utf16(text, min(end, len(text))), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip and self._marks and isinstance(event, QHelpEvent):
            at = self.cursorForPosition(event.pos()).position()
            message = next((m for a, b, m in self._marks if a <= at <= b), None)
            if message:
                QToolTip.showText(event.globalPos(), message, self)
                return True
        return super().viewportEvent(event)

    def _on_edited(self) -> None:
        if not self._updating:
            self.session.set_text(self.key, self.toPlainText())

    def select_quote(self, quote: str, number: object = None) -> bool:
        """Select ``quote`` in the text — only ``number`` in it, when it holds that figure
        (what a clerk must look at: 收到申请 **12** 件) — and bring it into view."""
        span = locate(self.toPlainText(), quote)
        if span is None:
            return False
        start, end = span
        if isinstance(number, int) and not isinstance(number, bool):
            inner = locate(self.toPlainText()[start:end], str(number))
            if inner is not None:
                start, end = start + inner[0], start + inner[1]
        cursor = self.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        return True

    def _on_session_text(self, key: str) -> None:
        """Undo/redo changed the text: show it, cursor where the change was."""
        if key != self.key:
            return
        new = self.session.report.text(key)
        old = self.toPlainText()
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
            self.setPlainText(new)
            cursor = self.textCursor()
            cursor.setPosition(len(new) - suffix, QTextCursor.MoveMode.MoveAnchor)
            self.setTextCursor(cursor)
            self.ensureCursorVisible()
        finally:
            self._updating = False


def _utf16(text: str, index: int) -> int:
    """A Python index into ``text`` as a Qt document position (UTF-16 units)."""
    head = text[:index]
    return index if head.isascii() or all(ord(ch) < 0x10000 for ch in head) else len(head.encode("utf-16-le")) // 2


PREFACE_HINT = "可选。印在报告标题之后、“一、总体情况”之前，不加标题。"
PREFACE_EXAMPLE = ("如：本报告根据《中华人民共和国政府信息公开条例》编制。……本报告中所列数据的统计期限自某年1月1日起至"
                   "12月31日止。如对本报告有疑问，请与……联系。")
PREFACE_LINES = 3  # the field stays compact; longer text scrolls


class PrefaceField(QWidget):
    """The opening paragraph (导语) above 一's own text: a label, the hint, a compact field."""

    def __init__(self, session: DocumentSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.setSpacing(4)
        top = QHBoxLayout()
        title = QLabel(f"{PREFACE_LABEL}（报告开头的说明）")
        font = QFont(title.font())
        font.setBold(True)
        title.setFont(font)
        top.addWidget(title)
        top.addWidget(hint_label(PREFACE_HINT), 1)
        layout.addLayout(top)
        self.editor = SessionTextEdit(session, PREFACE)
        self.counter = self.editor.counter
        top.addWidget(self.counter)
        self.editor.setPlaceholderText(PREFACE_EXAMPLE)
        metrics = self.editor.fontMetrics()
        margins = self.editor.contentsMargins()
        doc_margin = 2 * self.editor.document().documentMargin()
        self.editor.setFixedHeight(int(metrics.lineSpacing() * PREFACE_LINES + doc_margin
                                       + margins.top() + margins.bottom() + 2))
        layout.addWidget(self.editor)
