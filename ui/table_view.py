"""The table form as users touch it all day: a spreadsheet-like view over `ReportTableModel`.

Enter moves down, Tab right, arrows move between input cells (skipping labels and computed totals);
typing over a cell starts an editor that replaces its content; Delete/Backspace clears the selection to
blank (one undo step); Ctrl+C copies the selected block as tab-separated text and Ctrl+V pastes a block
from Excel or WPS from the current cell (one undo step). While a cell is being typed in, every keystroke
previews the value in the document, so totals and findings update before Enter; text that is not a valid
value is shown in red in the editor and refused on Enter, with a Chinese message naming the cell.
Refusals and paste results go out through `message` (the window shows them in its status bar).
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QInputMethodEvent,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPen,
)
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QAbstractScrollArea,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
    QWidget,
)

from core.cell_input import CellInputError, join_block, parse_cell, split_block
from core.rules import fmt
from ui.document import READ_ONLY_MESSAGE, ReportDocument
from ui.table_model import ReportTableModel

_Index = QModelIndex | QPersistentModelIndex

SELECTION_TINT = QColor(38, 110, 220, 56)
CURRENT_BORDER = QColor("#1c5fc4")
EDITOR_OK = "QLineEdit { border: 2px solid #1c5fc4; padding: 0 3px; background: #ffffff; }"
EDITOR_BAD = "QLineEdit { border: 2px solid #c00000; padding: 0 3px; background: #fff0f0; }"

_SELECTED = QStyle.StateFlag.State_Selected
_HAS_FOCUS = QStyle.StateFlag.State_HasFocus
_NOT_SELECTED_OR_FOCUSED = ~(_SELECTED | _HAS_FOCUS)
_SELECTABLE = Qt.ItemFlag.ItemIsSelectable

# Where each key sends the cursor: (row step, column step); Tab/Backtab follow the reading order instead.
_MOVES = {
    Qt.Key.Key_Return: (1, 0),
    Qt.Key.Key_Enter: (1, 0),
    Qt.Key.Key_Down: (1, 0),
    Qt.Key.Key_Up: (-1, 0),
    Qt.Key.Key_Right: (0, 1),
    Qt.Key.Key_Left: (0, -1),
}
_CURSOR_MOVES = {
    QAbstractItemView.CursorAction.MoveDown: (1, 0),
    QAbstractItemView.CursorAction.MoveUp: (-1, 0),
    QAbstractItemView.CursorAction.MoveRight: (0, 1),
    QAbstractItemView.CursorAction.MoveLeft: (0, -1),
}


class CellEditor(QLineEdit):
    """The line edit of one value cell; `typing_over` when it was opened by typing (Excel's Enter mode)."""

    def __init__(self, parent: QWidget, address: str, typing_over: bool) -> None:
        super().__init__(parent)
        self.address = address
        self.typing_over = typing_over
        self.problem: str | None = None  # short reason while the text cannot be stored
        self.problem_message = ""  # the full message naming the cell
        self.filled = False  # the cell's content was put in once, when the editor opened
        self.setFrame(False)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setStyleSheet(EDITOR_OK)

    def show_problem(self, problem: str | None, message: str = "") -> None:
        self.problem_message = message
        if problem != self.problem:
            if (problem is None) != (self.problem is None):
                self.setStyleSheet(EDITOR_OK if problem is None else EDITOR_BAD)
            self.problem = problem
            self.setToolTip(problem or "")


class CellDelegate(QStyledItemDelegate):
    """Paints cells (selection as a tint, so finding colours stay visible) and runs the cell editor."""

    def __init__(self, view: ReportTableView) -> None:
        super().__init__(view)
        self.view = view
        self.editor: CellEditor | None = None
        self.typing_over = False  # set by the view just before it opens an editor by typing

    # ---------------------------------------------------------------- painting

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        state = option.state
        selected = bool(state & _SELECTED)
        if selected or state & _HAS_FOCUS:
            option = QStyleOptionViewItem(option)
            option.state = state & _NOT_SELECTED_OR_FOCUSED
        super().paint(painter, option, index)
        if selected:
            painter.fillRect(option.rect, SELECTION_TINT)
        if index == self.view.currentIndex() and index.flags() & _SELECTABLE:
            painter.save()
            painter.setPen(QPen(CURRENT_BORDER, 2))
            painter.drawRect(QRect(option.rect).adjusted(1, 1, -1, -1))
            painter.restore()

    # ---------------------------------------------------------------- editing

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        address = self.view.table_model.address_at(index)
        assert address is not None
        editor = CellEditor(parent, address, self.typing_over)
        editor.textEdited.connect(lambda text: self._edited(editor, text))
        self.editor = editor
        return editor

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        # Only when the editor opens: afterwards the view calls this on every dataChanged of the cell
        # (each live preview recolours it), which must not overwrite what is being typed.
        assert isinstance(editor, CellEditor)
        if not editor.filled:
            editor.filled = True
            if not editor.typing_over:
                editor.setText(index.data(Qt.ItemDataRole.EditRole) or "")

    def setModelData(self, editor: QWidget, model: object, index: _Index) -> None:
        assert isinstance(editor, CellEditor) and isinstance(model, ReportTableModel)
        model.setData(index, editor.text())

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: _Index) -> None:
        editor.setGeometry(option.rect)

    def destroyEditor(self, editor: QWidget, index: _Index) -> None:
        if editor is self.editor:
            self.editor = None
        self.view.document.end_preview()  # closed without storing (Escape, refused text)
        super().destroyEditor(editor, index)

    def _edited(self, editor: CellEditor, text: str) -> None:
        """Each keystroke: preview a valid value (totals, findings), or show why the text is refused."""
        document = self.view.document
        try:
            value = parse_cell(document.spec, editor.address, text)
        except CellInputError as exc:
            editor.show_problem(exc.reason, exc.message)
            document.end_preview()
            self.view.say(exc.message)
            return
        if editor.problem is not None:
            editor.show_problem(None)
            self.view.say("")
        document.preview_value(editor.address, value)

    def commit(self, editor: CellEditor) -> bool:
        """Store the editor's text, or refuse it (editor stays open, message says why)."""
        try:
            parse_cell(self.view.document.spec, editor.address, editor.text())
        except CellInputError as exc:
            editor.show_problem(exc.reason, exc.message)
            self.view.refuse(exc.message, self.view.table_model.index_of(editor.address))
            return False
        self.commitData.emit(editor)
        return True

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if isinstance(obj, CellEditor) and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            arrows_move = obj.typing_over or key in (Qt.Key.Key_Up, Qt.Key.Key_Down)
            if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) or (
                key in _MOVES and (arrows_move or key in (Qt.Key.Key_Return, Qt.Key.Key_Enter))
            ):
                if self.commit(obj):
                    self.closeEditor.emit(obj, QAbstractItemDelegate.EndEditHint.NoHint)
                    if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                        self.view.move_in_tab_order(key == Qt.Key.Key_Tab and not shift)
                    else:
                        dr, dc = _MOVES[key]  # type: ignore[index]
                        self.view.move_by(-dr if shift and dr else dr, dc)
                return True
        if isinstance(obj, CellEditor) and event.type() == QEvent.Type.FocusOut and obj.problem:
            # Leaving a refused text: nothing is stored; say so rather than keep a stuck editor.
            self.view.refuse(obj.problem_message, QModelIndex())
            self.closeEditor.emit(obj, QAbstractItemDelegate.EndEditHint.RevertModelCache)
            return False
        return super().eventFilter(obj, event)


class ReportTableView(QTableView):
    """One table of the open report (`table_key` from the format), laid out as the official form."""

    message = Signal(str)  # a Chinese message for the status bar ("" clears it)

    MAX_LABEL_CHARS = 20  # long labels wrap beyond this many characters
    MERGED_LABEL_CHARS = 7  # a label merged over several rows wraps within this width
    VALUE_DIGITS = 8  # value columns fit this many digits

    def __init__(self, document: ReportDocument, table_key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.table_model = ReportTableModel(document, table_key, self)
        self.setModel(self.table_model)
        self.delegate = CellDelegate(self)
        self.setItemDelegate(self.delegate)
        self.last_message = ""
        self.horizontalHeader().hide()
        self.verticalHeader().hide()
        self._apply_spans()
        self.table_model.modelReset.connect(self._apply_spans)
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

    def viewportSizeHint(self) -> QSize:
        """Exactly the table (Qt adds room for scroll bars that a fitted table does not show)."""
        return QSize(self.horizontalHeader().length(), self.verticalHeader().length())

    def fit_to_contents(self) -> None:
        """Column widths and row heights from the labels, so nothing is clipped (call after a font change)."""
        table = self.table_model.table
        regular = QFontMetrics(self.font())
        bold_font = QFont(self.font())
        bold_font.setBold(True)
        bold = QFontMetrics(bold_font)
        char = regular.horizontalAdvance("中")
        pad = char  # room for the cell margins and the grid line
        value_width = regular.horizontalAdvance("0" * self.VALUE_DIGITS) + pad
        widths = [0] * table.grid_columns
        for placed in table.placed:
            cell = placed.cell
            if cell.colspan != 1:
                continue
            if cell.address:
                widths[placed.col] = max(widths[placed.col], value_width)
                continue
            metrics = regular if cell.role == "label" else bold
            limit = self.MERGED_LABEL_CHARS if cell.rowspan > 1 else self.MAX_LABEL_CHARS
            if cell.role != "label":
                limit = 6  # column headers wrap after six characters (社会公益组织)
            widths[placed.col] = max(
                widths[placed.col], min(metrics.horizontalAdvance(cell.text), limit * char) + pad
            )
        for col, width in enumerate(widths):
            self.setColumnWidth(col, max(width, value_width))

        def needed(row: int, col: int, rowspan: int, colspan: int, text: str, metrics: QFontMetrics) -> int:
            del row, rowspan
            width = sum(self.columnWidth(c) for c in range(col, col + colspan)) - pad
            flags = Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft
            return metrics.boundingRect(QRect(0, 0, max(width, char), 100000), flags, text).height()

        minimum = regular.height() + regular.height() // 2 + 6
        heights = [minimum] * len(table.lines)
        for placed in table.placed:
            cell = placed.cell
            if cell.address or cell.rowspan != 1:
                continue
            metrics = regular if cell.role == "label" else bold
            text_height = needed(placed.row, placed.col, 1, cell.colspan, cell.text, metrics) + 10
            heights[placed.row] = max(heights[placed.row], text_height)
        for placed in table.placed:
            cell = placed.cell
            if cell.address or cell.rowspan == 1:
                continue
            metrics = regular if cell.role == "label" else bold
            text_height = needed(placed.row, placed.col, cell.rowspan, cell.colspan, cell.text, metrics) + 10
            rows = range(placed.row, placed.row + cell.rowspan)
            short = text_height - sum(heights[r] for r in rows)
            for i, r in enumerate(rows):  # spread what is missing over the merged rows
                heights[r] += max(short, 0) // cell.rowspan + (1 if i < max(short, 0) % cell.rowspan else 0)
        for row, height in enumerate(heights):
            self.setRowHeight(row, height)
        self.updateGeometry()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.fit_to_contents()

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

    def _step(self, index: _Index, dr: int, dc: int) -> QModelIndex:
        """The next input cell from `index` in a direction, or an invalid index if there is none."""
        model = self.table_model
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

    def moveCursor(
        self, cursorAction: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        if cursorAction in _CURSOR_MOVES:
            target = self._step(self.currentIndex(), *_CURSOR_MOVES[cursorAction])
            return target if target.isValid() else self.currentIndex()
        if cursorAction in (
            QAbstractItemView.CursorAction.MoveNext,
            QAbstractItemView.CursorAction.MovePrevious,
        ):
            return self._tab_target(cursorAction == QAbstractItemView.CursorAction.MoveNext)
        return super().moveCursor(cursorAction, modifiers)

    def _tab_target(self, forward: bool) -> QModelIndex:
        inputs = self.table_model.input_indexes()
        current = self.currentIndex()
        keys = [(i.row(), i.column()) for i in inputs]
        here = (current.row(), current.column())
        if forward:
            later = [i for i, k in zip(inputs, keys, strict=True) if k > here]
            return later[0] if later else current
        earlier = [i for i, k in zip(inputs, keys, strict=True) if k < here]
        return earlier[-1] if earlier else current

    def move_by(self, dr: int, dc: int) -> None:
        target = self._step(self.currentIndex(), dr, dc)
        if target.isValid():
            self.setCurrentIndex(target)

    def move_in_tab_order(self, forward: bool) -> None:
        self.setCurrentIndex(self._tab_target(forward))

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
            up = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.move_by(-1 if up else 1, 0)
        elif key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            forward = key == Qt.Key.Key_Tab and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            self.move_in_tab_order(forward)
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

    def paste_text(self, text: str) -> bool:
        """Ctrl+V: fill from the current cell; all or nothing (one undo step), refusals say why."""
        if self.document.read_only:
            self.refuse(READ_ONLY_MESSAGE, self.currentIndex())
            return False
        block = split_block(text)
        if not block:
            return False
        selected = self._selected()
        start = selected[0] if selected else self.currentIndex()
        if not start.isValid():
            return False
        model, spec = self.table_model, self.document.spec
        if len(block) == 1 and len(block[0]) == 1 and len(selected) > 1:
            # one value onto a selection: fill every selected input cell, as spreadsheets do
            targets = [(i.row(), i.column(), block[0][0]) for i in selected if model.is_input(i)]
        else:
            top, left = (
                min(i.row() for i in selected or [start]),
                min(i.column() for i in selected or [start]),
            )
            targets = [
                (top + r, left + c, cell_text)
                for r, row in enumerate(block)
                for c, cell_text in enumerate(row)
            ]
        changes: dict[str, Decimal | None] = {}
        given_totals: dict[str, Decimal] = {}
        invalid: list[str] = []
        misplaced = 0
        for row, col, cell_text in targets:
            owner = model.cell_at(row, col)
            address = owner.cell.address if owner else None
            is_new = address is not None and address not in changes and address not in given_totals
            if address is None or not is_new or (owner and (owner.row, owner.col) != (row, col)):
                misplaced += bool(cell_text.strip())
                continue
            try:
                value = parse_cell(spec, address, cell_text)
            except CellInputError as exc:
                invalid.append(exc.message)
                continue
            if spec.cells[address].derived:
                if value is not None:
                    given_totals[address] = value
            else:
                changes[address] = value
        where = spec.cells[model.address_at(start) or ""].description if model.address_at(start) else ""
        if invalid:
            more = f"等 {len(invalid)} 处" if len(invalid) > 3 else ""
            self.refuse("粘贴未完成，没有保存任何数字：" + "；".join(invalid[:3]) + more, start)
            return False
        if misplaced:
            width = max(map(len, block))
            self.refuse(
                f"粘贴未完成，没有保存任何数字：从{where}开始粘贴 {len(block)} 行 × {width} 列，"
                f"有 {misplaced} 个数会落在表格之外或不能填写的格子上。请选好起始格后重新粘贴。",
                start,
            )
            return False
        resolved = self.document.resolved_with(dict(changes))
        wrong = [
            f"{spec.cells[a].description}粘贴的是 {fmt(v)}，各分项之和为 {fmt(resolved[a])}"
            for a, v in given_totals.items()
            if v != resolved[a]
        ]
        if wrong:
            self.refuse(
                "粘贴未完成，没有保存任何数字：粘贴的合计与各分项之和不符："
                + "；".join(wrong[:3])
                + "。合计由软件自动计算，可以只粘贴各分项。",
                start,
            )
            return False
        self.document.set_values(changes, "粘贴", kind="paste")
        self.say(f"已粘贴 {len(changes)} 格")
        return True


def _is_typing(event: QKeyEvent) -> bool:
    """A key that types text (not a shortcut or a control key)."""
    text = event.text()
    mods = event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    return bool(text) and text.isprintable() and not mods
