"""CellDelegate: the in-cell editor and painting that keeps highlights visible when selected."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QLineEdit, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

_Index = QModelIndex | QPersistentModelIndex

SELECTION_TINT = QColor(47, 111, 179, 60)  # translucent: an error cell stays red when selected
CURRENT_FRAME = QColor("#1F5FA8")


class CellDelegate(QStyledItemDelegate):
    """Plain line edit (no validator: a refused entry must be explained, not silently blocked).

    Its length leaves room past the longest valid entry of the cell's NumberSpec, so a figure
    with too many digits is typed in full and refused with the reason."""

    def __init__(self, parent: Any = None, spec_role: int | None = None) -> None:
        super().__init__(parent)
        self._spec_role = spec_role

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:  # noqa: N802
        editor = QLineEdit(parent)
        editor.setFrame(False)
        editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        spec = index.data(self._spec_role) if self._spec_role is not None else None
        editor.setMaxLength(spec.max_length() + 8 if spec is not None else 60)
        return editor

    def setEditorData(self, editor: QWidget, index: _Index) -> None:  # noqa: N802
        assert isinstance(editor, QLineEdit)
        editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:  # noqa: N802
        assert isinstance(editor, QLineEdit)
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: _Index) -> None:  # noqa: N802
        editor.setGeometry(option.rect.adjusted(1, 1, -1, -1))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        has_focus = bool(opt.state & QStyle.StateFlag.State_HasFocus)
        opt.state = opt.state & ~QStyle.StateFlag.State_HasFocus
        if selected:
            # Paint the cell's own background, then a translucent selection over it, so the
            # severity colour survives selection.
            painter.fillRect(opt.rect, opt.backgroundBrush if opt.backgroundBrush.style() != Qt.BrushStyle.NoBrush
                             else opt.palette.base())
            painter.fillRect(opt.rect, SELECTION_TINT)
            opt.state = opt.state & ~QStyle.StateFlag.State_Selected
            opt.backgroundBrush = QBrush()
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        else:  # pragma: no cover - views always pass themselves
            super().paint(painter, opt, index)
        if has_focus:
            painter.save()
            painter.setPen(QPen(CURRENT_FRAME, 2))
            r: QRect = opt.rect.adjusted(1, 1, -1, -1)
            painter.drawRect(r)
            painter.restore()
