"""Hypothesis strategies for reports: realistic (a real report with a few cells and texts
changed) and hostile (any value of any type, any unicode text)."""

from __future__ import annotations

import random
from decimal import Decimal

from hypothesis import strategies as st
from sample_reports import make_huaian, make_pingtan, make_wulong

from models.last_year import LastYear
from models.report import LEVELS, Acceptance, Report
from models.template import load_template
from models.values import CellRef, Quantity, Value

TEMPLATE = load_template("2021")
REFS = [CellRef(c.section, c.row, c.column) for c in TEMPLATE.all_cells()]
KIND = {ref: TEMPLATE.cell(*ref).number.name for ref in REFS}  # type: ignore[union-attr]
NARRATIVES = [s.key for s in TEMPLATE.narrative_sections]
BASES = (make_huaian, make_pingtan, make_wulong, lambda: Report.blank(TEMPLATE))

cell_refs = st.sampled_from(REFS)

# Sentences the narrative rules read, with numbers that may or may not match the tables.
_SENTENCES = [
    "本年共收到政府信息公开申请{n}件。", "全市共受理政府信息公开申请 {n} 件，上年结转{m}件。",
    "本年度未收到政府信息公开申请。", "政府信息公开行政复议{n}件，行政诉讼{m}件。",
    "本年度未发生政府信息公开行政复议、行政诉讼案件。", "主动公开政府信息{n}条。", "全年共计件。",
    "本机关未收取信息处理费。", "全年收取信息处理费{n}元。", "申请人逾期未缴纳费用{m}件。", "无", "",
    "共发出收费通知{m}份。", "全年行政事业性收费{n}.5万元。",
]


@st.composite
def narrative(draw: st.DrawFn) -> str:
    parts = draw(st.lists(
        st.one_of(
            st.builds(lambda s, n, m: s.format(n=n, m=m), st.sampled_from(_SENTENCES),
                      st.integers(0, 400), st.integers(0, 40)),
            st.text(max_size=40),
        ),
        max_size=4,
    ))
    return draw(st.sampled_from(["", "\n"])).join(parts)


def count_values() -> st.SearchStrategy[Value]:
    return st.one_of(st.none(), st.integers(0, 40), st.integers(0, 10**7))


def amount_values() -> st.SearchStrategy[Value]:
    return st.one_of(st.none(), st.decimals(min_value=0, max_value=10**9, places=6, allow_nan=False),
                     st.integers(0, 1000))


def valid_value(ref: CellRef) -> st.SearchStrategy[Value]:
    return amount_values() if KIND[ref] == "amount" else count_values()


# Anything a hand-edited file or a buggy importer could put into a cell.
hostile_values = st.one_of(
    st.none(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=-(10**6), max_value=10**6, places=3),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=5),
    st.just(Decimal("1E+999999")),
)


@st.composite
def realistic_reports(draw: st.DrawFn, *, with_acceptances: bool = True) -> Report:
    """A real report (or a blank one) with a few cells, texts and the level changed."""
    report = draw(st.sampled_from(BASES))()
    for ref in draw(st.lists(cell_refs, max_size=6, unique=True)):
        report.values[ref] = draw(st.one_of(valid_value(ref), st.integers(-3, -1), st.just(Decimal("2.5"))))
    for key in draw(st.lists(st.sampled_from(NARRATIVES), max_size=2, unique=True)):
        report.texts[key] = draw(narrative())
    if draw(st.booleans()):
        report.meta.level = draw(st.sampled_from([None, *LEVELS]))
    if with_acceptances and draw(st.booleans()):
        from models.checker import checker_for

        warnings = [f for f in checker_for(report.template).check(report) if f.severity == "warning"]
        for f in draw(st.lists(st.sampled_from(warnings), max_size=3, unique=True)) if warnings else []:
            report.acceptances.append(Acceptance(f.rule, f.cells, draw(st.text(min_size=1, max_size=20)),
                                                 "2025-01-01T00:00:00"))
    return report


@st.composite
def hostile_reports(draw: st.DrawFn) -> Report:
    """Any value of any type in any cell, any texts, odd metadata and stray keys."""
    report = Report.blank(load_template("2021"), year=draw(st.one_of(st.none(), st.integers(1900, 2999))))
    # A small pool of values spread over all 200 cells: as hostile, and far cheaper to draw.
    pool = draw(st.lists(hostile_values, min_size=1, max_size=8))
    rng = random.Random(draw(st.integers(0, 2**32)))
    for ref in REFS:
        report.values[ref] = rng.choice(pool)
    if draw(st.booleans()):
        report.values[CellRef("requests", "no_such_row", "total")] = draw(hostile_values)
    for key in NARRATIVES:
        report.texts[key] = draw(st.one_of(narrative(), st.text()))
    report.meta.level = draw(st.one_of(st.none(), st.sampled_from(list(LEVELS)), st.text(max_size=5)))
    return report


@st.composite
def last_years(draw: st.DrawFn, text: st.SearchStrategy[str] | None = None) -> LastYear:
    """What a file keeps of last year (``previous``): some cells, some texts, maybe its source."""
    from models.last_year import SourceFile

    text = text if text is not None else st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
    refs = draw(st.lists(cell_refs, max_size=12, unique=True))
    values = {ref: Decimal(v) if KIND[ref] == "amount" else v  # amounts are Decimals, as parsed
              for ref in refs if (v := draw(valid_value(ref))) is not None}
    keys = draw(st.lists(st.sampled_from([*NARRATIVES, "preface"]), max_size=4, unique=True))
    texts = {k: t for k in keys if (t := draw(text))}
    source = draw(st.none() | st.builds(SourceFile, text.filter(bool),
                                        st.text("0123456789abcdef", min_size=64, max_size=64)))
    return LastYear(template="2021", year=draw(st.none() | st.integers(1900, 2999)), values=values, texts=texts,
                    agency=draw(text), source=source)


def snapshot(result: object) -> dict[str, tuple[object, ...]]:
    """A check result as comparable data (str() of values: Decimal NaN never equals itself)."""
    return {
        key: (f.rule, f.severity, f.section, f.cells, f.total_cell, str(f.expected), str(f.actual),
              f.message, f.order, f.accepted, f.explanation)
        for key, f in result.mapping.items()  # type: ignore[attr-defined]
    }


# ---------------------------------------------------------------------- the 2019 trial format

TEMPLATE_2019 = load_template("2019")
_signed = st.one_of(st.none(), st.integers(-(10**12) + 1, 10**12 - 1))  # 本年增/减 (减4 is −4)
_money = st.one_of(st.none(), st.builds(  # 采购总金额 with the unit printed beside it (or none)
    Quantity, st.integers(0, 6).flatmap(lambda p: st.decimals(
        min_value=0, max_value=Decimal("999999999999"), places=p, allow_nan=False, allow_infinity=False)),
    st.sampled_from(["元", "万元", ""])))
_counts = st.one_of(st.none(), st.integers(0, 10**12 - 1))


@st.composite
def reports_2019(draw: st.DrawFn) -> Report:
    """Any valid-shaped 2019-format report: signed 本年增/减, amounts with their units, counts up
    to 12 digits, blanks anywhere, any level and texts."""
    t = TEMPLATE_2019
    report = Report.blank(t, agency=draw(st.text(max_size=30)), year=draw(st.sampled_from([2019, 2020, 2021])))
    report.meta.level = draw(st.one_of(st.none(), st.sampled_from(list(LEVELS))))
    for c in t.all_cells():
        report.values[c.ref] = draw(_signed if c.number.signed else _money if c.number.kept_units else _counts)
    for s in t.narrative_sections:
        report.texts[s.key] = draw(st.text(st.characters(exclude_categories=("Cs",)), max_size=40))
    return report
