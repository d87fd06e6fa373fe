"""Font choice per role: Windows system and per-user folders first, the bundled font for what is missing.

The Windows folders are faked in tmp_path with copies of the bundled (Apache-2.0) font under the
Windows file names; no Windows font is ever part of the repository.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pypdf
import pytest

from core.exchange import read_report
from core.paths import resource_path
from core.pdf import render_pdf, resolve_fonts
from core.pdf.fonts import BUNDLED, CANDIDATES, ROLES, windows_font_dirs
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
