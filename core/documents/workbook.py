"""The first visible worksheet of an .xlsx file (the one Excel opens on), read with the standard library
(no spreadsheet package loads): its XML and the shared strings its cells point into. The one xlsx
reader of the register's ledger and the desk's roster (openpyxl is only a development dependency).

Bounded: a small file may unpack to gigabytes (a zip bomb) and a member's declared size may lie, so
every part is read no further than the caller's bound (`read_member`) — a roster's is small, a ledger's
larger — and refused with a Chinese reason beyond it."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree

from core.errors import UserError
from core.model.hidden_characters import without_hidden

SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_SHARED = "xl/sharedStrings.xml"
_WORKBOOK, _WORKBOOK_RELS = "xl/workbook.xml", "xl/_rels/workbook.xml.rels"
_OLD_EXCEL = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: .xls, or any encrypted workbook
_LETTERS = re.compile(r"[A-Z]{1,3}")
_RELATIONSHIP_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_STRICT_NAMESPACES = (
    (b"http://purl.oclc.org/ooxml/spreadsheetml/main", SHEET_NS.strip("{}").encode()),
    (b"http://purl.oclc.org/ooxml/officeDocument/relationships", _RELATIONSHIP_NS.strip("{}").encode()),
)


def read_member(archive: zipfile.ZipFile, name: str, limit: int, too_big: str) -> bytes:
    """The member `name`, or a `UserError(too_big)` once it is declared or found larger than `limit`."""
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise UserError(too_big)
    with archive.open(info) as member:
        data = member.read(limit + 1)
    if len(data) > limit:
        raise UserError(too_big)
    return data


@dataclass
class Sheet:
    """A worksheet's XML, read row by row (`rows`): a whole tree of a sheet of 100 MB of tiny cells
    took gigabytes. Its merged ranges (after the rows in the file) are in `merged` once `rows` is done."""

    xml: bytes
    invalid: str  # the refusal when the XML is broken
    date1904: bool = False  # its date cells count days from 1904 (Excel for Mac), not from 1900
    merged: list[str] = field(default_factory=list)

    def rows(self) -> Iterator[ElementTree.Element]:
        """Each <row> element, emptied once the caller has it read."""
        for element in _elements(self.xml, self.invalid, (f"{SHEET_NS}row", f"{SHEET_NS}mergeCell")):
            if element.tag == f"{SHEET_NS}mergeCell":
                self.merged.append(element.get("ref", ""))
            else:
                yield element
            element.clear()


def _elements(xml: bytes, invalid: str, tags: tuple[str, ...]) -> Iterator[ElementTree.Element]:
    """The elements named `tags` of a document as each one ends, each taken out of the tree once the
    caller has it (three million empty rows kept in it took 350 MB); `UserError(invalid)` where the
    document breaks."""
    open_elements: list[ElementTree.Element] = []
    try:
        for event, element in ElementTree.iterparse(io.BytesIO(xml), events=("start", "end")):
            if event == "start":
                open_elements.append(element)
                continue
            open_elements.pop()
            if element.tag in tags:
                yield element
                if open_elements:
                    open_elements[-1].remove(element)
    except (ElementTree.ParseError, RecursionError):
        raise UserError(invalid) from None


def _part(archive: zipfile.ZipFile, name: str, limit: int, too_big: str) -> bytes:
    """A part of the workbook (`read_member`) in the usual names: a workbook saved by Excel as "Strict
    Open XML" names the same elements in other namespaces, and read as it is showed no cell at all."""
    data = read_member(archive, name, limit, too_big)
    for strict, usual in _STRICT_NAMESPACES:
        data = data.replace(strict, usual)  # the same bytes when there is none: no copy
    return data


def is_workbook(data: bytes) -> bool:
    """Whether `data` is an Excel file whatever its name says (.xlsx is a zip, .xls a compound file):
    a workbook saved under a .csv name is read as one, not refused for its 编码."""
    return data.startswith((b"PK\x03\x04", _OLD_EXCEL))


def first_sheet(data: bytes, what: str, max_unpacked: int, expected: str) -> tuple[Sheet, list[str]]:
    """(the first visible worksheet, the shared strings) of an .xlsx; `what` names the file in the
    refusal (e.g. 台账文件“x.xlsx”) when it is no workbook, has no sheet, or a part unpacks to more than
    `max_unpacked` bytes, which no `expected` (e.g. 单位名单) is."""
    too_big = f"{what}解压后太大，不像是{expected}。"
    invalid = f"{what}不是有效的 Excel（.xlsx）文件。"
    if data.startswith(_OLD_EXCEL):  # a .xls renamed .xlsx, or a workbook with a password to open
        raise UserError(
            f"{what}是旧版 Excel（.xls）文件，或设有打开密码，本软件不能读取。"
            "请在 Excel 中打开，另存为“Excel 工作簿（*.xlsx）”（不设密码）后再读入。"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            members = set(book.namelist())
            sheets, date1904 = _visible_sheets(book, members, max_unpacked, too_big)
            sheets = sheets or sorted(
                (m for m in members if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", m)),
                key=lambda m: int(re.sub(r"\D", "", m)),
            )
            if not sheets:
                raise UserError(f"{what}中没有工作表。")
            shared: list[str] = []
            if _SHARED in members:
                strings = _part(book, _SHARED, max_unpacked, too_big)
                for si in _elements(strings, invalid, (f"{SHEET_NS}si",)):
                    shared.append("".join(t.text or "" for t in si.iter(f"{SHEET_NS}t")))
                    si.clear()
            return Sheet(_part(book, sheets[0], max_unpacked, too_big), invalid, date1904), shared
    except (
        zipfile.BadZipFile,
        ElementTree.ParseError,
        KeyError,
        ValueError,
        NotImplementedError,  # a compression method zipfile lacks
        RuntimeError,  # an encrypted workbook
        RecursionError,
    ):
        raise UserError(invalid) from None


def _visible_sheets(
    archive: zipfile.ZipFile, members: set[str], limit: int, too_big: str
) -> tuple[list[str], bool]:
    """The worksheets in the order the workbook shows their tabs, hidden ones left out: Excel opens on
    the first of these, and a hidden sheet (an old copy, a list of values) is not what the clerk sees.
    Empty when the workbook does not say (a workbook another program wrote may not). And whether its
    dates count from 1904 (Excel for Mac's date system: the same day is 1,462 less)."""
    if _WORKBOOK not in members or _WORKBOOK_RELS not in members:
        return [], False
    rels = ElementTree.fromstring(read_member(archive, _WORKBOOK_RELS, limit, too_big))
    targets = {
        rel.get("Id"): posixpath.normpath(
            target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        )
        for rel in rels
        if (target := rel.get("Target")) is not None
    }
    book = ElementTree.fromstring(_part(archive, _WORKBOOK, limit, too_big))
    shown = [
        targets.get(sheet.get(f"{_RELATIONSHIP_NS}id"))
        for sheet in book.iter(f"{SHEET_NS}sheet")
        if sheet.get("state") not in ("hidden", "veryHidden")
    ]
    properties = book.find(f"{SHEET_NS}workbookPr")
    date1904 = properties is not None and properties.get("date1904") in ("1", "true")
    worksheets = [name for name in shown if name in members and name.startswith("xl/worksheets/")]
    return worksheets, date1904  # no chart sheets


def column_index(reference: str) -> int | None:
    """The 0-based column of a cell reference ("B7" → 1), None when it has no column letters."""
    letters = _LETTERS.match(reference)
    if letters is None:
        return None
    index = 0
    for letter in letters.group():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def cell_text(cell: ElementTree.Element, shared: list[str]) -> str:
    """A cell's text: its shared or inline string, else its value as written (a number's digits);
    characters that print as nothing dropped (`without_hidden`: the value is read as a word or a key)."""
    kind = cell.get("t")
    if kind == "inlineStr":
        return without_hidden("".join(t.text or "" for t in cell.iter(f"{SHEET_NS}t")))
    value = cell.find(f"{SHEET_NS}v")
    text = value.text or "" if value is not None else ""
    if kind == "s":
        return without_hidden(shared[int(text)]) if text.isdigit() and int(text) < len(shared) else ""
    return text
