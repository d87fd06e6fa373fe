"""The grammar of the narrative texts, one for the editor and the printed page.

A line that opens with a sub-heading number — （一） … （十二）, in full-width or half-width brackets,
as office staff type them: `(一)`, `（二)` — is a sub-heading (exchange-format.md). When the line runs
on into a sentence after the heading (「（二）依申请公开情况。本段与标题同行。」), only the words up to
the first 。 are the heading; the rest is body text.
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r"\s*[（(]([一二三四五六七八九十]+)[）)]\s*")


def subheading_number(line: str) -> tuple[str, str]:
    """(the numeral of the sub-heading number `line` opens with — 一 for （一） or (一) —, the rest of
    the line after it and its spaces); ("", line) when the line opens with none."""
    found = _NUMBER.match(line)
    return (found.group(1), line[found.end() :]) if found else ("", line)


def subheading_length(line: str) -> int:
    """How many leading characters of `line` are its sub-heading (leading spaces included); 0 if none."""
    if _NUMBER.match(line) is None:
        return 0
    end = line.find("。") + 1
    return end if 0 < end < len(line.rstrip()) else len(line)
