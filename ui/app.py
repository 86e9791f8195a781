"""Start the editor: ``run_gui(path)`` is what ``python main.py [FILE]`` calls.

Importing this module is cheap (Qt is imported inside ``run_gui``), so the command line's
``check`` and ``convert`` never pay for the GUI.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any


def install_translations(app: Any) -> list[Any]:
    """Qt's own Chinese (buttons of file dialogs, context menus) and a Chinese default locale."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folders = [QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)]
    from models.resources import resource_path

    folders.append(str(resource_path("translations")))  # bundled copy for frozen builds
    from ui.i18n import FallbackTranslator

    installed = []
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        for folder in folders:
            translator = QTranslator(app)
            if translator.load(name, folder):
                if not installed:
                    # Installed first, so Qt asks it last: only for what its own catalogue misses.
                    fallback = FallbackTranslator(translator, app)
                    app.installTranslator(fallback)
                    installed.append(fallback)
                app.installTranslator(translator)
                installed.append(translator)
                break
    return installed


def default_recovery_dir() -> Path:
    from PySide6.QtCore import QStandardPaths

    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".nianbao-editor") / "recovery"


QUIT_WHEN_SHOWN = "NIANBAO_QUIT_WHEN_SHOWN"


def quit_when_shown(app: Any, window: Any) -> None:
    """With ``NIANBAO_QUIT_WHEN_SHOWN=1`` set: at the window's first paint print ``SHOWN <title>``
    and ``CPU <seconds>`` (the process's CPU time so far) and quit. The bundle's smoke test and
    the start-up benches use it: a window that really appeared, with no way to reach into a
    frozen process from outside."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class Watch(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
            if obj is window and event.type() == QEvent.Type.Paint:
                window.removeEventFilter(self)
                print("SHOWN", window.windowTitle().replace("[*]", ""), flush=True)
                print(f"CPU {time.process_time():.4f}", flush=True)
                QTimer.singleShot(0, app.quit)
            return False

    window.installEventFilter(Watch(window))


def run_gui(path: str | None, *, settings_path: str | None = None) -> int:
    """Open the main window on ``path`` (else the last file, else a blank report); returns the exit code.

    ``settings_path`` points the settings at an ini file (tests, portable use); the recovery
    folder then sits beside it.
    """
    from PySide6.QtWidgets import QApplication

    import ui.qtfix  # noqa: F401  (once, first: PySide6 6.12's reference-count bug)
    from ui.input_method import apply_input_method_fallback

    apply_input_method_fallback()  # before the QApplication: fcitx desks get Chinese input
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName("nianbao")
    app.setApplicationName("nianbao-editor")
    install_translations(app)

    from ui import errors, theme
    from ui.main_window import MainWindow
    from ui.settings import AppSettings

    theme.apply_app_look(app)
    settings = AppSettings(settings_path)
    recovery_dir = Path(settings_path).resolve().parent / "recovery" if settings_path else default_recovery_dir()
    window = MainWindow(settings, recovery_dir)
    errors.install_excepthook(lambda: window, window.documents.flush_recovery, recovery_dir.parent / "errors.log")
    window.documents.start(os.fspath(path) if path else None)
    if os.environ.get(QUIT_WHEN_SHOWN):
        quit_when_shown(app, window)
    window.show()
    return int(app.exec())
