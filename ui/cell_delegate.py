"""How a table cell is painted and typed in: the cell editor and the delegate that runs it.

Every keystroke previews the value in the document (totals and findings update before Enter); text that
is not a valid value turns the editor red and is refused on Enter with a message naming the cell. Each
text is parsed once (`CellEditor.parsed` keeps the last result), and a committed value goes to the model
as the parsed number, so the model does not parse it again.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from core.model.cell_input import CellInputError, parse_cell
from ui.table_model import ReportTableModel
from ui.table_navigation import MOVES

if TYPE_CHECKING:
    from ui.table_view import ReportTableView

_Index = QModelIndex | QPersistentModelIndex

SELECTION_TINT = QColor(38, 110, 220, 56)
CURRENT_BORDER = QColor("#1c5fc4")
EDITOR_OK = "QLineEdit { border: 2px solid #1c5fc4; padding: 0 3px; background: #ffffff; }"
EDITOR_BAD = "QLineEdit { border: 2px solid #c00000; padding: 0 3px; background: #fff0f0; }"

_SELECTED = QStyle.StateFlag.State_Selected
_HAS_FOCUS = QStyle.StateFlag.State_HasFocus
_NOT_SELECTED_OR_FOCUSED = ~(_SELECTED | _HAS_FOCUS)
_SELECTABLE = Qt.ItemFlag.ItemIsSelectable
_TABS = (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class CellEditor(QLineEdit):
    """The line edit of one value cell; `typing_over` when it was opened by typing (Excel's Enter mode)."""

    def __init__(self, parent: QWidget, address: str, typing_over: bool) -> None:
        super().__init__(parent)
        self.address = address
        self.typing_over = typing_over
        self.problem: str | None = None  # short reason while the text cannot be stored
        self.problem_message = ""  # the full message naming the cell
        self.filled = False  # the cell's content was put in once, when the editor opened
        self._parsed: tuple[str, Decimal | CellInputError | None] | None = None
        self.setFrame(False)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setStyleSheet(EDITOR_OK)

    def parsed(self, parse: ParseFn) -> Decimal | None:
        """The value of the current text (parsed once per text), or `CellInputError`."""
        text = self.text()
        if self._parsed is None or self._parsed[0] != text:
            try:
                result: Decimal | CellInputError | None = parse(self.address, text)
            except CellInputError as exc:
                result = exc
            self._parsed = (text, result)
        result = self._parsed[1]
        if isinstance(result, CellInputError):
            raise result
        return result

    def show_problem(self, problem: str | None, message: str = "") -> None:
        self.problem_message = message
        if problem != self.problem:
            if (problem is None) != (self.problem is None):
                self.setStyleSheet(EDITOR_OK if problem is None else EDITOR_BAD)
            self.problem = problem
            self.setToolTip(problem or "")


class ParseFn:
    """`parse_cell` bound to the open report's format."""

    def __init__(self, view: ReportTableView) -> None:
        self.view = view
        self.calls = 0  # how many texts were parsed (a test checks each is parsed once)

    def __call__(self, address: str, text: str) -> Decimal | None:
        self.calls += 1
        return parse_cell(self.view.document.spec, address, text)


class CellDelegate(QStyledItemDelegate):
    """Paints cells (selection as a tint, so finding colours stay visible) and runs the cell editor."""

    def __init__(self, view: ReportTableView) -> None:
        super().__init__(view)
        self.view = view
        self.parse = ParseFn(view)
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
        editor.textEdited.connect(lambda _text: self._edited(editor))
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
        try:
            model.setData(index, editor.parsed(self.parse))  # the number, not the text: parsed once
        except CellInputError as exc:
            model.inputRefused.emit(exc.message)

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: _Index) -> None:
        editor.setGeometry(option.rect)

    def destroyEditor(self, editor: QWidget, index: _Index) -> None:
        if editor is self.editor:
            self.editor = None
        self.view.document.end_preview()  # closed without storing (Escape, refused text)
        super().destroyEditor(editor, index)

    def _edited(self, editor: CellEditor) -> None:
        """Each keystroke: preview a valid value (totals, findings), or show why the text is refused."""
        document = self.view.document
        try:
            value = editor.parsed(self.parse)
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
            editor.parsed(self.parse)
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
            ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            arrows_move = obj.typing_over or key in (Qt.Key.Key_Up, Qt.Key.Key_Down)
            if key in _TABS or (key in MOVES and (arrows_move or key in _ENTER)):
                if self.commit(obj):
                    self.closeEditor.emit(obj, QAbstractItemDelegate.EndEditHint.NoHint)
                    if key in _TABS:
                        self.view.tab_from_cell(key == Qt.Key.Key_Tab and not shift, ctrl)
                    else:
                        dr, dc = MOVES[Qt.Key(key)]
                        self.view.move_by(-dr if shift and dr else dr, dc)
                return True
        if isinstance(obj, CellEditor) and event.type() == QEvent.Type.FocusOut and obj.problem:
            # Leaving a refused text: nothing is stored; say so rather than keep a stuck editor.
            self.view.refuse(obj.problem_message, QModelIndex())
            self.closeEditor.emit(obj, QAbstractItemDelegate.EndEditHint.RevertModelCache)
            return False
        return super().eventFilter(obj, event)
