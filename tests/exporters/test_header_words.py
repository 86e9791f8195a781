"""Header words never break inside a word: not in the PDF (read back with pypdf), not in the
Excel workbook as LibreOffice prints it (converted headless to PDF and read back), not in the
line breaker itself. 商业企/业, 科研机/构, 社会公/益组织, 法律服/务机构 were the faults seen."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from sample_reports import make_huaian  # tests/models (see tests/conftest.py)

from exporters import render
from exporters.linebreak import break_lines, glued_offsets, label_glue, whole, widest_unit
from models import storage
from models.grid import grid_for
from models.template import TemplateError, load_template, parse_template
from models.workbook_map import TABLE_ORIGIN, sheet_name

pypdf = pytest.importorskip("pypdf")

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "resources" / "samples" / "wulong-hrss-2021.json"
TEMPLATE = load_template("2021")
BROKEN_BEFORE = ("商业企", "科研机", "社会公", "法律服")  # the faults the issue reports


def lines(text: str, width: float, glued: frozenset[int]) -> list[str]:
    return [text[a:b] for a, b, _ in break_lines(text, [1.0] * len(text), width, width, glued)]


def labels_with_words() -> dict[str, tuple[str, ...]]:
    """The words of every header and listed label (an unlisted header is one word)."""
    out = {c.text: (c.text,) for s in TEMPLATE.table_sections for c in grid_for(TEMPLATE, s.key).cells
           if c.kind == "header"}
    return {**out, **TEMPLATE.label_words}


def broken_words(page_text: str) -> list[str]:
    """Printed pieces (two characters or more: single ones come from vertical labels) of a
    header or listed label that start or end inside one of its words. Pieces that could come
    from a row label, and lines of running text (a narrative on the same page), are not judged."""
    rows = [c.text for s in TEMPLATE.table_sections for c in grid_for(TEMPLATE, s.key).cells
            if c.kind in ("label", "corner") and c.text not in TEMPLATE.label_words]
    bad = []
    table_lines = [line for line in page_text.splitlines() if not any(p in line for p in "，。；")]  # not prose
    for token in " ".join(table_lines).split():
        if any(token in row for row in rows):
            continue  # also a piece of a row label (申请), which breaks like running text
        for label, words in labels_with_words().items():
            if len(token) < 2 or token == label or token not in label:
                continue
            bounds = {sum(len(w) for w in words[:i]) for i in range(len(words) + 1)}
            at = [i for i in range(len(label)) if label.startswith(token, i)]
            if not any(i in bounds and i + len(token) in bounds for i in at):
                bad.append(f"{token}（{label}）")
    return bad


# ---------------------------------------------------------------------- the line breaker


def test_a_label_breaks_only_between_its_words() -> None:
    glued = glued_offsets(["社会", "公益", "组织"])
    assert glued == {1, 3, 5}
    assert lines("社会公益组织", 3, glued) == ["社会", "公益", "组织"]
    assert lines("社会公益组织", 5, glued) == ["社会公益", "组织"]
    assert lines("社会公益组织", 3, frozenset()) == ["社会公", "益组织"]  # running text: anywhere


def test_a_word_wider_than_the_line_still_breaks_rather_than_overflows() -> None:
    glued = glued_offsets(["复议后", "起诉"])
    assert lines("复议后起诉", 2, glued) == ["复议", "后", "起诉"]
    assert lines("复议后起诉", 1, glued) == list("复议后起诉")  # a vertical label


def test_an_unlisted_header_is_one_word_except_at_its_brackets() -> None:
    text = "本年金额（单位：万元）"
    glued = whole(text)
    assert lines(text, 6, glued) == ["本年金额", "（单位：", "万元）"]
    assert widest_unit(text, [1.0] * len(text), glued) == 4


def test_the_template_lists_the_words_of_the_long_headers() -> None:
    cells = [c for s in TEMPLATE.table_sections for c in grid_for(TEMPLATE, s.key).cells]
    nonprofit = next(c for c in cells if c.text == "社会公益组织")
    assert label_glue(TEMPLATE, nonprofit) == {1, 3, 5}
    person = next(c for c in cells if c.text == "自然人")
    assert label_glue(TEMPLATE, person) == {1, 2}  # unlisted header: kept whole
    long_row = next(c for c in cells if c.text.startswith("（二）部分公开"))
    assert label_glue(TEMPLATE, long_row) == frozenset()  # a row label breaks like running text


def test_label_words_must_name_labels_of_the_template() -> None:
    raw = json.loads((ROOT / "resources" / "templates" / "format-2021.json").read_text(encoding="utf-8"))
    raw["label_words"] = ["商业|企"]
    with pytest.raises(TemplateError, match="label_words"):
        parse_template(raw)


# ---------------------------------------------------------------------- the PDF


@pytest.mark.parametrize("which", ["sample", "huaian"])
def test_no_header_word_is_broken_in_the_pdf(which: str) -> None:
    report = storage.load(SAMPLE) if which == "sample" else make_huaian()  # four-digit figures: narrower columns
    reader = pypdf.PdfReader(io.BytesIO(render(report, ".pdf")))
    texts = [page.extract_text(extraction_mode="layout") for page in reader.pages]
    table_pages = [t for t in texts if "申请人情况" in t or "复议后起诉" in t]
    assert table_pages
    for text in table_pages:
        assert broken_words(text) == []
        assert not any(f"{piece}\n" in text for piece in BROKEN_BEFORE)
    printed = " ".join(table_pages).split()
    for word in ("企业", "机构", "公益", "组织", "服务"):
        assert word in printed  # each word of the long headers is printed whole on its own line


# ---------------------------------------------------------------------- the workbook


def test_workbook_headers_break_by_hand_between_words() -> None:
    buf = io.BytesIO(render(storage.load(SAMPLE), ".xlsx"))
    ws = openpyxl.load_workbook(buf)[sheet_name(TEMPLATE.section("requests"))]
    grid = grid_for(TEMPLATE, "requests")
    r0, c0 = TABLE_ORIGIN
    printed = {c.text: ws.cell(r0 + c.row, c0 + c.col).value for c in grid.cells if c.kind == "header"}
    assert printed["社会公益组织"] in ("社会公益\n组织", "社会\n公益\n组织", "社会\n公益组织")
    assert printed["法律服务机构"].replace("\n", "") == "法律服务机构" and "\n" in printed["法律服务机构"]
    assert printed["自然人"] == "自然人"
    for text, value in printed.items():
        assert broken_words(value.replace("\n", " ")) == [], text


LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
if LIBREOFFICE is None and os.environ.get("NIANBAO_REQUIRE_LIBREOFFICE"):
    raise RuntimeError("CI needs LibreOffice to print the workbook (.ci/run installs libreoffice-calc)")


@pytest.mark.skipif(LIBREOFFICE is None, reason="LibreOffice not installed")
def test_no_header_word_is_broken_when_libreoffice_prints_the_workbook(tmp_path: Path) -> None:
    src = tmp_path / "年报.xlsx"
    src.write_bytes(render(make_huaian(), ".xlsx"))
    env = dict(os.environ, HOME=str(tmp_path / "home"))
    subprocess.run([LIBREOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",  # type: ignore[list-item]
                    "--convert-to", "pdf", "--outdir", str(tmp_path / "out"), str(src)],
                   check=True, capture_output=True, timeout=120, env=env)
    reader = pypdf.PdfReader(tmp_path / "out" / "年报.pdf")
    texts = [page.extract_text(extraction_mode="layout") for page in reader.pages]
    table_pages = [t for t in texts if "申请人情况" in t or "复议后起诉" in t]
    assert len(table_pages) >= 2
    for text in table_pages:
        assert broken_words(text) == []
    printed = " ".join(table_pages).split()
    assert "组织" in printed and "机构" in printed
