"""The board and the send-back list as the screen and an Excel list show them."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from core.desk.board import MISSING, BoardRow
from core.desk.sums import SendBack

if TYPE_CHECKING:
    pass


# ---------------------------------------------------------------- tables for the screen and for Excel


BOARD_HEADERS = (
    "单位", "状态", "错误", "提示", "跨年问题", "校验码", "纸质件核对",
    "署名", "成文日期", "收到时间", "文件", "备注",
)  # fmt: skip
SEND_BACK_HEADERS = ("单位", "表格", "单元格", "问题（差多少）")


def board_cells(row: BoardRow) -> tuple[str | int, ...]:
    """One board row as the screen and the exported list show it (counts as numbers, to sort)."""
    sig = row.signature
    paper = {None: "", True: "一致", False: "不一致"}[row.confirmed]
    notes = ([f"名单中没有，是否为“{row.suggestion}”？"] if row.suggestion else []) + row.notes
    if not row.on_roster and not row.suggestion:
        notes.insert(0, "不在名单中")
    arrived = row.arrived.astimezone().strftime("%Y-%m-%d %H:%M") if row.arrived else ""
    missing = row.status == MISSING
    return (
        row.agency,
        row.status,
        "" if missing else row.errors,
        "" if missing else row.warnings,
        "" if missing or row.cross_year is None else row.cross_year,
        row.fingerprint or "",
        paper,
        sig.name or "",
        sig.date.isoformat() if sig.date else "",
        arrived,
        row.file.name if row.file else ("数据库" if row.report_id else ""),
        "；".join(notes),
    )


def send_back_cells(lines: Sequence[SendBack]) -> list[tuple[str, ...]]:
    return [(s.agency, s.table, s.cell, s.message) for s in lines]


def table_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence[str | int]]) -> bytes:
    """A one-sheet workbook: a title line, a bold header row (frozen, filterable), the rows."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(title[:31])  # our own titles: no characters a sheet name forbids
    bold = book.add_format({"bold": True, "border": 1, "bg_color": "#EEEEEE"})
    sheet.write_string(0, 0, title, book.add_format({"bold": True, "font_size": 14}))
    for col, header in enumerate(headers):
        sheet.write_string(1, col, header, bold)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):  # names come from files: never a formula, never a link
            if isinstance(value, int):
                sheet.write_number(1 + count, col, value)
            else:
                sheet.write_string(1 + count, col, value)
    sheet.freeze_panes(2, 1)
    sheet.autofilter(1, 0, 1 + count, len(headers) - 1)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, len(headers) - 1, 14)
    book.close()
    return out.getvalue()
