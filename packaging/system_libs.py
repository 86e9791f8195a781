"""What the Linux bundle needs from the desk's system, and the Debian packages that provide it.

    python3 packaging/system_libs.py dist/nianbao              the sonames, one a line
    python3 packaging/system_libs.py dist/nianbao --depends    the .deb's Depends field
    python3 packaging/system_libs.py dist/nianbao --check [--root DIR]
        every needed soname is installed (on this system, or in the system at DIR)

Reads each ELF file's DT_NEEDED entries (with objdump) and leaves out what the bundle itself
ships. glibc and libstdc++ get a minimum version from the newest symbol versions the bundle
uses, so apt refuses an older system cleanly instead of the program failing on the desk.
Package names: bookworm's, with the 64-bit time_t names of trixie/Ubuntu 24.04 as alternatives.
Stdlib only: it runs with the system's python3, before any venv exists.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

GLIBC_LIBS = {"libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", "libutil.so.1",
              "ld-linux-x86-64.so.2", "libresolv.so.2"}
SONAME_PACKAGES = {
    **{name: "libc6" for name in GLIBC_LIBS},
    "libstdc++.so.6": "libstdc++6",
    "libgcc_s.so.1": "libgcc-s1",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libOpenGL.so.0": "libopengl0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0t64 | libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0t64 | libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0t64 | libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libexpat.so.1": "libexpat1",
    "libcups.so.2": "libcups2t64 | libcups2",
}
# libstdc++'s symbol version → the GCC release whose libstdc++6 package first has it.
GLIBCXX_GCC = {29: "11", 30: "12", 31: "13", 32: "14", 33: "15"}


def elf_files(bundle: Path) -> list[Path]:
    out = []
    for path in sorted(bundle.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as fh:
                if fh.read(4) == b"\x7fELF":
                    out.append(path)
    return out


def objdump(path: Path, flag: str) -> str:
    return subprocess.run(["objdump", flag, str(path)], capture_output=True, text=True, check=True).stdout


def needed_from_system(bundle: Path) -> tuple[set[str], dict[str, str]]:
    """(sonames the system must provide, the newest GLIBC_/GLIBCXX_ versions referenced)."""
    files = elf_files(bundle)
    shipped = {p.name for p in bundle.rglob("*")}
    needed: set[str] = set()
    newest: dict[str, tuple[int, ...]] = {}
    for path in files:
        needed.update(re.findall(r"^\s+NEEDED\s+(\S+)$", objdump(path, "-p"), re.M))
        for family, version in re.findall(r"\b(GLIBC|GLIBCXX)_(\d+(?:\.\d+)+)\b", objdump(path, "-T")):
            key = tuple(int(n) for n in version.split("."))
            newest[family] = max(newest.get(family, key), key)
    return needed - shipped, {k: ".".join(map(str, v)) for k, v in newest.items()}


def depends(sonames: set[str], newest: dict[str, str]) -> str:
    unknown = sorted(s for s in sonames if s not in SONAME_PACKAGES)
    if unknown:
        raise SystemExit(f"no Debian package known for {unknown}: add them to SONAME_PACKAGES in {__file__}")
    packages = {SONAME_PACKAGES[s] for s in sonames}
    versions = {}
    if "GLIBC" in newest:
        versions["libc6"] = f"libc6 (>= {newest['GLIBC']})"
    if "GLIBCXX" in newest and "libstdc++6" in packages:
        minor = int(newest["GLIBCXX"].split(".")[-1])
        gcc = GLIBCXX_GCC.get(minor)
        if gcc:
            versions["libstdc++6"] = f"libstdc++6 (>= {gcc})"
    packages.add("libc6")
    return ", ".join(versions.get(p, p) for p in sorted(packages))


def installed_sonames(root: Path | None) -> set[str]:
    cmd = ["ldconfig", "-p"] if root is None else ["ldconfig", "-p", "-C", str(root / "etc" / "ld.so.cache")]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return {line.split()[0] for line in out.splitlines()[1:] if "x86-64" in line}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("bundle", type=Path)
    ap.add_argument("--depends", action="store_true")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--root", type=Path)
    args = ap.parse_args()
    sonames, newest = needed_from_system(args.bundle)
    if args.depends:
        print(depends(sonames, newest))
    elif args.check:
        missing = sorted(sonames - installed_sonames(args.root))
        where = args.root or "this system"
        if missing:
            print(f"missing on {where}: {' '.join(missing)}", file=sys.stderr)
            return 1
        print(f"all {len(sonames)} system libraries the bundle needs are installed on {where}")
    else:
        print("\n".join(sorted(sonames)))
        print(f"# newest symbol versions: {newest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
