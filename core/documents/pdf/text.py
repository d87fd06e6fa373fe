"""Setting Chinese text: line breaking by the punctuation rules, and a flowable that draws it.

ReportLab's own CJK wrapping lets a closing mark hang past the margin and knows only a few Chinese
marks, so lines are broken here: a line never starts with closing punctuation （，。、；：？！）」』”…
etc.) nor ends with opening punctuation; the characters before the break move down instead. A run of
Latin letters and digits (2021, 12.5, a web address) stays whole unless it is wider than the line, or
would leave the line half empty. Text is drawn glyph by glyph from the user's string, with no markup
parsing at all, so nothing the user typed can be lost or taken as an instruction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from reportlab.platypus import Flowable

from core.documents.pdf.fonts import FontSet
from core.documents.pdf.layout import FontRole, TextStyle

CLOSING = frozenset("，。、；：？！）」』”’》〉】〕］｝…·％‰℃!),.:;?]}%")  # never at the start of a line
OPENING = frozenset("（「『“‘《〈【〔［｛([{")  # never at the end of a line
_TOKEN = re.compile(r"[!-~]+|…+|—+|\n|.", re.S)  # units that are never split (unless too wide)
_CONTROLS = {c: " " for c in range(32) if c != 10}  # a tab prints as the space it stands for
_EPS = 1e-6
_LATIN_BREAK_GAP = 2.0  # in characters: a line left emptier than this breaks a Latin run instead


@dataclass(frozen=True)
class Line:
    start: int  # character range in the paragraph text
    end: int
    indent: float  # pt
    justify: bool  # spread to the full width (every line but a paragraph's last)


def break_lines(
    text: str, advance: Sequence[float], width: float, first_indent: float, tracking: float, em: float
) -> list[Line]:
    """Lines of `text` for a measure of `width` pt; `advance` is each character's width."""
    prefix = list(accumulate(advance, initial=0.0))
    tokens = [m.span() for m in _TOKEN.finditer(text)]
    lines: list[Line] = []
    i, n, indent = 0, len(tokens), first_indent
    while i < n:
        avail = width - indent
        j, used, count = i, 0.0, 0
        while j < n and text[tokens[j][0]] != "\n":
            s, e = tokens[j]
            w = prefix[e] - prefix[s]
            if used + w + (count + e - s - 1) * tracking > avail + _EPS:
                break
            used, count, j = used + w, count + e - s, j + 1
        if j < n and text[tokens[j][0]] != "\n":
            gap = avail - used - max(count - 1, 0) * tracking
            s, e = tokens[j]
            if e - s > 1 and (j == i or (text[s].isascii() and gap > _LATIN_BREAK_GAP * em)):
                # Too wide for any line, or it would leave this one half empty: split it here.
                k = s + 1
                while k < e - 1 and used + prefix[k + 1] - prefix[s] + (count + k - s) * tracking <= avail:
                    k += 1
                tokens[j : j + 1] = [(s, k), (k, e)]
                n += 1
                continue
            if j == i:  # one character wider than the measure: let it overflow rather than stall
                lines.append(Line(s, e, indent, justify=False))
                i, indent = j + 1, 0.0
                continue
            k = j
            while k > i + 1 and (text[tokens[k][0]] in CLOSING or text[tokens[k - 1][1] - 1] in OPENING):
                k -= 1
            if k == i + 1 and (text[tokens[k][0]] in CLOSING or text[tokens[k - 1][1] - 1] in OPENING):
                s, e = tokens[i]
                if e - s > 1:  # the line is one Latin run and its marks: carry its last letter down
                    tokens[i : i + 1] = [(s, e - 1), (e - 1, e)]
                    n += 1
                    continue
                k = j  # no break satisfies the rules (a line of nothing but marks): keep the greedy one
            lines.append(Line(tokens[i][0], tokens[k - 1][1], indent, justify=True))
            i = k
        else:
            start = tokens[i][0] if i < n else len(text)
            end = tokens[j - 1][1] if j > i else start
            lines.append(Line(start, end, indent, justify=False))
            i = j + 1  # past the forced break
        indent = 0.0
    return lines or [Line(0, 0, first_indent, justify=False)]


class Setting:
    """One paragraph's characters, the font of each (the role's, or the fallback for a glyph the
    role's font lacks) and their advances, shared by the pieces of a paragraph split across pages."""

    def __init__(self, runs: Sequence[tuple[str, FontRole]], style: TextStyle, fonts: FontSet) -> None:
        self.style, self.font_set = style, fonts
        self.text = "".join(t for t, _ in runs).translate(_CONTROLS)
        roles = [role for part, role in runs for _ in part]
        self.fonts: list[Any] = [fonts.font_for(ch, role) for ch, role in zip(self.text, roles, strict=True)]
        size = style.size
        self.advance = [
            0.0 if ch == "\n" else f.face.charWidths.get(ord(ch), f.face.defaultWidth) * size / 1000
            for ch, f in zip(self.text, self.fonts, strict=True)
        ]
        # Centre the em box in the line pitch, as Word's character grid does.
        self.baseline_drop = style.leading / 2 + size * (fonts.descent(style.role) + 0.5)
        self._lines: dict[float, list[Line]] = {}

    def width_of(self, start: int, end: int) -> float:
        """Width of characters start..end set on one line with the style's tracking."""
        return sum(self.advance[start:end]) + max(end - start - 1, 0) * self.style.tracking

    def lines(self, width: float) -> list[Line]:
        if width not in self._lines:
            lines = self._break(width)
            if self.style.align == "center" and len(lines) > 1:
                # Centred text (titles, table headers) is balanced: 商业/企业, not 商业企/业.
                narrow, wide = 0.0, width
                for _ in range(12):
                    middle = (narrow + wide) / 2
                    if len(self._break(middle)) <= len(lines):
                        wide = middle
                    else:
                        narrow = middle
                lines = self._break(wide)
            self._lines[width] = lines
        return self._lines[width]

    def _break(self, width: float) -> list[Line]:
        s = self.style
        indent = s.first_indent * (s.size + s.tracking)
        return break_lines(self.text, self.advance, width, indent, s.tracking, s.size)


class TextBlock(Flowable):  # type: ignore[misc]
    """A paragraph (or a slice of its lines, once split across pages) set on the line grid."""

    def __init__(
        self,
        runs: Sequence[tuple[str, FontRole]] | Setting,
        style: TextStyle | None = None,
        fonts: FontSet | None = None,
        *,
        first: int = 0,
        last: int | None = None,
        space_before: float | None = None,
        space_after: float | None = None,
    ) -> None:
        super().__init__()
        if isinstance(runs, Setting):
            self.setting = runs
        else:
            assert style is not None and fonts is not None
            self.setting = Setting(runs, style, fonts)
        s = self.setting.style
        self.first, self.last = first, last  # slice of the paragraph's lines
        self.space_before = s.space_before if space_before is None else space_before
        self.space_after = s.space_after if space_after is None else space_after
        self.width = 0.0

    def _lines(self, width: float) -> list[Line]:
        return self.setting.lines(width)[self.first : self.last]

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self.height = self._height(len(self._lines(avail_width)))
        return avail_width, self.height

    def _height(self, lines: int) -> float:
        return self.space_before + lines * self.setting.style.leading + self.space_after

    def line_count(self, width: float) -> int:
        return len(self._lines(width))

    def min_start_height(self, width: float) -> float:
        """The least of it that may stand at the foot of a page: two lines, or all of a short one."""
        n = self.line_count(width)
        return self._height(n) if n <= 2 else self.space_before + 2 * self.setting.style.leading

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        lines = self._lines(avail_width)
        fit = int((avail_height - self.space_before + _EPS) // self.setting.style.leading)
        if fit >= len(lines) and self.space_after:  # the lines fit, only the space after does not
            return [TextBlock(self.setting, first=self.first, last=self.last, space_before=self.space_before,
                              space_after=0.0)]  # fmt: skip
        if fit < 1 or fit >= len(lines):
            return []
        first = self.first + fit
        return [
            TextBlock(self.setting, first=self.first, last=first, space_after=0.0,
                      space_before=self.space_before),
            TextBlock(self.setting, first=first, last=self.last, space_before=0.0,
                      space_after=self.space_after),
        ]  # fmt: skip

    def draw(self) -> None:
        st = self.setting
        style, advance = st.style, st.advance
        top = self.height - self.space_before
        for n, line in enumerate(self._lines(self.width)):
            count = line.end - line.start
            if not count:
                continue
            used = sum(advance[line.start : line.end])
            avail = self.width - line.indent
            spacing = style.tracking
            if line.justify and style.align == "justify" and count > 1:
                spacing = (avail - used) / (count - 1)
            x = line.indent
            if style.align == "center":
                x += (avail - used - (count - 1) * spacing) / 2
            draw_run(
                self.canv, st, line.start, line.end, x, top - n * style.leading - st.baseline_drop, spacing
            )


def draw_run(canvas: Any, setting: Setting, start: int, end: int, x: float, y: float, spacing: float) -> None:
    """Draw characters start..end of a paragraph on one baseline, each in its own font.

    ReportLab writes a TrueType font as subsets of 256 glyphs, one text string per subset. Each
    string is placed at its computed position: readers disagree on whether the character spacing
    follows the last glyph of a string (pdfminer drops it), and must not disagree on where text is.
    """
    text, fonts, advance, size = setting.text, setting.fonts, setting.advance, setting.style.size
    t = canvas.beginText(x, y)
    t.setCharSpace(spacing)
    i = start
    while i < end:
        font = fonts[i]
        j = i + 1
        while j < end and fonts[j] is font:
            j += 1
        t.setFont(font.fontName, size)
        for _subset, codes in font.splitString(text[i:j], canvas._doc):
            n = len(codes)
            t.setTextOrigin(x, y)
            t.textOut(text[i : i + n])
            x += sum(advance[i : i + n]) + n * spacing
            i += n
    canvas.drawText(t)
