"""汇总台 → 核对读入…: a report the desk read from a published Word/PDF/web page (or from a package
that held only one) is reviewed on the import review screen, beside its source.

The file is read again off the GUI thread; on 保存核对结果 the corrected report is saved beside the
original as an exchange file (`core.desk.save_reviewed`, never over the original), received and the
board rebuilt: a fully read, newer file, it is the row's standing report and the original is listed
among the row's other files. Double-clicking a row with cells to review offers this; other rows open
read-only. The logic is `core.desk`'s; this module shows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from core import desk
from core.errors import UserError
from ui.crash import show_message
from ui.import_review import ImportReview, read_then_review

if TYPE_CHECKING:
    from ui.desk_window import DeskWindow

TITLE = "核对读入"
ACCEPT = "保存核对结果"


def review_row(window: DeskWindow) -> None:
    """核对读入… on the selected row: read its published file again, then open the review screen."""
    row = window.need_report()
    if row is None or row.received is None:
        return
    original = desk.original_of(row, window.received)  # reviewed before: again, from its saved cells
    source = original or row.received
    if not desk.reviewable(source):
        window.statusBar().showMessage(
            f"“{row.agency}”的报告不是从 Word、PDF 或网页文件读入的，无须核对读入。", 10_000
        )
        return
    reviewed = row.received.report if original else None
    read_then_review(
        window,
        lambda: desk.read_published(source, reviewed),
        source.published or "",
        lambda p: _show(window, source, p),
        TITLE,
    )


def _show(window: DeskWindow, received: desk.Received, published: desk.Published) -> None:
    review = ImportReview(published.imported, published.name, published.pdf, window, TITLE, ACCEPT)
    review.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    review.accepted.connect(lambda: _save(window, received, review))
    review.open()


def _save(window: DeskWindow, received: desk.Received, review: ImportReview) -> None:
    """The reviewed report beside the original, received alone (the rest of the folder stays as read)."""
    assert received.file is not None
    try:
        path = desk.save_reviewed(review.report(), received.file)
    except UserError as exc:
        window.dialogs.append(show_message(window, exc.message))
        return
    window.received_again([path], select=path)
    window.statusBar().showMessage(f"已保存核对结果：{path.name}（原文件未改动）", 15_000)


def open_row(window: DeskWindow) -> None:
    """Double-click: a row with cells to review offers 核对读入…; any other opens read-only."""
    row = window.selected()
    if row is None or row.received is None or not row.received.doubtful or not desk.reviewable(row.received):
        window.open_selected()
        return
    box = QMessageBox(
        QMessageBox.Icon.Question,
        TITLE,
        f"“{row.agency}”的报告读自“{row.received.published}”，有 {len(row.received.doubtful)} 个格"
        "没有把握或没有读到。\n\n现在对照原件核对吗？",
        parent=window,
    )
    review = box.addButton("核对读入…", QMessageBox.ButtonRole.AcceptRole)
    read_only = box.addButton("只读打开", QMessageBox.ButtonRole.ActionRole)
    box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    review.clicked.connect(lambda: review_row(window))
    read_only.clicked.connect(lambda: window.open_selected())
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


def summary_note(window: DeskWindow) -> None:
    """After the board is built: how many rows 须核对读入, on the summary line."""
    rows = desk.to_review(window.board)
    if rows:
        window.summary.setText(
            f"{window.summary.text()}须核对读入 {len(rows)} 个单位（读自 Word、PDF 或网页，有的格没有把握"
            "或没有读到）：选中后点「核对读入…」，或筛选「须核对」。"
        )
