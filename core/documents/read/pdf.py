"""PDF reader (a PDF with a text layer): ruled tables through pdfplumber, the text around them.

A page without any text is a scan: the reader says so instead of guessing. Lines of a paragraph that
the page wrapped are rejoined (a paragraph starts indented); page numbers such as `— 3 —` are dropped.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path
from typing import Any

from core.documents.input_files import read_bytes
from core.documents.read.cells import Line, is_page_number
from core.documents.read.limits import MAX_PAGES, MAX_PUBLISHED_BYTES, check_pdf
from core.errors import UserError
from core.rules.narrative import subheading_number

log = logging.getLogger(__name__)

_INDENT = 6.0  # points: a line starting this far right of the text block's left edge opens a paragraph
# The PDF draws no space between 2021 and 年; only a real space character is a space (企业 and 群众)


def _page_lines(page: Any, left: float) -> list[tuple[float, Line]]:
    """(top, line) for the page's tables (row by row) and for its text lines outside them."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    found: list[tuple[float, Line]] = []
    for table in tables:
        for row, cells in zip(table.rows, table.extract(), strict=True):
            # None = a cell merged into the one before or above it; "" = a cell printed empty
            texts = [" ".join(c.split("\n")).strip() for c in cells if c is not None]
            found.append((row.bbox[1], Line(texts)))

    def outside(obj: dict[str, Any]) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    for text_line in page.filter(outside).extract_text_lines(
        strip=True, x_tolerance=20, keep_blank_chars=True
    ):
        text = text_line["text"].strip()
        if text and not is_page_number(text):
            line = Line([text])
            line.wrapped = text_line["x0"] < left + _INDENT  # not indented: may continue a paragraph
            found.append((text_line["top"], line))
    return sorted(found, key=lambda item: item[0])


def read_pdf(path: Path) -> list[Line]:
    import pdfplumber  # loaded only when a PDF is read
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    data = read_bytes(path, MAX_PUBLISHED_BYTES)
    check_pdf(path, data)  # stream bombs, references in a loop
    try:
        pdf = pdfplumber.open(io.BytesIO(data))  # in memory: a refusal leaves no file open
        _count_pages(pdf, path)
        return _read(pdf, path)
    except (
        PDFSyntaxError,
        PSException,
        PdfminerException,
        MalformedPDFException,
        ValueError,
        KeyError,
        TypeError,
    ):
        # damaged, encrypted or not a PDF at all: pdfminer fails in many ways, at open or on a page
        raise UserError(f"文件“{path.name}”不是有效的 PDF 文件，可能已损坏或加密。") from None
    except (AttributeError, IndexError, ZeroDivisionError, AssertionError, RecursionError, MemoryError):
        # a damaged page (a MediaBox that is no box, a missing object): pdfminer trips over its own data
        log.info("a damaged PDF refused", exc_info=True)
        raise UserError(f"文件“{path.name}”不是有效的 PDF 文件，其中的页面数据已损坏。") from None


def _count_pages(pdf: Any, path: Path) -> None:
    """Refuse a PDF of more pages than a report can have, counting no further than the bound."""
    from pdfminer.pdfpage import PDFPage

    for number, _page in enumerate(PDFPage.create_pages(pdf.doc), start=1):
        if number > MAX_PAGES:  # not closed: closing parses every page; the bytes are in memory
            raise UserError(
                f"文件“{path.name}”超过 {MAX_PAGES} 页，不像是年度报告（年度报告一般不到 10 页），没有读取。"
            )


def _read(pdf: Any, path: Path) -> list[Line]:
    with pdf:
        pages = [page for page in pdf.pages if page.chars]
        for number, page in enumerate(pdf.pages, start=1):
            if not page.chars and page.images:
                raise UserError(
                    f"“{path.name}”第 {number} 页没有文字层，是扫描件（图片）。"
                    "本软件不识别图片中的文字，请找到原始的 Word 或网页版本再导入。"
                )
        if not pages:
            raise UserError(f"“{path.name}”中没有文字，可能是扫描件。请找到原始的 Word 或网页版本再导入。")
        left = min(min(c["x0"] for c in page.chars) for page in pages)
        lines: list[Line] = []
        for page in pages:
            lines += [line for _, line in _page_lines(page, left)]
    return _rejoin(lines)


def _rejoin(lines: list[Line]) -> list[Line]:
    """Paragraph lines that the page wrapped (not indented) go back onto the paragraph before."""
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if (
            line.wrapped
            and prev is not None
            and len(prev.cells) == 1
            and len(line.cells) == 1
            and not _is_heading(line.cells[0])
        ):
            prev.cells[0] += line.cells[0]
            continue
        line.wrapped = False
        out.append(line)
    return out


def _is_heading(text: str) -> bool:
    """A section heading (一、) or a sub-heading (（一） or (一)): it opens a line of its own."""
    return bool(re.match(r"^[一二三四五六七八九十]+、", text) or subheading_number(text)[0])
