"""What the Word and web-page exporters share: the report as an ordered outline of parts, the
editor's own data that a printed page does not show, and small typesetting rules.

The outline is: title, each section's heading followed by its paragraphs (or its table and the
note under it), then the 落款. The readers in :mod:`importers.own` read exactly this back.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

from models.document_map import CATEGORY, DATA_META, DATA_NS, GENERATOR
from models.report import Report
from models.template import SectionSpec

__all__ = ["CATEGORY", "DATA_META", "DATA_NS", "GENERATOR"]  # the markers, for the writers


#: A second-level heading at the start of a paragraph: （一）主动公开情况。 (set in 楷体)
SUBHEADING = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)][^。！？\n]{0,40}?(?:[。！？]|$)")
# Characters XML 1.0 cannot hold (Word and web pages are XML/HTML): C0 controls other than tab
# and newline, lone surrogates, U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def chinese_date(iso: str | None) -> str | None:
    """'2025-01-20' → '2025年1月20日' (the 成文日期 in Arabic numerals, GB/T 9704-2012)."""
    if not iso or not iso.strip():
        return None
    try:
        d = date.fromisoformat(iso.strip()[:10])
    except ValueError:
        return iso.strip()  # not ISO: print what the user wrote
    return f"{d.year}年{d.month}月{d.day}日"


def xml_text(text: str) -> str:
    """Text as a document can hold it: CRLF/CR as LF, characters XML cannot carry dropped."""
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def paragraphs(text: str) -> list[str]:
    """The paragraphs a narrative prints: one per line, empty lines kept (they read back)."""
    text = xml_text(text)
    return text.split("\n") if text else []


@dataclass(frozen=True, slots=True)
class Part:
    kind: str  # 'heading', 'text', 'table'
    section: SectionSpec
    lines: tuple[str, ...] = ()  # the paragraphs of a narrative
    note: str = ""  # the note printed under a table


def outline(report: Report) -> list[Part]:
    """The sections in printed order with what each prints."""
    parts: list[Part] = []
    for section in report.template.sections:
        parts.append(Part("heading", section))
        if section.is_table:
            parts.append(Part("table", section, note=xml_text(report.notes.get(section.key, ""))))
        else:
            parts.append(Part("text", section, tuple(paragraphs(report.text(section.key)))))
    return parts


def hidden_data(report: Report) -> str:
    """What the editor keeps that a printed page does not show (the agency's level, the title as
    published, the written explanations of accepted warnings, the 落款 date as typed), as JSON
    kept inside the document so that reading it back gives the same report."""
    data = {
        "format": "gov-info-disclosure-annual-report-extras",
        "template": report.template.id,
        "agency": report.meta.agency,
        "year": report.meta.year,
        "title": report.meta.title,
        "date": report.meta.date,
        "level": report.meta.level,
        "acceptances": [
            {"rule": a.rule, "cells": [[c.section, c.row, c.column] for c in a.cells],
             "explanation": a.explanation, "accepted_at": a.accepted_at}
            for a in report.acceptances
        ],
    }
    return xml_text(json.dumps(data, ensure_ascii=False))


def signature_lines(report: Report) -> tuple[str, str]:
    """The 落款: the agency and the date (either may be empty)."""
    return xml_text(report.meta.agency.strip()), xml_text(chinese_date(report.meta.date) or "")
