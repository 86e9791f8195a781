"""Every rule is data: a template edit changes what the checker finds and says, with no code
change; the kinds validate what templates declare; the incremental re-check knows what each
check reads; no format word lives in the code."""

from __future__ import annotations

import ast
import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from report_strategies import snapshot
from sample_reports import make_huaian, make_previous

from models.checker import Checker, checker_for
from models.last_year import LastYear
from models.report import Change, Report
from models.rules import KINDS, Check, compile_rules
from models.template import ReportTemplate, TemplateError, load_template, parse_template, template_dir
from models.values import CellRef

ROOT = Path(__file__).resolve().parents[2]


def _raw(template_id: str = "2021") -> dict[str, Any]:
    with (template_dir() / f"format-{template_id}.json").open(encoding="utf-8") as fh:
        return json.load(fh)  # type: ignore[no-any-return]


def _on(template: ReportTemplate, report: Report) -> Report:
    """The same report's content under another (edited) template object."""
    out = Report.blank(template, agency=report.meta.agency, year=report.meta.year)
    out.values.update(report.values)
    out.texts.update(report.texts)
    return out


def req(row: str, column: str) -> CellRef:
    return CellRef("requests", row, column)


# ---------------------------------------------------------------------- acceptance: a template edit


def test_a_template_copy_without_one_equation_and_with_one_message_reworded() -> None:
    """The issue's acceptance test: the checker follows a template edit without code changes."""
    raw = copy.deepcopy(_raw())
    raw["rules"] = [r for r in raw["rules"] if r["id"] != "requests.balance"]
    row_total = next(r for r in raw["rules"] if r["id"] == "requests.row_total")
    row_total["message"] = "【改写】{row_label}的{column_label}合计有误：应为 {expected}，填的是 {actual}"
    edited = parse_template(raw)
    assert edited is not load_template("2021")

    shipped, changed = make_huaian(), make_huaian()
    for report in (shipped, changed):
        report.set_values({req("new", "natural"): 3000})  # breaks the row total and the balance
    before = checker_for(shipped.template).check(shipped)
    after = Checker(edited).check(_on(edited, changed))

    assert {f.rule for f in before} == {"requests.row_total", "requests.balance"}
    assert {f.rule for f in after} == {"requests.row_total"}  # the removed equation is gone
    [f] = after
    assert f.message.startswith("【改写】一、本年新收政府信息公开申请数量的总计合计有误：应为 ")
    assert f.message.endswith("，填的是 3119")
    assert f.expected == before.get(("requests.row_total", req("new", "total"))).expected  # type: ignore[union-attr]


def test_a_rule_added_in_the_template_is_checked() -> None:
    """A new rule of an existing kind (an inequality nobody coded) runs from the template alone."""
    raw = copy.deepcopy(_raw())
    raw["rules"].append({
        "id": "requests.granted_le_new", "kind": "inequality", "severity": "warning",
        "params": {"section": "requests", "rows": ["granted"], "left": ["total"], "op": "<=", "right": []},
        "message": "{where}为 {left_sum}，本条规则只是一个试验",
    })
    t = parse_template(raw)
    report = _on(t, make_huaian())
    [f] = Checker(t).check(report)
    assert (f.rule, f.severity, f.total_cell) == ("requests.granted_le_new", "warning", req("granted", "total"))
    assert f.message == "三、“（一）予以公开”的“总计”为 1362，本条规则只是一个试验"


def test_severity_and_required_sections_are_template_data() -> None:
    raw = copy.deepcopy(_raw())
    for section in raw["sections"]:
        if section["key"] == "overview":
            section["required"] = False
    next(r for r in raw["rules"] if r["id"] == "sections.empty")["severity"] = "info"
    t = parse_template(raw)
    report = _on(t, make_huaian())
    report.set_text("overview", "")
    report.set_text("problems", "无")
    [f] = [f for f in Checker(t).check(report) if f.rule == "sections.empty"]
    assert (f.rule, f.severity, f.section) == ("sections.empty", "info", "problems")


# ---------------------------------------------------------------------- the registry


def test_every_kind_used_by_a_shipped_template_is_registered() -> None:
    for template_id in ("2021",):
        t = load_template(template_id)
        assert {r.kind for r in t.rules} <= set(KINDS)
        checks = compile_rules(t)
        assert {c.rule.id for c in checks} == {r.id for r in t.rules}  # every rule compiles to checks


def test_every_check_declares_what_it_reads_and_owns_its_keys() -> None:
    t = load_template("2021")
    cells = {c.ref for c in t.all_cells()}
    narratives = {s.key for s in t.narrative_sections}
    keys: set[object] = set()
    for c in compile_rules(t):
        assert c.reads.cells or c.reads.texts or c.reads.meta, c.rule.id  # nothing read: never re-run
        assert set(c.reads.cells) <= cells and set(c.reads.texts) <= narratives
        # each finding has exactly one owner; a check whose places are known only once it runs
        # (narrative.stale_number: one per number) clears its own by rule and section
        assert (c.keys or type(c).clear is not Check.clear) and not keys & set(c.keys), c.rule.id
        keys |= set(c.keys)


def test_findings_are_keyed_by_rule_and_place(checker: Checker, huaian: Report) -> None:
    huaian.set_values({req("new", "natural"): 3000, req("granted", "total"): None})
    result = checker.check(huaian)
    assert all(isinstance(k, tuple) and len(k) == 2 and k[0] == f.rule for k, f in result.mapping.items())
    assert result.get(("requests.row_total", req("new", "total"))) is not None
    assert result.get(("value.missing", ("requests", "granted"))) is not None


# ---------------------------------------------------------------------- the incremental re-check


@pytest.mark.parametrize("change", [
    "values", "text", "meta-level", "meta-year", "note", "acceptance",
])
def test_recheck_change_follows_what_each_check_reads(checker: Checker, change: str) -> None:
    report = make_huaian()
    previous = LastYear.of(make_previous(report))
    result = checker.check(report, previous)
    seen: list[Change] = []
    report.subscribe(seen.append)
    if change == "values":
        report.set_values({req("other_no_fee", "natural"): 5, req("new", "total"): 1})
    elif change == "text":
        report.set_text("other", "")
    elif change == "meta-level":
        report.set_meta(level="county")
    elif change == "meta-year":
        report.set_meta(year=2019)
    elif change == "note":
        report.set_note("appeals", "注：含上年度结转数量。")
    else:
        report.set_text("overview", "")
        result = checker.check(report, previous)
        f = next(f for f in result if f.rule == "sections.empty")
        from models.report import Acceptance

        report.accept(Acceptance(f.rule, f.cells, "本年度合并在其他部分说明", "2025-01-01T00:00:00"))
    for c in seen:
        result = checker.recheck_change(result, report, c, previous)
    assert snapshot(result) == snapshot(checker.check(report, previous))
    assert result.mapping or change == "note"


def test_a_year_outside_the_template_is_a_finding_not_a_refusal(checker: Checker, huaian: Report) -> None:
    huaian.set_meta(year=2020)
    [f] = checker.check(huaian)
    assert (f.rule, f.severity, f.section) == ("format.version", "error", None)
    assert "2020 年" in f.message and "2021年版格式" in f.message


# ---------------------------------------------------------------------- blank totals (spec: 应为 272，现为空)


def test_a_blank_total_whose_parts_are_entered_breaks_its_sum(checker: Checker, huaian: Report) -> None:
    huaian.set_values({req("granted", "total"): None})
    found = {f.key: f for f in checker.check(huaian)}
    row = found[("requests.row_total", req("granted", "total"))]
    parts = sum(huaian.values[req("granted", c)] for c in ("natural", "commercial", "research", "nonprofit", "legal",
                                                            "other_org"))  # type: ignore[misc]
    assert (row.severity, row.expected, row.actual) == ("error", parts, None)
    assert row.message.endswith("现为空")
    assert ("value.missing", ("requests", "granted")) in found  # and the blank itself
    # a whole blank row is only blank: nothing to add up
    blank = make_huaian()
    blank.set_values({ref: None for ref in blank.cell_refs() if ref.row == "granted"})
    rules = {f.rule for f in checker.check(blank) if req("granted", "total") == f.total_cell}
    assert "requests.row_total" not in rules


# ---------------------------------------------------------------------- last year through a small interface


def test_carry_over_reads_last_year_from_figures_alone(checker: Checker, huaian: Report) -> None:
    """What issue 10's ``previous`` block holds: template, year, ``section.row.column`` → value."""
    block = {"year": 2023, "template": "2021", "values": {"requests.carried_forward.total": 30,
                                                          "proactive.regulations.in_force": 10,
                                                          "appeals.data.review.total": 351}}
    values = {CellRef.parse(k): v for k, v in block["values"].items()}  # type: ignore[union-attr]
    assert CellRef("appeals", "data", "review.total") in values
    last = LastYear(template=block["template"], year=block["year"], values=values)  # type: ignore[arg-type]
    found = {f.rule: f for f in checker.check(huaian, last)}
    assert found["carryover.requests"].expected == 30 and found["carryover.requests"].actual == 34
    assert "carryover.copied_text" not in found  # no texts kept: nothing compared


def test_cell_ref_parse() -> None:
    assert CellRef.parse("requests.new.total") == CellRef("requests", "new", "total")
    assert CellRef.parse("appeals.data.review.total") == CellRef("appeals", "data", "review.total")
    assert CellRef.parse("requests.new") is None and CellRef.parse("..") is None


# ---------------------------------------------------------------------- no format word in the code


def _constants(path: Path) -> list[tuple[int, str]]:
    """String constants of a module, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant):
            docs.add(id(body[0].value))
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs]


def _format_words(t: ReportTemplate) -> set[str]:
    words = {s.key for s in t.sections}
    for s in t.sections:
        words.add(s.title)
        for c in s.cells:
            words.update(c.row_path + c.column_path)
        for b in s.blocks:
            words.update(x for x in (b.title, b.corner) if x)

    def walk(x: object) -> None:
        if isinstance(x, str):
            words.add(x)
        elif isinstance(x, (tuple, list)):
            for i in x:
                walk(i)
        elif hasattr(x, "values"):
            for i in x.values():  # type: ignore[union-attr]
                walk(i)

    for r in t.rules:
        walk(r.params)
    keys = {s.key for s in t.sections}
    labels = {s.title for s in t.sections} | {x for s in t.sections for c in s.cells for x in c.row_path + c.column_path}
    # cue words of three or more characters (两字 words such as 公开, 文件, 万元 are plain language)
    return keys | labels | {w for w in words if len(w) >= 3 and not w.isascii()}


# A Qt object name and a check page's "无。" that happen to equal a template word.
_ALLOWED = {("ui/problems_panel.py", "problems"), ("exporters/pdf.py", "无。")}


def test_no_section_key_label_or_cue_in_the_code() -> None:
    words = set().union(*(_format_words(load_template(t)) for t in ("2021",)))
    files = [p for pkg in ("models", "importers", "exporters", "ui") for p in (ROOT / pkg).rglob("*.py")]
    files.append(ROOT / "main.py")
    hits = []
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        for line, value in _constants(path):
            if value in words and (rel, value) not in _ALLOWED:
                hits.append(f"{rel}:{line} {value!r}")
    assert not hits, "\n".join(hits)


def test_the_scan_can_fail(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text('"""overview in a docstring is fine."""\nKEY = "appeals"\nCUE = "主动公开"\n', encoding="utf-8")
    words = _format_words(load_template("2021"))
    assert [v for _, v in _constants(sample) if v in words] == ["appeals", "主动公开"]


def test_a_malformed_rule_is_refused_when_the_template_loads() -> None:
    raw = copy.deepcopy(_raw())
    raw["rules"].append({"id": "x", "kind": "inequality", "severity": "warning",
                         "params": {"section": "requests", "rows": ["granted"], "left": ["nope"], "op": "<="},
                         "message": "x"})
    with pytest.raises(TemplateError, match="未知单元格"):
        parse_template(raw)


def test_amounts_in_sums_are_decimal_exact(checker: Checker, huaian: Report) -> None:
    huaian.set_values({CellRef("proactive", "fees", "amount"): Decimal("0.1")})
    assert not checker.check(huaian).mapping
