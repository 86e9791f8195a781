"""The narrative rules' regular expressions are compiled when first used (not when a template is
read, before the editor's first paint), and behave as the compiled expressions do."""

from __future__ import annotations

import json
import re

import pytest

from models.narrative import Fact, LazyRegex, fee_statement, fee_words, number_reader, placeholder_pattern
from models.template import parse_template, template_dir
from models.values import CellRef

PARAMS = {"units": ["件"], "negations": ["未", "没有"], "zero_verbs": ["收到"], "context": ["申请"],
          "conjunctions": ["和"]}
FACTS = [Fact(id="apply", label="申请", verbs=(), topics=("申请",), cells=(CellRef("三", "new", "total"),)),
         Fact(id="review", label="复议", verbs=(), topics=("行政复议",), cells=(CellRef("四", "review", "total"),))]


def test_a_reader_compiles_nothing_until_it_reads() -> None:
    reader = number_reader(PARAMS, FACTS)
    patterns = [getattr(r, name) for r in reader.readers for name in ("number", "zero", "joined", "joined_gap")]
    assert patterns and all(isinstance(p, LazyRegex) and p._compiled is None for p in patterns)
    assert reader.statements("本年度共收到申请12件。") == {"apply": (12, "申请12件")}
    assert reader.readers[0].number._compiled is not None
    assert reader.readers[1].joined._compiled is None  # no joint figure to rule out: never compiled


def test_reading_a_shipped_template_compiles_none_of_its_word_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    """Expressions made of the template's Chinese words (sre's slow big character sets) wait for
    their first use: reading the template before the editor's first paint compiles none."""
    raw = json.loads((template_dir() / "format-2021.json").read_text(encoding="utf-8"))
    compiled: list[str] = []
    real = re.compile
    monkeypatch.setattr(re, "compile", lambda p, flags=0: compiled.append(p) or real(p, flags))
    template = parse_template(raw)
    assert template.rules_of("narrative_numbers") and template.rules_of("placeholder")
    assert [p for p in compiled if any("\u4e00" <= ch <= "\u9fff" for ch in p)] == []


def test_it_finds_what_the_compiled_expression_finds() -> None:
    lazy = LazyRegex(r"(\d+)(件|条)")
    eager = re.compile(lazy.pattern)
    text = "收到12件，答复3条；其中1件"
    assert [m.group(0) for m in lazy.finditer(text)] == [m.group(0) for m in eager.finditer(text)]
    assert lazy.findall(text) == eager.findall(text)
    assert lazy.search(text, 5).span() == eager.search(text, 5).span()  # type: ignore[union-attr]
    assert lazy.search(text, 0, 3) is None and eager.search(text, 0, 3) is None


def test_equal_and_hashed_by_pattern_like_re_pattern() -> None:
    """FeeWords (holding them) is an lru_cache key of fee_statement."""
    assert LazyRegex("a|b") == LazyRegex("a|b") and hash(LazyRegex("a|b")) == hash(LazyRegex("a|b"))
    assert LazyRegex("a") != LazyRegex("b") and LazyRegex("a") != re.compile("a")
    params = {"negations": ["未"], "money_units": ["元"], "send_verbs": ["发出"], "notices": ["收费通知"],
              "mentions": ["信息处理费"], "denial_verbs": ["收取"], "waivers": ["免收"], "charge_verbs": ["收取"],
              "no_event": ["未发生"], "unpaid_cues": ["逾期"]}
    assert fee_words(params) == fee_words(params)
    assert fee_statement(fee_words(params), "本年度未收取信息处理费。") == (False, True, False)


def test_a_placeholder_pattern_is_lazy_too() -> None:
    pattern = placeholder_pattern({"units": ["件"], "totals": ["共"], "nouns": ["申请"], "verbs": ["收到"]})
    assert isinstance(pattern, LazyRegex) and pattern._compiled is None
    assert pattern.search("共收到申请件。") is not None
