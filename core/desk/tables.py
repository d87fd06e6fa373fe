"""The board, the 催报 list (未交名单 with 联系人/电话 and why each is there) and the send-back list as
the screen, an Excel list, the clipboard and the printed page show them."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from core.desk.board import MISSING, Board, BoardRow
from core.desk.names import normalize_name
from core.desk.sums import SendBack

if TYPE_CHECKING:
    from collections.abc import Mapping


# ---------------------------------------------------------------- tables for the screen and for Excel


BOARD_HEADERS = (
    "单位", "状态", "错误", "提示", "跨年问题", "校验码", "纸质件核对",
    "署名", "成文日期", "收到时间", "文件", "备注",
)  # fmt: skip
SEND_BACK_HEADERS = ("单位", "表格", "单元格", "问题（差多少）")


def board_cells(row: BoardRow, contact: Mapping[str, str] | None = None) -> tuple[str | int, ...]:
    """One board row as the screen and the exported list show it (counts as numbers, to sort); a
    missing agency's notes start with its roster columns (联系人, 电话 …), to chase it."""
    sig = row.signature
    paper = {None: "", True: "一致", False: "不一致"}[row.confirmed]
    notes = row.remarks
    if row.on_roster is False and not row.suggestion:
        notes.insert(0, "不在名单中")
    if row.status == MISSING and contact:
        notes.insert(0, "，".join(f"{k} {v}" for k, v in contact.items()))
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

    from core.documents.write.xlsx import TEXT_ONLY

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, TEXT_ONLY)
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


# ---------------------------------------------------------------- 催报: who has not sent, how to reach them


def chase_reasons(board: Board) -> dict[str, list[str]]:
    """Why each 未交 row is there when the desk has a guess: a file of the wrong year (its row's
    notes), a file received under a name like it that is not yet confirmed, an unusable file whose
    name holds the agency's."""
    out: dict[str, list[str]] = {}
    for row in board.rows:
        if row.status == MISSING:
            out[row.agency] = list(row.notes)
    for row in board.rows:
        if row.suggestion in out and row.received is not None:
            spelled = row.received.report.agency
            out[row.suggestion].append(f"收到“{spelled}”的报告，名称与名单不同，请确认是否就是这个单位")
    for bad in board.unusable:
        stem = normalize_name(bad.file.stem)
        for agency, reasons in out.items():
            if normalize_name(agency) and normalize_name(agency) in stem:
                reasons.append(f"收到的文件“{bad.file.name}”不能使用：{bad.reason}")
    return out


def chase_table(
    board: Board, columns: Mapping[str, Mapping[str, str]]
) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The 催报 list: 序号, 单位, the roster's other columns (联系人, 电话 …), 情况说明."""
    reasons = chase_reasons(board)
    extra = list(dict.fromkeys(h for name in reasons for h in columns.get(name, {})))
    headers = ("序号", "单位", *extra, "情况说明")
    rows = [
        (str(i), name, *(columns.get(name, {}).get(h, "") for h in extra), "；".join(why))
        for i, (name, why) in enumerate(reasons.items(), start=1)
    ]
    return headers, rows


def tab_text(headers: Sequence[str], rows: Iterable[Sequence[str | int]]) -> str:
    """A table as text to paste into Excel or WPS: one line per row, cells between tabs (a cell's own
    tabs and newlines become spaces, so they cannot shift the columns)."""

    def cell(value: str | int) -> str:
        return " ".join(str(value).split())

    return "\n".join("\t".join(cell(v) for v in line) for line in [headers, *rows]) + "\n"


_WEIGHTS = {"序号": 0.6, "单位": 2.6, "情况说明": 4.5, "备注": 4.5, "文件": 2.5, "问题（差多少）": 4.5}


def table_pdf(
    title: str, subtitle: str, headers: Sequence[str], rows: Sequence[Sequence[str | int]]
) -> bytes:
    """A list to print: A4 landscape, a title, a line under it (the counts), a table that repeats its
    header row on every page, the text wrapping inside the cells."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from core.documents.pdf.fonts import FontSet, resolve_fonts

    font = FontSet(resolve_fonts()).name("heiti")
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), title=title, leftMargin=36, rightMargin=36)
    body = ParagraphStyle("cell", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    head = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1)
    small = ParagraphStyle("sub", fontName=font, fontSize=10, leading=14, alignment=1)
    data = [[Paragraph(escape(str(v)), body) for v in line] for line in [headers, *rows]]
    weights = [_WEIGHTS.get(h, 1.3) for h in headers]
    width = landscape(A4)[0] - 72
    table = Table(data, colWidths=[width * w / sum(weights) for w in weights], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    doc.build([Paragraph(escape(title), head), Paragraph(escape(subtitle), small), Spacer(1, 8), table])
    return out.getvalue()
