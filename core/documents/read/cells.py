"""The one cell grid every reader produces, and what a printed cell says.

A published report, whatever its kind, becomes a list of `Line`s: one per table row (its cells, one per
physical cell, so a merged label is not repeated) or per paragraph (one cell). Text copied from a web
page may run a row's digits together; such lines say so (`fused`), and `splits` lists the ways their
digits can be cut into cells.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.documents.read.limits import MAX_NUMBER_CHARS

_CJK = re.compile(r"[\u4e00-\u9fff]")
_BLANKS = {"", "—", "——", "-", "--", "/", "－", "―", "–", "一一", "\\"}
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_PAGE_NUMBER = re.compile(r"^[-—－–―\s]*\d{1,3}[-—－–―\s]*$")
MAX_SPLITS = 5000  # beyond this many ways to cut a digit run, no arithmetic will single one out


@dataclass
class Line:
    """One row of a table, or one paragraph (a single cell)."""

    cells: list[str]
    spaced: bool = False  # cells came from splitting on spaces: a blank cell leaves no trace
    fused: bool = False  # web text: a row's digits may run together (`713000074`)
    wrapped: bool = False  # a PDF text line not indented: it may continue the paragraph before
    right: bool = False  # a paragraph the page aligns right (a web page's 署名 and 成文日期)

    @property
    def text(self) -> str:
        return "".join(self.cells)


def normalize(text: str) -> str:
    """NFKC (full-width digits ２３, Kangxi radicals ⼀) and plain spaces."""
    return unicodedata.normalize("NFKC", text).replace("\u3000", " ").replace("\xa0", " ")


def fold(text: str) -> str:
    """NFKC character by character where that keeps one character, so positions stay the same."""
    return "".join(n if len(n := unicodedata.normalize("NFKC", ch)) == 1 else ch for ch in text)


def compact(text: str) -> str:
    """Text for comparing labels: no spaces, one kind of brackets and commas."""
    text = re.sub(r"\s+", "", normalize(text))
    return text.translate(str.maketrans('()，,:：“”"', '（）、、::"""'))


def is_label(cell: str) -> bool:
    return bool(_CJK.search(cell)) and cell.strip() not in _BLANKS  # 「一一」 is a printed blank


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text)) and bool(re.search(r"[-—－–―]", text))


@dataclass(frozen=True)
class CellValue:
    """What one printed cell says: a number, a blank (blank, —, /), or something unreadable."""

    value: Decimal | None
    readable: bool


def read_cell(cell: str) -> CellValue:
    if re.search(r"\d\s+\d", normalize(cell).strip()):
        return CellValue(None, False)  # two numbers in one cell (rows run together): neither is sure
    text = re.sub(r"\s+", "", normalize(cell)).replace(",", "")
    if text in _BLANKS:
        return CellValue(None, True)
    if _NUMBER.fullmatch(text) and len(text) <= MAX_NUMBER_CHARS:  # 200,000 digits are no count
        return CellValue(Decimal(text), True)
    return CellValue(None, False)


Check = tuple[tuple[int, ...], tuple[int, ...]]  # positions whose sums must be equal


def splits(tokens: list[str], count: int, checks: Sequence[Check] = ()) -> list[tuple[int, ...]] | None:
    """Every way to cut digit tokens into `count` whole numbers (no leading zeros) meeting `checks`.

    Spaces that are there stay cell boundaries; cuts are only added inside a token. Each check is tried
    as soon as its cells are cut, which keeps the search small. None: too many ways to try them all.
    """
    digits = "".join(tokens)
    if not digits.isdigit() or not len(tokens) <= count <= len(digits):
        return []
    bounds = set(itertools.accumulate(len(t) for t in tokens))
    due: dict[int, list[Check]] = {}
    for check in checks:
        due.setdefault(max(*check[0], *check[1]), []).append(check)
    found: list[tuple[int, ...]] = []
    budget = [MAX_SPLITS * 4]
    cells: list[int] = []

    def cut(pos: int) -> bool:  # False: gave up
        k = len(cells)
        if k == count:
            if pos == len(digits):
                found.append(tuple(cells))
            return len(found) <= MAX_SPLITS
        for end in range(pos + 1, len(digits) - (count - k - 1) + 1):
            budget[0] -= 1
            if budget[0] < 0:
                return False
            part = digits[pos:end]
            if part.startswith("0") and len(part) > 1:
                break  # a longer part starts with the same zero
            cells.append(int(part))
            ready = due.get(k, ())
            fits = all(sum(cells[i] for i in left) == sum(cells[i] for i in right) for left, right in ready)
            if fits and not cut(end):
                cells.pop()
                return False
            cells.pop()
            if end in bounds:
                break  # a cell never spans a space that is there
        return True

    return found if cut(0) else None
