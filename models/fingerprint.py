"""What a report file looked like when this desk last read or wrote it: size, mtime and SHA-256.

Comparing with the file on disk tells whether another desk (or program) changed it since. The
content hash decides: a file only touched (same bytes, new mtime) has not changed, and a file
rewritten within the mtime's resolution (FAT, some network shares: 2 s) has.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from models.limits import MAX_FILE_BYTES


def _sha256(data: bytes) -> str:
    import hashlib  # at the first digest: it loads OpenSSL (≈ 2 ms), which the editor's first paint need not wait for

    return hashlib.sha256(data).hexdigest()


class Fingerprint:
    """A file's size, mtime and the SHA-256 of its bytes; immutable, equal and hashed by all three.

    ``of`` keeps the bytes it is given and hashes them at the first use of ``sha256`` (comparing
    with the disk, writing the recovery file, both after the window is shown): the digest is
    always that of the very bytes read or written, never of a second read.
    """

    __slots__ = ("size", "mtime_ns", "_sha256", "_data")
    size: int
    mtime_ns: int
    _sha256: str | None
    _data: bytes | None

    def __init__(self, size: int, mtime_ns: int, sha256: str) -> None:
        self._set(size=size, mtime_ns=mtime_ns, _sha256=sha256, _data=None)

    @classmethod
    def of(cls, data: bytes, st: os.stat_result) -> Fingerprint:
        fingerprint = cls(st.st_size, st.st_mtime_ns, "")
        fingerprint._set(_sha256=None, _data=bytes(data))
        return fingerprint

    @property
    def sha256(self) -> str:
        digest = self._sha256
        if digest is None:
            data = self._data
            if data is None:  # hashed by another thread meanwhile (the digest is set before the bytes go)
                return str(self._sha256)
            digest = _sha256(data)
            self._set(_sha256=digest)
            self._set(_data=None)
        return str(digest)

    def _key(self) -> tuple[int, int, str]:
        return self.size, self.mtime_ns, self.sha256

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Fingerprint) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Fingerprint(size={self.size!r}, mtime_ns={self.mtime_ns!r}, sha256={self.sha256!r})"

    def __reduce__(self) -> tuple[type[Fingerprint], tuple[int, int, str]]:
        return Fingerprint, self._key()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Fingerprint is immutable (cannot set {name})")

    def _set(self, **values: Any) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)

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
    return Fingerprint(len(data), st.st_mtime_ns, _sha256(data))


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
