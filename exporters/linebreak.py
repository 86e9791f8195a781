"""Chinese line breaking for print: where a line may end, given each character's width.

Chinese text may break between any two characters except where 避头尾 forbids it: no closing
punctuation at the start of a line, no opening one at its end, ``——`` and ``……`` kept together,
numbers and Latin words kept whole. Short labels in table headers are different: a reader sees
商业企/业 as a broken word. For them the caller passes the offsets *glued* to the character
before them (inside a word, see :func:`glued_offsets`), and the line breaks only between words,
unless one word alone is wider than the line.

Pure functions over character widths (any unit), so the PDF (points) and the Excel workbook
(column units) break the same way.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from models.grid import GridCell
from models.template import ReportTemplate

#: May not start a line: closing brackets and quotes, stops, commas, and the like.
CANNOT_START = frozenset("，。、；：？！）》」』】〕〉”’…·%‰℃°,.;:?!)]}>%、．")
#: May not end a line: opening brackets and quotes.
CANNOT_END = frozenset("（《「『【〔〈“‘([{<")
_UNBREAKABLE_PAIRS = frozenset("—…")  # ——, …… are one mark

Line = tuple[int, int, bool]  # (start, end, hard): hard for a paragraph's last line or one ended by \n


def is_word_char(ch: str) -> bool:
    """Part of a number or Latin word that must not be broken (2024, 0517-83605210, x@163.com)."""
    return ch.isascii() and (ch.isalnum() or ch in "._-@/+:%")


def glued_offsets(words: Sequence[str]) -> frozenset[int]:
    """The offsets inside the words of a label split into ``words`` (``["社会", "公益", "组织"]``
    gives {1, 3, 5}): a line must not break before these characters."""
    glued: set[int] = set()
    at = 0
    for word in words:
        glued.update(range(at + 1, at + len(word)))
        at += len(word)
    return frozenset(glued)


def whole(text: str) -> frozenset[int]:
    """Glue for a label kept in one piece except around its brackets and stops
    (本年收费金额｜（单位：｜万元）)."""
    return frozenset(range(1, len(text))) - _punct_breaks(text)


def _punct_breaks(text: str) -> frozenset[int]:
    """Offsets next to an opening bracket or after a closing mark where a line may end."""
    out = set()
    for k in range(1, len(text)):
        before, after = text[k - 1], text[k]
        opens = after in CANNOT_END and before not in CANNOT_END
        closes = before in CANNOT_START and after not in CANNOT_START
        if (opens or closes) and may_break(text, k, frozenset()):
            out.add(k)
    return frozenset(out)


def may_break(text: str, k: int, glued: Collection[int]) -> bool:
    """True when a line may end before ``text[k]``."""
    if k <= 0 or k >= len(text) or k in glued:
        return False
    before, after = text[k - 1], text[k]
    if after in CANNOT_START or before in CANNOT_END:
        return False
    if before == after and after in _UNBREAKABLE_PAIRS:
        return False
    return not (is_word_char(before) and is_word_char(after))


def break_lines(text: str, widths: Sequence[float], first_width: float, width: float,
                glued: Collection[int] = frozenset()) -> list[Line]:
    """Break ``text`` into lines: (start, end, hard) with ``hard`` for a paragraph's last line or a
    line ended by ``\\n``. Lines never overflow unless a single character or word is wider than
    the line; in lines narrower than two characters (vertical labels) 避头尾 and words are not
    applied. ``glued``: offsets that may not start a line (inside a word of a label).
    """
    lines: list[Line] = []
    n = len(text)
    start = 0
    avail = first_width
    while start < n:
        used = 0.0
        i = start
        while i < n and text[i] != "\n" and used + widths[i] <= avail + 1e-6:
            used += widths[i]
            i += 1
        if i >= n or text[i] == "\n":
            lines.append((start, i, True))
            start = i + 1
            avail = width
            continue
        k = max(i, start + 1)  # first character of the next line; at least one per line
        if avail >= 2 * max(widths[start:i + 1], default=0.0):
            k = _adjust_break(text, start, k, glued)
        end = k
        while k < n and text[k] == " ":
            k += 1  # spaces at a break vanish
        lines.append((start, end, False))
        start = k
        avail = width
    return lines


def _adjust_break(text: str, start: int, k: int, glued: Collection[int]) -> int:
    """Move the break at ``k`` back so no rule of 避头尾 or word integrity is broken."""
    k0 = k
    for _ in range(len(text)):
        before = k
        if k in glued or (is_word_char(text[k]) and is_word_char(text[k - 1])):
            j = k - 1
            while j > start and (j in glued or (is_word_char(text[j - 1]) and is_word_char(text[j]))):
                j -= 1
            if j > start:
                k = j
        if k - 1 > start and (text[k] in CANNOT_START or text[k - 1] in CANNOT_END
                              or (text[k] == text[k - 1] and text[k] in _UNBREAKABLE_PAIRS)):
            k -= 1
        if k == before:
            break
    if k != k0 and (k in glued or (is_word_char(text[k]) and is_word_char(text[k - 1]))):
        # Only cutting a word that fills the line would satisfy 避头: hang the marks instead.
        k = k0
        while k < len(text) and text[k] in CANNOT_START:
            k += 1
    return k


def widest_unit(text: str, widths: Sequence[float], glued: Collection[int]) -> float:
    """The width of the widest piece of ``text`` that no line break may cut (a word of a label,
    a number, a bracket with what it holds): the narrowest line that breaks no word."""
    best = run = 0.0
    for k, w in enumerate(widths):
        if k and (text[k - 1] == "\n" or may_break(text, k, glued)):
            run = 0.0
        if text[k] != "\n":
            run += w
            best = max(best, run)
    return best


def label_lines(text: str, widths: Sequence[float], width: float, glued: Collection[int]) -> list[str]:
    """The lines a label is printed in at ``width`` (its own line breaks kept)."""
    return [text[s:e] for s, e, _ in break_lines(text, widths, width, width, glued)]


def label_glue(template: ReportTemplate, cell: GridCell) -> frozenset[int]:
    """Where a table's label may not break: inside the words the template lists for it, and
    anywhere inside a column header it does not list (自然人 stays whole). Other labels (long
    row labels, block titles, the corner's note) break like running text."""
    words = template.label_words.get(cell.text)
    if words is not None:
        return glued_offsets(words)
    if cell.kind == "header":
        return whole(cell.text)
    return frozenset()
