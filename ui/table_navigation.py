"""Where the cursor goes in a table form: Enter down, arrows to the next input cell, Tab in reading order.

Labels, headers and computed totals are skipped: only input cells are stops. Tab at the last input cell
(Shift+Tab at the first) has no next stop, which the view takes as «leave the table» so that the
keyboard is never trapped.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView

from ui.table_model import ReportTableModel

_Index = QModelIndex | QPersistentModelIndex

# Where each key sends the cursor: (row step, column step); Tab/Backtab follow the reading order instead.
MOVES = {
    Qt.Key.Key_Return: (1, 0),
    Qt.Key.Key_Enter: (1, 0),
    Qt.Key.Key_Down: (1, 0),
    Qt.Key.Key_Up: (-1, 0),
    Qt.Key.Key_Right: (0, 1),
    Qt.Key.Key_Left: (0, -1),
}
CURSOR_MOVES = {
    QAbstractItemView.CursorAction.MoveDown: (1, 0),
    QAbstractItemView.CursorAction.MoveUp: (-1, 0),
    QAbstractItemView.CursorAction.MoveRight: (0, 1),
    QAbstractItemView.CursorAction.MoveLeft: (0, -1),
}


def step(model: ReportTableModel, index: _Index, dr: int, dc: int) -> QModelIndex:
    """The next input cell from `index` in a direction, or an invalid index if there is none."""
    placed = model.cell_at(index.row(), index.column())
    if placed is None:
        return QModelIndex()
    row, col = index.row(), index.column()
    if dr > 0:
        row = placed.row + placed.cell.rowspan
    elif dc > 0:
        col = placed.col + placed.cell.colspan
    else:
        row, col = row + dr, col + dc
    while 0 <= row < model.rowCount() and 0 <= col < model.columnCount():
        owner = model.cell_at(row, col)
        if owner is not None and owner is not placed and owner.cell.address:
            target = model.index(owner.row, owner.col)
            if model.is_input(target):
                return target
        row, col = row + dr, col + dc
    return QModelIndex()


def tab_target(model: ReportTableModel, current: _Index, forward: bool) -> QModelIndex:
    """The next (or previous) input cell in reading order; invalid at the end (the table is left)."""
    here = (current.row(), current.column())
    inputs = model.input_indexes()
    if forward:
        return next((i for i in inputs if (i.row(), i.column()) > here), QModelIndex())
    return next((i for i in reversed(inputs) if (i.row(), i.column()) < here), QModelIndex())
