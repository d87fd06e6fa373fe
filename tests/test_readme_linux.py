"""The README names every Debian package the Qt window needs on a Linux desktop: the libraries Qt's own
xcb plugin is linked against, read from the plugin shipped with PySide6 (Qt's message names only one)."""

from __future__ import annotations

import re
import struct
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SHT_DYNAMIC, DT_NEEDED = 6, 1


def needed(path: Path) -> list[str]:
    """The DT_NEEDED libraries of a 64-bit little-endian ELF file."""
    data = path.read_bytes()
    assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1
    shoff, shentsize, shnum = struct.unpack_from("<Q", data, 0x28)[0], *struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    dynamic = next(s for s in sections if s[1] == SHT_DYNAMIC)
    strings = sections[dynamic[6]][4]  # sh_link: the string table's offset
    names = []
    for offset in range(dynamic[4], dynamic[4] + dynamic[5], 16):
        tag, value = struct.unpack_from("<qQ", data, offset)
        if tag == DT_NEEDED:
            names.append(data[strings + value : data.index(b"\0", strings + value)].decode())
    return names


def debian_package(soname: str) -> str:
    """Debian's name for a library: libxcb-icccm.so.4 → libxcb-icccm4, libxkbcommon-x11.so.0 →
    libxkbcommon-x11-0, libX11-xcb.so.1 → libx11-xcb1."""
    match = re.fullmatch(r"(.+)\.so\.(\d+)", soname)
    assert match is not None, soname
    base, version = match[1].lower(), match[2]
    return f"{base}-{version}" if base[-1].isdigit() else f"{base}{version}"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb plugin is Linux's")
def test_the_readme_lists_the_packages_the_xcb_plugin_needs() -> None:
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    libraries = needed(qt / "plugins" / "platforms" / "libqxcb.so") + needed(qt / "lib" / "libQt6XcbQpa.so.6")
    x11 = sorted({debian_package(n) for n in libraries if n.startswith(("libxcb", "libxkb", "libX11"))})
    assert {"libxcb-icccm4", "libxcb-keysyms1", "libxcb-cursor0"} <= set(x11)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = readme[readme.index("sudo apt-get install") :].split("```")[0]
    assert [p for p in x11 if not re.search(rf"(?<![\w.-]){re.escape(p)}(?![\w.-])", command)] == []
