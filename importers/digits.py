"""Splitting table figures that a copy ran together (``行政规范性文件693665``, ``（七）总计20000121``).

A run of digits is split into a row's cells only when exactly one way of splitting satisfies every
equation of the table that the template declares (row sums such as 总计 = the parts, column sums
such as （七）总计 = the 21 outcome rows, and 一+二 = 三+四): the rows are solved together, since
several rows decide one another through the column sums. Otherwise nothing is placed and the
candidates are reported.

The search is bounded: at most :data:`MAX_ROW_CANDIDATES` splits of one row are kept and at most
:data:`MAX_NODES` steps are taken over the whole table; a hostile input gives up, it never explodes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from models.template import EquationRule

MAX_DIGITS_PER_CELL = 12  # the checker's bound on a count
MAX_RUN_DIGITS = 120  # a longer run is no row of figures
MAX_ROW_CANDIDATES = 64  # splits of one row that satisfy its own sums
MAX_NODES = 200_000  # steps of the whole search

Row = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Split:
    """The outcome for the rows that needed splitting."""

    solved: dict[str, Row]  # row → its figures, when exactly one split of the table satisfies every sum
    candidates: dict[str, list[Row]]  # row → the splits that remain possible, when not solved
    exhausted: bool = False  # the search gave up (too many possibilities)
    unverifiable: bool = False  # a sum the rows take part in has a blank cell: it cannot vouch for a split


def row_splits(runs: Sequence[str], columns: Sequence[str], rules: Sequence[EquationRule]) -> list[Row] | None:
    """Every way to cut the digit ``runs`` (in order) into ``len(columns)`` figures that satisfies
    the row's own sums; ``None`` when there are more than :data:`MAX_ROW_CANDIDATES` (or the runs are
    no figures at all)."""
    digits = "".join(runs)
    n = len(columns)
    if not digits.isdigit() or len(digits) > MAX_RUN_DIGITS or not n or len(digits) < n:
        return [] if digits.isdigit() and len(digits) < n else None
    # A cut inside a run only: where two runs meet is a cut already.
    bounds = []
    pos = 0
    for r in runs:
        pos += len(r)
        bounds.append(pos)
    index = {c: i for i, c in enumerate(columns)}
    row_rules = [r for r in rules if set(r.left + r.right) <= set(index)]
    checks: dict[int, list[EquationRule]] = {}  # checked once the column at this index is filled
    for rule in row_rules:
        last = max(index[k] for k in rule.left + rule.right)
        checks.setdefault(last, []).append(rule)
    out: list[Row] = []
    budget = [MAX_NODES]
    values: list[int] = []

    def holds(rule: EquationRule) -> bool:
        return sum(values[index[k]] for k in rule.left) == sum(values[index[k]] for k in rule.right)

    def walk(start: int) -> bool:  # False: give up
        budget[0] -= 1
        if budget[0] < 0:
            return False
        col = len(values)
        if col == n:
            if start == len(digits):
                out.append(tuple(values))
            return len(out) <= MAX_ROW_CANDIDATES
        left = n - col - 1  # figures still to come after this one
        end_run = next(b for b in bounds if b > start)
        for length in range(1, min(MAX_DIGITS_PER_CELL, end_run - start) + 1):
            piece = digits[start:start + length]
            if len(piece) > 1 and piece[0] == "0":
                break  # no leading zeros: 0 is written 0
            stop = start + length
            runs_left = sum(1 for b in bounds if b > stop)  # each needs a figure of its own
            if len(digits) - stop < left or runs_left > left:
                continue
            values.append(int(piece))
            ok = all(holds(rule) for rule in checks.get(col, ()))
            if ok and not walk(stop):
                values.pop()
                return False
            values.pop()
        return True

    if not walk(0) or len(out) > MAX_ROW_CANDIDATES:
        return None
    return out


def solve_table(unknown: Mapping[str, list[Row]], known: Mapping[tuple[str, str], int | None],
                columns_of: Mapping[str, Sequence[str]], rules: Sequence[EquationRule]) -> Split:
    """Choose one split per ``unknown`` row so that every column sum holds (row sums already hold
    in each candidate); ``known`` holds the table's other figures (``None``: blank, its sums not
    checked). Solved only when exactly one choice satisfies every sum."""
    rows = sorted(unknown, key=lambda r: len(unknown[r]))
    column_rules = [r for r in rules if r.along == "column"]
    # A split is only as good as the sums that confirm it: if a sum the rows take part in has a
    # blank cell (a row lost, a figure unreadable), it confirms nothing, and nothing is split.
    for rule in column_rules:
        keys = rule.left + rule.right
        for row in (k for k in keys if k in unknown):
            for other in (k for k in keys if k not in unknown):
                if any(known.get((other, c)) is None for c in columns_of[row] if c in columns_of.get(other, ())):
                    return Split({}, {r: list(unknown[r]) for r in rows}, unverifiable=True)
    all_columns = list(dict.fromkeys(c for cols in columns_of.values() for c in cols))
    chosen: dict[str, Row] = {}

    def value(row: str, col: str) -> int | None:
        if row in chosen:
            cols = list(columns_of[row])
            return chosen[row][cols.index(col)] if col in cols else None
        if row in unknown:
            return None
        return known.get((row, col))

    def pending(rule: EquationRule) -> bool:
        return any(k in unknown and k not in chosen for k in rule.left + rule.right)

    def consistent() -> bool:
        for rule in column_rules:
            if pending(rule):
                continue
            for col in all_columns:
                left = [value(k, col) for k in rule.left]
                right = [value(k, col) for k in rule.right]
                if any(v is None for v in left + right):
                    continue  # a blank cell: this sum says nothing here
                if sum(left) != sum(right):  # type: ignore[arg-type]
                    return False
        return True

    solutions: list[dict[str, Row]] = []
    seen: dict[str, set[Row]] = {r: set() for r in rows}
    budget = [MAX_NODES]

    def walk(i: int) -> bool:  # False: give up
        budget[0] -= 1
        if budget[0] < 0:
            return False
        if i == len(rows):
            solutions.append(dict(chosen))
            for r, v in chosen.items():
                seen[r].add(v)
            return len(solutions) < 50
        row = rows[i]
        for cand in unknown[row]:
            chosen[row] = cand
            if consistent() and not walk(i + 1):
                del chosen[row]
                return False
            del chosen[row]
        return True

    finished = walk(0)
    if finished and len(solutions) == 1:
        return Split(solutions[0], {})
    if finished and not solutions:
        return Split({}, {r: list(unknown[r]) for r in rows})
    return Split({}, {r: sorted(seen[r]) or list(unknown[r]) for r in rows}, exhausted=not finished)
