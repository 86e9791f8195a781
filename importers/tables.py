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
    dice,
    enumerated,
    is_prose,
    is_value_text,
    label_score,
    looks_like_bad_value,
    read_value,
    split_cell,
    squash,
)
from models.numbers import ANY_NUMBER, format_value, number
from models.template import EquationRule, HeaderNode, ReportTemplate, SectionSpec
from models.values import Value

GROUP_WEIGHT = 0.5  # a group label helps place rows but counts less than a value row
STRONG = 2.5  # a label score this high names one row of the template
MAX_WORD_IN_CELL = 4  # ×, 不适用, 未统计: what a number cell of a ``|`` row may hold instead
_NOTE = re.compile(r"^[(\[【]?(?:注|备注|说明)\d*[:：]")  # squashed (NFKC): （注：…） reads (注:…)


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
    lost_breaks: bool = False  # from text that lost its line breaks: figures may have run together


@dataclass(frozen=True, slots=True)
class UnknownRow:
    """A labelled row of figures that no row of the template takes."""

    label: str
    figures: tuple[str, ...]
    columns: tuple[str, ...]  # the labels of the columns of the block it stands in


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
    in_printed_order: bool = False  # labels out of place: the numbers were taken in printed order
    scrambled: list[str] = field(default_factory=list)  # rows whose numbers are mixed with headings
    # row → the numbers after its label, more than it has, of which several runs satisfy its sums
    undecided: dict[str, list[Token]] = field(default_factory=dict)
    gaps: dict[str, list[Token]] = field(default_factory=dict)  # rows with too few numbers to place
    split: dict[str, str] = field(default_factory=dict)  # row → the figures printed run together, split
    renamed: dict[str, str] = field(default_factory=dict)  # row → its label as misprinted, matched by place
    # row → (printed, candidates (None: too many to list), whether a sum it takes part in has a blank)
    # why: "" (several splits, or none, hold), "blank" (a sum it takes part in has a blank cell),
    # "unchecked" (no sum checks the row, and the figures may be fewer with cells left blank)
    ambiguous: dict[str, tuple[str, list[tuple[int, ...]] | None, str]] = field(default_factory=dict)
    # row → its part labels as printed (a newer format's sub-rows, read as their sum: PartRows)
    summed: dict[str, list[str]] = field(default_factory=dict)
    # rows the format does not have (a province's 其他主动公开文件): printed label, its figures,
    # the column labels of the block it stands in
    unknown: list[UnknownRow] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)  # column → the unit its printed heading names (（万元）)
    unplaced: dict[str, list[Token]] = field(default_factory=dict)  # row → figures that do not fit its cells


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
                tokens.append(Token(part, li, _kind(part), line.row, lost_breaks=line.lost_breaks))
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
               has_heading: bool = True, at_end: bool = False) -> TableRead:
    """Read a table from its region. Without its own heading the region is a neighbour's, so
    a table without row labels (四) is read only after its column headings. ``at_end``: the
    region runs to the end of the document, which may have been cut off in its last row."""
    tokens, notes = tokens_of(lines)
    out = TableRead(notes=notes)
    all_rules = tuple(r for r in template.equations if r.section == section.key)
    rules = tuple(r for r in all_rules if r.along == "row")
    if not any(b.row_labels for b in section.blocks):
        if not has_heading:
            headers = _header_cores(section, template)
            start = next((i for i, t in enumerate(tokens) if t.kind == "label" and enumerated(t.text).core in headers),
                         None)
            tokens = [] if start is None else tokens[start:]
        _read_unlabelled(section, tokens, out, rules, cut_off=at_end)
        _split_run_together(section, out, all_rules)
        return out
    items = section_items(section)
    columns = _column_words(section)
    scorer = _Scorer(items)
    tokens = _join_fragments(tokens, scorer)
    # 其他 / 总计 without a number are column headings, not the rows 3.其他 / （七）总计
    labels = [i for i, t in enumerate(tokens) if t.kind == "label"
              and not (enumerated(t.text).level is None and enumerated(t.text).core in columns)]
    weights = [1 if it.key else GROUP_WEIGHT for it in items]
    scored = [(ti, [x * w for x, w in zip(scorer.scores(tokens[ti].text), weights, strict=True)]) for ti in labels]
    scored = [(ti, sc) for ti, sc in scored if any(sc)]  # the DP only needs tokens that match something
    labels = [ti for ti, _ in scored]
    scores = [sc for _, sc in scored]
    matched = {ii: labels[ci] for ii, ci in best_increasing(len(items), scores)}
    out.renamed = _match_by_place(items, tokens, matched)
    anchors = sorted(matched.values())

    def run_after(ti: int) -> list[Token]:
        end = next((a for a in anchors if a > ti), len(tokens))
        return tokens[ti + 1:end]

    others = {ii: [it for jj, it in enumerate(items) if it.key and jj != ii] for ii in matched}

    def own_run(ii: int) -> list[Token]:
        """The value row's run, up to the first label that could be another row's (one missing
        here, or printed twice): the numbers after it may be that row's, not this one's."""
        run = run_after(matched[ii])
        stop = next((k for k, t in enumerate(run) if t.kind in ("label", "bad") and _names_any(t.text, others[ii])),
                    len(run))
        return run[:stop]

    def cut_off(ti: int) -> bool:  # the document stops inside this row
        return at_end and not any(a > ti for a in anchors)

    leaf_found = {items[ii].key for ii in matched if items[ii].key}
    reported: set[str | None] = set(leaf_found)  # rows not to list as missing
    parts = {p.row: p.parts for p in section.part_rows}
    consumed: set[int] = set()  # ids of the tokens read into a row
    for ii, item in enumerate(items):
        if item.key is not None and ii in matched:
            out.rows_found += 1
            if item.key in parts and _assign_parts(out, item, tokens[matched[ii]], run_after(matched[ii]),
                                                   parts[item.key], rules, consumed):
                continue
            _assign(out, item.key, item.columns, tokens[matched[ii]], own_run(ii), rules, cut_off=cut_off(matched[ii]))
    # A group printed as one old-style row (（六）其他处理 with no sub-rows): its numbers go where
    # the template's ``legacy_rows`` says (format-2019.md: other_handling ≙ the three 2021 rows),
    # and the importer says so.
    for ii, item in enumerate(items):
        if item.key is not None or ii not in matched or any(k in leaf_found for k in item.leaves):
            continue
        run = run_after(matched[ii])
        if not any(t.kind in ("value", "bad") for t in run):
            continue
        legacy = next((r for r in section.legacy_rows if set(r.covers) == set(item.leaves)), None)
        target = next((it for it in items if legacy is not None and it.key == legacy.into), None)
        if target is None or target.key is None:
            continue
        out.rows_found += 1
        _assign(out, target.key, target.columns, tokens[matched[ii]], run, rules, cut_off=cut_off(matched[ii]))
        reported.update(item.leaves)  # the format.version finding names the rows left blank
        if any((t := out.values.get((target.key, c))) is not None and t.kind != "empty" for c in target.columns):
            out.old_style[item.printed] = (target.key, target.printed)
    out.missing_rows = [it.key for it in items if it.key and it.key not in reported]
    _unknown_rows(section, items, tokens, matched, out, consumed)
    out.units = _heading_units(section, tokens)
    _split_run_together(section, out, all_rules)
    if (out.missing_rows or out.short_rows or out.extra or out.scrambled or out.gaps or out.unplaced
            or out.undecided):
        ordered = _in_printed_order(section, tokens, all_rules)
        # Rows the labels placed without doubt must read the same in printed order.
        sure = {k: t for k, t in out.values.items() if k[0] not in out.extra and k[0] not in out.short_rows}
        if ordered is not None and all(ordered.get(k) is t for k, t in sure.items()):
            return TableRead(values=ordered, notes=notes, rows_found=len(section.row_keys), in_printed_order=True)
    return out


PART_SCORE = 2.0  # a newer format's sub-row label, its first line at least (a PDF wraps the long ones)


def _assign_parts(out: TableRead, item: Item, label: Token, run: list[Token], parts: tuple[str, ...],
                  rules: tuple[EquationRule, ...], consumed: set[int]) -> bool:
    """A row printed as a newer format's sub-rows (2019's （六）其他处理 as 2021's three rows):
    each sub-row read as a row of its own, the row takes their sum per column. False when fewer
    than two of the sub-row labels are printed under it (then it is an ordinary row)."""
    labels = [(enumerated(x), bigrams(enumerated(x).core)) for x in parts]
    found: list[tuple[int, int]] = []  # (part index, position in run)
    for pos, t in enumerate(run):
        if t.kind != "label":
            continue
        start = found[-1][0] + 1 if found else 0
        scores = [label_score(enumerated(t.text), e, b) for e, b in labels[start:]]
        best = max(scores, default=0.0)
        if best >= PART_SCORE:
            found.append((start + scores.index(best), pos))
    if len(found) < 2:
        return False
    sums: dict[str, list[Value]] = {c: [] for c in item.columns}
    unreadable = False
    for k, (_, pos) in enumerate(found):
        end = found[k + 1][1] if k + 1 < len(found) else len(run)
        part = TableRead()
        _assign(part, "part", item.columns, run[pos], run[pos + 1:end], rules)
        if part.short_rows or part.extra or part.scrambled or part.gaps or part.unplaced or part.undecided:
            unreadable = True
        for c in item.columns:
            tok = part.values.get(("part", c))
            if tok is not None:
                consumed.add(id(tok))
                value = read_value(tok.text, ANY_NUMBER)
                unreadable |= value.error is not None
                sums[c].append(value.value)
    out.summed[item.key or ""] = [run[pos].text for _, pos in found]
    if unreadable:  # a sub-row that cannot be read leaves the sum unknown: blank, with a finding
        out.short_rows[item.key or ""] = 0
        return True
    for c, values in sums.items():
        filled = [number(v) for v in values if v is not None]
        text = format_value(sum(filled)) if filled else ""
        out.values[(item.key or "", c)] = Token(text, label.line, "value" if filled else "empty", False)
    return True


def _label_cores(section: SectionSpec) -> frozenset[str]:
    """Every label the table prints in its headings: block titles, corners, column and row labels."""
    cores = set(_header_words(section))
    for block in section.blocks:
        cores.update(enumerated(x).core for x in (block.title, block.corner) if x)
    return frozenset(cores)


def _unknown_rows(section: SectionSpec, items: tuple[Item, ...], tokens: list[Token], matched: dict[int, int],
                  out: TableRead, consumed: set[int]) -> None:
    """Rows the format does not have, printed inside the table (湖北's 其他主动公开文件 under 规范性文件):
    a label no row took, then figures no row took (on its own table row, or next in the text).
    Their figures leave the row above's ``extra``; the importer keeps the row as a note."""
    if not matched:
        return
    consumed |= {id(t) for t in out.values.values() if t is not None}
    headings = _label_cores(section)
    # rows whose own figures may be the ones left over
    unsure = {*out.scrambled, *out.gaps, *out.short_rows, *out.unplaced, *out.undecided}
    anchors = sorted((ti, ii) for ii, ti in matched.items())
    taken = set(matched.values())
    for ti in range(anchors[0][0] + 1, len(tokens)):
        t = tokens[ti]
        core = enumerated(t.text).core
        if t.kind != "label" or ti in taken or len(core) < 2 or core in headings:
            continue
        above = next((ii for tj, ii in reversed(anchors) if tj < ti and items[ii].key), None)
        if above is not None and items[above].key in unsure:
            continue
        figures: list[Token] = []
        # its figures: the rest of its line when the line holds more cells, else the figures next
        same_line = ti + 1 < len(tokens) and tokens[ti + 1].line == t.line
        for nxt in tokens[ti + 1:]:
            if nxt.kind not in ("value", "bad", "empty") or (same_line and nxt.line != t.line):
                break
            if nxt.kind != "empty" or nxt.row:
                figures.append(nxt)
        if not any(f.kind != "empty" for f in figures) or any(id(f) in consumed for f in figures):
            continue
        columns: tuple[str, ...] = ()
        if above is not None:
            row = items[above].key or ""
            columns = tuple(c.column_label for c in section.cells if c.row == row)
            extra = out.extra.get(row)
            if extra:
                out.extra[row] = [x for x in extra if x not in figures]
                if not out.extra[row]:
                    del out.extra[row]
        out.unknown.append(UnknownRow(" ".join(t.text.split()), tuple(f.text for f in figures), columns))
        consumed.update(id(f) for f in figures)


_HEADING_UNIT = re.compile(r"[(（][^()（）]*?(亿元|万元|元)[)）]$")


def _heading_units(section: SectionSpec, tokens: list[Token]) -> dict[str, str]:
    """Units the printed column headings name (``采购总金额（万元）``, ``本年收费金额(单位:元)``): a
    figure printed without a unit is in the heading's."""
    money = {enumerated(c.column_label).bare: c.column for c in section.cells
             if c.number.kept_units or c.number.unit}
    if not money:
        return {}
    units: dict[str, str] = {}
    for i, t in enumerate(tokens):
        if t.kind != "label":
            continue
        e = enumerated(t.text)
        text = squash(t.text)
        if e.bare in money and (m := _HEADING_UNIT.search(text)):
            units[money[e.bare]] = m.group(1)
        elif e.core in money and i + 1 < len(tokens) and (m := _HEADING_UNIT.fullmatch(squash(tokens[i + 1].text))):
            units[money[e.core]] = m.group(1)  # the unit on a line of its own under the heading
    return units


def _in_printed_order(section: SectionSpec, tokens: list[Token],
                      rules: tuple[EquationRule, ...]) -> dict[tuple[str, str], Token | None] | None:
    """The table's numbers in printed order, when the labels could not place them (the text layer
    of a PDF prints the labels of merged cells away from their rows) but the region holds exactly
    one number per cell and every sum of the table confirms the order.

    A whole row out of place keeps the row sums, so the column sums must all hold too; the one
    slip allowed is a single wrong cell of the published report (its row sum fails, and column
    sums in its column only)."""
    cells = section.cells
    numbers = [t for t in tokens if t.kind in ("value", "bad")]
    if len(numbers) != len(cells) or not rules:
        return None
    grid = {(c.row, c.column): read_value(t.text, c.number).value for c, t in zip(cells, numbers, strict=True)}
    rows = section.row_keys
    columns = list(dict.fromkeys(c.column for c in cells))
    checks = 0
    bad_rows: set[str] = set()
    bad_columns: set[str] = set()
    for rule in rules:
        keys = set(rule.left + rule.right)
        if rule.along == "row":
            for r in rows:
                if keys <= set(section.columns_of(r)):
                    checks += 1
                    if not _holds(rule, {k: grid.get((r, k)) for k in keys}):
                        bad_rows.add(r)
        else:
            for c in columns:
                if all((k, c) in grid for k in keys):
                    checks += 1
                    if not _holds(rule, {k: grid.get((k, c)) for k in keys}):
                        bad_columns.add(c)
    if not checks or (bad_columns and len(bad_rows) != 1) or len(bad_rows) > 1 or len(bad_columns) > 1:
        return None
    return {(c.row, c.column): t for c, t in zip(cells, numbers, strict=True)}


class _Scorer:
    """Each printed label's scores against the table's row labels, computed once per wording."""

    def __init__(self, items: tuple[Item, ...]) -> None:
        self.items = items
        self._memo: dict[str, list[float]] = {}

    def scores(self, text: str) -> list[float]:
        got = self._memo.get(text)
        if got is None:
            e = enumerated(text)
            got = self._memo[text] = [label_score(e, it.label, it.bigrams) for it in self.items]
        return got

    def best(self, text: str) -> float:
        return max(self.scores(text), default=0.0)


def _join_fragments(tokens: list[Token], scorer: _Scorer, longest: int = 3) -> list[Token]:
    """Re-join a row label a narrow cell broke into pieces (``行政`` / ``许可``, ``3.`` / ``其他``
    when a page's paragraphs were copied as lines): neighbouring labels that name no row alone
    but do together. The joined label sits where its last piece was, beside the row's numbers."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.kind != "label" or (alone := scorer.best(t.text)) >= STRONG:
            out.append(t)
            i += 1
            continue
        text, joined = t.text, None
        for j in range(i + 1, min(i + longest, len(tokens))):
            nxt = tokens[j]
            if nxt.kind != "label" or is_prose(text + nxt.text):
                break
            text += nxt.text
            score = scorer.best(text)
            piece = scorer.best(nxt.text)
            # the last piece may read as a column heading alone (其他, 总计 of 3.其他, （七）总计)
            if score >= STRONG and score > alone and (score > piece or not alone):
                joined = (j, Token(text, nxt.line, "label", nxt.row))
                break
        if joined is None:
            out.append(t)
            i += 1
        else:
            out.append(joined[1])
            i = joined[0] + 1
    return out


def _assign(out: TableRead, row: str, columns: tuple[str, ...], label: Token, run: list[Token],
            rules: tuple[EquationRule, ...], *, cut_off: bool = False) -> None:
    n = len(columns)
    picked = _positional(label, run, n)
    extra: list[Token] = []
    if picked is None:
        cands = [t for t in run if t.kind in ("value", "bad") or t.solo_empty]
        if label.row and _blank_among_figures(label, run):
            # The row's own line has a blank cell between its figures, yet not one figure per
            # cell: reading the figures in order would move them across the blank (a 0 into
            # a cell printed blank). Nothing placed; the finding lists what was printed.
            out.unplaced[row] = [t for t in run if t.line == label.line and t.kind in ("value", "bad")]
            return
        picked = _best_window(cands, columns, rules)
        extra = [t for t in cands if t.kind == "value" and t not in picked]
        clumped = len(extra) >= n and picked and any(t.kind == "label" for t in run[:run.index(picked[0])])
        if extra and not clumped and _windows_holding(cands, columns, rules) > 1:
            # More numbers than the row has and the sums hold for several runs of them
            # (34 0 0 0 0 0 34 1288 21 0 0 50 3 1362 after a lost row's label): either is a guess.
            out.undecided[row] = cands
            return
        if clumped or (extra and _window_holds(picked, columns, rules) is False):
            # More numbers than the row has, and neither their place (the label is one of a clump
            # printed apart from the numbers, as in a PDF's text layer) nor the row's sums say
            # which are its own: taking the first ones would be a guess.
            out.scrambled.append(row)
            return
        if 0 < len(picked) < n and not cut_off:
            _place_short(out, row, columns, picked, rules)
            return
    _place(out, row, columns, picked, extra)


def _blank_among_figures(label: Token, run: list[Token]) -> bool:
    """A blank cell between two figures of the label's own table row (blank cells after the
    last figure are the continuation of a value spanning columns: ``行政许可 | 62 |  |``)."""
    kinds = [t.kind for t in run if t.line == label.line]
    figures = [i for i, k in enumerate(kinds) if k in ("value", "bad")]
    return len(figures) >= 2 and "empty" in kinds[figures[0]:figures[-1]]


def _place(out: TableRead, row: str, columns: tuple[str, ...], picked: list[Token], extra: list[Token]) -> None:
    """The row's numbers from its first column on; too few or too many are recorded for a finding."""
    for col, tok in zip(columns, picked, strict=False):
        out.values[(row, col)] = tok
    if len(picked) < len(columns):
        out.short_rows[row] = len(picked)
    if extra:
        out.extra[row] = extra


def _place_short(out: TableRead, row: str, columns: tuple[str, ...], picked: list[Token],
                 rules: tuple[EquationRule, ...]) -> None:
    """Fewer numbers than cells, and nothing (no ``|``, no position) to say which cell was left
    empty: filling from the left would shift the rest into the wrong columns. Only groups of
    cells whose sum holds are placed (四's 行政复议 from the left, 复议后起诉 from the right);
    the rest stays blank and is reported."""
    placed = _agreed_groups(_groups(columns, rules), picked, rules)
    for col, tok in placed.items():
        out.values[(row, col)] = tok
    taken = {id(t) for t in placed.values()}
    out.gaps[row] = [t for t in picked if id(t) not in taken]


def _agreed_groups(groups: list[tuple[str, ...]], picked: list[Token],
                   rules: tuple[EquationRule, ...]) -> dict[str, Token]:
    """The groups' cells that every reading of the row agrees on. A reading puts the missing
    cells into some groups (a group that lost a cell is unknown) and reads the other groups
    in order; it stands if each of those groups' sums holds. A sum that holds in one reading
    vouches for nothing while another reading, which puts the gap there, stands as well
    (``1 1 0 2 4`` is 行政复议 only if the lost cell is not among these five)."""
    missing = sum(map(len, groups)) - len(picked)
    agreed: dict[str, Token] | None = None

    def read(g: int, start: int, left: int, placed: dict[str, Token]) -> None:
        nonlocal agreed
        if g == len(groups):
            if left == 0 and start == len(picked):
                agreed = dict(placed) if agreed is None else {
                    c: t for c, t in agreed.items() if placed.get(c) is t}
            return
        cols = groups[g]
        for lost in range(min(left, len(cols)) + 1):
            window = picked[start:start + len(cols) - lost]
            if lost == 0 and not _window_holds(window, cols, rules):
                continue
            here = dict(zip(cols, window, strict=True)) if lost == 0 else {}
            read(g + 1, start + len(cols) - lost, left - lost, {**placed, **here})

    if groups and missing > 0:
        read(0, 0, missing, {})
    return agreed or {}


def _groups(columns: tuple[str, ...], rules: tuple[EquationRule, ...]) -> list[tuple[str, ...]]:
    """The row's columns cut into the runs of adjacent columns each sum covers (四: three groups
    of five), or no groups when the sums do not cut the row that way."""
    spans = []
    for rule in rules:
        keys = set(rule.left + rule.right)
        if not keys <= set(columns):
            continue
        at = sorted(columns.index(k) for k in keys)
        if at != list(range(at[0], at[-1] + 1)):
            return []
        spans.append((at[0], at[-1] + 1))
    spans.sort()
    if not spans or spans[0][0] != 0 or spans[-1][1] != len(columns):
        return []
    if any(a[1] != b[0] for a, b in zip(spans, spans[1:], strict=False)):
        return []
    return [columns[a:b] for a, b in spans]


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
    if len(same) < n:
        return None
    cells, lead = same[len(same) - n:], same[: len(same) - n]
    # A short word in a number cell of a ``|`` row (×, 不适用) is an unreadable value in its
    # place; a longer one, or a row of words, is no row of numbers.
    words = [t for t in cells if t.kind in ("label", "prose")]
    if any(t.kind == "prose" or len(squash(t.text)) > MAX_WORD_IN_CELL for t in words) or len(words) * 2 > n:
        return None
    if any(t.kind != "empty" for t in lead):
        return None
    return cells


def _best_window(cands: list[Token], columns: tuple[str, ...], rules: tuple[EquationRule, ...]) -> list[Token]:
    """The ``len(columns)`` consecutive numbers of a row: the first ones, unless a stray number
    came first and a later window satisfies the row's equations (总计 = the sum of its parts)."""
    n = len(columns)
    usable = _row_sums(columns, rules)
    if len(cands) <= n or not usable:
        return cands[:n]
    for start in range(len(cands) - n + 1):
        window = cands[start:start + n]
        if _all_hold(window, columns, usable):
            return window
    return cands[:n]


def _windows_holding(cands: list[Token], columns: tuple[str, ...], rules: tuple[EquationRule, ...]) -> int:
    """How many runs of ``len(columns)`` consecutive numbers satisfy the row's sums."""
    n, usable = len(columns), _row_sums(columns, rules)
    if not usable:
        return 0
    return sum(1 for start in range(len(cands) - n + 1) if _all_hold(cands[start:start + n], columns, usable))


def _interleaved(tokens: list[Token], picked: list[Token]) -> bool:
    """Labels stand between the first and the last of the picked numbers."""
    if len(picked) < 2:
        return False
    first, last = tokens.index(picked[0]), tokens.index(picked[-1])
    return any(t.kind == "label" for t in tokens[first:last])


def _window_holds(window: list[Token], columns: tuple[str, ...], rules: tuple[EquationRule, ...]) -> bool | None:
    """Whether the numbers satisfy the row's sums (``None``: the row has no sums)."""
    usable = _row_sums(columns, rules)
    return _all_hold(window, columns, usable) if usable else None


def _row_sums(columns: tuple[str, ...], rules: tuple[EquationRule, ...]) -> list[EquationRule]:
    """The sums that lie wholly within these columns."""
    return [r for r in rules if set(r.left + r.right) <= set(columns)]


def _all_hold(window: list[Token], columns: tuple[str, ...], rules: list[EquationRule]) -> bool:
    """Whether the numbers, read into ``columns`` from the left, satisfy every sum (a missing
    number fails a sum that needs it). Any figure reads, so both counts and sums of money do."""
    values = {c: read_value(t.text, ANY_NUMBER).value for c, t in zip(columns, window, strict=False)}
    return all(_holds(rule, values) for rule in rules)


def _holds(rule: EquationRule, values: dict[str, Value]) -> bool:
    left = [values.get(k) for k in rule.left]
    right = [values.get(k) for k in rule.right]
    if any(v is None for v in left + right):
        return False
    return sum(number(v) for v in left) == sum(number(v) for v in right)


def _read_unlabelled(section: SectionSpec, tokens: list[Token], out: TableRead,
                     rules: tuple[EquationRule, ...], *, cut_off: bool = False) -> None:
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
        if extra and _windows_holding(cands, columns, rules) > 1:  # the sums allow several readings
            out.rows_found = 1
            out.undecided[row] = cands
            return
        holds = _window_holds(picked, columns, rules)
        if (extra or _interleaved(tokens, picked)) and holds is False:
            # Numbers mixed with column headings (the PDF text layer lost the order: 结果 / 维持 /
            # 72 / 64 / … / 总计 / 351) or more numbers than cells, failing the sums: placing them
            # would be a guess (even the sums cannot tell 未经复议直接起诉 from 复议后起诉).
            out.scrambled.append(row)
            return
        if 0 < len(picked) < n and not cut_off:
            out.rows_found = 1
            _place_short(out, row, columns, picked, rules)
            return
    if picked:
        out.rows_found = 1
        _place(out, row, columns, picked, extra)
    else:
        out.missing_rows.append(row)


def _split_run_together(section: SectionSpec, out: TableRead, rules: tuple[EquationRule, ...]) -> None:
    """Rows whose figures were printed run together (``693665`` for three cells): split them when
    exactly one way satisfies every sum of the table (see :mod:`importers.digits`), else leave
    them blank and keep the candidates for an ``import.ambiguous`` finding."""
    from importers.digits import row_splits, solve_table

    runs: dict[str, list[Token]] = {}
    for row in list(dict.fromkeys([*out.short_rows, *out.gaps])):
        toks = [t for c in section.columns_of(row) if (t := out.values.get((row, c))) is not None and t.kind == "value"]
        toks += [t for t in out.gaps.get(row, []) if t not in toks]
        texts = [squash(t.text) for t in toks]
        n = len(section.columns_of(row))
        # Run together: far fewer runs than cells (a row missing a cell or two is not, and is
        # reported as such), and digits enough for every cell. Only text that lost its line
        # breaks (cut into rows by importers.unbreak) can have run its figures together: a cell
        # of a table row (<td>, a tab or | cell), a figure on a line of its own or set apart by
        # spaces is one figure as printed. Cutting it would read a figure printed nowhere: a row
        # that lost four cells, 1288 21 1362, is no 1|28|8|21|1|3|62 (28 for 商业企业).
        if (texts and all(x.isdigit() for x in texts) and (len(texts) == 1 or len(texts) <= n // 2)
                and len(texts) < n and sum(map(len, texts)) >= n and all(t.lost_breaks for t in toks)):
            runs[row] = toks
    if not runs:
        return
    row_rules = tuple(r for r in rules if r.along == "row")
    # A row no sum checks (二's) is cut only where the digits allow no fewer figures (000 is
    # 0 0 0): 456 may as well be one figure with two cells left blank as 4 5 6.
    summed = {k for r in rules if r.along == "column" for k in r.left + r.right}
    unchecked = {row for row, toks in runs.items() if row not in summed
                 and not _row_sums(tuple(section.columns_of(row)), row_rules)
                 and not _no_fewer_figures([squash(t.text) for t in toks], len(section.columns_of(row)))}
    unknown: dict[str, list[tuple[int, ...]]] = {}
    too_many: list[str] = []
    for row, toks in runs.items():
        if row in unchecked:
            continue
        cands = row_splits([squash(t.text) for t in toks], section.columns_of(row), row_rules)
        if cands is None:
            too_many.append(row)
        else:
            unknown[row] = cands
    known: dict[tuple[str, str], int | None] = {}
    for (row, col), tok in out.values.items():
        if row not in runs and tok is not None and tok.kind == "value":
            spec = section.cell(row, col)
            v = read_value(tok.text, spec.number).value if spec else None
            known[(row, col)] = v if type(v) is int else None  # the sums solved here are of counts
    columns_of = {r: section.columns_of(r) for r in section.row_keys}
    result = solve_table(unknown, known, columns_of, rules) if unknown else None
    for row, toks in runs.items():
        printed = " ".join(t.text for t in toks)
        for col in section.columns_of(row):
            out.values.pop((row, col), None)
        out.short_rows.pop(row, None)
        out.gaps.pop(row, None)
        figures = result.solved.get(row) if result is not None and not too_many else None
        if row in unchecked:
            cut = row_splits([squash(t.text) for t in toks], section.columns_of(row), ())
            out.ambiguous[row] = (printed, cut, "unchecked")
        elif figures is not None:
            line = toks[0].line
            for col, v in zip(section.columns_of(row), figures, strict=True):
                out.values[(row, col)] = Token(str(v), line, "value", False)
            out.split[row] = printed
        else:
            cands = [] if row in too_many or result is None else result.candidates.get(row, unknown.get(row, []))
            if result is not None and result.exhausted:
                too_many.append(row)
            why = "blank" if result is not None and result.unverifiable else ""
            out.ambiguous[row] = (printed, None if row in too_many else cands, why)


def _no_fewer_figures(runs: list[str], n: int) -> bool:
    """Whether the digit runs can be read as no fewer than ``n`` figures (``000``: 0 0 0 only)."""
    from importers.digits import row_splits

    return all(row_splits(runs, [str(i) for i in range(k)], ()) == [] for k in range(len(runs), n))


LIKENESS = 0.5  # bigram likeness of a misprinted label to the one its place calls for


def _names_any(text: str, items: list[Item]) -> bool:
    """Whether printed text could be one of these row labels: it holds the label's words
    (``本年处理决定数量行政处罚``, ``行政许可2629`` where line breaks were lost) or is like them
    (a typo: same item number, similar words)."""
    e = enumerated(text)
    for item in items:
        core = item.label.core
        if len(core) >= 4 and core in e.core:
            return True
        if e.number is not None and item.label.number is not None and e.number != item.label.number:
            continue
        if len(e.core) >= 4 and dice(bigrams(e.core), item.bigrams) >= LIKENESS:
            return True
    return False


def _match_by_place(items: tuple[Item, ...], tokens: list[Token], matched: dict[int, int]) -> dict[str, str]:
    """Row labels printed with a typo or a dropped character (``2.其他法律行政止公开``): a value row
    the labels left unmatched takes the one unmatched label that stands between its matched
    neighbours, when that label is like its own (same item number, similar words) and no other
    row could take it. Returns row → the label as printed, for an info finding."""
    renamed: dict[str, str] = {}
    for ii, item in enumerate(items):
        if item.key is None or ii in matched:
            continue
        before = [jj for jj in matched if jj < ii]
        after = [jj for jj in matched if jj > ii]
        lo = matched[max(before)] if before else -1
        hi = matched[min(after)] if after else len(tokens)
        first = max(before) + 1 if before else 0
        last = min(after) if after else len(items)
        if sum(1 for jj in range(first, last) if items[jj].key and jj not in matched) != 1:
            continue  # another row missing between the same neighbours could claim the label
        taken = set(matched.values())
        cands = []
        for ti in range(lo + 1, hi):
            t = tokens[ti]
            if t.kind != "label" or ti in taken:
                continue
            e = enumerated(t.text)
            if e.number is not None and item.label.number is not None and e.number != item.label.number:
                continue
            if len(e.core) >= 4 and dice(bigrams(e.core), item.bigrams) >= LIKENESS:
                cands.append(ti)
        if len(cands) == 1:
            matched[ii] = cands[0]
            renamed[item.key] = tokens[cands[0]].text
    return renamed
