"""Start the editor: ``run_gui(path)`` is what ``python main.py [FILE]`` calls.

Importing this module is cheap (Qt is imported inside ``run_gui``), so the command line's
``check`` and ``convert`` never pay for the GUI.
"""

from __future__ import annotations

import gc
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


def at_first_paint(window: Any, at_paint: Any = None, after: Any = None) -> None:
    """Once the window is painted for the first time: call ``at_paint()`` at once (from within its
    paint event) and ``after()`` at the next turn of the event loop, when the paint is on screen."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
            if obj is window and event.type() == QEvent.Type.Paint:
                window.removeEventFilter(self)
                if after is not None:  # first: whatever at_paint meets, after still comes
                    QTimer.singleShot(0, after)
                if at_paint is not None:
                    at_paint()
            return False

    window.installEventFilter(FirstPaint(window))


def quit_when_shown(app: Any, window: Any) -> None:
    """With ``NIANBAO_QUIT_WHEN_SHOWN=1`` set: at the window's first paint print ``SHOWN <title>``
    and ``CPU <seconds>`` (the process's CPU time so far) and quit. The bundle's smoke test and
    the start-up benches use it: a window that really appeared, with no way to reach into a
    frozen process from outside."""

    def shown() -> None:
        title = window.windowTitle().replace("[*]", "")
        try:  # one write; a reader that has seen enough and left (`| grep -q SHOWN`) is no error
            sys.stdout.write(f"SHOWN {title}\nCPU {time.process_time():.4f}\n")
            sys.stdout.flush()
        except (OSError, ValueError):
            pass

    at_first_paint(window, shown, app.quit)


def run_gui(path: str | None, *, settings_path: str | None = None) -> int:
    """Open the main window on ``path`` (else the last file, else a blank report); returns the exit code.

    ``settings_path`` points the settings at an ini file (tests, portable use); the recovery
    folder then sits beside it.
    """
    # Start-up makes a few hundred thousand objects that all live on (modules, classes, Qt's enums,
    # the template): the cycle collector would walk them some 70 times meanwhile, for nothing (~5 %
    # of the start). It is back on once the window is painted, or after a few seconds at the latest.
    gc.disable()
    try:
        # The report's modules before Qt's: once PySide is imported, its import hook reads the
        # source of every module imported after it (looking for `from __feature__ import`).
        # tests/ui/test_startup_imports.py checks that no domain module is left for after.
        import models.checker  # noqa: F401
        import models.file_names  # noqa: F401
        import models.owner_file  # noqa: F401
        import models.progress  # noqa: F401
        import models.storage  # noqa: F401

        return _run_gui(path, settings_path)
    finally:
        gc.enable()


def _run_gui(path: str | None, settings_path: str | None) -> int:
    from PySide6.QtCore import QTimer
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
    # Installed last, so asked first: the collector is back on before a quit at the first paint.
    at_first_paint(window, after=gc.enable)
    QTimer.singleShot(GC_BACK_ON_MS, gc.enable)  # a window that is never painted (started minimised)
    window.show()
    return int(app.exec())


GC_BACK_ON_MS = 3000
