"""What the text and HTML importers share: the document as lines of cells, normalisation for
matching published wording against the template, and reading one cell's text into a value.

A published report reaches us flattened in many ways (one cell per line, ``|``-separated rows,
markdown pipes, saved web pages). Both importers reduce it to :class:`Line`\\ s: a prose line is
one cell; a table row is several cells (``row=True``). Everything after that is shared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import PurePath

from models import normalise
from models.normalise import nfkc, without_markdown
from models.numbers import BLANK_MARKS, CELL_UNITS, CellParseError, NumberSpec
from models.values import Value

# Reports print at most a few million per cell; a longer digit run is garbage, and Python
# refuses to convert huge digit strings anyway.
MAX_DIGITS = 15

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

_WS = re.compile(r"\s+")
_NON_WORD = re.compile(r"[\W_]+")
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕")
_DASHES = re.compile(r"^[-—–―─－/\\／~～]+$")

# A section-level or item enumerator at the start of a label: 一、 （一） 1. 1、 (1) 第一部分
_ENUM = re.compile(
    r"^\s*(?:"
    r"(?P<cn>[一二三四五六七八九十]{1,3})\s*[、.,:;．]"
    r"|(?P<cnsp>[一二三四五六七八九十]{1,3})\s+(?=\S)"
    r"|\(\s*(?P<pcn>[一二三四五六七八九十]{1,3})\s*\)"
    r"|\(\s*(?P<pnum>\d{1,2})\s*\)"
    r"|(?P<num>\d{1,2})\s*(?:[.、,)]|(?=[^\d.,\s]))"
    r"|第(?P<part>[一二三四五六七八九十]{1,3})(?:部分|章|节)\s*[、.,:]?"
    r")\s*"
)

UNITS = CELL_UNITS
_NUM = r"\d[\d,]*(?:\.\d+)?"


@cache
def _value_pattern() -> re.Pattern[str]:
    """A figure, its unit, a remark in brackets, after a sign or a sign word of any shipped
    template's number kinds (2019's 本年增/减 prints ``减4``, ``-18``)."""
    from models.template import shipped_templates

    words = {w for t in shipped_templates() for kind in t.number_kinds.values() for w, _ in kind.sign_words}
    signs = "".join(f"{re.escape(w)}|" for w in sorted(words, key=len, reverse=True))
    return re.compile(
        rf"^(?P<sign>{signs}[-+])?(?P<num>{_NUM})(?P<unit>{'|'.join(UNITS)})?(?P<note>\(.*\)|\[.*\]|【.*】)?$"
    )
_DIGIT = re.compile(r"\d")
_LOOKALIKE = re.compile(r"^[OoIl〇○◯]{1,6}$")
CJK = re.compile(r"[\u4e00-\u9fff]")


def display_name(source: str, fallback: str = "该文件") -> str:
    """How messages name the document: its file name in quotes, or ``fallback`` without one."""
    return f"“{PurePath(source).name}”" if source else fallback


def squash(text: str) -> str:
    """Printed text as labels are compared (the one normaliser, :func:`models.normalise.squash`:
    NFKC, no whitespace), markdown emphasis dropped too."""
    return normalise.squash(text, markdown=True)


def cn_number(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20 (small numerals only: enumerators, months, days)."""
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if "十" in text:
        head, _, tail = text.partition("十")
        tens = CN_DIGITS.get(head) if head else 1
        ones = CN_DIGITS.get(tail) if tail else 0
        return None if tens is None or ones is None else tens * 10 + ones
    if len(text) == 1:
        return CN_DIGITS.get(text)
    return None


@dataclass(frozen=True, slots=True)
class Enumerated:
    """A label split into its enumerator and the rest, ready for matching."""

    level: str | None  # 'section' (一、), 'paren' (（一）/(1)), 'item' (1.) or None
    number: int | None
    rest: str  # NFKC, whitespace removed, enumerator removed
    core: str  # rest without punctuation: what two wordings are compared by
    bare: str  # core without bracketed remarks: （二）部分公开（区分处理的…） → 部分公开


@lru_cache(maxsize=8192)  # bounded: the GUI may import many documents in one session
def enumerated(text: str) -> Enumerated:
    s = without_markdown(text).strip()
    level: str | None = None
    number: int | None = None
    m = _ENUM.match(s)
    if m:
        g = m.groupdict()
        if g["cn"] or g["cnsp"] or g["part"]:
            level, number = "section", cn_number(g["cn"] or g["cnsp"] or g["part"])
        elif g["pcn"] or g["pnum"]:
            level, number = "paren", cn_number(g["pcn"] or g["pnum"])
        else:
            level, number = "item", int(g["num"])
        s = s[m.end():]
    rest = _WS.sub("", s)
    core = _NON_WORD.sub("", rest)
    bare = _NON_WORD.sub("", _BRACKETED.sub("", rest)) or core
    return Enumerated(level, number, rest, core, bare)


@lru_cache(maxsize=8192)
def bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def label_score(token: Enumerated, label: Enumerated, label_bigrams: frozenset[str]) -> float:
    """How well a printed label matches a template label: 0 (no) … 3 (same words).

    Tolerates different enumerators (1、 for 1.), brackets, spaces inside words, a shortened
    remark and small OCR slips; a different item number makes a weak match no match.
    """
    tc, lc = token.core, label.core
    if not tc or not lc:
        return 0.0
    if tc == lc:
        score = 3.0
    elif token.bare == label.bare and len(label.bare) >= 2:
        score = 2.6
    else:
        short, long_ = (tc, lc) if len(tc) <= len(lc) else (lc, tc)
        numbered = token.number is not None and token.number == label.number
        if len(short) >= 4 and short in long_ and len(short) / len(long_) >= 0.6:
            score = 2.2
        elif lc.startswith(tc) and len(tc) >= (4 if numbered else 6):
            score = 2.0  # the first line of a label the PDF wrapped over several lines
        elif len(short) >= 4:
            d = dice(bigrams(tc), label_bigrams) if abs(len(tc) - len(lc)) <= len(long_) // 2 else 0.0
            score = 1.0 + d if d >= 0.75 else 0.0
        else:
            score = 0.0
    if score and token.number is not None and label.number is not None and token.number != label.number:
        score -= 1.0
    return score if score >= 1.5 else 0.0


def best_increasing(n_items: int, scores: list[list[float]]) -> list[tuple[int, int]]:
    """Assign items (in order) to candidates (in order) maximising the total score.

    ``scores[c][i]`` is candidate c's score for item i. A longest-common-subsequence DP: the
    assignment keeps both orders, which is what stops a sub-heading of 一 from being taken for
    a later section when that section's own heading exists.
    """
    n_c = len(scores)
    dp = [[0.0] * (n_c + 1) for _ in range(n_items + 1)]
    for i in range(1, n_items + 1):
        row, prev = dp[i], dp[i - 1]
        for c in range(1, n_c + 1):
            best = prev[c] if prev[c] >= row[c - 1] else row[c - 1]
            s = scores[c - 1][i - 1]
            if s > 0 and prev[c - 1] + s > best:
                best = prev[c - 1] + s
            row[c] = best
    out: list[tuple[int, int]] = []
    i, c = n_items, n_c
    while i > 0 and c > 0:
        s = scores[c - 1][i - 1]
        if s > 0 and abs(dp[i][c] - (dp[i - 1][c - 1] + s)) < 1e-9:
            out.append((i - 1, c - 1))
            i, c = i - 1, c - 1
        elif dp[i][c] == dp[i - 1][c]:
            i -= 1
        else:
            c -= 1
    return out[::-1]


# ---------------------------------------------------------------------- lines and cells


@dataclass(slots=True)
class Line:
    """One line of the flattened document: a prose line (one cell) or a table row."""

    cells: list[str]
    row: bool = False  # the cells are positional table cells (``|`` row, ``<tr>``)
    raw: str = ""  # the line as printed, for a row that turns out to be prose (a ``|`` in a sentence)
    image: bool = False  # an image stood here (a table published as a picture): no text, but worth saying
    lost_breaks: bool = False  # cut out of text that lost its line breaks: its figures may have run together

    @property
    def text(self) -> str:
        return " ".join(c for c in self.cells if c)

    @property
    def filled(self) -> list[str]:
        return [c for c in self.cells if c.strip()]


def run_on(pieces: list[str]) -> str:
    """Pieces of one text that a layout broke apart (lines of a cell, paragraphs of a Word cell,
    lines of a PDF paragraph) joined again: Chinese runs on without a space (``商业企`` / ``业``),
    a space only between two Latin letters or digits."""
    out = ""
    for piece in pieces:
        p = piece.strip()
        if not p:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and p[0].isascii() and p[0].isalnum():
            out += " "
        out += p
    return out


def is_prose(text: str) -> bool:
    """A sentence rather than a label or a number (never split into cells or read as a value)."""
    s = squash(text)
    return "。" in s or len(s) > 60


def is_value_text(text: str) -> bool:
    """Text that stands in a number cell: 62, 68.64万元, 22（其中修订16件）, /, —."""
    s = squash(text)
    if not s:
        return False
    return bool(_value_pattern().match(s)) or s in BLANK_MARKS or bool(_DASHES.match(s))


def looks_like_bad_value(text: str) -> bool:
    """Short text with a digit that is no label: a number cell we cannot read (约20, 1O),
    as opposed to a numbered label (3.其他, 2.重复申请)."""
    s = squash(text)
    if _LOOKALIKE.match(s):  # OCR's O for 0, l for 1, 〇: a number misread, not a label
        return True
    if not s or len(s) > 10 or not _DIGIT.search(s) or is_value_text(s):
        return False
    e = enumerated(s)
    if e.level is not None and not e.core:  # an enumerator alone (1.) whose words wrapped away
        return False
    return not (e.level is not None and len(CJK.findall(e.core)) >= 2)


def split_cell(text: str) -> list[str]:
    """Split one cell of flattened text into the cells it really holds.

    ``规章 1 0 11`` → 规章, 1, 0, 11 and ``三、本年度办理结果   （一）予以公开   1288`` → two labels and
    a number; words split by a single space (``商业 企业``, ``结 果维持``) stay one label, and a
    remark in brackets stays with its number (``55（含自然失效 29 件）``).
    """
    if is_prose(text):
        return [text.strip()]
    out: list[str] = []
    label: list[str] = []
    for part, wide_gap in _split_outside_brackets(nfkc(text)):
        if label and (wide_gap or enumerated(part).level is not None):
            # two or more spaces separate cells; so does a numbered label (（一）予以公开, 1.属于…)
            out.append("".join(label))
            label = []
        if out and not label and _attaches(out[-1], part):
            out[-1] = out[-1] + part
            continue
        if is_value_text(part):
            if label:
                out.append("".join(label))
                label = []
            out.append(part)
        else:
            label.append(part)
    if label:
        out.append("".join(label))
    return out or [""]


def _attaches(previous: str, part: str) -> bool:
    """``68.64`` + ``万元`` or ``22`` + ``（其中修订16件）`` belong together."""
    prev, p = squash(previous), squash(part)
    if not _value_pattern().match(prev):
        return False
    if enumerated(p).level is not None and enumerated(p).core:
        return False  # （二）部分公开（…）: the next row's label, run on after a figure, is no remark
    return (p in UNITS or p.startswith(("(", "[", "【"))) and bool(_value_pattern().match(prev + p))


def _split_outside_brackets(text: str) -> list[tuple[str, bool]]:
    """Whitespace split that keeps bracketed remarks (which contain spaces) whole.

    Returns ``(part, wide_gap_before)``: whether two or more spaces (or a tab) preceded it.
    """
    parts: list[tuple[str, bool]] = []
    buf: list[str] = []
    depth = 0
    gap = 0
    wide = False
    for ch in text:
        if ch.isspace() and not depth:
            if buf:
                parts.append(("".join(buf), wide))
                buf = []
            gap += 2 if ch == "\t" else 1
            continue
        if ch in "([【〔":
            depth += 1
        elif ch in ")]】〕" and depth:
            depth -= 1
        if not buf:
            wide, gap = gap >= 2, 0
        buf.append(ch)
    if buf:
        parts.append(("".join(buf), wide))
    return parts


# ---------------------------------------------------------------------- reading a value


@dataclass(frozen=True, slots=True)
class CellReading:
    """A cell's text read as a value, with what was dropped or wrong (for a finding)."""

    value: Value
    text: str = ""  # the cell as printed
    dropped: str | None = None  # unit, remark or blank mark not kept (value.unit_text)
    error: str | None = None  # why the text could not be read (value left blank)


def read_value(text: str, spec: NumberSpec) -> CellReading:
    """Read published cell text: numbers, units, a remark in brackets, blank marks.

    Never guesses: unreadable text gives ``value=None`` and the reason in ``error``.
    """
    raw = " ".join(text.split())
    s = squash(raw)
    if not s:
        return CellReading(None, raw)
    if s in BLANK_MARKS or _DASHES.match(s):
        return CellReading(None, raw, dropped=raw)
    m = _value_pattern().match(s)
    if m and len(m.group("num").replace(",", "").partition(".")[0]) > MAX_DIGITS:
        return CellReading(None, raw, error=f"“{raw}”位数过多，不像统计数字")
    remark = m.group("note") if m else None
    core = s[: m.start("note")] if m and remark else s
    try:
        parsed = spec.parse(core, allow_units=True)
    except CellParseError as exc:
        return CellReading(None, raw, error=str(exc))
    dropped = "".join(x for x in (parsed.unit_text, remark) if x) or None
    if parsed.value is None:
        return CellReading(None, raw, dropped=raw)
    return CellReading(parsed.value, raw, dropped=dropped)
