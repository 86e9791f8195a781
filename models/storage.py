"""The report file: a human-readable, diff-stable UTF-8 JSON document (see the spec).

Saving is atomic (temporary file in the same folder, flush + fsync, rename), so a crash during
a save never damages the existing file. Loading refuses anything that is not a report of a
known template and schema, with a Chinese message in :class:`ReportFileError`.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from models.numbers import NumberSpec
from models.report import LEVELS, Acceptance, Meta, Report
from models.template import CellSpec, ReportTemplate, available_templates, load_template
from models.values import CellRef, Quantity, Value

FORMAT_ID = "gov-info-disclosure-annual-report"
SCHEMA_VERSION = 1
MAX_FILE_BYTES = 8 * 1024 * 1024  # a real report is ~30 KB; refuse anything absurd
MAX_TEXT_CHARS = 500_000
_MAX_NUMBER = 10**15  # larger than any count or amount a report can hold
SUFFIX = ".json"


class ReportFileError(Exception):
    """A report file cannot be read or written. ``str(exc)`` is a message for the user."""


class NewerVersionError(ReportFileError):
    """The file was written by a newer version of the editor."""


# ---------------------------------------------------------------------- to/from dict


def to_dict(report: Report, *, live_keys: set[tuple[str, tuple[CellRef, ...]]] | None = None) -> dict[str, Any]:
    """The document as ordered plain data. ``live_keys`` (rule, cells) drops stale acceptances."""
    t = report.template
    meta: dict[str, Any] = {"agency": report.meta.agency, "year": report.meta.year}
    for name in ("title", "date", "level"):
        value = getattr(report.meta, name)
        if value is not None:  # "" too: save → load must give back exactly what was saved
            meta[name] = value
    sections: dict[str, Any] = {}
    for section in t.sections:
        if not section.is_table:
            sections[section.key] = {"text": report.text(section.key)}
            continue
        body: dict[str, Any] = {}
        for cell in section.cells:
            value = report.values.get(CellRef(section.key, cell.row, cell.column))
            body.setdefault(cell.row, {})[cell.column] = _dump_value(value)
        if report.notes.get(section.key):
            body["note"] = report.notes[section.key]
        sections[section.key] = body
    doc: dict[str, Any] = {
        "format": FORMAT_ID,
        "schema_version": SCHEMA_VERSION,
        "template": t.id,
        "meta": meta,
        "sections": sections,
    }
    acceptances = [a for a in report.acceptances if live_keys is None or a.key in live_keys]
    if acceptances:
        doc["acceptances"] = [
            {
                "rule": a.rule,
                "cells": [{"section": c.section, "row": c.row, "column": c.column} for c in a.cells],
                "explanation": a.explanation,
                "accepted_at": a.accepted_at,
            }
            for a in acceptances
        ]
    return doc


def _dump_value(value: Value) -> int | str | None:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Quantity):
        return str(value)  # "251000元": the amount with the unit the report printed
    return value


def dumps(report: Report, **kwargs: Any) -> str:
    return json.dumps(to_dict(report, **kwargs), ensure_ascii=False, indent=2) + "\n"


def from_dict(doc: Any, *, source: str = "文件") -> Report:
    """Build a report from parsed JSON, validating every field."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_ID:
        raise ReportFileError(f"{source}不是年报编辑器的报告文件（缺少 \"format\": \"{FORMAT_ID}\"）")
    version = doc.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ReportFileError(f"{source}的 schema_version 无效：{_short(version)}")
    if version > SCHEMA_VERSION:
        raise NewerVersionError(
            f"{source}由更新版本的年报编辑器保存（文件格式版本 {version}，本程序支持到 {SCHEMA_VERSION}），请升级年报编辑器后再打开"
        )
    template_id = doc.get("template")
    if not isinstance(template_id, str) or template_id not in available_templates():
        raise ReportFileError(
            f"{source}使用未知的报告格式模板 {_short(template_id)}（本程序支持：{'、'.join(available_templates())}）"
        )
    template = load_template(template_id)
    report = Report.blank(template)
    report.meta = _meta(doc.get("meta"), source)
    sections = doc.get("sections")
    if not isinstance(sections, dict):
        raise ReportFileError(f"{source}缺少 sections")
    for key in sections:
        if not template.has_section(key):
            raise ReportFileError(f"{source}含有未知栏目 {key!r}")
    for section in template.sections:
        body = sections.get(section.key, {})
        if not isinstance(body, dict):
            raise ReportFileError(f"{source}中栏目 {section.key} 的内容格式错误")
        if not section.is_table:
            text = body.get("text", "")
            if not isinstance(text, str) or len(text) > MAX_TEXT_CHARS:
                raise ReportFileError(f"{source}中“{section.title}”的文字格式错误")
            report.texts[section.key] = text
            continue
        note = body.get("note")
        if note is not None:
            if not isinstance(note, str) or len(note) > MAX_TEXT_CHARS:
                raise ReportFileError(f"{source}中“{section.title}”的表注格式错误")
            report.notes[section.key] = note
        for row, cols in body.items():
            if row == "note":
                continue
            if not isinstance(cols, dict):
                raise ReportFileError(f"{source}中“{section.title}”的行 {row!r} 格式错误")
            for col, raw in cols.items():
                spec = template.cell(section.key, row, col)
                if spec is None:
                    raise ReportFileError(f"{source}中“{section.title}”没有单元格 {row}/{col}")
                report.values[CellRef(section.key, row, col)] = _load_value(raw, spec, source, section.title)
    report.acceptances = _acceptances(doc.get("acceptances", []), template, source)
    return report


def _meta(raw: Any, source: str) -> Meta:
    if not isinstance(raw, dict):
        raise ReportFileError(f"{source}缺少 meta（机关名称和年度）")
    agency = raw.get("agency", "")
    year = raw.get("year")
    if not isinstance(agency, str) or len(agency) > 200:
        raise ReportFileError(f"{source}中的机关名称格式错误")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2999):
        raise ReportFileError(f"{source}中的年度无效：{_short(year)}")
    meta = Meta(agency=agency, year=year)
    for name in ("title", "date", "level"):
        value = raw.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > 500):
            raise ReportFileError(f"{source}中的 meta.{name} 格式错误")
        setattr(meta, name, value)
    if meta.level is not None and meta.level not in LEVELS:
        raise ReportFileError(f"{source}中的机关层级 {_short(meta.level)} 无效")
    return meta


def _load_value(raw: Any, cell: CellSpec, source: str, title: str) -> Value:
    """A cell as the file holds it: an int for whole numbers, a decimal string for amounts
    (with the unit a unit-keeping column printed). Only the shape is checked here; whether the
    value is valid for its column (sign, digits, places) is ``value.type``'s to say."""
    if raw is None:
        return None
    spec: NumberSpec = cell.number
    if type(raw) is int and spec.whole and -_MAX_NUMBER <= raw <= _MAX_NUMBER:
        return raw  # the common case: no message to build
    where = f"{source}中“{title}”的“{cell.row_label}/{cell.column_label}”"
    if spec.whole:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ReportFileError(f"{where}应为整数，却是 {_short(raw)}")
        raise ReportFileError(f"{where}数值过大：{_short(raw)}")
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise ReportFileError(f"{where}应为金额字符串（如 \"68.64\"），却是 {_short(raw)}")
    text, unit = str(raw), ""
    for kept in sorted(spec.kept_units, key=len, reverse=True):
        if text.endswith(kept):
            text, unit = text[: -len(kept)], kept
            break
    if len(text) > 40:
        raise ReportFileError(f"{where}不是有效金额：{_short(raw)}")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ReportFileError(f"{where}不是有效金额：{_short(raw)}") from None
    if not amount.is_finite() or abs(amount) > _MAX_NUMBER:
        raise ReportFileError(f"{where}不是有效金额：{_short(raw)}")
    return Quantity(amount, unit) if spec.kept_units else amount


def _short(raw: Any) -> str:
    """A value quoted in a message, cut short: a broken file may hold megabytes in one cell."""
    text = repr(raw)
    return text if len(text) <= 40 else text[:37] + "…"


def _acceptances(raw: Any, template: ReportTemplate, source: str) -> list[Acceptance]:
    if not isinstance(raw, list):
        raise ReportFileError(f"{source}中的 acceptances 格式错误")
    out: list[Acceptance] = []
    for item in raw:
        try:
            cells = tuple(CellRef(c["section"], c["row"], c["column"]) for c in item["cells"])
            a = Acceptance(item["rule"], cells, item["explanation"], item.get("accepted_at", ""))
        except (KeyError, TypeError, AttributeError):
            raise ReportFileError(f"{source}中的已接受警告格式错误") from None
        if not all(isinstance(x, str) for x in (a.rule, a.explanation, a.accepted_at, *(k for c in cells for k in c))) \
                or any(template.cell(*c) is None for c in cells):
            raise ReportFileError(f"{source}中的已接受警告格式错误")
        out.append(a)
    return out


def loads(text: str, *, source: str = "文件") -> Report:
    if len(text) > MAX_FILE_BYTES:
        raise ReportFileError(f"{source}过大（超过 {MAX_FILE_BYTES // 1024 // 1024} MB），不是报告文件")
    try:
        doc = json.loads(text, parse_float=Decimal)
    except (json.JSONDecodeError, RecursionError) as exc:
        line = getattr(exc, "lineno", "?")
        raise ReportFileError(f"{source}已损坏或不是 JSON（第 {line} 行附近）") from None
    except ValueError:
        raise ReportFileError(f"{source}已损坏或不是 JSON") from None
    return from_dict(doc, source=source)


# ---------------------------------------------------------------------- files


def load(path: str | os.PathLike[str]) -> Report:
    """Read a report file. Raises :class:`ReportFileError` (never anything else) on bad input."""
    p = Path(path)
    source = f"“{p.name}”"
    data = read_file(p, limit=MAX_FILE_BYTES, error=ReportFileError, kind="报告文件", too_big="不是报告文件")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReportFileError(f"{source}不是 UTF-8 文本，不是报告文件") from None
    return loads(text, source=source)


_ERRNO_TEXT = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有访问权限",
    errno.EPERM: "没有访问权限",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "该位置只读，不能写入",
    errno.EISDIR: "这是一个文件夹",
    errno.ENOTDIR: "路径中有一部分不是文件夹",
    errno.ENAMETOOLONG: "文件名或路径过长",
    errno.EBUSY: "文件正被其他程序占用",
}
_WINERROR_TEXT = {32: "文件正被其他程序占用（如 WPS、Excel），请关闭后重试", 33: "文件的一部分被其他程序锁定"}


def os_error_text(exc: OSError) -> str:
    """What went wrong, in Chinese; the system's own wording only for rare errors."""
    winerror = getattr(exc, "winerror", None)
    if winerror in _WINERROR_TEXT:
        return _WINERROR_TEXT[winerror]
    return _ERRNO_TEXT.get(exc.errno or 0) or exc.strerror or str(exc)


def read_file(path: Path, *, limit: int, error: type[Exception], kind: str, too_big: str) -> bytes:
    """The whole of a file no larger than ``limit`` bytes; every failure becomes ``error`` with a
    Chinese message (``kind``: what the file should be; ``too_big``: what its size says)."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise error(f"“{path.name}”过大（{size // 1024 // 1024} MB），{too_big}")
        return path.read_bytes()
    except FileNotFoundError:
        raise error(f"找不到文件 {path}") from None
    except IsADirectoryError:
        raise error(f"{path} 是文件夹，不是{kind}") from None
    except OSError as exc:
        raise error(f"无法读取 {path}：{os_error_text(exc)}") from None


def save(report: Report, path: str | os.PathLike[str], **kwargs: Any) -> None:
    """Write atomically: a crash mid-save leaves the previous file intact."""
    try:
        data = dumps(report, **kwargs).encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate pasted into a text
        raise ReportFileError(f"报告中含有无法保存的字符（{exc.object[exc.start:exc.end]!r}），请删除后再保存") from None
    write_atomic(Path(path), data)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync it, then rename over ``path``."""
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ReportFileError(f"无法在 {path.parent} 中写入：{os_error_text(exc)}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:  # keep the old file's permissions (mkstemp creates owner-only files)
            os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
        except OSError:
            pass
        os.replace(tmp, path)
    except BaseException as exc:  # whatever stops the save (even Ctrl+C), leave no temp file behind
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise ReportFileError(f"保存 {path.name} 失败：{os_error_text(exc)}；原文件未改动") from None
        raise
    if os.name == "posix":  # make the rename durable; directories cannot be fsynced on Windows
        try:
            dir_fd = os.open(path.parent, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(dir_fd)
        except OSError:
            pass
        finally:
            os.close(dir_fd)
