"""Whatever a user opens, the importers either import it or raise ImportFailed with a Chinese
message: encodings, binary files, empty and huge files, pages that are not reports, and
random or mangled input (hypothesis)."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importers import ImportFailed, read_report
from importers.html import decode_html, import_html
from importers.text import MAX_TEXT_BYTES, decode_text, import_text
from models.values import CellRef

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
WULONG = (FIXTURES / "wulong-hrss-2021.txt").read_text(encoding="utf-8")
HUAIAN = (FIXTURES / "huaian-city-2024.txt").read_text(encoding="utf-8")
PINGTAN = (FIXTURES / "pingtan-2023.html").read_text(encoding="utf-8")
CJK = re.compile(r"[\u4e00-\u9fff]")


# ---------------------------------------------------------------------- decoding


@pytest.mark.parametrize("encode", [
    lambda s: s.encode("utf-8"),
    lambda s: b"\xef\xbb\xbf" + s.encode("utf-8"),
    lambda s: s.encode("utf-16"),  # with BOM
    lambda s: b"\xff\xfe" + s.encode("utf-16-le"),
    lambda s: b"\xfe\xff" + s.encode("utf-16-be"),
    lambda s: s.encode("gb18030"),
], ids=["utf8", "utf8-bom", "utf16", "utf16le-bom", "utf16be-bom", "gb18030"])
def test_decode_text_encodings(encode) -> None:  # type: ignore[no-untyped-def]
    assert decode_text(encode(WULONG), source="a.txt") == WULONG


def test_gbk_text_file_imports_end_to_end(tmp_path: Path) -> None:
    path = tmp_path / "武隆.txt"
    path.write_bytes(WULONG.encode("gbk"))
    result = read_report(path)
    assert result.report.values[CellRef("proactive", "licensing", "decisions")] == 62


@pytest.mark.parametrize(("data", "words"), [
    (b"", "空"),
    (b"  \r\n\t \n", "空"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    (b"PK\x03\x04\x14\x00\x06\x00", "Word/Excel"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Word/Excel"),
    (b"\x89PNG\r\n\x1a\n", "图片"),
    (b"abc\x00def\x00" * 10, "二进制"),
    (bytes(range(1, 32)) * 20, "控制字符"),
    (b"\xff\xfe\x00\xd8", "编码"),  # a UTF-16 BOM, then a lone surrogate
    (b"\x81\x30\x81", "编码"),  # neither UTF-8 nor GB18030
], ids=["empty", "blank", "pdf", "zip", "ole", "png", "nul", "controls", "bad-utf16", "bad-gb"])
def test_decode_text_refuses_non_text(data: bytes, words: str) -> None:
    with pytest.raises(ImportFailed, match=words):
        decode_text(data, source="x.txt")


def test_decode_text_refuses_absurdly_large() -> None:
    with pytest.raises(ImportFailed, match="过大"):
        decode_text(b"a" * (MAX_TEXT_BYTES + 1), source="x.txt")


def test_decode_html_uses_meta_charset_and_falls_back() -> None:
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>规章</body></html>'
    assert decode_html(page.encode("gbk")) == page
    mislabelled = page.replace("gb2312", "utf-8")
    assert decode_html(mislabelled.encode("gbk")) == mislabelled  # declared UTF-8 but written in GBK
    assert decode_html(page.replace("gb2312", "no-such-codec").encode("utf-8")).endswith("规章</body></html>")


def test_pingtan_page_in_gb18030_imports() -> None:
    page = PINGTAN.replace('<meta charset="utf-8"', '<meta charset="gb2312"')
    result = import_html(page.encode("gb18030"), source="p.html")
    assert result.report.values[CellRef("proactive", "licensing", "decisions")] == 2629


def test_page_saved_as_txt_and_text_saved_as_html_still_import(tmp_path: Path) -> None:
    """read_report looks at the content once and hands it to the one importer it is for."""
    from importers import is_web_page

    page, text = tmp_path / "p.txt", tmp_path / "w.html"
    page.write_text(PINGTAN, encoding="utf-8")
    text.write_text(WULONG, encoding="utf-8")
    assert read_report(page).report.values[CellRef("proactive", "penalty", "decisions")] == 1330
    assert read_report(text).report.values[CellRef("proactive", "penalty", "decisions")] == 7
    assert is_web_page(PINGTAN.encode("gb18030"), ".txt") and is_web_page(PINGTAN.encode("utf-16"), ".txt")
    assert not is_web_page("报告<br>正文".encode(), ".txt")  # a stray tag in a text is still text
    assert is_web_page("报告<br>正文".encode(), ".html")


@pytest.mark.parametrize("text", [
    "今天天气很好。我们去公园散步，看到很多人在跑步。\n明天可能下雨。",
    "一、总体情况\n本年度工作顺利。",
    "规章\n行政许可\n12",
    "<html><body><p>网站首页</p><table><tr><td>1</td><td>2</td></tr></table></body></html>",
], ids=["prose", "one-heading", "a-few-words", "unrelated-page"])
def test_documents_that_are_not_reports_are_refused(text: str) -> None:
    with pytest.raises(ImportFailed, match="不像政府信息公开工作年度报告"):
        import_text(text, source="x.txt")
    with pytest.raises(ImportFailed):
        import_html(text.encode("utf-8"), source="x.html")


def test_read_report_refuses_unknown_suffix_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="找不到"):
        read_report(tmp_path / "none.txt")
    doc = tmp_path / "a.docx"
    doc.write_bytes(b"PK\x03\x04")
    with pytest.raises(ImportFailed, match="不是有效的 Word 文档"):
        read_report(doc)
    other = tmp_path / "a.pages"
    other.write_bytes(b"PK\x03\x04")
    with pytest.raises(ImportFailed, match="无法识别"):
        read_report(other)


# ---------------------------------------------------------------------- hypothesis


def _only_import_failed(call) -> None:  # type: ignore[no-untyped-def]
    try:
        call()
    except ImportFailed as exc:
        assert str(exc) and CJK.search(str(exc)), f"message should be Chinese: {exc!r}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_random_text_raises_nothing_but_import_failed(text: str) -> None:
    _only_import_failed(lambda: import_text(text, source="r.txt"))
    _only_import_failed(lambda: import_html(text, source="r.html"))


_report_words = st.sampled_from([
    "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况", "六、其他需要报告的事项", "规章", "行政许可", "（六）其他处理", "3.其他", "（七）总计",
    "结果维持", "总计", "注：", "|", " | ", "\n", "0", "12", "68.64万元", "/", "—", "22（其中修订 16 件）", "<td>", "</tr>",
    "<table>", "2021年", "统计期限自2021年1月1日至2021年12月31日", "本年新制作数量", "版权所有", "2022年1月20日",
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_report_words, st.text(max_size=8)), max_size=300))
def test_report_like_noise_raises_nothing_but_import_failed(parts: list[str]) -> None:
    text = "".join(parts)
    _only_import_failed(lambda: import_text(text, source="n.txt"))
    _only_import_failed(lambda: import_html(text.replace("\n", "<br>"), source="n.html"))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_random_bytes_raise_nothing_but_import_failed(data: bytes) -> None:
    _only_import_failed(lambda: import_text(decode_text(data, source="b.txt"), source="b.txt"))
    _only_import_failed(lambda: import_html(data, source="b.html"))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([WULONG, HUAIAN]), st.lists(st.tuples(st.floats(0, 1), st.integers(0, 200)), max_size=12))
def test_mangled_reports_never_invent_a_number(source: str, cuts: list[tuple[float, int]]) -> None:
    """Delete random stretches of a real report: the import may lose values, never make one up —
    every value it reads is printed in the text it was given."""
    text = source
    for where, length in cuts:
        i = int(where * len(text))
        text = text[:i] + text[i + length:]
    try:
        result = import_text(text, source="m.txt")
    except ImportFailed:
        return
    printed = {Decimal(x) for x in re.findall(r"\d+(?:\.\d+)?", unicodedata.normalize("NFKC", text))}
    for ref, value in result.report.values.items():
        if value is not None:
            assert value in printed, (ref, value)
