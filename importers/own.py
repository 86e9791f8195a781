"""Reading back the Word files and web pages that 年报编辑器 itself wrote (perhaps edited since
in WPS or Word), exactly: every paragraph as it stands, every table cell by its position in the
template's grid, and the editor's extra data kept in the document.

Our documents are recognised by their structure (our paragraph styles in Word, ``data-section``
in the web page). When the structure no longer matches the template (a clerk added a row, or
removed a heading), :func:`own_report` returns ``None`` and the general importer reads the
document like any published report.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from typing import Any

from importers import ImportResult
from importers.assemble import _Findings as ImportFindings  # the importers' findings, in the checker's shape
from importers.common import read_value, squash
from importers.layout import parse_date, parse_title
from models.document_map import DATA_META, GENERATOR
from models.grid import grid_for
from models.numbers import ANY_NUMBER, format_value
from models.report import LEVELS, PREFACE, Acceptance, Report
from models.template import ReportTemplate, TemplateError, load_template, newest_template, template_for_year
from models.values import CellRef, Value

MAX_DATA_CHARS = 2_000_000  # the extra data: a few KB (acceptances with their explanations)
_PLAIN = re.compile(r"^-?\d{1,15}(?:\.\d{1,12})?$")


@dataclass
class OwnDocument:
    """What our writers put in a document, as read from it."""

    title: str = ""
    # ('heading', text) / ('text', paragraph) / ('note', paragraph) / ('table', {(row, col): text})
    blocks: list[tuple[str, Any]] = field(default_factory=list)
    signature: list[str] = field(default_factory=list)
    data: dict[str, Any] | None = None


def parse_data(text: str | None) -> dict[str, Any] | None:
    """The extra data our writers keep in a document, or ``None`` when absent or not ours."""
    if not text or len(text) > MAX_DATA_CHARS:
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("format") != "gov-info-disclosure-annual-report-extras":
        return None
    return data


def own_report(doc: OwnDocument) -> ImportResult | None:
    """The report a document of ours holds, or ``None`` when its structure is no longer ours."""
    data = doc.data or {}
    template = _template(data, doc.title)
    headings = [i for i, (kind, _) in enumerate(doc.blocks) if kind == "heading"]
    if len(headings) != len(template.sections):
        return None
    report = Report.blank(template)
    found = ImportFindings(template)
    preface = [b for kind, b in doc.blocks[:headings[0]] if kind == "text"] if headings else []
    if preface:  # 导语: the paragraphs between the title and 一
        report.texts[PREFACE] = "\n".join(preface)
    for idx, (section, start) in enumerate(zip(template.sections, headings, strict=True)):
        end = headings[idx + 1] if idx + 1 < len(headings) else len(doc.blocks)
        body = doc.blocks[start + 1:end]
        if section.is_table:
            tables = [b for kind, b in body if kind == "table"]
            if len(tables) != 1 or not _fill_table(report, found, section.key, tables[0]):
                return None
            notes = [b for kind, b in body if kind == "note"]
            if notes:
                report.notes[section.key] = "\n".join(notes)
        else:
            if any(kind in ("table", "note") for kind, _ in body):
                return None
            report.texts[section.key] = "\n".join(b for _, b in body)
    _meta(report, data, doc)
    return ImportResult(report, found.items)


def _template(data: dict[str, Any], title: str) -> ReportTemplate:
    tid = data.get("template")
    if isinstance(tid, str):
        try:
            return load_template(tid)
        except (TemplateError, KeyError, OSError, ValueError):
            pass
    t = parse_title(title)
    return (template_for_year(t.year) if t and t.year else None) or newest_template()


def _fill_table(report: Report, found: ImportFindings, key: str, cells: dict[tuple[int, int], str]) -> bool:
    """Each value cell from its grid position; ``False`` when the table's shape is not the grid's."""
    grid = grid_for(report.template, key)
    if max((r for r, _ in cells), default=-1) + 1 != grid.n_rows:
        return False
    for cell in grid.cells:
        if cell.kind in ("label", "header") and squash(cells.get((cell.row, cell.col), "")) != squash(cell.text):
            return False  # a row or column moved: read it by its labels instead
    for cell in grid.value_cells:
        assert cell.ref is not None
        text = cells.get((cell.row, cell.col), "")
        report.values[cell.ref] = _value(found, cell.ref, text, report)
    return True


def _value(found: ImportFindings, ref: CellRef, text: str, report: Report) -> Value:
    """A plain number exactly as printed (a negative or a fraction in a count cell too: the
    checker flags it, as it did before export); anything else read like a published cell."""
    s = text.strip()
    if not s:
        return None
    spec = report.template.cell(*ref)
    number = spec.number if spec else ANY_NUMBER
    if _PLAIN.match(s):
        try:
            if number.whole and "." not in s:
                return int(s)
            return Decimal(s)
        except (InvalidOperation, ValueError):
            pass
    r = read_value(s, number)
    if r.error:
        found.add("import.unreadable", "warning", ref.section,
                  f"{found.where(ref)}写作“{r.text}”，无法读取（{r.error}）；已留空，请填写", cells=(ref,), actual=r.text)
    elif r.dropped:
        found.add("value.unit_text", "info", ref.section,
                  f"{found.where(ref)}写作“{r.text}”，已读取数字 {format_value(r.value)}，略去“{r.dropped}”",
                  cells=(ref,), expected=r.value, actual=r.text)
    return r.value


def _meta(report: Report, data: dict[str, Any], doc: OwnDocument) -> None:
    """Metadata from the extra data, unless the printed title or 落款 was changed since."""
    meta = report.meta
    agency, year = data.get("agency"), data.get("year")
    meta.agency = agency if isinstance(agency, str) else ""
    meta.year = year if isinstance(year, int) and not isinstance(year, bool) else None
    for name in ("title", "date"):
        v = data.get(name)
        setattr(meta, name, v if isinstance(v, str) else None)
    level = data.get("level")
    meta.level = level if level in LEVELS else None
    printed = " ".join(doc.title.split())
    if " ".join(report.title.split()) != printed and printed:
        t = parse_title(printed)  # the clerk retitled the document: the title says who and when
        if t is not None:
            meta.agency, meta.year = t.agency, t.year
    signature = [s for s in doc.signature if s.strip()]
    if signature:
        when = parse_date(signature[-1])
        if when and when != (meta.date or "").strip()[:10]:  # the clerk changed the printed date
            meta.date = when
        if not data and not meta.agency and len(signature) >= (2 if when else 1):
            meta.agency = signature[-2 if when else -1].strip()
    report.acceptances = _acceptances(data.get("acceptances"), report)


def _acceptances(raw: Any, report: Report) -> list[Acceptance]:
    out: list[Acceptance] = []
    if not isinstance(raw, list):
        return out
    for item in raw[:10_000]:
        if not isinstance(item, dict):
            continue
        try:
            cells = tuple(CellRef(*map(str, c)) for c in item.get("cells", []))
        except TypeError:
            continue
        if not all(report.template.cell(*c) is not None for c in cells):
            continue
        rule, why, when = item.get("rule"), item.get("explanation"), item.get("accepted_at")
        if isinstance(rule, str) and isinstance(why, str) and isinstance(when, str):
            out.append(Acceptance(rule, cells, why, when))
    return out


# ---------------------------------------------------------------------- our own web pages

MAX_SPAN = 64  # rowspan/colspan beyond any grid of ours


class _OwnPage(HTMLParser):
    """The parts of a web page written by 年报编辑器 (see :mod:`exporters.html`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = OwnDocument()
        self.ours = False
        self._text: list[str] | None = None  # text of the open h1/h2/p/td/th
        self._role = ""
        self._table: dict[tuple[int, int], str] | None = None
        self._taken: set[tuple[int, int]] = set()
        self._row = -1
        self._col = 0
        self._cell: tuple[int, int] | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("script", "style", "template"):
            self._skip += 1
        elif tag == "meta" and a.get("name") == DATA_META:
            self.doc.data = parse_data(a.get("content"))
        elif tag == "meta" and a.get("name") == "generator" and a.get("content") == GENERATOR:
            self.ours = True
        elif tag in ("h1", "h2", "p"):
            cls = a.get("class", "")
            self._role = {"h1": "title", "h2": "heading"}.get(tag) or (
                "note" if "note" in cls else "signature" if cls in ("agency", "date") else "text")
            self._text = []
        elif tag == "table" and a.get("data-section"):
            self._table, self._taken, self._row = {}, set(), -1
        elif tag == "tr" and self._table is not None:
            self._row += 1
            self._col = 0
        elif tag in ("td", "th") and self._table is not None and len(self._table) < 10_000:
            while (self._row, self._col) in self._taken:
                self._col += 1
            rs, cs = _span(a.get("rowspan")), _span(a.get("colspan"))
            for r in range(self._row, self._row + rs):
                for c in range(self._col, self._col + cs):
                    self._taken.add((r, c))
            self._cell = (self._row, self._col)
            self._col += cs
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("h1", "h2", "p") and self._text is not None and self._cell is None:
            text = "".join(self._text)
            if self._role == "title":
                self.doc.title = text
            elif self._role == "signature":
                self.doc.signature.append(text)
            else:
                self.doc.blocks.append((self._role, text))
            self._text = None
        elif tag in ("td", "th") and self._table is not None and self._cell is not None:
            self._table[self._cell] = "".join(self._text or [])
            self._cell, self._text = None, None
        elif tag == "table" and self._table is not None:
            self.doc.blocks.append(("table", self._table))
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._text is not None and not self._skip:
            self._text.append(data)


def _span(raw: str | None) -> int:
    try:
        return max(1, min(int(raw or "1"), MAX_SPAN))
    except ValueError:
        return 1


def own_page(page: str) -> OwnDocument | None:
    """The parts of a web page of ours, or ``None`` for any other page."""
    if GENERATOR not in page[:4096] or "data-section" not in page:
        return None
    parser = _OwnPage()
    try:
        parser.feed(page)
        parser.close()
    except (AssertionError, ValueError, IndexError):
        return None
    return parser.doc if parser.ours else None
