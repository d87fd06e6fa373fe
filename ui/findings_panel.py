"""The findings panel: every finding of the open report; clicking one asks to show its cell.

Errors come first, then warnings; the many 「未填写」 warnings of a new report are gathered under one
expandable line so that the arithmetic findings stay in view. A warning can be dismissed for this
report (「忽略此提醒」, with a reason, through `ReportDocument.dismiss`); dismissed ones stay listed,
greyed, under their own line with the reason, and can be shown again (「恢复此提醒」).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.errors import UserError
from core.rules.table import BLANK, Finding, severity_counts

if TYPE_CHECKING:
    from ui.document import ReportDocument

ERROR_COLOUR = QColor("#b00020")
WARNING_COLOUR = QColor("#8a5a00")
DISMISSED_COLOUR = QColor("#9a9a9a")
DISMISS_TEXT, UNDISMISS_TEXT = "忽略此提醒…", "恢复此提醒"


class DismissDialog(QDialog):
    """Asks why a warning is dismissed; the reason is kept with the report and in its history."""

    def __init__(self, finding: Finding, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("忽略此提醒")
        message = QLabel(f"提示：{finding.message}")
        message.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("例如：文字说的是全区汇总数，不是本机关的数")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("忽略此提醒")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.ok.setEnabled(False)
        self.reason.textChanged.connect(lambda text: self.ok.setEnabled(bool(text.strip())))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(message)
        layout.addWidget(QLabel("请写明原因（与报告一起保存，并记入修改历史）："))
        layout.addWidget(self.reason)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())


def summary(findings: Sequence[Finding]) -> str:
    """「N 处错误 · M 处提示」, as the status bar and the panel header say it."""
    errors, warnings = severity_counts(findings)
    return f"{errors} 处错误 · {warnings} 处提示"


def tree_children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    """The children of `item`; of a tree's `invisibleRootItem()`, its top-level lines."""
    children = []
    for i in range(item.childCount()):
        child = item.child(i)
        assert child is not None  # i < childCount()
        children.append(child)
    return children


class FindingsPanel(QWidget):
    """A list of findings; `activated(finding)` when the user clicks one."""

    activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = QLabel()
        self.repeat = QLabel()  # 「与上年报告重复的句子占 N%」 when last year's report is there
        self.repeat.setWordWrap(True)
        self.repeat.setStyleSheet("color: #555")
        self.repeat.hide()
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.itemClicked.connect(self._clicked)
        self.tree.itemActivated.connect(self._clicked)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._menu)
        self.tree.currentItemChanged.connect(self._update_button)
        self.dismiss_button = QPushButton(DISMISS_TEXT)
        self.dismiss_button.setToolTip("这条提醒不适用于本报告时，写明原因后忽略它（错误不能忽略）")
        self.dismiss_button.clicked.connect(lambda: self.toggle_selected())
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.dismiss_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.repeat)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self.findings: list[Finding] = []
        self.dismissed: list[Finding] = []
        self.document: ReportDocument | None = None
        self._update_button()

    def set_document(self, document: ReportDocument) -> None:
        """The open report, through which warnings are dismissed and whose dismissed ones are shown."""
        self.document = document

    def set_findings(self, findings: Sequence[Finding], dismissed: Sequence[Finding] | None = None) -> None:
        if dismissed is None:
            dismissed = self.document.dismissed_findings if self.document is not None else []
        repeat = self.document.repeat_line if self.document is not None else None
        self.repeat.setText(f"{repeat}。" if repeat else "")
        self.repeat.setVisible(bool(repeat))
        if (
            list(findings) == self.findings
            and list(dismissed) == self.dismissed
            and self.tree.topLevelItemCount()
        ):
            return  # typing in a narrative changes no finding: keep the list (and its scroll) as it is
        blanks_open = any(i.childCount() and i.isExpanded() for i in self._all_items())
        self.findings, self.dismissed = list(findings), list(dismissed)
        self.tree.clear()
        blanks = [f for f in findings if f.rule == BLANK]
        for finding in findings:
            if finding.rule != BLANK:
                self.tree.addTopLevelItem(self._item(finding))
        if blanks:
            label = f"提示：有 {len(blanks)} 个格子未填写（没有的请填 0），点击展开"
            self._group(label, WARNING_COLOUR, [self._item(f) for f in blanks], blanks_open)
        if not findings:
            ok = QTreeWidgetItem(["没有发现问题：各项数字的勾稽关系正确，所有格子都已填写。"])
            ok.setForeground(0, QBrush(QColor("#1b6e20")))
            self.tree.addTopLevelItem(ok)
        if dismissed:
            label = f"已忽略的提醒（{len(dismissed)} 条）"
            self._group(label, DISMISSED_COLOUR, [self._dismissed_item(f) for f in dismissed], True)
        ignored = f" · 已忽略 {len(dismissed)} 处" if dismissed else ""
        self.header.setText(f"检查结果：{summary(findings)}{ignored}")
        self._update_button()

    def _group(self, label: str, colour: QColor, children: list[QTreeWidgetItem], expanded: bool) -> None:
        """An expandable line gathering findings (the blanks; the dismissed ones)."""
        group = QTreeWidgetItem([label])
        group.setForeground(0, QBrush(colour))
        group.addChildren(children)
        self.tree.addTopLevelItem(group)
        group.setExpanded(expanded)

    def _dismissed_item(self, finding: Finding) -> QTreeWidgetItem:
        item = QTreeWidgetItem([f"已忽略：{finding.message}"])
        record = self.document.dismissals.get(finding.key) if self.document is not None else None
        if record is not None:
            by = f"{record.who}，{record.at:%Y-%m-%d %H:%M}"
            item.setText(0, f"已忽略（原因：{record.reason}；{by}）：{finding.message}")
        item.setData(0, Qt.ItemDataRole.UserRole, finding)
        item.setToolTip(0, item.text(0))
        item.setForeground(0, QBrush(DISMISSED_COLOUR))
        font = item.font(0)
        font.setItalic(True)
        item.setFont(0, font)
        return item

    def selected(self) -> Finding | None:
        item = self.tree.currentItem()
        finding = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        return finding if isinstance(finding, Finding) else None

    def _action_for(self, finding: Finding | None) -> str | None:
        """What the dismiss button does for a finding: dismiss, show again, or nothing (errors)."""
        if finding is None or self.document is None or self.document.read_only:
            return None
        if finding in self.dismissed:
            return UNDISMISS_TEXT
        return DISMISS_TEXT if finding.dismissable else None

    @Slot()
    def _update_button(self) -> None:
        action = self._action_for(self.selected())
        self.dismiss_button.setEnabled(action is not None)
        self.dismiss_button.setText(action or DISMISS_TEXT)

    def toggle_selected(self, reason: str | None = None) -> bool:
        """Dismiss the selected warning (asking for the reason unless given) or show a dismissed one
        again. True when something changed."""
        finding = self.selected()
        action = self._action_for(finding)
        if finding is None or action is None or self.document is None:
            return False
        try:
            if action == UNDISMISS_TEXT:
                self.document.undismiss(finding)
                return True
            if reason is None:
                dialog = DismissDialog(finding, self)
                if dialog.exec() != QDialog.DialogCode.Accepted:
                    return False
                reason = dialog.reason.text()
            self.document.dismiss(finding, reason)
        except UserError as exc:
            QMessageBox.warning(self, "未能完成", exc.message)
            return False
        return True

    @Slot(QPoint)
    def _menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        if item is None:
            return
        self.tree.setCurrentItem(item)
        action = self._action_for(self.selected())
        if action is not None:
            menu = QMenu(self)
            menu.addAction(action, lambda: self.toggle_selected())
            menu.exec(self.tree.viewport().mapToGlobal(pos))

    def _item(self, finding: Finding) -> QTreeWidgetItem:
        word = "错误" if finding.severity == "error" else "提示"
        item = QTreeWidgetItem([f"{word}：{finding.message}"])
        item.setData(0, Qt.ItemDataRole.UserRole, finding)
        item.setToolTip(0, finding.message)
        item.setForeground(0, QBrush(ERROR_COLOUR if finding.severity == "error" else WARNING_COLOUR))
        return item

    def item_for(self, finding: Finding) -> QTreeWidgetItem | None:
        """The tree line showing a finding (tests click it as a user would)."""
        for item in self._all_items():
            if item.data(0, Qt.ItemDataRole.UserRole) == finding:
                return item
        return None

    def _all_items(self) -> list[QTreeWidgetItem]:
        return [
            item
            for top in tree_children(self.tree.invisibleRootItem())
            for item in (top, *tree_children(top))
        ]

    @Slot(QTreeWidgetItem, int)
    def _clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        finding = item.data(0, Qt.ItemDataRole.UserRole)
        if finding is not None:
            self.activated.emit(finding)
