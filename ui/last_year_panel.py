"""上年正文: a side panel with last year's text of the section being written.

Read-only and copyable: the clerk writes this year's text from it. It follows the current tab
(on 一's tab the 导语 comes first, as printed) and the report's linked last year.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from models.report import PREFACE, PREFACE_LABEL
from ui.session import DocumentSession

NO_LAST_YEAR = "尚未关联上年报告。\n\n用“文件 → 从上年报告新建…”开始本年报告，或用“检查 → 关联上年报告…”选择上年的报告，这里就会显示上年相应部分的正文，供对照起草。"
TABLE_HINT = "这是表格栏目。\n\n要对照上年的数字：把鼠标指向单元格可看上年数值和增减；“视图 → 显示上年数据”在每个单元格中显示上年数值。"


class LastYearPanel(QDockWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("上年正文", parent)
        self.setObjectName("last_year_panel")
        self.session: DocumentSession | None = None
        self.section = ""
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 4, 6, 6)
        top = QHBoxLayout()
        self.heading = QLabel("")
        self.heading.setWordWrap(True)
        font = QFont(self.heading.font())
        font.setBold(True)
        self.heading.setFont(font)
        top.addWidget(self.heading, 1)
        self.copy_button = QPushButton("复制全部")
        self.copy_button.setToolTip("把上年这一部分的正文复制到剪贴板")
        self.copy_button.clicked.connect(self.copy_all)
        top.addWidget(self.copy_button)
        layout.addLayout(top)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)  # selectable and copyable with Ctrl+C, never edited
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.text.setStyleSheet("QPlainTextEdit { background: #F7F8FA; color: #2B3440; }")
        layout.addWidget(self.text, 1)
        self.setWidget(body)
        self.setMinimumWidth(240)

    def set_session(self, session: DocumentSession) -> None:
        if self.session is not None:
            try:
                self.session.previousChanged.disconnect(self.refresh)
            except (RuntimeError, TypeError):
                pass
        self.session = session
        session.previousChanged.connect(self.refresh)
        self.refresh()

    def show_section(self, section: str) -> None:
        """The tab now shown (``""``: the basic-data tab)."""
        self.section = section
        self.refresh()

    def refresh(self) -> None:
        session = self.session
        last = session.report.previous if session is not None else None
        if session is None or last is None:
            self._show("上年正文", NO_LAST_YEAR, placeholder=True)
            return
        template = session.report.template
        if not self.section or not template.has_section(self.section):
            self._show(f"上年报告：{last.describe()}", "选择“一、总体情况”等叙述栏目，这里显示上年相应部分的正文。",
                       placeholder=True)
            return
        section = template.section(self.section)
        if section.is_table:
            self._show(f"上年报告：{last.describe()}", TABLE_HINT, placeholder=True)
            return
        parts = []
        if template.sections[0] is section and last.texts.get(PREFACE):
            parts.append(f"【{PREFACE_LABEL}】\n{last.texts[PREFACE]}\n\n【{section.title}】")
        text = last.texts.get(section.key, "")
        parts.append(text or "（上年报告这一部分没有正文）")
        year = f"{last.year} 年" if last.year is not None else "上年"
        self._show(f"{year}的“{section.title}”", "\n".join(parts), placeholder=not text)
        self.text.setToolTip(f"来自{last.describe()}；只读，可选中复制")

    def _show(self, heading: str, text: str, *, placeholder: bool) -> None:
        self.heading.setText(heading)
        if self.text.toPlainText() != text:
            self.text.setPlainText(text)
        self.copy_button.setEnabled(not placeholder)

    def copy_all(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())
