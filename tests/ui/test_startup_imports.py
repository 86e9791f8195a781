"""What the editor has loaded when its window is first painted (issue 8 item 10: start-up speed).

``python main.py SAMPLE`` runs in a subprocess, as a desk starts it, with a probe at the window's
first paint: the modules imported so far, which of them came after PySide (its import hook reads
the source of each), and which Qt classes PySide has set up (each costs its Python enums). Each
assertion names something the start-up once paid for and must not pay again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "resources" / "samples" / "wulong-hrss-2021.json"

PROBE = textwrap.dedent("""
    import json, os, runpy, sys

    before_qt = []


    class FirstQtImport:  # remembers the modules loaded before PySide6 (and finds nothing itself)
        def find_spec(self, name, path=None, target=None):
            if name == "PySide6" and not before_qt:
                before_qt.extend(sys.modules)
            return None


    sys.meta_path.insert(0, FirstQtImport())
    import ui.app


    def probe(app, window):
        def at_paint():
            from PySide6 import QtCore, QtGui, QtWidgets
            from models.checker import check_report

            session = window.session
            print("PROBE " + json.dumps({
                "modules": sorted(sys.modules),
                "after_qt": sorted(m for m in sys.modules if m not in before_qt),
                "qt_classes": sorted(k for m in (QtCore, QtGui, QtWidgets) for k in vars(m)),
                "title": window.windowTitle(),
                "findings": len(session.result),
                "expected_findings": len(check_report(session.report)),
                "problems_listed": window.problems.model.rowCount(),
                "summary": window.summary_label.text(),
            }), flush=True)
        ui.app.at_first_paint(window, at_paint, app.quit)


    ui.app.quit_when_shown = probe
    sys.argv = ["main.py", sys.argv[1]]
    runpy.run_path("main.py", run_name="__main__")
""")


@pytest.fixture(scope="module")
def at_first_paint(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    home = tmp_path_factory.mktemp("home")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NIANBAO_QUIT_WHEN_SHOWN="1", HOME=str(home),
               XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"))
    proc = subprocess.run([sys.executable, "-c", PROBE, str(SAMPLE)], cwd=ROOT, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("PROBE ")]
    assert proc.returncode == 0 and lines, proc.stdout + proc.stderr
    data: dict[str, Any] = json.loads(lines[0].removeprefix("PROBE "))
    return data


def test_the_first_paint_shows_the_sample_checked(at_first_paint: dict[str, Any]) -> None:
    assert "2021年政府信息公开工作年度报告" in at_first_paint["title"]
    # the same findings as a check of the report (the sample, as shipped, has none to show)
    assert at_first_paint["findings"] == at_first_paint["expected_findings"] == at_first_paint["problems_listed"]
    assert at_first_paint["summary"], "the status bar's summary of the check is shown from the first paint"


def test_every_domain_module_is_imported_before_pyside(at_first_paint: dict[str, Any]) -> None:
    """PySide's import hook reads the whole source of each module imported after it (ui/app.py
    imports the report's modules first): a domain module the window starts to need must be added there."""
    late = [m for m in at_first_paint["after_qt"] if m.split(".")[0] == "models"]
    assert late == []


def test_what_only_the_command_line_or_a_dialog_needs_is_not_loaded(at_first_paint: dict[str, Any]) -> None:
    modules = set(at_first_paint["modules"])
    # exporters, importers and the batch engine: a menu command or the command line
    assert not {m for m in modules if m.split(".")[0] in ("exporters", "importers", "batch")}
    assert not modules & {"openpyxl", "reportlab", "pypdfium2", "docx", "pdfplumber", "multiprocessing"}
    # the file's fingerprint is hashed when first compared with the disk, after the paint (OpenSSL: ≈ 2 ms)
    assert not modules & {"hashlib", "_hashlib"}


def test_message_boxes_are_set_up_at_the_first_message(at_first_paint: dict[str, Any]) -> None:
    assert "QMessageBox" not in at_first_paint["qt_classes"]  # its enums: ≈ 1.5 ms

