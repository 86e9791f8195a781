"""The README's screenshots of the year's cycle, from the real window, and the comparison's
workbook and PDF as a reviewer sees them. Run under a real X server, e.g.

    Xvfb :110 -screen 0 1366x768x24 &
    DISPLAY=:110 QT_QPA_PLATFORM=xcb python docs/year_cycle_screenshots.py

Writes ``docs/screenshots/new-from-last.png`` (the dialog after reading 淮安 2024's published
text), ``last-year-shown.png`` (表三 with 显示上年数据 on), ``last-year-text.png`` (一 with the
上年正文 panel and last year's figures marked) and, when LibreOffice and pdftoppm are installed,
``docs/compare-xlsx.png`` and ``docs/compare-pdf.png``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"
LAST_YEAR = ROOT / "tests" / "fixtures" / "huaian-city-2024.txt"


sys.path.insert(0, str(ROOT / "docs"))
from screenshots import settle, shot_with_tooltip  # noqa: E402


def this_year(last):  # type: ignore[no-untyped-def]
    """淮安's 2025 as a clerk might have filled it in: last year's figures moved a little, every
    sum consistent, 上年结转 carried over, the text started from last year's and partly updated."""
    from models.checker import checker_for
    from models.values import CellRef
    from models.year_cycle import new_from_last

    report = new_from_last(last, copy_texts=True).report

    def req(row: str, column: str) -> CellRef:
        return CellRef("requests", row, column)

    for ref, value in last.values.items():
        if report.values[ref] is None:
            report.values[ref] = value
    moves = {req("new", "natural"): 3230, req("new", "commercial"): 61, req("granted", "natural"): 1402,
             req("partial", "natural"): 470, req("unable_not_held", "natural"): 801,
             req("rejected_repeated", "natural"): 31, req("other_other", "natural"): 120,
             CellRef("appeals", "data", "review.upheld"): 80, CellRef("appeals", "data", "review.corrected"): 58,
             CellRef("proactive", "regulations", "issued"): 2, CellRef("proactive", "normative_documents", "issued"): 9}
    report.values.update(moves)
    report.values.update(checker_for(report.template).totals_from_parts(report))
    for row in ("regulations", "normative_documents"):
        def cell(column: str, row: str = row) -> CellRef:
            return CellRef("proactive", row, column)
        report.values[cell("in_force")] = (last.values[cell("in_force")] + report.values[cell("issued")]
                                           - report.values[cell("repealed")])
    received = report.values[req("new", "total")]
    report.texts["overview"] = report.texts["overview"].replace("2024年，全市共受理政府信息公开申请3119件",
                                                                f"2025年，全市共受理政府信息公开申请{received}件")
    return report


def main() -> None:
    from PySide6.QtWidgets import QApplication

    from importers import read_report
    from models.values import CellRef
    from ui import theme
    from ui.app import install_translations
    from ui.main_window import MainWindow
    from ui.session import DocumentSession
    from ui.settings import AppSettings
    from ui.year_dialogs import NewFromLastDialog

    app = QApplication(sys.argv[:1])
    install_translations(app)
    theme.apply_app_look(app)
    OUT.mkdir(parents=True, exist_ok=True)
    last = read_report(LAST_YEAR).report
    with tempfile.TemporaryDirectory() as tmp:
        window = MainWindow(AppSettings(Path(tmp) / "s.ini"), Path(tmp) / "recovery")
        report = this_year(last)
        window.set_session(DocumentSession(report, None, dirty=True))
        screen = app.primaryScreen().availableGeometry()
        window.resize(min(1366, screen.width()), min(768, screen.height()))
        window.move(0, 0)
        window.show()
        settle(app, 400)
        # 从上年报告新建: the dialog after reading last year's published text.
        dialog = NewFromLastDialog(window, str(LAST_YEAR.parent))
        dialog.show()
        task = dialog.load(str(LAST_YEAR))
        for _ in range(100):
            if not task.running:
                break
            settle(app, 100)
        dialog.adjustSize()
        settle(app, 300)
        dialog.grab().save(str(OUT / "new-from-last.png"))
        dialog.close()
        # 表三 with 显示上年数据, the tooltip of a changed cell open.
        window.act_show_last_year.setChecked(True)
        page = window.pages["requests"]
        window.tabs.setCurrentWidget(page)
        settle(app, 200)
        shot_with_tooltip(app, window, page.view, CellRef("requests", "new", "natural"),  # type: ignore[attr-defined]
                          OUT / "last-year-shown.png")
        # 一 with the 上年正文 panel; last year's figures still standing in the copied text marked.
        window.act_show_last_year.setChecked(False)
        window.last_year_panel.show()
        window.resizeDocks([window.last_year_panel], [430], theme_orientation())
        window.tabs.setCurrentWidget(window.pages["overview"])
        finding = next(f for f in window.session.result if f.rule == "narrative.stale_number")  # type: ignore[union-attr]
        window.problems.select_finding(finding.key)
        window.show_finding(finding)
        settle(app, 400)
        window.grab().save(str(OUT / "last-year-text.png"))
        # The comparison as files.
        compare_files(report, last, Path(tmp))
        window.session.undo_stack.setClean()  # type: ignore[union-attr]
        window.session._dirty = False  # type: ignore[union-attr]
        window.close()
    print(f"screenshots written to {OUT}")


def theme_orientation():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal


def compare_files(report, last, tmp: Path) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from exporters.compare import write_comparison
    from models.compare import compare
    from models.last_year import LastYear
    from models.previous import source_of

    comparison = replace(compare(LastYear.of(last, source_of(LAST_YEAR)), report),
                         this_source="淮安市人民政府2025年年报.json")
    xlsx, pdf = tmp / "compare.xlsx", tmp / "compare.pdf"
    write_comparison(comparison, xlsx)
    write_comparison(comparison, pdf)
    if shutil.which("pdftoppm"):
        page = page_with(pdf, "三、收到和处理政府信息公开申请情况")
        subprocess.run(["pdftoppm", "-r", "80", "-f", str(page), "-l", str(page), "-png", "-singlefile", str(pdf),
                       str(ROOT / "docs" / "compare-pdf")], check=True)
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office and shutil.which("pdftoppm"):
        env = {**os.environ, "HOME": str(tmp)}
        subprocess.run([office, f"-env:UserInstallation=file://{tmp}/lo", "--headless", "--convert-to", "pdf",
                        "--outdir", str(tmp / "lo"), str(xlsx)], check=True, env=env, capture_output=True,
                       timeout=180)
        printed = tmp / "lo" / "compare.pdf"
        page = page_with(printed, "三、收到和处理政府信息公开申请情况")
        # 表三 is 28 columns wide: the print is small, so the picture shows its left, enlarged
        # (x, y, width, height in points of the landscape A4 page: the title to 三's 科研机构).
        subprocess.run(["pdftoppm", "-r", "220", "-f", str(page), "-l", str(page), "-x", "120", "-y", "168",
                        "-W", "1330", "-H", "760", "-png", "-singlefile", str(printed),
                        str(ROOT / "docs" / "compare-xlsx")], check=True)


def page_with(pdf: Path, words: str) -> int:
    """The first page (1-based) of ``pdf`` whose text has ``words``."""
    from pypdf import PdfReader

    for i, page in enumerate(PdfReader(pdf).pages, 1):
        if words in (page.extract_text() or "").replace(" ", "").replace("\n", ""):
            return i
    return 1


if __name__ == "__main__":
    main()
