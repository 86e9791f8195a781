"""Reading the narrative sections: the numbers they state, what they say about fees, template
sentences left unfilled, paragraphs copied from last year.

Every word these readers look for comes from the template (a rule's ``params``); this module
only knows how Chinese prose is punctuated. The rule kinds in ``models/rules`` compare what
is read here with the tables.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from models.normalise import squash
from models.values import CellRef

_SENTENCE_SPLIT = re.compile(r"[。；;！!？?\n]")
_CLAUSE_SPLIT = re.compile(r"[,;。!?\n]")  # after NFKC: ，；！？ read as ASCII
_CLAUSE_MARKS = "，,；;"
# A stated number: plain digits or digits with thousands separators ("3,119").
_STATED = r"(\d{1,3}(?:,\d{3}){1,4}|\d{1,15})"  # bounded: int() of 4300+ digits raises


class LazyRegex:
    """A regular expression compiled at its first use.

    The narrative rules make some twenty expressions from a template's word lists. Compiling them
    all when the template is read costs ≈ 13 ms before the editor's first paint (most of it sre
    building its tables for sets of Chinese characters such as ``[和及与、或]``), while a report's
    text needs only some of them (a reader for joint figures only runs once a number matched).
    Equal (and hashed) by its pattern, as ``re.Pattern`` is: ``FeeWords`` is a cache key.
    """

    __slots__ = ("pattern", "_compiled")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern)
        return self._compiled

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(string, pos, endpos)

    def finditer(self, string: str) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string)

    def findall(self, string: str) -> list[Any]:
        return self.compiled.findall(string)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LazyRegex) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(self.pattern)

    def __repr__(self) -> str:
        return f"LazyRegex({self.pattern!r})"


_NEVER = LazyRegex(r"(?!)")


def flat(text: str) -> str:
    """A narrative as the readers see it: NFKC, no blanks, line breaks kept."""
    return squash(text, keep_lines=True)


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first (so 共计 wins over 共)."""
    return "|".join(re.escape(x) for x in sorted(set(words), key=len, reverse=True))


def _words(params: Mapping[str, Any], name: str, *, required: bool = True) -> tuple[str, ...]:
    value = params.get(name, ())
    if isinstance(value, str) or not all(isinstance(w, str) and w for w in value) or (required and not value):
        raise ValueError(f"{name} 应为非空词语的列表")
    return tuple(value)


# ---------------------------------------------------------------------- numbers stated in prose


@dataclass(frozen=True, slots=True)
class Fact:
    """A figure the narrative may state, and the table cells it must agree with."""

    id: str
    label: str
    verbs: tuple[str, ...]  # one of these must stand in the clause before the number (收到, 受理)
    topics: tuple[str, ...]  # what the number is about (政府信息公开申请, 行政复议)
    cells: tuple[CellRef, ...]  # their sum is the figure
    alternatives: tuple[tuple[CellRef, ...], ...] = ()  # other sums a report may mean (新收+结转)

    @property
    def reads(self) -> tuple[CellRef, ...]:
        return tuple(dict.fromkeys(self.cells + tuple(c for alt in self.alternatives for c in alt)))


@dataclass(frozen=True, slots=True)
class _FactReader:
    fact: Fact
    number: LazyRegex  # topic, gap (group 1), number (group 2), unit
    zero: LazyRegex
    joined: LazyRegex  # another fact's topic and a conjunction right before this topic
    joined_gap: LazyRegex  # a conjunction, then another fact's topic: 行政复议和行政诉讼共3件


@dataclass(frozen=True, slots=True, eq=False)  # identity: a cache key
class NumberReader:
    """Reads the figures a narrative states for each fact (``narrative_numbers`` params)."""

    facts: tuple[Fact, ...]
    context: tuple[str, ...]  # a sentence without one of these is not read at all
    skip: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]  # (words, unless): sentences not about the facts
    qualifiers: tuple[str, ...]  # words that make a number no plain statement (较上年, 约)
    readers: tuple[_FactReader, ...]

    def statements(self, text: str) -> dict[str, tuple[int, str]]:
        """``{fact id: (number, quoted text)}`` for the facts the text states a figure of."""
        return _statements(self, text)


def number_reader(params: Mapping[str, Any], facts: Sequence[Fact]) -> NumberReader:
    """Make the words of a ``narrative_numbers`` rule into regular expressions (compiled at their first use)."""
    units = alternation(_words(params, "units"))
    negations = _words(params, "negations")
    zero_verbs = alternation(_words(params, "zero_verbs"))
    conjunctions = "".join(re.escape(c) for c in _words(params, "conjunctions", required=False))
    not_after = {k: tuple(v) for k, v in dict(params.get("not_negations", {})).items()}
    # A weak negation (未) only negates receipt when a receipt verb follows (未收到…申请; 未按期答复
    #的…申请 is no zero); a strong one (没有, 无, 暂无) does on its own.
    weak = [n for n in negations if n.endswith("未")]
    strong = [n for n in negations if not n.endswith("未")]
    strong_re = "|".join(
        re.escape(n) + (f"(?!{alternation(not_after[n])})" if n in not_after else "")
        for n in sorted(strong, key=len, reverse=True)
    )
    parts = []
    if weak:
        parts.append(f"(?:{alternation(weak)})(?:{zero_verbs})")
    if strong_re:
        parts.append(f"(?:{strong_re})(?:{zero_verbs})?")
    negation = "|".join(parts) or "(?!)"
    readers = []
    for fact in facts:
        topics = alternation(fact.topics)
        others = tuple(x for f in facts if f.cells != fact.cells for x in f.topics if x not in fact.topics)
        readers.append(_FactReader(
            fact=fact,
            number=LazyRegex(rf"(?:{topics})([^\d，,。；;、]{{0,12}}?){_STATED}\s*(?:{units})"),
            zero=LazyRegex(rf"(?:{negation})[^，,。；;\d]{{0,16}}?(?:{topics})"),
            joined=LazyRegex(rf"(?:{alternation(others)})[{conjunctions}]$") if others and conjunctions else _NEVER,
            joined_gap=(LazyRegex(rf"[{conjunctions}].*?(?:{alternation(others)})") if others and conjunctions
                        else _NEVER),
        ))
    skip = tuple((tuple(s["words"]), tuple(s.get("unless", ()))) for s in params.get("skip", ()))
    return NumberReader(facts=tuple(facts), context=_words(params, "context"), skip=skip,
                        qualifiers=_words(params, "qualifiers", required=False), readers=tuple(readers))


_statement_cache: dict[tuple[int, str], dict[str, tuple[int, str]]] = {}


def _statements(reader: NumberReader, text: str) -> dict[str, tuple[int, str]]:
    """Reads only sentences with a context word, takes the first statement of each fact, and
    treats 未收到/没有… as 0. Skips what is not a plain statement of the figure: comparisons and
    estimates (较上年减少3件, 约100件) and joint figures (行政复议和行政诉讼共3件). Cached by text:
    it is re-run on every keystroke check but the text rarely changes."""
    cache_key = (id(reader), text)
    hit = _statement_cache.get(cache_key)
    if hit is not None:
        return hit
    out: dict[str, tuple[int, str]] = {}
    for sentence in _SENTENCE_SPLIT.split(flat(text)):
        if not sentence or not any(c in sentence for c in reader.context):
            continue
        if any(any(w in sentence for w in words) and not any(u in sentence for u in unless)
               for words, unless in reader.skip):
            continue
        for fr in reader.readers:
            fact = fr.fact
            if fact.id in out:
                continue
            for m in fr.number.finditer(sentence):
                gap = m.group(1)
                if any(q in gap for q in reader.qualifiers) or fr.joined_gap.search(gap):
                    continue  # 较上年减少3件, 行政复议和行政诉讼案件共3件
                if fr.joined.search(sentence, 0, m.start()):
                    continue  # 行政复议、行政诉讼各1件: a joint figure
                if fact.verbs:
                    clause_start = max((sentence.rfind(ch, 0, m.start()) for ch in _CLAUSE_MARKS), default=-1)
                    before = sentence[max(clause_start + 1, m.start() - 16): m.start() + 2]
                    if not any(vb in before for vb in fact.verbs):
                        continue
                out[fact.id] = (int(m.group(2).replace(",", "")), m.group(0))
                break
            else:
                z = fr.zero.search(sentence)
                if z:
                    out[fact.id] = (0, z.group(0))
    if len(_statement_cache) > 512:
        _statement_cache.clear()
    _statement_cache[cache_key] = out
    return out


# ---------------------------------------------------------------------- what 六 says about fees


@dataclass(frozen=True, slots=True)
class FeeWords:
    """The words of the fee rules (``fee_statement`` and ``fee_link`` params)."""

    mentions: tuple[str, ...]  # 信息处理费
    notices: tuple[str, ...] = ()  # 收费通知
    unpaid: tuple[str, ...] = ()  # 逾期未缴纳
    negated: LazyRegex = _NEVER  # 未收取, 免收, 0元
    amount: LazyRegex = _NEVER  # 68.64万元
    charge: LazyRegex = _NEVER  # 收取, 缴费
    no_event: LazyRegex = _NEVER  # 未发生逾期…: no unpaid fee after all
    notice_denied: tuple[LazyRegex, ...] = ()  # 未发出收费通知
    headings: tuple[str, ...] = ()  # 信息处理费收取情况: a heading, not a charge


def fee_words(params: Mapping[str, Any]) -> FeeWords:
    neg = alternation(_words(params, "negations"))
    units = alternation(_words(params, "money_units"))
    send = alternation(_words(params, "send_verbs"))
    notices = _words(params, "notices", required=False)
    return FeeWords(
        mentions=_words(params, "mentions"),
        notices=notices,
        unpaid=_words(params, "unpaid", required=False),
        negated=LazyRegex(
            rf"(?:{neg})[^,;。]{{0,3}}?(?:{alternation(_words(params, 'denial_verbs'))})"
            rf"|{alternation(_words(params, 'waivers'))}|(?<![\d.])0(?:\.0+)?(?:{units})"),
        amount=LazyRegex(rf"(\d{{1,15}}(?:\.\d{{1,12}})?)(?:{units})"),
        charge=LazyRegex(alternation(_words(params, "charge_verbs"))),
        no_event=LazyRegex(rf"(?:{alternation(_words(params, 'no_event'))})[^,;。]{{0,8}}?"
                            rf"(?:{alternation(_words(params, 'unpaid_cues'))})"),
        notice_denied=tuple(LazyRegex(rf"(?:{neg})(?:{send})?{re.escape(n)}") for n in notices),
        headings=_words(params, "headings", required=False),
    )


@lru_cache(maxsize=256)
def fee_statement(words: FeeWords, text: str) -> tuple[bool, bool, bool]:
    """What a text says about the fee: ``(charged, denied, unpaid)``.

    ``charged``: it reports fee notices or a fee charged (an amount > 0); ``denied``: it says
    none was charged (未收取, 0元); ``unpaid``: it says applicants did not pay in time. Only
    clauses naming the fee or its notices count, so another fee (表二's 行政事业性收费) never does.
    """
    charged = denied = unpaid = False
    for clause in _CLAUSE_SPLIT.split(squash(text, keep_lines=True)):
        if any(w in clause for w in words.unpaid) and not words.no_event.search(clause):
            unpaid = True
        if not any(w in clause for w in words.mentions + words.notices):
            continue
        notices = [i for i, n in enumerate(words.notices) if n in clause]
        if notices and not any(words.notice_denied[i].search(clause) for i in notices):
            charged = True
            continue
        amounts = [Decimal(a) for a in words.amount.findall(clause)]
        if words.negated.search(clause) or (amounts and not any(a > 0 for a in amounts)):
            denied = True
        elif any(a > 0 for a in amounts) or (words.charge.search(clause)
                                             and not clause.endswith(words.headings or ("\x00",))):
            charged = True
    return charged, denied, unpaid


def mentions(text: str, words: Sequence[str]) -> bool:
    return any(w in text for w in words)


# ---------------------------------------------------------------------- template sentences left unfilled


def placeholder_pattern(params: Mapping[str, Any]) -> LazyRegex:
    """Template sentences left unfilled: 共收到申请件, 主动公开信息  条, 共计件, 受理申请××件."""
    unit = f"(?:{alternation(_words(params, 'units'))})"
    totals = alternation(_words(params, "totals"))
    nouns = alternation(_words(params, "nouns"))
    verbs = alternation(_words(params, "totals") + _words(params, "verbs"))
    end = r"(?=[，,。；;、）)\s]|$)"
    return LazyRegex(
        rf"(?:{nouns}){unit}{end}"  # a counted noun directly followed by its unit, no number between
        rf"|(?:{totals}){unit}{end}"  # 共件, 共计件: a total word directly followed by a unit
        # a gap of blanks or fill-in marks where the number was
        rf"|(?:{verbs})[\u4e00-\u9fff]{{0,10}}?(?:[ \t\u3000]{{2,}}|[×xX＿_*]{{1,4}}|[(（][ \t\u3000]*[)）]){unit}"
    )


def find_placeholder(pattern: LazyRegex, text: str) -> tuple[str, str] | None:
    """The first unfilled sentence: (what matched, the snippet around it for the message)."""
    m = pattern.search(text)
    if m is None:
        return None
    return m.group(0), text[max(0, m.start() - 6): m.end() + 2].replace("\n", " ")


# ---------------------------------------------------------------------- copied from last year


def copied_paragraphs(text: str, last: str, min_chars: int) -> tuple[list[str], float]:
    """Paragraphs (of at least ``min_chars``) repeated word for word from ``last``, and their
    share of this text's paragraphs (by characters)."""
    paragraphs = [p.strip() for p in text.splitlines() if len(p.strip()) >= min_chars]
    if not paragraphs:
        return [], 0.0
    last_set = {p.strip() for p in last.splitlines() if len(p.strip()) >= min_chars}
    copied = [p for p in paragraphs if p in last_set]
    if not copied:
        return [], 0.0
    return copied, sum(len(p) for p in copied) / sum(len(p) for p in paragraphs)


# ---------------------------------------------------------------------- numbers with a unit (stale figures)


@dataclass(frozen=True, slots=True)
class StatedNumber:
    """A number followed by the unit of a number kind (81件, 68.64万元), where it stands."""

    start: int  # offsets of the digits in the text
    end: int
    text: str  # as written (3,119)
    value: Decimal
    unit: str
    kind: str  # the number kind its unit belongs to
    context: str  # the words before it in its sentence, blanks and figures removed

    @property
    def key(self) -> tuple[str, str, str]:
        """What makes it "the same number in the same place" in two versions of a text."""
        return (self.context, str(self.value), self.unit)


_NUMBER_BEFORE_UNIT = r"(?<![\d.,])(\d{1,3}(?:,\d{3}){1,4}|\d{1,15})(?:\.(\d{1,6}))?\s*"
_SENTENCE_END = "。；;！!？?\n"
_NOT_CONTEXT = re.compile(r"[\s\d.,]+")


@dataclass(frozen=True, slots=True, eq=False)  # identity: a cache key
class StatedNumbers:
    """Finds the numbers a text states with a unit (``units``: unit → number kind)."""

    units: Mapping[str, str]
    context_chars: int

    def numbers(self, text: str) -> tuple[StatedNumber, ...]:
        return _stated_numbers(self, text)


@lru_cache(maxsize=64)
def _pattern(units: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(_NUMBER_BEFORE_UNIT + f"({alternation(units)})")


#: How far before a number its context is looked for (characters): the words before it are a
#: few characters, and a text without sentence ends (a pasted table, a hostile file) must not
#: make every number scan back to the start of the text.
_CONTEXT_WINDOW = 200


@lru_cache(maxsize=64)
def _stated_numbers(reader: StatedNumbers, text: str) -> tuple[StatedNumber, ...]:
    out: list[StatedNumber] = []
    sentence = 0  # where the sentence of the current number starts
    seen = 0  # the text before this offset has been searched for sentence ends
    for m in _pattern(tuple(reader.units)).finditer(text):
        whole, places, unit = m.group(1), m.group(2), m.group(3)
        kind = reader.units[unit]
        value = Decimal(whole.replace(",", "") + (f".{places}" if places else ""))
        start = m.start(1)
        # Each stretch of the text is searched once (numbers come in order): linear in the text.
        sentence = max(sentence, *(text.rfind(ch, seen, start) + 1 for ch in _SENTENCE_END))
        seen = start
        # The words before it, without blanks and figures: editing a neighbouring figure
        # (3119件，答复3050件) leaves this one where it stood.
        window = text[max(sentence, start - _CONTEXT_WINDOW):start]
        before = _NOT_CONTEXT.sub("", window)[-reader.context_chars:]
        end = m.end(2) if places else m.end(1)
        out.append(StatedNumber(start, end, text[start:end], value, unit, kind, before))
    return tuple(out)
