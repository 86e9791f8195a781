"""A 2019-format report written as a Word file by hand, the way agencies type it into the
official form: merged cells where the form merges them (block titles across 表二, 本年增/减 and
采购总金额 over two grid columns in blocks （八）（九）, 表三's corner and 办理结果 groups, 表四's
headings), blank cells left empty, ``增2`` and ``251000元`` as typed. The figures are those of
``tests/fixtures/district-justice-2020.expected.json``."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

TITLE = "某某市某某区司法局2020年政府信息公开工作年度报告"
ZEROS = "0 0 0 0 0 0 0"


def _grid(doc: object, n_rows: int, n_cols: int, cells: list[tuple[int, int, str, int, int]]) -> None:
    table = doc.add_table(rows=n_rows, cols=n_cols)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for r, c, text, rowspan, colspan in cells:
        cell = table.cell(r, c)
        if rowspan > 1 or colspan > 1:
            cell = cell.merge(table.cell(r + rowspan - 1, c + colspan - 1))
        cell.text = text


def _proactive() -> tuple[int, list[tuple[int, int, str, int, int]]]:
    cells: list[tuple[int, int, str, int, int]] = []

    def row(r: int, *texts: str) -> None:
        cells.extend((r, i, t, 1, 1) for i, t in enumerate(texts))

    def title(r: int, text: str) -> None:
        cells.append((r, 0, text, 1, 4))

    title(0, "第二十条第（一）项")
    row(1, "信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量")
    row(2, "规章", "0", "0", "0")
    row(3, "规范性文件", "4", "4", "37")
    title(4, "第二十条第（五）项")
    row(5, "信息内容", "上一年项目数量", "本年增/减", "处理决定数量")
    row(6, "行政许可", "3", "0", "58")
    row(7, "其他对外管理服务事项", "11", "增2", "")
    title(8, "第二十条第（六）项")
    row(9, "信息内容", "上一年项目数量", "本年增/减", "处理决定数量")
    row(10, "行政处罚", "", "", "")
    row(11, "行政强制", "", "", "")
    title(12, "第二十条第（八）项")
    row(13, "信息内容", "上一年项目数量")
    cells.append((13, 2, "本年增/减", 1, 2))
    row(14, "行政事业性收费", "0")
    cells.append((14, 2, "0", 1, 2))
    title(15, "第二十条第（九）项")
    row(16, "信息内容", "采购项目数量")
    cells.append((16, 2, "采购总金额", 1, 2))
    row(17, "政府集中采购", "3")
    cells.append((17, 2, "251000元", 1, 2))
    return 18, cells


def _requests() -> tuple[int, list[tuple[int, int, str, int, int]]]:
    cells = [(0, 0, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3),
             (0, 3, "申请人情况", 1, 7), (1, 3, "自然人", 2, 1), (1, 4, "法人或其他组织", 1, 5), (1, 9, "总计", 2, 1)]
    cells += [(2, 4 + i, w, 1, 1) for i, w in enumerate(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"])]

    def figures(r: int, printed: str) -> None:
        cells.extend((r, 3 + i, "" if v == "_" else v, 1, 1) for i, v in enumerate(printed.split(" ")))

    r = 3
    for label, printed in (("一、本年新收政府信息公开申请数量", "5 1 0 0 0 0 6"), ("二、上年结转政府信息公开申请数量", ZEROS)):
        cells.append((r, 0, label, 1, 3))
        figures(r, printed)
        r += 1
    cells.append((r, 0, "三、本年度办理结果", 20, 1))
    for label, printed in (("（一）予以公开", "3 1 0 0 0 0 4"),
                           ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ZEROS)):
        cells.append((r, 1, label, 1, 2))
        figures(r, printed)
        r += 1
    groups = {
        "（三）不予公开": ["1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
                      "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项"],
        "（四）无法提供": ["1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"],
        "（五）不予处理": ["1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
                      "5.要求行政机关确认或重新出具已获取信息"],
    }
    special = {"1.本机关不掌握相关政府信息": "2 0 0 0 0 0 2", "2.没有现成信息需要另行制作": "_ _ _ _ _ _ _"}
    for group, items in groups.items():
        cells.append((r, 1, group, len(items), 1))
        for item in items:
            cells.append((r, 2, item, 1, 1))
            figures(r, special.get(item, ZEROS))
            r += 1
    for label, printed in (("（六）其他处理", ZEROS), ("（七）总计", "5 1 0 0 0 0 6")):
        cells.append((r, 1, label, 1, 2))
        figures(r, printed)
        r += 1
    cells.append((r, 0, "四、结转下年度继续办理", 1, 3))
    figures(r, ZEROS)
    return r + 1, cells


def _appeals() -> list[tuple[int, int, str, int, int]]:
    five = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    cells = [(0, 0, "行政复议", 1, 5), (0, 5, "行政诉讼", 1, 10), (1, 5, "未经复议直接起诉", 1, 5), (1, 10, "复议后起诉", 1, 5)]
    cells += [(1, i, w, 2, 1) for i, w in enumerate(five)]
    cells += [(2, 5 + i, w, 1, 1) for i, w in enumerate(five * 2)]
    cells += [(3, i, "0", 1, 1) for i in range(15)]
    return cells


def write_word_2019(path: Path) -> Path:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "仿宋_GB2312"
    normal.font.size = Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")

    def para(text: str, *, bold: bool = False, center: bool = False) -> None:
        p = doc.add_paragraph()
        p.add_run(text).bold = bold
        if center:
            p.alignment = 1

    para(TITLE, bold=True, center=True)
    para("本报告由某某市某某区司法局根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制。"
         "本报告中所列数据的统计期限自2020年1月1日起至2020年12月31日止。")
    para("一、总体情况", bold=True)
    para("2020年，区司法局严格落实《条例》要求，全面推进政务公开。全年共收到政府信息公开申请6件，办结6件。")
    para("二、主动公开政府信息情况", bold=True)
    n, cells = _proactive()
    _grid(doc, n, 4, cells)
    para("三、收到和处理政府信息公开申请情况", bold=True)
    n, cells = _requests()
    _grid(doc, n, 10, cells)
    para("四、政府信息公开行政复议、行政诉讼情况", bold=True)
    _grid(doc, 4, 15, _appeals())
    para("五、存在的主要问题及改进情况", bold=True)
    para("主要问题：政策解读的针对性不强。改进措施：加强解读，提高公开实效。")
    para("六、其他需要报告的事项", bold=True)
    para("本年度未收取信息处理费。")
    para("某某市某某区司法局")
    para("2021年1月29日")
    doc.save(str(path))
    return path
