"""The one cell grid every reader produces, and what a printed cell says.

A published report, whatever its kind, becomes a list of `Line`s: one per table row (its cells, one per
physical cell, so a merged label is not repeated) or per paragraph (one cell). Text copied from a web
page may run a row's digits together; such lines say so (`fused`), and `splits` lists the ways their
digits can be cut into cells.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

_CJK = re.compile(r"[\u4e00-\u9fff]")
_BLANKS = {"", "—", "——", "-", "--", "/", "－", "―", "–", "一一", "\\"}
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_PAGE_NUMBER = re.compile(r"^[-—－–―\s]*\d{1,3}[-—－–―\s]*$")
MAX_SPLITS = 20000  # beyond this many ways to cut a digit run, no arithmetic will single one out


@dataclass
class Line:
    """One row of a table, or one paragraph (a single cell)."""

    cells: list[str]
    spaced: bool = False  # cells came from splitting on spaces: a blank cell leaves no trace
    fused: bool = False  # web text: a row's digits may run together (`713000074`)
    wrapped: bool = False  # a PDF text line not indented: it may continue the paragraph before

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
    return bool(_CJK.search(cell))


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text)) and bool(re.search(r"[-—－–―]", text))


@dataclass(frozen=True)
class CellValue:
    """What one printed cell says: a number, a blank (blank, —, /), or something unreadable."""

    value: Decimal | None
    readable: bool


def read_cell(cell: str) -> CellValue:
    text = re.sub(r"\s+", "", normalize(cell)).replace(",", "")
    if text in _BLANKS:
        return CellValue(None, True)
    if _NUMBER.fullmatch(text):
        return CellValue(Decimal(text), True)
    return CellValue(None, False)


def _valid_part(part: str) -> bool:
    return part == "0" or not part.startswith("0")


def splits(tokens: list[str], count: int) -> Iterator[tuple[int, ...]]:
    """Every way to cut digit tokens into `count` whole numbers without leading zeros.

    Spaces that are there are kept as cell boundaries; a cut is only added inside a token.
    """

    def cut(i: int, left: int, done: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
        if i == len(tokens):
            if left == 0:
                yield done
            return
        token, rest = tokens[i], len(tokens) - i - 1
        for parts in range(1, min(len(token), left - rest) + 1):
            for pieces in _pieces(token, parts):
                yield from cut(i + 1, left - parts, done + pieces)

    if all(t.isdigit() for t in tokens) and len(tokens) <= count <= sum(len(t) for t in tokens):
        yield from cut(0, count, ())


def _pieces(token: str, parts: int) -> Iterator[tuple[int, ...]]:
    if parts == 1:
        if _valid_part(token):
            yield (int(token),)
        return
    for end in range(1, len(token) - parts + 2):
        head = token[:end]
        if _valid_part(head):
            for tail in _pieces(token[end:], parts - 1):
                yield (int(head), *tail)
