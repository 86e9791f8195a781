"""Build a :class:`Report` from the lines of a published report, with findings that say how the
document was written and what could not be found (the text and HTML importers both end here).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePath

from importers import ImportFailed, ImportResult, limit_finding
from importers.common import CellReading, Line, display_name, enumerated, read_value, squash
from importers.formats import choose_template, document_core
from importers.layout import (
    Heading,
    Title,
    find_headings,
    find_title,
    first_year,
    intro_paragraphs,
    leading_intro,
    paragraphs,
    parse_title,
    period_year,
    prose_lines,
    regions,
    strip_footer,
    wrap_margin,
)
from importers.tables import TableRead, UnknownRow, read_table
from importers.unbreak import unbreak
from models.agency import level_from_name
from models.findings import Finding
from models.limits import MAX_IMPORT_LINES
from models.numbers import format_value
from models.places import locator_for
from models.progress import checkpoint
from models.report import PREFACE, Report
from models.template import ReportTemplate, SectionSpec, Severity, newest_template, template_for_year
from models.values import CellRef, Quantity, Value

MAX_SCAN_CHARS = 400_000  # year and format markers are looked for in this much text


class _Findings:
    """Findings in the checker's shape, ordered like the checker's (section, then cell)."""

    def __init__(self, template: ReportTemplate) -> None:
        self.locator = locator_for(template)
        self.items: list[Finding] = []

    def add(self, rule: str, severity: Severity, section: str | None, message: str, *,
            cells: Sequence[CellRef] = (), expected: Value | str | None = None,
            actual: Value | str | None = None, place: str = "") -> None:
        cells = tuple(cells)
        if cells:
            order = self.locator.order(cells[0])
        elif section is not None:
            order = self.locator.section_order(section)
        else:
            order = -1
        key = (rule, place or (cells[0] if cells else section or "meta"))
        self.items.append(Finding(rule=rule, severity=severity, section=section, cells=cells, total_cell=None,
                                  expected=expected, actual=actual, message=message, key=key, order=order))

    def where(self, ref: CellRef) -> str:
        return self.locator.where(ref)


def _row_text(template: ReportTemplate, section: str, row: str) -> str:
    cells = [c for c in template.section(section).cells if c.row == row]
    path = cells[0].row_path
    return " ".join(path[1:]) if len(path) > 1 else path[0]


def build_report(lines: list[Line], *, source: str = "", title_hints: Sequence[str] = (),
                 wrapped: bool = False) -> ImportResult:
    """The report the lines hold. Raises :class:`ImportFailed` for anything that is no annual
    report of a supported format.

    Bounded work: a document of more than ``MAX_IMPORT_LINES`` lines (a report has a few
    hundred) is read only that far, with an ``import.limit`` finding.
    """
    if len(lines) <= MAX_IMPORT_LINES:
        return _build_report(lines, source=source, title_hints=title_hints, wrapped=wrapped)
    name = display_name(source)
    limit = f"{name}超过 {MAX_IMPORT_LINES:,} 行"
    try:
        result = _build_report(lines[:MAX_IMPORT_LINES], source=source, title_hints=title_hints, wrapped=wrapped)
    except ImportFailed as exc:
        raise ImportFailed(f"{limit}，不像一份年度报告，已停止读取") from exc
    result.findings.append(limit_finding(f"{limit}，只读取了前 {MAX_IMPORT_LINES:,} 行；请核对导入的内容是否完整",
                                         len(result.findings)))
    return result


def _build_report(lines: list[Line], *, source: str, title_hints: Sequence[str], wrapped: bool) -> ImportResult:
    name = display_name(source)
    checkpoint("正在识别报告的各部分……")
    if not any(line.filled for line in lines):
        raise ImportFailed(f"{name}是空的，没有可导入的内容")
    scan = squash("".join(line.text for line in lines)[:MAX_SCAN_CHARS])

    base = newest_template()  # the six sections are the same in every format: enough to find the title
    lines = unbreak(lines, base)  # text that lost its line breaks gets them back
    headings = find_headings(lines, base)
    first_heading = min((h.line for h in headings.values()), default=len(lines))
    preamble = lines[:first_heading] if headings else lines[:40]
    title = find_title(list(title_hints), preamble)
    if title is not None:
        _blank_running_headers(lines, first_heading, title)

    # The report's year is the year its figures cover (统计期限); the title may be wrong.
    stated = period_year(scan)
    year = stated or (title.year if title else None)
    guessed = year is None  # from the first lines of 一 or the file name: too weak to judge the format by
    opening = base.sections[0].key  # 一: a report opens with its overview
    if year is None and opening in headings:
        start = headings[opening].line
        year = first_year(headings[opening].rest + " ".join(ln.text for ln in lines[start + 1:start + 4]))
    if year is None and source:
        m = re.search(r"(?<!\d)(20\d{2})(?!\d)", PurePath(source).name)
        year = int(m.group(1)) if m else None

    # The format is the one the tables are printed in; a year outside it is a finding.
    template, _ = choose_template(document_core(scan), year)
    wrong_format = year is not None and not template.covers_year(year)
    if template is not base:
        headings = find_headings(lines, template)
    report = Report.blank(template, agency=title.agency if title else "", year=year)
    report.meta.title = title.text if title else None
    found = _Findings(template)

    if title and title.year and stated and title.year != stated:
        found.add("meta.year", "warning", None,
                  f"标题“{title.text}”写的是 {title.year} 年，但报告的统计期限是 {stated} 年；已按 {stated} 年导入，"
                  "请核对标题或统计期限", expected=stated, actual=title.year, place="meta")
    if year is None:
        found.add("meta.year", "warning", None, "没有从标题或正文中找到报告年度，请在“报告信息”中填写年度",
                  place="meta")
    if wrong_format and guessed:
        found.add("meta.year", "warning", None,
                  f"没有找到标题或统计期限，按正文推断报告年度为 {year} 年，"
                  f"但表格是{template.label}（适用于{template.years}）；请核对年度",
                  expected=None, actual=year, place="meta")
    elif wrong_format:
        expected = template_for_year(year) if year is not None else None
        should = f"，{year} 年的报告应使用{expected.label}" if expected is not None else ""
        found.add("format.version", "error", None,
                  f"报告年度为 {year} 年，但表格是{template.label}（适用于{template.years}）{should}；"
                  f"已按表格的格式导入，请核对年度", expected=expected.id if expected else None,
                  actual=template.id, place="meta")

    spans = regions(headings, template, len(lines))
    evidence = sum(1 for h in headings.values() if h.meaning >= 2.0)
    last = max(headings.values(), key=lambda h: h.line) if headings else None
    margin = wrap_margin(lines) if wrapped else None
    before = paragraphs(prose_lines(preamble), margin)  # between the title and 一
    for section in template.sections:
        checkpoint(f"正在读取“{section.title}”……")
        heading = headings.get(section.key)
        if heading is not None:
            _check_heading(found, heading)
        span = spans.get(section.key)
        if section.is_table:
            read = (read_table(section, lines[span[0]:span[1]], template, has_heading=heading is not None,
                               at_end=span[1] >= len(lines))
                    if span else TableRead())
            evidence += _table_evidence(section, read)
            pictured = span is not None and any(line.image for line in lines[span[0]:span[1]])
            _apply_table(report, found, section, read, heading, pictured=pictured)
        else:
            body = lines[span[0]:span[1]] if heading is not None and span else None
            _apply_text(report, found, section, body, heading, before,
                        last=heading is not None and heading is last, margin=margin)
    if evidence < 2 and title is not None and not headings:
        raise ImportFailed(
            f"{name}有年度报告的标题“{title.text}”，但没有年报的正文和表格：正文可能是附件（PDF、Word）或图片。"
            "请打开附件，全选复制文字另存为 .txt（或另存网页）后再导入"
        )
    if evidence < 2:
        first_titles = "".join(f"“{s.title}”" for s in template.sections[:2])
        raise ImportFailed(
            f"{name}不像政府信息公开工作年度报告：没有找到{first_titles}等部分，"
            "也没有找到这些表格。请确认打开的是年度报告的网页或文字"
        )
    if report.meta.agency and report.meta.level is None:
        report.meta.level = level_from_name(report.meta.agency)  # 淮安市人民政府: a 设区的市; a 局: left alone
    return ImportResult(report, found.items)


def _blank_running_headers(lines: list[Line], start: int, title: Title) -> None:
    """A PDF repeats the title (or the agency's name) at the top of every page; inside the
    sections it is furniture. The agency's name once, at the end, is the 落款 and stays. The
    lines are blanked, not removed, so that the headings keep their line numbers."""
    printed, agency = squash(title.text), squash(title.agency)
    named = [i for i in range(start, len(lines)) if agency and squash(lines[i].text) == agency]
    for i in range(start, len(lines)):
        if lines[i].filled and squash(lines[i].text) == printed:
            lines[i] = Line([])
    for i in named[:-1]:
        lines[i] = Line([])


def _table_evidence(section: SectionSpec, read: TableRead) -> int:
    if not any(b.row_labels for b in section.blocks):
        filled = sum(1 for t in read.values.values() if t is not None and t.kind == "value")
        return int(filled == len(section.cells))
    return int(read.rows_found >= 2)


def _check_heading(found: _Findings, heading: Heading) -> None:
    section = heading.section
    printed, official = enumerated(heading.text), enumerated(section.title)
    if printed.core == official.core and printed.number in (None, official.number):
        return
    found.add("sections.heading", "info", section.key,
              f"第{section.number}部分的标题为“{heading.text}”，与规定的“{section.title}”不同；已按“{section.title}”导入",
              expected=section.title, actual=heading.text, place=section.key)


def _store_values(report: Report, found: _Findings, section: SectionSpec, read: TableRead) -> None:
    """Each placed cell read as a value; a dropped unit, remark or blank mark, or text that is
    no number, is said in a finding."""
    key = section.key
    for (row, col), tok in read.values.items():
        ref = CellRef(key, row, col)
        spec = section.cell(row, col)
        if tok is None or spec is None or tok.kind == "empty":
            continue
        r = read_value(tok.text, spec.number)
        unit = read.units.get(col)
        bare = r.value is not None and not r.error and not r.dropped and (
            not r.value.unit if isinstance(r.value, Quantity) else unit != spec.number.unit)
        if unit and bare:  # the printed heading names the unit (采购总金额（万元）): a bare figure is in it
            r = read_value(tok.text + unit, spec.number)
            if not r.error:
                found.add("value.unit_text", "info", key,
                          f"{found.where(ref)}写作“{tok.text.strip()}”，栏目标题注明单位为{unit}，已按 {format_value(r.value)} 导入",
                          cells=(ref,), expected=r.value, actual=tok.text.strip())
            else:
                r = CellReading(None, tok.text.strip(), error=f"栏目标题注明单位为{unit}：{r.error}")
        report.values[ref] = r.value
        if r.error:
            found.add("import.unreadable", "warning", key,
                      f"{found.where(ref)}写作“{r.text}”，无法读取（{r.error}）；已留空，请按原报告填写",
                      cells=(ref,), actual=r.text)
        elif r.dropped and r.value is None:
            found.add("value.unit_text", "info", key, f"{found.where(ref)}写作“{r.text}”，按未填写导入",
                      cells=(ref,), actual=r.text)
        elif r.dropped:
            found.add("value.unit_text", "info", key,
                      f"{found.where(ref)}写作“{r.text}”，已读取数字 {format_value(r.value)}，略去“{r.dropped}”",
                      cells=(ref,), expected=r.value, actual=r.text)


def _apply_table(report: Report, found: _Findings, section: SectionSpec, read: TableRead,
                 heading: Heading | None, *, pictured: bool = False) -> None:
    """Store what was read from a table, with a finding for each cell or row it could not place."""
    t = report.template
    key = section.key
    _store_values(report, found, section, read)
    all_refs = [CellRef(key, c.row, c.column) for c in section.cells]
    if read.in_printed_order:
        found.add("import.order", "info", key,
                  f"{section.number}、表中的行标题没有印在各自的数字旁（PDF 转成文字时常见），已按表格的行序读取全部 "
                  f"{len(all_refs)} 个数字，各行各列的合计均已核对；请对照原报告抽查", place=f"{key}.order")
    if read.scrambled:
        refs = [ref for ref in all_refs if ref.row in read.scrambled]
        rows = "、".join(f"“{_row_text(t, key, r)}”" for r in read.scrambled if len(section.row_keys) > 1)
        found.add("import.scrambled", "warning", key,
                  f"{section.number}、{rows or '表中'}的数字与栏目标题混排（PDF 转成文字时次序已乱），无法确定每个数字属于哪一栏，"
                  f"这 {len(refs)} 个单元格未导入，请按原报告填写", cells=refs, place=f"{key}.scrambled")
    for row, got in read.undecided.items():
        refs = [ref for ref in all_refs if ref.row == row]
        texts = "、".join(x.text for x in got[:len(refs) + 2]) + ("……" if len(got) > len(refs) + 2 else "")
        found.add("import.extra", "warning", key,
                  f"{section.number}、“{_row_text(t, key, row)}”后面印了 {len(got)} 个数（{texts}），多于该行的 "
                  f"{len(refs)} 栏，且不止一种取法都符合该行的合计，无法确定哪些属于该行；这些单元格未导入，请按原报告填写",
                  cells=refs, actual=texts, place=f"{key}.{row}")
    for row, got in read.gaps.items():
        refs = [ref for ref in all_refs if ref.row == row and (row, ref.column) not in read.values]
        texts = "、".join(x.text for x in got)
        where = f"“{_row_text(t, key, row)}”" if len(section.row_keys) > 1 else "表中"
        labels = "、".join(f"“{found.locator.column_text(r)}”" for r in refs)
        found.add("import.missing", "warning", key,
                  f"{section.number}、{where}{labels}这 {len(refs)} 栏只印了 {len(got)} 个数（{texts or '无'}），"
                  "无法确定空着的是哪一栏；这些单元格未导入，请按原报告填写", cells=refs, actual=texts,
                  place=f"{key}.{row}")
    for row, got in read.unplaced.items():
        refs = [ref for ref in all_refs if ref.row == row]
        texts = "、".join(x.text for x in got)
        found.add("import.missing", "warning", key,
                  f"{section.number}、“{_row_text(t, key, row)}”一行印了 {len(got)} 个数（{texts or '无'}）和空着的单元格，"
                  f"与该行的 {len(refs)} 栏对不上，无法确定每个数属于哪一栏；这些单元格未导入，请按原报告填写",
                  cells=refs, actual=texts, place=f"{key}.{row}")
    if read.rows_found == 0 and not read.scrambled:
        if pictured:
            message = f"“{section.title}”的表格在原网页中是图片，无法读取其中的数字"
        else:
            message = f"没有找到“{section.title}”的{'标题和表格' if heading is None else '表格中的数字'}"
        found.add("import.missing", "warning", key,
                  f"{message}；其 {len(all_refs)} 个单元格均留空，请按原报告填写", cells=all_refs, place=key)
    else:
        if read.missing_rows:
            rows = "、".join(f"“{_row_text(t, key, r)}”" for r in read.missing_rows)
            refs = [ref for ref in all_refs if ref.row in read.missing_rows]
            found.add("import.missing", "warning", key,
                      f"{section.number}、没有找到 {len(read.missing_rows)} 行：{rows}；这些单元格留空，请按原报告填写",
                      cells=refs, place=key)
        for row, count in read.short_rows.items():
            refs = [ref for ref in all_refs if ref.row == row and (row, ref.column) not in read.values]
            labels = "、".join(f"“{found.locator.column_text(r)}”" for r in refs)
            read_text = f"只读到 {count} 个数" if count else "没有读到数字"
            found.add("import.missing", "warning", key,
                      f"{section.number}、“{_row_text(t, key, row)}”{read_text}，{labels}留空，请按原报告填写",
                      cells=refs, place=f"{key}.{row}")
    for row, printed in read.renamed.items():
        found.add("import.label", "info", key,
                  f"{section.number}、行标题印作“{printed}”，按其位置（前后两行之间）和字面认作“{_row_text(t, key, row)}”；"
                  "请对照原报告核对", cells=[ref for ref in all_refs if ref.row == row], actual=printed,
                  place=f"{key}.{row}.label")
    for row, printed in read.split.items():
        refs = [ref for ref in all_refs if ref.row == row]
        where = f"“{_row_text(t, key, row)}”" if len(section.row_keys) > 1 else "表中"
        found.add("import.split", "info", key,
                  f"{section.number}、{where}的数字印在一起（{printed}），按表中各行各列的合计和数字的写法只有一种拆分，已据此拆分；"
                  "请对照原报告核对", cells=refs, actual=printed, place=f"{key}.{row}.split")
    for row, (printed, cands, reason) in read.ambiguous.items():
        refs = [ref for ref in all_refs if ref.row == row]
        where = f"“{_row_text(t, key, row)}”" if len(section.row_keys) > 1 else "表中"
        if reason == "blank":
            why = "与之相关的合计中有空着的单元格，无法核对拆分"
        elif reason == "unchecked":
            shown = "；".join(" ".join(map(str, c)) for c in (cands or [])[:5])
            why = (f"表中没有合计可以核对拆分{f'（{shown}）' if shown else ''}，也可能是印了较少的数、其余栏空着")
        elif cands is None:
            why = "可能的拆分过多"
        elif cands:
            shown = "；".join(" ".join(map(str, c)) for c in cands[:5]) + ("……" if len(cands) > 5 else "")
            why = f"有 {len(cands)} 种拆分都符合表中的合计（{shown}）"
        else:
            why = "没有一种拆分能使表中各项合计成立"
        found.add("import.ambiguous", "warning", key,
                  f"{section.number}、{where}的数字印在一起（{printed}），{why}，无法确定每一栏的数；"
                  "这些单元格未导入，请按原报告填写", cells=refs, actual=printed, place=f"{key}.{row}.ambiguous")
    for row, extra in read.extra.items():
        refs = [ref for ref in all_refs if ref.row == row]
        texts = "、".join(x.text for x in extra[:5])
        found.add("import.extra", "warning", key,
                  f"{section.number}、“{_row_text(t, key, row)}”后面多出 {len(extra)} 个数（{texts}），没有导入，请核对该行",
                  cells=refs, actual=texts, place=f"{key}.{row}")
    for group, (row, printed) in read.old_style.items():
        group_rows = [r for r in section.row_keys if any(c.row == r and group in c.row_path for c in section.cells)]
        refs = [ref for ref in all_refs if ref.row in group_rows]
        others = "、".join(f"“{_row_text(t, key, r)}”" for r in group_rows if r != row)
        found.add("format.version", "warning", key,
                  f"{section.number}、“{group}”按旧格式只印了一行，其数字已填入“{printed}”；{others}留空，"
                  f"请按{t.first_year}年版格式拆分填写", cells=refs, place=f"{key}.{row}")
    for summed_row, parts in read.summed.items():
        label = _row_text(t, key, summed_row)
        found.add("format.version", "warning", key,
                  f"{section.number}、“{label}”按新格式分 {len(parts)} 行印出（{'；'.join(parts)}），{t.label}中只有"
                  f"“{label}”一行；已把各行之和填入该行，请核对", cells=[r for r in all_refs if r.row == summed_row],
                  actual="；".join(parts), place=f"{key}.{summed_row}.parts")
    if read.notes:
        if section.has_note:
            report.notes[key] = "\n".join(read.notes)
        else:
            found.add("import.dropped", "info", key,
                      f"“{section.title}”表下的注“{read.notes[0][:40]}”没有对应的位置，未导入", place=f"{key}.note")
    for i, unknown in enumerate(read.unknown):
        line = _unknown_row_text(unknown)
        figures = "、".join(x or "空" for x in unknown.figures)
        if section.has_note:  # kept where the user sees it, never in a cell it does not belong to
            report.notes[key] = "\n".join(x for x in (report.notes.get(key, ""), line) if x)
            found.add("import.unknown_row", "info", key,
                      f"{section.number}、表中另有一行“{unknown.label}”（{figures}），{t.label}没有这一行；已作为表下注保存"
                      "（未计入任何单元格），请核对", actual=line, place=f"{key}.unknown.{i}")
        else:
            found.add("import.unknown_row", "warning", key,
                      f"{section.number}、表中另有一行“{unknown.label}”（{figures}），{t.label}没有这一行，未导入；请核对原报告",
                      actual=line, place=f"{key}.unknown.{i}")


def _unknown_row_text(row: UnknownRow) -> str:
    """A row the format lacks, as a line of the table's note: 其他主动公开文件：本年新制作数量 126，…"""
    if len(row.figures) == len(row.columns):
        return f"{row.label}：" + "，".join(f"{c} {x or '空'}" for c, x in zip(row.columns, row.figures, strict=True))
    return f"{row.label}：" + "、".join(x or "空" for x in row.figures)


def _apply_text(report: Report, found: _Findings, section: SectionSpec, body: list[Line] | None,
                heading: Heading | None, before: list[str], *, last: bool, margin: float | None) -> None:
    key = section.key
    if heading is None or body is None:
        opening = section is report.template.sections[0]
        if opening:  # no 一 heading: the prose before 二 is the overview, after the 导语
            text = [p for p in before if parse_title(p) is None and len(p) > 16]
            preface = leading_intro(text)
            if preface:
                report.texts[PREFACE] = "\n".join(preface)
            text = text[len(preface):]
            if text:
                report.texts[key] = "\n".join(text)
                found.add("sections.heading", "info", key,
                          f"没有找到“{section.title}”的标题；已把其前面的文字作为“{section.title}”导入，请核对",
                          expected=section.title, place=key)
                return
        found.add("import.missing", "warning", key, f"没有找到“{section.title}”部分；该部分留空，请按原报告填写",
                  place=key)
        return
    texts = ([heading.rest] if heading.rest else []) + prose_lines(body)
    if last:
        texts, signature = strip_footer(texts, report.meta.agency)
        if signature.date:
            report.meta.date = signature.date
        if signature.agency and not report.meta.agency:
            report.meta.agency = signature.agency
    report.texts[key] = "\n".join(paragraphs(texts, margin))
    intro = intro_paragraphs(before) if section is report.template.sections[0] else []
    if intro:  # the 导语 printed between the title and 一 (本报告根据《条例》…编制)
        report.texts[PREFACE] = "\n".join(intro)
