"""What every rule kind is made of.

A template's rule (``{id, kind, severity, params, message}``) is compiled by its kind into
:class:`Check`\\ s: small objects that each own a fixed set of finding keys
(``(rule id, place)``) and declare what they read (:class:`Reads`: cells, narrative texts,
metadata fields, last year's report). The checker runs all of them for a full check and,
after an edit, only those that read what changed: no string-prefix bookkeeping.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import Any, ClassVar

from models.findings import Finding, FindingKey, new_finding
from models.last_year import LastYearView
from models.numbers import NumberSpec, format_value, number
from models.places import Locator, locator_for
from models.template import ReportTemplate, RuleSpec, SectionSpec, Severity, TemplateError
from models.values import CellRef, Value

Found = dict[FindingKey, Finding]
#: A report's figures in :attr:`Env.cells` order, and the positions of the plain-count cells that
#: do not hold a usable count (blank, negative, past the bound, not an int): :meth:`Env.figures`.
Figures = tuple[list[Value], frozenset[int]]
_NONE: frozenset[int] = frozenset()
_INT = {int}


@dataclass(frozen=True, slots=True)
class Reads:
    """What a check reads: the checker re-runs it when one of these changes."""

    cells: tuple[CellRef, ...] = ()
    texts: tuple[str, ...] = ()  # narrative section keys
    meta: tuple[str, ...] = ()  # Meta field names
    previous: bool = False  # last year's report (runs only when one is given)


class Env:
    """What checks share: the template, where its cells are and what they may hold."""

    def __init__(self, template: ReportTemplate) -> None:
        self.template = template
        self.locator: Locator = locator_for(template)
        self.spec: dict[CellRef, NumberSpec] = {c.ref: c.number for c in template.all_cells()}
        # The cells holding plain counts, with (number kind, bound): a whole non-negative figure
        # below the bound is valid there without a call (the loops over every cell use it).
        self.count_bounds: dict[CellRef, tuple[str, int]] = {
            ref: (s.name, s.limit) for ref, s in self.spec.items() if s.plain_count}
        self.rows: dict[tuple[str, str], tuple[CellRef, ...]] = {}
        # Last year's cells by (number kind, value), for the figures last asked about (see
        # carryover._holding): shared by the checks of every narrative section.
        self.last_index: tuple[Mapping[CellRef, Value], dict[tuple[str, int | Decimal], list[CellRef]]] | None = None
        for c in template.all_cells():
            self.rows[(c.section, c.row)] = self.rows.get((c.section, c.row), ()) + (c.ref,)
        # A report's figures as one list in this cell order (:meth:`figures`): checks compiled to
        # positions read a list instead of hashing a CellRef per cell per check.
        self.cells: tuple[CellRef, ...] = tuple(self.spec)
        self.position: dict[CellRef, int] = {ref: i for i, ref in enumerate(self.cells)}
        counts = [i for i, ref in enumerate(self.cells) if ref in self.count_bounds]
        self._counts = itemgetter(*counts) if len(counts) > 1 else None
        self._count_limit = min((self.spec[self.cells[i]].limit for i in counts), default=0)
        self._count_limits = tuple((i, self.spec[self.cells[i]].limit) for i in counts)
        self._count_at = tuple(counts)  # the positions self._counts reads, in its order
        self._count_bound = dict(self._count_limits)
        # (position, ref, number kind) of the plain-count cells; (position, ref, spec) of the others
        self.count_cells = tuple((i, self.cells[i], self.spec[self.cells[i]].name) for i in counts)
        self.other_cells = tuple((i, ref, self.spec[ref]) for i, ref in enumerate(self.cells)
                                 if ref not in self.count_bounds)

    def figures(self, values: Mapping[CellRef, Value]) -> Figures:
        """``values`` in :attr:`cells` order, and the positions of the plain-count cells whose value
        is not a whole non-negative figure below their bound: a check of counts none of whose
        positions is among them takes its short path (usually there are none: one C-level test)."""
        got = list(map(values.get, self.cells))
        if self._counts is not None:
            counts = self._counts(got)
            if plain_counts(counts, self._count_limit):
                return got, _NONE
            if set(map(type, counts)) == _INT:  # whole numbers, some out of range (a negative balance):
                # only those below 0 or past the smallest bound need their own bound tested
                low = self._count_limit
                return got, frozenset(i for i, v in zip(self._count_at, counts, strict=True)
                                      if (v < 0 or v >= low) and not 0 <= v < self._count_bound[i])
        return got, frozenset(i for i, limit in self._count_limits
                              if not (type(v := got[i]) is int and 0 <= v < limit))

    # ------------------------------------------------------------------ validating params

    def table(self, rule: RuleSpec, key: Any) -> SectionSpec:
        if not isinstance(key, str) or not self.template.has_section(key) or not self.template.section(key).is_table:
            raise TemplateError(f"规则 {rule.id}: 栏目 {key!r} 不是表格")
        return self.template.section(key)

    def narrative(self, rule: RuleSpec, key: Any) -> SectionSpec:
        if not isinstance(key, str) or not self.template.has_section(key) or self.template.section(key).is_table:
            raise TemplateError(f"规则 {rule.id}: 栏目 {key!r} 不是叙述部分")
        return self.template.section(key)

    def ref(self, rule: RuleSpec, raw: Any) -> CellRef:
        """A cell named in params as ``[section, row, column]``."""
        if not isinstance(raw, (list, tuple)) or len(raw) != 3 or self.template.cell(*raw) is None:
            raise TemplateError(f"规则 {rule.id}: 未知单元格 {raw!r}")
        return CellRef(*raw)

    def row(self, rule: RuleSpec, section: str, row: Any) -> tuple[CellRef, ...]:
        cells = self.rows.get((section, row)) if isinstance(row, str) else None
        if not cells:
            raise TemplateError(f"规则 {rule.id}: 栏目 {section} 没有行 {row!r}")
        return cells

    def cell(self, rule: RuleSpec, section: str, row: Any, column: Any) -> CellRef:
        ref = CellRef(section, row, column) if isinstance(row, str) and isinstance(column, str) else None
        if ref is None or ref not in self.spec:
            raise TemplateError(f"规则 {rule.id}: 未知单元格 {section}/{row}/{column}")
        return ref

    # ------------------------------------------------------------------ findings

    def finding(self, rule: RuleSpec, place: Hashable, message: str, *, section: str | None,
                cells: tuple[CellRef, ...] = (), total_cell: CellRef | None = None,
                expected: Value | str | None = None, actual: Value | str | None = None, order: int = 0,
                severity: Severity | None = None) -> Finding:
        # a batch check builds hundreds of thousands: new_finding, a fifth of Finding()'s cost
        return new_finding(rule.id, severity or rule.severity, section, cells, total_cell, expected, actual, message,
                           (rule.id, place), order)


class Context:
    """One run of the checks over a report (and last year's, when given)."""

    __slots__ = ("report", "values", "last", "_figures", "_last_figures", "_env")

    def __init__(self, report: Any, last: LastYearView | None) -> None:
        self.report = report
        self.values: Mapping[CellRef, Value] = report.values
        self.last = last
        self._figures: Figures | None = None
        self._last_figures: Figures | None = None
        self._env: Env | None = None

    def _for(self, env: Env) -> None:
        """Forget the figures built for another template's cell order."""
        if self._env is not env:
            self._figures, self._last_figures, self._env = None, None, env

    def figures(self, env: Env) -> Figures:
        """This year's figures as a list (:meth:`Env.figures`), built once per run: the checks
        of one run share it (the values do not change while they run)."""
        self._for(env)
        if self._figures is None:
            self._figures = env.figures(self.values)
        return self._figures

    def last_figures(self, env: Env) -> Figures:
        """Last year's figures (in this year's keys) as a list, built once per run."""
        assert self.last is not None
        self._for(env)
        if self._last_figures is None:
            self._last_figures = env.figures(self.last.values)
        return self._last_figures


class Check:
    """One compiled piece of a rule. Subclasses set ``reads`` and ``places`` and implement
    :meth:`run`, which puts its findings (keys among :attr:`keys`) into ``found``."""

    __slots__ = ("rule", "reads", "keys")

    #: It compares this year's figures with last year's, so it runs only when last year's report
    #: is of the year before (``carryover.year`` says why it did not run otherwise).
    consecutive_years: ClassVar[bool] = False
    #: It runs whatever the years of the two reports (only ``carryover.year``, which says when they
    #: are not last year's and this year's); every other check of last year needs last year's
    #: report to be older than this one.
    any_year: ClassVar[bool] = False

    def __init__(self, rule: RuleSpec, reads: Reads, places: Iterable[Hashable]) -> None:
        self.rule = rule
        self.reads = reads
        self.keys: tuple[FindingKey, ...] = tuple((rule.id, p) for p in places)

    def run(self, ctx: Context, found: Found) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def clear(self, found: Found) -> None:
        """Drop the findings this check owns (before it runs again)."""
        for key in self.keys:
            found.pop(key, None)

    def quoted(self, report: Any) -> str | None:
        """The words of a narrative this check's finding is about (for the editor to select them)."""
        return None


class RuleKind:
    """A kind of rule: turns a template's rule into checks, validating its params."""

    name: ClassVar[str]
    #: Params the kind understands (anything else is a typo in the template).
    params: ClassVar[frozenset[str]] = frozenset()
    #: Message variants (``messages``) the kind may use besides ``message``.
    variants: ClassVar[frozenset[str]] = frozenset()
    #: Fields its messages may name (``{expected}``); ``*`` allows any.
    fields: ClassVar[frozenset[str]] = frozenset()

    def compile(self, rule: RuleSpec, env: Env) -> list[Check]:  # pragma: no cover - abstract
        raise NotImplementedError


KINDS: dict[str, RuleKind] = {}


def kind(cls: type[RuleKind]) -> type[RuleKind]:
    """Class decorator: register a rule kind under its ``name``."""
    KINDS[cls.name] = cls()
    return cls


# ---------------------------------------------------------------------- small helpers for kinds


def usable(value: Value, spec: NumberSpec) -> bool:
    """A value the rules may add and compare: one that ``value.type`` accepts (not blank).

    Anything else (a negative count, a Decimal in a count, NaN, a float or a string from a
    hand-edited file…) is reported by ``value.type`` and kept out of every sum, so the checker
    never raises."""
    if type(value) is int and spec.plain_count:  # the common case, without the look-ups
        return 0 <= value < spec.limit
    return value is not None and spec.valid(value)


def plain_counts(values: tuple[Any, ...], bound: int) -> bool:
    """Every value a whole non-negative figure below ``bound`` (``usable`` in a plain-count cell
    whose limit is at least ``bound``), tested in C: no bool, Decimal or blank among them."""
    return set(map(type, values)) == _INT and min(values) >= 0 and max(values) < bound


def total(values: Iterable[Value]) -> int | Decimal:
    """The sum of the values that are not blank (amounts that keep a unit are never summed:
    the equation kind refuses them when the template loads)."""
    out: int | Decimal = 0
    for v in values:
        if v is not None:
            out += number(v)
    return out


def shown(value: Value | object) -> str:
    """A value in a message: its printed form, ``空`` for a blank."""
    if type(value) is int:  # the common case, without a call (a sum's message quotes all its parts)
        return str(value)
    return "空" if value is None else format_value(value)


def words(rule: RuleSpec, name: str, *, required: bool = True) -> tuple[str, ...]:
    value = rule.params.get(name, ())
    if isinstance(value, str) or not all(isinstance(w, str) and w for w in value) or (required and not value):
        raise TemplateError(f"规则 {rule.id}: {name} 应为词语的列表")
    return tuple(value)


def message(rule: RuleSpec, variant: str | None = None, **fields: Any) -> str:
    return rule.wording(variant).format(**fields)


def _escaped(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def filled(wording: str, **known: Any) -> str | None:
    """``wording`` with the fields in ``known`` written in and every other field left for
    ``format``: ``filled(w, a=1).format(b=2) == w.format(a=1, b=2)``. A check whose place words
    are the same in every report fills them in once (a batch formats hundreds of thousands).
    None when it cannot: a field of ``known`` formatted by another field (``{a:{width}}``)."""
    out: list[str] = []
    for literal, name, spec, conversion in string.Formatter().parse(wording):
        out.append(_escaped(literal))
        if name is None:
            continue
        if name in known:
            if spec and "{" in spec:
                return None
            out.append(_escaped(("{0!" + conversion + ":" + (spec or "") + "}" if conversion
                                 else "{0:" + (spec or "") + "}").format(known[name])))
        else:
            out.append("{" + name + ("!" + conversion if conversion else "") + (":" + spec if spec else "") + "}")
    return "".join(out)


#: A check's wording with its place words filled in, ready for a report's figures: a
#: ``%``-format and the figures it takes in order, or (``None``) a wording for ``format_map``,
#: or ("", None): the whole wording is formatted each time.
Placed = tuple[str, Callable[[Mapping[str, str]], tuple[str, ...]] | None]


def positional(wording: str | None) -> Placed:
    """``wording`` (fields left for ``format``) as a ``%``-format of its fields in order, when
    every field is a plain name (no conversion, spec, index or attribute): ``text % pick(figures)
    == wording.format_map(figures)`` for figures that are all ``str`` (``'%s' % s`` is ``s``, as
    ``format(s, '')`` is). One C call with the figures in a tuple: a third of ``format`` with
    keywords, and a batch formats hundreds of thousands of messages."""
    if wording is None:
        return "", None
    out: list[str] = []
    names: list[str] = []
    for literal, name, spec, conversion in string.Formatter().parse(wording):
        out.append(literal.replace("%", "%%"))
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            return wording, None
        names.append(name)
        out.append("%s")
    if not names:
        return wording, None
    if len(names) == 1:
        only = names[0]
        return "".join(out), lambda figures: (figures[only],)
    return "".join(out), itemgetter(*names)


def placed_message(rule: RuleSpec, wordings: dict[Any, Placed], key: Hashable, variant: str | None,
                   place: Callable[[], Mapping[str, Any]], figures: dict[str, str]) -> str:
    """``message(rule, variant, **place(), **figures)`` for a check whose place words are the
    same in every report: they are filled into the wording once per ``key`` (``wordings`` is the
    check's own cache, see :func:`positional`; where :func:`filled` cannot, the whole wording is
    formatted). ``figures``: the report's own fields, each already written as text."""
    placed = wordings.get(key)
    if placed is None:
        placed = wordings[key] = positional(filled(rule.wording(variant), **place()))
    text, pick = placed
    if pick is not None:
        return text % pick(figures)
    return text.format_map(figures) if text else message(rule, variant, **place(), **figures)


Compile = Callable[[RuleSpec, Env], list[Check]]
