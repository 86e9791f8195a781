"""Reading a table section's values out of the lines of its region.

The region's cells become a stream of tokens (labels, numbers, blanks). Each value row of the
template is found by its label (the leaf of its ``row_path``, matched fuzzily, in template
order: a longest-common-subsequence over the stream), and its values are the numbers that
follow it, up to the next matched label: positionally when the row came as a table row with
exactly the right cells, else in order. A value that is not there stays ``None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from importers.common import (
    Enumerated,
    Line,
    best_increasing,
    bigrams,
    enumerated,
    is_prose,
    is_value_text,
    label_score,
    looks_like_bad_value,
    read_value,
    split_cell,
    squash,
)
from models.template import EquationRule, HeaderNode, ReportTemplate, SectionSpec
from models.values import Value

# The catch-all leaf of a group (（六）其他处理 › 3.其他): where an old-style single row of that
# group goes (format-2019.md: other_handling ≙ the sum of the three 2021 rows).
CATCH_ALL = "其他"
GROUP_WEIGHT = 0.5  # a group label helps place rows but counts less than a value row
_NOTE = re.compile(r"^(?:注|备注|说明)\d*[:：]")


@dataclass(frozen=True, slots=True)
class Item:
    """A row label of the template: a value row (``key``) or a group of rows."""

    key: str | None
    label: Enumerated
    bigrams: frozenset[str]
    columns: tuple[str, ...] = ()
    leaves: tuple[str, ...] = ()
    printed: str = ""  # the official wording, for messages


@cache
def section_items(section: SectionSpec) -> tuple[Item, ...]:
    """The row labels of a table in printed order (groups before their rows)."""
    items: list[Item] = []

    def walk(node: HeaderNode) -> None:
        e = enumerated(node.label)
        if node.is_leaf:
            assert node.key is not None
            items.append(Item(node.key, e, bigrams(e.core), tuple(section.columns_of(node.key)), printed=node.label))
            return
        leaves = tuple(leaf.key for leaf in node.leaves() if leaf.key)
        items.append(Item(None, e, bigrams(e.core), leaves=leaves, printed=node.label))
        for child in node.children:
            walk(child)

    for block in section.blocks:
        if block.row_labels:
            for node in block.rows:
                walk(node)
    return tuple(items)


@dataclass(slots=True, eq=False)  # identity: two printed zeros are different cells
class Token:
    text: str
    line: int  # index of its line within the region
    kind: str  # 'label', 'value', 'bad' (unreadable number), 'empty', 'prose'
    row: bool  # its line is a table row
    solo_empty: bool = False  # an empty cell alone on its line (one cell per line)


@dataclass(slots=True)
class TableRead:
    """What was read from one table section."""

    values: dict[tuple[str, str], Token | None] = field(default_factory=dict)  # (row, column) → token
    missing_rows: list[str] = field(default_factory=list)  # value rows not found
    short_rows: dict[str, int] = field(default_factory=dict)  # row → how many values it had
    extra: dict[str, list[Token]] = field(default_factory=dict)  # row → values beyond its columns
    old_style: dict[str, tuple[str, str]] = field(default_factory=dict)  # group label → (catch-all row, printed)
    notes: list[str] = field(default_factory=list)
    rows_found: int = 0


def tokens_of(lines: list[Line]) -> tuple[list[Token], list[str]]:
    """The region's cells as tokens, and its note lines (注：…) set aside."""
    tokens: list[Token] = []
    notes: list[str] = []
    for li, line in enumerate(lines):
        filled = line.filled
        if len(filled) == 1 and _NOTE.match(squash(filled[0])):
            notes.append(" ".join(filled[0].split()))
            continue
        if line.row and not filled:
            tokens.append(Token("", li, "empty", True, solo_empty=True))
            continue
        for cell in line.cells if line.row else [line.text]:
            for part in split_cell(cell) if cell.strip() else [""]:
                tokens.append(Token(part, li, _kind(part), line.row))
    return tokens, notes


def _kind(text: str) -> str:
    if not text.strip():
        return "empty"
    if is_prose(text):
        return "prose"
    if is_value_text(text):
        return "value"
    if looks_like_bad_value(text):
        return "bad"
    return "label"


def read_table(section: SectionSpec, lines: list[Line], template: ReportTemplate, *,
               has_heading: bool = True) -> TableRead:
    """Read a table from its region. Without its own heading the region is a neighbour's, so
    a table without row labels (四) is read only after its column headings."""
    tokens, notes = tokens_of(lines)
    out = TableRead(notes=notes)
    rules = tuple(r for r in template.rules if r.section == section.key and r.along == "row")
    if not any(b.row_labels for b in section.blocks):
        if not has_heading:
            headers = _header_cores(section, template)
            start = next((i for i, t in enumerate(tokens) if t.kind == "label" and enumerated(t.text).core in headers),
                         None)
            tokens = [] if start is None else tokens[start:]
        _read_unlabelled(section, tokens, out, rules)
        return out
    items = section_items(section)
    columns = _column_words(section)
    # 其他 / 总计 without a number are column headings, not the rows 3.其他 / （七）总计
    labels = [i for i, t in enumerate(tokens) if t.kind == "label"
              and not (enumerated(t.text).level is None and enumerated(t.text).core in columns)]
    scored = [(ti, [label_score(enumerated(tokens[ti].text), it.label, it.bigrams) * (1 if it.key else GROUP_WEIGHT)
                    for it in items]) for ti in labels]
    scored = [(ti, sc) for ti, sc in scored if any(sc)]  # the DP only needs tokens that match something
    labels = [ti for ti, _ in scored]
    scores = [sc for _, sc in scored]
    matched = {ii: labels[ci] for ii, ci in best_increasing(len(items), scores)}
    anchors = sorted(matched.values())

    def run_after(ti: int) -> list[Token]:
        end = next((a for a in anchors if a > ti), len(tokens))
        return tokens[ti + 1:end]

    leaf_found = {items[ii].key for ii in matched if items[ii].key}
    reported: set[str | None] = set(leaf_found)  # rows not to list as missing
    for ii, item in enumerate(items):
        if item.key is not None and ii in matched:
            out.rows_found += 1
            _assign(out, item.key, item.columns, tokens[matched[ii]], run_after(matched[ii]), rules)
    # A group printed as one old-style row (（六）其他处理 with no sub-rows): its numbers go to the
    # group's catch-all row, and the importer says so.
    for ii, item in enumerate(items):
        if item.key is not None or ii not in matched or any(k in leaf_found for k in item.leaves):
            continue
        run = run_after(matched[ii])
        if not any(t.kind in ("value", "bad") for t in run):
            continue
        target = next((it for it in items if it.key in item.leaves and it.label.core == CATCH_ALL), None)
        if target is None:
            continue
        out.rows_found += 1
        _assign(out, target.key or "", target.columns, tokens[matched[ii]], run, rules)
        out.old_style[item.printed] = (target.key or "", target.printed)
        reported.update(item.leaves)  # the format.version finding names the rows left blank
    out.missing_rows = [it.key for it in items if it.key and it.key not in reported]
    return out


def _assign(out: TableRead, row: str, columns: tuple[str, ...], label: Token, run: list[Token],
            rules: tuple[EquationRule, ...]) -> None:
    n = len(columns)
    picked = _positional(label, run, n)
    extra: list[Token] = []
    if picked is None:
        cands = [t for t in run if t.kind in ("value", "bad") or t.solo_empty]
        picked = _best_window(cands, columns, rules)
        extra = [t for t in cands if t.kind == "value" and t not in picked]
    for col, tok in zip(columns, picked, strict=False):
        out.values[(row, col)] = tok
    if len(picked) < n:
        out.short_rows[row] = len(picked)
    if extra:
        out.extra[row] = extra


def _header_words(section: SectionSpec, *, rows: bool = True) -> set[str]:
    cores: set[str] = set()

    def walk(node: HeaderNode) -> None:
        cores.add(enumerated(node.label).core)
        for child in node.children:
            walk(child)

    for block in section.blocks:
        for node in block.columns + (block.rows if rows else ()):
            walk(node)
    return cores


@cache
def _column_words(section: SectionSpec) -> frozenset[str]:
    return frozenset(_header_words(section, rows=False))


@cache
def _header_cores(section: SectionSpec, template: ReportTemplate) -> frozenset[str]:
    """Column headings found in no other table (行政复议, 结果维持 — not 总计)."""
    others: set[str] = set()
    for s in template.table_sections:
        if s is not section:
            others |= _header_words(s)
    return frozenset(_header_words(section) - others)


def _positional(label: Token, run: list[Token], n: int) -> list[Token] | None:
    """The cells after the label on its own table row, when they are exactly the row's cells
    (a merged label's continuation cells may come first, empty)."""
    if not label.row:
        return None
    same = [t for t in run if t.line == label.line]
    if len(same) < n or any(t.kind in ("label", "prose") for t in same[len(same) - n:]):
        return None
    lead = same[: len(same) - n]
    if any(t.kind != "empty" for t in lead):
        return None
    return same[len(same) - n:]


def _best_window(cands: list[Token], columns: tuple[str, ...], rules: tuple[EquationRule, ...]) -> list[Token]:
    """The ``len(columns)`` consecutive numbers of a row: the first ones, unless a stray number
    came first and a later window satisfies the row's equations (总计 = the sum of its parts)."""
    n = len(columns)
    usable = [r for r in rules if set(r.left + r.right) <= set(columns)]
    if len(cands) <= n or not usable:
        return cands[:n]
    for start in range(len(cands) - n + 1):
        window = cands[start:start + n]
        values = {c: read_value(t.text, "amount").value for c, t in zip(columns, window, strict=True)}
        if all(_holds(rule, values) for rule in usable):
            return window
    return cands[:n]


def _holds(rule: EquationRule, values: dict[str, Value]) -> bool:
    left = [values.get(k) for k in rule.left]
    right = [values.get(k) for k in rule.right]
    if any(v is None for v in left + right):
        return False
    return sum(left) == sum(right)  # type: ignore[arg-type]


def _read_unlabelled(section: SectionSpec, tokens: list[Token], out: TableRead,
                     rules: tuple[EquationRule, ...]) -> None:
    """四: no row labels, one row of numbers under a header of column labels."""
    (row,) = section.row_keys
    columns = tuple(section.columns_of(row))
    n = len(columns)
    by_line: dict[int, list[Token]] = {}
    for t in tokens:
        by_line.setdefault(t.line, []).append(t)
    picked: list[Token] | None = None
    for toks in by_line.values():
        if (len(toks) == n and toks[0].row and all(t.kind in ("value", "bad", "empty") for t in toks)
                and any(t.kind == "value" for t in toks)):
            picked = toks
            break
    extra: list[Token] = []
    if picked is None:
        cands = [t for t in tokens if t.kind in ("value", "bad") or t.solo_empty]
        picked = _best_window(cands, columns, rules)
        extra = [t for t in cands if t.kind == "value" and t not in picked]
    if picked:
        out.rows_found = 1
        for col, tok in zip(columns, picked, strict=False):
            out.values[(row, col)] = tok
        if len(picked) < n:
            out.short_rows[row] = len(picked)
        if extra:
            out.extra[row] = extra
    else:
        out.missing_rows.append(row)
