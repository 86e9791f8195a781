"""Screenshots of a clerk's screen (issue 8): the window at its first size on this screen, 表三
scrolled to its last row with a total selected (its header and labels still in view, the total
shaded, its tooltip open), and the print preview. Run under a real X server of the size to show:

    Xvfb :108 -screen 0 1366x768x24 &  DISPLAY=:108 QT_QPA_PLATFORM=xcb python docs/desk_screenshots.py
    Xvfb :108 -screen 0 1600x1000x24 & DISPLAY=:108 QT_QPA_PLATFORM=xcb python docs/desk_screenshots.py

Writes ``docs/screenshots/desk-<width>x<height>-table3-bottom.png`` and ``…-print-preview.png``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs"))
OUT = ROOT / "docs" / "screenshots"
SAMPLE = ROOT / "resources" / "samples" / "wulong-hrss-2021.json"


def main() -> None:
    from PySide6.QtWidgets import QApplication
    from screenshots import settle, shot_with_tooltip

    from exporters import render
    from models import storage
    from models.values import CellRef
    from ui import theme
    from ui.app import install_translations
    from ui.main_window import MainWindow, initial_size
    from ui.printing import make_preview_dialog, render_pages
    from ui.session import DocumentSession
    from ui.settings import AppSettings

    app = QApplication(sys.argv[:1])
    install_translations(app)
    theme.apply_app_look(app)
    screen = app.primaryScreen().size()
    tag = f"desk-{screen.width()}x{screen.height()}"
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        window = MainWindow(AppSettings(Path(tmp) / "s.ini"), Path(tmp) / "recovery")
        window.set_session(DocumentSession(storage.load(SAMPLE), None))
        window.resize(initial_size(app.primaryScreen().availableGeometry().size()))  # as at a real start
        window.move(0, 0)
        window.show()
        settle(app, 400)
        page = window.pages["requests"]
        window.tabs.setCurrentWidget(page)
        settle(app)
        view = page.view  # type: ignore[attr-defined]
        total = CellRef("requests", "results_total", "total")  # （七）总计 of 总计, at the bottom
        view.select_ref(CellRef("requests", "carried_forward", "total"))
        settle(app)
        shot_with_tooltip(app, window, view, total, OUT / f"{tag}-table3-bottom.png")
        dialog = make_preview_dialog(window, render_pages(render(window.session.report.copy(), ".pdf")))
        dialog.move(0, 0)
        dialog.show()
        settle(app, 800)
        geo = dialog.frameGeometry()
        app.primaryScreen().grabWindow(0, geo.x(), geo.y(), geo.width(), geo.height()).save(
            str(OUT / f"{tag}-print-preview.png"))
        dialog.close()
        window.session.undo_stack.setClean()
        window.close()
    print(f"screenshots written to {OUT} ({tag}-*.png)")


if __name__ == "__main__":
    main()
