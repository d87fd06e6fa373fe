"""Reading a roster file (应报单位名单, .csv or .xlsx) as an office keeps it: usually a header row
(序号, 单位名称, 联系人, 电话 …), the names in the column whose header says so, the other columns kept.

- The name column is found by its header (单位名称, 单位, 机关名称, 名称 …), in the first rows (a title
  line may stand above it); without a recognised header
  the first column that is not all numbers is taken. A list whose names are all numbers (a 序号 column
  read as names) is refused with a message, never turned into agencies 「1」…「50」.
- .csv in UTF-8 (with or without BOM) or GBK/GB18030 (what Excel on a Chinese Windows saves), decoded by
  `core.documents.input_files.csv_rows`; .xlsx read by `core.documents.workbook`, the register's ledger's
  readers too.
- Bounded: a roster is small (a few thousand lines), so a file, and each part of a workbook unpacked,
  larger than any roster is refused with a Chinese reason before it is read (no zip bomb, no 700 MB .csv).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from core.documents.file_kinds import ROSTER
from core.documents.input_files import csv_rows, read_bytes
from core.documents.workbook import SHEET_NS, cell_text, column_index, first_sheet, is_workbook
from core.errors import UserError
from core.model.report import MAX_AGENCY

MAX_ROSTER_BYTES = 5 * 1024 * 1024  # 10,000 agencies with contacts are under 2 MB
MAX_UNPACKED_BYTES = 20 * 1024 * 1024  # one part of a workbook, unpacked
MAX_ROWS = 20_000
HEADER_SEARCH_ROWS = 10  # title lines (2021年应报单位名单, 制表日期 …) above the header

# Headers that name the agency column, most specific first; 序号 and 编号 are not kept (the order is).
NAME_HEADERS = (
    "单位名称",
    "机关名称",
    "部门名称",
    "单位全称",
    "报送单位",
    "应报单位",
    "单位",
    "机关",
    "部门",
    "名称",
)
_ASCII_NAME_HEADERS = ("agency", "name")
_DROPPED = ("序号", "编号", "no", "no.")


@dataclass(frozen=True)
class RosterFile:
    """A roster as read: the names in order (each once) and, per name, its other columns by header."""

    names: list[str]
    headers: tuple[str, ...] = ()  # the other columns kept, in the file's order
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # name → {header: value}


def read_roster_file(path: Path | str) -> RosterFile:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in ROSTER:
        raise UserError(f"名单文件“{path.name}”应为 .csv 或 .xlsx 文件。")
    data = read_bytes(path, MAX_ROSTER_BYTES, what="名单文件", expected="单位名单")
    text = suffix == ".csv" and not is_workbook(data)
    rows = csv_rows(data, f"名单文件“{path.name}”") if text else _xlsx_rows(data, path.name)
    return _roster_of(rows, path.name)


def read_roster(path: Path | str) -> list[str]:
    """The agency names of a roster file, each once, in the file's order."""
    return read_roster_file(path).names


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _roster_of(rows: Iterable[list[str]], file_name: str) -> RosterFile:
    rows = [[_clean(c) for c in row] for row in rows if any(c.strip() for c in row)]
    if len(rows) > MAX_ROWS:
        raise UserError(f"名单文件“{file_name}”有 {len(rows)} 行，超过了 {MAX_ROWS} 行，不像是单位名单。")
    if not rows:
        raise UserError(f"名单文件“{file_name}”中没有单位名称。")
    above = next((i for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]) if _header(row)[1]), 0)
    name_col, headers = _header(rows[above])
    body = rows[above + 1 :] if headers else rows  # the title lines above a header are no names
    if name_col is None:
        name_col = _first_named_column(body)
    width = max(len(r) for r in rows)
    shown = [headers[i] if i < len(headers) and headers[i] else f"第{i + 1}列" for i in range(width)]
    kept = [i for i in range(width) if i != name_col and shown[i].lower().replace(" ", "") not in _DROPPED]
    names: list[str] = []
    columns: dict[str, dict[str, str]] = {}
    for row in body:
        name = row[name_col] if name_col < len(row) else ""
        if not name or name in columns:
            continue
        if len(name) > MAX_AGENCY:  # the desk would leave it off the roster without a word
            raise UserError(
                f"名单文件“{file_name}”中的单位名称“{name[:20]}…”太长（{len(name)} 个字），"
                f"最多 {MAX_AGENCY} 个字。请改正后再读入。"
            )
        names.append(name)
        columns[name] = {shown[i]: row[i] for i in kept if i < len(row) and row[i]}
    if not names:
        raise UserError(f"名单文件“{file_name}”中没有单位名称。")
    if all(_is_number(n) for n in names):
        where = f"“{shown[name_col]}”列" if headers else f"第 {name_col + 1} 列"
        raise UserError(
            f"名单文件“{file_name}”{where}中都是数字（{names[0]}、{names[-1]}…），不是单位名称。"
            "请在第一行写上表头，单位名称所在的列写“单位名称”。"
        )
    used = tuple(shown[i] for i in kept if any(shown[i] in c for c in columns.values()))
    return RosterFile(names, used, columns)


def _header(first: list[str]) -> tuple[int | None, list[str]]:
    """The name column and the headers when the first row is a header row (else None, [])."""
    compact = [c.replace(" ", "") for c in first]
    for wanted in NAME_HEADERS:
        if wanted in compact:
            return compact.index(wanted), compact
    for i, cell in enumerate(compact):
        if cell.lower() in _ASCII_NAME_HEADERS:
            return i, compact
    if compact and compact[0].lower() in _DROPPED:  # 序号 heading a list whose name header is unusual
        return None, compact
    return None, []


def _first_named_column(rows: list[list[str]]) -> int:
    """Without a recognised header: the first column holding some text that is not a number."""
    width = max((len(r) for r in rows), default=1)
    for i in range(width):
        values = [r[i] for r in rows if i < len(r) and r[i]]
        if values and not all(_is_number(v) for v in values):
            return i
    return 0


def _is_number(text: str) -> bool:
    return re.fullmatch(r"[\d.,，、\s]+", text) is not None


def _xlsx_rows(data: bytes, file_name: str) -> list[list[str]]:
    """The first worksheet's rows: shared strings, inline strings and numbers, by column letter."""
    sheet, shared = first_sheet(data, f"名单文件“{file_name}”", MAX_UNPACKED_BYTES, "单位名单")
    rows: list[list[str]] = []
    for row in sheet.rows():
        cells: dict[int, str] = {}
        for cell in row.iter(f"{SHEET_NS}c"):
            column = column_index(cell.get("r", ""))
            column = len(cells) if column is None else column
            if column > 200:
                continue  # a roster has a handful of columns
            text = cell_text(cell, shared)
            # a phone number typed as a number reads back as 13800000000.0
            phone = cell.get("t") in (None, "n") and re.fullmatch(r"\d+\.0", text)
            cells[column] = text[:-2] if phone else text
        if cells:
            rows.append([cells.get(i, "") for i in range(max(cells) + 1)])
        if len(rows) > MAX_ROWS + 1:
            break
    return rows
