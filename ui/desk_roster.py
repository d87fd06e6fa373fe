"""汇总台 → 编辑名单…: the roster of agencies expected to report, edited in place.

Every edit goes through `core.desk.Roster` (which refuses an empty, too long or duplicate name, saying
why in the red line); the dialog works on a copy, so 取消 changes nothing. The numbers (编号) are the
roster's own and never change, so a rename keeps what the desk learned of the agency.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.desk import Roster
from core.errors import UserError

_ID = Qt.ItemDataRole.UserRole + 1


class RosterDialog(QDialog):
    """The roster as a two-column table (编号, 单位名称); `roster` is the edited copy."""

    def __init__(self, roster: Roster | None, received: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("编辑应报单位名单")
        self.resize(560, 640)
        self.roster = Roster.from_json(roster.as_json()) if roster else Roster()
        self.received = list(received)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["编号", "单位名称（双击修改）"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemChanged.connect(self._renamed)
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("输入新单位名称，按回车添加")
        self.new_name.returnPressed.connect(self.add)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00000")
        self.problem.setWordWrap(True)
        self.count = QLabel()

        add_row = QHBoxLayout()
        add_row.addWidget(self.new_name, 1)
        self.buttons: dict[str, QPushButton] = {}
        add_row.addWidget(self._button("添加", self.add))
        edit_row = QHBoxLayout()
        for text, slot in (
            ("删除", self.remove_selected),
            ("上移", lambda: self.move_selected(-1)),
            ("下移", lambda: self.move_selected(1)),
        ):
            edit_row.addWidget(self._button(text, slot))
        edit_row.addStretch(1)
        taken = self._button(f"加入收到报告的单位（{len(self.received)} 个）", self.add_received)
        taken.setEnabled(bool(self.received))
        taken.setToolTip("把收到了报告、但名单中没有的单位加入名单（与名单中某单位相近的，请在总表中确认）")
        edit_row.addWidget(taken)
        done = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        done.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        done.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        done.accepted.connect(self.accept)
        done.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(add_row)
        layout.addLayout(edit_row)
        layout.addWidget(self.problem)
        layout.addWidget(self.count)
        layout.addWidget(done)
        self._show()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.focusWidget() is self.new_name:
            return  # the name box added the name (returnPressed): Enter must not also close the dialog
        super().keyPressEvent(event)

    def _button(self, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda _checked=False: slot())
        self.buttons[text] = button
        return button

    def _show(self, selected: int | None = None) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.roster.entries))
        for row, entry in enumerate(self.roster.entries):
            number = QTableWidgetItem(str(entry.id))
            number.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            name = QTableWidgetItem(entry.name)
            name.setData(_ID, entry.id)
            self.table.setItem(row, 0, number)
            self.table.setItem(row, 1, name)
            if entry.id == selected:
                self.table.selectRow(row)
        self.table.blockSignals(False)
        self.table.resizeColumnToContents(0)
        self.count.setText(f"名单中共 {len(self.roster.entries)} 个单位。")

    def _edit(self, change: Callable[[], object], selected: int | None = None) -> bool:
        """One edit of the roster; a refused one shows why and changes nothing."""
        try:
            change()
        except UserError as exc:
            self.problem.setText(exc.message)
            self._show(selected)
            return False
        self.problem.clear()
        self._show(selected)
        return True

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.problem.setText("请先选中名单中的一个单位。")
            return None
        item = self.table.item(rows[0].row(), 1)
        return int(item.data(_ID)) if item is not None else None

    def add(self) -> None:
        name = self.new_name.text()
        holder: list[int] = []
        if self._edit(lambda: holder.append(self.roster.add(name).id)):
            self.new_name.clear()
            self._show(holder[0])
            self.table.scrollToBottom()

    def _renamed(self, item: QTableWidgetItem) -> None:
        entry_id = item.data(_ID)
        if entry_id is not None:
            text = item.text()
            self._edit(lambda: self.roster.rename(int(entry_id), text), int(entry_id))

    def remove_selected(self) -> None:
        entry_id = self.selected_id()
        if entry_id is not None:
            self._edit(lambda: self.roster.remove(entry_id))

    def move_selected(self, step: int) -> None:
        entry_id = self.selected_id()
        if entry_id is not None:
            self._edit(lambda: self.roster.move(entry_id, step), entry_id)

    def add_received(self) -> None:
        added = self.roster.take(self.received)
        self._show()
        self.problem.setText(f"已加入 {added} 个单位。" if added else "收到报告的单位都已在名单中。")
