"""Office files are zip archives: refuse one that would inflate to more than we are willing to
read (a zip bomb) before any XML is parsed. Shared by the .xlsx and .docx importers."""

from __future__ import annotations

import io
import zipfile

from importers import ImportFailed
from models import limits

# Limits checked on the zip directory before any XML is parsed (a real workbook or Word file
# is 20–500 KB with 10–60 members; Python's zipfile never inflates a member beyond its declared
# size). They live in models.limits (ARCHIVE_*).


def check_zip(data: bytes, name: str, *, broken: str) -> set[str]:
    """The member names of an Office (zip) file, after refusing one that would inflate to more
    than we are willing to read (a zip bomb); ``broken`` is the message for no zip at all."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise ImportFailed(broken) from None
    if len(members) > limits.ARCHIVE_MAX_MEMBERS:
        raise ImportFailed(f"{name}内含 {len(members)} 个部件，超过上限 {limits.ARCHIVE_MAX_MEMBERS}，"
                           "疑似恶意文件，已拒绝打开")
    total = 0
    for m in members:
        total += m.file_size
        if m.file_size > limits.ARCHIVE_MAX_MEMBER_BYTES:
            raise ImportFailed(
                f"{name}中的“{m.filename}”解压后达 {m.file_size // 1024 // 1024} MB，超过上限"
                f" {limits.ARCHIVE_MAX_MEMBER_BYTES // 1024 // 1024} MB，疑似恶意文件（压缩炸弹），已拒绝打开")
        # By absolute size: a small part that compresses well (a long repetitive text) is harmless.
        if m.file_size > limits.ARCHIVE_RATIO_FLOOR and m.file_size > limits.ARCHIVE_MAX_RATIO * max(m.compress_size, 1):
            raise ImportFailed(
                f"{name}中的“{m.filename}”解压后达 {m.file_size // 1024 // 1024} MB，压缩比异常"
                f"（{m.file_size // max(m.compress_size, 1)} 倍），疑似恶意文件（压缩炸弹），已拒绝打开")
    if total > limits.ARCHIVE_MAX_TOTAL_BYTES:
        raise ImportFailed(f"{name}解压后共 {total // 1024 // 1024} MB，超过上限，疑似恶意文件（压缩炸弹），已拒绝打开")
    return {m.filename for m in members}
