"""Import a published report (Word, PDF, web page, text) into a report: readers + one mapper.

`read_file` picks the reader by the file's suffix; `read_pasted` takes clipboard HTML or text. Every
reader yields the same cell grid (`core.read.cells.Line`), which `core.read.mapper` maps onto the format.
"""

from __future__ import annotations

from pathlib import Path

from core.errors import UserError, os_reason
from core.file_kinds import PUBLISHED
from core.read.cells import Line
from core.read.mapper import Imported, map_lines
from core.report import Report

MAX_BYTES = 50 * 1024 * 1024
SUFFIXES = PUBLISHED

__all__ = ["SUFFIXES", "Imported", "read_file", "read_lines", "read_pasted"]


def read_lines(path: Path) -> list[Line]:
    """The cell grid of a file, by its kind; a `UserError` for what cannot be read."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UserError(
            f"不认识“{path.name}”的文件类型。"
            "可以导入的是 Word（.docx）、PDF、网页（.html/.htm）和文本（.txt）文件。"
        )
    try:
        if path.stat().st_size > MAX_BYTES:
            raise UserError(f"文件“{path.name}”太大，不像是年度报告。")
        if suffix in {".docx", ".doc"}:
            from core.read.docx import convert_doc, read_docx

            return read_docx(convert_doc(path) if suffix == ".doc" else path)
        if suffix == ".pdf":
            from core.read.pdf import read_pdf

            return read_pdf(path)
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"找不到文件“{path}”。") from None
    except OSError as exc:
        raise UserError(f"无法读取文件“{path}”：{os_reason(exc)}。") from None
    if suffix in {".html", ".htm"}:
        from core.read.html import read_html

        return read_html(data)
    from core.read.html import decode_html
    from core.read.text import read_text

    return read_text(decode_html(data) if data[:3] != b"\xef\xbb\xbf" else data[3:].decode("utf-8"))


def read_file(path: Path | str, previous: Report | None = None) -> Imported:
    """A published report read; `previous`: last year's report, which settles digits run together."""
    return map_lines(read_lines(Path(path)), previous=previous)


def read_pasted(html: str | None, text: str | None) -> Imported:
    """Clipboard content: its HTML when it has some, else its text."""
    if html and html.strip():
        from core.read.html import read_html

        return map_lines(read_html(html))
    if text and text.strip():
        from core.read.text import read_text

        return map_lines(read_text(text))
    raise UserError("剪贴板中没有文字。请在网页或文档中选中整篇报告，复制后再粘贴。")
