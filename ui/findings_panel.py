"""The findings panel: every finding of the open report; clicking one asks to show its cell.

Errors come first, then warnings; the many 「未填写」 warnings of a new report are gathered under one
expandable line so that the arithmetic findings stay in view.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from core.rules import Finding, severity_counts

ERROR_COLOUR = QColor("#b00020")
WARNING_COLOUR = QColor("#8a5a00")
BLANK_RULE = "BLANK"


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
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.itemClicked.connect(self._clicked)
        self.tree.itemActivated.connect(self._clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.tree, 1)
        self.findings: list[Finding] = []

    def set_findings(self, findings: Sequence[Finding]) -> None:
        if list(findings) == self.findings and self.tree.topLevelItemCount():
            return  # typing in a narrative changes no finding: keep the list (and its scroll) as it is
        blanks_open = any(i.childCount() and i.isExpanded() for i in self._all_items())
        self.findings = list(findings)
        self.tree.clear()
        blanks = [f for f in findings if f.rule == BLANK_RULE]
        for finding in findings:
            if finding.rule != BLANK_RULE:
                self.tree.addTopLevelItem(self._item(finding))
        if blanks:
            group = QTreeWidgetItem([f"提示：有 {len(blanks)} 个格子未填写（没有的请填 0），点击展开"])
            group.setForeground(0, QBrush(WARNING_COLOUR))
            group.addChildren([self._item(f) for f in blanks])
            self.tree.addTopLevelItem(group)
            group.setExpanded(blanks_open)
        if not findings:
            ok = QTreeWidgetItem(["没有发现问题：各项数字的勾稽关系正确，所有格子都已填写。"])
            ok.setForeground(0, QBrush(QColor("#1b6e20")))
            self.tree.addTopLevelItem(ok)
        self.header.setText(f"检查结果：{summary(findings)}")

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
