"""The one rule for file names the app suggests (export dialogs): built from a report's title, which
comes from the agency name a user or a file typed, so it may hold anything.

The name is safe on Windows, macOS and Linux: no folder separators (`../../x` stays in the chosen
folder), none of `< > : " / \\ | ? *` or control characters, no leading dot, no trailing dot or space,
no reserved Windows device name (CON, NUL, COM1…), and short enough for every file system.
"""

from __future__ import annotations

import re
import unicodedata

_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = re.compile(r"(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])(\..*)?", re.IGNORECASE)
MAX_BYTES = 240  # 255 is the limit on most file systems, in UTF-8 bytes (a Chinese character is 3)
FALLBACK = "报告"


def safe_file_name(stem: str, suffix: str = "") -> str:
    """`stem` + `suffix` (e.g. ".pdf") as a single safe file name; `suffix` is trusted (ours)."""
    text = unicodedata.normalize("NFC", stem)
    text = _FORBIDDEN.sub("_", "".join(ch if ch.isprintable() else " " for ch in text))
    text = " ".join(text.split()).strip(" .")
    if _RESERVED.fullmatch(text):
        text = "_" + text
    limit = MAX_BYTES - len(suffix.encode("utf-8"))
    while len(text.encode("utf-8")) > limit:
        text = text[:-1]
    return (text.rstrip(" .") or FALLBACK) + suffix
