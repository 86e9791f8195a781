"""Typed access to the editor's settings (QSettings), with an injectable ini file for tests."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 8


class AppSettings:
    """Recent files, last folders, window geometry.

    Lists are stored as JSON text: QSettings turns a one-element list read back from an ini
    file into a plain string, which a JSON value avoids on every platform.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        if path is None:
            self._qs = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "nianbao", "nianbao-editor")
        else:
            self._qs = QSettings(str(path), QSettings.Format.IniFormat)

    def sync(self) -> None:
        self._qs.sync()

    # ------------------------------------------------------------------ recent files

    @property
    def recent_files(self) -> list[str]:
        raw = self._qs.value("files/recent", "[]")
        try:
            items = json.loads(raw) if isinstance(raw, str) else []
        except ValueError:
            items = []
        return [str(x) for x in items if isinstance(x, str)][:MAX_RECENT]

    @recent_files.setter
    def recent_files(self, items: list[str]) -> None:
        self._qs.setValue("files/recent", json.dumps(list(dict.fromkeys(items))[:MAX_RECENT], ensure_ascii=False))

    def add_recent(self, path: str | Path) -> None:
        p = str(Path(path).resolve())
        self.recent_files = [p] + [x for x in self.recent_files if x != p]

    def remove_recent(self, path: str | Path) -> None:
        p = str(path)
        self.recent_files = [x for x in self.recent_files if x != p and x != str(Path(p).resolve())]

    # ------------------------------------------------------------------ simple values

    def _str(self, key: str) -> str:
        v = self._qs.value(key, "")
        return v if isinstance(v, str) else ""

    @property
    def last_file(self) -> str:
        """The report open when the editor was last closed ('' for none)."""
        return self._str("files/last")

    @last_file.setter
    def last_file(self, value: str) -> None:
        self._qs.setValue("files/last", value)

    @property
    def last_dir(self) -> str:
        return self._str("files/last_dir")

    @last_dir.setter
    def last_dir(self, value: str) -> None:
        self._qs.setValue("files/last_dir", value)

    @property
    def export_dir(self) -> str:
        return self._str("files/export_dir") or self.last_dir

    @export_dir.setter
    def export_dir(self, value: str) -> None:
        self._qs.setValue("files/export_dir", value)

    @property
    def geometry(self) -> QByteArray | None:
        v = self._qs.value("window/geometry")
        return v if isinstance(v, QByteArray) and not v.isEmpty() else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._qs.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray | None:
        v = self._qs.value("window/state")
        return v if isinstance(v, QByteArray) and not v.isEmpty() else None

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._qs.setValue("window/state", value)

    @property
    def last_tab(self) -> str:
        """The section whose tab was open when the editor closed ('' for 基本信息)."""
        return self._str("window/tab")

    @last_tab.setter
    def last_tab(self, value: str) -> None:
        self._qs.setValue("window/tab", value)
