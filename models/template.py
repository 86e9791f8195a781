"""The report format as typed, immutable objects, loaded from ``resources/templates/*.json``.

Nothing else in the code base spells out a label, a row or a rule: every view, exporter and
importer asks the :class:`ReportTemplate`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from models.resources import resource_path

SectionKind = Literal["narrative", "table"]
ValueKind = Literal["count", "amount"]
Severity = Literal["error", "warning", "info"]


class TemplateError(ValueError):
    """A template file is malformed (a programming/packaging error, not a user error)."""


@dataclass(frozen=True, slots=True)
class HeaderNode:
    """A node of a column-header or row-label tree; leaves carry the cell key."""

    label: str
    key: str | None = None
    children: tuple[HeaderNode, ...] = ()
    value: ValueKind | None = None  # row override of the table's value kind

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def depth(self) -> int:
        return 1 + max((c.depth() for c in self.children), default=0)

    def leaves(self) -> list[HeaderNode]:
        if self.is_leaf:
            return [self]
        out: list[HeaderNode] = []
        for child in self.children:
            out.extend(child.leaves())
        return out


@dataclass(frozen=True, slots=True)
class Block:
    """One stacked block of a table: optional title row, header rows, data rows."""

    title: str | None
    corner: str | None
    columns: tuple[HeaderNode, ...]
    rows: tuple[HeaderNode, ...]
    row_labels: bool = True

    @property
    def column_leaves(self) -> list[HeaderNode]:
        return [leaf for node in self.columns for leaf in node.leaves()]

    @property
    def header_depth(self) -> int:
        return max(node.depth() for node in self.columns)

    @property
    def label_depth(self) -> int:
        return max(node.depth() for node in self.rows) if self.row_labels else 0


@dataclass(frozen=True, slots=True)
class LegacyRow:
    """A row of an older format that this one splits into several (e.g. 2019's single
    （六）其他处理): importers put its numbers into ``into`` and say so."""

    label: str
    into: str
    covers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CellSpec:
    """One value cell of a table with everything needed to label and parse it."""

    section: str
    row: str
    column: str
    value: ValueKind
    row_path: tuple[str, ...]  # labels from the outermost group to the row itself
    column_path: tuple[str, ...]

    @property
    def row_label(self) -> str:
        return self.row_path[-1] if self.row_path else ""

    @property
    def column_label(self) -> str:
        return self.column_path[-1] if self.column_path else ""


@dataclass(frozen=True, slots=True, eq=False)  # identity: cheap to hash, used as a cache key
class SectionSpec:
    key: str
    number: str
    title: str
    short: str
    kind: SectionKind
    hint: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    value: ValueKind = "count"
    blocks: tuple[Block, ...] = ()
    has_note: bool = False
    legacy_rows: tuple[LegacyRow, ...] = ()
    cells: tuple[CellSpec, ...] = ()
    _cell_index: dict[tuple[str, str], CellSpec] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_table(self) -> bool:
        return self.kind == "table"

    @property
    def row_keys(self) -> list[str]:
        return list(dict.fromkeys(c.row for c in self.cells))

    def columns_of(self, row: str) -> list[str]:
        return [c.column for c in self.cells if c.row == row]

    def cell(self, row: str, column: str) -> CellSpec | None:
        return self._cell_index.get((row, column))


@dataclass(frozen=True, slots=True)
class EquationRule:
    """``sum(left) == sum(right)`` in each row (``along='row'``, keys are columns) or in each
    column (``along='column'``, keys are rows). ``total`` names the cell said to break it."""

    id: str
    severity: Severity
    section: str
    along: Literal["row", "column"]
    left: tuple[str, ...]
    right: tuple[str, ...]
    total: str
    description: str
    message: str
    # Wording for when the parts give a negative total (no count can balance them).
    message_negative: str | None = None

    @property
    def parts(self) -> tuple[str, ...]:
        """The keys whose values determine the total's expected value."""
        return tuple(k for k in self.left + self.right if k != self.total)


@dataclass(frozen=True, slots=True)
class CarryoverRule:
    """A rule against last year's report.

    ``same_as_last_year``: each cell of ``rows`` equals last year's ``last_year_row`` in the same
    column. ``stock``: in each of ``rows``, ``total`` = last year's ``total`` + ``plus`` − ``minus``.
    """

    id: str
    kind: Literal["same_as_last_year", "stock"]
    severity: Severity
    section: str
    rows: tuple[str, ...]
    message: str
    description: str = ""
    last_year_row: str | None = None
    total: str | None = None
    plus: str | None = None
    minus: str | None = None


@dataclass(frozen=True, slots=True)
class Links:
    """Cells the cross-section rules read (other.fee_link, appeals.unmentioned,
    proactive.regulations_level)."""

    unpaid_fee_cell: tuple[str, str, str]
    appeal_totals: tuple[tuple[str, str, str], ...]
    regulations_row: tuple[str, str]
    levels_without_regulations: frozenset[str]


@dataclass(frozen=True, slots=True)
class NarrativeFact:
    id: str
    label: str
    verbs: tuple[str, ...]
    topics: tuple[str, ...]
    cells: tuple[tuple[str, str, str], ...]
    alternatives: tuple[tuple[tuple[str, str, str], ...], ...] = ()


@dataclass(frozen=True, slots=True)
class NarrativeNumbers:
    sections: tuple[str, ...]
    context: tuple[str, ...]
    facts: tuple[NarrativeFact, ...]
    negations: tuple[str, ...]
    units: tuple[str, ...]
    # words between topic and number that make it no plain statement (较上年减少3件, 约100件)
    qualifiers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)  # identity: cheap to hash, used as a cache key
class ReportTemplate:
    id: str
    name: str
    source: str
    first_year: int
    last_year: int | None
    title_pattern: str
    sections: tuple[SectionSpec, ...]
    rules: tuple[EquationRule, ...]
    carryover_rules: tuple[CarryoverRule, ...]
    links: Links
    narrative_numbers: NarrativeNumbers
    fee_section: str
    fee_mentions: tuple[str, ...]
    empty_texts: frozenset[str]
    fee_notices: tuple[str, ...] = ()  # 六 mentions fee notices (收费通知) sent to applicants
    fee_unpaid: tuple[str, ...] = ()  # 六 says applicants did not pay in time (逾期未缴纳)
    # Printed labels split into the words a line may break between (社会公益组织 → 社会|公益|组织).
    label_words: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False, compare=False)
    _sections: dict[str, SectionSpec] = field(default_factory=dict, repr=False, compare=False)

    def section(self, key: str) -> SectionSpec:
        try:
            return self._sections[key]
        except KeyError:
            raise KeyError(f"模板 {self.id} 没有栏目 {key!r}") from None

    def has_section(self, key: str) -> bool:
        return key in self._sections

    @property
    def table_sections(self) -> list[SectionSpec]:
        return [s for s in self.sections if s.is_table]

    @property
    def narrative_sections(self) -> list[SectionSpec]:
        return [s for s in self.sections if not s.is_table]

    def all_cells(self) -> list[CellSpec]:
        return [c for s in self.table_sections for c in s.cells]

    def cell(self, section: str, row: str, column: str) -> CellSpec | None:
        spec = self._sections.get(section)
        return spec.cell(row, column) if spec else None

    def report_title(self, agency: str, year: int | None) -> str:
        return self.title_pattern.format(agency=agency, year=year if year is not None else "")

    def covers_year(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)


# --------------------------------------------------------------------------- loading


def _node(raw: dict[str, Any], where: str) -> HeaderNode:
    if not isinstance(raw, dict) or "label" not in raw:
        raise TemplateError(f"{where}: 节点缺少 label")
    children = tuple(_node(c, f"{where}/{raw['label']}") for c in raw.get("children", ()))
    key = raw.get("key")
    if not children and not key:
        raise TemplateError(f"{where}: 叶节点 {raw['label']!r} 缺少 key")
    if children and key:
        raise TemplateError(f"{where}: 分组 {raw['label']!r} 不应有 key")
    return HeaderNode(label=raw["label"], key=key, children=children, value=raw.get("value"))


def _paths(nodes: tuple[HeaderNode, ...], prefix: tuple[str, ...] = ()) -> list[tuple[HeaderNode, tuple[str, ...]]]:
    out: list[tuple[HeaderNode, tuple[str, ...]]] = []
    for node in nodes:
        path = prefix + (node.label,)
        if node.is_leaf:
            out.append((node, path))
        else:
            out.extend(_paths(node.children, path))
    return out


def _section(raw: dict[str, Any]) -> SectionSpec:
    key = raw["key"]
    kind = raw["kind"]
    if kind not in ("narrative", "table"):
        raise TemplateError(f"栏目 {key}: 未知类型 {kind!r}")
    value_kind: ValueKind = raw.get("value", "count")
    blocks: list[Block] = []
    cells: list[CellSpec] = []
    for i, b in enumerate(raw.get("blocks", ())):
        where = f"{key}/block{i}"
        block = Block(
            title=b.get("title"),
            corner=b.get("corner"),
            columns=tuple(_node(c, where) for c in b["columns"]),
            rows=tuple(_node(r, where) for r in b["rows"]),
            row_labels=b.get("row_labels", True),
        )
        blocks.append(block)
        for row, row_path in _paths(block.rows):
            for col, col_path in _paths(block.columns):
                assert row.key is not None and col.key is not None
                cells.append(
                    CellSpec(
                        section=key,
                        row=row.key,
                        column=col.key,
                        value=row.value or value_kind,
                        row_path=row_path,
                        column_path=col_path,
                    )
                )
    index: dict[tuple[str, str], CellSpec] = {}
    for c in cells:
        if (c.row, c.column) in index:
            raise TemplateError(f"栏目 {key}: 单元格 {c.row}/{c.column} 重复")
        index[(c.row, c.column)] = c
    if kind == "table" and not cells:
        raise TemplateError(f"栏目 {key}: 表格没有单元格")
    legacy = tuple(
        LegacyRow(label=r["label"], into=r["into"], covers=tuple(r["covers"])) for r in raw.get("legacy_rows", ())
    )
    rows = {c.row for c in cells}
    for r in legacy:
        if r.into not in r.covers or not set(r.covers) <= rows:
            raise TemplateError(f"栏目 {key}: 旧格式行 {r.label!r} 引用了未知的行")
    return SectionSpec(
        key=key,
        number=raw["number"],
        title=raw["title"],
        short=raw.get("short", raw["title"]),
        kind=kind,
        hint=raw.get("hint", ""),
        aliases=tuple(raw.get("aliases", ())),
        required=bool(raw.get("required", False)),
        value=value_kind,
        blocks=tuple(blocks),
        has_note=bool(raw.get("has_note", False)),
        legacy_rows=legacy,
        cells=tuple(cells),
        _cell_index=index,
    )


def _rule(raw: dict[str, Any], sections: dict[str, SectionSpec]) -> EquationRule:
    if raw.get("kind") != "equation":
        raise TemplateError(f"规则 {raw.get('id')}: 未知类型 {raw.get('kind')!r}")
    rule = EquationRule(
        id=raw["id"],
        severity=raw["severity"],
        section=raw["section"],
        along=raw["along"],
        left=tuple(raw["left"]),
        right=tuple(raw["right"]),
        total=raw["total"],
        description=raw.get("description", ""),
        message=raw["message"],
        message_negative=raw.get("message_negative"),
    )
    section = sections.get(rule.section)
    if section is None or not section.is_table:
        raise TemplateError(f"规则 {rule.id}: 栏目 {rule.section!r} 不是表格")
    if rule.total not in rule.left + rule.right:
        raise TemplateError(f"规则 {rule.id}: 合计 {rule.total!r} 不在等式中")
    known = {c.column for c in section.cells} if rule.along == "row" else {c.row for c in section.cells}
    for k in rule.left + rule.right:
        if k not in known:
            raise TemplateError(f"规则 {rule.id}: 未知的键 {k!r}")
    return rule


def _carryover_rule(raw: dict[str, Any], sections: dict[str, SectionSpec]) -> CarryoverRule:
    rule = CarryoverRule(
        id=raw["id"], kind=raw["kind"], severity=raw["severity"], section=raw["section"],
        rows=tuple(raw["rows"]), message=raw["message"], description=raw.get("description", ""),
        last_year_row=raw.get("last_year_row"), total=raw.get("total"), plus=raw.get("plus"),
        minus=raw.get("minus"),
    )
    section = sections.get(rule.section)
    if section is None or not section.is_table:
        raise TemplateError(f"规则 {rule.id}: 栏目 {rule.section!r} 不是表格")
    if rule.kind == "same_as_last_year":
        needed = [(r, c) for r in rule.rows + (rule.last_year_row or "",) for c in section.columns_of(rule.rows[0])]
    elif rule.kind == "stock":
        needed = [(r, c) for r in rule.rows for c in (rule.total or "", rule.plus or "", rule.minus or "")]
    else:
        raise TemplateError(f"规则 {rule.id}: 未知类型 {rule.kind!r}")
    for r, c in needed:
        if section.cell(r, c) is None:
            raise TemplateError(f"规则 {rule.id}: 未知单元格 {r}/{c}")
    return rule


def _links(raw: dict[str, Any], sections: dict[str, SectionSpec]) -> Links:
    links = Links(
        unpaid_fee_cell=tuple(raw["unpaid_fee_cell"]),  # type: ignore[arg-type]
        appeal_totals=tuple(tuple(c) for c in raw["appeal_totals"]),  # type: ignore[misc]
        regulations_row=tuple(raw["regulations_row"]),  # type: ignore[arg-type]
        levels_without_regulations=frozenset(raw["levels_without_regulations"]),
    )
    section, row = links.regulations_row
    for ref in (links.unpaid_fee_cell, *links.appeal_totals):
        if ref[0] not in sections or sections[ref[0]].cell(ref[1], ref[2]) is None:
            raise TemplateError(f"links: 未知单元格 {ref}")
    if section not in sections or row not in sections[section].row_keys or not links.appeal_totals:
        raise TemplateError(f"links: 未知的行 {links.regulations_row}")
    return links


def _block_labels(block: Block) -> list[str]:
    nodes: list[HeaderNode] = [*block.columns, *block.rows]
    out = [t for t in (block.title, block.corner) if t]
    while nodes:
        node = nodes.pop()
        out.append(node.label)
        nodes.extend(node.children)
    return out


def _label_words(raw: Any, sections: tuple[SectionSpec, ...]) -> dict[str, tuple[str, ...]]:
    """``["商业|企业", …]``: each a label of the template with its word boundaries marked."""
    known = {label for s in sections for b in s.blocks for label in _block_labels(b)}
    out: dict[str, tuple[str, ...]] = {}
    for entry in raw:
        words = tuple(str(entry).split("|"))
        label = "".join(words)
        if label not in known or not all(words):
            raise TemplateError(f"label_words: {entry!r} 不是本模板表格中的标签")
        out[label] = words
    return out


def parse_template(raw: dict[str, Any]) -> ReportTemplate:
    """Build a template from its JSON data, validating every reference."""
    try:
        sections = tuple(_section(s) for s in raw["sections"])
        by_key = {s.key: s for s in sections}
        rules = tuple(_rule(r, by_key) for r in raw.get("rules", ()))
        carryover = tuple(_carryover_rule(r, by_key) for r in raw.get("carryover_rules", ()))
        nn = raw["narrative_numbers"]
        facts = tuple(
            NarrativeFact(
                id=f["id"],
                label=f["label"],
                verbs=tuple(f.get("verbs", ())),
                topics=tuple(f["topics"]),
                cells=tuple(tuple(c) for c in f["cells"]),  # type: ignore[misc]
                alternatives=tuple(tuple(tuple(c) for c in alt) for alt in f.get("alternatives", ())),  # type: ignore[misc]
            )
            for f in nn["facts"]
        )
        for fact in facts:
            for ref in fact.cells + tuple(c for alt in fact.alternatives for c in alt):
                if ref[0] not in by_key or by_key[ref[0]].cell(ref[1], ref[2]) is None:
                    raise TemplateError(f"叙述核对 {fact.id}: 未知单元格 {ref}")
        fee = raw["processing_fee"]
        return ReportTemplate(
            id=str(raw["id"]),
            name=raw["name"],
            source=raw.get("source", ""),
            first_year=int(raw["first_year"]),
            last_year=raw.get("last_year"),
            title_pattern=raw["title"],
            sections=sections,
            rules=rules,
            carryover_rules=carryover,
            links=_links(raw["links"], by_key),
            narrative_numbers=NarrativeNumbers(
                sections=tuple(nn["sections"]),
                context=tuple(nn["context"]),
                facts=facts,
                negations=tuple(nn["negations"]),
                units=tuple(nn["units"]),
                qualifiers=tuple(nn.get("qualifiers", ())),
            ),
            fee_section=fee["section"],
            fee_mentions=tuple(fee["mentions"]),
            empty_texts=frozenset(raw.get("empty_text", ())),
            fee_notices=tuple(fee.get("notices", ())),
            fee_unpaid=tuple(fee.get("unpaid", ())),
            label_words=_label_words(raw.get("label_words", ()), sections),
            _sections=by_key,
        )
    except (KeyError, TypeError) as exc:
        raise TemplateError(f"模板格式错误: {exc!r}") from exc


def template_dir() -> Path:
    return resource_path("templates")


DEFAULT_TEMPLATE = "2021"


def load_template(template_id: str = DEFAULT_TEMPLATE) -> ReportTemplate:
    """Load a shipped template by id (cached: templates are immutable and compared by identity)."""
    return _load_template(template_id)


@cache
def _load_template(template_id: str) -> ReportTemplate:
    for path in sorted(template_dir().glob("format-*.json")):
        if path.stem == f"format-{template_id}":
            with path.open(encoding="utf-8") as fh:
                return parse_template(json.load(fh))
    raise KeyError(template_id)


def available_templates() -> list[str]:
    return list(_shipped_template_ids())


@cache
def _shipped_template_ids() -> tuple[str, ...]:
    # Shipped files do not change while the program runs; scanning the folder per load cost ~50 µs.
    return tuple(p.stem.removeprefix("format-") for p in sorted(template_dir().glob("format-*.json")))


def template_for_year(year: int) -> ReportTemplate | None:
    """The newest shipped template in force for reports on ``year``, or None."""
    best: ReportTemplate | None = None
    for tid in available_templates():
        t = load_template(tid)
        if t.covers_year(year) and (best is None or t.first_year > best.first_year):
            best = t
    return best
