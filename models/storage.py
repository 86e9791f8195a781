"""The report file: a human-readable, diff-stable UTF-8 JSON document (see the spec).

Saving is atomic (temporary file in the same folder, flush + fsync, rename), so a crash during
a save never damages the existing file. It writes through a symbolic link to the file it points
at, keeps an existing file's permissions, gives a new file the umask's, refuses a read-only file
and removes the temporary files a killed save left behind. A report past any limit of
:mod:`models.limits` is refused before anything is written, so whatever is saved loads again.
Loading refuses anything that is not a report of a known template and schema, with a Chinese
message in :class:`ReportFileError`.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import re
import stat
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from models import limits
from models.findings import Finding
from models.fingerprint import Fingerprint
from models.last_year import LastYear, SourceFile
from models.limits import MAX_FILE_BYTES, MAX_FILE_COUNT, MAX_FILE_NUMBER_CHARS, MAX_TEXT_CHARS
from models.numbers import NumberSpec
from models.report import LEVELS, PREFACE, PREFACE_LABEL, Acceptance, Meta, Report, UnitSource
from models.template import CellSpec, ReportTemplate, SectionSpec, available_templates, load_template
from models.values import CellRef, Quantity, Value

FORMAT_ID = "gov-info-disclosure-annual-report"
SCHEMA_VERSION = 1
SUFFIX = ".json"
STALE_TEMP_SECONDS = 120  # a temporary file older than this belongs to no save in progress
_PLAIN_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")  # how the saver writes an amount: no exponent


class ReportFileError(Exception):
    """A report file cannot be read or written. ``str(exc)`` is a message for the user."""


class NewerVersionError(ReportFileError):
    """The file was written by a newer version of the editor."""


class ReadOnlyFileError(ReportFileError):
    """The file to save over is marked read-only (文件为只读); nothing was written."""


@dataclass
class Loaded:
    """A report read from a file, with what the loader had to repair (characters replaced)."""

    report: Report
    findings: list[Finding] = field(default_factory=list)
    fingerprint: Fingerprint | None = None  # the file as read (to notice another desk's save)


# ---------------------------------------------------------------------- to/from dict


def to_dict(report: Report, *, live_keys: set[tuple[str, tuple[CellRef, ...]]] | None = None) -> dict[str, Any]:
    """The document as ordered plain data. ``live_keys`` (rule, cells) drops stale acceptances."""
    t = report.template
    meta: dict[str, Any] = {"agency": report.meta.agency, "year": report.meta.year}
    for name in ("title", "date", "level"):
        value = getattr(report.meta, name)
        if value is not None:  # "" too: save → load must give back exactly what was saved
            meta[name] = value
    if report.meta.units:  # a roll-up: which units' reports it sums
        meta["units"] = [{"agency": u.agency, "file": u.file, "sha256": u.sha256} for u in report.meta.units]
    sections: dict[str, Any] = {}
    if report.preface:  # optional: a file without one stays readable by older versions
        sections[PREFACE] = {"text": report.preface}
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
    if report.previous is not None:
        doc["previous"] = previous_to_dict(report.previous)
    return doc


def previous_to_dict(last: LastYear) -> dict[str, Any]:
    """The ``previous`` block: last year's year, format, agency, source file, the cells it filled
    in (``"section.row.column": value`` in its format's order) and its texts."""
    out: dict[str, Any] = {"year": last.year, "template": last.template}
    if last.agency:
        out["agency"] = last.agency
    if last.source is not None:
        out["source"] = {"name": last.source.name, "sha256": last.source.sha256}
    try:
        order = [c.ref for c in load_template(last.template).all_cells()]
    except KeyError:  # pragma: no cover - a LastYear is only made of a known template
        order = list(last.values)
    out["values"] = {str(ref): _dump_value(last.values[ref]) for ref in order
                     if last.values.get(ref) is not None}
    texts = {k: last.texts[k] for k in (PREFACE, *last.texts) if last.texts.get(k)}
    if texts:
        out["texts"] = texts
    return out


def _dump_value(value: Value) -> int | str | None:
    if isinstance(value, (Decimal, Quantity)):
        if not limits.fits_file(value):  # never format an unbounded Decimal
            raise ReportFileError(f"数值 {limits._short_value(value)} 无法保存")
        return format(value, "f") if isinstance(value, Decimal) else str(value)  # "251000元": the amount with the unit the report printed
    return value


def dumps(report: Report, **kwargs: Any) -> str:
    return json.dumps(to_dict(report, **kwargs), ensure_ascii=False, indent=2) + "\n"


def from_dict(doc: Any, *, source: str = "文件", repairs: list[Finding] | None = None) -> Report:
    """Build a report from parsed JSON, validating every field.

    Characters no UTF-8 file can hold (lone surrogates from a ``\\ud800`` escape) are replaced;
    each text where that happened adds a finding to ``repairs``.
    """
    fixes: list[Finding] = repairs if repairs is not None else []
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
    report.meta.agency = _clean(report.meta.agency, "机关名称", None, fixes)
    for name, label in (("title", "原文标题"), ("date", "落款日期")):
        value = getattr(report.meta, name)
        if value is not None:
            setattr(report.meta, name, _clean(value, label, None, fixes))
    sections = doc.get("sections")
    if not isinstance(sections, dict):
        raise ReportFileError(f"{source}缺少 sections")
    for key in sections:
        if not template.has_section(key) and key != PREFACE:
            raise ReportFileError(f"{source}含有未知栏目 {key!r}")
    preface = sections.get(PREFACE, {})
    text = preface.get("text", "") if isinstance(preface, dict) else None
    if not isinstance(text, str):
        raise ReportFileError(f"{source}中“{PREFACE_LABEL}”的文字格式错误")
    if len(text) > MAX_TEXT_CHARS:
        raise ReportFileError(f"{source}中“{PREFACE_LABEL}”的文字有 {len(text):,} 字，超过上限 {MAX_TEXT_CHARS:,} 字")
    if text:
        report.texts[PREFACE] = _clean(text, f"“{PREFACE_LABEL}”", None, fixes)
    for section in template.sections:
        body = sections.get(section.key, {})
        if not isinstance(body, dict):
            raise ReportFileError(f"{source}中栏目 {section.key} 的内容格式错误")
        if not section.is_table:
            text = body.get("text", "")
            if not isinstance(text, str):
                raise ReportFileError(f"{source}中“{section.title}”的文字格式错误")
            if len(text) > MAX_TEXT_CHARS:
                raise ReportFileError(f"{source}中“{section.title}”的文字有 {len(text):,} 字，"
                                      f"超过上限 {MAX_TEXT_CHARS:,} 字")
            report.texts[section.key] = _clean(text, f"“{section.title}”", section.key, fixes)
            continue
        note = body.get("note")
        if note is not None:
            if not isinstance(note, str) or len(note) > MAX_TEXT_CHARS:
                raise ReportFileError(f"{source}中“{section.title}”的表注格式错误")
            report.notes[section.key] = _clean(note, f"“{section.title}”的表注", section.key, fixes)
        cells = _cells_of(section)
        values = report.values
        for row, cols in body.items():
            if row == "note":
                continue
            if not isinstance(cols, dict):
                raise ReportFileError(f"{source}中“{section.title}”的行 {row!r} 格式错误")
            row_cells = cells.get(row, {})
            for col, raw in cols.items():
                hit = row_cells.get(col)
                if hit is None:
                    raise ReportFileError(f"{source}中“{section.title}”没有单元格 {row}/{col}")
                ref, spec, whole = hit
                if type(raw) is int and whole and -MAX_FILE_COUNT <= raw <= MAX_FILE_COUNT:
                    values[ref] = raw  # the common case, without a call (check over thousands of files)
                else:
                    values[ref] = _load_value(raw, spec, source, section.title)
    if doc.get("previous") is not None:
        try:
            report.previous = previous_from_dict(doc["previous"], source=source, repairs=fixes)
        except ReportFileError as exc:  # the file is left as it is; say how to get this year's report back
            raise ReportFileError(f"{exc}。本年的报告内容没有问题：请改正文件中的 previous 部分，或把它整个删除后再打开"
                                  "（删除后可用“检查 → 关联上年报告…”重新关联上年报告）") from None
    report.acceptances = [
        a if (text := _clean(a.explanation, "已接受警告的说明", None, fixes)) == a.explanation
        else Acceptance(a.rule, a.cells, text, a.accepted_at)
        for a in _acceptances(doc.get("acceptances", []), template, source)
    ]
    return report


_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def previous_from_dict(raw: Any, *, source: str = "文件", repairs: list[Finding] | None = None) -> LastYear:
    """Last year's figures and texts from a ``previous`` block, every field validated."""
    fixes: list[Finding] = repairs if repairs is not None else []
    where = f"{source}中保存的上年报告数据（previous）"
    if not isinstance(raw, dict):
        raise ReportFileError(f"{where}格式错误")
    template_id = raw.get("template")
    if not isinstance(template_id, str) or template_id not in available_templates():
        newer = isinstance(template_id, str) and template_id.isdigit() and template_id > max(available_templates())
        raise ReportFileError(f"{where}使用未知的报告格式模板 {_short(template_id)}"
                              f"（本程序支持：{'、'.join(available_templates())}"
                              + ("；可能由更新版本的年报编辑器保存，请升级）" if newer else "）"))
    template = load_template(template_id)
    year = raw.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2999):
        raise ReportFileError(f"{where}的年度无效：{_short(year)}")
    agency = raw.get("agency", "")
    if not isinstance(agency, str) or len(agency) > limits.MAX_AGENCY_CHARS:
        raise ReportFileError(f"{where}的机关名称格式错误")
    found = raw.get("source")
    file: SourceFile | None = None
    if found is not None:
        if not isinstance(found, dict) or not isinstance(found.get("name"), str) \
                or len(found["name"]) > limits.MAX_META_CHARS or not isinstance(found.get("sha256"), str) \
                or not _SHA256.match(found["sha256"]):
            raise ReportFileError(f"{where}的来源文件（source：name、sha256）格式错误")
        file = SourceFile(_clean(found["name"], "上年报告的文件名", None, fixes), found["sha256"])
    values: dict[CellRef, Value] = {}
    cells = raw.get("values", {})
    if not isinstance(cells, dict):
        raise ReportFileError(f"{where}的数值（values）格式错误")
    for key, value in cells.items():
        ref = CellRef.parse(key) if isinstance(key, str) else None
        spec = template.cell(*ref) if ref is not None else None
        if ref is None or spec is None:
            raise ReportFileError(f"{where}中没有单元格 {_short(key)}")
        loaded = _load_value(value, spec, where, template.section(ref.section).title)
        if loaded is not None:
            values[ref] = loaded
    texts: dict[str, str] = {}
    kept = raw.get("texts", {})
    if not isinstance(kept, dict):
        raise ReportFileError(f"{where}的文字（texts）格式错误")
    for key, text in kept.items():
        if key != PREFACE and (not isinstance(key, str) or not template.has_section(key)
                               or template.section(key).is_table):
            raise ReportFileError(f"{where}中没有叙述部分 {_short(key)}")
        if not isinstance(text, str) or len(text) > limits.MAX_PREVIOUS_TEXT_CHARS:
            raise ReportFileError(f"{where}中的文字格式错误或过长（每部分最多 {limits.MAX_PREVIOUS_TEXT_CHARS:,} 字）")
        if text:
            texts[key] = _clean(text, "上年报告的文字", None, fixes)
    return LastYear(template=template_id, year=year, values=values, texts=texts,
                    agency=_clean(agency, "上年报告的机关名称", None, fixes), source=file)


def _clean(text: str, label: str, section: str | None, fixes: list[Finding]) -> str:
    cleaned, n = limits.clean_text(text)
    if n:
        fixes.append(Finding(
            rule="file.characters", severity="warning", section=section, cells=(), total_cell=None,
            expected=None, actual=None, order=len(fixes),
            message=f"{label}中有 {n} 个无法保存的字符（孤立的代理字符），已替换为“{limits.REPLACEMENT}”；请核对",
            key=("file.characters", label),
        ))
    return cleaned


def _meta(raw: Any, source: str) -> Meta:
    if not isinstance(raw, dict):
        raise ReportFileError(f"{source}缺少 meta（机关名称和年度）")
    agency = raw.get("agency", "")
    year = raw.get("year")
    if not isinstance(agency, str) or len(agency) > limits.MAX_AGENCY_CHARS:
        raise ReportFileError(f"{source}中的机关名称格式错误（应为不超过 {limits.MAX_AGENCY_CHARS} 字的文字）")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2999):
        raise ReportFileError(f"{source}中的年度无效：{_short(year)}")
    meta = Meta(agency=agency, year=year)
    for name in ("title", "date", "level"):
        value = raw.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > limits.MAX_META_CHARS):
            raise ReportFileError(f"{source}中的 meta.{name} 格式错误")
        setattr(meta, name, value)
    if meta.level is not None and meta.level not in LEVELS:
        raise ReportFileError(f"{source}中的机关层级 {_short(meta.level)} 无效")
    meta.units = _units(raw.get("units", []), source)
    return meta


def _units(raw: Any, source: str) -> tuple[UnitSource, ...]:
    """``meta.units`` of a roll-up: a list of {"agency", "file", "sha256"}."""
    if not isinstance(raw, list) or len(raw) > limits.MAX_ROLLUP_UNITS:
        raise ReportFileError(f"{source}中的 meta.units（汇总的单位）格式错误")
    out = []
    for item in raw:
        fields = [item.get(k) for k in ("agency", "file", "sha256")] if isinstance(item, dict) else []
        if len(fields) != 3 or not all(isinstance(f, str) and len(f) <= limits.MAX_META_CHARS for f in fields):
            raise ReportFileError(f"{source}中的 meta.units（汇总的单位）格式错误")
        agency, file, sha256 = (str(f) for f in fields)
        out.append(UnitSource(agency, file, sha256))
    return tuple(out)


@cache
def _cells_of(section: SectionSpec) -> dict[str, dict[str, tuple[CellRef, CellSpec, bool]]]:
    """A table's cells by row and column key, with their reference and whether they hold whole numbers."""
    out: dict[str, dict[str, tuple[CellRef, CellSpec, bool]]] = {}
    for c in section.cells:
        out.setdefault(c.row, {})[c.column] = (c.ref, c, c.number.whole)
    return out


def _load_value(raw: Any, cell: CellSpec, source: str, title: str) -> Value:
    """A cell as the file holds it: an int for whole numbers, a decimal string for amounts
    (with the unit a unit-keeping column printed). Only the shape is checked here; whether the
    value is valid for its column (sign, digits, places) is ``value.type``'s to say."""
    if raw is None:
        return None
    spec: NumberSpec = cell.number
    if type(raw) is int and spec.whole and -MAX_FILE_COUNT <= raw <= MAX_FILE_COUNT:
        return raw  # the common case: no message to build
    where = f"{source}中“{title}”的“{cell.row_label}/{cell.column_label}”"
    if spec.whole:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ReportFileError(f"{where}应为整数，却是 {_short(raw)}")
        raise ReportFileError(f"{where}数值过大：{_short(raw)}")
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise ReportFileError(f"{where}应为金额字符串（如 \"68.64\"），却是 {_short(raw)}")
    if isinstance(raw, int) and abs(raw) > MAX_FILE_COUNT:
        raise ReportFileError(f"{where}不是有效金额：{_short(raw)}")
    text, unit = (raw if isinstance(raw, str) else str(raw)), ""
    for kept in sorted(spec.kept_units, key=len, reverse=True):  # 251000元: the unit the report printed
        if text.endswith(kept):
            text, unit = text[: -len(kept)], kept
            break
    # Only plain digits, as the saver writes them: an exponent (1e-999999999) would make a
    # Decimal whose every printing costs gigabytes.
    if len(text) > MAX_FILE_NUMBER_CHARS or not _PLAIN_NUMBER.match(text):
        raise ReportFileError(f"{where}不是有效金额：{_short(raw)}（金额应写作不超过 {MAX_FILE_NUMBER_CHARS} 位的数字，"
                              "如 \"68.64\"，最多 6 位小数）")
    try:
        amount = Decimal(text)
    except InvalidOperation:  # pragma: no cover - guarded by the pattern
        raise ReportFileError(f"{where}不是有效金额：{_short(raw)}") from None
    return Quantity(amount, unit) if spec.kept_units else amount


def _short(raw: Any) -> str:
    """A value quoted in a message as the file writes it (a text in quotes, ``null``, ``2024.0``),
    cut short: a broken file may hold megabytes in one cell."""
    if raw is None or isinstance(raw, bool):
        text = json.dumps(raw)
    elif isinstance(raw, str):
        text = f"“{raw}”"
    elif isinstance(raw, (int, Decimal)):
        text = str(raw)
    elif isinstance(raw, dict):
        text = "{…}（一组键值）" if raw else "{}"
    elif isinstance(raw, list):
        text = "[…]（一个列表）" if raw else "[]"
    else:
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


def loads(text: str, *, source: str = "文件", repairs: list[Finding] | None = None) -> Report:
    if len(text) > MAX_FILE_BYTES:
        raise ReportFileError(f"{source}过大（超过 {MAX_FILE_BYTES // 1024 // 1024} MB），不是报告文件")
    try:
        doc = json.loads(text, parse_float=Decimal)
    except (json.JSONDecodeError, RecursionError) as exc:
        line = getattr(exc, "lineno", "?")
        raise ReportFileError(f"{source}已损坏或不是 JSON（第 {line} 行附近）") from None
    except ValueError:
        raise ReportFileError(f"{source}已损坏或不是 JSON") from None
    return from_dict(doc, source=source, repairs=repairs)


# ---------------------------------------------------------------------- files


def load(path: str | os.PathLike[str]) -> Report:
    """Read a report file. Raises :class:`ReportFileError` (never anything else) on bad input."""
    return read(path).report


#: What a report file begins with, in the writer's order (:func:`to_dict`): all short.
HEAD_KEYS = ("format", "schema_version", "template", "meta")
_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_JSON_DECODER = json.JSONDecoder()
_HEAD_BYTES = 4096  # what a report file's head takes, with room: decoded first, the rest only if needed
_UTF8 = codecs.getincrementaldecoder("utf-8")  # keeps a character cut at the end for later


def read_head(data: bytes) -> dict[str, Any] | None:
    """The top-level ``template`` and ``meta`` of a report file's bytes (after whatever else of
    :data:`HEAD_KEYS` comes first), parsed without the sections after them: what a review needs to
    place a file, for a tenth of a whole parse. None when the file does not plainly begin as our
    writer writes it — another key first, something malformed before both are read — or when a
    later part could name either again (``json.loads`` keeps a key's last value); then only a
    whole parse can say. Only the head is decoded: the rest is searched as bytes."""
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0  # as "utf-8-sig" reads it
    try:
        text = _UTF8(errors="strict").decode(data[start:start + _HEAD_BYTES], final=False)
        walked = _walk_head(text)
        if walked is None and len(data) > start + _HEAD_BYTES:  # a head longer than the bytes decoded
            text = data[start:].decode("utf-8")
            walked = _walk_head(text)
    except UnicodeDecodeError:
        return None
    if walked is None:
        return None
    head, end = walked
    # a key written again later, or spelled with escapes, would win in a whole parse
    rest = start + len(text[:end].encode("utf-8"))
    if data.find(b'"meta"', rest) >= 0 or data.find(b'"template"', rest) >= 0 or data.find(b"\\u", rest) >= 0:
        return None
    return head


def _walk_head(text: str) -> tuple[dict[str, Any], int] | None:
    """``({"template": …, "meta": …}, where they end)`` read key by key from the start of ``text``."""
    decode = _JSON_DECODER.raw_decode
    i = _space(text, 0)
    if not text.startswith("{", i):
        return None
    head: dict[str, Any] = {}
    i += 1
    try:
        while True:
            i = _space(text, i)
            if not text.startswith('"', i):
                return None
            key, i = decode(text, i)
            if key not in HEAD_KEYS or key in head:
                return None
            i = _space(text, i)
            if not text.startswith(":", i):
                return None
            value, i = decode(text, _space(text, i + 1))
            head[key] = value
            if "template" in head and "meta" in head:
                return {"template": head["template"], "meta": head["meta"]}, i
            i = _space(text, i)
            if not text.startswith(",", i):
                return None
            i += 1
    except (ValueError, RecursionError):  # JSONDecodeError, a number past int's digits, deep nesting
        return None


def _space(text: str, i: int) -> int:
    """Where the JSON white space at ``i`` ends (as ``json`` skips it)."""
    found = _JSON_SPACE.match(text, i)
    return found.end() if found is not None else i


def read(path: str | os.PathLike[str], *, fingerprint: bool = True) -> Loaded:
    """Read a report file, with findings for what had to be repaired (see :func:`from_dict`)
    and the fingerprint of the very bytes read (``fingerprint=False``: none, and the file is read
    once, unchecked against its stat; a batch check of thousands needs no fingerprint)."""
    p = Path(path)
    if not fingerprint:
        return read_bytes(read_file(p, limit=MAX_FILE_BYTES, error=ReportFileError, kind="报告文件",
                                    too_big="不是报告文件"), p.name)
    for _ in range(3):  # another desk saving meanwhile: read again, so bytes and stat agree
        try:
            before = p.stat()
        except OSError:
            before = None
        data = read_file(p, limit=MAX_FILE_BYTES, error=ReportFileError, kind="报告文件", too_big="不是报告文件")
        try:
            after = p.stat()
        except OSError:
            after = None
        if before is not None and after is not None and (before.st_mtime_ns, before.st_size) == (
                after.st_mtime_ns, after.st_size):
            break
    loaded = read_bytes(data, p.name)
    loaded.fingerprint = Fingerprint.of(data, after) if after is not None else None
    return loaded


def read_bytes(data: bytes, name: str) -> Loaded:
    source = f"“{name}”"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReportFileError(f"{source}不是 UTF-8 文本，不是报告文件") from None
    repairs: list[Finding] = []
    return Loaded(loads(text, source=source, repairs=repairs), repairs)


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
    errno.EIO: "读写磁盘时出错（磁盘、U 盘或网络共享可能有故障，或已被拔出）",
    errno.EFBIG: "文件过大，该位置无法保存",
    errno.EMFILE: "打开的文件过多，请关闭一些程序后重试",
    errno.ENFILE: "系统打开的文件过多，请稍后重试",
    errno.ETIMEDOUT: "访问超时（网络共享没有响应）",
    errno.EINVAL: "文件名或路径无效（不能含有 \\ / : * ? \" < > | 等字符）",
    errno.ENODEV: "设备不存在（U 盘或网络共享可能已断开）",
    errno.ENXIO: "设备不存在（U 盘或网络共享可能已断开）",
    errno.EAGAIN: "文件暂时无法访问，请稍后重试",
    errno.EEXIST: "文件已存在",
    errno.ENOTEMPTY: "文件夹不为空",
    errno.EXDEV: "不能跨磁盘移动文件",
    errno.ELOOP: "符号链接循环",
    errno.ECONNRESET: "网络连接中断（网络共享）",
    errno.ECONNREFUSED: "网络共享拒绝连接",
}
for _name, _text in (("EDQUOT", "磁盘配额已满（请清理空间或联系管理员）"),
                     ("ESTALE", "网络共享上的文件已失效（可能被别处移动或删除），请重新打开"),
                     ("EHOSTDOWN", "网络共享所在的计算机没有响应"), ("EHOSTUNREACH", "无法连接网络共享所在的计算机"),
                     ("ENETDOWN", "网络已断开"), ("ENETUNREACH", "网络不可达"), ("ENOLCK", "网络共享不支持文件锁"),
                     ("ETXTBSY", "文件正被其他程序占用")):
    if hasattr(errno, _name):  # not every platform defines these
        _ERRNO_TEXT[getattr(errno, _name)] = _text
_WINERROR_TEXT = {
    5: "没有访问权限（文件可能为只读，或正被其他程序使用）",
    32: "文件正被其他程序占用（如 WPS、Excel），请关闭后重试",
    33: "文件的一部分被其他程序锁定",
    53: "找不到网络路径（网络共享可能已断开）",
    64: "网络连接已断开",
    112: "磁盘空间不足",
    1392: "文件或目录已损坏，无法读取",
}


def os_error_text(exc: OSError) -> str:
    """What went wrong, in Chinese; the system's own words only in brackets after that."""
    winerror = getattr(exc, "winerror", None)
    if winerror in _WINERROR_TEXT:
        return _WINERROR_TEXT[winerror]
    known = _ERRNO_TEXT.get(exc.errno or 0)
    if known:
        return known
    detail = exc.strerror or str(exc) or type(exc).__name__
    return f"系统错误（{detail}，错误码 {exc.errno or winerror or '未知'}）"


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)  # Windows: no newline translation


def read_file(path: Path, *, limit: int, error: type[Exception], kind: str, too_big: str) -> bytes:
    """The whole of a file no larger than ``limit`` bytes; every failure becomes ``error`` with a
    Chinese message (``kind``: what the file should be; ``too_big``: what its size says)."""
    try:  # the common case: one open, its fstat and one read, without io's buffered file object
        fd = os.open(path, _READ_FLAGS)  # (a third of the cost of a small file: a batch reads thousands)
        try:
            size = os.fstat(fd).st_size
            if size <= limit:
                data = os.read(fd, size + 1)
                if len(data) == size:  # the whole file (a short read, or a file growing: below)
                    return data
        finally:
            os.close(fd)
    except OSError:
        pass  # said below, in the user's words
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


def encode(report: Report, **kwargs: Any) -> bytes:
    """The file's bytes, or :class:`ReportFileError` naming every limit the report breaks."""
    problems = limits.report_problems(report)
    if problems:
        more = f"（另有 {len(problems) - 5} 处）" if len(problems) > 5 else ""
        raise ReportFileError("报告超出了文件所能保存的范围，未保存：\n" + "\n".join(problems[:5]) + more)
    try:
        data = dumps(report, **kwargs).encode("utf-8")
    except UnicodeEncodeError as exc:  # pragma: no cover - report_problems finds these first
        raise ReportFileError(f"报告中含有无法保存的字符（{exc.object[exc.start:exc.end]!r}），请删除后再保存") from None
    if len(data) > MAX_FILE_BYTES:
        raise ReportFileError(f"报告共 {len(data) / 1024 / 1024:.1f} MB，超过报告文件的上限"
                              f" {MAX_FILE_BYTES // 1024 // 1024} MB，未保存；请缩短过长的文字（{_longest(report)}）")
    return data


def _longest(report: Report) -> str:
    label, text = max(((lim.label, text) for lim, text in limits.text_limits(report)), key=lambda x: len(x[1]))
    return f"最长的是{label}，{len(text):,} 字"


def save(report: Report, path: str | os.PathLike[str], **kwargs: Any) -> Fingerprint | None:
    """Write atomically: a crash mid-save leaves the previous file intact. Nothing is written
    when the report breaks a limit (:func:`encode`) or the file is read-only. Returns the
    fingerprint of the file written."""
    data = encode(report, **kwargs)
    return write_atomic(Path(path), data)


def target_of(path: Path) -> Path:
    """The file a save really writes: a symbolic link's target (so the link stays a link)."""
    try:
        return Path(os.path.realpath(path)) if path.is_symlink() else path
    except OSError:
        return path


def is_read_only(st: os.stat_result) -> bool:
    """Whether the file's mode bits forbid writing for this user. Root too: the read-only mark
    is the owner's wish (Office and WPS refuse as well), so ``os.access`` is not asked."""
    if os.name != "posix":
        return not st.st_mode & stat.S_IWRITE  # the read-only attribute
    uid = os.geteuid()
    if uid == 0:
        return not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    if st.st_uid == uid:
        return not st.st_mode & stat.S_IWUSR
    if st.st_gid in os.getgroups() or st.st_gid == os.getegid():
        return not st.st_mode & stat.S_IWGRP
    return not st.st_mode & stat.S_IWOTH


def _umask() -> int:
    """The process's umask, read without changing it where the system tells (Linux), since
    another thread (an export) may be creating a file at this moment."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return _UMASK_AT_START


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK_AT_START = _read_umask()  # at import, before any other thread exists


def remove_stale_temps(path: Path, older_than: float = STALE_TEMP_SECONDS) -> int:
    """Remove ``.name.*.tmp`` files a killed save of ``path`` left beside it; returns how many.

    Only those older than ``older_than`` seconds: a younger one may be another desk's save
    in progress on a shared folder.
    """
    prefix, removed, now = f".{path.name}.", 0, time.time()
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return 0
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(".tmp")) or "." in name[len(prefix):-4]:
            continue
        try:
            if entry.is_file(follow_symlinks=False) and now - entry.stat(follow_symlinks=False).st_mtime > older_than:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed


def write_atomic(path: Path, data: bytes) -> Fingerprint | None:
    """Write ``data`` to a temporary file beside ``path``, fsync it, then rename over ``path``.

    A symbolic link is written through to its target; an existing file keeps its mode (and,
    where allowed, its group), a new one gets the umask's; a read-only file is refused.
    """
    path = target_of(Path(path))
    try:
        existing: os.stat_result | None = path.stat()
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise ReportFileError(f"无法保存 {path.name}：{os_error_text(exc)}") from None
    if existing is not None and is_read_only(existing):
        raise ReadOnlyFileError(f"“{path.name}”文件为只读，不能覆盖；请用“另存为”保存到别的文件，"
                                "或在文件属性中取消“只读”后再保存")
    untouched = "；原文件未改动" if existing is not None else ""
    remove_stale_temps(path)
    import tempfile  # here: 4 ms of the editor's start-up otherwise (shutil, random, bz2, lzma…)

    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ReportFileError(f"无法在 {path.parent} 中写入：{os_error_text(exc)}{untouched}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates owner-only files: give the file the mode it had, else the umask's.
        mode = stat.S_IMODE(existing.st_mode) if existing is not None else 0o666 & ~_umask()
        try:
            os.chmod(tmp, mode)
            if existing is not None and os.name == "posix" and existing.st_gid != os.stat(tmp).st_gid:
                os.chown(tmp, -1, existing.st_gid)  # a shared folder's group, where we may
        except OSError:
            pass
        os.replace(tmp, path)
    except BaseException as exc:  # whatever stops the save (even Ctrl+C), leave no temp file behind
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise ReportFileError(f"保存 {path.name} 失败：{os_error_text(exc)}{untouched}") from None
        raise
    if os.name == "posix":  # make the rename durable; directories cannot be fsynced on Windows
        try:
            dir_fd = os.open(path.parent, os.O_RDONLY)
        except OSError:
            dir_fd = -1
        if dir_fd >= 0:
            try:
                os.fsync(dir_fd)
            except OSError:
                pass
            finally:
                os.close(dir_fd)
    try:
        return Fingerprint.of(data, path.stat())
    except OSError:
        return None
