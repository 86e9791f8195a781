"""The file names the editor suggests are built from the report (the agency): never a path
(issue 7, item 7)."""

from __future__ import annotations

from pathlib import Path, PureWindowsPath
from typing import Any

from models.report import Report
from models.template import load_template


def test_the_export_dialog_suggests_a_safe_name(qtbot: Any, make_window: Any, dialogs_log: Any,
                                                 tmp_path: Path) -> None:
    report = Report.blank(load_template("2021"), agency="../../../tmp/evil", year=2024)
    window = make_window(report)
    dialogs_log.answers["get_save_path"] = None
    dialogs_log.answers["ask_yes_no"] = True
    window.documents.export(".pdf")
    suggested = [args for name, args in dialogs_log.calls if name == "get_save_path"][-1][1]
    name = PureWindowsPath(suggested).name if "\\" in suggested else Path(suggested).name
    assert ".." not in suggested  # the name cannot leave the folder the dialog opens in
    assert Path(suggested).parent.resolve() == Path(suggested).resolve().parent
    assert name.endswith(".pdf") and "evil" in name and "/" not in name
