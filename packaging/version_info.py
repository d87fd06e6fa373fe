"""The Windows version resource of nianbao.exe, built from the one `core.__version__` (used by nianbao.spec).

Explorer shows it under 属性 → 详细信息, and Inno Setup reads the installer's version back from it.
"""

from __future__ import annotations

from PyInstaller.utils.win32.versioninfo import (
    FixedFileInfo,
    StringFileInfo,
    StringStruct,
    StringTable,
    VarFileInfo,
    VarStruct,
    VSVersionInfo,
)

PRODUCT = "年报助手"
DESCRIPTION = "年报助手：政府信息公开工作年度报告"
TRANSLATION = 0x0804  # 中文（简体，中国）
CODEPAGE = 1200  # Unicode


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """`1.2.3` -> (1, 2, 3, 0): Windows wants four numbers; anything after a non-digit is dropped."""
    numbers = []
    for part in version.split(".")[:4]:
        digits = ""
        for ch in part:
            if not ch.isdigit():
                break
            digits += ch
        numbers.append(int(digits or 0))
    numbers += [0] * (4 - len(numbers))
    return numbers[0], numbers[1], numbers[2], numbers[3]


def version_info(version: str) -> VSVersionInfo:
    numbers = version_tuple(version)
    dotted = ".".join(map(str, numbers))
    strings = [
        StringStruct("CompanyName", "nianbao"),
        StringStruct("FileDescription", DESCRIPTION),
        StringStruct("FileVersion", dotted),
        StringStruct("InternalName", "nianbao"),
        StringStruct("OriginalFilename", "nianbao.exe"),
        StringStruct("ProductName", PRODUCT),
        StringStruct("ProductVersion", version),
    ]
    return VSVersionInfo(
        ffi=FixedFileInfo(filevers=numbers, prodvers=numbers, mask=0x3F, flags=0x0, OS=0x40004, fileType=0x1),
        kids=[
            StringFileInfo([StringTable(f"{TRANSLATION:04X}{CODEPAGE:04X}", strings)]),
            VarFileInfo([VarStruct("Translation", [TRANSLATION, CODEPAGE])]),
        ],
    )
