"""MainWindow: menus, toolbar, one tab per section, the problems dock, the status bar.

The window composes and wires; the session owns the document, the checker decides every
finding, and dialogs go through ``ui.dialogs`` / ``ui.errors`` (seams for tests).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from models.findings import Finding
from models.limits import MAX_TEXT_CHARS
from models.report import PREFACE
from ui import theme
from ui.document_controller import DocumentController
from ui.last_year_panel import LastYearPanel
from ui.lazy import lazy_module
from ui.meta_tab import MetaTab
from ui.problems_panel import ProblemsPanel
from ui.recovery import RecoveryManager, RecoveryStore
from ui.section_page import SectionPage, UndoKeysToWindow
from ui.session import DocumentSession
from ui.settings import AppSettings
from ui.text_limit import limit_line_edit
from ui.text_section import TextSectionEditor

if TYPE_CHECKING:  # built on demand (see TableSectionPage.build): not imported at start-up
    from ui.desk import Desk
    from ui.section_model import SectionTableModel
    from ui.section_view import SectionView

dialogs = lazy_module("ui.dialogs")  # set up at the first dialog, not at start-up


APP_NAME = "年报编辑器"
WINDOW_FRAME_PX = 48  # title bar and borders a desktop adds around the window


class TableSectionPage(SectionPage):
    """A table tab: the section title, the format's hint, the table, and its note if any.

    The table is built when the tab is first shown (or first asked for), so the window opens on
    its first tab without laying out three tables nobody sees yet. ``on_built(page)`` then wires it.
    """

    _model: SectionTableModel
    _view: SectionView
    _note: QLineEdit | None

    @property
    def note(self) -> QLineEdit | None:
        """The note under the table (表下注), for a section that has one."""
        self.build()
        return self._note

    @property
    def model(self) -> SectionTableModel:
        self.build()
        return self._model

    @property
    def view(self) -> SectionView:
        self.build()
        return self._view

    def _build(self, layout: QVBoxLayout) -> None:
        from ui.section_model import SectionTableModel
        from ui.section_view import SectionView

        session, section = self.session, self.section
        self._model = SectionTableModel(session, section.key, self)
        self._view = SectionView(self._model)
        layout.addWidget(self._view, 1)
        self._note = None
        if section.has_note:
            self._note = QLineEdit(session.report.notes.get(section.key, ""))
            self._note.setPlaceholderText(section.note_hint or "表下注（可选）")
            self._note.installEventFilter(UndoKeysToWindow(self))
            self._note.textEdited.connect(lambda text: session.set_note(section.key, text))
            self._note_counter = limit_line_edit(self._note, MAX_TEXT_CHARS)
            session.noteChanged.connect(self._note_changed)
            layout.addWidget(self._note)
            layout.addWidget(self._note_counter)
        layout.addStretch(0)
        self._fit()

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().resizeEvent(event)
        if self.built:
            self._fit()

    def _fit(self) -> None:
        margins = self.layout().contentsMargins()
        self._view.relayout(self.width() - margins.left() - margins.right())
        if self._note is not None:
            self._note.setMaximumWidth(self._view.maximumWidth())  # the note sits under the table
        self.layout().activate()  # the table takes its new width now, not at the next event loop turn

    def _note_changed(self, section: str) -> None:
        if self.built and self._note is not None and section == self.section.key:
            text = self.session.report.notes.get(section, "")
            if self._note.text() != text:
                self._note.setText(text)


class MainWindow(QMainWindow):
    def __init__(self, settings: AppSettings, recovery_dir: str | Path | None = None) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.settings = settings
        self.session: DocumentSession | None = None
        self.pages: dict[str, QWidget] = {}
        self._desk: Desk | None = None
        self.undo_group = QUndoGroup(self)
        # Every change, undo or redo replaces the passing message: after Ctrl+Z “已填写 25 个合计”
        # goes, after a valid entry the old “不是整数” goes (a command then says what it did).
        self.undo_group.indexChanged.connect(lambda _i: self.statusBar().clearMessage())
        self.recovery = RecoveryManager(RecoveryStore(recovery_dir), self) if recovery_dir else None
        # Open/save/import/export/print: the window only wires menus and shows the result.
        self.documents = DocumentController(self, settings, self.recovery)
        self.documents.busyChanged.connect(self._busy)
        self.documents.stageChanged.connect(self._stage)
        if self.recovery is not None:
            self.recovery.errorChanged.connect(
                lambda reason: self.set_warning("recovery", f"自动恢复文件无法写入：{reason}" if reason else None))
        self.setWindowIcon(theme.app_icon())
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.setCentralWidget(self.tabs)
        self.problems = ProblemsPanel(self)
        self.problems.findingActivated.connect(self.show_finding)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.problems)
        # 上年正文: last year's text of the section being written (hidden until asked for).
        self.last_year_panel = LastYearPanel(self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.last_year_panel)
        self.last_year_panel.hide()
        self._make_actions()
        self._make_menus()
        self._make_toolbar()
        self._make_status_bar()
        screen = QApplication.primaryScreen()
        self.resize(initial_size(screen.availableGeometry().size() if screen is not None else QSize(1360, 900)))
        if settings.geometry is not None:
            self.restoreGeometry(settings.geometry)
        if settings.window_state is None or not self.restoreState(settings.window_state):
            # First start only: later the user's own dock height comes back with the state.
            self.resizeDocks([self.problems], [self.problems.compact_height()], Qt.Orientation.Vertical)

    @property
    def desk(self) -> Desk:
        """The 政务公开办's review and roll-up (set up at its first use, not at start-up)."""
        if self._desk is None:
            from ui.desk import Desk

            self._desk = Desk(self)
        return self._desk

    # ------------------------------------------------------------------ construction

    def _action(self, text: str, slot: object, shortcut: QKeySequence | str | QKeySequence.StandardKey | None = None,
                icon: QIcon | None = None, tip: str | None = None) -> QAction:
        action = QAction(text, self)
        if icon is not None:
            action.setIcon(icon)
        if shortcut is not None:
            if isinstance(shortcut, QKeySequence.StandardKey):
                action.setShortcuts(shortcut)
            else:
                action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        if slot is not None:
            action.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        SK = QKeySequence.StandardKey
        icon = theme.std_icon
        docs = self.documents
        self.act_new = self._action("新建(&N)…", docs.new_report, SK.New, icon("SP_FileIcon"), "新建一份年度报告")
        self.act_open = self._action("打开(&O)…", docs.open_file, SK.Open, icon("SP_DialogOpenButton"), "打开报告文件")
        self.act_save = self._action("保存(&S)", docs.save, SK.Save, icon("SP_DialogSaveButton"), "保存报告")
        self.act_save_as = self._action("另存为(&A)…", docs.save_as, "Ctrl+Shift+S", None, "将报告保存为新文件")
        self.act_import = self._action("导入已发布的年报(&I)…", docs.import_text, None, theme.action_icon("import"),
                                       "读取已发布年报的文本（.txt）、网页（.html）、Word 文档（.docx）或 PDF")
        self.act_import_xlsx = self._action("从 Excel 导入(&X)…", docs.import_xlsx, None, None,
                                            "读取由年报编辑器导出、在别处修改过的 Excel 工作簿")
        self.act_review = self._action("审核文件夹(&V)…", lambda: self.desk.review_folder(), None,
                                       icon("SP_FileDialogContentsView"),
                                       "逐份校验文件夹（含子文件夹和 .zip）中各单位历年的报告，列出未提交的年度")
        self.act_rollup = self._action("汇总多个报告(&U)…", lambda: self.desk.rollup(), None, None,
                                       "把各单位同一年度的报告逐项相加，生成一份汇总报告")
        self.act_export_pdf = self._action("导出 PDF(&P)…", lambda: docs.export(".pdf"), "Ctrl+Shift+P",
                                           QIcon.fromTheme("x-office-document", icon("SP_FileDialogContentsView")),
                                           "导出可打印、可报送的 PDF")
        self.act_export_xlsx = self._action("导出 Excel(&E)…", lambda: docs.export(".xlsx"), "Ctrl+Shift+E",
                                            QIcon.fromTheme("x-office-spreadsheet", icon("SP_FileDialogListView")),
                                            "导出带校验公式的 Excel 工作簿")
        self.act_export_docx = self._action("导出 Word(&W)…", lambda: docs.export(".docx"), None,
                                            QIcon.fromTheme("x-office-document", icon("SP_FileIcon")),
                                            "导出公文版式的 Word 文档（.docx），可在 WPS/Word 中继续编辑")
        self.act_export_html = self._action("导出网页(&H)…", lambda: docs.export(".html"), None, None,
                                            "导出单个网页文件（.html），可粘贴或上传到政府网站")
        self.act_check_page = self._action("PDF 附校验说明页(&V)", None, None, None,
                                           "导出或打印 PDF 时在末页附上已接受的警告及说明、尚未解决的问题（供审核人员）")
        self.act_check_page.setCheckable(True)
        self.act_check_page.toggled.connect(lambda on: setattr(docs, "include_check_page", on))
        self.act_print = self._action("打印(&R)…", docs.print_report, SK.Print,
                                      QIcon.fromTheme("document-print", icon("SP_DriveFDIcon")), "打印预览并打印")
        self.act_quit = self._action("退出(&Q)", self.close, SK.Quit, None, "关闭年报编辑器")
        self.act_undo = self.undo_group.createUndoAction(self, "撤销")
        self.act_undo.setShortcuts(SK.Undo)
        self.act_undo.setIcon(theme.action_icon("undo"))
        self.act_redo = self.undo_group.createRedoAction(self, "重做")
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.act_redo.setIcon(theme.action_icon("redo"))
        self.addAction(self.act_undo)
        self.addAction(self.act_redo)
        self.act_cut = self._action("剪切(&T)", lambda: self._dispatch("cut"), SK.Cut)
        self.act_copy = self._action("复制(&C)", lambda: self._dispatch("copy"), SK.Copy)
        self.act_paste = self._action("粘贴(&P)", lambda: self._dispatch("paste"), SK.Paste)
        self.act_clear = self._action("清除内容(&D)\tDel", lambda: self._dispatch("clear"), None, None,
                                      "清除所选单元格（一步可撤销）")
        self.act_fill = self._action("填写合计(&F)", self.fill_totals, "F9", icon("SP_BrowserReload"),
                                     "按各项之和填写本表所有合计单元格（一步可撤销）")
        self.act_next = self._action("下一个问题", lambda: self.step_problem(1), "F8", icon("SP_ArrowDown"))
        self.act_prev = self._action("上一个问题", lambda: self.step_problem(-1), "Shift+F8", icon("SP_ArrowUp"))
        self.act_accept = self._action("接受警告(&W)…", self.accept_warning, None, theme.severity_icon("accepted"),
                                       "写明理由后接受问题列表中所选的警告（未选时：当前单元格的警告）")
        self.act_withdraw = self._action("撤回接受(&U)", self.withdraw_acceptance, None, None,
                                         "撤回对所选警告的接受，使其重新列为问题")
        self.act_next_tab = self._action("下一栏目(&N)", lambda: self.step_tab(1), None)
        self.act_next_tab.setShortcuts([QKeySequence("Ctrl+PgDown"), QKeySequence("Ctrl+Tab")])
        self.act_prev_tab = self._action("上一栏目(&P)", lambda: self.step_tab(-1), None)
        self.act_prev_tab.setShortcuts([QKeySequence("Ctrl+PgUp"), QKeySequence("Ctrl+Shift+Tab")])
        self.act_focus_problems = self._action("转到问题列表(&G)", self.focus_problems, "F6", None,
                                               "把键盘焦点移到问题列表（Enter 跳到问题所在处）")
        self.act_new_from_last = self._action("从上年报告新建(&L)…", lambda: docs.year.new_from_last(), "Ctrl+Shift+N",
                                              None, "以上年度的报告为基础新建本年报告：结转数取自上年，上年数据随报告保存")
        self.act_link_previous = self._action("关联上年报告(&Y)…", lambda: docs.year.link(), None, None,
                                              "选择上年度的报告，用于核对结转数、对照上年数字和正文（可撤销）")
        self.act_unlink_previous = self._action("取消关联上年报告", lambda: docs.year.unlink(), None, None,
                                                "不再与上年报告核对（可撤销）")
        self.act_compare = self._action("与上年对比(&D)…", lambda: docs.year.compare(), None, None,
                                        "逐表逐格对比上年和本年：上年、本年、增减、增减率，写成 Excel、PDF 或网页")
        self.act_show_last_year = self._action("显示上年数据(&Y)", None, "Ctrl+Shift+Y", None,
                                               "在表格每个单元格中以小字显示上年数值")
        self.act_show_last_year.setCheckable(True)
        self.act_show_last_year.toggled.connect(self.show_last_year)
        self.act_last_year_panel = self.last_year_panel.toggleViewAction()
        self.act_last_year_panel.setText("上年正文(&T)")
        self.act_last_year_panel.setShortcut(QKeySequence("Ctrl+Shift+T"))
        self.act_problems = self.problems.toggleViewAction()
        self.act_problems.setText("问题列表(&L)")
        self.act_problems.setShortcut(QKeySequence("Ctrl+L"))
        # No icon: the menu then shows the check mark (whether the list is shown).
        self.act_about = self._action("关于年报编辑器(&A)", self.about, SK.HelpContents, None,
                                      "版本、报告格式和快捷键一览")
        if not self.act_about.shortcuts():  # a desktop without a help key binding
            self.act_about.setShortcut(QKeySequence("F1"))
        for action in self.actions():
            polish_action(action)
        self.act_import.setIconText("导入")  # the button: the menu says what is imported
        self.undo_group.undoTextChanged.connect(lambda _t: polish_action(self.act_undo))
        self.undo_group.redoTextChanged.connect(lambda _t: polish_action(self.act_redo))

    def _make_menus(self) -> None:
        bar = self.menuBar()
        m = bar.addMenu("文件(&F)")
        m.addActions([self.act_new, self.act_new_from_last, self.act_open])
        self.recent_menu = QMenu("最近打开(&R)", self)
        self.recent_menu.aboutToShow.connect(lambda: self.documents.fill_recent_menu(self.recent_menu))
        m.addMenu(self.recent_menu)
        m.addSeparator()
        m.addActions([self.act_save, self.act_save_as])
        m.addSeparator()
        m.addActions([self.act_import, self.act_import_xlsx])
        m.addSeparator()
        m.addActions([self.act_review, self.act_rollup])
        m.addSeparator()
        m.addActions([self.act_export_pdf, self.act_export_xlsx, self.act_export_docx, self.act_export_html,
                      self.act_print, self.act_check_page])
        m.addSeparator()
        m.addAction(self.act_quit)
        m = bar.addMenu("编辑(&E)")
        m.addActions([self.act_undo, self.act_redo])
        m.addSeparator()
        m.addActions([self.act_cut, self.act_copy, self.act_paste, self.act_clear])
        m.addSeparator()
        m.addAction(self.act_fill)
        m = bar.addMenu("检查(&C)")
        m.addActions([self.act_next, self.act_prev])
        m.addSeparator()
        m.addActions([self.act_accept, self.act_withdraw])
        m.addSeparator()
        m.addActions([self.act_link_previous, self.act_unlink_previous, self.act_compare])
        m = bar.addMenu("视图(&V)")
        m.addActions([self.act_next_tab, self.act_prev_tab])
        m.addSeparator()
        m.addActions([self.act_problems, self.act_focus_problems])
        m.addSeparator()
        m.addActions([self.act_show_last_year, self.act_last_year_panel])
        m = bar.addMenu("帮助(&H)")
        m.addAction(self.act_about)

    def _make_toolbar(self) -> None:
        tb = QToolBar("常用", self)
        tb.setObjectName("main_toolbar")
        tb.setIconSize(QSize(20, 20))
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tb.setMovable(False)
        for a in (self.act_new, self.act_open, self.act_save, self.act_import):
            tb.addAction(a)
        tb.addSeparator()
        for a in (self.act_undo, self.act_redo):
            tb.addAction(a)
            # The action text names the step (撤销 编辑 三、…): too long for a button; tooltip keeps it.
            button = tb.widgetForAction(a)
            if button is not None:
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)  # type: ignore[attr-defined]
        tb.addSeparator()
        tb.addAction(self.act_fill)
        tb.addAction(self.act_next)
        tb.addSeparator()
        tb.addActions([self.act_export_pdf, self.act_export_xlsx, self.act_print])
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, tb)
        self.toolbar = tb

    def _make_status_bar(self) -> None:
        sb = self.statusBar()
        self.cell_label = QLabel()
        self.cell_label.setMinimumWidth(200)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setMaximumHeight(14)
        self.busy.hide()
        # What the background work is doing, and 取消 (it stops at the work's next checkpoint).
        self.busy_label = QLabel()
        self.busy_label.hide()
        self.cancel_button = QToolButton()
        self.cancel_button.setText("取消")
        self.cancel_button.setToolTip("停止正在进行的导入、导出或打印排版")
        self.cancel_button.clicked.connect(self.documents.cancel_work)
        self.cancel_button.hide()
        self.summary_icon = QLabel()
        self.summary_label = QLabel()
        # Warnings that stay until their cause is gone (the recovery file cannot be written, the
        # file vanished from disk): a passing message would be missed.
        self.warning_label = QLabel()
        self.warning_label.setObjectName("persistent_warning")
        self.warning_label.setStyleSheet("QLabel { color: #8A1F11; background: #FDECEA; padding: 1px 6px; }")
        self.warning_label.hide()
        self._warnings: dict[str, str] = {}
        sb.addWidget(self.cell_label, 1)
        sb.addPermanentWidget(self.warning_label)
        sb.addPermanentWidget(self.busy_label)
        sb.addPermanentWidget(self.busy)
        sb.addPermanentWidget(self.cancel_button)
        sb.addPermanentWidget(self.summary_icon)
        sb.addPermanentWidget(self.summary_label)

    # ------------------------------------------------------------------ session

    def set_session(self, session: DocumentSession) -> None:
        """Show ``session`` (replacing the current one, whose changes were dealt with)."""
        old = self.session
        if old is not None:
            self.undo_group.removeStack(old.undo_stack)
        self.session = session
        self.undo_group.addStack(session.undo_stack)
        self.undo_group.setActiveStack(session.undo_stack)
        self._build_tabs(session)
        session.resultChanged.connect(self._result_changed)
        session.metaChanged.connect(self._update_title)
        session.modifiedChanged.connect(self._update_title)
        session.pathChanged.connect(self._update_title)
        session.revealRequested.connect(self.reveal)
        self.problems.set_session(session)
        self.last_year_panel.set_session(session)
        session.previousChanged.connect(self._previous_changed)
        self._previous_changed()
        if self.recovery is not None:
            self.recovery.attach(session)
        if old is not None:
            old.close()
            old.deleteLater()
        self._result_changed()
        self._update_title()

    def _build_tabs(self, session: DocumentSession) -> None:
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)
        while self.tabs.count():
            w = self.tabs.widget(0)
            self.tabs.removeTab(0)
            w.deleteLater()
        self.pages = {}
        meta = MetaTab(session)
        self.pages[""] = meta
        self.tabs.addTab(meta, theme.std_icon("SP_FileDialogInfoView"), "基本信息")
        for section in session.report.template.sections:
            page: QWidget
            if section.is_table:
                page = TableSectionPage(session, section, on_built=self._wire_table)
            else:
                page = TextSectionEditor(session, section, on_built=self._wire_text)
            self.pages[section.key] = page
            self.tabs.addTab(page, f"{section.number}、{section.short}")
        self.tabs.blockSignals(False)
        if not 0 <= current < self.tabs.count():  # the first report shown: the tab the user left
            last = self.pages.get(self.settings.last_tab)
            current = self.tabs.indexOf(last) if last is not None else 0
        self.tabs.setCurrentIndex(current)
        self._tab_changed()

    def _wire_text(self, page: TextSectionEditor) -> None:
        """A narrative tab was just built: its limit messages."""
        page.editor.limitHit.connect(self.show_message)
        if page.preface is not None:
            page.preface.editor.limitHit.connect(self.show_message)

    def _wire_table(self, page: TableSectionPage) -> None:
        """A table tab was just built: its messages, the cell label, the edit actions."""
        view = page.view
        view.statusMessage.connect(self.show_message)
        if self.act_show_last_year.isChecked():
            view.set_show_last_year(True)
        view.selectionModel().currentChanged.connect(self._update_cell_label)
        view.addActions([self.act_cut, self.act_copy, self.act_paste, self.act_clear, self.act_fill])
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    # ------------------------------------------------------------------ queries

    def current_section(self) -> str:
        page = self.tabs.currentWidget()
        return next((k for k, p in self.pages.items() if p is page), "")

    def view_of(self, section: str) -> SectionView | None:
        page = self.pages.get(section)
        return page.view if isinstance(page, TableSectionPage) else None

    def current_view(self) -> SectionView | None:
        return self.view_of(self.current_section())

    def text_editor_of(self, section: str) -> TextSectionEditor | None:
        page = self.pages.get(section)
        return page if isinstance(page, TextSectionEditor) else None

    # ------------------------------------------------------------------ reacting

    def _update_title(self, *_: object) -> None:
        session = self.session
        if session is None:
            return
        report = session.report
        name = report.title if report.meta.agency else "未命名报告"
        read_only = "（只读）" if session.read_only else ""
        self.setWindowTitle(f"{name}[*]{read_only} — {APP_NAME}")
        self.setWindowModified(session.modified)

    def _result_changed(self) -> None:
        session = self.session
        if session is None:
            return
        result = session.result
        for i in range(self.tabs.count()):
            key = next((k for k, p in self.pages.items() if p is self.tabs.widget(i)), "")
            if not key:
                continue
            section = session.report.template.section(key)
            found = [f for f in result.for_section(key) if f.is_open and f.severity in ("error", "warning")]
            title = f"{section.number}、{section.short}" + (f"（{len(found)}）" if found else "")
            if self.tabs.tabText(i) != title:
                self.tabs.setTabText(i, title)
            worst = "error" if any(f.severity == "error" for f in found) else ("warning" if found else None)
            self.tabs.setTabIcon(i, theme.severity_icon(worst) if worst else QIcon())
        counts = result.counts()
        self.summary_label.setText(result.summary())
        worst = "error" if counts["error"] else ("warning" if counts["warning"] else "accepted")
        self.summary_icon.setPixmap(theme.severity_icon(worst).pixmap(16, 16))
        self._update_cell_label()

    def _tab_changed(self, *_: object) -> None:
        is_table = self.current_view() is not None
        self.act_fill.setEnabled(is_table)
        self.act_clear.setEnabled(is_table)
        self.last_year_panel.show_section(self.current_section())
        self._update_cell_label()

    def _previous_changed(self) -> None:
        linked = self.session is not None and self.session.report.previous is not None
        self.act_unlink_previous.setEnabled(linked)
        self.act_link_previous.setText("更换上年报告(&Y)…" if linked else "关联上年报告(&Y)…")

    def show_last_year(self, on: bool) -> None:
        """视图 → 显示上年数据: last year's value in each table cell (every table tab)."""
        for page in self.pages.values():
            if isinstance(page, TableSectionPage) and page.built:  # the others take it up when built
                page.view.set_show_last_year(on)
        if on and (self.session is None or self.session.report.previous is None):
            self.show_message("尚未关联上年报告：用“检查 → 关联上年报告…”选择上年的报告后即可显示上年数据")

    def _update_cell_label(self, *_: object) -> None:
        view = self.current_view()
        session = self.session
        if view is None or session is None:
            self.cell_label.setText("")
            return
        ref = view.current_ref()
        if ref is None:
            self.cell_label.setText("")
            return
        text = view.table_model.status_text(ref)
        metrics = self.cell_label.fontMetrics()
        self.cell_label.setToolTip(text)
        self.cell_label.setText(metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(200, self.width() - 420)))

    def set_warning(self, key: str, text: str | None) -> None:
        """Show (or, with None, withdraw) a warning that stays in the status bar until withdrawn."""
        if text:
            self._warnings[key] = text
        else:
            self._warnings.pop(key, None)
        joined = "；".join(self._warnings.values())
        self.warning_label.setText(f"⚠ {joined}" if joined else "")
        self.warning_label.setToolTip(joined)
        self.warning_label.setVisible(bool(joined))

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 10_000)

    # ------------------------------------------------------------------ navigation

    def show_finding(self, finding: Finding) -> None:
        """Switch to the finding's tab and select its cell (or focus its text)."""
        section = finding.section or ""
        page = self.pages.get(section)
        if page is None:
            return
        self.tabs.setCurrentWidget(page)
        view = self.view_of(section)
        if view is not None and finding.anchor is not None:
            view.select_ref(finding.anchor)
            view.setFocus()
        editor = self.text_editor_of(section)
        if editor is not None:
            editor.editor.setFocus()
            quote = self.session.checker.quote(self.session.report, finding) if self.session else None
            if finding.span is not None:  # a few characters of the text: select them
                editor.editor.select_span(*finding.span)
            elif quote:  # the number the finding is about, selected in the text
                editor.editor.select_quote(quote, finding.actual)
        self.show_message(finding.message)

    def reveal(self, section: str, refs: tuple) -> None:  # type: ignore[type-arg]
        page = self.pages.get(section)
        if page is None and section == PREFACE and self.session is not None:
            page = self.pages.get(self.session.report.template.sections[0].key)  # 导语 sits on 一's tab
        if page is None:
            return
        self.tabs.setCurrentWidget(page)
        view = self.view_of(section)
        if view is not None and refs:
            view.select_refs(tuple(refs))

    def step_problem(self, step: int) -> None:
        if self.session is None:
            return
        findings = [f for f in self.session.result.sorted() if f.is_open and f.severity != "info"]
        if not findings:
            self.show_message("未发现问题")
            return
        current = self.problems.selected_finding()
        keys = [f.key for f in findings]
        i = keys.index(current.key) + step if current is not None and current.key in keys else (0 if step > 0 else -1)
        f = findings[i % len(findings)]
        self.problems.select_finding(f.key)
        self.show_finding(f)

    def step_tab(self, step: int) -> None:
        count = self.tabs.count()
        if count:
            self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % count)

    def focus_problems(self) -> None:
        self.problems.show()
        self.problems.raise_()
        self.problems.view.setFocus()
        if self.problems.selected_finding() is None and self.problems.model.rowCount():
            self.problems.view.selectRow(0)

    def target_finding(self) -> Finding | None:
        """The finding 接受/撤回 act on: the one selected in the problems list, else the
        current cell's (or the current narrative's) warning."""
        session = self.session
        if session is None:
            return None
        selected = self.problems.selected_finding()
        if selected is not None:
            return selected
        view = self.current_view()
        ref = view.current_ref() if view is not None else None
        if ref is not None:
            candidates = session.result.for_cell(ref)
        else:
            candidates = [f for f in session.result.for_section(self.current_section()) if not f.cells]
        return next((f for f in candidates if f.severity == "warning"), None)

    def accept_warning(self) -> None:
        f = self.target_finding()
        if f is None or f.severity != "warning":
            self.show_message("请先在问题列表中选中一个警告（错误不能接受，只能改正）")
            return
        self.problems.accept(f)

    def withdraw_acceptance(self) -> None:
        f = self.target_finding()
        if f is None or not f.accepted:
            self.show_message("所选问题没有被接受，无需撤回")
            return
        self.problems.withdraw(f)

    # ------------------------------------------------------------------ edit commands

    def commit_edits(self) -> None:
        """Finish a cell still being typed in, so save/export/fill see the figure on screen.

        Ctrl+S while the cell editor is open reaches the window first (a line edit does not
        claim it): without this the file would miss the number the user just typed.
        """
        for page in self.pages.values():
            if isinstance(page, TableSectionPage) and page.built:  # an unbuilt table has nothing typed
                page.view.commit_edit()

    def _dispatch(self, op: str) -> None:
        """Copy/paste/cut/clear go to the focused text field, else to the current table."""
        focus = QApplication.focusWidget()
        if isinstance(focus, (QLineEdit, QPlainTextEdit)) and op != "clear":
            getattr(focus, op)()
            return
        if focus is not None and self.problems.isAncestorOf(focus):
            # The problems list is read-only: copy its message, and never paste into the
            # table behind the user's back.
            if op == "copy":
                self.problems.copy_selected()
            return
        view = self.current_view()
        if view is None:
            return
        if op == "copy":
            view.copy_selection()
        elif op == "cut":
            view.copy_selection()
            view.clear_selection_values()
        elif op == "paste":
            view.paste()
        else:
            view.clear_selection_values()

    def fill_totals(self) -> None:
        self.commit_edits()
        section = self.current_section()
        if self.session is None or self.view_of(section) is None:
            return
        n, left = self.session.fill_totals(section)
        msg = f"已填写 {n} 个合计单元格" if n else "各合计单元格已与各项之和一致，无需填写"
        if left:
            msg += f"；仍有 {left} 处不一致，请核对各项数字（见问题列表）"
        self.show_message(msg)

    def _busy(self, on: bool, message: str = "") -> None:
        for w in (self.busy, self.busy_label, self.cancel_button):
            w.setVisible(on)
        self.cancel_button.setEnabled(on)
        self.busy_label.setText(message)
        for a in (self.act_export_pdf, self.act_export_xlsx, self.act_export_docx, self.act_export_html, self.act_print,
                  self.act_import, self.act_import_xlsx):
            a.setEnabled(not on)

    def _stage(self, text: str) -> None:
        if self.busy_label.isVisible():
            self.busy_label.setText(text)
            if text == "正在取消……":
                self.cancel_button.setEnabled(False)

    # ------------------------------------------------------------------ misc

    def about(self) -> None:
        """关于 (F1): the version, the report format, and every shortcut key."""
        from models.version import VERSION

        template = self.session.report.template if self.session else None
        keys = [(shortcut_text(a), plain_text(a.text())) for a in self._menu_actions() if a.shortcuts()]
        dialogs.show_about(self, VERSION, f"{template.name}（{template.source}）" if template else "",
                           keys + TABLE_KEYS)

    def _menu_actions(self) -> list[QAction]:
        """The actions in menu order (the 快捷键 list follows the menus)."""
        out: list[QAction] = []
        for menu_action in self.menuBar().actions():
            menu = menu_action.menu()
            for a in menu.actions() if menu is not None else ():
                if not a.isSeparator() and a.menu() is None and a not in out:
                    out.append(a)
        return out

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.WindowActivate:
            # Back at this desk: has another desk saved the report meanwhile? (after the
            # activation is done: the check may ask a question)
            QTimer.singleShot(0, self.documents.check_disk)
        return super().event(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self.documents.close_requested():
            event.ignore()
            return
        self.settings.geometry = self.saveGeometry()
        self.settings.window_state = self.saveState()
        self.settings.last_tab = self.current_section()
        if self._desk is not None:
            self._desk.close_all()
        self.documents.closed()
        event.accept()


#: Keys of the table that are no menu command (the 快捷键 list of 关于 shows them too).
TABLE_KEYS = [
    ("直接键入 / F2", "编辑单元格（键入即替换原值）"),
    ("Enter / Shift+Enter", "确认并移到下 / 上一个单元格"),
    ("Tab / Shift+Tab", "确认并移到右 / 左一个单元格"),
    ("Delete", "清除所选单元格"),
    ("Esc", "放弃正在键入的内容"),
]


def plain_text(text: str) -> str:
    """An action's words without its mnemonic (“(&F)”, “&”), its “…” and a “\tDel” hint:
    what a toolbar button shows (Alt+F is the 文件 menu, not 填写合计)."""
    text = re.sub(r"\(&[^)]\)", "", text.split("\t")[0]).replace("&", "")
    return text.replace("…", "").strip()


def shortcut_text(action: QAction) -> str:
    return " / ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())


def polish_action(action: QAction) -> None:
    """Toolbar text without mnemonic; a tooltip that names the shortcut (填写合计（F9）)."""
    if action.isSeparator() or not action.text():
        return
    plain = plain_text(action.text())
    action.setIconText(plain)
    keys = shortcut_text(action)
    tip = action.statusTip()
    head = f"{plain}（{keys}）" if keys else plain
    action.setToolTip(f"{head}\n{tip}" if tip and tip != plain else head)


def initial_size(available: QSize) -> QSize:
    """The window's first size on a screen with ``available`` free room: up to 1360×900, and on a
    1366×768 laptop the whole height less the title bar and frame the desktop adds."""
    return QSize(min(1360, int(available.width() * 0.95)), min(900, available.height() - WINDOW_FRAME_PX))
