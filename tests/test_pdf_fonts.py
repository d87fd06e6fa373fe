"""Font choice per role: Windows system and per-user folders first, the bundled font for what is missing.

The Windows folders are faked in tmp_path with copies of the bundled (Apache-2.0) font under the
Windows file names; no Windows font is ever part of the repository. SimSun-ExtB is faked by a font
built from the bundled one whose character map gives Extension B characters a glyph.
"""

from __future__ import annotations

import io
import shutil
import struct
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from reportlab.pdfbase.ttfonts import TTFontFace

from core.documents.exchange import read_report
from core.documents.pdf.coverage import unprintable_characters
from core.documents.pdf.fonts import BUNDLED, CANDIDATES, ROLES, resolve_fonts, windows_font_dirs
from core.documents.pdf.render import render_pdf
from core.model.report import Report
from core.paths import resource_path
from tests.conftest import ROOT, SEED_JSON
from tests.test_pdf import BLOCK_X1, read_pdf

WQY = resource_path(*BUNDLED)


def _fake(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copyfile(WQY, folder / name)
    return folder


@pytest.fixture
def windows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A fake %WINDIR%\\Fonts and %LOCALAPPDATA%\\Microsoft\\Windows\\Fonts, empty to begin with."""
    windir, local = tmp_path / "Windows", tmp_path / "AppData" / "Local"
    monkeypatch.setenv("WINDIR", str(windir))
    monkeypatch.setenv("LOCALAPPDATA", str(local))
    system = _fake(windir / "Fonts")
    user = _fake(local / "Microsoft" / "Windows" / "Fonts")
    return system, user


def test_the_windows_font_folders_come_from_the_environment() -> None:
    env = {"WINDIR": r"C:\Windows", "LOCALAPPDATA": r"C:\Users\张三\AppData\Local"}
    assert [str(p).replace("\\", "/") for p in windows_font_dirs(env)] == [
        "C:/Windows/Fonts",
        "C:/Users/张三/AppData/Local/Microsoft/Windows/Fonts",
    ]
    assert windows_font_dirs({}) == []


def test_system_and_per_user_windows_fonts_are_preferred_role_by_role(windows: tuple[Path, Path]) -> None:
    system, user = windows
    _fake(system, "SIMFANG.TTF", "simhei.ttf", "simsun.ttc")  # Windows names are case-insensitive
    _fake(user, "simkai.ttf")
    fonts = resolve_fonts()
    assert fonts["fangsong"].path == system / "SIMFANG.TTF"
    assert fonts["heiti"].path == system / "simhei.ttf"
    assert fonts["songti"].path == system / "simsun.ttc"
    assert fonts["kaiti"].path == user / "simkai.ttf"
    assert fonts["xiaobiaosong"].path == system / "simhei.ttf"  # no 小标宋: the title falls back to 黑体
    assert not any(choice.bundled for choice in fonts.values())


def test_gb2312_and_xiaobiaosong_fonts_win_when_installed(windows: tuple[Path, Path]) -> None:
    system, user = windows
    _fake(system, "simfang.ttf", "simhei.ttf", "simkai.ttf")
    _fake(user, "仿宋_GB2312.ttf", "楷体_GB2312.ttf", "FZXBSJW.TTF")
    fonts = resolve_fonts()
    assert fonts["fangsong"].path.name == "仿宋_GB2312.ttf"
    assert fonts["kaiti"].path.name == "楷体_GB2312.ttf"
    assert fonts["xiaobiaosong"].path.name == "FZXBSJW.TTF"


def test_missing_or_unusable_fonts_fall_back_to_the_bundled_font(windows: tuple[Path, Path]) -> None:
    system, _ = windows
    _fake(system, "simhei.ttf")
    (system / "simfang.ttf").write_bytes(b"OTTO" + bytes(200))  # not a TrueType font: skipped
    fonts = resolve_fonts()
    assert fonts["heiti"].path == system / "simhei.ttf"
    for role in ("fangsong", "kaiti", "songti"):
        assert fonts[role].bundled and fonts[role].path == WQY, role
    assert all(choice.bundled for choice in resolve_fonts(search_dirs=[]).values())


def test_a_pdf_set_with_windows_fonts_embeds_every_one_and_prints_the_same(
    windows: tuple[Path, Path],
) -> None:
    system, user = windows
    _fake(system, "simfang.ttf", "simhei.ttf", "simsun.ttc")
    _fake(user, "simkai.ttf")
    report = read_report(SEED_JSON)
    data = render_pdf(report, fonts=resolve_fonts())
    reader = pypdf.PdfReader(io.BytesIO(data))
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            assert "/FontFile2" in font.get_object()["/FontDescriptor"].get_object()
    pages = read_pdf(data)
    assert pages[0].line_texts[0] + pages[0].line_texts[1] == report.title
    assert all(c["x1"] <= BLOCK_X1 + 0.05 for p in pages for c in p.body)


def test_no_windows_font_is_in_the_repository() -> None:
    names = {name.casefold() for role in ROLES for name in CANDIDATES[role]}
    shipped = {p.name.casefold() for p in (ROOT / "resources").rglob("*") if p.is_file()}
    assert not names & shipped


def _built_font(path: Path, glyphs: dict[int, int], name: str) -> None:
    """A font made from the bundled font's first face: its glyphs, but a character map (format 12,
    which reaches beyond U+FFFF) of `glyphs` only (code point -> glyph), and a PostScript name of its
    own (ReportLab takes two files of one face name for the same font)."""
    data = WQY.read_bytes()
    (offset,) = struct.unpack_from(">I", data, 12)  # the collection's first font
    (count,) = struct.unpack_from(">H", data, offset + 4)
    tables = {}
    for i in range(count):
        tag, _checksum, start, length = struct.unpack_from(">4sIII", data, offset + 12 + 16 * i)
        tables[tag] = data[start : start + length]
    groups = b"".join(struct.pack(">III", code, code, glyphs[code]) for code in sorted(glyphs))
    tables[b"cmap"] = struct.pack(">HHHHI", 0, 1, 3, 10, 12) + (
        struct.pack(">HHIII", 12, 0, 16 + len(groups), 0, len(glyphs)) + groups
    )
    encoded = name.encode("utf-16-be")  # PostScript name (id 6), Windows Unicode
    tables[b"name"] = struct.pack(">9H", 0, 1, 18, 3, 1, 0x409, 6, len(encoded), 0) + encoded
    directory, body = b"", b""
    for tag, table in sorted(tables.items()):
        directory += struct.pack(">4sIII", tag, 0, 12 + 16 * len(tables) + len(body), len(table))
        body += table + bytes(-len(table) % 4)
    path.write_bytes(struct.pack(">IHHHH", 0x00010000, len(tables), 0, 0, 0) + directory + body)


def _ext_b_font(path: Path, chars: str) -> None:
    """A stand-in for SimSun-ExtB: Extension B characters drawn with the glyph of 字."""
    glyph = TTFontFace(str(WQY)).charToGlyph[ord("字")]
    _built_font(path, {ord(c): glyph for c in chars}, "NianbaoTestExtB")


def test_extension_b_characters_print_from_simsun_extb_when_windows_has_it(
    windows: tuple[Path, Path],
) -> None:
    system, _ = windows
    report = Report.blank("𠀀家村村民委员会", 2021)
    report.texts["overview"] = "申请人𡈼某的来信😀。"
    assert unprintable_characters(report) == "😀𠀀𡈼"  # no SimSun-ExtB: names would lose characters
    _ext_b_font(system / "SimSunB.TTF", "𠀀𡈼")
    fonts = resolve_fonts()
    assert all(choice.fallbacks == (system / "SimSunB.TTF",) for choice in fonts.values())
    assert unprintable_characters(report) == "😀"
    with pdfplumber.open(io.BytesIO(render_pdf(report))) as pdf:
        chars = pdf.pages[0].chars
    ext_b = [c for c in chars if c["text"] in "𠀀𡈼"]  # read back as themselves, not as code fragments
    assert [c["text"] for c in ext_b] == ["𠀀", "𡈼"]
    assert all(c["fontname"].endswith("+NianbaoTestExtB") for c in ext_b)
    assert all(c["fontname"].endswith("+WenQuanYiMicroHei-0") for c in chars if c["text"] in "家申")


def test_a_character_the_roles_font_lacks_comes_from_its_other_installed_face_first(
    windows: tuple[Path, Path],
) -> None:
    """仿宋_GB2312 lacks the GBK name character 堃; simfang.ttf, also installed, has it: the name
    prints in 仿宋 (simfang), not in the bundled sans. Both stand-ins are made from the bundled font,
    one without 堃 in its character map, each with a name of its own."""
    system, user = windows
    every = dict(TTFontFace(str(WQY)).charToGlyph)
    gb2312 = {code: glyph for code, glyph in every.items() if chr(code) != "堃"}
    _built_font(user / "仿宋_GB2312.ttf", gb2312, "NianbaoTestFSGB")
    _built_font(system / "simfang.ttf", every, "NianbaoTestSimFang")
    fonts = resolve_fonts()
    assert fonts["fangsong"].path == user / "仿宋_GB2312.ttf"
    assert fonts["fangsong"].same_style == (system / "simfang.ttf",)
    report = read_report(SEED_JSON)
    report.signature.name = "王堃村村民委员会"
    with pdfplumber.open(io.BytesIO(render_pdf(report, fonts=fonts))) as pdf:
        chars = pdf.pages[-1].chars
    kun = [c for c in chars if c["text"] == "堃"]
    assert kun and all(c["fontname"].endswith("+NianbaoTestSimFang") for c in kun)
    assert all(c["fontname"].endswith("+NianbaoTestFSGB") for c in chars if c["text"] in "王村委")


def test_reportlab_runs_with_its_c_speedups() -> None:
    """`reportlab[accel]`: without the C module ReportLab silently falls back to Python, a third slower."""
    from reportlab.lib import rl_accel

    assert type(rl_accel.fp_str).__name__ == "builtin_function_or_method"
    assert type(rl_accel.instanceStringWidthTTF).__name__ == "builtin_function_or_method"
