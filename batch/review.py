"""Review a folder: every unit's report of every year, checked, with who has not submitted.

:class:`Review` runs in two passes over the documents :func:`~batch.sources.discover` found:

1. *identify* (cheap: an own ``.json`` report file's head only, ``storage.read_head``): each
   report's unit and year, so that the listing can go unit by unit, year by year, the units ×
   years matrix knows its gaps before the first row is written, and each report can be paired
   with its unit's report of the year before (found in the same folders or in
   ``previous_folders``, matched by :func:`unit_key`);
2. *check* on the batch engine: each report read and checked, with the carry-over rules against
   last year's report when there is one; results stream out as :class:`Entry` rows in order,
   with a 未提交 row where a unit lacks a year.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from batch.engine import Job, Options, Outcome, run
from batch.output import ChunkedWriter, JsonList
from batch.sources import MEMBER_SEPARATOR, Found, Source, Unreadable, discover
from models.review import (
    ERRORS,
    MISSING,
    NO_AGENCY,
    PASSED,
    STATUS_LABEL,
    STATUS_ORDER,
    TO_CONFIRM,
    UNREADABLE,
    Submissions,
    unit_key,
)


class Entry(NamedTuple):
    """One row of the review: a report (``outcome``), or a year a unit has not submitted."""

    status: str
    agency: str
    year: int | None
    outcome: Outcome | None  # None: 未提交

    @property
    def name(self) -> str:
        return self.outcome.source.name if self.outcome is not None else ""


@dataclass(frozen=True, slots=True)
class _Known:
    source: Source
    agency: str
    year: int | None
    key: str


@dataclass(slots=True)
class Review:
    """A review of ``folders``; iterate :meth:`entries` once, then read the totals."""

    folders: Sequence[str]
    previous_folders: Sequence[str] = ()
    options: Options = field(default_factory=Options)
    workers: int | None = None
    cancelled: Callable[[], bool] | None = None
    found: Found = field(default_factory=Found)
    submissions: Submissions = field(default_factory=Submissions)
    counts: Counter[str] = field(default_factory=Counter)
    total: int = 0  # rows :meth:`entries` will give (known after the identify pass)
    paired: int = 0  # reports checked against their unit's last year
    _progress: Callable[[int, int], None] | None = None

    def entries(self, progress: Callable[[str, int, int], None] | None = None) -> Iterator[Entry]:
        """Every row in order: unit by unit, year by year (未提交 rows in place), then the files
        whose unit or year is unknown, then the unreadable. ``progress(phase, done, total)``."""
        self.found = discover(self.folders)
        previous_found = discover(self.previous_folders) if self.previous_folders else Found()
        reports, failed = self._identify(self.found.sources, progress, "identify")
        if self.cancelled is not None and self.cancelled():
            return
        earlier, _ = self._identify(previous_found.sources, None, "previous") if previous_found.sources else ([], [])
        plan = self._plan(reports, earlier)
        unreadable = [Entry(UNREADABLE, "", None, outcome) for outcome in failed] + [
            Entry(UNREADABLE, "", None, Outcome(source=u.source, error=u.reason, status=UNREADABLE,
                                                json=_unreadable_json(u, self.options)))
            for u in self.found.unreadable
        ]
        self.total = len(plan) + len(unreadable)
        jobs = [row.job for row in plan if row.job is not None]
        outcomes = run(jobs, replace(self.options, status=True), workers=self.workers, cancelled=self.cancelled)
        done = 0
        for row in plan:
            if row.job is None:
                entry = Entry(MISSING, row.agency, row.year, None)
            else:
                outcome = next(outcomes, None)
                if outcome is None:
                    return  # cancelled
                if outcome.error is not None:  # place it under the unit and year the identify pass saw
                    outcome = outcome._replace(agency=row.agency, year=row.year)
                entry = Entry(outcome.status, outcome.agency or row.agency, outcome.year, outcome)
                if outcome.previous:
                    self.paired += 1
            self._count(entry)
            done += 1
            if progress is not None:
                progress("check", done, self.total)
            yield entry
        for entry in unreadable:
            self._count(entry)
            done += 1
            yield entry
        if progress is not None:
            progress("check", done, self.total)

    def shown(self, source: Source) -> str:
        """A document's name as the listing shows it: below the reviewed folder (2024/某局.json;
        with the folder's own name when several were reviewed), not the whole path."""
        path = Path(source.path)
        for root in self.folders:
            base = Path(root)
            try:
                rel = path.relative_to(base)
            except ValueError:
                continue
            inner = (source.shown or source.members)
            # the folder's own name only tells folders apart when there are several
            top = Path(base.name) / rel if len(self.folders) > 1 else rel
            return MEMBER_SEPARATOR.join((top.as_posix() if rel.parts else base.name, *inner))
        return source.name

    def _count(self, entry: Entry) -> None:
        self.counts[entry.status] += 1
        if entry.status != MISSING:  # the matrix finds the gaps itself
            self.submissions.add(entry.agency, entry.year, entry.status)

    # ------------------------------------------------------------------ pass 1

    def _identify(self, sources: list[Source], progress: Callable[[str, int, int], None] | None,
                  phase: str) -> tuple[list[_Known], list[Outcome]]:
        known: list[_Known] = []
        failed: list[Outcome] = []
        options = Options(identify=True, json=self.options.json, status=True)
        total = len(sources)
        for i, outcome in enumerate(run([Job(s) for s in sources], options, workers=self.workers,
                                        cancelled=self.cancelled), 1):
            if outcome.error is not None:
                failed.append(outcome)
            else:
                known.append(_Known(outcome.source, outcome.agency, outcome.year, unit_key(outcome.agency)))
            if progress is not None and (i % 256 == 0 or i == total):
                progress(phase, i, total)
        return known, failed

    # ------------------------------------------------------------------ the order and the pairs

    def _plan(self, reports: list[_Known], earlier: list[_Known]) -> list[_PlanRow]:
        by_unit: dict[str, list[_Known]] = {}
        loose: list[_Known] = []
        for r in reports:
            if r.key and r.year is not None:
                by_unit.setdefault(r.key, []).append(r)
            else:
                loose.append(r)
        years = sorted({r.year for rs in by_unit.values() for r in rs if r.year is not None})
        # Each unit-year's report, to check the next year against: the folders under review win
        # over ``previous_folders``; of two reports for one unit and year, the first by name.
        last_year: dict[tuple[str, int], Source] = {}
        for group in (reports, earlier):
            for r in sorted(group, key=lambda r: r.source.name):
                if r.key and r.year is not None:
                    last_year.setdefault((r.key, r.year), r.source)
        plan: list[_PlanRow] = []
        for key in sorted(by_unit):
            rows = sorted(by_unit[key], key=lambda r: (r.year, r.source.name))
            name = rows[-1].agency
            present = {r.year for r in rows}
            for year in years:
                if year not in present:
                    plan.append(_PlanRow(None, name, year))
                for r in rows:
                    if r.year == year:
                        plan.append(_PlanRow(Job(r.source, last_year.get((key, year - 1))), r.agency, year))
        for r in sorted(loose, key=lambda r: r.source.name):
            plan.append(_PlanRow(Job(r.source), r.agency if r.key else NO_AGENCY, r.year))
        return plan


class _PlanRow(NamedTuple):
    job: Job | None  # None: a year the unit has not submitted
    agency: str
    year: int | None


def _unreadable_json(u: Unreadable, options: Options) -> str | None:
    if not options.json:
        return None
    return json.dumps({"path": u.source.name, "error": u.reason, "status": UNREADABLE,
                       "status_label": STATUS_LABEL[UNREADABLE]}, ensure_ascii=False)


def summary_counts(review: Review) -> dict[str, int]:
    """Rows by status, worst first, for the 汇总 line and ``--json``."""
    return {s: review.counts.get(s, 0) for s in STATUS_ORDER}




# ---------------------------------------------------------------------- outputs (command line)

_MARK = {ERRORS: "✖", TO_CONFIRM: "⚠", PASSED: "✔", MISSING: "○", UNREADABLE: "✖"}
_SEVERITY_MARK = {"error": "✖ 错误", "warning": "⚠ 警告", "info": "ℹ 提示"}


def exit_status(review: Review) -> int:
    """As ``check``: 2 when a file could not be read, 1 when a report has an error, else 0."""
    if review.counts.get(UNREADABLE):
        return 2
    return 1 if review.counts.get(ERRORS) else 0


def submissions_json(review: Review) -> dict[str, object]:
    years = review.submissions.years
    return {
        "years": years,
        "units": [
            {"agency": u.name, "years": {str(y): u.status(y) for y in years},
             "missing": [y for y in years if y not in u.years]}
            for u in review.submissions.units
        ],
    }


def write_review(review: Review, *, json_out: TextIO | None = None, text_out: TextIO | None = None,
                 workbook: str | None = None,
                 progress: Callable[[str, int, int], None] | None = None) -> int:
    """Run ``review`` into the outputs asked for; returns the exit status (as ``check``).

    ``json_out``: ``{"files": [...], "missing": [...], "submissions": {...}, "summary": {...}}``;
    ``text_out``: a listing with each problem's table and cell; ``workbook``: the .xlsx path.
    Raises ``ReportFileError`` when the workbook cannot be written.
    """
    book = None
    if workbook:  # openpyxl only when a workbook is written (a tenth of a second of start-up)
        from exporters.review_xlsx import ReviewWorkbook

        book = ReviewWorkbook()
    listing = None
    if json_out is not None:
        writer = ChunkedWriter(json_out, binary=True)
        listing = JsonList(writer)
        if review.options.json and writer.encoding is not None:  # the workers encode each entry
            review.options = replace(review.options, encoding=writer.encoding)
    text = ChunkedWriter(text_out) if text_out is not None else None
    missing: list[tuple[str, int | None]] = []
    for entry in review.entries(progress):
        outcome = entry.outcome
        if entry.status == MISSING:
            missing.append((entry.agency, entry.year))
        if listing is not None and outcome is not None:
            if outcome.data is not None:
                listing.add(outcome.data)
            elif outcome.json is not None:
                listing.add(outcome.json)
        if text is not None:
            text.write(_text_entry(entry, review.shown))
        if book is not None:
            _book_entry(book, entry, review.shown)
    if review.cancelled is not None and review.cancelled():
        return 130
    summary = summary_counts(review)
    if listing is not None:
        tail = {
            "missing": [{"agency": a, "year": y} for a, y in missing],
            "submissions": submissions_json(review),
            "summary": {**summary, "paired_with_last_year": review.paired, "skipped_files": review.found.skipped},
        }
        listing.close(", " + json.dumps(tail, ensure_ascii=False)[1:-1])
    if text is not None:
        text.write(_text_tail(review, summary, missing))
        text.flush()
    if book is not None and workbook is not None:
        subs = review.submissions
        book.set_submissions(subs.years, [(u.name, [(u.status(y), u.count(y)) for y in subs.years])
                                          for u in subs.units])
        book.save(workbook)
    return exit_status(review)


def _book_entry(book: Any, entry: Entry, shown: Callable[[Source], str]) -> None:
    o = entry.outcome
    if o is None:
        book.add_report(agency=entry.agency, year=entry.year, template="", errors=0, warnings=0, infos=0,
                        accepted=0, status=MISSING, previous=None, file="", reason="该年度没有这个单位的报告")
        return
    book.add_report(agency=entry.agency, year=entry.year, template=o.template, errors=o.errors,
                    warnings=o.warnings, infos=o.infos, accepted=o.accepted, status=entry.status,
                    previous=o.previous_source.leaf if o.previous_source else None, file=shown(o.source),
                    reason=o.error)
    for p in o.problems:
        book.add_problem(agency=entry.agency, year=entry.year, severity=p.severity, table=p.table, row=p.row,
                         column=p.column, message=p.message, accepted=p.accepted, rule=p.rule, file=shown(o.source))


def _text_entry(entry: Entry, shown: Callable[[Source], str]) -> str:
    label = f"[{_MARK[entry.status]} {STATUS_LABEL[entry.status]}]"
    who = f"{entry.agency or NO_AGENCY} {entry.year or '？'}年" if entry.agency or entry.year else ""
    o = entry.outcome
    if o is None:
        return f"{label} {who}\n"
    if o.error is not None:
        return f"{label} {shown(o.source)}：{o.error}\n"
    lines = [f"{label} {who}（错误 {o.errors}，警告 {o.warnings}，提示 {o.infos}）  {shown(o.source)}"]
    for p in o.problems:
        place = " ".join(x for x in (p.table, "×".join(f"“{v}”" for v in (p.row, p.column) if v)) if x)
        state = f"（已接受：{p.accepted}）" if p.accepted is not None else ""
        lines.append(f"    {_SEVERITY_MARK[p.severity]}  {place}：{p.message}{state}")
    return "\n".join(lines) + "\n"


def _text_tail(review: Review, summary: dict[str, int], missing: list[tuple[str, int | None]]) -> str:
    years = review.submissions.years
    span = f"（{years[0]}–{years[-1]}）" if len(years) > 1 else (f"（{years[0]}）" if years else "")
    lines = [f"\n提交情况：{len(review.submissions.units)} 个单位 × {len(years)} 个年度{span}，未提交 {len(missing)} 份"]
    if missing:
        shown = "；".join(f"{a} {y}年" for a, y in missing[:50])
        lines.append(f"  未提交：{shown}" + (f" 等 {len(missing)} 份" if len(missing) > 50 else ""))
    reports = sum(v for k, v in summary.items() if k not in (MISSING, UNREADABLE))
    parts = "，".join(f"{STATUS_LABEL[s]} {summary[s]}" for s in (ERRORS, TO_CONFIRM, PASSED))
    lines.append(f"结论：共审核 {reports} 份报告（{parts}）；无法读取 {summary[UNREADABLE]} 个文件；"
                 f"与上年报告核对 {review.paired} 份")
    return "\n".join(lines) + "\n"
