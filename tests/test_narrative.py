"""One sub-heading grammar: `core.rules.narrative` read alike by the narrative editor and the printed page."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QFont, QTextDocument

from core.documents.pdf.fonts import BUNDLED, FontChoice
from core.documents.pdf.render import render_pdf
from core.paths import resource_path
from core.rules.narrative import subheading_length
from tests.test_pdf import read_pdf
from tests.test_pdf_text import _bundled, _report
from ui.text_editor import SubheadingHighlighter

LINES = [
    ("（一）主动公开情况", 9),
    ("(二)依申请公开情况", 10),  # half-width brackets, as typed without the Chinese input method
    ("（三)政府信息管理情况", 11),
    ("（十二）其他", 6),
    ("（四）平台建设情况。本段与标题同行。", 10),  # only the words up to the first 。 are the heading
    ("（五）监督保障情况。", 10),
    ("一、总体情况", 0),
    ("正文（一）不是标题。", 0),
    ("（甲）不是标题", 0),
    ("（）空括号", 0),
]


@pytest.mark.parametrize(("line", "length"), LINES)
def test_the_sub_heading_of_a_line(line: str, length: int) -> None:
    assert subheading_length(line) == length
    assert subheading_length("  " + line) == (length + 2 if length else 0)  # typed indentation


def _editor_bold(lines: list[str]) -> list[int]:
    document = QTextDocument()
    highlighter = SubheadingHighlighter(document)
    document.setPlainText("\n".join(lines))
    highlighter.rehighlight()
    bold = []
    for n in range(document.blockCount()):
        ranges = [
            r
            for r in document.findBlockByNumber(n).layout().formats()
            if r.format.fontWeight() == QFont.Weight.Bold
        ]
        bold.append(sum(r.length for r in ranges))
    return bold


def _printed_kaiti(lines: list[str]) -> list[int]:
    fonts = _bundled()  # the bundled collection's second face stands in for 楷体, to tell roles apart
    fonts["kaiti"] = FontChoice("kaiti", resource_path(*BUNDLED), 1, bundled=True)
    printed = read_pdf(render_pdf(_report(overview="\n".join(lines)), fonts=fonts))[0].lines
    by_text: dict[str, list[dict[str, Any]]] = {"".join(c["text"] for c in line): line for line in printed}
    return [sum("MicroHeiMono" in c["fontname"] for c in by_text[line]) for line in lines]


def test_the_editor_and_the_printed_page_agree_on_every_sub_heading(qapp: object) -> None:
    lines = [line for line, _ in LINES]
    expected = [length for _, length in LINES]
    assert _editor_bold(lines) == expected
    assert _printed_kaiti(lines) == expected
