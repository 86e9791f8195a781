"""Take the README's screenshots from the real window. Run under a real X server, e.g.

    Xvfb :99 -screen 0 1600x1000x24 &
    DISPLAY=:99 QT_QPA_PLATFORM=xcb python docs/screenshots.py

Writes ``docs/screenshots/*.png``: every tab of the bundled sample, and one with an error
highlighted (its parts tinted, the tooltip open) and the problems panel listing it, and the
print preview of the exported PDF.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"
SAMPLE = ROOT / "resources" / "samples" / "wulong-hrss-2021.json"
NAMES = ["0-basic", "1-overview", "2-proactive", "3-requests", "4-appeals", "5-problems", "6-other"]


def settle(app, ms: int = 150) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    app.processEvents()


def shot_with_tooltip(app, window, view, ref, path: Path) -> None:  # type: ignore[no-untyped-def]
    """The whole window, with ``ref`` selected in ``view`` and its tooltip open (a tooltip is
    a window of its own: the screen is grabbed, not the widget)."""
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QToolTip

    model = view.table_model
    view.select_ref(ref)
    view.setFocus()
    settle(app, 300)
    rect = view.visualRect(model.index_of(ref))
    QToolTip.showText(view.viewport().mapToGlobal(QPoint(rect.center().x(), rect.bottom())),
                      model.tooltip(ref), view.viewport())
    settle(app, 500)
    geo = window.frameGeometry()
    app.primaryScreen().grabWindow(0, geo.x(), geo.y(), geo.width(), geo.height()).save(str(path))
    QToolTip.hideText()


def main() -> None:
    from PySide6.QtWidgets import QApplication

    from models import storage
    from models.values import CellRef
    from ui import theme
    from ui.app import install_translations
    from ui.main_window import MainWindow
    from ui.session import DocumentSession
    from ui.settings import AppSettings

    app = QApplication(sys.argv[:1])
    install_translations(app)
    theme.apply_app_look(app)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        window = MainWindow(AppSettings(Path(tmp) / "s.ini"), Path(tmp) / "recovery")
        window.set_session(DocumentSession(storage.load(SAMPLE), SAMPLE))
        window.resize(1440, 900)
        window.move(0, 0)
        window.show()
        settle(app, 400)
        for i, name in enumerate(NAMES):
            window.tabs.setCurrentIndex(i)
            settle(app)
            window.grab().save(str(OUT / f"tab-{name}.png"))
        # An error: 5 new applications from natural persons, the total left at 0.
        page = window.pages["requests"]
        window.tabs.setCurrentWidget(page)
        model, view = page.model, page.view  # type: ignore[attr-defined]
        model.setData(model.index_of(CellRef("requests", "new", "natural")), "5")
        shot_with_tooltip(app, window, view, CellRef("requests", "new", "total"), OUT / "error-highlighted.png")
        # The print preview shows the exported PDF's pages (needs the PDF exporter and a renderer).
        try:
            from exporters import render
            from ui.printing import PrintUnavailable, make_preview_dialog, render_pages

            dialog = make_preview_dialog(window, render_pages(render(window.session.report.copy(), ".pdf")))
            dialog.resize(1000, 900)
            dialog.show()
            settle(app, 800)
            dialog.grab().save(str(OUT / "print-preview.png"))
            dialog.close()
        except (ImportError, PrintUnavailable) as exc:
            print(f"print preview skipped: {exc}")
        window.session.undo_stack.setClean()
        window.close()
    print(f"screenshots written to {OUT}")


if __name__ == "__main__":
    main()
