"""年报编辑器 — composition root and command line.

    python main.py [FILE]                     open the editor (FILE, else the last file)
    python main.py check FILE... [--json] [--previous LAST_YEAR]
    python main.py review FOLDER... [--out REVIEW.xlsx] [--json] [--previous-folder LAST]
    python main.py rollup OUT REPORT... --agency NAME [--year Y]
    python main.py convert IN OUT
    python main.py --version

The command line never shows a traceback: bad arguments and unreadable files give one Chinese
line on stderr (exit 2); ``check`` exits 1 when a report has an error finding.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

PROG = "年报编辑器"
# How the user started us, for the usage lines: the bundle's executable, else the script.
COMMAND = "nianbao" if getattr(sys, "frozen", False) else "main.py"

# argparse prints its own headings through gettext; give them in Chinese.
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "expected one argument": "需要一个参数",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r（应为整数）",
}


def _install_argparse_chinese() -> None:
    original = argparse._  # type: ignore[attr-defined]
    argparse._ = lambda s: _ARGPARSE_ZH.get(s, original(s))  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}：参数错误：{message}（用 -h 查看用法）\n")


def _add_version(parser: argparse.ArgumentParser) -> None:
    from models.version import VERSION

    parser.add_argument("--version", action="version", version=f"{PROG} {VERSION}", help="显示版本号并退出")


def build_parser() -> argparse.ArgumentParser:
    _install_argparse_chinese()
    parser = _Parser(
        prog=COMMAND,
        description="年报编辑器：政府信息公开工作年度报告的编辑、校验与导出。不带子命令时打开编辑器。",
    )
    _add_version(parser)
    sub = parser.add_subparsers(dest="command", metavar="子命令", parser_class=_Parser)
    check = sub.add_parser(
        "check",
        help="校验报告，列出所有问题",
        description="校验一份或多份报告（.json 报告文件、年报网页 .html、年报文本 .txt、Word 文档 .docx、PDF、Excel 工作簿 .xlsx）。"
        "退出码：0 无错误；1 有错误；2 有文件无法读取。",
    )
    check.add_argument("files", nargs="+", metavar="文件", help="要校验的报告")
    check.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    check.add_argument("--previous", metavar="上年报告", help="上一年度的报告，用于核对结转数等")
    review = sub.add_parser(
        "review",
        help="审核文件夹中各单位历年的报告",
        description="审核文件夹（含子文件夹和 .zip 压缩包）中的所有报告：逐份校验，按单位和年度列出状态"
        "（有错误/待确认/通过），标出各单位未提交的年度，并用上一年度的报告核对结转数。"
        "退出码同 check：0 无错误；1 有报告有错误；2 有文件无法读取。",
    )
    review.add_argument("folders", nargs="+", metavar="文件夹", help="要审核的文件夹（或文件、.zip）")
    review.add_argument("--out", metavar="审核结果.xlsx", help="把审核结果写成 Excel 工作簿（汇总、问题清单、提交情况）")
    review.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    review.add_argument("--previous-folder", metavar="上年文件夹", action="append", default=[],
                        help="上一年度报告所在的文件夹（只用于核对结转数，不列入审核；可多次指定）")
    rollup = sub.add_parser(
        "rollup",
        help="把各单位的报告汇总成一份报告",
        description="把多个单位同一年度、同一格式的报告逐项相加（金额精确到分毫），写成一份汇总报告；"
        "某单位未填写的单元格汇总后留空并列出单位（不按 0 计算）。按输出文件的扩展名写出 .json、.xlsx"
        "（另含“分单位明细”表）或 .pdf。年度或格式不一致时拒绝汇总，不写任何文件。"
        "退出码：0 已写出；1 已写出但有需要核对的问题；2 未汇总。",
    )
    rollup.add_argument("output", metavar="输出文件", help="汇总报告（.json、.xlsx 或 .pdf）")
    rollup.add_argument("reports", nargs="+", metavar="报告", help="各单位的报告（文件、文件夹或 .zip）")
    rollup.add_argument("--agency", required=True, metavar="机关名称", help="汇总报告的机关名称，如“某某县人民政府”")
    rollup.add_argument("--year", type=int, metavar="年度", help="只汇总这一年度（有其他年度的报告时拒绝汇总）")
    convert = sub.add_parser(
        "convert",
        help="转换报告格式",
        description="读取 .json/.txt/.html/.docx/.pdf/.xlsx，按输出文件的扩展名写出 .json、.pdf、.xlsx、.docx 或 .html。",
    )
    convert.add_argument("input", metavar="输入文件")
    convert.add_argument("output", metavar="输出文件")
    convert.add_argument("--check-page", action="store_true",
                         help="PDF 末页附“校验说明”（已接受的警告及说明、尚未解决的问题），供审核人员使用")
    return parser


def _gui_parser() -> argparse.ArgumentParser:
    _install_argparse_chinese()
    parser = _Parser(prog=COMMAND, description=f"打开年报编辑器。子命令 check、review、rollup、convert 见 {COMMAND} 子命令 -h。")
    parser.add_argument("file", nargs="?", metavar="文件", help="要打开的报告（默认打开上次的文件）")
    _add_version(parser)
    return parser


# ---------------------------------------------------------------------- commands


def _err(message: str) -> None:
    print(f"{PROG}：{message}", file=sys.stderr)


def _read(path: str) -> Any:
    from importers import read_report

    return read_report(path)


def _read_errors() -> tuple[type[BaseException], ...]:
    from importers import ImportFailed
    from models.storage import ReportFileError

    return (ImportFailed, ReportFileError)


def cmd_check(files: Sequence[str], as_json: bool, previous_path: str | None) -> int:
    """Check the files in the given order on the batch engine (both cores when there are many)."""
    from batch.engine import Job, Options, PreviousUnreadable, run
    from batch.output import ChunkedWriter, JsonList
    from batch.sources import Source

    options = Options(json=as_json, text=not as_json, previous_path=previous_path)
    out = ChunkedWriter(sys.stdout)
    listing = JsonList(out) if as_json else None
    status = 0
    try:
        for outcome in run([Job(Source(path)) for path in files], options):
            if outcome.error is not None:
                status = 2
                if listing is None:
                    out.flush()  # keep stdout and stderr in the order of the files
                    _err(outcome.error)
            elif outcome.errors and status == 0:
                status = 1
            if listing is not None:
                listing.add(outcome.json or "")
            elif outcome.text:
                out.write(outcome.text)
    except PreviousUnreadable as exc:
        _err(f"无法读取上年报告：{exc}")
        return 2
    if listing is not None:
        listing.close()
    out.flush()
    return status


def cmd_review(folders: Sequence[str], out: str | None, as_json: bool, previous_folders: Sequence[str]) -> int:
    from pathlib import Path

    from batch.engine import Options
    from batch.review import Review, write_review
    from models.storage import ReportFileError

    if out is not None and Path(out).suffix.lower() != ".xlsx":
        _err(f"审核结果只能写成 .xlsx 工作簿，“{out}”不是")
        return 2
    review = Review(folders, previous_folders, Options(json=as_json, problems=not as_json or out is not None))
    try:
        status = write_review(review, json_out=sys.stdout if as_json else None,
                              text_out=None if as_json else sys.stdout, workbook=out)
    except ReportFileError as exc:
        _err(str(exc))
        return 2
    if out is not None and not as_json:
        print(f"审核结果已写入 {out}")
    return status


def cmd_rollup(output: str, reports: Sequence[str], agency: str, year: int | None) -> int:
    from batch.rollup import check_target, read_rollup, write_rollup
    from exporters import ExportFailed
    from models.findings import SEVERITY_LABEL
    from models.rollup import RollupRefused
    from models.storage import ReportFileError

    try:
        check_target(output)
        rollup = read_rollup(reports, agency, year)
        assert rollup is not None
        write_rollup(rollup, output)
    except RollupRefused as exc:
        _err(f"未汇总：{exc}")
        return 2
    except (ExportFailed, ReportFileError) as exc:
        _err(str(exc))
        return 2
    meta = rollup.report.meta
    print(f"已把 {len(rollup.units)} 个单位的 {meta.year} 年度报告汇总为“{meta.agency}”的报告，写入 {output}")
    for f in rollup.findings:
        print(f"  [{SEVERITY_LABEL[f.severity]}] {f.message}")
    return 1 if rollup.findings else 0


def cmd_convert(src: str, dst: str, check_page: bool = False) -> int:
    from pathlib import Path

    from exporters import EXPORT_SUFFIXES, ExportFailed, write_report
    from models.checker import check_report
    from models.storage import ReportFileError

    if Path(dst).suffix.lower() not in EXPORT_SUFFIXES:
        _err(f"不支持输出为“{Path(dst).suffix or dst}”；支持：{'、'.join(EXPORT_SUFFIXES)}")
        return 2
    try:
        imported = _read(src)
    except _read_errors() as exc:
        _err(str(exc))
        return 2
    report = imported.report
    problems = [f for f in imported.findings if f.severity != "info"]
    if problems:
        _err(f"导入“{src}”时有 {len(problems)} 处需要核对（用 check 查看）")
    errors = check_report(report).errors
    if errors and Path(dst).suffix.lower() != ".json":
        _err(f"警告：报告还有 {len(errors)} 个错误，已按原样导出（用 check 查看）")
    try:
        write_report(report, dst, include_check_page=check_page)
    except (ExportFailed, ReportFileError) as exc:
        _err(str(exc))
        return 2
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")  # a GBK console must not crash on a rare character
    try:
        if args and args[0] in ("check", "review", "rollup", "convert"):
            ns = build_parser().parse_args(args)
            if ns.command == "check":
                return cmd_check(ns.files, ns.json, ns.previous)
            if ns.command == "review":
                return cmd_review(ns.folders, ns.out, ns.json, ns.previous_folder)
            if ns.command == "rollup":
                return cmd_rollup(ns.output, ns.reports, ns.agency, ns.year)
            return cmd_convert(ns.input, ns.output, ns.check_page)
        ns = _gui_parser().parse_args(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and closed: not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # the last line of defence: one line, never a traceback
        _err(f"内部错误：{type(exc).__name__}: {exc}")
        return 2
    from ui.app import run_gui

    return run_gui(ns.file)


if __name__ == "__main__":
    import multiprocessing

    multiprocessing.freeze_support()  # batch workers of a frozen (bundled) program on Windows
    sys.exit(main())
