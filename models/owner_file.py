"""The owner file: who has a report open, left beside it (Office's ``~$name`` habit).

While a desk has ``报告.json`` open for editing, ``.~lock.报告.json#`` beside it says who (user,
computer, process, since when). A second desk that opens the report reads it and can tell its
user 某某 于 HH:MM 在 主机 打开了此文件. The file is removed on close; one left by a crash is
*stale* and ignored: on the same computer when its process is gone, anywhere when its owner
has not refreshed it for ``STALE_AFTER`` (a live editor refreshes it every ``HEARTBEAT``).

Plain files only, created with ``O_EXCL`` (atomic on local disks and SMB/NFS shares alike): no
``fcntl`` lock, which Windows shares do not honour across machines.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

PREFIX, SUFFIX = ".~lock.", "#"
HEARTBEAT = timedelta(minutes=10)
STALE_AFTER = timedelta(hours=1)  # six missed heartbeats: the owner crashed on another computer
MAX_OWNER_BYTES = 4096
APP = "nianbao-editor"


def owner_path(report_path: str | os.PathLike[str]) -> Path:
    p = Path(report_path)
    return p.with_name(f"{PREFIX}{p.name}{SUFFIX}")


def current_user() -> str:
    import getpass  # at the first save, not at start-up

    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (a service account): still an owner
        return "未知用户"


def current_host() -> str:
    if hasattr(os, "uname"):  # POSIX: the very name socket.gethostname() gives, without importing
        return os.uname().nodename or "未知计算机"  # socket (4 ms of the editor's start-up)
    import socket

    return socket.gethostname() or "未知计算机"


@dataclass(frozen=True, slots=True)
class Owner:
    user: str
    host: str
    pid: int
    since: datetime  # when the report was opened
    seen: datetime  # last heartbeat (the file's mtime when later)
    token: str  # tells this desk's owner file from another's (two windows of one process too)

    def describe(self) -> str:
        """某某 于 HH:MM 在 主机 打开了此文件 (with the date when it was not today)."""
        when = self.since.strftime("%H:%M") if self.since.date() == datetime.now().date() \
            else self.since.strftime("%Y-%m-%d %H:%M")
        return f"{self.user} 于 {when} 在 {self.host} 打开了此文件"

    def is_stale(self, now: datetime | None = None) -> bool:
        now = now or datetime.now()
        if now - self.seen > STALE_AFTER:
            return True
        return self.host == current_host() and not pid_alive(self.pid)

    def to_json(self) -> str:
        return json.dumps({"app": APP, "user": self.user, "host": self.host, "pid": self.pid,
                           "since": self.since.isoformat(timespec="seconds"),
                           "seen": self.seen.isoformat(timespec="seconds"), "token": self.token},
                          ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Owner | None:
        try:
            doc = json.loads(text)
            if not isinstance(doc, dict) or doc.get("app") != APP:
                return None
            since = datetime.fromisoformat(doc["since"])
            return cls(str(doc["user"])[:100], str(doc["host"])[:100], int(doc["pid"]), since,
                       datetime.fromisoformat(str(doc.get("seen") or doc["since"])), str(doc["token"]))
        except (ValueError, KeyError, TypeError):
            return None


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this computer (True when unsure)."""
    if pid <= 0:
        return False
    if os.name == "nt":
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OSError:
        return True
    return True


def _windows_pid_alive(pid: int) -> bool:  # pragma: no cover - Windows only
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return bool(kernel32.GetLastError() == 5)  # access denied: it exists
    try:
        code = ctypes.c_ulong()
        if kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return code.value == 259  # STILL_ACTIVE
        return True
    finally:
        kernel32.CloseHandle(handle)


def read_owner(report_path: str | os.PathLike[str]) -> Owner | None:
    """The owner file beside the report, if there is a readable one."""
    p = owner_path(report_path)
    try:
        with open(p, "rb") as fh:
            data = fh.read(MAX_OWNER_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_OWNER_BYTES:
        return None
    owner = Owner.from_json(data.decode("utf-8", errors="replace"))
    try:  # the heartbeat touches the file: its mtime is when the owner was last seen
        touched = datetime.fromtimestamp(p.stat().st_mtime)
    except (OSError, ValueError, OverflowError):
        return owner
    return owner if owner is None or touched <= owner.seen else replace(owner, seen=touched)


def other_owner(report_path: str | os.PathLike[str], mine: str | None = None) -> Owner | None:
    """A live owner other than the desk holding token ``mine``; None when there is none."""
    owner = read_owner(report_path)
    if owner is None or owner.token == mine or owner.is_stale():
        return None
    return owner


class OwnerFile:
    """This desk's claim on one report file. ``claim()`` writes it, ``release()`` removes it."""

    def __init__(self, report_path: str | os.PathLike[str]) -> None:
        self.report_path = Path(report_path)
        self.path = owner_path(report_path)
        self.token = os.urandom(16).hex()  # as random as uuid4, without importing uuid (and platform)
        self.since = datetime.now()
        self.held = False

    def _me(self, now: datetime) -> Owner:
        return Owner(current_user(), current_host(), os.getpid(), self.since, now, self.token)

    def claim(self, *, take_over: bool = False) -> bool:
        """Write our owner file, replacing a stale one (or a live one when ``take_over``: the
        user chose 仍然打开). False when another desk holds it, or the folder does not let us
        write (a read-only share): the report still opens then, only unannounced."""
        data = self._me(datetime.now()).to_json().encode("utf-8")
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            except FileExistsError:
                if not take_over and other_owner(self.report_path, self.token) is not None:
                    return False  # another desk claimed it a moment ago
                try:
                    os.unlink(self.path)
                except OSError:
                    return False
                continue
            except OSError:
                return False
            try:
                os.write(fd, data)
            finally:
                os.close(fd)
            _hide(self.path)
            self.held = True
            return True
        return False

    def is_mine(self) -> bool:
        owner = read_owner(self.report_path)
        return owner is not None and owner.token == self.token

    def heartbeat(self) -> None:
        """Touch the owner file so other desks do not take it for a crashed editor's; only
        while it is still ours (another desk may have opened the report anyway)."""
        if self.held and self.is_mine():
            try:
                os.utime(self.path)
            except OSError:
                pass

    def release(self) -> None:
        """Remove the owner file if it is still ours."""
        if self.held and self.is_mine():
            try:
                os.unlink(self.path)
            except OSError:
                pass
        self.held = False


def _hide(path: Path) -> None:
    """Windows: mark the owner file hidden, as Office does (the dot hides it elsewhere)."""
    if os.name != "nt":
        return
    try:  # pragma: no cover - Windows only
        import ctypes

        ctypes.windll.kernel32.SetFileAttributesW(str(path), 0x02)  # type: ignore[attr-defined]
    except Exception:
        pass
