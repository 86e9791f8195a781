"""年报编辑器 — composition root and command line.

    python main.py [FILE]                     open the editor (FILE, else the last file)
    python main.py check FILE... [--json] [--previous LAST_YEAR]
    python main.py review FOLDER... [--out REVIEW.xlsx] [--json] [--previous-folder LAST]
    python main.py rollup OUT REPORT... --agency NAME [--year Y]
    python main.py convert IN OUT
    python main.py new OUT.json --from LAST_YEAR [--year Y] [--copy-texts]
    python main.py new OUT.json --agency NAME --year Y [--level L]
    python main.py compare LAST THIS --out FILE.(xlsx|pdf|html)
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
    new = sub.add_parser(
        "new",
        help="新建报告（可从上年报告新建）",
        description="新建一份报告文件（.json）。用 --from 从上年报告新建：年度为上年加一（或 --year），机关名称和层级不变，"
        "“上年结转”取上年报告的“结转下年度继续办理”，其余单元格空白，上年报告的数据保存在新文件中用于核对结转数；"
        "不用 --from 时须给出 --agency 和 --year，新建空白报告。",
    )
    new.add_argument("output", metavar="输出文件.json")
    new.add_argument("--from", dest="source", metavar="上年报告",
                     help="上年的报告（.json 报告文件、年报文本 .txt、网页 .html、Excel 工作簿 .xlsx 等可读取的文件）")
    new.add_argument("--year", type=int, metavar="年度", help="新报告的年度（从上年报告新建时默认为上年加一）")
    new.add_argument("--agency", metavar="机关名称", help="机关名称（新建空白报告时必填）")
    new.add_argument("--level", metavar="机关层级", help="机关层级，如 county 或 县级人民政府")
    new.add_argument("--copy-texts", action="store_true",
                     help="以上年正文作为起草基础（来自上年表格的数字会被标出，改为本年数字前一直提示警告）")
    new.add_argument("--force", action="store_true", help="输出文件已存在时覆盖它")
    compare = sub.add_parser(
        "compare",
        help="对比两个年度的报告",
        description="逐表逐格对比上年和本年的报告：上年、本年、增减、增减率，变化最大的单元格，结转核对结果；"
        "按输出文件的扩展名写成 Excel 工作簿（.xlsx）、PDF（.pdf）或网页（.html）。",
    )
    compare.add_argument("last", metavar="上年报告")
    compare.add_argument("this", metavar="本年报告")
    compare.add_argument("--out", required=True, metavar="对比结果", help="输出文件：.xlsx、.pdf 或 .html")
    return parser


def _gui_parser() -> argparse.ArgumentParser:
    _install_argparse_chinese()
    parser = _Parser(prog=COMMAND,
                     description=f"打开年报编辑器。子命令 check、review、rollup、convert、new、compare 见 {COMMAND} 子命令 -h。")
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

    # --json: the workers hand over each entry as the bytes to write (when stdout can take them)
    out = ChunkedWriter(sys.stdout, binary=as_json)
    options = Options(json=as_json, text=not as_json, previous_path=previous_path, encoding=out.encoding)
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
                listing.add(outcome.data if outcome.data is not None else outcome.json or "")
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


def cmd_new(output: str, source: str | None, year: int | None, agency: str | None, level: str | None,
            copy_texts: bool, force: bool) -> int:
    from pathlib import Path

    from models import storage
    from models.previous import source_of
    from models.year_cycle import (
        YearCycleError,
        blank_report,
        describe_carried,
        future_year,
        level_key,
        new_from_last,
    )

    out = Path(output)
    if out.suffix.lower() != storage.SUFFIX:
        _err(f"新报告只能保存为 {storage.SUFFIX} 报告文件，“{output}”不是")
        return 2
    if out.exists() and not force:
        _err(f"“{output}”已存在；要覆盖它请加 --force")
        return 2
    try:
        if source is not None:
            if agency is not None or level is not None:
                _err("从上年报告新建时，机关名称和层级取自上年报告，不能再给出 --agency、--level")
                return 2
            try:
                imported = _read(source)
            except _read_errors() as exc:
                _err(f"无法读取上年报告：{exc}")
                return 2
            made = new_from_last(imported.report, year=year, source=source_of(source), copy_texts=copy_texts)
            report = made.report
            if year is None and report.meta.year is not None and future_year(report.meta.year):
                # last year's file is this year's own report, most likely: ask for the year outright
                _err(f"所选的报告是 {imported.report.meta.year} 年度的，从它新建的将是 {report.meta.year} 年度的报告，而该年度"
                     f"还没有到。如果所选的就是本年度的报告，请改选上一年度的报告；确要新建 {report.meta.year} 年度的报告，"
                     f"请加 --year {report.meta.year}")
                return 2
            read_problems = sum(1 for f in imported.findings if f.severity != "info")
        else:
            if agency is None or year is None:
                _err("新建空白报告须给出 --agency 机关名称 和 --year 年度（或用 --from 从上年报告新建）")
                return 2
            if copy_texts:
                _err("--copy-texts 只能与 --from 一起使用")
                return 2
            report = blank_report(agency.strip(), year, level_key(level))
            made, read_problems = None, 0
    except YearCycleError as exc:
        _err(str(exc))
        return 2
    try:
        storage.save(report, out)
    except storage.ReportFileError as exc:
        _err(str(exc))
        return 2
    print(f"已新建 {report.title or output}：{out}")
    if made is not None:
        print(f"  上年报告：{report.previous.describe() if report.previous else source}")
        if read_problems:
            print(f"  注意：读取上年报告时有 {read_problems} 处需要核对（用 check 查看上年报告）")
        carried = describe_carried(report.template, made.carried)
        print("  从上年结转：" + ("；".join(carried) if carried else "无（上年报告没有可结转的数字）"))
        if made.copied_texts:
            print(f"  已复制上年正文 {len(made.copied_texts)} 部分；其中来自上年表格的数字须改为本年数字")
        for note in made.notes:
            print(f"  注意：{note}")
    return 0


def cmd_compare(last_path: str, this_path: str, out: str) -> int:
    from dataclasses import replace
    from pathlib import Path

    from exporters import ExportFailed
    from exporters.compare import COMPARE_SUFFIXES, write_comparison
    from models.compare import compare
    from models.last_year import LastYear
    from models.previous import source_of
    from models.storage import ReportFileError

    if Path(out).suffix.lower() not in COMPARE_SUFFIXES:
        _err(f"对比结果只能写成 {'、'.join(COMPARE_SUFFIXES)}，“{out}”不是")
        return 2
    reports = []
    for label, path in (("上年", last_path), ("本年", this_path)):
        try:
            reports.append(_read(path).report)
        except _read_errors() as exc:
            _err(f"无法读取{label}报告：{exc}")
            return 2
    comparison = replace(compare(LastYear.of(reports[0], source_of(last_path)), reports[1]),
                         this_source=Path(this_path).name)
    try:
        write_comparison(comparison, out)
    except (ExportFailed, ReportFileError) as exc:
        _err(str(exc))
        return 2
    for note in comparison.notes:
        _err(f"注意：{note}")
    print(f"对比结果已写入 {out}（{sum(t.changed for t in comparison.tables)} 个单元格有变化，"
          f"结转核对 {len(comparison.findings)} 条）")
    return 0


class _Printable:
    """A text stream that writes :func:`printable` text (JSON stays valid: json.dumps has
    already escaped every control character, and ``\\uXXXX`` is a JSON escape)."""

    def __init__(self, stream: Any) -> None:
        from batch.output import printable  # the command line's output filter (not the editor's start-up)

        self._stream = stream
        self._printable = printable

    def write(self, text: str) -> int:
        return int(self._stream.write(self._printable(text)))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")  # a GBK console must not crash on a rare character
    if args and args[0] in ("check", "review", "rollup", "convert", "new", "compare"):
        streams = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = _Printable(sys.stdout), _Printable(sys.stderr)  # type: ignore[assignment]
        try:
            return _main(args)
        finally:
            sys.stdout, sys.stderr = streams
    return _main(args)


def _main(args: list[str]) -> int:
    try:
        if args and args[0] in ("check", "review", "rollup", "convert", "new", "compare"):
            ns = build_parser().parse_args(args)
            if ns.command == "check":
                return cmd_check(ns.files, ns.json, ns.previous)
            if ns.command == "review":
                return cmd_review(ns.folders, ns.out, ns.json, ns.previous_folder)
            if ns.command == "rollup":
                return cmd_rollup(ns.output, ns.reports, ns.agency, ns.year)
            if ns.command == "new":
                return cmd_new(ns.output, ns.source, ns.year, ns.agency, ns.level, ns.copy_texts, ns.force)
            if ns.command == "compare":
                return cmd_compare(ns.last, ns.this, ns.out)
            return cmd_convert(ns.input, ns.output, ns.check_page)
        plain, file = _plain_gui_args(args)
        if not plain:
            file = _gui_parser().parse_args(args).file
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

    return run_gui(file)


def _plain_gui_args(args: list[str]) -> tuple[bool, str | None]:
    """``(True, FILE or None)`` for a plain ``main.py [FILE]`` (a desk's double-click, the
    start-up bench), read without building the argument parser (≈ 3 ms of the editor's
    start-up); ``(False, None)`` when argparse must read them (an option, ``--``, two files)."""
    if not args:
        return True, None
    if len(args) == 1 and not args[0].startswith("-"):
        return True, args[0]
    return False, None


if __name__ == "__main__":
    if getattr(sys, "frozen", False):  # batch workers of a frozen (bundled) program on Windows
        import multiprocessing  # not imported otherwise: 25 ms of the editor's start-up

        multiprocessing.freeze_support()
    sys.exit(main())
