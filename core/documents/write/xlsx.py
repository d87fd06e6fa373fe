"""The report's tables as an Excel workbook (.xlsx) for Excel and WPS 表格: one sheet per table.

Each sheet draws the format's layout grid with the official merged headers (borders on every cell of a
merged range, or only its first cell is ruled). Input cells are numbers, unlocked and validated
(whole numbers ≥ 0; 万元 ≥ 0); totals are live `SUM` formulas whose computed values are cached in the
file (XlsxWriter would cache 0, which LibreOffice and Excel's Protected View then show). A total the
report gives that disagrees with its parts is written as given, and the 勾稽 cells — a column beside
the rows whose totals are checked, a row under the columns whose balances are checked — show 「不平」
in red while a check fails. The rest of the sheet is protected (no password); pages are A4 landscape,
fit to width, header rows repeated and panes frozen. An appendix gets a last sheet of its own.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from core.documents.write.content import Appendix, Content, Grid, GridCell, Paragraph
from core.format.definition import ReportFormat, SumCheck

TOP = 2  # sheet rows above the grid: the report's title, the section heading
FONT = "宋体"
FONT_SIZE = 10.5
SHEET_WIDTH = 150.0  # the grid's width in Excel's character units, shared by its columns
APPENDIX_WIDTH = 95.0  # an appendix's: a portrait page's width at 100 %
CHECK_WIDTH = 8.0
LINE_HEIGHT = 14.0  # pt per line of 5号 text
CJK_UNITS = 2.0  # a Chinese character of 5号 is about two of Excel's width units
CHECK_LABEL = "勾稽"
FAILED, PASSED = "不平", "平"

# Every workbook the app writes: no text becomes a formula or a link (by default `write` and `merge_range`
# make `=HYPERLINK(…)` in an agency's name a formula and `http://…` a link)
TEXT_ONLY = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _refs(cells: Sequence[tuple[int, int]]) -> str:
    """Cells as SUM arguments: one range when they run on in a row or a column."""
    rows = {r for r, _ in cells}
    cols = {c for _, c in cells}
    ordered = sorted(cells)
    first, last = ordered[0], ordered[-1]
    in_line = len(rows) == 1 and max(cols) - min(cols) + 1 == len(cells)
    in_column = len(cols) == 1 and max(rows) - min(rows) + 1 == len(cells)
    if len(cells) > 1 and (in_line or in_column):
        return f"{xl_rowcol_to_cell(*first)}:{xl_rowcol_to_cell(*last)}"
    return ",".join(xl_rowcol_to_cell(r, c) for r, c in ordered)


class _Sheet:
    """One table on its own sheet."""

    def __init__(
        self, book: Any, formats: dict[str, Any], heading: str, grid: Grid, spec: ReportFormat, title: str
    ) -> None:
        self.grid, self.spec, self.formats = grid, spec, formats
        self.ws = book.add_worksheet(heading[:31])
        self.by_address = {c.address: c for c in grid.cells if c.address}
        self.heading, self.title = heading, title

    def at(self, address: str) -> tuple[int, int]:
        cell = self.by_address[address]
        return TOP + cell.row, cell.col

    def value(self, address: str) -> Decimal:
        return self.by_address[address].value or Decimal(0)

    def write(self) -> None:
        grid, ws, f = self.grid, self.ws, self.formats
        parts = dict(self.spec.derivations)
        row_checks, col_checks = self._checks()
        width = grid.columns + (1 if row_checks else 0)
        ws.merge_range(0, 0, 0, width - 1, self.title, f["title"])
        ws.merge_range(1, 0, 1, width - 1, self.heading, f["heading"])
        widths = [share * SHEET_WIDTH for share in grid.widths]
        for col, w in enumerate(widths):
            ws.set_column(col, col, w)
        for cell in grid.cells:
            self._cell(cell, parts.get(cell.address or ""))
        self._check_cells(row_checks, col_checks)
        self._row_heights(widths)
        first_value_col = min(c.col for c in grid.cells if c.address)
        header = grid.table.header_lines
        ws.freeze_panes(TOP + header, first_value_col)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.center_horizontally()
        if header:
            ws.repeat_rows(TOP, TOP + header - 1)
        ws.set_footer("&C— &P —")
        ws.protect(
            "",
            {
                "select_locked_cells": True,
                "select_unlocked_cells": True,
                "format_columns": True,
                "format_rows": True,
            },
        )

    def _cell(self, cell: GridCell, parts: tuple[str, ...] | None) -> None:
        ws, f = self.ws, self.formats
        r0, c0 = TOP + cell.row, cell.col
        r1, c1 = r0 + cell.rowspan - 1, c0 + cell.colspan - 1
        if cell.address is None:
            style = f["label_" + self.grid.table.print_label_align] if cell.role == "label" else f["header"]
            if (r0, c0) == (r1, c1):
                ws.write_string(r0, c0, cell.text, style)
            else:
                ws.merge_range(r0, c0, r1, c1, cell.text, style)
            return
        kind = self.spec.cells[cell.address].kind
        given = cell.value
        formula = None
        if cell.derived and parts is not None:
            computed = sum((self.value(p) for p in parts), Decimal(0))
            if given is None or given == computed:
                formula = f"=SUM({_refs([self.at(p) for p in parts])})"
        style = f[f"total_{kind}" if formula or cell.derived else f"input_{kind}"]
        if (r0, c0) != (r1, c1):
            ws.merge_range(r0, c0, r1, c1, "", style)
        if formula is not None:
            ws.write_formula(r0, c0, formula, style, _number(given or Decimal(0)))
        elif given is not None:
            ws.write_number(r0, c0, _number(given), style)
        elif (r0, c0) == (r1, c1):
            ws.write_blank(r0, c0, None, style)
        if not cell.derived:
            ws.data_validation(r0, c0, r1, c1, self._validation(kind))

    def _validation(self, kind: str) -> dict[str, Any]:
        if kind == "count":
            return {
                "validate": "integer",
                "criteria": "between",
                "minimum": 0,
                "maximum": self.spec.count_limit,
                "error_title": "件数不对",
                "error_message": "请填写 0 或正整数。",
            }
        return {
            "validate": "decimal",
            "criteria": ">=",
            "value": 0,
            "error_title": "金额不对",
            "error_message": f"请填写不小于 0 的数（单位：{self.spec.money_unit}）。",
        }

    def _checks(self) -> tuple[dict[int, list[SumCheck]], dict[int, list[SumCheck]]]:
        """This table's checks by the grid line all their cells lie on (a 勾稽 column cell) or else by
        their grid column (a 勾稽 row cell)."""
        by_row: dict[int, list[SumCheck]] = {}
        by_col: dict[int, list[SumCheck]] = {}
        for check in self.spec.checks:
            terms = [t.address for t in (*check.left, *check.right)]
            if not all(a in self.by_address for a in terms):
                continue
            cells = [self.by_address[a] for a in terms]
            cols = {c.col for c in cells}
            if len(cols) == 1:
                by_col.setdefault(cells[0].col, []).append(check)
            else:
                by_row.setdefault(cells[0].row, []).append(check)
        return by_row, by_col

    def _check_formula(self, checks: Iterable[SumCheck]) -> tuple[str, str]:
        tests, holds = [], True
        places = self.spec.money_decimals  # the finest a cell holds: below it, a difference is float noise
        for check in checks:
            left = [self.at(t.address) for t in check.left]
            right = [self.at(t.address) for t in check.right]
            tests.append(f"ROUND(SUM({_refs(left)})-SUM({_refs(right)}),{places})=0")
            holds &= sum((self.value(t.address) for t in check.left), Decimal(0)) == sum(
                (self.value(t.address) for t in check.right), Decimal(0)
            )
        return f'=IF(AND({",".join(tests)}),"{PASSED}","{FAILED}")', PASSED if holds else FAILED

    def _check_cells(self, by_row: dict[int, list[SumCheck]], by_col: dict[int, list[SumCheck]]) -> None:
        ws, f, grid = self.ws, self.formats, self.grid
        red = {"type": "cell", "criteria": "==", "value": f'"{FAILED}"', "format": f["failed"]}
        if by_row:
            col = grid.columns
            ws.set_column(col, col, CHECK_WIDTH)
            header = max(grid.table.header_lines, 1)
            ws.merge_range(TOP, col, TOP + header - 1, col, CHECK_LABEL, f["header"])
            for line in range(header, grid.lines):
                if line in by_row:
                    formula, shown = self._check_formula(by_row[line])
                    ws.write_formula(TOP + line, col, formula, f["check"], shown)
                else:
                    ws.write_blank(TOP + line, col, None, f["check"])
            ws.conditional_format(TOP, col, TOP + grid.lines - 1, col, red)
        if by_col:
            row = TOP + grid.lines
            first = min(by_col)
            if first > 0:
                ws.merge_range(row, 0, row, first - 1, CHECK_LABEL, f["header"])
            for col in range(first, grid.columns):
                if col in by_col:
                    formula, shown = self._check_formula(by_col[col])
                    ws.write_formula(row, col, formula, f["check"], shown)
                else:
                    ws.write_blank(row, col, None, f["check"])
            if by_row:
                ws.write_blank(row, grid.columns, None, f["check"])
            ws.conditional_format(row, 0, row, grid.columns, red)
            ws.set_row(row, LINE_HEIGHT + 6)

    def _row_heights(self, widths: Sequence[float]) -> None:
        _row_heights(self.ws, self.grid, widths)


def _row_heights(ws: Any, grid: Grid, widths: Sequence[float], latin_units: float = CJK_UNITS) -> None:
    """Rows tall enough for their wrapped labels (Excel does not grow a row for merged text).
    `latin_units`: the width taken for a letter or digit; the report's sheets keep a whole character's
    (labels mixing the two then never come out a line short in Excel)."""
    heights = [LINE_HEIGHT + 6.0] * grid.lines
    for cell in sorted(grid.cells, key=lambda c: c.rowspan):
        span = sum(widths[cell.col : cell.col + cell.colspan])
        per_line = max(1, int((span - 1) / CJK_UNITS)) * CJK_UNITS  # width units of whole characters
        units = sum(latin_units if ord(ch) < 0x2E80 else CJK_UNITS for ch in cell.text)
        need = math.ceil(units / per_line) * LINE_HEIGHT + 6 if cell.text else 0
        rows = range(cell.row, cell.row + cell.rowspan)
        have = sum(heights[r] for r in rows)
        if need > have:
            heights[rows[-1]] += need - have
    for line, height in enumerate(heights):
        ws.set_row(TOP + line, height)
    ws.set_row(0, 24)
    ws.set_row(1, 20)


def _appendix_sheet(book: Any, f: dict[str, Any], title: str, appendix: Appendix, grid: Grid) -> None:
    """The appendix on a sheet of its own, under the report's title and its heading; digits as
    numbers (a 序号, a count). Not protected: it holds no formula to guard."""
    ws = book.add_worksheet(appendix.short_name[:31])
    ws.merge_range(0, 0, 0, grid.columns - 1, title, f["title"])
    ws.merge_range(1, 0, 1, grid.columns - 1, appendix.heading, f["heading"])
    widths = [share * APPENDIX_WIDTH for share in grid.widths]
    for col, w in enumerate(widths):
        ws.set_column(col, col, w)
    for cell in grid.cells:
        style = f["label_left"] if cell.role == "label" else f["header"]
        if cell.role == "value" and cell.text.isascii() and cell.text.isdecimal() and len(cell.text) <= 15:
            ws.write_number(TOP + cell.row, cell.col, int(cell.text), style)
        else:
            ws.write_string(TOP + cell.row, cell.col, cell.text, style)
    _row_heights(ws, grid, widths, latin_units=1.0)  # a 校验码 of 14 letters stays on one line
    ws.set_paper(9)  # A4, portrait: the list is narrow
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.repeat_rows(TOP, TOP + grid.table.header_lines - 1)
    ws.freeze_panes(TOP + grid.table.header_lines, 0)
    ws.set_footer("&C— &P —")


def _formats(book: Any) -> dict[str, Any]:
    base = {
        "font_name": FONT,
        "font_size": FONT_SIZE,
        "font_charset": 134,
        "border": 1,
        "valign": "vcenter",
        "text_wrap": True,
    }

    def fmt(**extra: Any) -> Any:
        return book.add_format({**base, **extra})

    return {
        "title": book.add_format(
            {
                "font_name": "黑体",
                "font_size": 14,
                "font_charset": 134,
                "align": "center",
                "valign": "vcenter",
            }
        ),
        "heading": book.add_format(
            {"font_name": "黑体", "font_size": 12, "font_charset": 134, "valign": "vcenter"}
        ),
        "header": fmt(align="center"),
        "label_left": fmt(align="left"),
        "label_center": fmt(align="center"),
        "input_count": fmt(align="center", num_format="0", locked=False),
        "input_money": fmt(align="center", num_format="General", locked=False),
        "total_count": fmt(align="center", num_format="0", bg_color="#F2F2F2"),
        "total_money": fmt(align="center", num_format="General", bg_color="#F2F2F2"),
        "check": fmt(align="center"),
        "failed": book.add_format({"font_color": "#C00000", "bold": True}),
    }


def render_xlsx(doc: Content, spec: ReportFormat, *, author: str) -> bytes:
    """The .xlsx file's bytes."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, TEXT_ONLY)
    book.set_properties(
        {
            "title": doc.title,
            "author": author,
            "subject": doc.subject,
            "comments": f"校验码 {doc.code}" if doc.code else "",
            "keywords": doc.appendix[0].mark if doc.appendix else "",
        }
    )
    formats = _formats(book)
    heading = ""
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            if block.kind == "heading1":
                heading = block.text
        else:
            _Sheet(book, formats, heading, block, spec, doc.title).write()
    if doc.appendix:
        _appendix_sheet(book, formats, doc.title, *doc.appendix)
    book.close()
    return out.getvalue()
