"""Writing a batch's output: built once, written in a few large pieces.

``check --json`` over thousands of files used to hand the stream one token at a time (half a
million writes for a thousand reports). Here each report's text is built once (by the worker)
and :class:`ChunkedWriter` joins them into pieces of about a megabyte: few writes, bounded memory.

A JSON listing goes further: the worker hands each entry over as the very bytes to write
(:func:`printable`, then encoded as the output stream would, :func:`encode_entry`), and the writer
passes them to the stream's binary buffer. The parent process then neither decodes, escapes
nor re-encodes the ~30 KB of JSON each report gives.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from typing import TextIO

PIECE = 1 << 20  # characters (or bytes) per write

# Characters a terminal obeys instead of printing (ANSI escapes, bell, carriage return) and
# the invisible ones that reorder a line (bidi overrides, Trojan Source): text from a file
# shows them escaped, never raw. Tabs and line breaks stay.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")

# Encodings whose bytes for a text are the bytes of its pieces one after another (no BOM, no
# shift state), which a piece encoded in a worker needs; any other stream gets text as before.
_STATELESS = frozenset({"utf-8", "gbk", "gb18030", "gb2312", "big5", "big5hkscs", "ascii", "latin-1",
                        "cp1252", "cp437", "cp850", "cp950"})


def printable(text: str) -> str:
    """``text`` with every character that could steer a terminal written as an escape."""
    if text.isprintable():  # the common case (a piece of JSON output): one pass in C, nothing to escape
        return text  # (every character of _UNPRINTABLE is one str.isprintable refuses)
    # C0 controls as \\xNN (JSON output never holds them raw: json.dumps escaped them already);
    # DEL, C1 controls and the rest as \\uXXXX, which keeps a JSON string valid
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x20
                            else f"\\u{ord(m.group()):04x}", text)


def encode_entry(text: str, encoding: tuple[str, str]) -> bytes:
    """A piece of JSON output (no line breaks) as the bytes the command line's stdout would
    write for it: :func:`printable`, then encoded with the stream's ``(encoding, errors)``."""
    return printable(text).encode(*encoding)


#: Pieces of JSON that recur in every report of a batch (a finding's text up to its figures: the
#: same object for every finding of a rule at a place), as encode_entry gives them, per
#: (encoding, errors). Bounded: a hostile batch's odd places must not grow it without end.
_ENCODED: dict[tuple[str, str], dict[str, bytes]] = {}
_MAX_ENCODED = 20000


def encode_listing(opening: str, items: Iterable[tuple[str, str]], closing: str, encoding: tuple[str, str]) -> bytes:
    """``encode_entry(opening + ", ".join(head + tail for head, tail in items) + closing, encoding)``,
    with each ``head`` encoded once per process. The same bytes: :func:`printable` escapes
    character by character and the encodings taken (:data:`_STATELESS`) encode piece by piece, so
    the pieces may be encoded apart; the text of a report's findings is not built whole."""
    known = _ENCODED.get(encoding)
    if known is None:
        known = _ENCODED[encoding] = {}
    comma = encode_entry(", ", encoding)
    out = [encode_entry(opening, encoding)]
    for head, tail in items:
        done = known.get(head)
        if done is None:
            done = encode_entry(head, encoding)
            if len(known) < _MAX_ENCODED:
                known[head] = done
        out += (done, tail.encode(*encoding) if tail.isprintable() else encode_entry(tail, encoding), comma)
    if len(out) > 1:
        out.pop()  # the comma after the last
    out.append(encode_entry(closing, encoding))
    return b"".join(out)


def binary_encoding(stream: object) -> tuple[str, str] | None:
    """``(encoding, errors)`` of a text stream whose binary buffer may take encoded pieces
    directly, or None (no buffer, or an encoding with a BOM or shift state)."""
    encoding, errors = getattr(stream, "encoding", None), getattr(stream, "errors", None)
    if getattr(stream, "buffer", None) is None or not isinstance(encoding, str) or not isinstance(errors, str):
        return None
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    return (encoding, errors) if name in _STATELESS else None


class ChunkedWriter:
    """Collects strings (and, with ``binary``, encoded pieces) and writes them to ``stream`` in
    large pieces, in the order given.

    ``binary=True``: :attr:`encoding` is the stream's ``(encoding, errors)`` when its binary
    buffer can take pieces from :func:`encode_entry` (:meth:`write_bytes`), else None and
    the caller writes text only.
    """

    def __init__(self, stream: TextIO, piece: int = PIECE, *, binary: bool = False) -> None:
        self.stream = stream
        self.piece = piece
        self.encoding = binary_encoding(stream) if binary else None
        self._parts: list[str] = []
        self._bytes: list[bytes] = []
        self._size = 0

    def write(self, text: str) -> None:
        if self._bytes:
            self._flush_bytes()
        self._parts.append(text)
        self._size += len(text)
        if self._size >= self.piece:
            self.flush()

    def write_bytes(self, data: bytes) -> None:
        """Encoded output (see :attr:`encoding`) written to the stream's binary buffer as it is."""
        if self._parts:
            self._flush_text()
        self._bytes.append(data)
        self._size += len(data)
        if self._size >= self.piece:
            self.flush()

    def _flush_text(self) -> None:
        self.stream.write("".join(self._parts))
        self.stream.flush()  # before anything goes to the buffer below it
        self._parts.clear()
        self._size = 0

    def _flush_bytes(self) -> None:
        buffer = self.stream.buffer
        buffer.write(b"".join(self._bytes))
        buffer.flush()
        self._bytes.clear()
        self._size = 0

    def flush(self) -> None:
        if self._parts:
            self._flush_text()
        if self._bytes:
            self._flush_bytes()
        self.stream.flush()


class JsonList:
    """``{"files": [entry, entry, …]…}`` written as entries arrive (entries are JSON text, or
    the bytes of JSON text from :func:`encode_entry` when the writer has an encoding)."""

    def __init__(self, writer: ChunkedWriter, key: str = "files") -> None:
        self.writer = writer
        self._first = True
        writer.write(f'{{"{key}": [')

    def add(self, entry: str | bytes) -> None:
        writer = self.writer
        if isinstance(entry, str) and writer.encoding is not None:
            entry = encode_entry(entry, writer.encoding)  # one built here (a file that was not read)
        if isinstance(entry, bytes):
            if not self._first:
                writer.write_bytes(b", ")  # ASCII: the same bytes in every encoding the writer takes
            writer.write_bytes(entry)
        else:
            writer.write(entry if self._first else ", " + entry)
        self._first = False

    def close(self, tail: str = "") -> None:
        """End the list; ``tail`` is more members of the object (``, "submissions": {…}``)."""
        self.writer.write("]" + tail + "}\n")
        self.writer.flush()
