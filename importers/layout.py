"""The shape of a published report: its title, its six section headings, the region of lines
each section owns, and the narrative text of a region (paragraphs re-joined, boilerplate cut).

Section titles are matched by number and meaning against the template's titles and aliases,
never by fixed wording: reports write 五、当前存在的主要问题及下步改进措施 for 五, or number the
chapters differently.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cache

from importers.common import (
    CJK,
    Enumerated,
    Line,
    best_increasing,
    bigrams,
    cn_number,
    dice,
    enumerated,
    is_prose,
    label_score,
    nfkc,
    squash,
)
from models.template import ReportTemplate, SectionSpec

MAX_HEADING_CHARS = 30  # a section heading is short; longer lines are prose

# Website furniture that follows the article on a saved or copied page (not format labels).
FOOTER_MARKERS = (
    "版权所有", "copyright", "©", "icp备", "icp证", "网站标识码", "公网安备", "主办单位", "承办单位",
    "主办:", "承办:", "技术支持", "网站地图", "联系我们", "关于我们", "扫一扫", "打印本页", "关闭窗口",
    "【打印】", "【关闭】", "分享到", "上一篇", "下一篇", "相关链接", "相关文章", "附件下载", "责任编辑",
    "浏览次数", "访问量", "浏览器", "分辨率",
)
# Words of the short introduction many reports print between the title and 一.
INTRO_WORDS = ("本报告", "本年报", "年度报告", "条例", "统计期限", "编制")

_PAGE_NUMBER = re.compile(r"^[-—–－~〜\s]*(?:第\s*)?\d{1,4}\s*页?(?:\s*/\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[-—–－~〜\s]*$")
_DATE = re.compile(r"^((?:19|20)\d{2})[年.\-/]([01]?\d)[月.\-/]([0-3]?\d)日?$")
_CN_DATE = re.compile(r"^([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日$")
_YEAR = re.compile(r"((?:19|20)\d{2})年度?")
_PERIOD = re.compile(r"((?:19|20)\d{2})年1月1日(?:起|开始)?(?:至|到|-|—|~|～)((?:19|20)\d{2})年12月31日")
_PERIOD_WORDS = re.compile(r"统计(?:期限|期间|时限|时间|区间|范围|周期)[^。]{0,8}?((?:19|20)\d{2})年")
_CJK_SPACE = re.compile(
    r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’《》])[ \t\u00a0\u3000]+"
    r"|[ \t\u00a0\u3000]+(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’《》])"
)
_TERMINAL = tuple("。！？；：!?;:")
_COLUMN_GAP = re.compile(r"\S\s{2,}\S")
_NOT_AGENCY = re.compile(r"[^\w()（）·\-]")


def tidy(text: str) -> str:
    """One paragraph as it should be stored: spaces collapsed, none left beside Chinese text
    (the PDF text layer writes ``2024 年``)."""
    s = " ".join(text.replace("\u00a0", " ").split())
    s = _CJK_SPACE.sub("", s)
    return re.sub(r"^(?:#{1,6}\s+)|\*\*", "", s).strip()


# ---------------------------------------------------------------------- headings


@dataclass(frozen=True, slots=True)
class Heading:
    section: SectionSpec
    line: int
    text: str  # as printed (tidied)
    rest: str  # text printed after the heading on the same line (first paragraph), or ""
    meaning: float  # how well the wording matched (0 when matched by number only)


@cache
def _section_words(section: SectionSpec) -> tuple[Enumerated, tuple[str, ...], frozenset[str]]:
    title = enumerated(section.title)
    aliases = tuple(dict.fromkeys(enumerated(a).core for a in section.aliases if enumerated(a).core))
    return title, aliases, bigrams(title.core)


def meaning_score(heading: Enumerated, section: SectionSpec) -> float:
    """0 … 3: how well a heading's words say the section's title (or one of its aliases)."""
    h = heading.core
    if not h:
        return 0.0
    title, aliases, title_bigrams = _section_words(section)
    if h == title.core:
        return 3.0
    if h in aliases:
        return 2.8
    if title.core in h or any(len(a) >= 2 and a in h for a in aliases):
        return 2.2
    if len(h) >= 4 and h in title.core:
        return 2.0
    d = dice(bigrams(h), title_bigrams)
    return 1.0 + d if d >= 0.5 else 0.0


@cache
def _unnumbered_titles(template: ReportTemplate) -> frozenset[str]:
    """Words that may stand as a heading without a number: a title, or a long alias."""
    out: set[str] = set()
    for s in template.sections:
        title, aliases, _ = _section_words(s)
        out.add(title.core)
        out.update(a for a in aliases if len(a) >= 6)
    return frozenset(out)


@cache
def _table_labels(template: ReportTemplate) -> tuple[tuple[Enumerated, frozenset[str]], ...]:
    from importers.tables import section_items

    return tuple((it.label, it.bigrams) for s in template.table_sections for it in section_items(s))


def _is_table_label(e: Enumerated, template: ReportTemplate) -> bool:
    return table_label_score(e, template) >= 2.5


def table_label_score(e: Enumerated, template: ReportTemplate) -> float:
    """How well the words name a row label of one of the template's tables (0 … 3)."""
    return max((label_score(e, lab, bg) for lab, bg in _table_labels(template)), default=0.0)


def _candidate(line: Line) -> tuple[str, str] | None:
    """(heading text, rest of the line) when the line could be a section heading."""
    filled = line.filled
    if len(filled) != 1:
        return None
    text = filled[0].strip()
    if len(squash(text)) <= MAX_HEADING_CHARS + 4:  # + the enumerator (（一）, 第一部分)
        return text, ""
    m = re.search(r"[。:：]", text)
    if m and len(squash(text[: m.start()])) <= MAX_HEADING_CHARS:
        return text[: m.start()], text[m.end():].strip()
    return None


def _heading_score(e: Enumerated, meaning: float, number: int | None, *, row: bool) -> float:
    """How likely a candidate line is the heading of a section numbered ``number``, given how
    well its words say that section's title (``meaning``)."""
    m = meaning
    if e.level is None:
        # Unnumbered: only the full official title (menus say 主动公开, 依申请公开).
        score = m if m >= 3.0 or (m >= 2.8 and len(e.core) >= 6) else 0.0
    elif e.level != "section":
        # （五）/ 5、 numbers sub-headings too (（二）依申请公开情况 inside 一): only a
        # section's own title or alias, word for word, is a chapter numbered that way.
        score = m - 0.5 + (0.5 if e.number == number else -0.3) if m >= 2.8 else 0.0
    elif m > 0:
        score = m + (0.5 if e.number == number else -0.3)
    else:
        score = 0.3 if e.number == number and not row else 0.0
    if score and row:
        score -= 0.5  # a table row is rarely a heading (四、结转下年度继续办理)
    return max(score, 0.0)


def find_headings(lines: list[Line], template: ReportTemplate) -> dict[str, Heading]:
    """The heading line of each section, in order; a section whose heading is absent is left out.

    Candidates are scored by meaning (+ a matching number); a number alone counts a little, so a
    section missing its words is still found between its neighbours, while a table row such as
    四、结转下年度继续办理 never passes for section 四.
    """
    sections = list(template.sections)
    cands: list[tuple[int, str, str, list[float], list[float]]] = []
    for i, line in enumerate(lines):
        c = _candidate(line)
        if c is None:
            continue
        text, rest = c
        e = enumerated(text)
        if not e.core or len(e.core) > MAX_HEADING_CHARS:
            continue
        if e.level is None and e.core not in _unnumbered_titles(template):
            continue
        scores: list[float] = []
        meanings: list[float] = []
        for s in sections:
            m = meaning_score(e, s)
            score = _heading_score(e, m, cn_number(s.number), row=line.row)
            scores.append(score)
            meanings.append(m if score > 0 else 0.0)
        if any(scores) and not (max(meanings) < 2.0 and _is_table_label(e, template)):
            cands.append((i, tidy(text), rest, scores, meanings))
    chosen = best_increasing(len(sections), [c[3] for c in cands])
    out: dict[str, Heading] = {}
    for si, ci in chosen:
        i, text, rest, _, meanings = cands[ci]
        out[sections[si].key] = Heading(sections[si], i, text, rest, meanings[si])
    return out


def regions(headings: dict[str, Heading], template: ReportTemplate, n_lines: int) -> dict[str, tuple[int, int]]:
    """Line range ``[start, end)`` of each section: from its heading to the next heading.

    A table section whose heading is missing gets the gap between its neighbours' headings,
    so its rows are still found by their labels.
    """
    starts = sorted(h.line for h in headings.values())

    def next_start(line: int) -> int:
        return next((s for s in starts if s > line), n_lines)

    out: dict[str, tuple[int, int]] = {}
    keys = [s.key for s in template.sections]
    for idx, section in enumerate(template.sections):
        h = headings.get(section.key)
        if h is not None:
            out[section.key] = (h.line + 1, next_start(h.line))
            continue
        if not section.is_table:
            continue
        before = [headings[k].line for k in keys[:idx] if k in headings]
        after = [headings[k].line for k in keys[idx + 1:] if k in headings]
        start = max(before) + 1 if before else 0
        end = min(after) if after else n_lines
        if start < end:
            out[section.key] = (start, end)
    return out


# ---------------------------------------------------------------------- title and year


@dataclass(frozen=True, slots=True)
class Title:
    text: str
    agency: str
    year: int | None


def parse_title(text: str) -> Title | None:
    """``重庆市武隆区人力资源和社会保障局2021年政府信息公开工作年度报告`` → agency, year."""
    s = squash(text)
    if not s or len(s) > 80 or "公开" not in s or not ("报告" in s or "年报" in s):
        return None
    m = _YEAR.search(s)
    if m is None:  # 政府信息公开年报 is a menu or column name, not a report's title
        return None
    agency = s[: m.start()]
    if not agency:  # 2021年某某局政府信息公开工作年度报告
        tail = s[m.end():]
        agency = tail.split("政府信息公开")[0] if "政府信息公开" in tail else ""
    agency = _clean_agency(agency)
    if len(agency) > 40 or _NOT_AGENCY.search(agency) or not _balanced(agency):
        # a breadcrumb (首页>…), a sentence, or a piece of a remark beside the title (（此件 / 公开）)
        return None
    return Title(tidy(text), agency.replace("(", "（").replace(")", "）"), int(m.group(1)))  # names print full-width


def _without_stray_remark(text: str) -> str:
    """A line less the pieces of a bracketed remark that a text box beside it put into it:
    ``公开）2024年…`` → ``2024年…``, ``（此件`` → nothing."""
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            if depth == 0:
                start = i + 1  # closes a bracket opened on another line
            else:
                depth -= 1
    text = text[start:]
    if depth > 0:  # opens a bracket it does not close: cut from the unclosed one
        opened = []
        for i, ch in enumerate(text):
            if ch in "(（":
                opened.append(i)
            elif ch in ")）" and opened:
                opened.pop()
        text = text[:opened[0]] if opened else text
    return text.strip()


def _balanced(text: str) -> bool:
    depth = 0
    for ch in nfkc(text):
        depth += (ch == "(") - (ch == ")")
        if depth < 0:
            return False
    return depth == 0


def _clean_agency(agency: str) -> str:
    agency = re.sub(r"^(?:【[^】]*】)?(?:关于)?(?:印发|公布|发布)?", "", agency)
    agency = re.sub(r"[^\w)]+$", "", agency)  # a closing bracket may end a name: 某某委员会（某某办公室）
    return re.sub(r"(?:关于|的)$", "", agency)  # XX区人民政府关于2023年政府信息公开工作年度报告


def find_title(hints: list[str], preamble: list[Line]) -> Title | None:
    """The published title: from the page's own title fields first, else the lines before 一.

    A title broken over two lines (淮安市人民政府 / 2024 年政府信息公开工作年度报告) is re-joined.
    """
    for hint in hints:
        # 标题_网站名, 网站名-标题, 标题 | 栏目: the part that is a report's title
        for part in re.split(r"\s*[_|｜\-—–－]+\s*", hint):
            t = parse_title(part)
            if t is not None:
                return t
    texts = [t for t in (_without_stray_remark(ln.text.strip()) for ln in preamble) if t]
    for i, text in enumerate(texts):
        t = parse_title(text)
        if t is None or is_prose(text):
            continue
        if not t.agency and i > 0 and not is_prose(texts[i - 1]) and len(squash(texts[i - 1])) <= 40:
            joined = parse_title(texts[i - 1] + text)
            if joined is not None and joined.agency:
                return Title(tidy(texts[i - 1] + " " + text), joined.agency, joined.year)
        return t
    return None


def period_year(text: str) -> int | None:
    """The year of the statistics period (统计期限自2024年1月1日至2024年12月31日)."""
    s = squash(text)
    m = _PERIOD.search(s)
    if m and m.group(1) == m.group(2):
        return int(m.group(1))
    m = _PERIOD_WORDS.search(s)
    return int(m.group(1)) if m else None


def first_year(text: str) -> int | None:
    m = _YEAR.search(squash(text)[:200])
    return int(m.group(1)) if m else None


# ---------------------------------------------------------------------- narratives

FULL_LINE_SLACK = 3.2  # a line this close to the margin ran into it (first lines are indented 2 em)
INDENT_MIN, INDENT_MAX = 1.5, FULL_LINE_SLACK  # how much narrower an indented first line is


def _width(text: str) -> float:
    """Printed width in em: a Chinese character 1, an ASCII character about half, and a space
    that the PDF text layer put beside a number about a quarter."""
    return sum(0.25 if ch.isspace() else 0.5 if ord(ch) < 128 else 1.0 for ch in text.strip())


def wrap_margin(lines: list[Line]) -> float | None:
    """The right margin (in em) of prose that a PDF broke into lines, or ``None`` when the
    document's lines are whole paragraphs (web pages): then nothing is re-joined."""
    # Prose lines only: table rows laid out with runs of spaces would widen the margin.
    texts = [t for t in (ln.text.strip() for ln in lines if not ln.row)
             if len(CJK.findall(t)) >= 8 and not _COLUMN_GAP.search(t)]
    if len(texts) < 3:
        return None
    widths = sorted(_width(t) for t in texts)
    margin = widths[min(len(widths) - 1, int(len(widths) * 0.9))]
    full = sum(1 for t in texts if _width(t) >= margin - FULL_LINE_SLACK and not t.endswith(_TERMINAL))
    return margin if full >= max(3, len(texts) // 4) else None


def reflow(lines: list[str], margin: float) -> list[str]:
    """Re-join prose that a PDF broke into lines (淮安: ``本报告由…根据《中华人民共和国政府`` /
    ``信息公开条例》…``). A line that runs to the right margin continues on the next line, unless
    the next one opens a numbered paragraph, or the line ends a sentence and the next one is
    indented like a first line; a shorter line ends its paragraph.
    """
    out: list[str] = []
    joining = False
    for x in lines:
        w = _width(x)
        opens = enumerated(x).level in ("section", "paren")
        indented = margin - INDENT_MAX <= w <= margin - INDENT_MIN
        if joining and not opens and not (out[-1].endswith(_TERMINAL) and indented):
            tail, head = out[-1][-1:], x.strip()[:1]
            sep = " " if tail.isascii() and tail.isalnum() and head.isascii() and head.isalnum() else ""
            out[-1] = out[-1] + sep + x.strip()
        else:
            out.append(x.strip())
        joining = w >= margin - FULL_LINE_SLACK
    return out


def _is_footer(text: str) -> bool:
    s = squash(text).lower()
    return any(m in s for m in FOOTER_MARKERS)


def _is_nav(text: str) -> bool:
    s = squash(text)
    return 0 < len(s) <= 16 and not any(ch in s for ch in "。,，;；") and parse_date(text) is None


def parse_date(text: str) -> str | None:
    """``2022年1月20日`` / ``二〇二二年一月二十日`` → ``2022-01-20`` (the 落款 date)."""
    s = squash(text)
    m = _DATE.match(s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _CN_DATE.match(s)
        if not m:
            return None
        y = int("".join(str(cn_number(ch)) for ch in m.group(1)))
        mo, d = cn_number(m.group(2)) or 0, cn_number(m.group(3)) or 0
    try:
        return datetime.date(y, mo, d).isoformat()
    except ValueError:  # 2月30日: a slip to leave in the text, not a 落款 date to store
        return None


@dataclass(frozen=True, slots=True)
class Signature:
    agency: str | None
    date: str | None


# How the name of a publishing body ends: a 落款 line without a date is recognised by it.
_SIGNER = re.compile(r"(?:人民政府|政府|办公室|办公厅|局|委员会|委|厅|署|中心|办事处|管委会|院)$")


def is_signature(text: str, agency: str = "") -> bool:
    """A 落款 line: the agency's name alone (``淮安市人民政府``), without a date under it."""
    s = squash(text)
    if agency and s == squash(agency):
        return True
    return (2 <= len(s) <= 30 and not re.search(r"[。，,;；:：!！?？\d]", s) and bool(_SIGNER.search(s))
            and parse_title(text) is None)


# What a 公文 prints under its 落款 (GB/T 9704): the 附注 (（此件公开发布）) and the 版记
# (抄送：…, ……办公室 2025年1月20日印发). No part of the report's text.
_ANNOTATION = re.compile(r"^[(（]此件[^()（）]{1,12}[)）]$")
_RECORD = re.compile(r"^(?:抄送|抄报|主送|分送|发送)[:：]|印发$")
# The 落款 on one line: the agency, then the date (某某区人民政府 2025年1月20日).
_SIGNED_ON_ONE_LINE = re.compile(r"^(?P<agency>\S.{1,38}?)\s*(?P<date>(?:19|20)\d{2}\s*年\s*[01]?\d\s*月\s*[0-3]?\d\s*日)$")


def strip_footer(paragraphs: list[str], known_agency: str = "") -> tuple[list[str], Signature]:
    """Cut the website footer (links, 版权所有, ICP备案) after the last section and take the
    落款 (agency line and date, or the agency line alone) off its end, with what a 公文 prints
    under it (（此件公开发布）, 抄送：…)."""
    cut = next((i for i, p in enumerate(paragraphs) if _is_footer(p)), None)
    if cut is None:
        j = len(paragraphs)
        while j > 1 and _is_nav(paragraphs[j - 1]):
            j -= 1
        cut = j if len(paragraphs) - j >= 4 else len(paragraphs)
    else:
        while cut > 1 and _is_nav(paragraphs[cut - 1]):
            cut -= 1
    kept = paragraphs[:cut]
    end = len(kept)
    while end > 1 and (_ANNOTATION.match(squash(kept[end - 1])) or _RECORD.search(squash(kept[end - 1]))):
        end -= 1
    if end < len(kept) and end > 1 and (parse_date(kept[end - 1]) or is_signature(kept[end - 1], known_agency)
                                        or _SIGNED_ON_ONE_LINE.match(squash(kept[end - 1]))):
        kept = kept[:end]  # only under a 落款: elsewhere such a line is the report's own text
    one_line = _SIGNED_ON_ONE_LINE.match(squash(kept[-1])) if len(kept) > 1 else None
    if one_line and parse_date(one_line.group("date")) and is_signature(one_line.group("agency"), known_agency):
        kept = [*kept[:-1], one_line.group("agency"), one_line.group("date")]
    agency = date = None
    if len(kept) > 1 and (date := parse_date(kept[-1])):
        kept.pop()
        last = squash(kept[-1])
        if len(kept) > 1 and 2 <= len(last) <= 40 and not any(ch in last for ch in "。,;") and not _YEAR.search(last):
            agency = tidy(kept.pop())
    elif len(kept) > 1 and is_signature(kept[-1], known_agency):
        agency = tidy(kept.pop())
    return kept, Signature(agency or None, date)


def prose_lines(lines: list[Line]) -> list[str]:
    """The prose of a region: table rows and page numbers left out."""
    texts: list[str] = []
    for line in lines:
        if line.row and not (line.raw and any(is_prose(c) for c in line.filled)):
            continue
        text = (line.raw if line.row else line.text).strip()
        if text and not _PAGE_NUMBER.match(text):
            texts.append(text)
    return texts


def paragraphs(texts: list[str], margin: float | None) -> list[str]:
    """Stored paragraphs: PDF line breaks re-joined (when the document has a margin), tidied."""
    if margin is not None:
        texts = reflow(texts, margin)
    return [t for t in (tidy(x) for x in texts) if t]


def is_intro(paragraph: str) -> bool:
    """Prose that speaks of the report itself (本报告根据《条例》…编制…统计期限…)."""
    return is_prose(paragraph) and len(paragraph) >= 30 and any(w in paragraph for w in INTRO_WORDS)


def intro_paragraphs(paragraphs: list[str]) -> list[str]:
    """The introduction (导语) printed between the title and 一."""
    return [p for p in paragraphs if is_intro(p)]


#: Words by which a paragraph speaks of the report itself, not of the year's work (which cites
#: the 条例 too): what tells the 导语 apart when no 一 heading follows it.
SELF_WORDS = ("本报告", "本年报", "统计期限")


def leading_intro(paragraphs: list[str]) -> list[str]:
    """The introduction at the head of prose that runs on into the overview (no 一 heading)."""
    out: list[str] = []
    for p in paragraphs:
        if not (is_intro(p) and any(w in p for w in SELF_WORDS)):
            break
        out.append(p)
    return out
