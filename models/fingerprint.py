"""What a report file looked like when this desk last read or wrote it: size, mtime and SHA-256.

Comparing with the file on disk tells whether another desk (or program) changed it since. The
content hash decides: a file only touched (same bytes, new mtime) has not changed, and a file
rewritten within the mtime's resolution (FAT, some network shares: 2 s) has.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from models.limits import MAX_FILE_BYTES


@dataclass(frozen=True, slots=True)
class Fingerprint:
    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def of(cls, data: bytes, st: os.stat_result) -> Fingerprint:
        return cls(st.st_size, st.st_mtime_ns, hashlib.sha256(data).hexdigest())

    def describe_time(self) -> str:
        from datetime import datetime

        return datetime.fromtimestamp(self.mtime_ns / 1e9).strftime("%H:%M")


def take(path: str | os.PathLike[str]) -> Fingerprint | None:
    """The file's fingerprint now; None when it is missing or cannot be read."""
    p = Path(path)
    try:
        st = p.stat()
        if st.st_size > MAX_FILE_BYTES:  # no report: its hash cannot match one we took
            return Fingerprint(st.st_size, st.st_mtime_ns, "")
        data = p.read_bytes()
    except OSError:
        return None
    return Fingerprint(len(data), st.st_mtime_ns, hashlib.sha256(data).hexdigest())


def changed(known: Fingerprint | None, path: str | os.PathLike[str]) -> tuple[bool, Fingerprint | None]:
    """Whether the file's content differs from ``known``, and its fingerprint now (None: gone).

    A file that is gone counts as changed only when we knew it (``known`` not None).
    """
    now = take(path)
    if known is None:
        return False, now  # nothing to compare with
    if now is None:
        return True, None  # moved, deleted or unreadable
    return now.size != known.size or now.sha256 != known.sha256, now
