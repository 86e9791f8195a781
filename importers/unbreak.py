"""Page text that lost its line breaks (archived pages, some browsers' copies): put the breaks
back where the format says they were, before anything else reads the lines.

* a section heading inside a long line (``…工作。二、主动公开政府信息情况第二十条…``), or followed
  by its text on the same line (``六、其他需要报告的事项2021年，本机关…``), or with a stray
  character inside or after it, goes on a line of its own;
* a second-level heading of the narratives (``（二）依申请公开情况。``) after a full stop starts a
  new paragraph;
* a table run together (``规章 1 0 11行政规范性文件693665第二十条第（五）项…``) is cut before each row
  label and block title of the template's tables, and its figures are set apart from the labels
  (``行政规范性文件 693665``; ``0 0 02.其他…`` → ``0 0 0`` / ``2.其他…``). Figures still run
  together are split, or not, by :mod:`importers.digits` when the table is read.

Only lines that are evidently run together are touched: a line holding a section heading after
its start, or the labels of two table rows.
"""

from __future__ import annotations

import re
from functools import cache

from importers.common import Line, nfkc, squash
from importers.layout import FOOTER_MARKERS
from models.template import ReportTemplate

MAX_LINE = 400_000  # longer lines are left alone (work bound)
SHORT_LINE = 34  # a section heading with its enumerator fits (layout.MAX_HEADING_CHARS + 4)
MIN_TABLE_CHARS = 60  # a table run together is long; a wrapped line of prose that names a column is not
_SECTION_ENUM = re.compile(r"[一二三四五六七八九十]{1,2}\s*[、.．]")
_FOOTER = re.compile("(?=" + "|".join(re.escape(m) for m in FOOTER_MARKERS if len(m) >= 3 and not m.isascii()) + ")")
_SUBHEADING = re.compile(r"(?<=[。！？；])\s*(?=[(（][一二三四五六七八九十]{1,2}[)）])")
# Figures glued to the label after them; the last digit before 1. / 2、 is that label's enumerator.
_DIGITS_THEN_LABEL = re.compile(r"(\d)(?=[\u4e00-\u9fff(（“])")
_DIGITS_THEN_ENUM = re.compile(r"(?<=\d)(?=\d[.、．]\s*[\u4e00-\u9fff])")
_LABEL_THEN_DIGITS = re.compile(r"(?<=[\u4e00-\u9fff)）”])\s*(?=\d)")
# A numbered row label (2、申请人…) after a figure and a space: a row of its own.
_ENUM_AFTER_SPACE = re.compile(r"(?<=\d)\s+(?=\d[.、．]\s*[\u4e00-\u9fff])")


@cache
def _headings(template: ReportTemplate) -> tuple[tuple[str, int], ...]:
    """(title words without enumerator, section number) of every section title and alias."""
    from importers.common import cn_number, enumerated

    out: list[tuple[str, int]] = []
    for s in template.sections:
        n = cn_number(s.number) or 0
        for text in (s.title, *s.aliases):
            words = enumerated(text).rest  # NFKC, no spaces, punctuation kept (、 of 四's title)
            if len(words) >= 4:
                out.append((words, n))
    return tuple(sorted(out, key=lambda h: len(h[0]), reverse=True))  # the longest wording first


@cache
def _table_words(template: ReportTemplate) -> tuple[str, ...]:
    """Row labels (with their enumerators), block titles/corners and longer column headings of the
    tables, NFKC: a line is cut before each. Longest first, so that 行政规范性文件 wins over a shorter label inside it."""
    from importers.tables import section_items

    words: set[str] = set()
    for section in template.table_sections:
        for item in section_items(section):
            words.add(squash(item.printed))
        for block in section.blocks:
            for w in (block.title, block.corner):
                if w:
                    words.add(squash(w))
            stack = list(block.columns)
            while stack:  # column headings: 表四 has no row labels, only these
                node = stack.pop()
                if len(squash(node.label)) >= 4:
                    words.add(squash(node.label))
                stack.extend(node.children)
    return tuple(sorted((w for w in words if len(w) >= 2), key=len, reverse=True))


def _heading_at(text: str, start: int, template: ReportTemplate) -> int | None:
    """The end of a section heading whose enumerator starts at ``start`` (a stray character
    inside it or right after it allowed), or ``None``."""
    m = _SECTION_ENUM.match(text, start)
    if not m:
        return None
    from importers.common import cn_number

    number = cn_number(re.sub(r"[\s、.．]", "", m.group()))
    after = m.end()
    for core, n in _headings(template):
        if n != number:
            continue
        window = text[after:after + len(core) + 2]
        if window.startswith(core):
            end = after + len(core)
        elif len(window) > len(core) and any(window[:i] + window[i + 1:len(core) + 1] == core
                                             for i in range(1, len(core))):
            end = after + len(core) + 1  # a stray character inside the heading
        else:
            continue
        if end < len(text) and not text[end].isalnum() and text[end] not in "（(“《" and (
                end + 1 == len(text) or text[end + 1].isalnum() or text[end + 1] in "（(“《"):
            end += 1  # a stray character (or a colon) right after it
        return end
    return None


def _normal(text: str) -> str:
    """NFKC for matching (（ → (), position for position; the text itself is cut, not changed."""
    norm = nfkc(text)
    return norm if len(norm) == len(text) else text


def _split_headings(text: str, template: ReportTemplate) -> list[str]:
    """The line cut before and after every section heading it holds."""
    parts: list[str] = []
    last = 0
    norm = _normal(text)
    for m in _SECTION_ENUM.finditer(norm):
        if m.start() < last:
            continue
        end = _heading_at(norm, m.start(), template)
        if end is None:
            continue
        if m.start() > last:
            parts.append(text[last:m.start()])
        heading = text[m.start():end]
        parts.append(heading.rstrip(":：·•,，;；") if len(heading) > 2 else heading)
        last = end
    parts.append(text[last:])
    return [p.strip() for p in parts if p.strip()]


def _split_table(text: str, template: ReportTemplate) -> list[str]:
    """A run-together table cut into rows: before each label and block title, figures apart."""
    words = _table_words(template)
    norm = _normal(text)
    cuts: set[int] = set()
    taken = [False] * len(text)
    for w in words:
        start = 0
        while (i := norm.find(w, start)) >= 0:
            start = i + 1
            if any(taken[i:i + len(w)]):
                continue
            for k in range(i, i + len(w)):
                taken[k] = True
            cuts.add(i)
    out: list[str] = []
    last = 0
    for i in sorted(cuts) + [len(text)]:
        if i > last:
            out.append(text[last:i])
        last = i
    lines: list[str] = []
    for part in out:
        part = _DIGITS_THEN_ENUM.sub("\n", part)
        part = _ENUM_AFTER_SPACE.sub("\n", part)
        part = _DIGITS_THEN_LABEL.sub(r"\1\n", part)
        part = _LABEL_THEN_DIGITS.sub("\n", part)  # the figures on a line of their own, as one cell per line
        lines.extend(x.strip() for x in part.split("\n") if x.strip())
    return lines


def _is_run_on_table(text: str, template: ReportTemplate) -> bool:
    """Table labels and figures make up most of the text (a narrative mentions a label or two
    among its sentences)."""
    norm = re.sub(r"\s", "", _normal(text))  # 结果 纠正: words with a space inside count too
    words = [w for w in _table_words(template) if len(w) >= 4 and w in norm]
    if len(words) < 3 or len(norm) < MIN_TABLE_CHARS:
        return False
    covered = sum(norm.count(w) * len(w) for w in words) + len(re.findall(r"\d", norm))
    return covered >= 0.5 * len(norm)


def unbreak(lines: list[Line], template: ReportTemplate) -> list[Line]:
    """The lines with the breaks a run-together text lost put back (see the module's doc)."""
    out: list[Line] = []
    for line in lines:
        if line.row or len(line.cells) != 1 or len(line.cells[0]) > MAX_LINE:
            out.append(line)
            continue
        text = line.cells[0].strip()
        if len(squash(text)) <= SHORT_LINE:  # a heading line as printed: the layout reads it as it is
            out.append(line)
            continue
        parts = _split_headings(text, template)
        touched = len(parts) > 1 or (parts and parts[0] != text)
        if touched:  # a page's footer run on after the last section: its own line, for the layout to cut
            parts = [x for part in parts for x in _FOOTER.split(part) if x.strip()]
        for part in parts:
            if _heading_at(_normal(part), 0, template) == len(part):
                out.append(Line([part]))
            elif _is_run_on_table(part, template):
                out.extend(Line([x], lost_breaks=True) for x in _split_table(part, template))
            elif touched or len(part) > 200:
                out.extend(Line([x]) for x in _SUBHEADING.split(part) if x.strip())
            else:
                out.append(line)
    return out
