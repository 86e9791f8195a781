"""A section's tab, made when it is first shown, and the pieces every tab starts with.

The window opens on one tab: building the other tabs' tables and text fields before anyone
looks at them would only delay the first paint. A :class:`SectionPage` builds its content when
it is first shown or first asked for (``build``), then tells the window (``on_built(page)``),
which wires it to the menus and the status bar.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from models.template import SectionSpec

if TYPE_CHECKING:
    from ui.session import DocumentSession


class UndoKeysToWindow(QObject):
    """Let Ctrl+Z / Ctrl+Y reach the window's undo actions instead of a text widget's own stack."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and (
            event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo)
        ):
            event.ignore()  # not overridden: the window's shortcut fires
            return True
        return False


def section_page_layout(page: QWidget, section: SectionSpec) -> QVBoxLayout:
    """The layout every section tab starts with: the official title, then the template's hint."""
    layout = QVBoxLayout(page)
    layout.setContentsMargins(16, 8, 16, 4)  # compact: 表二 fits a 1366×768 laptop
    layout.setSpacing(4)
    layout.addWidget(section_heading(section.title))
    if section.hint:
        layout.addWidget(hint_label(section.hint))
    return layout


def section_heading(text: str) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() + 3)
    font.setBold(True)
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def hint_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #4A5868;")
    return label


class SectionPage(QWidget):
    """A section's tab whose content (``_build``) is made when the tab is first shown, or when
    the window first asks for a part of it; ``on_built(page)`` is called right after."""

    def __init__(self, session: DocumentSession, section: SectionSpec, parent: QWidget | None = None,
                 on_built: Callable[[Any], None] | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.section = section
        self._on_built = on_built
        self._layout: QVBoxLayout | None = None
        self._built = False

    @property
    def built(self) -> bool:
        """Whether the content is there (False while it is being made)."""
        return self._built

    def build(self) -> None:
        if self._layout is not None:  # built, or being built
            return
        self._layout = section_page_layout(self, self.section)
        self._build(self._layout)
        self._built = True
        if self.isVisible():  # built while being shown: Qt has shown the children it knew already
            for child in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
                if not child.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide):
                    child.show()
        if self._on_built is not None:
            self._on_built(self)

    def _build(self, layout: QVBoxLayout) -> None:  # pragma: no cover - every page has its own
        raise NotImplementedError

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        self.build()
        super().showEvent(event)
