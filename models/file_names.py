"""File names built from what a report says (its agency, its title): never a path.

A name taken from a file may hold anything: ``../../``, a drive letter, characters Windows
forbids, control characters, a device name (CON, NUL). :func:`safe_file_name` keeps the words
and makes the rest harmless, so a suggested export or save name can only ever name a file in
the folder the user picks.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_CHARS = 100  # well below every file system's limit, with room for a suffix
_UNSAFE = re.compile(r'[\\/:*?"<>|]+')
_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))})


def safe_file_name(text: str, fallback: str) -> str:
    """``text`` as a file name without suffix; ``fallback`` when nothing usable is left."""
    cleaned = "".join("_" if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") else ch for ch in text)
    cleaned = cleaned.replace("..", "")
    cleaned = _UNSAFE.sub("_", cleaned)
    cleaned = re.sub(r"_{2,}", "_", cleaned).strip(" ._")  # no leading dot (hidden), no trailing dot (Windows)
    cleaned = cleaned[:MAX_NAME_CHARS].rstrip(" .")
    if not cleaned:
        return fallback
    if cleaned.split(".")[0].upper() in _RESERVED:
        cleaned += "_"
    return cleaned
