"""The report format as typed, immutable objects, loaded from ``resources/templates/*.json``.

Nothing else in the code base spells out a label, a row, a rule or its message: every view,
exporter, importer and the checker ask the :class:`ReportTemplate`. A template declares

- its sections, each table's blocks of row and column labels (the printed form);
- ``number_kinds``: what each kind of cell may hold (:class:`~models.numbers.NumberSpec`),
  named by a table's, a row's or a column's ``value``;
- ``rules``: every check as ``{id, kind, severity, params, message, messages}``; the kind is
  one of the checker's rule kinds (``models/rules``), which validates its params;
- ``previous_formats``: how last year's report in another format maps onto this one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from models.numbers import NumberSpec, number_spec
from models.resources import resource_path
from models.values import CellRef

SectionKind = Literal["narrative", "table"]
Severity = Literal["error", "warning", "info"]
SEVERITIES = ("error", "warning", "info")


class TemplateError(ValueError):
    """A template file is malformed (a programming/packaging error, not a user error)."""


@dataclass(frozen=True, slots=True)
class HeaderNode:
    """A node of a column-header or row-label tree; leaves carry the cell key."""

    label: str
    key: str | None = None
    children: tuple[HeaderNode, ...] = ()
    value: str | None = None  # a number kind overriding the table's (row) or the row's (column)

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
class PartRows:
    """A row of this format that a newer one prints as several (2019's （六）其他处理 is 2021's
    1.逾期不补正, 2.逾期未缴费, 3.其他): a report printed with ``parts`` under the row's label is
    read as their sum, and importers say so."""

    row: str
    parts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CellSpec:
    """One value cell of a table with everything needed to label and parse it."""

    section: str
    row: str
    column: str
    number: NumberSpec
    row_path: tuple[str, ...]  # labels from the outermost group to the row itself
    column_path: tuple[str, ...]

    @property
    def ref(self) -> CellRef:
        return CellRef(self.section, self.row, self.column)

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
    required: bool = False  # a narrative that must not be left empty (sections.empty)
    ask: str = ""  # what sections.empty asks the user to write
    note_hint: str = ""  # placeholder of the note under a table
    blocks: tuple[Block, ...] = ()
    has_note: bool = False
    legacy_rows: tuple[LegacyRow, ...] = ()
    part_rows: tuple[PartRows, ...] = ()
    cells: tuple[CellSpec, ...] = ()
    _cell_index: dict[tuple[str, str], CellSpec] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_table(self) -> bool:
        return self.kind == "table"

    @property
    def row_keys(self) -> list[str]:
        return list(dict.fromkeys(c.row for c in self.cells))

    @property
    def column_keys(self) -> list[str]:
        return list(dict.fromkeys(c.column for c in self.cells))

    def columns_of(self, row: str) -> list[str]:
        return [c.column for c in self.cells if c.row == row]

    def cell(self, row: str, column: str) -> CellSpec | None:
        return self._cell_index.get((row, column))


@dataclass(frozen=True, slots=True, eq=False)  # identity: its params are mappings
class RuleSpec:
    """One rule as the template declares it. ``params`` are read by the rule's kind."""

    id: str
    kind: str
    severity: Severity
    params: Mapping[str, Any]
    message: str
    messages: Mapping[str, str] = field(default_factory=dict)
    description: str = ""

    def wording(self, variant: str | None = None) -> str:
        """The message, or one of its named variants (``messages``), falling back to ``message``."""
        if variant is None:
            return self.message
        return self.messages.get(variant, self.message)


@dataclass(frozen=True, slots=True, eq=False)
class EquationRule:
    """``sum(left) == sum(right)`` in each row (``along='row'``, keys are columns) or in each
    column (``along='column'``, keys are rows). ``total`` names the cell said to break it.

    The typed view of a rule of kind ``equation``: the importers check reading order with it,
    the workbook turns it into conditional formats."""

    id: str
    severity: Severity
    section: str
    along: Literal["row", "column"]
    left: tuple[str, ...]
    right: tuple[str, ...]
    total: str
    rule: RuleSpec

    @property
    def parts(self) -> tuple[str, ...]:
        """The keys whose values determine the total's expected value."""
        return tuple(k for k in self.left + self.right if k != self.total)


@dataclass(frozen=True, slots=True, eq=False)
class PreviousFormat:
    """How last year's report in another format (``template``) is compared with this one.

    ``same``: cells (``section``, ``section.row`` or ``section.row.column``) that mean the same
    in both formats; every other cell of last year's is not compared. ``incomparable``: rules
    that cannot be applied across the two formats, with the info that says so."""

    template: str
    same: tuple[tuple[str, ...], ...]
    incomparable: Mapping[str, str]

    def maps(self, ref: CellRef) -> bool:
        parts = (ref.section, ref.row, ref.column)
        return any(parts[: len(prefix)] == prefix for prefix in self.same)


@dataclass(frozen=True, slots=True, eq=False)  # identity: cheap to hash, used as a cache key
class ReportTemplate:
    id: str
    name: str
    label: str  # 2021年版格式: how messages name the format
    years: str  # 2021年及以后各年度: which reports it is for, in words
    source: str
    first_year: int
    last_year: int | None
    title_pattern: str
    sections: tuple[SectionSpec, ...]
    number_kinds: Mapping[str, NumberSpec]
    rules: tuple[RuleSpec, ...]
    equations: tuple[EquationRule, ...]
    previous_formats: Mapping[str, PreviousFormat] = field(default_factory=dict)
    # Printed labels split into the words a line may break between (社会公益组织 → 社会|公益|组织).
    label_words: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False, compare=False)
    # The figures that sum up a report (a roll-up's 分单位明细 lists them for every unit).
    key_figures: tuple[tuple[str, str, str], ...] = ()
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

    def rules_of(self, kind: str) -> list[RuleSpec]:
        return [r for r in self.rules if r.kind == kind]

    def report_title(self, agency: str, year: int | None) -> str:
        return self.title_pattern.format(agency=agency, year=year if year is not None else "")

    def covers_year(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)


# --------------------------------------------------------------------------- loading


def _node(raw: dict[str, Any], where: str, kinds: Mapping[str, NumberSpec]) -> HeaderNode:
    if "label" not in raw:  # raw is JSON data: anything but a mapping fails here with a TypeError
        raise TemplateError(f"{where}: 节点缺少 label")
    children = tuple(_node(c, f"{where}/{raw['label']}", kinds) for c in raw.get("children", ()))
    key = raw.get("key")
    if not children and not key:
        raise TemplateError(f"{where}: 叶节点 {raw['label']!r} 缺少 key")
    if children and key:
        raise TemplateError(f"{where}: 分组 {raw['label']!r} 不应有 key")
    value = raw.get("value")
    if value is not None and value not in kinds:
        raise TemplateError(f"{where}: 未知的数字类型 {value!r}")
    return HeaderNode(label=raw["label"], key=key, children=children, value=value)


def _paths(nodes: tuple[HeaderNode, ...], prefix: tuple[str, ...] = ()) -> list[tuple[HeaderNode, tuple[str, ...]]]:
    out: list[tuple[HeaderNode, tuple[str, ...]]] = []
    for node in nodes:
        path = prefix + (node.label,)
        if node.is_leaf:
            out.append((node, path))
        else:
            out.extend(_paths(node.children, path))
    return out


def _section(raw: dict[str, Any], kinds: Mapping[str, NumberSpec]) -> SectionSpec:
    key = raw["key"]
    kind = raw["kind"]
    if kind not in ("narrative", "table"):
        raise TemplateError(f"栏目 {key}: 未知类型 {kind!r}")
    table_kind = raw.get("value", "count" if kind == "table" else None)
    if kind == "table" and table_kind not in kinds:
        raise TemplateError(f"栏目 {key}: 未知的数字类型 {table_kind!r}")
    blocks: list[Block] = []
    cells: list[CellSpec] = []
    for i, b in enumerate(raw.get("blocks", ())):
        where = f"{key}/block{i}"
        block = Block(
            title=b.get("title"),
            corner=b.get("corner"),
            columns=tuple(_node(c, where, kinds) for c in b["columns"]),
            rows=tuple(_node(r, where, kinds) for r in b["rows"]),
            row_labels=b.get("row_labels", True),
        )
        blocks.append(block)
        for row, row_path in _paths(block.rows):
            for col, col_path in _paths(block.columns):
                assert row.key is not None and col.key is not None
                kind_name = row.value or col.value or table_kind
                if kind_name is None:
                    raise TemplateError(f"栏目 {key}: 单元格 {row.key}/{col.key} 没有数字类型")
                cells.append(CellSpec(
                    section=key, row=row.key, column=col.key,
                    number=kinds[kind_name],
                    row_path=row_path, column_path=col_path,
                ))
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
    parts = tuple(PartRows(row=r["row"], parts=tuple(str(x) for x in r["parts"])) for r in raw.get("part_rows", ()))
    for p in parts:
        if p.row not in rows or len(p.parts) < 2 or not all(p.parts):
            raise TemplateError(f"栏目 {key}: part_rows 的行 {p.row!r} 未知，或少于两个分行标签")
    if raw.get("required") and kind != "narrative":
        raise TemplateError(f"栏目 {key}: 只有叙述部分可以是必填的")
    return SectionSpec(
        key=key,
        number=raw["number"],
        title=raw["title"],
        short=raw.get("short", raw["title"]),
        kind=kind,
        hint=raw.get("hint", ""),
        aliases=tuple(raw.get("aliases", ())),
        required=bool(raw.get("required", False)),
        ask=raw.get("ask", ""),
        note_hint=raw.get("note_hint", ""),
        blocks=tuple(blocks),
        has_note=bool(raw.get("has_note", False)),
        legacy_rows=legacy,
        part_rows=parts,
        cells=tuple(cells),
        _cell_index=index,
    )


def _frozen(value: Any) -> Any:
    """Params as read-only data: a rule's params must not change once the template is loaded."""
    if isinstance(value, dict):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


_RULE_FIELDS = {"id", "kind", "severity", "params", "message", "messages", "description"}


def _rule(raw: dict[str, Any]) -> RuleSpec:
    unknown = set(raw) - _RULE_FIELDS
    if unknown:
        raise TemplateError(f"规则 {raw.get('id')}: 未知的字段 {sorted(unknown)}")
    if raw.get("severity") not in SEVERITIES:
        raise TemplateError(f"规则 {raw.get('id')}: 未知的严重程度 {raw.get('severity')!r}")
    messages = raw.get("messages", {})
    if not isinstance(raw.get("message"), str) or not all(isinstance(v, str) for v in messages.values()):
        raise TemplateError(f"规则 {raw.get('id')}: message 应为文字")
    return RuleSpec(
        id=str(raw["id"]), kind=str(raw["kind"]), severity=raw["severity"],
        params=_frozen(dict(raw.get("params", {}))), message=raw["message"],
        messages=MappingProxyType(dict(messages)), description=raw.get("description", ""),
    )


def _equation(rule: RuleSpec, sections: Mapping[str, SectionSpec]) -> EquationRule:
    p = rule.params
    eq = EquationRule(
        id=rule.id, severity=rule.severity, section=p["section"], along=p["along"],
        left=tuple(p["left"]), right=tuple(p["right"]), total=p["total"], rule=rule,
    )
    section = sections.get(eq.section)
    if section is None or not section.is_table:
        raise TemplateError(f"规则 {rule.id}: 栏目 {eq.section!r} 不是表格")
    if eq.along not in ("row", "column"):
        raise TemplateError(f"规则 {rule.id}: along 应为 row 或 column")
    if eq.total not in eq.left + eq.right:
        raise TemplateError(f"规则 {rule.id}: 合计 {eq.total!r} 不在等式中")
    known = set(section.column_keys) if eq.along == "row" else set(section.row_keys)
    for k in eq.left + eq.right:
        if k not in known:
            raise TemplateError(f"规则 {rule.id}: 未知的键 {k!r}")
    return eq


def _previous_format(raw: dict[str, Any], template_id: str) -> PreviousFormat:
    same = tuple(tuple(s.split(".", 2)) for s in raw.get("same", ()))
    incomparable = {r["rule"]: r["message"] for r in raw.get("incomparable", ())}
    if raw["template"] == template_id:
        raise TemplateError(f"previous_formats: 模板 {template_id} 不必映射到自身")
    return PreviousFormat(template=str(raw["template"]), same=same, incomparable=MappingProxyType(incomparable))


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


def _key_figures(raw: Any, sections: dict[str, SectionSpec]) -> tuple[tuple[str, str, str], ...]:
    out = []
    for ref in raw:
        if len(ref) != 3 or ref[0] not in sections or sections[ref[0]].cell(ref[1], ref[2]) is None:
            raise TemplateError(f"key_figures: 未知单元格 {ref}")
        out.append((str(ref[0]), str(ref[1]), str(ref[2])))
    return tuple(out)


def parse_template(raw: dict[str, Any]) -> ReportTemplate:
    """Build a template from its JSON data, validating every reference (rules included: each
    rule's kind checks its params against the sections)."""
    try:
        try:
            kinds = {name: number_spec(name, spec) for name, spec in raw["number_kinds"].items()}
        except ValueError as exc:
            raise TemplateError(str(exc)) from None
        sections = tuple(_section(s, kinds) for s in raw["sections"])
        by_key = {s.key: s for s in sections}
        if len(by_key) != len(sections):
            raise TemplateError("栏目的 key 重复")
        rules = tuple(_rule(r) for r in raw.get("rules", ()))
        equations = tuple(_equation(r, by_key) for r in rules if r.kind == "equation")
        previous = {p["template"]: _previous_format(p, str(raw["id"])) for p in raw.get("previous_formats", ())}
        template = ReportTemplate(
            id=str(raw["id"]),
            name=raw["name"],
            label=raw.get("label", raw["name"]),
            years=raw.get("years", ""),
            source=raw.get("source", ""),
            first_year=int(raw["first_year"]),
            last_year=raw.get("last_year"),
            title_pattern=raw["title"],
            sections=sections,
            number_kinds=MappingProxyType(kinds),
            rules=rules,
            equations=equations,
            previous_formats=MappingProxyType(previous),
            label_words=_label_words(raw.get("label_words", ()), sections),
            key_figures=_key_figures(raw.get("key_figures", ()), by_key),
            _sections=by_key,
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise TemplateError(f"模板格式错误: {exc!r}") from exc
    from models.rules import compile_rules  # the kinds validate their own params

    compile_rules(template)
    return template


def template_dir() -> Path:
    return resource_path("templates")


def load_template(template_id: str) -> ReportTemplate:
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


def shipped_templates() -> list[ReportTemplate]:
    """Every shipped template, oldest format first."""
    return sorted((load_template(t) for t in available_templates()), key=lambda t: t.first_year)


def template_for_year(year: int) -> ReportTemplate | None:
    """The newest shipped template in force for reports on ``year``, or None."""
    best: ReportTemplate | None = None
    for t in shipped_templates():
        if t.covers_year(year) and (best is None or t.first_year > best.first_year):
            best = t
    return best


def newest_template() -> ReportTemplate:
    """The format of new reports when nothing says otherwise (the newest in force)."""
    return max(shipped_templates(), key=lambda t: t.first_year)
