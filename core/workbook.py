"""The first worksheet of an .xlsx file, read with the standard library (no spreadsheet package loads):
its XML and the shared strings its cells point into. For the register's ledger; the desk's roster reads
the same way and can adopt it."""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

from core.errors import UserError

SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def first_sheet(data: bytes, what: str) -> tuple[ElementTree.Element, list[str]]:
    """(the first worksheet's XML, the shared strings) of an .xlsx; `what` names the file in the
    refusal (e.g. 台账文件“x.xlsx”) when it is no workbook or has no sheet."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            members = set(book.namelist())
            sheets = sorted(
                (m for m in members if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", m)),
                key=lambda m: int(re.sub(r"\D", "", m)),
            )
            if not sheets:
                raise UserError(f"{what}中没有工作表。")
            shared: list[str] = []
            if "xl/sharedStrings.xml" in members:
                root = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
                shared = ["".join(t.text or "" for t in si.iter(f"{SHEET_NS}t")) for si in root]
            return ElementTree.fromstring(book.read(sheets[0])), shared
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, ValueError):
        raise UserError(f"{what}不是有效的 Excel（.xlsx）文件。") from None
