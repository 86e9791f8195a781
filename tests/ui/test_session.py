"""DocumentSession and its undo commands, without widgets."""

from __future__ import annotations

from typing import Any

from models.report import Report
from models.values import CellRef
from ui import commands
from ui.session import DocumentSession


def test_cell_edit_is_one_undo_step_and_tracks_the_clean_state(zeros: Report) -> None:
    session = DocumentSession(zeros)
    cell = CellRef("requests", "new", "natural")
    assert not session.modified
    assert session.set_cells({cell: 4}, "编辑") == 1
    assert session.modified and session.undo_stack.count() == 1
    assert session.set_cells({cell: 4}, "编辑") == 0  # no change, no step
    session.undo_stack.undo()
    assert zeros.values[cell] == 0 and not session.modified
    session.undo_stack.redo()
    assert zeros.values[cell] == 4


def test_recheck_after_each_edit_updates_the_result_and_names_changed_cells(qtbot: Any, zeros: Report) -> None:
    session = DocumentSession(zeros)
    seen: list[tuple[str, tuple[CellRef, ...]]] = []
    session.cellsChanged.connect(lambda section, refs: seen.append((section, refs)))
    total = CellRef("requests", "new", "total")
    session.set_cells({CellRef("requests", "new", "natural"): 2}, "编辑")
    assert "requests.row_total" in [f.rule for f in session.result.total_findings(total)]
    assert any(total in refs for _, refs in seen)
    session.set_cells({total: 2}, "编辑")
    assert "requests.row_total" not in [f.rule for f in session.result.total_findings(total)]


def test_typing_merges_until_a_pause(zeros: Report, monkeypatch: Any) -> None:
    session = DocumentSession(zeros)
    clock = [100.0]
    monkeypatch.setattr(commands.time, "monotonic", lambda: clock[0])
    session.set_text("problems", "一")
    clock[0] += 0.3
    session.set_text("problems", "一二")
    assert session.undo_stack.count() == 1
    clock[0] += commands.TYPING_PAUSE_S + 1
    session.set_text("problems", "一二三")
    assert session.undo_stack.count() == 2
    session.undo_stack.undo()
    assert zeros.text("problems") == "一二"
    session.undo_stack.undo()
    assert zeros.text("problems") == "信息更新不够及时，下一步将加强审核。"


def test_fill_totals_sets_every_total_from_the_checker_in_one_step(zeros: Report) -> None:
    session = DocumentSession(zeros)
    parts = {("new", "natural"): 3, ("new", "legal"): 2, ("granted", "natural"): 2, ("partial", "legal"): 1,
             ("unable_not_held", "natural"): 1}
    session.set_cells({CellRef("requests", r, c): v for (r, c), v in parts.items()}, "粘贴")
    session.set_cells({CellRef("requests", "results_total", "legal"): None}, "清除")  # a blank total too
    assert session.equation_findings("requests")
    steps = session.undo_stack.count()
    n, left = session.fill_totals("requests")
    assert left == 0 and session.equation_findings("requests") == []
    assert session.undo_stack.count() == steps + 1
    v = zeros.values
    assert v[CellRef("requests", "new", "total")] == 5
    assert v[CellRef("requests", "results_total", "natural")] == 3
    assert v[CellRef("requests", "results_total", "legal")] == 1
    assert v[CellRef("requests", "results_total", "total")] == 4
    assert v[CellRef("requests", "carried_forward", "legal")] == 1  # 2 new − 1 answered
    assert v[CellRef("requests", "carried_forward", "total")] == 1
    assert n >= 7
    session.undo_stack.undo()
    assert v[CellRef("requests", "new", "total")] == 0
    assert v[CellRef("requests", "results_total", "legal")] is None


def test_fill_totals_leaves_totals_of_blank_parts_blank(zeros: Report) -> None:
    session = DocumentSession(zeros)
    row = [CellRef("appeals", "data", f"review.{c}") for c in ("upheld", "corrected", "other", "pending", "total")]
    session.set_cells({r: None for r in row}, "清除")
    n, left = session.fill_totals("appeals")
    assert (n, left) == (0, 0)
    assert zeros.values[row[-1]] is None


def test_accept_and_withdraw_a_warning_are_undoable(zeros: Report) -> None:
    session = DocumentSession(zeros)
    cell = CellRef("appeals", "data", "review.upheld")
    session.set_cells({cell: None}, "清除")
    warning = next(f for f in session.result.warnings if f.rule == "value.missing")
    session.accept(warning, "本项无统计口径")
    accepted = session.result.get(warning.key)
    assert accepted is not None and accepted.accepted and accepted.explanation == "本项无统计口径"
    assert zeros.acceptances[0].explanation == "本项无统计口径"
    session.undo_stack.undo()
    assert not session.result.get(warning.key).accepted  # type: ignore[union-attr]
    session.undo_stack.redo()
    session.withdraw(session.result.get(warning.key))  # type: ignore[arg-type]
    assert zeros.acceptances == [] and session.result.get(warning.key).is_open  # type: ignore[union-attr]
