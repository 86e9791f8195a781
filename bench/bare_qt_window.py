"""The reference of bench_bundle.py and bench_startup.py: a bare Qt window.

Creates the QApplication and an empty QMainWindow (with ``--table``: whose central widget is a
QTableView of a 28 × 10 QStandardItemModel, as 表三), and at its first paint prints ``SHOWN`` and
``CPU <seconds>`` (its CPU time so far) and quits: the same probe as the editor's
``NIANBAO_QUIT_WHEN_SHOWN``. bench_bundle.py builds it into a bundle the same way as the editor.
"""

import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


class Watch(QObject):
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if obj is window and event.type() == QEvent.Type.Paint:
            window.removeEventFilter(self)
            print("SHOWN", flush=True)
            print(f"CPU {time.process_time():.4f}", flush=True)  # as the editor's probe
            QTimer.singleShot(0, app.quit)
        return False


app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setWindowTitle("bare Qt")
if "--table" in sys.argv[1:]:  # what any Qt table editor must pay to start
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView

    model = QStandardItemModel(28, 10)
    for r in range(28):
        for c in range(10):
            model.setItem(r, c, QStandardItem(str(r * c)))
    view = QTableView()
    view.setModel(model)
    window.setCentralWidget(view)
window.resize(1200, 700)
window.installEventFilter(Watch(window))
window.show()
sys.exit(app.exec())
