"""What a user types or pastes into a table cell, turned into a value or refused with a Chinese reason.

Office staff type on Chinese input methods and paste from Excel or WPS, so the text may carry full-width
digits (０–９), a full-width minus or point, thousands separators (`,` `，`) and stray or ideographic
spaces. Empty text means blank (not 0). Range limits (negative, decimals in a count, too many decimals
in a fee, above the count limit) come from `core.rules.table.value_problem`, the same rule that checks a
stored report, so cell entry and checking never disagree. No Qt here: the table view and its tests use
these functions as they are.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from core.errors import UserError
from core.format.definition import ReportFormat
from core.rules.table import value_problem

_FULL_WIDTH = str.maketrans(
    {
        **{chr(0xFF10 + d): str(d) for d in range(10)},  # ０–９
        "－": "-",
        "−": "-",  # U+2212 MINUS SIGN, what some fonts' "minus" key gives
        "＋": "+",
        "．": ".",
        "，": ",",
    }
)
_SPACES = re.compile(r"[\s\u3000\u00a0\u2002-\u200b\ufeff]+")
_NUMBER = re.compile(r"(?P<sign>[+-]?)(?P<int>\d*)(?:\.(?P<frac>\d*))?")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+")


class CellInputError(UserError):
    """Text refused for a cell. `reason` is short (for the editor); `message` also names the cell."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def parse_number(text: str) -> Decimal | None:
    """The number in typed or pasted text, or None for empty text; `ValueError` (Chinese) if not a number.

    Only the notation is checked here: negatives and fractions parse, so that the range rule can say
    precisely what is wrong with them.
    """
    cleaned = _SPACES.sub("", text.translate(_FULL_WIDTH))
    if not cleaned:
        return None
    match = _NUMBER.fullmatch(cleaned.replace(",", ""))
    if match is None or not (match["int"] or match["frac"]):
        raise ValueError(f"“{text.strip()}”不是数字，只能填写数字")
    integer_part = cleaned.lstrip("+-").split(".")[0]
    if "," in integer_part and not _GROUPED.fullmatch(integer_part):
        raise ValueError(f"“{text.strip()}”中的千位分隔符位置不对，请核对")
    if "," in cleaned.split(".", 1)[-1] and "." in cleaned:
        raise ValueError(f"“{text.strip()}”的小数部分不能有逗号，请核对")
    try:
        return Decimal(f"{match['sign']}{match['int'] or '0'}.{match['frac'] or '0'}")
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain digits
        raise ValueError(f"“{text.strip()}”不是数字，只能填写数字") from None


def parse_cell(spec: ReportFormat, address: str, text: str) -> Decimal | None:
    """The value to store for `text` typed into `address`, or `CellInputError` saying why it cannot be."""
    description = spec.cells[address].description
    try:
        value = parse_number(text)
    except ValueError as exc:
        reason = str(exc)
        raise CellInputError(f"{description}：{reason}，未保存。", reason) from None
    if value is None:
        return None
    if not value:
        return Decimal(0)  # "-0", "0.00": a plain 0
    problem = value_problem(spec, address, value)
    if problem:
        raise CellInputError(f"{description}：{problem}，未保存。", problem)
    if spec.cells[address].kind == "count":
        return value.quantize(Decimal(1))
    # money keeps what was typed, without the padding zeros a spreadsheet may add (12.5000 -> 12.5)
    return _trimmed(value)


def _trimmed(value: Decimal) -> Decimal:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return Decimal(text)


def split_block(text: str) -> list[list[str]]:
    """A block copied from Excel or WPS (tab-separated lines) as rows of cell texts.

    The trailing line break that spreadsheets append is dropped; quoted cells (Excel quotes a cell that
    holds a tab, a line break or a quote) are unquoted.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    rows: list[list[str]] = [[]]
    cell: list[str] = []
    i, quoted = 0, False
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == '"' and text[i + 1 : i + 2] == '"':
                cell.append('"')
                i += 1
            elif ch == '"':
                quoted = False
            else:
                cell.append(ch)
        elif ch == '"' and not cell:
            quoted = True
        elif ch == "\t":
            rows[-1].append("".join(cell))
            cell = []
        elif ch == "\n":
            rows[-1].append("".join(cell))
            cell = []
            rows.append([])
        else:
            cell.append(ch)
        i += 1
    if cell or rows[-1]:
        rows[-1].append("".join(cell))
    if rows and rows[-1] == []:
        rows.pop()
    return rows


def join_block(rows: list[list[str]]) -> str:
    """Rows of cell texts as tab-separated lines, the way Excel and WPS put a block on the clipboard."""
    return "".join("\t".join(row) + "\n" for row in rows)
