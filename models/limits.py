"""Every limit of the editor, in one place: what a report file may hold and what an import may cost.

The loader refuses a file past these limits; so the saver refuses to write one (before anything
is written), the GUI's fields stop typing at them and the importers cut a text to them with a
finding. Whatever is saved can therefore be opened again.

This module also holds the few pure functions that apply the limits to a whole report
(:func:`report_problems` for the saver, :func:`fit_report` for the importers) and the one place
that replaces characters no UTF-8 file can hold (:func:`clean_text`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from models.values import Quantity

if TYPE_CHECKING:
    from models.numbers import NumberSpec
    from models.report import Report

# ---------------------------------------------------------------------- the report file

MAX_FILE_BYTES = 8 * 1024 * 1024  # a real report is ~30 KB; refuse anything absurd
MAX_AGENCY_CHARS = 200  # 机关名称
MAX_META_CHARS = 500  # the published title, the date
MAX_TEXT_CHARS = 500_000  # one narrative section, one table's note
MAX_EXPLANATION_CHARS = MAX_TEXT_CHARS  # the 说明 of an accepted warning: a text like any other
MAX_PREVIOUS_TEXT_CHARS = 100_000  # one of last year's texts kept in this year's file (``previous``)
MAX_FILE_NUMBER_CHARS = 40  # a number in the file is plain digits, at most this long
MAX_FILE_COUNT = 10**15  # larger than any count a report can hold (files of older versions load)

# The bounds of a cell's value (rule value.type: 12 digits, 6 places for 万元) are the template's
# ``number_kinds``, read by models.numbers.NumberSpec; MAX_FILE_COUNT / MAX_FILE_NUMBER_CHARS
# above only bound what a file may hold at all.

# ---------------------------------------------------------------------- the GUI

COUNTER_FROM = 0.8  # a field shows how many characters are left once it is this full

# ---------------------------------------------------------------------- imports (bound the work, not only the bytes)

MAX_IMPORT_BYTES = 20 * 1024 * 1024  # a saved web page with inline images stays far below this
MAX_TEXT_IMPORT_BYTES = 4 * 1024 * 1024  # a report's text is some 10–100 KB
MAX_IMPORT_LINES = 20_000  # lines of a published report's text or page (a report has 100–2,000)
HTML_MAX_ELEMENTS = 50_000  # a real report page has a few thousand tags
HTML_MAX_DEPTH = 512  # open elements inside each other; real pages stay below 60
HTML_CHUNK_CHARS = 256 * 1024  # the page is parsed in pieces, so a limit stops the work early
# Office files (.xlsx, .docx) are zip archives; these are checked on the zip directory first.
ARCHIVE_MAX_MEMBERS = 1000  # parts (ours has ~15)
ARCHIVE_MAX_MEMBER_BYTES = 50 * 1024 * 1024  # one part, inflated
ARCHIVE_MAX_TOTAL_BYTES = 200 * 1024 * 1024  # all parts, inflated
# A bomb is a part that inflates to too much: judged by absolute size. A high ratio alone is
# no harm (our own workbook of a 499,000-character narrative compresses 200-fold); it only
# counts for a part larger than any part of a real report's file.
ARCHIVE_RATIO_FLOOR = 16 * 1024 * 1024
ARCHIVE_MAX_RATIO = 100
XLSX_STRAY_MARGIN = 30  # rows/columns beyond a table searched for stray content
XLSX_MAX_MAP_ROWS = 20_000  # rows of our hidden map sheet (a report needs ~450)
XLSX_MAX_SHEET_ROWS = 100_000  # rows read from one sheet (a narrative is one row per line)
XLSX_TEXT_MARGIN = 1000  # rows below a sheet's mapped texts still read (paragraphs added in Excel)
XLSX_MAX_SHARED_STRINGS = 300_000  # strings of a workbook's shared table

# ---------------------------------------------------------------------- many reports (review, roll-up)

ZIP_MAX_NESTING = 2  # a .zip of reports inside a .zip is read; one more level is refused
ZIP_MAX_MEMBERS = 100_000  # files in one archive
ZIP_MAX_NESTED_BYTES = 200 * 1024 * 1024  # an inner archive is held in memory while its members are read
ZIP_MAX_TOTAL_BYTES = 4 * 1024 * 1024 * 1024  # declared uncompressed total: bounds the work of one archive
ZIP_MAX_RATIO = 100  # uncompressed / compressed, for members above ZIP_RATIO_FLOOR (zip bombs)
# Judged by absolute size: a report that compresses 200-fold (a long repetitive narrative) is no
# bomb; only a member larger than any report could be (MAX_IMPORT_BYTES) is judged by its ratio.
ZIP_RATIO_FLOOR = MAX_IMPORT_BYTES
MAX_ROLLUP_UNITS = 20_000  # units summed into one report (meta.units)


@dataclass(frozen=True, slots=True)
class TextLimit:
    """A text field's limit, with the words messages use for it."""

    field: str  # "agency", "title", "date", "text:<section>", "note:<section>", "explanation"
    label: str
    max_chars: int


def counter_text(length: int, max_chars: int) -> str | None:
    """What a field shows near its limit (``还可输入 1,234 字``), else None."""
    if length < max_chars * COUNTER_FROM:
        return None
    left = max(0, max_chars - length)
    return f"已达上限 {max_chars:,} 字" if not left else f"还可输入 {left:,} 字（上限 {max_chars:,}）"


# ---------------------------------------------------------------------- characters a file cannot hold

_UNENCODABLE = re.compile(r"[\ud800-\udfff]")  # lone surrogates: UTF-8 cannot encode them
REPLACEMENT = "\ufffd"


def clean_text(text: str) -> tuple[str, int]:
    """``text`` with every character UTF-8 cannot hold replaced by U+FFFD, and how many."""
    if text.isascii():
        return text, 0
    cleaned, n = _UNENCODABLE.subn(REPLACEMENT, text)
    return cleaned, n


# ---------------------------------------------------------------------- numbers


def fits_file(value: object, spec: NumberSpec | None = None) -> bool:
    """Whether the loader takes ``value`` back from a file: a whole number within
    ``MAX_FILE_COUNT``, an amount (``spec`` not whole, or no spec) that prints as at most
    ``MAX_FILE_NUMBER_CHARS`` plain digits. Looser than value.type (files of older versions still
    open; the checker then reports the value), never unbounded."""
    if value is None:
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) <= MAX_FILE_COUNT
    if isinstance(value, Quantity) and (spec is None or spec.kept_units):
        value = value.amount
    if isinstance(value, Decimal) and (spec is None or not spec.whole):
        if not value.is_finite():
            return False
        _sign, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int)
        # the length of format(value, "f"), computed without building it
        width = max(len(digits) + exponent, 1) + (max(0, -exponent) + 1 if exponent < 0 else 0) + (1 if _sign else 0)
        return width <= MAX_FILE_NUMBER_CHARS
    return False


# ---------------------------------------------------------------------- a whole report


def text_limits(report: Report) -> list[tuple[TextLimit, str]]:
    """Every text of ``report`` with its limit."""
    t = report.template
    out: list[tuple[TextLimit, str]] = [(TextLimit("agency", "机关名称", MAX_AGENCY_CHARS), report.meta.agency)]
    for name, label in (("title", "原文标题"), ("date", "落款日期")):
        value = getattr(report.meta, name)
        if value is not None:
            out.append((TextLimit(name, label, MAX_META_CHARS), value))
    if report.preface:
        out.append((_preface_limit(), report.preface))
    for section in t.sections:
        if not section.is_table:
            out.append((TextLimit(f"text:{section.key}", f"“{section.title}”", MAX_TEXT_CHARS), report.text(section.key)))
        elif report.notes.get(section.key):
            out.append((TextLimit(f"note:{section.key}", f"“{section.title}”的表注", MAX_TEXT_CHARS),
                        report.notes[section.key]))
    for a in report.acceptances:
        out.append((TextLimit("explanation", "已接受警告的说明", MAX_EXPLANATION_CHARS), a.explanation))
    return out


def _preface_limit() -> TextLimit:
    from models.report import PREFACE, PREFACE_LABEL  # here: models.report imports this module's users

    return TextLimit(f"text:{PREFACE}", f"“{PREFACE_LABEL}”", MAX_TEXT_CHARS)


def report_problems(report: Report) -> list[str]:
    """What in ``report`` no report file may hold (Chinese, one line each); empty when it fits.

    The saver refuses a report with problems before it writes anything.
    """
    problems: list[str] = []
    for limit, text in text_limits(report):
        if len(text) > limit.max_chars:
            problems.append(f"{limit.label}有 {len(text):,} 字，超过上限 {limit.max_chars:,} 字")
        elif not text.isascii() and _UNENCODABLE.search(text):
            problems.append(f"{limit.label}中含有无法保存的字符（孤立的代理字符），请删除后再保存")
    t = report.template
    for ref, value in report.values.items():
        spec = t.cell(*ref)
        if spec is not None and not fits_file(value, spec.number):
            problems.append(f"“{t.section(ref.section).title}”中“{spec.row_label}/{spec.column_label}”的数值无法保存"
                            f"（{_short_value(value)}），请改正后再保存")
    last = report.previous
    if last is not None:
        texts = list(last.texts.values())
        if any(len(text) > MAX_PREVIOUS_TEXT_CHARS for text in texts) or len(last.agency) > MAX_AGENCY_CHARS \
                or any(not text.isascii() and _UNENCODABLE.search(text) for text in texts) \
                or not all(fits_file(v) for v in last.values.values()):
            problems.append("关联的上年报告数据超出了文件所能保存的范围，请重新关联上年报告")
    return problems


def _short_value(value: object) -> str:
    if isinstance(value, Decimal) and (not value.is_finite() or abs(value.adjusted()) > MAX_FILE_NUMBER_CHARS):
        return str(value)[:30]  # str() of a Decimal uses an exponent: never a million digits
    text = str(value)
    return text if len(text) <= 30 else text[:27] + "…"


@dataclass(frozen=True, slots=True)
class Fitted:
    """One change :func:`fit_report` made, for the importer's finding."""

    field: str  # as in TextLimit.field
    label: str
    kind: str  # "cut" or "characters"
    before: int  # characters before the cut, or characters replaced
    section: str | None
    limit: int = 0  # the limit it was cut to


def fit_report(report: Report) -> list[Fitted]:
    """Make an imported report fit a file: cut texts at their limit, replace characters UTF-8
    cannot hold. Returns what was changed (the importer turns each into a finding)."""
    changes: list[Fitted] = []

    def fit(limit: TextLimit, text: str, section: str | None) -> str:
        cleaned, n = clean_text(text)
        if n:
            changes.append(Fitted(limit.field, limit.label, "characters", n, section))
        if len(cleaned) > limit.max_chars:
            changes.append(Fitted(limit.field, limit.label, "cut", len(cleaned), section, limit.max_chars))
            cleaned = cleaned[: limit.max_chars]
        return cleaned

    meta = report.meta
    meta.agency = fit(TextLimit("agency", "机关名称", MAX_AGENCY_CHARS), meta.agency, None)
    for name, label in (("title", "原文标题"), ("date", "落款日期")):
        value = getattr(meta, name)
        if value is not None:
            setattr(meta, name, fit(TextLimit(name, label, MAX_META_CHARS), value, None))
    if report.preface:
        preface = _preface_limit()
        report.texts[preface.field.removeprefix("text:")] = fit(preface, report.preface, None)
    for section in report.template.sections:
        if not section.is_table:
            if report.text(section.key):
                report.texts[section.key] = fit(
                    TextLimit(f"text:{section.key}", f"“{section.title}”", MAX_TEXT_CHARS),
                    report.text(section.key), section.key)
        elif report.notes.get(section.key):
            report.notes[section.key] = fit(
                TextLimit(f"note:{section.key}", f"“{section.title}”的表注", MAX_TEXT_CHARS),
                report.notes[section.key], section.key)
    fitted_acceptances = []
    for a in report.acceptances:
        explanation = fit(TextLimit("explanation", "已接受警告的说明", MAX_EXPLANATION_CHARS), a.explanation, None)
        fitted_acceptances.append(a if explanation == a.explanation else type(a)(a.rule, a.cells, explanation,
                                                                                    a.accepted_at))
    report.acceptances = fitted_acceptances
    return changes


def fitted_message(change: Fitted) -> str:
    if change.kind == "cut":
        return (f"{change.label}有 {change.before:,} 字，超过上限 {change.limit:,} 字；只导入了前 {change.limit:,} 字，"
                "请核对结尾")
    return f"{change.label}中有 {change.before} 个无法保存的字符（孤立的代理字符），已替换为“{REPLACEMENT}”"
