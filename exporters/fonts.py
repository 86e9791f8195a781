"""Fonts for the PDF export: the desk's official faces when present, else the shipped one.

Which font is used when
-----------------------
The PDF follows the typesetting of official documents (GB/T 9704-2012): the title in
小标宋, the body in 仿宋, first-level headings in 黑体, second-level headings in 楷体, the
tables and page numbers in 宋体. For each of these roles the exporter looks, in order, for
the official face installed on the computer:

* Windows: ``%WINDIR%\\Fonts`` and the per-user font folder — 方正小标宋 (``FZXBSJW.TTF``;
  else 华文中宋 ``STZHONGS.TTF``, else 黑体) for the title, 仿宋 ``simfang.ttf``, 黑体
  ``simhei.ttf``, 楷体 ``simkai.ttf``, 宋体 ``simsun.ttc``;
* Linux/macOS: the same files in the usual font folders, and the same families through
  fontconfig (``fc-list``) when it is installed — including the ``*_GB2312`` and 方正 names,
  and AR PL UMing/UKai as stand-ins for 宋体/楷体;
* otherwise WenQuanYi Micro Hei (文泉驿微米黑), shipped with the editor in
  ``resources/fonts/`` (Apache-2.0 or GPLv3 with the font-embedding exception).

Every font is embedded as a subset, so the PDF prints the same on any desk. Only TrueType
outlines can be embedded by reportlab; OpenType/CFF fonts (Noto CJK, Source Han) and files
that fail to load are skipped. When the chosen face lacks a character, that character alone
is set in the next face that has it (the shipped WenQuanYi Micro Hei covers all of GBK; on
Windows, SimSun-ExtB covers the rare characters of CJK Extension B). A character no face has
is printed as 〓, the typesetter's mark for a missing character, so nothing prints as a blank
or a box unnoticed. When the title or the headings end up in the body's own face
(a desk without 小标宋/黑体/楷体), the exporter emboldens them so they still stand out.

Fonts are looked up and registered once per process (:func:`pdf_fonts`).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from models.resources import resource_path

log = logging.getLogger(__name__)

#: Roles of text in the report, each with the faces to try (best first).
ROLE_FACES: dict[str, tuple[str, ...]] = {
    "title": ("xiaobiaosong", "zhongsong", "hei"),
    "body": ("fangsong", "song"),
    "heading1": ("hei",),
    "heading2": ("kai", "fangsong"),
    "table": ("song", "fangsong"),
}
ROLES = tuple(ROLE_FACES)

#: Characters every usable CJK face must have (a "宋体" without Chinese is no 宋体).
_PROBE = "政府信息公开工作年度报告一二三四五六、，。（）0123456789"

SHIPPED_FONT = ("fonts", "wqy-microhei.ttc")
SHIPPED_NAME = "文泉驿微米黑"
_FC_TIMEOUT = 3.0  # seconds; fontconfig answers in ~10 ms, a hung one must not hang the export


@dataclass(frozen=True, slots=True)
class FaceSpec:
    """An official face: its Chinese name, the files it ships as, its fontconfig families."""

    label: str
    files: tuple[str, ...]
    families: tuple[str, ...]


FACES: dict[str, FaceSpec] = {
    "xiaobiaosong": FaceSpec(
        "方正小标宋",
        ("FZXBSJW.TTF", "FZXBSK.TTF", "方正小标宋简体.ttf", "方正小标宋_GBK.ttf"),
        ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "FZXiaoBiaoSong-B05",
         "FZXBSJW--GB1-0", "FZXBSK--GBK1-0"),
    ),
    "zhongsong": FaceSpec("华文中宋", ("STZHONGS.TTF",), ("STZhongsong", "华文中宋")),
    "fangsong": FaceSpec(
        "仿宋",
        ("simfang.ttf", "FZFSK.TTF", "FZFSJW.TTF", "仿宋_GB2312.ttf"),
        ("FangSong", "仿宋", "FangSong_GB2312", "仿宋_GB2312", "方正仿宋_GBK", "方正仿宋简体",
         "FZFangSong-Z02", "FZFangSong-Z02S"),
    ),
    "song": FaceSpec(
        "宋体",
        ("simsun.ttc", "simsun.ttf", "FZSSK.TTF"),
        ("SimSun", "宋体", "NSimSun", "新宋体", "方正书宋_GBK", "AR PL UMing CN", "AR PL SungtiL GB"),
    ),
    "hei": FaceSpec(
        "黑体",
        ("simhei.ttf", "FZHTK.TTF"),
        ("SimHei", "黑体", "方正黑体_GBK", "方正黑体简体", "FZHei-B01", "FZHei-B01S"),
    ),
    "kai": FaceSpec(
        "楷体",
        ("simkai.ttf", "FZKTK.TTF", "楷体_GB2312.ttf"),
        ("KaiTi", "楷体", "KaiTi_GB2312", "楷体_GB2312", "方正楷体_GBK", "方正楷体简体",
         "FZKai-Z03", "FZKai-Z03S", "AR PL UKai CN", "AR PL KaitiM GB"),
    ),
}

#: Last resorts for single characters no CJK face has: SimSun-ExtB (Windows) for the rare
#: characters of CJK Extension B, then symbols and rare letters.
_EXTRA_FILES = ("msyh.ttc", "simsunb.ttf", "droidsansfallbackfull.ttf", "seguisym.ttf", "DejaVuSans.ttf")
#: Printed for a character that no face has (GB/T 15834's 缺字 mark): visible in proofreading.
MISSING_MARK = "〓"


class NoFontError(RuntimeError):
    """No embeddable CJK font could be found; the message is for the user."""


@dataclass(frozen=True, slots=True)
class FontSource:
    path: Path
    index: int = 0  # sub-font of a .ttc collection


@dataclass
class LoadedFont:
    name: str  # reportlab's registered name
    label: str  # what the README/report calls it, e.g. "仿宋 (simfang.ttf)"
    glyphs: frozenset[int]


@dataclass
class PdfFonts:
    """The registered fonts for each role, and per-character fallback."""

    roles: dict[str, LoadedFont]
    _fallback_sources: list[tuple[str, FontSource]]
    _fallbacks: list[LoadedFont] = field(default_factory=list)
    _run_cache: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=dict)

    def name(self, role: str) -> str:
        return self.roles[role].name

    def describe(self) -> dict[str, str]:
        """Role → font used (for the README, logs and tests)."""
        return {role: f.label for role, f in self.roles.items()}

    def runs(self, text: str, role: str) -> list[tuple[str, str]]:
        """Split ``text`` into (font name, text) runs: the role's font, except for characters
        it lacks, which go to the first fallback font that has them."""
        key = (role, text)
        cached = self._run_cache.get(key)
        if cached is not None:
            return cached
        primary = self.roles[role]
        out: list[tuple[str, str]] = []
        for ch in text:
            font = primary if _covers(primary, ch) else self._fallback_for(ch) or primary
            if out and out[-1][0] == font.name:
                out[-1] = (font.name, out[-1][1] + ch)
            else:
                out.append((font.name, ch))
        if len(self._run_cache) < 4096:
            self._run_cache[key] = out
        return out

    def printable(self, text: str) -> str:
        """``text`` with every character that no face has replaced by :data:`MISSING_MARK`, and
        invisible format characters that no face has (zero-width space, variation selectors)
        dropped; reportlab would print either as a blank."""
        out = []
        for ch in text:
            if any(_covers(f, ch) for f in self.roles.values()) or self._fallback_for(ch) is not None:
                out.append(ch)
            elif not _invisible(ch):
                out.append(MISSING_MARK)
        return "".join(out)

    def _fallback_for(self, ch: str) -> LoadedFont | None:
        for font in self._fallbacks:
            if _covers(font, ch):
                return font
        # Load further fallbacks only when a character needs them (each costs ~0.1 s).
        while self._fallback_sources:
            label, source = self._fallback_sources.pop(0)
            loaded = _load(source, label)
            if loaded is None or any(f.name == loaded.name for f in self._fallbacks):
                continue
            self._fallbacks.append(loaded)
            if _covers(loaded, ch):
                return loaded
        return None


def _covers(font: LoadedFont, ch: str) -> bool:
    return ord(ch) in font.glyphs or ch in "\n\t "


def _invisible(ch: str) -> bool:
    """A format character or variation selector: it changes how others look, shows nothing itself."""
    return unicodedata.category(ch) == "Cf" or 0xFE00 <= ord(ch) <= 0xFE0F or 0xE0100 <= ord(ch) <= 0xE01EF


# --------------------------------------------------------------------------- discovery


def _font_dirs() -> list[Path]:
    """Folders where fonts are installed on this desk (existing ones only)."""
    dirs: list[Path] = []
    if sys.platform == "win32":
        dirs.append(Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    else:
        home = Path.home()
        dirs += [home / ".local" / "share" / "fonts", home / ".fonts", Path("/usr/local/share/fonts"),
                 Path("/usr/share/fonts")]
        if sys.platform == "darwin":
            dirs += [home / "Library" / "Fonts", Path("/Library/Fonts"), Path("/System/Library/Fonts")]
    return [d for d in dirs if d.is_dir()]


def _walk(folder: Path, depth: int = 4) -> Iterator[Path]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False) and depth > 0:
                yield from _walk(Path(entry.path), depth - 1)
            elif entry.is_file():
                yield Path(entry.path)
        except OSError:
            continue


@cache
def _installed_files() -> dict[str, Path]:
    """Lower-cased file name → path of every installed font file (first found wins)."""
    found: dict[str, Path] = {}
    for folder in _font_dirs():
        for path in _walk(folder):
            if path.suffix.lower() in (".ttf", ".ttc"):
                found.setdefault(path.name.lower(), path)
    return found


@cache
def _fontconfig_fonts() -> tuple[tuple[frozenset[str], FontSource], ...]:
    """(family names, source) of the TrueType CJK fonts fontconfig knows; empty without it."""
    if sys.platform == "win32":
        return ()
    try:
        proc = subprocess.run(
            ["fc-list", ":lang=zh", "family", "file", "index", "fontformat"],
            capture_output=True, timeout=_FC_TIMEOUT, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ()
    out: list[tuple[frozenset[str], FontSource]] = []
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        path, sep, rest = line.partition(": ")
        if not sep:
            continue
        fields = rest.split(":")
        families = frozenset(f.strip() for f in fields[0].split(",") if f.strip())
        props = dict(f.split("=", 1) for f in fields[1:] if "=" in f)
        if props.get("fontformat", "TrueType") != "TrueType":
            continue  # CFF outlines cannot be embedded by reportlab
        try:
            index = int(props.get("index", "0"))
        except ValueError:
            index = 0
        out.append((families, FontSource(Path(path), index)))
    return tuple(out)


def _face_sources(face: FaceSpec) -> Iterator[FontSource]:
    files = _installed_files()
    for name in face.files:
        path = files.get(name.lower())
        if path is not None:
            yield FontSource(path)
    wanted = set(face.families)
    for families, source in _fontconfig_fonts():
        if families & wanted:
            yield source


def _fallback_sources() -> list[tuple[str, FontSource]]:
    """The shipped font first, then any CJK TrueType font on the desk, then symbol fonts."""
    out: list[tuple[str, FontSource]] = [(SHIPPED_NAME, FontSource(resource_path(*SHIPPED_FONT)))]
    system_wqy = _installed_files().get("wqy-microhei.ttc")
    if system_wqy is not None:
        out.append((SHIPPED_NAME, FontSource(system_wqy)))
    for families, source in _fontconfig_fonts():
        out.append((sorted(families)[0] if families else source.path.name, source))
    files = _installed_files()
    for name in _EXTRA_FILES:
        path = files.get(name.lower())
        if path is not None:
            out.append((path.stem, FontSource(path)))
    return out


# --------------------------------------------------------------------------- loading

_loaded: dict[tuple[str, int], LoadedFont | None] = {}


def _load(source: FontSource, label: str) -> LoadedFont | None:
    """Register a TrueType font with reportlab; None when it cannot be embedded."""
    key = (str(source.path), source.index)
    if key in _loaded:
        return _loaded[key]
    font: LoadedFont | None = None
    stem = "".join(c for c in source.path.stem if c.isascii() and c.isalnum())
    name = f"CJK{len(_loaded)}-{stem}-{source.index}"  # ASCII: it goes into <font name=...> markup
    try:
        tt = TTFont(name, str(source.path), subfontIndex=source.index)
        pdfmetrics.registerFont(tt)
        font = LoadedFont(name, f"{label}（{source.path.name}）", frozenset(tt.face.charToGlyph))
    except Exception as exc:  # noqa: BLE001 - a broken or CFF font file must not stop the export
        log.info("font %s unusable: %s", source.path, exc)
    _loaded[key] = font
    return font


def _first_usable(candidates: Iterable[tuple[str, FontSource]]) -> LoadedFont | None:
    for label, source in candidates:
        font = _load(source, label)
        if font is not None and all(ord(c) in font.glyphs for c in _PROBE):
            return font
    return None


_lock = threading.Lock()  # exports run on a worker thread; register each font once


def pdf_fonts() -> PdfFonts:
    """The fonts for every role, looked up and registered once per process.

    Raises :class:`NoFontError` (Chinese message) when no CJK TrueType font is usable at all.
    """
    with _lock:
        return _pdf_fonts()


@cache
def _pdf_fonts() -> PdfFonts:
    fallbacks = _fallback_sources()
    roles: dict[str, LoadedFont] = {}
    default: LoadedFont | None = None
    for role, faces in ROLE_FACES.items():
        candidates = ((FACES[f].label, s) for f in faces for s in _face_sources(FACES[f]))
        font = _first_usable(candidates)
        if font is None:
            if default is None:
                default = _first_usable(fallbacks)
            if default is None:
                raise NoFontError(
                    "找不到可嵌入 PDF 的中文字体：程序自带的字体文件 resources/fonts/wqy-microhei.ttc 缺失，"
                    "电脑上也没有仿宋、宋体或黑体。请重新安装年报编辑器，或安装仿宋（simfang.ttf）等字体后再导出。"
                )
            font = default
        roles[role] = font
    fonts = PdfFonts(roles=roles, _fallback_sources=fallbacks)
    # A character the role's face lacks is first looked for in the other roles' faces.
    for font in roles.values():
        if all(f.name != font.name for f in fonts._fallbacks):
            fonts._fallbacks.append(font)
    return fonts
