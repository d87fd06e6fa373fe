"""Tables A, B and C as printed: the format's layout grid drawn as a ruled table that splits well.

The grid (cells, spans, which lines are headers) comes from `Table.placed`. A table that breaks across
pages repeats its `header_lines` and never leaves a header line at the foot of a page; a table without
repeating headers (A) breaks only before one of its block headings, so each block stays whole. A label
that spans rows on both sides of a break (三、本年度办理结果) is printed again on the new page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Flowable, TableStyle
from reportlab.platypus import Table as RLTable

from core.documents.pdf import layout
from core.documents.pdf.fonts import FontSet
from core.documents.pdf.layout import Cell
from core.documents.pdf.text import Setting, TextBlock
from core.format.definition import CellRole

_EPS = 1e-6


def _one_line(setting: Setting, cell_width: float) -> Setting:
    """A number never breaks (123456 was printed 123/456): one too wide for its cell is set smaller,
    on the same line pitch."""
    room = cell_width - 2 * layout.TABLE_PADDING_X
    need = setting.width_of(0, len(setting.text))
    if need <= room:
        return setting
    style = replace(setting.style, size=setting.style.size * room / need * 0.99)
    return Setting([(setting.text, style.role)], style, setting.font_set)


class GridTable(Flowable):  # type: ignore[misc]
    """A layout grid, or the part of it (some of its lines) that goes on one page."""

    def __init__(
        self,
        cells: Sequence[Cell],
        *,
        lines: int,
        columns: Sequence[float],
        header_lines: int,
        fonts: FontSet,
        label_style: layout.TextStyle = layout.TABLE_LABEL,
        rows: Sequence[int] | None = None,
        _settings: dict[tuple[int, int], Setting] | None = None,
    ) -> None:
        super().__init__()
        self.cells, self.lines, self.columns = tuple(cells), lines, tuple(columns)
        self.header_lines, self.fonts, self.label_style = header_lines, fonts, label_style
        self.rows = tuple(range(lines)) if rows is None else tuple(rows)
        starts: dict[int, list[CellRole]] = {}
        for c in self.cells:
            starts.setdefault(c.row, []).append(c.role)
        self._is_header = [
            bool(starts.get(r)) and all(role in ("header", "corner") for role in starts[r])
            for r in range(lines)
        ]
        self._settings = _settings if _settings is not None else {
            (c.row, c.col): Setting(
                [(c.text, "songti")], label_style if c.role == "label" else layout.TABLE_TEXT, fonts
            )
            for c in self.cells
        }  # fmt: skip
        self._table: Any = None
        self._table_width = -1.0

    # ------------------------------------------------------------ building

    def _build(self, width: float) -> Any:
        if self._table is not None and self._table_width == width:
            return self._table
        local = {r: i for i, r in enumerate(self.rows)}
        data: list[list[Any]] = [[""] * len(self.columns) for _ in self.rows]
        commands: list[tuple[Any, ...]] = [
            ("GRID", (0, 0), (-1, -1), layout.TABLE_RULE, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), layout.TABLE_PADDING_X),
            ("RIGHTPADDING", (0, 0), (-1, -1), layout.TABLE_PADDING_X),
            ("TOPPADDING", (0, 0), (-1, -1), layout.TABLE_PADDING_Y),
            ("BOTTOMPADDING", (0, 0), (-1, -1), layout.TABLE_PADDING_Y),
            # Never let ReportLab fall back to its standard Helvetica for an empty cell.
            ("FONTNAME", (0, 0), (-1, -1), self.fonts.name("songti")),
        ]
        for c in self.cells:
            covered = [local[r] for r in range(c.row, c.row + c.rowspan) if r in local]
            if not covered:
                continue
            top, bottom = covered[0], covered[-1]
            data[top][c.col] = TextBlock(self._settings[(c.row, c.col)])
            if bottom > top or c.colspan > 1:
                commands.append(("SPAN", (c.col, top), (c.col + c.colspan - 1, bottom)))
        total = sum(self.columns)
        widths = [f / total * width for f in self.columns]
        for c in self.cells:
            if c.role == "value" and c.row in local:
                setting = _one_line(self._settings[(c.row, c.col)], sum(widths[c.col : c.col + c.colspan]))
                data[local[c.row]][c.col] = TextBlock(setting)
        self._table = RLTable(data, colWidths=widths, style=TableStyle(commands))
        self._table_width = width
        return self._table

    def _part(self, rows: Sequence[int]) -> GridTable:
        return GridTable(
            self.cells,
            lines=self.lines,
            columns=self.columns,
            header_lines=self.header_lines,
            fonts=self.fonts,
            label_style=self.label_style,
            rows=rows,
            _settings=self._settings,
        )

    # ------------------------------------------------------------ flowable protocol

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width, self.height = self._build(avail_width).wrap(avail_width, avail_height)
        return self.width, self.height

    def _heading_count(self) -> int:
        """How many of this part's first lines are the repeating header."""
        n = self.header_lines
        return n if self.rows[:n] == tuple(range(n)) else 0

    def _breaks(self, width: float) -> list[tuple[int, float]]:
        """(lines before an allowed page break, their height in this table), in order. A part's own
        height can be more: a label cut off from the rows it spans needs room of its own."""
        table = self._build(width)
        table.wrap(width, 1e9)
        heights = table._rowHeights
        rows, header = self.rows, self._is_header
        out = []
        height = 0.0
        for m in range(1, len(rows)):
            height += heights[m - 1]
            if m <= self._heading_count() or header[rows[m - 1]]:
                continue  # a header line stays with the line after it
            if self.header_lines or header[rows[m]]:
                out.append((m, height))
        return out

    def min_start_height(self, width: float) -> float:
        """The least of the table that may stand at the foot of a page."""
        breaks = self._breaks(width)
        part = self._part(self.rows[: breaks[0][0]]) if breaks else self
        return float(part.wrap(width, 1e9)[1])

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        breaks = self._breaks(avail_width)
        # A break inside a group (a label spanning rows: （四）无法提供 and its 1–3) only when no
        # break outside one fits: the group then goes whole to the next page.
        inside = self._inside_groups(avail_width)
        for candidates in ([b for b in breaks if b[0] not in inside], breaks):
            for m, estimate in reversed(candidates):
                if estimate > avail_height + _EPS:
                    continue
                first = self._part(self.rows[:m])
                if first.wrap(avail_width, avail_height)[1] <= avail_height + _EPS:
                    rest = self._part(tuple(range(self.header_lines)) + self.rows[m:])
                    return [first, rest]
        return []

    def _inside_groups(self, width: float) -> set[int]:
        """Breaks (lines before them) that would cut a group of rows under one label that fits on a
        page of its own, below the repeated header."""
        table = self._build(width)
        table.wrap(width, 1e9)
        heights = table._rowHeights
        local = {r: i for i, r in enumerate(self.rows)}
        header = sum(heights[: self._heading_count()])
        out: set[int] = set()
        for c in self.cells:
            rows = [local[r] for r in range(c.row, c.row + c.rowspan) if r in local]
            if c.role != "label" or len(rows) < 2:
                continue
            if header + sum(heights[rows[0] : rows[-1] + 1]) <= layout.BLOCK_HEIGHT:
                out.update(range(rows[0] + 1, rows[-1] + 1))
        return out

    def draw(self) -> None:
        self._table.drawOn(self.canv, 0, 0)
