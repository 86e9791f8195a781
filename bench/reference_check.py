"""The reference for ``bench_batch.py``: ``main.py check`` as it was before the batch engine
(commit 00cd11d), kept verbatim so the two run side by side on the same files in one run.

One process, one file after the other, ``json.dump`` of the whole result onto stdout.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _err(message: str) -> None:
    print(f"年报编辑器：{message}", file=sys.stderr)


def _read(path: str) -> Any:
    from importers import read_report

    return read_report(path)


def _read_errors() -> tuple[type[BaseException], ...]:
    from importers import ImportFailed
    from models.storage import ReportFileError

    return (ImportFailed, ReportFileError)


def cmd_check(files: Sequence[str], as_json: bool, previous_path: str | None) -> int:
    from models.checker import checker_for
    from models.findings import SEVERITY_LABEL, CheckResult

    errors = _read_errors()
    previous = None
    status = 0
    if previous_path:
        try:
            previous = _read(previous_path).report
        except errors as exc:
            _err(f"无法读取上年报告：{exc}")
            return 2
    out_files: list[dict[str, Any]] = []
    for path in files:
        try:
            imported = _read(path)
        except errors as exc:
            status = 2
            if as_json:
                out_files.append({"path": path, "error": str(exc)})
            else:
                _err(str(exc))
            continue
        report = imported.report
        prev = previous if previous is not None and previous.template is report.template else None
        checked = checker_for(report.template).check(report, prev)
        result = CheckResult({**{f.key: f for f in imported.findings}, **checked.mapping})
        if result.errors and status == 0:
            status = 1
        if as_json:
            out_files.append({
                "path": path,
                "agency": report.meta.agency,
                "year": report.meta.year,
                "template": report.template.id,
                "findings": [f.to_dict() for f in result.sorted()],
            })
            continue
        print(f"{path}：{report.meta.agency or '（未填机关名称）'} {report.meta.year or '？'}年（{report.template.id} 格式）")
        for f in result.sorted():
            state = "（已接受：" + (f.explanation or "") + "）" if f.accepted else ""
            print(f"  [{SEVERITY_LABEL[f.severity]}] {f.message}{state}  〈{f.rule}〉")
        print(f"  结论：{result.summary()}")
    if as_json:
        json.dump({"files": out_files}, sys.stdout, ensure_ascii=False)
        print()
    return status


if __name__ == "__main__":
    args = sys.argv[1:]
    as_json = "--json" in args
    sys.exit(cmd_check([a for a in args if a != "--json"], as_json, None))
