"""Shrink the ICU data Qt carries in the Linux bundle from ~31 MB to ~11 MB.

    python3 packaging/trim_icu.py dist/nianbao            trim the bundle's ICU data
    python packaging/trim_icu.py --verify dist/nianbao    (a Python with PySide6) compare Qt's answers
                                                          with the bundle's data and the full data

Qt's libicudata.so.NN holds the data of every locale ICU knows (currency, language, region,
unit and time-zone names, collation, spell-out rules for ~700 locales) and ~190 legacy
converters. Qt uses ICU for collation (the file dialog's sorting), the non-Unicode converters
and some locale names; the editor runs in Chinese. We keep: the root, zh* and en* locales (and
what they inherit from), every break iterator and normalisation table, transliteration, the
time-zone data, and the converters for Chinese and the common Western code pages; ICU falls
back to the root locale for anything else, as it does for any locale it lacks.

How: the data is one symbol (``icudtNN_dat``) in the library; ``icupkg`` (icu-devtools) removes
items from it, ``as``/``ld`` (binutils) wrap the result into a library with the same soname.
Without icupkg the bundle is left as it is (bigger, equally correct). Stdlib only.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

KEEP_LOCALE = re.compile(r"^(root|pool|res_index|en|en_[A-Za-z0-9_]+|zh|zh_[A-Za-z0-9_]+)\.res$")
LOCALE_RES = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]+)*\.res$")
LOCALE_TREES = ("curr", "lang", "region", "unit", "zone", "coll", "rbnf")
KEEP_CONVERTERS = ("gb18030", "windows-936", "ibm-1383", "ibm-1386", "ibm-5478", "windows-950", "ibm-950",
                   "ibm-1373", "icu-internal", "ibm-1252", "ibm-5348", "ibm-437", "iso-8859", "ibm-91")


def removable(item: str) -> bool:
    tree, _, name = item.rpartition("/")
    if tree in LOCALE_TREES:
        return not KEEP_LOCALE.match(name) and not name.startswith(("ucadata", "pool", "res_index"))
    if tree == "" and LOCALE_RES.match(name):
        return not KEEP_LOCALE.match(name)
    if tree == "" and name.endswith(".cnv"):
        return not name.startswith(KEEP_CONVERTERS)
    return False


def symbol_blob(lib: Path, symbol: str) -> bytes:
    """The bytes of ``symbol`` (file offset = address in these data-only libraries; checked)."""
    out = subprocess.run(["readelf", "-W", "-S", "-s", str(lib)], capture_output=True, text=True, check=True).stdout
    rodata = re.search(r"\.rodata\s+PROGBITS\s+([0-9a-f]+)\s+([0-9a-f]+)", out)
    sym = re.search(rf"\s([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s+GLOBAL\s+DEFAULT\s+\d+\s+{symbol}$", out, re.M)
    if not rodata or not sym or int(rodata.group(1), 16) != int(rodata.group(2), 16):
        raise SystemExit(f"trim_icu: unexpected layout of {lib}")
    start, size = int(sym.group(1), 16), int(sym.group(2), 0)  # readelf writes big sizes in hex
    return lib.read_bytes()[start:start + size]


def trim(lib: Path) -> tuple[int, int]:
    version = lib.name.rsplit(".", 1)[-1]
    package = f"icudt{version}l"
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        full, small = tmp / "in" / f"{package}.dat", tmp / "out" / f"{package}.dat"  # the name is the package's
        full.parent.mkdir()
        small.parent.mkdir()
        full.write_bytes(symbol_blob(lib, f"icudt{version}_dat"))
        items = subprocess.run(["icupkg", "-l", str(full)], capture_output=True, text=True, check=True).stdout.split()
        remove = {item for item in items if removable(item)}
        for _ in range(50):  # keep what a kept item inherits from (icupkg names it)
            (tmp / "remove.txt").write_text("\n".join(sorted(remove)) + "\n", encoding="utf-8")
            proc = subprocess.run(["icupkg", "-r", str(tmp / "remove.txt"), str(full), str(small)],
                                  capture_output=True, text=True)
            missing = set(re.findall(r"depends on missing item (\S+)", proc.stdout + proc.stderr))
            if not missing:
                break
            remove -= missing
        if proc.returncode != 0:
            raise SystemExit(f"trim_icu: icupkg failed: {proc.stderr}")
        (tmp / "data.s").write_text(
            f'    .section .rodata\n    .globl icudt{version}_dat\n    .type icudt{version}_dat, @object\n'
            f'    .balign 16\nicudt{version}_dat:\n    .incbin "{small}"\n'
            f'    .size icudt{version}_dat, . - icudt{version}_dat\n    .section .note.GNU-stack,"",@progbits\n',
            encoding="utf-8")
        subprocess.run(["as", "-o", str(tmp / "data.o"), str(tmp / "data.s")], check=True)
        subprocess.run(["ld", "-shared", "-soname", lib.name, "-o", str(tmp / lib.name), str(tmp / "data.o")],
                       check=True)
        subprocess.run(["strip", str(tmp / lib.name)], check=True)
        before = lib.stat().st_size
        shutil.copyfile(tmp / lib.name, lib)
        return before, lib.stat().st_size


# What Qt asks ICU in the editor's world: Chinese (pinyin) and numeric collation, GB18030/Big5,
# word boundaries, zone names in Chinese, case mapping. --verify prints these with the full and
# the trimmed data and fails if they differ.
PROBE = """
from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QTextBoundaryFinder, QTimeZone
zh = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
print(sorted(["张三", "李四", "王五", "赵六", "安徽", "北京", "重庆", "abc", "B2", "b10"], key=zh.sortKey))
zh.setNumericMode(True)
print(sorted(["文件10", "文件2", "文件1"], key=zh.sortKey))
print(sorted(["Zebra", "äpfel", "apple", "Apfel"], key=QCollator(QLocale("en_US")).sortKey))
print(QStringDecoder("GB18030").isValid(), QStringDecoder("Big5").isValid(), QStringDecoder("GBK").isValid())
finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Word, "政府信息公开工作年度报告 hello world")
n = 0
while finder.toNextBoundary() != -1:
    n += 1
print(n, QTimeZone(b"Asia/Shanghai").displayName(QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName,
                                                  QLocale("zh_CN")), QLocale("en_US").toUpper("straße"))
"""


def verify(bundle: Path) -> int:
    libs = [lib for lib in bundle.rglob("libicudata.so.*") if not lib.is_symlink()]
    if not libs:
        return 0
    answers = []
    for env in ({}, {"LD_LIBRARY_PATH": str(libs[0].parent)}):  # the venv's full data, then the bundle's
        proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                              env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **env})
        answers.append(proc.stdout + proc.stderr)
    if answers[0] != answers[1] or not answers[0].strip():
        print(f"trim_icu: Qt answers differently with the trimmed data:\n{answers[0]}---\n{answers[1]}")
        return 1
    print("trim_icu: Qt's collation, converters, boundaries and zone names unchanged with the trimmed data")
    return 0


def main() -> int:
    if sys.argv[1:2] == ["--verify"]:
        return verify(Path(sys.argv[2] if len(sys.argv) > 2 else "dist/nianbao"))
    bundle = Path(sys.argv[1] if len(sys.argv) > 1 else "dist/nianbao")
    libs = sorted(bundle.rglob("libicudata.so.*"))
    libs = [lib for lib in libs if not lib.is_symlink()]
    if not libs:
        print("trim_icu: no libicudata in the bundle, nothing to do")
        return 0
    if not all(shutil.which(tool) for tool in ("icupkg", "as", "ld", "readelf", "strip")):
        print("trim_icu: icupkg (icu-devtools) or binutils missing: ICU data left whole")
        return 0
    for lib in libs:
        before, after = trim(lib)
        print(f"trim_icu: {lib.name} {before / 1e6:.1f} MB → {after / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
