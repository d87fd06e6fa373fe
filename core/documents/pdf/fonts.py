"""Which font file sets each typographic role (仿宋, 黑体, 楷体, 宋体, 小标宋) of the printed report.

Per role we prefer the fonts an office PC already has (the Windows system and per-user font folders),
and fall back to the bundled WenQuanYi Micro Hei for any role that is missing. A character the role's
font lacks is taken from the role's other installed faces (a GBK name character missing from
仿宋_GB2312 comes from simfang.ttf), then from the bundled font, then from SimSun-ExtB when Windows has
it (rare characters of CJK Extension B, which occur in people's and places' names). Only TrueType-outline
fonts can be embedded by ReportLab, so a candidate that fails to load (a CFF font, a broken file) is
skipped. Windows fonts are read where they are installed and never copied anywhere.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import reportlab
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

from core.documents.pdf.layout import FontRole
from core.kept import file_key, kept
from core.paths import resource_path

log = logging.getLogger(__name__)

ROLES: tuple[FontRole, ...] = get_args(FontRole)
ROLE_NAMES: dict[FontRole, str] = {
    "fangsong": "仿宋",
    "heiti": "黑体",
    "kaiti": "楷体",
    "songti": "宋体",
    "xiaobiaosong": "小标宋",
}

# File names in order of preference (Windows matches them case-insensitively, so do we). The
# GB2312 versions of 仿宋/楷体 are what many offices' templates ask for; 小标宋 is commercial and
# often absent, so the title falls back to 黑体 before the bundled font.
CANDIDATES: dict[FontRole, tuple[str, ...]] = {
    "fangsong": ("仿宋_GB2312.ttf", "FS_GB2312.ttf", "FSGB2312.ttf", "simfang.ttf"),
    "heiti": ("simhei.ttf",),
    "kaiti": ("楷体_GB2312.ttf", "KT_GB2312.ttf", "KTGB2312.ttf", "simkai.ttf"),
    "songti": ("simsun.ttc", "simsun.ttf"),
    "xiaobiaosong": ("方正小标宋简体.ttf", "FZXBSJW.ttf", "FZXBSK.ttf", "方正小标宋_GBK.ttf", "simhei.ttf"),
}
BUNDLED = ("fonts", "wqy-microhei.ttc")
BUNDLED_NAME = "自带的文泉驿微米黑"
NO_FANGSONG = "本机没有仿宋字体，打印件不符合公文格式"
# Fonts only for characters neither a role's font nor the bundled one has; SimSun's Extension B
# characters are in a file of their own.
FALLBACKS: tuple[str, ...] = ("simsunb.ttf",)


@dataclass(frozen=True)
class FontChoice:
    """The font file chosen for one role; `bundled` when it is the shipped fallback. `same_style`:
    the role's other installed faces, for characters this one lacks (tried before the bundled font);
    `fallbacks`: further font files for characters none of those has."""

    role: FontRole
    path: Path
    subfont_index: int = 0
    bundled: bool = False
    fallbacks: tuple[Path, ...] = ()
    same_style: tuple[Path, ...] = ()

    @property
    def label(self) -> str:
        """For people: 仿宋：simfang.ttf, or 仿宋：本机没有，用自带的文泉驿微米黑."""
        face = f"本机没有，用{BUNDLED_NAME}" if self.bundled else self.path.name
        return f"{ROLE_NAMES[self.role]}：{face}"


def font_notes(choices: Mapping[FontRole, FontChoice]) -> list[str]:
    """What to tell before printing: the face of each role, and a warning when 仿宋 (the body text's
    face) is missing, for then the paper does not follow the official-document format."""
    notes = ["打印所用字体：" + "；".join(choices[role].label for role in ROLES)]
    if choices["fangsong"].bundled:
        notes.append(NO_FANGSONG + "。")
    return notes


def windows_font_dirs(environ: Mapping[str, str] | None = None) -> list[Path]:
    """%WINDIR%\\Fonts and the per-user %LOCALAPPDATA%\\Microsoft\\Windows\\Fonts, when set."""
    env = os.environ if environ is None else environ
    dirs = []
    windir = env.get("WINDIR") or env.get("SystemRoot")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    local = env.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    return dirs


_reportlab_to_unicode = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's map from a subset's codes back to text, with characters beyond U+FFFF (Extension
    B, emoji) written in UTF-16 as PDF requires: ReportLab writes their bare code point, so copied or
    searched text lost them or read them as other characters."""
    cmap: str = _reportlab_to_unicode(fontname, subset)
    for code, char in enumerate(subset):
        if char > 0xFFFF:
            utf16 = chr(char).encode("utf-16-be").hex().upper()
            cmap = cmap.replace(f"<{code:02X}> <{char:04X}>", f"<{code:02X}> <{utf16}>")
    return cmap


ttfonts.makeToUnicodeCMap = _to_unicode_cmap

_lock = threading.Lock()
_loaded: dict[tuple[Path, int], Any] = {}  # (file, subfont) -> registered TTFont, or None if unusable


def load(path: Path, subfont_index: int = 0) -> Any:
    """The registered ReportLab font for a file (parsed once per process), or None if unusable."""
    key = (path, subfont_index)
    with _lock:
        if key not in _loaded:
            name = f"nianbao-{len(_loaded)}"  # a registry key only; the PDF names the font itself
            try:
                pdfmetrics.registerFont(_font(name, path, subfont_index))
                # ReportLab maps a second file of an already registered face (a copy, a renamed
                # file) to the first one's object; use that object, or text and widths disagree.
                font = pdfmetrics.getFont(name)
            except Exception as exc:  # a CFF-outline, damaged or unreadable file: try the next one
                log.warning("font %s not usable: %s", path, exc)
                font = None
            _loaded[key] = font
        return _loaded[key]


# Parsing a font's tables is most of a fresh `main.py pdf` (the bundled font is 5 MB): the parsed tables
# are kept (core.kept) by the file's path, size and time and by ReportLab's version.
_NOT_KEPT = ("_ttf_data", "_pdfScale")  # the file's bytes (read again: cheap) and a lambda


def _parsed_face(path: Path, subfont_index: int) -> TTFontFace:
    """ReportLab's parsed face of a font file, its tables parsed once and then kept."""

    def parse() -> dict[str, Any]:
        face = TTFontFace(str(path), subfontIndex=subfont_index)
        return {k: v for k, v in face.__dict__.items() if k not in _NOT_KEPT}

    tables = kept("fonts", (file_key(path), subfont_index, reportlab.Version), parse)
    face = TTFontFace.__new__(TTFontFace)
    face.__dict__.update(tables)
    face._ttf_data = path.read_bytes()  # the subsetter copies glyphs out of the file's bytes
    scale = 1000 / face.unitsPerEm  # as ReportLab's parser sets it
    face._pdfScale = (lambda x: x) if face.unitsPerEm == 1000 else (lambda x: x * scale)
    return face


def _font(name: str, path: Path, subfont_index: int) -> TTFont:
    """ReportLab's `TTFont(name, path)`, with its face from `_parsed_face`: ReportLab's own
    constructor runs, handed the parsed face in place of parsing (callers hold `_lock`)."""
    face = _parsed_face(path, subfont_index)
    parse = ttfonts.TTFontFace
    ttfonts.TTFontFace = lambda *args, **kwargs: face
    try:
        return TTFont(name, str(path), subfontIndex=subfont_index)
    finally:
        ttfonts.TTFontFace = parse


def _listing(folder: Path) -> dict[str, Path]:
    try:
        return {p.name.casefold(): p for p in folder.iterdir() if p.is_file()}
    except OSError:
        return {}


def resolve_fonts(search_dirs: Iterable[Path] | None = None) -> dict[FontRole, FontChoice]:
    """The font for every role: the first usable candidate in the folders, else the bundled font;
    each with the usable `FALLBACKS` found in the folders."""
    folders = [_listing(Path(d)) for d in (windows_font_dirs() if search_dirs is None else search_dirs)]

    def usable(filenames: Iterable[str]) -> list[Path]:
        found = (listing.get(name.casefold()) for name in filenames for listing in folders)
        return list(dict.fromkeys(p for p in found if p is not None and load(p) is not None))

    extra = tuple(usable(FALLBACKS))
    choices: dict[FontRole, FontChoice] = {}
    for role in ROLES:
        paths = usable(CANDIDATES[role])
        if not paths:
            choices[role] = FontChoice(role, resource_path(*BUNDLED), 0, bundled=True, fallbacks=extra)
        else:
            choices[role] = FontChoice(role, paths[0], fallbacks=extra, same_style=tuple(paths[1:]))
    return choices


class FontSet:
    """The loaded fonts of one rendering: a ReportLab font per role, and the fallbacks for any
    character that a role's font lacks. `missing` collects the characters no font could draw."""

    def __init__(self, choices: Mapping[FontRole, FontChoice]) -> None:
        self.choices = dict(choices)
        self.missing: set[str] = set()
        self._fonts = {}
        self._fallbacks: dict[FontRole, list[Any]] = {}
        for role in ROLES:
            choice = self.choices[role]
            font = load(choice.path, choice.subfont_index)
            if font is None:  # the file vanished or broke since it was resolved
                font = self.fallback
            self._fonts[role] = font
            same = [f for f in map(load, choice.same_style) if f is not None]
            extra = [f for f in map(load, choice.fallbacks) if f is not None]
            self._fallbacks[role] = [*same, self.fallback, *extra]

    @property
    def fallback(self) -> Any:
        font = load(resource_path(*BUNDLED), 0)
        if font is None:
            raise RuntimeError("bundled font missing: " + str(resource_path(*BUNDLED)))
        return font

    def font_for(self, ch: str, role: FontRole) -> Any:
        """The role's font, or the first fallback that has a character the role's font cannot draw;
        a character none has is noted in `missing` (it prints as an empty box)."""
        font = self._fonts[role]
        code = ord(ch)
        if code in font.face.charToGlyph or ch == "\n":
            return font
        for fallback in self._fallbacks[role]:
            if code in fallback.face.charToGlyph:
                return fallback
        if not ch.isspace():
            self.missing.add(ch)
        return font

    def font(self, role: FontRole) -> Any:
        return self._fonts[role]

    def name(self, role: FontRole) -> str:
        name: str = self._fonts[role].fontName
        return name

    def descent(self, role: FontRole) -> float:
        """Descent below the baseline as a fraction of the size (negative), as PDF readers use it."""
        return float(self._fonts[role].face.descent) / 1000
