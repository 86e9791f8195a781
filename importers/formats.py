"""Which format a published report is written in: every shipped template scored against the
document's own wording (its table headings, row and column labels), not its year alone.

A template's *distinctive* labels are those no other shipped template prints (2019's
本年新制作数量, 上一年项目数量, 政府集中采购; 2021's 本年制发件数, 现行有效件数, the three rows of
（六）其他处理). A document scores, for each template, the share of that template's distinctive
labels it prints. The best share wins; a tie (a document without its tables, or one that prints
neither) is settled by the report's year. Adding a format is adding a template: nothing here
names one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from importers.common import enumerated
from models.template import HeaderNode, ReportTemplate, newest_template, shipped_templates, template_for_year

MIN_CORE = 4  # shorter labels (规章, 其他, 总计) say nothing about the format
_NON_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True, slots=True)
class FormatScore:
    template: ReportTemplate
    found: int  # distinctive labels the document prints
    of: int  # distinctive labels the template has

    @property
    def share(self) -> float:
        return self.found / self.of if self.of else 0.0


def _labels(template: ReportTemplate) -> set[str]:
    """The cores of every table label of the template (titles, corners, column and row labels)."""
    out: set[str] = set()

    def walk(nodes: tuple[HeaderNode, ...]) -> None:
        for node in nodes:
            out.add(enumerated(node.label).core)
            walk(node.children)

    for section in template.table_sections:
        for block in section.blocks:
            out.update(enumerated(x).core for x in (block.title, block.corner) if x)
            walk(block.columns)
            walk(block.rows)
    return {x for x in out if len(x) >= MIN_CORE}


@cache
def distinctive_labels(template: ReportTemplate) -> frozenset[str]:
    """Labels of ``template`` that no other shipped template prints (nor contains)."""
    others = [label for t in shipped_templates() if t is not template for label in _labels(t)]
    return frozenset(x for x in _labels(template) if not any(x in other for other in others))


def document_core(text: str) -> str:
    """The document as labels are compared: no blanks, no punctuation (本年增/减 → 本年增减)."""
    return _NON_WORD.sub("", text)


def score_formats(core: str) -> list[FormatScore]:
    """Every shipped template's score against a document (``core``: see :func:`document_core`)."""
    out = []
    for t in shipped_templates():
        labels = distinctive_labels(t)
        out.append(FormatScore(t, sum(1 for x in labels if x in core), len(labels)))
    return out


def choose_template(core: str, year: int | None) -> tuple[ReportTemplate, bool]:
    """The format the document is written in, and whether its wording decided it (``False``:
    a tie, settled by ``year``, else the newest format)."""
    scores = score_formats(core)
    best = max(s.share for s in scores)
    leaders = [s.template for s in scores if s.share == best]
    if best > 0 and len(leaders) == 1:
        return leaders[0], True
    by_year = template_for_year(year) if year is not None else None
    if by_year is not None and by_year in leaders:
        return by_year, False
    return (by_year or newest_template()) if best == 0 else max(leaders, key=lambda t: t.first_year), False
