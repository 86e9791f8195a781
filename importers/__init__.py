"""Reading what agencies already have into a :class:`~models.report.Report`.

``read_report(path)`` dispatches by suffix: our own .json report file, a published report's
flattened text (.txt), its saved web page (.html/.htm), its Word file (.docx), its PDF (.pdf),
or a workbook exported by us (.xlsx).
Importers read and write the domain model only.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from models.findings import Finding
from models.limits import MAX_IMPORT_BYTES, Fitted  # MAX_IMPORT_BYTES: importers take it from here
from models.report import Report

__all__ = ["MAX_IMPORT_BYTES", "ImportFailed", "ImportResult", "limit_finding", "read_report", "read_report_data"]


class ImportFailed(Exception):
    """The document cannot be imported; ``str(exc)`` is a Chinese message for the user."""


@dataclass
class ImportResult:
    """An imported report, always one a report file can hold.

    Whatever importer made it, a text past its limit is cut and characters UTF-8 cannot hold
    are replaced (:func:`models.limits.fit_report`), each with a finding, so the user can never
    save an import into a file that does not open again.
    """

    report: Report
    findings: list[Finding] = field(default_factory=list)  # how the document was written / what was missing

    def __post_init__(self) -> None:
        from models.limits import fit_report

        self.findings.extend(fitted_finding(change, len(self.findings) + i)
                             for i, change in enumerate(fit_report(self.report)))


def limit_finding(message: str, order: int, section: str | None = None) -> Finding:
    """An ``import.limit`` warning: the importer stopped at a limit of models.limits."""
    return Finding(rule="import.limit", severity="warning", section=section, cells=(), total_cell=None,
                   expected=None, actual=None, message=message, key=("import.limit", section or order), order=order)


def fitted_finding(change: Fitted, order: int) -> Finding:
    """The finding for one cut or replacement :func:`models.limits.fit_report` made."""
    from models.limits import fitted_message

    rule = "import.limit" if change.kind == "cut" else "import.characters"
    return Finding(rule=rule, severity="warning", section=change.section, cells=(), total_cell=None,
                   expected=None, actual=None, message=fitted_message(change), key=(rule, change.field),
                   order=order)


SUFFIXES = {
    ".json": "报告文件",
    ".txt": "年报文本",
    ".html": "年报网页",
    ".htm": "年报网页",
    ".xlsx": "Excel 工作簿",
    ".docx": "Word 文档",
    ".pdf": "PDF 文件",
}
# Old binary word-processor files: python-docx reads only the .docx (Office Open XML) format.
OLD_WORD = {".doc": "Word 97-2003 文档", ".wps": "WPS 文字文档", ".dot": "Word 97-2003 模板",
            ".wpt": "WPS 文字模板", ".rtf": "RTF 文档"}


def read_report(path: str | os.PathLike[str]) -> ImportResult:
    """Read any supported file. Raises ``ReportFileError`` or :class:`ImportFailed` only."""
    from models import storage

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".json":
        loaded = storage.read(p, fingerprint=False)  # an ImportResult carries none
        return ImportResult(loaded.report, loaded.findings)
    _known_suffix(p.name)
    return read_report_data(_read_bytes(p), p.name)


def read_report_data(data: bytes, name: str) -> ImportResult:
    """Read a document already in memory (e.g. a member of a .zip); ``name`` gives its type
    by suffix and names it in messages. Raises ``ReportFileError`` or :class:`ImportFailed` only."""
    from models import storage

    suffix = _known_suffix(name)
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFailed(f"“{Path(name).name}”过大（{len(data) // 1024 // 1024} MB），不像一份年度报告")
    if suffix == ".json":
        if len(data) > storage.MAX_FILE_BYTES:
            raise ImportFailed(f"“{Path(name).name}”过大（{len(data) // 1024 // 1024} MB），不是报告文件")
        loaded = storage.read_bytes(data, name)
        return ImportResult(loaded.report, loaded.findings)
    if suffix == ".xlsx":
        from importers.xlsx import import_workbook_data

        return import_workbook_data(data, f"“{Path(name).name}”")
    if suffix == ".pdf":
        from importers.pdf import import_pdf

        return import_pdf(data, source=name)
    if suffix == ".docx":
        from importers.docx import import_docx

        return import_docx(data, source=name)
    # .txt, .html, .htm: the content says which it is (a page saved as .txt, text saved as .html)
    if is_web_page(data, suffix):
        from importers.html import import_html

        return import_html(data, source=name)
    from importers.text import decode_text, import_text

    return import_text(decode_text(data, source=name), source=name)


_HTML_START = re.compile(rb"^\s*(?:<!doctype\s+html|<html|<\?xml[^>]*>\s*<html)", re.IGNORECASE)
_HTML_TAG = re.compile(rb"<\s*(?:html|body|p|div|table|br|span|td)\b", re.IGNORECASE)
SNIFF_BYTES = 200_000


def is_web_page(data: bytes, suffix: str) -> bool:
    """Whether a document is a web page, judged once by its content: it opens as one
    (``<!DOCTYPE html>``, ``<html>``), or, named ``.html``, holds HTML tags at all. Tags are
    ASCII, so the bytes of UTF-8 and GBK pages are read alike; UTF-16 is decoded first."""
    head = data[:SNIFF_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "ignore").encode("utf-8")
    head = head.removeprefix(b"\xef\xbb\xbf")
    if _HTML_START.match(head[:512]):
        return True
    return suffix in (".html", ".htm") and bool(_HTML_TAG.search(head))


def _known_suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in OLD_WORD:
        raise ImportFailed(
            f"“{Path(name).name}”是{OLD_WORD[suffix]}（旧格式），无法直接读取。请用 WPS 或 Word 打开它，"
            "“另存为”Word 文档（*.docx）后再导入"
        )
    if suffix not in SUFFIXES:
        raise ImportFailed(
            f"无法识别“{Path(name).name}”的类型；支持：{'、'.join(f'{k}（{v}）' for k, v in SUFFIXES.items())}"
        )
    return suffix


def _read_bytes(p: Path) -> bytes:
    from models.storage import read_file

    return read_file(p, limit=MAX_IMPORT_BYTES, error=ImportFailed, kind="报告", too_big="不像一份年度报告")
