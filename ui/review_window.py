"""文件 → 审核文件夹…: the 政务公开办's review window.

The review runs on the batch engine in a worker thread (the engine itself uses worker
processes): rows arrive in batches and the window stays responsive, with a progress bar and
取消. The window lists every report (sortable; filtered by unit as you type, by status, by year),
the units × years matrix with 未提交 marked, and the selected report's problems by table and
cell label. Double-clicking a report opens it in the editor at its first problem.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from batch.engine import Job, Options, check_job
from batch.review import Review, summary_counts, write_review
from batch.sources import Reader, Source
from models.progress import Cancelled
from models.progress import current as current_progress
from models.review import ERRORS, MISSING, PASSED, STATUS_ORDER, TO_CONFIRM, UNREADABLE
from ui import dialogs, errors, theme
from ui.review_models import (
    ROW_ROLE,
    MatrixFilter,
    MatrixModel,
    ProblemsModel,
    ReviewFilter,
    ReviewRow,
    ReviewTableModel,
    status_text,
)
from ui.tasks import Task, run_in_background

XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
BATCH_SECONDS = 0.1  # rows and counts reach the window at most this often
PHASES = {"identify": "正在查找报告", "previous": "正在读取上年报告", "check": "正在审核"}


def review_op(review: Review, workbook: str | None = None) -> Callable[[], Review]:
    """The work of a review task (run by :func:`ui.tasks.run_in_background`): send the rows in
    batches (the task's ``partial``), or write the review workbook to ``workbook`` (nothing when
    cancelled). Progress goes through the task's :class:`~models.progress.Progress`: the phase as
    its stage, the files as ``count(done, total)``; 取消 stops the engine between chunks."""

    def op() -> Review:
        progress = current_progress()
        last, phase_now = 0.0, ""
        batch: list[ReviewRow] = []
        sent = time.monotonic()

        def flush(now: bool = False) -> None:
            nonlocal batch, sent
            if progress is not None and batch and (now or time.monotonic() - sent >= BATCH_SECONDS):
                progress.send(batch)
                batch, sent = [], time.monotonic()

        def cancelled() -> bool:
            # the engine asks while it waits for a slow file: the rows checked before it show meanwhile
            flush()
            return progress is not None and progress.cancelled

        review.cancelled = cancelled if progress is not None else None

        def report(phase: str, done: int, total: int) -> None:
            nonlocal last, phase_now
            if progress is None:
                return
            if phase != phase_now:
                phase_now = phase
                progress.step(PHASES.get(phase, "正在审核") + "……")  # a safe place to stop, too
            now = time.monotonic()
            if now - last >= BATCH_SECONDS or done >= total:
                last = now
                progress.count(done, total)

        if workbook is not None:
            write_review(review, workbook=workbook, progress=report)
        else:
            try:
                for entry in review.entries(report):
                    shown = review.shown(entry.outcome.source) if entry.outcome is not None else ""
                    batch.append(ReviewRow.of(entry, shown))
                    flush()
            finally:  # cancelled too: what was checked is listed
                flush(now=True)
        if progress is not None and progress.cancelled:
            raise Cancelled
        return review

    return op


def _combo(items: Sequence[tuple[str, Any]]) -> QComboBox:
    box = QComboBox()
    for text, data in items:
        box.addItem(text, data)
    return box


class ReviewWindow(QMainWindow):
    """The review of ``folders``; ``open_report(source)`` opens a report in the editor."""

    def __init__(self, folders: Sequence[str], previous_folders: Sequence[str] = (), *,
                 open_report: Callable[[Source], object] | None = None, workers: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)  # the editor's window decides
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.setObjectName("review_window")
        self.folders = list(folders)
        self.previous_folders = list(previous_folders)
        self.open_report = open_report
        self.workers = workers
        self.runner: Task | None = None
        self._export_target: str | None = None
        self.review: Review | None = None
        self._problem_request = 0
        names = "、".join(Path(f).name or f for f in self.folders)
        self.setWindowTitle(f"审核：{names} — 年报编辑器")
        self.setWindowIcon(theme.app_icon())
        self._build()
        self.resize(1240, 760)
        QShortcut(QKeySequence("Ctrl+F"), self, activated=lambda: self.unit_filter.setFocus())

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(8, 8, 8, 4)
        self.where = QLabel("审核文件夹：" + "；".join(self.folders)
                            + (f"（上年报告：{'；'.join(self.previous_folders)}）" if self.previous_folders else ""))
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.where)

        filters = QHBoxLayout()
        filters.addWidget(QLabel("单位(&U)："))
        self.unit_filter = QLineEdit()
        self.unit_filter.setPlaceholderText("输入单位名称的一部分筛选（Ctrl+F）")
        self.unit_filter.setClearButtonEnabled(True)
        self.unit_filter.setMinimumWidth(240)
        filters.addWidget(self.unit_filter, 2)
        filters.addWidget(QLabel("状态(&S)："))
        self.status_filter = _combo([("全部", None)] + [(status_text(s), s) for s in STATUS_ORDER])
        filters.addWidget(self.status_filter)
        filters.addWidget(QLabel("年度(&Y)："))
        self.year_filter = _combo([("全部", None)])
        self.year_filter.setMinimumWidth(90)
        filters.addWidget(self.year_filter)
        self.only_missing = QCheckBox("只看有未提交的单位(&M)")
        filters.addWidget(self.only_missing)
        filters.addStretch(1)
        self.shown_label = QLabel()
        filters.addWidget(self.shown_label)
        outer.addLayout(filters)

        running = QHBoxLayout()
        self.phase = QLabel()
        self.bar = QProgressBar()
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton("取消(&C)")
        self.cancel_button.clicked.connect(self.cancel)
        running.addWidget(self.phase)
        running.addWidget(self.bar, 1)
        running.addWidget(self.cancel_button)
        self.running_row = QWidget()
        self.running_row.setLayout(running)
        running.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.running_row)

        self.model = ReviewTableModel(self)
        self.proxy = ReviewFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("review_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the review's own order until a header is clicked
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        for col, width in enumerate((96, 250, 56, 64, 48, 48, 48)):
            self.table.setColumnWidth(col, width)
        header.setStretchLastSection(True)
        self.table.doubleClicked.connect(self._open_index)
        self.table.activated.connect(self._open_index)

        self.matrix = MatrixModel(self)
        self.matrix_proxy = MatrixFilter(self)
        self.matrix_proxy.setSourceModel(self.matrix)
        self.matrix_view = QTableView()
        self.matrix_view.setObjectName("matrix_table")
        self.matrix_view.setModel(self.matrix_proxy)
        self.matrix_view.setSortingEnabled(True)
        self.matrix_view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.matrix_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.matrix_view.verticalHeader().setVisible(False)
        self.matrix_view.verticalHeader().setDefaultSectionSize(24)
        self.matrix_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.matrix_view.doubleClicked.connect(self._matrix_activated)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, theme.std_icon("SP_FileDialogDetailedView"), "报告(&R)")
        self.tabs.addTab(self.matrix_view, theme.std_icon("SP_FileDialogListView"), "提交情况（单位×年度）(&T)")

        self.problems = ProblemsModel(self)
        self.problems_view = QTableView()
        self.problems_view.setObjectName("review_problems")
        self.problems_view.setModel(self.problems)
        self.problems_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problems_view.verticalHeader().setVisible(False)
        self.problems_view.setWordWrap(True)
        self.problems_view.setColumnWidth(0, 96)
        self.problems_view.setColumnWidth(1, 330)
        self.problems_view.horizontalHeader().setStretchLastSection(True)
        self.problems_view.doubleClicked.connect(lambda _i: self.open_selected())
        self.problems_title = QLabel("所选报告的问题")
        self.problems_title.setStyleSheet("font-weight: bold")
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 4, 0, 0)
        title_row = QHBoxLayout()
        title_row.addWidget(self.problems_title, 1)
        self.open_button = QPushButton(theme.std_icon("SP_DialogOpenButton"), "在编辑器中打开(&O)")
        self.open_button.clicked.connect(self.open_selected)
        self.open_button.setEnabled(False)
        title_row.addWidget(self.open_button)
        lower_layout.addLayout(title_row)
        lower_layout.addWidget(self.problems_view)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tabs)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        outer.addWidget(splitter, 1)

        buttons = QHBoxLayout()
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        buttons.addWidget(self.summary, 1)
        self.previous_button = QPushButton(theme.std_icon("SP_DirOpenIcon"), "上年报告文件夹(&P)…")
        self.previous_button.setToolTip("另选上一年度报告所在的文件夹：各单位的报告与自己的上年报告核对结转数")
        self.previous_button.clicked.connect(self.choose_previous)
        self.rerun_button = QPushButton(theme.std_icon("SP_BrowserReload"), "重新审核")
        self.rerun_button.clicked.connect(self.start)
        self.export_button = QPushButton(theme.std_icon("SP_DialogSaveButton"), "导出审核结果(&E)…")
        self.export_button.clicked.connect(self.export)
        buttons.addWidget(self.previous_button)
        buttons.addWidget(self.rerun_button)
        buttons.addWidget(self.export_button)
        outer.addLayout(buttons)
        self.setCentralWidget(central)

        self.unit_filter.textChanged.connect(self._unit_changed)
        self.status_filter.currentIndexChanged.connect(
            lambda _i: self._filtered(lambda: self.proxy.set_status(self.status_filter.currentData())))
        self.year_filter.currentIndexChanged.connect(
            lambda _i: self._filtered(lambda: self.proxy.set_year(self.year_filter.currentData())))
        self.only_missing.toggled.connect(self._only_missing)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.proxy.rowsInserted.connect(self._update_counts)
        self.proxy.modelReset.connect(self._update_counts)

    # ------------------------------------------------------------------ running

    def start(self) -> None:
        """(Re)start the review; the window fills as rows arrive."""
        if self.runner is not None and self.runner.running:
            return
        self.model.clear()
        self.problems.set_problems([])
        self.problems_title.setText("所选报告的问题")
        self.matrix.set_submissions(Review([]).submissions)
        self.review = Review(self.folders, self.previous_folders, Options(), workers=self.workers)
        self.runner = run_in_background(self, review_op(self.review), self._finished, self._failed,
                                        self._cancelled)
        self.runner.partial.connect(self._rows)
        self.runner.counted.connect(self._progress)
        self.runner.stage.connect(self.phase.setText)
        self._set_running(True, "正在查找报告……")

    def choose_previous(self) -> None:
        """Another folder with last year's reports: review again with it."""
        if self.running:
            return
        start = self.previous_folders[0] if self.previous_folders else str(Path(self.folders[0]).parent)
        folder = dialogs.get_folder(self, "上年报告所在的文件夹", start)
        if folder:
            self.previous_folders = [folder]
            self.where.setText(f"审核文件夹：{'；'.join(self.folders)}（上年报告：{folder}）")
            self.start()

    def cancel(self) -> None:
        if self.runner is not None and self.runner.running:
            self.runner.cancel()
            self.phase.setText("正在取消……")
            self.cancel_button.setEnabled(False)

    @property
    def running(self) -> bool:
        return self.runner is not None and self.runner.running

    def _set_running(self, on: bool, text: str = "") -> None:
        self.running_row.setVisible(on)
        self.cancel_button.setEnabled(on)
        self.phase.setText(text)
        self.rerun_button.setEnabled(not on)
        self.previous_button.setEnabled(not on)
        self.export_button.setEnabled(not on and self.model.rowCount() > 0)
        if on:
            self.bar.setRange(0, 0)  # busy until the total is known

    @Slot(object)
    def _rows(self, rows: list[ReviewRow]) -> None:
        self.model.append(rows)
        years = sorted({r.year for r in rows if r.year is not None} | {
            self.year_filter.itemData(i) for i in range(1, self.year_filter.count())})
        if len(years) != self.year_filter.count() - 1:
            current = self.year_filter.currentData()
            self.year_filter.blockSignals(True)
            self.year_filter.clear()
            self.year_filter.addItem("全部", None)
            for y in years:
                self.year_filter.addItem(f"{y}年", y)
            self.year_filter.setCurrentIndex(max(0, self.year_filter.findData(current)))
            self.year_filter.blockSignals(False)

    @Slot(int, int)
    def _progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.bar.setFormat(f"{done:,} / {total:,}")

    def _finished(self, review: Review, *, cancelled: bool = False) -> None:
        self._set_running(False)
        self.matrix.set_submissions(review.submissions)
        self.matrix_view.resizeColumnsToContents()
        self._update_counts()
        self.summary.setText(self._summary_text(review) + ("（已取消，只列出了已审核的部分）" if cancelled else ""))
        if self.proxy.rowCount() and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def _cancelled(self) -> None:
        if self.review is not None:
            self._finished(self.review, cancelled=True)

    def _failed(self, exc: BaseException) -> None:
        self._set_running(False)
        message = str(exc) or type(exc).__name__
        errors.show_error(self, "审核未完成", f"审核时出错：{message}\n已列出的结果保留在窗口中。")

    @staticmethod
    def _summary_text(review: Review) -> str:
        counts = summary_counts(review)
        reports = sum(v for k, v in counts.items() if k not in (MISSING, UNREADABLE))
        parts = []
        for status in (ERRORS, TO_CONFIRM, PASSED, MISSING, UNREADABLE):
            n = counts[status]
            colour = "#9C0006" if status in (ERRORS, MISSING, UNREADABLE) and n else "#333333"
            parts.append(f"<span style='color:{colour}'>{status_text(status)} <b>{n}</b></span>")
        paired = f"；与上年报告核对 {review.paired} 份" if review.paired else ""
        return f"共 <b>{reports}</b> 份报告：" + " · ".join(parts) + paired

    # ------------------------------------------------------------------ filters

    def _filtered(self, change: Callable[[], None]) -> None:
        change()
        self._update_counts()

    def _unit_changed(self, text: str) -> None:
        self.proxy.set_unit(text)
        self.matrix_proxy.set_unit(text)
        self._update_counts()

    def _only_missing(self, on: bool) -> None:
        self.matrix_proxy.set_only_missing(on)
        if on:
            self.tabs.setCurrentIndex(1)

    def _update_counts(self, *_: object) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        self.shown_label.setText(f"显示 {shown:,} / 共 {total:,} 行" if shown != total else f"共 {total:,} 行")

    # ------------------------------------------------------------------ the selected report

    def selected_row(self) -> ReviewRow | None:
        index = self.table.currentIndex()
        row = index.data(ROW_ROLE) if index.isValid() else None
        return row if isinstance(row, ReviewRow) else None

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.data(ROW_ROLE) if current.isValid() else None
        self._problem_request += 1
        request = self._problem_request
        self.open_button.setEnabled(isinstance(row, ReviewRow) and row.source is not None and not row.reason)
        if not isinstance(row, ReviewRow):
            self.problems.set_problems([])
            return
        who = f"{row.agency or '（未填机关名称）'} {row.year or ''}年".strip()
        if row.status == MISSING:
            self.problems_title.setText(f"{who}：未提交")
            self.problems.set_problems([])
            return
        if row.reason or row.source is None:
            self.problems_title.setText(f"{row.shown}：无法读取 — {row.reason}")
            self.problems.set_problems([])
            return
        self.problems_title.setText(f"{who}的问题：正在读取……")
        source, previous = row.source, row.previous

        def op() -> Any:
            with Reader() as reader:
                return check_job(reader, Job(source, previous), Options(problems=True))

        def done(outcome: Any) -> None:
            if request != self._problem_request:
                return  # another row was selected meanwhile
            self.problems.set_problems(list(outcome.problems))
            self.problems_view.resizeRowsToContents()
            counts = f"错误 {outcome.errors}，警告 {outcome.warnings}，提示 {outcome.infos}"
            text = f"{who}的问题（{counts}）" if outcome.error is None else f"{who}：{outcome.error}"
            self.problems_title.setText(text + "　— 双击在编辑器中打开")

        run_in_background(self, op, done, lambda exc: self.problems_title.setText(f"无法读取：{exc}"))

    def problem_rows(self) -> list[str]:
        """The problems pane as text (位置：问题), for tests and the clipboard."""
        return [f"{ProblemsModel.place(p)}：{p.message}" for p in self.problems.problems]

    def _open_index(self, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if isinstance(row, ReviewRow):
            self._open_row(row)

    def open_selected(self) -> None:
        row = self.selected_row()
        if row is not None:
            self._open_row(row)

    def _open_row(self, row: ReviewRow) -> None:
        if row.source is None or row.reason:
            return
        if self.open_report is not None:
            self.open_report(row.source)

    def _matrix_activated(self, index: QModelIndex) -> None:
        """A cell of the matrix: show that unit (and year) in the reports list."""
        source = self.matrix_proxy.mapToSource(index)
        key, name, _cells = self.matrix.units[source.row()]
        self.unit_filter.setText(name)
        col = source.column()
        if 1 <= col <= len(self.matrix.years):
            self.year_filter.setCurrentIndex(max(0, self.year_filter.findData(self.matrix.years[col - 1])))
        self.tabs.setCurrentIndex(0)
        if self.proxy.rowCount():
            self.table.selectRow(0)

    # ------------------------------------------------------------------ export

    def export(self) -> Task | None:
        if self.running:
            return None
        base = (Path(self.folders[0]).name or "审核结果") if self.folders else "审核结果"
        suggested = str(Path(self.folders[0]).parent / f"{base}审核结果.xlsx") if self.folders else "审核结果.xlsx"
        path = dialogs.get_save_path(self, "导出审核结果", suggested, XLSX_FILTER)
        if not path:
            return None
        target = path if path.lower().endswith(".xlsx") else path + ".xlsx"
        review = Review(self.folders, self.previous_folders, Options(problems=True), workers=self.workers)
        self._export_target = target
        self.runner = run_in_background(self, review_op(review, workbook=target), self._exported,
                                        self._export_failed, self._export_cancelled)
        self.runner.counted.connect(self._progress)
        self.runner.stage.connect(self.phase.setText)
        self._set_running(True, "正在导出审核结果……")
        return self.runner

    def _exported(self, _review: Review) -> None:
        self._set_running(False)
        self.statusBar().showMessage(f"审核结果已导出到 {self._export_target}", 15_000)

    def _export_cancelled(self) -> None:
        self._set_running(False)
        self.statusBar().showMessage("导出已取消，没有写入文件", 15_000)

    def _export_failed(self, exc: BaseException) -> None:
        self._set_running(False)
        errors.show_error(self, "导出审核结果失败", str(exc) or type(exc).__name__)

    # ------------------------------------------------------------------ closing

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.runner is not None and self.runner.running:
            self.runner.cancel()  # the work stops at its next chunk; nothing is written half
        event.accept()

