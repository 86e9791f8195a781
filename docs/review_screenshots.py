"""The README's pictures of the 政务公开办's desk (issue 12). Run under a real X server:

    Xvfb :112 -screen 0 1366x768x24 &
    DISPLAY=:112 QT_QPA_PLATFORM=xcb python docs/review_screenshots.py

Builds a county's folder (13 units × 2022–2024, a few reports with errors or open warnings, two
years not submitted, a damaged file), reviews it in the real window and writes:

- ``docs/screenshots/review-filtered.png``: the reports list filtered by unit name as typed, a
  report with errors selected and its problems by table and cell;
- ``docs/screenshots/review-matrix.png``: the units × years matrix with 未提交 marked;
- ``docs/screenshots/rollup-dialog.png``: 文件 → 汇总多个报告… after summing the 2024 reports
  (the damaged file left out), with what the roll-up found;
- ``docs/review-summary.png``, ``docs/review-problems.png``, ``docs/review-submissions.png``: the
  review workbook (``review --out``) as LibreOffice prints it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHOTS = ROOT / "docs" / "screenshots"
DOCS = ROOT / "docs"
COUNTY = "某某县"
UNITS = ["发展和改革局", "教育局", "公安局", "民政局", "财政局", "人力资源和社会保障局", "自然资源局", "生态环境局",
         "住房和城乡建设局", "交通运输局", "卫生健康委员会", "城关镇人民政府", "东城街道办事处"]
YEARS = (2022, 2023, 2024)
MISSING = {("民政局", 2023), ("东城街道办事处", 2024)}


def unit_report(agency: str, year: int, scale: int):  # type: ignore[no-untyped-def]
    from models.report import Report
    from models.template import load_template
    from models.values import CellRef

    report = Report.blank(load_template("2021"), agency=agency, year=year)
    v = report.values
    for ref in report.cell_refs():
        v[ref] = 0
    for column, n in (("natural", 2 * scale), ("commercial", scale)):
        for row in ("new", "granted", "results_total"):
            v[CellRef("requests", row, column)] = n
    for row in ("new", "granted", "results_total"):
        v[CellRef("requests", row, "total")] = 3 * scale
    v[CellRef("proactive", "normative_documents", "in_force")] = 4 + scale
    v[CellRef("proactive", "licensing", "decisions")] = 40 * scale
    v[CellRef("proactive", "fees", "amount")] = Decimal("0.25") * scale
    report.texts.update(
        overview=f"{year}年，{agency}认真贯彻落实《条例》，全年共收到政府信息公开申请{3 * scale}件，均已按期答复。",
        problems=f"{year}年存在信息更新不够及时的问题，下一步将建立台账、定期巡查，加强审核。",
        other=f"{year}年本机关未收取信息处理费。",
    )
    return report


def build(folder: Path) -> None:
    from models import storage
    from models.values import CellRef

    for year in YEARS:
        (folder / f"{year}年度").mkdir(parents=True)
    for i, unit in enumerate(UNITS, start=1):
        agency = COUNTY + unit
        for year in YEARS:
            if (unit, year) in MISSING:
                continue
            report = unit_report(agency, year, i)
            if (unit, year) in (("教育局", 2024), ("公安局", 2023), ("交通运输局", 2024)):
                report.values[CellRef("requests", "results_total", "natural")] = 2 * i + 3  # a wrong total
            if (unit, year) == ("财政局", 2024):
                report.texts["problems"] = ""  # an empty section: a warning to confirm
            storage.save(report, folder / f"{year}年度" / f"{agency}{year}年报告.json")
    (folder / "2024年度" / "某某县审计局2024年报告（已损坏）.json").write_text('{"format": ', encoding="utf-8")


def settle(app, ms: int = 200) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    app.processEvents()


def grab(app, widget, path: Path) -> None:  # type: ignore[no-untyped-def]
    geo = widget.frameGeometry()
    app.primaryScreen().grabWindow(0, geo.x(), geo.y(), geo.width(), geo.height()).save(str(path))
    print("wrote", path)


def window_shots(folder: Path, settings_dir: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from models.review import ERRORS
    from ui import theme
    from ui.app import install_translations
    from ui.main_window import MainWindow
    from ui.review_models import ROW_ROLE
    from ui.settings import AppSettings

    app = QApplication.instance() or QApplication(sys.argv[:1])
    install_translations(app)
    theme.apply_app_look(app)
    window = MainWindow(AppSettings(settings_dir / "settings.ini"), settings_dir / "recovery")
    window.documents.start(str(ROOT / "resources" / "samples" / "wulong-hrss-2021.json"))
    window.show()
    review = window.desk.open_review([str(folder)])
    screen = app.primaryScreen().availableGeometry()
    review.setGeometry(screen.adjusted(0, 0, 0, -30))
    while review.running or not review.model.rowCount():
        settle(app, 100)
    settle(app, 300)
    for ch in "局":  # typed as a user would: the list narrows with each character
        review.unit_filter.insert(ch)
    review.status_filter.setCurrentIndex(0)
    review.year_filter.setCurrentIndex(review.year_filter.findData(2024))
    for r in range(review.proxy.rowCount()):
        row = review.proxy.index(r, 0).data(ROW_ROLE)
        if row.status == ERRORS:
            review.table.setCurrentIndex(review.proxy.index(r, 0))
            break
    while not review.problems.rowCount():
        settle(app, 100)
    settle(app, 400)
    grab(app, review, SHOTS / "review-filtered.png")
    review.unit_filter.clear()
    review.year_filter.setCurrentIndex(0)
    review.tabs.setCurrentIndex(1)
    settle(app, 400)
    grab(app, review, SHOTS / "review-matrix.png")
    review.close()
    rollup_shot(app, window, folder / "2024年度", settings_dir)
    window.documents.session.undo_stack.setClean()
    window.close()


def rollup_shot(app, window, year_folder: Path, work: Path) -> None:  # type: ignore[no-untyped-def]
    """The roll-up dialog once it summed the year's readable reports."""
    dialog = window.desk.rollup()
    dialog.add_paths(sorted(str(p) for p in year_folder.glob("*.json") if "已损坏" not in p.name))
    dialog.agency.setText(COUNTY + "人民政府")
    dialog.output.setText(str(work / f"{COUNTY}人民政府2024年政府信息公开工作年度报告（汇总）.xlsx"))
    dialog.resize(860, 600)
    dialog.move(window.geometry().center() - dialog.rect().center())
    task = dialog.run()
    while task is not None and task.running:
        settle(app, 100)
    settle(app, 400)
    grab(app, dialog, SHOTS / "rollup-dialog.png")
    dialog.close()


def workbook_shots(folder: Path, work: Path) -> None:
    out = work / "审核结果.xlsx"
    subprocess.run([sys.executable, str(ROOT / "main.py"), "review", str(folder), "--out", str(out)],
                   check=False, capture_output=True)
    profile = work / "lo-profile"
    env = {**os.environ, "HOME": str(work)}
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(work), str(out)], check=True, capture_output=True, env=env, timeout=180)
    pdf = work / "审核结果.pdf"
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(work / "page")], check=True)
    pages = sorted(work.glob("page-*.png"))
    texts = [subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), "-layout", str(pdf), "-"], check=True,
                            capture_output=True, text=True).stdout for i in range(1, len(pages) + 1)]
    for name, sheet in (("review-summary", "汇总"), ("review-problems", "问题清单"), ("review-submissions", "提交情况")):
        index = next(i for i, t in enumerate(texts) if f"{sheet} —" in t)
        shutil.copy(pages[index], DOCS / f"{name}.png")
        print("wrote", DOCS / f"{name}.png")


def main() -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="review-shots-") as tmp:
        work = Path(tmp)
        folder = work / f"{COUNTY}各单位年报"
        build(folder)
        window_shots(folder, work)
        workbook_shots(folder, work)


if __name__ == "__main__":
    main()
