"""The recovery file: unsaved work written (atomically) within a second of every change.

Each running editor holds one numbered slot in the recovery folder, guarded by a
``QLockFile``; a slot whose file exists but whose lock nobody holds was left by an editor
that crashed or was killed, and the next start offers to restore it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QTimer, Signal

from models import storage
from models.fingerprint import Fingerprint
from models.report import Report
from ui.session import DocumentSession

RECOVERY_FORMAT = "nianbao-recovery"
DEBOUNCE_MS = 800  # after the last change; well within the promised one to two seconds
MAX_SLOTS = 32


@dataclass
class Recovered:
    report: Report
    original_path: str | None  # the file the report belonged to (None: never saved)
    saved_at: str
    fingerprint: Fingerprint | None = None  # that file as the crashed editor last knew it

    def describe(self) -> str:
        name = self.report.title if self.report.meta.agency else "未命名报告"
        where = f"文件：{self.original_path}" if self.original_path else "（尚未保存过的新报告）"
        when = self.saved_at.replace("T", " ")
        return f"{name}\n{where}\n最后修改：{when}"


class RecoveryStore:
    """One slot of the recovery folder, locked for this process."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._lock: QLockFile | None = None
        self.slot = self._acquire()

    @property
    def path(self) -> Path:
        return self.directory / f"recovery-{self.slot}.json"

    def _try(self, slot: int) -> bool:
        lock = QLockFile(str(self.directory / f"recovery-{slot}.lock"))
        lock.setStaleLockTime(0)  # stale only when its process is gone, never by age
        if lock.tryLock(0):
            self._lock = lock
            return True
        return False

    def _acquire(self) -> int:
        # Prefer a slot with a leftover file (a crashed editor's work), then any free slot.
        leftovers = sorted(self.directory.glob("recovery-*.json"))
        for p in leftovers:
            try:
                slot = int(p.stem.removeprefix("recovery-"))
            except ValueError:
                continue
            if 0 <= slot < MAX_SLOTS and self._try(slot):
                return slot
        for slot in range(MAX_SLOTS):
            if self._try(slot):
                return slot
        return MAX_SLOTS  # every slot busy: still write, unlocked (better than losing work)

    def leftover(self) -> Recovered | None:
        """The work a crashed editor left in this slot, if readable."""
        if not self.path.exists():
            return None
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(doc, dict) or doc.get("format") != RECOVERY_FORMAT:
                raise storage.ReportFileError("not a recovery file")
            report = storage.from_dict(doc.get("report"), source="恢复文件")
        except (OSError, ValueError, storage.ReportFileError):
            return None
        original = doc.get("path")
        fp = doc.get("fingerprint")
        try:
            fingerprint = Fingerprint(int(fp["size"]), int(fp["mtime_ns"]), str(fp["sha256"])) if fp else None
        except (KeyError, TypeError, ValueError):
            fingerprint = None
        return Recovered(report, original if isinstance(original, str) else None, str(doc.get("saved_at", "")),
                         fingerprint)

    def write(self, report: Report, original_path: Path | None, fingerprint: Fingerprint | None = None) -> None:
        doc = {
            "format": RECOVERY_FORMAT,
            "path": str(original_path) if original_path else None,
            "saved_at": datetime.now().isoformat(timespec="seconds"),
            "fingerprint": {"size": fingerprint.size, "mtime_ns": fingerprint.mtime_ns,
                            "sha256": fingerprint.sha256} if fingerprint else None,
            "report": storage.to_dict(report),
        }
        # backslashreplace: a lone surrogate typed or pasted becomes its JSON escape (\\ud800), which
        # the loader replaces on restore, instead of failing the recovery file
        storage.write_atomic(self.path, json.dumps(doc, ensure_ascii=False).encode("utf-8", "backslashreplace"))

    def remove(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            pass

    def release(self) -> None:
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None


class RecoveryManager(QObject):
    """Writes the session's report to the store shortly after each change.

    Signals:
        autosaved(): a write was attempted (the window then checks the file on disk too).
        errorChanged(str): the recovery file cannot be written, and why ("" when it works again).
    """

    autosaved = Signal()
    errorChanged = Signal(str)

    def __init__(self, store: RecoveryStore, parent: QObject | None = None, delay_ms: int = DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self.store = store
        self.session: DocumentSession | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self.flush)
        self.last_error: str | None = None

    def attach(self, session: DocumentSession | None) -> None:
        if self.session is not None:
            self.session.contentChanged.disconnect(self.timer.start)
            self.session.modifiedChanged.disconnect(self._modified_changed)
        self.timer.stop()
        self.session = session
        if session is not None:
            session.contentChanged.connect(self.timer.start)
            session.modifiedChanged.connect(self._modified_changed)
            if session.modified:
                self.timer.start()
            else:
                self.store.remove()

    def flush(self) -> None:
        """Write now (or remove the file when nothing is unsaved)."""
        self.timer.stop()
        session = self.session
        if session is None or not session.modified:
            self.store.remove()
            return
        try:
            self.store.write(session.report, session.path, session.fingerprint)
            error = None
        except storage.ReportFileError as exc:  # a full disk must not interrupt typing…
            error = str(exc)
        except OSError as exc:  # pragma: no cover - write_atomic turns these into ReportFileError
            error = storage.os_error_text(exc)
        if error != self.last_error:  # … but must be seen: the window keeps a warning up meanwhile
            self.last_error = error
            self.errorChanged.emit(error or "")
        self.autosaved.emit()

    def discard(self) -> None:
        """Clean close: nothing to recover."""
        self.timer.stop()
        self.store.remove()

    def _modified_changed(self, modified: bool) -> None:
        if not modified:
            self.timer.stop()
            self.store.remove()
