"""Rule kinds on the narrative sections, alone or against the tables."""

from __future__ import annotations

from typing import Any

from models.narrative import (
    Fact,
    FeeWords,
    LazyRegex,
    NumberReader,
    fee_statement,
    fee_words,
    find_placeholder,
    mentions,
    number_reader,
    placeholder_pattern,
)
from models.numbers import format_value, number
from models.rules.base import Check, Context, Env, Found, Reads, RuleKind, kind, message, total, usable, words
from models.template import RuleSpec, SectionSpec, TemplateError
from models.values import CellRef

# ---------------------------------------------------------------------- narrative.numbers


class NarrativeNumberCheck(Check):
    """One fact in one narrative section: the number it states against the table."""

    __slots__ = ("env", "reader", "fact", "section", "order")

    def __init__(self, rule: RuleSpec, env: Env, reader: NumberReader, fact: Fact, section: SectionSpec) -> None:
        super().__init__(rule, Reads(cells=fact.reads, texts=(section.key,)), [(section.key, fact.id)])
        self.env, self.reader, self.fact, self.section = env, reader, fact, section
        self.order = env.locator.order(fact.cells[0]) - 1

    def quoted(self, report: Any) -> str | None:
        stated = self.reader.statements(report.text(self.section.key)).get(self.fact.id)
        return stated[1] if stated else None

    def run(self, ctx: Context, found: Found) -> None:
        stated = self.reader.statements(ctx.report.text(self.section.key)).get(self.fact.id)
        if stated is None:
            return
        number, quote = stated
        values, spec = ctx.values, self.env.spec
        refs = self.fact.cells
        got = [values.get(r) for r in refs]
        if not all(usable(v, spec[r]) for r, v in zip(refs, got, strict=True)):
            return  # blank or malformed: value.missing / value.type say so
        table_value = total(got)
        if table_value == number:
            return
        for alt in self.fact.alternatives:
            alt_values = [values.get(r) for r in alt]
            if all(usable(v, spec[r]) for r, v in zip(alt, alt_values, strict=True)) and total(alt_values) == number:
                return
        loc = self.env.locator
        text = message(self.rule, section_title=self.section.title, quote=quote, number=number,
                       cells="＋".join(loc.where(r) for r in refs), table_value=format_value(table_value),
                       fact=self.fact.label)
        f = self.env.finding(self.rule, (self.section.key, self.fact.id), text, section=self.section.key,
                             cells=refs, total_cell=refs[0] if len(refs) == 1 else None,
                             expected=table_value, actual=number, order=self.order)
        found[f.key] = f


@kind
class NarrativeNumbers(RuleKind):
    """Numbers stated in the narrative agree with the tables (each ``fact``: topics, verbs,
    the cells whose sum it states and alternative sums a report may mean)."""

    name = "narrative_numbers"
    params = frozenset({"sections", "context", "skip", "facts", "negations", "zero_verbs", "not_negations",
                        "conjunctions", "units", "qualifiers"})
    fields = frozenset({"section_title", "quote", "number", "cells", "table_value", "fact"})

    def compile(self, rule: RuleSpec, env: Env) -> list[Check]:
        facts = []
        for raw in rule.params.get("facts", ()):
            try:
                facts.append(Fact(
                    id=raw["id"], label=raw.get("label", raw["id"]), verbs=tuple(raw.get("verbs", ())),
                    topics=tuple(raw["topics"]), cells=tuple(env.ref(rule, c) for c in raw["cells"]),
                    alternatives=tuple(tuple(env.ref(rule, c) for c in alt) for alt in raw.get("alternatives", ())),
                ))
            except KeyError as exc:
                raise TemplateError(f"规则 {rule.id}: 叙述核对缺少 {exc}") from None
        if not facts:
            raise TemplateError(f"规则 {rule.id}: facts 不能为空")
        try:
            reader = number_reader(rule.params, facts)
        except ValueError as exc:
            raise TemplateError(f"规则 {rule.id}: {exc}") from None
        sections = [env.narrative(rule, key) for key in words(rule, "sections")]
        return [NarrativeNumberCheck(rule, env, reader, fact, s) for s in sections for fact in facts]


# ---------------------------------------------------------------------- sections.empty


class RequiredSectionCheck(Check):
    __slots__ = ("env", "section", "empty")

    def __init__(self, rule: RuleSpec, env: Env, section: SectionSpec, empty: frozenset[str]) -> None:
        super().__init__(rule, Reads(texts=(section.key,)), [section.key])
        self.env, self.section, self.empty = env, section, empty

    def run(self, ctx: Context, found: Found) -> None:
        stripped = ctx.report.text(self.section.key).strip()
        if stripped and stripped not in self.empty:
            return
        text = message(self.rule, None if not stripped else "only", section_title=self.section.title,
                       text=stripped, ask=self.section.ask or self.section.hint)
        f = self.env.finding(self.rule, self.section.key, text, section=self.section.key, actual=stripped or None,
                             order=self.env.locator.section_order(self.section.key))
        found[f.key] = f


@kind
class RequiredSection(RuleKind):
    """The narrative sections the template marks ``required`` are not empty nor only 无."""

    name = "required_section"
    params = frozenset({"empty_texts"})
    variants = frozenset({"only"})
    fields = frozenset({"section_title", "text", "ask"})

    def compile(self, rule: RuleSpec, env: Env) -> list[Check]:
        empty = frozenset(words(rule, "empty_texts", required=False))
        return [RequiredSectionCheck(rule, env, s, empty) for s in env.template.narrative_sections if s.required]


# ---------------------------------------------------------------------- other.processing_fee


class FeeStatementCheck(Check):
    __slots__ = ("env", "section", "mentions")

    def __init__(self, rule: RuleSpec, env: Env, section: SectionSpec, words_: tuple[str, ...]) -> None:
        super().__init__(rule, Reads(texts=(section.key,)), [section.key])
        self.env, self.section, self.mentions = env, section, words_

    def run(self, ctx: Context, found: Found) -> None:
        if mentions(ctx.report.text(self.section.key), self.mentions):
            return
        f = self.env.finding(self.rule, self.section.key, message(self.rule, section_title=self.section.title),
                             section=self.section.key, order=self.env.locator.section_order(self.section.key) + 1)
        found[f.key] = f


@kind
class FeeStatement(RuleKind):
    """A section must mention the fee (六: whether 信息处理费 was charged)."""

    name = "fee_statement"
    params = frozenset({"section", "mentions"})
    fields = frozenset({"section_title"})

    def compile(self, rule: RuleSpec, env: Env) -> list[Check]:
        return [FeeStatementCheck(rule, env, env.narrative(rule, rule.params.get("section")),
                                  words(rule, "mentions"))]


# ---------------------------------------------------------------------- narrative.placeholder


class PlaceholderCheck(Check):
    __slots__ = ("env", "section", "pattern")

    def __init__(self, rule: RuleSpec, env: Env, section: SectionSpec, pattern: LazyRegex) -> None:
        super().__init__(rule, Reads(texts=(section.key,)), [section.key])
        self.env, self.section, self.pattern = env, section, pattern

    def quoted(self, report: Any) -> str | None:
        hit = find_placeholder(self.pattern, report.text(self.section.key))
        return hit[0] if hit else None

    def run(self, ctx: Context, found: Found) -> None:
        hit = find_placeholder(self.pattern, ctx.report.text(self.section.key))
        if hit is None:
            return
        matched, snippet = hit
        f = self.env.finding(self.rule, self.section.key,
                             message(self.rule, section_title=self.section.title, snippet=snippet),
                             section=self.section.key, actual=matched,
                             order=self.env.locator.section_order(self.section.key) + 2)
        found[f.key] = f


@kind
class Placeholder(RuleKind):
    """A number left out of a template sentence (共收到申请件, 主动公开信息  条)."""

    name = "placeholder"
    params = frozenset({"nouns", "units", "totals", "verbs", "sections"})
    fields = frozenset({"section_title", "snippet"})

    def compile(self, rule: RuleSpec, env: Env) -> list[Check]:
        for name in ("nouns", "units", "totals", "verbs"):
            words(rule, name)
        pattern = placeholder_pattern(rule.params)
        keys = rule.params.get("sections")
        sections = ([env.narrative(rule, k) for k in keys] if keys is not None
                    else env.template.narrative_sections)
        return [PlaceholderCheck(rule, env, s, pattern) for s in sections]


# ---------------------------------------------------------------------- other.fee_link


class FeeLinkCheck(Check):
    __slots__ = ("env", "cell", "section", "words")

    def __init__(self, rule: RuleSpec, env: Env, cell: CellRef, section: SectionSpec, fee: FeeWords) -> None:
        super().__init__(rule, Reads(cells=(cell,), texts=(section.key,)), [section.key])
        self.env, self.cell, self.section, self.words = env, cell, section, fee

    def run(self, ctx: Context, found: Found) -> None:
        dropped = ctx.values.get(self.cell)
        if not usable(dropped, self.env.spec[self.cell]):
            return
        charged, denied, unpaid = fee_statement(self.words, ctx.report.text(self.section.key))
        if dropped is not None and number(dropped) > 0 and not charged:
            variant = "denied" if denied else None
        elif dropped == 0 and unpaid:
            variant = "unpaid"
        else:
            return
        loc = self.env.locator
        text = message(self.rule, variant, where=loc.where(self.cell), count=format_value(dropped),
                       section_title=self.section.title)
        f = self.env.finding(self.rule, self.section.key, text, section=self.section.key, cells=(self.cell,),
                             actual=dropped, order=loc.order(self.cell) + 1)
        found[f.key] = f


@kind
class FeeLink(RuleKind):
    """A count of applications dropped for unpaid fees against what a section says about the fee."""

    name = "fee_link"
    params = frozenset({"cell", "section", "mentions", "notices", "unpaid", "negations", "send_verbs",
                        "denial_verbs", "waivers", "charge_verbs", "money_units", "no_event", "unpaid_cues",
                        "headings"})
    variants = frozenset({"denied", "unpaid"})
    fields = frozenset({"where", "count", "section_title"})

    def compile(self, rule: RuleSpec, env: Env) -> list[Check]:
        try:
            fee = fee_words(rule.params)
        except (ValueError, KeyError) as exc:
            raise TemplateError(f"规则 {rule.id}: {exc}") from None
        return [FeeLinkCheck(rule, env, env.ref(rule, rule.params.get("cell")),
                             env.narrative(rule, rule.params.get("section")), fee)]


# ---------------------------------------------------------------------- appeals.unmentioned


class UnmentionedCheck(Check):
    __slots__ = ("env", "cells", "section", "words")

    def __init__(self, rule: RuleSpec, env: Env, cells: tuple[CellRef, ...], section: SectionSpec,
                 words_: tuple[str, ...]) -> None:
        super().__init__(rule, Reads(cells=cells, texts=(section.key,)), [cells[0].section])
        self.env, self.cells, self.section, self.words = env, cells, section, words_

    def run(self, ctx: Context, found: Found) -> None:
        spec = self.env.spec
        cases = total(v for r in self.cells if usable(v := ctx.values.get(r), spec[r]))
        if cases <= 0 or mentions(ctx.report.text(self.section.key), self.words):
            return
        text = message(self.rule, count=format_value(cases), section_title=self.section.title)
        f = self.env.finding(self.rule, self.cells[0].section, text, section=self.cells[0].section,
                             cells=self.cells, actual=cases, order=self.env.locator.order(self.cells[0]) - 1)
        found[f.key] = f


@kind
class Unmentioned(RuleKind):
    """Cells with cases (四's totals) that a section (一) never mentions (``words``)."""

    name = "unmentioned"
    params = frozenset({"cells", "section", "words"})
    fields = frozenset({"count", "section_title"})

    def compile(self, rule: RuleSpec, env: Env) -> list[Check]:
        cells = tuple(env.ref(rule, c) for c in rule.params.get("cells", ()))
        if not cells:
            raise TemplateError(f"规则 {rule.id}: cells 不能为空")
        return [UnmentionedCheck(rule, env, cells, env.narrative(rule, rule.params.get("section")),
                                 words(rule, "words"))]
