"""The pages of a PDF this program made, as vector shapes a printer can draw at its own resolution.

「打印」 used to send each page as a 1200 dpi bitmap (half a gigabyte a page, ~40 s for a report). Here
the page's content is read back (pdfminer, which pdfplumber brings along) into paths in page points
and glyphs: a glyph is the glyph number in one of the PDF's embedded fonts and the matrix that places
its em square on the page. `ui.printing` draws them with QPainter, so the printer gets outlines.
Only what our own renderer writes has to be understood: paths (lines, rectangles, curves), text in
ReportLab's TrueType subsets (a format-6 character map from code to glyph), grey and RGB colour.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pdfminer.pdfdevice import PDFTextDevice
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import resolve1

Matrix = tuple[float, float, float, float, float, float]
Colour = tuple[float, float, float]  # RGB, 0..1
Segment = tuple[Any, ...]  # ("m", x, y), ("l", x, y), ("c", x1, y1, x2, y2, x3, y3), ("h",)


@dataclass(frozen=True)
class Shape:
    """A path in page points (origin at the bottom left, as in PDF), filled and/or stroked."""

    segments: tuple[Segment, ...]
    fill: Colour | None
    stroke: Colour | None
    line_width: float
    even_odd: bool


@dataclass(frozen=True)
class Glyph:
    """Glyph `glyph` of font `font` (an index into `Pages.fonts`); `matrix` maps its em square
    (1 unit = the font size, y up) to page points."""

    font: int
    glyph: int
    matrix: Matrix
    colour: Colour


@dataclass
class Drawing:
    """One page: its size in points and what is drawn on it, in painting order."""

    width: float
    height: float
    items: list[Shape | Glyph] = field(default_factory=list)


class Pages:
    """The pages of a PDF, read one at a time (`drawings()`), and the font files they draw with."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self.fonts: list[bytes] = []
        self._font_ids: dict[int, int] = {}  # id of pdfminer's font object -> index in `fonts`
        self._cmaps: list[dict[int, int]] = []
        with io.BytesIO(data) as stream:
            self.count = sum(1 for _ in PDFPage.get_pages(stream))

    def drawings(self) -> Iterator[Drawing]:
        manager = PDFResourceManager(caching=True)
        device = _Recorder(manager, self)
        interpreter = PDFPageInterpreter(manager, device)
        with io.BytesIO(self._data) as stream:
            for page in PDFPage.get_pages(stream):
                x0, y0, x1, y1 = page.mediabox
                device.drawing = Drawing(x1 - x0, y1 - y0)
                interpreter.process_page(page)
                yield device.drawing

    def glyph_of(self, font: Any, code: int) -> tuple[int, int]:
        """(index of the font file, glyph number) for a character code of a pdfminer font."""
        key = id(font)
        if key not in self._font_ids:
            descriptor = resolve1(font.descriptor) or {}
            data = resolve1(descriptor.get("FontFile2"))
            if data is None:
                raise ValueError(f"font without an embedded TrueType file: {font.basefont}")
            self._font_ids[key] = len(self.fonts)
            self.fonts.append(data.get_data())
            self._cmaps.append(subset_cmap(self.fonts[-1]))
        index = self._font_ids[key]
        return index, self._cmaps[index].get(code, 0)


def subset_cmap(font: bytes) -> dict[int, int]:
    """Code -> glyph of a TrueType file's first format-6 (trimmed table) or format-0 character map,
    which is what ReportLab writes into its subsets."""
    (tables,) = struct.unpack_from(">H", font, 4)
    for i in range(tables):
        tag, _checksum, offset, _length = struct.unpack_from(">4sIII", font, 12 + 16 * i)
        if tag != b"cmap":
            continue
        (count,) = struct.unpack_from(">H", font, offset + 2)
        for j in range(count):
            _platform, _encoding, sub = struct.unpack_from(">HHI", font, offset + 4 + 8 * j)
            start = offset + sub
            (fmt,) = struct.unpack_from(">H", font, start)
            if fmt == 6:
                first, entries = struct.unpack_from(">HH", font, start + 6)
                glyphs = struct.unpack_from(f">{entries}H", font, start + 10)
                return {first + k: g for k, g in enumerate(glyphs)}
            if fmt == 0:
                return dict(enumerate(font[start + 6 : start + 6 + 256]))
    raise ValueError("font without a format-0 or format-6 character map")


def _colour(value: Any) -> Colour:
    """pdfminer's colour (a grey level, an RGB or CMYK tuple) as RGB."""
    if isinstance(value, int | float):
        return (float(value),) * 3
    values = [float(v) for v in value]
    if len(values) == 3:
        return values[0], values[1], values[2]
    if len(values) == 4:
        c, m, y, k = values
        return (1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)
    return (float(values[0]),) * 3 if values else (0.0, 0.0, 0.0)


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """m then n, as PDF composes matrices."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


class _Recorder(PDFTextDevice):
    """A pdfminer device that keeps what is painted instead of analysing the text."""

    def __init__(self, manager: PDFResourceManager, pages: Pages) -> None:
        super().__init__(manager)
        self.pages = pages
        self.drawing = Drawing(0, 0)

    def paint_path(
        self, gstate: Any, stroke: bool, fill: bool, evenodd: bool, path: Sequence[Segment]
    ) -> None:
        if not (stroke or fill):
            return
        ctm = self.ctm
        assert ctm is not None  # set by the interpreter before any painting
        segments: list[Segment] = []
        for op, *args in path:
            points = [_apply(ctm, float(x), float(y)) for x, y in zip(args[::2], args[1::2], strict=True)]
            segments.append((op, *(v for point in points for v in point)))
        a, b, c, d, _e, _f = ctm
        scale = abs(a * d - b * c) ** 0.5  # line widths are in user space
        self.drawing.items.append(
            Shape(
                tuple(segments),
                _colour(gstate.ncolor) if fill else None,
                _colour(gstate.scolor) if stroke else None,
                float(gstate.linewidth) * scale,
                evenodd,
            )
        )

    def render_char(
        self,
        matrix: Matrix,
        font: Any,
        fontsize: float,
        scaling: float,
        rise: float,
        cid: int,
        ncs: Any,
        graphicstate: Any,
    ) -> float:
        index, glyph = self.pages.glyph_of(font, cid)
        em: Matrix = (fontsize * scaling, 0.0, 0.0, fontsize, 0.0, rise)
        self.drawing.items.append(Glyph(index, glyph, _multiply(em, matrix), _colour(graphicstate.ncolor)))
        return float(font.char_width(cid)) * fontsize * scaling
