"""Chinese input on Linux desks whose input method Qt for Python cannot load.

UOS, Kylin and most Chinese Linux desktops run fcitx and set ``QT_IM_MODULE=fcitx``. The Qt in
PySide6's wheels (and so in our bundle) has no fcitx plugin, only ibus and compose: Qt then loads
no input method at all and the clerk cannot type Chinese into a text section. fcitx5 also speaks
the ibus protocol (its ``ibusfrontend``, on by default), so asking Qt for its ibus plugin, over
the session bus (``IBUS_USE_PORTAL``, which fcitx5 serves too), brings the desk's input method
back. A desk that installed a Qt 6 fcitx plugin itself (found on ``QT_PLUGIN_PATH``) keeps it.

(The workaround fcitx5 recommends: github.com/fcitx/fcitx5/discussions/873.)

Must run before the ``QApplication`` is created: Qt reads these variables once, at start.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, MutableMapping
from pathlib import Path

FCITX_NAMES = frozenset({"fcitx", "fcitx5"})


def input_method_fallback(env: Mapping[str, str], plugin_files: Iterable[str]) -> dict[str, str]:
    """The variables to set so Qt loads an input method it has (empty: nothing to change).

    ``plugin_files`` are the file names found in Qt's ``platforminputcontexts`` plugin folders.
    """
    if env.get("QT_IM_MODULES"):  # Qt ≥ 6.7: the desk gave a list of fallbacks itself
        return {}
    wanted = env.get("QT_IM_MODULE", "").strip().lower()
    if wanted not in FCITX_NAMES:
        return {}
    names = [name.lower() for name in plugin_files]
    if any("fcitx" in name for name in names):
        return {}
    if not any("ibus" in name for name in names):
        return {}
    changes = {"QT_IM_MODULE": "ibus"}
    if not env.get("IBUS_USE_PORTAL"):
        changes["IBUS_USE_PORTAL"] = "1"
    return changes


def input_context_plugin_files(qt_plugins_dir: str, env: Mapping[str, str]) -> list[str]:
    """File names in every ``platforminputcontexts`` folder Qt will search."""
    folders = [Path(qt_plugins_dir)] if qt_plugins_dir else []
    folders += [Path(part) for part in env.get("QT_PLUGIN_PATH", "").split(os.pathsep) if part]
    files: list[str] = []
    for folder in folders:
        try:
            files += [entry.name for entry in (folder / "platforminputcontexts").iterdir()]
        except OSError:  # no such folder, or not readable: nothing to find there
            continue
    return files


def apply_input_method_fallback(env: MutableMapping[str, str] | None = None) -> dict[str, str]:
    """Set the fallback in ``env`` (the process environment by default); returns what was set."""
    if env is None:
        env = os.environ
    if not env.get("QT_IM_MODULE") or env.get("QT_IM_MODULES"):
        return {}  # the common case costs no Qt call
    from PySide6.QtCore import QLibraryInfo

    plugins = QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)
    changes = input_method_fallback(env, input_context_plugin_files(plugins, env))
    env.update(changes)
    return changes
