"""Writing a batch's output: built once, written in a few large pieces.

``check --json`` over thousands of files used to hand the stream one token at a time (half a
million writes for a thousand reports). Here each report's text is built once (by the worker)
and :class:`ChunkedWriter` joins them into pieces of about a megabyte: few writes, bounded memory.
"""

from __future__ import annotations

from typing import TextIO

PIECE = 1 << 20  # characters per write


class ChunkedWriter:
    """Collects strings and writes them to ``stream`` in large pieces."""

    def __init__(self, stream: TextIO, piece: int = PIECE) -> None:
        self.stream = stream
        self.piece = piece
        self._parts: list[str] = []
        self._size = 0

    def write(self, text: str) -> None:
        self._parts.append(text)
        self._size += len(text)
        if self._size >= self.piece:
            self.flush()

    def flush(self) -> None:
        if self._parts:
            self.stream.write("".join(self._parts))
            self._parts.clear()
            self._size = 0
        self.stream.flush()


class JsonList:
    """``{"files": [entry, entry, …]…}`` written as entries arrive (entries are JSON text)."""

    def __init__(self, writer: ChunkedWriter, key: str = "files") -> None:
        self.writer = writer
        self._first = True
        writer.write(f'{{"{key}": [')

    def add(self, entry_json: str) -> None:
        self.writer.write(entry_json if self._first else ", " + entry_json)
        self._first = False

    def close(self, tail: str = "") -> None:
        """End the list; ``tail`` is more members of the object (``, "submissions": {…}``)."""
        self.writer.write("]" + tail + "}\n")
        self.writer.flush()
