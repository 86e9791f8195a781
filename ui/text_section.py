"""The narrative sections (一、五、六): official title, the format's hint, text, character count.

The tab's content is made when it is first shown (:class:`ui.section_page.SectionPage`); the
text fields are :mod:`ui.text_edit`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QVBoxLayout

from ui.section_page import SectionPage

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLabel

    from ui.text_edit import PrefaceField, SessionTextEdit
    from ui.text_limit import LimitCounter


class TextSectionEditor(SectionPage):
    """A narrative tab (一、五、六): title, hint, the text and its character count. The tab of the
    section printed first also holds the 导语, printed before it."""

    _editor: SessionTextEdit
    _preface: PrefaceField | None
    _counter: LimitCounter
    _count: QLabel

    @property
    def editor(self) -> SessionTextEdit:
        self.build()
        return self._editor

    @property
    def preface(self) -> PrefaceField | None:
        self.build()
        return self._preface

    @property
    def counter(self) -> LimitCounter:
        self.build()
        return self._counter

    @property
    def count(self) -> QLabel:
        self.build()
        return self._count

    def _build(self, layout: QVBoxLayout) -> None:
        from PySide6.QtGui import QFont
        from PySide6.QtWidgets import QHBoxLayout, QLabel

        from ui.text_edit import PrefaceField, SessionTextEdit

        session, section = self.session, self.section
        self._preface = None
        if session.report.template.sections[0] is section:
            self._preface = PrefaceField(session)
            layout.insertWidget(0, self._preface)
        self._editor = SessionTextEdit(session, section.key)
        font = QFont(self._editor.font())
        font.setPointSizeF(font.pointSizeF() + 1.5)
        self._editor.setFont(font)
        self._editor.setPlaceholderText(f"在此填写“{section.title}”的内容……")
        layout.addWidget(self._editor, 1)
        bottom = QHBoxLayout()
        self._counter = self._editor.counter
        bottom.addWidget(self._counter)
        bottom.addStretch(1)
        self._count = QLabel()
        self._count.setStyleSheet("color: #4A5868;")
        bottom.addWidget(self._count)
        layout.addLayout(bottom)
        self._update_count()
        self._editor.textChanged.connect(self._update_count)

    def text(self) -> str:
        return self.editor.toPlainText()

    def _update_count(self) -> None:
        from ui.text_edit import count_chars

        text = self._editor.toPlainText()
        paragraphs = sum(1 for line in text.splitlines() if line.strip())
        self._count.setText(f"{paragraphs} 段  共 {count_chars(text)} 字（含标点，不含空格）")
