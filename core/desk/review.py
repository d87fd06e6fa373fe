"""Reviewing what the import readers read (核对读入): the published file read again, the reviewed copy
saved beside it."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from core.desk.receiving import Received, _copy_member, is_reviewed, reviewed_path
from core.documents import exchange
from core.errors import UserError, os_reason
from core.model.report import Report

if TYPE_CHECKING:
    from core.desk.board import BoardRow
    from core.documents.read.mapper import Imported


@dataclass(frozen=True)
class Published:
    """A published file read again to be reviewed beside its source."""

    imported: Imported
    name: str  # the file's name (a package's member)
    pdf: Path | bytes | None  # a PDF, to show its pages: the file, or a package member's bytes


def reviewable(received: Received | None) -> bool:
    """Whether a report was read from a published file kept in the folder (it can be reviewed)."""
    return received is not None and received.file is not None and received.published is not None


def read_published(received: Received, reviewed: Report | None = None) -> Published:
    """The published file a received report was read from, read again: the file, or the Word/PDF
    file inside its package. Reviewed before: its `reviewed` copy's cells, which the user vouched for."""
    from core.documents.read import read_file

    if not reviewable(received):
        raise UserError("这份报告不是从 Word、PDF 或网页文件读入的，无须核对读入。")
    assert received.file is not None and received.published is not None
    name = received.published
    try:
        if received.file.suffix.lower() != ".zip":
            path = received.file
            published = Published(read_file(path), name, path if _is_pdf(name) else None)
        else:
            with zipfile.ZipFile(received.file) as package, tempfile.TemporaryDirectory() as tmp:
                inner = _copy_member(package, name, Path(tmp))
                published = Published(read_file(inner), name, inner.read_bytes() if _is_pdf(name) else None)
    except FileNotFoundError:
        raise UserError(f"找不到文件“{received.file.name}”，它可能已被移走，请重新打开收件文件夹。") from None
    except (KeyError, zipfile.BadZipFile):
        raise UserError(f"“{received.file.name}”已被改动，请重新打开收件文件夹。") from None
    except OSError as exc:
        raise UserError(f"无法读取“{received.file.name}”：{os_reason(exc)}。") from None
    if reviewed is None:
        return published
    again = replace(published.imported, report=reviewed, doubtful=[], unread=[])  # nothing left to doubt
    return replace(published, imported=again)


def original_of(row: BoardRow, received: Sequence[Received]) -> Received | None:
    """The received published file whose reviewed copy stands on `row` (to review it again)."""
    if row.received is None or not is_reviewed(row.received.file):
        return None
    mine = [r for r in received if reviewable(r) and r.file in row.others]
    return next((r for r in mine if r.file and reviewed_path(r.file) == row.file), None)


def _is_pdf(name: str) -> bool:
    return name.lower().endswith(".pdf")


def save_reviewed(report: Report, original: Path) -> Path:
    """The reviewed report as an exchange file beside its original (never over it; over an earlier
    reviewed copy, which is the desk's own)."""
    path = reviewed_path(original)
    if path.resolve() == original.resolve():
        raise UserError(f"核对结果不能覆盖原文件“{original.name}”。")
    exchange.write_report(report, path)
    return path
