"""An office's own ledger (.xlsx or .csv) read into requests (docs/register.md «register import»).

The header row is found by its names: each field accepts its label and common variants, and the most
specific header wins (征求意见收到日期 is not 收到日期). A 序号 column counts rows; it is not the 编号.
`preview` shows how each column was understood and every distinct text of a vocabulary column with what
it was read as, so the clerk can change either; `read_rows` then reads every row with those choices. A
row that cannot be read is listed (row, column, value, why), never guessed.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from xml.etree import ElementTree

from core.documents.input_files import csv_rows, read_bytes
from core.documents.workbook import SHEET_NS, cell_text, column_index, first_sheet, is_workbook
from core.errors import UserError
from core.register.model import DATE_FIELDS, FIELD_NAMES, Request, default_number
from core.register.values import (
    excel_serial_date,
    plain,
    read_applicant,
    read_channel,
    read_date,
    read_fee,
    read_flag,
    read_result,
)

SUFFIXES = (".xlsx", ".csv")
MAX_LEDGER_BYTES = 32 * 1024 * 1024  # a ledger of 100 000 requests is a few MB; beyond this it is not one
# One part of a ledger workbook, unpacked: 100 000 requests × 20 cells of ~40 bytes of XML is ~80 MB.
MAX_LEDGER_UNPACKED = 128 * 1024 * 1024
HEADER_SEARCH_ROWS = 20  # a ledger's title lines above its header
MAX_HEADER_LENGTH = 100  # 收到申请之日（当面提交的为提交之日，邮寄的为签收之日） is 28
DAYS_1900_TO_1904 = 1462  # Excel's day 0 of the 1904 date system (Mac) is day 1,462 of the 1900 one
MAX_LEDGER_ROWS = 1_048_576  # Excel's last row: 30 MB of empty lines are 31 million
MAX_LEDGER_COLUMNS = 256  # Excel 2003's last column (IV); a ledger has about 20
MAX_LEDGER_CELLS = 2_000_000  # 100,000 requests of 20 filled cells (the bound on memory: ~400 MB)
# Field -> the headers offices write for it (the label itself first)
HEADERS: dict[str, tuple[str, ...]] = {
    "number": ("编号", "申请编号", "登记编号", "受理编号", "申请单号"),
    "received": ("收到日期", "受理日期", "登记日期", "收件日期", "收到申请日期", "申请日期", "收到时间"),
    "channel": ("申请方式", "提交方式", "申请渠道", "申请途径", "收件方式"),
    "applicant": ("申请人类型", "申请人类别", "申请主体", "申请人性质", "申请人身份"),
    "applicant_name": ("申请人", "申请人姓名", "申请人名称", "姓名"),
    "subject": ("申请内容", "申请事项", "申请公开内容", "申请公开的信息", "所需信息", "申请信息内容"),
    "topic": ("事项类别", "事项分类", "申请类别", "类别"),
    "correction_asked": ("补正告知日期", "告知补正日期", "补正通知日期", "补正告知"),
    "correction_received": ("补正收到日期", "收到补正日期", "补正材料收到日期"),
    "extended": ("延期", "是否延期", "延期答复"),
    "consult_sent": ("征求意见发出", "征求意见发出日期", "征求意见日期", "征求第三方意见日期"),
    "consult_received": ("征求意见收到", "征求意见收到日期", "收到意见日期", "第三方意见收到日期"),
    "answered": ("答复日期", "办结日期", "答复时间", "办结时间", "回复日期"),
    "result": ("办理结果", "答复结果", "处理结果", "答复类型", "答复情况", "办理情况"),
    "fee": ("信息处理费", "收费金额", "处理费"),
}
ROW_COUNTER = ("序号", "行号", "顺序号")
REQUIRED = ("received", "applicant")
VOCABULARY_FIELDS = ("channel", "applicant", "result")  # free text here is mapped value by value


@dataclass(frozen=True, slots=True)  # slots: a ledger of 100,000 rows is two million cells
class Cell:
    text: str
    number: float | None = None  # an Excel number cell (a date cell is one)
    unsaved: bool = False  # a formula saved without its value: Excel shows one, the file has none
    date_offset: int = 0  # added to `number` read as a date: 1,462 in a workbook of the 1904 date system


EMPTY = Cell("")
_CELL, _FORMULA, _VALUE = f"{SHEET_NS}c", f"{SHEET_NS}f", f"{SHEET_NS}v"


@dataclass(frozen=True)
class Rejected:
    row: int  # the spreadsheet's own row number
    column: str  # the header as written
    value: str
    why: str

    def as_json(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "value": self.value, "why": self.why}


@dataclass
class Preview:
    """How a ledger was understood; `columns` and `values` may be changed before `read_rows`."""

    name: str
    header_row: int  # the spreadsheet's row number of the header
    headers: list[str]
    columns: dict[int, str]  # column index -> field
    rows: list[tuple[int, list[Cell]]]  # (row number, cells) below the header
    values: dict[str, dict[str, str | None]] = field(default_factory=dict)  # field -> text -> key / None

    def column_of(self, field_name: str) -> int | None:
        return next((i for i, f in self.columns.items() if f == field_name), None)

    def distinct(self, field_name: str) -> list[str]:
        """Each distinct text of a column once, in the order first met."""
        index = self.column_of(field_name)
        if index is None:
            return []
        texts = (cells[index].text.strip() for _, cells in self.rows if index < len(cells))
        return list(dict.fromkeys(t for t in texts if t))

    def map_values(self) -> None:
        """Read every distinct text of the vocabulary columns once (None where it names nothing)."""
        readers: dict[str, Callable[[str], object]] = {
            "channel": lambda t: read_channel(t).value,
            "applicant": read_applicant,
            "result": read_result,
        }
        for name in VOCABULARY_FIELDS:
            mapped: dict[str, str | None] = {}
            for text in self.distinct(name):
                try:
                    mapped[text] = str(readers[name](text))
                except UserError:
                    mapped[text] = None
            self.values[name] = mapped

    def samples(self, index: int, count: int) -> list[str]:
        """The first non-empty values of a column as they will be read (an Excel date cell as a date)."""
        name = self.columns.get(index)
        out = []
        for _, cells in self.rows:
            cell = cells[index] if index < len(cells) else EMPTY
            if cell.number is not None and name in DATE_FIELDS:
                try:
                    out.append(excel_serial_date(cell.number + cell.date_offset).isoformat())
                except UserError:
                    out.append(cell.text)
            elif cell.text.strip():
                out.append(cell.text.strip())
            if len(out) == count:
                break
        return out

    @cached_property
    def _by_number(self) -> dict[int, list[Cell]]:
        return dict(self.rows)

    def rejected(self, row: int, field_name: str, why: str) -> Rejected:
        """A row refused for what its `field_name` column holds (or lacks)."""
        index = self.column_of(field_name)
        if index is None:
            return Rejected(row, FIELD_NAMES[field_name], "", why)
        cells = self._by_number.get(row, [])
        value = cells[index].text.strip() if index < len(cells) else ""
        return Rejected(row, self.headers[index], value, why)

    def set_column(self, index: int, field_name: str | None) -> None:
        """The clerk's choice for a column (None: not imported); a field has one column."""
        self.columns = {i: f for i, f in self.columns.items() if i != index and f != field_name}
        if field_name is not None:
            self.columns[index] = field_name
        self.map_values()


def header_field(text: str) -> tuple[str | None, int]:
    """The field a header names and how specifically (the longest variant it contains); (None, 0)."""
    if len(text) > MAX_HEADER_LENGTH:  # a title line or a note: and the pattern below is quadratic in it
        return None, 0
    word = re.sub(r"[（(].*?[)）]", "", plain(text))  # 收到日期（年月日）
    if not word or word in ROW_COUNTER:
        return None, 0
    best: tuple[str | None, int] = (None, 0)
    for name, variants in HEADERS.items():
        for variant in variants:
            score = 1000 if word == variant else len(variant) if variant in word else 0
            if score > best[1]:
                best = (name, score)
    return best


def _understood(headers: Sequence[str]) -> dict[int, str]:
    """Column index -> field; where two columns name one field the more specific one has it."""
    chosen: dict[str, tuple[int, int]] = {}
    for index, text in enumerate(headers):
        name, score = header_field(text)
        if name is not None and score > chosen.get(name, (-1, 0))[1]:
            chosen[name] = (index, score)
    return {index: name for name, (index, _) in chosen.items()}


def preview(path: Path | str) -> Preview:
    """Read a ledger file and find its header row; `UserError` if it is not a usable ledger."""
    path = Path(path)
    table = read_table(path)
    for number, cells in table[:HEADER_SEARCH_ROWS]:
        headers = [c.text.strip() for c in cells]
        columns = _understood(headers)
        if all(f in columns.values() for f in REQUIRED) and len(columns) >= 3:
            rows = [(n, c) for n, c in table if n > number and any(x.text.strip() for x in c)]
            found = Preview(path.name, number, headers, columns, rows)
            found.map_values()
            return found
    raise UserError(
        f"在“{path.name}”的前 {HEADER_SEARCH_ROWS} 行中找不到台账的表头（至少要有"
        + "、".join(FIELD_NAMES[f] for f in REQUIRED)
        + "两列）。"
    )


def read_rows(found: Preview) -> tuple[list[tuple[int, Request]], list[Rejected]]:
    """Every row as (row number, request) (编号 "" where the ledger has none), or rejected with why."""
    requests: list[tuple[int, Request]] = []
    rejected: list[Rejected] = []
    headers = found.headers
    for row_number, cells in found.rows:
        values: dict[str, object] = {}
        problem: Rejected | None = None
        for index, name in found.columns.items():
            cell = cells[index] if index < len(cells) else EMPTY
            try:
                values[name] = _read_value(found, name, cell)
            except UserError as exc:
                problem = Rejected(row_number, headers[index], cell.text.strip(), exc.message)
                break
        if problem is None:
            missing = [f for f in REQUIRED if values.get(f) in (None, "")]
            if missing:
                where = found.column_of(missing[0])
                problem = Rejected(row_number, headers[where] if where is not None else "", "", "没有填写")
        if problem is not None:
            rejected.append(problem)
            continue
        values = {k: v for k, v in values.items() if v not in (None, "")}
        if "number" not in values:
            values["number"] = ""  # numbered on import when no stored request has the same key
        requests.append((row_number, Request(**values)))  # type: ignore[arg-type]
    return requests, rejected


def numbered(request: Request, taken: set[str]) -> Request:
    """The request with its default 编号 (YYYY-NNN) when the ledger gave none."""
    if request.number:
        return request
    number = default_number(request.received, taken)
    taken.add(number)
    return request.with_changes(number=number)


def _read_value(found: Preview, name: str, cell: Cell) -> object:
    if cell.unsaved:
        raise UserError("这一格是公式，文件中没有保存它的结果。请用 Excel 打开台账、保存后再导入。")
    text = cell.text.strip()
    if name in DATE_FIELDS:
        if cell.number is not None:
            return excel_serial_date(cell.number + cell.date_offset)
        return read_date(text)
    if not text:
        return None
    if name in VOCABULARY_FIELDS:
        key = found.values.get(name, {}).get(text)
        if key is None:
            raise UserError(f"无法确定“{text}”是哪一种{FIELD_NAMES[name]}，请在导入时指定。")
        return read_channel(key) if name == "channel" else key
    if name == "extended":
        return read_flag(text)
    if name == "fee":
        return read_fee(text)
    if name == "number" and cell.number is not None and cell.number == int(cell.number):
        return str(int(cell.number))
    return text


# ---------------------------------------------------------------- the file's cells


def read_table(path: Path) -> list[tuple[int, list[Cell]]]:
    """(row number, cells) of a .csv or the first sheet of a .xlsx (a regular file of bounded size)."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UserError(f"台账文件“{path.name}”应为 .xlsx 或 .csv 文件。")
    data = read_bytes(path, MAX_LEDGER_BYTES, what="台账文件", expected="登记台账")
    if suffix == ".xlsx" or is_workbook(data):
        return _xlsx_rows(data, path.name)
    table, count = [], 0
    for number, row in enumerate(csv_rows(data, f"台账文件“{path.name}”"), start=1):
        while row and not row[-1]:
            row.pop()
        count = _bounded(path.name, number, len(row), count + len(row))
        if row:  # an empty row is kept by its number alone
            table.append((number, [Cell(text) if text else EMPTY for text in row]))
    return table


def _bounded(name: str, row: int, width: int, cells: int) -> int:
    """`cells` (read so far), when row number `row`, `width` cells wide, and that many cells are a
    ledger's; a sheet of 10,000 columns, millions of tiny cells or empty lines took gigabytes."""
    if width > MAX_LEDGER_COLUMNS:
        raise UserError(
            f"台账文件“{name}”第 {row} 行有 {width} 列，超过 {MAX_LEDGER_COLUMNS} 列，不像是登记台账。"
        )
    if row > MAX_LEDGER_ROWS:
        raise UserError(f"台账文件“{name}”超过 {MAX_LEDGER_ROWS:,} 行，不像是登记台账。")
    if cells > MAX_LEDGER_CELLS:
        raise UserError(f"台账文件“{name}”的单元格超过 {MAX_LEDGER_CELLS:,} 个，不像是登记台账。")
    return cells


def _xlsx_rows(data: bytes, name: str) -> list[tuple[int, list[Cell]]]:
    """The first worksheet's cells: shared and inline strings as text, numbers with their value."""
    sheet, shared = first_sheet(data, f"台账文件“{name}”", MAX_LEDGER_UNPACKED, "登记台账")
    tags = sum(map(sheet.xml.count, (b"<c ", b"<c>", b"<mergeCell ")))  # at C speed, not one by one
    _bounded(name, 1, 0, tags // 2)  # half of the cells may be empty ones with a style
    rows: list[tuple[int, list[Cell]]] = []
    count, offset, number = 0, DAYS_1900_TO_1904 if sheet.date1904 else 0, 0
    for seen, row in enumerate(sheet.rows(), start=1):
        _bounded(name, seen, 0, count)  # a million empty <row/>s are no ledger either
        written = row.get("r", "")
        number = int(written) if written.isdigit() else number + 1  # empty rows are not kept: count on
        cells: list[Cell] = []
        position = 0  # a cell without its reference ("A1") stands after the one before it
        for cell in row:
            if cell.tag != _CELL:
                continue
            read = _xlsx_cell(cell, shared, offset)
            index = position if (at := column_index(cell.get("r", ""))) is None else at
            position = index + 1
            if read is EMPTY:  # a cell with a style only: Excel may write them to the sheet's last column
                continue
            count = _bounded(name, number, index + 1, count + 1)
            cells += [EMPTY] * (index - len(cells))
            cells.append(read)
        if cells:  # an empty row is kept by its number alone
            rows.append((number, cells))
    _fill_merged_down(name, sheet.merged, rows, count)
    return rows


def _fill_merged_down(name: str, merged: list[str], rows: list[tuple[int, list[Cell]]], count: int) -> None:
    """A cell merged down over several rows (one 答复日期 for three requests) shows its value on each of
    them, and the file keeps it in the first row only: each row below it takes it too. The cells so
    filled count with the `count` read (a range given again and again over every row is no ledger)."""
    numbers = [n for n, _ in rows]
    for ref in dict.fromkeys(merged):
        found = re.fullmatch(r"([A-Z]{1,3})(\d+):[A-Z]{1,3}(\d+)", ref)
        column = column_index(found[1]) if found else None
        if found is None or column is None:
            continue
        top, bottom = int(found[2]), int(found[3])
        at = bisect.bisect_left(numbers, top)
        if at == len(rows) or numbers[at] != top or column >= len(rows[at][1]):
            continue
        value = rows[at][1][column]
        below = rows[at + 1 : bisect.bisect_right(numbers, bottom)]
        count = _bounded(name, top, 0, count + len(below))
        for _, cells in below:
            cells += [EMPTY] * (column + 1 - len(cells))
            cells[column] = value


def _xlsx_cell(cell: ElementTree.Element, shared: list[str], date_offset: int) -> Cell:
    """The cell read (EMPTY when it has no text: a cell with only a style)."""
    kind = cell.get("t")
    text = cell_text(cell, shared)
    if not text:
        unsaved = cell.find(_FORMULA) is not None and cell.find(_VALUE) is None
        return Cell("", unsaved=True) if unsaved else EMPTY
    if kind in ("s", "inlineStr", "str", "b", "e"):
        return Cell(text)
    try:
        number = float(text)
    except ValueError:
        return Cell(text)
    if not math.isfinite(number):  # NaN or 1e309 in a number cell: no value Excel writes; read as text
        return Cell(text)
    # Excel shows 15 significant digits; `:g` kept 6, and a fee of 12345.67 came in as 12345.7
    return Cell(
        f"{number:.15g}" if number != int(number) else str(int(number)), number, date_offset=date_offset
    )
