"""The table form as users touch it all day: a spreadsheet-like view over `ReportTableModel`.

Enter moves down, Tab right, arrows move between input cells (skipping labels and computed totals);
Tab at the last cell, Shift+Tab at the first, and Ctrl+Tab anywhere move on to the next widget, so the
keyboard is never trapped. Typing over a cell starts an editor that replaces its content (see
`ui.cell_delegate`); Delete/Backspace clears the selection to blank (one undo step); Ctrl+C copies the
selected block as tab-separated text and Ctrl+V pastes a block from Excel or WPS from the current cell
(one undo step, planned by `core.model.paste`). The right-click menu offers 复制、粘贴、清空、撤销.

The table fits the width it is given: label columns wrap (and then headers) before anything is cut, so
at office screen sizes every column is visible without scrolling sideways; the header rows and row
labels stay in place while it scrolls (`ui.frozen_panes`). Refusals and paste results go out through
`message` (the window shows them in its status bar).
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QInputMethodEvent,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QMenu,
    QTableView,
    QToolTip,
    QWidget,
)

from core.model.cell_input import join_block, split_block
from core.model.paste import plan_paste
from ui.cell_delegate import CellDelegate, CellEditor
from ui.document import READ_ONLY_MESSAGE, ReportDocument
from ui.frozen_panes import FrozenPanes
from ui.table_model import ReportTableModel
from ui.table_navigation import CURSOR_MOVES, step, tab_target

_Index = QModelIndex | QPersistentModelIndex
_TABS = (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
_ENSURE_VISIBLE = QAbstractItemView.ScrollHint.EnsureVisible


def fit_widths(natural: list[int], floors: list[list[int]], available: int) -> list[int]:
    """Column widths within `available`: shrink towards each tier of floors in turn, in proportion.

    `floors[0]` lets label columns give way first, `floors[1]` then header-bearing value columns;
    columns never go below the last tier (the table then scrolls sideways).
    """
    widths = list(natural)
    for floor in floors:
        excess = sum(widths) - available
        slack = [max(w - f, 0) for w, f in zip(widths, floor, strict=True)]
        room = sum(slack)
        if excess <= 0 or room <= 0:
            continue
        take = min(excess, room)
        cuts = [s * take // room for s in slack]
        for i in sorted(range(len(cuts)), key=lambda i: slack[i] - cuts[i], reverse=True):
            if sum(cuts) >= take:
                break
            if slack[i] > cuts[i]:
                cuts[i] += 1  # the rounding remainder, one pixel each
        widths = [w - c for w, c in zip(widths, cuts, strict=True)]
    return widths


class ReportTableView(QTableView):
    """One table of the open report (`table_key` from the format), laid out as the official form."""

    message = Signal(str)  # a Chinese message for the status bar ("" clears it)

    MAX_LABEL_CHARS = 20  # long labels wrap beyond this many characters
    MERGED_LABEL_CHARS = 7  # a label merged over several rows wraps within this width
    HEADER_CHARS = 6  # column headers wrap after six characters (社会公益组织)
    MIN_LABEL_CHARS = 4  # when space is short, labels wrap down to this width first…
    MIN_HEADER_CHARS = 3  # …then column headers down to this
    VALUE_DIGITS = 8  # value columns fit this many digits…
    MIN_VALUE_DIGITS = 5  # …or, when space is short, this many (or the widest value shown), never fewer

    def __init__(self, document: ReportDocument, table_key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.table_model = ReportTableModel(document, table_key, self)
        model = self.table_model
        self.panes = FrozenPanes(self, model, model.frozen_rows(), model.frozen_columns())
        self.setModel(model)
        self.delegate = CellDelegate(self)
        self.setItemDelegate(self.delegate)
        self.last_message = ""
        self._natural: list[int] = []
        self._floors: list[list[int]] = []
        self._fitted_width: int | None = None  # viewport width the columns were fitted to
        self.horizontalHeader().hide()
        self.verticalHeader().hide()
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.setTabKeyNavigation(True)
        self.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._apply_spans()
        self.table_model.modelReset.connect(self._apply_spans)
        self.table_model.dataChanged.connect(self._value_cut)
        self.table_model.inputRefused.connect(lambda text: self.refuse(text, self.currentIndex()))
        self.fit_to_contents()
        inputs = self.table_model.input_indexes()
        if inputs:
            self.setCurrentIndex(inputs[0])

    # ---------------------------------------------------------------- layout

    def _apply_spans(self) -> None:
        self.clearSpans()
        for row, col, rowspan, colspan in self.table_model.spans():
            self.setSpan(row, col, rowspan, colspan)
        self.panes.place()

    def viewportSizeHint(self) -> QSize:
        """The whole table at its natural column widths (Qt adds room for scroll bars it may not need)."""
        return QSize(sum(self._natural) or self.horizontalHeader().length(), self.verticalHeader().length())

    def _metrics(self) -> tuple[QFontMetrics, QFontMetrics]:
        """The regular (labels, values) and bold (headers, totals) font metrics of the table."""
        bold = QFont(self.font())
        bold.setBold(True)
        return QFontMetrics(self.font()), QFontMetrics(bold)

    def fit_to_contents(self) -> None:
        """Natural column widths from the labels (call after a font change), then fit them to the width."""
        table = self.table_model.table
        regular, bold = self._metrics()
        char = regular.horizontalAdvance("中")
        pad = char  # room for the cell margins and the grid line
        value_width = regular.horizontalAdvance("0" * self.VALUE_DIGITS) + pad
        natural = [0] * table.grid_columns
        label_floor = [0] * table.grid_columns
        value_columns = {p.col for p in table.value_positions.values()}
        for placed in table.placed:
            cell = placed.cell
            if cell.colspan != 1 or cell.address:
                continue
            metrics = regular if cell.role == "label" else bold
            limit = self.MERGED_LABEL_CHARS if cell.rowspan > 1 else self.MAX_LABEL_CHARS
            if cell.role != "label":
                limit = self.HEADER_CHARS
            natural[placed.col] = max(
                natural[placed.col], min(metrics.horizontalAdvance(cell.text), limit * char) + pad
            )
        natural = [max(width, value_width) for width in natural]
        minimum_label = self.MIN_LABEL_CHARS * char + pad
        label_floor = [w if c in value_columns else min(w, minimum_label) for c, w in enumerate(natural)]
        header_floor = [
            max(value_width, min(w, self.MIN_HEADER_CHARS * char + pad)) if c in value_columns else f
            for c, (w, f) in enumerate(zip(natural, label_floor, strict=True))
        ]
        shown = [regular.horizontalAdvance("0" * self.MIN_VALUE_DIGITS)] * table.grid_columns
        for address, placed in table.value_positions.items():
            text = self.table_model.data(self.table_model.index_of(address)) or ""
            shown[placed.col] = max(shown[placed.col], bold.horizontalAdvance(text))
        value_floor = [
            max(shown[c] + pad, min(w, self.MIN_HEADER_CHARS * char + pad)) if c in value_columns else f
            for c, (w, f) in enumerate(zip(natural, label_floor, strict=True))
        ]
        self._natural, self._floors = natural, [label_floor, header_floor, value_floor]
        self._fit_columns(self._fitted_width)
        self.updateGeometry()

    def _value_cut(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        """A changed value wider than its shrunk column: fit again, so that a number is never cut."""
        pad = self.fontMetrics().horizontalAdvance("中")
        for row in range(top_left.row(), bottom_right.row() + 1):
            for col in range(top_left.column(), bottom_right.column() + 1):
                text = self.table_model.data(self.table_model.index(row, col)) or ""
                if self.table_model.address_at(self.table_model.index(row, col)) and (
                    self.fontMetrics().horizontalAdvance(text) + pad > self.columnWidth(col)
                ):
                    self.fit_to_contents()
                    return

    def _fit_columns(self, available: int | None) -> None:
        """Column widths within `available` pixels (natural widths until the view has been laid out)."""
        self._fitted_width = available
        widths = self._natural if available is None else fit_widths(self._natural, self._floors, available)
        for col, width in enumerate(widths):
            self.setColumnWidth(col, width)
        self._fit_rows()
        self.panes.place()

    def _fit_rows(self) -> None:
        """Row heights so that every label and header shows whole at the current column widths."""
        table = self.table_model.table
        regular, bold = self._metrics()
        pad = regular.horizontalAdvance("中")

        def needed(placed_col: int, colspan: int, text: str, metrics: QFontMetrics) -> int:
            width = sum(self.columnWidth(c) for c in range(placed_col, placed_col + colspan)) - pad
            flags = Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft
            return metrics.boundingRect(QRect(0, 0, max(width, pad), 100000), flags, text).height() + 10

        minimum = regular.height() + regular.height() // 2 + 6
        heights = [minimum] * len(table.lines)
        labels = [p for p in table.placed if not p.cell.address]
        for placed in sorted(labels, key=lambda p: p.cell.rowspan):  # single rows first, then merged
            cell = placed.cell
            metrics = regular if cell.role == "label" else bold
            text_height = needed(placed.col, cell.colspan, cell.text, metrics)
            if cell.rowspan == 1:
                heights[placed.row] = max(heights[placed.row], text_height)
                continue
            rows = range(placed.row, placed.row + cell.rowspan)
            short = max(text_height - sum(heights[r] for r in rows), 0)
            for i, r in enumerate(rows):  # spread what is missing over the merged rows
                heights[r] += short // cell.rowspan + (1 if i < short % cell.rowspan else 0)
        for row, height in enumerate(heights):
            self.setRowHeight(row, height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """The viewport changed size (window, splitter or a scroll bar appearing): fit the columns again."""
        super().resizeEvent(event)
        width = self.viewport().width()
        if width != self._fitted_width and self.isVisible():
            self._fit_columns(width)
            self.updateGeometry()
        self.panes.place()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        self.panes.scrolled()

    def updateGeometries(self) -> None:
        super().updateGeometries()
        self.panes.place()  # scroll bars shown or hidden move the viewport's edges
        self.updateGeometry()  # and change the size the table asks for

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.fit_to_contents()

    def scrollTo(self, index: _Index, hint: QAbstractItemView.ScrollHint = _ENSURE_VISIBLE) -> None:
        """Also keep the cell clear of the frozen header rows and label columns."""
        super().scrollTo(index, hint)
        if not index.isValid():
            return
        rect = self.visualRect(index)
        top, left = self.panes.height(), self.panes.width()
        if index.row() >= self.panes.rows and rect.top() < top:
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() - (top - rect.top()))
        if index.column() >= self.panes.columns and rect.left() < left:
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() - (left - rect.left()))

    # ---------------------------------------------------------------- messages

    def say(self, text: str) -> None:
        self.last_message = text
        self.message.emit(text)

    def refuse(self, text: str, index: _Index) -> None:
        """A refusal: in the status bar and as a tooltip at the cell."""
        self.say(text)
        rect = self.visualRect(index) if index.isValid() else self.visualRect(self.currentIndex())
        QToolTip.showText(self.viewport().mapToGlobal(rect.bottomLeft()), text, self.viewport())

    # ---------------------------------------------------------------- navigation

    def select_cell(self, address: str) -> None:
        """Make a cell current and visible (the findings panel calls this)."""
        index = self.table_model.index_of(address)
        self.setCurrentIndex(index)
        self.scrollTo(index)
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_found(self, row: int, col: int) -> None:
        """Mark a label or header cell that 查找 found, and scroll it into view."""
        self.table_model.set_found((row, col))
        super().scrollTo(self.table_model.index(row, col))  # a frozen header is always in view

    def moveCursor(
        self, cursorAction: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        if cursorAction in CURSOR_MOVES:
            target = step(self.table_model, self.currentIndex(), *CURSOR_MOVES[cursorAction])
            return target if target.isValid() else self.currentIndex()
        if cursorAction in (
            QAbstractItemView.CursorAction.MoveNext,
            QAbstractItemView.CursorAction.MovePrevious,
        ):
            forward = cursorAction == QAbstractItemView.CursorAction.MoveNext
            target = tab_target(self.table_model, self.currentIndex(), forward)
            return target if target.isValid() else self.currentIndex()
        return super().moveCursor(cursorAction, modifiers)

    def move_by(self, dr: int, dc: int) -> None:
        target = step(self.table_model, self.currentIndex(), dr, dc)
        if target.isValid():
            self.setCurrentIndex(target)

    def tab_from_cell(self, forward: bool, leave: bool = False) -> None:
        """Tab/Shift+Tab: the next input cell in reading order, or on to the next widget at the end
        (always with Ctrl+Tab), so the keyboard is never trapped in the table."""
        target = QModelIndex() if leave else tab_target(self.table_model, self.currentIndex(), forward)
        if target.isValid():
            self.setCurrentIndex(target)
        else:
            self.leave_table(forward)

    def leave_table(self, forward: bool) -> None:
        """Focus to the next (previous) widget of the window, past the frozen panes."""
        QWidget.focusNextPrevChild(self, forward)

    # ---------------------------------------------------------------- keys

    def _editable(self, index: _Index) -> bool:
        return index.isValid() and bool(self.table_model.flags(index) & Qt.ItemFlag.ItemIsEditable)

    def _start_typing(self) -> CellEditor | None:
        """Open the current cell's editor empty, so what is typed replaces the content."""
        index = self.currentIndex()
        if self.delegate.editor is not None or not self._editable(index):
            return None
        self.delegate.typing_over = True
        try:
            self.edit(index)
        finally:
            self.delegate.typing_over = False
        return self.delegate.editor

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
        elif event.matches(QKeySequence.StandardKey.Paste):
            self.paste_text(QGuiApplication.clipboard().text())
        elif event.matches(QKeySequence.StandardKey.Undo):
            self.document.undo_stack.undo()
        elif event.matches(QKeySequence.StandardKey.Redo) or (ctrl and key == Qt.Key.Key_Y):
            self.document.undo_stack.redo()
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not ctrl:
            self.clear_selection()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.move_by(-1 if shift else 1, 0)
        elif key in _TABS:
            self.tab_from_cell(key == Qt.Key.Key_Tab and not shift, leave=ctrl)
        elif _is_typing(event) and self._editable(self.currentIndex()):
            editor = self._start_typing()
            if editor is not None:
                QGuiApplication.sendEvent(editor, event)
        elif _is_typing(event) and self.document.read_only and self.table_model.is_input(self.currentIndex()):
            self.refuse(READ_ONLY_MESSAGE, self.currentIndex())
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab as Qt delivers it to a widget: through the cells, then out of the table."""
        self.tab_from_cell(next)
        return True

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        """Text committed by a Chinese input method (e.g. full-width digits) types over the cell too."""
        if event.commitString() and self.delegate.editor is None and self._editable(self.currentIndex()):
            editor = self._start_typing()
            if editor is not None:
                QGuiApplication.sendEvent(editor, event)
                return
        super().inputMethodEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.viewport().update()  # the current-cell frame follows focus

    # ---------------------------------------------------------------- the right-click menu

    def context_menu(self) -> QMenu:
        """复制、粘贴、清空、撤销 for the selected cells (the menu a right click opens)."""
        menu = QMenu(self)
        writable = not self.document.read_only
        undo = self.document.undo_stack
        for text, slot, keys, enabled in (
            ("复制", self.copy_selection, QKeySequence.StandardKey.Copy, bool(self._selected())),
            ("粘贴", self.paste_clipboard, QKeySequence.StandardKey.Paste, writable),
            ("清空", self.clear_selection, QKeySequence(Qt.Key.Key_Delete), writable),
            ("撤销", undo.undo, QKeySequence.StandardKey.Undo, undo.canUndo()),
        ):
            action = menu.addAction(text)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutVisibleInContextMenu(True)
            action.setEnabled(enabled)
            action.triggered.connect(slot)
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        index = self.indexAt(event.pos())
        if self.table_model.address_at(index) and not self.selectionModel().isSelected(index):
            self.setCurrentIndex(index)  # a right click on another cell acts on that cell, as in Excel
        menu = self.context_menu()
        menu.exec(event.globalPos())
        menu.deleteLater()

    # ---------------------------------------------------------------- clear, copy, paste

    def _selected(self) -> list[QModelIndex]:
        indexes = [i for i in self.selectedIndexes() if self.table_model.address_at(i)]
        if not indexes and self.table_model.address_at(self.currentIndex()):
            indexes = [self.currentIndex()]
        return sorted(indexes, key=lambda i: (i.row(), i.column()))

    def clear_selection(self) -> None:
        """Delete: selected input cells become blank (not 0), given totals computed again; one undo step."""
        if self.document.read_only:
            self.refuse(READ_ONLY_MESSAGE, self.currentIndex())
            return
        changes: dict[str, Decimal | None] = {}
        for index in self._selected():
            address = self.table_model.address_at(index)
            if address and self.document.report.values[address] is not None:
                changes[address] = None
        if changes:
            self.document.set_values(changes, "清除")
            self.say(f"已清除 {len(changes)} 格")

    def copy_selection(self) -> None:
        """Ctrl+C: the selected block as tab-separated text, as Excel and WPS paste it."""
        indexes = self._selected()
        if not indexes:
            return
        rows = sorted({i.row() for i in indexes})
        cols = sorted({i.column() for i in indexes})
        chosen = {(i.row(), i.column()) for i in indexes}
        block = [
            [
                self.table_model.data(self.table_model.index(r, c)) or "" if (r, c) in chosen else ""
                for c in cols
            ]
            for r in rows
        ]
        QGuiApplication.clipboard().setText(join_block(block))
        self.say(f"已复制 {len(indexes)} 格")

    def paste_clipboard(self) -> bool:
        return self.paste_text(QGuiApplication.clipboard().text())

    def paste_text(self, text: str) -> bool:
        """Ctrl+V: fill from the current cell; all or nothing (one undo step), refusals say why."""
        if self.document.read_only:
            self.refuse(READ_ONLY_MESSAGE, self.currentIndex())
            return False
        block = split_block(text)
        current = self.currentIndex()
        if not block or not current.isValid():
            return False
        plan = plan_paste(
            self.document.spec,
            self.table_model.table,
            block,
            [(i.row(), i.column()) for i in self._selected()],
            (current.row(), current.column()),
            self.document.resolved_with,
        )
        if plan.refusal is not None:
            self.refuse(plan.refusal, current)
            return False
        self.document.set_values(plan.changes, "粘贴", kind="paste")
        self.say(f"已粘贴 {len(plan.changes)} 格")
        return True


def _is_typing(event: QKeyEvent) -> bool:
    """A key that types text (not a shortcut or a control key)."""
    text = event.text()
    mods = event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    return bool(text) and text.isprintable() and not mods
