"""The printed page as data: GB/T 9704-2012 geometry, type sizes and styles.

Everything the renderer needs to know about sizes lives here, in points (1 mm = 72/25.4 pt), so a
change of house style is a change of data. The numbers follow format-2021.md §8. A table's column
widths and label alignment belong to its format year (`Table.print_column_widths`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from core.format.definition import CellRole

FontRole = Literal["fangsong", "heiti", "kaiti", "songti", "xiaobiaosong"]
Align = Literal["justify", "left", "center"]


@dataclass(frozen=True)
class Cell:
    """A cell of a printed table's grid (the PDF's, and the exported documents' through
    `core.documents.write.content`): where it sits, what it spans, its role and its text."""

    row: int
    col: int
    rowspan: int
    colspan: int
    role: CellRole
    text: str


PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_TOP = 37 * mm  # 天头
MARGIN_LEFT = 28 * mm  # 订口
BLOCK_WIDTH = 156 * mm  # 版心
BLOCK_HEIGHT = 225 * mm
BLOCK_LEFT = MARGIN_LEFT
BLOCK_RIGHT = MARGIN_LEFT + BLOCK_WIDTH  # right margin 26 mm
BLOCK_TOP = PAGE_HEIGHT - MARGIN_TOP
BLOCK_BOTTOM = BLOCK_TOP - BLOCK_HEIGHT  # bottom margin 35 mm

LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
BODY_SIZE = 16.0  # 3号
TITLE_SIZE = 22.0  # 2号
TABLE_SIZE = 10.5  # 5号: B's ten columns fit 156 mm with its long labels wrapping
PAGE_NUMBER_SIZE = 14.0  # 4号
FOOTER_CODE_SIZE = 9.0  # the fingerprint beside the page number: legible, not competing with it
LINE = BLOCK_HEIGHT / LINES_PER_PAGE  # 28.99 pt: exactly 22 body lines fill the block

# 28 characters of 16 pt are 448 pt, the block is 442.2 pt wide. Word's 文档网格 ("28 characters a
# line") squeezes the character pitch to 156/28 mm; we do the same with a tiny negative character
# spacing (0.21 pt, 1.3 % of the size) instead of dropping to 27 characters or shrinking the type.
BODY_TRACKING = (BLOCK_WIDTH - CHARS_PER_LINE * BODY_SIZE) / (CHARS_PER_LINE - 1)
BODY_PITCH = BODY_SIZE + BODY_TRACKING  # 15.79 pt from one character to the next

PAGE_NUMBER_DROP = 7 * mm  # the 一字线 sits 7 mm below the block
PAGE_NUMBER_INSET = PAGE_NUMBER_SIZE  # odd pages one character in from the right, even from the left

WATERMARK_TEXT = "草稿"
WATERMARK_SIZE = 110.0
WATERMARK_GREY = 0.86  # light enough to read the text through, dark enough to survive a copier
WATERMARK_ANGLE = 35.0

SEAL_LINES = 2  # blank lines above the 署名 for the upper half of a 42 mm seal
DATE_INSET_CHARS = 4  # 成文日期 右空四字
QR_SIZE = 24 * mm
FULL_CODE_SIZE = 8.0  # the full 校验码 under the QR code: three lines of it fit beside the date
FULL_CODE_LEADING = 9.5
BLANK_DATE = "\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日"  # for a handwritten date


@dataclass(frozen=True)
class TextStyle:
    """How a block of text is set: one font role, a size, a line pitch, indent and alignment."""

    role: FontRole
    size: float
    leading: float
    align: Align = "justify"
    first_indent: float = 0.0  # in characters (of this size, plus tracking: indents stay on the grid)
    tracking: float = 0.0  # extra space after each character, pt (negative squeezes)
    space_before: float = 0.0
    space_after: float = 0.0


BODY = TextStyle("fangsong", BODY_SIZE, LINE, first_indent=2, tracking=BODY_TRACKING)
HEADING_1 = TextStyle("heiti", BODY_SIZE, LINE, first_indent=2, tracking=BODY_TRACKING)  # 一、
HEADING_2 = TextStyle("kaiti", BODY_SIZE, LINE, first_indent=2, tracking=BODY_TRACKING)  # （一）
# An appendix's heading as GB/T 9704 sets a 附件's mark: 3号黑体 at the left of the first line.
APPENDIX_HEADING = TextStyle("heiti", BODY_SIZE, LINE, tracking=BODY_TRACKING, space_after=LINE / 2)
TITLE = TextStyle("xiaobiaosong", TITLE_SIZE, LINE * 1.25, align="center", space_after=LINE)
# Centred: a name too long for one line is broken into balanced lines (each then centred on the date).
SIGNATURE = TextStyle("fangsong", BODY_SIZE, LINE, align="center", tracking=BODY_TRACKING)
TABLE_TEXT = TextStyle("songti", TABLE_SIZE, TABLE_SIZE * 1.3, align="center")
TABLE_LABEL = TextStyle("songti", TABLE_SIZE, TABLE_SIZE * 1.3, align="left")

TABLE_PADDING_X = 2.0
TABLE_PADDING_Y = 3.0
TABLE_RULE = 0.5
TABLE_SPACE_AFTER = LINE / 2

# The font of each kind of paragraph of the content model (`core.documents.write.content`), and of a run set
# as a sub-heading inside a body paragraph (（一）… opening a sentence).
PARAGRAPH_STYLES: dict[str, TextStyle] = {"heading1": HEADING_1, "heading2": HEADING_2, "body": BODY}


def run_font(paragraph_kind: str, run_role: str) -> FontRole:
    """The font role a run of a paragraph is set in."""
    return HEADING_2.role if run_role == "heading2" else PARAGRAPH_STYLES[paragraph_kind].role
