"""Every modal question the editor asks, as small functions.

Tests monkeypatch these (``monkeypatch.setattr(dialogs, "ask_save_changes", ...)``); callers
must therefore use them through the module (``dialogs.ask_yes_no(...)``), never import the
function itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.findings import SEVERITY_LABEL, Finding
from models.report import LEVELS
from models.template import available_templates, load_template
from ui import theme

if TYPE_CHECKING:
    from ui.year_dialogs import NewFromLastChoice

SaveChoice = Literal["save", "discard", "cancel"]


def ask_save_changes(parent: QWidget | None, name: str, before: str = "关闭前") -> SaveChoice:
    """保存 / 不保存 / 取消 before the current report is closed or replaced; ``before`` names
    the moment (关闭前, 打开其他文件前, 导入前, 新建报告前)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("年报编辑器")
    box.setText(f"“{name}”有尚未保存的修改。")
    box.setInformativeText(f"是否在{before}保存？不保存，修改将会丢失。")
    save = box.addButton("保存", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("不保存", QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    if clicked is save:
        return "save"
    if clicked is discard:
        return "discard"
    return "cancel"


def ask_yes_no(parent: QWidget | None, title: str, text: str, *, yes: str = "是", no: str = "否") -> bool:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.YesRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button


DiskChoice = Literal["reload", "save_as", "overwrite", "cancel"]
OwnerChoice = Literal["readonly", "open", "cancel"]


def _choose(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str, informative: str,
            buttons: Sequence[tuple[str, str, QMessageBox.ButtonRole]], default: str, escape: str) -> str:
    """A message box with the given (key, label, role) buttons; returns the key clicked."""
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(informative)
    made = {key: box.addButton(label, role) for key, label, role in buttons}
    box.setDefaultButton(made[default])
    box.setEscapeButton(made[escape])
    box.exec()
    clicked = box.clickedButton()
    return next((key for key, b in made.items() if b is clicked), escape)


def ask_disk_conflict(parent: QWidget | None, name: str, who: str) -> DiskChoice:
    """The report changed on disk while this desk has unsaved changes.

    重新载入（放弃我的修改）/ 另存为… / 覆盖 / 取消; Enter and Esc cancel (a keystroke meant for
    the report must never throw away anybody's work)."""
    role = QMessageBox.ButtonRole
    return _choose(  # type: ignore[return-value]
        parent, QMessageBox.Icon.Warning, "文件已被修改",
        f"“{name}”在您打开之后已被{who}修改并保存。",
        "您也有尚未保存的修改。\n重新载入：显示磁盘上的新版本，放弃您的修改；\n另存为：把您的版本保存为另一个文件；\n"
        "覆盖：用您的版本替换磁盘上的版本（对方的修改将丢失）。",
        [("reload", "重新载入（放弃我的修改）", role.DestructiveRole), ("save_as", "另存为…", role.AcceptRole),
         ("overwrite", "覆盖", role.DestructiveRole), ("cancel", "取消", role.RejectRole)],
        default="cancel", escape="cancel")


def ask_owner(parent: QWidget | None, name: str, description: str) -> OwnerChoice:
    """Another desk has the report open (its owner file says who): 只读打开 / 仍然打开 / 取消."""
    role = QMessageBox.ButtonRole
    return _choose(  # type: ignore[return-value]
        parent, QMessageBox.Icon.Information, "文件正在使用",
        f"“{name}”正在被使用：{description}。",
        "只读打开：可以查看，修改只能另存为新文件；\n仍然打开：照常编辑，但两处同时修改时，后保存的一方会被提醒。",
        [("readonly", "只读打开", role.AcceptRole), ("open", "仍然打开", role.DestructiveRole),
         ("cancel", "取消", role.RejectRole)],
        default="readonly", escape="cancel")


def get_open_path(parent: QWidget | None, title: str, directory: str, name_filter: str) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, title, directory, name_filter)
    return path or None


def get_open_paths(parent: QWidget | None, title: str, directory: str, name_filter: str) -> list[str]:
    """Several files at once (Ctrl/Shift-click): the units' reports for a roll-up."""
    paths, _ = QFileDialog.getOpenFileNames(parent, title, directory, name_filter)
    return list(paths)


def get_folder(parent: QWidget | None, title: str, directory: str) -> str | None:
    path = QFileDialog.getExistingDirectory(parent, title, directory)
    return path or None


def get_save_path(parent: QWidget | None, title: str, suggested: str, name_filter: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, name_filter)
    return path or None


def earliest_year() -> int:
    """The first year any shipped report format covers (the format is data, not code)."""
    return min(load_template(t).first_year for t in available_templates())


@dataclass(frozen=True)
class NewReportChoice:
    agency: str
    year: int
    level: str | None


class NewReportDialog(QDialog):
    """新建报告: the agency, the year reported on, the agency's level."""

    def __init__(self, parent: QWidget | None, default_year: int, agency: str = "", level: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("新建年度报告")
        form = QFormLayout()
        self.agency = QLineEdit(agency)
        self.agency.setPlaceholderText("如：某某市某某局")
        self.agency.setMinimumWidth(320)
        self.year = QSpinBox()
        self.year.setRange(earliest_year(), 2100)
        self.year.setValue(default_year)
        self.year.setSuffix(" 年")
        self.level = QComboBox()
        self.level.addItem("（未选择）", None)
        for key, label in LEVELS.items():
            self.level.addItem(label, key)
        if level in LEVELS:
            self.level.setCurrentIndex(list(LEVELS).index(level) + 1)
        form.addRow("机关名称：", self.agency)
        form.addRow("报告年度：", self.year)
        form.addRow("机关层级：", self.level)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("新建")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def choice(self) -> NewReportChoice:
        return NewReportChoice(self.agency.text().strip(), self.year.value(), self.level.currentData())


def ask_new_report(parent: QWidget | None, agency: str = "", level: str | None = None) -> NewReportChoice | None:
    dialog = NewReportDialog(parent, date.today().year - 1, agency, level)
    return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_explanation(parent: QWidget | None, finding: Finding) -> str | None:
    """The written 说明 for accepting a warning; None when cancelled."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("接受警告")
    layout = QVBoxLayout(dialog)
    message = QLabel(finding.message)
    message.setWordWrap(True)
    layout.addWidget(message)
    layout.addWidget(QLabel("请写明接受此警告的理由（说明将随报告保存）："))
    edit = QPlainTextEdit(finding.explanation or "")
    edit.setMinimumSize(420, 100)
    layout.addWidget(edit)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText("接受")
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setEnabled(bool(edit.toPlainText().strip()))
    edit.textChanged.connect(lambda: ok.setEnabled(bool(edit.toPlainText().strip())))
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return edit.toPlainText().strip() or None


def restore_box(parent: QWidget | None, description: str) -> tuple[QMessageBox, QPushButton]:
    """The restore question; Enter, Esc and closing the box all keep the work (restore).

    Only the explicit “不恢复” deletes the recovery file: a reflexive Enter must never cost
    the user an afternoon of typing.
    """
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("恢复未保存的修改")
    box.setText("年报编辑器上次没有正常关闭，找到了未保存的修改：")
    box.setInformativeText(f"{description}\n\n是否恢复？选择“不恢复”将删除这份恢复文件。")
    restore = box.addButton("恢复", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("不恢复", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(restore)
    box.setEscapeButton(restore)
    return box, restore


def ask_restore(parent: QWidget | None, description: str) -> bool:
    box, restore = restore_box(parent, description)
    box.exec()
    return box.clickedButton() in (restore, None)


def show_import_summary(parent: QWidget | None, source: str, findings: Sequence[Finding]) -> None:
    """What the importer could not read or had to interpret, one finding per line."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("导入结果")
    dialog.resize(760, 420)
    layout = QVBoxLayout(dialog)
    problems = [f for f in findings if f.severity != "info"]
    head = QLabel(
        f"已导入“{source}”。"
        + (f"有 {len(problems)} 处需要核对，" if problems else "")
        + ("下面是导入时的说明：" if findings else "所有内容均已读取。")
        + "\n请核对后保存为报告文件。"
    )
    head.setWordWrap(True)
    layout.addWidget(head)
    table = QTableWidget(len(findings), 2)
    table.setHorizontalHeaderLabels(["级别", "说明"])
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setWordWrap(True)
    for i, f in enumerate(findings):
        level = QTableWidgetItem(theme.severity_icon(f.severity), SEVERITY_LABEL.get(f.severity, f.severity))
        table.setItem(i, 0, level)
        table.setItem(i, 1, QTableWidgetItem(f.message))
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    table.resizeRowsToContents()
    layout.addWidget(table)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.exec()


def show_about(parent: QWidget | None, version: str, template: str, keys: Sequence[tuple[str, str]]) -> None:
    """关于年报编辑器: what it is, its version, the report format, and the 快捷键 list."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("关于年报编辑器")
    layout = QVBoxLayout(dialog)
    head = QLabel(f"<b style='font-size:14pt'>年报编辑器</b>　版本 {version}<br>"
                  "政府信息公开工作年度报告的离线编辑、校验与导出工具。"
                  + (f"<br>报告格式：{template}" if template else ""))
    head.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    layout.addWidget(head)
    layout.addWidget(QLabel("<b>快捷键</b>"))
    table = QTableWidget(len(keys), 2)
    table.setObjectName("shortcuts")
    table.setHorizontalHeaderLabels(["按键", "功能"])
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
    for i, (key, what) in enumerate(keys):
        table.setItem(i, 0, QTableWidgetItem(key))
        table.setItem(i, 1, QTableWidgetItem(what))
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    table.resizeRowsToContents()
    layout.addWidget(table, 1)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    screen = dialog.screen().availableGeometry().size()
    dialog.resize(min(560, screen.width() - 40), min(640, screen.height() - 80))
    dialog.exec()


def ask_new_from_last(parent: QWidget | None, directory: str = "") -> NewFromLastChoice | None:
    """文件 → 从上年报告新建…: a ``NewFromLastChoice`` (``ui.year_dialogs``), or None when cancelled."""
    from ui.year_dialogs import NewFromLastDialog

    dialog = NewFromLastDialog(parent, directory)
    return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None
