"""Chinese line breaking (避头尾) and font choice/fallback of the PDF export."""

from __future__ import annotations

import re
import shutil
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exporters import fonts
from exporters.fonts import LoadedFont, NoFontError, PdfFonts
from exporters.linebreak import CANNOT_END, CANNOT_START, break_lines


def lines_of(text: str, width: float, first: float | None = None) -> list[str]:
    widths = [1.0] * len(text)
    return [text[a:b] for a, b, _ in break_lines(text, widths, width if first is None else first, width)]


# ----------------------------------------------------------------------------- 避头尾


def test_closing_punctuation_never_starts_a_line() -> None:
    assert lines_of("一二三四五，六七", 5) == ["一二三四", "五，六七"]
    assert lines_of("一二三四。”六七", 5) == ["一二三", "四。”六七"]  # both marks move, with a character


def test_opening_punctuation_never_ends_a_line() -> None:
    assert lines_of("一二三四《五》六", 5) == ["一二三四", "《五》六"]


def test_numbers_and_latin_words_are_kept_whole() -> None:
    assert lines_of("一二三2024年", 5) == ["一二三", "2024年"]
    assert lines_of("邮箱x@163.com", 6) == ["邮箱", "x@163.", "com"]  # moved whole, then too long: broken
    assert lines_of("1234567890", 5) == ["12345", "67890"]  # a word longer than the line breaks


def test_a_mark_after_a_word_that_fills_the_line_hangs_rather_than_cutting_the_word() -> None:
    assert lines_of("20242024，一二", 8) == ["20242024，", "一二"]


def test_first_line_indent_and_hard_breaks() -> None:
    assert lines_of("一二三四五六七", 5, first=3) == ["一二三", "四五六七"]
    spans = break_lines("一二\n三", [1.0] * 4, 5, 5)
    assert [(a, b, hard) for a, b, hard in spans] == [(0, 2, True), (3, 4, True)]


def test_one_character_columns_set_every_character_on_its_own_line() -> None:
    """The vertical label 三、本年度办理结果 of 表三: 避头尾 cannot apply."""
    assert lines_of("三、本年", 1) == ["三", "、", "本", "年"]


WORDS = st.sampled_from(["政府", "信息公开", "2024", "年", "“公开”", "（一）主动", "《条例》", "3119件", "报告"])
PUNCT = st.sampled_from(["", "", "，", "。", "、", "；", "：", "）", "”"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(WORDS, PUNCT), min_size=1, max_size=60), st.integers(min_value=8, max_value=30))
def test_line_breaking_properties(tokens: list[tuple[str, str]], width: int) -> None:
    text = "".join(w + p for w, p in tokens)
    lines = lines_of(text, width)
    assert "".join(lines) == text  # nothing lost, nothing added
    # Only closing marks may hang past the edge, when the alternative is cutting a word.
    assert all(0 < len(line.rstrip("".join(CANNOT_START))) <= width for line in lines)
    at = 0
    for before, after in pairwise(lines):
        at += len(before)
        assert after[0] not in CANNOT_START, (before, after)
        assert before[-1] not in CANNOT_END, (before, after)
        if before[-1].isdigit() and after[0].isdigit():  # a number is cut only if longer than a line
            run = re.search(r"[0-9A-Za-z]+$", text[:at]).group() + re.match(r"[0-9A-Za-z]+", text[at:]).group()  # type: ignore[union-attr]
            assert len(run) > width, (before, after)


# ----------------------------------------------------------------------------- fonts


def _fake(name: str, chars: str) -> LoadedFont:
    return LoadedFont(name, name, frozenset(map(ord, chars)))


def test_characters_the_face_lacks_go_to_a_fallback_face() -> None:
    body, extra = _fake("Body", "中文<>& "), _fake("Extra", "☃")
    pf = PdfFonts(roles={"body": body}, _fallback_sources=[])
    pf._fallbacks.append(extra)
    assert pf.runs("中☃文", "body") == [("Body", "中"), ("Extra", "☃"), ("Body", "文")]
    assert pf.runs("中𠀀", "body") == [("Body", "中𠀀")]  # no face has it: stays with the role's face


def _isolated(monkeypatch: pytest.MonkeyPatch, files: dict[str, Path]) -> None:
    """Pretend the desk has exactly ``files`` installed and no fontconfig."""
    monkeypatch.setattr(fonts, "_installed_files", lambda: {k.lower(): v for k, v in files.items()})
    monkeypatch.setattr(fonts, "_fontconfig_fonts", lambda: ())


def test_desk_without_cjk_fonts_uses_the_shipped_font(monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = fonts.resource_path(*fonts.SHIPPED_FONT)
    assert shipped.is_file() and (shipped.parent / "LICENSE-wqy-microhei.txt").is_file()
    _isolated(monkeypatch, {})
    chosen = fonts._pdf_fonts.__wrapped__()
    assert set(chosen.describe()) == set(fonts.ROLES)
    assert all(label.startswith(fonts.SHIPPED_NAME) for label in chosen.describe().values())
    assert all(ord(c) in chosen.roles["body"].glyphs for c in "政府信息公开工作年度报告（）：，。“”—")


def test_official_faces_are_preferred_and_unusable_files_skipped(monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    # A stand-in for 仿宋 (any TrueType CJK font under the official file name) and a broken 黑体.
    fangsong = tmp_path / "simfang.ttf"
    shutil.copyfile(fonts.resource_path(*fonts.SHIPPED_FONT), fangsong)
    broken = tmp_path / "simhei.ttf"
    broken.write_bytes(b"OTTO" + bytes(200))  # CFF outlines / garbage: reportlab cannot embed it
    _isolated(monkeypatch, {"simfang.ttf": fangsong, "simhei.ttf": broken})
    chosen = fonts._pdf_fonts.__wrapped__().describe()
    assert chosen["body"] == "仿宋（simfang.ttf）"
    assert chosen["heading2"] == "仿宋（simfang.ttf）"  # no 楷体: 仿宋 is the next choice
    assert chosen["heading1"].startswith(fonts.SHIPPED_NAME)  # the broken 黑体 was skipped


def test_no_font_at_all_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _isolated(monkeypatch, {})
    monkeypatch.setattr(fonts, "resource_path", lambda *parts: tmp_path / "missing.ttc")
    with pytest.raises(NoFontError, match="中文字体"):
        fonts._pdf_fonts.__wrapped__()


def test_characters_no_face_has_print_as_the_missing_mark_not_as_blanks() -> None:
    """𠀀 (CJK Ext-B) in no face: printed as 〓, the typesetter's mark for a missing character, so a
    proofreader sees it; invisible format characters no face has (zero-width space, emoji
    variation selector) are dropped rather than marked."""
    body, extra = _fake("Body", "中文"), _fake("Extra", "☃")
    pf = PdfFonts(roles={"body": body}, _fallback_sources=[])
    pf._fallbacks.append(extra)
    assert pf.printable("中𠀀文☃\u200b\ufe0f") == "中〓文☃"
    assert pf.printable("中文 \n") == "中文 \n"
