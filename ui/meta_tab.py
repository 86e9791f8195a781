"""The basic-data tab: 机关名称, 年度, 机关层级, 落款日期, and the format version (read-only)."""

from __future__ import annotations

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models.limits import MAX_AGENCY_CHARS
from models.report import LEVELS
from ui.section_page import UndoKeysToWindow, hint_label, section_heading
from ui.session import DocumentSession
from ui.text_limit import limit_line_edit

PUBLISHED_WIDTH = 640  # a published title wraps at this width, shown whole
_NO_DATE = QDate(2000, 1, 1)  # shown as “未填写”


def signing_month(report_year: int | None, today: QDate) -> tuple[int, int]:
    """Where the 落款日期 calendar opens: January after the year reported on (reports are signed
    and published in January), or this month while the report has no year."""
    if report_year is None:
        return today.year(), today.month()
    return report_year + 1, 1


class MetaTab(QWidget):
    def __init__(self, session: DocumentSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._updating = False
        template = session.report.template
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.addWidget(section_heading("报告基本信息"))
        outer.addWidget(hint_label("机关名称和年度组成报告标题；机关层级用于核对“规章”等只有部分机关才有的数据。"))
        box = QGroupBox()
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(10)
        keys = UndoKeysToWindow(self)

        self.agency = QLineEdit()
        self.agency.setPlaceholderText("如：某某市某某局")
        self.agency.setMinimumWidth(420)
        self.agency.installEventFilter(keys)
        self.agency.textEdited.connect(lambda text: self._set("agency", text.strip()))
        self.agency_counter = limit_line_edit(self.agency, MAX_AGENCY_CHARS)
        agency_row = QHBoxLayout()
        agency_row.addWidget(self.agency)
        agency_row.addWidget(self.agency_counter)
        form.addRow("机关名称：", agency_row)

        self.year = QSpinBox()
        self.year.setRange(1990, 2100)
        self.year.setSuffix(" 年")
        self.year.setSpecialValueText("未填写")  # the minimum stands for “no year yet”
        self.year.setMinimumWidth(120)
        self.year.installEventFilter(keys)
        self.year.valueChanged.connect(
            lambda v: self._set("year", None if v == self.year.minimum() else int(v)))
        form.addRow("报告年度：", self.year)

        self.level = QComboBox()
        self.level.addItem("（未选择）", None)
        for key, label in LEVELS.items():
            self.level.addItem(label, key)
        self.level.currentIndexChanged.connect(lambda _i: self._set("level", self.level.currentData()))
        form.addRow("机关层级：", self.level)

        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy年M月d日")
        self.date.setMinimumDate(_NO_DATE)
        self.date.setSpecialValueText("未填写")
        self.date.setMinimumWidth(160)
        self.date.dateChanged.connect(self._date_changed)
        self.date.calendarWidget().installEventFilter(self)  # opens on today's month, not on 2000
        form.addRow("落款日期：", self.date)

        self.title = QLabel()
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("报告标题：", self.title)
        self.published = QLabel()
        self.published.setWordWrap(True)
        self.published.setMinimumWidth(PUBLISHED_WIDTH)
        self.published.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.published_label = QLabel("原文标题：")
        form.addRow(self.published_label, self.published)
        fmt = QLabel(f"{template.name}（{template.source}），{template.first_year} 年起适用")
        fmt.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        fmt.setStyleSheet("color: #4A5868;")
        form.addRow("格式版本：", fmt)
        self.format_label = fmt
        box.setMaximumWidth(900)
        outer.addWidget(box)
        outer.addStretch(1)
        self.refresh()
        session.metaChanged.connect(self.refresh)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Show and watched is self.date.calendarWidget() and self.date.date() == _NO_DATE:
            year, month = signing_month(self.session.report.meta.year, QDate.currentDate())
            self.date.calendarWidget().setCurrentPage(year, month)
        return False

    def _set(self, field: str, value: object) -> None:
        if not self._updating:
            self.session.set_meta(field, value)

    def _date_changed(self, d: QDate) -> None:
        self._set("date", None if d == _NO_DATE else d.toString("yyyy-MM-dd"))

    def refresh(self) -> None:
        meta = self.session.report.meta
        self._updating = True
        try:
            if self.agency.text().strip() != meta.agency:
                self.agency.setText(meta.agency)
            self.year.setValue(meta.year if meta.year is not None else self.year.minimum())
            index = self.level.findData(meta.level) if meta.level else 0
            self.level.setCurrentIndex(max(index, 0))
            parsed = QDate.fromString(meta.date or "", "yyyy-MM-dd")
            self.date.setDate(parsed if parsed.isValid() else _NO_DATE)
            self.title.setText(self.session.report.title if meta.agency else "（请填写机关名称）")
            self.published.setText(meta.title or "")
            # The form keeps fields at their size hint: give a long title the lines it wraps to.
            # (heightForWidth is -1 for an empty label: Qt warns of a negative size)
            self.published.setMinimumHeight(max(0, self.published.heightForWidth(PUBLISHED_WIDTH)))
            self.published.setVisible(bool(meta.title))
            self.published_label.setVisible(bool(meta.title))
        finally:
            self._updating = False
