"""CellDelegate: the in-cell editor and painting that keeps highlights visible when selected."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QLineEdit, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

_Index = QModelIndex | QPersistentModelIndex

SELECTION_TINT = QColor(47, 111, 179, 60)  # translucent: an error cell stays red when selected
CURRENT_FRAME = QColor("#1F5FA8")
QUIET_TEXT = QColor("#66717F")  # last year's value under this year's
QUIET_SCALE = 0.85  # its font size against the cell's


def quiet_font(font: QFont) -> QFont:
    """The smaller type last year's value is shown in."""
    small = QFont(font)
    small.setBold(False)
    size = font.pointSizeF()
    if size > 0:
        small.setPointSizeF(max(6.0, size * QUIET_SCALE))
    return small


class CellDelegate(QStyledItemDelegate):
    """Plain line edit (no validator: a refused entry must be explained, not silently blocked).

    Its length leaves room past the longest valid entry of the cell's NumberSpec, so a figure
    with too many digits is typed in full and refused with the reason."""

    def __init__(self, parent: Any = None, spec_role: int | None = None, second_line_role: int | None = None) -> None:
        super().__init__(parent)
        self._spec_role = spec_role
        self._second_role = second_line_role  # a quieter second line under the value (上年 12)

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
        second = index.data(self._second_role) if self._second_role is not None else None
        text = opt.text
        if second:
            opt.text = ""  # the style paints background and icon; the two lines are drawn below
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        else:  # pragma: no cover - views always pass themselves
            super().paint(painter, opt, index)
        if second:
            self._two_lines(painter, opt, text, str(second))
        if has_focus:
            painter.save()
            painter.setPen(QPen(CURRENT_FRAME, 2))
            r: QRect = opt.rect.adjusted(1, 1, -1, -1)
            painter.drawRect(r)
            painter.restore()

    @staticmethod
    def _two_lines(painter: QPainter, opt: QStyleOptionViewItem, text: str, second: str) -> None:
        """This year's value in the cell's own type, last year's under it in a smaller grey one."""
        small = quiet_font(opt.font)
        low = QFontMetrics(small).height()
        r = opt.rect.adjusted(2, 1, -2, -2)
        painter.save()
        painter.setFont(opt.font)
        painter.setPen(opt.palette.color(QPalette.ColorRole.Text))
        painter.drawText(QRect(r.left(), r.top(), r.width(), r.height() - low), Qt.AlignmentFlag.AlignCenter, text)
        painter.setFont(small)
        painter.setPen(QUIET_TEXT)
        painter.drawText(QRect(r.left(), r.bottom() - low, r.width(), low),
                         Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, second)
        painter.restore()
