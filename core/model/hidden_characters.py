"""Characters that print as nothing: the one rule for what a report's paper may not hide.

Control characters (U+0000 …), zero-width and joining characters (U+200B, U+200D, U+FEFF …),
bidirectional overrides (U+202E …), variation selectors, Hangul fillers, surrogates, private-use and
unassigned code points are invisible on paper, or reorder what is around them. Two reports differing
only in them would look the same and could be made to share a footer 校验码.

The rule chosen is **shown, not refused**: the stored text keeps what was typed or received (nothing
typed is lost, a received file is not turned away, and a code printed by an earlier version still
verifies against it), and every document made from it — the PDF, Word, Excel, web page, and so the
校验码, which is taken from the same content — shows each such character as 〈U+200B〉. A tab prints as
the space it stands for; line breaks separate paragraphs.
"""

from __future__ import annotations

import re
import unicodedata

_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_KEPT = frozenset("\t\n\r")  # a tab and line breaks: the layout's, and seen as such
_INVISIBLE_MARKS = (
    (0x115F, 0x1160),  # Hangul fillers
    (0x3164, 0x3164),
    (0xFFA0, 0xFFA0),
    (0xFE00, 0xFE0F),  # variation selectors
    (0xE0100, 0xE01EF),
    (0x180B, 0x180F),  # Mongolian free variation selectors and vowel separator
    (0x034F, 0x034F),  # combining grapheme joiner
)
# Characters that are certainly visible are skipped without a look-up: printable ASCII, CJK, CJK
# punctuation and full-width forms (not the half-width Hangul filler U+FFA0).
_CANDIDATE = re.compile("[^\t\n\r\x20-\x7e\u3000-\u303f\u4e00-\u9fff\uff01-\uff9f\uffa1-\uffdc]")


def is_hidden(ch: str) -> bool:
    """Whether the character prints as nothing (or as an instruction to reorder the text)."""
    if ch in _KEPT:
        return False
    code = ord(ch)
    if any(low <= code <= high for low, high in _INVISIBLE_MARKS):
        return True
    return unicodedata.category(ch) in _HIDDEN_CATEGORIES


def marker(ch: str) -> str:
    """How a hidden character is printed: 〈U+200B〉."""
    return f"〈U+{ord(ch):04X}〉"


def shown(text: str) -> str:
    """The text with every hidden character replaced by its visible marker."""
    return _CANDIDATE.sub(lambda m: marker(m[0]) if is_hidden(m[0]) else m[0], text)


def without_hidden(text: str) -> str:
    """The text with every hidden character dropped: for a value read as a key or a word (a ledger's
    cell, a roster's name), where 自然人 followed by U+200B pasted from a web page is still 自然人 and a
    BOM inside a file joined from two is nothing. A report's own text keeps them (`shown`)."""
    return _CANDIDATE.sub(lambda m: "" if is_hidden(m[0]) else m[0], text)


def hidden_characters(text: str) -> str:
    """The distinct hidden characters of the text, in code point order ("" when there are none)."""
    return "".join(sorted({m[0] for m in _CANDIDATE.finditer(text) if is_hidden(m[0])}))
