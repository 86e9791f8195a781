"""The reference of bench_bundle.py: a bare Qt window, built into a bundle the same way as the editor.

Creates the QApplication and an empty QMainWindow, and at its first paint prints ``SHOWN`` and
quits: the same probe as the editor's ``NIANBAO_QUIT_WHEN_SHOWN``.
"""

import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


class Watch(QObject):
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if obj is window and event.type() == QEvent.Type.Paint:
            window.removeEventFilter(self)
            print("SHOWN", flush=True)
            QTimer.singleShot(0, app.quit)
        return False


app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setWindowTitle("bare Qt")
window.resize(1200, 700)
window.installEventFilter(Watch(window))
window.show()
sys.exit(app.exec())
