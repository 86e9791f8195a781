"""Locate files shipped in ``resources/`` (source tree or a frozen bundle)."""

from __future__ import annotations

import sys
from pathlib import Path, PurePosixPath


def resources_root() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)  # PyInstaller unpacks data here
    base = Path(frozen) if frozen else Path(__file__).resolve().parent.parent
    return base / "resources"


def resource_path(*parts: str) -> Path:
    """Path of a shipped resource; refuses absolute or parent-escaping parts."""
    rel = PurePosixPath(*parts)
    if rel.is_absolute() or ".." in rel.parts:
        raise ValueError(f"资源路径无效: {rel}")
    return resources_root().joinpath(*rel.parts)


def is_shipped(path: str | Path) -> bool:
    """True for a file inside the program's own ``resources/`` (the sample, the templates):
    the editor never saves a user's report there, nor proposes that folder for one."""
    try:
        Path(path).resolve().relative_to(resources_root().resolve())
    except (ValueError, OSError):
        return False
    return True
