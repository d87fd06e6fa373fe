"""「修改历史」: every stored revision of the open report, what each changed, and 「恢复到此版本」.

The storage keeps each change as a revision (who did what is not recorded, only when and what); this
dialog lists them newest first, shows the selected one's changes in words (a cell by its row and column
as the format describes it, a text by its section heading), and restores the content as it was right
after a revision. A restore is itself a new revision, so it can be undone the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.errors import UserError
from core.format.definition import ReportFormat
from core.model.report import chinese_date
from core.model.vocabulary import ChangeField, FieldKind, ReportStatus, RevisionKind
from core.rules.table import fmt
from ui.crash import close_button_box, show_message
from ui.document import ReportDocument

if TYPE_CHECKING:
    from core.ops.handles import Change, Revision

HISTORY_LIMIT = 500  # the newest revisions shown; years of typing stay well below this per report
SHORT = 40  # characters of a long text shown in the details
REVISION_ROLE = Qt.ItemDataRole.UserRole


def kind_name(revision: Revision) -> str:
    """What the revision did, as the user would say it (the kinds' names are `RevisionKind`'s)."""
    kind = RevisionKind.of(revision.kind)
    fields = {ChangeField.parse(c.field).kind for c in revision.changes}
    if kind is RevisionKind.STATUS:
        final = any(
            ChangeField.parse(c.field).kind is FieldKind.STATUS and c.new == ReportStatus.FINAL
            for c in revision.changes
        )
        return ReportStatus.FINAL.chinese if final else "解除定稿"
    if kind is RevisionKind.EDIT:
        if fields == {FieldKind.TEXT}:
            return "修改文字"
        if fields and fields <= {FieldKind.SIGNATURE_NAME, FieldKind.SIGNATURE_DATE}:
            return "修改署名和日期"
        if fields == {FieldKind.CELL}:
            return "修改数字"
    return kind.chinese if kind is not None else "其他修改"


def explanation(revision: Revision) -> str:
    """The 说明 of a revision: the reason of a dismissal (not who dismissed it), else its note."""
    if RevisionKind.of(revision.kind) is RevisionKind.DISMISS:
        return next((c.new or "" for c in revision.changes), "")
    return revision.note or ""


def field_name(spec: ReportFormat, field: str) -> str:
    """A stored field in words: a cell as the forms name it; a text by its heading; a dismissed
    warning by its rule's Chinese name (`core.model.vocabulary.ChangeField`)."""
    return ChangeField.parse(field).name(spec)


def value_text(spec: ReportFormat, field: str, value: str | None) -> str:
    """A stored value as the forms show it: numbers without trailing zeros, dates the Chinese way, a
    blank total as computed."""
    kind = ChangeField.parse(field).kind
    if kind is FieldKind.STATUS:
        status = next((s for s in ReportStatus if s.value == value), None)
        return status.chinese if status is not None else value or ""
    if kind is FieldKind.DELETED:
        return "已删除" if value else "未删除"
    if kind is FieldKind.DISMISSED:  # the value is the reason it was dismissed
        return f"已忽略：{value}" if value else "显示提醒"
    if value is None or value == "":
        if field in spec.cells and spec.cells[field].derived:
            return "自动计算"
        return "（空）" if kind is FieldKind.TEXT else "未填写"
    if kind is FieldKind.SIGNATURE_DATE:
        try:
            date = dt.date.fromisoformat(value)
        except ValueError:
            return value
        return chinese_date(date)
    if kind is not FieldKind.CELL:
        return value
    try:
        return fmt(Decimal(value))
    except InvalidOperation:
        return value


def shortened(old: str, new: str) -> tuple[str, str]:
    """Two long texts cut to the neighbourhood of their first difference, so the change is in view."""
    if len(old) <= SHORT and len(new) <= SHORT:
        return old, new
    same = 0
    while same < min(len(old), len(new)) and old[same] == new[same]:
        same += 1
    start = max(0, same - SHORT // 4)

    def cut(text: str) -> str:
        part = text[start : start + SHORT]
        return ("…" if start else "") + part + ("…" if start + SHORT < len(text) else "")

    return cut(old), cut(new)


def change_texts(spec: ReportFormat, change: Change) -> tuple[str, str]:
    """(before, after) of one change, in words, long texts shortened."""
    old, new = value_text(spec, change.field, change.old), value_text(spec, change.field, change.new)
    return shortened(" ".join(old.split()), " ".join(new.split()))


class HistoryDialog(QDialog):
    """The open report's revisions; 「恢复到此版本」 makes the selected one current (as a new revision)."""

    def __init__(self, document: ReportDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.setWindowTitle("修改历史")
        self._message: QMessageBox | None = None
        self.heading = QLabel()
        self.heading.setWordWrap(True)

        self.revisions = QTreeWidget()
        self.revisions.setHeaderLabels(["时间", "操作", "说明", "改动"])
        self.revisions.setRootIsDecorated(False)
        self.revisions.setAlternatingRowColors(True)
        self.revisions.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        char = self.fontMetrics().horizontalAdvance("中")
        header = self.revisions.header()
        header.setStretchLastSection(False)
        for column, chars in ((0, 12), (1, 8), (3, 4)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, char * chars)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.revisions.currentItemChanged.connect(self._show_details)

        self.details_label = QLabel()
        # a table, not a tree: its rows grow to show a long cell name or text on several lines
        self.details = QTableWidget(0, 3)
        self.details.setHorizontalHeaderLabels(["内容", "原来", "改为"])
        self.details.verticalHeader().hide()
        self.details.setWordWrap(True)
        self.details.setAlternatingRowColors(True)
        self.details.setShowGrid(False)  # the grid takes a pixel the row height was measured with
        self.details.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.details.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        detail_header = self.details.horizontalHeader()
        detail_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            detail_header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            detail_header.resizeSection(column, char * 15)
        detail_header.sectionResized.connect(lambda *_: self.details.resizeRowsToContents())
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.details_label)
        lower_layout.addWidget(self.details, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.revisions)
        splitter.addWidget(lower)
        line = self.fontMetrics().height()
        splitter.setSizes([line * 14, line * 16])  # the details need the room more than the list

        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.restore_button = QPushButton("恢复到此版本")
        self.restore_button.clicked.connect(self.restore_selected)
        buttons = close_button_box(self, self.restore_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.outcome)
        layout.addWidget(buttons)
        self.resize(char * 72, self.fontMetrics().height() * 36)
        self.refresh()

    @property
    def history(self) -> Sequence[Revision]:
        return self._history

    def refresh(self) -> None:
        """Read the revisions again (after a restore) and select the newest."""
        document = self.document
        self._history = document.history(limit=HISTORY_LIMIT)
        more = f"（只列出最近的 {HISTORY_LIMIT} 次）" if len(self._history) == HISTORY_LIMIT else ""
        self.heading.setText(
            f"「{document.report.title}」的每一次修改都保存在这里{more}。选中一次修改，可以看到改了什么；"
            "点击「恢复到此版本」，报告会回到那次修改之后的内容（恢复本身也会记录下来，可以再恢复回去）。"
        )
        self.revisions.clear()
        for revision in self._history:
            item = QTreeWidgetItem(
                [
                    f"{revision.at:%Y-%m-%d %H:%M:%S}",
                    kind_name(revision),
                    explanation(revision),
                    str(len(revision.changes)),
                ]
            )
            item.setData(0, REVISION_ROLE, revision.id)
            if explanation(revision):
                item.setToolTip(2, explanation(revision))
            item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.revisions.addTopLevelItem(item)
        newest = self.revisions.topLevelItem(0)
        if newest is not None:
            self.revisions.setCurrentItem(newest)
        else:
            self._show_details()

    def selected(self) -> Revision | None:
        item = self.revisions.currentItem()
        if item is None:
            return None
        revision_id = item.data(0, REVISION_ROLE)
        return next((r for r in self._history if r.id == revision_id), None)

    @Slot()
    def _show_details(self) -> None:
        self.details.setRowCount(0)
        revision = self.selected()
        newest = bool(self._history) and revision is self._history[0]
        self.restore_button.setEnabled(revision is not None and not newest)
        self.restore_button.setToolTip("这是报告现在的内容" if newest else "")
        if revision is None:
            self.details_label.setText("")
            return
        self.details_label.setText(
            f"{revision.at:%Y-%m-%d %H:%M:%S} {kind_name(revision)}，共 {len(revision.changes)} 处改动："
        )
        spec = self.document.report.spec
        self.details.setRowCount(len(revision.changes))
        for row, change in enumerate(revision.changes):
            old, new = change_texts(spec, change)
            full = (value_text(spec, change.field, change.old), value_text(spec, change.field, change.new))
            for column, text in enumerate((field_name(spec, change.field), old, new)):
                item = QTableWidgetItem(text)
                item.setToolTip(full[column - 1][:2000] if column else text)
                self.details.setItem(row, column, item)
        self.details.resizeRowsToContents()

    @Slot()
    def restore_selected(self) -> bool:
        """Make the selected revision's content current; a final report or an unsaved edit refuses."""
        revision = self.selected()
        if revision is None:
            return False
        try:
            self.document.restore_revision(revision.id)
        except UserError as exc:  # an unsaved edit, a final report, a name now taken
            self._message = show_message(self, exc.message)
            return False
        self.refresh()
        self.outcome.setText(
            f"已恢复到 {revision.at:%Y-%m-%d %H:%M:%S} 时的内容。"
            "如需撤回，在上面选中恢复之前的那一次修改，再点「恢复到此版本」。"
        )
        return True
