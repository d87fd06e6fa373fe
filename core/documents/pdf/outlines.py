"""Text drawn as glyph outlines (filled paths), for what must be seen on the page but never copied.

The draft's 草稿 watermark was real text: copying a paragraph from a draft picked up 「稿」 or 「草」
among its words. Drawn as outlines it is only ink. The outlines are read from the TrueType `glyf`
table of a font ReportLab has already parsed (simple and composite glyphs; quadratic curves are
written as the equivalent cubic ones PDF draws).
"""

from __future__ import annotations

import struct
from typing import Any

from reportlab.pdfgen.canvas import FILL_NON_ZERO

Point = tuple[float, float, bool]  # x, y in font units, on the curve
Contour = list[Point]
_ON_CURVE, _X_SHORT, _Y_SHORT, _REPEAT, _X_SAME, _Y_SAME = 1, 2, 4, 8, 16, 32
_ARG_WORDS, _ARGS_XY, _SCALE, _MORE, _XY_SCALE, _TWO_BY_TWO = 1, 2, 8, 32, 64, 128


def glyph_contours(face: Any, glyph: int, depth: int = 0) -> list[Contour]:
    """The contours of glyph number `glyph` of a ReportLab TrueType face, in font units."""
    data: bytes = face._ttf_data
    start = face.get_table_pos("glyf")[0] + face.glyphPos[glyph]
    if face.glyphPos[glyph + 1] == face.glyphPos[glyph] or depth > 8:
        return []  # an empty glyph (a space), or a composite that loops
    (contours,) = struct.unpack_from(">h", data, start)
    if contours < 0:
        return _composite(face, data, start + 10, depth)
    ends = struct.unpack_from(f">{contours}H", data, start + 10)
    count = ends[-1] + 1 if ends else 0
    pos = start + 10 + 2 * contours
    (instructions,) = struct.unpack_from(">H", data, pos)
    pos += 2 + instructions
    flags: list[int] = []
    while len(flags) < count:
        flag = data[pos]
        pos += 1
        repeat = 0
        if flag & _REPEAT:
            repeat = data[pos]
            pos += 1
        flags += [flag] * (repeat + 1)
    xs, pos = _coordinates(data, pos, flags, _X_SHORT, _X_SAME)
    ys, pos = _coordinates(data, pos, flags, _Y_SHORT, _Y_SAME)
    points = [(x, y, bool(f & _ON_CURVE)) for x, y, f in zip(xs, ys, flags, strict=True)]
    out, first = [], 0
    for end in ends:
        out.append(points[first : end + 1])
        first = end + 1
    return out


def _coordinates(data: bytes, pos: int, flags: list[int], short: int, same: int) -> tuple[list[float], int]:
    values, value = [], 0
    for flag in flags:
        if flag & short:
            delta = data[pos]
            pos += 1
            value += delta if flag & same else -delta
        elif not flag & same:
            (delta,) = struct.unpack_from(">h", data, pos)
            pos += 2
            value += delta
        values.append(float(value))
    return values, pos


def _composite(face: Any, data: bytes, pos: int, depth: int) -> list[Contour]:
    out: list[Contour] = []
    flags = _MORE
    while flags & _MORE:
        flags, glyph = struct.unpack_from(">HH", data, pos)
        pos += 4
        if flags & _ARG_WORDS:
            dx, dy = struct.unpack_from(">hh" if flags & _ARGS_XY else ">HH", data, pos)
            pos += 4
        else:
            dx, dy = struct.unpack_from(">bb" if flags & _ARGS_XY else ">BB", data, pos)
            pos += 2
        if not flags & _ARGS_XY:
            dx = dy = 0  # aligned by point numbers: not used by the fonts we print with
        a, b, c, d = 1.0, 0.0, 0.0, 1.0
        if flags & _SCALE:
            a = d = struct.unpack_from(">h", data, pos)[0] / 16384
            pos += 2
        elif flags & _XY_SCALE:
            a, d = (v / 16384 for v in struct.unpack_from(">hh", data, pos))
            pos += 4
        elif flags & _TWO_BY_TWO:
            a, b, c, d = (v / 16384 for v in struct.unpack_from(">hhhh", data, pos))
            pos += 8
        for contour in glyph_contours(face, glyph, depth + 1):
            out.append([(a * x + c * y + dx, b * x + d * y + dy, on) for x, y, on in contour])
    return out


def add_contour(path: Any, contour: Contour, scale: float, x0: float, y0: float) -> None:
    """Append one closed TrueType contour to a ReportLab path, scaled and moved to (x0, y0)."""
    if not contour:
        return
    points = [(x0 + x * scale, y0 + y * scale, on) for x, y, on in contour]
    # start on an on-curve point (or the midpoint of two control points, which is one)
    k = next((i for i, p in enumerate(points) if p[2]), None)
    if k is None:
        (ax, ay, _), (bx, by, _) = points[0], points[1 % len(points)]
        points = [((ax + bx) / 2, (ay + by) / 2, True), *points[1:], points[0]]
    else:
        points = points[k:] + points[:k]
    cx, cy = points[0][0], points[0][1]
    path.moveTo(cx, cy)
    control: tuple[float, float] | None = None
    for x, y, on in [*points[1:], points[0]]:
        if on:
            if control is None:
                path.lineTo(x, y)
            else:
                _quad(path, (cx, cy), control, (x, y))
            cx, cy, control = x, y, None
        elif control is None:
            control = (x, y)
        else:  # two control points in a row: an on-curve point lies halfway between them
            mx, my = (control[0] + x) / 2, (control[1] + y) / 2
            _quad(path, (cx, cy), control, (mx, my))
            cx, cy, control = mx, my, (x, y)
    path.close()


def _quad(path: Any, p0: tuple[float, float], c: tuple[float, float], p1: tuple[float, float]) -> None:
    path.curveTo(
        p0[0] + 2 / 3 * (c[0] - p0[0]),
        p0[1] + 2 / 3 * (c[1] - p0[1]),
        p1[0] + 2 / 3 * (c[0] - p1[0]),
        p1[1] + 2 / 3 * (c[1] - p1[1]),
        p1[0],
        p1[1],
    )


def text_width(font: Any, text: str, size: float) -> float:
    return float(font.stringWidth(text, size))  # ReportLab's own (C) width of a TrueType font's text


def draw_outlined(canvas: Any, font: Any, text: str, x: float, y: float, size: float) -> None:
    """Fill `text` in the canvas's fill colour as outlines of a ReportLab TTFont, its baseline
    starting at (x, y); characters the font lacks are left out (the watermark's never are)."""
    face = font.face
    scale = size / face.unitsPerEm
    path = canvas.beginPath()
    for ch in text:
        glyph = face.charToGlyph.get(ord(ch))
        if glyph is not None:
            for contour in glyph_contours(face, glyph):
                add_contour(path, contour, scale, x, y)
        x += text_width(font, ch, size)
    canvas.drawPath(path, stroke=0, fill=1, fillMode=FILL_NON_ZERO)  # as TrueType is drawn
