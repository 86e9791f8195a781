"""Where the reports are: files under folders (recursively) and members of ``.zip`` archives.

A :class:`Source` names one document: a file, or a member of a zip (nested zips allowed up to
:data:`MAX_NESTING`). Archives are never extracted to disk; members are read into memory one at
a time, each bounded in size and compression ratio, and member names that would escape a folder
(``../x``, ``/etc/x``, ``C:\\x``) are refused, so a hostile archive costs bounded time and memory
and cannot write anything.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from importers import MAX_IMPORT_BYTES, SUFFIXES, ImportFailed, ImportResult, read_report, read_report_data
from models import limits
from models.storage import os_error_text

ZIP_SUFFIX = ".zip"
#: Documents a unit might send that we cannot read: listed with the reason, not silently skipped.
UNSUPPORTED_DOCUMENTS = {
    ".doc": "旧版 Word 文档", ".docx": "Word 文档", ".wps": "WPS 文字文档", ".pdf": "PDF 文件",
    ".xls": "旧版 Excel 工作簿", ".et": "WPS 表格", ".ofd": "OFD 版式文件", ".rtf": "RTF 文档",
    ".odt": "OpenDocument 文本", ".ods": "OpenDocument 表格", ".mht": "单个网页文件", ".mhtml": "单个网页文件",
    ".rar": "RAR 压缩包", ".7z": "7z 压缩包",
}

MAX_NESTING = limits.ZIP_MAX_NESTING
MAX_ZIP_MEMBERS = limits.ZIP_MAX_MEMBERS
MAX_NESTED_ZIP_BYTES = limits.ZIP_MAX_NESTED_BYTES
MAX_ARCHIVE_BYTES = limits.ZIP_MAX_TOTAL_BYTES
MAX_RATIO = limits.ZIP_MAX_RATIO
RATIO_FLOOR = limits.ZIP_RATIO_FLOOR
MEMBER_SEPARATOR = "!/"  # how a member is named: 报告.zip!/2023/某局.json


def readable_suffixes() -> tuple[str, ...]:
    """Every suffix the importers read (new importers join automatically)."""
    return tuple(s for s in SUFFIXES if s != ZIP_SUFFIX)


@dataclass(frozen=True, slots=True)
class Source:
    """One document: ``path`` on disk, and inside it the chain of zip ``members`` (raw names)."""

    path: str
    members: tuple[str, ...] = ()
    shown: tuple[str, ...] = ()  # the members' names as a person reads them (GBK names decoded)

    def __reduce__(self) -> tuple[type[Source], tuple[str, tuple[str, ...], tuple[str, ...]]]:
        # Pickled as its fields (a batch sends every source to a worker and back): a third of the
        # frozen dataclass's default (its __getstate__/__setstate__ set each field in Python)
        return Source, (self.path, self.members, self.shown)

    @property
    def name(self) -> str:
        """The full name shown to the user and in JSON: ``a.zip!/dir/x.json`` for a member."""
        return MEMBER_SEPARATOR.join((self.path, *(self.shown or self.members)))

    @property
    def leaf(self) -> str:
        """The document's own file name (``x.json``)."""
        if self.members:
            return PurePosixPath((self.shown or self.members)[-1]).name
        # = Path(self.path).name, without building a Path (a batch asks for thousands): the
        # last component; Path itself where that is '' or '.' ('a/', 'a/.', 'C:')
        base = os.path.basename(self.path)
        return base if base and base != "." else Path(self.path).name

    @property
    def suffix(self) -> str:
        """= ``PurePosixPath(self.leaf).suffix.lower()`` (a leaf holds no '/'), by pathlib's own rule."""
        leaf = self.leaf
        i = leaf.rfind(".")
        return leaf[i:].lower() if 0 < i < len(leaf) - 1 else ""

    @property
    def in_archive(self) -> bool:
        return bool(self.members)


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A file found but not read, with the reason in Chinese."""

    source: Source
    reason: str


@dataclass(slots=True)
class Found:
    """What :func:`discover` found, in a stable order (folders sorted, archives in their order)."""

    sources: list[Source] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)
    skipped: int = 0  # other files (images, notes…) that are no report


def discover(roots: Iterable[str | os.PathLike[str]]) -> Found:
    """Every report document under ``roots`` (folders recursively, files as given, zips opened).

    Hidden files and folders (``.git``), Office lock files (``~$x.xlsx``) and symbolic links to
    folders (loops) are passed over; documents of a kind we cannot read are listed as unreadable.
    """
    found = Found()
    seen: set[str] = set()
    for root in roots:
        p = Path(root)
        try:
            st = p.stat()
        except OSError as exc:
            found.unreadable.append(Unreadable(Source(str(p)), f"无法访问：{os_error_text(exc)}"))
            continue
        if stat.S_ISDIR(st.st_mode):
            for file in _walk(p, found):
                _add_file(file, found, seen)
        else:
            _add_file(p, found, seen, explicit=True)
    return found


def _walk(folder: Path, found: Found) -> Iterator[Path]:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        found.unreadable.append(Unreadable(Source(str(folder)), f"无法打开文件夹：{os_error_text(exc)}"))
        return
    for entry in entries:
        if entry.name.startswith((".", "~$")):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(Path(entry.path), found)
            elif entry.is_file():
                yield Path(entry.path)
        except OSError:
            continue


def _add_file(p: Path, found: Found, seen: set[str], *, explicit: bool = False) -> None:
    key = os.path.normcase(os.path.abspath(p))
    if key in seen:  # the same file named twice (a folder and a file in it)
        return
    seen.add(key)
    suffix = p.suffix.lower()
    source = Source(str(p))
    if suffix == ZIP_SUFFIX:
        _add_archive(source, found)
    elif suffix in readable_suffixes():
        found.sources.append(source)
    elif explicit or suffix in UNSUPPORTED_DOCUMENTS:
        found.unreadable.append(Unreadable(source, unsupported_reason(suffix)))
    else:
        found.skipped += 1


def unsupported_reason(suffix: str) -> str:
    kinds = "、".join(readable_suffixes())
    what = UNSUPPORTED_DOCUMENTS.get(suffix, f"“{suffix or '无扩展名'}”文件")
    return f"不能读取{what}（本程序读取 {kinds} 及其 .zip 压缩包）；请用编辑器打开原件核对后另存为报告文件"


# ---------------------------------------------------------------------- archives


def _member_name(info: zipfile.ZipInfo) -> str:
    """The name as the sender saw it: Chinese Windows tools write GBK names without the UTF-8 flag."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _unsafe(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or (len(parts[0]) >= 2 and parts[0][1] == ":")


def _add_archive(source: Source, found: Found) -> None:
    try:
        with _open_zip(source, None) as zf:
            _add_members(zf, source, found)
    except ImportFailed as exc:
        found.unreadable.append(Unreadable(source, str(exc)))


def _add_members(zf: zipfile.ZipFile, archive: Source, found: Found) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        found.unreadable.append(Unreadable(archive, f"压缩包内有 {len(infos)} 个文件，超过上限 {MAX_ZIP_MEMBERS}，未读取"))
        return
    if sum(i.file_size for i in infos) > MAX_ARCHIVE_BYTES:
        found.unreadable.append(Unreadable(archive, "压缩包解压后超过 4 GB，疑似恶意文件（压缩炸弹），未读取"))
        return
    names: set[str] = set()
    for info in infos:
        if info.is_dir():
            continue
        shown = _member_name(info)
        source = Source(archive.path, archive.members + (info.filename,), (archive.shown or archive.members) + (shown,))
        leaf = PurePosixPath(shown.replace("\\", "/")).name
        suffix = PurePosixPath(leaf).suffix.lower()
        if leaf.startswith((".", "~$")) or "__MACOSX" in shown:
            continue
        if suffix != ZIP_SUFFIX and suffix not in readable_suffixes():
            if suffix in UNSUPPORTED_DOCUMENTS:
                found.unreadable.append(Unreadable(source, unsupported_reason(suffix)))
            else:
                found.skipped += 1
            continue
        reason = _member_problem(info, shown, names, nested=suffix == ZIP_SUFFIX, depth=len(source.members))
        names.add(info.filename)
        if reason:
            found.unreadable.append(Unreadable(source, reason))
        elif suffix == ZIP_SUFFIX:
            try:
                with _open_zip(source, zf) as inner:
                    _add_members(inner, source, found)
            except ImportFailed as exc:
                found.unreadable.append(Unreadable(source, str(exc)))
        else:
            found.sources.append(source)


def _member_problem(info: zipfile.ZipInfo, shown: str, names: set[str], *, nested: bool, depth: int) -> str | None:
    if _unsafe(info.filename) or _unsafe(shown):
        return "压缩包中的路径不安全（指向压缩包以外），未读取"
    if info.filename in names:
        return "压缩包中有同名文件，只读取了第一个"
    if info.flag_bits & 0x1:
        return "压缩包中的文件已加密，请解压后再审核"
    if nested and depth >= MAX_NESTING:
        return f"压缩包嵌套超过 {MAX_NESTING} 层，未读取"
    limit = MAX_NESTED_ZIP_BYTES if nested else MAX_IMPORT_BYTES
    if info.file_size > limit:
        return f"解压后 {info.file_size // 1024 // 1024} MB，超过上限 {limit // 1024 // 1024} MB，未读取"
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return f"压缩比异常（{info.file_size // max(info.compress_size, 1)} 倍），疑似压缩炸弹，未读取"
    return None


def _read_member(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """A member's bytes, never more than ``limit`` (a header may lie about the size)."""
    try:
        with zf.open(name) as fh:
            data = fh.read(limit + 1)
    except KeyError:
        raise ImportFailed(f"压缩包中没有“{name}”") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError,
            ValueError) as exc:
        raise ImportFailed(f"压缩包中的“{name}”已损坏或无法解压（{type(exc).__name__}）") from None
    if len(data) > limit:
        raise ImportFailed(f"压缩包中的“{name}”解压后超过上限 {limit // 1024 // 1024} MB，未读取")
    return data


def _open_zip(source: Source, parent: zipfile.ZipFile | None) -> zipfile.ZipFile:
    """Open the archive ``source`` (a file, or a member of ``parent``) as a ZipFile."""
    try:
        if parent is None:
            return zipfile.ZipFile(source.path)
        data = _read_member(parent, source.members[-1], MAX_NESTED_ZIP_BYTES)
        return zipfile.ZipFile(io.BytesIO(data))
    except ImportFailed:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise ImportFailed("不是有效的 .zip 压缩包（已损坏或不完整）") from None
    except OSError as exc:
        raise ImportFailed(f"无法读取压缩包：{os_error_text(exc)}") from None


class Reader:
    """Reads sources, keeping the archives of the last few open (members of one zip come in runs).

    Use as a context manager so the archives are closed (Windows keeps open files locked).
    """

    def __init__(self) -> None:
        self._zips: dict[tuple[str, tuple[str, ...]], zipfile.ZipFile] = {}

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for zf in self._zips.values():
            zf.close()
        self._zips.clear()

    def read(self, source: Source) -> ImportResult:
        """Import one document. Raises ``ReportFileError`` or ``ImportFailed`` only."""
        if not source.members:
            return read_report(source.path)
        zf = self._archive(source.path, source.members[:-1])
        data = _read_member(zf, source.members[-1], MAX_IMPORT_BYTES)
        return read_report_data(data, source.leaf)

    def read_bytes(self, source: Source, limit: int = MAX_IMPORT_BYTES) -> bytes:
        """The document's bytes (at most ``limit``). Raises ``ImportFailed`` only."""
        if source.members:
            return _read_member(self._archive(source.path, source.members[:-1]), source.members[-1], limit)
        from models.storage import read_file

        return read_file(Path(source.path), limit=limit, error=ImportFailed, kind="报告", too_big="不像一份年度报告")

    def _archive(self, path: str, chain: tuple[str, ...]) -> zipfile.ZipFile:
        key = (path, chain)
        zf = self._zips.get(key)
        if zf is None:
            parent = self._archive(path, chain[:-1]) if chain else None
            zf = _open_zip(Source(path, chain), parent)
            if len(self._zips) >= 4:  # bounded: close the oldest
                oldest = next(iter(self._zips))
                self._zips.pop(oldest).close()
            self._zips[key] = zf
        return zf
