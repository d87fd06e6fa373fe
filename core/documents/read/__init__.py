"""Import a published report (Word, PDF, web page, text) into a report: readers + one mapper.

`read_file` picks the reader by the file's suffix; `read_pasted` takes clipboard HTML or text. Every
reader yields the same cell grid (`core.documents.read.cells.Line`), which `core.documents.read.mapper` maps
onto the format.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.documents.file_kinds import PUBLISHED, PUBLISHED_NAMED
from core.documents.input_files import read_bytes, regular_file
from core.documents.read.cells import Line
from core.documents.read.encodings import bom_codec, decode_text
from core.documents.read.limits import (
    MAX_MARKUP_BYTES,
    MAX_PUBLISHED_BYTES,
    ReadCancelled,
    cancelled_by,
    check_markup,
    within_time,
)
from core.documents.read.mapper import Imported, map_lines
from core.errors import UserError
from core.model.report import Report

__all__ = [
    "Imported",
    "ReadCancelled",
    "cancelled_by",
    "pasted_lines",
    "read_file",
    "read_lines",
    "read_pasted",
]


def read_lines(path: Path) -> list[Line]:
    """The cell grid of a file, by its kind; a `UserError` for what cannot be read or is beyond what a
    report can be (core.documents.read.limits), so that one hostile file costs seconds, not the batch."""
    return _within_bounds(Path(path), lambda lines: lines)


def read_file(path: Path | str, previous: Report | None = None) -> Imported:
    """A published report read; `previous`: last year's report, which settles digits run together."""
    return _within_bounds(Path(path), lambda lines: map_lines(lines, previous=previous))


def _within_bounds[T](path: Path, then: Callable[[list[Line]], T]) -> T:
    """`then(lines of the file)`, refused past the time a file may take. A .doc is first saved as .docx
    by Word, outside the time (Word takes its time to start; COM belongs to the calling thread)."""
    suffix = path.suffix.lower()
    if suffix not in PUBLISHED:
        raise UserError(f"不认识“{path.name}”的文件类型。可以导入的是 {PUBLISHED_NAMED} 文件。")
    if suffix in {".docx", ".doc", ".pdf"}:
        regular_file(path, MAX_PUBLISHED_BYTES)
        if suffix == ".pdf":
            from core.documents.read.pdf import read_pdf

            return within_time(lambda: then(read_pdf(path)), path.name)
        from core.documents.read.docx import convert_doc, read_docx

        source = convert_doc(path) if suffix == ".doc" else path
        return within_time(lambda: then(read_docx(source)), path.name)
    data = read_bytes(path, MAX_MARKUP_BYTES)
    if suffix in {".html", ".htm"}:
        from core.documents.read.html import read_html

        page = decode_text(data, path.name) if bom_codec(data) else data  # else by its meta charset
        check_markup(page, path.name)
        return within_time(lambda: then(read_html(page)), path.name)
    from core.documents.read.text import read_text

    text = decode_text(data, path.name)
    return within_time(lambda: then(read_text(text)), path.name)


def pasted_lines(html: str | None, text: str | None) -> tuple[list[Line], str]:
    """The cell grid of clipboard content (its HTML when it has some, else its text), bounded in time
    like a file, and what a refusal calls it."""
    if html and html.strip():
        from core.documents.read.html import read_html

        where = "剪贴板中的网页"
        check_markup(html, where)
        return within_time(lambda: read_html(html), where), where
    if text and text.strip():
        from core.documents.read.text import read_text

        where = "剪贴板中的文字"
        return within_time(lambda: read_text(text), where), where
    raise UserError("剪贴板中没有文字。请在网页或文档中选中整篇报告，复制后再粘贴。")


def read_pasted(html: str | None, text: str | None, previous: Report | None = None) -> Imported:
    """Clipboard content read like a file; `previous`: last year's report, which settles digits run
    together."""
    lines, where = pasted_lines(html, text)
    return within_time(lambda: map_lines(lines, previous=previous), where)
