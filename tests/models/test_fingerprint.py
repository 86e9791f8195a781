"""A file's fingerprint (size, mtime, SHA-256): the digest of the very bytes read, taken when first
needed (after the editor's first paint), equal to one taken at once."""

from __future__ import annotations

import hashlib
import pickle
import threading
from pathlib import Path

import pytest

from models import fingerprint, storage
from models.fingerprint import Fingerprint
from models.resources import resource_path

SAMPLE = resource_path("samples") / "wulong-hrss-2021.json"


def test_a_fingerprint_of_bytes_read_is_the_digest_of_those_bytes_not_of_the_file_now(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(SAMPLE.read_bytes())
    loaded = storage.read(path)
    first = hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    path.write_bytes(b"{}")  # another desk saves before the digest is first asked for
    assert loaded.fingerprint is not None and loaded.fingerprint.sha256 == first
    changed, now = fingerprint.changed(loaded.fingerprint, path)
    assert changed and now is not None and now.sha256 == hashlib.sha256(b"{}").hexdigest()


def test_lazy_and_eager_fingerprints_are_equal_and_hash_alike(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(b"abc")
    st = path.stat()
    lazy = Fingerprint.of(b"abc", st)
    eager = Fingerprint(3, st.st_mtime_ns, hashlib.sha256(b"abc").hexdigest())
    assert lazy == eager and hash(lazy) == hash(eager) and repr(lazy) == repr(eager)
    assert lazy != Fingerprint(3, st.st_mtime_ns, hashlib.sha256(b"abd").hexdigest())
    assert fingerprint.take(path) == eager and fingerprint.changed(lazy, path) == (False, eager)


def test_a_fingerprint_is_immutable_and_survives_pickling(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(b"abc")
    fp = Fingerprint.of(b"abc", path.stat())
    with pytest.raises(AttributeError):
        fp.size = 4  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(fp)) == fp


def test_threads_asking_at_once_all_get_the_digest_of_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    data = SAMPLE.read_bytes() * 20
    path.write_bytes(data)
    expected = hashlib.sha256(data).hexdigest()
    for _ in range(20):
        fp = Fingerprint.of(data, path.stat())
        seen: list[str] = []
        threads = [threading.Thread(target=lambda fp=fp, seen=seen: seen.append(fp.sha256)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert seen == [expected] * 4
