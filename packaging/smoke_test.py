"""Smoke test of a built bundle, run as a desk would run it: no Python, no source tree.

    python packaging/smoke_test.py dist/nianbao/nianbao [--gui-exe dist/nianbao/nianbao.exe]
                                   [--platform offscreen|xcb] [--keep DIR]

The bundle is first copied to a scratch folder and started from there with an empty
environment (``env -i PATH=/usr/bin:/bin``), so nothing can come from the source tree or the
build venv. Checks, each a failure with its reason:

- ``--version`` prints the version written in models/version.py;
- ``check`` of the bundled sample exits 0, of a report with a wrong total 1, of a missing file 2,
  ``--json`` prints the spec's shape;
- ``convert`` writes a PDF whose fonts are all embedded and whose text has the agency's name, an
  .xlsx that openpyxl reads, a .json equal to the sample;
- every subcommand ``main.py`` has runs once (SUBCOMMANDS below: a new subcommand must be added
  there, so that the modules it imports lazily are proven to be in the bundle);
- the editor's window opens on the sample and is painted (``NIANBAO_QUIT_WHEN_SHOWN``).

Runs with the dev venv's Python (it reads the PDF and workbook back with pypdf and openpyxl).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SAMPLE_NAME = "wulong-hrss-2021.json"
AGENCY = "重庆市武隆区人力资源和社会保障局"
WINDOWS = sys.platform == "win32"


class SmokeFailure(Exception):
    pass


def bare_env(**extra: str) -> dict[str, str]:
    """What ``env -i PATH=/usr/bin:/bin`` leaves (on Windows: the system folder only)."""
    if WINDOWS:
        root = os.environ.get("SYSTEMROOT", r"C:\Windows")
        env = {"SystemRoot": root, "PATH": rf"{root}\system32;{root}", "TEMP": tempfile.gettempdir(),
               "TMP": tempfile.gettempdir()}
    else:
        env = {"PATH": "/usr/bin:/bin"}
    env.update(extra)
    return env


class Bundle:
    def __init__(self, exe: Path, gui_exe: Path, work: Path) -> None:
        self.exe, self.gui_exe, self.work = exe, gui_exe, work

    def run(self, *args: str, expect: int = 0, env: dict[str, str] | None = None, exe: Path | None = None,
            timeout: float = 120, expect_any: tuple[int, ...] = ()) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([str(exe or self.exe), *args], cwd=self.work, env=env or bare_env(),
                              capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=timeout)
        if proc.returncode not in (expect_any or (expect,)):
            raise SmokeFailure(f"`nianbao {' '.join(args)}` exited {proc.returncode}, expected {expect}\n"
                               f"stdout: {proc.stdout[-2000:]}\nstderr: {proc.stderr[-2000:]}")
        return proc


# ---------------------------------------------------------------------- the checks


def check_version(b: Bundle) -> str:
    from models.version import VERSION

    out = b.run("--version").stdout.strip()
    if not out.endswith(VERSION):
        raise SmokeFailure(f"--version printed {out!r}, expected the version {VERSION}")
    return out


def check_check(b: Bundle) -> str:
    out = b.run("check", SAMPLE_NAME).stdout
    if AGENCY not in out:
        raise SmokeFailure(f"check did not name the agency:\n{out}")
    data = json.loads(b.run("check", "--json", SAMPLE_NAME).stdout)
    if [f["path"] for f in data["files"]] != [SAMPLE_NAME] or data["files"][0]["agency"] != AGENCY:
        raise SmokeFailure(f"check --json printed {data!r}")
    broken = json.loads((b.work / SAMPLE_NAME).read_text(encoding="utf-8"))
    broken["sections"]["requests"]["new"]["total"] += 4  # the parts no longer add up to it
    (b.work / "broken.json").write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    out = b.run("check", "broken.json", expect=1).stdout
    if "错误" not in out:
        raise SmokeFailure(f"check of a wrong total printed no 错误:\n{out}")
    err = b.run("check", "missing.json", expect=2).stderr
    if "missing.json" not in err or "Traceback" in err:
        raise SmokeFailure(f"check of a missing file: {err!r}")
    return "exit codes 0 / 1 / 2, --json"


def unembedded_fonts(pdf: Path) -> tuple[list[str], list[str]]:
    from pypdf import PdfReader

    names, missing = [], []
    for page in PdfReader(pdf).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            leaf = descendants.get_object()[0].get_object() if descendants else font
            descriptor = leaf.get("/FontDescriptor")
            name = str(font.get("/BaseFont"))
            names.append(name)
            descriptor = descriptor.get_object() if descriptor else {}
            if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.append(name)
    return sorted(set(names)), sorted(set(missing))


def check_convert(b: Bundle) -> str:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    b.run("convert", SAMPLE_NAME, "out.pdf")
    fonts, missing = unembedded_fonts(b.work / "out.pdf")
    if not fonts or missing:
        raise SmokeFailure(f"PDF fonts {fonts}, not embedded: {missing}")
    text = "".join(page.extract_text() or "" for page in PdfReader(b.work / "out.pdf").pages)
    if AGENCY not in text.replace("\n", ""):
        raise SmokeFailure("the PDF's text does not have the agency's name")
    b.run("convert", SAMPLE_NAME, "out.xlsx")
    sheets = load_workbook(b.work / "out.xlsx").sheetnames
    if len(sheets) < 3:
        raise SmokeFailure(f"the workbook has only the sheets {sheets}")
    b.run("convert", "out.xlsx", "back.json")
    b.run("check", "back.json")
    # Every other output format, and reading our own PDF and Word file back (pdfplumber, python-docx).
    from exporters import EXPORT_SUFFIXES

    for suffix in sorted(set(EXPORT_SUFFIXES) - {".json", ".pdf", ".xlsx", ".htm"}):
        b.run("convert", SAMPLE_NAME, f"out{suffix}")
        if not (b.work / f"out{suffix}").stat().st_size:
            raise SmokeFailure(f"convert wrote an empty out{suffix}")
    from importers import SUFFIXES as READ_SUFFIXES

    for suffix in (".pdf", ".docx"):
        if suffix in READ_SUFFIXES:
            out = b.run("check", f"out{suffix}", expect_any=(0, 1)).stdout
            if AGENCY not in out:
                raise SmokeFailure(f"check out{suffix} did not read the agency back:\n{out}")
    b.run("convert", SAMPLE_NAME, "same.json")
    if json.loads((b.work / "same.json").read_text(encoding="utf-8")) != json.loads(
            (b.work / SAMPLE_NAME).read_text(encoding="utf-8")):
        raise SmokeFailure("convert to .json changed the sample")
    return (f"PDF with {len(fonts)} embedded fonts, .xlsx ({len(sheets)} sheets) read back, .json unchanged, "
            f"{', '.join(sorted(EXPORT_SUFFIXES))} written, .pdf/.docx read back")


def check_review(b: Bundle) -> str:
    """review of a folder big enough for the batch engine's worker processes (which a frozen
    program must start itself: multiprocessing.freeze_support in main.py)."""
    folder = b.work / "review-in"
    folder.mkdir(exist_ok=True)
    sample = (b.work / SAMPLE_NAME).read_bytes()
    for i in range(500):
        (folder / f"r{i:03d}.json").write_bytes(sample)
    data = json.loads(b.run("review", "--json", "review-in").stdout)
    if len(data["files"]) != 500 or data["summary"]["unreadable"]:
        raise SmokeFailure(f"review --json listed {len(data['files'])} of 500 reports: {data['summary']}")
    b.run("review", "review-in", "--out", "review.xlsx")
    if not (b.work / "review.xlsx").stat().st_size:
        raise SmokeFailure("review --out wrote an empty workbook")
    return "500 reports reviewed on worker processes, workbook written"


# Each subcommand of main.py, run once in the bundle (its lazily imported modules must be there).
# A subcommand main.py gains must be added here; check_subcommands fails until it is.
SUBCOMMANDS: dict[str, Callable[[Bundle], object]] = {
    "check": lambda b: b.run("check", SAMPLE_NAME),
    "convert": lambda b: b.run("convert", SAMPLE_NAME, "sub.pdf"),
    "review": check_review,
    "rollup": lambda b: b.run("rollup", "rollup.xlsx", SAMPLE_NAME, "--agency", "某某县人民政府"),
    "new": lambda b: b.run("new", "next-year.json", "--from", SAMPLE_NAME, "--copy-texts", "--force"),
    "compare": lambda b: [b.run("compare", SAMPLE_NAME, "next-year.json", "--out", f"compare{suffix}")
                          for suffix in (".xlsx", ".pdf", ".html")],
}


def main_subcommands() -> list[str]:
    import main

    parser = main.build_parser()
    for action in parser._actions:  # argparse has no public list of subparsers
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    return []


def check_subcommands(b: Bundle) -> str:
    names = main_subcommands()
    untested = [n for n in names if n not in SUBCOMMANDS]
    if untested:
        raise SmokeFailure(f"main.py has subcommands the smoke test does not run: {untested} "
                           "(add them to SUBCOMMANDS in packaging/smoke_test.py)")
    for name in names:
        help_text = b.run(name, "-h").stdout
        if "用法" not in help_text:
            raise SmokeFailure(f"`{name} -h` is not in Chinese:\n{help_text}")
        SUBCOMMANDS[name](b)
    return ", ".join(names)


def check_window(b: Bundle, platform: str) -> str:
    env = bare_env(NIANBAO_QUIT_WHEN_SHOWN="1", QT_QPA_PLATFORM=platform)
    if not WINDOWS:
        env.update(HOME=str(b.work / "home"), LANG="C.UTF-8")
        if platform == "xcb":
            env["DISPLAY"] = os.environ.get("DISPLAY", ":0")
    else:
        env.update(USERPROFILE=str(b.work / "home"), APPDATA=str(b.work / "home" / "AppData"))
    t0 = time.perf_counter()
    out = b.run(SAMPLE_NAME, env=env, exe=b.gui_exe, timeout=120).stdout
    # A windowed .exe has no stdout: its exit 0 says it quit at the first paint.
    has_stdout = not WINDOWS or b.gui_exe == b.exe
    if has_stdout and ("SHOWN" not in out or AGENCY not in out):
        raise SmokeFailure(f"the window did not show the sample: {out!r}")
    return f"window painted on {platform} in {time.perf_counter() - t0:.2f} s"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("exe", type=Path, help="the bundle's executable (dist/nianbao/nianbao)")
    ap.add_argument("--gui-exe", type=Path, help="Windows: the windowed executable (nianbao.exe)")
    ap.add_argument("--platform", default="offscreen", help="Qt platform for the window check (xcb needs DISPLAY)")
    ap.add_argument("--keep", type=Path, help="leave the outputs (PDF, workbook) in this folder")
    args = ap.parse_args()
    exe = args.exe.resolve()
    if not exe.is_file():
        print(f"smoke test: no bundle at {exe}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="nianbao-smoke-") as tmp_name:
        tmp = Path(tmp_name)
        copy = tmp / "bundle"
        shutil.copytree(exe.parent, copy, symlinks=True)  # started away from the source tree
        work = args.keep.resolve() if args.keep else tmp / "work"
        work.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / "resources" / "samples" / SAMPLE_NAME, work / SAMPLE_NAME)
        gui_exe = copy / (args.gui_exe or exe).name
        bundle = Bundle(copy / exe.name, gui_exe, work)
        checks: list[tuple[str, Callable[[], str]]] = [
            ("--version", lambda: check_version(bundle)),
            ("check", lambda: check_check(bundle)),
            ("convert", lambda: check_convert(bundle)),
            ("subcommands", lambda: check_subcommands(bundle)),
            ("window", lambda: check_window(bundle, args.platform)),
        ]
        failed = 0
        for name, check in checks:
            t0 = time.perf_counter()
            try:
                detail = check()
            except (SmokeFailure, subprocess.TimeoutExpired) as exc:
                failed += 1
                print(f"FAIL {name}: {exc}")
                continue
            print(f"ok   {name}: {detail} ({time.perf_counter() - t0:.1f} s)")
    print(f"smoke: {len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
