"""Colours, fonts and icons of the editor: one place, so the look stays consistent.

Severity colours are chosen so that an error is obvious, a warning quieter, and a label cell
clearly not editable; every severity also has an icon (colour is never the only signal).
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QSize
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QStyle

ERROR_BG = QColor("#F8C9C4")  # a clear red, text stays readable
WARNING_BG = QColor("#FFF3CF")  # quieter amber
INFO_BG = QColor("#E4EEFB")
RELATED_BG = QColor("#D3E6FF")  # cells summed by the selected total
TITLE_BG = QColor("#C9D6E8")
HEADER_BG = QColor("#DCE5F1")
LABEL_BG = QColor("#EEF2F8")
LABEL_FG = QColor("#1F2D3D")
ACCEPTED_FG = QColor("#6B7785")
VALUE_BG = QColor("#FFFFFF")
TOTAL_BG = QColor("#E2E9F3")  # a cell a sum rule computes (with bold figures): a total, not an input

SEVERITY_BG = {"error": ERROR_BG, "warning": WARNING_BG, "info": INFO_BG}
#: The wavy underline under marked characters of a text (a figure left from last year's).
SEVERITY_FG = {"error": QColor("#B3261E"), "warning": QColor("#C77700"), "info": QColor("#2F6FB3")}


@cache
def brush(color_name: str) -> QBrush:
    return QBrush(QColor(color_name))


@cache
def severity_icon(severity: str) -> QIcon:
    """Standard icons: 错误 critical, 警告 warning, 提示 information, accepted = apply."""
    pixmap = {
        "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
        "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
        "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
        "accepted": QStyle.StandardPixmap.SP_DialogApplyButton,
    }[severity]
    return QApplication.style().standardIcon(pixmap)


@cache
def cell_icon(severity: str) -> QIcon:
    """A small version for table cells (the big message-box icons would grow the rows)."""
    icon = severity_icon(severity)
    return QIcon(icon.pixmap(QSize(14, 14)))


@cache
def app_icon() -> QIcon:
    """The editor's own icon (window, task bar), from the PNG sizes in resources/icons/."""
    from models.resources import resource_path

    icon = QIcon()
    for png in sorted(resource_path("icons").glob("nianbao-*.png")):
        icon.addFile(str(png))
    return icon


def std_icon(name: str) -> QIcon:
    return QApplication.style().standardIcon(getattr(QStyle.StandardPixmap, name))


def bold(font: QFont) -> QFont:
    f = QFont(font)
    f.setBold(True)
    return f


def apply_app_look(app: QApplication) -> None:
    """A slightly larger default font and a calm selection colour that keeps tints visible."""
    font = app.font()
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
        app.setFont(font)
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#2F6FB3"))
    app.setPalette(palette)


# ---------------------------------------------------------------------- action icons

ICON_INK = QColor("#2F5F8F")


def _arrow_icon(kind: str) -> QIcon:
    """Undo/redo (a curved arrow turning back or on) and import (an arrow into a tray), drawn in
    the editor's ink: the standard look where the desktop has no icon theme (Windows)."""
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QPainter, QPainterPath, QPen, QPixmap, QPolygonF

    icon = QIcon()
    for size in (16, 20, 40):  # menus, the toolbar, the toolbar on a 200 % screen
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        p = QPainter(pixmap)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        s = size / 24.0
        p.scale(s, s)
        pen = QPen(ICON_INK, 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
        p.setPen(pen)
        if kind in ("undo", "redo"):
            if kind == "redo":  # the mirror image of undo
                p.translate(24, 0)
                p.scale(-1, 1)
            path = QPainterPath(QPointF(7, 9))
            path.lineTo(14, 9)
            path.arcTo(QRectF(9, 9, 11, 11), 90, -180)
            path.lineTo(8, 20)
            p.drawPath(path)
            p.setBrush(ICON_INK)
            p.drawPolygon(QPolygonF([QPointF(3, 9), QPointF(8.5, 4.5), QPointF(8.5, 13.5)]))
        else:  # import
            p.drawPolyline(QPolygonF([QPointF(4, 14), QPointF(4, 20), QPointF(20, 20), QPointF(20, 14)]))
            p.drawLine(QPointF(12, 3), QPointF(12, 14))
            p.setBrush(ICON_INK)
            p.drawPolygon(QPolygonF([QPointF(7.5, 11), QPointF(16.5, 11), QPointF(12, 16)]))
        p.end()
        icon.addPixmap(pixmap)
    return icon


@cache
def action_icon(kind: str) -> QIcon:
    """The desktop theme's icon (edit-undo, edit-redo, document-import), else a drawn one."""
    name = {"undo": "edit-undo", "redo": "edit-redo", "import": "document-import"}[kind]
    themed = QIcon.fromTheme(name)
    return themed if not themed.isNull() else _arrow_icon(kind)
