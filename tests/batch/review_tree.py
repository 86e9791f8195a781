"""A 政务公开办's folder for the review tests: three units over 2022–2024 in mixed forms.

- 某某市某某区人民政府: 2022 .json, 2023 .txt (text copied from its web page), 2024 .html;
- 淮安市人民政府: 2022 .json, 2024 .xlsx (exported by the editor) and **no 2023 report**;
- 某某县教育局: 2022 .json inside a .zip (GBK member name, as Windows writes it), 2023 .json,
  2024 .json **with an error** in 表三 “（七）总计”×“自然人”;
- and what a real folder holds besides: a damaged report, a Word file, a picture, a hidden file.

Every report but the broken one is correct, and each year is consistent with the year before
(结转 carried over, 现行有效件数 unchanged), so the carry-over rules find nothing either.
"""

from __future__ import annotations

import sys
import zipfile
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "importers"))

from report_builders import AGENCY, document, html_page, pipes  # noqa: E402

from exporters import render  # noqa: E402
from models import storage  # noqa: E402
from models.checker import check_report  # noqa: E402
from models.report import Report  # noqa: E402
from models.template import load_template  # noqa: E402
from models.values import CellRef, Value  # noqa: E402

EDU = "某某县教育局"
HUAIAN = "淮安市人民政府"
WRONG = CellRef("requests", "results_total", "natural")
YEARS = (2022, 2023, 2024)


def steady_values(scale: int = 1) -> dict[CellRef, Value]:
    """Figures a unit could report every year: nothing carried over, no 规章 issued."""
    report = Report.blank(load_template("2021"))
    v = {ref: 0 for ref in report.cell_refs()}
    for column, n in (("natural", 2 * scale), ("commercial", scale)):
        v[CellRef("requests", "new", column)] = n
        v[CellRef("requests", "granted", column)] = n
        v[CellRef("requests", "results_total", column)] = n
    for row in ("new", "granted", "results_total"):
        v[CellRef("requests", row, "total")] = 3 * scale
    v[CellRef("proactive", "normative_documents", "in_force")] = 12 * scale
    v[CellRef("proactive", "licensing", "decisions")] = 40 * scale
    v[CellRef("proactive", "fees", "amount")] = Decimal("1.25") * scale
    return v  # type: ignore[return-value]


def narrative(agency: str, year: int, scale: int = 1) -> dict[str, str]:
    return {
        "overview": f"{year}年，{agency}认真贯彻落实《条例》，全年共收到政府信息公开申请{3 * scale}件，均已按期答复。",
        "problems": f"{year}年存在信息更新不够及时的问题，下一步将建立台账、定期巡查，加强审核。",
        "other": f"{year}年本机关未收取信息处理费。",
    }


def unit_report(agency: str, year: int, scale: int = 1) -> Report:
    report = Report.blank(load_template("2021"), agency=agency, year=year)
    report.values.update(steady_values(scale))
    report.texts.update(narrative(agency, year, scale))
    assert not check_report(report).mapping, check_report(report).sorted()
    return report


def build(root: Path) -> Path:
    """Write the folder; returns it."""
    folder = root / "各单位年报"
    for year in YEARS:
        (folder / str(year)).mkdir(parents=True)
    # 某某市某某区人民政府: .json, .txt, .html
    storage.save(unit_report(AGENCY, 2022), folder / "2022" / "区政府2022.json")
    title = f"{AGENCY}2023年政府信息公开工作年度报告"
    (folder / "2023" / "区政府2023.txt").write_text(
        document(pipes, steady_values(), title=title, narrative=narrative(AGENCY, 2023)), encoding="utf-8")
    (folder / "2024" / "区政府2024.html").write_text(
        html_page(steady_values(), narrative=narrative(AGENCY, 2024)), encoding="utf-8")
    # 淮安市人民政府: 2022 and 2024, not 2023
    storage.save(unit_report(HUAIAN, 2022, 3), folder / "2022" / "淮安2022.json")
    (folder / "2024" / "淮安2024.xlsx").write_bytes(render(unit_report(HUAIAN, 2024, 3), ".xlsx"))
    # 某某县教育局: 2022 in a zip with a GBK name, 2023, 2024 with an error
    write_gbk_zip(folder / "2022" / "教育局材料.zip", {"教育局/教育局2022.json": storage.dumps(unit_report(EDU, 2022, 2))})
    storage.save(unit_report(EDU, 2023, 2), folder / "2023" / "教育局2023.json")
    broken = unit_report(EDU, 2024, 2)
    broken.values[WRONG] = 9  # the parts say 4
    storage.save(broken, folder / "2024" / "教育局2024.json")
    # what else a folder holds
    (folder / "2024" / "损坏的报告.json").write_text("{\"format\": ", encoding="utf-8")
    (folder / "2024" / "说明.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    (folder / "2024" / "封面.png").write_bytes(b"\x89PNG\r\n")
    (folder / ".DS_Store").write_bytes(b"\0")
    return folder


def write_gbk_zip(path: Path, members: dict[str, str]) -> None:
    """A zip as Chinese Windows writes it: member names in GBK, without the UTF-8 flag (Python's
    zipfile always flags non-ASCII names, so the names are patched in afterwards)."""
    placeholders = {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, (name, text) in enumerate(members.items()):
            raw = name.encode("gbk")
            placeholder = f"{i:0{len(raw)}d}"
            placeholders[placeholder.encode()] = raw
            zf.writestr(placeholder, text)
    data = path.read_bytes()
    for placeholder, raw in placeholders.items():
        data = data.replace(placeholder, raw)
    path.write_bytes(data)
