"""文件 → 汇总多个报告…: sum units' reports into one summary report.

The user lists the units' reports (files, folders, .zip), names the summarising agency, may fix
the year, and picks the output (.xlsx with 分单位明细, .json or .pdf). Reading and summing run in
a pool thread with a progress bar and 取消; a refusal (other years or formats, a unit twice, an
unreadable file) is shown in full and nothing is written.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from batch.rollup import ROLLUP_SUFFIXES, check_target, read_rollup, write_rollup
from models.findings import SEVERITY_LABEL
from models.progress import Cancelled
from models.progress import current as current_progress
from models.rollup import Rollup, RollupRefused
from ui import dialogs, theme
from ui.tasks import Task, run_in_background

OUTPUT_FILTER = ";;".join([
    "Excel 工作簿，含分单位明细 (*.xlsx)", "年报编辑器报告 (*.json)", "PDF 文件 (*.pdf)",
])
REPORT_FILTER = "报告及可导入的文件 (*.json *.txt *.html *.htm *.xlsx *.docx *.pdf *.zip)"


class RollupDialog(QDialog):
    """``open_report(path)`` opens the written summary in the editor (the 打开 button)."""

    def __init__(self, parent: QWidget | None = None, *, start_dir: str = "",
                 open_report: Callable[[str], object] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("汇总多个报告")
        self.setObjectName("rollup_dialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.start_dir = start_dir
        self.open_report = open_report
        self.task: Task | None = None
        self.written: str | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("把各单位同一年度的报告逐项相加，生成一份汇总报告。某单位未填写的单元格，"
                                "汇总数留空并列出该单位（不按 0 计算）。"))
        self.inputs = QListWidget()
        self.inputs.setObjectName("rollup_inputs")
        self.inputs.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        row = QHBoxLayout()
        row.addWidget(self.inputs, 1)
        side = QVBoxLayout()
        for text, slot in (("添加报告(&F)…", self.add_files), ("添加文件夹(&D)…", self.add_folder),
                           ("移除(&R)", self.remove_selected)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            side.addWidget(button)
        side.addStretch(1)
        row.addLayout(side)
        layout.addLayout(row, 1)
        form = QFormLayout()
        self.agency = QLineEdit()
        self.agency.setPlaceholderText("如：某某县人民政府")
        form.addRow("汇总报告的机关名称(&A)：", self.agency)
        self.year = QComboBox()
        self.year.addItem("按报告的年度（须一致）", None)
        this_year = datetime.date.today().year
        for y in range(this_year, this_year - 10, -1):
            self.year.addItem(f"{y} 年", y)
        form.addRow("年度(&Y)：", self.year)
        out_row = QHBoxLayout()
        self.output = QLineEdit()
        self.output.setPlaceholderText("汇总报告保存为 .xlsx（含分单位明细）、.json 或 .pdf")
        browse = QPushButton("浏览(&B)…")
        browse.clicked.connect(self.choose_output)
        out_row.addWidget(self.output, 1)
        out_row.addWidget(browse)
        form.addRow("保存为(&O)：", out_row)
        layout.addLayout(form)
        progress = QHBoxLayout()
        self.bar = QProgressBar()
        self.cancel_button = QPushButton("取消(&C)")
        self.cancel_button.clicked.connect(self.cancel)
        progress.addWidget(self.bar, 1)
        progress.addWidget(self.cancel_button)
        self.progress_row = QWidget()
        self.progress_row.setLayout(progress)
        progress.setContentsMargins(0, 0, 0, 0)
        self.progress_row.hide()
        layout.addWidget(self.progress_row)
        self.messages = QPlainTextEdit()
        self.messages.setReadOnly(True)
        self.messages.setMaximumHeight(140)
        self.messages.setPlaceholderText("汇总结果和需要核对的问题显示在这里")
        layout.addWidget(self.messages)
        self.buttons = QDialogButtonBox()
        self.run_button = self.buttons.addButton("汇总(&S)", QDialogButtonBox.ButtonRole.AcceptRole)
        self.run_button.setIcon(theme.std_icon("SP_DialogApplyButton"))
        self.open_button = self.buttons.addButton("打开汇总报告", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.setEnabled(False)
        close = self.buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        self.run_button.clicked.connect(self.run)
        self.open_button.clicked.connect(self._open_written)
        close.clicked.connect(self.close)
        layout.addWidget(self.buttons)
        self.resize(720, 560)

    # ------------------------------------------------------------------ inputs

    def add_paths(self, paths: list[str]) -> None:
        present = {self.inputs.item(i).text() for i in range(self.inputs.count())}
        for p in paths:
            if p and p not in present:
                self.inputs.addItem(p)
                present.add(p)

    def add_files(self) -> None:
        paths = dialogs.get_open_paths(self, "添加单位的报告（可按住 Ctrl 或 Shift 多选）", self.start_dir, REPORT_FILTER)
        if paths:
            self.add_paths(paths)
            self.start_dir = str(Path(paths[0]).parent)

    def add_folder(self) -> None:
        folder = dialogs.get_folder(self, "添加文件夹（其中所有报告）", self.start_dir)
        if folder:
            self.add_paths([folder])
            self.start_dir = folder

    def remove_selected(self) -> None:
        for item in self.inputs.selectedItems():
            self.inputs.takeItem(self.inputs.row(item))

    def choose_output(self) -> None:
        name = (self.agency.text().strip() or "汇总") + "政府信息公开工作年度报告（汇总）.xlsx"
        path = dialogs.get_save_path(self, "汇总报告保存为", str(Path(self.start_dir or Path.home()) / name),
                                     OUTPUT_FILTER)
        if path:
            if Path(path).suffix.lower() not in ROLLUP_SUFFIXES:
                path += ".xlsx"
            self.output.setText(path)

    # ------------------------------------------------------------------ running

    def paths(self) -> list[str]:
        return [self.inputs.item(i).text() for i in range(self.inputs.count())]

    def run(self) -> Task | None:
        if self.task is not None and self.task.running:
            return None
        paths, agency, out = self.paths(), self.agency.text().strip(), self.output.text().strip()
        problem = ("请先添加各单位的报告" if not paths else "请填写汇总报告的机关名称" if not agency
                   else "请选择汇总报告的保存位置" if not out else None)
        if problem is None:
            try:
                check_target(out)
            except RollupRefused as exc:
                problem = str(exc)
        if problem is not None:
            self.messages.setPlainText(problem)
            return None
        year = self.year.currentData()

        def op() -> Rollup:
            progress = current_progress()
            cancelled = (lambda: progress.cancelled) if progress is not None else None
            rollup = read_rollup(paths, agency, year, cancelled=cancelled,
                                 progress=progress.count if progress is not None else None)
            if rollup is None or (progress is not None and progress.cancelled):
                raise Cancelled  # nothing written
            write_rollup(rollup, out)
            return rollup

        self.task = run_in_background(self, op, lambda rollup: self._done(rollup, out), self._failed,
                                      self._cancelled)
        self.task.counted.connect(self._progress)
        self.written = None
        self.open_button.setEnabled(False)
        self.messages.setPlainText("正在读取各单位的报告……")
        self._running(True)
        return self.task

    def cancel(self) -> None:
        if self.task is not None and self.task.running:
            self.task.cancel()
            self.cancel_button.setEnabled(False)

    def _running(self, on: bool) -> None:
        self.progress_row.setVisible(on)
        self.cancel_button.setEnabled(on)
        self.run_button.setEnabled(not on)
        if on:
            self.bar.setRange(0, 0)

    @Slot(int, int)
    def _progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.bar.setFormat(f"已读取 {done:,} / {total:,} 份")

    def _cancelled(self) -> None:
        self._running(False)
        self.messages.setPlainText("已取消，没有写入文件")

    def _done(self, rollup: Rollup, out: str) -> None:
        self._running(False)
        meta = rollup.report.meta
        lines = [f"已把 {len(rollup.units)} 个单位的 {meta.year} 年度报告汇总为“{meta.agency}”的报告，保存到 {out}"]
        lines += [f"［{SEVERITY_LABEL[f.severity]}］{f.message}" for f in rollup.findings]
        self.messages.setPlainText("\n".join(lines))
        self.written = out
        self.open_button.setEnabled(self.open_report is not None and Path(out).suffix.lower() in (".json", ".xlsx"))

    def _failed(self, exc: BaseException) -> None:
        self._running(False)
        self.messages.setPlainText(f"未汇总，没有写入文件：{str(exc) or type(exc).__name__}")

    def _open_written(self) -> None:
        if self.written and self.open_report is not None:
            self.open_report(self.written)

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        if self.task is not None and self.task.running:
            self.task.cancel()  # stops before writing anything
        super().closeEvent(event)
