"""从上年报告新建: pick last year's report in any form, see what was read, choose the year.

The dialog reads the file in the background (a PDF or a big web page takes a moment) and shows
what it found — the agency, the year, the format, the figures that will be carried over — so the
clerk sees before creating anything that last year's 结转下年度 was read. Nothing here decides
a business rule: what is carried over comes from :mod:`models.year_cycle`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models.last_year import SourceFile
from models.report import LEVELS, Report
from models.template import template_for_year
from models.year_cycle import YearCycleError, describe_carried, future_year, new_from_last
from ui.tasks import Task, run_in_background

ERROR_STYLE = "color: #8A1F11;"
QUIET_STYLE = "color: #4A5868;"
NOTE_STYLE = "color: #7A4B00;"  # what the clerk must know before creating (another year, blanks)


def open_filter() -> str:
    """Every form ``importers.read_report`` reads, from its own list (Word and PDF once they land)."""
    from importers import SUFFIXES

    patterns = " ".join(f"*{s}" for s in SUFFIXES)
    return f"上年的报告（{'、'.join(dict.fromkeys(SUFFIXES.values()))}） ({patterns});;所有文件 (*)"


@dataclass(frozen=True)
class Read:
    """Last year's report as read, and its file's name and hash."""

    report: Report
    source: SourceFile | None
    problems: int  # import findings that need a look (warnings and errors)


def read_last_year(path: str) -> Read:
    """Read last year's report (runs off the GUI thread). Raises with a Chinese message."""
    from importers import read_report
    from models.previous import source_of

    imported = read_report(path)
    problems = sum(1 for f in imported.findings if f.severity != "info")
    return Read(imported.report, source_of(path), problems)


@dataclass(frozen=True)
class NewFromLastChoice:
    path: str
    last: Report
    source: SourceFile | None
    year: int
    copy_texts: bool


class NewFromLastDialog(QDialog):
    """文件 → 从上年报告新建…"""

    def __init__(self, parent: QWidget | None, directory: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("new_from_last_dialog")
        self.setWindowTitle("从上年报告新建")
        self.directory = directory
        self.read: Read | None = None
        self.task: Task | None = None
        layout = QVBoxLayout(self)
        intro = QLabel("选择上一年度的报告（报告文件、Excel 工作簿、已发布年报的文本、网页、Word 或 PDF）。"
                       "新报告沿用机关名称和层级，“上年结转”取上年的“结转下年度继续办理”，其余数字留空待填。")
        intro.setWordWrap(True)
        intro.setStyleSheet(QUIET_STYLE)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        self.path.setPlaceholderText("尚未选择文件")
        self.path.setMinimumWidth(380)
        self.browse = QPushButton("选择文件(&B)…")
        self.browse.clicked.connect(self._browse)
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        layout.addLayout(row)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        form = QFormLayout()
        self.agency = QLabel("—")
        self.last_year = QLabel("—")
        self.carried = QLabel("—")
        for label in (self.agency, self.last_year, self.carried):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.year = QSpinBox()
        self.year.setRange(1990, 2100)
        self.year.setSuffix(" 年")
        self.year.setEnabled(False)
        self.year.valueChanged.connect(self._update_preview)
        self.format = QLabel("—")
        self.format.setWordWrap(True)
        self.copy_texts = QCheckBox("以上年正文作为起草基础（来自上年表格的数字会标出，改为本年数字前一直提示）")
        self.copy_texts.setChecked(False)
        self.copy_texts.setEnabled(False)
        form.addRow("机关名称：", self.agency)
        form.addRow("上年报告：", self.last_year)
        form.addRow("从上年结转：", self.carried)
        form.addRow("新报告年度：", self.year)
        form.addRow("报告格式：", self.format)
        layout.addLayout(form)
        layout.addWidget(self.copy_texts)
        self.notes = QLabel("")
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet(NOTE_STYLE)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.notes)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("新建")
        self.ok.setEnabled(False)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(620, 0)

    # ------------------------------------------------------------------ reading

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择上年的报告", self.directory, open_filter())
        if path:
            self.load(path)

    def load(self, path: str) -> Task:
        """Read ``path`` in the background; the dialog shows what was read, or why not."""
        self.path.setText(path)
        self.directory = str(Path(path).parent)
        self.read = None
        self.ok.setEnabled(False)
        self.year.setEnabled(False)
        self.copy_texts.setEnabled(False)
        self.browse.setEnabled(False)
        self.status.setStyleSheet(QUIET_STYLE)
        self.status.setText(f"正在读取“{Path(path).name}”……")
        self.task = run_in_background(self, lambda: read_last_year(path), self._read, self._failed)
        return self.task

    def done(self, result: int) -> None:
        """取消 or closing while a file is being read stops the read too."""
        if self.task is not None and self.task.running:
            self.task.cancel()
        super().done(result)

    def _read(self, read: Read) -> None:
        self.browse.setEnabled(True)
        self.read = read
        report = read.report
        meta = report.meta
        self.agency.setText(meta.agency or "（未读到机关名称，新建后请在“基本信息”中填写）")
        level = f"，{LEVELS[meta.level]}" if meta.level in LEVELS else ""
        self.last_year.setText(f"{meta.year or '未读到'} 年度，{report.template.label}{level}")
        found = f"，{read.problems} 处读取时需要核对" if read.problems else ""
        self.read_status = f"已读取“{Path(self.path.text()).name}”{found}。"
        self.status.setText(self.read_status)
        self.year.setEnabled(True)
        self.copy_texts.setEnabled(any(report.texts.values()))
        self.year.blockSignals(True)
        self.year.setValue(meta.year + 1 if meta.year else date.today().year - 1)  # editable
        self.year.blockSignals(False)
        self._update_preview()

    def _failed(self, exc: BaseException) -> None:
        self.browse.setEnabled(True)
        self.read = None
        self.status.setStyleSheet(ERROR_STYLE)
        message = str(exc) if type(exc).__name__ in ("ImportFailed", "ReportFileError") else (
            f"读取时出错（{type(exc).__name__}）：{exc}")
        self.status.setText(f"无法读取：{message}")
        for label in (self.agency, self.last_year, self.carried, self.format):
            label.setText("—")
        self.ok.setEnabled(False)

    def _update_preview(self) -> None:
        """What the new report will be for the year chosen: its format, what it carries over."""
        if self.read is None:
            return
        year = self.year.value()
        template = template_for_year(year)
        try:
            made = new_from_last(self.read.report, year=year)
        except YearCycleError as exc:  # no format for that year, or not after last year's
            self.status.setStyleSheet(ERROR_STYLE)
            self.status.setText(str(exc))
            self.format.setText("—")
            self.carried.setText("—")
            self.notes.setText("")
            self.ok.setEnabled(False)
            return
        self.status.setStyleSheet(QUIET_STYLE)
        self.status.setText(self.read_status)
        assert template is not None
        self.format.setText(f"{template.label}（{template.source}）")
        lines = describe_carried(made.report.template, made.carried)
        self.carried.setText("\n".join(lines) if lines else "无（上年报告没有可结转的数字）")
        self.notes.setText("\n".join(f"注意：{n}" for n in made.notes))
        self.ok.setEnabled(True)

    def accept(self) -> None:
        """新建: a year that has not begun yet is asked about first (the file picked may be this
        year's own report)."""
        from ui import dialogs

        year = self.year.value()
        if self.read is not None and future_year(year):
            last = self.read.report.meta.year or "未知"
            question = (f"{year} 年度还没有到：所选的报告是 {last} 年度的，从它新建的是 {year} 年度的报告。\n"
                        f"如果所选的就是本年度的报告，请改选上一年度的报告。\n\n仍要新建 {year} 年度的报告吗？")
            if not dialogs.ask_yes_no(self, "从上年报告新建", question, yes="仍要新建", no="返回修改"):
                return
        super().accept()

    def choice(self) -> NewFromLastChoice | None:
        if self.read is None:
            return None
        return NewFromLastChoice(self.path.text(), self.read.report, self.read.source, self.year.value(),
                                 self.copy_texts.isChecked())
