"""Reading a roster file (应报单位名单, .csv or .xlsx) as an office keeps it: usually a header row
(序号, 单位名称, 联系人, 电话 …), the names in the column whose header says so, the other columns kept.

- The name column is found by its header (单位名称, 单位, 机关名称, 名称 …); without a recognised header
  the first column that is not all numbers is taken. A list whose names are all numbers (a 序号 column
  read as names) is refused with a message, never turned into agencies 「1」…「50」.
- .csv in UTF-8 (with or without BOM) or GBK/GB18030 (what Excel on a Chinese Windows saves); .xlsx read
  with the standard library (zipfile + xml), the one xlsx reader of the app: openpyxl is only a
  development dependency.
- Bounded: a roster is small (a few thousand lines), so a file, and each part of a workbook unpacked,
  larger than any roster is refused with a Chinese reason before it is read (no zip bomb, no 700 MB .csv).
"""

from __future__ import annotations

import csv
import io
import re
import stat
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from core.desk.bounded import read_member
from core.errors import UserError, os_reason
from core.file_kinds import ROSTER

MAX_ROSTER_BYTES = 5 * 1024 * 1024  # 10,000 agencies with contacts are under 2 MB
MAX_UNPACKED_BYTES = 20 * 1024 * 1024  # one part of a workbook, unpacked
MAX_ROWS = 20_000

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
    data = _read_bounded(path)
    rows = _csv_rows(data, path.name) if suffix == ".csv" else _xlsx_rows(data, path.name)
    return _roster_of(rows, path.name)


def read_roster(path: Path | str) -> list[str]:
    """The agency names of a roster file, each once, in the file's order."""
    return read_roster_file(path).names


def _read_bounded(path: Path) -> bytes:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would be read forever
            raise UserError(f"名单文件“{path.name}”不是普通文件。")
        if info.st_size > MAX_ROSTER_BYTES:
            size = info.st_size // (1024 * 1024)
            raise UserError(f"名单文件“{path.name}”太大（{size} MB），不像是单位名单（最大 5 MB）。")
        with path.open("rb") as file:
            return file.read(MAX_ROSTER_BYTES + 1)
    except FileNotFoundError:
        raise UserError(f"找不到名单文件“{path}”。") from None
    except OSError as exc:
        raise UserError(f"无法读取名单文件“{path}”：{os_reason(exc)}。") from None


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _roster_of(rows: list[list[str]], file_name: str) -> RosterFile:
    rows = [[_clean(c) for c in row] for row in rows if any(c.strip() for c in row)]
    if len(rows) > MAX_ROWS:
        raise UserError(f"名单文件“{file_name}”有 {len(rows)} 行，超过了 {MAX_ROWS} 行，不像是单位名单。")
    if not rows:
        raise UserError(f"名单文件“{file_name}”中没有单位名称。")
    name_col, headers = _header(rows[0])
    body = rows[1:] if headers else rows
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


def _csv_rows(data: bytes, file_name: str) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on a Chinese Windows saves CSV as GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UserError(f"名单文件“{file_name}”的编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV 文件。")
    try:
        return list(csv.reader(io.StringIO(text.replace("\x00", ""))))
    except csv.Error:
        raise UserError(f"名单文件“{file_name}”不是有效的 CSV 文件。") from None


_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _xlsx_rows(data: bytes, file_name: str) -> list[list[str]]:
    """The first worksheet's rows: shared strings, inline strings and numbers, by column letter."""
    bad = f"名单文件“{file_name}”不是有效的 Excel（.xlsx）文件。"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            members = {i.filename: i for i in book.infolist()}
            sheets = [m for m in members if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", m)]
            if not sheets:
                raise UserError(f"名单文件“{file_name}”中没有工作表。")
            first = min(sheets, key=lambda m: int(re.sub(r"\D", "", m)))
            for part in (first, "xl/sharedStrings.xml"):
                if part in members and members[part].file_size > MAX_UNPACKED_BYTES:
                    raise UserError(f"名单文件“{file_name}”解压后太大，不像是单位名单。")
            shared: list[str] = []
            if "xl/sharedStrings.xml" in members:
                root = ElementTree.fromstring(_read_member(book, "xl/sharedStrings.xml", file_name))
                shared = ["".join(t.text or "" for t in si.iter(f"{_SHEET_NS}t")) for si in root]
            sheet = ElementTree.fromstring(_read_member(book, first, file_name))
    except (
        zipfile.BadZipFile,
        ElementTree.ParseError,
        KeyError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ):
        raise UserError(bad) from None
    except RecursionError:
        raise UserError(bad) from None
    rows: list[list[str]] = []
    for row in sheet.iter(f"{_SHEET_NS}row"):
        cells: dict[int, str] = {}
        for cell in row.iter(f"{_SHEET_NS}c"):
            letters = re.match(r"[A-Z]{1,3}", cell.get("r", ""))
            column = _column_index(letters.group()) if letters else len(cells)
            if column > 200:
                continue  # a roster has a handful of columns
            cells[column] = _cell_text(cell, shared)
        if cells:
            rows.append([cells.get(i, "") for i in range(max(cells) + 1)])
        if len(rows) > MAX_ROWS + 1:
            break
    return rows


def _read_member(book: zipfile.ZipFile, name: str, file_name: str) -> bytes:
    """A part of the workbook, read no further than a roster can be (its declared size may lie)."""
    return read_member(book, name, MAX_UNPACKED_BYTES, f"名单文件“{file_name}”解压后太大，不像是单位名单。")


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - ord("A") + 1
    return index - 1


def _cell_text(cell: ElementTree.Element, shared: list[str]) -> str:
    kind = cell.get("t")
    value = cell.find(f"{_SHEET_NS}v")
    if kind == "s" and value is not None and value.text and value.text.isdigit():
        index = int(value.text)
        return shared[index] if index < len(shared) else ""
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{_SHEET_NS}t"))
    text = value.text or "" if value is not None else ""
    return text[:-2] if re.fullmatch(r"\d+\.0", text) else text  # a phone number typed as a number
